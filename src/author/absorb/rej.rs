//! `absorb.rej`: the changes that were not absorbed, as a patch against the rendered files
//! (`--- a/<path>` / `+++ b/<path>`, the project's own hunks), so that nothing is dropped and
//! the author can carry them over by hand. Pure.

use crate::project::diff::{FileDiff, ProjectDiff};

/// The file's name in the blueprint folder.
pub const FILE_NAME: &str = "absorb.rej";

/// The patch of the files and hunks not absorbed (each file as the project diff has it, with
/// only the hunks left); `None` when nothing was rejected.
pub(crate) fn patch(files: Vec<FileDiff>) -> Option<String> {
    if files.is_empty() {
        return None;
    }
    let diff = ProjectDiff {
        old: String::new(),
        new: String::new(),
        files,
        left_out: Vec::new(),
    };
    Some(diff.unified())
}
