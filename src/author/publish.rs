//! `pave publish` and `pave release`: a blueprint folder becomes a version of a git registry.
//!
//! Publish works in the registry's cache (locked, fetched fresh), never in the user's checkout:
//! it finds the newest released version, computes the bump the change needs ([`super::bump`]),
//! chooses the version, runs the gate (lint without errors, every example case passing) on
//! the folder as it will be published, builds one commit (the folder at `blueprints/<name>/`,
//! the manifest's `version`, a new entry on top of the registry's CHANGELOG.md, the
//! `registry.yaml` entry) and pushes it with the annotated tag `<name>/v<version>` (or, for
//! review, to `publish/<name>-<version>`). A folder behind the newest release (another clone
//! published since) has its changes merged onto that release ([`catch_up`]) or is refused.
//! After the push the folder is brought to what the registry holds. A push refused because the
//! branch moved is retried once on the new tip. Release tags what the default branch holds and
//! has no tag yet.

pub mod catch_up;

use super::bump::{self, Bump, Required};
use super::registry_text::{next_changelog, upsert_entry};
use super::{lint, testing};
use crate::blueprint::{Blueprint, Entry, FileTree};
use crate::manifest::{RegistryIndex, parse_index};
use crate::project::diff::{Status, changed_paths};
use crate::registry::git::{GitSource, PushError, RefUpdate, WriteSession, tag_name, write};
use crate::registry::{Loaded, RegistryError, local};
use semver::Version;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `pave publish` was asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The blueprint folder.
    pub folder: PathBuf,
    /// The bump asked for (`None`: the required one).
    pub bump: Option<Bump>,
    /// An exact version asked for.
    pub version: Option<Version>,
    /// The changelog message.
    pub message: Option<String>,
    /// Feedback item ids the version addresses.
    pub addresses: Vec<String>,
    /// Push to a review branch, without a tag.
    pub review: bool,
    /// Compute and report only.
    pub dry_run: bool,
    /// Run the gate (lint and tests).
    pub gate: bool,
    /// The date for the changelog (`YYYY-MM-DD`).
    pub date: String,
}

/// What a publish did or would do.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The blueprint.
    pub name: String,
    /// The version published.
    pub version: Version,
    /// The newest released version before it.
    pub previous: Option<Version>,
    /// The bump the change needs (none for a first version).
    pub required: Option<Required>,
    /// The files that change against the default branch's tip, with the path from the
    /// registry's root.
    pub changes: Vec<FileChange>,
    /// What happens to the blueprint's `registry.yaml` entry.
    pub index: IndexEdit,
    /// The changelog entry.
    pub changelog: String,
    /// The ref the commit went to.
    pub branch: String,
    /// The default branch whose tip the commit is built on (and [`Outcome::changes`] are
    /// against).
    pub base: String,
    /// The tag made, if any.
    pub tag: Option<String>,
    /// The commit, unless dry-run.
    pub commit: Option<String>,
    /// Whether the push was retried on a new tip.
    pub retried: bool,
    /// How long the gate took.
    pub gate_time: Duration,
    /// The folder was behind the newest release and its changes were merged onto it.
    pub caught_up: Option<CaughtUp>,
    /// The folder's files written after the push so that it holds what the registry holds
    /// (relative to the folder; empty for a dry run or when it already did).
    pub folder: Vec<String>,
    /// Why the folder could not be written after the push (the version is published).
    pub folder_error: Option<String>,
}

impl Outcome {
    /// Whether the version is released (tagged); a review publish pushes a branch only.
    pub fn released(&self) -> bool {
        self.tag.is_some() && self.commit.is_some()
    }
}

/// One file that a publish changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path from the registry's root (`blueprints/<name>/...`).
    pub path: String,
    /// How it differs from the default branch's tip: added (not there yet), modified (other
    /// contents, executable bit or link target) or removed (there, and not in the folder).
    pub change: Status,
}

/// What a publish does to the blueprint's `registry.yaml` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexEdit {
    /// The entry is added.
    Added,
    /// Its summary or tags change.
    Updated,
    /// It stays as it is.
    Unchanged,
}

