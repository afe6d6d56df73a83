//! Turning a blueprint argument into a loaded blueprint: a folder path (`./x`, `/x`) is read
//! from disk; anything else is `[registry/]name[@req]` looked up in the registries: `builtin`,
//! the ones in the user's config, or the one `--registry <name|url>` names (a URL that is not
//! configured is used as it is, for this command only).

use super::{Output, UsageError, credentials::TerminalCredentials, progress::TerminalReporter};
use crate::config::{self, Config};
use crate::registry::auth::{AuthOptions, CredentialPrompter};
use crate::registry::git::{GitOptions, GitSource};
use crate::registry::url::{RemoteUrl, looks_like_url};
use crate::registry::{BlueprintRef, BlueprintSource, Loaded, builtin, local, select};
use anyhow::{Context, Result};
use semver::Version;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether a blueprint argument names a folder rather than a registry entry.
pub fn is_folder(spec: &str) -> bool {
    spec.starts_with("./") || spec.starts_with("../") || spec.starts_with('/') || spec == "."
}

/// The registries this command can use: `builtin` and the configured ones.
pub(crate) struct Registries {
    config: Config,
    config_path: PathBuf,
    options: GitOptions,
}

impl Registries {
    /// Reads the config; git registries report to the terminal and prompt only on one.
    pub(crate) fn new(out: &Output) -> Result<Self> {
        let config_path = config::config_path()?;
        let config = Config::load(&config_path)?;
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let prompter: Option<Arc<dyn CredentialPrompter>> = if interactive {
            Some(Arc::new(TerminalCredentials))
        } else {
            None
        };
        let options = GitOptions {
            cache_dir: config::cache_dir()?,
            offline: out.offline,
            fetch_interval: config.fetch_interval(),
            auth: AuthOptions::from_env(prompter),
            reporter: Arc::new(TerminalReporter::new(out.quiet)),
        };
        Ok(Registries {
            config,
            config_path,
            options,
        })
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    pub(crate) fn save(&self) -> Result<()> {
        Ok(self.config.save(&self.config_path)?)
    }

    /// A git registry named `name` at `url` (credentials in `url` are used, never kept).
    pub(crate) fn git(&self, name: &str, url: &str) -> GitSource {
        GitSource::new(name, &transfer_url(url), self.options.clone())
    }

    /// `builtin`, a configured registry, or an ad hoc URL.
    pub(crate) fn open(&self, name_or_url: &str) -> Result<Box<dyn BlueprintSource>> {
        if name_or_url == builtin::NAME {
            return Ok(Box::new(builtin::Builtin));
        }
        if let Some(configured) = self.config.registry(name_or_url) {
            return Ok(Box::new(self.git(&configured.name, &configured.url)));
        }
        if looks_like_url(name_or_url) {
            let clean = config::normalize_url(name_or_url);
            let name = self
                .config
                .registries
                .iter()
                .find(|r| r.url == clean)
                .map(|r| r.name.clone())
                .unwrap_or(clean);
            return Ok(Box::new(self.git(&name, name_or_url)));
        }
        Err(UsageError(format!(
            "unknown registry `{name_or_url}`; known: {} (add one with `pave registry add {name_or_url} <url>`, or pass a git URL)",
            self.config.names().join(", ")
        ))
        .into())
    }

    /// Every registry, `builtin` first.
    pub(crate) fn all(&self) -> Vec<Box<dyn BlueprintSource>> {
        let mut all: Vec<Box<dyn BlueprintSource>> = vec![Box::new(builtin::Builtin)];
        for registry in &self.config.registries {
            all.push(Box::new(self.git(&registry.name, &registry.url)));
        }
        all
    }

    /// The registries a command looks in: the one `--registry` names, or all.
    pub(crate) fn selected(&self, flag: Option<&str>) -> Result<Vec<Box<dyn BlueprintSource>>> {
        match flag {
            Some(name) => Ok(vec![self.open(name)?]),
            None => Ok(self.all()),
        }
    }
}

/// The URL to transfer from: as given when it carries credentials (they are used for this
/// command only), else the stored form (credential-free, local paths made absolute).
fn transfer_url(url: &str) -> String {
    if RemoteUrl::parse(url).had_credentials() {
        url.to_string()
    } else {
        config::normalize_url(url)
    }
}

/// A blueprint reference resolved to a registry and a version.
pub(crate) struct Resolved {
    sources: Vec<Box<dyn BlueprintSource>>,
    chosen: usize,
    pub name: String,
    pub version: Version,
}

impl Resolved {
    pub(crate) fn source(&self) -> &dyn BlueprintSource {
        self.sources[self.chosen].as_ref()
    }

    pub(crate) fn load(&self) -> Result<Loaded> {
        Ok(self.source().load(&self.name, &self.version)?)
    }
}

/// Finds the registry and version a `[registry/]name[@req]` argument names.
pub(crate) fn resolve(out: &Output, spec: &str, registry: Option<&str>) -> Result<Resolved> {
    let reference = BlueprintRef::parse(spec)?;
    let registries = Registries::new(out)?;
    let flag = match (reference.registry.as_deref(), registry) {
        (Some(named), Some(flag)) if named != flag => {
            return Err(UsageError(format!(
                "`{spec}` names registry `{named}`, but --registry says `{flag}`; give one of them"
            ))
            .into());
        }
        (Some(named), _) => Some(named),
        (None, flag) => flag,
    };
    let sources = registries.selected(flag)?;
    let chosen = select::find(&sources, &reference.name)?;
    let version = sources[chosen].resolve(&reference.name, &reference.req)?;
    Ok(Resolved {
        sources,
        chosen,
        name: reference.name,
        version,
    })
}

/// Loads the blueprint an argument names, at the newest version its requirement allows.
pub(crate) fn load(out: &Output, spec: &str, registry: Option<&str>) -> Result<Loaded> {
    if is_folder(spec) {
        return local::load(Path::new(spec))
            .with_context(|| format!("cannot load the blueprint folder {spec}"));
    }
    resolve(out, spec, registry)?.load()
}
