//! `pave blueprint absorb` and `extract` on the inputs a demanding user brings: an empty
//! template file that gains text, a partial used once with indentation, absorbing the same
//! change twice, an `absorb.rej` left by an earlier run, and an extracted file whose name
//! holds `{{`. Each edited or extracted blueprint must render the project byte for byte.

use crate::support::git::git;
use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::Value;
use std::path::PathBuf;

/// A blueprint `edges` with `files` (paths below the blueprint folder) and one example.
fn blueprint(files: &[(&str, &str)]) -> BlueprintBuilder {
    let mut bp = BlueprintBuilder::new("edges")
        .version("1.0.0")
        .summary("Edge cases for absorb")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .example("basic", serde_json::json!({"project_name": "demo"}));
    for (path, body) in files {
        bp = bp.file(path, body);
    }
    bp
}

/// A checkout `bp/` holding `bp/edges` (committed, snapshots included) and the project `svc`
/// made from it with `project_name=orders-api`.
fn setup(env: &Env, bp: &BlueprintBuilder) -> (PathBuf, PathBuf) {
    let repo = env.work().join("bp");
    let folder = repo.join(bp.name());
    bp.write_to(&folder);
    git(&repo, &["init", "-q", "."]);
    let spec = format!("./bp/{}", bp.name());
    let out = env
        .pave()
        .args(["new", &spec, "svc", "--set", "project_name=orders-api"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = env
        .pave()
        .args([
            "blueprint",
            "test",
            &spec,
            "--update-snapshots",
            "--no-checks",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "init"]);
    (folder, env.work().join("svc"))
}

fn absorb(env: &Env, extra: &[&str]) -> (i32, Value) {
    let out = env
        .pave()
        .args(["blueprint", "absorb", "svc", "--into", "bp/edges", "--json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), doc)
}

/// Each row's path and outcome (with its reason when not absorbed).
fn outcomes(doc: &Value) -> Vec<String> {
    doc["hunks"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["files"].as_array().unwrap())
        .map(|r| {
            let mut s = format!("{} {}", r["path"].as_str().unwrap(), r["outcome"]);
            if let Some(why) = r["reason"].as_str() {
                s.push_str(&format!(": {why}"));
            }
            s
        })
        .collect()
}

/// `dir` rendered again from the edited folder gives `file` as the project has it.
fn renders_file_as_project(env: &Env, file: &str) {
    let again = env.work().join("again");
    let _ = std::fs::remove_dir_all(&again);
    let out = env
        .pave()
        .args([
            "new",
            "./bp/edges",
            "again",
            "--set",
            "project_name=orders-api",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read(again.join(file)).unwrap(),
        std::fs::read(env.work().join("svc").join(file)).unwrap(),
        "{file}"
    );
}

#[test]
fn an_empty_template_file_that_gains_text_is_absorbed() {
    let env = Env::new();
    let bp = blueprint(&[("template/empty.txt", ""), ("template/empty.yaml.hbs", "")]);
    let (folder, svc) = setup(&env, &bp);
    std::fs::write(svc.join("empty.txt"), "now text\n").unwrap();
    std::fs::write(svc.join("empty.yaml"), "name: orders-api\n").unwrap();
    let (code, doc) = absorb(&env, &[]);
    assert_eq!(
        outcomes(&doc),
        [
            "empty.txt \"absorbed\"",
            "empty.yaml \"absorbed-with-variables\""
        ],
        "{doc:#}"
    );
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(folder.join("template/empty.yaml.hbs")).unwrap(),
        "name: {{project_name}}\n"
    );
    assert!(!folder.join("absorb.rej").exists());
    renders_file_as_project(&env, "empty.txt");
    renders_file_as_project(&env, "empty.yaml");
}

#[test]
fn an_extracted_file_whose_name_holds_braces_renders_under_that_name() {
    let env = Env::new();
    let proj = env.work().join("proj");
    std::fs::create_dir_all(proj.join("{{dir}}")).unwrap();
    std::fs::write(proj.join("{{x}}.txt"), "x orders-api\n").unwrap();
    std::fs::write(proj.join("{{dir}}/orders-api-{{y}}.txt"), "plain\n").unwrap();
    let out = env
        .pave()
        .args([
            "blueprint",
            "extract",
            "proj",
            "out",
            "--name",
            "braces",
            "--param",
            "project_name=orders-api",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = env
        .pave()
        .args(["blueprint", "test", "out", "--no-checks"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = env
        .pave()
        .args(["new", "./out", "made", "--set", "project_name=billing"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let made = env.work().join("made");
    assert_eq!(
        std::fs::read_to_string(made.join("{{x}}.txt")).unwrap(),
        "x billing\n"
    );
    assert_eq!(
        std::fs::read_to_string(made.join("{{dir}}/billing-{{y}}.txt")).unwrap(),
        "plain\n"
    );
}

#[test]
fn absorbing_the_same_change_twice_changes_nothing_the_second_time() {
    let env = Env::new();
    let bp = blueprint(&[(
        "template/config.yaml.hbs",
        "name: {{project_name}}\nttl: 0\nretries: 3\n",
    )]);
    let (folder, svc) = setup(&env, &bp);
    std::fs::write(
        svc.join("config.yaml"),
        "name: orders-api\nttl: 60\nretries: 3\n",
    )
    .unwrap();
    let (code, doc) = absorb(&env, &[]);
    assert_eq!(outcomes(&doc), ["config.yaml \"absorbed\""], "{doc:#}");
    assert_eq!(code, 0);
    let template = folder.join("template/config.yaml.hbs");
    let once = std::fs::read_to_string(&template).unwrap();
    assert_eq!(once, "name: {{project_name}}\nttl: 60\nretries: 3\n");
    let repo = env.work().join("bp");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "absorbed"]);

    let (code, doc) = absorb(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(std::fs::read_to_string(&template).unwrap(), once);
    assert!(!folder.join("absorb.rej").exists(), "{doc:#}");
    assert_eq!(git(&repo, &["status", "--porcelain"]), "", "{doc:#}");
}
