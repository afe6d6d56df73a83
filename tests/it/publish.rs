//! Publishing over real servers on loopback: `pave registry init`, `pave publish` (direct and
//! for review), `pave release`, every refusal leaving the remote's and the cache's refs as they
//! were, two publishers racing, and a token over smart HTTP with Basic authentication.

use crate::support::git::GitDaemon;
pub use crate::support::git::git;
use crate::support::http_git::GitHttp;
use crate::support::{Env, text};
use std::path::{Path, PathBuf};

/// A registry made by `pave registry init`, cloned bare into `<root>/served/reg.git`.
pub struct Served {
    pub env: Env,
    pub bare: PathBuf,
}

fn with_identity(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("GIT_AUTHOR_NAME", "Team A")
        .env("GIT_AUTHOR_EMAIL", "team-a@example.invalid")
}

pub fn served() -> Served {
    let env = Env::new();
    let src = env.path("reg-src");
    let mut init = env.pave();
    with_identity(&mut init)
        .args(["registry", "init"])
        .arg(&src)
        .args(["--name", "acme"])
        .assert()
        .success();
    std::fs::create_dir_all(env.path("served")).unwrap();
    let bare = env.path("served/reg.git");
    git(
        &env.path("served"),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "reg.git"],
    );
    Served { env, bare }
}

/// A small blueprint folder at 0.1.0 (`project_name` and `region`, two templates, one example,
/// no checks) with its snapshots recorded. Not `pave blueprint init`'s starter: its checks run
/// the validators, and these tests are about publishing.
pub fn blueprint(env: &Env, name: &str) -> PathBuf {
    let manifest = format!(
        "apiVersion: pave/v1\nname: {name}\nversion: 0.1.0\nsummary: \"Describe what this blueprint builds in one line\"\nparameters:\n  - name: project_name\n    prompt: Project name\n    help: Lower-case letters, digits and dashes; used in stack and resource names\n    pattern: '^[a-z][a-z0-9-]{{1,40}}$'\n  - name: region\n    help: AWS Region of the stack\n    pattern: '^[a-z]{{2}}(-[a-z]+)+-[0-9]$'\n    default: us-east-1\nchecks: []\n"
    );
    let changelog = format!("# Changelog of {name}\n\n## 0.1.0\n\n- First version.\n");
    crate::support::write_files(
        &env.work().join(name),
        &[
            ("blueprint.yaml", &manifest),
            (
                "template/README.md.hbs",
                "# {{project_name}}\n\nDeploy with `sam build && sam deploy --region {{region}}`.\n",
            ),
            (
                "template/samconfig.toml.hbs",
                "version = 0.1\n\n[default.global.parameters]\nstack_name = \"{{project_name}}\"\n\n[default.deploy.parameters]\nregion = \"{{region}}\"\ncapabilities = \"CAPABILITY_IAM\"\nconfirm_changeset = true\nresolve_s3 = true\n",
            ),
            (
                "tests/01-defaults.yaml",
                "description: the defaults\nanswers:\n  project_name: demo\n",
            ),
            ("CHANGELOG.md", &changelog),
        ],
    );
    env.pave()
        .args(["blueprint", "test", name, "--update-snapshots"])
        .assert()
        .success();
    env.work().join(name)
}

fn refs(dir: &Path) -> String {
    git(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

fn cache_repo(env: &Env, cache: &str) -> PathBuf {
    let dir = env.path(cache).join("git");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "git"))
        .expect("a cache entry")
}

pub fn publish(env: &Env, url: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = env.pave();
    with_identity(&mut cmd)
        .arg("publish")
        .args(args)
        .args(["--registry", url])
        .output()
        .unwrap()
}

