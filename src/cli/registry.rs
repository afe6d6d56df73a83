//! `pave registry add | list | remove | sync | verify`: the configured git registries, their
//! cache, and checking a project against the release it was made from.

use super::{
    Output, UsageError,
    args::{RegistryArgs, RegistryCommand},
    exit_code, print_json,
    progress::human_duration,
    source,
};
use crate::project::{self, ProjectFile};
use crate::registry::git::{Synced, tag_name};
use crate::registry::integrity::check_tag_moved;
use crate::registry::{BlueprintSource, builtin};
use crate::url::RemoteUrl;
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run(out: &Output, args: RegistryArgs) -> Result<ExitCode> {
    match args.command {
        RegistryCommand::Init { dir, name } => init(&dir, name.as_deref()),
        RegistryCommand::Add {
            name,
            url,
            priority,
            ..
        } => add(out, &name, &url, priority),
        RegistryCommand::List { json, .. } => list(out, json),
        RegistryCommand::Remove { name, .. } => remove(out, &name),
        RegistryCommand::Sync { name } => sync(out, name.as_deref()),
        RegistryCommand::Verify { dir, .. } => verify(out, &dir),
    }
}

fn init(dir: &Path, name: Option<&str>) -> Result<ExitCode> {
    let name = match name {
        Some(name) => name.to_string(),
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
            .unwrap_or_default(),
    };
    crate::registry::scaffold::init(dir, &name)?;
    say!(
        "created registry `{name}` in {} (branch main, one commit): registry.yaml, README.md, .github/workflows/pave.yml",
        dir.display()
    );
    say!(
        "next: push it to a git server, then `pave registry add {name} <url>` and `pave publish <blueprint folder> --registry {name}`"
    );
    Ok(ExitCode::SUCCESS)
}

fn add(out: &Output, name: &str, url: &str, priority: Option<i32>) -> Result<ExitCode> {
    let mut registries = source::registries(out)?;
    let stored = registries
        .config_mut()
        .add(name, url, priority)?
        .url
        .clone();
    let given = RemoteUrl::parse(url);
    let summary = if out.offline {
        String::from("not cloned (--offline); it is cloned on first use")
    } else {
        let source = registries.git(name, url);
        // The config is only written once the repository proved to be a registry.
        let checked = source
            .sync()
            .and_then(|synced| Ok((synced, source.index()?.blueprints.len())));
        let (synced, blueprints) = match checked {
            Ok(found) => found,
            Err(e) => {
                let shared = registries
                    .config()
                    .registries
                    .iter()
                    .any(|r| r.name != name && r.url == stored);
                if !shared {
                    let _ = source.remove_cache();
                }
                return Err(anyhow::Error::new(e))
                    .with_context(|| format!("registry `{name}` was not added"));
            }
        };
        format!("{blueprints} blueprint(s), {} version(s)", synced.versions)
    };
    source::save(&registries)?;
    let order = priority
        .map(|p| format!(", priority {p}"))
        .unwrap_or_default();
    say!("Added registry `{name}` ({stored}{order}): {summary}.");
    if given.had_credentials() {
        out.note(
            "note: the credentials in the URL were used for this command only and are not stored; \
             later fetches go through the ssh program (its agent, keys and config), or the git credential helper, then $PAVE_GIT_TOKEN (https)",
        );
    }
    Ok(ExitCode::SUCCESS)
}

struct ListRow {
    name: String,
    url: String,
    priority: Option<i32>,
    age: Option<std::time::Duration>,
    cached: bool,
}

