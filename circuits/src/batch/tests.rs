//! Soundness at the witness level: a malicious prover picks field elements, not ledger
//! types. Each test starts from an honest assignment, changes the values a cheating
//! prover would change (keeping the rest honest and recomputing paths, roots and the
//! commitment to match, see [`Forgery`]), and checks that the circuit refuses it at the
//! constraint that enforces the rule.

use ark_ff::{AdditiveGroup, Field};
use ledger::tx::{pack_message, TxKind, AMOUNT_BITS};
use ledger::TxAmount;
use ledger::{Account, AccountIndex, Amount, Arity, ChainId, Deposit, Fr, Nonce, SecretKey, State, Transaction};
use ledger::{Transfer, TreeShape, Withdrawal};

use super::{pow2, BatchShape, SlotValues};
use crate::test_utils::{fails_in, packed, Forgery};

const CHAIN: ChainId = ChainId::DEFAULT;
/// A small tree keeps the tests quick: two 4-ary levels, 16 accounts.
const DEPTH: u32 = 4;

fn shape(batch_size: usize) -> BatchShape {
    BatchShape::new(TreeShape::new(DEPTH, Arity::Quaternary).unwrap(), batch_size, CHAIN).unwrap()
}

fn idx(i: u32) -> AccountIndex {
    AccountIndex::new(i)
}

fn key(i: u8) -> SecretKey {
    SecretKey::from_bytes([i + 1; 32])
}

/// Accounts `i` holding `(balance, nonce)`, signed for by `key(i)`.
fn state(accounts: &[(u64, u32)]) -> State {
    let accounts = accounts.iter().enumerate().map(|(i, &(balance, nonce))| {
        let mut account = Account::new(key(i as u8).public_key(), Amount::new(balance));
        account.nonce = Nonce::new(nonce);
        (idx(i as u32), account)
    });
    State::with_accounts(shape(1).tree, CHAIN, accounts).unwrap()
}

fn transfer(from: u32, to: u32, amount: u64, nonce: u32) -> Transaction {
    Transaction::Transfer(
        Transfer::signed(
            idx(from),
            idx(to),
            TxAmount::new(amount).unwrap(),
            Nonce::new(nonce),
            CHAIN,
            &key(from as u8),
        )
        .unwrap(),
    )
}

/// An honest one-transfer batch from account 0 to account 1.
fn honest_transfer(accounts: &[(u64, u32)], amount: u64) -> Forgery {
    let before = state(accounts);
    let record = before.clone().apply_batch(&[transfer(0, 1, amount, accounts[0].1)], 1).unwrap();
    Forgery::honest(shape(1), &before, &record)
}

/// `p − 1`, the field element a small negative number wraps to.
fn minus(x: u64) -> Fr {
    -Fr::from(x)
}

#[test]
fn the_harness_reproduces_honest_witnesses() {
    let before = state(&[(1_000, 0), (1_000, 3), (50, 0)]);
    let newcomer = SecretKey::from_bytes([9; 32]);
    let txs = [
        transfer(0, 1, 300, 0),
        Transaction::Deposit(Deposit {
            to: idx(5),
            public_key: newcomer.public_key(),
            amount: TxAmount::new(40).unwrap(),
        }),
        Transaction::Deposit(Deposit {
            to: idx(1),
            public_key: key(1).public_key(),
            amount: TxAmount::new(2).unwrap(),
        }),
        Transaction::Withdrawal(
            Withdrawal::signed(idx(1), TxAmount::new(500).unwrap(), Nonce::new(3), CHAIN, &key(1)).unwrap(),
        ),
        transfer(2, 2, 10, 0),
    ];
    let record = before.clone().apply_batch(&txs, 6).unwrap();
    let honest = Forgery::honest(shape(6), &before, &record);
    // Deriving paths and commitment from honest values gives the ledger's own.
    let mut derived = honest.clone();
    assert_eq!(derived.derive(), record.commitment());
    assert_eq!(derived.values, honest.values);
    honest.assert_accepted();
    // A transfer built from the accounts' values is the one the ledger records.
    let mut built = Forgery::transfer(shape(1), &before, 0, 1, 300, &key(0));
    let mut recorded = honest_transfer(&[(1_000, 0), (1_000, 3), (50, 0)], 300);
    assert_eq!(built.derive(), recorded.derive());
    assert_eq!(built.values, recorded.values);
}