/// A folder that was behind the newest release, merged onto it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaughtUp {
    /// The release the folder was at.
    pub folder_version: Version,
    /// The newest release its changes were merged onto.
    pub newest: Version,
    /// The folder's files the merge took from the registry (relative to the folder).
    pub from_registry: Vec<String>,
}

/// A folder behind the newest release whose changes do not merge onto it.
#[derive(Debug)]
pub struct Behind {
    /// The blueprint.
    pub name: String,
    /// The folder's version.
    pub folder_version: Version,
    /// The newest release.
    pub newest: Version,
    /// The files changed both in the folder and since its version (empty: the folder's version
    /// is not a release, so there is nothing to merge from).
    pub conflicts: Vec<String>,
}

impl std::fmt::Display for Behind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Behind {
            name,
            folder_version,
            newest,
            conflicts,
        } = self;
        write!(
            f,
            "the registry has {name} {newest}, published since this folder's {folder_version}: "
        )?;
        if conflicts.is_empty() {
            write!(
                f,
                "{folder_version} is not a release of {name}, so this folder's changes cannot be merged onto {newest}"
            )
        } else {
            write!(
                f,
                "this folder and {newest} both changed {}; nothing was published",
                conflicts.join(", ")
            )
        }
    }
}

/// Why a publish or release was refused.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The gate failed.
    #[error("the gate failed for {name} {version}, nothing was published:\n{report}")]
    Gate {
        /// The blueprint.
        name: String,
        /// The version.
        version: Version,
        /// What failed, one line each.
        report: String,
    },
    /// The bump asked for is smaller than the change needs.
    #[error("{name} {asked} is too small a step from {previous}: the change needs a {} bump because:\n{}", .required.level, .required.reasons.iter().map(|r| format!("  - [{}] {}", r.level, r.text)).collect::<Vec<_>>().join("\n"))]
    TooSmall {
        /// The blueprint.
        name: String,
        /// The version asked for.
        asked: Version,
        /// The newest released version.
        previous: Version,
        /// The bump needed.
        required: Box<Required>,
    },
    /// The version exists already.
    #[error("{name} {version} already exists in registry {registry}{detail}")]
    Exists {
        /// The blueprint.
        name: String,
        /// The version.
        version: Version,
        /// The registry's URL.
        registry: String,
        /// Where it was found.
        detail: String,
    },
    /// `--version` is not after the newest version.
    #[error("{name} {asked} is not after the newest released version {previous}")]
    NotNewer {
        /// The blueprint.
        name: String,
        /// The version asked for.
        asked: Version,
        /// The newest released version.
        previous: Version,
    },
    /// The commit is on the branch but its tag could not be pushed.
    #[error(
        "{} {} is committed on {} ({}) but its tag could not be pushed: {}",
        .0.name, .0.version, .0.branch, .0.commit, .0.cause
    )]
    Untagged(Box<Untagged>),
    /// No git identity.
    #[error(
        "no git identity to sign the commit with: set user.name and user.email (git config --global user.name \"Your Name\"; git config --global user.email you@example.com)"
    )]
    NoIdentity,
    /// Nothing to release.
    #[error("{0}")]
    Nothing(String),
    /// The folder given holds another blueprint.
    #[error("{folder} holds the blueprint `{found}`, not `{name}`")]
    WrongFolder {
        /// The folder.
        folder: String,
        /// The blueprint it holds.
        found: String,
        /// The blueprint asked for.
        name: String,
    },
    /// The folder is behind the newest release and its changes do not merge onto it.
    #[error("{0}")]
    Behind(Box<Behind>),
    /// The registry index is unusable.
    #[error("registry.yaml of {registry}: {cause}")]
    Index {
        /// The registry's URL.
        registry: String,
        /// What is wrong.
        cause: String,
    },
    /// The push failed; nothing was changed on the server or in the cache.
    #[error("{0}; nothing was published")]
    Push(#[from] PushError),
    /// A registry read failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The gate could not run.
    #[error(transparent)]
    Test(#[from] testing::TestError),
    /// The blueprint folder could not be written.
    #[error(transparent)]
    Folder(#[from] catch_up::WriteError),
    /// A temporary folder could not be written.
    #[error("cannot prepare the gate folder: {0}")]
    Io(#[from] std::io::Error),
}

impl crate::error::Classify for PublishError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            PublishError::TooSmall { .. }
            | PublishError::Exists { .. }
            | PublishError::NotNewer { .. }
            | PublishError::Behind(_)
            | PublishError::WrongFolder { .. }
            | PublishError::NoIdentity => crate::error::ErrorKind::Usage,
            PublishError::Push(e) => e.kind(),
            PublishError::Registry(e) => e.kind(),
            PublishError::Test(e) => e.kind(),
            _ => crate::error::ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PublishError::TooSmall { required, .. } => Some(format!(
                "publish with --bump {} (or a larger one)",
                required.level
            )),
            PublishError::Exists { .. } => Some(String::from(
                "publish with a larger --bump or --version; a released version never changes",
            )),
            PublishError::Untagged(u) => Some(format!(
                "the version is not released until it is tagged: run `pave release {} --registry <registry>`",
                u.name
            )),
            PublishError::Gate { .. } => Some(String::from(
                "run `pave blueprint lint` and `pave blueprint test` on the folder and fix what they report",
            )),
            PublishError::Behind(b) => Some(format!(
                "bring the folder up to date: take `blueprints/{0}/` at the tag `{0}/v{1}` of the registry (`git clone <registry>` then `git checkout {0}/v{1}`), make this folder's changes there, and publish that folder",
                b.name, b.newest
            )),
            PublishError::Push(e) => e.hint(),
            _ => None,
        }
    }
}

