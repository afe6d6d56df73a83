//! A blueprint at one version, held in memory: its manifest plus the files of its folder
//! (template files, partials, example answer sets, changelog). Every source (built-in, local
//! folder, git tree) produces a flat [`FileTree`] and [`Blueprint::from_tree`] splits it.

use crate::error::{Classify, ErrorKind};
use crate::manifest::{self, Manifest, ManifestError};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One file of a tree: bytes with an executable bit, or a symbolic link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file.
    File {
        /// The contents: borrowed from the binary for the built-in registry, owned otherwise.
        data: Cow<'static, [u8]>,
        /// Whether it is executable.
        executable: bool,
    },
    /// A symbolic link; the target is relative to the link's folder.
    Symlink {
        /// Where it points.
        target: String,
    },
}

impl Entry {
    /// A regular, non-executable file.
    pub fn file(data: impl Into<Vec<u8>>) -> Self {
        Entry::File {
            data: Cow::Owned(data.into()),
            executable: false,
        }
    }

    /// The bytes it holds: a file's contents, a link's target.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Entry::File { data, .. } => data,
            Entry::Symlink { target } => target.as_bytes(),
        }
    }

    /// Its mode as git records it: `0o100644`, `0o100755` when executable, `0o120000` for a
    /// link.
    pub fn git_mode(&self) -> u32 {
        match self {
            Entry::File {
                executable: true, ..
            } => 0o100755,
            Entry::File { .. } => 0o100644,
            Entry::Symlink { .. } => 0o120000,
        }
    }
}

/// Files by path relative to a root, `/`-separated, sorted.
pub type FileTree = BTreeMap<String, Entry>;

/// The paths where `new` differs from `old`, each with its entry in `new` (`None`: not there).
pub fn changed<'a>(
    old: &'a FileTree,
    new: &'a FileTree,
) -> impl Iterator<Item = (&'a String, Option<&'a Entry>)> {
    new.iter()
        .filter(|(path, entry)| old.get(*path) != Some(*entry))
        .map(|(path, entry)| (path, Some(entry)))
        .chain(
            old.keys()
                .filter(|path| !new.contains_key(*path))
                .map(|path| (path, None)),
        )
}

/// How many leading bytes are searched for a NUL. git and libgit2 look at 8000; 8 KiB covers
/// them, so every file libgit2 would refuse is already called binary here.
pub const BINARY_SNIFF_LEN: usize = 8192;

/// libgit2 refuses to diff anything larger (`GIT_XDIFF_MAX_SIZE`, 1023 MiB); larger files are
/// handled as binary.
const MAX_TEXT_LEN: usize = 1023 * 1024 * 1024;

/// Whether `data` is binary (not merged or diffed as text): a NUL byte in its first
/// [`BINARY_SNIFF_LEN`] bytes, or too large for libgit2's text merge.
pub fn is_binary(data: &[u8]) -> bool {
    data.len() > MAX_TEXT_LEN || data[..data.len().min(BINARY_SNIFF_LEN)].contains(&0)
}

/// One example answer set of a blueprint (`tests/<case>.yaml`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// What the case exercises.
    #[serde(default)]
    pub description: Option<String>,
    /// The answers, as in an answers file.
    #[serde(default)]
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// When set, the case passes only if rendering fails with a message containing this.
    #[serde(default)]
    pub expect_error: Option<String>,
}

/// A blueprint at one version.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The parsed `blueprint.yaml`.
    pub manifest: Manifest,
    /// `blueprint.yaml` as read (comments and layout kept), for `blueprint init --from`.
    pub manifest_text: String,
    /// Files under `template/`, relative to it.
    pub template: FileTree,
    /// Partials by name (`partials/<name>.hbs`).
    pub partials: BTreeMap<String, String>,
    /// Example answer sets by case name (`tests/<case>.yaml`), unparsed.
    pub tests: BTreeMap<String, String>,
    /// Recorded snapshots by case name (`snapshots/<case>.snap`).
    pub snapshots: BTreeMap<String, String>,
    /// `CHANGELOG.md`, when present.
    pub changelog: Option<String>,
    /// Where it came from, for messages (`builtin:cloudfront-static-site`, a folder, a URL).
    pub origin: String,
}

