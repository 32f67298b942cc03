//! `rollup simulate channels`: payment channels on the simulated L1. A seeded random
//! network of two-party channels on one adjudicator contract, multi-hop HTLC payments
//! routed over it, and one adversary; every L1 call is metered and every off-chain
//! update signed with secp256k1.

use anyhow::{bail, Result};
use channels::driver::{Attack, NetworkConfig, Params, Report, Scenario};
use clap::{Args, ValueEnum};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;

use crate::exit::unusable_msg;
use crate::limits;
use crate::output;

/// The adversary of a channels run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AttackArg {
    /// Everybody honest and online.
    None,
    /// A node closes a channel on a revoked state while its victim is offline for longer
    /// than the dispute window: punished by the victim's watchtower, or paid out without one.
    Revoked,
    /// The best-connected node withholds preimages from upstream until just before expiry,
    /// then claims on L1.
    Withhold,
    /// A routing node goes offline mid-payment for 100 blocks; its downstream hop claims on L1.
    Offline,
    /// A payee holds every HTLC sent to it until it expires (a quarter of the payments).
    Grief,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

/// Arguments of `rollup simulate channels`.
#[derive(Debug, Args)]
pub struct SimulateChannelsArgs {
    /// Nodes, 3 to 1000 (a random spanning tree plus nodes / 2 extra channels).
    #[arg(long, default_value_t = channels::driver::DEFAULT_NODES, value_parser = limits::channel_nodes())]
    pub nodes: usize,
    /// Payments, 2 s apart, of 0.001 to 0.5 ETH, 1 to 100000.
    #[arg(long, default_value_t = 50, value_parser = limits::channel_payments())]
    pub payments: usize,
    /// The adversary.
    #[arg(long, value_enum, default_value_t = AttackArg::None)]
    pub attack: AttackArg,
    /// Whether honest nodes have a watchtower.
    #[arg(long, value_enum, default_value_t = Switch::On)]
    pub watchtower: Switch,
    /// Seed of the graph, the payments, the keys and the preimages.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `rollup simulate channels`.
pub fn run(args: SimulateChannelsArgs) -> Result<()> {
    // The parsers bound these; checked again for callers that build the arguments.
    if !(3..=limits::MAX_CHANNEL_NODES).contains(&args.nodes) {
        return Err(unusable_msg(format_args!("invalid value {} for --nodes", args.nodes)));
    }
    if !(1..=limits::MAX_CHANNEL_PAYMENTS).contains(&args.payments) {
        return Err(unusable_msg(format_args!("invalid value {} for --payments", args.payments)));
    }
    let attack = match args.attack {
        AttackArg::None => Attack::None,
        AttackArg::Revoked => Attack::Revoked,
        AttackArg::Withhold => Attack::Withhold,
        AttackArg::Offline => Attack::Offline,
        AttackArg::Grief => Attack::Grief,
    };
    let config = NetworkConfig::new(args.nodes, args.payments, attack, args.watchtower == Switch::On);
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let scenario = Scenario::random(&config, Params::default(), &mut rng)?;
    let report = channels::run(&scenario, &mut rng)?;
    if args.json {
        output::json(&report)?;
    } else {
        output::line(summary(&scenario, &report))?;
    }
    if !report.eth_conserved || !report.atomic || !report.honest_losers.is_empty() {
        bail!("ETH not conserved, a payment completed on some hops only, or a covered honest node lost funds");
    }
    Ok(())
}

fn eth(wei: u128) -> String {
    format!("{:.6} ETH", wei as f64 / 1e18)
}

fn summary(s: &Scenario, r: &Report) -> String {
    let mut lines = vec![
        format!(
            "payment channels on the simulated L1 ({} nodes, {} channels, to_self_delay {} blocks, cltv_expiry_delta {} blocks, {} ms per message)",
            r.nodes, r.channels, s.params.to_self_delay, s.params.cltv_expiry_delta, s.params.hop_delay_ms
        ),
        format!(
            "payments:            {} ({} succeeded, {} failed, {} on some hops only; {} resolved on L1)",
            r.payments, r.succeeded, r.failed, r.mixed, r.resolved_on_chain
        ),
        format!(
            "latency:             median {:.2} s, max {:.2} s (off-chain round trips; L1 waits when a hop went on chain)",
            r.payment_latency_seconds.median, r.payment_latency_seconds.max
        ),
        format!("L1:                  {} transactions, {} gas, {:.0} gas per payment (opens and closes amortised)", r.l1_txs, r.l1_gas, r.gas_per_payment),
    ];
    for c in &r.gas_by_call {
        lines.push(format!("  {:<18} {:>5} x {:>8.0} gas", c.call, c.count, c.gas as f64 / c.count.max(1) as f64));
    }
    lines.push(format!(
        "capital locked:      {:.3e} wei·s in channels, {:.3e} wei·s in HTLCs",
        r.capital_locked_wei_seconds as f64, r.htlc_locked_wei_seconds as f64
    ));
    lines.push(format!(
        "revoked states:      {} broadcast, {} punished ({} by a watchtower, {} taken), {} paid out as broadcast",
        r.revoked_closes,
        r.penalties,
        r.penalties_by_watchtower,
        eth(r.penalty_wei),
        r.revoked_succeeded
    ));
    for b in &r.success_by_size {
        let bound = if b.up_to_wei == u128::MAX { "larger".to_string() } else { format!("<= {}", eth(b.up_to_wei)) };
        lines.push(format!("  size {bound:<18} {:>5} payments, {:>5} succeeded", b.payments, b.succeeded));
    }
    lines.push(format!(
        "ETH conserved:       {}; atomic: {}; covered honest nodes that lost: {}; uncovered (offline all window, no tower): {}",
        if r.eth_conserved { "yes" } else { "NO" },
        if r.atomic { "yes" } else { "NO" },
        r.honest_losers.len(),
        r.uncovered_losers.len()
    ));
    lines.join("\n")
}
