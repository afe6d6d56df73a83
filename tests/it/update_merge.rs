//! The update merge through the library on real renders and a real project folder: a
//! templated path that moves when its answer changes, local edits carried over, the project
//! read from disk without following links.

use pave::answers::{self, Supplied};
use pave::blueprint::{Blueprint, Entry, FileTree};
use pave::render;
use pave::template::Engine;
use pave::update::{self, Class, MergeOptions, OpKind, Trees};

fn blueprint(files: &[(&str, &str)]) -> Blueprint {
    let mut tree: FileTree = files
        .iter()
        .map(|(p, t)| (p.to_string(), Entry::file(t.as_bytes())))
        .collect();
    tree.insert(
        "blueprint.yaml".into(),
        Entry::file(
            "apiVersion: pave/v1\nname: t\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: project_name\n    default: orders\n",
        ),
    );
    Blueprint::from_tree("test", tree).expect("valid blueprint")
}

fn render(bp: &Blueprint, name: &str) -> (FileTree, render::Origins) {
    let mut engine = Engine::new(&bp.partials).unwrap();
    let supplied = Supplied {
        set: vec![("project_name".to_string(), name.to_string())],
        ..Supplied::default()
    };
    let answers = answers::resolve(&bp.manifest, &engine, &supplied, None).unwrap();
    render::render_traced(&mut engine, bp, &answers.context()).unwrap()
}

fn write_tree(dir: &std::path::Path, tree: &FileTree) {
    for (path, entry) in tree {
        let at = dir.join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        if let Entry::File { data, .. } = entry {
            std::fs::write(at, data).unwrap();
        }
    }
}

#[test]
fn render_traced_names_the_template_of_every_rendered_file() {
    let bp = blueprint(&[
        (
            "template/src/{{project_name}}/app.py.hbs",
            "name = '{{project_name}}'\n",
        ),
        ("template/README.md", "static\n"),
    ]);
    let (tree, origins) = render(&bp, "orders");
    assert_eq!(
        origins.get("src/orders/app.py").map(String::as_str),
        Some("src/{{project_name}}/app.py.hbs")
    );
    assert_eq!(
        origins.get("README.md").map(String::as_str),
        Some("README.md")
    );
    assert_eq!(origins.len(), tree.len());
    // render_with gives the same tree.
    let mut engine = Engine::new(&bp.partials).unwrap();
    let ctx = serde_json::json!({"project_name": "orders"});
    assert_eq!(render::render_with(&mut engine, &bp, &ctx).unwrap(), tree);
}

#[test]
fn an_answer_change_moves_the_file_with_the_project_edits() {
    let bp = blueprint(&[(
        "template/src/{{project_name}}/app.py.hbs",
        "import json\n\n\ndef handler(event, context):\n    return {'name': '{{project_name}}'}\n",
    )]);
    let (base, base_origins) = render(&bp, "orders");
    let (theirs, theirs_origins) = render(&bp, "billing");

    let project = tempfile::tempdir().unwrap();
    write_tree(project.path(), &base);
    let app = project.path().join("src/orders/app.py");
    std::fs::write(
        &app,
        "import json\nimport os\n\n\ndef handler(event, context):\n    return {'name': 'orders'}\n",
    )
    .unwrap();

    let paths = base.keys().chain(theirs.keys());
    let ours = pave::project::read_project(project.path(), paths).unwrap();
    assert_eq!(
        ours.len(),
        1,
        "only the blueprint's paths are read: {ours:?}"
    );
    let result = update::merge_trees(
        &Trees {
            base: &base,
            base_origins: &base_origins,
            theirs: &theirs,
            theirs_origins: &theirs_origins,
            ours: &ours,
        },
        &MergeOptions::new("1.0.0", "1.0.0"),
    )
    .unwrap();
    assert_eq!(result.files.len(), 1);
    let moved = &result.files[0];
    assert_eq!(moved.class, Class::Moved);
    assert_eq!(moved.from.as_deref(), Some("src/orders/app.py"));
    assert_eq!(result.summary.moved, 1);
    let ops: Vec<(&str, bool)> = result
        .ops()
        .iter()
        .map(|op| (op.path.as_str(), op.kind == OpKind::Delete))
        .collect();
    assert_eq!(
        ops,
        [("src/orders/app.py", true), ("src/billing/app.py", false)]
    );
    let after = result.apply_to(&ours);
    let Some(Entry::File { data, .. }) = after.get("src/billing/app.py") else {
        panic!("{after:?}");
    };
    assert_eq!(
        String::from_utf8_lossy(data),
        "import json\nimport os\n\n\ndef handler(event, context):\n    return {'name': 'billing'}\n"
    );
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["files"][0]["class"], "moved");
    assert_eq!(json["files"][0]["from"], "src/orders/app.py");
}

#[cfg(unix)]
#[test]
fn read_project_keeps_links_as_links_and_refuses_to_read_through_them() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "outside\n").unwrap();
    let project = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), project.path().join("src")).unwrap();
    std::os::unix::fs::symlink("elsewhere", project.path().join("link.txt")).unwrap();
    std::fs::write(project.path().join("run.sh"), "#!/bin/sh\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        project.path().join("run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();

    let tree =
        pave::project::read_project(project.path(), ["link.txt", "run.sh", "absent.txt"]).unwrap();
    assert_eq!(
        tree.get("link.txt"),
        Some(&Entry::Symlink {
            target: "elsewhere".into()
        })
    );
    assert_eq!(
        tree.get("run.sh"),
        Some(&Entry::File {
            data: b"#!/bin/sh\n".to_vec().into(),
            executable: true
        })
    );
    assert!(!tree.contains_key("absent.txt"));

    let err = pave::project::read_project(project.path(), ["src/secret.txt"]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("src/secret.txt") && msg.contains("symbolic link"),
        "{msg}"
    );
}
