//! The one gas schedule of the simulated L1, calibrated to the EVM (Prague/Osaka era), and an itemising gas
//! meter.
//!
//! Every constant cites where it comes from; contracts charge these constants through
//! [`Env::charge`](crate::Env::charge) rather than inventing their own. What is simplified:
//! - Refunds (e.g. [`SSTORE_CLEAR_REFUND`]) are listed but never applied: the chain charges no refunds.
//! - Memory expansion, stack operations and the 2,300 gas call stipend are not metered; contracts charge the
//!   storage, hashing, precompile, log and transfer costs that dominate their bills.

/// Base cost of every transaction (yellow paper, G_transaction).
pub const TX_BASE: u64 = 21_000;

/// Calldata gas per zero byte (yellow paper G_txdatazero; EIP-2028).
pub const CALLDATA_ZERO_BYTE: u64 = 4;

/// Calldata gas per nonzero byte (EIP-2028, down from 68).
pub const CALLDATA_NONZERO_BYTE: u64 = 16;

/// Gas per calldata token under EIP-2028 pricing (EIP-7623 `STANDARD_TOKEN_COST`): a zero byte is one
/// token, a nonzero byte four, so zero bytes cost 4 and nonzero bytes 16.
pub const STANDARD_TOKEN_COST: u64 = 4;

/// EIP-7623 (Prague) floor price per calldata token: a transaction pays at least
/// `TX_BASE + 10 · tokens`, that is 10 gas per zero byte and 40 per nonzero byte, whatever its execution.
/// Only data-heavy transactions (little execution for their calldata) reach the floor.
pub const TOTAL_COST_FLOOR_PER_TOKEN: u64 = 10;

/// Cold SLOAD: first read of a storage slot in a transaction (EIP-2929 `COLD_SLOAD_COST`).
pub const SLOAD_COLD: u64 = 2_100;

/// Warm SLOAD: a slot already touched in the transaction (EIP-2929 `WARM_STORAGE_READ_COST`).
pub const SLOAD_WARM: u64 = 100;

/// SSTORE of a cold slot from zero to nonzero: 20,000 (EIP-2200 `SSTORE_SET_GAS`) + 2,100 cold surcharge
/// (EIP-2929).
pub const SSTORE_SET: u64 = 22_100;

/// SSTORE of a cold slot from nonzero to another value: 2,900 (EIP-2929 `SSTORE_RESET_GAS` − cold SLOAD)
/// + 2,100 cold surcharge (EIP-2929).
pub const SSTORE_RESET: u64 = 5_000;

/// SSTORE of a slot already written warm in the transaction (EIP-2200 dirty slot, EIP-2929 warm read).
pub const SSTORE_WARM: u64 = 100;

/// Refund for clearing a storage slot to zero (EIP-3529 `SSTORE_CLEARS_SCHEDULE`). Listed for reference: the
/// simulated chain applies no refunds.
pub const SSTORE_CLEAR_REFUND: u64 = 4_800;

/// First access to an account in a transaction, e.g. the target of a CALL (EIP-2929
/// `COLD_ACCOUNT_ACCESS_COST`). Not included in [`CALL_VALUE_TRANSFER`]; charge it explicitly for accuracy.
pub const COLD_ACCOUNT_ACCESS: u64 = 2_600;

/// SHA-256 precompile (address 0x02) base cost (yellow paper, G_sha256).
pub const SHA256_BASE: u64 = 60;

/// SHA-256 precompile cost per 32-byte word of input (yellow paper, G_sha256word).
pub const SHA256_PER_WORD: u64 = 12;

/// KECCAK256 opcode base cost (yellow paper, G_keccak256).
pub const KECCAK256_BASE: u64 = 30;

/// KECCAK256 opcode cost per 32-byte word (yellow paper, G_keccak256word).
pub const KECCAK256_PER_WORD: u64 = 6;

/// LOGn base cost (yellow paper, G_log).
pub const LOG_BASE: u64 = 375;

/// LOGn cost per topic (yellow paper, G_logtopic).
pub const LOG_TOPIC: u64 = 375;

/// LOGn cost per byte of data (yellow paper, G_logdata).
pub const LOG_DATA_BYTE: u64 = 8;

/// BN254 point addition precompile 0x06 (EIP-1108, down from 500).
pub const EC_ADD: u64 = 150;

/// BN254 scalar multiplication precompile 0x07 (EIP-1108, down from 40,000).
pub const EC_MUL: u64 = 6_000;

