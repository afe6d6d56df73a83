//! `pave blueprint extract`: a working project becomes a new blueprint. [`walk`] reads the
//! project (what is left out, listed with why), [`params`] checks and types the values,
//! [`plan`] turns each file and path segment into template text
//! ([`crate::template::templatize`]) and adds the manifest, an example answer set with its
//! snapshot and a changelog ([`manifest`]); [`proof`] renders the plan with the values (the
//! project back, byte for byte) and with other values (no original value left behind);
//! [`write()`] stages the folder beside the target and renames it into place.

pub mod manifest;
pub mod params;
pub mod proof;
pub mod walk;

use crate::blueprint::{Entry, FileTree, is_binary};
use crate::error::{Classify, ErrorKind};
use crate::render::TEMPLATE_SUFFIX;
use crate::template::templatize::{InsideToken, Substitutions};
use params::{Param, UnusedAnswer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a project could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// A `--param` (or `--name`) that cannot be used.
    #[error("--param {given}: {why}")]
    BadParam {
        /// The text given.
        given: String,
        /// Why it is refused and how to fix it.
        why: String,
    },
    /// An `--exclude` glob that does not parse.
    #[error("--exclude {glob}: not a valid glob ({why})")]
    BadExclude {
        /// The glob.
        glob: String,
        /// The parser's reason.
        why: String,
    },
    /// The project folder is missing or not a folder.
    #[error("cannot extract {}: {why}", .path.display())]
    NoProject {
        /// The folder given.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// `--params-from-answers` on a folder without `.pave.yaml`.
    #[error("{} has no .pave.yaml, so it has no answers to take; give the values with --param KEY=VALUE", .0.display())]
    NoAnswers(PathBuf),
    /// The project's `.pave.yaml` does not read.
    #[error(transparent)]
    Record(#[from] crate::yaml::YamlError),
    /// A file ending in `.hbs` that is not UTF-8 text: a blueprint renders every `.hbs` file.
    #[error(
        "{0} ends in .hbs but is not UTF-8 text, and a blueprint renders every .hbs file as a template; leave it out with --exclude '{0}'"
    )]
    BinaryTemplate(String),
    /// The blueprint's name is not valid.
    #[error("{0} (the blueprint's name: --name, else the new folder's name)")]
    BadName(#[source] crate::names::NameError),
    /// The target folder exists and holds files.
    #[error("{} is not empty; extract writes only into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    /// The project has no file to extract.
    #[error("{} holds no file to extract (everything in it is left out)", .0.display())]
    Empty(PathBuf),
    /// A file or folder of the project could not be read.
    #[error("cannot read {}: {why}", .path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        why: String,
    },
    /// The planned blueprint does not reproduce the project: a fault in pave.
    #[error(
        "the extracted blueprint does not prove out at {file}: {what}; nothing was written (this is a bug in pave, please report it with the file)"
    )]
    Proof {
        /// The project file concerned.
        file: String,
        /// What went wrong.
        what: String,
    },
    /// The planned blueprint does not read or render: a fault in pave.
    #[error(
        "the extracted blueprint does not load: {0}; nothing was written (this is a bug in pave)"
    )]
    Load(String),
    /// Writing the folder failed.
    #[error(transparent)]
    Write(#[from] crate::plan::PlanError),
}

impl Classify for ExtractError {
    fn kind(&self) -> ErrorKind {
        match self {
            ExtractError::BadParam { .. }
            | ExtractError::BadExclude { .. }
            | ExtractError::NoProject { .. }
            | ExtractError::NoAnswers(_)
            | ExtractError::BadName(_)
            | ExtractError::NotEmpty(_)
            | ExtractError::BinaryTemplate(_)
            | ExtractError::Empty(_) => ErrorKind::Usage,
            ExtractError::Write(e) => e.kind(),
            _ => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ExtractError::NotEmpty(_) => Some(String::from("choose a new folder")),
            ExtractError::Write(e) => e.hint(),
            _ => None,
        }
    }
}

