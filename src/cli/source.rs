//! The terminal's side of the registries: builds [`Registries`] from the user's config with a
//! terminal reporter (progress bars, notices on stderr), letting git prompt for credentials only
//! on a terminal, and the thin calls commands use to turn a blueprint argument into a blueprint.
//! What a name means is decided in `registry::registries`.

use super::{Output, progress::TerminalReporter};
use crate::config::{self, Config};
use crate::registry::git::GitOptions;
use crate::registry::{Loaded, Registries, Resolved};
use anyhow::{Context, Result};
use std::sync::Arc;

/// The registries of the user's config; git registries report to the terminal, and git may
/// prompt for credentials only on one.
pub(crate) fn registries(out: &Output) -> Result<Registries, config::ConfigError> {
    let config = Config::load(&config::config_path()?)?;
    let options = GitOptions {
        cache_dir: config::cache_dir()?,
        offline: out.offline,
        fetch_interval: config.fetch_interval(),
        interactive: super::interactive(),
        reporter: Arc::new(TerminalReporter::new(out.quiet)),
    };
    Ok(Registries::new(config, options))
}

/// Writes the registries' config back to the user's config file.
pub(crate) fn save(registries: &Registries) -> Result<()> {
    Ok(registries.config().save(&config::config_path()?)?)
}

/// Finds the registry and version a blueprint argument names.
pub(crate) fn resolve(out: &Output, spec: &str, registry: Option<&str>) -> Result<Resolved> {
    Ok(registries(out)?.resolve(spec, registry)?)
}

/// Loads the blueprint an argument names, at the newest version its requirement allows.
pub(crate) fn load(out: &Output, spec: &str, registry: Option<&str>) -> Result<Loaded> {
    let registries = registries(out)?;
    let folder = registry.is_none() && registries.is_folder(spec);
    let loaded = registries.resolve(spec, registry).and_then(|r| r.load());
    if folder {
        return loaded.with_context(|| format!("cannot load the blueprint folder {spec}"));
    }
    Ok(loaded?)
}