impl From<crate::registry::git::GitError> for PublishError {
    fn from(e: crate::registry::git::GitError) -> Self {
        PublishError::Registry(e.into())
    }
}

/// A version committed on the branch whose tag the server refused.
#[derive(Debug)]
pub struct Untagged {
    /// The blueprint.
    pub name: String,
    /// The version.
    pub version: Version,
    /// The branch that holds the commit.
    pub branch: String,
    /// The commit.
    pub commit: String,
    /// Why the tag push failed.
    pub cause: String,
}

/// The folder of a blueprint in a registry.
pub fn folder_of(name: &str) -> String {
    format!("blueprints/{name}")
}

/// The files of `new` that differ from `old` (both relative to `dir`), sorted by path.
fn changes(dir: &str, old: &FileTree, new: &FileTree) -> Vec<FileChange> {
    changed_paths(old, new)
        .into_iter()
        .map(|(path, change)| FileChange {
            path: format!("{dir}/{path}"),
            change,
        })
        .collect()
}

/// Publishes the folder of `request` to `source`. After a push, the folder is brought to what
/// the registry now holds (its `version`, its CHANGELOG.md, and the files merged from a newer
/// release); [`Outcome::folder`] says what was written.
pub fn publish(source: &GitSource, request: &Request) -> Result<Outcome, PublishError> {
    let loaded = local::load(&request.folder)?;
    let files = local::read_tree(&request.folder)?;
    let session = source.write_session()?;
    let (mut outcome, mut tree) = attempt(&session, request, &loaded, &files, None)?;
    if outcome.commit.is_none() && !request.dry_run {
        // The branch moved: fetched again, re-applied and re-checked on the new tip, once,
        // for the same version.
        session.refetch().map_err(PushError::from)?;
        let fixed = Some(outcome.version.clone());
        (outcome, tree) = attempt(&session, request, &loaded, &files, fixed)?;
        outcome.retried = true;
    }
    if !request.dry_run {
        // The version is pushed: a folder that cannot be written is reported, not an error.
        let removed: Vec<String> = files
            .keys()
            .filter(|k| !tree.contains_key(*k))
            .cloned()
            .collect();
        match catch_up::write_folder(&request.folder, &tree, &removed) {
            Ok(written) => outcome.folder = written,
            Err(e) => outcome.folder_error = Some(e.to_string()),
        }
    }
    Ok(outcome)
}

