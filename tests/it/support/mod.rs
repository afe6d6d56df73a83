//! Test builders: a `pave` command with an isolated home, config and cache and no terminal
//! ([`Env`]), blueprints described in Rust ([`blueprint`]), git registries with tagged
//! versions ([`git`]), the built-in registry's examples ([`builtin`]) and checks on one run
//! ([`run`]: `env.run(["list"]).code(0).stdout_has("...")`).

#![allow(dead_code)]

pub mod blueprint;
pub mod builtin;
pub mod git;
pub mod http;
pub mod http_git;
pub mod run;

pub use blueprint::{BlueprintBuilder, Param};

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// An isolated environment: a temp folder holding home, config, cache and work folders, and
/// the variables every `pave` run in it gets besides the usual ones ([`Env::with_var`]).
pub struct Env {
    pub root: TempDir,
    extra_vars: Vec<(&'static str, std::ffi::OsString)>,
}

impl Env {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("pave-it-")
            .tempdir()
            .expect("temp dir");
        for sub in ["home", "work", "cache"] {
            std::fs::create_dir_all(root.path().join(sub)).expect("mkdir");
        }
        Env {
            root,
            extra_vars: Vec::new(),
        }
    }

    /// This environment with `name=value` set for every `pave` run in it (after the usual
    /// variables, so it can replace one of them).
    pub fn with_var(mut self, name: &'static str, value: impl Into<std::ffi::OsString>) -> Self {
        self.extra_vars.push((name, value.into()));
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// The work folder commands run in.
    pub fn work(&self) -> PathBuf {
        self.path("work")
    }

    /// The variables every `pave` run gets: `PATH` from the test process, then a home, XDG
    /// config and cache folders, `PAVE_CONFIG`, `PAVE_CACHE_DIR` and `PAVE_STATE_DIR` inside this environment,
    /// and `NO_COLOR`, then those given with [`Env::with_var`]. Nothing else of the caller's
    /// environment reaches pave.
    pub fn vars(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        let mut vars = vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", self.path("home").into()),
            ("XDG_CONFIG_HOME", self.path("home/.config").into()),
            ("XDG_CACHE_HOME", self.path("home/.cache").into()),
            ("PAVE_CONFIG", self.path("home/pave.yaml").into()),
            ("PAVE_CACHE_DIR", self.path("cache").into()),
            ("PAVE_STATE_DIR", self.path("state").into()),
            ("NO_COLOR", "1".into()),
        ];
        vars.extend(self.extra_vars.iter().cloned());
        vars
    }

    /// The `pave` binary as a plain [`std::process::Command`] with this environment ([`vars`]
    /// only), run in the work folder; for callers that need their own stdio, such as a
    /// pseudo-terminal.
    ///
    /// [`vars`]: Env::vars
    pub fn pave_process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pave"));
        cmd.current_dir(self.work()).env_clear().envs(self.vars());
        cmd
    }

    /// `pave` with this environment ([`vars`] only), run in the work folder, stdin closed.
    ///
    /// [`vars`]: Env::vars
    pub fn pave(&self) -> Command {
        let mut cmd = Command::from_std(self.pave_process());
        cmd.write_stdin("");
        cmd
    }

    /// Writes `bp` to `<work>/<name>` and returns its `./`-relative spec.
    pub fn write_blueprint(&self, bp: &BlueprintBuilder) -> String {
        bp.write_to(&self.work().join(bp.name()));
        format!("./{}", bp.name())
    }

    /// Writes a blueprint folder under the work folder and returns its `./`-relative spec.
    pub fn blueprint(&self, name: &str, files: &[(&str, &str)]) -> String {
        let dir = self.work().join(name);
        write_files(&dir, files);
        format!("./{name}")
    }
}

/// Writes `files` (path, contents) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(&full, text).expect("write");
    }
}

/// A minimal valid manifest with one required `project_name` and the given extra YAML lines
/// appended under `parameters:` (already indented) and after it.
pub fn manifest(name: &str, extra_params: &str, rest: &str) -> String {
    format!(
        "apiVersion: pave/v1\nname: {name}\nversion: 1.0.0\nsummary: test blueprint\nparameters:\n  - name: project_name\n    pattern: '^[a-z][a-z0-9-]*$'\n{extra_params}{rest}"
    )
}

/// Every file under `dir`, relative, sorted (for "nothing was written" assertions).
pub fn list_files(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// The combined stdout and stderr of an output, as text.
pub fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
