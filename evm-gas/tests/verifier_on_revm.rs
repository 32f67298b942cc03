//! Our Solidity Groth16 verifier and snarkjs' own, compiled with the pinned solc and run on revm with real
//! proofs of a small circuit: both accept a valid proof and both reject, by returning false, a changed input,
//! a changed proof, an input at or above the scalar modulus r and a coordinate at or above the base modulus q.
//!
//! Needs node and npm (the pinned tools are installed on first use); `SKIP_SNARKJS=1` skips the node-based
//! tests. The precompile test at the end needs neither.

use std::sync::OnceLock;

use anyhow::Result;
use ark_bn254::{Bn254, Fq, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::ns;
use ark_snark::SNARK;
use evm_gas::calibration::{deploy_snarkjs_verifier, deploy_verifier, snarkjs_calldata};
use evm_gas::{Evm, JsTools};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use revm::primitives::Address;
use verifier::solidity::{encode_call, input_word, proof_words, Word};

/// Knowledge of `x, y` with `x · y = product` and `x + y = sum`; public inputs `[product, sum]`.
#[derive(Clone, Copy)]
struct ProductSum {
    x: Fr,
    y: Fr,
}

impl ConstraintSynthesizer<Fr> for ProductSum {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let product = FpVar::new_input(ns!(cs, "product"), || Ok(self.x * self.y))?;
        let sum = FpVar::new_input(ns!(cs, "sum"), || Ok(self.x + self.y))?;
        let x = FpVar::new_witness(ns!(cs, "x"), || Ok(self.x))?;
        let y = FpVar::new_witness(ns!(cs, "y"), || Ok(self.y))?;
        (&x * &y).enforce_equal(&product)?;
        (&x + &y).enforce_equal(&sum)
    }
}

/// The batch circuit's public interface in miniature: one public input, equal to a witness copy.
#[derive(Clone, Copy)]
struct Commitment {
    value: Fr,
}

impl ConstraintSynthesizer<Fr> for Commitment {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let input = FpVar::new_input(ns!(cs, "commitment"), || Ok(self.value))?;
        let copy = FpVar::new_witness(ns!(cs, "commitment copy"), || Ok(self.value))?;
        input.enforce_equal(&copy)
    }
}

struct Fixture {
    vk: VerifyingKey<Bn254>,
    proof: Proof<Bn254>,
    inputs: Vec<Fr>,
    other_proof: Proof<Bn254>,
}

fn setup<C: ConstraintSynthesizer<Fr> + Copy>(statement: C, other: C, inputs: Vec<Fr>, seed: u64) -> Fixture {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (pk, vk): (ProvingKey<Bn254>, _) = Groth16::<Bn254>::circuit_specific_setup(statement, &mut rng).unwrap();
    let proof = Groth16::<Bn254>::prove(&pk, statement, &mut rng).unwrap();
    let other_proof = Groth16::<Bn254>::prove(&pk, other, &mut rng).unwrap();
    verifier::verify(&vk, &inputs, &proof).unwrap();
    Fixture { vk, proof, inputs, other_proof }
}

/// One input, as the batch circuit has: a commitment-sized value.
fn one_input() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let value = -Fr::from(123_456_789u64);
        setup(Commitment { value }, Commitment { value: Fr::from(5u64) }, vec![value], 11)
    })
}

fn two_inputs() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let s = ProductSum { x: Fr::from(3u64), y: Fr::from(11u64) };
        setup(s, ProductSum { x: Fr::from(5u64), y: Fr::from(8u64) }, vec![Fr::from(33u64), Fr::from(14u64)], 12)
    })
}

fn tools() -> Option<JsTools> {
    let tools = JsTools::find().expect("the pinned node tools install (or set SKIP_SNARKJS=1)");
    if tools.is_none() {
        eprintln!("SKIP_SNARKJS=1: the Solidity verifier tests are skipped");
    }
    tools
}

