//! Which of pave's error types an error is: the one list of the library's error types, used by
//! the shell to find the kind (exit code) and hint of the first classified error in a cause
//! chain. It lives in the shell so that the library's error module depends on no other module.

use crate::error::{Classify, ErrorKind, UsageError};
use std::error::Error;

/// The [`Classify`] view of `err` when it is one of pave's error types. This is the one place
/// that knows the list of types; each type decides its kind and hint itself.
pub(crate) fn classify<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a dyn Classify> {
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
        crate::project::pristine::PristineError,
        crate::update::run::UpdateError,
        crate::project::diff::DiffError,
        crate::project::tree::WalkError,
        crate::outdated::FindError,
        crate::registry::RegistryError,
        crate::registry::git::GitError,
        crate::registry::git::PushError,
        crate::feedback::git::GitSinkError,
        crate::feedback::route::RouteError,
        crate::feedback::submit::SubmitError,
        crate::feedback::replay::ReplayError,
        crate::project::patch::PatchError,
        crate::registry::cache::CacheError,
        crate::config::ConfigError,
        crate::blueprint::BlueprintError,
        crate::manifest::ManifestError,
        crate::yaml::YamlError,
        crate::author::absorb::AbsorbError,
        crate::author::testing::TestError,
        crate::author::init::InitError,
        crate::author::extract::ExtractError,
        crate::author::publish::PublishError,
        crate::author::retire::RetireError,
        crate::registry::scaffold::ScaffoldError,
    );
    None
}

/// The kind and hint of a cause chain (outermost first): those of the first error that
/// answers [`Classify`]; a chain where none does is a [`ErrorKind::Failure`] without a hint.
pub(crate) fn classify_chain<'a>(
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

    /// The last path segment of every type named in `classify`'s list, read from this file.
    fn listed() -> Vec<String> {
        let src = include_str!("errors.rs");
        let start = src.find("    first_of!(\n").expect("the list") + "    first_of!(\n".len();
        let end = start + src[start..].find(");").expect("the end of the list");
        src[start..end]
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.rsplit("::").next().unwrap_or(t).to_string())
            .collect()
    }

    /// `(type, file)` for every `impl ... Classify for Type` under `src/`.
    fn implementors() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for item in walkdir::WalkDir::new(&root) {
            let item = item.expect("walk src");
            if item.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(item.path()).expect("read a source file");
            for line in text.lines().map(str::trim_start) {
                let Some(rest) = line.strip_prefix("impl") else {
                    continue;
                };
                let Some((_, ty)) = rest.split_once("Classify for ") else {
                    continue;
                };
                let ty: String = ty
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let ty = ty.rsplit("::").next().unwrap_or(&ty).to_string();
                let file = item.path().strip_prefix(&root).unwrap_or(item.path());
                found.push((ty, file.display().to_string()));
            }
        }
        found.sort();
        found
    }

    #[test]
    fn every_type_that_answers_classify_is_in_the_list() {
        let listed = listed();
        let implementors = implementors();
        assert!(implementors.len() > 20, "the scan found {implementors:?}");
        let missing: Vec<String> = implementors
            .iter()
            .filter(|(ty, _)| !listed.contains(ty))
            .map(|(ty, file)| format!("{ty} (src/{file})"))
            .collect();
        assert!(
            missing.is_empty(),
            "these error types answer Classify but `classify` in src/cli/errors.rs does not \
             list them, so the shell never asks them for their kind and hint: {missing:?}"
        );
        let stale: Vec<&String> = listed
            .iter()
            .filter(|ty| !implementors.iter().any(|(t, _)| t == *ty))
            .collect();
        assert!(stale.is_empty(), "listed but no `impl Classify`: {stale:?}");
        let mut unique = listed.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), listed.len(), "listed twice: {listed:?}");
    }
}
