//! The batch circuit against the ledger: honest batches satisfy it; every broken rule
//! leaves it unsatisfied, at the constraint that enforces that rule.

use ark_relations::gr1cs::{ConstraintLayer, ConstraintSynthesizer, ConstraintSystem};
use ark_std::rand::SeedableRng;
use circuits::batch::SlotWitness;
use circuits::{BatchCircuit, BatchShape, BatchWitness};
use ledger::state::{batch_commitment, BatchRecord};
use ledger::tx::{pack_message, TxKind};
use ledger::workload::genesis;
use ledger::TxAmount;
use ledger::{
    AccountIndex, Amount, Arity, ChainId, Deposit, Fr, Nonce, SecretKey, State, Transaction, Transfer, TreeShape,
    Withdrawal,
};
use rand_chacha::ChaCha8Rng;
use tracing_subscriber::layer::SubscriberExt;

const CHAIN: ChainId = ChainId::DEFAULT;

fn shape(batch_size: usize) -> BatchShape {
    BatchShape::new(TreeShape::new(8, Arity::Quaternary).unwrap(), batch_size, CHAIN).unwrap()
}

fn world() -> (State, Vec<SecretKey>) {
    genesis(shape(1).tree, CHAIN, 4, Amount::new(1_000), &mut ChaCha8Rng::seed_from_u64(7)).unwrap()
}

fn idx(i: u32) -> AccountIndex {
    AccountIndex::new(i)
}

fn transfer(keys: &[SecretKey], from: u32, to: u32, amount: u64, nonce: u32) -> Transaction {
    Transaction::Transfer(
        Transfer::signed(
            idx(from),
            idx(to),
            TxAmount::new(amount).unwrap(),
            Nonce::new(nonce),
            CHAIN,
            &keys[from as usize],
        )
        .unwrap(),
    )
}

fn withdrawal(keys: &[SecretKey], from: u32, amount: u64, nonce: u32) -> Transaction {
    Transaction::Withdrawal(
        Withdrawal::signed(idx(from), TxAmount::new(amount).unwrap(), Nonce::new(nonce), CHAIN, &keys[from as usize])
            .unwrap(),
    )
}

fn deposit(to: u32, key: &SecretKey, amount: u64) -> Transaction {
    Transaction::Deposit(Deposit { to: idx(to), public_key: key.public_key(), amount: TxAmount::new(amount).unwrap() })
}

fn apply(state: &mut State, txs: &[Transaction], batch_size: usize) -> BatchRecord {
    state.apply_batch(txs, batch_size).unwrap()
}

/// Synthesises the circuit and returns `None` if satisfied, or the trace of the
/// first unsatisfied constraint.
fn first_unsatisfied(circuit: BatchCircuit) -> Option<String> {
    let subscriber = tracing_subscriber::registry().with(ConstraintLayer::default());
    tracing::subscriber::with_default(subscriber, || {
        let cs = ConstraintSystem::<Fr>::new_ref();
        circuit.generate_constraints(cs.clone()).unwrap();
        cs.which_is_unsatisfied().unwrap()
    })
}

fn assert_satisfied(circuit: BatchCircuit) {
    if let Some(trace) = first_unsatisfied(circuit) {
        panic!("honest batch unsatisfied at {trace}");
    }
}

fn assert_unsatisfied_at(circuit: BatchCircuit, part: &str) {
    let trace = first_unsatisfied(circuit).expect("a broken rule must leave the system unsatisfied");
    assert!(trace.contains(part), "expected the first failure in `{part}`, got {trace}");
}

/// An honest circuit, and a way to break its witness or public input.
fn honest(shape: BatchShape, record: &BatchRecord) -> BatchCircuit {
    BatchCircuit::for_batch(shape, record).unwrap()
}

fn with_slot(mut circuit: BatchCircuit, slot: usize, f: impl FnOnce(&mut SlotWitness)) -> BatchCircuit {
    f(&mut circuit.witness.as_mut().unwrap().slots[slot]);
    circuit
}

