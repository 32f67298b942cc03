//! What the zk commands share: the circuit shape on the command line, randomness,
//! the insecure-setup warning and small formatting helpers.

use std::path::Path;

use anyhow::{anyhow, bail, Context as _, Result};
use circuits::BatchShape;
use clap::Args;
use ledger::field::{fr_to_decimal, parse_fr};
use ledger::state::BatchRecord;
use ledger::tx::PUBDATA_SLOT_BYTES;
use ledger::{Arity, ChainId, Fr, Transaction};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::exit::unusable_msg;
use crate::genesis::parse_arity_number;
use crate::limits;

/// The loud warning printed on stderr whenever a setup is made from a seed.
pub fn insecure_setup_warning(seed: u64) -> String {
    format!(
        "WARNING: --seed {seed} makes a deterministic, INSECURE development setup: anyone who knows the seed can forge proofs."
    )
}

/// The shape of a batch circuit.
#[derive(Debug, Args)]
pub struct ShapeArgs {
    /// Tree depth in bits of the account index (capacity 2^D), 1 to 32; a multiple
    /// of 2 for a 4-ary tree.
    #[arg(long, value_name = "D", value_parser = limits::depth())]
    pub depth: u32,
    /// Transaction slots per batch, 1 to 4096 (shorter batches are padded with no-ops;
    /// setup and proving time and memory grow linearly with it).
    #[arg(long, value_name = "B", value_parser = limits::batch_size())]
    pub batch_size: usize,
    /// Children per tree node: 2 or 4.
    #[arg(long, value_name = "2|4", default_value_t = 4, value_parser = parse_arity_number)]
    pub arity: u8,
}

impl ShapeArgs {
    /// The circuit shape for chain `chain`.
    pub fn shape(&self, chain: ChainId) -> Result<BatchShape> {
        batch_shape(self.depth, self.arity, self.batch_size, chain)
    }
}

/// `Arity` from 2 or 4.
pub fn arity_of(children: u8) -> Arity {
    if children == 2 {
        Arity::Binary
    } else {
        Arity::Quaternary
    }
}

/// A checked circuit shape: a depth or batch size out of range is unusable (exit 2).
pub fn batch_shape(depth: u32, arity: u8, batch_size: usize, chain: ChainId) -> Result<BatchShape> {
    let tree = limits::tree(depth, arity_of(arity))?;
    if !(1..=limits::MAX_BATCH_SIZE).contains(&batch_size) {
        return Err(unusable_msg(format_args!(
            "invalid value {batch_size} for --batch-size: must be between 1 and {}",
            limits::MAX_BATCH_SIZE
        )));
    }
    Ok(BatchShape::new(tree, batch_size, chain)?)
}

/// The shape in words, for example `depth 8, 4-ary, 2 slots, chain 1`.
pub fn describe(shape: &BatchShape) -> String {
    format!(
        "depth {}, {}-ary, {} slot{}, chain {}",
        shape.tree.depth(),
        shape.tree.arity().children(),
        shape.batch_size,
        if shape.batch_size == 1 { "" } else { "s" },
        shape.chain_id
    )
}

/// A ChaCha20 generator seeded from the operating system's randomness.
pub fn os_rng() -> Result<ChaCha20Rng> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| anyhow!("{e}"))
        .context("cannot get randomness from the operating system")?;
    Ok(ChaCha20Rng::from_seed(seed))
}

/// Size of a file in bytes.
pub fn file_len(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len())
}

/// Bytes in a human unit (`1.5 MiB`).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Rounds to `digits` decimals, for JSON output.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// `batch.json`, written by `rollup prove`: what an L1 contract receives with a proof.
/// The verifier recomputes the public input (the batch commitment) from it.
#[derive(Debug, Serialize)]
pub struct BatchFile<'a> {
    /// Root before the batch (decimal).
    pub old_root: String,
    /// Root after the batch (decimal).
    pub new_root: String,
    /// Head of the deposit chain before the batch (decimal).
    pub deposit_chain_before: String,
    /// Head of the deposit chain after the batch (decimal).
    pub deposit_chain_after: String,
    /// The public data, hex: 13 bytes per slot, zeros for padding.
    pub public_data: String,
    /// Slots in the batch (transactions plus padding).
    pub batch_size: usize,
    /// The batch's transactions, in order.
    pub transactions: &'a [Transaction],
}

impl<'a> BatchFile<'a> {
    /// The file for a batch the ledger applied.
    pub fn new(record: &BatchRecord, transactions: &'a [Transaction]) -> Self {
        BatchFile {
            old_root: fr_to_decimal(&record.old_root),
            new_root: fr_to_decimal(&record.new_root),
            deposit_chain_before: fr_to_decimal(&record.deposit_chain_before),
            deposit_chain_after: fr_to_decimal(&record.deposit_chain_after),
            public_data: hex::encode(record.public_data()),
            batch_size: record.batch_size,
            transactions,
        }
    }
}

