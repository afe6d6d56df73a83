//! Errors as the user sees them: the exit code follows the error's kind (2 usage, 1 failure),
//! the hint is printed once, and with `--json` the error is a JSON object on stdout with the
//! same exit code.

use crate::support::git::{RefusingServer, free_port};
use crate::support::{Env, list_files, text};
use serde_json::Value;

/// Runs `pave args` and returns (exit code, stdout, stderr).
fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.pave().args(args).output().unwrap();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed: {}", text(&out)));
    (
        code,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `pave args --json`, checks the error object's shape and that nothing went to stderr,
/// and returns (exit code, the `error` object).
fn run_json(env: &Env, args: &[&str]) -> (i32, Value) {
    let mut args = args.to_vec();
    args.push("--json");
    let (code, stdout, stderr) = run(env, &args);
    assert_eq!(stderr, "", "with --json the error is on stdout only");
    let doc: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}"));
    let obj = doc.as_object().expect("an object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["error"], "{doc:#}");
    let err = doc["error"].clone();
    let mut keys: Vec<&String> = err
        .as_object()
        .expect("error is an object")
        .keys()
        .collect();
    keys.sort();
    assert_eq!(keys, ["hint", "kind", "message"], "{doc:#}");
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{doc:#}"
    );
    assert!(err["hint"].is_null() || err["hint"].is_string(), "{doc:#}");
    (code, err)
}

/// A port on 127.0.0.1 that nothing listens on: connecting is refused.
fn unreachable_url() -> String {
    format!("http://127.0.0.1:{}/team/blueprints.git", free_port())
}

#[test]
fn unknown_parameter_in_set_is_a_json_usage_error_with_the_closest_name() {
    let env = Env::new();
    let (code, err) = run_json(
        &env,
        &[
            "new",
            "cloudfront-static-site",
            "site",
            "--set",
            "regoin=eu-west-1",
        ],
    );
    assert_eq!(code, 2, "{err:#}");
    assert_eq!(err["kind"], "usage");
    assert!(
        err["message"].as_str().unwrap().contains("`regoin`"),
        "{err:#}"
    );
    assert_eq!(err["hint"], "did you mean `region`?");
    assert!(list_files(&env.work()).is_empty(), "nothing is written");
}

#[test]
fn bad_version_requirement_is_a_json_usage_error_with_examples() {
    let env = Env::new();
    for args in [
        &["show", "cloudfront-http-api@not-a-version"][..],
        &["new", "cloudfront-http-api@not-a-version", "api"],
    ] {
        let (code, err) = run_json(&env, args);
        assert_eq!(code, 2, "{args:?}: {err:#}");
        assert_eq!(err["kind"], "usage", "{args:?}");
        assert!(
            err["message"].as_str().unwrap().contains("not-a-version"),
            "{err:#}"
        );
        assert!(
            err["hint"].as_str().unwrap().starts_with("examples: "),
            "{err:#}"
        );
    }
}

#[test]
fn unknown_blueprint_is_a_json_failure_naming_what_exists() {
    let env = Env::new();
    for args in [
        &["show", "no-such-blueprint"][..],
        &["new", "no-such-blueprint", "x"],
    ] {
        let (code, err) = run_json(&env, args);
        assert_eq!(code, 1, "{args:?}: {err:#}");
        assert_eq!(err["kind"], "failure", "{args:?}");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("no-such-blueprint"),
            "{err:#}"
        );
        assert!(
            err["hint"]
                .as_str()
                .unwrap()
                .contains("cloudfront-http-api"),
            "{err:#}"
        );
    }
}

#[test]
fn unreachable_registry_url_is_a_json_failure() {
    let env = Env::new();
    let url = unreachable_url();
    let (code, err) = run_json(&env, &["list", "--registry", &url]);
    assert_eq!(code, 1, "{err:#}");
    assert_eq!(err["kind"], "failure");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach registry"),
        "{err:#}"
    );
}

#[test]
fn refused_credentials_are_a_json_failure_with_a_hint_and_no_secret() {
    let env = Env::new();
    let server = RefusingServer::start(50);
    let url = server.url_with("user:hunter2-in-url@");
    let (code, err) = run_json(&env, &["list", "--registry", &url]);
    assert_eq!(code, 1, "{err:#}");
    assert_eq!(err["kind"], "failure");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("authentication to"),
        "{err:#}"
    );
    assert!(
        err["hint"].as_str().unwrap().contains("PAVE_GIT_TOKEN"),
        "{err:#}"
    );
    assert!(!err.to_string().contains("hunter2"), "{err:#}");
}

#[test]
fn a_command_line_clap_rejects_is_a_json_usage_error_when_json_was_asked() {
    let env = Env::new();
    let (code, err) = run_json(&env, &["list", "--no-such-flag"]);
    assert_eq!(code, 2, "{err:#}");
    assert_eq!(err["kind"], "usage");
    assert!(
        err["message"].as_str().unwrap().contains("--no-such-flag"),
        "{err:#}"
    );

    // Without --json, clap's own text on stderr, same code.
    let (code, stdout, stderr) = run(&env, &["list", "--no-such-flag"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.starts_with("error: "), "{stderr}");
}

/// Each case: arguments, and the exit code its kind gives.
fn cases() -> Vec<(Vec<String>, i32)> {
    let s = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (
            s(&["new", "cloudfront-static-site", "site", "--set", "nope=1"]),
            2,
        ),
        (
            s(&["new", "cloudfront-static-site", "site", "--set", "region"]),
            2,
        ),
        (s(&["show", "cloudfront-http-api@>>1"]), 2),
        (s(&["list", "--registry", "acme"]), 2),
        (s(&["show", "no-such-blueprint"]), 1),
        (s(&["show", "cloudfront-http-api@^9"]), 1),
        (s(&["list", "--registry", &unreachable_url()]), 1),
    ]
}

#[test]
fn exit_codes_follow_the_kind_with_and_without_json() {
    let env = Env::new();
    for (args, want) in cases() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&env, &args);
        assert_eq!(code, want, "{args:?}:\n{stderr}");
        assert_eq!(stdout, "", "{args:?}: errors go to stderr without --json");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");

        let (json_code, err) = run_json(&env, &args);
        assert_eq!(json_code, want, "{args:?} --json: {err:#}");
        let kind = if want == 2 { "usage" } else { "failure" };
        assert_eq!(err["kind"], kind, "{args:?}: {err:#}");
    }
}

#[test]
fn a_hint_the_message_lacks_is_printed_once_and_one_it_holds_is_not_repeated() {
    let env = Env::new();
    let (code, _, stderr) = run(
        &env,
        &["new", "cloudfront-static-site", "site", "--set", "region"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        "error: `--set region` is not key=value\n  hint: write it as --set key=value\n"
    );

    let (code, _, stderr) = run(
        &env,
        &["new", "cloudfront-static-site", "site", "--set", "regoin=x"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.matches("did you mean `region`?").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("hint:"), "{stderr}");
}
