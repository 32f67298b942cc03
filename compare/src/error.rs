//! The one error type of the comparison crate.

use std::path::PathBuf;

/// What can go wrong in a comparison, a study or a report.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// Setup, proving or a zk scenario failed.
    #[error(transparent)]
    Prover(#[from] prover::ProverError),
    /// The zk rollup's contract, operator or scenario failed.
    #[error(transparent)]
    ZkRollup(#[from] zk_rollup::ZkRollupError),
    /// The circuit could not be synthesised or measured.
    #[error(transparent)]
    Circuit(#[from] circuits::CircuitError),
    /// The ledger refused a workload (a tree too small, an invalid transaction).
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    /// A proof the study made did not verify.
    #[error("verification: {0}")]
    Verify(#[from] verifier::VerifyError),
    /// A configuration that cannot run.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A design ran but its result breaks an invariant (ETH not conserved, for one).
    #[error("design {design}: {why}")]
    Design {
        /// The design's name.
        design: String,
        /// What went wrong.
        why: String,
    },
    /// Drawing a chart failed.
    #[error("chart {chart}: {why}")]
    Chart {
        /// The chart's title.
        chart: String,
        /// The backend's message.
        why: String,
    },
    /// Reading or writing a report file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Serialising a report to JSON failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// Result with [`CompareError`].
pub type Result<T, E = CompareError> = core::result::Result<T, E>;
