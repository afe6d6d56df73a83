//! `pave blueprint absorb`: a project's changes (what `pave diff` shows) carried back into a
//! blueprint folder, so that the blueprint renders what the project has. Each hunk is
//! absorbed (its lines are template text that renders as itself, once: the template is edited
//! there), absorbed with variables (answer values in the new text became tags), or not
//! absorbed (with the reason; it goes to `absorb.rej`). Added files become template files,
//! deleted ones are removed only when asked, mode changes are carried.
//!
//! The steps: [`Input`] (the old and new trees and the answers: from a project folder with
//! [`from_project`], or any other source of a diff), the folder's render with those answers,
//! `trace` (which output line is which template line, by rendering a marked copy), `edit`
//! (hunks as line edits), `proof` (render the edited blueprint and compare, then the test
//! cases and the lint) and [`rej`]. Everything is planned in memory; [`Absorb::write`] is the
//! only step that writes, each file through a temporary file and a rename.

mod edit;
pub mod feedback;
mod proof;
#[cfg(test)]
mod props;
pub mod rej;
mod trace;

use crate::blueprint::{Blueprint, Entry, FileTree, is_binary};
use crate::error::{Classify, ErrorKind};
use crate::project::diff::{self, DiffError, FileDiff, Hunk, Limit, Status};
use crate::project::pristine::{self, PristineError};
use crate::registry::{Loaded, Registries, RegistryError, local};
use crate::render::TEMPLATE_SUFFIX;
use crate::template::templatize::Substitutions;
use edit::{Text, old_side, plan_hunk};
use proof::{Base, Change, Expect, Unit};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use trace::{SourceKey, lines};

/// What to absorb: the old side (the pristine render of the project's recorded version and
/// answers), the new side (the project) and the answers. A feedback item's diff applied to
/// the pristine render is another source of the same.
#[derive(Debug, Clone)]
pub struct Input {
    /// The blueprint's name.
    pub blueprint: String,
    /// The version the old side is a render of.
    pub version: semver::Version,
    /// The answers the old side was rendered with (as `.pave.yaml` records them).
    pub answers: Map<String, Value>,
    /// The old side, without `.pave.yaml`.
    pub old: FileTree,
    /// The new side, without `.pave.yaml`.
    pub new: FileTree,
}

/// How to absorb.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Remove the template files of files the project deleted.
    pub deletions: bool,
}

/// One change's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The template was edited where the change lies.
    Absorbed,
    /// As [`Outcome::Absorbed`], with answer values turned into variables.
    AbsorbedWithVariables,
    /// Not carried over; in `absorb.rej`.
    NotAbsorbed,
    /// A deleted file left in place (no `--deletions`).
    Kept,
}

impl Outcome {
    /// The words of the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Absorbed => "absorbed",
            Outcome::AbsorbedWithVariables => "absorbed with variables",
            Outcome::NotAbsorbed => "not absorbed",
            Outcome::Kept => "kept (pass --deletions to remove)",
        }
    }
}

/// A hunk's or a file's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The rendered path.
    pub path: String,
    /// `@@ -a,b +c,d @@` for a hunk; `added`, `deleted`, `mode`, `binary` for a file.
    pub header: String,
    /// What happened.
    pub outcome: Outcome,
    /// Why not absorbed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The blueprint file edited (`template/...`, `partials/...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The parameters whose values became variables.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<String>,
}

/// An absorb planned in memory.
#[derive(Debug, Clone, Serialize)]
pub struct Absorb {
    /// The blueprint.
    pub blueprint: String,
    /// The project's version.
    pub version: String,
    /// The folder's version.
    pub folder_version: String,
    /// Each hunk, in path order.
    pub hunks: Vec<Row>,
    /// Each file added, deleted, of another mode or binary.
    pub files: Vec<Row>,
    /// Example answer sets whose snapshot now differs.
    pub snapshots: Vec<String>,
    /// The folder's files that change: path -> new entry, or `None` to remove.
    #[serde(skip)]
    pub writes: BTreeMap<String, Option<Entry>>,
    /// `absorb.rej`, when something was not absorbed.
    #[serde(skip)]
    pub rejected: Option<String>,
    /// The blueprint folder's diff.
    #[serde(skip)]
    pub diff: diff::ProjectDiff,
}

