//! Committing a new project with git (`pave new --git`), with libgit2: a new repository gets
//! one initial commit; an existing one gets a commit on top of its HEAD. The author comes from
//! the user's git configuration. A folder inside another repository's work tree gets no
//! repository of its own ([`enclosing_work_tree`] finds that case). [`work_tree`] names the
//! work tree a folder lies in and its remote, for feedback that names a project.

use std::path::{Path, PathBuf};

/// The work tree of another git repository that `dir` (existing or not) lies in, if any. A
/// folder that is itself the top of a work tree has none: committing there adds to its own
/// history.
pub fn enclosing_work_tree(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    let existing = dir.ancestors().find(|a| a.is_dir())?;
    let repo = git2::Repository::discover(existing).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let own = dir.canonicalize().ok();
    if own.as_deref() == Some(workdir.as_path()) {
        None
    } else {
        Some(workdir)
    }
}

/// A git work tree and where it is pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkTree {
    /// The top folder of the work tree.
    pub root: PathBuf,
    /// The URL of its `origin` remote (else of its first remote), without credentials.
    pub remote: Option<String>,
}

/// The git work tree `dir` lies in, if any, with its remote URL passed through
/// [`crate::url::redact_url`].
pub fn work_tree(dir: &Path) -> Option<WorkTree> {
    let dir = std::path::absolute(dir).ok()?;
    let repo = git2::Repository::discover(&dir).ok()?;
    let root = repo.workdir()?.canonicalize().ok()?;
    let url = |name: &str| -> Option<String> {
        let remote = repo.find_remote(name).ok()?;
        remote.url().ok().map(str::to_string)
    };
    let remote = url("origin").or_else(|| {
        let names = repo.remotes().ok()?;
        names.iter().find_map(|n| n.ok().flatten().and_then(url))
    });
    Some(WorkTree {
        root,
        remote: remote.map(|u| crate::url::redact_url(&u)),
    })
}

/// Commits every file in `dir`, creating the repository when there is none. If the repository
/// was created here and the commit fails, the repository is removed again.
pub fn init_and_commit(dir: &Path, message: &str) -> Result<(), git2::Error> {
    let existed = dir.join(".git").exists();
    let result = commit_all(dir, message);
    if result.is_err() && !existed {
        let _ = std::fs::remove_dir_all(dir.join(".git"));
    }
    result
}

fn commit_all(dir: &Path, message: &str) -> Result<(), git2::Error> {
    let repo = git2::Repository::open(dir).or_else(|_| git2::Repository::init(dir))?;
    let mut index = repo.index()?;
    index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let signature = repo
        .signature()
        .or_else(|_| git2::Signature::now("pave", "pave@localhost"))?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )?;
    Ok(())
}
