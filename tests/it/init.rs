//! `pave blueprint init`: the starter passes its own lint and test (checks, cfn-lint included)
//! as written, `--from` copies a built-in or git registry's blueprint under the new name at
//! 0.1.0, and bad input is refused with nothing written. The checks need `node` and the
//! validators (`cfn-lint`) on PATH, as `scripts/test` sets it.

use crate::publish::{git, publish, served};
use crate::support::git::{GitDaemon, RegistryBuilder};
use crate::support::{Env, list_files};
use predicates::prelude::*;

fn read(env: &Env, rel: &str) -> String {
    std::fs::read_to_string(env.work().join(rel)).unwrap()
}

/// `## ` headings of a changelog.
fn sections(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.starts_with("## ")).collect()
}

#[test]
fn the_starter_lints_and_tests_clean_as_written() {
    let env = Env::new();
    env.pave()
        .args(["blueprint", "init", "blueprints/orders-api"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Created the blueprint orders-api 0.1.0",
        ));
    let files = list_files(&env.work().join("blueprints/orders-api"));
    for want in [
        "blueprint.yaml",
        "CHANGELOG.md",
        "tests/01-defaults.yaml",
        "snapshots/01-defaults.snap",
        "template/template.yaml.hbs",
        "template/Makefile.hbs",
        "template/README.md.hbs",
        "template/.github/workflows/ci.yml.hbs",
        "template/src/app.mjs",
        "template/tests/app.test.mjs",
    ] {
        assert!(files.iter().any(|f| f == want), "{want} missing: {files:?}");
    }
    let manifest = read(&env, "blueprints/orders-api/blueprint.yaml");
    assert!(manifest.contains("\nname: orders-api\n"), "{manifest}");
    assert!(
        manifest.contains("  - cfn-lint -- template.yaml\n"),
        "{manifest}"
    );
    let log = read(&env, "blueprints/orders-api/CHANGELOG.md");
    assert_eq!(sections(&log), ["## 0.1.0"], "{log}");

    env.pave()
        .args([
            "blueprint",
            "lint",
            "--deny-warnings",
            "blueprints/orders-api",
        ])
        .assert()
        .success();
    // No --update-snapshots: init wrote the snapshot.
    env.pave()
        .args(["blueprint", "test", "blueprints/orders-api"])
        .assert()
        .success()
        .stdout(predicate::str::contains("snapshot matches"))
        .stdout(predicate::str::contains("`node --test` ok"))
        .stdout(predicate::str::contains("`cfn-lint -- template.yaml` ok"))
        .stdout(predicate::str::contains("1 passed, 0 failed"));
}

#[test]
fn the_starter_publishes_as_it_is_with_one_changelog_entry() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    s.env
        .pave()
        .args(["blueprint", "init", "team-api"])
        .assert()
        .success();
    // As README's walk-through publishes it: its message and the starter's notes, each once.
    let out = publish(&s.env, &daemon.url(), &["team-api", "-m", "First version"]);
    assert!(out.status.success(), "{}", crate::support::text(&out));
    let log = git(&s.bare, &["show", "main:blueprints/team-api/CHANGELOG.md"]);
    assert_eq!(sections(&log).len(), 1, "{log}");
    assert!(log.contains("One Node.js function"), "{log}");
    assert!(sections(&log)[0].starts_with("## 0.1.0"), "{log}");
    assert_eq!(log.matches("First version").count(), 1, "{log}");
}

