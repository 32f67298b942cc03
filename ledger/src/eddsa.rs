//! EdDSA-Poseidon over Baby Jubjub, identical to circomlib's `EdDSAPoseidonVerifier`
//! and circomlibjs' `prv2pub` / `signPoseidon` / `verifyPoseidon`.
//!
//! - Key: `h = blake512(sk)`; `s` = the pruned first 32 bytes of `h`, little-endian;
//!   public key `A = Base8 · (s >> 3)`.
//! - Sign `M`: `r = blake512(h[32..64] ‖ M as 32 bytes LE) mod l`, `R8 = Base8 · r`,
//!   `hm = Poseidon(R8x, R8y, Ax, Ay, M)`, `S = r + hm·s mod l`.
//! - Verify: `S < l` and `S·Base8 = R8 + (8·hm)·A`.

use core::fmt;

use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};
use blake_hash::{Blake512, Digest};
use serde::{Deserialize, Serialize};

use crate::babyjubjub::{
    base8, from_circom, is_in_subgroup, mul_integer, mul_scalar, to_circom, EdwardsAffine, ScalarField,
};
use crate::error::{LedgerError, Result};
use crate::field::{fr_to_decimal, parse_fr, Fr};
use crate::poseidon;

/// A 32-byte EdDSA secret key (circomlibjs' private key buffer).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A key from its 32 bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretKey(bytes)
    }

    /// A key from 64 hex characters.
    pub fn from_hex(text: &str) -> Result<Self> {
        let text = text.trim().trim_start_matches("0x");
        let bytes = hex::decode(text).map_err(|e| LedgerError::InvalidHex(e.to_string()))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|v: Vec<u8>| {
            LedgerError::InvalidHex(format!("a secret key is 32 bytes (64 hex characters), got {}", v.len()))
        })?;
        Ok(SecretKey(bytes))
    }

    /// A fresh key from the given randomness source.
    pub fn random<R: ark_std::rand::RngCore + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        SecretKey(bytes)
    }

    /// The key's bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// The key as 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn expanded(&self) -> [u8; 64] {
        let digest = Blake512::digest(&self.0);
        let mut out = [0u8; 64];
        out.copy_from_slice(&digest);
        out
    }

    /// The pruned signing scalar `s` as an integer (little-endian limbs), and the nonce key.
    fn scalar_and_prefix(&self) -> ([u8; 32], [u8; 32]) {
        let h = self.expanded();
        let mut s = [0u8; 32];
        s.copy_from_slice(&h[..32]);
        s[0] &= 0xF8;
        s[31] &= 0x7F;
        s[31] |= 0x40;
        let mut prefix = [0u8; 32];
        prefix.copy_from_slice(&h[32..]);
        (s, prefix)
    }

    /// The public key `Base8 · (s >> 3)`.
    pub fn public_key(&self) -> PublicKey {
        let (s, _) = self.scalar_and_prefix();
        let shifted = shift_right_3(&s);
        PublicKey { point: mul_integer(&base8(), &le_bytes_to_limbs(&shifted)) }
    }

    /// Signs a field element as circomlibjs' `signPoseidon` does.
    pub fn sign(&self, msg: Fr) -> Signature {
        let (s, prefix) = self.scalar_and_prefix();
        let mut nonce_input = Vec::with_capacity(64);
        nonce_input.extend_from_slice(&prefix);
        nonce_input.extend_from_slice(&msg.into_bigint().to_bytes_le());
        let r = ScalarField::from_le_bytes_mod_order(&Blake512::digest(&nonce_input));
        let r8 = mul_scalar(&base8(), &r);
        let public_key = self.public_key();
        let hm = challenge(&r8, &public_key.point, msg);
        let hm = ScalarField::from_le_bytes_mod_order(&hm.into_bigint().to_bytes_le());
        let s = ScalarField::from_le_bytes_mod_order(&s);
        Signature { r8, s: r + hm * s }
    }
}

/// `hm = Poseidon(R8x, R8y, Ax, Ay, M)` in circomlib coordinates.
pub fn challenge(r8: &EdwardsAffine, a: &EdwardsAffine, msg: Fr) -> Fr {
    let (r8x, r8y) = to_circom(r8);
    let (ax, ay) = to_circom(a);
    poseidon::hash_n([r8x, r8y, ax, ay, msg])
}

fn shift_right_3(bytes: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for i in 0..32 {
        let hi = if i + 1 < 32 { bytes[i + 1] << 5 } else { 0 };
        out[i] = (bytes[i] >> 3) | hi;
    }
    out
}

fn le_bytes_to_limbs(bytes: &[u8; 32]) -> [u64; 4] {
    let mut limbs = [0u64; 4];
    for (i, chunk) in bytes.chunks(8).enumerate() {
        limbs[i] = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    }
    limbs
}

/// A public key: a point of the prime-order subgroup, shown in circomlib coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    point: EdwardsAffine,
}

impl PublicKey {
    /// A key from circomlib coordinates; the point must be on the curve, in the
    /// prime-order subgroup and not the identity.
    pub fn from_coordinates(x: Fr, y: Fr) -> Result<Self> {
        let point = from_circom(x, y)?;
        if !is_in_subgroup(&point) || point.is_zero() {
            return Err(LedgerError::NotInSubgroup);
        }
        Ok(PublicKey { point })
    }

