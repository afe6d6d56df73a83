//! The write plan: what a command does to a target folder, file by file (create, overwrite,
//! change the mode, leave unchanged, delete, write a conflict), printable for `--dry-run` as
//! plain data, and applied all or nothing.
//!
//! A plan comes from [`plan`] (a rendered tree against a new or existing folder, for `new`) or
//! from [`WritePlan::in_place`] (changes decided by the caller against an existing project, for
//! `update`). [`WritePlan::apply`] writes a new project into a staging folder beside the target
//! and renames it into place; over an existing folder it stages every new content, moves each
//! original into the staging folder's backup area, and restores everything on any error or
//! interrupt. Nothing is written through a symbolic link, and
//! nothing outside the target.

mod apply;
mod disk;

use crate::blueprint::{Entry, FileTree};
use crate::error::{Classify, ErrorKind};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// The suffix of the file a binary conflict writes beside the project's own copy.
pub const BESIDE_SUFFIX: &str = ".pave-new";

/// How a conflict is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// The file is written with contents that hold conflict markers.
    Markers,
    /// The file on disk is kept as it is; the other side is written beside it, as
    /// `<file>.pave-new` (used for binary files).
    Beside,
}

/// What the plan does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The file does not exist yet.
    Create,
    /// The file exists with other contents.
    Overwrite,
    /// The file keeps its contents; only its executable bit changes.
    Mode,
    /// The file exists with the same contents and mode; nothing is written.
    Unchanged,
    /// The file is removed (and every folder that holds nothing once the plan's deletions are
    /// done).
    Delete,
    /// The file is written as a conflict (counted apart from the other writes).
    Conflict(ConflictKind),
}

impl Action {
    /// A short word for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Mode => "mode",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
            Action::Conflict(_) => "conflict",
        }
    }
}

/// One file of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Path relative to the target, `/`-separated: the file the action is about. A
    /// [`ConflictKind::Beside`] conflict writes to [`PlannedFile::dest`] instead.
    pub path: String,
    /// What happens to it.
    pub action: Action,
    /// The contents written at [`PlannedFile::dest`] (for `Unchanged`, the contents already
    /// there); `None` for `Delete`.
    pub entry: Option<Entry>,
    /// What the plan found at [`PlannedFile::dest`] (`None`: nothing). Applying refuses, and
    /// undoes itself, when the disk no longer holds exactly this.
    pub old: Option<Entry>,
}

impl PlannedFile {
    /// Writes `new` at `path`, where the caller read `old` (`None`: absent). The action is
    /// `Create`, `Overwrite`, `Mode` (same bytes, other executable bit) or `Unchanged`.
    pub fn write(path: impl Into<String>, old: Option<Entry>, new: Entry) -> Self {
        let action = classify(old.as_ref(), &new);
        PlannedFile {
            path: path.into(),
            action,
            entry: Some(new),
            old,
        }
    }

    /// Removes `path`, where the caller read `old`. A file that is already absent when the plan
    /// is applied is skipped: the state the plan asks for holds.
    pub fn delete(path: impl Into<String>, old: Entry) -> Self {
        PlannedFile {
            path: path.into(),
            action: Action::Delete,
            entry: None,
            old: Some(old),
        }
    }

    /// Writes `with_markers` (contents holding conflict markers) at `path`, where the caller
    /// read `old`.
    pub fn conflict(path: impl Into<String>, old: Option<Entry>, with_markers: Entry) -> Self {
        PlannedFile {
            path: path.into(),
            action: Action::Conflict(ConflictKind::Markers),
            entry: Some(with_markers),
            old,
        }
    }

    /// Keeps `path` as it is on disk and writes `theirs` beside it as `<path>.pave-new`;
    /// `old_beside` is what the caller read at `<path>.pave-new` (usually `None`).
    pub fn conflict_beside(
        path: impl Into<String>,
        theirs: Entry,
        old_beside: Option<Entry>,
    ) -> Self {
        PlannedFile {
            path: path.into(),
            action: Action::Conflict(ConflictKind::Beside),
            entry: Some(theirs),
            old: old_beside,
        }
    }

