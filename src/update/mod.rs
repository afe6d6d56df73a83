//! The pure core of `pave update`: given three trees (base = the recorded version rendered with
//! the recorded answers, theirs = the target version rendered with the new answers, ours = the
//! project on disk) it decides, file by file, what happens, and says why ([`Class`]). It writes
//! nothing: each [`FileOutcome`] carries the disk operations ([`Op`]) a write plan applies, and
//! for conflicts the three contents ([`Stages`]) for the git index. `.pave.yaml` is left out:
//! the caller rewrites it last. The project's record, its files and its pristine render (the
//! base) come from [`crate::project`].
//!
//! - [`merge`]: the per-file decision table and rename following.
//! - [`text`]: binary detection and the three-way text merge (libgit2, diff3 style).
//! - [`run`]: the whole command as library calls: three trees, merge, plan, apply, git index.

pub mod merge;
pub mod run;
pub mod text;

pub use merge::{MergeError, MergeOptions, Trees, merge_trees};

use crate::blueprint::{Entry, FileTree};
use serde::Serialize;

/// Why a file ended the way it did: one value per row of the update table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The blueprint did not change it: the project's file is untouched.
    Kept,
    /// The project did not change it: the new render is written.
    Updated,
    /// Both sides changed it identically (or both removed it): nothing to do.
    SameChange,
    /// Both sides changed it; the three-way merge was clean.
    Merged,
    /// Both sides changed it; written with diff3 conflict markers.
    Conflict,
    /// New in the blueprint, absent from the project: written.
    Added,
    /// New in the blueprint and in the project, with other contents: both kept in markers.
    BothAddedConflict,
    /// Removed by the blueprint, unchanged in the project: removed.
    Deleted,
    /// Removed by the blueprint, edited in the project: kept.
    KeptRemovedUpstream,
    /// Deleted by the project, changed by the blueprint: stays deleted.
    DeletedLocally,
    /// Deleted by the project, changed by the blueprint, brought back (`recreate_deleted`).
    Recreated,
    /// Same template file, new rendered path: moved, the project's edits carried over.
    Moved,
    /// Binary (or a link) changed on both sides: the project's kept, the new one beside it.
    BinaryConflict,
    /// Only the executable bit changed in the blueprint (or contents agree): the mode followed.
    ModeChanged,
}

impl Class {
    /// Every class, in the order summaries list them.
    pub const ALL: [Class; 14] = [
        Class::Kept,
        Class::Updated,
        Class::SameChange,
        Class::Merged,
        Class::Conflict,
        Class::Added,
        Class::BothAddedConflict,
        Class::Deleted,
        Class::KeptRemovedUpstream,
        Class::DeletedLocally,
        Class::Recreated,
        Class::Moved,
        Class::BinaryConflict,
        Class::ModeChanged,
    ];

    /// The kebab-case name used in listings and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Kept => "kept",
            Class::Updated => "updated",
            Class::SameChange => "same-change",
            Class::Merged => "merged",
            Class::Conflict => "conflict",
            Class::Added => "added",
            Class::BothAddedConflict => "both-added-conflict",
            Class::Deleted => "deleted",
            Class::KeptRemovedUpstream => "kept-removed-upstream",
            Class::DeletedLocally => "deleted-locally",
            Class::Recreated => "recreated",
            Class::Moved => "moved",
            Class::BinaryConflict => "binary-conflict",
            Class::ModeChanged => "mode-changed",
        }
    }

    /// Whether the user must resolve something (the update exits 3).
    pub fn is_conflict(self) -> bool {
        matches!(
            self,
            Class::Conflict | Class::BothAddedConflict | Class::BinaryConflict
        )
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one operation does to its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    /// Create or overwrite the path with this entry.
    Write(Entry),
    /// Remove the path (and, in the write plan, the folders it alone held).
    Delete,
}

/// One disk operation of an update, in the shape of a write-plan entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// Path relative to the project.
    pub path: String,
    /// What happens to it.
    pub kind: OpKind,
    /// Whether what is written holds a conflict for the user (markers, or the `.pave-new`
    /// file beside a binary one).
    pub conflict: bool,
}

/// The three contents of a conflicted file, for unmerged index entries (stages 1, 2, 3).
/// `None` where a side has no file (e.g. no base for a file both sides added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stages {
    /// Stage 1: the recorded version's render.
    pub base: Option<Entry>,
    /// Stage 2: the project's file.
    pub ours: Option<Entry>,
    /// Stage 3: the target version's render.
    pub theirs: Option<Entry>,
}