#[test]
fn every_kind_of_transaction_satisfies_the_circuit() {
    let (mut state, keys) = world();
    let newcomer = SecretKey::from_bytes([9; 32]);
    let txs = [
        transfer(&keys, 0, 1, 300, 0),
        deposit(5, &newcomer, 40),
        deposit(1, &keys[1], 2),
        withdrawal(&keys, 1, 500, 0),
        transfer(&keys, 2, 2, 100, 0),
    ];
    let record = apply(&mut state, &txs, 6);
    assert_satisfied(honest(shape(6), &record));
}

#[test]
fn padding_slots_are_no_ops() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 3, 0, 1, 0)], 3);
    assert_satisfied(honest(shape(3), &record));
    let mut empty_state = world().0;
    let record = apply(&mut empty_state, &[], 2);
    assert_satisfied(honest(shape(2), &record));
}

#[test]
fn a_forged_signature_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    // Another message's signature by the right key.
    let other = keys[0].sign(Fr::from(12345u64));
    assert_unsatisfied_at(with_slot(honest(shape(1), &record), 0, |s| s.signature = other), "signature");
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    let msg = pack_message(TxKind::Transfer, CHAIN, Nonce::ZERO, idx(0), idx(1), TxAmount::new(10).unwrap());
    let by_mallory = SecretKey::from_bytes([66; 32]).sign(msg);
    assert_unsatisfied_at(with_slot(honest(shape(1), &record), 0, |s| s.signature = by_mallory), "signature");
}

#[test]
fn an_overdraft_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    // The sender signs a transfer of more than it holds; the operator tries to include it.
    let msg = pack_message(TxKind::Transfer, CHAIN, Nonce::ZERO, idx(0), idx(1), TxAmount::new(1_001).unwrap());
    let signature = keys[0].sign(msg);
    let circuit = with_slot(honest(shape(1), &record), 0, |s| {
        s.amount = TxAmount::new(1_001).unwrap();
        s.signature = signature;
    });
    assert_unsatisfied_at(circuit, "a_balance_next_range");
}

#[test]
fn an_overflowing_credit_is_refused() {
    let tree = shape(1).tree;
    let keys = [SecretKey::from_bytes([1; 32]), SecretKey::from_bytes([2; 32])];
    let accounts = [
        (idx(0), ledger::Account::new(keys[0].public_key(), Amount::new(100))),
        (idx(1), ledger::Account::new(keys[1].public_key(), Amount::new(u64::MAX - 5))),
    ];
    let mut state = State::with_accounts(tree, CHAIN, accounts).unwrap();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 5, 0)], 1);
    let msg = pack_message(TxKind::Transfer, CHAIN, Nonce::ZERO, idx(0), idx(1), TxAmount::new(6).unwrap());
    let signature = keys[0].sign(msg);
    let circuit = with_slot(honest(shape(1), &record), 0, |s| {
        s.amount = TxAmount::new(6).unwrap();
        s.signature = signature;
    });
    assert_unsatisfied_at(circuit, "b_balance_next_range");
}

#[test]
fn a_wrong_nonce_is_refused_either_way() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    // Signed for nonce 1 while the account is at 0: the message the circuit rebuilds differs.
    let msg = pack_message(TxKind::Transfer, CHAIN, Nonce::new(1), idx(0), idx(1), TxAmount::new(10).unwrap());
    let signature = keys[0].sign(msg);
    assert_unsatisfied_at(with_slot(honest(shape(1), &record), 0, |s| s.signature = signature), "signature");
    // Or the operator claims the account is at nonce 1: its leaf is then not in the tree.
    let circuit = with_slot(honest(shape(1), &record), 0, |s| {
        let mut before = s.a.before.unwrap();
        before.nonce = Nonce::new(1);
        s.a.before = Some(before);
        s.signature = signature;
    });
    assert_unsatisfied_at(circuit, "path_a");
}

#[test]
fn a_replayed_transaction_is_refused() {
    let (mut state, keys) = world();
    let first = transfer(&keys, 0, 1, 10, 0);
    let record = apply(&mut state, &[first, transfer(&keys, 0, 1, 10, 1)], 2);
    // The operator replays the first signature in the second slot.
    let Transaction::Transfer(t) = first else { unreachable!() };
    assert_unsatisfied_at(with_slot(honest(shape(2), &record), 1, |s| s.signature = t.signature), "signature");
}

