//! `pave list`: the blueprints of a registry, as a table or JSON.

use super::{Output, args::ListArgs, print_json};
use crate::registry::{BlueprintSource, builtin::Builtin};
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

pub(crate) fn run(_out: &Output, args: ListArgs) -> Result<ExitCode> {
    let source = Builtin;
    let index = source.index()?;
    let mut rows = Vec::new();
    for entry in &index.blueprints {
        if args.tag.as_ref().is_some_and(|t| !entry.tags.contains(t)) {
            continue;
        }
        let versions = source.versions(&entry.name)?;
        let latest = versions
            .iter()
            .filter(|v| v.pre.is_empty())
            .max()
            .or(versions.iter().max());
        rows.push((
            entry,
            latest
                .map(ToString::to_string)
                .unwrap_or_else(|| String::from("-")),
        ));
    }
    if args.json {
        let items: Vec<_> = rows
            .iter()
            .map(|(e, v)| {
                json!({
                    "registry": source.name(), "name": e.name, "version": v, "summary": e.summary,
                    "tags": e.tags, "maturity": e.maturity.as_str(), "owners": e.owners,
                })
            })
            .collect();
        return print_json(&json!(items)).map(|()| ExitCode::SUCCESS);
    }
    let width = rows
        .iter()
        .map(|(e, _)| e.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    say!(
        "{:width$}  {:9}  {:12}  SUMMARY",
        "NAME",
        "VERSION",
        "MATURITY"
    );
    for (entry, version) in &rows {
        say!(
            "{:width$}  {:9}  {:12}  {}",
            entry.name,
            version,
            entry.maturity.as_str(),
            entry.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}
