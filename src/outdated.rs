//! `pave outdated` as a library: finding projects under folders ([`find_projects`]) and, for
//! each, one [`Row`]: where it came from, the versions it could move to, whether its blueprint
//! is deprecated, its drift (how many files differ from the pristine render) and, with a sent
//! log, the feedback it sent that a newer version addresses.
//!
//! A run over many projects costs little because the [`Checker`] remembers what it learnt:
//! each recorded registry is opened once (so a git registry is fetched at most once per run),
//! each blueprint's versions and index entry are read once, each recorded version is loaded
//! once and each distinct (version, answers) pair is rendered once, and each version's templates are
//! parsed once (one engine per version). A project whose registry
//! cannot be reached still gets its row, with the error in it; the run goes on.

use crate::blueprint::FileTree;
use crate::error::one_line;
use crate::feedback::addressed::{self, Addressed};
use crate::feedback::spool::SentLog;
use crate::manifest::{IndexEntry, Maturity};
use crate::project::diff::changed_paths;
use crate::project::pristine::{self, PristineError};
use crate::project::tree::{self, WalkError, is_skipped_dir};
use crate::project::{self, ProjectFile};
use crate::registry::{BlueprintSource, Loaded, Registries, RegistryError};
use crate::template::Engine;
use semver::Version;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What `outdated` says about one project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The project's folder, as found (relative when the search root was).
    pub path: PathBuf,
    /// The registry's name (`builtin`, a configured name) or its recorded location.
    pub registry: String,
    /// The blueprint.
    pub blueprint: String,
    /// The version the project records.
    pub version: Option<Version>,
    /// The newest released version with the same major (what `pave update` moves to).
    pub newest_in_major: Option<Version>,
    /// The newest released version.
    pub newest: Option<Version>,
    /// Whether the recorded version is deprecated (`maturity: deprecated`, or a `deprecated:`
    /// item of the registry's index matching it).
    pub deprecated: bool,
    /// Whether the recorded version was yanked (a `yanked:` item of the index).
    pub yanked: bool,
    /// Why: the deprecation's and the yank's reasons, with the replacement, if any.
    pub notes: Vec<String>,
    /// How many files differ from the pristine render (added, removed or modified).
    pub drift: Option<usize>,
    /// Whether a newer version with the same major exists.
    pub behind: bool,
    /// Whether a release of a newer major exists (`newest`'s major is above the recorded
    /// one's): `pave update --to <major>` takes it.
    pub major_available: bool,
    /// What went wrong for this project, if anything (the other columns hold what is known).
    pub error: Option<String>,
    /// The feedback items this project sent that a version up to `newest_in_major` addresses
    /// (empty without a sent log, see [`Checker::with_sent`]).
    pub addressed: Vec<Addressed>,
}

impl Row {
    /// Whether the row needs attention: behind in its major, a newer major released, the
    /// recorded version deprecated or yanked, or an error.
    pub fn needs_attention(&self) -> bool {
        self.behind
            || self.major_available
            || self.deprecated
            || self.yanked
            || self.error.is_some()
    }

    /// The row's states, in the order the table shows them: `behind`, `major available`,
    /// `deprecated`, `yanked`, `error`; `current` when there is none.
    pub fn statuses(&self) -> Vec<&'static str> {
        let mut status: Vec<&str> = [
            (self.behind, "behind"),
            (self.major_available, "major available"),
            (self.deprecated, "deprecated"),
            (self.yanked, "yanked"),
            (self.error.is_some(), "error"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect();
        if status.is_empty() {
            status.push("current");
        }
        status
    }
}

/// Why the search for projects failed.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// A folder given cannot be read.
    #[error("cannot search {}: {source}", .path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl crate::error::Classify for FindError {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Failure
    }
}

/// The projects named by `roots`: each root itself when it holds a `.pave.yaml` (or, without
/// `recursive`, whether or not it does: its row then says it is not a project). With
/// `recursive`, every folder below each root that holds a `.pave.yaml`, skipping
/// [`tree::SKIPPED_DIRS`] and never following links; a project's subfolders are
/// searched too, since one of them may hold a project of its own. In the order of `roots`
/// (sorted by path below each), each project once.
pub fn find_projects(roots: &[PathBuf], recursive: bool) -> Result<Vec<PathBuf>, FindError> {
    let mut found = Vec::new();
    for root in roots {
        if !recursive {
            found.push(root.clone());
            continue;
        }
        let mut below = Vec::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.file_type().is_dir() && (e.depth() == 0 || !is_skipped_dir(e.file_name()))
            });
        for item in walker {
            let item = item.map_err(|e| FindError::Io {
                path: e.path().map_or_else(|| root.clone(), Path::to_path_buf),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("a folder loop")),
            })?;
            if item.path().join(project::FILE_NAME).is_file() {
                below.push(item.into_path());
            }
        }
        below.sort();
        found.append(&mut below);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(p.clone()));
    Ok(found)
}

