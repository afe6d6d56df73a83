//! `pave update` as library calls, without printing: [`prepare`] reads the project's record,
//! loads the recorded version (the base) and the target version, resolves the new answers,
//! renders both, reads the project and merges file by file into a [`WritePlan`] with
//! `.pave.yaml` last; [`PreparedUpdate::apply`] writes it all or nothing and then registers each
//! conflicted file as unmerged in the git index (when the project is in a work tree).
//! [`check_clean`] refuses a work tree with uncommitted changes in the project folder. No
//! blueprint code runs, and no path leaves the project.

use super::{MergeError, MergeOptions, OpKind, Trees, UpdateResult};
use crate::answers::{self, AnswerError, Answers, Prompter, Supplied};
use crate::blueprint::{Entry, FileTree};
use crate::error::{Classify, ErrorKind};
use crate::manifest::{Manifest, ParamType, Parameter};
use crate::plan::{ApplyOptions, PlanError, PlannedFile, WritePlan};
use crate::project::pristine::{self, Carried, PristineError};
use crate::project::{self, ProjectFile, ReadError, read_project};
use crate::registry::git::write;
use crate::registry::integrity::TagMoved;
use crate::registry::{BlueprintSource, Loaded, Registries, RegistryError};
use crate::render::RenderError;
use crate::template::Engine;
use semver::{Comparator, Op, Version, VersionReq};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The project folder.
    pub dir: PathBuf,
    /// The target requirement (`--to`); `None`: the newest version with the recorded major.
    pub to: Option<VersionReq>,
    /// `--set` pairs and the `--answers` file; they win over the recorded answers.
    pub supplied: Supplied,
    /// Allow a target older than the recorded version.
    pub allow_downgrade: bool,
    /// Bring back files the project deleted and the blueprint changed.
    pub recreate_deleted: bool,
}

