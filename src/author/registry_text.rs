//! The text edits of a git registry's files, kept byte for byte elsewhere (comments, layout):
//! an entry of `registry.yaml` added or updated ([`upsert_entry`], for publish) or one of its
//! keys rewritten ([`set_entry_key`], for deprecate and yank), and a release's section added to
//! a CHANGELOG.md ([`next_changelog`], [`changelog_entry`], [`add_changelog`]). Callers parse
//! the result again; nothing here reads or writes a repository.

use super::quoted;
use crate::blueprint::Blueprint;
use crate::manifest::{Deprecation, RegistryIndex, Yank};
use semver::Version;

/// The line range of the top-level `blueprints:` key: its own line up to the next top-level
/// key (or the end); `None` when there is none.
fn blueprints_list(lines: &[&str]) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| l.starts_with("blueprints:"))?;
    let mut end = start + 1;
    while end < lines.len() {
        let l = lines[end];
        let top = !l.starts_with(' ')
            && !l.starts_with('-')
            && !l.starts_with('#')
            && !l.trim().is_empty();
        if top {
            break;
        }
        end += 1;
    }
    Some((start, end))
}

/// `to` moved back over the blank and comment lines ending `from..to` (they belong to what
/// follows), never to `from` itself.
fn trim_trailing(lines: &[&str], from: usize, mut to: usize) -> usize {
    while to > from + 1 && {
        let t = lines[to - 1].trim_start();
        t.is_empty() || t.starts_with('#')
    } {
        to -= 1;
    }
    to
}

/// `registry.yaml`'s text with the key `key` of the entry at `position` of `index` set to
/// `rendered` (a `key:` block at column 0, indented here as the entry's keys are): the key's
/// lines replaced, or added at the end of the entry; every other line is kept. `Err` says why
/// the text's layout is one the edit does not handle.
pub fn set_entry_key(
    text: &str,
    index: &RegistryIndex,
    position: usize,
    key: &str,
    rendered: &str,
) -> Result<String, String> {
    let name = index
        .blueprints
        .get(position)
        .map_or("", |e| e.name.as_str());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let blocks = entry_blocks(&lines)?;
    if blocks.len() != index.blueprints.len() {
        return Err(format!(
            "cannot find the entries of `blueprints:` in its text ({} items found, {} listed); record the change by hand",
            blocks.len(),
            index.blueprints.len()
        ));
    }
    let (start, end) = blocks[position];
    let first = lines[start];
    let dash = first.len() - first.trim_start().len();
    let after_dash = &first[dash + 1..];
    let field = dash + 1 + (after_dash.len() - after_dash.trim_start().len());
    let indent = " ".repeat(field);
    let is_key_line = |l: &str| {
        let spaces = l.len() - l.trim_start_matches(' ').len();
        spaces == field && !l.trim().is_empty() && !l.trim_start().starts_with('#')
    };
    if key_of(&first[field..]) == key {
        return Err(format!(
            "the entry of `{name}` starts with `{key}:`; put `name:` first or record the change by hand"
        ));
    }
    let rendered: String = rendered.lines().map(|l| format!("{indent}{l}\n")).collect();
    let found = (start + 1..end).find(|&i| is_key_line(lines[i]) && key_of(lines[i]) == key);
    // The lines kept before the new key's, and where the lines kept after it start.
    let (keep, stop) = match found {
        Some(at) => {
            let next = (at + 1..end)
                .find(|&i| is_key_line(lines[i]))
                .unwrap_or(end);
            (at, trim_trailing(&lines, at, next))
        }
        None => {
            let stop = trim_trailing(&lines, start, end);
            (stop, stop)
        }
    };
    let mut out = String::with_capacity(text.len() + rendered.len());
    out.extend(lines[..keep].iter().copied());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&rendered);
    out.extend(lines[stop..].iter().copied());
    Ok(out)
}

/// The key a `key: value` line sets.
fn key_of(line: &str) -> &str {
    line.trim_start()
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
}

