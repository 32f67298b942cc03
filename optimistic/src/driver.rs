//! The driver: one scenario from deposits to paid withdrawals, and its report.
//!
//! # Timeline
//! Users open L2 accounts with one L1 deposit each (the proposer too, with a small one, so that it has an
//! account to mint into or overdraw). The L2 workload (`ledger::workload`, valid signed transfers and
//! withdrawals) reaches the proposer one transaction every `tx_interval_seconds`, after the deposits. The
//! proposer posts an assertion whenever `batch_size` transactions are waiting (or any, once the workload is
//! all in). Every slot, the proposer, then each challenger in order, then the users act; when nobody has
//! anything to do the chain jumps to the next event (a transaction arriving, a deadline, a clock running
//! out). The run ends when everything is confirmed and paid, or after `max_seconds`.
//!
//! # Measures
//! A transaction's inclusion runs from its arrival to the L1 block of the assertion that finally holds it,
//! its finality to that assertion's confirmation; a withdrawal's latency from its arrival to the L1 payment
//! of its owner. L1 gas per transaction counts proposals and confirmations (not deposits, not disputes) over
//! the workload and deposit transactions; the calldata bytes of the same L1 transactions are recorded too.
//! The truth (which assertions were correct) comes from an independent [`Watcher`].

use ledger::TxAmount;
use std::collections::{BTreeMap, BTreeSet};

use crate::contract::{AssertionStatus, GameStage, OptCall, OptimisticParams, OptimisticRollup, Resolution, Side};
use ark_std::rand::Rng;
use l1_contract_sim::{Address, Chain, ChainConfig, Contract, Wei, ETHER};
use ledger::workload::{Mix, Plan};
use ledger::{AccountIndex, ChainId, Deposit, SecretKey, State, Transaction, TreeShape};
use serde::{Deserialize, Serialize};

use crate::challenger::{Challenger, ChallengerBehaviour};
use crate::error::{OptimisticError, Result};
use crate::proposer::{Proposer, ProposerBehaviour};
use crate::watcher::{Verdict, Watcher};
use crate::world::{CallKind, L2Tx, World};

/// A scenario: the rollup's parameters, the workload and who plays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The L2 account tree.
    pub tree: TreeShape,
    /// The rollup's chain id.
    pub chain_id: ChainId,
    /// Users, each opening an account with one deposit.
    pub users: u32,
    /// Units each user deposits.
    pub deposit_units: u64,
    /// L2 transactions after the deposits.
    pub l2_txs: usize,
    /// Share of withdrawals among them.
    pub withdrawal_share: f64,
    /// Transactions per assertion.
    pub batch_size: usize,
    /// Seconds between L2 transactions reaching the proposer.
    pub tx_interval_seconds: u64,
    /// Parts per dissection move (2: binary bisection).
    pub dissection: u32,
    /// Challenge window (undisputed seconds).
    pub challenge_window_seconds: u64,
    /// Chess clock per side.
    pub clock_seconds: u64,
    /// Proposer bond.
    pub proposer_bond: Wei,
    /// Challenger bond.
    pub challenger_bond: Wei,
    /// Percent of a slashed bond to the winner.
    pub winner_share_percent: u8,
    /// The proposer.
    pub proposer: ProposerBehaviour,
    /// The challengers, in the order they act each slot.
    pub challengers: Vec<ChallengerBehaviour>,
    /// Simulated seconds after which the run stops.
    pub max_seconds: u64,
}

