//! Transactions: what users sign, what the L1 credits, and the public data each
//! leaves on L1.
//!
//! # Signed messages
//! A transfer or withdrawal is signed as one field element that packs, from the most
//! significant bits down: `kind (8) ‖ chain id (32) ‖ nonce (32) ‖ from (32) ‖ to (32) ‖
//! amount (64)` (withdrawals put 0 in `to`). The kind and the chain id bind the
//! signature to the transaction type and the rollup; the circuit rebuilds the same
//! element from the bits it range-checks anyway, so binding costs no hashing.
//!
//! # Public data
//! Every transaction occupies one 13-byte slot of the same layout, so the circuit
//! writes it without branching on the kind: a 40-bit big-endian word holding the kind
//! in its top 2 bits and the amount in the low 38, then account A and account B as
//! 32-bit big-endian numbers.
//!
//! | kind | kind (2 bits) | amount (38 bits) | account A (4 bytes) | account B (4 bytes) |
//! |---|---|---|---|---|
//! | no-op (padding) | 0 | 0 | 0 | 0 |
//! | transfer | 1 | amount | from | to |
//! | deposit | 2 | amount | to | 0 |
//! | withdrawal | 3 | amount | from | 0 |
//!
//! Amounts in transactions are 38-bit integers (at most 2^38 − 1 units); balances are
//! 64-bit. Thirteen bytes per transfer at 2^32 accounts is one byte less than Hermez's
//! fourteen (which spend a byte on fees) and is what keeps the SHA-256 commitment's
//! share of a transfer's constraints near 7,300.
//! Deposits carry no key in public data: the key is in the L1 deposit itself, and the
//! batch commitment binds the chain of processed deposits (see [`Deposit::chain_link`]).
//! Withdrawals are paid on L1 to the address that registered the account there with
//! its first deposit, as Hermez pays the Ethereum address recorded in the account.

use serde::{Deserialize, Serialize};

use crate::eddsa::{PublicKey, SecretKey, Signature};
use crate::error::{LedgerError, Result};
use crate::field::Fr;
use crate::poseidon;
use crate::types::{AccountIndex, ChainId, Nonce, TxAmount};

/// Bytes of public data per transaction.
pub const PUBDATA_SLOT_BYTES: usize = 13;

/// Bits of a transaction amount in public data (the kind takes the other 2 of 40).
pub const AMOUNT_BITS: u32 = TxAmount::BITS;

/// The largest amount one transaction can carry.
pub const MAX_TX_AMOUNT: u64 = TxAmount::MAX.units();

/// The kind of a transaction, as written in signed messages and public data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum TxKind {
    /// Padding in a batch.
    Noop = 0,
    /// L2 to L2.
    Transfer = 1,
    /// L1 to L2.
    Deposit = 2,
    /// L2 to L1.
    Withdrawal = 3,
}

impl TxKind {
    /// The tag byte.
    pub const fn tag(self) -> u8 {
        self as u8
    }
}

/// Packs a signed message: `kind ‖ chain ‖ nonce ‖ from ‖ to ‖ amount`.
pub fn pack_message(
    kind: TxKind,
    chain: ChainId,
    nonce: Nonce,
    from: AccountIndex,
    to: AccountIndex,
    amount: TxAmount,
) -> Fr {
    use ark_ff::PrimeField;
    let mut bytes = [0u8; 25];
    bytes[0] = kind.tag();
    bytes[1..5].copy_from_slice(&chain.value().to_be_bytes());
    bytes[5..9].copy_from_slice(&nonce.value().to_be_bytes());
    bytes[9..13].copy_from_slice(&from.value().to_be_bytes());
    bytes[13..17].copy_from_slice(&to.value().to_be_bytes());
    bytes[17..25].copy_from_slice(&amount.units().to_be_bytes());
    Fr::from_be_bytes_mod_order(&bytes)
}

