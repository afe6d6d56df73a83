//! The pristine side of a project: its `.pave.yaml` ([`read_record`]), the blueprint at the
//! recorded version and commit ([`load_recorded`]), and that version rendered with the recorded
//! answers ([`render_recorded`]) — the base of `pave update` and what `pave diff` compares the
//! project with. Nothing is prompted and nothing is written here. When the recorded version
//! cannot be had at all, the error says exactly what is missing and what the user can do.

use crate::answers::{self, AnswerError, Answers, Supplied};
use crate::blueprint::{Blueprint, FileTree};
use crate::error::{Classify, ErrorKind};
use crate::manifest::Manifest;
use crate::project::{self, ProjectFile};
use crate::registry::integrity::{self, TagMoved};
use crate::registry::{BlueprintSource, Loaded, Registries, RegistryError, git::tag_name};
use crate::render::{self, Origins, RenderError};
use crate::template::Engine;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Why the pristine render of a project could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PristineError {
    /// The folder holds no `.pave.yaml`.
    #[error(
        "{} is not a pave project: it has no {} (a project made by `pave new` has one at its root)",
        .dir.display(),
        project::FILE_NAME
    )]
    NotAProject {
        /// The folder.
        dir: PathBuf,
    },
    /// `.pave.yaml` exists but cannot be read.
    #[error("cannot read {}: {cause}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// `.pave.yaml` is not valid.
    #[error(transparent)]
    Record(#[from] crate::yaml::YamlError),
    /// The recorded registry could not be used.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The recorded version cannot be had from anywhere.
    #[error("{what}")]
    BaseMissing {
        /// What is missing, in words.
        what: String,
        /// What the user can do.
        fix: String,
    },
    /// The recorded answers do not fit the recorded version (the file was edited by hand).
    #[error("the answers in .pave.yaml do not fit {blueprint} {version}: {cause}")]
    Answers {
        /// The blueprint.
        blueprint: String,
        /// The recorded version.
        version: String,
        /// What is wrong.
        cause: Box<AnswerError>,
    },
    /// The recorded version failed to render.
    #[error(transparent)]
    Render(#[from] RenderError),
}

impl Classify for PristineError {
    fn kind(&self) -> ErrorKind {
        match self {
            PristineError::Record(e) => e.kind(),
            PristineError::Registry(e) => e.kind(),
            PristineError::Render(e) => e.kind(),
            PristineError::NotAProject { .. }
            | PristineError::Read { .. }
            | PristineError::BaseMissing { .. }
            | PristineError::Answers { .. } => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PristineError::NotAProject { .. } => Some(String::from(
                "run the command in the project's folder, or give the folder as an argument",
            )),
            PristineError::BaseMissing { fix, .. } => Some(fix.clone()),
            PristineError::Answers { cause, .. } => cause.hint(),
            PristineError::Record(e) => e.hint(),
            PristineError::Registry(e) => e.hint(),
            PristineError::Render(e) => e.hint(),
            PristineError::Read { .. } => None,
        }
    }
}

/// Reads `DIR/.pave.yaml`; a folder without one is [`PristineError::NotAProject`], a file
/// that does not parse is an error with its line and column.
pub fn read_record(dir: &Path) -> Result<ProjectFile, PristineError> {
    let path = dir.join(project::FILE_NAME);
    let text = match fs_err::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(PristineError::NotAProject {
                dir: dir.to_path_buf(),
            });
        }
        Err(cause) => return Err(PristineError::Read { path, cause }),
    };
    Ok(ProjectFile::parse(&text, &path.display().to_string())?)
}

/// Loads the recorded version from the recorded source: for git at the recorded commit, even
/// when the tag moved or was deleted, as long as the cache (or, after one fetch, the server)
/// holds the commit.
pub fn load_recorded(
    registries: &Registries,
    record: &ProjectFile,
) -> Result<Loaded, PristineError> {
    let source = registries.open_recorded(record.origin())?;
    load_from(source.as_ref(), record).map(|(loaded, _)| loaded)
}

