//! A git registry ([`GitSource`]): a repository holding `registry.yaml` and `blueprints/`,
//! whose versions are the tags `<blueprint>/v<semver>`.
//!
//! The repository is kept as a bare clone in pave's cache ([`super::cache`]). Before the first
//! read a command clones it (when missing or damaged) or fetches it (when older than the fetch
//! interval, when a requested version or blueprint is missing, or when asked to sync); with
//! `offline` the network is never used. A failed fetch with a usable cache goes on with the cache
//! and reports how old it is. Blueprint files are read straight from the tree at the tag (no
//! checkout; the private `read` module does that). The URL given to libgit2 never carries credentials
//! ([`super::url::RemoteUrl`]).

mod push;
mod read;
pub mod write;

pub use push::{PushError, RefUpdate, WriteSession};
use read::read_tags;
pub use read::{parse_tag, tag_name};

use super::auth::{Attempt, AuthOptions};
use super::cache::{CacheEntry, CacheError, EntryLock};
use super::events::{Notice, Reporter, TransferKind, TransferProgress};
use super::url::{RemoteUrl, scrub};
use super::{BlueprintSource, Loaded, RegistryError};
use crate::error::{Classify, ErrorKind};
use crate::manifest::RegistryIndex;
use git2::{ErrorClass, ErrorCode, Repository};
use semver::Version;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The refs a registry clone holds: branches (for `registry.yaml` at the default branch) and
/// tags (the versions).
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// How a [`GitSource`] behaves.
#[derive(Clone)]
pub struct GitOptions {
    /// pave's cache directory (the clones go in its `git/` folder).
    pub cache_dir: PathBuf,
    /// Never use the network.
    pub offline: bool,
    /// How long a cache is used before it is fetched again.
    pub fetch_interval: Duration,
    /// Where credentials come from.
    pub auth: AuthOptions,
    /// Who hears about progress and notices.
    pub reporter: Arc<dyn Reporter>,
}

/// Why a git registry could not be used. Every URL in these is without credentials.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The server could not be reached (or refused), and there is no cache to fall back on.
    #[error("cannot reach registry `{registry}` at {url}: {cause}")]
    Unreachable {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// What went wrong.
        cause: String,
    },
    /// Every credential was refused.
    #[error("authentication to {url} failed (registry `{registry}`); tried: {}; cause: {cause}", if .tried.is_empty() { String::from("nothing") } else { .tried.join(", ") })]
    Auth {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// What was tried, by name.
        tried: Vec<String>,
        /// What the server or libgit2 said.
        cause: String,
    },
    /// Offline, and never cached.
    #[error(
        "registry `{registry}` ({url}) is not in the cache, and --offline forbids fetching it; run `pave registry sync {registry}` while online"
    )]
    OfflineNoCache {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
    },
    /// The cached copy is damaged and could not be replaced.
    #[error("the cached copy of registry `{registry}` ({url}) at {} is damaged: {cause}{}", path.display(), if *.offline { "; --offline forbids cloning it again: run `pave registry sync` while online" } else { "" })]
    Damaged {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// The cache entry.
        path: PathBuf,
        /// What is wrong.
        cause: String,
        /// Whether re-cloning was forbidden.
        offline: bool,
    },
    /// The repository has no `registry.yaml` on its default branch.
    #[error(
        "registry `{registry}` ({url}) has no registry.yaml on its default branch{}",
        .detail
    )]
    NoIndex {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// More about what was found.
        detail: String,
    },
    /// A libgit2 operation on the cache failed.
    #[error("registry `{registry}` ({url}): {what}: {cause}")]
    Git {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// What was being done.
        what: String,
        /// libgit2's message.
        cause: String,
    },
    /// The cache could not be read or written.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// What a command needs from the cache before reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Clone when missing or damaged, fetch when stale.
    Use,
    /// Fetch once per process (something asked for is missing); failure is tolerated.
    Refresh,
    /// Fetch now; failure is an error.
    Sync,
    /// The cache is damaged: clone it again.
    Recover,
}

/// What was found in the cache.
enum Cached {
    Missing,
    Damaged(String),
    Ready {
        repo: Repository,
        age: Option<Duration>,
    },
}

