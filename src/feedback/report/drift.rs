//! Drift hotspots from the diffs attached to items: which files projects change (a file whose
//! every changed line was removed as a possible secret is listed apart, never ranked), and
//! the changes themselves, grouped across projects once each project's answer values are
//! replaced by their variables, with the command that absorbs one into the blueprint.

use crate::feedback::item::Item;
use crate::feedback::redact::MARKER;
use crate::template::templatize::Substitutions;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many files and changes each blueprint lists.
pub const HOTSPOTS: usize = 10;
/// How many lines of a change's example hunk the report shows.
pub const HUNK_LINES: usize = 40;

/// Drift hotspots of one blueprint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Hotspots {
    /// Files with changed lines, most often changed first.
    pub files: Vec<FileSpot>,
    /// Files whose every changed line was removed as a possible secret (so what changed is
    /// not known), most often first.
    pub redacted: Vec<FileSpot>,
    /// The same changes made by several projects, most often first.
    pub changes: Vec<ChangeGroup>,
}

/// A file that diffs change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSpot {
    /// The path in the project.
    pub path: String,
    /// How many items' diffs change it.
    pub items: usize,
}

/// One change (a hunk's removed and added lines, answer values replaced by their variables)
/// and the items whose diffs hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeGroup {
    /// The file, with answer values replaced by their variables.
    pub path: String,
    /// What the change does, in words (``changed `MinTTL: 0` to `MinTTL: 60` ``).
    pub summary: String,
    /// The lines it removes (without the `-`).
    pub removed: Vec<String>,
    /// The lines it adds (without the `+`).
    pub added: Vec<String>,
    /// The `@@` header of the example hunk.
    pub header: String,
    /// The example hunk's lines with their ` `/`-`/`+` prefix, as in the item (masked lines
    /// stay masked), answer values replaced by their variables; at most [`HUNK_LINES`].
    pub hunk: Vec<String>,
    /// How many more lines the example hunk has.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_lines: usize,
    /// How many items hold it.
    pub items: usize,
    /// How many projects (items without a project count one each).
    pub projects: usize,
    /// The items, oldest first.
    pub ids: Vec<String>,
    /// The command that absorbs it into the blueprint's folder (from the newest item).
    pub absorb: String,
}

/// One hunk of a unified diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk<'a> {
    /// The file (the new path; the old one for a deleted file).
    pub path: &'a str,
    /// The `@@` line.
    pub header: &'a str,
    /// Its lines, prefix included.
    pub lines: Vec<&'a str>,
}

/// The hunks of a unified diff, in order. Lines are counted by the header's ranges, so a
/// removed line that reads `-- x` is not taken for a file header (unless a `+++ ` line follows
/// it, as after a file's last hunk whose header miscounts).
pub fn hunks(diff: &str) -> Vec<Hunk<'_>> {
    let lines: Vec<&str> = diff.lines().collect();
    let file_header = |i: usize| {
        lines[i].starts_with("--- ") && lines.get(i + 1).is_some_and(|l| l.starts_with("+++ "))
    };
    let mut out = Vec::new();
    let mut old: Option<&str> = None;
    let mut current: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if let Some(rest) = line.strip_prefix("--- ") {
            old = Some(diff_path(rest));
            current = None;
        } else if let Some(rest) = line.strip_prefix("+++ ") {
            current = Some(match diff_path(rest) {
                "/dev/null" => old.unwrap_or("/dev/null"),
                p => p,
            });
        } else if line.starts_with("@@")
            && let Some(path) = current
        {
            let (mut old_left, mut new_left) = ranges(line).unwrap_or((usize::MAX, usize::MAX));
            let start = i;
            while i < lines.len() && (old_left > 0 || new_left > 0) && !file_header(i) {
                match lines[i].as_bytes().first() {
                    // An empty context line may have lost its space.
                    Some(b' ') | None => {
                        old_left = old_left.saturating_sub(1);
                        new_left = new_left.saturating_sub(1);
                    }
                    Some(b'-') => old_left = old_left.saturating_sub(1),
                    Some(b'+') => new_left = new_left.saturating_sub(1),
                    Some(b'\\') => {}
                    _ => break,
                }
                i += 1;
            }
            // A trailing `\ No newline at end of file` belongs to the hunk too.
            while i < lines.len() && lines[i].starts_with('\\') {
                i += 1;
            }
            out.push(Hunk {
                path,
                header: line.trim_end(),
                lines: lines[start..i].to_vec(),
            });
        }
    }
    out
}

