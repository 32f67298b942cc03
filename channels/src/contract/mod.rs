//! The channel contract (the adjudicator): many two-party channels in one contract, keyed by a
//! [`ChannelId`].
//!
//! # Lifecycle
//! - [`ChannelCall::Open`]: A opens a channel with B, depositing the call's value; [`ChannelCall::Deposit`]:
//!   B deposits its share and the channel is open (Raiden's `openChannel` then `setTotalDeposit`). Until
//!   then A may [`ChannelCall::CancelOpen`] and take its deposit back.
//! - Off chain, both parties sign states ([`ChannelState`]): a commitment number, both balances, the pending
//!   HTLCs and one revocation hash per party. When a state is superseded, each party reveals to the other the
//!   secret behind its own revocation hash of that state.
//! - [`ChannelCall::CooperativeClose`]: a state without HTLCs, signed by both for the cooperative-close domain,
//!   pays both at once.
//! - [`ChannelCall::Close`]: a participant closes on the latest state it holds, signed by both (or on the
//!   deposits-only state), which opens a dispute window of [`ChannelParams::to_self_delay`] blocks (LDK's
//!   default, 144). Within it anyone may answer with [`ChannelCall::Update`] (a state with a higher commitment
//!   number, signed by both) or, if the closing state was revoked, with [`ChannelCall::Penalize`] and the
//!   closer's revocation secret for it (its Keccak-256 is the state's revocation hash for the closer): the
//!   whole channel goes to the other party. Either can be sent by a watchtower: the signatures and the secret
//!   are the authority, and the money goes to the non-closer whoever sends.
//! - [`ChannelCall::Settle`]: after the window, anyone pays the closing state's balances; its HTLCs stay in the
//!   contract, committed to by a Keccak-256 root, until [`ChannelCall::Unlock`]ed one by one.
//!
//! # HTLCs
//! A preimage is shown on L1 once, to a secret registry ([`ChannelCall::RegisterSecret`], as Raiden's
//! `SecretRegistry`), which records the block. An HTLC goes to its receiver if its preimage was registered
//! in a block before its `expiry`, and back to its offerer once the chain has reached `expiry` without it.
//! Because the registry is shared, one registration decides every hop of a payment whose HTLCs share the
//! hash and whose expiries are later, whichever channel they are in.
//!
//! # Gas
//! Every call charges [`gas`] constants: the storage it reads (cold SLOADs) and writes (SSTORE set for a fresh
//! slot, reset for a changed one), the Keccak-256 of the mapping keys and of the states it checks, one
//! `ecrecover` per signature ([`ecrecover_charged`]), SHA-256 for a preimage, a LOG per event and a value
//! transfer (plus the cold account access) per payment. No refunds, as everywhere on the simulated chain.
//! Storage layout priced: per channel, slot 0 `(A, phase, closer)`, slot 1 `B`, slot 2 `deposit A`, slot 3
//! `deposit B`, slot 4 `(nonce, settle block)`, slot 5 the closing state's hash, slot 6 the closer's
//! revocation hash, slot 7 the pending HTLCs' root; the secret registry one slot per hash; the channel
//! counter one slot.

mod calls;

pub use calls::{ChannelCall, ChannelEvent};

use std::collections::BTreeMap;

use l1_contract_sim::chain::{Env, Revert};
use l1_contract_sim::ecdsa::{ecrecover_charged, keccak256_charged};
use l1_contract_sim::{gas, Address, Contract, Wei};
use serde::{Deserialize, Serialize};

use crate::types::{
    htlcs_root, payment_hash, revocation_hash, ChannelId, ChannelState, Domain, Htlc, Side, SignedState,
};

/// LDK's default `to_self_delay`: 144 blocks (a day of Bitcoin blocks; 28.8 minutes of 12 s slots).
pub const DEFAULT_TO_SELF_DELAY: u64 = 144;

/// The contract's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelParams {
    /// Dispute window after a unilateral close, in L1 blocks.
    pub to_self_delay: u64,
    /// Most HTLCs a state may hold (BOLT 2's `max_accepted_htlcs` is at most 483; small here).
    pub max_htlcs: usize,
}

impl Default for ChannelParams {
    fn default() -> Self {
        ChannelParams { to_self_delay: DEFAULT_TO_SELF_DELAY, max_htlcs: 16 }
    }
}

