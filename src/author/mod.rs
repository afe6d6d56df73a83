//! Tools for blueprint authors: [`lint`] (static checks of a blueprint folder) and
//! [`testing`] (render the example answer sets, compare snapshots, run the manifest's checks).
//! These are the only places where a blueprint's own commands run. [`bump`], [`publish`] and
//! [`retire`] (deprecate, yank) write to git registries. [`init`] gives a new blueprint
//! folder's files (the starter, or a renamed copy of a released blueprint).

pub mod bump;
pub mod init;
pub mod lint;
pub mod publish;
pub mod retire;
pub mod testing;
