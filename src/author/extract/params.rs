//! The parameters of an extracted blueprint: `KEY=VALUE` as given on the command line or taken
//! from a pave project's string answers, checked (a parameter name, three characters or more,
//! no two alike), typed from the value, and given the other value the proof renders with.
//! Pure.

use super::ExtractError;
use crate::manifest::ParamType;
use crate::template::templatize::MIN_VALUE_CHARS;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The pattern written for a name-like value (`orders-api`).
pub const NAME_PATTERN: &str = "^[a-z][a-z0-9-]*$";

/// One parameter of the new blueprint and the value the project holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name.
    pub key: String,
    /// The value, as text in the project.
    pub value: String,
    /// Its type, from the value.
    pub kind: ParamType,
    /// Whether it came from the project's answers (not `--param`).
    pub from_answers: bool,
}

impl Param {
    /// The value as an answer (a JSON boolean, number or string).
    pub fn answer(&self) -> Json {
        typed(self.kind, &self.value)
    }

    /// The pattern written into the manifest: [`NAME_PATTERN`] for a name-like string.
    pub fn pattern(&self) -> Option<&'static str> {
        (self.kind == ParamType::String && is_name_like(&self.value)).then_some(NAME_PATTERN)
    }

    /// A different value of the same shape (each letter and digit changed, case and
    /// punctuation kept, so the case helpers cut it at the same places and its pattern still
    /// holds), that neither holds nor is held by any of `avoid`.
    pub fn other_value(&self, avoid: &[&str]) -> Json {
        match self.kind {
            ParamType::Boolean => Json::Bool(self.value != "true"),
            ParamType::Integer => {
                let n: i64 = self.value.parse().unwrap_or(0);
                Json::from(if n == i64::MAX { n - 1 } else { n + 1 })
            }
            _ => {
                let lower_avoid: Vec<String> = avoid.iter().map(|a| a.to_lowercase()).collect();
                let mut last = self.value.clone();
                for shift in [13u8, 7, 3, 11, 5, 17, 19, 23] {
                    let candidate = rotate(&self.value, shift);
                    let low = candidate.to_lowercase();
                    if !lower_avoid
                        .iter()
                        .any(|a| low.contains(a.as_str()) || a.contains(low.as_str()))
                    {
                        return Json::String(candidate);
                    }
                    last = candidate;
                }
                Json::String(last)
            }
        }
    }
}

/// `text` with each ASCII letter moved `shift` places (case kept) and each digit moved by
/// `shift` too; other characters kept.
fn rotate(text: &str, shift: u8) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' => char::from(b'a' + (c as u8 - b'a' + shift) % 26),
            'A'..='Z' => char::from(b'A' + (c as u8 - b'A' + shift) % 26),
            '0'..='9' => char::from(b'0' + (c as u8 - b'0' + shift % 9 + 1) % 10),
            _ => c,
        })
        .collect()
}

/// Whether `value` reads as a name: lower-case letters, digits and dashes, starting with a
/// letter.
pub fn is_name_like(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
}

/// The type a value reads as: `true`/`false` boolean, a whole number (written as Rust writes
/// it back, so `007` stays text) integer, else string.
pub fn kind_of(value: &str) -> ParamType {
    if value == "true" || value == "false" {
        ParamType::Boolean
    } else if value.parse::<i64>().is_ok_and(|n| n.to_string() == value) {
        ParamType::Integer
    } else {
        ParamType::String
    }
}

fn typed(kind: ParamType, value: &str) -> Json {
    match kind {
        ParamType::Boolean => Json::Bool(value == "true"),
        ParamType::Integer => value
            .parse::<i64>()
            .map_or_else(|_| Json::String(value.to_string()), Json::from),
        _ => Json::String(value.to_string()),
    }
}

/// An answer of the project that is not a parameter, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedAnswer {
    /// The answer's name.
    pub key: String,
    /// Why it is not a parameter.
    pub why: String,
}

