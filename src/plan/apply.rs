//! Applying a write plan, all or nothing.
//!
//! A new project (missing or empty target) is written whole into a staging folder beside the
//! target and renamed into place. An existing folder is changed in place, in three steps, each
//! recorded in a journal:
//! 1. every new content is staged in a staging folder beside the target (same file system, so
//!    each later rename is atomic);
//! 2. every file the plan replaces or deletes is moved into the staging folder's backup area,
//!    then compared with what the plan read: a file edited meanwhile stops the apply (a file
//!    to delete that is already gone is skipped);
//! 3. folders that hold nothing once the plan's deletions are done are removed (only those:
//!    a folder empty before, or one a new file goes into, is left), and each staged file is
//!    renamed into place, its missing parent folders created; then `finish` runs.
//!
//! On any error or interrupt the journal is undone backwards: placed files and created folders
//! are removed, removed folders come back, and every original is renamed back (contents and
//! mode as they were). The staging folder goes in the end, unless an original could not be put
//! back: then it is kept and the error says where.

use super::disk;
use super::{Action, ApplyOptions, PlanError, TargetState, WritePlan, io_err};
use crate::blueprint::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// Applies `plan`; `hook` is told the number of each step of an in-place apply before it runs
/// (tests use it to interrupt at a chosen point).
pub(super) fn apply(
    plan: &WritePlan,
    options: &ApplyOptions<'_>,
    hook: &dyn Fn(usize),
) -> Result<(), PlanError> {
    match plan.state {
        TargetState::Missing | TargetState::Empty => apply_new(plan, options),
        TargetState::NonEmpty => apply_in_place(plan, options, hook),
    }
}

fn cancelled(options: &ApplyOptions<'_>) -> bool {
    options.cancel.is_some_and(|c| c.load(Ordering::SeqCst))
}

/// Writes a whole new project into a staging folder, then renames it to the target.
fn apply_new(plan: &WritePlan, options: &ApplyOptions<'_>) -> Result<(), PlanError> {
    let parent = match plan.target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs_err::create_dir_all(&parent)
        .map_err(io_err(format!("cannot create {}", parent.display())))?;
    let staging = staging_in(&parent)?;
    let root = staging.path().join("project");
    fs_err::create_dir(&root).map_err(io_err("cannot create the staging folder"))?;
    stage(plan, options, &root)?;
    if let Some(finish) = options.finish {
        finish(&root).map_err(PlanError::Finish)?;
    }
    if cancelled(options) {
        return Err(PlanError::Interrupted(plan.target.clone()));
    }
    std::fs::rename(&root, &plan.target).map_err(io_err(format!(
        "cannot move the project into {}",
        plan.target.display()
    )))
}

/// Writes every new content of the plan under `root`, at its destination path.
fn stage(plan: &WritePlan, options: &ApplyOptions<'_>, root: &Path) -> Result<(), PlanError> {
    let mut folders = Folders::default();
    for file in plan.files.iter().filter(|f| f.changes()) {
        if cancelled(options) {
            return Err(PlanError::Interrupted(plan.target.clone()));
        }
        if let Some(entry) = &file.entry {
            write_entry(&root.join(file.dest()), entry, &mut folders)?;
        }
    }
    Ok(())
}

fn staging_in(parent: &Path) -> Result<tempfile::TempDir, PlanError> {
    tempfile::Builder::new()
        .prefix(".pave-staging-")
        .tempdir_in(parent)
        .map_err(io_err(format!(
            "cannot create a staging folder in {}",
            parent.display()
        )))
}

/// One done step of an in-place apply, and how to undo it.
enum Undo {
    /// An original was moved from `dest` to `kept`.
    Restore { dest: PathBuf, kept: PathBuf },
    /// A staged file was renamed to this path.
    Remove(PathBuf),
    /// This folder was created.
    RemoveDir(PathBuf),
    /// This folder was removed; it had these permissions.
    Recreate {
        dir: PathBuf,
        permissions: std::fs::Permissions,
    },
}

