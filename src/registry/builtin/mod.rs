//! The built-in registry: this repository's `registry.yaml` and `blueprints/`, embedded in the
//! binary at build time. Its one version of each blueprint is the manifest's `version`.

use super::{BlueprintSource, Loaded, RegistryError};
use crate::blueprint::{Blueprint, Entry, FileTree};
use crate::manifest::{RegistryIndex, parse_index};
use include_dir::{Dir, include_dir};
use semver::Version;

static BLUEPRINTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/blueprints");
static INDEX: &str = include_str!("../../registry.yaml");

/// The name (and recorded location) of the built-in registry.
pub const NAME: &str = "builtin";

/// The registry compiled into pave.
#[derive(Debug, Default, Clone, Copy)]
pub struct Builtin;

impl Builtin {
    fn folder(&self, blueprint: &str) -> Result<&'static Dir<'static>, RegistryError> {
        let entry = self.entry(blueprint)?;
        let path = entry
            .path
            .strip_prefix("blueprints/")
            .unwrap_or(&entry.path);
        BLUEPRINTS.get_dir(path).ok_or_else(|| {
            RegistryError::Inconsistent(format!(
                "registry.yaml lists `{blueprint}` at `{}`, but no such folder is built in",
                entry.path
            ))
        })
    }

    fn read(&self, blueprint: &str) -> Result<Blueprint, RegistryError> {
        let dir = self.folder(blueprint)?;
        let mut files = FileTree::new();
        collect(dir, dir.path(), &mut files);
        let bp = Blueprint::from_tree(&format!("{NAME}:{blueprint}"), files)?;
        if bp.name() != blueprint {
            return Err(RegistryError::Inconsistent(format!(
                "registry.yaml lists `{blueprint}`, but its manifest is named `{}`",
                bp.name()
            )));
        }
        Ok(bp)
    }
}

fn collect(dir: &Dir<'static>, root: &std::path::Path, out: &mut FileTree) {
    for file in dir.files() {
        if let Ok(rel) = file.path().strip_prefix(root) {
            let key = rel.to_string_lossy().replace('\\', "/");
            out.insert(key, Entry::file(file.contents()));
        }
    }
    for sub in dir.dirs() {
        collect(sub, root, out);
    }
}

impl BlueprintSource for Builtin {
    fn name(&self) -> &str {
        NAME
    }

    fn index(&self) -> Result<RegistryIndex, RegistryError> {
        Ok(parse_index(INDEX, "builtin:registry.yaml")?)
    }

    fn versions(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError> {
        // Only the manifest says the version: parse it alone, not the whole folder.
        let dir = self.folder(blueprint)?;
        let file = format!("{NAME}:{blueprint}/blueprint.yaml");
        let text = dir
            .get_file(dir.path().join("blueprint.yaml"))
            .and_then(|f| f.contents_utf8())
            .ok_or_else(|| {
                RegistryError::Inconsistent(format!("{file} is missing or not UTF-8"))
            })?;
        let manifest = crate::manifest::parse_manifest(text, &file)?;
        Ok(vec![manifest.version])
    }

    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError> {
        let bp = self.read(blueprint)?;
        if bp.version() != version {
            return Err(RegistryError::NoMatchingVersion {
                name: blueprint.to_string(),
                req: format!("={version}"),
                available: vec![bp.version().to_string()],
            });
        }
        Ok(Loaded {
            blueprint: bp,
            registry: NAME.to_string(),
            commit: None,
        })
    }
}
