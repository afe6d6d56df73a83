//! `pave new` on a real pseudo-terminal: the prompts appear in manifest order with the right
//! widget per type, invalid input is re-asked, and the answers land in the project.

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
    answer("Attach a web ACL", "y");
    answer("svc-acl", "\r"); // the default, rendered from the earlier answer
    answer("API key", "hunter2\r");
    p.exp_string("Created out").unwrap();
    p.exp_eof().unwrap();
    let out = std::fs::read_to_string(env.work().join("out/out.txt")).unwrap();
    assert_eq!(out, "svc python3.12 true svc-acl hunter2\n");
    let record = std::fs::read_to_string(env.work().join("out/.pave.yaml")).unwrap();
    assert!(!record.contains("hunter2"), "{record}");
}
