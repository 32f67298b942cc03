//! `rollup setup`: circuit-specific Groth16 setup, written to a key directory.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use ledger::ChainId;
use prover::keys::files as key_files;
use prover::SetupKind;
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use crate::files;
use crate::output;
use crate::progress::Spinner;
use crate::zk::{self, ShapeArgs};

/// Arguments of `rollup setup`.
#[derive(Debug, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    shape: ShapeArgs,
    /// Chain id the circuit is for (bound into every signed message).
    #[arg(long, value_name = "C", default_value_t = 1)]
    chain_id: u32,
    /// Deterministic setup from this seed: INSECURE, anyone who knows the seed can
    /// forge proofs. For development and reproducible tests only. Without it the
    /// setup draws fresh randomness from the operating system.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Key directory to write, all or nothing: written beside it and renamed into place.
    /// It must not exist (or be empty) unless --force is given.
    #[arg(long, value_name = "KEYDIR")]
    out: PathBuf,
    /// Replace an existing --out directory and everything in it (the old keys stay
    /// complete until the new ones are in place).
    #[arg(long)]
    force: bool,
    /// Print the summary as one line of JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary {
    depth: u32,
    arity: usize,
    batch_size: usize,
    chain_id: u32,
    constraints: usize,
    shape_hash: String,
    insecure_dev_seed: Option<u64>,
    setup_seconds: f64,
    threads: usize,
    dir: String,
    files: Vec<FileEntry>,
}

#[derive(Serialize)]
struct FileEntry {
    name: &'static str,
    bytes: u64,
}

/// Runs `rollup setup`.
pub fn run(args: SetupArgs) -> Result<()> {
    let shape = args.shape.shape(ChainId::new(args.chain_id))?;
    // Refused before the (long) setup, and checked again when writing.
    files::check_dir_target(&args.out, args.force, "--out")?;
    let mut progress = Spinner::new();
    let kind = match args.seed {
        Some(seed) => {
            progress.println(&zk::insecure_setup_warning(seed));
            SetupKind::InsecureSeeded(seed)
        }
        None => SetupKind::Fresh,
    };
    // Only `Fresh` reads this rng; a seeded setup draws from its seed alone.
    let mut rng = match args.seed {
        Some(seed) => ChaCha20Rng::seed_from_u64(seed),
        None => zk::os_rng()?,
    };
    let keys = prover::setup(shape, kind, &mut rng, &mut progress).map_err(zk::prover_error("setup failed"))?;
    drop(progress);
    files::write_dir_atomically(&args.out, args.force, "--out", |dir| {
        keys.write(dir).map_err(zk::prover_error("cannot write the keys"))
    })
    .with_context(|| format!("cannot write key directory {}", args.out.display()))?;

    let mut files = Vec::new();
    for name in [key_files::META, key_files::PK, key_files::MATRICES, key_files::VK_JSON, key_files::VK_BIN] {
        files.push(FileEntry { name, bytes: zk::file_len(&args.out.join(name))? });
    }
    let meta = &keys.meta;
    let summary = Summary {
        depth: shape.tree.depth(),
        arity: shape.tree.arity().children(),
        batch_size: shape.batch_size,
        chain_id: shape.chain_id.value(),
        constraints: meta.size.constraints,
        shape_hash: meta.shape_hash.clone(),
        insecure_dev_seed: meta.insecure_dev_seed,
        setup_seconds: zk::round(meta.setup_seconds, 3),
        threads: meta.threads,
        dir: args.out.display().to_string(),
        files,
    };
    if args.json {
        return output::json(&summary);
    }
    let mut text = format!(
        "setup: {}\nconstraints: {}\nsetup time:  {:.2} s on {} thread{}\n{}\nwrote {}:",
        zk::describe(&shape),
        summary.constraints,
        meta.setup_seconds,
        meta.threads,
        if meta.threads == 1 { "" } else { "s" },
        match meta.insecure_dev_seed {
            Some(seed) => format!("INSECURE development keys (seed {seed})"),
            None => "fresh randomness from the operating system".to_string(),
        },
        args.out.display()
    );
    for file in &summary.files {
        text.push_str(&format!("\n  {:<13} {:>12} bytes ({})", file.name, file.bytes, zk::human_bytes(file.bytes)));
    }
    output::line(text)
}
