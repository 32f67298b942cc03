//! `rollup prove`: apply a transactions file to a state as one batch and prove it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;
use ledger::field::fr_to_decimal;
use prover::Prover;
use serde::Serialize;

use crate::files;
use crate::output;
use crate::progress::Spinner;
use crate::zk::{self, BatchFile};

/// Arguments of `rollup prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    #[command(flatten)]
    input: zk::BatchInputArgs,
    /// Directory to write proof.json, public.json, proof.bin, batch.json and the new
    /// state.json to, all or nothing: written beside it and renamed into place, so a
    /// failure leaves no new file beside an old state. It must not exist (or be empty),
    /// nor be or hold an input (--keys, --state, --txs), unless --force is given.
    #[arg(long, value_name = "OUTDIR")]
    out: PathBuf,
    /// Replace an existing --out directory and everything in it, inputs included.
    #[arg(long)]
    force: bool,
    /// Print the summary as one line of JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary {
    transactions: usize,
    slots: usize,
    commitment: String,
    old_root: String,
    new_root: String,
    witness_seconds: f64,
    groth16_seconds: f64,
    self_check_seconds: f64,
    threads: usize,
    out: String,
}

/// Runs `rollup prove`.
pub fn run(args: ProveArgs) -> Result<()> {
    // Refused before any work, and checked again when writing.
    files::refuse_overwriting_inputs("--out", &args.out, &args.input.paths(), args.force)?;
    files::check_dir_target(&args.out, args.force, "--out")?;
    let zk::LoadedBatch { keys, state, txs, record } = args.input.load()?;
    let shape = keys.meta.shape;
    let mut rng = zk::os_rng()?;
    let mut progress = Spinner::new();
    let proof = Prover::new(keys)
        .prove(&record, &mut rng, &mut progress)
        .map_err(zk::prover_error("cannot prove the batch"))?;
    drop(progress);

    files::write_dir_atomically(&args.out, args.force, "--out", |dir| {
        write_outputs(dir, &proof, &record, &txs, &state)
    })
    .with_context(|| format!("cannot write the outputs to {}", args.out.display()))?;
    let t = proof.timings;
    let summary = Summary {
        transactions: txs.len(),
        slots: record.batch_size,
        commitment: fr_to_decimal(&proof.commitment),
        old_root: fr_to_decimal(&record.old_root),
        new_root: fr_to_decimal(&record.new_root),
        witness_seconds: zk::round(t.witness_seconds, 3),
        groth16_seconds: zk::round(t.groth16_seconds, 3),
        self_check_seconds: zk::round(t.self_check_seconds, 3),
        threads: t.threads,
        out: args.out.display().to_string(),
    };
    if args.json {
        return output::json(&summary);
    }
    output::line(format_args!(
        "proved {} transaction{} in {} slots ({})\ncommitment: {}\nold root:   {}\nnew root:   {}\n\
         witness {:.2} s, groth16 {:.2} s, self-check {:.3} s, on {} thread{}\n\
         wrote proof.json, public.json, proof.bin, batch.json and state.json to {}",
        summary.transactions,
        if summary.transactions == 1 { "" } else { "s" },
        summary.slots,
        zk::describe(&shape),
        summary.commitment,
        summary.old_root,
        summary.new_root,
        t.witness_seconds,
        t.groth16_seconds,
        t.self_check_seconds,
        t.threads,
        if t.threads == 1 { "" } else { "s" },
        args.out.display()
    ))
}

fn write_outputs(
    dir: &Path,
    proof: &prover::BatchProof,
    record: &ledger::BatchRecord,
    txs: &[ledger::Transaction],
    state: &ledger::State,
) -> Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        files::write_bytes(&path, bytes, false).with_context(|| format!("cannot write {}", path.display()))
    };
    write("proof.json", with_newline(verifier::snarkjs::proof_to_json(&proof.proof)).as_bytes())?;
    write("public.json", with_newline(verifier::snarkjs::public_to_json(&[proof.commitment])).as_bytes())?;
    write("proof.bin", &verifier::binary::proof_to_bytes(&proof.proof))?;
    let batch_path = dir.join("batch.json");
    files::write_json(&batch_path, &BatchFile::new(record, txs), false)
        .with_context(|| format!("cannot write {}", batch_path.display()))?;
    files::write_state(&dir.join("state.json"), state)
}

fn with_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
