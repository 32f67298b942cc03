//! Shared by the tests: a test double for a design and a scratch directory.
#![allow(dead_code)]

use compare::metrics::{throughput_ceiling, Detail};
use compare::{Design, DesignMetrics, SimRng, Spread, Workload};
use l1_contract_sim::ChainConfig;
use prover::Progress;
use rand_chacha::rand_core::RngCore;

/// An optimistic-style design without a chain: every transaction is included one slot after it arrives,
/// final a challenge window later; its L1 gas per transaction is given.
#[derive(Debug)]
pub struct WindowDesign {
    pub name: String,
    pub window_seconds: f64,
    pub gas_per_tx: f64,
    pub bond_wei: u128,
    /// The first number the design drew from its generator.
    pub first_draw: Option<u64>,
}

impl WindowDesign {
    pub fn new(name: &str, window_seconds: f64, gas_per_tx: f64) -> Self {
        WindowDesign { name: name.into(), window_seconds, gas_per_tx, bond_wei: 10u128.pow(18), first_draw: None }
    }
}

impl Design for WindowDesign {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> compare::Result<DesignMetrics> {
        progress.stage("pretending");
        let draw = rng.next_u64();
        self.first_draw = Some(draw);
        let inclusion: Vec<f64> = (0..workload.txs).map(|_| chain.slot_seconds as f64).collect();
        let finality: Vec<f64> = inclusion.iter().map(|i| i + self.window_seconds).collect();
        let (tps, basis) = throughput_ceiling(chain, self.gas_per_tx, None);
        Ok(DesignMetrics {
            name: self.name.clone(),
            txs: workload.txs,
            l1_gas_per_tx: self.gas_per_tx,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: 13.0,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: workload.soft_confirmation(),
            inclusion_seconds: Spread::of(&inclusion),
            finality_seconds: Spread::of(&finality),
            withdrawal_latency_seconds: Spread::of(&finality),
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: self.bond_wei,
            capital_locked_seconds: self.window_seconds,
            trust: "one honest, online watcher, a \"challenger\", within the window".into(),
            user_duties: "watch, or trust a watcher".into(),
            worst_case_under_attack: Some("a dispute played to its clocks".into()),
            worst_case_seconds: Some(2.0 * self.window_seconds),
            notes: vec!["a test double".into()],
            details: vec![
                Detail::new("window (s)", self.window_seconds.to_string()),
                Detail::new("first draw", draw.to_string()),
            ],
            not_applicable: Vec::new(),
            other_bound: None,
            waits_for_l1_finality: false,
        })
    }
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("compare-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
