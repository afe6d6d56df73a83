//! Ctrl-C and SIGTERM for the commands that write (`new`, `update`): while files are being
//! written the signal cancels the apply, which undoes itself; at any other time nothing has
//! been written, so the process ends at once (130 for Ctrl-C, 143 for SIGTERM), showing the
//! cursor again in case a prompt had hidden it and clearing what a question drew below it.
//!
//! A plain signal handler rather than a watcher thread: a thread costs every run its start-up
//! (stack, heap arena, signal stack) for a signal that almost never comes.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the handler while an apply runs; the apply checks it between steps.
static CANCEL: AtomicBool = AtomicBool::new(false);
/// Whether an apply is under way (the signal cancels it rather than ending the process).
static APPLYING: AtomicBool = AtomicBool::new(false);
/// Whether stderr is a terminal, looked up when the handler is installed.
static TERMINAL: AtomicBool = AtomicBool::new(false);

/// Installs the handler for SIGINT and SIGTERM (installing fails only for a signal that cannot
/// be caught, which these two can).
pub(crate) fn install() {
    TERMINAL.store(console::Term::stderr().is_term(), Ordering::SeqCst);
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the action only loads and stores atomics, calls write(2) and _exit(2), all
        // async-signal-safe; it allocates nothing and takes no lock.
        #[allow(unsafe_code)]
        let _ = unsafe { signal_hook_registry::register(signal, move || on_signal(signal)) };
    }
}

fn on_signal(signal: libc::c_int) {
    if APPLYING.load(Ordering::SeqCst) {
        CANCEL.store(true, Ordering::SeqCst);
        return;
    }
    if TERMINAL.load(Ordering::SeqCst) {
        // The cursor back, a question's help below the cursor cleared, and the shell's prompt
        // on a line of its own (from its start even in raw mode).
        const SHOW_CURSOR: &[u8] = b"\x1b[?25h\x1b[J\r\n";
        // SAFETY: write(2) of a static buffer to stderr; the result does not matter.
        #[allow(unsafe_code)]
        let _ = unsafe {
            libc::write(
                libc::STDERR_FILENO,
                SHOW_CURSOR.as_ptr().cast(),
                SHOW_CURSOR.len(),
            )
        };
    }
    // SAFETY: _exit(2) ends the process without running anything else.
    #[allow(unsafe_code)]
    unsafe {
        libc::_exit(128 + signal)
    }
}

/// The flag the apply checks between steps.
pub(crate) fn cancel_flag() -> &'static AtomicBool {
    &CANCEL
}

/// Runs `apply` with the signal cancelling it instead of ending the process.
pub(crate) fn applying<T>(apply: impl FnOnce() -> T) -> T {
    APPLYING.store(true, Ordering::SeqCst);
    let result = apply();
    APPLYING.store(false, Ordering::SeqCst);
    result
}
