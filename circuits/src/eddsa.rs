//! EdDSA-Poseidon verification in R1CS, the twin of [`ledger::eddsa`] and of
//! circomlib's `EdDSAPoseidonVerifier`: `S < l` and `S·Base8 = R8 + (8·hm)·A` with
//! `hm = Poseidon(R8x, R8y, Ax, Ay, M)`.
//!
//! Points enter in circomlib's coordinates (as they are hashed) and are mapped to
//! arkworks' isomorphic curve by scaling x with `√168700`, a linear map that costs
//! nothing. `S·Base8` is a fixed-base multiplication over precomputed powers of
//! `Base8` in 3-bit windows; `(8·hm)·A` doubles `A` three times and multiplies by the
//! 254 bits of `hm`.
//! The challenge hash is left to the caller, so that a batch circuit can share one
//! Poseidon between the signature of a transfer and the deposit chain.

use std::sync::OnceLock;

use ark_ec::{AffineRepr, CurveGroup};
use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_r1cs_std::groups::CurveVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use ledger::babyjubjub::{base8, sqrt_a, EdwardsProjective, ScalarField, CIRCOM_A, CIRCOM_D};
use ledger::{Fr, Signature};

use crate::poseidon;
use crate::range::{to_bits_le_checked, to_canonical_bits_le};

/// Bits of the signature scalar `S` (the subgroup order `l` is just below 2^252).
pub const S_BITS: usize = 252;

/// A point given in circomlib's coordinates, constrained to lie on the curve.
#[derive(Debug, Clone)]
pub struct CircomPointVar {
    /// x, circomlib coordinates.
    pub x: FpVar<Fr>,
    /// y, circomlib coordinates.
    pub y: FpVar<Fr>,
}

impl CircomPointVar {
    /// Wraps coordinates and enforces `168700·x² + y² = 1 + 168696·x²·y²` (3 constraints).
    pub fn on_curve(x: FpVar<Fr>, y: FpVar<Fr>) -> Result<Self, SynthesisError> {
        let x2 = x.square()?;
        let y2 = y.square()?;
        // (168696·x² − 1)·y² = 168700·x² − 1
        let lhs = &x2 * Fr::from(CIRCOM_D) - Fr::from(1u64);
        let rhs = &x2 * Fr::from(CIRCOM_A) - Fr::from(1u64);
        lhs.mul_equals(&y2, &rhs)?;
        Ok(CircomPointVar { x, y })
    }

    /// The same point on arkworks' curve.
    pub fn to_edwards(&self) -> EdwardsVar {
        EdwardsVar::new(&self.x * sqrt_a(), self.y.clone())
    }
}

/// A signature as witnesses: `R8` on the curve and the bits of `S`, with `S < l`.
#[derive(Debug, Clone)]
pub struct SignatureVar {
    /// `R8`.
    pub r8: CircomPointVar,
    /// `S`, little-endian.
    pub s_bits: Vec<Boolean<Fr>>,
}

impl SignatureVar {
    /// Allocates a signature as witnesses (a placeholder when `None`, for setup).
    pub fn new_witness(cs: ConstraintSystemRef<Fr>, signature: Option<&Signature>) -> Result<Self, SynthesisError> {
        let (r8x, r8y, s) = match signature {
            Some(sig) => {
                let (x, y) = sig.r8_circom();
                (Some(x), Some(y), Some(sig.s()))
            }
            None => (None, None, None),
        };
        let missing = SynthesisError::AssignmentMissing;
        let x = FpVar::new_witness(cs.clone(), || r8x.ok_or(missing))?;
        let y = FpVar::new_witness(cs.clone(), || r8y.ok_or(missing))?;
        let r8 = CircomPointVar::on_curve(x, y)?;
        let s_bigint = s.map(|s| s.into_bigint());
        let s_bits = (0..S_BITS)
            .map(|i| Boolean::new_witness(cs.clone(), || s_bigint.map(|b| b.get_bit(i)).ok_or(missing)))
            .collect::<Result<Vec<_>, _>>()?;
        enforce_below_l(&s_bits)?;
        Ok(SignatureVar { r8, s_bits })
    }
}

/// Enforces `S < l` for `S` given by its 252 little-endian bits: the difference
/// `(l − 1) − S` fits in 252 bits exactly then (253 constraints). Had S exceeded
/// `l − 1` (it is below 2^252 by its bits), the difference would wrap to `p − k` with
/// `0 < k < 2^252`, far above 2^252.
fn enforce_below_l(s_bits: &[Boolean<Fr>]) -> Result<(), SynthesisError> {
    assert_eq!(s_bits.len(), S_BITS);
    let s_value = Boolean::le_bits_to_fp(s_bits)?;
    let l_minus_one = Fr::from(ScalarField::MODULUS) - Fr::from(1u64);
    let _ = to_bits_le_checked(&(FpVar::constant(l_minus_one) - s_value), S_BITS)?;
    Ok(())
}

