//! `pave blueprint extract`: every built-in blueprint's rendered examples extract (their answers
//! as parameters) into blueprints whose own test passes and which render the project back; a
//! property over generated projects; a realistic project written here (SAM template, Python
//! and Node handlers, a PNG, an executable script, JSON holding `{{`, a `.gitignore`,
//! `node_modules/`); bad input refused with nothing written; `derived_from` shown by `show`.
//! The checks (`cfn-lint`) need the validators on PATH, as `scripts/test` sets it.

use crate::support::git::git;
use crate::support::{Env, builtin, list_files};
use pave::author::extract::{self, Request};
use pave::blueprint::{Entry, FileTree};
use proptest::prelude::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Writes `tree` as a project folder at `dir` (all or nothing, as `pave new` does).
fn write_project(dir: &Path, tree: FileTree) {
    pave::plan::plan(dir, tree, false)
        .unwrap()
        .apply(&pave::plan::ApplyOptions::default())
        .unwrap();
}

/// `pave new blueprint dir --defaults` with `--set` for each of `sets`, checked to succeed.
#[track_caller]
fn scaffold(env: &Env, blueprint: &str, dir: &str, sets: &[&str]) {
    let mut args = vec!["new", blueprint, dir, "--defaults"];
    for set in sets {
        args.extend(["--set", set]);
    }
    env.run(args).code(0);
}

/// The project at `dir` as pave reads it, without `.pave.yaml`.
fn read_project(dir: &Path) -> FileTree {
    let mut tree = pave::registry::local::read_tree(dir).unwrap();
    tree.remove(pave::project::FILE_NAME);
    tree
}

#[test]
fn every_builtin_example_extracts_tests_clean_and_renders_back() {
    let scratch = tempfile::tempdir().unwrap();
    let mut done = 0;
    for name in builtin::names() {
        let loaded = builtin::load(&name);
        for (case, example) in builtin::valid_examples(&loaded.blueprint) {
            let generated = builtin::render(&loaded, &example).unwrap();
            let project = scratch.path().join(format!("{name}-{case}"));
            write_project(&project, generated.tree.clone());
            let target = scratch.path().join(format!("bp-{name}-{case}"));
            let req = Request {
                project: project.clone(),
                target: target.clone(),
                name: Some(String::from("extracted-bp")),
                params_from_answers: true,
                ..Request::default()
            };
            let extracted = extract::prepare(&req).unwrap_or_else(|e| panic!("{name}/{case}: {e}"));
            assert_eq!(
                extracted.derived_from.as_deref(),
                Some(format!("builtin/{name}@{}", loaded.blueprint.version()).as_str())
            );
            // The answers are the parameters, and the project's name is replaced.
            let project_name = example.answers.get("project_name");
            if let Some(value) = project_name.and_then(|v| v.as_str()) {
                assert!(
                    extracted
                        .params
                        .iter()
                        .any(|p| p.key == "project_name" && p.value == value && p.from_answers),
                    "{name}/{case}: {:?}",
                    extracted.params
                );
                assert!(extracted.replaced()["project_name"] > 0, "{name}/{case}");
            }
            extract::write(&target, &extracted).unwrap();

            // The new folder's own test passes (snapshot, no checks here: see the fixture).
            let folder = pave::registry::local::load(&target).unwrap();
            let options = pave::author::testing::Options {
                update_snapshots: false,
                run_checks: false,
                timeout: std::time::Duration::from_secs(60),
                out: None,
                filter: None,
            };
            let results =
                pave::author::testing::run(&target, &folder, &options, &mut |_| {}).unwrap();
            assert!(
                results.iter().all(|r| r.passed()),
                "{name}/{case}: {results:?}"
            );
            let lint = pave::author::lint::lint(&folder.blueprint);
            assert_eq!(lint.errors(), 0, "{name}/{case}: {lint:?}");

            // Rendered as `pave new` would, with the recorded values, it is the project again.
            let case_yaml = &folder.blueprint.tests["extracted"];
            let answers: pave::blueprint::TestCase = pave::yaml::parse(case_yaml, "case").unwrap();
            let again = builtin::render(&folder, &answers).unwrap();
            assert!(
                builtin::output(again.tree) == read_project(&project),
                "{name}/{case}: the extracted blueprint does not render the project back"
            );
            done += 1;
        }
    }
    assert!(done >= 8, "only {done} examples");
}

