//! Resolving answers: from `--set` pairs, an answers file, defaults (templates over earlier
//! answers) and, on a terminal, a [`Prompter`]; each typed and validated against its parameter,
//! then the manifest's cross-parameter `rules` checked. The result is [`Answers`].

use crate::error::{Classify, ErrorKind};
use crate::manifest::{Manifest, ParamType, Parameter};
use crate::template::{Engine, TemplateError};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Resolved answers, in parameter order. Parameters whose `when` was false are `null`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    values: Map<String, Value>,
    secrets: BTreeSet<String>,
}

impl Answers {
    /// The rendering context: every parameter, `null` where skipped.
    pub fn context(&self) -> Value {
        Value::Object(self.values.clone())
    }

    /// The answers to record in `.pave.yaml`: no secrets, no skipped parameters.
    pub fn recorded(&self) -> Map<String, Value> {
        self.values
            .iter()
            .filter(|(k, v)| !v.is_null() && !self.secrets.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// One answer.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Whether `name` is a secret.
    pub fn is_secret(&self, name: &str) -> bool {
        self.secrets.contains(name)
    }
}

/// What the user supplied without prompts.
#[derive(Debug, Clone, Default)]
pub struct Supplied {
    /// `--set key=value` pairs, in order (later wins).
    pub set: Vec<(String, String)>,
    /// An answers file's mapping.
    pub file: Map<String, Value>,
    /// Take every default without asking.
    pub defaults: bool,
}

/// Asks for one answer on a terminal.
pub trait Prompter {
    /// Asks for `param`, offering `default`; the answer must be typed for the parameter
    /// (the prompter re-asks until [`Parameter::validate`] accepts it).
    fn ask(&mut self, param: &Parameter, default: Option<&Value>) -> Result<Value, AnswerError>;
}

/// A parameter that still needs an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    /// The parameter.
    pub name: String,
    /// Its type.
    pub kind: ParamType,
    /// Its help or prompt.
    pub help: String,
    /// Example value for the fix line.
    pub example: String,
}

/// Why answers could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// A supplied key is not a parameter.
    #[error("unknown parameter `{name}` (from {source_name}){}", match .closest { Some(c) => format!("; did you mean `{c}`?"), None => format!("; parameters: {}", .known.join(", ")) })]
    Unknown {
        /// The key.
        name: String,
        /// `--set` or the answers file.
        source_name: String,
        /// The closest parameter.
        closest: Option<String>,
        /// All parameters.
        known: Vec<String>,
    },
    /// `--set` without `=`.
    #[error("`--set {0}` is not key=value")]
    BadSet(String),
    /// Values that do not fit their parameters.
    #[error("invalid answer(s):\n{}", .0.iter().map(|(n, m)| format!("  - {n}: {m}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<(String, String)>),
    /// Required answers missing with no terminal to ask on.
    #[error("missing answer(s) for {}:\n{}\n  fix: {}", .0.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "), .0.iter().map(|m| format!("  - {} ({}): {}", m.name, m.kind.as_str(), m.help)).collect::<Vec<_>>().join("\n"), .0.iter().map(|m| format!("--set {}={}", m.name, m.example)).collect::<Vec<_>>().join(" "))]
    Missing(Vec<Missing>),
    /// The answers break the blueprint's rules.
    #[error("the answers are rejected by the blueprint's rules:\n{}", .0.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n"))]
    Rules(Vec<String>),
    /// A default or condition failed to render.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The prompt failed (terminal closed, interrupted).
    #[error("prompt failed: {0}")]
    Prompt(String),
}

impl AnswerError {
    /// Whether the user's command line is at fault (usage error) rather than the blueprint or
    /// the environment.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            AnswerError::Unknown { .. }
                | AnswerError::BadSet(_)
                | AnswerError::Invalid(_)
                | AnswerError::Missing(_)
        )
    }
}

/// Splits `key=value`.
pub fn parse_set(text: &str) -> Result<(String, String), AnswerError> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(AnswerError::BadSet(text.to_string())),
    }
}

/// Reads an answers file's text: a mapping of answers, or a document with an `answers:`
/// mapping (a `.pave.yaml` or a blueprint test case).
pub fn parse_answers_file(
    src: &str,
    file: &str,
) -> Result<Map<String, Value>, crate::yaml::YamlError> {
    let doc: Value = crate::yaml::parse(src, file)?;
    match doc {
        Value::Object(mut map) => match map.remove("answers") {
            Some(Value::Object(answers)) => Ok(answers),
            Some(_) => Err(crate::yaml::YamlError {
                file: file.to_string(),
                line: crate::yaml::locate(src, "answers:").map(|p| p.0),
                column: None,
                message: String::from("`answers` must be a mapping of parameter: value"),
                hint: None,
            }),
            None => Ok(map),
        },
        Value::Null => Ok(Map::new()),
        _ => Err(crate::yaml::YamlError {
            file: file.to_string(),
            line: Some(1),
            column: Some(1),
            message: String::from("an answers file must be a mapping of parameter: value"),
            hint: Some(String::from("e.g. `project_name: my-service`")),
        }),
    }
}

