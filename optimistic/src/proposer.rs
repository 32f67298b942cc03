//! The proposer: batches the L2 transactions it receives into assertions, honestly or lying once, and
//! defends them.

use ledger::TxAmount;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::contract::{
    dissection_points, trace_commitment, trace_path, AssertionStatus, GameStage, OptCall, Side, TraceState,
};
use ark_std::rand::Rng;
use l1_contract_sim::deposits::QueuedDeposit;
use l1_contract_sim::Address;
use ledger::state::{AccountEntry, StateFile};
use ledger::{Account, AccountIndex, Amount, Fr, Nonce, SecretKey, State, Transaction, Transfer};
use serde::{Deserialize, Serialize};

use crate::error::{OptimisticError, Result};
use crate::world::{L2Tx, World};

/// How an invalid transaction is forged: one kind for each rule of the ledger a posted transaction can break
/// from a history of valid ones. (A balance above 2^64 − 1 or a nonce at 2^32 cannot be reached that way:
/// every deposit is at most 2^38 − 1 units and each assertion moves nonces by one per transaction; those rules
/// are exercised by the ledger's and the circuit's tests.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Forgery {
    /// A transfer from another user to the proposer, signed with the wrong key.
    BadSignature,
    /// A transfer by the proposer of more than it holds, to another user.
    Overdraft,
    /// A transfer by the proposer signed for its next nonce but one (nonces are not posted: the one-step proof
    /// checks the signature against the current nonce, so a replay or a reordering fails the same way).
    WrongNonce,
    /// A transfer by the proposer to an index beyond the tree.
    IndexOutOfRange,
    /// A transfer by the proposer to an index of the tree that no deposit opened.
    UnknownAccount,
    /// A deposit to the proposer's account that nobody made on L1.
    InventedDeposit,
    /// The next queued deposit with one more unit than was paid for.
    AlteredDeposit,
}

impl Forgery {
    /// Every kind, for property tests and sweeps.
    pub const ALL: [Forgery; 7] = [
        Forgery::BadSignature,
        Forgery::Overdraft,
        Forgery::WrongNonce,
        Forgery::IndexOutOfRange,
        Forgery::UnknownAccount,
        Forgery::InventedDeposit,
        Forgery::AlteredDeposit,
    ];
}

/// How a lying proposer lies at its chosen step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lie {
    /// From the step on, the trace reports random roots.
    WrongRoot,
    /// The step's transaction is in the batch but the trace leaves the state unchanged (a skipped deposit still
    /// advances the deposit chain, so the claim passes the contract's checks: the deposit is stolen).
    SkipTx,
    /// After the step, the proposer's own account is credited this many units out of nothing.
    MintToSelf {
        /// Units minted.
        amount: u64,
    },
    /// An invalid transaction is inserted at the step and applied anyway.
    InvalidTx(Forgery),
}

/// When and how a proposer lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiePlan {
    /// Which of its assertions (0 = the first it posts).
    pub batch: usize,
    /// Which transaction of that batch (0-based; taken modulo the batch's length).
    pub step: usize,
    /// The lie.
    pub lie: Lie,
    /// Whether it stops answering in the dispute game (and loses on time) rather than playing on.
    pub stall: bool,
}

/// Honest, lying or censoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposerBehaviour {
    /// Only valid transactions, true traces.
    Honest,
    /// Lies once, as planned; honest again once caught.
    Lying(LiePlan),
    /// True traces, but the deposit opening account `user` is left out of its assertions, and with it every
    /// later deposit (the contract takes deposits in queue order) and every transaction that is invalid without
    /// them (the user's own, transfers to the user, and those that follow them in nonce order), until the
    /// contract refuses an assertion that leaves it out (forced inclusion, after the sequencing window); then
    /// it includes them like an honest proposer. The contract forces deposits only, so this is all the
    /// censorship it can end.
    Censoring {
        /// The censored account (user `i` opens account `i`).
        user: u32,
    },
}

