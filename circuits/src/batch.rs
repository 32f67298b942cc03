//! The batch circuit: a proof that `batch_size` transaction slots move the state from
//! one root to the next under every rule of [`ledger::state::State::apply`], with one
//! public input, the SHA-256 batch commitment.
//!
//! # One slot
//! Every slot runs the same constraints, switched by two kind bits `(k0, k1)`: no-op
//! `00`, transfer `01`, deposit `10`, withdrawal `11` (the public-data tag).
//!
//! - **Ranges**: every value is constrained on its own, at its own width, not only
//!   through a sum: the account indices to the tree's depth, the amount to 38 bits,
//!   and each field a leaf packs as `balance · 2^32 + nonce` (balance 64 bits, nonce
//!   32) before it is packed, so that no other split of the same packed value (say
//!   `balance − k, nonce + k·2^32`) can stand for the account. The bits the checks
//!   make are reused as Merkle path positions and public data.
//! - **Account A** (sender, depositee, withdrawer) is updated on its Merkle path: the
//!   old leaf (or 0 for a deposit that creates the account) must sit under the current
//!   root, the new leaf gives the next root. Its nonce goes up by one for signed kinds
//!   and must stay below 2^32; its balance goes down by the amount (transfer,
//!   withdrawal) or up (deposit) and is range-checked to 64 bits, so an overdraft or
//!   an overflow cannot be satisfied.
//! - **Account B** (receiver, transfers only) is credited on its own path, under the
//!   root left by A's update, and its new balance is range-checked.
//! - **Signature** (`k0 = 1`): EdDSA-Poseidon by A's key over the packed message
//!   `kind ‖ chain ‖ nonce ‖ A ‖ B ‖ amount`, where the nonce is A's current nonce, so a
//!   replayed or reordered transaction cannot verify.
//! - **Deposit chain** (`k1 = 1, k0 = 0`): the same Poseidon that computes the signature
//!   challenge computes `Poseidon(chain, A, Ax, Ay, amount)`, the next link of the L1
//!   priority queue's chain; the commitment includes the chain before and after, so the
//!   operator can neither invent nor skip a deposit.
//! - **Public data**: `kind ‖ amount ‖ A ‖ B`, 13 bytes from the bits the range checks
//!   already made; a no-op must be all zeros, B must be 0 unless the slot is a transfer.
//!
//! The batch then hashes `old root ‖ new root ‖ chain before ‖ chain after ‖ public
//! data` with SHA-256 and enforces it equals the public input.

use ark_ff::AdditiveGroup;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_r1cs_std::uint8::UInt8;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::ns;
use ledger::babyjubjub::{base8, to_circom};
use ledger::eddsa::Signature;
use ledger::state::{BatchRecord, TxRecord};
use ledger::tree::{MerkleProof, TreeShape};
use ledger::tx::{TxKind, AMOUNT_BITS, PUBDATA_SLOT_BYTES};
use ledger::{Account, AccountIndex, Amount, ChainId, Fr, Nonce, Transaction, TxAmount};
use serde::{Deserialize, Serialize};

use crate::commitment::{batch_commitment, number_to_be_bytes};
use crate::eddsa::{challenge_inputs, verify_with_challenge, CircomPointVar, SignatureVar};
use crate::error::{CircuitError, Result};
use crate::merkle::PathVar;
use crate::poseidon;
use crate::range::to_bits_le_checked;

/// What fixes a circuit (and so its keys): the tree, the number of slots, the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BatchShape {
    /// The account tree.
    pub tree: TreeShape,
    /// Transaction slots per batch.
    pub batch_size: usize,
    /// The chain id every signed message names.
    pub chain_id: ChainId,
}

impl BatchShape {
    /// A shape; the batch size must be at least 1.
    pub fn new(tree: TreeShape, batch_size: usize, chain_id: ChainId) -> Result<Self> {
        if batch_size == 0 {
            return Err(CircuitError::ShapeMismatch("a batch has at least one slot".into()));
        }
        Ok(BatchShape { tree, batch_size, chain_id })
    }
}