/// The challenge preimage `(R8x, R8y, Ax, Ay, M)`.
pub fn challenge_inputs(public_key: &CircomPointVar, signature: &SignatureVar, msg: &FpVar<Fr>) -> [FpVar<Fr>; 5] {
    [signature.r8.x.clone(), signature.r8.y.clone(), public_key.x.clone(), public_key.y.clone(), msg.clone()]
}

fn base8_powers() -> &'static [EdwardsProjective] {
    static POWERS: OnceLock<Vec<EdwardsProjective>> = OnceLock::new();
    POWERS.get_or_init(|| {
        let mut p = base8().into_group();
        (0..S_BITS)
            .map(|_| {
                let current = p;
                p = p + p;
                current
            })
            .collect()
    })
}

/// Enforces, when `enforce` is true, that `signature` is valid for `public_key` under
/// the challenge `hm` (which the caller computed as Poseidon of [`challenge_inputs`]).
pub fn verify_with_challenge(
    public_key: &CircomPointVar,
    signature: &SignatureVar,
    hm: &FpVar<Fr>,
    enforce: &Boolean<Fr>,
) -> Result<(), SynthesisError> {
    // Left: S·Base8 over precomputed powers.
    let left = fixed_base_mul(&signature.s_bits, base8_powers())?;
    // Right: R8 + hm·(8·A), hm by its canonical 254 bits.
    let mut eight_a = public_key.to_edwards();
    for _ in 0..3 {
        eight_a.double_in_place()?;
    }
    let hm_bits = to_canonical_bits_le(hm)?;
    let right = signature.r8.to_edwards() + scalar_mul_windowed(&eight_a, &hm_bits)?;
    left.conditional_enforce_equal(&right, enforce)
}

/// `Σ bits[i] · powers[i]` for constant points, with 3-bit windows: per window one
/// lookup among the 8 subset sums of its three powers (`b0·b1` once, then `x` and `y`
/// each `f(b0, b1) + b2·g(b0, b1)` with `f`, `g` linear in `b0`, `b1`, `b0·b1`: 3
/// constraints) and one addition (6), about 3 constraints per bit against 4 for
/// arkworks' 2-bit windows.
pub fn fixed_base_mul(bits_le: &[Boolean<Fr>], powers: &[EdwardsProjective]) -> Result<EdwardsVar, SynthesisError> {
    assert!(bits_le.len() <= powers.len(), "one power per bit");
    let mut acc: Option<EdwardsVar> = None;
    for (bits, powers) in bits_le.chunks(3).zip(powers.chunks(3)) {
        let bit = |i: usize| bits.get(i).cloned().unwrap_or(Boolean::FALSE);
        let (b0, b1, b2) = (bit(0), bit(1), bit(2));
        // The 8 subset sums, indexed by b0 + 2·b1 + 4·b2 (missing bits are 0).
        let table: Vec<EdwardsProjective> =
            (0..8usize).map(|j| (0..powers.len()).filter(|i| j >> i & 1 == 1).map(|i| powers[i]).sum()).collect();
        let table = EdwardsProjective::normalize_batch(&table);
        let (f0, f1) = (FpVar::from(b0.clone()), FpVar::from(b1.clone()));
        let f01 = FpVar::from(&b0 & &b1);
        let f2 = FpVar::from(b2);
        // Bilinear interpolation of four constants over (b0, b1).
        let quad = |c: [Fr; 4]| {
            FpVar::constant(c[0]) + &f0 * (c[1] - c[0]) + &f1 * (c[2] - c[0]) + &f01 * (c[3] - c[2] - c[1] + c[0])
        };
        let coordinate = |c: [Fr; 8]| -> Result<FpVar<Fr>, SynthesisError> {
            let low = quad([c[0], c[1], c[2], c[3]]);
            let high_minus_low = quad([c[4] - c[0], c[5] - c[1], c[6] - c[2], c[7] - c[3]]);
            Ok(low + &f2 * high_minus_low)
        };
        let x = coordinate(std::array::from_fn(|j| table[j].x))?;
        let y = coordinate(std::array::from_fn(|j| table[j].y))?;
        let point = EdwardsVar::new(x, y);
        acc = Some(match acc {
            None => point,
            Some(a) => a + point,
        });
    }
    Ok(acc.unwrap_or_else(EdwardsVar::zero))
}