/// A path of the project that is not in the blueprint, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The path, relative to the project (a folder ends in `/`).
    pub path: String,
    /// Why it is left out.
    pub why: String,
}

/// What became of one project file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The project path.
    pub path: String,
    /// The blueprint path (under `template/`).
    pub to: String,
    /// Whether it became a `.hbs` template (else copied byte for byte).
    pub templated: bool,
    /// Occurrences replaced per parameter, contents and path together.
    pub replaced: BTreeMap<String, usize>,
    /// Whether `{{` in it was escaped.
    pub escaped: bool,
    /// Why it was copied though it holds a value (binary, not UTF-8, a link).
    pub kept_as_is: Option<String>,
    /// Values left alone inside longer tokens.
    pub inside_tokens: Vec<InsideToken>,
}

/// Everything `extract` decided, before anything is written.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The blueprint's name.
    pub name: String,
    /// The blueprint folder's files.
    pub files: FileTree,
    /// The parameters.
    pub params: Vec<Param>,
    /// Answers of the project that are not parameters, with why.
    pub unused_answers: Vec<UnusedAnswer>,
    /// One report per project file.
    pub reports: Vec<FileReport>,
    /// What was left out.
    pub left_out: Vec<LeftOut>,
    /// Warnings (a value that occurs nowhere).
    pub warnings: Vec<String>,
    /// `<registry>/<blueprint>@<version>` of a pave project.
    pub derived_from: Option<String>,
    /// Whether the project is a SAM project (its checks were added).
    pub sam: bool,
}

impl Extracted {
    /// Occurrences replaced per parameter, over all files.
    pub fn replaced(&self) -> BTreeMap<String, usize> {
        let mut total: BTreeMap<String, usize> =
            self.params.iter().map(|p| (p.key.clone(), 0)).collect();
        for r in &self.reports {
            for (k, n) in &r.replaced {
                *total.entry(k.clone()).or_default() += n;
            }
        }
        total
    }
}

/// What to extract.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The project folder.
    pub project: PathBuf,
    /// The new blueprint folder.
    pub target: PathBuf,
    /// The blueprint's name (default: the target's last segment).
    pub name: Option<String>,
    /// `KEY=VALUE` texts.
    pub params: Vec<String>,
    /// Take the project's string answers as parameters too.
    pub params_from_answers: bool,
    /// `--exclude` globs.
    pub excludes: Vec<String>,
    /// Answers that are not taken as parameters with `params_from_answers`, and why (see
    /// [`structural_answers`]).
    pub structural: BTreeMap<String, String>,
}

/// The answers of the pave project at `project` that choose among blocks and files of its
/// blueprint rather than fill in text (parameters with `choices`), with why each is not a
/// parameter of an extracted blueprint: its text would be templated, but a render with another
/// choice would keep the first choice's blocks.
pub fn structural_answers(
    registries: &crate::registry::Registries,
    project: &Path,
) -> Result<BTreeMap<String, String>, crate::project::pristine::PristineError> {
    let record = crate::project::pristine::read_record(project)?;
    let loaded = crate::project::pristine::load_recorded(registries, &record)?;
    Ok(loaded
        .blueprint
        .manifest
        .parameters
        .iter()
        .filter(|p| !p.choices.is_empty())
        .map(|p| {
            (
                p.name.clone(),
                format!(
                    "a choice of {} ({}): it picks blocks and files, which extract cannot rebuild; give it with --param to template its text anyway",
                    record.blueprint,
                    p.choices.join(", ")
                ),
            )
        })
        .collect())
}