/// Why an update could not be made.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The record, the base or its render.
    #[error(transparent)]
    Pristine(#[from] PristineError),
    /// The registry.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The new answers.
    #[error(transparent)]
    Answers(#[from] AnswerError),
    /// The target version failed to render.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The project could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A merge failed.
    #[error(transparent)]
    Merge(#[from] MergeError),
    /// The plan could not be made or applied.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// `.pave.yaml` could not be written.
    #[error(transparent)]
    Yaml(#[from] crate::yaml::YamlError),
    /// The target is older than the recorded version.
    #[error("{blueprint} {to} is older than {from}, the version this project records")]
    Downgrade {
        /// The blueprint.
        blueprint: String,
        /// The recorded version.
        from: Version,
        /// The target.
        to: Version,
    },
    /// Recorded answers the target version no longer accepts, with no terminal to ask on.
    #[error("recorded answer(s) no longer valid in {blueprint} {version}:\n{}", .stale.iter().map(|(n, v, why)| format!("  - {n} = {v}: {why}")).collect::<Vec<_>>().join("\n"))]
    StaleAnswers {
        /// The blueprint.
        blueprint: String,
        /// The target version.
        version: Version,
        /// `(parameter, recorded value, why it no longer fits)`.
        stale: Vec<(String, String, String)>,
    },
    /// The git work tree has uncommitted changes in the project.
    #[error("{} has uncommitted changes ({}), which the update's changes could not be told apart from", .dir.display(), summarize(.paths))]
    Dirty {
        /// The project folder.
        dir: PathBuf,
        /// The changed paths (relative to the work tree).
        paths: Vec<String>,
    },
    /// The git work tree could not be inspected or its index written.
    #[error("git: {0}")]
    Git(String),
}

fn summarize(paths: &[String]) -> String {
    let shown: Vec<&str> = paths.iter().take(5).map(String::as_str).collect();
    let more = paths.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

impl Classify for UpdateError {
    fn kind(&self) -> ErrorKind {
        match self {
            UpdateError::Pristine(e) => e.kind(),
            UpdateError::Registry(e) => e.kind(),
            UpdateError::Answers(e) => e.kind(),
            UpdateError::Render(e) => e.kind(),
            UpdateError::Plan(e) => e.kind(),
            UpdateError::Yaml(e) => e.kind(),
            UpdateError::Downgrade { .. } | UpdateError::StaleAnswers { .. } => ErrorKind::Usage,
            UpdateError::Read(_)
            | UpdateError::Merge(_)
            | UpdateError::Dirty { .. }
            | UpdateError::Git(_) => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            UpdateError::Pristine(e) => e.hint(),
            UpdateError::Registry(e) => e.hint(),
            UpdateError::Answers(e) => e.hint(),
            UpdateError::Render(e) => e.hint(),
            UpdateError::Plan(e) => e.hint(),
            UpdateError::Downgrade { .. } => Some(String::from(
                "pass --allow-downgrade, or --to a version not older than the recorded one",
            )),
            UpdateError::Dirty { .. } => Some(String::from(
                "commit or stash your changes first (git stash -u), or pass --allow-dirty",
            )),
            UpdateError::StaleAnswers { stale, .. } => Some(
                stale
                    .iter()
                    .map(|(n, _, _)| format!("--set {n}=..."))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        }
    }
}

/// An update worked out and ready to apply.
#[derive(Debug)]
pub struct PreparedUpdate {
    /// The project folder.
    pub dir: PathBuf,
    /// `.pave.yaml` as it was.
    pub record: ProjectFile,
    /// `.pave.yaml` as it will be.
    pub new_record: ProjectFile,
    /// The recorded version's tag no longer points at the recorded commit.
    pub tag_moved: Option<TagMoved>,
    /// How the recorded answers carried over to the target.
    pub carried: Carried,
    /// Each answer added, carried over to a new name or dropped, in parameter order (added
    /// and renamed), then dropped ones in recorded order.
    pub answer_changes: Vec<AnswerChange>,
    /// The new answers.
    pub answers: Answers,
    /// The per-file outcome.
    pub result: UpdateResult,
    /// The project's files that the update reads (before it).
    pub ours: FileTree,
    /// What is written, `.pave.yaml` last.
    pub plan: WritePlan,
    /// Same version, same commit, same answers: nothing to do.
    pub up_to_date: bool,
    /// The target version's `CHANGELOG.md`, if it has one (what the feedback it addresses is
    /// read from).
    pub changelog: Option<String>,
    /// The newest release of a major above the target's (not yanked; a pre-release only when
    /// the recorded version is one), which `pave update --to <major>` takes.
    pub newer_major: Option<Version>,
}

/// How an answer changed across an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A parameter the recorded answers lack (new in the target, or asked now because its
    /// `when` holds) got an answer.
    Added,
    /// A recorded answer carried over to a parameter's new name (`renamed_from`).
    Renamed,
    /// A recorded answer of a parameter the target no longer has.
    Dropped,
}

/// Where an added answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerSource {
    /// The parameter's default, taken without asking (no terminal, or `--defaults`).
    Default,
    /// Typed at the prompt (the default offered).
    Asked,
    /// `--set`.
    Set,
    /// The `--answers` file.
    AnswersFile,
}

impl AnswerSource {
    /// In words, for the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerSource::Default => "the default",
            AnswerSource::Asked => "answered",
            AnswerSource::Set => "--set",
            AnswerSource::AnswersFile => "the answers file",
        }
    }
}

/// One answer that an update adds, carries to a new name or drops.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AnswerChange {
    /// Added, renamed or dropped.
    pub change: ChangeKind,
    /// The parameter (for a renamed answer, its new name; for a dropped one, the recorded).
    pub name: String,
    /// For a renamed answer, the recorded name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The value; `None` for a secret (never shown).
    pub value: Option<Value>,
    /// Whether the parameter is a secret.
    pub secret: bool,
    /// Where an added answer came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<AnswerSource>,
}

impl AnswerChange {
    /// The value as the summary shows it: `(secret)` for a secret, a string as is (`""` when
    /// empty), anything else as JSON.
    pub fn shown_value(&self) -> String {
        match &self.value {
            None => String::from("(secret)"),
            Some(Value::String(s)) if s.is_empty() => String::from("\"\""),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }
}

/// A [`Prompter`] that notes the names it was asked for.
struct Noting<'p> {
    inner: &'p mut dyn Prompter,
    asked: BTreeSet<String>,
}

