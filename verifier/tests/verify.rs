//! Verification: valid proofs pass, every kind of mismatch is a typed error.

mod common;

use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_groth16::{Groth16, Proof, VerifyingKey};
use ark_snark::SNARK;
use common::{fixture, g2_outside_subgroup, rng, CommitmentCircuit};
use verifier::{batch_public_input, binary, snarkjs, verify, verify_batch, PreparedVerifier, VerifyError};

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
    // The all-infinity proof is refused before any pairing.
    assert_eq!(
        verify(&f.vk, &f.inputs, &Proof::default()),
        Err(VerifyError::PointAtInfinity { what: "proof.a".into() })
    );
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

fn at_infinity(what: &str) -> Result<(), VerifyError> {
    Err(VerifyError::PointAtInfinity { what: what.into() })
}

/// arkworks' own check, which accepts whatever the pairing equation accepts.
fn arkworks_accepts(vk: &VerifyingKey<Bn254>, inputs: &[Fr], proof: &Proof<Bn254>) -> bool {
    Groth16::<Bn254>::verify_proof(&ark_groth16::prepare_verifying_key(vk), proof, inputs) == Ok(true)
}

/// With `gamma` and `delta` at infinity the pairing equation reduces to
/// `e(A, B) = e(alpha, beta)`: the proof `(alpha, beta, anything)` passes for every
/// public input. The key is refused, by `verify`, the prepared verifier and both parsers.
#[test]
fn degenerate_key_with_a_crafted_proof_is_refused() {
    let f = fixture();
    let vk = VerifyingKey { gamma_g2: G2Affine::identity(), delta_g2: G2Affine::identity(), ..f.vk.clone() };
    let forged = Proof { a: vk.alpha_g1, b: vk.beta_g2, c: G1Affine::generator() };
    for inputs in [f.inputs.clone(), vec![Fr::from(0u64), Fr::from(1u64)], f.other_inputs.clone()] {
        assert!(arkworks_accepts(&vk, &inputs, &forged), "the forgery works against an unchecked key");
        assert_eq!(verify(&vk, &inputs, &forged), at_infinity("vk.gamma_g2"));
        assert_eq!(PreparedVerifier::new(&vk).verify(&inputs, &forged), at_infinity("vk.gamma_g2"));
    }
    assert_eq!(PreparedVerifier::try_new(&vk).map(|_| ()), at_infinity("vk.gamma_g2"));
    assert_eq!(snarkjs::vk_from_json(&snarkjs::vk_to_json(&vk)).map(|_| ()), at_infinity("vk_gamma_2"));
    assert_eq!(binary::vk_from_bytes(&binary::vk_to_bytes(&vk)).map(|_| ()), at_infinity("vk.gamma"));
    // delta alone at infinity is refused as well.
    let vk = VerifyingKey { delta_g2: G2Affine::identity(), ..f.vk.clone() };
    assert_eq!(verify(&vk, &f.inputs, &f.proof), at_infinity("vk.delta_g2"));
}

#[test]
fn all_infinity_key_and_proof_are_refused() {
    let f = fixture();
    let vk = VerifyingKey::<Bn254> {
        alpha_g1: G1Affine::identity(),
        beta_g2: G2Affine::identity(),
        gamma_g2: G2Affine::identity(),
        delta_g2: G2Affine::identity(),
        gamma_abc_g1: vec![G1Affine::identity(); 3],
    };
    let proof = Proof::<Bn254>::default();
    assert!(arkworks_accepts(&vk, &f.inputs, &proof), "arkworks accepts the all-infinity pair");
    assert_eq!(verify(&vk, &f.inputs, &proof), at_infinity("vk.alpha_g1"));
    assert_eq!(snarkjs::vk_from_json(&snarkjs::vk_to_json(&vk)).map(|_| ()), at_infinity("vk_alpha_1"));
    assert_eq!(binary::vk_from_bytes(&binary::vk_to_bytes(&vk)).map(|_| ()), at_infinity("vk.alpha"));
    assert_eq!(snarkjs::proof_from_json(&snarkjs::proof_to_json(&proof)).map(|_| ()), at_infinity("pi_a"));
    assert_eq!(binary::proof_from_bytes(&binary::proof_to_bytes(&proof)).map(|_| ()), at_infinity("proof.a"));
}

#[test]
fn every_key_and_proof_point_at_infinity_is_named() {
    let f = fixture();
    let (g1, g2) = (G1Affine::identity(), G2Affine::identity());
    let mut ic1 = f.vk.gamma_abc_g1.clone();
    ic1[1] = g1;
    let keys = [
        (VerifyingKey { alpha_g1: g1, ..f.vk.clone() }, "vk.alpha_g1", "vk_alpha_1", "vk.alpha"),
        (VerifyingKey { beta_g2: g2, ..f.vk.clone() }, "vk.beta_g2", "vk_beta_2", "vk.beta"),
        (VerifyingKey { gamma_g2: g2, ..f.vk.clone() }, "vk.gamma_g2", "vk_gamma_2", "vk.gamma"),
        (VerifyingKey { delta_g2: g2, ..f.vk.clone() }, "vk.delta_g2", "vk_delta_2", "vk.delta"),
        (VerifyingKey { gamma_abc_g1: ic1, ..f.vk.clone() }, "vk.IC[1]", "IC[1]", "vk.IC[1]"),
    ];
    for (vk, lib, json, bin) in keys {
        assert_eq!(verify(&vk, &f.inputs, &f.proof), at_infinity(lib));
        assert_eq!(snarkjs::vk_from_json(&snarkjs::vk_to_json(&vk)).map(|_| ()), at_infinity(json));
        assert_eq!(binary::vk_from_bytes(&binary::vk_to_bytes(&vk)).map(|_| ()), at_infinity(bin));
    }
    let proofs = [
        (Proof { a: g1, ..f.proof.clone() }, "proof.a", "pi_a"),
        (Proof { b: g2, ..f.proof.clone() }, "proof.b", "pi_b"),
        (Proof { c: g1, ..f.proof.clone() }, "proof.c", "pi_c"),
    ];
    for (proof, lib, json) in proofs {
        assert_eq!(verify(&f.vk, &f.inputs, &proof), at_infinity(lib));
        assert_eq!(PreparedVerifier::new(&f.vk).verify(&f.inputs, &proof), at_infinity(lib));
        assert_eq!(snarkjs::proof_from_json(&snarkjs::proof_to_json(&proof)).map(|_| ()), at_infinity(json));
        assert_eq!(binary::proof_from_bytes(&binary::proof_to_bytes(&proof)).map(|_| ()), at_infinity(lib));
    }
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
