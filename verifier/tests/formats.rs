//! snarkjs JSON and the binary form: exact round trips, and every kind of bad
//! input is a typed error, never a panic and never an accepted proof.

mod common;

use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::PrimeField;
use ark_serialize::CanonicalSerialize;
use common::{fixture, g2_outside_subgroup};
use num_bigint::BigUint;
use serde_json::{json, Value};
use verifier::binary::{self, FORMAT_VERSION, PROOF_LEN};
use verifier::snarkjs::{
    g1_to_json, g2_to_json, proof_from_json, proof_to_json, public_from_json, public_to_json, vk_from_json, vk_to_json,
};
use verifier::{verify, PreparedVerifier, VerifyError};

fn q() -> BigUint {
    Fq::MODULUS.into()
}

fn r() -> BigUint {
    Fr::MODULUS.into()
}

/// `json` with the string at `pointer` (a JSON pointer) replaced by `value`.
fn with(json: &str, pointer: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(json).unwrap();
    *doc.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = value;
    doc.to_string()
}

/// The decimal one more than the one at `pointer`, modulo q.
fn bumped(json: &str, pointer: &str) -> Value {
    let doc: Value = serde_json::from_str(json).unwrap();
    let text = doc.pointer(pointer).unwrap().as_str().unwrap();
    json!(((text.parse::<BigUint>().unwrap() + 1u8) % q()).to_string())
}

#[test]
fn json_round_trips_are_exact() {
    let f = fixture();
    let proof_json = proof_to_json(&f.proof);
    assert_eq!(proof_from_json(&proof_json).unwrap(), f.proof);
    assert_eq!(proof_to_json(&proof_from_json(&proof_json).unwrap()), proof_json);

    let vk_json = vk_to_json(&f.vk);
    assert_eq!(vk_from_json(&vk_json).unwrap(), f.vk);
    assert_eq!(vk_to_json(&vk_from_json(&vk_json).unwrap()), vk_json);

    let public_json = public_to_json(&f.inputs);
    assert_eq!(public_from_json(&public_json).unwrap(), f.inputs);
    assert_eq!(public_json, serde_json::to_string_pretty(&["33", "14"]).unwrap());

    let read = proof_from_json(&proof_json).unwrap();
    assert_eq!(verify(&vk_from_json(&vk_json).unwrap(), &public_from_json(&public_json).unwrap(), &read), Ok(()));
}

#[test]
fn json_has_the_snarkjs_shape() {
    let f = fixture();
    let proof: Value = serde_json::from_str(&proof_to_json(&f.proof)).unwrap();
    assert_eq!(proof["protocol"], "groth16");
    assert_eq!(proof["curve"], "bn128");
    assert_eq!(proof["pi_a"][2], "1");
    assert_eq!(proof["pi_b"][2], json!(["1", "0"]));
    let (x, _) = f.proof.b.xy().unwrap();
    assert_eq!(proof["pi_b"][0][0], BigUint::from(x.c0.into_bigint()).to_string());
    assert_eq!(proof["pi_b"][0][1], BigUint::from(x.c1.into_bigint()).to_string());

    let vk: Value = serde_json::from_str(&vk_to_json(&f.vk)).unwrap();
    assert_eq!(vk["nPublic"], 2);
    assert_eq!(vk["IC"].as_array().unwrap().len(), 3);
    assert_eq!(vk["vk_alphabeta_12"].as_array().unwrap().len(), 2);
    let keys: Vec<&str> = vk.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"] {
        assert!(keys.contains(&key), "{key}");
    }
}

#[test]
fn vk_alphabeta_is_optional_but_checked() {
    let f = fixture();
    let json = vk_to_json(&f.vk);
    let mut doc: Value = serde_json::from_str(&json).unwrap();
    doc.as_object_mut().unwrap().remove("vk_alphabeta_12");
    assert_eq!(vk_from_json(&doc.to_string()).unwrap(), f.vk);

    let wrong = with(&json, "/vk_alphabeta_12/0/0/0", bumped(&json, "/vk_alphabeta_12/0/0/0"));
    assert!(matches!(vk_from_json(&wrong), Err(VerifyError::Malformed(m)) if m.contains("vk_alphabeta_12")));
    let out_of_field = with(&json, "/vk_alphabeta_12/1/2/1", json!(q().to_string()));
    assert!(matches!(vk_from_json(&out_of_field), Err(VerifyError::CoordinateNotInField { .. })));
}

