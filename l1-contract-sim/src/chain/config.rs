//! Chain parameters, block context and sealed blocks, and finality (Casper FFG with full participation).

use serde::{Deserialize, Serialize};

use super::Chain;
use crate::fees::BlobSchedule;
use crate::types::{Wei, GWEI};

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
    /// How blocks become final: [`FinalityRule::CasperFfg`] (today's, after `finality_epochs`) or
    /// [`FinalityRule::SingleSlot`] (a proposed upgrade: final within its own slot).
    #[serde(default)]
    pub finality: FinalityRule,
}

/// How the simulated chain finalizes blocks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalityRule {
    /// Casper FFG with full participation: a block of epoch `e` is final once the chain reaches the first slot
    /// of epoch `e + finality_epochs + 1` (see [`Chain::finalized_slot`]).
    #[default]
    CasperFfg,
    /// Single-slot finality (the proposed "SSF" upgrade, with full participation): a block is final once its
    /// slot ends, at the start of the next slot; `finality_epochs` is ignored.
    SingleSlot,
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
            finality: FinalityRule::CasperFfg,
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
        match self.finality {
            FinalityRule::CasperFfg => (self.epoch_of(slot) + self.finality_epochs + 1) * self.slots_per_epoch,
            FinalityRule::SingleSlot => slot + 1,
        }
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

impl Chain {
    /// The last finalized slot, if any.
    ///
    /// Casper FFG with full participation (consensus-specs phase0 `process_justification_and_finalization`):
    /// the blocks of epoch `e` are covered by the checkpoint at the first slot of epoch `e + 1`, which is
    /// justified by the attestations of epoch `e + 1` and finalized once epoch `e + 2`'s checkpoint is
    /// justified, at the transition into epoch `e + 3`. In general: a block of epoch `e` is final once the
    /// chain reaches the first slot of epoch `e + finality_epochs + 1`. With mainnet parameters that is 65 to
    /// 96 slots after the block, 13.0 to 19.2 minutes (the often quoted "two epochs", 12.8 minutes, is the
    /// lower bound). No missed slots, no inactivity leak, no reorgs. With [`FinalityRule::SingleSlot`]
    /// every block before the current slot is final.
    pub fn finalized_slot(&self) -> Option<u64> {
        if self.config.finality == FinalityRule::SingleSlot {
            return self.slot().checked_sub(1);
        }
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
}
