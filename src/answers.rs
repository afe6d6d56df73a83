//! Resolving answers: from `--set` pairs, an answers file, defaults (templates over earlier
//! answers) and, on a terminal, a [`Prompter`]; each typed and validated against its parameter,
//! and the manifest's cross-parameter `rules` checked as soon as the answers they read are
//! known (on a terminal, the answer that broke a rule is asked again at once). The result is
//! [`Answers`]. [`ScriptedPrompter`] answers from a script instead of a terminal.

mod rules;
mod scripted;

pub use rules::RuleFailure;
pub use scripted::{Again, Asked, ScriptedPrompter};

use crate::error::{Classify, ErrorKind};
use crate::manifest::{Manifest, ParamType, Parameter};
use crate::template::{Engine, TemplateError, condition};
use rules::RuleBook;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Resolved answers, in parameter order. Parameters whose `when` was false are `null`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    values: Map<String, Value>,
    secrets: BTreeSet<String>,
    warnings: Vec<String>,
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

    /// What the user should know about how the answers were resolved (an answers file's key
    /// that was not used, ...), one sentence each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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
    /// The name of the folder the project is written to: the default for `project_name`
    /// when that parameter has none and the name is a valid answer for it.
    pub folder_name: Option<String>,
}

/// Asks for one answer on a terminal.
pub trait Prompter {
    /// Asks for `param`, offering `default`; the answer must be typed for the parameter
    /// (the prompter re-asks until [`Parameter::validate`] accepts it).
    fn ask(&mut self, param: &Parameter, default: Option<&Value>) -> Result<Value, AnswerError>;

    /// Tells the user that the answer just given for `param` breaks a rule (`message` is the
    /// rule's error); `param` is asked again right after.
    fn rejected(&mut self, param: &Parameter, message: &str) -> Result<(), AnswerError>;
}

/// The question shown for a parameter: its prompt, with its help in brackets.
pub fn question(param: &Parameter) -> String {
    match &param.help {
        Some(help) => format!("{} ({help})", param.prompt_text()),
        None => param.prompt_text().to_string(),
    }
}

