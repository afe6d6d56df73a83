//! Properties of absorb over generated blueprints (text, expressions with text around them,
//! `if`/`each` blocks, templated paths, partials used once or twice) and edits confined to
//! literal template text (a line that renders once: replaced, with or without an answer value;
//! a line inserted after it; deleted; the text around an expression changed): every hunk is
//! absorbed, the edited blueprint renders the edited project, its example still renders, and
//! nothing is dropped. Cases come from proptest tapes with a fixed seed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::blueprint::{Blueprint, Entry, FileTree};
use serde_json::json;

const CASES: u32 = 150;

struct Rng<'a> {
    tape: &'a [u64],
    at: usize,
}

impl Rng<'_> {
    fn below(&mut self, n: u64) -> u64 {
        let drawn = self.tape.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        drawn % n
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) >= 100 - p
    }
}

/// A template line the generator knows to render once, as itself (or, for `Expr`, with the
/// text around one expression).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Expr,
    Other,
}

#[derive(Debug, Clone)]
struct Case {
    /// Template files: path -> lines (without line ends), and the kind of each.
    files: Vec<(String, Vec<(String, Kind)>)>,
    partials: Vec<(String, Vec<String>)>,
    answers: Map<String, Value>,
    /// Edits: (file, line, what).
    edits: Vec<(usize, usize, u64)>,
}

const MANIFEST: &str = "apiVersion: pave/v1\nname: gen\nversion: 1.0.0\nsummary: generated\nparameters:\n  - name: name\n  - name: flag\n    type: boolean\n    default: false\n  - name: items\n    type: multichoice\n    choices: [a, b, c]\n    default: []\n";

fn case(tape: &[u64]) -> Case {
    let mut rng = Rng { tape, at: 0 };
    let flag = rng.percent(50);
    let items: Vec<Value> = ["a", "b", "c"]
        .iter()
        .filter(|_| rng.percent(50))
        .map(|s| json!(s))
        .collect();
    let mut answers = Map::new();
    answers.insert(String::from("name"), json!("orders-api"));
    answers.insert(String::from("flag"), json!(flag));
    answers.insert(String::from("items"), Value::Array(items));
    let partial_lines: Vec<String> = (0..=rng.below(2))
        .map(|i| format!("partial line {i}"))
        .collect();
    let partials = vec![(String::from("p0"), partial_lines)];
    let mut uses = 0;
    let mut counter = 0;
    let mut files = Vec::new();
    for f in 0..=rng.below(3) {
        let kind = rng.below(3);
        let path = match kind {
            0 => format!("f{f}.txt.hbs"),
            1 => format!("{{{{name}}}}/f{f}.txt.hbs"),
            _ => format!("plain{f}.txt"),
        };
        let mut lines = Vec::new();
        let text = |counter: &mut usize| {
            *counter += 1;
            format!("text {counter} words")
        };
        for _ in 0..=rng.below(8) {
            if kind == 2 {
                lines.push((text(&mut counter), Kind::Text));
                continue;
            }
            match rng.below(6) {
                0 | 1 => lines.push((text(&mut counter), Kind::Text)),
                2 => {
                    counter += 1;
                    lines.push((format!("key{counter}: {{{{name}}}}-x{counter}"), Kind::Expr));
                }
                3 => {
                    lines.push((String::from("{{#if flag}}"), Kind::Other));
                    let t = text(&mut counter);
                    lines.push((t, if flag { Kind::Text } else { Kind::Other }));
                    lines.push((String::from("{{else}}"), Kind::Other));
                    let t = text(&mut counter);
                    lines.push((t, if flag { Kind::Other } else { Kind::Text }));
                    lines.push((String::from("{{/if}}"), Kind::Other));
                }
                4 => {
                    counter += 1;
                    lines.push((String::from("{{#each items}}"), Kind::Other));
                    lines.push((format!("  - {{{{this}}}} item {counter}"), Kind::Other));
                    lines.push((String::from("{{/each}}"), Kind::Other));
                }
                _ => {
                    uses += 1;
                    lines.push((String::from("{{> p0}}"), Kind::Other));
                }
            }
        }
        files.push((path, lines));
    }
    let _ = uses;
    let mut edits = Vec::new();
    for _ in 0..=rng.below(4) {
        let f = rng.below(files.len() as u64) as usize;
        let l = rng.below(files[f].1.len() as u64) as usize;
        edits.push((f, l, rng.below(5)));
    }
    Case {
        files,
        partials,
        answers,
        edits,
    }
}

fn tree(files: &[(String, Vec<String>)], partials: &[(String, Vec<String>)]) -> FileTree {
    let mut tree = FileTree::new();
    tree.insert(String::from("blueprint.yaml"), Entry::file(MANIFEST));
    tree.insert(
        String::from("tests/basic.yaml"),
        Entry::file("answers:\n  name: orders-api\n  flag: true\n  items: [a, b]\n"),
    );
    for (path, lines) in files {
        let mut text = lines.join("\n");
        text.push('\n');
        tree.insert(format!("template/{path}"), Entry::file(text));
    }
    for (name, lines) in partials {
        let mut text = lines.join("\n");
        text.push('\n');
        tree.insert(format!("partials/{name}.hbs"), Entry::file(text));
    }
    tree
}

