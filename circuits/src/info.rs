//! What a circuit shape costs: constraints in total and per transaction slot, public
//! inputs, and where the constraints go. Shapes are synthesised for real (without a
//! witness); for large batches the per-slot cost (exact: every slot is the same
//! circuit) and the SHA-256 cost per compression block are measured on small batches
//! of the same tree and combined, and the result is labelled an estimate: blocks differ
//! a little in cost with their constant bytes, and the tests hold the estimate within
//! 0.2% of full synthesis.

use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};
use ledger::tx::PUBDATA_SLOT_BYTES;
use ledger::Fr;
use serde::{Deserialize, Serialize};

use crate::batch::{BatchCircuit, BatchShape, Breakdown};
use crate::error::Result;

/// Bytes of the commitment preimage before the public data: two roots, two chain heads.
pub const COMMITMENT_HEADER_BYTES: usize = 128;

/// SHA-256 compression blocks for a message of `len` bytes (with its padding).
pub fn sha256_blocks(len: usize) -> usize {
    (len + 1 + 8).div_ceil(64)
}

/// SHA-256 blocks hashed by a batch of `batch_size` slots.
pub fn commitment_blocks(batch_size: usize) -> usize {
    sha256_blocks(COMMITMENT_HEADER_BYTES + batch_size * PUBDATA_SLOT_BYTES)
}

/// The cost of a circuit shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircuitInfo {
    /// The shape.
    pub shape: BatchShape,
    /// Constraints in total.
    pub constraints: usize,
    /// Public inputs (without the constant one).
    pub public_inputs: usize,
    /// Witness variables.
    pub witnesses: usize,
    /// Where the constraints go, for the whole batch.
    pub breakdown: Breakdown,
    /// SHA-256 compression blocks of the commitment.
    pub sha256_blocks: usize,
    /// Whether every constraint was synthesised (`false`: combined from smaller shapes).
    pub synthesised: bool,
}

impl CircuitInfo {
    /// Constraints per transaction slot, the commitment's share included.
    pub fn constraints_per_tx(&self) -> f64 {
        self.constraints as f64 / self.shape.batch_size as f64
    }
}

/// Synthesises `shape` without a witness and counts.
pub fn measure(shape: BatchShape) -> Result<CircuitInfo> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    let breakdown = BatchCircuit::for_setup(shape).synthesize(cs.clone())?;
    Ok(CircuitInfo {
        shape,
        constraints: cs.num_constraints(),
        public_inputs: cs.num_instance_variables() - 1,
        witnesses: cs.num_witness_variables(),
        breakdown,
        sha256_blocks: commitment_blocks(shape.batch_size),
        synthesised: true,
    })
}

/// Batches up to this size are synthesised whole by [`estimate`].
pub const SYNTHESISE_UP_TO: usize = 16;

/// The cost of `shape`: synthesised whole when small, otherwise combined from a
/// one-slot and a two-slot synthesis (the per-slot cost) and two commitment sizes
/// (the cost per SHA-256 block), labelled `synthesised: false`.
pub fn estimate(shape: BatchShape) -> Result<CircuitInfo> {
    if shape.batch_size <= SYNTHESISE_UP_TO {
        return measure(shape);
    }
    combine(shape)
}

/// The cost of `shape` combined from small syntheses, whatever its size (see [`estimate`]).
pub fn combine(shape: BatchShape) -> Result<CircuitInfo> {
    let one = measure(BatchShape { batch_size: 1, ..shape })?;
    let two = measure(BatchShape { batch_size: 2, ..shape })?;
    // Two batch sizes with different block counts, to price one block.
    // A batch with more SHA-256 blocks than the one-slot batch prices one block.
    let large = 2 + 64 / PUBDATA_SLOT_BYTES;
    let large_info = measure(BatchShape { batch_size: large, ..shape })?;
    let per_block = (large_info.breakdown.public_data_hash - one.breakdown.public_data_hash)
        / (commitment_blocks(large) - commitment_blocks(1));
    let hash_fixed = one.breakdown.public_data_hash - per_block * commitment_blocks(1);

    let slot = |f: fn(&Breakdown) -> usize| f(&two.breakdown) - f(&one.breakdown);
    let n = shape.batch_size;
    let blocks = commitment_blocks(n);
    let breakdown = Breakdown {
        signature: n * slot(|b| b.signature),
        merkle_paths: n * slot(|b| b.merkle_paths),
        leaves: n * slot(|b| b.leaves),
        range_checks: n * slot(|b| b.range_checks),
        public_data_hash: hash_fixed + per_block * blocks,
    };
    let fixed = one.constraints
        - one.breakdown.signature
        - one.breakdown.merkle_paths
        - one.breakdown.leaves
        - one.breakdown.range_checks
        - one.breakdown.public_data_hash;
    let constraints = fixed
        + breakdown.signature
        + breakdown.merkle_paths
        + breakdown.leaves
        + breakdown.range_checks
        + breakdown.public_data_hash;
    Ok(CircuitInfo {
        shape,
        constraints,
        public_inputs: one.public_inputs,
        witnesses: one.witnesses + (n - 1) * (two.witnesses - one.witnesses),
        breakdown,
        sha256_blocks: blocks,
        synthesised: false,
    })
}
