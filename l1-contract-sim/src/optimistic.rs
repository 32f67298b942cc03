//! The optimistic-rollup contract: assertions posted with a bond and accepted unless someone proves them wrong
//! in an *interactive* dispute game (bisection over the per-transaction trace, then a one-step proof that
//! re-executes one L2 transaction on L1 with the same `ledger` rules the zk circuit proves).
//!
//! # Assertions
//! [`OptCall::Propose`] posts a batch of L2 transactions (as calldata: the 13-byte public-data slot of each,
//! plus the 64-byte signature of transfers and withdrawals, since the one-step proof re-checks signatures),
//! the claimed final [`TraceState`] and a commitment to the whole trace `s_0..s_n`, where `s_i` is the state
//! after transaction `i`: `(state root, deposit-chain head, deposits processed)`. The commitment is a binary
//! SHA-256 Merkle tree over the `n + 1` leaves ([`trace_commitment`]). The contract itself hashes the posted
//! transactions into a second SHA-256 Merkle tree ([`tx_root`]) so that a one-step proof can later show which
//! transaction is step `i`. Nothing else is checked at proposal time but what the contract knows: the batch
//! builds on the current tip (`prev_root`), its deposits are the next ones of the L1 queue and the claimed
//! deposit-chain head is the contract's own. Each assertion carries its own proposer bond and builds on the
//! previous one: assertions form a single chain.
//!
//! # Dispute game
//! Within the challenge window anyone may [`OptCall::Challenge`] a pending assertion with the challenger bond;
//! one game per assertion runs at a time. The game is over a trace range `[lo, hi]` where the parties agree on
//! `s_lo` and disagree on `s_hi`, initially `[0, n]` with `s_0` the parent's state and `s_n` the claim. Each
//! round is two L1 transactions: the proposer (defender) [`OptCall::Reveal`]s the `k - 1` states that split
//! the range into `k` parts ([`dissection_points`]; `k` = [`OptimisticParams::dissection`], 2 for binary
//! bisection), each with its Merkle proof against the assertion's trace commitment; the challenger
//! [`OptCall::Choose`]s a part, agreeing with its first point and disagreeing with its last. When
//! `hi = lo + 1`, anyone may submit the [`OptCall::OneStepProof`]: transaction `hi` (with its path to the
//! transaction root) and a pre-state witness (the touched accounts and their Merkle paths, sender first, the
//! receiver's path taken after the sender's update, as `ledger`'s `AccountUpdate`s give them). The contract
//! re-executes it against `s_lo` and decides:
//! - the transaction is invalid by the ledger rules (bad signature, unknown account, overdraft, overflow, a
//!   deposit that is not the next one in the L1 queue): the proposer loses, since a proposer must only include
//!   valid transactions;
//! - otherwise the proposer loses iff its `s_hi` differs from the computed post-state.
//!
//! A witness that does not match `s_lo` makes the call revert rather than decide, so whoever is right can
//! always prove it. Each side has a chess clock ([`OptimisticParams::clock_seconds`], OP Stack: 3.5 days):
//! the side to move spends its own time, and once it has run out anyone may call [`OptCall::Timeout`] and
//! that side loses. In the one-step stage the challenger is the side to move (it claims fraud).
//!
//! # Resolution
//! The loser's bond is slashed: [`OptimisticParams::winner_share_percent`] of it (default 50%) is credited
//! to the winner, the rest is burned by paying it to [`Address::ZERO`] (and counted in
//! [`OptimisticRollup::burned`]); half-to-winner, half-burned keeps a proposer and a challenger who collude
//! from recycling a bond at no cost. The winner's own bond is returned (credited). If the proposer loses, the
//! assertion and every assertion after it are rejected (their bonds slashed the same way, to the same
//! winner; games open on them are cancelled and their challengers refunded), and the tip reverts to the last
//! good assertion, on which the proposer can build again. If the challenger loses, the assertion stays
//! pending and can be challenged again.
//!
//! # Confirmation and withdrawals
//! [`OptCall::Confirm`] (anyone) confirms a pending assertion once its parent is confirmed, no game is open
//! on it and its deadline has passed. The deadline is proposal time plus the challenge window (OP Stack: 7
//! days) *plus the time spent in games it won*: the window counts undisputed time only, so a sacrificial
//! challenger cannot eat the honest watchers' window (it can still delay confirmation, at one bond per game).
//! Confirmation returns the proposer bond (credited) and credits the batch's withdrawals to the L1 owners of
//! the accounts (the registry of first depositors, as in the zk contract); [`OptCall::Withdraw`] pays what
//! is credited.
//!
//! # Bonds (simulation defaults)
//! 1 ETH for a proposal and 1 ETH for a challenge: round, illustrative figures, large against the gas a
//! dispute costs (a few million gas, about 0.01 ETH at 3 gwei). For comparison, the OP Stack's root-claim
//! bond is 400,000 gas × 200 gwei = 0.08 ETH, growing ×1.09493 per depth (specs bond-incentives.md).
//!
//! # Gas of the one-step proof
//! Poseidon on L1 is circomlib's Poseidon contract ([`poseidon_gas`]): one leaf hash and one hash per level
//! to check each touched account's path, and the same again for its new leaf and path. EdDSA-Poseidon
//! verification ([`EDDSA_VERIFY_GAS`]) has no precompile on the EVM: the challenge hash is one Poseidon of 5
//! inputs, and `S·B8 = R8 + (8·h)·A` is a two-point multi-scalar multiplication on Baby Jubjub, for which we
//! take the Huff-optimised Oliver contract's measured 107,543 gas for two points (AztecProtocol/Oliver,
//! README benchmarks, average of 10 runs), less the 21,000 transaction base its figure includes, plus the
//! on-curve checks and the final comparison. Plain Solidity would cost several times more, so this is a
//! lower bound.
//!
//! # Simplifications
//! - Transactions travel in calldata only (no blob mode). Withdrawals of each assertion are stored at
//!   proposal time (one slot each) rather than re-supplied at confirmation.
//! - A deposit waiting in the queue has no deadline: a proposer that never includes it censors it (the zk
//!   contract's exodus mode has no counterpart here).
//! - One game per assertion at a time; no per-move bonds (OP Stack) and no all-vs-all games (Arbitrum BoLD).

use std::collections::BTreeMap;

use ark_ff::{BigInteger, PrimeField};
use ledger::account::leaf_of;
use ledger::field::fr_to_be_bytes;
use ledger::tree::{AccountTree, MerkleProof, TreeShape};
use ledger::tx::{check_amount, PublicDataSlot, PUBDATA_SLOT_BYTES};
use ledger::{Account, AccountIndex, Amount, ChainId, Fr, PublicKey, State, Transaction, Transfer, Withdrawal};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::abi::{push_fr, push_selector, push_u64};
use crate::chain::{Contract, Env, Revert};
use crate::deposits::{DepositQueue, QueuedDeposit};
use crate::gas;
use crate::gas::poseidon_gas;
use crate::types::{Address, Wei, ETHER, GWEI};
use crate::zk_rollup::DECODE_SLOT_GAS;

/// A 32-byte SHA-256 digest.
pub type Hash32 = [u8; 32];

