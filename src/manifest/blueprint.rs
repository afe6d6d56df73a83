//! `blueprint.yaml`: a blueprint's name, version, parameters (with types and validation),
//! conditional files, cross-parameter rules and author checks; plus the typing of one answer
//! (parsing `--set` text, coercing YAML values, validating against the parameter).

use super::{ManifestError, Problems};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A blueprint manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `pave/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// The blueprint's name.
    pub name: String,
    /// Its version.
    pub version: semver::Version,
    /// One line for `pave list`.
    pub summary: String,
    /// Longer text for `pave show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Parameters, in prompt order.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// Conditions on template files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRule>,
    /// Checks across answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Commands `pave blueprint test` runs inside each rendered example.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// What to do after `pave new`, one step a line: a template over the answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_steps: Option<String>,
    /// Where the blueprint was extracted from, when that was a pave project:
    /// `<registry>/<blueprint>@<version>`. Information only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<String>,
}

/// One question a blueprint asks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The answer's key, as used in templates and `--set`.
    pub name: String,
    /// How the answer is typed.
    #[serde(rename = "type", default)]
    pub kind: ParamType,
    /// The question shown on a terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// A longer explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The default; a string default is a template over earlier answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// A regular expression the whole value must match (string and secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Smallest allowed value (integer), or shortest length in characters (string, secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest allowed value (integer), or longest length in characters (string, secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Allowed values (choice and multichoice).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// A condition over earlier answers; when false the parameter is neither asked nor recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Names this parameter had in earlier versions: a rename listed here is not a breaking
    /// change, and an update carries the old answer over to the new name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Free text, optionally matched against `pattern`.
    #[default]
    String,
    /// A whole number within `min`..=`max`.
    Integer,
    /// true or false.
    Boolean,
    /// One of `choices`.
    Choice,
    /// Any subset of `choices`.
    Multichoice,
    /// Text asked with hidden input and never recorded.
    Secret,
}

impl ParamType {
    /// The lower-case name used in manifests and output.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Boolean => "boolean",
            ParamType::Choice => "choice",
            ParamType::Multichoice => "multichoice",
            ParamType::Secret => "secret",
        }
    }
}

/// A condition on template files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    /// A glob over paths under `template/`, before rendering.
    pub path: String,
    /// The files are rendered only when this is true.
    pub when: String,
}

/// A check across answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The answers are rejected when this is true.
    pub when: String,
    /// What the user is told.
    pub error: String,
}

fn template_problem(expr: &str) -> Option<String> {
    handlebars::template::Template::compile(expr)
        .err()
        .map(|e| e.to_string())
}

/// Parses and validates a `blueprint.yaml`.
pub fn parse_manifest(src: &str, file: &str) -> Result<Manifest, ManifestError> {
    parse_manifest_prepared(src, None, file)
}

/// [`parse_manifest`], reading `prepared` (the same document as JSON, made at build time) in
/// place of the YAML when it reads. The checks are the same, except that a prepared manifest's
/// patterns are compiled when an answer needs them rather than now, and its literal defaults
/// are not checked against them again: it is a built-in one, and the test suite checks every
/// built-in manifest as YAML (patterns and defaults included) and lints it.
pub fn parse_manifest_prepared(
    src: &str,
    prepared: Option<&str>,
    file: &str,
) -> Result<Manifest, ManifestError> {
    let (manifest, checked_before): (Manifest, _) =
        crate::yaml::parse_prepared(src, prepared, file)?;
    let mut problems = Problems::new(src);
    problems.api_version(&manifest.api_version);
    if let Err(e) = crate::names::blueprint(&manifest.name) {
        problems.push("name:", format!("name {e}"));
    }
    let mut seen: Vec<&str> = Vec::new();
    for param in &manifest.parameters {
        let at = format!("name: {}", param.name);
        check_parameter(param, &seen, &at, !checked_before, &mut problems);
        seen.push(&param.name);
    }
    check_renames(&manifest.parameters, &mut problems);
    for rule in &manifest.files {
        if let Err(e) = globset::Glob::new(&rule.path) {
            problems.push(
                &rule.path,
                format!("files: `{}` is not a valid glob: {e}", rule.path),
            );
        }
        if let Some(e) = template_problem(&rule.when) {
            problems.push(
                &rule.when,
                format!("files: `when` of `{}` does not parse: {e}", rule.path),
            );
        }
    }
    if let Some(steps) = &manifest.next_steps
        && let Some(e) = template_problem(steps)
    {
        problems.push("next_steps", format!("next_steps does not parse: {e}"));
    }
    for rule in &manifest.rules {
        if let Some(e) = template_problem(&rule.when) {
            problems.push(&rule.when, format!("rules: `when` does not parse: {e}"));
        }
        if rule.error.trim().is_empty() {
            problems.push(
                "error:",
                "rules: `error` must say why the answers are rejected",
            );
        }
    }
    problems.finish(file)?;
    Ok(manifest)
}

