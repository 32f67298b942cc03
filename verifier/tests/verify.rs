//! Verification: valid proofs pass, every kind of mismatch is a typed error.

mod common;

use ark_bn254::{Bn254, Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_groth16::{Groth16, Proof, VerifyingKey};
use ark_snark::SNARK;
use common::{fixture, g2_outside_subgroup, rng, CommitmentCircuit};
use verifier::{batch_public_input, verify, verify_batch, PreparedVerifier, VerifyError};

#[test]
fn valid_proof_verifies() {
    let f = fixture();
    assert_eq!(verify(&f.vk, &f.inputs, &f.proof), Ok(()));
    let prepared = PreparedVerifier::new(&f.vk);
    assert_eq!(prepared.num_inputs(), 2);
    assert_eq!(prepared.vk(), &f.vk);
    assert_eq!(prepared.verify(&f.inputs, &f.proof), Ok(()));
    assert_eq!(prepared.verify(&f.other_inputs, &f.other_proof), Ok(()));
}

#[test]
fn every_changed_input_is_rejected() {
    let f = fixture();
    let prepared = PreparedVerifier::new(&f.vk);
    for i in 0..f.inputs.len() {
        for changed in [f.inputs[i] + Fr::from(1u64), Fr::from(0u64), -f.inputs[i]] {
            let mut inputs = f.inputs.clone();
            inputs[i] = changed;
            assert_eq!(verify(&f.vk, &inputs, &f.proof), Err(VerifyError::Rejected), "input {i}");
            assert_eq!(prepared.verify(&inputs, &f.proof), Err(VerifyError::Rejected), "input {i}");
        }
    }
    let swapped = vec![f.inputs[1], f.inputs[0]];
    assert_eq!(verify(&f.vk, &swapped, &f.proof), Err(VerifyError::Rejected));
}

#[test]
fn wrong_input_count_is_reported() {
    let f = fixture();
    let mut more = f.inputs.clone();
    more.push(Fr::from(0u64));
    for (inputs, got) in [(&f.inputs[..1], 1), (&[][..], 0), (&more[..], 3)] {
        assert_eq!(verify(&f.vk, inputs, &f.proof), Err(VerifyError::WrongInputCount { expected: 2, got }));
        assert_eq!(
            PreparedVerifier::new(&f.vk).verify(inputs, &f.proof),
            Err(VerifyError::WrongInputCount { expected: 2, got })
        );
    }
}

#[test]
fn proof_of_another_statement_is_rejected() {
    let f = fixture();
    assert_eq!(verify(&f.vk, &f.inputs, &f.other_proof), Err(VerifyError::Rejected));
    assert_eq!(verify(&f.vk, &f.other_inputs, &f.proof), Err(VerifyError::Rejected));
    // A mix of the two proofs, and the trivial proof, are rejected too.
    let mixed = Proof { a: f.proof.a, b: f.other_proof.b, c: f.proof.c };
    assert_eq!(verify(&f.vk, &f.inputs, &mixed), Err(VerifyError::Rejected));
    let negated = Proof { a: (-f.proof.a.into_group()).into_affine(), ..f.proof.clone() };
    assert_eq!(verify(&f.vk, &f.inputs, &negated), Err(VerifyError::Rejected));
    assert_eq!(verify(&f.vk, &f.inputs, &Proof::default()), Err(VerifyError::Rejected));
}

#[test]
fn proof_under_another_key_is_rejected() {
    let f = fixture();
    let statement = common::ProductSum { x: Fr::from(3u64), y: Fr::from(11u64) };
    let (_, other_vk) = Groth16::<Bn254>::circuit_specific_setup(statement, &mut rng(99)).unwrap();
    assert_eq!(verify(&other_vk, &f.inputs, &f.proof), Err(VerifyError::Rejected));
}

#[test]
fn unchecked_points_are_refused_before_pairing() {
    let f = fixture();
    let outside = Proof { b: g2_outside_subgroup(), ..f.proof.clone() };
    assert_eq!(verify(&f.vk, &f.inputs, &outside), Err(VerifyError::NotInSubgroup { what: "proof.b".into() }));
    let (x, y) = f.proof.c.xy().unwrap();
    let off_curve = Proof { c: G1Affine::new_unchecked(x, y + ark_bn254::Fq::from(1u64)), ..f.proof.clone() };
    assert_eq!(verify(&f.vk, &f.inputs, &off_curve), Err(VerifyError::NotOnCurve { what: "proof.c".into() }));
}

#[test]
fn key_without_ic_is_malformed() {
    let f = fixture();
    let vk = VerifyingKey { gamma_abc_g1: vec![], ..f.vk.clone() };
    assert!(matches!(verify(&vk, &[], &f.proof), Err(VerifyError::Malformed(_))));
}

struct Batch {
    roots: [Fr; 4],
    public_data: Vec<u8>,
}

#[test]
fn batch_proof_verifies_and_binds_every_byte() {
    let batch = Batch {
        roots: [Fr::from(11u64), Fr::from(22u64), Fr::from(33u64), Fr::from(44u64)],
        public_data: (0u8..48).map(|i| i.wrapping_mul(37)).collect(),
    };
    let [old_root, new_root, chain_before, chain_after] = batch.roots;
    let commitment = batch_public_input(old_root, new_root, chain_before, chain_after, &batch.public_data);
    assert_eq!(
        commitment,
        ledger::state::batch_commitment(old_root, new_root, chain_before, chain_after, &batch.public_data)
    );

    let mut rng = rng(3);
    let circuit = CommitmentCircuit { commitment };
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng).unwrap();
    let proof = Groth16::<Bn254>::prove(&pk, circuit, &mut rng).unwrap();

    let check = |roots: [Fr; 4], data: &[u8]| verify_batch(&vk, roots[0], roots[1], roots[2], roots[3], data, &proof);
    assert_eq!(check(batch.roots, &batch.public_data), Ok(()));
    assert_eq!(verify(&vk, &[commitment], &proof), Ok(()));

    for i in 0..batch.public_data.len() {
        for mask in [0x01, 0x80] {
            let mut data = batch.public_data.clone();
            data[i] ^= mask;
            assert_eq!(check(batch.roots, &data), Err(VerifyError::Rejected), "byte {i} mask {mask:#x}");
        }
    }
    assert_eq!(check(batch.roots, &batch.public_data[1..]), Err(VerifyError::Rejected));
    let mut longer = batch.public_data.clone();
    longer.push(0);
    assert_eq!(check(batch.roots, &longer), Err(VerifyError::Rejected));
    for i in 0..4 {
        let mut roots = batch.roots;
        roots[i] += Fr::from(1u64);
        assert_eq!(check(roots, &batch.public_data), Err(VerifyError::Rejected), "root {i}");
    }
    let mut swapped = batch.roots;
    swapped.swap(0, 1);
    assert_eq!(check(swapped, &batch.public_data), Err(VerifyError::Rejected));

    // A key with another input count is a count error, not a rejection.
    let f = fixture();
    assert_eq!(
        verify_batch(&f.vk, old_root, new_root, chain_before, chain_after, &batch.public_data, &proof),
        Err(VerifyError::WrongInputCount { expected: 2, got: 1 })
    );
}
