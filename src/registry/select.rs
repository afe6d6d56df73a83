//! Finding a blueprint among several registries. Each source has a [`Rank`]: `builtin` is the
//! fallback, below every configured registry, and configured registries rank by their
//! priority (higher wins; none is 0). The holder of the highest rank is chosen and the lower
//! holders it shadows are named; several holders at the highest rank are an error listing
//! every qualified name (`<registry>/<blueprint>`). A registry that cannot be searched blocks
//! the choice unless it ranks below a holder. When no registry holds the name, the git
//! registries are refreshed once (a blueprint may have been published since the last fetch);
//! offline, the error says how old each cache is.

use super::{BlueprintSource, RegistryError};

/// Where a source stands when several hold a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The built-in registry: used only when no configured registry holds the name.
    Fallback,
    /// A configured registry with its priority (higher wins).
    Configured(i32),
}

/// The source chosen for a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Its position among the sources.
    pub index: usize,
    /// `<registry>/<blueprint>` of each lower-ranked source that holds the name too.
    pub shadowed: Vec<String>,
}

/// The source among `sources` (ranked by `ranks`, one per source) that holds `name`.
pub fn find(
    sources: &[Box<dyn BlueprintSource + '_>],
    ranks: &[Rank],
    name: &str,
) -> Result<Choice, RegistryError> {
    let rank = |i: usize| ranks.get(i).copied().unwrap_or(Rank::Configured(0));
    let mut outcome = search(sources, name);
    if outcome.found.is_empty() && outcome.failed.is_empty() {
        let mut refreshed = false;
        for source in sources {
            refreshed |= source.refresh()?;
        }
        if refreshed {
            outcome = search(sources, name);
        }
    }
    let qualified = |i: usize| format!("{}/{name}", sources[i].name());
    let best = outcome.found.iter().map(|&i| rank(i)).max();
    let winners: Vec<usize> = outcome
        .found
        .iter()
        .copied()
        .filter(|&i| Some(rank(i)) == best)
        .collect();
    // A source that failed matters unless a holder outranks it.
    let blocking = outcome
        .failed
        .into_iter()
        .find(|(i, _)| best.is_none_or(|b| rank(*i) >= b));
    if let Some((i, cause)) = blocking {
        if sources.len() == 1 {
            return Err(cause);
        }
        return Err(RegistryError::Unsearchable {
            registry: sources[i].name().to_string(),
            name: name.to_string(),
            found: (winners.len() == 1).then(|| qualified(winners[0])),
            cause: Box::new(cause),
        });
    }
    match winners.as_slice() {
        [one] => Ok(Choice {
            index: *one,
            shadowed: outcome
                .found
                .iter()
                .filter(|&&i| i != *one)
                .map(|&i| qualified(i))
                .collect(),
        }),
        [] => Err(not_found(sources, name, outcome.unknown)
            .with_stale(sources.iter().filter_map(|s| s.stale_cache()).collect())),
        _ => Err(RegistryError::Ambiguous {
            name: name.to_string(),
            qualified: winners.iter().map(|&i| qualified(i)).collect(),
        }),
    }
}

#[derive(Default)]
struct Outcome {
    found: Vec<usize>,
    failed: Vec<(usize, RegistryError)>,
    unknown: Vec<RegistryError>,
}

fn search(sources: &[Box<dyn BlueprintSource + '_>], name: &str) -> Outcome {
    let mut outcome = Outcome::default();
    for (i, source) in sources.iter().enumerate() {
        match source.entry(name) {
            Ok(_) => outcome.found.push(i),
            Err(e @ RegistryError::UnknownBlueprint { .. }) => outcome.unknown.push(e),
            Err(e) => outcome.failed.push((i, e)),
        }
    }
    outcome
}

fn not_found(
    sources: &[Box<dyn BlueprintSource + '_>],
    name: &str,
    mut unknown: Vec<RegistryError>,
) -> RegistryError {
    if unknown.len() == 1 {
        return unknown.remove(0);
    }
    let mut known = Vec::new();
    for error in unknown {
        if let RegistryError::UnknownBlueprint { known: names, .. } = error {
            known.extend(names);
        }
    }
    known.sort();
    known.dedup();
    let registries: Vec<&str> = sources.iter().map(|s| s.name()).collect();
    RegistryError::UnknownBlueprint {
        name: name.to_string(),
        registry: registries.join("` or `"),
        closest: crate::yaml::closest(name, known.iter().map(String::as_str)).map(str::to_string),
        known,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::builtin::Builtin;

    fn two() -> Vec<Box<dyn BlueprintSource>> {
        vec![Box::new(Builtin), Box::new(Builtin)]
    }

    #[test]
    fn one_source_holding_the_name_is_chosen() {
        let sources: Vec<Box<dyn BlueprintSource>> = vec![Box::new(Builtin)];
        let found = find(&sources, &[Rank::Fallback], "cloudfront-static-site").unwrap();
        assert_eq!(sources[found.index].name(), "builtin");
        assert!(found.shadowed.is_empty());
        let err = find(&sources, &[Rank::Fallback], "cloudfront-static-sit")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("did you mean `cloudfront-static-site`"),
            "{err}"
        );
    }

    #[test]
    fn equal_ranks_are_ambiguous_and_a_higher_rank_wins() {
        let name = "cloudfront-static-site";
        let err = find(&two(), &[Rank::Configured(0), Rank::Configured(0)], name).unwrap_err();
        let hint = crate::error::Classify::hint(&err).unwrap_or_default();
        let err = err.to_string();
        assert!(
            err.contains("builtin/cloudfront-static-site, builtin/cloudfront-static-site")
                && hint.contains("--priority"),
            "{err} / {hint}"
        );
        let table = [
            ([Rank::Fallback, Rank::Configured(0)], 1),
            ([Rank::Configured(0), Rank::Fallback], 0),
            ([Rank::Configured(-1), Rank::Fallback], 0),
            ([Rank::Configured(1), Rank::Configured(2)], 1),
            ([Rank::Configured(3), Rank::Configured(2)], 0),
        ];
        for (ranks, want) in table {
            let choice = find(&two(), &ranks, name).unwrap();
            assert_eq!(choice.index, want, "{ranks:?}");
            assert_eq!(
                choice.shadowed,
                vec![format!("builtin/{name}")],
                "{ranks:?}"
            );
        }
    }
}
