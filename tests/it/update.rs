//! `pave update` end to end through the binary, on blueprints with tagged versions in a real
//! git registry: one test per row of the update table, answers changed without a version
//! change, moved files, parameters renamed or removed, git safety (dirty tree, unmerged index
//! entries), downgrade refusal, exit codes, `--dry-run`, an interrupted apply, and moved or
//! deleted tags and an unreachable registry with a warm cache.

use crate::support::git::{RegistryBuilder, git_command};
use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const BINARY_V1: &[u8] = b"PNG\0\x01\x02v1";
const BINARY_V11: &[u8] = b"PNG\0\x01\x02v1.1";
const BINARY_MINE: &[u8] = b"PNG\0\x01\x02mine";

/// `svc` at a version: one file per row of the update table.
fn svc(version: &str) -> BlueprintBuilder {
    let v1 = version == "1.0.0";
    let mut bp = BlueprintBuilder::new("svc")
        .version(version)
        .summary("service for update tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .param(Param::choice("routing", &["api", "none"]).default("api"))
        .param(Param::string("service").default("orders"))
        .files_when("routes/**", "{{eq routing \"api\"}}")
        .file("template/kept.txt", "same in every version\n")
        .file("template/routes/api.txt", "GET /\n")
        .file(
            "template/src/{{service}}/main.txt.hbs",
            "service {{service}}\nline 2\nline 3\nline 4\nline 5\n",
        )
        .file("template/version.txt", format!("{version}\n"));
    bp = if v1 {
        bp.file("template/updated.txt", "one\n")
            .file("template/merged.txt", "a\nb\nc\nd\ne\nf\ng\n")
            .file("template/conflict.txt", "x\n")
            .file("template/removed.txt", "old\n")
            .file("template/removed-edited.txt", "old\n")
            .file("template/deleted-here.txt", "d1\n")
            .file("template/same.txt", "s1\n")
            .file("template/run.sh", "#!/bin/sh\necho run\n")
            .file("template/logo.bin", BINARY_V1)
    } else {
        bp.file("template/updated.txt", "two\n")
            .file("template/merged.txt", "A\nb\nc\nd\ne\nf\ng\n")
            .file("template/conflict.txt", "x from the blueprint\n")
            .file("template/deleted-here.txt", "d2\n")
            .file("template/same.txt", "s2\n")
            .file_exec("template/run.sh", "#!/bin/sh\necho run\n")
            .file("template/logo.bin", BINARY_V11)
            .file("template/new.txt", "new in 1.1\n")
            .file("template/both.txt", "the blueprint's both\n")
    };
    bp
}

/// A registry with svc 1.0.0, 1.1.0 and 2.0.0 (2.0.0 = 1.1.0 with another version.txt).
fn registry(env: &Env) -> RegistryBuilder {
    RegistryBuilder::new(&env.path("reg"))
        .blueprint(svc("1.0.0"))
        .release()
        .blueprint(svc("1.1.0"))
        .release()
        .blueprint(svc("2.0.0"))
        .release()
}

fn ok(env: &Env, args: &[&str]) -> String {
    let out = env.pave().args(args).output().unwrap();
    assert!(out.status.success(), "pave {args:?}: {}", text(&out));
    text(&out)
}

/// A project `proj` made from svc 1.0.0 of registry `reg`.
fn project(env: &Env) -> RegistryBuilder {
    let reg = registry(env);
    ok(env, &["registry", "add", "reg", &reg.file_url()]);
    ok(
        env,
        &[
            "new",
            "reg/svc@=1.0.0",
            "proj",
            "--set",
            "project_name=proj",
        ],
    );
    reg
}

fn proj(env: &Env) -> std::path::PathBuf {
    env.work().join("proj")
}

fn read(env: &Env, rel: &str) -> String {
    std::fs::read_to_string(proj(env).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn write(env: &Env, rel: &str, data: impl AsRef<[u8]>) {
    let path = proj(env).join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// The project's local edits, one per row.
fn edit(env: &Env) {
    write(env, "merged.txt", "a\nb\nc\nd\ne\nf\nG mine\n");
    write(env, "conflict.txt", "x from the project\n");
    write(env, "removed-edited.txt", "old, edited\n");
    std::fs::remove_file(proj(env).join("deleted-here.txt")).unwrap();
    write(env, "same.txt", "s2\n");
    write(env, "logo.bin", BINARY_MINE);
    write(env, "both.txt", "the project's both\n");
}

/// Runs `pave update <args> --json` in the work folder; the exit code and the JSON.
fn update_json(env: &Env, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["update"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = env.pave().args(&all).output().unwrap();
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    (out.status.code().unwrap_or(-1), json)
}

/// class by path from an update's JSON.
fn classes(json: &Value) -> BTreeMap<String, String> {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["class"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Project from 1.0.0, edited, updated with the default target (1.1.0).
fn updated() -> (Env, i32, Value) {
    let env = Env::new();
    project(&env);
    edit(&env);
    let (code, json) = update_json(&env, &["proj"]);
    (env, code, json)
}

fn class_of(json: &Value, path: &str) -> String {
    classes(json)
        .get(path)
        .cloned()
        .unwrap_or_else(|| panic!("{path} not in {json:#}"))
}

#[test]
fn row_unchanged_by_the_blueprint_is_kept() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "kept.txt"), "kept");
    assert_eq!(read(&env, "kept.txt"), "same in every version\n");
}

#[test]
fn row_unchanged_by_the_project_is_updated_within_the_same_major() {
    let (env, code, json) = updated();
    assert_eq!(code, 3, "{json:#}");
    assert_eq!(class_of(&json, "updated.txt"), "updated");
    assert_eq!(read(&env, "updated.txt"), "two\n");
    assert_eq!(read(&env, "version.txt"), "1.1.0\n");
    assert_eq!(json["to"]["version"], "1.1.0");
    let record = read(&env, ".pave.yaml");
    assert!(record.contains("version: 1.1.0"), "{record}");
}

#[test]
fn row_same_change_on_both_sides_is_no_conflict() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "same.txt"), "same-change");
    assert_eq!(read(&env, "same.txt"), "s2\n");
}

#[test]
fn row_both_changed_merges_cleanly() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "merged.txt"), "merged");
    assert_eq!(read(&env, "merged.txt"), "A\nb\nc\nd\ne\nf\nG mine\n");
}

