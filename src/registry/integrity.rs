//! Whether a project still matches the release it was made from: a git tag is a name that can
//! be moved, so `.pave.yaml` records the commit, and [`check_tag_moved`] compares it with the
//! commit the tag points to now.

use super::{BlueprintSource, RegistryError, git::tag_name};

/// Where a project says it came from (its `.pave.yaml`): what [`check_tag_moved`] and
/// [`Registries::open_recorded`](super::Registries::open_recorded) need of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The registry: `builtin`, a URL without credentials, or a folder.
    pub registry: &'a str,
    /// The blueprint's name.
    pub blueprint: &'a str,
    /// The version rendered.
    pub version: &'a semver::Version,
    /// The git commit the version was read from, for git registries.
    pub commit: Option<&'a str>,
}

/// A tag that no longer points where it did when a project was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMoved {
    /// The registry as messages name it ([`BlueprintSource::name`]: the configured name, else
    /// the URL without credentials).
    pub registry: String,
    /// The tag, `<blueprint>/v<version>`.
    pub tag: String,
    /// The commit in `.pave.yaml`.
    pub recorded: String,
    /// The commit the tag points to now; `None` when the tag is gone.
    pub current: Option<String>,
}

impl std::fmt::Display for TagMoved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.current {
            Some(current) => write!(
                f,
                "tag {} of {} now points to commit {}, but this project was made from commit {}: the version was re-released with other content",
                self.tag,
                self.registry,
                short(current),
                short(&self.recorded)
            ),
            None => write!(
                f,
                "tag {} no longer exists in {}; this project was made from commit {}",
                self.tag,
                self.registry,
                short(&self.recorded)
            ),
        }
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Compares the commit `project` recorded with the one its tag points to in `source` now.
/// `None` when they agree, or when the project recorded no commit (built-in registry).
pub fn check_tag_moved(
    project: Origin<'_>,
    source: &dyn BlueprintSource,
) -> Result<Option<TagMoved>, RegistryError> {
    let Some(recorded) = project.commit else {
        return Ok(None);
    };
    let current = match source.commit(project.blueprint, project.version) {
        Ok(Some(current)) => Some(current),
        // A source without commits cannot tell.
        Ok(None) => return Ok(None),
        Err(RegistryError::NoMatchingVersion { .. }) => None,
        Err(e) => return Err(e),
    };
    if current.as_deref() == Some(recorded) {
        return Ok(None);
    }
    Ok(Some(TagMoved {
        registry: source.name().to_string(),
        tag: tag_name(project.blueprint, project.version),
        recorded: recorded.to_string(),
        current,
    }))
}