/// Resolves every parameter of `manifest`, in order.
///
/// Supplied values win; then, with a prompter (a terminal) and unless `defaults` is set, the
/// user is asked; otherwise the default is taken. Parameters that still have no answer are all
/// reported together. Finally the manifest's rules are checked.
pub fn resolve(
    manifest: &Manifest,
    engine: &Engine,
    supplied: &Supplied,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<Answers, AnswerError> {
    let known: Vec<String> = manifest.parameters.iter().map(|p| p.name.clone()).collect();
    let unknown = |name: &str, source_name: &str| AnswerError::Unknown {
        name: name.to_string(),
        source_name: source_name.to_string(),
        closest: crate::yaml::closest(name, known.iter().map(String::as_str)).map(str::to_string),
        known: known.clone(),
    };
    for (key, _) in &supplied.set {
        if !known.contains(key) {
            return Err(unknown(key, "--set"));
        }
    }
    for key in supplied.file.keys() {
        if !known.contains(key) {
            return Err(unknown(key, "the answers file"));
        }
    }

    let mut answers = Answers::default();
    let mut invalid = Vec::new();
    let mut missing = Vec::new();
    for param in &manifest.parameters {
        let ctx = answers.context();
        if let Some(when) = &param.when
            && !engine.truthy(
                &format!("blueprint.yaml parameter `{}` when", param.name),
                when,
                &ctx,
            )?
        {
            answers.values.insert(param.name.clone(), Value::Null);
            continue;
        }
        if param.kind == ParamType::Secret {
            answers.secrets.insert(param.name.clone());
        }
        let given = supplied
            .set
            .iter()
            .rev()
            .find(|(k, _)| *k == param.name)
            .map(|(_, v)| param.parse_input(v))
            .or_else(|| supplied.file.get(&param.name).map(|v| param.coerce(v)));
        let value = match given {
            Some(Ok(value)) => Some(value),
            Some(Err(e)) => {
                invalid.push((param.name.clone(), e));
                None
            }
            None => {
                let default = default_value(engine, param, &ctx)?;
                match prompter.as_deref_mut() {
                    Some(p) if !(supplied.defaults && default.is_some()) => {
                        Some(p.ask(param, default.as_ref())?)
                    }
                    _ => default,
                }
            }
        };
        match value {
            Some(value) => {
                if let Err(e) = param.validate(&value) {
                    invalid.push((param.name.clone(), e));
                }
                answers.values.insert(param.name.clone(), value);
            }
            None => {
                if !invalid.iter().any(|(n, _)| *n == param.name) {
                    missing.push(missing_entry(param));
                }
                answers.values.insert(param.name.clone(), Value::Null);
            }
        }
    }
    if !invalid.is_empty() {
        return Err(AnswerError::Invalid(invalid));
    }
    if !missing.is_empty() {
        return Err(AnswerError::Missing(missing));
    }
    check_rules(manifest, engine, &answers)?;
    Ok(answers)
}

/// Checks the manifest's rules against complete answers.
pub fn check_rules(
    manifest: &Manifest,
    engine: &Engine,
    answers: &Answers,
) -> Result<(), AnswerError> {
    let ctx = answers.context();
    let mut broken = Vec::new();
    for (i, rule) in manifest.rules.iter().enumerate() {
        if engine.truthy(&format!("blueprint.yaml rules[{i}].when"), &rule.when, &ctx)? {
            broken.push(engine.render_str(
                &format!("blueprint.yaml rules[{i}].error"),
                &rule.error,
                &ctx,
            )?);
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(AnswerError::Rules(broken))
    }
}

/// A parameter's default, rendered over earlier answers and typed.
pub fn default_value(
    engine: &Engine,
    param: &Parameter,
    ctx: &Value,
) -> Result<Option<Value>, AnswerError> {
    let Some(default) = &param.default else {
        return Ok(None);
    };
    let default = match default {
        Value::String(s) => Value::String(engine.render_str(
            &format!("blueprint.yaml parameter `{}` default", param.name),
            s,
            ctx,
        )?),
        other => other.clone(),
    };
    param
        .coerce(&default)
        .map(Some)
        .map_err(|e| AnswerError::Invalid(vec![(param.name.clone(), format!("default: {e}"))]))
}

fn missing_entry(param: &Parameter) -> Missing {
    let example = match param.kind {
        ParamType::Choice => param.choices.first().cloned().unwrap_or_default(),
        ParamType::Multichoice => param
            .choices
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join(","),
        ParamType::Boolean => String::from("true"),
        ParamType::Integer => param.min.unwrap_or(1).to_string(),
        ParamType::String | ParamType::Secret => String::from("..."),
    };
    Missing {
        name: param.name.clone(),
        kind: param.kind,
        help: param
            .help
            .clone()
            .unwrap_or_else(|| param.prompt_text().to_string()),
        example,
    }
}

impl Classify for AnswerError {
    fn kind(&self) -> ErrorKind {
        match self {
            AnswerError::Template(e) => e.kind(),
            _ if self.is_usage() => ErrorKind::Usage,
            _ => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            AnswerError::Unknown {
                closest: Some(c), ..
            } => Some(format!("did you mean `{c}`?")),
            AnswerError::Unknown { known, .. } => Some(format!("parameters: {}", known.join(", "))),
            AnswerError::BadSet(_) => Some(String::from("write it as --set key=value")),
            AnswerError::Missing(missing) => Some(
                missing
                    .iter()
                    .map(|m| format!("--set {}={}", m.name, m.example))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AnswerError::Template(e) => e.hint(),
            AnswerError::Invalid(_) | AnswerError::Rules(_) | AnswerError::Prompt(_) => None,
        }
    }
}
