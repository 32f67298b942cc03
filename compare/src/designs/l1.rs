//! The L1 alone as a [`Design`]: the baseline every layer 2 is measured against. The workload's transactions
//! (transfers, and the withdrawals too: on L1 there is nothing to withdraw from) run as plain ETH transfers
//! through [`Chain::transfer`]; gas, inclusion and finality are read from the chain's receipts.

use l1_contract_sim::{Address, Chain, ChainConfig, ETHER, GWEI};
use prover::Progress;
use rand_chacha::rand_core::RngCore;

use crate::error::{CompareError, Result};
use crate::metrics::{throughput_ceiling, DesignMetrics, Detail, NotApplicable, SimRng, Spread, Workload};
use crate::runner::Design;

/// Users transfer ETH directly on the simulated L1: no operator, no bridge, no batching.
#[derive(Debug, Clone, Default)]
pub struct L1Design;

impl L1Design {
    /// The baseline.
    pub fn new() -> Self {
        L1Design
    }
}

/// The address of user `i`: distinct, never the zero address.
fn user(i: u32) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0x11;
    a[16..].copy_from_slice(&i.to_be_bytes());
    Address(a)
}

impl Design for L1Design {
    fn name(&self) -> &str {
        "L1 alone"
    }

    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> Result<DesignMetrics> {
        progress.stage("L1 alone: plain ETH transfers");
        let wrap =
            |e: l1_contract_sim::ChainError| CompareError::Design { design: self.name().into(), why: e.to_string() };
        let mut l1 = Chain::new(*chain);
        let users = workload.accounts;
        // The on-ramp, like the layer 2s' deposits: every user is paid its ETH by a funded account (an
        // exchange, say) in a plain transfer of its own, counted with the workload's transactions.
        let on_ramp = Address([0xee; 20]);
        l1.fund(on_ramp, (users as u128 + 1) * 10 * ETHER);
        let start = l1.now();
        let (mut gas, mut fees) = (0u64, 0u128);
        let (mut inclusion, mut finality) = (Vec::new(), Vec::new());
        let mut record = |receipt: l1_contract_sim::Receipt<()>, arrival: u64, l1: &Chain| {
            gas += receipt.gas_used;
            fees += receipt.fee_paid;
            inclusion.push(receipt.timestamp.saturating_sub(arrival) as f64);
            finality.push(l1.finality_time(receipt.slot).saturating_sub(arrival) as f64);
        };
        for i in 0..users {
            let receipt = l1.transfer(on_ramp, user(i), 10 * ETHER, GWEI).map_err(wrap)?;
            record(receipt, start, &l1);
        }
        for k in 0..workload.txs {
            let arrival = start + (k as u64 + 1) * workload.seconds_between_txs;
            let from = (rng.next_u64() % users as u64) as u32;
            let to = (from + 1 + (rng.next_u64() % (users as u64 - 1)) as u32) % users;
            let value = (1 + rng.next_u64() % 1_000) as u128 * GWEI;
            l1.advance_to_timestamp(arrival);
            let receipt = l1.transfer(user(from), user(to), value, GWEI).map_err(wrap)?;
            record(receipt, arrival, &l1);
        }
        if l1.total_supply_tracked() != l1.total_funded() {
            return Err(CompareError::Design { design: self.name().into(), why: "ETH is not conserved".into() });
        }
        let txs = users as usize + workload.txs;
        let gas_per_tx = gas as f64 / txs as f64;
        let (tps, basis) = throughput_ceiling(chain, gas_per_tx, None);
        let no_attack = "the baseline trusts L1 consensus alone; attacks on Ethereum's validators (a third of the \
                         stake equivocating, a majority censoring) are outside the simulation";
        Ok(DesignMetrics {
            name: self.name().to_string(),
            txs,
            l1_gas_per_tx: gas_per_tx,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: 0.0,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: Spread::default(),
            inclusion_seconds: Spread::of(&inclusion),
            finality_seconds: Spread::of(&finality),
            withdrawal_latency_seconds: Spread::default(),
            throughput_ceiling_tps: tps,
            throughput_basis: basis,
            capital_locked_wei: 0,
            capital_locked_seconds: 0.0,
            trust: "L1 consensus only: Ethereum's validators (Casper FFG finality, safe unless a third of the stake \
                    is slashed)"
                .into(),
            user_duties: "none: sign, pay the L1 fee, wait for finality".into(),
            worst_case_under_attack: None,
            worst_case_seconds: None,
            notes: vec![
                "every workload transaction, withdrawals included, runs as a plain 21,000-gas ETH transfer between \
                 L1 accounts (no calldata), sent when it arrives and included in the first block at or after its \
                 arrival; each user's deposit is an on-ramp transfer into its account at the start"
                    .into(),
                "L1 bytes per tx counts calldata and blob payload, as for every design: a plain transfer has none \
                 (its signed envelope, about 110 bytes, is not counted for any design)"
                    .into(),
            ],
            details: vec![
                Detail::new("transfers (on-ramp + workload)", txs.to_string()),
                Detail::new("fees paid, mean per transfer (wei)", (fees / txs as u128).to_string()),
            ],
            not_applicable: vec![
                NotApplicable::new("soft_confirmation_seconds", "no sequencer: the first confirmation is L1 inclusion"),
                NotApplicable::new("withdrawal_latency_seconds", "no bridge: the ETH is on L1 already"),
                NotApplicable::new("worst_case_under_attack", no_attack),
                NotApplicable::new("worst_case_seconds", no_attack),
            ],
            other_bound: None,
            waits_for_l1_finality: true,
        })
    }
}
