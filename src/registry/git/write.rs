//! Writing commits and tags into a registry's bare cache clone without a work tree: a tree is
//! built in an in-memory index on top of a commit's tree (one folder replaced, some files set),
//! then committed with no ref moved. Refs are moved only by the caller, after a push succeeded.

use super::{PushError, RefUpdate, WriteSession};
use crate::blueprint::FileTree;
use git2::{IndexEntry, IndexTime, Oid, Repository, Signature};
use std::path::Path;

/// A change to a registry's tree: the folder `dir` replaced by `files` (paths relative to it),
/// and whole files set (paths from the root).
#[derive(Debug, Clone)]
pub struct TreeChange {
    /// The folder replaced, e.g. `blueprints/my-api`.
    pub dir: String,
    /// Its new contents; `None` keeps the folder as it is.
    pub files: Option<FileTree>,
    /// Files set at the root level, e.g. `registry.yaml`.
    pub set: Vec<(String, Vec<u8>)>,
}

pub(crate) fn entry(path: &str, mode: u32, id: Oid, size: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(size).unwrap_or(u32::MAX),
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// The tree of `base` (or an empty tree) with `change` applied, written into `repo`.
pub fn build_tree(
    repo: &Repository,
    base: Option<&git2::Commit<'_>>,
    change: &TreeChange,
) -> Result<Oid, git2::Error> {
    let mut index = git2::Index::new()?;
    if let Some(commit) = base {
        index.read_tree(&commit.tree()?)?;
    }
    if let Some(files) = &change.files {
        index.remove_dir(Path::new(&change.dir), 0)?;
        for (rel, item) in files {
            let path = format!("{}/{rel}", change.dir);
            let data = item.bytes();
            index.add(&entry(&path, item.git_mode(), repo.blob(data)?, data.len()))?;
        }
    }
    for (path, data) in &change.set {
        let id = repo.blob(data)?;
        index.add(&entry(path, 0o100644, id, data.len()))?;
    }
    index.write_tree_to(repo)
}

/// A commit of `tree` on `parent` (none for a first commit); no ref is moved.
pub fn commit(
    repo: &Repository,
    parent: Option<&git2::Commit<'_>>,
    tree: Oid,
    who: &Signature<'_>,
    message: &str,
) -> Result<Oid, git2::Error> {
    let tree = repo.find_tree(tree)?;
    let parents: Vec<&git2::Commit<'_>> = parent.into_iter().collect();
    repo.commit(None, who, who, message, &tree, &parents)
}

impl WriteSession<'_> {
    /// The commit of `change` on `tip` (`None`: the first commit) by `who`, with `message`; no
    /// ref moves. Publish, deprecate and yank commit this way.
    pub fn commit_change(
        &self,
        tip: Option<&git2::Commit<'_>>,
        change: &TreeChange,
        who: &Signature<'_>,
        message: &str,
    ) -> Result<Oid, PushError> {
        let git = |what: &str, e: git2::Error| PushError::from(self.git_error(what, &e));
        let tree =
            build_tree(self.repo(), tip, change).map_err(|e| git("cannot build the tree", e))?;
        commit(self.repo(), tip, tree, who, message).map_err(|e| git("cannot make the commit", e))
    }

    /// An annotated tag object named `name` on `target`, as the update that pushes it to
    /// `refs/tags/<name>`; no ref is created.
    pub fn tag(
        &self,
        name: &str,
        target: Oid,
        who: &Signature<'_>,
        message: &str,
    ) -> Result<RefUpdate, PushError> {
        let repo = self.repo();
        let id = repo
            .find_object(target, None)
            .and_then(|object| repo.tag_annotation_create(name, &object, who, message))
            .map_err(|e| PushError::from(self.git_error("cannot make the tag", &e)))?;
        Ok(RefUpdate {
            name: format!("refs/tags/{name}"),
            target: Some(id),
        })
    }

    /// The text of the file at `path` in `commit`'s tree, if it is there.
    pub fn read_text(
        &self,
        commit: &git2::Commit<'_>,
        path: &str,
    ) -> Result<Option<String>, PushError> {
        let git = |e| PushError::from(self.git_error(&format!("cannot read {path}"), &e));
        let entry = match commit.tree().map_err(git)?.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(git(e)),
        };
        let blob = self.repo().find_blob(entry.id()).map_err(git)?;
        Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
    }
}

/// The user's git identity: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` when both are set (as git
/// itself honours them), else `user.name`/`user.email` from git's configuration.
pub fn identity(repo: &Repository) -> Option<Signature<'static>> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let (Some(name), Some(email)) = (env("GIT_AUTHOR_NAME"), env("GIT_AUTHOR_EMAIL")) {
        return Signature::now(&name, &email).ok();
    }
    repo.signature().ok()
}

/// Every file under `dir` in `commit`'s tree, as a [`FileTree`] relative to `dir`.
pub fn read_folder(
    repo: &Repository,
    commit: &git2::Commit<'_>,
    dir: &str,
) -> Result<FileTree, git2::Error> {
    let mut files = FileTree::new();
    match commit.tree()?.get_path(Path::new(dir)) {
        Ok(entry) => super::read::collect(repo, entry.id(), "", &mut files)?,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(files)
}
