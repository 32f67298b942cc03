//! Fee markets: the EIP-1559 base fee of execution gas and the EIP-4844 blob base fee.
//!
//! Both are pure functions of the parent block, as in the EIPs' pseudocode; [`Chain`](crate::Chain) applies
//! them when it seals a block. Not modelled: EIP-7918 (Osaka), which keeps the blob base fee from falling far
//! below the execution base fee, and the blob-parameter-only forks after Prague; a
//! [`BlobSchedule`] with other numbers can stand in for the latter.

use serde::{Deserialize, Serialize};

use crate::types::Wei;

/// Blob gas per blob, 2^17 (EIP-4844 `GAS_PER_BLOB`).
pub const GAS_PER_BLOB: u64 = 131_072;

/// Field elements per blob (EIP-4844 `FIELD_ELEMENTS_PER_BLOB`).
pub const FIELD_ELEMENTS_PER_BLOB: usize = 4096;

/// Bytes per blob: 4,096 field elements of 32 bytes (EIP-4844).
pub const BYTES_PER_BLOB: usize = 131_072;

/// Payload bytes a rollup can put in one blob. Each 32-byte field element must be below the BLS12-381 scalar
/// modulus, so rollups pack 31 payload bytes per element (the top byte stays zero): 4,096 · 31 = 126,976
/// bytes. The simulated chain caps every blob's data at this length.
pub const USABLE_BYTES_PER_BLOB: usize = FIELD_ELEMENTS_PER_BLOB * 31;

/// The lowest blob base fee, in wei per blob gas (EIP-4844 `MIN_BASE_FEE_PER_BLOB_GAS`).
pub const MIN_BASE_FEE_PER_BLOB_GAS: Wei = 1;

/// EIP-1559 `ELASTICITY_MULTIPLIER`: the gas target is half the gas limit.
pub const ELASTICITY_MULTIPLIER: u64 = 2;

/// EIP-1559 `BASE_FEE_MAX_CHANGE_DENOMINATOR`: the base fee moves at most 1/8 per block.
pub const BASE_FEE_MAX_CHANGE_DENOMINATOR: u128 = 8;

/// The blob parameters of a fork: target and maximum blobs per block, and how fast the blob base fee reacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlobSchedule {
    /// Blobs per block the fee market aims at; above it the blob base fee rises.
    pub target_blobs_per_block: u64,
    /// Most blobs a block may hold.
    pub max_blobs_per_block: u64,
    /// `BLOB_BASE_FEE_UPDATE_FRACTION`: the blob base fee is `fake_exponential(1, excess, fraction)`.
    pub base_fee_update_fraction: u128,
}

impl BlobSchedule {
    /// Cancun (EIP-4844): target 3, max 6, update fraction 3,338,477 (at most +12.5% per block).
    pub const CANCUN: BlobSchedule =
        BlobSchedule { target_blobs_per_block: 3, max_blobs_per_block: 6, base_fee_update_fraction: 3_338_477 };

    /// Prague (EIP-7691): target 6, max 9, update fraction 5,007,716 (+8.2% per full block, −14.5% per empty
    /// one).
    pub const PRAGUE: BlobSchedule =
        BlobSchedule { target_blobs_per_block: 6, max_blobs_per_block: 9, base_fee_update_fraction: 5_007_716 };

    /// Target blob gas per block.
    pub fn target_blob_gas_per_block(&self) -> u64 {
        self.target_blobs_per_block * GAS_PER_BLOB
    }

    /// Maximum blob gas per block.
    pub fn max_blob_gas_per_block(&self) -> u64 {
        self.max_blobs_per_block * GAS_PER_BLOB
    }
}

impl Default for BlobSchedule {
    fn default() -> Self {
        BlobSchedule::PRAGUE
    }
}

/// `factor · e^(numerator / denominator)` in integers, exactly as EIP-4844's pseudocode (a Taylor series
/// summed until its terms vanish). Saturates at `u128::MAX` where the true result would overflow (blob fees
/// of more than 10^20 ether per blob gas).
pub fn fake_exponential(factor: u128, numerator: u128, denominator: u128) -> u128 {
    assert!(denominator > 0, "fake_exponential: denominator must be positive");
    let mut i: u128 = 1;
    let mut output: u128 = 0;
    let Some(mut numerator_accum) = factor.checked_mul(denominator) else { return u128::MAX };
    while numerator_accum > 0 {
        let Some(sum) = output.checked_add(numerator_accum) else { return u128::MAX };
        output = sum;
        let (Some(num), Some(den)) = (numerator_accum.checked_mul(numerator), denominator.checked_mul(i)) else {
            return u128::MAX;
        };
        numerator_accum = num / den;
        i += 1;
    }
    output / denominator
}

/// The blob base fee, in wei per blob gas, for a block with `excess_blob_gas` (EIP-4844
/// `get_base_fee_per_blob_gas`).
pub fn blob_base_fee(excess_blob_gas: u64, schedule: BlobSchedule) -> Wei {
    fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, u128::from(excess_blob_gas), schedule.base_fee_update_fraction)
}

