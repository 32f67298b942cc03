//! The exit priority queue: a binary min-heap in storage, as OMG's `PriorityQueue.sol`, each comparison and
//! move charged as the storage reads and writes it takes.
//!
//! Priority follows MoreVP (OMG `ExitPriority.sol`): first the time the exit becomes processable
//! (`ExitableTimestamp.sol`: `max(block time + 2·MEP, now + MEP)`, `now + MEP` for deposits), then the
//! position of the output's transaction (for an in-flight exit, its youngest input), then the order exits
//! were started in.

use l1_contract_sim::gas;
use l1_contract_sim::Env;
use serde::{Deserialize, Serialize};

use crate::tx::{Hash32, UtxoPos};

/// The ordering key of an exit: smaller is paid first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Priority {
    /// When it may be processed.
    pub exitable_at: u64,
    /// The transaction position it exits from.
    pub position: u64,
    /// Start order, for ties.
    pub nonce: u64,
}

/// What an entry of the queue refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ExitKey {
    /// A standard exit, by the output's position.
    Standard(UtxoPos),
    /// An in-flight exit, by the transaction's digest.
    InFlight(Hash32),
}

/// The heap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExitQueue {
    heap: Vec<(Priority, ExitKey)>,
}

impl ExitQueue {
    /// Entries waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The first entry, uncharged (a view).
    pub fn peek(&self) -> Option<&(Priority, ExitKey)> {
        self.heap.first()
    }

    /// Inserts an entry: one fresh slot, then sifts up, a read per comparison and two writes per swap.
    pub fn insert(&mut self, env: &mut Env<'_>, priority: Priority, key: ExitKey) {
        env.charge("exit queue: insert", gas::SSTORE_SET + gas::SLOAD_COLD + gas::SSTORE_RESET);
        self.heap.push((priority, key));
        let mut i = self.heap.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            env.charge("exit queue: sift up", gas::SLOAD_COLD);
            if self.heap[parent].0 <= self.heap[i].0 {
                break;
            }
            env.charge("exit queue: sift up", 2 * gas::SSTORE_RESET);
            self.heap.swap(parent, i);
            i = parent;
        }
    }

    /// Removes the first entry: the last moves to the root and sifts down, two reads per level and two
    /// writes per swap.
    pub fn pop(&mut self, env: &mut Env<'_>) -> Option<(Priority, ExitKey)> {
        env.charge("exit queue: pop", gas::SLOAD_COLD + 2 * gas::SSTORE_RESET);
        let n = self.heap.len();
        if n == 0 {
            return None;
        }
        self.heap.swap(0, n - 1);
        let top = self.heap.pop();
        let n = self.heap.len();
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            if l >= n {
                break;
            }
            env.charge("exit queue: sift down", 2 * gas::SLOAD_COLD);
            let child = if r < n && self.heap[r].0 < self.heap[l].0 { r } else { l };
            if self.heap[i].0 <= self.heap[child].0 {
                break;
            }
            env.charge("exit queue: sift down", 2 * gas::SSTORE_RESET);
            self.heap.swap(i, child);
            i = child;
        }
        top
    }
}