/// Where a channel is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// A deposited, B has not yet.
    Opening,
    /// Both deposited; off-chain updates run.
    Open,
    /// Closed unilaterally; the dispute window runs until `settle_from`.
    Closing {
        /// Who closed.
        closer: Side,
        /// First block at which it can be settled.
        settle_from: u64,
        /// The state it will settle on (the contract stores only its hash; kept whole for the simulation).
        state: ChannelState,
    },
    /// Paid out; these HTLCs are left to unlock.
    Settled {
        /// Pending HTLCs.
        pending: Vec<Htlc>,
    },
    /// Nothing left in it.
    Done,
}

/// One channel's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// The opener.
    pub a: Address,
    /// The partner.
    pub b: Address,
    /// A's deposit.
    pub deposit_a: Wei,
    /// B's deposit.
    pub deposit_b: Wei,
    /// Its phase.
    pub phase: Phase,
}

impl Channel {
    /// The address of a side.
    pub fn address(&self, side: Side) -> Address {
        match side {
            Side::A => self.a,
            Side::B => self.b,
        }
    }

    /// The side of an address, if it is a participant.
    pub fn side_of(&self, who: Address) -> Option<Side> {
        if who == self.a {
            Some(Side::A)
        } else if who == self.b {
            Some(Side::B)
        } else {
            None
        }
    }

    /// Both deposits.
    pub fn capacity(&self) -> Wei {
        self.deposit_a.saturating_add(self.deposit_b)
    }

    /// The wei of this channel the contract still holds.
    pub fn held(&self) -> Wei {
        match &self.phase {
            Phase::Opening => self.deposit_a,
            Phase::Open | Phase::Closing { .. } => self.capacity(),
            Phase::Settled { pending } => pending.iter().map(|h| h.amount).sum(),
            Phase::Done => 0,
        }
    }
}

/// The channel contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelContract {
    address: Address,
    params: ChannelParams,
    next_id: u64,
    channels: BTreeMap<ChannelId, Channel>,
    secrets: BTreeMap<[u8; 32], u64>,
}

impl ChannelContract {
    /// A contract at `address` with `params`.
    pub fn new(address: Address, params: ChannelParams) -> ChannelContract {
        ChannelContract { address, params, next_id: 0, channels: BTreeMap::new(), secrets: BTreeMap::new() }
    }

    /// Its parameters.
    pub fn params(&self) -> ChannelParams {
        self.params
    }

    /// A channel's record.
    pub fn channel(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.get(&id)
    }

    /// Every channel.
    pub fn channels(&self) -> impl Iterator<Item = (ChannelId, &Channel)> {
        self.channels.iter().map(|(id, c)| (*id, c))
    }

    /// The block at which a payment hash's preimage was registered, if it was.
    pub fn secret_registered_at(&self, hash: &[u8; 32]) -> Option<u64> {
        self.secrets.get(hash).copied()
    }

    /// The wei the contract should hold: what every channel still holds.
    pub fn liabilities(&self) -> Wei {
        self.channels.values().map(Channel::held).sum()
    }

    /// The id the next [`ChannelCall::Open`] gets.
    pub fn next_channel_id(&self) -> ChannelId {
        ChannelId(self.next_id)
    }

    fn channel_mut(&mut self, env: &mut Env<'_>, id: ChannelId) -> Result<&mut Channel, Revert> {
        // Mapping key and the first slot (A, phase, closer).
        keccak256_charged(env, "channel slot key", &[0u8; 64]);
        env.charge("read channel", gas::SLOAD_COLD);
        self.channels.get_mut(&id).ok_or_else(|| Revert::new(format!("no channel {id}")))
    }

    fn check_state(&self, env: &mut Env<'_>, ch: &Channel, signed: &SignedState, domain: Domain) -> Result<(), Revert> {
        let state = &signed.state;
        if state.htlcs.len() > self.params.max_htlcs {
            return Err(Revert::new("too many HTLCs"));
        }
        for (i, h) in state.htlcs.iter().enumerate() {
            if h.amount == 0 || state.htlcs[..i].iter().any(|g| g.id == h.id) {
                return Err(Revert::new("empty or duplicate HTLC"));
            }
        }
        env.charge("read deposits", 2 * gas::SLOAD_COLD);
        if state.total() != Some(ch.capacity()) {
            return Err(Revert::new("state does not add up to the deposits"));
        }
        let digest = keccak256_charged(env, "state digest", &state.encode(domain, self.address));
        env.charge("read participant B", gas::SLOAD_COLD);
        if ecrecover_charged(env, "ecrecover A", &digest, &signed.sig_a) != Some(ch.a) {
            return Err(Revert::new("bad signature of A"));
        }
        if ecrecover_charged(env, "ecrecover B", &digest, &signed.sig_b) != Some(ch.b) {
            return Err(Revert::new("bad signature of B"));
        }
        Ok(())
    }

