//! `pave blueprint init | lint | test`: the blueprint author's commands.

use super::{Output, args::BlueprintCommand, print_json};
use crate::author::init;
use crate::author::lint::{self, Severity};
use crate::author::testing::{self, Event, Snapshot};
use crate::registry::local;
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

pub(crate) fn run(out: &Output, cmd: BlueprintCommand) -> Result<ExitCode> {
    match cmd {
        BlueprintCommand::Init {
            path,
            summary,
            from,
            registry,
            ..
        } => init(
            out,
            &path,
            summary.as_deref(),
            from.as_deref(),
            registry.as_deref(),
        ),
        BlueprintCommand::Lint {
            paths,
            deny_warnings,
            json,
            ..
        } => lint_all(&paths, deny_warnings, json),
        BlueprintCommand::Test {
            path,
            update_snapshots,
            no_checks,
            timeout,
            out: out_dir,
            case,
        } => {
            let options = testing::Options {
                update_snapshots,
                run_checks: !no_checks,
                timeout: Duration::from_secs(timeout),
                out: out_dir,
                filter: case,
            };
            test(out, &path, &options)
        }
    }
}

fn lint_all(paths: &[std::path::PathBuf], deny_warnings: bool, as_json: bool) -> Result<ExitCode> {
    let mut failed = false;
    let mut docs = Vec::new();
    for path in paths {
        let loaded = local::load(path)
            .with_context(|| format!("cannot load the blueprint folder {}", path.display()))?;
        let report = lint::lint(&loaded.blueprint);
        let bad = report.errors() > 0 || (deny_warnings && report.warnings() > 0);
        failed |= bad;
        if as_json {
            docs.push(json!({
                "path": path.display().to_string(),
                "blueprint": loaded.blueprint.name(),
                "errors": report.errors(), "warnings": report.warnings(),
                "findings": report.findings.iter().map(|f| json!({
                    "severity": if f.severity == Severity::Error { "error" } else { "warning" },
                    "at": f.at, "message": f.message,
                })).collect::<Vec<_>>(),
            }));
            continue;
        }
        for finding in &report.findings {
            say!("{}: {finding}", path.display());
        }
        say!(
            "{} {}: {} error(s), {} warning(s){}",
            loaded.blueprint.name(),
            loaded.blueprint.version(),
            report.errors(),
            report.warnings(),
            if bad { "" } else { " - ok" }
        );
    }
    if as_json {
        print_json(&json!(docs))?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn test(out: &Output, path: &Path, options: &testing::Options) -> Result<ExitCode> {
    let loaded = local::load(path)
        .with_context(|| format!("cannot load the blueprint folder {}", path.display()))?;
    let bp = &loaded.blueprint;
    say!(
        "{} {}: {} example answer set(s)",
        bp.name(),
        bp.version(),
        bp.tests.len()
    );
    let quiet = out.quiet;
    let mut on_event = |event: Event<'_>| match event {
        Event::CheckStarted { case, command } => {
            if !quiet {
                eprintln!("  .. {case}: {command}");
            }
        }
        Event::CaseDone(result) => print_case(result),
    };
    let results = testing::run(path, &loaded, options, &mut on_event)?;
    let failed = results.iter().filter(|r| !r.passed()).count();
    let missing = results
        .iter()
        .filter(|r| r.snapshot == Snapshot::Missing)
        .count();
    say!("{} passed, {} failed", results.len() - failed, failed);
    if missing > 0 {
        say!(
            "hint: {missing} case(s) have no snapshot; review the render, then run with --update-snapshots"
        );
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_case(r: &testing::CaseResult) {
    let word = if r.passed() { "ok  " } else { "FAIL" };
    let mut notes = Vec::new();
    match (&r.expect_error, &r.error) {
        (Some(want), Some(got)) if got.contains(want.as_str()) => {
            notes.push(format!("rejected as expected: {want}"))
        }
        (Some(want), Some(got)) => notes.push(format!("rejected, but without `{want}`: {got}")),
        (Some(want), None) => notes.push(format!(
            "expected an error containing `{want}`, but it rendered"
        )),
        (None, Some(got)) => notes.push(format!("does not render: {got}")),
        (None, None) => {}
    }
    match &r.snapshot {
        Snapshot::Matched => notes.push(String::from("snapshot matches")),
        Snapshot::Written => notes.push(String::from("snapshot written")),
        Snapshot::Missing => notes.push(String::from("no snapshot recorded")),
        Snapshot::Differs(_) => notes.push(String::from("snapshot differs")),
        Snapshot::Skipped => {}
    }
    for c in &r.checks {
        let state = if c.timed_out {
            String::from("timed out")
        } else if c.passed {
            String::from("ok")
        } else {
            format!(
                "exit {}",
                c.code.map_or_else(|| String::from("?"), |c| c.to_string())
            )
        };
        notes.push(format!(
            "`{}` {state} in {:.1}s",
            c.command,
            c.elapsed.as_secs_f64()
        ));
    }
    say!("{word}  {}  ({})", r.name, notes.join("; "));
    if let Snapshot::Differs(diff) = &r.snapshot {
        for line in diff.lines().take(200) {
            say!("      {line}");
        }
    }
    for c in r.checks.iter().filter(|c| !c.passed) {
        for line in c.output_tail.lines() {
            say!("      | {line}");
        }
    }
}

fn init(
    out: &Output,
    path: &Path,
    summary: Option<&str>,
    from: Option<&str>,
    registry: Option<&str>,
) -> Result<ExitCode> {
    let name = init::name_of(path)?;
    init::check_target(path)?;
    let (tree, started_from) = match from {
        None => (init::starter(&name, summary)?, None),
        Some(spec) => {
            let resolved = super::source::resolve(out, spec, registry)?;
            let label = format!(
                "{}/{}@{}",
                resolved.source().name(),
                resolved.name,
                resolved.version
            );
            let loaded = resolved.load()?;
            let tree = init::copy_of(&loaded, &label, &name, summary)
                .with_context(|| format!("cannot start {name} from {label}"))?;
            (tree, Some(label))
        }
    };
    let plan = crate::plan::plan(path, tree, false)?;
    plan.apply(&crate::plan::ApplyOptions::default())?;
    match &started_from {
        Some(label) => say!(
            "Created the blueprint {name} {} in {}, from {label}.",
            init::FIRST_VERSION,
            path.display()
        ),
        None => say!(
            "Created the blueprint {name} {} in {}.",
            init::FIRST_VERSION,
            path.display()
        ),
    }
    out.note(format!(
        "Next: edit {0}/blueprint.yaml and {0}/template/, then `pave blueprint lint --deny-warnings {0}` and `pave blueprint test {0}`",
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}
