//! Reading a registry clone: version tags, `registry.yaml` at the default branch, and a
//! blueprint's files straight from the tree at its tag (no checkout) into a [`FileTree`]
//! (mode 100755 is executable, 120000 a symbolic link). Errors that mean the clone itself is
//! broken are told apart ([`ReadError::Damaged`]) so the source can clone it again.
//!
//! Paths are looked up through [`Trees`], which parses each distinct large tree once per open
//! clone: checking every release reads the same few `blueprints/` trees once per tag.

use super::{GitError, GitSource, Open, ReadError, is_damage};
use crate::blueprint::{Blueprint, Entry, FileTree};
use crate::manifest::{RegistryIndex, parse_index};
use crate::registry::{Loaded, RegistryError};
use git2::{ErrorCode, ObjectType, Oid, Repository};
use semver::Version;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// One entry of a tree: the object it names and its kind.
#[derive(Debug, Clone, Copy)]
struct Item {
    id: Oid,
    kind: Option<ObjectType>,
}

impl Item {
    fn of(entry: &git2::TreeEntry<'_>) -> Self {
        Item {
            id: entry.id(),
            kind: entry.kind(),
        }
    }
}

/// Trees with at least this many entries are kept in [`Trees`]; libgit2's own object cache
/// keeps the smaller ones (up to 4 KiB).
const KEEP: usize = 64;

/// The large trees of one open clone read so far: their entries by name (names that are not
/// UTF-8 left out), by tree id. Checking every release walks the same few `blueprints/` trees
/// once per tag, and libgit2 would parse each again every time.
#[derive(Default)]
pub(super) struct Trees(RefCell<HashMap<Oid, BTreeMap<String, Item>>>);

impl Trees {
    /// The entry `name` of tree `tree`, `None` when it has none.
    fn child(&self, repo: &Repository, tree: Oid, name: &str) -> Result<Option<Item>, git2::Error> {
        if let Some(entries) = self.0.borrow().get(&tree) {
            return Ok(entries.get(name).copied());
        }
        let tree = repo.find_tree(tree)?;
        if tree.len() < KEEP {
            return Ok(tree.get_name(name).map(|e| Item::of(&e)));
        }
        let entries: BTreeMap<String, Item> = tree
            .iter()
            .filter_map(|e| Some((e.name().ok()?.to_string(), Item::of(&e))))
            .collect();
        let found = entries.get(name).copied();
        self.0.borrow_mut().insert(tree.id(), entries);
        Ok(found)
    }

    /// The entry at `path` (`/`-separated) under tree `root`; `None` when there is none.
    fn get(&self, repo: &Repository, root: Oid, path: &str) -> Result<Option<Item>, git2::Error> {
        let mut item = Item {
            id: root,
            kind: Some(ObjectType::Tree),
        };
        for name in path.split('/').filter(|n| !n.is_empty()) {
            if item.kind != Some(ObjectType::Tree) {
                return Ok(None);
            }
            match self.child(repo, item.id, name)? {
                Some(next) => item = next,
                None => return Ok(None),
            }
        }
        Ok(Some(item))
    }

    /// The text of the file at `path` under tree `root`, `None` when absent.
    fn text(
        &self,
        repo: &Repository,
        root: Oid,
        path: &str,
    ) -> Result<Option<String>, git2::Error> {
        match self.get(repo, root, path)? {
            Some(item) if item.kind == Some(ObjectType::Blob) => {
                let blob = repo.find_blob(item.id)?;
                Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
            }
            _ => Ok(None),
        }
    }
}