/// `point · k` for `k` given by little-endian bits, with 2-bit windows, most
/// significant first: per window two doublings, a lookup among `{O, P, 2P, 3P}`
/// (7 constraints) and one addition; about 11.5 constraints per bit against 13 for
/// plain double-and-add. Twisted Edwards addition is complete on Baby Jubjub, so
/// adding the identity needs no special case.
pub fn scalar_mul_windowed(point: &EdwardsVar, bits_le: &[Boolean<Fr>]) -> Result<EdwardsVar, SynthesisError> {
    let p1 = point.clone();
    let p2 = point.double()?;
    let p3 = &p2 + &p1;
    let lookup = |b0: &Boolean<Fr>, b1: &Boolean<Fr>| -> Result<EdwardsVar, SynthesisError> {
        let (f0, f1) = (FpVar::from(b0.clone()), FpVar::from(b1.clone()));
        let both = FpVar::from(b0 & b1);
        // Table {O = (0, 1), P, 2P, 3P} indexed by b0 + 2·b1.
        let x = &f0 * &p1.x + &f1 * &p2.x + &both * (&p3.x - &p2.x - &p1.x);
        let one = FpVar::one();
        let y = &one + &f0 * (&p1.y - &one) + &f1 * (&p2.y - &one) + &both * (&p3.y - &p2.y - &p1.y + &one);
        Ok(EdwardsVar::new(x, y))
    };
    let mut bits = bits_le.to_vec();
    if bits.len() % 2 == 1 {
        bits.push(Boolean::FALSE);
    }
    let mut windows = bits.chunks(2).rev();
    let mut acc = match windows.next() {
        Some(w) => lookup(&w[0], &w[1])?,
        None => return Ok(EdwardsVar::zero()),
    };
    for w in windows {
        acc.double_in_place()?;
        acc.double_in_place()?;
        acc += lookup(&w[0], &w[1])?;
    }
    Ok(acc)
}

