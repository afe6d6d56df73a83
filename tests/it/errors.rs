//! Errors as the user sees them: the exit code follows the error's kind (2 usage, 1 failure),
//! the hint is printed once, and with `--json` the error is a JSON object on stdout with the
//! same exit code.

use crate::support::git::{RefusingServer, free_port};
use crate::support::{Env, list_files};

/// A port on 127.0.0.1 that nothing listens on: connecting is refused.
fn unreachable_url() -> String {
    format!("http://127.0.0.1:{}/team/blueprints.git", free_port())
}

/// `args` followed by `--json`.
fn json(args: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.push(String::from("--json"));
    args
}

/// `value` as text ("" when it is not text).
fn s(value: &serde_json::Value) -> &str {
    value.as_str().unwrap_or_default()
}

#[test]
fn unknown_parameter_in_set_is_a_json_usage_error_with_the_closest_name() {
    let env = Env::new();
    let err = env
        .run(json(&[
            "new",
            "cloudfront-static-site",
            "site",
            "--set",
            "regoin=eu-west-1",
        ]))
        .code(2)
        .json_error();
    assert_eq!(err["kind"], "usage");
    assert!(s(&err["message"]).contains("`regoin`"), "{err:#}");
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
        let err = env.run(json(args)).code(2).json_error();
        assert_eq!(err["kind"], "usage", "{args:?}");
        assert!(s(&err["message"]).contains("not-a-version"), "{err:#}");
        assert!(s(&err["hint"]).starts_with("examples: "), "{err:#}");
    }
}

#[test]
fn unknown_blueprint_is_a_json_failure_naming_what_exists() {
    let env = Env::new();
    for args in [
        &["show", "no-such-blueprint"][..],
        &["new", "no-such-blueprint", "x"],
    ] {
        let err = env.run(json(args)).code(1).json_error();
        assert_eq!(err["kind"], "failure", "{args:?}");
        assert!(s(&err["message"]).contains("no-such-blueprint"), "{err:#}");
        assert!(s(&err["hint"]).contains("cloudfront-http-api"), "{err:#}");
    }
}

#[test]
fn unreachable_registry_url_is_a_json_failure() {
    let env = Env::new();
    let url = unreachable_url();
    let err = env
        .run(json(&["list", "--registry", &url]))
        .code(1)
        .json_error();
    assert_eq!(err["kind"], "failure");
    assert!(
        s(&err["message"]).contains("cannot reach registry"),
        "{err:#}"
    );
}

#[test]
fn refused_credentials_are_a_json_failure_with_a_hint_and_no_secret() {
    let env = Env::new();
    let server = RefusingServer::start(50);
    let url = server.url_with("user:hunter2-in-url@");
    let err = env
        .run(json(&["list", "--registry", &url]))
        .code(1)
        .stdout_lacks("hunter2")
        .json_error();
    assert_eq!(err["kind"], "failure");
    assert!(s(&err["message"]).contains("authentication to"), "{err:#}");
    assert!(s(&err["hint"]).contains("PAVE_GIT_TOKEN"), "{err:#}");
}

#[test]
fn a_command_line_clap_rejects_is_a_json_usage_error_when_json_was_asked() {
    let env = Env::new();
    let err = env
        .run(json(&["list", "--no-such-flag"]))
        .code(2)
        .json_error();
    assert_eq!(err["kind"], "usage");
    assert!(s(&err["message"]).contains("--no-such-flag"), "{err:#}");

    // Without --json, clap's own text on stderr, same code.
    let run = env.run(["list", "--no-such-flag"]).code(2).stdout_is("");
    assert!(run.stderr().starts_with("error: "), "{}", run.stderr());
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
        let run = env.run(&args).code(want).stdout_is("");
        assert!(
            run.stderr().starts_with("error: "),
            "{args:?}: {}",
            run.stderr()
        );

        let err = env.run(json(&args)).code(want).json_error();
        let kind = if want == 2 { "usage" } else { "failure" };
        assert_eq!(err["kind"], kind, "{args:?}: {err:#}");
    }
}

#[test]
fn a_hint_the_message_lacks_is_printed_once_and_one_it_holds_is_not_repeated() {
    let env = Env::new();
    env.run(["new", "cloudfront-static-site", "site", "--set", "region"])
        .code(2)
        .stderr_is(
            "error: the answer `region` is not key=value\n  hint: write it as --set key=value\n",
        );

    let run = env
        .run(["new", "cloudfront-static-site", "site", "--set", "regoin=x"])
        .code(2)
        .stderr_lacks("hint:");
    assert_eq!(
        run.stderr().matches("did you mean `region`?").count(),
        1,
        "{}",
        run.stderr()
    );
}

#[test]
fn an_unknown_registry_names_the_known_ones_and_gives_the_fix_once() {
    let env = Env::new();
    let run = env
        .run(["new", "acme/team-api", "svc", "--defaults"])
        .code(2)
        .stderr_has("error: unknown registry `acme`; known: builtin\n")
        .stderr_has("hint: add it with `pave registry add acme <git-url>`, or pass a git URL");
    assert_eq!(
        run.stderr().matches("pave registry add").count(),
        1,
        "{}",
        run.stderr()
    );
    assert!(!env.work().join("svc").exists());
}

#[test]
fn a_misspelt_registry_is_named_by_the_one_meant() {
    let env = Env::new();
    env.run([
        "registry",
        "add",
        "acme",
        "https://127.0.0.1:9/reg.git",
        "--offline",
    ])
    .code(0);
    env.run(["new", "acmee/team-api", "svc", "--defaults"])
        .code(2)
        .stderr_has("error: unknown registry `acmee`; known: builtin, acme\n")
        .stderr_has("hint: did you mean `acme`?");
    env.run(["publish", "team-api", "--registry", "acem", "-m", "x"])
        .code(2)
        .stderr_has("error: unknown registry `acem` (did you mean `acme`?); this command writes to a git registry");
}
