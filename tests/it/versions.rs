//! Several released versions of one blueprint in a real git registry: `show` lists them,
//! `new` picks the version a requirement selects (and renders that version's files only), and
//! moved or deleted tags are seen, over `file://` and `git daemon`.

use crate::support::git::RegistryBuilder;
use crate::support::{BlueprintBuilder, Env, Param, text};

/// `orders-api` at `version`: its files say the version; 1.x ships `legacy.txt`, 2.x does not.
fn orders(version: &str) -> BlueprintBuilder {
    let bp = BlueprintBuilder::new("orders-api")
        .version(version)
        .summary("Orders API for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .file("template/version.txt", format!("{version}\n"))
        .file("template/README.md.hbs", "# {{project_name}}\n");
    if version.starts_with("1.") {
        bp.file("template/legacy.txt", "kept for 1.x\n")
    } else {
        bp
    }
}

/// A registry holding orders-api 1.0.0, 1.1.0 and 2.0.0, in the environment's `reg` folder.
fn three_versions(env: &Env) -> RegistryBuilder {
    RegistryBuilder::new(&env.path("reg"))
        .blueprint(orders("1.0.0"))
        .release()
        .blueprint(orders("1.1.0"))
        .release()
        .blueprint(orders("2.0.0"))
        .release()
}

/// Runs pave and asserts it succeeded; returns stdout and stderr together.
fn ok(env: &Env, args: &[&str]) -> String {
    let out = env.pave().args(args).output().unwrap();
    assert!(out.status.success(), "pave {args:?}: {}", text(&out));
    text(&out)
}

/// `pave show <spec> --json`, parsed.
fn show(env: &Env, spec: &str) -> serde_json::Value {
    let out = env.pave().args(["show", spec, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn read(env: &Env, rel: &str) -> String {
    std::fs::read_to_string(env.work().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn each_release_is_one_commit_and_one_tag_and_the_index_lists_the_blueprint() {
    let env = Env::new();
    let reg = three_versions(&env);
    assert_eq!(
        reg.tags(),
        [
            "orders-api/v1.0.0",
            "orders-api/v1.1.0",
            "orders-api/v2.0.0"
        ]
    );
    let log = reg.git(&["log", "--format=%s", "main"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "Release orders-api 2.0.0",
            "Release orders-api 1.1.0",
            "Release orders-api 1.0.0",
            "Start the registry"
        ]
    );
    let at_v1 = reg.git(&[
        "show",
        "orders-api/v1.1.0:blueprints/orders-api/blueprint.yaml",
    ]);
    assert!(at_v1.contains("version: 1.1.0"), "{at_v1}");
    let index = std::fs::read_to_string(reg.path().join("registry.yaml")).unwrap();
    pave::manifest::parse_index(&index, "registry.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert!(index.contains("path: blueprints/orders-api"), "{index}");
}

#[test]
fn show_lists_the_three_versions_and_describes_the_newest() {
    let env = Env::new();
    let reg = three_versions(&env);
    ok(&env, &["registry", "add", "acme", &reg.file_url()]);
    let doc = show(&env, "acme/orders-api");
    assert_eq!(
        doc["versions"],
        serde_json::json!(["1.0.0", "1.1.0", "2.0.0"])
    );
    assert_eq!(doc["version"], "2.0.0");
    let human = ok(&env, &["show", "acme/orders-api"]);
    assert!(human.contains("versions: 1.0.0, 1.1.0, 2.0.0"), "{human}");
}

#[test]
fn new_picks_the_version_a_requirement_selects() {
    let env = Env::new();
    let reg = three_versions(&env);
    ok(&env, &["registry", "add", "acme", &reg.file_url()]);
    for (spec, folder, want) in [
        ("acme/orders-api@^1", "caret", "1.1.0"),
        ("acme/orders-api@=1.0.0", "exact", "1.0.0"),
        ("acme/orders-api", "newest", "2.0.0"),
    ] {
        ok(&env, &["new", spec, folder, "--set", "project_name=shop"]);
        assert_eq!(
            read(&env, &format!("{folder}/version.txt")),
            format!("{want}\n")
        );
        let record = read(&env, &format!("{folder}/.pave.yaml"));
        assert!(
            record.contains(&format!("version: {want}")),
            "{spec}: {record}"
        );
        assert_eq!(read(&env, &format!("{folder}/README.md")), "# shop\n");
    }
    // Each release replaced the blueprint's folder: 2.0.0 does not carry 1.x's file.
    assert!(env.work().join("caret/legacy.txt").exists());
    assert!(!env.work().join("newest/legacy.txt").exists());
}

#[test]
fn versions_are_served_by_git_daemon_too() {
    let env = Env::new();
    let reg = three_versions(&env);
    let daemon = reg.serve();
    ok(&env, &["registry", "add", "acme", &daemon.url()]);
    assert_eq!(
        show(&env, "acme/orders-api@~1.0")["version"],
        serde_json::json!("1.0.0")
    );
}

#[test]
fn a_deleted_tag_leaves_the_listing_and_a_moved_one_is_reported() {
    let env = Env::new();
    let reg = three_versions(&env);
    ok(&env, &["registry", "add", "acme", &reg.file_url()]);
    ok(
        &env,
        &[
            "new",
            "acme/orders-api@=1.0.0",
            "p",
            "--set",
            "project_name=p",
        ],
    );

    reg.move_tag("orders-api/v1.0.0", "orders-api/v1.1.0");
    assert_eq!(
        reg.commit_of("orders-api/v1.0.0"),
        reg.commit_of("orders-api/v1.1.0")
    );
    let out = env
        .pave()
        .args(["registry", "verify", "p"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let moved_to = reg.commit_of("orders-api/v1.1.0");
    assert!(
        text(&out).contains("warning: tag orders-api/v1.0.0")
            && text(&out).contains(&moved_to[..12]),
        "{}",
        text(&out)
    );

    reg.delete_tag("orders-api/v2.0.0");
    ok(&env, &["registry", "sync", "acme"]);
    let shown = show(&env, "acme/orders-api");
    // The moved tag now holds a manifest of 1.1.0, so 1.0.0 is a broken release.
    assert_eq!(shown["versions"], serde_json::json!(["1.1.0"]));
    assert_eq!(shown["broken"][0]["version"], "1.0.0", "{shown}");
}
