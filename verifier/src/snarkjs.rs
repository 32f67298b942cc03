//! snarkjs' JSON formats for Groth16 over BN254 (snarkjs calls the curve `bn128`).
//!
//! All numbers are decimal strings of the canonical integer (no sign, no leading zeros):
//!
//! - proof: `{"pi_a":[x,y,"1"], "pi_b":[[x.c0,x.c1],[y.c0,y.c1],["1","0"]],
//!   "pi_c":[x,y,"1"], "protocol":"groth16", "curve":"bn128"}`;
//! - verifying key: `{"protocol":"groth16", "curve":"bn128", "nPublic":n,
//!   "vk_alpha_1":G1, "vk_beta_2":G2, "vk_gamma_2":G2, "vk_delta_2":G2,
//!   "vk_alphabeta_12":GT, "IC":[G1; n+1]}` where GT is `e(alpha, beta)` as
//!   ffjavascript writes an Fq12: `[[[c0.c0.c0, c0.c0.c1], [c0.c1..], [c0.c2..]], [c1..]]`
//!   (the same tower as arkworks: Fq2 = Fq\[u\]/(u²+1), Fq6 = Fq2\[v\]/(v³−(9+u)),
//!   Fq12 = Fq6\[w\]/(w²−v));
//! - `public.json`: an array of decimal strings.
//!
//! Points are written in snarkjs' projective form with `z = 1` (`["1","0"]` in G2).
//! **Points at infinity** are read and written the way snarkjs writes them:
//! `["0","1","0"]` in G1 and `[["0","0"],["1","0"],["0","0"]]` in G2 (and then refused
//! in a proof or a verifying key, see below); any other `z` is refused as malformed (we
//! never normalise a general projective point).
//!
//! Parsing validates: every coordinate a canonical decimal below the base-field
//! modulus q ([`VerifyError::CoordinateNotInField`], no silent reduction), every point
//! on the curve ([`VerifyError::NotOnCurve`]) and in the prime-order subgroup
//! ([`VerifyError::NotInSubgroup`], which matters for G2), no point of a proof or a
//! key at infinity ([`VerifyError::PointAtInfinity`]), `protocol` and `curve`,
//! `nPublic == IC.len() - 1`, `vk_alphabeta_12` (optional on input) equal to
//! `e(vk_alpha_1, vk_beta_2)`, and public inputs below r
//! ([`VerifyError::InputNotInField`]).

use ark_bn254::{Bn254, Fq, Fq12, Fq2, Fq6, Fr, G1Affine, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr};
use ark_ff::{BigInteger, PrimeField, Zero};
use ark_groth16::{Proof, VerifyingKey};
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

use crate::error::{Result, VerifyError};
use crate::{check_g1, check_g2};

/// The `protocol` value snarkjs writes for Groth16.
pub const PROTOCOL: &str = "groth16";
/// The `curve` value snarkjs writes for BN254.
pub const CURVE: &str = "bn128";

/// A G1 point as snarkjs writes it: `[x, y, z]`.
pub type G1Json = [String; 3];
/// A G2 point as snarkjs writes it: `[[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]]`.
pub type G2Json = [[String; 2]; 3];
/// An Fq12 (a pairing value) as ffjavascript writes it: `[c0, c1]` of Fq6 `[c0, c1, c2]` of Fq2.
pub type GtJson = [[[String; 2]; 3]; 2];

/// snarkjs' `proof.json` for Groth16.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnarkjsProof {
    /// `A` in G1.
    pub pi_a: G1Json,
    /// `B` in G2.
    pub pi_b: G2Json,
    /// `C` in G1.
    pub pi_c: G1Json,
    /// Always `"groth16"`.
    pub protocol: String,
    /// Always `"bn128"`.
    pub curve: String,
}

/// snarkjs' `verification_key.json` for Groth16.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnarkjsVerifyingKey {
    /// Always `"groth16"`.
    pub protocol: String,
    /// Always `"bn128"`.
    pub curve: String,
    /// Number of public inputs: `IC.len() - 1`.
    #[serde(rename = "nPublic")]
    pub n_public: usize,
    /// `alpha` in G1.
    pub vk_alpha_1: G1Json,
    /// `beta` in G2.
    pub vk_beta_2: G2Json,
    /// `gamma` in G2.
    pub vk_gamma_2: G2Json,
    /// `delta` in G2.
    pub vk_delta_2: G2Json,
    /// `e(alpha, beta)`; snarkjs writes it and does not need it to verify. Optional on
    /// input, checked when present; always written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk_alphabeta_12: Option<GtJson>,
    /// The input bases: `IC[0]` plus one per public input.
    #[serde(rename = "IC")]
    pub ic: Vec<G1Json>,
}

