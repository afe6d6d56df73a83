//! The proof: the edited blueprint, rendered with the project's answers, must give the folder's
//! render with exactly the absorbed changes applied, byte for byte. When it does not, the
//! changes are tried one at a time (with variables, then without) and each that does not
//! reproduce its file is taken back. Then every example answer set must still render and the
//! lint must find no new error; a change that breaks one is taken back. Pure.

use super::edit::{LineEdit, apply_edits, apply_hunks};
use super::trace::SourceKey;
use crate::blueprint::{Blueprint, Entry, FileTree};
use crate::project::diff::Hunk;
use crate::registry::Loaded;
use crate::render;
use crate::template::Engine;
use std::collections::{BTreeMap, BTreeSet};

/// What one way of absorbing a change does to the blueprint.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Edits of template lines.
    Lines(Vec<LineEdit>),
    /// A template file set to this entry (added, or its mode or bytes changed).
    Set(String, Entry),
    /// A template file removed.
    Remove(String),
}

/// What the project has instead of the folder's render, for one unit.
#[derive(Debug, Clone)]
pub(crate) enum Expect {
    /// The hunk applied to the file.
    Hunk(Hunk),
    /// The file is this (or gone).
    Entry(Option<Entry>),
}

/// One change to absorb (a hunk, or a file added, deleted, or of another mode or bytes), with
/// the ways to do it, the preferred first.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub(crate) path: String,
    pub(crate) expect: Expect,
    pub(crate) variants: Vec<(Change, BTreeSet<String>)>,
}

/// Everything a render needs.
pub(crate) struct Base<'a> {
    pub(crate) bp: &'a Blueprint,
    pub(crate) sources: &'a BTreeMap<SourceKey, String>,
    pub(crate) ctx: &'a serde_json::Value,
    pub(crate) rendered: &'a FileTree,
}

/// Which variant of each unit is taken (`None`: not absorbed), with a reason for those not.
pub(crate) type Chosen = Vec<Option<usize>>;

