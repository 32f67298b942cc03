//! Helpers for the tests: allocation in every mode, and [`Forgery`], a malicious
//! prover's assignment of the batch circuit.

use ark_ff::PrimeField;
use ark_r1cs_std::alloc::{AllocVar, AllocationMode};
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintLayer, ConstraintSystem, ConstraintSystemRef};
use ledger::state::{batch_commitment, BatchRecord};
use ledger::tree::AccountTree;
use ledger::tx::AMOUNT_BITS;
use ledger::{poseidon, AccountIndex, Fr, Nonce, SecretKey, State};
use tracing_subscriber::layer::SubscriberExt;

use crate::batch::{pow2, synthesize_values, BatchValues, SlotValues};
use crate::{BatchShape, BatchWitness};

/// Constant, public input, witness: every gadget is tested in each.
pub const ALL_MODES: [AllocationMode; 3] = [AllocationMode::Constant, AllocationMode::Input, AllocationMode::Witness];

/// Allocates a field element in `mode`.
pub fn alloc_fr(cs: ConstraintSystemRef<Fr>, value: Fr, mode: AllocationMode) -> FpVar<Fr> {
    FpVar::new_variable(cs, || Ok(value), mode).expect("allocation")
}

/// The low `n` bits of `x` (`n < 64`): what the circuit's bit witnesses hold for a
/// value, in range or not.
pub fn low_bits(x: Fr, n: u32) -> u64 {
    x.into_bigint().0[0] & ((1u64 << n) - 1)
}

/// `balance · 2^32 + nonce`, the field element a leaf hashes.
pub fn packed(balance: Fr, nonce: Fr) -> Fr {
    balance * pow2(Nonce::BITS) + nonce
}

/// A prover's assignment of the batch circuit, in field elements: the honest one of a
/// batch, then changed at will by a test. [`Forgery::derive`] recomputes what a
/// cheating prover would recompute to go with the changed values (every Merkle path,
/// the new root, the deposit chain, the public data and the commitment), so that the
/// only constraints left unsatisfied are those that refuse the change itself.
#[derive(Debug, Clone)]
pub struct Forgery {
    /// The circuit's shape.
    pub shape: BatchShape,
    /// The tree before the batch.
    pub tree: AccountTree,
    /// The values every witness is allocated with.
    pub values: BatchValues,
}

impl Forgery {
    /// The honest assignment of `record`, a batch the ledger applied to `before`.
    pub fn honest(shape: BatchShape, before: &State, record: &BatchRecord) -> Self {
        assert_eq!(before.root(), record.old_root, "`before` is the state the batch was applied to");
        let witness = BatchWitness::from_record(&shape, record).expect("a batch of this shape");
        Forgery { shape, tree: before.tree().clone(), values: BatchValues::from(&witness) }
    }

    /// A one-slot transfer from `from` to `to` with the values the ledger's accounts
    /// hold, signed by `key`, whether or not the ledger would accept it.
    pub fn transfer(shape: BatchShape, state: &State, from: u32, to: u32, amount: u64, key: &SecretKey) -> Self {
        let padding = state.clone().apply_batch(&[], shape.batch_size).expect("an empty batch");
        let mut forgery = Forgery::honest(shape, state, &padding);
        let account = |i: u32| *state.account(AccountIndex::new(i)).expect("an existing account");
        let (a, b) = (account(from), account(to));
        let slot = forgery.slot(0);
        (slot.k0, slot.k1) = (true, false);
        (slot.a_index, slot.b_index, slot.amount) = (Fr::from(from), Fr::from(to), Fr::from(amount));
        slot.a_key = (a.public_key.x(), a.public_key.y());
        slot.a_empty = false;
        (slot.a_balance, slot.a_nonce) = (Fr::from(a.balance.units()), Fr::from(a.nonce.value()));
        slot.b_key = (b.public_key.x(), b.public_key.y());
        (slot.b_balance, slot.b_nonce) = (Fr::from(b.balance.units()), Fr::from(b.nonce.value()));
        forgery.sign(0, key);
        forgery
    }

    /// The values of slot `i`.
    pub fn slot(&mut self, i: usize) -> &mut SlotValues {
        &mut self.values.slots[i]
    }

    /// The message slot `i` is signed over, packed as the circuit packs it.
    pub fn message(&self, i: usize) -> Fr {
        let s = &self.values.slots[i];
        let kind = Fr::from(u64::from(s.k0) + 2 * u64::from(s.k1));
        kind * pow2(192)
            + Fr::from(self.shape.chain_id.value()) * pow2(160)
            + s.a_nonce * pow2(128)
            + s.a_index * pow2(96)
            + s.b_index * pow2(64)
            + s.amount
    }