/// A transfer between two L2 accounts, signed by the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The paying account.
    pub from: AccountIndex,
    /// The receiving account (must exist).
    pub to: AccountIndex,
    /// What moves (38 bits by construction).
    pub amount: TxAmount,
    /// The sender's current nonce.
    pub nonce: Nonce,
    /// The sender's signature over [`Transfer::message`].
    pub signature: Signature,
}

impl Transfer {
    /// Builds and signs a transfer.
    pub fn signed(
        from: AccountIndex,
        to: AccountIndex,
        amount: TxAmount,
        nonce: Nonce,
        chain: ChainId,
        key: &SecretKey,
    ) -> Result<Self> {
        let message = pack_message(TxKind::Transfer, chain, nonce, from, to, amount);
        Ok(Transfer { from, to, amount, nonce, signature: key.sign(message) })
    }

    /// The signed message on `chain`.
    pub fn message(&self, chain: ChainId) -> Fr {
        pack_message(TxKind::Transfer, chain, self.nonce, self.from, self.to, self.amount)
    }
}

/// A withdrawal from L2 to the account's L1 owner, signed by the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The account paying out.
    pub from: AccountIndex,
    /// What leaves L2.
    pub amount: TxAmount,
    /// The account's current nonce.
    pub nonce: Nonce,
    /// The account's signature over [`Withdrawal::message`].
    pub signature: Signature,
}

impl Withdrawal {
    /// Builds and signs a withdrawal.
    pub fn signed(from: AccountIndex, amount: TxAmount, nonce: Nonce, chain: ChainId, key: &SecretKey) -> Result<Self> {
        let message = pack_message(TxKind::Withdrawal, chain, nonce, from, AccountIndex::new(0), amount);
        Ok(Withdrawal { from, amount, nonce, signature: key.sign(message) })
    }

    /// The signed message on `chain`.
    pub fn message(&self, chain: ChainId) -> Fr {
        pack_message(TxKind::Withdrawal, chain, self.nonce, self.from, AccountIndex::new(0), self.amount)
    }
}

/// A deposit from L1: credits `to`, creating the account with `public_key` if the
/// leaf is empty; an existing account must have the same key. Authorised by the L1
/// transaction that paid it, so unsigned here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    /// The account credited.
    pub to: AccountIndex,
    /// The key of the account credited.
    pub public_key: PublicKey,
    /// What arrives.
    pub amount: TxAmount,
}

impl Deposit {
    /// The next link of the chain of processed deposits:
    /// `Poseidon(previous, to, Ax, Ay, amount)`. The L1 contract extends the same
    /// chain as deposits arrive, and each batch commits to the chain before and after
    /// it, so an operator can neither invent a deposit nor skip one.
    pub fn chain_link(&self, previous: Fr) -> Fr {
        poseidon::hash_n([
            previous,
            Fr::from(self.to.value()),
            self.public_key.x(),
            self.public_key.y(),
            Fr::from(self.amount.units()),
        ])
    }
}

/// Any L2 transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transaction {
    /// L2 to L2.
    Transfer(Transfer),
    /// L1 to L2.
    Deposit(Deposit),
    /// L2 to L1.
    Withdrawal(Withdrawal),
}

impl Transaction {
    /// The kind tag.
    pub fn kind(&self) -> TxKind {
        match self {
            Transaction::Transfer(_) => TxKind::Transfer,
            Transaction::Deposit(_) => TxKind::Deposit,
            Transaction::Withdrawal(_) => TxKind::Withdrawal,
        }
    }

    /// The accounts and amount written in public data: `(A, B, amount)`.
    pub fn public_fields(&self) -> (AccountIndex, AccountIndex, TxAmount) {
        let zero = AccountIndex::new(0);
        match self {
            Transaction::Transfer(t) => (t.from, t.to, t.amount),
            Transaction::Deposit(d) => (d.to, zero, d.amount),
            Transaction::Withdrawal(w) => (w.from, zero, w.amount),
        }
    }

    /// The 13-byte public data of this transaction.
    pub fn public_data(&self) -> Result<[u8; PUBDATA_SLOT_BYTES]> {
        let (a, b, amount) = self.public_fields();
        Ok(encode_slot(self.kind(), a, b, amount))
    }
}

