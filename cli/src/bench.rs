//! `rollup bench ...`: measurements of the prover.

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use ledger::workload::Mix;
use ledger::{Amount, BatchRecord, ChainId};
use prover::{Progress as _, Prover, SetupKind};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use crate::output;
use crate::progress::Spinner;
use crate::zk::{self, ShapeArgs};

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time proving from the matrices cached at setup against plain `Groth16::prove`,
    /// which synthesises the circuit and rebuilds its matrices for every proof.
    Prove(BenchProveArgs),
}

/// Arguments of `rollup bench prove`.
#[derive(Debug, Args)]
pub struct BenchProveArgs {
    #[command(flatten)]
    shape: ShapeArgs,
    /// Seed of the (insecure, in-memory) setup, the genesis and the workload.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Proofs per path; the medians are reported.
    #[arg(long, value_name = "N", default_value_t = 3)]
    runs: usize,
    /// Print the result as one line of JSON.
    #[arg(long)]
    json: bool,
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
    plain_seconds: f64,
    ratio: f64,
    cached_runs: Vec<f64>,
    plain_runs: Vec<f64>,
}

/// Runs `rollup bench ...`.
pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Prove(args) => prove(args),
    }
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

fn prove(args: BenchProveArgs) -> Result<()> {
    if args.runs == 0 || args.runs > 1000 {
        bail!("--runs must be between 1 and 1000, got {}", args.runs);
    }
    let shape = args.shape.shape(ChainId::DEFAULT)?;
    let record = seeded_batch(shape, args.seed)?;
    let mut progress = Spinner::new();
    progress.println(&zk::insecure_setup_warning(args.seed));
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let keys = prover::setup(shape, SetupKind::InsecureSeeded(args.seed), &mut rng, &mut progress)
        .map_err(zk::prover_error("setup failed"))?;
    let setup_seconds = keys.meta.setup_seconds;
    let constraints = keys.meta.size.constraints;
    let prover = Prover::new(keys);

    let (mut cached, mut plain) = (Vec::new(), Vec::new());
    for run in 1..=args.runs {
        progress.set_prefix(format!("run {run}/{}", args.runs));
        let proof =
            prover.prove(&record, &mut rng, &mut progress).map_err(zk::prover_error("cannot prove the batch"))?;
        cached.push(proof.timings.total_seconds());
        progress.stage("plain Groth16::prove (synthesis and matrices rebuilt)");
        let (plain_proof, seconds) =
            prover.prove_rebuilding_matrices(&record, &mut rng).map_err(zk::prover_error("cannot prove the batch"))?;
        progress.finish();
        prover.verify(proof.commitment, &plain_proof).context("the plain proof does not verify")?;
        plain.push(seconds);
    }
    drop(progress);
    let (cached_seconds, plain_seconds) = (zk::median(&cached), zk::median(&plain));
    let report = Report {
        depth: shape.tree.depth(),
        arity: shape.tree.arity().children(),
        batch_size: shape.batch_size,
        constraints,
        threads: rayon::current_num_threads(),
        runs: args.runs,
        setup_seconds: zk::round(setup_seconds, 3),
        cached_seconds: zk::round(cached_seconds, 4),
        plain_seconds: zk::round(plain_seconds, 4),
        ratio: zk::round(plain_seconds / cached_seconds, 3),
        cached_runs: cached.iter().map(|s| zk::round(*s, 4)).collect(),
        plain_runs: plain.iter().map(|s| zk::round(*s, 4)).collect(),
    };
    if args.json {
        return output::json(&report);
    }
    output::line(format_args!(
        "bench prove: {} ({} constraints), {} run{}, {} thread{}\n\
         setup:                            {:.2} s\n\
         cached matrices (Prover::prove):  {:.3} s median (witness + groth16)\n\
         plain Groth16::prove:             {:.3} s median\n\
         plain / cached:                   {:.2}x",
        zk::describe(&shape),
        constraints,
        report.runs,
        if report.runs == 1 { "" } else { "s" },
        report.threads,
        if report.threads == 1 { "" } else { "s" },
        setup_seconds,
        cached_seconds,
        plain_seconds,
        plain_seconds / cached_seconds
    ))
}
