//! Payment channels as a [`Design`]: the workload's users become the nodes of a seeded random channel
//! network ([`channels::run`]), each putting its deposit into its channels (split evenly among them); each
//! transfer becomes a payment routed over the network with HTLCs; the withdrawals become the cooperative
//! closes every channel ends with (a channel returns everything to L1 at once; there is no partial
//! withdrawal without closing or splicing). Run twice: honestly, and with a node that broadcasts a revoked
//! state while its victim is offline for longer than the window but has a watchtower (the worst case).

use channels::driver::{Cheat, PaymentSpec, Roles};
use channels::network::{random_graph, ChannelSpec, GraphConfig};
use channels::{Params, Report, Scenario};
use l1_contract_sim::{ChainConfig, Wei, GWEI};
use ledger::workload::{Mix, Plan};
use ledger::{Arity, ChainId, Transaction, TreeShape, TxAmount};
use prover::Progress;

use crate::error::{CompareError, Result};
use crate::metrics::{throughput_ceiling, DesignMetrics, Detail, NotApplicable, SimRng, Spread, Workload};
use crate::runner::Design;

/// Units each user deposits, as in the optimistic design (one unit is one gwei: 1 ETH each).
pub const DEPOSIT_UNITS: u64 = 1_000_000_000;

/// How the workload's transactions were mapped: those that are no routed payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping {
    /// Transfers from a user to itself (nothing to route).
    pub self_transfers: usize,
    /// Withdrawals (they become the closes).
    pub withdrawals: usize,
}

/// Payment channels with the default protocol parameters (`to_self_delay` 144 blocks, `cltv_expiry_delta`
/// 48) and the workload's network delay per message.
#[derive(Debug, Clone, Default)]
pub struct ChannelsDesign {
    last: Option<(Report, Report)>,
}

impl ChannelsDesign {
    /// The design.
    pub fn new() -> Self {
        ChannelsDesign::default()
    }

    /// The last run's reports: (honest, under attack).
    pub fn last_reports(&self) -> Option<&(Report, Report)> {
        self.last.as_ref()
    }

    fn err(why: impl ToString) -> CompareError {
        CompareError::Design { design: "payment channels".into(), why: why.to_string() }
    }

    /// The scenario a workload becomes, and how many of its transfers were to the payer itself (nothing to
    /// route) and how many were withdrawals.
    pub fn scenario(workload: &Workload, rng: &mut SimRng) -> Result<(Scenario, Mapping)> {
        let depth = (u32::BITS - workload.accounts.saturating_sub(1).leading_zeros()).max(1);
        let tree = TreeShape::new(depth, Arity::Binary)?;
        let mix = Mix { withdrawal_share: workload.withdrawal_share };
        let plan = Plan::generate(
            tree,
            ChainId::DEFAULT,
            workload.accounts,
            TxAmount::new(DEPOSIT_UNITS)?,
            workload.txs,
            mix,
            rng,
        )?;
        let nodes = workload.accounts as usize;
        let deposit: Wei = Wei::from(DEPOSIT_UNITS) * GWEI;
        let graph = GraphConfig {
            nodes,
            extra_channels: nodes / 2,
            min_deposit: 1,
            max_deposit: 1,
            max_fee_base_wei: 1_000_000_000,
            max_fee_ppm: 1_000,
        };
        let mut specs: Vec<ChannelSpec> = random_graph(&graph, rng);
        let mut degree = vec![0u128; nodes];
        for c in &specs {
            degree[c.a] += 1;
            degree[c.b] += 1;
        }
        for c in &mut specs {
            c.deposit_a = deposit / degree[c.a].max(1);
            c.deposit_b = deposit / degree[c.b].max(1);
        }
        let (mut to_self, mut withdrawals) = (0, 0);
        let mut payments = Vec::new();
        for (i, tx) in plan.txs.iter().enumerate() {
            match tx {
                Transaction::Transfer(t) if t.from == t.to => to_self += 1,
                Transaction::Transfer(t) => payments.push(PaymentSpec {
                    from: t.from.value() as usize,
                    to: t.to.value() as usize,
                    amount: Wei::from(t.amount.units()) * GWEI,
                    at_seconds: i as u64 * workload.seconds_between_txs,
                }),
                _ => withdrawals += 1,
            }
        }
        let params =
            Params { hop_delay_ms: (workload.network_delay_seconds * 1000.0).round() as u64, ..Params::default() };
        let mapping = Mapping { self_transfers: to_self, withdrawals };
        Ok((Scenario { nodes, channels: specs, payments, roles: Roles::default(), params }, mapping))
    }

