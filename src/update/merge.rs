//! The per-file decision of `update`: for every path of base or theirs, which row of the update
//! table applies ([`Class`]) and what is written. A template file whose rendered path changed
//! (an answer in a path segment, or a renamed segment) is followed: the project's copy at the
//! old path is merged into the new path and the old path removed.

use super::text::{self, Labels, TextMerge};
use super::{Class, FileOutcome, Op, OpKind, Stages, Summary, UpdateResult};
use crate::blueprint::{Entry, FileTree};
use crate::plan::BESIDE_SUFFIX;
use crate::project::FILE_NAME;
use crate::render::Origins;
use std::collections::{BTreeMap, BTreeSet};

/// The three trees of an update, and where each rendered file came from.
#[derive(Debug, Clone, Copy)]
pub struct Trees<'a> {
    /// The recorded version rendered with the recorded answers.
    pub base: &'a FileTree,
    /// Template origin of each path of `base` (from [`crate::render::render_traced`]).
    pub base_origins: &'a Origins,
    /// The target version rendered with the new answers.
    pub theirs: &'a FileTree,
    /// Template origin of each path of `theirs`.
    pub theirs_origins: &'a Origins,
    /// The project as it is, at least at every path of `base` and `theirs` that exists
    /// ([`crate::project::read_project`]). Other paths are ignored.
    pub ours: &'a FileTree,
}

/// How an update merges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOptions {
    /// The conflict label of the base section (`blueprint <old>`).
    pub base_label: String,
    /// The conflict label of the target's section (`blueprint <new>`).
    pub theirs_label: String,
    /// Bring back files the project deleted and the blueprint changed.
    pub recreate_deleted: bool,
}

impl MergeOptions {
    /// Labels `blueprint <old>` and `blueprint <new>`, deleted files staying deleted.
    pub fn new(old_version: &str, new_version: &str) -> Self {
        MergeOptions {
            base_label: format!("blueprint {old_version}"),
            theirs_label: format!("blueprint {new_version}"),
            recreate_deleted: false,
        }
    }

    fn labels(&self) -> Labels {
        Labels {
            ours: "project".to_string(),
            base: self.base_label.clone(),
            theirs: self.theirs_label.clone(),
        }
    }
}

/// Why a merge could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// libgit2 failed on a text merge.
    #[error("cannot merge {path}: {source}")]
    Git {
        /// The file.
        path: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
}