type Shared<T> = Result<T, String>;

/// The key of one recorded version: registry, blueprint, version, commit.
type VersionKey = (String, String, Version, Option<String>);

/// What one registry says about one blueprint.
#[derive(Clone)]
struct Releases {
    versions: Vec<Version>,
    /// The index entry (none for a folder recorded by path).
    entry: Option<IndexEntry>,
}

/// Checks projects one after the other, remembering registries, versions, loaded blueprints
/// and renders between them.
pub struct Checker<'a> {
    registries: &'a Registries,
    sources: HashMap<String, Shared<Box<dyn BlueprintSource>>>,
    releases: HashMap<(String, String), Shared<Releases>>,
    loaded: HashMap<VersionKey, Shared<Rc<Loaded>>>,
    renders: HashMap<(VersionKey, String), Shared<FileTree>>,
    /// One engine per loaded version, keeping its compiled templates between projects.
    engines: HashMap<VersionKey, Engine>,
    sent: Option<SentLog>,
    changelogs: HashMap<(String, String, Version), Shared<Option<String>>>,
}

impl<'a> Checker<'a> {
    /// A checker with nothing learnt yet.
    pub fn new(registries: &'a Registries) -> Self {
        Checker {
            registries,
            sources: HashMap::new(),
            releases: HashMap::new(),
            loaded: HashMap::new(),
            renders: HashMap::new(),
            engines: HashMap::new(),
            sent: None,
            changelogs: HashMap::new(),
        }
    }

    /// Also fills each row's [`Row::addressed`] from the ids `log` says the project sent (the
    /// newer version's changelog is read only for a project that sent something).
    pub fn with_sent(mut self, log: SentLog) -> Self {
        self.sent = Some(log);
        self
    }

    /// The row of the project at `dir`.
    pub fn check(&mut self, dir: &Path) -> Row {
        let mut row = Row {
            path: dir.to_path_buf(),
            ..Row::default()
        };
        if let Err(e) = self.fill(dir, &mut row) {
            row.error = Some(e);
        }
        row
    }

    fn fill(&mut self, dir: &Path, row: &mut Row) -> Result<(), String> {
        let record = pristine::read_record(dir).map_err(|e| one_line(&e))?;
        row.registry = record.registry.clone();
        row.blueprint = record.blueprint.clone();
        row.version = Some(record.version.clone());
        let source = source_of(&mut self.sources, self.registries, &record)?;
        row.registry = source.name().to_string();
        let releases = self.releases(&record)?;
        let entry = releases.entry.as_ref();
        // Yanked versions are no target to move to.
        let stable = |v: &&Version| {
            (v.pre.is_empty() || !record.version.pre.is_empty())
                && !entry.is_some_and(|e| e.is_yanked(v))
        };
        row.newest = releases.versions.iter().filter(stable).max().cloned();
        row.newest_in_major = releases
            .versions
            .iter()
            .filter(stable)
            .filter(|v| v.major == record.version.major)
            .max()
            .cloned();
        row.behind = row
            .newest_in_major
            .as_ref()
            .is_some_and(|n| *n > record.version);
        row.major_available = row
            .newest
            .as_ref()
            .is_some_and(|n| n.major > record.version.major);
        if let Some(entry) = entry {
            let deprecation = entry.deprecation(&record.version);
            row.deprecated = entry.maturity == Maturity::Deprecated || deprecation.is_some();
            if let Some(d) = deprecation {
                row.notes.push(format!(
                    "deprecated: {}{}",
                    d.reason,
                    d.replacement
                        .as_deref()
                        .map(|u| format!(" (use {u})"))
                        .unwrap_or_default()
                ));
            }
            if let Some(y) = entry.yank(&record.version) {
                row.yanked = true;
                row.notes.push(format!("yanked: {}", y.reason));
            }
        }
        if let Some(newest) = row.newest_in_major.clone().filter(|_| row.behind) {
            row.addressed = self.addressed(dir, &record, &newest)?;
        }
        let pristine = self.render(&record)?;
        let project = tree::read(dir, &pristine).map_err(|e: WalkError| one_line(&e))?;
        row.drift = Some(changed_paths(&pristine, &project).len());
        Ok(())
    }

