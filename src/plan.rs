//! The write plan: what a rendered tree would do to a target folder (create, overwrite, leave
//! unchanged), printable for `--dry-run`, and applied atomically: everything is written into a
//! staging folder beside the target first, then moved into place; on any error or interrupt the
//! target is left as it was. Paths are checked against the disk: nothing is written through a
//! symbolic link.

use crate::blueprint::{Entry, FileTree};
use crate::error::{Classify, ErrorKind};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What the plan does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The file does not exist yet.
    Create,
    /// The file exists with other contents.
    Overwrite,
    /// The file exists with the same contents.
    Unchanged,
}

impl Action {
    /// A short word for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Unchanged => "unchanged",
        }
    }
}

/// One file of a plan.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Path relative to the target.
    pub path: String,
    /// What happens to it.
    pub action: Action,
    /// The new contents.
    pub entry: Entry,
    /// The current contents, for overwrites.
    pub old: Option<Vec<u8>>,
}

/// What a plan found at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetState {
    Missing,
    Empty,
    NonEmpty,
}

/// A write plan for one target folder.
#[derive(Debug, Clone)]
pub struct WritePlan {
    /// The target folder.
    pub target: PathBuf,
    /// The files, in the order they are applied (`.pave.yaml` last).
    pub files: Vec<PlannedFile>,
    state: TargetState,
}

/// Why a plan cannot be made or applied.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The target holds files and `--force` was not given.
    #[error("{} is not empty; choose a new folder, or pass --force to write into it (files not in the blueprint are kept)", .0.display())]
    NotEmpty(PathBuf),
    /// The target is not a folder.
    #[error("{} exists and is not a folder", .0.display())]
    NotADirectory(PathBuf),
    /// A planned path goes through a symbolic link on disk.
    #[error("refusing to write {}: {} is a symbolic link, and pave never writes through links", .path, .link.display())]
    ThroughSymlink {
        /// The planned file.
        path: String,
        /// The link found on disk.
        link: PathBuf,
    },
    /// A planned file is a folder on disk.
    #[error("refusing to write {}: it is a folder on disk", .0)]
    IsADirectory(String),
    /// The run was interrupted; nothing was changed.
    #[error("interrupted; {} was left as it was", .0.display())]
    Interrupted(PathBuf),
    /// A file-system operation failed (the message names the path).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: io::Error,
    },
    /// The finishing step (e.g. the initial git commit) failed.
    #[error("{0}")]
    Finish(String),
}

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> PlanError {
    let context = context.into();
    move |source| PlanError::Io { context, source }
}

/// Plans writing `tree` into `target`.
pub fn plan(target: &Path, tree: FileTree, force: bool) -> Result<WritePlan, PlanError> {
    let state = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => TargetState::Missing,
        Err(e) => return Err(io_err(format!("cannot read {}", target.display()))(e)),
        Ok(_) if !target.is_dir() => return Err(PlanError::NotADirectory(target.to_path_buf())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(target)
                .map_err(io_err(format!("cannot read {}", target.display())))?;
            if entries.next().is_none() {
                TargetState::Empty
            } else {
                TargetState::NonEmpty
            }
        }
    };
    if state == TargetState::NonEmpty && !force {
        return Err(PlanError::NotEmpty(target.to_path_buf()));
    }
    let mut files = Vec::with_capacity(tree.len());
    for (path, entry) in tree {
        let (action, old) = if state == TargetState::NonEmpty {
            current(target, &path, &entry)?
        } else {
            (Action::Create, None)
        };
        files.push(PlannedFile {
            path,
            action,
            entry,
            old,
        });
    }
    // The answers file goes last, so a project never records a version it does not hold.
    files.sort_by_key(|f| f.path == crate::project::FILE_NAME);
    Ok(WritePlan {
        target: target.to_path_buf(),
        files,
        state,
    })
}

/// What is at `target/path` now, refusing paths through symlinks.
fn current(
    target: &Path,
    path: &str,
    entry: &Entry,
) -> Result<(Action, Option<Vec<u8>>), PlanError> {
    let mut at = target.to_path_buf();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        at.push(segment);
        match std::fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Action::Create, None)),
            Err(e) => return Err(io_err(format!("cannot read {}", at.display()))(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(PlanError::ThroughSymlink {
                    path: path.to_string(),
                    link: at,
                });
            }
            Ok(meta) if i + 1 == segments.len() && meta.is_dir() => {
                return Err(PlanError::IsADirectory(path.to_string()));
            }
            Ok(meta) if i + 1 < segments.len() && !meta.is_dir() => {
                return Err(PlanError::NotADirectory(at));
            }
            Ok(_) => {}
        }
    }
    let old = std::fs::read(&at).map_err(io_err(format!("cannot read {}", at.display())))?;
    let same = matches!(entry, Entry::File { data, .. } if *data == old);
    Ok((
        if same {
            Action::Unchanged
        } else {
            Action::Overwrite
        },
        Some(old),
    ))
}

