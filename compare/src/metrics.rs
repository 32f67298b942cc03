//! What every design is measured by, and the workload every design runs.
//!
//! The metrics follow the dimensions of the layer-2 literature (Gudgeon et al., "SoK: Layer-Two Blockchain
//! Protocols", FC 2020; McCorry et al., "SoK: Validating Bridges", 2021; L2BEAT's risk view): time to soft
//! confirmation, to L1 inclusion, to finality and to a withdrawal; L1 gas per transaction; what the L1 lets
//! through at most; capital locked and for how long; whom users trust; the worst delay under attack.
//!
//! Every figure a [`DesignMetrics`] holds comes from running the design on the simulated L1 or is computed
//! from the chain's parameters and such measured figures ([`throughput_ceiling_tps`]); none is typed in.

use l1_contract_sim::fees::USABLE_BYTES_PER_BLOB;
use l1_contract_sim::{ChainConfig, Wei};
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::{CompareError, Result};

/// The random-number generator every design is run with: seeded, so a comparison is reproducible.
pub type SimRng = rand_chacha::ChaCha20Rng;

/// The default [`Workload::network_delay_seconds`]: a quarter of a second between a user and the sequencer.
pub const DEFAULT_NETWORK_DELAY_SECONDS: f64 = 0.25;

fn default_network_delay() -> f64 {
    DEFAULT_NETWORK_DELAY_SECONDS
}

/// One seeded workload, the same for every design: `accounts` users deposit, then `txs` L2 transactions
/// (transfers, and withdrawals in the share `withdrawal_share`) arrive `seconds_between_txs` apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Users, each with an L1 address and an L2 account.
    pub accounts: u32,
    /// L2 transactions after the deposits.
    pub txs: usize,
    /// Share of withdrawals among the L2 transactions (0 to 1).
    pub withdrawal_share: f64,
    /// Seconds between two L2 transactions arriving.
    pub seconds_between_txs: u64,
    /// Seed of keys, transactions and every design's randomness.
    pub seed: u64,
    /// Seconds a message takes between a user and the sequencer, one way: the sequencer's receipt (the soft
    /// confirmation) reaches the user this long after the transaction reached the sequencer. The same for
    /// every design; see [`Workload::soft_confirmation`].
    #[serde(default = "default_network_delay")]
    pub network_delay_seconds: f64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            accounts: 4,
            txs: 8,
            withdrawal_share: 0.25,
            seconds_between_txs: 1,
            seed: 1,
            network_delay_seconds: DEFAULT_NETWORK_DELAY_SECONDS,
        }
    }
}

impl Workload {
    /// Refuses a workload no design can run.
    pub fn validate(&self) -> Result<()> {
        if self.accounts < 2 {
            return Err(CompareError::Config(format!("a workload needs at least 2 accounts, got {}", self.accounts)));
        }
        if !(0.0..=1.0).contains(&self.withdrawal_share) {
            return Err(CompareError::Config(format!(
                "the withdrawal share must be between 0 and 1, got {}",
                self.withdrawal_share
            )));
        }
        if !self.network_delay_seconds.is_finite() || self.network_delay_seconds < 0.0 {
            return Err(CompareError::Config(format!(
                "the network delay must be a finite, non-negative number of seconds, got {}",
                self.network_delay_seconds
            )));
        }
        Ok(())
    }

    /// Soft confirmation as every design models it: the sequencer (the zk operator, the optimistic proposer)
    /// checks a transaction and accepts it as it arrives (the simulations have no sequencer queue), and its
    /// receipt reaches the user one network delay later. Modelled from [`Workload::network_delay_seconds`],
    /// not measured; like every other time, counted from the transaction reaching the sequencer.
    pub fn soft_confirmation(&self) -> Spread {
        Spread::exact(self.network_delay_seconds)
    }

    /// The note every design adds on how its soft confirmation was obtained.
    pub fn soft_confirmation_note(&self) -> String {
        format!(
            "soft confirmation: modelled, not measured: the sequencer accepts a valid transaction as it arrives (no \
             queue in the simulation) and its receipt reaches the user one network delay ({} s) later",
            self.network_delay_seconds
        )
    }

    /// A fresh generator from the workload's seed: [`crate::runner::compare`] gives every design one, so
    /// each sees the same randomness whatever the order it runs in.
    pub fn rng(&self) -> SimRng {
        SimRng::seed_from_u64(self.seed)
    }
}

/// Median and maximum of a list of durations, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Median.
    pub median: f64,
    /// Maximum.
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (zeros when empty).
    pub fn of(values: &[f64]) -> Self {
        ledger::stats::Spread::of(values).into()
    }

    /// One value, median and maximum alike.
    pub fn exact(value: f64) -> Self {
        Spread { median: value, max: value }
    }
}

impl From<ledger::stats::Spread> for Spread {
    fn from(s: ledger::stats::Spread) -> Self {
        Spread { median: s.median, max: s.max }
    }
}

