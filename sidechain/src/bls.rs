//! BLS signatures over BLS12-381 as Ethereum's consensus layer uses them (the IETF draft's "minimal public
//! key size" variant with proof of possession): public keys in G1 (48 bytes compressed), signatures in G2
//! (96 bytes compressed), messages hashed to G2 with the standard hash-to-curve suite
//! `BLS12381G2_XMD:SHA-256_SSWU_RO_` (RFC 9380: `expand_message_xmd` with SHA-256, the simplified SWU map on
//! the 3-isogenous curve, cofactor clearing), as arkworks implements it.
//!
//! Many signatures on one message aggregate into one (a G2 sum) and verify against the sum of the signers'
//! keys with one two-pair pairing check, `e(-g1, σ) · e(Σ pk, H(m)) = 1`. Summing keys opens the rogue-key
//! attack (a key chosen as `g1·a − Σ others` lets its owner sign alone for the whole set); a proof of
//! possession (a signature on the key itself under a separate domain tag) checked at registration closes it.

use ark_bls12_381::{g2, Bls12_381, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::hashing::curve_maps::wb::WBMap;
use ark_ec::hashing::map_to_curve_hasher::MapToCurveBasedHasher;
use ark_ec::hashing::HashToCurve;
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::field_hashers::DefaultFieldHasher;
use ark_ff::{UniformRand, Zero};
use ark_serialize::CanonicalSerialize;
use ark_std::rand::{CryptoRng, RngCore};
use sha2::Sha256;

use crate::error::{Result, SidechainError};

/// Domain separation tag of signatures (the IETF BLS draft's proof-of-possession scheme, as Ethereum's
/// consensus layer).
pub const DST_SIGN: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// Domain separation tag of proofs of possession.
pub const DST_POP: &[u8] = b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

type G2Hasher = MapToCurveBasedHasher<G2Projective, DefaultFieldHasher<Sha256, 128>, WBMap<g2::Config>>;

/// `msg` hashed to G2 under `dst` (RFC 9380 `hash_to_curve`, `BLS12381G2_XMD:SHA-256_SSWU_RO_`).
///
/// # Errors
/// [`SidechainError::Bls`] if arkworks refuses the suite (it does not for BLS12-381).
pub fn hash_to_g2(dst: &[u8], msg: &[u8]) -> Result<G2Affine> {
    let hasher = G2Hasher::new(dst).map_err(|e| SidechainError::Bls(e.to_string()))?;
    hasher.hash(msg).map_err(|e| SidechainError::Bls(e.to_string()))
}

/// A BLS secret key: a scalar of BLS12-381.
#[derive(Clone, PartialEq, Eq)]
pub struct BlsSecretKey(Fr);

impl core::fmt::Debug for BlsSecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BlsSecretKey(..)")
    }
}

/// A BLS public key: a point of G1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlsPublicKey(pub G1Affine);

/// A BLS signature (or an aggregate of signatures): a point of G2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlsSignature(pub G2Affine);

impl BlsSecretKey {
    /// A fresh nonzero key from `rng`.
    pub fn random<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> BlsSecretKey {
        loop {
            let x = Fr::rand(rng);
            if !x.is_zero() {
                return BlsSecretKey(x);
            }
        }
    }

    /// The key of a scalar (tests: forging keys on purpose).
    pub fn from_scalar(x: Fr) -> BlsSecretKey {
        BlsSecretKey(x)
    }

    /// The scalar.
    pub fn scalar(&self) -> Fr {
        self.0
    }

    /// The public key `g1 · sk`.
    pub fn public_key(&self) -> BlsPublicKey {
        BlsPublicKey((G1Projective::generator() * self.0).into_affine())
    }

    /// The signature `H(msg) · sk` under [`DST_SIGN`].
    ///
    /// # Errors
    /// As [`hash_to_g2`].
    pub fn sign(&self, msg: &[u8]) -> Result<BlsSignature> {
        Ok(self.sign_hashed(&hash_to_g2(DST_SIGN, msg)?))
    }

    /// The signature of a message already hashed to G2 (a whole validator set signs one checkpoint, so the
    /// hash is computed once).
    pub fn sign_hashed(&self, hashed: &G2Affine) -> BlsSignature {
        BlsSignature((*hashed * self.0).into_affine())
    }

    /// The proof of possession: the key's signature on its own public key, under [`DST_POP`].
    ///
    /// # Errors
    /// As [`hash_to_g2`].
    pub fn proof_of_possession(&self) -> Result<BlsSignature> {
        let hashed = hash_to_g2(DST_POP, &self.public_key().to_bytes())?;
        Ok(BlsSignature((hashed * self.0).into_affine()))
    }
}

