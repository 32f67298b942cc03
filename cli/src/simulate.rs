//! `rollup simulate zk`: the zk rollup end to end on the simulated L1. Users deposit
//! on L1, the operator proves batches with real Groth16 proofs, the rollup contract
//! verifies them and pays out withdrawals; or the exodus scenario, where the operator
//! goes silent and every user still gets out. Everything is seeded and reproducible
//! except the measured times (and the timeline they shift).
//!
//! The readable summary and the JSON of a [`ZkReport`] are shared with `rollup demo`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use l1_contract_sim::{Wei, ETHER};
use ledger::ChainId;
use prover::{Keys, Prover};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;
use zk_rollup::contract::DataMode;
use zk_rollup::simulation::{ExodusReport, Spread, ZkReport, ZkScenario};

use crate::exit::unusable_msg;
use crate::limits;
use crate::output;
use crate::progress::Spinner;
use crate::zk;

/// Simulations on the simulated L1.
#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// The zk rollup end to end: deposits on L1, L2 transfers and withdrawals, every
    /// batch proved with a real Groth16 proof and verified by the L1 contract,
    /// withdrawals paid on L1; or (`--scenario exodus`) the operator going silent and
    /// every user exiting with a Merkle proof of their balance. Exits 1 when ETH is
    /// not conserved, the contract does not back the L2 balances, or someone could not
    /// get out.
    Zk(SimulateZkArgs),
    /// The optimistic rollup: assertions with bonds, a challenge window, and disputes
    /// played by interactive bisection down to a one-step proof on L1. Choose a lying
    /// proposer (`--lie-at`) and who challenges (`--challenger`).
    Optimistic(crate::simulate_optimistic::SimulateOptimisticArgs),
    /// Payment channels: a seeded random network of two-party channels on one L1
    /// adjudicator contract, multi-hop HTLC payments routed over it, and an adversary
    /// (`--attack`): a revoked state broadcast, a withheld preimage, a routing node going
    /// offline mid-payment, or liquidity griefing; watchtowers on or off.
    Channels(crate::simulate_channels::SimulateChannelsArgs),
    /// A proof-of-stake sidechain (Tendermint-style BFT, 2 s blocks) with a checkpoint
    /// bridge on L1 that trusts more than 2/3 of the stake: ECDSA or BLS checkpoints,
    /// offline validators, a colluding coalition draining the bridge, equivocation
    /// slashed on L1; or (`--gas-table`) checkpoint gas by validator count.
    Sidechain(crate::simulate_sidechain::SimulateSidechainArgs),
    /// Plasma (More Viable Plasma): UTXO blocks committed to L1, exits with bonds,
    /// challenges and in-flight exits; an operator that withholds a block or includes
    /// an invalid transaction (`--attack`), offline users (`--offline-share`); or the
    /// mass exit through the L1's gas limit and base fee (`--mass-exit`). Exits 1 when
    /// ETH is not conserved or an online honest user loses funds.
    Plasma(crate::simulate_plasma::SimulatePlasmaArgs),
}

/// Where batches put their public data on L1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataArg {
    /// In the commit transaction's calldata.
    Calldata,
    /// In EIP-4844 blobs.
    Blobs,
}

impl DataArg {
    /// The contract's data mode.
    pub fn mode(self) -> DataMode {
        match self {
            DataArg::Calldata => DataMode::Calldata,
            DataArg::Blobs => DataMode::Blobs,
        }
    }
}

/// Which scenario `rollup simulate zk` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioKind {
    /// Deposits, transactions, proved batches, withdrawals, until every batch is final.
    Normal,
    /// The operator serves one round, then censors; after the priority deadline the
    /// contract enters exodus mode and every user exits from L1 data alone.
    Exodus,
}

