//! What the bridge does to check signatures, and what it pays for it.
//!
//! # ECDSA (Polygon PoS's `checkSignatures`)
//! Per signature: one `ecrecover` ([`gas::ECRECOVER`]), the check that signers come in strictly ascending
//! address order (no signer counted twice), and two cold storage reads (the signer's validator record and its
//! stake). Calldata: three words per signature.
//!
//! # BLS (EIP-2537)
//! The signer bitmap selects members. The aggregate key is the sum of the signers' keys, each read cold
//! (3 slots: the 96 bytes of an uncompressed G1 point, and 1 for its stake) and added with one G1ADD
//! ([`gas::BLS12_G1ADD`]); when more than half the set signs, the contract instead starts from the stored sum
//! of the whole set's keys and subtracts the absent members' (see [`bls_signed_stake`]). The checkpoint digest is hashed to G2 as RFC 9380
//! does: `expand_message_xmd` with the SHA-256 precompile (one hash of the padded message and tag, then one
//! per 32 output bytes, 256 bytes in all), four reductions modulo p with MODEXP ([`gas::MODEXP_MIN`]), two
//! map-to-G2 calls ([`gas::BLS12_MAP_FP2_TO_G2`], cofactor cleared inside) and one G2ADD. Then one pairing
//! check of two pairs ([`gas::bls12_pairing_gas`]): `e(-g1, σ) · e(apk, H(m)) = 1`; the precompile checks
//! that σ is in G2's subgroup. Calldata: the bitmap and one 256-byte G2 point, whatever the number of signers.
//!
//! # Registration
//! A BLS key is checked to be in G1's subgroup with a one-pair G1 MSM (the EIP-2537 MSM precompile refuses
//! points outside the subgroup) and its proof of possession with a hash to G2 (domain [`DST_POP`]) and a
//! two-pair pairing check: without it, a rogue key `g1·a − Σ pk_i` would let one party sign for a whole set.

use ark_ec::{AffineRepr, CurveGroup};
use l1_contract_sim::ecdsa::{ecrecover_charged, EthSignature};
use l1_contract_sim::{gas, Env, Revert, Wei};

use crate::bls::{hash_to_g2, pairing_check, BlsPublicKey, BlsSignature, DST_POP, DST_SIGN};
use crate::contract::RegisteredValidator;

/// Output of `expand_message_xmd` for one Fp2 hash-to-curve (two Fp2 elements of 2 × 64 bytes).
const XMD_OUTPUT_BYTES: usize = 256;

/// Gas of hashing `msg_len` bytes to G2 under a tag of `dst_len` bytes on the EVM with the SHA-256, MODEXP
/// and EIP-2537 precompiles (see the module docs).
pub fn hash_to_g2_gas(msg_len: usize, dst_len: usize) -> u64 {
    let dst_prime = dst_len + 1;
    // b_0 = H(Z_pad(64) ‖ msg ‖ l_i_b_str(2) ‖ 0 ‖ DST'), then b_i = H(b_{i-1} ^ b_0 ‖ i ‖ DST').
    let b0 = gas::sha256_gas(64 + msg_len + 2 + 1 + dst_prime);
    let blocks = XMD_OUTPUT_BYTES.div_ceil(32) as u64;
    let bi = blocks * gas::sha256_gas(32 + 1 + dst_prime);
    b0 + bi + 4 * gas::MODEXP_MIN + 2 * gas::BLS12_MAP_FP2_TO_G2 + gas::BLS12_G2ADD
}

/// Checks a new validator's BLS key and proof of possession, charging the precompiles.
///
/// # Errors
/// A [`Revert`] for a key off the curve, outside the subgroup or the identity, or a proof that fails.
pub fn check_registration(env: &mut Env<'_>, key: &BlsPublicKey, pop: &BlsSignature) -> Result<(), Revert> {
    env.charge("check the BLS key's subgroup (one-pair G1 MSM)", gas::bls12_g1msm_gas(1));
    if !key.is_valid() {
        return Err(Revert::new("the BLS key is the identity, off the curve or outside G1's subgroup"));
    }
    env.charge("hash the key to G2 (proof of possession)", hash_to_g2_gas(key.to_bytes().len(), DST_POP.len()));
    let hashed = hash_to_g2(DST_POP, &key.to_bytes()).map_err(|e| Revert::new(e.to_string()))?;
    env.charge("pairing check of the proof of possession", gas::bls12_pairing_gas(2));
    if !pairing_check(&key.0, &hashed, pop) {
        return Err(Revert::new("the proof of possession does not verify: a rogue key?"));
    }
    Ok(())
}

