//! Each check reports a damaged copy of a real rendered example (and nothing on the intact
//! one): a check that cannot fail would prove nothing.

use super::cloudfront::{
    ALL_VIEWER, check_authorization_placement, check_no_all_viewer, check_origin_group_methods,
    check_origins, check_ttl_order, check_web_acl_region,
};
use super::project::{check_lint_regions, check_workflow};
use super::rendering::{check_no_stray_braces, first_difference};
use super::sam::check_sam_literals;
use super::storage::{check_bucket_lifecycles, check_retained_data, check_teardown_notes};
use super::toggles::{
    check_custom_domain_tls, check_edge_kvs, check_lambda_url_access, check_site_toggles,
};
use super::{Case, Check, case, file_text, run};
use pave::blueprint::Entry;
use serde_json::Value as Json;
use serde_yaml::Value;

fn yaml(src: &str) -> Value {
    serde_yaml::from_str(src).unwrap()
}

/// The value at a dotted path (sequence items by index); panics when it is missing.
fn at_mut<'a>(v: &'a mut Value, dotted: &str) -> &'a mut Value {
    let mut cur = v;
    for seg in dotted.split('.') {
        cur = match cur {
            Value::Mapping(m) => m
                .get_mut(seg)
                .unwrap_or_else(|| panic!("no {seg} in {dotted}")),
            Value::Sequence(s) => &mut s[seg.parse::<usize>().unwrap()],
            other => panic!("{dotted}: {seg} under {other:?}"),
        };
    }
    cur
}

fn push(v: &mut Value, dotted: &str, item: Value) {
    at_mut(v, dotted).as_sequence_mut().unwrap().push(item);
}

fn insert(v: &mut Value, dotted: &str, key: &str, value: Value) {
    at_mut(v, dotted)
        .as_mapping_mut()
        .unwrap()
        .insert(Value::from(key), value);
}

fn remove(v: &mut Value, dotted: &str, key: &str) {
    at_mut(v, dotted)
        .as_mapping_mut()
        .unwrap()
        .remove(key)
        .unwrap();
}

/// `check` passes on the intact example and reports `needle` once `damage` is applied.
fn assert_catches(
    check: Check,
    blueprint: &str,
    name: &str,
    damage: impl FnOnce(&mut Case),
    needle: &str,
) {
    let mut case = case(blueprint, name);
    let intact = run(check, std::slice::from_ref(&case));
    assert!(intact.failures.is_empty(), "intact: {:?}", intact.failures);
    damage(&mut case);
    let broken = run(check, std::slice::from_ref(&case));
    assert!(
        broken
            .failures
            .iter()
            .any(|f| f.contains(needle) && f.contains(&case.label())),
        "damage not reported as {needle:?}: {:?}",
        broken.failures
    );
}

const DIST: &str = "Resources.Distribution.Properties.DistributionConfig";
const API_CACHE_HEADERS: &str = concat!(
    "Resources.ApiCachePolicy.Properties.CachePolicyConfig.",
    "ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig"
);

#[test]
fn stray_braces_in_a_file() {
    assert_catches(
        check_no_stray_braces,
        "cloudfront-static-site",
        "01-spa-logs",
        |c| {
            c.tree.insert(
                String::from("README.md"),
                Entry::file("ok ${{ x }} and {{resolve:ssm:/a}}\nbad {{project_name}}\n"),
            );
        },
        "README.md:2 keeps `{{project_name}}",
    );
}

#[test]
fn differing_trees() {
    let c = case("cloudfront-static-site", "01-spa-logs");
    let mut other = c.tree.clone();
    assert_eq!(first_difference(&c.tree, &other), None);
    other.insert(String::from("template.yaml"), Entry::file("changed"));
    assert_eq!(
        first_difference(&c.tree, &other).as_deref(),
        Some("template.yaml")
    );
}

