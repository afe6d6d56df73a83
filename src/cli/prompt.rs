//! Terminal prompts with dialoguer, one widget per parameter type. Each question stands on one
//! line, with the parameter's help as dim lines below it wrapped at word boundaries to the
//! terminal's width; once answered, question and help give way to a single answered line
//! (`✔ Question · answer`). A refused answer (not valid, or a yes/no that is neither y nor n)
//! is said below the question, which is asked again; an answer that breaks a rule is said in
//! one sentence before its question comes back. Yes/no questions wait for Enter, so a typed
//! word never spills into the next question. Used only when stdin and stderr are terminals.

use crate::answers::{AnswerError, Prompter};
use crate::manifest::{ParamType, Parameter};
use console::{Style, Term, measure_text_width};
use dialoguer::theme::{ColorfulTheme, Theme};
use dialoguer::{Input, MultiSelect, Password, Select};
use serde_json::Value;
use std::fmt;

/// How far help and continued lines are indented under their question.
const INDENT: &str = "  ";

/// Asks on the terminal.
pub(crate) struct TerminalPrompter {
    theme: ColorfulTheme,
    term: Term,
}

impl TerminalPrompter {
    pub(crate) fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
            term: Term::stderr(),
        }
    }

    /// A prompter when stdin and stderr are terminals; none otherwise (scripts, CI).
    pub(crate) fn when_interactive() -> Option<Self> {
        super::interactive().then(Self::new)
    }

    /// The terminal's width in columns (never so narrow that nothing fits).
    fn columns(&self) -> usize {
        usize::from(self.term.size().1).max(20)
    }

    /// `text` wrapped to the terminal, each line indented; for lines drawn below a question.
    fn wrapped(&self, text: &str) -> Vec<String> {
        wrap(text, self.columns() - INDENT.len() - 1)
    }

    /// Reads one line with `read` until `accept` takes it. The help (and the reason the last
    /// line was refused) are drawn below the question while it is asked; then question, help
    /// and typing are erased and `answered` is left in their place.
    fn line_answer<T>(
        &self,
        look: &Look<'_>,
        question_width: usize,
        mut read: impl FnMut() -> dialoguer::Result<Typed>,
        mut accept: impl FnMut(&str) -> Result<T, String>,
        answered: impl Fn(&T) -> String,
    ) -> Result<T, AnswerError> {
        let mut refused: Option<String> = None;
        loop {
            let mut below: Vec<String> = look
                .help
                .iter()
                .map(|line| format!("{INDENT}{}", Style::new().dim().apply_to(line)))
                .collect();
            if let Some(reason) = &refused {
                below.extend(self.error_lines(reason));
            }
            self.draw_below(self.rows(question_width), &below)
                .map_err(failed)?;
            let typed = read().map_err(failed)?;
            // The widget leaves the cursor on the last row its question and typing took up.
            let rows_up = self.rows(question_width + typed.echoed) - 1;
            self.term.move_cursor_up(rows_up).map_err(failed)?;
            self.term.clear_to_end_of_screen().map_err(failed)?;
            match accept(&typed.text) {
                Ok(value) => {
                    self.term.write_line(&answered(&value)).map_err(failed)?;
                    return Ok(value);
                }
                Err(reason) => refused = Some(reason),
            }
        }
    }

    /// How many rows `width` columns of text take on the terminal (at least one).
    fn rows(&self, width: usize) -> usize {
        width.saturating_sub(1) / self.columns() + 1
    }

    /// Writes `lines` below the `rows` the question will take from the cursor's line, and
    /// puts the cursor back at the start of that line.
    fn draw_below(&self, rows: usize, lines: &[String]) -> std::io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let skip = "\n".repeat(rows);
        self.term
            .write_str(&format!("{skip}{}", lines.join("\n")))?;
        self.term.move_cursor_up(rows + lines.len() - 1)?;
        self.term.write_str("\r")
    }

    /// `✘ reason`, wrapped to the terminal.
    fn error_lines(&self, reason: &str) -> Vec<String> {
        self.wrapped(reason)
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                if i == 0 {
                    shown(|f| self.theme.format_error(f, &line))
                } else {
                    format!("{INDENT}{}", Style::new().red().apply_to(line))
                }
            })
            .collect()
    }
}

/// What a line widget read, and how wide it was echoed.
struct Typed {
    text: String,
    echoed: usize,
}

