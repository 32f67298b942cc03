//! The native state-transition function, the records it leaves for the circuit and
//! for fraud proofs, and the batch commitment.

use std::collections::{BTreeMap, BTreeSet};

use ark_ff::PrimeField;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::{leaf_of, Account};
use crate::error::{LedgerError, Result};
use crate::field::{fr_to_be_bytes, fr_to_decimal, Fr};
use crate::step::{path_after_update, step, AccountWitness, Rules, StepInput, StepWitness};
use crate::tree::{AccountTree, MerkleProof, TreeShape};
use crate::tx::{PublicDataSlot, Transaction, PUBDATA_SLOT_BYTES};
use crate::types::{AccountIndex, Amount, ChainId};

/// One leaf changed by a transaction: the account before and after, and the path
/// (valid for both, since only this leaf changes) in the tree as it was just before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountUpdate {
    /// The leaf.
    pub index: AccountIndex,
    /// The account before (`None`: the leaf was empty).
    pub before: Option<Account>,
    /// The account after.
    pub after: Account,
    /// Siblings from the leaf to the root.
    pub proof: MerkleProof,
    /// Root before this update.
    #[serde(with = "crate::field::serde_decimal")]
    pub root_before: Fr,
    /// Root after this update.
    #[serde(with = "crate::field::serde_decimal")]
    pub root_after: Fr,
}

/// What applying one transaction did: enough to re-check it against roots alone
/// (what the circuit proves and what a one-step fraud proof re-executes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxRecord {
    /// The transaction.
    pub tx: Transaction,
    /// The leaves it changed, in order (sender then receiver for a transfer).
    pub updates: Vec<AccountUpdate>,
    /// Root before the transaction.
    #[serde(with = "crate::field::serde_decimal")]
    pub root_before: Fr,
    /// Root after the transaction.
    #[serde(with = "crate::field::serde_decimal")]
    pub root_after: Fr,
    /// Head of the processed-deposit chain after the transaction.
    #[serde(with = "crate::field::serde_decimal")]
    pub deposit_chain_after: Fr,
}

/// What applying a batch did, padded to the batch size with no-ops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// Slots in the batch (transactions plus no-op padding).
    pub batch_size: usize,
    /// Root before.
    #[serde(with = "crate::field::serde_decimal")]
    pub old_root: Fr,
    /// Root after.
    #[serde(with = "crate::field::serde_decimal")]
    pub new_root: Fr,
    /// Deposit chain head before.
    #[serde(with = "crate::field::serde_decimal")]
    pub deposit_chain_before: Fr,
    /// Deposit chain head after.
    #[serde(with = "crate::field::serde_decimal")]
    pub deposit_chain_after: Fr,
    /// One record per real transaction.
    pub txs: Vec<TxRecord>,
}

impl BatchRecord {
    /// The public data: one 16-byte slot per transaction, zero slots for padding.
    pub fn public_data(&self) -> Vec<u8> {
        let mut data = vec![0u8; self.batch_size * PUBDATA_SLOT_BYTES];
        for (slot, record) in data.chunks_mut(PUBDATA_SLOT_BYTES).zip(&self.txs) {
            slot.copy_from_slice(&record.tx.public_data().expect("applied transactions encode"));
        }
        data
    }

    /// The commitment the zk proof's single public input equals.
    pub fn commitment(&self) -> Fr {
        batch_commitment(
            self.old_root,
            self.new_root,
            self.deposit_chain_before,
            self.deposit_chain_after,
            &self.public_data(),
        )
    }
}

/// The bytes hashed into the batch commitment:
/// `old root ‖ new root ‖ deposit chain before ‖ deposit chain after ‖ public data`,
/// field elements as 32 bytes big-endian.
pub fn commitment_preimage(
    old_root: Fr,
    new_root: Fr,
    chain_before: Fr,
    chain_after: Fr,
    public_data: &[u8],
) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(128 + public_data.len());
    for x in [old_root, new_root, chain_before, chain_after] {
        bytes.extend_from_slice(&fr_to_be_bytes(&x));
    }
    bytes.extend_from_slice(public_data);
    bytes
}

/// SHA-256 of [`commitment_preimage`], read as a big-endian integer and reduced
/// modulo the BN254 scalar field (as zkSync Lite, Hermez and Loopring do), so a whole
/// batch is one public input.
pub fn batch_commitment(old_root: Fr, new_root: Fr, chain_before: Fr, chain_after: Fr, public_data: &[u8]) -> Fr {
    let digest = Sha256::digest(commitment_preimage(old_root, new_root, chain_before, chain_after, public_data));
    Fr::from_be_bytes_mod_order(&digest)
}

/// The L2 state: accounts in their tree, the chain they belong to and the head of the
/// chain of deposits processed so far.
#[derive(Debug, Clone)]
pub struct State {
    chain: ChainId,
    tree: AccountTree,
    accounts: BTreeMap<AccountIndex, Account>,
    deposit_chain: Fr,
}

