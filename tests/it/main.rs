//! pave's one integration test binary. `support` holds the builders (temp homes, blueprint
//! folders); each other module covers one area of behaviour through the real binary or the
//! library.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod author;
mod builtin_history;
mod cli_list_show;
mod cli_new;
mod git_registry;
mod parsers;
mod plan;
mod pty;
mod render;
mod security;
mod snapshots;
mod structure;
