//! # verifier
//!
//! Lean Groth16 verification for the zk rollup: proof and key formats, point validation, the public input, and `verify` returning a `Result`.
//!
//! Status: Filled by the zk prover issue (issue 3): it will verify batch proofs without depending on `circuits`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
