//! The platform team's side of feedback through the binary: an attached diff carries the
//! project's answers (never a secret, neither on the sink nor in the spool); a new-pattern
//! request names the project it was sent from (a pave project, or a plain git work tree, its
//! remote without credentials); and `feedback report` shows each change's content grouped
//! across projects with the command that absorbs it, decisions, declined requests, the
//! extract command, and no hotspot for a file whose every changed line was masked.

use crate::support::git::git;
use crate::support::http::{Answer, HttpServer};
use crate::support::run::Run;
use crate::support::{BlueprintBuilder, Env, Param};
use serde_json::{Value, json};
use std::path::Path;

const MARKER: &str = "[pave: line removed, it looked like a secret]";

/// An environment whose feedback requests time out after two seconds.
fn env() -> Env {
    Env::new().with_var("PAVE_FEEDBACK_TIMEOUT", "2")
}

/// `pave feedback report --from items.jsonl` and `extra` in the work folder, checked to succeed.
#[track_caller]
fn report(env: &Env, extra: &[&str]) -> Run {
    let base = ["feedback", "report", "--from", "items.jsonl"];
    env.run(base.iter().chain(extra)).code(0)
}

#[test]
fn an_attached_diff_carries_the_answers_and_no_secret_reaches_the_spool_or_the_sink() {
    let env = env();
    let server = HttpServer::start(vec![Answer::Status(503, "{}"), Answer::Status(201, "{}")]);
    let bp = BlueprintBuilder::new("vault")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .param(Param::string("region"))
        .param(Param::secret("api_key"))
        .file(
            "template/config.json.hbs",
            "{\"name\": \"{{project_name}}\", \"key\": \"{{api_key}}\"}\n",
        )
        .file(
            "template/README.md.hbs",
            "# {{project_name}}\n\nRuns in {{region}}.\n",
        );
    let spec = env.write_blueprint(&bp);
    let folder = env.work().join("vault").canonicalize().unwrap();
    std::fs::write(
        env.path("home/pave.yaml"),
        format!(
            "feedback:\n  '{}':\n    sink: http\n    url: {}\n",
            folder.display(),
            server.url()
        ),
    )
    .unwrap();
    let secret = "kept-out-7f3a9c";
    let api_key = format!("api_key={secret}");
    env.run([
        "new",
        &spec,
        "proj",
        "--quiet",
        "--set",
        "project_name=proj",
        "--set",
        "region=eu-west-1",
        "--set",
        &api_key,
    ])
    .code(0);
    let dir = env.work().join("proj");
    std::fs::write(
        dir.join("README.md"),
        "# proj\n\nRuns in eu-west-1, twice.\n",
    )
    .unwrap();

    env.run_in(
        &dir,
        [
            "feedback",
            "submit",
            "--kind",
            "improvement",
            "-m",
            "m",
            "--include-diff",
        ],
    )
    .code(0)
    .stdout_has("Kept feedback");
    let expected = json!({"project_name": "proj", "region": "eu-west-1"});
    let spool: Vec<_> = std::fs::read_dir(env.path("state/spool"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".json") && !name.ends_with(".failure.json")
        })
        .collect();
    assert_eq!(spool.len(), 1, "{spool:?}");
    let kept = std::fs::read_to_string(&spool[0]).unwrap();
    assert!(!kept.contains(secret), "the secret is in the spool: {kept}");
    let kept: Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(kept["answers"], expected);
    assert!(kept["diff"].as_str().unwrap().contains("twice"), "{kept}");

    env.run_in(&dir, ["feedback", "flush"]).code(0);
    let requests = server.requests();
    let sent = &requests.last().unwrap().body;
    assert!(
        !sent.contains(secret),
        "the secret reached the sink: {sent}"
    );
    let sent: Value = serde_json::from_str(sent).unwrap();
    assert_eq!(sent["answers"], expected);
}

/// `pave feedback submit --kind new-pattern` and `extra` in `dir`, checked to succeed.
#[track_caller]
fn new_pattern(env: &Env, dir: &Path, extra: &[&str]) {
    let base = ["feedback", "submit", "--kind", "new-pattern"];
    env.run_in(dir, base.iter().chain(extra)).code(0);
}

