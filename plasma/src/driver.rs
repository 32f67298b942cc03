//! The driver: one scenario from deposits to exits paid on L1, and its report.
//!
//! # Timeline
//! Every user deposits on L1 (one deposit block each). Payments (transfers to other users, and withdrawals:
//! a payment to oneself whose output is then exited) reach their senders one every `tx_interval_seconds`;
//! a sender pays as soon as outputs it has seen included cover the amount. The operator makes a block when
//! `block_size` transactions wait or the oldest has waited `block_interval_seconds`, commits its root and
//! publishes its data. Under an [`Attack`] the operator, at child block `attack_block` (or at the end of the
//! workload), steals an output — preferring an offline user's — in a withheld or invalid block, exits it
//! and stops. Every online user notices at once and exits everything; offline users do nothing from then
//! on. The challenger challenges exits of spent outputs and calls `processExits`. Each slot the users pay,
//! the operator acts, then users, then the challenger; when nobody has anything to do the chain jumps to the
//! next event. The run ends when every exit is processed and every online party has withdrawn its credit.
//!
//! # Censorship
//! Under [`Attack::Censor`] the operator keeps making and publishing valid blocks but refuses every
//! transaction spending the outputs of user `censored_user`. That user waits `censorship_wait_seconds` from
//! its first refused transaction (default one hour, [`Scenario::DEFAULT_CENSORSHIP_WAIT`]), then gives up
//! and starts a standard exit of every output it owns in the published chain (and of any that arrives
//! later), through the contract, with its bond; `processExits` pays them at their priority. Payments by
//! others that could only be funded by a refused payment are never sent. [`Report::censorship`] measures the
//! delay, the user's L1 gas and fees, and its L1 balance before and after.
//!
//! # Truth
//! A user is *entitled* to its deposit plus what valid transactions paid it, less what it spent: the
//! transactions the operator accepted, in-flight or included, never the forged one. Under attack, every
//! online honest user must get exactly its entitlement out ([`Report::online_users_whole`]); offline users'
//! losses are reported ([`Report::offline_loss`]).

use std::collections::{BTreeMap, BTreeSet};

use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::{Address, Chain, ChainConfig, Wei, ETHER, GWEI};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::contract::{PlasmaCall, PlasmaContract, PlasmaEvent, PlasmaParams};
use crate::error::{PlasmaError, Result};
use crate::operator::{Attack, Operator};
use crate::tx::{Hash32, SignedTx, UtxoPos, CHILD_BLOCK_INTERVAL};
use crate::user::{is_challenge, Challenger, Tracked, User, Want, WithdrawalTrack};
use crate::world::{Fault, PublicView, World};

/// One payment of the workload, between users by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payment {
    /// `from` pays `to`.
    Transfer {
        /// Payer.
        from: u32,
        /// Payee.
        to: u32,
        /// Wei.
        amount: Wei,
    },
    /// `from` takes `amount` back to L1.
    Withdraw {
        /// Who.
        from: u32,
        /// Wei.
        amount: Wei,
    },
}

/// A scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Users, each depositing once.
    pub users: u32,
    /// Wei each user deposits.
    pub deposit: Wei,
    /// Payments to generate when `workload` is `None`.
    pub payments: usize,
    /// Share of withdrawals among generated payments.
    pub withdrawal_share: f64,
    /// The payments, if given (the common workload, mapped).
    pub workload: Option<Vec<Payment>>,
    /// Seconds between payments reaching their senders.
    pub tx_interval_seconds: u64,
    /// Most transactions per block.
    pub block_size: usize,
    /// Seconds the oldest waiting transaction waits before the operator makes a block anyway.
    pub block_interval_seconds: u64,
    /// The operator's attack.
    pub attack: Attack,
    /// The child block (0-based) at which it attacks.
    pub attack_block: usize,
    /// Share of users offline from the attack on.
    pub offline_share: f64,
    /// Online users who try to exit an output they spent.
    pub cheaters: u32,
    /// Minimum exit period.
    pub min_exit_period: u64,
    /// Standard exit bond.
    pub standard_exit_bond: Wei,
    /// In-flight exit bond.
    pub in_flight_exit_bond: Wei,
    /// Piggyback bond.
    pub piggyback_bond: Wei,
    /// Simulated seconds after which the run stops.
    pub max_seconds: u64,
    /// The user a censoring operator ([`Attack::Censor`]) refuses.
    pub censored_user: u32,
    /// Seconds the censored user waits after its first refused transaction before exiting.
    pub censorship_wait_seconds: u64,
}

