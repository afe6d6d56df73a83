//! Which sink feedback goes to and which sink the platform team reads. [`Sinks`] gives the sink
//! of each item's registry (the user's override, else the registry's `feedback:`), resolved
//! once per registry, with the registries opened only when an item needs them;
//! [`platform_sink`] picks the git sink the platform-team commands work on (that of the
//! registry asked for, else of the only registry that has one); [`registry_git_sink`] is the
//! git sink of one registry, if it has one. What the environment supplies (tokens, the http
//! timeout) comes in through [`SinkOptions`].

use super::git::GitSink;
use super::http::{HttpOptions, HttpSink};
use super::item::Item;
use super::sink::{FeedbackSink, SinkError};
use crate::config::ConfigError;
use crate::error::{Classify, ErrorKind};
use crate::manifest::FeedbackConfig;
use crate::registry::builtin;
use crate::registry::url::looks_like_url;
use crate::registry::{Registries, RegistryError};
use std::collections::HashMap;
use std::time::Duration;

/// Looks an environment variable up by name.
pub type VarLookup = Box<dyn Fn(&str) -> Option<String>>;

/// What the sinks take from the environment.
pub struct SinkOptions {
    /// The value of an environment variable by name (a sink's `token_env`); `None` when it
    /// is not set.
    pub var: VarLookup,
    /// Overrides the http sink's total timeout.
    pub timeout: Option<Duration>,
}

impl SinkOptions {
    /// Options that read variables from the process environment, with `timeout`.
    pub fn from_process(timeout: Option<Duration>) -> Self {
        SinkOptions {
            var: Box::new(|name| std::env::var(name).ok()),
            timeout,
        }
    }
}

/// Opens the registries when an item first needs them.
pub type OpenRegistries<'a> = Box<dyn FnMut() -> Result<Registries, ConfigError> + 'a>;

/// Where items about each registry go, resolved once per registry.
pub struct Sinks<'a> {
    open: OpenRegistries<'a>,
    registries: Option<Registries>,
    configs: HashMap<String, Result<FeedbackConfig, SinkError>>,
    options: SinkOptions,
}

impl<'a> Sinks<'a> {
    /// Sinks over the registries `open` gives (called at most once, when first needed).
    pub fn new(open: OpenRegistries<'a>, options: SinkOptions) -> Self {
        Sinks {
            open,
            registries: None,
            configs: HashMap::new(),
            options,
        }
    }

    /// The registries, opened on first use.
    pub fn registries(&mut self) -> Result<&Registries, ConfigError> {
        match &mut self.registries {
            Some(r) => Ok(r),
            slot @ None => Ok(slot.insert((self.open)()?)),
        }
    }

    fn config(&mut self, location: &str) -> Result<FeedbackConfig, SinkError> {
        if let Some(found) = self.configs.get(location) {
            return found.clone();
        }
        let found = self.resolve(location);
        self.configs.insert(location.to_string(), found.clone());
        found
    }

