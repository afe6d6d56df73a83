//! The inside of a tag (`if (eq waf "existing")`, `upper name`, `each items`) read into the
//! name, arguments and named arguments handlebars makes of it, for the forms blueprints write:
//! paths, string, number and boolean literals, subexpressions, `key=value` pairs and a block's
//! `as |item index|`. Each
//! distinct word is given to handlebars' own parameter parser once per process; quoted strings
//! are read as handlebars reads them (as JSON). Anything else (arrays, escapes in strings,
//! spaces around `=`, a keyword where an argument goes) is declined, and handlebars parses
//! the whole source.

use handlebars::template::{BlockParam, Parameter, Subexpression};
use handlebars::{Path, PathSeg};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::OnceLock;

/// A tag's inside as handlebars parses it.
#[derive(Clone)]
pub(super) struct Parts {
    pub(super) name: Parameter,
    pub(super) params: Vec<Parameter>,
    pub(super) hash: HashMap<String, Parameter>,
    pub(super) block_param: Option<BlockParam>,
}

/// How the first word of a tag is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Head {
    /// `{{name args}}`: a helper's name when arguments follow, else a path.
    Expression,
    /// `{{#name args}}`, `{{else name args}}`: always a helper's name.
    Helper,
}

/// The parts of `inside` (a tag without its braces and its leading `#` or `else`).
pub(super) fn parts(inside: &str, head: Head) -> Option<Parts> {
    let words = words(inside)?;
    let (first, rest) = words.split_first()?;
    // A block may end in `as |item|` or `as |item index|`.
    let (rest, block_param) = match rest.iter().position(|w| *w == "as") {
        Some(at) if head == Head::Helper => (&rest[..at], Some(block_param(&rest[at + 1..])?)),
        _ => (rest, None),
    };
    let name = if head == Head::Helper || !rest.is_empty() {
        if !is_identifier(first) {
            return None;
        }
        Parameter::Name((*first).to_string())
    } else {
        match param(first)? {
            p @ Parameter::Path(_) => p,
            _ => return None,
        }
    };
    let (params, hash) = arguments(rest)?;
    Some(Parts {
        name,
        params,
        hash,
        block_param,
    })
}

/// `|item|` or `|item index|`, split into words.
fn block_param(words: &[&str]) -> Option<BlockParam> {
    let joined = words.join(" ");
    let inner = joined.strip_prefix('|')?.strip_suffix('|')?;
    let names: Vec<&str> = inner.split_whitespace().collect();
    if !names.iter().all(|n| is_identifier(n)) {
        return None;
    }
    match names.as_slice() {
        [one] => Some(BlockParam::Single(Parameter::Name((*one).to_string()))),
        [one, two] => Some(BlockParam::Pair((
            Parameter::Name((*one).to_string()),
            Parameter::Name((*two).to_string()),
        ))),
        _ => None,
    }
}

/// Arguments and named arguments.
type Arguments = (Vec<Parameter>, HashMap<String, Parameter>);

fn arguments(words: &[&str]) -> Option<Arguments> {
    let mut params = Vec::new();
    let mut hash = HashMap::new();
    for word in words {
        match hash_pair(word) {
            Some((key, value)) => {
                hash.insert(key.to_string(), param(value)?);
            }
            None => params.push(param(word)?),
        }
    }
    Some((params, hash))
}

/// `key=value`, when `word` is one.
fn hash_pair(word: &str) -> Option<(&str, &str)> {
    let (key, value) = word.split_once('=')?;
    (is_identifier(key) && !value.is_empty()).then_some((key, value))
}

/// One argument: a subexpression, a quoted string, or a word handlebars reads.
fn param(word: &str) -> Option<Parameter> {
    if let Some(inner) = word.strip_prefix('(') {
        let inner = inner.strip_suffix(')')?;
        let words = words(inner)?;
        let (first, rest) = words.split_first()?;
        if rest.is_empty() {
            let name = match param(first)? {
                p @ Parameter::Path(_) => p,
                _ => return None,
            };
            return Some(Parameter::Subexpression(Subexpression::new(
                name,
                Vec::new(),
                HashMap::new(),
            )));
        }
        if !is_identifier(first) {
            return None;
        }
        let (params, hash) = arguments(rest)?;
        return Some(Parameter::Subexpression(Subexpression::new(
            Parameter::Name((*first).to_string()),
            params,
            hash,
        )));
    }
    if let Some(inner) = word.strip_prefix('"') {
        // Read as JSON, as handlebars does; escapes are left to handlebars' grammar.
        let inner = inner.strip_suffix('"')?;
        if inner.contains(['"', '\\']) {
            return None;
        }
        return serde_json::from_str::<Json>(word)
            .ok()
            .map(Parameter::Literal);
    }
    if let Some(inner) = word.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        if inner.contains(['\'', '\\', '"']) {
            return None;
        }
        return serde_json::from_str::<Json>(&format!("\"{inner}\""))
            .ok()
            .map(Parameter::Literal);
    }
    if matches!(word, "as" | "else") || word.contains(['(', ')', '"', '\'', '=', '|', '[', '{']) {
        return None;
    }
    word_param(word)
}

