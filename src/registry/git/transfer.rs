//! The network side of a git registry, over libgit2: fetching branches and tags into a bare
//! clone ([`Endpoint::fetch`]) and pushing refs to it ([`Endpoint::push`]). Both use the same
//! credentials from [`Attempt`] (each tried once) and report progress to the [`Reporter`].
//! libgit2 is only ever given the credential-free URL, and its messages are scrubbed.
//! libgit2 speaks `git://` and `file://` itself; `http(s)://` goes through [`super::http`]
//! (reqwest) and ssh URLs through the system ssh program ([`super::ssh`]), both registered
//! with libgit2 once ([`prepare_libgit2`]) before any remote connects.

use super::GitError;
use crate::registry::auth::{Attempt, AuthOptions};
use crate::registry::events::{Reporter, TransferKind, TransferProgress};
use crate::url::{RemoteUrl, scrub};
use git2::{ErrorCode, Repository};
use std::cell::RefCell;
use std::sync::Once;

/// The refs a registry clone holds: branches (for `registry.yaml` at the default branch) and
/// tags (the versions).
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// The URL schemes libgit2 hands to [`super::ssh`]. libgit2 also sends every scp-like
/// `[user@]host:path` to the transport registered for `ssh`.
const SSH_SCHEMES: [&str; 3] = ["ssh", "ssh+git", "git+ssh"];

/// A registry's remote end: its name (for messages), URL, credentials and reporter.
pub(crate) struct Endpoint<'a> {
    /// The registry's name.
    pub name: &'a str,
    /// Its URL (credentials, if any, are used for authentication only).
    pub url: &'a RemoteUrl,
    /// Where credentials come from.
    pub auth: &'a AuthOptions,
    /// Who hears about progress.
    pub reporter: &'a dyn Reporter,
}

/// How the server answered for one pushed ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushStatus {
    /// The remote ref, e.g. `refs/tags/orders-api/v1.2.0`.
    pub reference: String,
    /// `None` when the ref was updated; the server's reason when it was refused.
    pub rejected: Option<String>,
}

/// Sets libgit2 up, once per process: pave's transports (HTTP and HTTPS over reqwest, ssh
/// through the system ssh program), and an object cache that keeps large trees (a registry's
/// `blueprints/` tree is read once per tag otherwise; libgit2 caches trees up to 4 KiB only).
/// Objects read from the cache are not hashed again (they were checked when fetched), as git
/// itself reads them. Call it before any remote connects or a cache is read.
pub(crate) fn prepare_libgit2() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // SAFETY: as for `register` below: this runs once, before any libgit2 use in pave.
        #[allow(unsafe_code)]
        let limit = unsafe { git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 1 << 20) };
        drop(limit);
        let http = ["http", "https"].map(|s| (s, super::http::factory as Factory));
        let ssh = SSH_SCHEMES.map(|s| (s, super::ssh::factory as Factory));
        for (scheme, factory) in http.into_iter().chain(ssh) {
            // SAFETY: `git2::transport::register` is unsafe only because libgit2's list of
            // transports is not locked: registering must not race with another registration
            // or with a remote looking a transport up. `Once` makes this the only place that
            // registers and runs it to completion before its first caller goes on, and every
            // path that creates a remote in pave calls this first, so no lookup can run
            // concurrently with it. The factories are plain `fn`s, `Send + Sync + 'static`.
            #[allow(unsafe_code)]
            let registered = unsafe { git2::transport::register(scheme, factory) };
            // Registering fails only for a scheme already registered, which `Once` rules out;
            // should it fail anyway, libgit2 says "unsupported URL protocol" at connect time.
            drop(registered);
        }
    });
}

