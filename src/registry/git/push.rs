//! Writing to a git registry: a [`WriteSession`] holds the cache's exclusive lock over a
//! freshly fetched bare clone, and [`WriteSession::push`] (or [`WriteSession::push_atomic`])
//! sends ref updates through git as a fetch does, checking every ref's status (a push git
//! reports as done while the server refused a ref is a failure).
//!
//! Nothing in the cache moves before the server accepted every ref: the objects to push are
//! named by temporary refs (`refs/pave-push/*`, removed afterwards), and the cache's own
//! branches and tags are set only after a fully accepted push.

use super::read::read_tag_targets;
use super::{Action, GitError, GitSource, TransferKind, Want};
use crate::blueprint::{Blueprint, FileTree};
use crate::registry::RegistryError;
use crate::registry::cache::{CacheEntry, EntryLock};
use git2::{Oid, Repository};
use semver::Version;

/// One ref to set on the remote: `name` (e.g. `refs/heads/main`) to `target`, or deleted when
/// `target` is `None`. Never forced: the server's current value must be an ancestor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// The full ref name.
    pub name: String,
    /// The new value; `None` deletes the ref.
    pub target: Option<Oid>,
}

/// Why a push failed. Every URL is without credentials.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// Every credential was refused (or there were none).
    #[error("push to {url} refused: authentication failed; tried: {}; cause: {cause}", if .tried.is_empty() { String::from("nothing") } else { .tried.join(", ") })]
    Auth {
        /// The registry's URL.
        url: String,
        /// What was tried, by name.
        tried: Vec<String>,
        /// What the server or git said.
        cause: String,
    },
    /// The remote's ref moved since the last fetch (someone else pushed).
    #[error(
        "push to {url} refused: {refname} has moved on the server since it was fetched (someone else pushed)"
    )]
    NonFastForward {
        /// The registry's URL.
        url: String,
        /// The ref.
        refname: String,
    },
    /// The server refused some refs.
    #[error("push to {url} refused by the server: {}{}{}", .rejected.iter().map(|(r, m)| format!("{r}: {m}")).collect::<Vec<_>>().join("; "), if .accepted.is_empty() { String::new() } else { format!(" (accepted: {})", .accepted.join(", ")) }, if .server.is_empty() { String::new() } else { format!("; the server said: \"{}\"", .server) })]
    Rejected {
        /// The registry's URL.
        url: String,
        /// Each refused ref with git's reason.
        rejected: Vec<(String, String)>,
        /// The refs the server did update.
        accepted: Vec<String>,
        /// What the server said (e.g. a hook's explanation); empty when nothing.
        server: String,
    },
    /// An atomic push was asked of a server that cannot do one (nothing was pushed).
    #[error("push to {url} failed: the server does not support atomic pushes")]
    AtomicUnsupported {
        /// The registry's URL.
        url: String,
    },
    /// The push could not be made.
    #[error("push to {url} failed: {cause}")]
    Failed {
        /// The registry's URL.
        url: String,
        /// What went wrong.
        cause: String,
    },
    /// A local operation on the cache failed.
    #[error(transparent)]
    Git(#[from] GitError),
}

impl PushError {
    /// Whether the failure is that a ref moved on the server (a fetch and retry may help).
    pub fn is_stale(&self) -> bool {
        match self {
            PushError::NonFastForward { .. } => true,
            PushError::Rejected { rejected, .. } => rejected.iter().any(|(_, m)| {
                let m = m.to_ascii_lowercase();
                m.contains("fast-forward")
                    || m.contains("fast forward")
                    || m.contains("fetch first")
                    || m.contains("lock")
                    || m.contains("failed to update")
                    || m.contains("stale")
            }),
            _ => false,
        }
    }
}

impl crate::error::Classify for PushError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            PushError::Git(e) => e.kind(),
            _ => crate::error::ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PushError::Auth { .. } => Some(format!(
                "https: configure a git credential helper or set {} to a token allowed to push; ssh: load a key with write access into the ssh agent",
                super::TOKEN_ENV
            )),
            PushError::Git(e) => e.hint(),
            _ => None,
        }
    }
}

/// A registry's cache, locked exclusively and fetched fresh, for building and pushing commits.
pub struct WriteSession<'a> {
    source: &'a GitSource,
    repo: Repository,
    _lock: EntryLock,
}

impl GitSource {
    /// Takes the cache's exclusive lock and clones or fetches it now (a failure is an error).
    pub fn write_session(&self) -> Result<WriteSession<'_>, RegistryError> {
        *self.state.borrow_mut() = None;
        let mut lock = self.entry.lock().map_err(GitError::from)?;
        lock.exclusive(&mut || self.tell_waiting())
            .map_err(GitError::from)?;
        let action = if Repository::open_bare(self.entry.repo_dir()).is_ok() {
            Action::Fetch
        } else {
            Action::Clone
        };
        self.perform(action, Want::Sync, None)?;
        let repo = Repository::open_bare(self.entry.repo_dir())
            .map_err(|e| self.git_error("cannot open the cache", &e))?;
        Ok(WriteSession {
            source: self,
            repo,
            _lock: lock,
        })
    }
}

