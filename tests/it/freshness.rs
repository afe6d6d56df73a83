//! A cache that never hides the registry: after the first fetch, and within the fetch interval,
//! the platform team publishes a blueprint, a version, a feedback sink or a feedback item; a
//! command that misses it in the cache fetches the registry once and finds it. Each registry is
//! served by a real `git daemon` whose log counts the fetches. Offline, the miss says how old
//! the cache is and how to fetch it.

use crate::support::git::{GitDaemon, RegistryBuilder, small};
use crate::support::{Env, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A registry with demo 1.0.0 served by a logging, writable daemon, and a developer's
/// environment that added it as `acme` (so its cache was fetched just now).
struct Served {
    reg: RegistryBuilder,
    daemon: GitDaemon,
    log: PathBuf,
    env: Env,
}

fn served() -> Served {
    let mut reg = RegistryBuilder::in_temp();
    reg.publish(small("demo", "1.0.0"));
    let log = reg.base().join("daemon.log");
    let daemon = reg.serve_writable_logged(&log);
    let env = user(&daemon);
    Served {
        reg,
        daemon,
        log,
        env,
    }
}

/// A fresh environment with the registry added as `acme` and a git identity.
fn user(daemon: &GitDaemon) -> Env {
    let env = Env::new();
    std::fs::write(
        env.path("home/.gitconfig"),
        "[user]\n\tname = Pat Form\n\temail = pat@example.invalid\n",
    )
    .unwrap();
    ok(&env, &["registry", "add", "acme", &daemon.url()]);
    env
}

fn run(env: &Env, args: &[&str]) -> std::process::Output {
    env.pave().args(args).output().unwrap()
}

fn ok(env: &Env, args: &[&str]) -> std::process::Output {
    let out = run(env, args);
    assert!(out.status.success(), "pave {args:?}: {}", text(&out));
    out
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

impl Served {
    /// How many clones and fetches the daemon served so far.
    fn fetches(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .matches("Request upload-pack")
            .count()
    }

    /// Runs pave in the developer's environment and says how many fetches it made.
    fn counted(&self, args: &[&str]) -> (std::process::Output, usize) {
        let before = self.fetches();
        let out = run(&self.env, args);
        // The daemon logs a request before serving it, so the count is complete.
        (out, self.fetches() - before)
    }

    /// Names a git feedback sink in `registry.yaml` and commits it.
    fn add_sink(&self) {
        let index = self.reg.path().join("registry.yaml");
        let mut text = std::fs::read_to_string(&index).unwrap();
        text.push_str("feedback:\n  sink: git\n");
        std::fs::write(&index, text).unwrap();
        self.reg.commit("Send feedback to the pave-feedback branch");
    }

    /// Another developer (with a cache of their own) sends an item; its id.
    fn item_from_someone_else(&self, message: &str) -> String {
        let other = user(&self.daemon);
        let out = ok(
            &other,
            &[
                "feedback",
                "submit",
                "--kind",
                "improvement",
                "--registry",
                "acme",
                "--blueprint",
                "demo@1.0.0",
                "-m",
                message,
                "--json",
            ],
        );
        let doc = json(&out);
        assert_eq!(doc["sent"], true, "{}", text(&out));
        doc["id"].as_str().unwrap().to_string()
    }
}

/// Sets the developer's cache as last fetched `ago`.
fn age_cache(env: &Env, ago: Duration) {
    let dir = env.path("cache/git");
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "git") {
            let stamp = std::fs::File::options()
                .write(true)
                .open(path.join("pave-fetched"))
                .unwrap();
            stamp.set_modified(SystemTime::now() - ago).unwrap();
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_blueprint_published_since_the_last_fetch_is_found_with_one_fetch() {
    let mut s = served();
    s.reg.publish(small("orders", "1.0.0"));
    let (out, fetches) = s.counted(&["show", "acme/orders", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json(&out)["version"], "1.0.0");
    assert_eq!(fetches, 1);
    // Unqualified: no registry holds it until acme is fetched.
    s.reg.publish(small("billing", "1.0.0"));
    let (out, fetches) = s.counted(&["new", "billing", "b", "--set", "project_name=b"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(read(&s.env.work().join("b/version.txt")), "1.0.0\n");
    assert_eq!(fetches, 1);
    // A name no registry holds, even after the fetch, is still an error, after one fetch.
    let (out, fetches) = s.counted(&["show", "acme/nothing"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no blueprint `nothing` in registry `acme`"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("--offline"), "{}", text(&out));
    assert_eq!(fetches, 1);
}

#[test]
fn a_version_released_since_the_last_fetch_is_resolved_with_one_fetch() {
    let mut s = served();
    s.reg.publish(small("demo", "2.0.0"));
    let (out, fetches) = s.counted(&["new", "acme/demo@^2", "p", "--set", "project_name=p"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(read(&s.env.work().join("p/version.txt")), "2.0.0\n");
    assert_eq!(fetches, 1);
    s.reg.publish(small("demo", "3.0.0"));
    let (out, fetches) = s.counted(&["update", "p", "--to", "3.0.0", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("demo 2.0.0 -> 3.0.0"), "{}", text(&out));
    assert_eq!(fetches, 1);
}

#[test]
fn a_feedback_sink_added_since_the_last_fetch_is_used() {
    let s = served();
    // A submitter whose cache predates the sink too.
    let dev = user(&s.daemon);
    s.add_sink();
    let (out, fetches) = s.counted(&["feedback", "list", "--registry", "acme", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json(&out), serde_json::json!([]));
    assert_eq!(fetches, 1);
    // The submitter's item is sent, not kept in the spool as refused.
    let out = run(
        &dev,
        &[
            "feedback",
            "submit",
            "--kind",
            "improvement",
            "--registry",
            "acme",
            "--blueprint",
            "demo@1.0.0",
            "-m",
            "a sink added since my last fetch",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json(&out)["sent"], true, "{}", text(&out));
    // Without a sink even after the fetch, the error says how to add one.
    let mut bare = RegistryBuilder::in_temp();
    bare.publish(small("demo", "1.0.0"));
    let env = Env::new();
    ok(&env, &["registry", "add", "plain", &bare.file_url()]);
    let out = run(&env, &["feedback", "list", "--registry", "plain"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("registry `plain` names no feedback sink")
            && text(&out).contains("hint: add `feedback:` to its registry.yaml"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_feedback_item_sent_since_the_last_fetch_is_shown_with_one_fetch() {
    let s = served();
    // The platform team's cache is from before the sink and the item.
    s.add_sink();
    let id = s.item_from_someone_else("please add a queue");
    let (out, fetches) = s.counted(&["feedback", "show", &id, "--registry", "acme", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json(&out)["message"], "please add a queue");
    // The fetch for the missing sink brought the item too: the registry is not fetched again.
    assert_eq!(fetches, 1);
    // An item sent later is found by the status change, which reads a fresh branch.
    let later = s.item_from_someone_else("and a topic");
    let (out, fetches) = s.counted(&["feedback", "accept", &later, "--registry", "acme"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("Accepted {later}")),
        "{}",
        text(&out)
    );
    assert_eq!(fetches, 1);
    // An id that is nowhere, even after the fetch, is an error that says where it looked.
    let missing = "01JC3Z5X0M6V7Q2W9R4T8Y1B3N";
    let out = run(&s.env, &["feedback", "show", missing, "--registry", "acme"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!(
            "no feedback item `{missing}` on branch pave-feedback"
        )) && text(&out).contains("hint: `pave feedback list` shows the items"),
        "{}",
        text(&out)
    );
}

#[test]
fn offline_a_miss_says_how_old_the_cache_is_and_how_to_fetch_it() {
    let mut s = served();
    s.add_sink();
    // The cache has the sink; it was fetched five minutes ago.
    ok(&s.env, &["registry", "sync", "acme"]);
    age_cache(&s.env, Duration::from_secs(5 * 60 + 5));
    s.reg.publish(small("orders", "1.0.0"));
    s.reg.publish(small("demo", "2.0.0"));
    // A release writes registry.yaml afresh: name the sink again.
    s.add_sink();
    let id = s.item_from_someone_else("sent while you were offline");
    let before = s.fetches();
    let hint = "hint: run `pave registry sync acme` while online";
    let table: [(&[&str], &str, i32); 4] = [
        (
            &["show", "acme/orders", "--offline"],
            "no blueprint `orders` in registry `acme`",
            1,
        ),
        (
            &[
                "new",
                "acme/demo@^2",
                "p",
                "--offline",
                "--set",
                "project_name=p",
            ],
            "blueprint `demo` has no version matching `^2`",
            1,
        ),
        (
            &["--offline", "feedback", "show", &id, "--registry", "acme"],
            &format!("no feedback item `{id}` on branch pave-feedback"),
            1,
        ),
        (
            &["show", "orders", "--offline"],
            "no blueprint `orders` in registry `builtin` or `acme`",
            1,
        ),
    ];
    for (args, miss, code) in table {
        let out = run(&s.env, args);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {all}");
        assert!(
            all.contains(miss) && all.contains("cache fetched 5 minutes ago"),
            "{args:?}: {all}"
        );
        assert!(all.contains(hint), "{args:?}: {all}");
    }
    // The same with --json: the age in the message, the way out in the hint.
    let out = run(&s.env, &["show", "acme/demo@^2", "--offline", "--json"]);
    let doc = json(&out);
    assert!(
        doc["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cache fetched 5 minutes ago")),
        "{doc}"
    );
    assert!(
        doc["error"]["hint"]
            .as_str()
            .is_some_and(|h| h.starts_with("run `pave registry sync acme` while online")),
        "{doc}"
    );
    // A status change needs the network.
    let out = run(&s.env, &["--offline", "feedback", "accept", &id]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--offline forbids"), "{}", text(&out));
    assert_eq!(s.fetches(), before, "offline, nothing is fetched");
    // Online, the same commands find what was published.
    ok(&s.env, &["show", "acme/orders"]);
    let out = ok(
        &s.env,
        &["feedback", "show", &id, "--registry", "acme", "--json"],
    );
    assert_eq!(json(&out)["message"], "sent while you were offline");
}

#[test]
fn offline_a_registry_without_a_sink_says_how_old_its_cache_is() {
    let s = served();
    s.add_sink();
    for args in [
        &["--offline", "feedback", "list", "--registry", "acme"][..],
        &["--offline", "feedback", "list"][..],
    ] {
        let out = run(&s.env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("registry `acme` names no feedback sink")
                && text(&out).contains("from a cache fetched")
                && text(&out).contains("hint: run `pave registry sync acme` while online"),
            "{args:?}: {}",
            text(&out)
        );
    }
    // An item submitted offline waits for a flush, which finds the sink online.
    let out = run(
        &s.env,
        &[
            "feedback",
            "submit",
            "--offline",
            "--kind",
            "improvement",
            "--registry",
            "acme",
            "--blueprint",
            "demo@1.0.0",
            "-m",
            "written on a plane",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let doc = json(&out);
    assert_eq!(doc["sent"], false, "{doc}");
    assert_eq!(doc["kept"]["retry"], true, "{doc}");
    assert!(
        doc["kept"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("from a cache fetched")),
        "{doc}"
    );
    let out = ok(&s.env, &["feedback", "flush", "--json"]);
    assert_eq!(json(&out)[0]["sent"], true, "{}", text(&out));
}
