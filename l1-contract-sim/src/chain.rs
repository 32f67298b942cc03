//! The simulated chain: slots and blocks, ETH balances, typed contract calls with gas metering, the two fee
//! markets, finality, and a small mempool.
//!
//! # Model
//! - One block per slot, numbered like its slot: block `n` is built during slot `n`, at timestamp
//!   `genesis_timestamp + n · slot_seconds`. Slots are never missed and empty slots still produce (empty)
//!   blocks; real mainnet misses about 1% of slots, which only shifts times slightly.
//! - The chain is always *building* the current block: [`Chain::transact`] adds a transaction to it,
//!   [`Chain::advance_slot`] seals it (a [`BlockSummary`]) and starts the next slot with the next base fee
//!   (EIP-1559) and excess blob gas (EIP-4844).
//! - A transaction is one typed call to one [`Contract`]; its gas is the EIP-7623 `tx_gas_used` of its
//!   calldata and the execution gas the contract charged. There are no nonces, signatures, access lists,
//!   gas limits or refunds; the sender pays `gas · (base fee + priority fee)` plus blob gas at the blob base
//!   fee. Base fee and blob fee are burned; the priority fee goes to [`COINBASE`].
//! - Finality follows Casper FFG with full participation (see [`Chain::finalized_slot`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::error::{ChainError, Result};
use crate::fees::{self, BlobSchedule, GAS_PER_BLOB, USABLE_BYTES_PER_BLOB};
use crate::gas::{self, GasMeter};
use crate::types::{Address, Wei, GWEI};

/// Where priority fees go: the simulated block proposer's fee recipient.
pub const COINBASE: Address = Address(*b"sim-l1-coinbase-addr");

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

/// Parameters of the simulated chain. [`Default`] gives Ethereum mainnet as of Prague/Osaka.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainConfig {
    /// Seconds per slot (consensus-specs `SECONDS_PER_SLOT` = 12).
    pub slot_seconds: u64,
    /// Slots per epoch (consensus-specs `SLOTS_PER_EPOCH` = 32).
    pub slots_per_epoch: u64,
    /// Epochs after its own before a block's epoch is finalized, with full participation: 2 (see
    /// [`Chain::finalized_slot`]).
    pub finality_epochs: u64,
    /// Gas limit of every block: 36,000,000 (EIP-7935 era; 60M proposed).
    pub block_gas_limit: u64,
    /// Base fee of the first block: 1 gwei.
    pub initial_base_fee: Wei,
    /// Blob target, maximum and fee reactivity: [`BlobSchedule::PRAGUE`] (EIP-7691).
    pub blobs: BlobSchedule,
    /// Timestamp of slot 0, in seconds.
    pub genesis_timestamp: u64,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            slot_seconds: 12,
            slots_per_epoch: 32,
            finality_epochs: 2,
            block_gas_limit: 36_000_000,
            initial_base_fee: GWEI,
            blobs: BlobSchedule::PRAGUE,
            genesis_timestamp: 0,
        }
    }
}

impl ChainConfig {
    /// The epoch of a slot.
    pub fn epoch_of(&self, slot: u64) -> u64 {
        slot / self.slots_per_epoch
    }

    /// The timestamp of a slot.
    pub fn slot_timestamp(&self, slot: u64) -> u64 {
        self.genesis_timestamp + slot * self.slot_seconds
    }

    /// The first slot whose timestamp is at or after `timestamp`.
    pub fn first_slot_at_or_after(&self, timestamp: u64) -> u64 {
        timestamp.saturating_sub(self.genesis_timestamp).div_ceil(self.slot_seconds)
    }

    /// The slot at which blocks of `slot` become final (see [`Chain::finalized_slot`]).
    pub fn finality_slot(&self, slot: u64) -> u64 {
        (self.epoch_of(slot) + self.finality_epochs + 1) * self.slots_per_epoch
    }
}

/// What a contract sees of the block its call runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockContext {
    /// Block number (equal to the slot: no missed slots).
    pub number: u64,
    /// Slot.
    pub slot: u64,
    /// Timestamp in seconds.
    pub timestamp: u64,
    /// EIP-1559 base fee, wei per gas.
    pub base_fee: Wei,
    /// EIP-4844 blob base fee, wei per blob gas.
    pub blob_base_fee: Wei,
}