/// The scenario options `rollup simulate zk` and `rollup demo` share.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Users, 1 to 1000000 and no more than the tree holds: each deposits 1 ETH on L1
    /// into an L2 account of its own.
    #[arg(long, value_name = "K", default_value_t = 4, value_parser = limits::accounts())]
    pub accounts: u32,
    /// L2 transactions (transfers and withdrawals) after the deposits, one a second,
    /// 1 to 100000 (every batch is proved).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = limits::proved_txs())]
    pub txs: usize,
    /// Slots per batch, 1 to 4096 (a batch is proved when the mempool fills it; the
    /// last one is padded with no-ops).
    #[arg(long, value_name = "B", default_value_t = 4, value_parser = limits::batch_size())]
    pub batch_size: usize,
    /// Account-tree depth in bits of the account index (capacity 2^D), 1 to 32; a
    /// multiple of 2 for a 4-ary tree.
    #[arg(long, value_name = "D", default_value_t = 8, value_parser = limits::depth())]
    pub depth: u32,
    /// Where batches put their public data on L1.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = DataArg::Calldata)]
    pub data: DataArg,
    /// Seed of the whole simulation: user keys, workload, proof randomness and the
    /// INSECURE development setup (none with `simulate zk --keys`). Only measured times
    /// vary between runs.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
}

impl ScenarioArgs {
    /// The checked scenario for a tree of `arity` children and a withdrawal share.
    pub fn scenario(&self, arity: u8, withdrawal_share: f64) -> Result<ZkScenario> {
        let shape = zk::batch_shape(self.depth, arity, self.batch_size, ChainId::DEFAULT)?;
        limits::accounts_fit(self.accounts, 0, &shape.tree, self.depth)?;
        // The parsers bound these; checked again for callers that build the arguments.
        if !(1..=limits::MAX_ACCOUNTS).contains(&self.accounts) {
            return Err(unusable_msg(format_args!("invalid value {} for --accounts", self.accounts)));
        }
        if !(1..=limits::MAX_PROVED_TXS).contains(&self.txs) {
            return Err(unusable_msg(format_args!("invalid value {} for --txs", self.txs)));
        }
        if !(0.0..=1.0).contains(&withdrawal_share) {
            return Err(unusable_msg(format_args!("invalid value {withdrawal_share} for --withdrawal-share")));
        }
        Ok(ZkScenario {
            accounts: self.accounts,
            txs: self.txs,
            batch_size: self.batch_size,
            depth: self.depth,
            arity: zk::arity_of(arity),
            mode: self.data.mode(),
            seed: self.seed,
            withdrawal_share,
            ..ZkScenario::default()
        })
    }
}

