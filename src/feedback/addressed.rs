//! Closing the loop on the submitter's side: which of the feedback items a project sent are
//! addressed by a newer version of its blueprint, read from that version's `CHANGELOG.md`.
//!
//! The changelog format is the one `pave publish` writes: a section per version, headed
//! `## <version>` (anything after the version, such as ` - 2026-01-02`, is ignored; `[1.2.0]`
//! and `v1.2.0` are read too), and in a section one line per addressed item:
//!
//! ```text
//! ## 1.2.0 - 2026-01-02
//!
//! Caches POST responses.
//!
//! - Addresses feedback 01JC3Z5X0M6V7Q2W9R4T8Y1B3N
//! ```
//!
//! Reading is lenient so that hand-edited changelogs still work: an id counts as addressed in
//! a section when it appears, as a whole word, on any line of that section that says
//! "addresses" (any case), so `Addresses feedback: a, b` and
//! `- Addresses feedback a: "cache POST responses"` are read as well. Only the submitter's own
//! ids are looked for, so nothing else on those lines can be mistaken for one.

use super::spool::{SentLog, SentRecord, SpoolError};
use crate::project::ProjectFile;
use semver::Version;
use serde::Serialize;
use std::path::Path;

/// The line `pave publish` writes into a changelog section for an addressed item.
pub fn changelog_line(id: &str) -> String {
    format!("- Addresses feedback {id}")
}

/// One item a project sent that a newer version addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Addressed {
    /// The version whose changelog names the item.
    pub version: Version,
    /// The item's id.
    pub id: String,
    /// The first line of the message the project sent.
    pub message: String,
}

/// One `## <version>` section of a changelog: its version and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    /// The version in the heading.
    pub version: Version,
    /// The lines below the heading, up to the next section.
    pub lines: Vec<&'a str>,
}

/// The version in a `## ` heading, if it names one.
fn heading_version(line: &str) -> Option<Version> {
    let rest = line.strip_prefix("## ")?.trim_start();
    let word = rest.split_whitespace().next()?;
    let word = word.trim_start_matches('[').trim_end_matches(']');
    let word = word.strip_prefix('v').unwrap_or(word);
    Version::parse(word).ok()
}

/// The versioned sections of a changelog, in the order they appear. Text before the first one,
/// and `## ` headings that name no version, belong to no section (the latter end the one
/// above them).
pub fn sections(changelog: &str) -> Vec<Section<'_>> {
    let mut out: Vec<Section<'_>> = Vec::new();
    let mut current: Option<Section<'_>> = None;
    for line in changelog.lines() {
        if line.starts_with("## ") || line.starts_with("# ") {
            out.extend(current.take());
            current = heading_version(line).map(|version| Section {
                version,
                lines: Vec::new(),
            });
        } else if let Some(section) = current.as_mut() {
            section.lines.push(line);
        }
    }
    out.extend(current);
    out
}