/// Gas to verify one EdDSA-Poseidon signature on the EVM, which has no Baby Jubjub precompile: the challenge
/// hash (circomlib Poseidon of 5 inputs, [`poseidon_gas`]) plus a two-point multi-scalar multiplication
/// measured at 107,543 gas per call in the Huff-optimised Oliver contract (AztecProtocol/Oliver README), less
/// the 21,000 transaction base that figure includes, plus two on-curve checks and the final point comparison
/// (about 2,000 gas of MULMOD/ADDMOD arithmetic). See the module docs.
pub const EDDSA_VERIFY_GAS: u64 = 104_425 + (107_543 - gas::TX_BASE) + 2_000;

/// The state after a step of the trace: what a bisection move reveals and a one-step proof recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceState {
    /// The account tree's root.
    #[serde(with = "ledger::field::serde_decimal")]
    pub root: Fr,
    /// Head of the chain of processed deposits.
    #[serde(with = "ledger::field::serde_decimal")]
    pub deposit_chain: Fr,
    /// Deposits processed since genesis.
    pub deposits: u64,
}

impl TraceState {
    /// The state of an L2 [`State`] that has processed `deposits` deposits.
    pub fn of(state: &State, deposits: u64) -> TraceState {
        TraceState { root: state.root(), deposit_chain: state.deposit_chain(), deposits }
    }

    /// The 96 bytes hashed into a trace leaf: root, chain head, count (32 bytes each, big-endian).
    pub fn encode(&self) -> [u8; 96] {
        let mut out = [0u8; 96];
        out[..32].copy_from_slice(&fr_to_be_bytes(&self.root));
        out[32..64].copy_from_slice(&fr_to_be_bytes(&self.deposit_chain));
        out[88..].copy_from_slice(&self.deposits.to_be_bytes());
        out
    }

    /// The trace leaf: SHA-256 of [`encode`](TraceState::encode).
    pub fn leaf(&self) -> Hash32 {
        Sha256::digest(self.encode()).into()
    }
}

fn hash_pair(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Levels of a binary Merkle tree over `leaves` leaves (padded with zero leaves to a power of two).
pub fn merkle_depth(leaves: usize) -> usize {
    leaves.max(1).next_power_of_two().trailing_zeros() as usize
}

/// The root of a binary SHA-256 Merkle tree over `leaves`, padded with zero leaves to a power of two.
pub fn merkle_root(leaves: &[Hash32]) -> Hash32 {
    let mut level: Vec<Hash32> = leaves.to_vec();
    level.resize(leaves.len().max(1).next_power_of_two(), [0u8; 32]);
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash_pair(&p[0], &p[1])).collect();
    }
    level[0]
}

/// The siblings from leaf `index` up to the root of [`merkle_root`]`(leaves)`.
pub fn merkle_path(leaves: &[Hash32], index: usize) -> Vec<Hash32> {
    let mut level: Vec<Hash32> = leaves.to_vec();
    level.resize(leaves.len().max(1).next_power_of_two(), [0u8; 32]);
    let mut path = Vec::new();
    let mut i = index;
    while level.len() > 1 {
        path.push(level[i ^ 1]);
        level = level.chunks(2).map(|p| hash_pair(&p[0], &p[1])).collect();
        i /= 2;
    }
    path
}

/// Whether `leaf` is at `index` under `root` along `path`, in a tree of `leaves` leaves.
pub fn merkle_verify(root: &Hash32, leaves: usize, index: usize, leaf: Hash32, path: &[Hash32]) -> bool {
    if index >= leaves || path.len() != merkle_depth(leaves) {
        return false;
    }
    let mut node = leaf;
    for (level, sibling) in path.iter().enumerate() {
        node = if (index >> level) & 1 == 0 { hash_pair(&node, sibling) } else { hash_pair(sibling, &node) };
    }
    &node == root
}

/// The commitment to a trace `s_0..s_n`: [`merkle_root`] of the [`TraceState::leaf`]s.
pub fn trace_commitment(trace: &[TraceState]) -> Hash32 {
    merkle_root(&trace.iter().map(TraceState::leaf).collect::<Vec<_>>())
}

/// The path of `trace[index]` to [`trace_commitment`]`(trace)`.
pub fn trace_path(trace: &[TraceState], index: usize) -> Vec<Hash32> {
    merkle_path(&trace.iter().map(TraceState::leaf).collect::<Vec<_>>(), index)
}

/// The bytes a transaction occupies in a batch: its 13-byte public-data slot, then for a transfer or a
/// withdrawal its 64-byte signature (`R8.y` with the parity of `R8.x` in the top bit, then `S`, both
/// big-endian, circomlib coordinates). A deposit's key is in the L1 queue, and no nonce is posted: the
/// signature is checked against the sender's current nonce, so a wrong nonce is a bad signature.
///
/// # Errors
/// A [`Revert`] if the amount does not fit the 38 bits of public data.
pub fn encode_tx(tx: &Transaction) -> Result<Vec<u8>, Revert> {
    let slot = tx.public_data().map_err(|e| revert(e.to_string()))?;
    let mut out = slot.to_vec();
    let signature = match tx {
        Transaction::Transfer(t) => Some(t.signature),
        Transaction::Withdrawal(w) => Some(w.signature),
        Transaction::Deposit(_) => None,
    };
    if let Some(sig) = signature {
        let (x, y) = sig.r8_circom();
        let mut y = fr_to_be_bytes(&y);
        y[0] |= (fr_to_be_bytes(&x)[31] & 1) << 7;
        out.extend_from_slice(&y);
        let s = sig.s().into_bigint().to_bytes_be();
        out.extend_from_slice(&[0u8; 32][..32 - s.len()]);
        out.extend_from_slice(&s);
    }
    Ok(out)
}

/// The leaf of a transaction in [`tx_root`]: SHA-256 of [`encode_tx`].
///
/// # Errors
/// As [`encode_tx`].
pub fn tx_leaf(tx: &Transaction) -> Result<Hash32, Revert> {
    Ok(Sha256::digest(encode_tx(tx)?).into())
}

/// The root of the transactions of a batch, as the contract computes it at proposal.
///
/// # Errors
/// As [`encode_tx`].
pub fn tx_root(txs: &[Transaction]) -> Result<Hash32, Revert> {
    Ok(merkle_root(&txs.iter().map(tx_leaf).collect::<Result<Vec<_>, _>>()?))
}

/// The points a mover reveals to split `[lo, hi]` into `min(k, hi - lo)` parts: `lo + (hi - lo)·j / k'` for
/// `j = 1..k'`, strictly increasing and strictly inside the range.
pub fn dissection_points(lo: u64, hi: u64, k: u32) -> Vec<u64> {
    let width = hi.saturating_sub(lo);
    let parts = u64::from(k).min(width);
    (1..parts).map(|j| lo + width * j / parts).collect()
}

/// One touched account of a one-step proof: its index, the account before the step (`None`: empty leaf) and
/// its path in the tree as it is at that point of the step (for a transfer's receiver: after the sender's
/// update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountWitness {
    /// The leaf.
    pub index: AccountIndex,
    /// The account before (`None`: the leaf is empty).
    pub before: Option<Account>,
    /// Its path.
    pub proof: MerkleProof,
}

impl From<&ledger::state::AccountUpdate> for AccountWitness {
    fn from(u: &ledger::state::AccountUpdate) -> Self {
        AccountWitness { index: u.index, before: u.before, proof: u.proof.clone() }
    }
}

/// The pre-state witness of a one-step proof: the accounts a transaction touches, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepWitness {
    /// Sender (or deposit receiver) first, then a transfer's receiver.
    pub accounts: Vec<AccountWitness>,
}

