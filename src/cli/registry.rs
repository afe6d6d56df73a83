//! `pave registry add | list | remove | sync | verify`: the configured git registries, their
//! cache, and checking a project against the release it was made from.

use super::{
    Output, UsageError,
    args::{RegistryArgs, RegistryCommand},
    print_json,
    progress::human_duration,
    source::Registries,
};
use crate::project::{self, ProjectFile};
use crate::registry::integrity::check_tag_moved;
use crate::registry::url::RemoteUrl;
use crate::registry::{BlueprintSource, builtin};
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run(out: &Output, args: RegistryArgs) -> Result<ExitCode> {
    match args.command {
        RegistryCommand::Init { dir, name } => init(&dir, name.as_deref()),
        RegistryCommand::Add { name, url } => add(out, &name, &url),
        RegistryCommand::List { json } => list(out, json),
        RegistryCommand::Remove { name } => remove(out, &name),
        RegistryCommand::Sync { name } => sync(out, name.as_deref()),
        RegistryCommand::Verify { dir } => verify(out, &dir),
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

fn add(out: &Output, name: &str, url: &str) -> Result<ExitCode> {
    let mut registries = Registries::new(out)?;
    let stored = registries.config_mut().add(name, url)?.url.clone();
    let given = RemoteUrl::parse(url);
    let summary = if out.offline {
        String::from("not cloned (--offline); it is cloned on first use")
    } else {
        let source = registries.git(name, url);
        let versions = source
            .sync()
            .with_context(|| format!("registry `{name}` was not added"))?;
        let blueprints = source.index().map(|i| i.blueprints.len()).unwrap_or(0);
        format!("{blueprints} blueprint(s), {versions} version(s)")
    };
    registries.save()?;
    say!("Added registry `{name}` ({stored}): {summary}.");
    if given.had_credentials() {
        out.note(
            "note: the credentials in the URL were used for this command only and are not stored; \
             later fetches use ssh-agent or ~/.ssh keys (ssh), or the git credential helper, then $PAVE_GIT_TOKEN (https)",
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list(out: &Output, json: bool) -> Result<ExitCode> {
    let registries = Registries::new(out)?;
    let config = registries.config();
    let mut rows = vec![(
        builtin::NAME.to_string(),
        builtin::NAME.to_string(),
        None,
        true,
    )];
    for registry in &config.registries {
        let source = registries.git(&registry.name, &registry.url);
        let cached = source.cache_path().is_dir();
        rows.push((
            registry.name.clone(),
            registry.url.clone(),
            source.cache_age(),
            cached,
        ));
    }
    if json {
        let items: Vec<_> = rows
            .iter()
            .map(|(name, url, age, cached)| {
                json!({
                    "name": name, "url": url, "builtin": name == builtin::NAME,
                    "cached": cached, "fetched_secs_ago": age.map(|a| a.as_secs()),
                })
            })
            .collect();
        return print_json(&json!(items)).map(|()| ExitCode::SUCCESS);
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    let url_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(3).max(3);
    say!("{:width$}  {:url_width$}  CACHE", "NAME", "URL");
    for (name, url, age, cached) in &rows {
        let cache = if name == builtin::NAME {
            String::from("built in")
        } else if let Some(age) = age {
            format!("fetched {} ago", human_duration(*age))
        } else if *cached {
            String::from("cached")
        } else {
            String::from("not cached")
        };
        say!("{name:width$}  {url:url_width$}  {cache}");
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(out: &Output, name: &str) -> Result<ExitCode> {
    let mut registries = Registries::new(out)?;
    let removed = registries.config_mut().remove(name)?;
    registries.save()?;
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
    let registries = Registries::new(out)?;
    let config = registries.config();
    let chosen: Vec<_> = match name {
        Some(builtin::NAME) => {
            say!("`builtin` is compiled into pave; there is nothing to sync.");
            return Ok(ExitCode::SUCCESS);
        }
        Some(name) => match config.registry(name) {
            Some(registry) => vec![registry.clone()],
            None => {
                return Err(UsageError(format!(
                    "no registry named `{name}`; known: {}",
                    config.names().join(", ")
                ))
                .into());
            }
        },
        None => config.registries.clone(),
    };
    if chosen.is_empty() {
        say!("No git registries are configured; add one with `pave registry add <name> <url>`.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = false;
    for registry in &chosen {
        let source = registries.git(&registry.name, &registry.url);
        match source.sync() {
            Ok(versions) => {
                let blueprints = source.index().map(|i| i.blueprints.len()).unwrap_or(0);
                say!(
                    "{}: up to date ({blueprints} blueprint(s), {versions} version(s)).",
                    registry.name
                );
            }
            Err(e) => {
                eprintln!("error: {}: {e}", registry.name);
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
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
    let registries = Registries::new(out)?;
    let name = registries
        .config()
        .registries
        .iter()
        .find(|r| r.url == project.registry)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| project.registry.clone());
    let source = registries.git(&name, &project.registry);
    // A tag can move at any time: look at the server now, unless offline.
    source.refresh()?;
    let tag = format!("{}/v{}", project.blueprint, project.version);
    match check_tag_moved(&project, &source)? {
        None => {
            say!(
                "ok: tag {tag} of {} still points to commit {}.",
                project.registry,
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