impl Prompter for Noting<'_> {
    fn ask(&mut self, param: &Parameter, default: Option<&Value>) -> Result<Value, AnswerError> {
        self.asked.insert(param.name.clone());
        self.inner.ask(param, default)
    }

    fn rejected(&mut self, param: &Parameter, message: &str) -> Result<(), AnswerError> {
        self.inner.rejected(param, message)
    }
}

/// The requirement of a default update: the newest release with the recorded major.
pub fn same_major(version: &Version) -> VersionReq {
    let bound = |op, major| Comparator {
        op,
        major,
        minor: Some(0),
        patch: Some(0),
        pre: semver::Prerelease::EMPTY,
    };
    VersionReq {
        comparators: vec![
            bound(Op::GreaterEq, version.major),
            bound(Op::Less, version.major + 1),
        ],
    }
}

/// Works the update out: nothing is written.
pub fn prepare(
    registries: &Registries,
    request: &Request,
    prompter: Option<&mut dyn Prompter>,
) -> Result<PreparedUpdate, UpdateError> {
    let record = pristine::read_record(&request.dir)?;
    let source = registries.open_recorded(record.origin())?;
    prepare_with(source.as_ref(), record, request, prompter)
}

/// [`prepare`] with both versions taken from `source`, whatever registry the record names
/// (e.g. a [`Frozen`](crate::registry::builtin::Frozen) registry read from a folder, which
/// serves releases the way the built-in one does). Nothing is written.
pub fn prepare_from(
    source: &dyn BlueprintSource,
    request: &Request,
    prompter: Option<&mut dyn Prompter>,
) -> Result<PreparedUpdate, UpdateError> {
    let record = pristine::read_record(&request.dir)?;
    prepare_with(source, record, request, prompter)
}

fn prepare_with(
    source: &dyn BlueprintSource,
    record: ProjectFile,
    request: &Request,
    prompter: Option<&mut dyn Prompter>,
) -> Result<PreparedUpdate, UpdateError> {
    let dir = &request.dir;
    let (base_loaded, tag_moved) = pristine::load_from(source, &record)?;
    let name = &record.blueprint;

    let req = request
        .to
        .clone()
        .unwrap_or_else(|| same_major(&record.version));
    let version = match source.resolve(name, &req) {
        Ok(v) => v,
        // The recorded release may be the only one, and its tag gone: re-render it.
        Err(e)
            if matches!(e.miss(), RegistryError::NoMatchingVersion { .. })
                && request.to.is_none() =>
        {
            record.version.clone()
        }
        Err(e) => return Err(e.into()),
    };
    if version < record.version && !request.allow_downgrade {
        return Err(UpdateError::Downgrade {
            blueprint: name.clone(),
            from: record.version.clone(),
            to: version,
        });
    }
    let target = if version == record.version {
        base_loaded.clone()
    } else {
        source.load(name, &version)?
    };

    let newer_major = newer_major(source, name, &record.version, target.blueprint.version());
    let (answers, carried, asked) = new_answers(&target, &record, &request.supplied, prompter)?;
    let answer_changes = answer_changes(
        &base_loaded.blueprint.manifest,
        &target.blueprint.manifest,
        &record,
        &carried,
        &answers,
        &request.supplied,
        &asked,
    );
    let secrets: Map<String, Value> = base_loaded
        .blueprint
        .manifest
        .parameters
        .iter()
        .filter(|p| p.kind == ParamType::Secret)
        .filter_map(|p| {
            answers
                .get(&p.name)
                .filter(|v| !v.is_null())
                .map(|v| (p.name.clone(), v.clone()))
        })
        .collect();
    let base = pristine::render_recorded(&base_loaded, &record.answers, &secrets)?;
    let mut engine = Engine::new(&target.blueprint.partials).map_err(RenderError::from)?;
    let theirs = pristine::render_answers(&mut engine, &target.blueprint, answers.clone())?;

    let paths: BTreeSet<&String> = base.tree.keys().chain(theirs.tree.keys()).collect();
    let ours = read_project(dir, paths)?;
    let mut options = MergeOptions::new(
        &record.version.to_string(),
        &target.blueprint.version().to_string(),
    );
    options.recreate_deleted = request.recreate_deleted;
    let result = super::merge_trees(
        &Trees {
            base: &base.tree,
            base_origins: &base.origins,
            theirs: &theirs.tree,
            theirs_origins: &theirs.origins,
            ours: &ours,
        },
        &options,
    )?;

    let new_record = ProjectFile {
        registry: record.registry.clone(),
        blueprint: record.blueprint.clone(),
        version: target.blueprint.version().clone(),
        commit: target.commit.clone().or_else(|| record.commit.clone()),
        answers: answers.recorded(),
        pave_version: crate::VERSION.to_string(),
    };
    let up_to_date = new_record.version == record.version
        && new_record.commit == record.commit
        && new_record.answers == record.answers
        && !result.changes_anything();
    let plan = build_plan(dir, &result, &ours, &new_record, up_to_date)?;
    Ok(PreparedUpdate {
        dir: dir.clone(),
        record,
        new_record,
        tag_moved,
        carried,
        answer_changes,
        answers,
        result,
        ours,
        plan,
        up_to_date,
        changelog: target.blueprint.changelog.clone(),
        newer_major,
    })
}