/// The old and new line counts of a `@@ -a,b +c,d @@` header.
fn ranges(header: &str) -> Option<(usize, usize)> {
    let mut parts = header.split_whitespace().skip(1);
    let count = |part: Option<&str>, sign: char| -> Option<usize> {
        let range = part?.strip_prefix(sign)?;
        match range.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => range.parse::<usize>().ok().map(|_| 1),
        }
    };
    Some((count(parts.next(), '-')?, count(parts.next(), '+')?))
}

fn diff_path(rest: &str) -> &str {
    let path = rest.split('\t').next().unwrap_or(rest).trim_end();
    path.strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path)
}

/// Whether a hunk line (prefix included) was masked by the redaction.
fn is_masked(line: &str) -> bool {
    line.get(1..) == Some(MARKER)
}

/// Whether a hunk line (prefix included) is a removed or added one.
fn is_change(line: &str) -> bool {
    line.starts_with('-') || line.starts_with('+')
}

#[derive(Default)]
struct GroupAcc {
    header: String,
    hunk: Vec<String>,
    example: String,
    ids: BTreeSet<String>,
    projects: BTreeSet<String>,
}

/// Gathers the drift of one blueprint's items.
#[derive(Default)]
pub(super) struct DriftAcc {
    files: HashMap<String, usize>,
    redacted: HashMap<String, usize>,
    groups: HashMap<(String, Vec<String>, Vec<String>), GroupAcc>,
}

impl DriftAcc {
    /// Adds the diff of `item`, if it has one; each file and change counts once per item.
    pub(super) fn add(&mut self, item: &Item) {
        let Some(diff) = &item.diff else { return };
        let subs = item
            .answers
            .as_ref()
            .map(Substitutions::from_answers)
            .unwrap_or_default();
        let hunks = hunks(diff);
        // Per file: whether any of its changed lines is readable.
        let mut files: BTreeMap<&str, bool> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for hunk in &hunks {
            let readable = hunk.lines.iter().any(|l| is_change(l) && !is_masked(l));
            let entry = files.entry(hunk.path).or_insert(false);
            *entry |= readable;
            if !readable {
                continue;
            }
            let templated = |line: &str| -> String {
                if is_masked(line) || line.is_empty() {
                    return line.to_string();
                }
                let (prefix, body) = line.split_at(1);
                format!("{prefix}{}", subs.apply(body).text)
            };
            let lines: Vec<String> = hunk.lines.iter().map(|l| templated(l)).collect();
            let pick = |sign: char| -> Vec<String> {
                lines
                    .iter()
                    .filter_map(|l| l.strip_prefix(sign).map(str::to_string))
                    .collect()
            };
            let key = (subs.apply(hunk.path).text, pick('-'), pick('+'));
            if !seen.insert(key.clone()) {
                continue;
            }
            let group = self.groups.entry(key).or_default();
            // The oldest item's hunk is the example, whatever the order items come in.
            if group.ids.is_empty() || item.id < group.example {
                group.header = hunk.header.to_string();
                group.hunk = lines;
                group.example = item.id.clone();
            }
            group.ids.insert(item.id.clone());
            group
                .projects
                .insert(item.project.clone().unwrap_or_else(|| item.id.clone()));
        }
        for (path, readable) in files {
            let map = if readable {
                &mut self.files
            } else {
                &mut self.redacted
            };
            *map.entry(path.to_string()).or_default() += 1;
        }
    }

