//! `rollup`: the command-line tool of the zk-rollup lab.
//!
//! Every command lives in its own module; this file only parses the command line
//! and turns errors into one `error: ...` line on stderr and a non-zero exit code:
//! 1 when the work failed, 2 when the command line or an input cannot be used (see
//! [`exit`]).
#![forbid(unsafe_code)]

mod apply;
mod bench;
mod bench_evm;
mod compare;
mod demo;
mod exit;
mod export;
mod export_verifier;
mod files;
mod genesis;
mod hash;
mod info;
mod keys;
mod limits;
mod output;
mod progress;
mod prove;
mod rss;
mod setup;
mod simulate;
mod simulate_channels;
mod simulate_optimistic;
mod simulate_plasma;
mod simulate_sidechain;
mod tx;
mod verify;
mod workload;
mod zk;

use std::io::Write as _;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

/// Command-line tool of the zk-rollup lab: hash, keys and signatures, genesis
/// states, signed transactions and native batch application on the L2 ledger, and
/// the zk rollup's Groth16 setup, proving and verification (verbs as in snarkjs), and
/// the zk rollup end to end on a simulated L1.
#[derive(Debug, Parser)]
#[command(name = "rollup", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Hash field elements.
    #[command(subcommand)]
    Hash(hash::HashCommand),
    /// Make an EdDSA-Poseidon key pair (Baby Jubjub, circomlib-compatible).
    Keygen(keys::KeygenArgs),
    /// Sign one field element with EdDSA-Poseidon.
    Sign(keys::SignArgs),
    /// Write a funded genesis state and its keys.
    #[command(long_about = genesis::LONG_ABOUT)]
    Genesis(genesis::GenesisArgs),
    /// Sign one transaction and add it to a transactions file.
    #[command(subcommand)]
    Tx(tx::TxCommand),
    /// Generate a seeded batch of valid signed transactions.
    Workload(workload::WorkloadArgs),
    /// Apply a transactions file to a state as one batch.
    Apply(apply::ApplyArgs),
    /// Groth16 setup for a batch-circuit shape, written to a key directory.
    Setup(setup::SetupArgs),
    /// Apply a transactions file as one batch and prove it (writes proof.json,
    /// public.json, proof.bin, batch.json and the new state.json).
    Prove(prove::ProveArgs),
    /// Verify a batch proof: OK and exit 0; exit 1 when the proof is rejected; exit 2
    /// when an input cannot be used.
    #[command(long_about = verify::LONG_ABOUT)]
    Verify(verify::VerifyArgs),
    /// What a circuit shape costs: constraints, public inputs, where they go.
    Info(info::InfoArgs),
    /// Benchmarks of the prover.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Simulations on the simulated L1 (the zk rollup end to end, exodus).
    #[command(subcommand)]
    Simulate(simulate::SimulateCommand),
    /// Every design on one workload: L1 gas per transaction, finality, withdrawal
    /// latency, throughput ceiling, capital locked and the trust each asks for.
    Compare(compare::CompareArgs),
    /// Studies of what proofs cost.
    #[command(subcommand)]
    Study(compare::StudyCommand),
    /// The circuit, a batch's witness and the proving key in snarkjs' formats (.r1cs,
    /// .wtns, .zkey), the snarkjs commands that check them, and a Solidity verifier.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// The zk rollup end to end on the simulated L1, in about a minute: deposits,
    /// proved and L1-verified batches, withdrawals paid.
    Demo(demo::DemoArgs),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Hash(cmd) => hash::run(cmd),
        Command::Keygen(args) => keys::keygen(args),
        Command::Sign(args) => keys::sign(args),
        Command::Genesis(args) => genesis::run(args),
        Command::Tx(cmd) => tx::run(cmd),
        Command::Workload(args) => workload::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Setup(args) => setup::run(args),
        Command::Prove(args) => prove::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Info(args) => info::run(args),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Simulate(cmd) => simulate::run(cmd),
        Command::Demo(args) => demo::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Study(cmd) => compare::study(cmd),
        Command::Export(cmd) => export::run(cmd),
    }
}

/// Writes one line to stderr; a closed stderr is ignored (there is nowhere left to report to).
fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Help and version go out as clap formats them; every other parse error becomes
/// clap's first line only (`error: ...`) and exit code 2.
fn usage_error(err: clap::Error) -> ExitCode {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return if err.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    // clap's message is its first paragraph (a list of missing arguments spans
    // several lines); tips and usage follow after a blank line.
    let text = err.to_string();
    let message = text.trim_start().lines().map(str::trim).take_while(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let message = if message.is_empty() { "invalid command line" } else { message };
    report(&format!("error: {message} (see --help)"));
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line.
            let text = format!("{err:#}").replace('\n', " ");
            report(&format!("error: {text}"));
            ExitCode::from(exit::code(&err))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
