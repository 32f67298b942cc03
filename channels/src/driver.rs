//! The network driver: nodes, channels opened on L1, payments routed over them, the adversaries, the
//! watchtowers, and the on-chain resolution of whatever does not settle off chain; and its [`Report`].
//!
//! # Time
//! L1 time moves in 12 s slots ([`Chain::advance_slot`]); every slot the driver starts the payments due,
//! then lets every online node act ([`Sim::tick`]). Off-chain messages are not queued: an update between
//! two online parties happens within the slot, and its time is counted as messages × the one-way
//! [`Params::hop_delay_ms`] (100 ms by default). A payment's latency is its critical path: three messages
//! per hop to add the HTLC (BOLT 2's add + commitment dance, one and a half round trips), one per hop for the
//! preimage to travel back, the same for every failed attempt; plus the L1 time it waited, if a hop had to
//! be resolved on chain.
//!
//! # Who does what (every slot, when online)
//! - A receiver that knows the preimage fulfils its HTLC off chain; if the offerer is offline it registers
//!   the preimage on L1 at once (so it counts before expiry, for every hop of the payment) and, if the
//!   offerer is still away at expiry, closes the channel to claim it. A withholder does neither until two
//!   blocks before its upstream HTLC expires, then registers and closes.
//! - Any node on a payment learns a preimage from the L1 registry.
//! - A receiver fails its HTLC back when its downstream one is dead (failed, or expired without a
//!   registered preimage); an offerer fails its expired, unclaimed HTLC off chain, or closes the channel
//!   when the receiver will not (offline, or a griefer).
//! - A closed channel is answered by the other party (penalty for a revoked state, update for an old one),
//!   or by its watchtower while it is offline; settled after the window by either party; its HTLCs are
//!   unlocked once decided.
//! - When every payment is resolved, channels close cooperatively (both online, no HTLC pending), or
//!   unilaterally on the latest state by the party that is online when the other is away.

use std::collections::{BTreeMap, BTreeSet};

use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::{Address, Chain, ChainConfig, Contract, TxRequest, Wei, ETHER};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::contract::{ChannelCall, ChannelContract, ChannelEvent, ChannelParams, Phase, DEFAULT_TO_SELF_DELAY};
use crate::error::{ChannelError, Result};
use crate::network::{find_route, random_graph, ChannelSpec, GraphConfig, Hop, RouteEdge};
use crate::party::{self, Breach, Change, ChannelEnd};
use crate::types::{payment_hash, ChannelId, Preimage, Side};
use crate::watchtower::Watchtower;

/// LDK's minimum `cltv_expiry_delta` per hop: 48 blocks (`MIN_CLTV_EXPIRY_DELTA`).
pub const MIN_CLTV_EXPIRY_DELTA: u64 = 48;
/// LDK's minimum final-hop CLTV delta, 18 blocks (`MIN_FINAL_CLTV_EXPIRY_DELTA`).
pub const MIN_FINAL_CLTV_EXPIRY_DELTA: u64 = 18;
/// One-way message delay between two nodes, milliseconds (a chosen, round figure).
pub const DEFAULT_HOP_DELAY_MS: u64 = 100;
/// Default number of nodes.
pub const DEFAULT_NODES: usize = 20;
/// ETH each node holds on L1 beyond its deposits, for gas.
pub const GAS_MONEY: Wei = ETHER;
/// Slots after which a run that has not finished is abandoned.
pub const MAX_SLOTS: u64 = 200_000;
/// The largest deposit or payment a scenario may name: a billion ether (sums stay far from overflow).
pub const MAX_AMOUNT: Wei = 1_000_000_000 * ETHER;
/// The largest number of blocks a protocol parameter may be (about 139 days of slots).
pub const MAX_PARAM_BLOCKS: u64 = 1_000_000;

/// The protocol parameters of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The contract's dispute window, L1 blocks.
    pub to_self_delay: u64,
    /// Blocks each hop adds to the expiry upstream.
    pub cltv_expiry_delta: u64,
    /// Expiry of the last hop, blocks after the payment starts.
    pub final_cltv_expiry_delta: u64,
    /// Blocks before expiry at which a withholder finally registers the preimage.
    pub withhold_margin: u64,
    /// One-way message delay, ms.
    pub hop_delay_ms: u64,
    /// Routes tried per payment.
    pub max_attempts: usize,
    /// HTLCs a state may hold.
    pub max_htlcs: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            to_self_delay: DEFAULT_TO_SELF_DELAY,
            cltv_expiry_delta: MIN_CLTV_EXPIRY_DELTA,
            final_cltv_expiry_delta: MIN_FINAL_CLTV_EXPIRY_DELTA,
            withhold_margin: 2,
            hop_delay_ms: DEFAULT_HOP_DELAY_MS,
            max_attempts: 3,
            max_htlcs: 16,
        }
    }
}

/// One payment to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSpec {
    /// Payer.
    pub from: usize,
    /// Payee.
    pub to: usize,
    /// Wei the payee receives.
    pub amount: Wei,
    /// Seconds after the channels are open.
    pub at_seconds: u64,
}

/// A cheater broadcasting a revoked state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cheat {
    /// The cheater.
    pub node: usize,
    /// When it tries (seconds after the channels are open); it picks its channel whose best revoked state
    /// gains it the most and has no HTLC pending.
    pub at_seconds: u64,
    /// How long its victim is offline from that moment (the cheater picks its moment).
    pub victim_offline_seconds: u64,
}

/// A node offline for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offline {
    /// The node.
    pub node: usize,
    /// From (seconds after the channels are open).
    pub from_seconds: u64,
    /// For how long.
    pub seconds: u64,
}

/// Who deviates, who is away, who has a watchtower.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    /// Broadcasters of revoked states.
    pub cheaters: Vec<Cheat>,
    /// Nodes that withhold preimages from upstream until just before expiry.
    pub withholders: Vec<usize>,
    /// Payees that never settle their HTLCs (liquidity griefing).
    pub griefers: Vec<usize>,
    /// Offline periods.
    pub offline: Vec<Offline>,
    /// The first intermediate node of the first multi-hop payment at or after this index goes offline for
    /// this many seconds right after the HTLCs are added.
    pub offline_mid_payment: Option<(usize, u64)>,
    /// Nodes with a watchtower.
    pub watchtowers: Vec<usize>,
}

/// A whole run: the graph, the payments, the roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// Nodes.
    pub nodes: usize,
    /// Channels, opened in this order (channel `i` gets id `i`).
    pub channels: Vec<ChannelSpec>,
    /// Payments.
    pub payments: Vec<PaymentSpec>,
    /// Roles.
    pub roles: Roles,
    /// Protocol parameters.
    pub params: Params,
}

