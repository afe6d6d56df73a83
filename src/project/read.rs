//! Reading the project side of an update: exactly the paths the blueprint renders (base and
//! theirs), as they are on disk. A link is read as a link; nothing is read through one, so no
//! file outside the project is ever looked at.

use crate::blueprint::{Entry, FileTree};
use std::io;
use std::path::{Path, PathBuf};

/// Why the project could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A folder on the way to a blueprint file is a symbolic link in the project.
    #[error(
        "{path}: {} is a symbolic link, and pave never reads or writes through links; replace it with a folder or remove it, then run the update again",
        .link.display()
    )]
    ThroughSymlink {
        /// The blueprint file.
        path: String,
        /// The link found on disk.
        link: PathBuf,
    },
    /// Something other than a file or link is where the blueprint has a file, or a file is
    /// where it has a folder.
    #[error(
        "{path}: {} is {what} in the project where the blueprint has {expected}; move it aside, then run the update again",
        .at.display()
    )]
    WrongKind {
        /// The blueprint file.
        path: String,
        /// What is in the way.
        at: PathBuf,
        /// What it is (`a folder`, `a file`).
        what: &'static str,
        /// What the blueprint needs there.
        expected: &'static str,
    },
}

/// Reads `paths` (relative, `/`-separated) under `dir` into a tree; missing paths are left
/// out. Links are returned as [`Entry::Symlink`], never followed.
pub fn read_project<I, S>(dir: &Path, paths: I) -> Result<FileTree, ReadError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut tree = FileTree::new();
    for path in paths {
        let path = path.as_ref();
        if let Some(entry) = read_one(dir, path)? {
            tree.insert(path.to_string(), entry);
        }
    }
    Ok(tree)
}

fn read_one(dir: &Path, path: &str) -> Result<Option<Entry>, ReadError> {
    let io_err = |at: &Path| {
        let at = at.to_path_buf();
        move |source| ReadError::Io { path: at, source }
    };
    let segments: Vec<&str> = path.split('/').collect();
    let mut at = dir.to_path_buf();
    for (i, segment) in segments.iter().enumerate() {
        at.push(segment);
        let last = i + 1 == segments.len();
        let meta = match std::fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&at)(e)),
            Ok(meta) => meta,
        };
        let kind = meta.file_type();
        if last {
            let Some(entry) = entry(&at, &meta).map_err(io_err(&at))? else {
                return Err(ReadError::WrongKind {
                    path: path.to_string(),
                    at,
                    what: if kind.is_dir() {
                        "a folder"
                    } else {
                        "a special file"
                    },
                    expected: "a file",
                });
            };
            return Ok(Some(entry));
        }
        if kind.is_symlink() {
            return Err(ReadError::ThroughSymlink {
                path: path.to_string(),
                link: at,
            });
        }
        if !kind.is_dir() {
            return Err(ReadError::WrongKind {
                path: path.to_string(),
                at,
                what: "a file",
                expected: "a folder",
            });
        }
    }
    Ok(None)
}

/// The file or link at `path`, whose metadata (of the link itself, not followed) is `meta`;
/// `None` for a folder or a special file.
pub fn entry(path: &Path, meta: &std::fs::Metadata) -> io::Result<Option<Entry>> {
    let kind = meta.file_type();
    Ok(Some(if kind.is_symlink() {
        let target = std::fs::read_link(path)?;
        Entry::Symlink {
            target: target.to_string_lossy().replace('\\', "/"),
        }
    } else if kind.is_file() {
        Entry::File {
            data: std::fs::read(path)?.into(),
            executable: crate::mode::is_executable(meta),
        }
    } else {
        return Ok(None);
    }))
}
