//! Each release's verdict (usable, or what is wrong with it), kept in a registry's cache clone
//! so that `list` and `sync` read each tag's manifest once, not on every run. A verdict is keyed
//! by the object the tag points at, with the blueprint and version: it cannot go stale, since a
//! moved tag points at another object. The file only saves work: one that cannot be read is
//! ignored, one that cannot be written is left as it was.

use semver::Version;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file, inside the clone's git folder (git ignores files it does not know there).
const FILE: &str = "pave-verdicts.json";
/// The layout of the file; another is ignored (and replaced when a verdict is added).
const FORMAT: u32 = 1;

/// The file's contents.
#[derive(Serialize, Deserialize, Default)]
struct OnDisk {
    format: u32,
    /// One per release, by blueprint and version.
    verdicts: Vec<Stored>,
}

/// One release's verdict on disk.
#[derive(Serialize, Deserialize)]
struct Stored {
    blueprint: String,
    version: Version,
    /// The object the tag pointed at, in hex.
    target: String,
    /// `None` when the release is usable, else what is wrong with it.
    problem: Option<String>,
}

/// Verdicts by blueprint and version: the tag's target and what is wrong (`None`: nothing).
type Known = HashMap<String, HashMap<Version, (git2::Oid, Option<String>)>>;

/// The verdicts of one clone: read on first use, written back when one was added.
pub(super) struct Verdicts {
    path: PathBuf,
    known: Option<Known>,
    added: bool,
}

impl Verdicts {
    /// The verdicts of the clone in `repo_dir`.
    pub(super) fn of(repo_dir: &Path) -> Self {
        Verdicts {
            path: repo_dir.join(FILE),
            known: None,
            added: false,
        }
    }

    fn known(&mut self) -> &mut Known {
        let path = &self.path;
        self.known.get_or_insert_with(|| {
            let file = std::fs::read(path)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<OnDisk>(&bytes).ok())
                .filter(|file| file.format == FORMAT)
                .unwrap_or_default();
            let mut known = Known::new();
            for stored in file.verdicts {
                if let Ok(target) = git2::Oid::from_str(&stored.target) {
                    known
                        .entry(stored.blueprint)
                        .or_default()
                        .insert(stored.version, (target, stored.problem));
                }
            }
            known
        })
    }

    /// The verdict on a release whose tag points at `target`, when one was recorded for that
    /// very object.
    pub(super) fn get(
        &mut self,
        blueprint: &str,
        version: &Version,
        target: git2::Oid,
    ) -> Option<Option<String>> {
        match self.known().get(blueprint)?.get(version)? {
            (stored, problem) if *stored == target => Some(problem.clone()),
            _ => None,
        }
    }

    /// Records a verdict, to be written by [`Verdicts::save`].
    pub(super) fn add(
        &mut self,
        blueprint: &str,
        version: &Version,
        target: git2::Oid,
        problem: Option<String>,
    ) {
        self.known()
            .entry(blueprint.to_string())
            .or_default()
            .insert(version.clone(), (target, problem));
        self.added = true;
    }

    /// Writes the verdicts back when one was added, keeping only those whose tag `live` says
    /// still points at the same object. The file is replaced whole (written beside it, then
    /// renamed), so a reader never sees half of it.
    pub(super) fn save(&mut self, live: impl Fn(&str, &Version, git2::Oid) -> bool) {
        let (Some(known), true) = (self.known.take(), self.added) else {
            return;
        };
        self.added = false;
        let mut verdicts: Vec<Stored> = known
            .into_iter()
            .flat_map(|(blueprint, versions)| {
                versions
                    .into_iter()
                    .map(move |(version, verdict)| (blueprint.clone(), version, verdict))
            })
            .filter(|(blueprint, version, (target, _))| live(blueprint, version, *target))
            .map(|(blueprint, version, (target, problem))| Stored {
                blueprint,
                version,
                target: target.to_string(),
                problem,
            })
            .collect();
        verdicts.sort_by(|a, b| (&a.blueprint, &a.version).cmp(&(&b.blueprint, &b.version)));
        let file = OnDisk {
            format: FORMAT,
            verdicts,
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        let written = tempfile::NamedTempFile::new_in(dir)
            .ok()
            .and_then(|mut temp| {
                serde_json::to_writer(std::io::BufWriter::new(temp.as_file_mut()), &file).ok()?;
                temp.persist(&self.path).ok()
            });
        // Nothing else to do when it fails: the next run checks the tags again.
        drop(written);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn oid(hex: &str) -> git2::Oid {
        git2::Oid::from_str(hex).unwrap()
    }

    #[test]
    fn verdicts_are_kept_between_runs_and_dead_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (oid("0123456789abcdef0123456789abcdef01234567"), oid("ff"));
        let problem = Some(String::from("the tag has no blueprint.yaml"));
        let mut first = Verdicts::of(dir.path());
        assert_eq!(first.get("a", &v("1.0.0"), one), None);
        first.add("a", &v("1.0.0"), one, None);
        first.add("b", &v("2.0.0"), one, problem.clone());
        first.add("c", &v("0.1.0"), one, None);
        first.save(|blueprint, _, _| blueprint != "c");

        let mut second = Verdicts::of(dir.path());
        assert_eq!(second.get("a", &v("1.0.0"), one), Some(None));
        assert_eq!(second.get("b", &v("2.0.0"), one), Some(problem));
        assert_eq!(second.get("c", &v("0.1.0"), one), None);
        // A tag that points at another object now is checked again.
        assert_eq!(second.get("a", &v("1.0.0"), two), None);
    }

    #[test]
    fn an_unreadable_or_foreign_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let one = oid("0123456789abcdef0123456789abcdef01234567");
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(Verdicts::of(dir.path()).get("a", &v("1.0.0"), one), None);
        let other = format!(
            "{{\"format\": 99, \"verdicts\": [{{\"blueprint\": \"a\", \"version\": \"1.0.0\", \"target\": \"{one}\", \"problem\": null}}]}}"
        );
        std::fs::write(dir.path().join(FILE), other).unwrap();
        assert_eq!(Verdicts::of(dir.path()).get("a", &v("1.0.0"), one), None);
    }
}