/// The attacks a random network can be run under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attack {
    /// Everybody honest and online.
    None,
    /// A node that paid through a channel closes it on the revoked state from before, while its victim is
    /// offline for longer than the window.
    Revoked,
    /// The best-connected node withholds preimages from upstream until just before expiry.
    Withhold,
    /// A routing node goes offline in the middle of a payment for 100 blocks.
    Offline,
    /// A payee holds every HTLC sent to it until it expires (a quarter of the payments go to it).
    Grief,
}

/// What a random network is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// The graph.
    pub graph: GraphConfig,
    /// Payments.
    pub payments: usize,
    /// Smallest payment, wei.
    pub min_payment: Wei,
    /// Largest payment, wei (drawn log-uniformly).
    pub max_payment: Wei,
    /// Seconds between payments.
    pub payment_interval_seconds: u64,
    /// The attack.
    pub attack: Attack,
    /// Whether every honest node has a watchtower.
    pub watchtower: bool,
}

impl NetworkConfig {
    /// `nodes` nodes with `nodes / 2` channels beyond a spanning tree, sides of 0.2 to 1 ETH, fees up to
    /// 1 gwei + 1,000 ppm, `payments` payments of 0.001 to 0.5 ETH, 2 s apart.
    pub fn new(nodes: usize, payments: usize, attack: Attack, watchtower: bool) -> NetworkConfig {
        NetworkConfig {
            graph: GraphConfig {
                nodes,
                extra_channels: nodes / 2,
                min_deposit: ETHER / 5,
                max_deposit: ETHER,
                max_fee_base_wei: 1_000_000_000,
                max_fee_ppm: 1_000,
            },
            payments,
            min_payment: ETHER / 1_000,
            max_payment: ETHER / 2,
            payment_interval_seconds: 2,
            attack,
            watchtower,
        }
    }
}

impl Scenario {
    /// A seeded random network, payments and roles for `attack`.
    ///
    /// # Errors
    /// [`ChannelError::InvalidScenario`] for fewer than 3 nodes or an empty payment range.
    pub fn random(cfg: &NetworkConfig, params: Params, rng: &mut impl Rng) -> Result<Scenario> {
        let n = cfg.graph.nodes;
        if n < 3 || cfg.min_payment == 0 || cfg.min_payment > cfg.max_payment {
            return Err(ChannelError::InvalidScenario("at least 3 nodes and a payment range 0 < min <= max".into()));
        }
        let channels = random_graph(&cfg.graph, rng);
        let (lo, hi) = ((cfg.min_payment as f64).ln(), (cfg.max_payment as f64).ln());
        let mut payments: Vec<PaymentSpec> = (0..cfg.payments)
            .map(|i| {
                let from = rng.gen_range(0..n);
                let to = (from + rng.gen_range(1..n)) % n;
                let amount = (rng.gen_range(lo..=hi).exp() as Wei).clamp(cfg.min_payment, cfg.max_payment);
                PaymentSpec { from, to, amount, at_seconds: i as u64 * cfg.payment_interval_seconds }
            })
            .collect();
        let end = cfg.payments as u64 * cfg.payment_interval_seconds;
        let mut roles = Roles::default();
        let mut degree = vec![0usize; n];
        for c in &channels {
            degree[c.a] += 1;
            degree[c.b] += 1;
        }
        let hub = (0..n).max_by_key(|&i| (degree[i], std::cmp::Reverse(i))).unwrap_or(0);
        match cfg.attack {
            Attack::None => {}
            Attack::Revoked => {
                // The cheater pays through its channels first, then closes one on the state from before.
                let cheater = rng.gen_range(0..n);
                for p in payments.iter_mut().step_by(3) {
                    p.from = cheater;
                    if p.to == cheater {
                        p.to = (cheater + 1) % n;
                    }
                }
                let window = params.to_self_delay * ChainConfig::default().slot_seconds;
                roles.cheaters.push(Cheat {
                    node: cheater,
                    at_seconds: end + 60,
                    victim_offline_seconds: window + 600,
                });
            }
            Attack::Withhold => roles.withholders.push(hub),
            Attack::Offline => roles.offline_mid_payment = Some((0, 100 * ChainConfig::default().slot_seconds)),
            Attack::Grief => {
                let griefer = (hub + 1) % n;
                roles.griefers.push(griefer);
                for p in payments.iter_mut().skip(1).step_by(4) {
                    if p.from != griefer {
                        p.to = griefer;
                    }
                }
            }
        }
        if cfg.watchtower {
            let bad: BTreeSet<usize> =
                roles.cheaters.iter().map(|c| c.node).chain(roles.griefers.iter().copied()).collect();
            roles.watchtowers = (0..n).filter(|i| !bad.contains(i)).collect();
        }
        Ok(Scenario { nodes: n, channels, payments, roles, params })
    }
}

/// How a hop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HopStatus {
    /// Still open.
    Pending,
    /// Fulfilled off chain.
    Fulfilled,
    /// Failed off chain.
    Failed,
    /// Unlocked on L1 to its receiver.
    ClaimedOnL1,
    /// Unlocked on L1 back to its offerer.
    RefundedOnL1,
    /// Its channel was closed on a state without it, or penalised: it moved with the channel.
    Superseded,
}

impl HopStatus {
    fn to_receiver(self) -> bool {
        matches!(self, HopStatus::Fulfilled | HopStatus::ClaimedOnL1)
    }
    fn to_offerer(self) -> bool {
        matches!(self, HopStatus::Failed | HopStatus::RefundedOnL1)
    }
}

/// How a payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Paid on every hop.
    Succeeded,
    /// Refunded on every hop (or never started).
    Failed,
    /// Some hops paid, some not: the atomicity the HTLCs are for was broken.
    Mixed,
}

/// One payment, as it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRecord {
    /// Payer.
    pub from: usize,
    /// Payee.
    pub to: usize,
    /// Wei to the payee.
    pub amount: Wei,
    /// Wei per hop, first to last (the payer paid the first).
    pub hop_amounts: Vec<Wei>,
    /// The nodes of the route, payer to payee.
    pub route: Vec<usize>,
    /// How each hop ended.
    pub hops: Vec<HopStatus>,
    /// Routes tried.
    pub attempts: usize,
    /// The outcome.
    pub outcome: Outcome,
    /// Whether any hop was resolved on L1.
    pub on_chain: bool,
    /// From the start to the payer knowing the outcome (seconds).
    pub latency_seconds: f64,
}

