//! Criterion benches of the prover's building blocks and of one whole proof: G1 and G2
//! multi-scalar multiplications by size, the six FFTs of the quotient by size, and one proof of
//! the smallest batch circuit (depth 4, one slot). Run with `cargo bench -p prover`.

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_std::rand::SeedableRng;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ledger::{Amount, Arity, ChainId};
use prover::{Prover, SetupKind, Silent};
use rand_chacha::ChaCha20Rng;

fn points<P: CurveGroup>(n: usize, rng: &mut ChaCha20Rng) -> Vec<P::Affine> {
    // Multiples of one random point by random scalars: as good as independent for timing.
    let base = P::rand(rng);
    let projective: Vec<P> = (0..n).map(|_| base * P::ScalarField::rand(rng)).collect();
    P::normalize_batch(&projective)
}

fn msm(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mut group = c.benchmark_group("msm");
    group.sample_size(10);
    for log in [12u32, 14, 16] {
        let n = 1usize << log;
        let bases: Vec<G1Affine> = points::<G1Projective>(n, &mut rng);
        let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        group.bench_with_input(BenchmarkId::new("g1", n), &n, |b, _| {
            b.iter(|| G1Projective::msm(&bases, &scalars).expect("equal lengths"))
        });
    }
    for log in [10u32, 12] {
        let n = 1usize << log;
        let bases: Vec<G2Affine> = points::<G2Projective>(n, &mut rng);
        let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        group.bench_with_input(BenchmarkId::new("g2", n), &n, |b, _| {
            b.iter(|| G2Projective::msm(&bases, &scalars).expect("equal lengths"))
        });
    }
    group.finish();
}

fn fft(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut group = c.benchmark_group("fft_ifft_and_coset");
    group.sample_size(10);
    for log in [14u32, 16, 18] {
        let d = Radix2EvaluationDomain::<Fr>::new(1 << log).expect("a BN254 domain");
        let coset = d.get_coset(Fr::from(5u64)).expect("a coset");
        let values: Vec<Fr> = (0..d.size()).map(|_| Fr::rand(&mut rng)).collect();
        group.bench_with_input(BenchmarkId::from_parameter(d.size()), &values, |b, values| {
            b.iter(|| {
                let mut v = values.clone();
                d.ifft_in_place(&mut v);
                coset.fft_in_place(&mut v);
                v
            })
        });
    }
    group.finish();
}

fn whole_proof(c: &mut Criterion) {
    let tree = ledger::TreeShape::new(4, Arity::Quaternary).expect("depth 4");
    let shape = circuits::BatchShape { tree, batch_size: 1, chain_id: ChainId::DEFAULT };
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let (mut state, keys) =
        ledger::workload::genesis(tree, shape.chain_id, 2, Amount::new(1_000_000), &mut rng).expect("genesis");
    let txs = ledger::workload::random_transactions(&state, &keys, 1, ledger::workload::Mix::default(), &mut rng)
        .expect("a workload");
    let record = state.apply_batch(&txs, 1).expect("a valid batch");
    let keys = prover::setup(shape, SetupKind::InsecureSeeded(3), &mut rng, &mut Silent).expect("setup");
    let prover = Prover::new(keys);
    let mut group = c.benchmark_group("prove");
    group.sample_size(10);
    group.bench_function("depth4_1slot", |b| {
        b.iter(|| prover.prove(&record, &mut rng, &mut Silent).expect("a valid batch proves"))
    });
    group.finish();
}

criterion_group!(benches, msm, fft, whole_proof);
criterion_main!(benches);
