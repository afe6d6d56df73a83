//! Rendering through the library: parser errors with positions, strict mode, escapes in copied
//! and rendered files, path templating, conditional files, partials and determinism.

use crate::support::{BlueprintBuilder, Param};
use pave::answers::{self, Supplied};
use pave::blueprint::{Blueprint, Entry, FileTree};
use pave::manifest::{parse_index, parse_manifest};
use pave::render;
use pave::template::Engine;

/// Blueprint `t` asking `project_name` (default demo), `runtime` (nodejs22.x or python3.12)
/// and `waf` (default false), with no files yet.
fn base() -> BlueprintBuilder {
    BlueprintBuilder::new("t")
        .param(Param::string("project_name").default("demo"))
        .param(Param::choice("runtime", &["nodejs22.x", "python3.12"]).default("nodejs22.x"))
        .param(Param::boolean("waf").default(false))
}

/// [`base`] with `files` (paths relative to the blueprint's root), parsed.
fn blueprint(files: &[(&str, &str)]) -> Blueprint {
    files
        .iter()
        .fold(base(), |bp, (path, text)| bp.file(path, text))
        .build()
}

fn render_with(bp: &Blueprint, set: &[(&str, &str)]) -> Result<FileTree, String> {
    let engine = Engine::new(&bp.partials).map_err(|e| e.to_string())?;
    let supplied = Supplied {
        set: set
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Supplied::default()
    };
    let answers =
        answers::resolve(&bp.manifest, &engine, &supplied, None).map_err(|e| e.to_string())?;
    render::render(bp, &answers.context()).map_err(|e| e.to_string())
}

fn text(tree: &FileTree, path: &str) -> String {
    match tree.get(path) {
        Some(Entry::File { data, .. }) => String::from_utf8(data.to_vec()).expect("utf8"),
        other => panic!("{path}: {other:?}"),
    }
}

#[test]
fn malformed_manifest_yaml_names_file_line_and_column() {
    let err = parse_manifest(
        "apiVersion: pave/v1\nname: [t\nversion: 1.0.0\n",
        "bp/blueprint.yaml",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("bp/blueprint.yaml:"), "{msg}");
    assert!(
        msg.split(':')
            .nth(1)
            .is_some_and(|l| l.parse::<usize>().is_ok()),
        "line number: {msg}"
    );
}

#[test]
fn unknown_manifest_field_names_position_and_closest_field() {
    let src = "apiVersion: pave/v1\nname: t\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: a\n    defualt: x\n";
    let msg = parse_manifest(src, "blueprint.yaml")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("blueprint.yaml:7:5"), "{msg}");
    assert!(msg.contains("unknown field `defualt`"), "{msg}");
    assert!(msg.contains("did you mean `default`?"), "{msg}");
}

#[test]
fn unknown_registry_field_names_position_and_closest_field() {
    let src = "apiVersion: pave/v1\nname: r\nblueprints:\n  - name: a\n    path: blueprints/a\n    sumary: x\n";
    let msg = parse_index(src, "registry.yaml").unwrap_err().to_string();
    assert!(msg.contains("registry.yaml:6:5"), "{msg}");
    assert!(msg.contains("did you mean `summary`?"), "{msg}");
}

#[test]
fn semantic_manifest_errors_are_all_listed_with_lines() {
    let src = "apiVersion: pave/v2\nname: Bad_Name\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: size\n    type: integer\n    min: 10\n    max: 1\n  - name: kind\n    type: choice\n    default: x\n";
    let msg = parse_manifest(src, "blueprint.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("1:1: apiVersion `pave/v2` is not supported"),
        "{msg}"
    );
    assert!(msg.contains("min 10 is greater than max 1"), "{msg}");
    assert!(msg.contains("type choice needs `choices`"), "{msg}");
    assert!(msg.contains("name `Bad_Name`"), "{msg}");
}

