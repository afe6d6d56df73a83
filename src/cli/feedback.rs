//! `pave feedback submit | flush | status | list | show | report | accept | resolve | decline`:
//! the shell of [`crate::feedback::submit`] and [`crate::feedback::route`]: writing an item (from the project's `.pave.yaml`, the message from `-m` or an editor, an
//! optional masked diff), keeping it in the spool and sending it to the sink its registry
//! names; and, for the platform team, reading the items of a registry's git sink (or a JSON
//! Lines export of an http sink) and recording status changes on the git sink.

use super::args::{
    FeedbackCommand, FeedbackFilterArgs, FeedbackFrom, FeedbackListArgs, FeedbackRegistry,
    FeedbackReportArgs, FeedbackSubmitArgs,
};
use super::{Output, UsageError, exit_code, print_json, source};
use crate::author::bump::check_addressed_in;
use crate::feedback::git::{Change, GitSink};
use crate::feedback::item::{self, Author, Item, Kind, Status};
use crate::feedback::route::{self, SinkOptions, Sinks};
use crate::feedback::sink::FeedbackSink;
use crate::feedback::spool::{self, FlushScope, Spool};
use crate::feedback::submit::{self, Draft, Subject};
use crate::feedback::{jsonl, redact, report};
use crate::project::{self, ProjectFile};
use anyhow::{Context, Result};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Overrides the http sink's total timeout, in seconds (decimals allowed).
const TIMEOUT_ENV: &str = "PAVE_FEEDBACK_TIMEOUT";

pub(crate) fn run(out: &Output, cmd: FeedbackCommand) -> Result<ExitCode> {
    match cmd {
        FeedbackCommand::Submit(args) => submit(out, args),
        FeedbackCommand::Flush { json } => flush(out, json),
        FeedbackCommand::Status { json } => status(json),
        FeedbackCommand::List(args) => list(out, &args),
        FeedbackCommand::Show { id, from, json } => show(out, &id, &from, json),
        FeedbackCommand::Report(args) => report_cmd(out, &args),
        FeedbackCommand::Accept { id, registry, json } => {
            change(out, &id, &registry, &Change::Accept(None), json)
        }
        FeedbackCommand::Resolve {
            id,
            version,
            registry,
            json,
        } => change(out, &id, &registry, &Change::Resolve(version), json),
        FeedbackCommand::Decline {
            id,
            reason,
            registry,
            json,
        } => {
            if reason.trim().is_empty() {
                return Err(
                    UsageError("--reason is empty: say why the item is declined".into()).into(),
                );
            }
            let reason = reason.trim().to_string();
            change(out, &id, &registry, &Change::Decline(reason), json)
        }
    }
}

