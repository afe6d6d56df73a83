//! Every valid example renders to a parseable `template.yaml`, leaves no handlebars braces
//! behind, and renders to the same bytes twice.

use super::{BLUEPRINTS, Case, Report, assert_all, cases, parse_template, render_example};
use crate::support::builtin;
use pave::blueprint::{Entry, FileTree};
use std::collections::BTreeSet;

/// Places of `{{` other than `{{resolve:` (CloudFormation dynamic references) and `${{`
/// (GitHub Actions expressions).
pub(super) fn stray_braces(text: &str) -> Vec<usize> {
    text.match_indices("{{")
        .map(|(i, _)| i)
        .filter(|&i| !text[i..].starts_with("{{resolve:") && !text[..i].ends_with('$'))
        .collect()
}

pub(super) fn check_no_stray_braces(case: &Case, report: &mut Report) {
    for (path, entry) in &case.tree {
        report.checked += 1;
        if !stray_braces(path).is_empty() {
            report.fail(case, format!("file name {path} keeps `{{{{`"));
        }
        let Entry::File { data, .. } = entry else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(data) else {
            continue;
        };
        for at in stray_braces(text) {
            let line = text[..at].lines().count().max(1);
            let snippet: String = text[at..]
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect();
            report.fail(case, format!("{path}:{line} keeps `{snippet}`"));
        }
    }
}

#[test]
fn every_valid_example_of_every_builtin_blueprint_renders() {
    let names = builtin::names();
    for wanted in BLUEPRINTS {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} is not built in: {names:?}"
        );
    }
    let mut total = 0;
    let mut failures = Vec::new();
    for blueprint in &names {
        let loaded = builtin::load(blueprint);
        let examples = builtin::valid_examples(&loaded.blueprint);
        if examples.is_empty() {
            failures.push(format!("{blueprint}: no valid example answer set"));
        }
        total += examples.len();
        for (name, example) in examples {
            if let Err(e) =
                render_example(&loaded, &example).and_then(|(_, tree)| parse_template(&tree))
            {
                failures.push(format!("{blueprint}/{name}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(total >= 20, "only {total} valid examples across {names:?}");
    assert_eq!(cases().len(), total);
}

#[test]
fn no_handlebars_braces_left_in_rendered_files() {
    assert_all("`{{` left in rendered output", check_no_stray_braces);
}

/// The first path where two trees differ.
pub(super) fn first_difference(a: &FileTree, b: &FileTree) -> Option<String> {
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths.into_iter().find(|p| a.get(*p) != b.get(*p)).cloned()
}

#[test]
fn rendering_the_same_answers_twice_gives_identical_trees() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for blueprint in builtin::names() {
        let loaded = builtin::load(&blueprint);
        for (name, example) in builtin::valid_examples(&loaded.blueprint) {
            let first = render_example(&loaded, &example).unwrap().1;
            let second = render_example(&loaded, &example).unwrap().1;
            compared += 1;
            if let Some(path) = first_difference(&first, &second) {
                failures.push(format!(
                    "{blueprint}/{name}: {path} differs between two renders"
                ));
            }
        }
    }
    assert!(compared >= 20, "{compared} examples compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
