//! The designs a comparison can run, each a [`crate::runner::Design`].
//!
//! - [`zk::ZkDesign`]: the zk rollup with real Groth16 proofs ([`zk_rollup::simulation::run_zk`]), and its
//!   exodus run ([`zk_rollup::simulation::run_exodus`]) for the worst case.
//! - [`optimistic::OptimisticDesign`]: the optimistic rollup with interactive fraud proofs
//!   ([`optimistic::run`](::optimistic::run)), honest and under attack.
//!
//! - [`plasma::PlasmaDesign`]: Plasma (MoreVP) with an honest operator, a withholding one, and the mass
//!   exit ([`plasma::run`](::plasma::run), [`::plasma::mass_exit`]).
//!
//! Still to come, each in a module of its own here, wrapping its crate's simulation: sidechain,
//! payment channels.
//!
//! Each maps its crate's report into [`crate::metrics::DesignMetrics`] and computes the throughput ceiling
//! with [`crate::metrics::throughput_ceiling`] from its measured gas (and blob bytes) per transaction. Like
//! for like: times come from what the runs recorded, L1 bytes from the calldata (and blobs) sent, medians
//! from [`ledger::stats::median`], soft confirmation from the workload's network delay for every design.

pub mod optimistic;
pub mod plasma;
pub mod zk;

pub use optimistic::OptimisticDesign;
pub use plasma::PlasmaDesign;
pub use zk::ZkDesign;
