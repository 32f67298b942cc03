//! `rollup keygen` and `rollup sign`: EdDSA-Poseidon keys and signatures.

use anyhow::{Context as _, Result};
use clap::Args;
use ledger::field::parse_fr;
use ledger::{PublicKey, SecretKey};
use serde::Serialize;

use crate::output;

/// Arguments of `rollup keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The secret key as 64 hex characters (32 bytes); a fresh random key from the
    /// operating system when omitted.
    #[arg(long, value_name = "HEX")]
    secret: Option<String>,
}

/// Arguments of `rollup sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The secret key as 64 hex characters (32 bytes).
    #[arg(long, value_name = "HEX")]
    secret: String,
    /// The message: one field element, decimal or 0x-prefixed hex.
    #[arg(long, value_name = "FIELD", allow_hyphen_values = true)]
    msg: String,
}

#[derive(Serialize)]
struct KeyPair {
    secret: String,
    public_key: PublicKey,
}

/// Parses a secret key given on the command line.
pub fn parse_secret(text: &str) -> Result<SecretKey> {
    SecretKey::from_hex(text).context("invalid --secret")
}

/// A fresh secret key from the operating system's randomness.
fn random_secret() -> Result<SecretKey> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot get randomness from the operating system")?;
    Ok(SecretKey::from_bytes(bytes))
}

/// Prints a key pair as JSON.
pub fn keygen(args: KeygenArgs) -> Result<()> {
    let secret = match &args.secret {
        Some(text) => parse_secret(text)?,
        None => random_secret()?,
    };
    output::json(&KeyPair { secret: secret.to_hex(), public_key: secret.public_key() })
}

/// Prints a signature as JSON.
pub fn sign(args: SignArgs) -> Result<()> {
    let secret = parse_secret(&args.secret)?;
    let msg = parse_fr(&args.msg).context("invalid --msg")?;
    output::json(&secret.sign(msg))
}
