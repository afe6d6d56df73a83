//! `registry.yaml`: the index of a registry (its name, its blueprints with summaries, tags,
//! maturity and owners, and where feedback goes).

use super::{ManifestError, Problems};
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

/// A registry's index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegistryIndex {
    /// Always `pave/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// The registry's own name (informational; users name registries in their config).
    pub name: String,
    /// One line about the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The blueprints it holds.
    #[serde(default)]
    pub blueprints: Vec<IndexEntry>,
    /// Where `pave feedback submit` sends items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackConfig>,
}

/// One blueprint in an index.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    /// The blueprint's name, as used on the command line.
    pub name: String,
    /// Its folder in the registry, relative to the root.
    pub path: String,
    /// One line for `pave list`.
    pub summary: String,
    /// Free-form tags for `pave list --tag`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How much the platform team stands behind it.
    #[serde(default)]
    pub maturity: Maturity,
    /// Who keeps it.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Versions the registry advises against for new projects (`pave deprecate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deprecated: Vec<Deprecation>,
    /// Versions withdrawn from resolution (`pave yank`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yanked: Vec<Yank>,
}

/// One `deprecated:` item: the versions a requirement matches are deprecated for a reason,
/// optionally in favour of another blueprint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// A version requirement (`*`, `<2.0.0`, `=1.2.0`, `^1`).
    pub versions: String,
    /// Why.
    pub reason: String,
    /// The blueprint to use instead (`name` or `registry/name`).
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

impl Deprecation {
    /// Whether `version` is deprecated by this item (an invalid requirement matches nothing;
    /// [`parse_index`] refuses one).
    pub fn matches(&self, version: &Version) -> bool {
        VersionReq::parse(&self.versions).is_ok_and(|req| req_matches(&req, version))
    }
}

/// `req` matches `version`, pre-releases included (a deprecation of `<2.0.0` covers
/// `1.3.0-rc.1` too).
fn req_matches(req: &VersionReq, version: &Version) -> bool {
    if req.matches(version) {
        return true;
    }
    let mut release = version.clone();
    release.pre = semver::Prerelease::EMPTY;
    !version.pre.is_empty() && req.matches(&release)
}

/// One `yanked:` item: a released version withdrawn, with why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Yank {
    /// The exact version (`1.2.0`).
    pub version: String,
    /// Why.
    pub reason: String,
}

impl IndexEntry {
    /// The deprecation covering `version` (the last listed that matches), if any.
    pub fn deprecation(&self, version: &Version) -> Option<&Deprecation> {
        self.deprecated.iter().rev().find(|d| d.matches(version))
    }

    /// The yank record of `version`, if it was yanked.
    pub fn yank(&self, version: &Version) -> Option<&Yank> {
        self.yanked
            .iter()
            .find(|y| Version::parse(&y.version).is_ok_and(|v| &v == version))
    }

    /// Whether `version` is yanked.
    pub fn is_yanked(&self, version: &Version) -> bool {
        self.yank(version).is_some()
    }
}

/// How much the platform team stands behind a blueprint.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Maturity {
    /// New, may change without notice.
    #[default]
    Experimental,
    /// The paved road.
    Recommended,
    /// Kept for existing projects; do not start new ones with it.
    Deprecated,
}

impl Maturity {
    /// The lower-case name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Maturity::Experimental => "experimental",
            Maturity::Recommended => "recommended",
            Maturity::Deprecated => "deprecated",
        }
    }
}

/// Where feedback goes: `{sink: git, branch, url}` or `{sink: http, url, token_env}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FeedbackConfig {
    /// `git` (a branch of the registry, or of the repository `url` names) or `http` (a
    /// webhook).
    pub sink: String,
    /// The branch for the `git` sink (default [`DEFAULT_FEEDBACK_BRANCH`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The URL: another repository for the `git` sink, the endpoint for the `http` sink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The environment variable holding the `http` sink's bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
}

/// The branch a `git` feedback sink uses when none is named.
pub const DEFAULT_FEEDBACK_BRANCH: &str = "pave-feedback";

