//! `pave diff` through the binary, on projects made from a real git registry with several
//! released versions: an unedited project has no diff; edits, added and deleted files show;
//! `--stat`, `--exit-code`, `--json`; `--to` shows the blueprint's own change between versions.

use crate::support::git::RegistryBuilder;
use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::Value;

/// `orders-api` at `version`: 1.0.0 has `app.txt` with three lines and `old.txt`; 1.1.0
/// changes the second line of `app.txt`, drops `old.txt` and adds an executable `run.sh`.
fn orders(version: &str) -> BlueprintBuilder {
    let bp = BlueprintBuilder::new("orders-api")
        .version(version)
        .summary("Orders API for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .file("template/README.md.hbs", "# {{project_name}}\n");
    match version {
        "1.0.0" => bp
            .file("template/app.txt", "one\ntwo\nthree\n")
            .file("template/old.txt", "old\n"),
        _ => bp
            .file("template/app.txt.hbs", "one\nTWO {{project_name}}\nthree\n")
            .file_exec("template/run.sh", "#!/bin/sh\n"),
    }
}

/// A registry with orders-api 1.0.0 and 1.1.0, configured as `acme`, and a project `svc`
/// made from 1.0.0.
fn project(env: &Env) -> RegistryBuilder {
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(orders("1.0.0"))
        .release()
        .blueprint(orders("1.1.0"))
        .release();
    ok(env, &["registry", "add", "acme", &reg.file_url()]);
    ok(
        env,
        &[
            "new",
            "acme/orders-api@=1.0.0",
            "svc",
            "--set",
            "project_name=svc",
        ],
    );
    reg
}

fn ok(env: &Env, args: &[&str]) -> String {
    let out = env.pave().args(args).output().unwrap();
    assert!(out.status.success(), "pave {args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_unedited_project_has_no_diff_and_exit_code_0() {
    let env = Env::new();
    project(&env);
    let out = env
        .pave()
        .args(["diff", "svc", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    assert!(text(&out).contains("no differences"), "{}", text(&out));
}

#[test]
fn edits_added_and_deleted_files_show_and_exit_code_says_so() {
    let env = Env::new();
    project(&env);
    let svc = env.work().join("svc");
    std::fs::write(svc.join("app.txt"), "one\ntwo\nthree\nfour\n").unwrap();
    std::fs::write(svc.join("notes.md"), "ours\n").unwrap();
    std::fs::remove_file(svc.join("old.txt")).unwrap();
    // Not the project's own files: dependencies and git's folder.
    std::fs::create_dir_all(svc.join("node_modules/x")).unwrap();
    std::fs::write(svc.join("node_modules/x/index.js"), "x\n").unwrap();

    let patch = ok(&env, &["diff", "svc"]);
    assert!(
        patch.contains("diff --git a/app.txt b/app.txt\n--- a/app.txt\n+++ b/app.txt\n@@ -1,3 +1,4 @@\n one\n two\n three\n+four\n"),
        "{patch}"
    );
    assert!(
        patch.contains("diff --git a/notes.md b/notes.md\nnew file mode 100644\n--- /dev/null\n+++ b/notes.md\n@@ -0,0 +1 @@\n+ours\n"),
        "{patch}"
    );
    assert!(
        patch.contains("diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n"),
        "{patch}"
    );
    assert!(!patch.contains(".pave.yaml"), "{patch}");
    assert!(!patch.contains("node_modules"), "{patch}");
    assert!(!patch.contains("README.md"), "{patch}");

    let stat = ok(&env, &["diff", "svc", "--stat"]);
    assert_eq!(
        stat,
        " app.txt  | 1 +\n notes.md | 1 +\n old.txt  | 1 -\n 3 files changed, 2 insertions(+), 1 deletion(-)\n"
    );

    let out = env
        .pave()
        .args(["diff", "svc", "--exit-code", "--stat"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let json: Value = serde_json::from_str(&ok(&env, &["diff", "svc", "--json"])).unwrap();
    let files: Vec<(String, String)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (String::from("app.txt"), String::from("modified")),
            (String::from("notes.md"), String::from("added")),
            (String::from("old.txt"), String::from("removed")),
        ]
    );
    let hunk = &json["files"][0]["hunks"][0];
    assert_eq!(hunk["old_start"], 1);
    assert_eq!(hunk["new_lines"], 4);
    assert_eq!(hunk["lines"][3], "+four");
}

#[test]
fn the_patch_applies_to_a_fresh_render_and_gives_the_project_back() {
    let env = Env::new();
    project(&env);
    let svc = env.work().join("svc");
    std::fs::write(svc.join("app.txt"), "one\nzwei\nthree\n").unwrap();
    std::fs::write(svc.join("notes.md"), "ours\n").unwrap();
    let patch = ok(&env, &["diff", "svc"]);
    ok(
        &env,
        &[
            "new",
            "acme/orders-api@=1.0.0",
            "fresh",
            "--set",
            "project_name=svc",
        ],
    );
    let fresh = env.work().join("fresh");
    std::fs::write(fresh.join("p.diff"), &patch).unwrap();
    let status = std::process::Command::new("git")
        .args(["apply", "p.diff"])
        .current_dir(&fresh)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(fresh.join("app.txt")).unwrap(),
        "one\nzwei\nthree\n"
    );
    assert_eq!(
        std::fs::read_to_string(fresh.join("notes.md")).unwrap(),
        "ours\n"
    );
}

#[test]
fn to_shows_the_blueprint_change_between_versions_not_the_projects_edits() {
    let env = Env::new();
    project(&env);
    let svc = env.work().join("svc");
    std::fs::write(svc.join("notes.md"), "ours\n").unwrap();
    let patch = ok(&env, &["diff", "svc", "--to", "1.1"]);
    assert!(
        patch.contains(
            "--- a/app.txt\n+++ b/app.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO svc\n three\n"
        ),
        "{patch}"
    );
    assert!(
        patch.contains("diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n"),
        "{patch}"
    );
    assert!(
        patch.contains("diff --git a/run.sh b/run.sh\nnew file mode 100755\n"),
        "{patch}"
    );
    assert!(!patch.contains("notes.md"), "{patch}");
    // The recorded version itself: nothing to bring.
    let same = env
        .pave()
        .args(["diff", "svc", "--to", "=1.0.0", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    let bad = env
        .pave()
        .args(["diff", "svc", "--to", "one"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("--to `one` is not a version requirement"));
}

#[test]
fn a_folder_without_a_record_is_an_error() {
    let env = Env::new();
    let out = env.pave().args(["diff"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("is not a pave project"),
        "{}",
        text(&out)
    );
}

/// `svc` with `app.txt` edited, `old.txt` deleted and `lib/notes.md` and `lib/deep/x.md` added.
fn edited(env: &Env) -> std::path::PathBuf {
    project(env);
    let svc = env.work().join("svc");
    std::fs::write(svc.join("app.txt"), "one\ntwo\nthree\nfour\n").unwrap();
    std::fs::remove_file(svc.join("old.txt")).unwrap();
    std::fs::create_dir_all(svc.join("lib/deep")).unwrap();
    std::fs::write(svc.join("lib/notes.md"), "ours\n").unwrap();
    std::fs::write(svc.join("lib/deep/x.md"), "x\n").unwrap();
    svc
}

#[test]
fn inside_a_project_its_folder_is_found_upward() {
    let env = Env::new();
    let svc = edited(&env);
    let deep = svc.join("lib/deep");
    let out = env
        .pave()
        .current_dir(&deep)
        .args(["diff", "--stat"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        " app.txt       | 1 +\n lib/deep/x.md | 1 +\n lib/notes.md  | 1 +\n old.txt       | 1 -\n 4 files changed, 3 insertions(+), 1 deletion(-)\n"
    );
    // A folder given is taken as is: `lib` is no project.
    let out = env
        .pave()
        .current_dir(&svc)
        .args(["diff", "lib"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("lib is not a pave project"),
        "{}",
        text(&out)
    );
}

#[test]
fn paths_after_double_dash_limit_the_diff_relative_to_the_current_folder() {
    let env = Env::new();
    let svc = edited(&env);
    let lib = svc.join("lib");
    let run = |dir: &std::path::Path, args: &[&str]| {
        env.pave().current_dir(dir).args(args).output().unwrap()
    };

    // A file, from the project's folder.
    let out = run(&svc, &["diff", "--", "app.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let patch = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        patch.starts_with("diff --git a/app.txt b/app.txt\n"),
        "{patch}"
    );
    assert!(
        !patch.contains("old.txt") && !patch.contains("notes.md"),
        "{patch}"
    );

    // Paths relative to a subfolder, as git takes them: `.` is the subfolder, `..` goes up.
    let out = run(&lib, &["diff", "--stat", "--", ".", "../old.txt"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        " lib/deep/x.md | 1 +\n lib/notes.md  | 1 +\n old.txt       | 1 -\n 3 files changed, 2 insertions(+), 1 deletion(-)\n",
        "{}",
        text(&out)
    );

    // With DIR, from outside the project, and with --json and --exit-code.
    let json: Value = serde_json::from_slice(
        &run(
            &env.work(),
            &["diff", "svc", "--json", "--", "svc/lib/deep"],
        )
        .stdout,
    )
    .unwrap();
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["lib/deep/x.md"]);
    // README.md is the project's and unchanged: no difference, exit 0.
    let out = run(&svc, &["diff", "--exit-code", "--", "README.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(&svc, &["diff", "--exit-code", "--", "README.md", "app.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // --to honours the limit too.
    let out = run(&svc, &["diff", "--to", "1.1.0", "--stat", "--", "run.sh"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        " run.sh | 1 +\n 1 file changed, 1 insertion(+), 0 deletions(-)\n",
        "{}",
        text(&out)
    );
}

#[test]
fn a_path_that_is_not_part_of_the_project_is_an_error_naming_it() {
    let env = Env::new();
    let svc = edited(&env);
    std::fs::write(env.work().join("outside.txt"), "x\n").unwrap();
    for (args, named, why) in [
        (
            vec!["diff", "--", "../outside.txt"],
            "../outside.txt",
            "outside the project folder",
        ),
        (
            vec!["diff", "--", "nope.txt"],
            "nope.txt",
            "has a file there",
        ),
        (
            vec!["diff", "--stat", "--", "node_modules"],
            "node_modules",
            "has a file there",
        ),
    ] {
        std::fs::create_dir_all(svc.join("node_modules")).unwrap();
        std::fs::write(svc.join("node_modules/dep.js"), "x\n").unwrap();
        let out = env.pave().current_dir(&svc).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let shown = text(&out);
        assert!(
            shown.contains(&format!("{named} is not part of the project")) && shown.contains(why),
            "{args:?}: {shown}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: {shown}");
    }
}