#[test]
fn coordinates_not_below_q_are_refused() {
    let f = fixture();
    let proof = proof_to_json(&f.proof);
    let vk = vk_to_json(&f.vk);
    let q = q();
    for big in [q.clone(), &q + 1u8, (BigUint::from(1u8) << 256) - 1u8, BigUint::from(10u8).pow(100)] {
        let big = json!(big.to_string());
        let cases = [
            (with(&proof, "/pi_a/0", big.clone()), "pi_a.x"),
            (with(&proof, "/pi_c/1", big.clone()), "pi_c.y"),
            (with(&proof, "/pi_b/0/1", big.clone()), "pi_b.x.c1"),
            (with(&proof, "/pi_b/1/0", big.clone()), "pi_b.y.c0"),
        ];
        for (json, what) in cases {
            assert_eq!(proof_from_json(&json), Err(VerifyError::CoordinateNotInField { what: what.into() }));
        }
        assert_eq!(
            vk_from_json(&with(&vk, "/IC/1/1", big.clone())),
            Err(VerifyError::CoordinateNotInField { what: "IC[1].y".into() })
        );
        assert_eq!(
            vk_from_json(&with(&vk, "/vk_gamma_2/0/0", big)),
            Err(VerifyError::CoordinateNotInField { what: "vk_gamma_2.x.c0".into() })
        );
    }
    // x + q, the same residue, is still refused: no silent reduction.
    let doc: Value = serde_json::from_str(&proof).unwrap();
    let x: BigUint = doc["pi_a"][0].as_str().unwrap().parse().unwrap();
    let aliased = with(&proof, "/pi_a/0", json!((x + &q).to_string()));
    assert_eq!(proof_from_json(&aliased), Err(VerifyError::CoordinateNotInField { what: "pi_a.x".into() }));
}

#[test]
fn points_off_the_curve_are_refused() {
    let f = fixture();
    let proof = proof_to_json(&f.proof);
    let vk = vk_to_json(&f.vk);
    for (pointer, what) in [("/pi_a/1", "pi_a"), ("/pi_c/0", "pi_c"), ("/pi_b/1/1", "pi_b"), ("/pi_b/0/0", "pi_b")] {
        let json = with(&proof, pointer, bumped(&proof, pointer));
        assert_eq!(proof_from_json(&json), Err(VerifyError::NotOnCurve { what: what.into() }), "{pointer}");
    }
    for (pointer, what) in [("/vk_alpha_1/0", "vk_alpha_1"), ("/vk_delta_2/1/0", "vk_delta_2"), ("/IC/2/1", "IC[2]")] {
        let json = with(&vk, pointer, bumped(&vk, pointer));
        assert_eq!(vk_from_json(&json), Err(VerifyError::NotOnCurve { what: what.into() }), "{pointer}");
    }
    // (0, 0) with z = 1 is not the point at infinity.
    let zero = with(&proof, "/pi_a", json!(["0", "0", "1"]));
    assert_eq!(proof_from_json(&zero), Err(VerifyError::NotOnCurve { what: "pi_a".into() }));
    let zero = with(&proof, "/pi_b", json!([["0", "0"], ["0", "0"], ["1", "0"]]));
    assert_eq!(proof_from_json(&zero), Err(VerifyError::NotOnCurve { what: "pi_b".into() }));
}

#[test]
fn g2_points_outside_the_subgroup_are_refused() {
    let f = fixture();
    let outside = g2_outside_subgroup();
    assert!(outside.is_on_curve() && !outside.is_in_correct_subgroup_assuming_on_curve());
    let outside_json = serde_json::to_value(g2_to_json(&outside)).unwrap();

    let proof = with(&proof_to_json(&f.proof), "/pi_b", outside_json.clone());
    assert_eq!(proof_from_json(&proof), Err(VerifyError::NotInSubgroup { what: "pi_b".into() }));
    for key in ["vk_beta_2", "vk_gamma_2", "vk_delta_2"] {
        let vk = with(&vk_to_json(&f.vk), &format!("/{key}"), outside_json.clone());
        assert_eq!(vk_from_json(&vk), Err(VerifyError::NotInSubgroup { what: key.into() }));
    }

    // The binary form refuses it as well.
    let mut bytes = binary::proof_to_bytes(&f.proof);
    let mut b = Vec::new();
    outside.serialize_compressed(&mut b).unwrap();
    bytes[6 + 32..6 + 96].copy_from_slice(&b);
    assert_eq!(binary::proof_from_bytes(&bytes), Err(VerifyError::NotInSubgroup { what: "proof.b".into() }));
}

