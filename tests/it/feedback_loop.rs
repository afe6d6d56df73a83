//! Closing the feedback loop through the binary: a developer's project sends feedback to a
//! real HTTP sink on 127.0.0.1, the platform team publishes a newer version `--addresses` that
//! item to a writable `git daemon`, and the developer's `pave outdated` and `pave update` name
//! the item the newer version addresses.

use crate::publish::{blueprint, git, publish, served};
use crate::support::git::GitDaemon;
use crate::support::http::{Answer, HttpServer};
use crate::support::{Env, text};
use serde_json::Value;

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

/// The developer's environment: the registry added as `acme`, its feedback going to `sink`,
/// and a project `svc` made from `team-api` 0.1.0.
fn developer(url: &str, sink: &str) -> Env {
    let dev = Env::new();
    dev.pave()
        .args(["registry", "add", "acme", url])
        .assert()
        .success();
    let config = dev.path("home/pave.yaml");
    let mut yaml = std::fs::read_to_string(&config).unwrap();
    yaml.push_str(&format!(
        "feedback:\n  acme:\n    sink: http\n    url: {sink}\n    token_env: FB_TOKEN\n"
    ));
    std::fs::write(&config, yaml).unwrap();
    let out = dev
        .pave()
        .args([
            "new",
            "acme/team-api@=0.1.0",
            "svc",
            "--defaults",
            "--set",
            "project_name=svc",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    dev
}

#[test]
fn update_and_outdated_name_the_feedback_a_newer_version_addresses() {
    let s = served();
    let daemon = GitDaemon::writable(&s.env.path("served"), "reg.git");
    let url = daemon.url();
    let folder = blueprint(&s.env, "team-api");
    let out = publish(&s.env, &url, &["team-api", "-m", "First cut"]);
    assert!(out.status.success(), "{}", text(&out));

    // The developer sends two items over the real path; the sink confirms both.
    let server = HttpServer::start(vec![Answer::Status(201, "{}")]);
    let dev = developer(&url, &server.url());
    let submit = |message: &str| {
        let out = dev
            .pave()
            .current_dir(dev.work().join("svc"))
            .env("FB_TOKEN", "t0k")
            .args(["feedback", "submit", "--kind", "improvement", "-m", message])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    };
    submit("cache POST responses");
    submit("a WAF option");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let addressed_id = requests[0].json()["id"].as_str().unwrap().to_string();
    let other_id = requests[1].json()["id"].as_str().unwrap().to_string();
    assert_eq!(requests[0].json()["registry"], url.as_str());

    // Before a newer version, nothing is addressed.
    let out = dev
        .pave()
        .args(["outdated", "svc", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)[0]["addressed"], serde_json::json!([]));

    // The platform team publishes 0.2.0 addressing the first item only.
    let manifest = folder.join("blueprint.yaml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        m.replace("checks: []", "  - name: owner\n    default: me\nchecks: []"),
    )
    .unwrap();
    let out = publish(
        &s.env,
        &url,
        &[
            "team-api",
            "-m",
            "Caches POST",
            "--addresses",
            &addressed_id,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let log = git(&s.bare, &["show", "main:blueprints/team-api/CHANGELOG.md"]);
    assert!(
        log.contains(&format!("- Addresses feedback {addressed_id}\n")),
        "{log}"
    );

    // The developer's cache learns of 0.2.0 (as its fetch interval would).
    dev.pave()
        .args(["registry", "sync", "acme"])
        .assert()
        .success();

    // outdated: the column and the line below the row, and the JSON field.
    let out = dev.pave().args(["outdated", "svc"]).output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = shown.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.ends_with("ADDRESSED"), "{shown}");
    let row = lines.next().unwrap_or_default();
    assert!(row.starts_with("svc") && row.ends_with(" 1"), "{shown}");
    assert!(
        shown.contains(&format!(
            "  0.2.0 addresses your feedback {addressed_id}: 'cache POST responses'"
        )),
        "{shown}"
    );
    assert!(!shown.contains(&other_id), "{shown}");
    let out = dev
        .pave()
        .args(["outdated", "svc", "--json"])
        .output()
        .unwrap();
    let rows = json_of(&out);
    let addressed = rows[0]["addressed"].as_array().unwrap();
    assert_eq!(addressed.len(), 1, "{rows}");
    assert_eq!(addressed[0]["id"], addressed_id.as_str());
    assert_eq!(addressed[0]["version"], "0.2.0");
    assert_eq!(addressed[0]["message"], "cache POST responses");

    // update --dry-run --json carries it; the update itself prints it after the summary.
    let out = dev
        .pave()
        .args(["update", "svc", "--dry-run", "--json"])
        .output()
        .unwrap();
    let planned = json_of(&out);
    assert_eq!(
        planned["addressed"][0]["id"],
        addressed_id.as_str(),
        "{planned}"
    );
    assert_eq!(planned["addressed"].as_array().unwrap().len(), 1);
    let out = dev
        .pave()
        .args(["update", "svc", "--allow-dirty"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    let summary = shown.find("Summary:").expect("a summary");
    let message = shown
        .find(&format!(
            "0.2.0 addresses your feedback {addressed_id}: 'cache POST responses'"
        ))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(message > summary, "after the summary: {shown}");

    // Now on 0.2.0: nothing newer addresses anything.
    let out = dev
        .pave()
        .args(["outdated", "svc", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)[0]["addressed"], serde_json::json!([]));
}
