//! The manifest's cross-parameter rules while answers are resolved: which answers each rule
//! reads, checking a rule as soon as all of those are known, and a failure that shows the
//! answers involved, with the `--set` that would satisfy the rule as its hint.

use super::{AnswerError, Answers};
use crate::manifest::{Manifest, ParamType, Parameter};
use crate::template::{Engine, condition};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;

/// A rule the answers break.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFailure {
    /// The rule's error, rendered with the answers, on one line.
    pub message: String,
    /// The answers the rule reads (name, value as typed; secrets hidden), in parameter order.
    pub answers: Vec<(String, String)>,
    /// `--set` pairs that would each satisfy the rule (value `...` when none is known), the
    /// last answered first.
    pub fixes: Vec<(String, String)>,
}

impl fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The answers and fixes continue the sentence: a final full stop would cut it.
        let message = if self.answers.is_empty() && self.fixes.is_empty() {
            self.message.as_str()
        } else {
            self.message.trim_end_matches('.')
        };
        write!(f, "rule failed: {message}")?;
        if !self.answers.is_empty() {
            let shown: Vec<String> = self
                .answers
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            write!(f, " (answers: {})", shown.join(", "))?;
        }
        Ok(())
    }
}

impl RuleFailure {
    /// The `--set` pairs that would each satisfy the rule, as advice; `None` when none is known.
    pub fn fix(&self) -> Option<String> {
        let fixes: Vec<String> = self
            .fixes
            .iter()
            .map(|(k, v)| format!("--set {k}={v}"))
            .collect();
        (!fixes.is_empty()).then(|| format!("fix with {}", fixes.join(" or ")))
    }
}

/// Every rule with the parameters it reads and whether it has been checked.
pub(super) struct RuleBook {
    reads: Vec<Vec<String>>,
    checked: Vec<bool>,
}

fn what(i: usize) -> String {
    format!("blueprint.yaml rules[{i}].when")
}

impl RuleBook {
    /// Finds what each rule of `manifest` reads.
    pub(super) fn new(manifest: &Manifest) -> Result<Self, AnswerError> {
        let reads = manifest
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| condition::variables(&what(i), &rule.when))
            .collect::<Result<Vec<_>, _>>()?;
        let checked = vec![false; reads.len()];
        Ok(RuleBook { reads, checked })
    }

    /// Checks every rule not yet checked whose answers are all `decided` (every rule when
    /// `all`), and returns the broken ones with their index.
    pub(super) fn check_ready(
        &mut self,
        manifest: &Manifest,
        engine: &Engine,
        answers: &Answers,
        decided: &BTreeSet<String>,
        all: bool,
    ) -> Result<Vec<(usize, RuleFailure)>, AnswerError> {
        let mut broken = Vec::new();
        // Made when a rule is ready: most calls find none.
        let mut ctx = None;
        for (i, rule) in manifest.rules.iter().enumerate() {
            if self.checked[i] || !(all || self.reads[i].iter().all(|n| decided.contains(n))) {
                continue;
            }
            self.checked[i] = true;
            let ctx = ctx.get_or_insert_with(|| answers.context());
            if engine.truthy(&what(i), &rule.when, ctx)? {
                broken.push((i, self.failure(manifest, engine, answers, i)?));
            }
        }
        Ok(broken)
    }

    /// Marks a rule to be checked again (its answer is being asked again).
    pub(super) fn uncheck(&mut self, i: usize) {
        self.checked[i] = false;
    }

    fn failure(
        &self,
        manifest: &Manifest,
        engine: &Engine,
        answers: &Answers,
        i: usize,
    ) -> Result<RuleFailure, AnswerError> {
        let rule = &manifest.rules[i];
        let ctx = answers.context();
        let message = one_line(&engine.render_str(
            &format!("blueprint.yaml rules[{i}].error"),
            &rule.error,
            &ctx,
        )?);
        let read: Vec<&Parameter> = manifest
            .parameters
            .iter()
            .filter(|p| self.reads[i].contains(&p.name))
            .collect();
        let shown = read
            .iter()
            .filter_map(|p| {
                let value = answers.get(&p.name).filter(|v| !v.is_null())?;
                Some((p.name.clone(), shown(answers, &p.name, value)))
            })
            .collect();
        let literals = condition::literals(&rule.when);
        let mut fixes = Vec::new();
        for param in read.iter().rev() {
            let Some(current) = answers.get(&param.name).filter(|v| !v.is_null()) else {
                continue;
            };
            if param.kind == ParamType::Secret {
                fixes.push((param.name.clone(), String::from("...")));
                continue;
            }
            let fix = candidates(param, &literals)
                .into_iter()
                .filter(|c| c != current && param.validate(c).is_ok())
                .find(|c| {
                    let mut trial = ctx.clone();
                    if let Value::Object(map) = &mut trial {
                        map.insert(param.name.clone(), c.clone());
                    }
                    matches!(engine.truthy(&what(i), &rule.when, &trial), Ok(false))
                });
            fixes.push((
                param.name.clone(),
                fix.map_or_else(|| String::from("..."), |v| typed(&v)),
            ));
        }
        Ok(RuleFailure {
            message,
            answers: shown,
            fixes,
        })
    }
}

/// A rule's message on one line: YAML block scalars bring line breaks (and a final one) that
/// would cut the sentence it is part of.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Values worth trying for a parameter: its choices, both booleans, or the literals the rule
/// compares with.
fn candidates(param: &Parameter, literals: &[Value]) -> Vec<Value> {
    match param.kind {
        ParamType::Choice => param.choices.iter().cloned().map(Value::String).collect(),
        ParamType::Boolean => vec![Value::Bool(true), Value::Bool(false)],
        ParamType::String | ParamType::Integer => literals
            .iter()
            .filter_map(|l| param.coerce(l).ok())
            .collect(),
        ParamType::Multichoice | ParamType::Secret => Vec::new(),
    }
}

/// A value as it would be typed after `--set name=`.
fn typed(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(typed).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn shown(answers: &Answers, name: &str, value: &Value) -> String {
    if answers.is_secret(name) {
        String::from("***")
    } else {
        typed(value)
    }
}
