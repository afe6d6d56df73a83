//! How a `files` rule's glob matches template paths ([`FileGlob`], for rendering and lint
//! alike): as globset matches with `literal_separator` (`*` stays within a segment). The
//! plainest globs (names with `*` inside a segment, `**` as a whole segment) are matched
//! directly, without compiling a regex; every other glob is left to globset. A unit test
//! compares the two on thousands of globs and paths.

/// One `/`-separated segment of a [`SimpleGlob`] glob.
#[derive(Debug)]
enum Segment<'a> {
    /// `**`: any number of segments.
    Any,
    /// A name in which `*` stands for any characters but `/`.
    Name(&'a str),
}

/// A glob of literal characters, `*` and whole-segment `**`.
#[derive(Debug)]
pub struct SimpleGlob<'a>(Vec<Segment<'a>>);

impl<'a> SimpleGlob<'a> {
    /// The glob when it is of the plainest kind; `None` for anything else (`?`, classes,
    /// alternatives, escapes, empty segments, `**` inside a name or twice in a row).
    pub fn parse(glob: &'a str) -> Option<Self> {
        if glob.is_empty() || glob.contains(['?', '[', ']', '{', '}', '\\', '!']) {
            return None;
        }
        let mut segments = Vec::new();
        for part in glob.split('/') {
            match part {
                "**" if matches!(segments.last(), Some(Segment::Any)) => return None,
                "**" => segments.push(Segment::Any),
                _ if part.is_empty() || part.contains("**") => return None,
                _ => segments.push(Segment::Name(part)),
            }
        }
        Some(SimpleGlob(segments))
    }

    /// Whether `path` (relative, `/`-separated) matches.
    pub fn is_match(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        matches(&self.0, &parts, true)
    }
}

/// A `files` rule's glob, matched against paths relative to `template/`.
#[derive(Debug)]
pub enum FileGlob<'a> {
    /// Matched directly.
    Simple(SimpleGlob<'a>),
    /// Matched by globset.
    Other(globset::GlobMatcher),
}

impl<'a> FileGlob<'a> {
    /// The glob, or why globset refuses it.
    pub fn new(glob: &'a str) -> Result<Self, globset::Error> {
        match SimpleGlob::parse(glob) {
            Some(simple) => Ok(FileGlob::Simple(simple)),
            None => Ok(FileGlob::Other(
                globset::GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()?
                    .compile_matcher(),
            )),
        }
    }

    /// Whether `path` (relative, `/`-separated) matches.
    pub fn is_match(&self, path: &str) -> bool {
        match self {
            FileGlob::Simple(simple) => simple.is_match(path),
            FileGlob::Other(matcher) => matcher.is_match(path),
        }
    }
}

/// `segments` against `parts`; `first` when `segments` starts the glob.
fn matches(segments: &[Segment<'_>], parts: &[&str], first: bool) -> bool {
    match segments.split_first() {
        None => parts.is_empty(),
        Some((Segment::Any, [])) => first || !parts.is_empty(),
        Some((Segment::Any, rest)) => {
            (0..=parts.len()).any(|skip| matches(rest, &parts[skip..], false))
        }
        Some((Segment::Name(name), rest)) => parts.split_first().is_some_and(|(part, more)| {
            wild(name.as_bytes(), part.as_bytes()) && matches(rest, more, false)
        }),
    }
}

/// `pattern` (literal bytes and `*`) against all of `text`. Byte-wise is character-wise here:
/// a UTF-8 literal can only match at a character boundary of UTF-8 text.
fn wild(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and where in `text` it stopped matching.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globset(glob: &str) -> globset::GlobMatcher {
        globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .unwrap_or_else(|e| panic!("{glob}: {e}"))
            .compile_matcher()
    }

    #[test]
    fn plain_globs_are_read_and_others_are_left_to_globset() {
        for glob in [
            "a",
            "src/*.mjs",
            "**/x",
            "a/**",
            "a/**/b",
            "**",
            "*.hbs",
            "é*",
        ] {
            assert!(SimpleGlob::parse(glob).is_some(), "{glob}");
        }
        for glob in [
            "", "a?", "[ab]", "{a,b}", "a\\*", "/a", "a/", "a//b", "a**", "**/**", "!a",
        ] {
            assert!(SimpleGlob::parse(glob).is_none(), "{glob}");
        }
    }

    #[test]
    fn each_plain_glob_matches_as_globset_does() {
        let glob_parts = [
            "a", "b", "ab", "*", "a*", "*b", "*.x", "a*b", "**", "x.*", ".a", "*a*",
        ];
        let path_parts = [
            "a", "b", "ab", "aab", "a.x", "b.x", "x.y", ".a", "ba", "bab", "é",
        ];
        // xorshift: the same cases every run.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut compared = 0;
        for _ in 0..600 {
            let glob = (0..1 + next(4))
                .map(|_| glob_parts[next(glob_parts.len())])
                .collect::<Vec<_>>()
                .join("/");
            let Some(simple) = SimpleGlob::parse(&glob) else {
                continue;
            };
            let theirs = globset(&glob);
            for _ in 0..20 {
                let path = (0..1 + next(4))
                    .map(|_| path_parts[next(path_parts.len())])
                    .collect::<Vec<_>>()
                    .join("/");
                assert_eq!(
                    simple.is_match(&path),
                    theirs.is_match(&path),
                    "{glob} ~ {path}"
                );
                compared += 1;
            }
        }
        assert!(compared > 8_000, "{compared}");
    }

    #[test]
    fn double_stars_match_whole_segments() {
        let m = |glob: &str, path: &str| SimpleGlob::parse(glob).unwrap().is_match(path);
        assert!(m("a/**", "a/b/c"));
        assert!(!m("a/**", "a"));
        assert!(m("**/c", "c"));
        assert!(m("**/c", "a/b/c"));
        assert!(m("a/**/c", "a/c"));
        assert!(m("a/**/c", "a/b/b/c"));
        assert!(!m("src/*.mjs", "src/x/a.mjs"));
        assert!(m("**", "anything/at/all"));
    }
}