/// One of the proposer's assertions.
#[derive(Debug, Clone)]
struct Posted {
    /// The trace it committed to (`s_0` = the contract's prev state).
    trace: Vec<TraceState>,
    /// The workload ids of its transactions (`None`: forged).
    ids: Vec<Option<usize>>,
    /// The workload ids it took from the queue, in order (those a forgery displaced included): what goes
    /// back to the queue if the assertion is rejected.
    taken: Vec<usize>,
    /// Its view of the state after the assertion.
    post: (State, u64),
    /// Whether this is the lie.
    lie: bool,
}

/// The proposer actor.
#[derive(Debug, Clone)]
pub struct Proposer {
    address: Address,
    behaviour: ProposerBehaviour,
    batch_size: usize,
    own: Option<(AccountIndex, SecretKey)>,
    view: (State, u64),
    genesis: (State, u64),
    pending: VecDeque<usize>,
    posted: BTreeMap<u64, Posted>,
    handled_rejections: BTreeSet<u64>,
    batches: usize,
    caught: bool,
    /// A censoring proposer had an assertion refused and includes the censored deposit from then on.
    forced: bool,
}

impl Proposer {
    /// A proposer at `address` posting batches of `batch_size`, with an L2 account of its own (`own`, used by
    /// [`Lie::MintToSelf`] and [`Lie::InvalidTx`]) and the rollup's empty genesis state.
    pub fn new(
        address: Address,
        behaviour: ProposerBehaviour,
        batch_size: usize,
        own: Option<(AccountIndex, SecretKey)>,
        genesis: State,
    ) -> Proposer {
        Proposer {
            address,
            behaviour,
            batch_size: batch_size.max(1),
            own,
            view: (genesis.clone(), 0),
            genesis: (genesis, 0),
            pending: VecDeque::new(),
            posted: BTreeMap::new(),
            handled_rejections: BTreeSet::new(),
            batches: 0,
            caught: false,
            forced: false,
        }
    }

    /// Its L1 address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Its behaviour.
    pub fn behaviour(&self) -> ProposerBehaviour {
        self.behaviour
    }

    /// Receives an L2 transaction of the workload.
    pub fn receive(&mut self, id: usize) {
        self.pending.push_back(id);
    }

    /// Transactions received and not in a live assertion.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// The workload ids of an assertion's transactions (`None` for a forged one).
    pub fn assertion_txs(&self, assertion: u64) -> Option<&[Option<usize>]> {
        self.posted.get(&assertion).map(|p| p.ids.as_slice())
    }

    /// Whether `assertion` is the one it lied in.
    pub fn lied_in(&self, assertion: u64) -> bool {
        self.posted.get(&assertion).is_some_and(|p| p.lie)
    }

    /// Whether a censoring proposer has had an assertion refused (and so includes the censored deposit).
    pub fn forced(&self) -> bool {
        self.forced
    }

    /// One slot's worth of work: roll back after a rejection, defend its assertions, claim timeouts, confirm
    /// assertions past their window, and post a batch when `batch_size` transactions are ready (or any, once
    /// `flush`). A censoring proposer whose assertion the contract refuses posts again at once with the
    /// censored deposit. Returns whether it sent anything.
    ///
    /// # Errors
    /// A refused L1 transaction, or a revert of a call an honest proposer expects to succeed.
    pub fn act<R: Rng>(&mut self, world: &mut World, stream: &[L2Tx], flush: bool, rng: &mut R) -> Result<bool> {
        self.roll_back(world);
        let mut acted = self.play(world)?;
        acted |= self.confirm(world)?;
        let ready = self.ready(world, stream);
        if ready.len() >= self.batch_size || (flush && !ready.is_empty()) {
            acted = true;
            if !self.propose(world, stream, &ready, rng)? {
                self.forced = true;
                let ready = self.ready(world, stream);
                if !ready.is_empty() {
                    // Not censoring any more: a refusal now is an error.
                    self.propose(world, stream, &ready, rng)?;
                }
            }
        }
        Ok(acted)
    }

