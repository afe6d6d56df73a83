//! Making a new project a git repository with one initial commit (`pave new --git`), with
//! libgit2; the author comes from the user's git configuration.

use std::path::Path;

/// Initialises a repository at `dir` and commits every file in it.
pub fn init_and_commit(dir: &Path, message: &str) -> Result<(), git2::Error> {
    let repo = git2::Repository::init(dir)?;
    let mut index = repo.index()?;
    index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree_id = index.write_tree()?;
    let tree = repo.find_tree(tree_id)?;
    let signature = match repo.signature() {
        Ok(sig) => sig,
        Err(_) => git2::Signature::now("pave", "pave@localhost")?,
    };
    repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &[])?;
    Ok(())
}
