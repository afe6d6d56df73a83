//! The git feedback sink against a real `git daemon` with receive-pack: an item submitted in a
//! project lands as a file on the registry's `pave-feedback` branch; eight submitters at once
//! sharing one cache all land; a server that is down keeps the item in the spool until a
//! flush; accept/resolve/decline are commits whose who, when and why `feedback show` reads
//! back; a push refused by a hook changes nothing and keeps the item.

use crate::support::git::{GitDaemon, RegistryBuilder, git, git_command};
use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A registry with orders-api 1.0.0 whose registry.yaml names a git feedback sink, served
/// bare from `served/reg.git` by a writable daemon, and added to the config as `acme`.
struct Served {
    env: Env,
    bare: PathBuf,
    daemon: GitDaemon,
}

fn served() -> Served {
    let env = Env::new();
    let reg = RegistryBuilder::new(&env.path("src/reg"))
        .blueprint(
            BlueprintBuilder::new("orders-api")
                .version("1.0.0")
                .summary("for tests")
                .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
                .file("template/README.md.hbs", "# {{project_name}}\n"),
        )
        .release();
    let index = reg.path().join("registry.yaml");
    let mut text_ = std::fs::read_to_string(&index).unwrap();
    text_.push_str("feedback:\n  sink: git\n");
    std::fs::write(&index, text_).unwrap();
    reg.commit("Send feedback to the pave-feedback branch");
    std::fs::create_dir_all(env.path("served")).unwrap();
    git(
        &env.path("served"),
        &[
            "clone",
            "-q",
            "--bare",
            reg.path().to_str().unwrap(),
            "reg.git",
        ],
    );
    let daemon = GitDaemon::writable(&env.path("served"), "reg.git");
    // The submitter's git identity, read from the home's git configuration.
    std::fs::write(
        env.path("home/.gitconfig"),
        "[user]\n\tname = Dev One\n\temail = dev1@example.invalid\n",
    )
    .unwrap();
    let out = env
        .pave()
        .args(["registry", "add", "acme", &daemon.url()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    Served {
        bare: env.path("served/reg.git"),
        env,
        daemon,
    }
}

fn pave(env: &Env, dir: &Path, args: &[&str]) -> std::process::Output {
    env.pave().current_dir(dir).args(args).output().unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

/// The item files on the remote's branch.
fn remote_files(bare: &Path) -> Vec<String> {
    let out = git_command(bare)
        .args(["ls-tree", "-r", "--name-only", "pave-feedback"])
        .output()
        .unwrap();
    if !out.status.success() {
        return Vec::new();
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn refs(dir: &Path) -> String {
    git(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

fn cache_repo(env: &Env) -> PathBuf {
    std::fs::read_dir(env.path("cache/git"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "git"))
        .expect("a cache entry")
}

fn submit_outside(env: &Env, message: &str) -> std::process::Output {
    pave(
        env,
        &env.work(),
        &[
            "feedback",
            "submit",
            "--kind",
            "improvement",
            "--registry",
            "acme",
            "--blueprint",
            "orders-api@1.0.0",
            "-m",
            message,
            "--json",
        ],
    )
}

fn waiting(env: &Env) -> Vec<Value> {
    json(&pave(env, &env.work(), &["feedback", "status", "--json"]))["waiting"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_item_submitted_in_a_project_lands_on_the_branch_and_a_resend_is_a_no_op() {
    let s = served();
    let env = &s.env;
    let out = pave(
        env,
        &env.work(),
        &["new", "acme/orders-api", "svc", "--set", "project_name=svc"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = pave(
        env,
        &env.work().join("svc"),
        &[
            "feedback",
            "submit",
            "--kind",
            "bug",
            "--rating",
            "2",
            "-m",
            "the alarm fires on deploy",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let answer = json(&out);
    assert_eq!(answer["sent"], true, "{answer}");
    let id = answer["id"].as_str().unwrap().to_string();
    assert!(
        answer["to"]
            .as_str()
            .unwrap()
            .contains("branch pave-feedback of git://"),
        "{answer}"
    );
    let path = format!("feedback/orders-api/{id}.json");
    assert_eq!(remote_files(&s.bare), vec![path.clone()]);
    let file: Value =
        serde_json::from_str(&git(&s.bare, &["show", &format!("pave-feedback:{path}")])).unwrap();
    assert_eq!(file["id"], id.as_str());
    assert_eq!(file["message"], "the alarm fires on deploy");
    assert_eq!(file["version"], "1.0.0");
    assert_eq!(file["project"], "svc");
    assert_eq!(
        git(
            &s.bare,
            &["log", "-1", "--format=%an <%ae>|%s", "pave-feedback"]
        )
        .trim(),
        format!("Dev One <dev1@example.invalid>|feedback: bug {id} on orders-api@1.0.0")
    );
    // The branch starts from an empty tree: nothing of the registry's main branch.
    assert_eq!(
        git(&s.bare, &["rev-list", "--count", "pave-feedback"]).trim(),
        "1"
    );
    assert!(waiting(env).is_empty());

    // The same item again (as a resend after a lost answer would): no second commit.
    let sink = item_in_spool_again(env, &file);
    assert!(sink.status.success(), "{}", text(&sink));
    assert_eq!(
        git(&s.bare, &["rev-list", "--count", "pave-feedback"]).trim(),
        "1"
    );
    assert!(waiting(env).is_empty(), "the resent item left the spool");

    // The platform side reads the branch without --from.
    let out = pave(env, &env.work(), &["feedback", "list", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let items = json(&out);
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items[0]["id"], id.as_str());
    let out = pave(env, &env.work(), &["feedback", "report", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json(&out)["items"], 1);
}

/// Puts `item` back into the spool and flushes it.
fn item_in_spool_again(env: &Env, item: &Value) -> std::process::Output {
    let spool = env.path("state/spool");
    std::fs::create_dir_all(&spool).unwrap();
    std::fs::write(
        spool.join(format!("{}.json", item["id"].as_str().unwrap())),
        serde_json::to_vec_pretty(item).unwrap(),
    )
    .unwrap();
    assert_eq!(waiting(env).len(), 1, "the item is back in the spool");
    pave(env, &env.work(), &["feedback", "flush"])
}

#[test]
fn eight_submitters_at_once_sharing_one_cache_all_land() {
    let s = served();
    let env = &s.env;
    // Warm the cache so that all eight fetch rather than clone.
    assert!(submit_outside(env, "warm-up").status.success());
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = env.pave_process();
            cmd.env("PAVE_STATE_DIR", env.path(&format!("state-{i}")))
                .args([
                    "feedback",
                    "submit",
                    "--kind",
                    "question",
                    "--registry",
                    "acme",
                    "--blueprint",
                    "orders-api@1.0.0",
                    "-m",
                    &format!("question number {i}"),
                    "--json",
                ])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let answer = json(&out);
        assert_eq!(answer["sent"], true, "{answer}");
        ids.push(answer["id"].as_str().unwrap().to_string());
    }
    let files = remote_files(&s.bare);
    assert_eq!(files.len(), 9, "{files:?}");
    for id in &ids {
        assert!(
            files.contains(&format!("feedback/orders-api/{id}.json")),
            "{id} lost: {files:?}"
        );
    }
    assert_eq!(
        git(&s.bare, &["rev-list", "--count", "pave-feedback"]).trim(),
        "9"
    );
}

#[test]
fn a_server_that_is_down_keeps_the_item_until_a_flush_sends_it_once() {
    let mut s = served();
    let env = &s.env;
    let port = s.daemon.port;
    s.daemon.stop();
    let out = submit_outside(env, "cache POST responses");
    assert!(out.status.success(), "{}", text(&out));
    let answer = json(&out);
    assert_eq!(answer["sent"], false, "{answer}");
    assert_eq!(answer["kept"]["retry"], true, "{answer}");
    let kept = waiting(env);
    assert_eq!(kept.len(), 1);
    assert!(remote_files(&s.bare).is_empty());

    let _back = GitDaemon::writable_on(&env.path("served"), "reg.git", port);
    let out = pave(env, &env.work(), &["feedback", "flush"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(waiting(env).is_empty());
    let out = pave(env, &env.work(), &["feedback", "flush"]);
    assert!(text(&out).contains("Nothing waits"), "{}", text(&out));
    assert_eq!(
        remote_files(&s.bare),
        vec![format!(
            "feedback/orders-api/{}.json",
            kept[0]["id"].as_str().unwrap()
        )]
    );
}

#[test]
fn accept_resolve_and_decline_are_commits_with_who_when_and_why() {
    let s = served();
    let env = &s.env;
    let first = json(&submit_outside(env, "cache POST responses"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = json(&submit_outside(env, "a GraphQL variant"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lead = |args: &[&str]| {
        env.pave()
            .env("GIT_AUTHOR_NAME", "Lead Platform")
            .env("GIT_AUTHOR_EMAIL", "lead@example.invalid")
            .args(args)
            .output()
            .unwrap()
    };
    let out = lead(&["feedback", "accept", &first]);
    assert!(out.status.success(), "{}", text(&out));
    let out = lead(&["feedback", "resolve", &first, "--in", "1.1.0"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = lead(&[
        "feedback",
        "decline",
        &second,
        "--reason",
        "out of scope for this blueprint",
    ]);
    assert!(out.status.success(), "{}", text(&out));

    let shown = json(&pave(
        env,
        &env.work(),
        &["feedback", "show", &first, "--json"],
    ));
    assert_eq!(shown["status"], "addressed", "{shown}");
    assert_eq!(shown["addressed_in"], "1.1.0");
    let history = shown["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{shown}");
    assert_eq!(history[0]["status"], "accepted");
    assert_eq!(history[1]["status"], "addressed");
    assert_eq!(history[1]["by"]["name"], "Lead Platform");
    assert_eq!(history[1]["by"]["email"], "lead@example.invalid");
    assert_eq!(history[1]["reason"], "addressed in 1.1.0");
    assert!(history[1]["at"].as_str().unwrap().ends_with('Z'));

    let shown = json(&pave(
        env,
        &env.work(),
        &["feedback", "show", &second, "--json"],
    ));
    assert_eq!(shown["status"], "declined", "{shown}");
    assert_eq!(
        shown["history"][0]["reason"],
        "out of scope for this blueprint"
    );

    let log = git(
        &s.bare,
        &["log", "--format=%an <%ae> %aI|%B", "pave-feedback"],
    );
    assert!(
        log.contains(&format!("|feedback: resolve {first} in 1.1.0"))
            && log.contains(&format!("|feedback: accept {first}")),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "|feedback: decline {second}\n\nout of scope for this blueprint"
        )),
        "{log}"
    );
    assert_eq!(
        log.matches("Lead Platform <lead@example.invalid> 20")
            .count(),
        3,
        "{log}"
    );

    // Only decided items: the filter reads the branch.
    let out = pave(
        env,
        &env.work(),
        &["feedback", "list", "--status", "declined", "--json"],
    );
    let items = json(&out);
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items[0]["id"], second.as_str());

    // An unknown id changes nothing and says so.
    let before = refs(&s.bare);
    let out = lead(&["feedback", "accept", "01JC3Z5X0M6V7Q2W9R4T8Y1B3N"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out)
            .contains("no feedback item `01JC3Z5X0M6V7Q2W9R4T8Y1B3N` on branch pave-feedback"),
        "{}",
        text(&out)
    );
    assert_eq!(refs(&s.bare), before);
}

#[test]
fn a_push_refused_by_a_hook_changes_nothing_and_keeps_the_item() {
    let s = served();
    let env = &s.env;
    assert!(json(&submit_outside(env, "first"))["sent"] == true);
    let hook = s.bare.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'feedback is closed' >&2\nexit 1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let remote = refs(&s.bare);
    let cache = cache_repo(env);
    let cached = refs(&cache);
    let out = submit_outside(env, "second");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("refused by the server"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("hook declined"), "{}", text(&out));
    assert_eq!(refs(&s.bare), remote, "remote refs");
    assert_eq!(refs(&cache), cached, "cache refs");
    let kept = waiting(env);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["failure"]["retry"], false, "{kept:?}");

    // Once the hook is gone, a flush sends it.
    std::fs::remove_file(&hook).unwrap();
    let out = pave(env, &env.work(), &["feedback", "flush"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(remote_files(&s.bare).len(), 2);
}

#[test]
fn publish_addresses_marks_the_items_addressed_in_the_new_version() {
    let s = served();
    let env = &s.env;
    let id = json(&submit_outside(env, "a team API blueprint"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let folder = crate::publish::blueprint(env, "team-api");
    let unknown = "01JC3Z5X0M6V7Q2W9R4T8Y1B3N";
    let out = env
        .pave()
        .env("GIT_AUTHOR_NAME", "Lead Platform")
        .env("GIT_AUTHOR_EMAIL", "lead@example.invalid")
        .arg("publish")
        .arg(&folder)
        .args(["--registry", "acme", "-m", "First version"])
        .args(["--addresses", &id, "--addresses", unknown])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("marked feedback {id} addressed in 0.1.0")),
        "{}",
        text(&out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("warning: feedback {unknown} not marked addressed"))
            && stderr.contains("the publish succeeded"),
        "{}",
        text(&out)
    );

    let shown = json(&pave(
        env,
        &env.work(),
        &["feedback", "show", &id, "--json"],
    ));
    assert_eq!(shown["status"], "addressed", "{shown}");
    assert_eq!(shown["addressed_in"], "0.1.0", "{shown}");
    assert_eq!(
        shown["history"][0]["by"]["name"], "Lead Platform",
        "{shown}"
    );
}

#[test]
fn resolve_takes_only_a_released_version_or_the_next_one() {
    let s = served();
    let env = &s.env;
    let id = json(&submit_outside(env, "cache POST responses"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resolve = |version: &str| {
        env.pave()
            .env("GIT_AUTHOR_NAME", "Lead Platform")
            .env("GIT_AUTHOR_EMAIL", "lead@example.invalid")
            .args(["feedback", "resolve", &id, "--in", version, "--json"])
            .output()
            .unwrap()
    };
    // A version that does not exist, and one that skips a minor, are refused; nothing is
    // written.
    let before = refs(&s.bare);
    for wrong in ["9.9.9", "1.2.0"] {
        let out = resolve(wrong);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            text(&out).contains(&format!(
                "{wrong} is not a version of orders-api: give a released one (1.0.0) or the next to publish (1.0.1, 1.1.0, 2.0.0)"
            )),
            "{}",
            text(&out)
        );
        assert_eq!(refs(&s.bare), before);
    }
    // A released version, the next patch, and a pre-release of the next minor are taken.
    for right in ["1.0.0", "1.0.1", "1.1.0-rc.1"] {
        let out = resolve(right);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(json(&out)["addressed_in"], right);
    }
}
