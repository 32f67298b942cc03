//! Honest re-execution of every assertion: what an honest challenger runs, and the driver's truth oracle.

use std::collections::BTreeMap;

use crate::contract::{execute_batch, InvalidReason, TraceState};
use ledger::{ChainId, State, TreeShape};

use crate::world::World;

/// What re-execution says of an assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its claim is the true state after its transactions.
    Correct,
    /// Its claim is wrong, or one of its transactions is invalid.
    Wrong,
    /// It builds on a wrong assertion: it goes when that one goes.
    Unknown,
}

/// What the watcher knows of one assertion.
#[derive(Debug, Clone)]
struct Seen {
    verdict: Verdict,
    /// The true trace: its valid prefix (up to the first invalid transaction).
    trace: Vec<TraceState>,
    /// The first invalid transaction (0-based) and why.
    invalid: Option<(usize, InvalidReason)>,
    /// The true state before it and the deposits processed then.
    pre: Option<(State, u64)>,
    /// The true state after it, when it is correct.
    post: Option<(State, u64)>,
}

/// Re-executes assertions as they appear, from the genesis.
#[derive(Debug, Clone)]
pub struct Watcher {
    seen: BTreeMap<u64, Seen>,
}

impl Watcher {
    /// A watcher that knows the empty genesis of a rollup with this tree and chain id.
    pub fn new(shape: TreeShape, chain: ChainId) -> Watcher {
        let genesis = State::new(shape, chain);
        let seen = Seen {
            verdict: Verdict::Correct,
            trace: vec![TraceState::of(&genesis, 0)],
            invalid: None,
            pre: None,
            post: Some((genesis, 0)),
        };
        Watcher { seen: BTreeMap::from([(0, seen)]) }
    }

    /// Re-executes every assertion it has not seen yet, reading the transactions from the calldata
    /// (`world.posted`) and deposits from the contract's queue.
    pub fn observe(&mut self, world: &World) {
        let queue = world.contract.queued_deposits();
        for a in world.contract.assertions().iter().skip(1) {
            if self.seen.contains_key(&a.id) {
                continue;
            }
            let parent_post = self.seen.get(&a.parent).and_then(|p| p.post.clone());
            let seen = match (parent_post, world.posted.get(&a.id)) {
                (Some((pre_state, pre_deposits)), Some(txs)) => {
                    let mut state = pre_state.clone();
                    let (trace, invalid) = execute_batch(&mut state, pre_deposits, txs, queue);
                    let last = *trace.last().expect("trace has s_0");
                    let correct = invalid.is_none() && last == a.claimed;
                    Seen {
                        verdict: if correct { Verdict::Correct } else { Verdict::Wrong },
                        trace,
                        invalid,
                        pre: Some((pre_state, pre_deposits)),
                        post: correct.then_some((state, last.deposits)),
                    }
                }
                _ => Seen { verdict: Verdict::Unknown, trace: Vec::new(), invalid: None, pre: None, post: None },
            };
            self.seen.insert(a.id, seen);
        }
    }

    /// The verdict on an assertion, once observed.
    pub fn verdict(&self, assertion: u64) -> Option<Verdict> {
        self.seen.get(&assertion).map(|s| s.verdict)
    }

    /// The first invalid transaction of an assertion (0-based) and why, if any.
    pub fn invalid(&self, assertion: u64) -> Option<(usize, InvalidReason)> {
        self.seen.get(&assertion).and_then(|s| s.invalid)
    }

    /// The true trace of an assertion, index by index: `None` past an invalid transaction (no true state
    /// exists there) or where unknown.
    pub fn reference(&self, assertion: u64, steps: u64) -> Vec<Option<TraceState>> {
        let trace = self.seen.get(&assertion).map(|s| s.trace.as_slice()).unwrap_or_default();
        (0..=steps as usize).map(|i| trace.get(i).copied()).collect()
    }

    /// The true state before transaction `step` (0-based) of an assertion, replaying its valid prefix; `None`
    /// if the watcher has no true pre-state or `step` is past the valid prefix.
    pub fn state_at(&self, world: &World, assertion: u64, step: usize) -> Option<State> {
        let seen = self.seen.get(&assertion)?;
        if step >= seen.trace.len() {
            return None;
        }
        let (pre, deposits) = seen.pre.as_ref()?;
        let txs = world.posted.get(&assertion)?;
        let mut state = pre.clone();
        let (_, invalid) = execute_batch(&mut state, *deposits, &txs[..step], world.contract.queued_deposits());
        invalid.is_none().then_some(state)
    }
}
