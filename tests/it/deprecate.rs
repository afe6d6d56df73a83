//! `pave deprecate` and `pave yank` over a writable `git daemon`: the records reach
//! registry.yaml (comments kept) in one commit each, and `new`, `list`, `show` and `outdated`
//! on another cache see them; a refused push leaves the remote's and the cache's refs as they
//! were; malformed `deprecated:`/`yanked:` items are refused with their positions.

use crate::support::git::{GitDaemon, git};
use crate::support::{Env, text};
use std::path::{Path, PathBuf};

fn pave_as_team(env: &Env, args: &[&str]) -> std::process::Output {
    env.pave()
        .env("GIT_AUTHOR_NAME", "Team A")
        .env("GIT_AUTHOR_EMAIL", "team-a@example.invalid")
        .args(args)
        .output()
        .unwrap()
}

fn refs(dir: &Path) -> String {
    git(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

fn cache_repo(env: &Env) -> PathBuf {
    std::fs::read_dir(env.path("cache").join("git"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "git"))
        .expect("a cache entry")
}

/// A registry from `pave registry init`, served writable, with `team-api` 0.1.0 and 0.1.1.
struct Served {
    env: Env,
    bare: PathBuf,
    daemon: GitDaemon,
}

fn served() -> Served {
    let env = Env::new();
    let src = env.path("reg-src");
    let out = pave_as_team(
        &env,
        &["registry", "init", src.to_str().unwrap(), "--name", "acme"],
    );
    assert!(out.status.success(), "{}", text(&out));
    std::fs::create_dir_all(env.path("served")).unwrap();
    git(
        &env.path("served"),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "reg.git"],
    );
    let bare = env.path("served/reg.git");
    let daemon = GitDaemon::writable(&env.path("served"), "reg.git");
    env.pave()
        .args(["blueprint", "init", "team-api"])
        .assert()
        .success();
    env.pave()
        .args(["blueprint", "test", "team-api", "--update-snapshots"])
        .assert()
        .success();
    let url = daemon.url();
    for version in ["0.1.0", "0.1.1"] {
        let out = pave_as_team(
            &env,
            &[
                "publish",
                "team-api",
                "--version",
                version,
                "--no-gate",
                "--registry",
                &url,
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    Served { env, bare, daemon }
}

/// A developer's environment with the registry configured as `acme`.
fn developer(url: &str) -> Env {
    let dev = Env::new();
    dev.pave()
        .args(["registry", "add", "acme", url])
        .assert()
        .success();
    dev
}

fn new_project(dev: &Env, spec: &str, dir: &str) -> std::process::Output {
    dev.pave()
        .args(["new", spec, dir, "--defaults", "--set"])
        .arg(format!("project_name={dir}"))
        .output()
        .unwrap()
}

#[test]
fn deprecate_and_yank_are_seen_by_new_list_show_and_outdated() {
    let s = served();
    let url = s.daemon.url();
    let dev = developer(&url);
    // Projects made before the records: one on each version.
    assert!(
        new_project(&dev, "acme/team-api@=0.1.0", "on-old")
            .status
            .success()
    );
    assert!(
        new_project(&dev, "acme/team-api@=0.1.1", "on-new")
            .status
            .success()
    );

    let out = pave_as_team(
        &s.env,
        &[
            "deprecate",
            "team-api@<0.2",
            "--reason",
            "moved to the HTTP API blueprint",
            "--use",
            "team-http",
            "--registry",
            &url,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("(0.1.0, 0.1.1)"), "{}", text(&out));
    let out = pave_as_team(
        &s.env,
        &[
            "yank",
            "team-api@0.1.1",
            "--reason",
            "opens the bucket",
            "--registry",
            &url,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    // Two commits on main with the messages, registry.yaml holding both, comments kept.
    let log = git(&s.bare, &["log", "-2", "--format=%s|%an", "main"]);
    assert_eq!(
        log,
        "yank team-api@0.1.1: opens the bucket|Team A\ndeprecate team-api@<0.2: moved to the HTTP API blueprint|Team A\n"
    );
    let index = git(&s.bare, &["show", "main:registry.yaml"]);
    assert!(
        index.contains("    deprecated:\n      - versions: \"<0.2\"\n        reason: \"moved to the HTTP API blueprint\"\n        use: \"team-http\"\n    yanked:\n      - version: \"0.1.1\"\n        reason: \"opens the bucket\"\n"),
        "{index}"
    );
    assert!(
        index.contains("# Where `pave feedback submit` sends feedback items:"),
        "{index}"
    );
    // The tag of a yanked version stays.
    assert!(refs(&s.bare).contains("refs/tags/team-api/v0.1.1"));
    // Yanking twice is refused and changes nothing.
    let before = refs(&s.bare);
    let out = pave_as_team(
        &s.env,
        &[
            "yank",
            "team-api@0.1.1",
            "--reason",
            "again",
            "--registry",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("yanked already"), "{}", text(&out));
    assert_eq!(refs(&s.bare), before);
    // Yanking a version that was never released is refused.
    let out = pave_as_team(
        &s.env,
        &[
            "yank",
            "team-api@0.9.0",
            "--reason",
            "x",
            "--registry",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not a released version") && text(&out).contains("0.1.0, 0.1.1"),
        "{}",
        text(&out)
    );

    dev.pave().args(["registry", "sync"]).assert().success();

    // new: an unpinned requirement picks the newest version that is not yanked, and warns
    // that it is deprecated, with the reason and the replacement.
    let out = new_project(&dev, "acme/team-api", "fresh");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(
            "warning: team-api 0.1.0 is deprecated in registry acme: moved to the HTTP API blueprint; use team-http instead"
        ),
        "{}",
        text(&out)
    );
    let recorded = std::fs::read_to_string(dev.work().join("fresh/.pave.yaml")).unwrap();
    assert!(recorded.contains("0.1.0"), "{recorded}");
    // A requirement only the yanked version matches is refused, with how to pin it.
    let out = new_project(&dev, "acme/team-api@~0.1.1", "refused");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("0.1.1 was yanked (opens the bucket)")
            && text(&out).contains("team-api@=0.1.1"),
        "{}",
        text(&out)
    );
    assert!(!dev.work().join("refused").exists());
    // Pinned exactly, it is scaffolded.
    let out = new_project(&dev, "acme/team-api@=0.1.1", "pinned");
    assert!(out.status.success(), "{}", text(&out));

    // list marks both (text and JSON) and shows the version `new` picks.
    let out = dev
        .pave()
        .args(["list", "--registry", "acme"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("team-api"))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(
        line.contains("0.1.0")
            && line.contains("[deprecated: moved to the HTTP API blueprint; use team-http]")
            && line.contains("[yanked: 0.1.1]"),
        "{line}"
    );
    let out = dev
        .pave()
        .args(["list", "--registry", "acme", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = &json[0];
    assert_eq!(item["version"], "0.1.0");
    assert_eq!(item["deprecated"]["use"], "team-http");
    assert_eq!(item["yanked"][0]["version"], "0.1.1");
    assert_eq!(item["yanked"][0]["reason"], "opens the bucket");

    // show marks them too.
    let out = dev
        .pave()
        .args(["show", "acme/team-api@=0.1.1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(shown.contains("versions: 0.1.0, 0.1.1 (yanked)"), "{shown}");
    assert!(
        shown.contains(
            "DEPRECATED: team-api 0.1.1: moved to the HTTP API blueprint; use team-http instead"
        ),
        "{shown}"
    );
    assert!(shown.contains("yanked 0.1.1: opens the bucket"), "{shown}");
    let out = dev
        .pave()
        .args(["show", "acme/team-api", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "0.1.0");
    assert_eq!(json["deprecated"][0]["versions"], "<0.2");
    assert_eq!(json["yanked"][0]["version"], "0.1.1");
    assert_eq!(json["this_version"]["deprecated"], true);
    assert_eq!(json["this_version"]["yanked"], false);

    // outdated: both projects are deprecated, the one on 0.1.1 yanked; 0.1.1 is no target.
    let out = dev
        .pave()
        .args(["outdated", "on-old", "on-new", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["deprecated"], true, "{rows}");
    assert_eq!(rows[0]["yanked"], false, "{rows}");
    assert_eq!(rows[0]["newest"], "0.1.0", "{rows}");
    assert_eq!(rows[0]["behind"], false, "{rows}");
    assert_eq!(rows[1]["deprecated"], true, "{rows}");
    assert_eq!(rows[1]["yanked"], true, "{rows}");
    assert_eq!(rows[1]["notes"][1], "yanked: opens the bucket", "{rows}");
    let out = dev.pave().args(["outdated", "on-new"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        table.contains("deprecated,yanked")
            && table.contains("  deprecated: moved to the HTTP API blueprint (use team-http)")
            && table.contains("  yanked: opens the bucket"),
        "{table}"
    );
}

#[test]
fn a_refused_push_leaves_the_remote_and_the_cache_as_they_were() {
    let s = served();
    let url = s.daemon.url();
    let remote = refs(&s.bare);
    let cache = cache_repo(&s.env);
    let cached = refs(&cache);
    let hook = s.bare.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho no pushes today >&2\nexit 1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for args in [
        vec![
            "deprecate",
            "team-api",
            "--reason",
            "old",
            "--registry",
            &url,
        ],
        vec![
            "yank",
            "team-api@0.1.0",
            "--reason",
            "bad",
            "--registry",
            &url,
        ],
    ] {
        let out = pave_as_team(&s.env, &args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains("refused") && text(&out).contains("nothing was recorded"),
            "{}",
            text(&out)
        );
        assert_eq!(refs(&s.bare), remote, "{args:?}: remote refs");
        assert_eq!(refs(&cache), cached, "{args:?}: cache refs");
    }
    std::fs::remove_file(&hook).unwrap();
    // Once the server takes pushes again, the same command goes through.
    let out = pave_as_team(
        &s.env,
        &[
            "deprecate",
            "team-api",
            "--reason",
            "old",
            "--registry",
            &url,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        git(&s.bare, &["log", "-1", "--format=%s", "main"]),
        "deprecate team-api: old\n"
    );
    assert_ne!(refs(&cache), cached);
}

#[test]
fn malformed_deprecated_and_yanked_items_are_refused_with_positions() {
    let s = served();
    let url = s.daemon.url();
    let work = s.env.path("edit");
    git(
        &s.env.path("."),
        &[
            "clone",
            "-q",
            s.bare.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    let path = work.join("registry.yaml");
    let index = std::fs::read_to_string(&path).unwrap();
    let bad = index.replace(
        "    owners: []\n",
        "    owners: []\n    deprecated:\n      - versions: \"<<1\"\n        reason: old\n    yanked:\n      - version: ^0.1\n        reason: bad\n",
    );
    assert_ne!(bad, index);
    std::fs::write(&path, &bad).unwrap();
    let line_of = |needle: &str| {
        bad.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let (dep_line, yank_line) = (line_of("<<1"), line_of("^0.1"));
    git(
        &work,
        &[
            "-c",
            "user.name=x",
            "-c",
            "user.email=x@x",
            "commit",
            "-qam",
            "bad",
        ],
    );
    git(&work, &["push", "-q", "origin", "main"]);

    let dev = Env::new();
    let out = dev
        .pave()
        .args(["list", "--registry", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains(&format!(
            "{dep_line}:20: `deprecated: versions: <<1` of `team-api` is not a version requirement"
        )) && text(&out).contains(&format!(
            "{yank_line}:18: `yanked: version: ^0.1` of `team-api` is not an exact version"
        )),
        "{}",
        text(&out)
    );
    // deprecate on such an index is refused, and nothing is pushed.
    let remote = refs(&s.bare);
    let out = pave_as_team(
        &s.env,
        &["deprecate", "team-api", "--reason", "x", "--registry", &url],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("not a version requirement"),
        "{}",
        text(&out)
    );
    assert_eq!(refs(&s.bare), remote);
}
