//! The contract's calls and events, and the calldata each call is priced with (a 4-byte selector, then
//! 32-byte words, signatures as 65 bytes `r ‖ s ‖ v`, states as [`ChannelState::encode`] lays them out).

use l1_contract_sim::{Address, Wei};
use serde::{Deserialize, Serialize};

use crate::types::{push_word_u64, ChannelId, ChannelState, Domain, Htlc, Preimage, Side, SignedState};

/// A call to the channel contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelCall {
    /// Opens a channel with `partner`, depositing the call's value as A's deposit.
    Open {
        /// The other party (B).
        partner: Address,
    },
    /// B's deposit (the call's value), which makes the channel usable.
    Deposit {
        /// The channel.
        channel: ChannelId,
    },
    /// A takes its deposit back from a channel B never joined.
    CancelOpen {
        /// The channel.
        channel: ChannelId,
    },
    /// Closes at once on a state both signed for [`Domain::CooperativeClose`] (no HTLCs), paying both.
    CooperativeClose {
        /// The final state and both signatures.
        signed: SignedState,
    },
    /// A participant closes unilaterally on a signed state (or on the deposits-only state with `None`),
    /// starting the dispute window.
    Close {
        /// The channel.
        channel: ChannelId,
        /// The state, with both signatures over its update digest.
        signed: Option<SignedState>,
    },
    /// Anyone (the non-closer, its watchtower) answers a close with a newer state during the window.
    Update {
        /// The newer state and both signatures.
        signed: SignedState,
    },
    /// Anyone answers a close on a revoked state with the closer's revocation secret for it, during the
    /// window: the whole channel goes to the non-closer.
    Penalize {
        /// The channel.
        channel: ChannelId,
        /// The secret whose Keccak-256 the closed state committed to for the closer.
        revocation_secret: [u8; 32],
    },
    /// Anyone pays out the closing state after the window; its HTLCs stay to be unlocked.
    Settle {
        /// The channel.
        channel: ChannelId,
        /// The closing state as stored (its hash is checked).
        state: ChannelState,
    },
    /// Anyone registers a preimage: its SHA-256 counts as revealed at this block for every HTLC.
    RegisterSecret {
        /// The preimage.
        preimage: Preimage,
    },
    /// Anyone resolves one HTLC of a settled channel: to its receiver if its preimage was registered before
    /// its expiry, to its offerer once it has expired without.
    Unlock {
        /// The channel.
        channel: ChannelId,
        /// The HTLCs still pending (their root is checked).
        pending: Vec<Htlc>,
        /// The one to resolve (its id).
        htlc: u64,
    },
}

