//! `registry.yaml`: the index of a registry (its name, its blueprints with summaries, tags,
//! maturity and owners, and where feedback goes).

use super::{API_VERSION, ManifestError, Problems};
use serde::{Deserialize, Serialize};

/// A registry's index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegistryIndex {
    /// Always `pave/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// The registry's own name (informational; users name registries in their config).
    pub name: String,
    /// One line about the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The blueprints it holds.
    #[serde(default)]
    pub blueprints: Vec<IndexEntry>,
    /// Where `pave feedback submit` sends items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackConfig>,
}

/// One blueprint in an index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    /// The blueprint's name, as used on the command line.
    pub name: String,
    /// Its folder in the registry, relative to the root.
    pub path: String,
    /// One line for `pave list`.
    pub summary: String,
    /// Free-form tags for `pave list --tag`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How much the platform team stands behind it.
    #[serde(default)]
    pub maturity: Maturity,
    /// Who keeps it.
    #[serde(default)]
    pub owners: Vec<String>,
}

/// How much the platform team stands behind a blueprint.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Maturity {
    /// New, may change without notice.
    #[default]
    Experimental,
    /// The paved road.
    Recommended,
    /// Kept for existing projects; do not start new ones with it.
    Deprecated,
}

impl Maturity {
    /// The lower-case name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Maturity::Experimental => "experimental",
            Maturity::Recommended => "recommended",
            Maturity::Deprecated => "deprecated",
        }
    }
}

/// Where feedback goes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedbackConfig {
    /// `git` (a branch of the registry) or `http` (a webhook).
    pub sink: String,
    /// The branch for the `git` sink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The URL for the `http` sink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Parses and validates a `registry.yaml`.
pub fn parse_index(src: &str, file: &str) -> Result<RegistryIndex, ManifestError> {
    let index: RegistryIndex = crate::yaml::parse(src, file)?;
    let mut problems = Problems::new(src);
    if index.api_version != API_VERSION {
        problems.push(
            "apiVersion",
            format!(
                "apiVersion `{}` is not supported; use `{API_VERSION}`",
                index.api_version
            ),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for entry in &index.blueprints {
        if let Err(e) = crate::names::blueprint(&entry.name) {
            problems.push(&entry.name, e.to_string());
        }
        if !seen.insert(entry.name.as_str()) {
            problems.push(
                &entry.name,
                format!("blueprint `{}` is listed twice", entry.name),
            );
        }
        if entry.path.starts_with('/') || entry.path.split('/').any(|s| s == "..") {
            problems.push(
                &entry.path,
                format!(
                    "path `{}` must be relative and stay inside the registry",
                    entry.path
                ),
            );
        }
    }
    if let Some(feedback) = &index.feedback {
        match feedback.sink.as_str() {
            "git" | "http" => {}
            other => problems.push(
                "sink",
                format!("feedback sink `{other}` is not one of: git, http"),
            ),
        }
        if feedback.sink == "http" && feedback.url.is_none() {
            problems.push("sink", "feedback sink `http` needs a `url`");
        }
    }
    problems.finish(file)?;
    Ok(index)
}
