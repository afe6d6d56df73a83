//! The only shell: parses the command line, prompts, prints, and maps errors to exit codes
//! (0 success, 1 error, 2 usage). One module per command group.

/// Prints a line on stdout; a closed pipe (`pave list | head -1`) ends the process quietly.
macro_rules! say {
    () => { $crate::cli::write_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::cli::write_line(format_args!($($arg)*)) };
}

mod args;
mod blueprint;
mod credentials;
mod feedback;
mod list;
mod new;
mod progress;
mod prompt;
mod registry;
mod show;
mod source;

use anyhow::Result;
use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use std::process::ExitCode;

pub use args::Cli as Arguments;

/// An error the user's command line caused: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs pave with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            let mut shown = err.to_string();
            for cause in err.chain().skip(1) {
                let text = cause.to_string();
                // Errors that wrap another often print it already; say each cause once.
                if !shown.contains(&text) {
                    eprintln!("  caused by: {text}");
                    shown.push_str(&text);
                }
            }
            ExitCode::from(exit_code(&err))
        }
    }
}

fn exit_code(err: &anyhow::Error) -> u8 {
    let usage = err.chain().any(|e| {
        e.is::<UsageError>()
            || e.downcast_ref::<crate::answers::AnswerError>()
                .is_some_and(|a| a.is_usage())
            || e.downcast_ref::<crate::generate::GenerateError>()
                .is_some_and(
                    |g| matches!(g, crate::generate::GenerateError::Answers(a) if a.is_usage()),
                )
            || matches!(
                e.downcast_ref::<crate::registry::RegistryError>(),
                Some(crate::registry::RegistryError::BadRequirement { .. })
            )
            || matches!(
                e.downcast_ref::<crate::config::ConfigError>(),
                Some(
                    crate::config::ConfigError::BadName(_)
                        | crate::config::ConfigError::Reserved
                        | crate::config::ConfigError::Unknown { .. }
                )
            )
    });
    if usage { 2 } else { 1 }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let out = Output {
        quiet: cli.quiet,
        offline: cli.offline,
    };
    match cli.command {
        Command::List(args) => list::run(&out, args),
        Command::Show(args) => show::run(&out, args),
        Command::New(args) => new::run(&out, args),
        Command::Blueprint(cmd) => blueprint::run(&out, cmd),
        Command::Registry(args) => registry::run(&out, args),
        Command::Feedback(cmd) => feedback::run(&out, cmd),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "pave", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
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
    pub fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<()> {
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
