//! One test per row of the update table, on small in-memory trees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::render::Origins;

fn file(text: &str) -> Entry {
    Entry::file(text.as_bytes())
}

fn exe(text: &str) -> Entry {
    Entry::File {
        data: text.as_bytes().to_vec().into(),
        executable: true,
    }
}

fn tree(files: &[(&str, Entry)]) -> FileTree {
    files
        .iter()
        .map(|(p, e)| (p.to_string(), e.clone()))
        .collect()
}

/// Origins where every path is its own template.
fn identity(tree: &FileTree) -> Origins {
    tree.keys().map(|p| (p.clone(), p.clone())).collect()
}

fn run_with(
    base: &FileTree,
    theirs: &FileTree,
    ours: &FileTree,
    options: &MergeOptions,
) -> UpdateResult {
    let (bo, to) = (identity(base), identity(theirs));
    merge_trees(
        &Trees {
            base,
            base_origins: &bo,
            theirs,
            theirs_origins: &to,
            ours,
        },
        options,
    )
    .unwrap()
}

fn run(base: &FileTree, theirs: &FileTree, ours: &FileTree) -> UpdateResult {
    run_with(base, theirs, ours, &MergeOptions::new("1.0.0", "1.1.0"))
}

fn only(result: &UpdateResult) -> &FileOutcome {
    assert_eq!(result.files.len(), 1, "{:?}", result.files);
    &result.files[0]
}

fn text_of(tree: &FileTree, path: &str) -> String {
    match tree.get(path) {
        Some(Entry::File { data, .. }) => String::from_utf8(data.to_vec()).unwrap(),
        other => panic!("{path}: {other:?}"),
    }
}

const BASE: &str = "one\ntwo\nthree\nfour\nfive\n";

#[test]
fn blueprint_unchanged_keeps_the_project_file_untouched() {
    let base = tree(&[("a.txt", file(BASE))]);
    let ours = tree(&[("a.txt", file("local\n"))]);
    let r = run(&base, &base, &ours);
    let f = only(&r);
    assert_eq!(f.class, Class::Kept);
    assert!(f.ops.is_empty());
    assert!(!r.changes_anything());
    assert_eq!(r.apply_to(&ours), ours);
}

#[test]
fn project_unchanged_takes_the_new_render() {
    let base = tree(&[("a.txt", file(BASE))]);
    let theirs = tree(&[("a.txt", file("new\n"))]);
    let r = run(&base, &theirs, &base);
    assert_eq!(only(&r).class, Class::Updated);
    assert_eq!(r.apply_to(&base), theirs);
    assert_eq!(r.summary.updated, 1);
}

#[test]
fn identical_changes_on_both_sides_are_not_a_conflict() {
    let base = tree(&[("a.txt", file(BASE))]);
    let theirs = tree(&[("a.txt", file("same\n"))]);
    let r = run(&base, &theirs, &theirs);
    let f = only(&r);
    assert_eq!(f.class, Class::SameChange);
    assert!(f.ops.is_empty(), "nothing to write: {:?}", f.ops);
}

#[test]
fn changes_on_both_sides_in_different_lines_merge_cleanly() {
    let base = tree(&[("a.txt", file(BASE))]);
    let theirs = tree(&[("a.txt", file("one\ntwo\nthree\nfour\nFIVE\n"))]);
    let ours = tree(&[("a.txt", file("ONE\ntwo\nthree\nfour\nfive\n"))]);
    let r = run(&base, &theirs, &ours);
    assert_eq!(only(&r).class, Class::Merged);
    assert!(!r.has_conflicts());
    assert_eq!(
        text_of(&r.apply_to(&ours), "a.txt"),
        "ONE\ntwo\nthree\nfour\nFIVE\n"
    );
}

#[test]
fn changes_on_both_sides_in_the_same_lines_conflict_in_diff3_style() {
    let base = tree(&[("a.txt", file(BASE))]);
    let theirs = tree(&[("a.txt", file("one\ntwo\nblueprint\nfour\nfive\n"))]);
    let ours = tree(&[("a.txt", file("one\ntwo\nmine\nfour\nfive\n"))]);
    let r = run(&base, &theirs, &ours);
    let f = only(&r);
    assert_eq!(f.class, Class::Conflict);
    assert!(f.conflict && r.has_conflicts());
    assert_eq!(r.summary.conflicts(), 1);
    assert_eq!(
        text_of(&r.apply_to(&ours), "a.txt"),
        "one\ntwo\n<<<<<<< project\nmine\n||||||| blueprint 1.0.0\nthree\n=======\nblueprint\n>>>>>>> blueprint 1.1.0\nfour\nfive\n"
    );
    assert!(f.ops.iter().all(|op| op.conflict));
    let stages = f.stages.as_ref().unwrap();
    assert_eq!(stages.base.as_ref(), base.get("a.txt"));
    assert_eq!(stages.ours.as_ref(), ours.get("a.txt"));
    assert_eq!(stages.theirs.as_ref(), theirs.get("a.txt"));
}

