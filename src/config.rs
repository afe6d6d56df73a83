//! The user's configuration: the registries they added (name, credential-free URL, priority) and how
//! often a git registry's cache is refreshed. A YAML file in the XDG config directory
//! (`$XDG_CONFIG_HOME/pave/config.yaml`), or wherever `PAVE_CONFIG` points; the cache lives in
//! the XDG cache directory or `PAVE_CACHE_DIR`. Loading a missing file gives the defaults;
//! saving is atomic (a temporary file beside it, then a rename).

use crate::error::{Classify, ErrorKind};
use crate::url::RemoteUrl;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable that overrides the config file's path.
pub const CONFIG_ENV: &str = "PAVE_CONFIG";
/// Environment variable that overrides the cache directory.
pub const CACHE_ENV: &str = "PAVE_CACHE_DIR";
/// How long a git registry's cache is used before it is fetched again, by default.
pub const DEFAULT_FETCH_INTERVAL_SECS: u64 = 300;
/// The name reserved for the registry compiled into pave.
pub const BUILTIN: &str = "builtin";

/// The configuration file's contents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Seconds a git registry's cache is trusted before a command fetches again (0: always).
    #[serde(default = "default_interval")]
    pub fetch_interval_secs: u64,
    /// The registries added with `pave registry add`, in the order they were added.
    #[serde(default)]
    pub registries: Vec<RegistryConfig>,
    /// Where feedback about a registry's blueprints goes, by registry name (`builtin` or a
    /// configured name); wins over the registry's own `feedback:`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub feedback: std::collections::BTreeMap<String, crate::manifest::FeedbackConfig>,
}

fn default_interval() -> u64 {
    DEFAULT_FETCH_INTERVAL_SECS
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fetch_interval_secs: DEFAULT_FETCH_INTERVAL_SECS,
            registries: Vec::new(),
            feedback: Default::default(),
        }
    }
}

/// One configured registry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    /// The name used in `--registry` and qualified blueprint names (`name/blueprint`).
    pub name: String,
    /// The git URL, never with credentials.
    pub url: String,
    /// When several configured registries hold a blueprint name, the one with the highest
    /// priority is used (none counts as 0); equal priorities are an error naming each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
}

/// Why the configuration cannot be read, written or changed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Reading or writing the file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error(transparent)]
    Yaml(#[from] crate::yaml::YamlError),
    /// No home directory to put the config or cache in.
    #[error(
        "cannot find the home directory for pave's config and cache; set HOME, or PAVE_CONFIG and PAVE_CACHE_DIR"
    )]
    NoHome,
    /// A registry name that cannot be used.
    #[error(transparent)]
    BadName(#[from] crate::names::NameError),
    /// `builtin` is reserved.
    #[error("`{BUILTIN}` is the registry built into pave and cannot be added or removed")]
    Reserved,
    /// The name is taken.
    #[error("a registry named `{name}` already exists ({url}); remove it first")]
    Exists {
        /// The name.
        name: String,
        /// Its URL.
        url: String,
    },
    /// No registry of that name.
    #[error("no registry named `{name}`; {}", known_text(.known))]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: Vec<String>,
    },
}

fn known_text(known: &[String]) -> String {
    format!("known: {}", known.join(", "))
}

/// Where the config file is: `PAVE_CONFIG`, else `<XDG config dir>/pave/config.yaml`.
pub fn config_path() -> Result<PathBuf, ConfigError> {
    if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let base = etcetera::choose_base_strategy().map_err(|_| ConfigError::NoHome)?;
    Ok(etcetera::BaseStrategy::config_dir(&base)
        .join("pave")
        .join("config.yaml"))
}