impl BlsPublicKey {
    /// The 48-byte compressed encoding (the zcash/Ethereum format arkworks writes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48);
        // Writing a valid point into a Vec cannot fail.
        let _ = self.0.serialize_compressed(&mut out);
        out
    }

    /// Whether the key is usable: on the curve, in the prime-order subgroup, and not the identity.
    pub fn is_valid(&self) -> bool {
        !self.0.is_zero() && self.0.is_on_curve() && self.0.is_in_correct_subgroup_assuming_on_curve()
    }

    /// Whether `pop` proves possession of this key's secret.
    ///
    /// # Errors
    /// As [`hash_to_g2`].
    pub fn verify_possession(&self, pop: &BlsSignature) -> Result<bool> {
        let hashed = hash_to_g2(DST_POP, &self.to_bytes())?;
        Ok(pairing_check(&self.0, &hashed, pop))
    }
}

impl BlsSignature {
    /// Whether the point is on the curve and in G2's prime-order subgroup (the pairing precompile's check).
    pub fn is_valid(&self) -> bool {
        self.0.is_on_curve() && self.0.is_in_correct_subgroup_assuming_on_curve()
    }
}

/// The sum of signatures.
pub fn aggregate_signatures<'a>(sigs: impl IntoIterator<Item = &'a BlsSignature>) -> BlsSignature {
    let sum: G2Projective = sigs.into_iter().map(|s| s.0.into_group()).sum();
    BlsSignature(sum.into_affine())
}

/// The sum of public keys.
pub fn aggregate_keys<'a>(keys: impl IntoIterator<Item = &'a BlsPublicKey>) -> BlsPublicKey {
    let sum: G1Projective = keys.into_iter().map(|k| k.0.into_group()).sum();
    BlsPublicKey(sum.into_affine())
}

/// The two-pair pairing check `e(-g1, σ) · e(pk, h) = 1`, i.e. `σ = h · sk` for `pk = g1 · sk`. Refuses a
/// signature outside G2's subgroup, as the EIP-2537 pairing precompile does.
pub fn pairing_check(pk: &G1Affine, hashed: &G2Affine, sig: &BlsSignature) -> bool {
    if !sig.is_valid() || pk.is_zero() {
        return false;
    }
    let neg_g1 = -G1Affine::generator();
    Bls12_381::multi_pairing([neg_g1, *pk], [sig.0, *hashed]).is_zero()
}

/// Whether `aggregate` is the aggregate signature of `msg` by the holders of `keys` (the same message).
///
/// # Errors
/// As [`hash_to_g2`].
pub fn verify_aggregate<'a>(
    keys: impl IntoIterator<Item = &'a BlsPublicKey>,
    msg: &[u8],
    aggregate: &BlsSignature,
) -> Result<bool> {
    let apk = aggregate_keys(keys);
    let hashed = hash_to_g2(DST_SIGN, msg)?;
    Ok(pairing_check(&apk.0, &hashed, aggregate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn aggregate_verifies_and_tampering_does_not() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let keys: Vec<BlsSecretKey> = (0..4).map(|_| BlsSecretKey::random(&mut rng)).collect();
        let pks: Vec<BlsPublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let msg = b"checkpoint 7";
        let sigs: Vec<BlsSignature> = keys.iter().map(|k| k.sign(msg).unwrap()).collect();
        let agg = aggregate_signatures(&sigs);
        assert!(verify_aggregate(&pks, msg, &agg).unwrap());
        // A wrong message, a missing signer, a signer too many: all refused.
        assert!(!verify_aggregate(&pks, b"checkpoint 8", &agg).unwrap());
        assert!(!verify_aggregate(&pks[..3], msg, &agg).unwrap());
        let partial = aggregate_signatures(&sigs[..3]);
        assert!(!verify_aggregate(&pks, msg, &partial).unwrap());
        assert!(verify_aggregate(&pks[..3], msg, &partial).unwrap());
        // The identity "signature" of nobody is refused too.
        assert!(!verify_aggregate(&pks, msg, &BlsSignature(G2Affine::zero())).unwrap());
    }

    #[test]
    fn proof_of_possession_binds_the_key() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let k = BlsSecretKey::random(&mut rng);
        let other = BlsSecretKey::random(&mut rng);
        assert!(k.public_key().verify_possession(&k.proof_of_possession().unwrap()).unwrap());
        assert!(!k.public_key().verify_possession(&other.proof_of_possession().unwrap()).unwrap());
        // A signature on the key under the signing tag is not a proof of possession.
        let wrong_tag = k.sign(&k.public_key().to_bytes()).unwrap();
        assert!(!k.public_key().verify_possession(&wrong_tag).unwrap());
    }

    #[test]
    fn hash_to_g2_matches_rfc9380_vector() {
        // RFC 9380, appendix J.10.1, BLS12381G2_XMD:SHA-256_SSWU_RO_, msg = "" (x.c0 of P).
        let p = hash_to_g2(b"QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_", b"").unwrap();
        let x = p.x().expect("not the identity");
        let expected =
            "0141ebfbdca40eb85b87142e130ab689c673cf60f1a3e98d69335266f30d9b8d4ac44c1038e9dcdd5393faf5c41fb78a";
        let x_c0 = {
            use ark_ff::{BigInteger, PrimeField};
            hex_string(&x.c0.into_bigint().to_bytes_be())
        };
        assert_eq!(x_c0, expected);
    }

    fn hex_string(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