/// What the submitter's project (or flags) say the item is about, and the pave project's
/// folder when it comes from one.
fn about(
    out: &Output,
    args: &FeedbackSubmitArgs,
    kind: Kind,
) -> Result<(Subject, Option<PathBuf>)> {
    // Without DIR: the project the current folder is in, if any.
    let dir = project::locate(args.dir.as_deref())?;
    let file = dir.join(project::FILE_NAME);
    if file.is_file() {
        if args.blueprint.is_some() || args.registry.is_some() {
            return Err(UsageError(format!(
                "{} names the blueprint and registry of this project; drop --blueprint/--registry, or run outside the project",
                file.display()
            ))
            .into());
        }
        let text = fs_err::read_to_string(&file)?;
        let record = ProjectFile::parse(&text, &file.display().to_string())?;
        let project = crate::feedback::addressed::project_name(&record, &dir);
        // A new pattern asked for from a project names it, so that the platform team can
        // extract a blueprint from it.
        let (project_remote, answers) = if kind == Kind::NewPattern {
            (
                crate::vcs::work_tree(&dir).and_then(|w| w.remote),
                Some(record.answers),
            )
        } else {
            (None, None)
        };
        let subject = Subject {
            blueprint: Some(record.blueprint),
            version: Some(record.version),
            registry: record.registry,
            project,
            project_remote,
            answers,
        };
        return Ok((subject, Some(dir)));
    }
    // A new pattern asked for from a git work tree names that project.
    let tree = (kind == Kind::NewPattern)
        .then(|| crate::vcs::work_tree(&dir))
        .flatten();
    if args.dir.is_some() && tree.is_none() {
        return Err(UsageError(format!(
            "{} is not a pave project (no {}) nor, for --kind new-pattern, a git work tree; give the project folder, or --blueprint and --registry",
            dir.display(),
            project::FILE_NAME
        ))
        .into());
    }
    let Some(registry) = args.registry.as_deref() else {
        return Err(UsageError(
            "outside a project, say which registry the feedback is for: --registry NAME (and --blueprint NAME[@VERSION] unless --kind new-pattern)".into(),
        )
        .into());
    };
    if args.blueprint.is_none() && kind != Kind::NewPattern {
        return Err(UsageError(format!(
            "outside a project, --kind {} needs --blueprint NAME[@VERSION]; only new-pattern can name none",
            kind.as_str()
        ))
        .into());
    }
    let (blueprint, version) = match args.blueprint.as_deref() {
        None => (None, None),
        Some(spec) => match spec.split_once('@') {
            None => (Some(spec.to_string()), None),
            Some((name, v)) => {
                let version = semver::Version::parse(v).map_err(|e| {
                    UsageError(format!(
                        "`{spec}`: `{v}` is not a version ({e}); give NAME or NAME@1.2.0"
                    ))
                })?;
                (Some(name.to_string()), Some(version))
            }
        },
    };
    let registries = source::registries(out)?;
    let location = registries.open(registry)?.location();
    let subject = Subject {
        blueprint,
        version,
        registry: location,
        project: tree
            .as_ref()
            .and_then(|w| w.root.file_name().map(|n| n.to_string_lossy().into_owned())),
        project_remote: tree.and_then(|w| w.remote),
        answers: None,
    };
    Ok((subject, None))
}

fn submit(out: &Output, args: FeedbackSubmitArgs) -> Result<ExitCode> {
    let kind = Kind::parse(&args.kind)
        .ok_or_else(|| UsageError(format!("unknown kind `{}`", args.kind)))?;
    let (subject, project) = about(out, &args, kind)?;
    if args.include_diff && project.is_none() {
        return Err(UsageError(
            "--include-diff needs a project (a folder with .pave.yaml) to compare with its blueprint".into(),
        )
        .into());
    }
    let message = match &args.message {
        Some(m) => m.clone(),
        None => message_from_editor(kind, &subject)?,
    };
    let draft = Draft {
        kind,
        rating: args.rating,
        message,
        author: if args.anonymous {
            None
        } else {
            Author::from_git_config()
        },
        diff_of: project.filter(|_| args.include_diff),
    };
    let state = spool::state_dir()?;
    let submitted = submit::submit(subject, draft, &mut sinks(out), &state)?;
    let item = &submitted.item;
    let masked = submitted.masked;
    let diff_truncated = item.diff_truncated;
    let skipped = &submitted.left_out;
    let mine = submitted.outcome();
    let others_sent = submitted.others_sent();
    if args.json {
        print_json(&json!({
            "id": item.id,
            "sent": mine.is_some_and(|o| o.result.is_ok()),
            "to": mine.and_then(|o| o.result.as_ref().ok()).map(|s| s.to.clone()),
            "kept": mine.and_then(|o| o.result.as_ref().err()).map(|e| json!({"reason": e.reason(), "retry": e.retry_later()})),
            "masked_lines": masked,
            "diff_truncated": diff_truncated,
            "diff_skipped": skipped,
            "also_sent": others_sent,
        }))?;
    }
    if masked > 0 {
        out.note(format!(
            "note: {masked} line(s) of the diff looked like secrets and were replaced by `{}`",
            redact::MARKER
        ));
    }
    if diff_truncated {
        out.note(format!(
            "note: the diff was cut to {} KiB at a line boundary",
            redact::DIFF_CAP / 1024
        ));
    }
    if !skipped.is_empty() {
        out.note(format!(
            "note: left out of the diff because they hold a secret answer: {}",
            skipped.join(", ")
        ));
    }
    if others_sent > 0 {
        out.note(format!(
            "Also sent {others_sent} item(s) that were waiting in the spool."
        ));
    }
    let done = match mine.map(|o| &o.result) {
        Some(Ok(sent)) => format!("Sent feedback {} to {}.", item.id, sent.to),
        Some(Err(e)) if e.retry_later() => format!(
            "Kept feedback {} in the spool: {}. `pave feedback flush` sends it later.",
            item.id,
            e.reason()
        ),
        Some(Err(e)) => {
            eprintln!(
                "error: feedback {} was not accepted: {}\n  it is kept in the spool ({}); fix the cause, then run `pave feedback flush`",
                item.id,
                e.reason(),
                Spool::in_state(&state).dir().display()
            );
            return Ok(ExitCode::FAILURE);
        }
        None => format!("Kept feedback {} in the spool.", item.id),
    };
    if !args.json {
        say!("{done}");
    }
    Ok(ExitCode::SUCCESS)
}

