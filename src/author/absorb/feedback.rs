//! `pave blueprint absorb --feedback ID`: the input of an absorb from a feedback item instead
//! of a project folder. The item's project is rebuilt by `feedback::replay` (its recorded
//! version rendered with its answers, its diff applied); what the diff cannot give back (lines
//! masked as possible secrets, a diff cut at the size cap, binary files) becomes `not
//! absorbed` rows and goes to `absorb.rej` as the item has it. After the absorb was written,
//! the item is accepted with a note naming the folder.

use super::{Absorb, Input, Outcome, Row};
use crate::feedback::Item;
use crate::feedback::replay::{ReplayError, Replayed, replay};
use crate::project::patch::Skipped;
use crate::registry::Registries;
use std::fmt::Write as _;

/// The input of the project `item` describes, and what of its diff could not be applied.
pub fn from_item(
    registries: &Registries,
    item: &Item,
) -> Result<(Input, Vec<Skipped>), ReplayError> {
    let Replayed {
        record,
        loaded,
        pristine,
        project,
        skipped,
    } = replay(registries, item)?;
    // The old side rendered secret parameters as a placeholder: the folder renders the same.
    let mut answers = record.answers;
    for param in &loaded.blueprint.manifest.parameters {
        if let Some(value) = pristine.answers.get(&param.name)
            && param.kind == crate::manifest::ParamType::Secret
        {
            answers.insert(param.name.clone(), value.clone());
        }
    }
    Ok((
        Input {
            blueprint: record.blueprint,
            version: record.version,
            answers,
            old: pristine.tree,
            new: project,
        },
        skipped,
    ))
}

impl Absorb {
    /// Adds the parts of a feedback item's diff that could not be applied: a `not absorbed`
    /// row each, and their lines in `absorb.rej` as the item has them.
    pub fn add_unapplied(&mut self, skipped: &[Skipped]) {
        if skipped.is_empty() {
            return;
        }
        let mut rej = self.rejected.take().unwrap_or_default();
        for s in skipped {
            let row = Row {
                path: s.path.clone(),
                header: s.hunk.clone().unwrap_or_else(|| String::from("file")),
                outcome: Outcome::NotAbsorbed,
                reason: Some(s.reason.clone()),
                template: None,
                variables: Vec::new(),
            };
            if s.hunk.is_some() {
                self.hunks.push(row);
            } else {
                self.files.push(row);
            }
            let _ = writeln!(rej, "diff --git a/{0} b/{0}", s.path);
            match &s.hunk {
                Some(header) => {
                    let _ = writeln!(rej, "--- a/{0}\n+++ b/{0}\n{header}", s.path);
                    for line in &s.lines {
                        let _ = writeln!(rej, "{line}");
                    }
                }
                None => {
                    let _ = writeln!(rej, "# not applied: {}", s.reason);
                }
            }
        }
        self.hunks.sort_by(|a, b| a.path.cmp(&b.path));
        self.rejected = Some(rej);
    }

    /// The note an accepted item gets: the folder and how much was absorbed.
    pub fn accept_note(&self, folder: &str) -> String {
        let rows = self.hunks.iter().chain(&self.files);
        let total = rows.clone().count();
        let absorbed = rows
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Absorbed | Outcome::AbsorbedWithVariables
                )
            })
            .count();
        let mut note = format!("absorbed into {folder}: {absorbed} of {total} change(s)");
        if self.has_rejects() {
            note.push_str(&format!(", the rest in {folder}/{}", super::rej::FILE_NAME));
        }
        note
    }
}
