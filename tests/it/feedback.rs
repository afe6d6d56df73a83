//! `pave feedback`: submitting inside and outside a project to a real HTTP server on
//! 127.0.0.1 (2xx, 4xx, 5xx, hang, down, dying mid-flush), the spool that keeps what was not
//! confirmed, masking secrets in an attached diff and leaving out the files that render a
//! secret answer, and the report over a known fixture.

use crate::support::http::{Answer, HttpServer};
use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::{Value, json};
use std::time::Duration;

const TOKEN: &str = "tok-very-s3cret-4711";
const MARKER: &str = "[pave: line removed, it looked like a secret]";

/// Points the builtin registry's feedback at `url` in the user's config.
fn sink_at(env: &Env, url: &str) {
    std::fs::write(
        env.path("home/pave.yaml"),
        format!("feedback:\n  builtin:\n    sink: http\n    url: {url}\n    token_env: FB_TOKEN\n"),
    )
    .unwrap();
}

fn project(env: &Env) -> std::path::PathBuf {
    env.pave()
        .args([
            "new",
            "cloudfront-static-site",
            "--set",
            "project_name=my-site",
            "--quiet",
        ])
        .assert()
        .success();
    env.work().join("my-site")
}

fn submit(env: &Env, dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = env.pave();
    cmd.current_dir(dir)
        .env("FB_TOKEN", TOKEN)
        .env("PAVE_FEEDBACK_TIMEOUT", "2")
        .args(["feedback", "submit"])
        .args(extra);
    cmd.output().unwrap()
}

