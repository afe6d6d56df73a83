//! Where blueprints come from. [`BlueprintSource`] is the seam: the built-in registry embedded
//! in the binary ([`builtin`]), a blueprint folder on disk ([`local`]), and git registries
//! ([`git`], with its [`cache`] and [`url`] handling). A source lists its index and
//! versions and loads a blueprint at a version. [`Registries`] is the one place that knows
//! which registries exist (builtin and the configured ones) and turns a command's blueprint
//! argument or a project's recorded registry into a source; [`select`] finds a blueprint among
//! several sources (configured ones shadow builtin, priorities order them) and [`integrity`]
//! checks a project's recorded commit against its tag.

pub mod builtin;
pub mod cache;
pub mod events;
pub mod git;
pub mod integrity;
pub mod local;
pub mod registries;
pub mod scaffold;
pub mod select;
pub use crate::url;

pub use registries::{Registries, Resolved};

use crate::blueprint::{Blueprint, BlueprintError};
use crate::error::{Classify, ErrorKind};
use crate::manifest::{FeedbackConfig, IndexEntry, ManifestError, RegistryIndex};
use semver::{Version, VersionReq};
use std::time::Duration;

/// Errors of finding and loading blueprints.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// No blueprint of that name.
    #[error("no blueprint `{name}` in registry `{registry}`{}", hint_suffix(.closest, .known))]
    UnknownBlueprint {
        /// The name asked for.
        name: String,
        /// The registry searched.
        registry: String,
        /// The closest known name.
        closest: Option<String>,
        /// All known names.
        known: Vec<String>,
    },
    /// No version satisfies the requirement.
    #[error("blueprint `{name}` has no version matching `{req}`; available: {}", if .available.is_empty() { String::from("none") } else { .available.join(", ") })]
    NoMatchingVersion {
        /// The blueprint.
        name: String,
        /// The requirement.
        req: String,
        /// What exists.
        available: Vec<String>,
    },
    /// `name@req` with a requirement that does not parse.
    #[error(
        "`{spec}` is not a valid version requirement: {reason} (examples: cloudfront-http-api@1.2.0, @^1.2, @~1.2, @*)"
    )]
    BadRequirement {
        /// The text given.
        spec: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The registry's index is invalid.
    #[error(transparent)]
    Index(#[from] ManifestError),
    /// The blueprint folder is invalid.
    #[error(transparent)]
    Blueprint(#[from] BlueprintError),
    /// The index and the blueprint disagree.
    #[error("{0}")]
    Inconsistent(String),
    /// Reading a local folder failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A git registry could not be used.
    #[error(transparent)]
    Git(#[from] git::GitError),
    /// A blueprint name found in several configured registries of the same priority.
    #[error("blueprint `{name}` is in several registries: {}", .qualified.join(", "))]
    Ambiguous {
        /// The name asked for.
        name: String,
        /// `<registry>/<blueprint>` for each registry holding it.
        qualified: Vec<String>,
    },
    /// A registry name that is neither `builtin` nor configured (a usage error).
    #[error("unknown registry `{name}`; known: {}", .known.join(", "))]
    UnknownRegistry {
        /// The name given.
        name: String,
        /// `builtin` and the configured names.
        known: Vec<String>,
    },
    /// The blueprint argument names one registry and `--registry` another (a usage error).
    #[error("`{spec}` names registry `{named}`, but --registry says `{flag}`; give one of them")]
    ConflictingRegistry {
        /// The blueprint argument.
        spec: String,
        /// The registry it names.
        named: String,
        /// What `--registry` says.
        flag: String,
    },
    /// A blueprint folder given together with `--registry` (a usage error).
    #[error("`{spec}` is a blueprint folder, which is read from disk, not from registry `{flag}`")]
    FolderWithRegistry {
        /// The folder given.
        spec: String,
        /// What `--registry` says.
        flag: String,
    },
    /// Every version matching the requirement is a broken release.
    #[error("blueprint `{name}` in registry `{registry}` has no usable version matching `{req}`: {}", .broken.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    OnlyBroken {
        /// The blueprint.
        name: String,
        /// The registry.
        registry: String,
        /// The requirement.
        req: String,
        /// The broken releases it matched.
        broken: Vec<BrokenVersion>,
    },
    /// Every version matching the requirement was yanked (and the requirement does not pin
    /// one exactly).
    #[error("blueprint `{name}` in registry `{registry}` has no version matching `{req}` that is not yanked: {}", .yanked.iter().map(|(v, why)| format!("{v} was yanked ({why})")).collect::<Vec<_>>().join("; "))]
    OnlyYanked {
        /// The blueprint.
        name: String,
        /// The registry.
        registry: String,
        /// The requirement.
        req: String,
        /// The yanked versions it matched, each with the reason.
        yanked: Vec<(Version, String)>,
    },
    /// The registry's `registry.yaml` names no feedback sink (and the user's config neither).
    #[error(
        "registry `{registry}` names no feedback sink (no `feedback:` in its registry.yaml or in your config)"
    )]
    NoFeedbackSink {
        /// The registry.
        registry: String,
    },
    /// A miss (no such blueprint, version or feedback sink) answered from caches that
    /// `--offline` kept from being fetched: the registry may hold it by now.
    #[error("{miss} (--offline: {})", .stale.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Offline {
        /// What was missing.
        miss: Box<RegistryError>,
        /// The caches it was read from, with their age.
        stale: Vec<StaleCache>,
    },
    /// A registry could not be searched for a blueprint, so the name's owner is unknown.
    #[error("cannot tell whether registry `{registry}` holds `{name}`: {cause}{}", .found.as_ref().map(|f| format!("\n  hint: name the registry to skip this one: `{f}`")).unwrap_or_default())]
    Unsearchable {
        /// The registry that failed.
        registry: String,
        /// The blueprint asked for.
        name: String,
        /// Where the blueprint was found, qualified, if somewhere.
        found: Option<String>,
        /// Why it failed.
        cause: Box<RegistryError>,
    },
}