/// BN254 pairing check precompile 0x08, base cost (EIP-1108, down from 100,000).
pub const PAIRING_BASE: u64 = 45_000;

/// BN254 pairing check precompile 0x08, cost per pair (EIP-1108, down from 80,000).
pub const PAIRING_PER_PAIR: u64 = 34_000;

/// KZG point-evaluation precompile 0x0A (EIP-4844 `POINT_EVALUATION_PRECOMPILE_GAS`).
pub const POINT_EVALUATION: u64 = 50_000;

/// BLOBHASH opcode (EIP-4844 `HASH_OPCODE_GAS`).
pub const BLOBHASH: u64 = 3;

/// Surcharge of a CALL that transfers nonzero value (yellow paper, G_callvalue).
pub const CALL_VALUE_TRANSFER: u64 = 9_000;

/// Surcharge of a value-transferring CALL to an account that does not exist yet (yellow paper,
/// G_newaccount).
pub const NEW_ACCOUNT: u64 = 25_000;

/// `ecrecover` precompile (0x01): recovering a secp256k1 signer (yellow paper, appendix E).
pub const ECRECOVER: u64 = 3_000;

/// Execution gas per level of a Merkle proof check besides its `KECCAK256`: loading the sibling from calldata,
/// testing the index bit, placing the two words in memory and the loop's jump (CALLDATALOAD 3, AND 3, SHR 3,
/// two MSTORE 6, JUMPI 10 and stack shuffling, about 30 gas from the yellow paper's fee schedule).
pub const MERKLE_LEVEL_OVERHEAD: u64 = 30;

/// BLS12-381 G1 addition precompile (0x0b), EIP-2537 as activated in Prague.
pub const BLS12_G1ADD: u64 = 375;

/// BLS12-381 G2 addition precompile (0x0d), EIP-2537.
pub const BLS12_G2ADD: u64 = 600;

/// BLS12-381 G1 multi-scalar multiplication (0x0c): price of one pair before the discount, EIP-2537.
pub const BLS12_G1MSM_PER_PAIR: u64 = 12_000;

/// BLS12-381 G2 multi-scalar multiplication (0x0e): price of one pair before the discount, EIP-2537.
pub const BLS12_G2MSM_PER_PAIR: u64 = 22_500;

/// BLS12-381 pairing check (0x0f): fixed part, EIP-2537.
pub const BLS12_PAIRING_BASE: u64 = 37_700;

/// BLS12-381 pairing check (0x0f): per (G1, G2) pair, EIP-2537.
pub const BLS12_PAIRING_PER_PAIR: u64 = 32_600;

/// BLS12-381 map of a base-field element to G1 (0x10), EIP-2537.
pub const BLS12_MAP_FP_TO_G1: u64 = 5_500;

/// BLS12-381 map of an Fp2 element to G2 (0x11), EIP-2537.
pub const BLS12_MAP_FP2_TO_G2: u64 = 23_800;

/// Minimum price of the MODEXP precompile (0x05) after EIP-7883 (Osaka; 200 before, EIP-2565): what one
/// reduction of a 64-byte value modulo the 48-byte BLS12-381 base-field prime costs (exponent 1, so one
/// iteration of a complexity of 2 · 8² = 128, below the minimum). Hash-to-field takes two such reductions per
/// Fp2 element (RFC 9380 section 5.2).
pub const MODEXP_MIN: u64 = 500;

/// EIP-2537's discount table for G1 MSM, in thousandths, for 1 to 128 pairs (the last entry applies beyond).
const BLS12_G1MSM_DISCOUNT: [u16; 128] = [
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654, 651,
    648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601,
    599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570,
    569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547,
    547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528,
    528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
];

/// EIP-2537's discount table for G2 MSM, in thousandths, for 1 to 128 pairs (the last entry applies beyond).
const BLS12_G2MSM_DISCOUNT: [u16; 128] = [
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683,
    679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613,
    611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576,
    575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552,
    551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533,
    532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
];

fn msm_gas(pairs: usize, per_pair: u64, table: &[u16; 128]) -> u64 {
    if pairs == 0 {
        return 0;
    }
    let discount = u64::from(table[(pairs - 1).min(table.len() - 1)]);
    (pairs as u64).saturating_mul(per_pair).saturating_mul(discount) / 1000
}

/// BLS12-381 G1 MSM of `pairs` (scalar, point) pairs: `k · 12,000 · discount(k) / 1000` (EIP-2537). One
/// pair is a scalar multiplication (12,000 gas).
pub fn bls12_g1msm_gas(pairs: usize) -> u64 {
    msm_gas(pairs, BLS12_G1MSM_PER_PAIR, &BLS12_G1MSM_DISCOUNT)
}

