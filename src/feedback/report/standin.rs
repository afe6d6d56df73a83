//! A small stand-in for `crate::author::templatize::Substitutions` until that module is in
//! the tree: each string answer of 3 characters or more, at token boundaries, becomes
//! `{{key}}`, and its PascalCase variant `{{pascalCase key}}`; longest values first.

use serde_json::{Map, Value};

/// The answer values of a project and the variables they come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Substitutions {
    pairs: Vec<(String, String)>,
}

impl Substitutions {
    /// The substitutions of `answers`.
    pub(crate) fn new(answers: &Map<String, Value>) -> Substitutions {
        let mut pairs = Vec::new();
        for (key, value) in answers {
            let Some(text) = value.as_str() else {
                continue;
            };
            if text.chars().count() < 3 {
                continue;
            }
            pairs.push((text.to_string(), format!("{{{{{key}}}}}")));
            let pascal: String = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let mut cs = w.chars();
                    cs.next()
                        .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                        .unwrap_or_default()
                })
                .collect();
            if pascal != text && pascal.chars().count() >= 3 {
                pairs.push((pascal, format!("{{{{pascalCase {key}}}}}")));
            }
        }
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Substitutions { pairs }
    }

    /// `text` with each answer value at token boundaries replaced by its variable.
    pub(crate) fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        'outer: while i < text.len() {
            let before = text[..i].chars().next_back();
            if before.is_none_or(|c| !c.is_alphanumeric()) {
                for (value, variable) in &self.pairs {
                    if text[i..].starts_with(value.as_str()) {
                        let after = text[i + value.len()..].chars().next();
                        if after.is_none_or(|c| !c.is_alphanumeric()) {
                            out.push_str(variable);
                            i += value.len();
                            continue 'outer;
                        }
                    }
                }
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            out.push(c);
            i += c.len_utf8();
        }
        out
    }
}
