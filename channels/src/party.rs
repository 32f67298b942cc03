//! One party's end of a channel: the off-chain state machine of commitment updates with revocation, and of
//! HTLCs (add, fulfil, fail).
//!
//! # The update protocol
//! Both ends hold the same latest state, signed by both. An update takes three messages (one and a half round
//! trips, as BOLT 2's `update_*` + `commitment_signed` → `revoke_and_ack` + `commitment_signed` →
//! `revoke_and_ack`, folded for a symmetric state):
//! 1. [`Proposal`]: the proposer applies a [`Change`] to the latest state, raises the commitment number, puts
//!    in its own revocation hash for the new state and the counterparty's announced next one, and signs.
//! 2. [`Acceptance`]: the acceptor checks that the state is exactly the change applied to what it holds (and
//!    that the change is one the proposer may make: only the offerer adds an HTLC, only the receiver fulfils
//!    it with its preimage, the receiver fails it at any time and the offerer only once it has expired), checks
//!    the signature, countersigns, and *revokes* the previous state: it reveals its revocation secret for it
//!    and announces its revocation hash for the state after the new one.
//! 3. [`Revocation`]: the proposer checks the countersignature and the revealed secret, and revokes its own
//!    previous state the same way; the acceptor checks that secret.
//!
//! After an update each end holds the other's secret for every earlier state, so if the other ever closes on
//! one of them, it can take the whole channel ([`ChannelEnd::answer_close`]). Revocation secrets are derived
//! from a per-end seed (`Keccak-256(seed ‖ n)`), standing in for BOLT 3's per-commitment secrets.
//!
//! Nothing here touches the chain: the end answers with the [`ChannelCall`] to send, and the caller sends it.

use std::collections::BTreeMap;

use l1_contract_sim::ecdsa::{ecrecover, keccak256, EthKey, EthSignature};
use l1_contract_sim::{Address, Wei};

use crate::contract::ChannelCall;
use crate::error::{ChannelError, Result};
use crate::types::{payment_hash, revocation_hash, ChannelId, ChannelState, Domain, Htlc, Preimage, Side, SignedState};

/// What an update changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The proposer offers an HTLC (its id is the new state's commitment number).
    AddHtlc {
        /// Wei.
        amount: Wei,
        /// SHA-256 of the preimage.
        payment_hash: [u8; 32],
        /// L1 block of expiry.
        expiry: u64,
    },
    /// The receiver claims an HTLC with its preimage.
    Fulfil {
        /// The HTLC.
        id: u64,
        /// Its preimage.
        preimage: Preimage,
    },
    /// The HTLC returns to its offerer.
    Fail {
        /// The HTLC.
        id: u64,
    },
}

/// Message 1 of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The change.
    pub change: Change,
    /// The new state.
    pub state: ChannelState,
    /// The proposer's signature of its update digest.
    pub sig: EthSignature,
}

/// Message 2 of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// The acceptor's signature.
    pub sig: EthSignature,
    /// The acceptor's revocation secret for the previous state (`None` when it was the unsigned initial one).
    pub revoked: Option<[u8; 32]>,
    /// The acceptor's revocation hash for the state after the new one.
    pub next_hash: [u8; 32],
}

/// Message 3 of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The proposer's revocation secret for the previous state.
    pub revoked: Option<[u8; 32]>,
    /// The proposer's revocation hash for the state after the new one.
    pub next_hash: [u8; 32],
}

/// What a watchtower needs to punish a revoked state on an end's behalf: the channel and the counterparty's
/// revocation secret for it (BOLT 13's idea; no encryption here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breach {
    /// The channel.
    pub channel: ChannelId,
    /// The revoked state's commitment number.
    pub nonce: u64,
    /// The counterparty's secret for it.
    pub secret: [u8; 32],
}