#[test]
fn a_new_pattern_names_its_project_and_the_report_says_how_to_extract_it() {
    let env = env();
    let server = HttpServer::start(vec![]);
    std::fs::write(
        env.path("home/pave.yaml"),
        format!(
            "feedback:\n  builtin:\n    sink: http\n    url: {}\n",
            server.url()
        ),
    )
    .unwrap();
    // A pave project pushed to a remote whose URL holds a token.
    env.run([
        "new",
        "cloudfront-static-site",
        "--quiet",
        "--set",
        "project_name=my-site",
    ])
    .code(0);
    let site = env.work().join("my-site");
    git(&site, &["init", "-q"]);
    git(
        &site,
        &[
            "remote",
            "add",
            "origin",
            "https://bot:tok3n-s3cret@git.example.com/team/my-site.git",
        ],
    );
    new_pattern(&env, &site, &["-m", "an edge cache"]);
    // A plain git work tree: no .pave.yaml, no remote.
    let orders = env.work().join("orders");
    std::fs::create_dir_all(orders.join("src")).unwrap();
    git(&orders, &["init", "-q"]);
    new_pattern(
        &env,
        &orders.join("src"),
        &["--registry", "builtin", "-m", "a queue worker"],
    );
    // Outside any work tree: no project.
    let plain = env.path("plain");
    std::fs::create_dir_all(&plain).unwrap();
    new_pattern(&env, &plain, &["--registry", "builtin", "-m", "a cron job"]);

    let mut items: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(items.len(), 3);
    for raw in server.requests() {
        assert!(
            !raw.body.contains("tok3n"),
            "a credential was sent: {}",
            raw.body
        );
    }
    assert_eq!(items[0]["project"], "my-site");
    assert_eq!(
        items[0]["project_remote"],
        "https://git.example.com/team/my-site.git"
    );
    assert_eq!(items[0]["blueprint"], "cloudfront-static-site");
    assert_eq!(items[0]["answers"]["project_name"], "my-site");
    assert_eq!(items[1]["project"], "orders");
    assert!(items[1].get("project_remote").is_none(), "{}", items[1]);
    assert!(items[1].get("answers").is_none(), "{}", items[1]);
    assert!(items[2].get("project").is_none(), "{}", items[2]);
    // The platform team declines the queue worker.
    items[1]["status"] = json!("declined");
    items[1]["history"] = json!([{"status": "declined", "by": {"name": "Ann"},
        "at": "2026-03-01T10:00:00.000Z", "reason": "use the worker blueprint"}]);
    let export: String = items.iter().map(|i| format!("{i}\n")).collect();
    std::fs::write(env.work().join("items.jsonl"), export).unwrap();

    let id = items[0]["id"].as_str().unwrap();
    env.run(["feedback", "show", id, "--from", "items.jsonl"])
        .code(0)
        .stdout_has("remote:    https://git.example.com/team/my-site.git")
        .stdout_has("answers:   ")
        .stdout_has("project_name=\"my-site\"");
    let mut human = report(&env, &[]);
    for expected in [
        "project my-site (https://git.example.com/team/my-site.git), made from cloudfront-static-site@",
        "git clone https://git.example.com/team/my-site.git my-site",
        "pave blueprint extract my-site NEW-BLUEPRINT-DIR --name NAME --params-from-answers",
        "pave blueprint extract orders NEW-BLUEPRINT-DIR --name NAME --param project_name=orders",
        "declined  a queue worker  [declined]",
        "declined by Ann on 2026-03-01T10:00:00.000Z: use the worker blueprint",
        "open  a cron job",
    ] {
        human = human.stdout_has(expected);
    }
    assert_eq!(
        human.stdout().matches("pave blueprint extract").count(),
        2,
        "{}",
        human.stdout()
    );

    let json = report(&env, &["--json"]).json();
    let requests = &json["new_patterns"][0]["requests"];
    assert_eq!(requests[1]["status"], "declined");
    assert_eq!(requests[1]["decisions"][0]["by"]["name"], "Ann");
    assert_eq!(
        requests[0]["source"]["remote"],
        "https://git.example.com/team/my-site.git"
    );
}

