//! Rendering: a pure function from a blueprint and answers to an in-memory tree of files.
//! Only `*.hbs` files are rendered (the suffix dropped); others are copied byte for byte; path
//! segments are templated and confined ([`paths`]); `files` rules include or leave out files.
//! No I/O happens here.

pub mod paths;

use crate::blueprint::{Blueprint, Entry, FileTree, link_stays_inside};
use crate::error::{Classify, ErrorKind};
use crate::manifest::{FileGlob, Manifest};
use crate::template::{Engine, TemplateError};
use std::collections::BTreeMap;

/// The suffix of files that are rendered.
pub const TEMPLATE_SUFFIX: &str = ".hbs";

/// The variable that holds the blueprint's name in every template, beside the answers.
pub const BLUEPRINT_VARIABLE: &str = "_blueprint";
/// The variable that holds the blueprint's version (`1.2.0`) in every template.
pub const VERSION_VARIABLE: &str = "_version";
/// The variables pave adds to the answers when it renders templates. They start with `_`,
/// which no parameter name may ([`crate::names::parameter`]), so they never clash with one.
pub const PAVE_VARIABLES: [&str; 2] = [BLUEPRINT_VARIABLE, VERSION_VARIABLE];

/// The context templates render with: the answers (an object) plus [`PAVE_VARIABLES`], taken
/// from `manifest` (so each version of a blueprint renders its own version).
pub fn context(manifest: &Manifest, answers: &serde_json::Value) -> serde_json::Value {
    let mut ctx = match answers {
        serde_json::Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    ctx.insert(BLUEPRINT_VARIABLE.into(), manifest.name.clone().into());
    ctx.insert(VERSION_VARIABLE.into(), manifest.version.to_string().into());
    serde_json::Value::Object(ctx)
}

/// Why a blueprint could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template does not parse or fails to render.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A rendered path would leave the project.
    #[error("template/{file} renders to the path `{rendered}`, which is refused: {reason}")]
    Path {
        /// The template path.
        file: String,
        /// What it rendered to.
        rendered: String,
        /// Why it is refused.
        reason: String,
        /// The answer to give instead, when one is known (`--set name=value`).
        fix: Option<String>,
    },
    /// Two template files render to the same path.
    #[error("template/{first} and template/{second} both render to `{path}`")]
    Duplicate {
        /// One template.
        first: String,
        /// The other.
        second: String,
        /// The path.
        path: String,
    },
    /// A symbolic link would point outside the project.
    #[error(
        "template/{file} is a symbolic link to `{target}`, outside the rendered project; links may only point inside it"
    )]
    SymlinkOut {
        /// The link.
        file: String,
        /// Its target.
        target: String,
    },
}

/// Renders `blueprint` with a context (the answers as a JSON object, every parameter present,
/// `null` where skipped; [`context`] adds the blueprint's name and version) into a tree of
/// project files.
pub fn render(blueprint: &Blueprint, ctx: &serde_json::Value) -> Result<FileTree, RenderError> {
    let mut engine = Engine::new(&blueprint.partials)?;
    render_with(&mut engine, blueprint, ctx)
}

/// [`render`] with an engine the caller made (and may reuse for answers).
pub fn render_with(
    engine: &mut Engine,
    blueprint: &Blueprint,
    ctx: &serde_json::Value,
) -> Result<FileTree, RenderError> {
    render_traced(engine, blueprint, ctx).map(|(tree, _)| tree)
}

/// Where each rendered file came from: rendered path -> template path (relative to
/// `template/`, e.g. `src/{{name}}/app.py.hbs`). `update` follows a file whose path changed.
pub type Origins = BTreeMap<String, String>;

/// [`render_with`], also returning the template path each rendered file came from.
pub fn render_traced(
    engine: &mut Engine,
    blueprint: &Blueprint,
    ctx: &serde_json::Value,
) -> Result<(FileTree, Origins), RenderError> {
    let ctx = &context(&blueprint.manifest, ctx);
    let excluded = file_rules(engine, blueprint, ctx)?;
    // First pass: which files, at which paths; the templates among them compile together.
    let mut planned = Vec::new();
    let mut sources = Vec::new();
    for (path, entry) in &blueprint.template {
        if excluded.iter().any(|g| g.is_match(path)) {
            continue;
        }
        let out_path = path.strip_suffix(TEMPLATE_SUFFIX).unwrap_or(path);
        let rendered_path =
            engine.render_str(&format!("template/{path} (file name)"), out_path, ctx)?;
        let rendered_path = paths::confine(path, &rendered_path)?;
        paths::one_segment_each(path, out_path, &rendered_path, ctx)?;
        if let Entry::File { data, .. } = entry
            && path.ends_with(TEMPLATE_SUFFIX)
        {
            let name = format!("template/{path}");
            let src = std::str::from_utf8(data).map_err(|_| {
                TemplateError::new(name.clone(), "a .hbs template must be UTF-8 text")
            })?;
            // Text without `{{` renders to itself: no need to parse it.
            if src.contains("{{") {
                sources.push((name, src));
            }
        }
        planned.push((path, entry, rendered_path));
    }
    engine.compile_many(&sources)?;

    let mut out = FileTree::new();
    let mut origins = Origins::new();
    for (path, entry, rendered_path) in planned {
        let rendered = match entry {
            Entry::File { data, executable } if path.ends_with(TEMPLATE_SUFFIX) => {
                let data = if data.windows(2).any(|w| w == b"{{") {
                    engine
                        .render(&format!("template/{path}"), ctx)?
                        .into_bytes()
                        .into()
                } else {
                    data.clone()
                };
                Entry::File {
                    data,
                    executable: *executable,
                }
            }
            Entry::Symlink { target } => {
                if !link_stays_inside(&rendered_path, target) {
                    return Err(RenderError::SymlinkOut {
                        file: path.clone(),
                        target: target.clone(),
                    });
                }
                entry.clone()
            }
            Entry::File { .. } => entry.clone(),
        };
        if let Some(first) = origins.get(&rendered_path) {
            return Err(RenderError::Duplicate {
                first: first.clone(),
                second: path.clone(),
                path: rendered_path,
            });
        }
        origins.insert(rendered_path.clone(), path.clone());
        out.insert(rendered_path, rendered);
    }
    Ok((out, origins))
}

/// Evaluates the manifest's `files` rules once each, and gives the globs of those that do not
/// hold: a template file is included when it matches none of them.
fn file_rules(
    engine: &Engine,
    blueprint: &Blueprint,
    ctx: &serde_json::Value,
) -> Result<Vec<FileGlob>, RenderError> {
    let mut excluded = Vec::new();
    for rule in &blueprint.manifest.files {
        let glob = FileGlob::new(&rule.path).map_err(|e| {
            TemplateError::new(
                "blueprint.yaml (files)",
                format!("`{}` is not a valid glob: {e}", rule.path),
            )
        })?;
        let holds = engine.truthy(
            &format!("blueprint.yaml files[{}].when", rule.path),
            &rule.when,
            ctx,
        )?;
        // Only a rule that does not hold leaves files out.
        if !holds {
            excluded.push(glob);
        }
    }
    Ok(excluded)
}

impl Classify for RenderError {
    fn kind(&self) -> ErrorKind {
        match self {
            RenderError::Template(e) => e.kind(),
            RenderError::Path { .. }
            | RenderError::Duplicate { .. }
            | RenderError::SymlinkOut { .. } => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            RenderError::Template(e) => e.hint(),
            RenderError::Path { fix, .. } => fix.clone(),
            _ => None,
        }
    }
}