impl Default for Scenario {
    /// Four users, 16 transactions in batches of 8 on a binary tree of depth 8, the contract's defaults
    /// (7-day window, 3.5-day clocks, 1 ETH bonds, binary bisection), an honest proposer and one honest
    /// challenger.
    fn default() -> Self {
        let params = OptimisticParams::new(TreeShape::new(8, ledger::Arity::Binary).expect("valid"), ChainId::DEFAULT);
        Scenario {
            tree: params.tree,
            chain_id: params.chain_id,
            users: 4,
            deposit_units: 1_000_000,
            l2_txs: 16,
            withdrawal_share: 0.2,
            batch_size: 8,
            tx_interval_seconds: 2,
            dissection: params.dissection,
            challenge_window_seconds: params.challenge_window_seconds,
            clock_seconds: params.clock_seconds,
            proposer_bond: params.proposer_bond,
            challenger_bond: params.challenger_bond,
            winner_share_percent: params.winner_share_percent,
            proposer: ProposerBehaviour::Honest,
            challengers: vec![ChallengerBehaviour::Honest],
            max_seconds: 120 * 24 * 3600,
        }
    }
}

impl Scenario {
    /// The contract's parameters.
    pub fn params(&self) -> OptimisticParams {
        OptimisticParams {
            dissection: self.dissection,
            challenge_window_seconds: self.challenge_window_seconds,
            clock_seconds: self.clock_seconds,
            proposer_bond: self.proposer_bond,
            challenger_bond: self.challenger_bond,
            winner_share_percent: self.winner_share_percent,
            max_batch: self.batch_size + 1,
            ..OptimisticParams::new(self.tree, self.chain_id)
        }
    }
}

/// Count, median and maximum of durations in seconds: the one [`Spread`](ledger::stats::Spread) every report
/// uses.
pub type Percentiles = ledger::stats::Spread;

/// One dispute game, as it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameReport {
    /// The game.
    pub game: u64,
    /// The assertion disputed.
    pub assertion: u64,
    /// Its transactions.
    pub steps: u64,
    /// Who won (`None`: cancelled or unfinished).
    pub winner: Option<Side>,
    /// Why it ended (`None`: unfinished).
    pub resolution: Option<Resolution>,
    /// Bisection rounds (reveals).
    pub rounds: u32,
    /// L1 transactions of the game, the challenge and the final move included.
    pub l1_txs: usize,
    /// Their gas.
    pub gas: u64,
    /// Gas of its one-step proof, if one was submitted.
    pub one_step_proof_gas: Option<u64>,
    /// From the challenge to the last move, in seconds.
    pub duration_seconds: u64,
    /// The side that was right, by honest re-execution (`None`: the assertion built on a wrong one).
    pub right_side: Option<Side>,
    /// Whether the right side was played by an honest actor.
    pub right_side_honest: bool,
}

