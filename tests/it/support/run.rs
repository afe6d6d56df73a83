//! One `pave` run and fluent checks on it, so a test reads as what the user types and sees:
//!
//! ```ignore
//! env.run(["list"]).code(0).stdout_has("cloudfront-static-site").stderr_lacks("warning");
//! let err = env.run(["show", "nope", "--json"]).code(1).json_error();
//! ```
//!
//! Every failed check names the command and prints its exit code, stdout and stderr, and
//! points at the test's line (`#[track_caller]`).

use super::Env;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;

/// A finished `pave` run: its arguments, exit code and output as text.
pub struct Run {
    args: Vec<String>,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Env {
    /// Runs `pave args` in this environment's work folder (stdin closed) and returns the
    /// finished run.
    #[track_caller]
    #[must_use = "check the run's exit code"]
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_in(&self.work(), args)
    }

    /// Runs `pave args` in the folder `dir` (stdin closed) and returns the finished run.
    #[track_caller]
    #[must_use = "check the run's exit code"]
    pub fn run_in<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<String> = args
            .into_iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        let out = self
            .pave()
            .current_dir(dir)
            .args(&args)
            .output()
            .expect("run pave");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let Some(code) = out.status.code() else {
            panic!("pave {args:?} was killed\nstdout:\n{stdout}\nstderr:\n{stderr}");
        };
        Run {
            args,
            code,
            stdout,
            stderr,
        }
    }
}

impl Run {
    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        panic!(
            "pave {}: {what}\nexit code: {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
    }

    /// Checks the exit code.
    #[track_caller]
    pub fn code(self, want: i32) -> Self {
        if self.code != want {
            self.fail(&format!("expected exit code {want}"));
        }
        self
    }

    /// Checks that stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Self {
        if !self.stdout.contains(text) {
            self.fail(&format!("stdout lacks {text:?}"));
        }
        self
    }

    /// Checks that stdout does not contain `text`.
    #[track_caller]
    pub fn stdout_lacks(self, text: &str) -> Self {
        if self.stdout.contains(text) {
            self.fail(&format!("stdout holds {text:?}"));
        }
        self
    }

    /// Checks that stdout is exactly `text`.
    #[track_caller]
    pub fn stdout_is(self, text: &str) -> Self {
        if self.stdout != text {
            self.fail(&format!("stdout is not exactly {text:?}"));
        }
        self
    }

    /// Checks that stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Self {
        if !self.stderr.contains(text) {
            self.fail(&format!("stderr lacks {text:?}"));
        }
        self
    }

    /// Checks that stderr does not contain `text`.
    #[track_caller]
    pub fn stderr_lacks(self, text: &str) -> Self {
        if self.stderr.contains(text) {
            self.fail(&format!("stderr holds {text:?}"));
        }
        self
    }

    /// Checks that stderr is exactly `text`.
    #[track_caller]
    pub fn stderr_is(self, text: &str) -> Self {
        if self.stderr != text {
            self.fail(&format!("stderr is not exactly {text:?}"));
        }
        self
    }

    /// Checks that stdout has a line starting with `prefix` and containing every one of
    /// `parts`.
    #[track_caller]
    pub fn line_has(self, prefix: &str, parts: &[&str]) -> Self {
        match self.stdout.lines().find(|l| l.starts_with(prefix)) {
            None => self.fail(&format!("no stdout line starts with {prefix:?}")),
            Some(line) => {
                if let Some(missing) = parts.iter().find(|p| !line.contains(**p)) {
                    self.fail(&format!("the line {line:?} lacks {missing:?}"));
                }
            }
        }
        self
    }

    /// The exit code, for a test that checks it against more than one value or later.
    pub fn exit_code(&self) -> i32 {
        self.code
    }

    /// The stdout as text.
    pub fn stdout(&self) -> &str {
        &self.stdout
    }

    /// The stderr as text.
    pub fn stderr(&self) -> &str {
        &self.stderr
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| self.fail(&format!("stdout is not JSON: {e}")))
    }

    /// The `error` object of a `--json` failure, after checking its shape: stderr empty,
    /// stdout exactly `{"error": {"kind", "message", "hint"}}` with a non-empty message and a
    /// hint that is text or null.
    #[track_caller]
    pub fn json_error(&self) -> Value {
        if !self.stderr.is_empty() {
            self.fail("with --json the error is on stdout only");
        }
        let doc = self.json();
        let keys = |v: &Value| -> Vec<String> {
            let mut keys: Vec<String> = v
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            keys
        };
        if keys(&doc) != ["error"] {
            self.fail("stdout is not an object holding `error` only");
        }
        let err = doc["error"].clone();
        if keys(&err) != ["hint", "kind", "message"] {
            self.fail("`error` does not hold exactly hint, kind and message");
        }
        if err["message"].as_str().is_none_or(str::is_empty) {
            self.fail("`error.message` is not a non-empty text");
        }
        if !(err["hint"].is_null() || err["hint"].is_string()) {
            self.fail("`error.hint` is neither text nor null");
        }
        err
    }
}
