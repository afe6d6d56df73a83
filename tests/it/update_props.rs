//! Properties of the whole update (read the record, load both releases, render, merge, plan,
//! apply on disk) over generated blueprint pairs and local edits, drawn from proptest tapes: a
//! failure is shrunk and shows the smallest case it found. Each case is a real project folder
//! updated through `prepare_from` and `apply` on a registry served as the built-in one is
//! ([`Frozen`]). The tape reader, the documents and the runner serve `merge_props` too.

use pave::answers::Supplied;
use pave::blueprint::Entry;
use pave::plan::ApplyOptions;
use pave::registry::builtin::{Frozen, write};
use pave::update::run::{Request, prepare_from};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const CASES: u32 = 120;

/// The choices behind one case, read from a tape of numbers that proptest generates and
/// shrinks: each draw takes the next number (0 once the tape is used up), and 0 is the
/// plainest choice, so a shorter tape or smaller numbers give a simpler case.
pub(crate) struct Rng<'a> {
    tape: &'a [u64],
    at: usize,
}

impl<'a> Rng<'a> {
    pub(crate) fn new(tape: &'a [u64]) -> Self {
        Rng { tape, at: 0 }
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        let drawn = self.tape.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        drawn % n
    }
    /// True `p` times in a hundred; false on 0.
    pub(crate) fn percent(&mut self, p: u64) -> bool {
        self.below(100) >= 100 - p
    }
}

/// A generated file: lines (without line ends) and how they are written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Doc {
    pub(crate) lines: Vec<String>,
    pub(crate) crlf: bool,
    pub(crate) final_newline: bool,
    pub(crate) binary: bool,
    pub(crate) executable: bool,
}

impl Doc {
    fn bytes(&self) -> Vec<u8> {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut text = self.lines.join(eol);
        if self.final_newline && !self.lines.is_empty() {
            text.push_str(eol);
        }
        let mut data = text.into_bytes();
        if self.binary {
            data.insert(0, 0);
        }
        data
    }

    pub(crate) fn entry(&self) -> Entry {
        Entry::File {
            data: self.bytes().into(),
            executable: self.executable,
        }
    }
}

/// Files by path (relative to the project, and to `template/` in the blueprint).
type Docs = BTreeMap<String, Doc>;

/// Arbitrary line edits tagged `tag`: substitutions, insertions, deletions; never none.
pub(crate) fn edit_freely(rng: &mut Rng, doc: &Doc, tag: &str) -> Doc {
    let mut out = doc.clone();
    out.lines.clear();
    for (k, line) in doc.lines.iter().enumerate() {
        match rng.below(100) {
            0..70 => out.lines.push(line.clone()),
            70..85 => out.lines.push(format!("{tag}-{k}")),
            85..90 => {}
            _ => {
                out.lines.push(line.clone());
                out.lines.push(format!("{tag}-{k}+"));
            }
        }
    }
    if out.lines == doc.lines {
        out.lines.push(format!("{tag}-end"));
    }
    out
}

/// A blueprint pair (1.0.0, 1.1.0) and the project's edits of its 1.0.0 render.
#[derive(Debug)]
struct Case {
    v1: Docs,
    v2: Docs,
    /// The project's files after its edits (a path absent: deleted by the project).
    ours: Docs,
}

/// `plain`: text only, substitutions only, the project's edits never next to the
/// blueprint's, so every merge must be clean and exact. `edits`: whether the project edits.
fn case(tape: &[u64], plain: bool, edits: bool) -> Case {
    let mut rng = Rng::new(tape);
    let mut v1 = Docs::new();
    for i in 0..1 + rng.below(6) {
        let count = 3 + rng.below(10);
        v1.insert(
            format!("d{}/f{i}.txt", rng.below(2)),
            Doc {
                lines: (0..count).map(|j| format!("b{i}-{j}")).collect(),
                crlf: !plain && rng.percent(15),
                final_newline: !rng.percent(20),
                binary: !plain && rng.percent(10),
                executable: rng.percent(20),
            },
        );
    }
    let mut v2 = Docs::new();
    let mut ours = Docs::new();
    for (i, (path, doc)) in v1.iter().enumerate() {
        let kind = rng.below(100);
        let mut touched = Vec::new();
        if kind >= 15 {
            let mut t = doc.clone();
            if kind < 60 {
                if plain {
                    for k in 0..t.lines.len() {
                        if rng.percent(25) {
                            t.lines[k] = format!("t{i}-{k}");
                            touched.push(k);
                        }
                    }
                } else {
                    t = edit_freely(&mut rng, doc, &format!("t{i}"));
                }
            }
            if kind >= 90 {
                t.executable = !t.executable;
            }
            v2.insert(path.clone(), t);
        }
        let mut o = doc.clone();
        if edits {
            match rng.below(100) {
                0..40 => {}
                40..50 if !plain => continue, // deleted by the project
                _ if plain => {
                    for k in 0..o.lines.len() {
                        if !touched.iter().any(|&t| t.abs_diff(k) < 2) && rng.percent(30) {
                            o.lines[k] = format!("o{i}-{k}");
                        }
                    }
                }
                _ => o = edit_freely(&mut rng, doc, &format!("o{i}")),
            }
        }
        ours.insert(path.clone(), o);
    }
    for i in 0..rng.below(3) {
        let doc = Doc {
            lines: vec![format!("n{i}-0"), format!("n{i}-1")],
            crlf: false,
            final_newline: true,
            binary: false,
            executable: false,
        };
        let path = format!("new{i}.txt");
        if edits && !plain && rng.percent(30) {
            // The project added a file at the same path.
            let mut mine = doc.clone();
            mine.lines = vec![format!("o-new{i}")];
            ours.insert(path.clone(), mine);
        }
        v2.insert(path, doc);
    }
    Case { v1, v2, ours }
}

