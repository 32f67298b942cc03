//! Transactions, receipts with their itemised bills, and blob versioned hashes.

use sha2::{Digest, Sha256};

use super::contract::Revert;
use crate::fees::GAS_PER_BLOB;
use crate::gas;
use crate::types::{Address, Wei};

/// The version byte of a KZG versioned hash (EIP-4844 `VERSIONED_HASH_VERSION_KZG`).
pub const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;

/// The versioned hash of a blob, as the BLOBHASH opcode returns it. On Ethereum it is
/// `0x01 ‖ SHA-256(KZG commitment)[1..]`; the simulation has no KZG commitments and hashes the blob's data
/// instead: `0x01 ‖ SHA-256(data)[1..]`. Off-chain code (an operator) can compute it to put in calldata.
pub fn versioned_hash(blob: &[u8]) -> [u8; 32] {
    let mut hash: [u8; 32] = Sha256::digest(blob).into();
    hash[0] = VERSIONED_HASH_VERSION_KZG;
    hash
}

/// A transaction calling a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRequest<C> {
    /// The sender, who pays value and fees.
    pub from: Address,
    /// ETH sent to the contract with the call.
    pub value: Wei,
    /// The bytes the real transaction would carry (the contract's encoding of `call`); its gas is computed
    /// from them (EIP-2028, EIP-7623).
    pub calldata: Vec<u8>,
    /// Blob payloads, each at most [`USABLE_BYTES_PER_BLOB`] bytes.
    pub blobs: Vec<Vec<u8>>,
    /// The typed call.
    pub call: C,
    /// Priority fee (tip) per gas, in wei, paid to [`COINBASE`] on top of the base fee.
    pub priority_fee: Wei,
}

impl<C> TxRequest<C> {
    /// A call with no value, no blobs and no priority fee.
    pub fn new(from: Address, calldata: Vec<u8>, call: C) -> TxRequest<C> {
        TxRequest { from, value: 0, calldata, blobs: Vec::new(), call, priority_fee: 0 }
    }

    /// With ETH value attached.
    pub fn with_value(mut self, value: Wei) -> TxRequest<C> {
        self.value = value;
        self
    }

    /// With blobs attached.
    pub fn with_blobs(mut self, blobs: Vec<Vec<u8>>) -> TxRequest<C> {
        self.blobs = blobs;
        self
    }

    /// With a priority fee per gas.
    pub fn with_priority_fee(mut self, priority_fee: Wei) -> TxRequest<C> {
        self.priority_fee = priority_fee;
        self
    }

    /// Gas the transaction uses at the least, whatever its execution: `max(intrinsic, EIP-7623 floor)`.
    pub fn min_gas(&self) -> u64 {
        gas::tx_gas_used(&self.calldata, 0)
    }

    /// Blob gas of the transaction.
    pub fn blob_gas(&self) -> u64 {
        self.blobs.len() as u64 * GAS_PER_BLOB
    }
}

/// The result of an included transaction. A reverted call is included too: its `outcome` is the
/// [`Revert`], and it paid its gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt<E> {
    /// Block number.
    pub block: u64,
    /// Slot of the block.
    pub slot: u64,
    /// Timestamp of the block.
    pub timestamp: u64,
    /// Sender.
    pub from: Address,
    /// The contract called.
    pub to: Address,
    /// Gas used: `max(21,000 + calldata gas + execution gas, EIP-7623 floor)`.
    pub gas_used: u64,
    /// Execution gas charged by the contract.
    pub execution_gas: u64,
    /// The calldata part of the intrinsic gas (4 / 16 per zero / nonzero byte), without the EIP-7623 floor.
    pub calldata_gas: u64,
    /// Blob gas: [`GAS_PER_BLOB`] per blob.
    pub blob_gas: u64,
    /// Everything the sender paid: `gas_used · (base fee + priority fee) + blob_gas · blob base fee`.
    pub fee_paid: Wei,
    /// The part of the fee that was burned: `gas_used · base fee + blob_gas · blob base fee`.
    pub burned: Wei,
    /// The part of the fee paid for blobs: `blob_gas · blob base fee` (burned).
    pub blob_fee: Wei,
    /// The part of the fee paid to [`COINBASE`]: `gas_used · priority fee`.
    pub tip: Wei,
    /// The itemised bill: `(label, gas)` lines that sum to `gas_used` — the transaction base, calldata, the
    /// contract's charges, and any EIP-7623 floor top-up.
    pub bill: Vec<(&'static str, u64)>,
    /// The call's events, or why it reverted.
    pub outcome: core::result::Result<Vec<E>, Revert>,
}

impl<E> Receipt<E> {
    /// Whether the call succeeded.
    pub fn succeeded(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// Bill label of the transaction base cost.
pub const BILL_TX_BASE: &str = "tx base";
/// Bill label of the calldata gas.
pub const BILL_CALLDATA: &str = "calldata";
/// Bill label of the EIP-7623 floor top-up.
pub const BILL_FLOOR: &str = "calldata floor (EIP-7623)";
