//! `pave deprecate` and `pave yank`: a blueprint's `deprecated:` or `yanked:` items in a git
//! registry's `registry.yaml`, changed in the registry's cache (locked, fetched fresh) and
//! pushed as one commit on the default branch, like publish: the ref's status is checked, a
//! branch that moved is fetched and the change re-applied once, and a refused push leaves the
//! remote and the cache's refs as they were.
//!
//! The text of `registry.yaml` is edited, not re-serialised: only the one key of the one entry
//! is rewritten ([`edit_index`], through [`registry_text`]), so comments and the layout
//! elsewhere survive.

use super::registry_text;
use crate::manifest::{Deprecation, IndexEntry, RegistryIndex, Yank, parse_index};
use crate::registry::git::{GitSource, PushError, RefUpdate, WriteSession, write};
use crate::registry::{RegistryError, find_entry};
use semver::{Version, VersionReq};

/// What to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retirement {
    /// Deprecate the versions `req` matches.
    Deprecate {
        /// The requirement (`*` for every version).
        req: VersionReq,
        /// Why.
        reason: String,
        /// The blueprint to use instead.
        replacement: Option<String>,
    },
    /// Yank one released version.
    Yank {
        /// The version.
        version: Version,
        /// Why.
        reason: String,
    },
}

impl Retirement {
    /// The commit message: `deprecate <name>@<req>: <reason>` or `yank <name>@<version>:
    /// <reason>` (a deprecation of every version is `deprecate <name>: <reason>`).
    pub fn message(&self, name: &str) -> String {
        match self {
            Retirement::Deprecate { req, reason, .. } if *req == VersionReq::STAR => {
                format!("deprecate {name}: {reason}")
            }
            Retirement::Deprecate { req, reason, .. } => {
                format!("deprecate {name}@{req}: {reason}")
            }
            Retirement::Yank { version, reason } => format!("yank {name}@{version}: {reason}"),
        }
    }
}

/// What a deprecate or yank did.
#[derive(Debug, Clone)]
pub struct Retired {
    /// The blueprint.
    pub name: String,
    /// The commit message.
    pub message: String,
    /// The commit pushed.
    pub commit: String,
    /// The branch it went to.
    pub branch: String,
    /// The released versions the record covers.
    pub covers: Vec<Version>,
    /// Whether the push was retried on a new tip.
    pub retried: bool,
}

/// Why a deprecate or yank was refused. Nothing was pushed.
#[derive(Debug, thiserror::Error)]
pub enum RetireError {
    /// `--reason` was empty.
    #[error("the reason is empty; say why with --reason \"...\"")]
    NoReason,
    /// The version is not a release of the blueprint.
    #[error("{name} {version} is not a released version in registry {registry}; released: {}", if .released.is_empty() { String::from("none") } else { .released.join(", ") })]
    NotReleased {
        /// The blueprint.
        name: String,
        /// The version asked for.
        version: String,
        /// The registry's URL.
        registry: String,
        /// What is released.
        released: Vec<String>,
    },
    /// The record is there already.
    #[error("{0}; nothing was changed")]
    Unchanged(String),
    /// The registry has no commit or no `registry.yaml`.
    #[error("registry {0} has no registry.yaml on its default branch")]
    NoIndex(String),
    /// The registry index is unusable or could not be edited.
    #[error("registry.yaml of {registry}: {cause}")]
    Index {
        /// The registry's URL.
        registry: String,
        /// What is wrong.
        cause: String,
    },
    /// No git identity.
    #[error(
        "no git identity to sign the commit with: set user.name and user.email (git config --global user.name \"Your Name\"; git config --global user.email you@example.com)"
    )]
    NoIdentity,
    /// The push failed; nothing was changed on the server or in the cache.
    #[error("{0}; nothing was recorded")]
    Push(#[from] PushError),
    /// A registry read failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

impl crate::error::Classify for RetireError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            RetireError::NoReason
            | RetireError::NotReleased { .. }
            | RetireError::Unchanged(_)
            | RetireError::NoIdentity => crate::error::ErrorKind::Usage,
            RetireError::Push(e) => e.kind(),
            RetireError::Registry(e) => e.kind(),
            RetireError::NoIndex(_) | RetireError::Index { .. } => crate::error::ErrorKind::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            RetireError::NotReleased { name, released, .. } => released
                .last()
                .map(|v| format!("name a released version, e.g. `{name}@{v}`")),
            RetireError::Index { .. } => Some(String::from(
                "fix registry.yaml on the registry's default branch (see docs/registries.md), then retry",
            )),
            RetireError::Push(e) => e.hint(),
            RetireError::Registry(e) => e.hint(),
            _ => None,
        }
    }
}

