//! The crate's error type: why the chain refused a transaction.
//!
//! A transaction that the chain includes but whose call reverts is *not* an error here: it is a
//! [`Receipt`](crate::Receipt) whose `outcome` is `Err(Revert)`, and it still pays for its gas.

use thiserror::Error;

use crate::types::Wei;

/// Why the chain refused to include a transaction. A refused transaction changes nothing: no gas is
/// charged, no balance moves and the contract is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainError {
    /// The transaction does not fit in what is left of the current block (gas or blobs); it would fit in
    /// an empty one. Advance a slot and try again.
    #[error("the current block has no room left for this transaction")]
    BlockFull,
    /// The transaction carries more blobs than any block may hold (`max_blobs_per_block`), so it can never
    /// be included.
    #[error("the transaction carries more blobs than a block may hold")]
    TooManyBlobs,
    /// The transaction uses more gas than a whole block may hold, so it can never be included.
    #[error("the transaction needs {gas} gas, above the block gas limit of {limit}")]
    GasAboveBlockLimit {
        /// Gas the transaction would use.
        gas: u64,
        /// The block gas limit.
        limit: u64,
    },
    /// A blob holds more payload bytes than a blob can carry
    /// ([`USABLE_BYTES_PER_BLOB`](crate::fees::USABLE_BYTES_PER_BLOB)).
    #[error("blob {index} holds {len} bytes, more than the {max} a blob can carry")]
    BlobTooLarge {
        /// Position of the blob in the transaction.
        index: usize,
        /// Its length in bytes.
        len: usize,
        /// The most a blob can carry.
        max: usize,
    },
    /// The sender cannot pay the value plus the fee of the transaction.
    #[error("insufficient funds: need {need} wei, have {have} wei")]
    InsufficientFunds {
        /// Wei needed: value plus fee.
        need: Wei,
        /// The sender's balance.
        have: Wei,
    },
    /// No block had room for the transaction within this many slots ([`Chain::send`](crate::Chain::send)).
    #[error("the transaction found no room in a block within {slots} slots")]
    NeverIncluded {
        /// Slots waited.
        slots: u64,
    },
    /// A string is not a 20-byte hex address.
    #[error("invalid address {0:?}: expected 40 hex digits, with or without 0x")]
    InvalidAddress(String),
}

/// The crate's result type.
pub type Result<T, E = ChainError> = core::result::Result<T, E>;
