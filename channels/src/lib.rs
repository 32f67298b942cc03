//! # channels
//!
//! Payment channels and multi-hop HTLC payments on the simulated L1, in the shape of Lightning (BOLTs 2, 3,
//! 5; LDK's parameters) and of Ethereum channel networks (Raiden's one contract for many channels, its
//! secret registry, its gas figures for comparison).
//!
//! - [`contract`]: the adjudicator, one [`contract::ChannelContract`] holding many two-party channels: open
//!   with both deposits, cooperative close, unilateral close with a dispute window (`to_self_delay`, 144
//!   blocks by default), answers with a newer state or with the revocation secret of a revoked one (the
//!   penalty takes the whole channel), settlement, a secret registry for preimages, and HTLC unlocks (to the
//!   receiver if the preimage was registered before expiry, back to the offerer after it). Signatures are
//!   ECDSA over secp256k1 checked with `ecrecover` (EIP-2 low `s`), states hashed with Keccak-256, hash locks
//!   SHA-256; every call metered with `l1_contract_sim::gas`.
//! - [`types`]: channel states, HTLCs, their encoding and digests.
//! - [`party`]: one party's off-chain state machine: updates in three messages with revocation of the
//!   previous state, HTLC add / fulfil / fail, the penalty or update answer to a close, a cheater's revoked
//!   close.
//! - [`watchtower`]: holds a client's revocation data and punishes on its behalf.
//! - [`network`]: seeded random channel graphs and source routing by fee and delay over capacities.
//! - [`driver`]: [`run`] a [`Scenario`] (graph, payments, roles: cheaters, withholders, griefers, offline
//!   periods, watchtowers) on a fresh L1 and get a serialisable [`Report`].
//!
//! # Modelled, and not
//! Modelled for real: the contract's rules and gas, every signature and revocation secret, HTLC expiries per
//! hop (`cltv_expiry_delta`), fees per hop, routing with retries, on-chain resolution, penalties, the
//! watchtower, ETH to the wei. Not modelled: Lightning's asymmetric commitment transactions and their
//! `to_self_delay` on the holder's own output (a channel here has one symmetric state signed by both, as in
//! Raiden, with per-party revocation hashes added for Lightning's penalty); onion routing and gossip (the
//! payer knows every channel's capacity, not its balances); message queues (off-chain time is counted as
//! messages × a one-way delay, not simulated event by event); watchtower fees; channel reserves, dust limits
//! and splicing; anchor outputs and fee bumping. Channels keep their own balances, not `ledger`'s accounts:
//! a channel is a two-party balance, and `ledger::step` models a shared account tree.
//!
//! Nothing here reads a clock or an RNG of its own: the chain, time and randomness are passed in.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod contract;
pub mod driver;
pub mod error;
pub mod network;
pub mod party;
pub mod types;
pub mod watchtower;

pub use driver::{run, Attack, NetworkConfig, Params, Report, Roles, Scenario};
pub use error::{ChannelError, Result};