/// The witness for one account update: the account before (`None`: empty leaf) and
/// the path, valid for old and new leaf alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateWitness {
    /// The leaf.
    pub index: AccountIndex,
    /// The account before.
    pub before: Option<Account>,
    /// The path.
    pub path: MerkleProof,
}

/// The witness of one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotWitness {
    /// What the slot does.
    pub kind: TxKind,
    /// Amount moved.
    pub amount: TxAmount,
    /// Account A (sender, depositee, withdrawer).
    pub a: UpdateWitness,
    /// Account B (receiver); for other kinds an unused placeholder at index 0.
    pub b: UpdateWitness,
    /// The key A's leaf holds or, for a deposit, the deposit's key.
    pub a_key: (Fr, Fr),
    /// A's signature (a valid-looking placeholder for unsigned kinds).
    pub signature: Signature,
}

/// The witness of a whole batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchWitness {
    /// Root before.
    pub old_root: Fr,
    /// Deposit chain before.
    pub chain_before: Fr,
    /// One per slot, padding included.
    pub slots: Vec<SlotWitness>,
}

fn placeholder_signature() -> Signature {
    let (x, y) = to_circom(&base8());
    Signature::from_parts(x, y, &0u8.into()).expect("Base8 with S = 0 is well-formed")
}

fn placeholder_update(shape: TreeShape) -> UpdateWitness {
    let index = AccountIndex::new(0);
    let path = ledger::tree::AccountTree::new(shape).proof(index).expect("index 0 fits every tree");
    UpdateWitness { index, before: None, path }
}

impl BatchWitness {
    /// The witness for a batch the ledger applied, padded with no-ops.
    pub fn from_record(shape: &BatchShape, record: &BatchRecord) -> Result<Self> {
        if record.txs.len() > shape.batch_size {
            return Err(CircuitError::TooManyTransactions { got: record.txs.len(), slots: shape.batch_size });
        }
        let mut slots = Vec::with_capacity(shape.batch_size);
        for (position, tx) in record.txs.iter().enumerate() {
            slots.push(slot_from_record(shape, position, tx)?);
        }
        let base = to_circom(&base8());
        while slots.len() < shape.batch_size {
            slots.push(SlotWitness {
                kind: TxKind::Noop,
                amount: TxAmount::default(),
                a: placeholder_update(shape.tree),
                b: placeholder_update(shape.tree),
                a_key: base,
                signature: placeholder_signature(),
            });
        }
        Ok(BatchWitness { old_root: record.old_root, chain_before: record.deposit_chain_before, slots })
    }
}

fn slot_from_record(shape: &BatchShape, position: usize, record: &TxRecord) -> Result<SlotWitness> {
    let malformed = |why: &str| CircuitError::MalformedRecord { position, why: why.to_string() };
    let update = |i: usize| {
        record
            .updates
            .get(i)
            .map(|u| UpdateWitness { index: u.index, before: u.before, path: u.proof.clone() })
            .ok_or_else(|| malformed("missing account update"))
    };
    let a = update(0)?;
    let key_of = |acc: &Option<Account>| acc.map(|a| (a.public_key.x(), a.public_key.y()));
    let (kind, amount, b, a_key, signature) = match &record.tx {
        Transaction::Transfer(t) => {
            let b = update(1)?;
            let key = key_of(&a.before).ok_or_else(|| malformed("a transfer's sender exists"))?;
            (TxKind::Transfer, t.amount, b, key, t.signature)
        }
        Transaction::Withdrawal(w) => {
            let key = key_of(&a.before).ok_or_else(|| malformed("a withdrawal's account exists"))?;
            (TxKind::Withdrawal, w.amount, placeholder_update(shape.tree), key, w.signature)
        }
        Transaction::Deposit(d) => (
            TxKind::Deposit,
            d.amount,
            placeholder_update(shape.tree),
            (d.public_key.x(), d.public_key.y()),
            placeholder_signature(),
        ),
    };
    if a.path.siblings.len() != shape.tree.levels() {
        return Err(CircuitError::ShapeMismatch(format!(
            "a path of {} levels in a tree of {}",
            a.path.siblings.len(),
            shape.tree.levels()
        )));
    }
    Ok(SlotWitness { kind, amount, a, b, a_key, signature })
}

