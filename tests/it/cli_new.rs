//! `pave new` through the binary without a terminal: answers from flags and files, every kind
//! of bad input (with exit codes and an untouched disk), --dry-run, --force, --git, the
//! folder name as default project name, warnings for maturity and unused answers, --json.

use crate::support::git::{RegistryBuilder, small};
use crate::support::{BlueprintBuilder, Env, Param, list_files, text};
use predicates::prelude::*;

/// Answers that satisfy the typed blueprint.
const VALID: [&str; 6] = [
    "--set",
    "project_name=ok",
    "--set",
    "runtime=python3.12",
    "--set",
    "api_key=k",
];

/// The required `project_name` every test blueprint here asks first.
fn project_name() -> Param {
    Param::string("project_name").pattern("^[a-z][a-z0-9-]*$")
}

/// A blueprint with typed parameters, a rule and a secret.
fn typed_blueprint(env: &Env) -> String {
    let bp = BlueprintBuilder::new("typed")
        .param(project_name())
        .param(Param::integer("memory").min(128).max(1024).default(256))
        .param(Param::choice("runtime", &["nodejs22.x", "python3.12"]))
        .param(Param::choice("waf", &["none", "create", "existing"]).default("none"))
        .param(Param::string("web_acl_arn").when("{{eq waf 'existing'}}"))
        .param(Param::string("region").default("eu-west-1"))
        .param(Param::secret("api_key"))
        .rule(
            "{{and (eq waf 'create') (ne region 'us-east-1')}}",
            "A CloudFront web ACL can only be created in us-east-1",
        )
        .file(
            "template/config.json.hbs",
            "{\"name\": \"{{project_name}}\", \"memory\": {{memory}}, \"key\": \"{{api_key}}\"}\n",
        )
        .file("template/README.md", "# readme\n");
    env.write_blueprint(&bp)
}

#[test]
fn missing_answers_without_terminal_are_listed_together_with_the_fix() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    // `Out` is not a valid project_name, so it is no default for it.
    let out = env
        .pave()
        .args(["new", &bp, "Out"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let msg = text(&out);
    assert!(
        msg.contains("missing answer(s) for project_name, runtime, api_key"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "\n  hint: --set project_name=... --set runtime=nodejs22.x --set api_key=...\n"
        ),
        "{msg}"
    );
    assert!(list_files(&env.work().join("Out")).is_empty());
}

#[test]
fn unknown_set_key_names_the_closest_parameter() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    env.pave()
        .args(["new", &bp, "out", "--set", "project_nme=x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown parameter `project_nme` (from --set); did you mean `project_name`?",
        ));
    assert!(!env.work().join("out").exists());
}

#[test]
fn bad_values_are_rejected_by_type_pattern_bounds_and_choices() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    let out = env
        .pave()
        .args([
            "new",
            &bp,
            "out",
            "--set",
            "project_name=Bad Name",
            "--set",
            "memory=lots",
        ])
        .args(["--set", "runtime=python3.13", "--set", "api_key=k"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let msg = text(&out);
    assert!(
        msg.contains("project_name: `Bad Name` does not match the pattern"),
        "{msg}"
    );
    assert!(
        msg.contains("memory: `lots` is not a whole number"),
        "{msg}"
    );
    assert!(msg.contains("runtime: `python3.13` is not one of: nodejs22.x, python3.12 (did you mean `python3.12`?)"), "{msg}");
    env.pave()
        .args([
            "new",
            &bp,
            "out",
            "--set",
            "project_name=ok",
            "--set",
            "memory=2048",
            "--set",
            "runtime=python3.12",
            "--set",
            "api_key=k",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "memory: 2048 is greater than the maximum 1024",
        ));
    assert!(!env.work().join("out").exists());
}

#[test]
fn a_rule_violation_is_an_error_and_writes_nothing() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    env.pave()
        .args(["new", &bp, "out"])
        .args(VALID)
        .args(["--set", "waf=create"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rule failed: A CloudFront web ACL can only be created in us-east-1 (answers: waf=create, region=eu-west-1)\n  hint: fix with --set region=us-east-1 or --set waf=none\n",
        ));
    assert!(!env.work().join("out").exists());
    env.pave()
        .args(["new", &bp, "out"])
        .args(VALID)
        .args(["--set", "waf=create", "--set", "region=us-east-1"])
        .assert()
        .success();
}

#[test]
fn answers_file_and_set_combine_and_secrets_are_never_recorded() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    std::fs::write(
        env.work().join("answers.yaml"),
        "answers:\n  project_name: svc\n  runtime: nodejs22.x\n  memory: 512\n",
    )
    .unwrap();
    env.pave()
        .args([
            "new",
            &bp,
            "out",
            "--answers",
            "answers.yaml",
            "--set",
            "memory=768",
            "--set",
            "api_key=s3cr3t-value",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("s3cr3t").not());
    let config = std::fs::read_to_string(env.work().join("out/config.json")).unwrap();
    assert_eq!(
        config,
        "{\"name\": \"svc\", \"memory\": 768, \"key\": \"s3cr3t-value\"}\n"
    );
    let record = std::fs::read_to_string(env.work().join("out/.pave.yaml")).unwrap();
    assert!(
        !record.contains("s3cr3t") && !record.contains("api_key"),
        "{record}"
    );
    assert!(
        record.contains("blueprint: typed\nversion: 1.0.0\n"),
        "{record}"
    );
    assert!(record.contains("memory: 768"), "{record}");
    assert!(
        record.contains(&format!("pave_version: {}", env!("CARGO_PKG_VERSION"))),
        "{record}"
    );
}