    /// The path the plan writes or removes: [`PlannedFile::path`], or `<path>.pave-new` for a
    /// [`ConflictKind::Beside`] conflict.
    pub fn dest(&self) -> String {
        match self.action {
            Action::Conflict(ConflictKind::Beside) => format!("{}{BESIDE_SUFFIX}", self.path),
            _ => self.path.clone(),
        }
    }

    /// Whether applying the plan touches the disk for this file.
    pub fn changes(&self) -> bool {
        self.action != Action::Unchanged
    }
}

/// The action for writing `new` where `old` is.
fn classify(old: Option<&Entry>, new: &Entry) -> Action {
    match (old, new) {
        (None, _) => Action::Create,
        (Some(old), new) if old == new => Action::Unchanged,
        (Some(Entry::File { data: a, .. }), Entry::File { data: b, .. }) if a == b => Action::Mode,
        _ => Action::Overwrite,
    }
}

/// How many files a plan has of each action, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files created.
    pub create: usize,
    /// Files overwritten.
    pub overwrite: usize,
    /// Files whose executable bit alone changes.
    pub mode: usize,
    /// Files left as they are.
    pub unchanged: usize,
    /// Files deleted.
    pub delete: usize,
    /// Files written as conflicts (either kind).
    pub conflict: usize,
}

impl Counts {
    /// Files written (created, overwritten, mode changed, or written as a conflict).
    pub fn written(&self) -> usize {
        self.create + self.overwrite + self.mode + self.conflict
    }
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
    #[error("{} is not empty", .0.display())]
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
    /// A planned path is not a plain relative path, or is planned twice.
    #[error("cannot plan {path}: {reason}")]
    BadPath {
        /// The planned path.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file no longer holds what the plan read: it was edited while the command ran.
    #[error(
        "{path} changed on disk while pave was working; nothing was changed, run the command again to take the edit into account"
    )]
    Changed {
        /// The file, relative to the target.
        path: String,
    },
    /// The run was interrupted; nothing was changed.
    #[error("interrupted; {} was left as it was", .0.display())]
    Interrupted(PathBuf),
    /// An apply failed and could not undo every step; the originals are kept in `kept`.
    #[error("could not put every file of {} back after an error ({cause}); the original files are kept in {}", .target.display(), .kept.display())]
    RollbackFailed {
        /// The target folder.
        target: PathBuf,
        /// The folder that holds the originals that could not be put back.
        kept: PathBuf,
        /// What failed first, and what made the apply roll back.
        cause: String,
    },
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

/// Plans writing `tree` into `target`, for a new project: `target` must be missing or empty,
/// unless `force`, when the files of `tree` are written over what is there (other files kept).
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
        let old = if state == TargetState::NonEmpty {
            disk::current(target, &path)?
        } else {
            None
        };
        files.push(PlannedFile::write(path, old, entry));
    }
    Ok(WritePlan::ordered(target, files, state))
}

impl WritePlan {
    fn ordered(target: &Path, mut files: Vec<PlannedFile>, state: TargetState) -> WritePlan {
        // The answers file goes last, so a project never records a version it does not hold.
        files.sort_by_key(|f| f.path == crate::project::FILE_NAME);
        WritePlan {
            target: target.to_path_buf(),
            files,
            state,
        }
    }