fn hint_suffix(closest: &Option<String>, known: &[String]) -> String {
    match closest {
        Some(c) => format!("; did you mean `{c}`?"),
        None if known.is_empty() => String::from("; the registry is empty"),
        None => format!("; known: {}", known.join(", ")),
    }
}

/// A git registry's cache that answered a miss without being fetched in this run
/// (`--offline`), and how old it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleCache {
    /// The registry's name.
    pub registry: String,
    /// Time since its last fetch, when known.
    pub age: Option<Duration>,
}

impl std::fmt::Display for StaleCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.age {
            Some(age) => write!(
                f,
                "registry `{}` from a cache fetched {} ago",
                self.registry,
                events::human_duration(age)
            ),
            None => write!(
                f,
                "registry `{}` from a cache fetched at an unknown time",
                self.registry
            ),
        }
    }
}

impl RegistryError {
    /// `miss` as it is, or, when some of `stale` were not fetched for it, with how old they
    /// are (and a hint to sync them).
    pub fn with_stale(self, stale: Vec<StaleCache>) -> Self {
        if stale.is_empty() {
            self
        } else {
            RegistryError::Offline {
                miss: Box::new(self),
                stale,
            }
        }
    }

    /// The miss itself, with or without the caches' age.
    pub fn miss(&self) -> &RegistryError {
        match self {
            RegistryError::Offline { miss, .. } => miss,
            other => other,
        }
    }
}

/// A release that cannot be installed: its tag and its manifest disagree (or the manifest
/// cannot be read). Listed as broken, never resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenVersion {
    /// The version its tag says.
    pub version: Version,
    /// What is wrong, e.g. `blueprint.yaml at the tag says version 1.2.0`.
    pub reason: String,
}

impl std::fmt::Display for BrokenVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is broken ({})", self.version, self.reason)
    }
}