/// The receiver attack: `(balance − k, nonce + k·2^32)` packs to the receiver's
/// real leaf, so the credit's 64-bit check passes on `balance − k + amount` while the
/// real balance goes past 2^64.
#[test]
fn a_receiver_split_of_the_same_leaf_is_refused() {
    let near_max = u64::MAX - 5;
    let mut forgery = honest_transfer(&[(100, 0), (near_max, 7)], 5);
    let k = 10u64;
    let slot = forgery.slot(0);
    let real = packed(slot.b_balance, slot.b_nonce);
    slot.amount = Fr::from(k);
    slot.b_balance -= Fr::from(k);
    slot.b_nonce += Fr::from(k) * pow2(Nonce::BITS);
    assert_eq!(packed(slot.b_balance, slot.b_nonce), real, "the same leaf");
    assert_eq!(slot.b_balance + slot.amount, Fr::from(near_max), "a credit that looks in range");
    forgery.sign(0, &key(0));
    forgery.assert_refused_at("b_nonce_range");
}

/// The sender attack: a sender at nonce `2^32 − 1` claims nonce `p − 1` and
/// balance `b + 1`, which pack to its real leaf; `p − 1 + 1` wraps to 0, so one unit
/// is minted and the nonce reset. The message the circuit rebuilds is then the one of
/// chain `id − 1` at nonce `2^32 − 1`: a signature made for another chain would do.
#[test]
fn a_sender_nonce_of_p_minus_one_with_balance_plus_one_is_refused() {
    let accounts = [(1_000, u32::MAX), (0, 0)];
    let last_nonce = state(&accounts);
    // Honestly, the last nonce cannot send: nonce + 1 would leave 32 bits.
    Forgery::transfer(shape(1), &last_nonce, 0, 1, 10, &key(0)).assert_refused_at("a_nonce_next_range");

    let mut forgery = Forgery::transfer(shape(1), &last_nonce, 0, 1, 10, &key(0));
    let slot = forgery.slot(0);
    let real = packed(slot.a_balance, slot.a_nonce);
    slot.a_balance += Fr::ONE;
    slot.a_nonce = minus(1);
    assert_eq!(packed(slot.a_balance, slot.a_nonce), real, "the same leaf");
    assert_eq!(slot.a_nonce + Fr::ONE, Fr::ZERO, "nonce + 1 wraps to 0");
    let other_chain = pack_message(
        TxKind::Transfer,
        ChainId::new(CHAIN.value() - 1),
        Nonce::new(u32::MAX),
        idx(0),
        idx(1),
        TxAmount::new(10).unwrap(),
    );
    assert_eq!(forgery.message(0), other_chain, "the message of another chain");
    forgery.values.slots[0].signature = key(0).sign(other_chain);
    forgery.assert_refused_at("a_nonce_range");
}

/// Each field of each leaf read, set to another split of the same packed value, is
/// refused by its own range check (the one that runs first), before it is packed.
#[test]
fn every_leaf_field_is_checked_at_its_own_width() {
    let accounts = [(1_000, 4), (2_000, 9)];
    let two_32 = pow2(Nonce::BITS);
    // (field, its new value given (balance, nonce), the namespace that refuses it)
    type Split = fn(Fr, Fr) -> (Fr, Fr);
    let cases: [(&str, Split, &str); 4] = [
        // balance = p − 1, nonce takes up the difference.
        ("A balance wraps", |b, n| (minus(1), n + (b + Fr::ONE) * pow2(Nonce::BITS)), "a_balance_range"),
        ("A nonce wraps", |b, n| (b + Fr::ONE, n - pow2(Nonce::BITS)), "a_nonce_range"),
        ("B balance wraps", |b, n| (minus(1), n + (b + Fr::ONE) * pow2(Nonce::BITS)), "b_balance_range"),
        ("B nonce above 32 bits", |b, n| (b - Fr::ONE, n + pow2(Nonce::BITS)), "b_nonce_range"),
    ];
    for (what, split, part) in cases {
        let mut forgery = honest_transfer(&accounts, 10);
        let slot = forgery.slot(0);
        let (balance, nonce) = if part.starts_with('a') {
            (&mut slot.a_balance, &mut slot.a_nonce)
        } else {
            (&mut slot.b_balance, &mut slot.b_nonce)
        };
        let real = *balance * two_32 + *nonce;
        (*balance, *nonce) = split(*balance, *nonce);
        assert_eq!(*balance * two_32 + *nonce, real, "{what}: the same leaf");
        forgery.sign(0, &key(0));
        let trace = forgery.first_unsatisfied().unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(fails_in(&trace, part), "{what}: expected `{part}`, got {trace}");
    }
}