/// Decides the outcome of every file of `trees.base` and `trees.theirs` (`.pave.yaml` left
/// out), following moved template files.
pub fn merge_trees(trees: &Trees<'_>, options: &MergeOptions) -> Result<UpdateResult, MergeError> {
    let labels = options.labels();
    let moves = find_moves(trees);
    let moved: BTreeSet<&str> = moves
        .iter()
        .flat_map(|(from, to)| [from.as_str(), to.as_str()])
        .collect();
    let paths: BTreeSet<&String> = trees.base.keys().chain(trees.theirs.keys()).collect();

    let mut files = Vec::new();
    for path in paths {
        if path == FILE_NAME || moved.contains(path.as_str()) {
            continue;
        }
        let base = trees.base.get(path);
        let theirs = trees.theirs.get(path);
        let ours = trees.ours.get(path);
        files.push(one_path(path, base, theirs, ours, options, &labels)?);
    }
    for (from, to) in &moves {
        files.extend(one_move(trees, from, to, options, &labels)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let summary = Summary::of(&files);
    Ok(UpdateResult { files, summary })
}

/// Template files rendered at one path in base and another in theirs, where neither path is
/// used by the other tree: `(old path, new path)`.
fn find_moves(trees: &Trees<'_>) -> Vec<(String, String)> {
    let base_by_template: BTreeMap<&String, &String> = trees
        .base_origins
        .iter()
        .filter(|(path, _)| trees.base.contains_key(*path))
        .map(|(path, template)| (template, path))
        .collect();
    let mut moves = Vec::new();
    for (to, template) in trees.theirs_origins {
        let Some(from) = base_by_template.get(template) else {
            continue;
        };
        if *from == to
            || *from == FILE_NAME
            || to == FILE_NAME
            || !trees.theirs.contains_key(to)
            || trees.theirs.contains_key(*from)
            || trees.base.contains_key(to)
        {
            continue;
        }
        moves.push(((*from).clone(), to.clone()));
    }
    moves
}

/// What a three-way decision keeps at the file's path.
enum Keep {
    /// The project's entry as it is.
    Ours,
    /// A new entry (the new render, a merge, or the project's contents with a new mode).
    Write(Entry),
    /// The project's entry, with the new render written beside it.
    Beside,
}

/// The three-way decision for a file present in base, ours and theirs (`base` is `None` for a
/// file both sides added).
fn three_way(
    path: &str,
    base: Option<&Entry>,
    ours: &Entry,
    theirs: &Entry,
    labels: &Labels,
) -> Result<(Class, Keep), MergeError> {
    if base == Some(theirs) {
        return Ok((Class::Kept, Keep::Ours));
    }
    if base == Some(ours) {
        let class = if same_data(base, theirs) {
            Class::ModeChanged
        } else {
            Class::Updated
        };
        return Ok((class, Keep::Write(theirs.clone())));
    }
    if ours == theirs {
        return Ok((Class::SameChange, Keep::Ours));
    }
    let (
        Entry::File {
            data: o,
            executable: ox,
        },
        Entry::File {
            data: t,
            executable: tx,
        },
    ) = (ours, theirs)
    else {
        return Ok((conflict_class(base, Class::BinaryConflict), Keep::Beside));
    };
    let (b, bx) = match base {
        None => (&[][..], None),
        Some(Entry::File { data, executable }) => (&data[..], Some(*executable)),
        Some(Entry::Symlink { .. }) => {
            return Ok((conflict_class(base, Class::BinaryConflict), Keep::Beside));
        }
    };
    // The executable bit merges on its own: the side that changed it wins (never a conflict).
    let executable = match bx {
        Some(bx) if bx == *tx => *ox,
        Some(_) => *tx,
        None => *ox || *tx,
    };
    let file = |data: &[u8]| Entry::File {
        data: data.to_vec().into(),
        executable,
    };
    if base.is_some() && b == &t[..] {
        return Ok((Class::ModeChanged, Keep::Write(file(o))));
    }
    if base.is_some() && b == &o[..] {
        return Ok((Class::Updated, Keep::Write(file(t))));
    }
    if o == t {
        return Ok((Class::ModeChanged, Keep::Write(file(o))));
    }
    let merged = text::merge_text(b, o, t, labels).map_err(|source| MergeError::Git {
        path: path.to_string(),
        source,
    })?;
    Ok(match merged {
        None => (Class::BinaryConflict, Keep::Beside),
        Some(TextMerge::Clean(data)) => (Class::Merged, Keep::Write(file(&data))),
        Some(TextMerge::Conflicted(data)) => (
            conflict_class(base, Class::Conflict),
            Keep::Write(file(&data)),
        ),
    })
}

/// A conflict on a file both sides added is [`Class::BothAddedConflict`] unless binary.
fn conflict_class(base: Option<&Entry>, class: Class) -> Class {
    if base.is_none() && class == Class::Conflict {
        Class::BothAddedConflict
    } else {
        class
    }
}

fn same_data(a: Option<&Entry>, b: &Entry) -> bool {
    match (a, b) {
        (Some(Entry::File { data: x, .. }), Entry::File { data: y, .. }) => x == y,
        _ => false,
    }
}

fn outcome(path: &str, class: Class, ops: Vec<Op>) -> FileOutcome {
    FileOutcome {
        path: path.to_string(),
        class,
        conflict: class.is_conflict(),
        from: None,
        side_file: None,
        ops,
        stages: None,
    }
}

fn write(path: &str, entry: Entry, conflict: bool) -> Op {
    Op {
        path: path.to_string(),
        kind: OpKind::Write(entry),
        conflict,
    }
}

fn delete(path: &str) -> Op {
    Op {
        path: path.to_string(),
        kind: OpKind::Delete,
        conflict: false,
    }
}

/// Turns a three-way decision at `path` into an outcome. `ours_at_path` says whether the
/// project's entry is already at `path` (false for a move, where it is written there).
fn settle(
    path: &str,
    class: Class,
    keep: Keep,
    stages: (Option<&Entry>, &Entry, &Entry),
    ours_at_path: bool,
) -> FileOutcome {
    let mut out = outcome(path, class, Vec::new());
    let (base, ours, theirs) = stages;
    match keep {
        Keep::Ours => {
            if !ours_at_path {
                out.ops.push(write(path, ours.clone(), false));
            }
        }
        Keep::Write(entry) => {
            if !(ours_at_path && entry == *ours) {
                out.ops.push(write(path, entry, class.is_conflict()));
            }
        }
        Keep::Beside => {
            if !ours_at_path {
                out.ops.push(write(path, ours.clone(), false));
            }
            let side = format!("{path}{BESIDE_SUFFIX}");
            out.ops.push(write(&side, theirs.clone(), true));
            out.side_file = Some(side);
        }
    }
    if class.is_conflict() {
        out.stages = Some(Stages {
            base: base.cloned(),
            ours: Some(ours.clone()),
            theirs: Some(theirs.clone()),
        });
    }
    out
}

/// The outcome of a path that is not part of a move.
fn one_path(
    path: &str,
    base: Option<&Entry>,
    theirs: Option<&Entry>,
    ours: Option<&Entry>,
    options: &MergeOptions,
    labels: &Labels,
) -> Result<FileOutcome, MergeError> {
    Ok(match (base, theirs, ours) {
        (_, None, None) => outcome(path, Class::SameChange, Vec::new()),
        (Some(b), None, Some(o)) if b == o => outcome(path, Class::Deleted, vec![delete(path)]),
        (_, None, Some(_)) => outcome(path, Class::KeptRemovedUpstream, Vec::new()),
        (None, Some(t), None) => outcome(path, Class::Added, vec![write(path, t.clone(), false)]),
        (Some(b), Some(t), None) if b == t => outcome(path, Class::Kept, Vec::new()),
        (Some(_), Some(t), None) if options.recreate_deleted => {
            outcome(path, Class::Recreated, vec![write(path, t.clone(), false)])
        }
        (Some(_), Some(_), None) => outcome(path, Class::DeletedLocally, Vec::new()),
        (b, Some(t), Some(o)) => {
            let (class, keep) = three_way(path, b, o, t, labels)?;
            settle(path, class, keep, (b, o, t), true)
        }
    })
}

/// The outcomes of a template file rendered at `from` in base and at `to` in theirs.
fn one_move(
    trees: &Trees<'_>,
    from: &str,
    to: &str,
    options: &MergeOptions,
    labels: &Labels,
) -> Result<Vec<FileOutcome>, MergeError> {
    let (Some(base), Some(theirs)) = (trees.base.get(from), trees.theirs.get(to)) else {
        return Ok(Vec::new());
    };
    let moved = |mut out: FileOutcome| {
        out.from = Some(from.to_string());
        if !out.class.is_conflict() {
            out.class = Class::Moved;
        }
        out
    };
    Ok(match (trees.ours.get(from), trees.ours.get(to)) {
        // The usual move: the project's copy, merged, goes to the new path.
        (Some(ours), None) => {
            let (class, keep) = three_way(to, Some(base), ours, theirs, labels)?;
            let mut out = moved(settle(to, class, keep, (Some(base), ours, theirs), false));
            out.ops.insert(0, delete(from));
            vec![out]
        }
        // The project already moved it: merge in place at the new path.
        (None, Some(ours)) => {
            let (class, keep) = three_way(to, Some(base), ours, theirs, labels)?;
            vec![moved(settle(
                to,
                class,
                keep,
                (Some(base), ours, theirs),
                true,
            ))]
        }
        (None, None) => {
            let mut out = if options.recreate_deleted {
                outcome(to, Class::Recreated, vec![write(to, theirs.clone(), false)])
            } else {
                outcome(to, Class::DeletedLocally, Vec::new())
            };
            out.from = Some(from.to_string());
            vec![out]
        }
        // Files at both paths: the old path is removed upstream, the new one added.
        (Some(ours_old), Some(ours_new)) => vec![
            one_path(from, Some(base), None, Some(ours_old), options, labels)?,
            one_path(to, None, Some(theirs), Some(ours_new), options, labels)?,
        ],
    })
}
