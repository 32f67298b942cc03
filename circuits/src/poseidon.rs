//! Poseidon in R1CS, the twin of [`ledger::poseidon`]: the same circomlib parameters,
//! the same rounds. Each S-box `x^5` costs three constraints (`x²`, `x⁴`, `x⁵`); the
//! round constants and the MDS mix are linear and free, and the first S-box of the
//! constant capacity element is free too, so a hash of `n` inputs costs
//! `3 · (8 · (n + 1) + partial rounds) − 3`: 240 for two inputs, 297 for four.

use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_relations::gr1cs::SynthesisError;
use ledger::Fr;

/// circomlib's `Poseidon(inputs.len())` in the circuit.
pub fn hash(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let params = ledger::poseidon::parameters(inputs.len()).map_err(|_| SynthesisError::Unsatisfiable)?;
    let width = params.width;
    let mut state: Vec<FpVar<Fr>> = Vec::with_capacity(width);
    state.push(FpVar::zero());
    state.extend_from_slice(inputs);
    let half_full = params.full_rounds / 2;
    let rounds = params.full_rounds + params.partial_rounds;
    for round in 0..rounds {
        for (i, s) in state.iter_mut().enumerate() {
            *s += FpVar::constant(params.ark[round * width + i]);
        }
        let full = round < half_full || round >= half_full + params.partial_rounds;
        let sboxed = if full { width } else { 1 };
        for s in state.iter_mut().take(sboxed) {
            *s = sbox(s)?;
        }
        state = (0..width)
            .map(|i| state.iter().zip(&params.mds[i]).fold(FpVar::zero(), |acc, (s, m)| acc + s * *m))
            .collect();
    }
    Ok(state.swap_remove(0))
}

fn sbox(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_utils::{alloc_fr, ALL_MODES};
    use ark_r1cs_std::GR1CSVar;
    use ark_relations::gr1cs::ConstraintSystem;

    #[test]
    fn equals_native_poseidon_in_every_allocation_mode() {
        for n in 1..=6usize {
            for mode in ALL_MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let inputs: Vec<Fr> = (0..n as u64).map(|i| Fr::from(31 * i + 7)).collect();
                let vars: Vec<FpVar<Fr>> = inputs.iter().map(|x| alloc_fr(cs.clone(), *x, mode)).collect();
                let out = hash(&vars).unwrap();
                assert_eq!(out.value().unwrap(), ledger::poseidon::hash(&inputs).unwrap(), "{n} inputs, {mode:?}");
                assert!(cs.is_satisfied().unwrap());
            }
        }
    }

    #[test]
    fn costs_three_constraints_per_sbox() {
        for (n, partial) in [(2usize, 57usize), (3, 56), (4, 60), (5, 60)] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let vars: Vec<FpVar<Fr>> = (0..n)
                .map(|i| alloc_fr(cs.clone(), Fr::from(i as u64), ark_r1cs_std::alloc::AllocationMode::Witness))
                .collect();
            let _ = hash(&vars).unwrap();
            assert_eq!(cs.num_constraints(), 3 * (8 * (n + 1) + partial) - 3, "{n} inputs");
        }
    }
}
