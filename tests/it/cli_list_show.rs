//! cli_list_show tests.