/// A git registry.
pub struct GitSource {
    name: String,
    url: RemoteUrl,
    entry: CacheEntry,
    options: GitOptions,
    state: RefCell<Option<Open>>,
    /// A clone or fetch ran (or was tried) in this process.
    fetched: Cell<bool>,
    /// The cache was found damaged during a read and re-cloned.
    recovered: Cell<bool>,
}

impl std::fmt::Debug for GitSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitSource")
            .field("name", &self.name)
            .field("url", &self.url.clean())
            .finish()
    }
}

/// The cache, opened and locked for reading.
struct Open {
    repo: Repository,
    _lock: EntryLock,
    /// Versions by blueprint, oldest first.
    tags: BTreeMap<String, Vec<Version>>,
    index: Option<RegistryIndex>,
}

/// A read failed: because the cache is damaged (recoverable by cloning again) or otherwise.
enum ReadError {
    Damaged(String),
    Other(RegistryError),
}

impl From<RegistryError> for ReadError {
    fn from(e: RegistryError) -> Self {
        ReadError::Other(e)
    }
}

/// Whether a libgit2 error on reading the cache means the cache itself is broken.
fn is_damage(e: &git2::Error) -> bool {
    matches!(
        e.class(),
        ErrorClass::Odb
            | ErrorClass::Zlib
            | ErrorClass::Os
            | ErrorClass::Filesystem
            | ErrorClass::Repository
            | ErrorClass::Indexer
            | ErrorClass::Object
            | ErrorClass::Reference
            | ErrorClass::Sha1
    )
}

impl GitSource {
    /// A registry named `name` at `url` (which may carry credentials: they are used for this
    /// source's transfers only, never stored or shown).
    pub fn new(name: &str, url: &str, options: GitOptions) -> Self {
        let url = RemoteUrl::parse(url);
        GitSource {
            name: name.to_string(),
            entry: CacheEntry::new(&options.cache_dir, url.clean()),
            url,
            options,
            state: RefCell::new(None),
            fetched: Cell::new(false),
            recovered: Cell::new(false),
        }
    }

    /// The URL without credentials.
    pub fn url(&self) -> &str {
        self.url.clean()
    }

    /// The cache entry's folder.
    pub fn cache_path(&self) -> PathBuf {
        self.entry.repo_dir()
    }

    /// How long ago the cache was last fetched, if it exists.
    pub fn cache_age(&self) -> Option<Duration> {
        if self.entry.exists() {
            self.entry.age()
        } else {
            None
        }
    }

    /// Fetches now (cloning if needed); a failure is an error. Returns the number of versions.
    pub fn sync(&self) -> Result<usize, RegistryError> {
        self.reopen(Want::Sync)?;
        self.with_open(|open| Ok(open.tags.values().map(Vec::len).sum()))
    }

    /// Removes the cache entry (for `pave registry remove`).
    pub fn remove_cache(&self) -> Result<(), RegistryError> {
        *self.state.borrow_mut() = None;
        let mut lock = self.entry.lock().map_err(GitError::from)?;
        lock.exclusive(&mut || self.tell_waiting())
            .map_err(GitError::from)?;
        self.entry.discard().map_err(GitError::from)?;
        drop(lock);
        let _ = std::fs::remove_file(self.entry.lock_path());
        Ok(())
    }

    fn git_error(&self, what: &str, e: &git2::Error) -> GitError {
        GitError::Git {
            registry: self.name.clone(),
            url: self.url.clean().to_string(),
            what: what.to_string(),
            cause: scrub(e.message(), &self.url),
        }
    }

    fn tell_waiting(&self) {
        self.options.reporter.notice(&Notice::WaitingForLock {
            registry: self.name.clone(),
        });
    }

    /// Drops the open cache (releasing its lock) and prepares it again.
    fn reopen(&self, want: Want) -> Result<(), RegistryError> {
        *self.state.borrow_mut() = None;
        let open = self.prepare(want)?;
        *self.state.borrow_mut() = Some(open);
        Ok(())
    }

