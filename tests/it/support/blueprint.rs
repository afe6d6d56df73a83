//! A blueprint built from Rust for tests: the manifest from typed calls (serialised to
//! `blueprint.yaml` through serde) and the files by path, written to a folder or kept in
//! memory.
//!
//! ```ignore
//! let bp = BlueprintBuilder::new("orders-api")
//!     .version("1.1.0")
//!     .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
//!     .param(Param::choice("runtime", &["nodejs22.x", "python3.12"]).default("nodejs22.x"))
//!     .file("template/README.md.hbs", "# {{project_name}}\n")
//!     .file_exec("template/run.sh", "#!/bin/sh\n")
//!     .rule("{{eq project_name 'admin'}}", "admin is reserved");
//! bp.write_to(&env.work().join("orders-api"));
//! ```
//!
//! Nothing is validated here: a test may build a manifest pave rejects.

use pave::blueprint::{Blueprint, Entry, FileTree};
use serde::Serialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One parameter of a [`BlueprintBuilder`]'s manifest; start from the constructor of its type.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    choices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    renamed_from: Vec<String>,
}

impl Param {
    fn of(kind: &'static str, name: &str, choices: &[&str]) -> Self {
        Param {
            name: name.to_string(),
            kind,
            prompt: None,
            help: None,
            default: None,
            pattern: None,
            min: None,
            max: None,
            choices: choices.iter().map(|c| c.to_string()).collect(),
            when: None,
            renamed_from: Vec::new(),
        }
    }

    /// A `string` parameter.
    pub fn string(name: &str) -> Self {
        Self::of("string", name, &[])
    }

    /// An `integer` parameter.
    pub fn integer(name: &str) -> Self {
        Self::of("integer", name, &[])
    }

    /// A `boolean` parameter.
    pub fn boolean(name: &str) -> Self {
        Self::of("boolean", name, &[])
    }

    /// A `secret` parameter.
    pub fn secret(name: &str) -> Self {
        Self::of("secret", name, &[])
    }

    /// A `choice` parameter over `choices`.
    pub fn choice(name: &str, choices: &[&str]) -> Self {
        Self::of("choice", name, choices)
    }

    /// A `multichoice` parameter over `choices`.
    pub fn multichoice(name: &str, choices: &[&str]) -> Self {
        Self::of("multichoice", name, choices)
    }

    /// `prompt:`, the question shown on a terminal.
    pub fn prompt(mut self, text: &str) -> Self {
        self.prompt = Some(text.to_string());
        self
    }

    /// `help:`.
    pub fn help(mut self, text: &str) -> Self {
        self.help = Some(text.to_string());
        self
    }

    /// `default:`, any value serde can write (`"x"`, `256`, `false`, `["a", "b"]`).
    pub fn default(mut self, value: impl Serialize) -> Self {
        self.default = Some(serde_yaml::to_value(value).expect("a YAML value"));
        self
    }

    /// `pattern:`, a regular expression the whole value must match.
    pub fn pattern(mut self, regex: &str) -> Self {
        self.pattern = Some(regex.to_string());
        self
    }

    /// `min:`.
    pub fn min(mut self, min: i64) -> Self {
        self.min = Some(min);
        self
    }

    /// `max:`.
    pub fn max(mut self, max: i64) -> Self {
        self.max = Some(max);
        self
    }

    /// `when:`, a condition over earlier answers.
    /// Earlier names of the parameter (`renamed_from`).
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from.push(old.to_string());
        self
    }

    pub fn when(mut self, condition: &str) -> Self {
        self.when = Some(condition.to_string());
        self
    }
}

/// `files:` and `rules:` items.
#[derive(Debug, Clone, Serialize)]
struct FileRule {
    path: String,
    when: String,
}

#[derive(Debug, Clone, Serialize)]
struct Rule {
    when: String,
    error: String,
}

/// The manifest as written, keys in the order the built-in manifests use.
#[derive(Debug, Clone, Serialize)]
struct Manifest {
    #[serde(rename = "apiVersion")]
    api_version: String,
    name: String,
    version: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parameters: Vec<Param>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<FileRule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rules: Vec<Rule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: Vec<String>,
    /// Keys set with [`BlueprintBuilder::set`], after the others.
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

/// A blueprint folder described in Rust: `blueprint.yaml` plus files by path relative to the
/// blueprint's root (`template/...`, `partials/...`, `tests/...`).
#[derive(Debug, Clone)]
pub struct BlueprintBuilder {
    manifest: Manifest,
    files: BTreeMap<String, (Vec<u8>, bool)>,
}

impl BlueprintBuilder {
    /// A blueprint `name` at version 1.0.0 with summary `<name> for tests`, no parameters and
    /// no files.
    pub fn new(name: &str) -> Self {
        BlueprintBuilder {
            manifest: Manifest {
                api_version: String::from("pave/v1"),
                name: name.to_string(),
                version: String::from("1.0.0"),
                summary: format!("{name} for tests"),
                description: None,
                tags: Vec::new(),
                parameters: Vec::new(),
                files: Vec::new(),
                rules: Vec::new(),
                checks: Vec::new(),
                extra: BTreeMap::new(),
            },
            files: BTreeMap::new(),
        }
    }

