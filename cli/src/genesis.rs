//! `rollup genesis`: a funded genesis state and the keys of its accounts.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use ledger::field::fr_to_decimal;
use ledger::{Amount, Arity, ChainId};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;

use crate::exit::unusable_msg;
use crate::files::{self, KeysFile};
use crate::limits;
use crate::output;

/// Long help of `rollup genesis`.
pub const LONG_ABOUT: &str = "Write a funded genesis state and its keys.\n\n\
Makes accounts 0 to N-1, each with a key drawn from the seed and the same balance, and \
writes DIR/state.json (the state) and DIR/keys.json (the secret key of every account).\n\n\
WARNING: keys.json holds the secret keys in plain text. It is a development \
convenience for tests and benchmarks, never a way to keep real keys.";

/// Arguments of `rollup genesis`.
#[derive(Debug, Args)]
pub struct GenesisArgs {
    /// Number of accounts (at indices 0 to N-1), 1 to 1000000, and no more than the
    /// tree holds.
    #[arg(long, value_name = "N", value_parser = limits::accounts())]
    accounts: u32,
    /// Tree depth in bits of the account index (capacity 2^D), 1 to 32; a multiple
    /// of 2 for a 4-ary tree.
    #[arg(long, value_name = "D", default_value_t = 32, value_parser = limits::depth())]
    depth: u32,
    /// Children per tree node: 2 or 4.
    #[arg(long, value_name = "2|4", default_value_t = 4, value_parser = parse_arity_number)]
    arity: u8,
    /// Starting balance of every account, in units.
    #[arg(long, value_name = "B", default_value_t = 1_000_000_000)]
    balance: u64,
    /// Chain id the state belongs to (bound into every signature).
    #[arg(long, value_name = "C", default_value_t = 1)]
    chain_id: u32,
    /// Seed of the key generator: the same seed gives the same keys.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Directory to write state.json and keys.json to (created if missing). One that
    /// already holds a keys.json or a state.json is refused unless --force is given.
    /// keys.json holds secret keys in plain text: a development convenience only.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Overwrite the keys.json and state.json already in --out (their keys are lost).
    #[arg(long)]
    force: bool,
}

/// Parses `--arity`: 2 or 4.
pub fn parse_arity_number(text: &str) -> Result<u8, String> {
    match text {
        "2" => Ok(2),
        "4" => Ok(4),
        _ => Err("the arity is 2 or 4".into()),
    }
}

/// Runs `rollup genesis`.
pub fn run(args: GenesisArgs) -> Result<()> {
    let arity = if args.arity == 2 { Arity::Binary } else { Arity::Quaternary };
    let shape = limits::tree(args.depth, arity)?;
    limits::accounts_fit(args.accounts, 0, &shape, args.depth)?;
    let state_path = args.out.join("state.json");
    let keys_path = args.out.join("keys.json");
    if !args.force {
        for (path, what) in [(&keys_path, "secret keys of an earlier genesis"), (&state_path, "an earlier state")] {
            if path.exists() {
                return Err(unusable_msg(format_args!(
                    "--out {} already holds {} ({what}): pass --force to overwrite it",
                    args.out.display(),
                    path.file_name().unwrap_or_default().to_string_lossy()
                )));
            }
        }
    }
    let chain = ChainId::new(args.chain_id);
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let (state, keys) = ledger::workload::genesis(shape, chain, args.accounts, Amount::new(args.balance), &mut rng)?;

    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create directory {}", args.out.display()))?;
    files::write_json(&keys_path, &KeysFile::new(&keys), true)
        .with_context(|| format!("cannot write keys file {}", keys_path.display()))?;
    files::write_state(&state_path, &state)?;
    output::line(format_args!(
        "genesis: {} accounts of {} units, depth {}, {}-ary, chain {chain}, root {}; wrote {} and {}",
        args.accounts,
        args.balance,
        shape.depth(),
        shape.arity().children(),
        fr_to_decimal(&state.root()),
        state_path.display(),
        keys_path.display()
    ))
}
