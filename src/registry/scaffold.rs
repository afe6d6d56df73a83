//! `pave registry init`: a new registry repository with `registry.yaml`, a README for its
//! contributors and a CI workflow (lint and test the blueprints a pull request touches; release
//! on the default branch), committed once on `main`.

use super::git::write::identity;
use std::path::{Path, PathBuf};

/// Why a registry could not be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The folder exists and is not empty.
    #[error("{} exists and is not empty; choose a new folder for the registry", .0.display())]
    NotEmpty(PathBuf),
    /// The name is not valid.
    #[error(
        "`{0}` is not a registry name: use lower-case letters, digits and dashes, starting with a letter"
    )]
    BadName(String),
    /// No git identity.
    #[error(
        "no git identity for the first commit: set user.name and user.email (git config --global user.name \"Your Name\")"
    )]
    NoIdentity,
    /// Writing failed.
    #[error("cannot create the registry at {}: {cause}", path.display())]
    Write {
        /// The folder.
        path: PathBuf,
        /// The cause.
        cause: String,
    },
}

impl crate::error::Classify for ScaffoldError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            ScaffoldError::Write { .. } => crate::error::ErrorKind::Failure,
            _ => crate::error::ErrorKind::Usage,
        }
    }
}

const README: &str = include_str!("scaffold/README.md");
const WORKFLOW: &str = include_str!("scaffold/pave.yml");

/// The files of a new registry named `name`.
pub fn files(name: &str) -> Vec<(&'static str, String)> {
    let index = format!(
        "apiVersion: pave/v1\nname: {name}\ndescription: Blueprints of {name}\n# `pave publish` adds an entry per blueprint (summary, tags, maturity, owners).\nblueprints: []\n# Where `pave feedback submit` sends feedback items:\n# feedback:\n#   sink: git            # git (a branch of this repository) | http (a webhook)\n#   branch: pave-feedback\n"
    );
    vec![
        ("registry.yaml", index),
        ("README.md", README.replace("{{name}}", name)),
        (".github/workflows/pave.yml", WORKFLOW.to_string()),
        ("blueprints/.gitkeep", String::new()),
    ]
}

/// Creates the registry in `dir` (which must be missing or empty) with one commit on `main`.
pub fn init(dir: &Path, name: &str) -> Result<(), ScaffoldError> {
    if crate::names::registry(name).is_err() {
        return Err(ScaffoldError::BadName(name.to_string()));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let fail = |cause: String| ScaffoldError::Write {
        path: dir.to_path_buf(),
        cause,
    };
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo =
        git2::Repository::init_opts(dir, &opts).map_err(|e| fail(e.message().to_string()))?;
    let who = match identity(&repo) {
        Some(who) => who,
        None => {
            let _ = std::fs::remove_dir_all(dir);
            return Err(ScaffoldError::NoIdentity);
        }
    };
    let written = (|| -> Result<(), String> {
        let mut index = repo.index().map_err(|e| e.message().to_string())?;
        for (path, text) in files(name) {
            let full = dir.join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&full, text).map_err(|e| e.to_string())?;
            index
                .add_path(Path::new(path))
                .map_err(|e| e.message().to_string())?;
        }
        index.write().map_err(|e| e.message().to_string())?;
        let tree = index.write_tree().map_err(|e| e.message().to_string())?;
        let tree = repo.find_tree(tree).map_err(|e| e.message().to_string())?;
        repo.commit(
            Some("HEAD"),
            &who,
            &who,
            &format!("Registry {name}: index, contributor guide and CI"),
            &tree,
            &[],
        )
        .map_err(|e| e.message().to_string())?;
        Ok(())
    })();
    written.map_err(|cause| {
        let _ = std::fs::remove_dir_all(dir);
        fail(cause)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_parses_and_the_workflow_is_pinned() {
        let files = files("acme");
        let index = &files[0].1;
        let parsed = crate::manifest::parse_index(index, "registry.yaml").unwrap();
        assert_eq!(parsed.name, "acme");
        assert!(parsed.blueprints.is_empty());
        let workflow = &files[2].1;
        for line in workflow
            .lines()
            .filter(|l| l.trim_start().starts_with("uses:"))
        {
            let reference = line.split('@').nth(1).unwrap_or_default();
            let sha = reference.split_whitespace().next().unwrap_or_default();
            assert_eq!(sha.len(), 40, "{line}");
            assert!(line.contains("# v"), "{line}");
        }
        assert!(workflow.contains("persist-credentials: false"));
        assert!(workflow.contains("permissions:"));
    }
}
