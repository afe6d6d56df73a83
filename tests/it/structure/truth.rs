//! What a rendered project says about itself is true and the same in every blueprint: it names
//! its blueprint's own version (never an older one), `make test` runs only the handler tests
//! (installing just what they need) and `make lint` the validators, the README tells how to
//! change an answer (`pave update --set`), and no environment variable or parameter whose name
//! reads like a credential holds a literal value a secret scanner would flag.

use super::cfn::field;
use super::{Case, Report, assert_all, file_text};
use crate::support::builtin;
use pave::blueprint::Entry;
use pave::registry::builtin::released_versions;
use serde_yaml::Value;
use std::collections::BTreeSet;

/// Where `version` stands alone in `text` (not inside `11.0.0` or `1.0.0.1`).
fn mentions_version(text: &str, version: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    text.match_indices(version).map(|(i, _)| i).find(|&i| {
        let end = i + version.len();
        let joined_before =
            i > 0 && (digit(i - 1) || (bytes[i - 1] == b'.' && i > 1 && digit(i - 2)));
        let joined_after = digit(end) || (bytes.get(end) == Some(&b'.') && digit(end + 1));
        !joined_before && !joined_after
    })
}

pub(super) fn check_own_version(case: &Case, report: &mut Report) {
    let loaded = builtin::load(&case.blueprint);
    let version = loaded.blueprint.version().to_string();
    let older: Vec<String> =
        released_versions(loaded.blueprint.changelog.as_deref().unwrap_or_default())
            .into_iter()
            .map(|v| v.to_string())
            .filter(|v| *v != version)
            .collect();
    for (path, entry) in &case.tree {
        let Entry::File { data, .. } = entry else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(data) else {
            continue;
        };
        report.checked += 1;
        for old in &older {
            if let Some(at) = mentions_version(text, old) {
                let line = text[..at].lines().count().max(1);
                report.fail(
                    case,
                    format!(
                        "{path}:{line} names version {old}, but the project is made from {version}"
                    ),
                );
            }
        }
    }
    let readme = file_text(&case.tree, "README.md").unwrap_or_default();
    let named = format!("`{}` blueprint, version {version}", case.blueprint);
    if !readme.contains(&named) {
        report.fail(case, format!("README.md does not say {named:?}"));
    }
}

/// `(prerequisites, recipe lines)` of one rule of a Makefile.
fn rule<'a>(makefile: &'a str, target: &str) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
    let mut lines = makefile.lines();
    let head = lines.find(|l| {
        l.strip_prefix(target)
            .is_some_and(|rest| rest.starts_with(':') && !rest.starts_with(":="))
    })?;
    let after = &head[target.len() + 1..];
    let after = after.split_once("##").map_or(after, |(deps, _)| deps);
    let prerequisites = after.split_whitespace().filter(|w| *w != "|").collect();
    let recipe = lines.take_while(|l| l.starts_with('\t')).collect();
    Some((prerequisites, recipe))
}

/// Every recipe line that `make <target>` may run: its own and its prerequisites', through
/// every rule the Makefile defines.
fn reachable_recipe<'a>(makefile: &'a str, target: &str) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![target];
    let mut out = Vec::new();
    while let Some(t) = todo.pop() {
        if !seen.insert(t) {
            continue;
        }
        if let Some((prerequisites, recipe)) = rule(makefile, t) {
            todo.extend(prerequisites);
            out.extend(recipe);
        }
    }
    out
}

/// `line` with each `$(NAME)` that the Makefile sets (`NAME = value`, `?=`, `:=`) replaced by
/// its value.
fn expand(makefile: &str, line: &str) -> String {
    let mut out = line.to_string();
    for def in makefile.lines() {
        let Some((name, value)) = ["?=", ":=", "="].iter().find_map(|op| def.split_once(op)) else {
            continue;
        };
        let name = name.trim();
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            out = out.replace(&format!("$({name})"), value.trim());
        }
    }
    out
}

const VALIDATORS: [&str; 5] = [
    "cfn-lint",
    "checkov",
    "aws-sam-translator",
    "$(TOOLS)",
    "$(VALIDATORS)",
];

