//! The state-transition function: every error path leaves the state unchanged, valid
//! batches conserve value, and the records it keeps re-check against the roots.

use ark_std::rand::SeedableRng;
use ledger::state::batch_commitment;
use ledger::tx::{PublicDataSlot, MAX_TX_AMOUNT};
use ledger::workload::{genesis, random_transactions, Mix};
use ledger::TxAmount;
use ledger::{
    account::leaf_of, AccountIndex, Amount, Arity, ChainId, Deposit, LedgerError, Nonce, SecretKey, State, StateFile,
    Transaction, Transfer, TreeShape, Withdrawal,
};
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;

const CHAIN: ChainId = ChainId::DEFAULT;

fn idx(i: u32) -> AccountIndex {
    AccountIndex::new(i)
}

fn setup(seed: u64) -> (State, Vec<SecretKey>) {
    let shape = TreeShape::new(8, Arity::Quaternary).unwrap();
    genesis(shape, CHAIN, 4, Amount::new(1_000), &mut ChaCha8Rng::seed_from_u64(seed)).unwrap()
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

/// Applies `tx`, expects `want`, and checks the state did not move.
fn assert_refused(state: &mut State, tx: Transaction, want: impl Fn(&LedgerError) -> bool) {
    let root = state.root();
    let file = state.to_file();
    let err = state.apply(&tx).expect_err("transaction must be refused");
    assert!(want(&err), "unexpected error {err:?}");
    assert_eq!(state.root(), root, "root changed by a refused transaction");
    assert_eq!(state.to_file(), file, "state changed by a refused transaction");
}

#[test]
fn a_valid_transfer_moves_value_and_bumps_the_nonce() {
    let (mut state, keys) = setup(1);
    let record = state.apply(&transfer(&keys, 0, 1, 250, 0)).unwrap();
    assert_eq!(state.account(idx(0)).unwrap().balance, Amount::new(750));
    assert_eq!(state.account(idx(0)).unwrap().nonce, Nonce::new(1));
    assert_eq!(state.account(idx(1)).unwrap().balance, Amount::new(1_250));
    assert_eq!(state.account(idx(1)).unwrap().nonce, Nonce::ZERO);
    // Each update's path takes the old leaf to the root before and the new leaf to the root after.
    assert_eq!(record.updates.len(), 2);
    for u in &record.updates {
        assert!(u.proof.verify(state.shape(), u.root_before, leaf_of(u.before.as_ref())));
        assert!(u.proof.verify(state.shape(), u.root_after, u.after.leaf_hash()));
    }
    assert_eq!(record.updates[0].root_before, record.root_before);
    assert_eq!(record.updates[1].root_after, record.root_after);
    assert_eq!(record.updates[0].root_after, record.updates[1].root_before);
}

#[test]
fn a_transfer_to_oneself_only_bumps_the_nonce() {
    let (mut state, keys) = setup(2);
    state.apply(&transfer(&keys, 2, 2, 400, 0)).unwrap();
    let account = state.account(idx(2)).unwrap();
    assert_eq!((account.balance, account.nonce), (Amount::new(1_000), Nonce::new(1)));
}

#[test]
fn every_transfer_error_leaves_the_state_unchanged() {
    let (mut state, keys) = setup(3);
    let stranger = SecretKey::from_bytes([99; 32]);
    // Signed by another key.
    let forged = Transaction::Transfer(
        Transfer::signed(idx(0), idx(1), TxAmount::new(5).unwrap(), Nonce::ZERO, CHAIN, &stranger).unwrap(),
    );
    assert_refused(&mut state, forged, |e| matches!(e, LedgerError::BadSignature(i) if *i == idx(0)));
    // Signed for another chain.
    let other_chain = Transaction::Transfer(
        Transfer::signed(idx(0), idx(1), TxAmount::new(5).unwrap(), Nonce::ZERO, ChainId::new(2), &keys[0]).unwrap(),
    );
    assert_refused(&mut state, other_chain, |e| matches!(e, LedgerError::BadSignature(_)));
    // Amount changed after signing.
    let Transaction::Transfer(mut tampered) = transfer(&keys, 0, 1, 5, 0) else { unreachable!() };
    tampered.amount = TxAmount::new(500).unwrap();
    assert_refused(&mut state, Transaction::Transfer(tampered), |e| matches!(e, LedgerError::BadSignature(_)));
    // Wrong nonce, and a replay of an applied transfer.
    assert_refused(
        &mut state,
        transfer(&keys, 0, 1, 5, 1),
        |e| matches!(e, LedgerError::WrongNonce { expected, got, .. } if *expected == Nonce::ZERO && *got == Nonce::new(1)),
    );
    let applied = transfer(&keys, 0, 1, 5, 0);
    state.apply(&applied).unwrap();
    assert_refused(&mut state, applied, |e| matches!(e, LedgerError::WrongNonce { .. }));
    // Overdraft.
    assert_refused(&mut state, transfer(&keys, 1, 0, 1_006, 0), |e| {
        matches!(e, LedgerError::InsufficientBalance { .. })
    });
    // Unknown sender, unknown receiver, index outside the tree.
    assert_refused(
        &mut state,
        transfer(&keys, 1, 7, 1, 0),
        |e| matches!(e, LedgerError::UnknownAccount(i) if *i == idx(7)),
    );
    let from_nowhere = Transaction::Transfer(
        Transfer::signed(idx(9), idx(1), TxAmount::new(1).unwrap(), Nonce::ZERO, CHAIN, &stranger).unwrap(),
    );
    assert_refused(&mut state, from_nowhere, |e| matches!(e, LedgerError::UnknownAccount(_)));
    assert_refused(&mut state, transfer(&keys, 1, 300, 1, 0), |e| matches!(e, LedgerError::IndexOutOfRange { .. }));
}

#[test]
fn overflow_and_oversized_amounts_are_refused() {
    let shape = TreeShape::new(4, Arity::Binary).unwrap();
    let keys = [SecretKey::from_bytes([1; 32]), SecretKey::from_bytes([2; 32])];
    let accounts = [
        (idx(0), ledger::Account::new(keys[0].public_key(), Amount::MAX)),
        (idx(1), ledger::Account::new(keys[1].public_key(), Amount::MAX)),
    ];
    let mut state = State::with_accounts(shape, CHAIN, accounts).unwrap();
    assert_refused(
        &mut state,
        transfer(&keys, 0, 1, 1, 0),
        |e| matches!(e, LedgerError::BalanceOverflow(i) if *i == idx(1)),
    );
    // An amount beyond the 38 bits of public data cannot be made, so no transaction carries one.
    assert!(matches!(TxAmount::new(MAX_TX_AMOUNT + 1), Err(LedgerError::AmountTooLarge { .. })));
    let deposit = Transaction::Deposit(Deposit {
        to: idx(1),
        public_key: keys[1].public_key(),
        amount: TxAmount::new(1).unwrap(),
    });
    assert_refused(&mut state, deposit, |e| matches!(e, LedgerError::BalanceOverflow(_)));
}

#[test]
fn nonce_overflow_is_refused() {
    let shape = TreeShape::new(4, Arity::Binary).unwrap();
    let key = SecretKey::from_bytes([5; 32]);
    let account =
        ledger::Account { public_key: key.public_key(), balance: Amount::new(10), nonce: Nonce::new(u32::MAX) };
    let mut state = State::with_accounts(shape, CHAIN, [(idx(0), account)]).unwrap();
    let w = Transaction::Withdrawal(
        Withdrawal::signed(idx(0), TxAmount::new(1).unwrap(), Nonce::new(u32::MAX), CHAIN, &key).unwrap(),
    );
    assert_refused(&mut state, w, |e| matches!(e, LedgerError::NonceOverflow(_)));
}

#[test]
fn deposits_create_or_credit_and_extend_the_chain() {
    let (mut state, keys) = setup(4);
    let newcomer = SecretKey::from_bytes([42; 32]).public_key();
    let chain0 = state.deposit_chain();
    let create = Deposit { to: idx(10), public_key: newcomer, amount: TxAmount::new(77).unwrap() };
    state.apply(&Transaction::Deposit(create)).unwrap();
    assert_eq!(state.account(idx(10)).unwrap().balance, Amount::new(77));
    assert_eq!(state.deposit_chain(), create.chain_link(chain0));
    let top_up = Deposit { to: idx(10), public_key: newcomer, amount: TxAmount::new(3).unwrap() };
    state.apply(&Transaction::Deposit(top_up)).unwrap();
    assert_eq!(state.account(idx(10)).unwrap().balance, Amount::new(80));
    assert_eq!(state.deposit_chain(), top_up.chain_link(create.chain_link(chain0)));
    // A deposit naming another key for an existing account is refused, chain untouched.
    let chain_before = state.deposit_chain();
    let wrong_key = Deposit { to: idx(0), public_key: newcomer, amount: TxAmount::new(1).unwrap() };
    assert_refused(&mut state, Transaction::Deposit(wrong_key), |e| {
        matches!(e, LedgerError::DepositKeyMismatch { .. })
    });
    assert_eq!(state.deposit_chain(), chain_before);
    let _ = keys;
}

#[test]
fn withdrawals_debit_with_the_same_rules() {
    let (mut state, keys) = setup(5);
    let w = |amount, nonce, key: &SecretKey| {
        Transaction::Withdrawal(
            Withdrawal::signed(idx(3), TxAmount::new(amount).unwrap(), Nonce::new(nonce), CHAIN, key).unwrap(),
        )
    };
    assert_refused(&mut state, w(1, 0, &keys[2]), |e| matches!(e, LedgerError::BadSignature(_)));
    assert_refused(&mut state, w(1_001, 0, &keys[3]), |e| matches!(e, LedgerError::InsufficientBalance { .. }));
    assert_refused(&mut state, w(1, 4, &keys[3]), |e| matches!(e, LedgerError::WrongNonce { .. }));
    state.apply(&w(1_000, 0, &keys[3])).unwrap();
    assert_eq!(state.account(idx(3)).unwrap().balance, Amount::ZERO);
    // A withdrawal signature is not a transfer signature.
    let Transaction::Withdrawal(wd) = w(5, 1, &keys[3]) else { unreachable!() };
    let as_transfer = Transfer {
        from: idx(3),
        to: idx(0),
        amount: TxAmount::new(5).unwrap(),
        nonce: Nonce::new(1),
        signature: wd.signature,
    };
    assert_refused(&mut state, Transaction::Transfer(as_transfer), |e| matches!(e, LedgerError::BadSignature(_)));
}

#[test]
fn a_failing_batch_is_rolled_back_whole() {
    let (mut state, keys) = setup(6);
    let before = state.to_file();
    let newcomer = SecretKey::from_bytes([7; 32]).public_key();
    let txs = vec![
        transfer(&keys, 0, 1, 10, 0),
        Transaction::Deposit(Deposit { to: idx(20), public_key: newcomer, amount: TxAmount::new(5).unwrap() }),
        transfer(&keys, 1, 2, 10, 0),
        transfer(&keys, 0, 1, 10, 0), // replayed nonce
    ];
    let err = state.apply_batch(&txs, 4).unwrap_err();
    assert!(
        matches!(err, LedgerError::InBatch { position: 3, ref source } if matches!(**source, LedgerError::WrongNonce { .. }))
    );
    assert_eq!(state.to_file(), before);
    assert!(matches!(state.apply_batch(&txs, 3), Err(LedgerError::BatchTooLarge { got: 4, max: 3 })));
}

#[test]
fn batch_records_pad_public_data_and_commit_to_it() {
    let (mut state, keys) = setup(7);
    let newcomer = SecretKey::from_bytes([8; 32]).public_key();
    let txs = vec![
        transfer(&keys, 0, 1, 10, 0),
        Transaction::Deposit(Deposit { to: idx(5), public_key: newcomer, amount: TxAmount::new(9).unwrap() }),
    ];
    let record = state.apply_batch(&txs, 4).unwrap();
    let data = record.public_data();
    assert_eq!(data.len(), 4 * ledger::tx::PUBDATA_SLOT_BYTES);
    let slots = PublicDataSlot::decode_all(&data).unwrap();
    assert_eq!(slots[0], PublicDataSlot::Transfer { from: idx(0), to: idx(1), amount: TxAmount::new(10).unwrap() });
    assert_eq!(slots[1], PublicDataSlot::Deposit { to: idx(5), amount: TxAmount::new(9).unwrap() });
    assert_eq!(&slots[2..], &[PublicDataSlot::Noop, PublicDataSlot::Noop]);
    let c = record.commitment();
    assert_eq!(
        c,
        batch_commitment(
            record.old_root,
            record.new_root,
            record.deposit_chain_before,
            record.deposit_chain_after,
            &data
        )
    );
    // Any change to what is committed changes the commitment.
    let mut flipped = data.clone();
    flipped[9] ^= 1;
    assert_ne!(
        c,
        batch_commitment(
            record.old_root,
            record.new_root,
            record.deposit_chain_before,
            record.deposit_chain_after,
            &flipped
        )
    );
    assert_ne!(
        c,
        batch_commitment(
            record.new_root,
            record.old_root,
            record.deposit_chain_before,
            record.deposit_chain_after,
            &data
        )
    );
    assert_ne!(
        c,
        batch_commitment(
            record.old_root,
            record.new_root,
            record.deposit_chain_after,
            record.deposit_chain_after,
            &data
        )
    );
}

#[test]
fn state_files_round_trip_and_are_checked() {
    let (mut state, keys) = setup(8);
    state.apply(&transfer(&keys, 0, 1, 10, 0)).unwrap();
    let file = state.to_file();
    let json = serde_json::to_string(&file).unwrap();
    let back = State::from_file(&serde_json::from_str::<StateFile>(&json).unwrap()).unwrap();
    assert_eq!(back.root(), state.root());
    let mut tampered = file.clone();
    tampered.accounts[0].account.balance = Amount::new(1);
    assert!(matches!(State::from_file(&tampered), Err(LedgerError::RootMismatch { .. })));
    let mut future = file;
    future.version = 99;
    assert!(matches!(State::from_file(&future), Err(LedgerError::InvalidFile(_))));
}

/// One index listed twice is refused, even when the stored root is the one "last entry
/// wins" would compute, and even when both entries are the same account.
#[test]
fn state_file_listing_an_account_twice_is_refused() {
    let (state, _) = setup(8);
    let file = state.to_file();
    let mut changed = file.accounts[1].clone();
    changed.account.balance = Amount::new(5);
    let mut twice = file.clone();
    twice.accounts.push(changed.clone());
    let last_wins =
        State::with_accounts(file.shape, file.chain_id, twice.accounts.iter().map(|e| (e.index, e.account)))
            .unwrap()
            .root();
    twice.root = ledger::field::fr_to_decimal(&last_wins);
    assert_eq!(State::from_file(&twice).err(), Some(LedgerError::DuplicateAccount { index: changed.index }));

    let mut same = file.clone();
    same.accounts.insert(0, file.accounts[0].clone());
    assert_eq!(State::from_file(&same).err(), Some(LedgerError::DuplicateAccount { index: file.accounts[0].index }));
    assert!(State::from_file(&file).is_ok());
}

#[test]
fn replaying_public_data_reconstructs_the_state() {
    let (mut state, keys) = setup(9);
    let genesis = state.clone();
    let newcomer = SecretKey::from_bytes([3; 32]).public_key();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut txs = random_transactions(&state, &keys, 6, Mix { withdrawal_share: 0.3 }, &mut rng).unwrap();
    txs.insert(
        2,
        Transaction::Deposit(Deposit { to: idx(12), public_key: newcomer, amount: TxAmount::new(50).unwrap() }),
    );
    let record = state.apply_batch(&txs, 9).unwrap();
    let mut replayed = genesis;
    for (slot, tx) in PublicDataSlot::decode_all(&record.public_data())
        .unwrap()
        .iter()
        .zip(txs.iter().map(Some).chain(std::iter::repeat(None)))
    {
        let key = match tx {
            Some(Transaction::Deposit(d)) => Some(d.public_key),
            _ => None,
        };
        replayed.replay(slot, key).unwrap();
    }
    assert_eq!(replayed.root(), state.root());
    assert_eq!(replayed.deposit_chain(), state.deposit_chain());
    assert_eq!(replayed.to_file(), state.to_file());
}

proptest! {
    // Seeded: the same cases on every run and machine.
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x1ed9e5),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// A random valid batch conserves the total balance (less what it withdraws), and
    /// replaying the records' paths reproduces every root.
    #[test]
    fn random_valid_batches_conserve_value(seed in any::<u64>(), count in 1usize..12) {
        let (mut state, keys) = setup(seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let txs = random_transactions(&state, &keys, count, Mix { withdrawal_share: 0.3 }, &mut rng).unwrap();
        let total_before = state.total_balance();
        let record = state.apply_batch(&txs, count).unwrap();
        let withdrawn: u128 = txs.iter().map(|t| match t { Transaction::Withdrawal(w) => u128::from(w.amount.units()), _ => 0 }).sum();
        prop_assert_eq!(state.total_balance() + withdrawn, total_before);
        let mut root = record.old_root;
        for tx in &record.txs {
            prop_assert_eq!(tx.root_before, root);
            for u in &tx.updates {
                prop_assert!(u.proof.verify(state.shape(), root, leaf_of(u.before.as_ref())));
                root = u.proof.root_for(state.shape(), u.after.leaf_hash()).unwrap();
            }
            prop_assert_eq!(tx.root_after, root);
        }
        prop_assert_eq!(root, record.new_root);
    }

    /// An invalid transaction (random corruption of a valid one) changes nothing.
    #[test]
    fn corrupted_transactions_change_nothing(seed in any::<u64>(), which in 0usize..4) {
        let (mut state, keys) = setup(seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let tx = random_transactions(&state, &keys, 1, Mix { withdrawal_share: 0.0 }, &mut rng).unwrap()[0];
        let Transaction::Transfer(mut t) = tx else { unreachable!() };
        match which {
            0 => t.amount = TxAmount::new(t.amount.units() + 1).unwrap(),
            1 => t.nonce = Nonce::new(t.nonce.value() + 1),
            2 => t.to = idx((t.to.value() + 1) % 4),
            _ => t.from = idx((t.from.value() + 1) % 4),
        }
        let before = state.to_file();
        prop_assert!(state.apply(&Transaction::Transfer(t)).is_err());
        prop_assert_eq!(state.to_file(), before);
    }
}