#[test]
fn a_conflict_keeps_every_byte_of_the_project_file() {
    // Whole-file rewrite on both sides, no final newline on the project's side.
    let base = tree(&[("a.txt", file(BASE))]);
    let theirs = tree(&[("a.txt", file("entirely\nnew\n"))]);
    let mine = "my\nown\r\nfile without newline";
    let ours = tree(&[("a.txt", file(mine))]);
    let r = run(&base, &theirs, &ours);
    assert_eq!(only(&r).class, Class::Conflict);
    let out = text_of(&r.apply_to(&ours), "a.txt");
    let section = out
        .split("<<<<<<< project\n")
        .nth(1)
        .and_then(|s| s.split("||||||| ").next())
        .unwrap();
    assert_eq!(section.strip_suffix('\n'), Some(mine), "{out:?}");
}

#[test]
fn a_file_added_by_the_blueprint_is_written() {
    let base = tree(&[]);
    let theirs = tree(&[("new.txt", file("hello\n"))]);
    let r = run(&base, &theirs, &tree(&[]));
    assert_eq!(only(&r).class, Class::Added);
    assert_eq!(r.apply_to(&tree(&[])), theirs);
}

#[test]
fn a_file_added_by_both_differently_keeps_both_in_markers() {
    let theirs = tree(&[("new.txt", file("from the blueprint\n"))]);
    let ours = tree(&[("new.txt", file("from the project\n"))]);
    let r = run(&tree(&[]), &theirs, &ours);
    let f = only(&r);
    assert_eq!(f.class, Class::BothAddedConflict);
    assert!(f.conflict);
    let out = text_of(&r.apply_to(&ours), "new.txt");
    assert_eq!(
        out,
        // libgit2 leaves the label off the marker of an empty side: here the base.
        "<<<<<<< project\nfrom the project\n|||||||\n=======\nfrom the blueprint\n>>>>>>> blueprint 1.1.0\n"
    );
    assert_eq!(f.stages.as_ref().unwrap().base, None);
}

#[test]
fn a_file_added_by_both_identically_is_a_same_change() {
    let theirs = tree(&[("new.txt", file("same\n"))]);
    let r = run(&tree(&[]), &theirs, &theirs);
    assert_eq!(only(&r).class, Class::SameChange);
    assert!(!r.changes_anything());
}

#[test]
fn a_file_removed_upstream_and_unchanged_locally_is_deleted() {
    let base = tree(&[("old.txt", file(BASE)), ("keep.txt", file("k\n"))]);
    let theirs = tree(&[("keep.txt", file("k\n"))]);
    let r = run(&base, &theirs, &base);
    let f = r.files.iter().find(|f| f.path == "old.txt").unwrap();
    assert_eq!(f.class, Class::Deleted);
    assert_eq!(
        f.ops,
        vec![Op {
            path: "old.txt".into(),
            kind: OpKind::Delete,
            conflict: false
        }]
    );
    assert_eq!(r.apply_to(&base), theirs);
}

#[test]
fn a_file_removed_upstream_but_edited_locally_is_kept_and_reported() {
    let base = tree(&[("old.txt", file(BASE))]);
    let ours = tree(&[("old.txt", file("edited\n"))]);
    let r = run(&base, &tree(&[]), &ours);
    let f = only(&r);
    assert_eq!(f.class, Class::KeptRemovedUpstream);
    assert!(f.ops.is_empty());
    assert_eq!(r.summary.kept_removed_upstream, 1);
}

#[test]
fn a_file_deleted_locally_and_changed_upstream_stays_deleted() {
    let base = tree(&[("gone.txt", file(BASE))]);
    let theirs = tree(&[("gone.txt", file("changed\n"))]);
    let r = run(&base, &theirs, &tree(&[]));
    let f = only(&r);
    assert_eq!(f.class, Class::DeletedLocally);
    assert!(f.ops.is_empty());

    let mut options = MergeOptions::new("1.0.0", "1.1.0");
    options.recreate_deleted = true;
    let r = run_with(&base, &theirs, &tree(&[]), &options);
    assert_eq!(only(&r).class, Class::Recreated);
    assert_eq!(r.apply_to(&tree(&[])), theirs);
}

#[test]
fn a_file_deleted_locally_and_unchanged_upstream_stays_deleted_quietly() {
    let base = tree(&[("gone.txt", file(BASE))]);
    let r = run(&base, &base, &tree(&[]));
    assert_eq!(only(&r).class, Class::Kept);
    assert!(!r.changes_anything());
}

