//! Properties of the update merge (`merge_trees`, in memory) over generated blueprint pairs
//! and local edits, with renames, drawn from proptest tapes ([`crate::update_props`]): a
//! failure is shrunk and shows the smallest case it found.

use crate::update_props::{Doc, Rng, edit_freely, for_tapes};
use pave::blueprint::{Entry, FileTree};
use pave::render::Origins;
use pave::update::{Class, MergeOptions, Trees, UpdateResult, merge_trees};
use std::collections::BTreeMap;

const CASES: u32 = 400;

/// A blueprint file: template origin, rendered path, contents.
#[derive(Clone, Debug)]
struct Gen {
    origin: String,
    path: String,
    doc: Doc,
}

#[derive(Clone, Debug)]
struct Case {
    base: FileTree,
    base_origins: Origins,
    theirs: FileTree,
    theirs_origins: Origins,
    ours: FileTree,
    /// Base documents by path, to know which lines are the project's own.
    base_docs: BTreeMap<String, Doc>,
    ours_docs: BTreeMap<String, Doc>,
}

fn base_files(rng: &mut Rng, plain: bool) -> Vec<Gen> {
    let n = 1 + rng.below(6);
    (0..n)
        .map(|i| {
            let count = 3 + rng.below(10);
            Gen {
                origin: format!("t{i}.hbs"),
                path: format!("d{}/f{i}.txt", rng.below(2)),
                doc: Doc {
                    lines: (0..count).map(|j| format!("b{i}-{j}")).collect(),
                    crlf: !plain && rng.percent(15),
                    final_newline: !rng.percent(20),
                    binary: !plain && rng.percent(10),
                    executable: rng.percent(20),
                },
            }
        })
        .collect()
}

fn tree_of(files: &[Gen]) -> (FileTree, Origins) {
    let tree = files
        .iter()
        .map(|g| (g.path.clone(), g.doc.entry()))
        .collect();
    let origins = files
        .iter()
        .map(|g| (g.path.clone(), g.origin.clone()))
        .collect();
    (tree, origins)
}

/// A blueprint pair and the project. `plain`: text only, substitutions only, the project's
/// edits never next to the blueprint's (so every merge must be clean and exact).
fn case(tape: &[u64], plain: bool) -> Case {
    let mut rng = Rng::new(tape);
    let base = base_files(&mut rng, plain);
    let mut theirs = Vec::new();
    let mut ours = Vec::new();
    // Lines the blueprint changed, per base path (for `plain`).
    for (i, g) in base.iter().enumerate() {
        let mut t = g.clone();
        let mut touched = Vec::new();
        let kind = rng.below(100);
        if kind < 15 {
            // Removed upstream.
        } else {
            if (15..45).contains(&kind) || (80..90).contains(&kind) {
                if plain {
                    for k in 0..t.doc.lines.len() {
                        if rng.percent(25) {
                            t.doc.lines[k] = format!("t{i}-{k}");
                            touched.push(k);
                        }
                    }
                } else {
                    t.doc = edit_freely(&mut rng, &g.doc, &format!("t{i}"));
                }
            }
            if (70..90).contains(&kind) {
                t.path = format!("moved/f{i}.txt");
            }
            if (90..100).contains(&kind) {
                t.doc.executable = !t.doc.executable;
            }
            theirs.push(t);
        }
        let mut o = g.clone();
        match rng.below(100) {
            0..40 => {}
            40..50 if !plain => continue, // deleted by the project
            _ => {
                if plain {
                    let mut edited = false;
                    for k in 0..o.doc.lines.len() {
                        let near = touched.iter().any(|&t| t.abs_diff(k) < 2);
                        if !near && rng.percent(30) {
                            o.doc.lines[k] = format!("o{i}-{k}");
                            edited = true;
                        }
                    }
                    let _ = edited;
                } else {
                    o.doc = edit_freely(&mut rng, &g.doc, &format!("o{i}"));
                }
            }
        }
        ours.push(o);
    }
    for i in 0..rng.below(3) {
        let doc = Doc {
            lines: vec![format!("n{i}-0"), format!("n{i}-1")],
            crlf: false,
            final_newline: true,
            binary: false,
            executable: false,
        };
        theirs.push(Gen {
            origin: format!("new{i}.hbs"),
            path: format!("new{i}.txt"),
            doc: doc.clone(),
        });
        if !plain && rng.percent(30) {
            // The project added a file at the same path.
            let mut mine = doc;
            mine.lines = vec![format!("o-new{i}")];
            ours.push(Gen {
                origin: String::new(),
                path: format!("new{i}.txt"),
                doc: mine,
            });
        }
    }
    let (mut base_tree, base_origins) = tree_of(&base);
    let (mut theirs_tree, theirs_origins) = tree_of(&theirs);
    let (mut ours_tree, _) = tree_of(&ours);
    base_tree.insert(FILE_NAME_FOR_TESTS.into(), Entry::file("version: 1.0.0\n"));
    theirs_tree.insert(FILE_NAME_FOR_TESTS.into(), Entry::file("version: 2.0.0\n"));
    ours_tree.insert(FILE_NAME_FOR_TESTS.into(), Entry::file("version: 1.0.0\n"));
    Case {
        base: base_tree,
        base_origins,
        theirs: theirs_tree,
        theirs_origins,
        ours: ours_tree,
        base_docs: base
            .iter()
            .map(|g| (g.path.clone(), g.doc.clone()))
            .collect(),
        ours_docs: ours
            .iter()
            .map(|g| (g.path.clone(), g.doc.clone()))
            .collect(),
    }
}

const FILE_NAME_FOR_TESTS: &str = pave::project::FILE_NAME;