/// A 256-bit big-endian word plus a field modulus (the sum fits: both are below 2^254).
fn plus_modulus(word: &Word, modulus: &[u8]) -> Word {
    let mut m = [0u8; 32];
    m[32 - modulus.len()..].copy_from_slice(modulus);
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let s = u16::from(word[i]) + u16::from(m[i]) + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    assert_eq!(carry, 0);
    out
}

fn r_bytes() -> Vec<u8> {
    Fr::MODULUS.to_bytes_be()
}

fn q_bytes() -> Vec<u8> {
    Fq::MODULUS.to_bytes_be()
}

/// The cases every verifier must decide the same way: name, proof words, input words, expected answer.
fn cases(f: &Fixture) -> Vec<(String, [Word; 8], Vec<Word>, bool)> {
    let proof = proof_words(&f.proof);
    let inputs: Vec<Word> = f.inputs.iter().map(input_word).collect();
    let mut cases = vec![("valid proof".to_string(), proof, inputs.clone(), true)];
    for i in 0..inputs.len() {
        let mut changed = f.inputs.clone();
        changed[i] += Fr::from(1u64);
        cases.push((format!("input {i} changed"), proof, changed.iter().map(input_word).collect(), false));
        let mut wrapped = inputs.clone();
        wrapped[i] = plus_modulus(&inputs[i], &r_bytes());
        cases.push((format!("input {i} + r (same value mod r)"), proof, wrapped, false));
        let mut at_r = inputs.clone();
        at_r[i] = plus_modulus(&[0u8; 32], &r_bytes());
        cases.push((format!("input {i} = r"), proof, at_r, false));
        let mut max = inputs.clone();
        max[i] = [0xff; 32];
        cases.push((format!("input {i} = 2^256 - 1"), proof, max, false));
    }
    cases.push(("another statement's proof".into(), proof_words(&f.other_proof), inputs.clone(), false));
    let mut a_changed = proof;
    a_changed[0..2].copy_from_slice(&proof_words(&f.other_proof)[0..2]);
    cases.push(("A replaced".into(), a_changed, inputs.clone(), false));
    let mut c_negated = proof;
    let (_, cy) = f.proof.c.xy().unwrap();
    c_negated[7] = input_word_fq(-cy);
    cases.push(("C negated".into(), c_negated, inputs.clone(), false));
    let mut b_swapped = proof;
    b_swapped.swap(2, 3);
    b_swapped.swap(4, 5);
    cases.push(("B in arkworks' order (c0 first)".into(), b_swapped, inputs.clone(), false));
    for k in 0..8 {
        let mut wrapped = proof;
        wrapped[k] = plus_modulus(&proof[k], &q_bytes());
        cases.push((format!("proof word {k} + q (same value mod q)"), wrapped, inputs.clone(), false));
    }
    let mut at_q = proof;
    at_q[6] = plus_modulus(&[0u8; 32], &q_bytes());
    cases.push(("C.x = q".into(), at_q, inputs.clone(), false));
    let mut off_curve = proof;
    off_curve[1][31] ^= 1;
    cases.push(("A off the curve".into(), off_curve, inputs.clone(), false));
    let outside = verifier_g2_outside_subgroup();
    let mut b_outside = proof;
    b_outside[2..6].copy_from_slice(&g2_words(&outside));
    cases.push(("B outside the subgroup".into(), b_outside, inputs, false));
    cases
}

fn input_word_fq(x: Fq) -> Word {
    let be = x.into_bigint().to_bytes_be();
    let mut w = [0u8; 32];
    w[32 - be.len()..].copy_from_slice(&be);
    w
}

fn g2_words(p: &G2Affine) -> [Word; 4] {
    let (x, y) = p.xy().unwrap();
    [input_word_fq(x.c1), input_word_fq(x.c0), input_word_fq(y.c1), input_word_fq(y.c0)]
}