/// A sealed block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockSummary {
    /// Block number.
    pub number: u64,
    /// Slot.
    pub slot: u64,
    /// Timestamp in seconds.
    pub timestamp: u64,
    /// Gas used by its transactions.
    pub gas_used: u64,
    /// Its gas limit.
    pub gas_limit: u64,
    /// Blob gas used by its transactions.
    pub blob_gas_used: u64,
    /// Its excess blob gas (EIP-4844), which set its blob base fee.
    pub excess_blob_gas: u64,
    /// Its base fee, wei per gas.
    pub base_fee: Wei,
    /// Its blob base fee, wei per blob gas.
    pub blob_base_fee: Wei,
    /// Number of transactions (reverted ones included).
    pub txs: usize,
    /// Wei burned by its transactions (base fee and blob fee).
    pub burned: Wei,
}

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
    sender: Address,
    value: Wei,
    contract: Address,
    block: BlockContext,
    meter: &'a mut GasMeter,
    calldata: &'a [u8],
    blobs: &'a [Vec<u8>],
    balance: Wei,
    payouts: Vec<(Address, Wei)>,
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

/// The simulated L1: balances, the block being built, the sealed blocks and the fee markets.
#[derive(Debug, Clone)]
pub struct Chain {
    config: ChainConfig,
    balances: BTreeMap<Address, Wei>,
    funded: Wei,
    burned: Wei,
    slot: u64,
    base_fee: Wei,
    excess_blob_gas: u64,
    gas_used: u64,
    blob_gas_used: u64,
    txs: usize,
    block_burned: Wei,
    blocks: Vec<BlockSummary>,
}

