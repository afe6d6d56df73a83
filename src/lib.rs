//! pave: the paved road for serverless. Scaffolds AWS SAM projects from versioned blueprints.
//!
//! The pipeline, one way:
//!
//! ```text
//! source (registry) -> manifest -> answers -> rendered tree -> write plan -> disk
//! ```
//!
//! - [`registry`]: where blueprints come from ([`registry::BlueprintSource`]: built-in, folder,
//!   git registries with their cache).
//! - [`config`]: the user's configuration (registries, fetch interval) and where it lives.
//! - [`url`]: credentials out of every URL shown or stored, and the cache key of a URL.
//! - [`names`]: the one validator of each kind of name (blueprint, registry, parameter).
//! - [`mode`]: the one reading of a file's executable bit.
//! - [`yaml`]: the one door to YAML, with positioned errors.
//! - [`manifest`]: `registry.yaml` and `blueprint.yaml`, parsed and validated.
//! - [`blueprint`]: a blueprint at a version, in memory.
//! - [`answers`]: resolving answers from flags, files, defaults and prompts.
//! - [`template`]: the handlebars engine shared by answers, rendering and lint.
//! - [`render`]: the pure rendering of a blueprint with answers into a file tree.
//! - [`generate`]: `new` as one call: answers, render, `.pave.yaml`.
//! - [`plan`]: the write plan and its atomic application.
//! - [`vcs`]: the initial git commit of `new --git`.
//! - [`update`]: the per-file three-way decision of `update` (base, project, new render), and
//!   the whole command as library calls.
//! - [`outdated`]: `pave outdated`: finding projects and one row each (versions, drift,
//!   feedback a newer version addresses).
//! - [`project`]: a rendered project: its record (`.pave.yaml`), its files, its pristine
//!   render, and the project diffs of `diff` and `feedback submit --include-diff`.
//! - [`snapshot`]: a rendered tree as stable text for snapshot tests.
//! - [`author`]: for blueprint authors: `blueprint init | lint | test`, the version bump,
//!   `publish`, `release`, `deprecate` and `yank`.
//! - [`error`]: what kind an error is (usage or failure) and its hint, for every error above.
//! - [`cli`]: the only shell (parsing, prompts, printing, exit codes).
//! - [`feedback`]: feedback items, secret masking, sinks (http, git) and their routing, the
//!   spool, submitting and the report.
//!
//! Everything except [`cli`] is a library that never prints.

pub mod answers;
pub mod author;
pub mod blueprint;
pub mod cli;
pub mod config;
pub mod error;
pub mod feedback;
pub mod generate;
pub mod manifest;
pub mod mode;
pub mod names;
pub mod outdated;
pub mod plan;
pub mod project;
pub mod registry;
pub mod render;
pub mod snapshot;
pub mod template;
pub mod update;
pub mod url;
pub mod vcs;
pub mod yaml;

/// pave's own version, recorded in every `.pave.yaml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