fn merge(
    base: &FileTree,
    bo: &Origins,
    theirs: &FileTree,
    to: &Origins,
    ours: &FileTree,
) -> UpdateResult {
    merge_trees(
        &Trees {
            base,
            base_origins: bo,
            theirs,
            theirs_origins: to,
            ours,
        },
        &MergeOptions::new("1.0.0", "2.0.0"),
    )
    .unwrap()
}

fn run(c: &Case) -> UpdateResult {
    merge(
        &c.base,
        &c.base_origins,
        &c.theirs,
        &c.theirs_origins,
        &c.ours,
    )
}

fn without_answers(mut tree: FileTree) -> FileTree {
    tree.remove(FILE_NAME_FOR_TESTS);
    tree
}

/// Runs `body` on [`CASES`] cases made by [`case`] (see [`for_tapes`]).
fn for_cases(plain: bool, mut body: impl FnMut(Case)) {
    for_tapes(CASES, |tape| case(tape, plain), |c| body(c.clone()));
}

#[test]
fn without_local_edits_the_update_is_the_new_render() {
    for_cases(false, |mut c| {
        c.ours = c.base.clone();
        let r = run(&c);
        assert!(!r.has_conflicts(), "{:?}", r.files);
        assert_eq!(
            without_answers(r.apply_to(&c.ours)),
            without_answers(c.theirs.clone())
        );
    });
}

#[test]
fn the_update_is_idempotent() {
    for_cases(false, |c| {
        let first = run(&c);
        let after = first.apply_to(&c.ours);
        // Recorded as the new version: nothing more to do.
        let again = merge(
            &c.theirs,
            &c.theirs_origins,
            &c.theirs,
            &c.theirs_origins,
            &after,
        );
        assert!(!again.changes_anything(), "{:?}", again.files);
        assert!(again.files.iter().all(|f| f.class == Class::Kept));
        // Run again from the old record: a clean update changes nothing more.
        if !first.has_conflicts() {
            let rerun = run(&Case {
                ours: after.clone(),
                ..c.clone()
            });
            assert_eq!(rerun.apply_to(&after), after, "{:?}", rerun.files);
        }
    });
}

#[test]
fn local_edits_in_lines_the_blueprint_did_not_touch_survive() {
    let mut merged = 0;
    for_cases(true, |c| {
        let r = run(&c);
        assert!(!r.has_conflicts(), "{:?}", r.files);
        let after = without_answers(r.apply_to(&c.ours));
        // Expected: line by line, the blueprint's line where it changed one, else the project's.
        let mut expected = FileTree::new();
        let by_origin: BTreeMap<&String, &String> =
            c.base_origins.iter().map(|(p, o)| (o, p)).collect();
        for (path, origin) in &c.theirs_origins {
            let Entry::File { data, executable } = &c.theirs[path] else {
                unreachable!()
            };
            let Some(base_path) = by_origin.get(origin) else {
                expected.insert(path.clone(), c.theirs[path].clone());
                continue;
            };
            let base = &c.base_docs[*base_path];
            let Some(ours) = c.ours_docs.get(*base_path) else {
                unreachable!()
            };
            let theirs_text = String::from_utf8(data.to_vec()).unwrap();
            let theirs_lines: Vec<&str> = theirs_text.lines().collect();
            let mut doc = ours.clone();
            for (k, line) in doc.lines.iter_mut().enumerate() {
                if theirs_lines[k] != base.lines[k] {
                    *line = theirs_lines[k].to_string();
                }
            }
            doc.executable = *executable;
            if ours.lines != base.lines && ours.lines != doc.lines {
                merged += 1;
            }
            expected.insert(path.clone(), doc.entry());
        }
        for (path, doc) in &c.ours_docs {
            let removed = !c
                .theirs_origins
                .values()
                .any(|o| *o == c.base_origins[path]);
            if removed && doc.lines != c.base_docs[path].lines {
                expected.insert(path.clone(), doc.entry());
            }
        }
        assert_eq!(after, expected, "{:?}", r.files);
    });
    assert!(merged > 100, "too few real merges: {merged}");
}

#[test]
fn no_byte_of_a_locally_edited_file_is_lost() {
    let mut conflicts = 0;
    for_cases(false, |c| {
        let r = run(&c);
        let after = r.apply_to(&c.ours);
        for (path, ours) in &c.ours {
            if path == FILE_NAME_FOR_TESTS || c.base.get(path) == Some(ours) {
                continue;
            }
            let at = r
                .files
                .iter()
                .find(|f| f.from.as_deref() == Some(path.as_str()) && after.contains_key(&f.path))
                .map_or(path.as_str(), |f| f.path.as_str());
            let Some(Entry::File { data, .. }) = after.get(at) else {
                panic!("{path} (at {at}) is gone: {:?}", r.files);
            };
            let doc = &c.ours_docs[path];
            if doc.binary {
                let Entry::File { data: mine, .. } = ours else {
                    unreachable!()
                };
                assert_eq!(data, mine, "binary {path} changed");
                continue;
            }
            let text = String::from_utf8(data.to_vec()).unwrap();
            let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
            let base_lines = c
                .base_docs
                .get(path)
                .map(|d| d.lines.clone())
                .unwrap_or_default();
            for line in doc.lines.iter().filter(|l| !base_lines.contains(l)) {
                assert!(
                    lines.contains(&line.as_str()),
                    "line {line:?} of {path} lost at {at}:\n{text}"
                );
            }
            conflicts += usize::from(text.contains("<<<<<<< project"));
        }
    });
    assert!(conflicts > 20, "too few conflicts exercised: {conflicts}");
}
