//! The built-in registry: this repository's `registry.yaml` and every release of its
//! blueprints, embedded in the binary so that each stays loadable offline, forever. The newest
//! release of a blueprint is its folder `blueprints/<name>/` (frozen by `build.rs` at build
//! time); each older one is `history/<name>/<version>.txt`, frozen by `scripts/freeze-builtin`
//! before the folder moved on (docs/releasing-builtin.md). Both are frozen text
//! ([`write`](mod@write), read back by [`frozen`]), served by one [`Frozen`] registry, which
//! tests also build from fixture folders.

pub mod frozen;
pub mod write;

use super::{BlueprintSource, Loaded, RegistryError};
use crate::blueprint::Blueprint;
use crate::manifest::{RegistryIndex, parse_index, parse_index_prepared};
use semver::Version;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

// `INDEX` (registry.yaml), `CURRENT` (folder, frozen text), `HISTORY` (blueprint, version,
// frozen text), and `INDEX_JSON` and `MANIFEST_JSON` (folder, its blueprint.yaml as JSON),
// written by build.rs.
include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// The name (and recorded location) of the built-in registry.
pub const NAME: &str = crate::config::BUILTIN;

/// The folder, relative to a registry's root, that holds the frozen older releases.
pub const HISTORY_DIR: &str = "history";

/// The registry compiled into pave.
#[derive(Debug, Default, Clone, Copy)]
pub struct Builtin;

impl Builtin {
    /// The embedded registry, read once per process.
    fn catalog(&self) -> Result<&'static Frozen, RegistryError> {
        static CATALOG: OnceLock<Result<Frozen, String>> = OnceLock::new();
        CATALOG
            .get_or_init(|| {
                let current = CURRENT
                    .iter()
                    .map(|(folder, text)| (folder.to_string(), Cow::Borrowed(*text)));
                let history = HISTORY.iter().map(|(name, version, text)| {
                    (name.to_string(), version.to_string(), Cow::Borrowed(*text))
                });
                let prepared = PreparedJson {
                    index: INDEX_JSON,
                    manifests: MANIFEST_JSON.iter().copied().collect(),
                };
                Frozen::with_prepared(NAME, INDEX, current, history, prepared)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| RegistryError::Inconsistent(e.clone()))
    }
}

impl BlueprintSource for Builtin {
    fn name(&self) -> &str {
        NAME
    }

    fn index(&self) -> Result<RegistryIndex, RegistryError> {
        self.catalog()?.index()
    }