/// A blueprint loaded at a version, with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The blueprint.
    pub blueprint: Blueprint,
    /// The registry's location as recorded in `.pave.yaml` (`builtin`, a URL without
    /// credentials, or a folder).
    pub registry: String,
    /// The git commit the version was read from, for git sources.
    pub commit: Option<String>,
}

/// A place blueprints come from.
pub trait BlueprintSource {
    /// The registry's name in messages and qualified names (`builtin`, a configured name,
    /// else its URL without credentials): every warning and notice names a registry by it.
    fn name(&self) -> &str;
    /// The index.
    fn index(&self) -> Result<RegistryIndex, RegistryError>;
    /// Every usable released version of a blueprint, oldest first (never a broken one).
    fn versions(&self, blueprint: &str) -> Result<Vec<Version>, RegistryError>;
    /// The blueprint at a version.
    fn load(&self, blueprint: &str, version: &Version) -> Result<Loaded, RegistryError>;

    /// The index entry of a blueprint, or an error naming the closest known one.
    fn entry(&self, blueprint: &str) -> Result<IndexEntry, RegistryError> {
        let index = self.index()?;
        find_entry(self.name(), &index, blueprint)
    }

    /// Brings the source up to date when something asked for was missing (a git registry
    /// fetches, at most once per process); whether anything was done. Others do nothing.
    fn refresh(&self) -> Result<bool, RegistryError> {
        Ok(false)
    }

    /// After a miss: the cache the answer came from, when it may be behind the registry (a
    /// git registry read `--offline`). Other sources are always current.
    fn stale_cache(&self) -> Option<StaleCache> {
        None
    }

    /// The registry's feedback sink (`feedback:` in `registry.yaml`). When the index names
    /// none, the source is refreshed once (the sink may have been added since the last fetch)
    /// and read again; then [`RegistryError::NoFeedbackSink`], with the cache's age when it
    /// could not be fetched.
    fn feedback_sink(&self) -> Result<FeedbackConfig, RegistryError> {
        let mut found = self.index()?.feedback;
        if found.is_none() && self.refresh()? {
            found = self.index()?.feedback;
        }
        found.ok_or_else(|| {
            RegistryError::NoFeedbackSink {
                registry: self.name().to_string(),
            }
            .with_stale(self.stale_cache().into_iter().collect())
        })
    }

    /// Releases of a blueprint that cannot be installed (a git tag whose `blueprint.yaml`
    /// holds another version), oldest first. Other sources have none.
    fn broken(&self, _blueprint: &str) -> Result<Vec<BrokenVersion>, RegistryError> {
        Ok(Vec::new())
    }

    /// The commit a version was released at, for sources that have commits (git).
    fn commit(
        &self,
        _blueprint: &str,
        _version: &Version,
    ) -> Result<Option<String>, RegistryError> {
        Ok(None)
    }

    /// The version as released at `commit` (what a project recorded), whatever its tag says
    /// now: `Ok(None)` when the source has no such commit, or no commits at all (only git
    /// sources have them).
    fn load_at_commit(
        &self,
        _blueprint: &str,
        _version: &Version,
        _commit: &str,
    ) -> Result<Option<Loaded>, RegistryError> {
        Ok(None)
    }

    /// The registry's location as recorded in `.pave.yaml` (`builtin`, a URL without
    /// credentials).
    fn location(&self) -> String {
        self.name().to_string()
    }

