//! `rollup compare` and `rollup study proof-costs`: every design on one workload, and
//! what proofs cost by shape.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use compare::designs::{ChannelsDesign, L1Design, OptimisticDesign, PlasmaDesign, SidechainDesign, ZkDesign};
use compare::metrics::Workload;
use compare::runner::{compare, Comparison, Design};
use compare::study::{proof_costs, StudyConfig};
use ledger::Arity;
use zk_rollup::contract::DataMode;

use crate::limits;
use crate::output;
use crate::progress::Spinner;

/// Arguments of `rollup compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// L2 transactions (transfers and withdrawals) after the deposits, 1 to 100000
    /// (the zk designs prove every batch).
    #[arg(long, default_value_t = 8, value_parser = limits::proved_txs())]
    pub txs: usize,
    /// Users, each with an L1 address and an L2 account: 2 to 1000000, and with the
    /// optimistic proposer's own account no more than the tree holds.
    #[arg(long, default_value_t = 4, value_parser = limits::accounts_optimistic())]
    pub accounts: u32,
    /// Slots per batch (zk) and transactions per assertion (optimistic), 1 to 4096.
    #[arg(long, default_value_t = 4, value_parser = limits::batch_size())]
    pub batch_size: usize,
    /// Account-tree depth in bits (4-ary trees): an even number, 2 to 32.
    #[arg(long, default_value_t = 8, value_parser = limits::depth())]
    pub depth: u32,
    /// Share of withdrawals among the L2 transactions, 0 to 1.
    #[arg(long, default_value_t = 0.25, value_parser = limits::share)]
    pub withdrawal_share: f64,
    /// Seed of keys, transactions and every design's randomness.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds between a user and the sequencer, one way: the soft confirmation (the
    /// sequencer's receipt) reaches the user this long after the transaction reached the
    /// sequencer. The same for every design; modelled, not measured. 0 to 3600.
    #[arg(long, value_name = "SECONDS", default_value_t = compare::metrics::DEFAULT_NETWORK_DELAY_SECONDS, value_parser = limits::network_delay)]
    pub network_delay: f64,
    /// Designs to run, comma-separated, from: zk, zk-blobs, optimistic, channels,
    /// sidechain, plasma, l1 (the L1 alone, the baseline). Default: all seven.
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(DESIGN_NAMES))]
    pub designs: Vec<String>,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write CSV, JSON and a self-contained HTML page with charts into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// The names `--designs` takes, in the order the designs run.
pub const DESIGN_NAMES: [&str; 7] = ["zk", "zk-blobs", "optimistic", "channels", "sidechain", "plasma", "l1"];

/// Studies.
#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Constraints, setup and prove time, key sizes, verification time and L1 gas per
    /// transaction, by batch size and tree depth. Shapes above the proving limit are
    /// estimated from the measured ones and labelled so.
    ProofCosts(StudyArgs),
    /// What the L1's levers (block gas limit, blobs per block, slot time, finality rule) do
    /// to every design: throughput ceiling, its bottleneck, cost per transaction and
    /// finality. Each design runs once on today's chain; every point is computed from that
    /// run's measured figures and the swept chain parameters.
    L1(CompareArgs),
    /// The sidechain's checkpoint gas against the number of validators, with ECDSA
    /// signatures and with a BLS aggregate, from the metered bridge (every validator
    /// registered for real and signing).
    SidechainGas(SidechainGasArgs),
    /// Every design under every attack that applies (invalid state, data withholding,
    /// collusion, censorship, stale state, users offline, an L1 gas-price spike), each
    /// cell a run: funds lost and by whom, delay to recovery, honest L1 gas, and whether
    /// the design's promise held.
    Attacks(AttacksArgs),
}

