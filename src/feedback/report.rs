//! The platform team's view of feedback, computed from items (pure: no I/O). Per blueprint and
//! version: counts by kind and status, mean rating, the projects that sent feedback and the
//! oldest open items; `new-pattern` requests grouped by registry; and drift hotspots, the files
//! and hunks (by their `@@` header) that attached diffs change most often. [`Report`] is
//! serialisable for `--json`; [`to_html`] renders one self-contained page (inline CSS and SVG
//! bar charts, no script).

use super::item::{Item, Kind, Status};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many oldest open items each version lists.
pub const OLDEST_OPEN: usize = 5;
/// How many hotspots each blueprint lists.
pub const HOTSPOTS: usize = 10;

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
}

/// `new-pattern` requests of one registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternGroup {
    /// The registry, or none.
    pub registry: Option<String>,
    /// The requests, oldest first.
    pub requests: Vec<Brief>,
}

/// Drift hotspots of one blueprint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Hotspots {
    /// Files, most often changed first.
    pub files: Vec<FileSpot>,
    /// Hunks, most often changed first.
    pub hunks: Vec<HunkSpot>,
}

/// A file that diffs change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSpot {
    /// The path in the project.
    pub path: String,
    /// How many items' diffs change it.
    pub items: usize,
}

/// A hunk that diffs change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HunkSpot {
    /// The file.
    pub path: String,
    /// The `@@ ... @@` header line.
    pub header: String,
    /// How many items' diffs hold it.
    pub items: usize,
}

#[derive(Default)]
struct Acc<'a> {
    items: usize,
    kinds: [usize; 5],
    statuses: [usize; 4],
    rating_sum: u64,
    ratings: usize,
    projects: BTreeSet<&'a str>,
    open: Vec<&'a Item>,
}

impl<'a> Acc<'a> {
    fn add(&mut self, item: &'a Item) {
        self.items += 1;
        self.kinds[kind_index(item.kind)] += 1;
        self.statuses[status_index(item.status)] += 1;
        if let Some(r) = item.rating {
            self.rating_sum += u64::from(r);
            self.ratings += 1;
        }
        if let Some(p) = &item.project {
            self.projects.insert(p);
        }
        if item.status == Status::Open {
            self.open.push(item);
        }
    }

