//! The HTML feedback report in a real browser: headless Chromium (from the system's packages,
//! installed by `scripts/setup-tools`) loads the page `pave feedback report --html` wrote for a
//! fixture with three blueprints; its rendered DOM holds one chart per blueprint and the page
//! logs nothing to the console. Without Chromium the test fails and says how to install it.

use crate::support::{Env, text};
use serde_json::json;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "chromium";

/// Runs headless Chromium on `page` with `extra` flags, a profile of its own under `env`, and
/// a time limit; its output.
fn chromium(env: &Env, page: &Path, extra: &[&str]) -> std::process::Output {
    let probe = Command::new(CHROMIUM).arg("--version").output();
    assert!(
        probe.as_ref().is_ok_and(|o| o.status.success()),
        "`{CHROMIUM}` is not installed (or does not run): run scripts/setup-tools, which installs it from the system's packages ({probe:?})"
    );
    let profile = env.path("chromium-profile");
    let out = Command::new("timeout")
        .arg("120")
        .arg(CHROMIUM)
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("timeout(1) runs");
    assert!(out.status.success(), "chromium: {}", text(&out));
    out
}

/// The console lines Chromium logged (messages, errors, uncaught exceptions).
fn console_lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect()
}

fn item(n: usize, blueprint: Option<&str>, version: &str, kind: &str, status: &str) -> String {
    let mut item = json!({
        "id": format!("01JD{:022}", n),
        "kind": kind,
        "rating": (n % 5) + 1,
        "message": format!("message {n} <b>not markup</b>"),
        "registry": "builtin",
        "project": format!("p{}", n % 2),
        "created": format!("2026-02-{:02}T00:00:00.000Z", n + 1),
        "pave_version": "0.1.0",
        "status": status,
    });
    if let Some(b) = blueprint {
        item["blueprint"] = json!(b);
        item["version"] = json!(version);
    }
    if n.is_multiple_of(2) {
        item["diff"] = json!(
            "--- a/template.yaml\n+++ b/template.yaml\n@@ -1,2 +1,3 @@ Globals:\n+  Tracing: Active\n"
        );
    }
    format!("{item}\n")
}

#[test]
fn the_html_report_renders_in_headless_chromium_with_a_chart_per_blueprint_and_no_console_error() {
    let env = Env::new();
    let fixture: String = [
        item(0, Some("api"), "1.0.0", "bug", "open"),
        item(1, Some("api"), "1.1.0", "improvement", "accepted"),
        item(2, Some("site"), "2.0.0", "praise", "addressed"),
        item(3, Some("worker"), "0.3.0", "question", "open"),
        item(4, Some("worker"), "0.3.0", "bug", "declined"),
        item(5, None, "", "new-pattern", "open"),
    ]
    .concat();
    std::fs::write(env.work().join("fixture.jsonl"), fixture).unwrap();
    let out = env
        .pave()
        .args([
            "feedback",
            "report",
            "--from",
            "fixture.jsonl",
            "--html",
            "report.html",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let page = env.work().join("report.html");

    let dom = chromium(&env, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(dom.contains("<body"), "a rendered DOM: {dom}");
    assert_eq!(dom.matches("<svg").count(), 3, "{dom}");
    for blueprint in ["api", "site", "worker"] {
        assert!(
            dom.contains(&format!("{blueprint}: items by kind")),
            "a chart for {blueprint}: {dom}"
        );
    }
    assert!(
        !dom.contains("<b>not markup</b>"),
        "messages are text, not markup"
    );

    let logged = chromium(
        &env,
        &page,
        &[
            "--enable-logging=stderr",
            "--v=0",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=1000",
            "--dump-dom",
        ],
    );
    let console = console_lines(&logged);
    assert!(console.is_empty(), "console output: {console:#?}");

    // The same run sees a console error where there is one.
    let bad = env.work().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><script>throw new Error('broken')</script></body></html>",
    )
    .unwrap();
    let logged = chromium(
        &env,
        &bad,
        &["--enable-logging=stderr", "--v=0", "--dump-dom"],
    );
    assert!(
        console_lines(&logged)
            .iter()
            .any(|l| l.contains("Uncaught Error: broken")),
        "{}",
        text(&logged)
    );
}