/// What a censoring proposer ([`ProposerBehaviour::Censoring`]) achieved, read from the simulated L1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CensorshipReport {
    /// The censored account (and user).
    pub user: u32,
    /// Its deposit's position in the contract's queue.
    pub position: u64,
    /// The L1 time its deposit was queued.
    pub queued_at: u64,
    /// The contract's sequencing window, in seconds.
    pub sequencing_window_seconds: u64,
    /// The L1 time of the first assertion the contract accepted that processes the deposit (`None`: never).
    pub included_at: Option<u64>,
    /// From the deposit to that assertion, in L1 seconds.
    pub delay_seconds: Option<u64>,
    /// Whether the assertion that processes it was confirmed.
    pub confirmed: bool,
    /// Assertions the contract accepted without the deposit, before it was included.
    pub accepted_without_it: usize,
    /// Proposals the contract refused (reverted), and their gas, paid by the proposer.
    pub refused_proposals: usize,
    /// Gas of those refused proposals.
    pub refused_gas: u64,
    /// Gas of the proposal that included the deposit.
    pub inclusion_gas: Option<u64>,
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// L2 transactions (deposits included).
    pub l2_txs: usize,
    /// Assertions posted (rejected ones included).
    pub assertions: usize,
    /// Assertions confirmed.
    pub confirmed: usize,
    /// Assertions rejected.
    pub rejected: usize,
    /// Dispute games opened.
    pub disputes: usize,
    /// L1 transactions of all games.
    pub dispute_l1_txs: usize,
    /// Their gas.
    pub dispute_gas: u64,
    /// Each game.
    pub games: Vec<GameReport>,
    /// The winner of the first game, if any.
    pub winner: Option<Side>,
    /// Whether every game whose right side was played honestly was won by it.
    pub honest_won_every_dispute: bool,
    /// Gas of proposals and confirmations per L2 transaction.
    pub l1_gas_per_tx: f64,
    /// Calldata bytes of the proposals and confirmations, as sent (the L1 transactions `l1_gas_per_tx`
    /// counts).
    #[serde(default)]
    pub l1_calldata_bytes: usize,
    /// From a transaction's arrival to the L1 block of the assertion that finally holds it (the confirmed
    /// one), as recorded: the assertion's `proposed_at` minus the arrival.
    #[serde(default)]
    pub inclusion_seconds: Percentiles,
    /// From a transaction's arrival to the confirmation of its assertion.
    pub finality_seconds: Percentiles,
    /// From a withdrawal's arrival to its L1 payment.
    pub withdrawal_latency_seconds: Percentiles,
    /// L2 transactions never confirmed.
    pub unconfirmed_txs: usize,
    /// Wei of bonds slashed (to winners and burned).
    pub bond_slashed: Wei,
    /// Wei of bonds burned.
    pub bond_burned: Wei,
    /// Whether an assertion that honest re-execution rejects was confirmed.
    pub false_root_confirmed: bool,
    /// ETH ever funded on L1.
    pub total_funded: Wei,
    /// L1 balances plus burned fees: equal to `total_funded` when ETH is conserved.
    pub total_supply_tracked: Wei,
    /// Whether ETH was conserved on L1.
    pub eth_conserved: bool,
    /// The contract's ETH at the end.
    pub contract_balance: Wei,
    /// What it owes: deposits not withdrawn, locked bonds, credited wei.
    pub contract_liabilities: Wei,
    /// Whether its balance equals its liabilities.
    pub contract_solvent: bool,
    /// Simulated seconds.
    pub simulated_seconds: u64,
    /// What a censoring proposer achieved (`None`: the proposer does not censor).
    #[serde(default)]
    pub censorship: Option<CensorshipReport>,
}

/// The L1 address of user `i`.
pub fn user_address(i: u32) -> Address {
    Address::from_label(&format!("optimistic-user-{i}"))
}

/// Runs a scenario with this randomness (keys, workload, lies' random roots, dishonest choices).
///
/// # Errors
/// An inconsistent scenario, a workload the ledger cannot build, or an L1 transaction refused for good.
pub fn run<R: Rng>(scenario: &Scenario, rng: &mut R) -> Result<Report> {
    run_in_world(scenario, rng).map(|(report, _)| report)
}

