//! `pave outdated` through the binary over folders of projects made from real git registries
//! with several versions: rows, `--recursive` (skipping node_modules and .git), exit codes,
//! `--json`, drift counts, one fetch per registry per run (counted in a `git daemon`'s log),
//! and a registry that cannot be reached.

use crate::support::git::RegistryBuilder;
use crate::support::{BlueprintBuilder, Env, Param, text};
use serde_json::Value;

fn bp(name: &str, version: &str) -> BlueprintBuilder {
    BlueprintBuilder::new(name)
        .version(version)
        .summary("for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .file(
            "template/README.md.hbs",
            format!("# {{{{project_name}}}} {version}\n"),
        )
        .file("template/app.txt", "app\n")
}

/// orders-api 1.0.0, 1.1.0, 2.0.0 and billing 1.0.0 (deprecated) in one registry.
fn registry(env: &Env) -> RegistryBuilder {
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(bp("orders-api", "1.0.0"))
        .release()
        .blueprint(bp("orders-api", "1.1.0"))
        .release()
        .blueprint(bp("orders-api", "2.0.0"))
        .release()
        .blueprint(bp("billing", "1.0.0"))
        .release()
        .maturity("billing", "deprecated");
    reg.commit("Deprecate billing");
    reg
}

fn ok(env: &Env, args: &[&str]) -> String {
    let out = env.pave().args(args).output().unwrap();
    assert!(out.status.success(), "pave {args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn new(env: &Env, spec: &str, dir: &str) {
    ok(env, &["new", spec, dir, "--set", "project_name=svc"]);
}

/// `services/{old,new,major,billing}` and copies under node_modules and .git that must not
/// be found.
fn services(env: &Env) {
    new(env, "acme/orders-api@=1.0.0", "services/old");
    new(env, "acme/orders-api@=1.1.0", "services/new");
    new(env, "acme/orders-api@=2.0.0", "services/major");
    new(env, "acme/billing@=1.0.0", "services/billing");
    new(
        env,
        "acme/orders-api@=1.0.0",
        "services/new/node_modules/dep",
    );
    new(env, "acme/orders-api@=1.0.0", "services/.git/x");
    std::fs::write(env.work().join("services/old/app.txt"), "edited\n").unwrap();
    std::fs::write(env.work().join("services/old/mine.txt"), "mine\n").unwrap();
}

fn rows(json: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(json)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn recursive_rows_drift_and_exit_code() {
    let env = Env::new();
    let reg = registry(&env);
    ok(&env, &["registry", "add", "acme", &reg.file_url()]);
    services(&env);

    let out = env
        .pave()
        .args(["outdated", "services", "--recursive", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = rows(&String::from_utf8_lossy(&out.stdout));
    let summary: Vec<(String, String, String, String, bool, bool, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["version"].as_str().unwrap().to_string(),
                r["newest_in_major"].as_str().unwrap().to_string(),
                r["newest"].as_str().unwrap().to_string(),
                r["behind"].as_bool().unwrap(),
                r["deprecated"].as_bool().unwrap(),
                r["drift"].as_u64().unwrap(),
            )
        })
        .collect();
    let row = |p: &str, v: &str, m: &str, n: &str, behind, deprecated, drift| {
        (
            p.to_string(),
            v.to_string(),
            m.to_string(),
            n.to_string(),
            behind,
            deprecated,
            drift,
        )
    };
    assert_eq!(
        summary,
        [
            row(
                "services/billing",
                "1.0.0",
                "1.0.0",
                "1.0.0",
                false,
                true,
                0
            ),
            row("services/major", "2.0.0", "2.0.0", "2.0.0", false, false, 0),
            row("services/new", "1.1.0", "1.1.0", "2.0.0", false, false, 0),
            row("services/old", "1.0.0", "1.1.0", "2.0.0", true, false, 2),
        ]
    );
    let first = &rows[0];
    assert_eq!(first["registry"], "acme");
    assert_eq!(first["blueprint"], "billing");
    assert_eq!(first["yanked"], false);
    assert!(first["error"].is_null());

    // The table: aligned columns, one row per project.
    let table = String::from_utf8_lossy(
        &env.pave()
            .args(["outdated", "services", "-r"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(lines[0].starts_with("PATH"), "{table}");
    let col = lines[0].find("VERSION").unwrap();
    assert!(
        lines
            .iter()
            .skip(1)
            .all(|l| l[col..].starts_with(|c: char| c.is_ascii_digit())),
        "{table}"
    );
    assert!(lines[1].contains("deprecated"), "{table}");
    let drift = lines[0].find("DRIFT").unwrap();
    assert!(
        lines[4].contains("behind") && lines[4][drift..].starts_with("2 "),
        "{table}"
    );

    // The newest of its major with a newer major out is not current: exit 1.
    let out = env
        .pave()
        .args(["outdated", "services/new"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // Only current projects: exit 0.
    let out = env
        .pave()
        .args(["outdated", "services/major"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn each_registry_is_fetched_once_per_run() {
    let env = Env::new();
    let reg = registry(&env);
    let log = env.path("daemon.log");
    let daemon = reg.serve_logged(&log);
    ok(&env, &["registry", "add", "acme", &daemon.url()]);
    // A fetch interval of 0: every opening of the registry would fetch.
    let config = env.path("home/pave.yaml");
    let text_before = std::fs::read_to_string(&config).unwrap();
    let zero = if text_before.contains("fetch_interval_secs") {
        text_before
            .lines()
            .map(|l| {
                if l.starts_with("fetch_interval_secs") {
                    "fetch_interval_secs: 0"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        format!("{text_before}\nfetch_interval_secs: 0\n")
    };
    std::fs::write(&config, zero).unwrap();
    services(&env);
    let requests = || {
        std::fs::read_to_string(&log)
            .unwrap()
            .matches("Request upload-pack")
            .count()
    };
    let before = requests();
    assert!(before >= 2, "the log counts requests: {before}");
    let out = env
        .pave()
        .args(["outdated", "services", "--recursive", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(rows(&String::from_utf8_lossy(&out.stdout)).len(), 4);
    assert_eq!(requests() - before, 1, "one fetch for four projects");

    // The server gone: the cache answers, and the run still exits by what is behind.
    drop(daemon);
    let out = env
        .pave()
        .args(["outdated", "services/major", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn an_unreachable_registry_gives_a_row_with_the_error_and_the_run_goes_on() {
    let env = Env::new();
    let reg = registry(&env);
    ok(&env, &["registry", "add", "acme", &reg.file_url()]);
    new(&env, "acme/orders-api@=1.1.0", "ok");
    new(&env, "acme/orders-api@=1.1.0", "lost");
    // The second project names a registry that does not exist (and is cached nowhere).
    let record = env.work().join("lost/.pave.yaml");
    let text_before = std::fs::read_to_string(&record).unwrap();
    let gone = env.path("gone.git").display().to_string();
    let moved: String = text_before
        .lines()
        .map(|l| {
            if l.starts_with("registry:") {
                format!("registry: {gone}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&record, moved).unwrap();
    std::fs::create_dir_all(env.work().join("empty")).unwrap();

    let out = env
        .pave()
        .args(["outdated", "ok", "lost", "empty", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = rows(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(rows.len(), 3);
    assert!(rows[0]["error"].is_null(), "{:?}", rows[0]);
    assert_eq!(rows[0]["drift"], 0);
    assert_eq!(rows[1]["blueprint"], "orders-api");
    assert_eq!(rows[1]["version"], "1.1.0");
    let error = rows[1]["error"].as_str().unwrap();
    assert!(error.contains("gone.git"), "{error}");
    assert!(
        rows[2]["error"]
            .as_str()
            .unwrap()
            .contains("is not a pave project")
    );
    // The table says it too, under the row.
    let out = env
        .pave()
        .args(["outdated", "ok", "lost"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(table.contains("  error: "), "{table}");
}

#[test]
fn no_projects_found_is_exit_0_with_a_note() {
    let env = Env::new();
    std::fs::create_dir_all(env.work().join("nothing/node_modules")).unwrap();
    let out = env
        .pave()
        .args(["outdated", "nothing", "--recursive"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("no projects"), "{}", text(&out));
}

#[test]
fn projects_of_one_version_with_their_own_answers_each_get_their_own_drift() {
    // One engine serves every project of a version: each must still render with its own
    // answers (a render with another project's name would show as drift).
    let env = Env::new();
    let reg = registry(&env);
    ok(&env, &["registry", "add", "acme", &reg.file_url()]);
    for name in ["alpha", "beta", "gamma"] {
        let dir = format!("services/{name}");
        let set = format!("project_name={name}");
        ok(
            &env,
            &["new", "acme/orders-api@=1.0.0", &dir, "--set", &set],
        );
    }
    std::fs::write(env.work().join("services/beta/README.md"), "# mine\n").unwrap();
    let out = env
        .pave()
        .args(["outdated", "services", "--recursive", "--json"])
        .output()
        .unwrap();
    let rows = rows(&String::from_utf8_lossy(&out.stdout));
    let drift: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| (r["path"].as_str().unwrap(), r["drift"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        drift,
        [
            ("services/alpha", 0),
            ("services/beta", 1),
            ("services/gamma", 0)
        ],
        "{}",
        text(&out)
    );
}

/// orders-api 1.1.0, 2.0.0 and 2.1.0 (yanked), billing 1.0.0 (deprecated), and one project of
/// each under `work/`.
fn one_of_each(env: &Env) {
    let reg = RegistryBuilder::new(&env.path("reg"))
        .blueprint(bp("orders-api", "1.1.0"))
        .release()
        .blueprint(bp("orders-api", "2.0.0"))
        .release()
        .blueprint(bp("orders-api", "2.1.0"))
        .release()
        .blueprint(bp("billing", "1.0.0"))
        .release()
        .maturity("billing", "deprecated");
    let index = reg.path().join("registry.yaml");
    let text_before = std::fs::read_to_string(&index).unwrap();
    let yanked = text_before.replace(
        "- name: orders-api\n",
        "- name: orders-api\n  yanked:\n  - version: 2.1.0\n    reason: drops the table\n",
    );
    assert_ne!(yanked, text_before, "{text_before}");
    std::fs::write(&index, yanked).unwrap();
    reg.commit("Deprecate billing, yank orders-api 2.1.0");
    ok(env, &["registry", "add", "acme", &reg.file_url()]);
    new(env, "acme/orders-api@=1.1.0", "minor");
    new(env, "acme/orders-api@=2.0.0", "current");
    new(env, "acme/orders-api@=2.1.0", "yanked");
    new(env, "acme/billing@=1.0.0", "billing");
}

#[test]
fn a_newer_major_a_deprecated_or_a_yanked_version_needs_attention_and_exits_1() {
    let env = Env::new();
    one_of_each(&env);
    let check = |dir: &str| {
        let out = env
            .pave()
            .args(["outdated", dir, "--json"])
            .output()
            .unwrap();
        let row = rows(&String::from_utf8_lossy(&out.stdout))[0].clone();
        let table = env.pave().args(["outdated", dir]).output().unwrap();
        let table = String::from_utf8_lossy(&table.stdout).into_owned();
        (out.status.code(), row, table)
    };

    // The newest of its major, with 2.0.0 out: not current.
    let (code, row, table) = check("minor");
    assert_eq!(code, Some(1), "{row}");
    assert_eq!(row["behind"], false, "{row}");
    assert_eq!(row["major_available"], true, "{row}");
    assert_eq!(row["newest"], "2.0.0", "{row}");
    assert!(table.contains("major available"), "{table}");
    assert!(!table.contains("current"), "{table}");

    let (code, row, table) = check("current");
    assert_eq!(code, Some(0), "{row}");
    assert_eq!(row["major_available"], false, "{row}");
    assert!(table.contains("current"), "{table}");

    let (code, row, table) = check("yanked");
    assert_eq!(code, Some(1), "{row}");
    assert_eq!(
        (&row["yanked"], &row["behind"]),
        (&Value::Bool(true), &Value::Bool(false))
    );
    assert!(table.contains("yanked"), "{table}");

    let (code, row, table) = check("billing");
    assert_eq!(code, Some(1), "{row}");
    assert_eq!(row["deprecated"], true, "{row}");
    assert!(table.contains("deprecated"), "{table}");
}

#[test]
fn without_a_folder_the_project_the_current_folder_is_in_is_checked() {
    let env = Env::new();
    one_of_each(&env);
    let inside = env.work().join("current/deep/er");
    std::fs::create_dir_all(&inside).unwrap();
    let out = env
        .pave()
        .current_dir(&inside)
        .args(["outdated", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let found = rows(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["version"], "2.0.0", "{found:?}");
    assert!(found[0]["error"].is_null(), "{found:?}");
    assert!(
        found[0]["path"].as_str().unwrap().ends_with("current"),
        "{found:?}"
    );

    // Outside any project: the current folder's row says it is none, as before.
    let out = env.pave().args(["outdated", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = rows(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(rows[0]["path"], ".");
    assert!(
        rows[0]["error"]
            .as_str()
            .unwrap()
            .contains("is not a pave project")
    );
}
