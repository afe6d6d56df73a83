//! The platform team's view of feedback, computed from items (pure: no I/O). Per blueprint and
//! version: counts by kind and status, mean rating, the projects that sent feedback, the
//! oldest open items and the latest decisions (who, when, why, the version that addresses
//! them); `new-pattern` requests grouped by registry, with the command that extracts a
//! blueprint from the project a request names; and drift hotspots (`drift`): the files
//! projects change and the same change made by several projects, with its content and the
//! command that absorbs it. [`Report`] is serialisable for `--json`; [`to_html`] renders one
//! self-contained page (`html`).

mod drift;
mod html;

pub use drift::{
    ChangeGroup, FileSpot, HOTSPOTS, HUNK_LINES, Hotspots, Hunk, absorb_command, hunks, shell_word,
};
pub use html::to_html;

use super::item::{self, Item, Kind, Status, StatusChange};
use drift::DriftAcc;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many oldest open items each version lists.
pub const OLDEST_OPEN: usize = 5;
/// How many decided items (latest decision first) each version lists.
pub const DECIDED: usize = 10;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Items read.
    pub items: usize,
    /// One entry per blueprint, by name.
    pub blueprints: Vec<BlueprintReport>,
    /// `new-pattern` requests, grouped by registry.
    pub new_patterns: Vec<PatternGroup>,
}

/// Counts of one group of items.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Items.
    pub items: usize,
    /// By kind (every kind present, zero included).
    pub kinds: BTreeMap<&'static str, usize>,
    /// By status (every status present, zero included).
    pub statuses: BTreeMap<&'static str, usize>,
    /// Mean of the ratings given; none without ratings.
    pub mean_rating: Option<f64>,
    /// Ratings given.
    pub ratings: usize,
}

/// One blueprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlueprintReport {
    /// Its name.
    pub blueprint: String,
    /// Over every version.
    #[serde(flatten)]
    pub counts: Counts,
    /// Per version, newest first; items without a version under `unknown`.
    pub versions: Vec<VersionReport>,
    /// Where projects' diffs change the blueprint most.
    pub hotspots: Hotspots,
}

/// One version of a blueprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionReport {
    /// The version, or `unknown`.
    pub version: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// Projects that sent feedback, sorted.
    pub projects: Vec<String>,
    /// The oldest items still open, oldest first.
    pub oldest_open: Vec<Brief>,
    /// Items with a decision (accepted, addressed, declined), latest decision first.
    pub decided: Vec<Brief>,
}

/// An item in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brief {
    /// Its id.
    pub id: String,
    /// When it was written.
    pub created: String,
    /// Its kind.
    pub kind: Kind,
    /// The project, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The message's first line.
    pub summary: String,
    /// Where it stands.
    pub status: Status,
    /// The version that addresses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addressed_in: Option<String>,
    /// The platform team's decisions (who, when, why), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<StatusChange>,
    /// A `new-pattern` request sent from a project: that project and how to extract a
    /// blueprint from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The project a `new-pattern` request was sent from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Its git remote URL (without credentials), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The blueprint and version it was made from (`api@1.2.0`), for a pave project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub made_from: Option<String>,
    /// `git clone` of its remote into a folder named after the project, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clone: Option<String>,
    /// The `pave blueprint extract` command that makes a blueprint of it.
    pub extract: String,
}

/// `new-pattern` requests of one registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternGroup {
    /// The registry, or none.
    pub registry: Option<String>,
    /// The requests, oldest first.
    pub requests: Vec<Brief>,
}

#[derive(Default)]
struct Acc<'a> {
    items: usize,
    kinds: HashMap<Kind, usize>,
    statuses: HashMap<Status, usize>,
    rating_sum: u64,
    ratings: usize,
    projects: BTreeSet<&'a str>,
    open: Vec<&'a Item>,
    decided: Vec<&'a Item>,
}

