//! pave's one integration test binary. `support` holds the builders (isolated environments,
//! blueprints and git registries described in Rust, the built-in examples); each other module
//! covers one area of behaviour through the real binary or the library.

// The test binary exports nothing; `pub` in it only shares helpers between its modules.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod support;

mod absorb;
mod author;
mod builtin_answers;
mod builtin_history;
mod builtin_release;
mod cli_list_show;
mod cli_new;
mod deprecate;
mod diff;
mod errors;
mod extract;
mod feedback;
mod feedback_git;
mod feedback_html;
mod feedback_loop;
mod feedback_platform;
mod first_use;
mod freshness;
mod git_registry;
mod git_ssh;
mod init;
mod merge_props;
mod modules;
mod outdated;
mod parsers;
mod plan;
mod prompts;
mod pty;
mod publish;
mod render;
mod secrets;
mod security;
mod snapshots;
mod structure;
mod update;
mod update_builtin;
mod update_interrupt;
mod update_merge;
mod update_props;
mod versions;
mod yank;