impl Undo {
    fn run(self) -> Result<(), String> {
        match self {
            Undo::Restore { dest, kept } => {
                if disk::exists(&dest).map_err(|e| format!("{}: {e}", dest.display()))? {
                    return Err(format!("{} is in the way", dest.display()));
                }
                std::fs::rename(&kept, &dest)
                    .map_err(|e| format!("cannot put back {}: {e}", dest.display()))
            }
            Undo::Remove(path) => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    Err(format!("cannot remove {}: {e}", path.display()))
                }
                _ => Ok(()),
            },
            Undo::RemoveDir(dir) => {
                // A folder that something else filled meanwhile stays; no byte is lost.
                let _ = std::fs::remove_dir(dir);
                Ok(())
            }
            Undo::Recreate { dir, permissions } => match std::fs::create_dir(&dir) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                    Err(format!("cannot recreate {}: {e}", dir.display()))
                }
                _ => std::fs::set_permissions(&dir, permissions)
                    .map_err(|e| format!("cannot restore {}: {e}", dir.display())),
            },
        }
    }
}

/// Changes an existing folder in place, undoing every step on error or interrupt.
fn apply_in_place(
    plan: &WritePlan,
    options: &ApplyOptions<'_>,
    hook: &dyn Fn(usize),
) -> Result<(), PlanError> {
    let absolute = std::path::absolute(&plan.target)
        .map_err(io_err(format!("cannot read {}", plan.target.display())))?;
    let parent = absolute.parent().ok_or_else(|| PlanError::Io {
        context: format!("cannot stage beside {}", plan.target.display()),
        source: io::Error::other("it has no parent folder"),
    })?;
    let staging = staging_in(parent)?;
    let new_root = staging.path().join("new");
    stage(plan, options, &new_root)?;
    let mut journal = Vec::new();
    let mut commit = Commit {
        plan,
        options,
        hook,
        new_root: &new_root,
        backup: &staging.path().join("backup"),
        journal: &mut journal,
        step: 0,
    };
    let Err(cause) = commit.run() else {
        return Ok(());
    };
    let mut failure = None;
    for undo in journal.into_iter().rev() {
        if let Err(e) = undo.run() {
            failure.get_or_insert(e);
        }
    }
    match failure {
        None => Err(cause),
        Some(failure) => Err(PlanError::RollbackFailed {
            target: plan.target.clone(),
            kept: staging.keep().join("backup"),
            cause: format!("{failure}, after: {cause}"),
        }),
    }
}

/// The in-place steps after staging.
struct Commit<'a> {
    plan: &'a WritePlan,
    options: &'a ApplyOptions<'a>,
    hook: &'a dyn Fn(usize),
    new_root: &'a Path,
    backup: &'a Path,
    journal: &'a mut Vec<Undo>,
    step: usize,
}