/// One try on the current tip: the outcome and the blueprint folder it committed.
/// `commit: None` in the outcome of a first try means the push was refused as stale (retry);
/// other refusals, and any on the retry (`retry_of`), are errors.
fn attempt(
    session: &WriteSession<'_>,
    request: &Request,
    loaded: &Loaded,
    files: &FileTree,
    retry_of: Option<Version>,
) -> Result<(Outcome, FileTree), PublishError> {
    let last = retry_of.is_some();
    let name = loaded.blueprint.name().to_string();
    let url = session.url().to_string();
    let dir = folder_of(&name);
    let released = session.versions(&name)?;
    let previous = released.last().cloned();
    let (branch, tip) = session.default_branch().map_err(PushError::from)?;
    let exists = |version: &Version, detail: String| PublishError::Exists {
        name: name.clone(),
        version: version.clone(),
        registry: url.clone(),
        detail,
    };
    if let Some(v) = &retry_of
        && released.contains(v)
    {
        return Err(exists(v, format!(" (tag {})", tag_name(&name, v))));
    }
    let old = match &previous {
        Some(v) => at_tag(session, &name, v)?,
        None => None,
    };

    // A folder behind the newest release: its changes merged onto that release, or refused.
    let folder_version = loaded.blueprint.version().clone();
    let mut caught_up = None;
    let mut folder = files.clone();
    if let (Some(newest), Some((theirs, _))) = (&previous, &old)
        && &folder_version < newest
    {
        let behind = |conflicts: Vec<String>| {
            PublishError::Behind(Box::new(Behind {
                name: name.clone(),
                folder_version: folder_version.clone(),
                newest: newest.clone(),
                conflicts,
            }))
        };
        let Some((base, _)) = at_tag(session, &name, &folder_version)? else {
            return Err(behind(Vec::new()));
        };
        let prepare = |tree: &FileTree| {
            let mut tree = tree.clone();
            tree.remove("CHANGELOG.md");
            set_tree_version(&mut tree, newest);
            tree
        };
        let labels = crate::update::text::Labels {
            ours: String::from("folder"),
            base: format!("{name} {folder_version}"),
            theirs: format!("{name} {newest}"),
        };
        let (merged, from_registry) =
            catch_up::merge_trees(&prepare(&base), &prepare(files), &prepare(theirs), &labels)
                .map_err(behind)?;
        folder = merged;
        if let Some(log) = files.get("CHANGELOG.md") {
            folder.insert(String::from("CHANGELOG.md"), log.clone());
        }
        caught_up = Some(CaughtUp {
            folder_version: folder_version.clone(),
            newest: newest.clone(),
            from_registry,
        });
    }
    let blueprint = if caught_up.is_some() {
        Blueprint::from_tree(&request.folder.display().to_string(), folder.clone())
            .map_err(RegistryError::from)?
    } else {
        loaded.blueprint.clone()
    };

    // The version.
    let asked = retry_of.or_else(|| request.version.clone());
    let (version, required) = match &previous {
        None => (asked.unwrap_or_else(|| folder_version.clone()), None),
        Some(prev) => {
            let need = match &old {
                Some((_, old)) => bump::required(old, &blueprint),
                None => Required {
                    level: Bump::Patch,
                    reasons: Vec::new(),
                },
            };
            let version = match (asked, request.bump) {
                (Some(v), _) => v,
                (None, Some(b)) => b.apply(prev),
                (None, None) => need.level.apply(prev),
            };
            match Bump::between(prev, &version) {
                None if released.contains(&version) => {}
                None => {
                    return Err(PublishError::NotNewer {
                        name,
                        asked: version,
                        previous: prev.clone(),
                    });
                }
                Some(step) if step < need.level => {
                    return Err(PublishError::TooSmall {
                        name,
                        asked: version,
                        previous: prev.clone(),
                        required: Box::new(need),
                    });
                }
                Some(_) => {}
            }
            (version, Some(need))
        }
    };
    let tag = tag_name(&name, &version);
    if released.contains(&version) {
        return Err(exists(&version, format!(" (tag {tag})")));
    }
    let on_tip = match &tip {
        Some(tip) => write::read_folder(session.repo(), tip, &dir)
            .map_err(|e| PushError::from(session.git_error("cannot read the blueprint", &e)))?,
        None => FileTree::new(),
    };
    if let Some(tip) = &tip
        && let Some((_, on_branch)) = session.blueprint_at(tip, &dir)?
        && on_branch.version() == &version
        && previous.as_ref() != Some(&version)
    {
        return Err(exists(
            &version,
            String::from(" (on the default branch, waiting for `pave release`)"),
        ));
    }

    // What is committed: the folder with its version set, and the registry's changelog with
    // the new entry on top.
    let mut published = folder;
    set_tree_version(&mut published, &version);
    let changelog_of = |tree: &FileTree| match tree.get("CHANGELOG.md") {
        Some(Entry::File { data, .. }) => Some(String::from_utf8_lossy(data).into_owned()),
        _ => None,
    };
    let (log, changelog) = next_changelog(
        changelog_of(&on_tip).as_deref(),
        &changelog_of(files).unwrap_or_default(),
        &folder_version,
        &version,
        &request.date,
        request.message.as_deref(),
        &request.addresses,
    );
    published.insert(String::from("CHANGELOG.md"), Entry::file(log));

    let (index_text, index) = read_index(
        session,
        tip.as_ref(),
        "apiVersion: pave/v1\nname: registry\nblueprints: []\n",
    )?;
    let new_index = upsert_entry(&index_text, &index, &blueprint, &dir);
    parse_index(&new_index, "registry.yaml").map_err(|e| PublishError::Index {
        registry: url.clone(),
        cause: format!("the updated index does not parse: {e}"),
    })?;
    let index_edit = if !index.blueprints.iter().any(|e| e.name == name) {
        IndexEdit::Added
    } else if new_index != index_text {
        IndexEdit::Updated
    } else {
        IndexEdit::Unchanged
    };

    let mut outcome = Outcome {
        name: name.clone(),
        version: version.clone(),
        previous: previous.clone(),
        required,
        changes: changes(&dir, &on_tip, &published),
        index: index_edit,
        changelog,
        branch: if request.review {
            format!("refs/heads/publish/{name}-{version}")
        } else {
            branch.clone()
        },
        tag: (!request.review).then(|| tag.clone()),
        base: branch.trim_start_matches("refs/heads/").to_string(),
        commit: None,
        retried: false,
        gate_time: Duration::ZERO,
        caught_up,
        folder: Vec::new(),
        folder_error: None,
    };

    if request.gate && !last {
        let started = std::time::Instant::now();
        gate(&published, &name, &version)?;
        outcome.gate_time = started.elapsed();
    }
    if request.dry_run {
        return Ok((outcome, published));
    }

    let who = write::identity(session.repo()).ok_or(PublishError::NoIdentity)?;
    let change = write::TreeChange {
        dir: dir.clone(),
        files: Some(published.clone()),
        set: vec![(String::from("registry.yaml"), new_index.into_bytes())],
    };
    let message = format!(
        "{name} {version}{}",
        request
            .message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    );
    let commit = session.commit_change(tip.as_ref(), &change, &who, &message)?;
    // The branch is the one point where racing publishers are ordered: the server moves it
    // only from the tip this commit was built on. Branch and tag go in one atomic push (both
    // or neither); a server that cannot push atomically takes each ref on its own, so there
    // the tag follows in a second push, once the commit is on the branch and the version is
    // this publisher's.
    let branch_update = RefUpdate {
        name: outcome.branch.clone(),
        target: Some(commit),
    };
    let mut tag_update = None;
    if !request.review {
        let update = session.tag(&tag, commit, &who, &message)?;
        match session.push_atomic(&[branch_update.clone(), update.clone()]) {
            Ok(()) => {
                outcome.commit = Some(commit.to_string());
                return Ok((outcome, published));
            }
            Err(PushError::AtomicUnsupported { .. }) => tag_update = Some(update),
            Err(e) if e.is_stale() && !last => return Ok((outcome, published)),
            Err(e) => return Err(e.into()),
        }
    }
    if let Err(e) = session.push(std::slice::from_ref(&branch_update)) {
        return if e.is_stale() && !last && !request.review {
            Ok((outcome, published))
        } else {
            Err(e.into())
        };
    }
    outcome.commit = Some(commit.to_string());
    if let Some(tag_update) = tag_update
        && let Err(e) = session.push(std::slice::from_ref(&tag_update))
        // A `pave release` running beside this publish may have tagged the commit first.
        && !tagged_remotely(session, &tag, commit)
    {
        return Err(PublishError::Untagged(Box::new(Untagged {
            name,
            version,
            branch: outcome.branch,
            commit: commit.to_string(),
            cause: e.to_string(),
        })));
    }
    Ok((outcome, published))
}

