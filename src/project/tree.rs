//! Which files make up a project on disk, for `diff` and `outdated`: every file under the
//! project's folder except `.pave.yaml` at its root, `.git`, the folders tools fill
//! ([`SKIPPED_DIRS`]), files git ignores (when the project is in a git work tree), and
//! subfolders that hold their own `.pave.yaml` (another project). The files the blueprint
//! renders are always read, wherever they are. Links are read as links, never followed.

use super::read::{ReadError, entry, read_project};
use crate::blueprint::FileTree;
use crate::error::{Classify, ErrorKind};
use crate::project;
use std::io;
use std::path::{Path, PathBuf};

/// Folders never searched for projects or project files (build outputs, dependencies): git's
/// own folder, npm's, cargo's, Python's virtual environments and SAM's build folder.
pub const SKIPPED_DIRS: [&str; 5] = [".git", "node_modules", "target", ".venv", ".aws-sam"];

/// Why a project's files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A folder or file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file the blueprint renders could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
}

impl Classify for WalkError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Failure
    }
}

/// Whether a folder's name is one of [`SKIPPED_DIRS`].
pub fn is_skipped_dir(name: &std::ffi::OsStr) -> bool {
    SKIPPED_DIRS.iter().any(|s| name == *s)
}

/// The project's files under `dir` (see the module doc), plus every path of `rendered` that
/// exists on disk.
pub fn read(dir: &Path, rendered: &FileTree) -> Result<FileTree, WalkError> {
    let ignores = Ignores::discover(dir);
    let mut tree = FileTree::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_type().is_dir() {
                let own_project = e.path().join(project::FILE_NAME).is_file();
                return !is_skipped_dir(e.file_name())
                    && !own_project
                    && !ignores.ignored(e.path());
            }
            e.file_name() != ".git" && !ignores.ignored(e.path())
        });
    for item in walker {
        let item = item.map_err(|e| WalkError::Io {
            path: e
                .path()
                .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
            source: e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("a folder loop")),
        })?;
        if item.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = item.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel == project::FILE_NAME {
            continue;
        }
        let io_err = |source| WalkError::Io {
            path: item.path().to_path_buf(),
            source,
        };
        let meta = item.metadata().map_err(|e| io_err(e.into()))?;
        let Some(entry) = entry(item.path(), &meta).map_err(io_err)? else {
            // Sockets, fifos and devices are no project files.
            continue;
        };
        tree.insert(rel, entry);
    }
    let missing: Vec<&String> = rendered.keys().filter(|p| !tree.contains_key(*p)).collect();
    tree.extend(read_project(dir, missing)?);
    Ok(tree)
}

/// git's ignore rules for the work tree holding the project, if any.
struct Ignores {
    /// The repository, the project's folder relative to its work tree, and the folder as
    /// the walk names it.
    repo: Option<(git2::Repository, PathBuf, PathBuf)>,
}

impl Ignores {
    fn discover(dir: &Path) -> Self {
        let repo = std::fs::canonicalize(dir).ok().and_then(|abs| {
            let repo = git2::Repository::discover(&abs).ok()?;
            let workdir = std::fs::canonicalize(repo.workdir()?).ok()?;
            let prefix = abs.strip_prefix(&workdir).ok()?.to_path_buf();
            Some((repo, prefix, dir.to_path_buf()))
        });
        Ignores { repo }
    }

    fn ignored(&self, path: &Path) -> bool {
        let Some((repo, prefix, root)) = &self.repo else {
            return false;
        };
        match path.strip_prefix(root) {
            Ok(rel) => repo.is_path_ignored(prefix.join(rel)).unwrap_or(false),
            Err(_) => false,
        }
    }
}
