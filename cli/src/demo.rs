//! `rollup demo`: the whole zk-rollup pipeline end to end, in memory: a seeded
//! genesis and workload, a (seeded, insecure) setup, one proof per batch and its
//! verification the way an L1 contract does it (recomputing the public input).

use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use clap::Args;
use ledger::field::fr_to_decimal;
use ledger::workload::Mix;
use ledger::{Amount, ChainId, Transaction};
use prover::{Prover, SetupKind};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use crate::apply::batch_error;
use crate::output;
use crate::progress::Spinner;
use crate::zk;

/// Balance of every genesis account.
const GENESIS_BALANCE: u64 = 1_000_000_000;

/// Arguments of `rollup demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Accounts in the genesis.
    #[arg(long, value_name = "N", default_value_t = 8)]
    accounts: u32,
    /// Transactions to generate, prove and verify.
    #[arg(long, value_name = "N", default_value_t = 4)]
    txs: usize,
    /// Slots per batch (the last batch is padded with no-ops).
    #[arg(long, value_name = "B", default_value_t = 4)]
    batch_size: usize,
    /// Depth of the 4-ary account tree (an even number, 2 to 32).
    #[arg(long, value_name = "D", default_value_t = 8)]
    depth: u32,
    /// Seed of the genesis, the workload and the INSECURE development setup.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Print the summary as one line of JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    accounts: u32,
    transactions: usize,
    transfers: usize,
    withdrawals: usize,
    batches: usize,
    batch_size: usize,
    depth: u32,
    arity: usize,
    constraints: usize,
    constraints_per_tx: f64,
    threads: usize,
    insecure_setup_seed: u64,
    setup_seconds: f64,
    prove_seconds: Vec<f64>,
    verify_milliseconds: Vec<f64>,
    proof_bytes: usize,
    proof_file_bytes: usize,
    old_root: String,
    new_root: String,
    total_before: u128,
    total_after: u128,
    withdrawn: u128,
    conserved: bool,
    wall_seconds: f64,
}

/// Runs `rollup demo`.
pub fn run(args: DemoArgs) -> Result<()> {
    let started = Instant::now();
    if args.txs == 0 || args.txs > 1024 {
        bail!("--txs must be between 1 and 1024, got {}", args.txs);
    }
    if args.accounts == 0 {
        bail!("--accounts must be at least 1");
    }
    let shape = zk::batch_shape(args.depth, 4, args.batch_size, ChainId::DEFAULT)?;

    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let (mut state, keys) =
        ledger::workload::genesis(shape.tree, shape.chain_id, args.accounts, Amount::new(GENESIS_BALANCE), &mut rng)
            .context("cannot make the genesis")?;
    let txs = ledger::workload::random_transactions(&state, &keys, args.txs, Mix::default(), &mut rng)
        .context("cannot generate the transactions")?;
    let withdrawn: u128 = txs
        .iter()
        .filter_map(|tx| match tx {
            Transaction::Withdrawal(w) => Some(u128::from(w.amount.units())),
            _ => None,
        })
        .sum();
    let withdrawals = txs.iter().filter(|tx| matches!(tx, Transaction::Withdrawal(_))).count();
    let total_before = state.total_balance();
    let old_root = state.root();

    let mut progress = Spinner::new();
    progress.println(&zk::insecure_setup_warning(args.seed));
    progress.set_prefix("setup");
    let keys = prover::setup(shape, SetupKind::InsecureSeeded(args.seed), &mut rng, &mut progress)
        .map_err(zk::prover_error("setup failed"))?;
    let setup_seconds = keys.meta.setup_seconds;
    let constraints = keys.meta.size.constraints;
    let prover = Prover::new(keys);
    let vk = prover.keys().pk.vk.clone();

    let batches = txs.len().div_ceil(shape.batch_size);
    let (mut prove_seconds, mut verify_milliseconds) = (Vec::new(), Vec::new());
    let mut proof_file_bytes = 0;
    for (number, chunk) in txs.chunks(shape.batch_size).enumerate() {
        progress.set_prefix(format!("batch {}/{batches}", number + 1));
        let record = state.apply_batch(chunk, shape.batch_size).map_err(|err| batch_error(chunk, err))?;
        let proved = Instant::now();
        let proof =
            prover.prove(&record, &mut rng, &mut progress).map_err(zk::prover_error("cannot prove the batch"))?;
        prove_seconds.push(zk::round(proved.elapsed().as_secs_f64(), 3));
        let verified = Instant::now();
        verifier::verify_batch(
            &vk,
            record.old_root,
            record.new_root,
            record.deposit_chain_before,
            record.deposit_chain_after,
            &record.public_data(),
            &proof.proof,
        )
        .with_context(|| format!("the proof of batch {} does not verify", number + 1))?;
        verify_milliseconds.push(zk::round(verified.elapsed().as_secs_f64() * 1000.0, 2));
        proof_file_bytes = verifier::binary::proof_to_bytes(&proof.proof).len();
    }
    drop(progress);

    let total_after = state.total_balance();
    let report = Report {
        accounts: args.accounts,
        transactions: txs.len(),
        transfers: txs.len() - withdrawals,
        withdrawals,
        batches,
        batch_size: shape.batch_size,
        depth: shape.tree.depth(),
        arity: shape.tree.arity().children(),
        constraints,
        constraints_per_tx: zk::round(constraints as f64 / shape.batch_size as f64, 1),
        threads: rayon::current_num_threads(),
        insecure_setup_seed: args.seed,
        setup_seconds: zk::round(setup_seconds, 3),
        prove_seconds,
        verify_milliseconds,
        // The arkworks body of the binary form: A (32), B (64), C (32), compressed.
        proof_bytes: verifier::binary::PROOF_LEN - verifier::binary::HEADER_LEN,
        proof_file_bytes,
        old_root: fr_to_decimal(&old_root),
        new_root: fr_to_decimal(&state.root()),
        total_before,
        total_after,
        withdrawn,
        conserved: total_before == total_after + withdrawn,
        wall_seconds: zk::round(started.elapsed().as_secs_f64(), 2),
    };
    if args.json {
        output::json(&report)?;
    } else {
        print_text(&report)?;
    }
    if !report.conserved {
        bail!(
            "balance not conserved: {} before, {} after plus {} withdrawn",
            report.total_before,
            report.total_after,
            report.withdrawn
        );
    }
    Ok(())
}