/// The starter writes `{{_version}}` into package.json: its example's snapshot must still match
/// when the gate renders the folder at the next version, and after a change to the templates
/// and `blueprint test --update-snapshots` the next version publishes.
#[test]
fn a_blueprint_that_renders_its_version_publishes_its_next_version() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    s.env
        .pave()
        .args(["blueprint", "init", "team-api"])
        .assert()
        .success();
    let out = publish(&s.env, &daemon.url(), &["team-api"]);
    assert!(out.status.success(), "{}", crate::support::text(&out));
    let readme = s.env.path("work/team-api/template/README.md.hbs");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str("\nOwned by the payments team.\n");
    std::fs::write(&readme, text).unwrap();
    s.env
        .pave()
        .args([
            "blueprint",
            "test",
            "team-api",
            "--update-snapshots",
            "--no-checks",
        ])
        .assert()
        .success();
    let out = publish(&s.env, &daemon.url(), &["team-api"]);
    assert!(out.status.success(), "{}", crate::support::text(&out));
    let log = git(&s.bare, &["tag", "--list", "team-api/*"]);
    assert_eq!(log.lines().count(), 2, "{log}");
}

#[test]
fn the_summary_is_the_one_given_quoted_when_yaml_needs_it() {
    let env = Env::new();
    env.pave()
        .args([
            "blueprint",
            "init",
            "my-api",
            "--summary",
            "Team X: the API",
        ])
        .assert()
        .success();
    assert!(read(&env, "my-api/blueprint.yaml").contains("\nsummary: \"Team X: the API\"\n"));
    env.pave()
        .args(["show", "./my-api"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Team X: the API"));
}

#[test]
fn from_a_builtin_blueprint_gives_a_renamed_copy_at_0_1_0_that_passes() {
    let env = Env::new();
    env.pave()
        .args([
            "blueprint",
            "init",
            "my-site",
            "--from",
            "cloudfront-static-site",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "from builtin/cloudfront-static-site@",
        ));
    let manifest = read(&env, "my-site/blueprint.yaml");
    assert!(
        manifest.starts_with("apiVersion: pave/v1\nname: my-site\nversion: 0.1.0\n"),
        "{manifest}"
    );
    let log = read(&env, "my-site/CHANGELOG.md");
    assert_eq!(sections(&log), ["## 0.1.0"], "{log}");
    assert!(
        log.contains("started from `builtin/cloudfront-static-site@"),
        "{log}"
    );
    // The template is the built-in's, byte for byte; the snapshots were rendered again (the
    // built-in registry ships none).
    let builtin = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("blueprints/cloudfront-static-site/template/template.yaml.hbs");
    assert_eq!(
        read(&env, "my-site/template/template.yaml.hbs"),
        std::fs::read_to_string(builtin).unwrap()
    );
    let files = list_files(&env.work().join("my-site"));
    assert_eq!(
        files.iter().filter(|f| f.starts_with("snapshots/")).count(),
        6,
        "{files:?}"
    );

    env.pave()
        .args(["blueprint", "lint", "--deny-warnings", "my-site"])
        .assert()
        .success();
    env.pave()
        .args(["blueprint", "test", "my-site"])
        .assert()
        .success()
        .stdout(predicate::str::contains("my-site 0.1.0"))
        .stdout(predicate::str::contains("0 failed"));
}

/// A registry with two releases of `orders-api`, whose manifest holds a comment and whose
/// example renders a partial.
fn git_registry() -> RegistryBuilder {
    let mut reg = RegistryBuilder::in_temp();
    for version in ["1.0.0", "1.1.0"] {
        reg.write(&[
            (
                "blueprints/orders-api/blueprint.yaml",
                &format!(
                    "# The orders team's pattern.\napiVersion: pave/v1\nname: orders-api # as listed\nversion: {version}\nsummary: >-\n  Orders API\n  for tests\nparameters:\n  - name: project_name\n    pattern: '^[a-z][a-z0-9-]*$'\n"
                ),
            ),
            (
                "blueprints/orders-api/template/hello.txt.hbs",
                "{{> greeting}} {{project_name}}\n",
            ),
            ("blueprints/orders-api/partials/greeting.hbs", "hello"),
            (
                "blueprints/orders-api/tests/01-demo.yaml",
                "answers:\n  project_name: demo\n",
            ),
            (
                "blueprints/orders-api/CHANGELOG.md",
                &format!("# Changelog\n\n## {version}\n\nA release.\n"),
            ),
        ]);
        reg.list("orders-api", "Orders API for tests");
        reg.commit(&format!("Release orders-api {version}"));
        reg.tag(&format!("orders-api/v{version}"));
    }
    reg
}

#[test]
fn from_a_git_registry_takes_the_newest_release_and_keeps_the_manifest_text() {
    let env = Env::new();
    let reg = git_registry();
    env.pave()
        .args(["registry", "add", "acme", &reg.file_url()])
        .assert()
        .success();
    env.pave()
        .args([
            "blueprint",
            "init",
            "billing-api",
            "--from",
            "acme/orders-api",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("from acme/orders-api@1.1.0"));
    assert_eq!(
        read(&env, "billing-api/blueprint.yaml"),
        "# The orders team's pattern.\napiVersion: pave/v1\nname: billing-api\nversion: 0.1.0\nsummary: >-\n  Orders API\n  for tests\nparameters:\n  - name: project_name\n    pattern: '^[a-z][a-z0-9-]*$'\n"
    );
    assert_eq!(
        read(&env, "billing-api/CHANGELOG.md"),
        "# Changelog: billing-api\n\n## 0.1.0\n\nFirst version, started from `acme/orders-api@1.1.0`.\n"
    );
    assert_eq!(
        read(&env, "billing-api/snapshots/01-demo.snap"),
        "--- hello.txt\nhello demo\n"
    );
    env.pave()
        .args(["blueprint", "test", "billing-api"])
        .assert()
        .success()
        .stdout(predicate::str::contains("snapshot matches"));

    // An older release by requirement, through --registry, with a new summary.
    env.pave()
        .args([
            "blueprint",
            "init",
            "old-orders",
            "--from",
            "orders-api@=1.0.0",
            "--registry",
            "acme",
            "--summary",
            "Old orders",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("from acme/orders-api@1.0.0"));
    let manifest = read(&env, "old-orders/blueprint.yaml");
    assert!(
        manifest.contains("\nsummary: Old orders\nparameters:\n"),
        "{manifest}"
    );
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let env = Env::new();
    // An unknown blueprint: the registry's error, with the closest name.
    env.pave()
        .args(["blueprint", "init", "x-api", "--from", "cloudfront-nothing"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no blueprint `cloudfront-nothing` in registry `builtin`",
        ));
    assert!(!env.work().join("x-api").exists());

    // A folder name that is no blueprint name, in both forms.
    for extra in [&[][..], &["--from", "cloudfront-static-site"][..]] {
        env.pave()
            .args(["blueprint", "init", "Bad_Name"])
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "`Bad_Name` is not a valid blueprint name",
            ));
        assert!(!env.work().join("Bad_Name").exists());
    }
    env.pave()
        .args(["blueprint", "init", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("names no folder"));

    // A folder that holds something is left as it was.
    std::fs::create_dir_all(env.work().join("taken")).unwrap();
    std::fs::write(env.work().join("taken/notes.txt"), "mine\n").unwrap();
    for extra in [&[][..], &["--from", "cloudfront-static-site"][..]] {
        env.pave()
            .args(["blueprint", "init", "taken"])
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("taken is not empty"));
        assert_eq!(list_files(&env.work().join("taken")), ["notes.txt"]);
    }
    // An empty folder is fine.
    std::fs::create_dir_all(env.work().join("empty")).unwrap();
    env.pave()
        .args(["blueprint", "init", "empty"])
        .assert()
        .success();

    // --registry only goes with --from.
    env.pave()
        .args(["blueprint", "init", "y-api", "--registry", "builtin"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from"));
}

#[test]
fn help_shows_both_forms() {
    Env::new()
        .pave()
        .args(["blueprint", "init", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Start a new blueprint folder"))
        .stdout(predicate::str::contains("--offline"))
        .stdout(predicate::str::contains(
            "pave blueprint init blueprints/my-api",
        ))
        .stdout(predicate::str::contains(
            "pave blueprint init my-site --from cloudfront-static-site",
        ));
}