    /// The newest usable version matching `req` (pre-releases only when `req` names one).
    /// When none matches, the source is refreshed once (a version may have been released
    /// since the last fetch) and asked again; when only broken releases match, the error
    /// says why each is broken.
    ///
    /// A yanked version is chosen only when `req` pins it exactly (`=1.2.0`); when only
    /// yanked versions match, the error lists them with their reasons.
    fn resolve(&self, blueprint: &str, req: &VersionReq) -> Result<Version, RegistryError> {
        let mut usable = Usable::of(self, blueprint, req)?;
        let mut picked = pick_version(blueprint, req, &usable.versions);
        if matches!(picked, Err(RegistryError::NoMatchingVersion { .. })) && self.refresh()? {
            usable = Usable::of(self, blueprint, req)?;
            picked = pick_version(blueprint, req, &usable.versions);
        }
        let yanked: Vec<(Version, String)> = usable
            .yanked
            .into_iter()
            .filter(|(v, _)| req.matches(v))
            .collect();
        if picked.is_err() && !yanked.is_empty() {
            return Err(RegistryError::OnlyYanked {
                name: blueprint.to_string(),
                registry: self.name().to_string(),
                req: req.to_string(),
                yanked,
            }
            .with_stale(self.stale_cache().into_iter().collect()));
        }
        match picked {
            Err(e @ RegistryError::NoMatchingVersion { .. }) => {
                let broken: Vec<BrokenVersion> = self
                    .broken(blueprint)?
                    .into_iter()
                    .filter(|b| req.matches(&b.version))
                    .collect();
                let miss = if broken.is_empty() {
                    e
                } else {
                    RegistryError::OnlyBroken {
                        name: blueprint.to_string(),
                        registry: self.name().to_string(),
                        req: req.to_string(),
                        broken,
                    }
                };
                Err(miss.with_stale(self.stale_cache().into_iter().collect()))
            }
            other => other,
        }
    }
}

/// A blueprint's versions a requirement may resolve to, and the yanked ones left out.
struct Usable {
    versions: Vec<Version>,
    yanked: Vec<(Version, String)>,
}

impl Usable {
    /// Every version of `blueprint` in `source`, less the yanked ones unless `req` pins one
    /// exactly.
    fn of<S: BlueprintSource + ?Sized>(
        source: &S,
        blueprint: &str,
        req: &VersionReq,
    ) -> Result<Self, RegistryError> {
        let versions = source.versions(blueprint)?;
        let entry = match source.entry(blueprint) {
            Ok(entry) => Some(entry),
            Err(RegistryError::UnknownBlueprint { .. }) => None,
            Err(e) => return Err(e),
        };
        let Some(entry) = entry.filter(|_| !is_exact_pin(req)) else {
            return Ok(Usable {
                versions,
                yanked: Vec::new(),
            });
        };
        let (yanked, kept): (Vec<Version>, Vec<Version>) =
            versions.into_iter().partition(|v| entry.is_yanked(v));
        Ok(Usable {
            versions: kept,
            yanked: yanked
                .into_iter()
                .map(|v| {
                    let why = entry.yank(&v).map(|y| y.reason.clone()).unwrap_or_default();
                    (v, why)
                })
                .collect(),
        })
    }
}

/// The entry named `blueprint` in `index`, or an error naming the closest known one.
pub fn find_entry(
    registry: &str,
    index: &RegistryIndex,
    blueprint: &str,
) -> Result<IndexEntry, RegistryError> {
    if let Some(entry) = index.blueprints.iter().find(|e| e.name == blueprint) {
        return Ok(entry.clone());
    }
    let known: Vec<String> = index.blueprints.iter().map(|e| e.name.clone()).collect();
    Err(RegistryError::UnknownBlueprint {
        name: blueprint.to_string(),
        registry: registry.to_string(),
        closest: crate::yaml::closest(blueprint, known.iter().map(String::as_str))
            .map(str::to_string),
        known,
    })
}

/// Whether `req` pins one exact version (`=1.2.0`), the only way to resolve a yanked one.
pub fn is_exact_pin(req: &VersionReq) -> bool {
    matches!(req.comparators.as_slice(), [c] if c.op == semver::Op::Exact && c.minor.is_some() && c.patch.is_some())
}

/// The newest of `versions` that matches `req`.
pub fn pick_version(
    blueprint: &str,
    req: &VersionReq,
    versions: &[Version],
) -> Result<Version, RegistryError> {
    versions
        .iter()
        .filter(|v| req.matches(v))
        .max()
        .cloned()
        .ok_or_else(|| RegistryError::NoMatchingVersion {
            name: blueprint.to_string(),
            req: req.to_string(),
            available: versions.iter().map(Version::to_string).collect(),
        })
}

