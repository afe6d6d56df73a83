//! Template text back from rendered text: each answer value, and each case variant of it that a
//! helper makes (`OrdersApi` from `orders-api` by `pascalCase`), becomes the tag that renders it
//! (`{{project_name}}`, `{{pascalCase project_name}}`), longest first and only at token
//! boundaries, and a `{{` already in the text is escaped so that it renders as itself. Absorb,
//! extract and the feedback report's grouping share it. Pure.

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
    ToTrainCase, ToUpperCamelCase,
};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// The shortest value (in characters) that is turned into a variable: shorter ones occur by
/// chance inside too much text.
pub const MIN_VALUE_CHARS: usize = 3;

/// A case conversion.
type Convert = fn(&str) -> String;

/// The helpers whose output stands for a value, tried in this order; the first to give a text
/// names it. The value itself comes before all of them. Each is computed as the helper computes
/// it (heck's conversions; a test checks them against the engine).
const VARIANTS: &[(&str, Convert)] = &[
    ("pascalCase", |s| s.to_upper_camel_case()),
    ("camelCase", |s| s.to_lower_camel_case()),
    ("snakeCase", |s| s.to_snake_case()),
    ("kebabCase", |s| s.to_kebab_case()),
    ("shoutySnakeCase", |s| s.to_shouty_snake_case()),
    ("shoutyKebabCase", |s| s.to_shouty_kebab_case()),
    ("titleCase", |s| s.to_title_case()),
    ("trainCase", |s| s.to_train_case()),
    ("upper", |s| s.to_uppercase()),
    ("lower", |s| s.to_lowercase()),
];

/// One text to look for and the tag that renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    /// The parameter whose value this is.
    pub key: String,
    /// The text as it appears in a project.
    pub text: String,
    /// The template text that renders it: `{{key}}` or `{{helper key}}`.
    pub tag: String,
}

/// An occurrence of a value that was left as it is, because it is part of a longer token
/// (`api` in `rapid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsideToken {
    /// The parameter whose value it is.
    pub key: String,
    /// The text found.
    pub text: String,
    /// 1-based line of the occurrence.
    pub line: usize,
}

/// What [`Substitutions::apply`] made of a text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Templatized {
    /// The template text.
    pub text: String,
    /// How many occurrences of each parameter's values became a tag.
    pub replaced: BTreeMap<String, usize>,
    /// Occurrences left alone, inside longer tokens.
    pub inside_tokens: Vec<InsideToken>,
    /// Whether the text held `{{` that is now escaped.
    pub escaped: bool,
}

impl Templatized {
    /// Whether the text needs rendering: it holds a tag or an escaped `{{`.
    pub fn is_template(&self) -> bool {
        self.escaped || !self.replaced.is_empty()
    }
}

/// The texts to look for, longest first.
#[derive(Debug, Clone, Default)]
pub struct Substitutions {
    subs: Vec<Substitution>,
    /// Index into `subs` by first byte, each list longest first.
    by_first: BTreeMap<u8, Vec<usize>>,
}

impl Substitutions {
    /// The substitutions for string values (`key`, `value`): each value of
    /// [`MIN_VALUE_CHARS`] characters or more and its case variants. When two keys give the same
    /// text, the first given keeps it, and a value's own text comes before any variant's.
    pub fn new(values: &[(String, String)]) -> Self {
        Self::with_plain(values, &[])
    }

    /// [`Self::new`], plus `plain` values (`key`, text) that are looked for as they are, with
    /// no case variants: the text of a boolean or number answer (`true`, `8080`), which renders
    /// as `{{key}}` and which the case helpers do not take.
    pub fn with_plain(values: &[(String, String)], plain: &[(String, String)]) -> Self {
        let mut subs: Vec<Substitution> = Vec::new();
        let mut add = |key: &str, text: String, tag: String| {
            if text.chars().count() >= MIN_VALUE_CHARS && !subs.iter().any(|s| s.text == text) {
                subs.push(Substitution {
                    key: key.to_string(),
                    text,
                    tag,
                });
            }
        };
        for (key, value) in values.iter().chain(plain) {
            add(key, value.clone(), format!("{{{{{key}}}}}"));
        }
        for (key, value) in values {
            for (helper, convert) in VARIANTS {
                add(key, convert(value), format!("{{{{{helper} {key}}}}}"));
            }
        }
        Self::from_list(subs)
    }

    /// The string answers of an answers object (booleans, numbers and lists are left out).
    pub fn from_answers(answers: &Map<String, Json>) -> Self {
        let values: Vec<(String, String)> = answers
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect();
        Self::new(&values)
    }