/// One line typed at `question`, empty allowed, left on screen for `line_answer` to
/// replace with the answered line.
fn read_line(look: &Look<'_>, question: &str) -> dialoguer::Result<Typed> {
    let text = Input::<String>::with_theme(look)
        .with_prompt(question)
        .allow_empty(true)
        .report(false)
        .interact_text()?;
    Ok(Typed {
        echoed: measure_text_width(&text),
        text,
    })
}

/// A terminal that could not be read or written.
fn failed(e: impl fmt::Display) -> AnswerError {
    AnswerError::Prompt(e.to_string())
}

/// The theme's formatting of one piece, as a string.
fn shown(format: impl FnOnce(&mut String) -> fmt::Result) -> String {
    let mut out = String::new();
    // Formatting into a String cannot fail.
    let _ = format(&mut out);
    out
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, param: &Parameter, default: Option<&Value>) -> Result<Value, AnswerError> {
        let question = one_line(param.prompt_text());
        let help = param
            .help
            .as_deref()
            .map(|h| self.wrapped(h))
            .unwrap_or_default();
        let mut look = Look {
            inner: &self.theme,
            help: &help,
            hint: None,
        };
        match param.kind {
            ParamType::Boolean => {
                let default = default.and_then(Value::as_bool).unwrap_or(false);
                look.hint = Some(String::from(if default { "Y/n" } else { "y/N" }));
                let asked = shown(|f| look.format_input_prompt(f, &question, None));
                let answer = self.line_answer(
                    &look,
                    measure_text_width(&asked),
                    || read_line(&look, &question),
                    |text| yes_no(text, default),
                    |yes| {
                        shown(|f| {
                            self.theme
                                .format_confirm_prompt_selection(f, &question, Some(*yes))
                        })
                    },
                )?;
                Ok(Value::Bool(answer))
            }
            ParamType::Choice => {
                let current = default.and_then(Value::as_str);
                let index = param
                    .choices
                    .iter()
                    .position(|c| Some(c.as_str()) == current)
                    .unwrap_or(0);
                let picked = Select::with_theme(&look)
                    .with_prompt(&question)
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
                let picked = MultiSelect::with_theme(&look)
                    .with_prompt(&question)
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
                let asked = shown(|f| look.format_password_prompt(f, &question));
                let text = self.line_answer(
                    &look,
                    measure_text_width(&asked),
                    || {
                        let text = Password::with_theme(&look)
                            .with_prompt(&question)
                            .allow_empty_password(true)
                            .report(false)
                            .interact()?;
                        Ok(Typed { text, echoed: 0 })
                    },
                    |text| {
                        if text.is_empty() {
                            return Err(String::from("an answer is required"));
                        }
                        param.validate(&Value::String(text.to_string()))?;
                        Ok(text.to_string())
                    },
                    |_| shown(|f| self.theme.format_password_prompt_selection(f, &question)),
                )?;
                Ok(Value::String(text))
            }
            ParamType::String | ParamType::Integer => {
                // An empty default is taken by Enter like any other, but shows no `()`.
                look.hint = default.map(plain).filter(|shown| !shown.is_empty());
                let asked = shown(|f| look.format_input_prompt(f, &question, None));
                self.line_answer(
                    &look,
                    measure_text_width(&asked),
                    || read_line(&look, &question),
                    |text| {
                        let value = match (text.is_empty(), default) {
                            (true, Some(d)) => d.clone(),
                            (true, None) => return Err(String::from("an answer is required")),
                            (false, _) => param.parse_input(text)?,
                        };
                        param.validate(&value)?;
                        Ok(value)
                    },
                    |value| {
                        shown(|f| {
                            self.theme
                                .format_input_prompt_selection(f, &question, &plain(value))
                        })
                    },
                )
            }
        }
    }

    fn rejected(&mut self, param: &Parameter, message: &str) -> Result<(), AnswerError> {
        for line in self.error_lines(&again(message, &param.name)) {
            self.term.write_line(&line).map_err(failed)?;
        }
        Ok(())
    }
}

/// The line said when an answer breaks a rule: the rule's message and what happens next, as
/// one sentence ("… only in us-east-1: answer `region` again").
fn again(message: &str, name: &str) -> String {
    let message = one_line(message);
    let message = message.trim_end_matches(['.', ';', ':', ',']);
    if message.ends_with(['?', '!']) {
        format!("{message} Answer `{name}` again.")
    } else if message.is_empty() {
        format!("answer `{name}` again")
    } else {
        format!("{message}: answer `{name}` again")
    }
}