/// A generated project: files whose text mixes the value, its case variants, braces and
/// words around them, some under a folder named by the value, one executable, one binary.
fn project_strategy() -> impl Strategy<Value = FileTree> {
    let piece = prop_oneof![
        Just(String::from("orders-api")),
        Just(String::from("OrdersApi")),
        Just(String::from("ORDERS_API")),
        Just(String::from("orders_api")),
        Just(String::from("rapid")),
        Just(String::from("{{")),
        Just(String::from("}}")),
        Just(String::from("\\")),
        Just(String::from("true")),
        Just(String::from("8080")),
        "[a-zA-Z0-9 _\\-.:/\n{}]{0,12}",
    ];
    let text = prop::collection::vec(piece, 0..12).prop_map(|p| p.concat());
    let dir = prop_oneof![
        Just(String::new()),
        Just(String::from("src/")),
        Just(String::from("orders-api/")),
        Just(String::from("OrdersApi/lib/")),
    ];
    let file = (
        dir,
        "[a-z]{1,6}",
        prop_oneof![Just(""), Just(".hbs"), Just(".txt")],
        text,
        any::<bool>(),
        any::<bool>(),
    );
    prop::collection::vec(file, 1..8).prop_map(|files| {
        let mut tree = FileTree::new();
        for (dir, stem, ext, text, exec, binary) in files {
            let mut data = text.into_bytes();
            if binary && ext != ".hbs" {
                data.insert(0, 0);
            }
            tree.insert(
                format!("{dir}{stem}{ext}"),
                Entry::File {
                    data: data.into(),
                    executable: exec,
                },
            );
        }
        tree
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6578_7472),
        ..ProptestConfig::default()
    })]
    #[test]
    fn generated_projects_extract_and_prove(project in project_strategy()) {
        let given = vec![
            String::from("project_name=orders-api"),
            String::from("tracing=true"),
            String::from("port=8080"),
        ];
        let (params, _) = extract::params::collect(&given, None, &Default::default()).unwrap();
        let extracted = extract::plan("gen", "gen", &project, params, Vec::new(), None).unwrap();
        // The proof: the project back byte for byte, and no value left with other values.
        extract::proof::prove(&extracted, &project).unwrap();
    }
}

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, b'o', b'r', b'd', b'e', b'r', b's', b'-',
    b'a', b'p', b'i',
];

const SAM: &str = "AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: orders-api service
Resources:
  OrdersApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders-api-handler
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/orders_api/
      MemorySize: 512
      Environment:
        Variables:
          TABLE: ORDERS_API_TABLE
  NodeFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: web/
      MemorySize: 512
";

