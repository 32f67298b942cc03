//! Ethereum accounts' keys and signatures: ECDSA over secp256k1 (RustCrypto's `k256`), Keccak-256, addresses
//! as the last 20 bytes of the Keccak-256 of the public key, and [`ecrecover`] as contracts use it.
//!
//! Shared by every design whose parties sign as L1 accounts (payment channels, Plasma, the sidechain's
//! ECDSA checkpoints): a contract that checks a signature calls [`ecrecover_charged`], which pays the
//! precompile's [`gas::ECRECOVER`] and refuses a high-`s` signature (EIP-2's low-`s` rule, which OpenZeppelin's
//! `ECDSA.recover` enforces in contracts too), so a signature cannot be replayed in its malleated form.

use core::fmt;

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use k256::elliptic_curve::rand_core::CryptoRngCore;
use k256::elliptic_curve::scalar::IsHigh;
use serde::{Deserialize, Serialize};
use sha3::{Digest, Keccak256};

use crate::chain::Env;
use crate::gas;
use crate::types::Address;

/// Keccak-256 of `data` (the EVM's `KECCAK256`, Ethereum's hash; not NIST SHA3-256).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Keccak-256 of `data`, charged to `env` at the opcode's price ([`gas::keccak256_gas`]).
pub fn keccak256_charged(env: &mut Env<'_>, label: &'static str, data: &[u8]) -> [u8; 32] {
    env.charge(label, gas::keccak256_gas(data.len()));
    keccak256(data)
}

/// A secp256k1 signature as Ethereum carries it: `r`, `s` (big-endian) and `v` (27 or 28).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EthSignature {
    /// The `r` scalar, big-endian.
    pub r: [u8; 32],
    /// The `s` scalar, big-endian (at most n/2 when produced by [`EthKey::sign`]).
    pub s: [u8; 32],
    /// The recovery id plus 27, as `ecrecover` takes it.
    pub v: u8,
}

impl EthSignature {
    /// The 65 bytes `r ‖ s ‖ v` a transaction's calldata carries.
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r);
        out[32..64].copy_from_slice(&self.s);
        out[64] = self.v;
        out
    }

    /// The same signature with `s` replaced by `n − s` and `v` flipped: the malleated twin that the bare
    /// precompile also accepts, and that [`ecrecover`] refuses (EIP-2). For tests of that rule.
    pub fn malleated(&self) -> EthSignature {
        let Ok(sig) = Signature::from_scalars(self.r, self.s) else { return *self };
        let s = -*sig.s();
        let Ok(flipped) = Signature::from_scalars(*sig.r(), s) else { return *self };
        let (r, s) = flipped.split_bytes();
        EthSignature { r: r.into(), s: s.into(), v: if self.v == 27 { 28 } else { 27 } }
    }
}

impl fmt::Debug for EthSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EthSignature(0x{}{}{:02x})", hex::encode(self.r), hex::encode(self.s), self.v)
    }
}

/// An Ethereum account's private key: signs 32-byte digests and knows its [`Address`].
#[derive(Clone)]
pub struct EthKey {
    key: SigningKey,
    address: Address,
}

impl fmt::Debug for EthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EthKey").field("address", &self.address).finish_non_exhaustive()
    }
}

impl EthKey {
    /// A fresh key from `rng` (seed it for reproducible runs).
    pub fn random(rng: &mut impl CryptoRngCore) -> EthKey {
        EthKey::from_signing_key(SigningKey::random(rng))
    }

    /// A deterministic key for a label (tests, examples): the scalar is Keccak-256 of the label, hashed again
    /// until it is a valid secret key. Not secret: anyone who knows the label knows the key.
    pub fn from_label(label: &str) -> EthKey {
        let mut seed = keccak256(label.as_bytes());
        loop {
            if let Ok(key) = SigningKey::from_bytes(&seed.into()) {
                return EthKey::from_signing_key(key);
            }
            seed = keccak256(&seed);
        }
    }

    fn from_signing_key(key: SigningKey) -> EthKey {
        let address = address_of(key.verifying_key());
        EthKey { key, address }
    }

