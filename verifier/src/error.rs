//! The crate's error type.

/// Why a proof, a key or a public input was not accepted.
///
/// Every failure is an error: a proof that fails the pairing check is
/// [`VerifyError::Rejected`], never an `Ok(false)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The pairing check failed: the proof is not valid for these public inputs
    /// under this verifying key.
    #[error("proof rejected: the Groth16 pairing check failed for these public inputs")]
    Rejected,
    /// The number of public inputs differs from what the verifying key expects
    /// (`gamma_abc_g1.len() - 1`, snarkjs' `nPublic`).
    #[error("wrong number of public inputs: expected {expected}, got {got}")]
    WrongInputCount {
        /// Inputs the verifying key expects.
        expected: usize,
        /// Inputs supplied.
        got: usize,
    },
    /// A public input is not below the scalar-field modulus `r` (as text or bytes);
    /// it is refused rather than silently reduced.
    #[error("public input {index} is not below the BN254 scalar field modulus r")]
    InputNotInField {
        /// Position of the input (0-based).
        index: usize,
    },
    /// A point's coordinates do not satisfy the curve equation.
    #[error("{what}: point is not on the curve")]
    NotOnCurve {
        /// Which point (for example `pi_a`, `IC[2]`).
        what: String,
    },
    /// A point is on the curve but outside the prime-order subgroup (only possible in G2,
    /// whose twist curve has a large cofactor).
    #[error("{what}: point is not in the prime-order subgroup")]
    NotInSubgroup {
        /// Which point.
        what: String,
    },
    /// A point of a verifying key or of a proof is the point at infinity. No honest
    /// setup or prover produces one, and a key with `gamma` and `delta` at infinity
    /// accepts a forged proof for any public input, so it is refused wherever a key or
    /// a proof is read or used.
    #[error("{what}: point at infinity (a verifying key or proof never has one; such a key accepts forged proofs)")]
    PointAtInfinity {
        /// Which point (for example `vk.gamma_g2`, `proof.a`).
        what: String,
    },
    /// A coordinate is not below the base-field modulus `q`; it is refused rather
    /// than silently reduced.
    #[error("{what}: coordinate is not below the BN254 base field modulus q")]
    CoordinateNotInField {
        /// Which coordinate (for example `pi_b.x.c1`).
        what: String,
    },
    /// The input does not have the expected shape: invalid JSON, a missing field,
    /// a non-decimal string, a wrong projective tag, a wrong protocol or curve name,
    /// a wrong magic, truncated or trailing bytes.
    #[error("malformed input: {0}")]
    Malformed(String),
    /// A binary encoding carries a format version this build does not read.
    #[error("unsupported format version {found} (this build reads version {expected})")]
    UnsupportedVersion {
        /// Version in the data.
        found: u16,
        /// Version this build reads.
        expected: u16,
    },
}

/// `Result` with [`VerifyError`] as the default error.
pub type Result<T, E = VerifyError> = core::result::Result<T, E>;