/// A plain word (a path, a number, `true`) as handlebars' parameter parser reads it, once per
/// process.
fn word_param(word: &str) -> Option<Parameter> {
    if let Some(p) = plain_path(word) {
        return Some(p);
    }
    static WORDS: super::Memo<Option<Parameter>> = OnceLock::new();
    let Ok(p) = super::remembered(&WORDS, word, || {
        Ok::<_, Infallible>(Parameter::parse(word).ok())
    });
    p
}

/// A one-segment path (`project_name`, `waf`) made as handlebars makes it, without its
/// grammar: the word is ASCII letters, digits and `_`, starts with a letter or `_`, and is none
/// of the words the grammar reads otherwise (`true`, `false`, `null`, `this`, `else`, `as`).
fn plain_path(word: &str) -> Option<Parameter> {
    let mut chars = word.chars();
    let first = chars.next()?;
    let plain = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(word, "true" | "false" | "null" | "this" | "else" | "as");
    plain.then(|| {
        Parameter::Path(Path::Relative((
            vec![PathSeg::Named(word.to_string())],
            word.to_string(),
        )))
    })
}

/// The identifier at the start of `s` (the grammar's `symbol_char`s), when there is one.
pub(super) fn identifier(s: &str) -> Option<&str> {
    let end = s
        .char_indices()
        .find(|(_, c)| {
            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$' | ':') || !c.is_ascii())
        })
        .map_or(s.len(), |(i, _)| i);
    (end > 0).then(|| &s[..end])
}

/// Whether all of `s` is one identifier.
fn is_identifier(s: &str) -> bool {
    identifier(s) == Some(s)
}

/// `s` cut at whitespace outside parentheses and quotes; `None` when they are not balanced.
fn words(s: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' if depth == 0 => {
                if let Some(at) = start.take() {
                    out.push(&s[at..i]);
                }
                continue;
            }
            '"' | '\'' => quote = Some(c),
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            _ => {}
        }
        start.get_or_insert(i);
    }
    if quote.is_some() || depth != 0 {
        return None;
    }
    if let Some(at) = start {
        out.push(&s[at..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use handlebars::template::{Template, TemplateElement};

    /// The parts handlebars makes of `{{inside}}` or `{{#inside}}{{/name}}`.
    fn handlebars_parts(inside: &str, head: Head) -> Option<Parts> {
        let src = match head {
            Head::Expression => format!("{{{{{inside}}}}}"),
            Head::Helper => {
                let name = inside.split(' ').next().unwrap_or_default();
                format!("{{{{#{inside}}}}}{{{{/{name}}}}}")
            }
        };
        let t = Template::compile(&src).ok()?;
        match t.elements.as_slice() {
            [TemplateElement::Expression(h)] | [TemplateElement::HelperBlock(h)] => Some(Parts {
                name: h.name.clone(),
                params: h.params.clone(),
                hash: h.hash.clone(),
                block_param: h.block_param.clone(),
            }),
            _ => None,
        }
    }

    fn same(inside: &str, head: Head) {
        let ours = parts(inside, head).map(|p| (p.name, p.params, p.hash, p.block_param));
        let theirs =
            handlebars_parts(inside, head).map(|p| (p.name, p.params, p.hash, p.block_param));
        assert!(ours.is_some(), "declined: {inside}");
        assert_eq!(ours, theirs, "{inside}");
    }

    #[test]
    fn the_forms_blueprints_write_are_read_as_handlebars_reads_them() {
        for inside in [
            "name",
            "a.b",
            "@root.region",
            "../up",
            "this",
            "upper name",
            "eq waf \"existing\"",
            "eq waf 'existing'",
            "lookup items 1",
            "lookup items -2",
            "and a (not (eq b \"x y\"))",
            "json (split domains \",\")",
            "x k=1 j='s' l=(upper a) m=true n=null",
            "x ( upper a )",
            "é ü",
        ] {
            same(inside, Head::Expression);
        }
        for inside in [
            "if a",
            "if (eq a \"b\")",
            "each items",
            "unless (or a b)",
            "with a",
        ] {
            same(inside, Head::Helper);
        }
    }

    #[test]
    fn plain_words_are_the_paths_handlebars_parses() {
        for word in [
            "a",
            "_",
            "_x",
            "project_name",
            "waf",
            "A1",
            "x_2_y",
            "region",
            "True",
            "nulls",
            "thisone",
            "elsewhere",
            "ask",
        ] {
            assert_eq!(plain_path(word), Parameter::parse(word).ok(), "{word}");
        }
        for word in [
            "true", "false", "null", "this", "else", "as", "1a", "-a", "a-b", "a.b", "a/b", "@a",
            "é", "", "a$",
        ] {
            assert!(plain_path(word).is_none(), "{word}");
        }
    }

    #[test]
    fn what_it_does_not_read_is_declined() {
        for inside in [
            "each xs as |x|",
            "x k = 1",
            "x \"esc\\\"aped\"",
            "x 'it\\'s'",
            "x [a b]",
            "x (y",
            "x y)",
            "x as",
            "1",
            "(y)",
            "( upper a )",
            "a.b c",
        ] {
            assert!(parts(inside, Head::Expression).is_none(), "{inside}");
        }
    }
}
