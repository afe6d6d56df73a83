//! `pave update` on the built-in code path: the update table, one test per row, on a registry
//! served the way the built-in one is ([`Frozen`]: the older release frozen in
//! `history/<name>/<version>.txt`, the newest as its folder), with versions crafted to hit each
//! row; and, through the binary, the rows that the embedded catalog's own 1.0.0 -> newest
//! exercises (a file the blueprint did not change kept, an edited file merged or conflicted, a
//! deleted file staying deleted).

use crate::support::{BlueprintBuilder, Env, Param, text};
use pave::answers::Supplied;
use pave::plan::ApplyOptions;
use pave::registry::BlueprintSource;
use pave::registry::builtin::{Frozen, write};
use pave::update::run::{PreparedUpdate, Request, prepare_from};
use pave::update::{Class, FileOutcome};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const BINARY_V1: &[u8] = b"GIF\0\x01v1";
const BINARY_V11: &[u8] = b"GIF\0\x01v1.1";
const BINARY_MINE: &[u8] = b"GIF\0\x01mine";

/// `svc` at 1.0.0 or 1.1.0: one file per row of the update table.
fn svc(version: &str) -> BlueprintBuilder {
    let bp = BlueprintBuilder::new("svc")
        .version(version)
        .param(Param::string("project_name"))
        .param(Param::string("service").default("orders"))
        .file("template/kept.txt", "same in every release\n")
        .file(
            "template/src/{{service}}/main.txt.hbs",
            "service {{service}}\n2\n3\n4\n5\n",
        );
    if version == "1.0.0" {
        bp.file("template/updated.txt", "one\n")
            .file("template/merged.txt", "a\nb\nc\nd\ne\nf\ng\n")
            .file("template/conflict.txt", "x\n")
            .file("template/same.txt", "s1\n")
            .file("template/removed.txt", "old\n")
            .file("template/removed-edited.txt", "old\n")
            .file("template/deleted-here.txt", "d1\n")
            .file("template/run.sh", "#!/bin/sh\necho run\n")
            .file("template/logo.bin", BINARY_V1)
    } else {
        bp.file("template/updated.txt", "two\n")
            .file("template/merged.txt", "A\nb\nc\nd\ne\nf\ng\n")
            .file("template/conflict.txt", "x from the blueprint\n")
            .file("template/same.txt", "s2\n")
            .file("template/deleted-here.txt", "d2\n")
            .file_exec("template/run.sh", "#!/bin/sh\necho run\n")
            .file("template/logo.bin", BINARY_V11)
            .file("template/new.txt", "new in 1.1\n")
            .file("template/both.txt", "the blueprint's both\n")
    }
}

/// A registry folder laid out like the built-in one: `registry.yaml`, svc 1.1.0 as
/// `blueprints/svc/`, and svc 1.0.0 frozen into `history/svc/1.0.0.txt` (as
/// scripts/freeze-builtin does before the folder moves on).
fn history(root: &Path) -> Frozen {
    let old = root.join("old-svc");
    svc("1.0.0").write_to(&old);
    let frozen = write::freeze_folder(&old).unwrap();
    std::fs::remove_dir_all(&old).unwrap();
    std::fs::create_dir_all(root.join("history/svc")).unwrap();
    std::fs::write(root.join("history/svc/1.0.0.txt"), frozen).unwrap();
    svc("1.1.0").write_to(&root.join("blueprints/svc"));
    std::fs::write(
        root.join("registry.yaml"),
        "apiVersion: pave/v1\nname: builtin\ndescription: update rows\nblueprints:\n  - name: svc\n    path: blueprints/svc\n    summary: one file per row\n",
    )
    .unwrap();
    Frozen::from_folder("builtin", root).unwrap()
}

/// A project rendered from `source`'s svc 1.0.0 into `dir`, as `pave new` writes it.
fn new_project(source: &dyn BlueprintSource, dir: &Path) {
    let loaded = source.load("svc", &semver::Version::new(1, 0, 0)).unwrap();
    let supplied = Supplied {
        set: vec![(String::from("project_name"), String::from("proj"))],
        defaults: true,
        ..Supplied::default()
    };
    let generated = pave::generate::generate(&loaded, &supplied, None).unwrap();
    pave::plan::plan(dir, generated.tree, false)
        .unwrap()
        .apply(&ApplyOptions::default())
        .unwrap();
}