/// The batch circuit for a shape, with or without a witness (setup needs none).
#[derive(Debug, Clone)]
pub struct BatchCircuit {
    /// The shape.
    pub shape: BatchShape,
    /// The witness, when proving.
    pub witness: Option<BatchWitness>,
    /// The public input (the commitment), when proving.
    pub commitment: Option<Fr>,
}

impl BatchCircuit {
    /// A circuit without witness, for setup and for counting constraints.
    pub fn for_setup(shape: BatchShape) -> Self {
        BatchCircuit { shape, witness: None, commitment: None }
    }

    /// A circuit proving the batch `record`.
    pub fn for_batch(shape: BatchShape, record: &BatchRecord) -> Result<Self> {
        let witness = BatchWitness::from_record(&shape, record)?;
        let commitment = record.commitment();
        if record.batch_size != shape.batch_size {
            return Err(CircuitError::ShapeMismatch(format!(
                "the batch was padded to {} slots, the circuit has {}",
                record.batch_size, shape.batch_size
            )));
        }
        Ok(BatchCircuit { shape, witness: Some(witness), commitment: Some(commitment) })
    }
}

/// Where the constraints of a slot go, counted while synthesising.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// EdDSA verification, with the shared challenge / deposit-chain Poseidon.
    pub signature: usize,
    /// Merkle paths of both accounts, old and new leaf.
    pub merkle_paths: usize,
    /// Leaf hashes.
    pub leaves: usize,
    /// Range checks and kind logic.
    pub range_checks: usize,
    /// The SHA-256 commitment (whole batch).
    pub public_data_hash: usize,
}

/// Counts constraints into a [`Breakdown`] field as synthesis goes.
struct Meter {
    cs: ConstraintSystemRef<Fr>,
    last: usize,
    breakdown: Breakdown,
}

impl Meter {
    fn new(cs: ConstraintSystemRef<Fr>) -> Self {
        let last = cs.num_constraints();
        Meter { cs, last, breakdown: Breakdown::default() }
    }

    fn charge(&mut self, field: fn(&mut Breakdown) -> &mut usize) {
        let now = self.cs.num_constraints();
        *field(&mut self.breakdown) += now - self.last;
        self.last = now;
    }
}

impl ConstraintSynthesizer<Fr> for BatchCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> core::result::Result<(), SynthesisError> {
        self.synthesize(cs).map(|_| ())
    }
}

/// The field elements one slot's witnesses are allocated with. [`SlotWitness`] gives
/// the honest ones; a malicious prover may pick any field elements at all, and the
/// soundness tests build such assignments here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlotValues {
    /// Kind bits, `kind = k0 + 2·k1`.
    pub k0: bool,
    pub k1: bool,
    pub a_index: Fr,
    pub b_index: Fr,
    pub amount: Fr,
    pub a_key: (Fr, Fr),
    /// A's leaf was empty (a deposit opening the account).
    pub a_empty: bool,
    pub a_balance: Fr,
    pub a_nonce: Fr,
    pub a_path: MerkleProof,
    pub b_key: (Fr, Fr),
    pub b_balance: Fr,
    pub b_nonce: Fr,
    pub b_path: MerkleProof,
    pub signature: Signature,
}

