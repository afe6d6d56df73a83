//! The git feedback sink ([`GitSink`]): one JSON file per item, `feedback/<blueprint>/<id>.json`
//! (`_new-pattern` for an item naming no blueprint), on a branch of the registry (or of another
//! repository), committed in the cache's bare clone (no work tree) and pushed.
//!
//! Every write runs under the cache's exclusive lock over a fresh fetch ([`WriteSession`]): the
//! change is applied on the branch's tip (an empty tree when the branch does not exist yet),
//! committed and pushed; when the branch moved on the server meanwhile, the clone is fetched
//! again and the change re-applied on the new tip, a bounded number of times, so concurrent
//! writers all land. The cache's refs move only after the server accepted the push. An item
//! already on the branch under its id is not written again (a resend is a no-op).
//!
//! The platform team's status changes ([`Change`]) are commits too: the item's file with a
//! [`StatusChange`] appended, committed with the git identity of whoever made it.

use super::item::{self, Author, Item, Status, StatusChange};
use super::sink::{FeedbackSink, Sent, SinkError};
use crate::error::{Classify, ErrorKind};
use crate::manifest::DEFAULT_FEEDBACK_BRANCH;
use crate::registry::git::write::{self, TreeChange};
use crate::registry::git::{GitError, GitSource, PushError, RefUpdate, WriteSession};
use crate::registry::{RegistryError, StaleCache};
use git2::{Oid, Signature};
use std::path::Path;
use std::time::Duration;

/// The folder of the branch that holds the items.
pub const ROOT: &str = "feedback";

/// The folder for items that name no blueprint (a pattern someone needed and did not find).
pub const NO_BLUEPRINT: &str = "_new-pattern";

/// How many times a write is applied on a fresh tip before giving up.
pub const MAX_ATTEMPTS: u32 = 12;

/// The committer of anonymous items (and the email of submitters who have none).
const PAVE_NAME: &str = "pave";
const PAVE_EMAIL: &str = "feedback@pave.invalid";

/// A status change the platform team makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The team will act on it, with a note on how (`absorbed into blueprints/x`).
    Accept(Option<String>),
    /// A released version answers it.
    Resolve(semver::Version),
    /// The team will not act on it, and why.
    Decline(String),
}

impl Change {
    /// The status the item gets.
    pub fn status(&self) -> Status {
        match self {
            Change::Accept(_) => Status::Accepted,
            Change::Resolve(_) => Status::Addressed,
            Change::Decline(_) => Status::Declined,
        }
    }

    /// The commit message for item `id`.
    pub fn message(&self, id: &str) -> String {
        match self {
            Change::Accept(None) => format!("feedback: accept {id}"),
            Change::Accept(Some(note)) => format!("feedback: accept {id}\n\n{note}\n"),
            Change::Resolve(v) => format!("feedback: resolve {id} in {v}"),
            Change::Decline(why) => format!("feedback: decline {id}\n\n{why}\n"),
        }
    }

    /// `item` with this change made by `by` at `at` (RFC 3339) appended to its history.
    pub fn apply(&self, item: &Item, by: Author, at: String) -> Item {
        let mut item = item.clone();
        item.status = self.status();
        let reason = match self {
            Change::Accept(note) => note.clone(),
            Change::Resolve(v) => {
                item.addressed_in = Some(v.clone());
                Some(format!("addressed in {v}"))
            }
            Change::Decline(why) => Some(why.clone()),
        };
        item.history.push(StatusChange {
            status: self.status(),
            by: Some(by),
            at,
            reason,
        });
        item
    }
}

