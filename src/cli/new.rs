//! `pave new`: resolve answers (flags, answers file, prompts on a terminal), render, then print
//! the plan (`--dry-run`) or apply it atomically, Ctrl-C included. It refuses to write over a
//! pave project (that is `pave update`'s job), and `--git` commits only where it would not
//! nest a repository in another work tree.

use super::{
    Output, UsageError, args::NewArgs, interrupt, print_json, prompt::TerminalPrompter, source,
};
use crate::answers::{self, Prompter, Supplied};
use crate::blueprint::Entry;
use crate::generate;
use crate::manifest::{IndexEntry, Maturity, Yank};
use crate::plan::{self, Action, ApplyOptions, WritePlan};
use crate::project;
use crate::registry::registries::is_explicit_folder;
use crate::registry::{Loaded, Resolved};
use anyhow::{Context, Result};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The answers given on the command line: `--defaults`, the `--set` pairs and the
/// `--answers` file (`new` and `update`).
pub(super) fn supplied(defaults: bool, set: &[String], file: Option<&Path>) -> Result<Supplied> {
    let mut supplied = Supplied {
        defaults,
        ..Supplied::default()
    };
    for pair in set {
        supplied.set.push(answers::parse_set(pair)?);
    }
    if let Some(file) = file {
        let text = fs_err::read_to_string(file).map_err(|e| UsageError(e.to_string()))?;
        supplied.file = answers::parse_answers_file(&text, &file.display().to_string())
            .map_err(|e| UsageError(e.to_string()))?;
    }
    Ok(supplied)
}

pub(crate) fn run(out: &Output, args: NewArgs) -> Result<ExitCode> {
    interrupt::install();
    let mut warnings = Vec::new();
    let mut yanked = None;
    // The registry as the user knows it: its configured name, else its URL (or the folder).
    let mut registry_name = None;
    let loaded = if is_explicit_folder(&args.blueprint) {
        source::load(out, &args.blueprint, args.registry.as_deref())?
    } else {
        let resolved = source::resolve(out, &args.blueprint, args.registry.as_deref())?;
        if let Ok(entry) = resolved.source().entry(&resolved.name) {
            yanked = entry.yank(&resolved.version).cloned();
            warnings = registry_warnings(&resolved, &entry);
        }
        for warning in &warnings {
            eprintln!("warning: {warning}");
        }
        registry_name = Some(resolved.source().name().to_string());
        resolved.load()?
    };
    if let Some(dir) = &args.dir {
        refuse_pave_project(dir)?;
    }
    let supplied = Supplied {
        folder_name: args.dir.as_deref().and_then(folder_name),
        ..supplied(args.defaults, &args.set, args.answers.as_deref())?
    };
    let mut terminal = TerminalPrompter::when_interactive();
    let prompter = terminal.as_mut().map(|t| t as &mut dyn Prompter);
    let generated = generate::generate(&loaded, &supplied, prompter)?;
    for warning in generated.answers.warnings() {
        eprintln!("warning: {warning}");
        warnings.push(warning.to_string());
    }
    let notes = Notes {
        warnings: &warnings,
        yanked: yanked.as_ref(),
    };

    let target = match &args.dir {
        Some(dir) => dir.clone(),
        None => PathBuf::from(
            generated
                .answers
                .get("project_name")
                .and_then(|v| v.as_str())
                .unwrap_or(loaded.blueprint.name()),
        ),
    };
    if args.dir.is_none() {
        refuse_pave_project(&target)?;
    }
    let recorded = generated.answers.recorded();
    let plan = plan::plan(&target, generated.tree, args.force)?;
    let bp = &loaded.blueprint;
    if !args.dry_run {
        let message = format!(
            "Create {} from {} {}",
            target.display(),
            bp.name(),
            bp.version()
        );
        let git_init = |dir: &std::path::Path| {
            crate::vcs::init_and_commit(dir, &message).map_err(|e| format!("git init failed: {e}"))
        };
        let enclosing = args
            .git
            .then(|| crate::vcs::enclosing_work_tree(&target))
            .flatten();
        if let Some(outer) = &enclosing {
            eprintln!(
                "note: {} is inside the git work tree {}; no repository was made in it (add and commit the files there when ready)",
                target.display(),
                outer.display()
            );
        }
        let options = ApplyOptions {
            cancel: Some(interrupt::cancel_flag()),
            finish: if args.git && enclosing.is_none() {
                Some(&git_init)
            } else {
                None
            },
        };
        let applied = interrupt::applying(|| plan.apply(&options));
        applied.with_context(|| format!("nothing was written to {}", target.display()))?;
    }
    if args.json {
        print_json(&plan_json(&plan, &loaded, &recorded, &notes, args.dry_run))?;
    } else if args.dry_run {
        print_plan(&plan);
    } else {
        let plan::Counts {
            create: created,
            overwrite: overwritten,
            ..
        } = plan.counts();
        say!(
            "Created {} from {} {} ({}): {} file(s) written{}.",
            target.display(),
            bp.name(),
            bp.version(),
            registry_name.as_deref().unwrap_or(&loaded.registry),
            created + overwritten,
            if overwritten > 0 {
                format!(", {overwritten} overwritten")
            } else {
                String::new()
            }
        );
        print_next_steps(out, &target, &generated.next_steps);
    }
    Ok(ExitCode::SUCCESS)
}