#[test]
fn malformed_answers_file_names_file_and_line() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    std::fs::write(
        env.work().join("answers.yaml"),
        "project_name: svc\nruntime: [oops\n",
    )
    .unwrap();
    env.pave()
        .args(["new", &bp, "out", "--answers", "answers.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("answers.yaml:"));
}

#[test]
fn non_empty_target_is_refused_and_force_keeps_unrelated_files() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    let target = env.work().join("out");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("mine.txt"), "keep me").unwrap();
    std::fs::write(target.join("README.md"), "old readme").unwrap();
    let args = ["new", &bp, "out"];
    env.pave()
        .args(args)
        .args(VALID)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not empty").and(predicate::str::contains("--force")));
    assert_eq!(list_files(&target), ["README.md", "mine.txt"]);
    env.pave()
        .args(args)
        .args(VALID)
        .arg("--force")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 overwritten"));
    assert_eq!(
        list_files(&target),
        [".pave.yaml", "README.md", "config.json", "mine.txt"]
    );
    assert_eq!(
        std::fs::read_to_string(target.join("mine.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("README.md")).unwrap(),
        "# readme\n"
    );
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    let before = list_files(&env.work());
    env.pave()
        .args(["new", &bp, "out", "--dry-run"])
        .args(VALID)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("create     config.json")
                .and(predicate::str::contains("3 to create, 0 to overwrite")),
        );
    assert_eq!(list_files(&env.work()), before);
}

#[test]
fn dry_run_with_force_shows_a_diff_of_overwritten_files() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    std::fs::create_dir_all(env.work().join("out")).unwrap();
    std::fs::write(env.work().join("out/README.md"), "old readme\n").unwrap();
    env.pave()
        .args(["new", &bp, "out", "--dry-run", "--force"])
        .args(VALID)
        .assert()
        .success()
        .stdout(predicate::str::contains("-old readme").and(predicate::str::contains("+# readme")));
    assert_eq!(
        std::fs::read_to_string(env.work().join("out/README.md")).unwrap(),
        "old readme\n"
    );
}

#[test]
fn git_flag_makes_a_repository_with_one_commit() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    env.pave()
        .args(["new", &bp, "out", "--git"])
        .args(VALID)
        .assert()
        .success();
    let repo = git2::Repository::open(env.work().join("out")).expect("a git repository");
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.parent_count(), 0);
    let tree = head.tree().unwrap();
    assert!(tree.get_name(".pave.yaml").is_some() && tree.get_name("config.json").is_some());
    assert!(
        repo.statuses(None).unwrap().is_empty(),
        "everything committed"
    );
}

#[test]
fn a_template_failing_half_way_leaves_no_target() {
    let env = Env::new();
    let bp = env.write_blueprint(
        &BlueprintBuilder::new("broken")
            .param(project_name())
            .file("template/a.txt.hbs", "{{project_name}}\n")
            .file("template/m/ok.txt.hbs", "{{project_name}}\n")
            .file("template/z.txt.hbs", "fine\n{{missing_variable}}\n"),
    );
    env.pave()
        .args(["new", &bp, "out", "--set", "project_name=ok"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("template/z.txt.hbs:2:"));
    assert!(!env.work().join("out").exists());
    let leftovers: Vec<_> = list_files(&env.work())
        .into_iter()
        .filter(|f| f.contains(".pave-staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn default_target_is_the_project_name() {
    let env = Env::new();
    env.pave()
        .args([
            "new",
            "cloudfront-static-site",
            "--set",
            "project_name=my-site",
            "--quiet",
        ])
        .assert()
        .success();
    assert!(env.work().join("my-site/.pave.yaml").exists());
    let record = std::fs::read_to_string(env.work().join("my-site/.pave.yaml")).unwrap();
    assert!(
        record.contains("registry: builtin\nblueprint: cloudfront-static-site\n"),
        "{record}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.pave().args(["new"]).assert().code(2);
    env.pave()
        .args(["new", "cloudfront-static-site", "--set", "novalue"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not key=value"));
    env.pave()
        .args(["new", "cloudfront-static-site@not-a-req"])
        .assert()
        .code(2);
}

#[test]
fn set_for_a_parameter_that_is_not_asked_is_a_usage_error_naming_the_condition() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    env.pave()
        .args(["new", &bp, "out", "--set", "web_acl_arn=arn:aws:wafv2:x"])
        .args(VALID)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "web_acl_arn is only used when waf=existing",
        ));
    assert!(!env.work().join("out").exists());
    env.pave()
        .args(["new", &bp, "out", "--set", "web_acl_arn=arn:aws:wafv2:x"])
        .args(VALID)
        .args(["--set", "waf=existing"])
        .assert()
        .success();
}

#[test]
fn an_unused_key_in_an_answers_file_is_a_warning_and_still_validated() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    std::fs::write(
        env.work().join("answers.yaml"),
        "web_acl_arn: arn:aws:wafv2:x\nmemory: 512\n",
    )
    .unwrap();
    env.pave()
        .args(["new", &bp, "out", "--answers", "answers.yaml"])
        .args(VALID)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: `web_acl_arn` in the answers file is not used: web_acl_arn is only used when waf=existing",
        ));
    let record = std::fs::read_to_string(env.work().join("out/.pave.yaml")).unwrap();
    assert!(!record.contains("web_acl_arn"), "{record}");
    std::fs::write(
        env.work().join("answers.yaml"),
        "web_acl_arn: [not, a, string]\n",
    )
    .unwrap();
    env.pave()
        .args(["new", &bp, "out2", "--answers", "answers.yaml"])
        .args(VALID)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("web_acl_arn: expected string"));
}

