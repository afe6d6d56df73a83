//! A rendered project: what it records and what it is made of, as `update`, `diff`,
//! `outdated` and `feedback` see it. Nothing here prompts or writes.
//!
//! - [`record`]: `.pave.yaml`, the project's record, and finding the project a command runs in.
//! - [`read`]: reading exactly the project files of interest, never through a link.
//! - [`tree`]: which files on disk belong to a project (for `diff` and `outdated`).
//! - [`pristine`]: the recorded version and its render with the recorded answers (the base of
//!   `update`, what `diff` compares with).
//! - [`diff`]: `pave diff`: file-by-file unified diffs of the project against its pristine
//!   render, or of the recorded version against a target one.
//! - [`patch`]: a diff read back and applied to the pristine render (a feedback item's project).

pub mod diff;
pub mod patch;
pub mod pristine;
pub mod read;
pub mod record;
pub mod tree;

pub use read::{ReadError, read_project};
pub use record::{FILE_NAME, ProjectFile, find_upward, locate};
