//! # verifier
//!
//! Lean Groth16 verification of the zk rollup's batch proofs over BN254, without
//! depending on the circuit that produced them.
//!
//! - [`verify`] and [`PreparedVerifier`] check a proof against a verifying key and
//!   public inputs and return `Ok(())` or a typed [`VerifyError`]; a failed pairing
//!   check is [`VerifyError::Rejected`], never a `bool` to forget.
//! - [`verify_batch`] recomputes the batch circuit's single public input, the batch
//!   commitment ([`ledger::state::batch_commitment`]), and verifies against it.
//! - [`snarkjs`] reads and writes snarkjs' JSON (`proof.json`, `verification_key.json`,
//!   `public.json`), so `snarkjs groth16 verify` accepts our proofs.
//! - [`binary`] is a compact, versioned binary form (`ZKRP` / `ZKRV`).
//! - [`solidity`] writes a Groth16 verifier contract for a key (BN254 precompiles 0x06–0x08) and the
//!   calldata that calls it.
//!
//! Every parser validates what it reads: coordinates below the base-field modulus,
//! points on the curve and in the prime-order subgroup, no point of a key or a proof at
//! infinity ([`check_vk`], [`check_proof`]), public inputs below the scalar-field
//! modulus. The crate does no I/O: it takes `&str` and `&[u8]`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod binary;
pub mod error;
pub mod snarkjs;
pub mod solidity;

pub use ark_bn254::{Bn254, Fr};
pub use ark_groth16::{Proof, VerifyingKey};
pub use error::{Result, VerifyError};