/// Enforces that `signature` is valid for `public_key` on `msg`.
pub fn verify(public_key: &CircomPointVar, msg: &FpVar<Fr>, signature: &SignatureVar) -> Result<(), SynthesisError> {
    let hm = poseidon::hash(&challenge_inputs(public_key, signature, msg))?;
    verify_with_challenge(public_key, signature, &hm, &Boolean::TRUE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_utils::{alloc_fr, ALL_MODES};
    use ark_r1cs_std::alloc::AllocationMode;
    use ark_relations::gr1cs::ConstraintSystem;
    use ledger::SecretKey;

    /// `key`'s public key, allocated in `mode` and constrained to the curve.
    fn alloc_key(
        cs: &ark_relations::gr1cs::ConstraintSystemRef<Fr>,
        key: &SecretKey,
        mode: AllocationMode,
    ) -> CircomPointVar {
        let pk = key.public_key();
        CircomPointVar::on_curve(alloc_fr(cs.clone(), pk.x(), mode), alloc_fr(cs.clone(), pk.y(), mode)).unwrap()
    }

    fn check(key: &SecretKey, signer: &SecretKey, msg: Fr, signed: Fr, mode: AllocationMode) -> bool {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let pk = alloc_key(&cs, signer, mode);
        let sig = SignatureVar::new_witness(cs.clone(), Some(&key.sign(signed))).unwrap();
        let msg = alloc_fr(cs.clone(), msg, mode);
        verify(&pk, &msg, &sig).unwrap();
        cs.is_satisfied().unwrap()
    }

    #[test]
    fn accepts_exactly_what_the_native_verifier_accepts() {
        let alice = SecretKey::from_bytes([3; 32]);
        let bob = SecretKey::from_bytes([4; 32]);
        let m = Fr::from(0xfeed_u64);
        for mode in ALL_MODES {
            assert!(check(&alice, &alice, m, m, mode), "valid signature, {mode:?}");
            assert!(!check(&alice, &alice, m + Fr::from(1u64), m, mode), "another message, {mode:?}");
            assert!(!check(&alice, &bob, m, m, mode), "signed by another key, {mode:?}");
            // Native agrees.
            assert!(alice.public_key().verify(m, &alice.sign(m)));
            assert!(!bob.public_key().verify(m, &alice.sign(m)));
        }
    }

    #[test]
    fn a_forged_s_is_refused() {
        let alice = SecretKey::from_bytes([5; 32]);
        let m = Fr::from(77u64);
        let sig = alice.sign(m);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let pk = alloc_key(&cs, &alice, AllocationMode::Witness);
        let mut s = SignatureVar::new_witness(cs.clone(), Some(&sig)).unwrap();
        // Flip the lowest bit of S: S ± 1 is another scalar.
        s.s_bits[0] = !s.s_bits[0].clone();
        let msg = alloc_fr(cs.clone(), m, AllocationMode::Witness);
        verify(&pk, &msg, &s).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }

    #[test]
    fn an_off_curve_r8_is_refused() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = alloc_fr(cs.clone(), Fr::from(1u64), AllocationMode::Witness);
        let y = alloc_fr(cs.clone(), Fr::from(2u64), AllocationMode::Witness);
        CircomPointVar::on_curve(x, y).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }

    #[test]
    fn windowed_multiplication_equals_native() {
        use ark_ec::CurveGroup;
        use ark_ff::UniformRand;
        use ark_r1cs_std::convert::ToBitsGadget;
        use ark_r1cs_std::GR1CSVar;
        use ark_std::rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let p = ledger::babyjubjub::mul_scalar(&base8(), &ScalarField::from(123_456u64));
        for mode in ALL_MODES {
            for k in
                [Fr::from(0u64), Fr::from(1u64), Fr::from(2u64), Fr::from(3u64), -Fr::from(1u64), Fr::rand(&mut rng)]
            {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let pv =
                    EdwardsVar::new_variable_omit_prime_order_check(cs.clone(), || Ok(p.into_group()), mode).unwrap();
                let kv = alloc_fr(cs.clone(), k, mode);
                let bits = kv.to_bits_le().unwrap();
                let got = scalar_mul_windowed(&pv, &bits).unwrap().value().unwrap().into_affine();
                let want = ledger::babyjubjub::mul_integer(&p, k.into_bigint().as_ref());
                assert_eq!(got, want, "k = {k}, {mode:?}");
                assert!(cs.is_satisfied().unwrap());
            }
        }
    }

    #[test]
    fn constraint_count_is_pinned() {
        let alice = SecretKey::from_bytes([6; 32]);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let pk = alloc_key(&cs, &alice, AllocationMode::Witness);
        let sig = SignatureVar::new_witness(cs.clone(), Some(&alice.sign(Fr::from(1u64)))).unwrap();
        let msg = alloc_fr(cs.clone(), Fr::from(1u64), AllocationMode::Witness);
        verify(&pk, &msg, &sig).unwrap();
        assert!(cs.is_satisfied().unwrap());
        println!("eddsa verify: {} constraints", cs.num_constraints());
        assert_eq!(cs.num_constraints(), EDDSA_CONSTRAINTS);
    }

    const EDDSA_CONSTRAINTS: usize = 4907;

    #[test]
    fn s_must_be_below_l() {
        use ark_ff::BigInteger as _;
        let l = ScalarField::MODULUS;
        let mut l_minus_one = l;
        l_minus_one.sub_with_borrow(&1u64.into());
        let mut l_plus_five = l;
        l_plus_five.add_with_carry(&5u64.into());
        let all_ones = ark_ff::BigInt::<4>::from_bits_le(&[true; S_BITS]);
        for (s, ok) in [
            (ark_ff::BigInt::<4>::from(0u64), true),
            (ark_ff::BigInt::<4>::from(12_345u64), true),
            (l_minus_one, true),
            (l, false),
            (l_plus_five, false),
            (all_ones, false),
        ] {
            for mode in ALL_MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let bits: Vec<Boolean<Fr>> = (0..S_BITS)
                    .map(|i| Boolean::new_variable(cs.clone(), || Ok(s.get_bit(i)), mode).unwrap())
                    .collect();
                let accepted = enforce_below_l(&bits).is_ok() && cs.is_satisfied().unwrap();
                assert_eq!(accepted, ok, "S = {s}, {mode:?}");
            }
        }
    }

    #[test]
    fn fixed_base_multiplication_equals_native() {
        use ark_ec::CurveGroup;
        use ark_r1cs_std::GR1CSVar;
        use ark_std::rand::{RngCore, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut scalars: Vec<Vec<bool>> = vec![vec![false; S_BITS], vec![true; S_BITS], vec![true]];
        for len in [1usize, 2, 3, 4, 100, S_BITS] {
            scalars.push((0..len).map(|_| rng.next_u32() & 1 == 1).collect());
        }
        for bits in scalars {
            let k: Vec<u64> = (0..4)
                .map(|limb| (0..64).filter(|i| bits.get(limb * 64 + i) == Some(&true)).map(|i| 1u64 << i).sum())
                .collect();
            let want = ledger::babyjubjub::mul_integer(&base8(), &k);
            for mode in ALL_MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let vars: Vec<Boolean<Fr>> =
                    bits.iter().map(|b| Boolean::new_variable(cs.clone(), || Ok(*b), mode).unwrap()).collect();
                let got = fixed_base_mul(&vars, base8_powers()).unwrap().value().unwrap().into_affine();
                assert_eq!(got, want, "{} bits, {mode:?}", bits.len());
                assert!(cs.is_satisfied().unwrap());
            }
        }
    }
}