/// A libgit2 transport factory.
type Factory = fn(&git2::Remote<'_>) -> Result<git2::transport::Transport, git2::Error>;

impl<'a> Endpoint<'a> {
    /// The callbacks every transfer uses: progress.
    fn callbacks(&self) -> git2::RemoteCallbacks<'_> {
        let mut callbacks = git2::RemoteCallbacks::new();
        callbacks.transfer_progress(|p| {
            self.reporter.transfer_progress(
                self.name,
                &TransferProgress {
                    total_objects: p.total_objects(),
                    received_objects: p.received_objects(),
                    indexed_objects: p.indexed_objects(),
                    received_bytes: p.received_bytes(),
                },
            );
            true
        });
        callbacks
    }

    /// A failed transfer as an error: authentication when credentials were refused, else
    /// unreachable.
    fn failure(&self, attempt: &Attempt, e: &git2::Error) -> GitError {
        if e.code() == ErrorCode::Auth || attempt.exhausted() {
            GitError::Auth {
                registry: self.name.to_string(),
                url: self.url.clean().to_string(),
                tried: attempt.tried(),
                cause: scrub(e.message(), self.url),
            }
        } else {
            self.unreachable(e)
        }
    }

    fn unreachable(&self, e: &git2::Error) -> GitError {
        GitError::Unreachable {
            registry: self.name.to_string(),
            url: self.url.clean().to_string(),
            cause: scrub(e.message(), self.url),
        }
    }

    fn git_error(&self, what: &str, e: &git2::Error) -> GitError {
        GitError::Git {
            registry: self.name.to_string(),
            url: self.url.clean().to_string(),
            what: what.to_string(),
            cause: scrub(e.message(), self.url),
        }
    }

    /// Downloads branches and tags into `repo` (pruning what the server deleted) and points its
    /// HEAD at the remote's default branch.
    pub(crate) fn fetch(&self, repo: &Repository, kind: TransferKind) -> Result<(), GitError> {
        prepare_libgit2();
        let attempt = Attempt::new(self.url, self.auth);
        let mut fetch = git2::FetchOptions::new();
        fetch
            .remote_callbacks(self.callbacks())
            .download_tags(git2::AutotagOption::None)
            .update_fetchhead(false)
            .prune(git2::FetchPrune::On);
        let mut remote = repo
            .remote_anonymous(self.url.clean())
            .map_err(|e| self.unreachable(&e))?;
        self.reporter
            .transfer_started(self.name, self.url.clean(), kind);
        let result = attempt.run(|| remote.fetch(&REFSPECS, Some(&mut fetch), Some("pave: fetch")));
        self.reporter.transfer_finished(self.name);
        drop(fetch);
        if let Err(e) = result {
            return Err(self.failure(&attempt, &e));
        }
        let default = remote
            .default_branch()
            .ok()
            .and_then(|b| b.as_str().ok().map(str::to_string));
        set_head(repo, default.as_deref()).map_err(|e| self.git_error("cannot set HEAD", &e))?;
        // Packed refs make listing thousands of tags one file read.
        repo.refdb_compress()
            .map_err(|e| self.git_error("cannot pack refs", &e))?;
        Ok(())
    }

    /// Pushes `refspecs` (e.g. `refs/tags/x/v1.0.0:refs/tags/x/v1.0.0`) from `repo`, with the
    /// same credentials and progress as a fetch. The server accepts or refuses each ref on its
    /// own: the result says, per ref, which; a transfer that fails as a whole is an error.
    pub(crate) fn push(
        &self,
        repo: &Repository,
        refspecs: &[&str],
    ) -> Result<Vec<PushStatus>, PushFailure> {
        prepare_libgit2();
        let attempt = Attempt::new(self.url, self.auth);
        let failed = |e: &git2::Error| PushFailure {
            cause: scrub(e.message(), self.url),
            auth: e.code() == ErrorCode::Auth || attempt.exhausted(),
            stale: e.code() == ErrorCode::NotFastForward,
            tried: attempt.tried(),
        };
        let statuses: RefCell<Vec<PushStatus>> = RefCell::new(Vec::new());
        let mut callbacks = self.callbacks();
        callbacks.push_update_reference(|reference, rejected| {
            statuses.borrow_mut().push(PushStatus {
                reference: reference.to_string(),
                rejected: rejected.map(|r| scrub(r, self.url)),
            });
            Ok(())
        });
        let mut push = git2::PushOptions::new();
        push.remote_callbacks(callbacks);
        let mut remote = repo
            .remote_anonymous(self.url.clean())
            .map_err(|e| failed(&e))?;
        self.reporter
            .transfer_started(self.name, self.url.clean(), TransferKind::Push);
        let result = attempt.run(|| remote.push(refspecs, Some(&mut push)));
        self.reporter.transfer_finished(self.name);
        drop(push);
        result.map_err(|e| failed(&e))?;
        Ok(statuses.into_inner())
    }
}