/// What the update does to one file of the blueprint, and why.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    /// The file's path in the project after the update (the new path for moves).
    pub path: String,
    /// Which row of the update table applied.
    pub class: Class,
    /// Whether the user must resolve something here.
    pub conflict: bool,
    /// For a moved file: its path before the update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// For a binary conflict: the file written beside it with the new render.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side_file: Option<String>,
    /// The disk operations, in order (empty when nothing is written).
    #[serde(skip)]
    pub ops: Vec<Op>,
    /// For conflicts: the three contents, for the git index.
    #[serde(skip)]
    pub stages: Option<Stages>,
}

/// How many files fell in each class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    /// [`Class::Kept`].
    pub kept: usize,
    /// [`Class::Updated`].
    pub updated: usize,
    /// [`Class::SameChange`].
    pub same_change: usize,
    /// [`Class::Merged`].
    pub merged: usize,
    /// [`Class::Conflict`].
    pub conflict: usize,
    /// [`Class::Added`].
    pub added: usize,
    /// [`Class::BothAddedConflict`].
    pub both_added_conflict: usize,
    /// [`Class::Deleted`].
    pub deleted: usize,
    /// [`Class::KeptRemovedUpstream`].
    pub kept_removed_upstream: usize,
    /// [`Class::DeletedLocally`].
    pub deleted_locally: usize,
    /// [`Class::Recreated`].
    pub recreated: usize,
    /// [`Class::Moved`].
    pub moved: usize,
    /// [`Class::BinaryConflict`].
    pub binary_conflict: usize,
    /// [`Class::ModeChanged`].
    pub mode_changed: usize,
}

impl Summary {
    /// The count of one class.
    pub fn get(&self, class: Class) -> usize {
        *self.clone().slot(class)
    }

    /// The counter of one class: the one place that names each class's field.
    fn slot(&mut self, class: Class) -> &mut usize {
        match class {
            Class::Kept => &mut self.kept,
            Class::Updated => &mut self.updated,
            Class::SameChange => &mut self.same_change,
            Class::Merged => &mut self.merged,
            Class::Conflict => &mut self.conflict,
            Class::Added => &mut self.added,
            Class::BothAddedConflict => &mut self.both_added_conflict,
            Class::Deleted => &mut self.deleted,
            Class::KeptRemovedUpstream => &mut self.kept_removed_upstream,
            Class::DeletedLocally => &mut self.deleted_locally,
            Class::Recreated => &mut self.recreated,
            Class::Moved => &mut self.moved,
            Class::BinaryConflict => &mut self.binary_conflict,
            Class::ModeChanged => &mut self.mode_changed,
        }
    }

    /// Files left with something to resolve (all conflict classes).
    pub fn conflicts(&self) -> usize {
        self.conflict + self.both_added_conflict + self.binary_conflict
    }

    /// Counts the classes of `files`.
    pub fn of(files: &[FileOutcome]) -> Self {
        let mut summary = Summary::default();
        for file in files {
            *summary.slot(file.class) += 1;
        }
        summary
    }
}

/// The outcome of an update: every file of base and theirs (`.pave.yaml` excepted), sorted by
/// path, and the counts by class.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateResult {
    /// One outcome per file.
    pub files: Vec<FileOutcome>,
    /// The counts by class.
    pub summary: Summary,
}

impl UpdateResult {
    /// Every disk operation, in order: all removals first, then all writes, so a file moved
    /// onto a path another file left is never removed after it was written.
    pub fn ops(&self) -> Vec<&Op> {
        let all = self.files.iter().flat_map(|f| f.ops.iter());
        let (mut deletes, writes): (Vec<&Op>, Vec<&Op>) =
            all.partition(|op| op.kind == OpKind::Delete);
        deletes.extend(writes);
        deletes
    }

    /// Whether the update writes or removes anything.
    pub fn changes_anything(&self) -> bool {
        self.files.iter().any(|f| !f.ops.is_empty())
    }

    /// Whether any file was left with something to resolve.
    pub fn has_conflicts(&self) -> bool {
        self.files.iter().any(|f| f.conflict)
    }

    /// `ours` with every operation applied, in memory (for `--dry-run --diff` and tests).
    pub fn apply_to(&self, ours: &FileTree) -> FileTree {
        let mut out = ours.clone();
        for op in self.ops() {
            match &op.kind {
                OpKind::Write(entry) => {
                    out.insert(op.path.clone(), entry.clone());
                }
                OpKind::Delete => {
                    out.remove(&op.path);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
