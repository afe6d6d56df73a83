//! The handlebars engine that answers, rendering and lint share: its configuration (strict mode,
//! no escaping, pave's helpers, partials), condition evaluation, and the reference walker that
//! finds which variables, helpers and partials a template uses. It knows nothing of answers or
//! blueprints: it renders templates against a JSON context.

pub mod blocks;
mod chunks;
pub mod condition;
mod engine;
mod parse;
pub mod refs;
#[cfg(test)]
mod samples;
mod tag;
pub mod undefined;

use crate::error::{Classify, ErrorKind};
pub use engine::{Engine, HELPERS, compile, compile_shared, parse_error};
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// A cache kept for the whole process, by text (tags, words, conditions): blueprints repeat
/// them, and a manifest's conditions are read when it is checked and again when evaluated.
type Memo<V> = OnceLock<Mutex<foldhash::HashMap<String, V>>>;

/// What `memo` holds for `key`, else what `make` gives, kept when it is not an error.
fn remembered<V: Clone, E>(
    memo: &Memo<V>,
    key: &str,
    make: impl FnOnce() -> Result<V, E>,
) -> Result<V, E> {
    let cache = memo.get_or_init(Default::default);
    if let Some(value) = cache.lock().ok().and_then(|c| c.get(key).cloned()) {
        return Ok(value);
    }
    let value = make()?;
    if let Ok(mut c) = cache.lock() {
        c.insert(key.to_string(), value.clone());
    }
    Ok(value)
}

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
