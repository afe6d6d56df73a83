//! Test builders: a `pave` command with an isolated home, config and cache and no terminal,
//! and blueprint folders written from a few lines of YAML and template text.

#![allow(dead_code)]

pub mod builtin;
pub mod git;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// An isolated environment: a temp folder holding home, config, cache and work folders.
pub struct Env {
    pub root: TempDir,
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
        Env { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// The work folder commands run in.
    pub fn work(&self) -> PathBuf {
        self.path("work")
    }

    /// `pave` with this environment, run in the work folder, stdin closed.
    pub fn pave(&self) -> Command {
        let mut cmd = Command::cargo_bin("pave").expect("pave binary");
        cmd.current_dir(self.work())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("home/.config"))
            .env("XDG_CACHE_HOME", self.path("home/.cache"))
            .env("PAVE_CONFIG", self.path("home/pave.yaml"))
            .env("PAVE_CACHE_DIR", self.path("cache"))
            .env("NO_COLOR", "1")
            .write_stdin("");
        cmd
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