/// BLS12-381 G2 MSM of `pairs` pairs: `k · 22,500 · discount(k) / 1000` (EIP-2537).
pub fn bls12_g2msm_gas(pairs: usize) -> u64 {
    msm_gas(pairs, BLS12_G2MSM_PER_PAIR, &BLS12_G2MSM_DISCOUNT)
}

/// BLS12-381 pairing check of `pairs` pairs: `37,700 + 32,600 · pairs` (EIP-2537).
pub fn bls12_pairing_gas(pairs: usize) -> u64 {
    BLS12_PAIRING_BASE + BLS12_PAIRING_PER_PAIR * pairs as u64
}

/// Number of 32-byte words covering `len` bytes (rounded up).
pub fn words(len: usize) -> u64 {
    (len as u64).div_ceil(32)
}

/// EIP-7623 calldata tokens: one per zero byte, four per nonzero byte.
pub fn calldata_tokens(calldata: &[u8]) -> u64 {
    calldata.iter().map(|&b| if b == 0 { 1 } else { 4 }).sum()
}

/// Calldata part of the intrinsic gas: 4 per zero byte, 16 per nonzero byte (EIP-2028).
pub fn calldata_gas(calldata: &[u8]) -> u64 {
    STANDARD_TOKEN_COST * calldata_tokens(calldata)
}

/// Intrinsic gas of a call transaction: [`TX_BASE`] + [`calldata_gas`] (no access list, no contract
/// creation).
pub fn intrinsic_gas(calldata: &[u8]) -> u64 {
    TX_BASE + calldata_gas(calldata)
}

/// EIP-7623 floor: `TX_BASE + TOTAL_COST_FLOOR_PER_TOKEN · tokens`.
pub fn floor_gas(calldata: &[u8]) -> u64 {
    TX_BASE + TOTAL_COST_FLOOR_PER_TOKEN * calldata_tokens(calldata)
}

/// Gas a transaction uses (EIP-7623): `max(intrinsic + execution, floor)`.
pub fn tx_gas_used(calldata: &[u8], execution: u64) -> u64 {
    intrinsic_gas(calldata).saturating_add(execution).max(floor_gas(calldata))
}

/// SHA-256 precompile (0x02) on `len` bytes: `60 + 12 · words` (yellow paper).
pub fn sha256_gas(len: usize) -> u64 {
    SHA256_BASE + SHA256_PER_WORD * words(len)
}

/// KECCAK256 on `len` bytes: `30 + 6 · words` (yellow paper).
pub fn keccak256_gas(len: usize) -> u64 {
    KECCAK256_BASE + KECCAK256_PER_WORD * words(len)
}

/// An event (LOGn) with `topics` topics and `data_len` bytes of data: `375 + 375 · topics + 8 · bytes`
/// (yellow paper).
pub fn log_gas(topics: usize, data_len: usize) -> u64 {
    LOG_BASE + LOG_TOPIC * topics as u64 + LOG_DATA_BYTE * data_len as u64
}

/// BN254 pairing check of `pairs` pairs: `45,000 + 34,000 · pairs` (EIP-1108).
pub fn pairing_gas(pairs: usize) -> u64 {
    PAIRING_BASE + PAIRING_PER_PAIR * pairs as u64
}

/// Execution gas of the lab's Solidity Groth16 verifier (`verifier::solidity`) besides its precompiles, fixed
/// part: the ABI dispatch, the range checks of the proof's eight coordinates, building the pairing input, the
/// pairing call. Measured on revm 43 by `rollup bench evm` (solc 0.8.28, optimizer 200 runs): 188,986 gas for
/// one public input, 208,614 for four, less the precompiles ([`groth16_precompile_gas`]), fitted as
/// this plus [`GROTH16_VERIFIER_OVERHEAD_PER_INPUT`] per input.
pub const GROTH16_VERIFIER_OVERHEAD: u64 = 1_443;

/// Execution gas of the lab's Solidity Groth16 verifier per public input besides its ecMul and ecAdd: the
/// input's range check against r, the two STATICCALLs to warm precompiles (100 gas each, EIP-2929) and the
/// memory writes. Measured on revm 43 by
/// `rollup bench evm` (see [`GROTH16_VERIFIER_OVERHEAD`]).
pub const GROTH16_VERIFIER_OVERHEAD_PER_INPUT: u64 = 393;