/// The blueprint `name` as its release `version` holds it, when that tag is there.
fn at_tag(
    session: &WriteSession<'_>,
    name: &str,
    version: &Version,
) -> Result<Option<(FileTree, Blueprint)>, RegistryError> {
    let Some(commit) = session.commit_at(&format!("refs/tags/{}", tag_name(name, version))) else {
        return Ok(None);
    };
    session.blueprint_at(&commit, &folder_of(name))
}

/// The text of `registry.yaml` on `tip` (`missing` when it has none) and the index it reads as.
fn read_index(
    session: &WriteSession<'_>,
    tip: Option<&git2::Commit<'_>>,
    missing: &str,
) -> Result<(String, RegistryIndex), PublishError> {
    let text = match tip {
        Some(tip) => session.read_text(tip, "registry.yaml")?,
        None => None,
    }
    .unwrap_or_else(|| missing.to_string());
    let index = parse_index(&text, "registry.yaml").map_err(|e| PublishError::Index {
        registry: session.url().to_string(),
        cause: e.to_string(),
    })?;
    Ok((text, index))
}

/// Whether the server's `tag` (fetched again) names `commit`.
fn tagged_remotely(session: &WriteSession<'_>, tag: &str, commit: git2::Oid) -> bool {
    session.refetch().is_ok()
        && session
            .commit_at(&format!("refs/tags/{tag}"))
            .is_some_and(|c| c.id() == commit)
}

