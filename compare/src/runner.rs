//! One workload through every design.
//!
//! A design is anything that implements [`Design`]: it takes a [`Workload`] and the L1's parameters, runs
//! the workload on the simulated L1 and says what it measured as [`DesignMetrics`]. [`compare`] runs a list
//! of designs on the same workload and collects a [`Comparison`], which the [`crate::report`] writers turn
//! into tables, JSON, CSV and an HTML page.
//!
//! Implementing a new design (optimistic, sidechain, channels, Plasma) takes one type in
//! [`crate::designs`] and one `impl Design`:
//!
//! ```ignore
//! impl Design for OptimisticDesign {
//!     fn name(&self) -> &str { "optimistic rollup" }
//!     fn run(&mut self, w: &Workload, chain: &ChainConfig, rng: &mut SimRng, progress: &mut dyn Progress)
//!         -> Result<DesignMetrics>
//!     {
//!         let report = optimistic::simulate(/* from w, on a Chain::new(*chain) */)?;
//!         let (tps, basis) = metrics::throughput_ceiling(chain, report.gas_per_tx, None);
//!         Ok(DesignMetrics { finality_seconds: /* inclusion + challenge window */, .. })
//!     }
//! }
//! ```

use l1_contract_sim::ChainConfig;
use prover::Progress;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::metrics::{DesignMetrics, NotApplicable, SimRng, Workload};

/// A scaling design that can run a [`Workload`] on the simulated L1.
pub trait Design {
    /// A short, unique name for tables and charts ("zk rollup (calldata)").
    fn name(&self) -> &str;

    /// Runs `workload` on an L1 with `chain`'s parameters and measures it. Randomness comes only from `rng`
    /// (seeded from the workload by [`compare`]); long stages are reported to `progress`.
    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> Result<DesignMetrics>;
}

/// What [`compare`] measured: the workload, the L1 it ran on and one row per design, in the order given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The workload every design ran.
    pub workload: Workload,
    /// The L1's parameters.
    pub chain: ChainConfig,
    /// One entry per design.
    pub designs: Vec<DesignMetrics>,
    /// The most L2 transactions a design carried minus the fewest (0: every design carried as many). Filled
    /// by [`Comparison::new`].
    #[serde(default)]
    pub l2_tx_difference: usize,
    /// When [`Self::l2_tx_difference`] is not 0, every design's count in words; every report prints it.
    #[serde(default)]
    pub l2_tx_note: Option<String>,
}

impl Comparison {
    /// A comparison of `designs` on `workload`, with the difference between their L2 transaction counts.
    pub fn new(workload: Workload, chain: ChainConfig, designs: Vec<DesignMetrics>) -> Self {
        let counts = designs.iter().map(|d| d.txs);
        let difference = counts.clone().max().unwrap_or(0) - counts.min().unwrap_or(0);
        let note = (difference > 0).then(|| {
            let each: Vec<String> = designs.iter().map(|d| format!("{} {}", d.name, d.txs)).collect();
            format!(
                "the designs carried different numbers of L2 transactions (by up to {difference}: {}); \
                 per-transaction figures divide by each design's own count, and its notes say what it counts",
                each.join(", ")
            )
        });
        Comparison { workload, chain, designs, l2_tx_difference: difference, l2_tx_note: note }
    }
}

/// Runs every design on `workload` over the default L1 ([`ChainConfig::default`]: Ethereum mainnet as of
/// Prague); see [`compare_on`].
pub fn compare(
    designs: &mut [Box<dyn Design>],
    workload: &Workload,
    progress: &mut dyn Progress,
) -> Result<Comparison> {
    compare_on(&ChainConfig::default(), designs, workload, progress)
}

/// Runs every design on `workload` over an L1 with `chain`'s parameters. Each design gets a fresh generator
/// seeded from the workload ([`Workload::rng`]), so every design sees the same keys and transactions, and a
/// design's figures do not depend on which designs ran before it.
pub fn compare_on(
    chain: &ChainConfig,
    designs: &mut [Box<dyn Design>],
    workload: &Workload,
    progress: &mut dyn Progress,
) -> Result<Comparison> {
    workload.validate()?;
    let mut rows = Vec::with_capacity(designs.len());
    for design in designs.iter_mut() {
        progress.stage(&format!("running {}", design.name()));
        let mut rng = workload.rng();
        let mut metrics = design.run(workload, chain, &mut rng, progress)?;
        if metrics.name.is_empty() {
            metrics.name = design.name().to_string();
        }
        let field = "withdrawal_latency_seconds";
        if metrics.withdrawal_latency_seconds.max <= 0.0 && metrics.not_applicable(field).is_none() {
            metrics.not_applicable.push(NotApplicable::new(
                field,
                "no withdrawal completed in this run (the workload's withdrawal share rounds to none at this size)",
            ));
        }
        rows.push(metrics);
    }
    progress.finish();
    Ok(Comparison::new(workload.clone(), *chain, rows))
}
