//! A blueprint folder that is behind the registry: the three-way merge of its changes onto the
//! registry's newest release (base = the release the folder was at, ours = the folder, theirs =
//! the newest release), and the write that brings the folder to what the registry holds after
//! a publish (every changed file staged beside its target, then renamed into place).

use crate::blueprint::{Entry, FileTree};
use crate::update::text::{Labels, TextMerge, merge_text};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Merges `ours` (the folder) and `theirs` (the registry's newest release) from `base` (the
/// release the folder was at), file by file: a side identical to the base gives the other
/// side, identical changes are one change, and text changed on both sides is merged by lines.
/// Gives the merged folder and the files whose merged content differs from the folder's (the
/// registry's changes); `Err` lists the files changed on both sides that do not merge cleanly.
pub fn merge_trees(
    base: &FileTree,
    ours: &FileTree,
    theirs: &FileTree,
    labels: &Labels,
) -> Result<(FileTree, Vec<String>), Vec<String>> {
    let paths: BTreeSet<&String> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    let mut tree = FileTree::new();
    let mut conflicts = Vec::new();
    for path in paths {
        let (b, o, t) = (base.get(path), ours.get(path), theirs.get(path));
        let merged = if o == t || t == b {
            o.cloned()
        } else if o == b {
            t.cloned()
        } else {
            match merge_entry(b, o, t, labels) {
                Some(entry) => Some(entry),
                None => {
                    conflicts.push(path.clone());
                    continue;
                }
            }
        };
        if let Some(entry) = merged {
            tree.insert(path.clone(), entry);
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let from_registry = crate::blueprint::changed(ours, &tree)
        .map(|(path, _)| path.clone())
        .collect();
    Ok((tree, from_registry))
}

/// Two different changes of one path: text files (a missing base is empty) merged by lines,
/// the executable bit taken from the side that changed it; anything else does not merge.
fn merge_entry(
    base: Option<&Entry>,
    ours: Option<&Entry>,
    theirs: Option<&Entry>,
    labels: &Labels,
) -> Option<Entry> {
    let (
        Some(Entry::File {
            data: o,
            executable: ox,
        }),
        Some(Entry::File {
            data: t,
            executable: tx,
        }),
    ) = (ours, theirs)
    else {
        return None;
    };
    let (b, bx) = match base {
        Some(Entry::File { data, executable }) => (data.as_ref(), Some(*executable)),
        None => (&[][..], None),
        Some(Entry::Symlink { .. }) => return None,
    };
    let executable = match bx {
        Some(bx) if bx == *ox => *tx,
        Some(bx) if bx == *tx => *ox,
        _ if ox == tx => *ox,
        _ => return None,
    };
    match merge_text(b, o, t, labels) {
        Ok(Some(TextMerge::Clean(data))) => Some(Entry::File {
            data: data.into(),
            executable,
        }),
        _ => None,
    }
}

/// Why the folder could not be brought up to date.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", .path.display())]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

/// Makes the files of `folder` that `tree` names hold what `tree` holds, and removes the files
/// of `remove`. Every new content is first written to a temporary file beside its target, then
/// each is renamed into place, so a failure before the renames leaves the folder as it was.
/// Returns the paths changed (relative, sorted); files that already match are left alone.
pub fn write_folder(
    folder: &Path,
    tree: &FileTree,
    remove: &[String],
) -> Result<Vec<String>, WriteError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError { path, source }
    };
    let mut staged = Vec::new();
    let mut changed = Vec::new();
    for (rel, entry) in tree {
        let Entry::File { data, executable } = entry else {
            continue;
        };
        let path = folder.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            && std::fs::read(&path).is_ok_and(|old| old == data.as_ref())
            && std::fs::metadata(&path).is_ok_and(|m| crate::mode::is_executable(&m)) == *executable
        {
            continue;
        }
        let dir = path.parent().unwrap_or(folder).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(err(&dir))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".pave-tmp-")
            .tempfile_in(&dir)
            .map_err(err(&dir))?;
        std::io::Write::write_all(&mut tmp, data).map_err(err(&path))?;
        tmp.as_file().sync_all().map_err(err(&path))?;
        // The staged file is private (0600): it takes the mode of the file it replaces, or
        // 0644 for a new one, with the executable bits the tree asks for.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map_or(0o644, |m| m.permissions().mode() & 0o777);
            let mode = if *executable {
                mode | ((mode & 0o444) >> 2)
            } else {
                mode & !0o111
            };
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(err(&path))?;
        }
        staged.push((tmp, path));
        changed.push(rel.clone());
    }
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| WriteError {
            path: path.clone(),
            source: e.error,
        })?;
    }
    for rel in remove {
        let path = folder.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => changed.push(rel.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(err(&path)(e)),
        }
    }
    changed.sort();
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> FileTree {
        files
            .iter()
            .map(|(p, d)| (p.to_string(), Entry::file(*d)))
            .collect()
    }

    fn labels() -> Labels {
        Labels {
            ours: String::from("folder"),
            base: String::from("base"),
            theirs: String::from("registry"),
        }
    }

    #[test]
    fn changes_on_either_side_merge_and_overlapping_ones_do_not() {
        let base = tree(&[("a", "1\n2\n3\n4\n5\n"), ("b", "b\n"), ("c", "c\n")]);
        let ours = tree(&[("a", "one\n2\n3\n4\n5\n"), ("b", "b\n"), ("new", "n\n")]);
        let theirs = tree(&[("a", "1\n2\n3\n4\nfive\n"), ("b", "bee\n"), ("c", "c\n")]);
        let (merged, from_registry) = merge_trees(&base, &ours, &theirs, &labels()).unwrap();
        assert_eq!(
            merged,
            tree(&[
                ("a", "one\n2\n3\n4\nfive\n"),
                ("b", "bee\n"),
                ("new", "n\n")
            ])
        );
        assert_eq!(from_registry, vec!["a", "b"]);

        let clash = tree(&[("a", "1\n2\n3\n4\nFIVE\n"), ("b", "b\n")]);
        let err = merge_trees(&base, &clash, &theirs, &labels()).unwrap_err();
        assert_eq!(err, vec!["a"]);
        // Removed on one side, changed on the other: a conflict.
        let removed = tree(&[("a", "1\n2\n3\n4\n5\n"), ("c", "c\n")]);
        assert_eq!(
            merge_trees(&base, &removed, &theirs, &labels()).unwrap_err(),
            vec!["b"]
        );
    }

    #[test]
    fn the_folder_is_written_whole_and_unchanged_files_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("same"), "s\n").unwrap();
        std::fs::write(dir.path().join("gone"), "g\n").unwrap();
        let changed = write_folder(
            dir.path(),
            &tree(&[("same", "s\n"), ("sub/new", "n\n")]),
            &[String::from("gone")],
        )
        .unwrap();
        assert_eq!(changed, vec!["gone", "sub/new"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/new")).unwrap(),
            "n\n"
        );
        assert!(!dir.path().join("gone").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 2, "no temporary file left: {left:?}");
    }
}