impl SnarkjsProof {
    /// The snarkjs form of `proof`.
    pub fn from_proof(proof: &Proof<Bn254>) -> Self {
        SnarkjsProof {
            pi_a: g1_to_json(&proof.a),
            pi_b: g2_to_json(&proof.b),
            pi_c: g1_to_json(&proof.c),
            protocol: PROTOCOL.into(),
            curve: CURVE.into(),
        }
    }

    /// The proof, validated (see the module doc).
    pub fn to_proof(&self) -> Result<Proof<Bn254>> {
        check_protocol_and_curve(&self.protocol, &self.curve)?;
        Ok(Proof {
            a: finite(g1_from_json(&self.pi_a, "pi_a")?, "pi_a")?,
            b: finite(g2_from_json(&self.pi_b, "pi_b")?, "pi_b")?,
            c: finite(g1_from_json(&self.pi_c, "pi_c")?, "pi_c")?,
        })
    }
}

impl SnarkjsVerifyingKey {
    /// The snarkjs form of `vk`, with `vk_alphabeta_12` computed (one pairing).
    pub fn from_vk(vk: &VerifyingKey<Bn254>) -> Self {
        SnarkjsVerifyingKey {
            protocol: PROTOCOL.into(),
            curve: CURVE.into(),
            n_public: vk.gamma_abc_g1.len().saturating_sub(1),
            vk_alpha_1: g1_to_json(&vk.alpha_g1),
            vk_beta_2: g2_to_json(&vk.beta_g2),
            vk_gamma_2: g2_to_json(&vk.gamma_g2),
            vk_delta_2: g2_to_json(&vk.delta_g2),
            vk_alphabeta_12: Some(gt_to_json(&alpha_beta(vk))),
            ic: vk.gamma_abc_g1.iter().map(g1_to_json).collect(),
        }
    }

    /// The verifying key, validated (see the module doc).
    pub fn to_vk(&self) -> Result<VerifyingKey<Bn254>> {
        check_protocol_and_curve(&self.protocol, &self.curve)?;
        if self.ic.is_empty() || self.n_public != self.ic.len() - 1 {
            return Err(VerifyError::Malformed(format!(
                "nPublic is {} but IC has {} points (expected nPublic + 1)",
                self.n_public,
                self.ic.len()
            )));
        }
        let vk = VerifyingKey {
            alpha_g1: finite(g1_from_json(&self.vk_alpha_1, "vk_alpha_1")?, "vk_alpha_1")?,
            beta_g2: finite(g2_from_json(&self.vk_beta_2, "vk_beta_2")?, "vk_beta_2")?,
            gamma_g2: finite(g2_from_json(&self.vk_gamma_2, "vk_gamma_2")?, "vk_gamma_2")?,
            delta_g2: finite(g2_from_json(&self.vk_delta_2, "vk_delta_2")?, "vk_delta_2")?,
            gamma_abc_g1: self
                .ic
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let what = format!("IC[{i}]");
                    finite(g1_from_json(p, &what)?, &what)
                })
                .collect::<Result<_>>()?,
        };
        if let Some(gt) = &self.vk_alphabeta_12 {
            if gt_from_json(gt)? != alpha_beta(&vk) {
                return Err(VerifyError::Malformed("vk_alphabeta_12 is not e(vk_alpha_1, vk_beta_2)".into()));
            }
        }
        Ok(vk)
    }
}

/// `proof.json` text for `proof`.
pub fn proof_to_json(proof: &Proof<Bn254>) -> String {
    to_json(&SnarkjsProof::from_proof(proof))
}

/// Reads and validates `proof.json` text.
pub fn proof_from_json(json: &str) -> Result<Proof<Bn254>> {
    from_json::<SnarkjsProof>(json, "proof")?.to_proof()
}

/// `verification_key.json` text for `vk`.
pub fn vk_to_json(vk: &VerifyingKey<Bn254>) -> String {
    to_json(&SnarkjsVerifyingKey::from_vk(vk))
}

/// Reads and validates `verification_key.json` text.
pub fn vk_from_json(json: &str) -> Result<VerifyingKey<Bn254>> {
    from_json::<SnarkjsVerifyingKey>(json, "verifying key")?.to_vk()
}

/// `public.json` text for `inputs`.
pub fn public_to_json(inputs: &[Fr]) -> String {
    to_json(&inputs.iter().map(field_to_decimal).collect::<Vec<_>>())
}

