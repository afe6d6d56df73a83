//! Which registries exist and what a name means: [`Registries`] is built from the user's
//! [`Config`] and the git options, and turns a registry name or URL, a blueprint argument
//! (`[registry/]name[@req]` or a folder), or a project's recorded registry into a
//! [`BlueprintSource`]. `builtin` always exists; configured registries shadow it; a URL that
//! is not configured is used as it is, for one command.

use super::builtin::{self, Builtin};
use super::events::Notice;
use super::git::{GitOptions, GitSource};
use super::integrity::Origin;
use super::local::LocalSource;
use super::select::{self, Rank};
use super::url::{RemoteUrl, looks_like_url};
use super::{BlueprintRef, BlueprintSource, Loaded, RegistryError};
use crate::config::{Config, RegistryConfig, normalize_url};
use semver::Version;
use std::path::Path;

/// The registries a command can use: `builtin` and the configured ones.
pub struct Registries {
    config: Config,
    options: GitOptions,
}

/// A blueprint argument resolved to a source and a version.
pub struct Resolved {
    source: Box<dyn BlueprintSource>,
    /// The blueprint's name.
    pub name: String,
    /// The version chosen.
    pub version: Version,
    /// `<registry>/<blueprint>` of the lower-ranked registries that hold the name too.
    pub shadowed: Vec<String>,
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved")
            .field("source", &self.source.name())
            .field("name", &self.name)
            .field("version", &self.version)
            .finish()
    }
}

impl Resolved {
    /// The source the blueprint comes from.
    pub fn source(&self) -> &dyn BlueprintSource {
        self.source.as_ref()
    }

    /// `<registry>/<blueprint>`.
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.source.name(), self.name)
    }

    /// Loads the blueprint at the chosen version.
    pub fn load(&self) -> Result<Loaded, RegistryError> {
        self.source.load(&self.name, &self.version)
    }
}

/// Whether a blueprint argument is written as a path (`./x`, `../x`, `/x`, `.`).
pub fn is_explicit_folder(spec: &str) -> bool {
    spec.starts_with("./") || spec.starts_with("../") || spec.starts_with('/') || spec == "."
}

