//! `rollup export verifier`: a Solidity Groth16 verifier contract for a key directory's verifying key
//! (`verifier::solidity`).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use prover::keys::files::{CHECKSUMMED, META, VK_BIN, VK_JSON};

use crate::exit::{unusable, unusable_msg};
use crate::files;
use crate::output;
use crate::verify::read_vk;

/// Long help of `rollup export verifier`.
pub const LONG_ABOUT: &str = "Write a Solidity Groth16 verifier contract for a key directory's verifying key.\n\n\
The contract (pragma solidity ^0.8.0, named Groth16Verifier) has one function, \
verifyProof(uint256[8] proof, uint256[N] input) returning bool, with the proof as \
[A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y] (G2 in the EVM precompile's order). It uses the \
BN254 precompiles ecAdd (0x06), ecMul (0x07) and ecPairing (0x08), refuses every public input at or above \
the scalar modulus r and every proof coordinate at or above the base modulus q, and returns false (does \
not revert) for a rejected proof. `rollup bench evm` runs it on revm.";

/// Arguments of `rollup export verifier`.
#[derive(Debug, Args)]
pub struct VerifierArgs {
    /// Key directory written by `rollup setup` (its vk.bin, or vk.json, is read and checked against
    /// meta.json).
    #[arg(long, value_name = "DIR")]
    keys: PathBuf,
    /// The Solidity file to write.
    #[arg(long, value_name = "FILE.sol")]
    out: PathBuf,
    /// Replace FILE.sol if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `rollup export verifier`.
pub fn run(args: VerifierArgs) -> Result<()> {
    let vk_path = [VK_BIN, VK_JSON].iter().map(|name| args.keys.join(name)).find(|p| p.is_file()).ok_or_else(|| {
        unusable_msg(format_args!("{} holds no verifying key ({VK_BIN} or {VK_JSON})", args.keys.display()))
    })?;
    let vk = read_vk(&vk_path).map_err(unusable)?;
    // A file of the key directory is never replaced, even with --force: the key set would no longer match
    // its meta.json.
    let in_keys =
        args.out.parent().and_then(|p| {
            std::fs::canonicalize(if p.as_os_str().is_empty() { std::path::Path::new(".") } else { p }).ok()
        }) == std::fs::canonicalize(&args.keys).ok();
    let name = args.out.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if in_keys && (name == META || CHECKSUMMED.contains(&name)) {
        return Err(unusable_msg(format_args!(
            "--out {} is a file of the key directory {}: write the contract elsewhere",
            args.out.display(),
            args.keys.display()
        )));
    }
    if args.out.is_dir() {
        return Err(unusable_msg(format_args!("--out {} is a directory: name the .sol file", args.out.display())));
    }
    if args.out.exists() && !args.force {
        return Err(unusable_msg(format_args!("{} exists: pass --force to replace it", args.out.display())));
    }
    let source = verifier::solidity::verifier_contract(&vk)
        .with_context(|| format!("cannot write a verifier for {}", vk_path.display()))
        .map_err(unusable)?;
    files::write_bytes(&args.out, source.as_bytes(), false)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    output::line(format_args!(
        "wrote {} ({} public input(s), from {})",
        args.out.display(),
        vk.gamma_abc_g1.len() - 1,
        vk_path.display()
    ))
}
