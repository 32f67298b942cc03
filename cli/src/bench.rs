//! `rollup bench ...`: measurements of the prover, and the L1 gas of commits.

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use ledger::stats::median;
use ledger::workload::Mix;
use ledger::{Amount, Arity, BatchRecord, ChainId};
use prover::{Progress as _, Prover, SetupKind};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;
use zk_rollup::contract::DataMode;

use crate::exit::unusable_msg;
use crate::limits;
use crate::output;
use crate::progress::Spinner;
use crate::zk::{self, ShapeArgs};

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time proving from the matrices cached at setup, phase by phase.
    Prove(BenchProveArgs),
    /// L1 gas per transfer of a batch commit, by batch size and data mode.
    #[command(long_about = GAS_LONG_ABOUT)]
    Gas(BenchGasArgs),
    /// The simulator's gas figures against revm running the real contracts.
    #[command(long_about = crate::bench_evm::LONG_ABOUT)]
    Evm(crate::bench_evm::BenchEvmArgs),
}

const GAS_LONG_ABOUT: &str = "L1 gas per transfer of a batch commit, by batch size, data mode and account population.

Each column draws the batches' account indices from a population of --accounts accounts \
(10^3, 10^6 and 10^9 by default): the accounts a batch names are created (nothing else of \
an N-account tree is needed, since the commit's gas depends only on its bytes and the \
contract's work), the transfers are signed and applied by the ledger, and their public \
data is committed through the rollup contract's own code on the simulated L1. More \
accounts mean fewer zero bytes in the 4-byte indices, so more calldata gas and a higher \
EIP-7623 floor (10 gas per zero byte, 40 per nonzero byte): a figure marked * is set by \
the floor. Big batches are priced without proving: the commit runs with the pairing \
check's gas charged but its outcome skipped, so no setup is needed. Blob gas is priced \
separately from gas (at the blob base fee) and reported on its own. The bill of the \
largest batch follows, per transfer, line by line.";

/// Default batch sizes of `rollup bench gas`.
const GAS_BATCH_SIZES: &str = "8,16,32,64,128,256,512,1024,2048";

/// Default account populations of `rollup bench gas`.
const GAS_POPULATIONS: &str = "1000,1000000,1000000000";

/// Which data modes `rollup bench gas` prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GasDataArg {
    /// Public data in the commit's calldata.
    Calldata,
    /// Public data in EIP-4844 blobs.
    Blobs,
    /// Both, row by row.
    Both,
}

/// Arguments of `rollup bench gas`.
#[derive(Debug, Args)]
pub struct BenchGasArgs {
    /// Account-tree depth in bits (4-ary tree): sets the width of an index in the
    /// public data. An even number, 2 to 32.
    #[arg(long, value_name = "D", default_value_t = 32, value_parser = limits::depth())]
    depth: u32,
    /// Batch sizes to price, comma-separated, each 1 to 4096 (big batches are priced
    /// without proving).
    #[arg(
        long,
        value_name = "B,B,...",
        value_delimiter = ',',
        default_value = GAS_BATCH_SIZES,
        value_parser = limits::batch_size()
    )]
    batch_sizes: Vec<usize>,
    /// Where the public data goes.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = GasDataArg::Both)]
    data: GasDataArg,
    /// Account populations the batches' indices are drawn from, comma-separated, each 2 to
    /// 4294967296 (2^32) and at most the tree's 2^depth leaves; up to 8, one column each.
    #[arg(
        long,
        value_name = "N,N,...",
        value_delimiter = ',',
        default_value = GAS_POPULATIONS,
        value_parser = limits::population()
    )]
    accounts: Vec<u64>,
    /// Seed of the accounts and transfers (both modes price the same batches).
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Print the rows as one line of JSON (a list).
    #[arg(long)]
    json: bool,
}