#[test]
fn write_method_on_an_origin_group_behaviour() {
    assert_catches(
        check_origin_group_methods,
        "cloudfront-http-api",
        "03-node24-jwt-existing-failover-shield",
        |c| {
            push(
                &mut c.template,
                &format!("{DIST}.DefaultCacheBehavior.AllowedMethods"),
                Value::from("POST"),
            )
        },
        "DefaultCacheBehavior targets origin group api-failover but allows [\"POST\"]",
    );
}

#[test]
fn authorization_in_an_origin_request_policy() {
    assert_catches(
        check_authorization_placement,
        "cloudfront-http-api",
        "01-node22-jwt-waf-create",
        |c| {
            insert(
                &mut c.template,
                "Resources",
                "ForwardAuth",
                yaml(
                    "{Type: AWS::CloudFront::OriginRequestPolicy, Properties: \
                     {OriginRequestPolicyConfig: {Name: x, HeadersConfig: \
                     {HeaderBehavior: whitelist, Headers: [authorization]}}}}",
                ),
            );
        },
        "ForwardAuth (AWS::CloudFront::OriginRequestPolicy): header authorization",
    );
}

#[test]
fn authorization_in_the_cache_key_without_auth() {
    assert_catches(
        check_authorization_placement,
        "cloudfront-http-api",
        "02-python312-open-no-waf",
        |c| {
            *at_mut(&mut c.template, API_CACHE_HEADERS) =
                yaml("{HeaderBehavior: whitelist, Headers: [Authorization]}");
        },
        "auth=none but a cache policy keys on Authorization",
    );
}

#[test]
fn lambda_url_cache_key_other_than_the_token_header() {
    assert_catches(
        check_authorization_placement,
        "cloudfront-lambda-url",
        "06-python313-eu-west-1-custom-header",
        |c| {
            *at_mut(&mut c.template, &format!("{API_CACHE_HEADERS}.Headers.0")) =
                Value::from("X-User-Token");
        },
        "want whitelist [X-Session-Token]",
    );
}

#[test]
fn all_viewer_policy_on_the_function_url() {
    assert_catches(
        check_no_all_viewer,
        "cloudfront-lambda-url",
        "01-python-buffered-nowaf-logs",
        |c| {
            *at_mut(
                &mut c.template,
                &format!("{DIST}.DefaultCacheBehavior.OriginRequestPolicyId"),
            ) = Value::from(ALL_VIEWER);
        },
        "DefaultCacheBehavior.OriginRequestPolicyId is the AllViewer policy",
    );
}

#[test]
fn min_ttl_above_default_ttl() {
    assert_catches(
        check_ttl_order,
        "cloudfront-edge-functions",
        "01-kvs-country-defaults",
        |c| {
            *at_mut(
                &mut c.template,
                "Resources.ViewerCountryCachePolicy.Properties.CachePolicyConfig.MinTTL",
            ) = Value::from(100_000);
        },
        "MinTTL 100000 <= DefaultTTL 86400 <= MaxTTL 31536000 does not hold",
    );
}

#[test]
fn default_ttl_parameter_default_above_max_ttl() {
    assert_catches(
        check_ttl_order,
        "cloudfront-http-api",
        "01-node22-jwt-waf-create",
        |c| {
            *at_mut(&mut c.template, "Parameters.ApiCacheTtlSeconds.Default") = Value::from(120);
        },
        "MinTTL 0 <= DefaultTTL 120 <= MaxTTL 60 does not hold",
    );
}

#[test]
fn default_ttl_parameter_range_above_a_literal_max_ttl() {
    assert_catches(
        check_ttl_order,
        "cloudfront-lambda-url",
        "01-python-buffered-nowaf-logs",
        |c| {
            *at_mut(&mut c.template, "Parameters.ApiCacheTtlSeconds.MaxValue") = Value::from(3600);
        },
        "DefaultTTL admits 3600, above MaxTTL 60",
    );
}

#[test]
fn cloudfront_web_acl_outside_us_east_1() {
    assert_catches(
        check_web_acl_region,
        "cloudfront-http-api",
        "01-node22-jwt-waf-create",
        |c| {
            c.answers
                .insert(String::from("region"), Json::from("eu-west-1"));
        },
        "WebAcl: AWS::WAFv2::WebACL with Scope CLOUDFRONT rendered for region eu-west-1",
    );
}

