//! # prover
//!
//! Groth16 over BN254 for the batch circuit of [`circuits`], and nothing else: the zk
//! rollup's contract, operator and scenarios live in the `zk-rollup` crate.
//!
//! - [`setup`]: circuit-specific setup for a [`BatchShape`], from fresh randomness or,
//!   loudly marked insecure, from a seed; it keeps the constraint matrices it built.
//! - [`keys`]: versioned key directories pinned by a hash of the circuit shape.
//! - [`iden3`]: the circuit, a witness and the keys in iden3's `.r1cs`, `.wtns` and `.zkey`
//!   formats, for snarkjs.
//! - [`Prover`]: proves batches the ledger applied, from the cached matrices (no
//!   matrix is rebuilt per proof), checks each proof with the lean [`verifier`] before
//!   handing it out, and reports how long each stage took.
//!
//! Randomness and progress reporting are passed in; nothing here reads a clock for
//! anything but measuring how long proving took.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod groth16;
pub mod iden3;
pub mod keys;
pub mod matrices;

use std::time::Instant;

use ark_bn254::Bn254;
use ark_groth16::{Proof, ProvingKey};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, SynthesisMode,
};
use ark_std::rand::{CryptoRng, RngCore};
use ark_std::UniformRand;
use circuits::{BatchCircuit, BatchShape};
use ledger::state::BatchRecord;
use ledger::Fr;
use serde::{Deserialize, Serialize};

pub use error::{ProverError, Result};
pub use keys::{CircuitSize, KeyMeta, Keys};
pub use ledger::progress::{Progress, Silent};

fn size_of(cs: &ConstraintSystemRef<Fr>) -> CircuitSize {
    CircuitSize {
        constraints: cs.num_constraints(),
        instance_variables: cs.num_instance_variables(),
        witness_variables: cs.num_witness_variables(),
    }
}

/// How a setup gets its randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupKind {
    /// From the rng passed in: the toxic waste is gone when setup returns.
    Fresh,
    /// Deterministic from a seed: anyone who knows the seed can forge proofs. For
    /// development and reproducible tests only.
    InsecureSeeded(u64),
}

/// Circuit-specific Groth16 setup for `shape`.
pub fn setup<R: RngCore + CryptoRng>(
    shape: BatchShape,
    kind: SetupKind,
    rng: &mut R,
    progress: &mut dyn Progress,
) -> Result<Keys> {
    let started = Instant::now();
    progress.stage("synthesising the circuit and building its matrices");
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    BatchCircuit::for_setup(shape).generate_constraints(cs.clone())?;
    let size = size_of(&cs);
    // Not `cs.finalize()` + `cs.to_matrices()`: see `matrices` for the memory this saves.
    let matrices = {
        let inner = cs.borrow().ok_or_else(|| ProverError::Groth16("the constraint system is gone".into()))?;
        matrices::r1cs_matrices(&inner)?
    };
    drop(cs);

    // Our own generator works from the matrices just built (no second synthesis) and lays out
    // the H query as snarkjs does (see `groth16`).
    progress.stage("generating the Groth16 parameters (the long part)");
    let (instance, witness) = (size.instance_variables, size.witness_variables);
    let pk: ProvingKey<Bn254> = match kind {
        SetupKind::Fresh => groth16::generate(&matrices, instance, witness, rng)?,
        SetupKind::InsecureSeeded(seed) => {
            use ark_std::rand::SeedableRng;
            let mut seeded = ark_std::rand::rngs::StdRng::seed_from_u64(seed);
            groth16::generate(&matrices, instance, witness, &mut seeded)?
        }
    };
    progress.finish();
    let meta = KeyMeta {
        format_version: keys::FORMAT_VERSION,
        circuit_version: keys::CIRCUIT_VERSION,
        shape,
        size,
        shape_hash: keys::shape_hash(&shape, &size),
        insecure_dev_seed: match kind {
            SetupKind::Fresh => None,
            SetupKind::InsecureSeeded(seed) => Some(seed),
        },
        // Filled in by `Keys::write`.
        sha256: std::collections::BTreeMap::new(),
        setup_seconds: started.elapsed().as_secs_f64(),
        threads: rayon::current_num_threads(),
    };
    Ok(Keys { meta, pk, matrices })
}

/// Time spent proving one batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProveTimings {
    /// Building the witness (synthesis without matrices), seconds.
    pub witness_seconds: f64,
    /// The Groth16 prover proper (QAP witness map and multi-scalar multiplications), seconds.
    pub groth16_seconds: f64,
    /// The Groth16 prover's phases, seconds each.
    pub phases: groth16::Phases,
    /// Verifying the fresh proof, seconds.
    pub self_check_seconds: f64,
    /// Threads rayon used.
    pub threads: usize,
}

impl ProveTimings {
    /// Witness plus Groth16, seconds.
    pub fn total_seconds(&self) -> f64 {
        self.witness_seconds + self.groth16_seconds
    }
}

/// A proof of one batch, with its public input.
#[derive(Debug, Clone)]
pub struct BatchProof {
    /// The Groth16 proof.
    pub proof: Proof<Bn254>,
    /// The single public input: the batch commitment.
    pub commitment: Fr,
    /// How long it took.
    pub timings: ProveTimings,
}

