//! `pave blueprint init`: the files of a new blueprint folder, as a [`FileTree`] the caller
//! writes. Either the starter ([`starter`]: one Node.js function on a Lambda Function URL that
//! only CloudFront can call, with its unit test, Makefile, CI workflow, README, CHANGELOG and
//! one example answer set), or a copy of a released blueprint under a new name at 0.1.0
//! ([`copy_of`]). Both come with the snapshot of every example that renders, so
//! `pave blueprint test` passes as written. The starter's files are in `src/author/starter/`.

use crate::blueprint::{Blueprint, BlueprintError, Entry, FileTree};
use crate::error::{Classify, ErrorKind};
use crate::names::NameError;
use crate::registry::Loaded;
use std::path::{Path, PathBuf};

/// The version every new blueprint starts at.
pub const FIRST_VERSION: &str = "0.1.0";

/// The starter's summary when none is given.
pub const STARTER_SUMMARY: &str =
    "One Lambda function on a Function URL that only CloudFront can call (origin access control)";

/// A starter file: its path in the new folder, its text (the file of that path under
/// `src/author/starter/`), not executable.
macro_rules! starter_file {
    ($path:literal) => {
        ($path, include_str!(concat!("starter/", $path)), false)
    };
}

/// The starter blueprint's files; `__NAME__` and `__SUMMARY__` are filled in.
const STARTER: &[(&str, &str, bool)] = &[
    starter_file!("blueprint.yaml"),
    starter_file!("CHANGELOG.md"),
    starter_file!("tests/01-defaults.yaml"),
    starter_file!("template/.github/workflows/ci.yml.hbs"),
    starter_file!("template/.gitignore"),
    starter_file!("template/Makefile.hbs"),
    starter_file!("template/README.md.hbs"),
    starter_file!("template/package.json.hbs"),
    starter_file!("template/samconfig.toml.hbs"),
    (
        "template/scripts/sam-translate.py",
        // The same offline SAM transform the built-in blueprints ship.
        include_str!("../../blueprints/cloudfront-lambda-url/template/scripts/sam-translate.py"),
        true,
    ),
    starter_file!("template/src/app.mjs"),
    starter_file!("template/src/package.json.hbs"),
    starter_file!("template/template.yaml.hbs"),
    starter_file!("template/tests/app.test.mjs"),
];

/// Why a blueprint folder cannot be started.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The path ends in no usable folder name (`.`, `..`, `/`).
    #[error(
        "{} names no folder; give the new folder's path, such as blueprints/orders-api (its name is the blueprint's)",
        .0.display()
    )]
    NoName(PathBuf),
    /// The folder's name is not a valid blueprint name.
    #[error("{0} (the folder's name is the blueprint's)")]
    BadName(#[source] NameError),
    /// The target folder holds files.
    #[error(
        "{} is not empty; blueprint init writes only into a new or empty folder",
        .0.display()
    )]
    NotEmpty(PathBuf),
    /// The target could not be inspected.
    #[error("cannot read {}", .path.display())]
    Io {
        /// The target.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// The copied manifest has no top-level key to set, or does not read back as set.
    #[error(
        "{origin}/blueprint.yaml: cannot set its top-level `{key}` to `{value}` with a text edit"
    )]
    Edit {
        /// The blueprint copied.
        origin: String,
        /// The key.
        key: &'static str,
        /// The value wanted.
        value: String,
    },
    /// The new folder's files do not read as a blueprint.
    #[error(transparent)]
    Blueprint(#[from] BlueprintError),
    /// An example answer set does not render, so it has no snapshot.
    #[error("{origin}: the example answer set tests/{case}.yaml does not render: {message}")]
    Example {
        /// The blueprint.
        origin: String,
        /// The case.
        case: String,
        /// The render error.
        message: String,
    },
}