/// Arguments of `rollup simulate zk`.
#[derive(Debug, Args)]
pub struct SimulateZkArgs {
    #[command(flatten)]
    common: ScenarioArgs,
    /// Children per tree node: 2 or 4.
    #[arg(long, value_name = "2|4", default_value_t = 4, value_parser = crate::genesis::parse_arity_number)]
    arity: u8,
    /// Share of withdrawals among the L2 transactions, 0 to 1.
    #[arg(long, value_name = "F", default_value_t = 0.25, value_parser = limits::share)]
    withdrawal_share: f64,
    /// Key directory written by `rollup setup` (its shape must match --depth,
    /// --batch-size and --arity). Without it the simulation makes a seeded, INSECURE
    /// development setup from --seed.
    #[arg(long, value_name = "KEYDIR")]
    keys: Option<PathBuf>,
    /// Which scenario to run.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = ScenarioKind::Normal)]
    scenario: ScenarioKind,
    /// Print the report as one line of JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `rollup simulate ...`.
pub fn run(cmd: SimulateCommand) -> Result<()> {
    match cmd {
        SimulateCommand::Zk(args) => simulate_zk(args),
        SimulateCommand::Optimistic(args) => crate::simulate_optimistic::run(args),
        SimulateCommand::Channels(args) => crate::simulate_channels::run(args),
        SimulateCommand::Sidechain(args) => crate::simulate_sidechain::run(args),
        SimulateCommand::Plasma(args) => crate::simulate_plasma::run(args),
    }
}

fn simulate_zk(args: SimulateZkArgs) -> Result<()> {
    let scenario = args.common.scenario(args.arity, args.withdrawal_share)?;
    let prover = args.keys.as_deref().map(|dir| load_prover(dir, &scenario)).transpose()?;
    let source = match &args.keys {
        Some(dir) => SetupSource::Keys(dir.clone()),
        None => SetupSource::Seeded(scenario.seed),
    };
    match args.scenario {
        ScenarioKind::Normal => {
            let report = run_normal(&scenario, prover)?;
            if args.json {
                output::json(&ZkJson::new(&report))?;
            } else {
                output::line(zk_summary(&report, &source))?;
            }
            check_zk(&report)
        }
        ScenarioKind::Exodus => {
            let report = run_exodus(&scenario, prover)?;
            if args.json {
                output::json(&ExodusJson::new(&report))?;
            } else {
                output::line(exodus_summary(&scenario, &report, &source))?;
            }
            check_exodus(&report)
        }
    }
}

/// Keys from `dir`, refused with a clear error unless they prove the scenario's shape.
fn load_prover(dir: &Path, scenario: &ZkScenario) -> Result<Prover> {
    let keys_error = || zk::prover_error(format!("cannot read key directory {}", dir.display()));
    let meta = prover::keys::read_meta(dir).map_err(keys_error())?;
    let needed = scenario.shape().map_err(|e| anyhow!("{e}"))?;
    if meta.shape != needed {
        bail!(
            "the keys in {} are for {} but the scenario needs {}: pass the keys' --depth, --batch-size and \
             --arity, or leave out --keys",
            dir.display(),
            zk::describe(&meta.shape),
            zk::describe(&needed)
        );
    }
    Ok(Prover::new(Keys::read(dir).map_err(keys_error())?))
}

/// Where the proving keys came from, for the summary.
#[derive(Debug, Clone)]
pub enum SetupSource {
    /// A seeded, insecure development setup.
    Seeded(u64),
    /// A key directory.
    Keys(PathBuf),
}

/// Progress of a scenario: the spinner, with the stage prefixed by `setup` or the
/// number of the batch being proved.
struct ScenarioProgress {
    spinner: Spinner,
    batch: usize,
}

impl ScenarioProgress {
    fn new(seeded: Option<u64>) -> Self {
        let mut spinner = Spinner::new();
        if let Some(seed) = seeded {
            spinner.println(&zk::insecure_setup_warning(seed));
        }
        ScenarioProgress { spinner, batch: 0 }
    }
}

impl prover::Progress for ScenarioProgress {
    fn stage(&mut self, name: &str) {
        // Every proof starts by building its witness; anything before the first is setup.
        if name.starts_with("building the witness") {
            self.batch += 1;
            self.spinner.set_prefix(format!("batch {}", self.batch));
        } else if self.batch == 0 {
            self.spinner.set_prefix("setup");
        }
        self.spinner.stage(name);
    }

    fn finish(&mut self) {
        self.spinner.finish();
    }
}

/// Runs the normal scenario with a seeded rng (and a seeded setup without `prover`),
/// the loud warning and a spinner on stderr.
pub fn run_normal(scenario: &ZkScenario, prover: Option<Prover>) -> Result<ZkReport> {
    let mut progress = ScenarioProgress::new(prover.is_none().then_some(scenario.seed));
    let mut rng = ChaCha20Rng::seed_from_u64(scenario.seed);
    zk_rollup::simulation::run_zk(scenario, prover, &mut rng, &mut progress)
        .map_err(zk::prover_error("the simulation failed"))
}

fn run_exodus(scenario: &ZkScenario, prover: Option<Prover>) -> Result<ExodusReport> {
    let mut progress = ScenarioProgress::new(prover.is_none().then_some(scenario.seed));
    let mut rng = ChaCha20Rng::seed_from_u64(scenario.seed);
    zk_rollup::simulation::run_exodus(scenario, prover, &mut rng, &mut progress)
        .map_err(zk::prover_error("the exodus simulation failed"))
}

/// Whether every wei funded is accounted for at the end.
pub fn eth_conserved(report: &ZkReport) -> bool {
    report.eth_funded == report.eth_accounted
}

/// Transfers among a report's transactions.
fn transfers(report: &ZkReport) -> usize {
    report.txs.saturating_sub(report.deposits + report.withdrawals)
}

/// The JSON of a normal run: the [`ZkReport`] as serde writes it, plus derived fields.
#[derive(Debug, Serialize)]
pub struct ZkJson<'a> {
    /// The report, its fields at the top level.
    #[serde(flatten)]
    pub report: &'a ZkReport,
    /// L2 transfers (transactions less deposits and withdrawals).
    pub transfers: usize,
    /// `eth_funded == eth_accounted`, exactly (the wei amounts exceed 2^64).
    pub eth_conserved: bool,
}

