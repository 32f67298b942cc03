//! # channels
//!
//! Payment channels settling on the simulated L1.
//!
//! Status: Not yet built.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