impl Chain {
    /// A chain at slot 0 with no balances.
    ///
    /// # Panics
    /// If `slot_seconds` or `slots_per_epoch` is zero, or the block gas limit is below [`gas::TX_BASE`].
    pub fn new(config: ChainConfig) -> Chain {
        assert!(config.slot_seconds > 0, "ChainConfig: slot_seconds must be positive");
        assert!(config.slots_per_epoch > 0, "ChainConfig: slots_per_epoch must be positive");
        assert!(config.block_gas_limit >= gas::TX_BASE, "ChainConfig: block gas limit below one transaction");
        Chain {
            config,
            balances: BTreeMap::new(),
            funded: 0,
            burned: 0,
            slot: 0,
            base_fee: config.initial_base_fee,
            excess_blob_gas: 0,
            gas_used: 0,
            blob_gas_used: 0,
            txs: 0,
            block_burned: 0,
            blocks: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// Credits `amount` to `who` out of thin air (a genesis allocation or a faucet); counted in
    /// [`total_funded`](Chain::total_funded).
    pub fn fund(&mut self, who: Address, amount: Wei) {
        self.funded = self.funded.saturating_add(amount);
        self.credit(who, amount);
    }

    /// The ETH balance of an account or contract.
    pub fn balance(&self, who: Address) -> Wei {
        self.balances.get(&who).copied().unwrap_or(0)
    }

    /// All nonzero balances, by address.
    pub fn balances(&self) -> impl Iterator<Item = (Address, Wei)> + '_ {
        self.balances.iter().filter(|(_, &b)| b > 0).map(|(&a, &b)| (a, b))
    }

    /// Everything ever [`fund`](Chain::fund)ed.
    pub fn total_funded(&self) -> Wei {
        self.funded
    }

    /// Everything burned so far (base fees and blob fees).
    pub fn total_burned(&self) -> Wei {
        self.burned
    }

    /// The sum of all balances plus everything burned: always equal to
    /// [`total_funded`](Chain::total_funded) (ETH is conserved).
    pub fn total_supply_tracked(&self) -> Wei {
        self.balances.values().fold(self.burned, |acc, &b| acc.saturating_add(b))
    }

    /// The block being built.
    pub fn block(&self) -> BlockContext {
        BlockContext {
            number: self.slot,
            slot: self.slot,
            timestamp: self.now(),
            base_fee: self.base_fee,
            blob_base_fee: self.blob_base_fee(),
        }
    }

    /// The current timestamp: that of the block being built.
    pub fn now(&self) -> u64 {
        self.config.slot_timestamp(self.slot)
    }

    /// The current slot.
    pub fn slot(&self) -> u64 {
        self.slot
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.config.epoch_of(self.slot)
    }

    /// The number of the block being built (equal to the slot).
    pub fn block_number(&self) -> u64 {
        self.slot
    }

    /// The base fee of the block being built, wei per gas.
    pub fn base_fee(&self) -> Wei {
        self.base_fee
    }

    /// The blob base fee of the block being built, wei per blob gas.
    pub fn blob_base_fee(&self) -> Wei {
        fees::blob_base_fee(self.excess_blob_gas, self.config.blobs)
    }

    /// The excess blob gas of the block being built.
    pub fn excess_blob_gas(&self) -> u64 {
        self.excess_blob_gas
    }

    /// Gas used so far in the block being built.
    pub fn gas_used_in_block(&self) -> u64 {
        self.gas_used
    }

    /// Gas left in the block being built.
    pub fn gas_remaining(&self) -> u64 {
        self.config.block_gas_limit - self.gas_used
    }

    /// Blobs left in the block being built.
    pub fn blobs_remaining(&self) -> u64 {
        (self.config.blobs.max_blob_gas_per_block() - self.blob_gas_used) / GAS_PER_BLOB
    }

    /// The sealed blocks, oldest first (block `i` at index `i`).
    pub fn blocks(&self) -> &[BlockSummary] {
        &self.blocks
    }

    /// Runs `tx` against `contract` and includes it in the block being built.
    ///
    /// In order: the blobs must fit a block ([`ChainError::TooManyBlobs`], [`ChainError::BlobTooLarge`]), the
    /// transaction's minimum gas must fit the block ([`ChainError::GasAboveBlockLimit`], or
    /// [`ChainError::BlockFull`] if only the remaining room is short), the sender must hold value plus
    /// minimum fee; then the call executes on the contract, and the gas it used must still fit the block and
    /// the sender must hold value plus the actual fee. Any refusal leaves the chain and the contract as they
    /// were. Once included, the fee is paid whatever the outcome; the value and the contract's payments move
    /// only if the call succeeded, and a reverted call leaves the contract as it was before.
    ///
    /// # Errors
    /// The refusals above: nothing changed. A revert is not an error but a receipt.
    pub fn transact<C: Contract>(&mut self, contract: &mut C, tx: TxRequest<C::Call>) -> Result<Receipt<C::Event>> {
        let TxRequest { from, value, calldata, blobs, call, priority_fee } = tx;
        let limit = self.config.block_gas_limit;

        // Checks that need no execution.
        if blobs.len() as u64 > self.config.blobs.max_blobs_per_block {
            return Err(ChainError::TooManyBlobs);
        }
        if let Some((index, blob)) = blobs.iter().enumerate().find(|(_, b)| b.len() > USABLE_BYTES_PER_BLOB) {
            return Err(ChainError::BlobTooLarge { index, len: blob.len(), max: USABLE_BYTES_PER_BLOB });
        }
        let min_gas = gas::tx_gas_used(&calldata, 0);
        if min_gas > limit {
            return Err(ChainError::GasAboveBlockLimit { gas: min_gas, limit });
        }
        if min_gas > self.gas_remaining() || blobs.len() as u64 > self.blobs_remaining() {
            return Err(ChainError::BlockFull);
        }
        let ctx = self.block();
        let gas_price = ctx.base_fee.saturating_add(priority_fee);
        let blob_gas = blobs.len() as u64 * GAS_PER_BLOB;
        let blob_fee = u128::from(blob_gas).saturating_mul(ctx.blob_base_fee);
        let have = self.balance(from);
        let min_need = value.saturating_add(u128::from(min_gas).saturating_mul(gas_price)).saturating_add(blob_fee);
        if have < min_need {
            return Err(ChainError::InsufficientFunds { need: min_need, have });
        }

        // Execution, on the contract itself; `snapshot` restores it on revert or refusal.
        let snapshot = contract.clone();
        let address = contract.address();
        let mut meter = GasMeter::new();
        let (outcome, payouts) = {
            let mut env = Env {
                sender: from,
                value,
                contract: address,
                block: ctx,
                meter: &mut meter,
                calldata: &calldata,
                blobs: &blobs,
                balance: self.balance(address).saturating_add(if from == address { 0 } else { value }),
                payouts: Vec::new(),
            };
            let outcome = contract.execute(&mut env, call);
            (outcome, env.payouts)
        };
        let execution_gas = meter.used();
        let gas_used = gas::tx_gas_used(&calldata, execution_gas);
        if gas_used > limit {
            *contract = snapshot;
            return Err(ChainError::GasAboveBlockLimit { gas: gas_used, limit });
        }
        if gas_used > self.gas_remaining() {
            *contract = snapshot;
            return Err(ChainError::BlockFull);
        }
        let burned_gas = u128::from(gas_used).saturating_mul(ctx.base_fee);
        let tip = u128::from(gas_used).saturating_mul(priority_fee);
        let fee_paid = burned_gas.saturating_add(tip).saturating_add(blob_fee);
        let need = value.saturating_add(fee_paid);
        if have < need {
            *contract = snapshot;
            return Err(ChainError::InsufficientFunds { need, have });
        }

        // Commit: fees whatever the outcome, value and payments only on success.
        let burned = burned_gas + blob_fee;
        self.debit(from, fee_paid);
        self.credit(COINBASE, tip);
        self.burned = self.burned.saturating_add(burned);
        self.block_burned = self.block_burned.saturating_add(burned);
        if outcome.is_ok() {
            self.debit(from, value);
            self.credit(address, value);
            for (to, amount) in payouts {
                self.debit(address, amount);
                self.credit(to, amount);
            }
        } else {
            *contract = snapshot;
        }
        self.gas_used += gas_used;
        self.blob_gas_used += blob_gas;
        self.txs += 1;

        let calldata_gas = gas::calldata_gas(&calldata);
        let mut bill = vec![(BILL_TX_BASE, gas::TX_BASE)];
        if calldata_gas > 0 {
            bill.push((BILL_CALLDATA, calldata_gas));
        }
        bill.extend(meter.into_items());
        let metered = gas::intrinsic_gas(&calldata).saturating_add(execution_gas);
        if gas_used > metered {
            bill.push((BILL_FLOOR, gas_used - metered));
        }
        Ok(Receipt {
            block: ctx.number,
            slot: ctx.slot,
            timestamp: ctx.timestamp,
            from,
            to: address,
            gas_used,
            execution_gas,
            calldata_gas,
            blob_gas,
            fee_paid,
            burned,
            blob_fee,
            tip,
            bill,
            outcome,
        })
    }

    /// A plain ETH transfer between accounts (21,000 gas, no calldata), included like any transaction.
    ///
    /// # Errors
    /// As [`transact`](Chain::transact).
    pub fn transfer(&mut self, from: Address, to: Address, value: Wei, priority_fee: Wei) -> Result<Receipt<()>> {
        let tx = TxRequest::new(from, Vec::new(), ()).with_value(value).with_priority_fee(priority_fee);
        self.transact(&mut Account(to), tx)
    }

    /// Seals the block being built into [`blocks`](Chain::blocks) and starts the next slot, with the base fee
    /// from EIP-1559 and the excess blob gas from EIP-4844. Empty slots produce empty blocks.
    pub fn advance_slot(&mut self) {
        self.blocks.push(BlockSummary {
            number: self.slot,
            slot: self.slot,
            timestamp: self.now(),
            gas_used: self.gas_used,
            gas_limit: self.config.block_gas_limit,
            blob_gas_used: self.blob_gas_used,
            excess_blob_gas: self.excess_blob_gas,
            base_fee: self.base_fee,
            blob_base_fee: self.blob_base_fee(),
            txs: self.txs,
            burned: self.block_burned,
        });
        self.base_fee = fees::next_base_fee(self.base_fee, self.gas_used, self.config.block_gas_limit);
        self.excess_blob_gas = fees::next_excess_blob_gas(self.excess_blob_gas, self.blob_gas_used, self.config.blobs);
        self.slot += 1;
        self.gas_used = 0;
        self.blob_gas_used = 0;
        self.txs = 0;
        self.block_burned = 0;
    }

    /// Advances `n` slots.
    pub fn advance_slots(&mut self, n: u64) {
        for _ in 0..n {
            self.advance_slot();
        }
    }

    /// Advances slots until the current slot is `slot` (nothing if it is already past).
    pub fn advance_to_slot(&mut self, slot: u64) {
        while self.slot < slot {
            self.advance_slot();
        }
    }

    /// Advances slots until [`now`](Chain::now) `>= timestamp`.
    pub fn advance_to_timestamp(&mut self, timestamp: u64) {
        self.advance_to_slot(self.config.first_slot_at_or_after(timestamp));
    }

    /// The last finalized slot, if any.
    ///
    /// Casper FFG with full participation (consensus-specs phase0 `process_justification_and_finalization`):
    /// the blocks of epoch `e` are covered by the checkpoint at the first slot of epoch `e + 1`, which is
    /// justified by the attestations of epoch `e + 1` and finalized once epoch `e + 2`'s checkpoint is
    /// justified, at the transition into epoch `e + 3`. In general: a block of epoch `e` is final once the
    /// chain reaches the first slot of epoch `e + finality_epochs + 1`. With mainnet parameters that is 65 to
    /// 96 slots after the block, 13.0 to 19.2 minutes (the often quoted "two epochs", 12.8 minutes, is the
    /// lower bound). No missed slots, no inactivity leak, no reorgs.
    pub fn finalized_slot(&self) -> Option<u64> {
        let lag = self.config.finality_epochs + 1;
        let epoch = self.epoch();
        (epoch >= lag).then(|| (epoch - lag + 1) * self.config.slots_per_epoch - 1)
    }

    /// Whether block `block_number` is final (see [`finalized_slot`](Chain::finalized_slot)).
    pub fn is_final(&self, block_number: u64) -> bool {
        self.finalized_slot().is_some_and(|f| block_number <= f)
    }

    /// The timestamp at which a block of `slot` becomes final: that of the first slot of epoch
    /// `epoch(slot) + finality_epochs + 1`. Computable in advance; `is_final(slot)` holds exactly when
    /// `now() >= finality_time(slot)`.
    pub fn finality_time(&self, slot: u64) -> u64 {
        self.config.slot_timestamp(self.config.finality_slot(slot))
    }

    fn credit(&mut self, who: Address, amount: Wei) {
        if amount > 0 {
            let b = self.balances.entry(who).or_insert(0);
            *b = b.saturating_add(amount);
        }
    }

    fn debit(&mut self, who: Address, amount: Wei) {
        if amount > 0 {
            let b = self.balances.entry(who).or_insert(0);
            debug_assert!(*b >= amount, "debit below zero: checked by transact");
            *b = b.saturating_sub(amount);
        }
    }
}

/// An externally owned account as the target of a plain transfer: it accepts any value and does nothing.
#[derive(Debug, Clone, Copy)]
struct Account(Address);

impl Contract for Account {
    type Call = ();
    type Event = ();

