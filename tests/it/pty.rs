//! `pave new` on a real pseudo-terminal: the prompts appear in manifest order with the right
//! widget per type, invalid input is re-asked, a yes/no answer waits for Enter, an answer that
//! breaks a rule is asked again at once, and the answers land in the project; `pave update`
//! asks a new required parameter and the secret again, hidden, and records no secret.

use crate::support::{Env, manifest};
use rexpect::session::spawn_command;

#[test]
fn prompts_answer_every_widget_on_a_terminal() {
    let env = Env::new();
    let params = "    prompt: Project name\n  - name: runtime\n    prompt: Runtime\n    type: choice\n    choices: [nodejs22.x, python3.12]\n    default: nodejs22.x\n  - name: waf\n    prompt: Attach a web ACL\n    type: boolean\n    default: false\n  - name: acl_name\n    prompt: Web ACL name\n    when: \"{{waf}}\"\n    default: \"{{project_name}}-acl\"\n  - name: api_key\n    prompt: API key\n    type: secret\n";
    let bp = env.blueprint(
        "asks",
        &[
            ("blueprint.yaml", &manifest("asks", params, "")),
            (
                "template/out.txt.hbs",
                "{{project_name}} {{runtime}} {{waf}} {{acl_name}} {{api_key}}\n",
            ),
        ],
    );
    let mut cmd = env.pave_process();
    cmd.env("TERM", "xterm").args(["new", &bp, "out"]);
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn on a pty");
    // The prompt library switches the terminal to raw mode after drawing, discarding typed-ahead
    // input, so each answer waits a moment after its prompt appears, as a person would.
    let mut answer = |prompt: &str, keys: &str| {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        std::thread::sleep(std::time::Duration::from_millis(300));
        p.send(keys).unwrap();
        p.flush().unwrap();
    };
    answer("Project name", "Not Valid\r");
    answer("does not match the pattern", "svc\r");
    answer("Runtime", "\x1b[B\r"); // arrow down: python3.12
    answer("Attach a web ACL", "y\r");
    answer("svc-acl", "\r"); // the default, rendered from the earlier answer
    answer("API key", "hunter2\r");
    p.exp_string("Created out").unwrap();
    p.exp_eof().unwrap();
    let out = std::fs::read_to_string(env.work().join("out/out.txt")).unwrap();
    assert_eq!(out, "svc python3.12 true svc-acl hunter2\n");
    let record = std::fs::read_to_string(env.work().join("out/.pave.yaml")).unwrap();
    assert!(!record.contains("hunter2"), "{record}");
}

/// `pave <args>` on a pseudo-terminal, with the environment every test uses.
fn pave_on_pty(env: &Env, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = env.pave_process();
    cmd.env("TERM", "xterm").args(args);
    spawn_command(cmd, Some(20_000)).expect("spawn on a pty")
}

