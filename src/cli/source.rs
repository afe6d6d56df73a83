//! Turning a blueprint argument into a loaded blueprint: a folder path (`./x`, `/x`) is read
//! from disk; anything else is `[registry/]name[@req]` looked up in the registries.

use crate::registry::{BlueprintRef, BlueprintSource, Loaded, builtin::Builtin, local};
use anyhow::{Context, Result};
use std::path::Path;

/// Whether a blueprint argument names a folder rather than a registry entry.
pub fn is_folder(spec: &str) -> bool {
    spec.starts_with("./") || spec.starts_with("../") || spec.starts_with('/') || spec == "."
}

/// The registry for a reference.
pub fn registry_for(reference: &BlueprintRef) -> Result<Box<dyn BlueprintSource>> {
    match reference.registry.as_deref() {
        None | Some(crate::registry::builtin::NAME) => Ok(Box::new(Builtin)),
        Some(other) => Err(super::UsageError(format!(
            "unknown registry `{other}`; the only registry is `builtin`"
        ))
        .into()),
    }
}

/// Loads the blueprint an argument names, at the newest version its requirement allows.
pub fn load(spec: &str) -> Result<Loaded> {
    if is_folder(spec) {
        return local::load(Path::new(spec))
            .with_context(|| format!("cannot load the blueprint folder {spec}"));
    }
    let reference = BlueprintRef::parse(spec)?;
    let source = registry_for(&reference)?;
    source.entry(&reference.name)?;
    let version = source.resolve(&reference.name, &reference.req)?;
    Ok(source.load(&reference.name, &version)?)
}
