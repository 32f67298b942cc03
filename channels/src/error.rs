//! The crate's error type.

use l1_contract_sim::chain::Revert;
use l1_contract_sim::ChainError;
use thiserror::Error;

/// Why an off-chain step, an L1 call or a simulation could not go on.
#[derive(Debug, Error)]
pub enum ChannelError {
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
    /// A counterparty's message was refused by the off-chain state machine (bad signature, wrong balances,
    /// unknown HTLC, a revocation secret that does not match).
    #[error("refused off-chain message: {0}")]
    Refused(String),
    /// An amount overflowed or went below zero.
    #[error("amount out of range: {0}")]
    Amount(String),
    /// The workload could not be generated.
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    /// The scenario's parameters are inconsistent.
    #[error("invalid scenario: {0}")]
    InvalidScenario(String),
}

/// The crate's result type.
pub type Result<T, E = ChannelError> = core::result::Result<T, E>;
