//! # l1-contract-sim
//!
//! A deterministic, simulated Ethereum L1 on which every scaling design's contracts run, metered with an
//! EVM-calibrated gas schedule so that comparisons in gas and in time are meaningful.
//!
//! - [`Chain`]: 12-second slots, one block per slot, ETH balances, EIP-1559 base fee, EIP-4844/7691 blobs and
//!   their fee market, and Casper FFG finality after two epochs. Time only moves when the caller advances it.
//! - [`Contract`]: the interface every L1 contract implements; [`Chain::transact`] runs one typed call in an
//!   [`Env`] that meters gas, moves ETH and exposes the transaction's blobs, and returns a [`Receipt`] with an
//!   itemised gas bill. A reverted call restores the contract and its balance movements and still pays gas.
//! - [`Chain::send`]: the one send-and-wait helper (waits for a block with room).
//! - [`Mempool`]: pending transactions included by priority fee as long as they fit.
//! - [`gas`]: the one gas schedule (EIP-2028, EIP-7623, EIP-2929, EIP-1108, EIP-4844, yellow paper) and the
//!   [`GasMeter`]; [`fees`]: `fake_exponential`, the blob base fee and the EIP-1559 base fee.
//! - [`types`]: [`Address`] and [`Wei`]; [`error`]: [`ChainError`], why the chain refuses a transaction.
//! - [`abi`]: the calldata layout contracts price their calls with.
//! - [`claims`]: pull payments, what a contract owes to L1 addresses until they withdraw.
//! - [`deposits`]: the deposit queue, its Poseidon chain and the account registry both rollups share.
//! - [`ecdsa`]: Ethereum keys, Keccak-256, addresses and `ecrecover` with the low-`s` rule, for designs whose
//!   parties sign as L1 accounts (channels, Plasma, the sidechain's ECDSA checkpoints).
//! - [`merkle`]: Keccak-256 Merkle trees and their metered inclusion check (Plasma blocks, withdrawal roots).
//!
//! It knows no scaling design: each design's contracts live in that design's crate (`zk-rollup`,
//! `optimistic`, `channels`, `sidechain`, `plasma`) and implement [`Contract`]. Every gas constant any
//! contract charges lives in [`gas`].
//! - [`test_utils`]: a tiny vault contract for tests and examples.
//!
//! Nothing here reads a clock, an RNG or the file system: time and randomness are inputs.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod abi;
pub mod chain;
pub mod claims;
pub mod deposits;
pub mod ecdsa;
pub mod error;
pub mod fees;
pub mod gas;
pub mod merkle;
pub mod test_utils;
pub mod types;

pub use chain::{
    BlockContext, BlockSummary, Chain, ChainConfig, Contract, Env, FinalityRule, Mempool, Receipt, Revert, TxRequest,
    COINBASE, MAX_WAIT_SLOTS,
};
pub use error::ChainError;
pub use fees::BlobSchedule;
pub use gas::GasMeter;
pub use types::{Address, Wei, ETHER, GWEI};
