//! # circuits
//!
//! The in-circuit twin of `ledger`: R1CS gadgets and the zk-rollup batch circuit.
//!
//! Status: Filled by the zk prover issue (issue 3).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