    /// The pending transactions its next assertion would hold, in order, at most `batch_size`: the oldest
    /// ones, or for a censoring proposer the oldest that are valid without the censored deposit.
    fn ready(&self, world: &World, stream: &[L2Tx]) -> Vec<usize> {
        let censored = match self.behaviour {
            ProposerBehaviour::Censoring { user } => (!self.forced).then_some(AccountIndex::new(user)),
            _ => return self.pending.iter().take(self.batch_size).copied().collect(),
        };
        let queue = world.contract.queued_deposits();
        let (mut state, mut deposits) = self.view.clone();
        let mut held_deposit = false;
        let mut ids = Vec::with_capacity(self.batch_size);
        for &id in &self.pending {
            if ids.len() == self.batch_size {
                break;
            }
            let tx = match stream[id].tx {
                Transaction::Deposit(_) => {
                    // Deposits go in queue order: once one is held back, so is every later one.
                    let Some(q) = queue.get(deposits as usize) else { continue };
                    held_deposit |= Some(q.deposit.to) == censored;
                    if held_deposit {
                        continue;
                    }
                    Transaction::Deposit(q.deposit)
                }
                other => other,
            };
            let mut next = state.clone();
            if next.apply(&tx).is_ok() {
                state = next;
                deposits += u64::from(matches!(tx, Transaction::Deposit(_)));
                ids.push(id);
            }
        }
        ids
    }

    fn roll_back(&mut self, world: &World) {
        let rejected: Vec<u64> = self
            .posted
            .keys()
            .copied()
            .filter(|id| {
                !self.handled_rejections.contains(id)
                    && world.contract.assertion(*id).is_some_and(|a| a.status == AssertionStatus::Rejected)
            })
            .collect();
        if rejected.is_empty() {
            return;
        }
        let mut requeue = Vec::new();
        for id in &rejected {
            self.handled_rejections.insert(*id);
            let p = &self.posted[id];
            self.caught |= p.lie;
            requeue.extend(p.taken.iter().copied());
        }
        for id in requeue.into_iter().rev() {
            self.pending.push_front(id);
        }
        let tip = world.contract.tip().id;
        self.view = self.posted.get(&tip).map_or_else(|| self.genesis.clone(), |p| p.post.clone());
    }

    fn play(&mut self, world: &mut World) -> Result<bool> {
        let now = world.chain.now();
        let stall = matches!(self.behaviour, ProposerBehaviour::Lying(p) if p.stall);
        let mut acted = false;
        let games: Vec<_> =
            world.contract.games().iter().filter(|g| g.proposer == self.address && !g.is_resolved()).cloned().collect();
        for g in games {
            if g.turn == Side::Challenger {
                if now > g.expires_at() {
                    world.send(self.address, 0, OptCall::Timeout { game: g.id })?;
                    acted = true;
                }
                continue;
            }
            if g.stage != GameStage::Reveal {
                continue;
            }
            let Some(posted) = self.posted.get(&g.assertion) else { continue };
            if stall && posted.lie {
                continue;
            }
            let k = world.contract.params().dissection;
            let points = dissection_points(g.lo, g.hi, k)
                .into_iter()
                .map(|i| (posted.trace[i as usize], trace_path(&posted.trace, i as usize)))
                .collect();
            let receipt = world.send(self.address, 0, OptCall::Reveal { game: g.id, points })?;
            if let Err(revert) = receipt.outcome {
                return Err(OptimisticError::Reverted { call: "Reveal", revert });
            }
            acted = true;
        }
        Ok(acted)
    }

    fn confirm(&mut self, world: &mut World) -> Result<bool> {
        let now = world.chain.now();
        let mut acted = false;
        loop {
            let c = &world.contract;
            let ready = c.assertions().iter().find(|a| {
                a.status == AssertionStatus::Pending
                    && c.assertion(a.parent).is_some_and(|p| p.status == AssertionStatus::Confirmed)
                    && a.open_game.is_none()
                    && now >= a.deadline
            });
            let Some(id) = ready.map(|a| a.id) else { return Ok(acted) };
            let receipt = world.send(self.address, 0, OptCall::Confirm { assertion: id })?;
            if let Err(revert) = receipt.outcome {
                return Err(OptimisticError::Reverted { call: "Confirm", revert });
            }
            acted = true;
        }
    }