/// Where caches live: `PAVE_CACHE_DIR`, else `<XDG cache dir>/pave`.
pub fn cache_dir() -> Result<PathBuf, ConfigError> {
    if let Some(path) = std::env::var_os(CACHE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let base = etcetera::choose_base_strategy().map_err(|_| ConfigError::NoHome)?;
    Ok(etcetera::BaseStrategy::cache_dir(&base).join("pave"))
}

impl Config {
    /// Reads the file at `path`; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) if text.trim().is_empty() => Ok(Config::default()),
            Ok(text) => Ok(crate::yaml::parse(&text, &path.display().to_string())?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes the file atomically, creating its folder.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let io = |source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        };
        let body = crate::yaml::to_string(self)?;
        let text = format!(
            "# pave configuration. `pave registry add/remove` edit this file.\n# fetch_interval_secs: how long a git registry's cache is used before pave fetches again.\n{body}"
        );
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".pave-config-")
            .tempfile_in(&dir)
            .map_err(io)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// How long a cache is trusted.
    pub fn fetch_interval(&self) -> Duration {
        Duration::from_secs(self.fetch_interval_secs)
    }

    /// The registry named `name`.
    pub fn registry(&self, name: &str) -> Option<&RegistryConfig> {
        self.registries.iter().find(|r| r.name == name)
    }

    /// The user's feedback sink for registry `name`, if the config names one.
    pub fn feedback_override(&self, name: &str) -> Option<&crate::manifest::FeedbackConfig> {
        self.feedback.get(name)
    }

    /// Every registry name, `builtin` first.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(BUILTIN.to_string())
            .chain(self.registries.iter().map(|r| r.name.clone()))
            .collect()
    }

    /// Adds a registry (with an optional priority); the URL is stored without credentials.
    /// Returns what was stored.
    pub fn add(
        &mut self,
        name: &str,
        url: &str,
        priority: Option<i32>,
    ) -> Result<&RegistryConfig, ConfigError> {
        if name == BUILTIN {
            return Err(ConfigError::Reserved);
        }
        crate::names::registry(name)?;
        if let Some(existing) = self.registry(name) {
            return Err(ConfigError::Exists {
                name: name.to_string(),
                url: existing.url.clone(),
            });
        }
        self.registries.push(RegistryConfig {
            name: name.to_string(),
            url: normalize_url(url),
            priority,
        });
        let last = self.registries.len() - 1;
        Ok(&self.registries[last])
    }

    /// Removes a registry and returns it.
    pub fn remove(&mut self, name: &str) -> Result<RegistryConfig, ConfigError> {
        if name == BUILTIN {
            return Err(ConfigError::Reserved);
        }
        match self.registries.iter().position(|r| r.name == name) {
            Some(i) => Ok(self.registries.remove(i)),
            None => Err(ConfigError::Unknown {
                name: name.to_string(),
                known: self.names(),
            }),
        }
    }
}

/// The form a URL is stored and recorded in: credentials removed, a local path made absolute.
pub fn normalize_url(url: &str) -> String {
    let clean = RemoteUrl::parse(url).clean().to_string();
    let is_path = !clean.contains("://") && !RemoteUrl::parse(&clean).is_ssh();
    if is_path && let Ok(abs) = std::path::absolute(&clean) {
        return abs.display().to_string();
    }
    clean
}

impl Classify for ConfigError {
    fn kind(&self) -> ErrorKind {
        match self {
            ConfigError::Yaml(e) => e.kind(),
            ConfigError::BadName(_) | ConfigError::Reserved | ConfigError::Unknown { .. } => {
                ErrorKind::Usage
            }
            ConfigError::Io { .. } | ConfigError::NoHome | ConfigError::Exists { .. } => {
                ErrorKind::Failure
            }
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Yaml(e) => e.hint(),
            ConfigError::NoHome => {
                Some(String::from("set HOME, or PAVE_CONFIG and PAVE_CACHE_DIR"))
            }
            ConfigError::Exists { name, .. } => Some(format!(
                "remove it first with `pave registry remove {name}`, or choose another name"
            )),
            ConfigError::Unknown { known, .. } if known.is_empty() => Some(String::from(
                "add one with `pave registry add <name> <url>`",
            )),
            ConfigError::Unknown { known, .. } => Some(known_text(known)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.yaml");
        let config = Config::load(&path).unwrap();
        assert_eq!(config, Config::default());
        let mut config = Config::default();
        config
            .add("acme", "https://me:secret@git.example/x.git", Some(5))
            .unwrap();
        config.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("secret"), "{text}");
        let back = Config::load(&path).unwrap();
        assert_eq!(back.registries[0].url, "https://git.example/x.git");
        assert_eq!(back.registries[0].priority, Some(5));
        assert_eq!(back.fetch_interval(), Duration::from_secs(300));
    }

    #[test]
    fn rejects_bad_names_and_duplicates() {
        let mut config = Config::default();
        assert!(matches!(
            config.add("builtin", "x:y", None),
            Err(ConfigError::Reserved)
        ));
        assert!(matches!(
            config.add("Acme", "x:y", None),
            Err(ConfigError::BadName(_))
        ));
        assert!(matches!(
            config.add("a/b", "x:y", None),
            Err(ConfigError::BadName(_))
        ));
        config.add("acme", "git@h:x", None).unwrap();
        assert!(matches!(
            config.add("acme", "git@h:y", None),
            Err(ConfigError::Exists { .. })
        ));
        assert!(matches!(
            config.remove("nope"),
            Err(ConfigError::Unknown { .. })
        ));
        assert_eq!(config.remove("acme").unwrap().url, "git@h:x");
    }

    #[test]
    fn malformed_file_is_an_error_with_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, "registries:\n  - nmae: x\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("c.yaml:2"), "{err}");
    }
}