/// Reads `public.json` text: every input a canonical decimal string below r.
pub fn public_from_json(json: &str) -> Result<Vec<Fr>> {
    let texts: Vec<String> = from_json(json, "public inputs")?;
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| match parse_decimal(text, &format!("public input {index}"))? {
            Some(value) => field_from_biguint::<Fr>(&value).ok_or(VerifyError::InputNotInField { index }),
            None => Err(VerifyError::InputNotInField { index }),
        })
        .collect()
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("string-only structures serialise")
}

fn from_json<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| VerifyError::Malformed(format!("{what} JSON: {e}")))
}

fn check_protocol_and_curve(protocol: &str, curve: &str) -> Result<()> {
    if protocol != PROTOCOL {
        return Err(VerifyError::Malformed(format!("protocol is {protocol:?}, expected {PROTOCOL:?}")));
    }
    if curve != CURVE {
        return Err(VerifyError::Malformed(format!("curve is {curve:?}, expected {CURVE:?}")));
    }
    Ok(())
}

/// `point`, unless it is the point at infinity, which no key or proof has (see
/// [`VerifyError::PointAtInfinity`]).
fn finite<P: AffineRepr>(point: P, what: &str) -> Result<P> {
    if point.is_zero() {
        return Err(VerifyError::PointAtInfinity { what: what.into() });
    }
    Ok(point)
}

fn alpha_beta(vk: &VerifyingKey<Bn254>) -> Fq12 {
    Bn254::pairing(vk.alpha_g1, vk.beta_g2).0
}

/// Digits in 2^256 - 1: anything longer is certainly out of either field.
const MAX_DIGITS: usize = 78;

/// A canonical decimal: `Ok(Some(n))`, `Ok(None)` for a decimal too long to be
/// below any 256-bit modulus, `Err(Malformed)` for anything else.
fn parse_decimal(text: &str, what: &str) -> Result<Option<BigUint>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::Malformed(format!("{what}: {text:?} is not a decimal integer string")));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(VerifyError::Malformed(format!("{what}: {text:?} has leading zeros")));
    }
    if text.len() > MAX_DIGITS {
        return Ok(None);
    }
    Ok(BigUint::parse_bytes(text.as_bytes(), 10))
}

/// `value` as a field element if it is below the modulus (no reduction).
fn field_from_biguint<F: PrimeField>(value: &BigUint) -> Option<F> {
    let modulus: BigUint = F::MODULUS.into();
    (value < &modulus).then(|| F::from_le_bytes_mod_order(&value.to_bytes_le()))
}

fn field_to_decimal<F: PrimeField>(value: &F) -> String {
    BigUint::from_bytes_le(&value.into_bigint().to_bytes_le()).to_string()
}

fn fq_from_json(text: &str, what: &str) -> Result<Fq> {
    parse_decimal(text, what)?
        .and_then(|v| field_from_biguint::<Fq>(&v))
        .ok_or_else(|| VerifyError::CoordinateNotInField { what: what.into() })
}

fn fq2_from_json(pair: &[String; 2], what: &str) -> Result<Fq2> {
    Ok(Fq2::new(fq_from_json(&pair[0], &format!("{what}.c0"))?, fq_from_json(&pair[1], &format!("{what}.c1"))?))
}

fn fq2_to_json(value: &Fq2) -> [String; 2] {
    [field_to_decimal(&value.c0), field_to_decimal(&value.c1)]
}

/// snarkjs' G1 form; infinity as `["0","1","0"]`.
pub fn g1_to_json(point: &G1Affine) -> G1Json {
    match point.xy() {
        None => ["0".into(), "1".into(), "0".into()],
        Some((x, y)) => [field_to_decimal(&x), field_to_decimal(&y), "1".into()],
    }
}

/// snarkjs' G2 form; infinity as `[["0","0"],["1","0"],["0","0"]]`.
pub fn g2_to_json(point: &G2Affine) -> G2Json {
    let pair = |a: &str, b: &str| [a.to_string(), b.to_string()];
    match point.xy() {
        None => [pair("0", "0"), pair("1", "0"), pair("0", "0")],
        Some((x, y)) => [fq2_to_json(&x), fq2_to_json(&y), pair("1", "0")],
    }
}

