//! A project on disk against a pristine render of the version it records: the blueprint at
//! `.pave.yaml`'s version rendered with its recorded answers, compared file by file with the
//! disk as one unified diff (`a/` pristine, `b/` the project). Secret answers are never
//! recorded, so they are rendered as a placeholder and every file that renders one is left
//! out of the diff (and named), so a secret on disk never reaches the diff. `.pave.yaml`
//! itself and the folders `.git`, `.aws-sam` and `node_modules` are not compared.

use crate::answers::{self, Supplied};
use crate::blueprint::Entry;
use crate::generate::{self, GenerateError};
use crate::manifest::ParamType;
use crate::project::{self, ProjectFile};
use crate::registry::Loaded;
use crate::template::Engine;
use std::collections::BTreeSet;
use std::path::Path;

/// Stands in for a secret answer in the pristine render.
const SECRET_PLACEHOLDER: &str = "pave-secret-answer-not-recorded";
/// Folders of a project that are never compared.
pub const SKIPPED_DIRS: [&str; 3] = [".git", ".aws-sam", "node_modules"];

/// Why a project cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum ProjectDiffError {
    /// The recorded version does not render with the recorded answers.
    #[error("cannot render {blueprint}@{version} with the answers in .pave.yaml: {source}")]
    Render {
        /// The blueprint.
        blueprint: String,
        /// The version.
        version: String,
        /// Why.
        source: Box<GenerateError>,
    },
    /// Reading the project failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// A project's changes against its pristine render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectDiff {
    /// The unified diff; empty when the project is as rendered.
    pub text: String,
    /// Paths that differ (changed, added or removed), sorted.
    pub changed: Vec<String>,
    /// Paths left out because they render a secret answer.
    pub skipped: Vec<String>,
}

/// Compares the project in `dir` (recorded in `record`) with `loaded`, the blueprint at the
/// recorded version.
pub fn diff_project(
    loaded: &Loaded,
    record: &ProjectFile,
    dir: &Path,
) -> Result<ProjectDiff, ProjectDiffError> {
    let render_error = |source: GenerateError| ProjectDiffError::Render {
        blueprint: record.blueprint.clone(),
        version: record.version.to_string(),
        source: Box::new(source),
    };
    let manifest = &loaded.blueprint.manifest;
    let mut file = record.answers.clone();
    for param in &manifest.parameters {
        if param.kind == ParamType::Secret && !file.contains_key(&param.name) {
            file.insert(param.name.clone(), SECRET_PLACEHOLDER.into());
        }
    }
    let supplied = Supplied {
        set: Vec::new(),
        file,
        defaults: true,
        folder_name: None,
    };
    let mut engine = Engine::new(&loaded.blueprint.partials)
        .map_err(|e| render_error(GenerateError::Render(e.into())))?;
    let answers =
        answers::resolve(manifest, &engine, &supplied, None).map_err(|e| render_error(e.into()))?;
    let pristine = generate::render_project(&mut engine, loaded, &answers).map_err(render_error)?;

    let mut out = ProjectDiff::default();
    let mut seen = BTreeSet::new();
    for (path, entry) in &pristine {
        if path == project::FILE_NAME {
            continue;
        }
        seen.insert(path.clone());
        let old = match entry {
            Entry::File { data, .. } => data.clone(),
            Entry::Symlink { target } => format!("link to {target}\n").into_bytes(),
        };
        if contains(&old, SECRET_PLACEHOLDER.as_bytes()) {
            out.skipped.push(path.clone());
            continue;
        }
        let new = read_disk(&dir.join(path))?;
        if new.as_deref() != Some(old.as_slice()) {
            push_diff(&mut out, path, Some(&old), new.as_deref());
        }
    }
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir() && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s))
        })
    {
        let entry = entry.map_err(|e| ProjectDiffError::Io {
            path: e.path().map(Path::to_path_buf).unwrap_or_default(),
            source: e.into(),
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel == project::FILE_NAME || seen.contains(&rel) {
            continue;
        }
        let new = read_disk(entry.path())?;
        push_diff(&mut out, &rel, None, new.as_deref());
    }
    out.changed.sort();
    Ok(out)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The bytes at `path` (a link as `link to <target>`), or none when it does not exist.
fn read_disk(path: &Path) -> Result<Option<Vec<u8>>, ProjectDiffError> {
    let io = |source| ProjectDiffError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::read_link(path).map_err(io)?;
            Ok(Some(format!("link to {}\n", target.display()).into_bytes()))
        }
        Ok(meta) if meta.is_dir() => Ok(None),
        Ok(_) => std::fs::read(path).map(Some).map_err(io),
    }
}

fn push_diff(out: &mut ProjectDiff, path: &str, old: Option<&[u8]>, new: Option<&[u8]>) {
    out.changed.push(path.to_string());
    let old_name = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let new_name = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_string()
    };
    let as_text = |b: Option<&[u8]>| match b {
        None => Some(String::new()),
        Some(b) => std::str::from_utf8(b).ok().map(str::to_string),
    };
    match (as_text(old), as_text(new)) {
        (Some(old), Some(new)) => {
            let diff = similar::TextDiff::from_lines(&old, &new);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &new_name)
                .to_string();
            out.text.push_str(&text);
            if !text.ends_with('\n') {
                out.text.push('\n');
            }
        }
        _ => out.text.push_str(&format!(
            "--- {old_name}\n+++ {new_name}\nBinary files differ\n"
        )),
    }
}