/// Waits for `prompt`, then (after a moment, as a person would) types `keys`.
fn answer(p: &mut rexpect::session::PtySession, prompt: &str, keys: &str) {
    p.exp_string(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send(keys).unwrap();
    p.flush().unwrap();
}

#[test]
fn a_yes_no_answer_waits_for_enter_and_never_spills_into_the_next_prompt() {
    let env = Env::new();
    let params = "  - name: logs\n    prompt: Keep access logs\n    type: boolean\n    default: false\n  - name: bucket\n    prompt: Log bucket name\n";
    let bp = env.blueprint(
        "yesno",
        &[
            ("blueprint.yaml", &manifest("yesno", params, "")),
            (
                "template/out.txt.hbs",
                "{{project_name}} {{logs}} {{bucket}}\n",
            ),
        ],
    );
    let mut p = pave_on_pty(&env, &["new", &bp, "out"]);
    answer(&mut p, "project_name", "\r"); // the folder's name is offered
    answer(&mut p, "Keep access logs", "yes");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let mut shown = String::new();
    while let Some(c) = p.try_read() {
        shown.push(c);
    }
    assert!(
        !shown.contains("Log bucket name"),
        "the next prompt came before Enter: {shown:?}"
    );
    p.send("\r").unwrap();
    p.flush().unwrap();
    answer(&mut p, "Log bucket name", "logs-bucket\r");
    p.exp_string("Created out").unwrap();
    p.exp_eof().unwrap();
    let out = std::fs::read_to_string(env.work().join("out/out.txt")).unwrap();
    assert_eq!(out, "out true logs-bucket\n");
}

#[test]
fn ctrl_c_at_a_prompt_ends_at_once_shows_the_cursor_and_writes_nothing() {
    let env = Env::new();
    let params = "  - name: runtime\n    prompt: Runtime\n    type: choice\n    choices: [nodejs22.x, python3.12]\n";
    let bp = env.blueprint(
        "stop",
        &[
            ("blueprint.yaml", &manifest("stop", params, "")),
            ("template/out.txt.hbs", "{{runtime}}\n"),
        ],
    );
    let mut p = pave_on_pty(&env, &["new", &bp, "out"]);
    answer(&mut p, "project_name", "\r");
    // The list widget hides the cursor (before it draws its question) and reads keys in raw
    // mode; Ctrl-C there raises SIGINT.
    let mut shown = p.exp_string("Runtime").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send("\x03").unwrap();
    p.flush().unwrap();
    shown.push_str(&p.exp_eof().unwrap());
    let hidden = shown
        .rfind("\x1b[?25l")
        .unwrap_or_else(|| panic!("the widget did not hide the cursor: {shown:?}"));
    assert!(
        shown
            .rfind("\x1b[?25h")
            .is_some_and(|shown_at| shown_at > hidden),
        "the cursor was left hidden: {shown:?}"
    );
    let status = p.process().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 130)),
        "{status:?}: {shown:?}"
    );
    assert!(!env.work().join("out").exists());
    let left: Vec<_> = std::fs::read_dir(env.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".pave-staging-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_answer_that_breaks_a_rule_is_asked_again_at_once() {
    let env = Env::new();
    let params = "  - name: waf\n    prompt: Create a web ACL\n    type: boolean\n    default: false\n  - name: region\n    prompt: AWS region\n    default: eu-west-1\n  - name: note\n    prompt: A note\n";
    let rules = "rules:\n  - when: \"{{and waf (ne region 'us-east-1')}}\"\n    error: A CloudFront web ACL can only be created in us-east-1\n";
    let bp = env.blueprint(
        "ruled",
        &[
            ("blueprint.yaml", &manifest("ruled", params, rules)),
            ("template/out.txt.hbs", "{{waf}} {{region}} {{note}}\n"),
        ],
    );
    let mut p = pave_on_pty(&env, &["new", &bp, "out"]);
    answer(&mut p, "project_name", "\r");
    answer(&mut p, "Create a web ACL", "y\r");
    answer(&mut p, "AWS region", "\r"); // the default, eu-west-1, breaks the rule
    p.exp_string("A CloudFront web ACL can only be created in us-east-1")
        .unwrap();
    p.exp_string("answer `region` again").unwrap();
    answer(&mut p, "AWS region", "us-east-1\r");
    answer(&mut p, "A note", "kept\r");
    p.exp_string("Created out").unwrap();
    p.exp_eof().unwrap();
    let out = std::fs::read_to_string(env.work().join("out/out.txt")).unwrap();
    assert_eq!(out, "true us-east-1 kept\n");
}