/// [`load_recorded`] from an opened source, also saying when the recorded version's tag no
/// longer points at the recorded commit (moved or deleted): the base is still the recorded
/// commit.
pub fn load_from(
    source: &dyn BlueprintSource,
    record: &ProjectFile,
) -> Result<(Loaded, Option<TagMoved>), PristineError> {
    let name = &record.blueprint;
    let version = &record.version;
    let Some(commit) = &record.commit else {
        return match source.load(name, version) {
            Ok(loaded) => Ok((loaded, None)),
            Err(RegistryError::NoMatchingVersion { available, .. }) => {
                Err(PristineError::BaseMissing {
                    what: format!(
                        "{name} {version}, the version this project was made from, is no longer in {} (it has {}), so there is nothing to compare the project with",
                        source.name(),
                        if available.is_empty() {
                            String::from("no version")
                        } else {
                            available.join(", ")
                        }
                    ),
                    fix: format!(
                        "if the project still matches one of those versions, set `version:` in {} to it and run the command again; otherwise make the project again with `pave new` and carry your changes over",
                        project::FILE_NAME
                    ),
                })
            }
            Err(e) => Err(e.into()),
        };
    };
    let moved = integrity::check_tag_moved(record.origin(), source)?;
    match source.load_at_commit(name, version, commit)? {
        Some(loaded) => Ok((loaded, moved)),
        None => {
            let tag = tag_name(name, version);
            let state = match &moved {
                Some(TagMoved {
                    current: Some(now), ..
                }) => format!("tag {tag} now points to commit {now}"),
                Some(TagMoved { current: None, .. }) => format!("tag {tag} was deleted"),
                None => format!("tag {tag} does not lead to it"),
            };
            Err(PristineError::BaseMissing {
                what: format!(
                    "{name} {version} was made from commit {commit} of {}, which neither the cache nor the server holds any more ({state}), so there is nothing to compare the project with",
                    source.location()
                ),
                fix: format!(
                    "ask the registry's maintainers to restore tag {tag} at commit {commit}; or, if the project still matches another version, set `version:` and `commit:` in {} to that release",
                    project::FILE_NAME
                ),
            })
        }
    }
}

/// The recorded version rendered with the recorded answers.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The files, without `.pave.yaml`.
    pub tree: FileTree,
    /// The template path each file came from.
    pub origins: Origins,
    /// The answers used (recorded ones, defaults for the rest).
    pub answers: Answers,
}

/// Recorded answers carried over to a manifest: removed parameters dropped, renamed ones
/// carried to their new name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carried {
    /// The answers under the manifest's parameter names.
    pub answers: Map<String, Value>,
    /// Recorded answers of parameters the manifest no longer has.
    pub dropped: Vec<String>,
    /// `(old, new)` for each answer carried by `renamed_from`.
    pub renamed: Vec<(String, String)>,
}

/// Maps recorded answers onto `manifest`'s parameters: a parameter takes the answer under its
/// name, else under the first of its `renamed_from` names that has one; answers no parameter
/// takes are dropped.
pub fn carry_over(manifest: &Manifest, recorded: &Map<String, Value>) -> Carried {
    let mut carried = Carried::default();
    let mut used = std::collections::BTreeSet::new();
    for param in &manifest.parameters {
        if let Some(value) = recorded.get(&param.name) {
            carried.answers.insert(param.name.clone(), value.clone());
            used.insert(param.name.clone());
            continue;
        }
        if let Some((old, value)) = param
            .renamed_from
            .iter()
            .find_map(|old| Some((old, recorded.get(old)?)))
        {
            carried.answers.insert(param.name.clone(), value.clone());
            carried.renamed.push((old.clone(), param.name.clone()));
            used.insert(old.clone());
        }
    }
    carried.dropped = recorded
        .keys()
        .filter(|k| !used.contains(*k))
        .cloned()
        .collect();
    carried
}