/// A named fact about one design's run, shown in the reports as it is (constraints, proving time, bonds...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    /// What it is, with its unit.
    pub name: String,
    /// Its value, formatted.
    pub value: String,
}

impl Detail {
    /// A detail.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Detail { name: name.into(), value: value.into() }
    }
}

/// A metric of [`DesignMetrics`] that does not apply to a design, and why: the reports show the reason in its
/// cell instead of the (zero) value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplicable {
    /// The field's name in [`DesignMetrics`] (`inclusion_seconds`, `withdrawal_latency_seconds`, ...).
    pub field: String,
    /// Why it does not apply.
    pub reason: String,
}

impl NotApplicable {
    /// `field` does not apply because `reason`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        NotApplicable { field: field.into(), reason: reason.into() }
    }
}

/// A bound on a design's throughput that is not the L1's gas or data: zk proving time, Plasma's mass-exit
/// capacity. Either a fixed rate (`fixed_tps`, which no L1 knob changes) or a count the L1's gas per second
/// allows within a window (`l1_gas_per_unit` over `window_seconds`: exits within the exit period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtherBound {
    /// What bounds ("proving time", "mass-exit capacity").
    pub name: String,
    /// The unit of [`OtherBound::value`] ("tx/s", "users who can exit within the exit period").
    pub unit: String,
    /// A rate in L2 tx/s that does not depend on the L1 (a measured proof's time per batch).
    pub fixed_tps: Option<f64>,
    /// L1 gas per unit (per exit), measured.
    pub l1_gas_per_unit: Option<f64>,
    /// The window the units must fit in, seconds (the exit period).
    pub window_seconds: Option<f64>,
    /// How it was obtained, in words.
    pub basis: String,
}

impl OtherBound {
    /// The bound on `chain`: `fixed_tps`, or `block_gas_limit × window / slot_seconds / l1_gas_per_unit`.
    pub fn value(&self, chain: &ChainConfig) -> f64 {
        if let Some(tps) = self.fixed_tps {
            return tps;
        }
        match (self.l1_gas_per_unit, self.window_seconds) {
            (Some(gas), Some(window)) if gas > 0.0 && chain.slot_seconds > 0 => {
                chain.block_gas_limit as f64 * (window / chain.slot_seconds as f64).floor() / gas
            }
            _ => 0.0,
        }
    }

    /// Whether the bound is in L2 tx/s (and so caps the throughput ceiling).
    pub fn is_rate(&self) -> bool {
        self.fixed_tps.is_some()
    }
}

/// What one design did with a [`Workload`]: the row a comparison has for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignMetrics {
    /// The design's name, as [`crate::runner::Design::name`] gives it.
    pub name: String,
    /// L2 transactions the run carried (deposits included, padding excluded): the count every per-transaction
    /// figure divides by. Designs may carry a few of their own (see their notes);
    /// [`crate::runner::Comparison::l2_tx_difference`] says by how many the counts differ.
    pub txs: usize,
    /// L1 gas per L2 transaction of the design's regular L1 traffic (batches, state roots, checkpoints).
    pub l1_gas_per_tx: f64,
    /// EIP-4844 blob gas per L2 transaction, priced separately at the blob base fee (0 without blobs).
    pub blob_gas_per_tx: f64,
    /// Bytes the design's L1 transactions carried (the same transactions [`Self::l1_gas_per_tx`] counts:
    /// their calldata as sent, plus blob payload in blob mode) per L2 transaction.
    pub l1_bytes_per_tx: f64,
    /// The blob-payload part of [`Self::l1_bytes_per_tx`] (0 without blobs): what the blob bound of
    /// [`throughput_ceiling_tps`] divides by.
    #[serde(default)]
    pub blob_bytes_per_tx: f64,
    /// Whether the data travels in blobs (the blob bound of [`throughput_ceiling_tps`] applies).
    pub uses_blobs: bool,
    /// From submission (the transaction reaching the sequencer) to the user holding the sequencer's receipt,
    /// seconds: modelled, see [`Workload::soft_confirmation`].
    pub soft_confirmation_seconds: Spread,
    /// From submission to the L1 block holding the transaction's batch or assertion, seconds (recorded).
    pub inclusion_seconds: Spread,
    /// From submission until nothing can revert it: L1 finality, plus any challenge window, seconds.
    pub finality_seconds: Spread,
    /// From a withdrawal's submission to its ETH being spendable on L1, seconds.
    pub withdrawal_latency_seconds: Spread,
    /// The most L2 transactions per second the L1 lets through (see [`throughput_ceiling_tps`]).
    pub throughput_ceiling_tps: f64,
    /// How [`throughput_ceiling_tps`](Self::throughput_ceiling_tps) was computed, in words.
    pub throughput_basis: String,
    /// Wei locked as bonds or channel deposits beyond users' own balances (0 for a zk rollup).
    pub capital_locked_wei: Wei,
    /// For how long that capital is locked, seconds.
    pub capital_locked_seconds: f64,
    /// Whom users trust, for safety and for liveness.
    pub trust: String,
    /// What users must do to stay safe (stay online, watch, exit in time), if anything.
    pub user_duties: String,
    /// The worst case under attack, in words, if the design has one.
    pub worst_case_under_attack: Option<String>,
    /// How long that worst case delays a user, seconds.
    pub worst_case_seconds: Option<f64>,
    /// Notes on how a figure was measured (what the simulation leaves out).
    pub notes: Vec<String>,
    /// Design-specific figures (constraints, proving time, bonds...).
    pub details: Vec<Detail>,
    /// Metrics that do not apply to this design, each with its reason; the reports print the reason instead
    /// of the value.
    #[serde(default)]
    pub not_applicable: Vec<NotApplicable>,
    /// A bound on throughput beyond the L1's gas and data, if the design has one.
    #[serde(default)]
    pub other_bound: Option<OtherBound>,
    /// Whether [`Self::finality_seconds`] waits for the L1's own finality (the L1-knob study moves it with
    /// the finality rule and slot time when it does).
    #[serde(default)]
    pub waits_for_l1_finality: bool,
}