/// Proves batches with one set of keys.
#[derive(Debug)]
pub struct Prover {
    keys: Keys,
    verifier: verifier::PreparedVerifier,
}

impl Prover {
    /// A prover holding `keys` (and their matrices) for every proof it makes.
    pub fn new(keys: Keys) -> Self {
        let verifier = verifier::PreparedVerifier::new(&keys.pk.vk);
        Prover { keys, verifier }
    }

    /// The keys.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// The circuit shape these keys prove.
    pub fn shape(&self) -> BatchShape {
        self.keys.meta.shape
    }

    /// Proves a batch the ledger applied (padded to the shape's batch size).
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        record: &BatchRecord,
        rng: &mut R,
        progress: &mut dyn Progress,
    ) -> Result<BatchProof> {
        let shape = self.shape();
        self.check_batch_size(record)?;
        let circuit = BatchCircuit::for_batch(shape, record)?;
        let commitment = circuit.commitment.expect("a batch circuit has its commitment");

        progress.stage("building the witness");
        let started = Instant::now();
        let assignment = self.assignment(shape, circuit)?;
        let witness_seconds = started.elapsed().as_secs_f64();

        progress.stage("proving (QAP and multi-scalar multiplications)");
        let started = Instant::now();
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        let (proof, phases) = groth16::prove(
            &self.keys.pk,
            &self.keys.matrices,
            self.keys.meta.size.instance_variables,
            &assignment,
            r,
            s,
        )?;
        let groth16_seconds = started.elapsed().as_secs_f64();

        progress.stage("checking the proof");
        let started = Instant::now();
        match self.verifier.verify(&[commitment], &proof) {
            Ok(()) => {}
            Err(verifier::VerifyError::Rejected) => {
                progress.finish();
                return Err(ProverError::Unsatisfied(first_unsatisfied(shape, record)));
            }
            Err(other) => return Err(other.into()),
        }
        let self_check_seconds = started.elapsed().as_secs_f64();
        progress.finish();
        Ok(BatchProof {
            proof,
            commitment,
            timings: ProveTimings {
                witness_seconds,
                groth16_seconds,
                phases,
                self_check_seconds,
                threads: rayon::current_num_threads(),
            },
        })
    }

    /// The full assignment of a batch (instance variables, the constant one first, then the
    /// witness variables: the wire order of the `.r1cs` and `.wtns` exports), checked against
    /// these keys' shape hash.
    pub fn witness_assignment(&self, record: &BatchRecord) -> Result<Vec<Fr>> {
        let shape = self.shape();
        self.check_batch_size(record)?;
        self.assignment(shape, BatchCircuit::for_batch(shape, record)?)
    }

    fn check_batch_size(&self, record: &BatchRecord) -> Result<()> {
        let slots = self.shape().batch_size;
        if record.batch_size == slots {
            return Ok(());
        }
        Err(ProverError::ShapeMismatch {
            expected: self.keys.meta.shape_hash.clone(),
            got: "-".into(),
            detail: format!("the keys prove batches of {slots} slots, this batch has {}", record.batch_size),
        })
    }

    fn assignment(&self, shape: BatchShape, circuit: BatchCircuit) -> Result<Vec<Fr>> {
        let (assignment, size) = synthesise_assignment(circuit)?;
        // Without matrices the system counts variables but not constraints.
        let size = CircuitSize { constraints: self.keys.meta.size.constraints, ..size };
        let hash = keys::shape_hash(&shape, &size);
        if hash != self.keys.meta.shape_hash {
            return Err(ProverError::ShapeMismatch {
                expected: self.keys.meta.shape_hash.clone(),
                got: hash,
                detail: format!("keys: {:?} {:?}; circuit: {:?}", self.keys.meta.shape, self.keys.meta.size, size),
            });
        }
        Ok(assignment)
    }

    /// Verifies a proof of `commitment` with these keys' verifying key.
    pub fn verify(&self, commitment: Fr, proof: &Proof<Bn254>) -> Result<(), verifier::VerifyError> {
        self.verifier.verify(&[commitment], proof)
    }
}

/// Synthesises `circuit` for its assignment only (no matrices): the full assignment, instance
/// variables first, and the sizes (constraints not counted).
fn synthesise_assignment(circuit: BatchCircuit) -> Result<(Vec<Fr>, CircuitSize)> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices: false, generate_lc_assignments: false });
    circuit.generate_constraints(cs.clone())?;
    let size = size_of(&cs);
    let mut assignment = cs.instance_assignment().map_err(|e| ProverError::Groth16(e.to_string()))?;
    assignment.extend(cs.witness_assignment().map_err(|e| ProverError::Groth16(e.to_string()))?);
    Ok((assignment, size))
}

/// Re-synthesises the batch with a full constraint system to name the first
/// constraint it breaks (only on the error path).
fn first_unsatisfied(shape: BatchShape, record: &BatchRecord) -> String {
    let Ok(circuit) = BatchCircuit::for_batch(shape, record) else {
        return "the batch does not fit the circuit".into();
    };
    let cs = ConstraintSystem::<Fr>::new_ref();
    if circuit.generate_constraints(cs.clone()).is_err() {
        return "synthesis failed".into();
    }
    match cs.which_is_unsatisfied() {
        Ok(Some(name)) => name,
        _ => "none found: the keys do not match the circuit".into(),
    }
}
