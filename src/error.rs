//! What kind an error is. Every library error type answers [`Classify`]: whether the user's
//! input is at fault ([`ErrorKind::Usage`]) or something else failed ([`ErrorKind::Failure`]),
//! and how to fix it when there is something to say ([`Classify::hint`]). The shell picks the
//! exit code and the JSON error's `kind` from the first error in a cause chain that answers
//! (the shell's `cli::errors` lists the types, so this module depends on none of them); errors that wrap another answer with their inner error's kind and hint.

use std::error::Error;

/// Who is at fault for an error, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line or the answers given on it are wrong: exit code 2.
    Usage,
    /// Anything else (a blueprint, a registry, the network, the disk): exit code 1.
    Failure,
}

impl ErrorKind {
    /// The process exit code for this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::Failure => 1,
        }
    }

    /// The name used in JSON output (`usage`, `failure`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::Failure => "failure",
        }
    }
}

/// An error that says what kind it is and, when it can, how to fix it.
pub trait Classify: Error {
    /// Whether the user's input is at fault.
    fn kind(&self) -> ErrorKind;

    /// How to fix it, when there is more to say than the message (closest names, the flag to
    /// pass, the command to run). The message may already contain it.
    fn hint(&self) -> Option<String> {
        None
    }
}

/// An error of the caller's input described in words (a flag combination, a file given on
/// the command line that cannot be read): always [`ErrorKind::Usage`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl Classify for UsageError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Usage
    }
}

/// An error as one line: its message and each cause the text does not already say.
pub fn one_line(err: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_exit_codes_and_names() {
        assert_eq!(ErrorKind::Usage.exit_code(), 2);
        assert_eq!(ErrorKind::Failure.exit_code(), 1);
        assert_eq!(ErrorKind::Usage.as_str(), "usage");
        assert_eq!(ErrorKind::Failure.as_str(), "failure");
    }
}
