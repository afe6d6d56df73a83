//! The built-in catalog's release proof: a project made from every built-in blueprint at
//! 1.0.0 (default answers, a local README edit, committed) updates to the newest version
//! offline from the binary alone, keeps the edit, and ends up byte for byte as a fresh render
//! of the newest version plus that edit.
//!
//! With `PAVE_KEEP_UPDATED=<folder>` (relative to the crate root) each updated project is
//! also copied to `<folder>/<blueprint>/`, so that `scripts/test` can run the projects' own
//! tests and the AWS validators over them (`scripts/validate-projects`), which would be too
//! slow inside `cargo test`.

use crate::support::git::git_command;
use crate::support::{Env, builtin, text};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The first released version of every built-in blueprint.
const FROM: &str = "1.0.0";

/// The line the project adds to its README.
const EDIT: &str = "Local note: this service is owned by the payments team.";

/// Where the project's README edit goes. At the end, unless the newest version changed the
/// README's end (a change there next to the edit would be a conflict, as it should be):
/// cloudfront-http-api 1.1.0 adds a section after the last one (what `sam delete` keeps), so
/// there the edit goes after the title, which no version changed.
fn edit_readme(blueprint: &str, readme: &str) -> String {
    if blueprint == "cloudfront-http-api" {
        let (title, rest) = readme.split_once('\n').unwrap_or((readme, ""));
        format!("{title}\n\n{EDIT}\n{rest}")
    } else {
        format!("{readme}{EDIT}\n")
    }
}

/// Every file under `dir` but `.git/`, by relative path: its bytes and whether it is
/// executable.
fn files(dir: &Path) -> BTreeMap<String, (Vec<u8>, bool)> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (
                rel,
                (std::fs::read(e.path()).unwrap(), executable(e.path())),
            )
        })
        .collect()
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &Path) -> bool {
    false
}

fn git(dir: &Path, args: &[&str]) {
    let out = git_command(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pave new <spec> <dir> --defaults` with the blueprint's short name as `project_name`.
fn new(env: &Env, spec: &str, dir: &str, project_name: &str) {
    let out = env
        .pave()
        .args(["new", spec, dir, "--defaults", "--offline", "--quiet"])
        .args(["--set", &format!("project_name={project_name}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "pave new {spec}: {}", text(&out));
}

/// The folder `PAVE_KEEP_UPDATED` names, resolved against the crate root.
fn keep_folder() -> Option<PathBuf> {
    let folder = PathBuf::from(std::env::var_os("PAVE_KEEP_UPDATED")?);
    Some(if folder.is_absolute() {
        folder
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(folder)
    })
}

/// Copies the project (without `.git/`) to `<keep>/<blueprint>/`, replacing an older copy.
fn keep(project: &Path, keep: &Path, blueprint: &str) {
    let dest = keep.join(blueprint);
    if dest.exists() {
        std::fs::remove_dir_all(&dest).unwrap();
    }
    for (rel, _) in files(project) {
        let target = dest.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        // `fs::copy` keeps the permission bits (scripts stay executable).
        std::fs::copy(project.join(&rel), &target).unwrap();
    }
}

#[test]
fn builtin_release_every_blueprint_updates_from_1_0_0_offline_and_keeps_a_readme_edit() {
    let env = Env::new();
    let keep_to = keep_folder();
    let names = builtin::names();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in names {
        let newest = builtin::load(&name).blueprint.version().to_string();
        assert_ne!(newest, FROM, "{name}: no release after {FROM}");
        let short = name.trim_start_matches("cloudfront-");
        let (old_dir, fresh_dir) = (format!("{short}-updated"), format!("{short}-fresh"));
        let project = env.work().join(&old_dir);

        new(&env, &format!("{name}@={FROM}"), &old_dir, short);
        let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
        std::fs::write(project.join("README.md"), edit_readme(&name, &readme)).unwrap();
        git(&project, &["init", "-q", "-b", "main"]);
        git(&project, &["add", "-A"]);
        git(
            &project,
            &["commit", "-q", "-m", "Project from 1.0.0, README edited"],
        );

        let out = env
            .pave()
            .args(["update", &old_dir, "--offline"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
        assert!(
            text(&out).contains(&format!("{name} {FROM} -> {newest}")),
            "{name}: {}",
            text(&out)
        );
        let record = std::fs::read_to_string(project.join(".pave.yaml")).unwrap();
        assert!(record.contains(&format!("version: {newest}\n")), "{record}");

        // The update is exactly a fresh render of the newest version plus the edit.
        new(&env, &name, &fresh_dir, short);
        let fresh = env.work().join(&fresh_dir);
        let mut expected = files(&fresh);
        let fresh_readme = String::from_utf8(expected["README.md"].0.clone()).unwrap();
        let edited = edit_readme(&name, &fresh_readme);
        assert_ne!(edited, fresh_readme);
        expected.get_mut("README.md").unwrap().0 = edited.into_bytes();
        let got = files(&project);
        let differing: Vec<&String> = expected
            .keys()
            .chain(got.keys())
            .filter(|p| expected.get(*p) != got.get(*p))
            .collect();
        assert!(
            differing.is_empty(),
            "{name}: after the update these differ from a fresh {newest} render with the edit: \
             {differing:?}"
        );
        let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
        assert!(readme.contains(EDIT), "{name}: the edit is gone");

        if let Some(folder) = &keep_to {
            keep(&project, folder, &name);
        }
    }
}