impl StepWitness {
    /// The witness for executing `tx` on `state` (the true pre-state of the step), whether `tx` is valid or
    /// not: the first account and, for a transfer whose sender could pay, the receiver's path after the
    /// sender's update.
    pub fn build(state: &State, tx: &Transaction) -> StepWitness {
        let shape = state.shape();
        let entry = |tree: &AccountTree, index: AccountIndex, before: Option<Account>| {
            tree.proof(index).ok().map(|proof| AccountWitness { index, before, proof })
        };
        let first = match tx {
            Transaction::Transfer(t) => t.from,
            Transaction::Withdrawal(w) => w.from,
            Transaction::Deposit(d) => d.to,
        };
        let mut accounts: Vec<AccountWitness> =
            entry(state.tree(), first, state.account(first).copied()).into_iter().collect();
        if let Transaction::Transfer(t) = tx {
            let sender = state.account(t.from).copied();
            let after = sender
                .and_then(|s| Some(Account { balance: s.balance.checked_sub(t.amount)?, nonce: s.nonce.next()?, ..s }));
            if let (Some(after), Ok(())) = (after, shape.check_index(t.to)) {
                let mut tree = state.tree().clone();
                if tree.set_leaf(t.from, after.leaf_hash()).is_ok() {
                    let receiver = if t.to == t.from { Some(after) } else { state.account(t.to).copied() };
                    accounts.extend(entry(&tree, t.to, receiver));
                }
            }
        }
        StepWitness { accounts }
    }
}

/// Why a transaction is invalid in a one-step proof (the ledger's reasons, as the contract finds them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// An index outside the tree.
    IndexOutOfRange,
    /// The sender or receiver has no account.
    UnknownAccount,
    /// The signature does not verify against the sender's key and current nonce.
    BadSignature,
    /// The sender's balance is short.
    InsufficientBalance,
    /// A nonce or a balance would overflow.
    Overflow,
    /// A deposit that is not the next one of the L1 queue.
    DepositNotQueued,
    /// A deposit to an account holding another key.
    DepositKeyMismatch,
}

/// What re-executing one step gives: the post-state, or why the transaction is invalid.
pub type StepResult = Result<TraceState, InvalidReason>;

/// The trace of a batch under the contract's rules: `states[0]` is `pre`, `states[i]` the state after
/// transaction `i`, stopping at the first invalid transaction (returned with its 0-based position and the
/// reason). `state` is advanced through the valid prefix. This is what an honest party computes.
pub fn execute_batch(
    state: &mut State,
    pre_deposits: u64,
    txs: &[Transaction],
    queue: &[QueuedDeposit],
) -> (Vec<TraceState>, Option<(usize, InvalidReason)>) {
    let mut deposits = pre_deposits;
    let mut trace = vec![TraceState::of(state, deposits)];
    for (i, tx) in txs.iter().enumerate() {
        let tx = match tx {
            Transaction::Deposit(d) => match queue.get(deposits as usize) {
                Some(q) if q.deposit.to == d.to && q.deposit.amount == d.amount => Transaction::Deposit(q.deposit),
                _ => return (trace, Some((i, InvalidReason::DepositNotQueued))),
            },
            other => *other,
        };
        match state.apply(&tx) {
            Ok(_) => {
                if tx.kind() == ledger::tx::TxKind::Deposit {
                    deposits += 1;
                }
                trace.push(TraceState::of(state, deposits));
            }
            Err(e) => return (trace, Some((i, reason_of(&e)))),
        }
    }
    (trace, None)
}

fn reason_of(e: &ledger::LedgerError) -> InvalidReason {
    use ledger::LedgerError as E;
    match e {
        E::IndexOutOfRange { .. } => InvalidReason::IndexOutOfRange,
        E::UnknownAccount(_) => InvalidReason::UnknownAccount,
        E::BadSignature(_) | E::WrongNonce { .. } => InvalidReason::BadSignature,
        E::InsufficientBalance { .. } => InvalidReason::InsufficientBalance,
        E::DepositKeyMismatch { .. } => InvalidReason::DepositKeyMismatch,
        _ => InvalidReason::Overflow,
    }
}

/// The contract's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimisticParams {
    /// The L2 account tree.
    pub tree: TreeShape,
    /// The chain id signatures name.
    pub chain_id: ChainId,
    /// Most transactions in one assertion.
    pub max_batch: usize,
    /// Undisputed time an assertion must wait before confirmation (OP Stack: 7 days).
    pub challenge_window_seconds: u64,
    /// Each side's chess clock in a game (OP Stack: 3.5 days).
    pub clock_seconds: u64,
    /// Wei bonded with each proposal.
    pub proposer_bond: Wei,
    /// Wei bonded with each challenge.
    pub challenger_bond: Wei,
    /// Parts per dissection move: 2 is binary bisection.
    pub dissection: u32,
    /// Percent of a slashed bond credited to the winner; the rest is burned.
    pub winner_share_percent: u8,
    /// Wei per L2 unit.
    pub wei_per_unit: Wei,
}

impl OptimisticParams {
    /// OP Stack's proof maturity delay: 7 days.
    pub const DEFAULT_WINDOW: u64 = 7 * 24 * 3600;
    /// OP Stack's chess clock per side: 3.5 days.
    pub const DEFAULT_CLOCK: u64 = 7 * 24 * 3600 / 2;

    /// The defaults: 7-day window, 3.5-day clocks, 1 ETH bonds, binary bisection, half of a slashed bond to
    /// the winner, one gwei per unit, at most 1,024 transactions per assertion.
    pub fn new(tree: TreeShape, chain_id: ChainId) -> Self {
        OptimisticParams {
            tree,
            chain_id,
            max_batch: 1024,
            challenge_window_seconds: Self::DEFAULT_WINDOW,
            clock_seconds: Self::DEFAULT_CLOCK,
            proposer_bond: ETHER,
            challenger_bond: ETHER,
            dissection: 2,
            winner_share_percent: 50,
            wei_per_unit: GWEI,
        }
    }
}

/// Where an assertion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionStatus {
    /// Waiting for its window (or for a game) to end.
    Pending,
    /// Final: its withdrawals were credited.
    Confirmed,
    /// Removed: it, or an assertion before it, lost a dispute.
    Rejected,
}

/// An assertion the contract holds. Number 0 is the genesis, confirmed from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// Its number.
    pub id: u64,
    /// The assertion it builds on (the genesis builds on itself).
    pub parent: u64,
    /// Who posted it, and gets the bond back.
    pub proposer: Address,
    /// The state it starts from (the parent's claim).
    pub prev: TraceState,
    /// The state it claims after its last transaction.
    pub claimed: TraceState,
    /// Its transactions.
    pub steps: u64,
    /// The commitment to its trace `s_0..s_n`.
    pub trace_commitment: Hash32,
    /// The root of its transactions, computed by the contract.
    pub tx_root: Hash32,
    /// The withdrawals it makes, credited at confirmation.
    pub withdrawals: Vec<(AccountIndex, Amount)>,
    /// When it was proposed.
    pub proposed_at: u64,
    /// When it can be confirmed, if no game is open on it.
    pub deadline: u64,
    /// Where it stands.
    pub status: AssertionStatus,
    /// Wei bonded with it.
    pub bond: Wei,
    /// The game open on it, if any.
    pub open_game: Option<u64>,
}

