//! The proof-cost study: what a batch proof costs as the batch and the account tree grow.
//!
//! For every (tree depth, batch size) the study counts the circuit's constraints, in total and by part
//! ([`circuits::info::estimate`]: synthesised whole up to [`circuits::info::SYNTHESISE_UP_TO`] slots, combined
//! from smaller syntheses above, flagged by `synthesised`), and the L1 gas per transaction of committing such
//! a batch in calldata and in blobs ([`zk_rollup::simulation::gas_table`]: real signed transfers through the
//! contract's metered code, without proving).
//!
//! Shapes of at most [`StudyConfig::max_prove_constraints`] constraints are then **measured**: a seeded setup,
//! a real batch of signed transfers and withdrawals applied by the ledger, proved [`StudyConfig::prove_runs`]
//! times (the median is kept) and verified with [`verifier::verify`]; key and matrix sizes are those of the
//! keys the setup made. Larger shapes are **estimated** from the per-constraint rates of the largest measured
//! shape, and their rows say so (`estimated: true`, with the basis in words).

use std::time::Instant;

use ark_serialize::CanonicalSerialize;
use circuits::info::{estimate, CircuitInfo};
use circuits::{BatchShape, Breakdown};
use l1_contract_sim::ChainConfig;
use ledger::tx::PUBDATA_SLOT_BYTES;
use ledger::workload::{genesis, random_transactions, Mix};
use ledger::{Amount, Arity, ChainId, Fr, TreeShape};
use prover::{setup, Keys, Progress, Prover, SetupKind};
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use zk_rollup::simulation::gas_table;
use zk_rollup::DataMode;

use crate::error::{CompareError, Result};
use crate::metrics::{throughput_ceiling_tps, SimRng};

/// What the study covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyConfig {
    /// Slots per batch.
    pub batch_sizes: Vec<usize>,
    /// Account-tree depths in bits (4-ary tree: even, 2 to 32).
    pub depths: Vec<u32>,
    /// Seed of the (insecure, development) setups, the keys and the transactions.
    pub seed: u64,
    /// Shapes with more constraints are estimated, not proved.
    pub max_prove_constraints: usize,
    /// Proofs per measured shape; the median is reported (at least 1).
    pub prove_runs: usize,
    /// Verifications per measured shape; the median is reported (at least 1).
    pub verify_runs: usize,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            batch_sizes: vec![1, 2, 4, 8, 16, 64, 256, 1024],
            depths: vec![8, 16, 32],
            seed: 1,
            max_prove_constraints: 400_000,
            prove_runs: 3,
            verify_runs: 5,
        }
    }
}

impl StudyConfig {
    /// Refuses a configuration the study cannot run.
    pub fn validate(&self) -> Result<()> {
        if self.batch_sizes.is_empty() || self.depths.is_empty() {
            return Err(CompareError::Config("the study needs at least one batch size and one depth".into()));
        }
        if self.batch_sizes.contains(&0) {
            return Err(CompareError::Config("a batch has at least one slot".into()));
        }
        for &depth in &self.depths {
            TreeShape::new(depth, Arity::Quaternary)?;
        }
        if self.prove_runs == 0 || self.verify_runs == 0 {
            return Err(CompareError::Config("prove_runs and verify_runs must be at least 1".into()));
        }
        Ok(())
    }
}