    /// The account's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a 32-byte digest (already hashed, as contracts see it), with low `s` (EIP-2).
    pub fn sign(&self, digest: &[u8; 32]) -> EthSignature {
        // RFC 6979 deterministic nonces: signing cannot fail for a valid key and a 32-byte digest.
        let (sig, recid) = match self.key.sign_prehash_recoverable(digest) {
            Ok(pair) => pair,
            Err(_) => unreachable_signing(),
        };
        let (sig, recid) = match sig.normalize_s() {
            Some(low) => (low, RecoveryId::new(!recid.is_y_odd(), recid.is_x_reduced())),
            None => (sig, recid),
        };
        let (r, s) = sig.split_bytes();
        EthSignature { r: r.into(), s: s.into(), v: 27 + recid.to_byte() }
    }
}

#[cold]
fn unreachable_signing() -> ! {
    // k256's prehash signing only fails for digests shorter than 16 bytes; ours are 32.
    panic!("secp256k1 signing of a 32-byte digest failed")
}

/// The Ethereum address of a public key: the last 20 bytes of Keccak-256 of its uncompressed encoding
/// without the `0x04` prefix.
pub fn address_of(key: &VerifyingKey) -> Address {
    let point = key.to_encoded_point(false);
    let hash = keccak256(&point.as_bytes()[1..]);
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(&hash[12..]);
    Address(bytes)
}

/// What `ecrecover` followed by the low-`s` check returns: the signer's address, or `None` for a signature
/// that recovers no key, has `r` or `s` out of range, `v` other than 27 or 28, or a high `s` (EIP-2). The
/// bare precompile returns the zero address where this returns `None`; a contract that compares the result
/// with an expected signer must also refuse zero, which `None` makes impossible to forget.
pub fn ecrecover(digest: &[u8; 32], sig: &EthSignature) -> Option<Address> {
    let recid = RecoveryId::from_byte(sig.v.checked_sub(27)?)?;
    if recid.is_x_reduced() {
        return None;
    }
    let signature = Signature::from_scalars(sig.r, sig.s).ok()?;
    if bool::from(signature.s().is_high()) {
        return None;
    }
    let key = VerifyingKey::recover_from_prehash(digest, &signature, recid).ok()?;
    Some(address_of(&key))
}

/// [`ecrecover`] as a contract runs it: charges the precompile ([`gas::ECRECOVER`]) under `label`.
pub fn ecrecover_charged(
    env: &mut Env<'_>,
    label: &'static str,
    digest: &[u8; 32],
    sig: &EthSignature,
) -> Option<Address> {
    env.charge(label, gas::ECRECOVER);
    ecrecover(digest, sig)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn keccak_of_empty_input_is_the_known_constant() {
        assert_eq!(hex::encode(keccak256(b"")), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    }

    #[test]
    fn address_of_private_key_one_is_the_known_address() {
        // The generator's address, widely published (e.g. in go-ethereum's tests).
        let mut one = [0u8; 32];
        one[31] = 1;
        let key = EthKey::from_signing_key(SigningKey::from_bytes(&one.into()).unwrap());
        assert_eq!(key.address().to_hex(), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    }

    #[test]
    fn recover_returns_the_signer_and_refuses_forgeries() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        let alice = EthKey::random(&mut rng);
        let bob = EthKey::from_label("bob");
        let digest = keccak256(b"state 1");
        let sig = alice.sign(&digest);
        assert!(!bool::from(Signature::from_scalars(sig.r, sig.s).unwrap().s().is_high()));
        assert_eq!(ecrecover(&digest, &sig), Some(alice.address()));
        assert_ne!(ecrecover(&digest, &bob.sign(&digest)), Some(alice.address()));
        // Another message: recovers some other address (or none), never alice.
        assert_ne!(ecrecover(&keccak256(b"state 2"), &sig), Some(alice.address()));
        // The malleated twin is refused (EIP-2), and so are bad v values.
        assert_eq!(ecrecover(&digest, &sig.malleated()), None);
        assert_eq!(ecrecover(&digest, &EthSignature { v: 29, ..sig }), None);
        assert_eq!(ecrecover(&digest, &EthSignature { v: 0, ..sig }), None);
        assert_eq!(ecrecover(&digest, &EthSignature { r: [0; 32], ..sig }), None);
        assert_eq!(ecrecover(&digest, &EthSignature { s: [0xff; 32], ..sig }), None);
    }
}