fn put(dir: &Path, rel: &str, data: impl AsRef<[u8]>) {
    std::fs::write(dir.join(rel), data).unwrap();
}

/// The project's local edits, one per row that needs one.
fn edit(dir: &Path) {
    put(dir, "merged.txt", "a\nb\nc\nd\ne\nf\nG mine\n");
    put(dir, "conflict.txt", "x from the project\n");
    put(dir, "same.txt", "s2\n");
    put(dir, "removed-edited.txt", "old, edited\n");
    std::fs::remove_file(dir.join("deleted-here.txt")).unwrap();
    put(dir, "logo.bin", BINARY_MINE);
    put(dir, "both.txt", "the project's both\n");
}

struct Updated {
    _root: tempfile::TempDir,
    dir: PathBuf,
    prepared: PreparedUpdate,
}

impl Updated {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn outcome(&self, path: &str) -> &FileOutcome {
        self.prepared
            .result
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no outcome for {path}: {:?}", self.prepared.result.files))
    }

    fn class(&self, path: &str) -> Class {
        self.outcome(path).class
    }
}

/// A project from svc 1.0.0, edited, then updated to 1.1.0 (with `set` pairs) through
/// `prepare_from` and `apply` on the frozen registry.
fn updated_with(set: &[(&str, &str)]) -> Updated {
    let root = tempfile::tempdir().unwrap();
    let source = history(root.path());
    let dir = root.path().join("proj");
    new_project(&source, &dir);
    edit(&dir);
    let request = Request {
        dir: dir.clone(),
        supplied: Supplied {
            set: set
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Supplied::default()
        },
        ..Request::default()
    };
    let prepared = prepare_from(&source, &request, None).unwrap();
    prepared.apply(&ApplyOptions::default()).unwrap();
    Updated {
        _root: root,
        dir,
        prepared,
    }
}

fn updated() -> Updated {
    updated_with(&[])
}

#[test]
fn builtin_row_unchanged_by_the_blueprint_is_kept_untouched() {
    let u = updated();
    assert_eq!(u.class("kept.txt"), Class::Kept);
    assert!(u.outcome("kept.txt").ops.is_empty());
    assert_eq!(u.read("kept.txt"), "same in every release\n");
}

#[test]
fn builtin_row_unchanged_by_the_project_takes_the_new_render() {
    let u = updated();
    assert_eq!(u.class("updated.txt"), Class::Updated);
    assert_eq!(u.read("updated.txt"), "two\n");
}

#[test]
fn builtin_row_changed_identically_on_both_sides_is_no_conflict() {
    let u = updated();
    assert_eq!(u.class("same.txt"), Class::SameChange);
    assert!(!u.outcome("same.txt").conflict);
    assert_eq!(u.read("same.txt"), "s2\n");
}

#[test]
fn builtin_row_changed_apart_on_both_sides_merges_cleanly() {
    let u = updated();
    assert_eq!(u.class("merged.txt"), Class::Merged);
    assert_eq!(u.read("merged.txt"), "A\nb\nc\nd\ne\nf\nG mine\n");
}

#[test]
fn builtin_row_changed_together_on_both_sides_conflicts_with_labelled_diff3_markers() {
    let u = updated();
    assert_eq!(u.class("conflict.txt"), Class::Conflict);
    assert!(u.prepared.has_conflicts());
    assert_eq!(
        u.read("conflict.txt"),
        "<<<<<<< project\nx from the project\n||||||| blueprint 1.0.0\nx\n=======\nx from the blueprint\n>>>>>>> blueprint 1.1.0\n"
    );
}

#[test]
fn builtin_row_new_in_the_blueprint_is_added() {
    let u = updated();
    assert_eq!(u.class("new.txt"), Class::Added);
    assert_eq!(u.read("new.txt"), "new in 1.1\n");
}