impl From<&SlotWitness> for SlotValues {
    fn from(s: &SlotWitness) -> Self {
        let fields = |account: &Option<Account>| {
            account.map_or((Fr::ZERO, Fr::ZERO), |a| (Fr::from(a.balance.units()), Fr::from(a.nonce.value())))
        };
        let (a_balance, a_nonce) = fields(&s.a.before);
        let (b_balance, b_nonce) = fields(&s.b.before);
        SlotValues {
            k0: s.kind.tag() & 1 == 1,
            k1: s.kind.tag() & 2 == 2,
            a_index: Fr::from(s.a.index.value()),
            b_index: Fr::from(s.b.index.value()),
            amount: Fr::from(s.amount.units()),
            a_key: s.a_key,
            a_empty: s.a.before.is_none(),
            a_balance,
            a_nonce,
            a_path: s.a.path.clone(),
            b_key: s.b.before.map_or((Fr::ZERO, Fr::ZERO), |a| (a.public_key.x(), a.public_key.y())),
            b_balance,
            b_nonce,
            b_path: s.b.path.clone(),
            signature: s.signature,
        }
    }
}

/// The field elements of a whole batch's witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BatchValues {
    pub old_root: Fr,
    pub chain_before: Fr,
    pub slots: Vec<SlotValues>,
}

impl From<&BatchWitness> for BatchValues {
    fn from(w: &BatchWitness) -> Self {
        BatchValues {
            old_root: w.old_root,
            chain_before: w.chain_before,
            slots: w.slots.iter().map(Into::into).collect(),
        }
    }
}

impl BatchCircuit {
    /// Synthesises the circuit and returns where its constraints went.
    pub fn synthesize(self, cs: ConstraintSystemRef<Fr>) -> core::result::Result<Breakdown, SynthesisError> {
        let values = self.witness.as_ref().map(BatchValues::from);
        synthesize_values(self.shape, values.as_ref(), self.commitment, cs)
    }
}

/// `to_bits_le_checked` inside a namespace of its own, so that an unsatisfied range
/// check names the value it checks.
macro_rules! range_checked {
    ($cs:expr, $name:literal, $x:expr, $bits:expr) => {{
        let _namespace = ns!($cs, $name);
        to_bits_le_checked($x, $bits)
    }};
}

