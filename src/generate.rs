//! `pave new` as a library call: resolve answers for a loaded blueprint, render it, and add
//! `.pave.yaml`. The result is an in-memory tree that [`crate::plan`] writes.

use crate::answers::{self, AnswerError, Answers, Prompter, Supplied};
use crate::blueprint::{Entry, FileTree};
use crate::error::{Classify, ErrorKind};
use crate::manifest::Manifest;
use crate::project::{self, ProjectFile};
use crate::registry::Loaded;
use crate::render::{self, RenderError};
use crate::template::{Engine, TemplateError};

/// Why a project could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The answers are incomplete or invalid.
    #[error(transparent)]
    Answers(#[from] AnswerError),
    /// The blueprint failed to render.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Templates read variables the answers do not define: every one of them.
    #[error("{} undefined variable(s) in the blueprint's templates:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Undefined(Vec<TemplateError>),
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
    /// The blueprint's next steps rendered with the answers, one a line (none when the
    /// blueprint has none).
    pub next_steps: Vec<String>,
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
    let next_steps = next_steps(&engine, &loaded.blueprint.manifest, &answers)?;
    Ok(Generated {
        answers,
        tree,
        next_steps,
    })
}

/// The manifest's `next_steps` rendered with the answers (and the blueprint's name and
/// version, as templates get them): one step a line, blank lines and surrounding spaces dropped.
pub fn next_steps(
    engine: &Engine,
    manifest: &Manifest,
    answers: &Answers,
) -> Result<Vec<String>, RenderError> {
    let Some(template) = &manifest.next_steps else {
        return Ok(Vec::new());
    };
    let ctx = render::context(manifest, &answers.context());
    let text = engine.render_str("blueprint.yaml (next_steps)", template, &ctx)?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// Renders with given answers and adds `.pave.yaml`.
pub fn render_project(
    engine: &mut Engine,
    loaded: &Loaded,
    answers: &Answers,
) -> Result<FileTree, GenerateError> {
    let ctx = answers.context();
    let mut tree = match render::render_with(engine, &loaded.blueprint, &ctx) {
        Ok(tree) => tree,
        Err(RenderError::Template(first)) => {
            // Strict mode stops at the first undefined variable: report every one at once.
            let ctx = render::context(&loaded.blueprint.manifest, &ctx);
            let mut all = crate::template::undefined::undefined(engine, "template/", &ctx);
            if all.is_empty() {
                return Err(RenderError::Template(first).into());
            }
            if !all.contains(&first) {
                all.insert(0, first);
            }
            return Err(GenerateError::Undefined(all));
        }
        Err(e) => return Err(e.into()),
    };
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
            GenerateError::Undefined(errors) => {
                errors.first().map_or(ErrorKind::Failure, Classify::kind)
            }
            GenerateError::ReservedPath => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            GenerateError::Answers(e) => e.hint(),
            GenerateError::Render(e) => e.hint(),
            GenerateError::Yaml(e) => e.hint(),
            GenerateError::ReservedPath => Some(String::from("remove it from the blueprint")),
            GenerateError::Undefined(_) => Some(String::from(
                "declare each variable as a parameter in blueprint.yaml, or fix its name",
            )),
        }
    }
}
