//! arkworks 0.6 (`msm_bigint`, what `prover::groth16` calls) against halo2curves 0.9 (`msm_best`,
//! with its `asm` feature) on BN254, same machine, same sizes, in one run: G1 MSMs of 2^LOG points
//! and G2 MSMs of 2^(LOG-2), with two scalar mixes:
//! - `random`: every scalar a uniform field element (like the H query's);
//! - `witness`: 40% zero, 35% one and 25% uniform (like the A, B and L queries', whose scalars are
//!   the witness values, mostly bits).
//!
//! ```sh
//! cd bench/msm-halo2curves && RAYON_NUM_THREADS=2 cargo run --release -- 18
//! ```
//! halo2curves' `asm` needs the ADX and BMI2 instructions (x86-64 since about 2014).

use std::time::Instant;

use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{PrimeField, UniformRand};
use halo2curves::bn256;
use halo2curves::ff::Field;
use halo2curves::group::{Curve, Group};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// `which(i)`: 0 for a zero scalar, 1 for one, 2 for a uniform one.
fn kind(mix: &str, i: usize) -> u8 {
    match (mix, i % 20) {
        ("witness", 0..=7) => 0,
        ("witness", 8..=14) => 1,
        _ => 2,
    }
}

/// Distinct bases `g, 3g, 7g, …` (doubling and adding), so no MSM sees repeated points.
fn halo2_bases<G: Group + Curve>(g: G, n: usize) -> Vec<G::AffineRepr>
where
    G::AffineRepr: Default + Clone,
{
    let mut proj = Vec::with_capacity(n);
    let mut acc = g;
    for _ in 0..n {
        proj.push(acc);
        acc = acc.double() + g;
    }
    let mut affine = vec![G::AffineRepr::default(); n];
    G::batch_normalize(&proj, &mut affine);
    affine
}

fn ark_bases<G: CurveGroup>(g: G, n: usize) -> Vec<G::Affine> {
    let mut proj = Vec::with_capacity(n);
    let mut acc = g;
    for _ in 0..n {
        proj.push(acc);
        acc = acc.double() + g;
    }
    G::normalize_batch(&proj)
}

fn seconds<T>(f: impl FnOnce() -> T) -> f64 {
    let started = Instant::now();
    std::hint::black_box(f());
    started.elapsed().as_secs_f64()
}

fn main() {
    let log: u32 = std::env::args().nth(1).map_or(Ok(18), |s| s.parse()).expect("LOG: an integer, 4 to 24");
    assert!((4..=24).contains(&log), "LOG: an integer, 4 to 24");
    let (n1, n2) = (1usize << log, 1usize << (log - 2));
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let h_g1 = halo2_bases(bn256::G1::random(&mut rng), n1);
    let h_g2 = halo2_bases(bn256::G2::generator(), n2);
    let a_g1 = ark_bases(ark_bn254::G1Projective::rand(&mut rng), n1);
    let a_g2 = ark_bases(ark_bn254::G2Projective::generator(), n2);
    println!("threads: {}", rayon_threads());
    for mix in ["random", "witness"] {
        let mut h_scalars = Vec::with_capacity(n1);
        let mut a_scalars = Vec::with_capacity(n1);
        for i in 0..n1 {
            let (h, a) = match kind(mix, i) {
                0 => (bn256::Fr::ZERO, ark_bn254::Fr::from(0u64)),
                1 => (bn256::Fr::ONE, ark_bn254::Fr::from(1u64)),
                _ => (bn256::Fr::random(&mut rng), ark_bn254::Fr::rand(&mut rng)),
            };
            h_scalars.push(h);
            a_scalars.push(a.into_bigint());
        }
        for round in 1..=2 {
            let h1 = seconds(|| halo2curves::msm::msm_best(&h_scalars, &h_g1));
            let a1 = seconds(|| ark_bn254::G1Projective::msm_bigint(&a_g1, &a_scalars));
            let h2 = seconds(|| halo2curves::msm::msm_best(&h_scalars[..n2], &h_g2));
            let a2 = seconds(|| ark_bn254::G2Projective::msm_bigint(&a_g2, &a_scalars[..n2]));
            println!(
                "{mix:>7} scalars, run {round}: G1 2^{log}: arkworks {a1:.3} s, halo2curves {h1:.3} s ({:.2}x); \
                 G2 2^{}: arkworks {a2:.3} s, halo2curves {h2:.3} s ({:.2}x)",
                a1 / h1,
                log - 2,
                a2 / h2
            );
        }
    }
}

fn rayon_threads() -> String {
    std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all cores".into())
}
