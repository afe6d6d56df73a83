//! The executable bit as pave reads it everywhere: any execute permission on unix, never
//! elsewhere. Std only: build.rs includes this file too (for the frozen built-in registry).

/// Whether `meta` says the file is executable (any of the three execute bits).
#[cfg(unix)]
pub fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

/// Whether `meta` says the file is executable: never on this system.
#[cfg(not(unix))]
pub fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}