impl Commit<'_> {
    /// Called before each step: reports it and stops when cancelled.
    fn checkpoint(&mut self) -> Result<(), PlanError> {
        (self.hook)(self.step);
        self.step += 1;
        if cancelled(self.options) {
            Err(PlanError::Interrupted(self.plan.target.clone()))
        } else {
            Ok(())
        }
    }

    fn run(&mut self) -> Result<(), PlanError> {
        let plan = self.plan;
        let target = &plan.target;
        let changed: Vec<_> = plan.files.iter().filter(|f| f.changes()).collect();

        // Move every original that the plan replaces or deletes aside, checking it.
        let mut kept_meta = BTreeMap::new();
        let mut deleted = Vec::new();
        for file in &changed {
            let Some(old) = &file.old else { continue };
            self.checkpoint()?;
            let rel = file.dest();
            disk::check_ancestors(target, &rel, &|_| false)?;
            let dest = target.join(&rel);
            if !disk::exists(&dest).map_err(io_err(format!("cannot read {}", dest.display())))? {
                if file.action == Action::Delete {
                    continue;
                }
                return Err(PlanError::Changed { path: rel });
            }
            let kept = self.backup.join(&rel);
            if let Some(p) = kept.parent() {
                fs_err::create_dir_all(p).map_err(io_err("cannot create the backup folder"))?;
            }
            fs_err::rename(&dest, &kept)
                .map_err(io_err(format!("cannot move {} aside", dest.display())))?;
            self.journal.push(Undo::Restore {
                dest,
                kept: kept.clone(),
            });
            if !disk::holds(&kept, old).map_err(io_err(format!("cannot read {rel}")))? {
                return Err(PlanError::Changed { path: rel });
            }
            if let Ok(meta) = std::fs::symlink_metadata(&kept) {
                kept_meta.insert(rel.clone(), meta);
            }
            if file.action == Action::Delete {
                deleted.push(rel);
            }
        }

        // Remove the folders that the deletions emptied, deepest first, except those a new
        // file goes into.
        let needed: BTreeSet<String> = changed
            .iter()
            .filter(|f| f.entry.is_some())
            .flat_map(|f| {
                let dest = f.dest();
                disk::ancestors(&dest)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut emptied: Vec<&str> = deleted
            .iter()
            .flat_map(|d| disk::ancestors(d))
            .filter(|d| !needed.contains(*d))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        emptied.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for dir in emptied {
            let at = target.join(dir);
            let empty = fs_err::read_dir(&at)
                .map_err(io_err(format!("cannot read {}", at.display())))?
                .next()
                .is_none();
            if empty {
                self.checkpoint()?;
                let permissions = fs_err::symlink_metadata(&at)
                    .map_err(io_err(format!("cannot read {}", at.display())))?
                    .permissions();
                fs_err::remove_dir(&at)
                    .map_err(io_err(format!("cannot remove {}", at.display())))?;
                self.journal.push(Undo::Recreate {
                    dir: at,
                    permissions,
                });
            }
        }

        // Put every staged file in place.
        for file in &changed {
            let Some(entry) = &file.entry else { continue };
            self.checkpoint()?;
            let rel = file.dest();
            self.create_parents(&rel)?;
            let dest = target.join(&rel);
            if disk::exists(&dest).map_err(io_err(format!("cannot read {}", dest.display())))? {
                return Err(PlanError::Changed { path: rel });
            }
            let staged = self.new_root.join(&rel);
            if let (Entry::File { executable, .. }, Some(meta)) = (entry, kept_meta.get(&rel))
                && meta.is_file()
            {
                carry_mode(&staged, meta, *executable)?;
            }
            fs_err::rename(&staged, &dest)
                .map_err(io_err(format!("cannot write {}", dest.display())))?;
            self.journal.push(Undo::Remove(dest));
        }

        self.checkpoint()?;
        match self.options.finish {
            Some(finish) => finish(target).map_err(PlanError::Finish),
            None => Ok(()),
        }
    }

    /// Creates the missing folders above `rel`, refusing links and files in the way.
    fn create_parents(&mut self, rel: &str) -> Result<(), PlanError> {
        for ancestor in disk::ancestors(rel) {
            let at = self.plan.target.join(ancestor);
            match std::fs::symlink_metadata(&at) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs_err::create_dir(&at)
                        .map_err(io_err(format!("cannot create {}", at.display())))?;
                    self.journal.push(Undo::RemoveDir(at));
                }
                Err(e) => return Err(io_err(format!("cannot read {}", at.display()))(e)),
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(PlanError::ThroughSymlink {
                        path: rel.to_string(),
                        link: at,
                    });
                }
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(PlanError::NotADirectory(at)),
            }
        }
        Ok(())
    }
}

/// Gives a staged file the permissions of the original it replaces, with the executable bit
/// the plan asks for.
#[cfg(unix)]
fn carry_mode(
    staged: &Path,
    original: &std::fs::Metadata,
    executable: bool,
) -> Result<(), PlanError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = original.permissions().mode() & 0o777;
    let mode = if executable {
        mode | ((mode & 0o444) >> 2)
    } else {
        mode & !0o111
    };
    fs_err::set_permissions(staged, std::fs::Permissions::from_mode(mode)).map_err(io_err(format!(
        "cannot set the mode of {}",
        staged.display()
    )))
}

#[cfg(not(unix))]
fn carry_mode(_: &Path, _: &std::fs::Metadata, _: bool) -> Result<(), PlanError> {
    Ok(())
}

/// The staging folders made so far: each is created once, not asked for again before every
/// file written into it.
#[derive(Default)]
struct Folders(std::collections::HashSet<PathBuf>);

impl Folders {
    fn make(&mut self, dir: &Path) -> Result<(), PlanError> {
        if !self.0.contains(dir) {
            fs_err::create_dir_all(dir)
                .map_err(io_err(format!("cannot create {}", dir.display())))?;
            self.0.extend(dir.ancestors().map(Path::to_path_buf));
        }
        Ok(())
    }
}

