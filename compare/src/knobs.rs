//! The L1-knob study (`rollup study l1`): what the L1's own scaling levers do to every design.
//!
//! The levers are the seed's: larger blocks (the block gas limit), data sharding (blobs per block, from
//! Prague's 6/9 to PeerDAS scale and beyond), a shorter slot, and single-slot finality instead of Casper FFG's
//! two epochs. Each design runs **once**, on the default chain ([`crate::runner::compare`]); every point of a
//! sweep is then **computed** from that run's measured figures (L1 gas and blob bytes per transaction, the
//! finality it recorded, its off-L1 bound) and the swept [`ChainConfig`], and says so (`computed: true`, with
//! its basis). Nothing is re-run per point: per-transaction gas and bytes do not depend on these levers.
//!
//! Per design and point: the L1 gas bound and (in blob mode) the data bound on L2 tx/s, the design's own
//! bound where it has one (zk: one prover's measured time per batch; Plasma: users who can exit within the
//! exit period), the ceiling (the smallest rate), which bound binds, the cost per transaction and finality.

use l1_contract_sim::fees::{BlobSchedule, USABLE_BYTES_PER_BLOB};
use l1_contract_sim::{ChainConfig, FinalityRule};
use serde::{Deserialize, Serialize};

use crate::metrics::{mid_l1_finality_seconds, DesignMetrics};
use crate::runner::Comparison;

/// One of the L1's levers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// Gas per block (larger blocks).
    BlockGasLimit,
    /// Blobs per block, target and maximum (data sharding).
    BlobsPerBlock,
    /// Seconds per slot.
    SlotSeconds,
    /// The finality rule (Casper FFG after some epochs, or single-slot).
    Finality,
}

impl Knob {
    /// Every knob, in the order the study sweeps them.
    pub const ALL: [Knob; 4] = [Knob::BlockGasLimit, Knob::BlobsPerBlock, Knob::SlotSeconds, Knob::Finality];

    /// Its name in words, with the unit of [`KnobPoint::value`].
    pub fn title(self) -> &'static str {
        match self {
            Knob::BlockGasLimit => "block gas limit (Mgas)",
            Knob::BlobsPerBlock => "blobs per block (maximum)",
            Knob::SlotSeconds => "slot time (s)",
            Knob::Finality => "L1 finality after inclusion (s, midpoint)",
        }
    }
}

/// One setting of one knob: the default chain with that lever moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnobSetting {
    /// Which lever.
    pub knob: Knob,
    /// The lever's value in the unit of [`Knob::title`].
    pub value: f64,
    /// The setting in words ("PeerDAS-scale 48/72").
    pub label: String,
    /// The chain it gives.
    pub chain: ChainConfig,
}

/// The settings the study sweeps, each the default chain with one lever moved (the default among them). The
/// finality rule keeps today's 12 s slots, so that it moves finality alone.
pub fn settings() -> Vec<KnobSetting> {
    let base = ChainConfig::default();
    let mut out = Vec::new();
    for mgas in [30u64, 36, 60, 100, 150, 300] {
        let chain = ChainConfig { block_gas_limit: mgas * 1_000_000, ..base };
        let label =
            if chain.block_gas_limit == base.block_gas_limit { format!("{mgas}M (today)") } else { format!("{mgas}M") };
        out.push(KnobSetting { knob: Knob::BlockGasLimit, value: mgas as f64, label, chain });
    }
    let blobs: [(u64, u64, &str); 6] = [
        (3, 6, "Cancun 3/6"),
        (6, 9, "Prague 6/9 (today)"),
        (14, 21, "14/21"),
        (48, 72, "PeerDAS-scale 48/72"),
        (128, 192, "128/192"),
        (256, 384, "full danksharding-scale 256/384"),
    ];
    for (target, max, label) in blobs {
        let schedule =
            BlobSchedule { target_blobs_per_block: target, max_blobs_per_block: max, ..BlobSchedule::PRAGUE };
        let chain = ChainConfig { blobs: schedule, ..base };
        out.push(KnobSetting { knob: Knob::BlobsPerBlock, value: max as f64, label: label.into(), chain });
    }
    for slot in [12u64, 8, 6, 4, 2] {
        let chain = ChainConfig { slot_seconds: slot, ..base };
        let label = if slot == base.slot_seconds { format!("{slot} s (today)") } else { format!("{slot} s") };
        out.push(KnobSetting { knob: Knob::SlotSeconds, value: slot as f64, label, chain });
    }
    let rules = [
        (ChainConfig { finality_epochs: 2, ..base }, "Casper FFG, 2 epochs (today)"),
        (ChainConfig { finality_epochs: 1, ..base }, "Casper FFG, 1 epoch"),
        (ChainConfig { finality: FinalityRule::SingleSlot, ..base }, "single-slot finality"),
    ];
    for (chain, label) in rules {
        out.push(KnobSetting {
            knob: Knob::Finality,
            value: mid_l1_finality_seconds(&chain),
            label: label.into(),
            chain,
        });
    }
    out
}

