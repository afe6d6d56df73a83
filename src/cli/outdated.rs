//! `pave outdated`: one row per project found (the folders given, or below them with
//! `--recursive`): registry, blueprint, recorded version, newest in the same major, newest,
//! deprecated/yanked, drift and how many of the feedback items the project sent a newer version
//! addresses (each named below its row), as an aligned table or JSON. Exit 1 when any project is behind
//! (in its major, or a newer major released), deprecated, yanked or could not be checked.

use super::{Output, args::OutdatedArgs, exit_code, print_json, source};
use crate::feedback::spool::{self, SentLog};
use crate::outdated::{Checker, Row, find_projects};
use anyhow::Result;
use semver::Version;
use std::path::PathBuf;
use std::process::ExitCode;

pub(crate) fn run(out: &Output, args: OutdatedArgs) -> Result<ExitCode> {
    let roots = if args.dirs.is_empty() && !args.recursive {
        // The project the current folder is in, else the current folder (not a project).
        vec![crate::project::locate(None)?]
    } else if args.dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    let projects = find_projects(&roots, args.recursive)?;
    let registries = source::registries(out)?;
    let mut checker = Checker::new(&registries);
    match spool::state_dir() {
        Ok(state) => checker = checker.with_sent(SentLog::in_state(&state)),
        Err(e) => out.note(format!(
            "cannot tell which of your feedback newer versions address: {e}"
        )),
    }
    let rows: Vec<Row> = projects.iter().map(|dir| checker.check(dir)).collect();
    let code = exit_code(rows.iter().any(Row::needs_attention), ExitCode::FAILURE);
    if args.json {
        print_json(&rows)?;
        return Ok(code);
    }
    if rows.is_empty() {
        out.note(format!(
            "no projects (folders holding .pave.yaml) under {}",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return Ok(code);
    }
    print_table(&rows);
    Ok(code)
}

fn version(v: Option<&Version>) -> String {
    v.map_or_else(|| String::from("-"), Version::to_string)
}

fn print_table(rows: &[Row]) {
    let header = [
        "PATH",
        "REGISTRY",
        "BLUEPRINT",
        "VERSION",
        "MAJOR",
        "NEWEST",
        "STATUS",
        "DRIFT",
        "ADDRESSED",
    ];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            let status = r.statuses();
            [
                r.path.display().to_string(),
                r.registry.clone(),
                r.blueprint.clone(),
                version(r.version.as_ref()),
                version(r.newest_in_major.as_ref()),
                version(r.newest.as_ref()),
                status.join(","),
                r.drift.map_or_else(|| String::from("-"), |d| d.to_string()),
                if r.addressed.is_empty() {
                    String::from("-")
                } else {
                    r.addressed.len().to_string()
                },
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  "));
            }
        }
        text
    };
    say!("{}", line(&header.map(String::from)));
    for (row, cell) in rows.iter().zip(&cells) {
        say!("{}", line(cell));
        for note in &row.notes {
            say!("  {note}");
        }
        if let Some(error) = &row.error {
            say!("  error: {error}");
        }
        for a in &row.addressed {
            say!(
                "  {} addresses your feedback {}: '{}'",
                a.version,
                a.id,
                a.message
            );
        }
    }
}
