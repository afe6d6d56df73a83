//! Why a git registry could not be used ([`GitError`]). Every URL in these errors is the
//! credential-free form, and every message from git, libgit2 or a server went through
//! [`crate::url::scrub`].

use crate::registry::cache::CacheError;
use std::path::PathBuf;

/// What a repository must hold to be a registry, as told to the user.
pub const LAYOUT: &str = "a registry holds `registry.yaml` at its root (apiVersion: pave/v1, name, and a `blueprints:` list of name, path, summary), each blueprint in `blueprints/<name>/blueprint.yaml` beside its `template/`, and each version as a tag `<name>/v<semver>` (e.g. `orders-api/v1.2.0`)";

/// Why a git registry could not be used. Every URL in these is without credentials.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The server could not be reached (or refused), and there is no cache to fall back on.
    #[error("cannot reach registry `{registry}` at {url}: {cause}")]
    Unreachable {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// What went wrong.
        cause: String,
    },
    /// The `git` program, which every transfer runs, could not be started.
    #[error(
        "registry `{registry}` ({url}) needs the `git` program, which could not be run ({cause}); install git or put it on PATH (the built-in registry needs no git)"
    )]
    NoGit {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// Why it could not be run.
        cause: String,
    },
    /// Every credential was refused.
    #[error("authentication to {url} failed (registry `{registry}`); tried: {}; cause: {cause}", if .tried.is_empty() { String::from("nothing") } else { .tried.join(", ") })]
    Auth {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// What was tried, by name.
        tried: Vec<String>,
        /// What the server or libgit2 said.
        cause: String,
    },
    /// Offline, and never cached.
    #[error(
        "registry `{registry}` ({url}) is not in the cache, and working offline forbids fetching it"
    )]
    OfflineNoCache {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
    },
    /// The cached copy is damaged and could not be replaced.
    #[error("the cached copy of registry `{registry}` ({url}) at {} is damaged: {cause}{}", path.display(), if *.offline { "; working offline forbids cloning it again" } else { "" })]
    Damaged {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// The cache entry.
        path: PathBuf,
        /// What is wrong.
        cause: String,
        /// Whether re-cloning was forbidden.
        offline: bool,
    },
    /// The repository has no `registry.yaml` on its default branch.
    #[error(
        "registry `{registry}` ({url}) has no registry.yaml on its default branch{}, so it is not a pave registry; {LAYOUT}",
        .detail
    )]
    NoIndex {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// More about what was found.
        detail: String,
    },
    /// A libgit2 operation on the cache failed.
    #[error("registry `{registry}` ({url}): {what}: {cause}")]
    Git {
        /// The registry's name.
        registry: String,
        /// Its URL.
        url: String,
        /// What was being done.
        what: String,
        /// libgit2's message.
        cause: String,
    },
    /// The cache could not be read or written.
    #[error(transparent)]
    Cache(#[from] CacheError),
}