    fn versions(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError> {
        self.catalog()?.versions(blueprint)
    }

    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError> {
        self.catalog()?.load(blueprint, version)
    }
}

/// A registry whose releases are frozen texts: the newest of each blueprint from its folder
/// (as the index's `path` names it), older ones by version. [`Builtin`] is one, embedded;
/// [`Frozen::from_folder`] reads the same layout from disk.
#[derive(Debug)]
pub struct Frozen {
    name: String,
    index: RegistryIndex,
    /// Frozen text of each blueprint folder, by the path the index gives it.
    current: BTreeMap<String, Cow<'static, str>>,
    /// Frozen text of each older release, by blueprint and version.
    history: BTreeMap<String, BTreeMap<Version, Cow<'static, str>>>,
    /// The newest release of each blueprint, once read.
    newest: Mutex<BTreeMap<String, Blueprint>>,
    /// JSON of the YAML documents, read in their place.
    prepared: PreparedJson,
}

/// JSON made from a registry's YAML documents when pave was built (build.rs), read in their
/// place: the index, and each blueprint folder's `blueprint.yaml` by the folder's path. A
/// document without one, or whose JSON does not read, is read as YAML.
#[derive(Debug, Default)]
pub struct PreparedJson {
    /// `registry.yaml`.
    pub index: Option<&'static str>,
    /// `blueprint.yaml` of the newest release, by folder.
    pub manifests: BTreeMap<&'static str, &'static str>,
}

impl Frozen {
    /// A registry named `name` from its index source, the frozen text of each blueprint
    /// folder (by path, as in the index) and of each older release (blueprint, version).
    pub fn new(
        name: &str,
        index: &str,
        current: impl IntoIterator<Item = (String, Cow<'static, str>)>,
        history: impl IntoIterator<Item = (String, String, Cow<'static, str>)>,
    ) -> Result<Self, RegistryError> {
        Self::with_prepared(name, index, current, history, PreparedJson::default())
    }

    /// [`Self::new`], reading the `prepared` JSON in place of the YAML it was made from.
    pub fn with_prepared(
        name: &str,
        index: &str,
        current: impl IntoIterator<Item = (String, Cow<'static, str>)>,
        history: impl IntoIterator<Item = (String, String, Cow<'static, str>)>,
        prepared: PreparedJson,
    ) -> Result<Self, RegistryError> {
        let index = parse_index_prepared(index, prepared.index, &format!("{name}:registry.yaml"))?;
        let mut releases: BTreeMap<String, BTreeMap<Version, Cow<'static, str>>> = BTreeMap::new();
        for (blueprint, version, text) in history {
            let parsed = Version::parse(&version).map_err(|e| {
                RegistryError::Inconsistent(format!(
                    "{HISTORY_DIR}/{blueprint}/{version}.txt: `{version}` is not a version: {e}"
                ))
            })?;
            releases.entry(blueprint).or_default().insert(parsed, text);
        }
        Ok(Frozen {
            name: name.to_string(),
            index,
            current: current.into_iter().collect(),
            history: releases,
            newest: Mutex::new(BTreeMap::new()),
            prepared,
        })
    }

    /// The same layout read from the folder `root`: `registry.yaml`, each blueprint folder it
    /// lists (frozen now, as build.rs does) and `history/<blueprint>/<version>.txt`.
    pub fn from_folder(name: &str, root: &Path) -> Result<Self, RegistryError> {
        let index_src = fs_err::read_to_string(root.join("registry.yaml"))?;
        let index = parse_index(&index_src, &format!("{name}:registry.yaml"))?;
        let mut current = Vec::new();
        for entry in &index.blueprints {
            let text = write::freeze_folder(&root.join(&entry.path))?;
            current.push((entry.path.clone(), Cow::Owned(text)));
        }
        let mut history = Vec::new();
        let dir = root.join(HISTORY_DIR);
        if dir.is_dir() {
            for blueprint in sorted_entries(&dir)? {
                for release in sorted_entries(&blueprint)? {
                    let (Some(bp), Some(version)) = (
                        blueprint.file_name().and_then(|n| n.to_str()),
                        release
                            .file_name()
                            .and_then(|n| n.to_str())
                            .and_then(|n| n.strip_suffix(".txt")),
                    ) else {
                        continue;
                    };
                    let text = fs_err::read_to_string(&release)?;
                    history.push((bp.to_string(), version.to_string(), Cow::Owned(text)));
                }
            }
        }
        Frozen::new(name, &index_src, current, history)
    }

    /// The version of the newest release; its folder is read once and kept for [`Self::take`].
    fn newest_version(&self, blueprint: &str) -> Result<Version, RegistryError> {
        let mut cache = self.cache()?;
        if let Some(bp) = cache.get(blueprint) {
            return Ok(bp.version().clone());
        }
        let bp = self.read_newest(blueprint)?;
        let version = bp.version().clone();
        cache.insert(blueprint.to_string(), bp);
        Ok(version)
    }

    /// The newest release, handed over from the cache when its version was asked for before
    /// (a blueprint is loaded once per run, so it is not copied), else read.
    fn take(&self, blueprint: &str) -> Result<Blueprint, RegistryError> {
        match self.cache()?.remove(blueprint) {
            Some(bp) => Ok(bp),
            None => self.read_newest(blueprint),
        }
    }

    fn cache(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, Blueprint>>, RegistryError> {
        self.newest
            .lock()
            .map_err(|_| RegistryError::Inconsistent(String::from("the built-in cache broke")))
    }

    fn read_newest(&self, blueprint: &str) -> Result<Blueprint, RegistryError> {
        let entry = super::find_entry(&self.name, &self.index, blueprint)?;
        let text = self.current.get(&entry.path).ok_or_else(|| {
            RegistryError::Inconsistent(format!(
                "registry.yaml lists `{blueprint}` at `{}`, but no such folder is built in",
                entry.path
            ))
        })?;
        let prepared = self.prepared.manifests.get(entry.path.as_str()).copied();
        self.read(
            blueprint,
            text.clone(),
            prepared,
            &format!("{}:{blueprint}", self.name),
        )
    }

    fn read(
        &self,
        blueprint: &str,
        text: Cow<'static, str>,
        prepared: Option<&str>,
        origin: &str,
    ) -> Result<Blueprint, RegistryError> {
        let files = match text {
            Cow::Borrowed(text) => frozen::decode_built_in(text, origin),
            Cow::Owned(text) => frozen::decode(&text, origin),
        }
        .map_err(|e| RegistryError::Inconsistent(e.to_string()))?;
        let bp = Blueprint::from_tree_prepared(origin, files, prepared)?;
        if bp.name() != blueprint {
            return Err(RegistryError::Inconsistent(format!(
                "{origin}: registry.yaml lists `{blueprint}`, but its manifest is named `{}`",
                bp.name()
            )));
        }
        Ok(bp)
    }
}

impl BlueprintSource for Frozen {
    fn name(&self) -> &str {
        &self.name
    }

    fn index(&self) -> Result<RegistryIndex, RegistryError> {
        Ok(self.index.clone())
    }

    fn versions(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError> {
        let newest = self.newest_version(blueprint)?;
        let mut versions: Vec<Version> = self
            .history
            .get(blueprint)
            .map(|h| h.keys().cloned().collect())
            .unwrap_or_default();
        versions.push(newest);
        versions.sort();
        versions.dedup();
        Ok(versions)
    }

    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError> {
        let found = if &self.newest_version(blueprint)? == version {
            self.take(blueprint)?
        } else if let Some(text) = self.history.get(blueprint).and_then(|h| h.get(version)) {
            let origin = format!("{HISTORY_DIR}/{blueprint}/{version}.txt");
            let bp = self.read(blueprint, text.clone(), None, &origin)?;
            if bp.version() != version {
                return Err(RegistryError::Inconsistent(format!(
                    "{origin} holds version {} of `{blueprint}`, not {version}",
                    bp.version()
                )));
            }
            bp
        } else {
            return Err(RegistryError::NoMatchingVersion {
                name: blueprint.to_string(),
                req: format!("={version}"),
                available: self
                    .versions(blueprint)?
                    .iter()
                    .map(Version::to_string)
                    .collect(),
            });
        };
        Ok(Loaded {
            blueprint: found,
            registry: self.name.clone(),
            commit: None,
        })
    }
}

/// The versions a blueprint's `CHANGELOG.md` describes: each `## <version>` heading (a leading
/// `v` and brackets allowed, text after the version ignored, `## Unreleased` skipped), in the
/// order written.
pub fn released_versions(changelog: &str) -> Vec<Version> {
    changelog
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .filter_map(|heading| {
            let word = heading.split_whitespace().next()?;
            let word = word.trim_matches(|c| c == '[' || c == ']');
            Version::parse(word.strip_prefix('v').unwrap_or(word)).ok()
        })
        .collect()
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::path::PathBuf>, RegistryError> {
    let mut paths = Vec::new();
    for entry in fs_err::read_dir(dir)? {
        paths.push(entry?.path());
    }
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_headings_name_the_released_versions() {
        let text = "# Changelog\n\n## Unreleased\n\n## [1.1.0] - 2025-01-02\n\n- x\n### 0.9.0 is not a heading of a release\n## v1.0.0\n\nFirst.\n";
        assert_eq!(
            released_versions(text),
            [Version::new(1, 1, 0), Version::new(1, 0, 0)]
        );
    }

    /// The JSON build.rs made of each built-in YAML document is the same document: read
    /// directly (not through the fallback to YAML), it gives what the YAML gives.
    #[test]
    fn the_prepared_json_reads_as_the_yaml_it_was_made_from() {
        let json = INDEX_JSON.expect("build.rs converts registry.yaml");
        let from_json: RegistryIndex = serde_json::from_str(json).unwrap();
        assert_eq!(from_json, parse_index(INDEX, "registry.yaml").unwrap());
        assert_eq!(
            MANIFEST_JSON.len(),
            CURRENT.len(),
            "every folder has its JSON"
        );
        for (folder, json) in MANIFEST_JSON {
            let text = CURRENT.iter().find(|(f, _)| f == folder).unwrap().1;
            let files = frozen::decode(text, folder).unwrap();
            let Some(crate::blueprint::Entry::File { data, .. }) = files.get("blueprint.yaml")
            else {
                panic!("{folder} has no blueprint.yaml");
            };
            let yaml = std::str::from_utf8(data).unwrap();
            let from_json: crate::manifest::Manifest = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{folder}: the JSON does not read: {e}"));
            assert_eq!(
                from_json,
                crate::manifest::parse_manifest(yaml, folder).unwrap(),
                "{folder}/blueprint.yaml reads otherwise as JSON: quote the scalar that differs"
            );
        }
    }

    #[test]
    fn the_embedded_registry_reads_and_holds_every_indexed_blueprint() {
        let index = Builtin.index().unwrap();
        assert!(!index.blueprints.is_empty());
        for entry in &index.blueprints {
            let versions = Builtin.versions(&entry.name).unwrap();
            let newest = versions.last().unwrap();
            let loaded = Builtin.load(&entry.name, newest).unwrap();
            assert_eq!(loaded.registry, NAME);
            assert_eq!(loaded.blueprint.version(), newest);
        }
    }
}
