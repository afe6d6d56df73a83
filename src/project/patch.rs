//! A project rebuilt from a patch: the git-style diff a feedback item carries
//! ([`super::diff::ProjectDiff::unified`], masked and capped by `feedback::redact`) read back
//! ([`parse`]) and applied to the pristine render it was made against ([`apply`]), so that the
//! platform team can work with a developer's project without having it. A hunk that cannot be
//! applied (a line masked as a possible secret on its new side, context that does not match, a
//! hunk cut short by the cap, a binary file whose bytes were never sent) is left out and
//! named, with why; nothing is dropped silently. Pure.

use super::diff::Hunk;
use crate::blueprint::{Entry, FileTree};
use crate::error::{Classify, ErrorKind};

/// What a masked line says instead of itself (`feedback::redact::MARKER`; kept here as text so
/// that `project` does not depend on `feedback`).
pub const MASKED: &str = "[pave: line removed, it looked like a secret]";

/// One file of a patch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchFile {
    /// The project path.
    pub path: String,
    /// `new file mode` was given.
    pub added: bool,
    /// `deleted file mode` was given.
    pub deleted: bool,
    /// The new mode is executable (`100755`), when the patch says.
    pub executable: Option<bool>,
    /// `Binary files ... differ`: the bytes are not in the patch.
    pub binary: bool,
    /// The hunks, in order.
    pub hunks: Vec<Hunk>,
    /// Whether the last hunk was cut short (the patch ends inside it).
    pub truncated: bool,
}

/// Why a part of a patch was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The project path.
    pub path: String,
    /// The hunk's `@@` line, or none for the whole file.
    pub hunk: Option<String>,
    /// The hunk's lines as the patch has them.
    pub lines: Vec<String>,
    /// Why, in words.
    pub reason: String,
}

/// The project a patch describes.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// The pristine render with every hunk that could be applied.
    pub tree: FileTree,
    /// What was left out.
    pub skipped: Vec<Skipped>,
}

/// A patch that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} of the attached diff: {message}")]
pub struct PatchError {
    /// 1-based line of the patch.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Classify for PatchError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Failure
    }
}

/// Reads a git-style patch: `diff --git`, mode lines, `---`/`+++`, `@@` hunks. A patch cut
/// short (by the size cap) gives its last hunk marked as truncated.
pub fn parse(text: &str) -> Result<Vec<PatchFile>, PatchError> {
    let mut files: Vec<PatchFile> = Vec::new();
    // Lines still expected in the current hunk: old side, new side.
    let mut left = (0usize, 0usize);
    for (n, line) in text.lines().enumerate() {
        let at = n + 1;
        let bad = |message: &str| PatchError {
            line: at,
            message: message.to_string(),
        };
        if let Some(rest) = line.strip_prefix("diff --git ") {
            if left != (0, 0)
                && let Some(file) = files.last_mut()
            {
                file.truncated = true;
            }
            left = (0, 0);
            let path = rest
                .split_once(" b/")
                .map(|(_, b)| b)
                .ok_or_else(|| bad("a `diff --git` line without `b/<path>`"))?;
            // The diff is another machine's text: its paths stay below the project.
            if !crate::names::plain_path(path) {
                return Err(bad(&format!(
                    "`{path}` is not a plain relative path (no `..`, no leading `/`, no `\\`)"
                )));
            }
            files.push(PatchFile {
                path: path.to_string(),
                ..PatchFile::default()
            });
            continue;
        }
        let Some(file) = files.last_mut() else {
            return Err(bad("text before the first `diff --git` line"));
        };
        if left != (0, 0) || line.starts_with('\\') {
            let Some(hunk) = file.hunks.last_mut() else {
                return Err(bad("a hunk line outside a hunk"));
            };
            match line.chars().next() {
                Some(' ') if left.0 > 0 && left.1 > 0 => left = (left.0 - 1, left.1 - 1),
                Some('-') if left.0 > 0 => left.0 -= 1,
                Some('+') if left.1 > 0 => left.1 -= 1,
                Some('\\') => {}
                _ => return Err(bad("a hunk holds more or other lines than its header says")),
            }
            hunk.lines.push(line.to_string());
            continue;
        }
        if let Some(mode) = line.strip_prefix("new file mode ") {
            file.added = true;
            file.executable = Some(mode.trim() == "100755");
        } else if line.starts_with("deleted file mode ") {
            file.deleted = true;
        } else if let Some(mode) = line.strip_prefix("new mode ") {
            file.executable = Some(mode.trim() == "100755");
        } else if line.starts_with("old mode ")
            || line.starts_with("--- ")
            || line.starts_with("+++ ")
        {
        } else if line.starts_with("Binary files ") {
            file.binary = true;
        } else if line.starts_with("@@ ") {
            let hunk =
                header(line).ok_or_else(|| bad("an `@@` line that is not `@@ -a,b +c,d @@`"))?;
            left = (hunk.old_lines, hunk.new_lines);
            file.hunks.push(hunk);
        } else {
            return Err(bad("a line that is not part of a git-style diff"));
        }
    }
    if left != (0, 0)
        && let Some(file) = files.last_mut()
    {
        file.truncated = true;
    }
    Ok(files)
}

