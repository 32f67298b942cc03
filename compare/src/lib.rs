//! # compare
//!
//! One workload through every design: metrics, reports and charts; and the proof-cost study of the zk
//! rollup.
//!
//! - [`metrics`]: the [`Workload`] every design runs and the [`DesignMetrics`] each reports (soft
//!   confirmation, modelled from the workload's network delay; recorded inclusion, finality and withdrawal
//!   latency; L1 gas and bytes per transaction as sent; the throughput ceiling the L1 allows; capital
//!   locked; trust; the worst case under attack, measured by an attack run).
//! - [`runner`]: the [`Design`] trait and [`compare`], which runs designs on one workload into a
//!   [`Comparison`].
//! - [`designs`]: the designs: [`ZkDesign`] (real Groth16 proofs on the simulated L1, and its exodus run),
//!   [`designs::OptimisticDesign`] (honest, and a lying proposer disputed) and [`designs::SidechainDesign`]
//!   (honest, and a colluding supermajority draining the bridge); channels and Plasma come later, each one
//!   `impl Design`.
//! - [`study`]: [`proof_costs`], what a batch proof costs by tree depth and batch size (constraints, setup,
//!   proving, verification, key sizes, L1 gas), measured where affordable and labelled estimates beyond.
//! - [`knobs`]: the L1-knob study ([`knobs::l1_study`]): block gas limit, blobs per block, slot time and
//!   finality rule swept, every point computed from one measured run of each design.
//! - [`report`]: aligned terminal tables, JSON, CSV and one self-contained HTML page with inline SVG charts.
//! - [`attacks`]: the attack matrix, every design under every attack that applies ([`attacks::attack_matrix`]).
//! - [`error`]: [`CompareError`], the one error type of the crate.
//!
//! Randomness is seeded (the workload's or the study's seed) and progress goes to a [`prover::Progress`]
//! sink; only wall-clock durations of setup, proving and verification are read from the machine.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod attacks;
pub mod designs;
pub mod error;
pub mod knobs;
pub mod metrics;
pub mod report;
pub mod runner;
pub mod study;

pub use designs::ZkDesign;
pub use error::{CompareError, Result};
pub use metrics::{throughput_ceiling_tps, DesignMetrics, SimRng, Spread, Workload};
pub use runner::{compare, compare_on, Comparison, Design};
pub use study::{proof_costs, ProofCostRow, StudyConfig};