/// Why the git sink could not do something. Every URL is without credentials.
#[derive(Debug, thiserror::Error)]
pub enum GitSinkError {
    /// The repository could not be fetched (unreachable, authentication, cache).
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A fetch after a refused push failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The push failed or was refused.
    #[error(transparent)]
    Push(#[from] PushError),
    /// The branch kept moving on the server: every attempt found a newer tip.
    #[error(
        "branch {branch} of {url} kept moving while writing: {attempts} attempts each found a newer tip"
    )]
    Busy {
        /// The repository.
        url: String,
        /// The branch.
        branch: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// No item with that id on the branch.
    #[error("no feedback item `{id}` on branch {branch} of {url}{}", .stale.as_ref().map(|s| format!(" (--offline: {s})")).unwrap_or_default())]
    NotFound {
        /// The id asked for.
        id: String,
        /// The repository.
        url: String,
        /// The branch.
        branch: String,
        /// The cache the branch was read from, when `--offline` kept it from being fetched.
        stale: Option<StaleCache>,
    },
    /// A file on the branch is not an item.
    #[error("{path} on branch {branch} of {url} is not a feedback item: {cause}")]
    BadItem {
        /// The file.
        path: String,
        /// The repository.
        url: String,
        /// The branch.
        branch: String,
        /// What is wrong with it.
        cause: String,
    },
    /// A status change needs to say who made it.
    #[error("a status change records who made it, and git has no identity configured")]
    NoIdentity,
    /// The change does not fit the item (a version that is no version of its blueprint).
    #[error("feedback item {id}: {why}")]
    Refused {
        /// The item.
        id: String,
        /// Why, with what would fit.
        why: String,
    },
    /// An item could not be turned into JSON.
    #[error("cannot write feedback item {id} as JSON: {cause}")]
    Encode {
        /// The item.
        id: String,
        /// Why.
        cause: String,
    },
}

impl Classify for GitSinkError {
    fn kind(&self) -> ErrorKind {
        match self {
            GitSinkError::Registry(e) => e.kind(),
            GitSinkError::Git(e) => e.kind(),
            GitSinkError::Push(e) => e.kind(),
            GitSinkError::NoIdentity | GitSinkError::Refused { .. } => ErrorKind::Usage,
            _ => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            GitSinkError::Registry(e) => e.hint(),
            GitSinkError::Git(e) => e.hint(),
            GitSinkError::Push(e) => e.hint(),
            GitSinkError::NoIdentity => Some(
                "set it with `git config --global user.name \"...\"` and `git config --global user.email ...` (or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL)".into(),
            ),
            GitSinkError::NotFound {
                stale: Some(stale), ..
            } => Some(format!(
                "run `pave registry sync {}` while online to see the items sent since, or drop --offline",
                stale.registry
            )),
            GitSinkError::NotFound { .. } => {
                Some("`pave feedback list` shows the items on the branch".into())
            }
            GitSinkError::Busy { .. } => Some("run the command again".into()),
            _ => None,
        }
    }
}

impl GitSinkError {
    /// The error as a sink's answer: try later when the server could not be reached or kept
    /// moving, refused when credentials or the server refused the write.
    pub fn to_sink_error(&self) -> SinkError {
        let text = self.to_string();
        let refused = match self {
            GitSinkError::Registry(RegistryError::Git(e)) | GitSinkError::Git(e) => {
                matches!(e, GitError::Auth { .. })
            }
            GitSinkError::Push(e) => {
                matches!(e, PushError::Auth { .. } | PushError::Rejected { .. })
            }
            GitSinkError::BadItem { .. } | GitSinkError::Encode { .. } => true,
            _ => false,
        };
        if refused {
            SinkError::Refused(text)
        } else {
            SinkError::Unavailable(text)
        }
    }
}

/// What a write should do on a given tip.
struct Plan {
    path: String,
    bytes: Vec<u8>,
    message: String,
    who: Signature<'static>,
}

/// A branch of a git repository that holds feedback items.
pub struct GitSink {
    source: GitSource,
    branch: String,
}

impl GitSink {
    /// The sink on `branch` (default [`DEFAULT_FEEDBACK_BRANCH`]) of the repository `source`
    /// names.
    pub fn new(source: GitSource, branch: Option<&str>) -> Self {
        GitSink {
            source,
            branch: branch.unwrap_or(DEFAULT_FEEDBACK_BRANCH).to_string(),
        }
    }

    /// The branch's name.
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// The repository's URL without credentials.
    pub fn url(&self) -> &str {
        self.source.url()
    }

    fn refname(&self) -> String {
        format!("refs/heads/{}", self.branch)
    }

    /// The file that holds `item` on the branch.
    pub fn path_of(item: &Item) -> String {
        let folder = item
            .blueprint
            .as_deref()
            .filter(|b| is_plain_name(b))
            .unwrap_or(NO_BLUEPRINT);
        format!("{ROOT}/{folder}/{}.json", item.id)
    }

