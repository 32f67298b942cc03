//! The one error type of the prover.

use std::path::PathBuf;

/// What can go wrong in setup, key handling and proving.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    /// Reading or writing a key file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file is not in our format, or is corrupt.
    #[error("{path}: {why}")]
    BadKeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A file of a key directory does not have the SHA-256 that `meta.json` lists for it.
    #[error("{path}: SHA-256 differs from the one meta.json lists: the file is corrupt or from another setup")]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
    },
    /// A size `meta.json` declares differs from what the key files hold (or the
    /// circuit's shape allows); refused before anything reaches the proving system.
    #[error("{path}: meta.json declares {what} = {declared}, but {found} is what the key files hold")]
    SizeMismatch {
        /// The file the declared size was checked against.
        path: PathBuf,
        /// Which size (for example `size.constraints`).
        what: String,
        /// What meta.json says.
        declared: usize,
        /// What the files hold.
        found: usize,
    },
    /// Keys written by another format version.
    #[error("key format version {found} is not supported (this build reads {expected})")]
    UnsupportedVersion {
        /// In the file.
        found: u32,
        /// What we read.
        expected: u32,
    },
    /// The keys were made for another circuit than the one being proved.
    #[error(
        "the keys are for another circuit: keys pin shape hash {expected}, this batch's circuit has {got} ({detail})"
    )]
    ShapeMismatch {
        /// Hash recorded in the keys.
        expected: String,
        /// Hash of the circuit at hand.
        got: String,
        /// Which shapes differ, in words.
        detail: String,
    },
    /// The batch does not satisfy the circuit: it breaks a rule of the ledger.
    #[error("the batch does not satisfy the circuit (first failing constraint: {0})")]
    Unsatisfied(String),
    /// Turning the batch into a witness failed.
    #[error(transparent)]
    Circuit(#[from] circuits::CircuitError),
    /// The proving system failed.
    #[error("groth16: {0}")]
    Groth16(String),
    /// A circuit, witness or key cannot be written in iden3's formats (`.r1cs`, `.wtns`,
    /// `.zkey`): inconsistent sizes, or a size beyond the format's 32-bit fields.
    #[error("cannot write {format}: {why}")]
    Iden3 {
        /// The format (for example `.zkey`).
        format: &'static str,
        /// What is wrong.
        why: String,
    },
    /// The fresh proof did not verify (a bug, never a user error).
    #[error("the proof just made does not verify: {0}")]
    SelfCheck(#[from] verifier::VerifyError),
}

impl From<ark_relations::gr1cs::SynthesisError> for ProverError {
    fn from(e: ark_relations::gr1cs::SynthesisError) -> Self {
        ProverError::Groth16(e.to_string())
    }
}

/// Result with [`ProverError`].
pub type Result<T, E = ProverError> = core::result::Result<T, E>;
