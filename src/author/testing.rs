//! `pave blueprint test`: renders each example answer set (`tests/<case>.yaml`), compares the
//! tree with its recorded snapshot (`snapshots/<case>.snap`), and runs the manifest's `checks`
//! inside each rendered project with a timeout. Cases marked `expect_error` pass only when
//! rendering fails with that text. Progress is reported through a callback; nothing prints.

use crate::answers::Supplied;
use crate::blueprint::{Blueprint, TestCase};
use crate::error::Classify;
use crate::registry::Loaded;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How to run the cases.
#[derive(Debug, Clone)]
pub struct Options {
    /// Write snapshots instead of comparing them.
    pub update_snapshots: bool,
    /// Run the manifest's checks.
    pub run_checks: bool,
    /// Longest a check may run.
    pub timeout: Duration,
    /// Keep each rendered case in `<out>/<case>` (otherwise a temporary folder).
    pub out: Option<PathBuf>,
    /// Only cases whose name contains this.
    pub filter: Option<String>,
}

/// What happened to a case's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// Not compared (an expected error case, or rendering failed).
    Skipped,
    /// Equal to the recorded one.
    Matched,
    /// Written (new or changed) because of `--update-snapshots`.
    Written,
    /// No snapshot is recorded.
    Missing,
    /// Differs; a unified diff from recorded to rendered.
    Differs(String),
}

/// One check's result.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The command.
    pub command: String,
    /// Exit code 0 within the timeout.
    pub passed: bool,
    /// Killed at the timeout.
    pub timed_out: bool,
    /// The exit code, when it exited.
    pub code: Option<i32>,
    /// The last lines of its output.
    pub output_tail: String,
    /// How long it ran.
    pub elapsed: Duration,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case name.
    pub name: String,
    /// The text an error was expected to contain.
    pub expect_error: Option<String>,
    /// The render (or answers) error, if any.
    pub error: Option<String>,
    /// The snapshot comparison.
    pub snapshot: Snapshot,
    /// The checks run.
    pub checks: Vec<CheckResult>,
    /// Where the rendered project was written.
    pub dir: Option<PathBuf>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        match (&self.expect_error, &self.error) {
            (Some(want), Some(got)) => got.contains(want.as_str()),
            (Some(_), None) | (None, Some(_)) => false,
            (None, None) => {
                matches!(self.snapshot, Snapshot::Matched | Snapshot::Written)
                    && self.checks.iter().all(|c| c.passed)
            }
        }
    }
}

/// Progress of a run.
#[derive(Debug)]
pub enum Event<'a> {
    /// A check is about to run.
    CheckStarted {
        /// The case.
        case: &'a str,
        /// The command.
        command: &'a str,
    },
    /// A case is done.
    CaseDone(&'a CaseResult),
}