#[test]
fn a_wrong_merkle_path_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    let broken_a = with_slot(honest(shape(1), &record), 0, |s| s.a.path.siblings[2][1] += Fr::from(1u64));
    assert_unsatisfied_at(broken_a, "path_a");
    let broken_b = with_slot(honest(shape(1), &record), 0, |s| s.b.path.siblings[0][0] += Fr::from(1u64));
    assert_unsatisfied_at(broken_b, "path_b");
}

#[test]
fn an_account_claimed_empty_must_be_a_deposit() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    assert_unsatisfied_at(with_slot(honest(shape(1), &record), 0, |s| s.a.before = None), "kind_and_ranges");
}

#[test]
fn a_deposit_cannot_change_an_accounts_key() {
    // The ledger refuses a deposit naming another key; the operator builds the lie by hand.
    let (mut state, keys) = world();
    let record = apply(&mut state, &[deposit(2, &keys[2], 5)], 1);
    let mallory = SecretKey::from_bytes([77; 32]).public_key();
    let circuit = with_slot(honest(shape(1), &record), 0, |s| s.a_key = (mallory.x(), mallory.y()));
    assert_unsatisfied_at(circuit, "path_a");
}

/// The public input the L1 contract computes, from its own view of roots, the
/// deposit queue and the public data it received.
fn l1_commitment(record: &BatchRecord, old_root: Fr, chain_before: Fr, chain_after: Fr, public_data: &[u8]) -> Fr {
    batch_commitment(old_root, record.new_root, chain_before, chain_after, public_data)
}

#[test]
fn an_invented_deposit_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[deposit(6, &keys[0], 1_000_000)], 1);
    // L1's queue was empty: it expects the chain unchanged.
    let mut circuit = honest(shape(1), &record);
    circuit.commitment = Some(l1_commitment(
        &record,
        record.old_root,
        record.deposit_chain_before,
        record.deposit_chain_before,
        &record.public_data(),
    ));
    assert_unsatisfied_at(circuit, "commitment");
}

#[test]
fn a_skipped_deposit_is_refused() {
    let (mut state, keys) = world();
    let (d1, d2) = (deposit(6, &keys[0], 10), deposit(7, &keys[1], 20));
    // L1 queued d1 then d2; the operator processes only d2.
    let Transaction::Deposit(first) = d1 else { unreachable!() };
    let l1_chain_after_one = first.chain_link(state.deposit_chain());
    let record = apply(&mut state, &[d2], 1);
    let mut circuit = honest(shape(1), &record);
    circuit.commitment = Some(l1_commitment(
        &record,
        record.old_root,
        record.deposit_chain_before,
        l1_chain_after_one,
        &record.public_data(),
    ));
    assert_unsatisfied_at(circuit, "commitment");
}

#[test]
fn a_wrong_old_root_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0)], 1);
    let mut circuit = honest(shape(1), &record);
    circuit.commitment = Some(l1_commitment(
        &record,
        record.old_root + Fr::from(1u64),
        record.deposit_chain_before,
        record.deposit_chain_after,
        &record.public_data(),
    ));
    assert_unsatisfied_at(circuit, "commitment");
    // Or the witness starts from another root than the one committed.
    let mut circuit = honest(shape(1), &record);
    circuit.witness.as_mut().unwrap().old_root += Fr::from(1u64);
    assert_unsatisfied_at(circuit, "path_a");
}

#[test]
fn tampered_public_data_is_refused() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0), withdrawal(&keys, 2, 7, 0)], 2);
    let data = record.public_data();
    for byte in [0usize, 4, 8, 12, 13 + 12] {
        let mut tampered = data.clone();
        tampered[byte] ^= 1;
        let mut circuit = honest(shape(2), &record);
        circuit.commitment = Some(l1_commitment(
            &record,
            record.old_root,
            record.deposit_chain_before,
            record.deposit_chain_after,
            &tampered,
        ));
        assert_unsatisfied_at(circuit, "commitment");
    }
}

#[test]
fn a_batch_for_another_shape_is_an_error() {
    let (mut state, keys) = world();
    let record = apply(&mut state, &[transfer(&keys, 0, 1, 10, 0), transfer(&keys, 1, 0, 10, 0)], 2);
    assert!(BatchCircuit::for_batch(shape(1), &record).is_err());
    assert!(BatchWitness::from_record(&shape(1), &record).is_err());
}