impl DesignMetrics {
    /// Why `field` does not apply to this design, if it does not.
    pub fn not_applicable(&self, field: &str) -> Option<&str> {
        self.not_applicable.iter().find(|n| n.field == field).map(|n| n.reason.as_str())
    }

    /// `value`, or "n/a: reason" when `field` does not apply.
    pub fn cell(&self, field: &str, value: impl FnOnce() -> String) -> String {
        match self.not_applicable(field) {
            Some(reason) => format!("n/a: {reason}"),
            None => value(),
        }
    }
}

/// The most seconds between a block's inclusion and its finality on `chain`: a block at the first slot of
/// an epoch waits `finality_epochs + 1` whole epochs (see [`ChainConfig::finality_slot`]); with single-slot
/// finality, one slot.
pub fn max_l1_finality_seconds(chain: &ChainConfig) -> u64 {
    chain.finality_slot(0) * chain.slot_seconds
}

/// The fewest seconds between a block's inclusion and its finality on `chain`: a block at the last slot of
/// an epoch.
pub fn min_l1_finality_seconds(chain: &ChainConfig) -> u64 {
    let last = chain.slots_per_epoch - 1;
    (chain.finality_slot(last) - last) * chain.slot_seconds
}

/// The middle of [`min_l1_finality_seconds`] and [`max_l1_finality_seconds`]: the L1 finality lag of a block
/// at a uniformly random slot of its epoch, what the L1-knob study moves finality by.
pub fn mid_l1_finality_seconds(chain: &ChainConfig) -> f64 {
    (min_l1_finality_seconds(chain) + max_l1_finality_seconds(chain)) as f64 / 2.0
}

/// The L2 transactions per second the L1 of `chain` lets through at most, from what one transaction costs:
///
/// - the gas bound: `block_gas_limit / gas_per_tx / slot_seconds` (every block full of the design's
///   transactions);
/// - with blobs (`blob_bytes_per_tx: Some(b)`), also the blob bound:
///   `max_blobs_per_block × USABLE_BYTES_PER_BLOB / b / slot_seconds`, and the smaller of the two.
///
/// Returns 0 when a cost is not positive (nothing was measured).
pub fn throughput_ceiling_tps(chain: &ChainConfig, gas_per_tx: f64, blob_bytes_per_tx: Option<f64>) -> f64 {
    if gas_per_tx <= 0.0 || chain.slot_seconds == 0 {
        return 0.0;
    }
    let slot = chain.slot_seconds as f64;
    let gas_bound = chain.block_gas_limit as f64 / gas_per_tx / slot;
    match blob_bytes_per_tx {
        None => gas_bound,
        Some(bytes) if bytes <= 0.0 => gas_bound,
        Some(bytes) => {
            let blob_bound = (chain.blobs.max_blobs_per_block * USABLE_BYTES_PER_BLOB as u64) as f64 / bytes / slot;
            gas_bound.min(blob_bound)
        }
    }
}

/// [`throughput_ceiling_tps`] with its basis in words, for [`DesignMetrics::throughput_basis`].
pub fn throughput_ceiling(chain: &ChainConfig, gas_per_tx: f64, blob_bytes_per_tx: Option<f64>) -> (f64, String) {
    let tps = throughput_ceiling_tps(chain, gas_per_tx, blob_bytes_per_tx);
    let gas = format!(
        "{} gas per block / {gas_per_tx:.0} gas per tx / {} s per slot",
        chain.block_gas_limit, chain.slot_seconds
    );
    let basis = match blob_bytes_per_tx {
        Some(bytes) if bytes > 0.0 => format!(
            "min({gas}, {} blobs per block x {} usable bytes / {bytes:.1} bytes per tx / {} s per slot)",
            chain.blobs.max_blobs_per_block, USABLE_BYTES_PER_BLOB, chain.slot_seconds
        ),
        _ => gas,
    };
    (tps, basis)
}