#[test]
fn the_target_folder_name_is_the_default_project_name() {
    let env = Env::new();
    env.pave()
        .args(["new", "cloudfront-static-site", "site3"])
        .assert()
        .success();
    let record = std::fs::read_to_string(env.work().join("site3/.pave.yaml")).unwrap();
    assert!(record.contains("project_name: site3"), "{record}");
    // A folder name that is not a valid project name is no default.
    let bp = typed_blueprint(&env);
    env.pave()
        .args([
            "new",
            &bp,
            "Site_4",
            "--set",
            "runtime=python3.12",
            "--set",
            "api_key=k",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing answer(s) for project_name",
        ))
        // and the error says why the folder's name was not taken.
        .stderr(predicate::str::contains(
            "the folder name `Site_4` cannot be the answer: `Site_4` does not match the pattern",
        ));
}

#[test]
fn new_over_a_pave_project_refuses_even_with_force_and_points_to_update() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    env.pave()
        .args(["new", &bp, "out"])
        .args(VALID)
        .assert()
        .success();
    let before = std::fs::read_to_string(env.work().join("out/.pave.yaml")).unwrap();
    for extra in [&["--force"][..], &["--force", "--dry-run"], &[]] {
        env.pave()
            .args(["new", &bp, "out", "--set", "memory=512"])
            .args(VALID)
            .args(extra)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("out is already a pave project")
                    .and(predicate::str::contains("pave update --set key=value")),
            );
    }
    let after = std::fs::read_to_string(env.work().join("out/.pave.yaml")).unwrap();
    assert_eq!(before, after);
    // Without DIR, the target comes from the answers and is checked all the same.
    env.pave()
        .args(["new", &bp, "--force"])
        .args([
            "--set",
            "project_name=out",
            "--set",
            "runtime=python3.12",
            "--set",
            "api_key=k",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pave update"));
}

#[test]
fn git_inside_an_existing_work_tree_makes_no_nested_repository() {
    let env = Env::new();
    let bp = typed_blueprint(&env);
    let outer = git2::Repository::init(env.work()).unwrap();
    env.pave()
        .args(["new", &bp, "apps/out", "--git"])
        .args(VALID)
        .assert()
        .success()
        .stderr(predicate::str::contains("is inside the git work tree"));
    assert!(env.work().join("apps/out/config.json").exists());
    assert!(!env.work().join("apps/out/.git").exists());
    assert!(outer.head().is_err(), "the outer repository gets no commit");
}

#[test]
fn new_warns_about_experimental_and_deprecated_blueprints() {
    let env = Env::new();
    env.pave()
        .args(["new", "cloudfront-edge-functions", "edge"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: cloudfront-edge-functions is experimental",
        ));
    env.pave()
        .args(["new", "cloudfront-static-site", "site"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    let mut reg = RegistryBuilder::in_temp();
    reg.publish(small("demo", "1.0.0"));
    let index = std::fs::read_to_string(reg.path().join("registry.yaml")).unwrap();
    reg.write(&[(
        "registry.yaml",
        &index.replace("maturity: recommended", "maturity: deprecated"),
    )]);
    reg.commit("Deprecate demo");
    env.pave()
        .args(["new", "demo", "old", "--registry", &reg.file_url()])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: demo is deprecated"));
}

#[test]
fn json_output_includes_the_registry_and_the_recorded_answers() {
    let env = Env::new();
    let out = env
        .pave()
        .args(["new", "cloudfront-static-site", "site", "--json"])
        .args(["--set", "region=us-west-2"])
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["registry"], "builtin");
    assert_eq!(doc["blueprint"], "cloudfront-static-site");
    assert_eq!(doc["answers"]["project_name"], "site");
    assert_eq!(doc["answers"]["region"], "us-west-2");
    let bp = typed_blueprint(&env);
    let out = env
        .pave()
        .args(["new", &bp, "out", "--json", "--dry-run"])
        .args(VALID)
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["answers"]["runtime"], "python3.12");
    assert!(doc["answers"].get("api_key").is_none(), "secrets stay out");
    assert!(
        doc["registry"].as_str().unwrap().ends_with("typed"),
        "{doc}"
    );
}