/// Precompile gas of a Groth16 verification with `public_inputs` public inputs, as the lab's verifier calls
/// them: one pairing check of four pairs, and for `vk_x = IC₀ + Σ inputᵢ·ICᵢ₊₁` one ecMul and one ecAdd per
/// input: `181,000 + 6,150 · n` (EIP-1108 prices).
pub fn groth16_precompile_gas(public_inputs: usize) -> u64 {
    pairing_gas(4) + public_inputs as u64 * (EC_MUL + EC_ADD)
}

/// Execution gas of a Groth16 verification with `public_inputs` public inputs by the lab's Solidity verifier
/// (`verifier::solidity`): [`groth16_precompile_gas`] plus the contract's own overhead
/// ([`GROTH16_VERIFIER_OVERHEAD`], [`GROTH16_VERIFIER_OVERHEAD_PER_INPUT`]), measured on revm 43 by
/// `rollup bench evm`; 188,986 gas for the zk rollup's one input. Calldata (intrinsic gas) comes on top.
pub fn groth16_verify_gas(public_inputs: usize) -> u64 {
    let n = public_inputs as u64;
    groth16_precompile_gas(public_inputs) + GROTH16_VERIFIER_OVERHEAD + n * GROTH16_VERIFIER_OVERHEAD_PER_INPUT
}

/// Counts gas and keeps an itemised bill, so reports can say where the gas went. Charges with the same label
/// are summed into one line, in the order labels first appear.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GasMeter {
    used: u64,
    items: Vec<(&'static str, u64)>,
}

impl GasMeter {
    /// An empty meter.
    pub fn new() -> GasMeter {
        GasMeter::default()
    }

    /// Charges `gas` under `label` (saturating at `u64::MAX`).
    pub fn charge(&mut self, label: &'static str, gas: u64) {
        self.used = self.used.saturating_add(gas);
        match self.items.iter_mut().find(|(l, _)| *l == label) {
            Some((_, g)) => *g = g.saturating_add(gas),
            None => self.items.push((label, gas)),
        }
    }

