//! The crate's error type.

use l1_contract_sim::chain::Revert;
use l1_contract_sim::ChainError;
use ledger::LedgerError;
use thiserror::Error;

/// Why a simulation could not go on.
#[derive(Debug, Error)]
pub enum SidechainError {
    /// The L2 ledger refused something the simulation built (a workload, a key).
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
    /// BLS hashing to the curve failed (arkworks refused the suite).
    #[error("BLS: {0}")]
    Bls(String),
    /// More withdrawals in one checkpoint than its tree holds.
    #[error("{count} withdrawals in one checkpoint, more than its tree of depth {depth} holds")]
    TooManyWithdrawals {
        /// Withdrawals.
        count: usize,
        /// Tree depth.
        depth: u32,
    },
    /// No online proposer within the round limit (cannot happen while more than 2/3 of stake is online).
    #[error("no block after {rounds} rounds at height {height}")]
    NoProposer {
        /// Height.
        height: u64,
        /// Rounds tried.
        rounds: u32,
    },
}

/// The crate's result type.
pub type Result<T, E = SidechainError> = core::result::Result<T, E>;
