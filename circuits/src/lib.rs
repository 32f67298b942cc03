//! # circuits
//!
//! The in-circuit twin of [`ledger`]: for each native type a `Var`, for each native
//! function a gadget with the same result, and the zk-rollup batch circuit that proves
//! a batch of transactions moves the state from one root to the next under every rule
//! of the ledger's state-transition function.
//!
//! - [`poseidon`]: circomlib Poseidon.
//! - [`range`]: range checks and bit packing.
//! - [`merkle`]: Merkle paths of the binary or 4-ary account tree.
//! - [`eddsa`]: EdDSA-Poseidon verification over Baby Jubjub.
//! - [`sha256`]: SHA-256 at about 17,600 constraints per compression.
//! - [`commitment`]: the SHA-256 batch commitment.
//! - [`batch`]: the batch circuit and its shape.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod batch;
pub mod commitment;
pub mod eddsa;
pub mod error;
pub mod info;
pub mod merkle;
pub mod poseidon;
pub mod range;
pub mod sha256;

#[cfg(test)]
pub(crate) mod test_utils;

pub use batch::{BatchCircuit, BatchShape, BatchWitness, Breakdown};
pub use error::{CircuitError, Result};