/// A `--set` for a parameter that is not asked, because its `when` is false.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAsked {
    /// The parameter.
    pub name: String,
    /// Its `when`, in readable form (`waf=existing`).
    pub condition: String,
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
    /// Why the project folder's name could not be the answer (`project_name` only).
    pub folder: Option<String>,
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
    #[error("the answer `{0}` is not key=value")]
    BadSet(String),
    /// Values that do not fit their parameters.
    #[error("invalid answer(s):\n{}", .0.iter().map(|(n, m)| format!("  - {n}: {m}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<(String, String)>),
    /// Required answers missing with no terminal to ask on.
    #[error("missing answer(s) for {}:\n{}", .0.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "), .0.iter().map(|m| format!("  - {} ({}): {}{}", m.name, m.kind.as_str(), m.help, m.folder.as_deref().map(|f| format!("\n    {f}")).unwrap_or_default())).collect::<Vec<_>>().join("\n"))]
    Missing(Vec<Missing>),
    /// `--set` for parameters that are not used with the other answers.
    #[error("{}", .0.iter().map(|n| format!("{} is only used when {}", n.name, n.condition)).collect::<Vec<_>>().join("\n"))]
    NotAsked(Vec<NotAsked>),
    /// The answers break the blueprint's rules.
    #[error("{}", .0.iter().map(RuleFailure::to_string).collect::<Vec<_>>().join("\n"))]
    Rules(Vec<RuleFailure>),
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
                | AnswerError::NotAsked(_)
                | AnswerError::Rules(_)
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
/// user is asked; otherwise the default is taken. A `--set` for a parameter whose `when` is
/// false is an error, the same key in the answers file a warning; either value is still
/// validated. Each rule is checked once every answer it reads is known: with a prompter, an
/// answer just asked for that breaks a rule is refused and asked again; otherwise the
/// failure is reported with the `--set` that fixes it. Parameters that still have no answer
/// are all reported together.
pub fn resolve(
    manifest: &Manifest,
    engine: &Engine,
    supplied: &Supplied,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<Answers, AnswerError> {
    let known: Vec<String> = manifest.parameters.iter().map(|p| p.name.clone()).collect();
    let from_set = supplied.set.iter().map(|(key, _)| (key, "--set"));
    let from_file = supplied.file.keys().map(|key| (key, "the answers file"));
    if let Some((name, source_name)) = from_set.chain(from_file).find(|(k, _)| !known.contains(k)) {
        return Err(AnswerError::Unknown {
            name: name.clone(),
            source_name: source_name.to_string(),
            closest: crate::yaml::closest(name, known.iter().map(String::as_str))
                .map(str::to_string),
            known,
        });
    }
    let is_boolean = |name: &str| {
        manifest
            .parameters
            .iter()
            .any(|p| p.name == name && p.kind == ParamType::Boolean)
    };

    let mut rules = RuleBook::new(manifest)?;
    let mut answers = Answers::default();
    let mut decided = BTreeSet::new();
    let mut broken = Vec::new();
    let mut invalid = Vec::new();
    let mut missing = Vec::new();
    let mut not_asked = Vec::new();
    for param in &manifest.parameters {
        let ctx = answers.context();
        let set = supplied
            .set
            .iter()
            .rev()
            .find(|(k, _)| *k == param.name)
            .map(|(_, v)| param.parse_input(v));
        let filed = supplied.file.get(&param.name).map(|v| param.coerce(v));
        if let Some(when) = &param.when
            && !engine.truthy(
                &format!("blueprint.yaml parameter `{}` when", param.name),
                when,
                &ctx,
            )?
        {
            let condition = condition::describe(when, &is_boolean);
            let given = match (set, filed) {
                (Some(value), _) => {
                    not_asked.push(NotAsked {
                        name: param.name.clone(),
                        condition,
                    });
                    Some(value)
                }
                (None, Some(value)) => {
                    answers.warnings.push(format!(
                        "`{}` in the answers file is not used: {} is only used when {condition}",
                        param.name, param.name
                    ));
                    Some(value)
                }
                (None, None) => None,
            };
            if let Some(Err(e)) = given.map(|v| v.and_then(|v| param.validate(&v))) {
                invalid.push((param.name.clone(), e));
            }
            answers.values.insert(param.name.clone(), Value::Null);
            decided.insert(param.name.clone());
            broken.extend(
                rules
                    .check_ready(manifest, engine, &answers, &decided, false)?
                    .into_iter()
                    .map(|(_, f)| f),
            );
            continue;
        }
        if param.kind == ParamType::Secret {
            answers.secrets.insert(param.name.clone());
        }
        let given = set.or(filed);
        let was_given = given.is_some();
        let mut asked = false;
        let default = match given {
            Some(_) => None,
            None => default_for(engine, param, &ctx, supplied)?,
        };
        let value = match given {
            Some(Ok(value)) => Some(value),
            Some(Err(e)) => {
                invalid.push((param.name.clone(), e));
                None
            }
            None => match prompter.as_deref_mut() {
                Some(p) if !(supplied.defaults && default.is_some()) => {
                    asked = true;
                    Some(p.ask(param, default.as_ref())?)
                }
                _ => default.clone(),
            },
        };
        let Some(mut value) = value else {
            if !invalid.iter().any(|(n, _)| *n == param.name) {
                missing.push(missing_entry(param, supplied));
            }
            answers.values.insert(param.name.clone(), Value::Null);
            continue;
        };
        // The parameter's own literal default was checked with its manifest.
        let mut checked = !was_given && !asked && param.has_literal_default();
        loop {
            let valid = if checked {
                Ok(())
            } else {
                param.validate(&value)
            };
            checked = false;
            answers.values.insert(param.name.clone(), value);
            if let Err(e) = valid {
                invalid.push((param.name.clone(), e));
                break;
            }
            decided.insert(param.name.clone());
            let failures = rules.check_ready(manifest, engine, &answers, &decided, false)?;
            match prompter.as_deref_mut() {
                Some(p) if asked && !failures.is_empty() => {
                    for (i, failure) in &failures {
                        rules.uncheck(*i);
                        p.rejected(param, &failure.message)?;
                    }
                    value = p.ask(param, default.as_ref())?;
                }
                _ => {
                    broken.extend(failures.into_iter().map(|(_, f)| f));
                    break;
                }
            }
        }
    }
    if !invalid.is_empty() {
        return Err(AnswerError::Invalid(invalid));
    }
    if !not_asked.is_empty() {
        return Err(AnswerError::NotAsked(not_asked));
    }
    if !missing.is_empty() {
        return Err(AnswerError::Missing(missing));
    }
    // Rules that read something other than the parameters are checked last.
    broken.extend(
        rules
            .check_ready(manifest, engine, &answers, &decided, true)?
            .into_iter()
            .map(|(_, f)| f),
    );
    if !broken.is_empty() {
        return Err(AnswerError::Rules(broken));
    }
    Ok(answers)
}

/// The default offered for a parameter: its own, or for `project_name` without one, the
/// target folder's name when that is a valid answer.
fn default_for(
    engine: &Engine,
    param: &Parameter,
    ctx: &Value,
    supplied: &Supplied,
) -> Result<Option<Value>, AnswerError> {
    let own = default_value(engine, param, ctx)?;
    Ok(own.or_else(|| folder_answer(param, supplied)?.ok()))
}

/// For `project_name`, when a folder was named: the folder's name as its answer, or why it
/// cannot be.
fn folder_answer(param: &Parameter, supplied: &Supplied) -> Option<Result<Value, String>> {
    let folder = supplied.folder_name.as_deref()?;
    (param.name == "project_name").then(|| {
        let value = param.parse_input(folder)?;
        param.validate(&value).map(|()| value)
    })
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

fn missing_entry(param: &Parameter, supplied: &Supplied) -> Missing {
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
        folder: folder_refused(param, supplied),
    }
}

/// Why the project folder's name is not `project_name`'s answer, when a folder was named.
fn folder_refused(param: &Parameter, supplied: &Supplied) -> Option<String> {
    let folder = supplied.folder_name.as_deref()?;
    let why = folder_answer(param, supplied)?.err()?;
    Some(format!(
        "the folder name `{folder}` cannot be the answer: {why}"
    ))
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
            AnswerError::NotAsked(not_asked) => Some(format!(
                "remove {} or change the answers it depends on",
                not_asked
                    .iter()
                    .map(|n| format!("`--set {}=...`", n.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            AnswerError::Rules(failures) => {
                let fixes: Vec<String> = failures.iter().filter_map(RuleFailure::fix).collect();
                (!fixes.is_empty()).then(|| fixes.join("; "))
            }
            AnswerError::Invalid(_) | AnswerError::Prompt(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_manifest;

    const SITE: &str = "apiVersion: pave/v1\nname: site\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: project_name\n    prompt: Project name\n    help: lower case\n    pattern: '^[a-z][a-z0-9-]*$'\n  - name: waf\n    type: choice\n    choices: [none, create, existing]\n    default: none\n  - name: web_acl_arn\n    when: \"{{eq waf 'existing'}}\"\n  - name: region\n    default: eu-west-1\n  - name: logs\n    type: boolean\n    default: false\nrules:\n  - when: \"{{and (eq waf 'create') (ne region 'us-east-1')}}\"\n    error: A CloudFront web ACL can only be created in us-east-1\n";

    const RULE: &str = "A CloudFront web ACL can only be created in us-east-1";

    fn manifest() -> Manifest {
        parse_manifest(SITE, "blueprint.yaml").unwrap()
    }

    fn engine() -> Engine {
        Engine::new(&Default::default()).unwrap()
    }

    fn set(pairs: &[(&str, &str)]) -> Supplied {
        Supplied {
            set: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Supplied::default()
        }
    }

    fn run(supplied: &Supplied, script: &mut ScriptedPrompter) -> Result<Answers, AnswerError> {
        resolve(&manifest(), &engine(), supplied, Some(script))
    }

    #[test]
    fn the_answer_that_breaks_a_rule_is_asked_again_at_once() {
        let mut script = ScriptedPrompter::new()
            .answer("project_name", "svc")
            .answer("waf", "create")
            .answer("region", "eu-west-1")
            .answer("region", "us-east-1")
            .answer("logs", "");
        let answers = run(&Supplied::default(), &mut script).unwrap();
        assert_eq!(
            script.asked_names(),
            ["project_name", "waf", "region", "region", "logs"]
        );
        assert_eq!(script.asked()[2].again, None);
        assert_eq!(script.asked()[3].again, Some(Again::Rule(RULE.to_string())));
        assert_eq!(answers.get("region"), Some(&Value::from("us-east-1")));
        assert!(script.unused().is_empty());
    }

    #[test]
    fn a_rule_broken_by_a_supplied_answer_asks_the_prompted_one_again() {
        let mut script = ScriptedPrompter::new()
            .answer("project_name", "svc")
            .answer("region", "")
            .answer("region", "us-east-1")
            .answer("logs", "");
        run(&set(&[("waf", "create")]), &mut script).unwrap();
        assert_eq!(
            script.asked_names(),
            ["project_name", "region", "region", "logs"]
        );
        assert_eq!(
            script.asked()[1].default,
            Some(Value::from("eu-west-1")),
            "the default is offered"
        );
    }

    #[test]
    fn a_rule_broken_only_by_supplied_answers_is_an_error_naming_the_fix() {
        let mut script = ScriptedPrompter::new().answer("logs", "");
        let supplied = set(&[("project_name", "svc"), ("waf", "create")]);
        let supplied = Supplied {
            defaults: true,
            ..supplied
        };
        let err = run(&supplied, &mut script).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("rule failed: {RULE} (answers: waf=create, region=eu-west-1)")
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("fix with --set region=us-east-1 or --set waf=none")
        );
        assert!(err.is_usage());
        assert!(script.asked().is_empty());
    }

    #[test]
    fn without_a_prompter_the_rule_error_names_the_rule_and_the_set_that_fixes_it() {
        let supplied = set(&[("project_name", "svc"), ("waf", "create")]);
        let err = resolve(&manifest(), &engine(), &supplied, None).unwrap_err();
        let AnswerError::Rules(failures) = &err else {
            panic!("{err}");
        };
        assert_eq!(
            failures[0].fixes,
            [
                ("region".to_string(), "us-east-1".to_string()),
                ("waf".to_string(), "none".to_string())
            ]
        );
        assert!(
            err.to_string()
                .starts_with(&format!("rule failed: {RULE} (answers: "))
        );
    }

    #[test]
    fn a_rule_message_from_a_block_scalar_reads_as_one_sentence() {
        let folded = SITE.replace(
            &format!("    error: {RULE}\n"),
            "    error: >\n      A CloudFront web ACL can only be\n      created in us-east-1.\n",
        );
        let manifest = parse_manifest(&folded, "blueprint.yaml").unwrap();
        let supplied = set(&[("project_name", "svc"), ("waf", "create")]);
        let err = resolve(&manifest, &engine(), &supplied, None).unwrap_err();
        let AnswerError::Rules(failures) = &err else {
            panic!("{err}");
        };
        assert_eq!(failures[0].message, format!("{RULE}."));
        assert!(
            err.to_string()
                .starts_with(&format!("rule failed: {RULE} (answers: waf=create")),
            "{err}"
        );
    }

    #[test]
    fn an_invalid_answer_is_asked_again_and_recorded() {
        let mut script = ScriptedPrompter::new()
            .answer("project_name", "Bad Name")
            .answer("project_name", "ok")
            .answer("waf", "")
            .answer("region", "")
            .answer("logs", "yes");
        let answers = run(&Supplied::default(), &mut script).unwrap();
        let asked = script.asked();
        assert_eq!(asked[0].prompt, "Project name (lower case)");
        assert_eq!(asked[0].again, None);
        assert!(
            matches!(&asked[1].again, Some(Again::Invalid(m)) if m.contains("does not match the pattern")),
            "{asked:?}"
        );
        assert_eq!(answers.get("logs"), Some(&Value::Bool(true)));
        assert_eq!(answers.get("web_acl_arn"), Some(&Value::Null), "not asked");
    }

    #[test]
    fn set_for_a_parameter_that_is_not_asked_names_its_condition() {
        let supplied = set(&[("project_name", "svc"), ("web_acl_arn", "arn:x")]);
        let err = resolve(&manifest(), &engine(), &supplied, None).unwrap_err();
        assert!(matches!(err, AnswerError::NotAsked(_)), "{err}");
        assert!(err.is_usage());
        assert_eq!(
            err.to_string(),
            "web_acl_arn is only used when waf=existing",
            "{err}"
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("remove `--set web_acl_arn=...` or change the answers it depends on")
        );
        let used = set(&[
            ("project_name", "svc"),
            ("waf", "existing"),
            ("web_acl_arn", "arn:x"),
        ]);
        let answers = resolve(&manifest(), &engine(), &used, None).unwrap();
        assert_eq!(answers.get("web_acl_arn"), Some(&Value::from("arn:x")));
    }

    #[test]
    fn the_same_key_in_an_answers_file_is_a_warning_but_still_validated() {
        let mut file = Map::new();
        file.insert("project_name".into(), Value::from("svc"));
        file.insert("web_acl_arn".into(), Value::from("arn:x"));
        let supplied = Supplied {
            file: file.clone(),
            ..Supplied::default()
        };
        let answers = resolve(&manifest(), &engine(), &supplied, None).unwrap();
        assert_eq!(
            answers.warnings(),
            [
                "`web_acl_arn` in the answers file is not used: web_acl_arn is only used when waf=existing"
            ]
        );
        assert!(!answers.recorded().contains_key("web_acl_arn"));
        file.insert("web_acl_arn".into(), Value::from(vec![1]));
        let supplied = Supplied {
            file,
            ..Supplied::default()
        };
        let err = resolve(&manifest(), &engine(), &supplied, None).unwrap_err();
        assert!(
            matches!(&err, AnswerError::Invalid(v) if v[0].0 == "web_acl_arn"),
            "{err}"
        );
    }

    #[test]
    fn the_folder_name_is_the_default_project_name_when_valid() {
        let supplied = Supplied {
            folder_name: Some("site3".into()),
            ..Supplied::default()
        };
        let answers = resolve(&manifest(), &engine(), &supplied, None).unwrap();
        assert_eq!(answers.get("project_name"), Some(&Value::from("site3")));

        let mut script = ScriptedPrompter::new()
            .answer("project_name", "")
            .answer("waf", "")
            .answer("region", "")
            .answer("logs", "");
        let answers = run(&supplied, &mut script).unwrap();
        assert_eq!(script.asked()[0].default, Some(Value::from("site3")));
        assert_eq!(answers.get("project_name"), Some(&Value::from("site3")));

        let invalid = Supplied {
            folder_name: Some("Site 3".into()),
            ..Supplied::default()
        };
        let err = resolve(&manifest(), &engine(), &invalid, None).unwrap_err();
        assert!(matches!(err, AnswerError::Missing(_)), "{err}");
    }

    #[test]
    fn a_script_that_runs_out_is_an_error() {
        let mut script = ScriptedPrompter::new().answer("project_name", "Bad Name");
        let err = run(&Supplied::default(), &mut script).unwrap_err();
        assert!(
            err.to_string()
                .contains("no scripted answer left for `project_name`"),
            "{err}"
        );
    }
}
