//! `pave update`: refuse a dirty work tree, work the update out (prompting for new parameters
//! and secrets on a terminal), then print the per-file table (`--dry-run`, with `--diff` the
//! change of each file) or apply it all or nothing, Ctrl-C included. Exit 0 when clean or up
//! to date, 3 when conflicts were written. After the summary, each answer added, carried over
//! or dropped (a secret's value never shown), the feedback this project sent that the new
//! version addresses (read from its changelog), and a newer major with the command that takes
//! it. Without DIR, the project the current folder is in.

use super::{
    Output, UsageError, args::UpdateArgs, exit_code, interrupt, print_json,
    prompt::TerminalPrompter, source,
};
use crate::answers::Prompter;
use crate::blueprint::Entry;
use crate::feedback::addressed::{self, Addressed};
use crate::feedback::spool::{self, SentLog};
use crate::plan::ApplyOptions;
use crate::update::run::{self, ChangeKind, PreparedUpdate, Request};
use crate::update::{Class, OpKind};
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

/// The exit code of an update that wrote conflicts.
const CONFLICTS: u8 = 3;

pub(crate) fn run(out: &Output, args: UpdateArgs) -> Result<ExitCode> {
    interrupt::install();
    let dir = crate::project::locate(args.dir.as_deref())?;
    let supplied = super::new::supplied(args.defaults, &args.set, args.answers.as_deref())?;
    let to = match &args.to {
        Some(text) => Some(semver::VersionReq::parse(text).map_err(|e| {
            UsageError(format!(
                "--to {text} is not a version requirement: {e} (examples: --to 1.4.0, --to ^1.4, --to 2, --to '*')"
            ))
        })?),
        None => None,
    };
    if !args.dry_run && !args.allow_dirty {
        run::check_clean(&dir, &[])?;
    }
    let registries = source::registries(out)?;
    let request = Request {
        dir: dir.clone(),
        to,
        supplied,
        allow_downgrade: args.allow_downgrade,
        recreate_deleted: args.recreate_deleted,
    };
    let mut terminal = TerminalPrompter::when_interactive();
    let prompter = terminal.as_mut().map(|t| t as &mut dyn Prompter);
    let prepared = run::prepare(&registries, &request, prompter)?;
    tell_notes(&prepared);
    let addressed = addressed(&prepared);
    let major = newer_major(&prepared, args.dir.as_deref());

    let unmerged = if args.dry_run || prepared.up_to_date {
        Vec::new()
    } else {
        let options = ApplyOptions {
            cancel: Some(interrupt::cancel_flag()),
            finish: None,
        };
        match interrupt::applying(|| prepared.apply(&options)) {
            Ok(unmerged) => unmerged,
            Err(e @ run::UpdateError::Git(_)) => return Err(e.into()),
            Err(e) => {
                return Err(anyhow::Error::new(e))
                    .with_context(|| format!("nothing was changed in {}", dir.display()));
            }
        }
    };
    let wrote_conflicts = !args.dry_run && !prepared.up_to_date && prepared.has_conflicts();
    if args.json {
        print_json(&result_json(
            &prepared,
            &addressed,
            major.as_ref(),
            args.dry_run,
            !unmerged.is_empty(),
        ))?;
    } else if prepared.up_to_date {
        say!(
            "{} is up to date: {} {} with the recorded answers; nothing was written.",
            dir.display(),
            prepared.record.blueprint,
            prepared.record.version
        );
        print_newer_major(major.as_ref());
    } else {
        print_table(&prepared, args.dry_run);
        print_answer_changes(&prepared);
        print_addressed(&addressed);
        print_newer_major(major.as_ref());
        if args.diff {
            print_diffs(&prepared);
        }
        if wrote_conflicts {
            let staged = if unmerged.is_empty() {
                String::new()
            } else {
                String::from(" (they are unmerged in the git index: `git status` lists them)")
            };
            eprintln!(
                "Resolve the conflicts{staged}: edit each file between the <<<<<<< and >>>>>>> markers (a binary file: keep yours or take <file>.pave-new), then commit."
            );
        }
    }
    Ok(exit_code(wrote_conflicts, ExitCode::from(CONFLICTS)))
}

