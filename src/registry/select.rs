//! Finding a blueprint among several registries: the one registry that holds a name, an error
//! listing every qualified name (`<registry>/<blueprint>`) when several do, and one refresh of
//! the git registries when none does (a blueprint may have been published since the last
//! fetch).

use super::{BlueprintSource, RegistryError};

/// The position of the source among `sources` that holds `name`.
pub fn find(sources: &[Box<dyn BlueprintSource + '_>], name: &str) -> Result<usize, RegistryError> {
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
    let qualified: Vec<String> = outcome
        .found
        .iter()
        .map(|&i| format!("{}/{name}", sources[i].name()))
        .collect();
    if let Some((i, cause)) = outcome.failed.into_iter().next() {
        if sources.len() == 1 {
            return Err(cause);
        }
        return Err(RegistryError::Unsearchable {
            registry: sources[i].name().to_string(),
            name: name.to_string(),
            found: (qualified.len() == 1).then(|| qualified[0].clone()),
            cause: Box::new(cause),
        });
    }
    match outcome.found.as_slice() {
        [one] => Ok(*one),
        [] => Err(not_found(sources, name, outcome.unknown)),
        _ => Err(RegistryError::Ambiguous {
            name: name.to_string(),
            qualified,
        }),
    }
}

struct Outcome {
    found: Vec<usize>,
    failed: Vec<(usize, RegistryError)>,
    unknown: Vec<RegistryError>,
}

fn search(sources: &[Box<dyn BlueprintSource + '_>], name: &str) -> Outcome {
    let mut outcome = Outcome {
        found: Vec::new(),
        failed: Vec::new(),
        unknown: Vec::new(),
    };
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

    #[test]
    fn one_source_holding_the_name_is_chosen() {
        let sources: Vec<Box<dyn BlueprintSource>> = vec![Box::new(Builtin)];
        let found = find(&sources, "cloudfront-static-site").unwrap();
        assert_eq!(sources[found].name(), "builtin");
        let err = find(&sources, "cloudfront-static-sit")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("did you mean `cloudfront-static-site`"),
            "{err}"
        );
    }

    #[test]
    fn a_name_in_two_sources_is_ambiguous() {
        let sources: Vec<Box<dyn BlueprintSource>> = vec![Box::new(Builtin), Box::new(Builtin)];
        let err = find(&sources, "cloudfront-static-site")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("builtin/cloudfront-static-site, builtin/cloudfront-static-site"),
            "{err}"
        );
    }
}