    /// Writes `item` to the branch (creating the branch from an empty tree when missing) and
    /// pushes it; an item already there under its id is left as it is. Returns the commit,
    /// `None` when nothing was written.
    pub fn submit(&self, item: &Item) -> Result<Option<Oid>, GitSinkError> {
        let path = Self::path_of(item);
        if !item::is_id(&item.id) {
            return Err(self.bad_item(&path, format!("`{}` is not an item id", item.id)));
        }
        let bytes = encode(item)?;
        let who = submitter(item)?;
        let message = submit_message(item);
        self.write(|session, tip| {
            if let Some(tip) = tip
                && find_item(session, tip, &item.id)
                    .map_err(|e| session.git_error("cannot read the feedback branch", &e))?
                    .is_some()
            {
                return Ok(None);
            }
            Ok(Some(Plan {
                path: path.clone(),
                bytes: bytes.clone(),
                message: message.clone(),
                who: who.clone(),
            }))
        })
    }

    /// Makes `change` to item `id` as the user's git identity, commits and pushes it; the
    /// item as it is now.
    pub fn change(&self, id: &str, change: &Change) -> Result<Item, GitSinkError> {
        self.change_checked(id, change, |_| Ok(()))
    }

    /// [`change`](Self::change), once `check` accepts the item as it is on the branch's tip;
    /// what `check` refuses (the reason) is [`GitSinkError::Refused`], and nothing is written.
    pub fn change_checked(
        &self,
        id: &str,
        change: &Change,
        check: impl Fn(&Item) -> Result<(), String>,
    ) -> Result<Item, GitSinkError> {
        let mut result = None;
        self.write(|session, tip| {
            let who = write::identity(session.repo()).ok_or(GitSinkError::NoIdentity)?;
            let by = Author {
                name: who.name().unwrap_or_default().to_string(),
                email: who
                    .email()
                    .ok()
                    .map(str::to_string)
                    .filter(|e| !e.is_empty()),
            };
            let found = match tip {
                Some(tip) => find_item(session, tip, id)
                    .map_err(|e| session.git_error("cannot read the feedback branch", &e))?,
                None => None,
            };
            let Some((path, text)) = found else {
                return Err(self.not_found(id));
            };
            let current = self.decode(&path, &text)?;
            check(&current).map_err(|why| GitSinkError::Refused {
                id: current.id.clone(),
                why,
            })?;
            let changed = change.apply(&current, by, item::now_rfc3339());
            let bytes = encode(&changed)?;
            let message = change.message(&changed.id);
            result = Some(changed);
            Ok(Some(Plan {
                path,
                bytes,
                message,
                who,
            }))
        })?;
        result.ok_or_else(|| self.not_found(id))
    }

    /// Every item at the branch's tip, by id; none when the branch does not exist yet. The
    /// repository is fetched first, unless this process fetched it already or `--offline`
    /// forbids it (then the cache is read as it is).
    pub fn items(&self) -> Result<Vec<Item>, GitSinkError> {
        if self.source.offline() || self.source.fetched_in_this_run() {
            return self.source.read_cached(|repo| self.items_in(repo))?;
        }
        let session = self.source.write_session()?;
        self.items_in(session.repo())
    }

    /// The item `id` (any case), read as [`Self::items`] reads them; offline, a missing item
    /// says how old the cache is.
    pub fn item(&self, id: &str) -> Result<Item, GitSinkError> {
        let items = self.items()?;
        items
            .into_iter()
            .find(|i| i.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| GitSinkError::NotFound {
                id: id.to_string(),
                url: self.url().to_string(),
                branch: self.branch.clone(),
                stale: self.source.stale(),
            })
    }

    /// [`Self::item`], read from the cache as it is when the registry cannot be reached; the
    /// second value then says so, with the cause.
    pub fn item_or_cached(&self, id: &str) -> Result<(Item, Option<String>), GitSinkError> {
        match self.item(id) {
            Err(GitSinkError::Registry(e)) if !self.source.offline() => {
                let items = self.source.read_cached(|repo| self.items_in(repo))??;
                let item = items
                    .into_iter()
                    .find(|i| i.id.eq_ignore_ascii_case(id))
                    .ok_or_else(|| self.not_found(id))?;
                let why = format!(
                    "{} could not be fetched ({}); feedback {} was read from the cache",
                    self.url(),
                    crate::error::one_line(&e),
                    item.id
                );
                Ok((item, Some(why)))
            }
            other => other.map(|item| (item, None)),
        }
    }