impl<'a> Acc<'a> {
    fn add(&mut self, item: &'a Item) {
        self.items += 1;
        *self.kinds.entry(item.kind).or_default() += 1;
        *self.statuses.entry(item.status).or_default() += 1;
        if let Some(r) = item.rating {
            self.rating_sum += u64::from(r);
            self.ratings += 1;
        }
        if let Some(p) = &item.project {
            self.projects.insert(p);
        }
        if item.status == Status::Open {
            self.open.push(item);
        } else {
            self.decided.push(item);
        }
    }

    fn counts(&self) -> Counts {
        Counts {
            items: self.items,
            kinds: Kind::ALL
                .iter()
                .map(|k| (k.as_str(), self.kinds.get(k).copied().unwrap_or(0)))
                .collect(),
            statuses: Status::ALL
                .iter()
                .map(|s| (s.as_str(), self.statuses.get(s).copied().unwrap_or(0)))
                .collect(),
            mean_rating: (self.ratings > 0).then(|| {
                let mean = self.rating_sum as f64 / self.ratings as f64;
                (mean * 100.0).round() / 100.0
            }),
            ratings: self.ratings,
        }
    }
}

fn brief(item: &Item) -> Brief {
    Brief {
        id: item.id.clone(),
        created: item.created.clone(),
        kind: item.kind,
        project: item.project.clone(),
        summary: item.summary(100),
        status: item.status,
        addressed_in: item.addressed_in.as_ref().map(|v| v.to_string()),
        decisions: item.history.clone(),
        source: source(item),
    }
}

/// The project a `new-pattern` item names, and the commands that extract a blueprint from it.
fn source(item: &Item) -> Option<Source> {
    if item.kind != Kind::NewPattern || (item.project.is_none() && item.project_remote.is_none()) {
        return None;
    }
    let dir = item
        .project
        .as_deref()
        .map_or_else(|| "PROJECT-DIR".to_string(), shell_word);
    let params = match (&item.answers, &item.project) {
        (Some(_), _) => "--params-from-answers".to_string(),
        (None, Some(name)) => format!("--param {}", shell_word(&format!("project_name={name}"))),
        (None, None) => "--param KEY=VALUE...".to_string(),
    };
    Some(Source {
        remote: item.project_remote.clone(),
        made_from: item::named(&item.blueprint, &item.version),
        clone: item
            .project_remote
            .as_deref()
            .map(|r| format!("git clone {} {dir}", shell_word(r))),
        extract: format!("pave blueprint extract {dir} NEW-BLUEPRINT-DIR --name NAME {params}"),
    })
}

/// One decision as a sentence: `declined by Ann on 2026-03-01T...: use the queue worker`.
pub fn decision_text(d: &StatusChange) -> String {
    let mut text = d.status.as_str().to_string();
    if let Some(by) = &d.by {
        text.push_str(&format!(" by {}", by.name));
    }
    text.push_str(&format!(" on {}", d.at));
    if let Some(why) = &d.reason {
        text.push_str(&format!(": {why}"));
    }
    text
}

fn oldest(mut open: Vec<&Item>, n: usize) -> Vec<Brief> {
    open.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
    open.into_iter().take(n).map(brief).collect()
}

/// When an item was last decided on: its last status change, else its creation.
fn decided_at(item: &Item) -> &str {
    item.history.last().map_or(&item.created, |h| &h.at)
}

fn latest_decided(mut decided: Vec<&Item>, n: usize) -> Vec<Brief> {
    decided.sort_by(|a, b| (decided_at(b), &b.id).cmp(&(decided_at(a), &a.id)));
    decided.into_iter().take(n).map(brief).collect()
}

#[derive(Default)]
struct BlueprintAcc<'a> {
    all: Acc<'a>,
    versions: HashMap<Option<&'a semver::Version>, Acc<'a>>,
    drift: DriftAcc,
}

