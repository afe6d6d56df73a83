//! A git registry ([`GitSource`]): a repository holding `registry.yaml` and `blueprints/`,
//! whose versions are the tags `<blueprint>/v<semver>`.
//!
//! The repository is kept as a bare clone in pave's cache ([`super::cache`]). Before the first
//! read a command clones it (when missing or damaged) or fetches it (when older than the fetch
//! interval, or when asked to sync); an answer the cache misses (a blueprint, a version, a
//! commit, a feedback sink or item) fetches it once more, unless this process fetched that
//! registry already, through any of its sources. With `offline` the network is never used, and
//! a miss says how old the cache is ([`super::StaleCache`]). A failed fetch with a usable cache
//! goes on with the cache and reports how old it is. Blueprint files are read straight from
//! the tree at the tag (no checkout; `read.rs` does that). Clones, fetches and pushes run the
//! `git` program; libgit2 reads the cache and builds commits. The URL given to git never
//! carries credentials ([`super::url::RemoteUrl`]).
//!
//! This module orchestrates; the parts are apart: `error.rs` (what can go wrong),
//! `freshness.rs` (the pure clone/fetch/use-cache policy), `transfer.rs` (clone, fetch and push
//! through the `git` program, its progress and its errors) and `read.rs` (tags, index and trees).

mod error;
mod freshness;
mod push;
mod read;
mod transfer;
mod verdicts;
pub mod write;

pub use error::{GitError, LAYOUT};
use freshness::{CacheState, Decision, Situation, Want};
pub use push::{PushError, RefUpdate, WriteSession};
pub use read::{parse_tag, tag_name};
use transfer::Endpoint;
pub use transfer::{PushStatus, TOKEN_ENV};

use super::cache::{CacheEntry, EntryLock};
use super::events::{Notice, Reporter, TransferKind};
use super::url::RemoteUrl;
use super::{BlueprintSource, BrokenVersion, Loaded, RegistryError, StaleCache};
use crate::error::{Classify, ErrorKind};
use crate::manifest::RegistryIndex;
use git2::{ErrorClass, ErrorCode, Repository};
use semver::Version;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The cache entries this process cloned or fetched (or tried to), whichever source did it: a
/// registry is fetched at most once per run for a miss, however many times it is opened.
static FETCHED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Sets libgit2 up for reading caches, once per process: objects read from the cache are not
/// hashed again (git checked them when it fetched them), as git itself reads them. Call it
/// before a cache is read.
pub(crate) fn prepare_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

/// How a [`GitSource`] behaves.
#[derive(Clone)]
pub struct GitOptions {
    /// pave's cache directory (the clones go in its `git/` folder).
    pub cache_dir: PathBuf,
    /// Never use the network.
    pub offline: bool,
    /// How long a cache is used before it is fetched again.
    pub fetch_interval: Duration,
    /// Whether git may ask on the terminal (for a password, a passphrase or a host key);
    /// without it git never prompts and ssh runs in batch mode.
    pub interactive: bool,
    /// Who hears about progress and notices.
    pub reporter: Arc<dyn Reporter>,
}

/// A transfer the cache needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Clone,
    Fetch,
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
    index: Option<RegistryIndex>,
    /// The blueprint folders each `registry.yaml` read so far names, by the file's blob id
    /// (most tags share a few versions of the index).
    folders: RefCell<std::collections::HashMap<git2::Oid, BTreeMap<String, String>>>,
    /// What each version tag points at, read with the tags in one pass.
    targets: read::Targets,
    /// The trees read so far.
    trees: read::Trees,
    /// The verdicts of earlier runs, and those this one adds.
    verdicts: verdicts::Verdicts,
}

impl Drop for Open {
    /// Writes back the verdicts this run added, keeping those of releases still tagged.
    fn drop(&mut self) {
        let targets = &self.targets;
        self.verdicts.save(|blueprint, version, target| {
            targets.get(blueprint).and_then(|t| t.get(version)) == Some(&target)
        });
    }
}

