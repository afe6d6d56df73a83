//! Git registry builders for tests: a real repository made with the `git` command line, holding
//! `registry.yaml` and `blueprints/<name>/`, with versions released as tags `<name>/v<semver>`;
//! served over `file://` or by a real `git daemon` on 127.0.0.1 (killed on drop), and a tiny
//! HTTP server that refuses every request with 401 to exercise authentication.
//!
//! [`RegistryBuilder`] releases [`BlueprintBuilder`]s (one commit and one tag per release) into
//! a folder the test chooses or a temp folder of its own; [`small`] is the smallest releasable
//! blueprint.

use super::blueprint::{BlueprintBuilder, Param};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// `registry.yaml` as [`RegistryBuilder`] writes it.
#[derive(Serialize)]
struct IndexFile<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    name: &'static str,
    description: &'static str,
    blueprints: Vec<&'a IndexItem>,
}

/// One blueprint of `registry.yaml`.
#[derive(Clone, Serialize)]
struct IndexItem {
    name: String,
    path: String,
    summary: String,
    tags: Vec<String>,
    maturity: String,
}

/// A registry repository in a folder the test chooses, filled from [`BlueprintBuilder`]s.
///
/// ```ignore
/// let reg = RegistryBuilder::new(&env.path("reg"))
///     .blueprint(orders("1.0.0"))
///     .release()                      // commit "Release orders-api 1.0.0", tag orders-api/v1.0.0
///     .blueprint(orders("1.1.0"))
///     .release();
/// reg.delete_tag("orders-api/v1.0.0");
/// ```
///
/// Every [`blueprint`](Self::blueprint) replaces `blueprints/<name>/` with the builder's files
/// (so a file dropped from one version is gone in the next) and lists the blueprint in
/// `registry.yaml` with the builder's summary, its tags (`[test]` when it has none) and
/// maturity `recommended`. Git runs without user or system configuration; any failure panics.
pub struct RegistryBuilder {
    dir: PathBuf,
    /// The temp folder holding `dir` when [`in_temp`](Self::in_temp) made it; removed on drop.
    _temp: Option<TempDir>,
    index: BTreeMap<String, IndexItem>,
    /// The blueprint named by the last `blueprint` call: name and manifest version.
    staged: Option<(String, String)>,
}

impl RegistryBuilder {
    /// Creates `dir` (which must not hold a repository yet) as a registry on branch `main`
    /// with one commit holding an empty `registry.yaml`.
    pub fn new(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("mkdir");
        let reg = RegistryBuilder {
            dir: dir.to_path_buf(),
            _temp: None,
            index: BTreeMap::new(),
            staged: None,
        };
        reg.git(&["init", "-q", "-b", "main"]);
        reg.write_index();
        reg.commit("Start the registry");
        reg
    }

    /// A registry at `<tmp>/reg` in a temp folder of its own (removed when the builder is
    /// dropped), for tests without an [`Env`](super::Env) to put it in.
    pub fn in_temp() -> Self {
        let temp = tempfile::Builder::new()
            .prefix("pave-reg-")
            .tempdir()
            .expect("temp dir");
        let mut reg = RegistryBuilder::new(&temp.path().join("reg"));
        reg._temp = Some(temp);
        reg
    }

    /// The repository's folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The folder holding the repository (what `git daemon` or an HTTP server exports).
    pub fn base(&self) -> &Path {
        self.dir
            .parent()
            .expect("the repository has a parent folder")
    }

    /// `file://` URL of the repository.
    pub fn file_url(&self) -> String {
        format!("file://{}", self.dir.display())
    }

    /// Runs git in the repository; returns its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let output = git_command(&self.dir).args(args).output().expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// Puts `bp` at `blueprints/<name>/` (replacing what was there) and lists it in
    /// `registry.yaml`; nothing is committed until [`release`](Self::release) or
    /// [`commit`](Self::commit).
    pub fn blueprint(mut self, bp: BlueprintBuilder) -> Self {
        self.stage(bp);
        self
    }

    /// [`blueprint`](Self::blueprint) then [`release`](Self::release) on a registry held in a
    /// variable or a field; returns the release's commit id.
    pub fn publish(&mut self, bp: BlueprintBuilder) -> String {
        self.stage(bp);
        let (name, version) = self.staged_blueprint();
        self.tag_release(&name, &version)
    }

    fn stage(&mut self, bp: BlueprintBuilder) {
        let name = bp.name().to_string();
        let folder = self.dir.join("blueprints").join(&name);
        if folder.exists() {
            std::fs::remove_dir_all(&folder).expect("remove the previous version");
        }
        bp.write_to(&folder);
        let tags = match bp.tags() {
            [] => vec![String::from("test")],
            tags => tags.to_vec(),
        };
        let maturity = self
            .index
            .get(&name)
            .map_or_else(|| String::from("recommended"), |e| e.maturity.clone());
        self.index.insert(
            name.clone(),
            IndexItem {
                name: name.clone(),
                path: format!("blueprints/{name}"),
                summary: bp.summary_text().to_string(),
                tags,
                maturity,
            },
        );
        self.write_index();
        self.staged = Some((name, bp.version_text().to_string()));
    }