/// What one shape costs. Times and sizes are `None` when neither measured nor estimable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofCostRow {
    /// Account-tree depth in bits (4-ary tree).
    pub depth: u32,
    /// Slots per batch.
    pub batch_size: usize,
    /// Constraints in total.
    pub constraints: usize,
    /// Constraints per slot, the commitment's share included.
    pub constraints_per_tx: f64,
    /// Constraints by part, for the whole batch.
    pub breakdown: Breakdown,
    /// Whether every constraint was synthesised (`false`: combined from smaller shapes, within 0.2%).
    pub synthesised: bool,
    /// Whether the times and sizes below are estimated (`false`: measured on this machine).
    pub estimated: bool,
    /// How estimated figures were obtained, in words (`None` when measured).
    pub basis: Option<String>,
    /// Setup seconds (synthesis, matrices, Groth16 parameters).
    pub setup_seconds: Option<f64>,
    /// Proving seconds, witness plus Groth16 (median of the runs).
    pub prove_seconds: Option<f64>,
    /// Every proving run, seconds (empty when estimated).
    pub prove_runs_seconds: Vec<f64>,
    /// Verification milliseconds ([`verifier::verify`], preparing the key included; median of the runs).
    pub verify_ms: Option<f64>,
    /// Proving key, uncompressed (`CanonicalSerialize::uncompressed_size`), bytes.
    pub pk_bytes_uncompressed: Option<u64>,
    /// Proving key, compressed, bytes.
    pub pk_bytes_compressed: Option<u64>,
    /// Verifying key, uncompressed, bytes.
    pub vk_bytes: Option<u64>,
    /// The constraint matrices as `matrices.bin` stores them, bytes.
    pub matrices_bytes: Option<u64>,
    /// L1 gas per transfer of committing a full batch with its data in calldata.
    pub gas_per_tx_calldata: Option<f64>,
    /// L1 gas per transfer of committing a full batch with its data in blobs.
    pub gas_per_tx_blobs: Option<f64>,
    /// Blob gas per transfer in blob mode (priced at the blob base fee).
    pub blob_gas_per_tx: Option<f64>,
    /// Most transfers per second the default L1 carries in calldata mode.
    pub ceiling_tps_calldata: Option<f64>,
    /// Most transfers per second the default L1 carries in blob mode.
    pub ceiling_tps_blobs: Option<f64>,
    /// Why the gas figures are missing, if they are.
    pub gas_note: Option<String>,
    /// CPU cores of the machine (`std::thread::available_parallelism`).
    pub cores: usize,
    /// Threads rayon proved with.
    pub rayon_threads: usize,
    /// The study's seed.
    pub seed: u64,
}

/// Measured figures of one shape.
struct Measured {
    setup_seconds: f64,
    prove_runs: Vec<f64>,
    verify_ms: f64,
    pk_uncompressed: u64,
    pk_compressed: u64,
    vk_bytes: u64,
    matrices_bytes: u64,
}

/// Runs the study (see the module documentation). Rows come in the order of `cfg.depths`, then
/// `cfg.batch_sizes`.
pub fn proof_costs(cfg: &StudyConfig, progress: &mut dyn Progress) -> Result<Vec<ProofCostRow>> {
    cfg.validate()?;
    let mut rng = SimRng::seed_from_u64(cfg.seed);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = rayon::current_num_threads();
    let chain = ChainConfig::default();

    let mut rows = Vec::new();
    for &depth in &cfg.depths {
        let tree = TreeShape::new(depth, Arity::Quaternary)?;
        let mut infos = Vec::with_capacity(cfg.batch_sizes.len());
        for &batch_size in &cfg.batch_sizes {
            progress.stage(&format!("depth {depth}, batch {batch_size}: counting constraints"));
            infos.push(estimate(BatchShape::new(tree, batch_size, ChainId::DEFAULT)?)?);
        }
        let gas = gas_rows(tree, &cfg.batch_sizes, &mut rng, progress)?;
        for (info, gas) in infos.into_iter().zip(gas) {
            rows.push(row(info, gas, &chain, cores, threads, cfg.seed));
        }
    }

    // Measure every shape within the limit.
    for row in rows.iter_mut().filter(|r| r.constraints <= cfg.max_prove_constraints) {
        let tree = TreeShape::new(row.depth, Arity::Quaternary)?;
        let shape = BatchShape::new(tree, row.batch_size, ChainId::DEFAULT)?;
        let m = measure_shape(shape, row.constraints, cfg, &mut rng, progress)?;
        row.estimated = false;
        row.setup_seconds = Some(m.setup_seconds);
        row.prove_seconds = Some(ledger::stats::Spread::of(&m.prove_runs).median);
        row.prove_runs_seconds = m.prove_runs;
        row.verify_ms = Some(m.verify_ms);
        row.pk_bytes_uncompressed = Some(m.pk_uncompressed);
        row.pk_bytes_compressed = Some(m.pk_compressed);
        row.vk_bytes = Some(m.vk_bytes);
        row.matrices_bytes = Some(m.matrices_bytes);
    }

    // Estimate the others from the largest measured shape.
    let basis_row = rows.iter().filter(|r| !r.estimated).max_by_key(|r| r.constraints).cloned();
    for row in rows.iter_mut().filter(|r| r.estimated) {
        match &basis_row {
            Some(b) => estimate_from(row, b),
            None => {
                row.basis = Some(format!(
                    "not estimated: no shape of at most {} constraints was measured",
                    cfg.max_prove_constraints
                ))
            }
        }
    }
    progress.finish();
    Ok(rows)
}