    /// Runs `read` on the open cache, opening it first; a read that finds the cache damaged
    /// clones it again (once) and reads again.
    fn with_open<T>(
        &self,
        mut read: impl FnMut(&mut Open) -> Result<T, ReadError>,
    ) -> Result<T, RegistryError> {
        if self.state.borrow().is_none() {
            self.reopen(Want::Use)?;
        }
        let first = self.read_once(&mut read);
        match first {
            Err(ReadError::Damaged(cause)) => {
                if self.options.offline || self.recovered.get() {
                    return Err(self.damaged(cause).into());
                }
                self.recovered.set(true);
                self.options.reporter.notice(&Notice::Recloning {
                    registry: self.name.clone(),
                    cause,
                });
                self.reopen(Want::Recover)?;
                match self.read_once(&mut read) {
                    Ok(value) => Ok(value),
                    Err(ReadError::Damaged(cause)) => Err(self.damaged(cause).into()),
                    Err(ReadError::Other(e)) => Err(e),
                }
            }
            Err(ReadError::Other(e)) => Err(e),
            Ok(value) => Ok(value),
        }
    }

    fn read_once<T>(
        &self,
        read: &mut impl FnMut(&mut Open) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        let mut state = self.state.borrow_mut();
        match state.as_mut() {
            Some(open) => read(open),
            None => Err(ReadError::Damaged(String::from("the cache is not open"))),
        }
    }

    fn damaged(&self, cause: String) -> GitError {
        GitError::Damaged {
            registry: self.name.clone(),
            url: self.url.clean().to_string(),
            path: self.entry.repo_dir(),
            cause,
            offline: self.options.offline,
        }
    }

    /// Brings the cache to what `want` needs and opens it under a shared lock.
    fn prepare(&self, want: Want) -> Result<Open, RegistryError> {
        let mut lock = self.entry.lock().map_err(GitError::from)?;
        let told = Cell::new(false);
        let mut on_wait = || {
            if !told.replace(true) {
                self.tell_waiting();
            }
        };
        lock.shared(&mut on_wait).map_err(GitError::from)?;
        let mut cached = self.inspect();
        if self.decide(&cached, want)?.is_some() {
            drop(cached);
            lock.exclusive(&mut on_wait).map_err(GitError::from)?;
            // Another process may have done the work while this one waited.
            cached = self.inspect();
            if let Some(action) = self.decide(&cached, want)? {
                let age = match &cached {
                    Cached::Ready { age, .. } => *age,
                    Cached::Damaged(cause) => {
                        self.options.reporter.notice(&Notice::Recloning {
                            registry: self.name.clone(),
                            cause: cause.clone(),
                        });
                        None
                    }
                    Cached::Missing => None,
                };
                drop(cached);
                self.perform(action, want, age)?;
            }
            lock.shared(&mut on_wait).map_err(GitError::from)?;
            cached = self.inspect();
        }
        match cached {
            Cached::Ready { repo, .. } => {
                let tags = match read_tags(&repo) {
                    Ok(tags) => tags,
                    Err(e) if self.options.offline || want == Want::Recover => {
                        return Err(self.damaged(e.message().to_string()).into());
                    }
                    Err(e) => {
                        // Release this lock before taking it again to clone.
                        drop(repo);
                        drop(lock);
                        self.options.reporter.notice(&Notice::Recloning {
                            registry: self.name.clone(),
                            cause: e.message().to_string(),
                        });
                        return self.prepare(Want::Recover);
                    }
                };
                Ok(Open {
                    repo,
                    _lock: lock,
                    tags,
                    index: None,
                })
            }
            Cached::Missing => Err(GitError::OfflineNoCache {
                registry: self.name.clone(),
                url: self.url.clean().to_string(),
            }
            .into()),
            Cached::Damaged(cause) => Err(self.damaged(cause).into()),
        }
    }

    /// What is in the cache now.
    fn inspect(&self) -> Cached {
        let dir = self.entry.repo_dir();
        if !dir.is_dir() {
            return Cached::Missing;
        }
        let repo = match Repository::open_bare(&dir) {
            Ok(repo) => repo,
            Err(e) => return Cached::Damaged(e.message().to_string()),
        };
        match repo.head() {
            Ok(head) => {
                if let Err(e) = head.peel_to_tree() {
                    return Cached::Damaged(e.message().to_string());
                }
            }
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {}
            Err(e) => return Cached::Damaged(e.message().to_string()),
        }
        Cached::Ready {
            repo,
            age: self.entry.age(),
        }
    }