/// A side of a dispute game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The proposer, defending its assertion.
    Proposer,
    /// The challenger.
    Challenger,
}

impl Side {
    fn idx(self) -> usize {
        match self {
            Side::Proposer => 0,
            Side::Challenger => 1,
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Proposer => Side::Challenger,
            Side::Challenger => Side::Proposer,
        }
    }
}

/// Why a game ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The one-step proof computed a post-state different from the proposer's.
    WrongPostState,
    /// The one-step proof found the transaction invalid.
    InvalidTransaction(InvalidReason),
    /// The one-step proof confirmed the proposer's post-state.
    CorrectPostState,
    /// The loser's clock ran out.
    Timeout,
    /// An earlier assertion was rejected, removing this one: no winner, the challenger is refunded.
    Cancelled,
}

/// Where a game stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameStage {
    /// The proposer must reveal the dissection points of `[lo, hi]`.
    Reveal,
    /// The challenger must choose a part among the revealed points (indices and states, in order).
    Choose(Vec<(u64, TraceState)>),
    /// `hi = lo + 1`: a one-step proof decides.
    OneStep,
    /// Over.
    Resolved {
        /// Who won (`None` when cancelled).
        winner: Option<Side>,
        /// Why.
        resolution: Resolution,
    },
}

/// A dispute game over one assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    /// Its number.
    pub id: u64,
    /// The assertion disputed.
    pub assertion: u64,
    /// The assertion's proposer.
    pub proposer: Address,
    /// The challenger.
    pub challenger: Address,
    /// The agreed end of the range.
    pub lo: u64,
    /// The disputed end.
    pub hi: u64,
    /// The agreed state `s_lo`.
    pub lo_state: TraceState,
    /// The proposer's `s_hi`.
    pub hi_state: TraceState,
    /// What happens next.
    pub stage: GameStage,
    /// Whose move it is.
    pub turn: Side,
    /// When the side to move started its turn.
    pub turn_since: u64,
    /// Seconds left on each side's clock (proposer, challenger), not counting the running turn.
    pub clock_left: [u64; 2],
    /// When the game opened.
    pub started_at: u64,
    /// Bisection rounds played (reveals).
    pub rounds: u32,
}

impl Game {
    /// Seconds left to `side` at time `now`.
    pub fn time_left(&self, side: Side, now: u64) -> u64 {
        let left = self.clock_left[side.idx()];
        if side == self.turn {
            left.saturating_sub(now.saturating_sub(self.turn_since))
        } else {
            left
        }
    }

    /// When the side to move runs out of time: [`OptCall::Timeout`] succeeds strictly after this instant.
    pub fn expires_at(&self) -> u64 {
        self.turn_since + self.clock_left[self.turn.idx()]
    }

    /// Whether the game is over.
    pub fn is_resolved(&self) -> bool {
        matches!(self.stage, GameStage::Resolved { .. })
    }
}

/// Calls of the optimistic-rollup contract.
#[derive(Debug, Clone)]
pub enum OptCall {
    /// Deposit the call's value; as [`ZkCall::Deposit`](crate::zk_rollup::ZkCall::Deposit).
    Deposit {
        /// The account, or `None` for a new one.
        to: Option<AccountIndex>,
        /// The account's key.
        public_key: PublicKey,
    },
    /// Post an assertion on the current tip, with the proposer bond as value.
    Propose {
        /// The tip's claimed root, as a guard against building on a stale tip.
        prev_root: Fr,
        /// The claimed state after the last transaction.
        new_state: TraceState,
        /// The batch, as calldata (see [`encode_tx`]).
        txs: Vec<Transaction>,
        /// [`trace_commitment`] of the proposer's trace.
        trace_commitment: Hash32,
    },
    /// Open a game on a pending assertion, with the challenger bond as value.
    Challenge {
        /// The assertion.
        assertion: u64,
    },
    /// The proposer reveals the dissection points of the current range.
    Reveal {
        /// The game.
        game: u64,
        /// One state per point of [`dissection_points`], each with its path to the trace commitment.
        points: Vec<(TraceState, Vec<Hash32>)>,
    },
    /// The challenger picks the part it disputes: it agrees with the part's first point and not its last.
    Choose {
        /// The game.
        game: u64,
        /// The part, from 0.
        part: u32,
    },
    /// Re-execute transaction `hi` against `s_lo` (anyone, once `hi = lo + 1`).
    OneStepProof {
        /// The game.
        game: u64,
        /// The transaction (its nonce is ignored: the sender's current nonce is used).
        tx: Transaction,
        /// Its path to the assertion's transaction root.
        tx_path: Vec<Hash32>,
        /// The touched accounts.
        witness: StepWitness,
    },
    /// End a game whose side to move ran out of time (anyone).
    Timeout {
        /// The game.
        game: u64,
    },
    /// Confirm an assertion past its deadline (anyone).
    Confirm {
        /// The assertion.
        assertion: u64,
    },
    /// Pay the sender what is credited to it.
    Withdraw,
}

