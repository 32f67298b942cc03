//! The one error type of the circuits crate.

/// What can go wrong turning a ledger batch into a circuit witness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CircuitError {
    /// The batch has more transactions than the circuit has slots.
    #[error("the batch has {got} transactions but the circuit has {slots} slots")]
    TooManyTransactions {
        /// Transactions in the batch.
        got: usize,
        /// Slots of the circuit.
        slots: usize,
    },
    /// The batch was made for another tree shape or chain than the circuit's.
    #[error("the batch does not fit the circuit's shape: {0}")]
    ShapeMismatch(String),
    /// A transaction record does not have the account updates its kind needs.
    #[error("malformed transaction record at position {position}: {why}")]
    MalformedRecord {
        /// Position in the batch.
        position: usize,
        /// What is wrong.
        why: String,
    },
    /// The constraint system refused the synthesis.
    #[error("synthesis failed: {0}")]
    Synthesis(String),
}

impl From<ark_relations::gr1cs::SynthesisError> for CircuitError {
    fn from(e: ark_relations::gr1cs::SynthesisError) -> Self {
        CircuitError::Synthesis(e.to_string())
    }
}

/// Result with [`CircuitError`].
pub type Result<T, E = CircuitError> = core::result::Result<T, E>;