/// The role a node played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Follows the protocol.
    Honest,
    /// Broadcast a revoked state.
    Cheater,
    /// Withheld preimages.
    Withholder,
    /// Held HTLCs.
    Griefer,
}

/// One node, as it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    /// Its role.
    pub role: Role,
    /// Whether it had a watchtower.
    pub watchtower: bool,
    /// Whether it was online, or had a watchtower, within every dispute window (no offline period as long as
    /// `to_self_delay` without a tower).
    pub covered: bool,
    /// ETH it was given on L1.
    pub funded: Wei,
    /// Its L1 balance at the end.
    pub final_balance: Wei,
    /// Gas fees it paid.
    pub gas_paid: Wei,
    /// What its payments should have moved: paid and received amounts and forwarding fees of the payments
    /// that succeeded (wei, signed).
    pub expected_net: i128,
    /// `final_balance + gas_paid - funded - expected_net`: negative is a loss.
    pub surplus: i128,
}

/// Gas of one kind of call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallGas {
    /// The call.
    pub call: String,
    /// How many were sent.
    pub count: usize,
    /// Their total gas.
    pub gas: u64,
}

/// Success rate of payments in a size range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeBucket {
    /// Payments up to this many wei (above the previous bucket's bound).
    pub up_to_wei: Wei,
    /// Payments in the bucket.
    pub payments: usize,
    /// Of which succeeded.
    pub succeeded: usize,
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Nodes.
    pub nodes: usize,
    /// Channels opened.
    pub channels: usize,
    /// Payments attempted.
    pub payments: usize,
    /// Paid on every hop.
    pub succeeded: usize,
    /// Refunded on every hop, or no route.
    pub failed: usize,
    /// Paid on some hops only (should be 0).
    pub mixed: usize,
    /// Payments with a hop resolved on L1.
    pub resolved_on_chain: usize,
    /// L1 transactions (opens, deposits, closes, disputes, settlements, registrations, unlocks).
    pub l1_txs: usize,
    /// Their gas.
    pub l1_gas: u64,
    /// Their calldata, bytes.
    pub l1_calldata_bytes: usize,
    /// `l1_gas / payments`: opens and closes amortised over the run's payments.
    pub gas_per_payment: f64,
    /// Gas by call.
    pub gas_by_call: Vec<CallGas>,
    /// Σ channel capacity × seconds from its opening to its last payout.
    pub capital_locked_wei_seconds: u128,
    /// Σ HTLC amount × seconds it was pending.
    pub htlc_locked_wei_seconds: u128,
    /// Revoked states broadcast.
    pub revoked_closes: usize,
    /// Penalties applied.
    pub penalties: usize,
    /// Of which sent by a watchtower.
    pub penalties_by_watchtower: usize,
    /// Wei paid out by penalties.
    pub penalty_wei: Wei,
    /// Revoked states that were paid out as broadcast (nobody answered within the window).
    pub revoked_succeeded: usize,
    /// Median payment latency, seconds (payments that succeeded).
    pub median_payment_latency_seconds: f64,
    /// Spread of those latencies.
    pub payment_latency_seconds: ledger::stats::Spread,
    /// Per channel, from the first close request (cooperative or unilateral) to L1 finality of the block of
    /// its last payout: what withdrawing to L1 takes.
    pub withdrawal_seconds: ledger::stats::Spread,
    /// Channels closed cooperatively.
    pub cooperative_closes: usize,
    /// Channels closed unilaterally (honestly or not).
    pub unilateral_closes: usize,
    /// Success by payment size.
    pub success_by_size: Vec<SizeBucket>,
    /// Simulated seconds from the first open to the last payout.
    pub duration_seconds: u64,
    /// Whether L1 ETH is conserved (balances + burned = funded) and the contract holds exactly what its
    /// channels do.
    pub eth_conserved: bool,
    /// Whether every payment completed on every hop or on none.
    pub atomic: bool,
    /// Covered honest nodes that ended with less than they should (should be empty).
    pub honest_losers: Vec<usize>,
    /// Honest nodes that were not covered (offline for a whole window without a watchtower) and ended with
    /// less than they should: the victims of a revoked state nobody answered.
    pub uncovered_losers: Vec<usize>,
    /// Each node.
    pub node_records: Vec<NodeRecord>,
    /// Each payment.
    pub payment_records: Vec<PaymentRecord>,
}

struct Node {
    key: EthKey,
    funded: Wei,
    gas: Wei,
    known: BTreeSet<[u8; 32]>,
    tower: Option<Watchtower>,
    tower_gas: Wei,
    role: Role,
}

struct Chan {
    spec: ChannelSpec,
    id: ChannelId,
    a: ChannelEnd,
    b: ChannelEnd,
    opened_at: u64,
    close_requested_at: Option<u64>,
    done_at: Option<u64>,
    done_block: Option<u64>,
}

struct HopRun {
    hop: Hop,
    htlc: u64,
    amount: Wei,
    expiry: u64,
    status: HopStatus,
    since: u64,
    resolved_at: Option<u64>,
}

struct PaymentRun {
    spec: PaymentSpec,
    hash: [u8; 32],
    preimage: Preimage,
    hops: Vec<HopRun>,
    started: u64,
    messages: u64,
    attempts: usize,
    done: bool,
}

/// The running simulation.
struct Sim<'a> {
    sc: &'a Scenario,
    chain: Chain,
    contract: ChannelContract,
    nodes: Vec<Node>,
    chans: Vec<Chan>,
    pays: Vec<PaymentRun>,
    unresolved: BTreeSet<usize>,
    offline: Vec<Offline>,
    start: u64,
    unlocks: BTreeMap<(ChannelId, u64), Side>,
    cheats_done: Vec<bool>,
    mid_payment_done: bool,
    l1_txs: usize,
    l1_gas: u64,
    l1_bytes: usize,
    by_call: BTreeMap<&'static str, (usize, u64)>,
    revoked_closes: usize,
    penalties: usize,
    penalties_by_tower: usize,
    penalty_wei: Wei,
    revoked_succeeded: usize,
    revoked_channels: BTreeSet<ChannelId>,
}

/// Who sends an L1 transaction.
#[derive(Clone, Copy)]
enum Sender {
    Node(usize),
    Tower(usize),
}

