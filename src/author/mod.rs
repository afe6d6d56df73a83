//! Tools for blueprint authors: [`lint`] (static checks of a blueprint folder) and
//! [`testing`] (render the example answer sets, compare snapshots, run the manifest's checks).
//! These are the only places where a blueprint's own commands run. [`bump`], [`publish`] and
//! [`retire`] (deprecate, yank) write to git registries; [`registry_text`] is their text edits
//! of `registry.yaml` and CHANGELOG.md. [`init`] gives a new blueprint
//! folder's files (the starter, or a renamed copy of a released blueprint); [`extract`] makes one
//! from a working project, proved by rendering. [`absorb`] carries a project's changes back
//! into a blueprint folder.

pub mod absorb;
pub mod bump;
pub mod extract;
pub mod init;
pub mod lint;
pub mod publish;
pub mod registry_text;
pub mod retire;
pub mod testing;
