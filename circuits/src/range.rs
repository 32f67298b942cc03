//! Range checks: a field element is below `2^n` exactly when it equals the packing
//! of `n` boolean witnesses, `n + 1` constraints. The bits are returned for reuse
//! (public data, Merkle path positions, message packing).

use ark_ff::PrimeField;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
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
    fn negative_values_are_out_of_range() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = alloc_fr(cs.clone(), -Fr::from(1u64), ark_r1cs_std::alloc::AllocationMode::Witness);
        to_bits_le_checked(&x, 64).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}
