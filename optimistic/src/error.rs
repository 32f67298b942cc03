//! The crate's error type.

use l1_contract_sim::chain::Revert;
use l1_contract_sim::ChainError;
use ledger::LedgerError;
use thiserror::Error;

/// Why a simulation could not go on.
#[derive(Debug, Error)]
pub enum OptimisticError {
    /// The L2 ledger refused something the simulation built (a workload, a genesis).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The chain refused a transaction for good (e.g. an actor ran out of ETH).
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
    /// The scenario's parameters are inconsistent.
    #[error("invalid scenario: {0}")]
    InvalidScenario(String),
}

/// The crate's result type.
pub type Result<T, E = OptimisticError> = core::result::Result<T, E>;