/// The blueprint's next steps, after `cd` into the project (only pave knows the folder).
fn print_next_steps(out: &Output, target: &std::path::Path, steps: &[String]) {
    if steps.is_empty() {
        return;
    }
    out.note("\nNext steps:");
    out.note(format!("  cd {}", target.display()));
    for step in steps {
        out.note(format!("  {step}"));
    }
}

/// What the registry says about the version `new` is about to use: deprecated (with the
/// replacement), yanked (only an exact pin reaches a yanked version) and an experimental or
/// deprecated blueprint. Each names the registry by [`BlueprintSource::name`]: the configured
/// name, else the URL without credentials.
///
/// [`BlueprintSource::name`]: crate::registry::BlueprintSource::name
fn registry_warnings(resolved: &Resolved, entry: &IndexEntry) -> Vec<String> {
    let (name, version) = (&resolved.name, &resolved.version);
    let registry = resolved.source().name();
    let mut warnings = Vec::new();
    if let Some(d) = entry.deprecation(version) {
        warnings.push(format!(
            "{name} {version} is deprecated in registry {registry}: {}{}",
            d.reason,
            d.replacement
                .as_deref()
                .map(|u| format!("; use {u} instead"))
                .unwrap_or_default()
        ));
    }
    if let Some(y) = entry.yank(version) {
        warnings.push(format!(
            "{name} {version} is yanked in registry {registry}: {}; it is used only because the version is pinned exactly (`{name}@={version}`)",
            y.reason
        ));
    }
    let why = match entry.maturity {
        Maturity::Experimental => Some("it may change without notice"),
        Maturity::Deprecated => {
            Some("it is kept for existing projects; new projects should use another blueprint")
        }
        Maturity::Recommended => None,
    };
    if let Some(why) = why {
        warnings.push(format!(
            "{name} is {} in registry {registry}: {why}",
            entry.maturity.as_str()
        ));
    }
    warnings
}

/// A folder that holds `.pave.yaml` is a project: rendering over it with other answers would
/// leave the old answers' files behind, so `new` refuses (with or without `--force`).
fn refuse_pave_project(dir: &Path) -> Result<()> {
    if dir.join(project::FILE_NAME).is_file() {
        return Err(UsageError(format!(
            "{} is already a pave project (it has {}); `pave new` does not write over one. To change its answers, run `pave update --set key=value` in it, which also removes files the new answers no longer need",
            dir.display(),
            project::FILE_NAME
        ))
        .into());
    }
    Ok(())
}

/// The name of the folder a project goes to (`.` is the current folder's name).
fn folder_name(dir: &Path) -> Option<String> {
    let absolute = std::path::absolute(dir).ok()?;
    absolute.file_name()?.to_str().map(str::to_string)
}

/// The warnings of a run (registry's, then answers'), and the yank record of the version used.
struct Notes<'a> {
    warnings: &'a [String],
    yanked: Option<&'a Yank>,
}

fn plan_json(
    plan: &WritePlan,
    loaded: &Loaded,
    answers: &serde_json::Map<String, serde_json::Value>,
    notes: &Notes,
    dry_run: bool,
) -> serde_json::Value {
    let files: Vec<_> = plan
        .files
        .iter()
        .map(|f| json!({"path": f.path, "action": f.action.as_str(), "bytes": f.entry.as_ref().map_or(0, |e| e.bytes().len())}))
        .collect();
    json!({
        "target": plan.target.display().to_string(), "registry": loaded.registry,
        "blueprint": loaded.blueprint.name(), "version": loaded.blueprint.version().to_string(),
        "answers": answers, "dry_run": dry_run, "files": files,
        "warnings": notes.warnings,
        "yanked": notes.yanked.map(|y| json!({"version": y.version, "reason": y.reason})),
    })
}

fn print_plan(plan: &WritePlan) {
    say!(
        "Plan for {} (dry run: nothing is written)",
        plan.target.display()
    );
    for file in &plan.files {
        say!(
            "  {:9}  {}  ({} bytes)",
            file.action.as_str(),
            file.path,
            file.entry.as_ref().map_or(0, |e| e.bytes().len())
        );
        if file.action == Action::Overwrite
            && let (Some(Entry::File { data: old, .. }), Some(Entry::File { data, .. })) =
                (&file.old, &file.entry)
        {
            let old = String::from_utf8_lossy(old);
            let new = String::from_utf8_lossy(data);
            let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
            let text = diff
                .unified_diff()
                .context_radius(2)
                .header(&file.path, &file.path)
                .to_string();
            for line in text.lines() {
                say!("      {line}");
            }
        }
    }
    let plan::Counts {
        create: c,
        overwrite: o,
        unchanged: u,
        ..
    } = plan.counts();
    say!("{c} to create, {o} to overwrite, {u} unchanged.");
}
