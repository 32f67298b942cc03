//! The one state-transition step: one transaction (or one replayed slot of public data) over an explicit
//! witness of the accounts it touches, against a root.
//!
//! Everything that moves the L2 state goes through [`step`]: [`State::apply`](crate::State::apply) builds
//! the witness from its own tree and calls it, [`State::replay`](crate::State::replay) calls it for slots
//! of public data a verified proof vouched for, and an L1 fraud or exit proof calls it on a witness posted
//! by a challenger, paying for the work through a [`StepCost`] hook. The batch circuit is its in-circuit
//! twin. No other code states a transfer, withdrawal or deposit rule.
//!
//! # Order of the checks
//! A transfer: amount within the public-data width; sender index in range; the sender's path opens the
//! root; the sender exists; the signature verifies over the message with the transaction's nonce and that
//! nonce is the sender's; the balance covers the amount; the nonce can grow; (the sender's new leaf gives
//! the middle root;) receiver index in range; the receiver's path opens the middle root; the receiver
//! exists; the credit does not overflow. A withdrawal is the sender half. A deposit: amount width; index
//! in range; it is the next deposit of the L1 queue ([`match_queued`], done by the caller who holds the
//! queue); the path opens the root; an existing account holds the same key; the credit does not overflow.
//! A witness that is missing, names another account or does not open the root is a *witness fault*
//! ([`LedgerError::is_witness_fault`]): it says nothing about the transaction.

use serde::{Deserialize, Serialize};

use crate::account::{leaf_of, Account};
use crate::eddsa::{PublicKey, Signature};
use crate::error::{LedgerError, Result};
use crate::field::Fr;
use crate::state::AccountUpdate;
use crate::tree::{hash_node, place, MerkleProof, TreeShape};
use crate::tx::{Deposit, PublicDataSlot, Transaction};
use crate::types::{AccountIndex, ChainId, Nonce, TxAmount};

/// One account a step touches: its index, the account before the step (`None`: an empty leaf), and its
/// path in the tree as it is at that point of the step (for a transfer's receiver: after the sender's
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

impl From<&crate::state::AccountUpdate> for AccountWitness {
    fn from(u: &crate::state::AccountUpdate) -> Self {
        AccountWitness { index: u.index, before: u.before, proof: u.proof.clone() }
    }
}

/// The witness of a step: the accounts it touches, in order (sender or deposit receiver first, then a
/// transfer's receiver). A witness for an invalid transaction may stop at the account where the rule
/// breaks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepWitness {
    /// The touched accounts, in order.
    pub accounts: Vec<AccountWitness>,
}

/// What a step executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepInput<'a> {
    /// A transaction as its sender signed it (a deposit as the L1 queue holds it): signatures and nonces
    /// are checked.
    Signed(&'a Transaction),
    /// A slot of public data that a verified validity proof already vouched for: no signature to check, and
    /// a deposit's key comes from its L1 deposit.
    Replayed {
        /// The slot.
        slot: PublicDataSlot,
        /// For a deposit slot, the key of the L1 deposit it processes.
        deposit_key: Option<PublicKey>,
    },
}

/// Where each part of a step's work is paid for: an L1 contract charges gas, native code does nothing
/// (`()`).
pub trait StepCost {
    /// An account's path was checked against a root (a leaf hash and one hash per level).
    fn open_path(&mut self, _levels: usize) {}
    /// A new root was computed from an account's path (a leaf hash and one hash per level).
    fn update_path(&mut self, _levels: usize) {}
    /// A signature was verified.
    fn verify_signature(&mut self) {}
}

impl StepCost for () {}

/// What a valid step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutput {
    /// The changed leaves, in order.
    pub updates: Vec<AccountUpdate>,
    /// The root after the step.
    pub root: Fr,
    /// The deposit processed, if the step was one (the caller extends its deposit chain with it).
    pub deposit: Option<Deposit>,
}

/// The rules in one place: the tree shape and chain id that signatures name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The account tree.
    pub shape: TreeShape,
    /// The chain id signed messages name.
    pub chain: ChainId,
}

/// The transaction in the normal form the rules speak of.
enum Op {
    Move { from: AccountIndex, to: Option<AccountIndex>, amount: TxAmount, auth: Option<(Fr, Signature, Nonce)> },
    Deposit(Deposit),
    Noop,
}

