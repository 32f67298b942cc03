//! Channel ids, sides, HTLCs, channel states, their byte encoding and digests, and hash locks.
//!
//! A state is what both parties sign: the channel, a commitment number (`nonce`, higher is newer), both
//! balances, the pending HTLCs, and one revocation hash per party. Its digest is Keccak-256 of its encoding
//! prefixed by a domain byte ([`Domain`]) and the contract's address, so a signature for one purpose (an update,
//! a cooperative close) is never valid for another, nor for another contract. Hash locks are SHA-256, as in
//! Lightning (BOLT 2 `payment_hash`), and a revocation hash is Keccak-256 of a 32-byte secret.

use core::fmt;

use l1_contract_sim::ecdsa::{keccak256, EthSignature};
use l1_contract_sim::{Address, Wei};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A channel's id in the contract (a counter, as Raiden's `TokenNetwork` assigns them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ChannelId(pub u64);

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One of the two parties of a channel: `A` opened it, `B` joined it with its deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Side {
    /// The opener.
    A,
    /// The partner.
    B,
}

impl Side {
    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }
}

/// A 32-byte secret whose SHA-256 is an HTLC's payment hash.
pub type Preimage = [u8; 32];

/// SHA-256 of a preimage: the hash lock.
pub fn payment_hash(preimage: &Preimage) -> [u8; 32] {
    Sha256::digest(preimage).into()
}

/// Keccak-256 of a revocation secret: what a state commits to for each party.
pub fn revocation_hash(secret: &[u8; 32]) -> [u8; 32] {
    keccak256(secret)
}

/// A pending conditional payment: `amount` moves from `offerer` to the other side if the preimage of
/// `payment_hash` is shown (registered on L1) before block `expiry`; after it, it returns to the offerer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Htlc {
    /// The HTLC's id within the channel (unique among a state's HTLCs).
    pub id: u64,
    /// Wei locked.
    pub amount: Wei,
    /// SHA-256 of the preimage.
    pub payment_hash: [u8; 32],
    /// The L1 block from which the preimage no longer counts (`cltv_expiry`).
    pub expiry: u64,
    /// Who offered it (whose balance it came from).
    pub offerer: Side,
}

impl Htlc {
    /// The side the HTLC pays when claimed.
    pub fn receiver(&self) -> Side {
        self.offerer.other()
    }

    /// Its 160-byte encoding (5 words).
    pub fn encode(&self, out: &mut Vec<u8>) {
        push_word_u64(out, self.id);
        push_word_u128(out, self.amount);
        out.extend_from_slice(&self.payment_hash);
        push_word_u64(out, self.expiry);
        push_word_u64(out, matches!(self.offerer, Side::B) as u64);
    }
}

/// Keccak-256 of a list of HTLCs' encodings: what the contract stores for the HTLCs left after settlement.
pub fn htlcs_root(htlcs: &[Htlc]) -> [u8; 32] {
    let mut out = Vec::with_capacity(160 * htlcs.len());
    for h in htlcs {
        h.encode(&mut out);
    }
    keccak256(&out)
}

/// What a signature is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// A commitment (an update): may be closed on unilaterally, and superseded.
    Update = 1,
    /// A cooperative close: final, paid at once.
    CooperativeClose = 2,
}

/// The state of a channel both parties sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelState {
    /// The channel.
    pub channel: ChannelId,
    /// Commitment number: 0 is the deposits-only state nobody signs; every update adds one.
    pub nonce: u64,
    /// Wei of A, not counting HTLCs.
    pub balance_a: Wei,
    /// Wei of B, not counting HTLCs.
    pub balance_b: Wei,
    /// Pending HTLCs.
    pub htlcs: Vec<Htlc>,
    /// Keccak-256 of A's revocation secret for this state (zero in the deposits-only state).
    pub revocation_hash_a: [u8; 32],
    /// Keccak-256 of B's revocation secret for this state.
    pub revocation_hash_b: [u8; 32],
}