impl WriteSession<'_> {
    /// The bare clone.
    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// The registry's URL without credentials.
    pub fn url(&self) -> &str {
        self.source.url.clean()
    }

    /// Fetches again (after a refused push).
    pub fn refetch(&self) -> Result<(), GitError> {
        self.source
            .endpoint()
            .fetch(&self.repo, TransferKind::Fetch)?;
        CacheEntry::stamp(&self.source.entry.repo_dir())?;
        Ok(())
    }

    /// A libgit2 failure on the cache, as an error naming the registry.
    pub fn git_error(&self, what: &str, e: &git2::Error) -> GitError {
        self.source.git_error(what, e)
    }

    /// The default branch's ref name and its tip (`None` in an empty repository).
    pub fn default_branch(&self) -> Result<(String, Option<git2::Commit<'_>>), GitError> {
        let head = self.repo.find_reference("HEAD").ok();
        let name = head
            .as_ref()
            .and_then(|head| head.symbolic_target().ok().flatten())
            .map_or_else(|| String::from("refs/heads/main"), str::to_string);
        let tip = match self.repo.find_reference(&name) {
            Ok(r) => Some(
                r.peel_to_commit()
                    .map_err(|e| self.git_error("cannot read the default branch", &e))?,
            ),
            Err(_) => None,
        };
        Ok((name, tip))
    }

    /// Every released version of `blueprint`, oldest first.
    pub fn versions(&self, blueprint: &str) -> Result<Vec<Version>, GitError> {
        let mut tags =
            read_tag_targets(&self.repo).map_err(|e| self.git_error("cannot list tags", &e))?;
        Ok(tags
            .remove(blueprint)
            .map(|by_version| by_version.into_keys().collect())
            .unwrap_or_default())
    }

    /// The commit a ref names, if the ref exists.
    pub fn commit_at(&self, refname: &str) -> Option<git2::Commit<'_>> {
        self.repo
            .find_reference(refname)
            .ok()
            .and_then(|r| r.peel_to_commit().ok())
    }

    /// The blueprint in folder `dir` of `commit`, when the folder holds one.
    pub fn blueprint_at(
        &self,
        commit: &git2::Commit<'_>,
        dir: &str,
    ) -> Result<Option<(FileTree, Blueprint)>, RegistryError> {
        let files = super::write::read_folder(&self.repo, commit, dir)
            .map_err(|e| self.git_error("cannot read a blueprint folder", &e))?;
        if files.is_empty() {
            return Ok(None);
        }
        let origin = format!("{}@{}:{dir}", self.url(), commit.id());
        let bp = Blueprint::from_tree(&origin, files.clone())?;
        Ok(Some((files, bp)))
    }

    /// Pushes `updates` in one push and checks each ref's status. On success the cache's refs
    /// are set to match; on any failure no ref of the cache moves. The server takes or refuses
    /// each ref on its own.
    pub fn push(&self, updates: &[RefUpdate]) -> Result<(), PushError> {
        self.push_refs(updates, false)
    }

    /// As [`Self::push`], but all or nothing (`git push --atomic`): the server takes every
    /// ref or none. [`PushError::AtomicUnsupported`] when the server cannot do that.
    pub fn push_atomic(&self, updates: &[RefUpdate]) -> Result<(), PushError> {
        self.push_refs(updates, true)
    }

    fn push_refs(&self, updates: &[RefUpdate], atomic: bool) -> Result<(), PushError> {
        let url = self.url().to_string();
        let prefix = format!("refs/pave-push/{}", std::process::id());
        let mut temps = Vec::new();
        let mut specs = Vec::new();
        for (i, update) in updates.iter().enumerate() {
            match update.target {
                Some(target) => {
                    let temp = format!("{prefix}/{i}");
                    self.repo
                        .reference(&temp, target, true, "pave: push")
                        .map_err(|e| self.git_error("cannot name the objects to push", &e))?;
                    specs.push(format!("{temp}:{}", update.name));
                    temps.push(temp);
                }
                None => specs.push(format!(":{}", update.name)),
            }
        }
        let result = self.push_specs(&specs, &url, atomic);
        for temp in &temps {
            if let Ok(mut r) = self.repo.find_reference(temp) {
                let _ = r.delete();
            }
        }
        let pushed = result?;
        let mut rejected = Vec::new();
        let mut accepted = Vec::new();
        for update in updates {
            let status = pushed.statuses.iter().find(|s| s.reference == update.name);
            match status.map(|s| &s.rejected) {
                Some(None) => accepted.push(update.name.clone()),
                Some(Some(message)) => rejected.push((update.name.clone(), message.clone())),
                None => rejected.push((
                    update.name.clone(),
                    String::from("the server sent no status for this ref"),
                )),
            }
        }
        if !rejected.is_empty() {
            return Err(PushError::Rejected {
                url,
                rejected,
                accepted,
                server: pushed.server,
            });
        }
        for update in updates {
            let done = match update.target {
                Some(target) => self
                    .repo
                    .reference(&update.name, target, true, "pave: pushed")
                    .map(|_| ()),
                None => match self.repo.find_reference(&update.name) {
                    Ok(mut r) => r.delete(),
                    Err(_) => Ok(()),
                },
            };
            done.map_err(|e| self.git_error("cannot record the pushed refs in the cache", &e))?;
        }
        Ok(())
    }

    /// One push of `specs`: each ref's status and what the server said.
    fn push_specs(
        &self,
        specs: &[String],
        url: &str,
        atomic: bool,
    ) -> Result<super::transfer::Pushed, PushError> {
        let refspecs: Vec<&str> = specs.iter().map(String::as_str).collect();
        self.source
            .endpoint()
            .push(&self.repo, &refspecs, atomic)
            .map_err(|failure| {
                let url = url.to_string();
                if failure.atomic_unsupported {
                    PushError::AtomicUnsupported { url }
                } else if failure.auth {
                    PushError::Auth {
                        url,
                        tried: failure.tried,
                        cause: failure.cause,
                    }
                } else {
                    PushError::Failed {
                        url,
                        cause: failure.cause,
                    }
                }
            })
    }
}