/// Arguments of `rollup bench prove`.
#[derive(Debug, Args)]
pub struct BenchProveArgs {
    #[command(flatten)]
    shape: ShapeArgs,
    /// Seed of the (insecure, in-memory) setup, the genesis and the workload.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Proofs per path, 1 to 1000; the medians are reported.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = limits::runs())]
    runs: usize,
    /// Also time loading the keys from disk and, in the same run, the floor: the same FFTs and
    /// multi-scalar multiplications alone on the same vectors, scalars and points; report
    /// prove ÷ floor.
    #[arg(long)]
    breakdown: bool,
    /// Report the peak resident memory of setup and of proving (Linux: `VmHWM`).
    #[arg(long)]
    max_rss: bool,
    /// Print the result as one line of JSON.
    #[arg(long)]
    json: bool,
}

/// What `--breakdown` adds.
#[derive(Serialize)]
struct Breakdown {
    /// Reading and checking the key directory (checksums, sizes, the verifying keys).
    key_load_seconds: f64,
    /// Synthesis of the witness (no constraint rows built), median run.
    witness_seconds: f64,
    /// The Groth16 prover of the median run.
    groth16_seconds: f64,
    /// The same FFTs and multi-scalar multiplications alone.
    floor: prover::groth16::Floor,
    /// (witness + Groth16) ÷ floor.
    prove_over_floor: f64,
    /// (key loading + witness + Groth16) ÷ floor: a `rollup prove` from disk.
    prove_from_disk_over_floor: f64,
}

/// What `--max-rss` adds, bytes.
#[derive(Serialize)]
struct PeakMemory {
    setup_bytes: Option<u64>,
    prove_bytes: Option<u64>,
}

#[derive(Serialize)]
struct Report {
    depth: u32,
    arity: usize,
    batch_size: usize,
    constraints: usize,
    threads: usize,
    runs: usize,
    setup_seconds: f64,
    cached_seconds: f64,
    cached_runs: Vec<f64>,
    /// Transfers proved per second (slots ÷ median prove time).
    slots_per_second: f64,
    /// The Groth16 phases of the median run.
    phases: prover::groth16::Phases,
    #[serde(skip_serializing_if = "Option::is_none")]
    breakdown: Option<Breakdown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    peak_memory: Option<PeakMemory>,
}

/// Runs `rollup bench ...`.
pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Prove(args) => prove(args),
        BenchCommand::Gas(args) => gas(args),
        BenchCommand::Evm(args) => crate::bench_evm::run(args),
    }
}

fn gas(args: BenchGasArgs) -> Result<()> {
    let tree = limits::tree(args.depth, Arity::Quaternary)?;
    if args.batch_sizes.is_empty() {
        return Err(unusable_msg("--batch-sizes names no batch size"));
    }
    if let Some(bad) = args.batch_sizes.iter().find(|&&b| !(1..=limits::MAX_BATCH_SIZE).contains(&b)) {
        return Err(unusable_msg(format_args!(
            "invalid value {bad} in --batch-sizes: each must be between 1 and {}",
            limits::MAX_BATCH_SIZE
        )));
    }
    if args.accounts.is_empty() || args.accounts.len() > limits::MAX_POPULATIONS {
        return Err(unusable_msg(format_args!(
            "--accounts names {} populations: between 1 and {}",
            args.accounts.len(),
            limits::MAX_POPULATIONS
        )));
    }
    if let Some(&too_many) = args.accounts.iter().find(|&&n| n > tree.capacity()) {
        return Err(unusable_msg(format_args!(
            "invalid value {too_many} in --accounts: a depth-{} tree holds {} accounts: raise --depth or lower --accounts",
            args.depth,
            tree.capacity()
        )));
    }
    let modes: &[DataMode] = match args.data {
        GasDataArg::Calldata => &[DataMode::Calldata],
        GasDataArg::Blobs => &[DataMode::Blobs],
        GasDataArg::Both => &[DataMode::Calldata, DataMode::Blobs],
    };
    let mut sizes = args.batch_sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    let mut rows = Vec::new();
    for &accounts in &args.accounts {
        // The same seed for every population: each column is reproducible on its own.
        let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
        rows.extend(
            zk_rollup::simulation::population_gas_table(args.depth, accounts, &sizes, modes, &mut rng)
                .map_err(zk::prover_error("cannot price the commits"))?,
        );
    }
    if args.json {
        return output::json(&rows);
    }
    output::line(gas_text(&args, &sizes, modes, &rows))
}

