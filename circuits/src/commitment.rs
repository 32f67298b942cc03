//! The batch commitment in R1CS, the twin of [`ledger::state::batch_commitment`]:
//! SHA-256 over `old root ‖ new root ‖ deposit chain before ‖ after ‖ public data`,
//! read big-endian and reduced into the field (packing 256 bits into one field
//! element reduces modulo r by itself), hashed by [`crate::sha256`].

use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::convert::ToBitsGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::uint8::UInt8;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use ledger::Fr;

use crate::sha256::{pack_mod_r, sha256_bits};

/// Bytes of a little-endian bit string, most significant byte first (`bits.len()`
/// a multiple of 8).
pub fn be_bytes_from_le_bits(bits_le: &[Boolean<Fr>]) -> Vec<UInt8<Fr>> {
    assert_eq!(bits_le.len() % 8, 0);
    bits_le.chunks(8).rev().map(UInt8::from_bits_le).collect()
}

/// A field element as 32 big-endian bytes (its canonical bits, strictly below r).
pub fn fr_to_be_bytes(x: &FpVar<Fr>) -> Result<Vec<UInt8<Fr>>, SynthesisError> {
    let mut bits = crate::range::to_canonical_bits_le(x)?;
    bits.resize(256, Boolean::FALSE);
    Ok(be_bytes_from_le_bits(&bits))
}

/// An unsigned number given by `bits` (little-endian) as `bytes` big-endian bytes,
/// zero-extended.
pub fn number_to_be_bytes(bits_le: &[Boolean<Fr>], bytes: usize) -> Vec<UInt8<Fr>> {
    assert!(bits_le.len() <= bytes * 8);
    let mut bits = bits_le.to_vec();
    bits.resize(bytes * 8, Boolean::FALSE);
    be_bytes_from_le_bits(&bits)
}

/// SHA-256 of `preimage`, as a field element (big-endian, reduced modulo r: packing
/// 256 bits into one field element is a linear combination, no constraint; a digest
/// need not be below r). The bytes' bits are used as they are, no new decomposition.
pub fn sha256_to_field(preimage: &[UInt8<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let cs = preimage.iter().fold(ConstraintSystemRef::None, |cs, byte| cs.or(byte.cs()));
    let bytes = preimage
        .iter()
        .map(|byte| {
            let bits = byte.to_bits_le()?;
            Ok(std::array::from_fn(|i| bits[i].clone()))
        })
        .collect::<Result<Vec<[Boolean<Fr>; 8]>, SynthesisError>>()?;
    let digest = sha256_bits(cs.clone(), &bytes)?;
    pack_mod_r(cs, &digest)
}

/// The batch commitment of the given parts.
pub fn batch_commitment(
    old_root: &FpVar<Fr>,
    new_root: &FpVar<Fr>,
    chain_before: &FpVar<Fr>,
    chain_after: &FpVar<Fr>,
    public_data: &[UInt8<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
    let mut preimage = Vec::with_capacity(128 + public_data.len());
    for x in [old_root, new_root, chain_before, chain_after] {
        preimage.extend(fr_to_be_bytes(x)?);
    }
    preimage.extend_from_slice(public_data);
    sha256_to_field(&preimage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_utils::{alloc_fr, ALL_MODES};
    use ark_r1cs_std::alloc::AllocVar;
    use ark_relations::gr1cs::ConstraintSystem;

    #[test]
    fn equals_the_native_commitment_in_every_mode() {
        let roots = [Fr::from(11u64), -Fr::from(1u64), Fr::from(0u64), Fr::from(123_456_789u64)];
        // Enough lengths that some digests are above r (about 4 in 5 are).
        for len in [0usize, 14, 28, 42, 70, 99] {
            let data: Vec<u8> = (0..len as u32).map(|i| (i * 37 % 251) as u8).collect();
            let native = ledger::state::batch_commitment(roots[0], roots[1], roots[2], roots[3], &data);
            for mode in ALL_MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let vars: Vec<FpVar<Fr>> = roots.iter().map(|r| alloc_fr(cs.clone(), *r, mode)).collect();
                let bytes: Vec<UInt8<Fr>> =
                    data.iter().map(|b| UInt8::new_variable(cs.clone(), || Ok(*b), mode).unwrap()).collect();
                let c = batch_commitment(&vars[0], &vars[1], &vars[2], &vars[3], &bytes).unwrap();
                assert_eq!(c.value().unwrap(), native, "{len} bytes, {mode:?}");
                assert!(cs.is_satisfied().unwrap(), "{len} bytes, {mode:?}");
            }
        }
    }

    #[test]
    fn numbers_are_written_big_endian() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = alloc_fr(cs.clone(), Fr::from(0x0102_0304u64), ark_r1cs_std::alloc::AllocationMode::Witness);
        let bits = crate::range::to_bits_le_checked(&x, 32).unwrap();
        let bytes = number_to_be_bytes(&bits, 5);
        let values: Vec<u8> = bytes.iter().map(|b| b.value().unwrap()).collect();
        assert_eq!(values, vec![0, 1, 2, 3, 4]);
    }
}