    fn address(&self) -> Address {
        self.0
    }

    fn execute(&mut self, _env: &mut Env<'_>, _call: ()) -> core::result::Result<Vec<()>, Revert> {
        Ok(Vec::new())
    }
}

/// Pending transactions for one contract, included by priority fee.
///
/// No nonces: transactions of one sender may be included out of arrival order when their priority fees
/// differ; equal fees keep arrival order.
#[derive(Debug, Clone)]
pub struct Mempool<C> {
    pending: Vec<TxRequest<C>>,
    rejected: Vec<(TxRequest<C>, ChainError)>,
}

impl<C> Default for Mempool<C> {
    fn default() -> Self {
        Mempool { pending: Vec::new(), rejected: Vec::new() }
    }
}

impl<C: Clone> Mempool<C> {
    /// An empty mempool.
    pub fn new() -> Mempool<C> {
        Mempool::default()
    }

    /// Adds a transaction.
    pub fn push(&mut self, tx: TxRequest<C>) {
        self.pending.push(tx);
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The pending transactions, in arrival order.
    pub fn pending(&self) -> &[TxRequest<C>] {
        &self.pending
    }

    /// Includes as many pending transactions as fit in the current block, highest priority fee first (ties in
    /// arrival order), skipping those that do not fit and trying the next: a smaller one may still fit.
    /// Those that did not fit stay pending; those the chain refused for good (unaffordable, too many blobs,
    /// above the block gas limit) move to [`take_rejected`](Mempool::take_rejected).
    pub fn include_pending<Ct: Contract<Call = C>>(
        &mut self,
        chain: &mut Chain,
        contract: &mut Ct,
    ) -> Vec<Receipt<Ct::Event>> {
        let mut order: Vec<usize> = (0..self.pending.len()).collect();
        order.sort_by(|&a, &b| self.pending[b].priority_fee.cmp(&self.pending[a].priority_fee));
        let mut keep = vec![true; self.pending.len()];
        let mut receipts = Vec::new();
        for i in order {
            if chain.gas_remaining() < gas::TX_BASE {
                break;
            }
            let tx = &self.pending[i];
            if tx.min_gas() > chain.gas_remaining() && tx.min_gas() <= chain.config().block_gas_limit {
                continue;
            }
            match chain.transact(contract, tx.clone()) {
                Ok(receipt) => {
                    receipts.push(receipt);
                    keep[i] = false;
                }
                Err(ChainError::BlockFull) => {}
                Err(e) => {
                    self.rejected.push((tx.clone(), e));
                    keep[i] = false;
                }
            }
        }
        let mut keep = keep.into_iter();
        self.pending.retain(|_| keep.next().unwrap_or(true));
        receipts
    }

    /// Takes the transactions the chain refused for good, with why.
    pub fn take_rejected(&mut self) -> Vec<(TxRequest<C>, ChainError)> {
        std::mem::take(&mut self.rejected)
    }
}
