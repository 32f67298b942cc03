//! Range checks: a field element is below `2^n` exactly when it equals the packing
//! of `n` boolean witnesses, `n + 1` constraints. The bits are returned for reuse
//! (public data, Merkle path positions, message packing).

use ark_ff::PrimeField;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::SynthesisError;
use ledger::Fr;

/// The `n` little-endian bits of `x`, enforcing `x < 2^n`. A value out of range
/// leaves the constraint system unsatisfied (it is not an error to synthesise it);
/// a constant out of range is an error at once.
pub fn to_bits_le_checked(x: &FpVar<Fr>, n: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    assert!(n < Fr::MODULUS_BIT_SIZE as usize, "a range check must leave the field's top bit unused");
    let value = x.value().ok().map(|v| v.into_bigint());
    if let FpVar::Constant(c) = x {
        let bits: Vec<Boolean<Fr>> =
            ark_ff::BitIteratorLE::new(c.into_bigint()).take(n).map(Boolean::constant).collect();
        if c.into_bigint().num_bits() as usize > n {
            return Err(SynthesisError::Unsatisfiable);
        }
        return Ok(bits);
    }
    let cs = x.cs();
    let bits = (0..n)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || value.map(|v| v.get_bit(i)).ok_or(SynthesisError::AssignmentMissing))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Boolean::le_bits_to_fp(&bits)?.enforce_equal(x)?;
    Ok(bits)
}

use ark_ff::BigInteger as _;

/// Bits of a field element, as in [`to_canonical_bits_le`].
pub const FIELD_BITS: usize = Fr::MODULUS_BIT_SIZE as usize;

/// The canonical 254 little-endian bits of `x` (the integer below r): 254 bits and
/// their packing (255 constraints) and [`enforce_canonical_le`] (131), against about
/// 385 more for arkworks' `to_bits_le`, which compares bit by bit.
pub fn to_canonical_bits_le(x: &FpVar<Fr>) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    use ark_r1cs_std::convert::ToBitsGadget;
    let bits = x.to_non_unique_bits_le()?;
    enforce_canonical_le(&bits)?;
    Ok(bits)
}

/// Enforces that 254 little-endian bits encode an integer below r. With `high`, `low`
/// the top and bottom 127 bits and `r − 1 = H·2^127 + L`: `high < H`, or `high = H` and
/// `low ≤ L`. One `high = H` test (2 constraints), one selection (1) of the slack
/// `L − low` or `H − 1 − high`, and a 127-bit range check of it (128): a negative
/// slack wraps to `p − k` with `0 < k < 2^127`, which no 127 bits reach.
pub fn enforce_canonical_le(bits: &[Boolean<Fr>]) -> Result<(), SynthesisError> {
    assert_eq!(bits.len(), FIELD_BITS);
    let half = FIELD_BITS / 2;
    let max = (-Fr::from(1u64)).into_bigint().to_bits_le();
    let pack = |bits: &[bool]| bits.iter().rev().fold(Fr::from(0u64), |acc, b| acc + acc + Fr::from(*b));
    let (max_low, max_high) = (pack(&max[..half]), pack(&max[half..FIELD_BITS]));
    let low = Boolean::le_bits_to_fp(&bits[..half])?;
    let high = Boolean::le_bits_to_fp(&bits[half..])?;
    let at_top = high.is_eq(&FpVar::constant(max_high))?;
    let slack =
        at_top.select(&(FpVar::constant(max_low) - &low), &(FpVar::constant(max_high - Fr::from(1u64)) - &high))?;
    let _ = to_bits_le_checked(&slack, half)?;
    Ok(())
}