#[test]
fn points_at_infinity_use_the_snarkjs_form() {
    let f = fixture();
    let infinity = ark_groth16::Proof { a: G1Affine::identity(), b: G2Affine::identity(), c: G1Affine::identity() };
    let json = proof_to_json(&infinity);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["pi_a"], json!(["0", "1", "0"]));
    assert_eq!(doc["pi_b"], json!([["0", "0"], ["1", "0"], ["0", "0"]]));
    // The form is read, and refused in a proof: no real proof has a point at infinity.
    assert_eq!(proof_from_json(&json), Err(VerifyError::PointAtInfinity { what: "pi_a".into() }));
    assert_eq!(verify(&f.vk, &f.inputs, &infinity), Err(VerifyError::PointAtInfinity { what: "proof.a".into() }));
    assert_eq!(serde_json::to_value(g1_to_json(&G1Affine::identity())).unwrap(), json!(["0", "1", "0"]));
}

#[test]
fn public_inputs_not_below_r_are_refused() {
    let r = r();
    assert_eq!(public_from_json(&json!([(&r - 1u8).to_string()]).to_string()).unwrap(), vec![-Fr::from(1u64)]);
    for big in [r.clone(), &r + 5u8, q(), BigUint::from(10u8).pow(200)] {
        let json = json!(["1", "2", big.to_string()]).to_string();
        assert_eq!(public_from_json(&json), Err(VerifyError::InputNotInField { index: 2 }));
    }
    assert_eq!(public_from_json("[]").unwrap(), Vec::<Fr>::new());
}

#[test]
fn malformed_json_is_a_typed_error() {
    let f = fixture();
    let proof = proof_to_json(&f.proof);
    let vk = vk_to_json(&f.vk);
    let malformed_proofs = [
        String::new(),
        "{".into(),
        "null".into(),
        "[1, 2]".into(),
        "{\"pi_a\": 1}".into(),
        with(&proof, "/protocol", json!("plonk")),
        with(&proof, "/curve", json!("bls12381")),
        with(&proof, "/pi_a/2", json!("2")),
        with(&proof, "/pi_a/2", json!("0")),
        with(&proof, "/pi_b/2", json!(["1", "1"])),
        with(&proof, "/pi_a", json!(["1", "2"])),
        with(&proof, "/pi_a/0", json!(12)),
        with(&proof, "/pi_a/0", json!("0x12")),
        with(&proof, "/pi_a/0", json!("-1")),
        with(&proof, "/pi_a/0", json!("")),
        with(&proof, "/pi_c/1", json!("007")),
        with(&proof, "/pi_b/0", json!(["1"])),
    ];
    for json in &malformed_proofs {
        assert!(matches!(proof_from_json(json), Err(VerifyError::Malformed(_))), "{json}");
    }
    let malformed_vks = [
        with(&vk, "/nPublic", json!(3)),
        with(&vk, "/nPublic", json!(-1)),
        with(&vk, "/IC", json!([])),
        with(&vk, "/protocol", json!("fflonk")),
        with(&vk, "/vk_alpha_1/2", json!("5")),
        "[]".into(),
    ];
    for json in &malformed_vks {
        assert!(matches!(vk_from_json(json), Err(VerifyError::Malformed(_))), "{json}");
    }
    for json in ["", "{}", "[1]", "[\"1\", null]", "[\"1a\"]", "[\"01\"]", "[\" 1\"]"] {
        assert!(matches!(public_from_json(json), Err(VerifyError::Malformed(_))), "{json}");
    }
}

