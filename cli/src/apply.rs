//! `rollup apply`: apply a transactions file to a state natively, as one batch.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use clap::Args;
use ledger::field::fr_to_decimal;
use ledger::{LedgerError, Transaction};
use serde::Serialize;

use crate::files::{self, TxFile};
use crate::output;

/// Arguments of `rollup apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The state file to start from.
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// The transactions file to apply (all or nothing, in order).
    #[arg(long, value_name = "FILE")]
    txs: PathBuf,
    /// Write the new state to this file (may be the --state file itself).
    /// Nothing is written when a transaction fails.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print the result as one line of JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Outcome {
    transactions: usize,
    old_root: String,
    new_root: String,
    commitment: String,
    deposit_chain: String,
}

/// Turns a failed `apply_batch` into one line naming the failing transaction.
pub fn batch_error(txs: &[Transaction], err: LedgerError) -> anyhow::Error {
    match err {
        LedgerError::InBatch { position, source } => {
            let json = txs.get(position).and_then(|tx| serde_json::to_string(tx).ok()).unwrap_or_default();
            anyhow!("transaction {position} failed: {source}; transaction: {json}")
        }
        other => anyhow::Error::new(other).context("cannot apply the batch"),
    }
}

/// Runs `rollup apply`.
pub fn run(args: ApplyArgs) -> Result<()> {
    let mut state = files::read_state(&args.state)?;
    let file = TxFile::read(&args.txs, state.chain())?;
    let txs = &file.transactions;
    let batch = state.apply_batch(txs, txs.len()).map_err(|err| batch_error(txs, err))?;
    if let Some(out) = &args.out {
        files::write_state(out, &state)?;
    }
    let outcome = Outcome {
        transactions: txs.len(),
        old_root: fr_to_decimal(&batch.old_root),
        new_root: fr_to_decimal(&batch.new_root),
        commitment: fr_to_decimal(&batch.commitment()),
        deposit_chain: fr_to_decimal(&batch.deposit_chain_after),
    };
    if args.json {
        return output::json(&outcome);
    }
    let mut text = format!(
        "applied {} transactions\nold root:   {}\nnew root:   {}\ncommitment: {}",
        outcome.transactions, outcome.old_root, outcome.new_root, outcome.commitment
    );
    if let Some(out) = &args.out {
        text.push_str(&format!("\nwrote {}", out.display()));
    }
    output::line(text)
}
