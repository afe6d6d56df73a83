//! `pave blueprint lint`: static checks of a blueprint. Every template parses; every variable
//! used in templates, paths and expressions is a declared parameter; every partial and helper
//! exists; every parameter is used (warning); every default satisfies its own validation and,
//! for every combination of the choices asked before it, the rules (`defaults`); no template
//! file spells out the blueprint's own version (warning); every example answer set is valid.
//! Findings carry file and line.

use crate::answers::{self, Supplied};
use crate::blueprint::{Blueprint, Entry, TestCase};
use crate::manifest::ParamType;
use crate::render::{PAVE_VARIABLES, TEMPLATE_SUFFIX, VERSION_VARIABLE};
use crate::template::refs::{self as vars, Refs};
use crate::template::{Engine, HELPERS};
use std::collections::BTreeSet;
use std::fmt;

mod defaults;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The blueprint is broken.
    Error,
    /// Probably a mistake.
    Warning,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The blueprint file (relative to its folder), with `:line:column` when known.
    pub at: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{word}: {}: {}", self.at, self.message)
    }
}

/// Every finding, errors first.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The findings.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many errors.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    pub(crate) fn error(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.findings.push(Finding {
            severity: Severity::Error,
            at: at.into(),
            message: message.into(),
        });
    }

    pub(crate) fn warning(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.findings.push(Finding {
            severity: Severity::Warning,
            at: at.into(),
            message: message.into(),
        });
    }
}

