//! `pave publish` and `pave release`: the command-line side of [`crate::author::publish`].

use super::args::{BumpArg, PublishArgs, ReleaseArgs};
use super::source;
use super::{Output, UsageError};
use crate::author::bump::Bump;
use crate::author::publish::{self, Outcome, Request};
use crate::feedback::git::Change;
use crate::registry::Registries;
use crate::registry::git::GitSource;
use crate::registry::url::looks_like_url;
use anyhow::Result;
use semver::Version;
use std::process::ExitCode;

/// The git registry `--registry` names: a configured one or a URL.
pub(super) fn git_registry(registries: &Registries, name_or_url: &str) -> Result<GitSource> {
    if let Some(configured) = registries.config().registry(name_or_url) {
        return Ok(registries.git(&configured.name, &configured.url));
    }
    if looks_like_url(name_or_url) {
        let name = registries.name_of_url(name_or_url).unwrap_or(name_or_url);
        return Ok(registries.git(name, name_or_url));
    }
    let configured: Vec<&str> = registries
        .config()
        .registries
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    let choices = if configured.is_empty() {
        String::from("none is configured yet: add one with `pave registry add NAME URL`")
    } else {
        format!("configured: {}", configured.join(", "))
    };
    let what = if name_or_url == crate::registry::builtin::NAME {
        String::from(
            "the built-in registry is part of pave itself (its blueprints/ and registry.yaml) and takes no publishes",
        )
    } else {
        format!("unknown registry `{name_or_url}`")
    };
    Err(UsageError(format!(
        "{what}; this command writes to a git registry: a configured one ({choices}) or a git URL"
    ))
    .into())
}

pub(crate) fn publish(out: &Output, args: PublishArgs) -> Result<ExitCode> {
    let registries = source::registries(out)?;
    let source = git_registry(&registries, &args.registry)?;
    let request = Request {
        folder: args.path,
        bump: args.bump.map(|b| match b {
            BumpArg::Major => Bump::Major,
            BumpArg::Minor => Bump::Minor,
            BumpArg::Patch => Bump::Patch,
        }),
        version: args.version,
        message: args.message,
        addresses: args.addresses.clone(),
        review: args.review,
        dry_run: args.dry_run,
        gate: !args.no_gate,
        date: publish::today(),
    };
    let started = std::time::Instant::now();
    let outcome = publish::publish(&source, &request)?;
    print_outcome(&outcome, request.dry_run, source.url());
    if !args.addresses.is_empty() && !request.dry_run {
        if request.review {
            out.note(format!(
                "note: the addressed items are not marked yet; after the release, mark each with `pave feedback resolve <id> --in {}`",
                outcome.version
            ));
        } else {
            mark_addressed(
                &registries,
                &args.registry,
                &args.addresses,
                &outcome.version,
            );
        }
    }
    out.note(format!(
        "took {:.2}s (gate {:.2}s)",
        started.elapsed().as_secs_f64(),
        outcome.gate_time.as_secs_f64()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Marks each of `ids` addressed in `version` on the git feedback sink of the registry
/// `name_or_url` names, if it has one. The version is already pushed, so a failure is a
/// warning, never an error.
fn mark_addressed(registries: &Registries, name_or_url: &str, ids: &[String], version: &Version) {
    let (name, location) = match registries.config().registry(name_or_url) {
        Some(c) => (c.name.clone(), c.url.clone()),
        None => (
            registries
                .name_of_url(name_or_url)
                .unwrap_or(name_or_url)
                .to_string(),
            name_or_url.to_string(),
        ),
    };
    let sink = match super::feedback::registry_git_sink(registries, &name, &location) {
        Ok(Some(sink)) => sink,
        Ok(None) => return,
        Err(e) => {
            eprintln!(
                "warning: could not open the feedback sink of registry `{name}`: {e:#}\n  the publish succeeded; mark the items with `pave feedback resolve <id> --in {version}`"
            );
            return;
        }
    };
    let change = Change::Resolve(version.clone());
    for id in ids {
        match sink.change(id, &change) {
            Ok(item) => say!("marked feedback {} addressed in {version}", item.id),
            Err(e) => eprintln!(
                "warning: feedback {id} not marked addressed: {e}\n  the publish succeeded; fix the id and run `pave feedback resolve <id> --in {version}`"
            ),
        }
    }
}

fn print_outcome(o: &Outcome, dry_run: bool, url: &str) {
    let from = o
        .previous
        .as_ref()
        .map_or_else(|| String::from("first version"), |p| format!("from {p}"));
    let verb = if dry_run {
        "would publish"
    } else {
        "published"
    };
    say!("{verb} {} {} ({from}) to {url}", o.name, o.version);
    if let Some(required) = &o.required {
        say!("required bump: {}", required.level);
        for r in &required.reasons {
            say!("  - [{}] {}", r.level, r.text);
        }
    }
    let branch = o.branch.trim_start_matches("refs/heads/");
    match (&o.tag, &o.commit) {
        (Some(tag), Some(c)) => say!("commit {c} on {branch}, tag {tag}"),
        (None, Some(c)) => say!(
            "commit {c} on branch {branch} for review; after it is merged, `pave release {}` tags it",
            o.name
        ),
        (Some(tag), None) => say!("would commit on {branch} and tag {tag}"),
        (None, None) => say!("would push branch {branch} for review"),
    }
    if o.retried {
        say!("(the branch had moved; the change was re-applied on the new tip)");
    }
    if dry_run {
        say!("files:");
        for f in &o.files {
            say!("  {f}");
        }
        say!("  registry.yaml");
        say!("changelog entry:");
        for line in o.changelog.lines() {
            say!("  | {line}");
        }
    }
}

pub(crate) fn release(out: &Output, args: ReleaseArgs) -> Result<ExitCode> {
    let registries = source::registries(out)?;
    let source = git_registry(&registries, &args.registry)?;
    let done = publish::release(&source, args.name.as_deref(), args.dry_run, true)?;
    if done.is_empty() {
        say!("nothing to release: every version on the default branch is tagged");
    }
    for r in &done {
        let verb = if args.dry_run { "would tag" } else { "tagged" };
        say!("{verb} {} {} ({})", r.name, r.version, r.tag);
    }
    Ok(ExitCode::SUCCESS)
}