/// The parameters from `given` (`KEY=VALUE` texts, in order) and `answers` (a project's
/// answers, used for keys not given): every given one checked, refused with the reason;
/// answers that cannot be parameters are returned with why.
pub fn collect(
    given: &[String],
    answers: Option<&serde_json::Map<String, Json>>,
    structural: &BTreeMap<String, String>,
) -> Result<(Vec<Param>, Vec<UnusedAnswer>), ExtractError> {
    let bad = |given: &str, why: String| ExtractError::BadParam {
        given: given.to_string(),
        why,
    };
    let mut params: Vec<Param> = Vec::new();
    for text in given {
        let Some((key, value)) = text.split_once('=') else {
            return Err(bad(
                text,
                String::from("write it as KEY=VALUE, e.g. --param project_name=orders-api"),
            ));
        };
        if let Some(earlier) = params.iter().find(|p| p.key == key) {
            return Err(bad(
                text,
                format!(
                    "`{key}` is given twice (also as {key}={}); give each parameter once",
                    earlier.value
                ),
            ));
        }
        check_one(key, value, &params).map_err(|why| bad(text, why))?;
        params.push(Param {
            key: key.to_string(),
            value: value.to_string(),
            kind: kind_of(value),
            from_answers: false,
        });
    }
    let mut unused = Vec::new();
    for (key, value) in answers.into_iter().flatten() {
        if params.iter().any(|p| &p.key == key) {
            continue;
        }
        let checked = match (structural.get(key), value.as_str()) {
            (Some(why), _) => Err(why.clone()),
            (None, None) => Err(format!(
                "not a text answer ({value}); only text answers become parameters"
            )),
            (None, Some(text)) => check_one(key, text, &params).map(|()| text),
        };
        match checked {
            Ok(value) => params.push(Param {
                key: key.clone(),
                value: value.to_string(),
                kind: kind_of(value),
                from_answers: true,
            }),
            Err(why) => unused.push(UnusedAnswer {
                key: key.clone(),
                why,
            }),
        }
    }
    Ok((params, unused))
}

/// Why `key=value` cannot be a parameter beside `earlier`, if it cannot.
fn check_one(key: &str, value: &str, earlier: &[Param]) -> Result<(), String> {
    crate::names::parameter(key).map_err(|e| e.to_string())?;
    if key == "answers" {
        return Err(String::from(
            "`answers` is reserved (answers files use it as a key); choose another name",
        ));
    }
    let chars = value.chars().count();
    if chars < MIN_VALUE_CHARS {
        return Err(format!(
            "the value `{value}` has {chars} character(s); a value needs {MIN_VALUE_CHARS} or more, shorter ones occur by chance inside too much text"
        ));
    }
    if value.contains("{{") || value.contains("}}") {
        return Err(format!(
            "the value `{value}` holds `{{{{` or `}}}}`, which templates read as tags"
        ));
    }
    if value.contains(['\n', '\r']) {
        return Err(String::from("a value is one line"));
    }
    if let Some(other) = earlier.iter().find(|p| p.value == value) {
        return Err(format!(
            "`{}` has the same value `{value}`; two parameters cannot share a value (pave could not tell which one each occurrence is)",
            other.key
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_are_typed_and_refused_with_why() {
        let (params, _) = collect(
            &given(&[
                "project_name=orders-api",
                "tracing=true",
                "port=8080",
                "zip=007",
            ]),
            None,
            &BTreeMap::new(),
        )
        .unwrap();
        let kinds: Vec<ParamType> = params.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParamType::String,
                ParamType::Boolean,
                ParamType::Integer,
                ParamType::String
            ]
        );
        assert_eq!(params[0].pattern(), Some(NAME_PATTERN));
        for (bad, why) in [
            (&["a=bc"][..], "2 character(s)"),
            (&["a=abc", "b=abc"], "same value"),
            (&["a=abc", "a=def"], "given twice"),
            (&["Bad=abc"], "not a valid parameter name"),
            (&["noequals"], "KEY=VALUE"),
        ] {
            let err = collect(&given(bad), None, &BTreeMap::new())
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn other_values_keep_the_shape_and_avoid_the_originals() {
        let p = Param {
            key: String::from("project_name"),
            value: String::from("orders-api2"),
            kind: ParamType::String,
            from_answers: false,
        };
        let other = p.other_value(&["orders-api2"]);
        let other = other.as_str().unwrap();
        assert_ne!(other, "orders-api2");
        assert!(is_name_like(other), "{other}");
        assert_eq!(other.len(), p.value.len());
    }

    #[test]
    fn answers_that_cannot_be_parameters_are_listed() {
        let answers =
            serde_json::json!({"project_name": "orders", "waf": true, "x": "ab", "y": "orders"});
        let (params, unused) = collect(&[], answers.as_object(), &BTreeMap::new()).unwrap();
        assert_eq!(params.len(), 1);
        let keys: Vec<&str> = unused.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys, ["waf", "x", "y"]);
    }
}
