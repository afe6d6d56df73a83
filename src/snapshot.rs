//! A rendered tree as one stable text (a header line per file, then its contents), for
//! snapshot comparison in `pave blueprint test` and in pave's own tests.

use crate::blueprint::{Entry, FileTree};

/// The tree as text: `--- path` (with ` (executable)` or ` -> target`) then the contents.
/// Binary files are summarised by size.
pub fn tree_text(tree: &FileTree) -> String {
    let mut out = String::new();
    for (path, entry) in tree {
        match entry {
            Entry::File { data, executable } => {
                out.push_str("--- ");
                out.push_str(path);
                if *executable {
                    out.push_str(" (executable)");
                }
                out.push('\n');
                match std::str::from_utf8(data) {
                    Ok(text) => {
                        out.push_str(text);
                        if !text.is_empty() && !text.ends_with('\n') {
                            out.push_str("\n[no newline at end of file]\n");
                        }
                    }
                    Err(_) => out.push_str(&format!("[binary, {} bytes]\n", data.len())),
                }
            }
            Entry::Symlink { target } => out.push_str(&format!("--- {path} -> {target}\n")),
        }
    }
    out
}
