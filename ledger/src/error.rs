//! The one error type of the ledger.

use crate::types::{AccountIndex, Amount, Nonce};

/// Everything that can go wrong in the L2 state model. The state-transition
/// function returns these and leaves the state untouched when it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Poseidon was asked to hash a number of inputs circomlib has no parameters for.
    #[error("poseidon takes 1 to {max} inputs, got {got}")]
    PoseidonArity {
        /// Inputs given.
        got: usize,
        /// Most inputs supported.
        max: usize,
    },
    /// Text that should have been a field element was not one.
    #[error("not a field element below the BN254 scalar modulus: {0:?}")]
    InvalidFieldElement(String),
    /// A hex string had the wrong length or characters.
    #[error("invalid hex: {0}")]
    InvalidHex(String),
    /// Coordinates that are not a point of Baby Jubjub.
    #[error("point ({x}, {y}) is not on Baby Jubjub")]
    NotOnCurve {
        /// x in circomlib coordinates (decimal).
        x: String,
        /// y in circomlib coordinates (decimal).
        y: String,
    },
    /// A point on the curve but outside the prime-order subgroup.
    #[error("point is not in the prime-order subgroup of Baby Jubjub")]
    NotInSubgroup,
    /// A signature scalar `S` at or above the subgroup order.
    #[error("signature scalar S is not below the subgroup order")]
    SignatureScalarOutOfRange,
    /// A tree shape the sparse tree cannot represent.
    #[error("invalid tree shape: {0}")]
    InvalidTreeShape(String),
    /// An account index beyond the capacity of the tree.
    #[error("account index {index} is outside a tree of {capacity} accounts")]
    IndexOutOfRange {
        /// The index asked for.
        index: AccountIndex,
        /// Number of leaves of the tree.
        capacity: u64,
    },
    /// No account lives at this index.
    #[error("unknown account {0}")]
    UnknownAccount(AccountIndex),
    /// A deposit names an existing account but a different public key.
    #[error("deposit to account {index} names a different public key than the account's")]
    DepositKeyMismatch {
        /// The account credited.
        index: AccountIndex,
    },
    /// The signature does not verify under the sender's key for this message and chain.
    #[error("bad signature on a transaction from account {0}")]
    BadSignature(AccountIndex),
    /// The transaction's nonce is not the account's next nonce.
    #[error("wrong nonce for account {index}: expected {expected}, got {got}")]
    WrongNonce {
        /// The sending account.
        index: AccountIndex,
        /// The account's current nonce.
        expected: Nonce,
        /// The nonce in the transaction.
        got: Nonce,
    },
    /// The nonce would pass its maximum.
    #[error("nonce of account {0} would overflow")]
    NonceOverflow(AccountIndex),
    /// The sender cannot pay.
    #[error("insufficient balance in account {index}: has {balance}, needs {needed}")]
    InsufficientBalance {
        /// The sending account.
        index: AccountIndex,
        /// Its balance.
        balance: Amount,
        /// What the transaction takes.
        needed: Amount,
    },
    /// The receiver's balance would pass the largest amount.
    #[error("balance of account {0} would overflow")]
    BalanceOverflow(AccountIndex),
    /// An amount too large for the field that carries it (for example a transfer's 56-bit public data).
    #[error("amount {amount} exceeds the maximum {max} for {what}")]
    AmountTooLarge {
        /// The amount given.
        amount: u64,
        /// The largest allowed.
        max: u64,
        /// What limits it.
        what: &'static str,
    },
    /// A batch with more transactions than its shape allows.
    #[error("batch of {got} transactions exceeds the batch size {max}")]
    BatchTooLarge {
        /// Transactions given.
        got: usize,
        /// The batch size.
        max: usize,
    },
    /// A transaction in a batch failed; the whole batch was rolled back.
    #[error("transaction {position} of the batch failed: {source}")]
    InBatch {
        /// Position of the failing transaction (0-based).
        position: usize,
        /// Why it failed.
        source: Box<LedgerError>,
    },
    /// A step's witness has no entry for an account the step must read.
    #[error("the witness has no entry for account {0}")]
    WitnessMissing(AccountIndex),
    /// A step's witness names another account than the one the step reads next.
    #[error("the witness names account {got} where the step reads account {expected}")]
    WitnessOtherAccount {
        /// The account the step reads.
        expected: AccountIndex,
        /// The account the witness names.
        got: AccountIndex,
    },
    /// A step's witness entry does not open the root it must open.
    #[error("the witness of account {0} does not match the state's root")]
    WitnessMismatch(AccountIndex),
    /// A posted deposit is not the next one of the L1 queue (invented, skipped, reordered or altered).
    #[error("deposit at queue position {position} is not the one the L1 queue holds there")]
    DepositNotQueued {
        /// Position in the L1 queue the deposit claims to process.
        position: u64,
    },
    /// Public data that does not decode.
    #[error("malformed public data: {0}")]
    MalformedPublicData(String),
    /// A stored root that differs from the one recomputed from the accounts.
    #[error("root mismatch: stored {expected}, recomputed {got}")]
    RootMismatch {
        /// The root recorded in the file.
        expected: String,
        /// The root computed from the accounts.
        got: String,
    },
    /// A state file lists the same account index more than once.
    #[error("the state file lists account {index} more than once")]
    DuplicateAccount {
        /// The index listed twice.
        index: AccountIndex,
    },
    /// A state or transaction file that cannot be read.
    #[error("invalid file: {0}")]
    InvalidFile(String),
}

/// Result with [`LedgerError`].
pub type Result<T, E = LedgerError> = core::result::Result<T, E>;
