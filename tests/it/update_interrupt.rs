//! Signals during an apply, through the binary: SIGINT while `pave update` applies (its staging
//! folder has appeared beside the project) ends it non-zero with every file of the project byte
//! for byte as it was, and SIGTERM while `pave new` stages a project leaves neither the project
//! nor the staging folder; nothing is left beside either.

use crate::support::{Env, write_files};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

const FILES: usize = 3000;

/// Every file under `dir` (`.pave.yaml` included) with its mode and contents.
fn snapshot(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (u32, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if meta.is_dir() {
                out.insert(format!("{rel}/"), (meta.permissions().mode(), Vec::new()));
                walk(root, &path, out);
            } else {
                out.insert(
                    rel,
                    (meta.permissions().mode(), std::fs::read(&path).unwrap()),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn staging_beside(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".pave-staging-")
    })
}

/// A blueprint of [`FILES`] files at `<work>/big`, each holding the answer `tag`.
fn write_big_blueprint(env: &Env) {
    let manifest = "apiVersion: pave/v1\nname: big\nversion: 1.0.0\nsummary: many files\nparameters:\n  - name: project_name\n    default: proj\n  - name: tag\n    default: a\n";
    write_files(&env.work().join("big"), &[("blueprint.yaml", manifest)]);
    for i in 0..FILES {
        let path = env
            .work()
            .join(format!("big/template/d{}/f{i}.txt.hbs", i % 30));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("file {i}, tag {{{{tag}}}}\n")).unwrap();
    }
}

/// Waits until `child`'s apply has staged its files beside `dir`'s contents, then sends it
/// `signal`; false when the child ended first.
fn signal_once_staging(child: &mut std::process::Child, dir: &Path, signal: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if staging_beside(dir) {
            let kill = std::process::Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .unwrap();
            assert!(kill.success());
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::yield_now();
    }
    false
}

/// Runs `pave <args>`, sends it `signal` once its apply has staged files in the work folder,
/// and returns its stderr after checking that it failed and said it was interrupted.
fn interrupted_run(env: &Env, args: &[&str], signal: &str) -> String {
    let mut child = env
        .pave_process()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        signal_once_staging(&mut child, &env.work(), signal),
        "the apply never staged its files"
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !out.status.success(),
        "pave finished before the signal: {stderr}"
    );
    assert!(stderr.contains("interrupted"), "{stderr}");
    stderr
}

#[test]
fn sigint_during_the_apply_of_a_large_update_restores_every_file() {
    let env = Env::new();
    write_big_blueprint(&env);
    let out = env
        .pave()
        .args(["new", "./big", "proj", "--set", "tag=a"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::text(&out));
    let dir = env.work().join("proj");
    std::fs::write(dir.join("d0/f0.txt"), "file 0, edited here\n").unwrap();
    let before = snapshot(&dir);
    assert_eq!(
        before.values().filter(|(_, d)| !d.is_empty()).count(),
        FILES + 1
    );

    // Every file changes: the update re-renders the same version with a new answer.
    let stderr = interrupted_run(&env, &["update", "proj", "--set", "tag=b"], "-INT");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert!(
        snapshot(&dir) == before,
        "the project differs after the interrupted update"
    );
    assert!(
        !staging_beside(&env.work()),
        "a staging folder was left behind"
    );
}

#[test]
fn sigterm_during_the_apply_of_a_new_project_leaves_no_folder_behind() {
    let env = Env::new();
    write_big_blueprint(&env);
    let stderr = interrupted_run(&env, &["new", "./big", "proj"], "-TERM");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!env.work().join("proj").exists());
    assert!(
        !staging_beside(&env.work()),
        "a staging folder was left behind"
    );
}