    /// Signs slot `i`'s message (as it now stands) with `key`.
    pub fn sign(&mut self, i: usize, key: &SecretKey) {
        let message = self.message(i);
        self.values.slots[i].signature = key.sign(message);
    }

    /// Recomputes, from the values as they stand and as the circuit computes them, the
    /// Merkle paths of every update (in the tree as the slots before left it) and
    /// returns the commitment of the batch's roots, deposit chain and public data.
    /// Leaves the paths of unused updates (no-ops, B of non-transfers) alone.
    pub fn derive(&mut self) -> Fr {
        let depth = self.shape.tree.depth();
        let position = |x: Fr| AccountIndex::new(low_bits(x, depth) as u32);
        let leaf = |key: (Fr, Fr), balance: Fr, nonce: Fr| poseidon::hash_n([key.0, key.1, packed(balance, nonce)]);
        let mut tree = self.tree.clone();
        let mut chain = self.values.chain_before;
        let mut public_data = Vec::new();
        for s in &mut self.values.slots {
            let (transfer, deposit, active) = (s.k0 && !s.k1, s.k1 && !s.k0, s.k0 || s.k1);
            let signed = Fr::from(u64::from(s.k0));
            if active {
                s.a_path = tree.proof(position(s.a_index)).expect("a position in the tree");
                let a_balance_next = s.a_balance + s.amount * (Fr::from(u64::from(deposit)) - signed);
                tree.set_leaf(position(s.a_index), leaf(s.a_key, a_balance_next, s.a_nonce + signed))
                    .expect("a position in the tree");
            }
            if transfer {
                s.b_path = tree.proof(position(s.b_index)).expect("a position in the tree");
                tree.set_leaf(position(s.b_index), leaf(s.b_key, s.b_balance + s.amount, s.b_nonce))
                    .expect("a position in the tree");
            }
            if deposit {
                chain = poseidon::hash_n([chain, s.a_index, s.a_key.0, s.a_key.1, s.amount]);
            }
            let word = (u64::from(s.k1) << (AMOUNT_BITS + 1))
                | (u64::from(s.k0) << AMOUNT_BITS)
                | low_bits(s.amount, AMOUNT_BITS);
            public_data.extend_from_slice(&word.to_be_bytes()[3..]);
            public_data.extend_from_slice(&(low_bits(s.a_index, depth) as u32).to_be_bytes());
            public_data.extend_from_slice(&(low_bits(s.b_index, depth) as u32).to_be_bytes());
        }
        batch_commitment(self.values.old_root, tree.root(), self.values.chain_before, chain, &public_data)
    }

    /// Derives the rest of the witness and the public input from the values, then
    /// synthesises: `None` if every constraint holds, else the trace of the first
    /// unsatisfied one (its namespaces).
    pub fn first_unsatisfied(mut self) -> Option<String> {
        let commitment = self.derive();
        self.first_unsatisfied_with(commitment)
    }

    /// Synthesises with the values exactly as they stand and `commitment` as the
    /// public input.
    pub fn first_unsatisfied_with(&self, commitment: Fr) -> Option<String> {
        let subscriber = tracing_subscriber::registry().with(ConstraintLayer::default());
        tracing::subscriber::with_default(subscriber, || {
            let cs = ConstraintSystem::<Fr>::new_ref();
            synthesize_values(self.shape, Some(&self.values), Some(commitment), cs.clone()).expect("synthesis");
            cs.which_is_unsatisfied().expect("a constraint system in proving mode")
        })
    }

    /// Asserts that every constraint holds.
    pub fn assert_accepted(self) {
        if let Some(trace) = self.first_unsatisfied() {
            panic!("the assignment should satisfy the circuit, but fails at {trace}");
        }
    }

    /// Asserts that the first unsatisfied constraint lies in the batch circuit's
    /// namespace `part`.
    pub fn assert_refused_at(self, part: &str) {
        let trace = self.first_unsatisfied().expect("the forged assignment must leave the system unsatisfied");
        assert!(fails_in(&trace, part), "expected the first failure in `{part}`, got {trace}");
    }
}

/// Whether a trace of [`Forgery::first_unsatisfied`] passes through the batch
/// circuit's namespace `part` (the whole name, not a prefix of another).
pub fn fails_in(trace: &str, part: &str) -> bool {
    trace.contains(&format!("circuits::batch::{part}\n"))
}
