//! The optimistic rollup as a [`Design`]: the workload through [`optimistic::run`] twice on the same L1
//! parameters — once with an honest proposer (the everyday figures), once with a proposer that lies at
//! the first transaction and an honest challenger who disputes it (the worst case: a dispute played out,
//! the false assertion rolled back, the honest state confirmed after it).

use l1_contract_sim::ChainConfig;
use ledger::{Arity, TreeShape};
use optimistic::{ChallengerBehaviour, Lie, LiePlan, ProposerBehaviour, Report, Scenario};
use prover::Progress;

use crate::error::{CompareError, Result};
use crate::metrics::{throughput_ceiling, DesignMetrics, Detail, SimRng, Workload};
use crate::runner::Design;

/// The optimistic rollup: assertions of `batch_size` transactions over a 4-ary tree of `2^depth`
/// accounts, k-ary dissection, the contract's default window, clocks and bonds.
#[derive(Debug, Clone)]
pub struct OptimisticDesign {
    /// Transactions per assertion.
    pub batch_size: usize,
    /// Account-tree depth in bits.
    pub depth: u32,
    /// Parts per dissection move (2: binary bisection).
    pub dissection: u32,
    last: Option<(Report, Report)>,
}

impl OptimisticDesign {
    /// An optimistic rollup of this shape.
    pub fn new(batch_size: usize, depth: u32, dissection: u32) -> Self {
        OptimisticDesign { batch_size, depth, dissection, last: None }
    }

    /// The last run's reports: (honest, under attack).
    pub fn last_reports(&self) -> Option<&(Report, Report)> {
        self.last.as_ref()
    }

    /// The honest scenario a workload becomes.
    pub fn scenario(&self, workload: &Workload) -> Result<Scenario> {
        let tree = TreeShape::new(self.depth, Arity::Quaternary)
            .map_err(|e| CompareError::Design { design: self.name().into(), why: e.to_string() })?;
        Ok(Scenario {
            tree,
            users: workload.accounts,
            deposit_units: 1_000_000_000,
            l2_txs: workload.txs,
            withdrawal_share: workload.withdrawal_share,
            batch_size: self.batch_size,
            tx_interval_seconds: workload.seconds_between_txs,
            dissection: self.dissection,
            ..Scenario::default()
        })
    }

    /// Maps the two runs into the comparison's metrics, for `workload` (its network delay gives the soft
    /// confirmation).
    pub fn metrics(
        &self,
        honest: &Report,
        attacked: &Report,
        scenario: &Scenario,
        workload: &Workload,
        chain: &ChainConfig,
    ) -> Result<DesignMetrics> {
        let name = self.name().to_string();
        for (what, r) in [("honest run", honest), ("attack run", attacked)] {
            if !r.eth_conserved || !r.contract_solvent || r.false_root_confirmed || !r.honest_won_every_dispute {
                return Err(CompareError::Design {
                    design: name,
                    why: format!(
                        "{what}: conserved {}, solvent {}, false root confirmed {}, honest won {}",
                        r.eth_conserved, r.contract_solvent, r.false_root_confirmed, r.honest_won_every_dispute
                    ),
                });
            }
        }
        if honest.l2_txs == 0 {
            return Err(CompareError::Design { design: name, why: "no transaction was carried".into() });
        }
        let window = scenario.challenge_window_seconds as f64;
        let (tps, basis) = throughput_ceiling(chain, honest.l1_gas_per_tx, None);
        let days = window / 86_400.0;
        let game = attacked.games.first();
        Ok(DesignMetrics {
            name,
            not_applicable: Vec::new(),
            other_bound: None,
            waits_for_l1_finality: false,
            txs: honest.l2_txs,
            l1_gas_per_tx: honest.l1_gas_per_tx,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: honest.l1_calldata_bytes as f64 / honest.l2_txs as f64,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: workload.soft_confirmation(),
            inclusion_seconds: honest.inclusion_seconds.into(),
            finality_seconds: honest.finality_seconds.into(),
            withdrawal_latency_seconds: honest.withdrawal_latency_seconds.into(),
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: scenario.proposer_bond,
            capital_locked_seconds: window,
            trust: format!(
                "fraud proofs: one honest, online watcher (1-of-N) must check every assertion within the {days:.0}-day \
                 window; with none, a false root is confirmed"
            ),
            user_duties: "watch, or trust that somebody watches; wait out the window to withdraw".into(),
            worst_case_under_attack: Some(format!(
                "a lying proposer: an honest challenger disputes it ({} moves, {} L1 transactions, {} gas, {} wei \
                 slashed); the false assertion and those built on it are removed and the honest state confirms {:.1} \
                 days after submission at worst",
                game.map_or(0, |g| g.rounds),
                attacked.dispute_l1_txs,
                attacked.dispute_gas,
                attacked.bond_slashed,
                attacked.finality_seconds.max / 86_400.0
            )),
            worst_case_seconds: Some(attacked.finality_seconds.max),
            notes: vec![
                workload.soft_confirmation_note(),
                "inclusion: recorded, from a transaction's arrival to the L1 block of the assertion that holds it"
                    .into(),
                format!(
                    "L1 gas and bytes per tx: the proposals and confirmations ({} bytes of calldata as sent, signed \
                     transactions included) over the L2 transactions in them; deposits and disputes are listed apart",
                    honest.l1_calldata_bytes
                ),
                "L2 transactions: the users' deposits, the workload's transactions and the proposer's own deposit \
                 (it opens an L2 account of its own)"
                    .into(),
                format!("capital locked: the proposer's bond for each assertion's {days:.0}-day window"),
            ],
            details: vec![
                Detail::new("transactions per assertion", self.batch_size.to_string()),
                Detail::new("dissection (parts per move)", self.dissection.to_string()),
                Detail::new("assertions (honest run)", honest.assertions.to_string()),
                Detail::new("disputes (attack run)", attacked.disputes.to_string()),
                Detail::new("dispute gas (attack run)", attacked.dispute_gas.to_string()),
                Detail::new("bond slashed (wei)", attacked.bond_slashed.to_string()),
            ],
        })
    }
}

impl Design for OptimisticDesign {
    fn name(&self) -> &str {
        "optimistic rollup"
    }

    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> Result<DesignMetrics> {
        super::require_default_chain(self.name(), chain)?;
        let scenario = self.scenario(workload)?;
        let wrap = |e: optimistic::OptimisticError| CompareError::Design {
            design: "optimistic rollup".into(),
            why: e.to_string(),
        };
        progress.stage("optimistic rollup: honest proposer");
        let honest = optimistic::run(&scenario, rng).map_err(wrap)?;
        progress.stage("optimistic rollup: lying proposer, honest challenger");
        let lying = Scenario {
            proposer: ProposerBehaviour::Lying(LiePlan { batch: 0, step: 0, lie: Lie::WrongRoot, stall: false }),
            challengers: vec![ChallengerBehaviour::Honest],
            ..scenario.clone()
        };
        // The same plan again: the attack run replays the honest run's transactions.
        let attacked = optimistic::run(&lying, &mut workload.rng()).map_err(wrap)?;
        let metrics = self.metrics(&honest, &attacked, &scenario, workload, chain)?;
        self.last = Some((honest, attacked));
        Ok(metrics)
    }
}