    fn addressed(
        &mut self,
        dir: &Path,
        record: &ProjectFile,
        target: &Version,
    ) -> Result<Vec<Addressed>, String> {
        let Some(log) = &self.sent else {
            return Ok(Vec::new());
        };
        let project = addressed::project_name(record, dir);
        let sent = log
            .for_project(Some(&record.registry), project.as_deref())
            .map_err(|e| one_line(&e))?;
        if sent.is_empty() {
            return Ok(Vec::new());
        }
        let key = (
            record.registry.clone(),
            record.blueprint.clone(),
            target.clone(),
        );
        let (sources, registries) = (&mut self.sources, self.registries);
        let changelog = remembered(&mut self.changelogs, key, || {
            source_of(sources, registries, record)?
                .load(&record.blueprint, target)
                .map(|l| l.blueprint.changelog)
                .map_err(|e| one_line(&e))
        })?;
        Ok(changelog.map_or_else(Vec::new, |text| {
            addressed::addressed(&text, &record.version, target, &sent)
        }))
    }

    fn releases(&mut self, record: &ProjectFile) -> Result<Releases, String> {
        let key = (record.registry.clone(), record.blueprint.clone());
        let (sources, registries) = (&mut self.sources, self.registries);
        remembered(&mut self.releases, key, || {
            let source = source_of(sources, registries, record)?;
            let read = || -> Result<Releases, RegistryError> {
                let versions = source.versions(&record.blueprint)?;
                // A blueprint folder recorded by path has no index entry worth reading.
                let entry = match source.entry(&record.blueprint) {
                    Ok(entry) => Some(entry),
                    Err(RegistryError::UnknownBlueprint { .. }) => None,
                    Err(e) => return Err(e),
                };
                Ok(Releases { versions, entry })
            };
            read().map_err(|e| one_line(&e))
        })
    }

    fn load(&mut self, record: &ProjectFile) -> Result<(VersionKey, Rc<Loaded>), String> {
        let key = (
            record.registry.clone(),
            record.blueprint.clone(),
            record.version.clone(),
            record.commit.clone(),
        );
        let (sources, registries) = (&mut self.sources, self.registries);
        let loaded = remembered(&mut self.loaded, key.clone(), || {
            pristine::load_from(source_of(sources, registries, record)?, record)
                .map(|(loaded, _moved)| Rc::new(loaded))
                .map_err(|e: PristineError| one_line(&e))
        })?;
        Ok((key, loaded))
    }

    fn render(&mut self, record: &ProjectFile) -> Result<FileTree, String> {
        let (version_key, loaded) = self.load(record)?;
        let answers = serde_json::Value::Object(record.answers.clone()).to_string();
        let engines = &mut self.engines;
        remembered(&mut self.renders, (version_key.clone(), answers), || {
            let engine = match engines.entry(version_key) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    slot.insert(Engine::new(&loaded.blueprint.partials).map_err(|e| one_line(&e))?)
                }
            };
            pristine::render_recorded_with(engine, &loaded, &record.answers, &Default::default())
                .map(|r| r.tree)
                .map_err(|e| one_line(&e))
        })
    }
}

/// What `map` remembers under `key`, worked out by `work` the first time (an error too).
fn remembered<K: Eq + Hash, T: Clone>(
    map: &mut HashMap<K, Shared<T>>,
    key: K,
    work: impl FnOnce() -> Shared<T>,
) -> Shared<T> {
    map.entry(key).or_insert_with(work).clone()
}

/// The source of a recorded registry, opened on first use and kept (with its error, if it
/// could not be opened).
fn source_of<'s>(
    sources: &'s mut HashMap<String, Shared<Box<dyn BlueprintSource>>>,
    registries: &Registries,
    record: &ProjectFile,
) -> Result<&'s dyn BlueprintSource, String> {
    let entry = sources.entry(record.registry.clone()).or_insert_with(|| {
        registries
            .open_recorded(record.origin())
            .map_err(|e| one_line(&e))
    });
    match entry {
        Ok(source) => Ok(&**source),
        Err(e) => Err(e.clone()),
    }
}

/// One row per project folder in `dirs`, in that order.
pub fn outdated(registries: &Registries, dirs: &[PathBuf]) -> Vec<Row> {
    let mut checker = Checker::new(registries);
    dirs.iter().map(|dir| checker.check(dir)).collect()
}
