//! When a git registry's cache is cloned, fetched or used as it is: a pure function of what the
//! command wants, what the cache looks like, `--offline`, the fetch interval and whether this
//! process already fetched that registry. No I/O here; [`super::GitSource`] inspects the cache,
//! asks [`decide`], and carries the decision out. After a miss the cache could not answer,
//! [`miss_is_stale`] says whether the error should say how old the cache is.

use std::time::Duration;

/// What a command needs from the cache before reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Reading the index, versions or a release: clone when missing or damaged, fetch when
    /// older than the fetch interval.
    Use,
    /// An answer read from the cache is a miss (no such blueprint, version, commit, feedback
    /// sink or feedback item): fetch, unless this process fetched the registry already (at
    /// most one extra fetch per registry per run); a failed fetch goes on with the cache.
    Miss,
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
    /// A clone or fetch of this registry already ran (or was tried) in this process, by any
    /// of its sources.
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
        (CacheState::Ready { .. }, Want::Miss) if s.fetched => Decision::UseCache,
        (CacheState::Ready { .. }, Want::Miss) => Decision::Fetch,
        (CacheState::Ready { .. }, Want::Sync) => Decision::Fetch,
    }
}

/// After a miss that [`decide`] answered with [`Decision::UseCache`]: whether the cache may be
/// behind the registry, so the error says how old it is and how to fetch it. Only offline: a
/// registry fetched in this run is as new as the server (or its failed fetch said how old the
/// cache is).
pub(crate) fn miss_is_stale(s: Situation) -> bool {
    s.want == Want::Miss && s.offline && matches!(s.cache, CacheState::Ready { .. })
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
            (Miss, Missing, false, false, Clone),
            (Miss, Missing, true, false, FailOffline),
            (Miss, Damaged, false, false, Clone),
            (Miss, Damaged, true, false, FailDamaged),
            (Miss, fresh, false, false, Fetch),
            (Miss, fresh, false, true, UseCache),
            (Miss, stale, false, false, Fetch),
            (Miss, stale, false, true, UseCache),
            (Miss, fresh, true, false, UseCache),
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
    fn a_miss_says_how_old_the_cache_is_only_offline() {
        let fresh = Ready { age: Some(MIN) };
        // want, cache, offline, fetched already -> stale
        let table = [
            (Miss, fresh, true, false, true),
            (Miss, Ready { age: None }, true, false, true),
            (Miss, fresh, false, true, false),
            (Miss, fresh, false, false, false),
            (Miss, Missing, true, false, false),
            (Use, fresh, true, false, false),
        ];
        for (want, cache, offline, fetched, expected) in table {
            let situation = Situation {
                want,
                cache,
                offline,
                interval: MIN * 5,
                fetched,
            };
            assert_eq!(miss_is_stale(situation), expected, "{situation:?}");
        }
    }

    #[test]
    fn only_a_sync_fails_on_a_failed_fetch() {
        assert!(fetch_failure_tolerated(Use));
        assert!(fetch_failure_tolerated(Miss));
        assert!(!fetch_failure_tolerated(Sync));
    }
}
