//! How the command line shows what git registries report: an indicatif progress bar on stderr
//! for clones, fetches and pushes, from git's progress (only on a terminal and without
//! `--quiet`), and notices as lines on
//! stderr (waiting for another process, going on with an old cache).

pub(crate) use crate::registry::events::human_duration;
use crate::registry::events::{Notice, Reporter, TransferKind, TransferProgress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// Draws progress and prints notices on stderr.
pub(crate) struct TerminalReporter {
    quiet: bool,
    draw: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl TerminalReporter {
    pub(crate) fn new(quiet: bool) -> Self {
        TerminalReporter {
            quiet,
            draw: !quiet && std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }

    fn with_bar(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        if let Ok(mut bar) = self.bar.lock() {
            f(&mut bar);
        }
    }
}

impl Reporter for TerminalReporter {
    fn transfer_started(&self, registry: &str, url: &str, kind: TransferKind) {
        if !self.draw {
            return;
        }
        let verb = match kind {
            TransferKind::Clone => "cloning",
            TransferKind::Fetch => "fetching",
            TransferKind::Push => "pushing to",
        };
        // Hidden until git reports progress: before that git may be asking for credentials
        // on the terminal, and a spinner would draw over its prompt.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{spinner} {msg} {wide_bar} {pos}/{len} objects, {binary_bytes}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(format!("{verb} {registry} ({url})"));
        self.with_bar(|slot| *slot = Some(bar));
    }

    fn transfer_progress(&self, _registry: &str, progress: &TransferProgress) {
        self.with_bar(|slot| {
            if let Some(bar) = slot {
                if bar.is_hidden() {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
                bar.set_length(progress.total_objects as u64);
                bar.set_position(progress.received_objects as u64);
            }
        });
    }

    fn transfer_finished(&self, _registry: &str) {
        self.with_bar(|slot| {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        });
    }

    fn notice(&self, notice: &Notice) {
        let note = match notice {
            Notice::WaitingForLock { registry } => format!(
                "pave: waiting for another pave process using the cache of registry `{registry}`..."
            ),
            Notice::UsingCache { age, cause, .. } => {
                let age = match age {
                    Some(age) => format!("last fetched {} ago", human_duration(*age)),
                    None => String::from("of unknown age"),
                };
                // A warning, said even with --quiet.
                eprintln!("warning: {cause}\n  going on offline with the cached copy, {age}");
                return;
            }
            Notice::Shadowed { used, over } => {
                let over = over
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "note: using `{used}`, which shadows {over}; name the registry to choose another"
                )
            }
            Notice::Recloning { registry, cause } => format!(
                "note: the cached copy of registry `{registry}` is damaged ({cause}); cloning it again"
            ),
        };
        if !self.quiet {
            eprintln!("{note}");
        }
    }
}
