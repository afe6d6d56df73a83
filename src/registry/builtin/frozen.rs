//! Reading frozen text (the format [`super::write`] describes and writes) back into the file
//! tree of a blueprint folder. Every malformed record is an error that names the text and the
//! line of the record; nothing is guessed.

use super::write::{MAGIC, RECORD};
use crate::blueprint::{Entry, FileTree};
use std::borrow::Cow;

/// Frozen text that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}; re-create the file with scripts/freeze-builtin")]
pub struct FrozenError {
    /// The text's name (`history/<blueprint>/<version>.txt`, `builtin:<blueprint>`).
    pub origin: String,
    /// The line of the record at fault (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The files of the frozen text `text`, named `origin` in errors.
pub fn decode(text: &str, origin: &str) -> Result<FileTree, FrozenError> {
    decode_in(text, None, origin)
}

/// [`decode`] of a text built into the binary: its files borrow from it.
pub fn decode_built_in(text: &'static str, origin: &str) -> Result<FileTree, FrozenError> {
    decode_in(text, Some(text.as_bytes()), origin)
}

/// `built_in` is `text` itself when it lives as long as the program.
fn decode_in(
    text: &str,
    built_in: Option<&'static [u8]>,
    origin: &str,
) -> Result<FileTree, FrozenError> {
    let bytes = text.as_bytes();
    // A record's line is only counted when it is reported.
    let fail = |at: usize, message: String| FrozenError {
        origin: origin.to_string(),
        line: 1 + bytes[..at.min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count(),
        message,
    };
    let first_end = memchr(bytes, 0).unwrap_or(bytes.len());
    if &bytes[..first_end] != MAGIC.as_bytes() {
        return Err(fail(0, format!("the first line is not `{MAGIC}`")));
    }
    let mut at = (first_end + 1).min(bytes.len());
    let mut files = FileTree::new();
    while at < bytes.len() {
        let end =
            memchr(bytes, at).ok_or_else(|| fail(at, "a header without a line end".into()))?;
        let header = std::str::from_utf8(&bytes[at..end])
            .map_err(|_| fail(at, "a header that is not UTF-8".into()))?;
        let (kind, len, path) = parse_header(header).ok_or_else(|| {
            fail(
                at,
                format!("`{header}` is not `{RECORD}<kind> <length> <path>`"),
            )
        })?;
        let start = end + 1;
        let stop = start
            .checked_add(len)
            .filter(|stop| *stop < bytes.len() && bytes[*stop] == b'\n')
            .ok_or_else(|| {
                fail(
                    at,
                    format!("{path}: the text ends before its {len} bytes and a line end"),
                )
            })?;
        let payload = &bytes[start..stop];
        let entry = match kind {
            "file" | "exec" => Entry::File {
                data: match built_in {
                    Some(text) => Cow::Borrowed(&text[start..stop]),
                    None => Cow::Owned(payload.to_vec()),
                },
                executable: kind == "exec",
            },
            "file-hex" | "exec-hex" => Entry::File {
                data: unhex(payload)
                    .ok_or_else(|| fail(at, format!("{path}: invalid hex")))?
                    .into(),
                executable: kind == "exec-hex",
            },
            "link" => Entry::Symlink {
                target: String::from_utf8(payload.to_vec())
                    .map_err(|_| fail(at, format!("{path}: a link target that is not UTF-8")))?,
            },
            other => return Err(fail(at, format!("{path}: unknown kind `{other}`"))),
        };
        if files.insert(path.to_string(), entry).is_some() {
            return Err(fail(at, format!("{path} appears twice")));
        }
        at = stop + 1;
    }
    Ok(files)
}

/// `=== <kind> <length> <path>` split, or `None`.
fn parse_header(header: &str) -> Option<(&str, usize, &str)> {
    let rest = header.strip_prefix(RECORD)?;
    let (kind, rest) = rest.split_once(' ')?;
    let (len, path) = rest.split_once(' ')?;
    let len = len.parse().ok()?;
    let clean = !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..");
    clean.then_some((kind, len, path))
}

/// The index of the first `\n` at or after `from`.
fn memchr(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|b| *b == b'\n')
        .map(|i| from + i)
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.iter().copied().filter(|b| *b != b'\n').collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |d: u8| {
        char::from(d)
            .to_digit(16)
            .and_then(|v| u8::try_from(v).ok())
    };
    digits
        .chunks(2)
        .map(|pair| Some(value(pair[0])? << 4 | value(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::write::{Item, encode};
    use super::*;

    fn sample() -> Vec<(String, Item)> {
        vec![
            (
                "blueprint.yaml".into(),
                Item::File {
                    data: b"name: x\n".to_vec(),
                    executable: false,
                },
            ),
            // Lines that look like record headers, no final newline, and an empty file.
            (
                "template/a.md".into(),
                Item::File {
                    data: b"=== file 3 b\n---\nend".to_vec(),
                    executable: false,
                },
            ),
            (
                "template/empty".into(),
                Item::File {
                    data: Vec::new(),
                    executable: false,
                },
            ),
            (
                "template/run.sh".into(),
                Item::File {
                    data: b"#!/bin/sh\n".to_vec(),
                    executable: true,
                },
            ),
            (
                "template/logo.bin".into(),
                Item::File {
                    data: (0..=255u8).rev().collect(),
                    executable: false,
                },
            ),
            (
                "template/tool".into(),
                Item::File {
                    data: vec![0xff, 0, 1],
                    executable: true,
                },
            ),
            (
                "template/link".into(),
                Item::Link {
                    target: "run.sh".into(),
                },
            ),
        ]
    }

    #[test]
    fn every_kind_of_file_round_trips_byte_for_byte() {
        let items = sample();
        let text = encode(items.iter().map(|(p, i)| (p.as_str(), i)));
        assert!(
            text.starts_with("pave frozen blueprint v1\n=== file 8 blueprint.yaml\nname: x\n\n"),
            "{text}"
        );
        assert!(
            text.contains("=== exec-hex 7 template/tool\nff0001\n\n"),
            "{text}"
        );
        let tree = decode(&text, "t").unwrap();
        assert_eq!(tree.len(), items.len());
        for (path, item) in &items {
            let want = match item {
                Item::File { data, executable } => Entry::File {
                    data: data.clone().into(),
                    executable: *executable,
                },
                Item::Link { target } => Entry::Symlink {
                    target: target.clone(),
                },
            };
            assert_eq!(tree[path], want, "{path}");
        }
        // A text built into the binary gives the same tree, its plain files borrowed from it.
        let text: &'static str = Box::leak(text.into_boxed_str());
        let built_in = decode_built_in(text, "t").unwrap();
        assert_eq!(built_in, tree);
        assert!(matches!(
            &built_in["blueprint.yaml"],
            Entry::File {
                data: Cow::Borrowed(_),
                ..
            }
        ));
    }

    #[test]
    fn malformed_texts_are_refused_with_the_line_at_fault() {
        let good = encode([
            (
                "a",
                &Item::File {
                    data: b"x\ny\n".to_vec(),
                    executable: false,
                },
            ),
            (
                "b",
                &Item::File {
                    data: b"z".to_vec(),
                    executable: false,
                },
            ),
        ]);
        assert!(decode(&good, "t").is_ok());
        let cases = [
            ("not frozen\n", "t:1: the first line"),
            (
                "pave frozen blueprint v1\n=== file 99 a\nx\n",
                "t:2: a: the text ends before its 99 bytes",
            ),
            (
                "pave frozen blueprint v1\n=== file 1 a\nxy\n",
                "t:2: a: the text ends before",
            ),
            (
                "pave frozen blueprint v1\n=== blob 1 a\nx\n",
                "t:2: a: unknown kind `blob`",
            ),
            (
                "pave frozen blueprint v1\n=== file 1 ../a\nx\n",
                "t:2: `=== file 1 ../a` is not",
            ),
            (
                "pave frozen blueprint v1\n=== file-hex 3 a\nzz\n\n",
                "t:2: a: invalid hex",
            ),
            (
                "pave frozen blueprint v1\n=== file 1 a\nx\n=== file 1 a\ny\n",
                "t:4: a appears twice",
            ),
        ];
        for (text, want) in cases {
            let err = decode(text, "t").unwrap_err().to_string();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
        let err = decode(&good.replace("=== file 1 b", "=== file 1 b/"), "t").unwrap_err();
        assert_eq!(err.line, 6, "{err}");
    }
}