fn message_from_editor(kind: Kind, subject: &Subject) -> Result<String> {
    let interactive = super::interactive();
    let editor = ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|e| !e.trim().is_empty());
    let (true, Some(editor)) = (interactive, editor) else {
        return Err(UsageError(
            "no message: give -m \"...\" (an editor opens only on a terminal with $VISUAL or $EDITOR set)".into(),
        )
        .into());
    };
    let mut file = tempfile::Builder::new()
        .prefix("pave-feedback-")
        .suffix(".md")
        .tempfile()?;
    let subject = item::named(&subject.blueprint, &subject.version)
        .unwrap_or_else(|| "a pattern you did not find".to_string());
    std::io::Write::write_all(
        &mut file,
        format!(
            "\n# Your {} feedback about {subject}. Lines starting with # are dropped;\n# an empty message cancels.\n",
            kind.as_str()
        )
        .as_bytes(),
    )?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("pave")
        .arg(file.path())
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`"))?;
    if !status.success() {
        anyhow::bail!("the editor `{editor}` failed ({status}); nothing was submitted");
    }
    let text = fs_err::read_to_string(file.path())?;
    let message: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let message = message.join("\n").trim().to_string();
    if message.is_empty() {
        return Err(UsageError("empty message: nothing was submitted".into()).into());
    }
    Ok(message)
}

/// The sinks of the user's registries, opened when an item first needs them, with the
/// token variables and `PAVE_FEEDBACK_TIMEOUT` read from the environment.
fn sinks(out: &Output) -> Sinks<'_> {
    let timeout = std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64);
    Sinks::new(
        Box::new(move || source::registries(out)),
        SinkOptions::from_process(timeout),
    )
}

fn flush(out: &Output, json: bool) -> Result<ExitCode> {
    let state = spool::state_dir()?;
    let outcomes = submit::flush(&mut sinks(out), &state, FlushScope::All)?;
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    if json {
        let rows: Vec<_> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(s) => json!({"id": o.id, "sent": true, "to": s.to}),
                Err(e) => json!({"id": o.id, "sent": false, "reason": e.reason(), "retry": e.retry_later()}),
            })
            .collect();
        print_json(&rows)?;
    } else if outcomes.is_empty() {
        say!("Nothing waits in the spool.");
    } else {
        for o in &outcomes {
            match &o.result {
                Ok(s) => say!("sent  {}  to {}", o.id, s.to),
                Err(e) => say!("kept  {}  {}", o.id, e.reason()),
            }
        }
        say!("{} sent, {failed} still waiting.", outcomes.len() - failed);
    }
    Ok(exit_code(failed > 0, ExitCode::FAILURE))
}

fn status(json: bool) -> Result<ExitCode> {
    let spool = Spool::in_state(&spool::state_dir()?);
    let status = spool.status()?;
    if json {
        let rows: Vec<_> = status
            .waiting
            .iter()
            .map(|w| {
                json!({
                    "id": w.item.id, "kind": w.item.kind, "blueprint": w.item.blueprint,
                    "version": w.item.version, "registry": w.item.registry, "created": w.item.created,
                    "summary": w.item.summary(80),
                    "failure": w.failure.as_ref().map(|f| json!({"reason": f.reason, "retry": f.retry, "at": f.at})),
                })
            })
            .collect();
        let unreadable: Vec<_> = status
            .unreadable
            .iter()
            .map(|(p, why)| json!({"path": p.display().to_string(), "reason": why}))
            .collect();
        print_json(
            &json!({"spool": spool.dir().display().to_string(), "waiting": rows, "unreadable": unreadable}),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if status.waiting.is_empty() && status.unreadable.is_empty() {
        say!("Nothing waits in the spool ({}).", spool.dir().display());
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{} item(s) wait in {}:",
        status.waiting.len(),
        spool.dir().display()
    );
    for w in &status.waiting {
        let why = match &w.failure {
            None => "not tried yet".to_string(),
            Some(f) if f.retry => format!("{} (retried by the next flush)", f.reason),
            Some(f) => format!("refused: {}", f.reason),
        };
        say!(
            "  {}  {}  {}  {}",
            w.item.id,
            w.item.kind.as_str(),
            w.item.blueprint.as_deref().unwrap_or("-"),
            why
        );
    }
    for (path, why) in &status.unreadable {
        say!("  unreadable: {} ({why})", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn read_items(from: &Path) -> Result<Vec<Item>> {
    let text = fs_err::read_to_string(from)?;
    Ok(jsonl::parse(&text, &from.display().to_string())?)
}

/// The git sink the platform-team commands work on (see [`route::platform_sink`]) and the
/// location of its registry.
fn platform_registry(out: &Output, flag: &FeedbackRegistry) -> Result<(GitSink, String)> {
    let wanted = flag.registry.as_deref();
    Ok(route::platform_sink(&source::registries(out)?, wanted)?)
}

/// The items `--from` names, or those of the git sink.
fn load_items(out: &Output, from: &FeedbackFrom) -> Result<Vec<Item>> {
    match &from.from {
        Some(file) => read_items(file),
        None => Ok(platform_registry(out, &from.registry)?.0.items()?),
    }
}

fn change(
    out: &Output,
    id: &str,
    registry: &FeedbackRegistry,
    change: &Change,
    json: bool,
) -> Result<ExitCode> {
    if !item::is_id(&id.to_ascii_uppercase()) {
        return Err(UsageError(format!(
            "`{id}` is not a feedback id (26 letters and digits, as `pave feedback list` prints them)"
        ))
        .into());
    }
    if out.offline {
        return Err(UsageError(
            "a status change is pushed to the registry, which --offline forbids; run it again without --offline".into(),
        )
        .into());
    }
    let (sink, location) = platform_registry(out, registry)?;
    let item = match change {
        Change::Resolve(version) => {
            // The registry's versions are read before the sink's write, which holds the lock
            // of the cache they may share.
            let released = released_versions(out, &location)?;
            sink.change_checked(id, change, |item| match item.blueprint.as_deref() {
                // An item that names no blueprint asks for a new one: any version may be
                // its first.
                None => Ok(()),
                Some(blueprint) => check_addressed_in(
                    blueprint,
                    version,
                    released.get(blueprint).map_or(&[], Vec::as_slice),
                ),
            })?
        }
        _ => sink.change(id, change)?,
    };
    if json {
        print_json(&item)?;
        return Ok(ExitCode::SUCCESS);
    }
    let what = match change {
        Change::Accept(_) => String::from("Accepted"),
        Change::Resolve(v) => format!("Marked addressed in {v}:"),
        Change::Decline(_) => String::from("Declined"),
    };
    say!("{what} {} ({}).", item.id, sink.describe());
    Ok(ExitCode::SUCCESS)
}

/// The released versions of each blueprint of the registry at `location`.
fn released_versions(
    out: &Output,
    location: &str,
) -> Result<HashMap<String, Vec<semver::Version>>> {
    let source = source::registries(out)?.open(location)?;
    let mut released = HashMap::new();
    for entry in source.index()?.blueprints {
        let versions = source.versions(&entry.name)?;
        released.insert(entry.name, versions);
    }
    Ok(released)
}

fn filtered(items: Vec<Item>, filter: &FeedbackFilterArgs) -> Result<Vec<Item>> {
    let req = match &filter.version {
        Some(v) => Some(semver::VersionReq::parse(v).map_err(|e| {
            UsageError(format!("--version `{v}` is not a version requirement: {e}"))
        })?),
        None => None,
    };
    let kind = filter.kind.as_deref().and_then(Kind::parse);
    let status = filter.status.as_deref().and_then(Status::parse);
    Ok(items
        .into_iter()
        .filter(|i| {
            filter
                .blueprint
                .as_ref()
                .is_none_or(|b| i.blueprint.as_ref() == Some(b))
        })
        .filter(|i| {
            req.as_ref()
                .is_none_or(|r| i.version.as_ref().is_some_and(|v| r.matches(v)))
        })
        .filter(|i| kind.is_none_or(|k| i.kind == k))
        .filter(|i| status.is_none_or(|s| i.status == s))
        .collect())
}

fn list(out: &Output, args: &FeedbackListArgs) -> Result<ExitCode> {
    let items = filtered(load_items(out, &args.from)?, &args.filter)?;
    if args.json {
        print_json(&items)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Columns line up whatever is missing: each as wide as its widest cell.
    let rows: Vec<[String; 5]> = items
        .iter()
        .map(|i| {
            let subject = item::named(&i.blueprint, &i.version).unwrap_or_else(|| "-".to_string());
            [
                i.id.clone(),
                i.kind.as_str().to_string(),
                i.status.as_str().to_string(),
                subject,
                i.summary(60),
            ]
        })
        .collect();
    let mut widths = [0usize; 4];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in &rows {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            line.push_str(&format!("{cell:<w$}  "));
        }
        line.push_str(&row[4]);
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

fn show(out: &Output, id: &str, from: &FeedbackFrom, json: bool) -> Result<ExitCode> {
    let item = match &from.from {
        Some(file) => read_items(file)?
            .into_iter()
            .find(|i| i.id.eq_ignore_ascii_case(id))
            .with_context(|| format!("no feedback item `{id}` in {}", file.display()))?,
        None => platform_registry(out, &from.registry)?.0.item(id)?,
    };
    let i = &item;
    if json {
        print_json(i)?;
        return Ok(ExitCode::SUCCESS);
    }
    say!("id:        {}", i.id);
    say!("kind:      {}", i.kind.as_str());
    say!("status:    {}", i.status.as_str());
    if let Some(subject) = item::named(&i.blueprint, &i.version) {
        say!("blueprint: {subject}");
    }
    if let Some(r) = &i.registry {
        say!("registry:  {r}");
    }
    if let Some(p) = &i.project {
        say!("project:   {p}");
    }
    if let Some(r) = &i.project_remote {
        say!("remote:    {r}");
    }
    if let Some(answers) = &i.answers {
        let pairs: Vec<String> = answers.iter().map(|(k, v)| format!("{k}={v}")).collect();
        say!("answers:   {}", pairs.join(", "));
    }
    if let Some(r) = i.rating {
        say!("rating:    {r}/5");
    }
    match &i.author {
        Some(Author {
            name,
            email: Some(e),
        }) => say!("author:    {name} <{e}>"),
        Some(Author { name, email: None }) => say!("author:    {name}"),
        None => say!("author:    anonymous"),
    }
    say!("created:   {}", i.created);
    if let Some(v) = &i.addressed_in {
        say!("addressed in: {v}");
    }
    for h in &i.history {
        say!(
            "history:   {} {} by {}{}",
            h.at,
            h.status.as_str(),
            h.by.as_ref().map_or("-", |a| a.name.as_str()),
            h.reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    say!();
    say!("{}", i.message);
    if let Some(d) = &i.diff {
        say!();
        say!("{d}");
        if i.diff_truncated {
            say!("[diff cut at {} KiB]", redact::DIFF_CAP / 1024);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One decided item of the text report: its status, the version that addresses it and each
/// decision.
fn say_decided(d: &report::Brief) {
    let addressed = d
        .addressed_in
        .as_ref()
        .map(|v| format!(" in {v}"))
        .unwrap_or_default();
    say!(
        "    {}{addressed}  {}  {}",
        d.status.as_str(),
        d.id,
        d.summary
    );
    for change in &d.decisions {
        say!("      {}", report::decision_text(change));
    }
}

/// The counts that are not zero: `bug 2, question 1`.
fn nonzero(counts: &BTreeMap<&str, usize>) -> String {
    let counted: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    counted.join(", ")
}

fn report_cmd(out: &Output, args: &FeedbackReportArgs) -> Result<ExitCode> {
    let items = filtered(load_items(out, &args.items.from)?, &args.items.filter)?;
    let built = report::build(&items);
    if let Some(path) = &args.html {
        let html = report::to_html(&built, "pave feedback report");
        spool::write_atomic(path, html.as_bytes())?;
        eprintln!("Wrote {}.", path.display());
    }
    if args.items.json {
        print_json(&built)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.html.is_some() {
        return Ok(ExitCode::SUCCESS);
    }
    say!("{} item(s)", built.items);
    for bp in &built.blueprints {
        say!();
        say!(
            "{}: {} item(s), mean rating {}",
            bp.blueprint,
            bp.counts.items,
            bp.counts
                .mean_rating
                .map_or_else(|| "-".to_string(), |m| format!("{m:.2}"))
        );
        for v in &bp.versions {
            say!(
                "  {}: {} item(s) ({}; {}), {} project(s)",
                v.version,
                v.counts.items,
                nonzero(&v.counts.kinds),
                nonzero(&v.counts.statuses),
                v.projects.len()
            );
            for o in &v.oldest_open {
                say!("    open since {}  {}  {}", o.created, o.id, o.summary);
            }
            for d in &v.decided {
                say_decided(d);
            }
        }
        let spots = &bp.hotspots;
        if !spots.files.is_empty() || !spots.redacted.is_empty() {
            say!("  drift hotspots:");
            for f in &spots.files {
                say!("    {:>5}  {}", f.items, f.path);
            }
            for f in &spots.redacted {
                say!(
                    "    {:>5}  {}  (every changed line removed as a possible secret)",
                    f.items,
                    f.path
                );
            }
        }
        if !spots.changes.is_empty() {
            say!("  changes projects made:");
            for c in &spots.changes {
                say!(
                    "    {} project(s) {} in {} ({} item(s))",
                    c.projects,
                    c.summary,
                    c.path,
                    c.items
                );
                say!("      {}", c.header);
                for line in &c.hunk {
                    say!("      {line}");
                }
                if c.more_lines > 0 {
                    say!("      ... {} more line(s)", c.more_lines);
                }
                say!("      absorb: {}", c.absorb);
            }
        }
    }
    if !built.new_patterns.is_empty() {
        say!();
        say!("Patterns asked for:");
        for g in &built.new_patterns {
            say!("  {}:", g.registry.as_deref().unwrap_or("no registry"));
            for r in &g.requests {
                let declined = if r.status == Status::Declined {
                    "  [declined]"
                } else {
                    ""
                };
                say!(
                    "    {}  {}  {}{declined}",
                    r.id,
                    r.status.as_str(),
                    r.summary
                );
                if let Some(s) = &r.source {
                    let from = s
                        .made_from
                        .as_ref()
                        .map(|m| format!(", made from {m}"))
                        .unwrap_or_default();
                    let remote = s
                        .remote
                        .as_ref()
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default();
                    say!(
                        "      project {}{remote}{from}",
                        r.project.as_deref().unwrap_or("-")
                    );
                    if let Some(c) = &s.clone {
                        say!("      {c}");
                    }
                    say!("      {}", s.extract);
                }
                for d in &r.decisions {
                    say!("      {}", report::decision_text(d));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
