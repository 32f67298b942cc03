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

mod config;
mod contract;
mod mempool;
mod tx;

pub use config::{BlockContext, BlockSummary, ChainConfig, FinalityRule};
pub use contract::{Contract, Env, Revert};
pub use mempool::Mempool;
pub use tx::{versioned_hash, Receipt, TxRequest, BILL_CALLDATA, BILL_FLOOR, BILL_TX_BASE, VERSIONED_HASH_VERSION_KZG};

use std::collections::BTreeMap;

use crate::error::{ChainError, Result};
use crate::fees::{self, GAS_PER_BLOB, USABLE_BYTES_PER_BLOB};
use crate::gas::{self, GasMeter};
use crate::types::{Address, Wei};

/// Where priority fees go: the simulated block proposer's fee recipient.
pub const COINBASE: Address = Address(*b"sim-l1-coinbase-addr");

/// How many slots [`Chain::send`] waits for room in a block before giving up: a transaction that fits no
/// block in this many slots is starved by the others (each empty block holds the whole gas limit).
pub const MAX_WAIT_SLOTS: u64 = 64;

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

    /// Sends `tx` as a user would: if the current block has no room left ([`ChainError::BlockFull`]), waits
    /// for the next slot and tries again, up to [`MAX_WAIT_SLOTS`] slots. A reverted call is a receipt, not
    /// an error. This is the one send-and-wait loop every design's actors use.
    ///
    /// # Errors
    /// Any other [`ChainError`] at once (it would not change by waiting), or
    /// [`ChainError::NeverIncluded`] when no block had room within [`MAX_WAIT_SLOTS`] slots.
    pub fn send<C: Contract>(&mut self, contract: &mut C, tx: TxRequest<C::Call>) -> Result<Receipt<C::Event>>
    where
        C::Call: Clone,
    {
        for _ in 0..MAX_WAIT_SLOTS {
            match self.transact(contract, tx.clone()) {
                Err(ChainError::BlockFull) => self.advance_slot(),
                other => return other,
            }
        }
        Err(ChainError::NeverIncluded { slots: MAX_WAIT_SLOTS })
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