/// The newest release of `blueprint` whose major is above `target`'s: not yanked, and a
/// pre-release only when `recorded` is one. What cannot be read counts as none: this only
/// informs.
fn newer_major(
    source: &dyn BlueprintSource,
    blueprint: &str,
    recorded: &Version,
    target: &Version,
) -> Option<Version> {
    let versions = source.versions(blueprint).ok()?;
    let entry = source.entry(blueprint).ok();
    versions
        .into_iter()
        .filter(|v| v.major > target.major)
        .filter(|v| v.pre.is_empty() || !recorded.pre.is_empty())
        .filter(|v| !entry.as_ref().is_some_and(|e| e.is_yanked(v)))
        .max()
}

/// The answers for the target: recorded ones carried over (removed parameters dropped,
/// `renamed_from` followed), overridden by `--answers` and `--set`; recorded answers the
/// target no longer accepts are asked again (or reported without a terminal); new parameters
/// are asked on a terminal, else take their default, else are reported together. Also the
/// names that were asked.
fn new_answers(
    target: &Loaded,
    record: &ProjectFile,
    supplied: &Supplied,
    prompter: Option<&mut dyn Prompter>,
) -> Result<(Answers, Carried, BTreeSet<String>), UpdateError> {
    let manifest = &target.blueprint.manifest;
    let carried = pristine::carry_over(manifest, &record.answers);
    let mut file = carried.answers.clone();
    let overridden = |name: &str| {
        supplied.set.iter().any(|(k, _)| k == name) || supplied.file.contains_key(name)
    };
    let stale: Vec<_> = stale_answers(manifest, &file)
        .into_iter()
        .filter(|(n, _, _)| !overridden(n))
        .collect();
    if !stale.is_empty() && prompter.is_none() {
        return Err(UpdateError::StaleAnswers {
            blueprint: target.blueprint.name().to_string(),
            version: target.blueprint.version().clone(),
            stale,
        });
    }
    for (name, _, _) in &stale {
        file.remove(name);
    }
    for (key, value) in &supplied.file {
        file.insert(key.clone(), value.clone());
    }
    let engine = Engine::new(&target.blueprint.partials).map_err(RenderError::from)?;
    let merged = Supplied {
        set: supplied.set.clone(),
        file,
        defaults: supplied.defaults,
        folder_name: None,
    };
    // Known keys of the user's answers file are checked by resolve; recorded keys were mapped.
    let mut noting = prompter.map(|inner| Noting {
        inner,
        asked: BTreeSet::new(),
    });
    let answers = answers::resolve(
        manifest,
        &engine,
        &merged,
        noting.as_mut().map(|n| n as &mut dyn Prompter),
    )?;
    let asked = noting.map(|n| n.asked).unwrap_or_default();
    Ok((answers, carried, asked))
}