/// An answer as typed: a string as it is, anything else as JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `yes`/`y`/`no`/`n` in any case, or nothing for the default.
fn yes_no(text: &str, default: bool) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(default),
        "y" | "yes" => Ok(true),
        "n" | "no" => Ok(false),
        _ => Err(String::from("answer y or n")),
    }
}

/// `text` with every run of white space (line breaks included) made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` broken at word boundaries into lines at most `width` columns wide (a longer word is
/// cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = measure_text_width(word) + usize::from(!line.is_empty());
        if !line.is_empty() && measure_text_width(&line) + needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if measure_text_width(&line) + measure_text_width(c.encode_utf8(&mut [0; 4])) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The colourful theme, with a list's help drawn below its question and a hint (`y/N`) where
/// a line widget shows its default.
struct Look<'a> {
    inner: &'a ColorfulTheme,
    help: &'a [String],
    hint: Option<String>,
}

impl Look<'_> {
    fn help_below(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        for line in self.help {
            write!(f, "\n{INDENT}{}", Style::new().dim().apply_to(line))?;
        }
        Ok(())
    }
}

impl Theme for Look<'_> {
    fn format_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.inner.format_prompt(f, prompt)
    }

    fn format_error(&self, f: &mut dyn fmt::Write, err: &str) -> fmt::Result {
        self.inner.format_error(f, err)
    }

    fn format_input_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        default: Option<&str>,
    ) -> fmt::Result {
        self.inner
            .format_input_prompt(f, prompt, default.or(self.hint.as_deref()))
    }

    fn format_input_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        self.inner.format_input_prompt_selection(f, prompt, sel)
    }

    fn format_password_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.inner.format_password_prompt(f, prompt)
    }

    fn format_password_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
    ) -> fmt::Result {
        self.inner.format_password_prompt_selection(f, prompt)
    }

    fn format_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.inner.format_select_prompt(f, prompt)?;
        self.help_below(f)
    }

    fn format_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        self.inner.format_select_prompt_selection(f, prompt, sel)
    }

    fn format_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        active: bool,
    ) -> fmt::Result {
        self.inner.format_select_prompt_item(f, text, active)
    }

    fn format_multi_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.inner.format_multi_select_prompt(f, prompt)?;
        self.help_below(f)
    }

    fn format_multi_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        selections: &[&str],
    ) -> fmt::Result {
        self.inner
            .format_multi_select_prompt_selection(f, prompt, selections)
    }

    fn format_multi_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        checked: bool,
        active: bool,
    ) -> fmt::Result {
        self.inner
            .format_multi_select_prompt_item(f, text, checked, active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_wraps_at_word_boundaries() {
        let help = "The Lambda runtime every function\nof the project runs on";
        assert_eq!(
            wrap(help, 20),
            [
                "The Lambda runtime",
                "every function of",
                "the project runs on"
            ]
        );
        assert_eq!(wrap("abcdefgh ij", 4), ["abcd", "efgh", "ij"]);
        assert!(wrap("  \n ", 10).is_empty());
    }

    #[test]
    fn yes_no_takes_only_yes_or_no() {
        for (text, want) in [("y", true), ("YES", true), ("n", false), ("No", false)] {
            assert_eq!(yes_no(text, !want), Ok(want), "{text}");
        }
        assert_eq!(yes_no("", true), Ok(true));
        for junk in ["maybe", "sure", "yess", "0"] {
            assert_eq!(yes_no(junk, true), Err(String::from("answer y or n")));
        }
    }

    #[test]
    fn a_broken_rule_and_its_re_ask_make_one_sentence() {
        let want = "A web ACL needs us-east-1: answer `region` again";
        for message in [
            "A web ACL needs us-east-1",
            "A web ACL needs us-east-1.",
            "A web ACL needs us-east-1.\n",
            "A web ACL needs\nus-east-1;\n\n",
        ] {
            assert_eq!(again(message, "region"), want, "{message:?}");
        }
        assert_eq!(
            again("Really us-west-2?\n", "region"),
            "Really us-west-2? Answer `region` again."
        );
    }
}