#[test]
fn conditional_http_api_auth() {
    assert_catches(
        check_sam_literals,
        "cloudfront-http-api",
        "01-node22-jwt-waf-create",
        |c| {
            let auth = at_mut(&mut c.template, "Resources.HttpApi.Properties.Auth").clone();
            let conditional = Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
                tag: serde_yaml::value::Tag::new("If"),
                value: Value::Sequence(vec![
                    Value::from("HasJwt"),
                    auth,
                    yaml("!Ref AWS::NoValue"),
                ]),
            }));
            *at_mut(&mut c.template, "Resources.HttpApi.Properties.Auth") = conditional;
        },
        "HttpApi (AWS::Serverless::HttpApi): Auth is an intrinsic",
    );
}

#[test]
fn long_form_if_on_function_url_config() {
    assert_catches(
        check_sam_literals,
        "cloudfront-lambda-url",
        "03-node-stream-nowaf",
        |c| {
            *at_mut(
                &mut c.template,
                "Resources.ApiFunction.Properties.FunctionUrlConfig",
            ) = yaml("Fn::If: [Streaming, {AuthType: AWS_IAM}, {Ref: AWS::NoValue}]");
        },
        "ApiFunction (AWS::Serverless::Function): FunctionUrlConfig is an intrinsic",
    );
}

#[test]
fn post_on_an_s3_behaviour() {
    assert_catches(
        check_origins,
        "cloudfront-static-site",
        "01-spa-logs",
        |c| {
            push(
                &mut c.template,
                &format!("{DIST}.DefaultCacheBehavior.AllowedMethods"),
                Value::from("POST"),
            )
        },
        "DefaultCacheBehavior targets S3 origin site-bucket but allows [\"POST\"]",
    );
}

#[test]
fn custom_origin_over_plain_http() {
    assert_catches(
        check_origins,
        "cloudfront-http-api",
        "02-python312-open-no-waf",
        |c| {
            *at_mut(
                &mut c.template,
                &format!("{DIST}.Origins.0.CustomOriginConfig.OriginProtocolPolicy"),
            ) = Value::from("match-viewer");
        },
        "origin api-primary: OriginProtocolPolicy is Some(\"match-viewer\"), not https-only",
    );
}

#[test]
fn origin_with_both_configs() {
    assert_catches(
        check_origins,
        "cloudfront-edge-functions",
        "05-no-kvs-country",
        |c| {
            insert(
                &mut c.template,
                &format!("{DIST}.Origins.0"),
                "CustomOriginConfig",
                yaml("{OriginProtocolPolicy: https-only}"),
            );
        },
        "origin fallback-s3: needs exactly one of S3OriginConfig and CustomOriginConfig",
    );
}

#[test]
fn routing_function_without_its_association() {
    assert_catches(
        check_site_toggles,
        "cloudfront-static-site",
        "01-spa-logs",
        |c| {
            remove(
                &mut c.template,
                &format!("{DIST}.DefaultCacheBehavior"),
                "FunctionAssociations",
            )
        },
        "routing=spa but 0 FunctionAssociations",
    );
}

#[test]
fn default_certificate_with_a_minimum_protocol() {
    assert_catches(
        check_site_toggles,
        "cloudfront-static-site",
        "02-plain-no-logs",
        |c| {
            insert(
                &mut c.template,
                &format!("{DIST}.ViewerCertificate"),
                "MinimumProtocolVersion",
                Value::from("TLSv1.2_2021"),
            );
        },
        "ViewerCertificate sets CloudFrontDefaultCertificate and MinimumProtocolVersion",
    );
}

#[test]
fn aliases_without_custom_domain() {
    assert_catches(
        check_site_toggles,
        "cloudfront-static-site",
        "06-static-index-waf-allowlist",
        |c| insert(&mut c.template, DIST, "Aliases", yaml("[www.example.com]")),
        "custom_domain=false but Aliases present=true",
    );
}