impl ChannelState {
    /// The deposits-only state of a channel (nonce 0): what a unilateral close without a signed state pays.
    pub fn initial(channel: ChannelId, deposit_a: Wei, deposit_b: Wei) -> ChannelState {
        ChannelState {
            channel,
            nonce: 0,
            balance_a: deposit_a,
            balance_b: deposit_b,
            htlcs: Vec::new(),
            revocation_hash_a: [0; 32],
            revocation_hash_b: [0; 32],
        }
    }

    /// A side's balance.
    pub fn balance(&self, side: Side) -> Wei {
        match side {
            Side::A => self.balance_a,
            Side::B => self.balance_b,
        }
    }

    /// A side's balance, mutably.
    pub fn balance_mut(&mut self, side: Side) -> &mut Wei {
        match side {
            Side::A => &mut self.balance_a,
            Side::B => &mut self.balance_b,
        }
    }

    /// A side's revocation hash.
    pub fn revocation_hash(&self, side: Side) -> [u8; 32] {
        match side {
            Side::A => self.revocation_hash_a,
            Side::B => self.revocation_hash_b,
        }
    }

    /// Balances plus HTLCs (`None` on overflow): must equal the channel's deposits.
    pub fn total(&self) -> Option<Wei> {
        self.htlcs.iter().try_fold(self.balance_a.checked_add(self.balance_b)?, |acc, h| acc.checked_add(h.amount))
    }

    /// The wei in the HTLCs `offerer` offered.
    pub fn htlc_sum(&self, offerer: Side) -> Wei {
        self.htlcs.iter().filter(|h| h.offerer == offerer).map(|h| h.amount).sum()
    }

    /// The signed bytes: domain byte, contract address, then the state's words and HTLCs.
    pub fn encode(&self, domain: Domain, contract: Address) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 20 + 6 * 32 + 160 * self.htlcs.len());
        out.push(domain as u8);
        out.extend_from_slice(contract.as_bytes());
        push_word_u64(&mut out, self.channel.0);
        push_word_u64(&mut out, self.nonce);
        push_word_u128(&mut out, self.balance_a);
        push_word_u128(&mut out, self.balance_b);
        out.extend_from_slice(&self.revocation_hash_a);
        out.extend_from_slice(&self.revocation_hash_b);
        for h in &self.htlcs {
            h.encode(&mut out);
        }
        out
    }

    /// Keccak-256 of [`ChannelState::encode`]: what both parties sign.
    pub fn digest(&self, domain: Domain, contract: Address) -> [u8; 32] {
        keccak256(&self.encode(domain, contract))
    }
}

/// A state with both parties' signatures over its [`Domain::Update`] (or [`Domain::CooperativeClose`]) digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedState {
    /// The state.
    pub state: ChannelState,
    /// A's signature.
    pub sig_a: EthSignature,
    /// B's signature.
    pub sig_b: EthSignature,
}

/// Appends a 32-byte big-endian word.
pub fn push_word_u64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&[0u8; 24]);
    out.extend_from_slice(&x.to_be_bytes());
}

/// Appends a 32-byte big-endian word holding a `u128`.
pub fn push_word_u128(out: &mut Vec<u8>, x: u128) {
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&x.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_separate_domains_contracts_and_fields() {
        let s = ChannelState::initial(ChannelId(1), 10, 20);
        let c = Address::from_label("c");
        let d = s.digest(Domain::Update, c);
        assert_ne!(d, s.digest(Domain::CooperativeClose, c));
        assert_ne!(d, s.digest(Domain::Update, Address::from_label("other")));
        let mut t = s.clone();
        t.nonce = 1;
        assert_ne!(d, t.digest(Domain::Update, c));
        assert_eq!(s.total(), Some(30));
        t.htlcs.push(Htlc { id: 0, amount: u128::MAX, payment_hash: [1; 32], expiry: 5, offerer: Side::A });
        assert_eq!(t.total(), None);
        // SHA-256 of 32 zero bytes, the well-known constant.
        assert_eq!(payment_hash(&[0; 32])[..4], [0x66, 0x68, 0x7a, 0xad]);
    }
}
