//! The project a feedback item describes, rebuilt without the project: the recorded version
//! of its blueprint rendered with the answers the item carries (secret parameters as the
//! placeholder the submitter's diff was made with), and the item's diff applied to that render
//! (`project::patch`). What the diff cannot give back (lines masked as possible secrets, a
//! diff cut at the size cap, binary files) is named, never guessed. `blueprint absorb
//! --feedback` works on the result as it works on a project on disk.

use super::Item;
use crate::blueprint::FileTree;
use crate::error::{Classify, ErrorKind};
use crate::manifest::ParamType;
use crate::project::ProjectFile;
use crate::project::diff::SECRET_PLACEHOLDER;
use crate::project::patch::{self, PatchError, Skipped};
use crate::project::pristine::{self, PristineError, Rendered};
use crate::registry::{Loaded, Registries};
use serde_json::{Map, Value};

/// A feedback item's project.
#[derive(Debug)]
pub struct Replayed {
    /// What the project's `.pave.yaml` said (registry, blueprint, version, answers).
    pub record: ProjectFile,
    /// The recorded version.
    pub loaded: Loaded,
    /// The recorded version rendered with the item's answers.
    pub pristine: Rendered,
    /// The pristine render with the item's diff applied.
    pub project: FileTree,
    /// The parts of the diff that could not be applied, with why.
    pub skipped: Vec<Skipped>,
}

/// Why an item's project cannot be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The item carries no diff.
    #[error("feedback {id} carries no diff of its project, so there is nothing to absorb")]
    NoDiff {
        /// The item.
        id: String,
    },
    /// The item names no blueprint (a request for a new pattern).
    #[error(
        "feedback {id} names no blueprint (it asks for a new pattern), so its project has no pristine render to compare with"
    )]
    NoBlueprint {
        /// The item.
        id: String,
    },
    /// The item carries a diff but not the answers it was made with.
    #[error(
        "feedback {id} carries a diff but not the answers its project was made with (it was sent by an older pave), so the render it was made against cannot be rebuilt"
    )]
    NoAnswers {
        /// The item.
        id: String,
    },
    /// The diff does not read as a git-style patch.
    #[error("feedback {id}: {source}")]
    Patch {
        /// The item.
        id: String,
        /// What is wrong.
        #[source]
        source: PatchError,
    },
    /// The recorded version could not be loaded or rendered.
    #[error(transparent)]
    Pristine(#[from] PristineError),
}

impl Classify for ReplayError {
    fn kind(&self) -> ErrorKind {
        match self {
            ReplayError::NoDiff { .. }
            | ReplayError::NoBlueprint { .. }
            | ReplayError::NoAnswers { .. } => ErrorKind::Usage,
            ReplayError::Patch { .. } => ErrorKind::Failure,
            ReplayError::Pristine(e) => e.kind(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ReplayError::NoDiff { .. } | ReplayError::NoAnswers { .. } => Some(String::from(
                "ask the developer to send it again with `pave feedback submit --include-diff` (a pave that records answers), or absorb from their project folder",
            )),
            ReplayError::NoBlueprint { .. } => Some(String::from(
                "a new pattern comes from a project with `pave blueprint extract`; `pave feedback report` prints the command",
            )),
            ReplayError::Patch { .. } => None,
            ReplayError::Pristine(e) => e.hint(),
        }
    }
}

/// Rebuilds the project `item` describes from the registries.
pub fn replay(registries: &Registries, item: &Item) -> Result<Replayed, ReplayError> {
    let id = || item.id.clone();
    let diff = item
        .diff
        .as_deref()
        .ok_or_else(|| ReplayError::NoDiff { id: id() })?;
    let blueprint = item
        .blueprint
        .clone()
        .ok_or_else(|| ReplayError::NoBlueprint { id: id() })?;
    let answers = item
        .answers
        .clone()
        .ok_or_else(|| ReplayError::NoAnswers { id: id() })?;
    let version = item
        .version
        .clone()
        .ok_or_else(|| ReplayError::NoBlueprint { id: id() })?;
    let record = ProjectFile {
        registry: item
            .registry
            .clone()
            .unwrap_or_else(|| crate::registry::builtin::NAME.to_string()),
        blueprint,
        version,
        commit: None,
        answers,
        pave_version: item.pave_version.clone(),
    };
    let loaded = pristine::load_recorded(registries, &record)?;
    // The submitter's diff left out every file that renders a secret, rendered as this
    // placeholder; the same render here leaves those files as they are.
    let secrets: Map<String, Value> = loaded
        .blueprint
        .manifest
        .parameters
        .iter()
        .filter(|p| p.kind == ParamType::Secret)
        .map(|p| (p.name.clone(), Value::from(SECRET_PLACEHOLDER)))
        .collect();
    let pristine = pristine::render_recorded(&loaded, &record.answers, &secrets)?;
    let files = patch::parse(diff).map_err(|source| ReplayError::Patch { id: id(), source })?;
    let mut applied = patch::apply(&pristine.tree, &files);
    if item.diff_truncated
        && !applied
            .skipped
            .iter()
            .any(|s| s.reason.contains("cut short"))
    {
        applied.skipped.push(Skipped {
            path: String::from("(end of the diff)"),
            hunk: None,
            lines: Vec::new(),
            reason: String::from(
                "the diff was cut at the size cap: files after the cut are not in the item",
            ),
        });
    }
    Ok(Replayed {
        record,
        loaded,
        pristine,
        project: applied.tree,
        skipped: applied.skipped,
    })
}