/// A project as teams have them, not made by pave.
fn realistic(dir: &Path) {
    let files: &[(&str, &[u8])] = &[
        ("template.yaml", SAM.as_bytes()),
        (
            "src/orders_api/app.py",
            b"import os\n\nTABLE = os.environ['TABLE']  # ORDERS_API_TABLE\n\ndef handler(event, context):\n    return {'service': 'orders-api', 'rapid': True}\n",
        ),
        (
            "web/index.mjs",
            b"export const handler = async () => ({ statusCode: 200, body: 'OrdersApi ok' });\n",
        ),
        ("assets/logo.png", PNG),
        ("scripts/deploy.sh", b"#!/bin/sh\nsam deploy --stack-name orders-api\n"),
        (
            "config/settings.json",
            b"{\"greeting\": \"{{name}} from orders-api\", \"memory\": 512}\n",
        ),
        (".gitignore", b"build/\n*.log\n"),
        ("build/out.txt", b"orders-api build\n"),
        ("debug.log", b"orders-api log\n"),
        ("node_modules/dep/index.js", b"module.exports = 'orders-api';\n"),
        ("orders-api.md", b"# orders-api\n"),
    ];
    for (path, data) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, data).unwrap();
    }
    let script = dir.join("scripts/deploy.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_realistic_project_extracts_lists_what_became_what_and_tests_clean() {
    let env = Env::new();
    let project = env.work().join("orders");
    realistic(&project);
    let doc = env
        .run([
            "blueprint",
            "extract",
            "orders",
            "bp/orders-api",
            "--param",
            "project_name=orders-api",
            "--param",
            "memory=512",
            "--json",
        ])
        .code(0)
        .json();
    let files = list_files(&env.work().join("bp/orders-api"));
    for want in [
        "blueprint.yaml",
        "CHANGELOG.md",
        "tests/extracted.yaml",
        "snapshots/extracted.snap",
        "template/template.yaml.hbs",
        "template/src/{{snakeCase project_name}}/app.py.hbs",
        "template/web/index.mjs.hbs",
        "template/assets/logo.png",
        "template/scripts/deploy.sh.hbs",
        "template/config/settings.json.hbs",
        "template/.gitignore",
        "template/{{project_name}}.md.hbs",
    ] {
        assert!(files.iter().any(|f| f == want), "{want} missing: {files:?}");
    }
    for gone in ["build/", "debug.log", "node_modules/"] {
        assert!(
            doc["left_out"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["path"] == gone),
            "{gone} not left out: {}",
            doc["left_out"]
        );
    }
    assert!(
        !files
            .iter()
            .any(|f| f.contains("node_modules") || f.contains("build/"))
    );
    let bp = env.work().join("bp/orders-api");
    // Binaries are copied whole and said to hold the value.
    assert_eq!(
        std::fs::read(bp.join("template/assets/logo.png")).unwrap(),
        PNG
    );
    let logo = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "assets/logo.png")
        .unwrap();
    assert!(logo["kept_as_is"].as_str().unwrap().contains("binary"));
    // The mode is kept, and `{{` renders as itself.
    let mode = std::fs::metadata(bp.join("template/scripts/deploy.sh.hbs"))
        .unwrap()
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, "{mode:o}");
    let settings = std::fs::read_to_string(bp.join("template/config/settings.json.hbs")).unwrap();
    assert_eq!(
        settings,
        "{\"greeting\": \"\\{{name}} from {{project_name}}\", \"memory\": {{memory}}}\n"
    );
    let manifest = std::fs::read_to_string(bp.join("blueprint.yaml")).unwrap();
    assert!(
        manifest.contains("    type: integer\n    prompt: \"Memory\"\n    default: 512\n"),
        "{manifest}"
    );
    assert!(
        manifest.contains("pattern: '^[a-z][a-z0-9-]*$'"),
        "{manifest}"
    );
    assert!(
        manifest.contains("checks:\n  - cfn-lint template.yaml\n"),
        "{manifest}"
    );
    assert!(!manifest.contains("derived_from"), "{manifest}");
    let case = std::fs::read_to_string(bp.join("tests/extracted.yaml")).unwrap();
    assert!(
        case.ends_with("answers:\n  project_name: \"orders-api\"\n  memory: 512\n"),
        "{case}"
    );

    env.run(["blueprint", "lint", "bp/orders-api"]).code(0);
    env.run(["blueprint", "test", "bp/orders-api"])
        .code(0)
        .stdout_has("`cfn-lint template.yaml` ok");

    // Another team scaffolds it with its own values.
    scaffold(
        &env,
        "./bp/orders-api",
        "billing",
        &["project_name=billing-api", "memory=1024"],
    );
    let sam = std::fs::read_to_string(env.work().join("billing/template.yaml")).unwrap();
    assert!(sam.contains("  BillingApiFunction:\n"), "{sam}");
    assert!(sam.contains("MemorySize: 1024"), "{sam}");
    assert!(sam.contains("TABLE: BILLING_API_TABLE"), "{sam}");
    assert!(env.work().join("billing/src/billing_api/app.py").is_file());
    let py = std::fs::read_to_string(env.work().join("billing/src/billing_api/app.py")).unwrap();
    assert!(py.contains("'rapid': True"), "{py}");

    // The human output lists what became what and the next steps.
    env.run([
        "blueprint",
        "extract",
        "orders",
        "bp2",
        "--param",
        "project_name=orders-api",
    ])
    .code(0)
    .stdout_has(
        "templated  src/orders_api/app.py -> template/src/{{snakeCase project_name}}/app.py.hbs",
    )
    .stdout_has("node_modules/  (a folder tools fill")
    .stdout_has("debug.log  (ignored by .gitignore)")
    .stdout_has("pave blueprint test bp2");
}

