//! # zk-rollup
//!
//! The zero-knowledge rollup as one design: its L1 contract, its operator and its scenarios, on the
//! simulated L1 of `l1-contract-sim`, with proofs from `prover`.
//!
//! - [`contract`]: the rollup contract ([`ZkRollup`]): a deposit queue bound by a Poseidon chain, batches
//!   accepted only with a Groth16 proof of the public input the contract recomputes itself, withdrawals,
//!   and exodus mode with Merkle-proof exits when the operator stops serving the queue.
//! - [`operator`]: accepts L2 transactions, forms batches (deposits first), proves them for real and commits
//!   them; proving time enters the simulated timeline as a delay.
//! - [`simulation`]: whole scenarios (normal and exodus) with their reports, and the L1 gas table measured
//!   through the contract's own code.
//! - [`error`]: the crate's one error type, [`ZkRollupError`].
//!
//! Nothing here reads a clock for anything but measuring proving time, nor an OS RNG: the chain and the
//! randomness are passed in.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod contract;
pub mod error;
pub mod operator;
pub mod simulation;

pub use contract::{DataMode, ZkCall, ZkEvent, ZkRollup, ZkRollupParams};
pub use error::{Result, ZkRollupError};
pub use operator::{CommittedBatch, Operator};