/// Runs a scenario: opens its channels on a fresh default chain, makes its payments, plays its roles, and
/// resolves and closes everything.
///
/// # Errors
/// [`ChannelError::InvalidScenario`] for a malformed scenario or one that does not finish within
/// [`MAX_SLOTS`]; [`ChannelError::Reverted`] or [`ChannelError::Chain`] when an L1 call an actor expects to
/// succeed does not (a bug, not an attack).
pub fn run(sc: &Scenario, rng: &mut impl Rng) -> Result<Report> {
    validate(sc)?;
    let mut sim = Sim::new(sc, rng)?;
    sim.open_all()?;
    let mut next = 0;
    let mut slots = 0u64;
    loop {
        let now = sim.chain.now();
        while next < sc.payments.len() && sim.start.saturating_add(sc.payments[next].at_seconds) <= now {
            sim.start_payment(next, rng)?;
            next += 1;
        }
        sim.tick()?;
        if next == sc.payments.len() && sim.finished() {
            break;
        }
        sim.chain.advance_slot();
        slots += 1;
        if slots > MAX_SLOTS {
            return Err(ChannelError::InvalidScenario(format!("not finished after {MAX_SLOTS} slots")));
        }
    }
    Ok(sim.report())
}

fn validate(sc: &Scenario) -> Result<()> {
    let bad = |why: String| Err(ChannelError::InvalidScenario(why));
    if sc.nodes < 2 {
        return bad("at least 2 nodes".into());
    }
    for c in &sc.channels {
        if c.a >= sc.nodes
            || c.b >= sc.nodes
            || c.a == c.b
            || !(1..=MAX_AMOUNT).contains(&c.deposit_a)
            || !(1..=MAX_AMOUNT).contains(&c.deposit_b)
            || c.fee_base_wei > MAX_AMOUNT
            || c.fee_ppm > 1_000_000
        {
            return bad(format!("channel {c:?}"));
        }
    }
    for p in &sc.payments {
        if p.from >= sc.nodes || p.to >= sc.nodes || p.from == p.to || !(1..=MAX_AMOUNT).contains(&p.amount) {
            return bad(format!("payment {p:?}"));
        }
    }
    let r = &sc.roles;
    let nodes = r
        .cheaters
        .iter()
        .map(|c| c.node)
        .chain(r.withholders.iter().copied())
        .chain(r.griefers.iter().copied())
        .chain(r.offline.iter().map(|o| o.node))
        .chain(r.watchtowers.iter().copied());
    if nodes.into_iter().any(|n| n >= sc.nodes) {
        return bad("a role names a node that does not exist".into());
    }
    if sc.channels.len() > 100_000 || sc.payments.len() > 1_000_000 {
        return bad("at most 100,000 channels and 1,000,000 payments".into());
    }
    let p = sc.params;
    let blocks = [p.to_self_delay, p.cltv_expiry_delta, p.final_cltv_expiry_delta, p.withhold_margin];
    if blocks.iter().any(|&b| b > MAX_PARAM_BLOCKS)
        || p.hop_delay_ms > 3_600_000
        || p.max_attempts > 100
        || p.max_htlcs > 483
    {
        return bad(format!(
            "protocol parameters out of range (blocks up to {MAX_PARAM_BLOCKS}, delay up to an hour, 100 attempts, 483 HTLCs)"
        ));
    }
    if p.to_self_delay == 0
        || p.cltv_expiry_delta <= p.withhold_margin
        || p.final_cltv_expiry_delta <= p.withhold_margin
        || p.max_attempts == 0
    {
        return bad(
            "protocol parameters: positive window, deltas above the withhold margin, one attempt at least".into()
        );
    }
    Ok(())
}

