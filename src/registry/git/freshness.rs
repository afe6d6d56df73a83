//! When a git registry's cache is cloned, fetched or used as it is: a pure function of what the
//! command wants, what the cache looks like, `--offline`, the fetch interval and whether this
//! process already fetched. No I/O here; [`super::GitSource`] inspects the cache, asks
//! [`decide`], and carries the decision out.

use std::time::Duration;

/// What a command needs from the cache before reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Reading the index, versions or a release: clone when missing or damaged, fetch when
    /// older than the fetch interval.
    Use,
    /// Something asked for (a version, a blueprint, a commit) is missing: fetch once per
    /// process; a failed fetch goes on with the cache.
    Refresh,
    /// `registry sync` / `registry add`: fetch now; a failed fetch is an error.
    Sync,
    /// A read found the cache damaged: clone it again.
    Recover,
}

/// The cache as found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CacheState {
    /// No clone yet.
    Missing,
    /// A clone that cannot be opened or read.
    Damaged,
    /// A usable clone, last fetched `age` ago (unknown when its stamp is missing).
    Ready {
        /// Time since the last fetch.
        age: Option<Duration>,
    },
}

/// Everything the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Situation {
    /// What the command needs.
    pub want: Want,
    /// The cache.
    pub cache: CacheState,
    /// `--offline`.
    pub offline: bool,
    /// How long a cache is trusted.
    pub interval: Duration,
    /// A clone or fetch already ran (or was tried) in this process.
    pub fetched: bool,
}

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Clone into a temporary folder and rename it into place.
    Clone,
    /// Fetch into the existing clone.
    Fetch,
    /// Read the cache as it is.
    UseCache,
    /// The network is needed (nothing cached) but `--offline` forbids it.
    FailOffline,
    /// The cache is damaged (found so, or by a read) and `--offline` forbids cloning it again.
    FailDamaged,
}

/// The one policy.
pub(crate) fn decide(s: Situation) -> Decision {
    match (s.cache, s.want) {
        (CacheState::Missing, _) if s.offline => Decision::FailOffline,
        (CacheState::Missing, _) => Decision::Clone,
        (CacheState::Damaged, _) if s.offline => Decision::FailDamaged,
        (CacheState::Damaged, _) => Decision::Clone,
        (CacheState::Ready { .. }, Want::Recover) if s.offline => Decision::FailDamaged,
        (CacheState::Ready { .. }, Want::Recover) => Decision::Clone,
        (CacheState::Ready { .. }, _) if s.offline => Decision::UseCache,
        (CacheState::Ready { age }, Want::Use) => {
            if age.is_none_or(|a| a > s.interval) {
                Decision::Fetch
            } else {
                Decision::UseCache
            }
        }
        (CacheState::Ready { .. }, Want::Refresh) if s.fetched => Decision::UseCache,
        (CacheState::Ready { .. }, Want::Refresh) => Decision::Fetch,
        (CacheState::Ready { .. }, Want::Sync) => Decision::Fetch,
    }
}

/// Whether a failed fetch may go on with the cached copy (saying how old it is): yes, except
/// when the user asked for a fetch.
pub(crate) fn fetch_failure_tolerated(want: Want) -> bool {
    want != Want::Sync
}

#[cfg(test)]
mod tests {
    use super::*;
    use CacheState::*;
    use Decision::*;
    use Want::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn every_want_against_every_cache() {
        let fresh = Ready { age: Some(MIN) };
        let stale = Ready {
            age: Some(MIN * 10),
        };
        let unstamped = Ready { age: None };
        // want, cache, offline, fetched already -> decision (interval: 5 minutes)
        let table = [
            (Use, Missing, false, false, Clone),
            (Use, Missing, true, false, FailOffline),
            (Use, Damaged, false, false, Clone),
            (Use, Damaged, true, false, FailDamaged),
            (Use, fresh, false, false, UseCache),
            (Use, fresh, true, false, UseCache),
            (Use, stale, false, false, Fetch),
            (Use, stale, false, true, Fetch),
            (Use, stale, true, false, UseCache),
            (Use, unstamped, false, false, Fetch),
            (Use, unstamped, true, false, UseCache),
            (Refresh, Missing, false, false, Clone),
            (Refresh, Missing, true, false, FailOffline),
            (Refresh, Damaged, false, false, Clone),
            (Refresh, Damaged, true, false, FailDamaged),
            (Refresh, fresh, false, false, Fetch),
            (Refresh, fresh, false, true, UseCache),
            (Refresh, stale, false, false, Fetch),
            (Refresh, stale, false, true, UseCache),
            (Refresh, fresh, true, false, UseCache),
            (Sync, Missing, false, false, Clone),
            (Sync, Missing, true, false, FailOffline),
            (Sync, Damaged, false, false, Clone),
            (Sync, Damaged, true, false, FailDamaged),
            (Sync, fresh, false, false, Fetch),
            (Sync, fresh, false, true, Fetch),
            (Sync, stale, false, false, Fetch),
            (Sync, fresh, true, false, UseCache),
            (Recover, Missing, false, false, Clone),
            (Recover, Missing, true, false, FailOffline),
            (Recover, Damaged, false, false, Clone),
            (Recover, Damaged, true, false, FailDamaged),
            (Recover, fresh, false, false, Clone),
            (Recover, fresh, false, true, Clone),
            (Recover, fresh, true, false, FailDamaged),
        ];
        for (want, cache, offline, fetched, expected) in table {
            let situation = Situation {
                want,
                cache,
                offline,
                interval: MIN * 5,
                fetched,
            };
            assert_eq!(decide(situation), expected, "{situation:?}");
        }
    }

    #[test]
    fn only_a_sync_fails_on_a_failed_fetch() {
        assert!(fetch_failure_tolerated(Use));
        assert!(fetch_failure_tolerated(Refresh));
        assert!(!fetch_failure_tolerated(Sync));
    }
}
