//! Addresses and amounts of ether.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::ChainError;

/// An amount of ether in wei, the smallest unit (10^-18 ether). `u128` holds 3.4·10^20 ether, far more
/// than exists (about 1.2·10^8 ether).
pub type Wei = u128;

/// One gwei, 10^9 wei: the unit in which gas prices are quoted.
pub const GWEI: Wei = 1_000_000_000;

/// One ether, 10^18 wei.
pub const ETHER: Wei = 1_000_000_000_000_000_000;

/// A 20-byte Ethereum address, of an externally owned account or of a contract.
///
/// Shown and serialised as a lowercase `0x`-prefixed hex string (without the EIP-55 checksum casing).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// The zero address, `0x0000…0000`.
    pub const ZERO: Address = Address([0u8; 20]);

    /// A deterministic address for a label: the first 20 bytes of SHA-256(label). Handy for tests and
    /// simulations ("alice", "operator", "zk-rollup"); it has no private key behind it.
    pub fn from_label(label: &str) -> Address {
        let digest = Sha256::digest(label.as_bytes());
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&digest[..20]);
        Address(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The lowercase `0x`-prefixed hex form, as [`Display`](fmt::Display) writes it.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address(0x{})", hex::encode(self.0))
    }
}

impl FromStr for Address {
    type Err = ChainError;

    /// Parses 40 hex digits, with or without a `0x` prefix, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
        let invalid = || ChainError::InvalidAddress(s.to_string());
        if digits.len() != 40 {
            return Err(invalid());
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| invalid())?;
        Ok(Address(bytes))
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_label_is_sha256_prefix() {
        let a = Address::from_label("alice");
        assert_eq!(a, Address::from_label("alice"));
        assert_ne!(a, Address::from_label("bob"));
        let digest = Sha256::digest(b"alice");
        assert_eq!(&a.0[..], &digest[..20]);
    }

    #[test]
    fn hex_display_parse_and_serde_round_trip() {
        let a = Address::from_label("operator");
        let s = a.to_string();
        assert!(s.starts_with("0x") && s.len() == 42);
        assert_eq!(s.parse::<Address>().unwrap(), a);
        assert_eq!(s.to_uppercase().replacen("0X", "0x", 1).parse::<Address>().unwrap(), a);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, format!("\"{s}\""));
        assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), a);
        assert_eq!(Address::ZERO.to_string(), format!("0x{}", "0".repeat(40)));
        assert!("0x1234".parse::<Address>().is_err());
        assert!(format!("0x{}", "zz".repeat(20)).parse::<Address>().is_err());
        assert!(serde_json::from_str::<Address>("\"0x12\"").is_err());
    }

    #[test]
    fn units() {
        assert_eq!(ETHER, 1_000_000_000 * GWEI);
    }
}