    /// Every item on the branch in `repo`.
    fn items_in(&self, repo: &git2::Repository) -> Result<Vec<Item>, GitSinkError> {
        let tip = repo
            .find_reference(&self.refname())
            .ok()
            .and_then(|r| r.peel_to_commit().ok());
        let Some(tip) = tip else {
            return Ok(Vec::new());
        };
        let files = write::read_folder(repo, &tip, ROOT)
            .map_err(|e| self.source.git_error("cannot read the feedback branch", &e))?;
        let mut items = Vec::new();
        for (rel, entry) in &files {
            if !rel.ends_with(".json") {
                continue;
            }
            if let crate::blueprint::Entry::File { data, .. } = entry {
                let text = String::from_utf8_lossy(data);
                items.push(self.decode(&format!("{ROOT}/{rel}"), &text)?);
            }
        }
        items.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(items)
    }

    fn not_found(&self, id: &str) -> GitSinkError {
        GitSinkError::NotFound {
            id: id.to_string(),
            url: self.url().to_string(),
            branch: self.branch.clone(),
            stale: None,
        }
    }

    fn decode(&self, path: &str, text: &str) -> Result<Item, GitSinkError> {
        serde_json::from_str(text).map_err(|e| self.bad_item(path, e.to_string()))
    }

    fn bad_item(&self, path: &str, cause: String) -> GitSinkError {
        GitSinkError::BadItem {
            path: path.to_string(),
            url: self.url().to_string(),
            branch: self.branch.clone(),
            cause,
        }
    }

    /// Applies `plan` on the branch's tip, commits and pushes; on a push refused because the
    /// branch moved, fetches and applies it again on the new tip. Returns the commit pushed,
    /// `None` when `plan` found the branch already holds it.
    fn write<F>(&self, mut plan: F) -> Result<Option<Oid>, GitSinkError>
    where
        F: FnMut(
            &WriteSession<'_>,
            Option<&git2::Commit<'_>>,
        ) -> Result<Option<Plan>, GitSinkError>,
    {
        let session = self.source.write_session()?;
        let refname = self.refname();
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(backoff(attempt));
                session.refetch()?;
            }
            let tip = session.commit_at(&refname);
            let Some(plan) = plan(&session, tip.as_ref())? else {
                return Ok(None);
            };
            let repo = session.repo();
            let change = TreeChange {
                dir: String::new(),
                files: None,
                set: vec![(plan.path, plan.bytes)],
            };
            let commit = write::build_tree(repo, tip.as_ref(), &change)
                .and_then(|tree| write::commit(repo, tip.as_ref(), tree, &plan.who, &plan.message))
                .map_err(|e| session.git_error("cannot commit the feedback", &e))?;
            match session.push(&[RefUpdate {
                name: refname.clone(),
                target: Some(commit),
            }]) {
                Ok(()) => return Ok(Some(commit)),
                Err(e) if e.is_stale() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(GitSinkError::Busy {
            url: self.url().to_string(),
            branch: self.branch.clone(),
            attempts: MAX_ATTEMPTS,
        })
    }
}

impl FeedbackSink for GitSink {
    fn send(&self, item: &Item) -> Result<Sent, SinkError> {
        self.submit(item)
            .map(|_| Sent {
                to: self.describe(),
            })
            .map_err(|e| e.to_sink_error())
    }

    fn describe(&self) -> String {
        format!("branch {} of {}", self.branch, self.url())
    }
}

/// Whether `name` can be a folder name on the branch (no separators, no dot names).
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.starts_with('_')
        && !name.contains(['/', '\\', '\0'])
}