    fn from_list(mut subs: Vec<Substitution>) -> Self {
        // Longest first; a stable sort keeps the given order among equals.
        subs.sort_by_key(|s| std::cmp::Reverse(s.text.len()));
        let mut by_first: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
        for (i, s) in subs.iter().enumerate() {
            if let Some(&b) = s.text.as_bytes().first() {
                by_first.entry(b).or_default().push(i);
            }
        }
        Substitutions { subs, by_first }
    }

    /// Every substitution, longest text first.
    pub fn list(&self) -> &[Substitution] {
        &self.subs
    }

    /// Whether there is nothing to substitute.
    pub fn is_empty(&self) -> bool {
        self.subs.is_empty()
    }

    /// `text` as template text: every `{{` escaped, then each value at token boundaries
    /// replaced by its tag (longest first, left to right).
    pub fn apply(&self, text: &str) -> Templatized {
        self.apply_escaping(text, false)
    }

    /// [`Self::apply`] for one segment of a template path: a path cannot hold the backslash
    /// of `\{{`, so a `{{` already in it becomes a helper call that writes it.
    pub fn apply_to_path_segment(&self, segment: &str) -> Templatized {
        self.apply_escaping(segment, true)
    }

    fn apply_escaping(&self, text: &str, in_path: bool) -> Templatized {
        let mut out = Templatized {
            text: String::with_capacity(text.len() + text.len() / 8),
            ..Templatized::default()
        };
        let bytes = text.as_bytes();
        let mut line = 1;
        let mut at = 0;
        let mut copied = 0;
        while at < bytes.len() {
            let b = bytes[at];
            if b == b'\n' {
                line += 1;
            }
            if b == b'{' && bytes.get(at + 1) == Some(&b'{') {
                // Backslashes right before `{{` would change what the escape means: a helper
                // writes them instead.
                let run = text[copied..at].len() - text[copied..at].trim_end_matches('\\').len();
                out.text.push_str(&text[copied..at - run]);
                if run > 0 {
                    push_tag(
                        &mut out.text,
                        &format!("{{{{lower \"{}\"}}}}", "\\\\".repeat(run)),
                    );
                }
                if in_path {
                    push_tag(&mut out.text, PATH_BRACES);
                } else {
                    out.text.push_str("\\{{");
                }
                out.escaped = true;
                at += 2;
                copied = at;
                continue;
            }
            let Some(candidates) = self.by_first.get(&b) else {
                at += 1;
                continue;
            };
            let mut taken = None;
            for &i in candidates {
                let s = &self.subs[i];
                if !text[at..].starts_with(&s.text) {
                    continue;
                }
                if boundary(text, at) && boundary(text, at + s.text.len()) {
                    taken = Some(s);
                    break;
                }
                if !out
                    .inside_tokens
                    .last()
                    .is_some_and(|t| t.line == line && t.text == s.text)
                {
                    out.inside_tokens.push(InsideToken {
                        key: s.key.clone(),
                        text: s.text.clone(),
                        line,
                    });
                }
            }
            match taken {
                Some(s) => {
                    out.text.push_str(&text[copied..at]);
                    push_tag(&mut out.text, &s.tag);
                    *out.replaced.entry(s.key.clone()).or_default() += 1;
                    at += s.text.len();
                    copied = at;
                }
                None => at += 1 + utf8_tail(&bytes[at + 1..]),
            }
        }
        out.text.push_str(&text[copied..]);
        out
    }
}

/// What renders `{{` in a template path.
const PATH_BRACES: &str = "{{lower \"{{\"}}";

/// Appends `tag` (`{{...}}`) to template text. After `{` (which would make `{{{`) or `\\`
/// (which would escape it), a space keeps them apart and the tag's `~` strips the space.
fn push_tag(out: &mut String, tag: &str) {
    if out.ends_with(['{', '\\']) {
        out.push_str(" {{~");
        out.push_str(&tag[2..]);
    } else {
        out.push_str(tag);
    }
}

/// How many continuation bytes follow a character's first byte.
fn utf8_tail(rest: &[u8]) -> usize {
    rest.iter().take_while(|b| (**b & 0xC0) == 0x80).count()
}