    /// Total gas charged so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The bill: one `(label, gas)` line per label, in order of first charge.
    pub fn items(&self) -> &[(&'static str, u64)] {
        &self.items
    }

    /// Consumes the meter, returning its bill.
    pub fn into_items(self) -> Vec<(&'static str, u64)> {
        self.items
    }
}

/// Execution gas of circomlibjs 0.1.7's Poseidon contract (`poseidonContract.createCode(n)`), one call of
/// `poseidon(uint256[n])` for n = 2, 3, 4, 5 inputs: transaction gas less its intrinsic gas (21,000 and the
/// calldata). Measured on revm 43 by `rollup bench evm`, which also checks the contract's hash equals
/// `ledger::poseidon`'s. The code is straight-line (no branch on the inputs), so the figure holds for every
/// input.
pub const POSEIDON_GAS: [u64; 4] = [29_005, 45_128, 70_063, 96_918];

/// Execution gas of circomlibjs' Poseidon contract for `inputs` inputs ([`POSEIDON_GAS`], measured for 2 to
/// 5). Fewer than 2 inputs are charged as 2; more than 5 are extrapolated by the last measured step (4 to 5
/// inputs), which is how the generated code's rounds grow. No design hashes more than 5 inputs on L1.
pub fn poseidon_gas(inputs: usize) -> u64 {
    const STEP: u64 = POSEIDON_GAS[3] - POSEIDON_GAS[2];
    match inputs {
        0..=2 => POSEIDON_GAS[0],
        3..=5 => POSEIDON_GAS[inputs - 2],
        n => POSEIDON_GAS[3].saturating_add(STEP.saturating_mul(n as u64 - 5)),
    }
}

/// Gas to scan one public-data slot in EVM code for deposits and withdrawals (the
/// transfer path of the loop), counted opcode by opcode from the yellow paper's fee
/// schedule: JUMPDEST 1, DUP1 3, CALLDATALOAD 3, PUSH1 3, SHR 3 (the kind), DUP1 3,
/// PUSH1 3, EQ 3, PUSH2 3, JUMPI 10 (skip if a transfer), JUMPDEST 1, POP 2, PUSH1 3,
/// ADD 3 (next slot), DUP1 3, DUP3 3, LT 3, PUSH2 3, JUMPI 10 (loop).
pub const DECODE_SLOT_GAS: u64 = 1 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 10 + 1 + 2 + 3 + 3 + 3 + 3 + 3 + 3 + 10;

/// Gas per public-data slot of the zk-rollup's transfer-only check: a deposit (kind 2) or a withdrawal
/// (kind 3) has the slot's first bit set, so the contract ORs the 32-byte word at every slot's offset into
/// one accumulator and tests its top bit once, taking the [`DECODE_SLOT_GAS`] loop only when it is set.
/// Per slot, in a loop unrolled 16 times: DUP2 3 (base), PUSH1 3 (offset), ADD 3, CALLDATALOAD 3, OR 3;
/// the loop step once per 16 slots (PUSH2 3, ADD 3, DUP1 3, DUP3 3, LT 3, PUSH2 3, JUMPI 10, JUMPDEST 1 =
/// 29 gas), 2 per slot rounded up (yellow paper fee schedule).
pub const KIND_SCAN_SLOT_GAS: u64 = 3 + 3 + 3 + 3 + 3 + 2;

/// Gas per slot to unpack public data sent with its account indices packed to `w` bits (records of
/// `40 + 2w` bits, back to back) into the 13-byte slots the batch commitment hashes, counted from the yellow
/// paper's fee schedule: the record's byte offset and bit alignment (DUP1, PUSH1 3, SHR, PUSH2, ADD,
/// CALLDATALOAD, DUP2, PUSH1 7, AND, SHL: 30), kind and amount kept (DUP1, PUSH1, SHR, PUSH1, SHL: 15),
/// each index moved to its 4-byte field (DUP2, PUSH1/DUP, SHL, DUP, SHR, PUSH1, SHL, OR: 24, twice), the
/// slot stored (DUP, MSTORE, POP: 8), both offsets advanced (DUP, ADD, SWAP1, PUSH1 13, ADD, SWAP1: 18) and
/// the loop (DUP1, DUP, LT, PUSH2, JUMPI, JUMPDEST: 23). Memory expansion is not metered, as elsewhere.
pub const UNPACK_SLOT_GAS: u64 = 30 + 15 + 24 + 24 + 8 + 18 + 23;

/// Gas to check that two coordinates are a point of Baby Jubjub (`a·x² + y² = 1 + d·x²·y²` with MULMOD and
/// ADDMOD): half of the 2,000 gas [`EDDSA_VERIFY_GAS`] counts for two such checks and a point comparison.
pub const BABYJUB_ON_CURVE_GAS: u64 = 1_000;

/// Gas to check that a Baby Jubjub point is in the prime-order subgroup (`l·P = O`, one multiplication by the
/// 251-bit order `l`): two thirds of the two-point multi-scalar multiplication measured in the Oliver contract
/// (107,543 gas less the 21,000 transaction base), since a single scalar multiplication keeps the shared
/// doublings and drops half of the additions.
pub const BABYJUB_SUBGROUP_CHECK_GAS: u64 = (107_543 - TX_BASE) * 2 / 3;

/// Gas to verify one EdDSA-Poseidon signature on the EVM, which has no Baby Jubjub precompile: the challenge
/// hash (circomlibjs' Poseidon of 5 inputs, [`POSEIDON_GAS`], measured on revm 43 by `rollup bench evm`) plus a two-point multi-scalar multiplication
/// measured at 107,543 gas per call in the Huff-optimised Oliver contract (AztecProtocol/Oliver README), less
/// the 21,000 transaction base that figure includes, plus two on-curve checks and the final point comparison
/// (about 2,000 gas of MULMOD/ADDMOD arithmetic). See the optimistic contract's docs.
pub const EDDSA_VERIFY_GAS: u64 = POSEIDON_GAS[3] + (107_543 - TX_BASE) + 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bls12_precompile_prices_follow_eip2537() {
        // One pair: no discount.
        assert_eq!(bls12_g1msm_gas(1), 12_000);
        assert_eq!(bls12_g2msm_gas(1), 22_500);
        // Two pairs: G1 discounted to 949/1000, G2 not at all.
        assert_eq!(bls12_g1msm_gas(2), 2 * 12_000 * 949 / 1000);
        assert_eq!(bls12_g2msm_gas(2), 45_000);
        // Beyond 128 pairs the last discount applies.
        assert_eq!(bls12_g1msm_gas(1_000), 1_000 * 12_000 * 519 / 1000);
        assert_eq!(bls12_g2msm_gas(1_000), 1_000 * 22_500 * 524 / 1000);
        assert_eq!(bls12_g1msm_gas(0), 0);
        // A two-pair check (a BLS signature): 37,700 + 2 · 32,600.
        assert_eq!(bls12_pairing_gas(2), 102_900);
    }

