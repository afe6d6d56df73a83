//! The HTML feedback report in a real browser: headless Chromium (from the system's packages,
//! installed by `scripts/setup-tools`) loads the page `pave feedback report --html` wrote for a
//! fixture with three blueprints; its rendered DOM holds one chart per blueprint and the page
//! logs nothing to the console. A second fixture (changes grouped across projects, decisions,
//! new-pattern requests) is laid out at 1280 and at 400 px wide: the content is there, nothing
//! sticks out of the page, the narrow layout stacks its tables, and a screenshot is taken at
//! each width. Without Chromium the test fails and says how to install it.

use crate::feedback::html_report;
use crate::support::{Env, text};
use serde_json::Value;
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
    let page = html_report(&env, "fixture.jsonl");

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

/// A page that loads `report.html` in a frame `width` px wide and writes, once it is laid out,
/// what sticks out of it into `<pre id="measure">` as JSON: the frame document's width and
/// scroll width, the elements whose right edge passes the width (text inside a `pre`, which
/// scrolls in its own box, aside) and how the table header rows display.
fn measuring_page(width: usize) -> String {
    format!(
        r#"<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="report.html" style="width:{width}px;height:900px;border:0"></iframe><pre id="measure"></pre><script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument, w = d.documentElement.clientWidth, out = [];
  d.querySelectorAll('body *').forEach(function (e) {{
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5 && !(e.parentElement && e.parentElement.closest('pre')))
      out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
  }});
  var head = d.querySelector('tr.head');
  document.getElementById('measure').textContent = JSON.stringify({{
    client: w, scroll: d.documentElement.scrollWidth, overflowing: out,
    head: head ? getComputedStyle(head).display : null
  }});
}});
</script></body></html>"#
    )
}

/// The width and height of a PNG file, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{} is a PNG", path.display());
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

#[test]
fn the_html_report_reads_at_1280_and_at_400_px_with_changes_decisions_and_requests() {
    let env = Env::new();
    let requests = [
        json!({"id": "01JF0000000000000000000001", "kind": "new-pattern",
            "message": "a queue worker", "registry": "https://git.example.com/platform/registry.git",
            "project": "orders-worker", "project_remote": "https://git.example.com/team/orders-worker.git",
            "created": "2026-02-10T00:00:00.000Z", "pave_version": "0.1.0", "status": "declined",
            "history": [{"status": "declined", "by": {"name": "Ann"}, "at": "2026-03-03T00:00:00.000Z",
                "reason": "use the worker blueprint"}]}),
        json!({"id": "01JF0000000000000000000002", "kind": "new-pattern",
            "message": "an edge cache", "blueprint": "edge", "version": "1.0.0",
            "registry": "builtin", "project": "my-site", "answers": {"project_name": "my-site"},
            "created": "2026-02-11T00:00:00.000Z", "pave_version": "0.1.0", "status": "open"}),
    ];
    let mut fixture = crate::feedback_platform::drift_fixture();
    for r in requests {
        fixture.push_str(&format!("{r}\n"));
    }
    std::fs::write(env.work().join("items.jsonl"), fixture).unwrap();
    let page = html_report(&env, "items.jsonl");
    assert!(!std::fs::read_to_string(&page).unwrap().contains("<script"));

    let dom = chromium(&env, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    for expected in [
        "changed `MinTTL: 0` to `MinTTL: 60`",
        "<span class=\"add\">+      MinTTL: 60</span>",
        "   Name: {{project_name}}-cdn",
        "pave blueprint absorb --feedback 01JE0000000000000000000004 --into blueprints/edge",
        "Changed only in lines removed as possible secrets",
        "addressed by Ann on 2026-03-02T00:00:00.000Z: 1.1.0",
        "<span class=\"status status-declined\">declined</span>",
        "declined by Ann on 2026-03-03T00:00:00.000Z: use the worker blueprint",
        "git clone https://git.example.com/team/orders-worker.git orders-worker",
        "pave blueprint extract my-site NEW-BLUEPRINT-DIR --name NAME --params-from-answers",
    ] {
        assert!(dom.contains(expected), "`{expected}` missing: {dom}");
    }

    for (width, head) in [(1280, "table-row"), (400, "none")] {
        let measure = env.work().join(format!("measure-{width}.html"));
        std::fs::write(&measure, measuring_page(width)).unwrap();
        let out = chromium(
            &env,
            &measure,
            &[
                "--allow-file-access-from-files",
                "--window-size=1400,1000",
                "--virtual-time-budget=2000",
                "--dump-dom",
            ],
        );
        let dom = String::from_utf8_lossy(&out.stdout).into_owned();
        let json = dom
            .split("<pre id=\"measure\">")
            .nth(1)
            .and_then(|rest| rest.split("</pre>").next())
            .unwrap_or_else(|| panic!("no measure at {width} px: {dom}"));
        let m: Value = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("{e}: measure at {width} px: {json}"));
        let client = m["client"].as_u64().unwrap();
        assert!(client > 0 && client <= width as u64, "{m}");
        assert!(
            m["scroll"].as_u64().unwrap() <= client,
            "the page is wider than {width} px: {m}"
        );
        assert_eq!(m["overflowing"], json!([]), "at {width} px: {m}");
        assert_eq!(m["head"], head, "table headers at {width} px: {m}");

        let shot = env.work().join(format!("report-{width}.png"));
        chromium(
            &env,
            &page,
            &[
                "--hide-scrollbars",
                &format!("--window-size={width},2400"),
                &format!("--screenshot={}", shot.display()),
            ],
        );
        assert_eq!(png_size(&shot), (width as u32, 2400));
        assert!(
            std::fs::metadata(&shot).unwrap().len() > 20_000,
            "a screenshot with content at {width} px"
        );
        // To look at them: PAVE_KEEP_SCREENSHOTS=<folder> cargo test feedback_html
        if let Some(keep) = std::env::var_os("PAVE_KEEP_SCREENSHOTS") {
            let keep = Path::new(&keep);
            std::fs::create_dir_all(keep).unwrap();
            std::fs::copy(&shot, keep.join(shot.file_name().unwrap())).unwrap();
        }
    }
}