/// A population as a column heading: `10^k` for powers of ten from 1,000 up, the number otherwise.
fn population_label(accounts: u64) -> String {
    let mut k = 0;
    let mut n = accounts;
    while n >= 10 && n % 10 == 0 {
        n /= 10;
        k += 1;
    }
    if n == 1 && k >= 3 {
        format!("10^{k}")
    } else {
        accounts.to_string()
    }
}

fn mode_name(mode: DataMode) -> &'static str {
    match mode {
        DataMode::Calldata => "calldata",
        DataMode::Blobs => "blobs",
    }
}

/// The text report: gas per transfer by batch size and mode, one column per population; the public
/// data's nonzero bytes per slot; the bill of the largest batch per transfer.
fn gas_text(
    args: &BenchGasArgs,
    sizes: &[usize],
    modes: &[DataMode],
    rows: &[zk_rollup::simulation::PopulationGasRow],
) -> String {
    use std::fmt::Write as _;
    use zk_rollup::simulation::PackedIndices;
    let find = |accounts: u64, size: usize, mode: DataMode| {
        rows.iter().find(|r| r.accounts == accounts && r.row.batch_size == size && r.row.mode == mode)
    };
    let mut text = format!(
        "L1 gas per transfer of a batch commit, depth-{} 4-ary tree, seed {}, account indices drawn from each \
         population (batches not proved: the pairing check's gas is charged; * = set by the EIP-7623 floor)\n\
         {:>10}  {:<8}",
        args.depth, args.seed, "batch size", "mode"
    );
    for &accounts in &args.accounts {
        let _ = write!(text, "  {:>10}", population_label(accounts));
    }
    let _ = write!(text, "  {:>15}  {:>14}", "blob gas per tx", "calldata bytes");
    for &size in sizes {
        for &mode in modes {
            let _ = write!(text, "\n{size:>10}  {:<8}", mode_name(mode));
            let mut any = None;
            for &accounts in &args.accounts {
                match find(accounts, size, mode) {
                    Some(r) => {
                        let mark = if r.floor_applies { "*" } else { " " };
                        let _ = write!(text, "  {:>9.1}{mark}", r.row.gas_per_tx);
                        any = Some(r);
                    }
                    None => {
                        let _ = write!(text, "  {:>10}", "-");
                    }
                }
            }
            if let Some(r) = any {
                let _ = write!(text, "  {:>15.1}  {:>14}", r.row.blob_gas_per_tx, r.row.calldata_bytes);
            }
        }
    }
    if modes.contains(&DataMode::Calldata) {
        let _ = write!(
            text,
            "\n\nprojection, calldata with each index packed to the bits the batch needs (from the same bytes):\n\
             {:>10}  {:<22}",
            "batch size", "gas per transfer"
        );
        for &accounts in &args.accounts {
            let _ = write!(text, "  {:>10}", population_label(accounts));
        }
        for &size in sizes {
            for (what, pick) in [
                ("contract unpacks", (|p| p.unpacked_by_contract_gas) as fn(&PackedIndices) -> u64),
                ("floor of packed bytes", |p| p.floor_gas),
            ] {
                let _ = write!(text, "\n{size:>10}  {what:<22}");
                for &accounts in &args.accounts {
                    match find(accounts, size, DataMode::Calldata).and_then(|r| r.packed.as_ref()) {
                        Some(p) => {
                            let _ = write!(text, "  {:>10.1}", pick(p) as f64 / size as f64);
                        }
                        None => {
                            let _ = write!(text, "  {:>10}", "-");
                        }
                    }
                }
            }
        }
    }
    let Some(&largest) = sizes.last() else { return text };
    let _ = write!(text, "\n\npublic data, nonzero bytes per 13-byte slot (batch of {largest}):");
    for &accounts in &args.accounts {
        if let Some(r) = find(accounts, largest, modes[0]) {
            let per_slot = r.public_data_nonzero_bytes as f64 / largest as f64;
            let _ = write!(text, " {} {per_slot:.2};", population_label(accounts));
        }
    }
    text.pop();
    for &mode in modes {
        let _ = write!(text, "\n\nbill of a batch of {largest}, {}, gas per transfer:", mode_name(mode));
        let mut labels: Vec<&str> = Vec::new();
        for &accounts in &args.accounts {
            for (label, _) in find(accounts, largest, mode).map(|r| r.row.bill.as_slice()).unwrap_or_default() {
                if !labels.contains(&label.as_str()) {
                    labels.push(label);
                }
            }
        }
        let _ = write!(text, "\n{:<48}", "");
        for &accounts in &args.accounts {
            let _ = write!(text, "  {:>10}", population_label(accounts));
        }
        for label in labels.iter().copied().chain(["total"]) {
            let _ = write!(text, "\n{label:<48}");
            for &accounts in &args.accounts {
                let gas = find(accounts, largest, mode).map(|r| {
                    if label == "total" {
                        r.row.gas_used
                    } else {
                        r.row.bill.iter().filter(|(l, _)| l == label).map(|(_, g)| g).sum()
                    }
                });
                match gas {
                    Some(gas) => {
                        let _ = write!(text, "  {:>10.1}", gas as f64 / largest as f64);
                    }
                    None => {
                        let _ = write!(text, "  {:>10}", "-");
                    }
                }
            }
        }
    }
    text
}