    /// Whether to clone or fetch, or an error when the network is needed but forbidden.
    fn decide(&self, cached: &Cached, want: Want) -> Result<Option<TransferKind>, RegistryError> {
        let offline = self.options.offline;
        let network_needed = || -> Result<Option<TransferKind>, RegistryError> {
            if offline {
                Err(GitError::OfflineNoCache {
                    registry: self.name.clone(),
                    url: self.url.clean().to_string(),
                }
                .into())
            } else {
                Ok(Some(TransferKind::Clone))
            }
        };
        match (cached, want) {
            (Cached::Missing, _) => network_needed(),
            (Cached::Damaged(cause), _) if offline => Err(self.damaged(cause.clone()).into()),
            (Cached::Damaged(_), _) | (_, Want::Recover) => network_needed(),
            (Cached::Ready { .. }, _) if offline => Ok(None),
            (Cached::Ready { age, .. }, Want::Use) => {
                let stale = age.is_none_or(|a| a > self.options.fetch_interval);
                Ok(stale.then_some(TransferKind::Fetch))
            }
            (Cached::Ready { .. }, Want::Refresh) => {
                Ok((!self.fetched.get()).then_some(TransferKind::Fetch))
            }
            (Cached::Ready { .. }, Want::Sync) => Ok(Some(TransferKind::Fetch)),
        }
    }

