//! `pave blueprint lint | test` for blueprint authors (`init` is in `init.rs`): findings with positions, snapshot
//! recording and diffs, expected errors, checks that fail or hang.

use crate::support::{BlueprintBuilder, Env, Param, manifest, text};
use predicates::prelude::*;
use serde_json::json;

#[test]
fn lint_reports_every_kind_of_mistake_with_file_and_line() {
    let env = Env::new();
    let params = "  - name: memory\n    type: integer\n    min: 128\n    default: 256\n  - name: queue\n    pattern: '^[a-z]+$'\n    default: \"Q{{project_name}}\"\n  - name: unused_flag\n    type: boolean\n    default: false\n";
    let bp = env.blueprint(
        "sloppy",
        &[
            (
                "blueprint.yaml",
                &manifest(
                    "sloppy",
                    params,
                    "files:\n  - path: 'nothing/*'\n    when: \"{{memory}}\"\n",
                ),
            ),
            (
                "template/a.txt.hbs",
                "{{project_name}}\n{{memroy}}\n{{> missing_part}}\n{{queue}}\n",
            ),
            ("template/{{projct_name}}.txt", "x"),
            ("template/b.hbs", "{{#if memory}}\n"),
            ("tests/01-ok.yaml", "answers:\n  project_name: demo\n"),
            (
                "tests/02-bad.yaml",
                "answers:\n  project_name: demo\n  memory: lots\n",
            ),
            ("tests/03-typo.yaml", "anwsers:\n  project_name: demo\n"),
        ],
    );
    let out = env
        .pave()
        .args(["blueprint", "lint", &bp])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let msg = text(&out);
    for expected in [
        "template/a.txt.hbs:2:1: `memroy` is not a declared parameter; did you mean `memory`?",
        "template/a.txt.hbs:3:1: partial `missing_part` does not exist",
        "template/{{projct_name}}.txt (path):1:1: `projct_name` is not a declared parameter; did you mean `project_name`?",
        "error: template/b.hbs:",
        "parameter `queue`: the default does not satisfy its own validation: `Q` does not match the pattern",
        "tests/02-bad.yaml: the answers are not valid",
        "tests/03-typo.yaml: ",
        "warning: blueprint.yaml: parameter `unused_flag` is never used",
        "warning: blueprint.yaml: files: `nothing/*` matches no file under template/",
    ] {
        assert!(msg.contains(expected), "missing {expected:?} in:\n{msg}");
    }
}