pub(super) fn check_make_test_and_lint(case: &Case, report: &mut Report) {
    let Some(makefile) = file_text(&case.tree, "Makefile") else {
        return report.fail(case, "no Makefile was rendered");
    };
    report.checked += 1;
    let test = reachable_recipe(makefile, "test");
    if test.is_empty() {
        report.fail(case, "Makefile has no test target");
    }
    for line in &test {
        if VALIDATORS.iter().any(|v| line.contains(v)) {
            report.fail(
                case,
                format!("make test installs or runs a validator: `{}`", line.trim()),
            );
        }
    }
    if case.tree.contains_key("pyproject.toml") {
        let installs = test
            .iter()
            .any(|l| l.contains("pip install") && l.contains("pytest"));
        let runs = test
            .iter()
            .any(|l| l.contains("$(VENV)/bin/python -m pytest"));
        if !installs || !runs {
            report.fail(
                case,
                "make test does not install pytest into .venv on first use and run it from there",
            );
        }
    }
    let lint = reachable_recipe(makefile, "lint");
    if !lint.iter().any(|l| {
        let l = expand(makefile, l);
        l.contains("pip install") && l.contains("cfn-lint==")
    }) {
        report.fail(
            case,
            "make lint does not install the pinned validators on first use",
        );
    }
    let readme = file_text(&case.tree, "README.md").unwrap_or_default();
    for said in [MAKE_TEST_README, MAKE_LINT_README] {
        if !readme.contains(said) {
            report.fail(case, format!("README.md does not say {said:?}"));
        }
    }
}

/// What every README says `make test` does.
pub(super) const MAKE_TEST_README: &str = "`make test` runs the handler unit tests";
/// What every README says `make lint` does.
pub(super) const MAKE_LINT_README: &str =
    "`make lint` runs cfn-lint, the SAM transform and checkov";

/// Ways of telling how answers change that are not true (or not the same everywhere).
const STALE_ANSWER_PHRASES: [&str; 5] = [
    "making the project again",
    "rendering again",
    "re-render",
    "`pave update` can change them",
    "render with `",
];

pub(super) fn check_readme_changing_answers(case: &Case, report: &mut Report) {
    let readme = file_text(&case.tree, "README.md").unwrap_or_default();
    report.checked += 1;
    if !readme.contains("pave update --set") {
        report.fail(
            case,
            "README.md does not say that `pave update --set key=value` changes an answer",
        );
    }
    for phrase in STALE_ANSWER_PHRASES {
        if readme.contains(phrase) {
            report.fail(case, format!("README.md still says {phrase:?}"));
        }
    }
}

/// Whether a name reads like a credential to a keyword scanner.
fn credential_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["TOKEN", "SECRET", "PASSWORD", "KEY"]
        .iter()
        .any(|w| upper.contains(w))
}

/// A literal scalar (not `!Ref`, `!Sub` or any other intrinsic, which parse as tagged values
/// or mappings).
fn literal(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn check_no_credential_like_literals(case: &Case, report: &mut Report) {
    for (id, _, props) in case.resources() {
        let Some(Value::Mapping(vars)) =
            field(props, "Environment").and_then(|e| field(e, "Variables"))
        else {
            continue;
        };
        for (name, value) in vars {
            let name = name.as_str().unwrap_or("?");
            report.checked += 1;
            if credential_like(name)
                && let Some(v) = literal(value)
            {
                report.fail(
                    case,
                    format!("{id}: environment variable {name} holds the literal {v:?}; give it a name a secret scanner does not read as a credential"),
                );
            }
        }
    }
    if let Some(Value::Mapping(params)) = field(&case.template, "Parameters") {
        for (name, param) in params {
            let name = name.as_str().unwrap_or("?");
            report.checked += 1;
            if credential_like(name)
                && let Some(v) = field(param, "Default").and_then(literal)
            {
                report.fail(
                    case,
                    format!("parameter {name} has the literal default {v:?}; give it a name a secret scanner does not read as a credential"),
                );
            }
        }
    }
    let samconfig = file_text(&case.tree, "samconfig.toml").unwrap_or_default();
    for line in samconfig.lines().filter(|l| l.contains('=')) {
        for pair in line.split_whitespace() {
            let pair = pair.trim_matches(|c| c == '"' || c == '\\');
            if let Some((name, value)) = pair.split_once('=')
                && !value.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric())
                && credential_like(name)
            {
                report.fail(
                    case,
                    format!("samconfig.toml sets {name}={value}; give it a name a secret scanner does not read as a credential"),
                );
            }
        }
    }
}

#[test]
fn projects_name_their_own_blueprint_version_and_no_older_one() {
    assert_all("the blueprint's own version", check_own_version);
}

#[test]
fn make_test_runs_only_the_handler_tests_and_make_lint_the_validators() {
    assert_all("make test and make lint", check_make_test_and_lint);
}

#[test]
fn readmes_say_answers_change_with_pave_update_set() {
    assert_all("changing answers", check_readme_changing_answers);
}

#[test]
fn no_credential_like_name_holds_a_literal_value() {
    assert_all(
        "credential-like names with literal values",
        check_no_credential_like_literals,
    );
}
