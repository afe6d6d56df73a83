//! The write plan through the library: a cancelled or failing apply leaves the target exactly
//! as it was, whether the target is new or already holds files; an in-place plan (as `update`
//! makes) creates, overwrites, changes modes, deletes and writes conflicts, removes only the
//! folders its deletions emptied, refuses a file edited after planning, and puts every file
//! back, byte for byte and mode for mode, when anything fails.

use pave::blueprint::{Entry, FileTree};
use pave::plan::{Action, ApplyOptions, ConflictKind, PlanError, PlannedFile, WritePlan, plan};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn tree() -> FileTree {
    [
        ("a.txt", "new a"),
        ("sub/b.txt", "new b"),
        ("sub/deep/c.txt", "new c"),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), Entry::file(t.as_bytes())))
    .collect()
}

fn snapshot(dir: &std::path::Path) -> Vec<(String, String)> {
    crate::support::list_files(dir)
        .into_iter()
        .map(|f| {
            let p = dir.join(&f);
            (
                f,
                if p.is_file() {
                    std::fs::read_to_string(p).unwrap()
                } else {
                    String::from("<dir>")
                },
            )
        })
        .collect()
}

#[test]
fn a_cancelled_apply_leaves_no_target_and_no_staging() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("project");
    let cancel = AtomicBool::new(true);
    let err = plan(&target, tree(), false)
        .unwrap()
        .apply(&ApplyOptions {
            cancel: Some(&cancel),
            finish: None,
        })
        .unwrap_err();
    assert!(matches!(err, PlanError::Interrupted(_)), "{err}");
    assert!(
        crate::support::list_files(root.path()).is_empty(),
        "nothing left: {:?}",
        crate::support::list_files(root.path())
    );
}

#[test]
fn a_failing_finish_on_an_existing_target_rolls_every_file_back() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("project");
    std::fs::create_dir_all(target.join("sub")).unwrap();
    std::fs::write(target.join("a.txt"), "old a").unwrap();
    std::fs::write(target.join("mine.txt"), "mine").unwrap();
    let before = snapshot(&target);
    let fail = |_: &std::path::Path| Err(String::from("refused on purpose"));
    let planned = plan(&target, tree(), true).unwrap();
    let err = planned
        .apply(&ApplyOptions {
            cancel: None,
            finish: Some(&fail),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "refused on purpose");
    assert_eq!(
        snapshot(&target),
        before,
        "overwritten files restored, new files and folders removed"
    );
    assert_eq!(
        crate::support::list_files(root.path()).len(),
        before.len() + 1,
        "no staging folder left beside the target"
    );
}

#[test]
fn a_failing_finish_on_a_new_target_leaves_nothing() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("project");
    let fail = |_: &std::path::Path| Err(String::from("refused on purpose"));
    assert!(
        plan(&target, tree(), false)
            .unwrap()
            .apply(&ApplyOptions {
                cancel: None,
                finish: Some(&fail)
            })
            .is_err()
    );
    assert!(crate::support::list_files(root.path()).is_empty());
}

/// Every path under `dir` with its kind, mode and bytes (links with their target).
fn disk(dir: &Path) -> Vec<(String, String)> {
    crate::support::list_files(dir)
        .into_iter()
        .map(|f| {
            let p = dir.join(&f);
            let meta = p.symlink_metadata().unwrap();
            let mode = meta.permissions().mode() & 0o777;
            let what = if meta.file_type().is_symlink() {
                format!("link -> {}", std::fs::read_link(&p).unwrap().display())
            } else if meta.is_dir() {
                format!("dir {mode:o}")
            } else {
                format!("{mode:o} {:?}", std::fs::read(&p).unwrap())
            };
            (f, what)
        })
        .collect()
}

