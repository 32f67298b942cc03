//! A censoring proposer against the contract's forced inclusion: it leaves one user's deposit out of its
//! assertions, which the contract accepts until the deposit is a sequencing window old; then it refuses them,
//! and the proposer has to include the deposit. Checked on the simulated L1 the run leaves behind.

use ark_std::rand::SeedableRng;
use l1_contract_sim::Contract;
use optimistic::contract::AssertionStatus;
use optimistic::{run_in_world, user_address, CallKind, ProposerBehaviour, Report, Scenario, World};
use rand_chacha::ChaCha8Rng;

/// Transactions reach the proposer for 16 hours, past the 12-hour sequencing window.
const TX_INTERVAL: u64 = 3600;

fn go(proposer: ProposerBehaviour, seed: u64) -> (Scenario, Report, World) {
    let s = Scenario { proposer, tx_interval_seconds: TX_INTERVAL, ..Scenario::default() };
    let (r, world) = run_in_world(&s, &mut ChaCha8Rng::seed_from_u64(seed)).expect("the scenario runs");
    println!("{}", serde_json::to_string(&r.censorship).unwrap());
    (s, r, world)
}

fn do_test_censoring(user: u32, seed: u64) {
    let (s, r, world) = go(ProposerBehaviour::Censoring { user }, seed);
    let c = &world.contract;
    let window = c.params().sequencing_window_seconds;
    assert_eq!(window, 12 * 3600);
    let queue = c.queued_deposits();
    let position = queue.iter().position(|q| q.deposit.to.value() == user).expect("the user deposited") as u64;
    let overdue_at = queue[position as usize].queued_at + window;

    // Before the window the contract accepts assertions without the deposit; after it, none.
    let accepted: Vec<_> = c.assertions().iter().skip(1).filter(|a| a.status != AssertionStatus::Rejected).collect();
    let without: Vec<_> = accepted.iter().filter(|a| a.claimed.deposits <= position).collect();
    assert!(!without.is_empty(), "the proposer did censor");
    assert!(
        without.iter().all(|a| a.proposed_at < overdue_at),
        "an assertion omitting an overdue deposit was accepted"
    );
    // It tried: its first proposal after the window was refused, and nothing was refused before.
    let proposals: Vec<_> = world.log.iter().filter(|t| t.kind == CallKind::Propose).collect();
    let refused: Vec<_> = proposals.iter().filter(|t| !t.ok).collect();
    assert!(!refused.is_empty() && refused.iter().all(|t| t.time >= overdue_at), "{refused:?}");
    let first_after = proposals.iter().find(|t| t.time >= overdue_at).expect("a proposal after the window");
    assert!(!first_after.ok, "the first censoring proposal past the window is refused");

    // Included in the very block of that refusal, so no later than the window plus the wait for traffic
    // (the workload ends after l2_txs intervals, when the proposer flushes).
    let including = accepted.iter().find(|a| a.claimed.deposits > position).expect("the deposit was included");
    assert_eq!(including.proposed_at, first_after.time);
    let delay = including.proposed_at - queue[position as usize].queued_at;
    assert!(delay >= window && delay <= (s.l2_txs as u64 + 1) * TX_INTERVAL, "delay {delay}");
    let cr = r.censorship.as_ref().expect("a censorship report");
    assert_eq!((cr.position, cr.delay_seconds, cr.included_at), (position, Some(delay), Some(including.proposed_at)));
    assert_eq!((cr.refused_proposals, cr.accepted_without_it), (refused.len(), without.len()));
    assert_eq!(cr.refused_gas, refused.iter().map(|t| t.gas).sum::<u64>());
    assert!(cr.refused_gas > 0 && cr.inclusion_gas.is_some_and(|g| g > 0));

    // In the end every deposit is in a confirmed assertion, every transaction confirmed and every claim paid.
    assert_eq!(c.last_confirmed().claimed.deposits, queue.len() as u64);
    assert!(cr.confirmed);
    assert_eq!(r.unconfirmed_txs, 0);
    assert_eq!(c.total_claimable(), 0);
    assert!(c.assertions().iter().all(|a| a.status != AssertionStatus::Pending));
    // ETH is conserved, the contract holds what it owes, and the censored user paid its deposit and nothing
    // else on L1 (it never had to act).
    assert_eq!(world.chain.total_supply_tracked(), world.chain.total_funded());
    assert_eq!(world.chain.balance(c.address()), c.liabilities());
    assert!(r.eth_conserved && r.contract_solvent && !r.false_root_confirmed);
    let sent: Vec<_> = world.log.iter().filter(|t| t.from == user_address(user)).map(|t| t.kind).collect();
    assert_eq!(sent[0], CallKind::Deposit);
    assert!(sent[1..].iter().all(|k| *k == CallKind::Withdraw), "the censored user sent only its deposit and claims");
}

#[test]
fn a_censored_last_deposit_is_forced_in_after_the_window() {
    do_test_censoring(3, 11);
}

#[test]
fn a_censored_last_deposit_is_forced_in_with_another_seed() {
    do_test_censoring(3, 12);
}

/// The limit of forced inclusion as the contract has it: it binds assertions, not the proposer. Censoring
/// user 1 holds back deposits 1 to 4 (queue order) and so every transaction but user 0's own deposit: after
/// the window the proposer posts that one deposit (an overdue one, filling the assertion's only slot, so the
/// contract accepts it) and then has nothing valid to post without the censored deposit, so it posts nothing
/// and nothing forces it. The deposit stays in the contract (no ETH lost), unprocessed, until someone else
/// proposes; the driver has no such user.
#[test]
fn a_proposer_that_stops_posting_is_not_forced() {
    let (_, r, world) = go(ProposerBehaviour::Censoring { user: 1 }, 12);
    let c = &world.contract;
    let cr = r.censorship.as_ref().expect("a censorship report");
    let overdue_at = c.queued_deposits()[1].queued_at + c.params().sequencing_window_seconds;
    let accepted: Vec<_> = c.assertions().iter().skip(1).collect();
    assert_eq!(accepted.len(), 1);
    assert!(accepted[0].proposed_at >= overdue_at && accepted[0].steps == 1 && accepted[0].claimed.deposits == 1);
    assert_eq!((cr.included_at, cr.refused_proposals), (None, 0));
    assert_eq!(r.unconfirmed_txs, r.l2_txs - 1);
    assert!(world.log.iter().all(|t| t.ok));
    assert!(r.eth_conserved && r.contract_solvent);
    assert_eq!(world.chain.balance(c.address()), c.liabilities());
}

#[test]
fn an_honest_proposer_includes_the_same_deposit_at_once() {
    let (_, r, world) = go(ProposerBehaviour::Honest, 11);
    assert!(r.censorship.is_none());
    let c = &world.contract;
    let first = &c.assertions()[1];
    assert_eq!(first.claimed.deposits, c.queued_deposits().len() as u64, "every deposit in the first assertion");
    assert!(world.log.iter().all(|t| t.ok));
}

#[test]
fn a_censored_user_outside_the_scenario_is_refused() {
    let s = Scenario { proposer: ProposerBehaviour::Censoring { user: 4 }, ..Scenario::default() };
    assert!(run_in_world(&s, &mut ChaCha8Rng::seed_from_u64(1)).is_err());
}
