//! Tools for blueprint authors: [`lint`] (static checks of a blueprint folder) and
//! [`testing`] (render the example answer sets, compare snapshots, run the manifest's checks).
//! These are the only places where a blueprint's own commands run. [`bump`], [`publish`] and
//! [`retire`] (deprecate, yank) write to git registries; [`registry_text`] is their text edits
//! of `registry.yaml` and CHANGELOG.md. [`init`] gives a new blueprint
//! folder's files (the starter, or a renamed copy of a released blueprint); [`extract`] makes one
//! from a working project, proved by rendering. [`absorb`] carries a project's changes back
//! into a blueprint folder. Here too are the helpers they share: a blueprint's template files and
//! partials as files of its folder, a file edited with its executable bit kept, and a text as a
//! double-quoted YAML scalar.

use crate::blueprint::{Blueprint, Entry, FileTree};

pub mod absorb;
pub mod bump;
pub mod extract;
pub mod init;
pub mod lint;
pub mod publish;
pub mod registry_text;
pub mod retire;
pub mod testing;

/// The template files and partials of a blueprint, as paths of its folder.
fn folder_tree(bp: &Blueprint) -> FileTree {
    let mut tree = FileTree::new();
    for (path, entry) in &bp.template {
        tree.insert(format!("template/{path}"), entry.clone());
    }
    for (name, text) in &bp.partials {
        tree.insert(format!("partials/{name}.hbs"), Entry::file(text.as_bytes()));
    }
    tree
}

/// A file holding `data`, executable when `like` (the file it replaces) is.
fn file_like(data: impl Into<Vec<u8>>, like: Option<&Entry>) -> Entry {
    Entry::File {
        data: data.into().into(),
        executable: matches!(
            like,
            Some(Entry::File {
                executable: true,
                ..
            })
        ),
    }
}

/// `s` as a double-quoted YAML scalar (a JSON string is one).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}