fn exe(data: &str) -> Entry {
    Entry::File {
        data: data.as_bytes().to_vec().into(),
        executable: true,
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// An existing project and a plan over it with every action.
struct Project {
    root: tempfile::TempDir,
}

impl Project {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("project");
        crate::support::write_files(
            &dir,
            &[
                ("keep.txt", "same"),
                ("over.txt", "old over"),
                ("private.txt", "secret v1"),
                ("run.sh", "#!/bin/sh\necho hi\n"),
                ("tool.sh", "#!/bin/sh\n"),
                ("gone/deep/only.txt", "bye"),
                ("stays/a.txt", "a"),
                ("stays/b.txt", "b"),
                ("holder/del.txt", "d"),
                ("both.txt", "mine\n"),
                ("logo.bin", "\0ours"),
                (".pave.yaml", "version: 1.0.0\n"),
            ],
        );
        std::fs::create_dir_all(dir.join("empty")).unwrap();
        std::fs::create_dir_all(dir.join("holder/empty-before")).unwrap();
        chmod(&dir.join("private.txt"), 0o600);
        chmod(&dir.join("tool.sh"), 0o755);
        chmod(&dir.join("gone"), 0o750);
        Project { root }
    }

    fn dir(&self) -> std::path::PathBuf {
        self.root.path().join("project")
    }

    fn files(&self) -> Vec<PlannedFile> {
        vec![
            PlannedFile::write(
                ".pave.yaml",
                Some(Entry::file("version: 1.0.0\n")),
                Entry::file("version: 1.1.0\n"),
            ),
            PlannedFile::write("keep.txt", Some(Entry::file("same")), Entry::file("same")),
            PlannedFile::write(
                "over.txt",
                Some(Entry::file("old over")),
                Entry::file("new over"),
            ),
            PlannedFile::write(
                "private.txt",
                Some(Entry::file("secret v1")),
                Entry::file("secret v2"),
            ),
            PlannedFile::write(
                "run.sh",
                Some(Entry::file("#!/bin/sh\necho hi\n")),
                exe("#!/bin/sh\necho hi\n"),
            ),
            PlannedFile::write(
                "tool.sh",
                Some(exe("#!/bin/sh\n")),
                Entry::file("#!/bin/sh\n"),
            ),
            PlannedFile::delete("gone/deep/only.txt", Entry::file("bye")),
            PlannedFile::delete("stays/a.txt", Entry::file("a")),
            PlannedFile::delete("holder/del.txt", Entry::file("d")),
            PlannedFile::conflict(
                "both.txt",
                Some(Entry::file("mine\n")),
                Entry::file("<<<<<<< project\nmine\n=======\ntheirs\n>>>>>>> blueprint 1.1.0\n"),
            ),
            PlannedFile::conflict_beside("logo.bin", Entry::file("\0theirs"), None),
            PlannedFile::write("new/deep/file.txt", None, Entry::file("fresh")),
            PlannedFile::write("stays/c.txt", None, Entry::file("c")),
        ]
    }

    fn plan(&self) -> WritePlan {
        WritePlan::in_place(&self.dir(), self.files()).unwrap()
    }

    /// Files beside the project folder (a staging folder left behind would show here).
    fn beside(&self) -> Vec<String> {
        std::fs::read_dir(self.root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

#[test]
fn an_in_place_apply_does_every_action() {
    let p = Project::new();
    let plan = p.plan();
    let actions: Vec<_> = plan
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.action))
        .collect();
    assert_eq!(
        actions.last(),
        Some(&(".pave.yaml", Action::Overwrite)),
        "answers file last"
    );
    assert!(actions.contains(&("keep.txt", Action::Unchanged)));
    assert!(actions.contains(&("run.sh", Action::Mode)));
    assert!(actions.contains(&("tool.sh", Action::Mode)));
    assert!(actions.contains(&("logo.bin", Action::Conflict(ConflictKind::Beside))));
    let c = plan.counts();
    assert_eq!(
        (
            c.create,
            c.overwrite,
            c.mode,
            c.unchanged,
            c.delete,
            c.conflict
        ),
        (2, 3, 2, 1, 3, 2)
    );
    plan.apply(&ApplyOptions::default()).unwrap();

    let dir = p.dir();
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let mode = |f: &str| dir.join(f).metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(read("keep.txt"), b"same");
    assert_eq!(read("over.txt"), b"new over");
    assert_eq!(read("private.txt"), b"secret v2");
    assert_eq!(
        mode("private.txt"),
        0o600,
        "an overwrite keeps the file's permissions"
    );
    assert_eq!(mode("run.sh"), 0o755, "the executable bit is followed");
    assert_eq!(mode("tool.sh"), 0o644, "and cleared");
    assert_eq!(read("run.sh"), b"#!/bin/sh\necho hi\n");
    assert!(read("both.txt").starts_with(b"<<<<<<< project\nmine\n"));
    assert_eq!(
        read("logo.bin"),
        b"\0ours",
        "a binary conflict keeps ours in place"
    );
    assert_eq!(
        read("logo.bin.pave-new"),
        b"\0theirs",
        "and writes theirs beside it"
    );
    assert_eq!(
        read("new/deep/file.txt"),
        b"fresh",
        "missing parents are created"
    );
    assert_eq!(read(".pave.yaml"), b"version: 1.1.0\n");
    assert!(
        !dir.join("gone").exists(),
        "folders emptied by the plan are removed, up the chain"
    );
    assert!(!dir.join("stays/a.txt").exists());
    assert_eq!(
        read("stays/b.txt"),
        b"b",
        "a folder that still holds files stays"
    );
    assert!(dir.join("empty").is_dir(), "a folder empty before is left");
    assert!(
        dir.join("holder/empty-before").is_dir() && !dir.join("holder/del.txt").exists(),
        "a folder that still holds an (empty) folder stays"
    );
    assert_eq!(p.beside(), ["project"], "the staging folder is gone");
}

#[test]
fn a_failure_in_the_middle_puts_every_file_back() {
    let p = Project::new();
    let mut files = p.files();
    // The last file goes into a folder `zz`; after planning, a file named `zz` appears, so the
    // apply fails once every original is moved aside and most new files are in place.
    files.push(PlannedFile::write(
        "zz/last.txt",
        None,
        Entry::file("never"),
    ));
    let plan = WritePlan::in_place(&p.dir(), files).unwrap();
    std::fs::write(p.dir().join("zz"), "in the way").unwrap();
    let before = disk(&p.dir());
    let err = plan.apply(&ApplyOptions::default()).unwrap_err();
    assert!(matches!(err, PlanError::NotADirectory(_)), "{err}");
    assert_eq!(
        disk(&p.dir()),
        before,
        "every file back byte for byte with its mode, deleted ones and removed folders included"
    );
    assert_eq!(p.beside(), ["project"], "the staging folder is gone");
}

#[test]
fn a_failing_finish_in_place_undoes_every_step() {
    let p = Project::new();
    let before = disk(&p.dir());
    let seen = std::cell::RefCell::new(Vec::new());
    let fail = |dir: &Path| {
        seen.borrow_mut()
            .push(dir.join("logo.bin.pave-new").exists());
        Err(String::from("refused on purpose"))
    };
    let err = p
        .plan()
        .apply(&ApplyOptions {
            cancel: None,
            finish: Some(&fail),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "refused on purpose");
    assert_eq!(*seen.borrow(), [true], "finish runs on the changed project");
    assert_eq!(disk(&p.dir()), before);
    assert_eq!(p.beside(), ["project"]);
}

#[test]
fn a_cancelled_in_place_apply_changes_nothing() {
    let p = Project::new();
    let before = disk(&p.dir());
    let cancel = AtomicBool::new(true);
    let err = p
        .plan()
        .apply(&ApplyOptions {
            cancel: Some(&cancel),
            finish: None,
        })
        .unwrap_err();
    assert!(matches!(err, PlanError::Interrupted(_)), "{err}");
    assert_eq!(disk(&p.dir()), before);
    assert_eq!(p.beside(), ["project"]);
}

#[test]
fn a_file_edited_after_planning_is_refused_and_kept() {
    // An edit to a file late in the plan, to its mode, or a file created where the plan
    // creates one: each is refused, the edit stays, and the files before it are put back.
    type Edit = fn(&Path);
    let edits: [(&str, Edit); 4] = [
        ("stays/c.txt", |d| {
            std::fs::write(d.join("stays/c.txt"), "mine too").unwrap()
        }),
        ("private.txt", |d| {
            std::fs::write(d.join("private.txt"), "secret v1 edited").unwrap()
        }),
        ("over.txt", |d| chmod(&d.join("over.txt"), 0o755)),
        ("stays/a.txt", |d| {
            std::fs::write(d.join("stays/a.txt"), "edited before delete").unwrap()
        }),
    ];
    for (path, edit) in edits {
        let p = Project::new();
        let plan = p.plan();
        edit(&p.dir());
        let before = disk(&p.dir());
        let err = plan.apply(&ApplyOptions::default()).unwrap_err();
        assert!(
            matches!(&err, PlanError::Changed { path: changed } if changed == path),
            "{path}: {err}"
        );
        assert!(err.to_string().contains("run the command again"), "{err}");
        assert_eq!(
            disk(&p.dir()),
            before,
            "{path}: the edit is kept, nothing else changed"
        );
        assert_eq!(p.beside(), ["project"]);
    }
}

#[test]
fn deleting_a_file_that_is_already_gone_is_skipped() {
    let p = Project::new();
    let plan = p.plan();
    std::fs::remove_file(p.dir().join("stays/a.txt")).unwrap();
    plan.apply(&ApplyOptions::default()).unwrap();
    assert!(!p.dir().join("stays/a.txt").exists());
    assert_eq!(
        std::fs::read(p.dir().join("over.txt")).unwrap(),
        b"new over"
    );
}

#[test]
fn a_file_can_give_way_to_a_folder() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("project");
    crate::support::write_files(&dir, &[("docs", "a file"), ("src/only.txt", "x")]);
    let plan = WritePlan::in_place(
        &dir,
        vec![
            PlannedFile::delete("docs", Entry::file("a file")),
            PlannedFile::write("docs/index.md", None, Entry::file("# docs")),
            PlannedFile::delete("src/only.txt", Entry::file("x")),
            PlannedFile::write("src", None, Entry::file("now a file")),
        ],
    );
    // A planned file where a folder is on disk is refused, even if the plan empties it.
    assert!(matches!(plan, Err(PlanError::IsADirectory(p)) if p == "src"));
    let plan = WritePlan::in_place(
        &dir,
        vec![
            PlannedFile::delete("docs", Entry::file("a file")),
            PlannedFile::write("docs/index.md", None, Entry::file("# docs")),
        ],
    )
    .unwrap();
    plan.apply(&ApplyOptions::default()).unwrap();
    assert_eq!(std::fs::read(dir.join("docs/index.md")).unwrap(), b"# docs");
}

#[test]
fn a_link_that_appears_after_planning_is_never_written_through() {
    let p = Project::new();
    let plan = p.plan();
    let outside = p.root.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, p.dir().join("new")).unwrap();
    let before = disk(&p.dir());
    let err = plan.apply(&ApplyOptions::default()).unwrap_err();
    assert!(matches!(err, PlanError::ThroughSymlink { .. }), "{err}");
    assert_eq!(disk(&p.dir()), before);
    assert!(
        crate::support::list_files(&outside).is_empty(),
        "nothing written outside"
    );
}

#[test]
fn force_over_an_existing_file_follows_its_executable_bit() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("project");
    crate::support::write_files(&target, &[("run.sh", "echo"), ("mine.txt", "mine")]);
    let tree: FileTree = [("run.sh".to_string(), exe("echo"))].into_iter().collect();
    let planned = plan(&target, tree, true).unwrap();
    assert_eq!(planned.files[0].action, Action::Mode);
    planned.apply(&ApplyOptions::default()).unwrap();
    let mode = target
        .join("run.sh")
        .metadata()
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
    assert_eq!(std::fs::read(target.join("mine.txt")).unwrap(), b"mine");
}
