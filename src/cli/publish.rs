//! `pave publish` and `pave release`: the command-line side of [`crate::author::publish`].

use super::args::{BumpArg, PublishArgs, ReleaseArgs};
use super::source;
use super::{Output, UsageError, print_json};
use crate::author::bump::Bump;
use crate::author::publish::{self, IndexEdit, Outcome, Request};
use crate::feedback::git::Change;
use crate::project::diff::Status;
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
        match crate::yaml::closest(name_or_url, configured.iter().copied()) {
            Some(c) => format!("unknown registry `{name_or_url}` (did you mean `{c}`?)"),
            None => format!("unknown registry `{name_or_url}`"),
        }
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
    let mut marked = Vec::new();
    if !args.addresses.is_empty() && outcome.released() {
        marked = mark_addressed(
            &registries,
            &args.registry,
            &args.addresses,
            &outcome.version,
        );
    }
    let next = next_step(&outcome, &args.registry, &args.addresses);
    if args.json {
        print_json(&outcome_json(&outcome, &request, next.as_deref(), &marked))?;
    } else {
        print_outcome(&outcome, &request, source.url());
        for id in &marked {
            say!("marked feedback {id} addressed in {}", outcome.version);
        }
        if let Some(next) = &next {
            say!("next: {next}");
        }
    }
    if let Some(e) = &outcome.folder_error {
        eprintln!(
            "warning: the folder was not brought up to date: {e}\n  the publish succeeded; set `version: {}` in blueprint.yaml and copy CHANGELOG.md from the registry before the next publish",
            outcome.version
        );
    }
    out.note(format!(
        "took {:.2}s (gate {:.2}s)",
        started.elapsed().as_secs_f64(),
        outcome.gate_time.as_secs_f64()
    ));
    Ok(ExitCode::SUCCESS)
}

/// What the author does next: after a review publish, merge and release (and mark the
/// addressed items); nothing after a release or a dry run.
fn next_step(o: &Outcome, registry: &str, addresses: &[String]) -> Option<String> {
    if o.tag.is_some() || o.commit.is_none() {
        return None;
    }
    let branch = o.branch.trim_start_matches("refs/heads/");
    let mut next = format!(
        "open a pull request from {branch}; after it is merged, `pave release {} --registry {registry}` tags {} {}",
        o.name, o.name, o.version
    );
    if !addresses.is_empty() {
        next.push_str(&format!(
            ", then mark each addressed item with `pave feedback resolve <id> --in {}`",
            o.version
        ));
    }
    Some(next)
}

/// Marks each of `ids` addressed in `version` on the git feedback sink of the registry
/// `name_or_url` names, if it has one, and returns the ids marked. The version is already
/// pushed, so a failure is a warning, never an error.
fn mark_addressed(
    registries: &Registries,
    name_or_url: &str,
    ids: &[String],
    version: &Version,
) -> Vec<String> {
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
    let sink = match crate::feedback::route::registry_git_sink(registries, &name, &location) {
        Ok(Some(sink)) => sink,
        Ok(None) => return Vec::new(),
        Err(e) => {
            eprintln!(
                "warning: could not open the feedback sink of registry `{name}`: {}\n  the publish succeeded; mark the items with `pave feedback resolve <id> --in {version}`",
                crate::error::one_line(&e)
            );
            return Vec::new();
        }
    };
    let change = Change::Resolve(version.clone());
    let mut marked = Vec::new();
    for id in ids {
        match sink.change(id, &change) {
            Ok(item) => marked.push(item.id),
            Err(e) => eprintln!(
                "warning: feedback {id} not marked addressed: {e}\n  the publish succeeded; fix the id and run `pave feedback resolve <id> --in {version}`"
            ),
        }
    }
    marked
}

/// How a file changes, as publish says it: `changed` where the diff says `modified`.
fn change_word(change: Status) -> &'static str {
    match change {
        Status::Modified => "changed",
        other => other.as_str(),
    }
}

fn index_word(edit: IndexEdit) -> &'static str {
    match edit {
        IndexEdit::Added => "added",
        IndexEdit::Updated => "updated",
        IndexEdit::Unchanged => "unchanged",
    }
}