/// What the user should know before the table: warnings, a moved tag, carried answers.
fn tell_notes(prepared: &PreparedUpdate) {
    for warning in prepared.answers.warnings() {
        eprintln!("warning: {warning}");
    }
    if let Some(moved) = &prepared.tag_moved {
        eprintln!("warning: {moved}; the recorded commit is used as the base");
    }
}

/// Each answer added, carried over to a new name or dropped, with its value (never a
/// secret's).
fn print_answer_changes(prepared: &PreparedUpdate) {
    if prepared.answer_changes.is_empty() {
        return;
    }
    say!("Answers:");
    for c in &prepared.answer_changes {
        let value = c.shown_value();
        match (c.change, &c.from, c.source) {
            (ChangeKind::Renamed, Some(from), _) => {
                say!("  renamed  {from} -> {} = {value} (carried over)", c.name)
            }
            (ChangeKind::Dropped, _, _) => say!(
                "  dropped  {} = {value} (no longer a parameter of {} {})",
                c.name,
                prepared.new_record.blueprint,
                prepared.new_record.version
            ),
            (_, _, source) => say!(
                "  added    {} = {value}{}",
                c.name,
                source.map_or_else(String::new, |s| format!(" ({})", s.as_str()))
            ),
        }
    }
}

fn describe(prepared: &PreparedUpdate) -> String {
    let from = &prepared.record.version;
    let to = &prepared.new_record.version;
    if from == to {
        format!("{} {from} (new answers)", prepared.record.blueprint)
    } else {
        format!("{} {from} -> {to}", prepared.record.blueprint)
    }
}

/// One line per file that changes or needs attention, then the counts by class.
fn print_table(prepared: &PreparedUpdate, dry_run: bool) {
    say!(
        "{} {}{}",
        if dry_run { "Would update" } else { "Updated" },
        prepared.dir.display(),
        format_args!(": {}", describe(prepared))
    );
    for file in &prepared.result.files {
        if matches!(file.class, Class::Kept | Class::SameChange) {
            continue;
        }
        let mut extra = String::new();
        if let Some(from) = &file.from {
            extra.push_str(&format!(" (from {from})"));
        }
        if let Some(side) = &file.side_file {
            extra.push_str(&format!(" (new version beside it: {side})"));
        }
        say!("  {:22} {}{extra}", file.class.as_str(), file.path);
    }
    let counts: Vec<String> = Class::ALL
        .iter()
        .filter_map(|class| {
            let n = prepared.result.summary.get(*class);
            (n > 0).then(|| format!("{n} {class}"))
        })
        .collect();
    let conflicts = prepared.result.summary.conflicts();
    say!(
        "Summary: {}{}.{}",
        if counts.is_empty() {
            String::from("no files")
        } else {
            counts.join(", ")
        },
        if conflicts > 0 {
            format!("; {conflicts} conflict(s) to resolve")
        } else {
            String::new()
        },
        if dry_run {
            " Nothing was written (dry run)."
        } else {
            ""
        }
    );
}

