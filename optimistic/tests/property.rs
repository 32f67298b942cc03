//! Property: across 1,000 seeded random scenarios (where and how the proposer lies: a wrong root, a skipped
//! transaction, minted units, or an invalid transaction of every kind the ledger rejects; dishonest
//! challengers that dispute correct assertions with fabricated traces or stall; binary or k-ary dissection;
//! binary or 4-ary trees), the honest party wins every dispute, no false root is confirmed while an honest
//! challenger watches, every transaction is eventually confirmed, and ETH is conserved with the contract
//! exactly solvent. Split in four tests so that they run in parallel.

mod common;

use std::collections::BTreeSet;

use optimistic::contract::Resolution;

/// Runs the seeds and returns the number of disputes, of rolled-back assertions, and how the one-step proofs
/// decided (by name: `wrong_post_state`, `correct_post_state` or the ledger's rejection).
fn range(from: u64, to: u64) -> (usize, usize, BTreeSet<String>) {
    let (mut disputes, mut lost_by_proposer, mut decided) = (0, 0, BTreeSet::new());
    for seed in from..to {
        let (_, report) = common::check_seed(seed);
        disputes += report.disputes;
        lost_by_proposer += report.rejected.min(1);
        for g in &report.games {
            let name = match &g.resolution {
                Some(Resolution::InvalidTransaction(reason)) => format!("{reason:?}"),
                Some(Resolution::WrongPostState) => "wrong_post_state".into(),
                Some(Resolution::CorrectPostState) => "correct_post_state".into(),
                _ => continue,
            };
            decided.insert(name);
        }
    }
    (disputes, lost_by_proposer, decided)
}

#[test]
fn honest_side_wins_seeds_0_to_250() {
    let (disputes, rejected, decided) = range(0, 250);
    assert!(disputes > 150 && rejected > 50, "the matrix exercises disputes: {disputes} games, {rejected} rollbacks");
    // Every rule a forged transaction can break from a valid history was decided by a one-step proof.
    for rule in [
        "BadSignature",
        "InsufficientBalance",
        "IndexOutOfRange",
        "UnknownAccount",
        "DepositNotQueued",
        "wrong_post_state",
        "correct_post_state",
    ] {
        assert!(decided.contains(rule), "no one-step proof decided {rule}: {decided:?}");
    }
}

#[test]
fn honest_side_wins_seeds_250_to_500() {
    range(250, 500);
}

#[test]
fn honest_side_wins_seeds_500_to_750() {
    range(500, 750);
}

#[test]
fn honest_side_wins_seeds_750_to_1000() {
    range(750, 1000);
}
