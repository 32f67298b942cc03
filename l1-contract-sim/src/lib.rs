//! # l1-contract-sim
//!
//! The simulated L1: slots, gas, calldata and blobs, finality, and the contracts of every design.
//!
//! Status: Filled by the L1 issue (issue 4).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
