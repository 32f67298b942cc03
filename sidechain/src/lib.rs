//! # sidechain
//!
//! A proof-of-stake sidechain with a checkpoint bridge to the simulated L1, built so that its trust is
//! measured rather than asserted: fast (2 s blocks, final in one block) and cheap on L1 (one checkpoint per
//! K blocks), and safe only while more than 2/3 of the stake is honest.
//!
//! - [`validators`]: keys (secp256k1 for votes and ECDSA checkpoints, BLS12-381 with proof of possession),
//!   stakes from a seeded Pareto distribution, and the integer rule "more than 2/3 of the stake".
//! - [`consensus`]: Tendermint-style BFT at the level of stake and time: stake-weighted round-robin
//!   proposers, prevote and precommit, round fail-over past an offline proposer, a halt when more than 1/3 of
//!   the stake is offline, and equivocation evidence from signed precommits.
//! - [`bls`]: BLS signatures (keys in G1, signatures in G2, RFC 9380 hash-to-G2, aggregation, proofs of
//!   possession) on arkworks' `ark-bls12-381`.
//! - [`checkpoint`]: checkpoints (block range, state root, Keccak root of the withdrawals, set id), the
//!   withdrawal leaves, and the two signature forms.
//! - [`contract`]: the bridge on L1: stake registry, deposits (the rollups' deposit queue and account
//!   registry), checkpoints accepted on more than 2/3 of the stake (ECDSA with `ecrecover`, or a BLS aggregate
//!   with the EIP-2537 precompiles, both metered), withdrawals paid once against a checkpointed root, set
//!   rotation, and slashing on equivocation evidence.
//! - [`driver`]: a whole scenario ([`Scenario`]: honest, offline validators, a colluding coalition, an
//!   equivocator, a rotation) on the common workload, summarised in a serialisable [`Report`].
//! - [`study`]: checkpoint gas against the number of validators for both signature modes.
//! - [`world`]: the chain, the bridge and the log of L1 transactions the actors share.
//!
//! The sidechain applies the ledger's one state-transition function (`ledger::State::apply`) to the same
//! workload every design runs. What is modelled rather than real: consensus messages between validators are
//! counted by stake, not signed or sent over a network (only votes that become evidence are signed); block
//! time is a parameter, not measured; there are no sidechain fees or rewards; stake leaves at the next
//! checkpoint with no unbonding period. The bridge's crypto is real (secp256k1 recovery, BLS pairings, Keccak
//! Merkle proofs) and its gas comes from the metered calls.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bls;
pub mod checkpoint;
pub mod consensus;
pub mod contract;
pub mod driver;
pub mod error;
pub mod study;
pub mod validators;
pub mod world;

pub use contract::{Bridge, BridgeCall, BridgeEvent, BridgeParams, SignatureScheme};
pub use driver::{run, run_with_plan, Attack, Report, Scenario};
pub use error::{Result, SidechainError};
pub use study::{checkpoint_gas_table, GasRow};