    #[test]
    fn calldata_costs_16_per_nonzero_and_4_per_zero_byte() {
        assert_eq!(intrinsic_gas(&[]), 21_000);
        assert_eq!(intrinsic_gas(&[0]), 21_004);
        assert_eq!(intrinsic_gas(&[7]), 21_016);
        assert_eq!(intrinsic_gas(&[0, 1, 0, 2]), 21_000 + 4 + 16 + 4 + 16);
        assert_eq!(calldata_tokens(&[0, 1, 0, 2]), 1 + 4 + 1 + 4);
        assert_eq!(calldata_gas(&[0xff; 100]), 1_600);
        // EIP-7623 floor: 10 per zero byte, 40 per nonzero byte.
        assert_eq!(floor_gas(&[0, 1]), 21_000 + 10 + 40);
    }

    #[test]
    fn eip7623_floor_applies_to_data_heavy_transactions_only() {
        // 10 kB of nonzero data and little execution: floor 21,000 + 400,000 beats 21,000 + 160,000 + 5,000.
        let data = vec![0xab; 10_000];
        assert_eq!(intrinsic_gas(&data), 181_000);
        assert_eq!(floor_gas(&data), 421_000);
        assert_eq!(tx_gas_used(&data, 5_000), 421_000);
        // 1 kB of data and 500k of execution (e.g. a proof verification): the floor (61,000) is irrelevant.
        let data = vec![0xab; 1_000];
        assert_eq!(tx_gas_used(&data, 500_000), 21_000 + 16_000 + 500_000);
        // Break-even: execution = 6 gas per token.
        let data = vec![0u8; 1_000];
        assert_eq!(tx_gas_used(&data, 6_000), floor_gas(&data));
        assert_eq!(tx_gas_used(&data, 6_001), floor_gas(&data) + 1);
    }

    #[test]
    fn groth16_verification_is_the_precompiles_and_the_measured_overhead() {
        assert_eq!(pairing_gas(4), 181_000);
        assert_eq!(groth16_precompile_gas(1), 187_150);
        // The zk rollup's one input: revm 43 measured 188,986 gas for the lab's verifier.
        assert_eq!(groth16_verify_gas(1), 188_986);
        for n in 0..20 {
            assert_eq!(groth16_verify_gas(n), 181_000 + 1_443 + (6_150 + 393) * n as u64);
        }
    }

    #[test]
    fn poseidon_is_measured_from_2_to_5_inputs_and_extrapolated_beyond() {
        assert_eq!(poseidon_gas(2), 29_005);
        assert_eq!(poseidon_gas(5), 96_918);
        assert_eq!(poseidon_gas(1), poseidon_gas(2));
        assert_eq!(poseidon_gas(6), 96_918 + (96_918 - 70_063));
        assert!((2..10).all(|n| poseidon_gas(n) < poseidon_gas(n + 1)));
        assert_eq!(poseidon_gas(usize::MAX), u64::MAX);
        assert_eq!(EDDSA_VERIFY_GAS, 96_918 + 86_543 + 2_000);
    }

    #[test]
    fn hashing_and_logs_are_priced_per_word() {
        assert_eq!(sha256_gas(0), 60);
        assert_eq!(sha256_gas(1), 72);
        assert_eq!(sha256_gas(32), 72);
        assert_eq!(sha256_gas(33), 84);
        assert_eq!(sha256_gas(64), 84);
        assert_eq!(sha256_gas(160), 60 + 12 * 5);
        assert_eq!(keccak256_gas(64), 42);
        assert_eq!(keccak256_gas(65), 48);
        assert_eq!(log_gas(0, 0), 375);
        assert_eq!(log_gas(2, 32), 375 + 750 + 256);
        assert_eq!(SSTORE_SET, 20_000 + SLOAD_COLD);
        assert_eq!(SSTORE_RESET, 2_900 + SLOAD_COLD);
    }

    #[test]
    fn meter_itemises_and_merges_labels() {
        let mut m = GasMeter::new();
        m.charge("sstore", SSTORE_SET);
        m.charge("pairing", pairing_gas(4));
        m.charge("sstore", SSTORE_RESET);
        assert_eq!(m.used(), 22_100 + 181_000 + 5_000);
        assert_eq!(m.items(), &[("sstore", 27_100), ("pairing", 181_000)]);
        m.charge("huge", u64::MAX);
        assert_eq!(m.used(), u64::MAX);
    }
}