    /// Lists `name` in `registry.yaml` with `summary` (tag `test`, maturity `recommended`)
    /// without touching its folder; committed with the next commit.
    pub fn list(&mut self, name: &str, summary: &str) {
        self.index.insert(
            name.to_string(),
            IndexItem {
                name: name.to_string(),
                path: format!("blueprints/{name}"),
                summary: summary.to_string(),
                tags: vec![String::from("test")],
                maturity: String::from("recommended"),
            },
        );
        self.write_index();
    }

    /// Copies a blueprint folder into `blueprints/<name>`, lists it, commits and tags
    /// `<name>/v<version>`.
    pub fn import(&mut self, src: &Path, name: &str, summary: &str, version: &str) {
        copy_dir(src, &self.dir.join("blueprints").join(name));
        self.list(name, summary);
        self.commit(&format!("Import {name}"));
        self.tag(&format!("{name}/v{version}"));
    }

    /// Writes files (path, contents) under the repository; committed with the next commit.
    pub fn write(&self, files: &[(&str, &str)]) {
        super::write_files(&self.dir, files);
    }

    /// Tags HEAD (annotated), moving the tag if it exists.
    pub fn tag(&self, tag: &str) {
        self.move_tag(tag, "HEAD");
    }

    /// Sets the `maturity` of a listed blueprint (`experimental`, `recommended`,
    /// `deprecated`, or anything else on purpose); kept by later `blueprint` calls.
    pub fn maturity(mut self, name: &str, maturity: &str) -> Self {
        let entry = self
            .index
            .get_mut(name)
            .unwrap_or_else(|| panic!("{name} is not listed"));
        entry.maturity = maturity.to_string();
        self.write_index();
        self
    }

    /// Commits everything as `Release <name> <version>` and tags the commit (annotated)
    /// `<name>/v<version>`, the version being the manifest's, for the blueprint of the last
    /// [`blueprint`](Self::blueprint) call. Panics when the tag already exists (see
    /// [`move_tag`](Self::move_tag)).
    pub fn release(self) -> Self {
        let version = self.staged_blueprint().1;
        self.release_as(&version)
    }

    /// [`release`](Self::release) under the tag `<name>/v<version>` whatever the manifest
    /// says (for a tag that disagrees with its `blueprint.yaml`).
    pub fn release_as(self, version: &str) -> Self {
        let (name, _) = self.staged_blueprint();
        self.tag_release(&name, version);
        self
    }

    /// Commits as `Release <name> <version>` and tags `<name>/v<version>`; returns the commit.
    fn tag_release(&self, name: &str, version: &str) -> String {
        let commit = self.commit(&format!("Release {name} {version}"));
        let tag = format!("{name}/v{version}");
        self.git(&["tag", "-a", "-m", &tag, &tag]);
        commit
    }

    fn staged_blueprint(&self) -> (String, String) {
        self.staged
            .clone()
            .expect("call blueprint(...) before release()")
    }

    /// Commits everything (even nothing) with `message`; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// The commit a tag (or any revision) points to.
    pub fn commit_of(&self, rev: &str) -> String {
        self.git(&["rev-parse", &format!("{rev}^{{commit}}")])
    }

    /// Every tag, sorted by name.
    pub fn tags(&self) -> Vec<String> {
        let out = self.git(&["tag", "--list"]);
        let mut tags: Vec<String> = out.lines().map(str::to_string).collect();
        tags.sort();
        tags
    }

    /// Points `tag` (annotated again) at `rev`: a commit id, another tag, `HEAD`.
    pub fn move_tag(&self, tag: &str, rev: &str) {
        let commit = self.commit_of(rev);
        self.git(&["tag", "-f", "-a", "-m", tag, tag, &commit]);
    }

    /// Deletes `tag`.
    pub fn delete_tag(&self, tag: &str) {
        self.git(&["tag", "-d", tag]);
    }

    /// Serves the repository with `git daemon` on a free 127.0.0.1 port (killed on drop);
    /// the daemon exports the repository's parent folder.
    pub fn serve(&self) -> GitDaemon {
        let parent = self
            .dir
            .parent()
            .expect("the repository has a parent folder");
        let name = self.dir.file_name().expect("the repository has a name");
        GitDaemon::start(parent, &name.to_string_lossy())
    }

    /// [`serve`](Self::serve) with `--verbose`, logging every request to `log` (one
    /// `Request upload-pack for ...` line per clone or fetch).
    pub fn serve_logged(&self, log: &Path) -> GitDaemon {
        let name = self.dir.file_name().expect("the repository has a name");
        GitDaemon::start_logged(self.base(), &name.to_string_lossy(), Some(log))
    }

    /// [`serve_logged`](Self::serve_logged), also accepting pushes (to branches other than
    /// the checked-out `main`).
    pub fn serve_writable_logged(&self, log: &Path) -> GitDaemon {
        let name = self.dir.file_name().expect("the repository has a name");
        GitDaemon::start_with(self.base(), &name.to_string_lossy(), Some(log), true)
    }

