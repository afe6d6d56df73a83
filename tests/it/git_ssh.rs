//! Git registries over ssh through the system ssh program. The ssh program is a small shell
//! script written by each test (as git's own tests do it): it records its arguments, checks it
//! was given a host, and runs the remote command (`git-upload-pack '/path'` or
//! `git-receive-pack '/path'`) locally with `sh -c`, on a real repository.

use crate::publish::{blueprint, served};
use crate::support::git::{RegistryBuilder, git_command, small};
use crate::support::{Env, text};
use std::path::{Path, PathBuf};

/// A fake ssh program at `<env>/bin/ssh` that appends its arguments (one a line, then `--`)
/// to `<env>/ssh.log` and runs its last argument locally.
fn fake_ssh(env: &Env) -> PathBuf {
    let script = format!(
        r#"#!/bin/sh
log='{log}'
for a in "$@"; do printf '%s\n' "$a" >> "$log"; done
echo -- >> "$log"
while [ $# -gt 0 ]; do
  case "$1" in
    -p|-o) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || {{ echo "fake ssh: want a host and a command, got: $*" >&2; exit 2; }}
[ -n "$1" ] || {{ echo "fake ssh: empty host" >&2; exit 2; }}
exec sh -c "$2"
"#,
        log = env.path("ssh.log").display()
    );
    write_program(&env.path("bin/ssh"), &script)
}

