//! Criterion benches of the native twins of the circuit's gadgets: Poseidon, EdDSA-Poseidon
//! verification, a Merkle path at depth 32 (4-ary) and the SHA-256 batch commitment.
//! Run with `cargo bench -p ledger`.

use ark_std::rand::{RngCore, SeedableRng};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ledger::{AccountIndex, AccountTree, Arity, Fr, SecretKey, TreeShape};
use rand_chacha::ChaCha20Rng;

fn poseidon(c: &mut Criterion) {
    let mut group = c.benchmark_group("poseidon");
    for inputs in [2usize, 5] {
        let values: Vec<Fr> = (0..inputs as u64).map(|i| Fr::from(i + 1)).collect();
        group.bench_with_input(BenchmarkId::from_parameter(inputs), &values, |b, values| {
            b.iter(|| ledger::poseidon::hash(std::hint::black_box(values)).expect("2 to 5 inputs"))
        });
    }
    group.finish();
}

fn eddsa(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let key = SecretKey::random(&mut rng);
    let public = key.public_key();
    let msg = Fr::from(rng.next_u64());
    let signature = key.sign(msg);
    c.bench_function("eddsa_poseidon_verify", |b| {
        b.iter(|| assert!(public.verify(std::hint::black_box(msg), &signature)))
    });
}

fn merkle(c: &mut Criterion) {
    let shape = TreeShape::new(32, Arity::Quaternary).expect("depth 32 is a 4-ary shape");
    let mut tree = AccountTree::new(shape);
    for i in 0..64u32 {
        tree.set_leaf(AccountIndex::new(i * 65_537), Fr::from(u64::from(i) + 1)).expect("in range");
    }
    let index = AccountIndex::new(7 * 65_537);
    let (root, leaf) = (tree.root(), tree.leaf(index).expect("in range"));
    let proof = tree.proof(index).expect("in range");
    c.bench_function("merkle_path_depth32_4ary_verify", |b| {
        b.iter(|| assert!(proof.verify(shape, root, std::hint::black_box(leaf))))
    });
}

fn commitment(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch_commitment_sha256");
    for slots in [2usize, 64, 1024] {
        let mut data = vec![0u8; slots * 13];
        ChaCha20Rng::seed_from_u64(slots as u64).fill_bytes(&mut data);
        let roots = [Fr::from(1u64), Fr::from(2u64), Fr::from(3u64), Fr::from(4u64)];
        group.bench_with_input(BenchmarkId::from_parameter(slots), &data, |b, data| {
            b.iter(|| ledger::state::batch_commitment(roots[0], roots[1], roots[2], roots[3], data))
        });
    }
    group.finish();
}

criterion_group!(benches, poseidon, eddsa, merkle, commitment);
criterion_main!(benches);
