//! Git registries end to end, with real repositories made by `git`, served over `file://`, by a
//! real `git daemon`, and (for authentication) by an HTTP server that refuses everyone.

use crate::support::git::{RefusingServer, RegistryBuilder, small};
use crate::support::{Env, list_files, text};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Registers `url` as `name` and checks it worked.
fn add(env: &Env, name: &str, url: &str) {
    let out = env
        .pave()
        .args(["registry", "add", name, url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// Writes the config file with a fetch interval and registries.
fn config(env: &Env, interval: u64, registries: &[(&str, &str)]) {
    let mut yaml = format!("fetch_interval_secs: {interval}\nregistries:\n");
    for (name, url) in registries {
        yaml.push_str(&format!("  - name: {name}\n    url: {url}\n"));
    }
    if registries.is_empty() {
        yaml = format!("fetch_interval_secs: {interval}\n");
    }
    std::fs::write(env.path("home/pave.yaml"), yaml).unwrap();
}

/// The registry cache entries (bare clones) in the environment's cache.
fn cache_entries(env: &Env) -> Vec<PathBuf> {
    let dir = env.path("cache/git");
    let Ok(items) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = items
        .flatten()
        .map(|i| i.path())
        .filter(|p| p.extension().is_some_and(|e| e == "git"))
        .collect();
    out.sort();
    out
}

/// Sets the last-fetched time of every cache entry to `ago`.
fn age_cache(env: &Env, ago: Duration) {
    for entry in cache_entries(env) {
        let stamp = std::fs::File::options()
            .write(true)
            .open(entry.join("pave-fetched"))
            .unwrap();
        stamp.set_modified(SystemTime::now() - ago).unwrap();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `pave show <spec> --json`'s version, or the error text.
fn resolved(env: &Env, spec: &str) -> Result<String, String> {
    let out = env.pave().args(["show", spec, "--json"]).output().unwrap();
    if out.status.success() {
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        Ok(doc["version"].as_str().unwrap().to_string())
    } else {
        Err(text(&out))
    }
}

/// The demo registry, added as `acme` (over file://) to a fresh environment.
fn acme() -> (RegistryBuilder, Env) {
    let reg = demo_registry();
    let env = Env::new();
    add(&env, "acme", &reg.file_url());
    (reg, env)
}

fn demo_registry() -> RegistryBuilder {
    let mut reg = RegistryBuilder::in_temp();
    for version in ["1.0.0", "1.0.5", "1.1.0", "2.0.0-rc.1"] {
        reg.publish(small("demo", version));
    }
    reg
}

#[test]
fn resolution_table_over_file_url() {
    let (reg, env) = acme();
    let table = [
        ("acme/demo", "1.1.0"),
        ("acme/demo@*", "1.1.0"),
        ("acme/demo@=1.0.0", "1.0.0"),
        ("acme/demo@1.0.0", "1.1.0"), // a bare version is a caret requirement
        ("acme/demo@^1.0", "1.1.0"),
        ("acme/demo@~1.0", "1.0.5"),
        ("acme/demo@=1.0.5", "1.0.5"),
        ("acme/demo@>=1.1.0", "1.1.0"), // pre-releases only when the requirement names one
        ("acme/demo@^2.0.0-rc.1", "2.0.0-rc.1"),
        ("acme/demo@=2.0.0-rc.1", "2.0.0-rc.1"),
    ];
    for (spec, want) in table {
        assert_eq!(resolved(&env, spec).as_deref(), Ok(want), "{spec}");
    }
    let err = resolved(&env, "acme/demo@^3").unwrap_err();
    assert!(
        err.contains("no version matching `^3`")
            && err.contains("available: 1.0.0, 1.0.5, 1.1.0, 2.0.0-rc.1"),
        "{err}"
    );
    // `show` lists every version, the pre-release included.
    let out = env.pave().args(["show", "acme/demo"]).output().unwrap();
    assert!(
        text(&out).starts_with("demo 1.1.0  (acme)\n"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("versions: 1.0.0, 1.0.5, 1.1.0, 2.0.0-rc.1"),
        "{}",
        text(&out)
    );
    // The files come from the tag's tree, not from the branch.
    let out = env
        .pave()
        .args(["new", "acme/demo@~1.0", "p", "--set", "project_name=p1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // The registry is named as the user configured it; `.pave.yaml` records its URL.
    assert!(
        text(&out).contains("Created p from demo 1.0.5 (acme): "),
        "{}",
        text(&out)
    );
    assert_eq!(read(&env.work().join("p/version.txt")), "1.0.5\n");
    assert_eq!(read(&env.work().join("p/hello.txt")), "hello p1\n");
    let record = read(&env.work().join("p/.pave.yaml"));
    let tag_commit = reg.git(&["rev-parse", "demo/v1.0.5^{commit}"]);
    assert!(
        record.contains(&format!("registry: {}", reg.file_url())),
        "{record}"
    );
    assert!(
        record.contains(&format!("commit: {tag_commit}")),
        "{record}"
    );
    assert!(record.contains("version: 1.0.5"), "{record}");
}

#[test]
fn builtin_and_git_render_byte_identical_projects() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = repo.join("blueprints/cloudfront-static-site");
    let version = read(&src.join("blueprint.yaml"))
        .lines()
        .find_map(|l| l.strip_prefix("version: ").map(|v| v.trim().to_string()))
        .unwrap();
    let mut reg = RegistryBuilder::in_temp();
    reg.import(&src, "cloudfront-static-site", "static site", &version);
    let env = Env::new();
    add(&env, "acme", &reg.file_url());
    let mut compared = 0;
    for case in std::fs::read_dir(src.join("tests")).unwrap().flatten() {
        let answers = case.path();
        if read(&answers).contains("expect_error") {
            continue;
        }
        let stem = answers.file_stem().unwrap().to_string_lossy().into_owned();
        let mut trees = Vec::new();
        for registry in ["builtin", "acme"] {
            let dir = format!("{registry}-{stem}");
            let out = env
                .pave()
                .args(["new", &format!("{registry}/cloudfront-static-site"), &dir])
                .arg("--answers")
                .arg(&answers)
                .output()
                .unwrap();
            assert!(out.status.success(), "{registry} {stem}: {}", text(&out));
            let root = env.work().join(&dir);
            let files: Vec<(String, Vec<u8>)> = list_files(&root)
                .into_iter()
                .filter(|f| f != ".pave.yaml" && root.join(f).is_file())
                .map(|f| {
                    let data = std::fs::read(root.join(&f)).unwrap();
                    (f, data)
                })
                .collect();
            trees.push(files);
        }
        assert!(trees[0].len() > 10, "{stem}: too few files");
        assert_eq!(trees[0], trees[1], "{stem}: builtin and git differ");
        compared += 1;
    }
    assert!(compared >= 3, "only {compared} cases compared");
}

#[test]
fn offline_after_the_daemon_stops_uses_the_cache_and_says_how_old() {
    let reg = demo_registry();
    let mut daemon = reg.serve();
    let env = Env::new();
    add(&env, "acme", &daemon.url());
    let url = daemon.url();
    daemon.stop();
    age_cache(&env, Duration::from_secs(3 * 3600));
    let out = env
        .pave()
        .args(["new", "acme/demo", "p", "--set", "project_name=p"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", text(&out));
    assert!(stderr.contains(&url), "{stderr}");
    assert!(stderr.contains("last fetched 3 hours ago"), "{stderr}");
    assert_eq!(read(&env.work().join("p/version.txt")), "1.1.0\n");

    // --offline does not even try: no warning.
    let out = env
        .pave()
        .args(["--offline", "show", "acme/demo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(out.stderr.is_empty(), "{}", text(&out));
}

#[test]
fn unreachable_without_cache_names_the_url_and_the_cause() {
    let port = crate::support::git::free_port();
    let url = format!("git://127.0.0.1:{port}/reg");
    let env = Env::new();
    let out = env
        .pave()
        .args(["registry", "add", "acme", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(all.contains(&url) && all.contains("cannot reach"), "{all}");
    assert!(all.contains("was not added"), "{all}");
    let list = env.pave().args(["registry", "list"]).output().unwrap();
    assert!(!text(&list).contains("acme"), "{}", text(&list));
}

#[test]
fn offline_without_cache_is_a_clear_error() {
    let reg = demo_registry();
    let env = Env::new();
    let out = env
        .pave()
        .args(["--offline", "registry", "add", "acme", &reg.file_url()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = env
        .pave()
        .args([
            "--offline",
            "new",
            "acme/demo",
            "p",
            "--set",
            "project_name=p",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("registry `acme`")
            && err.contains(&reg.file_url())
            && err.contains("not in the cache, and working offline forbids fetching it\n")
            && err.ends_with("\n  hint: run `pave registry sync acme` while online\n"),
        "{err}"
    );
    assert!(cache_entries(&env).is_empty());
    assert!(!env.work().join("p").exists());
    // Online, the same command clones and works.
    let out = env
        .pave()
        .args(["new", "acme/demo", "p", "--set", "project_name=p"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // sync cannot run offline (usage error).
    let out = env
        .pave()
        .args(["--offline", "registry", "sync"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn eight_concurrent_news_on_a_cold_cache_all_succeed() {
    let reg = demo_registry();
    let daemon = reg.serve();
    let env = Env::new();
    config(&env, 300, &[("acme", &daemon.url())]);
    let bin = assert_cmd::cargo::cargo_bin("pave");
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = std::process::Command::new(&bin);
            cmd.current_dir(env.work())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", env.path("home"))
                .env("PAVE_CONFIG", env.path("home/pave.yaml"))
                .env("PAVE_CACHE_DIR", env.path("cache"))
                .args(["new", "acme/demo", &format!("p{i}")])
                .args(["--set", &format!("project_name=p{i}")])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "process {i}: {}", text(&out));
        assert_eq!(
            read(&env.work().join(format!("p{i}/hello.txt"))),
            format!("hello p{i}\n")
        );
    }
    // One entry, no half-made clones left.
    assert_eq!(cache_entries(&env).len(), 1);
    let leftovers: Vec<_> = list_files(&env.path("cache/git"))
        .into_iter()
        .filter(|f| f.contains(".tmp-") || f.contains(".trash-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_waiting_process_says_it_waits() {
    let (_reg, env) = acme(); // keeps the repository alive
    age_cache(&env, Duration::from_secs(3600));
    let lock_path = cache_entries(&env)[0].with_extension("lock");
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("pave");
    let mut child = std::process::Command::new(bin)
        .current_dir(env.work())
        .env("HOME", env.path("home"))
        .env("PAVE_CONFIG", env.path("home/pave.yaml"))
        .env("PAVE_CACHE_DIR", env.path("cache"))
        .args(["show", "acme/demo"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    // pave says it waits while the lock is held, and only then is it released.
    let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(
        first.contains("waiting for another pave process"),
        "{first}"
    );
    lock.unlock().unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(status.success(), "{first}\n{rest:?}");
    assert!(
        !rest.iter().any(|l| l.contains("waiting")),
        "said more than once: {rest:?}"
    );
}

#[test]
fn a_damaged_cache_entry_is_cloned_again() {
    let (_reg, env) = acme(); // keeps the repository alive
    let entry = cache_entries(&env).remove(0);
    // Truncate every pack file to half its size.
    let packs: Vec<PathBuf> = list_files(&entry.join("objects/pack"))
        .into_iter()
        .filter(|f| f.ends_with(".pack"))
        .map(|f| entry.join("objects/pack").join(f))
        .collect();
    assert!(!packs.is_empty(), "the clone holds a pack");
    for pack in &packs {
        let len = std::fs::metadata(pack).unwrap().len();
        let file = std::fs::File::options().write(true).open(pack).unwrap();
        file.set_len(len / 2).unwrap();
    }
    // Offline, it cannot be repaired: a clear error.
    let out = env
        .pave()
        .args(["--offline", "show", "acme/demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("damaged"), "{}", text(&out));
    // Online, it is cloned again and works.
    let out = env
        .pave()
        .args(["new", "acme/demo", "p", "--set", "project_name=p"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("cloning it again"), "{}", text(&out));
    assert_eq!(read(&env.work().join("p/version.txt")), "1.1.0\n");

    // An entry whose objects vanished altogether is recovered too.
    std::fs::remove_dir_all(entry.join("objects")).unwrap();
    std::fs::create_dir_all(entry.join("objects")).unwrap();
    let out = env
        .pave()
        .args(["show", "acme/demo@=1.0.0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("cloning it again"), "{}", text(&out));
    assert_eq!(cache_entries(&env), vec![entry.clone()]);

    // Garbage in the packed refs (where the tags are) as well.
    std::fs::write(
        entry.join("packed-refs"),
        b"\x00\x01garbage\nnot a ref line\n",
    )
    .unwrap();
    let out = env
        .pave()
        .args(["show", "acme/demo@=1.0.5", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("\"version\": \"1.0.5\""),
        "{}",
        text(&out)
    );
}

#[test]
fn a_moved_tag_is_warned_about() {
    let (reg, env) = acme();
    let out = env
        .pave()
        .args(["new", "acme/demo@=1.0.0", "p", "--set", "project_name=p"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let verify = |env: &Env| {
        env.pave()
            .args(["registry", "verify", "p"])
            .output()
            .unwrap()
    };
    let out = verify(&env);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("still points to"), "{}", text(&out));

    // Re-release 1.0.0 with other content: the tag moves.
    reg.write(&[("blueprints/demo/template/version.txt", "1.0.0 again\n")]);
    let moved_to = reg.commit("Re-release demo 1.0.0");
    reg.tag("demo/v1.0.0");
    let out = verify(&env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: tag demo/v1.0.0") && err.contains(&moved_to[..12]),
        "{err}"
    );

    // A deleted tag is reported as well.
    reg.git(&["tag", "-d", "demo/v1.0.0"]);
    let out = verify(&env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no longer exists"), "{}", text(&out));
}

#[test]
fn a_newer_version_is_fetched_when_asked_for_and_sync_forces_a_fetch() {
    let (mut reg, env) = acme();
    reg.publish(small("demo", "3.0.0"));
    // The cache is fresh, so `list` does not fetch...
    let out = env
        .pave()
        .args(["list", "--registry", "acme"])
        .output()
        .unwrap();
    assert!(text(&out).contains("1.1.0"), "{}", text(&out));
    // ...but a requirement the cache cannot meet fetches.
    assert_eq!(resolved(&env, "acme/demo@^3").as_deref(), Ok("3.0.0"));
    reg.publish(small("demo", "3.1.0"));
    let out = env
        .pave()
        .args(["registry", "sync", "acme"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("acme: 1 new version: demo 3.1.0"),
        "{}",
        text(&out)
    );
    let out = env
        .pave()
        .args(["list", "--registry", "acme"])
        .output()
        .unwrap();
    assert!(text(&out).contains("3.1.0"), "{}", text(&out));
    // A stale cache is fetched by any command.
    reg.publish(small("demo", "3.2.0"));
    age_cache(&env, Duration::from_secs(301));
    let out = env
        .pave()
        .args(["list", "--registry", "acme", "--json"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains("\"version\": \"3.2.0\""),
        "{}",
        text(&out)
    );
}

#[test]
fn a_token_in_a_url_never_shows_up() {
    let secret = "secret-token";
    let env = Env::new();
    let mut outputs = Vec::new();

    // https to a closed port: registered offline, then used.
    let https = format!("https://user:{secret}@127.0.0.1:1/x.git");
    let out = env
        .pave()
        .args(["--offline", "registry", "add", "closed", &https])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    outputs.push(text(&out));
    for args in [
        vec!["new", "closed/demo", "p"],
        vec!["list", "--registry", &https],
        vec!["show", "demo", "--registry", &https],
        vec!["registry", "sync", "closed"],
        vec!["registry", "add", "again", &https],
    ] {
        let out = env.pave().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        let all = text(&out);
        assert!(all.contains("https://127.0.0.1:1/x.git"), "{args:?}: {all}");
        outputs.push(all);
    }

    // A URL pasted where a blueprint name goes is a usage error that does not echo the token.
    let out = env.pave().args(["new", &https]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    outputs.push(text(&out));

    // A file URL with user info works, and records the URL without it.
    let reg = demo_registry();
    let file = format!("file://user:{secret}@{}", reg.path().display());
    let out = env
        .pave()
        .args(["registry", "add", "local", &file])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    outputs.push(text(&out));
    let out = env
        .pave()
        .args(["new", "local/demo", "q", "--set", "project_name=q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    outputs.push(text(&out));
    let out = env
        .pave()
        .args(["registry", "list", "--json"])
        .output()
        .unwrap();
    outputs.push(text(&out));
    assert!(
        read(&env.work().join("q/.pave.yaml")).contains(&format!("registry: {}", reg.file_url()))
    );

    // A server that asks for credentials: the URL's are the ones meant (git's helpers and
    // $PAVE_GIT_TOKEN are not asked), tried once; the failure says what was tried, and neither
    // the URL's token nor $PAVE_GIT_TOKEN shows.
    let server = RefusingServer::start(50);
    let url = server.url_with(&format!("user:{secret}@"));
    let out = env
        .pave()
        .env("PAVE_GIT_TOKEN", "secret-env-token")
        .args(["list", "--registry", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("authentication to http://127.0.0.1:")
            && all.contains("tried: the credentials in the URL;")
            && all.contains("Authentication failed"),
        "{all}"
    );
    assert!(!all.contains("secret-env-token"), "{all}");
    outputs.push(all);
    let sent = server.authorizations.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "the URL's credentials, once: {sent:?}");

    for output in &outputs {
        assert!(!output.contains(secret), "{output}");
    }
    // Nothing written holds it: config, cache (names and contents), projects.
    for root in [env.path("home"), env.path("cache"), env.work()] {
        for item in walkdir::WalkDir::new(&root).into_iter().flatten() {
            let path = item.path().display().to_string();
            assert!(!path.contains(secret), "{path}");
            if item.file_type().is_file() {
                let data = std::fs::read(item.path()).unwrap();
                let found = data.windows(secret.len()).any(|w| w == secret.as_bytes())
                    || data.windows(16).any(|w| w == b"secret-env-token");
                assert!(!found, "{path} holds a secret");
            }
        }
    }
}

#[test]
fn a_name_in_two_registries_is_ambiguous() {
    let first = demo_registry();
    let mut second = RegistryBuilder::in_temp();
    second.publish(small("demo", "5.0.0"));
    second.publish(small("other", "1.0.0"));
    let env = Env::new();
    add(&env, "acme", &first.file_url());
    add(&env, "team", &second.file_url());
    let out = env
        .pave()
        .args(["new", "demo", "p", "--set", "project_name=p"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("acme/demo") && err.contains("team/demo"),
        "{err}"
    );
    assert!(!env.work().join("p").exists());
    // Naming the registry settles it, either way.
    assert_eq!(resolved(&env, "team/demo").as_deref(), Ok("5.0.0"));
    let out = env
        .pave()
        .args(["show", "demo", "--registry", "acme", "--json"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains("\"version\": \"1.1.0\""),
        "{}",
        text(&out)
    );
    // A name in one registry only needs no qualification.
    assert_eq!(resolved(&env, "other").as_deref(), Ok("1.0.0"));
    // list qualifies names when several registries are listed.
    let out = env.pave().arg("list").output().unwrap();
    let all = text(&out);
    assert!(
        all.contains("acme/demo") && all.contains("team/demo") && all.contains("builtin/"),
        "{all}"
    );
}

#[test]
fn registry_commands_add_list_remove() {
    let (reg, env) = acme();
    let out = env
        .pave()
        .args(["registry", "list", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc[0]["name"], "builtin");
    assert_eq!(doc[1]["name"], "acme");
    assert_eq!(doc[1]["url"], reg.file_url().as_str());
    assert_eq!(doc[1]["cached"], true);
    for (args, code) in [
        (vec!["registry", "add", "acme", "file:///x"], 1),
        (vec!["registry", "add", "Bad/Name", "file:///x"], 2),
        (vec!["registry", "add", "builtin", "file:///x"], 2),
        (vec!["registry", "remove", "nope"], 2),
        (vec!["registry", "sync", "nope"], 2),
        (vec!["list", "--registry", "nope"], 2),
    ] {
        let out = env.pave().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", text(&out));
    }
    assert_eq!(cache_entries(&env).len(), 1);
    let out = env
        .pave()
        .args(["registry", "remove", "acme"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(cache_entries(&env).is_empty());
    let out = env.pave().args(["registry", "list"]).output().unwrap();
    assert!(!text(&out).contains("acme"), "{}", text(&out));
    let help = env
        .pave()
        .args(["registry", "add", "--help"])
        .output()
        .unwrap();
    assert!(text(&help).contains("Examples:"), "{}", text(&help));
}

#[test]
fn modes_and_symlinks_come_from_the_tree() {
    let mut reg = RegistryBuilder::in_temp();
    reg.write(&[
        (
            "blueprints/tools/blueprint.yaml",
            &crate::support::git::small("tools", "1.0.0").manifest_yaml(),
        ),
        ("blueprints/tools/template/run.sh", "#!/bin/sh\necho hi\n"),
        ("blueprints/tools/template/notes.txt", "notes\n"),
    ]);
    std::os::unix::fs::symlink(
        "notes.txt",
        reg.path().join("blueprints/tools/template/link.txt"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    let script = reg.path().join("blueprints/tools/template/run.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    reg.list("tools", "tools");
    reg.commit("tools");
    reg.tag("tools/v1.0.0");
    let env = Env::new();
    add(&env, "acme", &reg.file_url());
    let out = env
        .pave()
        .args(["new", "acme/tools", "t", "--set", "project_name=t"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let root = env.work().join("t");
    let mode = std::fs::metadata(root.join("run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(mode & 0o111, 0, "run.sh is executable");
    let mode = std::fs::metadata(root.join("notes.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0, "notes.txt is not");
    let link = std::fs::read_link(root.join("link.txt")).unwrap();
    assert_eq!(link, Path::new("notes.txt"));
}

#[test]
fn clone_progress_is_drawn_on_a_terminal_unless_quiet() {
    let reg = demo_registry();
    let daemon = reg.serve();
    let env = Env::new();
    let command = |args: &[&str]| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pave"));
        cmd.current_dir(env.work())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", env.path("home"))
            .env("TERM", "xterm")
            .env("PAVE_CONFIG", env.path("home/pave.yaml"))
            .env("PAVE_CACHE_DIR", env.path("cache"))
            .args(args);
        cmd
    };
    let url = daemon.url();
    let mut session =
        rexpect::session::spawn_command(command(&["registry", "add", "acme", &url]), Some(20_000))
            .unwrap();
    session.exp_string("cloning acme").unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("Added registry `acme`"), "{rest}");

    let mut session = rexpect::session::spawn_command(
        command(&["--quiet", "registry", "add", "team", &url]),
        Some(20_000),
    )
    .unwrap();
    let all = session.exp_eof().unwrap();
    assert!(all.contains("Added registry `team`"), "{all}");
    assert!(!all.contains("cloning"), "{all}");

    // Without a terminal nothing is drawn either.
    let out = env.pave().args(["registry", "sync"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(out.stderr.is_empty(), "{}", text(&out));
}

#[test]
fn an_unreadable_registry_blocks_an_unqualified_name_and_says_how_to_skip_it() {
    let env = Env::new();
    let port = crate::support::git::free_port();
    let url = format!("git://127.0.0.1:{port}/reg");
    let out = env
        .pave()
        .args(["--offline", "registry", "add", "down", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = env
        .pave()
        .args(["show", "cloudfront-static-site"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = text(&out);
    assert!(
        err.contains("cannot tell whether registry `down` holds `cloudfront-static-site`")
            && err.contains(&url)
            && err.contains("`builtin/cloudfront-static-site`"),
        "{err}"
    );
    // Qualified, the dead registry is not consulted.
    let out = env
        .pave()
        .args(["show", "builtin/cloudfront-static-site"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // list shows what it can, reports the rest, and exits 1.
    let out = env.pave().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("builtin/cloudfront-static-site")
            && text(&out).contains("skipping registry `down`"),
        "{}",
        text(&out)
    );
}

/// Runs pave with `args` and returns the output, asserting success.
fn ok(env: &Env, args: &[&str]) -> std::process::Output {
    let out = env.pave().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    out
}

/// A registry holding a copy of a built-in blueprint under the same name and version.
fn registry_with_builtin(name: &str) -> RegistryBuilder {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("blueprints")
        .join(name);
    let version = read(&src.join("blueprint.yaml"))
        .lines()
        .find_map(|l| l.strip_prefix("version: ").map(|v| v.trim().to_string()))
        .unwrap();
    let mut reg = RegistryBuilder::in_temp();
    reg.import(&src, name, "the company's own", &version);
    reg
}

#[test]
fn readme_quick_start_takes_the_company_blueprint_that_shadows_a_builtin_one_and_says_so() {
    let reg = registry_with_builtin("cloudfront-http-api");
    let env = Env::new();
    add(&env, "acme", &reg.file_url());
    let out = ok(
        &env,
        &[
            "new",
            "cloudfront-http-api",
            "orders-api",
            "--set",
            "project_name=orders-api",
            "--set",
            "runtime=python3.12",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "using `acme/cloudfront-http-api`, which shadows `builtin/cloudfront-http-api`"
        ),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("shadows"));
    let recorded = read(&env.work().join("orders-api/.pave.yaml"));
    assert!(
        recorded.contains(&format!("registry: {}", reg.file_url())) && recorded.contains("commit:"),
        "{recorded}"
    );
    // Qualified, the built-in one is used and nothing is said.
    let out = ok(
        &env,
        &[
            "new",
            "builtin/cloudfront-http-api",
            "builtin-api",
            "--set",
            "project_name=builtin-api",
            "--set",
            "runtime=python3.12",
        ],
    );
    assert!(!text(&out).contains("shadows"), "{}", text(&out));
    let recorded = read(&env.work().join("builtin-api/.pave.yaml"));
    assert!(recorded.contains("registry: builtin"), "{recorded}");
    // A name only builtin holds comes from builtin, silently.
    let out = ok(&env, &["show", "cloudfront-static-site", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["registry"], "builtin");
    assert!(out.stderr.is_empty(), "{}", text(&out));
}

#[test]
fn priority_orders_registries_that_hold_the_same_name() {
    let first = demo_registry();
    let mut second = RegistryBuilder::in_temp();
    second.publish(small("demo", "5.0.0"));
    let env = Env::new();
    add(&env, "acme", &first.file_url());
    let out = ok(
        &env,
        &[
            "registry",
            "add",
            "team",
            &second.file_url(),
            "--priority",
            "5",
        ],
    );
    assert!(text(&out).contains("priority 5"), "{}", text(&out));
    let out = ok(&env, &["show", "demo", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "5.0.0");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("using `team/demo`, which shadows `acme/demo`"),
        "{err}"
    );
    // The order is in the config, and shown.
    let config = read(&env.path("home/pave.yaml"));
    assert!(config.contains("priority: 5"), "{config}");
    let out = ok(&env, &["registry", "list"]);
    let listing = text(&out);
    assert!(listing.contains("PRIORITY"), "{listing}");
    let team = listing.lines().find(|l| l.starts_with("team")).unwrap();
    assert!(team.contains("  5  "), "{team}");
    let out = ok(&env, &["registry", "list", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc[2]["priority"], 5);
    assert!(doc[1]["priority"].is_null());
    // Equal priorities stay an error naming both and the way out.
    let mut third = RegistryBuilder::in_temp();
    third.publish(small("demo", "7.0.0"));
    ok(
        &env,
        &[
            "registry",
            "add",
            "ops",
            &third.file_url(),
            "--priority",
            "5",
        ],
    );
    let out = env.pave().args(["show", "demo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = text(&out);
    assert!(
        err.contains("team/demo, ops/demo")
            && !err.contains("acme/demo")
            && err.contains("--priority"),
        "{err}"
    );
}

#[test]
fn adding_a_repository_that_is_not_a_registry_says_what_one_holds_and_changes_nothing() {
    let reg = RegistryBuilder::in_temp();
    reg.git(&["rm", "-q", "registry.yaml"]);
    reg.write(&[("README.md", "just a repository\n")]);
    reg.commit("Not a registry");
    let env = Env::new();
    let out = env
        .pave()
        .args(["registry", "add", "acme", &reg.file_url()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = text(&out);
    assert!(
        err.contains("registry `acme` was not added")
            && err.contains("no registry.yaml")
            && err.contains("apiVersion: pave/v1")
            && err.contains("blueprints/<name>/blueprint.yaml")
            && err.contains("<name>/v<semver>"),
        "{err}"
    );
    assert!(!env.path("home/pave.yaml").exists());
    assert!(cache_entries(&env).is_empty());
    let out = ok(&env, &["registry", "list", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 1);
}

/// [`acme`] with demo/v1.2.0 tagged on a commit whose blueprint.yaml still says the last
/// release's version, synced.
fn acme_with_an_unbumped_tag() -> (RegistryBuilder, Env) {
    let (reg, env) = acme();
    reg.write(&[("blueprints/demo/template/extra.txt", "extra\n")]);
    reg.commit("Forgot to bump the version");
    reg.tag("demo/v1.2.0");
    ok(&env, &["registry", "sync"]);
    (reg, env)
}

#[test]
fn a_tag_whose_manifest_says_another_version_is_broken_and_never_resolved() {
    let (_reg, env) = acme_with_an_unbumped_tag();
    assert_eq!(resolved(&env, "acme/demo").as_deref(), Ok("1.1.0"));
    let err = resolved(&env, "acme/demo@=1.2.0").unwrap_err();
    assert!(
        err.contains("1.2.0 is broken") && err.contains("says version 2.0.0-rc.1"),
        "{err}"
    );
    let out = ok(&env, &["list", "--registry", "acme"]);
    let row = text(&out)
        .lines()
        .find(|l| l.starts_with("demo"))
        .unwrap()
        .to_string();
    assert!(
        row.contains("1.1.0") && row.contains("broken, not installable: 1.2.0"),
        "{row}"
    );
    let out = ok(&env, &["list", "--registry", "acme", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc[0]["version"], "1.1.0");
    assert_eq!(doc[0]["broken"][0], "1.2.0");
    let out = ok(&env, &["show", "acme/demo"]);
    let shown = text(&out);
    assert!(
        shown.contains("versions: 1.0.0, 1.0.5, 1.1.0, 2.0.0-rc.1")
            && shown.contains("broken (not installable): 1.2.0 is broken"),
        "{shown}"
    );
}

#[test]
fn a_kept_verdict_never_hides_a_tag_moved_to_a_fixed_commit() {
    let (mut reg, env) = acme_with_an_unbumped_tag();
    // Each release's verdict is kept in the cache, so later runs do not read every tag again.
    let entries = cache_entries(&env);
    assert_eq!(entries.len(), 1);
    let kept = std::fs::read_to_string(entries[0].join("pave-verdicts.json")).unwrap();
    assert!(
        kept.contains(r#""blueprint":"demo","version":"1.2.0""#)
            && kept.contains("says version 2.0.0-rc.1"),
        "{kept}"
    );
    assert_eq!(resolved(&env, "acme/demo").as_deref(), Ok("1.1.0"));
    // The release is fixed by moving its tag to a commit whose manifest says 1.2.0.
    reg.delete_tag("demo/v1.2.0");
    reg.publish(small("demo", "1.2.0"));
    ok(&env, &["registry", "sync"]);
    assert_eq!(resolved(&env, "acme/demo").as_deref(), Ok("1.2.0"));
    let out = ok(&env, &["list", "--registry", "acme", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc[0]["version"], "1.2.0");
    assert!(
        doc[0]["broken"].as_array().is_none_or(|b| b.is_empty()),
        "{doc}"
    );
}

#[test]
fn sync_reports_the_new_versions_it_found() {
    let (mut reg, env) = acme();
    let out = ok(&env, &["registry", "sync"]);
    assert!(
        text(&out).contains("acme: up to date, no new versions"),
        "{}",
        text(&out)
    );
    reg.publish(small("demo", "1.3.0"));
    reg.publish(small("site", "2.0.0"));
    let out = ok(&env, &["registry", "sync", "acme"]);
    assert!(
        text(&out).contains("acme: 2 new versions: demo 1.3.0, site 2.0.0"),
        "{}",
        text(&out)
    );
    let out = ok(&env, &["registry", "sync"]);
    assert!(text(&out).contains("no new versions"), "{}", text(&out));
}

#[test]
fn an_existing_folder_without_dot_slash_is_a_folder_unless_a_registry_has_that_name() {
    let env = Env::new();
    crate::support::write_files(
        &env.work().join("blueprints/orders-api"),
        &[
            (
                "blueprint.yaml",
                &crate::support::git::small("orders-api", "0.3.0").manifest_yaml(),
            ),
            ("template/hello.txt.hbs", "hello {{project_name}}\n"),
        ],
    );
    ok(
        &env,
        &[
            "new",
            "blueprints/orders-api",
            "out",
            "--set",
            "project_name=out",
        ],
    );
    assert_eq!(read(&env.work().join("out/hello.txt")), "hello out\n");
    let out = ok(&env, &["show", "blueprints/orders-api", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "0.3.0");
    // Once a registry is called `blueprints`, the same text names its blueprint.
    let reg = demo_registry();
    add(&env, "blueprints", &reg.file_url());
    let out = env
        .pave()
        .args(["show", "blueprints/orders-api"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no blueprint `orders-api` in registry `blueprints`"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_http_url_that_is_no_git_server_says_what_it_answered() {
    use crate::support::http::{Answer, HttpServer};
    let env = Env::new();
    let try_add = |url: &str| {
        let out = env
            .pave()
            .args(["registry", "add", "acme", url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        text(&out)
    };
    // A web server answering 200 with a page: not a git server, in git's words.
    let page = HttpServer::start(vec![Answer::Status(
        200,
        "<!doctype html>\n<html>\n<body>hello</body>\n</html>\n",
    )]);
    let url = format!("{}/team/reg.git", page.url());
    let said = try_add(&url);
    assert!(said.contains("is this a git repository?"), "{said}");
    assert!(said.contains("was not added"), "{said}");
    let asked = page.requests();
    assert!(
        asked[0]
            .path
            .ends_with("/team/reg.git/info/refs?service=git-upload-pack"),
        "{asked:?}"
    );
    // A missing repository, in git's words.
    let missing = HttpServer::start(vec![Answer::Status(404, "no such repository")]);
    let said = try_add(&format!("{}/nope.git", missing.url()));
    assert!(said.contains("nope.git/' not found"), "{said}");
    // Nobody listening.
    let port = HttpServer::closed_port();
    let url = format!("http://127.0.0.1:{port}/reg.git");
    let said = try_add(&url);
    assert!(said.contains("cannot reach"), "{said}");
    let list = env.pave().args(["registry", "list"]).output().unwrap();
    assert!(!text(&list).contains("acme"), "{}", text(&list));
}

/// Writes `<home>/.gitconfig`, the user's git configuration that pave's git runs read.
fn gitconfig(env: &Env, text: &str) {
    std::fs::write(env.path("home/.gitconfig"), text).unwrap();
}

#[test]
fn an_extra_header_from_the_users_git_config_reaches_the_server() {
    use crate::support::http_git::GitHttp;
    let reg = demo_registry();
    let server = GitHttp::requiring(reg.base(), "x-registry-key", "k-123", "team");
    let url = server.url("reg");
    let env = Env::new();
    let out = env
        .pave()
        .args(["registry", "add", "acme", &url])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "without the header: {}",
        text(&out)
    );
    gitconfig(&env, "[http]\n\textraHeader = X-Registry-Key: k-123\n");
    add(&env, "acme", &url);
    let out = ok(&env, &["show", "acme/demo", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "1.1.0", "{doc}");
}

#[test]
fn an_instead_of_rewrite_from_the_users_git_config_is_followed() {
    let reg = demo_registry();
    let env = Env::new();
    let named = "https://git.example.invalid/team/reg.git";
    gitconfig(
        &env,
        &format!("[url \"{}\"]\n\tinsteadOf = {named}\n", reg.file_url()),
    );
    add(&env, "acme", named);
    let out = ok(&env, &["new", "acme/demo", "p", "--set", "project_name=p"]);
    assert!(out.status.success());
    // The URL the user gave is the one recorded.
    let record = read(&env.work().join("p/.pave.yaml"));
    assert!(record.contains(&format!("registry: {named}")), "{record}");
}

#[test]
fn secrets_never_reach_a_command_line_of_git() {
    use crate::support::http_git::GitHttp;
    let reg = demo_registry();
    let secret = "url-secret-7c1e";
    let token = "env-token-52ab";
    let server = GitHttp::start(reg.base(), "me", secret);
    let env = Env::new();
    let trace = env.path("git-trace.log");
    let url = server
        .url("reg")
        .replace("http://", &format!("http://me:{secret}@"));
    // GIT_TRACE makes every git process log the command lines it runs (its helpers too).
    let out = env
        .pave()
        .env("GIT_TRACE", &trace)
        .env("PAVE_GIT_TOKEN", token)
        .args(["registry", "add", "acme", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let log = read(&trace);
    assert!(log.contains("git-remote-http"), "{log}");
    assert!(
        log.contains("PAVE_GIT_URL_PASSWORD"),
        "the helper ran: {log}"
    );
    for s in [secret, token] {
        assert!(!log.contains(s), "{s} on a command line: {log}");
        assert!(!text(&out).contains(s), "{}", text(&out));
    }
    // A token (no credentials in the URL) goes the same way.
    let server = GitHttp::start(reg.base(), "x-access-token", token);
    std::fs::remove_file(&trace).unwrap();
    let out = env
        .pave()
        .env("GIT_TRACE", &trace)
        .env("PAVE_GIT_TOKEN", token)
        .args(["registry", "add", "tok", &server.url("reg")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!read(&trace).contains(token));
    for item in walkdir::WalkDir::new(env.path("home"))
        .into_iter()
        .chain(walkdir::WalkDir::new(env.path("cache")))
        .flatten()
        .filter(|i| i.file_type().is_file() && i.path() != trace)
    {
        let data = String::from_utf8_lossy(&std::fs::read(item.path()).unwrap()).into_owned();
        assert!(
            !data.contains(secret) && !data.contains(token),
            "{} holds a secret",
            item.path().display()
        );
    }
}

#[test]
fn without_the_git_program_a_git_registry_says_so_and_builtin_still_works() {
    let reg = demo_registry();
    let env = Env::new();
    let empty = env.path("no-git-here");
    std::fs::create_dir_all(&empty).unwrap();
    let out = env
        .pave()
        .env("PATH", &empty)
        .args(["registry", "add", "acme", &reg.file_url()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("registry `acme`") && said.contains("needs the `git` program"),
        "{said}"
    );
    let out = env
        .pave()
        .env("PATH", &empty)
        .args(["list", "--registry", "builtin"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn list_widens_its_version_column_for_a_long_pre_release() {
    let mut reg = RegistryBuilder::in_temp();
    reg.publish(small("demo", "1.0.0"));
    reg.publish(small("beta", "1.0.0-beta.12"));
    let env = Env::new();
    add(&env, "acme", &reg.file_url());
    let run = env.run(["list", "--registry", "acme"]).code(0);
    let out = run.stdout();
    let lines: Vec<&str> = out.lines().collect();
    let maturity = lines[0].find("MATURITY").expect(out);
    for line in &lines[1..] {
        // The maturity column starts where its header does.
        assert_eq!(line[..maturity].chars().last(), Some(' '), "{out}");
        assert_ne!(line[maturity..].chars().next(), Some(' '), "{out}");
    }
    assert!(out.contains("beta  1.0.0-beta.12  "), "{out}");
}