/// The line ranges of the items of the top-level `blueprints:` block list.
fn entry_blocks(lines: &[&str]) -> Result<Vec<(usize, usize)>, String> {
    let Some((start, end)) = blueprints_list(lines) else {
        return Ok(Vec::new());
    };
    let rest = lines[start]["blueprints:".len()..].trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err(String::from(
            "`blueprints:` is written in flow style ([...]); write it as a block list (`- name: ...` lines) so it can be edited",
        ));
    }
    let is_item = |l: &str| {
        let t = l.trim_start();
        t.starts_with("- ") || t.trim_end() == "-"
    };
    let Some(item_indent) = lines[start + 1..end]
        .iter()
        .find(|l| is_item(l))
        .map(|l| l.len() - l.trim_start().len())
    else {
        return Ok(Vec::new());
    };
    let starts: Vec<usize> = (start + 1..end)
        .filter(|&i| {
            is_item(lines[i]) && lines[i].len() - lines[i].trim_start().len() == item_indent
        })
        .collect();
    Ok(starts
        .iter()
        .enumerate()
        .map(|(k, &s)| (s, starts.get(k + 1).copied().unwrap_or(end)))
        .collect())
}

/// An entry's `deprecated:` key in block style, at column 0 (for [`set_entry_key`]).
pub fn render_deprecated(items: &[Deprecation]) -> String {
    let mut out = String::from("deprecated:\n");
    for d in items {
        out.push_str(&format!("  - versions: {}\n", quoted(&d.versions)));
        out.push_str(&format!("    reason: {}\n", quoted(&d.reason)));
        if let Some(other) = &d.replacement {
            out.push_str(&format!("    use: {}\n", quoted(other)));
        }
    }
    out
}

/// An entry's `yanked:` key in block style, at column 0 (for [`set_entry_key`]).
pub fn render_yanked(items: &[Yank]) -> String {
    let mut out = String::from("yanked:\n");
    for y in items {
        out.push_str(&format!("  - version: {}\n", quoted(&y.version)));
        out.push_str(&format!("    reason: {}\n", quoted(&y.reason)));
    }
    out
}

