//! Terminal prompts with dialoguer, one widget per parameter type; re-asks until the answer
//! validates, and says so when an answer breaks a rule. Yes/no questions wait for Enter, so a
//! typed word never spills into the next question. Used only when stdin and stderr are
//! terminals.

use crate::answers::{AnswerError, Prompter};
use crate::manifest::{ParamType, Parameter};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};
use serde_json::Value;

/// Asks on the terminal.
pub(crate) struct TerminalPrompter {
    theme: ColorfulTheme,
}

impl TerminalPrompter {
    pub(crate) fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
        }
    }

    /// A prompter when stdin and stderr are terminals; none otherwise (scripts, CI).
    pub(crate) fn when_interactive() -> Option<Self> {
        super::interactive().then(Self::new)
    }
}

fn failed(e: dialoguer::Error) -> AnswerError {
    AnswerError::Prompt(e.to_string())
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, param: &Parameter, default: Option<&Value>) -> Result<Value, AnswerError> {
        let prompt = crate::answers::question(param);
        let check = |text: &String| -> Result<(), String> {
            param.parse_input(text).and_then(|v| param.validate(&v))
        };
        match param.kind {
            ParamType::Boolean => {
                let answer = Confirm::with_theme(&self.theme)
                    .with_prompt(prompt)
                    .default(default.and_then(Value::as_bool).unwrap_or(false))
                    .wait_for_newline(true)
                    .interact()
                    .map_err(failed)?;
                Ok(Value::Bool(answer))
            }
            ParamType::Choice => {
                let current = default.and_then(Value::as_str);
                let index = param
                    .choices
                    .iter()
                    .position(|c| Some(c.as_str()) == current)
                    .unwrap_or(0);
                let picked = Select::with_theme(&self.theme)
                    .with_prompt(prompt)
                    .items(&param.choices)
                    .default(index)
                    .interact()
                    .map_err(failed)?;
                Ok(Value::String(param.choices[picked].clone()))
            }
            ParamType::Multichoice => {
                let chosen: Vec<bool> = param
                    .choices
                    .iter()
                    .map(|c| {
                        default
                            .and_then(Value::as_array)
                            .is_some_and(|d| d.iter().any(|v| v == c))
                    })
                    .collect();
                let picked = MultiSelect::with_theme(&self.theme)
                    .with_prompt(prompt)
                    .items(&param.choices)
                    .defaults(&chosen)
                    .interact()
                    .map_err(failed)?;
                Ok(Value::Array(
                    picked
                        .into_iter()
                        .map(|i| Value::String(param.choices[i].clone()))
                        .collect(),
                ))
            }
            ParamType::Secret => {
                let text = Password::with_theme(&self.theme)
                    .with_prompt(prompt)
                    .validate_with(|t: &String| check(t))
                    .interact()
                    .map_err(failed)?;
                Ok(Value::String(text))
            }
            ParamType::String | ParamType::Integer => {
                let mut input = Input::<String>::with_theme(&self.theme).with_prompt(prompt);
                if let Some(d) = default {
                    input = input.default(match d {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                }
                let text = input
                    .validate_with(|t: &String| check(t))
                    .interact_text()
                    .map_err(failed)?;
                param.parse_input(&text).map_err(AnswerError::Prompt)
            }
        }
    }

    fn rejected(&mut self, param: &Parameter, message: &str) -> Result<(), AnswerError> {
        let term = console::Term::stderr();
        term.write_line(&format!(
            "{} {message}; answer `{}` again",
            console::style("✘").red(),
            param.name
        ))
        .map_err(|e| AnswerError::Prompt(e.to_string()))
    }
}