#[test]
fn update_asks_a_new_required_parameter_and_the_secret_again_hidden_on_a_terminal() {
    use crate::support::git::RegistryBuilder;
    use crate::support::{BlueprintBuilder, Param};
    let env = Env::new();
    let svc = |version: &str| {
        let bp = BlueprintBuilder::new("svc")
            .version(version)
            .param(Param::string("project_name"));
        if version == "1.0.0" {
            bp.param(Param::secret("api_key").prompt("API key"))
                .file("template/out.txt.hbs", "{{project_name}} {{api_key}}\n")
        } else {
            bp.param(Param::string("owner").prompt("Owning team"))
                .param(Param::secret("api_key").prompt("API key"))
                .file(
                    "template/out.txt.hbs",
                    "{{project_name}} {{owner}} {{api_key}}\n",
                )
        }
    };
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(svc("1.0.0"))
        .release()
        .blueprint(svc("1.1.0"))
        .release();
    for args in [
        vec!["registry", "add", "reg", &reg.file_url()],
        vec![
            "new",
            "reg/svc@=1.0.0",
            "proj",
            "--set",
            "project_name=proj",
            "--set",
            "api_key=swordfish",
        ],
    ] {
        let out = env.pave().args(&args).output().unwrap();
        assert!(out.status.success(), "{}", crate::support::text(&out));
    }

    let mut cmd = env.pave_process();
    cmd.env("TERM", "xterm")
        .args(["update", "proj", "--to", "1.1.0"]);
    let mut p = spawn_command(cmd, Some(30_000)).expect("spawn on a pty");
    let mut screen = String::new();
    let mut answer = |p: &mut rexpect::session::PtySession, prompt: &str, keys: &str| {
        let before = p
            .exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        screen.push_str(&before);
        screen.push_str(prompt);
        std::thread::sleep(std::time::Duration::from_millis(300));
        p.send(keys).unwrap();
        p.flush().unwrap();
    };
    answer(&mut p, "Owning team", "payments\r");
    answer(&mut p, "API key", "swordfish\r");
    let rest = p.exp_eof().unwrap();
    screen.push_str(&rest);
    assert!(screen.contains("1.1.0"), "{screen}");
    assert!(
        screen.contains("payments"),
        "the plain answer is shown: {screen}"
    );
    assert!(
        !screen.contains("swordfish"),
        "the secret was echoed on the terminal: {screen}"
    );
    let out = std::fs::read_to_string(env.work().join("proj/out.txt")).unwrap();
    assert_eq!(out, "proj payments swordfish\n");
    let record = std::fs::read_to_string(env.work().join("proj/.pave.yaml")).unwrap();
    assert!(record.contains("version: 1.1.0"), "{record}");
    assert!(record.contains("owner: payments"), "{record}");
    assert!(!record.contains("swordfish"), "{record}");
    assert!(!record.contains("api_key"), "{record}");
}

#[test]
fn update_asks_each_new_parameter_offering_its_default_and_lists_the_added_answers() {
    use crate::support::git::RegistryBuilder;
    use crate::support::{BlueprintBuilder, Param};
    let env = Env::new();
    let fun = |version: &str| {
        let bp = BlueprintBuilder::new("fun")
            .version(version)
            .param(Param::string("project_name"));
        if version == "0.1.0" {
            bp.file("template/out.txt.hbs", "{{project_name}}\n")
        } else {
            bp.param(Param::integer("timeout").prompt("Timeout").default(30))
                .param(Param::integer("memory").prompt("Memory").default(256))
                .file(
                    "template/out.txt.hbs",
                    "{{project_name}} {{timeout}} {{memory}}\n",
                )
        }
    };
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(fun("0.1.0"))
        .release()
        .blueprint(fun("0.3.0"))
        .release();
    let add = ["registry", "add", "reg", &reg.file_url()];
    let out = env.pave().args(add).output().unwrap();
    assert!(out.status.success(), "{}", crate::support::text(&out));
    for dir in ["asked", "defaults"] {
        let set = format!("project_name={dir}");
        let args = ["new", "reg/fun@=0.1.0", dir, "--set", &set];
        let out = env.pave().args(args).output().unwrap();
        assert!(out.status.success(), "{}", crate::support::text(&out));
    }

    let mut p = pave_on_pty(&env, &["update", "asked"]);
    answer(&mut p, "Timeout", ""); // wait for the default to be drawn too
    p.exp_string("30").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send("\r").unwrap(); // the default
    p.flush().unwrap();
    answer(&mut p, "Memory", "512\r");
    p.exp_string("Answers:").unwrap();
    p.exp_string("added    timeout = 30 (answered)").unwrap();
    p.exp_string("added    memory = 512 (answered)").unwrap();
    p.exp_eof().unwrap();
    let out = std::fs::read_to_string(env.work().join("asked/out.txt")).unwrap();
    assert_eq!(out, "asked 30 512\n");

    // --defaults on a terminal: nothing is asked, the summary still says what was added.
    let mut p = pave_on_pty(&env, &["update", "defaults", "--defaults"]);
    let shown = p.exp_eof().unwrap();
    assert!(!shown.contains("Timeout"), "{shown}");
    assert!(
        shown.contains("added    timeout = 30 (the default)")
            && shown.contains("added    memory = 256 (the default)"),
        "{shown}"
    );
    let out = std::fs::read_to_string(env.work().join("defaults/out.txt")).unwrap();
    assert_eq!(out, "defaults 30 256\n");
}