/// A blueprint folder that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BlueprintError {
    /// `blueprint.yaml` is missing.
    #[error("{origin}: no blueprint.yaml (a blueprint folder holds blueprint.yaml and template/)")]
    NoManifest {
        /// Where the folder came from.
        origin: String,
    },
    /// `blueprint.yaml` is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A file that must be text is not UTF-8.
    #[error("{origin}: {path} is not UTF-8 text")]
    NotText {
        /// Where the folder came from.
        origin: String,
        /// The file.
        path: String,
    },
    /// A symlink in the blueprint points outside its folder.
    #[error(
        "{origin}: {path} is a symbolic link to `{target}`, which is outside the blueprint; blueprints may only link to their own files"
    )]
    SymlinkOut {
        /// Where the folder came from.
        origin: String,
        /// The link.
        path: String,
        /// Its target.
        target: String,
    },
}

impl Blueprint {
    /// Splits a blueprint folder's files (paths relative to the folder) into a blueprint.
    pub fn from_tree(origin: &str, files: FileTree) -> Result<Self, BlueprintError> {
        Self::from_tree_prepared(origin, files, None)
    }

    /// [`Self::from_tree`], with the manifest read from `prepared` (its JSON, made when pave
    /// was built) when that reads.
    pub fn from_tree_prepared(
        origin: &str,
        files: FileTree,
        prepared: Option<&str>,
    ) -> Result<Self, BlueprintError> {
        let text = |path: &str, entry: &Entry| {
            let text = match entry {
                Entry::File { data, .. } => String::from_utf8(data.to_vec()).ok(),
                Entry::Symlink { .. } => None,
            };
            text.ok_or_else(|| BlueprintError::NotText {
                origin: origin.to_string(),
                path: path.to_string(),
            })
        };
        let manifest_entry =
            files
                .get("blueprint.yaml")
                .ok_or_else(|| BlueprintError::NoManifest {
                    origin: origin.to_string(),
                })?;
        let manifest_src = text("blueprint.yaml", manifest_entry)?;
        let manifest = manifest::parse_manifest_prepared(
            &manifest_src,
            prepared,
            &format!("{origin}/blueprint.yaml"),
        )?;

        let mut bp = Blueprint {
            manifest,
            manifest_text: manifest_src,
            template: FileTree::new(),
            partials: BTreeMap::new(),
            tests: BTreeMap::new(),
            snapshots: BTreeMap::new(),
            changelog: None,
            origin: origin.to_string(),
        };
        for (path, entry) in files {
            if let Entry::Symlink { target } = &entry
                && !link_stays_inside(&path, target)
            {
                return Err(BlueprintError::SymlinkOut {
                    origin: origin.to_string(),
                    path,
                    target: target.clone(),
                });
            }
            let named = |folder: &str, ext: &str| {
                let name = path.strip_prefix(folder)?.strip_suffix(ext)?;
                Some(name.to_string())
            };
            if let Some(rel) = path.strip_prefix("template/") {
                bp.template.insert(rel.to_string(), entry);
            } else if let Some(name) = named("partials/", ".hbs") {
                bp.partials.insert(name, text(&path, &entry)?);
            } else if let Some(case) = named("tests/", ".yaml") {
                bp.tests.insert(case, text(&path, &entry)?);
            } else if let Some(case) = named("snapshots/", ".snap") {
                bp.snapshots.insert(case, text(&path, &entry)?);
            } else if path == "CHANGELOG.md" {
                bp.changelog = Some(text(&path, &entry)?);
            }
        }
        Ok(bp)
    }

    /// The blueprint's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// The blueprint's version.
    pub fn version(&self) -> &semver::Version {
        &self.manifest.version
    }
}

/// Whether a link at `path` (relative to a root) pointing to `target` resolves inside the root.
pub fn link_stays_inside(path: &str, target: &str) -> bool {
    if target.starts_with('/') || target.contains('\\') {
        return false;
    }
    let mut depth: i64 = path.split('/').count() as i64 - 1;
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => depth += 1,
        }
    }
    true
}

impl Classify for BlueprintError {
    fn kind(&self) -> ErrorKind {
        match self {
            BlueprintError::Manifest(e) => e.kind(),
            BlueprintError::NoManifest { .. }
            | BlueprintError::NotText { .. }
            | BlueprintError::SymlinkOut { .. } => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            BlueprintError::Manifest(e) => e.hint(),
            BlueprintError::NoManifest { .. } => Some(String::from(
                "a blueprint folder holds blueprint.yaml and template/",
            )),
            BlueprintError::SymlinkOut { .. } => {
                Some(String::from("blueprints may only link to their own files"))
            }
            BlueprintError::NotText { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::link_stays_inside;

    #[test]
    fn links() {
        assert!(link_stays_inside("template/a/link", "../b"));
        assert!(link_stays_inside("template/link", "b"));
        assert!(!link_stays_inside("link", "../x"));
        assert!(!link_stays_inside("template/link", "../../x"));
        assert!(!link_stays_inside("template/link", "/etc/passwd"));
    }
}
