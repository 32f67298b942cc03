//! Helpers for the gadget tests: allocation in every mode.

use ark_r1cs_std::alloc::{AllocVar, AllocationMode};
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::ConstraintSystemRef;
use ledger::Fr;

/// Constant, public input, witness: every gadget is tested in each.
pub const ALL_MODES: [AllocationMode; 3] = [AllocationMode::Constant, AllocationMode::Input, AllocationMode::Witness];

/// Allocates a field element in `mode`.
pub fn alloc_fr(cs: ConstraintSystemRef<Fr>, value: Fr, mode: AllocationMode) -> FpVar<Fr> {
    FpVar::new_variable(cs, || Ok(value), mode).expect("allocation")
}