    fn write_index(&self) {
        let index = IndexFile {
            api_version: "pave/v1",
            name: "test-registry",
            description: "made by a test",
            blueprints: self.index.values().collect(),
        };
        let text = serde_yaml::to_string(&index).expect("registry.yaml");
        std::fs::write(self.dir.join("registry.yaml"), text).expect("write index");
    }
}

/// The smallest releasable blueprint: `name` at `version` with one required `project_name`,
/// a `version.txt` saying the version and a `hello.txt.hbs` greeting `project_name`.
pub fn small(name: &str, version: &str) -> BlueprintBuilder {
    BlueprintBuilder::new(name)
        .version(version)
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .file("template/version.txt", format!("{version}\n"))
        .file("template/hello.txt.hbs", "hello {{project_name}}\n")
}

/// `git` with no user or system configuration and a fixed identity.
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .stdin(Stdio::null());
    cmd
}

/// Runs [`git_command`] in `dir` with `args`, checks that it succeeds and returns its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir).args(args).output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copies a folder tree, keeping executable bits.
pub fn copy_dir(src: &Path, dst: &Path) {
    for item in walkdir::WalkDir::new(src) {
        let item = item.expect("walk");
        let rel = item.path().strip_prefix(src).expect("prefix");
        let target = dst.join(rel);
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(item.path(), &target).expect("copy");
        }
    }
}

/// A `git daemon` serving a folder; killed on drop.
pub struct GitDaemon {
    child: Option<Child>,
    pub port: u16,
    /// The served repository's folder name under the base path.
    repo: String,
}

impl GitDaemon {
    fn start(base: &Path, repo: &str) -> Self {
        Self::start_with(base, repo, None, false)
    }

    fn start_logged(base: &Path, repo: &str, log: Option<&Path>) -> Self {
        Self::start_with(base, repo, log, false)
    }

    /// Serves the bare repository `base/repo` with pushes allowed (`--enable=receive-pack`).
    pub fn writable(base: &Path, repo: &str) -> Self {
        Self::start_with(base, repo, None, true)
    }

    /// [`writable`](Self::writable) on `port` (to serve again where a stopped daemon did).
    pub fn writable_on(base: &Path, repo: &str, port: u16) -> Self {
        Self::start_on(base, repo, None, true, Some(port))
    }

    fn start_with(base: &Path, repo: &str, log: Option<&Path>, writable: bool) -> Self {
        Self::start_on(base, repo, log, writable, None)
    }

    fn start_on(
        base: &Path,
        repo: &str,
        log: Option<&Path>,
        writable: bool,
        fixed: Option<u16>,
    ) -> Self {
        for _ in 0..5 {
            let port = fixed.unwrap_or_else(free_port);
            let stderr = match log {
                Some(log) => Stdio::from(std::fs::File::create(log).expect("create the log")),
                None => Stdio::null(),
            };
            // git-daemon itself: killing a `git daemon` wrapper would leave its child serving.
            let child = Command::new(git_exec_path().join("git-daemon"))
                .args([
                    "--export-all",
                    &format!("--base-path={}", base.display()),
                    "--reuseaddr",
                    "--listen=127.0.0.1",
                    &format!("--port={port}"),
                    if writable {
                        "--enable=receive-pack"
                    } else {
                        "--informative-errors"
                    },
                    if log.is_some() {
                        "--verbose"
                    } else {
                        "--reuseaddr"
                    },
                    &base.display().to_string(),
                ])
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .expect("start git daemon");
            let mut daemon = GitDaemon {
                child: Some(child),
                port,
                repo: repo.to_string(),
            };
            if daemon.wait_ready() {
                return daemon;
            }
            daemon.stop();
        }
        panic!("git daemon did not start");
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && matches!(child.try_wait(), Ok(Some(_)))
            {
                return false;
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// The URL of the registry repository it serves.
    pub fn url(&self) -> String {
        format!("git://127.0.0.1:{}/{}", self.port, self.repo)
    }

    /// Kills the daemon and waits until the port refuses connections.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// git's helper programs folder (`git --exec-path`).
fn git_exec_path() -> PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git --exec-path");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// An HTTP server on 127.0.0.1 that answers every request with 401 (Basic auth wanted) and
/// records the `Authorization` headers it got. Stops after `limit` requests or on drop.
pub struct RefusingServer {
    pub port: u16,
    pub authorizations: Arc<Mutex<Vec<String>>>,
    pub requests: Arc<Mutex<usize>>,
}

impl RefusingServer {
    pub fn start(limit: usize) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let authorizations = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(Mutex::new(0));
        let (auths, count) = (authorizations.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(limit) {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    if line == "\r\n" {
                        break;
                    }
                    // Header names are case-insensitive (HTTP/2-style clients send them lower-case).
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("authorization")
                    {
                        auths.lock().expect("lock").push(value.trim().to_string());
                    }
                    line.clear();
                }
                *count.lock().expect("lock") += 1;
                let _ = stream.write_all(
                    b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        RefusingServer {
            port,
            authorizations,
            requests,
        }
    }

    pub fn url_with(&self, userinfo: &str) -> String {
        format!(
            "http://{userinfo}127.0.0.1:{}/team/blueprints.git",
            self.port
        )
    }
}