fn list(out: &Output, json: bool) -> Result<ExitCode> {
    let registries = source::registries(out)?;
    let mut rows = vec![ListRow {
        name: builtin::NAME.to_string(),
        url: builtin::NAME.to_string(),
        priority: None,
        age: None,
        cached: true,
    }];
    for registry in &registries.config().registries {
        let source = registries.git(&registry.name, &registry.url);
        rows.push(ListRow {
            name: registry.name.clone(),
            url: registry.url.clone(),
            priority: registry.priority,
            age: source.cache_age(),
            cached: source.cache_path().is_dir(),
        });
    }
    if json {
        let items: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "name": r.name, "url": r.url, "builtin": r.name == builtin::NAME,
                    "priority": r.priority, "cached": r.cached,
                    "fetched_secs_ago": r.age.map(|a| a.as_secs()),
                })
            })
            .collect();
        return print_json(&items).map(|()| ExitCode::SUCCESS);
    }
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    let url_width = rows.iter().map(|r| r.url.len()).max().unwrap_or(3).max(3);
    say!("{:width$}  {:url_width$}  PRIORITY  CACHE", "NAME", "URL");
    for row in &rows {
        let priority = if row.name == builtin::NAME {
            String::from("fallback")
        } else {
            row.priority.unwrap_or(0).to_string()
        };
        let cache = if row.name == builtin::NAME {
            String::from("built in")
        } else if let Some(age) = row.age {
            format!("fetched {} ago", human_duration(age))
        } else if row.cached {
            String::from("cached")
        } else {
            String::from("not cached")
        };
        say!(
            "{:width$}  {:url_width$}  {priority:8}  {cache}",
            row.name,
            row.url
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(out: &Output, name: &str) -> Result<ExitCode> {
    let mut registries = source::registries(out)?;
    let removed = registries.config_mut().remove(name)?;
    source::save(&registries)?;
    let shared = registries
        .config()
        .registries
        .iter()
        .any(|r| r.url == removed.url);
    if !shared {
        registries
            .git(&removed.name, &removed.url)
            .remove_cache()
            .context("the registry was removed from the config, but its cache was not")?;
    }
    say!("Removed registry `{name}` ({}).", removed.url);
    Ok(ExitCode::SUCCESS)
}

fn sync(out: &Output, name: Option<&str>) -> Result<ExitCode> {
    if out.offline {
        return Err(UsageError(String::from(
            "`pave registry sync` fetches from the network and cannot run with --offline",
        ))
        .into());
    }
    let registries = source::registries(out)?;
    let chosen: Vec<_> = match name {
        Some(builtin::NAME) => {
            say!("`builtin` is compiled into pave; there is nothing to sync.");
            return Ok(ExitCode::SUCCESS);
        }
        Some(name) => vec![registries.configured(name)?.clone()],
        None => registries.config().registries.clone(),
    };
    if chosen.is_empty() {
        say!("No git registries are configured; add one with `pave registry add <name> <url>`.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = false;
    for registry in &chosen {
        let source = registries.git(&registry.name, &registry.url);
        match source.sync() {
            Ok(synced) => say!("{}: {}", registry.name, sync_summary(&synced)),
            Err(e) => {
                eprintln!("error: {}: {e}", registry.name);
                failed = true;
            }
        }
    }
    Ok(exit_code(failed, ExitCode::FAILURE))
}

/// `2 new versions: orders-api 1.3.0, site 2.0.0`, or that nothing is new.
fn sync_summary(synced: &Synced) -> String {
    if synced.cloned {
        return format!("cloned ({} version(s)).", synced.versions);
    }
    match synced.new.len() {
        0 => format!(
            "up to date, no new versions ({} version(s)).",
            synced.versions
        ),
        n => format!(
            "{n} new version{}: {}",
            if n == 1 { "" } else { "s" },
            synced
                .new
                .iter()
                .map(|(blueprint, version)| format!("{blueprint} {version}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn verify(out: &Output, dir: &Path) -> Result<ExitCode> {
    let file = dir.join(project::FILE_NAME);
    let text = fs_err::read_to_string(&file)
        .with_context(|| format!("{} is not a pave project", dir.display()))?;
    let project = ProjectFile::parse(&text, &file.display().to_string())?;
    if project.commit.is_none() {
        say!(
            "{}: made from `{}`, which has no commits to verify.",
            dir.display(),
            project.registry
        );
        return Ok(ExitCode::SUCCESS);
    }
    let source = source::registries(out)?.open_recorded(project.origin())?;
    // A tag can move at any time: look at the server now, unless offline.
    source.refresh()?;
    let tag = tag_name(&project.blueprint, &project.version);
    match check_tag_moved(project.origin(), source.as_ref())? {
        None => {
            say!(
                "ok: tag {tag} of {} still points to commit {}.",
                source.name(),
                project.commit.as_deref().unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(moved) => {
            eprintln!("warning: {moved}");
            Ok(ExitCode::FAILURE)
        }
    }
}
