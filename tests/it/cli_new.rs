//! cli_new tests.
