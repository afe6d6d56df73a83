//! `.pave.yaml`, the answers file at the root of every rendered project: which registry,
//! blueprint, version and commit it came from and the answers given (never secrets). `update`,
//! `diff`, `outdated` and `feedback` read it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
}