#[test]
fn cloudfront_import_without_kvs() {
    assert_catches(
        check_edge_kvs,
        "cloudfront-edge-functions",
        "05-no-kvs-country",
        |c| {
            let code = at_mut(
                &mut c.template,
                "Resources.EdgeRouterFunction.Properties.FunctionCode",
            );
            *code = Value::from(format!(
                "import cf from 'cloudfront';\n{}",
                code.as_str().unwrap()
            ));
        },
        "EdgeRouterFunction FunctionCode: kvs=false but the code imports 'cloudfront'",
    );
}

#[test]
fn kvs_without_the_import_in_the_file() {
    assert_catches(
        check_edge_kvs,
        "cloudfront-edge-functions",
        "01-kvs-country-defaults",
        |c| {
            let text = file_text(&c.tree, "functions/edge-router.js").unwrap();
            let without = text.replace("import cf from 'cloudfront';", "");
            c.tree.insert(
                String::from("functions/edge-router.js"),
                Entry::file(without),
            );
        },
        "functions/edge-router.js: kvs=true but no `import cf from 'cloudfront'`",
    );
}

#[test]
fn missing_invoke_function_permission() {
    assert_catches(
        check_lambda_url_access,
        "cloudfront-lambda-url",
        "02-python-buffered-existing-waf",
        |c| {
            remove(
                &mut c.template,
                "Resources",
                "CloudFrontInvokeFunctionPermission",
            )
        },
        "want one AWS::Lambda::Permission with Action lambda:InvokeFunction, found 0",
    );
}

#[test]
fn oac_of_the_wrong_type() {
    assert_catches(
        check_lambda_url_access,
        "cloudfront-lambda-url",
        "04-node-stream-existing-waf-logs",
        |c| {
            *at_mut(
                &mut c.template,
                concat!(
                    "Resources.FunctionUrlOriginAccessControl.Properties.",
                    "OriginAccessControlConfig.OriginAccessControlOriginType"
                ),
            ) = Value::from("s3");
        },
        "no AWS::CloudFront::OriginAccessControl of type lambda",
    );
}

/// Replaces `from` with `to` in a rendered file (which must contain it).
fn edit_file(c: &mut Case, file: &str, from: &str, to: &str) {
    let text = file_text(&c.tree, file).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    let edited = text.replace(from, to);
    c.tree.insert(String::from(file), Entry::file(edited));
}

#[test]
fn make_lint_without_the_project_region() {
    assert_catches(
        check_lint_regions,
        "cloudfront-static-site",
        "01-spa-logs",
        |c| {
            edit_file(
                c,
                "Makefile",
                "cfn-lint --regions $(REGION) -- template.yaml",
                "cfn-lint template.yaml",
            )
        },
        "does not pass --regions us-east-1",
    );
    assert_catches(
        check_lint_regions,
        "cloudfront-lambda-url",
        "06-python313-eu-west-1-custom-header",
        |c| edit_file(c, "Makefile", "REGION ?= eu-west-1", "REGION ?= us-east-1"),
        "does not pass --regions eu-west-1",
    );
}

const SITE_BUCKET_RULE: &str = "Resources.SiteBucket.Properties.LifecycleConfiguration.Rules.0";
const SITE_LOG_RULE: &str = "Resources.LogBucket.Properties.LifecycleConfiguration.Rules.0";

#[test]
fn bucket_lifecycle_gaps() {
    let site = "cloudfront-static-site";
    assert_catches(
        check_bucket_lifecycles,
        site,
        "01-spa-logs",
        |c| {
            remove(
                &mut c.template,
                SITE_BUCKET_RULE,
                "NoncurrentVersionExpiration",
            )
        },
        "SiteBucket: versioned, but no enabled lifecycle rule expires noncurrent versions",
    );
    assert_catches(
        check_bucket_lifecycles,
        site,
        "01-spa-logs",
        |c| {
            remove(
                &mut c.template,
                SITE_LOG_RULE,
                "AbortIncompleteMultipartUpload",
            )
        },
        "LogBucket: no enabled lifecycle rule aborts incomplete multipart uploads",
    );
    assert_catches(
        check_bucket_lifecycles,
        site,
        "01-spa-logs",
        |c| {
            insert(
                &mut c.template,
                SITE_LOG_RULE,
                "ExpirationInDays",
                Value::from(90),
            )
        },
        "LogBucket: log expiry Number(90) is not a stack parameter",
    );
    assert_catches(
        check_bucket_lifecycles,
        site,
        "01-spa-logs",
        |c| {
            remove(
                &mut c.template,
                "Resources.LogBucket.Properties",
                "LifecycleConfiguration",
            )
        },
        "LogBucket: log bucket whose logs never expire",
    );
}