#[test]
fn strict_mode_error_names_template_file_and_line() {
    let bp = blueprint(&[
        ("template/ok.txt", "x"),
        (
            "template/src/app.js.hbs",
            "line one\nconst x = '{{undeclared}}';\n",
        ),
    ]);
    let err = render_with(&bp, &[]).unwrap_err();
    assert!(err.contains("template/src/app.js.hbs:2:"), "{err}");
    assert!(err.contains("`undeclared` is not defined"), "{err}");
}

#[test]
fn template_syntax_error_names_file_and_position() {
    let bp = blueprint(&[("template/a.hbs", "ok\n{{#if waf}}\nno close\n")]);
    let err = render_with(&bp, &[]).unwrap_err();
    assert!(err.starts_with("template/a.hbs:"), "{err}");
}

#[test]
fn copied_files_keep_actions_and_dynamic_references_byte_for_byte() {
    let workflow = "steps:\n  - run: echo ${{ secrets.AWS_ROLE_ARN }}\n    env: {X: '{{resolve:ssm:/p}}', Y: '{{ project_name }}'}\n";
    let bp = blueprint(&[("template/.github/workflows/ci.yml", workflow)]);
    let out = render_with(&bp, &[]).unwrap();
    assert_eq!(text(&out, ".github/workflows/ci.yml"), workflow);
}

#[test]
fn escapes_in_rendered_files_produce_literal_braces() {
    let src = "Secret: '\\{{resolve:secretsmanager:s:SecretString:k}}'\nrole: $\\{{ secrets.AWS_ROLE_ARN }}\nname: {{project_name}} & <b>\n";
    let bp = blueprint(&[("template/t.yaml.hbs", src)]);
    let out = render_with(&bp, &[("project_name", "a&b<'\"c>")]).unwrap();
    assert_eq!(
        text(&out, "t.yaml"),
        "Secret: '{{resolve:secretsmanager:s:SecretString:k}}'\nrole: ${{ secrets.AWS_ROLE_ARN }}\nname: a&b<'\"c> & <b>\n",
        "no HTML escaping, escapes become literal braces"
    );
}

#[test]
fn path_segments_are_templated_and_hbs_suffix_dropped() {
    let bp = blueprint(&[(
        "template/src/{{snakeCase project_name}}/{{project_name}}.py.hbs",
        "name = '{{project_name}}'\n",
    )]);
    let out = render_with(&bp, &[("project_name", "my-svc")]).unwrap();
    assert_eq!(out.keys().collect::<Vec<_>>(), ["src/my_svc/my-svc.py"]);
    assert_eq!(text(&out, "src/my_svc/my-svc.py"), "name = 'my-svc'\n");
}

#[test]
fn file_rules_include_files_only_when_their_condition_holds() {
    let bp = base()
        .files_when("src/*.py", "{{startsWith runtime 'python'}}")
        .files_when("package.json", "{{startsWith runtime 'nodejs'}}")
        .file("template/src/app.py", "py")
        .file("template/package.json", "{}")
        .file("template/README.md", "r")
        .build();
    let node = render_with(&bp, &[]).unwrap();
    assert_eq!(
        node.keys().collect::<Vec<_>>(),
        ["README.md", "package.json"]
    );
    let python = render_with(&bp, &[("runtime", "python3.12")]).unwrap();
    assert_eq!(
        python.keys().collect::<Vec<_>>(),
        ["README.md", "src/app.py"]
    );
}

#[test]
fn conditional_blocks_vanish_with_their_lines_and_partials_indent() {
    let template =
        "Resources:\n{{#if waf}}\n  Acl: x\n{{/if}}\n  Fn:\n    Code: |\n      {{> code}}\n";
    let bp = blueprint(&[
        ("template/t.yaml.hbs", template),
        ("partials/code.hbs", "a();\nb();\n"),
    ]);
    let out = render_with(&bp, &[]).unwrap();
    assert_eq!(
        text(&out, "t.yaml"),
        "Resources:\n  Fn:\n    Code: |\n      a();\n      b();\n"
    );
    let out = render_with(&bp, &[("waf", "true")]).unwrap();
    assert!(text(&out, "t.yaml").starts_with("Resources:\n  Acl: x\n  Fn:\n"));
}

