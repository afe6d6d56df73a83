//! The proof of an extraction, run before anything is written: the planned blueprint rendered
//! with the extracted values gives the project back byte for byte (modes and links included,
//! the left-out paths aside), and rendered with other values (each changed, still of its
//! shape) leaves no original value at a token boundary in any text file or path, except in
//! the files the plan kept as they are (binaries, non-UTF-8 files, link targets). A failure
//! names the file and is a fault in pave. Pure.

use super::{ExtractError, Extracted};
use crate::blueprint::{Blueprint, Entry, FileTree, is_binary};
use serde_json::{Map, Value as Json};

/// Checks `extracted` against `project` (the files it was made from).
pub fn prove(extracted: &Extracted, project: &FileTree) -> Result<(), ExtractError> {
    let bp = Blueprint::from_tree(&extracted.name, extracted.files.clone())
        .map_err(|e| ExtractError::Load(e.to_string()))?;
    let same: Map<String, Json> = extracted
        .params
        .iter()
        .map(|p| (p.key.clone(), p.answer()))
        .collect();
    let rendered = crate::render::render(&bp, &Json::Object(same))
        .map_err(|e| ExtractError::Load(e.to_string()))?;
    same_tree(&rendered, project)?;

    let originals: Vec<&str> = extracted.params.iter().map(|p| p.value.as_str()).collect();
    let other: Map<String, Json> = extracted
        .params
        .iter()
        .map(|p| (p.key.clone(), p.other_value(&originals)))
        .collect();
    let mut engine = crate::template::Engine::new(&bp.partials)
        .map_err(|e| ExtractError::Load(e.to_string()))?;
    let (rendered, origins) = crate::render::render_traced(&mut engine, &bp, &Json::Object(other))
        .map_err(|e| ExtractError::Load(e.to_string()))?;
    let subs = super::substitutions(&extracted.params);
    let kept: Vec<&str> = extracted
        .reports
        .iter()
        .filter(|r| r.kept_as_is.is_some())
        .map(|r| r.to.as_str())
        .collect();
    for (path, entry) in &rendered {
        let left = subs.apply(path);
        if let Some(key) = left.replaced.keys().next() {
            return Err(ExtractError::Proof {
                file: path.clone(),
                what: format!(
                    "rendered with other values, its path still holds the value of {key}"
                ),
            });
        }
        let from = origins
            .get(path)
            .map(|t| format!("template/{t}"))
            .unwrap_or_default();
        if kept.contains(&from.as_str()) {
            continue;
        }
        let Entry::File { data, .. } = entry else {
            continue;
        };
        if is_binary(data) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(data) else {
            continue;
        };
        let left = subs.apply(text);
        if let Some(key) = left.replaced.keys().next() {
            return Err(ExtractError::Proof {
                file: path.clone(),
                what: format!(
                    "rendered with other values, it still holds the value of {key} (from {from})"
                ),
            });
        }
    }
    Ok(())
}

/// `rendered` equals `project`, file for file.
fn same_tree(rendered: &FileTree, project: &FileTree) -> Result<(), ExtractError> {
    for (path, entry) in project {
        match rendered.get(path) {
            None => {
                return Err(ExtractError::Proof {
                    file: path.clone(),
                    what: String::from("rendered with the extracted values, it is missing"),
                });
            }
            Some(got) if got != entry => {
                // Two files with the same bytes that differ differ in their executable bit.
                let what = match (got, entry) {
                    (Entry::File { data: a, .. }, Entry::File { data: b, .. }) if a == b => {
                        "its executable bit differs"
                    }
                    _ => "rendered with the extracted values, its contents differ",
                };
                return Err(ExtractError::Proof {
                    file: path.clone(),
                    what: what.to_string(),
                });
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = rendered.keys().find(|p| !project.contains_key(*p)) {
        return Err(ExtractError::Proof {
            file: extra.clone(),
            what: String::from("rendered with the extracted values, it is not in the project"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::author::extract::{params, plan};

    fn extracted(project: &FileTree) -> Extracted {
        let given = [String::from("project_name=orders-api")];
        let (params, _) = params::collect(&given, None, &Default::default()).unwrap();
        plan("x", "x", project, params, Vec::new(), None).unwrap()
    }

    fn project() -> FileTree {
        FileTree::from([
            (
                String::from("a.txt"),
                Entry::file("name: orders-api\nclass OrdersApi\n"),
            ),
            (
                String::from("run.sh"),
                Entry::File {
                    data: b"echo orders-api\n".to_vec().into(),
                    executable: true,
                },
            ),
        ])
    }

    #[test]
    fn a_plan_that_proves_out_passes() {
        let project = project();
        prove(&extracted(&project), &project).unwrap();
    }

    #[test]
    fn a_value_left_in_a_template_is_found_with_other_values() {
        let project = project();
        let mut bad = extracted(&project);
        // As if the class name had not been replaced: renders back, but keeps the value.
        bad.files.insert(
            String::from("template/a.txt.hbs"),
            Entry::file("name: {{project_name}}\nclass OrdersApi\n"),
        );
        let err = prove(&bad, &project).unwrap_err().to_string();
        assert!(
            err.contains("at a.txt") && err.contains("project_name"),
            "{err}"
        );
    }

    #[test]
    fn a_lost_mode_or_byte_is_found_with_the_values() {
        let project = project();
        let mut bad = extracted(&project);
        bad.files.insert(
            String::from("template/run.sh.hbs"),
            Entry::file("echo {{project_name}}\n"),
        );
        let err = prove(&bad, &project).unwrap_err().to_string();
        assert!(
            err.contains("at run.sh: its executable bit differs"),
            "{err}"
        );
        bad.files.insert(
            String::from("template/run.sh.hbs"),
            Entry::File {
                data: b"echo {{project_name}}".to_vec().into(),
                executable: true,
            },
        );
        let err = prove(&bad, &project).unwrap_err().to_string();
        assert!(
            err.contains("at run.sh") && err.contains("contents differ"),
            "{err}"
        );
    }
}
