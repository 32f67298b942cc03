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

const GAS_LONG_ABOUT: &str = "L1 gas per transfer of a batch commit, by batch size and data mode.

Each row commits a real batch of signed transfers, applied by the ledger (so the public \
data has the byte mix of real indices and amounts), through the rollup contract's own \
code on the simulated L1. Big batches are priced without proving: the commit runs with \
the pairing check's gas charged but its outcome skipped, so no setup is needed. Blob gas \
is priced separately from gas (at the blob base fee) and reported on its own.";

/// Default batch sizes of `rollup bench gas`.
const GAS_BATCH_SIZES: &str = "8,16,32,64,128,256,512,1024";

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
    // gas_table funds one account per slot of the largest batch, 2 to 1,024.
    let largest = args.batch_sizes.iter().copied().max().unwrap_or(1);
    let accounts = largest.clamp(2, 1024) as u64;
    if accounts > tree.capacity() {
        return Err(unusable_msg(format_args!(
            "a batch of {largest} needs {accounts} accounts, more than a depth-{} tree holds ({}): raise --depth",
            args.depth,
            tree.capacity()
        )));
    }
    let modes: &[DataMode] = match args.data {
        GasDataArg::Calldata => &[DataMode::Calldata],
        GasDataArg::Blobs => &[DataMode::Blobs],
        GasDataArg::Both => &[DataMode::Calldata, DataMode::Blobs],
    };
    let mut rows = Vec::new();
    for &mode in modes {
        // The same seed for every mode: each mode prices the same batches.
        let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
        rows.extend(
            zk_rollup::simulation::gas_table(args.depth, &args.batch_sizes, mode, &mut rng)
                .map_err(zk::prover_error("cannot price the commits"))?,
        );
    }
    // Rows by batch size, the modes of one size together.
    rows.sort_by_key(|row| row.batch_size);
    if args.json {
        return output::json(&rows);
    }
    let mut text = format!(
        "L1 gas of a batch commit per transfer, depth-{} 4-ary tree, seed {} (batches not proved: the pairing \
         check's gas is charged)\n{:>10}  {:<8}  {:>14}  {:>5}  {:>10}  {:>15}  {:>11}",
        args.depth,
        args.seed,
        "batch size",
        "mode",
        "calldata bytes",
        "blobs",
        "gas per tx",
        "blob gas per tx",
        "commit gas"
    );
    for row in &rows {
        let mode = match row.mode {
            DataMode::Calldata => "calldata",
            DataMode::Blobs => "blobs",
        };
        text.push_str(&format!(
            "\n{:>10}  {:<8}  {:>14}  {:>5}  {:>10.1}  {:>15.1}  {:>11}",
            row.batch_size, mode, row.calldata_bytes, row.blobs, row.gas_per_tx, row.blob_gas_per_tx, row.gas_used
        ));
    }
    output::line(text)
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
