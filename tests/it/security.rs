//! A blueprint is untrusted input: rendered paths that would leave the target (`..`, absolute,
//! a parameter value of `../x`), symbolic links pointing out, and writes through links already
//! on disk are all refused, with nothing written.

use crate::support::{Env, list_files, manifest};
use predicates::prelude::*;

fn refused(env: &Env, bp: &str, set: &[&str], message: &str) {
    let before = list_files(&env.work());
    let mut cmd = env.pave();
    cmd.args(["new", bp, "out"]);
    for pair in set {
        cmd.args(["--set", pair]);
    }
    cmd.assert()
        .code(1)
        .stderr(predicate::str::contains(message));
    assert!(!env.work().join("out").exists(), "no target");
    assert_eq!(list_files(&env.work()), before, "nothing written anywhere");
    assert!(!env.root.path().join("escaped").exists());
}

#[test]
fn dot_dot_in_a_template_path_is_refused() {
    let env = Env::new();
    let bp = env.blueprint(
        "evil",
        &[
            ("blueprint.yaml", &manifest("evil", "", "")),
            ("template/{{lower '..'}}/{{lower '..'}}/escaped", "x"),
        ],
    );
    refused(
        &env,
        &bp,
        &["project_name=ok"],
        "is refused: a path segment is `.` or `..`",
    );
}

#[test]
fn a_parameter_value_of_dot_dot_used_in_a_path_is_refused() {
    let env = Env::new();
    let files =
        manifest("evil", "  - name: dir\n", "").replace("    pattern: '^[a-z][a-z0-9-]*$'\n", "");
    let bp = env.blueprint(
        "evil",
        &[("blueprint.yaml", &files), ("template/{{dir}}/x.txt", "x")],
    );
    refused(
        &env,
        &bp,
        &["project_name=ok", "dir=../x"],
        "renders to the path `../x/x.txt`, which is refused",
    );
    refused(
        &env,
        &bp,
        &["project_name=ok", "dir=../../escaped"],
        "which is refused",
    );
}

#[test]
fn an_absolute_rendered_path_is_refused() {
    let env = Env::new();
    let abs = env.root.path().join("escaped");
    let files =
        manifest("evil", "  - name: dir\n", "").replace("    pattern: '^[a-z][a-z0-9-]*$'\n", "");
    let bp = env.blueprint(
        "evil",
        &[("blueprint.yaml", &files), ("template/{{dir}}", "x")],
    );
    refused(
        &env,
        &bp,
        &["project_name=ok", &format!("dir={}", abs.display())],
        "it is absolute",
    );
}

#[cfg(unix)]
#[test]
fn a_blueprint_symlink_pointing_out_is_refused() {
    let env = Env::new();
    let bp = env.blueprint(
        "evil",
        &[
            ("blueprint.yaml", &manifest("evil", "", "")),
            ("template/ok.txt", "x"),
        ],
    );
    std::os::unix::fs::symlink("/etc/passwd", env.work().join("evil/template/passwd")).unwrap();
    refused(
        &env,
        &bp,
        &["project_name=ok"],
        "is a symbolic link to `/etc/passwd`, which is outside the blueprint",
    );
    std::fs::remove_file(env.work().join("evil/template/passwd")).unwrap();
    std::os::unix::fs::symlink(
        "../blueprint.yaml",
        env.work().join("evil/template/manifest"),
    )
    .unwrap();
    refused(
        &env,
        &bp,
        &["project_name=ok"],
        "outside the rendered project",
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_project_is_copied_as_a_link() {
    let env = Env::new();
    let bp = env.blueprint(
        "links",
        &[
            ("blueprint.yaml", &manifest("links", "", "")),
            ("template/docs/guide.md", "g"),
        ],
    );
    std::os::unix::fs::symlink("docs/guide.md", env.work().join("links/template/GUIDE.md"))
        .unwrap();
    env.pave()
        .args(["new", &bp, "out", "--set", "project_name=ok"])
        .assert()
        .success();
    let link = std::fs::read_link(env.work().join("out/GUIDE.md")).unwrap();
    assert_eq!(link, std::path::PathBuf::from("docs/guide.md"));
}

#[cfg(unix)]
#[test]
fn force_never_writes_through_a_symlink_on_disk() {
    let env = Env::new();
    let bp = env.blueprint(
        "plain",
        &[
            ("blueprint.yaml", &manifest("plain", "", "")),
            ("template/src/app.txt", "new"),
        ],
    );
    let outside = env.root.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(env.work().join("out")).unwrap();
    std::os::unix::fs::symlink(&outside, env.work().join("out/src")).unwrap();
    env.pave()
        .args(["new", &bp, "out", "--force", "--set", "project_name=ok"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is a symbolic link, and pave never writes through links",
        ));
    assert!(list_files(&outside).is_empty());
    assert_eq!(list_files(&env.work().join("out")), ["src"]);
}

#[test]
fn an_answer_holding_a_slash_in_a_path_segment_is_refused_by_new_and_update() {
    let env = Env::new();
    let files =
        manifest("sub", "  - name: sub\n", "").replace("    pattern: '^[a-z][a-z0-9-]*$'\n", "");
    let bp = env.blueprint(
        "sub",
        &[("blueprint.yaml", &files), ("template/{{sub}}/f.txt", "x")],
    );
    let message = "template/{{sub}}/f.txt renders to the path `a/b/f.txt`, which is refused: the answer `sub` (`a/b`) is used as one file or folder name, which cannot hold `/`; give `sub` without `/`\n  hint: e.g. --set sub=a-b\n";
    refused(&env, &bp, &["project_name=ok", "sub=a/b"], message);

    env.pave()
        .args([
            "new",
            &bp,
            "out",
            "--set",
            "project_name=ok",
            "--set",
            "sub=a",
        ])
        .assert()
        .success();
    let before = list_files(&env.work());
    env.pave()
        .args(["update", "out", "--set", "sub=a/b"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message));
    assert_eq!(list_files(&env.work()), before, "nothing written");
    assert!(env.work().join("out/a/f.txt").is_file());
}
