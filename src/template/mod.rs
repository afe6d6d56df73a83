//! The handlebars engine that answers, rendering and lint share: its configuration (strict mode,
//! no escaping, pave's helpers, partials), condition evaluation, and the reference walker that
//! finds which variables, helpers and partials a template uses. It knows nothing of answers or
//! blueprints: it renders templates against a JSON context.

pub mod blocks;
pub(crate) mod chunks;
pub mod condition;
mod engine;
pub mod refs;
#[cfg(test)]
mod samples;
pub mod templatize;
pub mod undefined;

use crate::error::{Classify, ErrorKind};
pub use engine::{Engine, HELPERS, compile_file, parse_error};
use std::fmt;

/// A template that does not parse or fails to render, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", At(self))]
pub struct TemplateError {
    /// The blueprint file (`template/...`, `partials/...`) or expression.
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl TemplateError {
    /// An error without a position.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        TemplateError {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

struct At<'a>(&'a TemplateError);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        crate::yaml::write_position(f, &e.file, e.line, e.column)?;
        write!(f, ": {}", e.message)
    }
}

impl Classify for TemplateError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Failure
    }
}
