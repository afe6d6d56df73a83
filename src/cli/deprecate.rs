//! `pave deprecate` and `pave yank`: the command-line side of [`crate::author::retire`]. The
//! registry is `--registry`, or else the one configured git registry that lists the blueprint.

use super::args::{DeprecateArgs, YankArgs};
use super::publish::git_registry;
use super::{Output, UsageError, source};
use crate::author::retire::{self, Retired, Retirement};
use crate::registry::git::GitSource;
use crate::registry::{BlueprintRef, BlueprintSource, Registries, RegistryError};
use anyhow::Result;
use semver::Version;
use std::process::ExitCode;

pub(crate) fn deprecate(out: &Output, args: DeprecateArgs) -> Result<ExitCode> {
    let reference = plain_ref(&args.blueprint)?;
    let registries = source::registries(out)?;
    let source = registry_of(&registries, args.registry.as_deref(), &reference.name)?;
    let change = Retirement::Deprecate {
        req: reference.req,
        reason: args.reason,
        replacement: args.replacement,
    };
    let done = retire::retire(&source, &reference.name, &change)?;
    report(&done, source.url(), "deprecated");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn yank(out: &Output, args: YankArgs) -> Result<ExitCode> {
    let (name, version) = args.blueprint.split_once('@').ok_or_else(|| {
        UsageError(format!(
            "`{}` names no version; yank one exact version: `{}@1.2.0`",
            args.blueprint, args.blueprint
        ))
    })?;
    let exact = version.trim_start_matches('=');
    let version = Version::parse(exact).map_err(|e| {
        UsageError(format!(
            "`{version}` in `{}` is not an exact version ({e}); yank one version at a time, e.g. `{name}@1.2.0`",
            args.blueprint
        ))
    })?;
    let reference = plain_ref(name)?;
    let registries = source::registries(out)?;
    let source = registry_of(&registries, args.registry.as_deref(), &reference.name)?;
    let change = Retirement::Yank {
        version,
        reason: args.reason,
    };
    let done = retire::retire(&source, &reference.name, &change)?;
    report(&done, source.url(), "yanked");
    Ok(ExitCode::SUCCESS)
}

/// `name[@req]` without a registry prefix (the registry is `--registry`).
fn plain_ref(spec: &str) -> Result<BlueprintRef> {
    let reference = BlueprintRef::parse(spec)?;
    if let Some(registry) = &reference.registry {
        return Err(UsageError(format!(
            "`{spec}` names registry `{registry}`; write the blueprint's name and pass --registry {registry}"
        ))
        .into());
    }
    crate::names::blueprint(&reference.name).map_err(|e| UsageError(e.to_string()))?;
    Ok(reference)
}

/// The git registry `--registry` names, or the one configured registry listing `name`.
fn registry_of(registries: &Registries, flag: Option<&str>, name: &str) -> Result<GitSource> {
    if let Some(flag) = flag {
        return git_registry(registries, flag);
    }
    let mut holders = Vec::new();
    for configured in &registries.config().registries {
        let source = registries.git(&configured.name, &configured.url);
        match source.entry(name) {
            Ok(_) => holders.push(source),
            Err(RegistryError::UnknownBlueprint { .. }) => {}
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "cannot tell whether registry `{}` lists `{name}`; pass --registry",
                    configured.name
                )));
            }
        }
    }
    match holders.len() {
        1 => Ok(holders.remove(0)),
        0 => Err(UsageError(format!(
            "no configured git registry lists `{name}`; pass --registry NAME|URL (the built-in registry is changed in pave's own repository)"
        ))
        .into()),
        _ => Err(UsageError(format!(
            "`{name}` is listed by several registries ({}); pass --registry",
            holders
                .iter()
                .map(|s| s.name().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
    }
}

fn report(done: &Retired, url: &str, what: &str) {
    let covers: Vec<String> = done.covers.iter().map(ToString::to_string).collect();
    say!(
        "{what} in {url}: {} {}",
        done.name,
        if covers.is_empty() {
            String::new()
        } else {
            format!("({})", covers.join(", "))
        }
    );
    say!(
        "commit {} on {}: {}",
        done.commit,
        done.branch.trim_start_matches("refs/heads/"),
        done.message
    );
    if done.retried {
        say!("(the branch had moved; the change was re-applied on the new tip)");
    }
}
