//! `rollup export ...`: files for other tools, made from a key directory.

use anyhow::Result;
use clap::Subcommand;

use crate::export_verifier;

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A Solidity Groth16 verifier contract for the key directory's verifying key.
    #[command(long_about = export_verifier::LONG_ABOUT)]
    Verifier(export_verifier::VerifierArgs),
}

/// Runs `rollup export ...`.
pub fn run(cmd: ExportCommand) -> Result<()> {
    match cmd {
        ExportCommand::Verifier(args) => export_verifier::run(args),
    }
}
