//! What the registries tell their caller while they work: transfer progress of a clone or
//! fetch, and notices (waiting for another process's lock, going on with an old cache, a
//! configured registry's blueprint chosen over a built-in or lower-priority one). The library
//! reports through the [`Reporter`] trait and never prints; the command line draws and prints.

use std::time::Duration;

/// A clone or a fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    /// The first download of a registry into the cache.
    Clone,
    /// Bringing a cached registry up to date.
    Fetch,
    /// Sending refs to the registry.
    Push,
}

/// How far a transfer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransferProgress {
    /// Objects the server will send.
    pub total_objects: usize,
    /// Objects received so far.
    pub received_objects: usize,
    /// Objects indexed so far.
    pub indexed_objects: usize,
    /// Bytes received so far.
    pub received_bytes: usize,
}

/// Something the user should know that is not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Another process holds the registry's cache lock; this one waits for it.
    WaitingForLock {
        /// The registry's name.
        registry: String,
    },
    /// The registry could not be fetched; the cached copy is used as it is.
    UsingCache {
        /// The registry's name.
        registry: String,
        /// Its URL, without credentials.
        url: String,
        /// How long ago the cache was last fetched, when known.
        age: Option<Duration>,
        /// Why the fetch failed (no credentials in it).
        cause: String,
    },
    /// An unqualified name was found in several registries and the highest-ranked one used: a
    /// configured registry over `builtin`, or a higher priority over a lower one.
    Shadowed {
        /// `<registry>/<blueprint>` that is used.
        used: String,
        /// `<registry>/<blueprint>` of each one it shadows.
        over: Vec<String>,
    },
    /// The cached copy was damaged and is being cloned again.
    Recloning {
        /// The registry's name.
        registry: String,
        /// What was wrong with it.
        cause: String,
    },
}

/// Receives progress and notices. Every method has an empty default.
pub trait Reporter: Send + Sync {
    /// A clone or fetch starts.
    fn transfer_started(&self, _registry: &str, _url: &str, _kind: TransferKind) {}
    /// A clone or fetch advanced.
    fn transfer_progress(&self, _registry: &str, _progress: &TransferProgress) {}
    /// A clone or fetch ended (successfully or not).
    fn transfer_finished(&self, _registry: &str) {}
    /// Something to tell the user.
    fn notice(&self, _notice: &Notice) {}
}

/// A reporter that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Reporter for Silent {}

/// `42 seconds`, `5 minutes`, `3 hours`, `2 days`.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = match secs {
        0..=119 => (secs, "second"),
        120..=7_199 => (secs / 60, "minute"),
        7_200..=172_799 => (secs / 3_600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::human_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_secs(1)), "1 second");
        assert_eq!(human_duration(Duration::from_secs(90)), "90 seconds");
        assert_eq!(human_duration(Duration::from_secs(600)), "10 minutes");
        assert_eq!(human_duration(Duration::from_secs(3 * 3600)), "3 hours");
        assert_eq!(human_duration(Duration::from_secs(5 * 86_400)), "5 days");
    }
}