impl Absorb {
    /// Whether any change was not absorbed.
    pub fn has_rejects(&self) -> bool {
        self.rejected.is_some()
    }

    /// Writes the planned changes into `folder` (and `absorb.rej` when something was not
    /// absorbed): every new file first to a temporary file beside it, then all renamed into
    /// place; removals last.
    pub fn write(&self, folder: &Path) -> Result<Vec<String>, AbsorbError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| AbsorbError::Io { path, source }
        };
        let mut staged = Vec::new();
        let mut files: Vec<(String, Entry)> = self
            .writes
            .iter()
            .filter_map(|(p, e)| e.clone().map(|e| (p.clone(), e)))
            .collect();
        if let Some(rej) = &self.rejected {
            files.push((String::from(rej::FILE_NAME), Entry::file(rej.as_bytes())));
        }
        for (path, entry) in &files {
            if !crate::names::plain_path(path) {
                return Err(AbsorbError::Io {
                    path: folder.join(path),
                    source: std::io::Error::other("not a plain path below the folder"),
                });
            }
            let target = folder.join(path);
            let dir = target.parent().unwrap_or(folder).to_path_buf();
            fs_err::create_dir_all(&dir).map_err(io(&dir))?;
            match entry {
                Entry::File { data, executable } => {
                    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io(&dir))?;
                    std::io::Write::write_all(&mut tmp, data).map_err(io(&target))?;
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        let mode = if *executable { 0o755 } else { 0o644 };
                        fs_err::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
                            .map_err(io(&target))?;
                    }
                    staged.push((tmp, target));
                }
                Entry::Symlink { target: link } => {
                    #[cfg(unix)]
                    {
                        let _ = fs_err::remove_file(&target);
                        std::os::unix::fs::symlink(link, &target).map_err(io(&target))?;
                    }
                }
            }
        }
        let mut written = Vec::new();
        for (tmp, target) in staged {
            tmp.persist(&target).map_err(|e| AbsorbError::Io {
                path: target.clone(),
                source: e.error,
            })?;
            written.push(target.display().to_string());
        }
        for (path, entry) in &self.writes {
            if entry.is_none() {
                let target = folder.join(path);
                fs_err::remove_file(&target).map_err(io(&target))?;
                written.push(target.display().to_string());
            }
        }
        // An earlier run's absorb.rej no longer says what is left to carry over.
        let stale = folder.join(rej::FILE_NAME);
        if self.rejected.is_none() && stale.is_file() {
            fs_err::remove_file(&stale).map_err(io(&stale))?;
            written.push(stale.display().to_string());
        }
        Ok(written)
    }
}

