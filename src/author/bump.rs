//! The semantic-version bump a new version of a blueprint needs, computed from the newest
//! released version and the new one (their manifests, template files and recorded example
//! renders), with every reason. Pure: no I/O.
//!
//! - major: a parameter removed (or renamed without `renamed_from`), a type changed, a new
//!   required parameter (no default), a choice removed, a narrower `pattern`, `min` or `max`;
//! - minor: a new optional parameter, a new choice, a template file added or removed, a
//!   template change that alters a recorded example render;
//! - patch: anything else (docs, tests, changelog).

use crate::blueprint::Blueprint;
use crate::manifest::{Manifest, Parameter};
use semver::Version;
use std::fmt;

/// A level of version bump, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// x.y.Z
    Patch,
    /// x.Y.0
    Minor,
    /// X.0.0
    Major,
}

impl Bump {
    /// The lower-case name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// `version` bumped by this level (pre-release and build metadata dropped).
    pub fn apply(self, version: &Version) -> Version {
        match self {
            Bump::Major => Version::new(version.major + 1, 0, 0),
            Bump::Minor => Version::new(version.major, version.minor + 1, 0),
            Bump::Patch => Version::new(version.major, version.minor, version.patch + 1),
        }
    }

    /// The level of the step from `old` to `new` (the first component that changed), or
    /// `None` when `new` is not greater.
    pub fn between(old: &Version, new: &Version) -> Option<Bump> {
        if new <= old {
            return None;
        }
        Some(if new.major != old.major {
            Bump::Major
        } else if new.minor != old.minor {
            Bump::Minor
        } else {
            Bump::Patch
        })
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a bump is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The bump this reason needs.
    pub level: Bump,
    /// What changed, in words.
    pub text: String,
}

/// The bump needed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required {
    /// The largest level among the reasons (patch when there are none).
    pub level: Bump,
    /// Every reason, largest level first.
    pub reasons: Vec<Reason>,
}

/// The bump the step from `old` (the newest released version) to `new` needs.
pub fn required(old: &Blueprint, new: &Blueprint) -> Required {
    let mut reasons = Vec::new();
    compare_parameters(&old.manifest, &new.manifest, &mut reasons);
    compare_files(old, new, &mut reasons);
    reasons.sort_by_key(|r| std::cmp::Reverse(r.level));
    Required {
        level: reasons.first().map_or(Bump::Patch, |r| r.level),
        reasons,
    }
}

fn push(reasons: &mut Vec<Reason>, level: Bump, text: String) {
    reasons.push(Reason { level, text });
}

fn compare_parameters(old: &Manifest, new: &Manifest, reasons: &mut Vec<Reason>) {
    for before in &old.parameters {
        let renamed = new
            .parameters
            .iter()
            .find(|p| p.renamed_from.contains(&before.name));
        let after = new
            .parameters
            .iter()
            .find(|p| p.name == before.name)
            .or(renamed);
        match after {
            None => push(
                reasons,
                Bump::Major,
                format!(
                    "parameter `{}` was removed (or renamed without `renamed_from: [{}]`)",
                    before.name, before.name
                ),
            ),
            Some(after) => compare_parameter(before, after, reasons),
        }
    }
    for after in &new.parameters {
        let existed = old
            .parameters
            .iter()
            .any(|p| p.name == after.name || after.renamed_from.contains(&p.name));
        if existed {
            continue;
        }
        if after.default.is_none() {
            push(
                reasons,
                Bump::Major,
                format!(
                    "new parameter `{}` is required (it has no default)",
                    after.name
                ),
            );
        } else {
            push(
                reasons,
                Bump::Minor,
                format!("new optional parameter `{}`", after.name),
            );
        }
    }
}

fn compare_parameter(before: &Parameter, after: &Parameter, reasons: &mut Vec<Reason>) {
    let name = if before.name == after.name {
        format!("parameter `{}`", after.name)
    } else {
        format!(
            "parameter `{}` (renamed from `{}`)",
            after.name, before.name
        )
    };
    let mut major = |text: String| push(reasons, Bump::Major, text);
    if before.kind != after.kind {
        major(format!(
            "{name}: type changed from {} to {}",
            before.kind.as_str(),
            after.kind.as_str()
        ));
    }
    for choice in before.choices.iter().filter(|c| !after.choices.contains(c)) {
        major(format!("{name}: choice `{choice}` was removed"));
    }
    match (&before.pattern, &after.pattern) {
        (Some(a), Some(b)) if a != b => major(format!(
            "{name}: pattern changed from `{a}` to `{b}` (any change of an existing pattern counts as narrower: pave cannot prove it accepts every value the old one did)"
        )),
        (None, Some(b)) => major(format!(
            "{name}: new pattern `{b}` narrows the accepted values"
        )),
        _ => {}
    }
    match (before.min, after.min) {
        (Some(a), Some(b)) if b > a => major(format!("{name}: min raised from {a} to {b}")),
        (None, Some(b)) => major(format!("{name}: new min {b}")),
        _ => {}
    }
    match (before.max, after.max) {
        (Some(a), Some(b)) if b < a => major(format!("{name}: max lowered from {a} to {b}")),
        (None, Some(b)) => major(format!("{name}: new max {b}")),
        _ => {}
    }
    // Last, as `major` holds `reasons` until here; `required` sorts the reasons by level.
    for choice in after.choices.iter().filter(|c| !before.choices.contains(c)) {
        push(
            reasons,
            Bump::Minor,
            format!("{name}: new choice `{choice}`"),
        );
    }
}

