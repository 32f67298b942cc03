//! Property: across 1,000 seeded random scenarios (where and how the proposer lies, dishonest challengers
//! that dispute correct assertions with fabricated traces or stall, binary or k-ary dissection, binary or
//! 4-ary trees), the honest party wins every dispute, no false root is confirmed while an honest challenger
//! watches, every transaction is eventually confirmed, and ETH is conserved with the contract exactly solvent.
//! Split in four tests so that they run in parallel.

mod common;

fn range(from: u64, to: u64) -> (usize, usize) {
    let (mut disputes, mut lost_by_proposer) = (0, 0);
    for seed in from..to {
        let (_, report) = common::check_seed(seed);
        disputes += report.disputes;
        lost_by_proposer += report.rejected.min(1);
    }
    (disputes, lost_by_proposer)
}

#[test]
fn honest_side_wins_seeds_0_to_250() {
    let (disputes, rejected) = range(0, 250);
    assert!(disputes > 150 && rejected > 50, "the matrix exercises disputes: {disputes} games, {rejected} rollbacks");
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
