//! # sidechain
//!
//! A sidechain with its own validators and a k-of-n bridge to the simulated L1.
//!
//! Status: Not yet built.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
