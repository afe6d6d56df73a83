//! pave's one integration test binary. `support` holds the builders (isolated environments,
//! blueprints and git registries described in Rust, the built-in examples); each other module
//! covers one area of behaviour through the real binary or the library.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod author;
mod cli_list_show;
mod cli_new;
mod errors;
mod first_use;
mod git_registry;
mod parsers;
mod plan;
mod pty;
mod render;
mod secrets;
mod security;
mod snapshots;
mod structure;
mod update_merge;
mod versions;