    fn pay(env: &mut Env<'_>, to: Address, amount: Wei) -> Result<(), Revert> {
        if amount > 0 {
            env.charge("cold account access", gas::COLD_ACCOUNT_ACCESS);
        }
        env.pay(to, amount)
    }

    fn log(env: &mut Env<'_>, topics: usize, data_words: usize) {
        env.charge("log", gas::log_gas(topics, 32 * data_words));
    }
}

impl Contract for ChannelContract {
    type Call = ChannelCall;
    type Event = ChannelEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: ChannelCall) -> Result<Vec<ChannelEvent>, Revert> {
        match call {
            ChannelCall::Open { partner } => {
                let a = env.sender();
                if partner == a || partner == Address::ZERO {
                    return Err(Revert::new("invalid partner"));
                }
                if env.value() == 0 {
                    return Err(Revert::new("no deposit"));
                }
                env.charge("read counter", gas::SLOAD_COLD);
                let id = ChannelId(self.next_id);
                self.next_id = self.next_id.checked_add(1).ok_or_else(|| Revert::new("too many channels"))?;
                env.charge("write counter", if id.0 == 0 { gas::SSTORE_SET } else { gas::SSTORE_RESET });
                keccak256_charged(env, "channel slot key", &[0u8; 64]);
                env.charge("write participants", 2 * gas::SSTORE_SET);
                env.charge("write deposit", gas::SSTORE_SET);
                let deposit = env.value();
                self.channels
                    .insert(id, Channel { a, b: partner, deposit_a: deposit, deposit_b: 0, phase: Phase::Opening });
                Self::log(env, 4, 1);
                Ok(vec![ChannelEvent::Opened { channel: id, a, b: partner, deposit }])
            }
            ChannelCall::Deposit { channel } => {
                let value = env.value();
                let ch = self.channel_mut(env, channel)?;
                env.charge("read participant B", gas::SLOAD_COLD);
                if ch.phase != Phase::Opening || env.sender() != ch.b {
                    return Err(Revert::new("not awaiting this deposit"));
                }
                if value == 0 {
                    return Err(Revert::new("no deposit"));
                }
                ch.deposit_a.checked_add(value).ok_or_else(|| Revert::new("deposit overflows"))?;
                ch.deposit_b = value;
                ch.phase = Phase::Open;
                env.charge("write deposit", gas::SSTORE_SET);
                env.charge("write phase", gas::SSTORE_RESET);
                Self::log(env, 2, 1);
                Ok(vec![ChannelEvent::Deposited { channel, deposit: value }])
            }
            ChannelCall::CancelOpen { channel } => {
                let ch = self.channel_mut(env, channel)?;
                if ch.phase != Phase::Opening || env.sender() != ch.a {
                    return Err(Revert::new("only the opener of an unjoined channel may cancel"));
                }
                env.charge("read deposit", gas::SLOAD_COLD);
                let (a, amount) = (ch.a, ch.deposit_a);
                ch.phase = Phase::Done;
                env.charge("clear channel", 3 * gas::SSTORE_RESET);
                Self::pay(env, a, amount)?;
                Self::log(env, 2, 0);
                Ok(vec![ChannelEvent::Cancelled { channel }])
            }
            ChannelCall::CooperativeClose { signed } => {
                let id = signed.state.channel;
                let ch = self.channel_mut(env, id)?.clone();
                if ch.phase != Phase::Open {
                    return Err(Revert::new("channel not open"));
                }
                if !signed.state.htlcs.is_empty() {
                    return Err(Revert::new("a cooperative close settles every HTLC first"));
                }
                self.check_state(env, &ch, &signed, Domain::CooperativeClose)?;
                let (paid_a, paid_b) = (signed.state.balance_a, signed.state.balance_b);
                if let Some(c) = self.channels.get_mut(&id) {
                    c.phase = Phase::Done;
                }
                env.charge("clear channel", 4 * gas::SSTORE_RESET);
                Self::pay(env, ch.a, paid_a)?;
                Self::pay(env, ch.b, paid_b)?;
                Self::log(env, 2, 2);
                Ok(vec![ChannelEvent::CooperativelyClosed { channel: id, paid_a, paid_b }])
            }
            ChannelCall::Close { channel, signed } => {
                let sender = env.sender();
                let ch = self.channel_mut(env, channel)?.clone();
                env.charge("read participant B", gas::SLOAD_COLD);
                let Some(closer) = ch.side_of(sender) else {
                    return Err(Revert::new("only a participant may close"));
                };
                if ch.phase != Phase::Open {
                    return Err(Revert::new("channel not open"));
                }
                let state = match signed {
                    Some(signed) => {
                        if signed.state.channel != channel {
                            return Err(Revert::new("state of another channel"));
                        }
                        self.check_state(env, &ch, &signed, Domain::Update)?;
                        signed.state
                    }
                    None => {
                        env.charge("read deposits", 2 * gas::SLOAD_COLD);
                        ChannelState::initial(channel, ch.deposit_a, ch.deposit_b)
                    }
                };
                let settle_from = env
                    .block()
                    .number
                    .checked_add(self.params.to_self_delay)
                    .ok_or_else(|| Revert::new("settle block overflows"))?;
                let nonce = state.nonce;
                env.charge("write phase and closer", gas::SSTORE_RESET);
                env.charge("write nonce and settle block", gas::SSTORE_SET);
                keccak256_charged(env, "state hash", &state.encode(Domain::Update, self.address));
                env.charge("write state hash", gas::SSTORE_SET);
                env.charge("write closer's revocation hash", gas::SSTORE_SET);
                if let Some(c) = self.channels.get_mut(&channel) {
                    c.phase = Phase::Closing { closer, settle_from, state };
                }
                Self::log(env, 3, 2);
                Ok(vec![ChannelEvent::Closed { channel, closer, nonce, settle_from }])
            }
            ChannelCall::Update { signed } => {
                let id = signed.state.channel;
                let ch = self.channel_mut(env, id)?.clone();
                let Phase::Closing { closer, settle_from, state } = &ch.phase else {
                    return Err(Revert::new("channel not closing"));
                };
                env.charge("read nonce and settle block", gas::SLOAD_COLD);
                if env.block().number >= *settle_from {
                    return Err(Revert::new("dispute window over"));
                }
                if signed.state.nonce <= state.nonce {
                    return Err(Revert::new("not newer than the closing state"));
                }
                self.check_state(env, &ch, &signed, Domain::Update)?;
                let nonce = signed.state.nonce;
                env.charge("write nonce", gas::SSTORE_RESET);
                keccak256_charged(env, "state hash", &signed.state.encode(Domain::Update, self.address));
                env.charge("write state hash", gas::SSTORE_RESET);
                env.charge("write closer's revocation hash", gas::SSTORE_RESET);
                let (closer, settle_from) = (*closer, *settle_from);
                if let Some(c) = self.channels.get_mut(&id) {
                    c.phase = Phase::Closing { closer, settle_from, state: signed.state };
                }
                Self::log(env, 2, 1);
                Ok(vec![ChannelEvent::Updated { channel: id, nonce }])
            }
            ChannelCall::Penalize { channel, revocation_secret } => {
                let ch = self.channel_mut(env, channel)?.clone();
                let Phase::Closing { closer, settle_from, state } = &ch.phase else {
                    return Err(Revert::new("channel not closing"));
                };
                env.charge("read nonce and settle block", gas::SLOAD_COLD);
                if env.block().number >= *settle_from {
                    return Err(Revert::new("dispute window over"));
                }
                env.charge("read closer's revocation hash", gas::SLOAD_COLD);
                keccak256_charged(env, "revocation hash", &revocation_secret);
                let committed = state.revocation_hash(*closer);
                if committed == [0; 32] || revocation_hash(&revocation_secret) != committed {
                    return Err(Revert::new("not the closer's revocation secret for the closing state"));
                }
                let victim = closer.other();
                let amount = ch.capacity();
                env.charge("read deposits", 2 * gas::SLOAD_COLD);
                if let Some(c) = self.channels.get_mut(&channel) {
                    c.phase = Phase::Done;
                }
                env.charge("clear channel", 4 * gas::SSTORE_RESET);
                Self::pay(env, ch.address(victim), amount)?;
                Self::log(env, 2, 2);
                Ok(vec![ChannelEvent::Penalized { channel, victim, amount }])
            }
            ChannelCall::Settle { channel, state } => {
                let ch = self.channel_mut(env, channel)?.clone();
                let Phase::Closing { settle_from, state: closing, .. } = &ch.phase else {
                    return Err(Revert::new("channel not closing"));
                };
                env.charge("read nonce and settle block", gas::SLOAD_COLD);
                if env.block().number < *settle_from {
                    return Err(Revert::new("dispute window still open"));
                }
                env.charge("read state hash", gas::SLOAD_COLD);
                keccak256_charged(env, "state hash", &state.encode(Domain::Update, self.address));
                if state != *closing {
                    return Err(Revert::new("not the closing state"));
                }
                env.charge("read participant B", gas::SLOAD_COLD);
                let pending = state.htlcs.clone();
                env.charge("clear channel", 4 * gas::SSTORE_RESET);
                if !pending.is_empty() {
                    keccak256_charged(env, "pending HTLCs root", &vec![0u8; 160 * pending.len()]);
                    env.charge("write pending HTLCs root", gas::SSTORE_SET);
                }
                let n = pending.len();
                if let Some(c) = self.channels.get_mut(&channel) {
                    c.phase = if pending.is_empty() { Phase::Done } else { Phase::Settled { pending } };
                }
                Self::pay(env, ch.a, state.balance_a)?;
                Self::pay(env, ch.b, state.balance_b)?;
                Self::log(env, 2, 3);
                Ok(vec![ChannelEvent::Settled {
                    channel,
                    paid_a: state.balance_a,
                    paid_b: state.balance_b,
                    pending_htlcs: n,
                }])
            }
            ChannelCall::RegisterSecret { preimage } => {
                env.charge("sha256", gas::sha256_gas(32));
                let hash = payment_hash(&preimage);
                keccak256_charged(env, "registry slot key", &[0u8; 64]);
                env.charge("read registry", gas::SLOAD_COLD);
                if self.secrets.contains_key(&hash) {
                    return Err(Revert::new("secret already registered"));
                }
                let block = env.block().number;
                env.charge("write registry", gas::SSTORE_SET);
                self.secrets.insert(hash, block);
                Self::log(env, 2, 1);
                Ok(vec![ChannelEvent::SecretRegistered { payment_hash: hash, block }])
            }
            ChannelCall::Unlock { channel, pending, htlc } => {
                let ch = self.channel_mut(env, channel)?.clone();
                let Phase::Settled { pending: stored } = &ch.phase else {
                    return Err(Revert::new("channel not settled"));
                };
                env.charge("read pending HTLCs root", gas::SLOAD_COLD);
                keccak256_charged(env, "pending HTLCs root", &vec![0u8; 160 * pending.len()]);
                if htlcs_root(&pending) != htlcs_root(stored) || pending != *stored {
                    return Err(Revert::new("not the pending HTLCs"));
                }
                let Some(index) = pending.iter().position(|h| h.id == htlc) else {
                    return Err(Revert::new("no such pending HTLC"));
                };
                let h = pending[index];
                keccak256_charged(env, "registry slot key", &[0u8; 64]);
                env.charge("read registry", gas::SLOAD_COLD);
                let now = env.block().number;
                let to = match self.secrets.get(&h.payment_hash) {
                    Some(&at) if at < h.expiry => h.receiver(),
                    _ if now >= h.expiry => h.offerer,
                    _ => return Err(Revert::new("HTLC neither claimed nor expired yet")),
                };
                let mut rest = pending;
                rest.remove(index);
                env.charge("read participant B", gas::SLOAD_COLD);
                keccak256_charged(env, "pending HTLCs root", &vec![0u8; 160 * rest.len()]);
                env.charge("write pending HTLCs root", gas::SSTORE_RESET);
                if let Some(c) = self.channels.get_mut(&channel) {
                    c.phase = if rest.is_empty() { Phase::Done } else { Phase::Settled { pending: rest } };
                }
                Self::pay(env, ch.address(to), h.amount)?;
                Self::log(env, 2, 3);
                Ok(vec![ChannelEvent::Unlocked { channel, htlc, to, amount: h.amount }])
            }
        }
    }
}

#[cfg(test)]
mod tests;