    /// A plan of `files` for the existing project folder `target`, applied in place (for
    /// `update`). Each file carries what the caller read on disk (`old`); applying refuses
    /// when a file no longer holds it. Paths must be plain relative paths, each planned once;
    /// none may go through a symbolic link or be a folder on disk. A planned file may sit
    /// below a file that the plan deletes (the file gives way to a folder).
    pub fn in_place(target: &Path, files: Vec<PlannedFile>) -> Result<WritePlan, PlanError> {
        std::fs::symlink_metadata(target)
            .map_err(io_err(format!("cannot read {}", target.display())))?;
        if !target.is_dir() {
            return Err(PlanError::NotADirectory(target.to_path_buf()));
        }
        let mut dests = BTreeSet::new();
        for file in &files {
            let dest = file.dest();
            let bad = |reason: &str| PlanError::BadPath {
                path: dest.clone(),
                reason: reason.to_string(),
            };
            if !disk::is_plain(&dest) {
                return Err(bad(
                    "it is not a plain relative path inside the project (no `..`, `.`, empty segment, `\\` or leading `/`)",
                ));
            }
            if file.entry.is_none() != (file.action == Action::Delete)
                || (file.action == Action::Delete && file.old.is_none())
            {
                return Err(bad("its action does not match its contents"));
            }
            if !dests.insert(dest.clone()) {
                return Err(bad("it is planned twice"));
            }
        }
        let deleted: BTreeSet<String> = files
            .iter()
            .filter(|f| f.action == Action::Delete)
            .map(PlannedFile::dest)
            .collect();
        for file in files.iter().filter(|f| f.changes()) {
            let dest = file.dest();
            if file.entry.is_some()
                && let Some(parent) = disk::ancestors(&dest)
                    .find(|a| dests.contains(*a) && !deleted.contains(*a) && *a != dest.as_str())
            {
                return Err(PlanError::BadPath {
                    path: dest.clone(),
                    reason: format!("{parent} is planned as a file"),
                });
            }
            disk::check_ancestors(target, &dest, &|a| deleted.contains(a))?;
            disk::check_not_folder(target, &dest)?;
        }
        Ok(WritePlan::ordered(target, files, TargetState::NonEmpty))
    }

    /// How many files each action touches.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for file in &self.files {
            match file.action {
                Action::Create => counts.create += 1,
                Action::Overwrite => counts.overwrite += 1,
                Action::Mode => counts.mode += 1,
                Action::Unchanged => counts.unchanged += 1,
                Action::Delete => counts.delete += 1,
                Action::Conflict(_) => counts.conflict += 1,
            }
        }
        counts
    }

    /// The files written as conflicts.
    pub fn conflicts(&self) -> impl Iterator<Item = &PlannedFile> {
        self.files
            .iter()
            .filter(|f| matches!(f.action, Action::Conflict(_)))
    }

    /// Whether applying would change nothing on disk.
    pub fn is_noop(&self) -> bool {
        !self.files.iter().any(PlannedFile::changes)
    }

    /// Writes the plan. Either every file is in place, or the target is as it was: a new
    /// project appears at once by rename; an existing folder is changed in place, with every
    /// original kept until the last rename succeeded and put back on any error or interrupt.
    pub fn apply(&self, options: &ApplyOptions<'_>) -> Result<(), PlanError> {
        apply::apply(self, options, &|_| {})
    }
}

/// A last step over the complete staged project (e.g. `git init`), failing with a message.
pub type FinishFn<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// Options for [`WritePlan::apply`].
#[derive(Default)]
pub struct ApplyOptions<'a> {
    /// Checked between files; when set, the apply stops and undoes its work.
    pub cancel: Option<&'a AtomicBool>,
    /// Runs on the complete project (staged, or in place over an existing folder) before the
    /// apply is final; when it fails, the apply undoes its work.
    pub finish: Option<FinishFn<'a>>,
}

