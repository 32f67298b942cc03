//! `rollup workload`: a seeded batch of valid signed transactions.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use ledger::workload::Mix;
use ledger::Transaction;
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;

use crate::files::{self, Keys, TxFile};
use crate::output;

/// The most transactions `rollup workload` makes in one go.
pub const MAX_COUNT: usize = 1_000_000;

/// Arguments of `rollup workload`.
#[derive(Debug, Args)]
pub struct WorkloadArgs {
    /// The state file the transactions start from.
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// Keys file of the state's accounts (as written by `rollup genesis`: accounts 0 to n-1).
    #[arg(long, value_name = "FILE")]
    keys: PathBuf,
    /// Number of transactions, at most 1000000. Each is valid after the ones before it.
    #[arg(long, value_name = "N")]
    count: usize,
    /// Seed of the generator: the same state, keys and seed give the same transactions.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Fraction of withdrawals, 0 to 1 (the rest are transfers).
    #[arg(long, value_name = "F", default_value_t = 0.1)]
    withdrawal_share: f64,
    /// Transactions file to write (replacing any file there).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `rollup workload`.
pub fn run(args: WorkloadArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.withdrawal_share) {
        bail!("--withdrawal-share must be between 0 and 1, got {}", args.withdrawal_share);
    }
    if args.count > MAX_COUNT {
        bail!("at most {MAX_COUNT} transactions, got {}", args.count);
    }
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