/// A token boundary at byte `at`: the start or the end of the text, a character that is not a
/// letter or digit on either side, or a change from lower case (or a digit) to upper case
/// (`orders` + `Api`).
fn boundary(text: &str, at: usize) -> bool {
    match (text[..at].chars().next_back(), text[at..].chars().next()) {
        (Some(before), Some(after)) => {
            !before.is_alphanumeric()
                || !after.is_alphanumeric()
                || ((before.is_lowercase() || before.is_ascii_digit()) && after.is_uppercase())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Engine;
    use proptest::prelude::*;

    #[test]
    fn each_variant_is_what_its_helper_renders() {
        let engine = Engine::new(&BTreeMap::new()).unwrap();
        for value in [
            "orders-api",
            "Orders API",
            "orders_api2",
            "ordersApi",
            "ÉtéSvc",
        ] {
            let ctx = serde_json::json!({ "v": value });
            for (helper, convert) in VARIANTS {
                let rendered = engine.render_str("t", &format!("{{{{{helper} v}}}}"), &ctx);
                assert_eq!(rendered.unwrap(), convert(value), "{helper} of {value:?}");
            }
        }
    }

    fn subs(values: &[(&str, &str)]) -> Substitutions {
        let values: Vec<(String, String)> = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Substitutions::new(&values)
    }

    fn render(src: &str, values: &[(&str, &str)]) -> String {
        let engine = Engine::new(&BTreeMap::new()).unwrap();
        let ctx = Json::Object(
            values
                .iter()
                .map(|(k, v)| (k.to_string(), Json::String(v.to_string())))
                .collect(),
        );
        engine.render_str("test", src, &ctx).unwrap()
    }

    #[test]
    fn values_and_their_case_variants_become_tags_at_token_boundaries() {
        let s = subs(&[("project_name", "orders-api")]);
        let text = "name: orders-api\nResource: OrdersApiFunction\nenv: ORDERS_API_TABLE\nrapid orders-apix\n";
        let t = s.apply(text);
        assert_eq!(
            t.text,
            "name: {{project_name}}\nResource: {{pascalCase project_name}}Function\n\
             env: {{shoutySnakeCase project_name}}_TABLE\nrapid orders-apix\n"
        );
        assert_eq!(t.replaced["project_name"], 3);
        assert_eq!(t.inside_tokens.len(), 1);
        assert_eq!(t.inside_tokens[0].line, 4);
        assert_eq!(render(&t.text, &[("project_name", "orders-api")]), text);
    }

    #[test]
    fn a_short_value_is_never_a_variable_and_longest_wins() {
        let s = subs(&[("a", "ab"), ("svc", "orders"), ("full", "orders-api")]);
        assert_eq!(s.apply("ab orders orders-api").text, "ab {{svc}} {{full}}");
    }

    #[test]
    fn a_plain_value_has_no_case_variants() {
        let s = Substitutions::with_plain(&[], &[(String::from("tracing"), String::from("true"))]);
        assert_eq!(
            s.apply("a: true\nb: True\nc: untrue").text,
            "a: {{tracing}}\nb: True\nc: untrue"
        );
    }

    #[test]
    fn braces_are_escaped_and_never_touch_a_tag() {
        let values = [("name", "orders")];
        let s = subs(&values);
        for text in [
            "a {{b}} c",
            "{orders} ${orders}",
            "{{{orders}}}",
            "x\\{{y}}",
            "{\\{{y}}",
            "\\\\{{ orders\\",
            "orders\\{{",
            "}}{{",
            "{{",
        ] {
            let t = s.apply(text);
            assert_eq!(
                render(&t.text, &values),
                text,
                "{text:?} became {:?}",
                t.text
            );
        }
    }

    #[test]
    fn braces_in_a_path_segment_render_as_themselves_without_a_backslash() {
        let values = [("name", "orders")];
        let s = subs(&values);
        for text in [
            "{{x}}.txt",
            "{{{orders}}}",
            "a{{{{b",
            "orders-{{",
            "{orders}}",
        ] {
            let t = s.apply_to_path_segment(text);
            assert!(!t.text.contains('\\'), "{text:?} became {:?}", t.text);
            assert!(t.escaped == text.contains("{{"));
            assert_eq!(
                render(&t.text, &values),
                text,
                "{text:?} became {:?}",
                t.text
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x7061_7665),
            ..ProptestConfig::default()
        })]
        #[test]
        fn a_templatized_text_renders_back_to_itself(
            text in "[a-zA-Z_{}\\\\ \n-]{0,40}(orders-api|OrdersApi|ORDERS_API|ordersApi)?[a-zA-Z_{}\\\\ \n-]{0,40}",
        ) {
            let values = [("project_name", "orders-api")];
            let t = subs(&values).apply(&text);
            let engine = Engine::new(&BTreeMap::new()).unwrap();
            let ctx = serde_json::json!({"project_name": "orders-api"});
            let back = engine.render_str("prop", &t.text, &ctx);
            prop_assert_eq!(back.ok(), Some(text.clone()), "template {:?}", t.text);
        }
    }
}
