//! The `Contract` trait, reverts, and the execution environment a call runs in.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::config::BlockContext;
use super::tx::versioned_hash;
use crate::gas::{self, GasMeter};
use crate::types::{Address, Wei};

/// A reverted call: the reason, as a `require` message would give it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error, Serialize, Deserialize)]
#[error("execution reverted: {0}")]
pub struct Revert(pub String);

impl Revert {
    /// A revert with this reason.
    pub fn new(reason: impl Into<String>) -> Revert {
        Revert(reason.into())
    }
}

/// An L1 contract: its state lives in the implementing type, its ETH in the chain's balance of
/// [`address`](Contract::address).
pub trait Contract: Clone {
    /// The contract's typed calls.
    type Call;
    /// What it emits.
    type Event: Clone;
    /// Its address, where its ETH balance is kept.
    fn address(&self) -> Address;
    /// Executes one call; on `Err` the chain restores the contract (it clones it before the call) and
    /// reverts every balance movement of the call, charging the sender the gas used.
    ///
    /// Charge gas through [`Env::charge`] with the constants of [`gas`]; the events'
    /// LOG costs too ([`gas::log_gas`]).
    fn execute(&mut self, env: &mut Env<'_>, call: Self::Call) -> core::result::Result<Vec<Self::Event>, Revert>;
}

/// The execution environment of one call: who called, with how much ETH, in which block, the gas meter, the
/// transaction's blobs, and the contract's ETH.
///
/// Transfers made with [`pay`](Env::pay) are applied to the chain only if the call succeeds.
pub struct Env<'a> {
    pub(super) sender: Address,
    pub(super) value: Wei,
    pub(super) contract: Address,
    pub(super) block: BlockContext,
    pub(super) meter: &'a mut GasMeter,
    pub(super) calldata: &'a [u8],
    pub(super) blobs: &'a [Vec<u8>],
    pub(super) balance: Wei,
    pub(super) payouts: Vec<(Address, Wei)>,
}

impl fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("sender", &self.sender)
            .field("value", &self.value)
            .field("contract", &self.contract)
            .field("block", &self.block)
            .field("gas_used", &self.meter.used())
            .field("calldata_len", &self.calldata.len())
            .field("blob_count", &self.blobs.len())
            .field("balance", &self.balance)
            .field("payouts", &self.payouts)
            .finish()
    }
}

impl Env<'_> {
    /// The transaction's sender (`msg.sender`; there are no nested calls).
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The ETH sent with the call (`msg.value`), already in [`contract_balance`](Env::contract_balance).
    pub fn value(&self) -> Wei {
        self.value
    }

    /// The block the call runs in.
    pub fn block(&self) -> &BlockContext {
        &self.block
    }

    /// The called contract's address (`address(this)`).
    pub fn contract_address(&self) -> Address {
        self.contract
    }

    /// Charges execution gas under a label of the itemised bill.
    pub fn charge(&mut self, label: &'static str, gas: u64) {
        self.meter.charge(label, gas);
    }

    /// Execution gas charged so far in this call.
    pub fn gas_used(&self) -> u64 {
        self.meter.used()
    }

    /// The transaction's calldata: the bytes the real transaction carries (`msg.data`).
    pub fn calldata(&self) -> &[u8] {
        self.calldata
    }

    /// Number of blobs the transaction carries.
    pub fn blob_count(&self) -> usize {
        self.blobs.len()
    }

    /// The data of the transaction's blobs.
    ///
    /// Simulation only: a real contract cannot read blobs. A faithful contract uses only
    /// [`blob_count`](Env::blob_count), the blobs' lengths (for accounting) and their versioned hashes
    /// ([`blob_hash`](Env::blob_hash)), and proves statements about the data with the point-evaluation
    /// precompile ([`gas::POINT_EVALUATION`]). Reading the bytes is meant for checks in tests and simulations.
    pub fn blob_data(&self) -> &[Vec<u8>] {
        self.blobs
    }

    /// The versioned hash of blob `index` (the BLOBHASH opcode, charged [`gas::BLOBHASH`]); `None` past the
    /// last blob, where the opcode returns zero. See [`versioned_hash`] for how it is simulated.
    pub fn blob_hash(&mut self, index: usize) -> Option<[u8; 32]> {
        self.meter.charge("blobhash", gas::BLOBHASH);
        self.blobs.get(index).map(|b| versioned_hash(b))
    }

    /// The versioned hashes of all the transaction's blobs, uncharged (charge [`gas::BLOBHASH`] per hash
    /// read, or use [`blob_hash`](Env::blob_hash)).
    pub fn blob_versioned_hashes(&self) -> Vec<[u8; 32]> {
        self.blobs.iter().map(|b| versioned_hash(b)).collect()
    }

    /// Sends `amount` of the contract's own ETH to `to`, charging [`gas::CALL_VALUE_TRANSFER`] (9,000) when the
    /// amount is nonzero. A zero amount is free and does nothing. Not charged: the cold account access
    /// ([`gas::COLD_ACCOUNT_ACCESS`]) and new account ([`gas::NEW_ACCOUNT`]) surcharges; charge them
    /// explicitly for a closer bill. The transfer is applied when the call succeeds.
    ///
    /// # Errors
    /// [`Revert`] if the contract's balance is short.
    pub fn pay(&mut self, to: Address, amount: Wei) -> core::result::Result<(), Revert> {
        if amount == 0 {
            return Ok(());
        }
        self.meter.charge("call value transfer", gas::CALL_VALUE_TRANSFER);
        if amount > self.balance {
            return Err(Revert(format!(
                "insufficient contract balance: paying {amount} wei with {} wei",
                self.balance
            )));
        }
        if to != self.contract {
            self.balance -= amount;
        }
        self.payouts.push((to, amount));
        Ok(())
    }

    /// The contract's ETH balance, including the value of this call and net of the payments made so far.
    pub fn contract_balance(&self) -> Wei {
        self.balance
    }
}