impl ChannelCall {
    /// The call's name, for errors and bills.
    pub fn name(&self) -> &'static str {
        match self {
            ChannelCall::Open { .. } => "open",
            ChannelCall::Deposit { .. } => "deposit",
            ChannelCall::CancelOpen { .. } => "cancel open",
            ChannelCall::CooperativeClose { .. } => "cooperative close",
            ChannelCall::Close { .. } => "close",
            ChannelCall::Update { .. } => "update",
            ChannelCall::Penalize { .. } => "penalize",
            ChannelCall::Settle { .. } => "settle",
            ChannelCall::RegisterSecret { .. } => "register secret",
            ChannelCall::Unlock { .. } => "unlock",
        }
    }

    /// The bytes the transaction carries.
    pub fn calldata(&self, contract: Address) -> Vec<u8> {
        let mut out = Vec::new();
        let selector = |out: &mut Vec<u8>, s: u8| out.extend_from_slice(&[0x5c, 0x4a, 0x7e, s]);
        let address = |out: &mut Vec<u8>, a: &Address| {
            out.extend_from_slice(&[0u8; 12]);
            out.extend_from_slice(a.as_bytes());
        };
        let signed = |out: &mut Vec<u8>, s: &SignedState, domain: Domain| {
            out.extend_from_slice(&s.state.encode(domain, contract)[21..]);
            out.extend_from_slice(&s.sig_a.to_bytes());
            out.extend_from_slice(&s.sig_b.to_bytes());
        };
        match self {
            ChannelCall::Open { partner } => {
                selector(&mut out, 1);
                address(&mut out, partner);
            }
            ChannelCall::Deposit { channel } => {
                selector(&mut out, 2);
                push_word_u64(&mut out, channel.0);
            }
            ChannelCall::CancelOpen { channel } => {
                selector(&mut out, 3);
                push_word_u64(&mut out, channel.0);
            }
            ChannelCall::CooperativeClose { signed: s } => {
                selector(&mut out, 4);
                signed(&mut out, s, Domain::CooperativeClose);
            }
            ChannelCall::Close { channel, signed: s } => {
                selector(&mut out, 5);
                push_word_u64(&mut out, channel.0);
                if let Some(s) = s {
                    signed(&mut out, s, Domain::Update);
                }
            }
            ChannelCall::Update { signed: s } => {
                selector(&mut out, 6);
                signed(&mut out, s, Domain::Update);
            }
            ChannelCall::Penalize { channel, revocation_secret } => {
                selector(&mut out, 7);
                push_word_u64(&mut out, channel.0);
                out.extend_from_slice(revocation_secret);
            }
            ChannelCall::Settle { channel, state } => {
                selector(&mut out, 8);
                push_word_u64(&mut out, channel.0);
                out.extend_from_slice(&state.encode(Domain::Update, contract)[21..]);
            }
            ChannelCall::RegisterSecret { preimage } => {
                selector(&mut out, 9);
                out.extend_from_slice(preimage);
            }
            ChannelCall::Unlock { channel, pending, htlc } => {
                selector(&mut out, 10);
                push_word_u64(&mut out, channel.0);
                push_word_u64(&mut out, *htlc);
                for h in pending {
                    h.encode(&mut out);
                }
            }
        }
        out
    }
}

/// What the contract emits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChannelEvent {
    /// A channel was opened by `a` with `deposit`.
    Opened {
        /// The channel.
        channel: ChannelId,
        /// The opener.
        a: Address,
        /// The partner.
        b: Address,
        /// A's deposit.
        deposit: Wei,
    },
    /// B deposited: the channel is open.
    Deposited {
        /// The channel.
        channel: ChannelId,
        /// B's deposit.
        deposit: Wei,
    },
    /// A took its deposit back.
    Cancelled {
        /// The channel.
        channel: ChannelId,
    },
    /// Closed cooperatively and paid.
    CooperativelyClosed {
        /// The channel.
        channel: ChannelId,
        /// Paid to A.
        paid_a: Wei,
        /// Paid to B.
        paid_b: Wei,
    },
    /// A unilateral close started the dispute window.
    Closed {
        /// The channel.
        channel: ChannelId,
        /// Who closed.
        closer: Side,
        /// The state's commitment number.
        nonce: u64,
        /// The first block at which it can be settled.
        settle_from: u64,
    },
    /// A newer state replaced the closing one.
    Updated {
        /// The channel.
        channel: ChannelId,
        /// The new commitment number.
        nonce: u64,
    },
    /// A revoked state was punished: everything to the victim.
    Penalized {
        /// The channel.
        channel: ChannelId,
        /// The victim's side.
        victim: Side,
        /// Wei paid to it.
        amount: Wei,
    },
    /// The closing state was paid out.
    Settled {
        /// The channel.
        channel: ChannelId,
        /// Paid to A.
        paid_a: Wei,
        /// Paid to B.
        paid_b: Wei,
        /// HTLCs left to unlock.
        pending_htlcs: usize,
    },
    /// A preimage was registered.
    SecretRegistered {
        /// Its SHA-256.
        payment_hash: [u8; 32],
        /// The block it was registered in.
        block: u64,
    },
    /// An HTLC was resolved on L1.
    Unlocked {
        /// The channel.
        channel: ChannelId,
        /// The HTLC id.
        htlc: u64,
        /// Who got it.
        to: Side,
        /// Wei.
        amount: Wei,
    },
}