fn print_outcome(o: &Outcome, request: &Request, url: &str) {
    let from = o
        .previous
        .as_ref()
        .map_or_else(|| String::from("first version"), |p| format!("from {p}"));
    let branch = o.branch.trim_start_matches("refs/heads/");
    match (&o.tag, &o.commit) {
        (Some(tag), Some(c)) => {
            say!("published {} {} ({from}) to {url}", o.name, o.version);
            say!("commit {c} on {branch}, tag {tag}");
        }
        (None, Some(c)) => {
            say!(
                "pushed branch {branch} for review to {url}: {} {} ({from}) is not released yet (no tag)",
                o.name,
                o.version
            );
            say!("commit {c} on {branch}");
        }
        (Some(tag), None) => {
            say!("would publish {} {} ({from}) to {url}", o.name, o.version);
            say!("would commit on {branch} and tag {tag}");
        }
        (None, None) => {
            say!(
                "would push branch {branch} for review to {url}: {} {} ({from}), not released until `pave release`",
                o.name,
                o.version
            );
        }
    }
    if let Some(required) = &o.required {
        say!("required bump: {}", required.level);
        for r in &required.reasons {
            say!("  - [{}] {}", r.level, r.text);
        }
    }
    if o.retried {
        say!("(the branch had moved; the change was re-applied on the new tip)");
    }
    if let Some(c) = &o.caught_up {
        say!(
            "this folder was at {}: its changes were merged onto {} (taken from the registry: {})",
            c.folder_version,
            c.newest,
            if c.from_registry.is_empty() {
                String::from("nothing")
            } else {
                c.from_registry.join(", ")
            }
        );
    }
    if request.dry_run {
        say!("changes against {} of {url}:", o.base);
        for c in &o.changes {
            let why = if c.path.ends_with("/CHANGELOG.md") {
                " (the entry below on top)"
            } else {
                ""
            };
            say!("  {:<8} {}{why}", change_word(c.change), c.path);
        }
        match o.index {
            IndexEdit::Added => say!("  changed  registry.yaml (entry {} added)", o.name),
            IndexEdit::Updated => say!(
                "  changed  registry.yaml (entry {}: summary and tags)",
                o.name
            ),
            IndexEdit::Unchanged => {}
        }
        say!("changelog entry:");
        for line in o.changelog.lines() {
            say!("  | {line}");
        }
    } else if !o.folder.is_empty() {
        let holder = if o.tag.is_some() {
            format!("the registry's {} {}", o.name, o.version)
        } else {
            format!("branch {branch}")
        };
        say!(
            "{} now holds what {holder} holds: wrote {} (each replaced whole, atomically)",
            request.folder.display(),
            o.folder.join(", ")
        );
    }
}

fn outcome_json(
    o: &Outcome,
    request: &Request,
    next: Option<&str>,
    marked: &[String],
) -> serde_json::Value {
    let status = match (request.dry_run, request.review) {
        (true, _) => "dry-run",
        (false, true) => "review",
        (false, false) => "published",
    };
    serde_json::json!({
        "status": status,
        "name": o.name,
        "version": o.version.to_string(),
        "previous": o.previous.as_ref().map(ToString::to_string),
        "released": o.released(),
        "branch": o.branch.trim_start_matches("refs/heads/"),
        "base": o.base,
        "tag": o.tag,
        "commit": o.commit,
        "retried": o.retried,
        "required": o.required.as_ref().map(|r| serde_json::json!({
            "level": r.level.to_string(),
            "reasons": r.reasons.iter().map(|x| serde_json::json!({
                "level": x.level.to_string(),
                "text": x.text,
            })).collect::<Vec<_>>(),
        })),
        "changes": o.changes.iter().map(|c| serde_json::json!({
            "path": c.path,
            "change": change_word(c.change),
        })).collect::<Vec<_>>(),
        "registry_entry": index_word(o.index),
        "changelog": o.changelog,
        "caught_up": o.caught_up.as_ref().map(|c| serde_json::json!({
            "folder_version": c.folder_version.to_string(),
            "newest": c.newest.to_string(),
            "from_registry": c.from_registry,
        })),
        "folder_updated": o.folder,
        "folder_error": o.folder_error,
        "marked_addressed": marked,
        "next": next,
    })
}

pub(crate) fn release(out: &Output, args: ReleaseArgs) -> Result<ExitCode> {
    let registries = source::registries(out)?;
    let source = git_registry(&registries, &args.registry)?;
    if let (Some(folder), Some(name)) = (&args.path, &args.name) {
        publish::check_folder(folder, name)?;
    }
    let done = publish::release(&source, args.name.as_deref(), args.dry_run)?;
    if done.is_empty() {
        say!("nothing to release: every version on the default branch is tagged");
    }
    for r in &done {
        let verb = if args.dry_run { "would tag" } else { "tagged" };
        say!("{verb} {} {} ({})", r.name, r.version, r.tag);
    }
    if let (Some(folder), Some(name), false) = (&args.path, &args.name, args.dry_run) {
        let (version, written) = publish::update_folder(&source, name, folder)?;
        let folder = folder.display();
        if written.is_empty() {
            say!("{folder} already holds the version and changelog of {name} {version}");
        } else {
            say!(
                "{folder} now holds the version and changelog of {name} {version}: wrote {} (each replaced whole, atomically)",
                written.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