impl FeedbackConfig {
    /// Every problem of the configuration, each with the text to position it near.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut push = |near: &str, msg: String| out.push((near.to_string(), msg));
        match self.sink.as_str() {
            "git" => {
                if self.token_env.is_some() {
                    push(
                        "token_env",
                        "`token_env` is for the `http` sink; a `git` sink uses the registry's git credentials".into(),
                    );
                }
                if let Some(branch) = &self.branch
                    && !git2::Reference::is_valid_name(&format!("refs/heads/{branch}"))
                {
                    push(branch, format!("`{branch}` is not a valid branch name"));
                }
            }
            "http" => {
                match self.url.as_deref() {
                    None => push("sink", "feedback sink `http` needs a `url` (https://...)".into()),
                    Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                        push(url, format!("feedback url `{}` must start with https:// (or http://)", crate::url::redact_url(url)))
                    }
                    Some(url) if crate::url::RemoteUrl::parse(url).had_credentials() => push(
                        "url",
                        "the feedback url must not hold credentials; name an environment variable in `token_env` instead".into(),
                    ),
                    Some(_) => {}
                }
                if self.branch.is_some() {
                    push("branch", "`branch` is for the `git` sink".into());
                }
                if let Some(name) = &self.token_env
                    && (name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        || name.starts_with(|c: char| c.is_ascii_digit()))
                {
                    push(
                        name,
                        format!(
                            "`token_env: {name}` must name an environment variable (letters, digits, `_`)"
                        ),
                    );
                }
            }
            other => push(
                "sink",
                format!("feedback sink `{other}` is not one of: git, http"),
            ),
        }
        out
    }
}

/// Parses and validates a `registry.yaml`.
pub fn parse_index(src: &str, file: &str) -> Result<RegistryIndex, ManifestError> {
    parse_index_prepared(src, None, file)
}

/// [`parse_index`], reading `prepared` (the same document as JSON, made at build time) in
/// place of the YAML when it reads; the checks are the same.
pub fn parse_index_prepared(
    src: &str,
    prepared: Option<&str>,
    file: &str,
) -> Result<RegistryIndex, ManifestError> {
    let (index, _): (RegistryIndex, _) = crate::yaml::parse_prepared(src, prepared, file)?;
    let mut problems = Problems::new(src);
    problems.api_version(&index.api_version);
    let mut seen = std::collections::BTreeSet::new();
    for entry in &index.blueprints {
        if let Err(e) = crate::names::blueprint(&entry.name) {
            problems.push(&entry.name, e.to_string());
        }
        if !seen.insert(entry.name.as_str()) {
            problems.push(
                &entry.name,
                format!("blueprint `{}` is listed twice", entry.name),
            );
        }
        if entry.path.starts_with('/') || entry.path.split('/').any(|s| s == "..") {
            problems.push(
                &entry.path,
                format!(
                    "path `{}` must be relative and stay inside the registry",
                    entry.path
                ),
            );
        }
    }
    for entry in &index.blueprints {
        retirement_problems(entry, &mut problems);
    }
    if let Some(feedback) = &index.feedback {
        for (near, message) in feedback.problems() {
            problems.push(&near, message);
        }
    }
    problems.finish(file)?;
    Ok(index)
}