    /// Clones or fetches, holding the exclusive lock.
    fn perform(
        &self,
        action: TransferKind,
        want: Want,
        age: Option<Duration>,
    ) -> Result<(), RegistryError> {
        self.fetched.set(true);
        match action {
            TransferKind::Clone => {
                self.entry.remove_leftovers();
                let tmp = self.entry.temp_sibling().map_err(GitError::from)?;
                let mut opts = git2::RepositoryInitOptions::new();
                opts.bare(true);
                let repo = Repository::init_opts(tmp.path(), &opts)
                    .map_err(|e| self.git_error("cannot create the cache", &e))?;
                self.transfer(&repo, TransferKind::Clone)?;
                drop(repo);
                CacheEntry::stamp(tmp.path()).map_err(GitError::from)?;
                self.entry.install(tmp).map_err(GitError::from)?;
                Ok(())
            }
            TransferKind::Fetch => {
                let dir = self.entry.repo_dir();
                let repo = Repository::open_bare(&dir)
                    .map_err(|e| self.git_error("cannot open the cache", &e))?;
                match self.transfer(&repo, TransferKind::Fetch) {
                    Ok(()) => {
                        CacheEntry::stamp(&dir).map_err(GitError::from)?;
                        Ok(())
                    }
                    Err(e) if want != Want::Sync => {
                        self.options.reporter.notice(&Notice::UsingCache {
                            registry: self.name.clone(),
                            url: self.url.clean().to_string(),
                            age,
                            cause: e.to_string(),
                        });
                        Ok(())
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// Downloads branches and tags into `repo` and points its HEAD at the remote's default
    /// branch.
    fn transfer(&self, repo: &Repository, kind: TransferKind) -> Result<(), GitError> {
        let attempt = Attempt::new(&self.url, &self.options.auth);
        let reporter = self.options.reporter.as_ref();
        let mut callbacks = git2::RemoteCallbacks::new();
        callbacks.credentials(attempt.callback());
        callbacks.transfer_progress(|p| {
            reporter.transfer_progress(
                &self.name,
                &TransferProgress {
                    total_objects: p.total_objects(),
                    received_objects: p.received_objects(),
                    indexed_objects: p.indexed_objects(),
                    received_bytes: p.received_bytes(),
                },
            );
            true
        });
        let mut fetch = git2::FetchOptions::new();
        fetch
            .remote_callbacks(callbacks)
            .download_tags(git2::AutotagOption::None)
            .update_fetchhead(false)
            .prune(git2::FetchPrune::On);
        let mut remote = repo
            .remote_anonymous(self.url.clean())
            .map_err(|e| self.unreachable(&e))?;
        reporter.transfer_started(&self.name, self.url.clean(), kind);
        let result = remote.fetch(&REFSPECS, Some(&mut fetch), Some("pave: fetch"));
        reporter.transfer_finished(&self.name);
        drop(fetch);
        if let Err(e) = result {
            return Err(if e.code() == ErrorCode::Auth || attempt.exhausted() {
                GitError::Auth {
                    registry: self.name.clone(),
                    url: self.url.clean().to_string(),
                    tried: attempt.tried(),
                    cause: scrub(e.message(), &self.url),
                }
            } else {
                self.unreachable(&e)
            });
        }
        let default = remote
            .default_branch()
            .ok()
            .and_then(|b| b.as_str().ok().map(str::to_string));
        set_head(repo, default.as_deref()).map_err(|e| self.git_error("cannot set HEAD", &e))?;
        // Packed refs make listing thousands of tags one file read.
        repo.refdb_compress()
            .map_err(|e| self.git_error("cannot pack refs", &e))?;
        Ok(())
    }

    fn unreachable(&self, e: &git2::Error) -> GitError {
        GitError::Unreachable {
            registry: self.name.clone(),
            url: self.url.clean().to_string(),
            cause: scrub(e.message(), &self.url),
        }
    }

    /// Refreshes once per process; whether a fetch ran.
    fn refresh_once(&self) -> Result<bool, RegistryError> {
        if self.fetched.get() || self.options.offline {
            return Ok(false);
        }
        self.reopen(Want::Refresh)?;
        Ok(true)
    }

    fn available(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError> {
        self.with_open(|open| Ok(open.tags.get(blueprint).cloned().unwrap_or_default()))
    }
}

/// Points HEAD at `default` (the remote's default branch) or, failing that, at `main`,
/// `master` or the only branch.
fn set_head(repo: &Repository, default: Option<&str>) -> Result<(), git2::Error> {
    let exists = |name: &str| repo.find_reference(name).is_ok();
    let chosen = match default {
        Some(name) if exists(name) => Some(name.to_string()),
        _ => ["refs/heads/main", "refs/heads/master"]
            .iter()
            .find(|n| exists(n))
            .map(|n| n.to_string())
            .or_else(|| {
                let mut names = Vec::new();
                if let Ok(refs) = repo.references_glob("refs/heads/*") {
                    for r in refs.flatten() {
                        if let Ok(n) = r.name() {
                            names.push(n.to_string());
                        }
                    }
                }
                names.sort();
                names.into_iter().next()
            }),
    };
    match chosen {
        Some(name) => repo.set_head(&name),
        None => Ok(()),
    }
}

impl BlueprintSource for GitSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn index(&self) -> Result<RegistryIndex, RegistryError> {
        self.with_open(|open| open.index(self))
    }

    fn versions(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError> {
        self.available(blueprint)
    }

    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError> {
        self.with_open(|open| open.load(self, blueprint, version))
    }

    fn refresh(&self) -> Result<bool, RegistryError> {
        self.refresh_once()
    }

    fn commit(&self, blueprint: &str, version: &Version) -> Result<Option<String>, RegistryError> {
        self.with_open(|open| {
            open.commit_of(self, blueprint, version)
                .map(|c| Some(c.id().to_string()))
        })
    }

    fn location(&self) -> String {
        self.url.clean().to_string()
    }
}

impl Classify for GitError {
    fn kind(&self) -> ErrorKind {
        match self {
            GitError::Cache(e) => e.kind(),
            GitError::Unreachable { .. }
            | GitError::Auth { .. }
            | GitError::OfflineNoCache { .. }
            | GitError::Damaged { .. }
            | GitError::NoIndex { .. }
            | GitError::Git { .. } => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            GitError::OfflineNoCache { registry, .. } => {
                Some(format!("run `pave registry sync {registry}` while online"))
            }
            GitError::Damaged { offline: true, .. } => {
                Some(String::from("run `pave registry sync` while online"))
            }
            GitError::Auth { .. } => Some(format!(
                "https: configure a git credential helper or set {}; ssh: load a key into the ssh agent or ~/.ssh",
                super::auth::TOKEN_ENV
            )),
            _ => None,
        }
    }
}
