#!/usr/bin/env python3
"""Run the AWS SAM transform offline: SAM template (YAML) in, CloudFormation JSON out.

Usage: python3 sam-translate.py TEMPLATE OUT.json [TEMPLATE OUT.json]...
(AWS_DEFAULT_REGION defaults to us-east-1.)

Offline means: managed policy names resolve to nothing (no IAM call) and local CodeUri /
DefinitionUri paths are replaced by a placeholder S3 URI, as `sam package` would do.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

LOCAL_URI_PROPS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


class OfflinePolicyLoader:
    def load(self):
        return {}


def main(src, dst):
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(src, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    for logical_id, resource in (template.get("Resources") or {}).items():
        prop = LOCAL_URI_PROPS.get(resource.get("Type"))
        props = resource.get("Properties") or {}
        if prop and isinstance(props.get(prop), str) and not props[prop].startswith("s3://"):
            props[prop] = f"s3://offline-artifacts/{logical_id}.zip"
    out = transform(template, {}, OfflinePolicyLoader())
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit("usage: sam-translate.py TEMPLATE OUT.json [TEMPLATE OUT.json]...")
    failed = 0
    for src, dst in zip(args[::2], args[1::2]):
        try:
            main(src, dst)
        except Exception as exc:  # the translator raises many types; report them all alike
            print(f"{src}: SAM transform failed: {exc}", file=sys.stderr)
            failed += 1
    sys.exit(1 if failed else 0)