/// Gas figures per batch size: (calldata gas per tx, blob-mode gas per tx, blob gas per tx), or why not.
type GasFigures = std::result::Result<(f64, f64, f64), String>;

/// L1 gas per transfer for every batch size on `tree`. `gas_table` funds `clamp(largest batch, 2, 1024)`
/// accounts, so batch sizes needing more accounts than the tree holds have no figures.
fn gas_rows(
    tree: TreeShape,
    batch_sizes: &[usize],
    rng: &mut SimRng,
    progress: &mut dyn Progress,
) -> Result<Vec<GasFigures>> {
    let fits = |b: usize| (b.clamp(2, 1024) as u64) <= tree.capacity();
    let feasible: Vec<usize> = batch_sizes.iter().copied().filter(|&b| fits(b)).collect();
    progress.stage(&format!("depth {}: L1 gas per transfer (calldata and blobs)", tree.depth()));
    let (calldata, blobs) = if feasible.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            gas_table(tree.depth(), &feasible, DataMode::Calldata, rng)?,
            gas_table(tree.depth(), &feasible, DataMode::Blobs, rng)?,
        )
    };
    Ok(batch_sizes
        .iter()
        .map(|&b| {
            let c = calldata.iter().find(|r| r.batch_size == b);
            let k = blobs.iter().find(|r| r.batch_size == b);
            match (c, k) {
                (Some(c), Some(k)) => Ok((c.gas_per_tx, k.gas_per_tx, k.blob_gas_per_tx)),
                _ => Err(format!(
                    "the gas probe funds {} accounts, more than a tree of depth {} holds ({})",
                    b.clamp(2, 1024),
                    tree.depth(),
                    tree.capacity()
                )),
            }
        })
        .collect())
}

fn row(
    info: CircuitInfo,
    gas: GasFigures,
    chain: &ChainConfig,
    cores: usize,
    threads: usize,
    seed: u64,
) -> ProofCostRow {
    let batch_size = info.shape.batch_size;
    let (calldata, blobs, blob_gas, note) = match gas {
        Ok((c, b, g)) => (Some(c), Some(b), Some(g), None),
        Err(why) => (None, None, None, Some(why)),
    };
    ProofCostRow {
        depth: info.shape.tree.depth(),
        batch_size,
        constraints: info.constraints,
        constraints_per_tx: info.constraints_per_tx(),
        breakdown: info.breakdown,
        synthesised: info.synthesised,
        estimated: true,
        basis: None,
        setup_seconds: None,
        prove_seconds: None,
        prove_runs_seconds: Vec::new(),
        verify_ms: None,
        pk_bytes_uncompressed: None,
        pk_bytes_compressed: None,
        vk_bytes: None,
        matrices_bytes: None,
        gas_per_tx_calldata: calldata,
        gas_per_tx_blobs: blobs,
        blob_gas_per_tx: blob_gas,
        ceiling_tps_calldata: calldata.map(|g| throughput_ceiling_tps(chain, g, None)),
        ceiling_tps_blobs: blobs.map(|g| throughput_ceiling_tps(chain, g, Some(PUBDATA_SLOT_BYTES as f64))),
        gas_note: note,
        cores,
        rayon_threads: threads,
        seed,
    }
}

/// Bytes of `matrices.bin` for these keys (the layout of [`prover::keys::matrices_to_bytes`]), counted
/// without serialising: magic, version, count; per matrix its row count; per row its length; per entry a
/// field element and a `u32` column.
fn matrices_bytes(keys: &Keys) -> u64 {
    let fr = Fr::default().uncompressed_size() as u64;
    let mut bytes = 4 + 4 + 8;
    for m in &keys.matrices {
        bytes += 8;
        for row in m {
            bytes += 4 + row.len() as u64 * (fr + 4);
        }
    }
    bytes
}