/// The frozen text of blueprint `gen` at `version` with the template files `docs`.
fn frozen(version: &str, docs: &Docs) -> String {
    let manifest = format!(
        "apiVersion: pave/v1\nname: gen\nversion: {version}\nsummary: generated\nparameters:\n  - name: project_name\n    default: proj\n"
    );
    let mut items: Vec<(String, write::Item)> = vec![(
        String::from("blueprint.yaml"),
        write::Item::File {
            data: manifest.into_bytes(),
            executable: false,
        },
    )];
    for (path, doc) in docs {
        items.push((
            format!("template/{path}"),
            write::Item::File {
                data: doc.bytes(),
                executable: doc.executable,
            },
        ));
    }
    write::encode(items.iter().map(|(p, i)| (p.as_str(), i)))
}

/// A registry laid out as the built-in one: 1.1.0 current, 1.0.0 in its history.
fn registry(c: &Case) -> Frozen {
    let index = "apiVersion: pave/v1\nname: builtin\ndescription: generated\nblueprints:\n  - name: gen\n    path: blueprints/gen\n    summary: generated\n";
    Frozen::new(
        "builtin",
        index,
        [(
            String::from("blueprints/gen"),
            Cow::Owned(frozen("1.1.0", &c.v2)),
        )],
        [(
            String::from("gen"),
            String::from("1.0.0"),
            Cow::Owned(frozen("1.0.0", &c.v1)),
        )],
    )
    .unwrap()
}

/// Every file under `dir` but `.pave.yaml`, with its executable bit.
fn tree_on_disk(dir: &Path) -> BTreeMap<String, Entry> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if rel == ".pave.yaml" {
                continue;
            }
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            out.insert(
                rel,
                Entry::File {
                    data: std::fs::read(&path).unwrap().into(),
                    executable: mode & 0o100 != 0,
                },
            );
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn docs_tree(docs: &Docs) -> BTreeMap<String, Entry> {
    docs.iter().map(|(p, d)| (p.clone(), d.entry())).collect()
}

/// The project made from 1.0.0 in a temp folder, the project's edits made on disk.
struct Project {
    root: tempfile::TempDir,
    source: Frozen,
}

impl Project {
    fn new(c: &Case) -> Self {
        let root = tempfile::tempdir().unwrap();
        let source = registry(c);
        let loaded =
            pave::registry::BlueprintSource::load(&source, "gen", &semver::Version::new(1, 0, 0))
                .unwrap();
        let supplied = Supplied {
            defaults: true,
            ..Supplied::default()
        };
        let generated = pave::generate::generate(&loaded, &supplied, None).unwrap();
        let dir = root.path().join("proj");
        pave::plan::plan(&dir, generated.tree, false)
            .unwrap()
            .apply(&ApplyOptions::default())
            .unwrap();
        assert_eq!(tree_on_disk(&dir), docs_tree(&c.v1), "the 1.0.0 render");
        for (path, doc) in &c.v1 {
            let full = dir.join(path);
            match c.ours.get(path) {
                None => std::fs::remove_file(&full).unwrap(),
                Some(mine) if mine != doc => std::fs::write(&full, mine.bytes()).unwrap(),
                Some(_) => {}
            }
        }
        for (path, mine) in c.ours.iter().filter(|(p, _)| !c.v1.contains_key(*p)) {
            std::fs::write(dir.join(path), mine.bytes()).unwrap();
        }
        Project { root, source }
    }

    fn dir(&self) -> std::path::PathBuf {
        self.root.path().join("proj")
    }

    /// `pave update` to the newest release: prepare and apply; whether it wrote conflicts.
    fn update(&self) -> pave::update::run::PreparedUpdate {
        let request = Request {
            dir: self.dir(),
            ..Request::default()
        };
        let prepared = prepare_from(&self.source, &request, None).unwrap();
        prepared.apply(&ApplyOptions::default()).unwrap();
        prepared
    }
}

