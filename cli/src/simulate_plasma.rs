//! `rollup simulate plasma`: Plasma (More Viable Plasma) on the simulated L1 — an honest operator, or one
//! that withholds a block or includes an invalid transaction, users who watch or go offline, cheaters and
//! a challenger; or, with `--mass-exit`, every user exiting at once through the L1's gas limit and base fee.

use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};
use plasma::mass_exit::{self, MassExitConfig, MassExitPoint};
use plasma::{Attack, Report, Scenario};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use crate::exit::unusable_msg;
use crate::limits;
use crate::output;

/// What the operator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AttackArg {
    /// Publishes every block, includes only valid transactions.
    None,
    /// Commits a block that steals an output, withholds its data, exits the stolen output.
    Withhold,
    /// Publishes a block spending someone else's output without their signature, exits it.
    InvalidTx,
}

/// Arguments of `rollup simulate plasma`.
#[derive(Debug, Args)]
pub struct SimulatePlasmaArgs {
    /// Users, 2 to 1000, each depositing 1 ETH.
    #[arg(long, default_value_t = 4, value_parser = limits::plasma_users())]
    pub users: u32,
    /// Payments (transfers and withdrawals) after the deposits, 0 to 100000.
    #[arg(long, default_value_t = 16, value_parser = limits::plasma_payments())]
    pub payments: usize,
    /// Share of withdrawals among the payments, 0 to 1.
    #[arg(long, default_value_t = 0.25, value_parser = limits::share)]
    pub withdrawal_share: f64,
    /// Most transactions per child block, 1 to 65536.
    #[arg(long, default_value_t = 4, value_parser = limits::plasma_block_size())]
    pub block_size: usize,
    /// What the operator does.
    #[arg(long, value_enum, default_value_t = AttackArg::None)]
    pub attack: AttackArg,
    /// The child block (0-based) at which the operator attacks, 0 to 100000 (or at the end of the
    /// payments if there are fewer blocks).
    #[arg(long, default_value_t = 1, value_parser = limits::attack_block())]
    pub attack_block: u64,
    /// Share of users offline from the attack on, 0 to 1.
    #[arg(long, default_value_t = 0.0, value_parser = limits::share)]
    pub offline_share: f64,
    /// Online users who try to exit an output they already spent, 0 to --users.
    #[arg(long, default_value_t = 0)]
    pub cheaters: u32,
    /// Minimum exit period in seconds, 60 to 31536000 (OMG: one week).
    #[arg(long, value_name = "SECONDS", default_value_t = 604_800, value_parser = limits::exit_period())]
    pub exit_period: u64,
    /// Run the mass exit instead: the operator withholds a block and every user must exit in time.
    #[arg(long)]
    pub mass_exit: bool,
    /// Mass exit: user counts run on the chain, comma-separated, each 1 to 20000.
    #[arg(long, value_delimiter = ',', default_value = "1000", value_parser = limits::mass_exit_on_chain())]
    pub on_chain: Vec<u64>,
    /// Mass exit: user counts computed from the measured gas per exit, comma-separated, each 1 to 10^9.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000", value_parser = limits::mass_exit_computed())]
    pub computed: Vec<u64>,
    /// Mass exit: share of each block other L1 traffic wants at the initial base fee, 0 to 1.
    #[arg(long, default_value_t = 0.5, value_parser = limits::share)]
    pub background_share: f64,
    /// Mass exit: also compute every count of --on-chain and --computed for this second exit period (in
    /// seconds, 60 to 31536000) with the gas per exit measured on the chain.
    #[arg(long, value_name = "SECONDS", value_parser = limits::exit_period())]
    pub second_period: Option<u64>,
    /// Mass exit: the L1 block gas limit, 1000000 to 1000000000 (mainnet: 36000000).
    #[arg(long, default_value_t = 36_000_000, value_parser = limits::block_gas_limit())]
    pub block_gas_limit: u64,
    /// Mass exit: also write the chart (SVG) to this file.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// Seed of keys, payments and arrival order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `--mass-exit --json` prints.
#[derive(Debug, Serialize)]
struct MassExitReport {
    config: MassExitConfig,
    points: Vec<MassExitPoint>,
}

/// `rollup simulate plasma`.
pub fn run(args: SimulatePlasmaArgs) -> Result<()> {
    if args.cheaters > args.users {
        return Err(unusable_msg(format_args!(
            "invalid value {} for --cheaters: 0 to --users ({})",
            args.cheaters, args.users
        )));
    }
    if args.mass_exit {
        return run_mass_exit(&args);
    }
    if args.chart.is_some() {
        return Err(unusable_msg("--chart needs --mass-exit"));
    }
    let scenario = Scenario {
        users: args.users,
        payments: args.payments,
        withdrawal_share: args.withdrawal_share,
        block_size: args.block_size,
        attack: match args.attack {
            AttackArg::None => Attack::None,
            AttackArg::Withhold => Attack::Withhold,
            AttackArg::InvalidTx => Attack::InvalidTx,
        },
        attack_block: usize::try_from(args.attack_block).unwrap_or(usize::MAX),
        offline_share: args.offline_share,
        cheaters: args.cheaters,
        min_exit_period: args.exit_period,
        ..Scenario::default()
    };
    let report = plasma::run(&scenario, &mut ChaCha20Rng::seed_from_u64(args.seed))?;
    if args.json {
        output::json(&report)?;
    } else {
        output::line(summary(&scenario, &report))?;
    }
    if !report.eth_conserved || !report.contract_solvent || report.output_paid_twice {
        bail!("ETH is not conserved, the contract cannot pay what it owes, or an output was paid twice");
    }
    if !report.online_users_whole {
        bail!("an online honest user did not get all its funds out");
    }
    Ok(())
}

fn run_mass_exit(args: &SimulatePlasmaArgs) -> Result<()> {
    let config = MassExitConfig {
        min_exit_period: args.exit_period,
        background_share: args.background_share,
        chain: l1_contract_sim::ChainConfig {
            block_gas_limit: args.block_gas_limit,
            ..l1_contract_sim::ChainConfig::default()
        },
        ..MassExitConfig::default()
    };
    let mut on_chain = args.on_chain.clone();
    on_chain.sort_unstable();
    let mut points = mass_exit::curve(&config, &on_chain, &args.computed, &mut ChaCha20Rng::seed_from_u64(args.seed))?;
    if let Some(period) = args.second_period {
        let gas = points.iter().rfind(|p| !p.computed).map_or(0.0, |p| p.exit_gas);
        let second = MassExitConfig { min_exit_period: period, ..config.clone() };
        for n in on_chain.iter().chain(&args.computed) {
            points.push(mass_exit::computed(&second, *n, gas)?);
        }
    }
    if let Some(path) = &args.chart {
        let chart_points: Vec<compare::designs::plasma::ChartPoint> = points
            .iter()
            .map(|p| compare::designs::plasma::ChartPoint {
                users: p.users as f64,
                period_days: p.period_seconds as f64 / 86_400.0,
                share: p.share_in_time,
                peak_gwei: p.peak_base_fee_gwei,
                computed: p.computed,
            })
            .collect();
        let svg = compare::report::charts::mass_exit_chart(&chart_points)?;
        std::fs::write(path, svg).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        return output::json(&MassExitReport { config, points });
    }
    let mut lines = vec![format!(
        "Plasma mass exit: the operator withholds a block; every user must exit within {:.1} days ({} gas per L1 \
         block, {}% of it taken by other traffic at 1 gwei, users paying up to 2 to 200 gwei per gas)",
        args.exit_period as f64 / 86_400.0,
        args.block_gas_limit,
        args.background_share * 100.0
    )];
    lines.push(format!(
        "{:>12}  {:>8}  {:>10}  {:>10}  {:>8}  {:>14}  {:>12}  {:>18}",
        "users", "how", "in time", "failed", "share", "peak base fee", "last exit", "failed: caps up to"
    ));
    let mut second_header = false;
    for p in &points {
        if p.period_seconds != args.exit_period && !std::mem::replace(&mut second_header, true) {
            lines.push(format!("with a {:.1}-day period instead (computed):", p.period_seconds as f64 / 86_400.0));
        }
        lines.push(format!(
            "{:>12}  {:>8}  {:>10}  {:>10}  {:>7.1}%  {:>9.1} gwei  {:>10.1} h  {:>18}",
            p.users,
            if p.computed { "computed" } else { "run" },
            p.exited_in_time,
            p.failed_to_exit,
            100.0 * p.share_in_time,
            p.peak_base_fee_gwei,
            p.last_exit_seconds as f64 / 3600.0,
            p.highest_cap_failed_gwei.map_or("-".to_string(), |c| format!("{c:.1} gwei"))
        ));
    }
    let measured = points.iter().rfind(|p| !p.computed).map_or(0.0, |p| p.exit_gas);
    lines.push(format!("gas per exit (measured on the chain, used by the computed rows): {measured:.0}"));
    output::line(lines.join("\n"))
}

fn days(seconds: f64) -> String {
    format!("{seconds} s ({:.2} days)", seconds / 86_400.0)
}

fn summary(s: &Scenario, r: &Report) -> String {
    let attack = match r.attack_detected {
        Some((t, fault)) => format!("{fault:?} block noticed at t = {t} s").to_lowercase(),
        None => "none".into(),
    };
    [
        format!(
            "Plasma (MoreVP) on the simulated L1 ({} users, blocks of up to {} transactions, {:.1}-day exit period)",
            s.users,
            s.block_size,
            s.min_exit_period as f64 / 86_400.0
        ),
        format!("child blocks:        {} ({} deposits, {} child transactions)", r.blocks, r.deposits, r.child_txs),
        format!("attack:              {attack}"),
        format!(
            "exits:               {} ({} standard, {} in-flight, {} piggybacks)",
            r.exits, r.standard_exits, r.in_flight_exits, r.piggybacks
        ),
        format!("challenges:          {} (cheaters' bonds lost: {} wei)", r.challenges, r.cheater_bonds_lost),
        format!("exit gas:            {:.0} standard, {:.0} in-flight", r.exit_gas, r.in_flight_exit_gas),
        format!("L1 gas per tx:       {:.0} (block roots amortised)", r.l1_gas_per_tx),
        format!("exited in time:      {}; failed to exit: {}", r.exited_in_time, r.failed_to_exit),
        format!(
            "withdrawal latency:  median {}, max {}",
            days(r.withdrawal_latency_seconds.median),
            days(r.withdrawal_latency_seconds.max)
        ),
        format!("operator took:       {} wei; offline users did not get out: {} wei", r.operator_took, r.offline_loss),
        format!("online users whole:  {}", if r.online_users_whole { "yes" } else { "NO" }),
        format!(
            "ETH conserved:       {}; contract solvent: {}",
            if r.eth_conserved { "yes" } else { "no" },
            if r.contract_solvent { "yes" } else { "no" }
        ),
    ]
    .join("\n")
}