use ark_bn254::{G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_groth16::{Groth16, PreparedVerifyingKey};

/// A Groth16 proof over BN254.
pub type BnProof = Proof<Bn254>;
/// A Groth16 verifying key over BN254.
pub type BnVerifyingKey = VerifyingKey<Bn254>;

/// Verifies `proof` for `public_inputs` under `vk`.
///
/// Checks the input count (`vk.gamma_abc_g1.len() - 1`), the key ([`check_vk`]: no
/// point at infinity, every point on the curve and in the prime-order subgroup), that
/// the proof's points are finite, on the curve and in the prime-order subgroup, then
/// the pairing equation. For many proofs under one key, use [`PreparedVerifier`].
pub fn verify(vk: &VerifyingKey<Bn254>, public_inputs: &[Fr], proof: &Proof<Bn254>) -> Result<()> {
    check_vk(vk)?;
    check_input_count(vk, public_inputs)?;
    PreparedVerifier { pvk: ark_groth16::prepare_verifying_key(vk), refused: None }.verify(public_inputs, proof)
}

/// The batch circuit's single public input: the batch commitment
/// (see [`ledger::state::batch_commitment`]).
pub fn batch_public_input(old_root: Fr, new_root: Fr, chain_before: Fr, chain_after: Fr, public_data: &[u8]) -> Fr {
    ledger::state::batch_commitment(old_root, new_root, chain_before, chain_after, public_data)
}

/// Verifies a batch proof: recomputes the single public input, the batch commitment
/// of the roots, the deposit-chain heads and the public data, and verifies `proof`
/// against it. Any change to any of them makes the proof [`VerifyError::Rejected`].
pub fn verify_batch(
    vk: &VerifyingKey<Bn254>,
    old_root: Fr,
    new_root: Fr,
    chain_before: Fr,
    chain_after: Fr,
    public_data: &[u8],
    proof: &Proof<Bn254>,
) -> Result<()> {
    let commitment = batch_public_input(old_root, new_root, chain_before, chain_after, public_data);
    verify(vk, &[commitment], proof)
}

/// A verifying key prepared once (`e(alpha, beta)` and the negated, prepared G2
/// points) for verifying many proofs.
#[derive(Debug, Clone)]
pub struct PreparedVerifier {
    pvk: PreparedVerifyingKey<Bn254>,
    /// Why the key is unusable ([`check_vk`]), returned by every [`PreparedVerifier::verify`].
    refused: Option<VerifyError>,
}

impl PreparedVerifier {
    /// Prepares `vk` (one pairing). A degenerate or invalid key ([`check_vk`]) is
    /// remembered and every proof is refused with its error; use
    /// [`PreparedVerifier::try_new`] to learn it at once.
    pub fn new(vk: &VerifyingKey<Bn254>) -> Self {
        PreparedVerifier { pvk: ark_groth16::prepare_verifying_key(vk), refused: check_vk(vk).err() }
    }

    /// Prepares `vk` after [`check_vk`] accepted it.
    pub fn try_new(vk: &VerifyingKey<Bn254>) -> Result<Self> {
        check_vk(vk)?;
        Ok(Self::new(vk))
    }

    /// The verifying key this was prepared from.
    pub fn vk(&self) -> &VerifyingKey<Bn254> {
        &self.pvk.vk
    }

    /// Number of public inputs the key expects.
    pub fn num_inputs(&self) -> usize {
        self.pvk.vk.gamma_abc_g1.len().saturating_sub(1)
    }

    /// Verifies `proof` for `public_inputs`; see [`verify`].
    pub fn verify(&self, public_inputs: &[Fr], proof: &Proof<Bn254>) -> Result<()> {
        if let Some(error) = &self.refused {
            return Err(error.clone());
        }
        check_input_count(&self.pvk.vk, public_inputs)?;
        // The proof's points may have been built unchecked: validate them before pairing.
        check_proof(proof)?;
        match Groth16::<Bn254>::verify_proof(&self.pvk, proof, public_inputs) {
            Ok(true) => Ok(()),
            // `Ok(false)` is a failed pairing check; arkworks' `Err` cannot arise once
            // the count is checked, and is a rejection all the same.
            Ok(false) | Err(_) => Err(VerifyError::Rejected),
        }
    }
}

/// Refuses a key without `IC[0]` and an input count the key does not expect
/// (arkworks would silently ignore extra inputs or treat missing ones as zero).
fn check_input_count(vk: &VerifyingKey<Bn254>, public_inputs: &[Fr]) -> Result<()> {
    let expected = vk
        .gamma_abc_g1
        .len()
        .checked_sub(1)
        .ok_or_else(|| VerifyError::Malformed("verifying key has no IC points".into()))?;
    if public_inputs.len() != expected {
        return Err(VerifyError::WrongInputCount { expected, got: public_inputs.len() });
    }
    Ok(())
}

/// Refuses a verifying key no honest setup produces: no `IC` point, or any point
/// (`alpha_g1`, `beta_g2`, `gamma_g2`, `delta_g2`, every `IC[i]`) at infinity
/// ([`VerifyError::PointAtInfinity`]), off the curve or outside the prime-order
/// subgroup. A key whose `gamma` and `delta` are at infinity accepts a forged proof
/// for every public input. The parsers ([`snarkjs::vk_from_json`],
/// [`binary::vk_from_bytes`]) and [`verify`] apply it; call it on a key built otherwise.
pub fn check_vk(vk: &VerifyingKey<Bn254>) -> Result<()> {
    if vk.gamma_abc_g1.is_empty() {
        return Err(VerifyError::Malformed("verifying key has no IC points".into()));
    }
    check_finite_g1(&vk.alpha_g1, "vk.alpha_g1")?;
    check_finite_g2(&vk.beta_g2, "vk.beta_g2")?;
    check_finite_g2(&vk.gamma_g2, "vk.gamma_g2")?;
    check_finite_g2(&vk.delta_g2, "vk.delta_g2")?;
    for (i, p) in vk.gamma_abc_g1.iter().enumerate() {
        check_finite_g1(p, &format!("vk.IC[{i}]"))?;
    }
    Ok(())
}

/// Refuses a proof with a point at infinity ([`VerifyError::PointAtInfinity`]; a real
/// proof never has one), off the curve or outside the prime-order subgroup.
pub fn check_proof(proof: &Proof<Bn254>) -> Result<()> {
    check_finite_g1(&proof.a, "proof.a")?;
    check_finite_g2(&proof.b, "proof.b")?;
    check_finite_g1(&proof.c, "proof.c")
}

/// Not infinity, on the curve and in the prime-order subgroup.
pub(crate) fn check_finite_g1(point: &G1Affine, what: &str) -> Result<()> {
    refuse_infinity(point, what)?;
    check_g1(point, what)
}

/// Not infinity, on the twist curve and in the prime-order subgroup.
pub(crate) fn check_finite_g2(point: &G2Affine, what: &str) -> Result<()> {
    refuse_infinity(point, what)?;
    check_g2(point, what)
}

fn refuse_infinity<P: AffineRepr>(point: &P, what: &str) -> Result<()> {
    if point.is_zero() {
        return Err(VerifyError::PointAtInfinity { what: what.into() });
    }
    Ok(())
}

/// On the curve and in the prime-order subgroup (always true of G1 on the curve; checked
/// anyway). Infinity passes: callers that must refuse it use [`check_finite_g1`].
pub(crate) fn check_g1(point: &G1Affine, what: &str) -> Result<()> {
    check_point(point, what)
}

/// On the twist curve and in the prime-order subgroup (the twist has a large cofactor).
/// Infinity passes: callers that must refuse it use [`check_finite_g2`].
pub(crate) fn check_g2(point: &G2Affine, what: &str) -> Result<()> {
    check_point(point, what)
}

fn check_point<P: ark_ec::short_weierstrass::SWCurveConfig>(
    point: &ark_ec::short_weierstrass::Affine<P>,
    what: &str,
) -> Result<()> {
    if point.is_zero() {
        return Ok(());
    }
    if !point.is_on_curve() {
        return Err(VerifyError::NotOnCurve { what: what.into() });
    }
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(VerifyError::NotInSubgroup { what: what.into() });
    }
    Ok(())
}