    fn counts(&self) -> Counts {
        Counts {
            items: self.items,
            kinds: Kind::ALL
                .iter()
                .map(|k| (k.as_str(), self.kinds[kind_index(*k)]))
                .collect(),
            statuses: Status::ALL
                .iter()
                .map(|s| (s.as_str(), self.statuses[status_index(*s)]))
                .collect(),
            mean_rating: (self.ratings > 0).then(|| {
                let mean = self.rating_sum as f64 / self.ratings as f64;
                (mean * 100.0).round() / 100.0
            }),
            ratings: self.ratings,
        }
    }
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

fn status_index(status: Status) -> usize {
    Status::ALL.iter().position(|s| *s == status).unwrap_or(0)
}

fn brief(item: &Item) -> Brief {
    Brief {
        id: item.id.clone(),
        created: item.created.clone(),
        kind: item.kind,
        project: item.project.clone(),
        summary: item.summary(100),
    }
}

fn oldest(mut open: Vec<&Item>, n: usize) -> Vec<Brief> {
    open.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
    open.into_iter().take(n).map(brief).collect()
}

#[derive(Default)]
struct BlueprintAcc<'a> {
    all: Acc<'a>,
    versions: HashMap<Option<&'a semver::Version>, Acc<'a>>,
    files: HashMap<&'a str, usize>,
    hunks: HashMap<(&'a str, &'a str), usize>,
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
        if let Some(diff) = &item.diff {
            let (files, hunks) = touched(diff);
            for f in files {
                *acc.files.entry(f).or_default() += 1;
            }
            for h in hunks {
                *acc.hunks.entry(h).or_default() += 1;
            }
        }
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
                })
                .collect();
            let mut files: Vec<FileSpot> = acc
                .files
                .into_iter()
                .map(|(path, items)| FileSpot {
                    path: path.to_string(),
                    items,
                })
                .collect();
            files.sort_by(|a, b| b.items.cmp(&a.items).then_with(|| a.path.cmp(&b.path)));
            files.truncate(HOTSPOTS);
            let mut hunks: Vec<HunkSpot> = acc
                .hunks
                .into_iter()
                .map(|((path, header), items)| HunkSpot {
                    path: path.to_string(),
                    header: header.to_string(),
                    items,
                })
                .collect();
            hunks.sort_by(|a, b| {
                b.items
                    .cmp(&a.items)
                    .then_with(|| (&a.path, &a.header).cmp(&(&b.path, &b.header)))
            });
            hunks.truncate(HOTSPOTS);
            BlueprintReport {
                blueprint: name.to_string(),
                counts: acc.all.counts(),
                versions,
                hotspots: Hotspots { files, hunks },
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

/// The files and (file, hunk header) pairs a unified diff changes, each once.
pub fn touched(diff: &str) -> (BTreeSet<&str>, BTreeSet<(&str, &str)>) {
    let mut files = BTreeSet::new();
    let mut hunks = BTreeSet::new();
    let mut old: Option<&str> = None;
    let mut current: Option<&str> = None;
    for line in diff.lines() {
        if let Some(rest) = line.strip_prefix("--- ") {
            old = Some(diff_path(rest));
            current = None;
        } else if let Some(rest) = line.strip_prefix("+++ ") {
            let path = match diff_path(rest) {
                "/dev/null" => old.unwrap_or("/dev/null"),
                p => p,
            };
            files.insert(path);
            current = Some(path);
        } else if line.starts_with("@@")
            && let Some(path) = current
        {
            hunks.insert((path, line.trim_end()));
        }
    }
    (files, hunks)
}

fn diff_path(rest: &str) -> &str {
    let path = rest.split('\t').next().unwrap_or(rest).trim_end();
    path.strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const KIND_COLOURS: [&str; 5] = ["#c0392b", "#2980b9", "#8e44ad", "#d4a017", "#27ae60"];

/// A horizontal bar chart of `bars` (label, value) as inline SVG.
fn bar_chart(title: &str, bars: &[(&str, usize)], colours: &[&str]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 26;
    let height = row * bars.len() + 30;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"520\" height=\"{height}\" viewBox=\"0 0 520 {height}\"><title>{}</title>",
        escape(title)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = 24 + i * row;
        let width = (*value as f64 / max as f64 * 330.0).round() as usize;
        let colour = colours.get(i % colours.len().max(1)).unwrap_or(&"#555");
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"label\">{}</text><rect x=\"110\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"{colour}\"><title>{}: {value}</title></rect><text x=\"{}\" y=\"{}\" class=\"value\">{value}</text>",
            y + 14,
            escape(label),
            escape(label),
            116 + width,
            y + 14,
        ));
    }
    svg.push_str(&format!(
        "<text x=\"0\" y=\"14\" class=\"title\">{}</text></svg>",
        escape(title)
    ));
    svg
}