/// What bounds a design's throughput at one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bottleneck {
    /// The L1's gas per second.
    Gas,
    /// The L1's blob space per second.
    Data,
    /// Proving time (one prover).
    ProvingTime,
}

impl Bottleneck {
    /// In words.
    pub fn name(self) -> &'static str {
        match self {
            Bottleneck::Gas => "L1 gas",
            Bottleneck::Data => "L1 data (blobs)",
            Bottleneck::ProvingTime => "proving time",
        }
    }
}

/// One design at one knob setting; every figure computed from the design's measured run on the default
/// chain and the setting's chain parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnobPoint {
    /// The design.
    pub design: String,
    /// The lever.
    pub knob: Knob,
    /// The lever's value (unit: [`Knob::title`]).
    pub value: f64,
    /// The setting in words.
    pub label: String,
    /// L2 tx/s the L1's gas allows: block gas limit / measured gas per tx / slot time.
    pub gas_bound_tps: f64,
    /// L2 tx/s the L1's blob space allows: max blobs × usable bytes per blob / measured blob bytes per tx /
    /// slot time; `None` for designs without blobs (see [`Self::not_applicable`]).
    pub data_bound_tps: Option<f64>,
    /// The design's own rate bound in tx/s (zk: one prover), which no L1 knob moves.
    pub other_bound_tps: Option<f64>,
    /// Its name, when there is one.
    pub other_bound_name: Option<String>,
    /// The smaller of the L1 bounds: what the L1 lets through.
    pub l1_ceiling_tps: f64,
    /// The smallest of every bound.
    pub ceiling_tps: f64,
    /// Which bound is the smallest.
    pub bottleneck: Bottleneck,
    /// Plasma: users who can exit within the exit period on this chain (block gas limit × period / slot
    /// time / measured gas per exit); the bound that binds its safety, not its rate.
    pub exit_capacity_users: Option<f64>,
    /// Wei per L2 transaction at the chain's initial base fee and the minimum blob base fee (1 wei): measured
    /// gas and blob gas per tx times those prices.
    pub cost_per_tx_wei: f64,
    /// Median seconds from submission to finality: the measured median, moved by the change in the L1's
    /// finality lag (midpoint) when the design waits for L1 finality.
    pub finality_seconds: f64,
    /// Always true: computed, not run.
    pub computed: bool,
    /// Figures that do not apply, with why.
    pub not_applicable: Vec<String>,
}

/// A change of bottleneck along a sweep, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BottleneckMove {
    /// The design.
    pub design: String,
    /// The lever.
    pub knob: Knob,
    /// What happens, in words.
    pub what: String,
}

/// The study: the settings, every design's point at each, and where bottlenecks move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct L1Study {
    /// The run the points are computed from (the designs on the default chain).
    pub comparison: Comparison,
    /// The settings swept.
    pub settings: Vec<KnobSetting>,
    /// One point per design and setting.
    pub points: Vec<KnobPoint>,
    /// Where a design's bottleneck changes along a sweep, or that it stays.
    pub bottleneck_moves: Vec<BottleneckMove>,
    /// How the points were computed, in words.
    pub basis: Vec<String>,
}

