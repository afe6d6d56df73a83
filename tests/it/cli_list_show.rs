//! `pave list` and `pave show` over the built-in registry, as text and JSON, and their errors.

use crate::support::Env;

const BUILTIN: [&str; 4] = [
    "cloudfront-edge-functions",
    "cloudfront-http-api",
    "cloudfront-lambda-url",
    "cloudfront-static-site",
];

#[test]
fn list_shows_every_builtin_blueprint_with_version_and_summary() {
    let env = Env::new();
    let mut run = env.run(["list"]).code(0).stderr_is("");
    assert!(run.stdout().starts_with("NAME "), "{}", run.stdout());
    for name in BUILTIN {
        run = run.line_has(name, &["1.1.1"]);
    }
}

#[test]
fn list_json_is_machine_readable_and_filters_by_tag() {
    let env = Env::new();
    let items = env.run(["list", "--json"]).code(0).json();
    let items = items.as_array().expect("an array");
    let mut names: Vec<&str> = items.iter().filter_map(|i| i["name"].as_str()).collect();
    names.sort();
    assert_eq!(names, BUILTIN);
    assert!(
        items
            .iter()
            .all(|i| i["summary"].as_str().is_some_and(|s| !s.is_empty()))
    );

    let items = env.run(["list", "--json", "--tag", "s3"]).code(0).json();
    let items = items.as_array().expect("an array");
    assert!(items.iter().any(|i| i["name"] == "cloudfront-static-site"));
    assert!(items.iter().all(|i| {
        i["tags"]
            .as_array()
            .is_some_and(|tags| tags.iter().any(|t| t == "s3"))
    }));
}

#[test]
fn show_lists_every_parameter_with_type_default_and_help() {
    let env = Env::new();
    let mut run = env
        .run(["show", "cloudfront-static-site"])
        .code(0)
        .stdout_has("(choice: spa | static-index | none) default: spa")
        // The current release is listed (older ones too once they are kept in the binary).
        .line_has("versions: ", &["1.1.0"]);
    assert!(
        run.stdout()
            .starts_with("cloudfront-static-site 1.1.1  (builtin)\n"),
        "{}",
        run.stdout()
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
        run = run.stdout_has(&format!("\n  {param}  ("));
    }
}

#[test]
fn show_json_carries_parameters_versions_and_changelog() {
    let env = Env::new();
    for name in BUILTIN {
        let doc = env.run(["show", name, "--json"]).code(0).json();
        assert_eq!(doc["name"], name);
        assert!(
            doc["versions"]
                .as_array()
                .is_some_and(|v| v.contains(&serde_json::json!("1.1.0"))),
            "{name}: {}",
            doc["versions"]
        );
        let params = doc["parameters"].as_array().expect("parameters");
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
    env.run(["show", "cloudfront-static-sight"])
        .code(1)
        .stderr_has("no blueprint `cloudfront-static-sight` in registry `builtin`; did you mean `cloudfront-static-site`?");
    env.run(["new", "cloudfront-static-site@^2"])
        .code(1)
        .stderr_has("no version matching `^2`; available: ")
        .stderr_has("1.1.0");
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
