//! The BN254 scalar field: the field every circuit, hash and tree of the project works in.

use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;

use crate::error::{LedgerError, Result};

/// The BN254 scalar field (equal to the base field of Baby Jubjub).
pub type Fr = ark_bn254::Fr;

/// Parses a field element from decimal or `0x`-prefixed hex; values at or above
/// the modulus are an error, never reduced silently.
pub fn parse_fr(text: &str) -> Result<Fr> {
    let text = text.trim();
    let bad = || LedgerError::InvalidFieldElement(text.to_string());
    let value = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        if hex.is_empty() {
            return Err(bad());
        }
        BigUint::parse_bytes(hex.as_bytes(), 16).ok_or_else(bad)?
    } else {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        BigUint::parse_bytes(text.as_bytes(), 10).ok_or_else(bad)?
    };
    fr_from_biguint(&value).ok_or_else(bad)
}

/// The field element equal to `value`, or `None` when `value` is not below the modulus.
pub fn fr_from_biguint(value: &BigUint) -> Option<Fr> {
    let modulus: BigUint = Fr::MODULUS.into();
    if value >= &modulus {
        return None;
    }
    Some(Fr::from_le_bytes_mod_order(&value.to_bytes_le()))
}

/// The canonical integer of a field element.
pub fn fr_to_biguint(value: &Fr) -> BigUint {
    value.into_bigint().into()
}

/// A field element as a decimal string (circomlib and snarkjs write them so).
pub fn fr_to_decimal(value: &Fr) -> String {
    fr_to_biguint(value).to_str_radix(10)
}

/// The 32-byte big-endian encoding of a field element.
pub fn fr_to_be_bytes(value: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&value.into_bigint().to_bytes_be());
    out
}

/// Serde for a field element as a decimal string.
pub mod serde_decimal {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the element as a decimal string.
    pub fn serialize<S: Serializer>(value: &Fr, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&fr_to_decimal(value))
    }

    /// Reads a decimal or 0x-hex string below the modulus.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Fr, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_fr(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for a list of lists of field elements (Merkle siblings) as decimal strings.
pub mod serde_decimal_nested {
    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes every element as a decimal string.
    pub fn serialize<S: Serializer>(value: &[Vec<Fr>], serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let text: Vec<Vec<String>> = value.iter().map(|row| row.iter().map(fr_to_decimal).collect()).collect();
        text.serialize(serializer)
    }

    /// Reads decimal or 0x-hex strings below the modulus.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Vec<Vec<Fr>>, D::Error> {
        let text = Vec::<Vec<String>>::deserialize(deserializer)?;
        text.iter().map(|row| row.iter().map(|t| parse_fr(t).map_err(serde::de::Error::custom)).collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_and_hex_and_rejects_the_rest() {
        assert_eq!(parse_fr("7").unwrap(), Fr::from(7u64));
        assert_eq!(parse_fr("0x1f").unwrap(), Fr::from(31u64));
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
        assert!(parse_fr(r).is_err(), "the modulus itself is not a field element");
        let r_minus_1 = "21888242871839275222246405745257275088548364400416034343698204186575808495616";
        assert_eq!(fr_to_decimal(&parse_fr(r_minus_1).unwrap()), r_minus_1);
        for bad in ["", "0x", "-1", "1.5", "abc", "0xzz", " 12 3"] {
            assert!(parse_fr(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn big_endian_bytes_round_trip() {
        let x = parse_fr("0x0102").unwrap();
        let bytes = fr_to_be_bytes(&x);
        assert_eq!(&bytes[30..], &[1, 2]);
        assert_eq!(Fr::from_be_bytes_mod_order(&bytes), x);
    }
}
