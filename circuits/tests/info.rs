//! Constraint counts: pinned for the shapes we ship, and the large-shape estimate
//! equals full synthesis.

use circuits::info::{estimate, measure, SYNTHESISE_UP_TO};
use circuits::BatchShape;
use ledger::{Arity, ChainId, TreeShape};

fn shape(depth: u32, arity: Arity, batch_size: usize) -> BatchShape {
    BatchShape::new(TreeShape::new(depth, arity).unwrap(), batch_size, ChainId::DEFAULT).unwrap()
}

#[test]
fn constraint_counts_are_pinned() {
    // A change here is a change of every key: update the numbers on purpose.
    let cases = [
        // Circuit version 3 (SHA-256 at 17,640 per compression, EdDSA 4,907); version 2
        // had 147,066, 149,814, 176,334 and 161,366.
        (8, Arity::Quaternary, 2, 76_142),
        (32, Arity::Quaternary, 1, 79_481),
        (32, Arity::Quaternary, 2, 105_296),
        (32, Arity::Binary, 1, 91_033),
    ];
    for (depth, arity, batch, constraints) in cases {
        let info = measure(shape(depth, arity, batch)).unwrap();
        assert_eq!(info.constraints, constraints, "depth {depth}, {arity:?}, batch {batch}");
        assert_eq!(info.public_inputs, 1, "one public input: the commitment");
    }
}

#[test]
fn the_estimate_for_large_batches_is_close_to_full_synthesis() {
    for (depth, batch) in [(8, SYNTHESISE_UP_TO + 3), (32, 40)] {
        let s = shape(depth, Arity::Quaternary, batch);
        let measured = measure(s).unwrap();
        let estimated = circuits::info::combine(s).unwrap();
        assert!(!estimated.synthesised && measured.synthesised);
        // Every slot is the same circuit: those parts are exact.
        let b = (estimated.breakdown, measured.breakdown);
        assert_eq!(
            (b.0.signature, b.0.merkle_paths, b.0.leaves, b.0.range_checks),
            (b.1.signature, b.1.merkle_paths, b.1.leaves, b.1.range_checks)
        );
        // SHA-256 blocks differ slightly with their constant bytes (padding, unused index bits).
        let error = (estimated.constraints as f64 - measured.constraints as f64).abs() / measured.constraints as f64;
        assert!(error < 0.002, "depth {depth}, batch {batch}: estimate off by {:.3}%", error * 100.0);
    }
    let small = shape(8, Arity::Quaternary, 3);
    assert_eq!(estimate(small).unwrap(), measure(small).unwrap(), "small shapes are synthesised");
}

#[test]
fn a_transfer_costs_at_most_30k_constraints_at_2_pow_32_accounts() {
    let info = estimate(shape(32, Arity::Quaternary, 1024)).unwrap();
    let per_tx = info.constraints_per_tx();
    println!(
        "depth 32, 4-ary, batch 1024: {} constraints, {per_tx:.0} per transaction, {:?}",
        info.constraints, info.breakdown
    );
    // 34,751 per transfer before the SHA-256 gadget and the EdDSA savings (version 2).
    assert_eq!(info.constraints, 30_044_243);
    assert_eq!(info.sha256_blocks, 211);
    assert!(per_tx <= 30_000.0, "{per_tx}");
}