/// A seeded genesis and a full batch of seeded transactions for `shape`, applied.
pub fn seeded_batch(shape: circuits::BatchShape, seed: u64) -> Result<BatchRecord> {
    let accounts = (shape.batch_size.max(2) as u64).min(shape.tree.capacity()) as u32;
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (mut state, keys) =
        ledger::workload::genesis(shape.tree, shape.chain_id, accounts, Amount::new(1_000_000_000), &mut rng)?;
    let txs = ledger::workload::random_transactions(&state, &keys, shape.batch_size, Mix::default(), &mut rng)?;
    Ok(state.apply_batch(&txs, shape.batch_size)?)
}

/// Writes `keys` to a scratch directory and times reading them back as `rollup prove` does.
fn time_key_loading(keys: &prover::Keys) -> Result<f64> {
    let dir = std::env::temp_dir().join(format!("rollup-bench-keys-{}", std::process::id()));
    let outcome = (|| -> Result<f64> {
        keys.write(&dir).map_err(zk::prover_error("cannot write the scratch key directory"))?;
        let started = std::time::Instant::now();
        let read = prover::Keys::read(&dir).map_err(zk::prover_error("cannot read the scratch key directory"))?;
        let seconds = started.elapsed().as_secs_f64();
        drop(read);
        Ok(seconds)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

fn prove(args: BenchProveArgs) -> Result<()> {
    let shape = args.shape.shape(ChainId::DEFAULT)?;
    let record = seeded_batch(shape, args.seed)?;
    let mut progress = Spinner::new();
    progress.println(&zk::insecure_setup_warning(args.seed));
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let keys = prover::setup(shape, SetupKind::InsecureSeeded(args.seed), &mut rng, &mut progress)
        .map_err(zk::prover_error("setup failed"))?;
    let setup_peak = crate::rss::peak_bytes();
    let setup_seconds = keys.meta.setup_seconds;
    let constraints = keys.meta.size.constraints;
    let key_load_seconds = if args.breakdown {
        progress.stage("writing the keys and timing loading them");
        Some(time_key_loading(&keys)?)
    } else {
        None
    };
    let prover = Prover::new(keys);
    // The proving peak on its own, where the kernel lets us reset it.
    let prove_peak_resettable = crate::rss::reset_peak();

    let mut runs = Vec::new();
    for run in 1..=args.runs {
        progress.set_prefix(format!("run {run}/{}", args.runs));
        let proof =
            prover.prove(&record, &mut rng, &mut progress).map_err(zk::prover_error("cannot prove the batch"))?;
        runs.push(proof.timings);
    }
    let prove_peak = crate::rss::peak_bytes().filter(|_| prove_peak_resettable);
    let cached: Vec<f64> = runs.iter().map(|t| t.total_seconds()).collect();
    let cached_seconds = median(&cached);
    let median_timings = runs
        .iter()
        .min_by(|a, b| {
            (a.total_seconds() - cached_seconds).abs().total_cmp(&(b.total_seconds() - cached_seconds).abs())
        })
        .copied();
    let median_run = median_timings.map(|t| t.phases).unwrap_or_default();
    let breakdown = match (key_load_seconds, median_timings) {
        (Some(key_load_seconds), Some(t)) => {
            progress.set_prefix("floor");
            progress.stage("timing the same FFTs and multi-scalar multiplications alone");
            let z = prover.witness_assignment(&record).map_err(zk::prover_error("cannot build the witness"))?;
            let keys = prover.keys();
            let floor = prover::groth16::floor(&keys.pk, &keys.matrices, keys.meta.size.instance_variables, &z)
                .map_err(zk::prover_error("cannot time the floor"))?;
            let proved = t.witness_seconds + t.groth16_seconds;
            Some(Breakdown {
                key_load_seconds: zk::round(key_load_seconds, 4),
                witness_seconds: zk::round(t.witness_seconds, 4),
                groth16_seconds: zk::round(t.groth16_seconds, 4),
                floor,
                prove_over_floor: zk::round(proved / floor.total(), 3),
                prove_from_disk_over_floor: zk::round((key_load_seconds + proved) / floor.total(), 3),
            })
        }
        _ => None,
    };
    drop(progress);
    let report = Report {
        depth: shape.tree.depth(),
        arity: shape.tree.arity().children(),
        batch_size: shape.batch_size,
        constraints,
        threads: rayon::current_num_threads(),
        runs: args.runs,
        setup_seconds: zk::round(setup_seconds, 3),
        cached_seconds: zk::round(cached_seconds, 4),
        cached_runs: cached.iter().map(|s| zk::round(*s, 4)).collect(),
        slots_per_second: zk::round(shape.batch_size as f64 / cached_seconds, 3),
        phases: median_run,
        breakdown,
        peak_memory: args.max_rss.then_some(PeakMemory { setup_bytes: setup_peak, prove_bytes: prove_peak }),
    };
    if args.json {
        return output::json(&report);
    }
    let p = &report.phases;
    let mut text = format!(
        "bench prove: {} ({} constraints), {} run{}, {} thread{}\n\
         setup:                            {:.2} s\n\
         prove (Prover::prove):            {:.3} s median (witness + groth16), {:.2} slots/s\n\
         groth16 phases of the median run: rows {:.3} s, FFTs {:.3} s, MSM A {:.3} s, B1 {:.3} s, \
         B2 {:.3} s, H {:.3} s, L {:.3} s, other {:.3} s",
        zk::describe(&shape),
        constraints,
        report.runs,
        if report.runs == 1 { "" } else { "s" },
        report.threads,
        if report.threads == 1 { "" } else { "s" },
        setup_seconds,
        cached_seconds,
        report.slots_per_second,
        p.evaluate_rows,
        p.fft,
        p.msm_a,
        p.msm_b_g1,
        p.msm_b_g2,
        p.msm_h,
        p.msm_l,
        p.other
    );
    if let Some(b) = &report.breakdown {
        let f = &b.floor;
        text.push_str(&format!(
            "\nbreakdown: key loading {:.3} s, witness synthesis {:.3} s, groth16 {:.3} s\n\
             floor (the same FFTs and MSMs alone): {:.3} s: FFTs {:.3} s, MSM A {:.3} s, B1 {:.3} s, \
             B2 {:.3} s, H {:.3} s, L {:.3} s\n\
             prove ÷ floor: {:.3} (from disk, with key loading: {:.3})",
            b.key_load_seconds,
            b.witness_seconds,
            b.groth16_seconds,
            f.total(),
            f.fft,
            f.msm_a,
            f.msm_b_g1,
            f.msm_b_g2,
            f.msm_h,
            f.msm_l,
            b.prove_over_floor,
            b.prove_from_disk_over_floor
        ));
    }
    if let Some(m) = &report.peak_memory {
        let show =
            |bytes: Option<u64>| bytes.map_or("not reported".to_string(), |b| format!("{:.2} GiB", crate::rss::gib(b)));
        text.push_str(&format!(
            "\npeak resident memory: setup {}, proving {}",
            show(m.setup_bytes),
            show(m.prove_bytes)
        ));
    }
    output::line(text)
}