/// Reads a G1 point in snarkjs' form, validated; `what` names it in errors.
pub fn g1_from_json(point: &G1Json, what: &str) -> Result<G1Affine> {
    let x = fq_from_json(&point[0], &format!("{what}.x"))?;
    let y = fq_from_json(&point[1], &format!("{what}.y"))?;
    let z = fq_from_json(&point[2], &format!("{what}.z"))?;
    if z.is_zero() {
        if x.is_zero() && y == Fq::from(1u64) {
            return Ok(G1Affine::identity());
        }
        return Err(VerifyError::Malformed(format!("{what}: a point at infinity must be written [\"0\",\"1\",\"0\"]")));
    }
    if z != Fq::from(1u64) {
        return Err(VerifyError::Malformed(format!("{what}: projective z must be \"1\" (affine form)")));
    }
    // arkworks represents BN254's point at infinity as affine (0, 0), which is not on
    // the curve: refuse it here rather than read it as infinity.
    if x.is_zero() && y.is_zero() {
        return Err(VerifyError::NotOnCurve { what: what.into() });
    }
    let p = G1Affine::new_unchecked(x, y);
    check_g1(&p, what)?;
    Ok(p)
}

/// Reads a G2 point in snarkjs' form, validated (including the subgroup check).
pub fn g2_from_json(point: &G2Json, what: &str) -> Result<G2Affine> {
    let x = fq2_from_json(&point[0], &format!("{what}.x"))?;
    let y = fq2_from_json(&point[1], &format!("{what}.y"))?;
    let z = fq2_from_json(&point[2], &format!("{what}.z"))?;
    if z.is_zero() {
        if x.is_zero() && y == Fq2::from(1u64) {
            return Ok(G2Affine::identity());
        }
        return Err(VerifyError::Malformed(format!(
            "{what}: a point at infinity must be written [[\"0\",\"0\"],[\"1\",\"0\"],[\"0\",\"0\"]]"
        )));
    }
    if z != Fq2::from(1u64) {
        return Err(VerifyError::Malformed(format!("{what}: projective z must be [\"1\",\"0\"] (affine form)")));
    }
    if x.is_zero() && y.is_zero() {
        return Err(VerifyError::NotOnCurve { what: what.into() });
    }
    let p = G2Affine::new_unchecked(x, y);
    check_g2(&p, what)?;
    Ok(p)
}

fn fq6_to_json(value: &Fq6) -> [[String; 2]; 3] {
    [fq2_to_json(&value.c0), fq2_to_json(&value.c1), fq2_to_json(&value.c2)]
}

fn gt_to_json(value: &Fq12) -> GtJson {
    [fq6_to_json(&value.c0), fq6_to_json(&value.c1)]
}

fn gt_from_json(value: &GtJson) -> Result<Fq12> {
    let fq6 = |v: &[[String; 2]; 3], i: usize| -> Result<Fq6> {
        let c = |j: usize| fq2_from_json(&v[j], &format!("vk_alphabeta_12[{i}][{j}]"));
        Ok(Fq6::new(c(0)?, c(1)?, c(2)?))
    };
    Ok(Fq12::new(fq6(&value[0], 0)?, fq6(&value[1], 1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_canonical_and_bounded() {
        assert_eq!(parse_decimal("0", "t").unwrap(), Some(BigUint::from(0u8)));
        assert_eq!(parse_decimal("120", "t").unwrap(), Some(BigUint::from(120u8)));
        for bad in ["", "-1", "+1", "01", "1_0", " 1", "1 ", "0x10", "1e3", "١"] {
            assert!(matches!(parse_decimal(bad, "t"), Err(VerifyError::Malformed(_))), "{bad:?}");
        }
        assert_eq!(parse_decimal(&"9".repeat(79), "t").unwrap(), None);
    }

    #[test]
    fn field_bounds_are_exact() {
        let q: BigUint = Fq::MODULUS.into();
        let r: BigUint = Fr::MODULUS.into();
        assert_eq!(fq_from_json(&(&q - 1u8).to_string(), "x").unwrap(), -Fq::from(1u64));
        assert!(matches!(fq_from_json(&q.to_string(), "x"), Err(VerifyError::CoordinateNotInField { .. })));
        assert!(matches!(fq_from_json(&"9".repeat(90), "x"), Err(VerifyError::CoordinateNotInField { .. })));
        let json = format!("[\"{}\", \"{}\"]", &r - 1u8, r);
        assert_eq!(public_from_json(&json), Err(VerifyError::InputNotInField { index: 1 }));
    }

    #[test]
    fn infinity_round_trips() {
        let g1 = G1Affine::identity();
        let g2 = G2Affine::identity();
        assert_eq!(g1_to_json(&g1), ["0", "1", "0"].map(String::from));
        assert_eq!(g1_from_json(&g1_to_json(&g1), "p").unwrap(), g1);
        assert_eq!(g2_from_json(&g2_to_json(&g2), "p").unwrap(), g2);
        let bad = ["1".to_string(), "1".into(), "0".into()];
        assert!(matches!(g1_from_json(&bad, "p"), Err(VerifyError::Malformed(_))));
    }
}