fn op_of(rules: Rules, input: StepInput<'_>) -> Result<Op> {
    Ok(match input {
        StepInput::Signed(Transaction::Transfer(t)) => Op::Move {
            from: t.from,
            to: Some(t.to),
            amount: t.amount,
            auth: Some((t.message(rules.chain), t.signature, t.nonce)),
        },
        StepInput::Signed(Transaction::Withdrawal(w)) => Op::Move {
            from: w.from,
            to: None,
            amount: w.amount,
            auth: Some((w.message(rules.chain), w.signature, w.nonce)),
        },
        StepInput::Signed(Transaction::Deposit(d)) => Op::Deposit(*d),
        StepInput::Replayed { slot, deposit_key } => match slot {
            PublicDataSlot::Noop => Op::Noop,
            PublicDataSlot::Transfer { from, to, amount } => Op::Move { from, to: Some(to), amount, auth: None },
            PublicDataSlot::Withdrawal { from, amount } => Op::Move { from, to: None, amount, auth: None },
            PublicDataSlot::Deposit { to, amount } => {
                let public_key = deposit_key.ok_or_else(|| {
                    LedgerError::MalformedPublicData("a deposit needs the key from its L1 deposit".into())
                })?;
                Op::Deposit(Deposit { to, public_key, amount })
            }
        },
    })
}

/// Reads the witness in order, checking each account against the root of its moment.
struct Opener<'w, 'c, C: StepCost + ?Sized> {
    rules: Rules,
    accounts: std::slice::Iter<'w, AccountWitness>,
    cost: &'c mut C,
}

impl<C: StepCost + ?Sized> Opener<'_, '_, C> {
    fn open(&mut self, index: AccountIndex, root: Fr) -> Result<(Option<Account>, MerkleProof)> {
        let w = self.accounts.next().ok_or(LedgerError::WitnessMissing(index))?;
        if w.index != index || w.proof.index != index {
            return Err(LedgerError::WitnessOtherAccount { expected: index, got: w.index });
        }
        self.cost.open_path(self.rules.shape.levels());
        if !w.proof.verify(self.rules.shape, root, leaf_of(w.before.as_ref())) {
            return Err(LedgerError::WitnessMismatch(index));
        }
        Ok((w.before, w.proof.clone()))
    }

    fn update(
        &mut self,
        index: AccountIndex,
        before: Option<Account>,
        after: Account,
        proof: MerkleProof,
        root_before: Fr,
    ) -> Result<AccountUpdate> {
        self.cost.update_path(self.rules.shape.levels());
        let root_after = proof.root_for(self.rules.shape, after.leaf_hash())?;
        Ok(AccountUpdate { index, before, after, proof, root_before, root_after })
    }
}

/// The state-transition step: executes `input` against `root` over `witness`, charging its work to `cost`.
///
/// # Errors
/// A [`LedgerError`] naming the broken rule (an invalid transaction), or a witness fault
/// ([`LedgerError::is_witness_fault`]) when the witness does not open the state.
pub fn step<C: StepCost + ?Sized>(
    rules: Rules,
    root: Fr,
    input: StepInput<'_>,
    witness: &StepWitness,
    cost: &mut C,
) -> Result<StepOutput> {
    let op = op_of(rules, input)?;
    let mut opener = Opener { rules, accounts: witness.accounts.iter(), cost };
    match op {
        Op::Noop => Ok(StepOutput { updates: Vec::new(), root, deposit: None }),
        Op::Move { from, to, amount, auth } => {
            rules.shape.check_index(from)?;
            let (sender, proof) = opener.open(from, root)?;
            let sender = sender.ok_or(LedgerError::UnknownAccount(from))?;
            if let Some((message, signature, nonce)) = auth {
                opener.cost.verify_signature();
                if !sender.public_key.verify(message, &signature) {
                    return Err(LedgerError::BadSignature(from));
                }
                if nonce != sender.nonce {
                    return Err(LedgerError::WrongNonce { index: from, expected: sender.nonce, got: nonce });
                }
            }
            let balance = sender.balance.checked_sub(amount).ok_or(LedgerError::InsufficientBalance {
                index: from,
                balance: sender.balance,
                needed: amount.amount(),
            })?;
            let nonce = sender.nonce.next().ok_or(LedgerError::NonceOverflow(from))?;
            let debit = opener.update(from, Some(sender), Account { balance, nonce, ..sender }, proof, root)?;
            let mut updates = vec![debit];
            if let Some(to) = to {
                let middle = updates[0].root_after;
                rules.shape.check_index(to)?;
                let (receiver, proof) = opener.open(to, middle)?;
                let receiver = receiver.ok_or(LedgerError::UnknownAccount(to))?;
                let credited = receiver.balance.checked_add(amount).ok_or(LedgerError::BalanceOverflow(to))?;
                updates.push(opener.update(
                    to,
                    Some(receiver),
                    Account { balance: credited, ..receiver },
                    proof,
                    middle,
                )?);
            }
            let root = updates.last().map_or(root, |u| u.root_after);
            Ok(StepOutput { updates, root, deposit: None })
        }
        Op::Deposit(d) => {
            rules.shape.check_index(d.to)?;
            let (existing, proof) = opener.open(d.to, root)?;
            let after = match existing {
                None => Account::new(d.public_key, d.amount.amount()),
                Some(a) if a.public_key != d.public_key => {
                    return Err(LedgerError::DepositKeyMismatch { index: d.to });
                }
                Some(a) => {
                    let balance = a.balance.checked_add(d.amount).ok_or(LedgerError::BalanceOverflow(d.to))?;
                    Account { balance, ..a }
                }
            };
            let update = opener.update(d.to, existing, after, proof, root)?;
            Ok(StepOutput { root: update.root_after, updates: vec![update], deposit: Some(d) })
        }
    }
}

