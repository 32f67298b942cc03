//! Newtypes for the numbers with rules: amounts, nonces, account indices, chain ids.
//! Arithmetic on them is checked and returns `Option`.

use core::fmt;

use serde::{Deserialize, Serialize};

/// An amount of the rollup's one asset, in its smallest unit (the L1 contracts map
/// one unit to one gwei). Balances are 64-bit, as the circuit range-checks them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(u64);

impl Amount {
    /// Zero units.
    pub const ZERO: Amount = Amount(0);
    /// The largest balance an account may hold.
    pub const MAX: Amount = Amount(u64::MAX);
    /// Bits of a balance, as range-checked in the circuit.
    pub const BITS: u32 = 64;

    /// An amount of `units`.
    pub const fn new(units: u64) -> Self {
        Amount(units)
    }

    /// The number of units.
    pub const fn units(self) -> u64 {
        self.0
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: impl Into<Amount>) -> Option<Amount> {
        self.0.checked_add(other.into().0).map(Amount)
    }

    /// `self - other`, or `None` when `other` is larger.
    pub fn checked_sub(self, other: impl Into<Amount>) -> Option<Amount> {
        self.0.checked_sub(other.into().0).map(Amount)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The amount one transaction moves: at most 38 bits, the width of its field in public data (the kind takes
/// the other 2 bits of 40), checked when it is made, so that a transaction that exists can be published.
/// Balances are [`Amount`]s (64 bits); a `TxAmount` becomes one with [`TxAmount::amount`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct TxAmount(u64);

impl TxAmount {
    /// Bits of a transaction amount.
    pub const BITS: u32 = 38;
    /// The largest amount one transaction can carry: 2^38 − 1.
    pub const MAX: TxAmount = TxAmount((1 << Self::BITS) - 1);

    /// An amount of `units`.
    ///
    /// # Errors
    /// [`LedgerError::AmountTooLarge`] above [`TxAmount::MAX`].
    pub fn new(units: u64) -> crate::Result<Self> {
        if units > Self::MAX.0 {
            return Err(crate::LedgerError::AmountTooLarge {
                amount: units,
                max: Self::MAX.0,
                what: "a transaction's 38-bit public-data field",
            });
        }
        Ok(TxAmount(units))
    }

    /// The amount in the low 38 bits of `word` (how public data carries it); the other bits are ignored.
    pub const fn from_low_bits(word: u64) -> Self {
        TxAmount(word & Self::MAX.0)
    }

    /// The number of units.
    pub const fn units(self) -> u64 {
        self.0
    }

    /// The same number of units as a balance-sized [`Amount`].
    pub const fn amount(self) -> Amount {
        Amount(self.0)
    }
}

impl TryFrom<u64> for TxAmount {
    type Error = crate::LedgerError;
    fn try_from(units: u64) -> crate::Result<Self> {
        TxAmount::new(units)
    }
}

impl From<TxAmount> for u64 {
    fn from(amount: TxAmount) -> u64 {
        amount.0
    }
}

impl From<TxAmount> for Amount {
    fn from(amount: TxAmount) -> Amount {
        amount.amount()
    }
}

impl fmt::Display for TxAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An account's transaction counter: a transaction must carry the account's
/// current nonce, and applying it increments the nonce.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nonce(u32);

impl Nonce {
    /// The nonce of a fresh account.
    pub const ZERO: Nonce = Nonce(0);
    /// Bits of a nonce, as range-checked in the circuit.
    pub const BITS: u32 = 32;

    /// Nonce `n`.
    pub const fn new(n: u32) -> Self {
        Nonce(n)
    }

    /// The counter value.
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The next nonce, or `None` at the maximum.
    pub fn next(self) -> Option<Nonce> {
        self.0.checked_add(1).map(Nonce)
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The position of an account (a leaf) in the account tree. Whether it fits a
/// particular tree is checked by the tree, which knows its capacity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountIndex(u32);

impl AccountIndex {
    /// Bits of an index in public data and signed messages.
    pub const BITS: u32 = 32;

    /// Index `i`.
    pub const fn new(i: u32) -> Self {
        AccountIndex(i)
    }

    /// The leaf position.
    pub const fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for AccountIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Identifies one rollup instance; every signed message carries it, so a
/// signature for one rollup is worthless on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChainId(u32);

impl ChainId {
    /// The chain id used by the CLI unless told otherwise.
    pub const DEFAULT: ChainId = ChainId(1);

    /// Chain `id`.
    pub const fn new(id: u32) -> Self {
        ChainId(id)
    }

    /// The numeric id.
    pub const fn value(self) -> u32 {
        self.0
    }
}

impl Default for ChainId {
    fn default() -> Self {
        ChainId::DEFAULT
    }
}

impl fmt::Display for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_arithmetic() {
        assert_eq!(Amount::new(5).checked_add(Amount::new(7)), Some(Amount::new(12)));
        assert_eq!(Amount::MAX.checked_add(Amount::new(1)), None);
        assert_eq!(Amount::new(5).checked_sub(Amount::new(6)), None);
        assert_eq!(Nonce::new(u32::MAX).next(), None);
        assert_eq!(Nonce::ZERO.next(), Some(Nonce::new(1)));
    }
}
