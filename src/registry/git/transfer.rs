//! The network side of a git registry, through the `git` program (as git's own users expect:
//! its proxy, certificate, ssh, header, credential helper and `insteadOf` settings all apply):
//! cloning into the cache ([`Endpoint::clone_into`]), fetching branches and tags into it
//! ([`Endpoint::fetch`]) and pushing refs from it, atomically when asked ([`Endpoint::push`]).
//!
//! git is given the credential-free URL only. Credentials come from git's own mechanisms;
//! pave adds one credential helper (a shell function reading the child's environment) that
//! answers with the password a URL carried, else with `PAVE_GIT_TOKEN`: no secret is ever on
//! a command line or in a file. Without a terminal git never prompts (`GIT_TERMINAL_PROMPT=0`)
//! and, unless the user chose an ssh program (`GIT_SSH_COMMAND`, `core.sshCommand`, `GIT_SSH`),
//! ssh runs with `-o BatchMode=yes`. git's progress lines go to the [`Reporter`]; every other
//! line of its output is kept (with credentials scrubbed) for messages.

use super::GitError;
use crate::registry::events::{Reporter, TransferKind, TransferProgress};
use crate::url::{RemoteUrl, redact_url, scrub};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// Environment variable holding a token for https registries.
pub const TOKEN_ENV: &str = "PAVE_GIT_TOKEN";

/// What an ssh authentication failure says was tried: pave gives no credentials of its own to
/// ssh, the program uses its agent, keys and config.
const SSH_TRIED: &str = "the ssh program (its agent, keys and config)";

/// The user name and password a URL carried, in git's environment only (read by [`HELPER`]).
const URL_USER_ENV: &str = "PAVE_GIT_URL_USER";
const URL_PASSWORD_ENV: &str = "PAVE_GIT_URL_PASSWORD";

/// pave's credential helper: on `get`, the URL's credentials when it carried some, else
/// `PAVE_GIT_TOKEN` (as `x-access-token` unless git already has a user name), else nothing.
const HELPER: &str = "!f() { test \"$1\" = get || return 0; u=; \
while IFS= read -r l && test -n \"$l\"; do case \"$l\" in username=*) u=1 ;; esac; done; \
if test -n \"$PAVE_GIT_URL_PASSWORD\"; then echo \"username=$PAVE_GIT_URL_USER\"; \
echo \"password=$PAVE_GIT_URL_PASSWORD\"; \
elif test -n \"$PAVE_GIT_TOKEN\"; then test -n \"$u\" || echo username=x-access-token; \
echo \"password=$PAVE_GIT_TOKEN\"; fi; }; f";

/// The refs a registry clone holds: branches (for `registry.yaml` at the default branch) and
/// tags (the versions).
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// Variables of pave's own environment that would point git at another repository.
const REPO_VARS: [&str; 7] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
];

/// A registry's remote end: its name (for messages), URL and reporter.
pub(crate) struct Endpoint<'a> {
    /// The registry's name.
    pub name: &'a str,
    /// Its URL (credentials, if any, are used for authentication only).
    pub url: &'a RemoteUrl,
    /// Whether git may ask on the terminal.
    pub interactive: bool,
    /// Who hears about progress.
    pub reporter: &'a dyn Reporter,
}

/// How the server answered for one pushed ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushStatus {
    /// The remote ref, e.g. `refs/tags/orders-api/v1.2.0`.
    pub reference: String,
    /// `None` when the ref was updated; the reason git gives when it was refused.
    pub rejected: Option<String>,
}

/// How a push went: each ref's status, and what the server said (its `remote:` lines, e.g.
/// a hook's explanation; empty when it said nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pushed {
    pub statuses: Vec<PushStatus>,
    pub server: String,
}

/// Why a push failed as a whole (a ref the server refused is in the `Ok` value instead).
#[derive(Debug)]
pub(crate) struct PushFailure {
    /// What git said, without credentials.
    pub cause: String,
    /// Whether the credentials were refused.
    pub auth: bool,
    /// Whether an atomic push was asked of a server that cannot do one.
    pub atomic_unsupported: bool,
    /// The credentials tried, by name.
    pub tried: Vec<String>,
}