/// `renamed_from`: each old name is a valid parameter name, is not a parameter of this version,
/// and is claimed by one parameter only.
fn check_renames(params: &[Parameter], problems: &mut Problems<'_>) {
    let mut claimed: Vec<(&str, &str)> = Vec::new();
    for param in params {
        let at = format!("name: {}", param.name);
        for old in &param.renamed_from {
            if crate::names::parameter(old).is_err() {
                problems.push(
                    &at,
                    format!("parameter `{}`: renamed_from `{old}` is not a parameter name (lower-case letters, digits and `_`, starting with a letter)", param.name),
                );
            }
            if params.iter().any(|p| &p.name == old) {
                problems.push(
                    &at,
                    format!("parameter `{}`: renamed_from `{old}` is still a parameter of this version; remove one of them", param.name),
                );
            }
            if let Some((_, other)) = claimed.iter().find(|(o, _)| o == old) {
                problems.push(
                    &at,
                    format!("parameter `{}`: renamed_from `{old}` is also claimed by `{other}`; an old name can go to one parameter only", param.name),
                );
            }
            claimed.push((old, &param.name));
        }
    }
}

/// `compile`: whether the pattern is compiled and a literal default checked against it (not
/// for a prepared manifest, see [`parse_manifest_prepared`]).
fn check_parameter(
    param: &Parameter,
    earlier: &[&str],
    at: &str,
    compile: bool,
    problems: &mut Problems<'_>,
) {
    let name = &param.name;
    if let Err(e) = crate::names::parameter(name) {
        problems.push(at, e.to_string());
    }
    if name == "answers" {
        problems.push(
            at,
            "parameter name `answers` is reserved (answers files use it as a key)",
        );
    }
    if earlier.contains(&name.as_str()) {
        problems.push(at, format!("parameter `{name}` is declared twice"));
    }
    // Each problem below is the parameter's own, said after its name.
    let mut bad = |what: &str| problems.push(at, format!("parameter `{name}`: {what}"));
    let kind = param.kind;
    let has_choices = matches!(kind, ParamType::Choice | ParamType::Multichoice);
    if has_choices && param.choices.is_empty() {
        bad(&format!("type {} needs `choices`", kind.as_str()));
    }
    if !has_choices && !param.choices.is_empty() {
        bad("`choices` only applies to choice and multichoice");
    }
    if param.pattern.is_some() && !matches!(kind, ParamType::String | ParamType::Secret) {
        bad("`pattern` only applies to string and secret");
    }
    if let Some(pattern) = &param.pattern
        && compile
        && let Err(e) = super::pattern::anchored(pattern)
    {
        bad(&format!("pattern does not compile: {e}"));
    }
    if (param.min.is_some() || param.max.is_some())
        && !matches!(
            kind,
            ParamType::Integer | ParamType::String | ParamType::Secret
        )
    {
        bad("`min`/`max` only apply to integer (value) and string or secret (length)");
    }
    if let (Some(min), Some(max)) = (param.min, param.max)
        && min > max
    {
        bad(&format!("min {min} is greater than max {max}"));
    }
    if let Some(when) = &param.when
        && let Some(e) = template_problem(when)
    {
        bad(&format!("`when` does not parse: {e}"));
    }
    match &param.default {
        Some(Value::String(s)) if s.contains("{{") => {
            if let Some(e) = template_problem(s) {
                bad(&format!("default does not parse: {e}"));
            }
        }
        Some(value) => {
            if kind == ParamType::Secret {
                bad("a secret cannot have a default");
            } else if compile && let Err(e) = param.coerce(value).and_then(|v| param.validate(&v)) {
                bad(&format!("default is not valid: {e}"));
            }
        }
        None => {}
    }
}

impl Parameter {
    /// Whether the default is a value as written (not a template over earlier answers): such a
    /// default was checked against the parameter when its manifest was.
    pub fn has_literal_default(&self) -> bool {
        self.default
            .as_ref()
            .is_some_and(|d| !d.as_str().is_some_and(|s| s.contains("{{")))
    }

    /// The question to show.
    pub fn prompt_text(&self) -> &str {
        self.prompt.as_deref().unwrap_or(&self.name)
    }

