//! `pave blueprint absorb` and `extract` on the inputs a demanding user brings: an empty
//! template file that gains text, a partial used once with indentation, absorbing the same
//! change twice, an `absorb.rej` left by an earlier run, and an extracted file whose name
//! holds `{{`. Each edited or extracted blueprint must render the project byte for byte.

use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

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
        .args(["new", "./bp/edges", "again", "--set", "project_name=orders-api"])
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
    let bp = blueprint(&[
        ("template/empty.txt", ""),
        ("template/empty.yaml.hbs", ""),
    ]);
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
