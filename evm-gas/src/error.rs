//! The crate's error type.

/// What went wrong running contracts on revm or the node tools.
#[derive(Debug, thiserror::Error)]
pub enum EvmGasError {
    /// revm refused the transaction before running it (a bad nonce, gas above the cap, a database error).
    #[error("revm refused the transaction: {0}")]
    Evm(String),
    /// A contract creation failed: its constructor reverted or halted, or returned no code.
    #[error("deploying the contract failed: {0}")]
    Deploy(String),
    /// A node tool (solc, circomlibjs, snarkjs' template) could not be run or failed.
    #[error("node tool `{tool}` failed: {message}")]
    Node {
        /// The tool's command (`compile`, `poseidon`, `snarkjs-verifier`).
        tool: String,
        /// Why (its standard error, or why it could not start).
        message: String,
    },
    /// A node tool printed something that is not what it should have (e.g. bytecode that is not hex).
    #[error("node tool `{tool}` printed unusable output: {message}")]
    BadOutput {
        /// The tool's command.
        tool: String,
        /// What was wrong.
        message: String,
    },
    /// A contract call succeeded but returned something other than what its ABI promises.
    #[error("the contract returned {got} bytes, expected {expected}")]
    BadReturn {
        /// Bytes expected.
        expected: usize,
        /// Bytes returned.
        got: usize,
    },
    /// The verifier module refused the key or proof.
    #[error(transparent)]
    Verify(#[from] verifier::VerifyError),
    /// A size or count outside what is supported.
    #[error("{0}")]
    OutOfRange(String),
}

/// The crate's result type.
pub type Result<T, E = EvmGasError> = std::result::Result<T, E>;