/// Runs lint (no errors) and every example case on `files` written to a temporary folder.
pub fn gate(files: &FileTree, name: &str, version: &Version) -> Result<(), PublishError> {
    let scratch = tempfile::Builder::new().prefix("pave-gate-").tempdir()?;
    let dir = scratch.path().join(name);
    for (rel, entry) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match entry {
            Entry::File { data, executable } => {
                std::fs::write(&path, data)?;
                #[cfg(unix)]
                if *executable {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
                }
            }
            Entry::Symlink { target } => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(target, &path)?;
            }
        }
    }
    let loaded = local::load(&dir)?;
    let mut report = Vec::new();
    for finding in lint::lint(&loaded.blueprint).findings {
        if finding.severity == lint::Severity::Error {
            report.push(format!("lint: {finding}"));
        }
    }
    if loaded.blueprint.tests.is_empty() {
        report.push(String::from(
            "test: no example answer set (tests/<case>.yaml); add one so the gate can render it",
        ));
    } else {
        let options = testing::Options {
            update_snapshots: false,
            run_checks: true,
            timeout: Duration::from_secs(300),
            out: None,
            filter: None,
        };
        for case in testing::run(&dir, &loaded, &options, &mut |_| {})? {
            if case.passed() {
                continue;
            }
            let why = match (&case.error, &case.snapshot) {
                (Some(e), _) => e.clone(),
                (None, testing::Snapshot::Missing) => String::from("no snapshot recorded"),
                (None, testing::Snapshot::Differs(_)) => String::from("snapshot differs"),
                _ => case
                    .checks
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| format!("check `{}` failed", c.command))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            report.push(format!("test: case `{}`: {why}", case.name));
        }
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(PublishError::Gate {
            name: name.to_string(),
            version: version.clone(),
            report: report.join("\n"),
        })
    }
}