impl Scenario {
    /// One hour (300 L1 slots, hundreds of child blocks at the default interval): long past any honest
    /// operator's inclusion delay.
    pub const DEFAULT_CENSORSHIP_WAIT: u64 = 3600;
}

impl Default for Scenario {
    /// Four users depositing 1 ETH, twelve payments (a fifth withdrawals) two seconds apart, blocks of four
    /// transactions or every 12 s, the contract's defaults (one-week period, 0.0233 ETH bonds), an honest
    /// operator.
    fn default() -> Self {
        let p = PlasmaParams::new(Address::ZERO);
        Scenario {
            users: 4,
            deposit: ETHER,
            payments: 12,
            withdrawal_share: 0.2,
            workload: None,
            tx_interval_seconds: 2,
            block_size: 4,
            block_interval_seconds: 12,
            attack: Attack::None,
            attack_block: 1,
            offline_share: 0.0,
            cheaters: 0,
            min_exit_period: p.min_exit_period,
            standard_exit_bond: p.standard_exit_bond,
            in_flight_exit_bond: p.in_flight_exit_bond,
            piggyback_bond: p.piggyback_bond,
            max_seconds: 60 * 24 * 3600,
            censored_user: 0,
            censorship_wait_seconds: Scenario::DEFAULT_CENSORSHIP_WAIT,
        }
    }
}

/// Count, median and maximum: the one [`Spread`](ledger::stats::Spread) every report uses.
pub type Spread = ledger::stats::Spread;

/// How one user fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserOutcome {
    /// Its address.
    pub address: Address,
    /// Online from the attack on.
    pub online: bool,
    /// Tried to exit a spent output.
    pub cheater: bool,
    /// What valid transactions leave it (deposit + received − spent).
    pub entitled: Wei,
    /// What exits paid it on L1 (bonds excluded).
    pub paid_out: Wei,
    /// Withdrawals it asked for that were made (their transaction accepted).
    pub withdrawals_made: Wei,
    /// Bonds it posted and did not get back (taken by challengers).
    pub bonds_lost: Wei,
}

/// What a censored user measured on L1 (times by the L1 clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Censorship {
    /// The censored user.
    pub user: Address,
    /// Its transactions the operator refused.
    pub refused_txs: usize,
    /// When the operator refused its first transaction.
    pub first_refused_at: u64,
    /// When it started its first exit.
    pub exit_started_at: Option<u64>,
    /// When its last exit was paid by `processExits`.
    pub last_exit_paid_at: Option<u64>,
    /// When it withdrew the last of its credit to its L1 balance.
    pub recovered_at: Option<u64>,
    /// What it owned on the child chain (deposit + received − spent): its entitlement.
    pub plasma_balance: Wei,
    /// What its exits paid (bonds excluded).
    pub paid_out: Wei,
    /// Its L1 balance just before its first refused transaction, and at the end.
    pub l1_balance_before: Wei,
    /// See `l1_balance_before`.
    pub l1_balance_after: Wei,
    /// L1 transactions it sent after the first refusal, their gas and what it paid for them.
    pub l1_txs: usize,
    /// See `l1_txs`.
    pub gas_used: u64,
    /// See `l1_txs`.
    pub fees_paid: Wei,
    /// Its standard exits that were challenged successfully.
    pub exits_challenged: usize,
}

