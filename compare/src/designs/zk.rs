//! The zk rollup as a [`Design`]: the workload through [`zk_rollup::simulation::run_zk`], with real proofs
//! verified by the contract on the simulated L1.

use l1_contract_sim::fees::{blobs_for, GAS_PER_BLOB};
use l1_contract_sim::{ChainConfig, ETHER};
use ledger::tx::PUBDATA_SLOT_BYTES;
use ledger::Arity;
use prover::{Keys, Progress, Prover};
use zk_rollup::simulation::{run_zk, ZkReport, ZkScenario};
use zk_rollup::{DataMode, ZkRollupParams};

use crate::error::{CompareError, Result};
use crate::metrics::{max_l1_finality_seconds, throughput_ceiling, DesignMetrics, Detail, SimRng, Spread, Workload};
use crate::runner::Design;

/// The zk rollup: batches of `batch_size` slots in a 4-ary tree of `2^depth` accounts, public data in
/// calldata or blobs, proved for real.
#[derive(Debug, Clone)]
pub struct ZkDesign {
    /// Slots per batch.
    pub batch_size: usize,
    /// Account-tree depth in bits (a multiple of 2: the tree is 4-ary).
    pub depth: u32,
    /// Where public data goes.
    pub mode: DataMode,
    /// Keys of this shape to reuse, or `None` for a seeded (insecure, development) setup in every run.
    pub keys: Option<Keys>,
    last: Option<ZkReport>,
}

impl ZkDesign {
    /// A zk rollup of this shape, set up afresh (seeded) when it runs.
    pub fn new(batch_size: usize, depth: u32, mode: DataMode) -> Self {
        ZkDesign { batch_size, depth, mode, keys: None, last: None }
    }

    /// The same, proving with `keys` (their shape must be this design's).
    pub fn with_keys(mut self, keys: Keys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// The scenario's full report of the last run, for figures [`DesignMetrics`] does not hold.
    pub fn last_report(&self) -> Option<&ZkReport> {
        self.last.as_ref()
    }

    /// The scenario a workload becomes.
    pub fn scenario(&self, workload: &Workload) -> ZkScenario {
        ZkScenario {
            accounts: workload.accounts,
            txs: workload.txs,
            batch_size: self.batch_size,
            depth: self.depth,
            arity: Arity::Quaternary,
            mode: self.mode,
            seed: workload.seed,
            withdrawal_share: workload.withdrawal_share,
            seconds_between_txs: workload.seconds_between_txs,
            deposit_wei: ETHER,
        }
    }

    /// Maps a zk scenario's report into the comparison's metrics on `chain`.
    pub fn metrics(&self, report: &ZkReport, chain: &ChainConfig) -> Result<DesignMetrics> {
        let name = self.name().to_string();
        if report.eth_funded != report.eth_accounted || !report.contract_backs_l2 {
            return Err(CompareError::Design {
                design: name,
                why: format!(
                    "ETH is not conserved: funded {} wei, accounted {} wei, contract backs L2: {}",
                    report.eth_funded, report.eth_accounted, report.contract_backs_l2
                ),
            });
        }
        if report.txs == 0 {
            return Err(CompareError::Design { design: name, why: "no transaction was committed".into() });
        }
        let txs = report.txs as f64;
        let batch_size = report.scenario.batch_size;
        let batch_bytes = batch_size * PUBDATA_SLOT_BYTES;
        let l1_bytes_per_tx = (report.batches * batch_bytes) as f64 / txs;
        let uses_blobs = report.scenario.mode == DataMode::Blobs;
        let blob_gas_per_tx =
            if uses_blobs { (report.batches * blobs_for(batch_bytes)) as f64 * GAS_PER_BLOB as f64 / txs } else { 0.0 };
        let (tps, basis) = throughput_ceiling(chain, report.l1_gas_per_tx, uses_blobs.then_some(l1_bytes_per_tx));
        let deadline = ZkRollupParams::DEFAULT_PRIORITY_DEADLINE;
        let worst = deadline + chain.slot_seconds + max_l1_finality_seconds(chain);
        let days = deadline as f64 / 86_400.0;
        Ok(DesignMetrics {
            name,
            txs: report.txs,
            l1_gas_per_tx: report.l1_gas_per_tx,
            blob_gas_per_tx,
            l1_bytes_per_tx,
            uses_blobs,
            soft_confirmation_seconds: Spread::exact(0.0),
            inclusion_seconds: report.inclusion_seconds.into(),
            finality_seconds: report.finality_seconds.into(),
            withdrawal_latency_seconds: report.withdrawal_latency_seconds.into(),
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: 0,
            capital_locked_seconds: 0.0,
            trust: format!(
                "validity proofs: trust the math and the setup (this run's setup is seeded, development only); \
                 liveness needs the operator, or exodus after {days:.0} days"
            ),
            user_duties: "none to stay safe; to leave a censoring operator, exit with a Merkle proof once exodus \
                          mode is on"
                .into(),
            worst_case_under_attack: Some(format!(
                "the operator censors or stops: a queued deposit passes the {days:.0}-day priority deadline, anyone \
                 switches the contract to exodus mode, and each user exits with a Merkle proof of the last verified \
                 state (one L1 transaction, final at most {} s later)",
                max_l1_finality_seconds(chain)
            )),
            worst_case_seconds: Some(worst as f64),
            notes: vec![
                "soft confirmation: the operator accepts a transaction when it arrives; the simulation models no \
                 network or queueing delay, so 0 s"
                    .into(),
                format!(
                    "inclusion includes the real proving time of each batch on this machine ({} threads)",
                    report.threads
                ),
                "finality: L1 finality of the block with the verified batch; validity proofs need no challenge window"
                    .into(),
                "withdrawal latency: the owner claims right after the batch is verified on L1".into(),
                "L1 gas per tx: the commit transactions (proof verification included) over the L2 transactions in \
                 them; deposit and withdraw transactions are listed apart"
                    .into(),
            ],
            details: vec![
                Detail::new("batch size (slots)", batch_size.to_string()),
                Detail::new("tree depth (bits)", report.scenario.depth.to_string()),
                Detail::new("constraints per batch", report.constraints.to_string()),
                Detail::new("setup (s)", format!("{:.2}", report.setup_seconds)),
                Detail::new("prove per batch, median (s)", format!("{:.2}", report.prove_seconds_per_batch.median)),
                Detail::new("prover threads", report.threads.to_string()),
                Detail::new("batches", report.batches.to_string()),
                Detail::new("deposits / withdrawals", format!("{} / {}", report.deposits, report.withdrawals)),
                Detail::new("deposit tx gas (mean)", format!("{:.0}", report.deposit_gas)),
                Detail::new("withdraw tx gas (mean)", format!("{:.0}", report.withdraw_gas)),
            ],
        })
    }
}

impl Design for ZkDesign {
    fn name(&self) -> &str {
        match self.mode {
            DataMode::Calldata => "zk rollup (calldata)",
            DataMode::Blobs => "zk rollup (blobs)",
        }
    }

    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> Result<DesignMetrics> {
        if *chain != ChainConfig::default() {
            return Err(CompareError::Config(
                "the zk scenario (zk_rollup::simulation::run_zk) simulates the default chain only".into(),
            ));
        }
        let scenario = self.scenario(workload);
        let prover = self.keys.clone().map(Prover::new);
        let report = run_zk(&scenario, prover, rng, progress)?;
        let metrics = self.metrics(&report, chain)?;
        self.last = Some(report);
        Ok(metrics)
    }
}