/// A blueprint reference from the command line: `name`, `name@req`, `registry/name@req`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlueprintRef {
    /// The registry named in the reference, if any.
    pub registry: Option<String>,
    /// The blueprint's name.
    pub name: String,
    /// The version requirement (`*` when none was given).
    pub req: VersionReq,
}

impl BlueprintRef {
    /// Parses `[registry/]name[@req]`.
    pub fn parse(spec: &str) -> Result<Self, RegistryError> {
        let (path, req) = match spec.split_once('@') {
            Some((path, req)) => {
                let parsed = VersionReq::parse(req).map_err(|e| RegistryError::BadRequirement {
                    // A URL pasted here could carry a token.
                    spec: url::redact_url(spec),
                    reason: e.to_string(),
                })?;
                (path, parsed)
            }
            None => (spec, VersionReq::STAR),
        };
        let (registry, name) = match path.split_once('/') {
            Some((registry, name)) => (Some(registry.to_string()), name.to_string()),
            None => (None, path.to_string()),
        };
        Ok(BlueprintRef {
            registry,
            name,
            req,
        })
    }
}

impl Classify for RegistryError {
    fn kind(&self) -> ErrorKind {
        match self {
            RegistryError::Offline { miss, .. } => miss.kind(),
            RegistryError::NoFeedbackSink { .. } => ErrorKind::Usage,
            RegistryError::BadRequirement { .. }
            | RegistryError::UnknownRegistry { .. }
            | RegistryError::ConflictingRegistry { .. }
            | RegistryError::FolderWithRegistry { .. } => ErrorKind::Usage,
            RegistryError::Index(e) => e.kind(),
            RegistryError::Blueprint(e) => e.kind(),
            RegistryError::Git(e) => e.kind(),
            RegistryError::UnknownBlueprint { .. }
            | RegistryError::NoMatchingVersion { .. }
            | RegistryError::Inconsistent(_)
            | RegistryError::Io(_)
            | RegistryError::Ambiguous { .. }
            | RegistryError::Unsearchable { .. }
            | RegistryError::OnlyBroken { .. }
            | RegistryError::OnlyYanked { .. } => ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            RegistryError::UnknownBlueprint {
                closest: Some(c), ..
            } => Some(format!("did you mean `{c}`?")),
            RegistryError::UnknownBlueprint { known, .. } if known.is_empty() => None,
            RegistryError::UnknownBlueprint { known, .. } => {
                Some(format!("known: {}", known.join(", ")))
            }
            RegistryError::NoMatchingVersion { available, .. } if !available.is_empty() => {
                Some(format!("available versions: {}", available.join(", ")))
            }
            RegistryError::BadRequirement { .. } => Some(String::from(
                "examples: cloudfront-http-api@1.2.0, @^1.2, @~1.2, @*",
            )),
            RegistryError::Ambiguous { qualified, .. } => Some(format!(
                "name the one you mean (e.g. `{}`), pass --registry, or give the registries an order (`pave registry add <name> <url> --priority N`: the higher wins)",
                qualified.first().map(String::as_str).unwrap_or("")
            )),
            RegistryError::Unsearchable { found: Some(f), .. } => {
                Some(format!("name the registry to skip this one: `{f}`"))
            }
            RegistryError::Unsearchable { cause, .. } => cause.hint(),
            RegistryError::FolderWithRegistry { .. } => {
                Some(String::from("drop --registry, or name a blueprint"))
            }
            RegistryError::UnknownRegistry { name, known } => Some(
                match crate::yaml::closest(name, known.iter().map(String::as_str)) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("add it with `pave registry add {name} <git-url>`, or pass a git URL"),
                },
            ),
            RegistryError::OnlyYanked { name, yanked, .. } => yanked.last().map(|(v, _)| {
                format!("a yanked version is used only when pinned exactly: `{name}@={v}`; better, pick a version that is not yanked")
            }),
            RegistryError::Offline { stale, .. } => {
                let names: Vec<&str> = stale.iter().map(|s| s.registry.as_str()).collect();
                let command = match names.as_slice() {
                    [one] => format!("pave registry sync {one}"),
                    _ => String::from("pave registry sync"),
                };
                Some(format!(
                    "run `{command}` while online to see what was published since, or drop --offline"
                ))
            }
            RegistryError::NoFeedbackSink { registry } => Some(format!(
                "add `feedback:` to its registry.yaml, or set `feedback: {{{registry}: {{sink: http, url: ..., token_env: ...}}}}` in your config"
            )),
            RegistryError::Index(e) => e.hint(),
            RegistryError::Blueprint(e) => e.hint(),
            RegistryError::Git(e) => e.hint(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offline_miss_names_each_cache_and_how_to_fetch_it() {
        let miss = || RegistryError::NoFeedbackSink {
            registry: String::from("acme"),
        };
        assert!(matches!(
            miss().with_stale(Vec::new()),
            RegistryError::NoFeedbackSink { .. }
        ));
        let cache = |name: &str, secs: Option<u64>| StaleCache {
            registry: name.to_string(),
            age: secs.map(Duration::from_secs),
        };
        let one = miss().with_stale(vec![cache("acme", Some(300))]);
        assert!(matches!(one.miss(), RegistryError::NoFeedbackSink { .. }));
        assert_eq!(one.kind(), ErrorKind::Usage);
        assert!(
            one.to_string()
                .ends_with("(--offline: registry `acme` from a cache fetched 5 minutes ago)"),
            "{one}"
        );
        assert!(
            one.hint()
                .is_some_and(|h| h.starts_with("run `pave registry sync acme` while online")),
            "{one}"
        );
        let two = miss().with_stale(vec![cache("acme", Some(300)), cache("team", None)]);
        assert!(
            two.to_string().ends_with(
                "(--offline: registry `acme` from a cache fetched 5 minutes ago; registry `team` from a cache fetched at an unknown time)"
            ),
            "{two}"
        );
        assert!(
            two.hint()
                .is_some_and(|h| h.starts_with("run `pave registry sync` while online")),
            "{two}"
        );
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn picks_newest_matching_and_skips_prereleases() {
        let all = [v("1.0.0"), v("1.1.0"), v("2.0.0-rc.1")];
        let pick = |r: &str| {
            pick_version("b", &VersionReq::parse(r).unwrap(), &all).map(|v| v.to_string())
        };
        assert_eq!(pick("*").unwrap(), "1.1.0");
        assert_eq!(pick("^1.0").unwrap(), "1.1.0");
        assert_eq!(pick("~1.0").unwrap(), "1.0.0");
        assert_eq!(pick("=1.0.0").unwrap(), "1.0.0");
        assert_eq!(pick("^2.0.0-rc.1").unwrap(), "2.0.0-rc.1");
        let err = pick("^3").unwrap_err().to_string();
        assert!(err.contains("available: 1.0.0, 1.1.0, 2.0.0-rc.1"), "{err}");
    }

    #[test]
    fn only_an_exact_full_version_is_a_pin() {
        let pin = |s: &str| is_exact_pin(&VersionReq::parse(s).unwrap());
        assert!(pin("=1.2.0"));
        assert!(!pin("1.2.0"), "caret");
        assert!(!pin("=1.2"), "a range of patches");
        assert!(!pin("*"));
        assert!(!pin(">=1.2.0, <2"));
    }

    #[test]
    fn parses_references() {
        let r = BlueprintRef::parse("acme/api@^1.2").unwrap();
        assert_eq!(r.registry.as_deref(), Some("acme"));
        assert_eq!(r.name, "api");
        assert_eq!(r.req, VersionReq::parse("^1.2").unwrap());
        assert!(BlueprintRef::parse("api@not-a-version").is_err());
        let err = BlueprintRef::parse("https://me:secret-token@host/x.git")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret-token"), "{err}");
    }
}