/// Every file under tree `id` into `out`, keyed `prefix` + path. Modes: 100755 is executable,
/// 120000 a symbolic link; submodules and names that are not UTF-8 are skipped.
pub(super) fn collect(
    repo: &Repository,
    id: Oid,
    prefix: &str,
    out: &mut FileTree,
) -> Result<(), git2::Error> {
    for item in repo.find_tree(id)?.iter() {
        let Ok(name) = item.name() else {
            continue;
        };
        let path = format!("{prefix}{name}");
        match item.kind() {
            Some(ObjectType::Tree) => collect(repo, item.id(), &format!("{path}/"), out)?,
            Some(ObjectType::Blob) => {
                let blob = repo.find_blob(item.id())?;
                let entry = match item.filemode() {
                    0o120000 => Entry::Symlink {
                        target: String::from_utf8_lossy(blob.content()).into_owned(),
                    },
                    mode => Entry::File {
                        data: blob.content().to_vec().into(),
                        executable: mode == 0o100755,
                    },
                };
                out.insert(path, entry);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The object each version tag points at, by blueprint and version (oldest first); tags that
/// are not `<name>/v<semver>` are left out.
pub(super) type Targets = BTreeMap<String, BTreeMap<Version, git2::Oid>>;

/// [`Targets`] in one pass over the tags. (libgit2's tag listing looks each tag up again by
/// name, a file lookup per tag.)
pub(super) fn read_tag_targets(repo: &Repository) -> Result<Targets, git2::Error> {
    let mut targets = Targets::new();
    for reference in repo.references_glob("refs/tags/*")? {
        let reference = reference?;
        let Ok(name) = reference.name() else {
            continue;
        };
        let target = match reference.target() {
            Some(id) => Some(id),
            None => reference.resolve().ok().and_then(|r| r.target()),
        };
        if let (Some((blueprint, version)), Some(target)) =
            (name.strip_prefix("refs/tags/").and_then(parse_tag), target)
        {
            targets
                .entry(blueprint.to_string())
                .or_default()
                .insert(version, target);
        }
    }
    Ok(targets)
}

/// Splits a tag `<blueprint>/v<semver>`.
pub fn parse_tag(tag: &str) -> Option<(&str, Version)> {
    let (blueprint, version) = tag.split_once('/')?;
    let version = Version::parse(version.strip_prefix('v')?).ok()?;
    crate::names::blueprint(blueprint)
        .is_ok()
        .then_some((blueprint, version))
}

/// The tag of a blueprint's version.
pub fn tag_name(blueprint: &str, version: &Version) -> String {
    format!("{blueprint}/v{version}")
}

impl Open {
    /// The tagged versions of `blueprint`, oldest first.
    pub(super) fn versions(&self, blueprint: &str) -> Vec<Version> {
        self.targets
            .get(blueprint)
            .map(|by_version| by_version.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// What the tag of a release points at (`None`: no such tag), from every tag read at once.
    fn tag_target(&self, blueprint: &str, version: &Version) -> Option<git2::Oid> {
        self.targets.get(blueprint)?.get(version).copied()
    }

    /// Where `blueprint` lives in `tree`: the folder its `registry.yaml` names, else
    /// `blueprints/<name>`. Each version of the index is parsed once.
    fn blueprint_folder(&self, tree: Oid, blueprint: &str) -> String {
        let index = self
            .trees
            .get(&self.repo, tree, "registry.yaml")
            .ok()
            .flatten()
            .map(|e| e.id);
        let from_index = index.and_then(|id| {
            let mut folders = self.folders.borrow_mut();
            let named = folders.entry(id).or_insert_with(|| {
                self.repo
                    .find_blob(id)
                    .ok()
                    .and_then(|blob| {
                        let text = String::from_utf8_lossy(blob.content()).into_owned();
                        parse_index(&text, "registry.yaml").ok()
                    })
                    .map(|index| {
                        index
                            .blueprints
                            .into_iter()
                            .rev() // the first entry of a name wins, as before
                            .map(|e| (e.name, e.path))
                            .collect()
                    })
                    .unwrap_or_default()
            });
            named.get(blueprint).cloned()
        });
        from_index
            .map(|p| p.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("blueprints/{blueprint}"))
    }

    pub(super) fn index(&mut self, source: &GitSource) -> Result<RegistryIndex, ReadError> {
        if let Some(index) = &self.index {
            return Ok(index.clone());
        }
        let no_index = |detail: String| {
            ReadError::Other(
                GitError::NoIndex {
                    registry: source.name.clone(),
                    url: source.url.clean().to_string(),
                    detail,
                }
                .into(),
            )
        };
        let head = match self.repo.head() {
            Ok(head) => head,
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
                return Err(no_index(String::from(" (it has no branch)")));
            }
            Err(e) => return Err(ReadError::Damaged(e.message().to_string())),
        };
        let tree = head
            .peel_to_tree()
            .map_err(damage_or(source, "read HEAD"))?;
        let text = match self.trees.text(&self.repo, tree.id(), "registry.yaml") {
            Ok(Some(text)) => text,
            Ok(None) => return Err(no_index(String::new())),
            Err(e) => return Err(damage_or(source, "read registry.yaml")(e)),
        };
        let index = parse_index(&text, &format!("{}:registry.yaml", source.name))
            .map_err(|e| ReadError::Other(e.into()))?;
        self.index = Some(index.clone());
        Ok(index)
    }

    pub(super) fn commit_of(
        &self,
        source: &GitSource,
        blueprint: &str,
        version: &Version,
    ) -> Result<git2::Commit<'_>, ReadError> {
        let Some(target) = self.tag_target(blueprint, version) else {
            return Err(ReadError::Other(RegistryError::NoMatchingVersion {
                name: blueprint.to_string(),
                req: format!("={version}"),
                available: self
                    .versions(blueprint)
                    .iter()
                    .map(Version::to_string)
                    .collect(),
            }));
        };
        self.repo
            .find_object(target, None)
            .and_then(|o| o.peel_to_commit())
            .map_err(damage_or(source, "read a tag's commit"))
    }

    /// What is wrong with a release, checked once for the object its tag points at (the
    /// verdict is kept in the cache, see [`super::verdicts`]): `None` when its tag holds
    /// `blueprint.yaml` with the tag's name and version (only those two fields are read here;
    /// loading checks the rest).
    pub(super) fn problem(
        &mut self,
        source: &GitSource,
        blueprint: &str,
        version: &Version,
    ) -> Result<Option<String>, ReadError> {
        let target = self.tag_target(blueprint, version);
        if let Some(known) = target.and_then(|t| self.verdicts.get(blueprint, version, t)) {
            return Ok(known);
        }
        let problem = {
            let tree = self.commit_of(source, blueprint, version)?.tree_id();
            let folder = self.blueprint_folder(tree, blueprint);
            let path = format!("{folder}/blueprint.yaml");
            match self.trees.text(&self.repo, tree, &path) {
                Ok(None) => Some(format!("the tag has no {path}")),
                // Most tags agree with their manifest: two top-level lines say so without
                // parsing the whole document; anything else is parsed to say what is wrong.
                Ok(Some(text)) if agrees(&text, blueprint, version) => None,
                Ok(Some(text)) => {
                    let origin = format!("{}:{}:{path}", source.name, tag_name(blueprint, version));
                    match crate::yaml::parse::<Identity>(&text, &origin) {
                        Ok(id) if id.name != blueprint => {
                            Some(format!("{path} at the tag is named `{}`", id.name))
                        }
                        Ok(id) if id.version != *version => Some(format!(
                            "{path} at the tag says version {}; a tag and its manifest must agree",
                            id.version
                        )),
                        Ok(_) => None,
                        Err(e) => Some(e.to_string()),
                    }
                }
                Err(e) => return Err(damage_or(source, "read blueprint.yaml")(e)),
            }
        };
        if let Some(target) = target {
            self.verdicts
                .add(blueprint, version, target, problem.clone());
        }
        Ok(problem)
    }

    pub(super) fn load(
        &self,
        source: &GitSource,
        blueprint: &str,
        version: &Version,
    ) -> Result<Loaded, ReadError> {
        let commit = self.commit_of(source, blueprint, version)?;
        self.load_commit(source, blueprint, version, commit)
    }

    /// The blueprint as it is at `commit` (a full hex id); `Ok(None)` when the cache does not
    /// hold that commit.
    pub(super) fn load_at(
        &self,
        source: &GitSource,
        blueprint: &str,
        version: &Version,
        commit: &str,
    ) -> Result<Option<Loaded>, ReadError> {
        let Ok(oid) = git2::Oid::from_str(commit) else {
            return Ok(None);
        };
        let commit = match self.repo.find_commit(oid) {
            Ok(commit) => commit,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(damage_or(source, "read a commit")(e)),
        };
        self.load_commit(source, blueprint, version, commit)
            .map(Some)
    }

    fn load_commit(
        &self,
        source: &GitSource,
        blueprint: &str,
        version: &Version,
        commit: git2::Commit<'_>,
    ) -> Result<Loaded, ReadError> {
        let tag = tag_name(blueprint, version);
        let tree = commit.tree_id();
        let folder = self.blueprint_folder(tree, blueprint);
        let inconsistent = |what: String| {
            let message = format!("registry `{}`: {what}", source.name);
            ReadError::Other(RegistryError::Inconsistent(message))
        };
        let sub = match self.trees.get(&self.repo, tree, &folder) {
            Ok(Some(item)) if item.kind == Some(ObjectType::Tree) => item.id,
            Ok(Some(_)) => {
                return Err(inconsistent(format!(
                    "`{folder}` at tag {tag} is not a folder"
                )));
            }
            Ok(None) => return Err(inconsistent(format!("tag {tag} has no folder `{folder}`"))),
            Err(e) => return Err(damage_or(source, "read a tree")(e)),
        };
        let mut files = FileTree::new();
        collect(&self.repo, sub, "", &mut files).map_err(damage_or(source, "read files"))?;
        let origin = format!("{}:{tag}", source.name);
        let bp = Blueprint::from_tree(&origin, files).map_err(|e| ReadError::Other(e.into()))?;
        if bp.name() != blueprint {
            let what = format!("tag {tag} holds a blueprint named `{}`", bp.name());
            return Err(inconsistent(what));
        }
        if bp.version() != version {
            return Err(inconsistent(format!(
                "tag {tag} holds blueprint.yaml with version {}; a version's tag and manifest must agree",
                bp.version()
            )));
        }
        Ok(Loaded {
            blueprint: bp,
            registry: source.url.clean().to_string(),
            commit: Some(commit.id().to_string()),
        })
    }
}

/// The two fields of `blueprint.yaml` a release is checked against its tag with.
#[derive(serde::Deserialize)]
struct Identity {
    name: String,
    version: Version,
}

/// Maps a libgit2 read error to damage (re-clone) or a plain error.
fn damage_or<'s>(source: &'s GitSource, what: &'s str) -> impl Fn(git2::Error) -> ReadError + 's {
    move |e| {
        if is_damage(&e) {
            ReadError::Damaged(e.message().to_string())
        } else {
            ReadError::Other(source.git_error(what, &e).into())
        }
    }
}

/// Whether `manifest` plainly says `name: <blueprint>` and `version: <version>` on top-level
/// lines (at column 0, the value bare or quoted, a comment allowed after it), each once. YAML
/// keeps block text indented, so such a line is the key itself; a manifest written any other
/// way is not judged here.
fn agrees(manifest: &str, blueprint: &str, version: &Version) -> bool {
    let value = |key: &str| -> Option<String> {
        let mut found = manifest
            .lines()
            .filter_map(|line| line.strip_prefix(key)?.strip_prefix(':'));
        let raw = found.next()?;
        if found.next().is_some() {
            return None;
        }
        let raw = raw.split(" #").next().unwrap_or(raw).trim();
        let bare = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
            .unwrap_or(raw);
        Some(bare.to_string())
    };
    value("name").as_deref() == Some(blueprint)
        && value("version").is_some_and(|v| Version::parse(&v).ok().as_ref() == Some(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_plain_top_level_lines_show_a_manifest_agrees_with_its_tag() {
        let v = Version::new(1, 2, 0);
        let plain = "apiVersion: pave/v1\nname: api\nversion: 1.2.0  # bumped\nsummary: s\n";
        assert!(agrees(plain, "api", &v));
        assert!(agrees("name: 'api'\nversion: \"1.2.0\"\n", "api", &v));
        // Disagreeing, missing, indented only or said twice: left to the full parse.
        assert!(!agrees("name: api\nversion: 1.3.0\n", "api", &v));
        assert!(!agrees("name: other\nversion: 1.2.0\n", "api", &v));
        assert!(!agrees(
            "name: api\nsummary: |\n  version: 1.2.0\n",
            "api",
            &v
        ));
        assert!(!agrees(
            "name: api\nversion: 1.2.0\nversion: 1.3.0\n",
            "api",
            &v
        ));
        assert!(!agrees("{name: api, version: 1.2.0}\n", "api", &v));
    }
}