/// The big-endian bytes' bits of the low `bytes · 8` bits of a little-endian bit
/// string: the order SHA-256 and public data use.
pub fn le_bits_to_be_bytes_bits(bits_le: &[Boolean<Fr>], bytes: usize) -> Vec<Boolean<Fr>> {
    assert_eq!(bits_le.len(), bytes * 8);
    let mut out = Vec::with_capacity(bytes * 8);
    for byte in (0..bytes).rev() {
        // Most significant bit of the byte first.
        for bit in (0..8).rev() {
            out.push(bits_le[byte * 8 + bit].clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_utils::{alloc_fr, ALL_MODES};
    use ark_relations::gr1cs::ConstraintSystem;

    #[test]
    fn accepts_values_in_range_and_rejects_the_rest() {
        for mode in ALL_MODES {
            for (value, n, ok) in
                [(0u64, 8, true), (255, 8, true), (256, 8, false), (u64::MAX, 64, true), (1 << 40, 40, false)]
            {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let x = alloc_fr(cs.clone(), Fr::from(value), mode);
                let result = to_bits_le_checked(&x, n);
                let satisfied = result.is_ok() && cs.is_satisfied().unwrap();
                assert_eq!(satisfied, ok, "{value} in {n} bits, {mode:?}");
                if ok {
                    let bits = result.unwrap();
                    let back: u64 = bits.iter().enumerate().map(|(i, b)| u64::from(b.value().unwrap()) << i).sum();
                    assert_eq!(back, value);
                }
            }
        }
    }

    #[test]
    fn costs_one_constraint_per_bit_plus_one() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = alloc_fr(cs.clone(), Fr::from(12345u64), ark_r1cs_std::alloc::AllocationMode::Witness);
        to_bits_le_checked(&x, 64).unwrap();
        assert_eq!(cs.num_constraints(), 65);
    }

    #[test]
    fn canonical_bits_equal_arkworks_and_cost_386() {
        use ark_ff::Field;
        use ark_r1cs_std::convert::ToBitsGadget;
        use ark_std::UniformRand;
        let mut rng = <rand_chacha::ChaCha8Rng as ark_std::rand::SeedableRng>::seed_from_u64(5);
        let two_253 = Fr::from(2u64).pow([253u64]);
        let mut values = vec![Fr::from(0u64), Fr::from(1u64), -Fr::from(1u64), two_253, two_253 - Fr::from(1u64)];
        values.extend((0..20).map(|_| Fr::rand(&mut rng)));
        for x in values {
            for mode in ALL_MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let v = alloc_fr(cs.clone(), x, mode);
                let bits = to_canonical_bits_le(&v).unwrap();
                let want: Vec<bool> = x.into_bigint().to_bits_le()[..FIELD_BITS].to_vec();
                let got: Vec<bool> = bits.iter().map(|b| b.value().unwrap()).collect();
                assert_eq!(got, want, "{x}, {mode:?}");
                assert!(cs.is_satisfied().unwrap());
                if mode == ark_r1cs_std::alloc::AllocationMode::Witness {
                    assert_eq!(cs.num_constraints(), 255 + 131);
                    // Against arkworks' canonical bits.
                    let before = cs.num_constraints();
                    let theirs = v.to_bits_le().unwrap();
                    assert!(cs.num_constraints() - before > 600);
                    assert_eq!(theirs.iter().map(|b| b.value().unwrap()).collect::<Vec<_>>(), want);
                }
            }
        }
    }

    #[test]
    fn non_canonical_bits_are_refused() {
        // Bits of x + p (below 2^254 for small x), of p itself and of 2^254 − 1 encode
        // a field element but not the integer below r; bits of p − 1 are canonical.
        let p = Fr::MODULUS;
        let plus = |k: u64| {
            let mut b = p;
            b.add_with_carry(&k.into());
            b
        };
        let mut p_minus_one = p;
        p_minus_one.sub_with_borrow(&1u64.into());
        let all_ones = ark_ff::BigInt::<4>::from_bits_le(&[true; FIELD_BITS]);
        // Top half one below that of p − 1, bottom half all ones: canonical.
        let mut below_top = (p_minus_one >> 127u32) << 127u32;
        below_top.sub_with_borrow(&1u64.into());
        for (value, ok) in [
            (p_minus_one, true),
            (ark_ff::BigInt::<4>::from(7u64), true),
            (plus(0), false),
            (plus(5), false),
            (all_ones, false),
            (below_top, true),
        ] {
            for mode in ALL_MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let bits: Vec<Boolean<Fr>> = (0..FIELD_BITS)
                    .map(|i| Boolean::new_variable(cs.clone(), || Ok(value.get_bit(i)), mode).unwrap())
                    .collect();
                let accepted = enforce_canonical_le(&bits).is_ok() && cs.is_satisfied().unwrap();
                assert_eq!(accepted, ok, "{value}, {mode:?}");
            }
        }
    }

    #[test]
    fn negative_values_are_out_of_range() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = alloc_fr(cs.clone(), -Fr::from(1u64), ark_r1cs_std::alloc::AllocationMode::Witness);
        to_bits_le_checked(&x, 64).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}
