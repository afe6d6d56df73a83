//! How a `files` rule's glob matches template paths ([`FileGlob`], for rendering and lint
//! alike): as globset matches with `literal_separator` (`*` stays within a segment).

/// A `files` rule's glob, matched against paths relative to `template/`.
#[derive(Debug)]
pub struct FileGlob(globset::GlobMatcher);

impl FileGlob {
    /// The glob, or why globset refuses it.
    pub fn new(glob: &str) -> Result<Self, globset::Error> {
        Ok(FileGlob(
            globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()?
                .compile_matcher(),
        ))
    }

    /// Whether `path` (relative, `/`-separated) matches.
    pub fn is_match(&self, path: &str) -> bool {
        self.0.is_match(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_stay_within_a_folder_and_double_stars_match_whole_segments() {
        let m = |glob: &str, path: &str| FileGlob::new(glob).unwrap().is_match(path);
        assert!(m("a/**", "a/b/c"));
        assert!(!m("a/**", "a"));
        assert!(m("**/c", "c"));
        assert!(m("**/c", "a/b/c"));
        assert!(m("a/**/c", "a/c"));
        assert!(m("a/**/c", "a/b/b/c"));
        assert!(m("src/*.mjs", "src/a.mjs"));
        assert!(!m("src/*.mjs", "src/x/a.mjs"));
        assert!(m("**", "anything/at/all"));
        assert!(m("src/{a,b}.py", "src/b.py"));
    }
}