/// Arguments of `rollup study attacks`.
#[derive(Debug, Args)]
pub struct AttacksArgs {
    /// Seed of every run (and of the zk cells' development setup).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Users of Plasma's mass exit (computed from the measured gas per exit), 1 to
    /// 1000000000.
    #[arg(long, default_value_t = 10_000_000, value_parser = limits::mass_exit_computed())]
    pub mass_exit_users: u64,
    /// Print the matrix as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write attacks.json and a self-contained attacks.html (the colour-coded matrix)
    /// into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Arguments of `rollup study sidechain-gas`.
#[derive(Debug, Args)]
pub struct SidechainGasArgs {
    /// Validator counts, comma-separated, each 1 to 1000.
    #[arg(long, value_delimiter = ',', default_value = "10,100,1000", value_parser = limits::validators())]
    pub validators: Vec<usize>,
    /// Seed of the validators' keys and stakes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the rows as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `rollup study proof-costs`.
#[derive(Debug, Args)]
pub struct StudyArgs {
    /// Batch sizes, comma-separated, each 1 to 4096.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8", value_parser = limits::batch_size())]
    pub batch_sizes: Vec<usize>,
    /// Tree depths in bits (4-ary trees), comma-separated, each an even number 2 to 32.
    #[arg(long, value_delimiter = ',', default_value = "8,16,32", value_parser = limits::depth())]
    pub depths: Vec<u32>,
    /// Shapes with more constraints than this are estimated, not proved: 0 to
    /// 268435456 (2^28, the largest circuit BN254's evaluation domain holds).
    #[arg(long, default_value_t = 400_000, value_parser = limits::max_prove_constraints())]
    pub max_prove_constraints: usize,
    /// Seed of the (insecure, development) setups and the batches.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the rows as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write CSV, JSON and a self-contained HTML page with charts into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// The designs `rollup compare` runs: those named in `selected` (see [`DESIGN_NAMES`]), in the order of
/// [`DESIGN_NAMES`]; all of them when `selected` is empty.
pub fn designs(batch_size: usize, depth: u32, selected: &[String]) -> Vec<Box<dyn Design>> {
    let wanted = |name: &str| selected.is_empty() || selected.iter().any(|s| s == name);
    let mut out: Vec<Box<dyn Design>> = Vec::new();
    for name in DESIGN_NAMES.into_iter().filter(|n| wanted(n)) {
        out.push(match name {
            "zk" => Box::new(ZkDesign::new(batch_size, depth, DataMode::Calldata)),
            "zk-blobs" => Box::new(ZkDesign::new(batch_size, depth, DataMode::Blobs)),
            "optimistic" => Box::new(OptimisticDesign::new(batch_size, depth, 2)),
            "channels" => Box::new(ChannelsDesign::new()),
            "sidechain" => Box::new(SidechainDesign::polygon_like(depth)),
            "plasma" => Box::new(PlasmaDesign::new(batch_size, depth)),
            _ => Box::new(L1Design::new()),
        });
    }
    out
}

/// Runs every design on one workload.
pub fn run_comparison(args: &CompareArgs) -> Result<Comparison> {
    // The designs run on 4-ary trees; the optimistic proposer has an account of its own.
    let tree = limits::tree(args.depth, Arity::Quaternary)?;
    limits::accounts_fit(args.accounts, 1, &tree, args.depth)?;
    let workload = Workload {
        accounts: args.accounts,
        txs: args.txs,
        withdrawal_share: args.withdrawal_share,
        seconds_between_txs: 1,
        seed: args.seed,
        network_delay_seconds: args.network_delay,
    };
    eprintln!("{}", crate::zk::insecure_setup_warning(args.seed));
    let mut spinner = Spinner::new();
    let comparison = compare(&mut designs(args.batch_size, args.depth, &args.designs), &workload, &mut spinner)?;
    Ok(comparison)
}

/// `rollup compare`.
pub fn run(args: CompareArgs) -> Result<()> {
    let comparison = run_comparison(&args)?;
    if let Some(dir) = &args.report {
        write_report(dir, Some(&comparison), None)?;
    }
    if args.json {
        output::line(compare::report::comparison_json(&comparison)?)
    } else {
        output::line(compare::report::table(&comparison))
    }
}

/// Writes the report files and says where.
fn write_report(
    dir: &std::path::Path,
    comparison: Option<&Comparison>,
    study: Option<&[compare::study::ProofCostRow]>,
) -> Result<()> {
    let written = compare::report::write_all(dir, comparison, study, None)
        .with_context(|| format!("cannot write the report into {}", dir.display()))?;
    for path in written {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// `rollup study ...`.
pub fn study(cmd: StudyCommand) -> Result<()> {
    let args = match cmd {
        StudyCommand::ProofCosts(args) => args,
        StudyCommand::SidechainGas(args) => return sidechain_gas(args),
        StudyCommand::Attacks(args) => return attacks(args),
        StudyCommand::L1(args) => return study_l1(args),
    };
    limits::quaternary_depths(&args.depths)?;
    let cfg = StudyConfig {
        batch_sizes: args.batch_sizes,
        depths: args.depths,
        seed: args.seed,
        max_prove_constraints: args.max_prove_constraints,
        ..StudyConfig::default()
    };
    eprintln!("{}", crate::zk::insecure_setup_warning(args.seed));
    let rows = proof_costs(&cfg, &mut Spinner::new())?;
    if let Some(dir) = &args.report {
        write_report(dir, None, Some(&rows))?;
    }
    if args.json {
        output::line(compare::report::study_json(&rows)?)
    } else {
        output::line(compare::report::study_table(&rows))
    }
}

/// `rollup study l1`: the designs once on today's chain, then every knob setting computed from that run.
fn study_l1(args: CompareArgs) -> Result<()> {
    let study = compare::knobs::l1_study(run_comparison(&args)?);
    if let Some(dir) = &args.report {
        let written = compare::report::write_knobs(dir, &study)
            .with_context(|| format!("cannot write the report into {}", dir.display()))?;
        for path in written {
            eprintln!("wrote {}", path.display());
        }
    }
    if args.json {
        output::line(compare::report::knobs_json(&study)?)
    } else {
        output::line(compare::report::knobs_table(&study))
    }
}

/// `rollup study sidechain-gas`.
fn sidechain_gas(args: SidechainGasArgs) -> Result<()> {
    use rand_chacha::rand_core::SeedableRng as _;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(args.seed);
    let rows = sidechain::checkpoint_gas_table(&args.validators, &mut rng)?;
    if args.json {
        output::json(&rows)
    } else {
        output::line(sidechain::study::format_table(&rows).trim_end())
    }
}

/// `rollup study attacks`.
fn attacks(args: AttacksArgs) -> Result<()> {
    use compare::attacks::{attack_matrix, attacks_json, attacks_table, AttackConfig};
    let cfg = AttackConfig { seed: args.seed, mass_exit_users: args.mass_exit_users, ..AttackConfig::default() };
    eprintln!("{}", crate::zk::insecure_setup_warning(args.seed));
    let matrix = attack_matrix(&cfg, &mut Spinner::new())?;
    let json = attacks_json(&matrix)?;
    if let Some(dir) = &args.report {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let html = compare::report::page::render_attacks_html(&matrix);
        for (name, text) in [("attacks.json", &json), ("attacks.html", &html)] {
            let path = dir.join(name);
            crate::files::write_bytes(&path, text.as_bytes(), false)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    if args.json {
        output::line(json)
    } else {
        output::line(attacks_table(&matrix))
    }
}
