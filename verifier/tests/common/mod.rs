//! Shared test fixtures: tiny circuits, seeded setups and proofs.
#![allow(dead_code)]

use std::sync::OnceLock;

use ark_bn254::{Bn254, Fq, Fq2, Fr, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::Zero;
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::ns;
use ark_snark::SNARK;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Knowledge of `x, y` with `x * y = product` and `x + y = sum`; public inputs
/// `[product, sum]` in that order.
#[derive(Debug, Clone, Copy)]
pub struct ProductSum {
    pub x: Fr,
    pub y: Fr,
}

impl ProductSum {
    pub fn public_inputs(&self) -> Vec<Fr> {
        vec![self.x * self.y, self.x + self.y]
    }
}

impl ConstraintSynthesizer<Fr> for ProductSum {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let product = FpVar::new_input(ns!(cs, "product"), || Ok(self.x * self.y))?;
        let sum = FpVar::new_input(ns!(cs, "sum"), || Ok(self.x + self.y))?;
        let x = FpVar::new_witness(ns!(cs, "x"), || Ok(self.x))?;
        let y = FpVar::new_witness(ns!(cs, "y"), || Ok(self.y))?;
        (&x * &y).enforce_equal(&product)?;
        (&x + &y).enforce_equal(&sum)?;
        Ok(())
    }
}

/// The batch circuit's public interface in miniature: one public input, the batch
/// commitment, equal to a witness copy.
#[derive(Debug, Clone, Copy)]
pub struct CommitmentCircuit {
    pub commitment: Fr,
}

impl ConstraintSynthesizer<Fr> for CommitmentCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let input = FpVar::new_input(ns!(cs, "commitment"), || Ok(self.commitment))?;
        let copy = FpVar::new_witness(ns!(cs, "commitment copy"), || Ok(self.commitment))?;
        input.enforce_equal(&copy)
    }
}

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A key pair and two proofs of two different statements under it.
#[derive(Debug)]
pub struct Fixture {
    pub pk: ProvingKey<Bn254>,
    pub vk: VerifyingKey<Bn254>,
    pub proof: Proof<Bn254>,
    pub inputs: Vec<Fr>,
    pub other_proof: Proof<Bn254>,
    pub other_inputs: Vec<Fr>,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = rng(7);
        let statement = ProductSum { x: Fr::from(3u64), y: Fr::from(11u64) };
        let other = ProductSum { x: Fr::from(5u64), y: Fr::from(8u64) };
        let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(statement, &mut rng).unwrap();
        let proof = Groth16::<Bn254>::prove(&pk, statement, &mut rng).unwrap();
        let other_proof = Groth16::<Bn254>::prove(&pk, other, &mut rng).unwrap();
        Fixture { pk, vk, proof, inputs: statement.public_inputs(), other_proof, other_inputs: other.public_inputs() }
    })
}

/// A point on the G2 twist curve outside the prime-order subgroup.
pub fn g2_outside_subgroup() -> G2Affine {
    (1u64..)
        .filter_map(|k| G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(k), Fq::zero()), true))
        .find(|p| p.is_on_curve() && !p.is_zero() && !p.is_in_correct_subgroup_assuming_on_curve())
        .expect("the twist has a large cofactor")
}