#[test]
fn lint_matches_files_rules_as_rendering_does_a_star_stays_in_its_folder() {
    let env = Env::new();
    let params = "  - name: docs\n    type: boolean\n    default: true\n";
    let rules = "files:\n  - path: '*.md'\n    when: \"{{docs}}\"\n";
    let bp = env.blueprint(
        "nested",
        &[
            ("blueprint.yaml", &manifest("nested", params, rules)),
            ("template/docs/guide.md", "guide\n"),
        ],
    );
    let out = env
        .pave()
        .args(["blueprint", "lint", &bp])
        .output()
        .unwrap();
    // Rendering never leaves docs/guide.md out for `*.md`, so the rule matches nothing.
    assert!(
        text(&out)
            .contains("warning: blueprint.yaml: files: `*.md` matches no file under template/"),
        "{}",
        text(&out)
    );
    let out = env
        .pave()
        .args([
            "new",
            &bp,
            "out",
            "--set",
            "docs=false",
            "--set",
            "project_name=nested",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(env.work().join("out/docs/guide.md").exists());
}

#[test]
fn lint_refuses_a_manifest_whose_literal_default_breaks_its_own_bounds() {
    let env = Env::new();
    let params = "  - name: memory\n    type: integer\n    min: 128\n    default: 64\n";
    let bp = env.blueprint(
        "bounds",
        &[
            ("blueprint.yaml", &manifest("bounds", params, "")),
            ("template/a.txt", "x"),
        ],
    );
    env.pave()
        .args(["blueprint", "lint", &bp])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("blueprint.yaml: 1 problem(s):\n  - 8:5: parameter `memory`: default is not valid: 64 is less than the minimum 128"));
}

#[test]
fn lint_passes_a_clean_blueprint_and_deny_warnings_fails_on_warnings() {
    let env = Env::new();
    let bp = env.write_blueprint(
        &BlueprintBuilder::new("clean")
            .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
            .file("template/a.txt.hbs", "{{project_name}}\n")
            .example("01", json!({"project_name": "demo"})),
    );
    env.pave()
        .args(["blueprint", "lint", &bp])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 error(s), 0 warning(s) - ok"));
    std::fs::remove_file(env.work().join("clean/tests/01.yaml")).unwrap();
    env.pave()
        .args(["blueprint", "lint", &bp])
        .assert()
        .success();
    env.pave()
        .args(["blueprint", "lint", "--deny-warnings", &bp])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no example answer sets"));
}

/// A blueprint with a rule, one check command, an example that renders and one the rule
/// rejects.
fn testable(env: &Env, check: &str) -> String {
    let bp = BlueprintBuilder::new("tested")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .rule(
            "{{eq project_name 'forbidden'}}",
            "the name forbidden is reserved",
        )
        .check(check)
        .file("template/name.txt.hbs", "{{project_name}}\n")
        .example("01-ok", json!({"project_name": "demo"}))
        .file(
            "tests/02-rejected.yaml",
            "answers:\n  project_name: forbidden\nexpect_error: is reserved\n",
        );
    env.write_blueprint(&bp)
}

#[test]
fn test_records_snapshots_then_shows_a_diff_when_the_render_changes() {
    let env = Env::new();
    let bp = testable(&env, "test -f name.txt");
    env.pave()
        .args(["blueprint", "test", &bp])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("no snapshot recorded")
                .and(predicate::str::contains("--update-snapshots")),
        );
    env.pave()
        .args(["blueprint", "test", &bp, "--update-snapshots"])
        .assert()
        .success();
    let snap = std::fs::read_to_string(env.work().join("tested/snapshots/01-ok.snap")).unwrap();
    assert_eq!(snap, "--- name.txt\ndemo\n");
    env.pave()
        .args(["blueprint", "test", &bp])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ok    01-ok  (snapshot matches; `test -f name.txt` ok").and(
                predicate::str::contains("ok    02-rejected  (rejected as expected: is reserved)"),
            ),
        );
    std::fs::write(
        env.work().join("tested/template/name.txt.hbs"),
        "name: {{project_name}}\n",
    )
    .unwrap();
    env.pave()
        .args(["blueprint", "test", &bp])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("snapshot differs")
                .and(predicate::str::contains("-demo\n"))
                .and(predicate::str::contains("+name: demo\n")),
        );
}

#[test]
fn an_expected_error_that_does_not_happen_fails_the_case() {
    let env = Env::new();
    let bp = testable(&env, "true");
    std::fs::write(
        env.work().join("tested/tests/02-rejected.yaml"),
        "answers:\n  project_name: allowed\nexpect_error: is reserved\n",
    )
    .unwrap();
    env.pave()
        .args(["blueprint", "test", &bp, "--update-snapshots"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL  02-rejected  (expected an error containing `is reserved`, but it rendered)",
        ));
}