/// Whether `id` appears in `line` as a whole word (not inside a longer run of letters, digits,
/// `-` or `_`).
fn mentions(line: &str, id: &str) -> bool {
    if id.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    line.match_indices(id).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + id.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The items of `sent` that a version in (`recorded`, `target`] addresses according to
/// `changelog` (the target version's `CHANGELOG.md`), oldest version first and, within a
/// version, in the order the project sent them. Each item is reported once, for the oldest
/// version that names it.
pub fn addressed(
    changelog: &str,
    recorded: &Version,
    target: &Version,
    sent: &[SentRecord],
) -> Vec<Addressed> {
    let mut in_range: Vec<Section<'_>> = sections(changelog)
        .into_iter()
        .filter(|s| s.version > *recorded && s.version <= *target)
        .collect();
    in_range.sort_by(|a, b| a.version.cmp(&b.version));
    let mut out: Vec<Addressed> = Vec::new();
    for section in &in_range {
        let lines: Vec<&str> = section
            .lines
            .iter()
            .copied()
            .filter(|l| l.to_ascii_lowercase().contains("addresses"))
            .collect();
        for record in sent {
            if out.iter().any(|a| a.id == record.id) {
                continue;
            }
            if lines.iter().any(|l| mentions(l, &record.id)) {
                out.push(Addressed {
                    version: section.version.clone(),
                    id: record.id.clone(),
                    message: record.summary.clone(),
                });
            }
        }
    }
    out
}

/// The project name feedback from the project at `dir` is recorded under: its `project_name`
/// answer, or else the folder's name.
pub fn project_name(record: &ProjectFile, dir: &Path) -> Option<String> {
    record
        .answers
        .get("project_name")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .or_else(|| {
            std::path::absolute(dir)
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
}

/// The items the project at `dir` (recorded as `record`) sent, per `log`, that a version in
/// (`record.version`, `target`] addresses according to `changelog`, the target version's
/// `CHANGELOG.md`. Empty when the project sent nothing: the changelog is then not read.
pub fn for_project(
    log: &SentLog,
    record: &ProjectFile,
    dir: &Path,
    changelog: Option<&str>,
    target: &Version,
) -> Result<Vec<Addressed>, SpoolError> {
    let project = project_name(record, dir);
    let sent = log.for_project(Some(&record.registry), project.as_deref())?;
    Ok(match changelog {
        Some(text) if !sent.is_empty() => addressed(text, &record.version, target, &sent),
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::Kind;

    fn sent(id: &str, summary: &str) -> SentRecord {
        SentRecord {
            id: id.into(),
            kind: Kind::Improvement,
            blueprint: Some("api".into()),
            version: Some(Version::new(1, 0, 0)),
            summary: summary.into(),
            sent: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    const LOG: &str = "# Changelog\n\n## 1.3.0 - 2026-03-01\n\nMore.\n\n- Addresses feedback C1\n\n## [1.2.0] - 2026-02-01\n\nCaches POST.\n\n- Addresses feedback A1: \"cache POST responses\"\nAddresses feedback: B1, X9\n\n## v1.1.0\n\nSee A1 (not addressed yet).\n\n## Unreleased\n\n- Addresses feedback D1\n\n## 1.0.0 - 2025-12-01\n\nFirst. Addresses feedback Z1\n";

    #[test]
    fn finds_the_ids_of_each_version_in_the_range_once_oldest_first() {
        let mine = [
            sent("C1", "c"),
            sent("A1", "cache POST responses"),
            sent("B1", "b"),
            sent("D1", "d"),
            sent("Z1", "z"),
        ];
        let found = addressed(LOG, &v("1.0.0"), &v("1.3.0"), &mine);
        let got: Vec<(String, &str)> = found
            .iter()
            .map(|a| (a.version.to_string(), a.id.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("1.2.0".to_string(), "A1"),
                ("1.2.0".to_string(), "B1"),
                ("1.3.0".to_string(), "C1")
            ]
        );
        assert_eq!(found[0].message, "cache POST responses");
    }

    #[test]
    fn the_range_excludes_the_recorded_version_and_what_is_past_the_target() {
        let mine = [sent("A1", "a"), sent("C1", "c"), sent("Z1", "z")];
        let found = addressed(LOG, &v("1.2.0"), &v("1.2.0"), &mine);
        assert!(found.is_empty(), "{found:?}");
        let found = addressed(LOG, &v("1.1.0"), &v("1.2.0"), &mine);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "A1");
    }

    #[test]
    fn an_id_inside_a_longer_word_or_on_a_line_without_address_is_not_a_match() {
        let log = "## 2.0.0\n\nMentions A1 in passing.\n- Addresses feedback A12, xA1\n";
        let found = addressed(log, &v("1.0.0"), &v("2.0.0"), &[sent("A1", "a")]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_line_publish_writes_is_read_back() {
        let log = format!("## 1.1.0 - 2026-01-02\n\nX\n\n{}\n", changelog_line("01JC"));
        let found = addressed(&log, &v("1.0.0"), &v("1.1.0"), &[sent("01JC", "m")]);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn headings_are_read_in_their_common_spellings() {
        let got: Vec<String> = sections(LOG)
            .iter()
            .map(|s| s.version.to_string())
            .collect();
        assert_eq!(got, ["1.3.0", "1.2.0", "1.1.0", "1.0.0"]);
    }
}