impl Classify for InitError {
    fn kind(&self) -> ErrorKind {
        match self {
            // As `pave registry init`: the folder given is the user's choice to change.
            InitError::NoName(_) | InitError::BadName(_) | InitError::NotEmpty(_) => {
                ErrorKind::Usage
            }
            InitError::Blueprint(e) => e.kind(),
            _ => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            InitError::NotEmpty(_) => Some(String::from("choose a new folder")),
            InitError::Blueprint(e) => e.hint(),
            _ => None,
        }
    }
}

/// The blueprint name a new folder at `path` gets: its last segment, checked.
pub fn name_of(path: &Path) -> Result<String, InitError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| InitError::NoName(path.to_path_buf()))?;
    crate::names::blueprint(name).map_err(InitError::BadName)?;
    Ok(name.to_string())
}

/// Refuses a target that exists and holds anything (a missing or empty folder is fine).
pub fn check_target(path: &Path) -> Result<(), InitError> {
    let io = |source| InitError::Io {
        path: path.to_path_buf(),
        source,
    };
    match fs_err::read_dir(path) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(Ok(_)) => Err(InitError::NotEmpty(path.to_path_buf())),
            Some(Err(e)) => Err(io(e)),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        // A file in the way: the plan says so in its own words.
        Err(_) if path.is_file() => Ok(()),
        Err(e) => Err(io(e)),
    }
}

/// The starter blueprint `name`, with `summary` (else [`STARTER_SUMMARY`]) and the snapshot of
/// its example.
pub fn starter(name: &str, summary: Option<&str>) -> Result<FileTree, InitError> {
    let summary = yaml_scalar(summary.unwrap_or(STARTER_SUMMARY));
    let tree: FileTree = STARTER
        .iter()
        .map(|(path, text, executable)| {
            let text = text
                .replace("__NAME__", name)
                .replace("__SUMMARY__", &summary);
            let entry = Entry::File {
                data: text.into_bytes().into(),
                executable: *executable,
            };
            (path.to_string(), entry)
        })
        .collect();
    with_snapshots(name, tree)
}

/// A copy of `loaded` as the new blueprint `name` at [`FIRST_VERSION`]: its manifest with
/// `name`, `version` (and `summary`, when given) set by text edits that keep every other byte,
/// its template, partials and example answer sets as they are, a CHANGELOG whose one entry
/// says it started from `from` (`<registry>/<blueprint>@<version>`), and every example's
/// snapshot rendered again.
pub fn copy_of(
    loaded: &Loaded,
    from: &str,
    name: &str,
    summary: Option<&str>,
) -> Result<FileTree, InitError> {
    let bp = &loaded.blueprint;
    let origin = bp.origin.as_str();
    let mut manifest = set_top_level(origin, &bp.manifest_text, "name", name)?;
    manifest = set_top_level(origin, &manifest, "version", FIRST_VERSION)?;
    if let Some(summary) = summary {
        manifest = set_top_level(origin, &manifest, "summary", &yaml_scalar(summary))?;
    }
    let mut tree = super::folder_tree(bp);
    tree.insert(String::from("blueprint.yaml"), Entry::file(manifest));
    for (case, text) in &bp.tests {
        tree.insert(format!("tests/{case}.yaml"), Entry::file(text.clone()));
    }
    tree.insert(
        String::from("CHANGELOG.md"),
        Entry::file(format!(
            "# Changelog: {name}\n\n## {FIRST_VERSION}\n\nFirst version, started from `{from}`.\n"
        )),
    );
    let tree = with_snapshots(name, tree)?;
    // The edits are plain text: make sure the manifest says what was meant.
    let check = Blueprint::from_tree(name, tree.clone())?;
    for (key, got, want) in [
        ("name", check.name().to_string(), name.to_string()),
        (
            "version",
            check.version().to_string(),
            FIRST_VERSION.to_string(),
        ),
    ] {
        if got != want {
            return Err(InitError::Edit {
                origin: origin.to_string(),
                key,
                value: want,
            });
        }
    }
    Ok(tree)
}