/// Why a push failed as a whole (a ref the server refused is in the `Ok` value instead).
#[derive(Debug)]
pub(crate) struct PushFailure {
    /// What libgit2 said, without credentials.
    pub cause: String,
    /// Whether the credentials were refused or ran out.
    pub auth: bool,
    /// Whether a remote ref moved since the fetch (the push would not fast-forward).
    pub stale: bool,
    /// The credentials tried, by name.
    pub tried: Vec<String>,
}

/// Points HEAD at `default` (the remote's default branch) or, failing that, at `main`,
/// `master` or the only branch.
fn set_head(repo: &Repository, default: Option<&str>) -> Result<(), git2::Error> {
    let exists = |name: &str| repo.find_reference(name).is_ok();
    let chosen = match default {
        Some(name) if exists(name) => Some(name.to_string()),
        _ => ["refs/heads/main", "refs/heads/master"]
            .iter()
            .find(|n| exists(n))
            .map(|n| n.to_string())
            .or_else(|| {
                let mut names = Vec::new();
                if let Ok(refs) = repo.references_glob("refs/heads/*") {
                    for r in refs.flatten() {
                        if let Ok(n) = r.name() {
                            names.push(n.to_string());
                        }
                    }
                }
                names.sort();
                names.into_iter().next()
            }),
    };
    match chosen {
        Some(name) => repo.set_head(&name),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::events::Silent;

    fn commit(repo: &Repository) -> git2::Oid {
        let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let tree = repo.find_tree(tree).unwrap();
        repo.commit(Some("refs/heads/main"), &sig, &sig, "c", &tree, &[])
            .unwrap()
    }

    #[test]
    fn push_reports_each_ref_and_fetch_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let server = Repository::init_bare(dir.path().join("server.git")).unwrap();
        let work = Repository::init(dir.path().join("work")).unwrap();
        let id = commit(&work);
        work.reference("refs/tags/x/v1.0.0", id, false, "tag")
            .unwrap();
        let url = RemoteUrl::parse(&server.path().display().to_string());
        let auth = AuthOptions::from_env(None);
        let endpoint = Endpoint {
            name: "t",
            url: &url,
            auth: &auth,
            reporter: &Silent,
        };
        let statuses = endpoint
            .push(
                &work,
                &[
                    "refs/heads/main:refs/heads/main",
                    "refs/tags/x/v1.0.0:refs/tags/x/v1.0.0",
                ],
            )
            .unwrap();
        assert_eq!(statuses.len(), 2, "{statuses:?}");
        assert!(
            statuses.iter().all(|s| s.rejected.is_none()),
            "{statuses:?}"
        );
        assert_eq!(
            server
                .find_reference("refs/tags/x/v1.0.0")
                .unwrap()
                .target(),
            Some(id)
        );
        let clone = Repository::init_bare(dir.path().join("clone.git")).unwrap();
        endpoint.fetch(&clone, TransferKind::Fetch).unwrap();
        assert!(clone.find_reference("refs/tags/x/v1.0.0").is_ok());
        assert_eq!(clone.head().unwrap().name().ok(), Some("refs/heads/main"));
    }
}
