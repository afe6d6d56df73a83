//! Freezes a built-in blueprint folder as `history/<blueprint>/<version>.txt`, the copy that
//! keeps that release loadable from the binary after the folder moves on. Run it through
//! `scripts/freeze-builtin`, which documents the arguments; docs/releasing-builtin.md says when.
//!
//! Usage: freeze-builtin <repository root> <blueprint> <folder> [--force]

#![allow(clippy::print_stdout, clippy::print_stderr)]

use pave::blueprint::Blueprint;
use pave::registry::builtin::{HISTORY_DIR, frozen, released_versions, write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let force = args.iter().any(|a| a == "--force");
    let positional: Vec<&String> = args.iter().filter(|a| *a != "--force").collect();
    let [root, blueprint, folder] = positional[..] else {
        return Err(String::from(
            "usage: freeze-builtin <repository root> <blueprint> <folder> [--force]",
        ));
    };
    let text = write::freeze_folder(Path::new(folder)).map_err(|e| format!("{folder}: {e}"))?;
    // What is frozen must load as that blueprint, exactly as the binary will read it.
    let files = frozen::decode(&text, folder).map_err(|e| e.to_string())?;
    let bp = Blueprint::from_tree(folder, files).map_err(|e| e.to_string())?;
    if bp.name() != blueprint {
        return Err(format!(
            "{folder} holds blueprint `{}`, not `{blueprint}`",
            bp.name()
        ));
    }
    let version = bp.version().to_string();
    if !released_versions(bp.changelog.as_deref().unwrap_or_default()).contains(bp.version()) {
        return Err(format!(
            "{folder}/CHANGELOG.md has no `## {version}` section; a release is described before it is frozen"
        ));
    }
    let target: PathBuf = [
        root.as_str(),
        HISTORY_DIR,
        blueprint,
        &format!("{version}.txt"),
    ]
    .iter()
    .collect();
    let shown = format!("{HISTORY_DIR}/{blueprint}/{version}.txt");
    match std::fs::read_to_string(&target) {
        Ok(old) if old == text => return Ok(format!("{shown} is already up to date")),
        Ok(_) if !force => {
            return Err(format!(
                "{shown} exists and differs from {folder}: version {version} was released as frozen; \
                 give the changed blueprint a new version (docs/releasing-builtin.md), or pass --force \
                 if {version} was never part of a pave release"
            ));
        }
        _ => {}
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&target, &text).map_err(|e| format!("{shown}: {e}"))?;
    Ok(format!("froze {blueprint} {version} into {shown}"))
}