#[test]
fn registry_init_makes_a_registry_that_can_be_added_at_once() {
    let s = served();
    let src = s.env.path("reg-src");
    assert_eq!(git(&src, &["branch", "--show-current"]).trim(), "main");
    assert_eq!(git(&src, &["rev-list", "--count", "HEAD"]).trim(), "1");
    for f in ["registry.yaml", "README.md", ".github/workflows/pave.yml"] {
        assert!(src.join(f).is_file(), "{f}");
    }
    let out = s
        .env
        .pave()
        .args(["registry", "add", "x"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // A second init into a non-empty folder is refused.
    let out = s
        .env
        .pave()
        .args(["registry", "init"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
}

#[test]
fn a_team_publishes_and_another_cache_scaffolds_the_new_version() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    let out = publish(
        &s.env,
        &url,
        &["team-api", "-m", "First cut", "--addresses", "fb-1"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("published team-api 0.1.0"),
        "{}",
        text(&out)
    );
    assert!(refs(&s.bare).contains("refs/tags/team-api/v0.1.0"));
    let log = git(&s.bare, &["show", "main:blueprints/team-api/CHANGELOG.md"]);
    assert!(
        log.contains("## 0.1.0 - ") && log.contains("First cut") && log.contains("fb-1"),
        "{log}"
    );
    assert!(git(&s.bare, &["show", "main:registry.yaml"]).contains("name: team-api"));
    assert_eq!(
        git(&s.bare, &["log", "-1", "--format=%an", "main"]).trim(),
        "Team A"
    );
    assert_eq!(
        git(&s.bare, &["cat-file", "-t", "team-api/v0.1.0"]).trim(),
        "tag"
    );

    // A new optional parameter: minor. --bump patch is refused with the reason.
    let manifest = folder.join("blueprint.yaml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        m.replace("checks: []", "  - name: owner\n    default: me\nchecks: []"),
    )
    .unwrap();
    let out = publish(&s.env, &url, &["team-api", "--bump", "patch"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("new optional parameter `owner`"),
        "{}",
        text(&out)
    );
    let out = publish(&s.env, &url, &["team-api", "-m", "Owner tag"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("published team-api 0.2.0"),
        "{}",
        text(&out)
    );

    // Another developer with another cache scaffolds it.
    let dev = Env::new();
    dev.pave()
        .args(["registry", "add", "acme", &url])
        .assert()
        .success();
    let out = dev
        .pave()
        .args([
            "new",
            "acme/team-api@=0.2.0",
            "svc",
            "--defaults",
            "--set",
            "project_name=svc",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let answers = std::fs::read_to_string(dev.work().join("svc/.pave.yaml")).unwrap();
    assert!(answers.contains("0.2.0"), "{answers}");
}

#[test]
fn every_refusal_leaves_the_remote_and_the_cache_as_they_were() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    assert!(publish(&s.env, &url, &["team-api"]).status.success());
    let remote = refs(&s.bare);
    let cache = cache_repo(&s.env, "cache");
    let cached = refs(&cache);
    let same = |what: &str| {
        assert_eq!(refs(&s.bare), remote, "{what}: remote refs");
        assert_eq!(refs(&cache), cached, "{what}: cache refs");
    };

    // Existing version.
    let out = publish(&s.env, &url, &["team-api", "--version", "0.1.0"]);
    assert!(text(&out).contains("already exists"), "{}", text(&out));
    same("existing version");

    // Too small a bump: a parameter removed needs major.
    let manifest = folder.join("blueprint.yaml");
    let original = std::fs::read_to_string(&manifest).unwrap();
    let m = original.replace("  - name: region\n    help: AWS Region of the stack\n    pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$'\n    default: us-east-1\n", "");
    assert_ne!(m, original);
    std::fs::write(&manifest, &m).unwrap();
    let out = publish(&s.env, &url, &["team-api", "--bump", "patch"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("parameter `region` was removed"),
        "{}",
        text(&out)
    );
    same("too small a bump");
    std::fs::write(&manifest, &original).unwrap();

    // Gate failing: a snapshot that no longer matches.
    let readme = folder.join("template/README.md.hbs");
    std::fs::write(&readme, "# changed {{project_name}}\n").unwrap();
    let out = publish(&s.env, &url, &["team-api", "--bump", "major"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("the gate failed"), "{}", text(&out));
    same("gate");
    s.env
        .pave()
        .args(["blueprint", "test", "team-api", "--update-snapshots"])
        .assert()
        .success();

    // A server that refuses the push.
    let hook = s.bare.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho no pushes today >&2\nexit 1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = publish(&s.env, &url, &["team-api"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("refused"), "{}", text(&out));
    same("rejected push");
    std::fs::remove_file(&hook).unwrap();

    // Dry run: nothing written, what would be said.
    let out = publish(&s.env, &url, &["team-api", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("would publish team-api 0.2.0"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("rendered example"), "{}", text(&out));
    same("dry run");
}

#[test]
fn a_refused_tag_after_the_branch_moved_says_so_and_release_finishes_it() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    blueprint(&s.env, "team-api");
    // A server without atomic pushes: branch and tag go one after the other.
    git(&s.bare, &["config", "receive.advertiseAtomic", "false"]);
    // The server takes branches and refuses tags.
    let hook = refuse_tags(&s.bare);
    let out = publish(&s.env, &url, &["team-api"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("team-api 0.1.0 is committed on refs/heads/main"),
        "{said}"
    );
    assert!(said.contains("its tag could not be pushed"), "{said}");
    assert!(said.contains("pave release team-api"), "{said}");
    assert!(!said.contains("nothing was published"), "{said}");
    let r = refs(&s.bare);
    assert!(!r.contains("refs/tags/"), "{r}");
    assert!(
        git(&s.bare, &["ls-tree", "-r", "--name-only", "main"]).contains("blueprints/team-api/"),
        "{r}"
    );
    // The version waits on the branch; release tags it once the server takes tags again.
    std::fs::remove_file(&hook).unwrap();
    let out = publish(&s.env, &url, &["team-api"]);
    assert!(
        text(&out).contains("waiting for `pave release`"),
        "{}",
        text(&out)
    );
    let mut rel = s.env.pave();
    let out = with_identity(&mut rel)
        .args(["release", "team-api", "--registry", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let tagged = git(&s.bare, &["rev-parse", "team-api/v0.1.0^{commit}"]);
    assert_eq!(tagged, git(&s.bare, &["rev-parse", "main"]));
}

/// An `update` hook in `bare` that refuses every tag, saying "no tags here".
fn refuse_tags(bare: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let hook = bare.join("hooks/update");
    std::fs::write(
        &hook,
        "#!/bin/sh\ncase \"$1\" in refs/tags/*) echo no tags here >&2; exit 1;; esac\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    hook
}

#[test]
fn branch_and_tag_go_in_one_atomic_push_so_a_refused_tag_publishes_nothing() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    blueprint(&s.env, "team-api");
    let hook = refuse_tags(&s.bare);
    let before = refs(&s.bare);
    let out = publish(&s.env, &url, &["team-api"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("refs/tags/team-api/v0.1.0: hook declined")
            && said.contains("no tags here")
            && said.contains("nothing was published"),
        "{said}"
    );
    assert_eq!(refs(&s.bare), before, "the branch did not move either");
    std::fs::remove_file(&hook).unwrap();
    let out = publish(&s.env, &url, &["team-api"]);
    assert!(out.status.success(), "{}", text(&out));
    let tagged = git(&s.bare, &["rev-parse", "team-api/v0.1.0^{commit}"]);
    assert_eq!(tagged, git(&s.bare, &["rev-parse", "main"]));
}

#[test]
fn review_then_release() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    blueprint(&s.env, "team-api");
    let out = publish(&s.env, &url, &["team-api", "--review"]);
    assert!(out.status.success(), "{}", text(&out));
    // It says what happened and what comes next, not that it published.
    let said = text(&out);
    assert!(!said.contains("published"), "{said}");
    assert!(
        said.contains("pushed branch publish/team-api-0.1.0 for review")
            && said.contains("team-api 0.1.0 (first version) is not released yet"),
        "{said}"
    );
    assert!(
        said.contains(&format!("`pave release team-api --registry {url}`")),
        "{said}"
    );
    let r = refs(&s.bare);
    assert!(r.contains("refs/heads/publish/team-api-0.1.0"), "{r}");
    assert!(!r.contains("refs/tags/"), "{r}");
    // A maintainer merges it.
    let work = s.env.path("maint");
    git(
        &s.env.path("served"),
        &[
            "clone",
            "-q",
            s.bare.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    git(
        &work,
        &["merge", "-q", "--ff-only", "origin/publish/team-api-0.1.0"],
    );
    git(&work, &["push", "-q", "origin", "main"]);
    let mut dry = s.env.pave();
    let out = with_identity(&mut dry)
        .args(["release", "--all", "--registry", &url, "--dry-run"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains("would tag team-api 0.1.0"),
        "{}",
        text(&out)
    );
    assert!(!refs(&s.bare).contains("refs/tags/"));
    let mut rel = s.env.pave();
    let out = with_identity(&mut rel)
        .args(["release", "--all", "--registry", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(refs(&s.bare).contains("refs/tags/team-api/v0.1.0"));
    let mut again = s.env.pave();
    let out = with_identity(&mut again)
        .args(["release", "team-api", "--registry", &url])
        .output()
        .unwrap();
    assert!(text(&out).contains("nothing to release"), "{}", text(&out));

    // --json says the same in fields.
    let out = publish(&s.env, &url, &["team-api", "--review", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["status"], "review", "{said}");
    assert_eq!(said["released"], false, "{said}");
    assert_eq!(said["version"], "0.1.1", "{said}");
    assert_eq!(said["branch"], "publish/team-api-0.1.1", "{said}");
    assert_eq!(said["tag"], serde_json::Value::Null, "{said}");
    assert!(said["commit"].is_string(), "{said}");
    assert!(
        said["next"]
            .as_str()
            .is_some_and(|n| n.contains(&format!("pave release team-api --registry {url}"))),
        "{said}"
    );
}

#[test]
fn two_publishers_racing_for_one_version_one_wins() {
    // Several rounds, each a new blueprint whose first version both publishers want: a push of
    // branch and tag together let both lose in about one race of fifteen.
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let other = Env::new();
    let names = ["team-api", "team-b", "team-c", "team-d"];
    for (round, name) in names.iter().enumerate() {
        blueprint(&s.env, name);
        crate::support::git::copy_dir(&s.env.work().join(name), &other.work().join(name));
        let (a, b) = std::thread::scope(|scope| {
            let a = scope.spawn(|| publish(&s.env, &url, &[name]));
            let b = scope.spawn(|| publish(&other, &url, &[name]));
            (a.join().unwrap(), b.join().unwrap())
        });
        let wins = [&a, &b].iter().filter(|o| o.status.success()).count();
        assert_eq!(wins, 1, "{name}\na: {}\nb: {}", text(&a), text(&b));
        let loser = if a.status.success() { &b } else { &a };
        assert!(
            text(loser).contains("already exists") || text(loser).contains("refused"),
            "{}",
            text(loser)
        );
        let r = refs(&s.bare);
        assert_eq!(r.matches("refs/tags/").count(), round + 1, "{r}");
        // The tag points at a commit of the branch: nothing half-done.
        let tag = format!("{name}/v0.1.0^{{commit}}");
        let tagged = git(&s.bare, &["rev-parse", &tag]);
        let on_main = git(&s.bare, &["rev-list", "main"]);
        assert!(on_main.contains(tagged.trim()), "{tagged} not on main");
    }
    let main = git(&s.bare, &["rev-parse", "main"]);
    let last = git(&s.bare, &["rev-parse", "team-d/v0.1.0^{commit}"]);
    assert_eq!(last, main);
}

#[test]
fn a_token_over_http_with_basic_auth_publishes_and_never_shows() {
    let s = served();
    let token = "s3cret-token-value";
    let server = GitHttp::start(&s.env.path("served"), "x-access-token", token);
    let url = server.url("reg.git");
    blueprint(&s.env, "team-api");
    // No credentials: refused, nothing moved.
    let before = refs(&s.bare);
    let out = publish(&s.env, &url, &["team-api"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(refs(&s.bare), before);
    // With the token.
    let mut cmd = s.env.pave();
    let out = with_identity(&mut cmd)
        .env("PAVE_GIT_TOKEN", token)
        .args(["publish", "team-api", "--registry", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(refs(&s.bare).contains("refs/tags/team-api/v0.1.0"));
    assert!(!text(&out).contains(token));
    for dir in [s.env.path("cache"), s.env.path("home")] {
        for item in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            if item.file_type().is_file() {
                let data = std::fs::read(item.path()).unwrap();
                assert!(
                    !String::from_utf8_lossy(&data).contains(token),
                    "{} holds the token",
                    item.path().display()
                );
            }
        }
    }
}

#[test]
fn a_refusal_by_the_servers_hook_says_what_the_hook_said() {
    use std::os::unix::fs::PermissionsExt;
    let s = served();
    let hook = s.bare.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'Releases are frozen until Monday (ask #platform).' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    blueprint(&s.env, "team-api");
    let before = refs(&s.bare);
    let out = publish(&s.env, &daemon.url(), &["team-api"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("pre-receive hook declined")
            && all.contains("Releases are frozen until Monday (ask #platform)."),
        "{all}"
    );
    assert_eq!(refs(&s.bare), before);
}

#[test]
fn publishing_to_builtin_or_an_unknown_name_says_which_registries_can_take_it() {
    let env = Env::new();
    let out = env
        .pave()
        .args(["publish", "./nope", "--registry", "builtin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("built-in registry is part of pave itself"),
        "{said}"
    );
    // builtin is not offered as a place to publish to.
    assert!(!said.contains("configured one (builtin"), "{said}");
    assert!(said.contains("pave registry add"), "{said}");
}

/// A registry like [`served`] whose `registry.yaml` sends feedback to its own git branch.
fn served_with_git_sink() -> Served {
    let s = served();
    let work = s.env.path("sink-setup");
    git(
        &s.env.path("served"),
        &[
            "clone",
            "-q",
            s.bare.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    let index = work.join("registry.yaml");
    let text_ = std::fs::read_to_string(&index).unwrap();
    let sink = text_.replace("# feedback:\n#   sink: git ", "feedback:\n  sink: git\n# ");
    assert_ne!(sink, text_, "{text_}");
    std::fs::write(&index, sink).unwrap();
    git(
        &work,
        &[
            "-c",
            "user.name=Platform",
            "-c",
            "user.email=platform@example.invalid",
            "commit",
            "-qam",
            "Feedback to the git sink",
        ],
    );
    git(&work, &["push", "-q", "origin", "main"]);
    s
}

/// Adds an optional parameter to the folder's manifest (a minor change).
/// `team-api` 0.1.0 published from `s`'s folder over a writable git daemon, then a copy of
/// the folder, with the new parameter `owner`, published with `args`. Returns the daemon
/// (keep it alive), its URL, the folder, now behind, and the environment of the copy.
fn published_from_a_copy(s: &Served, args: &[&str]) -> (GitDaemon, String, PathBuf, Env) {
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    assert!(publish(&s.env, &url, &["team-api"]).status.success());
    let other = Env::new();
    crate::support::git::copy_dir(&folder, &other.work().join("team-api"));
    add_parameter(&other.work().join("team-api"), "owner");
    let mut with = vec!["team-api"];
    with.extend(args);
    let out = publish(&other, &url, &with);
    assert!(out.status.success(), "{}", text(&out));
    (daemon, url, folder, other)
}

fn add_parameter(folder: &Path, name: &str) {
    let manifest = folder.join("blueprint.yaml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    let changed = m.replace(
        "checks: []",
        &format!("  - name: {name}\n    default: x\nchecks: []"),
    );
    assert_ne!(changed, m);
    std::fs::write(&manifest, changed).unwrap();
}

fn release(env: &Env, url: &str, name: &str) -> std::process::Output {
    let mut cmd = env.pave();
    with_identity(&mut cmd)
        .args(["release", name, "--registry", url])
        .output()
        .unwrap()
}

/// A maintainer merges the review branch into main (fast-forward).
fn merge_review(s: &Served, branch: &str) {
    let work = s.env.path("maint");
    if !work.exists() {
        git(
            &s.env.path("served"),
            &[
                "clone",
                "-q",
                s.bare.to_str().unwrap(),
                work.to_str().unwrap(),
            ],
        );
    }
    git(&work, &["fetch", "-q", "origin"]);
    git(&work, &["checkout", "-q", "main"]);
    git(&work, &["reset", "-q", "--hard", "origin/main"]);
    git(
        &work,
        &["merge", "-q", "--ff-only", &format!("origin/{branch}")],
    );
    git(&work, &["push", "-q", "origin", "main"]);
}

#[test]
fn four_publishes_from_one_folder_keep_every_changelog_entry() {
    let s = served_with_git_sink();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    let mode = |file: &str| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(folder.join(file))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let modes = [mode("CHANGELOG.md"), mode("blueprint.yaml")];

    // 0.1.0.
    let out = publish(&s.env, &url, &["team-api", "-m", "First version"]);
    assert!(out.status.success(), "{}", text(&out));

    // A developer makes a project of 0.1.0 and sends feedback to the registry's git sink.
    let dev = Env::new();
    std::fs::write(
        dev.path("home/.gitconfig"),
        "[user]\n\tname = Dev One\n\temail = dev1@example.invalid\n",
    )
    .unwrap();
    dev.pave()
        .args(["registry", "add", "acme", &url])
        .assert()
        .success();
    let out = dev
        .pave()
        .args(["new", "acme/team-api@=0.1.0", "svc", "--defaults"])
        .args(["--set", "project_name=svc"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = dev
        .pave()
        .current_dir(dev.work().join("svc"))
        .args(["feedback", "submit", "--kind", "improvement"])
        .args(["-m", "cache POST responses", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let item: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = item["id"].as_str().expect("an id").to_string();

    // 0.2.0 through review, then release.
    add_parameter(&folder, "owner");
    let out = publish(&s.env, &url, &["team-api", "--review", "-m", "Owner tag"]);
    assert!(out.status.success(), "{}", text(&out));
    merge_review(&s, "publish/team-api-0.2.0");
    let out = release(&s.env, &url, "team-api");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("tagged team-api 0.2.0"),
        "{}",
        text(&out)
    );

    // 0.3.0 addresses the developer's item.
    add_parameter(&folder, "team");
    let out = publish(
        &s.env,
        &url,
        &["team-api", "-m", "Caches POST", "--addresses", &id],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("published team-api 0.3.0"),
        "{}",
        text(&out)
    );

    // 1.0.0.
    let out = publish(
        &s.env,
        &url,
        &["team-api", "--bump", "major", "-m", "Stable"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("published team-api 1.0.0"),
        "{}",
        text(&out)
    );

    // The registry's changelog holds all four entries, newest first, each once.
    let log = git(&s.bare, &["show", "main:blueprints/team-api/CHANGELOG.md"]);
    let at = |needle: &str| {
        assert_eq!(log.matches(needle).count(), 1, "{needle}: {log}");
        log.find(needle).unwrap()
    };
    let positions = [
        at("## 1.0.0 - "),
        at("## 0.3.0 - "),
        at(&format!("- Addresses feedback {id}\n")),
        at("## 0.2.0 - "),
        at("Owner tag"),
        at("## 0.1.0 - "),
    ];
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{log}");
    assert_eq!(log.matches("First version").count(), 1, "{log}");
    // The folder knows what the registry holds.
    assert_eq!(
        std::fs::read_to_string(folder.join("CHANGELOG.md")).unwrap(),
        log
    );
    let manifest = std::fs::read_to_string(folder.join("blueprint.yaml")).unwrap();
    assert!(manifest.contains("\nversion: 1.0.0\n"), "{manifest}");
    // The files the folder learned keep their mode (not the staging file's 0600).
    assert_eq!([mode("CHANGELOG.md"), mode("blueprint.yaml")], modes);

    // `pave show` lists them.
    dev.pave()
        .args(["registry", "sync", "acme"])
        .assert()
        .success();
    let out = dev.pave().args(["show", "acme/team-api"]).output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    for v in ["1.0.0", "0.3.0", "0.2.0", "0.1.0"] {
        assert!(shown.contains(&format!("## {v} - ")), "{v}: {shown}");
    }

    // The 0.1.0 project hears that 0.3.0 addressed its feedback.
    let out = dev
        .pave()
        .args(["update", "svc", "--to", "1", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains(&format!("0.3.0 addresses your feedback {id}")),
        "{}",
        text(&out)
    );
}

#[test]
fn dry_run_lists_only_what_changes_against_the_tip() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    assert!(publish(&s.env, &url, &["team-api"]).status.success());
    add_parameter(&folder, "owner");
    std::fs::write(folder.join("NOTES.md"), "notes\n").unwrap();
    std::fs::remove_file(folder.join("template/samconfig.toml.hbs")).unwrap();
    s.env
        .pave()
        .args(["blueprint", "test", "team-api", "--update-snapshots"])
        .assert()
        .success();
    let before = refs(&s.bare);
    let out = publish(&s.env, &url, &["team-api", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let listed: Vec<&str> = said
        .lines()
        .skip_while(|l| !l.starts_with("changes against main of "))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    assert_eq!(
        listed,
        [
            "changed  blueprints/team-api/CHANGELOG.md (the entry below on top)",
            "added    blueprints/team-api/NOTES.md",
            "changed  blueprints/team-api/blueprint.yaml",
            "changed  blueprints/team-api/snapshots/01-defaults.snap",
            "removed  blueprints/team-api/template/samconfig.toml.hbs",
        ],
        "{said}"
    );
    assert!(said.contains("  | ## 0.2.0 - "), "{said}");
    // The same in JSON; nothing moved, nothing written.
    let out = publish(&s.env, &url, &["team-api", "--dry-run", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["status"], "dry-run", "{json}");
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(5), "{json}");
    assert_eq!(json["changes"][4]["change"], "removed", "{json}");
    assert_eq!(json["registry_entry"], "unchanged", "{json}");
    assert_eq!(refs(&s.bare), before);
    let manifest = std::fs::read_to_string(folder.join("blueprint.yaml")).unwrap();
    assert!(manifest.contains("\nversion: 0.1.0\n"), "{manifest}");
}

#[test]
fn a_folder_behind_the_registry_merges_onto_it_or_is_refused() {
    let s = served();
    // Another clone of the folder publishes 0.2.0 with a new parameter.
    let (_daemon, url, folder, other) = published_from_a_copy(&s, &["-m", "Owner"]);

    // This folder, still at 0.1.0, changes the summary: merged onto 0.2.0, nothing lost.
    let set_summary = |dir: &Path, summary: &str| {
        let manifest = dir.join("blueprint.yaml");
        let m = std::fs::read_to_string(&manifest).unwrap();
        let line = m.lines().find(|l| l.starts_with("summary:")).unwrap();
        std::fs::write(&manifest, m.replace(line, &format!("summary: {summary}"))).unwrap();
    };
    set_summary(&folder, "Our API");
    let out = publish(&s.env, &url, &["team-api", "-m", "Summary"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("published team-api 0.2.1 (from 0.2.0)"),
        "{said}"
    );
    assert!(
        said.contains("this folder was at 0.1.0: its changes were merged onto 0.2.0"),
        "{said}"
    );
    let committed = git(
        &s.bare,
        &["show", "main:blueprints/team-api/blueprint.yaml"],
    );
    assert!(
        committed.contains("name: owner") && committed.contains("summary: Our API"),
        "{committed}"
    );
    let log = git(&s.bare, &["show", "main:blueprints/team-api/CHANGELOG.md"]);
    assert!(
        log.contains("## 0.2.0 - ") && log.contains("Owner"),
        "{log}"
    );
    // The folder now holds the merged manifest.
    assert_eq!(
        std::fs::read_to_string(folder.join("blueprint.yaml")).unwrap(),
        committed
    );

    // The other clone, at 0.2.0, changes the summary too: refused, with what to do.
    set_summary(&other.work().join("team-api"), "Their API");
    let before = refs(&s.bare);
    let out = publish(&other, &url, &["team-api"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains(
            "the registry has team-api 0.2.1, published since this folder's 0.2.0: this folder and 0.2.1 both changed blueprint.yaml"
        ),
        "{said}"
    );
    assert!(said.contains("bring the folder up to date"), "{said}");
    assert_eq!(refs(&s.bare), before);
}

#[test]
fn release_with_the_folder_brings_it_to_the_release() {
    let s = served();
    // A copy of the folder goes through review; this folder does not know of it.
    let (_daemon, url, folder, other) = published_from_a_copy(&s, &["--review", "-m", "Owner"]);
    merge_review(&s, "publish/team-api-0.2.0");
    let mut cmd = s.env.pave();
    let out = with_identity(&mut cmd)
        .args(["release", "team-api", "--registry", &url, "--path"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("now holds the version and changelog of team-api 0.2.0"),
        "{}",
        text(&out)
    );
    let log = git(
        &s.bare,
        &["show", "team-api/v0.2.0:blueprints/team-api/CHANGELOG.md"],
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("CHANGELOG.md")).unwrap(),
        log
    );
    let manifest = std::fs::read_to_string(folder.join("blueprint.yaml")).unwrap();
    assert!(manifest.contains("\nversion: 0.2.0\n"), "{manifest}");
    // Another blueprint's folder is refused before anything is tagged.
    blueprint(&s.env, "team-b");
    add_parameter(&other.work().join("team-api"), "team");
    let out = publish(&other, &url, &["team-api", "--review"]);
    assert!(out.status.success(), "{}", text(&out));
    merge_review(&s, "publish/team-api-0.3.0");
    let before = refs(&s.bare);
    let mut cmd = s.env.pave();
    let out = with_identity(&mut cmd)
        .args(["release", "team-api", "--registry", &url, "--path"])
        .arg(s.env.work().join("team-b"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("holds the blueprint `team-b`, not `team-api`"),
        "{}",
        text(&out)
    );
    assert_eq!(refs(&s.bare), before);
}

/// The whole loop from a developer's change to the blueprint and back: the developer sends
/// feedback with the project's diff; the platform team absorbs it from the item (a line masked
/// as a possible secret is not absorbed, and says why), tests and publishes the next version
/// addressing the item; the developer's update says so and finds nothing to merge.
#[test]
fn a_developer_s_change_comes_back_through_feedback_absorb_and_publish() {
    let s = served_with_git_sink();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    let out = publish(&s.env, &url, &["team-api", "-m", "First version"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(
        s.env.path("home/.gitconfig"),
        "[user]\n\tname = Platform One\n\temail = p1@example.invalid\n",
    )
    .unwrap();

    // The developer's project, edited: a setting, a line naming the project, and a line that
    // looks like a secret.
    let dev = Env::new();
    dev.run(["registry", "add", "acme", &url]).code(0);
    dev.run([
        "new",
        "acme/team-api",
        "svc",
        "--defaults",
        "--set",
        "project_name=svc-orders",
    ])
    .code(0);
    let config = dev.work().join("svc/samconfig.toml");
    let edited = std::fs::read_to_string(&config).unwrap().replace(
        "confirm_changeset = true\n",
        "confirm_changeset = false\ntags = \"project=svc-orders\"\n",
    );
    std::fs::write(&config, &edited).unwrap();
    let readme = dev.work().join("svc/README.md");
    let mut text_ = std::fs::read_to_string(&readme).unwrap();
    text_.push_str("\ndb_password: hunter2-not-for-the-blueprint\n");
    std::fs::write(&readme, &text_).unwrap();
    let sent = dev
        .run([
            "feedback",
            "submit",
            "svc",
            "--include-diff",
            "--kind",
            "improvement",
            "-m",
            "we never confirm change sets in CI",
            "--json",
        ])
        .code(0)
        .json();
    let id = sent["id"].as_str().expect("an id").to_string();

    // The platform team absorbs the item into its folder.
    let run = s
        .env
        .run([
            "blueprint",
            "absorb",
            "--feedback",
            &id,
            "--registry",
            &url,
            "--into",
            "team-api",
            "--allow-dirty",
        ])
        .code(3)
        .line_has(
            "  samconfig.toml @@",
            &["absorbed with variables (project_name)"],
        )
        .line_has("  README.md @@", &["not absorbed", "possible secret"])
        .stderr_has(&format!("feedback {id} is accepted"));
    let template = std::fs::read_to_string(folder.join("template/samconfig.toml.hbs")).unwrap();
    assert!(
        template.contains("confirm_changeset = false\ntags = \"project={{project_name}}\"\n"),
        "{template}\n{}",
        run.stdout()
    );
    let rej = std::fs::read_to_string(folder.join("absorb.rej")).unwrap();
    assert!(
        rej.contains("+[pave: line removed, it looked like a secret]"),
        "{rej}"
    );
    assert!(!rej.contains("hunter2"), "{rej}");
    let shown = s
        .env
        .run(["feedback", "show", &id, "--registry", &url, "--json"])
        .code(0)
        .json();
    assert_eq!(shown["status"], "accepted", "{shown}");
    let note = shown["history"][0]["reason"].as_str().unwrap_or_default();
    assert!(note.contains("absorbed into team-api: 1 of 2"), "{shown}");

    // Test, publish the next version addressing the item.
    std::fs::remove_file(folder.join("absorb.rej")).unwrap();
    s.env
        .run(["blueprint", "test", "team-api", "--update-snapshots"])
        .code(0);
    let out = publish(
        &s.env,
        &url,
        &[
            "team-api",
            "-m",
            "Change sets are not confirmed",
            "--addresses",
            &id,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    // The developer hears of it, and the update has nothing of theirs to merge.
    dev.run(["registry", "sync", "acme"]).code(0);
    dev.run(["update", "svc", "--dry-run"])
        .code(0)
        .stdout_has(&format!("addresses your feedback {id}"));
    dev.run(["update", "svc"]).code(0);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), edited);
    dev.run(["diff", "svc", "--stat"])
        .code(0)
        .stdout_has("README.md")
        .stdout_lacks("samconfig.toml");

    // An item without a diff is refused, with why.
    let question = dev
        .run([
            "feedback", "submit", "svc", "--kind", "question", "-m", "why?", "--json",
        ])
        .code(0)
        .json();
    let question = question["id"].as_str().expect("an id").to_string();
    let absorb = |id: &str| {
        s.env.run([
            "blueprint",
            "absorb",
            "--feedback",
            id,
            "--registry",
            &url,
            "--into",
            "team-api",
            "--dry-run",
        ])
    };
    absorb(&question).code(2).stderr_has("carries no diff");
    // With the registry unreachable, the item is read from the cache, and the output says so.
    drop(daemon);
    absorb(&id)
        .code(3)
        .stderr_has("could not be fetched")
        .stderr_has(&format!("feedback {id} was read from the cache"));
}