#[test]
fn builtin_row_added_on_both_sides_keeps_both_contents_in_markers() {
    let u = updated();
    assert_eq!(u.class("both.txt"), Class::BothAddedConflict);
    let both = u.read("both.txt");
    assert!(
        both.contains("<<<<<<< project\nthe project's both\n"),
        "{both}"
    );
    assert!(
        both.contains("the blueprint's both\n>>>>>>> blueprint 1.1.0"),
        "{both}"
    );
}

#[test]
fn builtin_row_removed_upstream_and_unedited_is_deleted() {
    let u = updated();
    assert_eq!(u.class("removed.txt"), Class::Deleted);
    assert!(!u.dir.join("removed.txt").exists());
}

#[test]
fn builtin_row_removed_upstream_but_edited_is_kept_and_reported() {
    let u = updated();
    assert_eq!(u.class("removed-edited.txt"), Class::KeptRemovedUpstream);
    assert_eq!(u.prepared.result.summary.kept_removed_upstream, 1);
    assert_eq!(u.read("removed-edited.txt"), "old, edited\n");
}

#[test]
fn builtin_row_deleted_locally_and_changed_upstream_stays_deleted() {
    let u = updated();
    assert_eq!(u.class("deleted-here.txt"), Class::DeletedLocally);
    assert!(!u.dir.join("deleted-here.txt").exists());
}

#[test]
fn builtin_row_binary_changed_on_both_sides_keeps_ours_and_writes_theirs_beside_it() {
    let u = updated();
    let logo = u.outcome("logo.bin");
    assert_eq!(logo.class, Class::BinaryConflict);
    assert!(logo.conflict);
    assert_eq!(logo.side_file.as_deref(), Some("logo.bin.pave-new"));
    assert_eq!(std::fs::read(u.dir.join("logo.bin")).unwrap(), BINARY_MINE);
    assert_eq!(
        std::fs::read(u.dir.join("logo.bin.pave-new")).unwrap(),
        BINARY_V11
    );
}