/// The CHANGELOG.md to commit for `version`, and its new entry. The entry goes on top of the
/// registry's changelog (`registry`, `None` before the blueprint's first version, when the
/// folder's changelog is the start); the folder's copy contributes only the notes its author
/// wrote for this version (a `## <version>` or `## Unreleased` section, or on a first version
/// the section of the folder's own version, as `pave blueprint init` writes it). Notes that
/// repeat the message are not written twice.
pub fn next_changelog(
    registry: Option<&str>,
    local: &str,
    folder_version: &Version,
    version: &Version,
    date: &str,
    message: Option<&str>,
    addresses: &[String],
) -> (String, String) {
    let first = registry.is_none();
    let is_notes = |heading: &str| {
        let word = heading
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let word = word.strip_prefix('v').unwrap_or(word);
        word.eq_ignore_ascii_case("unreleased")
            || Version::parse(word).is_ok_and(|v| &v == version || (first && &v == folder_version))
    };
    let already = |heading: &str| {
        registry.is_some_and(|log| log.lines().any(|l| l.trim_end() == heading.trim_end()))
    };
    // The folder's changelog split into the author's notes and the rest.
    let mut notes = Vec::new();
    let mut rest = String::new();
    let mut in_notes = false;
    for line in local.split_inclusive('\n') {
        if let Some(heading) = line.strip_prefix("## ") {
            in_notes = notes.is_empty() && is_notes(heading) && !already(line);
            if in_notes {
                continue;
            }
        }
        if in_notes {
            notes.push(line);
        } else {
            rest.push_str(line);
        }
    }
    let notes = notes.concat();
    let notes = notes.trim();
    let plain = |text: &str| {
        text.lines()
            .map(|l| {
                l.trim()
                    .trim_start_matches(['-', '*'])
                    .trim()
                    .trim_end_matches('.')
                    .to_lowercase()
            })
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let body = match message {
        Some(m) if notes.is_empty() || plain(m) == plain(notes) => m.to_string(),
        Some(m) => format!("{m}\n\n{notes}"),
        None if !notes.is_empty() => notes.to_string(),
        None => String::from("No notes."),
    };
    let entry = changelog_entry(version, date, Some(&body), addresses);
    let base = registry.unwrap_or(&rest);
    (add_changelog(base, &entry, version), entry)
}

/// A changelog section for `version`: the heading, the message, and one
/// [`crate::feedback::addressed::changelog_line`] per addressed feedback item (the format the
/// submitter's `pave update` and `pave outdated` read back).
pub fn changelog_entry(
    version: &Version,
    date: &str,
    message: Option<&str>,
    addresses: &[String],
) -> String {
    let mut entry = format!("## {version} - {date}\n\n");
    entry.push_str(message.unwrap_or("No notes."));
    entry.push('\n');
    if !addresses.is_empty() {
        entry.push('\n');
        for id in addresses {
            entry.push_str(&crate::feedback::addressed::changelog_line(id));
            entry.push('\n');
        }
    }
    entry
}

/// `old` with `entry` added above the newest section (after a leading `# ` title), unless a
/// section for `version` is already there.
pub fn add_changelog(old: &str, entry: &str, version: &Version) -> String {
    let is_section =
        |l: &str| l.starts_with(&format!("## {version} ")) || l == format!("## {version}");
    if old
        .lines()
        .any(|l| l.trim_end() == entry.lines().next().unwrap_or_default())
    {
        return old.to_string();
    }
    if old.lines().any(is_section) {
        // A section the author started: its heading becomes the entry, its notes stay below.
        let mut out = String::new();
        let mut done = false;
        for line in old.split_inclusive('\n') {
            if !done && is_section(line.trim_end()) {
                out.push_str(entry);
                out.push('\n');
                done = true;
            } else {
                out.push_str(line);
            }
        }
        return out;
    }
    if old.trim().is_empty() {
        return format!("# Changelog\n\n{entry}");
    }
    match old.find("\n## ") {
        Some(at) => format!("{}{entry}\n{}", &old[..=at], &old[at + 1..]),
        None if old.starts_with("## ") => format!("{entry}\n{old}"),
        None => format!("{}\n\n{entry}", old.trim_end()),
    }
}

/// `registry.yaml`'s text with the entry of `bp` added or its summary and tags updated (the
/// maturity and owners kept); other lines and comments are kept.
pub fn upsert_entry(text: &str, index: &RegistryIndex, bp: &Blueprint, dir: &str) -> String {
    let name = bp.name();
    let existing = index.blueprints.iter().find(|e| e.name == name);
    let summary = &bp.manifest.summary;
    let tags = &bp.manifest.tags;
    if let Some(e) = existing
        && &e.summary == summary
        && &e.tags == tags
    {
        return text.to_string();
    }
    let maturity = existing.map_or("experimental", |e| e.maturity.as_str());
    let owners = existing.map(|e| e.owners.clone()).unwrap_or_default();
    let path = existing.map_or(dir.to_string(), |e| e.path.clone());
    let list = |items: &[String]| {
        format!(
            "[{}]",
            items
                .iter()
                .map(|t| quoted(t))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let block = format!(
        "  - name: {name}\n    path: {}\n    summary: {}\n    tags: {}\n    maturity: {maturity}\n    owners: {}\n",
        quoted(&path),
        quoted(summary),
        list(tags),
        list(&owners)
    );
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some((start, end)) = blueprints_list(&lines) else {
        return format!("{}\nblueprints:\n{block}", text.trim_end());
    };
    let end = trim_trailing(&lines, start, end);
    let mut out = String::new();
    let head = lines[start].trim_end();
    let inline_empty = head
        .trim_start_matches("blueprints:")
        .trim()
        .starts_with("[]");
    out.extend(lines[..start].iter().copied());
    out.push_str("blueprints:\n");
    let body: Vec<&str> = if inline_empty {
        Vec::new()
    } else {
        lines[start + 1..end].to_vec()
    };
    // Replace the existing entry's block, or append.
    let item_start = |l: &str| l.trim_start().starts_with("- ");
    // Indent the block as the list's items are (`- name:` may start at column 0).
    let indent = body
        .iter()
        .find(|l| item_start(l))
        .map_or(2, |l| l.len() - l.trim_start().len());
    let block: String = block
        .lines()
        .map(|l| format!("{}{}\n", " ".repeat(indent), &l[2..]))
        .collect();
    let mut ours = false;
    let mut placed = false;
    for l in body {
        if item_start(l) {
            ours = l.trim_start().trim_start_matches("- ").trim() == format!("name: {name}");
            if ours {
                out.push_str(&block);
                placed = true;
            }
        }
        if !ours {
            out.push_str(l);
        }
    }
    if !placed {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&block);
    }
    out.extend(lines[end..].iter().copied());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::{Entry, FileTree};
    use crate::manifest::parse_index;

    #[test]
    fn changelog_goes_above_the_newest_section() {
        let v = Version::new(1, 1, 0);
        let entry = changelog_entry(&v, "2026-01-02", Some("Adds X"), &[String::from("fb-1")]);
        let out = add_changelog(
            "# Changelog\n\n## 1.0.0 - 2025-12-01\n\nFirst.\n",
            &entry,
            &v,
        );
        assert_eq!(
            out,
            "# Changelog\n\n## 1.1.0 - 2026-01-02\n\nAdds X\n\n- Addresses feedback fb-1\n\n## 1.0.0 - 2025-12-01\n\nFirst.\n"
        );
        assert_eq!(
            add_changelog(&out, &entry, &v),
            out,
            "an entry is added once"
        );
    }

    #[test]
    fn the_entry_goes_on_the_registrys_changelog_not_the_folders() {
        let v = |s: &str| Version::parse(s).unwrap();
        let registry =
            "# Changelog of x\n\n## 0.2.0 - 2026-01-02\n\nTwo\n\n## 0.1.0 - 2026-01-01\n\nOne\n";
        let stale = "# Changelog of x\n\n## 0.1.0\n\n- First version.\n";
        let (log, entry) = next_changelog(
            Some(registry),
            stale,
            &v("0.1.0"),
            &v("0.3.0"),
            "2026-01-03",
            Some("Three"),
            &[],
        );
        assert_eq!(entry, "## 0.3.0 - 2026-01-03\n\nThree\n");
        assert_eq!(
            log,
            "# Changelog of x\n\n## 0.3.0 - 2026-01-03\n\nThree\n\n## 0.2.0 - 2026-01-02\n\nTwo\n\n## 0.1.0 - 2026-01-01\n\nOne\n"
        );
        // Notes the author wrote for the version (or as Unreleased) become the entry's.
        let noted = format!("{registry}\n## Unreleased\n\n- Faster\n");
        let (_, entry) = next_changelog(
            Some(registry),
            &noted,
            &v("0.2.0"),
            &v("0.3.0"),
            "2026-01-03",
            None,
            &[],
        );
        assert_eq!(entry, "## 0.3.0 - 2026-01-03\n\n- Faster\n");
    }

    #[test]
    fn a_first_version_keeps_the_folders_title_and_says_its_notes_once() {
        let v = Version::new(0, 1, 0);
        let starter = "# Changelog of x\n\n## 0.1.0\n\n- First version.\n";
        let (log, _) = next_changelog(
            None,
            starter,
            &v,
            &v,
            "2026-01-01",
            Some("First version"),
            &[],
        );
        assert_eq!(
            log,
            "# Changelog of x\n\n## 0.1.0 - 2026-01-01\n\nFirst version\n"
        );
        let (log, _) = next_changelog(None, starter, &v, &v, "2026-01-01", None, &[]);
        assert_eq!(
            log,
            "# Changelog of x\n\n## 0.1.0 - 2026-01-01\n\n- First version.\n"
        );
        let (log, _) = next_changelog(None, starter, &v, &v, "2026-01-01", Some("Cut"), &[]);
        assert_eq!(
            log,
            "# Changelog of x\n\n## 0.1.0 - 2026-01-01\n\nCut\n\n- First version.\n"
        );
        let (log, _) = next_changelog(None, "", &v, &v, "2026-01-01", None, &[]);
        assert_eq!(log, "# Changelog\n\n## 0.1.0 - 2026-01-01\n\nNo notes.\n");
    }

    #[test]
    fn index_entry_is_added_or_updated_and_comments_kept() {
        let text = "apiVersion: pave/v1\nname: r\nblueprints: []\n# feedback:\n#   sink: git\n";
        let index = parse_index(text, "registry.yaml").unwrap();
        let mut tree = FileTree::new();
        tree.insert(
            String::from("blueprint.yaml"),
            Entry::file(
                "apiVersion: pave/v1\nname: api\nversion: 1.0.0\nsummary: An API\ntags: [http]\n",
            ),
        );
        let bp = Blueprint::from_tree("t", tree.clone()).unwrap();
        let out = upsert_entry(text, &index, &bp, "blueprints/api");
        let parsed = parse_index(&out, "registry.yaml").unwrap();
        assert_eq!(parsed.blueprints[0].summary, "An API");
        assert!(out.ends_with("# feedback:\n#   sink: git\n"), "{out}");
        // Updating keeps maturity and owners and the other entries.
        let text2 = out
            .replace("maturity: experimental", "maturity: recommended")
            .replace("owners: []", "owners: [team-a]")
            + "";
        let text2 = text2.replace("# feedback:", "# feedback (kept):");
        let with_other = text2.replacen(
            "blueprints:\n",
            "blueprints:\n  - name: other\n    path: blueprints/other\n    summary: o\n",
            1,
        );
        let index2 = parse_index(&with_other, "registry.yaml").unwrap();
        tree.insert(
            String::from("blueprint.yaml"),
            Entry::file("apiVersion: pave/v1\nname: api\nversion: 1.1.0\nsummary: A better API\n"),
        );
        let bp2 = Blueprint::from_tree("t", tree).unwrap();
        let out2 = upsert_entry(&with_other, &index2, &bp2, "blueprints/api");
        let parsed2 = parse_index(&out2, "registry.yaml").unwrap();
        assert_eq!(parsed2.blueprints.len(), 2, "{out2}");
        let api = parsed2.blueprints.iter().find(|e| e.name == "api").unwrap();
        assert_eq!(api.summary, "A better API");
        assert_eq!(api.owners, vec![String::from("team-a")]);
        assert_eq!(api.maturity.as_str(), "recommended");
        assert!(out2.contains("# feedback (kept):"), "{out2}");
    }

    #[test]
    fn an_entry_added_to_a_list_at_column_zero_is_indented_like_it() {
        let text = "apiVersion: pave/v1\nname: r\nblueprints:\n- name: old\n  path: blueprints/old\n  summary: o\nfeedback:\n  sink: git\n";
        let index = parse_index(text, "registry.yaml").unwrap();
        let mut tree = FileTree::new();
        tree.insert(
            String::from("blueprint.yaml"),
            Entry::file("apiVersion: pave/v1\nname: api\nversion: 1.0.0\nsummary: An API\n"),
        );
        let bp = Blueprint::from_tree("t", tree).unwrap();
        let out = upsert_entry(text, &index, &bp, "blueprints/api");
        let parsed = parse_index(&out, "registry.yaml").unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(parsed.blueprints.len(), 2, "{out}");
        assert!(
            out.contains("\n- name: api\n  path: \"blueprints/api\"\n"),
            "{out}"
        );
        assert_eq!(parsed.feedback.map(|f| f.sink), Some(String::from("git")));
    }
}
