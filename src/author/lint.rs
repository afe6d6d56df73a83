//! `pave blueprint lint`: static checks of a blueprint. Every template parses; every variable
//! used in templates, paths and expressions is a declared parameter; every partial and helper
//! exists; every parameter is used (warning); every default satisfies its own validation;
//! every example answer set is valid. Findings carry file and line.

use crate::answers::{self, Supplied};
use crate::blueprint::{Blueprint, Entry, TestCase};
use crate::manifest::ParamType;
use crate::render::TEMPLATE_SUFFIX;
use crate::template::refs::{self as vars, Refs};
use crate::template::{Engine, HELPERS};
use std::collections::BTreeSet;
use std::fmt;

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

    fn error(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.findings.push(Finding {
            severity: Severity::Error,
            at: at.into(),
            message: message.into(),
        });
    }

    fn warning(&mut self, at: impl Into<String>, message: impl Into<String>) {
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

    let check = |report: &mut Report, file: &str, src: &str, used: &mut BTreeSet<String>| {
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
            check(
                &mut report,
                &format!("blueprint.yaml (parameter {} when)", p.name),
                when,
                &mut used,
            );
        }
        if let Some(serde_json::Value::String(default)) = &p.default {
            check(
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
        check(
            &mut report,
            &format!("blueprint.yaml (rules[{i}] when)"),
            &rule.when,
            &mut used,
        );
        check(
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