/// The deposit a posted deposit transaction processes: `queued` must be the next deposit of the L1 queue
/// (`None`: the queue holds no further deposit) and name the same account and amount as the posted one.
/// This is the one place where a posted deposit is matched against the L1 queue.
///
/// # Errors
/// [`LedgerError::DepositNotQueued`] when the queue is exhausted or its next deposit differs.
pub fn match_queued(to: AccountIndex, amount: TxAmount, queued: Option<&Deposit>, position: u64) -> Result<Deposit> {
    match queued {
        Some(q) if q.to == to && q.amount == amount => Ok(*q),
        _ => Err(LedgerError::DepositNotQueued { position }),
    }
}

/// Why a transaction is invalid, as a fraud proof reports it: the ledger's rejections without their
/// details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// An index outside the tree.
    IndexOutOfRange,
    /// The sender or receiver has no account.
    UnknownAccount,
    /// The signature does not verify against the sender's key.
    BadSignature,
    /// The nonce is not the sender's next one.
    WrongNonce,
    /// The sender's balance is short.
    InsufficientBalance,
    /// A balance would overflow 64 bits.
    BalanceOverflow,
    /// The sender's nonce would overflow 32 bits.
    NonceOverflow,
    /// A deposit that is not the next one of the L1 queue (invented, skipped, reordered or altered).
    DepositNotQueued,
    /// A deposit to an account holding another key.
    DepositKeyMismatch,
}

impl LedgerError {
    /// The rule this error says a transaction broke, if it is one (not a witness fault or another error).
    pub fn rejection(&self) -> Option<Rejection> {
        Some(match self {
            LedgerError::IndexOutOfRange { .. } => Rejection::IndexOutOfRange,
            LedgerError::UnknownAccount(_) => Rejection::UnknownAccount,
            LedgerError::BadSignature(_) => Rejection::BadSignature,
            LedgerError::WrongNonce { .. } => Rejection::WrongNonce,
            LedgerError::InsufficientBalance { .. } => Rejection::InsufficientBalance,
            LedgerError::BalanceOverflow(_) => Rejection::BalanceOverflow,
            LedgerError::NonceOverflow(_) => Rejection::NonceOverflow,
            LedgerError::DepositNotQueued { .. } => Rejection::DepositNotQueued,
            LedgerError::DepositKeyMismatch { .. } => Rejection::DepositKeyMismatch,
            LedgerError::InBatch { source, .. } => return source.rejection(),
            _ => return None,
        })
    }

    /// Whether this error is a witness that does not open the state (missing, another account's, or a path
    /// to another root): it decides nothing about the transaction.
    pub fn is_witness_fault(&self) -> bool {
        matches!(
            self,
            LedgerError::WitnessMissing(_) | LedgerError::WitnessOtherAccount { .. } | LedgerError::WitnessMismatch(_)
        )
    }
}

/// The path of `to` after the leaf of `from` changed to `new_leaf`: `to`'s path before, with the one
/// sibling that is an ancestor of `from` recomputed along `from`'s path. Both paths are taken in the same
/// tree; for `to == from` the path is unchanged.
pub fn path_after_update(shape: TreeShape, to: &MerkleProof, from: &MerkleProof, new_leaf: Fr) -> MerkleProof {
    let mut path = to.clone();
    let levels = shape.levels();
    // The level at which the two leaves' ancestors are siblings: the highest level whose digits differ.
    let Some(level) = (0..levels).rev().find(|&l| shape.digit(to.index, l) != shape.digit(from.index, l)) else {
        return path;
    };
    let mut node = new_leaf;
    for (l, siblings) in from.siblings.iter().enumerate().take(level) {
        node = hash_node(&place(node, siblings, shape.digit(from.index, l)));
    }
    let (digit_from, digit_to) = (shape.digit(from.index, level), shape.digit(to.index, level));
    let slot = if digit_from < digit_to { digit_from } else { digit_from - 1 };
    if let Some(sibling) = path.siblings.get_mut(level).and_then(|s| s.get_mut(slot)) {
        *sibling = node;
    }
    path
}
