//! Baby Jubjub, the twisted Edwards curve over the BN254 scalar field, in
//! circomlib's coordinates at the boundary and arkworks' inside.
//!
//! circomlib writes the curve as `168700·x² + y² = 1 + 168696·x²y²`;
//! `ark-ed-on-bn254` uses the isomorphic `x² + y² = 1 + (168696/168700)·x²y²`.
//! The map is `(x, y) ↦ (x·√168700, y)`. Every point that leaves this crate (keys,
//! signatures, hashes of points) is in circomlib's coordinates, so that our values
//! equal circomlibjs' byte for byte; arithmetic uses arkworks.

use std::sync::OnceLock;

use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{Field, PrimeField};

use crate::error::{LedgerError, Result};
use crate::field::{fr_to_decimal, parse_fr, Fr};

/// A point of Baby Jubjub in arkworks' coordinates.
pub type EdwardsAffine = ark_ed_on_bn254::EdwardsAffine;
/// Projective form for arithmetic.
pub type EdwardsProjective = ark_ed_on_bn254::EdwardsProjective;
/// The scalar field of the prime-order subgroup (order `l`).
pub type ScalarField = ark_ed_on_bn254::Fr;

/// circomlib's `a` coefficient.
pub const CIRCOM_A: u64 = 168_700;
/// circomlib's `d` coefficient.
pub const CIRCOM_D: u64 = 168_696;

/// circomlib's `Base8`, the generator of the prime-order subgroup used by EdDSA
/// (circomlib coordinates).
pub const BASE8_X: &str = "5299619240641551281634865583518297030282874472190772894086521144482721001553";
/// y of circomlib's `Base8`.
pub const BASE8_Y: &str = "16950150798460657717958625567821834550301663161624707787222815936182638968203";

/// `√168700` in the field: the scale between circomlib's x and arkworks' x.
pub fn sqrt_a() -> Fr {
    static SQRT: OnceLock<Fr> = OnceLock::new();
    *SQRT.get_or_init(|| Fr::from(CIRCOM_A).sqrt().expect("168700 is a square in the BN254 scalar field"))
}

/// Converts circomlib coordinates to a point, checking it is on the curve.
pub fn from_circom(x: Fr, y: Fr) -> Result<EdwardsAffine> {
    let point = EdwardsAffine::new_unchecked(x * sqrt_a(), y);
    if !point.is_on_curve() {
        return Err(LedgerError::NotOnCurve { x: fr_to_decimal(&x), y: fr_to_decimal(&y) });
    }
    Ok(point)
}

/// The circomlib coordinates of a point.
pub fn to_circom(point: &EdwardsAffine) -> (Fr, Fr) {
    let inv = sqrt_a().inverse().expect("nonzero");
    (point.x * inv, point.y)
}

/// circomlib's `Base8`.
pub fn base8() -> EdwardsAffine {
    static BASE8: OnceLock<EdwardsAffine> = OnceLock::new();
    *BASE8.get_or_init(|| {
        from_circom(parse_fr(BASE8_X).expect("constant"), parse_fr(BASE8_Y).expect("constant"))
            .expect("Base8 is on the curve")
    })
}

/// Whether a point lies in the prime-order subgroup.
pub fn is_in_subgroup(point: &EdwardsAffine) -> bool {
    point.is_in_correct_subgroup_assuming_on_curve()
}

/// `point · k` for an arbitrary unsigned integer `k` given as little-endian 64-bit limbs
/// (not reduced modulo the subgroup order, as circomlib's `mulPointEscalar` does not).
pub fn mul_integer(point: &EdwardsAffine, k: &[u64]) -> EdwardsAffine {
    point.mul_bigint(k).into_affine()
}

/// `point · s` for a subgroup scalar.
pub fn mul_scalar(point: &EdwardsAffine, s: &ScalarField) -> EdwardsAffine {
    mul_integer(point, s.into_bigint().as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::twisted_edwards::TECurveConfig;

    #[test]
    fn base8_is_a_subgroup_generator_in_both_coordinate_systems() {
        let b8 = base8();
        assert!(b8.is_on_curve());
        assert!(is_in_subgroup(&b8));
        assert!(!b8.is_zero());
        // circomlib's equation holds for the circomlib coordinates.
        let (x, y) = to_circom(&b8);
        let (x2, y2) = (x.square(), y.square());
        assert_eq!(Fr::from(CIRCOM_A) * x2 + y2, Fr::from(1u64) + Fr::from(CIRCOM_D) * x2 * y2);
        assert_eq!(x, parse_fr(BASE8_X).unwrap());
        // The arkworks curve is the isomorphic one.
        let d = ark_ed_on_bn254::EdwardsConfig::COEFF_D;
        assert_eq!(d * Fr::from(CIRCOM_A), Fr::from(CIRCOM_D));
    }

    #[test]
    fn rejects_points_off_the_curve() {
        assert!(matches!(from_circom(Fr::from(1u64), Fr::from(2u64)), Err(LedgerError::NotOnCurve { .. })));
    }
}
