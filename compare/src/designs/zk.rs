//! The zk rollup as a [`Design`]: the workload through [`zk_rollup::simulation::run_zk`], with real proofs
//! verified by the contract on the simulated L1, and the same shape through
//! [`zk_rollup::simulation::run_exodus`] (the operator censors, users exit with Merkle proofs), whose
//! measured timeline is the worst case under attack. Both runs share one setup.

use l1_contract_sim::{ChainConfig, ETHER};
use ledger::Arity;
use prover::{setup, Keys, Progress, Prover, SetupKind};
use zk_rollup::simulation::{run_exodus, run_zk, ExodusReport, ZkReport, ZkScenario};
use zk_rollup::{DataMode, ZkRollupParams};

use crate::error::{CompareError, Result};
use crate::metrics::{
    max_l1_finality_seconds, throughput_ceiling, DesignMetrics, Detail, OtherBound, SimRng, Workload,
};
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
    last: Option<(ZkReport, ExodusReport)>,
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
        self.last.as_ref().map(|(r, _)| r)
    }

    /// The exodus run's report of the last run (where [`DesignMetrics::worst_case_seconds`] comes from).
    pub fn last_exodus(&self) -> Option<&ExodusReport> {
        self.last.as_ref().map(|(_, e)| e)
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

    /// Maps a zk scenario's report and its exodus run into the comparison's metrics on `chain`, for
    /// `workload` (its network delay gives the soft confirmation).
    pub fn metrics(
        &self,
        report: &ZkReport,
        exodus: &ExodusReport,
        workload: &Workload,
        chain: &ChainConfig,
    ) -> Result<DesignMetrics> {
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
        let everyone_out = exodus.exits == exodus.accounts as usize && exodus.wei_left_in_contract == 0;
        if !everyone_out || !exodus.reconstructed_root_matches || !exodus.double_exit_refused {
            return Err(CompareError::Design {
                design: name,
                why: format!(
                    "exodus: {} of {} users exited, {} wei left in the contract, root rebuilt: {}, double exit \
                     refused: {}",
                    exodus.exits,
                    exodus.accounts,
                    exodus.wei_left_in_contract,
                    exodus.reconstructed_root_matches,
                    exodus.double_exit_refused
                ),
            });
        }
        let txs = report.txs as f64;
        let batch_size = report.scenario.batch_size;
        let uses_blobs = report.scenario.mode == DataMode::Blobs;
        let l1_bytes_per_tx = (report.l1_calldata_bytes + report.l1_blob_bytes) as f64 / txs;
        let blob_bytes_per_tx = report.l1_blob_bytes as f64 / txs;
        let blob_gas_per_tx = report.l1_blob_gas_total as f64 / txs;
        let (tps, basis) = throughput_ceiling(chain, report.l1_gas_per_tx, uses_blobs.then_some(blob_bytes_per_tx));
        let deadline_days = ZkRollupParams::DEFAULT_PRIORITY_DEADLINE as f64 / 86_400.0;
        let exodus_days = exodus.seconds_to_exodus as f64 / 86_400.0;
        let worst = exodus.seconds_until_everyone_out_final as f64;
        let prove = report.prove_seconds_per_batch.median;
        let other_bound = (prove > 0.0).then(|| OtherBound {
            name: "proving time".into(),
            unit: "tx/s".into(),
            fixed_tps: Some(batch_size as f64 / prove),
            l1_gas_per_unit: None,
            window_seconds: None,
            basis: format!(
                "computed: {batch_size} slots per batch / {prove:.2} s measured to prove one batch ({} threads), \
                 one prover; more provers in parallel raise it",
                report.threads
            ),
        });
        Ok(DesignMetrics {
            name,
            not_applicable: Vec::new(),
            other_bound,
            waits_for_l1_finality: true,
            txs: report.txs,
            l1_gas_per_tx: report.l1_gas_per_tx,
            blob_gas_per_tx,
            l1_bytes_per_tx,
            blob_bytes_per_tx,
            uses_blobs,
            soft_confirmation_seconds: workload.soft_confirmation(),
            inclusion_seconds: report.inclusion_seconds.into(),
            finality_seconds: report.finality_seconds.into(),
            withdrawal_latency_seconds: report.withdrawal_latency_seconds.into(),
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: 0,
            capital_locked_seconds: 0.0,
            trust: format!(
                "validity proofs: trust the math and the setup (this run's setup is seeded, development only); \
                 liveness needs the operator, or exodus after {deadline_days:.0} days"
            ),
            user_duties: "none to stay safe; to leave a censoring operator, exit with a Merkle proof once exodus \
                          mode is on"
                .into(),
            worst_case_under_attack: Some(format!(
                "the operator censors and stops (exodus run, same shape): {} censored deposits wait until the \
                 contract enters exodus mode {:.1} days after the oldest of them; {} users rebuild the state from L1 \
                 data and exit with Merkle proofs ({:.0} gas each), {} deposits are refunded, and the last exit or \
                 refund is final on L1 {:.1} days after the oldest censored deposit",
                exodus.censored_deposits,
                exodus_days,
                exodus.exits,
                exodus.exit_gas,
                exodus.refunds,
                worst / 86_400.0
            )),
            worst_case_seconds: Some(worst),
            notes: vec![
                workload.soft_confirmation_note(),
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
                format!(
                    "L1 bytes per tx: the commit transactions' calldata as sent ({} bytes{}) over the L2 \
                     transactions in them",
                    report.l1_calldata_bytes,
                    if uses_blobs {
                        format!(", plus {} bytes of blob payload", report.l1_blob_bytes)
                    } else {
                        String::new()
                    }
                ),
                "L2 transactions: the users' deposits and the workload's transactions (padding slots excluded)".into(),
                format!(
                    "worst case: measured by the exodus run (its own timeline, the L1 at most {} s from inclusion \
                     to finality)",
                    max_l1_finality_seconds(chain)
                ),
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
                Detail::new("commit calldata (bytes)", report.l1_calldata_bytes.to_string()),
                Detail::new("commit blob payload (bytes)", report.l1_blob_bytes.to_string()),
                Detail::new("exodus after (s)", exodus.seconds_to_exodus.to_string()),
                Detail::new("exodus: everyone out, final (s)", exodus.seconds_until_everyone_out_final.to_string()),
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
        // One setup for both runs (what run_zk would make itself without keys).
        let (keys, setup_seconds) = match &self.keys {
            Some(keys) => (keys.clone(), 0.0),
            None => {
                let keys = setup(scenario.shape()?, SetupKind::InsecureSeeded(scenario.seed), rng, progress)?;
                let seconds = keys.meta.setup_seconds;
                (keys, seconds)
            }
        };
        progress.stage(&format!("{}: deposits, transactions, proved batches", self.name()));
        let mut report = run_zk(&scenario, Some(Prover::new(keys.clone())), rng, progress)?;
        report.setup_seconds = setup_seconds;
        progress.stage(&format!("{}: exodus (the operator censors)", self.name()));
        let exodus = run_exodus(&scenario, Some(Prover::new(keys)), rng, progress)?;
        let metrics = self.metrics(&report, &exodus, workload, chain)?;
        self.last = Some((report, exodus));
        Ok(metrics)
    }
}