fn list(values: &[f64], digits: usize) -> String {
    values.iter().map(|v| format!("{v:.digits$}")).collect::<Vec<_>>().join(", ")
}

fn print_text(r: &Report) -> Result<()> {
    output::line(format_args!(
        "zk-rollup demo (INSECURE development setup, seed {seed})\n\
         accounts:           {accounts} in a depth-{depth} {arity}-ary tree\n\
         transactions:       {txs} ({transfers} transfers, {withdrawals} withdrawals)\n\
         batches:            {batches} of {slots} slots\n\
         constraints:        {constraints} ({per_tx:.1} per tx slot)\n\
         setup:              {setup:.2} s on {threads} thread{s}\n\
         prove per batch:    {prove} s\n\
         verify per batch:   {verify} ms (public input recomputed from the batch)\n\
         proof size:         {proof} bytes compressed ({file} bytes with the binary header)\n\
         old root:           {old_root}\n\
         new root:           {new_root}\n\
         balance before:     {before}\n\
         balance after:      {after} + {withdrawn} withdrawn = {sum} ({conserved})\n\
         wall time:          {wall:.1} s",
        seed = r.insecure_setup_seed,
        accounts = r.accounts,
        depth = r.depth,
        arity = r.arity,
        txs = r.transactions,
        transfers = r.transfers,
        withdrawals = r.withdrawals,
        batches = r.batches,
        slots = r.batch_size,
        constraints = r.constraints,
        per_tx = r.constraints_per_tx,
        setup = r.setup_seconds,
        threads = r.threads,
        s = if r.threads == 1 { "" } else { "s" },
        prove = list(&r.prove_seconds, 2),
        verify = list(&r.verify_milliseconds, 1),
        proof = r.proof_bytes,
        file = r.proof_file_bytes,
        old_root = r.old_root,
        new_root = r.new_root,
        before = r.total_before,
        after = r.total_after,
        withdrawn = r.withdrawn,
        sum = r.total_after + r.withdrawn,
        conserved = if r.conserved { "conserved" } else { "NOT CONSERVED" },
        wall = r.wall_seconds,
    ))
}