/// The point of design `d` (measured on `base`) at `setting`.
pub fn point(d: &DesignMetrics, base: &ChainConfig, setting: &KnobSetting) -> KnobPoint {
    let chain = &setting.chain;
    let slot = chain.slot_seconds as f64;
    let gas_bound = if d.l1_gas_per_tx > 0.0 { chain.block_gas_limit as f64 / d.l1_gas_per_tx / slot } else { 0.0 };
    let data_bound = (d.uses_blobs && d.blob_bytes_per_tx > 0.0)
        .then(|| (chain.blobs.max_blobs_per_block * USABLE_BYTES_PER_BLOB as u64) as f64 / d.blob_bytes_per_tx / slot);
    let other = d.other_bound.as_ref();
    let other_rate = other.and_then(|o| o.fixed_tps);
    let mut bottleneck = Bottleneck::Gas;
    let mut l1_ceiling = gas_bound;
    if let Some(data) = data_bound.filter(|&b| b < gas_bound) {
        l1_ceiling = data;
        bottleneck = Bottleneck::Data;
    }
    let mut ceiling = l1_ceiling;
    if let Some(rate) = other_rate.filter(|&r| r < l1_ceiling) {
        ceiling = rate;
        bottleneck = Bottleneck::ProvingTime;
    }
    let exit_capacity = other.filter(|o| !o.is_rate()).map(|o| o.value(chain));
    let cost = d.l1_gas_per_tx * chain.initial_base_fee as f64 + d.blob_gas_per_tx;
    let finality = if d.waits_for_l1_finality {
        d.finality_seconds.median - mid_l1_finality_seconds(base) + mid_l1_finality_seconds(chain)
    } else {
        d.finality_seconds.median
    };
    let mut not_applicable = Vec::new();
    if data_bound.is_none() {
        not_applicable.push("data_bound_tps: no blobs; the data travels in calldata, priced and bounded as gas".into());
    }
    if other.is_none() {
        not_applicable.push("other_bound_tps: no bound beyond the L1's gas and data in the simulation".into());
    }
    KnobPoint {
        design: d.name.clone(),
        knob: setting.knob,
        value: setting.value,
        label: setting.label.clone(),
        gas_bound_tps: gas_bound,
        data_bound_tps: data_bound,
        other_bound_tps: other_rate,
        other_bound_name: other.map(|o| format!("{} ({})", o.name, o.unit)),
        l1_ceiling_tps: l1_ceiling,
        ceiling_tps: ceiling,
        bottleneck,
        exit_capacity_users: exit_capacity,
        cost_per_tx_wei: cost,
        finality_seconds: finality,
        computed: true,
        not_applicable,
    }
}

/// The study from a comparison run on the default chain: every design at every setting of [`settings`].
pub fn l1_study(comparison: Comparison) -> L1Study {
    let settings = settings();
    let mut points = Vec::new();
    let mut moves = Vec::new();
    for d in &comparison.designs {
        for knob in Knob::ALL {
            let sweep: Vec<KnobPoint> =
                settings.iter().filter(|s| s.knob == knob).map(|s| point(d, &comparison.chain, s)).collect();
            let (Some(first), Some(last)) = (sweep.first(), sweep.last()) else { continue };
            let mut changes: Vec<String> = Vec::new();
            for pair in sweep.windows(2) {
                if pair[0].bottleneck != pair[1].bottleneck {
                    changes.push(format!(
                        "from {} to {} between {} and {}",
                        pair[0].bottleneck.name(),
                        pair[1].bottleneck.name(),
                        pair[0].label,
                        pair[1].label
                    ));
                }
            }
            let ratio = if first.ceiling_tps > 0.0 { last.ceiling_tps / first.ceiling_tps } else { 1.0 };
            let what = if changes.is_empty() {
                let beneath = if first.bottleneck == Bottleneck::ProvingTime {
                    let l1 = if first.data_bound_tps.is_some_and(|d| d < first.gas_bound_tps) { "data" } else { "gas" };
                    format!(
                        "; the L1's own bound beneath it ({l1}) goes from {:.1} to {:.1} tx/s",
                        first.l1_ceiling_tps, last.l1_ceiling_tps
                    )
                } else {
                    String::new()
                };
                format!(
                    "{} binds throughout ({} to {}: ceiling x{ratio:.2}){beneath}",
                    first.bottleneck.name(),
                    first.label,
                    last.label
                )
            } else {
                format!("the bottleneck moves {} (ceiling x{ratio:.2} over the sweep)", changes.join(", then "))
            };
            moves.push(BottleneckMove { design: d.name.clone(), knob, what });
            points.extend(sweep);
        }
    }
    let basis = vec![
        "each design ran once on the default chain; every point is computed from that run's measured L1 gas and blob \
         bytes per transaction, its measured finality and its off-L1 bound, and the swept chain parameters"
            .into(),
        "gas bound = block gas limit / gas per tx / slot time; data bound = max blobs per block x 126,976 usable \
         bytes / blob bytes per tx / slot time; ceiling = the smallest bound, the design's own included"
            .into(),
        "cost per tx at the initial base fee (1 gwei) and the minimum blob base fee (1 wei): the knobs add capacity, \
         not gas per tx, so cost per tx moves only once demand reaches the ceiling (the fee markets then price it)"
            .into(),
        "finality: the measured median, moved by the change in the L1's finality lag (midpoint of the earliest and \
         latest block of an epoch) for designs that wait for L1 finality; the inclusion part is as measured on the \
         default chain (12 s slots)"
            .into(),
    ];
    L1Study { comparison, settings, points, bottleneck_moves: moves, basis }
}