impl<'a> ZkJson<'a> {
    /// The JSON form of `report`.
    pub fn new(report: &'a ZkReport) -> Self {
        ZkJson { report, transfers: transfers(report), eth_conserved: eth_conserved(report) }
    }
}

/// Fails (exit 1) when the run broke an invariant; the report has been printed already.
pub fn check_zk(report: &ZkReport) -> Result<()> {
    if !eth_conserved(report) {
        bail!("ETH not conserved: {} wei funded, {} wei accounted for", report.eth_funded, report.eth_accounted);
    }
    if !report.contract_backs_l2 {
        bail!("the contract's ETH does not back the L2 balances and unclaimed withdrawals");
    }
    Ok(())
}

/// Wei as ether, exactly: `1.5 ETH`.
pub fn ether(wei: Wei) -> String {
    let (whole, fraction) = (wei / ETHER, wei % ETHER);
    if fraction == 0 {
        return format!("{whole} ETH");
    }
    let digits = format!("{fraction:018}");
    format!("{whole}.{} ETH", digits.trim_end_matches('0'))
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "NO"
    }
}

fn seconds(spread: &Spread) -> String {
    format!("median {:.0} s, max {:.0} s", spread.median, spread.max)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn scenario_line(title: &str, s: &ZkScenario) -> String {
    let data = match s.mode {
        DataMode::Calldata => "public data in calldata",
        DataMode::Blobs => "public data in blobs",
    };
    format!(
        "{title} (depth {}, {}-ary, {} per batch, {data}, seed {})",
        s.depth,
        s.arity.children(),
        plural(s.batch_size, "slot"),
        s.seed
    )
}

fn setup_line(setup_seconds: f64, source: &SetupSource) -> String {
    match source {
        SetupSource::Seeded(seed) => format!("{setup_seconds:.2} s (INSECURE development setup, seed {seed})"),
        SetupSource::Keys(dir) => format!("none (keys read from {})", dir.display()),
    }
}

/// The readable summary of a normal run.
pub fn zk_summary(r: &ZkReport, source: &SetupSource) -> String {
    let s = &r.scenario;
    let per_batch = &r.prove_seconds_per_batch;
    let withdrawal_latency = if r.withdrawals == 0 {
        "none (no withdrawals)".to_string()
    } else {
        format!("{} (acceptance on L2 to ETH on L1)", seconds(&r.withdrawal_latency_seconds))
    };
    let finality = &r.finality_seconds;
    format!(
        "{title}\n\
         batches:            {batches} proved, verified on L1 and final\n\
         transactions:       {txs} = {deposits} + {transfers} + {withdrawals}\n\
         constraints:        {constraints} per batch circuit\n\
         setup:              {setup}\n\
         prove:              {prove:.2} s total; per batch median {median:.2} s, max {max:.2} s; {threads}\n\
         L1 gas:             {gas} for the commits, {gas_per_tx:.0} per transaction\n\
         deposit gas:        {deposit_gas:.0} per deposit (L1 transaction)\n\
         withdraw gas:       {withdraw_gas} per withdraw (L1 transaction)\n\
         inclusion:          {inclusion} (acceptance on L2 to the batch on L1)\n\
         finality:           median {fin_median:.0} s ({fin_median_min:.1} min), max {fin_max:.0} s ({fin_max_min:.1} \
         min) (acceptance to a final L1 block)\n\
         withdrawal latency: {withdrawal_latency}\n\
         ETH:                {funded} funded, {accounted} accounted for: conserved: {conserved}\n\
         contract backs L2:  {backs}\n\
         final root:         {root}",
        title = scenario_line("zk rollup on the simulated L1", s),
        batches = r.batches,
        txs = r.txs,
        deposits = plural(r.deposits, "deposit"),
        transfers = plural(transfers(r), "transfer"),
        withdrawals = plural(r.withdrawals, "withdrawal"),
        constraints = r.constraints,
        setup = setup_line(r.setup_seconds, source),
        prove = r.prove_seconds,
        median = per_batch.median,
        max = per_batch.max,
        threads = plural(r.threads, "thread"),
        gas = r.l1_gas_total,
        gas_per_tx = r.l1_gas_per_tx,
        deposit_gas = r.deposit_gas,
        withdraw_gas = if r.withdrawals == 0 { "-".to_string() } else { format!("{:.0}", r.withdraw_gas) },
        inclusion = seconds(&r.inclusion_seconds),
        fin_median = finality.median,
        fin_median_min = finality.median / 60.0,
        fin_max = finality.max,
        fin_max_min = finality.max / 60.0,
        funded = ether(r.eth_funded),
        accounted = ether(r.eth_accounted),
        conserved = yes_no(eth_conserved(r)),
        backs = yes_no(r.contract_backs_l2),
        root = r.final_root,
    )
}

/// Whether every user got all of their ETH out of the contract.
fn everyone_out(report: &ExodusReport) -> bool {
    report.exits == report.accounts as usize && report.wei_left_in_contract == 0
}

/// The JSON of an exodus run: the [`ExodusReport`] as serde writes it, plus derived fields.
#[derive(Debug, Serialize)]
struct ExodusJson<'a> {
    #[serde(flatten)]
    report: &'a ExodusReport,
    days_to_exodus: f64,
    everyone_out: bool,
}