/// What one run of git left: its exit, stdout and the lines of stderr that were not progress.
struct Run {
    success: bool,
    stdout: String,
    messages: Vec<String>,
}

impl Run {
    /// The messages as one line: git's own words, without its generic advice.
    fn cause(&self) -> String {
        let mut lines: Vec<&str> = Vec::new();
        for line in self.messages.iter().map(|l| l.trim()).filter(|l| {
            !l.is_empty()
                && !l.starts_with("hint:")
                && !l.starts_with("Cloning into ")
                && !l.starts_with("Please make sure you have the correct access rights")
                && *l != "and the repository exists."
        }) {
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        if lines.is_empty() {
            String::from("git failed without a message")
        } else {
            lines.join("; ")
        }
    }

    /// Whether git's words say the credentials were refused or missing.
    fn is_auth(&self) -> bool {
        let text = self.messages.join("\n").to_ascii_lowercase();
        [
            "permission denied",
            "authentication failed",
            "could not read username",
            "could not read password",
            "terminal prompts disabled",
            "invalid username or password",
            "access denied",
            "returned error: 401",
            "returned error: 403",
        ]
        .iter()
        .any(|p| text.contains(p))
    }
}

impl Endpoint<'_> {
    /// `git` with pave's environment for a transfer: the registry's credentials in the
    /// child's environment, no prompt without a terminal, and `LC_ALL=C` so its words can be
    /// read.
    fn git(&self, dir: Option<&Path>) -> Command {
        let mut cmd = Command::new("git");
        for var in REPO_VARS {
            cmd.env_remove(var);
        }
        cmd.env("LC_ALL", "C");
        if let Some(dir) = dir {
            cmd.arg("-C").arg(dir);
        }
        if let Some(password) = self.url.password() {
            // Credentials in the URL are the ones meant: the user's helpers are not asked.
            cmd.args(["-c", "credential.helper="])
                .env(URL_USER_ENV, self.url.username().unwrap_or_default())
                .env(URL_PASSWORD_ENV, password);
        } else {
            cmd.env_remove(URL_PASSWORD_ENV);
        }
        cmd.arg("-c").arg(format!("credential.helper={HELPER}"));
        if !self.interactive {
            cmd.env("GIT_TERMINAL_PROMPT", "0");
            if !user_chose_ssh() {
                cmd.args(["-c", "core.sshCommand=ssh -o BatchMode=yes"]);
            }
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs `cmd`, reporting git's progress lines as `kind` and keeping the rest.
    fn run(&self, mut cmd: Command, kind: TransferKind) -> Result<Run, std::io::Error> {
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut out) = stdout {
                let _ = out.read_to_string(&mut text);
            }
            text
        });
        self.reporter
            .transfer_started(self.name, self.url.clean(), kind);
        let mut messages = Vec::new();
        if let Some(mut err) = child.stderr.take() {
            let mut pending: Vec<u8> = Vec::new();
            let mut buf = [0u8; 4096];
            let line = |raw: &[u8], messages: &mut Vec<String>| {
                let text = String::from_utf8_lossy(raw);
                match parse_progress(&text) {
                    Some(progress) => self.reporter.transfer_progress(self.name, &progress),
                    None if is_progress(&text) || text.trim().is_empty() => {}
                    None => messages.push(self.clean_line(&text)),
                }
            };
            loop {
                match err.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        pending.extend_from_slice(&buf[..n]);
                        while let Some(at) = pending.iter().position(|b| *b == b'\n' || *b == b'\r')
                        {
                            let rest = pending.split_off(at + 1);
                            line(&pending[..at], &mut messages);
                            pending = rest;
                        }
                    }
                }
            }
            if !pending.is_empty() {
                line(&pending, &mut messages);
            }
        }
        let status = child.wait();
        self.reporter.transfer_finished(self.name);
        let stdout = reader.join().unwrap_or_default();
        Ok(Run {
            success: status?.success(),
            stdout: self.clean_line(&stdout),
            messages,
        })
    }

    /// A line of git's output with credentials taken out: the registry's own, and those of
    /// any URL in it (an `insteadOf` rewrite may have added some).
    fn clean_line(&self, text: &str) -> String {
        let text = scrub(text, self.url);
        if !text.contains("://") {
            return text;
        }
        text.split(' ')
            .map(|word| {
                let bare = word.trim_matches(|c| matches!(c, '\'' | '"' | '<' | '>' | ','));
                if bare.contains("://") && bare.contains('@') {
                    word.replace(bare, &redact_url(bare))
                } else {
                    word.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// What was tried to authenticate, by name, for an authentication error.
    fn tried(&self) -> Vec<String> {
        if self.url.is_ssh() {
            return vec![String::from(SSH_TRIED)];
        }
        if self.url.password().is_some() {
            return vec![String::from("the credentials in the URL")];
        }
        let token_set = std::env::var_os(TOKEN_ENV).is_some_and(|t| !t.is_empty());
        let mut tried = vec![
            String::from("git's credential helpers"),
            if token_set {
                format!("${TOKEN_ENV}")
            } else {
                format!("${TOKEN_ENV} (not set)")
            },
        ];
        if self.interactive {
            tried.push(String::from("git's prompt on the terminal"));
        }
        tried
    }

    /// Runs a clone or fetch. git not started is an error, and so is a failure:
    /// authentication when git says so, else unreachable, with git's words.
    fn transfer(&self, cmd: Command, kind: TransferKind) -> Result<(), GitError> {
        let registry = self.name.to_string();
        let url = self.url.clean().to_string();
        let run = self.run(cmd, kind).map_err(|e| GitError::NoGit {
            registry: registry.clone(),
            url: url.clone(),
            cause: e.to_string(),
        })?;
        if run.success {
            return Ok(());
        }
        let cause = run.cause();
        Err(if run.is_auth() {
            GitError::Auth {
                registry,
                url,
                tried: self.tried(),
                cause,
            }
        } else {
            GitError::Unreachable {
                registry,
                url,
                cause,
            }
        })
    }

    /// A libgit2 failure on the cache, as an error naming the registry.
    pub(super) fn git_error(&self, what: &str, e: &git2::Error) -> GitError {
        GitError::Git {
            registry: self.name.to_string(),
            url: self.url.clean().to_string(),
            what: what.to_string(),
            cause: scrub(e.message(), self.url),
        }
    }

    /// Clones the registry as a bare repository into `dir` (an empty folder); its HEAD is the
    /// remote's default branch.
    pub(crate) fn clone_into(&self, dir: &Path) -> Result<(), GitError> {
        let mut cmd = self.git(None);
        cmd.args(["clone", "--bare", "--progress", "--", self.url.clean()])
            .arg(dir);
        self.transfer(cmd, TransferKind::Clone)?;
        let repo = git2::Repository::open_bare(dir)
            .map_err(|e| self.git_error("cannot open the clone", &e))?;
        self.settle(&repo)
    }

    /// Downloads branches and tags into `repo` (pruning what the server deleted); HEAD stays
    /// on its branch while that branch exists.
    pub(crate) fn fetch(
        &self,
        repo: &git2::Repository,
        kind: TransferKind,
    ) -> Result<(), GitError> {
        let mut cmd = self.git(Some(repo.path()));
        cmd.args([
            "fetch",
            "--prune",
            "--no-write-fetch-head",
            "--progress",
            "--",
            self.url.clean(),
        ])
        .args(REFSPECS);
        self.transfer(cmd, kind)?;
        self.settle(repo)
    }

    /// Points HEAD at a branch that exists and packs the refs (listing thousands of tags is
    /// then one file read).
    fn settle(&self, repo: &git2::Repository) -> Result<(), GitError> {
        let current = repo
            .find_reference("HEAD")
            .ok()
            .and_then(|h| h.symbolic_target().ok().flatten().map(str::to_string));
        set_head(repo, current.as_deref()).map_err(|e| self.git_error("cannot set HEAD", &e))?;
        repo.refdb_compress()
            .map_err(|e| self.git_error("cannot pack refs", &e))
    }

    /// Pushes `refspecs` (e.g. `refs/tags/x/v1.0.0:refs/tags/x/v1.0.0`) from `repo`; with
    /// `atomic`, all or nothing (`git push --atomic`). The server accepts or refuses each
    /// ref: the result says, per ref, which (a refusal carries what the server said); a push
    /// that fails as a whole is an error.
    pub(crate) fn push(
        &self,
        repo: &git2::Repository,
        refspecs: &[&str],
        atomic: bool,
    ) -> Result<Pushed, PushFailure> {
        let mut cmd = self.git(Some(repo.path()));
        cmd.args(["push", "--porcelain", "--progress"]);
        if atomic {
            cmd.arg("--atomic");
        }
        cmd.args(["--", self.url.clean()]).args(refspecs);
        let run = self
            .run(cmd, TransferKind::Push)
            .map_err(|e| PushFailure {
                cause: format!(
                    "cannot run the `git` program ({e}); pushing to registry `{}` needs git: install it or put it on PATH",
                    self.name
                ),
                auth: false,
                atomic_unsupported: false,
                tried: Vec::new(),
            })?;
        let statuses = parse_porcelain(&run.stdout);
        if !statuses.is_empty() {
            return Ok(Pushed {
                statuses,
                server: server_said(&run.messages),
            });
        }
        let cause = run.cause();
        Err(PushFailure {
            atomic_unsupported: atomic && cause.contains("does not support --atomic"),
            auth: run.is_auth(),
            tried: self.tried(),
            cause,
        })
    }
}

/// Whether the user chose an ssh program (git would then use theirs, as it is).
fn user_chose_ssh() -> bool {
    let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if set("GIT_SSH_COMMAND") || set("GIT_SSH") {
        return true;
    }
    git2::Config::open_default()
        .and_then(|c| c.get_string("core.sshCommand"))
        .is_ok_and(|c: String| !c.is_empty())
}

/// The lines the server sent (`remote: ...`), as one message; empty when none.
fn server_said(messages: &[String]) -> String {
    messages
        .iter()
        .filter_map(|l| l.strip_prefix("remote:"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The refs of `git push --porcelain`'s output (`<flag>\t<from>:<to>\t<summary>`), each
/// refused one with its reason.
fn parse_porcelain(stdout: &str) -> Vec<PushStatus> {
    let mut statuses = Vec::new();
    for line in stdout.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(flag), Some(refs), summary) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if flag.len() != 1 {
            continue;
        }
        let Some((_, to)) = refs.split_once(':') else {
            continue;
        };
        let rejected = (flag == "!").then(|| {
            let summary = summary.unwrap_or_default();
            match (summary.find('('), summary.rfind(')')) {
                (Some(open), Some(close)) if open < close => summary[open + 1..close].to_string(),
                _ => summary.to_string(),
            }
        });
        statuses.push(PushStatus {
            reference: to.to_string(),
            rejected,
        });
    }
    statuses
}

/// A progress line of git (`Receiving objects:  45% (9/20), 1.20 MiB | ...`) as progress, for
/// the phases that count objects of the transfer.
fn parse_progress(line: &str) -> Option<TransferProgress> {
    let line = line.trim_start_matches("remote: ").trim();
    let phase = ["Receiving objects:", "Writing objects:"]
        .iter()
        .find(|p| line.starts_with(**p))?;
    let rest = &line[phase.len()..];
    let open = rest.find('(')?;
    let close = rest[open..].find(')')? + open;
    let (done, total) = rest[open + 1..close].split_once('/')?;
    let done: usize = done.trim().parse().ok()?;
    let total: usize = total.trim().parse().ok()?;
    Some(TransferProgress {
        total_objects: total,
        received_objects: done,
        indexed_objects: 0,
        received_bytes: 0,
    })
}

/// Whether a line is one of git's other progress lines (counting, compressing, resolving).
fn is_progress(line: &str) -> bool {
    let line = line.trim_start_matches("remote: ").trim();
    line.contains('%') && (line.contains("objects:") || line.contains("deltas:"))
        || line.starts_with("Enumerating objects:")
        || line.starts_with("Total ")
}

/// Points HEAD at `default` (when that branch exists) or, failing that, at `main`, `master`
/// or the first branch.
fn set_head(repo: &git2::Repository, default: Option<&str>) -> Result<(), git2::Error> {
    let exists = |name: &str| repo.find_reference(name).is_ok();
    let chosen = match default {
        Some(name) if exists(name) => return Ok(()),
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

    fn commit(repo: &git2::Repository) -> git2::Oid {
        let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let tree = repo.find_tree(tree).unwrap();
        repo.commit(Some("refs/heads/main"), &sig, &sig, "c", &tree, &[])
            .unwrap()
    }

    #[test]
    fn push_reports_each_ref_and_fetch_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let server = git2::Repository::init_bare(dir.path().join("server.git")).unwrap();
        let work = git2::Repository::init_bare(dir.path().join("work.git")).unwrap();
        let id = commit(&work);
        work.reference("refs/tags/x/v1.0.0", id, false, "tag")
            .unwrap();
        let url = RemoteUrl::parse(&server.path().display().to_string());
        let endpoint = Endpoint {
            name: "t",
            url: &url,
            interactive: false,
            reporter: &Silent,
        };
        let statuses = endpoint
            .push(
                &work,
                &[
                    "refs/heads/main:refs/heads/main",
                    "refs/tags/x/v1.0.0:refs/tags/x/v1.0.0",
                ],
                true,
            )
            .unwrap()
            .statuses;
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
        let clone = dir.path().join("clone.git");
        std::fs::create_dir(&clone).unwrap();
        endpoint.clone_into(&clone).unwrap();
        let clone = git2::Repository::open_bare(&clone).unwrap();
        assert!(clone.find_reference("refs/tags/x/v1.0.0").is_ok());
        assert_eq!(clone.head().unwrap().name().ok(), Some("refs/heads/main"));
        endpoint.fetch(&clone, TransferKind::Fetch).unwrap();
    }

    #[test]
    fn lines_of_git_lose_every_credential() {
        let url = RemoteUrl::parse("https://me:url-secret@git.example/reg.git");
        let endpoint = Endpoint {
            name: "t",
            url: &url,
            interactive: false,
            reporter: &Silent,
        };
        let line = endpoint.clean_line(
            "fatal: unable to access 'https://bot:rewritten-secret@mirror.example/reg.git/': url-secret",
        );
        assert!(
            !line.contains("rewritten-secret") && !line.contains("url-secret"),
            "{line}"
        );
        assert!(line.contains("'https://mirror.example/reg.git/'"), "{line}");
    }

    #[test]
    fn reads_porcelain_and_progress() {
        let out = "To /srv/reg.git\n \trefs/pave-push/1/0:refs/heads/main\t1a..2b\n!\trefs/pave-push/1/1:refs/tags/a/v1.0.0\t[remote rejected] (pre-receive hook declined)\nDone\n";
        let statuses = parse_porcelain(out);
        assert_eq!(statuses.len(), 2);
        assert_eq!(statuses[0].reference, "refs/heads/main");
        assert_eq!(statuses[0].rejected, None);
        assert_eq!(
            statuses[1].rejected.as_deref(),
            Some("pre-receive hook declined")
        );
        let said = ["remote: no releases", "remote: on Fridays", "To x"].map(String::from);
        assert_eq!(server_said(&said), "no releases / on Fridays");
        let p = parse_progress("Receiving objects:  45% (9/20), 1.20 KiB | 1 MiB/s").unwrap();
        assert_eq!((p.received_objects, p.total_objects), (9, 20));
        assert!(is_progress("Resolving deltas: 100% (3/3), done."));
        assert!(!is_progress("fatal: repository not found"));
    }
}