fn write_program(path: &Path, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// `PATH` with `<env>/bin` first, so `ssh` is the fake.
fn path_with_bin(env: &Env) -> String {
    format!(
        "{}:{}",
        env.path("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// What the fake ssh was run with, one run per entry.
fn ssh_runs(env: &Env) -> Vec<Vec<String>> {
    let log = std::fs::read_to_string(env.path("ssh.log")).unwrap_or_default();
    log.split("--\n")
        .filter(|run| !run.is_empty())
        .map(|run| run.lines().map(str::to_string).collect())
        .collect()
}

fn demo_registry() -> RegistryBuilder {
    let mut reg = RegistryBuilder::in_temp();
    for version in ["1.0.0", "1.1.0"] {
        reg.publish(small("demo", version));
    }
    reg
}

/// `pave registry add acme <url>` (a clone), `pave registry sync acme` (a fetch) and
/// `pave new acme/demo`, with `GIT_SSH_COMMAND` (or, when
/// `None`, `ssh` on PATH) as the ssh program.
fn add_and_scaffold(env: &Env, url: &str, ssh_command: Option<&Path>) {
    let with_ssh = |cmd: &mut assert_cmd::Command| {
        match ssh_command {
            Some(program) => cmd.env("GIT_SSH_COMMAND", program),
            None => cmd.env("PATH", path_with_bin(env)),
        };
    };
    let mut add = env.pave();
    with_ssh(&mut add);
    let out = add.args(["registry", "add", "acme", url]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let mut sync = env.pave();
    with_ssh(&mut sync);
    let out = sync.args(["registry", "sync", "acme"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let mut new = env.pave();
    with_ssh(&mut new);
    let out = new
        .args(["new", "acme/demo@=1.0.0", "p", "--set", "project_name=p1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(env.work().join("p/version.txt")).unwrap(),
        "1.0.0\n"
    );
}

#[test]
fn adds_and_scaffolds_over_an_ssh_url_with_git_ssh_command() {
    let reg = demo_registry();
    let env = Env::new();
    let program = fake_ssh(&env);
    let url = format!("ssh://git@host.example{}", reg.path().display());
    add_and_scaffold(&env, &url, Some(&program));
    let runs = ssh_runs(&env);
    assert!(runs.len() >= 2, "a clone and a fetch: {runs:?}");
    for run in &runs {
        let (host, command) = (&run[run.len() - 2], &run[run.len() - 1]);
        assert_eq!(host, "git@host.example", "{run:?}");
        assert_eq!(
            command,
            &format!("git-upload-pack '{}'", reg.path().display()),
            "{run:?}"
        );
        assert!(!run.contains(&String::from("-p")), "no port given: {run:?}");
    }
    let record = std::fs::read_to_string(env.work().join("p/.pave.yaml")).unwrap();
    assert!(record.contains(&format!("registry: {url}")), "{record}");
}

#[test]
fn adds_and_scaffolds_over_a_scp_like_address_with_ssh_on_path() {
    let reg = demo_registry();
    let env = Env::new();
    fake_ssh(&env);
    let url = format!("host.example:{}", reg.path().display());
    add_and_scaffold(&env, &url, None);
    let runs = ssh_runs(&env);
    assert!(!runs.is_empty());
    assert!(
        runs.iter().all(|run| run[run.len() - 2] == "host.example"),
        "{runs:?}"
    );
}

#[test]
fn a_port_in_the_url_reaches_the_ssh_program() {
    let reg = demo_registry();
    let env = Env::new();
    let program = fake_ssh(&env);
    let url = format!("git+ssh://host.example:2222{}", reg.path().display());
    add_and_scaffold(&env, &url, Some(&program));
    let runs = ssh_runs(&env);
    assert!(!runs.is_empty());
    for run in runs {
        let at = run.iter().position(|a| a == "-p").expect("-p given");
        assert_eq!(run[at + 1], "2222", "{run:?}");
        assert_eq!(run[run.len() - 2], "host.example", "{run:?}");
    }
}

#[test]
fn publishes_over_ssh_with_receive_pack() {
    let s = served();
    fake_ssh(&s.env);
    blueprint(&s.env, "team-api");
    let url = format!("ssh://host.example{}", s.bare.display());
    // The fake as GIT_SSH this time: run directly, without a shell around it.
    let out = {
        let program = s.env.path("bin/ssh");
        let mut cmd = s.env.pave();
        cmd.env("GIT_SSH", &program)
            .env("GIT_AUTHOR_NAME", "Team A")
            .env("GIT_AUTHOR_EMAIL", "team-a@example.invalid")
            .args(["publish", "team-api", "-m", "First cut", "--registry", &url])
            .output()
            .unwrap()
    };
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("published team-api 0.1.0"),
        "{}",
        text(&out)
    );
    let tags = git_command(&s.bare)
        .args(["tag", "--list"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&tags.stdout).contains("team-api/v0.1.0"),
        "{}",
        text(&tags)
    );
    let runs = ssh_runs(&s.env);
    let receive = format!("git-receive-pack '{}'", s.bare.display());
    assert!(
        runs.iter().any(|run| run.last() == Some(&receive)),
        "{runs:?}"
    );
}

#[test]
fn a_refused_login_is_an_authentication_error_in_the_programs_words() {
    let env = Env::new();
    let program = write_program(
        &env.path("bin/refusing-ssh"),
        "#!/bin/sh\necho 'git@host.example: Permission denied (publickey).' >&2\nexit 255\n",
    );
    let out = env
        .pave()
        .env("GIT_SSH_COMMAND", &program)
        .args(["registry", "add", "acme", "git@host.example:team/reg.git"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("authentication to git@host.example:team/reg.git failed")
            && all.contains("Permission denied (publickey).")
            && all.contains("tried: the ssh program (its agent, keys and config)"),
        "{all}"
    );
    assert!(
        !env.path("home/pave.yaml").exists()
            || !std::fs::read_to_string(env.path("home/pave.yaml"))
                .unwrap()
                .contains("acme"),
        "a registry that cannot be cloned is not added"
    );
}

#[test]
fn an_unknown_host_is_unreachable_in_the_programs_words() {
    let env = Env::new();
    let program = write_program(
        &env.path("bin/lost-ssh"),
        "#!/bin/sh\necho 'ssh: Could not resolve hostname nowhere.example: Name or service not known' >&2\nexit 255\n",
    );
    let out = env
        .pave()
        .env("GIT_SSH_COMMAND", &program)
        .args(["registry", "add", "acme", "ssh://nowhere.example/reg.git"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("cannot reach registry `acme` at ssh://nowhere.example/reg.git")
            && all.contains("Could not resolve hostname nowhere.example"),
        "{all}"
    );
}

#[test]
fn a_missing_ssh_program_is_named() {
    let env = Env::new();
    let missing = env.path("bin/no-such-ssh");
    let out = env
        .pave()
        .env("GIT_SSH", &missing)
        .args(["registry", "add", "acme", "ssh://host.example/reg.git"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    // git's own words, naming the program.
    assert!(
        all.contains(&format!("cannot exec '{}'", missing.display()))
            && all.contains("No such file or directory"),
        "{all}"
    );
}

#[test]
fn the_ssh_command_of_the_users_git_config_is_the_one_run_as_it_is() {
    let reg = demo_registry();
    let env = Env::new();
    let program = fake_ssh(&env);
    std::fs::write(
        env.path("home/.gitconfig"),
        format!("[core]\n\tsshCommand = {}\n", program.display()),
    )
    .unwrap();
    let url = format!("ssh://git@host.example{}", reg.path().display());
    let out = env
        .pave()
        .args(["registry", "add", "acme", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let runs = ssh_runs(&env);
    assert!(!runs.is_empty(), "the configured program ran");
    for run in &runs {
        assert_eq!(run[run.len() - 2], "git@host.example", "{run:?}");
        assert!(!run.contains(&String::from("BatchMode=yes")), "{run:?}");
    }
}

#[test]
fn without_a_terminal_or_a_chosen_program_ssh_runs_in_batch_mode() {
    let reg = demo_registry();
    let env = Env::new();
    fake_ssh(&env);
    let url = format!("host.example:{}", reg.path().display());
    let out = env
        .pave()
        .env("PATH", path_with_bin(&env))
        .args(["registry", "add", "acme", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let runs = ssh_runs(&env);
    assert!(!runs.is_empty());
    for run in &runs {
        let at = run.iter().position(|a| a == "BatchMode=yes");
        assert!(at.is_some_and(|i| run[i - 1] == "-o"), "{run:?}");
    }
}