/// Records `change` for blueprint `name` in the registry and pushes it.
pub fn retire(source: &GitSource, name: &str, change: &Retirement) -> Result<Retired, RetireError> {
    let reason = match change {
        Retirement::Deprecate { reason, .. } | Retirement::Yank { reason, .. } => reason,
    };
    if reason.trim().is_empty() {
        return Err(RetireError::NoReason);
    }
    let session = source.write_session()?;
    match attempt(&session, name, change) {
        Err(RetireError::Push(e)) if e.is_stale() => {
            // The branch moved: fetched again and the change re-applied on the new tip, once.
            session.refetch().map_err(PushError::from)?;
            let mut done = attempt(&session, name, change)?;
            done.retried = true;
            Ok(done)
        }
        done => done,
    }
}

/// One try on the current tip; a push refused because the branch moved is an error that
/// [`retire`] retries once ([`PushError::is_stale`]).
fn attempt(
    session: &WriteSession<'_>,
    name: &str,
    change: &Retirement,
) -> Result<Retired, RetireError> {
    let url = session.url().to_string();
    let (branch, tip) = session.default_branch().map_err(PushError::from)?;
    let Some(tip) = tip else {
        return Err(RetireError::NoIndex(url));
    };
    let text = session
        .read_text(&tip, "registry.yaml")?
        .ok_or_else(|| RetireError::NoIndex(url.clone()))?;
    let index = parse_index(&text, "registry.yaml").map_err(|e| RetireError::Index {
        registry: url.clone(),
        cause: e.to_string(),
    })?;
    let entry = find_entry(&url, &index, name)?;
    let released = session.versions(name).map_err(PushError::from)?;
    let covers = covered(&entry, change, &released, &url)?;
    let new_text = edit_index(&text, &index, name, change).map_err(|e| match e {
        EditError::Unchanged(what) => RetireError::Unchanged(what),
        EditError::Layout(cause) => RetireError::Index {
            registry: url.clone(),
            cause,
        },
    })?;

    let who = write::identity(session.repo()).ok_or(RetireError::NoIdentity)?;
    let tree_change = write::TreeChange {
        dir: String::new(),
        files: None,
        set: vec![(String::from("registry.yaml"), new_text.into_bytes())],
    };
    let message = change.message(name);
    let commit = session.commit_change(Some(&tip), &tree_change, &who, &message)?;
    let update = RefUpdate {
        name: branch.clone(),
        target: Some(commit),
    };
    session.push(std::slice::from_ref(&update))?;
    Ok(Retired {
        name: name.to_string(),
        message,
        commit: commit.to_string(),
        branch,
        covers,
        retried: false,
    })
}

/// The released versions `change` covers; a yank must name a release, a deprecation must
/// match one.
fn covered(
    entry: &IndexEntry,
    change: &Retirement,
    released: &[Version],
    url: &str,
) -> Result<Vec<Version>, RetireError> {
    let not_released = |version: String| RetireError::NotReleased {
        name: entry.name.clone(),
        version,
        registry: url.to_string(),
        released: released.iter().map(ToString::to_string).collect(),
    };
    match change {
        Retirement::Yank { version, .. } => {
            if !released.contains(version) {
                return Err(not_released(version.to_string()));
            }
            Ok(vec![version.clone()])
        }
        Retirement::Deprecate { req, .. } => {
            let probe = Deprecation {
                versions: req.to_string(),
                reason: String::new(),
                replacement: None,
            };
            let covers: Vec<Version> = released
                .iter()
                .filter(|v| probe.matches(v))
                .cloned()
                .collect();
            if covers.is_empty() {
                return Err(not_released(format!("matching `{req}`")));
            }
            Ok(covers)
        }
    }
}

/// Why [`edit_index`] made no edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The record is there already, as asked.
    #[error("{0}")]
    Unchanged(String),
    /// The text is laid out in a way the edit does not handle.
    #[error("{0}")]
    Layout(String),
}