    fn resolve(&mut self, location: &str) -> Result<FeedbackConfig, SinkError> {
        let registries = self
            .registries()
            .map_err(|e| SinkError::Refused(crate::error::one_line(&e)))?;
        let config = registries.config();
        let name = if location == builtin::NAME {
            builtin::NAME.to_string()
        } else {
            config
                .registries
                .iter()
                .find(|r| r.url == location || r.name == location)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| location.to_string())
        };
        if let Some(user) = config.feedback_override(&name) {
            let problems = user.problems();
            if !problems.is_empty() {
                return Err(SinkError::Refused(format!(
                    "the `feedback: {name}:` of your config is not valid: {}",
                    problems
                        .into_iter()
                        .map(|p| p.1)
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            return Ok(user.clone());
        }
        let source = registries
            .open(location)
            .map_err(|e| SinkError::Unavailable(crate::error::one_line(&e)))?;
        source.feedback_sink().map_err(|e| {
            let hint = e.hint().map(|h| format!(": {h}")).unwrap_or_default();
            match &e {
                // Offline, the sink may be on the server already: the next flush looks again.
                RegistryError::Offline { .. } => SinkError::Unavailable(format!("{e}{hint}")),
                RegistryError::NoFeedbackSink { .. } => SinkError::Refused(format!("{e}{hint}")),
                _ => SinkError::Unavailable(e.to_string()),
            }
        })
    }

    /// The sink `item` goes to: that of the registry it names (`builtin` when none).
    pub fn sink_for(&mut self, item: &Item) -> Result<Box<dyn FeedbackSink>, SinkError> {
        let location = item.registry.as_deref().unwrap_or(builtin::NAME);
        let config = self.config(location)?;
        match config.sink.as_str() {
            "http" => {
                let url = config.url.clone().unwrap_or_default();
                let mut options = HttpOptions::new(&url);
                if let Some(var) = &config.token_env {
                    match (self.options.var)(var) {
                        Some(token) if !token.is_empty() => options.token = Some(token),
                        _ => {
                            return Err(SinkError::Refused(format!(
                                "the feedback sink's token is read from ${var}, which is not set"
                            )));
                        }
                    }
                }
                if let Some(timeout) = self.options.timeout {
                    options.timeout = timeout;
                    options.connect_timeout = options.connect_timeout.min(timeout);
                }
                Ok(Box::new(HttpSink::new(options)))
            }
            "git" => {
                let registries = self
                    .registries
                    .as_ref()
                    .ok_or_else(|| SinkError::Refused("no registries".into()))?;
                let sink = git_sink(registries, location, &config)
                    .map_err(|e| SinkError::Refused(e.to_string()))?;
                Ok(Box::new(sink))
            }
            other => Err(SinkError::Refused(format!(
                "feedback sink `{other}` is not one of: git, http"
            ))),
        }
    }
}

/// Why no git sink can be used.
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    /// The registry asked for is neither configured, `builtin`, nor a URL.
    #[error("unknown registry `{wanted}`")]
    UnknownRegistry {
        /// What was asked for.
        wanted: String,
        /// The configured registries' names.
        known: Vec<String>,
    },
    /// The registry asked for sends feedback to another kind of sink.
    #[error("registry `{name}` sends feedback to a `{sink}` sink, not git")]
    NotGit {
        /// The registry.
        name: String,
        /// Its sink's kind.
        sink: String,
    },
    /// No registry has a git sink.
    #[error("no configured registry has a git feedback sink{}", unreadable_list(.unreadable))]
    NoGitSink {
        /// The registries that could not be read, each with why.
        unreadable: Vec<String>,
        /// Offline: a cache that names no sink, with every such cache's age.
        #[source]
        offline: Option<Box<RegistryError>>,
    },
    /// Several registries have a git sink and none was chosen.
    #[error("several registries have a git feedback sink: {}", .0.join(", "))]
    Several(Vec<String>),
    /// A git sink without a `url:` for a registry that is not a git repository.
    #[error(
        "registry `{0}` is not a git repository, so its git feedback sink needs a `url:` naming one"
    )]
    NoSinkUrl(String),
    /// The registry's feedback configuration cannot be read.
    #[error(transparent)]
    Registry(Box<RegistryError>),
}

impl From<RegistryError> for RouteError {
    fn from(e: RegistryError) -> Self {
        RouteError::Registry(Box::new(e))
    }
}

fn unreadable_list(unreadable: &[String]) -> String {
    if unreadable.is_empty() {
        String::new()
    } else {
        format!(" (could not read: {})", unreadable.join("; "))
    }
}

impl Classify for RouteError {
    fn kind(&self) -> ErrorKind {
        match self {
            RouteError::NoGitSink {
                offline: Some(e), ..
            } => e.kind(),
            RouteError::Registry(e) => e.kind(),
            _ => ErrorKind::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            RouteError::UnknownRegistry { known, .. } => Some(format!(
                "give a configured one ({}) or a git URL",
                known.join(", ")
            )),
            RouteError::NotGit { .. } => {
                Some("read an export of its items with --from FILE".into())
            }
            RouteError::NoGitSink { offline, .. } => {
                let flags = "give --registry NAME|URL, or --from FILE for an export";
                Some(match offline.as_ref().and_then(|e| e.hint()) {
                    Some(h) => format!("{h}; or {flags}"),
                    None => flags.to_string(),
                })
            }
            RouteError::Several(_) => Some("choose one with --registry NAME".into()),
            RouteError::NoSinkUrl(_) => None,
            RouteError::Registry(e) => e.hint(),
        }
    }
}

/// The git sink for the registry at `location` (a configured name or URL) that `config`
/// (`sink: git`) names: the sink's own `url`, else the registry's repository.
fn git_sink(
    registries: &Registries,
    location: &str,
    config: &FeedbackConfig,
) -> Result<GitSink, RouteError> {
    let configured = registries
        .config()
        .registries
        .iter()
        .find(|r| r.url == location || r.name == location)
        .or_else(|| {
            registries
                .name_of_url(location)
                .and_then(|n| registries.config().registry(n))
        });
    let (name, url) = match (&config.url, configured) {
        (Some(url), found) => (
            found.map_or_else(|| location.to_string(), |c| c.name.clone()),
            url.clone(),
        ),
        (None, Some(c)) => (c.name.clone(), c.url.clone()),
        (None, None) if looks_like_url(location) => (location.to_string(), location.to_string()),
        (None, None) => return Err(RouteError::NoSinkUrl(location.to_string())),
    };
    Ok(GitSink::new(
        registries.git(&name, &url),
        config.branch.as_deref(),
    ))
}