/// The answers an update adds (a parameter the recorded answers lack that is asked, i.e.
/// whose `when` holds; a secret only when `base` has no such secret, since secrets are asked
/// on every update), carries to a new name, or drops.
fn answer_changes(
    base: &Manifest,
    target: &Manifest,
    record: &ProjectFile,
    carried: &Carried,
    answers: &Answers,
    supplied: &Supplied,
    asked: &BTreeSet<String>,
) -> Vec<AnswerChange> {
    let shown = |secret: bool, value: Option<&Value>| {
        if secret { None } else { value.cloned() }
    };
    let mut changes = Vec::new();
    for param in &target.parameters {
        let secret = param.kind == ParamType::Secret;
        let Some(value) = answers.get(&param.name).filter(|v| !v.is_null()) else {
            continue;
        };
        if let Some((old, _)) = carried.renamed.iter().find(|(_, new)| *new == param.name) {
            changes.push(AnswerChange {
                change: ChangeKind::Renamed,
                name: param.name.clone(),
                from: Some(old.clone()),
                value: shown(secret, Some(value)),
                secret,
                source: None,
            });
            continue;
        }
        let had_secret = secret && base.parameters.iter().any(|p| p.name == param.name);
        if carried.answers.contains_key(&param.name) || had_secret {
            continue;
        }
        let source = if supplied.set.iter().any(|(k, _)| *k == param.name) {
            AnswerSource::Set
        } else if supplied.file.contains_key(&param.name) {
            AnswerSource::AnswersFile
        } else if asked.contains(&param.name) {
            AnswerSource::Asked
        } else {
            AnswerSource::Default
        };
        changes.push(AnswerChange {
            change: ChangeKind::Added,
            name: param.name.clone(),
            from: None,
            value: shown(secret, Some(value)),
            secret,
            source: Some(source),
        });
    }
    for name in &carried.dropped {
        let secret = base
            .parameters
            .iter()
            .any(|p| p.name == *name && p.kind == ParamType::Secret);
        changes.push(AnswerChange {
            change: ChangeKind::Dropped,
            name: name.clone(),
            from: None,
            value: shown(secret, record.answers.get(name)),
            secret,
            source: None,
        });
    }
    changes
}

/// Carried answers that the manifest's parameters no longer accept (e.g. a choice removed).
fn stale_answers(
    manifest: &Manifest,
    answers: &Map<String, Value>,
) -> Vec<(String, String, String)> {
    let stale = |param: &Parameter| {
        let value = answers.get(&param.name)?;
        let why = param.coerce(value).and_then(|v| param.validate(&v)).err()?;
        let shown = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some((param.name.clone(), shown, why))
    };
    manifest.parameters.iter().filter_map(stale).collect()
}

/// The write plan of an update's operations, `.pave.yaml` last (none when up to date).
fn build_plan(
    dir: &Path,
    result: &UpdateResult,
    ours: &FileTree,
    new_record: &ProjectFile,
    up_to_date: bool,
) -> Result<WritePlan, UpdateError> {
    let mut files = Vec::new();
    if !up_to_date {
        let beside: Vec<&String> = result
            .files
            .iter()
            .filter_map(|f| f.side_file.as_ref())
            .collect();
        let beside_now = read_project(dir, beside)?;
        for outcome in &result.files {
            for op in &outcome.ops {
                let old = ours.get(&op.path).cloned();
                match &op.kind {
                    OpKind::Delete => {
                        if let Some(old) = old {
                            files.push(PlannedFile::delete(&op.path, old));
                        }
                    }
                    OpKind::Write(entry) if outcome.side_file.as_deref() == Some(&op.path) => {
                        files.push(PlannedFile::conflict_beside(
                            &outcome.path,
                            entry.clone(),
                            beside_now.get(&op.path).cloned(),
                        ));
                    }
                    OpKind::Write(entry) if op.conflict => {
                        files.push(PlannedFile::conflict(&op.path, old, entry.clone()));
                    }
                    OpKind::Write(entry) => {
                        files.push(PlannedFile::write(&op.path, old, entry.clone()));
                    }
                }
            }
        }
        let record_now = read_project(dir, [project::FILE_NAME])?;
        files.push(PlannedFile::write(
            project::FILE_NAME,
            record_now.get(project::FILE_NAME).cloned(),
            Entry::file(new_record.to_yaml()?),
        ));
    }
    Ok(WritePlan::in_place(dir, files)?)
}

