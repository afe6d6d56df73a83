//! A parameter's `pattern`, compiled once per process and matched against whole answers. The
//! regex crate builds several automata per pattern (UTF-8 automata for every Unicode class,
//! a reverse automaton, DFAs), which made compiling a manifest's patterns a large part of a
//! `pave new`. A pattern whose meaning is the same in regex-lite (which matches on characters,
//! not bytes, and compiles in a fraction of the time) is compiled there; any other pattern, and
//! any pattern regex-lite does not take, is compiled by regex, whose syntax and errors are the
//! ones blueprint authors are told about.
//!
//! The two differ only in Unicode: regex-lite has no `\p` classes, no Unicode case folding, and
//! reads `\w`, `\d`, `\s` and `\b` as ASCII. A pattern with any of those, or with flags, goes
//! to regex, except `\s`: it is written out as the characters of Unicode's `White_Space`
//! property, which is what regex means by it.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A compiled pattern.
#[derive(Clone)]
pub(super) enum Pattern {
    Lite(regex_lite::Regex),
    Full(regex::Regex),
}

impl Pattern {
    /// Whether all of `text` matches.
    pub(super) fn is_match(&self, text: &str) -> bool {
        match self {
            Pattern::Lite(re) => re.is_match(text),
            Pattern::Full(re) => re.is_match(text),
        }
    }
}

/// The characters of Unicode's `White_Space` property (what regex's `\s` matches), as items
/// of a character class.
const WHITE_SPACE: &str =
    r"\t-\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";

/// `pattern` compiled to match whole texts, from this process's cache when it was compiled
/// before (a manifest's patterns are checked when it loads and used again for its answers).
pub(super) fn anchored(pattern: &str) -> Result<Pattern, regex::Error> {
    static CACHE: OnceLock<Mutex<HashMap<String, Pattern>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let lite = for_lite(pattern)
        .and_then(|p| regex_lite::Regex::new(&format!("^(?:{p})$")).ok())
        .map(Pattern::Lite);
    let re = match lite {
        Some(re) => re,
        None => Pattern::Full(regex::Regex::new(&format!("^(?:{pattern})$"))?),
    };
    if let Ok(mut c) = cache.lock() {
        c.insert(pattern.to_string(), re.clone());
    }
    Ok(re)
}

/// Whether `pattern` plainly allows an empty text, without compiling it: an optional answer's
/// pattern starts with the alternative `^$|`. (A pattern that does not compile is refused when
/// its manifest is checked.)
pub(super) fn allows_empty(pattern: &str) -> bool {
    pattern.starts_with("^$|")
}

/// `pattern` written so that regex-lite reads it as regex does, or `None` when it uses what
/// regex-lite reads otherwise.
fn for_lite(pattern: &str) -> Option<String> {
    if pattern.contains("(?") || pattern.contains("[:") {
        return None;
    }
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    // Where the class being read started in `out`, to tell a leading `]` (a literal) apart.
    let mut class_start = 0;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next()?;
                match next {
                    // A range cannot start or end at a class of characters.
                    's' if in_class
                        && (chars.as_str().starts_with('-')
                            || (out.ends_with('-') && out.len() > class_start + 1)) =>
                    {
                        return None;
                    }
                    's' if in_class => out.push_str(WHITE_SPACE),
                    's' => {
                        out.push('[');
                        out.push_str(WHITE_SPACE);
                        out.push(']');
                    }
                    // Unicode classes, Unicode-aware Perl classes and word boundaries.
                    'p' | 'P' | 'w' | 'W' | 'd' | 'D' | 'S' | 'b' | 'B' | '<' | '>' => return None,
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' if in_class => return None,
            '[' => {
                in_class = true;
                out.push('[');
                if chars.as_str().starts_with('^') {
                    chars.next();
                    out.push('^');
                }
                class_start = out.len();
            }
            ']' if in_class && out.len() > class_start => {
                in_class = false;
                out.push(']');
            }
            other => out.push(other),
        }
    }
    (!in_class).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character, and texts around it, match the same way in both engines.
    fn agree(pattern: &str) {
        let full = regex::Regex::new(&format!("^(?:{pattern})$")).expect("regex");
        let fast = anchored(pattern).expect("compiles");
        assert!(
            matches!(fast, Pattern::Lite(_)),
            "{pattern} should go to regex-lite"
        );
        let every_61th = (0..=0x10FFFF).filter_map(char::from_u32).step_by(61);
        let spaces = WHITE_SPACE_CHARS.chars();
        for c in every_61th.chain(spaces).chain("-]^\\\"\n".chars()) {
            for text in [c.to_string(), format!("a{c}"), format!("https://x{c}y")] {
                assert_eq!(
                    fast.is_match(&text),
                    full.is_match(&text),
                    "{pattern} on {text:?}"
                );
            }
        }
    }

    /// Unicode's `White_Space` characters, written out.
    const WHITE_SPACE_CHARS: &str = "\t\n\u{B}\u{C}\r \u{85}\u{A0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}";

    #[test]
    fn white_space_is_what_regex_means_by_backslash_s() {
        let full = regex::Regex::new(r"^\s$").expect("regex");
        let lite = regex_lite::Regex::new(&format!("^[{WHITE_SPACE}]$")).expect("lite");
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                lite.is_match(&c.to_string()),
                full.is_match(&c.to_string()),
                "{c:?}"
            );
        }
    }

    #[test]
    fn ascii_patterns_and_backslash_s_mean_the_same_in_both() {
        for pattern in [
            r"^[a-z][a-z0-9-]{1,40}$",
            r"^$|^https://[^\s\x22\\]+$",
            r"^$|^[^\s\x22\\]+$",
            r"^[^\r\n]+$",
            r"\s*x\s+",
            r"[]a]+|[^]b]",
            r"^$|^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
            r".é+",
            r"[\s]|[ab\s]",
        ] {
            agree(pattern);
        }
    }

    #[test]
    fn unicode_classes_flags_and_word_boundaries_go_to_regex() {
        for pattern in [
            r"\w+",
            r"\d",
            r"\pL",
            r"(?i)k",
            r"\bx",
            r"[[:alpha:]]",
            r"[a[b]]",
            r"\S",
            r"[\s-z]",
            r"[a-\s]",
        ] {
            assert!(
                !matches!(anchored(pattern), Ok(Pattern::Lite(_))),
                "{pattern}"
            );
        }
        assert!(anchored("(?i)k").is_ok_and(|re| re.is_match("\u{212A}")));
        assert!(anchored(r"\d").is_ok_and(|re| re.is_match("\u{0663}")));
    }

    #[test]
    fn what_plainly_allows_an_empty_text_does() {
        for pattern in [
            r"^$|^[a-z]+$",
            r"^$|^arn:aws:acm:us-east-1:[0-9]{12}:x$",
            r"^$|a|b",
        ] {
            assert!(allows_empty(pattern), "{pattern}");
            assert!(
                anchored(pattern).expect("compiles").is_match(""),
                "{pattern}"
            );
        }
        for pattern in [r"^[a-z]*$", r"^$x|^y$", r"^($|a)", r"$|^a"] {
            assert!(!allows_empty(pattern), "{pattern}");
        }
    }

    #[test]
    fn a_pattern_that_does_not_compile_gets_the_regex_error() {
        let broken = String::from("[a-");
        let err = anchored(&broken)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("invalid character class range"), "{err}");
        assert_eq!(
            err,
            regex::Regex::new(&format!("^(?:{broken})$"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        );
    }
}
