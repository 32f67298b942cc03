//! The proof-of-stake sidechain as a [`Design`]: the workload through [`sidechain::run`] twice on the same
//! L1 parameters: once honest (the everyday figures: BFT commits, ECDSA checkpoints every K blocks, withdrawals
//! paid after the checkpoint is final on L1), once with a coalition holding up to 70% of the stake that signs
//! a forged checkpoint (the worst case: the bridge drained).

use l1_contract_sim::ChainConfig;
use ledger::{Arity, TreeShape};
use prover::Progress;
use sidechain::{Attack, Report, Scenario, SignatureScheme};

use crate::error::{CompareError, Result};
use crate::metrics::{throughput_ceiling, DesignMetrics, Detail, NotApplicable, SimRng, Workload};
use crate::runner::Design;

/// The coalition's share of stake in the worst-case run: 70% first; larger if the random coalition under
/// 70% happens to hold 2/3 or less (small sets with large validators).
const COALITION_SHARES: [f64; 3] = [0.7, 0.8, 1.0];

/// The sidechain: `validators` validators with seeded stakes, a checkpoint every `checkpoint_every` blocks
/// signed in `scheme`, over a 4-ary tree of `2^depth` accounts.
#[derive(Debug, Clone)]
pub struct SidechainDesign {
    /// Validators in the set.
    pub validators: usize,
    /// Blocks per checkpoint.
    pub checkpoint_every: u64,
    /// How checkpoints are signed.
    pub scheme: SignatureScheme,
    /// Account-tree depth in bits.
    pub depth: u32,
    last: Option<(Report, Report)>,
}

impl SidechainDesign {
    /// A sidechain of this shape.
    pub fn new(validators: usize, checkpoint_every: u64, scheme: SignatureScheme, depth: u32) -> Self {
        SidechainDesign { validators, checkpoint_every, scheme, depth, last: None }
    }

    /// Polygon PoS's shape: 100 validators, a checkpoint every 256 blocks, ECDSA signatures.
    pub fn polygon_like(depth: u32) -> Self {
        SidechainDesign::new(100, 256, SignatureScheme::Ecdsa, depth)
    }

    /// The last run's reports: (honest, colluding supermajority).
    pub fn last_reports(&self) -> Option<&(Report, Report)> {
        self.last.as_ref()
    }

    /// The honest scenario a workload becomes.
    pub fn scenario(&self, workload: &Workload) -> Result<Scenario> {
        let tree = TreeShape::new(self.depth, Arity::Quaternary)
            .map_err(|e| CompareError::Design { design: self.name().into(), why: e.to_string() })?;
        Ok(Scenario {
            validators: self.validators,
            checkpoint_every: self.checkpoint_every,
            scheme: self.scheme,
            tree,
            users: workload.accounts,
            deposit_units: 1_000_000_000,
            l2_txs: workload.txs,
            withdrawal_share: workload.withdrawal_share,
            tx_interval_seconds: workload.seconds_between_txs,
            ..Scenario::default()
        })
    }