/// Lints a loaded blueprint (loading already checked the manifest's own format).
pub fn lint(bp: &Blueprint) -> Report {
    let mut report = Report::default();
    let declared: BTreeSet<&str> = bp
        .manifest
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let is_helper = |n: &str| HELPERS.contains(&n);

    // Templates, paths, partials, `files` rules and next steps also see pave's own variables
    // (the blueprint's name and version); answers, defaults and rules do not.
    let check_in = |report: &mut Report,
                    file: &str,
                    src: &str,
                    used: &mut BTreeSet<String>,
                    pave_variables: bool| {
        // In pieces, as rendering compiles a file (see `template::compile_file`).
        let pieces = match crate::template::compile_file(file, src) {
            Ok(pieces) => pieces,
            Err(e) => {
                let at = match (e.line, e.column) {
                    (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                    _ => file.to_string(),
                };
                report.error(at, format!("does not parse: {}", e.message));
                return;
            }
        };
        let Refs {
            variables,
            partials,
            unknown_helpers,
            ..
        } = vars::refs_in_pieces(&pieces, &is_helper);
        for h in unknown_helpers {
            let hint = crate::yaml::closest(&h.name, HELPERS.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_else(|| format!("; known helpers: {}", HELPERS.join(", ")));
            report.error(
                format!("{file}:{}:{}", h.line, h.column),
                format!("`{}` is not a known helper{hint}", h.name),
            );
        }
        for v in variables {
            if PAVE_VARIABLES.contains(&v.name.as_str()) {
                if !pave_variables {
                    report.error(
                        format!("{file}:{}:{}", v.line, v.column),
                        format!(
                            "`{}` is only known in templates, file paths, `files` rules and next_steps, not while answers are resolved",
                            v.name
                        ),
                    );
                }
                continue;
            }
            if !declared.contains(v.name.as_str()) {
                let hint = crate::yaml::closest(&v.name, declared.iter().copied())
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_else(|| {
                        String::from("; declare it under `parameters` or fix the name")
                    });
                report.error(
                    format!("{file}:{}:{}", v.line, v.column),
                    format!("`{}` is not a declared parameter{hint}", v.name),
                );
            }
            used.insert(v.name);
        }
        for p in partials {
            if !bp.partials.contains_key(&p.name) {
                report.error(
                    format!("{file}:{}:{}", p.line, p.column),
                    format!(
                        "partial `{}` does not exist (add partials/{}.hbs)",
                        p.name, p.name
                    ),
                );
            }
        }
    };
    let check = |report: &mut Report, file: &str, src: &str, used: &mut BTreeSet<String>| {
        check_in(report, file, src, used, true)
    };
    let check_answers =
        |report: &mut Report, file: &str, src: &str, used: &mut BTreeSet<String>| {
            check_in(report, file, src, used, false)
        };

    for (path, entry) in &bp.template {
        let file = format!("template/{path}");
        if path.contains("{{") {
            check(&mut report, &format!("{file} (path)"), path, &mut used);
        }
        if let (true, Entry::File { data, .. }) = (path.ends_with(TEMPLATE_SUFFIX), entry) {
            match std::str::from_utf8(data) {
                Ok(src) => check(&mut report, &file, src, &mut used),
                Err(_) => report.error(file, "a .hbs template must be UTF-8 text"),
            }
        }
    }
    for (name, src) in &bp.partials {
        check(&mut report, &format!("partials/{name}.hbs"), src, &mut used);
    }
    let m = &bp.manifest;
    for p in &m.parameters {
        if let Some(when) = &p.when {
            check_answers(
                &mut report,
                &format!("blueprint.yaml (parameter {} when)", p.name),
                when,
                &mut used,
            );
        }
        if let Some(serde_json::Value::String(default)) = &p.default {
            check_answers(
                &mut report,
                &format!("blueprint.yaml (parameter {} default)", p.name),
                default,
                &mut used,
            );
        }
    }
    for rule in &m.files {
        check(
            &mut report,
            &format!("blueprint.yaml (files {} when)", rule.path),
            &rule.when,
            &mut used,
        );
        // Matched as rendering matches it (`*` stays within a folder).
        if let Ok(glob) = crate::manifest::FileGlob::new(&rule.path)
            && !bp.template.keys().any(|k| glob.is_match(k))
        {
            report.warning(
                "blueprint.yaml",
                format!("files: `{}` matches no file under template/", rule.path),
            );
        }
    }
    for (i, rule) in m.rules.iter().enumerate() {
        check_answers(
            &mut report,
            &format!("blueprint.yaml (rules[{i}] when)"),
            &rule.when,
            &mut used,
        );
        check_answers(
            &mut report,
            &format!("blueprint.yaml (rules[{i}] error)"),
            &rule.error,
            &mut used,
        );
    }
    if let Some(steps) = &m.next_steps {
        check(&mut report, "blueprint.yaml (next_steps)", steps, &mut used);
    }
    for p in &m.parameters {
        if !used.contains(&p.name) {
            report.warning(
                "blueprint.yaml",
                format!(
                    "parameter `{}` is never used in a template, path or expression",
                    p.name
                ),
            );
        }
    }
    check_defaults(bp, &mut report);
    defaults::check_against_rules(bp, &mut report);
    check_version_literals(bp, &mut report);
    check_cases(bp, &mut report);
    report.findings.sort_by_key(|a| a.severity);
    report
}

/// Every default, rendered over the defaults before it, satisfies its own validation.
fn check_defaults(bp: &Blueprint, report: &mut Report) {
    let Ok(engine) = Engine::new(&bp.partials) else {
        return;
    };
    let mut ctx = serde_json::Map::new();
    for p in &bp.manifest.parameters {
        let value =
            match answers::default_value(&engine, p, &serde_json::Value::Object(ctx.clone())) {
                Ok(v) => v,
                Err(e) => {
                    report.error(
                        "blueprint.yaml",
                        format!("parameter `{}`: default: {e}", p.name),
                    );
                    None
                }
            };
        if let Some(v) = &value
            && let Err(e) = p.validate(v)
        {
            report.error(
                "blueprint.yaml",
                format!(
                    "parameter `{}`: the default does not satisfy its own validation: {e}",
                    p.name
                ),
            );
        }
        if p.kind == ParamType::Secret && p.default.is_some() {
            report.error(
                "blueprint.yaml",
                format!("parameter `{}`: a secret cannot have a default", p.name),
            );
        }
        ctx.insert(p.name.clone(), value.unwrap_or(serde_json::Value::Null));
    }
}

/// Every `tests/<case>.yaml` parses; valid cases resolve to complete answers that pass the
/// rules; `expect_error` cases use known parameters.
fn check_cases(bp: &Blueprint, report: &mut Report) {
    if bp.tests.is_empty() {
        report.warning("tests/", "no example answer sets: add tests/<case>.yaml so `pave blueprint test` has something to render");
    }
    let Ok(engine) = Engine::new(&bp.partials) else {
        return;
    };
    for (name, src) in &bp.tests {
        let file = format!("tests/{name}.yaml");
        let case: TestCase = match crate::yaml::parse(src, &file) {
            Ok(c) => c,
            Err(e) => {
                report.error(
                    file,
                    e.to_string()
                        .split_once(": ")
                        .map_or(e.to_string(), |(_, m)| m.to_string()),
                );
                continue;
            }
        };
        let supplied = Supplied {
            file: case.answers,
            defaults: true,
            ..Supplied::default()
        };
        let result = answers::resolve(&bp.manifest, &engine, &supplied, None);
        match (&case.expect_error, result) {
            (None, Err(e)) => report.error(file, format!("the answers are not valid: {e}")),
            (Some(_), Err(e @ answers::AnswerError::Unknown { .. })) => {
                report.error(file, e.to_string())
            }
            _ => {}
        }
    }
}

/// A template file or partial that holds the manifest's version literally goes stale at the
/// next release: each line that does is a warning, with `{{_version}}` as the fix.
fn check_version_literals(bp: &Blueprint, report: &mut Report) {
    let version = bp.manifest.version.to_string();
    let files = bp
        .template
        .iter()
        .filter_map(|(path, entry)| match entry {
            Entry::File { data, .. } => Some((format!("template/{path}"), data.as_ref())),
            Entry::Symlink { .. } => None,
        })
        .chain(
            bp.partials
                .iter()
                .map(|(name, src)| (format!("partials/{name}.hbs"), src.as_bytes())),
        );
    for (file, data) in files {
        let Ok(text) = std::str::from_utf8(data) else {
            continue;
        };
        let rendered = file.ends_with(TEMPLATE_SUFFIX);
        for (n, line) in text.lines().enumerate() {
            if let Some(column) = find_version(line, &version) {
                let fix = if rendered {
                    format!("write `{{{{{VERSION_VARIABLE}}}}}` instead")
                } else {
                    format!(
                        "rename the file to end in {TEMPLATE_SUFFIX} and write `{{{{{VERSION_VARIABLE}}}}}` instead"
                    )
                };
                report.warning(
                    format!("{file}:{}:{}", n + 1, column + 1),
                    format!(
                        "holds the blueprint's version {version} literally, which goes stale at the next release; {fix}"
                    ),
                );
            }
        }
    }
}

/// Where `version` stands alone in `line` (not inside a longer version such as `11.2.0` or
/// `1.2.0.1`), as a byte offset.
fn find_version(line: &str, version: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let digit_at = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let dot_at = |i: Option<usize>| i.and_then(|i| bytes.get(i)) == Some(&b'.');
    line.match_indices(version).map(|(i, _)| i).find(|&i| {
        let end = i + version.len();
        let before = i.checked_sub(1);
        let joined_before = digit_at(before) || (dot_at(before) && digit_at(i.checked_sub(2)));
        let joined_after = digit_at(Some(end)) || (dot_at(Some(end)) && digit_at(Some(end + 1)));
        !joined_before && !joined_after
    })
}

#[cfg(test)]
mod tests {
    use super::find_version;

    #[test]
    fn a_version_is_found_only_where_it_stands_alone() {
        assert_eq!(find_version("version 1.1.0 here", "1.1.0"), Some(8));
        assert_eq!(find_version("\"version\": \"1.1.0\",", "1.1.0"), Some(12));
        assert_eq!(find_version("v1.1.0.", "1.1.0"), Some(1));
        for other in ["11.1.0", "1.1.01", "1.1.0.2", "2.1.1.0", "cfn-lint==1.58.0"] {
            assert_eq!(find_version(other, "1.1.0"), None, "{other}");
        }
    }
}
