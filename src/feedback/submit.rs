//! Submitting and flushing feedback: [`submit`] writes an item (with, when asked, the
//! project's diff from its blueprint, masked by [`redact`], and its recorded answers), keeps it in the spool and flushes
//! what may be sent; [`flush`] sends what waits in the spool. Every diff that reaches an item
//! here goes through [`redact::mask_diff`], so none leaves the machine unmasked.

use super::item::{self, Author, Item, ItemError, Kind, Status};
use super::redact;
use super::route::Sinks;
use super::spool::{FlushScope, Outcome, SentLog, Spool, SpoolError};
use crate::config::ConfigError;
use crate::error::{Classify, ErrorKind};
use crate::project::diff::{DiffError, Limit, ProjectDiff, ProjectDiffOptions, project_diff};
use crate::project::pristine::read_record;
use std::path::{Path, PathBuf};

/// What an item is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The blueprint, when the item names one.
    pub blueprint: Option<String>,
    /// Its version, when known.
    pub version: Option<semver::Version>,
    /// The registry as recorded (`builtin`, a URL without credentials, a folder).
    pub registry: String,
    /// The project's name, when the item comes from a project.
    pub project: Option<String>,
    /// The project's git remote URL, without credentials (a `new-pattern` sent from a
    /// project's work tree names it).
    pub project_remote: Option<String>,
    /// The project's answers as its `.pave.yaml` holds them (a `new-pattern` sent from a pave
    /// project names them). With an attached diff they are read from the project's record.
    pub answers: Option<serde_json::Map<String, serde_json::Value>>,
}

/// What the submitter says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The kind of item.
    pub kind: Kind,
    /// A rating from 1 to 5.
    pub rating: Option<u8>,
    /// The message (trailing whitespace is dropped).
    pub message: String,
    /// Who sends it; `None` is anonymous.
    pub author: Option<Author>,
    /// The project folder whose diff from its blueprint is attached, if any.
    pub diff_of: Option<PathBuf>,
}

/// What [`submit`] did.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The item as it was kept and sent.
    pub item: Item,
    /// What happened to each item the flush after it tried (this one and older ones).
    pub outcomes: Vec<Outcome>,
    /// How many lines of the diff were masked.
    pub masked: usize,
    /// Files left out of the diff because they render a secret answer.
    pub left_out: Vec<String>,
}

impl Submitted {
    /// What happened to the submitted item, when the flush tried it.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id == self.item.id)
    }

    /// How many older items of the spool the flush sent.
    pub fn others_sent(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.id != self.item.id && o.result.is_ok())
            .count()
    }
}

/// Why an item could not be submitted or the spool flushed.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The rating or message is not valid, or no id could be made.
    #[error(transparent)]
    Item(#[from] ItemError),
    /// The project could not be compared with its blueprint.
    #[error("cannot compare the project with its blueprint for the attached diff")]
    Diff(#[source] DiffError),
    /// The user's configuration cannot be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The item could not be written to the spool.
    #[error("cannot keep the feedback item in the spool")]
    Keep(#[source] SpoolError),
    /// The spool could not be read or updated.
    #[error(transparent)]
    Spool(#[from] SpoolError),
}

impl Classify for SubmitError {
    fn kind(&self) -> ErrorKind {
        match self {
            SubmitError::Diff(e) => e.kind(),
            SubmitError::Config(e) => e.kind(),
            SubmitError::Item(_) | SubmitError::Keep(_) | SubmitError::Spool(_) => {
                ErrorKind::Failure
            }
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            SubmitError::Diff(e) => e.hint(),
            SubmitError::Config(e) => e.hint(),
            _ => None,
        }
    }
}

/// Writes an item about `subject` from `draft`, keeps it in the spool of the state folder
/// `state`, then flushes every item that may be sent (refused ones stay) to its sink.
pub fn submit(
    subject: Subject,
    draft: Draft,
    sinks: &mut Sinks,
    state: &Path,
) -> Result<Submitted, SubmitError> {
    item::check(draft.rating, &draft.message)?;
    let mut item = Item {
        id: item::new_id()?,
        kind: draft.kind,
        rating: draft.rating,
        message: draft.message.trim_end().to_string(),
        blueprint: subject.blueprint,
        version: subject.version,
        registry: Some(subject.registry),
        project: subject.project,
        author: draft.author,
        created: item::now_rfc3339(),
        pave_version: crate::VERSION.to_string(),
        diff: None,
        diff_truncated: false,
        answers: subject.answers,
        project_remote: subject.project_remote.map(|u| crate::url::redact_url(&u)),
        status: Status::Open,
        addressed_in: None,
        history: Vec::new(),
    };
    let mut masked = 0;
    let mut left_out = Vec::new();
    if let Some(dir) = &draft.diff_of {
        let options = ProjectDiffOptions {
            leave_out_secrets: true,
        };
        let diff = project_diff(sinks.registries()?, dir, options, &Limit::default())
            .map_err(SubmitError::Diff)?;
        masked = attach_diff(&mut item, &diff);
        left_out = diff.left_out;
        // What `blueprint absorb --feedback` replays the diff with: the answers exactly as the
        // record holds them, which never holds a secret.
        let record = read_record(dir).map_err(|e| SubmitError::Diff(e.into()))?;
        item.answers = Some(record.answers);
    }
    let spool = Spool::in_state(state);
    spool.put(&item).map_err(SubmitError::Keep)?;
    let outcomes = flush(sinks, state, FlushScope::Retryable)?;
    Ok(Submitted {
        item,
        outcomes,
        masked,
        left_out,
    })
}

/// Attaches `diff` to `item` masked and capped by [`redact::mask_diff`] (nothing when it is
/// empty); gives how many lines were masked. The one way a diff gets into an item here.
fn attach_diff(item: &mut Item, diff: &ProjectDiff) -> usize {
    let patch = diff.unified();
    if patch.is_empty() {
        return 0;
    }
    let safe = redact::mask_diff(&patch);
    item.diff = Some(safe.text);
    item.diff_truncated = safe.truncated;
    safe.masked
}

/// Sends the items of the spool in the state folder `state` (in `scope`) to their sinks.
pub fn flush(
    sinks: &mut Sinks,
    state: &Path,
    scope: FlushScope,
) -> Result<Vec<Outcome>, SpoolError> {
    let spool = Spool::in_state(state);
    let sent = SentLog::in_state(state);
    spool.flush(scope, &sent, |item| sinks.sink_for(item))
}