    /// Parses text typed on the command line or at a prompt into a typed value.
    pub fn parse_input(&self, text: &str) -> Result<Value, String> {
        match self.kind {
            ParamType::String | ParamType::Secret | ParamType::Choice => {
                Ok(Value::String(text.to_string()))
            }
            ParamType::Integer => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("`{text}` is not a whole number")),
            ParamType::Boolean => parse_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| format!("`{text}` is not a boolean (use true or false)")),
            ParamType::Multichoice => Ok(Value::Array(
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            )),
        }
    }

    /// Turns a value from an answers file (or a default) into this parameter's type.
    pub fn coerce(&self, value: &Value) -> Result<Value, String> {
        match (self.kind, value) {
            (_, Value::String(s)) => self.parse_input(s),
            (ParamType::Integer, Value::Number(n)) if n.is_i64() => Ok(value.clone()),
            (ParamType::Boolean, Value::Bool(_)) => Ok(value.clone()),
            (ParamType::Multichoice, Value::Array(items)) if items.iter().all(Value::is_string) => {
                Ok(value.clone())
            }
            (ParamType::String | ParamType::Choice, Value::Number(_) | Value::Bool(_)) => {
                Ok(Value::String(value.to_string()))
            }
            _ => Err(format!(
                "expected {}, found {}",
                self.kind.as_str(),
                describe(value)
            )),
        }
    }

    /// Checks a typed value against pattern, bounds and choices.
    pub fn validate(&self, value: &Value) -> Result<(), String> {
        match (self.kind, value) {
            (ParamType::String | ParamType::Secret, Value::String(s)) => {
                let length = s.chars().count() as i64;
                if let Some(min) = self.min.filter(|min| length < *min) {
                    return Err(format!(
                        "is {length} characters long, shorter than the minimum {min}"
                    ));
                }
                if let Some(max) = self.max.filter(|max| length > *max) {
                    return Err(format!(
                        "is {length} characters long, longer than the maximum {max}"
                    ));
                }
                if let Some(pattern) = &self.pattern
                    && !(s.is_empty() && super::pattern::allows_empty(pattern))
                {
                    let re = super::pattern::anchored(pattern).map_err(|e| e.to_string())?;
                    if !re.is_match(s) {
                        let shown = if self.kind == ParamType::Secret {
                            "the value"
                        } else {
                            s
                        };
                        return Err(format!("`{shown}` does not match the pattern {pattern}"));
                    }
                }
                Ok(())
            }
            (ParamType::Integer, Value::Number(n)) => {
                let n = n.as_i64().ok_or("expected a whole number")?;
                if let Some(min) = self.min.filter(|min| n < *min) {
                    return Err(format!("{n} is less than the minimum {min}"));
                }
                if let Some(max) = self.max.filter(|max| n > *max) {
                    return Err(format!("{n} is greater than the maximum {max}"));
                }
                Ok(())
            }
            (ParamType::Boolean, Value::Bool(_)) => Ok(()),
            (ParamType::Choice, Value::String(s)) => self.check_choice(s),
            (ParamType::Multichoice, Value::Array(items)) => items
                .iter()
                .try_for_each(|item| self.check_choice(item.as_str().unwrap_or_default())),
            _ => Err(format!(
                "expected {}, found {}",
                self.kind.as_str(),
                describe(value)
            )),
        }
    }

    fn check_choice(&self, s: &str) -> Result<(), String> {
        if self.choices.iter().any(|c| c == s) {
            return Ok(());
        }
        let mut msg = format!("`{s}` is not one of: {}", self.choices.join(", "));
        if let Some(best) = crate::yaml::closest(s, self.choices.iter().map(String::as_str)) {
            msg.push_str(&format!(" (did you mean `{best}`?)"));
        }
        Err(msg)
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" | "1" => Some(true),
        "false" | "no" | "n" | "off" | "0" => Some(false),
        _ => None,
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(kind: ParamType) -> Parameter {
        Parameter {
            name: "p".into(),
            kind,
            prompt: None,
            help: None,
            default: None,
            pattern: None,
            min: Some(1),
            max: Some(10),
            choices: vec!["a".into(), "b".into()],
            when: None,
            renamed_from: Vec::new(),
        }
    }

    #[test]
    fn renamed_from_is_checked() {
        let head = "apiVersion: pave/v1\nname: x\nversion: 1.0.0\nsummary: s\nparameters:\n";
        let ok = format!("{head}  - name: app\n    renamed_from: [project]\n");
        let m = parse_manifest(&ok, "blueprint.yaml").unwrap();
        assert_eq!(m.parameters[0].renamed_from, vec![String::from("project")]);
        for (params, want) in [
            (
                "  - name: app\n    renamed_from: [Bad]\n",
                "is not a parameter name",
            ),
            (
                "  - name: app\n    renamed_from: [other]\n  - name: other\n",
                "is still a parameter of this version",
            ),
            (
                "  - name: a\n    renamed_from: [old]\n  - name: b\n    renamed_from: [old]\n",
                "is also claimed by `a`",
            ),
        ] {
            let err = parse_manifest(&format!("{head}{params}"), "blueprint.yaml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{want}: {err}");
        }
    }

    #[test]
    fn a_prepared_manifest_compiles_its_patterns_when_an_answer_needs_them() {
        let yaml = "apiVersion: pave/v1\nname: x\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: a\n    pattern: '^$|[a-'\n";
        let err = parse_manifest(yaml, "blueprint.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("pattern does not compile"), "{err}");
        let json = r#"{"apiVersion":"pave/v1","name":"x","version":"1.0.0","summary":"s","parameters":[{"name":"a","pattern":"^$|[a-"}]}"#;
        let m = parse_manifest_prepared(yaml, Some(json), "blueprint.yaml").unwrap();
        let a = &m.parameters[0];
        // An empty answer to an optional pattern needs no regex; any other answer compiles it.
        assert_eq!(a.validate(&Value::from("")), Ok(()));
        let err = a.validate(&Value::from("b")).unwrap_err();
        assert!(err.contains("regex parse error"), "{err}");
        // A literal default against its pattern: checked with a YAML manifest, trusted in a
        // prepared one (built-in manifests are checked as YAML by the test suite).
        let yaml = "apiVersion: pave/v1\nname: x\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: a\n    pattern: '^b$'\n    default: c\n";
        let err = parse_manifest(yaml, "blueprint.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("default is not valid"), "{err}");
        let json = r#"{"apiVersion":"pave/v1","name":"x","version":"1.0.0","summary":"s","parameters":[{"name":"a","pattern":"^b$","default":"c"}]}"#;
        let m = parse_manifest_prepared(yaml, Some(json), "blueprint.yaml").unwrap();
        assert!(m.parameters[0].has_literal_default());
    }

    #[test]
    fn only_a_default_that_is_not_a_template_is_literal() {
        let mut p = param(ParamType::String);
        assert!(!p.has_literal_default());
        for (default, literal) in [
            (Value::from("x"), true),
            (Value::from(3), true),
            (Value::from("{{project_name}}-logs"), false),
        ] {
            p.default = Some(default);
            assert_eq!(p.has_literal_default(), literal, "{:?}", p.default);
        }
    }

    #[test]
    fn an_empty_answer_is_checked_against_a_pattern_that_does_not_allow_it() {
        let mut p = param(ParamType::String);
        p.min = None;
        p.pattern = Some(String::from("^x+$|^$y"));
        assert!(p.validate(&Value::from("")).is_err());
        p.pattern = Some(String::from("^$|^x+$"));
        assert_eq!(p.validate(&Value::from("")), Ok(()));
        assert_eq!(p.validate(&Value::from("xx")), Ok(()));
        assert!(p.validate(&Value::from("y")).is_err());
    }

    #[test]
    fn typed_inputs() {
        assert_eq!(
            param(ParamType::Integer).parse_input("7"),
            Ok(Value::from(7))
        );
        assert!(param(ParamType::Integer).parse_input("seven").is_err());
        assert_eq!(
            param(ParamType::Boolean).parse_input("yes"),
            Ok(Value::Bool(true))
        );
        assert!(param(ParamType::Boolean).parse_input("maybe").is_err());
        let multi = param(ParamType::Multichoice).parse_input("a, b").unwrap();
        assert_eq!(multi, serde_json::json!(["a", "b"]));
    }

    #[test]
    fn validation() {
        assert!(
            param(ParamType::Integer)
                .validate(&Value::from(11))
                .is_err()
        );
        assert!(param(ParamType::Integer).validate(&Value::from(10)).is_ok());
        let err = param(ParamType::Choice)
            .validate(&Value::from("c"))
            .unwrap_err();
        assert!(err.contains("not one of: a, b"), "{err}");
        let mut s = param(ParamType::String);
        s.pattern = Some("[a-z]+".into());
        assert!(s.validate(&Value::from("abc")).is_ok());
        assert!(
            s.validate(&Value::from("abc1")).is_err(),
            "pattern is anchored"
        );
    }

    #[test]
    fn min_and_max_bound_the_length_of_strings() {
        let mut s = param(ParamType::String);
        s.min = Some(2);
        s.max = Some(4);
        assert!(s.validate(&Value::from("ab")).is_ok());
        assert!(
            s.validate(&Value::from("éééé")).is_ok(),
            "characters, not bytes"
        );
        let short = s.validate(&Value::from("a")).unwrap_err();
        assert!(short.contains("shorter than the minimum 2"), "{short}");
        let long = s.validate(&Value::from("abcde")).unwrap_err();
        assert!(long.contains("longer than the maximum 4"), "{long}");
    }
}
