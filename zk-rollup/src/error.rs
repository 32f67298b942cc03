//! The crate's error type: why a zk-rollup scenario or the operator could not go on.

use l1_contract_sim::{ChainError, Revert};
use ledger::{AccountIndex, LedgerError};
use prover::ProverError;
use thiserror::Error;

/// Why the operator or a scenario stopped.
#[derive(Debug, Error)]
pub enum ZkRollupError {
    /// Setting up, loading keys or proving failed.
    #[error(transparent)]
    Prover(#[from] ProverError),
    /// The circuit shape is not one the batch circuit supports.
    #[error(transparent)]
    Circuit(#[from] circuits::CircuitError),
    /// The L1 refused a transaction for good (not a revert: the chain would not include it).
    #[error("L1 refused the transaction: {0}")]
    Chain(#[from] ChainError),
    /// A ledger rule refused what the operator or the scenario tried (a transaction, a tree shape, a path).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The deposits waiting in the L1 queue do not apply to the operator's state.
    #[error("pending deposits do not apply: {0}")]
    DepositsDoNotApply(#[source] LedgerError),
    /// The next batch does not apply to the operator's state.
    #[error("the batch does not apply: {0}")]
    BatchDoesNotApply(#[source] LedgerError),
    /// The contract reverted a call the scenario expected to succeed.
    #[error("the contract refused {call}: {revert}")]
    Refused {
        /// What was refused, in words.
        call: String,
        /// The contract's reason.
        revert: Revert,
    },
    /// The contract accepted a call the scenario expected it to refuse (a bug in the contract).
    #[error("the contract allowed {0}")]
    WronglyAllowed(&'static str),
    /// Public data names a deposit that the L1 queue never held.
    #[error("public data names deposit {0}, which L1 never queued")]
    UnknownDeposit(usize),
    /// A withdrawal or an exit from an account that has no L1 owner.
    #[error("account {0} has no L1 owner")]
    Unowned(AccountIndex),
    /// A gas table's account population outside `min..=capacity` of the tree.
    #[error("a population of {accounts} accounts is outside {min} to {capacity}, the tree's capacity")]
    Population {
        /// Accounts asked for.
        accounts: u64,
        /// The fewest accounts a population may have.
        min: u64,
        /// Leaves of the tree.
        capacity: u64,
    },
    /// An account the scenario needs is missing from the state.
    #[error("account {0} is missing")]
    MissingAccount(AccountIndex),
}

impl ZkRollupError {
    /// A [`ZkRollupError::Refused`] for `call`.
    pub fn refused(call: impl Into<String>, revert: Revert) -> ZkRollupError {
        ZkRollupError::Refused { call: call.into(), revert }
    }
}

/// Result with [`ZkRollupError`].
pub type Result<T, E = ZkRollupError> = core::result::Result<T, E>;
