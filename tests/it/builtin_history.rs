//! The built-in history: every released version of every built-in blueprint loads from the
//! binary alone (`history/<name>/<version>.txt` for the older ones, `blueprints/<name>/` for
//! the newest), through the real registry and on a fixture history of its own
//! (`tests/fixtures/builtin-history`: `tiny` 1.0.0 frozen, 1.1.0 as its folder).

use crate::support::{Env, text};
use pave::answers::Supplied;
use pave::blueprint::{Blueprint, Entry};
use pave::registry::builtin::{Builtin, Frozen, frozen, released_versions, write};
use pave::registry::{BlueprintSource, local};
use semver::{Version, VersionReq};
use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn builtin_names() -> Vec<(String, String)> {
    Builtin
        .index()
        .unwrap()
        .blueprints
        .into_iter()
        .map(|e| (e.name, e.path))
        .collect()
}

fn newest(source: &dyn BlueprintSource, name: &str) -> Blueprint {
    let version = source.resolve(name, &VersionReq::STAR).unwrap();
    source.load(name, &version).unwrap().blueprint
}

/// The parts of a blueprint that the binary embeds, comparable.
fn embedded_parts(bp: &Blueprint) -> impl PartialEq + std::fmt::Debug {
    (
        bp.name().to_string(),
        bp.version().clone(),
        bp.template.clone(),
        bp.partials.clone(),
        bp.tests.clone(),
        bp.changelog.clone(),
    )
}

#[test]
fn builtin_history_serves_exactly_the_versions_each_changelog_names_and_each_loads() {
    for (name, _) in builtin_names() {
        let changelog = newest(&Builtin, &name).changelog.unwrap_or_default();
        let mut named = released_versions(&changelog);
        named.sort();
        assert!(!named.is_empty(), "{name}: CHANGELOG.md names no version");
        assert_eq!(Builtin.versions(&name).unwrap(), named, "{name}");
        for version in named {
            let loaded = Builtin
                .load(&name, &version)
                .unwrap_or_else(|e| panic!("{name} {version}: {e}"));
            assert_eq!(loaded.blueprint.version(), &version);
            assert_eq!(loaded.blueprint.name(), name);
            assert!(!loaded.blueprint.template.is_empty(), "{name} {version}");
        }
    }
}

#[test]
fn builtin_history_newest_equals_the_blueprint_folder_executable_bits_included() {
    for (name, path) in builtin_names() {
        let folder = local::load(&repo().join(&path)).unwrap().blueprint;
        let embedded = newest(&Builtin, &name);
        assert_eq!(embedded_parts(&embedded), embedded_parts(&folder), "{name}");
        // Recorded snapshots serve only `pave blueprint test` and stay out of the binary.
        assert!(!folder.snapshots.is_empty(), "{name} has snapshots on disk");
        assert!(embedded.snapshots.is_empty(), "{name}: snapshots embedded");
        let script = &embedded.template["scripts/sam-translate.py"];
        assert!(
            matches!(
                script,
                Entry::File {
                    executable: true,
                    ..
                }
            ),
            "{name}: sam-translate.py lost its executable bit"
        );
    }
}

#[test]
fn builtin_history_a_frozen_copy_of_the_folders_own_version_still_equals_the_folder() {
    for (name, path) in builtin_names() {
        let folder = repo().join(&path);
        let version = local::load(&folder)
            .unwrap()
            .blueprint
            .version()
            .to_string();
        let copy = repo().join(format!("history/{name}/{version}.txt"));
        let Ok(frozen_text) = std::fs::read_to_string(&copy) else {
            continue;
        };
        let now = write::freeze_folder(&folder).unwrap();
        let (then, now) = (
            frozen::decode(&frozen_text, "then").unwrap(),
            frozen::decode(&now, "now").unwrap(),
        );
        let changed: std::collections::BTreeSet<&String> = then
            .keys()
            .chain(now.keys())
            .filter(|p| then.get(*p) != now.get(*p))
            .collect();
        assert!(
            changed.is_empty(),
            "{path} changed after {version} was frozen ({changed:?}): give the change a new version \
             (docs/releasing-builtin.md), or re-freeze with scripts/freeze-builtin --force {name} \
             if {version} never shipped"
        );
    }
}

#[test]
fn builtin_history_every_older_changelog_version_has_a_frozen_copy() {
    for (name, _) in builtin_names() {
        let bp = newest(&Builtin, &name);
        for version in released_versions(bp.changelog.as_deref().unwrap_or_default()) {
            let copy = repo().join(format!("history/{name}/{version}.txt"));
            assert!(
                &version == bp.version() || copy.is_file(),
                "{name} {version} is in CHANGELOG.md but not frozen: scripts/freeze-builtin --at <its release commit> {name}"
            );
        }
    }
}

