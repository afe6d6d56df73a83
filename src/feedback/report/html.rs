//! The report as one self-contained HTML page: inline CSS, an inline SVG chart per blueprint,
//! no script. Readable from a phone's width up: below 40rem each table row stacks as a card
//! (every cell labelled by its column), long words wrap and the hunks scroll inside their box.

use super::{Brief, ChangeGroup, Report, Source, decision_text};
use crate::feedback::item::{Kind, Status};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const KIND_COLOURS: [&str; 5] = ["#c0392b", "#2980b9", "#8e44ad", "#d4a017", "#27ae60"];

const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1.5rem;max-width:72rem;color:#222;line-height:1.4;overflow-wrap:break-word}\
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
h3{margin-top:1.5rem}\
table{border-collapse:collapse;margin:.5rem 0 1rem;max-width:100%}\
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}\
th{background:#f4f4f4}\
.chart{max-width:100%;height:auto}\
.chart .label,.chart .value{font-size:13px}.chart .title{font-size:14px;font-weight:600}\
code{font-size:.9em;overflow-wrap:break-word}\
pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:.5rem;overflow-x:auto;max-width:100%;margin:.4rem 0}\
pre .add{color:#135f13;background:#e6f6e6}\
pre .del{color:#8a1010;background:#fbe9e9}\
pre .masked{font-style:italic}\
.change{border-left:4px solid #2980b9;padding:.1rem 0 .1rem .8rem;margin:1rem 0}\
.cmd{margin:.3rem 0}\
pre.extract{white-space:pre-wrap;overflow-wrap:anywhere}\
.request{border:1px solid #ddd;border-radius:.3rem;padding:.5rem .8rem;margin:.6rem 0}\
.request p{margin:.3rem 0}\
.request.declined{background:#faf6f6}\
.muted{color:#666}\
.status{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85em;background:#eee}\
.status-open{background:#fff3cd}.status-accepted{background:#d6eaf8}\
.status-addressed{background:#d4efdf}.status-declined{background:#f5d5d5;text-decoration:none}\
tr.declined td{color:#666}\
ul.decisions{margin:0;padding-left:1rem}\
@media (max-width:40rem){\
body{padding:.75rem}\
table,tbody,tr,td{display:block;width:100%}\
tr.head{display:none}\
tr{border:1px solid #ddd;margin-bottom:.6rem}\
td{border:none;border-bottom:1px solid #eee}\
td::before{content:attr(data-label);display:inline-block;width:6.5rem;font-size:.8em;color:#666}\
}";

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

/// A table whose cells carry their column's name, so that a narrow screen shows each row as
/// a labelled card. Cells are HTML already; `classes` gives each row's class.
fn table(headers: &[&str], rows: &[(String, Vec<String>)]) -> String {
    let mut out = String::from("<table><tr class=\"head\">");
    for h in headers {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr>");
    for (class, cells) in rows {
        if class.is_empty() {
            out.push_str("<tr>");
        } else {
            out.push_str(&format!("<tr class=\"{}\">", escape(class)));
        }
        for (h, cell) in headers.iter().zip(cells) {
            out.push_str(&format!("<td data-label=\"{}\">{cell}</td>", escape(h)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

fn status_badge(status: Status) -> String {
    format!(
        "<span class=\"status status-{0}\">{0}</span>",
        status.as_str()
    )
}

fn decisions(b: &Brief) -> String {
    let mut out = String::new();
    if let Some(v) = &b.addressed_in {
        out.push_str(&format!("<p>addressed in {}</p>", code(v)));
    }
    if !b.decisions.is_empty() {
        out.push_str("<ul class=\"decisions\">");
        for d in &b.decisions {
            out.push_str(&format!("<li>{}</li>", escape(&decision_text(d))));
        }
        out.push_str("</ul>");
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

fn brief_rows(briefs: &[&Brief]) -> Vec<(String, Vec<String>)> {
    briefs
        .iter()
        .map(|b| {
            (
                b.status.as_str().to_string(),
                vec![
                    code(&b.id),
                    escape(&b.created),
                    b.kind.as_str().to_string(),
                    status_badge(b.status),
                    escape(b.project.as_deref().unwrap_or("-")),
                    escape(&b.summary),
                    decisions(b),
                ],
            )
        })
        .collect()
}

const BRIEF_HEADERS: [&str; 7] = [
    "id",
    "created",
    "kind",
    "status",
    "project",
    "message",
    "decisions",
];

fn hunk_block(change: &ChangeGroup) -> String {
    let mut out = format!(
        "<pre class=\"hunk\"><span class=\"muted\">{}</span>\n",
        escape(&change.header)
    );
    for line in &change.hunk {
        let class = match line.as_bytes().first() {
            Some(b'+') => "add",
            Some(b'-') => "del",
            _ => {
                out.push_str(&format!("{}\n", escape(line)));
                continue;
            }
        };
        let masked = if line.get(1..) == Some(crate::feedback::redact::MARKER) {
            " masked"
        } else {
            ""
        };
        out.push_str(&format!(
            "<span class=\"{class}{masked}\">{}</span>\n",
            escape(line)
        ));
    }
    if change.more_lines > 0 {
        out.push_str(&format!(
            "<span class=\"muted\">... {} more line(s)</span>\n",
            change.more_lines
        ));
    }
    out.push_str("</pre>");
    out
}

fn change_block(change: &ChangeGroup) -> String {
    let mut out = String::from("<div class=\"change\">");
    out.push_str(&format!(
        "<p><strong>{} project(s)</strong> ({} item(s)) {} in {}</p>",
        change.projects,
        change.items,
        escape(&change.summary),
        code(&change.path)
    ));
    out.push_str(&hunk_block(change));
    out.push_str(&format!(
        "<p class=\"cmd\">Absorb it: {}</p>",
        code(&change.absorb)
    ));
    if change.ids.len() > 1 {
        let ids: Vec<String> = change.ids.iter().map(|i| code(i)).collect();
        out.push_str(&format!("<p class=\"muted\">Items: {}</p>", ids.join(", ")));
    }
    out.push_str("</div>");
    out
}

/// A `new-pattern` request as a card: what was asked, by which project, the decisions, and
/// the commands that extract a blueprint from the project.
fn request_card(b: &Brief) -> String {
    let mut out = format!(
        "<div class=\"request {}\"><p>{} {} <span class=\"muted\">{}</span></p><p>{}</p>",
        b.status.as_str(),
        status_badge(b.status),
        code(&b.id),
        escape(&b.created),
        escape(&b.summary)
    );
    if let Some(p) = &b.project {
        out.push_str(&format!("<p>project {}</p>", code(p)));
    }
    if b.addressed_in.is_some() || !b.decisions.is_empty() {
        out.push_str(&decisions(b));
    }
    if let Some(s) = &b.source {
        out.push_str(&source_block(s));
    }
    out.push_str("</div>");
    out
}

fn source_block(s: &Source) -> String {
    let mut out = String::new();
    if let Some(r) = &s.remote {
        out.push_str(&format!("<p>remote {}</p>", code(r)));
    }
    if let Some(m) = &s.made_from {
        out.push_str(&format!("<p>made from {}</p>", code(m)));
    }
    let mut commands = String::new();
    if let Some(c) = &s.clone {
        commands.push_str(&escape(c));
        commands.push('\n');
    }
    commands.push_str(&escape(&s.extract));
    out.push_str(&format!("<pre class=\"extract\">{commands}</pre>"));
    out
}

/// The report as one self-contained HTML page: inline CSS, one SVG bar chart of kinds per
/// blueprint, tables of versions, decisions, hotspots and new-pattern requests; no script.
pub fn to_html(report: &Report, title: &str) -> String {
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    html.push_str(&format!("<title>{}</title>", escape(title)));
    html.push_str(&format!("<style>{STYLE}</style>"));
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
        let mut headers = vec!["version", "items"];
        headers.extend(Kind::ALL.iter().map(|k| k.as_str()));
        headers.extend(Status::ALL.iter().map(|s| s.as_str()));
        headers.extend(["mean rating", "projects"]);
        let rows: Vec<(String, Vec<String>)> = bp
            .versions
            .iter()
            .map(|v| {
                let mut cells = vec![escape(&v.version), v.counts.items.to_string()];
                let kinds = Kind::ALL.iter().map(|k| v.counts.kinds.get(k.as_str()));
                let statuses = Status::ALL
                    .iter()
                    .map(|s| v.counts.statuses.get(s.as_str()));
                cells.extend(kinds.chain(statuses).map(|n| n.unwrap_or(&0).to_string()));
                cells.push(
                    v.counts
                        .mean_rating
                        .map_or_else(|| "-".to_string(), |m| format!("{m:.2}")),
                );
                cells.push(v.projects.len().to_string());
                (String::new(), cells)
            })
            .collect();
        html.push_str(&table(&headers, &rows));
        let open: Vec<&Brief> = bp.versions.iter().flat_map(|v| &v.oldest_open).collect();
        if !open.is_empty() {
            html.push_str("<h3>Oldest open</h3>");
            html.push_str(&table(&BRIEF_HEADERS, &brief_rows(&open)));
        }
        let decided: Vec<&Brief> = bp.versions.iter().flat_map(|v| &v.decided).collect();
        if !decided.is_empty() {
            html.push_str("<h3>Decisions</h3>");
            html.push_str(&table(&BRIEF_HEADERS, &brief_rows(&decided)));
        }
        let spots = &bp.hotspots;
        if !spots.files.is_empty() || !spots.redacted.is_empty() {
            html.push_str("<h3>Drift hotspots</h3>");
        }
        if !spots.files.is_empty() {
            let rows: Vec<(String, Vec<String>)> = spots
                .files
                .iter()
                .map(|f| (String::new(), vec![code(&f.path), f.items.to_string()]))
                .collect();
            html.push_str(&table(&["file", "items"], &rows));
        }
        if !spots.redacted.is_empty() {
            let files: Vec<String> = spots
                .redacted
                .iter()
                .map(|f| format!("{} ({} item(s))", code(&f.path), f.items))
                .collect();
            html.push_str(&format!(
                "<p class=\"muted\">Changed only in lines removed as possible secrets (not ranked, the change is not known): {}</p>",
                files.join(", ")
            ));
        }
        if !spots.changes.is_empty() {
            html.push_str("<h3>Changes projects made</h3>");
            for change in &spots.changes {
                html.push_str(&change_block(change));
            }
        }
        html.push_str("</section>");
    }
    if !report.new_patterns.is_empty() {
        html.push_str("<section id=\"new-patterns\"><h2>Patterns asked for</h2>");
        for group in &report.new_patterns {
            html.push_str(&format!(
                "<h3>{}</h3>",
                escape(group.registry.as_deref().unwrap_or("no registry"))
            ));
            for b in &group.requests {
                html.push_str(&request_card(b));
            }
        }
        html.push_str("</section>");
    }
    html.push_str("</body></html>\n");
    html
}
