//! The designs a comparison can run, each a [`crate::runner::Design`].
//!
//! - [`zk::ZkDesign`]: the zk rollup with real Groth16 proofs ([`zk_rollup::simulation::run_zk`]), and its
//!   exodus run ([`zk_rollup::simulation::run_exodus`]) for the worst case.
//! - [`optimistic::OptimisticDesign`]: the optimistic rollup with interactive fraud proofs
//!   ([`optimistic::run`](::optimistic::run)), honest and under attack.
//!
//! - [`channels::ChannelsDesign`]: payment channels with multi-hop HTLC payments
//!   ([`channels::run`](::channels::run)), honest and with a revoked state broadcast.
//!
//! - [`sidechain::SidechainDesign`]: the proof-of-stake sidechain and its checkpoint bridge
//!   ([`sidechain::run`](::sidechain::run)), honest and with a colluding supermajority draining the bridge.
//!
//! - [`l1::L1Design`]: the L1 alone, the baseline: the workload's transactions as plain ETH transfers.
//!
//! - [`plasma::PlasmaDesign`]: Plasma (MoreVP) with an honest operator, a withholding one, and the mass
//!   exit ([`plasma::run`](::plasma::run), [`::plasma::mass_exit`]).
//!
//! Each maps its crate's report into [`crate::metrics::DesignMetrics`] and computes the throughput ceiling
//! with [`crate::metrics::throughput_ceiling`] from its measured gas (and blob bytes) per transaction. Like
//! for like: times come from what the runs recorded, L1 bytes from the calldata (and blobs) sent, medians
//! from [`ledger::stats::median`], soft confirmation from the workload's network delay for every design.

pub mod channels;
pub mod l1;
pub mod optimistic;
pub mod plasma;
pub mod sidechain;
pub mod zk;

pub use channels::ChannelsDesign;
pub use l1::L1Design;
pub use optimistic::OptimisticDesign;
pub use plasma::PlasmaDesign;
pub use sidechain::SidechainDesign;
pub use zk::ZkDesign;

/// Refuses an L1 other than the default one ([`ChainConfig::default`]): each design's scenario driver builds
/// its own chain with the default parameters, so a comparison on another chain would be mislabelled.
/// `rollup study l1` computes its sweeps from one run on the default chain instead.
pub(crate) fn require_default_chain(design: &str, chain: &l1_contract_sim::ChainConfig) -> crate::error::Result<()> {
    if *chain == l1_contract_sim::ChainConfig::default() {
        return Ok(());
    }
    Err(crate::error::CompareError::Design {
        design: design.into(),
        why: "its scenario driver runs on the default chain only".into(),
    })
}