/// `blueprint.yaml` with its top-level `version` set, every other byte kept.
pub fn set_version(text: &str, version: &Version) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && let Some(rest) = line.strip_prefix("version:") {
            let value = rest.trim_start_matches([' ', '\t']);
            let space = &rest[..rest.len() - value.len()];
            let end = value
                .find(|c: char| c.is_whitespace() || c == '#')
                .unwrap_or(value.len());
            out.push_str("version:");
            out.push_str(if space.is_empty() { " " } else { space });
            out.push_str(&version.to_string());
            out.push_str(&value[end..]);
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `tree` with the `version` of its `blueprint.yaml` set ([`set_version`]).
fn set_tree_version(tree: &mut FileTree, version: &Version) {
    if let Some(Entry::File { data, .. }) = tree.get_mut("blueprint.yaml") {
        let text = String::from_utf8_lossy(data).into_owned();
        *data = set_version(&text, version).into_bytes().into();
    }
}

/// What `pave release` did or would do for one blueprint.
#[derive(Debug, Clone)]
pub struct Released {
    /// The blueprint.
    pub name: String,
    /// The version tagged.
    pub version: Version,
    /// The tag.
    pub tag: String,
}

/// Tags every blueprint (or `only`) whose manifest on the default branch holds a version with
/// no tag yet, after the gate; pushes the tags in one push.
pub fn release(
    source: &GitSource,
    only: Option<&str>,
    dry_run: bool,
) -> Result<Vec<Released>, PublishError> {
    let session = source.write_session()?;
    let url = session.url().to_string();
    let (_, tip) = session.default_branch().map_err(PushError::from)?;
    let Some(tip) = tip else {
        return Err(PublishError::Nothing(format!(
            "registry {url} has no commit on its default branch"
        )));
    };
    let (_, index) = read_index(&session, Some(&tip), "")?;
    if let Some(name) = only
        && !index.blueprints.iter().any(|e| e.name == name)
    {
        return Err(PublishError::Nothing(format!(
            "registry {url} lists no blueprint `{name}`"
        )));
    }
    let mut todo = Vec::new();
    for entry in index
        .blueprints
        .iter()
        .filter(|e| only.is_none_or(|n| n == e.name))
    {
        let Some((files, bp)) = session.blueprint_at(&tip, &entry.path)? else {
            continue;
        };
        let version = bp.version().clone();
        if session.versions(&entry.name)?.contains(&version) {
            continue;
        }
        gate(&files, &entry.name, &version)?;
        todo.push(Released {
            name: entry.name.clone(),
            tag: tag_name(&entry.name, &version),
            version,
        });
    }
    if dry_run || todo.is_empty() {
        return Ok(todo);
    }
    let who = write::identity(session.repo()).ok_or(PublishError::NoIdentity)?;
    let mut updates = Vec::new();
    for r in &todo {
        let message = format!("{} {}", r.name, r.version);
        updates.push(session.tag(&r.tag, tip.id(), &who, &message)?);
    }
    session.push(&updates)?;
    Ok(todo)
}

/// Refuses a `folder` that does not hold the blueprint `name`.
pub fn check_folder(folder: &Path, name: &str) -> Result<(), PublishError> {
    let loaded = local::load(folder)?;
    if loaded.blueprint.name() == name {
        return Ok(());
    }
    Err(PublishError::WrongFolder {
        folder: folder.display().to_string(),
        found: loaded.blueprint.name().to_string(),
        name: name.to_string(),
    })
}

/// Brings the blueprint folder `folder` to the newest release of `name` in `source` (fetched
/// fresh): its manifest's `version` set to that release's, its CHANGELOG.md the release's,
/// each file replaced whole. Returns the release and the files written (none when the folder
/// already matched).
pub fn update_folder(
    source: &GitSource,
    name: &str,
    folder: &Path,
) -> Result<(Version, Vec<String>), PublishError> {
    check_folder(folder, name)?;
    let session = source.write_session()?;
    let newest = session.versions(name)?.last().cloned().ok_or_else(|| {
        PublishError::Nothing(format!(
            "registry {} has no release of {name}",
            session.url()
        ))
    })?;
    let released = at_tag(&session, name, &newest)?;
    let mut tree = local::read_tree(folder)?;
    tree.retain(|path, _| path == "blueprint.yaml");
    set_tree_version(&mut tree, &newest);
    if let Some((files, _)) = released
        && let Some(log) = files.get("CHANGELOG.md")
    {
        tree.insert(String::from("CHANGELOG.md"), log.clone());
    }
    let written = catch_up::write_folder(folder, &tree, &[])?;
    Ok((newest, written))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_set_and_comments_survive() {
        let v = Version::new(1, 3, 0);
        let text = "apiVersion: pave/v1\n# the name\nname: x\nversion: 1.2.0  # bumped by pave publish\nsummary: s\n";
        let out = set_version(text, &v);
        assert_eq!(
            out,
            "apiVersion: pave/v1\n# the name\nname: x\nversion: 1.3.0  # bumped by pave publish\nsummary: s\n"
        );
        assert_eq!(set_version("version: '0.1.0'\n", &v), "version: 1.3.0\n");
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"), "{d}");
    }
}
