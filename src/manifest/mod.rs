//! The two manifest formats: `registry.yaml` (a registry's index, [`RegistryIndex`]) and
//! `blueprint.yaml` (one blueprint, [`Manifest`]), with their parsing and semantic validation.
//! Nothing here reads files; callers hand over the text and the name to report it under.

mod blueprint;
mod glob;
mod index;
mod pattern;

pub use blueprint::{
    FileRule, Manifest, ParamType, Parameter, Rule, parse_manifest, parse_manifest_prepared,
};
pub use glob::FileGlob;
pub use index::{
    DEFAULT_FEEDBACK_BRANCH, Deprecation, FeedbackConfig, IndexEntry, Maturity, RegistryIndex,
    Yank, parse_index, parse_index_prepared,
};

use crate::error::{Classify, ErrorKind};
use crate::yaml::YamlError;

/// The only `apiVersion` this release reads.
pub const API_VERSION: &str = "pave/v1";

/// A manifest or index that is not valid: either it does not parse, or it parses but says
/// something impossible (a bad pattern, a default outside its choices, ...).
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The YAML does not have the expected shape.
    #[error("{0}")]
    Yaml(#[from] YamlError),
    /// The YAML parses but breaks a rule of the format; `errors` lists every problem found.
    #[error("{file}: {} problem(s):\n{}", errors.len(), errors.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file as shown to the user.
        file: String,
        /// Each problem, with its position when known (`line:column: message`).
        errors: Vec<String>,
    },
}

/// Collects semantic problems with best-effort positions.
pub(crate) struct Problems<'a> {
    src: &'a str,
    errors: Vec<String>,
}

impl<'a> Problems<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Self {
            src,
            errors: Vec::new(),
        }
    }

    /// Records `message`, positioned at the first line that contains `near` when there is one.
    pub(crate) fn push(&mut self, near: &str, message: impl Into<String>) {
        let message = message.into();
        match crate::yaml::locate(self.src, near) {
            Some((line, col)) => self.errors.push(format!("{line}:{col}: {message}")),
            None => self.errors.push(message),
        }
    }

    /// Records `message`, positioned at the first line containing `near` on or after the
    /// first line containing `anchor` (else as [`Problems::push`] would).
    pub(crate) fn push_after(&mut self, anchor: &str, near: &str, message: impl Into<String>) {
        let message = message.into();
        let start = self
            .src
            .lines()
            .position(|l| l.contains(anchor))
            .unwrap_or(0);
        let found = self
            .src
            .lines()
            .enumerate()
            .skip(start)
            .find_map(|(i, line)| line.find(near).map(|col| (i + 1, col + 1)));
        match found {
            Some((line, col)) => self.errors.push(format!("{line}:{col}: {message}")),
            None => self.push(near, message),
        }
    }

    /// Records an `apiVersion` other than [`API_VERSION`].
    pub(crate) fn api_version(&mut self, found: &str) {
        if found != API_VERSION {
            self.push(
                "apiVersion",
                format!("apiVersion `{found}` is not supported; use `{API_VERSION}`"),
            );
        }
    }

    pub(crate) fn finish(self, file: &str) -> Result<(), ManifestError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ManifestError::Invalid {
                file: file.to_string(),
                errors: self.errors,
            })
        }
    }
}

impl Classify for ManifestError {
    fn kind(&self) -> ErrorKind {
        match self {
            ManifestError::Yaml(e) => e.kind(),
            ManifestError::Invalid { .. } => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ManifestError::Yaml(e) => e.hint(),
            ManifestError::Invalid { .. } => None,
        }
    }
}
