//! The designs a comparison can run, each a [`crate::runner::Design`].
//!
//! - [`zk::ZkDesign`]: the zk rollup with real Groth16 proofs ([`prover::simulation::run_zk`]).
//!
//! Still to come, each in a module of its own here, wrapping its crate's simulation:
//!
//! - `optimistic::OptimisticDesign` (issue 5's `optimistic` crate): finality is L1 inclusion plus the
//!   challenge window; capital locked is the proposer's and challengers' bonds for the window; the trust
//!   is one honest, online watcher; the worst case is a dispute game played to its clocks.
//! - sidechain, payment channels, Plasma.
//!
//! Each maps its crate's report into [`crate::metrics::DesignMetrics`] and computes the throughput ceiling
//! with [`crate::metrics::throughput_ceiling`] from its measured gas (and blob bytes) per transaction.

pub mod zk;

pub use zk::ZkDesign;
