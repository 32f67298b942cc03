//! The one-step proof: the disputed transaction re-executed on L1 by `ledger`'s step function, its gas paid
//! through the step's cost hook; and the same execution off chain for honest parties (`execute_batch`).

use l1_contract_sim::deposits::QueuedDeposit;
use l1_contract_sim::gas::{self, poseidon_gas, EDDSA_VERIFY_GAS};
use l1_contract_sim::{Env, Revert};
use ledger::step::match_queued;
use ledger::{AccountIndex, Nonce, Rejection, Rules, State, StepCost, StepInput, Transaction, Transfer, Withdrawal};
use sha2::{Digest, Sha256};

use super::*;

/// Why a transaction is invalid in a one-step proof: the ledger's own [`Rejection`].
pub type InvalidReason = Rejection;

/// What re-executing one step gives: the post-state, or why the transaction is invalid.
pub type StepResult = Result<TraceState, Rejection>;

/// The transaction a one-step proof executes: the posted one, with the sender's current nonce (the nonce is
/// not posted, so a transaction signed for another nonce fails as a bad signature), and for a deposit the
/// deposit the L1 queue holds at `position` (matched by [`ledger::step::match_queued`]).
///
/// # Errors
/// The [`Rejection`] when a deposit is not the next one of the queue.
pub fn as_executed(
    tx: &Transaction,
    sender_nonce: Option<Nonce>,
    queue: &[QueuedDeposit],
    position: u64,
) -> Result<Transaction, Rejection> {
    Ok(match *tx {
        Transaction::Transfer(t) => Transaction::Transfer(Transfer { nonce: sender_nonce.unwrap_or(t.nonce), ..t }),
        Transaction::Withdrawal(w) => {
            Transaction::Withdrawal(Withdrawal { nonce: sender_nonce.unwrap_or(w.nonce), ..w })
        }
        Transaction::Deposit(d) => {
            let queued = usize::try_from(position).ok().and_then(|p| queue.get(p)).map(|q| &q.deposit);
            Transaction::Deposit(
                match_queued(d.to, d.amount, queued, position).map_err(|_| Rejection::DepositNotQueued)?,
            )
        }
    })
}

/// The trace of a batch under the contract's rules: `states[0]` is `pre`, `states[i]` the state after
/// transaction `i`, stopping at the first invalid transaction (returned with its 0-based position and the
/// reason). `state` is advanced through the valid prefix. This is what an honest party computes, with the
/// very step function the one-step proof runs ([`State::apply`] is built on [`ledger::step()`]).
pub fn execute_batch(
    state: &mut State,
    pre_deposits: u64,
    txs: &[Transaction],
    queue: &[QueuedDeposit],
) -> (Vec<TraceState>, Option<(usize, Rejection)>) {
    let mut deposits = pre_deposits;
    let mut trace = vec![TraceState::of(state, deposits)];
    for (i, tx) in txs.iter().enumerate() {
        let sender_nonce = tx_sender(tx).and_then(|from| state.account(from)).map(|a| a.nonce);
        let executed = match as_executed(tx, sender_nonce, queue, deposits) {
            Ok(executed) => executed,
            Err(reason) => return (trace, Some((i, reason))),
        };
        match state.apply(&executed) {
            Ok(_) => {
                if executed.kind() == ledger::tx::TxKind::Deposit {
                    deposits += 1;
                }
                trace.push(TraceState::of(state, deposits));
            }
            Err(e) => return (trace, Some((i, e.rejection().unwrap_or(Rejection::IndexOutOfRange)))),
        }
    }
    (trace, None)
}

/// The signer of a transaction (`None` for a deposit).
fn tx_sender(tx: &Transaction) -> Option<AccountIndex> {
    match tx {
        Transaction::Transfer(t) => Some(t.from),
        Transaction::Withdrawal(w) => Some(w.from),
        Transaction::Deposit(_) => None,
    }
}

/// Charges a step's work to the L1 call running it.
struct StepGas<'e, 'a> {
    env: &'e mut Env<'a>,
    arity: usize,
}