/// Why a test run could not be made at all.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// A file-system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The output folder for a case holds something that is not a rendered project.
    #[error("{} exists and is not a rendered project (no .pave.yaml); choose another --out folder", .0.display())]
    OutNotOurs(PathBuf),
    /// A rendered case could not be written.
    #[error(transparent)]
    Write(#[from] crate::plan::PlanError),
    /// No case matched the filter.
    #[error("no example answer set matches `{0}`")]
    NoCases(String),
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> TestError {
    let context = context.into();
    move |source| TestError::Io { context, source }
}

/// Runs every case of the blueprint in `folder` (its snapshots live in `folder/snapshots`).
pub fn run(
    folder: &Path,
    loaded: &Loaded,
    options: &Options,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Vec<CaseResult>, TestError> {
    let bp = &loaded.blueprint;
    let names: Vec<&String> = bp
        .tests
        .keys()
        .filter(|n| {
            options
                .filter
                .as_ref()
                .is_none_or(|f| n.contains(f.as_str()))
        })
        .collect();
    if names.is_empty() {
        return Err(TestError::NoCases(
            options.filter.clone().unwrap_or_default(),
        ));
    }
    let scratch = tempfile::Builder::new()
        .prefix("pave-test-")
        .tempdir()
        .map_err(io("cannot create a temporary folder"))?;
    let mut results = Vec::new();
    for name in names {
        let result = run_case(folder, loaded, name, options, scratch.path(), on_event)?;
        on_event(Event::CaseDone(&result));
        results.push(result);
    }
    Ok(results)
}

fn run_case(
    folder: &Path,
    loaded: &Loaded,
    name: &str,
    options: &Options,
    scratch: &Path,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<CaseResult, TestError> {
    let bp = &loaded.blueprint;
    let mut result = CaseResult {
        name: name.to_string(),
        expect_error: None,
        error: None,
        snapshot: Snapshot::Skipped,
        checks: Vec::new(),
        dir: None,
    };
    let case: TestCase = match crate::yaml::parse(&bp.tests[name], &format!("tests/{name}.yaml")) {
        Ok(case) => case,
        Err(e) => {
            result.error = Some(e.to_string());
            return Ok(result);
        }
    };
    result.expect_error = case.expect_error.clone();
    let tree = match render_case(loaded, case) {
        Ok(tree) => tree,
        Err(e) => {
            result.error = Some(e);
            return Ok(result);
        }
    };
    if result.expect_error.is_some() {
        return Ok(result);
    }
    let mut shown = tree.clone();
    shown.remove(crate::project::FILE_NAME);
    result.snapshot = compare_snapshot(
        folder,
        bp,
        name,
        &crate::snapshot::tree_text(&shown),
        options.update_snapshots,
    )?;
    if options.run_checks && !bp.manifest.checks.is_empty() || options.out.is_some() {
        let dir = match &options.out {
            Some(out) => out.join(name),
            None => scratch.join(name),
        };
        write_case(&dir, tree)?;
        if options.run_checks {
            for command in &bp.manifest.checks {
                on_event(Event::CheckStarted {
                    case: name,
                    command,
                });
                result
                    .checks
                    .push(run_check(&dir, command, options.timeout)?);
            }
        }
        result.dir = options.out.as_ref().map(|_| dir);
    }
    Ok(result)
}

/// The version an example renders with, in place of the manifest's: a snapshot records what
/// the templates make of the answers, not which version it is (as `.pave.yaml` is left out),
/// so `{{_version}}` in a template does not make every release's snapshots differ, and the
/// publish gate, which tests the folder at the version it is about to publish, matches them.
pub const SNAPSHOT_VERSION: &str = "0.0.0-snapshot";

fn render_case(loaded: &Loaded, case: TestCase) -> Result<crate::blueprint::FileTree, String> {
    let supplied = Supplied {
        file: case.answers,
        defaults: true,
        ..Supplied::default()
    };
    let mut pinned = loaded.clone();
    pinned.blueprint.manifest.version =
        semver::Version::parse(SNAPSHOT_VERSION).map_err(|e| e.to_string())?;
    crate::generate::generate(&pinned, &supplied, None)
        .map(|generated| generated.tree)
        .map_err(|e| e.to_string())
}

/// The snapshot text of example `name` as `pave blueprint test` compares it: `Ok(None)` for
/// a case that expects an error, `Err` with the message when the case does not render.
pub fn case_snapshot(loaded: &Loaded, name: &str) -> Result<Option<String>, String> {
    let src = loaded
        .blueprint
        .tests
        .get(name)
        .ok_or_else(|| format!("no example answer set {name}"))?;
    let case: TestCase =
        crate::yaml::parse(src, &format!("tests/{name}.yaml")).map_err(|e| e.to_string())?;
    if case.expect_error.is_some() {
        return Ok(None);
    }
    let mut tree = render_case(loaded, case)?;
    tree.remove(crate::project::FILE_NAME);
    Ok(Some(crate::snapshot::tree_text(&tree)))
}

fn compare_snapshot(
    folder: &Path,
    bp: &Blueprint,
    name: &str,
    rendered: &str,
    update: bool,
) -> Result<Snapshot, TestError> {
    let path = folder.join("snapshots").join(format!("{name}.snap"));
    match bp.snapshots.get(name) {
        Some(recorded) if recorded == rendered => Ok(Snapshot::Matched),
        _ if update => {
            fs_err::create_dir_all(folder.join("snapshots"))
                .map_err(io("cannot create the snapshots folder"))?;
            fs_err::write(&path, rendered)
                .map_err(io(format!("cannot write {}", path.display())))?;
            Ok(Snapshot::Written)
        }
        None => Ok(Snapshot::Missing),
        Some(recorded) => {
            let diff = similar::TextDiff::from_lines(recorded.as_str(), rendered)
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("snapshots/{name}.snap (recorded)"),
                    &format!("{name} (rendered)"),
                )
                .to_string();
            Ok(Snapshot::Differs(diff))
        }
    }
}

fn write_case(dir: &Path, tree: crate::blueprint::FileTree) -> Result<(), TestError> {
    if dir.exists() {
        if !dir.join(crate::project::FILE_NAME).exists() {
            return Err(TestError::OutNotOurs(dir.to_path_buf()));
        }
        fs_err::remove_dir_all(dir).map_err(io(format!("cannot clear {}", dir.display())))?;
    }
    crate::plan::plan(dir, tree, false)?.apply(&crate::plan::ApplyOptions::default())?;
    Ok(())
}

/// Runs `command` with `sh -c` in `dir`, killing its whole process group at the timeout.
fn run_check(dir: &Path, command: &str, timeout: Duration) -> Result<CheckResult, TestError> {
    let log_path = dir.join(".pave-check.log");
    let log = fs_err::File::create(&log_path).map_err(io("cannot create the check log"))?;
    let log2 = log.try_clone().map_err(io("cannot create the check log"))?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log.into_file())
        .stderr(log2.into_file());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(io(format!("cannot run `{command}`")))?;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(io(format!("cannot wait for `{command}`")))?
        {
            break Some(status);
        }
        if started.elapsed() >= timeout {
            timed_out = true;
            kill_group(&mut child);
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = std::fs::read(&log_path).unwrap_or_default();
    let _ = std::fs::remove_file(&log_path);
    let text = String::from_utf8_lossy(&output);
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(30)..].join("\n");
    Ok(CheckResult {
        command: command.to_string(),
        passed: status.is_some_and(|s| s.success()),
        timed_out,
        code: status.and_then(|s| s.code()),
        output_tail: tail,
        elapsed: started.elapsed(),
    })
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let group = format!("-{}", child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    }
    let _ = child.kill();
}

impl Classify for TestError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            TestError::Write(e) => e.kind(),
            TestError::Io { .. } | TestError::OutNotOurs(_) | TestError::NoCases(_) => {
                crate::error::ErrorKind::Failure
            }
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            TestError::Write(e) => e.hint(),
            TestError::OutNotOurs(_) => Some(String::from("choose another --out folder")),
            _ => None,
        }
    }
}
