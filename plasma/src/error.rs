//! The crate's error type.

use l1_contract_sim::chain::Revert;
use l1_contract_sim::ChainError;
use thiserror::Error;

/// Why a Plasma simulation, or a child-chain operation, could not go on.
#[derive(Debug, Error)]
pub enum PlasmaError {
    /// The chain refused a transaction for good (an actor ran out of ETH, a call above the block gas limit).
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A call that an honest actor expects to succeed reverted.
    #[error("{call} reverted: {revert}")]
    Reverted {
        /// The call.
        call: &'static str,
        /// Why.
        revert: Revert,
    },
    /// A child-chain transaction is malformed or invalid.
    #[error("invalid child-chain transaction: {0}")]
    InvalidTx(String),
    /// The scenario's parameters are inconsistent.
    #[error("invalid scenario: {0}")]
    InvalidScenario(String),
}

/// The crate's result type.
pub type Result<T, E = PlasmaError> = core::result::Result<T, E>;