/// What `registry sync` brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    /// Whether the registry was cloned (it was not cached before).
    pub cloned: bool,
    /// Every usable version, all blueprints together.
    pub versions: usize,
    /// Usable versions that were not in the cache before, by blueprint then version.
    pub new: Vec<(String, Version)>,
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
        // Every read and write of a git registry goes through a `GitSource`.
        prepare_libgit2();
        let url = RemoteUrl::parse(url);
        GitSource {
            name: name.to_string(),
            entry: CacheEntry::new(&options.cache_dir, url.clean()),
            url,
            options,
            state: RefCell::new(None),
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
        // The stamp is inside the clone: no clone, no age.
        self.entry.age()
    }

    /// Fetches now (cloning if needed); a failure is an error. Says what it brought.
    pub fn sync(&self) -> Result<Synced, RegistryError> {
        let before = self.peek_tags();
        self.reopen(Want::Sync)?;
        self.with_open(|open| {
            let mut versions = 0;
            let mut new = Vec::new();
            let blueprints: Vec<String> = open.targets.keys().cloned().collect();
            for blueprint in &blueprints {
                for version in &open.versions(blueprint) {
                    if open.problem(self, blueprint, version)?.is_some() {
                        continue;
                    }
                    versions += 1;
                    let known = before
                        .as_ref()
                        .and_then(|b| b.get(blueprint))
                        .is_some_and(|v| v.contains_key(version));
                    if before.is_some() && !known {
                        new.push((blueprint.clone(), version.clone()));
                    }
                }
            }
            Ok(Synced {
                cloned: before.is_none(),
                versions,
                new,
            })
        })
    }

    /// The version tags in the cache as it is, without fetching; `None` when not cached.
    fn peek_tags(&self) -> Option<read::Targets> {
        if !self.entry.exists() {
            return None;
        }
        let mut lock = self.entry.lock().ok()?;
        lock.shared(&mut || self.tell_waiting()).ok()?;
        let repo = Repository::open_bare(self.entry.repo_dir()).ok()?;
        read::read_tag_targets(&repo).ok()
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

    /// Whether this process cloned or fetched this registry already (or tried to), through
    /// any of its sources.
    pub fn fetched_in_this_run(&self) -> bool {
        let dir = self.entry.repo_dir();
        FETCHED
            .lock()
            .map_or_else(|e| e.into_inner().contains(&dir), |set| set.contains(&dir))
    }

    /// Records that this process cloned or fetched this registry's cache (or tried to).
    fn mark_fetched(&self) {
        let dir = self.entry.repo_dir();
        match FETCHED.lock() {
            Ok(mut set) => set.insert(dir),
            Err(e) => e.into_inner().insert(dir),
        };
    }

    /// The situation [`freshness`] decides on, for `want` against `cache`.
    fn situation(&self, want: Want, cache: CacheState) -> Situation {
        Situation {
            want,
            cache,
            offline: self.options.offline,
            interval: self.options.fetch_interval,
            fetched: self.fetched_in_this_run(),
        }
    }

    /// The cache's state as far as its folder and stamp tell, without opening it.
    fn cache_state(&self) -> CacheState {
        if self.entry.exists() {
            CacheState::Ready {
                age: self.entry.age(),
            }
        } else {
            CacheState::Missing
        }
    }

    /// Whether this source never uses the network (`--offline`).
    pub fn offline(&self) -> bool {
        self.options.offline
    }

    /// Runs `read` on the cached repository as the freshness policy leaves it (offline: as it
    /// is; a missing cache is then an error), under the cache's shared lock.
    pub fn read_cached<T>(&self, read: impl FnOnce(&Repository) -> T) -> Result<T, RegistryError> {
        if self.state.borrow().is_none() {
            self.reopen(Want::Use)?;
        }
        let state = self.state.borrow();
        match state.as_ref() {
            Some(open) => Ok(read(&open.repo)),
            None => Err(self.damaged(String::from("the cache is not open")).into()),
        }
    }

    /// A libgit2 failure on the cache, as an error naming the registry.
    pub(crate) fn git_error(&self, what: &str, e: &git2::Error) -> GitError {
        self.endpoint().git_error(what, e)
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
        match self.read_once(&mut read) {
            Err(ReadError::Damaged(cause)) if !self.options.offline && !self.recovered.get() => {
                self.recovered.set(true);
                self.tell_recloning(cause);
                self.reopen(Want::Recover)?;
                self.read_once(&mut read)
            }
            first => first,
        }
        .map_err(|e| match e {
            ReadError::Damaged(cause) => self.damaged(cause).into(),
            ReadError::Other(e) => e,
        })
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

    fn tell_recloning(&self, cause: String) {
        self.options.reporter.notice(&Notice::Recloning {
            registry: self.name.clone(),
            cause,
        });
    }

    fn offline_no_cache(&self) -> RegistryError {
        GitError::OfflineNoCache {
            registry: self.name.clone(),
            url: self.url.clean().to_string(),
        }
        .into()
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
                        self.tell_recloning(cause.clone());
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
                let targets = match read::read_tag_targets(&repo) {
                    Ok(targets) => targets,
                    Err(e) if self.options.offline || want == Want::Recover => {
                        return Err(self.damaged(e.message().to_string()).into());
                    }
                    Err(e) => {
                        // Release this lock before taking it again to clone.
                        drop(repo);
                        drop(lock);
                        self.tell_recloning(e.message().to_string());
                        return self.prepare(Want::Recover);
                    }
                };
                Ok(Open {
                    verdicts: verdicts::Verdicts::of(repo.path()),
                    repo,
                    _lock: lock,
                    index: None,
                    folders: RefCell::default(),
                    targets,
                    trees: read::Trees::default(),
                })
            }
            Cached::Missing => Err(self.offline_no_cache()),
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

    /// Whether to clone or fetch ([`freshness::decide`]), or an error when the network is
    /// needed but forbidden.
    fn decide(&self, cached: &Cached, want: Want) -> Result<Option<Action>, RegistryError> {
        let cache = match cached {
            Cached::Missing => CacheState::Missing,
            Cached::Damaged(_) => CacheState::Damaged,
            Cached::Ready { age, .. } => CacheState::Ready { age: *age },
        };
        match freshness::decide(self.situation(want, cache)) {
            Decision::Clone => Ok(Some(Action::Clone)),
            Decision::Fetch => Ok(Some(Action::Fetch)),
            Decision::UseCache => Ok(None),
            Decision::FailOffline => Err(self.offline_no_cache()),
            Decision::FailDamaged => {
                let cause = match cached {
                    Cached::Damaged(cause) => cause.clone(),
                    _ => String::from("a read found it damaged"),
                };
                Err(self.damaged(cause).into())
            }
        }
    }

    /// Clones or fetches, holding the exclusive lock.
    fn perform(
        &self,
        action: Action,
        want: Want,
        age: Option<Duration>,
    ) -> Result<(), RegistryError> {
        self.mark_fetched();
        match action {
            Action::Clone => {
                self.entry.remove_leftovers();
                let tmp = self.entry.temp_sibling().map_err(GitError::from)?;
                self.endpoint().clone_into(tmp.path())?;
                CacheEntry::stamp(tmp.path()).map_err(GitError::from)?;
                self.entry.install(tmp).map_err(GitError::from)?;
                Ok(())
            }
            Action::Fetch => {
                let dir = self.entry.repo_dir();
                let repo = Repository::open_bare(&dir)
                    .map_err(|e| self.git_error("cannot open the cache", &e))?;
                match self.endpoint().fetch(&repo, TransferKind::Fetch) {
                    Ok(()) => {
                        CacheEntry::stamp(&dir).map_err(GitError::from)?;
                        Ok(())
                    }
                    Err(e) if freshness::fetch_failure_tolerated(want) => {
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

    /// The remote end, for transfers.
    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            name: &self.name,
            url: &self.url,
            interactive: self.options.interactive,
            reporter: self.options.reporter.as_ref(),
        }
    }

    /// After a miss the cache answered as it is: the cache and its age, when it may be behind
    /// the registry (`freshness::miss_is_stale`).
    pub fn stale(&self) -> Option<StaleCache> {
        freshness::miss_is_stale(self.situation(Want::Miss, self.cache_state())).then(|| {
            StaleCache {
                registry: self.name.clone(),
                age: self.cache_age(),
            }
        })
    }

    /// The usable versions of a blueprint and its broken releases.
    fn releases(
        &self,
        blueprint: &str,
    ) -> Result<(Vec<Version>, Vec<BrokenVersion>), RegistryError> {
        self.with_open(|open| {
            let mut usable = Vec::new();
            let mut broken = Vec::new();
            for version in open.versions(blueprint) {
                match open.problem(self, blueprint, &version)? {
                    None => usable.push(version),
                    Some(reason) => broken.push(BrokenVersion { version, reason }),
                }
            }
            Ok((usable, broken))
        })
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
        Ok(self.releases(blueprint)?.0)
    }

    fn broken(&self, blueprint: &str) -> Result<Vec<BrokenVersion>, RegistryError> {
        Ok(self.releases(blueprint)?.1)
    }

    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError> {
        self.with_open(|open| open.load(self, blueprint, version))
    }

    /// After a miss: fetches when `freshness::decide` says so (at most once per registry per
    /// process, never offline); whether it did.
    fn refresh(&self) -> Result<bool, RegistryError> {
        match freshness::decide(self.situation(Want::Miss, self.cache_state())) {
            Decision::UseCache => Ok(false),
            _ => {
                self.reopen(Want::Miss)?;
                Ok(true)
            }
        }
    }

    fn stale_cache(&self) -> Option<StaleCache> {
        self.stale()
    }

    fn commit(&self, blueprint: &str, version: &Version) -> Result<Option<String>, RegistryError> {
        self.with_open(|open| {
            open.commit_of(self, blueprint, version)
                .map(|c| Some(c.id().to_string()))
        })
    }

    /// Read from the cache whatever the tag says now; when the cache lacks the commit, a
    /// fetch is tried once first (unless offline).
    fn load_at_commit(
        &self,
        blueprint: &str,
        version: &Version,
        commit: &str,
    ) -> Result<Option<Loaded>, RegistryError> {
        let found = self.with_open(|open| open.load_at(self, blueprint, version, commit))?;
        if found.is_some() || !self.refresh()? {
            return Ok(found);
        }
        self.with_open(|open| open.load_at(self, blueprint, version, commit))
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
            | GitError::NoGit { .. }
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
                TOKEN_ENV
            )),
            _ => None,
        }
    }
}