/// The item's file text: pretty JSON with a final newline.
fn encode(item: &Item) -> Result<Vec<u8>, GitSinkError> {
    let mut bytes = serde_json::to_vec_pretty(item).map_err(|e| GitSinkError::Encode {
        id: item.id.clone(),
        cause: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The submitter's identity for the commit, or pave's for an anonymous item (or a name git
/// cannot use).
fn submitter(item: &Item) -> Result<Signature<'static>, GitSinkError> {
    let named = item
        .author
        .as_ref()
        .and_then(|a| Signature::now(&a.name, a.email.as_deref().unwrap_or(PAVE_EMAIL)).ok());
    match named {
        Some(s) => Ok(s),
        None => Signature::now(PAVE_NAME, PAVE_EMAIL).map_err(|e| GitSinkError::Encode {
            id: item.id.clone(),
            cause: e.message().to_string(),
        }),
    }
}

fn submit_message(item: &Item) -> String {
    let about = item::named(&item.blueprint, &item.version)
        .map(|n| format!(" on {n}"))
        .unwrap_or_default();
    format!(
        "feedback: {} {}{about}\n\n{}\n",
        item.kind.as_str(),
        item.id,
        item.summary(72)
    )
}

/// The item `id`'s file under [`ROOT`] of `tip`: its path and text.
fn find_item(
    session: &WriteSession<'_>,
    tip: &git2::Commit<'_>,
    id: &str,
) -> Result<Option<(String, String)>, git2::Error> {
    let repo = session.repo();
    let root = tip.tree()?;
    let folder = match root.get_path(Path::new(ROOT)) {
        Ok(entry) => repo.find_tree(entry.id())?,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let wanted = format!("{id}.json");
    for entry in folder.iter() {
        if entry.kind() != Some(git2::ObjectType::Tree) {
            continue;
        }
        let sub = repo.find_tree(entry.id())?;
        let hit = sub.iter().find(|e| {
            e.kind() == Some(git2::ObjectType::Blob)
                && e.name().is_ok_and(|n| n.eq_ignore_ascii_case(&wanted))
        });
        if let Some(hit) = hit {
            let blob = repo.find_blob(hit.id())?;
            let path = format!(
                "{ROOT}/{}/{}",
                entry.name().unwrap_or_default(),
                hit.name().unwrap_or_default()
            );
            return Ok(Some((
                path,
                String::from_utf8_lossy(blob.content()).into_owned(),
            )));
        }
    }
    Ok(None)
}

/// How long to wait before attempt `n` (1-based): growing, with jitter so that writers that
/// collided do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    let base = 20u64 * u64::from(attempt.min(8));
    let mut jitter = [0u8; 2];
    let extra = match getrandom::fill(&mut jitter) {
        Ok(()) => u64::from(u16::from_le_bytes(jitter)) % (base + 1),
        Err(_) => 0,
    };
    Duration::from_millis(base + extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::item::Kind;

    fn item(blueprint: Option<&str>) -> Item {
        Item {
            id: "01JC3Z5X0M6V7Q2W9R4T8Y1B3N".into(),
            kind: Kind::Bug,
            rating: None,
            message: "it breaks".into(),
            blueprint: blueprint.map(str::to_string),
            version: None,
            registry: None,
            project: None,
            author: None,
            created: "2025-01-01T00:00:00.000Z".into(),
            pave_version: "0.0.0".into(),
            diff: None,
            diff_truncated: false,
            answers: None,
            project_remote: None,
            status: Status::Open,
            addressed_in: None,
            history: Vec::new(),
        }
    }

    #[test]
    fn items_without_a_plain_blueprint_go_to_the_new_pattern_folder() {
        assert_eq!(
            GitSink::path_of(&item(Some("orders-api"))),
            "feedback/orders-api/01JC3Z5X0M6V7Q2W9R4T8Y1B3N.json"
        );
        for odd in [
            None,
            Some("../x"),
            Some("a/b"),
            Some(""),
            Some("_new-pattern"),
        ] {
            assert_eq!(
                GitSink::path_of(&item(odd)),
                "feedback/_new-pattern/01JC3Z5X0M6V7Q2W9R4T8Y1B3N.json",
                "{odd:?}"
            );
        }
    }

    #[test]
    fn a_change_sets_the_status_and_appends_who_when_why() {
        let by = Author {
            name: "Pat".into(),
            email: Some("pat@example.invalid".into()),
        };
        let v = semver::Version::new(1, 2, 0);
        let done = Change::Resolve(v.clone()).apply(&item(None), by.clone(), "T1".into());
        assert_eq!(done.status, Status::Addressed);
        assert_eq!(done.addressed_in, Some(v));
        let declined = Change::Decline("out of scope".into()).apply(&done, by.clone(), "T2".into());
        assert_eq!(declined.status, Status::Declined);
        assert_eq!(declined.history.len(), 2);
        assert_eq!(declined.history[1].by, Some(by));
        assert_eq!(declined.history[1].at, "T2");
        assert_eq!(declined.history[1].reason.as_deref(), Some("out of scope"));
        assert_eq!(
            Change::Resolve(semver::Version::new(1, 2, 0)).message("X"),
            "feedback: resolve X in 1.2.0"
        );
    }

    #[test]
    fn anonymous_items_are_committed_as_pave() {
        let s = submitter(&item(None)).unwrap();
        assert_eq!(s.name().ok(), Some(PAVE_NAME));
        let mut named = item(None);
        named.author = Some(Author {
            name: "Dev".into(),
            email: None,
        });
        let s = submitter(&named).unwrap();
        assert_eq!(
            (s.name().ok(), s.email().ok()),
            (Some("Dev"), Some(PAVE_EMAIL))
        );
    }
}