/// Applies `change`, proposed by `by`, to `state`, giving the next state (without its revocation hashes).
///
/// # Errors
/// [`ChannelError::Refused`] for an HTLC that is not there or a wrong preimage, [`ChannelError::Amount`] for a
/// balance that would go below zero.
pub fn apply(state: &ChannelState, by: Side, change: Change) -> Result<ChannelState> {
    let mut next = state.clone();
    next.nonce = state.nonce.checked_add(1).ok_or_else(|| ChannelError::Amount("commitment number".into()))?;
    match change {
        Change::AddHtlc { amount, payment_hash, expiry } => {
            if amount == 0 {
                return Err(ChannelError::Refused("an empty HTLC".into()));
            }
            let bal = next.balance_mut(by);
            *bal = bal.checked_sub(amount).ok_or_else(|| ChannelError::Amount("HTLC above the balance".into()))?;
            next.htlcs.push(Htlc { id: next.nonce, amount, payment_hash, expiry, offerer: by });
        }
        Change::Fulfil { id, preimage } => {
            let i = find(&next, id)?;
            let h = next.htlcs[i];
            if payment_hash(&preimage) != h.payment_hash {
                return Err(ChannelError::Refused("wrong preimage".into()));
            }
            next.htlcs.remove(i);
            let bal = next.balance_mut(h.receiver());
            *bal = bal.checked_add(h.amount).ok_or_else(|| ChannelError::Amount("balance overflows".into()))?;
        }
        Change::Fail { id } => {
            let i = find(&next, id)?;
            let h = next.htlcs.remove(i);
            let bal = next.balance_mut(h.offerer);
            *bal = bal.checked_add(h.amount).ok_or_else(|| ChannelError::Amount("balance overflows".into()))?;
        }
    }
    Ok(next)
}

fn find(state: &ChannelState, id: u64) -> Result<usize> {
    state.htlcs.iter().position(|h| h.id == id).ok_or_else(|| ChannelError::Refused(format!("no HTLC {id}")))
}

/// One party's end of a channel.
#[derive(Debug, Clone)]
pub struct ChannelEnd {
    channel: ChannelId,
    side: Side,
    contract: Address,
    key: EthKey,
    counterparty: Address,
    seed: [u8; 32],
    latest: ChannelState,
    signed: Option<SignedState>,
    history: Vec<SignedState>,
    their_next_hash: [u8; 32],
    their_secrets: BTreeMap<u64, [u8; 32]>,
    pending: Option<(Proposal, ChannelState)>,
}