    /// The blueprint's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// The manifest's version, as given.
    pub fn version_text(&self) -> &str {
        &self.manifest.version
    }

    /// The manifest's summary.
    pub fn summary_text(&self) -> &str {
        &self.manifest.summary
    }

    /// The manifest's tags.
    pub fn tags(&self) -> &[String] {
        &self.manifest.tags
    }

    /// Sets `version:` (any text, so a test can write an invalid one).
    pub fn version(mut self, version: &str) -> Self {
        self.manifest.version = version.to_string();
        self
    }

    /// Sets `summary:`.
    pub fn summary(mut self, summary: &str) -> Self {
        self.manifest.summary = summary.to_string();
        self
    }

    /// Sets `description:`.
    pub fn description(mut self, text: &str) -> Self {
        self.manifest.description = Some(text.to_string());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: &str) -> Self {
        self.manifest.tags.push(tag.to_string());
        self
    }

    /// Appends a parameter (parameters are asked in the order added).
    pub fn param(mut self, param: Param) -> Self {
        self.manifest.parameters.push(param);
        self
    }

    /// Appends a `files:` condition: paths matching `glob` are rendered only when `when` holds.
    pub fn files_when(mut self, glob: &str, when: &str) -> Self {
        self.manifest.files.push(FileRule {
            path: glob.to_string(),
            when: when.to_string(),
        });
        self
    }

    /// Appends a rule: the answers are rejected with `error` when `when` is true.
    pub fn rule(mut self, when: &str, error: &str) -> Self {
        self.manifest.rules.push(Rule {
            when: when.to_string(),
            error: error.to_string(),
        });
        self
    }

    /// Appends a command to `checks:`.
    pub fn check(mut self, command: &str) -> Self {
        self.manifest.checks.push(command.to_string());
        self
    }

    /// Sets any other top-level manifest key (a newer field, or a wrong one on purpose).
    pub fn set(mut self, key: &str, value: impl Serialize) -> Self {
        let value = serde_yaml::to_value(value).expect("a YAML value");
        self.manifest.extra.insert(key.to_string(), value);
        self
    }

    /// Adds (or replaces) a file at `path`, relative to the blueprint's root.
    pub fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.files
            .insert(path.to_string(), (contents.as_ref().to_vec(), false));
        self
    }

    /// Adds (or replaces) an executable file at `path`.
    pub fn file_exec(mut self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.files
            .insert(path.to_string(), (contents.as_ref().to_vec(), true));
        self
    }

    /// Adds `tests/<case>.yaml` whose answers are `answers` (a serialisable mapping, e.g.
    /// `serde_json::json!({"project_name": "demo"})`).
    pub fn example(self, case: &str, answers: impl Serialize) -> Self {
        let answers = serde_yaml::to_value(answers).expect("a YAML value");
        let text =
            serde_yaml::to_string(&BTreeMap::from([("answers", answers)])).expect("example YAML");
        self.file(&format!("tests/{case}.yaml"), text)
    }

    /// `blueprint.yaml` as written.
    pub fn manifest_yaml(&self) -> String {
        serde_yaml::to_string(&self.manifest).expect("manifest YAML")
    }

    /// Every file, `blueprint.yaml` included, by path relative to the blueprint's root.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.tree()
            .into_iter()
            .filter_map(|(path, entry)| match entry {
                Entry::File { data, .. } => Some((path, data.into_owned())),
                Entry::Symlink { .. } => None,
            })
            .collect()
    }

    /// Every file as a [`FileTree`], executable bits included.
    pub fn tree(&self) -> FileTree {
        let mut tree: FileTree = self
            .files
            .iter()
            .map(|(path, (data, executable))| {
                let entry = Entry::File {
                    data: data.clone().into(),
                    executable: *executable,
                };
                (path.clone(), entry)
            })
            .collect();
        tree.insert(
            String::from("blueprint.yaml"),
            Entry::file(self.manifest_yaml()),
        );
        tree
    }

    /// The blueprint parsed by pave, as a local folder would load; panics when pave rejects it.
    pub fn build(&self) -> Blueprint {
        Blueprint::from_tree(self.name(), self.tree())
            .unwrap_or_else(|e| panic!("{}: {e}", self.name()))
    }

    /// Writes every file under `dir` (created when missing), with executable bits.
    pub fn write_to(&self, dir: &Path) {
        for (path, entry) in self.tree() {
            let Entry::File { data, executable } = entry else {
                continue;
            };
            let full = dir.join(&path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(&full, data).expect("write");
            if executable {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
            }
        }
    }
}
