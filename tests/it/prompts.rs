//! What a person sees at the prompts: `pave new` runs in a real virtual terminal (tmux, of a
//! given size) and the tests read its screen. A question stands on one line with its help
//! dim below it, wrapped at word boundaries; once answered, only `✔ Question · answer` is
//! left. A yes/no question takes only y, yes, n or no, and an answer that breaks a rule is
//! asked again after one clean sentence.

use crate::support::Env;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// `pave` running in its own tmux server, in a window of a fixed size.
struct Screen {
    socket: PathBuf,
}

impl Screen {
    /// Starts `pave <args>` in the work folder of `env`, in a `columns` × `rows` terminal.
    /// When pave ends, `[exit N]` is shown and the window stays for the screen to be read.
    fn start(env: &Env, args: &[&str], columns: u16, rows: u16) -> Screen {
        let socket = env.path("tmux.sock");
        let mut command = String::from("env -i TERM=screen");
        for (name, value) in env.vars() {
            command.push_str(&format!(" {name}={}", quoted(&value.to_string_lossy())));
        }
        command.push_str(&format!(
            " {}",
            quoted(&assert_cmd::cargo::cargo_bin("pave").to_string_lossy())
        ));
        for arg in args {
            command.push_str(&format!(" {}", quoted(arg)));
        }
        command.push_str("; echo \"[exit $?]\"; exec sleep 600");
        let screen = Screen { socket };
        let work = env.work();
        screen.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &columns.to_string(),
            "-y",
            &rows.to_string(),
            "-c",
            &work.to_string_lossy(),
            &command,
        ]);
        screen
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (scripts/setup-tools installs it)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen now, one string per row, trailing blanks trimmed.
    fn rows(&self) -> Vec<String> {
        self.tmux(&["capture-pane", "-p"])
            .lines()
            .map(|row| row.trim_end().to_string())
            .collect()
    }

    /// The rows that are not blank.
    fn shown(&self) -> Vec<String> {
        self.rows().into_iter().filter(|r| !r.is_empty()).collect()
    }

    /// Waits until some row contains `text`, and returns the screen then.
    fn wait_for(&self, text: &str) -> Vec<String> {
        let start = Instant::now();
        loop {
            let rows = self.rows();
            if rows.iter().any(|r| r.contains(text)) {
                return rows;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{text:?} never appeared; the screen:\n{}",
                rows.join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for `prompt`, then (after a moment, as a person would: the widget discards keys
    /// typed before it reads) types `text` and Enter.
    fn answer(&self, prompt: &str, text: &str) {
        self.wait_for(prompt);
        self.type_line(text);
    }

    /// Types `text` and Enter after a moment.
    fn type_line(&self, text: &str) {
        std::thread::sleep(Duration::from_millis(300));
        if !text.is_empty() {
            self.tmux(&["send-keys", "-l", text]);
        }
        self.tmux(&["send-keys", "Enter"]);
    }

    /// Presses `key` (a tmux key name such as `Down`) after a moment.
    fn press(&self, key: &str) {
        std::thread::sleep(Duration::from_millis(300));
        self.tmux(&["send-keys", key]);
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// `text` in single quotes for the shell tmux runs the command with.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

const NAME_HELP: &str = "The name of the service, used for the stack, the function names and the tags applied to every resource the template creates in your account.";
const RUNTIME_HELP: &str = "The Lambda runtime every function of the project runs on; pick the language your team already maintains code and tooling for.";
const WAF_HELP: &str = "Whether a CloudFront web ACL protects the API; it blocks common exploits and rate-limits clients, at a monthly cost per rule.";

/// A blueprint asking a string, a choice and a boolean, each with a long help text.
fn three_questions(env: &Env, rules: &str) -> String {
    let manifest = format!(
        "apiVersion: pave/v1\nname: asks\nversion: 1.0.0\nsummary: three questions\nparameters:\n  - name: project_name\n    prompt: Project name\n    help: {NAME_HELP}\n    pattern: '^[a-z][a-z0-9-]*$'\n  - name: runtime\n    prompt: Runtime\n    type: choice\n    choices: [nodejs22.x, python3.12]\n    default: nodejs22.x\n    help: {RUNTIME_HELP}\n  - name: waf\n    prompt: Attach a web ACL\n    type: boolean\n    default: false\n    help: {WAF_HELP}\n  - name: region\n    prompt: AWS region\n    default: us-east-1\n{rules}"
    );
    env.blueprint(
        "asks",
        &[
            ("blueprint.yaml", &manifest),
            (
                "template/out.txt.hbs",
                "{{project_name}} {{runtime}} {{waf}} {{region}}\n",
            ),
        ],
    )
}

/// Checks that the rows right after the one holding `question` are `help`, indented and
/// broken only where it has spaces, each within `columns`.
fn assert_help_below(rows: &[String], question: &str, help: &str, columns: usize) {
    let at = rows
        .iter()
        .position(|r| r.starts_with(&format!("? {question}")))
        .unwrap_or_else(|| panic!("no question {question:?}:\n{}", rows.join("\n")));
    let mut lines = Vec::new();
    for row in &rows[at + 1..] {
        if !row.starts_with("  ") || lines.join(" ") == help {
            break;
        }
        assert!(row.chars().count() <= columns, "{row:?}");
        lines.push(row.trim());
    }
    assert!(
        lines.len() > 1,
        "the help is wrapped below the question:\n{}",
        rows.join("\n")
    );
    assert_eq!(
        lines.join(" "),
        help,
        "the help is broken only between words:\n{}",
        rows.join("\n")
    );
}

#[test]
fn at_80_columns_each_question_is_one_line_with_its_help_below_and_leaves_one_answered_line() {
    let env = Env::new();
    let bp = three_questions(&env, "");
    let screen = Screen::start(&env, &["new", &bp, "out"], 80, 30);

    let rows = screen.wait_for("? Project name");
    assert_help_below(&rows, "Project name (out) ›", NAME_HELP, 80);
    screen.type_line("svc");

    let rows = screen.wait_for("? Runtime");
    assert_help_below(&rows, "Runtime ›", RUNTIME_HELP, 80);
    screen.press("Down");
    screen.wait_for("❯ python3.12");
    screen.type_line("");

    let rows = screen.wait_for("? Attach a web ACL");
    assert_help_below(&rows, "Attach a web ACL (y/N) ›", WAF_HELP, 80);
    screen.type_line("yes");
    screen.answer("? AWS region", "");

    screen.wait_for("[exit 0]");
    let shown = screen.shown();
    assert_eq!(
        shown[..4],
        [
            "✔ Project name · svc",
            "✔ Runtime · python3.12",
            "✔ Attach a web ACL · yes",
            "✔ AWS region · us-east-1",
        ],
        "one answered line per question, nothing else:\n{}",
        shown.join("\n")
    );
    assert!(shown[4].starts_with("Created out"), "{}", shown.join("\n"));
    assert_eq!(shown.last().map(String::as_str), Some("[exit 0]"));
    let out = std::fs::read_to_string(env.work().join("out/out.txt")).unwrap();
    assert_eq!(out, "svc python3.12 true us-east-1\n");
}

#[test]
fn a_yes_no_question_refuses_anything_but_y_yes_n_or_no_and_asks_again() {
    let env = Env::new();
    let bp = three_questions(&env, "");
    let screen = Screen::start(&env, &["new", &bp, "out"], 80, 30);
    screen.answer("? Project name", "svc");
    screen.answer("? Runtime", "");
    screen.wait_for("? Attach a web ACL");
    for junk in ["maybe", "sure"] {
        screen.type_line(junk);
        let rows = screen.wait_for("✘ answer y or n");
        assert!(
            rows.iter().any(|r| r.starts_with("? Attach a web ACL")),
            "asked again after {junk:?}:\n{}",
            rows.join("\n")
        );
        assert!(
            !rows.iter().any(|r| r.starts_with("✔ Attach")),
            "{junk:?} was taken:\n{}",
            rows.join("\n")
        );
    }
    screen.type_line("N");
    screen.answer("? AWS region", "");
    screen.wait_for("[exit 0]");
    let shown = screen.shown();
    assert!(
        shown.contains(&String::from("✔ Attach a web ACL · no")),
        "{}",
        shown.join("\n")
    );
    assert!(
        !shown.iter().any(|r| r.contains("answer y or n")),
        "the refusal goes with the question:\n{}",
        shown.join("\n")
    );
    let out = std::fs::read_to_string(env.work().join("out/out.txt")).unwrap();
    assert_eq!(out, "svc nodejs22.x false us-east-1\n");
}

#[test]
fn an_answer_that_breaks_a_rule_is_asked_again_after_one_clean_sentence() {
    // A folded block scalar: the message ends with a full stop and a line break.
    for error in [
        ">\n      A CloudFront web ACL can only be\n      created in us-east-1.\n",
        "A CloudFront web ACL can only be created in us-east-1",
    ] {
        let env = Env::new();
        let rules = format!(
            "rules:\n  - when: \"{{{{and waf (ne region 'us-east-1')}}}}\"\n    error: {error}\n"
        );
        let bp = three_questions(&env, &rules);
        let screen = Screen::start(&env, &["new", &bp, "out"], 120, 30);
        screen.answer("? Project name", "svc");
        screen.answer("? Runtime", "");
        screen.answer("? Attach a web ACL", "y");
        screen.answer("? AWS region", "eu-west-1");
        let rows = screen.wait_for("again");
        let said: Vec<&String> = rows.iter().filter(|r| r.starts_with('✘')).collect();
        assert_eq!(
            said,
            ["✘ A CloudFront web ACL can only be created in us-east-1: answer `region` again"],
            "{error:?}:\n{}",
            rows.join("\n")
        );
        let at = rows.iter().position(|r| r.starts_with('✘')).unwrap();
        assert!(
            rows[at + 1].starts_with("? AWS region"),
            "the sentence is one line, then the question:\n{}",
            rows.join("\n")
        );
        screen.type_line("us-east-1");
        screen.wait_for("[exit 0]");
    }
}

#[test]
fn ctrl_c_at_a_question_ends_without_leaving_its_help_behind() {
    let env = Env::new();
    let bp = three_questions(&env, "");
    let screen = Screen::start(&env, &["new", &bp, "out"], 80, 30);
    screen.wait_for("? Project name");
    std::thread::sleep(Duration::from_millis(300));
    screen.tmux(&["send-keys", "-l", "sv"]);
    screen.press("C-c");
    screen.wait_for("[exit 130]");
    assert_eq!(
        screen.shown(),
        ["? Project name (out) › sv", "[exit 130]"],
        "the help is cleared and the shell goes on below the question"
    );
    assert!(!env.work().join("out").exists());
}