impl ChannelEnd {
    /// An end of a freshly funded channel, holding the deposits-only state. `seed` derives its revocation
    /// secrets; `their_first_hash` is the counterparty's announced revocation hash for state 1.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        channel: ChannelId,
        side: Side,
        contract: Address,
        key: EthKey,
        counterparty: Address,
        seed: [u8; 32],
        deposits: (Wei, Wei),
        their_first_hash: [u8; 32],
    ) -> ChannelEnd {
        ChannelEnd {
            channel,
            side,
            contract,
            key,
            counterparty,
            seed,
            latest: ChannelState::initial(channel, deposits.0, deposits.1),
            signed: None,
            history: Vec::new(),
            their_next_hash: their_first_hash,
            their_secrets: BTreeMap::new(),
            pending: None,
        }
    }

    /// The revocation secret of this end for state `nonce`.
    pub fn secret(&self, nonce: u64) -> [u8; 32] {
        let mut bytes = self.seed.to_vec();
        bytes.extend_from_slice(&nonce.to_be_bytes());
        keccak256(&bytes)
    }

    /// The revocation hash of this end for state `nonce` (what it announces before that state exists).
    pub fn next_hash_for(&self, nonce: u64) -> [u8; 32] {
        revocation_hash(&self.secret(nonce))
    }

    /// The channel.
    pub fn channel(&self) -> ChannelId {
        self.channel
    }

    /// Which side this end is.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The latest state both signed (or the deposits-only one).
    pub fn latest(&self) -> &ChannelState {
        &self.latest
    }

    /// The latest state with both signatures, if any was signed.
    pub fn latest_signed(&self) -> Option<&SignedState> {
        self.signed.as_ref()
    }

    /// This end's balance in the latest state.
    pub fn balance(&self) -> Wei {
        self.latest.balance(self.side)
    }

    /// Every state this end ever held with both signatures, oldest first (all but the last revoked).
    pub fn history(&self) -> &[SignedState] {
        &self.history
    }

    /// The counterparty's revocation secret for state `nonce`, if revealed.
    pub fn their_secret(&self, nonce: u64) -> Option<[u8; 32]> {
        self.their_secrets.get(&nonce).copied()
    }

    fn sign(&self, state: &ChannelState) -> EthSignature {
        self.key.sign(&state.digest(Domain::Update, self.contract))
    }

    fn with_hashes(&self, mut state: ChannelState, mine: [u8; 32], theirs: [u8; 32]) -> ChannelState {
        match self.side {
            Side::A => {
                state.revocation_hash_a = mine;
                state.revocation_hash_b = theirs;
            }
            Side::B => {
                state.revocation_hash_b = mine;
                state.revocation_hash_a = theirs;
            }
        }
        state
    }

    fn signed_pair(&self, state: ChannelState, mine: EthSignature, theirs: EthSignature) -> SignedState {
        match self.side {
            Side::A => SignedState { state, sig_a: mine, sig_b: theirs },
            Side::B => SignedState { state, sig_a: theirs, sig_b: mine },
        }
    }

    /// Message 1: proposes `change` on top of the latest state.
    ///
    /// # Errors
    /// As [`apply`], or [`ChannelError::Refused`] when an update is already in flight.
    pub fn propose(&mut self, change: Change) -> Result<Proposal> {
        if self.pending.is_some() {
            return Err(ChannelError::Refused("an update is already in flight".into()));
        }
        let next = apply(&self.latest, self.side, change)?;
        let mine = self.next_hash_for(next.nonce);
        let state = self.with_hashes(next, mine, self.their_next_hash);
        let proposal = Proposal { change, sig: self.sign(&state), state: state.clone() };
        self.pending = Some((proposal.clone(), state));
        Ok(proposal)
    }

    /// Message 2: checks a proposal against the latest state and the rules of who may change what (at L1
    /// block `now`, for an offerer's fail), countersigns it and revokes the previous state.
    ///
    /// # Errors
    /// [`ChannelError::Refused`] for anything that does not check out; nothing changes then.
    pub fn accept(&mut self, proposal: &Proposal, now: u64) -> Result<Acceptance> {
        let by = self.side.other();
        match proposal.change {
            Change::Fail { id } => {
                let h = self.latest.htlcs.iter().find(|h| h.id == id);
                if h.is_some_and(|h| h.offerer == by && now < h.expiry) {
                    return Err(ChannelError::Refused("the offerer fails an HTLC only once it has expired".into()));
                }
            }
            Change::Fulfil { id, .. } => {
                if self.latest.htlcs.iter().any(|h| h.id == id && h.receiver() != by) {
                    return Err(ChannelError::Refused("only the receiver fulfils an HTLC".into()));
                }
            }
            Change::AddHtlc { expiry, .. } => {
                if expiry <= now {
                    return Err(ChannelError::Refused("an HTLC that has already expired".into()));
                }
            }
        }
        let next = apply(&self.latest, by, proposal.change)?;
        let mine = self.next_hash_for(next.nonce);
        let expected = self.with_hashes(next, mine, self.their_next_hash);
        if proposal.state != expected {
            return Err(ChannelError::Refused("the proposed state is not the change applied to ours".into()));
        }
        let digest = expected.digest(Domain::Update, self.contract);
        if ecrecover(&digest, &proposal.sig) != Some(self.counterparty) {
            return Err(ChannelError::Refused("bad signature".into()));
        }
        let sig = self.key.sign(&digest);
        let revoked = (self.latest.nonce > 0).then(|| self.secret(self.latest.nonce));
        let next_hash = self.next_hash_for(expected.nonce + 1);
        let signed = self.signed_pair(expected.clone(), sig, proposal.sig);
        self.pending = Some((proposal.clone(), self.latest.clone()));
        self.latest = expected;
        self.history.push(signed.clone());
        self.signed = Some(signed);
        Ok(Acceptance { sig, revoked, next_hash })
    }

    /// Message 3: the proposer checks the countersignature and the acceptor's revocation, and revokes its own
    /// previous state. Returns the message and what a watchtower needs to punish the revoked state.
    ///
    /// # Errors
    /// [`ChannelError::Refused`] for a bad signature or secret; the update is abandoned then.
    pub fn finish(&mut self, acceptance: &Acceptance) -> Result<(Revocation, Option<Breach>)> {
        let Some((proposal, state)) = self.pending.take() else {
            return Err(ChannelError::Refused("no update in flight".into()));
        };
        let digest = state.digest(Domain::Update, self.contract);
        if ecrecover(&digest, &acceptance.sig) != Some(self.counterparty) {
            return Err(ChannelError::Refused("bad countersignature".into()));
        }
        let old = self.latest.clone();
        let breach = self.check_revealed(&old, acceptance.revoked)?;
        let revoked = (old.nonce > 0).then(|| self.secret(old.nonce));
        let signed = self.signed_pair(state.clone(), proposal.sig, acceptance.sig);
        self.latest = state;
        self.history.push(signed.clone());
        self.signed = Some(signed);
        self.their_next_hash = acceptance.next_hash;
        Ok((Revocation { revoked, next_hash: self.next_hash_for(self.latest.nonce + 1) }, breach))
    }

    /// The acceptor takes the proposer's revocation. Returns what a watchtower needs.
    ///
    /// # Errors
    /// [`ChannelError::Refused`] when the secret does not match the revoked state.
    pub fn receive_revocation(&mut self, revocation: &Revocation) -> Result<Option<Breach>> {
        let Some((_, old)) = self.pending.take() else {
            return Err(ChannelError::Refused("no update in flight".into()));
        };
        let breach = self.check_revealed(&old, revocation.revoked)?;
        self.their_next_hash = revocation.next_hash;
        Ok(breach)
    }

    fn check_revealed(&mut self, old: &ChannelState, secret: Option<[u8; 32]>) -> Result<Option<Breach>> {
        match secret {
            None if old.nonce == 0 => Ok(None),
            Some(s) if old.nonce > 0 && revocation_hash(&s) == old.revocation_hash(self.side.other()) => {
                self.their_secrets.insert(old.nonce, s);
                Ok(Some(Breach { channel: self.channel, nonce: old.nonce, secret: s }))
            }
            _ => Err(ChannelError::Refused("revocation secret does not match the revoked state".into())),
        }
    }

    /// The unilateral close on the latest state.
    pub fn close(&self) -> ChannelCall {
        ChannelCall::Close { channel: self.channel, signed: self.signed.clone() }
    }

    /// A cheater's close: the revoked state worth the most to this end, if one is worth more than the latest.
    /// A state is worth its balance plus the HTLCs this end offered in it (refunded if they expire).
    pub fn revoked_close(&self) -> Option<ChannelCall> {
        let worth = |s: &ChannelState| s.balance(self.side).saturating_add(s.htlc_sum(self.side));
        let best = self.history.iter().rev().skip(1).max_by_key(|s| worth(&s.state))?;
        (worth(&best.state) > worth(&self.latest))
            .then(|| ChannelCall::Close { channel: self.channel, signed: Some(best.clone()) })
    }

    /// This end's signature of a cooperative close of the latest balances (no HTLCs may be pending).
    ///
    /// # Errors
    /// [`ChannelError::Refused`] while HTLCs are pending.
    pub fn closing_state(&self) -> Result<ChannelState> {
        if !self.latest.htlcs.is_empty() {
            return Err(ChannelError::Refused("HTLCs pending".into()));
        }
        let mut s = self.latest.clone();
        s.nonce = s.nonce.saturating_add(1);
        Ok(s)
    }

    /// Signs a cooperative-close state after checking it pays the latest balances.
    ///
    /// # Errors
    /// [`ChannelError::Refused`] for any other state.
    pub fn sign_closing(&self, state: &ChannelState) -> Result<EthSignature> {
        if *state != self.closing_state()? {
            return Err(ChannelError::Refused("not the latest balances".into()));
        }
        Ok(self.key.sign(&state.digest(Domain::CooperativeClose, self.contract)))
    }

    /// What to answer when the counterparty closed on `state`: the penalty if it is a revoked state whose
    /// secret this end holds, an update if this end holds a newer state, nothing otherwise.
    pub fn answer_close(&self, state: &ChannelState) -> Option<ChannelCall> {
        let closer = self.side.other();
        if let Some(secret) = self.their_secrets.get(&state.nonce) {
            if revocation_hash(secret) == state.revocation_hash(closer) {
                return Some(ChannelCall::Penalize { channel: self.channel, revocation_secret: *secret });
            }
        }
        match &self.signed {
            Some(s) if s.state.nonce > state.nonce => Some(ChannelCall::Update { signed: s.clone() }),
            _ => None,
        }
    }
}

