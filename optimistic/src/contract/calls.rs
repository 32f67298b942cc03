//! The contract's calls and events, and the calldata each call is priced with.

use l1_contract_sim::abi::{push_fr, push_selector, push_u64};
use l1_contract_sim::{Address, Wei};
use ledger::{AccountIndex, Fr, Transaction, TxAmount};

use super::*;

/// Calls of the optimistic-rollup contract.
#[derive(Debug, Clone)]
pub enum OptCall {
    /// Deposit the call's value; as [`ZkCall::Deposit`](crate::zk_rollup::ZkCall::Deposit).
    Deposit {
        /// The account, or `None` for a new one.
        to: Option<AccountIndex>,
        /// The account's key, as coordinates the contract checks before queueing anything.
        public_key: KeyCoordinates,
    },
    /// Post an assertion on the current tip, with the proposer bond as value.
    Propose {
        /// The tip's claimed root, as a guard against building on a stale tip.
        prev_root: Fr,
        /// The claimed state after the last transaction.
        new_state: TraceState,
        /// The batch, as calldata (see [`encode_tx`]).
        txs: Vec<Transaction>,
        /// [`trace_commitment`] of the proposer's trace.
        trace_commitment: Hash32,
    },
    /// Open a game on a pending assertion, with the challenger bond as value.
    Challenge {
        /// The assertion.
        assertion: u64,
    },
    /// The proposer reveals the dissection points of the current range.
    Reveal {
        /// The game.
        game: u64,
        /// One state per point of [`dissection_points`], each with its path to the trace commitment.
        points: Vec<(TraceState, Vec<Hash32>)>,
    },
    /// The challenger picks the part it disputes: it agrees with the part's first point and not its last.
    Choose {
        /// The game.
        game: u64,
        /// The part, from 0.
        part: u32,
    },
    /// Re-execute transaction `hi` against `s_lo` (anyone, once `hi = lo + 1`).
    OneStepProof {
        /// The game.
        game: u64,
        /// The transaction (its nonce is ignored: the sender's current nonce is used).
        tx: Transaction,
        /// Its path to the assertion's transaction root.
        tx_path: Vec<Hash32>,
        /// The touched accounts.
        witness: StepWitness,
    },
    /// End a game whose side to move ran out of time (anyone).
    Timeout {
        /// The game.
        game: u64,
    },
    /// Confirm an assertion past its deadline (anyone).
    Confirm {
        /// The assertion.
        assertion: u64,
    },
    /// Pay the sender what is credited to it.
    Withdraw,
}

/// What the contract emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptEvent {
    /// A deposit joined the queue.
    DepositQueued {
        /// Position.
        position: usize,
        /// Account credited.
        to: AccountIndex,
        /// Units.
        amount: TxAmount,
    },
    /// An assertion was posted.
    Proposed {
        /// Its number.
        assertion: u64,
        /// Its transactions.
        steps: u64,
    },
    /// A game opened.
    Challenged {
        /// The game.
        game: u64,
        /// The assertion.
        assertion: u64,
    },
    /// The proposer revealed dissection points.
    Revealed {
        /// The game.
        game: u64,
        /// The points' indices.
        indices: Vec<u64>,
    },
    /// The challenger narrowed the range.
    Narrowed {
        /// The game.
        game: u64,
        /// New agreed end.
        lo: u64,
        /// New disputed end.
        hi: u64,
    },
    /// A game ended.
    GameResolved {
        /// The game.
        game: u64,
        /// The winner, `None` if cancelled.
        winner: Option<Side>,
        /// Why.
        resolution: Resolution,
    },
    /// An assertion was rejected.
    Rejected {
        /// The assertion.
        assertion: u64,
    },
    /// An assertion was confirmed.
    Confirmed {
        /// The assertion.
        assertion: u64,
    },
    /// Wei credited to an address (withdrawal, bond returned, reward).
    Credited {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
    /// Wei paid out.
    Withdrawn {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
}

impl OptimisticRollup {
    /// The calldata of a call: a 4-byte selector and ABI-like words; a batch's transactions are packed
    /// ([`encode_tx`]), paths and witnesses are 32-byte words.
    pub fn calldata(&self, call: &OptCall) -> Vec<u8> {
        let mut out = Vec::new();
        match call {
            OptCall::Deposit { to, public_key } => {
                push_selector(&mut out, 0x11);
                push_u64(&mut out, to.map_or(u64::MAX, |i| u64::from(i.value())));
                push_fr(&mut out, &public_key.x);
                push_fr(&mut out, &public_key.y);
            }
            OptCall::Propose { prev_root, new_state, txs, trace_commitment } => {
                push_selector(&mut out, 0x12);
                push_fr(&mut out, prev_root);
                out.extend_from_slice(&new_state.encode());
                out.extend_from_slice(trace_commitment);
                push_u64(&mut out, 32 * 7);
                let data: Vec<u8> = txs.iter().flat_map(|t| encode_tx(t).unwrap_or_default()).collect();
                push_u64(&mut out, data.len() as u64);
                out.extend_from_slice(&data);
                out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
            }
            OptCall::Challenge { assertion } => {
                push_selector(&mut out, 0x13);
                push_u64(&mut out, *assertion);
            }
            OptCall::Reveal { game, points } => {
                push_selector(&mut out, 0x14);
                push_u64(&mut out, *game);
                for (state, path) in points {
                    out.extend_from_slice(&state.encode());
                    path.iter().for_each(|h| out.extend_from_slice(h));
                }
            }
            OptCall::Choose { game, part } => {
                push_selector(&mut out, 0x15);
                push_u64(&mut out, *game);
                push_u64(&mut out, u64::from(*part));
            }
            OptCall::OneStepProof { game, tx, tx_path, witness } => {
                push_selector(&mut out, 0x16);
                push_u64(&mut out, *game);
                let data = encode_tx(tx).unwrap_or_default();
                out.extend_from_slice(&data);
                out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
                tx_path.iter().for_each(|h| out.extend_from_slice(h));
                for a in &witness.accounts {
                    push_u64(&mut out, u64::from(a.index.value()));
                    match &a.before {
                        Some(acc) => {
                            push_fr(&mut out, &acc.public_key.x());
                            push_fr(&mut out, &acc.public_key.y());
                            push_fr(&mut out, &acc.packed_balance_nonce());
                        }
                        None => out.extend_from_slice(&[0u8; 96]),
                    }
                    a.proof.siblings.iter().flatten().for_each(|s| push_fr(&mut out, s));
                }
            }
            OptCall::Timeout { game } => {
                push_selector(&mut out, 0x17);
                push_u64(&mut out, *game);
            }
            OptCall::Confirm { assertion } => {
                push_selector(&mut out, 0x18);
                push_u64(&mut out, *assertion);
            }
            OptCall::Withdraw => push_selector(&mut out, 0x19),
        }
        out
    }
}
