//! `rollup workload`: a seeded batch of valid signed transactions.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use ledger::workload::Mix;
use ledger::Transaction;
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;

use crate::exit::unusable_msg;
use crate::files::{self, Keys, TxFile};
use crate::limits;
use crate::output;

/// Arguments of `rollup workload`.
#[derive(Debug, Args)]
pub struct WorkloadArgs {
    /// The state file the transactions start from.
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// Keys file of the state's accounts (as written by `rollup genesis`: accounts 0 to n-1).
    #[arg(long, value_name = "FILE")]
    keys: PathBuf,
    /// Number of transactions, 1 to 1000000. Each is valid after the ones before it.
    #[arg(long, value_name = "N", value_parser = limits::txs())]
    count: usize,
    /// Seed of the generator: the same state, keys and seed give the same transactions.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Fraction of withdrawals, 0 to 1 (the rest are transfers).
    #[arg(long, value_name = "F", default_value_t = 0.1)]
    withdrawal_share: f64,
    /// Transactions file to write (replacing any file there, all or nothing). The
    /// --state or --keys file is refused unless --force is given.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Write --out even when it is an input file.
    #[arg(long)]
    force: bool,
}

/// Runs `rollup workload`.
pub fn run(args: WorkloadArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.withdrawal_share) {
        return Err(unusable_msg(format_args!(
            "invalid value {} for --withdrawal-share: must be between 0 and 1",
            args.withdrawal_share
        )));
    }
    let inputs = [("--state", args.state.as_path()), ("--keys", args.keys.as_path())];
    files::refuse_overwriting_inputs("--out", &args.out, &inputs, args.force)?;
    let state = files::read_state(&args.state)?;
    let keys = Keys::read(&args.keys)?;
    keys.check_against(&state)?;
    let keys = keys.dense()?;
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let mix = Mix { withdrawal_share: args.withdrawal_share };
    let txs = ledger::workload::random_transactions(&state, &keys, args.count, mix, &mut rng)?;
    let withdrawals = txs.iter().filter(|tx| matches!(tx, Transaction::Withdrawal(_))).count();
    let total = txs.len();
    TxFile::new(state.chain(), txs).write(&args.out)?;
    output::line(format_args!(
        "workload: {total} transactions ({} transfers, {withdrawals} withdrawals) written to {}",
        total - withdrawals,
        args.out.display()
    ))
}