    /// The hotspots of `blueprint`.
    pub(super) fn finish(self, blueprint: &str) -> Hotspots {
        let ranked = |map: HashMap<String, usize>| {
            let mut files: Vec<FileSpot> = map
                .into_iter()
                .map(|(path, items)| FileSpot { path, items })
                .collect();
            files.sort_by(|a, b| b.items.cmp(&a.items).then_with(|| a.path.cmp(&b.path)));
            files.truncate(HOTSPOTS);
            files
        };
        let mut changes: Vec<ChangeGroup> = self
            .groups
            .into_iter()
            .map(|((path, removed, added), mut g)| {
                let newest = g.ids.iter().next_back().cloned().unwrap_or_default();
                let more_lines = g.hunk.len().saturating_sub(HUNK_LINES);
                g.hunk.truncate(HUNK_LINES);
                ChangeGroup {
                    summary: describe(&removed, &added, &g.header),
                    path,
                    removed,
                    added,
                    header: g.header,
                    hunk: g.hunk,
                    more_lines,
                    items: g.ids.len(),
                    projects: g.projects.len(),
                    absorb: absorb_command(&newest, blueprint),
                    ids: g.ids.into_iter().collect(),
                }
            })
            .collect();
        changes.sort_by(|a, b| {
            b.projects
                .cmp(&a.projects)
                .then_with(|| b.items.cmp(&a.items))
                .then_with(|| (&a.path, &a.summary).cmp(&(&b.path, &b.summary)))
        });
        changes.truncate(HOTSPOTS);
        Hotspots {
            files: ranked(self.files),
            redacted: ranked(self.redacted),
            changes,
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `pave blueprint absorb` for item `id` into the blueprint's folder of a registry checkout.
pub fn absorb_command(id: &str, blueprint: &str) -> String {
    format!(
        "pave blueprint absorb --feedback {id} --into {}",
        shell_word(&format!("blueprints/{blueprint}"))
    )
}

/// `text` as one shell word: as it is when it is plain, else in single quotes.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A change in words: ``changed `a` to `b` ``, ``added `x` ``, `added 3 lines`, ...
fn describe(removed: &[String], added: &[String], header: &str) -> String {
    let quoted = |line: &str| format!("`{}`", line.trim());
    if header.starts_with("@@ -0,0 ") {
        return format!("added the file ({} line(s))", added.len());
    }
    if header.contains(" +0,0 @@") {
        return format!("deleted the file ({} line(s))", removed.len());
    }
    match (removed, added) {
        ([old], [new]) => format!("changed {} to {}", quoted(old), quoted(new)),
        ([], [new]) => format!("added {}", quoted(new)),
        ([old], []) => format!("removed {}", quoted(old)),
        ([], new) => format!("added {} lines", new.len()),
        (old, []) => format!("removed {} lines", old.len()),
        (old, new) => format!("replaced {} line(s) with {}", old.len(), new.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_are_read_by_their_ranges() {
        let diff = "--- a/t.sql\n+++ b/t.sql\n@@ -1,2 +1,2 @@\n--- old comment\n+-- new comment\n x\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n\\ No newline at end of file\n";
        let h = hunks(diff);
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(h[0].path, "t.sql");
        assert_eq!(h[0].lines, vec!["--- old comment", "+-- new comment", " x"]);
        assert_eq!(h[1].path, "old.txt");
        assert_eq!(h[1].lines, vec!["-z", "\\ No newline at end of file"]);
    }

    #[test]
    fn changes_are_described_in_words() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            describe(&s(&["  MinTTL: 0"]), &s(&["  MinTTL: 60"]), "@@ -3 +3 @@"),
            "changed `MinTTL: 0` to `MinTTL: 60`"
        );
        assert_eq!(
            describe(&[], &s(&["a", "b"]), "@@ -0,0 +1,2 @@"),
            "added the file (2 line(s))"
        );
        assert_eq!(describe(&[], &s(&["a"]), "@@ -3 +4 @@"), "added `a`");
        assert_eq!(shell_word("blueprints/api"), "blueprints/api");
        assert_eq!(shell_word("my site"), "'my site'");
    }
}