/// Why an absorb could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AbsorbError {
    /// The project folder is not a pave project.
    #[error("{} is not a pave project: it has no .pave.yaml, so there is no recorded version to compare it with", .0.display())]
    NotAProject(PathBuf),
    /// The project's record or pristine render.
    #[error(transparent)]
    Pristine(PristineError),
    /// The project could not be read or the paths to limit to are wrong.
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// The blueprint folder could not be read.
    #[error("cannot load the blueprint folder {}: {source}", .folder.display())]
    Folder {
        /// The folder.
        folder: PathBuf,
        /// Why.
        source: Box<RegistryError>,
    },
    /// The folder holds another blueprint.
    #[error("{} holds blueprint `{found}`, but the project was made from `{wanted}`", .folder.display())]
    OtherBlueprint {
        /// The folder.
        folder: PathBuf,
        /// Its blueprint.
        found: String,
        /// The project's.
        wanted: String,
    },
    /// The folder's blueprint does not render with the project's answers.
    #[error(
        "{blueprint} {version} in the folder does not render with the project's answers: {cause}"
    )]
    Render {
        /// The blueprint.
        blueprint: String,
        /// The folder's version.
        version: String,
        /// Why.
        cause: Box<PristineError>,
    },
    /// The folder has uncommitted changes.
    #[error("{} has uncommitted changes ({}), which absorb's edits could not be told apart from", .folder.display(), .paths.join(", "))]
    Dirty {
        /// The folder.
        folder: PathBuf,
        /// The changed paths.
        paths: Vec<String>,
    },
    /// Writing a file failed.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Classify for AbsorbError {
    fn kind(&self) -> ErrorKind {
        match self {
            AbsorbError::NotAProject(_) | AbsorbError::OtherBlueprint { .. } => ErrorKind::Usage,
            AbsorbError::Pristine(e) => e.kind(),
            AbsorbError::Diff(e) => e.kind(),
            AbsorbError::Folder { source, .. } => source.kind(),
            AbsorbError::Render { .. } | AbsorbError::Dirty { .. } | AbsorbError::Io { .. } => {
                ErrorKind::Failure
            }
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            AbsorbError::NotAProject(_) => Some(String::from(
                "give the folder of a project made by `pave new` (the one holding .pave.yaml)",
            )),
            AbsorbError::OtherBlueprint { wanted, .. } => Some(format!(
                "give --into the folder of blueprint `{wanted}` (blueprints/{wanted} in the registry's checkout)"
            )),
            AbsorbError::Dirty { .. } => Some(String::from(
                "commit or stash the folder's changes first, or pass --allow-dirty",
            )),
            AbsorbError::Pristine(e) => e.hint(),
            AbsorbError::Diff(e) => e.hint(),
            AbsorbError::Folder { source, .. } => source.hint(),
            _ => None,
        }
    }
}

/// Refuses a blueprint folder with uncommitted changes (as `update` refuses a project), its
/// `absorb.rej` aside: that is what the last absorb left, and this one replaces it.
pub fn check_clean(folder: &Path) -> Result<(), AbsorbError> {
    match crate::update::run::check_clean(folder, &[rej::FILE_NAME]) {
        Ok(()) => Ok(()),
        Err(crate::update::run::UpdateError::Dirty { paths, .. }) => Err(AbsorbError::Dirty {
            folder: folder.to_path_buf(),
            paths,
        }),
        Err(other) => Err(AbsorbError::Io {
            path: folder.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        }),
    }
}

/// The input of the project at `dir`: its pristine render and its files, limited to `limit`.
pub fn from_project(
    registries: &Registries,
    dir: &Path,
    limit: &Limit,
) -> Result<Input, AbsorbError> {
    let record = match pristine::read_record(dir) {
        Ok(r) => r,
        Err(PristineError::NotAProject { dir }) => return Err(AbsorbError::NotAProject(dir)),
        Err(e) => return Err(AbsorbError::Pristine(e)),
    };
    let loaded = pristine::load_recorded(registries, &record).map_err(AbsorbError::Pristine)?;
    let mut rendered = pristine::render_recorded(&loaded, &record.answers, &Map::new())
        .map_err(AbsorbError::Pristine)?;
    let mut project = crate::project::tree::read(dir, &rendered.tree).map_err(DiffError::from)?;
    limit.apply(dir, &mut rendered.tree, &mut project)?;
    Ok(Input {
        blueprint: record.blueprint,
        version: record.version,
        answers: record.answers,
        old: rendered.tree,
        new: project,
    })
}

/// Loads the blueprint folder and checks it is `input`'s blueprint.
pub fn load_folder(folder: &Path, input: &Input) -> Result<Loaded, AbsorbError> {
    let loaded = local::load(folder).map_err(|source| AbsorbError::Folder {
        folder: folder.to_path_buf(),
        source: Box::new(source),
    })?;
    if loaded.blueprint.name() != input.blueprint {
        return Err(AbsorbError::OtherBlueprint {
            folder: folder.to_path_buf(),
            found: loaded.blueprint.name().to_string(),
            wanted: input.blueprint.clone(),
        });
    }
    Ok(loaded)
}