/// The unified diff of each file the update writes or removes.
fn print_diffs(prepared: &PreparedUpdate) {
    for file in &prepared.result.files {
        for op in &file.ops {
            let old = prepared.ours.get(&op.path);
            let new = match &op.kind {
                OpKind::Write(entry) => Some(entry),
                OpKind::Delete => None,
            };
            if old == new {
                continue;
            }
            let text = |e: Option<&Entry>| -> Option<String> {
                match e {
                    None => Some(String::new()),
                    Some(Entry::File { data, .. }) if !data.contains(&0) => {
                        Some(String::from_utf8_lossy(data).into_owned())
                    }
                    Some(Entry::File { .. }) => None,
                    Some(Entry::Symlink { target }) => Some(format!("-> {target}\n")),
                }
            };
            match (text(old), text(new)) {
                (Some(a), Some(b)) => {
                    let diff = similar::TextDiff::from_lines(&a, &b);
                    let name = |side: Option<&Entry>, prefix: &str| match side {
                        Some(_) => format!("{prefix}/{}", op.path),
                        None => String::from("/dev/null"),
                    };
                    let (from, to) = (name(old, "a"), name(new, "b"));
                    let shown = diff.unified_diff().header(&from, &to).to_string();
                    if !shown.is_empty() {
                        say!("{}", shown.trim_end());
                    } else {
                        say!("mode change: {}", op.path);
                    }
                }
                _ => say!("Binary file {} differs", op.path),
            }
        }
    }
}

/// The feedback this project sent that the versions it moves through address. The update goes
/// on whatever happens here: a log that cannot be read is a warning.
fn addressed(prepared: &PreparedUpdate) -> Vec<Addressed> {
    let found = spool::state_dir()
        .map_err(anyhow::Error::new)
        .and_then(|state| {
            addressed::for_project(
                &SentLog::in_state(&state),
                &prepared.record,
                &prepared.dir,
                prepared.changelog.as_deref(),
                &prepared.new_record.version,
            )
            .map_err(anyhow::Error::new)
        });
    found.unwrap_or_else(|e| {
        eprintln!("warning: cannot tell which of your feedback this update addresses: {e:#}");
        Vec::new()
    })
}

/// One line per item this project sent that the new version addresses.
fn print_addressed(addressed: &[Addressed]) {
    for a in addressed {
        say!(
            "{} addresses your feedback {}: '{}'",
            a.version,
            a.id,
            a.message
        );
    }
}

/// A release of a newer major than the one updated to, and the command that takes it.
struct NewerMajor {
    blueprint: String,
    version: semver::Version,
    command: String,
}

fn newer_major(prepared: &PreparedUpdate, given: Option<&Path>) -> Option<NewerMajor> {
    let version = prepared.newer_major.clone()?;
    let dir = given.map_or_else(String::new, |d| format!(" {}", d.display()));
    Some(NewerMajor {
        blueprint: prepared.record.blueprint.clone(),
        command: format!("pave update{dir} --to {}", version.major),
        version,
    })
}

fn print_newer_major(major: Option<&NewerMajor>) {
    if let Some(m) = major {
        say!(
            "A new major is out: {} {}; `{}` takes it (its changes may break yours: read them first).",
            m.blueprint,
            m.version,
            m.command
        );
    }
}

fn result_json(
    prepared: &PreparedUpdate,
    addressed: &[Addressed],
    major: Option<&NewerMajor>,
    dry_run: bool,
    unmerged: bool,
) -> serde_json::Value {
    json!({
        "dir": prepared.dir.display().to_string(),
        "registry": prepared.record.registry,
        "blueprint": prepared.record.blueprint,
        "from": {"version": prepared.record.version.to_string(), "commit": prepared.record.commit},
        "to": {"version": prepared.new_record.version.to_string(), "commit": prepared.new_record.commit},
        "answers": prepared.new_record.answers,
        "dropped": prepared.carried.dropped,
        "renamed": prepared.carried.renamed,
        "answer_changes": prepared.answer_changes,
        "tag_moved": prepared.tag_moved.as_ref().map(ToString::to_string),
        "up_to_date": prepared.up_to_date,
        "dry_run": dry_run,
        "unmerged_in_index": unmerged,
        "conflicts": prepared.result.summary.conflicts(),
        "summary": prepared.result.summary,
        "files": prepared.result.files,
        "addressed": addressed,
        "newer_major": major.map(|m| json!({"version": m.version.to_string(), "command": m.command})),
    })
}
