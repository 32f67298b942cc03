//! # plasma
//!
//! A Plasma operator and its users: blocks committed to L1, exits and challenges.
//!
//! Status: Not yet built.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