/// Gas of one kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CallGas {
    /// Successful calls.
    pub count: usize,
    /// Median gas.
    pub median: f64,
    /// Maximum gas.
    pub max: f64,
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The attack played.
    pub attack: Attack,
    /// Child blocks committed.
    pub blocks: usize,
    /// Deposits (one deposit block each).
    pub deposits: usize,
    /// Child-chain transactions the operator accepted (payments, and consolidations of outputs).
    pub child_txs: usize,
    /// Payments of the workload never sent (the chain stopped, or funds never arrived).
    pub unsent_payments: usize,
    /// Exits started: standard exits plus in-flight exits.
    pub exits: usize,
    /// Standard exits started.
    pub standard_exits: usize,
    /// In-flight exits started.
    pub in_flight_exits: usize,
    /// Piggybacks.
    pub piggybacks: usize,
    /// Successful challenges (standard exits, piggybacks, canonicity).
    pub challenges: usize,
    /// Median gas of a successful `startStandardExit`.
    pub exit_gas: f64,
    /// Median gas of a successful `startInFlightExit` (0 if none).
    pub in_flight_exit_gas: f64,
    /// Gas by call.
    pub gas_by_call: BTreeMap<String, CallGas>,
    /// L1 gas of block submissions per child transaction and deposit (roots amortised).
    pub l1_gas_per_tx: f64,
    /// Calldata bytes of the block submissions.
    pub l1_calldata_bytes: usize,
    /// Under attack: honest users entitled to funds who got all of them out; otherwise withdrawals paid.
    pub exited_in_time: usize,
    /// Under attack: honest users entitled to funds who did not; otherwise withdrawals made but not paid.
    pub failed_to_exit: usize,
    /// From a withdrawal's request to its ETH on L1 (the exit period dominates).
    pub withdrawal_latency_seconds: Spread,
    /// From a payment's arrival to the L1 block committing its child block.
    pub inclusion_seconds: Spread,
    /// From a payment's arrival to the L1 finality of that block.
    pub finality_seconds: Spread,
    /// When watchers noticed the attack (L1 timestamp), and what they saw.
    pub attack_detected: Option<(u64, Fault)>,
    /// Whether every online honest user got exactly its entitlement (attack) or its withdrawals (none), and
    /// no honest user lost a bond.
    pub online_users_whole: bool,
    /// Whether every standard exit of an output spent by a valid transaction, and every piggyback of an input
    /// such a transaction spent, was challenged.
    pub spent_exits_challenged: bool,
    /// Bonds lost by cheaters (taken by challengers).
    pub cheater_bonds_lost: Wei,
    /// Whether an output was paid twice (never, by the contract's flags).
    pub output_paid_twice: bool,
    /// The operator's forged challenges of its victim's exit, refused by the contract.
    pub forged_challenges_refused: usize,
    /// Wei the operator's forged exit took out of the vault.
    pub operator_took: Wei,
    /// Wei offline users were entitled to and did not get out.
    pub offline_loss: Wei,
    /// Exits as `processExits` reached them, in order: who, how much, whether paid.
    pub processed: Vec<(Address, Wei, bool)>,
    /// Each user.
    pub users: Vec<UserOutcome>,
    /// ETH funded on L1.
    pub total_funded: Wei,
    /// Balances plus burned fees.
    pub total_supply_tracked: Wei,
    /// Whether ETH was conserved on L1, to the wei.
    pub eth_conserved: bool,
    /// The contract's ETH.
    pub contract_balance: Wei,
    /// What it owes (vault, bonds, credits).
    pub contract_liabilities: Wei,
    /// Whether its balance equals what it owes.
    pub contract_solvent: bool,
    /// Simulated seconds.
    pub simulated_seconds: u64,
    /// Under [`Attack::Censor`]: what the censored user measured (`None` if it never sent a transaction).
    pub censorship: Option<Censorship>,
}

/// Seeded payments: random transfers between users, and withdrawals in `withdrawal_share`, each of 1 gwei
/// to half the payer's balance (in whole gwei), always covered by the payer's balance then.
pub fn generate_payments(
    users: u32,
    deposit: Wei,
    count: usize,
    withdrawal_share: f64,
    rng: &mut impl Rng,
) -> Vec<Payment> {
    let mut balance = vec![deposit; users as usize];
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let eligible: Vec<u32> = (0..users).filter(|&u| balance[u as usize] >= 2 * GWEI).collect();
        let Some(&from) = eligible.choose(rng) else { break };
        let max = (balance[from as usize] / GWEI / 2) as u64;
        let amount = Wei::from(rng.gen_range(1..=max.max(1))) * GWEI;
        balance[from as usize] -= amount;
        if users < 2 || rng.gen_bool(withdrawal_share.clamp(0.0, 1.0)) {
            out.push(Payment::Withdraw { from, amount });
        } else {
            let mut to = rng.gen_range(0..users - 1);
            if to >= from {
                to += 1;
            }
            balance[to as usize] += amount;
            out.push(Payment::Transfer { from, to, amount });
        }
    }
    out
}