/// The feedback sink configuration of registry `name` at `location`: the user's override,
/// else the registry's `registry.yaml` (fetched once more when its cache names none);
/// [`RegistryError::NoFeedbackSink`] when neither names one.
fn sink_config(
    registries: &Registries,
    name: &str,
    location: &str,
) -> Result<FeedbackConfig, RegistryError> {
    if let Some(user) = registries.config().feedback_override(name) {
        return Ok(user.clone());
    }
    registries.open(location)?.feedback_sink()
}

/// Whether `e` says that a registry names no feedback sink (with or without the cache's age).
fn is_no_sink(e: &RegistryError) -> bool {
    matches!(e.miss(), RegistryError::NoFeedbackSink { .. })
}

/// The git sink that registry `name` at `location` sends feedback to, or `None` when its
/// feedback configuration names another sink or none.
pub fn registry_git_sink(
    registries: &Registries,
    name: &str,
    location: &str,
) -> Result<Option<GitSink>, RouteError> {
    match sink_config(registries, name, location) {
        Ok(c) if c.sink == "git" => Ok(Some(git_sink(registries, location, &c)?)),
        Ok(_) => Ok(None),
        Err(e) if is_no_sink(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The git sink the platform-team commands work on, and the location of the registry whose
/// sink it is (`builtin` or a URL): that of `wanted` (a registry name or URL), else of the
/// only registry that has one.
pub fn platform_sink(
    registries: &Registries,
    wanted: Option<&str>,
) -> Result<(GitSink, String), RouteError> {
    let config = registries.config();
    if let Some(wanted) = wanted {
        let (name, location) = if wanted == builtin::NAME {
            (wanted.to_string(), wanted.to_string())
        } else if let Some(r) = config.registry(wanted) {
            (r.name.clone(), r.url.clone())
        } else if looks_like_url(wanted) {
            let name = registries.name_of_url(wanted).unwrap_or(wanted).to_string();
            (name, wanted.to_string())
        } else {
            return Err(RouteError::UnknownRegistry {
                wanted: wanted.to_string(),
                known: config.names(),
            });
        };
        let c = sink_config(registries, &name, &location)?;
        if c.sink != "git" {
            return Err(RouteError::NotGit { name, sink: c.sink });
        }
        return Ok((git_sink(registries, &location, &c)?, location));
    }
    let mut candidates: Vec<(String, String)> = vec![(builtin::NAME.into(), builtin::NAME.into())];
    candidates.extend(
        config
            .registries
            .iter()
            .map(|r| (r.name.clone(), r.url.clone())),
    );
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    // Offline: the first registry whose cache names no sink, with every such cache's age.
    let mut offline: Option<RegistryError> = None;
    for (name, location) in candidates {
        match sink_config(registries, &name, &location) {
            Ok(c) if c.sink == "git" => found.push((name, location, c)),
            Ok(_) => {}
            Err(RegistryError::Offline { miss, stale }) if is_no_sink(&miss) => {
                match &mut offline {
                    Some(RegistryError::Offline { stale: all, .. }) => all.extend(stale),
                    _ => offline = Some(RegistryError::Offline { miss, stale }),
                }
            }
            Err(e) if is_no_sink(&e) => {}
            Err(e) => unreadable.push(format!("{name} ({})", crate::error::one_line(&e))),
        }
    }
    match found.as_slice() {
        [(_, location, c)] => Ok((git_sink(registries, location, c)?, location.clone())),
        [] => Err(RouteError::NoGitSink {
            unreadable,
            offline: offline.map(Box::new),
        }),
        _ => Err(RouteError::Several(
            found.into_iter().map(|f| f.0).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::registry::events::Silent;
    use crate::registry::git::GitOptions;
    use std::sync::Arc;

    fn registries(config: Config, cache: &std::path::Path) -> Registries {
        let options = GitOptions {
            cache_dir: cache.to_path_buf(),
            offline: true,
            fetch_interval: Duration::from_secs(300),
            interactive: false,
            reporter: Arc::new(Silent),
        };
        Registries::new(config, options)
    }

    #[test]
    fn the_users_override_wins_else_the_registry_names_the_sink() {
        let cache = tempfile::tempdir().unwrap();
        let user = FeedbackConfig {
            sink: "http".into(),
            branch: None,
            url: Some("https://mine".into()),
            token_env: None,
        };
        let mut config = Config::default();
        config.feedback.insert(builtin::NAME.into(), user.clone());
        let with_override = registries(config, cache.path());
        let found = sink_config(&with_override, builtin::NAME, builtin::NAME).unwrap();
        assert_eq!(found, user);
        // The builtin registry's own registry.yaml names no sink.
        let without = registries(Config::default(), cache.path());
        let err = sink_config(&without, builtin::NAME, builtin::NAME).unwrap_err();
        assert!(is_no_sink(&err), "{err}");
    }
}