impl<'a> ExodusJson<'a> {
    fn new(report: &'a ExodusReport) -> Self {
        ExodusJson {
            report,
            days_to_exodus: zk::round(report.seconds_to_exodus as f64 / 86_400.0, 3),
            everyone_out: everyone_out(report),
        }
    }
}

fn exodus_summary(s: &ZkScenario, r: &ExodusReport, source: &SetupSource) -> String {
    let refused = |value: bool| if value { "refused" } else { "ACCEPTED" };
    format!(
        "{title}\n\
         setup:                     {setup}\n\
         users:                     {users}\n\
         batches before censorship: {batches}\n\
         censored deposits:         {censored} ({refunds} refunded in exodus mode)\n\
         exodus mode after:         {secs} s ({days:.1} days) from the oldest censored deposit\n\
         state rebuilt from L1:     {rebuilt}\n\
         exits:                     {exits} of {users} users, once each (Merkle proof checked on L1, {exit_gas:.0} \
         gas mean)\n\
         double exit:               {double}\n\
         batch after exodus:        {batch_after}\n\
         wei returned to users:     {returned} ({returned_wei} wei)\n\
         wei left in contract:      {left}\n\
         everyone got out:          {out}",
        title = scenario_line("zk rollup exodus on the simulated L1: the operator stops serving users", s),
        setup = match source {
            SetupSource::Seeded(seed) => format!("INSECURE development setup, seed {seed}"),
            SetupSource::Keys(dir) => format!("keys read from {}", dir.display()),
        },
        users = r.accounts,
        batches = r.batches_before_censorship,
        censored = r.censored_deposits,
        refunds = r.refunds,
        secs = r.seconds_to_exodus,
        days = r.seconds_to_exodus as f64 / 86_400.0,
        rebuilt = if r.reconstructed_root_matches { "root matches the contract's" } else { "ROOT DIFFERS" },
        exits = r.exits,
        exit_gas = r.exit_gas,
        double = refused(r.double_exit_refused),
        batch_after = refused(r.batch_after_exodus_refused),
        returned = ether(r.wei_returned),
        returned_wei = r.wei_returned,
        left = r.wei_left_in_contract,
        out = yes_no(everyone_out(r)),
    )
}

fn check_exodus(r: &ExodusReport) -> Result<()> {
    if !everyone_out(r) {
        bail!(
            "not everyone got out: {} of {} users exited, {} wei left in the contract",
            r.exits,
            r.accounts,
            r.wei_left_in_contract
        );
    }
    if !r.double_exit_refused {
        bail!("the contract paid a second exit of the same account");
    }
    if !r.batch_after_exodus_refused {
        bail!("the contract accepted a batch after exodus");
    }
    if !r.reconstructed_root_matches {
        bail!("the state rebuilt from L1 data does not have the contract's root");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ether_is_exact() {
        assert_eq!(ether(0), "0 ETH");
        assert_eq!(ether(104 * ETHER), "104 ETH");
        assert_eq!(ether(ETHER + ETHER / 2), "1.5 ETH");
        assert_eq!(ether(1), "0.000000000000000001 ETH");
    }
}
