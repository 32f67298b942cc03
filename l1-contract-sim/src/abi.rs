//! The calldata layout contracts use to price their calls from real bytes: a 4-byte
//! selector, then 32-byte big-endian words, as the Solidity ABI lays out static
//! arguments.

use ledger::Fr;

/// Appends a 4-byte function selector.
pub fn push_selector(out: &mut Vec<u8>, selector: u8) {
    out.extend_from_slice(&[selector, 0, 0, 0]);
}

/// Appends a `uint256` word holding `x`.
pub fn push_u64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&[0u8; 24]);
    out.extend_from_slice(&x.to_be_bytes());
}

/// Appends a field element as a 32-byte big-endian word.
pub fn push_fr(out: &mut Vec<u8>, x: &Fr) {
    out.extend_from_slice(&ledger::field::fr_to_be_bytes(x));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_32_bytes_big_endian() {
        let mut out = Vec::new();
        push_selector(&mut out, 7);
        push_u64(&mut out, 0x0102);
        push_fr(&mut out, &Fr::from(3u64));
        assert_eq!(out.len(), 4 + 32 + 32);
        assert_eq!(&out[..4], &[7, 0, 0, 0]);
        assert_eq!(&out[34..36], &[1, 2]);
        assert_eq!(out[67], 3);
    }
}