fn item(n: usize, project: &str, diff: &str) -> Value {
    json!({
        "id": format!("01JE{:022}", n),
        "kind": "improvement",
        "message": format!("message {n}"),
        "blueprint": "edge",
        "version": "1.0.0",
        "registry": "builtin",
        "project": project,
        "created": format!("2026-02-{:02}T00:00:00.000Z", n + 1),
        "pave_version": "0.1.0",
        "status": "open",
        "answers": {"project_name": project, "region": "eu-west-1"},
        "diff": diff,
    })
}

/// Four projects change the same line of their template (each around its own name) and
/// three mask every changed line of their `.env`; one old item has no answers.
pub fn drift_fixture() -> String {
    let ttl = |name: &str| {
        format!(
            "--- a/template.yaml\n+++ b/template.yaml\n@@ -7,3 +7,3 @@ Resources:\n   # cache of {name}\n-      MinTTL: 0\n+      MinTTL: 60\n   Name: {name}-cdn\n"
        )
    };
    let env_file = format!(
        "--- a/.env\n+++ b/.env\n@@ -1,2 +1,2 @@\n-{MARKER}\n+{MARKER}\n-{MARKER}\n+{MARKER}\n"
    );
    let mut items = vec![
        item(1, "orders", &format!("{env_file}{}", ttl("orders"))),
        item(2, "billing", &format!("{env_file}{}", ttl("billing"))),
        item(3, "stock", &format!("{env_file}{}", ttl("stock"))),
        item(4, "search", &ttl("search")),
    ];
    let mut old = item(
        5,
        "legacy",
        "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# legacy\n+# Legacy\n",
    );
    old.as_object_mut().unwrap().remove("answers");
    old["status"] = json!("addressed");
    old["addressed_in"] = json!("1.1.0");
    old["history"] = json!([{"status": "addressed", "by": {"name": "Ann"},
        "at": "2026-03-02T00:00:00.000Z", "reason": "1.1.0"}]);
    items.push(old);
    items.iter().map(|i| format!("{i}\n")).collect()
}

#[test]
fn the_report_groups_the_same_change_across_projects_and_never_ranks_a_masked_file() {
    let env = env();
    std::fs::write(env.work().join("items.jsonl"), drift_fixture()).unwrap();
    let mut human = report(&env, &[]);
    for expected in [
        "4 project(s) changed `MinTTL: 0` to `MinTTL: 60` in template.yaml (4 item(s))",
        "      @@ -7,3 +7,3 @@ Resources:",
        "         # cache of {{project_name}}",
        "      -      MinTTL: 0",
        "      +      MinTTL: 60",
        "         Name: {{project_name}}-cdn",
        "absorb: pave blueprint absorb --feedback 01JE0000000000000000000004 --into blueprints/edge",
        "1 project(s) changed `# legacy` to `# Legacy` in README.md",
        "3  .env  (every changed line removed as a possible secret)",
        "addressed in 1.1.0  01JE0000000000000000000005  message 5",
        "addressed by Ann on 2026-03-02T00:00:00.000Z: 1.1.0",
    ] {
        human = human.stdout_has(expected);
    }
    let hotspots = human
        .stdout()
        .split("drift hotspots:\n")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert_eq!(
        hotspots.split_whitespace().collect::<Vec<_>>(),
        ["4", "template.yaml"]
    );

    let json = report(&env, &["--json"]).json();
    let spots = &json["blueprints"][0]["hotspots"];
    assert_eq!(
        spots["files"],
        json!([{"path": "template.yaml", "items": 4}, {"path": "README.md", "items": 1}])
    );
    assert_eq!(spots["redacted"], json!([{"path": ".env", "items": 3}]));
    assert_eq!(spots["changes"][0]["projects"], 4);
    assert_eq!(spots["changes"][0]["ids"].as_array().unwrap().len(), 4);
    assert!(
        spots["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["path"] != ".env"),
        "{spots}"
    );
}
