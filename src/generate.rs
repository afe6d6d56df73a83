//! `pave new` as a library call: resolve answers for a loaded blueprint, render it, and add
//! `.pave.yaml`. The result is an in-memory tree that [`crate::plan`] writes.

use crate::answers::{self, AnswerError, Answers, Prompter, Supplied};
use crate::blueprint::{Entry, FileTree};
use crate::error::{Classify, ErrorKind};
use crate::project::{self, ProjectFile};
use crate::registry::Loaded;
use crate::render::{self, RenderError};
use crate::template::Engine;

/// Why a project could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The answers are incomplete or invalid.
    #[error(transparent)]
    Answers(#[from] AnswerError),
    /// The blueprint failed to render.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The blueprint itself ships a `.pave.yaml`.
    #[error(
        "the blueprint's template holds {}, which pave writes itself; remove it from the blueprint",
        project::FILE_NAME
    )]
    ReservedPath,
    /// `.pave.yaml` could not be serialised.
    #[error(transparent)]
    Yaml(#[from] crate::yaml::YamlError),
}

/// A rendered project, ready to plan.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The answers used.
    pub answers: Answers,
    /// The files, `.pave.yaml` included.
    pub tree: FileTree,
}

/// Resolves answers, renders, and adds `.pave.yaml`.
pub fn generate(
    loaded: &Loaded,
    supplied: &Supplied,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Generated, GenerateError> {
    let mut engine = Engine::new(&loaded.blueprint.partials).map_err(RenderError::from)?;
    let answers = answers::resolve(&loaded.blueprint.manifest, &engine, supplied, prompter)?;
    let tree = render_project(&mut engine, loaded, &answers)?;
    Ok(Generated { answers, tree })
}

/// Renders with given answers and adds `.pave.yaml`.
pub fn render_project(
    engine: &mut Engine,
    loaded: &Loaded,
    answers: &Answers,
) -> Result<FileTree, GenerateError> {
    let mut tree = render::render_with(engine, &loaded.blueprint, &answers.context())?;
    if tree.contains_key(project::FILE_NAME) {
        return Err(GenerateError::ReservedPath);
    }
    let record = ProjectFile {
        registry: loaded.registry.clone(),
        blueprint: loaded.blueprint.name().to_string(),
        version: loaded.blueprint.version().clone(),
        commit: loaded.commit.clone(),
        answers: answers.recorded(),
        pave_version: crate::VERSION.to_string(),
    };
    tree.insert(
        project::FILE_NAME.to_string(),
        Entry::file(record.to_yaml()?),
    );
    Ok(tree)
}

impl Classify for GenerateError {
    fn kind(&self) -> ErrorKind {
        match self {
            GenerateError::Answers(e) => e.kind(),
            GenerateError::Render(e) => e.kind(),
            GenerateError::Yaml(e) => e.kind(),
            GenerateError::ReservedPath => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            GenerateError::Answers(e) => e.hint(),
            GenerateError::Render(e) => e.hint(),
            GenerateError::Yaml(e) => e.hint(),
            GenerateError::ReservedPath => Some(String::from("remove it from the blueprint")),
        }
    }
}