#[test]
fn log_group_deleted_with_the_stack() {
    assert_catches(
        check_retained_data,
        "cloudfront-lambda-url",
        "01-python-buffered-nowaf-logs",
        |c| {
            remove(
                &mut c.template,
                "Resources.ApiFunctionLogGroup",
                "DeletionPolicy",
            )
        },
        "ApiFunctionLogGroup (AWS::Logs::LogGroup): DeletionPolicy is not Retain",
    );
    assert_catches(
        check_retained_data,
        "cloudfront-http-api",
        "01-node22-jwt-waf-create",
        |c| {
            remove(
                &mut c.template,
                "Resources.LogBucket",
                "UpdateReplacePolicy",
            )
        },
        "LogBucket (AWS::S3::Bucket): UpdateReplacePolicy is not Retain",
    );
}

#[test]
fn readme_without_log_group_removal() {
    assert_catches(
        check_teardown_notes,
        "cloudfront-http-api",
        "02-python312-open-no-waf",
        |c| edit_file(c, "README.md", "aws logs delete-log-group", "aws logs"),
        "README.md does not say how to delete the retained log groups",
    );
}

const CI: &str = ".github/workflows/ci.yml";

#[test]
fn workflow_weaknesses() {
    let (bp, name) = ("cloudfront-edge-functions", "01-kvs-country-defaults");
    let damages: [(&str, &str, &str); 6] = [
        (
            "aws-actions/setup-sam@f84ec7d548307efafe33230528756de3c5841a17 # v2",
            "aws-actions/setup-sam@v2",
            "`aws-actions/setup-sam@v2` is not pinned",
        ),
        (
            "persist-credentials: false",
            "persist-credentials: true",
            "actions/checkout without persist-credentials: false",
        ),
        (
            "permissions: {}",
            "permissions: write-all",
            "workflow permissions are not",
        ),
        (
            "      id-token: write",
            "      id-token: write\n      actions: write",
            "its permissions are not",
        ),
        (
            "    environment: production\n",
            "",
            "deploys outside a GitHub environment",
        ),
        (
            "    permissions:\n      contents: read\n    steps:",
            "    permissions:\n      contents: read\n      id-token: write\n    steps:",
            "job test-lint: permissions are not exactly",
        ),
    ];
    for (from, to, needle) in damages {
        assert_catches(
            check_workflow,
            bp,
            name,
            |c| edit_file(c, CI, from, to),
            needle,
        );
    }
    assert_catches(
        check_workflow,
        bp,
        name,
        |c| {
            edit_file(
                c,
                "README.md",
                ":environment:production",
                ":ref:refs/heads/main",
            )
        },
        "README.md does not show the OIDC trust condition for environment production",
    );
}

#[test]
fn custom_domain_with_a_weak_viewer_policy() {
    let (bp, name) = ("cloudfront-lambda-url", "14-python-custom-domain-logs");
    assert_catches(
        check_custom_domain_tls,
        bp,
        name,
        |c| {
            insert(
                &mut c.template,
                &format!("{DIST}.ViewerCertificate"),
                "MinimumProtocolVersion",
                Value::from("TLSv1"),
            )
        },
        "Distribution: custom domain without TLSv1.2_2021 and sni-only",
    );
    assert_catches(
        check_custom_domain_tls,
        bp,
        name,
        |c| {
            remove(
                &mut c.template,
                "Parameters.CertificateArn",
                "AllowedPattern",
            )
        },
        "does not require us-east-1",
    );
}
