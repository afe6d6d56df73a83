//! `pave list` and `pave show` over the built-in registry, as text and JSON, and their errors.

use crate::support::Env;
use predicates::prelude::*;

const BUILTIN: [&str; 4] = [
    "cloudfront-edge-functions",
    "cloudfront-http-api",
    "cloudfront-lambda-url",
    "cloudfront-static-site",
];

#[test]
fn list_shows_every_builtin_blueprint_with_version_and_summary() {
    let env = Env::new();
    let out = env
        .pave()
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("NAME "), "{out}");
    for name in BUILTIN {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{out}"));
        assert!(line.contains("1.1.1"), "{line}");
    }
}

#[test]
fn list_json_is_machine_readable_and_filters_by_tag() {
    let env = Env::new();
    let out = env
        .pave()
        .args(["list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    let mut names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, BUILTIN);
    assert!(
        items
            .iter()
            .all(|i| i["summary"].as_str().is_some_and(|s| !s.is_empty()))
    );
    let out = env
        .pave()
        .args(["list", "--json", "--tag", "s3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(items.iter().any(|i| i["name"] == "cloudfront-static-site"));
    assert!(
        items
            .iter()
            .all(|i| i["tags"].as_array().unwrap().iter().any(|t| t == "s3"))
    );
}

#[test]
fn show_lists_every_parameter_with_type_default_and_help() {
    let env = Env::new();
    let out = env
        .pave()
        .args(["show", "cloudfront-static-site"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with("cloudfront-static-site 1.1.1  (builtin)\n"),
        "{out}"
    );
    for param in [
        "project_name",
        "routing",
        "custom_domain",
        "waf",
        "access_logs",
        "geo_restriction",
        "csp",
    ] {
        assert!(
            out.contains(&format!("\n  {param}  (")),
            "{param} missing:\n{out}"
        );
    }
    assert!(
        out.contains("(choice: spa | static-index | none) default: spa"),
        "{out}"
    );
    // The current release is listed (older ones too once they are kept in the binary).
    let versions = out
        .lines()
        .find(|l| l.starts_with("versions: "))
        .unwrap_or("");
    assert!(versions.contains("1.1.0"), "{out}");
}

#[test]
fn show_json_carries_parameters_versions_and_changelog() {
    let env = Env::new();
    for name in BUILTIN {
        let out = env
            .pave()
            .args(["show", name, "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["name"], name);
        assert!(
            doc["versions"]
                .as_array()
                .is_some_and(|v| v.contains(&serde_json::json!("1.1.0"))),
            "{name}: {}",
            doc["versions"]
        );
        let params = doc["parameters"].as_array().unwrap();
        assert!(
            params
                .iter()
                .any(|p| p["name"] == "project_name" && p["required"] == true)
        );
        assert!(
            params
                .iter()
                .all(|p| p["type"].is_string() && p["help"].is_string()),
            "{name}: every parameter has help"
        );
        assert!(
            doc["changelog"]
                .as_str()
                .is_some_and(|c| c.contains("## 1.1.0") && c.contains("## 1.0.0")),
            "{name}: changelog"
        );
    }
}

#[test]
fn unknown_blueprint_names_the_closest_one() {
    let env = Env::new();
    env.pave()
        .args(["show", "cloudfront-static-sight"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no blueprint `cloudfront-static-sight` in registry `builtin`; did you mean `cloudfront-static-site`?"));
    env.pave()
        .args(["new", "cloudfront-static-site@^2"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no version matching `^2`; available: ",
        ))
        .stderr(predicate::str::contains("1.1.0"));
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_instead_of_panicking() {
    let env = Env::new();
    let mut child = env
        .pave_process()
        .args(["show", "cloudfront-http-api"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `pave show ... | head -0`
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?} {stderr}", out.status);
}
