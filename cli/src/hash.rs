//! `rollup hash ...`: hash functions of the ledger.

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use ledger::field::{fr_to_decimal, parse_fr};

use crate::output;

/// Hash functions.
#[derive(Debug, Subcommand)]
pub enum HashCommand {
    /// Poseidon over BN254 with circomlib's parameters (equal to circomlib's
    /// `Poseidon(n)` and circomlibjs' `poseidon`); prints the hash in decimal.
    Poseidon(PoseidonArgs),
}

/// Arguments of `rollup hash poseidon`.
#[derive(Debug, Args)]
pub struct PoseidonArgs {
    /// 1 to 12 field elements, each decimal or 0x-prefixed hex, below the BN254 scalar modulus.
    #[arg(required = true, value_name = "X", allow_negative_numbers = true)]
    inputs: Vec<String>,
    /// Print `{"hash":"<decimal>"}` instead of the bare number.
    #[arg(long)]
    json: bool,
}

/// Runs a `hash` command.
pub fn run(cmd: HashCommand) -> Result<()> {
    match cmd {
        HashCommand::Poseidon(args) => poseidon(args),
    }
}

fn poseidon(args: PoseidonArgs) -> Result<()> {
    let inputs = args
        .inputs
        .iter()
        .enumerate()
        .map(|(i, text)| parse_fr(text).with_context(|| format!("input {}", i + 1)))
        .collect::<Result<Vec<_>>>()?;
    let hash = fr_to_decimal(&ledger::poseidon::hash(&inputs)?);
    if args.json {
        output::json(&serde_json::json!({ "hash": hash }))
    } else {
        output::line(hash)
    }
}
