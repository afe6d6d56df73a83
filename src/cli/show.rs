//! `pave show`: one blueprint's summary, versions, parameters and changelog.

use super::{Output, args::ShowArgs, print_json, source};
use crate::manifest::Parameter;
use crate::registry::registries::is_explicit_folder;
use anyhow::Result;
use serde_json::{Value, json};
use std::process::ExitCode;

pub(crate) fn run(out: &Output, args: ShowArgs) -> Result<ExitCode> {
    let (loaded, versions, broken, entry, registry_name) = if is_explicit_folder(&args.blueprint) {
        let loaded = source::load(out, &args.blueprint, None)?;
        let version = loaded.blueprint.version().to_string();
        (loaded, vec![version], Vec::new(), None, None)
    } else {
        let resolved = source::resolve(out, &args.blueprint, args.registry.as_deref())?;
        let versions: Vec<String> = resolved
            .source()
            .versions(&resolved.name)?
            .iter()
            .map(ToString::to_string)
            .collect();
        let broken = resolved.source().broken(&resolved.name)?;
        let entry = resolved
            .source()
            .index()?
            .blueprints
            .into_iter()
            .find(|e| e.name == resolved.name);
        let name = resolved.source().name().to_string();
        (resolved.load()?, versions, broken, entry, Some(name))
    };
    let m = &loaded.blueprint.manifest;
    // The registry's index says how mature a blueprint is, who keeps it and its tags (the
    // ones `list --tag` matches); a folder has no index, so its manifest's tags are shown.
    let tags = entry.as_ref().map_or(&m.tags, |e| &e.tags);
    let maturity = entry.as_ref().map(|e| e.maturity.as_str());
    let owners: &[String] = entry.as_ref().map_or(&[], |e| &e.owners);
    let deprecated: &[crate::manifest::Deprecation] = entry.as_ref().map_or(&[], |e| &e.deprecated);
    let yanked: &[crate::manifest::Yank] = entry.as_ref().map_or(&[], |e| &e.yanked);
    let this_deprecated = entry.as_ref().and_then(|e| e.deprecation(&m.version));
    let this_yanked = entry.as_ref().and_then(|e| e.yank(&m.version));
    if args.json {
        let params: Vec<Value> = m.parameters.iter().map(param_json).collect();
        return print_json(&json!({
            "registry": loaded.registry, "name": m.name, "version": m.version.to_string(),
            "summary": m.summary, "description": m.description, "tags": tags,
            "maturity": maturity, "owners": owners,
            "versions": versions, "parameters": params,
            "deprecated": deprecated.iter().map(|d| json!({"versions": d.versions, "reason": d.reason, "use": d.replacement})).collect::<Vec<_>>(),
            "yanked": yanked,
            "this_version": {"deprecated": this_deprecated.is_some(), "yanked": this_yanked.is_some()},
            "broken": broken.iter().map(|b| json!({"version": b.version.to_string(), "reason": b.reason})).collect::<Vec<_>>(),
            "rules": m.rules.iter().map(|r| json!({"when": r.when, "error": r.error})).collect::<Vec<_>>(),
            "derived_from": m.derived_from,
            "changelog": loaded.blueprint.changelog,
        }))
        .map(|()| ExitCode::SUCCESS);
    }
    // The registry as the user knows it: its configured name, else its URL (or the folder).
    let registry = registry_name.as_deref().unwrap_or(&loaded.registry);
    say!("{} {}  ({})", m.name, m.version, registry);
    say!("{}", m.summary);
    if let Some(description) = &m.description {
        say!("\n{}", description.trim_end());
    }
    say!();
    if let Some(maturity) = maturity {
        say!("maturity: {maturity}");
    }
    if !owners.is_empty() {
        say!("owners: {}", owners.join(", "));
    }
    if let Some(from) = &m.derived_from {
        say!("derived from: {from}");
    }
    if !tags.is_empty() {
        say!("tags: {}", tags.join(", "));
    }
    let marked: Vec<String> = versions
        .iter()
        .map(|v| match semver::Version::parse(v) {
            Ok(parsed) if entry.as_ref().is_some_and(|e| e.is_yanked(&parsed)) => {
                format!("{v} (yanked)")
            }
            _ => v.clone(),
        })
        .collect();
    say!("versions: {}", marked.join(", "));
    if let Some(d) = this_deprecated {
        say!(
            "DEPRECATED: {} {}: {}{}",
            m.name,
            m.version,
            d.reason,
            d.replacement
                .as_deref()
                .map(|u| format!("; use {u} instead"))
                .unwrap_or_default()
        );
    }
    for d in deprecated {
        say!(
            "deprecated ({}): {}{}",
            d.versions,
            d.reason,
            d.replacement
                .as_deref()
                .map(|u| format!(" (use {u})"))
                .unwrap_or_default()
        );
    }
    for y in yanked {
        say!("yanked {}: {}", y.version, y.reason);
    }
    for b in &broken {
        say!("broken (not installable): {b}");
    }
    say!("\nParameters (asked in this order):");
    for p in &m.parameters {
        say!("  {}  ({}){}", p.name, describe_type(p), default_text(p));
        if let Some(help) = p.help.as_deref().or(p.prompt.as_deref()) {
            say!("      {help}");
        }
        if let Some(when) = &p.when {
            say!("      only when {when}");
        }
    }
    if !m.rules.is_empty() {
        say!("\nRules:");
        for rule in &m.rules {
            say!("  - {}", rule.error.trim());
        }
    }
    if let Some(changelog) = &loaded.blueprint.changelog {
        say!("\n{}", changelog.trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

fn describe_type(p: &Parameter) -> String {
    let mut text = p.kind.as_str().to_string();
    if !p.choices.is_empty() {
        text.push_str(&format!(": {}", p.choices.join(" | ")));
    }
    if let Some(pattern) = &p.pattern {
        text.push_str(&format!(", pattern {pattern}"));
    }
    let what = if p.kind == crate::manifest::ParamType::Integer {
        ""
    } else {
        "length "
    };
    match (p.min, p.max) {
        (Some(min), Some(max)) => text.push_str(&format!(", {what}{min}..={max}")),
        (Some(min), None) => text.push_str(&format!(", {what}>= {min}")),
        (None, Some(max)) => text.push_str(&format!(", {what}<= {max}")),
        (None, None) => {}
    }
    text
}

fn default_text(p: &Parameter) -> String {
    match &p.default {
        Some(Value::String(s)) => format!(" default: {s}"),
        Some(other) => format!(" default: {other}"),
        None => String::from(" required"),
    }
}

fn param_json(p: &Parameter) -> Value {
    json!({
        "name": p.name, "type": p.kind.as_str(), "prompt": p.prompt_text(), "help": p.help,
        "default": p.default, "required": p.default.is_none(), "pattern": p.pattern,
        "min": p.min, "max": p.max, "choices": p.choices, "when": p.when,
    })
}
