//! Groth16 keys whose trapdoor is kept, so that valid proofs exist for any public inputs without a circuit.
//!
//! The verifier's gas depends on the number of public inputs only (the precompiles' prices are fixed), so a
//! proof made with the trapdoor measures exactly what a circuit's proof does; the tests also run proofs of a
//! real circuit. A trapdoor key is for measurement only: whoever holds it can prove anything.

use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{Field, UniformRand};
use ark_groth16::{Proof, VerifyingKey};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A verifying key with its trapdoor (`α, β, γ, δ` and the IC scalars).
#[derive(Debug, Clone)]
pub struct TrapdoorKey {
    vk: VerifyingKey<Bn254>,
    alpha: Fr,
    beta: Fr,
    gamma: Fr,
    delta: Fr,
    ic: Vec<Fr>,
}

fn nonzero(rng: &mut impl RngCore) -> Fr {
    loop {
        let x = Fr::rand(rng);
        if x != Fr::from(0u64) {
            return x;
        }
    }
}

fn g1(s: Fr) -> G1Affine {
    (G1Affine::generator() * s).into_affine()
}

fn g2(s: Fr) -> G2Affine {
    (G2Affine::generator() * s).into_affine()
}

impl TrapdoorKey {
    /// A key for `inputs` public inputs from a seeded generator.
    pub fn new(inputs: usize, seed: u64) -> TrapdoorKey {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let (alpha, beta, gamma, delta) = (nonzero(&mut rng), nonzero(&mut rng), nonzero(&mut rng), nonzero(&mut rng));
        let ic: Vec<Fr> = (0..=inputs).map(|_| nonzero(&mut rng)).collect();
        let vk = VerifyingKey {
            alpha_g1: g1(alpha),
            beta_g2: g2(beta),
            gamma_g2: g2(gamma),
            delta_g2: g2(delta),
            gamma_abc_g1: ic.iter().map(|&s| g1(s)).collect(),
        };
        TrapdoorKey { vk, alpha, beta, gamma, delta, ic }
    }

    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<Bn254> {
        &self.vk
    }

    /// A valid proof for `inputs` (as many as the key takes; missing ones count as zero, extra ones are
    /// ignored): random `A = a·G1`, `B = b·G2`, and `C = c·G1` with `a·b = α·β + x·γ + c·δ`, where
    /// `x = ic₀ + Σ inputᵢ·icᵢ₊₁`.
    pub fn prove(&self, inputs: &[Fr], seed: u64) -> Proof<Bn254> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let (a, b) = (nonzero(&mut rng), nonzero(&mut rng));
        let x = self.ic[0] + self.ic[1..].iter().zip(inputs).map(|(ic, input)| *ic * input).sum::<Fr>();
        let delta_inv = self.delta.inverse().unwrap_or_default();
        let c = (a * b - self.alpha * self.beta - x * self.gamma) * delta_inv;
        Proof { a: g1(a), b: g2(b), c: g1(c) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trapdoor_proofs_verify_and_bind_their_inputs() {
        let key = TrapdoorKey::new(2, 1);
        let inputs = [Fr::from(5u64), Fr::from(9u64)];
        let proof = key.prove(&inputs, 2);
        verifier::verify(key.vk(), &inputs, &proof).unwrap();
        assert!(verifier::verify(key.vk(), &[Fr::from(5u64), Fr::from(10u64)], &proof).is_err());
        assert_ne!(key.prove(&inputs, 3), proof, "the seed picks the proof's randomness");
    }
}