/// The case's template files with its edits made to literal lines that render once.
fn edited(c: &Case) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut counter = 1000;
    for (fi, (path, lines)) in c.files.iter().enumerate() {
        let mut new = Vec::new();
        for (li, (line, kind)) in lines.iter().enumerate() {
            let edit = c
                .edits
                .iter()
                .find(|(f, l, _)| *f == fi && *l == li)
                .map(|e| e.2);
            counter += 1;
            match (kind, edit) {
                (Kind::Text, Some(0)) => new.push(format!("{line} changed {counter}")),
                (Kind::Text, Some(1)) if path.ends_with(".hbs") => {
                    new.push(format!("{line} for OrdersApi of orders-api"));
                }
                (Kind::Text, Some(2)) => {
                    new.push(line.clone());
                    new.push(format!("inserted {counter}"));
                }
                (Kind::Text, Some(3)) => {}
                (Kind::Expr, Some(4)) => {
                    new.push(line.replace("-x", "-changed-"));
                    new.push(format!("inserted {counter}"));
                }
                (Kind::Expr, Some(_)) => new.push(line.replace("-x", "-changed-")),
                _ => new.push(line.clone()),
            }
        }
        out.push((path.clone(), new));
    }
    out
}

fn render(tree: &FileTree, answers: &Map<String, Value>) -> FileTree {
    let bp = Blueprint::from_tree("gen", tree.clone()).unwrap();
    crate::render::render(&bp, &Value::Object(answers.clone())).unwrap()
}

fn check(c: &Case) {
    let plain = |files: &[(String, Vec<(String, Kind)>)]| -> Vec<(String, Vec<String>)> {
        files
            .iter()
            .map(|(p, l)| (p.clone(), l.iter().map(|(t, _)| t.clone()).collect()))
            .collect()
    };
    let before = tree(&plain(&c.files), &c.partials);
    let after = tree(&edited(c), &c.partials);
    let old = render(&before, &c.answers);
    let new = render(&after, &c.answers);
    let input = Input {
        blueprint: String::from("gen"),
        version: semver::Version::new(1, 0, 0),
        answers: c.answers.clone(),
        old,
        new: new.clone(),
    };
    let folder = Loaded {
        blueprint: Blueprint::from_tree("gen", before.clone()).unwrap(),
        registry: String::from("gen"),
        commit: None,
    };
    let plan = plan(&input, &folder, &Options::default()).unwrap();
    for row in plan.hunks.iter().chain(&plan.files) {
        assert_ne!(row.outcome, Outcome::NotAbsorbed, "{row:?}");
    }
    assert!(plan.rejected.is_none());
    let mut result = before.clone();
    for (path, entry) in &plan.writes {
        match entry {
            Some(e) => result.insert(path.clone(), e.clone()),
            None => result.remove(path),
        };
    }
    assert_eq!(
        render(&result, &c.answers),
        new,
        "writes: {:#?}",
        plan.writes
    );
    let loaded = Loaded {
        blueprint: Blueprint::from_tree("gen", result).unwrap(),
        registry: String::from("gen"),
        commit: None,
    };
    assert!(proof::health(&loaded).cases.values().all(Result::is_ok));
}

#[test]
fn edits_of_literal_template_text_are_always_absorbed_and_render_the_project() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7061_7665),
        ..Config::default()
    });
    let tapes = prop::collection::vec(any::<u64>(), 0..64);
    let result = runner.run(&tapes, |tape| {
        let c = case(&tape);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&c)));
        if let Err(panic) = run {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(TestCaseError::fail(format!("{why}\ncase: {c:#?}")));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Edits anywhere (tags' output, repeated lines too): every change is absorbed or in
/// `absorb.rej`, and the blueprint left behind renders its example.
#[test]
fn nothing_is_dropped_and_the_example_still_renders() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7061_7665),
        ..Config::default()
    });
    let tapes = prop::collection::vec(any::<u64>(), 0..64);
    runner
        .run(&tapes, |tape| {
            let c = case(&tape);
            let plain: Vec<(String, Vec<String>)> = c
                .files
                .iter()
                .map(|(p, l)| (p.clone(), l.iter().map(|(t, _)| t.clone()).collect()))
                .collect();
            let before = tree(&plain, &c.partials);
            let old = render(&before, &c.answers);
            // Change every rendered line chosen by the tape, whatever made it.
            let mut new = old.clone();
            for (i, (_, entry)) in new.iter_mut().enumerate() {
                if let Entry::File { data, .. } = entry {
                    let text = String::from_utf8_lossy(data).into_owned();
                    let changed: String = text
                        .lines()
                        .enumerate()
                        .map(|(n, l)| {
                            if c.edits.iter().any(|e| e.0 == i && e.1 == n) {
                                format!("{l}!\n")
                            } else {
                                format!("{l}\n")
                            }
                        })
                        .collect();
                    *data = changed.into_bytes().into();
                }
            }
            let input = Input {
                blueprint: String::from("gen"),
                version: semver::Version::new(1, 0, 0),
                answers: c.answers.clone(),
                old,
                new,
            };
            let folder = Loaded {
                blueprint: Blueprint::from_tree("gen", before.clone()).unwrap(),
                registry: String::from("gen"),
                commit: None,
            };
            let plan = plan(&input, &folder, &Options::default()).unwrap();
            let rej = plan.rejected.clone().unwrap_or_default();
            for row in plan.hunks.iter().chain(&plan.files) {
                if row.outcome == Outcome::NotAbsorbed {
                    prop_assert!(rej.contains(&row.header), "{row:?} not in {rej}");
                }
            }
            let mut result = before.clone();
            for (path, entry) in &plan.writes {
                match entry {
                    Some(e) => result.insert(path.clone(), e.clone()),
                    None => result.remove(path),
                };
            }
            let loaded = Loaded {
                blueprint: Blueprint::from_tree("gen", result).unwrap(),
                registry: String::from("gen"),
                commit: None,
            };
            prop_assert!(proof::health(&loaded).cases.values().all(Result::is_ok));
            Ok(())
        })
        .unwrap();
}
