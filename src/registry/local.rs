//! A blueprint folder on disk (`pave new ./my-blueprint`, `pave blueprint lint/test <path>`):
//! read as it is, its one version being the manifest's. [`LocalSource`] makes it a
//! [`BlueprintSource`] like the registries: an index of one entry and one version. Symbolic
//! links are kept as links and checked by [`Blueprint::from_tree`]; nothing outside the
//! folder is read.

use super::{BlueprintSource, Loaded, RegistryError};
use crate::blueprint::{Blueprint, Entry, FileTree};
use crate::manifest::{IndexEntry, RegistryIndex};
use semver::Version;
use std::path::Path;

/// A blueprint folder as a source, read once when opened.
#[derive(Debug, Clone)]
pub struct LocalSource {
    label: String,
    loaded: Loaded,
}

impl LocalSource {
    /// Reads the blueprint in folder `dir`; its name in messages is the path as given.
    pub fn open(dir: &Path) -> Result<Self, RegistryError> {
        Ok(LocalSource {
            label: dir.display().to_string(),
            loaded: load(dir)?,
        })
    }

    /// The blueprint's name (from its manifest).
    pub fn blueprint_name(&self) -> &str {
        self.loaded.blueprint.name()
    }

    /// The blueprint's one version (from its manifest).
    pub fn version(&self) -> &Version {
        self.loaded.blueprint.version()
    }
}

impl BlueprintSource for LocalSource {
    fn name(&self) -> &str {
        &self.label
    }

    fn index(&self) -> Result<RegistryIndex, RegistryError> {
        let m = &self.loaded.blueprint.manifest;
        Ok(RegistryIndex {
            api_version: m.api_version.clone(),
            name: self.label.clone(),
            description: None,
            blueprints: vec![IndexEntry {
                name: m.name.clone(),
                path: String::from("."),
                summary: m.summary.clone(),
                tags: m.tags.clone(),
                ..IndexEntry::default()
            }],
            feedback: None,
        })
    }

    fn versions(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError> {
        self.entry(blueprint)?;
        Ok(vec![self.version().clone()])
    }

    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError> {
        self.entry(blueprint)?;
        if version != self.version() {
            return Err(RegistryError::NoMatchingVersion {
                name: blueprint.to_string(),
                req: format!("={version}"),
                available: vec![self.version().to_string()],
            });
        }
        Ok(self.loaded.clone())
    }

    fn location(&self) -> String {
        self.loaded.registry.clone()
    }
}

/// Reads every file under `dir` into a tree (skipping `.git`).
pub fn read_tree(dir: &Path) -> Result<FileTree, RegistryError> {
    let mut files = FileTree::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name();
    for item in walker.into_iter().filter_entry(|e| e.file_name() != ".git") {
        let item =
            item.map_err(|e| std::io::Error::other(format!("cannot read {}: {e}", dir.display())))?;
        let Ok(rel) = item.path().strip_prefix(dir) else {
            continue;
        };
        let key = rel.to_string_lossy().replace('\\', "/");
        let file_type = item.file_type();
        if file_type.is_symlink() {
            let target = fs_err::read_link(item.path())?;
            files.insert(
                key,
                Entry::Symlink {
                    target: target.to_string_lossy().into_owned(),
                },
            );
        } else if file_type.is_file() {
            let data = fs_err::read(item.path())?;
            files.insert(
                key,
                Entry::File {
                    data: data.into(),
                    executable: item
                        .metadata()
                        .is_ok_and(|m| crate::mode::is_executable(&m)),
                },
            );
        }
    }
    Ok(files)
}

/// Loads the blueprint in folder `dir`.
pub fn load(dir: &Path) -> Result<Loaded, RegistryError> {
    if !dir.is_dir() {
        return Err(RegistryError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "{} is not a folder (a blueprint folder holds blueprint.yaml and template/)",
                dir.display()
            ),
        )));
    }
    let files = read_tree(dir)?;
    let blueprint = Blueprint::from_tree(&dir.display().to_string(), files)?;
    let registry = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    Ok(Loaded {
        blueprint,
        registry: registry.display().to_string(),
        commit: None,
    })
}
