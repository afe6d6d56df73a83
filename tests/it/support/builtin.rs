//! The built-in registry as tests see it: load a built-in blueprint by name, read its example
//! answer sets (`tests/<case>.yaml`), and render one through [`pave::generate::generate`]
//! exactly as `pave new --answers <case>` would, without a terminal.

use pave::answers::Supplied;
use pave::blueprint::{Blueprint, FileTree, TestCase};
use pave::generate::{GenerateError, Generated};
use pave::registry::{BlueprintSource, Loaded, builtin::Builtin};

/// Every blueprint name of the built-in registry, in index order.
pub fn names() -> Vec<String> {
    Builtin
        .index()
        .expect("built-in registry.yaml")
        .blueprints
        .into_iter()
        .map(|e| e.name)
        .collect()
}

/// The built-in blueprint `name` at its one version; panics naming it when that fails.
pub fn load(name: &str) -> Loaded {
    let version = Builtin
        .resolve(name, &semver::VersionReq::STAR)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    Builtin
        .load(name, &version)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every example answer set of `bp`, parsed, sorted by case name.
pub fn examples(bp: &Blueprint) -> Vec<(String, TestCase)> {
    bp.tests
        .iter()
        .map(|(name, src)| {
            let case: TestCase = pave::yaml::parse(src, name)
                .unwrap_or_else(|e| panic!("{}/{name}: {e}", bp.name()));
            (name.clone(), case)
        })
        .collect()
}

/// The example answer sets of `bp` without `expect_error` (those that must render).
pub fn valid_examples(bp: &Blueprint) -> Vec<(String, TestCase)> {
    examples(bp)
        .into_iter()
        .filter(|(_, case)| case.expect_error.is_none())
        .collect()
}

/// Renders `loaded` with `case`'s answers as the answers file, no `--set`, no prompter.
/// The tree holds `.pave.yaml`; see [`output`] for the blueprint's files alone.
pub fn render(loaded: &Loaded, case: &TestCase) -> Result<Generated, GenerateError> {
    let supplied = Supplied {
        file: case.answers.clone(),
        ..Supplied::default()
    };
    pave::generate::generate(loaded, &supplied, None)
}

/// The blueprint's own output: the generated tree without `.pave.yaml` (which carries pave's
/// version and the registry, not the blueprint's bytes).
pub fn output(mut tree: FileTree) -> FileTree {
    tree.remove(pave::project::FILE_NAME);
    tree
}

/// Renders the example `case` of the built-in `blueprint`; panics naming both on failure.
pub fn render_case(blueprint: &str, case: &str) -> Generated {
    let loaded = load(blueprint);
    let (_, example) = examples(&loaded.blueprint)
        .into_iter()
        .find(|(name, _)| name == case)
        .unwrap_or_else(|| panic!("{blueprint} has no example {case}"));
    render(&loaded, &example).unwrap_or_else(|e| panic!("{blueprint}/{case}: {e}"))
}
