//! Scenario tests with the real parameters (7-day window, 3.5-day clocks, 1 ETH bonds): one body per
//! situation, each run with a fixed seed. Run with `--nocapture` to see the reports.

mod common;

use ark_std::rand::SeedableRng;
use l1_contract_sim::ETHER;
use optimistic::contract::{InvalidReason, OptimisticParams, Resolution, Side};
use optimistic::{run, ChallengerBehaviour, Forgery, Lie, LiePlan, ProposerBehaviour, Report, Scenario};
use rand_chacha::ChaCha8Rng;

const WEEK: u64 = OptimisticParams::DEFAULT_WINDOW;

fn go(s: &Scenario, seed: u64) -> Report {
    let report = run(s, &mut ChaCha8Rng::seed_from_u64(seed)).expect("the scenario runs");
    println!("{}", serde_json::to_string(&report).unwrap());
    assert!(report.eth_conserved, "ETH conserved");
    assert!(
        report.contract_solvent,
        "balance {} vs liabilities {}",
        report.contract_balance, report.contract_liabilities
    );
    report
}

fn lying(batch: usize, step: usize, lie: Lie, stall: bool) -> ProposerBehaviour {
    ProposerBehaviour::Lying(LiePlan { batch, step, lie, stall })
}

#[test]
fn honest_run_confirms_everything_after_the_window() {
    let r = go(&Scenario::default(), 1);
    assert_eq!((r.disputes, r.rejected, r.unconfirmed_txs), (0, 0, 0));
    assert_eq!(r.confirmed, r.assertions);
    assert!(r.finality_seconds.median >= WEEK as f64 && r.finality_seconds.max < (WEEK + 3600) as f64);
    assert!(r.withdrawal_latency_seconds.count > 0 && r.withdrawal_latency_seconds.median >= WEEK as f64);
    assert!(!r.false_root_confirmed);
}

#[test]
fn without_a_watcher_a_false_root_is_confirmed() {
    for challengers in [vec![], vec![ChallengerBehaviour::Lazy]] {
        let s = Scenario {
            proposer: lying(0, 6, Lie::MintToSelf { amount: 500_000 }, false),
            challengers,
            ..Default::default()
        };
        let r = go(&s, 2);
        assert_eq!(r.disputes, 0);
        assert!(r.false_root_confirmed, "the 1-of-N honest watcher assumption: nobody watched");
        assert_eq!(r.confirmed, r.assertions);
    }
}

#[test]
fn every_kind_of_lie_is_caught_and_rolled_back() {
    let cases = [
        (Lie::WrongRoot, Resolution::WrongPostState),
        (Lie::SkipTx, Resolution::WrongPostState),
        (Lie::MintToSelf { amount: 77 }, Resolution::WrongPostState),
        (Lie::InvalidTx(Forgery::BadSignature), Resolution::InvalidTransaction(InvalidReason::BadSignature)),
        (Lie::InvalidTx(Forgery::Overdraft), Resolution::InvalidTransaction(InvalidReason::InsufficientBalance)),
    ];
    for (lie, expected) in cases {
        let s = Scenario { proposer: lying(1, 3, lie, false), ..Default::default() };
        let r = go(&s, 3);
        assert_eq!(r.winner, Some(Side::Challenger), "{lie:?}");
        assert_eq!(r.games[0].resolution, Some(expected), "{lie:?}");
        assert!(r.rejected >= 1 && r.unconfirmed_txs == 0 && !r.false_root_confirmed, "{lie:?}");
        assert_eq!(r.bond_slashed % ETHER, 0);
        assert_eq!(r.bond_burned, r.bond_slashed / 2, "half burned, half to the winner");
    }
}

#[test]
fn a_challenger_disputing_a_correct_assertion_loses_its_bond() {
    let dishonest = ChallengerBehaviour::Dishonest { target: 1, fabricate_from: 3, random_parts: false, stall: false };
    let s = Scenario { challengers: vec![dishonest], ..Default::default() };
    let r = go(&s, 4);
    assert_eq!(r.winner, Some(Side::Proposer));
    assert_eq!(r.games[0].resolution, Some(Resolution::CorrectPostState));
    assert_eq!(r.bond_slashed, s.challenger_bond);
    assert_eq!(r.bond_burned, s.challenger_bond / 2);
    assert_eq!((r.rejected, r.unconfirmed_txs), (0, 0));
    // The window counts undisputed time: the disputed assertion waits for the game's length on top.
    assert!(r.finality_seconds.max >= (WEEK + r.games[0].duration_seconds) as f64);
}

