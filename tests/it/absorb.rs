//! `pave blueprint absorb` through the binary: a project made from a blueprint folder (a git
//! checkout) is edited and its changes carried back; the edited blueprint then renders the
//! project byte for byte. Plain lines, values that become variables, a tag's output (not
//! absorbed: absorb.rej, exit 3), an `each` body, added and deleted files, a templated path,
//! `--dry-run`, `--allow-dirty`, a folder at another version, bad input, the built-in
//! cloudfront-http-api, an empty template file that gains text, and the same change absorbed
//! twice.

use crate::support::git::{copy_dir, git};
use crate::support::{BlueprintBuilder, Env, Param, list_files, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn orders(version: &str) -> BlueprintBuilder {
    BlueprintBuilder::new("orders-api")
        .version(version)
        .summary("Orders API for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .param(Param::string("region").default("eu-west-1"))
        .file(
            "template/template.yaml.hbs",
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: {{project_name}}-fn\n      Region: {{region}}\n      MemorySize: 128\n      Timeout: 3\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Tracing: Active\n      Tags:\n{{#each (split \"a,b\" \",\")}}\n        - Key: {{this}}\n          Value: fixed\n{{/each}}\n",
        )
        .file("template/notes.txt", "one\ntwo\nthree\n")
        .file("template/old.txt", "old\n")
        .file(
            "template/src/{{project_name}}/app.py.hbs",
            "import json\n\n\ndef handler(event, context):\n    return {\"statusCode\": 200}\n",
        )
        .example("basic", serde_json::json!({"project_name": "demo"}))
}

/// A checkout `bp/` holding `bp/orders-api` (committed), and project `svc` made from it.
fn setup(env: &Env, bp: &BlueprintBuilder) -> (PathBuf, PathBuf) {
    let repo = env.work().join("bp");
    let folder = repo.join(bp.name());
    bp.write_to(&folder);
    git(&repo, &["init", "-q", "."]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "init"]);
    let spec = format!("./bp/{}", bp.name());
    env.run(["new", &spec, "svc", "--set", "project_name=orders-api"])
        .code(0);
    // The snapshot of the example, so `blueprint test` passes before the absorb.
    let test = [
        "blueprint",
        "test",
        &spec,
        "--update-snapshots",
        "--no-checks",
    ];
    env.run(test).code(0);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "snapshots"]);
    (folder, env.work().join("svc"))
}

fn edit(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(s.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

fn absorb(env: &Env, extra: &[&str]) -> (i32, String, String) {
    let base = ["blueprint", "absorb", "svc", "--into", "bp/orders-api"];
    let run = env.run(base.iter().chain(extra));
    let (out, err) = (run.stdout().to_string(), run.stderr().to_string());
    (run.exit_code(), out, err)
}

fn json(env: &Env, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--json"];
    args.extend(extra);
    let (code, out, err) = absorb(env, &args);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, doc)
}

/// The project rendered again from the edited folder equals `svc`, file for file.
fn renders_as_project(env: &Env) {
    let new = ["new", "./bp/orders-api", "again"];
    env.run(new.iter().chain(&["--set", "project_name=orders-api"]))
        .code(0);
    let (a, b) = (env.work().join("svc"), env.work().join("again"));
    let files = |dir: &Path| -> Vec<String> {
        list_files(dir)
            .into_iter()
            .filter(|f| f != ".pave.yaml" && dir.join(f).is_file())
            .collect()
    };
    let (files, again) = (files(&a), files(&b));
    assert_eq!(files, again);
    for f in files {
        assert_eq!(
            std::fs::read(a.join(&f)).unwrap(),
            std::fs::read(b.join(&f)).unwrap(),
            "{f}"
        );
    }
}

fn outcomes(doc: &Value) -> Vec<(String, String)> {
    doc["hunks"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["files"].as_array().unwrap())
        .map(|h| {
            (
                format!(
                    "{} {}",
                    h["path"].as_str().unwrap(),
                    h["header"].as_str().unwrap()
                ),
                h["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn plain_lines_and_values_are_absorbed_and_the_blueprint_renders_the_project() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    edit(
        &svc.join("template.yaml"),
        "MemorySize: 128",
        "MemorySize: 256",
    );
    edit(
        &svc.join("template.yaml"),
        "Tracing: Active\n",
        "Tracing: Active\n      Description: OrdersApi handler for orders-api\n",
    );
    edit(&svc.join("notes.txt"), "three\n", "three\nfour\n");
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let hunks = doc["hunks"].as_array().unwrap();
    assert_eq!(hunks.len(), 2, "{doc:#}");
    assert_eq!(hunks[0]["path"], "notes.txt");
    assert_eq!(hunks[0]["outcome"], "absorbed");
    assert_eq!(hunks[1]["path"], "template.yaml");
    assert_eq!(hunks[1]["outcome"], "absorbed-with-variables");
    assert_eq!(hunks[1]["variables"], serde_json::json!(["project_name"]));
    assert_eq!(hunks[1]["template"], "template/template.yaml.hbs");
    let tpl = std::fs::read_to_string(folder.join("template/template.yaml.hbs")).unwrap();
    assert!(tpl.contains("MemorySize: 256\n"), "{tpl}");
    assert!(
        tpl.contains(
            "      Description: {{pascalCase project_name}} handler for {{project_name}}\n"
        ),
        "{tpl}"
    );
    // Tags the hunk did not change stay as they were.
    assert!(tpl.contains("FunctionName: {{project_name}}-fn\n"), "{tpl}");
    assert!(!folder.join("absorb.rej").exists());
    // The snapshot of the example now differs and is named.
    assert_eq!(doc["snapshots"], serde_json::json!(["basic"]));
    renders_as_project(&env);
}

#[test]
fn a_change_to_a_line_with_tags_is_absorbed_in_its_literal_pieces_only() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    edit(
        &svc.join("template.yaml"),
        "orders-api-fn",
        "orders-api-function",
    );
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["hunks"][0]["outcome"], "absorbed");
    let tpl = std::fs::read_to_string(folder.join("template/template.yaml.hbs")).unwrap();
    assert!(
        tpl.contains("FunctionName: {{project_name}}-function\n"),
        "{tpl}"
    );
    renders_as_project(&env);
}

#[test]
fn an_edit_of_a_tags_output_is_not_absorbed_goes_to_absorb_rej_and_exits_3() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    let before = std::fs::read_to_string(folder.join("template/template.yaml.hbs")).unwrap();
    edit(
        &svc.join("template.yaml"),
        "Region: eu-west-1",
        "Region: us-east-1",
    );
    let (code, out, err) = absorb(&env, &[]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("not absorbed"), "{out}");
    assert!(
        out.contains("changes what `{{region}}` produced: that is an answer, not the pattern"),
        "{out}"
    );
    assert!(err.contains("absorb.rej"), "{err}");
    let rej = std::fs::read_to_string(folder.join("absorb.rej")).unwrap();
    assert!(
        rej.contains("--- a/template.yaml\n+++ b/template.yaml\n@@ -3,7 +3,7 @@"),
        "{rej}"
    );
    assert!(
        rej.contains("-      Region: eu-west-1\n+      Region: us-east-1\n"),
        "{rej}"
    );
    let after = std::fs::read_to_string(folder.join("template/template.yaml.hbs")).unwrap();
    assert_eq!(before, after);

    // The team keeps its region and makes a change the pattern takes. The next run is not
    // refused for the absorb.rej the last one left (its own output), and removes it, as
    // nothing is left to carry over.
    edit(
        &svc.join("template.yaml"),
        "Region: us-east-1",
        "Region: eu-west-1",
    );
    edit(&svc.join("notes.txt"), "three\n", "three\nfour\n");
    let (code, out, err) = absorb(&env, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!folder.join("absorb.rej").exists(), "{out}{err}");
    assert!(
        err.contains("removed the bp/orders-api/absorb.rej of an earlier run"),
        "{err}"
    );
    renders_as_project(&env);
    // Any other uncommitted change still stops it.
    std::fs::write(folder.join("absorb.rej"), "left by hand\n").unwrap();
    std::fs::write(folder.join("draft.txt"), "x\n").unwrap();
    let (code, _, err) = absorb(&env, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("draft.txt") && !err.contains("absorb.rej"),
        "{err}"
    );
}

#[test]
fn a_line_in_an_each_body_is_not_absorbed() {
    let env = Env::new();
    let (_, svc) = setup(&env, &orders("1.0.0"));
    edit(&svc.join("template.yaml"), "Value: fixed", "Value: changed");
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 3);
    assert_eq!(doc["hunks"][0]["outcome"], "not-absorbed");
    assert_eq!(
        doc["hunks"][0]["reason"],
        "in a block that repeats (2 times in this project)"
    );
}

#[test]
fn added_files_become_templates_and_deleted_ones_go_only_with_deletions() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    std::fs::write(
        svc.join("config.json"),
        "{\"name\": \"orders-api\", \"x\": \"{{y}}\"}\n",
    )
    .unwrap();
    std::fs::write(svc.join("plain.txt"), "nothing {{ here\n").unwrap();
    std::fs::remove_file(svc.join("old.txt")).unwrap();
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let rows = outcomes(&doc);
    assert!(
        rows.contains(&(
            String::from("config.json added"),
            String::from("absorbed-with-variables")
        )),
        "{rows:?}"
    );
    assert!(
        rows.contains(&(String::from("plain.txt added"), String::from("absorbed"))),
        "{rows:?}"
    );
    assert!(
        rows.contains(&(String::from("old.txt deleted"), String::from("kept"))),
        "{rows:?}"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("template/config.json.hbs")).unwrap(),
        "{\"name\": \"{{project_name}}\", \"x\": \"\\{{y}}\"}\n"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("template/plain.txt")).unwrap(),
        "nothing {{ here\n"
    );
    assert!(folder.join("template/old.txt").exists());
    let (code, doc) = json(&env, &["--deletions", "--allow-dirty"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(!folder.join("template/old.txt").exists());
    renders_as_project(&env);
}

#[test]
fn a_file_at_a_templated_path_is_edited_at_its_template_path() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    edit(
        &svc.join("src/orders-api/app.py"),
        "return {\"statusCode\": 200}",
        "return {\"statusCode\": 204}",
    );
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        doc["hunks"][0]["template"],
        "template/src/{{project_name}}/app.py.hbs"
    );
    let src =
        std::fs::read_to_string(folder.join("template/src/{{project_name}}/app.py.hbs")).unwrap();
    assert!(src.contains("204"), "{src}");
    renders_as_project(&env);
}