/// A point of the twist curve outside the prime-order subgroup.
fn verifier_g2_outside_subgroup() -> G2Affine {
    use ark_bn254::Fq2;
    use ark_ff::Zero;
    (1u64..)
        .filter_map(|k| G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(k), Fq::zero()), true))
        .find(|p| p.is_on_curve() && !p.is_zero() && !p.is_in_correct_subgroup_assuming_on_curve())
        .expect("the twist has a large cofactor")
}

/// Runs every case on both verifiers: each answers as expected, with `false` rather than a revert, and the two
/// agree.
fn both_verifiers_agree(f: &Fixture) -> Result<()> {
    let Some(tools) = tools() else { return Ok(()) };
    let mut evm = Evm::new();
    let ours: Address = deploy_verifier(&mut evm, &tools, &f.vk)?;
    let theirs: Address = deploy_snarkjs_verifier(&mut evm, &tools, &f.vk)?;
    for (name, proof, inputs, expected) in cases(f) {
        let a = evm.call(ours, &encode_call(&proof, &inputs))?;
        let b = evm.call(theirs, &snarkjs_calldata(&proof, &inputs))?;
        assert_eq!(a.as_bool(), Some(expected), "our verifier, {name}: {a:?}");
        assert_eq!(b.as_bool(), Some(expected), "snarkjs' verifier, {name}: {b:?}");
    }
    Ok(())
}

#[test]
fn one_input_as_in_a_batch_proof() -> Result<()> {
    both_verifiers_agree(one_input())
}

#[test]
fn two_inputs_as_in_a_product_and_sum() -> Result<()> {
    both_verifiers_agree(two_inputs())
}

#[test]
fn calldata_from_the_proof_equals_the_words() {
    let f = one_input();
    assert_eq!(
        verifier::solidity::calldata(&f.proof, &f.inputs),
        encode_call(&proof_words(&f.proof), &[input_word(&f.inputs[0])])
    );
}

/// Without node: the pairing precompile on revm accepts the verification equation of a real proof laid out
/// as our contract lays it out (G2 as x.c1, x.c0, y.c1, y.c0), and rejects it with G2 in arkworks' order.
#[test]
fn revm_pairing_precompile_reads_g2_imaginary_part_first() -> Result<()> {
    let f = one_input();
    let vk = &f.vk;
    let vk_x = (vk.gamma_abc_g1[0] + vk.gamma_abc_g1[1] * f.inputs[0]).into();
    let g1 = |p: &G1Affine| -> [Word; 2] {
        let (x, y) = p.xy().unwrap();
        [input_word_fq(x), input_word_fq(y)]
    };
    let pairs: [(G1Affine, G2Affine); 4] =
        [(f.proof.a, f.proof.b), (vk.alpha_g1, -vk.beta_g2), (vk_x, -vk.gamma_g2), (f.proof.c, -vk.delta_g2)];
    let layout = |swap: bool| -> Vec<u8> {
        let mut data = Vec::new();
        for (p, q) in &pairs {
            let mut w = g2_words(q);
            if swap {
                w.swap(0, 1);
                w.swap(2, 3);
            }
            for word in g1(p).iter().chain(&w) {
                data.extend_from_slice(word);
            }
        }
        data
    };
    let mut evm = Evm::new();
    let pairing = Address::with_last_byte(8);
    let ok = evm.call(pairing, &layout(false))?;
    assert_eq!(ok.as_bool(), Some(true), "{ok:?}");
    let swapped = evm.call(pairing, &layout(true))?;
    assert_ne!(swapped.as_bool(), Some(true), "{swapped:?}");
    // 45,000 + 4 · 34,000 for the pairing, 2,600 for the cold precompile account is not charged (precompiles
    // are warm), so the execution is the pairing's price alone.
    assert_eq!(ok.execution_gas, l1_contract_sim::gas::pairing_gas(4));
    Ok(())
}