/// The fields of `batch.json` the verifier reads (the transactions are not needed).
#[derive(Debug, Deserialize)]
pub struct BatchPublic {
    /// Root before (decimal or 0x-hex).
    pub old_root: String,
    /// Root after.
    pub new_root: String,
    /// Deposit chain before.
    pub deposit_chain_before: String,
    /// Deposit chain after.
    pub deposit_chain_after: String,
    /// Public data, hex.
    pub public_data: String,
    /// Slots, when given: the public data must be 13 bytes per slot.
    #[serde(default)]
    pub batch_size: Option<usize>,
}

/// The parsed public part of a batch.
#[derive(Debug)]
pub struct BatchInputs {
    /// Root before.
    pub old_root: Fr,
    /// Root after.
    pub new_root: Fr,
    /// Deposit chain before.
    pub chain_before: Fr,
    /// Deposit chain after.
    pub chain_after: Fr,
    /// Public data bytes.
    pub public_data: Vec<u8>,
}

impl BatchPublic {
    /// Parses and checks the fields.
    pub fn parse(&self) -> Result<BatchInputs> {
        let field = |name: &str, text: &str| parse_fr(text).with_context(|| format!("invalid {name}"));
        let hex_text = self.public_data.strip_prefix("0x").unwrap_or(&self.public_data);
        let public_data = hex::decode(hex_text).context("invalid public_data: not hex")?;
        if let Some(slots) = self.batch_size {
            let expected = slots.checked_mul(PUBDATA_SLOT_BYTES);
            if expected != Some(public_data.len()) {
                bail!(
                    "public_data has {} bytes but a batch of {slots} slots has {} ({PUBDATA_SLOT_BYTES} per slot)",
                    public_data.len(),
                    slots.saturating_mul(PUBDATA_SLOT_BYTES)
                );
            }
        }
        Ok(BatchInputs {
            old_root: field("old_root", &self.old_root)?,
            new_root: field("new_root", &self.new_root)?,
            chain_before: field("deposit_chain_before", &self.deposit_chain_before)?,
            chain_after: field("deposit_chain_after", &self.deposit_chain_after)?,
            public_data,
        })
    }
}

/// The inputs of one batch: the keys that prove it, the state it starts from and its transactions
/// (`rollup prove`, `rollup export wtns`).
#[derive(Debug, Args)]
pub struct BatchInputArgs {
    /// Key directory written by `rollup setup`.
    #[arg(long, value_name = "KEYDIR")]
    pub keys: std::path::PathBuf,
    /// The state file the batch starts from.
    #[arg(long, value_name = "FILE")]
    pub state: std::path::PathBuf,
    /// The transactions file: at most the keys' batch size, applied all or nothing.
    #[arg(long, value_name = "FILE")]
    pub txs: std::path::PathBuf,
}

/// A batch's inputs read, checked against each other and applied.
#[derive(Debug)]
pub struct LoadedBatch {
    /// The keys.
    pub keys: prover::Keys,
    /// The state after the batch.
    pub state: ledger::State,
    /// The transactions, as read.
    pub txs: Vec<Transaction>,
    /// The applied batch, padded to the keys' slots.
    pub record: BatchRecord,
}

impl BatchInputArgs {
    /// The input paths with their flags, for refusing to overwrite any of them.
    pub fn paths(&self) -> [(&'static str, &Path); 3] {
        [("--keys", self.keys.as_path()), ("--state", self.state.as_path()), ("--txs", self.txs.as_path())]
    }

    /// Reads the state and the transactions, checks the key directory's metadata against them
    /// before its large files load, then reads the keys and applies the batch.
    pub fn load(&self) -> Result<LoadedBatch> {
        let mut state = crate::files::read_state(&self.state)?;
        let txs = crate::files::TxFile::read(&self.txs, state.chain())?.transactions;
        let keys_error = || prover_error(format!("cannot read key directory {}", self.keys.display()));
        let meta = prover::keys::read_meta(&self.keys).map_err(keys_error())?;
        let shape = meta.shape;
        if shape.tree != state.shape() || shape.chain_id != state.chain() {
            bail!(
                "the keys in {} are for {} but the state is a depth {} {}-ary tree on chain {}",
                self.keys.display(),
                describe(&shape),
                state.shape().depth(),
                state.shape().arity().children(),
                state.chain()
            );
        }
        if txs.len() > shape.batch_size {
            bail!(
                "the keys in {} are for {}, the transactions file has {} transactions",
                self.keys.display(),
                describe(&shape),
                txs.len()
            );
        }
        let keys = prover::Keys::read(&self.keys).map_err(keys_error())?;
        let record = state.apply_batch(&txs, shape.batch_size).map_err(|err| crate::apply::batch_error(&txs, err))?;
        Ok(LoadedBatch { keys, state, txs, record })
    }
}

/// A prover error under `context`, as one message: the prover's errors already name
/// their cause in their text, so their source chain is not repeated.
pub fn prover_error<E: std::fmt::Display>(context: impl std::fmt::Display) -> impl FnOnce(E) -> anyhow::Error {
    move |err| anyhow!("{context}: {err}")
}