#[test]
fn dry_run_writes_nothing_and_a_dirty_folder_is_refused_unless_allowed() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    edit(&svc.join("notes.txt"), "two", "TWO");
    let before = list_files(&folder);
    let (code, out, _) = absorb(&env, &["--dry-run"]);
    assert_eq!(code, 0);
    assert!(out.contains("+++ b/template/notes.txt"), "{out}");
    assert!(out.contains("notes.txt @@ -1,3 +1,3 @@  absorbed"), "{out}");
    assert_eq!(list_files(&folder), before);
    assert_eq!(
        std::fs::read_to_string(folder.join("template/notes.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );

    std::fs::write(folder.join("scratch.txt"), "mine\n").unwrap();
    let (code, _, err) = absorb(&env, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("uncommitted changes"), "{err}");
    assert!(err.contains("--allow-dirty"), "{err}");
    assert_eq!(
        std::fs::read_to_string(folder.join("template/notes.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    let (code, _, err) = absorb(&env, &["--allow-dirty"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(folder.join("template/notes.txt")).unwrap(),
        "one\nTWO\nthree\n"
    );
}

#[test]
fn a_folder_at_another_version_takes_each_hunk_where_its_context_is() {
    let env = Env::new();
    // The project is made from 1.0.0 (a copy of the folder), the folder is at 1.1.0, which
    // adds a line at the top of template.yaml and rewrites notes.txt.
    let v1 = orders("1.0.0");
    let (folder, svc) = setup(&env, &v1);
    let v2 = orders("1.1.0")
        .file(
            "template/template.yaml.hbs",
            format!(
                "AWSTemplateFormatVersion: '2010-09-09'\n{}",
                String::from_utf8(v1.files()["template/template.yaml.hbs"].clone()).unwrap()
            ),
        )
        .file("template/notes.txt", "uno\ndos\ntres\n");
    v2.write_to(&folder);
    let repo = env.work().join("bp");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "1.1.0"]);
    // The project records the folder: give it the 1.0.0 copy to compare with.
    v1.write_to(&env.work().join("v1/orders-api"));
    let record = std::fs::read_to_string(svc.join(".pave.yaml")).unwrap();
    let old_registry = record
        .lines()
        .find_map(|l| l.strip_prefix("registry: "))
        .unwrap()
        .to_string();
    let v1_dir = env.work().join("v1/orders-api").display().to_string();
    std::fs::write(
        svc.join(".pave.yaml"),
        record.replace(&old_registry, &v1_dir),
    )
    .unwrap();

    edit(
        &svc.join("template.yaml"),
        "MemorySize: 128",
        "MemorySize: 512",
    );
    edit(&svc.join("notes.txt"), "two", "TWO");
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 3, "{doc:#}");
    assert_eq!(doc["folder_version"], "1.1.0");
    assert_eq!(doc["version"], "1.0.0");
    let rows = outcomes(&doc);
    assert_eq!(
        rows,
        vec![
            (
                String::from("notes.txt @@ -1,3 +1,3 @@"),
                String::from("not-absorbed")
            ),
            (
                String::from("template.yaml @@ -4,7 +4,7 @@"),
                String::from("absorbed")
            ),
        ]
    );
    assert_eq!(
        doc["hunks"][0]["reason"],
        "its context is not in the folder's version"
    );
    let tpl = std::fs::read_to_string(folder.join("template/template.yaml.hbs")).unwrap();
    assert!(tpl.starts_with("AWSTemplateFormatVersion"), "{tpl}");
    assert!(tpl.contains("MemorySize: 512\n"), "{tpl}");
    let rej = std::fs::read_to_string(folder.join("absorb.rej")).unwrap();
    assert!(rej.contains("-two\n+TWO\n"), "{rej}");
}

#[test]
fn bad_input_is_refused_with_exit_2() {
    let env = Env::new();
    let (_, _) = setup(&env, &orders("1.0.0"));
    let out = env
        .pave()
        .args(["blueprint", "absorb", "bp", "--into", "bp/orders-api"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a pave project"), "{err}");
    assert!(err.contains("pave new"), "{err}");

    let other = BlueprintBuilder::new("other-api")
        .version("1.0.0")
        .summary("x");
    other.write_to(&env.work().join("other-api"));
    let out = env
        .pave()
        .args(["blueprint", "absorb", "svc", "--into", "other-api"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds blueprint `other-api`, but the project was made from `orders-api`"),
        "{err}"
    );
}

#[test]
fn an_edit_of_the_builtin_cloudfront_http_api_is_absorbed_and_its_tests_pass_after_update() {
    let env = Env::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/cloudfront-http-api");
    let repo = env.work().join("reg");
    let folder = repo.join("cloudfront-http-api");
    copy_dir(&src, &folder);
    git(&repo, &["init", "-q", "."]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "init"]);
    let answers = src.join("tests/02-python312-open-no-waf.yaml");
    let case: Value = serde_yaml::from_str(&std::fs::read_to_string(answers).unwrap()).unwrap();
    let mut args = vec![
        String::from("new"),
        String::from("cloudfront-http-api"),
        String::from("api"),
    ];
    for (k, v) in case["answers"].as_object().unwrap() {
        let v = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        args.push(String::from("--set"));
        args.push(format!("{k}={v}"));
    }
    let out = env.pave().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let readme = env.work().join("api/README.md");
    edit(
        &readme,
        "This project uses CloudFront in several of its roles at once:\n",
        "This project uses CloudFront in several of its roles at once (see api-row2's runbook):\n",
    );
    let out = env
        .pave()
        .args([
            "blueprint",
            "absorb",
            "api",
            "--into",
            "reg/cloudfront-http-api",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["hunks"][0]["outcome"], "absorbed-with-variables",
        "{doc:#}"
    );
    let tpl = std::fs::read_to_string(folder.join("template/README.md.hbs")).unwrap();
    assert!(tpl.contains("(see {{project_name}}'s runbook):\n"), "{tpl}");
    for extra in [&["--update-snapshots"][..], &[]] {
        let out = env
            .pave()
            .args([
                "blueprint",
                "test",
                "reg/cloudfront-http-api",
                "--no-checks",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
}

#[test]
fn only_limits_the_files_absorbed() {
    let env = Env::new();
    let (folder, svc) = setup(&env, &orders("1.0.0"));
    edit(&svc.join("notes.txt"), "two", "TWO");
    edit(
        &svc.join("template.yaml"),
        "MemorySize: 128",
        "MemorySize: 256",
    );
    let (code, doc) = json(&env, &["--only", "svc/notes.txt"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        outcomes(&doc),
        vec![(
            String::from("notes.txt @@ -1,3 +1,3 @@"),
            String::from("absorbed")
        )]
    );
    let tpl = std::fs::read_to_string(folder.join("template/template.yaml.hbs")).unwrap();
    assert!(tpl.contains("MemorySize: 128"), "{tpl}");
}

/// A variable that another example case leaves unanswered breaks that case's render: the
/// change is taken back, and absorbed without the variable when that proves.
#[test]
fn a_variable_that_breaks_another_case_is_taken_back_for_the_plain_text() {
    let env = Env::new();
    let bp = BlueprintBuilder::new("orders-api")
        .version("1.0.0")
        .summary("Orders API for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .param(Param::boolean("named").default(true))
        .param(
            Param::string("api_name")
                .when("{{named}}")
                .default("orders-svc"),
        )
        .file(
            "template/x.txt.hbs",
            "a\n{{#if named}}\nuses {{api_name}}\n{{/if}}\nb\n",
        )
        .example(
            "unnamed",
            serde_json::json!({"project_name": "demo", "named": false}),
        );
    let (folder, svc) = setup(&env, &bp);
    edit(&svc.join("x.txt"), "b\n", "b calls OrdersSvc\n");
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["hunks"][0]["outcome"], "absorbed", "{doc:#}");
    let tpl = std::fs::read_to_string(folder.join("template/x.txt.hbs")).unwrap();
    assert!(tpl.ends_with("b calls OrdersSvc\n"), "{tpl}");
    renders_as_project(&env);
}

/// A line with a tag changed next to an added line: the tag stays a tag, even when its value
/// (a number) could not be turned back into it.
#[test]
fn a_line_with_tags_changed_beside_an_added_line_keeps_its_tags() {
    let env = Env::new();
    let bp = BlueprintBuilder::new("orders-api")
        .version("1.0.0")
        .summary("Orders API for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .param(Param::integer("memory").default(128))
        .file("template/x.txt.hbs", "start\nMemory: {{memory}} MB\nend\n")
        .example("basic", serde_json::json!({"project_name": "demo"}));
    let (folder, svc) = setup(&env, &bp);
    edit(
        &svc.join("x.txt"),
        "Memory: 128 MB\n",
        "Memory: 128 MiB\nTimeout: 3\n",
    );
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        std::fs::read_to_string(folder.join("template/x.txt.hbs")).unwrap(),
        "start\nMemory: {{memory}} MiB\nTimeout: 3\nend\n"
    );
    renders_as_project(&env);
}

/// A blueprint `orders-api` with only `project_name` and the template files `files`.
fn plain(files: &[(&str, &str)]) -> BlueprintBuilder {
    let mut bp = BlueprintBuilder::new("orders-api")
        .version("1.0.0")
        .summary("Orders API for tests")
        .param(Param::string("project_name").pattern("^[a-z][a-z0-9-]*$"))
        .example("basic", serde_json::json!({"project_name": "demo"}));
    for (path, body) in files {
        bp = bp.file(path, body);
    }
    bp
}

#[test]
fn an_empty_template_file_that_gains_text_is_absorbed() {
    let env = Env::new();
    let (folder, svc) = setup(
        &env,
        &plain(&[("template/empty.txt", ""), ("template/empty.yaml.hbs", "")]),
    );
    std::fs::write(svc.join("empty.txt"), "now text\n").unwrap();
    std::fs::write(svc.join("empty.yaml"), "name: orders-api\n").unwrap();
    let (code, doc) = json(&env, &[]);
    let got: Vec<String> = outcomes(&doc).into_iter().map(|(_, o)| o).collect();
    assert_eq!(got, ["absorbed", "absorbed-with-variables"], "{doc:#}");
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(folder.join("template/empty.yaml.hbs")).unwrap(),
        "name: {{project_name}}\n"
    );
    assert!(!folder.join("absorb.rej").exists());
    renders_as_project(&env);
}

#[test]
fn absorbing_the_same_change_twice_changes_nothing_the_second_time() {
    let env = Env::new();
    let (folder, svc) = setup(
        &env,
        &plain(&[(
            "template/config.yaml.hbs",
            "name: {{project_name}}\nttl: 0\nretries: 3\n",
        )]),
    );
    edit(&svc.join("config.yaml"), "ttl: 0", "ttl: 60");
    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let template = folder.join("template/config.yaml.hbs");
    let once = std::fs::read_to_string(&template).unwrap();
    assert_eq!(once, "name: {{project_name}}\nttl: 60\nretries: 3\n");
    let repo = env.work().join("bp");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "absorbed"]);

    let (code, doc) = json(&env, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(std::fs::read_to_string(&template).unwrap(), once);
    assert!(!folder.join("absorb.rej").exists(), "{doc:#}");
    assert_eq!(git(&repo, &["status", "--porcelain"]), "", "{doc:#}");
    renders_as_project(&env);
}