/// Builds the report of `items`.
pub fn build(items: &[Item]) -> Report {
    let mut blueprints: BTreeMap<&str, BlueprintAcc> = BTreeMap::new();
    let mut patterns: BTreeMap<Option<&str>, Vec<&Item>> = BTreeMap::new();
    for item in items {
        if item.kind == Kind::NewPattern {
            patterns
                .entry(item.registry.as_deref())
                .or_default()
                .push(item);
        }
        let Some(name) = item.blueprint.as_deref() else {
            continue;
        };
        let acc = blueprints.entry(name).or_default();
        acc.all.add(item);
        acc.versions
            .entry(item.version.as_ref())
            .or_default()
            .add(item);
        acc.drift.add(item);
    }
    let blueprints = blueprints
        .into_iter()
        .map(|(name, acc)| {
            let mut versions: Vec<_> = acc.versions.into_iter().collect();
            versions.sort_by(|a, b| b.0.cmp(&a.0));
            let versions = versions
                .into_iter()
                .map(|(version, v)| VersionReport {
                    version: version.map_or_else(|| "unknown".to_string(), |v| v.to_string()),
                    counts: v.counts(),
                    projects: v.projects.iter().map(|p| p.to_string()).collect(),
                    oldest_open: oldest(v.open, OLDEST_OPEN),
                    decided: latest_decided(v.decided, DECIDED),
                })
                .collect();
            BlueprintReport {
                blueprint: name.to_string(),
                counts: acc.all.counts(),
                versions,
                hotspots: acc.drift.finish(name),
            }
        })
        .collect();
    let new_patterns = patterns
        .into_iter()
        .map(|(registry, list)| PatternGroup {
            registry: registry.map(str::to_string),
            requests: oldest(list, usize::MAX),
        })
        .collect();
    Report {
        items: items.len(),
        blueprints,
        new_patterns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::item::{id_from, rfc3339};

    fn item(n: u64, bp: Option<&str>, version: &str, kind: Kind, status: Status) -> Item {
        Item {
            id: id_from(n, [0; 10]),
            kind,
            rating: Some((n % 5 + 1) as u8),
            message: format!("message {n}"),
            blueprint: bp.map(str::to_string),
            version: Some(version.parse().unwrap()),
            registry: Some("builtin".into()),
            project: Some(format!("p{}", n % 2)),
            author: None,
            created: rfc3339(n * 1000),
            pave_version: "0".into(),
            diff: None,
            diff_truncated: false,
            answers: None,
            project_remote: None,
            status,
            addressed_in: None,
            history: vec![],
        }
    }

    #[test]
    fn counts_by_blueprint_version_kind_and_status() {
        let items = vec![
            item(1, Some("a"), "1.0.0", Kind::Bug, Status::Open),
            item(2, Some("a"), "1.0.0", Kind::Praise, Status::Addressed),
            item(3, Some("a"), "1.1.0", Kind::Bug, Status::Open),
            item(4, None, "1.0.0", Kind::NewPattern, Status::Open),
        ];
        let r = build(&items);
        assert_eq!(r.items, 4);
        assert_eq!(r.blueprints.len(), 1);
        let a = &r.blueprints[0];
        assert_eq!(a.counts.items, 3);
        assert_eq!(a.counts.kinds["bug"], 2);
        assert_eq!(a.counts.statuses["open"], 2);
        assert_eq!(a.versions[0].version, "1.1.0");
        assert_eq!(a.versions[1].counts.items, 2);
        assert_eq!(a.versions[1].counts.mean_rating, Some(2.5));
        assert_eq!(a.versions[1].projects, vec!["p0", "p1"]);
        assert_eq!(a.versions[1].oldest_open.len(), 1);
        assert_eq!(r.new_patterns[0].requests.len(), 1);
    }

    fn with_diff(n: u64, project: &str, diff: &str) -> Item {
        let mut i = item(n, Some("api"), "1.0.0", Kind::Improvement, Status::Open);
        i.project = Some(project.into());
        i.answers = serde_json::json!({"project_name": project, "memory": 128})
            .as_object()
            .cloned();
        i.diff = Some(diff.into());
        i
    }

    #[test]
    fn hotspots_count_each_item_once() {
        let diff = "--- a/template.yaml\n+++ b/template.yaml\n@@ -1,2 +1,3 @@ Resources:\n+x\n@@ -9 +10 @@\n+y\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n";
        let mut a = item(1, Some("a"), "1.0.0", Kind::Bug, Status::Open);
        a.diff = Some(format!("{diff}{diff}"));
        let mut b = a.clone();
        b.id = id_from(2, [0; 10]);
        b.diff = Some(
            "--- a/template.yaml\n+++ b/template.yaml\n@@ -1,2 +1,3 @@ Resources:\n+x\n".into(),
        );
        let r = build(&[a, b]);
        let spots = &r.blueprints[0].hotspots;
        assert_eq!(
            spots.files[0],
            FileSpot {
                path: "template.yaml".into(),
                items: 2
            }
        );
        assert_eq!(spots.files[1].items, 1);
        assert_eq!(spots.changes.len(), 3);
        assert_eq!(spots.changes[0].summary, "added `x`");
        assert_eq!(spots.changes[0].items, 2);
        assert_eq!(spots.changes[0].hunk, vec!["+x"]);
    }

    #[test]
    fn a_long_hunk_shows_its_first_lines_and_counts_the_rest() {
        let body: String = (0..50).map(|n| format!("+line {n}\n")).collect();
        let diff = format!("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,50 @@\n{body}");
        let r = build(&[with_diff(1, "p", &diff)]);
        let change = &r.blueprints[0].hotspots.changes[0];
        assert_eq!(change.summary, "added the file (50 line(s))");
        assert_eq!(change.path, "new.txt");
        assert_eq!(change.hunk.len(), HUNK_LINES);
        assert_eq!(change.more_lines, 10);
        assert_eq!(change.added.len(), 50);
    }

    #[test]
    fn the_same_change_in_projects_with_other_answers_is_one_group() {
        let ttl = |name: &str| {
            format!(
                "--- a/template.yaml\n+++ b/template.yaml\n@@ -3,3 +3,3 @@\n   Id: PASCAL\n-    MinTTL: 0\n+    MinTTL: 60\n     Name: {name}\n--- a/{name}/app.py\n+++ b/{name}/app.py\n@@ -1 +1 @@\n-NAME = \"{name}\"\n+NAME = \"{name}-v2\"\n"
            )
        };
        let pascal = |name: &str| {
            name.split('-')
                .map(|w| format!("{}{}", w[..1].to_uppercase(), &w[1..]))
                .collect::<String>()
        };
        let items: Vec<Item> = ["orders-api", "billing", "stock-keeper"]
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let diff = ttl(name).replace("PASCAL", &pascal(name));
                with_diff(n as u64 + 1, name, &diff)
            })
            .collect();
        let r = build(&items);
        let changes = &r.blueprints[0].hotspots.changes;
        assert_eq!(changes.len(), 2, "{changes:#?}");
        let minttl = changes.iter().find(|c| c.path == "template.yaml").unwrap();
        assert_eq!(minttl.projects, 3);
        assert_eq!(minttl.summary, "changed `MinTTL: 0` to `MinTTL: 60`");
        assert_eq!(
            minttl.hunk,
            vec![
                "   Id: {{pascalCase project_name}}",
                "-    MinTTL: 0",
                "+    MinTTL: 60",
                "     Name: {{project_name}}",
            ]
        );
        assert_eq!(minttl.ids.len(), 3);
        assert_eq!(
            minttl.absorb,
            format!(
                "pave blueprint absorb --feedback {} --into blueprints/api",
                items[2].id
            )
        );
        let app = changes
            .iter()
            .find(|c| c.path == "{{project_name}}/app.py")
            .unwrap();
        assert_eq!(app.projects, 3);
        assert_eq!(app.added, vec!["NAME = \"{{project_name}}-v2\""]);
    }

    #[test]
    fn a_file_changed_only_in_masked_lines_is_not_a_hotspot() {
        let secret = format!(
            "--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-{MARKER}\n+{MARKER}\n",
            MARKER = crate::feedback::redact::MARKER
        );
        let readme = "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-x\n+y\n";
        let mut items: Vec<Item> = (1..=4).map(|n| with_diff(n, "p", &secret)).collect();
        items.push(with_diff(5, "q", &format!("{secret}{readme}")));
        let r = build(&items);
        let spots = &r.blueprints[0].hotspots;
        assert_eq!(
            spots.files,
            vec![FileSpot {
                path: "README.md".into(),
                items: 1
            }]
        );
        assert_eq!(
            spots.redacted,
            vec![FileSpot {
                path: ".env".into(),
                items: 5
            }]
        );
        assert!(spots.changes.iter().all(|c| c.path != ".env"), "{spots:#?}");
    }

    #[test]
    fn decisions_and_declined_requests_show_who_when_why() {
        use crate::feedback::item::{Author, StatusChange};
        let mut addressed = item(1, Some("api"), "1.0.0", Kind::Bug, Status::Addressed);
        addressed.addressed_in = Some("1.1.0".parse().unwrap());
        addressed.history = vec![StatusChange {
            status: Status::Addressed,
            by: Some(Author {
                name: "Ann".into(),
                email: None,
            }),
            at: rfc3339(9000),
            reason: Some("1.1.0".into()),
        }];
        let mut declined = item(2, None, "1.0.0", Kind::NewPattern, Status::Declined);
        declined.version = None;
        declined.project = Some("orders svc".into());
        declined.project_remote = Some("https://git.example.com/orders.git".into());
        declined.history = vec![StatusChange {
            status: Status::Declined,
            by: None,
            at: rfc3339(8000),
            reason: Some("use queue-worker".into()),
        }];
        let mut from_pave = item(3, Some("api"), "1.0.0", Kind::NewPattern, Status::Open);
        from_pave.answers = serde_json::json!({"project_name": "p1"})
            .as_object()
            .cloned();
        let bare = item(4, None, "1.0.0", Kind::NewPattern, Status::Open);
        let mut bare = bare;
        bare.project = None;
        let r = build(&[addressed, declined, from_pave, bare]);
        let v = &r.blueprints[0].versions[0];
        assert_eq!(v.decided.len(), 1);
        assert_eq!(v.decided[0].addressed_in.as_deref(), Some("1.1.0"));
        assert_eq!(v.decided[0].decisions[0].by.as_ref().unwrap().name, "Ann");
        let requests = &r.new_patterns[0].requests;
        assert_eq!(requests[0].status, Status::Declined);
        let source = requests[0].source.as_ref().unwrap();
        assert_eq!(
            source.clone.as_deref(),
            Some("git clone https://git.example.com/orders.git 'orders svc'")
        );
        assert_eq!(
            source.extract,
            "pave blueprint extract 'orders svc' NEW-BLUEPRINT-DIR --name NAME --param 'project_name=orders svc'"
        );
        let source = requests[1].source.as_ref().unwrap();
        assert_eq!(source.made_from.as_deref(), Some("api@1.0.0"));
        assert_eq!(
            source.extract,
            "pave blueprint extract p1 NEW-BLUEPRINT-DIR --name NAME --params-from-answers"
        );
        assert!(requests[2].source.is_none());
        let html = to_html(&r, "Feedback");
        assert!(html.contains("status-declined"), "{html}");
        assert!(html.contains("declined on 1970-01-01T00:00:08.000Z: use queue-worker"));
        assert!(html.contains("--params-from-answers"));
    }

    #[test]
    fn html_is_self_contained_with_a_chart_per_blueprint() {
        let items = vec![
            item(1, Some("a<b"), "1.0.0", Kind::Bug, Status::Open),
            item(2, Some("c"), "1.0.0", Kind::Bug, Status::Open),
        ];
        let html = to_html(&build(&items), "Feedback");
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(!html.contains("<script"));
        assert!(html.contains("a&lt;b") && !html.contains("a<b"));
    }
}
