//! security tests.