impl<'a> Sim<'a> {
    fn new(sc: &'a Scenario, rng: &mut impl Rng) -> Result<Sim<'a>> {
        let mut chain = Chain::new(ChainConfig::default());
        let params = ChannelParams { to_self_delay: sc.params.to_self_delay, max_htlcs: sc.params.max_htlcs };
        let contract = ChannelContract::new(Address::from_label("channels contract"), params);
        let mut rng_bytes = [0u8; 32];
        let mut nodes = Vec::with_capacity(sc.nodes);
        for i in 0..sc.nodes {
            rng.fill(&mut rng_bytes);
            let key = EthKey::from_label(&format!("channel node {i} {}", hex_of(&rng_bytes)));
            let deposits: Wei = sc
                .channels
                .iter()
                .map(|c| {
                    if c.a == i {
                        c.deposit_a
                    } else if c.b == i {
                        c.deposit_b
                    } else {
                        0
                    }
                })
                .try_fold(0, Wei::checked_add)
                .ok_or_else(|| ChannelError::Amount("deposits".into()))?;
            let funded = deposits.checked_add(GAS_MONEY).ok_or_else(|| ChannelError::Amount("deposits".into()))?;
            chain.fund(key.address(), funded);
            let tower = sc.roles.watchtowers.contains(&i).then(|| {
                let t = Watchtower::new(Address::from_label(&format!("watchtower of node {i}")));
                chain.fund(t.address(), GAS_MONEY);
                t
            });
            let role = if sc.roles.cheaters.iter().any(|c| c.node == i) {
                Role::Cheater
            } else if sc.roles.griefers.contains(&i) {
                Role::Griefer
            } else if sc.roles.withholders.contains(&i) {
                Role::Withholder
            } else {
                Role::Honest
            };
            nodes.push(Node { key, funded, gas: 0, known: BTreeSet::new(), tower, tower_gas: 0, role });
        }
        Ok(Sim {
            sc,
            chain,
            contract,
            nodes,
            chans: Vec::new(),
            pays: Vec::new(),
            unresolved: BTreeSet::new(),
            offline: sc.roles.offline.clone(),
            start: 0,
            unlocks: BTreeMap::new(),
            cheats_done: vec![false; sc.roles.cheaters.len()],
            mid_payment_done: false,
            l1_txs: 0,
            l1_gas: 0,
            l1_bytes: 0,
            by_call: BTreeMap::new(),
            revoked_closes: 0,
            penalties: 0,
            penalties_by_tower: 0,
            penalty_wei: 0,
            revoked_succeeded: 0,
            revoked_channels: BTreeSet::new(),
        })
    }

    fn addr(&self, s: Sender) -> Address {
        match s {
            Sender::Node(i) => self.nodes[i].key.address(),
            Sender::Tower(i) => self.nodes[i].tower.as_ref().map_or(Address::ZERO, Watchtower::address),
        }
    }

    /// Sends one call; an honest actor expects it to succeed.
    fn send(&mut self, from: Sender, value: Wei, call: ChannelCall) -> Result<Vec<ChannelEvent>> {
        let name = call.name();
        let closing = match &call {
            ChannelCall::Close { channel, .. } => Some(*channel),
            ChannelCall::CooperativeClose { signed } => Some(signed.state.channel),
            _ => None,
        };
        let tx = TxRequest::new(self.addr(from), call.calldata(self.contract.address()), call).with_value(value);
        let bytes = tx.calldata.len();
        let r = self.chain.send(&mut self.contract, tx)?;
        self.l1_txs += 1;
        self.l1_gas += r.gas_used;
        self.l1_bytes += bytes;
        let e = self.by_call.entry(name).or_insert((0, 0));
        e.0 += 1;
        e.1 += r.gas_used;
        match from {
            Sender::Node(i) => self.nodes[i].gas += r.fee_paid,
            Sender::Tower(i) => self.nodes[i].tower_gas += r.fee_paid,
        }
        let events = r.outcome.map_err(|revert| ChannelError::Reverted { call: name, revert })?;
        let now = self.chain.now();
        let block = self.chain.block_number();
        if let Some(id) = closing {
            if let Some(c) = self.chans.get_mut(id.0 as usize) {
                c.close_requested_at.get_or_insert(now);
            }
        }
        for e in &events {
            match e {
                ChannelEvent::Penalized { amount, .. } => {
                    self.penalties += 1;
                    self.penalty_wei += amount;
                    if matches!(from, Sender::Tower(_)) {
                        self.penalties_by_tower += 1;
                    }
                }
                ChannelEvent::Unlocked { channel, htlc, to, .. } => {
                    self.unlocks.insert((*channel, *htlc), *to);
                }
                ChannelEvent::Settled { channel, .. } if self.revoked_channels.contains(channel) => {
                    self.revoked_succeeded += 1;
                }
                _ => {}
            }
            let done_channel = match e {
                ChannelEvent::Penalized { channel, .. }
                | ChannelEvent::CooperativelyClosed { channel, .. }
                | ChannelEvent::Settled { channel, .. }
                | ChannelEvent::Unlocked { channel, .. } => Some(*channel),
                _ => None,
            };
            if let Some(id) = done_channel {
                if self.contract.channel(id).is_some_and(|c| c.phase == Phase::Done) {
                    if let Some(c) = self.chans.get_mut(id.0 as usize) {
                        c.done_at.get_or_insert(now);
                        c.done_block.get_or_insert(block);
                    }
                }
            }
        }
        Ok(events)
    }

    fn open_all(&mut self) -> Result<()> {
        let mut seed = [0u8; 32];
        for (i, spec) in self.sc.channels.iter().enumerate() {
            let id = self.contract.next_channel_id();
            if id.0 != i as u64 {
                return Err(ChannelError::InvalidScenario("channel ids out of step".into()));
            }
            let partner = self.nodes[spec.b].key.address();
            self.send(Sender::Node(spec.a), spec.deposit_a, ChannelCall::Open { partner })?;
            self.send(Sender::Node(spec.b), spec.deposit_b, ChannelCall::Deposit { channel: id })?;
            let seeds = {
                let ka = self.nodes[spec.a].key.address();
                let kb = self.nodes[spec.b].key.address();
                seed[..20].copy_from_slice(ka.as_bytes());
                seed[20..28].copy_from_slice(&id.0.to_be_bytes());
                let sa = l1_contract_sim::ecdsa::keccak256(&seed);
                seed[..20].copy_from_slice(kb.as_bytes());
                let sb = l1_contract_sim::ecdsa::keccak256(&seed);
                (sa, sb)
            };
            let (a, b) = party::pair(
                id,
                self.contract.address(),
                (&self.nodes[spec.a].key, &self.nodes[spec.b].key),
                seeds,
                (spec.deposit_a, spec.deposit_b),
            );
            self.chans.push(Chan {
                spec: *spec,
                id,
                a,
                b,
                opened_at: self.chain.now(),
                close_requested_at: None,
                done_at: None,
                done_block: None,
            });
        }
        self.chain.advance_slot();
        self.start = self.chain.now();
        Ok(())
    }

    fn online(&self, node: usize) -> bool {
        let now = self.chain.now();
        !self.offline.iter().any(|o| {
            o.node == node
                && now >= o.from_seconds.saturating_add(self.start)
                && now < o.from_seconds.saturating_add(self.start).saturating_add(o.seconds)
        })
    }

    fn phase(&self, ch: usize) -> Option<&Phase> {
        self.contract.channel(self.chans[ch].id).map(|c| &c.phase)
    }

    fn is_open(&self, ch: usize) -> bool {
        self.phase(ch) == Some(&Phase::Open)
    }

    fn end(&self, ch: usize, node: usize) -> &ChannelEnd {
        let c = &self.chans[ch];
        if c.spec.a == node {
            &c.a
        } else {
            &c.b
        }
    }

    fn other(&self, ch: usize, node: usize) -> usize {
        let c = &self.chans[ch].spec;
        if c.a == node {
            c.b
        } else {
            c.a
        }
    }

    /// One off-chain update, `proposer` → its counterparty; both must be online and the channel open. Gives the
    /// breach data to watchtowers.
    fn offchain(&mut self, ch: usize, proposer: usize, change: Change) -> bool {
        if !self.is_open(ch) || !self.online(proposer) || !self.online(self.other(ch, proposer)) {
            return false;
        }
        let block = self.chain.block_number();
        let acceptor = self.other(ch, proposer);
        let c = &mut self.chans[ch];
        let (p, a) = if c.spec.a == proposer { (&mut c.a, &mut c.b) } else { (&mut c.b, &mut c.a) };
        match party::update(p, a, change, block) {
            Ok((pb, ab)) => {
                self.give_tower(proposer, pb);
                self.give_tower(acceptor, ab);
                true
            }
            Err(_) => false,
        }
    }

    fn give_tower(&mut self, node: usize, breach: Option<Breach>) {
        if let (Some(t), Some(b)) = (self.nodes[node].tower.as_mut(), breach) {
            t.watch(b);
        }
    }

    fn route_edges(&self, payer: usize, excluded: &BTreeSet<usize>) -> Vec<RouteEdge> {
        let mut edges = Vec::new();
        for (i, c) in self.chans.iter().enumerate() {
            if excluded.contains(&i) || !self.is_open(i) {
                continue;
            }
            let capacity = c.spec.deposit_a.saturating_add(c.spec.deposit_b);
            for (from, to) in [(c.spec.a, c.spec.b), (c.spec.b, c.spec.a)] {
                let can_carry = if from == payer { self.end(i, from).balance() } else { capacity };
                edges.push(RouteEdge {
                    channel: i,
                    from,
                    to,
                    can_carry,
                    fee_base_wei: c.spec.fee_base_wei,
                    fee_ppm: c.spec.fee_ppm,
                });
            }
        }
        edges
    }

    fn start_payment(&mut self, index: usize, rng: &mut impl Rng) -> Result<()> {
        let spec = self.sc.payments[index];
        let preimage: Preimage = rng.gen();
        let hash = payment_hash(&preimage);
        self.nodes[spec.to].known.insert(hash);
        let now = self.chain.now();
        let block = self.chain.block_number();
        let p = self.sc.params;
        let mut run =
            PaymentRun { spec, hash, preimage, hops: Vec::new(), started: now, messages: 0, attempts: 0, done: false };
        let mut excluded = BTreeSet::new();
        while self.online(spec.from) && run.attempts < p.max_attempts {
            let edges = self.route_edges(spec.from, &excluded);
            let Some(route) = find_route(&edges, self.sc.nodes, spec.from, spec.to, spec.amount, p.cltv_expiry_delta)
            else {
                break;
            };
            run.attempts += 1;
            // Amounts and expiries, from the payee back.
            let n = route.len();
            let mut amounts = vec![spec.amount; n];
            let mut expiries = vec![block + p.final_cltv_expiry_delta; n];
            for k in (0..n - 1).rev() {
                let fee = self.chans[route[k + 1].channel].spec.fee(amounts[k + 1]);
                amounts[k] = amounts[k + 1].checked_add(fee).ok_or_else(|| ChannelError::Amount("fees".into()))?;
                expiries[k] = expiries[k + 1] + p.cltv_expiry_delta;
            }
            let mut added: Vec<HopRun> = Vec::new();
            for (k, hop) in route.iter().enumerate() {
                let change = Change::AddHtlc { amount: amounts[k], payment_hash: hash, expiry: expiries[k] };
                if !self.offchain(hop.channel, hop.from, change) {
                    excluded.insert(hop.channel);
                    break;
                }
                run.messages += 3;
                let htlc = self.end(hop.channel, hop.from).latest().nonce;
                added.push(HopRun {
                    hop: *hop,
                    htlc,
                    amount: amounts[k],
                    expiry: expiries[k],
                    status: HopStatus::Pending,
                    since: now,
                    resolved_at: None,
                });
            }
            if added.len() == n {
                run.hops = added;
                break;
            }
            // Fail back what was added, payee side first; one message per hop back to the payer.
            for h in added.iter().rev() {
                if !self.offchain(h.hop.channel, h.hop.to, Change::Fail { id: h.htlc }) {
                    return Err(ChannelError::Refused("failing back a fresh HTLC".into()));
                }
                run.messages += 1;
            }
        }
        if run.hops.is_empty() {
            run.done = true;
        } else if let Some((from, seconds)) = self.sc.roles.offline_mid_payment {
            if !self.mid_payment_done && index >= from && run.hops.len() >= 2 {
                self.mid_payment_done = true;
                let node = run.hops[1].hop.from;
                self.offline.push(Offline { node, from_seconds: now - self.start, seconds });
            }
        }
        self.pays.push(run);
        let last = self.pays.len() - 1;
        if !self.pays[last].done {
            self.unresolved.insert(last);
        }
        self.progress(last)?;
        Ok(())
    }

    fn registered_before(&self, hash: &[u8; 32], expiry: u64) -> bool {
        self.contract.secret_registered_at(hash).is_some_and(|b| b < expiry)
    }

    /// Moves one payment on as far as it goes now.
    fn progress(&mut self, pi: usize) -> Result<()> {
        if self.pays[pi].done {
            return Ok(());
        }
        let block = self.chain.block_number();
        let now = self.chain.now();
        let hash = self.pays[pi].hash;
        let preimage = self.pays[pi].preimage;
        let registered = self.contract.secret_registered_at(&hash).is_some();
        let n = self.pays[pi].hops.len();
        // Whoever is on the route and online reads the registry.
        if registered {
            for k in 0..n {
                let h = self.pays[pi].hops[k].hop;
                for x in [h.from, h.to] {
                    if self.online(x) {
                        self.nodes[x].known.insert(hash);
                    }
                }
            }
        }
        let mut changed = true;
        while changed {
            changed = false;
            for k in (0..n).rev() {
                let h = &self.pays[pi].hops[k];
                if h.status != HopStatus::Pending {
                    continue;
                }
                let (hop, htlc, expiry) = (h.hop, h.htlc, h.expiry);
                let (u, v, ch) = (hop.from, hop.to, hop.channel);
                let v_role = self.nodes[v].role;
                // Griefers hold only the HTLCs paid to them; as routing nodes they behave.
                let griefing = v_role == Role::Griefer && k + 1 == n;
                let v_knows = self.nodes[v].known.contains(&hash);
                let immediate = now == self.pays[pi].started;
                let mut status = None;
                if self.is_open(ch) {
                    let downstream_dead = k + 1 < n && {
                        let d = &self.pays[pi].hops[k + 1];
                        d.status.to_offerer() || (block >= d.expiry && !self.registered_before(&hash, d.expiry))
                    };
                    if v_knows && v_role == Role::Withholder {
                        if self.online(v) && block + self.sc.params.withhold_margin >= expiry {
                            self.register(v, preimage)?;
                            self.send(Sender::Node(v), 0, self.end(ch, v).close())?;
                        }
                    } else if v_knows && !griefing {
                        if self.offchain(ch, v, Change::Fulfil { id: htlc, preimage }) {
                            self.nodes[u].known.insert(hash);
                            status = Some(HopStatus::Fulfilled);
                            if immediate {
                                self.pays[pi].messages += 1;
                            }
                        } else if self.online(v) {
                            if !registered && block < expiry {
                                self.register(v, preimage)?;
                            }
                            if block >= expiry {
                                self.send(Sender::Node(v), 0, self.end(ch, v).close())?;
                            }
                        }
                    } else if downstream_dead && !griefing && self.offchain(ch, v, Change::Fail { id: htlc }) {
                        status = Some(HopStatus::Failed);
                        if immediate {
                            self.pays[pi].messages += 1;
                        }
                    } else if block >= expiry && !self.registered_before(&hash, expiry) && self.online(u) {
                        if !griefing && self.offchain(ch, u, Change::Fail { id: htlc }) {
                            status = Some(HopStatus::Failed);
                        } else {
                            self.send(Sender::Node(u), 0, self.end(ch, u).close())?;
                        }
                    }
                } else {
                    let id = self.chans[ch].id;
                    if let Some(&to) = self.unlocks.get(&(id, htlc)) {
                        status = Some(if to == self.side_of(ch, v) {
                            HopStatus::ClaimedOnL1
                        } else {
                            HopStatus::RefundedOnL1
                        });
                    } else {
                        let holds = match self.phase(ch) {
                            Some(Phase::Closing { state, .. }) => state.htlcs.iter().any(|x| x.id == htlc),
                            Some(Phase::Settled { pending }) => pending.iter().any(|x| x.id == htlc),
                            _ => false,
                        };
                        if !holds && !matches!(self.phase(ch), Some(Phase::Closing { .. })) {
                            status = Some(HopStatus::Superseded);
                        } else if holds && v_knows && self.online(v) && !registered && block < expiry && !griefing {
                            self.register(v, preimage)?;
                        }
                    }
                }
                if let Some(s) = status {
                    let h = &mut self.pays[pi].hops[k];
                    h.status = s;
                    h.resolved_at = Some(now);
                    changed = true;
                }
            }
        }
        if self.pays[pi].hops.iter().all(|h| h.status != HopStatus::Pending) {
            self.pays[pi].done = true;
        }
        if self.pays[pi].done {
            self.unresolved.remove(&pi);
        }
        Ok(())
    }

    fn side_of(&self, ch: usize, node: usize) -> Side {
        if self.chans[ch].spec.a == node {
            Side::A
        } else {
            Side::B
        }
    }

    fn register(&mut self, node: usize, preimage: Preimage) -> Result<()> {
        if self.contract.secret_registered_at(&payment_hash(&preimage)).is_none() {
            self.send(Sender::Node(node), 0, ChannelCall::RegisterSecret { preimage })?;
        }
        Ok(())
    }

    fn tick(&mut self) -> Result<()> {
        let now = self.chain.now();
        let block = self.chain.block_number();
        // Cheats due.
        for (ci, cheat) in self.sc.roles.cheaters.iter().enumerate() {
            if self.cheats_done[ci] || now < self.start.saturating_add(cheat.at_seconds) || !self.online(cheat.node) {
                continue;
            }
            self.cheats_done[ci] = true;
            let mut best: Option<(usize, Wei, ChannelCall)> = None;
            for ch in 0..self.chans.len() {
                let s = &self.chans[ch].spec;
                if (s.a != cheat.node && s.b != cheat.node) || !self.is_open(ch) {
                    continue;
                }
                let end = self.end(ch, cheat.node);
                if !end.latest().htlcs.is_empty() {
                    continue;
                }
                if let Some(call) = end.revoked_close() {
                    let gain = match &call {
                        ChannelCall::Close { signed: Some(s), .. } => {
                            s.state.balance(end.side()).saturating_sub(end.balance())
                        }
                        _ => 0,
                    };
                    if best.as_ref().is_none_or(|b| gain > b.1) {
                        best = Some((ch, gain, call));
                    }
                }
            }
            if let Some((ch, _, call)) = best {
                let victim = self.other(ch, cheat.node);
                self.offline.push(Offline {
                    node: victim,
                    from_seconds: now - self.start,
                    seconds: cheat.victim_offline_seconds,
                });
                self.send(Sender::Node(cheat.node), 0, call)?;
                self.revoked_closes += 1;
                self.revoked_channels.insert(self.chans[ch].id);
            }
        }
        // Payments.
        let open: Vec<usize> = self.unresolved.iter().copied().collect();
        for pi in open {
            self.progress(pi)?;
        }
        // Channels on L1.
        for ch in 0..self.chans.len() {
            let (a, b, id) = (self.chans[ch].spec.a, self.chans[ch].spec.b, self.chans[ch].id);
            match self.phase(ch).cloned() {
                Some(Phase::Closing { closer, settle_from, state }) => {
                    let (closer_node, other) = if closer == Side::A { (a, b) } else { (b, a) };
                    if block < settle_from {
                        if self.online(other) {
                            if let Some(call) = self.end(ch, other).answer_close(&state) {
                                self.send(Sender::Node(other), 0, call)?;
                            }
                        } else if let Some(call) = self.nodes[other].tower.as_ref().and_then(|t| {
                            t.check(&self.contract, block)
                                .into_iter()
                                .find(|c| matches!(c, ChannelCall::Penalize { channel, .. } if *channel == id))
                        }) {
                            self.send(Sender::Tower(other), 0, call)?;
                        }
                    } else if let Some(n) = [closer_node, other].into_iter().find(|&n| self.online(n)) {
                        self.send(Sender::Node(n), 0, ChannelCall::Settle { channel: id, state })?;
                    }
                }
                Some(Phase::Settled { pending }) => {
                    let Some(n) = [a, b].into_iter().find(|&n| self.online(n)) else { continue };
                    for h in &pending {
                        let decided = self.registered_before(&h.payment_hash, h.expiry) || block >= h.expiry;
                        if decided {
                            let Some(Phase::Settled { pending: now_pending }) = self.phase(ch).cloned() else { break };
                            self.send(
                                Sender::Node(n),
                                0,
                                ChannelCall::Unlock { channel: id, pending: now_pending, htlc: h.id },
                            )?;
                        }
                    }
                }
                _ => {}
            }
        }
        // Once everything is resolved, close cooperatively.
        let all_resolved = self.pays.len() == self.sc.payments.len()
            && self.unresolved.is_empty()
            && self.cheats_done.iter().all(|&d| d);
        if all_resolved {
            for ch in 0..self.chans.len() {
                let (a, b) = (self.chans[ch].spec.a, self.chans[ch].spec.b);
                if !self.is_open(ch) {
                    continue;
                }
                // A peer that is away: force-close on the latest state rather than wait.
                match (self.online(a), self.online(b)) {
                    (true, true) => {}
                    (true, false) => {
                        self.send(Sender::Node(a), 0, self.end(ch, a).close())?;
                        continue;
                    }
                    (false, true) => {
                        self.send(Sender::Node(b), 0, self.end(ch, b).close())?;
                        continue;
                    }
                    (false, false) => continue,
                }
                let c = &self.chans[ch];
                let Ok(state) = c.a.closing_state() else { continue };
                let (Ok(sig_a), Ok(sig_b)) = (c.a.sign_closing(&state), c.b.sign_closing(&state)) else { continue };
                let signed = crate::types::SignedState { state, sig_a, sig_b };
                self.send(Sender::Node(a), 0, ChannelCall::CooperativeClose { signed })?;
            }
        }
        Ok(())
    }

    fn finished(&self) -> bool {
        self.unresolved.is_empty()
            && self.cheats_done.iter().all(|&d| d)
            && self.chans.iter().all(|c| self.contract.channel(c.id).is_some_and(|x| x.phase == Phase::Done))
    }

    fn report(&self) -> Report {
        let sc = self.sc;
        let delay = sc.params.hop_delay_ms as f64 / 1000.0;
        let mut records = Vec::new();
        let mut expected = vec![0i128; sc.nodes];
        let mut latencies = Vec::new();
        let mut htlc_locked: u128 = 0;
        let end_time = self.chain.now();
        for p in &self.pays {
            let statuses: Vec<HopStatus> = p.hops.iter().map(|h| h.status).collect();
            let outcome = if statuses.is_empty() || statuses.iter().all(|s| s.to_offerer()) {
                Outcome::Failed
            } else if statuses.iter().all(|s| s.to_receiver()) {
                Outcome::Succeeded
            } else {
                Outcome::Mixed
            };
            for h in &p.hops {
                let until = h.resolved_at.unwrap_or(end_time);
                htlc_locked += h.amount * u128::from(until.saturating_sub(h.since).max(1));
            }
            if outcome == Outcome::Succeeded {
                for h in &p.hops {
                    expected[h.hop.from] -= h.amount as i128;
                    expected[h.hop.to] += h.amount as i128;
                }
            }
            let on_chain = statuses.iter().any(|s| matches!(s, HopStatus::ClaimedOnL1 | HopStatus::RefundedOnL1));
            // The payer knows when its own hop is decided: fulfilled, or its preimage registered, or failed.
            let known_at = match p.hops.first() {
                Some(h) if h.status == HopStatus::ClaimedOnL1 => self
                    .contract
                    .secret_registered_at(&p.hash)
                    .map(|b| self.chain.config().slot_timestamp(b))
                    .or(h.resolved_at),
                Some(h) => h.resolved_at,
                None => Some(p.started),
            }
            .unwrap_or(end_time);
            let latency = known_at.saturating_sub(p.started) as f64 + p.messages as f64 * delay;
            if outcome == Outcome::Succeeded {
                latencies.push(latency);
            }
            let mut route: Vec<usize> = p.hops.iter().map(|h| h.hop.from).collect();
            if let Some(l) = p.hops.last() {
                route.push(l.hop.to);
            }
            records.push(PaymentRecord {
                from: p.spec.from,
                to: p.spec.to,
                amount: p.spec.amount,
                hop_amounts: p.hops.iter().map(|h| h.amount).collect(),
                route,
                hops: statuses,
                attempts: p.attempts,
                outcome,
                on_chain,
                latency_seconds: latency,
            });
        }
        let window_secs = sc.params.to_self_delay * self.chain.config().slot_seconds;
        let mut node_records = Vec::new();
        let mut losers = Vec::new();
        let mut uncovered = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let has_tower = n.tower.is_some();
            let long_away = self
                .offline
                .iter()
                .any(|o| o.node == i && o.seconds >= window_secs.saturating_sub(self.chain.config().slot_seconds));
            let covered = n.role == Role::Honest && (has_tower || !long_away);
            let final_balance = self.chain.balance(n.key.address());
            let surplus = final_balance as i128 + n.gas as i128 - n.funded as i128 - expected[i];
            if covered && surplus < 0 {
                losers.push(i);
            } else if n.role == Role::Honest && surplus < 0 {
                uncovered.push(i);
            }
            node_records.push(NodeRecord {
                role: n.role,
                watchtower: has_tower,
                covered,
                funded: n.funded,
                final_balance,
                gas_paid: n.gas,
                expected_net: expected[i],
                surplus,
            });
        }
        let capital: u128 = self
            .chans
            .iter()
            .map(|c| {
                c.spec.deposit_a.saturating_add(c.spec.deposit_b)
                    * u128::from(c.done_at.unwrap_or(end_time).saturating_sub(c.opened_at))
            })
            .sum();
        let succeeded = records.iter().filter(|r| r.outcome == Outcome::Succeeded).count();
        let failed = records.iter().filter(|r| r.outcome == Outcome::Failed).count();
        let mixed = records.len() - succeeded - failed;
        let conserved = self.chain.total_supply_tracked() == self.chain.total_funded()
            && self.chain.balance(self.contract.address()) == self.contract.liabilities();
        let bounds = [ETHER / 100, ETHER / 20, ETHER / 5, Wei::MAX];
        let success_by_size = bounds
            .iter()
            .enumerate()
            .map(|(i, &up)| {
                let lo = if i == 0 { 0 } else { bounds[i - 1] };
                let inb: Vec<&PaymentRecord> = records.iter().filter(|r| r.amount > lo && r.amount <= up).collect();
                SizeBucket {
                    up_to_wei: up,
                    payments: inb.len(),
                    succeeded: inb.iter().filter(|r| r.outcome == Outcome::Succeeded).count(),
                }
            })
            .collect();
        let spread = ledger::stats::Spread::of(&latencies);
        let withdrawals: Vec<f64> = self
            .chans
            .iter()
            .filter_map(|c| {
                let (asked, block) = (c.close_requested_at?, c.done_block?);
                Some(self.chain.finality_time(block).saturating_sub(asked) as f64)
            })
            .collect();
        let count = |name: &str| self.by_call.get(name).map_or(0, |c| c.0);
        Report {
            nodes: sc.nodes,
            channels: self.chans.len(),
            payments: records.len(),
            succeeded,
            failed,
            mixed,
            resolved_on_chain: records.iter().filter(|r| r.on_chain).count(),
            l1_txs: self.l1_txs,
            l1_gas: self.l1_gas,
            l1_calldata_bytes: self.l1_bytes,
            gas_per_payment: if records.is_empty() { 0.0 } else { self.l1_gas as f64 / records.len() as f64 },
            gas_by_call: self
                .by_call
                .iter()
                .map(|(k, (c, g))| CallGas { call: (*k).to_string(), count: *c, gas: *g })
                .collect(),
            capital_locked_wei_seconds: capital,
            htlc_locked_wei_seconds: htlc_locked,
            revoked_closes: self.revoked_closes,
            penalties: self.penalties,
            penalties_by_watchtower: self.penalties_by_tower,
            penalty_wei: self.penalty_wei,
            revoked_succeeded: self.revoked_succeeded,
            median_payment_latency_seconds: spread.median,
            payment_latency_seconds: spread,
            withdrawal_seconds: ledger::stats::Spread::of(&withdrawals),
            cooperative_closes: count("cooperative close"),
            unilateral_closes: count("close"),
            success_by_size,
            duration_seconds: end_time.saturating_sub(self.chans.first().map_or(0, |c| c.opened_at)),
            eth_conserved: conserved,
            atomic: mixed == 0,
            honest_losers: losers,
            uncovered_losers: uncovered,
            node_records,
            payment_records: records,
        }
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