/// Writes `entry` at `dest`, making its folder first.
fn write_entry(dest: &Path, entry: &Entry, folders: &mut Folders) -> Result<(), PlanError> {
    if let Some(parent) = dest.parent() {
        folders.make(parent)?;
    }
    match entry {
        Entry::File { data, executable } => {
            fs_err::write(dest, data)
                .map_err(io_err(format!("cannot write {}", dest.display())))?;
            if *executable {
                set_executable(dest)?;
            }
        }
        Entry::Symlink { target } => make_symlink(target, dest)?,
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<(), PlanError> {
    use std::os::unix::fs::PermissionsExt;
    fs_err::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(io_err(format!("cannot make {} executable", path.display())))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<(), PlanError> {
    Ok(())
}

#[cfg(unix)]
fn make_symlink(target: &str, dest: &Path) -> Result<(), PlanError> {
    std::os::unix::fs::symlink(target, dest)
        .map_err(io_err(format!("cannot create the link {}", dest.display())))
}

#[cfg(not(unix))]
fn make_symlink(_: &str, dest: &Path) -> Result<(), PlanError> {
    Err(PlanError::Finish(format!(
        "{}: symbolic links are only supported on Unix",
        dest.display()
    )))
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::super::PlannedFile;
    use super::*;
    use std::sync::atomic::AtomicBool;

    /// Every path under `dir` with its kind, contents and mode.
    fn state(dir: &Path) -> Vec<(String, String)> {
        use std::os::unix::fs::PermissionsExt;
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let meta = e.path().symlink_metadata().unwrap();
            let what = if meta.is_dir() {
                format!("dir {:o}", meta.permissions().mode() & 0o777)
            } else {
                format!(
                    "{:o} {}",
                    meta.permissions().mode() & 0o777,
                    String::from_utf8_lossy(&std::fs::read(e.path()).unwrap())
                )
            };
            out.push((rel, what));
        }
        out
    }

    fn project(dir: &Path) -> Vec<PlannedFile> {
        use std::os::unix::fs::PermissionsExt;
        for (p, t) in [
            ("over.txt", "old"),
            ("run.sh", "echo"),
            ("gone/deep/only.txt", "bye"),
            ("stays/a.txt", "a"),
            ("stays/b.txt", "b"),
            ("both.txt", "mine"),
        ] {
            std::fs::create_dir_all(dir.join(p).parent().unwrap()).unwrap();
            std::fs::write(dir.join(p), t).unwrap();
        }
        std::fs::set_permissions(dir.join("gone"), std::fs::Permissions::from_mode(0o700)).unwrap();
        vec![
            PlannedFile::write("over.txt", Some(Entry::file("old")), Entry::file("new")),
            PlannedFile::write(
                "run.sh",
                Some(Entry::file("echo")),
                Entry::File {
                    data: b"echo".to_vec().into(),
                    executable: true,
                },
            ),
            PlannedFile::delete("gone/deep/only.txt", Entry::file("bye")),
            PlannedFile::delete("stays/a.txt", Entry::file("a")),
            PlannedFile::conflict("both.txt", Some(Entry::file("mine")), Entry::file("<<<")),
            PlannedFile::write("made/here/new.txt", None, Entry::file("fresh")),
        ]
    }

    #[test]
    fn an_interrupt_at_any_step_restores_everything() {
        let mut step = 0;
        loop {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path().join("p");
            std::fs::create_dir(&dir).unwrap();
            let files = project(&dir);
            let before = state(&dir);
            let plan = WritePlan::in_place(&dir, files).unwrap();
            let cancel = AtomicBool::new(false);
            let options = ApplyOptions {
                cancel: Some(&cancel),
                finish: None,
            };
            let reached = std::cell::Cell::new(false);
            let result = apply(&plan, &options, &|n| {
                if n == step {
                    reached.set(true);
                    cancel.store(true, Ordering::SeqCst);
                }
            });
            if !reached.get() {
                assert!(result.is_ok(), "{result:?}");
                assert!(step > 8, "every step was interrupted once ({step} steps)");
                break;
            }
            assert!(
                matches!(result, Err(PlanError::Interrupted(_))),
                "step {step}: {result:?}"
            );
            assert_eq!(state(&dir), before, "interrupted at step {step}");
            assert_eq!(
                std::fs::read_dir(root.path()).unwrap().count(),
                1,
                "no staging folder left at step {step}"
            );
            step += 1;
        }
    }
}