/// What the contract emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptEvent {
    /// A deposit joined the queue.
    DepositQueued {
        /// Position.
        position: usize,
        /// Account credited.
        to: AccountIndex,
        /// Units.
        amount: Amount,
    },
    /// An assertion was posted.
    Proposed {
        /// Its number.
        assertion: u64,
        /// Its transactions.
        steps: u64,
    },
    /// A game opened.
    Challenged {
        /// The game.
        game: u64,
        /// The assertion.
        assertion: u64,
    },
    /// The proposer revealed dissection points.
    Revealed {
        /// The game.
        game: u64,
        /// The points' indices.
        indices: Vec<u64>,
    },
    /// The challenger narrowed the range.
    Narrowed {
        /// The game.
        game: u64,
        /// New agreed end.
        lo: u64,
        /// New disputed end.
        hi: u64,
    },
    /// A game ended.
    GameResolved {
        /// The game.
        game: u64,
        /// The winner, `None` if cancelled.
        winner: Option<Side>,
        /// Why.
        resolution: Resolution,
    },
    /// An assertion was rejected.
    Rejected {
        /// The assertion.
        assertion: u64,
    },
    /// An assertion was confirmed.
    Confirmed {
        /// The assertion.
        assertion: u64,
    },
    /// Wei credited to an address (withdrawal, bond returned, reward).
    Credited {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
    /// Wei paid out.
    Withdrawn {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
}

/// The optimistic-rollup contract's state.
#[derive(Debug, Clone)]
pub struct OptimisticRollup {
    address: Address,
    params: OptimisticParams,
    deposits: DepositQueue,
    assertions: Vec<Assertion>,
    games: Vec<Game>,
    claimable: BTreeMap<Address, Wei>,
    deposited_units: u128,
    withdrawn_units: u128,
    bonds_locked: Wei,
    burned: Wei,
    slashed: Wei,
}

fn revert(why: impl Into<String>) -> Revert {
    Revert(why.into())
}

impl OptimisticRollup {
    /// A fresh rollup over an empty tree.
    ///
    /// # Panics
    /// If `dissection < 2` or `winner_share_percent > 100`.
    pub fn new(address: Address, params: OptimisticParams) -> Self {
        assert!(params.dissection >= 2, "dissection must split into at least 2 parts");
        assert!(params.winner_share_percent <= 100, "winner share is a percentage");
        let genesis =
            TraceState { root: AccountTree::new(params.tree).root(), deposit_chain: Fr::from(0u64), deposits: 0 };
        let genesis = Assertion {
            id: 0,
            parent: 0,
            proposer: Address::ZERO,
            prev: genesis,
            claimed: genesis,
            steps: 0,
            trace_commitment: trace_commitment(&[genesis]),
            tx_root: merkle_root(&[]),
            withdrawals: Vec::new(),
            proposed_at: 0,
            deadline: 0,
            status: AssertionStatus::Confirmed,
            bond: 0,
            open_game: None,
        };
        OptimisticRollup {
            address,
            params,
            deposits: DepositQueue::default(),
            assertions: vec![genesis],
            games: Vec::new(),
            claimable: BTreeMap::new(),
            deposited_units: 0,
            withdrawn_units: 0,
            bonds_locked: 0,
            burned: 0,
            slashed: 0,
        }
    }

    /// Parameters.
    pub fn params(&self) -> &OptimisticParams {
        &self.params
    }

    /// Every deposit ever queued.
    pub fn queued_deposits(&self) -> &[QueuedDeposit] {
        self.deposits.queued()
    }

    /// Every assertion, the genesis (0) first, rejected ones included.
    pub fn assertions(&self) -> &[Assertion] {
        &self.assertions
    }

    /// An assertion.
    pub fn assertion(&self, id: u64) -> Option<&Assertion> {
        self.assertions.get(id as usize)
    }

    /// Every game.
    pub fn games(&self) -> &[Game] {
        &self.games
    }

    /// A game.
    pub fn game(&self, id: u64) -> Option<&Game> {
        self.games.get(id as usize)
    }

    /// The last assertion that is not rejected: new assertions build on it.
    pub fn tip(&self) -> &Assertion {
        self.assertions.iter().rev().find(|a| a.status != AssertionStatus::Rejected).expect("genesis")
    }

    /// The last confirmed assertion.
    pub fn last_confirmed(&self) -> &Assertion {
        self.assertions.iter().rev().find(|a| a.status == AssertionStatus::Confirmed).expect("genesis")
    }

    /// What `owner` can withdraw now.
    pub fn claimable(&self, owner: Address) -> Wei {
        self.claimable.get(&owner).copied().unwrap_or(0)
    }

    /// Everything credited and not yet withdrawn.
    pub fn total_claimable(&self) -> Wei {
        self.claimable.values().sum()
    }

    /// The L1 owner of an account.
    pub fn owner(&self, index: AccountIndex) -> Option<Address> {
        self.deposits.registration(index).map(|r| r.owner)
    }

    /// Wei burned from slashed bonds.
    pub fn burned(&self) -> Wei {
        self.burned
    }

    /// Wei of bonds slashed (credited to winners plus burned).
    pub fn slashed(&self) -> Wei {
        self.slashed
    }

    /// Wei of bonds held for pending assertions and open games.
    pub fn bonds_locked(&self) -> Wei {
        self.bonds_locked
    }

    /// What the contract owes, from its own counters: deposits not withdrawn through a confirmed assertion,
    /// locked bonds and credited wei. Its ETH balance must equal this (funds conserved).
    pub fn liabilities(&self) -> Wei {
        (self.deposited_units - self.withdrawn_units) * self.params.wei_per_unit
            + self.bonds_locked
            + self.total_claimable()
    }

    /// The calldata of a call: a 4-byte selector and ABI-like words; a batch's transactions are packed
    /// ([`encode_tx`]), paths and witnesses are 32-byte words.
    pub fn calldata(&self, call: &OptCall) -> Vec<u8> {
        let mut out = Vec::new();
        match call {
            OptCall::Deposit { to, public_key } => {
                push_selector(&mut out, 0x11);
                push_u64(&mut out, to.map_or(u64::MAX, |i| u64::from(i.value())));
                push_fr(&mut out, &public_key.x());
                push_fr(&mut out, &public_key.y());
            }
            OptCall::Propose { prev_root, new_state, txs, trace_commitment } => {
                push_selector(&mut out, 0x12);
                push_fr(&mut out, prev_root);
                out.extend_from_slice(&new_state.encode());
                out.extend_from_slice(trace_commitment);
                push_u64(&mut out, 32 * 7);
                let data: Vec<u8> = txs.iter().flat_map(|t| encode_tx(t).unwrap_or_default()).collect();
                push_u64(&mut out, data.len() as u64);
                out.extend_from_slice(&data);
                out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
            }
            OptCall::Challenge { assertion } => {
                push_selector(&mut out, 0x13);
                push_u64(&mut out, *assertion);
            }
            OptCall::Reveal { game, points } => {
                push_selector(&mut out, 0x14);
                push_u64(&mut out, *game);
                for (state, path) in points {
                    out.extend_from_slice(&state.encode());
                    path.iter().for_each(|h| out.extend_from_slice(h));
                }
            }
            OptCall::Choose { game, part } => {
                push_selector(&mut out, 0x15);
                push_u64(&mut out, *game);
                push_u64(&mut out, u64::from(*part));
            }
            OptCall::OneStepProof { game, tx, tx_path, witness } => {
                push_selector(&mut out, 0x16);
                push_u64(&mut out, *game);
                let data = encode_tx(tx).unwrap_or_default();
                out.extend_from_slice(&data);
                out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
                tx_path.iter().for_each(|h| out.extend_from_slice(h));
                for a in &witness.accounts {
                    push_u64(&mut out, u64::from(a.index.value()));
                    match &a.before {
                        Some(acc) => {
                            push_fr(&mut out, &acc.public_key.x());
                            push_fr(&mut out, &acc.public_key.y());
                            push_fr(&mut out, &acc.packed_balance_nonce());
                        }
                        None => out.extend_from_slice(&[0u8; 96]),
                    }
                    a.proof.siblings.iter().flatten().for_each(|s| push_fr(&mut out, s));
                }
            }
            OptCall::Timeout { game } => {
                push_selector(&mut out, 0x17);
                push_u64(&mut out, *game);
            }
            OptCall::Confirm { assertion } => {
                push_selector(&mut out, 0x18);
                push_u64(&mut out, *assertion);
            }
            OptCall::Withdraw => push_selector(&mut out, 0x19),
        }
        out
    }

    fn credit(&mut self, env: &mut Env<'_>, to: Address, amount: Wei, events: &mut Vec<OptEvent>) {
        if amount == 0 {
            return;
        }
        let slot = self.claimable.entry(to).or_insert(0);
        env.charge("credit", if *slot == 0 { gas::SSTORE_SET } else { gas::SSTORE_RESET });
        *slot += amount;
        events.push(OptEvent::Credited { to, amount });
    }

    /// Slashes a bond: the winner's share credited, the rest burned (paid to the zero address).
    fn slash(
        &mut self,
        env: &mut Env<'_>,
        bond: Wei,
        winner: Address,
        events: &mut Vec<OptEvent>,
    ) -> Result<(), Revert> {
        let share = bond * Wei::from(self.params.winner_share_percent) / 100;
        let burn = bond - share;
        self.bonds_locked -= bond;
        self.slashed += bond;
        self.credit(env, winner, share, events);
        if burn > 0 {
            env.pay(Address::ZERO, burn)?;
            self.burned += burn;
        }
        Ok(())
    }

    fn deposit(
        &mut self,
        env: &mut Env<'_>,
        to: Option<AccountIndex>,
        public_key: PublicKey,
    ) -> Result<Vec<OptEvent>, Revert> {
        let (position, deposit) =
            self.deposits.deposit(env, self.params.tree, self.params.wei_per_unit, to, public_key)?;
        self.deposited_units += u128::from(deposit.amount.units());
        Ok(vec![OptEvent::DepositQueued { position, to: deposit.to, amount: deposit.amount }])
    }

    fn propose(
        &mut self,
        env: &mut Env<'_>,
        prev_root: Fr,
        new_state: TraceState,
        txs: &[Transaction],
        commitment: Hash32,
    ) -> Result<Vec<OptEvent>, Revert> {
        if env.value() != self.params.proposer_bond {
            return Err(revert(format!("the proposer bond is {} wei", self.params.proposer_bond)));
        }
        if txs.is_empty() || txs.len() > self.params.max_batch {
            return Err(revert(format!("an assertion holds 1 to {} transactions", self.params.max_batch)));
        }
        env.charge("read tip", 2 * gas::SLOAD_COLD);
        let tip = self.tip().clone();
        if tip.claimed.root != prev_root {
            return Err(revert("prev_root is not the tip's root"));
        }
        env.charge("decode public data", DECODE_SLOT_GAS * txs.len() as u64);
        let mut leaves = Vec::with_capacity(txs.len());
        let mut withdrawals = Vec::new();
        let mut deposits = 0u64;
        let mut hashed = 0u64;
        for tx in txs {
            let bytes = encode_tx(tx)?;
            hashed += gas::sha256_gas(bytes.len());
            leaves.push(Sha256::digest(&bytes).into());
            match PublicDataSlot::decode(&bytes[..PUBDATA_SLOT_BYTES]).map_err(|e| revert(e.to_string()))? {
                PublicDataSlot::Withdrawal { from, amount } => withdrawals.push((from, amount)),
                PublicDataSlot::Deposit { .. } => deposits += 1,
                _ => {}
            }
        }
        env.charge("SHA-256 of each transaction", hashed);
        env.charge(
            "SHA-256 Merkle tree of the transactions",
            (leaves.len().next_power_of_two() as u64 - 1) * gas::sha256_gas(64),
        );
        let tx_root = merkle_root(&leaves);
        let expected_deposits = tip.claimed.deposits + deposits;
        env.charge("read deposit queue length and chain head", 2 * gas::SLOAD_COLD);
        if expected_deposits as usize > self.deposits.queued().len() {
            return Err(revert("the batch processes a deposit nobody made"));
        }
        if new_state.deposits != expected_deposits
            || Some(new_state.deposit_chain) != self.deposits.chain_head(expected_deposits as usize)
        {
            return Err(revert("the claimed deposit chain is not the queue's"));
        }
        env.charge("store assertion (7 slots)", 7 * gas::SSTORE_SET);
        env.charge("store withdrawals", gas::SSTORE_SET * withdrawals.len() as u64);
        env.charge("emit Proposed", gas::log_gas(2, 64));
        let id = self.assertions.len() as u64;
        let now = env.block().timestamp;
        self.bonds_locked += env.value();
        self.assertions.push(Assertion {
            id,
            parent: tip.id,
            proposer: env.sender(),
            prev: tip.claimed,
            claimed: new_state,
            steps: txs.len() as u64,
            trace_commitment: commitment,
            tx_root,
            withdrawals,
            proposed_at: now,
            deadline: now + self.params.challenge_window_seconds,
            status: AssertionStatus::Pending,
            bond: env.value(),
            open_game: None,
        });
        Ok(vec![OptEvent::Proposed { assertion: id, steps: txs.len() as u64 }])
    }

    fn challenge(&mut self, env: &mut Env<'_>, id: u64) -> Result<Vec<OptEvent>, Revert> {
        if env.value() != self.params.challenger_bond {
            return Err(revert(format!("the challenger bond is {} wei", self.params.challenger_bond)));
        }
        env.charge("read assertion", 3 * gas::SLOAD_COLD);
        let now = env.block().timestamp;
        let a = self.assertions.get(id as usize).ok_or_else(|| revert("no such assertion"))?;
        if a.status != AssertionStatus::Pending {
            return Err(revert("the assertion is not pending"));
        }
        if a.open_game.is_some() {
            return Err(revert("a game is already open on this assertion"));
        }
        if now >= a.deadline {
            return Err(revert("the challenge window is over"));
        }
        let gid = self.games.len() as u64;
        let stage = if a.steps == 1 { GameStage::OneStep } else { GameStage::Reveal };
        let turn = if a.steps == 1 { Side::Challenger } else { Side::Proposer };
        let clock = self.params.clock_seconds;
        self.games.push(Game {
            id: gid,
            assertion: id,
            proposer: a.proposer,
            challenger: env.sender(),
            lo: 0,
            hi: a.steps,
            lo_state: a.prev,
            hi_state: a.claimed,
            stage,
            turn,
            turn_since: now,
            clock_left: [clock, clock],
            started_at: now,
            rounds: 0,
        });
        self.assertions[id as usize].open_game = Some(gid);
        self.bonds_locked += env.value();
        env.charge("store game (6 slots)", 6 * gas::SSTORE_SET);
        env.charge("emit Challenged", gas::log_gas(3, 0));
        Ok(vec![OptEvent::Challenged { game: gid, assertion: id }])
    }

    /// Loads an open game, checks the mover and its clock, and charges the elapsed time to the mover.
    fn start_move(&mut self, env: &mut Env<'_>, gid: u64, side: Side) -> Result<(), Revert> {
        env.charge("read game", 4 * gas::SLOAD_COLD);
        let now = env.block().timestamp;
        let g = self.games.get_mut(gid as usize).ok_or_else(|| revert("no such game"))?;
        if g.is_resolved() {
            return Err(revert("the game is over"));
        }
        if g.turn != side {
            return Err(revert("not this side's turn"));
        }
        let who = match side {
            Side::Proposer => g.proposer,
            Side::Challenger => g.challenger,
        };
        if env.sender() != who {
            return Err(revert("only the side to move may move"));
        }
        let elapsed = now - g.turn_since;
        let left = &mut g.clock_left[side.idx()];
        if elapsed > *left {
            return Err(revert("out of time: call Timeout"));
        }
        *left -= elapsed;
        g.turn = side.other();
        g.turn_since = now;
        env.charge("update clocks and turn", 2 * gas::SSTORE_RESET);
        Ok(())
    }

    fn reveal(
        &mut self,
        env: &mut Env<'_>,
        gid: u64,
        points: &[(TraceState, Vec<Hash32>)],
    ) -> Result<Vec<OptEvent>, Revert> {
        self.start_move(env, gid, Side::Proposer)?;
        let g = &self.games[gid as usize];
        if g.stage != GameStage::Reveal {
            return Err(revert("nothing to reveal now"));
        }
        let a = &self.assertions[g.assertion as usize];
        let indices = dissection_points(g.lo, g.hi, self.params.dissection);
        if points.len() != indices.len() {
            return Err(revert(format!("reveal {} points", indices.len())));
        }
        let leaves = a.steps as usize + 1;
        let mut revealed = Vec::with_capacity(points.len());
        for (&i, (state, path)) in indices.iter().zip(points) {
            env.charge("SHA-256 of a trace leaf", gas::sha256_gas(96));
            env.charge("SHA-256 trace path", path.len() as u64 * gas::sha256_gas(64));
            if !merkle_verify(&a.trace_commitment, leaves, i as usize, state.leaf(), path) {
                return Err(revert(format!("point {i} is not in the trace commitment")));
            }
            revealed.push((i, *state));
        }
        env.charge("store revealed points", gas::SSTORE_SET * revealed.len() as u64 * 3);
        env.charge("emit Revealed", gas::log_gas(2, 32 * indices.len()));
        let g = &mut self.games[gid as usize];
        g.stage = GameStage::Choose(revealed);
        g.rounds += 1;
        Ok(vec![OptEvent::Revealed { game: gid, indices }])
    }

    fn choose(&mut self, env: &mut Env<'_>, gid: u64, part: u32) -> Result<Vec<OptEvent>, Revert> {
        self.start_move(env, gid, Side::Challenger)?;
        let g = &mut self.games[gid as usize];
        let GameStage::Choose(points) = &g.stage else {
            return Err(revert("nothing to choose now"));
        };
        let mut ends = Vec::with_capacity(points.len() + 2);
        ends.push((g.lo, g.lo_state));
        ends.extend_from_slice(points);
        ends.push((g.hi, g.hi_state));
        let part = part as usize;
        if part + 1 >= ends.len() {
            return Err(revert("no such part"));
        }
        (g.lo, g.lo_state) = ends[part];
        (g.hi, g.hi_state) = ends[part + 1];
        env.charge("store the new range", 6 * gas::SSTORE_RESET);
        if g.hi - g.lo == 1 {
            g.stage = GameStage::OneStep;
            g.turn = Side::Challenger;
        } else {
            g.stage = GameStage::Reveal;
        }
        env.charge("emit Narrowed", gas::log_gas(2, 64));
        Ok(vec![OptEvent::Narrowed { game: gid, lo: g.lo, hi: g.hi }])
    }

    /// Re-executes `tx` against `pre`: the decision of a one-step proof. `Err(Revert)` for a witness that does
    /// not match `pre`; `Ok(Err(reason))` for an invalid transaction.
    fn execute_step(
        &self,
        env: &mut Env<'_>,
        pre: TraceState,
        tx: &Transaction,
        witness: &StepWitness,
    ) -> Result<StepResult, Revert> {
        let shape = self.params.tree;
        let levels = shape.levels() as u64;
        let path_gas = poseidon_gas(3) + levels * poseidon_gas(shape.arity().children());
        let mut accounts = witness.accounts.iter();
        // Checks the next witness entry is `index` under `root`; returns the account and its path.
        let mut open =
            |env: &mut Env<'_>, index: AccountIndex, root: Fr| -> Result<(Option<Account>, MerkleProof), Revert> {
                let w = accounts.next().ok_or_else(|| revert("the witness is missing an account"))?;
                if w.index != index || w.proof.index != index {
                    return Err(revert("the witness names another account"));
                }
                env.charge("verify an account path (Poseidon leaf and levels)", path_gas);
                if !w.proof.verify(shape, root, leaf_of(w.before.as_ref())) {
                    return Err(revert("the witness does not match the agreed state"));
                }
                Ok((w.before, w.proof.clone()))
            };
        let update = |env: &mut Env<'_>, proof: &MerkleProof, after: &Account| -> Fr {
            env.charge("compute the new root (Poseidon leaf and levels)", path_gas);
            proof.root_for(shape, after.leaf_hash()).expect("path checked")
        };
        let in_range = |i: AccountIndex| shape.check_index(i).is_ok();
        let chain_id = self.params.chain_id;
        let mut post = pre;
        match tx {
            Transaction::Transfer(t) => {
                if check_amount(t.amount).is_err() {
                    return Ok(Err(InvalidReason::Overflow));
                }
                if !in_range(t.from) {
                    return Ok(Err(InvalidReason::IndexOutOfRange));
                }
                let (sender, proof) = open(env, t.from, pre.root)?;
                let Some(sender) = sender else { return Ok(Err(InvalidReason::UnknownAccount)) };
                let signed = Transfer { nonce: sender.nonce, ..*t };
                env.charge("EdDSA-Poseidon verification (no precompile)", EDDSA_VERIFY_GAS);
                if !sender.public_key.verify(signed.message(chain_id), &t.signature) {
                    return Ok(Err(InvalidReason::BadSignature));
                }
                let Some(balance) = sender.balance.checked_sub(t.amount) else {
                    return Ok(Err(InvalidReason::InsufficientBalance));
                };
                let Some(nonce) = sender.nonce.next() else { return Ok(Err(InvalidReason::Overflow)) };
                let sender_after = Account { balance, nonce, ..sender };
                let root1 = update(env, &proof, &sender_after);
                if !in_range(t.to) {
                    return Ok(Err(InvalidReason::IndexOutOfRange));
                }
                let (receiver, proof) = open(env, t.to, root1)?;
                let Some(receiver) = receiver else { return Ok(Err(InvalidReason::UnknownAccount)) };
                let Some(credited) = receiver.balance.checked_add(t.amount) else {
                    return Ok(Err(InvalidReason::Overflow));
                };
                post.root = update(env, &proof, &Account { balance: credited, ..receiver });
            }
            Transaction::Withdrawal(w) => {
                if check_amount(w.amount).is_err() {
                    return Ok(Err(InvalidReason::Overflow));
                }
                if !in_range(w.from) {
                    return Ok(Err(InvalidReason::IndexOutOfRange));
                }
                let (account, proof) = open(env, w.from, pre.root)?;
                let Some(account) = account else { return Ok(Err(InvalidReason::UnknownAccount)) };
                let signed = Withdrawal { nonce: account.nonce, ..*w };
                env.charge("EdDSA-Poseidon verification (no precompile)", EDDSA_VERIFY_GAS);
                if !account.public_key.verify(signed.message(chain_id), &w.signature) {
                    return Ok(Err(InvalidReason::BadSignature));
                }
                let Some(balance) = account.balance.checked_sub(w.amount) else {
                    return Ok(Err(InvalidReason::InsufficientBalance));
                };
                let Some(nonce) = account.nonce.next() else { return Ok(Err(InvalidReason::Overflow)) };
                post.root = update(env, &proof, &Account { balance, nonce, ..account });
            }
            Transaction::Deposit(d) => {
                env.charge("read queued deposit and chain head", 2 * gas::SLOAD_COLD);
                let Some(queued) = self.deposits.queued().get(pre.deposits as usize) else {
                    return Ok(Err(InvalidReason::DepositNotQueued));
                };
                if queued.deposit.to != d.to || queued.deposit.amount != d.amount {
                    return Ok(Err(InvalidReason::DepositNotQueued));
                }
                let d = queued.deposit;
                let (account, proof) = open(env, d.to, pre.root)?;
                let after = match account {
                    None => Account::new(d.public_key, d.amount),
                    Some(a) if a.public_key != d.public_key => return Ok(Err(InvalidReason::DepositKeyMismatch)),
                    Some(a) => match a.balance.checked_add(d.amount) {
                        Some(balance) => Account { balance, ..a },
                        None => return Ok(Err(InvalidReason::Overflow)),
                    },
                };
                post.root = update(env, &proof, &after);
                post.deposits += 1;
                post.deposit_chain =
                    self.deposits.chain_head(post.deposits as usize).expect("a queued deposit has its chain head");
            }
        }
        Ok(Ok(post))
    }

    fn one_step_proof(
        &mut self,
        env: &mut Env<'_>,
        gid: u64,
        tx: &Transaction,
        tx_path: &[Hash32],
        witness: &StepWitness,
    ) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read game", 4 * gas::SLOAD_COLD);
        let g = self.games.get(gid as usize).ok_or_else(|| revert("no such game"))?.clone();
        if g.stage != GameStage::OneStep {
            return Err(revert("the game is not at a single step"));
        }
        let now = env.block().timestamp;
        if now > g.expires_at() {
            return Err(revert("out of time: call Timeout"));
        }
        let a = &self.assertions[g.assertion as usize];
        let bytes = encode_tx(tx)?;
        env.charge(
            "SHA-256 of the transaction and its path",
            gas::sha256_gas(bytes.len()) + tx_path.len() as u64 * gas::sha256_gas(64),
        );
        if !merkle_verify(&a.tx_root, a.steps as usize, g.lo as usize, Sha256::digest(&bytes).into(), tx_path) {
            return Err(revert("the transaction is not step hi of the batch"));
        }
        let (winner, resolution) = match self.execute_step(env, g.lo_state, tx, witness)? {
            Err(reason) => (Side::Challenger, Resolution::InvalidTransaction(reason)),
            Ok(post) if post == g.hi_state => (Side::Proposer, Resolution::CorrectPostState),
            Ok(_) => (Side::Challenger, Resolution::WrongPostState),
        };
        self.resolve(env, gid, winner, resolution)
    }

    fn timeout(&mut self, env: &mut Env<'_>, gid: u64) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read game", 4 * gas::SLOAD_COLD);
        let g = self.games.get(gid as usize).ok_or_else(|| revert("no such game"))?;
        if g.is_resolved() {
            return Err(revert("the game is over"));
        }
        if env.block().timestamp <= g.expires_at() {
            return Err(revert("the side to move still has time"));
        }
        let loser = g.turn;
        self.resolve(env, gid, loser.other(), Resolution::Timeout)
    }

    fn resolve(
        &mut self,
        env: &mut Env<'_>,
        gid: u64,
        winner: Side,
        resolution: Resolution,
    ) -> Result<Vec<OptEvent>, Revert> {
        let now = env.block().timestamp;
        let g = &mut self.games[gid as usize];
        g.stage = GameStage::Resolved { winner: Some(winner), resolution };
        let (aid, challenger, started) = (g.assertion, g.challenger, g.started_at);
        env.charge("close game", 2 * gas::SSTORE_RESET);
        let mut events = vec![OptEvent::GameResolved { game: gid, winner: Some(winner), resolution }];
        self.assertions[aid as usize].open_game = None;
        match winner {
            Side::Proposer => {
                let proposer = self.assertions[aid as usize].proposer;
                let a = &mut self.assertions[aid as usize];
                a.deadline += now - started;
                env.charge("extend the deadline", gas::SSTORE_RESET);
                self.slash(env, self.params.challenger_bond, proposer, &mut events)?;
            }
            Side::Challenger => {
                self.bonds_locked -= self.params.challenger_bond;
                self.credit(env, challenger, self.params.challenger_bond, &mut events);
                for id in aid..self.assertions.len() as u64 {
                    let a = &self.assertions[id as usize];
                    if a.status != AssertionStatus::Pending {
                        continue;
                    }
                    let (bond, open) = (a.bond, a.open_game);
                    self.assertions[id as usize].status = AssertionStatus::Rejected;
                    env.charge("reject assertion", gas::SSTORE_RESET);
                    events.push(OptEvent::Rejected { assertion: id });
                    self.slash(env, bond, challenger, &mut events)?;
                    if let Some(other) = open {
                        let og = &mut self.games[other as usize];
                        og.stage = GameStage::Resolved { winner: None, resolution: Resolution::Cancelled };
                        let refund_to = og.challenger;
                        self.assertions[id as usize].open_game = None;
                        events.push(OptEvent::GameResolved {
                            game: other,
                            winner: None,
                            resolution: Resolution::Cancelled,
                        });
                        self.bonds_locked -= self.params.challenger_bond;
                        self.credit(env, refund_to, self.params.challenger_bond, &mut events);
                    }
                }
            }
        }
        env.charge("emit GameResolved", gas::log_gas(3, 32));
        Ok(events)
    }

    fn confirm(&mut self, env: &mut Env<'_>, id: u64) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read assertion and parent", 4 * gas::SLOAD_COLD);
        let a = self.assertions.get(id as usize).ok_or_else(|| revert("no such assertion"))?.clone();
        if a.status != AssertionStatus::Pending {
            return Err(revert("the assertion is not pending"));
        }
        if self.assertions[a.parent as usize].status != AssertionStatus::Confirmed {
            return Err(revert("the parent is not confirmed"));
        }
        if a.open_game.is_some() {
            return Err(revert("a game is open on the assertion"));
        }
        if env.block().timestamp < a.deadline {
            return Err(revert("the challenge window is not over"));
        }
        self.assertions[id as usize].status = AssertionStatus::Confirmed;
        env.charge("mark confirmed", gas::SSTORE_RESET);
        let mut events = vec![OptEvent::Confirmed { assertion: id }];
        self.bonds_locked -= a.bond;
        self.credit(env, a.proposer, a.bond, &mut events);
        for (from, amount) in &a.withdrawals {
            env.charge("read withdrawal and account owner", 2 * gas::SLOAD_COLD);
            // Only a false assertion withdraws from an account nobody registered: nothing to pay.
            let Some(owner) = self.owner(*from) else { continue };
            self.withdrawn_units += u128::from(amount.units());
            let wei = u128::from(amount.units()) * self.params.wei_per_unit;
            self.credit(env, owner, wei, &mut events);
        }
        env.charge("emit Confirmed", gas::log_gas(2, 0));
        Ok(events)
    }

    fn withdraw(&mut self, env: &mut Env<'_>) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read claimable", gas::SLOAD_COLD);
        let amount = self.claimable.remove(&env.sender()).unwrap_or(0);
        if amount == 0 {
            return Err(revert("nothing to withdraw"));
        }
        env.charge("clear claimable", gas::SSTORE_RESET);
        env.pay(env.sender(), amount)?;
        Ok(vec![OptEvent::Withdrawn { to: env.sender(), amount }])
    }
}

impl Contract for OptimisticRollup {
    type Call = OptCall;
    type Event = OptEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: OptCall) -> Result<Vec<OptEvent>, Revert> {
        let payable = matches!(call, OptCall::Deposit { .. } | OptCall::Propose { .. } | OptCall::Challenge { .. });
        if !payable && env.value() != 0 {
            return Err(revert("this call takes no value"));
        }
        match call {
            OptCall::Deposit { to, public_key } => self.deposit(env, to, public_key),
            OptCall::Propose { prev_root, new_state, txs, trace_commitment } => {
                self.propose(env, prev_root, new_state, &txs, trace_commitment)
            }
            OptCall::Challenge { assertion } => self.challenge(env, assertion),
            OptCall::Reveal { game, points } => self.reveal(env, game, &points),
            OptCall::Choose { game, part } => self.choose(env, game, part),
            OptCall::OneStepProof { game, tx, tx_path, witness } => {
                self.one_step_proof(env, game, &tx, &tx_path, &witness)
            }
            OptCall::Timeout { game } => self.timeout(env, game),
            OptCall::Confirm { assertion } => self.confirm(env, assertion),
            OptCall::Withdraw => self.withdraw(env),
        }
    }
}
