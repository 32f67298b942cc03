//! # scenarios
//!
//! End-to-end scenarios that drive several crates together; the scenarios live in
//! `tests/tests/`. This library is empty on purpose: it only gives them a package.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
