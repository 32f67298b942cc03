//! # prover
//!
//! Groth16 setup and proving for the batch circuit, and the zk-rollup operator.
//!
//! Status: Filled by the zk prover issue (issue 3) and the L1 issue (issue 4).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