fn spread_of(values: &[u64]) -> Spread {
    Spread::of_u64(values)
}

/// Runs a scenario with this randomness (keys, who is offline, generated payments).
///
/// # Errors
/// An inconsistent scenario, or an L1 transaction refused for good.
pub fn run(s: &Scenario, rng: &mut ChaCha20Rng) -> Result<Report> {
    if s.users < 2 || s.block_size == 0 || s.deposit == 0 || !(0.0..=1.0).contains(&s.offline_share) {
        return Err(PlasmaError::InvalidScenario(
            "need 2 users, a block size, a deposit and an offline share in 0..=1".into(),
        ));
    }
    if s.min_exit_period < 2 {
        return Err(PlasmaError::InvalidScenario("the exit period must be at least 2 seconds".into()));
    }
    if s.attack == Attack::Censor && s.censored_user >= s.users {
        return Err(PlasmaError::InvalidScenario("the censored user is not a user".into()));
    }
    let keys: Vec<EthKey> = (0..s.users).map(|_| EthKey::random(rng)).collect();
    let operator_key = EthKey::random(rng);
    let mut order: Vec<u32> = (0..s.users).collect();
    order.shuffle(rng);
    let offline_count = ((s.users as f64) * s.offline_share).round() as usize;
    let offline: BTreeSet<u32> = order.iter().take(offline_count).copied().collect();
    let cheaters: BTreeSet<u32> = order.iter().skip(offline_count).take(s.cheaters as usize).copied().collect();
    let mut payments = match &s.workload {
        Some(w) => w.clone(),
        None => generate_payments(s.users, s.deposit, s.payments, s.withdrawal_share, rng),
    };
    if payments.iter().any(|p| match *p {
        Payment::Transfer { from, to, .. } => from >= s.users || to >= s.users,
        Payment::Withdraw { from, .. } => from >= s.users,
    }) {
        return Err(PlasmaError::InvalidScenario("a payment names no user".into()));
    }
    let mut unsent = 0usize;
    if s.attack == Attack::Censor {
        // Payments that only a refused payment of the censored user could fund are never sent.
        let mut balance = vec![s.deposit; s.users as usize];
        let before = payments.len();
        payments.retain(|p| {
            let (from, to, amount) = match *p {
                Payment::Transfer { from, to, amount } => (from, Some(to), amount),
                Payment::Withdraw { from, amount } => (from, None, amount),
            };
            if from == s.censored_user {
                return true;
            }
            if balance[from as usize] < amount {
                return false;
            }
            balance[from as usize] -= amount;
            if let Some(to) = to {
                balance[to as usize] += amount;
            }
            true
        });
        unsent += before - payments.len();
    }

    let mut chain = Chain::new(ChainConfig::default());
    let challenger_address = Address::from_label("plasma-challenger");
    let bonds = s.standard_exit_bond.max(s.in_flight_exit_bond).max(s.piggyback_bond);
    for k in &keys {
        chain.fund(k.address(), s.deposit + 10 * ETHER + 64 * bonds);
    }
    chain.fund(operator_key.address(), 100 * ETHER + 16 * bonds);
    chain.fund(challenger_address, 100 * ETHER);
    let params = PlasmaParams {
        min_exit_period: s.min_exit_period,
        standard_exit_bond: s.standard_exit_bond,
        in_flight_exit_bond: s.in_flight_exit_bond,
        piggyback_bond: s.piggyback_bond,
        ..PlasmaParams::new(operator_key.address())
    };
    let mut world = World::new(chain, PlasmaContract::new(Address::from_label("plasma-contract"), params));
    let mut operator = Operator::new(operator_key, s.attack, s.attack_block, s.block_size, s.block_interval_seconds);
    let censored = (s.attack == Attack::Censor).then(|| keys[s.censored_user as usize].address());
    if let Some(c) = censored {
        operator.censor(c);
    }
    // The first refusal (L1 time) and the censored user's L1 balance then.
    let mut first_refused: Option<(u64, Wei)> = None;
    let mut users: Vec<User> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| User::new(k.clone(), !offline.contains(&(i as u32)), cheaters.contains(&(i as u32))))
        .collect();
    let index_of: BTreeMap<Address, usize> = users.iter().enumerate().map(|(i, u)| (u.address(), i)).collect();
    let victims: Vec<Address> = offline.iter().map(|&i| users[i as usize].address()).collect();
    let mut challenger = Challenger::new(challenger_address);

    for (i, u) in users.iter().enumerate() {
        if i > 0 && i as u64 % (CHILD_BLOCK_INTERVAL - 1) == 0 {
            operator.submit_empty(&mut world)?;
        }
        let receipt = world.send(u.address(), s.deposit, PlasmaCall::Deposit)?;
        match &receipt.outcome {
            Ok(events) => {
                for e in events {
                    if let PlasmaEvent::Deposited { blknum, owner, amount } = e {
                        operator.on_deposit(&mut world, *blknum, *owner, *amount)?;
                    }
                }
            }
            Err(revert) => return Err(PlasmaError::Reverted { call: "Deposit", revert: revert.clone() }),
        }
    }
    world.chain.advance_slot();
    let start = world.chain.now();
    let arrival = |j: usize| start + (j as u64 + 1) * s.tx_interval_seconds;

    let mut view = PublicView::default();
    view.update(&world)?;
    let mut accepted: Vec<SignedTx> = Vec::new();
    let mut arrivals: BTreeMap<Hash32, u64> = BTreeMap::new();
    let mut next = 0usize;
    let end = world.chain.now() + s.max_seconds;
    loop {
        let now = world.chain.now();
        let mut acted = false;
        if view.bad.is_none() {
            while next < payments.len() && arrival(next) <= now {
                let (from, want) = match payments[next] {
                    Payment::Transfer { from, to, amount } => (from, Want::Pay(users[to as usize].address(), amount)),
                    Payment::Withdraw { from, amount } => (from, Want::Withdraw(amount)),
                };
                users[from as usize].queue.push_back((next, want, arrival(next)));
                next += 1;
            }
            for u in 0..users.len() {
                while let Some((_, want, at, tx, complete)) = users[u].next_payment(&view)? {
                    if !operator.receive(tx.clone(), now) {
                        if censored == Some(users[u].address()) && first_refused.is_none() {
                            first_refused = Some((now, world.chain.balance(users[u].address())));
                        }
                        users[u].queue.pop_front();
                        unsent += 1;
                        continue;
                    }
                    acted = true;
                    arrivals.insert(tx.tx.digest(), at);
                    accepted.push(tx.clone());
                    users[u].tracked.push(Tracked { tx: tx.clone(), sent: true });
                    if complete {
                        users[u].queue.pop_front();
                        match want {
                            Want::Pay(to, _) => {
                                if let Some(&r) = index_of.get(&to).filter(|&&r| r != u) {
                                    users[r].tracked.push(Tracked { tx: tx.clone(), sent: false });
                                }
                            }
                            Want::Withdraw(amount) => users[u].withdrawals.push(WithdrawalTrack {
                                arrival: at,
                                tx: tx.tx.clone(),
                                amount,
                                exit_started: false,
                                paid_at: None,
                            }),
                        }
                    }
                }
            }
        }
        // The censored user gives up after its wait, and drops what it still wanted to pay.
        let wait_over = first_refused.map(|(t, _)| t + s.censorship_wait_seconds);
        if let (Some(over), Some(c)) = (wait_over, censored) {
            let cu = &mut users[s.censored_user as usize];
            if now >= over && !cu.leaving && cu.address() == c {
                cu.leaving = true;
                unsent += cu.queue.len();
                cu.queue.clear();
                acted = true;
            }
        }
        if users[s.censored_user as usize].leaving {
            unsent += users[s.censored_user as usize].queue.len();
            users[s.censored_user as usize].queue.clear();
        }
        let flush = next == payments.len() && users.iter().all(|u| u.queue.is_empty());
        acted |= operator.act(&mut world, flush, &victims)?;
        let was_bad = view.bad.is_some();
        view.update(&world)?;
        if view.bad.is_some() && !was_bad {
            unsent += payments.len() - next + users.iter().map(|u| u.queue.len()).sum::<usize>();
            next = payments.len();
            users.iter_mut().for_each(|u| u.queue.clear());
        }
        for u in users.iter_mut() {
            acted |= u.act(&mut world, &view)?;
        }
        acted |= challenger.act(&mut world)?;
        let online_claims =
            users.iter().filter(|u| u.online || view.bad.is_none()).any(|u| world.contract.claimable(u.address()) > 0)
                || world.contract.claimable(challenger_address) > 0;
        let settled = !acted
            && next == payments.len()
            && users.iter().all(|u| u.queue.is_empty())
            && operator.pending() == 0
            && !operator.attack_pending()
            && (first_refused.is_none() || users[s.censored_user as usize].leaving)
            && world.contract.queue().is_empty()
            && !online_claims;
        if settled || now >= end {
            break;
        }
        if acted {
            world.chain.advance_slot();
        } else {
            let mut wake = end;
            if next < payments.len() {
                wake = wake.min(arrival(next));
            }
            if let Some(t) = operator.due_at() {
                wake = wake.min(t);
            }
            if let Some(t) = wait_over.filter(|_| !users[s.censored_user as usize].leaving) {
                wake = wake.min(t);
            }
            if let Some((p, _)) = world.contract.queue().peek() {
                wake = wake.min(p.exitable_at);
            }
            world.chain.advance_to_timestamp(wake.max(now + 1));
        }
    }
    let mut r = report(s, &world, &operator, &users, &view, &accepted, &arrivals, unsent, challenger_address);
    if let (Some(user), Some((at, balance_before))) = (censored, first_refused) {
        r.censorship = Some(censorship(&world, &r, operator.refused, user, at, balance_before));
    }
    Ok(r)
}