    /// Posts `ids` (a non-empty [`Proposer::ready`] list) as an assertion. Returns `false` when the contract
    /// refuses a censoring proposer's assertion (which then leaves the transactions pending); any other revert
    /// is an error.
    fn propose<R: Rng>(&mut self, world: &mut World, stream: &[L2Tx], ids: &[usize], rng: &mut R) -> Result<bool> {
        let n = ids.len();
        let ids = ids.to_vec();
        let plan = match self.behaviour {
            ProposerBehaviour::Lying(plan) if !self.caught && plan.batch == self.batches => Some(plan),
            _ => None,
        };
        // A forged deposit takes the place of a real one (the contract counts a batch's deposits against the
        // queue), so it is told at the first deposit from the planned step on.
        let forges_deposit = |p: &LiePlan| {
            matches!(p.lie, Lie::InvalidTx(Forgery::InventedDeposit) | Lie::InvalidTx(Forgery::AlteredDeposit))
        };
        let step = plan.and_then(|p| match forges_deposit(&p) {
            false => Some(p.step % n),
            true => (p.step % n..n).find(|&i| matches!(stream[ids[i]].tx, Transaction::Deposit(_))),
        });
        let tip = world.contract.tip().clone();
        let queue = world.contract.queued_deposits().to_vec();
        let (mut state, mut deposits) = self.view.clone();
        let mut trace = vec![tip.claimed];
        let mut batch = Vec::with_capacity(n + 1);
        let mut txs: Vec<Option<usize>> = Vec::with_capacity(n + 1);
        let mut random_from: Option<usize> = None;
        for (i, &id) in ids.iter().enumerate() {
            let lie = plan.filter(|_| step == Some(i)).map(|p| p.lie);
            let next = queue.get(deposits as usize);
            if let Some(Lie::InvalidTx(kind)) = lie {
                if let Some(forged) = self.forge_tx(&state, kind, next, rng) {
                    (state, deposits) = apply_forced(&state, deposits, &forged, next);
                    batch.push(forged);
                    txs.push(None);
                    trace.push(TraceState::of(&state, deposits));
                    if forged.kind() == ledger::tx::TxKind::Deposit {
                        continue; // It displaced this real deposit.
                    }
                }
            }
            let tx = stream[id].tx;
            match (lie, tx) {
                (Some(Lie::SkipTx), Transaction::Deposit(_)) => {
                    // Steal the deposit: advance the chain, credit nobody.
                    let chain = queue[deposits as usize].deposit.chain_link(state.deposit_chain());
                    state = forge(&state, &[], Some(chain));
                    deposits += 1;
                }
                (Some(Lie::SkipTx), _) => {}
                _ => apply_lenient(&mut state, &mut deposits, &tx, &queue),
            }
            if let Some(Lie::MintToSelf { amount }) = lie {
                let own = self.own.as_ref().map(|(i, _)| *i).filter(|i| state.account(*i).is_some());
                if let Some((index, account)) = own
                    .and_then(|i| state.account(i).map(|a| (i, *a)))
                    .or_else(|| state.accounts().next().map(|(i, a)| (i, *a)))
                {
                    let balance = Amount::new(account.balance.units().saturating_add(amount.max(1)));
                    state = forge(&state, &[(index, Account { balance, ..account })], None);
                }
            }
            if lie == Some(Lie::WrongRoot) {
                random_from = Some(trace.len());
            }
            batch.push(tx);
            txs.push(Some(id));
            trace.push(TraceState::of(&state, deposits));
        }
        if let Some(from) = random_from {
            for s in &mut trace[from..] {
                s.root = Fr::from(rng.gen::<u128>());
            }
        }
        let new_state = *trace.last().expect("non-empty batch");
        let call = OptCall::Propose {
            prev_root: tip.claimed.root,
            new_state,
            txs: batch,
            trace_commitment: trace_commitment(&trace),
        };
        let bond = world.contract.params().proposer_bond;
        let receipt = world.send(self.address, bond, call)?;
        let censoring = matches!(self.behaviour, ProposerBehaviour::Censoring { .. }) && !self.forced;
        let events = match receipt.outcome {
            Ok(events) => events,
            Err(_) if censoring => return Ok(false),
            Err(revert) => return Err(OptimisticError::Reverted { call: "Propose", revert }),
        };
        self.pending.retain(|id| !ids.contains(id));
        let id = events
            .iter()
            .find_map(|e| match e {
                crate::contract::OptEvent::Proposed { assertion, .. } => Some(*assertion),
                _ => None,
            })
            .expect("Propose emits Proposed");
        self.view = (state.clone(), deposits);
        self.posted.insert(id, Posted { trace, ids: txs, taken: ids, post: (state, deposits), lie: plan.is_some() });
        self.batches += 1;
        Ok(true)
    }