impl Base<'_> {
    /// The blueprint with the chosen variants applied.
    pub(crate) fn build(&self, units: &[Unit], chosen: &Chosen) -> Blueprint {
        let mut bp = self.bp.clone();
        let mut lines: Vec<&LineEdit> = Vec::new();
        for (unit, pick) in units.iter().zip(chosen) {
            let Some((change, _)) = pick.and_then(|v| unit.variants.get(v)) else {
                continue;
            };
            match change {
                Change::Lines(edits) => lines.extend(edits),
                Change::Set(path, entry) => {
                    bp.template.insert(path.clone(), entry.clone());
                }
                Change::Remove(path) => {
                    bp.template.remove(path);
                }
            }
        }
        for (key, text) in apply_edits(self.sources, lines) {
            match key {
                SourceKey::Template(path) => {
                    let file = crate::author::file_like(text, bp.template.get(&path));
                    bp.template.insert(path, file);
                }
                SourceKey::Partial(name) => {
                    bp.partials.insert(name, text);
                }
            }
        }
        bp
    }

    /// The folder's render with the chosen units' changes applied.
    pub(crate) fn expected(&self, units: &[Unit], chosen: &Chosen) -> Option<FileTree> {
        let mut tree = self.rendered.clone();
        let mut hunks: BTreeMap<&str, Vec<&Hunk>> = BTreeMap::new();
        for (unit, pick) in units.iter().zip(chosen) {
            if pick.is_none() {
                continue;
            }
            match &unit.expect {
                Expect::Hunk(h) => hunks.entry(&unit.path).or_default().push(h),
                Expect::Entry(Some(e)) => {
                    tree.insert(unit.path.clone(), e.clone());
                }
                Expect::Entry(None) => {
                    tree.remove(&unit.path);
                }
            }
        }
        for (path, mut list) in hunks {
            list.sort_by_key(|h| h.old_start);
            let Some(Entry::File { data, .. }) = tree.get(path) else {
                return None;
            };
            let new = apply_hunks(std::str::from_utf8(data).ok()?, &list)?;
            let file = crate::author::file_like(new, tree.get(path));
            tree.insert(path.to_string(), file);
        }
        Some(tree)
    }

    fn render(&self, bp: &Blueprint) -> Option<FileTree> {
        let mut engine = Engine::new(&bp.partials).ok()?;
        let (mut tree, _) = render::render_traced(&mut engine, bp, self.ctx).ok()?;
        tree.remove(crate::project::FILE_NAME);
        Some(tree)
    }

    /// The paths where the render differs from what is expected; `None` when it fails. Only
    /// the template files the chosen changes touch are rendered (all of them when a partial
    /// changes), and their files compared.
    fn differs(&self, units: &[Unit], chosen: &Chosen) -> Option<BTreeSet<String>> {
        let mut touched = BTreeSet::new();
        let mut all = false;
        let mut paths: BTreeSet<&str> = BTreeSet::new();
        for (unit, pick) in units.iter().zip(chosen) {
            let Some((change, _)) = pick.and_then(|v| unit.variants.get(v)) else {
                continue;
            };
            paths.insert(&unit.path);
            match change {
                Change::Lines(edits) => {
                    for e in edits {
                        match &e.source {
                            SourceKey::Template(p) => {
                                touched.insert(p.clone());
                            }
                            SourceKey::Partial(_) => all = true,
                        }
                    }
                }
                Change::Set(p, _) | Change::Remove(p) => {
                    touched.insert(p.clone());
                }
            }
        }
        let built = super::trace::needed(&self.build(units, chosen), &touched, all);
        let got = self.render(&built)?;
        let want = self.expected(units, chosen)?;
        let mut out = BTreeSet::new();
        for path in got.keys().map(String::as_str).chain(paths) {
            if got.get(path) != want.get(path) {
                out.insert(path.to_string());
            }
        }
        Some(out)
    }

    /// Whether the render with the chosen variants is exactly what is expected.
    pub(crate) fn proves(&self, units: &[Unit], chosen: &Chosen) -> bool {
        self.differs(units, chosen)
            .is_some_and(|bad| bad.is_empty())
    }

    /// Chooses each unit's first variant that proves; the others are `None`.
    pub(crate) fn prove(&self, units: &[Unit]) -> Chosen {
        let mut chosen: Chosen = units
            .iter()
            .map(|u| (!u.variants.is_empty()).then_some(0))
            .collect();
        let suspects: Vec<usize> = match self.differs(units, &chosen) {
            Some(bad) if bad.is_empty() => return chosen,
            Some(bad) => (0..units.len())
                .filter(|&i| bad.contains(&units[i].path))
                .collect(),
            None => (0..units.len()).collect(),
        };
        for &i in &suspects {
            chosen[i] = None;
        }
        let suspects = match self.differs(units, &chosen) {
            Some(bad) if bad.is_empty() => suspects,
            _ => {
                chosen = vec![None; units.len()];
                (0..units.len()).collect()
            }
        };
        for i in suspects {
            for v in 0..units[i].variants.len() {
                chosen[i] = Some(v);
                if self.proves(units, &chosen) {
                    break;
                }
                chosen[i] = None;
            }
        }
        chosen
    }
}

/// What the example answer sets and the lint say of a blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Health {
    /// Per case: its snapshot text, or why it does not render.
    pub(crate) cases: BTreeMap<String, Result<Option<String>, String>>,
    /// Lint errors.
    pub(crate) lint: BTreeSet<String>,
}

pub(crate) fn health(loaded: &Loaded) -> Health {
    Health {
        lint: crate::author::lint::lint(&loaded.blueprint)
            .findings
            .iter()
            .filter(|f| f.severity == crate::author::lint::Severity::Error)
            .map(|f| f.to_string())
            .collect(),
        ..health_cases(loaded)
    }
}

/// [`health`] without the lint.
pub(crate) fn health_cases(loaded: &Loaded) -> Health {
    let cases = loaded
        .blueprint
        .tests
        .keys()
        .map(|name| {
            (
                name.clone(),
                crate::author::testing::case_snapshot(loaded, name),
            )
        })
        .collect();
    Health {
        cases,
        lint: BTreeSet::new(),
    }
}

/// What got worse from `before` to `after`: a case that rendered and no longer does, or a new
/// lint error.
pub(crate) fn worse(before: &Health, after: &Health) -> Option<String> {
    for (name, was) in &before.cases {
        if let (Ok(_), Some(Err(why))) = (was, after.cases.get(name)) {
            return Some(format!("breaks test case {name}: {why}"));
        }
    }
    after
        .lint
        .iter()
        .find(|e| !before.lint.contains(*e))
        .map(|e| format!("breaks the lint: {e}"))
}
