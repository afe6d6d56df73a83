//! The text files an extracted blueprint starts with: `blueprint.yaml` (its parameters typed
//! from the values, the checks of a SAM project, where it came from), the example answer set
//! `tests/extracted.yaml` with the values, and `CHANGELOG.md` as `blueprint init` writes it.
//! Pure.

use super::params::Param;
use crate::author::init::FIRST_VERSION;
use crate::author::quoted;
use crate::blueprint::{Entry, FileTree};
use crate::manifest::ParamType;

/// The example answer set the values are recorded in.
pub const CASE: &str = "extracted";

/// The checks of a SAM project: the template linted as the built-in blueprints' `make lint`
/// does first.
pub const SAM_CHECKS: [&str; 1] = ["cfn-lint template.yaml"];

/// Whether the project is an AWS SAM project: its `template.yaml` names the SAM transform.
pub fn is_sam(project: &FileTree) -> bool {
    match project.get("template.yaml") {
        Some(Entry::File { data, .. }) => std::str::from_utf8(data)
            .is_ok_and(|t| t.contains("AWS::Serverless-2016-10-31") && t.contains("Transform")),
        _ => false,
    }
}

/// A parameter's value as YAML: a string quoted, a boolean or integer as it is.
fn value(p: &Param) -> String {
    match p.kind {
        ParamType::String => quoted(&p.value),
        _ => p.value.clone(),
    }
}

/// `key` as a question: `project_name` -> `Project name`.
fn prompt(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `blueprint.yaml` of the new blueprint `name`.
pub fn manifest(
    name: &str,
    project: &str,
    params: &[Param],
    sam: bool,
    derived_from: Option<&str>,
) -> String {
    let mut out = format!(
        "apiVersion: pave/v1\nname: {name}\nversion: {FIRST_VERSION}\n# Extracted from {project}: say in one line what a project made from it is.\nsummary: {}\n",
        quoted(&format!("Extracted from {project} (edit this summary)"))
    );
    if let Some(from) = derived_from {
        out.push_str(&format!("derived_from: {}\n", quoted(from)));
    }
    if params.is_empty() {
        out.push_str("parameters: []\n");
    } else {
        out.push_str("parameters:\n");
    }
    for p in params {
        out.push_str(&format!("  - name: {}\n", p.key));
        out.push_str(&format!("    type: {}\n", p.kind.as_str()));
        out.push_str(&format!("    prompt: {}\n", quoted(&prompt(&p.key))));
        if let Some(pattern) = p.pattern() {
            out.push_str(&format!("    pattern: '{pattern}'\n"));
        }
        out.push_str(&format!("    default: {}\n", value(p)));
    }
    if sam {
        out.push_str("checks:\n");
        for check in SAM_CHECKS {
            out.push_str(&format!("  - {check}\n"));
        }
    }
    out
}

/// `tests/extracted.yaml`: the values the project holds.
pub fn case(params: &[Param]) -> String {
    let mut out = String::from(
        "description: The values the project was extracted with; renders it back byte for byte\nanswers:",
    );
    if params.is_empty() {
        out.push_str(" {}\n");
        return out;
    }
    out.push('\n');
    for p in params {
        out.push_str(&format!("  {}: {}\n", p.key, value(p)));
    }
    out
}

/// `CHANGELOG.md`, in the form `blueprint init` writes.
pub fn changelog(name: &str, project: &str, derived_from: Option<&str>) -> String {
    let from = match derived_from {
        Some(d) => format!(" (a project made from `{d}`)"),
        None => String::new(),
    };
    format!(
        "# Changelog: {name}\n\n## {FIRST_VERSION}\n\nExtracted from the project `{project}`{from}.\n"
    )
}