/// The stake of the members who signed `digest` with ECDSA, charging one `ecrecover` and two cold reads per
/// signature.
///
/// # Errors
/// A [`Revert`] for a signature that recovers nobody, a signer out of order or repeated, or a signer outside
/// the set.
pub fn ecdsa_signed_stake(
    env: &mut Env<'_>,
    digest: &[u8; 32],
    sigs: &[EthSignature],
    members: &[&RegisteredValidator],
) -> Result<Wei, Revert> {
    if sigs.len() > members.len() {
        return Err(Revert::new("more signatures than validators"));
    }
    let mut last = None;
    let mut signed: Wei = 0;
    for sig in sigs {
        let signer = ecrecover_charged(env, "ecrecover each signature", digest, sig)
            .ok_or_else(|| Revert::new("a signature recovers no signer"))?;
        if last.is_some_and(|l| signer <= l) {
            return Err(Revert::new("signers must come in ascending address order, each once"));
        }
        last = Some(signer);
        env.charge("read the signer's validator record and stake", 2 * gas::SLOAD_COLD);
        let member = members
            .iter()
            .find(|m| m.address == signer)
            .ok_or_else(|| Revert::new(format!("{signer} is not in the current validator set")))?;
        signed += member.stake;
    }
    Ok(signed)
}

/// The stake of the members marked in `signers`, after checking their aggregate signature of `digest`,
/// charging the EIP-2537 precompiles and the key reads. The aggregate key is built the cheaper way: summing
/// the signers' keys when they are at most half of the set, or else subtracting the absent members' keys from
/// the stored sum of the whole set (`set_key`), so that a checkpoint signed by everybody reads no key at all
/// (as BLS signature checkers on Ethereum do, e.g. EigenLayer's `BLSSignatureChecker`). The stake follows
/// the same way: the signers' stakes, or the total less the absent members'.
///
/// # Errors
/// A [`Revert`] for a bitmap of the wrong length, no signer, a signer without a BLS key, or an aggregate that
/// does not verify.
pub fn bls_signed_stake(
    env: &mut Env<'_>,
    digest: &[u8; 32],
    signers: &[bool],
    aggregate: &BlsSignature,
    members: &[&RegisteredValidator],
    set_key: Option<&BlsPublicKey>,
    total_stake: Wei,
) -> Result<Wei, Revert> {
    if signers.len() != members.len() {
        return Err(Revert::new(format!("the bitmap has {} bits for {} validators", signers.len(), members.len())));
    }
    type Marked<'a> = Vec<(&'a RegisteredValidator, bool)>;
    let (present, absent): (Marked<'_>, Marked<'_>) =
        members.iter().zip(signers).map(|(m, s)| (*m, *s)).partition(|(_, s)| *s);
    if present.is_empty() {
        return Err(Revert::new("no signer"));
    }
    let key_of = |m: &RegisteredValidator| -> Result<BlsPublicKey, Revert> {
        m.bls_key.ok_or_else(|| Revert::new(format!("{} has no BLS key", m.address)))
    };
    let (apk, signed) = match set_key {
        Some(set_key) if present.len() > absent.len() => {
            let n = absent.len() as u64;
            env.charge("read the set's aggregate BLS key (3 slots)", 3 * gas::SLOAD_COLD);
            env.charge("read the absent members' BLS keys (3 slots each)", 3 * gas::SLOAD_COLD * n);
            env.charge("read the absent members' stakes", gas::SLOAD_COLD * n);
            env.charge("subtract the absent members' keys (G1ADD)", gas::BLS12_G1ADD * n);
            let missing: Vec<BlsPublicKey> = absent.iter().map(|(m, _)| key_of(m)).collect::<Result<_, _>>()?;
            let missing_sum = crate::bls::aggregate_keys(&missing);
            let apk = BlsPublicKey((set_key.0.into_group() - missing_sum.0.into_group()).into_affine());
            let absent_stake: Wei = absent.iter().map(|(m, _)| m.stake).sum();
            (apk, total_stake.saturating_sub(absent_stake))
        }
        _ => {
            let k = present.len() as u64;
            env.charge("read the signers' BLS keys (3 slots each)", 3 * gas::SLOAD_COLD * k);
            env.charge("read the signers' stakes", gas::SLOAD_COLD * k);
            env.charge("aggregate the signers' keys (G1ADD)", gas::BLS12_G1ADD * (k - 1));
            let keys: Vec<BlsPublicKey> = present.iter().map(|(m, _)| key_of(m)).collect::<Result<_, _>>()?;
            (crate::bls::aggregate_keys(&keys), present.iter().map(|(m, _)| m.stake).sum())
        }
    };
    env.charge("hash the checkpoint to G2", hash_to_g2_gas(digest.len(), DST_SIGN.len()));
    let hashed = hash_to_g2(DST_SIGN, digest).map_err(|e| Revert::new(e.to_string()))?;
    env.charge("pairing check (2 pairs)", gas::bls12_pairing_gas(2));
    if !pairing_check(&apk.0, &hashed, aggregate) {
        return Err(Revert::new("the aggregate signature does not verify for the signers in the bitmap"));
    }
    Ok(signed)
}