/// The batch circuit over field-element witnesses (`None` for setup).
pub(crate) fn synthesize_values(
    shape: BatchShape,
    values: Option<&BatchValues>,
    commitment: Option<Fr>,
    cs: ConstraintSystemRef<Fr>,
) -> core::result::Result<Breakdown, SynthesisError> {
    let depth = shape.tree.depth() as usize;
    let missing = || SynthesisError::AssignmentMissing;
    let mut meter = Meter::new(cs.clone());

    let commitment = FpVar::new_input(cs.clone(), || commitment.ok_or_else(missing))?;
    let old_root = FpVar::new_witness(cs.clone(), || values.map(|v| v.old_root).ok_or_else(missing))?;
    let chain_before = FpVar::new_witness(cs.clone(), || values.map(|v| v.chain_before).ok_or_else(missing))?;
    let mut root = old_root.clone();
    let mut chain = chain_before.clone();
    let mut public_data: Vec<UInt8<Fr>> = Vec::with_capacity(shape.batch_size * PUBDATA_SLOT_BYTES);

    for slot_index in 0..shape.batch_size {
        let slot = values.map(|v| &v.slots[slot_index]);
        let slot_ns = ns!(cs, "slot");
        let cs = slot_ns.cs();
        let fr = |f: fn(&SlotValues) -> Fr| FpVar::new_witness(cs.clone(), || slot.map(f).ok_or_else(missing));
        let bit = |f: fn(&SlotValues) -> bool| Boolean::new_witness(cs.clone(), || slot.map(f).ok_or_else(missing));

        // Kinds, and the transaction's own fields, each range-checked at its width; the
        // bits serve again as Merkle path positions, in the public data and as the
        // fields of the signed message.
        let part = ns!(cs, "kind_and_ranges");
        let k0 = bit(|s| s.k0)?;
        let k1 = bit(|s| s.k1)?;
        let is_transfer = &k0 & &!k1.clone();
        let is_deposit = &k1 & &!k0.clone();
        let active = &k0 | &k1;
        let signed = k0.clone();
        let a_index = fr(|s| s.a_index)?;
        let b_index = fr(|s| s.b_index)?;
        let amount = fr(|s| s.amount)?;
        let a_bits = range_checked!(cs, "a_index_range", &a_index, depth)?;
        let b_bits = range_checked!(cs, "b_index_range", &b_index, depth)?;
        let amount_bits = range_checked!(cs, "amount_range", &amount, AMOUNT_BITS as usize)?;
        // A no-op is all zeros; B is named by transfers only.
        a_index.conditional_enforce_equal(&FpVar::zero(), &!active.clone())?;
        amount.conditional_enforce_equal(&FpVar::zero(), &!active.clone())?;
        b_index.conditional_enforce_equal(&FpVar::zero(), &!is_transfer.clone())?;
        let a_key = CircomPointVar::on_curve(fr(|s| s.a_key.0)?, fr(|s| s.a_key.1)?)?;
        let a_empty = bit(|s| s.a_empty)?;
        let a_balance = fr(|s| s.a_balance)?;
        let a_nonce = fr(|s| s.a_nonce)?;
        // A signed transaction needs an existing account; an empty one holds nothing.
        (&a_empty & &signed).enforce_equal(&Boolean::FALSE)?;
        a_balance.conditional_enforce_equal(&FpVar::zero(), &a_empty)?;
        a_nonce.conditional_enforce_equal(&FpVar::zero(), &a_empty)?;
        drop(part);

        let part = ns!(cs, "balances_and_nonces");
        let b_key_x = fr(|s| s.b_key.0)?;
        let b_key_y = fr(|s| s.b_key.1)?;
        let b_balance = fr(|s| s.b_balance)?;
        let b_nonce = fr(|s| s.b_nonce)?;
        // Every field a leaf packs as `balance · 2^32 + nonce`, at its own width, before
        // it is packed: checked only through the new values, another split of the same
        // packed value (balance − k, nonce + k·2^32) would satisfy every other constraint.
        let _ = range_checked!(cs, "a_balance_range", &a_balance, Amount::BITS as usize)?;
        let _ = range_checked!(cs, "a_nonce_range", &a_nonce, Nonce::BITS as usize)?;
        let _ = range_checked!(cs, "b_balance_range", &b_balance, Amount::BITS as usize)?;
        let _ = range_checked!(cs, "b_nonce_range", &b_nonce, Nonce::BITS as usize)?;
        let a_nonce_next = &a_nonce + FpVar::from(signed.clone());
        {
            // The nonce is below 2^32, so the next one is below 2^32 unless it equals it:
            // one constraint instead of 33.
            let _namespace = ns!(cs, "a_nonce_next_range");
            a_nonce_next.enforce_not_equal(&FpVar::constant(pow2(Nonce::BITS)))?;
        }
        // Deposits add, transfers and withdrawals subtract: no overdraft, no overflow.
        let direction = FpVar::from(is_deposit.clone()) - FpVar::from(signed.clone());
        let a_balance_next = &a_balance + &amount * &direction;
        let _ = range_checked!(cs, "a_balance_next_range", &a_balance_next, Amount::BITS as usize)?;
        let b_balance_next = &b_balance + &amount;
        let _ = range_checked!(cs, "b_balance_next_range", &b_balance_next, Amount::BITS as usize)?;
        drop(part);
        meter.charge(|b| &mut b.range_checks);

        // Leaves: Poseidon(x, y, balance · 2^32 + nonce); an empty leaf is 0.
        let part = ns!(cs, "leaves");
        let two_32 = pow2(Nonce::BITS);
        let leaf = |x: &FpVar<Fr>, y: &FpVar<Fr>, balance: &FpVar<Fr>, nonce: &FpVar<Fr>| {
            poseidon::hash(&[x.clone(), y.clone(), balance * two_32 + nonce])
        };
        let a_old_leaf = a_empty.select(&FpVar::zero(), &leaf(&a_key.x, &a_key.y, &a_balance, &a_nonce)?)?;
        let a_new_leaf = leaf(&a_key.x, &a_key.y, &a_balance_next, &a_nonce_next)?;
        let b_old_leaf = leaf(&b_key_x, &b_key_y, &b_balance, &b_nonce)?;
        let b_new_leaf = leaf(&b_key_x, &b_key_y, &b_balance_next, &b_nonce)?;
        drop(part);
        meter.charge(|b| &mut b.leaves);

        // Paths: A under the current root, then B under the root A left.
        let part = ns!(cs, "path_a");
        let a_path = PathVar::new_witness(cs.clone(), shape.tree, slot.map(|s| &s.a_path))?;
        let a_roots = a_path.roots(&a_bits, &[a_old_leaf, a_new_leaf])?;
        a_roots[0].conditional_enforce_equal(&root, &active)?;
        root = active.select(&a_roots[1], &root)?;
        drop(part);
        let part = ns!(cs, "path_b");
        let b_path = PathVar::new_witness(cs.clone(), shape.tree, slot.map(|s| &s.b_path))?;
        let b_roots = b_path.roots(&b_bits, &[b_old_leaf, b_new_leaf])?;
        b_roots[0].conditional_enforce_equal(&root, &is_transfer)?;
        root = is_transfer.select(&b_roots[1], &root)?;
        drop(part);
        meter.charge(|b| &mut b.merkle_paths);

        // Signature, sharing its Poseidon with the deposit chain. Every field of the
        // message is range-checked above, so the packing is one-to-one.
        let part = ns!(cs, "signature");
        let kind_tag = FpVar::from(k0.clone()) + FpVar::from(k1.clone()) * Fr::from(2u64);
        let msg = kind_tag * pow2(192)
            + FpVar::constant(Fr::from(shape.chain_id.value())) * pow2(160)
            + &a_nonce * pow2(128)
            + &a_index * pow2(96)
            + &b_index * pow2(64)
            + &amount;
        let signature = SignatureVar::new_witness(cs.clone(), slot.map(|s| &s.signature))?;
        let mut inputs = challenge_inputs(&a_key, &signature, &msg);
        inputs[0] = is_deposit.select(&chain, &inputs[0])?;
        inputs[1] = is_deposit.select(&a_index, &inputs[1])?;
        inputs[4] = is_deposit.select(&amount, &inputs[4])?;
        let hash = poseidon::hash(&inputs)?;
        verify_with_challenge(&a_key, &signature, &hash, &signed)?;
        chain = is_deposit.select(&hash, &chain)?;
        drop(part);
        meter.charge(|b| &mut b.signature);

        // Public data: kind ‖ amount (40 bits) ‖ A ‖ B, from bits the range checks made.
        let mut word = amount_bits;
        word.extend([k0, k1]);
        public_data.extend(number_to_be_bytes(&word, 5));
        public_data.extend(number_to_be_bytes(&a_bits, 4));
        public_data.extend(number_to_be_bytes(&b_bits, 4));
        drop(slot_ns);
    }

    let part = ns!(cs, "commitment");
    let computed = batch_commitment(&old_root, &root, &chain_before, &chain, &public_data)?;
    computed.enforce_equal(&commitment)?;
    drop(part);
    meter.charge(|b| &mut b.public_data_hash);
    Ok(meter.breakdown)
}

/// `2^n` in the field.
pub(crate) fn pow2(n: u32) -> Fr {
    Fr::from(2u64).pow([u64::from(n)])
}

use ark_ff::Field as _;

#[cfg(test)]
mod tests;
