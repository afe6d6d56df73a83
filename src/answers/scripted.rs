//! A [`Prompter`] that answers from a script instead of a terminal, for tests and for driving
//! pave from other programs: answers are given by parameter name, and every question asked is
//! recorded (its prompt, the default offered, and why it was asked again).

use super::{AnswerError, Prompter, question};
use crate::manifest::Parameter;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// Why a question was asked again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Again {
    /// The previous answer did not validate (the message says why).
    Invalid(String),
    /// The previous answer broke a rule (the rule's error).
    Rule(String),
}

/// One question as it was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    /// The parameter.
    pub name: String,
    /// The question shown (the prompt, with the help in brackets).
    pub prompt: String,
    /// The default offered.
    pub default: Option<Value>,
    /// Set when the question repeats one whose answer was refused.
    pub again: Option<Again>,
}

/// Answers questions from a script, by parameter name, in the order given for each name.
/// An empty answer takes the default, as Enter does on a terminal. A question with no
/// scripted answer left is an error.
#[derive(Debug, Clone, Default)]
pub struct ScriptedPrompter {
    script: BTreeMap<String, VecDeque<String>>,
    asked: Vec<Asked>,
    again: BTreeMap<String, Again>,
}

impl ScriptedPrompter {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next answer for `name`, as it would be typed.
    pub fn answer(mut self, name: &str, text: &str) -> Self {
        self.script
            .entry(name.to_string())
            .or_default()
            .push_back(text.to_string());
        self
    }

    /// Every question asked, in order.
    pub fn asked(&self) -> &[Asked] {
        &self.asked
    }

    /// The names asked, in order (a name asked again appears again).
    pub fn asked_names(&self) -> Vec<&str> {
        self.asked.iter().map(|a| a.name.as_str()).collect()
    }

    /// Scripted answers that were never used, by name.
    pub fn unused(&self) -> Vec<(&str, &str)> {
        self.script
            .iter()
            .flat_map(|(name, texts)| texts.iter().map(move |t| (name.as_str(), t.as_str())))
            .collect()
    }
}

impl Prompter for ScriptedPrompter {
    fn ask(&mut self, param: &Parameter, default: Option<&Value>) -> Result<Value, AnswerError> {
        loop {
            self.asked.push(Asked {
                name: param.name.clone(),
                prompt: question(param),
                default: default.cloned(),
                again: self.again.remove(&param.name),
            });
            let text = self
                .script
                .get_mut(&param.name)
                .and_then(VecDeque::pop_front)
                .ok_or_else(|| {
                    AnswerError::Prompt(format!("no scripted answer left for `{}`", param.name))
                })?;
            let value = match (text.is_empty(), default) {
                (true, Some(default)) => Ok(default.clone()),
                (true, None) => Err(String::from("an answer is required")),
                (false, _) => param.parse_input(&text),
            };
            match value.and_then(|v| param.validate(&v).map(|()| v)) {
                Ok(value) => return Ok(value),
                Err(message) => {
                    self.again
                        .insert(param.name.clone(), Again::Invalid(message));
                }
            }
        }
    }

    fn rejected(&mut self, param: &Parameter, message: &str) -> Result<(), AnswerError> {
        self.again
            .insert(param.name.clone(), Again::Rule(message.to_string()));
        Ok(())
    }
}
