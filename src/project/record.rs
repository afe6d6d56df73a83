//! A project's record, `.pave.yaml`, the answers file at the root of every rendered project:
//! which registry, blueprint, version and commit it came from and the answers given (never
//! secrets). `update`, `diff`, `outdated` and `feedback` read it. [`find_upward`] and
//! [`locate`] find the project a command run inside one works on, as git finds `.git`.

use crate::registry::integrity::Origin;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The file name at a project's root.
pub const FILE_NAME: &str = ".pave.yaml";

/// The contents of `.pave.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// The registry: `builtin`, a URL without credentials, or a folder.
    pub registry: String,
    /// The blueprint's name.
    pub blueprint: String,
    /// The version rendered.
    pub version: semver::Version,
    /// The git commit the version was read from, for git registries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The answers, without secrets.
    #[serde(default)]
    pub answers: Map<String, Value>,
    /// The pave version that wrote the file.
    pub pave_version: String,
}

impl ProjectFile {
    /// The file's text, with a header saying what it is.
    pub fn to_yaml(&self) -> Result<String, crate::yaml::YamlError> {
        let body = crate::yaml::to_string(self)?;
        Ok(format!(
            "# Written by pave: where this project came from and the answers given (secrets are never\n# recorded). `pave update`, `pave diff` and `pave feedback` read it; keep it in version control.\n{body}"
        ))
    }

    /// Parses the file's text.
    pub fn parse(src: &str, file: &str) -> Result<Self, crate::yaml::YamlError> {
        crate::yaml::parse(src, file)
    }

    /// Where the project came from, as the registries take it.
    pub fn origin(&self) -> Origin<'_> {
        Origin {
            registry: &self.registry,
            blueprint: &self.blueprint,
            version: &self.version,
            commit: self.commit.as_deref(),
        }
    }
}

/// The nearest of `start` and its parents that holds a `.pave.yaml` file, up to the
/// filesystem root; `None` when none does. `start` should be absolute (relative paths are
/// searched only as far as they go).
pub fn find_upward(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

/// The project folder of a command: `given` as is when there is one; else the current folder
/// when it is a project (`.`), else its nearest parent that is (as an absolute path), else
/// `.` (whose reading then says it is not a project).
pub fn locate(given: Option<&Path>) -> std::io::Result<PathBuf> {
    if let Some(dir) = given {
        return Ok(dir.to_path_buf());
    }
    let here = std::env::current_dir()?;
    Ok(match find_upward(&here) {
        Some(found) if found != here => found,
        _ => PathBuf::from("."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_folder_holding_the_record_is_found_from_below() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("orders");
        std::fs::create_dir_all(root.join("src/handlers")).unwrap();
        std::fs::write(root.join(FILE_NAME), "x").unwrap();
        assert_eq!(find_upward(&root.join("src/handlers")), Some(root.clone()));
        assert_eq!(find_upward(&root), Some(root.clone()));
        // A nested project wins over the outer one.
        std::fs::write(root.join("src").join(FILE_NAME), "x").unwrap();
        assert_eq!(
            find_upward(&root.join("src/handlers")),
            Some(root.join("src"))
        );
        // A folder named like the record is not one.
        let other = tmp.path().join("other");
        std::fs::create_dir_all(other.join(FILE_NAME)).unwrap();
        assert_eq!(find_upward(&other), None);
    }
}