impl State {
    /// An empty state.
    pub fn new(shape: TreeShape, chain: ChainId) -> Self {
        State { chain, tree: AccountTree::new(shape), accounts: BTreeMap::new(), deposit_chain: Fr::from(0u64) }
    }

    /// A state holding `accounts` (a genesis), with an empty deposit chain.
    pub fn with_accounts(
        shape: TreeShape,
        chain: ChainId,
        accounts: impl IntoIterator<Item = (AccountIndex, Account)>,
    ) -> Result<Self> {
        let mut state = State::new(shape, chain);
        for (index, account) in accounts {
            state.tree.set_leaf(index, account.leaf_hash())?;
            state.accounts.insert(index, account);
        }
        Ok(state)
    }

    /// The chain id signatures must name.
    pub fn chain(&self) -> ChainId {
        self.chain
    }

    /// The tree shape.
    pub fn shape(&self) -> TreeShape {
        self.tree.shape()
    }

    /// The account tree.
    pub fn tree(&self) -> &AccountTree {
        &self.tree
    }

    /// The state root.
    pub fn root(&self) -> Fr {
        self.tree.root()
    }

    /// Head of the processed-deposit chain.
    pub fn deposit_chain(&self) -> Fr {
        self.deposit_chain
    }

    /// The account at `index`, if any.
    pub fn account(&self, index: AccountIndex) -> Option<&Account> {
        self.accounts.get(&index)
    }

    /// All accounts, by index.
    pub fn accounts(&self) -> impl Iterator<Item = (AccountIndex, &Account)> {
        self.accounts.iter().map(|(i, a)| (*i, a))
    }

    /// Sum of all balances (as u128, so it cannot overflow).
    pub fn total_balance(&self) -> u128 {
        self.accounts.values().map(|a| u128::from(a.balance.units())).sum()
    }

    /// A membership proof for `index` in the current tree.
    pub fn proof(&self, index: AccountIndex) -> Result<MerkleProof> {
        self.tree.proof(index)
    }

    /// The rules this state's transactions are checked by.
    pub fn rules(&self) -> Rules {
        Rules { shape: self.tree.shape(), chain: self.chain }
    }

    /// The witness for executing `input` on this state, whether it is valid or not: the first account it
    /// touches and, for a transfer whose sender could pay, the receiver's path after the sender's update.
    /// This is what an honest party posts to a one-step proof.
    pub fn witness(&self, input: StepInput<'_>) -> StepWitness {
        let shape = self.shape();
        let entry = |index: AccountIndex| {
            self.tree.proof(index).ok().map(|proof| AccountWitness {
                index,
                before: self.accounts.get(&index).copied(),
                proof,
            })
        };
        let (first, transfer) = match input {
            StepInput::Signed(Transaction::Transfer(t)) => (t.from, Some((t.to, t.amount))),
            StepInput::Signed(Transaction::Withdrawal(w)) => (w.from, None),
            StepInput::Signed(Transaction::Deposit(d)) => (d.to, None),
            StepInput::Replayed { slot, .. } => match slot {
                PublicDataSlot::Noop => return StepWitness::default(),
                PublicDataSlot::Transfer { from, to, amount } => (from, Some((to, amount))),
                PublicDataSlot::Withdrawal { from, .. } => (from, None),
                PublicDataSlot::Deposit { to, .. } => (to, None),
            },
        };
        let Some(sender) = entry(first) else { return StepWitness::default() };
        let mut accounts = vec![sender.clone()];
        if let (Some((to, amount)), Some(before)) = (transfer, sender.before) {
            let after = before.balance.checked_sub(amount).zip(before.nonce.next()).map(|(balance, nonce)| Account {
                balance,
                nonce,
                ..before
            });
            if let (Some(after), Some(receiver)) = (after, entry(to)) {
                let proof = path_after_update(shape, &receiver.proof, &sender.proof, after.leaf_hash());
                let before = if to == first { Some(after) } else { receiver.before };
                accounts.push(AccountWitness { index: to, before, proof });
            }
        }
        StepWitness { accounts }
    }

    /// Runs the one step function on this state and writes what it changed. On error nothing has changed.
    fn run(&mut self, input: StepInput<'_>) -> Result<Vec<AccountUpdate>> {
        let witness = self.witness(input);
        let output = step(self.rules(), self.root(), input, &witness, &mut ())?;
        for update in &output.updates {
            self.tree.set_leaf(update.index, update.after.leaf_hash())?;
            self.accounts.insert(update.index, update.after);
        }
        debug_assert_eq!(self.root(), output.root, "the step and the tree agree on the new root");
        if let Some(deposit) = output.deposit {
            self.deposit_chain = deposit.chain_link(self.deposit_chain);
        }
        Ok(output.updates)
    }