/// Runs `body` on `cases` cases made by `make` from proptest tapes. A panic in `body` fails
/// the test after proptest has shrunk the tape: the report shows the smallest failing case.
pub(crate) fn for_tapes<C: std::fmt::Debug>(
    cases: u32,
    make: impl Fn(&[u64]) -> C,
    body: impl FnMut(&C),
) {
    let body = std::cell::RefCell::new(body);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        // The same cases on every run and machine, so CI never depends on luck.
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7061_7665),
        ..Config::default()
    });
    let tapes = prop::collection::vec(any::<u64>(), 0..512);
    let result = runner.run(&tapes, |tape| {
        let c = make(&tape);
        let run =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (body.borrow_mut())(&c)));
        if let Err(panic) = run {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic");
            return Err(TestCaseError::fail(format!("{why}\ncase: {c:#?}")));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Runs `body` on [`CASES`] cases made by [`case`] (see [`for_tapes`]).
fn for_cases(plain: bool, edits: bool, body: impl FnMut(&Case)) {
    for_tapes(CASES, |tape| case(tape, plain, edits), body);
}

#[test]
fn update_props_without_local_edits_the_project_is_a_fresh_render_of_the_target() {
    for_cases(false, false, |c| {
        let p = Project::new(c);
        let prepared = p.update();
        assert!(!prepared.has_conflicts(), "");
        assert_eq!(tree_on_disk(&p.dir()), docs_tree(&c.v2), "");
        let record = std::fs::read_to_string(p.dir().join(".pave.yaml")).unwrap();
        assert!(record.contains("version: 1.1.0\n"), "{record}");
    });
}

#[test]
fn update_props_a_second_update_to_the_same_target_writes_nothing() {
    let mut with_conflicts = 0;
    for_cases(false, true, |c| {
        let p = Project::new(c);
        with_conflicts += usize::from(p.update().has_conflicts());
        let record = std::fs::read(p.dir().join(".pave.yaml")).unwrap();
        let before = tree_on_disk(&p.dir());
        let again = p.update();
        assert!(again.up_to_date, "{:?}", again.result.files);
        assert!(again.plan.is_noop(), "");
        assert_eq!(tree_on_disk(&p.dir()), before, "");
        assert_eq!(std::fs::read(p.dir().join(".pave.yaml")).unwrap(), record);
    });
    assert!(
        with_conflicts > 10,
        "too few conflicted first updates: {with_conflicts}"
    );
}

#[test]
fn update_props_local_edits_in_lines_the_blueprint_did_not_touch_survive() {
    let mut merged = 0;
    for_cases(true, true, |c| {
        let p = Project::new(c);
        let prepared = p.update();
        assert!(!prepared.has_conflicts(), "{:?}", prepared.result.files);
        // Line by line: the blueprint's line where it changed one, else the project's.
        let mut expected = BTreeMap::new();
        for (path, theirs) in &c.v2 {
            let (Some(base), Some(ours)) = (c.v1.get(path), c.ours.get(path)) else {
                expected.insert(path.clone(), theirs.entry());
                continue;
            };
            let mut doc = ours.clone();
            for (k, line) in doc.lines.iter_mut().enumerate() {
                if theirs.lines[k] != base.lines[k] {
                    line.clone_from(&theirs.lines[k]);
                }
            }
            doc.executable = theirs.executable;
            if ours != base && doc.lines != theirs.lines {
                merged += 1;
            }
            expected.insert(path.clone(), doc.entry());
        }
        for (path, ours) in &c.ours {
            if !c.v2.contains_key(path) && c.v1.get(path) != Some(ours) {
                expected.insert(path.clone(), ours.entry());
            }
        }
        assert_eq!(
            tree_on_disk(&p.dir()),
            expected,
            "{:?}",
            prepared.result.files
        );
    });
    assert!(merged > 40, "too few real merges: {merged}");
}

#[test]
fn update_props_no_byte_of_a_locally_edited_file_is_lost() {
    let mut conflicts = 0;
    for_cases(false, true, |c| {
        let p = Project::new(c);
        let prepared = p.update();
        let after = tree_on_disk(&p.dir());
        for (path, mine) in &c.ours {
            if c.v1.get(path) == Some(mine) {
                continue;
            }
            let Some(Entry::File { data, .. }) = after.get(path) else {
                panic!("{path} is gone: {:?}", prepared.result.files);
            };
            if mine.binary {
                assert_eq!(data, &mine.bytes(), "binary {path} changed");
                continue;
            }
            let text = String::from_utf8(data.to_vec()).unwrap();
            let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
            let base_lines = c.v1.get(path).map(|d| d.lines.clone()).unwrap_or_default();
            for line in mine.lines.iter().filter(|l| !base_lines.contains(l)) {
                assert!(
                    lines.contains(&line.as_str()),
                    "line {line:?} of {path} lost:\n{text}"
                );
            }
            conflicts += usize::from(text.contains("<<<<<<< project"));
        }
    });
    assert!(conflicts > 10, "too few conflicts exercised: {conflicts}");
}