#[test]
fn a_renamed_path_moves_the_file_with_the_project_edits_merged() {
    let base = tree(&[("src/orders/app.py", file(BASE))]);
    let theirs = tree(&[("src/billing/app.py", file("one\ntwo\nthree\nfour\nFIVE\n"))]);
    let origin = "src/{{project_name}}/app.py.hbs".to_string();
    let bo: Origins = [("src/orders/app.py".to_string(), origin.clone())].into();
    let to: Origins = [("src/billing/app.py".to_string(), origin)].into();
    let ours = tree(&[("src/orders/app.py", file("ONE\ntwo\nthree\nfour\nfive\n"))]);
    let r = merge_trees(
        &Trees {
            base: &base,
            base_origins: &bo,
            theirs: &theirs,
            theirs_origins: &to,
            ours: &ours,
        },
        &MergeOptions::new("1.0.0", "1.0.0"),
    )
    .unwrap();
    let f = only(&r);
    assert_eq!(f.class, Class::Moved);
    assert_eq!(f.path, "src/billing/app.py");
    assert_eq!(f.from.as_deref(), Some("src/orders/app.py"));
    let after = r.apply_to(&ours);
    assert_eq!(after.keys().collect::<Vec<_>>(), ["src/billing/app.py"]);
    assert_eq!(
        text_of(&after, "src/billing/app.py"),
        "ONE\ntwo\nthree\nfour\nFIVE\n"
    );

    // Without origins the same trees are a removal and an addition.
    let r = run(&base, &theirs, &ours);
    let classes: Vec<Class> = r.files.iter().map(|f| f.class).collect();
    assert_eq!(classes, [Class::Added, Class::KeptRemovedUpstream]);
}

#[test]
fn a_binary_file_changed_on_both_sides_keeps_ours_and_writes_theirs_beside() {
    let base = tree(&[("logo.png", file("\0base"))]);
    let theirs = tree(&[("logo.png", file("\0theirs"))]);
    let ours = tree(&[("logo.png", file("\0ours"))]);
    let r = run(&base, &theirs, &ours);
    let f = only(&r);
    assert_eq!(f.class, Class::BinaryConflict);
    assert!(f.conflict);
    assert_eq!(f.side_file.as_deref(), Some("logo.png.pave-new"));
    let after = r.apply_to(&ours);
    assert_eq!(after.get("logo.png"), ours.get("logo.png"));
    assert_eq!(after.get("logo.png.pave-new"), theirs.get("logo.png"));
    assert_eq!(r.summary.binary_conflict, 1);
}

#[test]
fn an_exec_bit_changed_by_the_blueprint_is_followed() {
    let base = tree(&[("run.sh", file(BASE))]);
    let theirs = tree(&[("run.sh", exe(BASE))]);
    // Unchanged project: the new mode is written.
    let r = run(&base, &theirs, &base);
    assert_eq!(only(&r).class, Class::ModeChanged);
    assert_eq!(r.apply_to(&base), theirs);
    // Edited project: its contents stay, the mode follows.
    let ours = tree(&[("run.sh", file("edited\n"))]);
    let r = run(&base, &theirs, &ours);
    assert_eq!(only(&r).class, Class::ModeChanged);
    assert_eq!(r.apply_to(&ours), tree(&[("run.sh", exe("edited\n"))]));
    // Mode and contents changed upstream, contents edited locally: merged, mode followed.
    let theirs = tree(&[("run.sh", exe("one\ntwo\nthree\nfour\nFIVE\n"))]);
    let ours = tree(&[("run.sh", file("ONE\ntwo\nthree\nfour\nfive\n"))]);
    let r = run(&base, &theirs, &ours);
    assert_eq!(only(&r).class, Class::Merged);
    assert_eq!(
        r.apply_to(&ours),
        tree(&[("run.sh", exe("ONE\ntwo\nthree\nfour\nFIVE\n"))])
    );
}

#[test]
fn pave_yaml_is_left_out_of_the_merge() {
    let base = tree(&[(".pave.yaml", file("version: 1.0.0\n"))]);
    let theirs = tree(&[(".pave.yaml", file("version: 1.1.0\n"))]);
    let ours = tree(&[(".pave.yaml", file("version: 1.0.0\n# note\n"))]);
    let r = run(&base, &theirs, &ours);
    assert!(r.files.is_empty(), "{:?}", r.files);
    assert_eq!(r.summary, Summary::default());
}

#[test]
fn the_outcome_serialises_for_json() {
    let base = tree(&[("a.txt", file(BASE)), ("logo.png", file("\0b"))]);
    let theirs = tree(&[("a.txt", file("x\n")), ("logo.png", file("\0t"))]);
    let ours = tree(&[("a.txt", file("y\n")), ("logo.png", file("\0o"))]);
    let json = serde_json::to_value(run(&base, &theirs, &ours)).unwrap();
    assert_eq!(
        json["files"][0],
        serde_json::json!({"path": "a.txt", "class": "conflict", "conflict": true})
    );
    assert_eq!(
        json["files"][1],
        serde_json::json!({"path": "logo.png", "class": "binary-conflict", "conflict": true, "side_file": "logo.png.pave-new"})
    );
    assert_eq!(json["summary"]["conflict"], 1);
    assert_eq!(json["summary"]["binary-conflict"], 1);
    assert_eq!(json["summary"]["kept"], 0);
}

#[test]
fn class_names_match_their_serialised_form() {
    for class in Class::ALL {
        assert_eq!(
            serde_json::to_value(class).unwrap(),
            serde_json::Value::from(class.as_str())
        );
    }
}
