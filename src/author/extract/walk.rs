//! Reading a project to extract: every file under its folder, links read as links, except
//! what is left out, each listed with why: `.git`, `.pave.yaml`, the folders tools fill
//! ([`crate::project::tree::SKIPPED_DIRS`] and `__pycache__`), what the project's `.gitignore`
//! files ignore (through git's own rules, also when the project is not in a git work tree) and
//! the `--exclude` globs.

use super::{ExtractError, LeftOut};
use crate::blueprint::{Entry, FileTree};
use std::path::{Path, PathBuf};

/// Folders left out besides [`crate::project::tree::SKIPPED_DIRS`].
const MORE_SKIPPED: [&str; 1] = ["__pycache__"];

/// The `--exclude` globs, matched against paths relative to the project (`*` within a folder,
/// `**` across).
#[derive(Debug, Default)]
pub struct Excludes(Vec<(String, globset::GlobMatcher)>);

impl Excludes {
    /// The globs, or the first that does not parse.
    pub fn new(globs: &[String]) -> Result<Self, ExtractError> {
        let mut out = Vec::new();
        for glob in globs {
            let matcher = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| ExtractError::BadExclude {
                    glob: glob.clone(),
                    why: e.kind().to_string(),
                })?
                .compile_matcher();
            out.push((glob.clone(), matcher));
        }
        Ok(Excludes(out))
    }

    fn matching(&self, rel: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, m)| m.is_match(rel))
            .map(|(g, _)| g.as_str())
    }
}

/// git's ignore rules for the project: those of the work tree it is in, else those of its own
/// `.gitignore` files read through a scratch repository whose work tree is the project.
struct Ignores {
    repo: git2::Repository,
    /// The project's folder relative to the work tree.
    prefix: PathBuf,
    _scratch: Option<tempfile::TempDir>,
}

impl Ignores {
    fn open(dir: &Path) -> Option<Self> {
        let abs = std::fs::canonicalize(dir).ok()?;
        if let Ok(repo) = git2::Repository::discover(&abs)
            && let Some(workdir) = repo.workdir().and_then(|w| std::fs::canonicalize(w).ok())
            && let Ok(prefix) = abs.strip_prefix(&workdir)
        {
            let prefix = prefix.to_path_buf();
            return Some(Ignores {
                repo,
                prefix,
                _scratch: None,
            });
        }
        let scratch = tempfile::Builder::new()
            .prefix("pave-extract-")
            .tempdir()
            .ok()?;
        let repo = git2::Repository::init_bare(scratch.path()).ok()?;
        repo.set_workdir(&abs, false).ok()?;
        Some(Ignores {
            repo,
            prefix: PathBuf::new(),
            _scratch: Some(scratch),
        })
    }

    fn ignored(&self, rel: &Path) -> bool {
        self.repo
            .is_path_ignored(self.prefix.join(rel))
            .unwrap_or(false)
    }
}

/// The project's files under `dir` and what was left out.
pub fn read(dir: &Path, excludes: &Excludes) -> Result<(FileTree, Vec<LeftOut>), ExtractError> {
    let meta = std::fs::metadata(dir).map_err(|e| ExtractError::NoProject {
        path: dir.to_path_buf(),
        why: e.to_string(),
    })?;
    if !meta.is_dir() {
        return Err(ExtractError::NoProject {
            path: dir.to_path_buf(),
            why: String::from("it is not a folder"),
        });
    }
    let ignores = Ignores::open(dir);
    let mut tree = FileTree::new();
    let mut left_out = Vec::new();
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(item) = walker.next() {
        let item = item.map_err(|e| ExtractError::Read {
            path: e
                .path()
                .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
            why: e.to_string(),
        })?;
        if item.depth() == 0 {
            continue;
        }
        let Ok(rel_path) = item.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel_path.to_string_lossy().replace('\\', "/");
        let kind = item.file_type();
        let name = item.file_name();
        let why = if kind.is_dir()
            && (crate::project::tree::is_skipped_dir(name)
                || MORE_SKIPPED.iter().any(|s| name == *s))
        {
            Some(if name == ".git" {
                String::from("git's own folder")
            } else {
                String::from("a folder tools fill (dependencies, builds, caches)")
            })
        } else if name == ".git" {
            Some(String::from("git's own file"))
        } else if rel == crate::project::FILE_NAME {
            Some(String::from("the pave project's record"))
        } else if let Some(glob) = excludes.matching(&rel) {
            Some(format!("--exclude {glob}"))
        } else if ignores.as_ref().is_some_and(|i| i.ignored(rel_path)) {
            Some(String::from("ignored by .gitignore"))
        } else {
            None
        };
        if let Some(why) = why {
            let path = if kind.is_dir() {
                format!("{rel}/")
            } else {
                rel
            };
            left_out.push(LeftOut { path, why });
            if kind.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let read_err = |e: std::io::Error| ExtractError::Read {
            path: item.path().to_path_buf(),
            why: e.to_string(),
        };
        if kind.is_dir() {
            continue;
        }
        let meta = item.metadata().map_err(|e| read_err(e.into()))?;
        match crate::project::read::entry(item.path(), &meta).map_err(read_err)? {
            Some(Entry::Symlink { target })
                if !crate::blueprint::link_stays_inside(&rel, &target) =>
            {
                left_out.push(LeftOut {
                    path: rel,
                    why: format!("a link to `{target}`, outside the project"),
                });
            }
            Some(entry) => {
                tree.insert(rel, entry);
            }
            None => left_out.push(LeftOut {
                path: rel,
                why: String::from("not a file, folder or link"),
            }),
        }
    }
    Ok((tree, left_out))
}
