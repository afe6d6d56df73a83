//! A parameter's `pattern`, compiled by regex to match whole answers.

/// `pattern` compiled to match whole texts.
pub(super) fn anchored(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&format!("^(?:{pattern})$"))
}

/// Whether `pattern` plainly allows an empty text, without compiling it: an optional answer's
/// pattern starts with the alternative `^$|`. (A pattern that does not compile is refused when
/// its manifest is checked.)
pub(super) fn allows_empty(pattern: &str) -> bool {
    pattern.starts_with("^$|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_matches_whole_answers_with_regex_unicode_classes() {
        let re = anchored(r"^$|^[a-z][a-z0-9-]{1,40}$").expect("compiles");
        assert!(re.is_match("orders-api"));
        assert!(!re.is_match("orders api"));
        let re = anchored("a|b").expect("compiles");
        assert!(re.is_match("b"));
        assert!(!re.is_match("ab"), "alternatives are anchored as a whole");
        assert!(anchored(r"\s").is_ok_and(|re| re.is_match("\u{3000}")));
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
        let err = anchored("[a-")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("invalid character class range"), "{err}");
    }
}