/// [`run`], also returning the simulated L1 and the contract as the run left them (for tests that check the
/// chain's state rather than the report).
///
/// # Errors
/// As [`run`].
pub fn run_in_world<R: Rng>(scenario: &Scenario, rng: &mut R) -> Result<(Report, World)> {
    if scenario.users < 2 || scenario.batch_size == 0 || scenario.dissection < 2 {
        return Err(OptimisticError::InvalidScenario(
            "need 2 users, a batch size and a dissection of 2 or more".into(),
        ));
    }
    if matches!(scenario.proposer, ProposerBehaviour::Censoring { user } if user >= scenario.users) {
        return Err(OptimisticError::InvalidScenario("the censored user is not one of the users".into()));
    }
    if u64::from(scenario.users) + 1 > scenario.tree.capacity() {
        return Err(OptimisticError::InvalidScenario("the tree cannot hold every user and the proposer".into()));
    }
    let params = scenario.params();
    let wei = params.wei_per_unit;
    let mut chain = Chain::new(ChainConfig::default());
    let proposer_address = Address::from_label("optimistic-proposer");
    let challenger_addresses: Vec<Address> =
        (0..scenario.challengers.len()).map(|i| Address::from_label(&format!("optimistic-challenger-{i}"))).collect();
    for i in 0..scenario.users {
        chain.fund(user_address(i), 10 * ETHER + Wei::from(scenario.deposit_units) * wei);
    }
    chain.fund(proposer_address, 100 * ETHER + 100 * scenario.proposer_bond);
    for a in &challenger_addresses {
        chain.fund(*a, 100 * ETHER + 100 * scenario.challenger_bond);
    }
    let contract = OptimisticRollup::new(Address::from_label("optimistic-rollup"), params);
    let mut world = World::new(chain, contract);

    // The users' keys and transactions: the same plan any other design gets from the same rng state.
    let mix = Mix { withdrawal_share: scenario.withdrawal_share };
    let plan = Plan::generate(
        scenario.tree,
        scenario.chain_id,
        scenario.users,
        TxAmount::new(scenario.deposit_units)?,
        scenario.l2_txs,
        mix,
        rng,
    )?;
    let keys = plan.keys;
    // Deposits: users, then the proposer.
    let proposer_key = SecretKey::random(rng);
    let own_units = (scenario.deposit_units / 10).max(1);
    let mut stream = Vec::new();
    let depositors = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (user_address(i as u32), k, scenario.deposit_units))
        .chain(std::iter::once((proposer_address, &proposer_key, own_units)));
    for (i, (from, key, units)) in depositors.enumerate() {
        let call = OptCall::Deposit { to: None, public_key: key.public_key().into() };
        let receipt = world.send(from, Wei::from(units) * wei, call)?;
        if let Err(revert) = receipt.outcome {
            return Err(OptimisticError::Reverted { call: "Deposit", revert });
        }
        let tx = Transaction::Deposit(Deposit {
            to: AccountIndex::new(i as u32),
            public_key: key.public_key(),
            amount: TxAmount::new(units)?,
        });
        stream.push(L2Tx { id: i, tx, arrival: receipt.timestamp });
    }
    world.chain.advance_slot();

    // The workload, valid after the deposits (the proposer's own account does not change it).
    let workload = plan.txs;
    let start = world.chain.now();
    for (j, tx) in workload.into_iter().enumerate() {
        let id = stream.len();
        stream.push(L2Tx { id, tx, arrival: start + (j as u64 + 1) * scenario.tx_interval_seconds });
    }

    let genesis = State::new(scenario.tree, scenario.chain_id);
    let own = Some((AccountIndex::new(scenario.users), proposer_key));
    let mut proposer = Proposer::new(proposer_address, scenario.proposer, scenario.batch_size, own, genesis);
    let mut challengers: Vec<Challenger> = scenario
        .challengers
        .iter()
        .zip(&challenger_addresses)
        .map(|(b, a)| Challenger::new(*a, *b, Watcher::new(scenario.tree, scenario.chain_id)))
        .collect();
    let mut oracle = Watcher::new(scenario.tree, scenario.chain_id);
    let mut payees: Vec<Address> = (0..scenario.users).map(user_address).collect();
    payees.push(proposer_address);
    payees.extend(&challenger_addresses);

    let mut next = 0usize;
    let mut withdrawal_paid: BTreeMap<usize, u64> = BTreeMap::new();
    let end = world.chain.now() + scenario.max_seconds;
    loop {
        let now = world.chain.now();
        while next < stream.len() && stream[next].arrival <= now {
            proposer.receive(next);
            next += 1;
        }
        let flush = next == stream.len();
        let mut acted = proposer.act(&mut world, &stream, flush, rng)?;
        for c in &mut challengers {
            acted |= c.act(&mut world, rng)?;
        }
        for &payee in &payees {
            if world.contract.claimable(payee) > 0 {
                let receipt = world.send(payee, 0, OptCall::Withdraw)?;
                if receipt.succeeded() {
                    record_withdrawals(&world, &proposer, &stream, payee, receipt.timestamp, &mut withdrawal_paid);
                }
                acted = true;
            }
        }
        oracle.observe(&world);
        let c = &world.contract;
        let settled = !acted
            && flush
            && proposer.pending() == 0
            && c.assertions().iter().all(|a| a.status != AssertionStatus::Pending)
            && c.games().iter().all(|g| g.is_resolved())
            && c.total_claimable() == 0;
        if settled || now >= end {
            break;
        }
        if acted {
            world.chain.advance_slot();
        } else {
            let mut wake = end;
            if next < stream.len() {
                wake = wake.min(stream[next].arrival);
            }
            for a in c.assertions().iter().filter(|a| a.status == AssertionStatus::Pending) {
                wake = wake.min(a.deadline);
            }
            for g in c.games().iter().filter(|g| !g.is_resolved()) {
                wake = wake.min(g.expires_at() + 1);
            }
            world.chain.advance_to_timestamp(wake.max(now + 1));
        }
    }
    let report = report(scenario, &world, &proposer, &oracle, &stream, &withdrawal_paid);
    Ok((report, world))
}

