//! The three kinds of names pave accepts from users and files, each with one validator used
//! everywhere that name is read: blueprint names (manifests, indexes, tags, `blueprint init`),
//! registry names (`registry add`, the config) and parameter names (manifests). Each validator
//! returns a [`NameError`] whose text says the rule, so every place words it the same way.

/// The longest blueprint or registry name.
pub const MAX_LEN: usize = 63;

/// What kind of name was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A blueprint's name: `^[a-z][a-z0-9-]{0,62}$`.
    Blueprint,
    /// A registry's name: `^[a-z][a-z0-9-]{0,62}$`.
    Registry,
    /// A parameter's name: `^[a-z][a-z0-9_]*$`.
    Parameter,
}

impl NameKind {
    /// The kind in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Blueprint => "blueprint",
            NameKind::Registry => "registry",
            NameKind::Parameter => "parameter",
        }
    }

    /// The rule, as told to the user.
    pub fn rule(self) -> &'static str {
        match self {
            NameKind::Blueprint | NameKind::Registry => {
                "use lower-case letters, digits and dashes, starting with a letter (at most 63)"
            }
            NameKind::Parameter => "use lower-case letters, digits and `_`, starting with a letter",
        }
    }
}

/// A name that breaks its kind's rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a valid {} name: {}", .kind.as_str(), .kind.rule())]
pub struct NameError {
    /// Which kind of name.
    pub kind: NameKind,
    /// The name given.
    pub name: String,
}

fn dashed(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= MAX_LEN
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
}

fn check(kind: NameKind, name: &str, ok: bool) -> Result<(), NameError> {
    if ok {
        Ok(())
    } else {
        Err(NameError {
            kind,
            name: name.to_string(),
        })
    }
}

/// Checks a blueprint name.
pub fn blueprint(name: &str) -> Result<(), NameError> {
    check(NameKind::Blueprint, name, dashed(name))
}

/// Checks a registry name.
pub fn registry(name: &str) -> Result<(), NameError> {
    check(NameKind::Registry, name, dashed(name))
}

/// Checks a parameter name.
pub fn parameter(name: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'));
    check(NameKind::Parameter, name, ok)
}

/// Whether `path` is a plain relative path: `/`-separated names, none empty, `.` or `..`, none
/// holding `\` or NUL. Every path pave writes below a folder it was given is one.
pub fn plain_path(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|s| !matches!(s, "" | "." | "..") && !s.contains(['\\', '\0']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_rule() {
        for good in ["a", "orders-api", "x1-2"] {
            assert!(blueprint(good).is_ok(), "{good}");
            assert!(registry(good).is_ok(), "{good}");
        }
        let long = "a".repeat(64);
        for bad in ["", "Acme", "1a", "a/b", "a_b", "-a", long.as_str()] {
            assert!(blueprint(bad).is_err(), "{bad}");
            assert!(registry(bad).is_err(), "{bad}");
        }
        assert!(parameter("project_name").is_ok());
        for bad in ["", "Project", "project-name", "_x", "9x"] {
            assert!(parameter(bad).is_err(), "{bad}");
        }
        let err = registry("Bad/Name").unwrap_err().to_string();
        assert!(
            err.contains("`Bad/Name` is not a valid registry name")
                && err.contains("lower-case letters, digits and dashes"),
            "{err}"
        );
    }
}
