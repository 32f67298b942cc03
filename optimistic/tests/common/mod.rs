//! Shared helpers of the scenario and property tests.
#![allow(dead_code)]

use ark_std::rand::{Rng, SeedableRng};
use ledger::{Arity, TreeShape};
use optimistic::contract::Side;
use optimistic::{run, ChallengerBehaviour, Forgery, Lie, LiePlan, ProposerBehaviour, Report, Scenario};
use rand_chacha::ChaCha8Rng;

/// A small scenario: a tree of depth 4 or 6, binary or 4-ary, 2–4 users, 2–10 transactions in batches of
/// 2–6, dissection 2–5. The window (2 hours) and clocks (1 hour each) are scaled down from OP Stack's 7 days
/// and 3.5 days: the chain seals every 12-second slot it passes, and no property depends on the absolute
/// durations (the scenario tests run with the real ones).
pub fn small(rng: &mut ChaCha8Rng) -> Scenario {
    let depth = if rng.gen_bool(0.5) { 4 } else { 6 };
    let arity = if rng.gen_bool(0.5) { Arity::Binary } else { Arity::Quaternary };
    Scenario {
        tree: TreeShape::new(depth, arity).unwrap(),
        users: rng.gen_range(2..=4),
        l2_txs: rng.gen_range(2..=10),
        batch_size: rng.gen_range(2..=6),
        dissection: rng.gen_range(2..=5),
        withdrawal_share: 0.3,
        challenge_window_seconds: 2 * 3600,
        clock_seconds: 3600,
        ..Scenario::default()
    }
}

/// Assertions a scenario posts when nobody lies.
pub fn batches(s: &Scenario) -> usize {
    (s.users as usize + 1 + s.l2_txs).div_ceil(s.batch_size)
}

pub fn random_lie(rng: &mut ChaCha8Rng, s: &Scenario) -> LiePlan {
    let kinds = 3 + Forgery::ALL.len();
    let lie = match rng.gen_range(0..kinds) {
        0 => Lie::WrongRoot,
        1 => Lie::SkipTx,
        2 => Lie::MintToSelf { amount: rng.gen_range(1..1_000_000) },
        k => Lie::InvalidTx(Forgery::ALL[k - 3]),
    };
    // Deposits come first: a forged deposit is told in the first batch, which holds them.
    let batch = match lie {
        Lie::InvalidTx(Forgery::InventedDeposit | Forgery::AlteredDeposit) => 0,
        _ => rng.gen_range(0..batches(s)),
    };
    LiePlan { batch, step: rng.gen_range(0..s.batch_size), lie, stall: rng.gen_bool(0.2) }
}

pub fn random_dishonest(rng: &mut ChaCha8Rng, s: &Scenario) -> ChallengerBehaviour {
    ChallengerBehaviour::Dishonest {
        target: rng.gen_range(1..=batches(s) as u64),
        fabricate_from: rng.gen_range(1..=s.batch_size as u64 + 1),
        random_parts: rng.gen_bool(0.3),
        stall: rng.gen_bool(0.3),
    }
}

/// Runs one seeded random scenario and checks the properties; returns the report.
pub fn check_seed(seed: u64) -> (Scenario, Report) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut s = small(&mut rng);
    match rng.gen_range(0..3) {
        0 => {
            s.proposer = ProposerBehaviour::Lying(random_lie(&mut rng, &s));
            s.challengers = if rng.gen_bool(0.5) {
                vec![ChallengerBehaviour::Honest]
            } else {
                vec![ChallengerBehaviour::Lazy, random_dishonest(&mut rng, &s), ChallengerBehaviour::Honest]
            };
        }
        1 => {
            s.challengers = vec![random_dishonest(&mut rng, &s), ChallengerBehaviour::Honest];
        }
        _ => {
            s.proposer = ProposerBehaviour::Lying(random_lie(&mut rng, &s));
            s.challengers = vec![random_dishonest(&mut rng, &s), ChallengerBehaviour::Honest];
        }
    }
    let report = run(&s, &mut rng).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{s:?}"));
    let ctx = || format!("seed {seed}\n{s:?}\n{}", serde_json::to_string_pretty(&report).unwrap());
    assert!(report.honest_won_every_dispute, "{}", ctx());
    assert!(!report.false_root_confirmed, "{}", ctx());
    assert!(report.eth_conserved && report.contract_solvent, "{}", ctx());
    assert_eq!(report.unconfirmed_txs, 0, "{}", ctx());
    for g in &report.games {
        assert!(g.resolution.is_some(), "game {} unfinished: {}", g.game, ctx());
        if g.right_side == Some(Side::Challenger) && g.right_side_honest {
            assert_eq!(g.winner, Some(Side::Challenger), "{}", ctx());
        }
    }
    if s.proposer == ProposerBehaviour::Honest {
        assert_eq!(report.rejected, 0, "{}", ctx());
        assert!(report.games.iter().all(|g| g.winner != Some(Side::Challenger)), "{}", ctx());
    }
    (s, report)
}