/// The censored deposit's fate, from the contract's queue and assertions and the L1 log.
fn censorship(world: &World, user: u32) -> Option<CensorshipReport> {
    let c = &world.contract;
    let to = AccountIndex::new(user);
    let position = c.queued_deposits().iter().position(|q| q.deposit.to == to)?;
    let queued_at = c.queued_deposits()[position].queued_at;
    let position = position as u64;
    let accepted: Vec<_> = c.assertions().iter().skip(1).filter(|a| a.status != AssertionStatus::Rejected).collect();
    let holding = accepted.iter().find(|a| a.claimed.deposits > position);
    let included_at = holding.map(|a| a.proposed_at);
    // Deposits only move forward along the chain of accepted assertions: those without it all come first.
    let accepted_without_it = accepted.iter().filter(|a| a.claimed.deposits <= position).count();
    let proposals = || world.log.iter().filter(|t| t.kind == CallKind::Propose);
    let refused: Vec<_> = proposals().filter(|t| !t.ok).collect();
    Some(CensorshipReport {
        user,
        position,
        queued_at,
        sequencing_window_seconds: c.params().sequencing_window_seconds,
        included_at,
        delay_seconds: included_at.map(|t| t - queued_at),
        confirmed: holding.is_some_and(|a| a.status == AssertionStatus::Confirmed),
        accepted_without_it,
        refused_proposals: refused.len(),
        refused_gas: refused.iter().map(|t| t.gas).sum(),
        inclusion_gas: included_at.and_then(|t| proposals().find(|p| p.ok && p.time == t).map(|p| p.gas)),
    })
}

/// Marks the confirmed withdrawals owned by `payee` as paid at `time`.
fn record_withdrawals(
    world: &World,
    proposer: &Proposer,
    stream: &[L2Tx],
    payee: Address,
    time: u64,
    paid: &mut BTreeMap<usize, u64>,
) {
    for &assertion in world.confirmed_at.keys() {
        for id in proposer.assertion_txs(assertion).unwrap_or_default().iter().flatten() {
            if let Transaction::Withdrawal(w) = stream[*id].tx {
                if world.contract.owner(w.from) == Some(payee) && !paid.contains_key(id) {
                    paid.insert(*id, time - stream[*id].arrival);
                }
            }
        }
    }
}

