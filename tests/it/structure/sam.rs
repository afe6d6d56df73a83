//! SAM properties that the transform needs as literals: `Auth`, `Events` and
//! `FunctionUrlConfig` of functions, HTTP APIs and their `Globals` are never intrinsics.

use super::cfn::{field, is_intrinsic, path};
use super::{Case, Report, assert_all};
use serde_yaml::Value;

pub(super) fn check_sam_literals(case: &Case, report: &mut Report) {
    let mut targets: Vec<(String, &Value)> = case
        .resources()
        .into_iter()
        .filter(|(_, kind, _)| {
            matches!(
                *kind,
                "AWS::Serverless::Function" | "AWS::Serverless::HttpApi"
            )
        })
        .map(|(id, kind, props)| (format!("{id} ({kind})"), props))
        .collect();
    for section in ["Function", "HttpApi"] {
        if let Some(globals) = path(&case.template, &["Globals", section]) {
            targets.push((format!("Globals.{section}"), globals));
        }
    }
    for (owner, props) in targets {
        if is_intrinsic(props) {
            report.fail(case, format!("{owner}: Properties is an intrinsic"));
            continue;
        }
        for key in ["Auth", "Events", "FunctionUrlConfig"] {
            let Some(value) = field(props, key) else {
                continue;
            };
            report.checked += 1;
            let top_level_fn = match value {
                Value::Mapping(m) => m
                    .keys()
                    .filter_map(Value::as_str)
                    .any(|k| k.starts_with("Fn::")),
                _ => false,
            };
            if is_intrinsic(value) || top_level_fn {
                report.fail(
                    case,
                    format!("{owner}: {key} is an intrinsic, which SAM rejects"),
                );
                continue;
            }
            if key == "Events" {
                let Value::Mapping(events) = value else {
                    report.fail(case, format!("{owner}: Events is not a mapping"));
                    continue;
                };
                for (name, event) in events {
                    let name = name.as_str().unwrap_or("?");
                    if is_intrinsic(event) || field(event, "Type").is_some_and(is_intrinsic) {
                        report.fail(case, format!("{owner}: event {name} is an intrinsic"));
                    }
                }
            }
        }
    }
}

#[test]
fn sam_auth_events_and_function_url_config_are_not_intrinsics() {
    assert_all("SAM properties that must be literal", check_sam_literals);
}