#[test]
fn a_pave_project_gives_its_answers_and_its_origin() {
    let env = Env::new();
    scaffold(
        &env,
        "cloudfront-static-site",
        "site",
        &["project_name=team-site"],
    );
    env.run([
        "blueprint",
        "extract",
        "site",
        "team-site-bp",
        "--params-from-answers",
    ])
    .code(0)
    .stdout_has("project_name")
    .stdout_has("(from the answers)");
    let version = builtin::load("cloudfront-static-site")
        .blueprint
        .version()
        .to_string();
    let origin = format!("builtin/cloudfront-static-site@{version}");
    env.run(["show", "./team-site-bp"])
        .code(0)
        .stdout_has(&format!("derived from: {origin}"));
    let doc = env.run(["show", "./team-site-bp", "--json"]).code(0).json();
    assert_eq!(doc["derived_from"], origin);
    env.run(["blueprint", "test", "team-site-bp", "--no-checks"])
        .code(0);
    env.run(["blueprint", "lint", "team-site-bp"]).code(0);
}

#[test]
fn a_project_inside_a_git_work_tree_follows_the_work_tree_s_ignore_rules() {
    let env = Env::new();
    git(&env.work(), &["init", "-q"]);
    std::fs::write(env.work().join(".gitignore"), "*.tmp\n").unwrap();
    std::fs::create_dir_all(env.work().join("services/app")).unwrap();
    std::fs::write(
        env.work().join("services/app/main.py"),
        "app = 'orders-api'\n",
    )
    .unwrap();
    std::fs::write(env.work().join("services/app/scratch.tmp"), "orders-api\n").unwrap();
    env.run([
        "blueprint",
        "extract",
        "services/app",
        "bp/app",
        "--param",
        "project_name=orders-api",
    ])
    .code(0)
    .stdout_has("scratch.tmp  (ignored by .gitignore)");
    assert_eq!(
        list_files(&env.work().join("bp/app/template")),
        ["main.py.hbs"]
    );
}