    /// The attack run's scenario: the payer of the first payment closes its channel on its best revoked state
    /// once the payments are done, while its victim is offline for longer than the window; every honest node
    /// has a watchtower.
    pub fn attacked(honest: &Scenario, workload: &Workload) -> Scenario {
        let cheater = honest.payments.first().map_or(0, |p| p.from);
        let end = honest.payments.len() as u64 * workload.seconds_between_txs;
        let window = honest.params.to_self_delay * ChainConfig::default().slot_seconds;
        let roles = Roles {
            cheaters: vec![Cheat { node: cheater, at_seconds: end + 60, victim_offline_seconds: window + 600 }],
            watchtowers: (0..honest.nodes).filter(|&n| n != cheater).collect(),
            ..Roles::default()
        };
        Scenario { roles, ..honest.clone() }
    }

    /// Maps the two runs into the comparison's metrics.
    pub fn metrics(
        &self,
        honest: &Report,
        attacked: &Report,
        scenario: &Scenario,
        workload: &Workload,
        chain: &ChainConfig,
        mapping: Mapping,
    ) -> Result<DesignMetrics> {
        let Mapping { self_transfers: to_self, withdrawals } = mapping;
        for (what, r) in [("honest run", honest), ("attack run", attacked)] {
            if !r.eth_conserved || !r.atomic || !r.honest_losers.is_empty() {
                return Err(Self::err(format!(
                    "{what}: conserved {}, atomic {}, covered honest losers {:?}",
                    r.eth_conserved, r.atomic, r.honest_losers
                )));
            }
        }
        // The workload's transactions: one deposit per user (its channel funding), the transfers (payments,
        // self-transfers included) and the withdrawals (the closes).
        let txs = workload.accounts as usize + workload.txs;
        let gas_per_tx = honest.l1_gas as f64 / txs as f64;
        let (tps, basis) = throughput_ceiling(chain, gas_per_tx, None);
        let capacity: Wei = scenario.channels.iter().map(|c| c.deposit_a + c.deposit_b).sum();
        let window = scenario.params.to_self_delay * chain.slot_seconds;
        // With no payment routed (every transfer to the payer itself, or a withdrawal), nothing was measured:
        // the one-hop latency is given instead, modelled (3 messages to add the HTLC, 1 for the preimage).
        let one_hop = 4.0 * scenario.params.hop_delay_ms as f64 / 1000.0;
        let measured = honest.payment_latency_seconds.count > 0;
        let latency = if measured {
            Spread { median: honest.payment_latency_seconds.median, max: honest.payment_latency_seconds.max }
        } else {
            Spread::exact(one_hop)
        };
        let by_size: Vec<String> = honest
            .success_by_size
            .iter()
            .filter(|b| b.payments > 0)
            .map(|b| {
                let bound = if b.up_to_wei == Wei::MAX {
                    "larger".to_string()
                } else {
                    format!("<= {} ETH", b.up_to_wei as f64 / 1e18)
                };
                format!("{bound}: {}/{}", b.succeeded, b.payments)
            })
            .collect();
        Ok(DesignMetrics {
            name: self.name().to_string(),
            not_applicable: vec![NotApplicable::new(
                "inclusion_seconds",
                "payments are off-chain: only channel opens and closes reach the L1",
            )],
            other_bound: None,
            waits_for_l1_finality: false,
            txs,
            l1_gas_per_tx: gas_per_tx,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: honest.l1_calldata_bytes as f64 / txs as f64,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: latency,
            inclusion_seconds: Spread::exact(0.0),
            finality_seconds: latency,
            withdrawal_latency_seconds: Spread { median: honest.withdrawal_seconds.median, max: honest.withdrawal_seconds.max },
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: capacity,
            capital_locked_seconds: if capacity == 0 { 0.0 } else { honest.capital_locked_wei_seconds as f64 / capacity as f64 },
            trust: format!(
                "none beyond the counterparty's signature: each party, or its watchtower, must be online within every \
                 {}-block ({:.0}-minute) dispute window to punish a revoked state, and register a preimage on L1 \
                 before its HTLC expires when a peer is unresponsive",
                scenario.params.to_self_delay,
                window as f64 / 60.0
            ),
            user_duties: "lock capital in channels in advance; stay online or hire a watchtower; payments need a \
                          route with enough liquidity"
                .into(),
            worst_case_under_attack: Some(format!(
                "a revoked state broadcast while its victim is offline: the victim's watchtower punishes it ({} \
                 penalty, {} wei to the victim); without a watchtower it would be paid out after the {:.0}-minute \
                 window; a unilateral close waits out the window before any payout",
                attacked.penalties,
                attacked.penalty_wei,
                window as f64 / 60.0
            )),
            worst_case_seconds: Some(attacked.withdrawal_seconds.max),
            notes: vec![
                if measured {
                    "payment latency: measured over the payments that succeeded".to_string()
                } else {
                    format!("payment latency: no payment was routed in this workload; {one_hop} s is the modelled one-hop latency")
                },
                format!(
                    "soft confirmation and finality: the payment's off-chain round trips, measured ({} ms per message: 3 \
                     per hop to add the HTLC, 1 per hop for the preimage); final for the payee once the old states are \
                     revoked, with no L1 transaction",
                    scenario.params.hop_delay_ms
                ),
                "inclusion: none, payments never reach L1 (shown as 0)".into(),
                format!(
                    "L2 transactions: the users' deposits (channel funding: {} channels opened, opens and deposits on \
                     L1), {} transfers ({} routed payments, {} to the payer itself) and {withdrawals} withdrawals, \
                     which become the cooperative closes that return every channel to L1",
                    scenario.channels.len(),
                    workload.txs - withdrawals,
                    scenario.payments.len(),
                    to_self
                ),
                format!(
                    "L1 gas per tx: every L1 transaction of the run (opens, deposits, closes) over the workload's \
                     transactions; per routed payment it is {:.0}",
                    honest.gas_per_payment
                ),
                "throughput ceiling: computed from that amortised gas as for the other designs; payments themselves \
                 use no L1 gas, so the real bound is the nodes and the channels' liquidity"
                    .into(),
                "withdrawal: from the cooperative close request to L1 finality of its block, measured".into(),
                format!(
                    "capital locked: every channel's capacity, for the mean time channels stayed open in this short run; \
                     real channels stay open for months. Success by size: {}",
                    if by_size.is_empty() { "no payments".to_string() } else { by_size.join(", ") }
                ),
            ],
            details: vec![
                Detail::new("nodes / channels", format!("{} / {}", scenario.nodes, scenario.channels.len())),
                Detail::new("payments succeeded", format!("{} of {}", honest.succeeded, honest.payments)),
                Detail::new("L1 gas per payment (opens and closes amortised)", format!("{:.0}", honest.gas_per_payment)),
                Detail::new("capital locked (wei·s)", honest.capital_locked_wei_seconds.to_string()),
                Detail::new("penalties (attack run)", attacked.penalties.to_string()),
                Detail::new("to_self_delay / cltv_expiry_delta (blocks)", format!("{} / {}", scenario.params.to_self_delay, scenario.params.cltv_expiry_delta)),
            ],
        })
    }
}