#[test]
fn truncated_or_mutated_json_never_panics_or_verifies() {
    let f = fixture();
    let proof = proof_to_json(&f.proof);
    for end in 0..proof.len() {
        assert!(proof_from_json(&proof[..end]).is_err());
    }
    let vk = vk_to_json(&f.vk);
    for end in (0..vk.len()).step_by(7) {
        assert!(vk_from_json(&vk[..end]).is_err());
    }
    // Change each digit of the proof in turn: parsing fails or the proof is rejected.
    let prepared = PreparedVerifier::new(&f.vk);
    let bytes = proof.as_bytes();
    for (i, &c) in bytes.iter().enumerate().filter(|(_, c)| c.is_ascii_digit()).step_by(3) {
        let mut mutated = bytes.to_vec();
        mutated[i] = if c == b'9' { b'0' } else { c + 1 };
        let mutated = String::from_utf8(mutated).unwrap();
        if let Ok(p) = proof_from_json(&mutated) {
            assert_ne!(prepared.verify(&f.inputs, &p), Ok(()), "mutation at {i} verified");
        }
    }
}

#[test]
fn binary_round_trips_are_exact() {
    let f = fixture();
    let bytes = binary::proof_to_bytes(&f.proof);
    assert_eq!(bytes.len(), PROOF_LEN);
    assert_eq!(PROOF_LEN, 4 + 2 + 128);
    assert_eq!(&bytes[..4], b"ZKRP");
    assert_eq!(bytes[4..6], FORMAT_VERSION.to_le_bytes());
    assert_eq!(binary::proof_from_bytes(&bytes).unwrap(), f.proof);

    let vk_bytes = binary::vk_to_bytes(&f.vk);
    assert_eq!(&vk_bytes[..4], b"ZKRV");
    assert_eq!(vk_bytes.len(), 6 + 32 + 3 * 64 + 8 + 3 * 32);
    assert_eq!(binary::vk_from_bytes(&vk_bytes).unwrap(), f.vk);
    let mut ark = Vec::new();
    f.vk.serialize_compressed(&mut ark).unwrap();
    assert_eq!(&vk_bytes[6..], &ark[..]);
}

#[test]
fn binary_header_errors() {
    let f = fixture();
    let bytes = binary::proof_to_bytes(&f.proof);
    let mut version = bytes.clone();
    version[4..6].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(
        binary::proof_from_bytes(&version),
        Err(VerifyError::UnsupportedVersion { found: 2, expected: FORMAT_VERSION })
    );
    let vk_bytes = binary::vk_to_bytes(&f.vk);
    // A key is not a proof, nor the other way round.
    assert!(matches!(binary::proof_from_bytes(&vk_bytes), Err(VerifyError::Malformed(_))));
    assert!(matches!(binary::vk_from_bytes(&bytes), Err(VerifyError::Malformed(_))));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(matches!(binary::proof_from_bytes(&trailing), Err(VerifyError::Malformed(_))));
    for end in 0..bytes.len() {
        assert!(binary::proof_from_bytes(&bytes[..end]).is_err(), "truncated to {end}");
    }
    for end in 0..vk_bytes.len() {
        assert!(binary::vk_from_bytes(&vk_bytes[..end]).is_err(), "truncated to {end}");
    }
    // An IC count that promises more points than there are bytes, without allocating them.
    let mut huge = vk_bytes.clone();
    let at = 6 + 32 + 3 * 64;
    huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(binary::vk_from_bytes(&huge), Err(VerifyError::Malformed(_))));
}

#[test]
fn flipped_binary_bytes_never_verify() {
    let f = fixture();
    let prepared = PreparedVerifier::new(&f.vk);
    let bytes = binary::proof_to_bytes(&f.proof);
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0x40, 0xff] {
            let mut flipped = bytes.clone();
            flipped[i] ^= mask;
            if let Ok(proof) = binary::proof_from_bytes(&flipped) {
                assert_eq!(prepared.verify(&f.inputs, &proof), Err(VerifyError::Rejected), "byte {i} mask {mask:#x}");
            }
        }
    }
    let vk_bytes = binary::vk_to_bytes(&f.vk);
    for i in 0..vk_bytes.len() {
        let mut flipped = vk_bytes.clone();
        flipped[i] ^= 0x01;
        if let Ok(vk) = binary::vk_from_bytes(&flipped) {
            assert_ne!(verify(&vk, &f.inputs, &f.proof), Ok(()), "byte {i}");
        }
    }
}