/// Account indices at or above `2^depth`, or wrapping, are refused by the index range
/// checks, though their low bits name a leaf of the tree.
#[test]
fn an_account_index_outside_the_tree_is_refused() {
    let beyond = Fr::from(1u64 << DEPTH);
    type Change = fn(&mut SlotValues, Fr);
    let cases: [(&str, Change, &str); 3] = [
        ("A + 2^depth", |s, beyond| s.a_index += beyond, "a_index_range"),
        ("B + 2^depth", |s, beyond| s.b_index += beyond, "b_index_range"),
        ("A − 2^depth, wrapping", |s, beyond| s.a_index -= beyond, "a_index_range"),
    ];
    for (what, change, part) in cases {
        let mut forgery = honest_transfer(&[(1_000, 0), (0, 0)], 10);
        change(forgery.slot(0), beyond);
        forgery.sign(0, &key(0));
        let trace = forgery.first_unsatisfied().unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(fails_in(&trace, part), "{what}: expected `{part}`, got {trace}");
    }
}

/// An amount of 2^38 (more than public data can carry) and an amount of `p − 1` (a
/// transfer of −1, which passes every balance check: the sender gains, the receiver
/// loses) are refused by the amount's range check.
#[test]
fn an_amount_out_of_range_is_refused() {
    let rich = 1u64 << 40;
    for (what, amount) in [("2^38", Fr::from(1u64 << AMOUNT_BITS)), ("p − 1", minus(1))] {
        let mut forgery = honest_transfer(&[(rich, 0), (rich, 0)], 10);
        forgery.slot(0).amount = amount;
        forgery.sign(0, &key(0));
        let trace = forgery.first_unsatisfied().unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(fails_in(&trace, "amount_range"), "{what}: expected `amount_range`, got {trace}");
    }
}

/// The new balances are checked too: a debit below zero and a credit past 2^64 wrap.
#[test]
fn a_new_balance_out_of_range_is_refused() {
    let mut overdraft = honest_transfer(&[(100, 0), (0, 0)], 10);
    overdraft.slot(0).amount = Fr::from(101u64);
    overdraft.sign(0, &key(0));
    overdraft.assert_refused_at("a_balance_next_range");
    let mut overflow = honest_transfer(&[(100, 0), (u64::MAX - 5, 0)], 5);
    overflow.slot(0).amount = Fr::from(6u64);
    overflow.sign(0, &key(0));
    overflow.assert_refused_at("b_balance_next_range");
}

/// What the public data leaves unwritten must be zero: a no-op names no account and
/// moves nothing, and only a transfer names B.
#[test]
fn unused_fields_are_zero() {
    let mut noop = honest_transfer(&[(100, 0), (0, 0)], 10);
    let slot = noop.slot(0);
    (slot.k0, slot.k1) = (false, false);
    noop.assert_refused_at("kind_and_ranges");

    let before = state(&[(100, 0), (0, 0)]);
    let withdrawal = Withdrawal::signed(idx(0), TxAmount::new(10).unwrap(), Nonce::ZERO, CHAIN, &key(0)).unwrap();
    let record = before.clone().apply_batch(&[Transaction::Withdrawal(withdrawal)], 1).unwrap();
    let mut naming_b = Forgery::honest(shape(1), &before, &record);
    naming_b.slot(0).b_index = Fr::from(1u64);
    naming_b.sign(0, &key(0));
    naming_b.assert_refused_at("kind_and_ranges");
}

/// Tampering after the derivation: a wrong path or a wrong signature, everything else
/// consistent.
#[test]
fn a_wrong_path_or_signature_is_refused() {
    let mut forgery = honest_transfer(&[(100, 0), (0, 0)], 10);
    let commitment = forgery.derive();
    let mut wrong_path = forgery.clone();
    wrong_path.slot(0).a_path.siblings[1][2] += Fr::ONE;
    let trace = wrong_path.first_unsatisfied_with(commitment).expect("refused");
    assert!(fails_in(&trace, "path_a"), "{trace}");
    let mut wrong_signature = forgery.clone();
    wrong_signature.slot(0).signature = key(0).sign(Fr::from(12_345u64));
    let trace = wrong_signature.first_unsatisfied_with(commitment).expect("refused");
    assert!(fails_in(&trace, "signature"), "{trace}");
    assert_eq!(forgery.first_unsatisfied_with(commitment), None, "untouched, it holds");
}