impl Design for ChannelsDesign {
    fn name(&self) -> &str {
        "payment channels"
    }

    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> Result<DesignMetrics> {
        super::require_default_chain(self.name(), chain)?;
        let (scenario, mapping) = Self::scenario(workload, rng)?;
        progress.stage("payment channels: honest network");
        let honest = channels::run(&scenario, rng).map_err(Self::err)?;
        progress.stage("payment channels: revoked state against an offline victim with a watchtower");
        let attacked_scenario = Self::attacked(&scenario, workload);
        let attacked = channels::run(&attacked_scenario, &mut workload.rng()).map_err(Self::err)?;
        let metrics = self.metrics(&honest, &attacked, &scenario, workload, chain, mapping)?;
        self.last = Some((honest, attacked));
        Ok(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prover::Silent;

    #[test]
    fn the_common_workload_runs_as_payments_over_a_channel_network() {
        let workload = Workload { accounts: 5, txs: 10, withdrawal_share: 0.2, ..Workload::default() };
        let chain = ChainConfig::default();
        let mut design = ChannelsDesign::new();
        let m = design.run(&workload, &chain, &mut workload.rng(), &mut Silent).unwrap();
        assert_eq!(m.name, "payment channels");
        assert_eq!(m.txs, 15);
        let (honest, attacked) = design.last_reports().unwrap();
        assert!(honest.payments > 0 && honest.succeeded > 0);
        // Off-chain: a payment is final after round trips of 0.25 s, far below any L1 block.
        assert!(m.finality_seconds.median > 0.0 && m.finality_seconds.max < 12.0, "{:?}", m.finality_seconds);
        assert!(m.l1_gas_per_tx > 0.0 && m.capital_locked_wei > 0);
        // Withdrawals: a cooperative close and L1 finality; the worst case waits out the window.
        assert!(m.withdrawal_latency_seconds.median >= 13.0 * 60.0);
        assert_eq!(attacked.penalties, attacked.revoked_closes);
        assert!(m.worst_case_seconds.unwrap_or(0.0) >= m.withdrawal_latency_seconds.median);
        // The same workload gives the same figures.
        let again = ChannelsDesign::new().run(&workload, &chain, &mut workload.rng(), &mut Silent).unwrap();
        assert_eq!(again, m);
    }
}