    /// An invalid transaction for [`Lie::InvalidTx`], valid-looking in `state` but for the forgery; `next` is
    /// the queued deposit the batch would process next, if any.
    fn forge_tx<R: Rng>(
        &self,
        state: &State,
        kind: Forgery,
        next: Option<&QueuedDeposit>,
        rng: &mut R,
    ) -> Option<Transaction> {
        let chain = state.chain();
        let own = self.own.as_ref().filter(|(i, _)| state.account(*i).is_some());
        let wrong = SecretKey::random(rng);
        // The proposer's own account (or, without one, the first account and a key that is not its).
        let sender = || -> Option<(AccountIndex, &SecretKey, Account)> {
            let (from, key) = match own {
                Some((i, k)) => (*i, k),
                None => (state.accounts().next()?.0, &wrong),
            };
            Some((from, key, *state.account(from)?))
        };
        let someone_else = |from: AccountIndex| state.accounts().map(|(i, _)| i).find(|i| *i != from);
        let units = 1 + rng.gen_range(0..10);
        let small = |a: &Account| TxAmount::new(a.balance.units().min(units)).ok();
        let signed = |from, to, amount, nonce, key: &SecretKey| {
            Transfer::signed(from, to, amount, nonce, chain, key).ok().map(Transaction::Transfer)
        };
        match kind {
            Forgery::BadSignature => {
                let (victim, account) =
                    state.accounts().find(|(i, a)| Some(*i) != own.map(|o| o.0) && a.balance.units() > 0)?;
                let to = own.map(|o| o.0).or_else(|| someone_else(victim))?;
                let amount = TxAmount::new(account.balance.units().div_ceil(2)).ok()?;
                signed(victim, to, amount, account.nonce, &wrong)
            }
            Forgery::Overdraft => {
                let (from, key, mine) = sender()?;
                let amount = TxAmount::new(mine.balance.units() + 1 + rng.gen_range(0..1000)).ok()?;
                signed(from, someone_else(from)?, amount, mine.nonce, key)
            }
            Forgery::WrongNonce => {
                let (from, key, mine) = sender()?;
                signed(from, someone_else(from)?, small(&mine)?, mine.nonce.next()?, key)
            }
            Forgery::IndexOutOfRange => {
                let (from, key, mine) = sender()?;
                let beyond = AccountIndex::new(u32::try_from(state.shape().capacity()).ok()?);
                signed(from, beyond, small(&mine)?, mine.nonce, key)
            }
            Forgery::UnknownAccount => {
                let (from, key, mine) = sender()?;
                let last = u32::try_from(state.shape().capacity() - 1).ok()?;
                let empty = (0..=last).rev().map(AccountIndex::new).find(|i| state.account(*i).is_none())?;
                signed(from, empty, small(&mine)?, mine.nonce, key)
            }
            Forgery::InventedDeposit => {
                let (to, _, mine) = sender()?;
                let amount = TxAmount::new(1 + rng.gen_range(0..1_000_000)).ok()?;
                // Different from the next queued deposit, if there is one, so that it is not a real one.
                let amount = match next {
                    Some(q) if q.deposit.to == to && q.deposit.amount == amount => {
                        TxAmount::new(amount.units() + 1).ok()?
                    }
                    _ => amount,
                };
                Some(Transaction::Deposit(ledger::Deposit { to, public_key: mine.public_key, amount }))
            }
            Forgery::AlteredDeposit => {
                let real = next?.deposit;
                Some(Transaction::Deposit(ledger::Deposit {
                    amount: TxAmount::new(real.amount.units() + 1).ok()?,
                    ..real
                }))
            }
        }
    }
}