/// `tree` with `snapshots/<case>.snap` for every example that renders (those that expect an
/// error have none).
pub(crate) fn with_snapshots(origin: &str, mut tree: FileTree) -> Result<FileTree, InitError> {
    let loaded = Loaded {
        blueprint: Blueprint::from_tree(origin, tree.clone())?,
        registry: origin.to_string(),
        commit: None,
    };
    for case in loaded.blueprint.tests.keys() {
        match super::testing::case_snapshot(&loaded, case) {
            Ok(Some(text)) => {
                tree.insert(format!("snapshots/{case}.snap"), Entry::file(text));
            }
            Ok(None) => {}
            Err(message) => {
                return Err(InitError::Example {
                    origin: origin.to_string(),
                    case: case.clone(),
                    message,
                });
            }
        }
    }
    Ok(tree)
}

/// `text` with the value of its first top-level `key:` replaced by `value` (already YAML),
/// continuation lines of the old value dropped, every other byte kept.
fn set_top_level(
    origin: &str,
    text: &str,
    key: &'static str,
    value: &str,
) -> Result<String, InitError> {
    let prefix = format!("{key}:");
    let mut out = String::with_capacity(text.len() + value.len());
    let mut done = false;
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        if skipping {
            if line.starts_with([' ', '\t']) {
                continue;
            }
            skipping = false;
        }
        if !done && line.starts_with(&prefix) {
            out.push_str(&prefix);
            out.push(' ');
            out.push_str(value);
            out.push('\n');
            done = true;
            skipping = true;
        } else {
            out.push_str(line);
        }
    }
    if done {
        Ok(out)
    } else {
        Err(InitError::Edit {
            origin: origin.to_string(),
            key,
            value: value.to_string(),
        })
    }
}

/// `s` as a YAML scalar: plain when it reads back as itself, else double-quoted.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.contains('\n')
        && crate::yaml::parse::<String>(s, "summary").is_ok_and(|read| read == s)
        && !s.contains(": ")
        && !s.contains(" #");
    if plain {
        s.to_string()
    } else {
        super::quoted(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_top_level_key_is_set_and_its_folded_lines_go() {
        let text = "name: old # kept? no\nsummary: >-\n  two\n  lines\nversion: 1.2.3\nparameters:\n  - name: x\n";
        let out = set_top_level("o", text, "summary", "one").unwrap();
        assert_eq!(
            out,
            "name: old # kept? no\nsummary: one\nversion: 1.2.3\nparameters:\n  - name: x\n"
        );
        let out = set_top_level("o", &out, "name", "new").unwrap();
        assert!(out.starts_with("name: new\n"), "{out}");
        // A parameter's `name:` is indented and never touched.
        assert!(out.contains("  - name: x\n"));
        assert!(set_top_level("o", "a: b\n", "version", "0.1.0").is_err());
    }

    #[test]
    fn a_summary_is_quoted_only_when_plain_yaml_would_change_it() {
        assert_eq!(yaml_scalar("Team X's API"), "Team X's API");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("- list"), "\"- list\"");
        assert_eq!(yaml_scalar("x # y"), "\"x # y\"");
    }

    #[test]
    fn the_starter_reads_as_a_blueprint_with_a_snapshot_per_example() {
        let tree = starter("orders-api", Some("Orders: the API")).unwrap();
        let bp = Blueprint::from_tree("orders-api", tree.clone()).unwrap();
        assert_eq!(bp.name(), "orders-api");
        assert_eq!(bp.version().to_string(), FIRST_VERSION);
        assert_eq!(bp.manifest.summary, "Orders: the API");
        assert_eq!(
            bp.tests.keys().collect::<Vec<_>>(),
            bp.snapshots.keys().collect::<Vec<_>>()
        );
        assert!(matches!(
            tree.get("template/scripts/sam-translate.py"),
            Some(Entry::File {
                executable: true,
                ..
            })
        ));
        let log = bp.changelog.unwrap();
        assert_eq!(log.matches("\n## ").count(), 1, "{log}");
        assert!(log.contains("\n## 0.1.0\n"), "{log}");
    }
}