fn pave_json(env: &Env, args: &[&str]) -> Value {
    let out = env
        .pave()
        .env("FB_TOKEN", TOKEN)
        .env("PAVE_FEEDBACK_TIMEOUT", "2")
        .args(args)
        .output()
        .unwrap();
    assert!(!text(&out).contains(TOKEN), "token printed: {}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

/// Runs `pave feedback report --from <items> --html report.html` in the work folder, checks
/// that it succeeds, and returns the page's path.
#[track_caller]
pub fn html_report(env: &Env, items: &str) -> std::path::PathBuf {
    let base = ["feedback", "report", "--from", items];
    env.run(base.iter().chain(&["--html", "report.html"]))
        .code(0);
    env.work().join("report.html")
}

fn waiting(env: &Env) -> Vec<Value> {
    pave_json(env, &["feedback", "status", "--json"])["waiting"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn submit_inside_a_project_sends_the_item_with_the_bearer_token() {
    let env = Env::new();
    let server = HttpServer::start(vec![Answer::Status(201, "{}")]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    let out = submit(
        &env,
        &dir,
        &[
            "--kind",
            "improvement",
            "--rating",
            "4",
            "-m",
            "cache POST responses",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(TOKEN), "{}", text(&out));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/items");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let item = r.json();
    assert_eq!(item["kind"], "improvement");
    assert_eq!(item["rating"], 4);
    assert_eq!(item["blueprint"], "cloudfront-static-site");
    assert_eq!(item["registry"], "builtin");
    assert_eq!(item["project"], "my-site");
    assert_eq!(item["status"], "open");
    assert!(item["version"].as_str().unwrap().contains('.'));
    let id = item["id"].as_str().unwrap();
    assert_eq!(id.len(), 26);
    assert!(
        text(&out).contains(&format!("Sent feedback {id}")),
        "{}",
        text(&out)
    );
    assert!(
        item.get("author").is_none(),
        "no git identity in the test home"
    );
    assert!(waiting(&env).is_empty());
    let sent = std::fs::read_to_string(env.path("state/sent.json")).unwrap();
    assert!(sent.contains(id) && sent.contains("my-site"), "{sent}");
}

#[test]
fn the_git_identity_is_recorded_unless_anonymous() {
    let env = Env::new();
    std::fs::write(
        env.path("home/.gitconfig"),
        "[user]\n\tname = Dev One\n\temail = dev@example.com\n",
    )
    .unwrap();
    let server = HttpServer::start(vec![]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    assert!(
        submit(&env, &dir, &["--kind", "praise", "-m", "great"])
            .status
            .success()
    );
    assert!(
        submit(
            &env,
            &dir,
            &["--kind", "praise", "-m", "great", "--anonymous"]
        )
        .status
        .success()
    );
    let r = server.requests();
    assert_eq!(
        r[0].json()["author"],
        json!({"name": "Dev One", "email": "dev@example.com"})
    );
    assert!(r[1].json().get("author").is_none());
}

#[test]
fn submit_outside_a_project_needs_a_registry_and_a_message() {
    let env = Env::new();
    let server = HttpServer::start(vec![]);
    sink_at(&env, &server.url());
    let work = env.work();
    let out = submit(
        &env,
        &work,
        &[
            "--kind",
            "new-pattern",
            "--registry",
            "builtin",
            "-m",
            "an SQS worker",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let item = server.requests()[0].json();
    assert_eq!(item["kind"], "new-pattern");
    assert_eq!(item["registry"], "builtin");
    assert!(item.get("blueprint").is_none() && item.get("project").is_none());

    let out = submit(
        &env,
        &work,
        &[
            "--kind",
            "bug",
            "--blueprint",
            "cloudfront-http-api@1.0.0",
            "--registry",
            "builtin",
            "-m",
            "x",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(server.requests()[1].json()["version"], "1.0.0");

    let no_registry = submit(&env, &work, &["--kind", "new-pattern", "-m", "x"]);
    assert_eq!(no_registry.status.code(), Some(2), "{}", text(&no_registry));
    assert!(text(&no_registry).contains("--registry"));
    let no_blueprint = submit(
        &env,
        &work,
        &["--kind", "bug", "--registry", "builtin", "-m", "x"],
    );
    assert_eq!(no_blueprint.status.code(), Some(2));
    let no_message = submit(
        &env,
        &work,
        &["--kind", "new-pattern", "--registry", "builtin"],
    );
    assert_eq!(no_message.status.code(), Some(2));
    assert!(text(&no_message).contains("-m"), "{}", text(&no_message));
    assert_eq!(server.requests().len(), 2, "nothing else was sent");
    assert!(waiting(&env).is_empty(), "nothing half-written");
}

#[test]
fn a_sink_that_is_down_keeps_the_item_until_a_flush_sends_it_once() {
    let env = Env::new();
    sink_at(
        &env,
        &format!("http://127.0.0.1:{}/items", HttpServer::closed_port()),
    );
    let dir = project(&env);
    let out = submit(
        &env,
        &dir,
        &["--kind", "bug", "-m", "alarm fires on deploy"],
    );
    assert!(
        out.status.success(),
        "kept for later is not a failure: {}",
        text(&out)
    );
    assert!(text(&out).contains("Kept feedback"), "{}", text(&out));
    let w = waiting(&env);
    assert_eq!(w.len(), 1);
    let id = w[0]["id"].as_str().unwrap().to_string();
    assert!(
        w[0]["failure"]["reason"]
            .as_str()
            .unwrap()
            .contains("connect"),
        "{w:?}"
    );
    assert_eq!(w[0]["failure"]["retry"], true);

    let server = HttpServer::start(vec![]);
    sink_at(&env, &server.url());
    let flushed = pave_json(&env, &["feedback", "flush", "--json"]);
    assert_eq!(flushed[0]["id"], id.as_str());
    assert_eq!(flushed[0]["sent"], true);
    assert!(waiting(&env).is_empty());
    let again = pave_json(&env, &["feedback", "flush", "--json"]);
    assert_eq!(again, json!([]));
    assert_eq!(server.ids(), vec![id]);
}

#[test]
fn the_server_dying_mid_flush_loses_nothing_and_duplicates_nothing() {
    let env = Env::new();
    sink_at(
        &env,
        &format!("http://127.0.0.1:{}/items", HttpServer::closed_port()),
    );
    let dir = project(&env);
    for n in 0..3 {
        assert!(
            submit(&env, &dir, &["--kind", "question", "-m", &format!("q{n}")])
                .status
                .success()
        );
    }
    let ids: Vec<String> = waiting(&env)
        .iter()
        .map(|w| w["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);

    let dying = HttpServer::start(vec![Answer::OkThenDie]);
    sink_at(&env, &dying.url());
    let out = env
        .pave()
        .args(["feedback", "flush"])
        .env("FB_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("1 sent, 2 still waiting"),
        "{}",
        text(&out)
    );
    assert_eq!(waiting(&env).len(), 2);

    let server = HttpServer::start(vec![]);
    sink_at(&env, &server.url());
    let out = env
        .pave()
        .args(["feedback", "flush"])
        .env("FB_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let mut received = dying.ids();
    received.extend(server.ids());
    let mut sorted = received.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), received.len(), "no duplicates: {received:?}");
    assert_eq!(sorted, ids, "every item arrived");
    assert!(waiting(&env).is_empty());
}

#[test]
fn a_refusal_is_shown_and_the_item_kept_with_the_reason() {
    let env = Env::new();
    let server = HttpServer::start(vec![
        Answer::Status(422, r#"{"message":"blueprint is not tracked here"}"#),
        Answer::Status(200, "{}"),
    ]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    let out = submit(&env, &dir, &["--kind", "bug", "-m", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("blueprint is not tracked here") && stderr.contains("422"),
        "{stderr}"
    );
    assert!(!text(&out).contains(TOKEN));
    let w = waiting(&env);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0]["failure"]["retry"], false);
    assert!(
        w[0]["failure"]["reason"]
            .as_str()
            .unwrap()
            .contains("not tracked")
    );
    let flushed = pave_json(&env, &["feedback", "flush", "--json"]);
    assert_eq!(flushed[0]["sent"], true, "flush tries refused items again");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn server_errors_timeouts_and_a_missing_token_keep_the_item() {
    let env = Env::new();
    let server = HttpServer::start(vec![
        Answer::Status(503, "busy"),
        Answer::Hang(Duration::from_secs(5)),
    ]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    let out = submit(&env, &dir, &["--kind", "bug", "-m", "one"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("503"), "{}", text(&out));
    let mut cmd = env.pave();
    cmd.current_dir(&dir)
        .env("FB_TOKEN", TOKEN)
        .env("PAVE_FEEDBACK_TIMEOUT", "1")
        .args(["feedback", "flush", "--json"]);
    let start = std::time::Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "the timeout holds"
    );
    let flushed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(flushed[0]["sent"], false);
    assert!(
        flushed[0]["reason"].as_str().unwrap().contains("timed out"),
        "{flushed}"
    );
    assert_eq!(waiting(&env).len(), 1);

    let out = env
        .pave()
        .current_dir(&dir)
        .args(["feedback", "submit", "--kind", "bug", "-m", "two"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("$FB_TOKEN"), "{}", text(&out));
    assert_eq!(waiting(&env).len(), 2);
}

#[test]
fn secrets_in_an_attached_diff_are_masked_and_the_submitter_told() {
    let env = Env::new();
    let server = HttpServer::start(vec![]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    let template = dir.join("template.yaml");
    let mut body = std::fs::read_to_string(&template).unwrap();
    body.push_str("# local change\nDbPassword=hunter2-hunter2\nKey: AKIAIOSFODNN7EXAMPLE\n");
    std::fs::write(&template, body).unwrap();
    std::fs::write(
        dir.join("deploy.pem"),
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = submit(
        &env,
        &dir,
        &[
            "--kind",
            "improvement",
            "-m",
            "needed changes",
            "--include-diff",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("5 line(s) of the diff looked like secrets"),
        "{}",
        text(&out)
    );
    let diff = server.requests()[0].json()["diff"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(diff.contains("+++ b/template.yaml"), "{diff}");
    assert!(diff.contains("+# local change"), "{diff}");
    assert!(diff.contains("+++ b/deploy.pem"), "{diff}");
    assert_eq!(diff.matches(MARKER).count(), 5, "{diff}");
    for secret in ["hunter2", "AKIAIOSFODNN7EXAMPLE", "MIIEvQ"] {
        assert!(!diff.contains(secret), "{secret} leaked: {diff}");
    }
}

/// The library's submit masks the attached diff itself: what reaches the sink and what waits
/// in the spool went through `redact`, whoever calls it.
#[test]
fn the_library_submit_masks_the_diff_it_attaches() {
    use pave::feedback::route::{SinkOptions, Sinks};
    use pave::feedback::submit::{Draft, Subject, submit};
    let env = Env::new();
    let server = HttpServer::start(vec![Answer::Status(201, "{}")]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    let template = dir.join("template.yaml");
    let mut body = std::fs::read_to_string(&template).unwrap();
    body.push_str("DbPassword=hunter2-hunter2\n");
    std::fs::write(&template, body).unwrap();

    let config = pave::config::Config::load(&env.path("home/pave.yaml")).unwrap();
    let options = pave::registry::git::GitOptions {
        cache_dir: env.path("cache"),
        offline: false,
        fetch_interval: Duration::from_secs(300),
        interactive: false,
        reporter: std::sync::Arc::new(pave::registry::events::Silent),
    };
    let mut registries = Some(pave::registry::Registries::new(config, options));
    let mut sinks = Sinks::new(
        Box::new(move || Ok(registries.take().expect("opened once"))),
        SinkOptions {
            var: Box::new(|name| (name == "FB_TOKEN").then(|| TOKEN.to_string())),
            timeout: Some(Duration::from_secs(2)),
        },
    );
    let subject = Subject {
        blueprint: Some("cloudfront-static-site".into()),
        version: None,
        registry: "builtin".into(),
        project: Some("my-site".into()),
        project_remote: None,
        answers: None,
    };
    let draft = Draft {
        kind: pave::feedback::Kind::Bug,
        rating: None,
        message: "a leak".into(),
        author: None,
        diff_of: Some(dir.clone()),
    };
    let submitted = submit(subject, draft, &mut sinks, &env.path("state")).unwrap();
    assert_eq!(submitted.masked, 1);
    let kept = submitted.item.diff.clone().unwrap();
    assert!(kept.contains(MARKER) && !kept.contains("hunter2"), "{kept}");
    let sent = server.requests()[0].json()["diff"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(sent.contains(MARKER), "{sent}");
    assert!(!sent.contains("hunter2"), "leaked: {sent}");
}

fn fixture_item(
    n: usize,
    blueprint: Option<&str>,
    version: &str,
    kind: &str,
    status: &str,
    diff: Option<&str>,
) -> Value {
    let mut item = json!({
        "id": format!("01JC{:022}", n),
        "kind": kind,
        "rating": (n % 5) + 1,
        "message": format!("message {n}"),
        "registry": "builtin",
        "project": format!("p{}", n % 3),
        "created": format!("2026-01-{:02}T00:00:00.000Z", n + 1),
        "pave_version": "0.1.0",
        "status": status,
    });
    if let Some(b) = blueprint {
        item["blueprint"] = json!(b);
        item["version"] = json!(version);
    }
    if let Some(d) = diff {
        item["diff"] = json!(d);
    }
    item
}

fn write_fixture(env: &Env) -> std::path::PathBuf {
    let cors =
        "--- a/template.yaml\n+++ b/template.yaml\n@@ -10,3 +10,4 @@ Resources:\n+  Cors: true\n";
    let readme = "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-x\n+y\n";
    let items = [
        fixture_item(0, Some("api"), "1.0.0", "bug", "open", Some(cors)),
        fixture_item(
            1,
            Some("api"),
            "1.0.0",
            "improvement",
            "accepted",
            Some(&format!("{cors}{readme}")),
        ),
        fixture_item(2, Some("api"), "1.1.0", "bug", "open", Some(cors)),
        fixture_item(3, Some("site"), "2.0.0", "praise", "addressed", None),
        fixture_item(4, None, "", "new-pattern", "open", None),
        fixture_item(
            5,
            Some("site"),
            "2.0.0",
            "question",
            "declined",
            Some(readme),
        ),
    ];
    let text: String = items.iter().map(|i| format!("{i}\n")).collect();
    let path = env.work().join("items.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn report_counts_and_hotspots_on_a_known_fixture() {
    let env = Env::new();
    write_fixture(&env);
    let r = pave_json(
        &env,
        &["feedback", "report", "--from", "items.jsonl", "--json"],
    );
    assert_eq!(r["items"], 6);
    let api = &r["blueprints"][0];
    assert_eq!(api["blueprint"], "api");
    assert_eq!(api["items"], 3);
    assert_eq!(api["kinds"]["bug"], 2);
    assert_eq!(api["statuses"]["open"], 2);
    assert_eq!(api["mean_rating"], 2.0);
    assert_eq!(api["versions"][0]["version"], "1.1.0");
    assert_eq!(api["versions"][1]["items"], 2);
    assert_eq!(api["versions"][1]["projects"], json!(["p0", "p1"]));
    assert_eq!(api["versions"][1]["oldest_open"][0]["summary"], "message 0");
    assert_eq!(
        api["hotspots"]["files"][0],
        json!({"path": "template.yaml", "items": 3})
    );
    assert_eq!(
        api["hotspots"]["files"][1],
        json!({"path": "README.md", "items": 1})
    );
    let cors = &api["hotspots"]["changes"][0];
    assert_eq!(cors["header"], "@@ -10,3 +10,4 @@ Resources:");
    assert_eq!(cors["items"], 3);
    assert_eq!(cors["summary"], "added `Cors: true`");
    assert_eq!(cors["hunk"], json!(["+  Cors: true"]));
    assert_eq!(
        cors["absorb"],
        "pave blueprint absorb --feedback 01JC0000000000000000000002 --into blueprints/api"
    );
    let site = &r["blueprints"][1];
    assert_eq!(site["statuses"]["declined"], 1);
    assert_eq!(r["new_patterns"][0]["requests"][0]["summary"], "message 4");

    let bugs = pave_json(
        &env,
        &[
            "feedback",
            "list",
            "--from",
            "items.jsonl",
            "--kind",
            "bug",
            "--version",
            "^1.1",
            "--json",
        ],
    );
    assert_eq!(bugs.as_array().unwrap().len(), 1);
    let shown = pave_json(
        &env,
        &[
            "feedback",
            "show",
            "01JC0000000000000000000003",
            "--from",
            "items.jsonl",
            "--json",
        ],
    );
    assert_eq!(shown["kind"], "praise");
}

#[test]
fn the_html_report_is_one_file_with_a_chart_per_blueprint_and_no_script() {
    let env = Env::new();
    write_fixture(&env);
    let html = std::fs::read_to_string(html_report(&env, "items.jsonl")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 2, "api and site");
    assert!(html.contains("api: items by kind") && html.contains("site: items by kind"));
    assert!(!html.contains("<script"), "no script at all");
    assert!(
        !html.contains("<link") && !html.contains("src=\"http"),
        "nothing from the network"
    );
}

#[test]
fn a_malformed_export_is_an_error_with_its_line() {
    let env = Env::new();
    std::fs::write(env.work().join("bad.jsonl"), "\n{\"id\": 3}\n").unwrap();
    let out = env
        .pave()
        .args(["feedback", "report", "--from", "bad.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("bad.jsonl:2:"), "{}", text(&out));
}

#[test]
fn the_json_schema_names_every_field_an_item_can_have() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/feedback.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let env = Env::new();
    std::fs::write(
        env.path("home/.gitconfig"),
        "[user]\n\tname = A\n\temail = a@b\n",
    )
    .unwrap();
    let server = HttpServer::start(vec![]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    std::fs::write(dir.join("extra.txt"), "x\n").unwrap();
    let out = submit(
        &env,
        &dir,
        &[
            "--kind",
            "bug",
            "--rating",
            "2",
            "-m",
            "m",
            "--include-diff",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let item = server.requests()[0].json();
    let props = schema["properties"].as_object().unwrap();
    for key in item.as_object().unwrap().keys() {
        assert!(props.contains_key(key), "{key} is not in the schema");
    }
    for required in schema["required"].as_array().unwrap() {
        assert!(
            item.get(required.as_str().unwrap()).is_some(),
            "{required} missing"
        );
    }
    let id_pattern =
        regex::Regex::new(schema["properties"]["id"]["pattern"].as_str().unwrap()).unwrap();
    assert!(id_pattern.is_match(item["id"].as_str().unwrap()));
}

#[test]
fn an_attached_diff_leaves_out_every_file_that_renders_a_secret_answer() {
    let env = Env::new();
    let server = HttpServer::start(vec![]);
    let bp = BlueprintBuilder::new("vault")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .param(Param::secret("api_key"))
        .file(
            "template/config.json.hbs",
            "{\"name\": \"{{project_name}}\", \"key\": \"{{api_key}}\"}\n",
        )
        .file("template/README.md.hbs", "# {{project_name}}\n");
    let spec = env.write_blueprint(&bp);
    let folder = env.work().join("vault").canonicalize().unwrap();
    std::fs::write(
        env.path("home/pave.yaml"),
        format!(
            "feedback:\n  '{}':\n    sink: http\n    url: {}\n    token_env: FB_TOKEN\n",
            folder.display(),
            server.url()
        ),
    )
    .unwrap();
    env.pave()
        .args(["new", &spec, "proj", "--quiet"])
        .args([
            "--set",
            "project_name=proj",
            "--set",
            "api_key=kept-out-7f3a9c",
        ])
        .assert()
        .success();
    let dir = env.work().join("proj");
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
    assert!(config.contains("kept-out-7f3a9c"), "{config}");
    std::fs::write(dir.join("config.json"), format!("{config}// edited\n")).unwrap();
    std::fs::write(dir.join("README.md"), "# proj\n\nA local line.\n").unwrap();

    let out = submit(
        &env,
        &dir,
        &["--kind", "bug", "-m", "m", "--include-diff", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["diff_skipped"], json!(["config.json"]), "{result}");
    let diff = server.requests()[0].json()["diff"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(diff.contains("+A local line."), "{diff}");
    assert!(!diff.contains("config.json"), "{diff}");
    assert!(!diff.contains("kept-out-7f3a9c"), "{diff}");
    assert!(!diff.contains("pave-secret-answer"), "{diff}");
}

#[test]
fn list_lines_up_its_columns_with_and_without_a_blueprint() {
    let env = Env::new();
    write_fixture(&env);
    let out = env
        .pave()
        .args(["feedback", "list", "--from", "items.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    // Items about `api@1.0.0`, `site@2.0.0` and no blueprint (`-`): every column starts at
    // the same place on every line.
    assert!(lines.iter().any(|l| l.contains("  -  ")), "{stdout}");
    for column in ["open", "message "] {
        let starts: Vec<Option<usize>> = lines
            .iter()
            .filter(|l| l.contains(column))
            .map(|l| l.find(column))
            .collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{stdout}");
    }
    let subject = |l: &str| l.find("api@").or(l.find("site@")).or(l.find("- "));
    let at: Vec<_> = lines
        .iter()
        .map(|l| subject(&l[26..]).map(|p| p + 26))
        .collect();
    assert!(at.windows(2).all(|w| w[0] == w[1]), "{stdout}");
    let summaries: Vec<_> = lines.iter().map(|l| l.find("message ")).collect();
    assert!(summaries.windows(2).all(|w| w[0] == w[1]), "{stdout}");
}

#[test]
fn submit_from_a_subfolder_of_a_project_is_about_that_project() {
    let env = Env::new();
    let server = HttpServer::start(vec![Answer::Status(201, "{}"), Answer::Status(201, "{}")]);
    sink_at(&env, &server.url());
    let dir = project(&env);
    let deep = dir.join("site/deeper");
    std::fs::create_dir_all(&deep).unwrap();
    let out = submit(
        &env,
        &deep,
        &["--kind", "bug", "-m", "the 404 page", "--include-diff"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let item = server.requests()[0].json();
    assert_eq!(item["blueprint"], "cloudfront-static-site");
    assert_eq!(item["project"], "my-site");

    // A folder given is used as is: `site` holds no project.
    let out = submit(&env, &dir, &["site", "--kind", "bug", "-m", "the 404 page"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("site is not a pave project"),
        "{}",
        text(&out)
    );
    assert_eq!(server.requests().len(), 1);
}
