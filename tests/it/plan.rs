//! The write plan through the library: a cancelled or failing apply leaves the target exactly
//! as it was, whether the target is new or already holds files.

use pave::blueprint::{Entry, FileTree};
use pave::plan::{ApplyOptions, PlanError, plan};
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
