//! `pave diff`: the project against the pristine render of its recorded version, or (`--to`)
//! the blueprint's own change between the recorded version and a target one; as a patch, per-
//! file counts (`--stat`) or JSON. `--exit-code` makes a difference exit 1. Without DIR, the
//! project the current folder is in; `-- PATH...` limits the diff to those paths.

use super::{Output, args::DiffArgs, exit_code, print_json, source};
use crate::error::UsageError;
use crate::project::diff::{Limit, ProjectDiffOptions, blueprint_change, project_diff};
use anyhow::Result;
use semver::VersionReq;
use std::process::ExitCode;

pub(crate) fn run(out: &Output, args: DiffArgs) -> Result<ExitCode> {
    let dir = crate::project::locate(args.dir.as_deref())?;
    let limit = Limit::new(&dir, &std::env::current_dir()?, &args.paths)?;
    let registries = source::registries(out)?;
    let diff = match &args.to {
        Some(req) => {
            let req = VersionReq::parse(req).map_err(|e| {
                UsageError(format!(
                    "--to `{req}` is not a version requirement: {e} (examples: --to 1.4, --to ^2, --to '*')"
                ))
            })?;
            blueprint_change(&registries, &dir, &req, &limit)?
        }
        None => project_diff(&registries, &dir, ProjectDiffOptions::default(), &limit)?,
    };
    if args.json {
        print_json(&serde_json::to_value(&diff)?)?;
    } else if diff.is_empty() {
        out.note(format!(
            "no differences between {} and {}",
            diff.old, diff.new
        ));
    } else if args.stat {
        print_text(&diff.stat());
    } else {
        print_text(&diff.unified());
    }
    Ok(exit_code(
        args.exit_code && !diff.is_empty(),
        ExitCode::FAILURE,
    ))
}

/// Prints text that ends with a newline, through `say!` (a closed pipe ends quietly).
fn print_text(text: &str) {
    say!("{}", text.strip_suffix('\n').unwrap_or(text));
}