#[test]
fn bad_input_is_refused_with_why_and_nothing_is_written() {
    let env = Env::new();
    let project = env.work().join("app");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("main.py"), "name = 'orders-api'\n").unwrap();
    let extract = |args: &[&str]| env.run(["blueprint", "extract"].iter().chain(args));
    let refused = |args: &[&str], why: &str| {
        extract(args).code(2).stderr_has(why);
    };
    refused(
        &["app", "out", "--param", "project_name=ab"],
        "has 2 character(s)",
    );
    refused(
        &[
            "app",
            "out",
            "--param",
            "a=orders-api",
            "--param",
            "b=orders-api",
        ],
        "same value",
    );
    refused(
        &[
            "app",
            "out",
            "--param",
            "a=orders-api",
            "--param",
            "a=other",
        ],
        "given twice",
    );
    refused(
        &["missing", "out", "--param", "a=orders-api"],
        "cannot extract missing",
    );
    refused(
        &["app", "out", "--params-from-answers"],
        "has no .pave.yaml",
    );
    refused(
        &["app", "out", "--exclude", "a/[", "--param", "a=orders-api"],
        "--exclude a/[",
    );
    assert!(!env.work().join("out").exists());
    std::fs::create_dir_all(env.work().join("taken")).unwrap();
    std::fs::write(env.work().join("taken/keep.txt"), "mine").unwrap();
    refused(&["app", "taken", "--param", "a=orders-api"], "is not empty");
    assert_eq!(list_files(&env.work().join("taken")), ["keep.txt"]);

    // Every .hbs file of a blueprint is rendered, so a binary one cannot be kept.
    std::fs::create_dir_all(env.work().join("bin")).unwrap();
    std::fs::write(env.work().join("bin/logo.hbs"), b"\x00\x01orders-api").unwrap();
    refused(
        &["bin", "out", "--param", "a=orders-api"],
        "logo.hbs ends in .hbs but is not UTF-8 text",
    );
    assert!(!env.work().join("out").exists());
    // A record that does not read only loses where the project came from.
    std::fs::write(env.work().join("bin/logo.hbs"), "orders-api").unwrap();
    std::fs::write(env.work().join("bin/.pave.yaml"), "registry: [").unwrap();
    extract(&["bin", "out-bin", "--param", "a=orders-api"])
        .code(0)
        .stderr_has("the blueprint does not record where the project came from");
    extract(&["bin", "out", "--params-from-answers"])
        .code(1)
        .stderr_has("bin/.pave.yaml");

    // A value that occurs nowhere is a warning; the parameter is still declared.
    extract(&[
        "app",
        "out",
        "--param",
        "project_name=orders-api",
        "--param",
        "owner=platform-team",
    ])
    .code(0)
    .stderr_has("warning: the value `platform-team` of owner occurs nowhere");
    let manifest = std::fs::read_to_string(env.work().join("out/blueprint.yaml")).unwrap();
    assert!(manifest.contains("  - name: owner\n"), "{manifest}");
}

#[test]
fn answers_that_choose_blocks_of_the_source_blueprint_are_not_parameters() {
    let env = Env::new();
    scaffold(
        &env,
        "cloudfront-http-api",
        "orders",
        &["project_name=orders-api"],
    );
    env.run([
        "blueprint",
        "extract",
        "orders",
        "orders-bp",
        "--params-from-answers",
    ])
    .code(0)
    .stdout_has("answer auth not used: a choice of cloudfront-http-api")
    .stdout_has("project_name");
    let manifest = std::fs::read_to_string(env.work().join("orders-bp/blueprint.yaml")).unwrap();
    assert!(manifest.contains("- name: project_name"), "{manifest}");
    assert!(!manifest.contains("- name: auth"), "{manifest}");
    // Given on the command line, a choice's value is templated as asked.
    env.run([
        "blueprint",
        "extract",
        "orders",
        "orders-bp2",
        "--params-from-answers",
        "--param",
        "auth=jwt",
    ])
    .code(0);
    let manifest = std::fs::read_to_string(env.work().join("orders-bp2/blueprint.yaml")).unwrap();
    assert!(manifest.contains("- name: auth"), "{manifest}");
}

#[test]
fn a_file_whose_name_holds_braces_renders_under_that_name() {
    let env = Env::new();
    let proj = env.work().join("proj");
    std::fs::create_dir_all(proj.join("{{dir}}")).unwrap();
    std::fs::write(proj.join("{{x}}.txt"), "x orders-api\n").unwrap();
    std::fs::write(proj.join("{{dir}}/orders-api-{{y}}.txt"), "plain\n").unwrap();
    let extract = ["blueprint", "extract", "proj", "out", "--name", "braces"];
    env.run(
        extract
            .iter()
            .chain(&["--param", "project_name=orders-api"]),
    )
    .code(0);
    env.run(["blueprint", "test", "out", "--no-checks"]).code(0);
    scaffold(&env, "./out", "made", &["project_name=billing"]);
    let made = env.work().join("made");
    assert_eq!(
        std::fs::read_to_string(made.join("{{x}}.txt")).unwrap(),
        "x billing\n"
    );
    assert_eq!(
        std::fs::read_to_string(made.join("{{dir}}/billing-{{y}}.txt")).unwrap(),
        "plain\n"
    );
}