    /// Applies one transaction through the step function. On error nothing has changed.
    pub fn apply(&mut self, tx: &Transaction) -> Result<TxRecord> {
        let root_before = self.root();
        let updates = self.run(StepInput::Signed(tx))?;
        Ok(TxRecord { tx: *tx, updates, root_before, root_after: self.root(), deposit_chain_after: self.deposit_chain })
    }

    /// Applies a batch of at most `batch_size` transactions, all or nothing: on the
    /// first failure every earlier transaction of the batch is undone and the error
    /// names the failing position.
    pub fn apply_batch(&mut self, txs: &[Transaction], batch_size: usize) -> Result<BatchRecord> {
        if txs.len() > batch_size {
            return Err(LedgerError::BatchTooLarge { got: txs.len(), max: batch_size });
        }
        let old_root = self.root();
        let deposit_chain_before = self.deposit_chain;
        let mut records = Vec::with_capacity(txs.len());
        for (position, tx) in txs.iter().enumerate() {
            match self.apply(tx) {
                Ok(record) => records.push(record),
                Err(source) => {
                    self.undo(&records, deposit_chain_before);
                    return Err(LedgerError::InBatch { position, source: Box::new(source) });
                }
            }
        }
        Ok(BatchRecord {
            batch_size,
            old_root,
            new_root: self.root(),
            deposit_chain_before,
            deposit_chain_after: self.deposit_chain,
            txs: records,
        })
    }

    fn undo(&mut self, records: &[TxRecord], deposit_chain: Fr) {
        for update in records.iter().rev().flat_map(|r| r.updates.iter().rev()) {
            self.tree.set_leaf(update.index, leaf_of(update.before.as_ref())).expect("index was valid when applied");
            match update.before {
                Some(account) => self.accounts.insert(update.index, account),
                None => self.accounts.remove(&update.index),
            };
        }
        self.deposit_chain = deposit_chain;
    }

    /// Re-applies one slot of public data through the step function, as anyone reconstructing the state
    /// from L1 data does (the data-availability path: exits in exodus mode need it). There is no signature
    /// to check, since a verified proof already vouched for the slot; a deposit's key comes from the L1
    /// deposit itself.
    pub fn replay(
        &mut self,
        slot: &crate::tx::PublicDataSlot,
        deposit_key: Option<crate::eddsa::PublicKey>,
    ) -> Result<()> {
        self.run(StepInput::Replayed { slot: *slot, deposit_key }).map(|_| ())
    }

    /// The state as a file.
    pub fn to_file(&self) -> StateFile {
        StateFile {
            version: StateFile::VERSION,
            shape: self.shape(),
            chain_id: self.chain,
            deposit_chain: fr_to_decimal(&self.deposit_chain),
            root: fr_to_decimal(&self.root()),
            accounts: self
                .accounts
                .iter()
                .map(|(index, account)| AccountEntry { index: *index, account: *account })
                .collect(),
        }
    }

    /// A state from a file, checking the version, that no account index is listed
    /// twice ([`LedgerError::DuplicateAccount`]) and that the stored root is the root of
    /// the stored accounts.
    pub fn from_file(file: &StateFile) -> Result<Self> {
        if file.version != StateFile::VERSION {
            return Err(LedgerError::InvalidFile(format!(
                "state file version {} (this build reads {})",
                file.version,
                StateFile::VERSION
            )));
        }
        let mut seen = BTreeSet::new();
        if let Some(entry) = file.accounts.iter().find(|e| !seen.insert(e.index)) {
            return Err(LedgerError::DuplicateAccount { index: entry.index });
        }
        let mut state =
            State::with_accounts(file.shape, file.chain_id, file.accounts.iter().map(|e| (e.index, e.account)))?;
        state.deposit_chain = crate::field::parse_fr(&file.deposit_chain)?;
        let root = fr_to_decimal(&state.root());
        if root != file.root {
            return Err(LedgerError::RootMismatch { expected: file.root.clone(), got: root });
        }
        Ok(state)
    }
}

/// One account of a state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    /// Its leaf.
    pub index: AccountIndex,
    /// The account.
    #[serde(flatten)]
    pub account: Account,
}

/// The JSON form of a [`State`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateFile {
    /// Format version.
    pub version: u32,
    /// Tree shape.
    pub shape: TreeShape,
    /// Chain id.
    pub chain_id: ChainId,
    /// Head of the processed-deposit chain (decimal).
    pub deposit_chain: String,
    /// The root (decimal), checked on load.
    pub root: String,
    /// The accounts.
    pub accounts: Vec<AccountEntry>,
}

impl StateFile {
    /// The version this build writes and reads.
    pub const VERSION: u32 = 1;
}

/// A total of balances as a plain sum, for conservation checks.
pub fn sum_amounts<'a>(amounts: impl IntoIterator<Item = &'a Amount>) -> u128 {
    amounts.into_iter().map(|a| u128::from(a.units())).sum()
}