#[test]
fn a_failing_check_shows_its_output_and_a_hanging_one_is_killed() {
    let env = Env::new();
    let bp = testable(&env, "echo broken-on-purpose >&2; exit 3");
    env.pave()
        .args(["blueprint", "test", &bp, "--update-snapshots"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("exit 3").and(predicate::str::contains("| broken-on-purpose")),
        );
    let bp = testable(&env, "sleep 30");
    let started = std::time::Instant::now();
    env.pave()
        .args(["blueprint", "test", &bp, "--timeout", "1", "--case", "01"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("`sleep 30` timed out"));
    assert!(
        started.elapsed().as_secs() < 20,
        "the check was killed at its timeout"
    );
}

#[test]
fn out_keeps_rendered_cases_and_refuses_foreign_folders() {
    let env = Env::new();
    let bp = testable(&env, "true");
    env.pave()
        .args([
            "blueprint",
            "test",
            &bp,
            "--update-snapshots",
            "--out",
            "cases",
        ])
        .assert()
        .success();
    assert!(env.work().join("cases/01-ok/name.txt").exists());
    assert!(!env.work().join("cases/02-rejected").exists());
    env.pave()
        .args(["blueprint", "test", &bp, "--out", "cases"])
        .assert()
        .success();
    std::fs::remove_file(env.work().join("cases/01-ok/.pave.yaml")).unwrap();
    env.pave()
        .args(["blueprint", "test", &bp, "--out", "cases"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not a rendered project"));
    assert!(
        env.work().join("cases/01-ok/name.txt").exists(),
        "a foreign folder is never deleted"
    );
}

#[test]
fn lint_warns_about_a_default_that_breaks_a_rule_for_an_earlier_choice() {
    let env = Env::new();
    // `cache=true` is refused with `store=files`, yet it is the default whatever `store` is;
    // `region` is a string, so it keeps its default (which does not break the second rule).
    let params = "  - name: store\n    type: choice\n    choices: [memory, files]\n    default: memory\n  - name: region\n    default: us-east-1\n  - name: cache\n    type: boolean\n    default: true\n  - name: zone\n    default: \"{{#if (eq region 'us-east-1')}}a{{else}}b{{/if}}\"\n";
    let rules = "rules:\n  - when: \"{{and cache (eq store 'files')}}\"\n    error: cache needs store=memory\n  - when: \"{{and (eq zone 'a') (ne region 'us-east-1')}}\"\n    error: zone a is only in us-east-1\n";
    let bp = env.blueprint(
        "defaults",
        &[
            ("blueprint.yaml", &manifest("defaults", params, rules)),
            (
                "template/a.txt.hbs",
                "{{project_name}} {{store}} {{cache}} {{zone}}\n",
            ),
            ("tests/01.yaml", "answers:\n  project_name: demo\n"),
        ],
    );
    let out = env
        .pave()
        .args(["blueprint", "lint", "--deny-warnings", &bp])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let msg = text(&out);
    assert!(
        msg.contains("warning: blueprint.yaml: parameter `cache`: the default `true` breaks rules[0] when store=files (cache needs store=memory); make the default a template over the earlier answers"),
        "{msg}"
    );
    assert!(!msg.contains("parameter `zone`"), "{msg}");
    assert!(msg.contains("0 error(s), 1 warning(s)"), "{msg}");

    // The fix the warning names: a default over the earlier answer.
    let fixed = params.replace(
        "    default: true\n",
        "    default: \"{{#if (eq store 'memory')}}true{{else}}false{{/if}}\"\n",
    );
    std::fs::write(
        env.work().join("defaults/blueprint.yaml"),
        manifest("defaults", &fixed, rules),
    )
    .unwrap();
    env.pave()
        .args(["blueprint", "lint", "--deny-warnings", &bp])
        .assert()
        .success();
}

#[test]
fn templates_get_the_blueprint_name_and_version_and_lint_flags_the_version_written_out() {
    let env = Env::new();
    let rest = "next_steps: |\n  echo {{_blueprint}} {{_version}}\n";
    let bp = env.blueprint(
        "versioned",
        &[
            ("blueprint.yaml", &manifest("versioned", "", rest)),
            (
                "template/package.json.hbs",
                "{\"name\": \"{{project_name}}\", \"version\": \"1.0.0\"}\n",
            ),
            ("template/NOTES.txt", "made with versioned\nversion 1.0.0\n"),
            (
                "template/README.md.hbs",
                "from {{_blueprint}} {{_version}}\nnot 11.0.0 nor 1.0.0.1\n",
            ),
            ("tests/01.yaml", "answers:\n  project_name: demo\n"),
        ],
    );
    let out = env
        .pave()
        .args(["blueprint", "lint", "--deny-warnings", &bp])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let msg = text(&out);
    for expected in [
        "warning: template/package.json.hbs:1:42: holds the blueprint's version 1.0.0 literally, which goes stale at the next release; write `{{_version}}` instead",
        "warning: template/NOTES.txt:2:9: holds the blueprint's version 1.0.0 literally, which goes stale at the next release; rename the file to end in .hbs and write `{{_version}}` instead",
        "0 error(s), 2 warning(s)",
    ] {
        assert!(msg.contains(expected), "missing {expected:?} in:\n{msg}");
    }
    assert!(!msg.contains("README.md"), "{msg}");

    let out = env
        .pave()
        .args(["new", &bp, "out", "--set", "project_name=demo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("echo versioned 1.0.0"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(env.work().join("out/README.md")).unwrap(),
        "from versioned 1.0.0\nnot 11.0.0 nor 1.0.0.1\n"
    );

    // Answers are resolved before there is a blueprint version to give: a rule cannot read it.
    let rules = "rules:\n  - when: \"{{eq _version '1.0.0'}}\"\n    error: old\n";
    std::fs::write(
        env.work().join("versioned/blueprint.yaml"),
        manifest("versioned", "", rules),
    )
    .unwrap();
    env.pave()
        .args(["blueprint", "lint", &bp])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "`_version` is only known in templates, file paths, `files` rules and next_steps",
        ));
}