#[test]
fn row_both_changed_the_same_lines_is_a_conflict_with_labelled_diff3_markers() {
    let (env, code, json) = updated();
    assert_eq!(code, 3);
    assert_eq!(class_of(&json, "conflict.txt"), "conflict");
    assert_eq!(
        read(&env, "conflict.txt"),
        "<<<<<<< project\nx from the project\n||||||| blueprint 1.0.0\nx\n=======\nx from the blueprint\n>>>>>>> blueprint 1.1.0\n"
    );
}

#[test]
fn row_added_by_the_blueprint_is_added() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "new.txt"), "added");
    assert_eq!(read(&env, "new.txt"), "new in 1.1\n");
}

#[test]
fn row_added_on_both_sides_keeps_both_contents_in_markers() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "both.txt"), "both-added-conflict");
    let both = read(&env, "both.txt");
    assert!(both.contains("the project's both\n"), "{both}");
    assert!(both.contains("the blueprint's both\n"), "{both}");
    assert!(both.starts_with("<<<<<<<"), "{both}");
}

#[test]
fn row_removed_upstream_and_unedited_is_deleted() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "removed.txt"), "deleted");
    assert!(!proj(&env).join("removed.txt").exists());
}

#[test]
fn row_removed_upstream_but_edited_is_kept_and_reported() {
    let (env, _, json) = updated();
    assert_eq!(
        class_of(&json, "removed-edited.txt"),
        "kept-removed-upstream"
    );
    assert_eq!(read(&env, "removed-edited.txt"), "old, edited\n");
    assert_eq!(json["summary"]["kept-removed-upstream"], 1);
}

#[test]
fn row_deleted_locally_stays_deleted_unless_recreate_deleted() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "deleted-here.txt"), "deleted-locally");
    assert!(!proj(&env).join("deleted-here.txt").exists());

    let env = Env::new();
    project(&env);
    std::fs::remove_file(proj(&env).join("deleted-here.txt")).unwrap();
    let (code, json) = update_json(&env, &["proj", "--recreate-deleted"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(class_of(&json, "deleted-here.txt"), "recreated");
    assert_eq!(read(&env, "deleted-here.txt"), "d2\n");
}

#[test]
fn row_binary_changed_on_both_sides_keeps_ours_and_writes_theirs_beside() {
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "logo.bin"), "binary-conflict");
    assert_eq!(
        std::fs::read(proj(&env).join("logo.bin")).unwrap(),
        BINARY_MINE
    );
    assert_eq!(
        std::fs::read(proj(&env).join("logo.bin.pave-new")).unwrap(),
        BINARY_V11
    );
}