    /// The point in arkworks coordinates.
    pub fn point(&self) -> &EdwardsAffine {
        &self.point
    }

    /// x in circomlib coordinates.
    pub fn x(&self) -> Fr {
        to_circom(&self.point).0
    }

    /// y in circomlib coordinates.
    pub fn y(&self) -> Fr {
        to_circom(&self.point).1
    }

    /// Verifies a signature on `msg` as circomlib's `EdDSAPoseidonVerifier` does.
    pub fn verify(&self, msg: Fr, signature: &Signature) -> bool {
        let hm = challenge(&signature.r8, &self.point, msg);
        // (8·hm)·A as an integer multiple, without reduction, like circomlibjs.
        let eight_a = self.point.mul_bigint([8u64]).into_affine();
        let right = (signature.r8 + mul_integer(&eight_a, hm.into_bigint().as_ref())).into_affine();
        let left = mul_scalar(&base8(), &signature.s);
        left == right
    }
}

#[derive(Serialize, Deserialize)]
struct PublicKeyJson {
    x: String,
    y: String,
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        PublicKeyJson { x: fr_to_decimal(&self.x()), y: fr_to_decimal(&self.y()) }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let json = PublicKeyJson::deserialize(deserializer)?;
        let parse = |t: &str| parse_fr(t).map_err(serde::de::Error::custom);
        PublicKey::from_coordinates(parse(&json.x)?, parse(&json.y)?).map_err(serde::de::Error::custom)
    }
}

/// An EdDSA-Poseidon signature `(R8, S)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    r8: EdwardsAffine,
    s: ScalarField,
}

impl Signature {
    /// A signature from circomlib coordinates of `R8` and the integer `S`; `R8` must be
    /// on the curve and `S` below the subgroup order.
    pub fn from_parts(r8_x: Fr, r8_y: Fr, s: &num_bigint::BigUint) -> Result<Self> {
        let r8 = from_circom(r8_x, r8_y)?;
        let order: num_bigint::BigUint = ScalarField::MODULUS.into();
        if s >= &order {
            return Err(LedgerError::SignatureScalarOutOfRange);
        }
        Ok(Signature { r8, s: ScalarField::from_le_bytes_mod_order(&s.to_bytes_le()) })
    }

    /// `R8` in arkworks coordinates.
    pub fn r8(&self) -> &EdwardsAffine {
        &self.r8
    }

    /// `R8` in circomlib coordinates.
    pub fn r8_circom(&self) -> (Fr, Fr) {
        to_circom(&self.r8)
    }

    /// The scalar `S`.
    pub fn s(&self) -> ScalarField {
        self.s
    }

    /// `S` as a decimal string.
    pub fn s_decimal(&self) -> String {
        num_bigint::BigUint::from(self.s.into_bigint()).to_str_radix(10)
    }
}

#[derive(Serialize, Deserialize)]
struct SignatureJson {
    r8_x: String,
    r8_y: String,
    s: String,
}

impl Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let (x, y) = self.r8_circom();
        SignatureJson { r8_x: fr_to_decimal(&x), r8_y: fr_to_decimal(&y), s: self.s_decimal() }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let json = SignatureJson::deserialize(deserializer)?;
        let parse = |t: &str| parse_fr(t).map_err(serde::de::Error::custom);
        let s = num_bigint::BigUint::parse_bytes(json.s.as_bytes(), 10)
            .ok_or_else(|| serde::de::Error::custom(format!("S is not a decimal integer: {:?}", json.s)))?;
        Signature::from_parts(parse(&json.r8_x)?, parse(&json.r8_y)?, &s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_and_reject_tampering() {
        let sk = SecretKey::from_bytes([7u8; 32]);
        let pk = sk.public_key();
        let msg = Fr::from(123_456u64);
        let sig = sk.sign(msg);
        assert!(pk.verify(msg, &sig));
        assert!(!pk.verify(msg + Fr::from(1u64), &sig), "another message");
        let other = SecretKey::from_bytes([8u8; 32]).public_key();
        assert!(!other.verify(msg, &sig), "another key");
        let forged = Signature { r8: sig.r8, s: sig.s + ScalarField::from(1u64) };
        assert!(!pk.verify(msg, &forged), "another S");
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let sk = SecretKey::from_hex(&"ab".repeat(32)).unwrap();
        let sig = sk.sign(Fr::from(9u64));
        let json = serde_json::to_string(&sig).unwrap();
        assert_eq!(serde_json::from_str::<Signature>(&json).unwrap(), sig);
        let pk_json = serde_json::to_string(&sk.public_key()).unwrap();
        assert_eq!(serde_json::from_str::<PublicKey>(&pk_json).unwrap(), sk.public_key());
        assert!(serde_json::from_str::<PublicKey>(r#"{"x":"1","y":"2"}"#).is_err());
        assert!(SecretKey::from_hex("abcd").is_err());
        assert!(SecretKey::from_hex(&"zz".repeat(32)).is_err());
    }
}
