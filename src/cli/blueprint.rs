//! `pave blueprint init | extract | absorb | lint | test`: the blueprint author's commands.

use super::{
    Output,
    args::{AbsorbArgs, BlueprintCommand},
    exit_code, print_json,
};
use crate::author::extract;
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
        BlueprintCommand::Extract {
            project,
            target,
            name,
            params,
            params_from_answers,
            excludes,
            json,
        } => {
            // Answers that pick blocks of the blueprint the project came from are not
            // parameters; without the registry, every text answer is one.
            let structural = if params_from_answers {
                match extract::structural_answers(&super::source::registries(out)?, &project) {
                    Ok(s) => s,
                    Err(e) => {
                        out.note(format!("warning: cannot read the blueprint the project came from ({e}); every text answer becomes a parameter"));
                        Default::default()
                    }
                }
            } else {
                Default::default()
            };
            let req = extract::Request {
                project,
                target,
                name,
                params,
                params_from_answers,
                excludes,
                structural,
            };
            extract_cmd(out, &req, json)
        }
        BlueprintCommand::Absorb(args) => absorb(out, &args),
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
    Ok(exit_code(failed, ExitCode::FAILURE))
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
    let mut on_event = |event: Event<'_>| match event {
        Event::CheckStarted { case, command } => out.note(format!("  .. {case}: {command}")),
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
    Ok(exit_code(failed > 0, ExitCode::FAILURE))
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
    let from = started_from
        .map(|label| format!(", from {label}"))
        .unwrap_or_default();
    say!(
        "Created the blueprint {name} {} in {}{from}.",
        init::FIRST_VERSION,
        path.display()
    );
    out.note(format!(
        "Next: edit {0}/blueprint.yaml and {0}/template/, then `pave blueprint lint --deny-warnings {0}` and `pave blueprint test {0}`",
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn extract_cmd(out: &Output, req: &extract::Request, as_json: bool) -> Result<ExitCode> {
    let extracted = extract::prepare(req)?;
    extract::write(&req.target, &extracted)?;
    let target = req.target.display().to_string();
    let totals = extracted.replaced();
    let templated = extracted.reports.iter().filter(|r| r.templated).count();
    let copied = extracted.reports.len() - templated;
    let next = [
        format!("pave blueprint test {target}"),
        format!("$EDITOR {target}/blueprint.yaml   # the summary, prompts and help"),
        format!("pave publish {target} --registry <registry> -m \"First version\""),
    ];
    if as_json {
        let params: Vec<_> = extracted
            .params
            .iter()
            .map(|p| {
                json!({
                    "name": p.key, "value": p.value, "type": p.kind.as_str(),
                    "pattern": p.pattern(), "from_answers": p.from_answers,
                    "replaced": totals.get(&p.key).copied().unwrap_or(0),
                })
            })
            .collect();
        let files: Vec<_> = extracted
            .reports
            .iter()
            .map(|r| {
                json!({
                    "path": r.path, "to": r.to,
                    "action": if r.templated { "templated" } else { "copied" },
                    "replaced": r.replaced, "escaped": r.escaped, "kept_as_is": r.kept_as_is,
                    "inside_tokens": r.inside_tokens.iter().map(|t| json!({
                        "param": t.key, "text": t.text, "line": t.line,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return print_json(&json!({
            "blueprint": extracted.name,
            "version": init::FIRST_VERSION,
            "path": target,
            "derived_from": extracted.derived_from,
            "sam": extracted.sam,
            "parameters": params,
            "unused_answers": extracted.unused_answers.iter().map(|u| json!({"name": u.key, "why": u.why})).collect::<Vec<_>>(),
            "files": files,
            "templated": templated,
            "copied": copied,
            "left_out": extracted.left_out.iter().map(|l| json!({"path": l.path, "why": l.why})).collect::<Vec<_>>(),
            "warnings": extracted.warnings,
            "next_steps": next,
        }))
        .map(|()| ExitCode::SUCCESS);
    }
    say!(
        "Extracted the blueprint {} {} into {target}: {} file(s), {templated} templated, {copied} copied as they are.",
        extracted.name,
        init::FIRST_VERSION,
        extracted.reports.len()
    );
    if let Some(from) = &extracted.derived_from {
        say!("derived from: {from}");
    }
    if !extracted.params.is_empty() {
        say!("\nParameters (occurrences replaced):");
        for p in &extracted.params {
            say!(
                "  {:<20} {:<8} {:>5}  {}{}",
                p.key,
                p.kind.as_str(),
                totals.get(&p.key).copied().unwrap_or(0),
                p.value,
                if p.from_answers {
                    "  (from the answers)"
                } else {
                    ""
                }
            );
        }
    }
    for u in &extracted.unused_answers {
        say!("  answer {} not used: {}", u.key, u.why);
    }
    if !out.quiet && !extracted.reports.is_empty() {
        say!("\nFiles:");
        for r in &extracted.reports {
            let counts: Vec<String> = r
                .replaced
                .iter()
                .map(|(k, n)| format!("{k} x{n}"))
                .collect();
            let mut notes = Vec::new();
            if !counts.is_empty() {
                notes.push(counts.join(", "));
            }
            if r.escaped {
                notes.push(String::from("{{ escaped"));
            }
            if let Some(why) = &r.kept_as_is {
                notes.push(format!("holds a value, kept as it is ({why})"));
            }
            if !r.inside_tokens.is_empty() {
                notes.push(format!(
                    "{} inside longer tokens, kept",
                    r.inside_tokens.len()
                ));
            }
            let word = if r.templated {
                "templated"
            } else {
                "copied   "
            };
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            };
            say!("  {word}  {} -> {}{notes}", r.path, r.to);
        }
    }
    if !extracted.left_out.is_empty() {
        say!("\nLeft out:");
        for l in &extracted.left_out {
            say!("  {}  ({})", l.path, l.why);
        }
    }
    for w in &extracted.warnings {
        out.note(format!("warning: {w}"));
    }
    say!(
        "\nProved: rendered with these values it gives the project back byte for byte, and with other values no value is left behind."
    );
    say!("Next:");
    for step in &next {
        say!("  {step}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit code when some changes were not absorbed (they are in absorb.rej).
const NOT_ABSORBED: u8 = 3;

fn absorb(out: &Output, args: &AbsorbArgs) -> Result<ExitCode> {
    use crate::author::absorb::{self, rej};
    let registries = super::source::registries(out)?;
    // The project: a folder, or the one a feedback item's diff describes.
    let mut item = None;
    let (input, unapplied) = match (&args.project, &args.feedback) {
        (Some(project), _) => {
            let limit =
                crate::project::diff::Limit::new(project, &std::env::current_dir()?, &args.only)?;
            (
                absorb::from_project(&registries, project, &limit)?,
                Vec::new(),
            )
        }
        (None, Some(id)) => {
            if !args.only.is_empty() {
                return Err(crate::error::UsageError(String::from(
                    "--only limits a project folder's files; with --feedback the item's whole diff is absorbed",
                ))
                .into());
            }
            let (sink, _) =
                crate::feedback::route::platform_sink(&registries, args.registry.as_deref())?;
            let (found, cached) = sink.item_or_cached(id)?;
            if let Some(why) = cached {
                out.note(format!("note: {why}"));
            }
            let (input, unapplied) = absorb::feedback::from_item(&registries, &found)?;
            item = Some((sink, found));
            (input, unapplied)
        }
        (None, None) => {
            return Err(crate::error::UsageError(String::from(
                "give the project folder, or --feedback ID",
            ))
            .into());
        }
    };
    let folder = absorb::load_folder(&args.into, &input)?;
    if !args.dry_run && !args.allow_dirty {
        absorb::check_clean(&args.into)?;
    }
    let options = absorb::Options {
        deletions: args.deletions,
    };
    let mut plan = absorb::plan(&input, &folder, &options)?;
    plan.add_unapplied(&unapplied);
    let written = if args.dry_run {
        Vec::new()
    } else {
        plan.write(&args.into)?
    };
    // The item is now in the platform team's hands: accepted, with where it went.
    let mut accepted = None;
    if let Some((sink, found)) = &item
        && !args.dry_run
        && found.status == crate::feedback::Status::Open
    {
        let note = plan.accept_note(&args.into.display().to_string());
        let change = crate::feedback::git::Change::Accept(Some(note));
        // The folder is written: a failed status change is said, not an error that would
        // hide what was done.
        match sink.change(&found.id, &change) {
            Ok(item) => accepted = Some(item),
            Err(e) => out.note(format!(
                "warning: the absorb is written, but feedback {} could not be accepted: {}; run `pave feedback accept {}`",
                found.id,
                crate::error::one_line(&e),
                found.id
            )),
        }
    }
    let rej_path = args.into.join(rej::FILE_NAME);
    if args.json {
        let mut doc = serde_json::to_value(&plan)?;
        if let Some(map) = doc.as_object_mut() {
            map.insert(String::from("dry_run"), json!(args.dry_run));
            map.insert(String::from("written"), json!(written));
            map.insert(
                String::from("rejected"),
                json!(plan.has_rejects().then(|| rej_path.display().to_string())),
            );
            if let Some((_, found)) = &item {
                map.insert(
                    String::from("feedback"),
                    json!({
                        "id": found.id,
                        "status": accepted.as_ref().map_or(found.status, |i| i.status).as_str(),
                    }),
                );
            }
        }
        print_json(&doc)?;
    } else {
        if args.dry_run && !plan.diff.is_empty() {
            let text = plan.diff.unified();
            say!("{}", text.strip_suffix('\n').unwrap_or(&text));
        }
        say!(
            "absorb {} {} into {} ({}):",
            plan.blueprint,
            plan.version,
            args.into.display(),
            plan.folder_version
        );
        if plan.hunks.is_empty() && plan.files.is_empty() {
            say!("  nothing to absorb: the project has no changes");
        }
        for row in plan.hunks.iter().chain(&plan.files) {
            let mut line = format!("  {} {}  {}", row.path, row.header, row.outcome.as_str());
            if !row.variables.is_empty() {
                line.push_str(&format!(" ({})", row.variables.join(", ")));
            }
            if let Some(t) = &row.template {
                line.push_str(&format!("  -> {t}"));
            }
            if let Some(why) = &row.reason {
                line.push_str(&format!(": {why}"));
            }
            say!("{line}");
        }
        if !plan.snapshots.is_empty() {
            say!(
                "snapshots that now differ: {} (run `pave blueprint test {} --update-snapshots`)",
                plan.snapshots.join(", "),
                args.into.display()
            );
        }
        if args.dry_run {
            out.note("dry run: nothing written");
        } else {
            out.note(format!(
                "{} file(s) of {} changed",
                plan.writes.len(),
                args.into.display()
            ));
            if plan.has_rejects() {
                out.note(format!(
                    "the changes not absorbed are in {}",
                    rej_path.display()
                ));
            } else if written.contains(&rej_path.display().to_string()) {
                out.note(format!(
                    "removed the {} of an earlier run: nothing is left to carry over",
                    rej_path.display()
                ));
            }
            if let Some(item) = &accepted {
                out.note(format!(
                    "feedback {} is accepted; `pave publish {} --addresses {}` marks it addressed",
                    item.id,
                    args.into.display(),
                    item.id
                ));
            }
        }
    }
    Ok(exit_code(plan.has_rejects(), ExitCode::from(NOT_ABSORBED)))
}
