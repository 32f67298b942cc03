//! A compact, versioned binary form of proofs and verifying keys.
//!
//! Layout: a 4-byte magic ([`PROOF_MAGIC`] `ZKRP` or [`VK_MAGIC`] `ZKRV`), the format
//! version as a little-endian `u16` ([`FORMAT_VERSION`]), then arkworks'
//! `serialize_compressed` of the [`Proof`] (128 bytes: A 32, B 64, C 32) or the
//! [`VerifyingKey`] (alpha, beta, gamma, delta, then the IC points as a `u64`
//! little-endian count and compressed points). A proof is [`PROOF_LEN`] = 134 bytes.
//!
//! Reading is exactly arkworks' validated `deserialize_compressed`, done point by point
//! so that errors name the point: each point is decompressed (a coordinate not below q,
//! or an x with no point on the curve, is [`VerifyError::NotOnCurve`]), then checked for
//! the curve and the prime-order subgroup ([`VerifyError::NotInSubgroup`]); a point of a
//! proof or a key at infinity is [`VerifyError::PointAtInfinity`]. A wrong
//! magic, truncated or trailing bytes are [`VerifyError::Malformed`]; another version
//! is [`VerifyError::UnsupportedVersion`].

use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, SerializationError};

use crate::error::{Result, VerifyError};
use crate::{check_finite_g1, check_finite_g2};

/// Magic of a binary proof.
pub const PROOF_MAGIC: [u8; 4] = *b"ZKRP";
/// Magic of a binary verifying key.
pub const VK_MAGIC: [u8; 4] = *b"ZKRV";
/// The format version written and read.
pub const FORMAT_VERSION: u16 = 1;
/// Bytes before the arkworks body: magic and version.
pub const HEADER_LEN: usize = 6;
/// Length of a binary proof.
pub const PROOF_LEN: usize = HEADER_LEN + 128;

const G1_LEN: usize = 32;

/// The binary form of `proof` ([`PROOF_LEN`] bytes).
pub fn proof_to_bytes(proof: &Proof<Bn254>) -> Vec<u8> {
    let mut bytes = header(PROOF_MAGIC);
    proof.serialize_compressed(&mut bytes).expect("writing to a Vec does not fail");
    bytes
}

/// Reads and validates a binary proof.
pub fn proof_from_bytes(bytes: &[u8]) -> Result<Proof<Bn254>> {
    let mut body = read_header(bytes, PROOF_MAGIC, "proof")?;
    let proof = Proof {
        a: read_g1(&mut body, "proof.a")?,
        b: read_g2(&mut body, "proof.b")?,
        c: read_g1(&mut body, "proof.c")?,
    };
    finish(body, "proof")?;
    Ok(proof)
}

/// The binary form of `vk`.
pub fn vk_to_bytes(vk: &VerifyingKey<Bn254>) -> Vec<u8> {
    let mut bytes = header(VK_MAGIC);
    vk.serialize_compressed(&mut bytes).expect("writing to a Vec does not fail");
    bytes
}

/// Reads and validates a binary verifying key (at least `IC[0]`).
pub fn vk_from_bytes(bytes: &[u8]) -> Result<VerifyingKey<Bn254>> {
    let mut body = read_header(bytes, VK_MAGIC, "verifying key")?;
    let alpha_g1 = read_g1(&mut body, "vk.alpha")?;
    let beta_g2 = read_g2(&mut body, "vk.beta")?;
    let gamma_g2 = read_g2(&mut body, "vk.gamma")?;
    let delta_g2 = read_g2(&mut body, "vk.delta")?;
    let count = u64::deserialize_compressed(&mut body).map_err(|e| map_error(e, "vk.IC count"))?;
    // Bound the count by the bytes present before allocating anything.
    let count = usize::try_from(count)
        .ok()
        .filter(|&n| n >= 1 && n.checked_mul(G1_LEN).is_some_and(|len| len == body.len()))
        .ok_or_else(|| {
            VerifyError::Malformed(format!("vk.IC count {count} does not match the {} bytes that follow", body.len()))
        })?;
    let gamma_abc_g1 = (0..count).map(|i| read_g1(&mut body, &format!("vk.IC[{i}]"))).collect::<Result<_>>()?;
    finish(body, "verifying key")?;
    Ok(VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 })
}

fn header(magic: [u8; 4]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(PROOF_LEN);
    bytes.extend_from_slice(&magic);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes
}

fn read_header<'a>(bytes: &'a [u8], magic: [u8; 4], what: &str) -> Result<&'a [u8]> {
    if bytes.len() < HEADER_LEN {
        return Err(VerifyError::Malformed(format!("{what}: {} bytes, too short for a header", bytes.len())));
    }
    if bytes[..4] != magic {
        return Err(VerifyError::Malformed(format!(
            "{what}: magic {:?}, expected {:?}",
            String::from_utf8_lossy(&bytes[..4]),
            String::from_utf8_lossy(&magic)
        )));
    }
    let found = u16::from_le_bytes([bytes[4], bytes[5]]);
    if found != FORMAT_VERSION {
        return Err(VerifyError::UnsupportedVersion { found, expected: FORMAT_VERSION });
    }
    Ok(&bytes[HEADER_LEN..])
}

fn finish(rest: &[u8], what: &str) -> Result<()> {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(VerifyError::Malformed(format!("{what}: {} trailing bytes", rest.len())))
    }
}

fn read_g1(body: &mut &[u8], what: &str) -> Result<G1Affine> {
    let p = G1Affine::deserialize_compressed_unchecked(body).map_err(|e| map_error(e, what))?;
    check_finite_g1(&p, what)?;
    Ok(p)
}

fn read_g2(body: &mut &[u8], what: &str) -> Result<G2Affine> {
    let p = G2Affine::deserialize_compressed_unchecked(body).map_err(|e| map_error(e, what))?;
    check_finite_g2(&p, what)?;
    Ok(p)
}

fn map_error(error: SerializationError, what: &str) -> VerifyError {
    match error {
        // Decompression fails when x is not below q or x³ + b has no square root.
        SerializationError::InvalidData | SerializationError::UnexpectedFlags => {
            VerifyError::NotOnCurve { what: what.into() }
        }
        SerializationError::IoError(_) => VerifyError::Malformed(format!("{what}: truncated")),
        other => VerifyError::Malformed(format!("{what}: {other}")),
    }
}