#[test]
fn helpers_cover_case_and_string_needs() {
    let src = "{{kebabCase project_name}} {{snakeCase project_name}} {{pascalCase project_name}} {{camelCase project_name}} {{upper runtime}} {{#if (contains runtime 'node')}}node{{/if}} {{json project_name}} {{join (split 'a, b' ',') '+'}}";
    let bp = blueprint(&[("template/h.hbs", src)]);
    let out = render_with(&bp, &[("project_name", "my_cool-svc")]).unwrap();
    assert_eq!(
        text(&out, "h"),
        "my-cool-svc my_cool_svc MyCoolSvc myCoolSvc NODEJS22.X node \"my_cool-svc\" a+b"
    );
}

#[test]
fn rendering_is_deterministic() {
    let bp = blueprint(&[
        ("template/a.hbs", "{{project_name}} {{runtime}}"),
        ("template/b/{{project_name}}.txt", "x"),
    ]);
    let first = render_with(&bp, &[("project_name", "x")]).unwrap();
    for _ in 0..5 {
        assert_eq!(render_with(&bp, &[("project_name", "x")]).unwrap(), first);
    }
}

#[test]
fn skipped_parameters_are_null_and_not_recorded() {
    let bp = base()
        .param(Param::string("acl_arn").when("{{waf}}"))
        .file(
            "template/a.hbs",
            "{{#if acl_arn}}{{acl_arn}}{{else}}none{{/if}}",
        )
        .build();
    let engine = Engine::new(&bp.partials).unwrap();
    let answers = answers::resolve(&bp.manifest, &engine, &Supplied::default(), None).unwrap();
    assert!(!answers.recorded().contains_key("acl_arn"));
    assert_eq!(
        text(&render::render(&bp, &answers.context()).unwrap(), "a"),
        "none"
    );
}

#[test]
fn partials_that_include_each_other_are_an_error_not_a_stack_overflow() {
    let bp = blueprint(&[
        ("template/a.hbs", "{{> one}}"),
        ("partials/one.hbs", "1 {{> two}}"),
        ("partials/two.hbs", "2 {{> one}}"),
    ]);
    let err = render_with(&bp, &[]).unwrap_err();
    assert!(
        err.contains("partials include each other in a loop (one -> two -> one)"),
        "{err}"
    );
    let bp = blueprint(&[
        ("template/a.hbs", "{{> me}}"),
        ("partials/me.hbs", "{{#if waf}}{{> me}}{{/if}}"),
    ]);
    assert!(render_with(&bp, &[]).unwrap_err().contains("(me -> me)"));
}

#[test]
fn every_blueprint_ships_the_same_offline_sam_transform_script() {
    // Each rendered project carries its own copy for `make lint`; the suite runs the one in
    // scripts/. They must not drift apart.
    let reference = include_str!("../../scripts/sam-translate.py");
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/blueprints")).unwrap() {
        let copy = entry
            .unwrap()
            .path()
            .join("template/scripts/sam-translate.py");
        let text =
            std::fs::read_to_string(&copy).unwrap_or_else(|e| panic!("{}: {e}", copy.display()));
        assert_eq!(
            text,
            reference,
            "{} differs from scripts/sam-translate.py",
            copy.display()
        );
    }
}

#[test]
fn a_template_without_mustaches_renders_to_its_own_bytes() {
    // Rendered without being parsed: stray braces, backslashes and blank lines stay as they are.
    let src = "}} { \\ }\n\n  indented\r\nlast line without newline";
    let bp = blueprint(&[
        ("template/plain.txt.hbs", src),
        ("template/x.hbs", "{{project_name}}"),
    ]);
    let out = render_with(&bp, &[]).unwrap();
    assert_eq!(text(&out, "plain.txt"), src);
    assert_eq!(text(&out, "x"), "demo");
}
