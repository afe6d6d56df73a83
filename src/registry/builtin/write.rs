//! Writing a blueprint folder as frozen text: the one format in which the built-in registry
//! embeds each of its releases (the newest from `blueprints/<name>/` at build time, older ones
//! from `history/<name>/<version>.txt`). This file uses only `std`, because `build.rs` includes
//! it too; reading the format back is [`super::frozen`].
//!
//! The text starts with [`MAGIC`] on a line of its own, then one record per file in path order:
//! a header `=== <kind> <length> <path>` and exactly `<length>` bytes of payload followed by a
//! newline. Kinds: `file` and `exec` (the bytes as they are, UTF-8 text), `file-hex` and
//! `exec-hex` (anything else, as lines of hex digits), `link` (a symbolic link; the payload is
//! its target). A length makes every byte of every file round-trip, whatever it contains.

use std::io;
use std::path::Path;

/// The first line of every frozen text (the format's version).
pub const MAGIC: &str = "pave frozen blueprint v1";

/// The marker that starts each record's header line.
pub const RECORD: &str = "=== ";

/// How many bytes each hex line of a binary file holds.
const HEX_LINE: usize = 32;

/// One file of a frozen blueprint, as the writer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A regular file.
    File {
        /// The contents.
        data: Vec<u8>,
        /// Whether it is executable.
        executable: bool,
    },
    /// A symbolic link to `target`.
    Link {
        /// Where it points, relative to the link's folder.
        target: String,
    },
}

/// Whether a file of a blueprint folder (its path relative to the folder, `/`-separated) is
/// part of what pave embeds: the manifest, changelog, template files, partials and example
/// answer sets. Recorded snapshots only serve `pave blueprint test` and stay out.
pub fn embeddable(rel: &str) -> bool {
    rel == "blueprint.yaml"
        || rel == "CHANGELOG.md"
        || rel.starts_with("template/")
        || rel.starts_with("partials/")
        || rel.starts_with("tests/")
}

/// The frozen text of `items` (path, item), written in path order.
pub fn encode<'a>(items: impl IntoIterator<Item = (&'a str, &'a Item)>) -> String {
    let mut items: Vec<(&str, &Item)> = items.into_iter().collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(1024);
    out.push_str(MAGIC);
    out.push('\n');
    for (path, item) in items {
        let (kind, payload) = match item {
            Item::File { data, executable } => match std::str::from_utf8(data) {
                Ok(text) => (if *executable { "exec" } else { "file" }, text.to_string()),
                Err(_) => (if *executable { "exec-hex" } else { "file-hex" }, hex(data)),
            },
            Item::Link { target } => ("link", target.clone()),
        };
        out.push_str(&format!("{RECORD}{kind} {} {path}\n", payload.len()));
        out.push_str(&payload);
        out.push('\n');
    }
    out
}

fn hex(data: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(data.len() * 2 + data.len() / HEX_LINE + 1);
    for line in data.chunks(HEX_LINE) {
        for byte in line {
            out.push(DIGITS[usize::from(byte >> 4)] as char);
            out.push(DIGITS[usize::from(byte & 0x0f)] as char);
        }
        out.push('\n');
    }
    out
}

/// The frozen text of the embeddable files of the blueprint folder `dir` (see
/// [`embeddable`]). Paths with characters a record header cannot hold (line breaks, `\`) are
/// refused.
pub fn freeze_folder(dir: &Path) -> io::Result<String> {
    let mut items = Vec::new();
    walk(dir, "", &mut items)?;
    items.retain(|(rel, _)| embeddable(rel));
    Ok(encode(items.iter().map(|(p, i)| (p.as_str(), i))))
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, Item)>) -> io::Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", dir.display())))?
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".git" {
            continue;
        }
        let rel = format!("{prefix}{name}");
        if rel.contains(['\n', '\r', '\\']) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: a blueprint file name may not hold a line break or `\\`",
                    rel
                ),
            ));
        }
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path)?.to_string_lossy().into_owned();
            out.push((rel, Item::Link { target }));
        } else if meta.is_dir() {
            walk(&path, &format!("{rel}/"), out)?;
        } else if meta.is_file() {
            let data = std::fs::read(&path).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
            })?;
            out.push((
                rel,
                Item::File {
                    data,
                    executable: crate::mode::is_executable(&meta),
                },
            ));
        }
    }
    Ok(())
}
