//! The only shell: parses the command line, prompts, prints, and maps errors to exit codes
//! (0 success, 1 error, 2 usage). One module per command group.

// The shell is the one place that talks to the terminal and ends the process; the crate denies
// these lints everywhere else (Cargo.toml), so a library module that prints does not compile.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

/// Prints a line on stdout; a closed pipe (`pave list | head -1`) ends the process quietly.
macro_rules! say {
    () => { $crate::cli::write_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::cli::write_line(format_args!($($arg)*)) };
}

mod args;
mod blueprint;
mod complete;
mod deprecate;
mod diff;
mod errors;
mod feedback;
mod interrupt;
mod list;
mod new;
mod outdated;
mod progress;
mod prompt;
mod publish;
mod registry;
mod show;
mod source;
mod update;

use anyhow::Result;
use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

pub use args::Cli as Arguments;

pub use crate::error::UsageError;

/// Runs pave with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_failed(&e),
    };
    let json = wants_json();
    match run(cli) {
        Ok(code) => code,
        Err(err) => report(&err, json),
    }
}

/// Whether the command was asked for JSON output, so that its error is JSON too. Every
/// command that takes `--json` means the same by it, so the flag is looked for among the
/// arguments (before a `--`) rather than per command.
fn wants_json() -> bool {
    std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

/// Prints an error and returns its exit code, which its kind decides (1 failure, 2 usage).
/// On a terminal: the message, each cause not already said, and the hint when the message
/// does not hold it. With `--json`: one `{"error": ...}` object on stdout ([`error_json`]).
fn report(err: &anyhow::Error, json: bool) -> ExitCode {
    let (kind, hint) = errors::classify_chain(err.chain());
    let mut lines: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        // Errors that wrap another often print it already; say each cause once.
        if !lines.iter().any(|shown| shown.contains(&text)) {
            lines.push(text);
        }
    }
    if json {
        say!("{}", error_json(kind, &lines.join(": "), hint.as_deref()));
    } else {
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                eprintln!("error: {line}");
            } else {
                eprintln!("  caused by: {line}");
            }
        }
        if let Some(hint) = hint.filter(|h| !lines.iter().any(|shown| shown.contains(h))) {
            eprintln!("  hint: {hint}");
        }
    }
    ExitCode::from(kind.exit_code())
}

/// The JSON form of an error, pretty-printed like every other `--json` output:
/// `{"error": {"kind": "usage" | "failure", "message": "...", "hint": "..." | null}}`.
fn error_json(kind: crate::error::ErrorKind, message: &str, hint: Option<&str>) -> String {
    let value = serde_json::json!({
        "error": {"kind": kind.as_str(), "message": message, "hint": hint}
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
}

/// A command line clap rejects (exit 2), or `--help`/`--version` (exit 0). When `--json` is
/// among the arguments, the rejection is a JSON error with clap's first line as the message
/// and its tip, if any, as the hint.
fn parse_failed(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if !wants_json() {
        let _ = e.print();
        return ExitCode::from(crate::error::ErrorKind::Usage.exit_code());
    }
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines
        .next()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .unwrap_or("invalid arguments");
    let hint = lines.find_map(|l| l.strip_prefix("tip: "));
    say!(
        "{}",
        error_json(crate::error::ErrorKind::Usage, message, hint)
    );
    ExitCode::from(crate::error::ErrorKind::Usage.exit_code())
}

fn run(cli: Cli) -> Result<ExitCode> {
    let out = Output {
        quiet: cli.quiet,
        offline: cli.offline || cli.command.offline(),
    };
    match cli.command {
        Command::List(args) => list::run(&out, args),
        Command::Show(args) => show::run(&out, args),
        Command::New(args) => new::run(&out, args),
        Command::Update(args) => update::run(&out, args),
        Command::Blueprint(cmd) => blueprint::run(&out, cmd),
        Command::Registry(args) => registry::run(&out, args),
        Command::Completions { shell, .. } => complete::script(shell),
        Command::Man => complete::man(),
        Command::CompleteBlueprints => Ok(complete::blueprints()),
        Command::Feedback(cmd) => feedback::run(&out, cmd),
        Command::Diff(args) => diff::run(&out, args),
        Command::Outdated(args) => outdated::run(&out, args),
        Command::Publish(args) => publish::publish(&out, args),
        Command::Release(args) => publish::release(&out, args),
        Command::Deprecate(args) => deprecate::deprecate(&out, args),
        Command::Yank(args) => deprecate::yank(&out, args),
    }
}

/// The global flags: how much to print, and whether the network may be used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub quiet: bool,
    pub offline: bool,
}

impl Output {
    /// A progress or hint line on stderr, unless quiet.
    pub(crate) fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}

/// `code` when `condition` holds, else success (0).
pub(crate) fn exit_code(condition: bool, code: ExitCode) -> ExitCode {
    if condition { code } else { ExitCode::SUCCESS }
}

/// Whether a person is at a terminal: stdin and stderr both are one. Prompts (answers,
/// credentials, the feedback editor) are offered only then.
pub(crate) fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    say!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Writes one line on stdout. A reader that went away is not an error of pave's: exit 0.
pub(crate) fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}
