//! What `pave new` says about the version it uses, over a registry served by `git daemon`:
//! an exact pin of a yanked version warns with the reason (stderr and `--json`), and every
//! warning names the registry the same way: its configured name, else its URL.

use crate::support::git::{RegistryBuilder, small};
use crate::support::{Env, text};

/// `x` 0.1.0 and 0.2.0, experimental, 0.2.0 yanked.
fn registry() -> RegistryBuilder {
    let mut reg = RegistryBuilder::in_temp();
    reg.publish(small("x", "0.1.0"));
    reg.publish(small("x", "0.2.0"));
    reg.write(&[(
        "registry.yaml",
        "apiVersion: pave/v1\nname: acme\ndescription: made by a test\nblueprints:\n  - name: x\n    path: blueprints/x\n    summary: x for tests\n    tags: [test]\n    maturity: experimental\n    yanked:\n      - version: 0.2.0\n        reason: opens the bucket to everyone\n",
    )]);
    reg.commit("Yank x 0.2.0");
    reg
}

fn new(env: &Env, args: &[&str]) -> std::process::Output {
    env.pave()
        .arg("new")
        .args(args)
        .args(["--set", "project_name=p"])
        .output()
        .unwrap()
}

#[test]
fn an_exact_pin_of_a_yanked_version_warns_with_the_reason() {
    let reg = registry();
    let daemon = reg.serve();
    let url = daemon.url();
    let env = Env::new();
    env.pave()
        .args(["registry", "add", "acme", &url])
        .assert()
        .success();

    let out = new(&env, &["acme/x@=0.2.0", "p"]);
    assert!(out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: x 0.2.0 is yanked in registry acme: opens the bucket to everyone"),
        "{err}"
    );
    // Every warning names the registry by its configured name, never by its URL.
    assert!(
        err.contains("warning: x is experimental in registry acme: "),
        "{err}"
    );
    assert!(!err.contains("git://"), "{err}");

    let out = new(&env, &["acme/x@=0.2.0", "q", "--json", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "0.2.0");
    assert_eq!(json["yanked"]["version"], "0.2.0");
    assert_eq!(json["yanked"]["reason"], "opens the bucket to everyone");
    let warnings = json["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("x 0.2.0 is yanked in registry acme")),
        "{json}"
    );

    // A requirement skips the yanked version, and says nothing of yanks.
    let out = new(&env, &["acme/x", "r", "--json", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "0.1.0");
    assert!(json["yanked"].is_null(), "{json}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("yanked"), "{err}");

    // A moved tag is named by the configured name too.
    reg.write(&[("blueprints/x/template/version.txt", "0.2.0 again\n")]);
    reg.commit("Re-release x 0.2.0");
    reg.tag("x/v0.2.0");
    let out = env
        .pave()
        .args(["registry", "verify", "p"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: tag x/v0.2.0 of acme now points to commit"),
        "{err}"
    );
}

#[test]
fn a_registry_without_a_name_is_named_by_its_url() {
    let reg = registry();
    let daemon = reg.serve();
    let url = daemon.url();
    let env = Env::new();
    let out = new(&env, &["x@=0.2.0", "p", "--registry", &url]);
    assert!(out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("warning: x 0.2.0 is yanked in registry {url}: "))
            && err.contains(&format!("warning: x is experimental in registry {url}: ")),
        "{err}"
    );
}