#[test]
fn a_party_that_runs_out_of_time_loses() {
    // A lying proposer stops answering: the challenger claims the timeout after the proposer's 3.5 days.
    let s = Scenario { proposer: lying(0, 2, Lie::WrongRoot, true), ..Default::default() };
    let r = go(&s, 5);
    assert_eq!(r.winner, Some(Side::Challenger));
    assert_eq!(r.games[0].resolution, Some(Resolution::Timeout));
    assert!(r.games[0].duration_seconds > OptimisticParams::DEFAULT_CLOCK);
    assert_eq!(r.unconfirmed_txs, 0);
    // A dishonest challenger stalls at the one-step stage: the proposer claims the timeout.
    let dishonest = ChallengerBehaviour::Dishonest { target: 2, fabricate_from: 1, random_parts: false, stall: true };
    let s = Scenario { challengers: vec![dishonest, ChallengerBehaviour::Honest], ..Default::default() };
    let r = go(&s, 6);
    assert_eq!(r.winner, Some(Side::Proposer));
    assert_eq!(r.games[0].resolution, Some(Resolution::Timeout));
    assert_eq!((r.rejected, r.unconfirmed_txs), (0, 0));
}

#[test]
fn a_sacrificial_challenger_cannot_eat_the_honest_watchers_window() {
    // A colluding challenger opens the game on the false assertion first and stalls; the honest one
    // challenges once that game is over, inside the window that only counts undisputed time.
    let sacrificial = ChallengerBehaviour::Dishonest { target: 1, fabricate_from: 1, random_parts: true, stall: true };
    let s = Scenario {
        proposer: lying(0, 4, Lie::MintToSelf { amount: 1 }, false),
        challengers: vec![sacrificial, ChallengerBehaviour::Honest],
        ..Default::default()
    };
    let r = go(&s, 7);
    assert!(!r.false_root_confirmed);
    assert_eq!(r.games.last().unwrap().winner, Some(Side::Challenger));
    assert_eq!(r.unconfirmed_txs, 0);
}

/// A batch of 64 transactions with a lie in its last step: bisection takes ceil(log_k 64) rounds, two L1
/// transactions each, plus the challenge and the one-step proof.
#[test]
fn a_dispute_costs_logarithmically_many_moves() {
    let mut txs_by_k = Vec::new();
    for k in [2u32, 4, 8] {
        let s = Scenario {
            users: 4,
            l2_txs: 59,
            batch_size: 64,
            dissection: k,
            proposer: lying(0, 63, Lie::MintToSelf { amount: 5 }, false),
            ..Default::default()
        };
        let r = go(&s, 8);
        let g = &r.games[0];
        assert_eq!((g.steps, g.winner), (64, Some(Side::Challenger)));
        let bound = (64f64.ln() / f64::from(k).ln()).ceil() as u32;
        assert!(g.rounds <= bound, "k = {k}: {} rounds > {bound}", g.rounds);
        assert!(g.l1_txs <= 2 * bound as usize + 2, "k = {k}: {} L1 transactions", g.l1_txs);
        println!(
            "k = {k}: {} rounds, {} L1 txs, {} gas, one-step proof {:?} gas",
            g.rounds, g.l1_txs, g.gas, g.one_step_proof_gas
        );
        txs_by_k.push(g.l1_txs);
    }
    assert!(txs_by_k[1] < txs_by_k[0] && txs_by_k[2] < txs_by_k[1], "k-ary needs fewer moves: {txs_by_k:?}");
}

#[test]
fn the_report_serialises() {
    let r = go(&Scenario { proposer: lying(0, 1, Lie::SkipTx, false), ..Default::default() }, 9);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"winner\":\"challenger\""));
    assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), r);
}

#[test]
fn a_few_random_scenarios_with_real_durations() {
    for seed in 10_000..10_010 {
        let (mut s, _) = common::check_seed(seed);
        s.challenge_window_seconds = WEEK;
        s.clock_seconds = OptimisticParams::DEFAULT_CLOCK;
        let r = go(&s, seed);
        assert!(r.honest_won_every_dispute && !r.false_root_confirmed && r.unconfirmed_txs == 0);
    }
}

/// The one-step proof at the default tree (2^32 accounts, 4-ary: 16 levels of 4-input Poseidon on L1).
#[test]
fn a_dispute_at_the_default_tree_shape() {
    let s = Scenario {
        tree: ledger::TreeShape::DEFAULT,
        proposer: lying(0, 7, Lie::MintToSelf { amount: 5 }, false),
        ..Default::default()
    };
    let r = go(&s, 11);
    let g = &r.games[0];
    assert_eq!(g.winner, Some(Side::Challenger));
    let osp = g.one_step_proof_gas.expect("a one-step proof");
    println!("default tree: one-step proof {osp} gas, game {} gas in {} L1 txs", g.gas, g.l1_txs);
    assert!(osp < 36_000_000, "fits a block");
}
