//! The built-in blueprints' questions: every default is a valid answer whatever was answered
//! before it (a region other than us-east-1, any choice), a question whose answer could only
//! be refused is not asked, and every project's next steps say the same of `make test lint`.

use crate::support::builtin;
use pave::answers::{self, Supplied};
use serde_json::Value;

/// Commercial regions, with the four where CloudFront standard logging does not deliver.
const REGIONS: [&str; 8] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "af-south-1",
    "eu-south-1",
    "me-south-1",
];

#[test]
fn builtin_defaults_are_valid_answers_in_every_region() {
    let mut failures = Vec::new();
    for name in builtin::names() {
        let loaded = builtin::load(&name);
        let engine = pave::template::Engine::new(&loaded.blueprint.partials).unwrap();
        for region in REGIONS {
            let supplied = Supplied {
                set: vec![
                    ("project_name".into(), "demo".into()),
                    ("region".into(), region.into()),
                ],
                defaults: true,
                ..Supplied::default()
            };
            if let Err(e) = answers::resolve(&loaded.blueprint.manifest, &engine, &supplied, None) {
                failures.push(format!("{name} region={region}: {e}"));
            }
        }
        // Every combination of the choices asked before a default (what lint enumerates).
        let report = pave::author::lint::lint(&loaded.blueprint);
        for finding in report.findings {
            if finding.message.contains("breaks rules[") {
                failures.push(format!("{name}: {finding}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn edge_functions_does_not_ask_for_an_import_without_a_keyvaluestore() {
    let loaded = builtin::load("cloudfront-edge-functions");
    let engine = pave::template::Engine::new(&loaded.blueprint.partials).unwrap();
    let supplied = Supplied {
        set: vec![
            ("project_name".into(), "demo".into()),
            ("kvs".into(), "false".into()),
        ],
        defaults: true,
        ..Supplied::default()
    };
    let answers = answers::resolve(&loaded.blueprint.manifest, &engine, &supplied, None).unwrap();
    assert_eq!(answers.get("kvs_import"), Some(&Value::Null));
}

/// The first next step of every built-in project.
const NEXT_STEP_CHECK: &str = "make test lint        # handler unit tests, then cfn-lint, the SAM transform and checkov (the first run installs what each needs into .venv)";

#[test]
fn builtin_next_steps_say_the_same_of_make_test_lint() {
    let mut failures = Vec::new();
    for name in builtin::names() {
        let loaded = builtin::load(&name);
        for (case, example) in builtin::valid_examples(&loaded.blueprint) {
            let generated = builtin::render(&loaded, &example).unwrap();
            if generated.next_steps.first().map(String::as_str) != Some(NEXT_STEP_CHECK) {
                failures.push(format!("{name}/{case}: {:?}", generated.next_steps));
            }
            if generated
                .next_steps
                .iter()
                .any(|s| s.starts_with("make tools"))
            {
                failures.push(format!("{name}/{case}: still asks for make tools first"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
