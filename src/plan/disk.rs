//! The plan's look at the disk: what is at a planned path, checked segment by segment so that
//! nothing is read or written through a symbolic link, and whether a file still holds exactly
//! what the plan read.

use super::{PlanError, io_err};
use crate::blueprint::Entry;
use std::io;
use std::path::Path;

pub(super) use crate::names::plain_path as is_plain;

/// The folders above `path`, shallowest first (`a/b/c` gives `a`, `a/b`).
pub(super) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Checks the folders above `target/path`: none is a link, each is a folder or missing (then so
/// is everything below it). A file is accepted only where `gives_way` says the plan removes it.
pub(super) fn check_ancestors(
    target: &Path,
    path: &str,
    gives_way: &dyn Fn(&str) -> bool,
) -> Result<(), PlanError> {
    for ancestor in ancestors(path) {
        let at = target.join(ancestor);
        match std::fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_err(format!("cannot read {}", at.display()))(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(PlanError::ThroughSymlink {
                    path: path.to_string(),
                    link: at,
                });
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) if gives_way(ancestor) => return Ok(()),
            Ok(_) => return Err(PlanError::NotADirectory(at)),
        }
    }
    Ok(())
}

/// Refuses a planned file that is a folder on disk.
pub(super) fn check_not_folder(target: &Path, path: &str) -> Result<(), PlanError> {
    match std::fs::symlink_metadata(target.join(path)) {
        Ok(meta) if meta.is_dir() => Err(PlanError::IsADirectory(path.to_string())),
        _ => Ok(()),
    }
}

/// What is at `target/path` now (`None`: nothing), refusing a path that is or goes through a
/// link, or that is a folder.
pub(super) fn current(target: &Path, path: &str) -> Result<Option<Entry>, PlanError> {
    check_ancestors(target, path, &|_| false)?;
    let at = target.join(path);
    match std::fs::symlink_metadata(&at) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(format!("cannot read {}", at.display()))(e)),
        Ok(meta) if meta.file_type().is_symlink() => Err(PlanError::ThroughSymlink {
            path: path.to_string(),
            link: at,
        }),
        Ok(meta) if meta.is_dir() => Err(PlanError::IsADirectory(path.to_string())),
        Ok(meta) => {
            let data =
                std::fs::read(&at).map_err(io_err(format!("cannot read {}", at.display())))?;
            Ok(Some(Entry::File {
                data: data.into(),
                executable: crate::mode::is_executable(&meta),
            }))
        }
    }
}

/// Whether the file or link at `at` holds exactly `expected` (contents, executable bit, link
/// target). A missing file holds nothing.
pub(super) fn holds(at: &Path, expected: &Entry) -> io::Result<bool> {
    let meta = match std::fs::symlink_metadata(at) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        other => other?,
    };
    Ok(match expected {
        Entry::File { data, executable } => {
            meta.is_file()
                && meta.len() == data.len() as u64
                && crate::mode::is_executable(&meta) == *executable
                && std::fs::read(at)? == **data
        }
        Entry::Symlink { target } => {
            meta.file_type().is_symlink() && std::fs::read_link(at)? == Path::new(target)
        }
    })
}

/// Whether anything (even a dangling link) is at `at`.
pub(super) fn exists(at: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(at) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_their_ancestors() {
        assert!(is_plain("a/b.txt"));
        for bad in ["", "/a", "a/", "a//b", "./a", "a/../b", "a\\b", "a\0"] {
            assert!(!is_plain(bad), "{bad:?}");
        }
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(ancestors("c").count(), 0);
    }

    #[test]
    fn holds_compares_contents_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "abc").unwrap();
        assert!(holds(&f, &Entry::file("abc")).unwrap());
        assert!(!holds(&f, &Entry::file("abd")).unwrap());
        assert!(!holds(&f, &Entry::file("abcd")).unwrap());
        let exe = Entry::File {
            data: b"abc".to_vec().into(),
            executable: true,
        };
        assert!(!holds(&f, &exe).unwrap());
        assert!(!holds(&dir.path().join("missing"), &Entry::file("abc")).unwrap());
    }
}