/// Reads, plans and proves the extraction asked for; writes nothing.
pub fn prepare(req: &Request) -> Result<Extracted, ExtractError> {
    let name = match &req.name {
        Some(n) => n.clone(),
        None => req
            .target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string(),
    };
    crate::names::blueprint(&name).map_err(ExtractError::BadName)?;
    check_target(&req.target)?;
    let excludes = walk::Excludes::new(&req.excludes)?;
    let (project, left_out) = walk::read(&req.project, &excludes)?;
    // The record gives the answers and where the project came from; when only the latter is
    // wanted, a record that does not read is a warning.
    let mut warnings = Vec::new();
    let record = match read_record(&req.project) {
        Ok(record) => record,
        Err(e) if !req.params_from_answers => {
            warnings.push(format!(
                "{e}; the blueprint does not record where the project came from"
            ));
            None
        }
        Err(e) => return Err(e),
    };
    if req.params_from_answers && record.is_none() {
        return Err(ExtractError::NoAnswers(req.project.clone()));
    }
    let answers = record
        .as_ref()
        .filter(|_| req.params_from_answers)
        .map(|r| &r.answers);
    let (params, unused_answers) = params::collect(&req.params, answers, &req.structural)?;
    if project.is_empty() {
        return Err(ExtractError::Empty(req.project.clone()));
    }
    let derived_from = record
        .as_ref()
        .map(|r| format!("{}/{}@{}", r.registry, r.blueprint, r.version));
    let label = req
        .project
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| req.project.display().to_string());
    let mut extracted = plan(&name, &label, &project, params, left_out, derived_from)?;
    extracted.unused_answers = unused_answers;
    extracted.warnings.extend(warnings);
    proof::prove(&extracted, &project)?;
    Ok(extracted)
}

fn read_record(dir: &Path) -> Result<Option<crate::project::ProjectFile>, ExtractError> {
    let path = dir.join(crate::project::FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(crate::project::ProjectFile::parse(
            &text,
            &path.display().to_string(),
        )?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ExtractError::Read {
            path,
            why: e.to_string(),
        }),
    }
}

/// Refuses a target that exists and holds anything.
fn check_target(target: &Path) -> Result<(), ExtractError> {
    match std::fs::read_dir(target) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(ExtractError::NotEmpty(target.to_path_buf())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if target.exists() => Err(ExtractError::NotEmpty(target.to_path_buf())),
        Err(e) => Err(ExtractError::Read {
            path: target.to_path_buf(),
            why: e.to_string(),
        }),
    }
}

/// The substitutions of `params`: strings with their case variants, booleans and integers as
/// they are.
pub fn substitutions(params: &[Param]) -> Substitutions {
    let (strings, plain): (Vec<&Param>, Vec<&Param>) = params
        .iter()
        .partition(|p| p.kind == crate::manifest::ParamType::String);
    let pairs = |list: Vec<&Param>| -> Vec<(String, String)> {
        list.into_iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect()
    };
    Substitutions::with_plain(&pairs(strings), &pairs(plain))
}