impl Classify for PlanError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Failure
    }

    fn hint(&self) -> Option<String> {
        match self {
            PlanError::NotEmpty(_) => Some(String::from(
                "choose a new folder, or pass --force to write into it (files not in the blueprint are kept)",
            )),
            PlanError::Changed { .. } => Some(String::from(
                "a file changed while pave was writing; nothing was changed, run the command again",
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exe(data: &str) -> Entry {
        Entry::File {
            data: data.as_bytes().to_vec().into(),
            executable: true,
        }
    }

    #[test]
    fn write_classifies_by_contents_and_mode() {
        let a = Entry::file("a");
        assert_eq!(
            PlannedFile::write("x", None, a.clone()).action,
            Action::Create
        );
        assert_eq!(
            PlannedFile::write("x", Some(a.clone()), a.clone()).action,
            Action::Unchanged
        );
        assert_eq!(
            PlannedFile::write("x", Some(a.clone()), exe("a")).action,
            Action::Mode
        );
        assert_eq!(
            PlannedFile::write("x", Some(a), exe("b")).action,
            Action::Overwrite
        );
        let link = Entry::Symlink { target: "a".into() };
        assert_eq!(
            PlannedFile::write("x", Some(Entry::file("a")), link).action,
            Action::Overwrite
        );
    }

    #[test]
    fn a_beside_conflict_writes_next_to_the_file() {
        let f = PlannedFile::conflict_beside("img/logo.png", Entry::file("x"), None);
        assert_eq!(f.dest(), "img/logo.png.pave-new");
        assert_eq!(f.path, "img/logo.png");
        assert_eq!(
            PlannedFile::conflict("a", None, Entry::file("<<<")).dest(),
            "a"
        );
    }

    #[test]
    fn counts_have_a_field_per_action() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep"), "k").unwrap();
        let files = vec![
            PlannedFile::write("new", None, Entry::file("n")),
            PlannedFile::write("keep", Some(Entry::file("k")), Entry::file("k")),
            PlannedFile::write("over", Some(Entry::file("o")), Entry::file("p")),
            PlannedFile::write("run", Some(Entry::file("r")), exe("r")),
            PlannedFile::delete("gone", Entry::file("g")),
            PlannedFile::conflict("both", Some(Entry::file("b")), Entry::file("<<<")),
            PlannedFile::conflict_beside("bin", Entry::file("\0"), None),
        ];
        let plan = WritePlan::in_place(dir.path(), files).unwrap();
        assert_eq!(
            plan.counts(),
            Counts {
                create: 1,
                overwrite: 1,
                mode: 1,
                unchanged: 1,
                delete: 1,
                conflict: 2,
            }
        );
        assert_eq!(plan.counts().written(), 5);
        let conflicts: Vec<_> = plan.conflicts().map(|f| f.path.as_str()).collect();
        assert_eq!(conflicts, ["both", "bin"]);
        assert!(!plan.is_noop());
    }

    #[test]
    fn in_place_refuses_bad_paths() {
        let dir = tempfile::tempdir().unwrap();
        let plan = |files| WritePlan::in_place(dir.path(), files);
        for path in ["../x", "/etc/x", "a//b", "a/./b", "a\\b", ""] {
            let err = plan(vec![PlannedFile::write(path, None, Entry::file("x"))]).unwrap_err();
            assert!(matches!(err, PlanError::BadPath { .. }), "{path}: {err}");
        }
        let twice = vec![
            PlannedFile::write("a.pave-new", None, Entry::file("x")),
            PlannedFile::conflict_beside("a", Entry::file("y"), None),
        ];
        assert!(plan(twice).unwrap_err().to_string().contains("twice"));
        let nested = vec![
            PlannedFile::write("a", None, Entry::file("x")),
            PlannedFile::write("a/b", None, Entry::file("y")),
        ];
        assert!(
            plan(nested)
                .unwrap_err()
                .to_string()
                .contains("a is planned as a file")
        );
    }

    #[cfg(unix)]
    #[test]
    fn in_place_refuses_links_and_folders_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink("real", dir.path().join("link")).unwrap();
        let err = WritePlan::in_place(
            dir.path(),
            vec![PlannedFile::write("link/x", None, Entry::file("x"))],
        )
        .unwrap_err();
        assert!(matches!(err, PlanError::ThroughSymlink { .. }), "{err}");
        let err = WritePlan::in_place(
            dir.path(),
            vec![PlannedFile::write("real", None, Entry::file("x"))],
        )
        .unwrap_err();
        assert!(matches!(err, PlanError::IsADirectory(_)), "{err}");
    }
}
