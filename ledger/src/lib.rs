//! # ledger
//!
//! The L2 state model that every scaling design of the project moves: the same
//! accounts, tree, keys, transactions and state-transition function are what the
//! zk circuit proves, what the optimistic rollup's one-step proof re-executes, and
//! what Plasma and the sidechain apply.
//!
//! - [`poseidon`]: Poseidon over BN254 with circomlib's parameters.
//! - [`babyjubjub`], [`eddsa`]: Baby Jubjub and EdDSA-Poseidon, byte-compatible with circomlibjs.
//! - [`tree`]: the sparse Poseidon Merkle account tree (binary or 4-ary, up to 2^32 leaves).
//! - [`account`], [`types`]: accounts and the checked newtypes for amounts, nonces and indices.
//! - [`stats`]: the one median every report uses; [`progress`]: progress sinks passed into long work.
//! - [`tx`]: transfers, deposits and withdrawals, their signed messages and public data.
//! - [`step`]: **the one state-transition step** over an explicit witness, with a cost hook: what
//!   `State::apply`, replay from L1 data and every fraud or exit proof on L1 run.
//! - [`state`]: the state built on that step, its per-transaction records and batch commitments.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod account;
pub mod babyjubjub;
pub mod eddsa;
pub mod error;
pub mod field;
pub mod poseidon;
pub mod progress;
pub mod state;
pub mod stats;
pub mod step;
pub mod tree;
pub mod tx;
pub mod types;
pub mod workload;

pub use account::Account;
pub use eddsa::{PublicKey, SecretKey, Signature};
pub use error::{LedgerError, Result};
pub use field::Fr;
pub use state::{BatchRecord, State, StateFile, TxRecord};
pub use step::{step, AccountWitness, Rejection, Rules, StepCost, StepInput, StepOutput, StepWitness};
pub use tree::{AccountTree, Arity, MerkleProof, TreeShape};
pub use tx::{Deposit, Transaction, Transfer, Withdrawal};
pub use types::{AccountIndex, Amount, ChainId, Nonce, TxAmount};