/// The blueprint made of `project` (a project's files, `label` its name for the texts) with
/// `params`: pure. Every path segment is templatized; a file that holds a value or `{{` (or
/// ends in `.hbs`) and is UTF-8 text becomes a `.hbs` template, any other is copied with its
/// mode.
pub fn plan(
    name: &str,
    label: &str,
    project: &FileTree,
    params: Vec<Param>,
    left_out: Vec<LeftOut>,
    derived_from: Option<String>,
) -> Result<Extracted, ExtractError> {
    let subs = substitutions(&params);
    let mut files = FileTree::new();
    let mut reports = Vec::with_capacity(project.len());
    for (path, entry) in project {
        let mut replaced: BTreeMap<String, usize> = BTreeMap::new();
        let mut inside_tokens = Vec::new();
        let mut escaped = false;
        let segments: Vec<String> = path
            .split('/')
            .map(|segment| {
                let t = subs.apply_to_path_segment(segment);
                for (k, n) in &t.replaced {
                    *replaced.entry(k.clone()).or_default() += n;
                }
                escaped |= t.escaped;
                t.text
            })
            .collect();
        let out_path = segments.join("/");
        let (to, out_entry, templated, kept_as_is) = match entry {
            Entry::Symlink { target } => {
                let holds = !subs.apply(target).replaced.is_empty();
                (
                    out_path,
                    entry.clone(),
                    false,
                    holds.then(|| String::from("a link's target is kept as it is")),
                )
            }
            Entry::File { data, .. } => {
                let text = (!is_binary(data))
                    .then(|| std::str::from_utf8(data).ok())
                    .flatten();
                match text {
                    Some(text) => {
                        let t = subs.apply(text);
                        inside_tokens = t.inside_tokens.clone();
                        if t.is_template() || path.ends_with(TEMPLATE_SUFFIX) {
                            for (k, n) in &t.replaced {
                                *replaced.entry(k.clone()).or_default() += n;
                            }
                            escaped |= t.escaped;
                            (
                                format!("{out_path}{TEMPLATE_SUFFIX}"),
                                super::file_like(t.text, Some(entry)),
                                true,
                                None,
                            )
                        } else {
                            (out_path, entry.clone(), false, None)
                        }
                    }
                    None => {
                        if path.ends_with(TEMPLATE_SUFFIX) {
                            // A `.hbs` file is rendered, which only text can be.
                            return Err(ExtractError::BinaryTemplate(path.clone()));
                        }
                        let holds = holds_value(&subs, data);
                        let why = if is_binary(data) {
                            "binary"
                        } else {
                            "not UTF-8 text"
                        };
                        (
                            out_path,
                            entry.clone(),
                            false,
                            holds.then(|| format!("{why}: copied byte for byte")),
                        )
                    }
                }
            }
        };
        files.insert(format!("template/{to}"), out_entry);
        reports.push(FileReport {
            path: path.clone(),
            to: format!("template/{to}"),
            templated,
            replaced,
            escaped,
            kept_as_is,
            inside_tokens,
        });
    }
    let sam = manifest::is_sam(project);
    files.insert(
        String::from("blueprint.yaml"),
        Entry::file(manifest::manifest(
            name,
            label,
            &params,
            sam,
            derived_from.as_deref(),
        )),
    );
    files.insert(
        format!("tests/{}.yaml", manifest::CASE),
        Entry::file(manifest::case(&params)),
    );
    files.insert(
        String::from("CHANGELOG.md"),
        Entry::file(manifest::changelog(name, label, derived_from.as_deref())),
    );
    let files = crate::author::init::with_snapshots(name, files)
        .map_err(|e| ExtractError::Load(e.to_string()))?;
    let mut extracted = Extracted {
        name: name.to_string(),
        files,
        params,
        unused_answers: Vec::new(),
        reports,
        left_out,
        warnings: Vec::new(),
        derived_from,
        sam,
    };
    let totals = extracted.replaced();
    for p in &extracted.params {
        if totals.get(&p.key).copied().unwrap_or(0) == 0 {
            let inside: usize = extracted
                .reports
                .iter()
                .flat_map(|r| &r.inside_tokens)
                .filter(|t| t.key == p.key)
                .count();
            let more = if inside > 0 {
                format!(
                    " at a token boundary ({inside} occurrence(s) inside longer tokens are kept as text)"
                )
            } else {
                String::new()
            };
            extracted.warnings.push(format!(
                "the value `{}` of {} occurs nowhere{more}; the parameter is declared but renders nothing",
                p.value, p.key
            ));
        }
    }
    Ok(extracted)
}

/// Whether bytes that are not text hold any value's text.
fn holds_value(subs: &Substitutions, data: &[u8]) -> bool {
    subs.list().iter().any(|s| {
        let needle = s.text.as_bytes();
        data.windows(needle.len()).any(|w| w == needle)
    })
}

/// Writes the planned blueprint into `target` (missing or empty): staged beside it and
/// renamed into place, so nothing is half-written.
pub fn write(target: &Path, extracted: &Extracted) -> Result<(), ExtractError> {
    check_target(target)?;
    crate::plan::plan(target, extracted.files.clone(), false)?
        .apply(&crate::plan::ApplyOptions::default())?;
    Ok(())
}