/// `@@ -a,b +c,d @@` as an empty hunk.
fn header(line: &str) -> Option<Hunk> {
    let inner = line.strip_prefix("@@ -")?;
    let (ranges, _) = inner.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((s, n)) => Some((s.parse().ok()?, n.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (old_start, old_lines) = range(old)?;
    let (new_start, new_lines) = range(new)?;
    Some(Hunk {
        old_start,
        old_lines,
        new_start,
        new_lines,
        lines: Vec::new(),
    })
}

/// Applies `files` to `pristine`: each hunk where its old side matches (a masked old or context
/// line matches whatever the pristine render has there), added text files created, deleted
/// files removed, modes set. What cannot be applied is in [`Applied::skipped`].
pub fn apply(pristine: &FileTree, files: &[PatchFile]) -> Applied {
    let mut out = Applied {
        tree: pristine.clone(),
        skipped: Vec::new(),
    };
    for file in files {
        let skip_file = |reason: &str| Skipped {
            path: file.path.clone(),
            hunk: None,
            lines: Vec::new(),
            reason: reason.to_string(),
        };
        if file.binary {
            out.skipped
                .push(skip_file("a binary file: its bytes are not in the diff"));
            continue;
        }
        if file.deleted {
            if out.tree.remove(&file.path).is_none() {
                out.skipped.push(skip_file(
                    "deleted in the diff, but not in the pristine render",
                ));
            }
            continue;
        }
        let (old_text, executable) = match pristine.get(&file.path) {
            Some(Entry::File { data, executable }) if !file.added => {
                match std::str::from_utf8(data) {
                    Ok(text) => (text.to_string(), *executable),
                    Err(_) => {
                        out.skipped.push(skip_file("the pristine file is not text"));
                        continue;
                    }
                }
            }
            Some(_) if !file.added => {
                out.skipped.push(skip_file(
                    "a link in the pristine render: links are not patched",
                ));
                continue;
            }
            None if !file.added => {
                out.skipped.push(skip_file(
                    "changed in the diff, but not in the pristine render",
                ));
                continue;
            }
            _ => (String::new(), false),
        };
        let (text, skipped) = apply_hunks(&old_text, file);
        out.skipped.extend(skipped);
        if file.added && text.is_empty() && !file.hunks.is_empty() {
            // Every hunk of an added file was left out: the file is not there.
            continue;
        }
        out.tree.insert(
            file.path.clone(),
            Entry::File {
                data: text.into_bytes().into(),
                executable: file.executable.unwrap_or(executable),
            },
        );
    }
    out
}

/// The text with each applicable hunk of `file` applied, and the hunks left out.
fn apply_hunks(old: &str, file: &PatchFile) -> (String, Vec<Skipped>) {
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::with_capacity(old.len());
    let mut skipped = Vec::new();
    // Lines of `old` copied so far.
    let mut done = 0;
    let last = file.hunks.len().saturating_sub(1);
    for (i, hunk) in file.hunks.iter().enumerate() {
        let skip = |reason: &str| Skipped {
            path: file.path.clone(),
            hunk: Some(hunk.header()),
            lines: hunk.lines.clone(),
            reason: reason.to_string(),
        };
        if file.truncated && i == last {
            skipped.push(skip(
                "the diff was cut short inside this hunk (the size cap)",
            ));
            continue;
        }
        if hunk
            .lines
            .iter()
            .any(|l| l.starts_with('+') && l[1..] == *MASKED)
        {
            skipped.push(skip("a line it adds was removed as a possible secret"));
            continue;
        }
        // 0-based first old line; an empty old side names the line before it.
        let start = if hunk.old_lines == 0 {
            hunk.old_start
        } else {
            hunk.old_start.saturating_sub(1)
        };
        match replacement(&lines, start, hunk) {
            Some(new) if start >= done => {
                out.extend(lines[done..start].iter().copied());
                out.push_str(&new);
                done = start + hunk.old_lines;
            }
            _ => skipped.push(skip(
                "its old lines are not what the pristine render has there",
            )),
        }
    }
    out.extend(lines[done.min(lines.len())..].iter().copied());
    (out, skipped)
}

/// The new text of `hunk` when its old side matches `lines` from `start`.
fn replacement(lines: &[&str], start: usize, hunk: &Hunk) -> Option<String> {
    let mut at = start;
    let mut new = String::new();
    let mut body = hunk.lines.iter().peekable();
    while let Some(line) = body.next() {
        let no_newline = body.peek().is_some_and(|l| l.starts_with('\\'));
        let (sign, text) = line.split_at(1);
        match sign {
            " " | "-" => {
                let have = lines.get(at)?;
                let have_text = have.strip_suffix('\n').unwrap_or(have);
                if have_text != text && text != MASKED {
                    return None;
                }
                if have.ends_with('\n') == no_newline {
                    return None;
                }
                if sign == " " {
                    new.push_str(have);
                }
                at += 1;
            }
            "+" => {
                new.push_str(text);
                if !no_newline {
                    new.push('\n');
                }
            }
            _ => {}
        }
    }
    Some(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::diff::diff_trees;

    fn tree(files: &[(&str, &str)]) -> FileTree {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), Entry::file(t.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn a_diff_applied_to_its_old_side_gives_its_new_side() {
        let old = tree(&[
            ("a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"),
            ("gone.txt", "x\n"),
            ("end.txt", "no newline"),
        ]);
        let new = tree(&[
            ("a.txt", "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"),
            ("added.txt", "new\nfile"),
            ("end.txt", "no newline, changed"),
        ]);
        let diff = diff_trees(&old, &new, "old", "new").unified();
        let applied = apply(&old, &parse(&diff).unwrap());
        assert!(applied.skipped.is_empty(), "{:?}", applied.skipped);
        assert_eq!(applied.tree, new);
    }

    #[test]
    fn masked_new_lines_truncation_and_mismatch_are_skipped_and_named() {
        let old = tree(&[("a.txt", "k: 1\nx\n"), ("b.txt", "b\n")]);
        let patch = format!(
            "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-k: 1\n+{MASKED}\n\
             diff --git a/b.txt b/b.txt\n--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-not b\n+c\n\
             diff --git a/c.txt b/c.txt\nnew file mode 100755\n--- /dev/null\n+++ b/c.txt\n@@ -0,0 +1,3 @@\n+1\n"
        );
        let applied = apply(&old, &parse(&patch).unwrap());
        let reasons: Vec<_> = applied.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].contains("possible secret"));
        assert!(reasons[1].contains("not what the pristine render has"));
        assert!(reasons[2].contains("cut short"));
        assert_eq!(applied.tree, old);
    }

    #[test]
    fn a_masked_old_line_matches_the_pristine_text() {
        let old = tree(&[("a.txt", "password: hunter2\nx\n")]);
        let patch = format!(
            "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n {MASKED}\n-x\n+y\n"
        );
        let applied = apply(&old, &parse(&patch).unwrap());
        assert!(applied.skipped.is_empty());
        assert_eq!(applied.tree, tree(&[("a.txt", "password: hunter2\ny\n")]));
    }

    #[test]
    fn a_path_that_leaves_the_project_is_an_error() {
        for path in ["../x", "/etc/passwd", "a/../../b", "a\\b", "a//b"] {
            let patch = format!("diff --git a/{path} b/{path}\nnew file mode 100644\n");
            let err = parse(&patch).unwrap_err();
            assert!(
                err.message.contains("not a plain relative path"),
                "{path}: {err}"
            );
        }
    }

    #[test]
    fn what_is_not_a_patch_is_an_error_with_its_line() {
        let err = parse("hello\n").unwrap_err();
        assert_eq!(err.line, 1);
        let err = parse("diff --git a/x b/x\n@@ nonsense\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