/// Writes one slot: `kind (2 bits) ‖ amount (38 bits) ‖ A (4 bytes) ‖ B (4 bytes)`.
pub fn encode_slot(kind: TxKind, a: AccountIndex, b: AccountIndex, amount: TxAmount) -> [u8; PUBDATA_SLOT_BYTES] {
    let mut slot = [0u8; PUBDATA_SLOT_BYTES];
    let word = (u64::from(kind.tag()) << AMOUNT_BITS) | amount.units();
    slot[0..5].copy_from_slice(&word.to_be_bytes()[3..]);
    slot[5..9].copy_from_slice(&a.value().to_be_bytes());
    slot[9..13].copy_from_slice(&b.value().to_be_bytes());
    slot
}

/// One decoded slot of public data: what the L1 contracts read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicDataSlot {
    /// Padding.
    Noop,
    /// A transfer.
    Transfer {
        /// Sender.
        from: AccountIndex,
        /// Receiver.
        to: AccountIndex,
        /// Amount.
        amount: TxAmount,
    },
    /// A deposit.
    Deposit {
        /// Account credited.
        to: AccountIndex,
        /// Amount.
        amount: TxAmount,
    },
    /// A withdrawal.
    Withdrawal {
        /// Account debited.
        from: AccountIndex,
        /// Amount.
        amount: TxAmount,
    },
}

impl PublicDataSlot {
    /// Decodes one slot; unknown tags and nonzero unused fields are errors.
    pub fn decode(slot: &[u8]) -> Result<Self> {
        if slot.len() != PUBDATA_SLOT_BYTES {
            return Err(LedgerError::MalformedPublicData(format!("a slot is {PUBDATA_SLOT_BYTES} bytes")));
        }
        let u32_at = |i: usize| u32::from_be_bytes(slot[i..i + 4].try_into().expect("4 bytes"));
        let mut word = [0u8; 8];
        word[3..].copy_from_slice(&slot[0..5]);
        let word = u64::from_be_bytes(word);
        let amount = TxAmount::from_low_bits(word);
        let a = AccountIndex::new(u32_at(5));
        let b = AccountIndex::new(u32_at(9));
        let unused = |what: &str| LedgerError::MalformedPublicData(format!("{what} must be zero in this slot"));
        match word >> AMOUNT_BITS {
            0 if slot.iter().all(|&x| x == 0) => Ok(PublicDataSlot::Noop),
            0 => Err(unused("every field")),
            1 => Ok(PublicDataSlot::Transfer { from: a, to: b, amount }),
            2 | 3 if b.value() != 0 => Err(unused("account B")),
            2 => Ok(PublicDataSlot::Deposit { to: a, amount }),
            3 => Ok(PublicDataSlot::Withdrawal { from: a, amount }),
            _ => unreachable!("a 2-bit kind"),
        }
    }

    /// Decodes a whole batch's public data.
    pub fn decode_all(data: &[u8]) -> Result<Vec<Self>> {
        if data.len() % PUBDATA_SLOT_BYTES != 0 {
            return Err(LedgerError::MalformedPublicData(format!(
                "{} bytes is not a whole number of {PUBDATA_SLOT_BYTES}-byte slots",
                data.len()
            )));
        }
        data.chunks(PUBDATA_SLOT_BYTES).map(Self::decode).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u8) -> SecretKey {
        SecretKey::from_bytes([i; 32])
    }