/// The censored user's side of the run, read from the L1 log and events.
fn censorship(world: &World, r: &Report, refused: usize, user: Address, at: u64, before: Wei) -> Censorship {
    let mine: Vec<_> = world.log.iter().filter(|t| t.from == user && t.time >= at).collect();
    let first_exit = mine.iter().find(|t| t.kind == "StartStandardExit" && t.ok).map(|t| t.time);
    let recovered = mine.iter().rev().find(|t| t.kind == "Withdraw" && t.ok).map(|t| t.time);
    let mut exits = BTreeSet::new();
    let mut last_paid = None;
    for (t, e) in &world.events {
        match e {
            PlasmaEvent::ExitStarted { utxo_pos, owner, .. } if *owner == user => {
                exits.insert(*utxo_pos);
            }
            PlasmaEvent::ExitPaid { owner, .. } if *owner == user => last_paid = Some(*t),
            _ => {}
        }
    }
    let challenged = world
        .events
        .iter()
        .filter(|(_, e)| matches!(e, PlasmaEvent::ExitChallenged { utxo_pos, .. } if exits.contains(utxo_pos)))
        .count();
    let outcome = r.users.iter().find(|u| u.address == user);
    Censorship {
        user,
        refused_txs: refused,
        first_refused_at: at,
        exit_started_at: first_exit,
        last_exit_paid_at: last_paid,
        recovered_at: recovered,
        plasma_balance: outcome.map_or(0, |u| u.entitled),
        paid_out: outcome.map_or(0, |u| u.paid_out),
        l1_balance_before: before,
        l1_balance_after: world.chain.balance(user),
        l1_txs: mine.len(),
        gas_used: mine.iter().map(|t| t.gas).sum(),
        fees_paid: mine.iter().map(|t| t.fee).sum(),
        exits_challenged: challenged,
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    s: &Scenario,
    world: &World,
    operator: &Operator,
    users: &[User],
    view: &PublicView,
    accepted: &[SignedTx],
    arrivals: &BTreeMap<Hash32, u64>,
    unsent: usize,
    challenger: Address,
) -> Report {
    let attacked = view.bad.is_some();
    // Truth: what valid transactions leave each user.
    let amount_of =
        |pos: &UtxoPos| operator.chain.tx_at(*pos).and_then(|t| t.tx.outputs().get(pos.oindex() as usize)).copied();
    let mut entitled: BTreeMap<Address, i128> = users.iter().map(|u| (u.address(), s.deposit as i128)).collect();
    let mut spent: BTreeSet<UtxoPos> = BTreeSet::new();
    for t in accepted {
        for pos in t.tx.inputs() {
            spent.insert(*pos);
            if let Some(o) = amount_of(pos) {
                *entitled.entry(o.owner).or_default() -= o.amount as i128;
            }
        }
        for o in t.tx.outputs() {
            *entitled.entry(o.owner).or_default() += o.amount as i128;
        }
    }
    let mut paid_to: BTreeMap<Address, Wei> = BTreeMap::new();
    for p in world.paid.values() {
        *paid_to.entry(p.owner).or_default() += p.amount;
    }
    // Bonds: posted with successful calls, returned as credits beyond exit payments.
    let mut posted: BTreeMap<Address, Wei> = BTreeMap::new();
    for t in world.log.iter().filter(|t| t.ok) {
        let bond = match t.kind.as_str() {
            "StartStandardExit" => s.standard_exit_bond,
            "StartInFlightExit" => s.in_flight_exit_bond,
            "PiggybackInput" | "PiggybackOutput" => s.piggyback_bond,
            _ => 0,
        };
        *posted.entry(t.from).or_default() += bond;
    }
    let mut credited: BTreeMap<Address, Wei> = BTreeMap::new();
    for (_, e) in &world.events {
        if let PlasmaEvent::Credited { to, amount } = e {
            *credited.entry(*to).or_default() += amount;
        }
    }
    let mut outcomes = Vec::new();
    let (mut whole, mut in_time, mut failed, mut offline_loss) = (true, 0usize, 0usize, 0u128);
    for u in users {
        let a = u.address();
        let ent = entitled.get(&a).copied().unwrap_or(0).max(0) as Wei;
        let paid = paid_to.get(&a).copied().unwrap_or(0);
        let made: Wei = u.withdrawals.iter().map(|w| w.amount).sum();
        if attacked {
            if u.online && !u.cheater && paid != ent {
                whole = false;
            }
            if !u.online {
                offline_loss += ent.saturating_sub(paid);
            }
            if !u.cheater && ent > 0 {
                if paid >= ent {
                    in_time += 1;
                } else {
                    failed += 1;
                }
            }
        } else {
            // A user who left a censoring operator is owed everything it owns, not its withdrawals.
            let owed = if operator.censored == Some(a) && u.leaving { ent } else { made };
            if !u.cheater && paid != owed {
                whole = false;
            }
            let done = u.withdrawals.iter().filter(|w| w.paid_at.is_some()).count();
            in_time += done;
            failed += u.withdrawals.len() - done;
        }
        let returned = credited.get(&a).copied().unwrap_or(0).saturating_sub(paid);
        let bonds_lost = posted.get(&a).copied().unwrap_or(0).saturating_sub(returned);
        if !u.cheater && bonds_lost > 0 {
            whole = false;
        }
        outcomes.push(UserOutcome {
            address: a,
            online: u.online,
            cheater: u.cheater,
            entitled: ent,
            paid_out: paid,
            withdrawals_made: made,
            bonds_lost,
        });
    }
    // Exits, challenges and their gas.
    let mut started: Vec<UtxoPos> = Vec::new();
    let mut challenged: BTreeSet<UtxoPos> = BTreeSet::new();
    let (mut ifes, mut piggybacks, mut challenges) = (0usize, 0usize, 0usize);
    let mut processed = Vec::new();
    for (_, e) in &world.events {
        match e {
            PlasmaEvent::ExitPaid { owner, amount, .. } => processed.push((*owner, *amount, true)),
            PlasmaEvent::ExitUnpaid { owner, amount, .. } => processed.push((*owner, *amount, false)),
            PlasmaEvent::ExitStarted { utxo_pos, .. } => started.push(*utxo_pos),
            PlasmaEvent::ExitChallenged { utxo_pos, .. } => {
                challenged.insert(*utxo_pos);
            }
            PlasmaEvent::InFlightExitStarted { .. } => ifes += 1,
            PlasmaEvent::Piggybacked { .. } => piggybacks += 1,
            _ => {}
        }
        challenges += usize::from(is_challenge(e));
    }
    // Piggybacked inputs that a valid transaction (other than the in-flight one) spent must be challenged.
    let mut piggy_spent_unchallenged = 0usize;
    for (_, e) in &world.events {
        if let PlasmaEvent::Piggybacked { tx_hash, input: true, index } = e {
            let Some(ife) = world.contract.in_flight_exits().get(tx_hash) else { continue };
            let Some(input) = ife.inputs.get(*index) else { continue };
            let spent_elsewhere = accepted.iter().any(|t| t.tx != ife.tx && t.tx.inputs().contains(&input.pos));
            let challenged_it = world.events.iter().any(|(_, c)| {
                matches!(c, PlasmaEvent::PiggybackChallenged { tx_hash: h, input: true, index: i, .. }
                    if h == tx_hash && i == index)
            });
            if spent_elsewhere && !challenged_it {
                piggy_spent_unchallenged += 1;
            }
        }
    }
    let spent_exits_challenged =
        piggy_spent_unchallenged == 0 && started.iter().filter(|p| spent.contains(p)).all(|p| challenged.contains(p));
    let cheater_bonds_lost: Wei = outcomes.iter().filter(|u| u.cheater).map(|u| u.bonds_lost).sum();
    let mut by_kind: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for t in world.log.iter().filter(|t| t.ok) {
        by_kind.entry(t.kind.clone()).or_default().push(t.gas);
    }
    let gas_by_call: BTreeMap<String, CallGas> = by_kind
        .iter()
        .map(|(k, v)| {
            let sp = spread_of(v);
            (k.clone(), CallGas { count: sp.count, median: sp.median, max: sp.max })
        })
        .collect();
    let median_of = |k: &str| gas_by_call.get(k).map_or(0.0, |g| g.median);
    let submits = world.log.iter().filter(|t| t.kind == "SubmitBlock" && t.ok);
    let submit_gas: u64 = submits.clone().map(|t| t.gas).sum();
    let submit_bytes: usize = submits.map(|t| t.calldata_bytes).sum();
    let deposits = world.log.iter().filter(|t| t.kind == "Deposit" && t.ok).count();
    // Inclusion and finality of accepted transactions.
    let (mut inclusion, mut finality) = (Vec::new(), Vec::new());
    for &(number, slot, time) in &operator.submitted_at {
        let Some(block) = operator.chain.block(number) else { continue };
        for t in &block.txs {
            if let Some(&at) = arrivals.get(&t.tx.digest()) {
                inclusion.push(time.saturating_sub(at));
                finality.push(world.chain.finality_time(slot).saturating_sub(at));
            }
        }
    }
    let latency: Vec<u64> =
        users.iter().flat_map(|u| u.withdrawals.iter().filter_map(|w| w.paid_at.map(|p| p - w.arrival))).collect();
    let operator_took = paid_to.get(&operator.address).copied().unwrap_or(0);
    let _ = challenger;
    let balance = world.chain.balance(l1_contract_sim::Contract::address(&world.contract));
    let liabilities = world.contract.liabilities();
    Report {
        attack: s.attack,
        blocks: operator.blocks,
        deposits,
        child_txs: accepted.len(),
        unsent_payments: unsent,
        exits: started.len() + ifes,
        standard_exits: started.len(),
        in_flight_exits: ifes,
        piggybacks,
        challenges,
        exit_gas: median_of("StartStandardExit"),
        in_flight_exit_gas: median_of("StartInFlightExit"),
        l1_gas_per_tx: submit_gas as f64 / (accepted.len() + deposits).max(1) as f64,
        l1_calldata_bytes: submit_bytes,
        gas_by_call,
        exited_in_time: in_time,
        failed_to_exit: failed,
        withdrawal_latency_seconds: spread_of(&latency),
        inclusion_seconds: spread_of(&inclusion),
        finality_seconds: spread_of(&finality),
        attack_detected: view.bad.map(|(_, f, t)| (t, f)),
        online_users_whole: whole,
        spent_exits_challenged,
        cheater_bonds_lost,
        output_paid_twice: !world.paid_twice.is_empty(),
        forged_challenges_refused: operator.forged_challenges_refused,
        operator_took,
        offline_loss,
        processed,
        users: outcomes,
        total_funded: world.chain.total_funded(),
        total_supply_tracked: world.chain.total_supply_tracked(),
        eth_conserved: world.chain.total_supply_tracked() == world.chain.total_funded(),
        contract_balance: balance,
        contract_liabilities: liabilities,
        contract_solvent: balance == liabilities,
        simulated_seconds: world.chain.now(),
        censorship: None,
    }
}

#[cfg(test)]
mod tests;