fn compare_files(old: &Blueprint, new: &Blueprint, reasons: &mut Vec<Reason>) {
    let mut minor = |text: String| push(reasons, Bump::Minor, text);
    for path in new.template.keys() {
        if !old.template.contains_key(path) {
            minor(format!("template file `{path}` was added"));
        }
    }
    for path in old.template.keys() {
        if !new.template.contains_key(path) {
            minor(format!("template file `{path}` was removed"));
        }
    }
    let mut compared = false;
    for (case, after) in &new.snapshots {
        if let Some(before) = old.snapshots.get(case) {
            compared = true;
            if before != after {
                minor(format!("the rendered example `{case}` changed"));
            }
        }
    }
    let templates_changed = old.template != new.template || old.partials != new.partials;
    if templates_changed && !compared {
        minor(String::from(
            "the templates changed and no recorded example is shared with the released version to show the render is the same",
        ));
    }
}

/// Whether an item about `blueprint` can be marked addressed in `version`, given the versions
/// of it the registry released: any of them, or the next one its author is about to publish,
/// the newest release with its patch, minor or major number bumped (with or without a
/// pre-release tag: `1.3.0-rc.1`). Anything else is refused with the versions that fit.
pub fn check_addressed_in(
    blueprint: &str,
    version: &semver::Version,
    released: &[semver::Version],
) -> Result<(), String> {
    if released.contains(version) {
        return Ok(());
    }
    let next = next_versions(released);
    let stable = semver::Version::new(version.major, version.minor, version.patch);
    if next.contains(&stable) {
        return Ok(());
    }
    if released.is_empty() {
        return Err(format!(
            "{blueprint} has no released version in this registry, so nothing can address it in {version} yet; publish it with `pave publish --addresses <id>`, which marks the item"
        ));
    }
    let mut sorted = released.to_vec();
    sorted.sort();
    let list = |vs: &[semver::Version]| {
        vs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(format!(
        "{version} is not a version of {blueprint}: give a released one ({}) or the next to publish ({})",
        list(&sorted),
        list(&next)
    ))
}

/// The versions the next publish of a blueprint can have: its newest release's next patch,
/// minor and major, as `pave publish --bump` makes them (and the newest's own release when it
/// is a pre-release: `2.0.0` after `2.0.0-rc.1`). None before a first release.
fn next_versions(released: &[semver::Version]) -> Vec<semver::Version> {
    let Some(newest) = released.iter().max() else {
        return Vec::new();
    };
    let (major, minor, patch) = (newest.major, newest.minor, newest.patch);
    let mut next = Vec::new();
    if !newest.pre.is_empty() {
        next.push(semver::Version::new(major, minor, patch));
    }
    for v in [Bump::Patch, Bump::Minor, Bump::Major].map(|b| b.apply(newest)) {
        if !next.contains(&v) && !released.contains(&v) {
            next.push(v);
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::{Entry, FileTree};

    const HEAD: &str = "apiVersion: pave/v1\nname: demo\nversion: 1.0.0\nsummary: s\n";

    fn blueprint(params: &str, files: &[(&str, &str)], snaps: &[(&str, &str)]) -> Blueprint {
        let mut tree = FileTree::new();
        tree.insert(
            String::from("blueprint.yaml"),
            Entry::file(format!("{HEAD}parameters:\n{params}")),
        );
        for (path, text) in files {
            tree.insert(format!("template/{path}"), Entry::file(*text));
        }
        for (case, text) in snaps {
            tree.insert(format!("snapshots/{case}.snap"), Entry::file(*text));
        }
        Blueprint::from_tree("test", tree).unwrap()
    }

    const BASE: &str = "  - name: project_name\n    pattern: '^[a-z]+$'\n  - name: size\n    type: integer\n    min: 1\n    max: 10\n    default: 2\n  - name: runtime\n    type: choice\n    choices: [a, b]\n    default: a\n";

    /// (what changes, new parameters, new files, new snapshots, level, text in the reason)
    type Row<'a> = (
        &'a str,
        String,
        &'a [(&'a str, &'a str)],
        &'a [(&'a str, &'a str)],
        Bump,
        &'a str,
    );

    #[test]
    fn one_row_per_reason() {
        let files: &[(&str, &str)] = &[("README.md", "x")];
        let snaps: &[(&str, &str)] = &[("basic", "--- README.md\nx\n")];
        // (what changes, new parameters, new files, new snapshots, level, text in the reason)
        let rows: Vec<Row<'_>> = vec![
            (
                "removed",
                BASE.replace(
                    "  - name: size\n    type: integer\n    min: 1\n    max: 10\n    default: 2\n",
                    "",
                ),
                files,
                snaps,
                Bump::Major,
                "parameter `size` was removed",
            ),
            (
                "renamed without renamed_from",
                BASE.replace("name: size", "name: count"),
                files,
                snaps,
                Bump::Major,
                "parameter `size` was removed",
            ),
            (
                "type changed",
                BASE.replace(
                    "type: integer\n    min: 1\n    max: 10\n    default: 2",
                    "type: string\n    min: 1\n    max: 10\n    default: '2'",
                ),
                files,
                snaps,
                Bump::Major,
                "type changed from integer to string",
            ),
            (
                "new required",
                format!("{BASE}  - name: owner\n"),
                files,
                snaps,
                Bump::Major,
                "new parameter `owner` is required",
            ),
            (
                "choice removed",
                BASE.replace("[a, b]", "[a]"),
                files,
                snaps,
                Bump::Major,
                "choice `b` was removed",
            ),
            (
                "pattern changed",
                BASE.replace("'^[a-z]+$'", "'^[a-z0-9]+$'"),
                files,
                snaps,
                Bump::Major,
                "counts as narrower",
            ),
            (
                "min raised",
                BASE.replace("min: 1", "min: 2"),
                files,
                snaps,
                Bump::Major,
                "min raised from 1 to 2",
            ),
            (
                "max lowered",
                BASE.replace("max: 10", "max: 9"),
                files,
                snaps,
                Bump::Major,
                "max lowered from 10 to 9",
            ),
            (
                "new optional",
                format!("{BASE}  - name: owner\n    default: me\n"),
                files,
                snaps,
                Bump::Minor,
                "new optional parameter `owner`",
            ),
            (
                "new choice",
                BASE.replace("[a, b]", "[a, b, c]"),
                files,
                snaps,
                Bump::Minor,
                "new choice `c`",
            ),
            (
                "file added",
                BASE.to_string(),
                &[("README.md", "x"), ("extra.txt", "y")],
                snaps,
                Bump::Minor,
                "`extra.txt` was added",
            ),
            (
                "file removed",
                BASE.to_string(),
                &[],
                &[("basic", "")],
                Bump::Minor,
                "`README.md` was removed",
            ),
            (
                "render changed",
                BASE.to_string(),
                &[("README.md", "changed")],
                &[("basic", "--- README.md\nchanged\n")],
                Bump::Minor,
                "rendered example `basic` changed",
            ),
            (
                "renamed with renamed_from",
                BASE.replace("name: size", "name: count\n    renamed_from: [size]"),
                files,
                snaps,
                Bump::Patch,
                "",
            ),
            (
                "template edit that renders the same",
                BASE.to_string(),
                &[("README.md", "{{!-- note --}}x")],
                snaps,
                Bump::Patch,
                "",
            ),
            (
                "wider max",
                BASE.replace("max: 10", "max: 11"),
                files,
                snaps,
                Bump::Patch,
                "",
            ),
        ];
        let old = blueprint(BASE, files, snaps);
        for (what, params, new_files, new_snaps, level, text) in rows {
            let new = blueprint(&params, new_files, new_snaps);
            let got = required(&old, &new);
            assert_eq!(got.level, level, "{what}: {:?}", got.reasons);
            if level == Bump::Patch {
                assert!(got.reasons.is_empty(), "{what}: {:?}", got.reasons);
            } else {
                assert!(
                    got.reasons
                        .iter()
                        .any(|r| r.level == level && r.text.contains(text)),
                    "{what}: {:?}",
                    got.reasons
                );
            }
        }
    }

    #[test]
    fn renamed_parameter_is_still_compared() {
        let old = blueprint(BASE, &[], &[]);
        let new = blueprint(
            &BASE
                .replace("name: size", "name: count\n    renamed_from: [size]")
                .replace("max: 10", "max: 5"),
            &[],
            &[],
        );
        let got = required(&old, &new);
        assert_eq!(got.level, Bump::Major);
        assert!(
            got.reasons[0].text.contains("renamed from `size`")
                && got.reasons[0].text.contains("max lowered"),
            "{:?}",
            got.reasons
        );
    }

    #[test]
    fn steps_between_versions() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(Bump::between(&v("1.2.3"), &v("2.0.0")), Some(Bump::Major));
        assert_eq!(Bump::between(&v("1.2.3"), &v("1.3.0")), Some(Bump::Minor));
        assert_eq!(Bump::between(&v("1.2.3"), &v("1.2.4")), Some(Bump::Patch));
        assert_eq!(Bump::between(&v("0.2.3"), &v("0.3.0")), Some(Bump::Minor));
        assert_eq!(
            Bump::between(&v("1.2.3"), &v("1.2.4-rc.1")),
            Some(Bump::Patch)
        );
        assert_eq!(Bump::between(&v("1.2.3"), &v("1.2.3")), None);
        assert_eq!(Bump::Minor.apply(&v("1.2.3")), v("1.3.0"));
    }
}