/// A last step over the complete staged project (e.g. `git init`), failing with a message.
pub type FinishFn<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// Options for [`WritePlan::apply`].
#[derive(Default)]
pub struct ApplyOptions<'a> {
    /// Checked between files; when set, the apply stops and undoes its work.
    pub cancel: Option<&'a AtomicBool>,
    /// Runs on the complete staged project before it is moved into place (e.g. `git init`).
    pub finish: Option<FinishFn<'a>>,
}

impl WritePlan {
    /// How many files each action touches: (create, overwrite, unchanged).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.files
            .iter()
            .fold((0, 0, 0), |(c, o, u), f| match f.action {
                Action::Create => (c + 1, o, u),
                Action::Overwrite => (c, o + 1, u),
                Action::Unchanged => (c, o, u + 1),
            })
    }

    /// Writes the plan. Either every file is in place, or the target is as it was.
    pub fn apply(&self, options: &ApplyOptions<'_>) -> Result<(), PlanError> {
        let parent = match self.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs_err::create_dir_all(&parent)
            .map_err(io_err(format!("cannot create {}", parent.display())))?;
        let staging = tempfile::Builder::new()
            .prefix(".pave-staging-")
            .tempdir_in(&parent)
            .map_err(io_err(format!(
                "cannot create a staging folder in {}",
                parent.display()
            )))?;
        let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::SeqCst));
        let root = staging.path().join("project");
        fs_err::create_dir(&root).map_err(io_err("cannot create the staging folder"))?;
        for file in &self.files {
            if cancelled() {
                return Err(PlanError::Interrupted(self.target.clone()));
            }
            if file.action != Action::Unchanged {
                write_entry(&root.join(&file.path), &file.entry)?;
            }
        }
        match self.state {
            TargetState::Missing | TargetState::Empty => {
                if let Some(finish) = options.finish {
                    finish(&root).map_err(PlanError::Finish)?;
                }
                if cancelled() {
                    return Err(PlanError::Interrupted(self.target.clone()));
                }
                std::fs::rename(&root, &self.target).map_err(io_err(format!(
                    "cannot move the project into {}",
                    self.target.display()
                )))?;
            }
            TargetState::NonEmpty => {
                self.move_into_place(
                    &root,
                    &staging.path().join("backup"),
                    &cancelled,
                    options.finish,
                )?;
            }
        }
        Ok(())
    }

    /// Moves staged files over an existing target one by one, keeping the replaced files in
    /// `backup`, then runs `finish` on the target; if any move or `finish` fails, or the run is
    /// interrupted, every move so far is undone.
    fn move_into_place(
        &self,
        root: &Path,
        backup: &Path,
        cancelled: &dyn Fn() -> bool,
        finish: Option<FinishFn<'_>>,
    ) -> Result<(), PlanError> {
        let mut done: Vec<(&PlannedFile, Vec<PathBuf>)> = Vec::new();
        let result = (|| {
            for file in self.files.iter().filter(|f| f.action != Action::Unchanged) {
                if cancelled() {
                    return Err(PlanError::Interrupted(self.target.clone()));
                }
                let dest = self.target.join(&file.path);
                let created = create_parents(&self.target, &file.path)?;
                if file.action == Action::Overwrite {
                    let keep = backup.join(&file.path);
                    if let Some(p) = keep.parent() {
                        fs_err::create_dir_all(p)
                            .map_err(io_err("cannot create the backup folder"))?;
                    }
                    fs_err::rename(&dest, &keep)
                        .map_err(io_err(format!("cannot replace {}", dest.display())))?;
                }
                done.push((file, created));
                fs_err::rename(root.join(&file.path), &dest)
                    .map_err(io_err(format!("cannot write {}", dest.display())))?;
            }
            match finish {
                Some(finish) => finish(&self.target).map_err(PlanError::Finish),
                None => Ok(()),
            }
        })();
        if result.is_err() {
            for (file, created) in done.into_iter().rev() {
                let dest = self.target.join(&file.path);
                let _ = std::fs::remove_file(&dest);
                if file.action == Action::Overwrite {
                    let _ = std::fs::rename(backup.join(&file.path), &dest);
                }
                for dir in created.iter().rev() {
                    let _ = std::fs::remove_dir(dir);
                }
            }
        }
        result
    }
}

/// Creates the missing parent folders of `target/path`, returning those it created.
fn create_parents(target: &Path, path: &str) -> Result<Vec<PathBuf>, PlanError> {
    let mut created = Vec::new();
    let mut at = target.to_path_buf();
    let segments: Vec<&str> = path.split('/').collect();
    for segment in &segments[..segments.len().saturating_sub(1)] {
        at.push(segment);
        if !at.exists() {
            fs_err::create_dir(&at).map_err(io_err(format!("cannot create {}", at.display())))?;
            created.push(at.clone());
        }
    }
    Ok(created)
}

fn write_entry(dest: &Path, entry: &Entry) -> Result<(), PlanError> {
    if let Some(parent) = dest.parent() {
        fs_err::create_dir_all(parent)
            .map_err(io_err(format!("cannot create {}", parent.display())))?;
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

impl Classify for PlanError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Failure
    }

    fn hint(&self) -> Option<String> {
        match self {
            PlanError::NotEmpty(_) => Some(String::from(
                "choose a new folder, or pass --force to write into it",
            )),
            _ => None,
        }
    }
}