/// Where a row stands: the file and hunk of the project's diff, its header and the template
/// file it is about.
struct Meta {
    file: usize,
    hunk: Option<usize>,
    header: String,
    template: Option<String>,
}

impl Meta {
    fn at(
        file: usize,
        hunk: Option<usize>,
        header: impl Into<String>,
        template: Option<&String>,
    ) -> Self {
        Meta {
            file,
            hunk,
            header: header.into(),
            template: template.cloned(),
        }
    }
}

/// What planning collects: the changes to prove (a unit and its row each) and the rows
/// decided before the proof.
#[derive(Default)]
struct Collected {
    units: Vec<Unit>,
    metas: Vec<Meta>,
    early: Vec<(Meta, Outcome, Option<String>)>,
}

impl Collected {
    /// A row that is not absorbed, with why.
    fn reject(&mut self, meta: Meta, why: impl Into<String>) {
        self.early
            .push((meta, Outcome::NotAbsorbed, Some(why.into())));
    }

    /// A change to prove: the project's `path` must come out as `expect` through one of
    /// `variants`.
    fn prove(
        &mut self,
        meta: Meta,
        path: &str,
        expect: Expect,
        variants: Vec<(Change, BTreeSet<String>)>,
    ) {
        self.metas.push(meta);
        self.units.push(Unit {
            path: path.to_string(),
            expect,
            variants,
        });
    }
}