impl PreparedUpdate {
    /// Whether any file was left with something to resolve.
    pub fn has_conflicts(&self) -> bool {
        self.result.has_conflicts()
    }

    /// Writes the plan all or nothing (`options.cancel` stops it and undoes it), then, in a
    /// git work tree, registers each conflicted file as unmerged (stages 1, 2, 3). Returns
    /// the paths registered. Up to date: writes nothing.
    pub fn apply(&self, options: &ApplyOptions<'_>) -> Result<Vec<String>, UpdateError> {
        if self.up_to_date {
            return Ok(Vec::new());
        }
        self.plan.apply(options)?;
        if self.has_conflicts() {
            return register_conflicts(&self.dir, &self.result)
                .map_err(|e| UpdateError::Git(format!("the files are written, but the conflicts could not be registered in the git index: {}", e.message())));
        }
        Ok(Vec::new())
    }
}

/// The work tree `dir` is in and `dir`'s path relative to it (`""` at the top).
fn work_tree(dir: &Path) -> Option<(git2::Repository, String)> {
    let repo = git2::Repository::discover(dir).ok()?;
    let top = repo.workdir()?.canonicalize().ok()?;
    let here = dir.canonicalize().ok()?;
    let rel = here.strip_prefix(&top).ok()?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    Some((repo, rel))
}

/// Refuses a git work tree with uncommitted changes (untracked files included) inside `dir`,
/// leaving aside the paths `except` (relative to `dir`). A folder outside any work tree passes.
pub fn check_clean(dir: &Path, except: &[&str]) -> Result<(), UpdateError> {
    let Some((repo, rel)) = work_tree(dir) else {
        return Ok(());
    };
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    if !rel.is_empty() {
        opts.pathspec(format!("{rel}/"));
    }
    let statuses = repo
        .statuses(Some(&mut opts))
        .map_err(|e| UpdateError::Git(e.message().to_string()))?;
    let paths: Vec<String> = statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .filter_map(|s| s.path().ok().map(str::to_string))
        .filter(|p| {
            let below = if rel.is_empty() {
                Some(p.as_str())
            } else {
                p.strip_prefix(rel.as_str())
                    .and_then(|p| p.strip_prefix('/'))
            };
            !below.is_some_and(|b| except.contains(&b))
        })
        .collect();
    if paths.is_empty() {
        Ok(())
    } else {
        Err(UpdateError::Dirty {
            dir: dir.to_path_buf(),
            paths,
        })
    }
}

/// Registers each conflicted file as unmerged in the index of the work tree `dir` is in,
/// with the three contents as stages 1 (base), 2 (project) and 3 (blueprint); absent sides
/// are left out. Clean files are not staged.
fn register_conflicts(dir: &Path, result: &UpdateResult) -> Result<Vec<String>, git2::Error> {
    let Some((repo, rel)) = work_tree(dir) else {
        return Ok(Vec::new());
    };
    let mut index = repo.index()?;
    let mut registered = Vec::new();
    for file in result.files.iter().filter(|f| f.conflict) {
        let Some(stages) = &file.stages else {
            continue;
        };
        let path = if rel.is_empty() {
            file.path.clone()
        } else {
            format!("{rel}/{}", file.path)
        };
        index.remove_path(Path::new(&path)).ok();
        for (stage, side) in [(1, &stages.base), (2, &stages.ours), (3, &stages.theirs)] {
            let Some(side) = side else {
                continue;
            };
            let data = side.bytes();
            let mut staged = write::entry(&path, side.git_mode(), repo.blob(data)?, data.len());
            // The stage is in bits 12-13; git2 fills in the path's length.
            staged.flags = stage << 12;
            index.add(&staged)?;
        }
        registered.push(path);
    }
    index.write()?;
    Ok(registered)
}
