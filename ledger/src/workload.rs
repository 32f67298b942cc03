//! Seeded workloads: a funded genesis and batches of valid, signed transactions.
//! Randomness is passed in, so the same seed gives the same transactions.

use ark_std::rand::Rng;

use crate::account::Account;
use crate::eddsa::SecretKey;
use crate::error::{LedgerError, Result};
use crate::state::State;
use crate::tree::TreeShape;
use crate::tx::{Transaction, Transfer, Withdrawal};
use crate::types::{AccountIndex, Amount, ChainId, TxAmount};

/// A genesis of `accounts` accounts at indices `0..accounts`, each holding `balance`,
/// with their secret keys (index `i` is `keys[i]`).
pub fn genesis<R: Rng + ?Sized>(
    shape: TreeShape,
    chain: ChainId,
    accounts: u32,
    balance: Amount,
    rng: &mut R,
) -> Result<(State, Vec<SecretKey>)> {
    if u64::from(accounts) > shape.capacity() {
        return Err(LedgerError::IndexOutOfRange { index: AccountIndex::new(accounts), capacity: shape.capacity() });
    }
    let keys: Vec<SecretKey> = (0..accounts).map(|_| SecretKey::random(rng)).collect();
    let state = State::with_accounts(
        shape,
        chain,
        keys.iter().enumerate().map(|(i, k)| (AccountIndex::new(i as u32), Account::new(k.public_key(), balance))),
    )?;
    Ok((state, keys))
}

/// The mix of a generated workload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mix {
    /// Fraction of transactions that are withdrawals (the rest are transfers).
    pub withdrawal_share: f64,
}

impl Default for Mix {
    fn default() -> Self {
        Mix { withdrawal_share: 0.1 }
    }
}

/// `count` valid signed transfers and withdrawals between the accounts of `state`
/// whose keys are known (`keys[i]` signs for account `i`). Each transaction is valid
/// after the ones before it: they are applied to a copy of the state as they are made.
pub fn random_transactions<R: Rng + ?Sized>(
    state: &State,
    keys: &[SecretKey],
    count: usize,
    mix: Mix,
    rng: &mut R,
) -> Result<Vec<Transaction>> {
    let mut scratch = state.clone();
    let signers: Vec<AccountIndex> =
        (0..keys.len() as u32).map(AccountIndex::new).filter(|i| scratch.account(*i).is_some()).collect();
    if signers.is_empty() && count > 0 {
        return Err(LedgerError::InvalidFile("the keys file names no account of this state".into()));
    }
    let mut txs = Vec::with_capacity(count);
    while txs.len() < count {
        let from = signers[rng.gen_range(0..signers.len())];
        let account = *scratch.account(from).expect("signer exists");
        if account.balance == Amount::ZERO {
            if signers.iter().all(|i| scratch.account(*i).is_some_and(|a| a.balance == Amount::ZERO)) {
                return Err(LedgerError::InsufficientBalance {
                    index: from,
                    balance: Amount::ZERO,
                    needed: Amount::new(1),
                });
            }
            continue;
        }
        // Move up to a tenth of the balance, so accounts rarely run dry.
        let cap = (account.balance.units() / 10).clamp(1, crate::tx::MAX_TX_AMOUNT);
        let amount = TxAmount::new(rng.gen_range(1..=cap))?;
        let key = &keys[from.value() as usize];
        let tx = if rng.gen_bool(mix.withdrawal_share) {
            Transaction::Withdrawal(Withdrawal::signed(from, amount, account.nonce, scratch.chain(), key)?)
        } else {
            let to = signers[rng.gen_range(0..signers.len())];
            Transaction::Transfer(Transfer::signed(from, to, amount, account.nonce, scratch.chain(), key)?)
        };
        scratch.apply(&tx)?;
        txs.push(tx);
    }
    Ok(txs)
}

/// A whole workload, made once and run by every design: each user's key, the deposit
/// that opens each user's account (user `i` gets account `i`), and the transactions
/// that follow, valid in order after those deposits.
#[derive(Debug, Clone)]
pub struct Plan {
    /// User `i`'s key.
    pub keys: Vec<SecretKey>,
    /// Units each user deposits.
    pub deposit_units: TxAmount,
    /// The L2 transactions after the deposits.
    pub txs: Vec<Transaction>,
}

impl Plan {
    /// A seeded plan: `users` keys, one deposit of `deposit_units` each, then `count`
    /// transactions of `mix`. The same arguments and rng state give the same plan, so
    /// designs that are compared run exactly the same transactions.
    pub fn generate<R: Rng + ?Sized>(
        shape: TreeShape,
        chain: ChainId,
        users: u32,
        deposit_units: TxAmount,
        count: usize,
        mix: Mix,
        rng: &mut R,
    ) -> Result<Self> {
        let keys: Vec<SecretKey> = (0..users).map(|_| SecretKey::random(rng)).collect();
        let mut state = State::new(shape, chain);
        for (i, key) in keys.iter().enumerate() {
            let deposit = crate::tx::Deposit {
                to: AccountIndex::new(i as u32),
                public_key: key.public_key(),
                amount: deposit_units,
            };
            state.apply(&Transaction::Deposit(deposit))?;
        }
        let txs = random_transactions(&state, &keys, count, mix, rng)?;
        Ok(Plan { keys, deposit_units, txs })
    }
}
