//! `pave list`: the blueprints of the registries (or of the one `--registry` names), as a table
//! or JSON. With several registries the table qualifies each name (`<registry>/<blueprint>`);
//! a registry that cannot be read is reported and skipped, and the command then exits 1.

use super::{Output, args::ListArgs, exit_code, print_json, source};
use crate::manifest::{Deprecation, IndexEntry};
use crate::registry::BlueprintSource;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

struct Row {
    registry: String,
    entry: IndexEntry,
    version: String,
    /// Releases whose tag and manifest disagree: shown, never offered.
    broken: Vec<String>,
    /// The deprecation covering the version shown, if any.
    deprecated: Option<Deprecation>,
}

pub(crate) fn run(out: &Output, args: ListArgs) -> Result<ExitCode> {
    let registries = source::registries(out)?;
    let sources = registries.selected(args.registry.as_deref())?;
    let mut rows = Vec::new();
    let mut failed = false;
    for source in &sources {
        match rows_of(source.as_ref(), args.tag.as_deref()) {
            Ok(mut found) => rows.append(&mut found),
            Err(e) if sources.len() > 1 => {
                eprintln!("error: skipping registry `{}`: {e}", source.name());
                failed = true;
            }
            Err(e) => return Err(e),
        }
    }
    let code = exit_code(failed, ExitCode::FAILURE);
    if args.json {
        let items: Vec<_> = rows
            .iter()
            .map(|r| {
                let e = &r.entry;
                json!({
                    "registry": r.registry, "name": e.name, "version": r.version, "summary": e.summary,
                    "tags": e.tags, "maturity": e.maturity.as_str(), "owners": e.owners,
                    "broken": r.broken,
                    "deprecated": r.deprecated.as_ref().map(|d| json!({"versions": d.versions, "reason": d.reason, "use": d.replacement})),
                    "yanked": e.yanked,
                })
            })
            .collect();
        return print_json(&items).map(|()| code);
    }
    let qualify = sources.len() > 1;
    let name = |r: &Row| {
        if qualify {
            format!("{}/{}", r.registry, r.entry.name)
        } else {
            r.entry.name.clone()
        }
    };
    let width = rows.iter().map(|r| name(r).len()).max().unwrap_or(4).max(4);
    // A pre-release (`2.0.0-rc.1`) or a build (`1.0.0+build.7`) widens the column.
    let v_width = rows
        .iter()
        .map(|r| r.version.len())
        .max()
        .unwrap_or(0)
        .max(9);
    let mut text = format!(
        "{:width$}  {:v_width$}  {:12}  SUMMARY\n",
        "NAME", "VERSION", "MATURITY"
    );
    for row in &rows {
        let broken = if row.broken.is_empty() {
            String::new()
        } else {
            format!(
                "  [broken, not installable: {}; see `pave show`]",
                row.broken.join(", ")
            )
        };
        let mut marks = String::new();
        if let Some(d) = &row.deprecated {
            marks.push_str(&format!(
                "  [deprecated: {}{}]",
                d.reason,
                d.replacement
                    .as_deref()
                    .map(|u| format!("; use {u}"))
                    .unwrap_or_default()
            ));
        }
        if !row.entry.yanked.is_empty() {
            let versions: Vec<&str> = row
                .entry
                .yanked
                .iter()
                .map(|y| y.version.as_str())
                .collect();
            marks.push_str(&format!("  [yanked: {}]", versions.join(", ")));
        }
        text.push_str(&format!(
            "{:width$}  {:v_width$}  {:12}  {}{broken}{marks}\n",
            name(row),
            row.version,
            row.entry.maturity.as_str(),
            row.entry.summary
        ));
    }
    say!("{}", text.trim_end_matches('\n'));
    Ok(code)
}

/// One registry's rows: names and summaries from its index, the newest usable release from
/// its versions, and the broken releases (for git registries, a tag's manifest is read for
/// its name and version only).
fn rows_of(source: &dyn BlueprintSource, tag: Option<&str>) -> Result<Vec<Row>> {
    let index = source.index()?;
    let mut rows = Vec::new();
    for entry in index.blueprints {
        // Tags match as `show` prints them, whatever their case.
        if tag.is_some_and(|t| !entry.tags.iter().any(|x| x.eq_ignore_ascii_case(t))) {
            continue;
        }
        let versions = source.versions(&entry.name)?;
        let broken = source
            .broken(&entry.name)?
            .iter()
            .map(|b| b.version.to_string())
            .collect();
        // The version `new` would pick: yanked ones are skipped.
        let usable: Vec<&semver::Version> =
            versions.iter().filter(|v| !entry.is_yanked(v)).collect();
        let latest = usable
            .iter()
            .copied()
            .filter(|v| v.pre.is_empty())
            .max()
            .or(usable.iter().copied().max());
        let deprecated = latest.and_then(|v| entry.deprecation(v)).cloned();
        rows.push(Row {
            registry: source.name().to_string(),
            version: latest
                .map(ToString::to_string)
                .unwrap_or_else(|| String::from("-")),
            entry,
            broken,
            deprecated,
        });
    }
    Ok(rows)
}
