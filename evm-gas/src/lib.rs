//! # evm-gas
//!
//! The lab's contracts on a real EVM: [revm](https://github.com/bluealloy/revm) runs the Groth16 verifier that
//! [`verifier::solidity`] writes and circomlibjs' Poseidon contracts, and [`calibration`] sets the simulated
//! L1's gas figures ([`l1_contract_sim::gas`]) beside what revm measures (`rollup bench evm`).
//!
//! - [`evm::Evm`]: an in-memory chain; deploy creation code, call, read success, return data and gas.
//! - [`js::JsTools`]: the pinned node tools (solc, circomlibjs, snarkjs' verifier template), installed with
//!   `npm ci --prefix evm-gas/js` on first use and turned off by `SKIP_SNARKJS=1`. The library builds and
//!   its revm part runs without node.
//! - [`trapdoor::TrapdoorKey`]: Groth16 keys with their trapdoor kept, for valid proofs of any input count.
//! - [`calibration`]: the checks, each the simulator's figure, revm's, and their ratio.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod calibration;
pub mod error;
pub mod evm;
pub mod js;
pub mod trapdoor;

pub use calibration::{run_checks, GasCheck, TOLERANCE};
pub use error::{EvmGasError, Result};
pub use evm::{CallOutcome, Evm};
pub use js::JsTools;