/// Runs a whole update between two ends (three messages): `proposer` proposes `change`, `acceptor` accepts at
/// L1 block `now`. Returns the [`Breach`] data each end got (proposer's, acceptor's) for its watchtower.
///
/// # Errors
/// Whatever either end refuses; the proposer's in-flight update is dropped so both stay on the old state.
pub fn update(
    proposer: &mut ChannelEnd,
    acceptor: &mut ChannelEnd,
    change: Change,
    now: u64,
) -> Result<(Option<Breach>, Option<Breach>)> {
    let proposal = proposer.propose(change)?;
    let acceptance = match acceptor.accept(&proposal, now) {
        Ok(a) => a,
        Err(e) => {
            proposer.pending = None;
            return Err(e);
        }
    };
    let (revocation, proposer_breach) = proposer.finish(&acceptance)?;
    let acceptor_breach = acceptor.receive_revocation(&revocation)?;
    Ok((proposer_breach, acceptor_breach))
}

/// A fresh pair of ends for an open channel: A's and B's, with seeds and first revocation hashes exchanged.
pub fn pair(
    channel: ChannelId,
    contract: Address,
    keys: (&EthKey, &EthKey),
    seeds: ([u8; 32], [u8; 32]),
    deposits: (Wei, Wei),
) -> (ChannelEnd, ChannelEnd) {
    let mut a =
        ChannelEnd::new(channel, Side::A, contract, keys.0.clone(), keys.1.address(), seeds.0, deposits, [0; 32]);
    let mut b =
        ChannelEnd::new(channel, Side::B, contract, keys.1.clone(), keys.0.address(), seeds.1, deposits, [0; 32]);
    a.their_next_hash = b.next_hash_for(1);
    b.their_next_hash = a.next_hash_for(1);
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends() -> (ChannelEnd, ChannelEnd) {
        let (ka, kb) = (EthKey::from_label("a"), EthKey::from_label("b"));
        pair(ChannelId(0), Address::from_label("c"), (&ka, &kb), ([1; 32], [2; 32]), (1000, 1000))
    }

    #[test]
    fn htlc_add_fulfil_and_fail_move_balances_and_revoke_old_states() {
        let (mut a, mut b) = ends();
        let pre = [9u8; 32];
        let add = Change::AddHtlc { amount: 100, payment_hash: payment_hash(&pre), expiry: 50 };
        let (_, b_breach) = update(&mut a, &mut b, add, 10).unwrap();
        assert_eq!(b_breach, None, "state 0 was never signed");
        assert_eq!((a.balance(), b.balance()), (900, 1000));
        assert_eq!(a.latest(), b.latest());
        let id = a.latest().htlcs[0].id;
        // A wrong preimage, or the offerer fulfilling, is refused.
        assert!(update(&mut b, &mut a, Change::Fulfil { id, preimage: [8; 32] }, 10).is_err());
        assert!(update(&mut a, &mut b, Change::Fulfil { id, preimage: pre }, 10).is_err());
        // The offerer cannot fail it before expiry.
        assert!(update(&mut a, &mut b, Change::Fail { id }, 10).is_err());
        let (b_got, a_got) = update(&mut b, &mut a, Change::Fulfil { id, preimage: pre }, 10).unwrap();
        assert_eq!((a.balance(), b.balance()), (900, 1100));
        // Each holds the other's secret of state 1.
        assert_eq!(a_got.map(|x| x.nonce), Some(1));
        assert_eq!(b_got.map(|x| x.nonce), Some(1));
        assert!(a.their_secret(1).is_some() && b.their_secret(1).is_some());
        // A second HTLC, failed by its receiver.
        update(&mut a, &mut b, Change::AddHtlc { amount: 5, payment_hash: [0; 32], expiry: 50 }, 10).unwrap();
        let id = a.latest().htlcs[0].id;
        update(&mut b, &mut a, Change::Fail { id }, 10).unwrap();
        assert_eq!((a.balance(), b.balance()), (900, 1100));
        assert_eq!(a.latest().nonce, 4);
    }

    #[test]
    fn a_revoked_close_is_answered_with_the_penalty_and_an_old_one_with_an_update() {
        let (mut a, mut b) = ends();
        let pre = [3u8; 32];
        update(&mut a, &mut b, Change::AddHtlc { amount: 400, payment_hash: payment_hash(&pre), expiry: 90 }, 1)
            .unwrap();
        let id = a.latest().htlcs[0].id;
        update(&mut b, &mut a, Change::Fulfil { id, preimage: pre }, 1).unwrap();
        // B's best revoked state is... none pays B more than the latest; A's is state 0 (never signed) or 1.
        assert!(b.revoked_close().is_none());
        let Some(ChannelCall::Close { signed: Some(cheat), .. }) = a.revoked_close() else { panic!("A can cheat") };
        assert_eq!(cheat.state.nonce, 1);
        assert!(matches!(b.answer_close(&cheat.state), Some(ChannelCall::Penalize { .. })));
        // B closing on the latest: A has nothing to answer.
        assert_eq!(a.answer_close(b.latest()), None);
    }

    #[test]
    fn a_tampered_proposal_is_refused() {
        let (mut a, mut b) = ends();
        let mut p = a.propose(Change::AddHtlc { amount: 1, payment_hash: [0; 32], expiry: 9 }).unwrap();
        p.state.balance_b += 1;
        p.state.balance_a -= 1;
        assert!(b.accept(&p, 1).is_err());
        assert_eq!(b.latest().nonce, 0);
    }
}