/// Renders `loaded` with `answers` (recorded ones; removed parameters dropped, `renamed_from`
/// carried over), `secrets` for secret parameters, and defaults for parameters without an
/// answer. Nothing is prompted: a parameter with neither is an error naming the `--set`.
pub fn render_recorded(
    loaded: &Loaded,
    answers: &Map<String, Value>,
    secrets: &Map<String, Value>,
) -> Result<Rendered, PristineError> {
    let mut engine = Engine::new(&loaded.blueprint.partials).map_err(RenderError::from)?;
    render_recorded_with(&mut engine, loaded, answers, secrets)
}

/// [`render_recorded`] with an engine made for `loaded` (by [`Engine::new`] with its
/// partials) and kept by the caller: templates it compiled for an earlier render of the same
/// blueprint are not parsed again, which is most of the cost of rendering many projects of
/// one version.
pub fn render_recorded_with(
    engine: &mut Engine,
    loaded: &Loaded,
    answers: &Map<String, Value>,
    secrets: &Map<String, Value>,
) -> Result<Rendered, PristineError> {
    let manifest = &loaded.blueprint.manifest;
    let mut given = carry_over(manifest, answers).answers;
    for param in &manifest.parameters {
        if let Some(value) = secrets.get(&param.name) {
            given.insert(param.name.clone(), value.clone());
        }
    }
    let supplied = Supplied {
        file: given,
        defaults: true,
        ..Supplied::default()
    };
    let answers = answers::resolve(manifest, engine, &supplied, None).map_err(|cause| {
        PristineError::Answers {
            blueprint: loaded.blueprint.name().to_string(),
            version: loaded.blueprint.version().to_string(),
            cause: Box::new(cause),
        }
    })?;
    Ok(render_answers(engine, &loaded.blueprint, answers)?)
}

/// `blueprint` rendered with `answers`, `.pave.yaml` left out.
pub fn render_answers(
    engine: &mut Engine,
    blueprint: &Blueprint,
    answers: Answers,
) -> Result<Rendered, RenderError> {
    let (mut tree, mut origins) = render::render_traced(engine, blueprint, &answers.context())?;
    tree.remove(project::FILE_NAME);
    origins.remove(project::FILE_NAME);
    Ok(Rendered {
        tree,
        origins,
        answers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(yaml: &str) -> Manifest {
        crate::manifest::parse_manifest(yaml, "blueprint.yaml").unwrap()
    }

    #[test]
    fn answers_carry_over_by_name_and_rename_and_removed_ones_drop() {
        let m = manifest(
            "apiVersion: pave/v1\nname: x\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: service\n    renamed_from: [project_name]\n  - name: region\n",
        );
        let recorded = json!({"project_name": "orders", "region": "eu-west-1", "gone": true});
        let carried = carry_over(&m, recorded.as_object().unwrap());
        assert_eq!(
            Value::Object(carried.answers),
            json!({"service": "orders", "region": "eu-west-1"})
        );
        assert_eq!(carried.dropped, vec![String::from("gone")]);
        assert_eq!(
            carried.renamed,
            vec![(String::from("project_name"), String::from("service"))]
        );
    }

    #[test]
    fn a_folder_without_a_record_is_not_a_project_and_a_bad_record_has_a_position() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_record(dir.path()).unwrap_err();
        assert!(err.to_string().contains("is not a pave project"), "{err}");
        std::fs::write(
            dir.path().join(".pave.yaml"),
            "registry: builtin\nversion: [\n",
        )
        .unwrap();
        let err = read_record(dir.path()).unwrap_err().to_string();
        assert!(err.contains(".pave.yaml"), "{err}");
        assert!(err.contains(":2") || err.contains("line 2"), "{err}");
    }
}