fn report(
    scenario: &Scenario,
    world: &World,
    proposer: &Proposer,
    oracle: &Watcher,
    stream: &[L2Tx],
    withdrawal_paid: &BTreeMap<usize, u64>,
) -> Report {
    let c = &world.contract;
    let honest_challengers: BTreeSet<Address> = scenario
        .challengers
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == ChallengerBehaviour::Honest)
        .map(|(i, _)| Address::from_label(&format!("optimistic-challenger-{i}")))
        .collect();
    let games: Vec<GameReport> = c
        .games()
        .iter()
        .map(|g| {
            let moves: Vec<_> = world.log.iter().filter(|t| t.game == Some(g.id)).collect();
            let (winner, resolution) = match g.stage {
                GameStage::Resolved { winner, resolution } => (winner, Some(resolution)),
                _ => (None, None),
            };
            let right_side = match oracle.verdict(g.assertion) {
                Some(Verdict::Correct) => Some(Side::Proposer),
                Some(Verdict::Wrong) => Some(Side::Challenger),
                _ => None,
            };
            let right_side_honest = match right_side {
                Some(Side::Proposer) => !proposer.lied_in(g.assertion),
                Some(Side::Challenger) => honest_challengers.contains(&g.challenger),
                None => false,
            };
            GameReport {
                game: g.id,
                assertion: g.assertion,
                steps: c.assertion(g.assertion).map_or(0, |a| a.steps),
                winner,
                resolution,
                rounds: g.rounds,
                l1_txs: moves.len(),
                gas: moves.iter().map(|t| t.gas).sum(),
                one_step_proof_gas: moves
                    .iter()
                    .filter(|t| t.kind == CallKind::OneStepProof && t.ok)
                    .map(|t| t.gas)
                    .max(),
                duration_seconds: moves.last().map_or(0, |t| t.time - g.started_at),
                right_side,
                right_side_honest,
            }
        })
        .collect();
    let honest_won_every_dispute = games
        .iter()
        .filter(|g| g.right_side_honest && g.resolution != Some(Resolution::Cancelled))
        .all(|g| g.winner == g.right_side);

    let rollup_txs = || world.log.iter().filter(|t| matches!(t.kind, CallKind::Propose | CallKind::Confirm));
    let rollup_gas: u64 = rollup_txs().map(|t| t.gas).sum();
    let rollup_calldata: usize = rollup_txs().map(|t| t.calldata_bytes).sum();
    let mut inclusion = Vec::new();
    let mut finality = Vec::new();
    let mut confirmed_ids = BTreeSet::new();
    for (&assertion, &at) in &world.confirmed_at {
        let proposed_at = c.assertion(assertion).map(|a| a.proposed_at);
        for id in proposer.assertion_txs(assertion).unwrap_or_default().iter().flatten() {
            let arrival = stream[*id].arrival;
            confirmed_ids.insert(*id);
            finality.push(at - arrival);
            if let Some(proposed_at) = proposed_at {
                inclusion.push(proposed_at.saturating_sub(arrival));
            }
        }
    }
    let false_root_confirmed = c
        .assertions()
        .iter()
        .skip(1)
        .any(|a| a.status == AssertionStatus::Confirmed && oracle.verdict(a.id) != Some(Verdict::Correct));
    let contract_balance = world.chain.balance(c.address());
    let contract_liabilities = c.liabilities();
    Report {
        l2_txs: stream.len(),
        assertions: c.assertions().len() - 1,
        confirmed: c.assertions().iter().skip(1).filter(|a| a.status == AssertionStatus::Confirmed).count(),
        rejected: c.assertions().iter().filter(|a| a.status == AssertionStatus::Rejected).count(),
        disputes: games.len(),
        dispute_l1_txs: games.iter().map(|g| g.l1_txs).sum(),
        dispute_gas: games.iter().map(|g| g.gas).sum(),
        winner: games.first().and_then(|g| g.winner),
        honest_won_every_dispute,
        games,
        l1_gas_per_tx: rollup_gas as f64 / stream.len().max(1) as f64,
        l1_calldata_bytes: rollup_calldata,
        inclusion_seconds: Percentiles::of_u64(&inclusion),
        finality_seconds: Percentiles::of_u64(&finality),
        withdrawal_latency_seconds: Percentiles::of_u64(&withdrawal_paid.values().copied().collect::<Vec<_>>()),
        unconfirmed_txs: stream.len() - confirmed_ids.len(),
        bond_slashed: c.slashed(),
        bond_burned: c.burned(),
        false_root_confirmed,
        total_funded: world.chain.total_funded(),
        total_supply_tracked: world.chain.total_supply_tracked(),
        eth_conserved: world.chain.total_supply_tracked() == world.chain.total_funded(),
        contract_balance,
        contract_liabilities,
        contract_solvent: contract_balance == contract_liabilities,
        simulated_seconds: world.chain.now(),
        censorship: match scenario.proposer {
            ProposerBehaviour::Censoring { user } => censorship(world, user),
            _ => None,
        },
    }
}