    #[test]
    fn public_data_round_trips_for_every_kind() {
        let chain = ChainId::DEFAULT;
        let cases = [
            Transaction::Transfer(
                Transfer::signed(
                    AccountIndex::new(7),
                    AccountIndex::new(u32::MAX),
                    TxAmount::new(MAX_TX_AMOUNT).unwrap(),
                    Nonce::new(3),
                    chain,
                    &key(1),
                )
                .unwrap(),
            ),
            Transaction::Deposit(Deposit {
                to: AccountIndex::new(9),
                public_key: key(2).public_key(),
                amount: TxAmount::new(MAX_TX_AMOUNT).unwrap(),
            }),
            Transaction::Withdrawal(
                Withdrawal::signed(AccountIndex::new(5), TxAmount::new(42).unwrap(), Nonce::ZERO, chain, &key(3))
                    .unwrap(),
            ),
        ];
        let expected = [
            PublicDataSlot::Transfer {
                from: AccountIndex::new(7),
                to: AccountIndex::new(u32::MAX),
                amount: TxAmount::new(MAX_TX_AMOUNT).unwrap(),
            },
            PublicDataSlot::Deposit { to: AccountIndex::new(9), amount: TxAmount::new(MAX_TX_AMOUNT).unwrap() },
            PublicDataSlot::Withdrawal { from: AccountIndex::new(5), amount: TxAmount::new(42).unwrap() },
        ];
        for (tx, want) in cases.iter().zip(expected) {
            let slot = tx.public_data().unwrap();
            assert_eq!(slot[0] >> 6, tx.kind().tag());
            assert_eq!(PublicDataSlot::decode(&slot).unwrap(), want);
        }
        assert_eq!(PublicDataSlot::decode(&[0u8; PUBDATA_SLOT_BYTES]).unwrap(), PublicDataSlot::Noop);
    }

    #[test]
    fn malformed_public_data_is_an_error() {
        let mut slot = [0u8; PUBDATA_SLOT_BYTES];
        slot[12] = 1;
        assert!(PublicDataSlot::decode(&slot).is_err(), "a no-op is all zeros");
        slot[0] = 0x80; // kind 2: a deposit
        assert!(PublicDataSlot::decode(&slot).is_err(), "a deposit names no account B");
        slot[12] = 0;
        assert!(PublicDataSlot::decode(&slot).is_ok());
        assert!(PublicDataSlot::decode_all(&[0u8; PUBDATA_SLOT_BYTES + 1]).is_err());
    }

    #[test]
    fn an_amount_beyond_38_bits_cannot_be_made_or_read() {
        assert_eq!(TxAmount::new(MAX_TX_AMOUNT).unwrap().units(), (1 << 38) - 1);
        assert!(matches!(TxAmount::new(MAX_TX_AMOUNT + 1), Err(LedgerError::AmountTooLarge { .. })));
        assert!(TxAmount::new(u64::MAX).is_err());
        // A transactions file cannot smuggle one in either.
        let t = Transfer::signed(
            AccountIndex::new(0),
            AccountIndex::new(1),
            TxAmount::new(5).unwrap(),
            Nonce::ZERO,
            ChainId::DEFAULT,
            &key(1),
        )
        .unwrap();
        let json = serde_json::to_string(&t).unwrap().replace("\"amount\":5", &format!("\"amount\":{}", 1u64 << 38));
        let err = serde_json::from_str::<Transfer>(&json).unwrap_err();
        assert!(err.to_string().contains("exceeds the maximum"), "{err}");
    }

    #[test]
    fn messages_bind_kind_and_chain() {
        let (a, b) = (AccountIndex::new(1), AccountIndex::new(0));
        let t = pack_message(TxKind::Transfer, ChainId::new(1), Nonce::ZERO, a, b, TxAmount::new(5).unwrap());
        assert_ne!(t, pack_message(TxKind::Withdrawal, ChainId::new(1), Nonce::ZERO, a, b, TxAmount::new(5).unwrap()));
        assert_ne!(t, pack_message(TxKind::Transfer, ChainId::new(2), Nonce::ZERO, a, b, TxAmount::new(5).unwrap()));
        // The packing is the documented integer: kind << 192 | chain << 160 | from << 96 | amount.
        let value: num_bigint::BigUint = crate::field::fr_to_biguint(&t);
        let want = (num_bigint::BigUint::from(1u8) << 192)
            + (num_bigint::BigUint::from(1u8) << 160)
            + (num_bigint::BigUint::from(1u8) << 96)
            + num_bigint::BigUint::from(5u8);
        assert_eq!(value, want);
    }
}