impl Registries {
    /// The registries of `config`; git ones behave as `options` say.
    pub fn new(config: Config, options: GitOptions) -> Self {
        Registries { config, options }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration, to change (the caller saves it).
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// A git registry named `name` at `url` (credentials in `url` are used, never kept).
    pub fn git(&self, name: &str, url: &str) -> GitSource {
        GitSource::new(name, &transfer_url(url), self.options.clone())
    }

    /// The configured registry named `name`.
    pub fn configured(&self, name: &str) -> Result<&RegistryConfig, RegistryError> {
        self.config
            .registry(name)
            .ok_or_else(|| RegistryError::UnknownRegistry {
                name: name.to_string(),
                known: self.config.names(),
            })
    }

    /// The name of the configured registry at `url` (compared in stored form).
    pub fn name_of_url(&self, url: &str) -> Option<&str> {
        let clean = normalize_url(url);
        self.config
            .registries
            .iter()
            .find(|r| r.url == clean)
            .map(|r| r.name.as_str())
    }

    /// `builtin`, a configured registry, or an ad hoc URL (named after the configured
    /// registry at that URL, if any).
    pub fn open(&self, name_or_url: &str) -> Result<Box<dyn BlueprintSource>, RegistryError> {
        if name_or_url == builtin::NAME {
            return Ok(Box::new(Builtin));
        }
        match self.configured(name_or_url) {
            Ok(configured) => Ok(Box::new(self.git(&configured.name, &configured.url))),
            Err(_) if looks_like_url(name_or_url) => {
                let name = self
                    .name_of_url(name_or_url)
                    .map(str::to_string)
                    .unwrap_or_else(|| normalize_url(name_or_url));
                Ok(Box::new(self.git(&name, name_or_url)))
            }
            Err(e) => Err(e),
        }
    }

    /// Every registry, `builtin` first, then the configured ones in config order.
    pub fn all(&self) -> Vec<Box<dyn BlueprintSource>> {
        let mut all: Vec<Box<dyn BlueprintSource>> = vec![Box::new(Builtin)];
        for registry in &self.config.registries {
            all.push(Box::new(self.git(&registry.name, &registry.url)));
        }
        all
    }

    /// The rank of each of [`Self::all`], in the same order.
    fn ranks(&self) -> Vec<Rank> {
        std::iter::once(Rank::Fallback)
            .chain(
                self.config
                    .registries
                    .iter()
                    .map(|r| Rank::Configured(r.priority.unwrap_or(0))),
            )
            .collect()
    }

    /// The registries a command looks in: the one `--registry` names, or all.
    pub fn selected(
        &self,
        flag: Option<&str>,
    ) -> Result<Vec<Box<dyn BlueprintSource>>, RegistryError> {
        match flag {
            Some(name) => Ok(vec![self.open(name)?]),
            None => Ok(self.all()),
        }
    }

    /// Whether a blueprint argument names a folder: written as a path (`./x`, `/x`), or an
    /// existing folder whose first segment is no registry's name (`blueprints/orders-api`
    /// when no registry is called `blueprints`). A bare name is never a folder.
    pub fn is_folder(&self, spec: &str) -> bool {
        if is_explicit_folder(spec) {
            return true;
        }
        match spec.split_once('/') {
            Some((first, _)) => {
                !spec.contains('@')
                    && first != builtin::NAME
                    && self.config.registry(first).is_none()
                    && Path::new(spec).is_dir()
            }
            None => false,
        }
    }

    /// Finds the source and version a blueprint argument names: a folder, or
    /// `[registry/]name[@req]` with `registry_flag` (`--registry`) as the registry when the
    /// argument names none. An unqualified name goes to the highest-ranked registry holding
    /// it; when that shadows others, a [`Notice::Shadowed`] says so.
    pub fn resolve(
        &self,
        spec: &str,
        registry_flag: Option<&str>,
    ) -> Result<Resolved, RegistryError> {
        let implicit_folder = registry_flag.is_none() && self.is_folder(spec);
        if is_explicit_folder(spec) || implicit_folder {
            if let Some(flag) = registry_flag {
                return Err(RegistryError::FolderWithRegistry {
                    spec: spec.to_string(),
                    flag: flag.to_string(),
                });
            }
            let local = LocalSource::open(Path::new(spec))?;
            return Ok(Resolved {
                name: local.blueprint_name().to_string(),
                version: local.version().clone(),
                source: Box::new(local),
                shadowed: Vec::new(),
            });
        }
        let reference = BlueprintRef::parse(spec)?;
        let flag = match (reference.registry.as_deref(), registry_flag) {
            (Some(named), Some(flag)) if named != flag => {
                return Err(RegistryError::ConflictingRegistry {
                    spec: spec.to_string(),
                    named: named.to_string(),
                    flag: flag.to_string(),
                });
            }
            (Some(named), _) => Some(named),
            (None, flag) => flag,
        };
        let (mut sources, ranks) = match flag {
            Some(name) => (vec![self.open(name)?], vec![Rank::Configured(0)]),
            None => (self.all(), self.ranks()),
        };
        let choice = select::find(&sources, &ranks, &reference.name)?;
        let source = sources.swap_remove(choice.index);
        let version = source.resolve(&reference.name, &reference.req)?;
        if !choice.shadowed.is_empty() {
            self.options.reporter.notice(&Notice::Shadowed {
                used: format!("{}/{}", source.name(), reference.name),
                over: choice.shadowed.clone(),
            });
        }
        Ok(Resolved {
            source,
            name: reference.name,
            version,
            shadowed: choice.shadowed,
        })
    }

    /// The source a project was made from, by its `.pave.yaml`: `builtin`; the configured
    /// registry whose URL is the recorded one (so its name shows in messages); a blueprint
    /// folder recorded by path; else the recorded URL itself.
    pub fn open_recorded(
        &self,
        project: Origin<'_>,
    ) -> Result<Box<dyn BlueprintSource>, RegistryError> {
        let recorded = project.registry;
        if recorded == builtin::NAME {
            return Ok(Box::new(Builtin));
        }
        if let Some(name) = self.name_of_url(recorded) {
            return Ok(Box::new(self.git(name, recorded)));
        }
        let path = Path::new(recorded);
        if project.commit.is_none() && path.join("blueprint.yaml").is_file() {
            return Ok(Box::new(LocalSource::open(path)?));
        }
        Ok(Box::new(self.git(recorded, recorded)))
    }
}

/// The URL to transfer from: as given when it carries credentials (they are used for this
/// command only), else the stored form (credential-free, local paths made absolute).
fn transfer_url(url: &str) -> String {
    if RemoteUrl::parse(url).had_credentials() {
        url.to_string()
    } else {
        normalize_url(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::events::{Reporter, Silent};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    fn registries(cache: &Path, registries: &[(&str, &str)]) -> Registries {
        let mut config = Config::default();
        for (name, url) in registries {
            config.add(name, url, None).unwrap();
        }
        Registries::new(config, options(cache, Arc::new(Silent)))
    }

    fn options(cache: &Path, reporter: Arc<dyn Reporter>) -> GitOptions {
        GitOptions {
            cache_dir: cache.to_path_buf(),
            offline: true,
            fetch_interval: Duration::from_secs(300),
            interactive: false,
            reporter,
        }
    }

    fn project<'a>(registry: &'a str, commit: Option<&'a str>, version: &'a Version) -> Origin<'a> {
        Origin {
            registry,
            blueprint: "orders-api",
            version,
            commit,
        }
    }

    #[test]
    fn a_recorded_registry_reopens_by_its_configured_name_or_its_url() {
        let dir = tempfile::tempdir().unwrap();
        let regs = registries(
            dir.path(),
            &[("acme", "https://git.example/platform/blueprints.git")],
        );
        let open = |registry: &str, commit: Option<&str>| {
            let source = regs
                .open_recorded(project(registry, commit, &Version::new(1, 0, 0)))
                .unwrap();
            (source.name().to_string(), source.location())
        };
        assert_eq!(
            open("builtin", None),
            (String::from("builtin"), String::from("builtin"))
        );
        let url = "https://git.example/platform/blueprints.git";
        assert_eq!(
            open(url, Some("abc")),
            (String::from("acme"), url.to_string())
        );
        let other = "https://git.example/other.git";
        assert_eq!(
            open(other, Some("abc")),
            (other.to_string(), other.to_string())
        );
        // A blueprint folder recorded by its path is read from disk again.
        let folder = dir.path().join("bp");
        std::fs::create_dir_all(folder.join("template")).unwrap();
        std::fs::write(
            folder.join("blueprint.yaml"),
            "apiVersion: pave/v1\nname: orders-api\nversion: 1.0.0\nsummary: s\nparameters: []\n",
        )
        .unwrap();
        std::fs::write(folder.join("template/a.txt"), "a\n").unwrap();
        let (name, location) = open(&folder.display().to_string(), None);
        assert_eq!(location, folder.display().to_string());
        assert_eq!(name, folder.display().to_string());
    }

    #[test]
    fn registry_names_and_flags_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let regs = registries(dir.path(), &[("acme", "https://git.example/x.git")]);
        assert!(matches!(
            regs.open("nope"),
            Err(RegistryError::UnknownRegistry { .. })
        ));
        assert!(matches!(
            regs.resolve("acme/x", Some("team")),
            Err(RegistryError::ConflictingRegistry { .. })
        ));
        assert!(matches!(
            regs.resolve("./x", Some("acme")),
            Err(RegistryError::FolderWithRegistry { .. })
        ));
        assert_eq!(
            regs.open("https://git.example/x.git").unwrap().name(),
            "acme"
        );
        // Qualified names and bare names are never folders; an existing path is, unless its
        // first segment names a registry.
        let here = std::env::current_dir().unwrap();
        let rel = "src/registry";
        assert!(here.join(rel).is_dir());
        assert!(regs.is_folder(rel));
        assert!(!regs.is_folder("acme/registry"));
        assert!(!regs.is_folder("builtin/registry"));
        assert!(!regs.is_folder("src"));
    }

    #[derive(Default)]
    struct Recorder(Mutex<Vec<Notice>>);

    impl Reporter for Recorder {
        fn notice(&self, notice: &Notice) {
            if let Ok(mut all) = self.0.lock() {
                all.push(notice.clone());
            }
        }
    }

    #[test]
    fn a_qualified_builtin_name_says_nothing_about_shadowing() {
        let dir = tempfile::tempdir().unwrap();
        let recorder = Arc::new(Recorder::default());
        let regs = Registries::new(Config::default(), options(dir.path(), recorder.clone()));
        let resolved = regs.resolve("cloudfront-static-site", None).unwrap();
        assert_eq!(resolved.qualified(), "builtin/cloudfront-static-site");
        assert!(resolved.shadowed.is_empty());
        assert!(recorder.0.lock().unwrap().is_empty());
    }
}