/// The report as one self-contained HTML page: inline CSS, one SVG bar chart of kinds per
/// blueprint, tables of versions, hotspots and new-pattern requests; no script.
pub fn to_html(report: &Report, title: &str) -> String {
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    html.push_str(&format!("<title>{}</title>", escape(title)));
    html.push_str("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem}table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}.chart .label,.chart .value{font-size:13px}.chart .title{font-size:14px;font-weight:600}code{font-size:.9em}.muted{color:#777}</style>");
    html.push_str("</head><body>");
    html.push_str(&format!(
        "<h1>{}</h1><p>{} item(s), {} blueprint(s).</p>",
        escape(title),
        report.items,
        report.blueprints.len()
    ));
    for bp in &report.blueprints {
        html.push_str(&format!(
            "<section class=\"blueprint\" id=\"bp-{0}\"><h2>{0}</h2>",
            escape(&bp.blueprint)
        ));
        html.push_str(&format!(
            "<p>{} item(s); mean rating {}.</p>",
            bp.counts.items,
            bp.counts
                .mean_rating
                .map_or_else(|| "none".to_string(), |m| format!("{m:.2}"))
        ));
        let bars: Vec<(&str, usize)> = Kind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    bp.counts.kinds.get(k.as_str()).copied().unwrap_or(0),
                )
            })
            .collect();
        html.push_str(&bar_chart(
            &format!("{}: items by kind", bp.blueprint),
            &bars,
            &KIND_COLOURS,
        ));
        html.push_str("<table><tr><th>version</th><th>items</th>");
        for k in Kind::ALL {
            html.push_str(&format!("<th>{}</th>", k.as_str()));
        }
        for s in Status::ALL {
            html.push_str(&format!("<th>{}</th>", s.as_str()));
        }
        html.push_str("<th>mean rating</th><th>projects</th></tr>");
        for v in &bp.versions {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td>",
                escape(&v.version),
                v.counts.items
            ));
            for k in Kind::ALL {
                html.push_str(&format!(
                    "<td>{}</td>",
                    v.counts.kinds.get(k.as_str()).copied().unwrap_or(0)
                ));
            }
            for s in Status::ALL {
                html.push_str(&format!(
                    "<td>{}</td>",
                    v.counts.statuses.get(s.as_str()).copied().unwrap_or(0)
                ));
            }
            html.push_str(&format!(
                "<td>{}</td><td>{}</td></tr>",
                v.counts
                    .mean_rating
                    .map_or_else(|| "-".to_string(), |m| format!("{m:.2}")),
                v.projects.len()
            ));
        }
        html.push_str("</table>");
        let open: Vec<&Brief> = bp.versions.iter().flat_map(|v| &v.oldest_open).collect();
        if !open.is_empty() {
            html.push_str("<h3>Oldest open</h3><table><tr><th>id</th><th>created</th><th>kind</th><th>project</th><th>message</th></tr>");
            for b in open {
                html.push_str(&brief_row(b));
            }
            html.push_str("</table>");
        }
        if !bp.hotspots.files.is_empty() {
            html.push_str("<h3>Drift hotspots</h3><table><tr><th>file</th><th>items</th></tr>");
            for f in &bp.hotspots.files {
                html.push_str(&format!(
                    "<tr><td><code>{}</code></td><td>{}</td></tr>",
                    escape(&f.path),
                    f.items
                ));
            }
            html.push_str("</table><table><tr><th>file</th><th>hunk</th><th>items</th></tr>");
            for h in &bp.hotspots.hunks {
                html.push_str(&format!(
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    escape(&h.path),
                    escape(&h.header),
                    h.items
                ));
            }
            html.push_str("</table>");
        }
        html.push_str("</section>");
    }
    if !report.new_patterns.is_empty() {
        html.push_str("<section id=\"new-patterns\"><h2>Patterns asked for</h2>");
        for group in &report.new_patterns {
            html.push_str(&format!(
                "<h3>{}</h3><table><tr><th>id</th><th>created</th><th>kind</th><th>project</th><th>message</th></tr>",
                escape(group.registry.as_deref().unwrap_or("no registry"))
            ));
            for b in &group.requests {
                html.push_str(&brief_row(b));
            }
            html.push_str("</table>");
        }
        html.push_str("</section>");
    }
    html.push_str("</body></html>\n");
    html
}

fn brief_row(b: &Brief) -> String {
    format!(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(&b.id),
        escape(&b.created),
        b.kind.as_str(),
        escape(b.project.as_deref().unwrap_or("-")),
        escape(&b.summary)
    )
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

    #[test]
    fn hotspots_count_each_item_once() {
        let diff = "--- a/template.yaml\n+++ b/template.yaml\n@@ -1,2 +1,3 @@ Resources:\n+x\n@@ -9 +10 @@\n+y\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n";
        let (files, hunks) = touched(diff);
        assert_eq!(
            files.into_iter().collect::<Vec<_>>(),
            vec!["old.txt", "template.yaml"]
        );
        assert_eq!(hunks.len(), 3);
        let mut a = item(1, Some("a"), "1.0.0", Kind::Bug, Status::Open);
        a.diff = Some(format!("{diff}{diff}"));
        let mut b = a.clone();
        b.id = id_from(2, [0; 10]);
        b.diff = Some(
            "--- a/template.yaml\n+++ b/template.yaml\n@@ -1,2 +1,3 @@ Resources:\n+q\n".into(),
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
        assert_eq!(spots.hunks[0].header, "@@ -1,2 +1,3 @@ Resources:");
        assert_eq!(spots.hunks[0].items, 2);
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