fn measure_shape(
    shape: BatchShape,
    constraints: usize,
    cfg: &StudyConfig,
    rng: &mut SimRng,
    progress: &mut dyn Progress,
) -> Result<Measured> {
    let (depth, batch_size) = (shape.tree.depth(), shape.batch_size);
    progress.stage(&format!("depth {depth}, batch {batch_size}: setup ({constraints} constraints)"));
    let keys = setup(shape, SetupKind::InsecureSeeded(cfg.seed), rng, progress)?;
    let setup_seconds = keys.meta.setup_seconds;
    let pk_uncompressed = keys.pk.uncompressed_size() as u64;
    let pk_compressed = keys.pk.compressed_size() as u64;
    let vk_bytes = keys.pk.vk.uncompressed_size() as u64;
    let matrices_bytes = matrices_bytes(&keys);
    let vk = keys.pk.vk.clone();
    let prover = Prover::new(keys);

    // A real batch: funded accounts, signed transfers and withdrawals, applied by the ledger.
    let accounts = (batch_size.max(2) as u64).min(shape.tree.capacity()) as u32;
    let (state, secret_keys) = genesis(shape.tree, shape.chain_id, accounts, Amount::new(1 << 40), rng)?;
    let txs = random_transactions(&state, &secret_keys, batch_size, Mix { withdrawal_share: 0.1 }, rng)?;
    let record = state.clone().apply_batch(&txs, batch_size)?;

    let mut prove_runs = Vec::with_capacity(cfg.prove_runs);
    let mut proof = None;
    for run in 1..=cfg.prove_runs {
        progress.stage(&format!("depth {depth}, batch {batch_size}: proving ({run} of {})", cfg.prove_runs));
        let p = prover.prove(&record, rng, progress)?;
        prove_runs.push(p.timings.total_seconds());
        proof = Some(p);
    }
    let proof = proof.expect("prove_runs is at least 1");

    progress.stage(&format!("depth {depth}, batch {batch_size}: verifying"));
    let commitment = record.commitment();
    let mut verify = Vec::with_capacity(cfg.verify_runs);
    for _ in 0..cfg.verify_runs {
        let started = Instant::now();
        verifier::verify(&vk, &[commitment], &proof.proof)?;
        verify.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(Measured {
        setup_seconds,
        prove_runs,
        verify_ms: ledger::stats::Spread::of(&verify).median,
        pk_uncompressed,
        pk_compressed,
        vk_bytes,
        matrices_bytes,
    })
}

/// Fills `row`'s times and sizes from `basis`'s per-constraint rates. Verification does not grow with the
/// circuit (one public input), so its time and the verifying key are carried over as they are.
fn estimate_from(row: &mut ProofCostRow, basis: &ProofCostRow) {
    let n = basis.constraints as f64;
    let scale = row.constraints as f64 / n;
    let per = |v: Option<f64>| v.map(|v| v * scale);
    let per_bytes = |v: Option<u64>| v.map(|v| (v as f64 * scale).round() as u64);
    row.setup_seconds = per(basis.setup_seconds);
    row.prove_seconds = per(basis.prove_seconds);
    row.verify_ms = basis.verify_ms;
    row.pk_bytes_uncompressed = per_bytes(basis.pk_bytes_uncompressed);
    row.pk_bytes_compressed = per_bytes(basis.pk_bytes_compressed);
    row.vk_bytes = basis.vk_bytes;
    row.matrices_bytes = per_bytes(basis.matrices_bytes);
    let micros = |v: Option<f64>| v.map(|v| format!("{:.1}", v / n * 1e6)).unwrap_or_else(|| "-".into());
    row.basis = Some(format!(
        "linear in constraints from the largest measured shape (depth {}, batch {}, {} constraints, {} cores, {} \
         threads): prove {} us and setup {} us per constraint; key and matrix sizes scaled alike; verification \
         time and verifying key as measured (one public input)",
        basis.depth,
        basis.batch_size,
        basis.constraints,
        basis.cores,
        basis.rayon_threads,
        micros(basis.prove_seconds),
        micros(basis.setup_seconds)
    ));
}