#[cfg(unix)]
#[test]
fn row_exec_bit_changed_by_the_blueprint_is_followed() {
    use std::os::unix::fs::PermissionsExt;
    let (env, _, json) = updated();
    assert_eq!(class_of(&json, "run.sh"), "mode-changed");
    let mode = std::fs::metadata(proj(&env).join("run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(mode & 0o111, 0, "{mode:o}");
}

#[test]
fn row_a_path_that_moves_with_its_answer_carries_the_edits() {
    let env = Env::new();
    project(&env);
    write(
        &env,
        "src/orders/main.txt",
        "service orders\nline 2\nline 3\nline 4\nline 5 edited\n",
    );
    let (code, json) = update_json(
        &env,
        &["proj", "--to", "=1.0.0", "--set", "service=billing"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(class_of(&json, "src/billing/main.txt"), "moved");
    assert_eq!(
        read(&env, "src/billing/main.txt"),
        "service billing\nline 2\nline 3\nline 4\nline 5 edited\n"
    );
    assert!(!proj(&env).join("src/orders").exists());
}

#[test]
fn the_record_is_rewritten_with_the_new_version_commit_and_answers() {
    let env = Env::new();
    let reg = project(&env);
    let (code, json) = update_json(&env, &["proj", "--set", "routing=api"]);
    assert_eq!(code, 0, "{json:#}");
    let record: Value = serde_yaml::from_str(&read(&env, ".pave.yaml")).unwrap();
    assert_eq!(record["version"], "1.1.0");
    assert_eq!(record["commit"], reg.commit_of("svc/v1.1.0").as_str());
    assert_eq!(record["answers"]["project_name"], "proj");
    assert_eq!(record["answers"]["routing"], "api");
}

#[test]
fn an_answer_change_without_a_version_change_removes_files_no_longer_rendered() {
    let env = Env::new();
    project(&env);
    let (code, json) = update_json(&env, &["proj", "--to", "=1.0.0", "--set", "routing=none"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(class_of(&json, "routes/api.txt"), "deleted");
    assert!(!proj(&env).join("routes").exists());
    assert!(read(&env, ".pave.yaml").contains("routing: none"));
}

#[test]
fn updating_to_what_is_recorded_writes_nothing_and_says_up_to_date() {
    let env = Env::new();
    project(&env);
    ok(&env, &["update", "proj"]);
    let before = snapshot(&proj(&env));
    let out = ok(&env, &["update", "proj"]);
    assert!(out.contains("up to date"), "{out}");
    assert_eq!(snapshot(&proj(&env)), before);
}

/// Every file under `dir` with its bytes, mode and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32, std::time::SystemTime)> {
    use std::os::unix::fs::PermissionsExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && !e.path().components().any(|c| c.as_os_str() == ".git")
        })
        .map(|e| {
            let meta = e.metadata().unwrap();
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                (
                    std::fs::read(e.path()).unwrap(),
                    meta.permissions().mode(),
                    meta.modified().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn dry_run_prints_the_table_and_the_diff_and_writes_nothing() {
    let env = Env::new();
    project(&env);
    edit(&env);
    let before = snapshot(&proj(&env));
    let out = env
        .pave()
        .args(["update", "proj", "--dry-run", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = text(&out);
    for row in [
        "updated",
        "merged",
        "conflict",
        "added",
        "deleted",
        "binary-conflict",
    ] {
        assert!(shown.contains(row), "{row}: {shown}");
    }
    assert!(shown.contains("-one\n+two"), "{shown}");
    assert!(shown.contains("Nothing was written"), "{shown}");
    assert_eq!(snapshot(&proj(&env)), before);
}

#[test]
fn a_major_is_crossed_only_when_asked_and_a_downgrade_is_refused() {
    let env = Env::new();
    project(&env);
    let (_, json) = update_json(&env, &["proj", "--to", "2"]);
    assert_eq!(json["to"]["version"], "2.0.0", "{json:#}");
    assert_eq!(read(&env, "version.txt"), "2.0.0\n");

    let out = env
        .pave()
        .args(["update", "proj", "--to", "=1.1.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--allow-downgrade"), "{}", text(&out));
    assert_eq!(read(&env, "version.txt"), "2.0.0\n");
    let (code, json) = update_json(&env, &["proj", "--to", "=1.1.0", "--allow-downgrade"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(read(&env, "version.txt"), "1.1.0\n");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "work"]);
}

#[test]
fn a_dirty_work_tree_is_refused_unless_allow_dirty() {
    let env = Env::new();
    project(&env);
    let dir = proj(&env);
    git(&dir, &["init", "-q", "-b", "main"]);
    commit_all(&dir);
    write(&env, "untracked.txt", "mine\n");
    let before = snapshot(&dir);
    let out = env.pave().args(["update", "proj"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("uncommitted changes"), "{}", text(&out));
    assert!(text(&out).contains("untracked.txt"), "{}", text(&out));
    assert_eq!(snapshot(&dir), before);
    ok(&env, &["update", "proj", "--allow-dirty"]);
    assert_eq!(read(&env, "version.txt"), "1.1.0\n");
}

#[test]
fn conflicts_are_unmerged_in_the_index_and_clean_files_are_not_staged() {
    let env = Env::new();
    project(&env);
    let dir = proj(&env);
    git(&dir, &["init", "-q", "-b", "main"]);
    commit_all(&dir);
    edit(&env);
    commit_all(&dir);
    let (code, _) = update_json(&env, &["proj"]);
    assert_eq!(code, 3);
    let unmerged = git(&dir, &["ls-files", "-u"]);
    let stages = |path: &str| -> Vec<String> {
        unmerged
            .lines()
            .filter(|l| l.ends_with(&format!("\t{path}")))
            .map(|l| l.split_whitespace().nth(2).unwrap().to_string())
            .collect()
    };
    assert_eq!(stages("conflict.txt"), ["1", "2", "3"], "{unmerged}");
    assert_eq!(stages("both.txt"), ["2", "3"], "{unmerged}");
    assert_eq!(stages("logo.bin"), ["1", "2", "3"], "{unmerged}");
    // Stage 2 holds the project's content, stage 3 the blueprint's.
    assert_eq!(
        git(&dir, &["show", ":2:conflict.txt"]),
        "x from the project\n"
    );
    assert_eq!(
        git(&dir, &["show", ":3:conflict.txt"]),
        "x from the blueprint\n"
    );
    assert_eq!(git(&dir, &["show", ":1:conflict.txt"]), "x\n");
    let staged = git(&dir, &["diff", "--cached", "--name-only"]);
    assert!(!staged.contains("updated.txt"), "{staged}");
    let status = git(&dir, &["status", "--porcelain"]);
    assert!(status.contains("UU conflict.txt"), "{status}");
    assert!(status.contains(" M updated.txt"), "{status}");
}

#[test]
fn exit_codes_are_0_clean_3_conflicts_1_error_2_usage() {
    let env = Env::new();
    project(&env);
    let code = |args: &[&str]| env.pave().args(args).output().unwrap().status.code();
    assert_eq!(code(&["update", "proj", "--to", "not a req"]), Some(2));
    assert_eq!(code(&["update", "proj", "--set", "nope=1"]), Some(2));
    assert_eq!(code(&["update", "reg"]), Some(1), "not a project");
    assert_eq!(code(&["update", "proj"]), Some(0));
    write(&env, "version.txt", "mine\n");
    assert_eq!(code(&["update", "proj", "--to", "2"]), Some(3));
    let out = env
        .pave()
        .args(["update", "missing-folder"])
        .output()
        .unwrap();
    assert!(text(&out).contains("not a pave project"), "{}", text(&out));
}

#[test]
fn an_interrupted_update_leaves_the_project_as_it_was() {
    // Ctrl-C sets the cancel flag the apply checks; set it before the apply starts.
    use pave::update::run::{Request, prepare};
    let env = Env::new();
    project(&env);
    edit(&env);
    let dir = proj(&env);
    let before = snapshot(&dir);
    let mut config = pave::config::Config::default();
    config
        .add(
            "reg",
            &format!("file://{}", env.path("reg").display()),
            None,
        )
        .unwrap();
    let options = pave::registry::git::GitOptions {
        cache_dir: env.path("cache"),
        offline: false,
        fetch_interval: std::time::Duration::from_secs(300),
        interactive: false,
        reporter: std::sync::Arc::new(pave::registry::events::Silent),
    };
    let registries = pave::registry::Registries::new(config, options);
    let request = Request {
        dir: dir.clone(),
        ..Request::default()
    };
    let prepared = prepare(&registries, &request, None).unwrap();
    assert!(!prepared.plan.is_noop());
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let err = prepared
        .apply(&pave::plan::ApplyOptions {
            cancel: Some(&cancel),
            finish: None,
        })
        .unwrap_err();
    assert!(err.to_string().contains("interrupted"), "{err}");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_file_where_the_blueprint_needs_a_folder_stops_the_update_before_anything_is_written() {
    let env = Env::new();
    project(&env);
    std::fs::remove_dir_all(proj(&env).join("routes")).unwrap();
    write(&env, "routes", "a file in the way\n");
    let before = snapshot(&proj(&env));
    let out = env.pave().args(["update", "proj"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(snapshot(&proj(&env)), before);
}

#[test]
fn a_moved_or_deleted_tag_uses_the_recorded_commit_from_the_cache() {
    let env = Env::new();
    let reg = project(&env);
    write(&env, "updated.txt", "one, edited\n");
    // 1.0.0 re-released with other content, then the tag deleted outright.
    let reg = reg.blueprint(svc("1.0.0").file("template/updated.txt", "rewritten\n"));
    reg.commit("rewrite 1.0.0");
    reg.move_tag("svc/v1.0.0", "HEAD");
    ok(&env, &["registry", "sync", "reg"]);
    reg.delete_tag("svc/v1.0.0");
    ok(&env, &["registry", "sync", "reg"]);
    let out = env
        .pave()
        .args(["update", "proj", "--json"])
        .output()
        .unwrap();
    // The base section of updated.txt's conflict holds the recorded 1.0.0 ("one"), not
    // the re-released "rewritten": the recorded commit was used.
    let json: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let shown = read(&env, "updated.txt");
    assert!(shown.contains("||||||| blueprint 1.0.0\none\n"), "{shown}");
    assert!(text(&out).contains("svc/v1.0.0"), "{}", text(&out));
    assert!(
        json["tag_moved"]
            .as_str()
            .unwrap()
            .contains("no longer exists"),
        "{json:#}"
    );
}

#[test]
fn an_unreachable_registry_with_a_warm_cache_still_updates() {
    let env = Env::new();
    let reg = project(&env);
    ok(&env, &["registry", "sync", "reg"]);
    // The registry goes away; the cache holds every version.
    std::fs::rename(reg.path(), env.path("reg-gone")).unwrap();
    let (code, json) = update_json(&env, &["proj"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(read(&env, "version.txt"), "1.1.0\n");
    let (code, _) = update_json(&env, &["--offline", "proj", "--to", "2"]);
    assert_eq!(code, 0);
    assert_eq!(read(&env, "version.txt"), "2.0.0\n");
}

#[test]
fn a_renamed_parameter_carries_its_answer_and_a_removed_one_is_dropped() {
    let env = Env::new();
    let reg = project(&env);
    let v12 = BlueprintBuilder::new("svc")
        .version("1.2.0")
        .summary("service for update tests")
        .param(Param::string("name").renamed_from("project_name"))
        .file("template/name.txt.hbs", "{{name}}\n");
    let _reg = reg.blueprint(v12).release();
    let (code, json) = update_json(&env, &["proj", "--to", "=1.2.0"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(read(&env, "name.txt"), "proj\n");
    let record: Value = serde_yaml::from_str(&read(&env, ".pave.yaml")).unwrap();
    assert_eq!(record["answers"], serde_json::json!({"name": "proj"}));
    let dropped: Vec<&str> = json["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(dropped, ["routing", "service"]);
}

#[test]
fn a_recorded_choice_that_is_gone_and_a_new_parameter_without_default_need_set() {
    let env = Env::new();
    let reg = project(&env);
    // routing's choices change (`api` is gone) and `owner` is new, without a default.
    let v12 = svc("1.1.0");
    let v12 = {
        let mut bp = BlueprintBuilder::new("svc")
            .version("1.2.0")
            .summary("service for update tests")
            .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
            .param(Param::choice("routing", &["rest", "none"]).default("rest"))
            .param(Param::string("service").default("orders"))
            .param(Param::string("owner"));
        for (path, data) in v12.files() {
            if path.starts_with("template/") {
                bp = bp.file(&path, data);
            }
        }
        bp
    };
    let _reg = reg.blueprint(v12).release();
    let out = env
        .pave()
        .args(["update", "proj", "--to", "=1.2.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("routing = api"), "{}", text(&out));
    let out = env
        .pave()
        .args(["update", "proj", "--to", "=1.2.0", "--set", "routing=rest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--set owner="), "{}", text(&out));
    ok(
        &env,
        &[
            "update",
            "proj",
            "--to",
            "=1.2.0",
            "--set",
            "routing=rest",
            "--set",
            "owner=team-a",
        ],
    );
    assert!(read(&env, ".pave.yaml").contains("owner: team-a"));
}

#[test]
fn secrets_are_asked_again_never_recorded() {
    let env = Env::new();
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(
            BlueprintBuilder::new("vault")
                .version("1.0.0")
                .summary("a secret")
                .param(Param::secret("token"))
                .file("template/token.txt.hbs", "{{token}}\n"),
        )
        .release()
        .blueprint(
            BlueprintBuilder::new("vault")
                .version("1.1.0")
                .summary("a secret")
                .param(Param::secret("token"))
                .file("template/token.txt.hbs", "{{token}}\n")
                .file("template/more.txt", "more\n"),
        )
        .release();
    ok(&env, &["registry", "add", "reg", &reg.file_url()]);
    ok(
        &env,
        &["new", "reg/vault@=1.0.0", "proj", "--set", "token=s3cret"],
    );
    let out = env.pave().args(["update", "proj"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--set token="), "{}", text(&out));
    ok(&env, &["update", "proj", "--set", "token=s3cret"]);
    assert_eq!(read(&env, "token.txt"), "s3cret\n");
    assert_eq!(read(&env, "more.txt"), "more\n");
    assert!(!read(&env, ".pave.yaml").contains("s3cret"));
}

#[test]
fn a_recorded_answer_the_target_refuses_is_an_error_whose_hint_names_the_set() {
    let env = Env::new();
    let v = |version: &str, regions: &[&str]| {
        BlueprintBuilder::new("svc")
            .version(version)
            .summary("a service")
            .param(Param::string("project_name"))
            .param(Param::choice("region", regions))
            .file("template/region.txt.hbs", "{{region}}\n")
    };
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(v("1.0.0", &["eu", "us"]))
        .release()
        .blueprint(v("1.1.0", &["us", "ap"]))
        .release();
    ok(&env, &["registry", "add", "reg", &reg.file_url()]);
    let new = [
        "new",
        "reg/svc@=1.0.0",
        "proj",
        "--set",
        "project_name=proj",
    ];
    ok(&env, &[&new[..], &["--set", "region=eu"]].concat());
    let out = env.pave().args(["update", "proj"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.starts_with(
            "error: recorded answer(s) no longer valid in svc 1.1.0:\n  - region = eu: "
        ),
        "{shown}"
    );
    assert!(shown.ends_with("\n  hint: --set region=...\n"), "{shown}");
    ok(&env, &["update", "proj", "--set", "region=ap"]);
    assert_eq!(read(&env, "region.txt"), "ap\n");
}

/// `fn` at 0.1.0 (`project_name`, `fn_name`, `legacy`), 0.3.0 (`fn_name` renamed to
/// `function_name`, `legacy` gone, new `timeout`, `memory`, `api_key` (secret) and `arch`
/// (asked only when `memory` is above 1024)) and 1.0.0 (a new major), and a project `proj` at
/// 0.1.0.
fn function_project(env: &Env) {
    let v = |version: &str| {
        let bp = BlueprintBuilder::new("fn")
            .version(version)
            .summary("a function")
            .param(Param::string("project_name"));
        if version == "0.1.0" {
            bp.param(Param::string("fn_name").default("handler"))
                .param(Param::boolean("legacy").default(true))
                .file("template/fn.txt.hbs", "{{fn_name}}\n")
        } else {
            bp.param(Param::string("function_name").renamed_from("fn_name"))
                .param(Param::integer("timeout").prompt("Timeout").default(30))
                .param(Param::integer("memory").prompt("Memory").default(256))
                .param(Param::choice("arch", &["arm64", "x86_64"]).default("arm64").when("{{gt memory 1024}}"))
                .param(Param::secret("api_key").prompt("API key"))
                .file(
                    "template/fn.txt.hbs",
                    format!("{version} {{{{function_name}}}} {{{{timeout}}}} {{{{memory}}}} {{{{api_key}}}}\n"),
                )
        }
    };
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(v("0.1.0"))
        .release()
        .blueprint(v("0.3.0"))
        .release()
        .blueprint(v("1.0.0"))
        .release();
    ok(env, &["registry", "add", "reg", &reg.file_url()]);
    ok(
        env,
        &[
            "new",
            "reg/fn@=0.1.0",
            "proj",
            "--set",
            "project_name=proj",
            "--set",
            "fn_name=orders",
        ],
    );
}

#[test]
fn without_a_terminal_new_parameters_take_their_defaults_and_the_summary_lists_every_answer_change()
{
    let env = Env::new();
    function_project(&env);
    let args = ["update", "proj", "--set", "api_key=hunter2"];
    let dry = env.pave().args(args).arg("--dry-run").output().unwrap();
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let shown = text(&dry);
    for line in [
        "Answers:\n",
        "  renamed  fn_name -> function_name = orders (carried over)\n",
        "  added    timeout = 30 (the default)\n",
        "  added    memory = 256 (the default)\n",
        "  added    api_key = (secret) (--set)\n",
        "  dropped  legacy = true (no longer a parameter of fn 0.3.0)\n",
        "A new major is out: fn 1.0.0; `pave update proj --to 1` takes it",
    ] {
        assert!(shown.contains(line), "{line:?} in {shown}");
    }
    assert!(!shown.contains("arch"), "not asked, not added: {shown}");
    assert!(!shown.contains("hunter2"), "{shown}");

    let (code, json) = update_json(&env, &args[1..]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["to"]["version"], "0.3.0");
    let changes: Vec<(String, String, Value, Value)> = json["answer_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
                c["value"].clone(),
                c["source"].clone(),
            )
        })
        .collect();
    let change = |kind: &str, name: &str, value: Value, source: Value| {
        (kind.to_string(), name.to_string(), value, source)
    };
    assert_eq!(
        changes,
        [
            change("renamed", "function_name", "orders".into(), Value::Null),
            change("added", "timeout", 30.into(), "default".into()),
            change("added", "memory", 256.into(), "default".into()),
            change("added", "api_key", Value::Null, "set".into()),
            change("dropped", "legacy", true.into(), Value::Null),
        ],
        "{json:#}"
    );
    assert_eq!(json["answer_changes"][0]["from"], "fn_name");
    assert_eq!(json["answer_changes"][3]["secret"], true);
    assert!(!json.to_string().contains("hunter2"), "{json:#}");
    assert_eq!(json["newer_major"]["version"], "1.0.0", "{json:#}");
    assert_eq!(json["newer_major"]["command"], "pave update proj --to 1");
    assert_eq!(read(&env, "fn.txt"), "0.3.0 orders 30 256 hunter2\n");

    // Up to date within its major: the new major is still named, in text and JSON.
    let out = env.pave().args(args).output().unwrap();
    let shown = text(&out);
    assert!(shown.contains("is up to date"), "{shown}");
    assert!(
        shown.contains("A new major is out: fn 1.0.0; `pave update proj --to 1` takes it"),
        "{shown}"
    );
    assert!(!shown.contains("Answers:"), "{shown}");
    let (code, json) = update_json(&env, &args[1..]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["up_to_date"], true, "{json:#}");
    assert_eq!(json["newer_major"]["command"], "pave update proj --to 1");

    // --set answers a new parameter, and a `when` that now holds asks (here: takes) `arch`;
    // at the newest major, no newer one is named; from inside the project, no DIR is needed.
    let inside = proj(&env).join("deeper");
    std::fs::create_dir_all(&inside).unwrap();
    let out = env
        .pave()
        .current_dir(&inside)
        .args([
            "update",
            "--to",
            "1",
            "--set",
            "api_key=k",
            "--set",
            "memory=2048",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("fn 0.3.0 -> 1.0.0"), "{shown}");
    assert!(
        shown.contains("  added    arch = arm64 (the default)\n"),
        "{shown}"
    );
    assert!(!shown.contains("new major"), "{shown}");
}
