//! Accounts: the leaves of the account tree.

use serde::{Deserialize, Serialize};

use crate::eddsa::PublicKey;
use crate::field::Fr;
use crate::poseidon;
use crate::types::{Amount, Nonce};

/// An L2 account: who may spend it, what it holds, how many transactions it has sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The EdDSA key that signs the account's transactions.
    pub public_key: PublicKey,
    /// The balance, in units.
    pub balance: Amount,
    /// The nonce the next transaction must carry.
    pub nonce: Nonce,
}

impl Account {
    /// A fresh account holding `balance`.
    pub fn new(public_key: PublicKey, balance: Amount) -> Self {
        Account { public_key, balance, nonce: Nonce::ZERO }
    }

    /// Balance and nonce packed into one field element: `balance · 2^32 + nonce`.
    pub fn packed_balance_nonce(&self) -> Fr {
        pack_balance_nonce(self.balance, self.nonce)
    }

    /// The leaf: `Poseidon(Ax, Ay, balance · 2^32 + nonce)`.
    pub fn leaf_hash(&self) -> Fr {
        poseidon::hash_n([self.public_key.x(), self.public_key.y(), self.packed_balance_nonce()])
    }
}

/// `balance · 2^32 + nonce` as a field element (96 bits, no wrap-around).
pub fn pack_balance_nonce(balance: Amount, nonce: Nonce) -> Fr {
    Fr::from((u128::from(balance.units()) << Nonce::BITS) | u128::from(nonce.value()))
}

/// The leaf value of an index with no account.
pub const EMPTY_LEAF: Fr = Fr::ZERO;

/// The leaf value of an optional account.
pub fn leaf_of(account: Option<&Account>) -> Fr {
    account.map_or(EMPTY_LEAF, Account::leaf_hash)
}

use ark_ff::AdditiveGroup as _;