#[test]
fn builtin_row_an_exec_bit_set_by_the_blueprint_is_followed() {
    let u = updated();
    assert_eq!(u.class("run.sh"), Class::ModeChanged);
    let mode = std::fs::metadata(u.dir.join("run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111, "{mode:o}");
    assert_eq!(u.read("run.sh"), "#!/bin/sh\necho run\n");
}

#[test]
fn builtin_row_a_path_that_follows_a_changed_answer_moves_with_the_projects_edits() {
    let root = tempfile::tempdir().unwrap();
    let source = history(root.path());
    let dir = root.path().join("proj");
    new_project(&source, &dir);
    put(
        &dir,
        "src/orders/main.txt",
        "service orders\n2\n3\n4\n5 mine\n",
    );
    let request = Request {
        dir: dir.clone(),
        supplied: Supplied {
            set: vec![(String::from("service"), String::from("billing"))],
            ..Supplied::default()
        },
        ..Request::default()
    };
    let prepared = prepare_from(&source, &request, None).unwrap();
    prepared.apply(&ApplyOptions::default()).unwrap();
    let moved = prepared
        .result
        .files
        .iter()
        .find(|f| f.path == "src/billing/main.txt")
        .unwrap();
    assert_eq!(moved.class, Class::Moved);
    assert_eq!(moved.from.as_deref(), Some("src/orders/main.txt"));
    assert!(!dir.join("src/orders").exists(), "the old folder stayed");
    assert_eq!(
        std::fs::read_to_string(dir.join("src/billing/main.txt")).unwrap(),
        "service billing\n2\n3\n4\n5 mine\n"
    );
}

#[test]
fn builtin_row_the_record_is_rewritten_last_with_the_new_version_and_no_commit() {
    let u = updated();
    let last = u.prepared.plan.files.last().unwrap();
    assert_eq!(last.dest(), ".pave.yaml");
    let record = u.read(".pave.yaml");
    assert!(record.contains("registry: builtin\n"), "{record}");
    assert!(record.contains("version: 1.1.0\n"), "{record}");
    assert!(!record.contains("commit:"), "{record}");
    // Every class the table names for a version change came up once.
    let s = &u.prepared.result.summary;
    assert_eq!(
        (
            s.kept,
            s.updated,
            s.same_change,
            s.merged,
            s.conflict,
            s.added
        ),
        (2, 1, 1, 1, 1, 1),
        "{s:?}"
    );
    assert_eq!(
        (
            s.both_added_conflict,
            s.deleted,
            s.kept_removed_upstream,
            s.deleted_locally,
            s.binary_conflict,
            s.mode_changed
        ),
        (1, 1, 1, 1, 1, 1),
        "{s:?}"
    );
}

// Through the binary, on the embedded catalog's own releases.

/// `cloudfront-static-site` 1.0.0 made in `<work>/site`, committed in its own git repository.
fn catalog_project(env: &Env) -> PathBuf {
    let out = env
        .pave()
        .args([
            "new",
            "builtin/cloudfront-static-site@=1.0.0",
            "site",
            "--defaults",
            "--set",
            "project_name=site",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    env.work().join("site")
}

fn catalog_update(env: &Env) -> (i32, serde_json::Value, String) {
    let out = env
        .pave()
        .args(["update", "site", "--allow-dirty", "--json"])
        .output()
        .unwrap();
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    (out.status.code().unwrap_or(-1), json, text(&out))
}

fn class_in(json: &serde_json::Value, path: &str) -> String {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {json}"))["class"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn builtin_catalog_update_keeps_an_untouched_edit_merges_a_makefile_and_leaves_a_deleted_file_gone()
{
    let env = Env::new();
    let dir = catalog_project(&env);
    let template = std::fs::read_to_string(dir.join("template.yaml")).unwrap();
    let mine = format!("# owned by the site team\n{template}");
    std::fs::write(dir.join("template.yaml"), &mine).unwrap();
    let makefile = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    let makefile = format!("{makefile}\nsmoke:\n\tcurl -fsS https://example.test/\n");
    std::fs::write(dir.join("Makefile"), &makefile).unwrap();
    std::fs::remove_file(dir.join(".github/workflows/ci.yml")).unwrap();

    let (code, json, all) = catalog_update(&env);
    assert_eq!(code, 0, "{all}");
    assert_eq!(json["to"]["version"], "1.1.1", "{json}");
    assert_eq!(class_in(&json, "template.yaml"), "kept");
    assert_eq!(
        std::fs::read_to_string(dir.join("template.yaml")).unwrap(),
        mine
    );
    assert_eq!(class_in(&json, "Makefile"), "merged");
    let merged = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(
        merged.contains("cfn-lint --regions $(REGION) -- template.yaml"),
        "{merged}"
    );
    assert!(
        merged.ends_with("smoke:\n\tcurl -fsS https://example.test/\n"),
        "{merged}"
    );
    assert_eq!(
        class_in(&json, ".github/workflows/ci.yml"),
        "deleted-locally"
    );
    assert!(!dir.join(".github/workflows/ci.yml").exists());
    let record = std::fs::read_to_string(dir.join(".pave.yaml")).unwrap();
    assert!(record.contains("version: 1.1.1"), "{record}");
}

#[test]
fn builtin_catalog_update_conflicts_on_a_makefile_line_both_sides_changed_and_exits_3() {
    let env = Env::new();
    let dir = catalog_project(&env);
    let makefile = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    let old = "\t$(VENV)/bin/cfn-lint template.yaml\n";
    assert!(
        makefile.contains(old),
        "the 1.0.0 Makefile changed: {makefile}"
    );
    let edited = makefile.replace(
        old,
        "\t$(VENV)/bin/cfn-lint --format pretty template.yaml\n",
    );
    std::fs::write(dir.join("Makefile"), &edited).unwrap();

    let (code, json, all) = catalog_update(&env);
    assert_eq!(code, 3, "{all}");
    assert_eq!(class_in(&json, "Makefile"), "conflict");
    let after = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    for want in [
        "<<<<<<< project\n\t$(VENV)/bin/cfn-lint --format pretty template.yaml\n",
        "||||||| blueprint 1.0.0\n\t$(VENV)/bin/cfn-lint template.yaml\n",
        "\t$(VENV)/bin/cfn-lint --regions $(REGION) -- template.yaml\n",
        ">>>>>>> blueprint 1.1.1\n",
    ] {
        assert!(after.contains(want), "{want:?} missing:\n{after}");
    }
    assert_eq!(class_in(&json, "README.md"), "updated");
}