/// Plans absorbing `input` into the blueprint `folder` (loaded by [`load_folder`]).
pub fn plan(input: &Input, folder: &Loaded, options: &Options) -> Result<Absorb, AbsorbError> {
    let bp = &folder.blueprint;
    let render_err = |cause| AbsorbError::Render {
        blueprint: bp.name().to_string(),
        version: bp.version().to_string(),
        cause: Box::new(cause),
    };
    let theirs =
        pristine::render_recorded(folder, &input.answers, &Map::new()).map_err(render_err)?;
    let ctx = theirs.answers.context();
    let rendered = &theirs.tree;
    let origins = &theirs.origins;
    let project_diff = diff::diff_trees(&input.old, &input.new, "", "");
    let wanted: BTreeSet<String> = project_diff
        .files
        .iter()
        .filter(|f| f.status == Status::Modified && !f.hunks.is_empty())
        .filter_map(|f| origins.get(&f.path).cloned())
        .collect();
    let trace = trace::trace(bp, &wanted, &ctx, rendered);
    let subs = Substitutions::from_answers(&theirs.answers.recorded());

    // Every template source as text.
    let mut sources: BTreeMap<SourceKey, String> = BTreeMap::new();
    for (path, entry) in &bp.template {
        if let Entry::File { data, .. } = entry
            && let Ok(text) = std::str::from_utf8(data)
        {
            sources.insert(SourceKey::Template(path.clone()), text.to_string());
        }
    }
    for (name, text) in &bp.partials {
        sources.insert(SourceKey::Partial(name.clone()), text.clone());
    }

    let mut c = Collected::default();
    for (fi, file) in project_diff.files.iter().enumerate() {
        let template = origins.get(&file.path).cloned();
        let template_path = template.as_ref().map(|t| format!("template/{t}"));
        let shown = template_path.as_ref();
        match file.status {
            Status::Added => {
                let Some(entry) = input.new.get(&file.path) else {
                    continue;
                };
                let meta = Meta::at(fi, None, "added", None);
                if rendered.contains_key(&file.path) {
                    c.reject(meta, "the folder's version already renders this path");
                    continue;
                }
                let variants = added_variants(&file.path, entry, &subs, bp);
                let Some((first, _)) = variants.first() else {
                    c.reject(meta, "its template path is taken by another template file");
                    continue;
                };
                let template = match first {
                    Change::Set(p, _) => Some(format!("template/{p}")),
                    _ => None,
                };
                let expect = Expect::Entry(Some(entry.clone()));
                c.prove(Meta { template, ..meta }, &file.path, expect, variants);
            }
            Status::Removed => {
                let Some(t) = &template else {
                    let why = "the folder's version does not render this file";
                    c.reject(Meta::at(fi, None, "deleted", None), why);
                    continue;
                };
                let meta = Meta::at(fi, None, "deleted", shown);
                if !options.deletions {
                    c.early.push((meta, Outcome::Kept, None));
                    continue;
                }
                let variants = vec![(Change::Remove(t.clone()), BTreeSet::new())];
                c.prove(meta, &file.path, Expect::Entry(None), variants);
            }
            Status::Modified => {
                let Some(t) = &template else {
                    let why = "the folder's version does not render this file";
                    if file.hunks.is_empty() {
                        c.reject(Meta::at(fi, None, "modified", None), why);
                    }
                    for (hi, h) in file.hunks.iter().enumerate() {
                        c.reject(Meta::at(fi, Some(hi), h.header(), None), why);
                    }
                    continue;
                };
                let (Some(new_entry), Some(tpl_entry)) =
                    (input.new.get(&file.path), bp.template.get(t))
                else {
                    continue;
                };
                if file.binary || matches!(new_entry, Entry::Symlink { .. }) {
                    let meta =
                        Meta::at(fi, None, if file.binary { "binary" } else { "link" }, shown);
                    if t.ends_with(TEMPLATE_SUFFIX) {
                        let why = "its template is rendered: a binary or a link cannot be written into it";
                        c.reject(meta, why);
                        continue;
                    }
                    let variants =
                        vec![(Change::Set(t.clone(), new_entry.clone()), BTreeSet::new())];
                    c.prove(
                        meta,
                        &file.path,
                        Expect::Entry(Some(new_entry.clone())),
                        variants,
                    );
                    continue;
                }
                if file.old_mode != file.new_mode
                    && let (Entry::File { data, .. }, Entry::File { executable, .. }) =
                        (tpl_entry, new_entry)
                {
                    let set = Entry::File {
                        data: data.clone(),
                        executable: *executable,
                    };
                    let mut expect = rendered.get(&file.path).cloned();
                    if let Some(Entry::File { executable: e, .. }) = expect.as_mut() {
                        *e = *executable;
                    }
                    let variants = vec![(Change::Set(t.clone(), set), BTreeSet::new())];
                    let meta = Meta::at(fi, None, "mode", shown);
                    c.prove(meta, &file.path, Expect::Entry(expect), variants);
                }
                let text_in = |tree: &FileTree| tree.get(&file.path).and_then(text_of);
                let old_text = text_in(&input.old).unwrap_or_default();
                let theirs_text = text_in(rendered).unwrap_or_default();
                let Some(ft) = trace.files.get(&file.path) else {
                    continue;
                };
                for (hi, hunk) in file.hunks.iter().enumerate() {
                    let mut meta = Meta::at(fi, Some(hi), hunk.header(), shown);
                    let located = if old_text == theirs_text {
                        Some(hunk.clone())
                    } else {
                        relocate(hunk, &theirs_text)
                    };
                    let Some(hunk) = located else {
                        c.reject(meta, "its context is not in the folder's version");
                        continue;
                    };
                    let text = |with_variables| Text {
                        subs: &subs,
                        with_variables,
                    };
                    let (w, p) = match (
                        plan_hunk(&hunk, ft, &text(true)),
                        plan_hunk(&hunk, ft, &text(false)),
                    ) {
                        (Ok(w), Ok(p)) => (w, p),
                        (Err(why), _) | (_, Err(why)) => {
                            c.reject(meta, why);
                            continue;
                        }
                    };
                    if let Some(e) = p.edits.first() {
                        meta.template = Some(e.source.folder_path());
                    }
                    let mut variants = Vec::new();
                    if !w.variables.is_empty() {
                        variants.push((Change::Lines(w.edits), w.variables));
                    }
                    variants.push((Change::Lines(p.edits), p.variables));
                    c.prove(meta, &file.path, Expect::Hunk(hunk), variants);
                }
            }
        }
    }
    let Collected {
        units,
        metas,
        early,
    } = c;

    let base = Base {
        bp,
        sources: &sources,
        ctx: &ctx,
        rendered,
    };
    let mut chosen = base.prove(&units);
    let mut reasons: Vec<Option<String>> = vec![None; units.len()];
    for (i, c) in chosen.iter().enumerate() {
        if c.is_none() {
            reasons[i] = Some(String::from(
                "the edited template does not render as the project has it",
            ));
        }
    }

    // The example answer sets and the lint.
    let loaded_with = |bp: Blueprint| Loaded {
        blueprint: bp,
        registry: folder.registry.clone(),
        commit: folder.commit.clone(),
    };
    let mut after = proof::health(&loaded_with(base.build(&units, &chosen)));
    let before = if after.lint.is_empty() {
        proof::health_cases(folder)
    } else {
        proof::health(folder)
    };
    if proof::worse(&before, &after).is_some() {
        // One change at a time, each way it proves (with variables, then without), keeping
        // the first that leaves the example cases rendering and the lint as it was.
        let before = proof::health(folder);
        let taken: Vec<usize> = (0..units.len()).filter(|&i| chosen[i].is_some()).collect();
        let mut trial: proof::Chosen = vec![None; units.len()];
        for i in taken {
            let first = chosen[i].unwrap_or(0);
            for v in first..units[i].variants.len() {
                trial[i] = Some(v);
                if v != first && !base.proves(&units, &trial) {
                    trial[i] = None;
                    continue;
                }
                let health = proof::health(&loaded_with(base.build(&units, &trial)));
                match proof::worse(&before, &health) {
                    Some(why) => {
                        trial[i] = None;
                        reasons[i] = Some(why);
                    }
                    None => break,
                }
            }
        }
        chosen = trial;
        after = proof::health(&loaded_with(base.build(&units, &chosen)));
    }
    let snapshots: Vec<String> = after
        .cases
        .iter()
        .filter(|(name, now)| match (before.cases.get(*name), now) {
            (Some(Ok(Some(a))), Ok(Some(b))) => a != b,
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect();

    // Rows, the rejects and the writes.
    let proved = metas.into_iter().enumerate().map(|(i, meta)| {
        let (outcome, variables) = match chosen[i].and_then(|v| units[i].variants.get(v)) {
            Some((_, vars)) if !vars.is_empty() => (
                Outcome::AbsorbedWithVariables,
                vars.iter().cloned().collect(),
            ),
            Some(_) => (Outcome::Absorbed, Vec::new()),
            None => (Outcome::NotAbsorbed, Vec::new()),
        };
        let reason = reasons[i]
            .take()
            .filter(|_| outcome == Outcome::NotAbsorbed);
        (meta, outcome, reason, variables)
    });
    let mut rows: Vec<(usize, Option<usize>, Row)> = early
        .into_iter()
        .map(|(meta, outcome, reason)| (meta, outcome, reason, Vec::new()))
        .chain(proved)
        .map(|(meta, outcome, reason, variables)| {
            let row = Row {
                path: project_diff.files[meta.file].path.clone(),
                header: meta.header,
                outcome,
                reason,
                template: meta.template,
                variables,
            };
            (meta.file, meta.hunk, row)
        })
        .collect();
    rows.sort_by_key(|a| (a.0, a.1));
    let mut rejects: BTreeMap<usize, FileDiff> = BTreeMap::new();
    for (fi, hi, row) in &rows {
        if row.outcome != Outcome::NotAbsorbed {
            continue;
        }
        let whole = &project_diff.files[*fi];
        let entry = rejects.entry(*fi).or_insert_with(|| FileDiff {
            hunks: Vec::new(),
            new_mode: whole.old_mode.or(whole.new_mode),
            old_mode: whole.old_mode.or(whole.new_mode),
            ..whole.clone()
        });
        match hi {
            Some(h) => entry.hunks.extend(whole.hunks.get(*h).cloned()),
            None if row.header == "mode" => {
                entry.old_mode = whole.old_mode;
                entry.new_mode = whole.new_mode;
            }
            None => *entry = whole.clone(),
        }
    }
    let rejected = rej::patch(rejects.into_values().collect());
    let (hunks, files): (Vec<Row>, Vec<Row>) = rows
        .into_iter()
        .map(|(_, _, r)| r)
        .partition(|r| r.header.starts_with("@@"));

    let edited = base.build(&units, &chosen);
    let before_tree = super::folder_tree(bp);
    let after_tree = super::folder_tree(&edited);
    let writes = crate::blueprint::changed(&before_tree, &after_tree)
        .map(|(path, entry)| (path.clone(), entry.cloned()))
        .collect();
    let blueprint_diff = diff::diff_trees(
        &before_tree,
        &after_tree,
        &format!("{} {}", bp.name(), bp.version()),
        "absorbed",
    );
    Ok(Absorb {
        blueprint: input.blueprint.clone(),
        version: input.version.to_string(),
        folder_version: bp.version().to_string(),
        hunks,
        files,
        snapshots,
        writes,
        rejected,
        diff: blueprint_diff,
    })
}

fn text_of(entry: &Entry) -> Option<String> {
    match entry {
        Entry::File { data, .. } if !is_binary(data) => String::from_utf8(data.to_vec()).ok(),
        _ => None,
    }
}

/// The hunk moved to where its old side (context and deleted lines) is in `text`, when it is
/// there exactly once.
fn relocate(hunk: &Hunk, text: &str) -> Option<Hunk> {
    let want = old_side(hunk);
    let have = lines(text);
    if want.is_empty() || want.len() > have.len() {
        return None;
    }
    let mut found = (0..=have.len() - want.len()).filter(|&i| {
        have[i..i + want.len()]
            .iter()
            .zip(&want)
            .all(|(a, b)| *a == b)
    });
    let at = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let mut moved = hunk.clone();
    moved.old_start = at + 1;
    Some(moved)
}

/// The ways to absorb an added file: with its answer values as variables (path segments
/// templated; a `.hbs` template when the contents hold a value or `{{`), then as it is.
fn added_variants(
    path: &str,
    entry: &Entry,
    subs: &Substitutions,
    bp: &Blueprint,
) -> Vec<(Change, BTreeSet<String>)> {
    let mut out = Vec::new();
    let free = |p: &str| !bp.template.contains_key(p);
    let text = text_of(entry);
    let file = |data: String| crate::author::file_like(data, Some(entry));
    let mut vars = BTreeSet::new();
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            let t = subs.apply(s);
            vars.extend(t.replaced.keys().cloned());
            t.text
        })
        .collect();
    let path_t = segments.join("/");
    let contents = text.as_ref().map(|text| subs.apply(text));
    if let Some(t) = &contents {
        vars.extend(t.replaced.keys().cloned());
    }
    if !vars.is_empty() {
        let (p, e) = match &contents {
            Some(t) if t.is_template() || path.ends_with(TEMPLATE_SUFFIX) => {
                (format!("{path_t}{TEMPLATE_SUFFIX}"), file(t.text.clone()))
            }
            _ => (path_t.clone(), entry.clone()),
        };
        if free(&p) && (p.ends_with(TEMPLATE_SUFFIX) || !path.ends_with(TEMPLATE_SUFFIX)) {
            out.push((Change::Set(p, e), vars));
        }
    }
    let plain = match &text {
        Some(text) if path.ends_with(TEMPLATE_SUFFIX) => Some((
            format!("{path}{TEMPLATE_SUFFIX}"),
            file(Substitutions::default().apply(text).text),
        )),
        _ if path.ends_with(TEMPLATE_SUFFIX) => None,
        _ => Some((path.to_string(), entry.clone())),
    };
    if let Some((p, e)) = plain
        && free(&p)
        && !p.contains("{{")
    {
        out.push((Change::Set(p, e), BTreeSet::new()));
    }
    out
}
