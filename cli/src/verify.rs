//! `rollup verify`: check a Groth16 batch proof, the way an L1 contract would.
//!
//! Keys and proofs are read in snarkjs' JSON or in the verifier's binary form (told
//! apart by their magic bytes). The public input comes from `public.json` or is
//! recomputed from `batch.json` (roots, deposit chains, public data), which is what a
//! contract does: it never trusts a commitment it did not compute.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _, Result};
use clap::Args;
use verifier::binary::{PROOF_MAGIC, VK_MAGIC};
use verifier::{BnProof, BnVerifyingKey, VerifyError};

use crate::exit::unusable;
use crate::output;
use crate::zk::BatchPublic;

/// Long help of `rollup verify`, with its exit codes.
pub const LONG_ABOUT: &str = "Verify a batch proof, the way an L1 contract would.\n\n\
Keys and proofs are read in snarkjs' JSON or in the verifier's binary form. The public input \
comes from --public (public.json) or is recomputed from --batch (batch.json). A verifying key \
with a point at infinity, or a proof with one, is refused: such a key accepts forged proofs. A \
verifying key in a key directory whose meta.json lists it must have the SHA-256 listed there.\n\n\
Exit codes:\n  \
0  accepted: prints OK\n  \
1  rejected: the inputs are usable but the proof does not verify for them\n  \
2  unusable input: a missing or unreadable file, malformed JSON or bytes, a bad or degenerate \
verifying key, a proof point off the curve or at infinity, the wrong number of public inputs, \
or a usage error";

/// Arguments of `rollup verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Verifying key: KEYDIR/vk.json (snarkjs) or KEYDIR/vk.bin (binary).
    #[arg(long, value_name = "FILE")]
    vk: PathBuf,
    /// Proof: proof.json (snarkjs) or proof.bin (binary).
    #[arg(long, value_name = "FILE")]
    proof: PathBuf,
    #[command(flatten)]
    input: PublicSource,
}

/// Where the public input comes from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct PublicSource {
    /// public.json: the public inputs as decimal strings (snarkjs).
    #[arg(long, value_name = "FILE")]
    public: Option<PathBuf>,
    /// batch.json as written by `rollup prove`: the public input (the batch
    /// commitment) is recomputed from its roots, deposit chains and public data.
    #[arg(long, value_name = "FILE")]
    batch: Option<PathBuf>,
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

fn text<'a>(bytes: &'a [u8], path: &Path, what: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes).with_context(|| format!("cannot read {what} {}: not UTF-8 text", path.display()))
}

fn is_binary(path: &Path, bytes: &[u8], magic: &[u8; 4]) -> bool {
    bytes.starts_with(magic) || path.extension().is_some_and(|e| e == "bin")
}

/// Reads a verifying key, JSON or binary: validated (no point at infinity, every point
/// on the curve and in its subgroup) and, inside a key directory that lists it, checked
/// against the SHA-256 in its meta.json.
pub fn read_vk(path: &Path) -> Result<BnVerifyingKey> {
    let what = "verifying key";
    let bytes = read(path, what)?;
    prover::keys::check_listed_file(path, &bytes)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("invalid {what} {}", path.display()))?;
    let parsed = if is_binary(path, &bytes, &VK_MAGIC) {
        verifier::binary::vk_from_bytes(&bytes)
    } else {
        verifier::snarkjs::vk_from_json(text(&bytes, path, what)?)
    };
    parsed.with_context(|| format!("invalid {what} {}", path.display()))
}

/// Reads a proof, JSON or binary.
pub fn read_proof(path: &Path) -> Result<BnProof> {
    let what = "proof";
    let bytes = read(path, what)?;
    let parsed = if is_binary(path, &bytes, &PROOF_MAGIC) {
        verifier::binary::proof_from_bytes(&bytes)
    } else {
        verifier::snarkjs::proof_from_json(text(&bytes, path, what)?)
    };
    parsed.with_context(|| format!("invalid {what} {}", path.display()))
}

/// Runs `rollup verify`: `OK` and exit 0; a rejected proof exits 1; anything that makes
/// the inputs unusable exits 2 (see [`LONG_ABOUT`]).
pub fn run(args: VerifyArgs) -> Result<()> {
    let (result, source) = check(&args).map_err(unusable)?;
    match result {
        Ok(()) => output::line("OK"),
        Err(VerifyError::Rejected) => Err(anyhow!(
            "proof rejected: the Groth16 pairing check failed for the public input of {} under {}",
            source.display(),
            args.vk.display()
        )),
        // A wrong input count, a degenerate key or proof: the inputs cannot be used.
        Err(other) => Err(unusable(anyhow::Error::new(other).context("proof not accepted"))),
    }
}

/// Reads the inputs (any failure: unusable) and verifies; returns the verdict and where
/// the public input came from.
fn check(args: &VerifyArgs) -> Result<(verifier::Result<()>, &Path)> {
    let vk = read_vk(&args.vk)?;
    let proof = read_proof(&args.proof)?;
    match (&args.input.public, &args.input.batch) {
        (Some(path), _) => {
            let what = "public inputs";
            let bytes = read(path, what)?;
            let inputs = verifier::snarkjs::public_from_json(text(&bytes, path, what)?)
                .with_context(|| format!("invalid {what} {}", path.display()))?;
            Ok((verifier::verify(&vk, &inputs, &proof), path.as_path()))
        }
        (None, Some(path)) => {
            let what = "batch file";
            let bytes = read(path, what)?;
            let batch: BatchPublic =
                serde_json::from_slice(&bytes).with_context(|| format!("invalid {what} {}", path.display()))?;
            let b = batch.parse().with_context(|| format!("invalid {what} {}", path.display()))?;
            let result = verifier::verify_batch(
                &vk,
                b.old_root,
                b.new_root,
                b.chain_before,
                b.chain_after,
                &b.public_data,
                &proof,
            );
            Ok((result, path.as_path()))
        }
        (None, None) => Err(anyhow!("give --public or --batch")),
    }
}