/// `registry.yaml`'s text with `change` recorded in the entry of `name`: the entry's
/// `deprecated:` (a deprecation of the same requirement is replaced) or `yanked:` key
/// rewritten in block style, or added at the end of the entry; every other line is kept. The
/// result is parsed again and must hold exactly the intended items.
pub fn edit_index(
    text: &str,
    index: &RegistryIndex,
    name: &str,
    change: &Retirement,
) -> Result<String, EditError> {
    let layout = |m: String| EditError::Layout(m);
    let position = index
        .blueprints
        .iter()
        .position(|e| e.name == name)
        .ok_or_else(|| layout(format!("it lists no blueprint `{name}`")))?;
    let entry = &index.blueprints[position];
    let mut deprecated = entry.deprecated.clone();
    let mut yanked = entry.yanked.clone();
    let (key, rendered) = match change {
        Retirement::Deprecate {
            req,
            reason,
            replacement,
        } => {
            let item = Deprecation {
                versions: req.to_string(),
                reason: reason.clone(),
                replacement: replacement.clone(),
            };
            let same_req = |d: &Deprecation| {
                VersionReq::parse(&d.versions).is_ok_and(|r| r.to_string() == item.versions)
            };
            match deprecated.iter().position(same_req) {
                Some(i) if deprecated[i] == item => {
                    return Err(EditError::Unchanged(format!(
                        "{name}@{req} is deprecated already with that reason"
                    )));
                }
                Some(i) => deprecated[i] = item,
                None => deprecated.push(item),
            }
            ("deprecated", registry_text::render_deprecated(&deprecated))
        }
        Retirement::Yank { version, reason } => {
            if let Some(y) = entry.yank(version) {
                return Err(EditError::Unchanged(format!(
                    "{name} {version} is yanked already ({})",
                    y.reason
                )));
            }
            yanked.push(Yank {
                version: version.to_string(),
                reason: reason.clone(),
            });
            ("yanked", registry_text::render_yanked(&yanked))
        }
    };
    let out =
        registry_text::set_entry_key(text, index, position, key, &rendered).map_err(layout)?;

    let check = parse_index(&out, "registry.yaml").map_err(|e| {
        layout(format!(
            "the edited index does not parse ({e}); record the change by hand"
        ))
    })?;
    let edited = check.blueprints.iter().find(|e| e.name == name);
    if edited.is_none_or(|e| e.deprecated != deprecated || e.yanked != yanked) {
        return Err(layout(format!(
            "the edit of `{name}`'s `{key}:` did not read back as written; record the change by hand"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "apiVersion: pave/v1\nname: r\n# the list\nblueprints:\n  - name: api   # the API\n    path: blueprints/api\n    summary: An API\n    # kept\n    owners: [team-a]\n\n  # the site\n  - name: site\n    path: blueprints/site\n    summary: A site\n    yanked: []\nfeedback:\n  sink: git\n";

    fn deprecate(req: &str, reason: &str, other: Option<&str>) -> Retirement {
        Retirement::Deprecate {
            req: VersionReq::parse(req).unwrap(),
            reason: reason.into(),
            replacement: other.map(str::to_string),
        }
    }

    fn edit(text: &str, name: &str, change: &Retirement) -> Result<String, EditError> {
        let index = parse_index(text, "registry.yaml").unwrap();
        edit_index(text, &index, name, change)
    }

    #[test]
    fn a_deprecation_is_added_to_its_entry_and_every_comment_kept() {
        let out = edit(TEXT, "api", &deprecate("<2", "use v2", Some("api-v2"))).unwrap();
        assert_eq!(
            out,
            TEXT.replace(
                "    owners: [team-a]\n",
                "    owners: [team-a]\n    deprecated:\n      - versions: \"<2\"\n        reason: \"use v2\"\n        use: \"api-v2\"\n"
            )
        );
        // The same requirement again replaces the item; another one is added after it.
        let out2 = edit(&out, "api", &deprecate("<2", "moved", None)).unwrap();
        assert!(
            out2.contains("reason: \"moved\"\n") && !out2.contains("use v2"),
            "{out2}"
        );
        let out3 = edit(&out2, "api", &deprecate("*", "retired", None)).unwrap();
        let index = parse_index(&out3, "registry.yaml").unwrap();
        let api = &index.blueprints[0];
        assert_eq!(api.deprecated.len(), 2);
        assert_eq!(
            api.deprecation(&Version::new(3, 0, 0)).unwrap().reason,
            "retired"
        );
        assert!(out3.contains("# the site\n  - name: site"), "{out3}");
        assert_eq!(
            edit(&out3, "api", &deprecate("*", "retired", None)),
            Err(EditError::Unchanged(String::from(
                "api@* is deprecated already with that reason"
            )))
        );
    }

    #[test]
    fn a_yank_replaces_a_flow_key_and_keeps_what_follows() {
        let yank = Retirement::Yank {
            version: Version::new(1, 2, 0),
            reason: "leaks: \"x\"".into(),
        };
        let out = edit(TEXT, "site", &yank).unwrap();
        assert!(
            out.ends_with("    summary: A site\n    yanked:\n      - version: \"1.2.0\"\n        reason: \"leaks: \\\"x\\\"\"\nfeedback:\n  sink: git\n"),
            "{out}"
        );
        let index = parse_index(&out, "registry.yaml").unwrap();
        assert!(index.blueprints[1].is_yanked(&Version::new(1, 2, 0)));
        assert!(!index.blueprints[0].is_yanked(&Version::new(1, 2, 0)));
        assert!(matches!(
            edit(&out, "site", &yank),
            Err(EditError::Unchanged(_))
        ));
    }

    #[test]
    fn a_flow_list_of_blueprints_is_not_edited() {
        let text = "apiVersion: pave/v1\nname: r\nblueprints: [{name: api, path: a, summary: s}]\n";
        let e = edit(text, "api", &deprecate("*", "old", None)).unwrap_err();
        assert!(e.to_string().contains("flow style"), "{e}");
    }

    #[test]
    fn messages_name_the_requirement() {
        assert_eq!(
            deprecate("*", "old", None).message("api"),
            "deprecate api: old"
        );
        assert_eq!(
            deprecate("<2", "old", None).message("api"),
            "deprecate api@<2: old"
        );
    }
}