#[test]
fn builtin_history_show_lists_every_version_and_new_renders_each() {
    let env = Env::new();
    for (name, _) in builtin_names() {
        let versions: Vec<String> = Builtin
            .versions(&name)
            .unwrap()
            .iter()
            .map(Version::to_string)
            .collect();
        let out = env.pave().args(["show", &name]).output().unwrap();
        assert!(
            text(&out).contains(&format!("versions: {}\n", versions.join(", "))),
            "{}",
            text(&out)
        );
        for version in &versions {
            let dir = format!("{name}-{version}");
            let out = env
                .pave()
                .args(["new", &format!("{name}@={version}"), &dir, "--defaults"])
                .args(["--set", "project_name=old-one", "--quiet"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}@={version}: {}", text(&out));
            let record = std::fs::read_to_string(env.work().join(&dir).join(".pave.yaml")).unwrap();
            assert!(
                record.contains(&format!("version: {version}\n")),
                "{record}"
            );
        }
    }
    let out = env
        .pave()
        .args(["new", "cloudfront-static-site@=0.0.1", "x", "--defaults"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("available: 1."), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn builtin_history_new_keeps_the_executable_bit_of_builtin_scripts() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.pave()
        .args(["new", "cloudfront-static-site", "site", "--defaults"])
        .args(["--set", "project_name=site", "--quiet"])
        .assert()
        .success();
    let mode = std::fs::metadata(env.work().join("site/scripts/sam-translate.py"))
        .unwrap()
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, "mode {mode:o}");
}

// -------------------------------------------------------------------------------------------
// A fixture history of its own: `tiny` 1.0.0 (frozen) and 1.1.0 (its folder).
// -------------------------------------------------------------------------------------------

fn fixture_root() -> PathBuf {
    repo().join("tests/fixtures/builtin-history")
}

fn fixture() -> Frozen {
    Frozen::from_folder("fixture", &fixture_root()).unwrap()
}

fn render(source: &dyn BlueprintSource, req: &str) -> pave::blueprint::FileTree {
    let version = source
        .resolve("tiny", &VersionReq::parse(req).unwrap())
        .unwrap();
    let loaded = source.load("tiny", &version).unwrap();
    let mut supplied = Supplied::default();
    supplied
        .file
        .insert("project_name".into(), serde_json::json!("demo"));
    pave::generate::generate(&loaded, &supplied, None)
        .unwrap()
        .tree
}

fn file(tree: &pave::blueprint::FileTree, path: &str) -> String {
    match &tree[path] {
        Entry::File { data, .. } => String::from_utf8(data.to_vec()).unwrap(),
        other => panic!("{path}: {other:?}"),
    }
}

#[test]
fn builtin_history_fixture_lists_both_versions_and_renders_each_as_released() {
    let source = fixture();
    let versions: Vec<String> = source
        .versions("tiny")
        .unwrap()
        .iter()
        .map(Version::to_string)
        .collect();
    assert_eq!(versions, ["1.0.0", "1.1.0"]);

    let old = render(&source, "=1.0.0");
    assert_eq!(file(&old, "README.md"), "# demo\n\nVersion one.\n");
    assert!(!old.contains_key("CHANGES.md"), "{:?}", old.keys());
    assert!(file(&old, ".pave.yaml").contains("version: 1.0.0\n"));
    assert!(matches!(
        old["run.sh"],
        Entry::File {
            executable: true,
            ..
        }
    ));

    let new = render(&source, "^1");
    assert_eq!(file(&new, "README.md"), "# demo\n\nVersion two.\n");
    assert_eq!(file(&new, "CHANGES.md"), "demo has changes\n");
    assert!(file(&new, ".pave.yaml").contains("version: 1.1.0\n"));
    assert_eq!(render(&source, "~1.0"), old);

    let err = source
        .load("tiny", &Version::new(0, 9, 0))
        .unwrap_err()
        .to_string();
    assert!(err.contains("available: 1.0.0, 1.1.0"), "{err}");
}

#[test]
fn builtin_history_fixture_changelog_names_exactly_the_served_versions() {
    let source = fixture();
    let bp = newest(&source, "tiny");
    let mut named = released_versions(bp.changelog.as_deref().unwrap_or_default());
    named.sort();
    assert_eq!(source.versions("tiny").unwrap(), named);
    // The frozen 1.0.0 carries its own changelog, which names only itself.
    let old = source
        .load("tiny", &Version::new(1, 0, 0))
        .unwrap()
        .blueprint;
    assert_eq!(
        released_versions(old.changelog.as_deref().unwrap_or_default()),
        [Version::new(1, 0, 0)]
    );
}

#[test]
fn builtin_history_a_frozen_copy_that_holds_another_version_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    };
    copy(&fixture_root(), root.path());
    let history = root.path().join("history/tiny");
    std::fs::rename(history.join("1.0.0.txt"), history.join("1.0.5.txt")).unwrap();
    let source = Frozen::from_folder("fixture", root.path()).unwrap();
    let err = source
        .load("tiny", &Version::new(1, 0, 5))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("history/tiny/1.0.5.txt holds version 1.0.0 of `tiny`, not 1.0.5"),
        "{err}"
    );
}