/// Applies a transaction as the contract's rules say (deposits take the queue's key); one that fails in the
/// proposer's (possibly forged) view leaves its state unchanged.
fn apply_lenient(state: &mut State, deposits: &mut u64, tx: &Transaction, queue: &[QueuedDeposit]) {
    let tx = match tx {
        Transaction::Deposit(_) => match queue.get(*deposits as usize) {
            Some(q) => Transaction::Deposit(q.deposit),
            None => return,
        },
        other => *other,
    };
    if state.apply(&tx).is_ok() && matches!(tx, Transaction::Deposit(_)) {
        *deposits += 1;
    }
}

/// Applies an invalid transaction anyway: a transfer's sender pays what it can (its balance floors at zero,
/// its nonce moves on) and its receiver, if the tree has one, is credited the full amount; a deposit credits
/// its account as if it had been paid for and takes the place of the `next` queued deposit (its deposit-chain
/// head, so that the contract's count of deposits holds). Returns the forged state and deposit count.
fn apply_forced(state: &State, deposits: u64, tx: &Transaction, next: Option<&QueuedDeposit>) -> (State, u64) {
    match tx {
        Transaction::Transfer(t) => {
            let Some(sender) = state.account(t.from).copied() else { return (state.clone(), deposits) };
            let sender_after = Account {
                balance: Amount::new(sender.balance.units().saturating_sub(t.amount.units())),
                nonce: sender.nonce.next().unwrap_or(Nonce::ZERO),
                ..sender
            };
            let mut forged = vec![(t.from, sender_after)];
            let receiver = if t.to == t.from { Some(sender_after) } else { state.account(t.to).copied() };
            let receiver = receiver.or_else(|| {
                // An account nobody opened: credited under the sender's key, as a forger would.
                state.shape().check_index(t.to).ok().map(|_| Account { balance: Amount::ZERO, ..sender })
            });
            if let Some(receiver) = receiver {
                let credited = Amount::new(receiver.balance.units().saturating_add(t.amount.units()));
                forged.push((t.to, Account { balance: credited, ..receiver }));
            }
            (forge(state, &forged, None), deposits)
        }
        Transaction::Deposit(d) => {
            let account = state.account(d.to).copied().unwrap_or(Account {
                public_key: d.public_key,
                balance: Amount::ZERO,
                nonce: Nonce::ZERO,
            });
            let credited = Amount::new(account.balance.units().saturating_add(d.amount.units()));
            let chain = next.map(|q| q.deposit.chain_link(state.deposit_chain()));
            (forge(state, &[(d.to, Account { balance: credited, ..account })], chain), deposits + 1)
        }
        Transaction::Withdrawal(_) => (state.clone(), deposits),
    }
}

/// A state with some accounts overwritten (and optionally another deposit-chain head): how a lying proposer
/// forges a post-state the ledger would never produce.
fn forge(state: &State, accounts: &[(AccountIndex, Account)], deposit_chain: Option<Fr>) -> State {
    let mut file: StateFile = state.to_file();
    for (index, account) in accounts {
        match file.accounts.iter_mut().find(|e| e.index == *index) {
            Some(entry) => entry.account = *account,
            None => file.accounts.push(AccountEntry { index: *index, account: *account }),
        }
    }
    if let Some(chain) = deposit_chain {
        file.deposit_chain = ledger::field::fr_to_decimal(&chain);
    }
    let rebuilt = State::with_accounts(file.shape, file.chain_id, file.accounts.iter().map(|e| (e.index, e.account)))
        .expect("indices were valid");
    file.root = ledger::field::fr_to_decimal(&rebuilt.root());
    State::from_file(&file).expect("a consistent forged state")
}