/// The excess blob gas of a block from its parent's (EIP-4844 `calc_excess_blob_gas`): blob gas used above
/// the target accumulates, below it drains, never below zero.
pub fn next_excess_blob_gas(parent_excess_blob_gas: u64, parent_blob_gas_used: u64, schedule: BlobSchedule) -> u64 {
    (parent_excess_blob_gas.saturating_add(parent_blob_gas_used)).saturating_sub(schedule.target_blob_gas_per_block())
}

/// Blobs needed to carry `bytes` of payload: `ceil(bytes / USABLE_BYTES_PER_BLOB)`, so 0 for no data and at
/// least 1 otherwise.
pub fn blobs_for(bytes: usize) -> usize {
    bytes.div_ceil(USABLE_BYTES_PER_BLOB)
}

/// The base fee of a block from its parent's, exactly as EIP-1559's pseudocode: the target is half the gas
/// limit; above it the fee rises by `used − target` / target / 8 (at least 1 wei), below it falls likewise.
pub fn next_base_fee(parent_base_fee: Wei, parent_gas_used: u64, parent_gas_limit: u64) -> Wei {
    let target = parent_gas_limit / ELASTICITY_MULTIPLIER;
    if target == 0 || parent_gas_used == target {
        return parent_base_fee;
    }
    let target = u128::from(target);
    let used = u128::from(parent_gas_used);
    if used > target {
        let delta = parent_base_fee.saturating_mul(used - target) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
        parent_base_fee.saturating_add(delta.max(1))
    } else {
        let delta = parent_base_fee.saturating_mul(target - used) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
        parent_base_fee.saturating_sub(delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::GWEI;

    #[test]
    fn fake_exponential_matches_reference_vectors() {
        // (factor, numerator, denominator, expected), the table of go-ethereum's TestFakeExponential.
        let cases: [(u128, u128, u128, u128); 15] = [
            (1, 0, 1, 1),
            (38493, 0, 1000, 38493),
            (0, 1234, 2345, 0),
            (1, 2, 1, 6),
            (1, 4, 2, 6),
            (1, 3, 1, 16),
            (1, 6, 2, 18),
            (1, 4, 1, 49),
            (1, 8, 2, 50),
            (10, 8, 2, 542),
            (11, 8, 2, 596),
            (1, 5, 1, 136),
            (1, 5, 2, 11),
            (2, 5, 2, 23),
            (1, 50_000_000, 2_225_652, 5_709_098_764),
        ];
        for (f, n, d, want) in cases {
            assert_eq!(fake_exponential(f, n, d), want, "fake_exponential({f}, {n}, {d})");
        }
        assert_eq!(fake_exponential(1, u128::from(u64::MAX), 1), u128::MAX);
    }

    #[test]
    fn blob_base_fee_starts_at_one_and_grows_with_excess() {
        for s in [BlobSchedule::CANCUN, BlobSchedule::PRAGUE] {
            assert_eq!(blob_base_fee(0, s), 1);
            assert!(blob_base_fee(10 * s.base_fee_update_fraction as u64, s) > 20_000);
        }
        // Excess stays zero at or below target, accumulates above it.
        let p = BlobSchedule::PRAGUE;
        assert_eq!(next_excess_blob_gas(0, 6 * GAS_PER_BLOB, p), 0);
        assert_eq!(next_excess_blob_gas(0, 9 * GAS_PER_BLOB, p), 3 * GAS_PER_BLOB);
        assert_eq!(next_excess_blob_gas(3 * GAS_PER_BLOB, 0, p), 0);
        assert_eq!(next_excess_blob_gas(10 * GAS_PER_BLOB, 0, p), 4 * GAS_PER_BLOB);
        assert_eq!(p.max_blob_gas_per_block(), 1_179_648);
        assert_eq!(BlobSchedule::CANCUN.target_blob_gas_per_block(), 393_216);
    }

    #[test]
    fn blobs_for_rounds_up_by_usable_bytes() {
        assert_eq!(USABLE_BYTES_PER_BLOB, 126_976);
        assert_eq!(BYTES_PER_BLOB, FIELD_ELEMENTS_PER_BLOB * 32);
        assert_eq!(GAS_PER_BLOB, 1 << 17);
        assert_eq!(blobs_for(0), 0);
        assert_eq!(blobs_for(1), 1);
        assert_eq!(blobs_for(USABLE_BYTES_PER_BLOB), 1);
        assert_eq!(blobs_for(USABLE_BYTES_PER_BLOB + 1), 2);
        assert_eq!(blobs_for(BYTES_PER_BLOB), 2);
    }

    #[test]
    fn eip1559_base_fee_moves_by_at_most_an_eighth() {
        let limit = 36_000_000;
        assert_eq!(next_base_fee(GWEI, limit, limit), 1_125_000_000);
        assert_eq!(next_base_fee(GWEI, 0, limit), 875_000_000);
        assert_eq!(next_base_fee(GWEI, limit / 2, limit), GWEI);
        assert_eq!(next_base_fee(GWEI, 27_000_000, limit), 1_062_500_000);
        assert_eq!(next_base_fee(GWEI, 9_000_000, limit), 937_500_000);
        // Above target the fee rises by at least 1 wei; below, a tiny fee can get stuck.
        assert_eq!(next_base_fee(7, limit, limit), 8);
        assert_eq!(next_base_fee(7, 0, limit), 7);
    }
}
