//! What kind an error is. Every library error type answers [`Classify`]: whether the user's
//! input is at fault ([`ErrorKind::Usage`]) or something else failed ([`ErrorKind::Failure`]),
//! and how to fix it when there is something to say ([`Classify::hint`]). The shell picks the
//! exit code and the JSON error's `kind` from the first error in a cause chain that answers
//! ([`classify`]); errors that wrap another answer with their inner error's kind and hint.

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

/// The [`Classify`] view of `err` when it is one of pave's error types. This is the one place
/// that knows the list of types; each type decides its kind and hint itself.
pub fn classify<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a dyn Classify> {
    macro_rules! first_of {
        ($($ty:ty),* $(,)?) => {
            $(if let Some(e) = err.downcast_ref::<$ty>() {
                return Some(e);
            })*
        };
    }
    first_of!(
        UsageError,
        crate::answers::AnswerError,
        crate::generate::GenerateError,
        crate::render::RenderError,
        crate::template::TemplateError,
        crate::plan::PlanError,
        crate::update::pristine::PristineError,
        crate::update::run::UpdateError,
        crate::registry::RegistryError,
        crate::registry::git::GitError,
        crate::registry::cache::CacheError,
        crate::config::ConfigError,
        crate::blueprint::BlueprintError,
        crate::manifest::ManifestError,
        crate::yaml::YamlError,
        crate::author::testing::TestError,
    );
    None
}

/// The kind and hint of a cause chain (outermost first): those of the first error that
/// answers [`Classify`]; a chain where none does is a [`ErrorKind::Failure`] without a hint.
pub fn classify_chain<'a>(
    chain: impl IntoIterator<Item = &'a (dyn Error + 'static)>,
) -> (ErrorKind, Option<String>) {
    chain
        .into_iter()
        .find_map(classify)
        .map_or((ErrorKind::Failure, None), |e| (e.kind(), e.hint()))
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

    #[test]
    fn the_first_error_that_answers_decides() {
        let io = std::io::Error::other("disk full");
        let usage = UsageError(String::from("bad flag"));
        let chain: Vec<&(dyn Error + 'static)> = vec![&io, &usage];
        assert_eq!(classify_chain(chain), (ErrorKind::Usage, None));

        let chain: Vec<&(dyn Error + 'static)> = vec![&io];
        assert_eq!(classify_chain(chain), (ErrorKind::Failure, None));
    }

    #[test]
    fn a_wrapping_error_answers_with_its_inner_error() {
        let inner = crate::answers::AnswerError::BadSet(String::from("region"));
        let wrapped = crate::generate::GenerateError::Answers(inner);
        let (kind, hint) = classify_chain([&wrapped as &(dyn Error + 'static)]);
        assert_eq!(kind, ErrorKind::Usage);
        assert!(hint.is_some_and(|h| h.contains("key=value")));
    }
}