/// The problems of an entry's `deprecated:` and `yanked:` items, positioned after its name.
fn retirement_problems(entry: &IndexEntry, problems: &mut Problems<'_>) {
    let anchor = format!("name: {}", entry.name);
    let mut push = |near: &str, message: String| problems.push_after(&anchor, near, message);
    for d in &entry.deprecated {
        if let Err(e) = VersionReq::parse(&d.versions) {
            push(
                &d.versions,
                format!(
                    "`deprecated: versions: {}` of `{}` is not a version requirement ({e}); write e.g. \"*\", \"<2.0.0\" or \"=1.2.0\"",
                    d.versions, entry.name
                ),
            );
        }
        if d.reason.trim().is_empty() {
            push(
                "reason",
                format!(
                    "a `deprecated:` item of `{}` has an empty `reason`; say why",
                    entry.name
                ),
            );
        }
        if let Some(other) = &d.replacement {
            let name = other.rsplit_once('/').map_or(other.as_str(), |(_, n)| n);
            if let Err(e) = crate::names::blueprint(name) {
                push(
                    other,
                    format!("`use: {other}` in `deprecated:` of `{}`: {e}", entry.name),
                );
            } else if name == entry.name && !other.contains('/') {
                push(
                    other,
                    format!(
                        "`use: {other}` names `{}` itself; name the blueprint that replaces it",
                        entry.name
                    ),
                );
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for y in &entry.yanked {
        match Version::parse(y.version.trim()) {
            Ok(v) => {
                if !seen.insert(v) {
                    push(
                        &y.version,
                        format!(
                            "`{}` {} is yanked twice; keep one item",
                            entry.name, y.version
                        ),
                    );
                }
            }
            Err(e) => push(
                &y.version,
                format!(
                    "`yanked: version: {}` of `{}` is not an exact version ({e}); write e.g. 1.2.0",
                    y.version, entry.name
                ),
            ),
        }
        if y.reason.trim().is_empty() {
            push(
                "reason",
                format!(
                    "a `yanked:` item of `{}` has an empty `reason`; say why",
                    entry.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(feedback: &str) -> String {
        let src = format!("apiVersion: pave/v1\nname: r\nfeedback:\n{feedback}");
        match parse_index(&src, "registry.yaml") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    fn entry_errors(items: &str) -> String {
        let src = format!(
            "apiVersion: pave/v1\nname: r\nblueprints:\n  - name: other\n    path: o\n    summary: o\n  - name: api\n    path: a\n    summary: s\n{items}"
        );
        match parse_index(&src, "registry.yaml") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn deprecated_and_yanked_items_are_validated_with_positions() {
        let good = "    deprecated:\n      - versions: \"<2.0.0\"\n        reason: old\n        use: api-v2\n    yanked:\n      - version: 1.2.0\n        reason: leaks\n";
        assert_eq!(entry_errors(good), "");
        let src = format!(
            "apiVersion: pave/v1\nname: r\nblueprints:\n  - name: api\n    path: a\n    summary: s\n{good}"
        );
        let index = parse_index(&src, "registry.yaml").unwrap();
        let api = &index.blueprints[0];
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(
            api.deprecation(&v("1.9.0")).unwrap().replacement.as_deref(),
            Some("api-v2")
        );
        assert!(api.deprecation(&v("1.9.1-rc.1")).is_some());
        assert!(api.deprecation(&v("2.0.0")).is_none());
        assert!(api.is_yanked(&v("1.2.0")) && !api.is_yanked(&v("1.2.1")));

        let e = entry_errors("    deprecated:\n      - versions: \"<<2\"\n        reason: old\n");
        assert!(
            e.contains("11:20: `deprecated: versions: <<2` of `api` is not a version requirement"),
            "{e}"
        );
        let e = entry_errors("    deprecated:\n      - versions: \"*\"\n        reason: ''\n");
        assert!(
            e.contains("12:9: a `deprecated:` item of `api` has an empty `reason`"),
            "{e}"
        );
        let e = entry_errors(
            "    deprecated:\n      - versions: \"*\"\n        reason: x\n        use: Not_A_Name\n",
        );
        assert!(e.contains("13:14: `use: Not_A_Name`"), "{e}");
        let e = entry_errors("    yanked:\n      - version: ^1.2\n        reason: x\n");
        assert!(
            e.contains("11:18: `yanked: version: ^1.2` of `api` is not an exact version"),
            "{e}"
        );
        let e = entry_errors(
            "    yanked:\n      - version: 1.2.0\n        reason: x\n      - version: 1.2.0\n        reason: y\n",
        );
        assert!(e.contains("is yanked twice"), "{e}");
        let e = entry_errors("    yanked:\n      - version: 1.2.0\n");
        assert!(e.contains("reason"), "{e}");
        let e = entry_errors(
            "    yanked:\n      - version: 1.2.0\n        reason: x\n        why: y\n",
        );
        assert!(e.contains("why"), "{e}");
    }

    #[test]
    fn feedback_sinks_are_validated_with_positions() {
        assert_eq!(errors("  sink: git\n  branch: pave-feedback\n"), "");
        assert_eq!(
            errors("  sink: http\n  url: https://fb.example/items\n  token_env: FB_TOKEN\n"),
            ""
        );
        let e = errors("  sink: ftp\n");
        assert!(e.contains("4:3: feedback sink `ftp`"), "{e}");
        let e = errors("  sink: http\n");
        assert!(e.contains("needs a `url`"), "{e}");
        let e = errors("  sink: http\n  url: fb.example\n");
        assert!(e.contains("5:8:") && e.contains("https://"), "{e}");
        let e = errors("  sink: http\n  url: https://u:pw@fb.example\n");
        assert!(
            e.contains("must not hold credentials") && !e.contains("pw@"),
            "{e}"
        );
        let e = errors("  sink: http\n  url: https://fb.example\n  token_env: 'a b'\n");
        assert!(e.contains("must name an environment variable"), "{e}");
        let e = errors("  sink: git\n  branch: 'a..b'\n");
        assert!(e.contains("not a valid branch name"), "{e}");
        let e = errors("  sink: git\n  token_env: X\n");
        assert!(e.contains("for the `http` sink"), "{e}");
        let e = errors("  sink: http\n  url: https://x\n  tokn_env: X\n");
        assert!(e.contains("tokn_env"), "{e}");
    }
}
