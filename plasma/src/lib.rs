//! # plasma
//!
//! Plasma as OMG built it (More Viable Plasma): an operator runs a UTXO child chain and commits only each
//! block's Merkle root to L1; users keep their own data and, when the operator withholds a block or includes
//! an invalid transaction, exit to L1 within the minimum exit period, in priority order.
//!
//! - [`tx`]: UTXO positions, outputs, transactions of up to four inputs and four outputs signed with the
//!   secp256k1 keys of L1 addresses, output ids.
//! - [`child`]: blocks, their Keccak Merkle roots (depth 16) and the one validity rule.
//! - [`contract`]: the L1 contract ([`contract::PlasmaContract`]): block submission, deposits, standard
//!   exits with bonds and inclusion proofs, challenges, in-flight exits with piggybacks and canonicity
//!   challenges, the MoreVP priority queue and `processExits`, every call metered with the one gas schedule.
//! - [`operator`]: an honest operator, or one that withholds a block or includes an invalid transaction
//!   ([`Attack`]) and exits what it stole, or one that censors a user (who then exits to L1).
//! - [`user`]: users who pay, withdraw and watch (or go offline, or cheat), and the challenger.
//! - [`world`]: the chain, the contract and what is public off chain; [`driver`]: a whole scenario
//!   ([`run`]) and its serialisable [`Report`].
//! - [`mass_exit`]: every user exiting at once through the L1's gas limit and EIP-1559 base fee, run on the
//!   chain for thousands of users and computed with the same measured cost and fee rule beyond.
//!
//! Modelled: one currency; OMG's layout of positions and output ids; signatures over Keccak-256 of a fixed
//! byte layout (not RLP and EIP-712); the MoreVP rules of canonicity, piggybacks and priorities, simplified
//! where the [`contract`] docs say. Not modelled: fees on the child chain, the operator's mempool policy
//! beyond validity, the watcher's network (users see published blocks at once), nor ERC-20 vaults.
//! Plasma uses a UTXO model of its own rather than `ledger`'s accounts: exits name single outputs.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod child;
pub mod contract;
pub mod driver;
pub mod error;
pub mod mass_exit;
pub mod operator;
pub mod tx;
pub mod user;
pub mod world;

pub use driver::{run, Censorship, Payment, Report, Scenario, UserOutcome};
pub use mass_exit::{MassExitConfig, MassExitPoint};

pub use error::{PlasmaError, Result};

pub use operator::{Attack, Operator};
pub use user::{Challenger, User};
pub use world::World;
