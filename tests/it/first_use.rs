//! What a new user meets first: next steps after `new`, maturity and owners in `show`, tags that
//! `list --tag` matches as `show` prints them, lint and `new` naming every template problem at
//! its place, the man page, completion of blueprint names, and `--help` without options that
//! mean nothing to the command.

use crate::support::git::{RegistryBuilder, small};
use crate::support::{Env, manifest, text};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn new_prints_the_blueprints_next_steps_rendered_with_the_answers() {
    let env = Env::new();
    let steps = "next_steps: |\n  make tools\n  {{#if fast}}make quick{{/if}}\n  make test NAME={{project_name}}\n";
    let bp = env.blueprint(
        "bp",
        &[
            (
                "blueprint.yaml",
                &manifest(
                    "bp",
                    "  - name: fast\n    type: boolean\n    default: false\n",
                    steps,
                ),
            ),
            ("template/a.txt", "a\n"),
        ],
    );
    let out = env
        .pave()
        .args(["new", &bp, "out", "--set", "project_name=demo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Next steps:\n  cd out\n  make tools\n  make test NAME=demo\n"),
        "{err}"
    );
    assert!(!err.contains("make quick"), "{err}");
}

#[test]
fn every_builtin_blueprint_has_next_steps_and_lambda_url_installs_tools_before_testing() {
    let env = Env::new();
    for name in [
        "cloudfront-edge-functions",
        "cloudfront-http-api",
        "cloudfront-lambda-url",
        "cloudfront-static-site",
    ] {
        let out = env
            .pave()
            .args([
                "new",
                name,
                name,
                "--defaults",
                "--set",
                "project_name=demo",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        let steps = err.split("Next steps:\n").nth(1).unwrap_or_default();
        assert!(
            steps.starts_with(&format!("  cd {name}\n")),
            "{name}: {err}"
        );
        assert!(steps.contains("make deploy"), "{name}: {err}");
        // `make test lint` installs what it needs: no `make tools` step before it.
        assert!(!steps.contains("make tools"), "{name}: {steps}");
        assert!(
            steps.find("make test lint") < steps.find("make deploy"),
            "{name}: {steps}"
        );
    }
}

#[test]
fn lint_checks_the_variables_of_next_steps() {
    let env = Env::new();
    let bp = env.blueprint(
        "bp",
        &[
            (
                "blueprint.yaml",
                &manifest("bp", "", "next_steps: \"cd {{project_nmae}}\"\n"),
            ),
            ("template/a.txt.hbs", "{{project_name}}\n"),
        ],
    );
    let out = env
        .pave()
        .args(["blueprint", "lint", &bp])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = stdout(&out);
    assert!(
        all.contains("blueprint.yaml (next_steps):1:4: `project_nmae` is not a declared parameter; did you mean `project_name`?"),
        "{all}"
    );
}

#[test]
fn lint_reports_an_unknown_helper_as_a_helper_and_an_unclosed_block_where_it_opened() {
    let env = Env::new();
    let bp = env.blueprint(
        "bp",
        &[
            ("blueprint.yaml", &manifest("bp", "", "")),
            ("template/a.txt.hbs", "x\n  {{uper project_name}}\n"),
            (
                "template/b.txt.hbs",
                "one\n{{#if project_name}}\ntwo {{project_name}}\nthree\n",
            ),
        ],
    );
    let out = env
        .pave()
        .args(["blueprint", "lint", &bp])
        .output()
        .unwrap();
    let all = stdout(&out);
    assert!(
        all.contains("template/a.txt.hbs:2:3: `uper` is not a known helper; did you mean `upper`?"),
        "{all}"
    );
    assert!(!all.contains("`uper` is not a declared parameter"), "{all}");
    assert!(
        all.contains("template/b.txt.hbs:2:1: does not parse: the block `{{#if}}` opened here is never closed; add `{{/if}}`"),
        "{all}"
    );
}

#[test]
fn new_reports_every_undefined_variable_at_once() {
    let env = Env::new();
    let bp = env.blueprint(
        "bp",
        &[
            ("blueprint.yaml", &manifest("bp", "", "")),
            (
                "template/a.txt.hbs",
                "{{first}}\n{{project_name}} {{second}}\n",
            ),
            ("template/b.txt.hbs", "{{> part}}\n"),
            ("partials/part.hbs", "{{third}}"),
        ],
    );
    let out = env
        .pave()
        .args(["new", &bp, "out", "--set", "project_name=demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    for at in [
        "template/a.txt.hbs:1:1: `first` is not defined",
        "template/a.txt.hbs:2:18: `second` is not defined",
        "partials/part.hbs:1:1: `third` is not defined",
    ] {
        assert!(err.contains(at), "{at} missing:\n{err}");
    }
    assert!(!env.work().join("out").exists());
}

#[test]
fn show_prints_maturity_owners_and_the_tags_list_matches_in_any_case() {
    let env = Env::new();
    let out = env
        .pave()
        .args(["show", "cloudfront-edge-functions"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let shown = stdout(&out);
    assert!(shown.contains("\nmaturity: experimental\n"), "{shown}");
    assert!(shown.contains("\nowners: platform-team\n"), "{shown}");
    let tags = shown
        .lines()
        .find_map(|l| l.strip_prefix("tags: "))
        .expect("a tags line");
    for tag in tags.split(", ") {
        let out = env
            .pave()
            .args(["list", "--json", "--tag", &tag.to_uppercase()])
            .output()
            .unwrap();
        let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            items
                .iter()
                .any(|i| i["name"] == "cloudfront-edge-functions"),
            "list --tag {tag} misses the blueprint whose show prints it"
        );
    }
    let out = env
        .pave()
        .args(["show", "cloudfront-edge-functions", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["maturity"], "experimental");
    assert_eq!(doc["owners"], serde_json::json!(["platform-team"]));
}

#[test]
fn man_prints_a_roff_page_listing_the_commands() {
    let env = Env::new();
    let out = env.pave().arg("man").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH pave 1"), "{page}");
    for command in ["list", "show", "new", "registry", "completions", "man"] {
        assert!(
            page.contains(&format!("pave\\-{command}(1)")),
            "{command}: {page}"
        );
    }
    assert!(
        !page.contains("complete\\-blueprints"),
        "the hidden command is not documented"
    );
}

#[test]
fn completion_lists_builtin_and_cached_registry_names_without_network() {
    let mut reg = RegistryBuilder::in_temp();
    reg.publish(small("orders-api", "1.0.0"));
    let env = Env::new();
    let added = env
        .pave()
        .args(["registry", "add", "acme", &reg.file_url()])
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", text(&added));
    // A registry whose cache is gone gives no names, and no error.
    let mut gone = RegistryBuilder::in_temp();
    gone.publish(small("never-cached", "1.0.0"));
    let added = env
        .pave()
        .args(["registry", "add", "gone", &gone.file_url(), "--offline"])
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", text(&added));
    drop(gone);

    let out = env.pave().arg("__complete-blueprints").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(out.stderr.is_empty(), "{}", text(&out));
    let names: Vec<String> = stdout(&out).lines().map(String::from).collect();
    for want in ["cloudfront-static-site", "orders-api", "acme/orders-api"] {
        assert!(names.iter().any(|n| n == want), "{want} missing: {names:?}");
    }
    assert!(
        !names.iter().any(|n| n.contains("never-cached")),
        "{names:?}"
    );
}

#[test]
fn completion_scripts_ask_pave_for_blueprint_names() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = env.pave().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let script = stdout(&out);
        assert!(
            script.contains(" __complete-blueprints 2>/dev/null"),
            "{shell}: {script}"
        );
    }
    let bash = stdout(&env.pave().args(["completions", "bash"]).output().unwrap());
    assert!(bash.contains("complete -F _pave_with_blueprints"), "{bash}");
    assert!(
        !bash.contains(" __complete-blueprints help"),
        "hidden command offered"
    );
}

#[test]
fn help_leaves_out_options_that_mean_nothing_to_the_command() {
    let env = Env::new();
    let help = |args: &[&str]| {
        let out = env.pave().args(args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        stdout(&out)
    };
    for command in [
        &["blueprint", "lint"][..],
        &["blueprint", "test"],
        &["registry", "list"],
        &["registry", "remove"],
        &["registry", "sync"],
        &["completions"],
        &["man"],
    ] {
        let text = help(command);
        assert!(!text.contains("--offline"), "{command:?}: {text}");
    }
    for command in [&["blueprint", "lint"][..], &["completions"], &["man"]] {
        let text = help(command);
        assert!(!text.contains("--quiet"), "{command:?}: {text}");
    }
    for command in [&["list"][..], &["show"], &["new"], &["registry", "add"]] {
        assert!(help(command).contains("--offline"), "{command:?}");
    }
    // Both places still parse.
    let out = env
        .pave()
        .args(["--offline", "list", "--offline", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_test_script_finds_pave_where_cargo_target_dir_puts_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join("scripts/test")).unwrap();
    assert!(
        script.contains("pave=$(scripts/pave-path)") && !script.contains("pave=target/"),
        "scripts/test must not assume ./target"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(root.join("scripts/pave-path"))
        .env("CARGO_TARGET_DIR", elsewhere.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        stdout(&out).trim_end(),
        elsewhere.path().join("debug/pave").display().to_string()
    );
}

#[test]
fn builtin_blueprints_share_one_deploy_switch_and_readmes_that_read_right() {
    let env = Env::new();
    let switch = "vars.DEPLOY_ENABLED == 'true'";
    let wording = "Its `deploy` job stays off until you switch it on: set the repository variable `DEPLOY_ENABLED`";
    let render = |name: &str, dir: &str, sets: &[&str]| {
        let mut cmd = env.pave();
        cmd.args(["new", name, dir, "--defaults", "--set", "project_name=demo"]);
        for set in sets {
            cmd.args(["--set", set]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let read = |file: &str| std::fs::read_to_string(env.work().join(dir).join(file)).unwrap();
        (read(".github/workflows/ci.yml"), read("README.md"))
    };
    for name in [
        "cloudfront-edge-functions",
        "cloudfront-http-api",
        "cloudfront-lambda-url",
        "cloudfront-static-site",
    ] {
        let (ci, readme) = render(name, name, &[]);
        assert!(ci.contains(switch), "{name}: {ci}");
        assert!(!ci.contains("inputs.deploy"), "{name}: {ci}");
        assert!(readme.contains(wording), "{name}: {readme}");
    }
    // The lambda-url README tests first, with nothing to install by hand (pytest comes with
    // `make test`).
    let (_, readme) = render("cloudfront-lambda-url", "url", &[]);
    let deploy = &readme[readme.find("## Deploy").expect("a Deploy section")..];
    assert!(!deploy.contains("make tools"), "{deploy}");
    assert!(deploy.contains("make test lint"), "{deploy}");
    // The static-site diagram has no dangling arrow whatever the routing.
    for routing in ["spa", "static-index", "none"] {
        let dir = format!("site-{routing}");
        let (_, readme) = render(
            "cloudfront-static-site",
            &dir,
            &[&format!("routing={routing}")],
        );
        assert!(
            readme.contains("\nprivate S3 bucket\n"),
            "{routing}: {readme}"
        );
        assert!(!readme.contains("edge>"), "{routing}: {readme}");
    }
    // The custom-domain help says what the stack does not create.
    let out = env
        .pave()
        .args(["show", "cloudfront-static-site", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let help = doc["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "custom_domain")
        .and_then(|p| p["help"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        help.contains("creates neither the certificate nor the DNS record"),
        "{help}"
    );
}