impl StepCost for StepGas<'_, '_> {
    fn open_path(&mut self, levels: usize) {
        let gas = poseidon_gas(3) + levels as u64 * poseidon_gas(self.arity);
        self.env.charge("verify an account path (Poseidon leaf and levels)", gas);
    }

    fn update_path(&mut self, levels: usize) {
        let gas = poseidon_gas(3) + levels as u64 * poseidon_gas(self.arity);
        self.env.charge("compute the new root (Poseidon leaf and levels)", gas);
    }

    fn verify_signature(&mut self) {
        self.env.charge("EdDSA-Poseidon verification (no precompile)", EDDSA_VERIFY_GAS);
    }
}

impl OptimisticRollup {
    /// Re-executes `tx` against `pre`: the decision of a one-step proof. `Err(Revert)` for a witness that does
    /// not match `pre`; `Ok(Err(reason))` for an invalid transaction.
    /// Re-executes one transaction against `pre` with `ledger`'s step function, paying for its work. A witness
    /// that does not open `pre` reverts (it decides nothing); a broken rule is the transaction's rejection.
    pub(super) fn execute_step(
        &self,
        env: &mut Env<'_>,
        pre: TraceState,
        tx: &Transaction,
        witness: &StepWitness,
    ) -> Result<StepResult, Revert> {
        if tx.kind() == ledger::tx::TxKind::Deposit {
            env.charge("read queued deposit and chain head", 2 * gas::SLOAD_COLD);
        }
        let sender_nonce = witness.accounts.first().and_then(|w| w.before).map(|a| a.nonce);
        let executed = match as_executed(tx, sender_nonce, self.deposits.queued(), pre.deposits) {
            Ok(executed) => executed,
            Err(reason) => return Ok(Err(reason)),
        };
        let rules = Rules { shape: self.params.tree, chain: self.params.chain_id };
        let mut cost = StepGas { env, arity: self.params.tree.arity().children() };
        match ledger::step(rules, pre.root, StepInput::Signed(&executed), witness, &mut cost) {
            Ok(output) => {
                let mut post = TraceState { root: output.root, ..pre };
                if output.deposit.is_some() {
                    post.deposits += 1;
                    post.deposit_chain = self
                        .deposits
                        .chain_head(post.deposits as usize)
                        .ok_or_else(|| revert("a queued deposit has its chain head"))?;
                }
                Ok(Ok(post))
            }
            Err(e) if e.is_witness_fault() => Err(revert(format!("the witness does not open the agreed state: {e}"))),
            Err(e) => Ok(Err(e.rejection().ok_or_else(|| revert(format!("not a transaction rule: {e}")))?)),
        }
    }

    pub(super) fn one_step_proof(
        &mut self,
        env: &mut Env<'_>,
        gid: u64,
        tx: &Transaction,
        tx_path: &[Hash32],
        witness: &StepWitness,
    ) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read game", 4 * gas::SLOAD_COLD);
        let g = self.games.get(gid as usize).ok_or_else(|| revert("no such game"))?.clone();
        if g.stage != GameStage::OneStep {
            return Err(revert("the game is not at a single step"));
        }
        let now = env.block().timestamp;
        if now > g.expires_at() {
            return Err(revert("out of time: call Timeout"));
        }
        let a = &self.assertions[g.assertion as usize];
        let bytes = encode_tx(tx)?;
        env.charge(
            "SHA-256 of the transaction and its path",
            gas::sha256_gas(bytes.len()) + tx_path.len() as u64 * gas::sha256_gas(64),
        );
        if !merkle_verify(&a.tx_root, a.steps as usize, g.lo as usize, Sha256::digest(&bytes).into(), tx_path) {
            return Err(revert("the transaction is not step hi of the batch"));
        }
        let (winner, resolution) = match self.execute_step(env, g.lo_state, tx, witness)? {
            Err(reason) => (Side::Challenger, Resolution::InvalidTransaction(reason)),
            Ok(post) if post == g.hi_state => (Side::Proposer, Resolution::CorrectPostState),
            Ok(_) => (Side::Challenger, Resolution::WrongPostState),
        };
        self.resolve(env, gid, winner, resolution)
    }
}
