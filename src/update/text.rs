//! Text-level facts and merges for `update`: whether bytes are binary, and the three-way merge
//! of one text file through libgit2's `git_merge_file` (diff3 style, with labels).
//!
//! libgit2 facts this relies on (pinned by the tests below): a side identical to the base gives
//! the other side byte for byte; identical changes on both sides are not a conflict; a missing
//! final newline is kept by a clean merge, and a conflict section whose last line lacks one gets
//! a newline so the next marker starts a line; line endings are compared byte for byte (CRLF is
//! not normalised) and marker lines take `\r\n` when the surrounding lines do; inputs with a NUL
//! in their first 8000 bytes are refused (no content, not mergeable); the marker line of an
//! empty side carries no label (`|||||||` alone for a file both sides added).

use git2::{MergeFileInput, MergeFileOptions};

use crate::blueprint::is_binary;

/// `git2::merge_file` does not initialise libgit2 itself (other git2 calls do): as the first
/// libgit2 call of a process it fails with "no error". Any initialising call fixes that; parsing
/// an object id is the cheapest.
fn init_libgit2() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let _ = git2::Oid::from_bytes(&[0; 20]);
    });
}

/// The labels of the three sections of a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The project's side (`project`).
    pub ours: String,
    /// The base: the recorded version's render (`blueprint <old>`).
    pub base: String,
    /// The target version's render (`blueprint <new>`).
    pub theirs: String,
}

/// The result of merging one text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMerge {
    /// Merged without conflicts.
    Clean(Vec<u8>),
    /// Merged with conflict markers (diff3 style: project, base, new blueprint).
    Conflicted(Vec<u8>),
}

/// Merges `ours` and `theirs` from `base`, or `None` when libgit2 will not merge them as text
/// (binary or too large: the caller keeps both sides whole).
pub fn merge_text(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels,
) -> Result<Option<TextMerge>, git2::Error> {
    if is_binary(base) || is_binary(ours) || is_binary(theirs) {
        return Ok(None);
    }
    init_libgit2();
    let mut ancestor = MergeFileInput::new();
    ancestor.content(base);
    let mut our = MergeFileInput::new();
    our.content(ours);
    let mut their = MergeFileInput::new();
    their.content(theirs);
    let mut options = MergeFileOptions::new();
    options
        .style_diff3(true)
        .ancestor_label(labels.base.as_str())
        .our_label(labels.ours.as_str())
        .their_label(labels.theirs.as_str());
    let result = git2::merge_file(&ancestor, &our, &their, Some(&mut options))?;
    let content = result.content().to_vec();
    if result.is_automergeable() {
        return Ok(Some(TextMerge::Clean(content)));
    }
    // A refusal comes back as "not mergeable" with no content; never mistake it for a result.
    if content.is_empty() {
        return Ok(None);
    }
    Ok(Some(TextMerge::Conflicted(content)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::blueprint::BINARY_SNIFF_LEN;

    fn labels() -> Labels {
        Labels {
            ours: "project".into(),
            base: "blueprint 1.0.0".into(),
            theirs: "blueprint 1.1.0".into(),
        }
    }

    fn merge(base: &str, ours: &str, theirs: &str) -> TextMerge {
        merge_text(
            base.as_bytes(),
            ours.as_bytes(),
            theirs.as_bytes(),
            &labels(),
        )
        .unwrap()
        .unwrap()
    }

    fn clean(m: TextMerge) -> String {
        match m {
            TextMerge::Clean(d) => String::from_utf8(d).unwrap(),
            TextMerge::Conflicted(d) => panic!("conflict: {}", String::from_utf8_lossy(&d)),
        }
    }

    fn conflicted(m: TextMerge) -> String {
        match m {
            TextMerge::Conflicted(d) => String::from_utf8(d).unwrap(),
            TextMerge::Clean(d) => panic!("clean: {}", String::from_utf8_lossy(&d)),
        }
    }

    #[test]
    fn binary_means_a_nul_in_the_first_8_kib() {
        assert!(is_binary(b"a\0b"));
        assert!(!is_binary(b"plain text\n"));
        let mut late = vec![b'a'; BINARY_SNIFF_LEN];
        late.push(0);
        assert!(!is_binary(&late), "a NUL after the sniffed prefix is text");
        late[BINARY_SNIFF_LEN - 1] = 0;
        assert!(is_binary(&late));
    }

    #[test]
    fn disjoint_changes_merge_cleanly() {
        let out = merge("a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n");
        assert_eq!(clean(out), "A\nb\nc\nd\nE\n");
    }

    #[test]
    fn identical_changes_are_not_a_conflict() {
        let out = merge("a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\n");
        assert_eq!(clean(out), "a\nB\nc\n");
    }

    #[test]
    fn conflicts_are_diff3_with_the_three_labels() {
        let out = conflicted(merge("a\nb\nc\n", "a\nours\nc\n", "a\ntheirs\nc\n"));
        assert_eq!(
            out,
            "a\n<<<<<<< project\nours\n||||||| blueprint 1.0.0\nb\n=======\ntheirs\n>>>>>>> blueprint 1.1.0\nc\n"
        );
    }

    #[test]
    fn a_clean_merge_keeps_a_missing_final_newline() {
        let out = merge("a\nb\nc\nd\nlast", "A\nb\nc\nd\nlast", "a\nb\nc\nd\nLAST");
        assert_eq!(clean(out), "A\nb\nc\nd\nLAST");
    }

    #[test]
    fn a_conflict_side_without_final_newline_gets_one_before_the_marker() {
        let out = conflicted(merge("a\nlast", "a\nmine", "a\ntheirs"));
        assert_eq!(
            out,
            "a\n<<<<<<< project\nmine\n||||||| blueprint 1.0.0\nlast\n=======\ntheirs\n>>>>>>> blueprint 1.1.0\n"
        );
    }

    #[test]
    fn crlf_is_compared_bytewise_and_markers_follow_it() {
        // Only the line endings differ on the project side: a whole-file change.
        let out = conflicted(merge("a\nb\n", "a\r\nb\r\n", "a\nB\n"));
        assert!(out.contains("a\r\nb\r\n"), "{out:?}");
        // All-CRLF files get CRLF marker lines.
        let out = conflicted(merge(
            "a\r\nb\r\nc\r\n",
            "a\r\nX\r\nc\r\n",
            "a\r\nY\r\nc\r\n",
        ));
        assert!(out.contains("<<<<<<< project\r\n"), "{out:?}");
        assert!(out.contains("=======\r\n"), "{out:?}");
    }

    /// Run in a process of its own by [`the_first_merge_of_a_process_works`].
    #[test]
    #[ignore = "run alone in a fresh process by the_first_merge_of_a_process_works"]
    fn first_merge_in_this_process() {
        let r = merge_text(b"one\ntwo\n", b"my\nown without", b"new\n", &labels());
        assert!(matches!(r, Ok(Some(TextMerge::Conflicted(_)))), "{r:?}");
    }

    #[test]
    fn the_first_merge_of_a_process_works() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "--ignored",
                "--test-threads=1",
                "update::text::tests::first_merge_in_this_process",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn binary_input_is_refused_not_merged() {
        let r = merge_text(b"a\0", b"b\0", b"c\0", &labels()).unwrap();
        assert_eq!(r, None);
    }
}
