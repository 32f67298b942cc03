//! A censoring operator: it keeps publishing valid blocks but refuses one user's transactions; the user waits,
//! exits every output it owns through the contract, and has its funds on L1 once the exit period ends.

use l1_contract_sim::ETHER;
use plasma::{run, Attack, Payment, Report, Scenario};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const SLACK: u64 = 3600;

fn go(s: &Scenario, seed: u64) -> Report {
    run(s, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap()
}

fn workload() -> Vec<Payment> {
    let a = ETHER / 10;
    vec![
        Payment::Transfer { from: 0, to: 1, amount: a },
        Payment::Transfer { from: 2, to: 3, amount: a },
        Payment::Withdraw { from: 3, amount: a },
        Payment::Transfer { from: 1, to: 2, amount: a },
        Payment::Withdraw { from: 0, amount: a },
        Payment::Withdraw { from: 2, amount: a },
    ]
}

/// The censored user's L1 balance rose by exactly its Plasma balance less the fees it paid, and its exits
/// stood: nobody challenged them successfully (the operator tried with spends it signed itself).
fn recovered_whole(r: &Report) -> plasma::Censorship {
    let c = r.censorship.clone().expect("the censored user sent a transaction");
    assert!(r.eth_conserved && r.contract_solvent && !r.output_paid_twice, "{r:?}");
    assert!(c.refused_txs >= 1);
    assert_eq!(c.paid_out, c.plasma_balance, "{c:?}");
    assert_eq!(c.l1_balance_after + c.fees_paid - c.l1_balance_before, c.plasma_balance, "{c:?}");
    assert!(c.fees_paid > 0 && c.gas_used > 100_000, "{c:?}");
    assert_eq!(c.exits_challenged, 0);
    assert_eq!(r.challenges, 0);
    assert!(r.forged_challenges_refused >= 1, "the operator's forged challenges were refused: {r:?}");
    let me = r.users.iter().find(|u| u.address == c.user).unwrap();
    assert_eq!(me.bonds_lost, 0, "its exit bonds came back");
    c
}

#[test]
fn a_censored_user_with_its_deposit_only_is_back_on_l1_after_the_wait_and_one_exit_period() {
    let s = Scenario { workload: Some(workload()), attack: Attack::Censor, censored_user: 0, ..Scenario::default() };
    let r = go(&s, 21);
    let c = recovered_whole(&r);
    assert_eq!(c.plasma_balance, s.deposit, "its payments were refused: it still owns its deposit");
    assert_eq!(c.refused_txs, 2, "both its payments were refused");
    let started = c.exit_started_at.unwrap();
    assert!(started >= c.first_refused_at + s.censorship_wait_seconds);
    assert!(started <= c.first_refused_at + s.censorship_wait_seconds + 60, "{c:?}");
    // A deposit output exits one period after the exit starts.
    let delay = c.recovered_at.unwrap() - c.first_refused_at;
    assert!(delay >= s.censorship_wait_seconds + s.min_exit_period, "{delay}");
    assert!(delay <= s.censorship_wait_seconds + s.min_exit_period + SLACK, "{delay}");
    assert!(r.online_users_whole, "{:?}", r.users);

    // The other users fare exactly as under an honest operator given the same payments without the censored
    // user's.
    let others_only: Vec<Payment> = workload()
        .into_iter()
        .filter(|p| !matches!(*p, Payment::Transfer { from: 0, .. } | Payment::Withdraw { from: 0, .. }))
        .collect();
    let honest = go(&Scenario { workload: Some(others_only), ..Scenario::default() }, 21);
    for (u, h) in r.users.iter().zip(&honest.users).filter(|(u, _)| u.address != c.user) {
        assert_eq!(u.address, h.address);
        assert_eq!(
            (u.entitled, u.paid_out, u.withdrawals_made, u.bonds_lost),
            (h.entitled, h.paid_out, h.withdrawals_made, 0)
        );
    }
    // Their transactions are all included, within one block interval and two slots (arrival times differ
    // from the honest run's, which has fewer payments).
    assert_eq!(r.inclusion_seconds.count, honest.inclusion_seconds.count);
    assert!(r.inclusion_seconds.max <= (s.block_interval_seconds + 24) as f64, "{:?}", r.inclusion_seconds);
    assert_eq!(r.withdrawal_latency_seconds.count, honest.withdrawal_latency_seconds.count);
}

#[test]
fn a_censored_user_also_exits_what_others_paid_it_within_two_periods() {
    // Seeded payments among four users, user 1 censored: it exits its deposit and every output others paid it
    // (a child-block output waits until two periods after its block).
    let s = Scenario {
        payments: 12,
        attack: Attack::Censor,
        censored_user: 1,
        min_exit_period: 24 * 3600,
        ..Scenario::default()
    };
    let r = go(&s, 4);
    let c = recovered_whole(&r);
    assert!(c.plasma_balance >= s.deposit, "{c:?}");
    let delay = c.recovered_at.unwrap() - c.first_refused_at;
    assert!(delay >= s.censorship_wait_seconds + s.min_exit_period, "{delay}");
    assert!(delay <= s.censorship_wait_seconds + 2 * s.min_exit_period + SLACK, "{delay}");
    for u in r.users.iter().filter(|u| u.address != c.user) {
        assert_eq!(u.paid_out, u.withdrawals_made, "{u:?}");
        assert_eq!(u.bonds_lost, 0);
    }
    assert_eq!(r.failed_to_exit, 0);
    assert!(r.online_users_whole);
    // ETH: what everyone holds on L1 plus burned fees equals what was funded, to the wei.
    assert_eq!(r.total_supply_tracked, r.total_funded);
}

#[test]
fn a_censored_user_out_of_range_is_refused() {
    let s = Scenario { attack: Attack::Censor, censored_user: 4, ..Scenario::default() };
    assert!(run(&s, &mut ChaCha20Rng::seed_from_u64(1)).is_err());
}