    /// Maps the two runs into the comparison's metrics.
    pub fn metrics(
        &self,
        honest: &Report,
        attacked: &Report,
        scenario: &Scenario,
        workload: &Workload,
        chain: &ChainConfig,
    ) -> Result<DesignMetrics> {
        let name = self.name().to_string();
        if !honest.eth_conserved || !honest.bridge_solvent || honest.halted || honest.unbacked_wei != 0 {
            return Err(CompareError::Design { design: name, why: format!("the honest run went wrong: {honest:?}") });
        }
        if honest.withdrawals_paid != honest.withdrawals || honest.l2_txs == 0 {
            return Err(CompareError::Design { design: name, why: "a withdrawal was not paid".into() });
        }
        let theft = attacked.theft.as_ref().filter(|t| t.forged_checkpoint_accepted);
        let Some(theft) = theft else {
            return Err(CompareError::Design { design: name, why: "no coalition drained the bridge".into() });
        };
        let (tps, basis) = throughput_ceiling(chain, honest.l1_gas_per_tx, None);
        let interval = scenario.checkpoint_every as f64 * scenario.consensus.block_time_ms as f64 / 1000.0;
        let eth = |wei: u128| wei as f64 / 1e18;
        Ok(DesignMetrics {
            name,
            not_applicable: vec![NotApplicable::new(
                "worst_case_seconds",
                "a colluding supermajority's theft from the bridge is permanent: there is no delay to recovery",
            )],
            other_bound: None,
            waits_for_l1_finality: true,
            txs: honest.l2_txs,
            l1_gas_per_tx: honest.l1_gas_per_tx,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: honest.checkpoint_calldata_bytes as f64 / honest.l2_txs as f64,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: workload.soft_confirmation(),
            inclusion_seconds: honest.checkpoint_inclusion_seconds.into(),
            finality_seconds: honest.checkpoint_finality_seconds.into(),
            withdrawal_latency_seconds: honest.withdrawal_latency_seconds.into(),
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: honest.total_stake,
            capital_locked_seconds: interval,
            trust: format!(
                "more than 2/3 of the stake honest for safety ({}-of-{}: the {} largest validators hold more than 2/3), \
                 and less than 1/3 offline for liveness; the bridge checks signatures, never the state",
                honest.supermajority_validators, honest.validators, honest.supermajority_validators
            ),
            user_duties: "none can help: users cannot exit on their own or dispute a checkpoint; they wait for a \
                          checkpoint and its L1 finality to withdraw"
                .into(),
            worst_case_under_attack: Some(format!(
                "bridge drained: {} validators with {:.0}% of the stake sign a forged checkpoint and take {:.4} ETH \
                 (every deposit, from {} users) in {} s over {} L1 transactions; nothing on L1 shows it wrong, no \
                 stake is slashed, and the users' sidechain balances are left unbacked for good",
                theft.coalition_validators,
                theft.coalition_stake as f64 / theft.total_stake.max(1) as f64 * 100.0,
                eth(theft.stolen_wei),
                theft.victims.len(),
                theft.seconds_to_drain,
                theft.l1_txs
            )),
            worst_case_seconds: None,
            notes: vec![
                workload.soft_confirmation_note(),
                format!(
                    "soft finality on the sidechain: a BFT commit, median {:.1} s and at most {:.1} s after a \
                     transaction reaches the validators (measured; final on the sidechain while more than 2/3 of the \
                     stake is honest)",
                    honest.soft_finality_seconds.median, honest.soft_finality_seconds.max
                ),
                "inclusion and finality: recorded, to the L1 block of the checkpoint covering the transaction and \
                 to that block's L1 finality"
                    .into(),
                format!(
                    "L1 gas and bytes per tx: the checkpoint submissions ({} of them, {} gas median, {} signatures of \
                     {} validators) over the L2 transactions they cover, deposits included; a checkpoint costs the \
                     same whatever it covers, so a busier chain pays less per transaction",
                    honest.checkpoints,
                    honest.checkpoint_gas,
                    scenario.scheme.name(),
                    honest.validators
                ),
                format!(
                    "capital: the validators' stake ({:.0} ETH), bonded while they validate; the figure of time is one \
                     checkpoint interval ({interval:.0} s); the stake does not back the deposits",
                    eth(honest.total_stake)
                ),
                "worst case: from a second run with a coalition of up to 70% of the stake (more if that is not \
                 above 2/3) forging the first checkpoint"
                    .into(),
            ],
            details: vec![
                Detail::new("validators", honest.validators.to_string()),
                Detail::new("blocks per checkpoint", scenario.checkpoint_every.to_string()),
                Detail::new("signature scheme", scenario.scheme.name()),
                Detail::new("checkpoint gas (median)", honest.checkpoint_gas.to_string()),
                Detail::new("BFT soft finality, median (s)", format!("{:.1}", honest.soft_finality_seconds.median)),
                Detail::new("BFT soft finality, max (s)", format!("{:.1}", honest.soft_finality_seconds.max)),
                Detail::new("sidechain blocks (honest run)", honest.blocks.to_string()),
                Detail::new("stolen in the collusion run (wei)", attacked.stolen_wei.to_string()),
                Detail::new("validators holding > 2/3 of stake", honest.supermajority_validators.to_string()),
            ],
        })
    }
}

impl Design for SidechainDesign {
    fn name(&self) -> &str {
        "sidechain (PoS bridge)"
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
        let wrap = |e: sidechain::SidechainError| CompareError::Design {
            design: "sidechain (PoS bridge)".into(),
            why: e.to_string(),
        };
        progress.stage("sidechain: honest validators");
        let honest = sidechain::run(&scenario, rng).map_err(wrap)?;
        progress.stage("sidechain: a coalition of 70% of the stake forges a checkpoint");
        // The same plan and validators again: the attack replays the honest run's start. The coalition is
        // picked at random up to the share; if that leaves it at 2/3 or below, a larger share is tried.
        let mut attacked = None;
        for share in COALITION_SHARES {
            let colluding = Scenario { attack: Attack::Collude { stake_fraction: share }, ..scenario.clone() };
            let report = sidechain::run(&colluding, &mut workload.rng()).map_err(wrap)?;
            let drained = report.theft.as_ref().is_some_and(|t| t.forged_checkpoint_accepted);
            attacked = Some(report);
            if drained {
                break;
            }
        }
        let attacked = attacked.ok_or_else(|| CompareError::Design {
            design: "sidechain (PoS bridge)".into(),
            why: "no collusion run".into(),
        })?;
        let metrics = self.metrics(&honest, &attacked, &scenario, workload, chain)?;
        self.last = Some((honest, attacked));
        Ok(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_workload_maps_into_a_row_with_the_drained_bridge_as_worst_case() {
        let workload = Workload { txs: 4, withdrawal_share: 1.0, ..Workload::default() };
        let mut design = SidechainDesign::new(20, 16, SignatureScheme::Ecdsa, 4);
        let m =
            design.run(&workload, &ChainConfig::default(), &mut workload.rng(), &mut ledger::progress::Silent).unwrap();
        let (honest, attacked) = design.last_reports().unwrap();
        assert_eq!(m.txs, honest.l2_txs);
        assert_eq!(m.txs, workload.accounts as usize + workload.txs);
        assert!(m.l1_gas_per_tx > 0.0 && m.l1_bytes_per_tx > 0.0);
        // L1 inclusion of the checkpoint, then its finality 13 to 19 minutes later, then the withdrawal.
        assert!(m.inclusion_seconds.max < m.finality_seconds.median);
        assert!(honest.withdrawals_paid == 4 && m.withdrawal_latency_seconds.median >= 13.0 * 60.0, "{m:?}");
        assert_eq!(m.capital_locked_wei, honest.total_stake);
        assert!(m.trust.contains("more than 2/3 of the stake"));
        assert!(attacked.stolen_wei > 0);
        assert!(m.worst_case_under_attack.unwrap().contains("bridge drained"));
    }
}
