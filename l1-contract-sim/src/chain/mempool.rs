//! A small mempool: pending transactions included by priority fee as long as they fit.

use super::contract::Contract;
use super::tx::{Receipt, TxRequest};
use super::Chain;
use crate::error::ChainError;
use crate::gas;

/// Pending transactions for one contract, included by priority fee.
///
/// No nonces: transactions of one sender may be included out of arrival order when their priority fees
/// differ; equal fees keep arrival order.
#[derive(Debug, Clone)]
pub struct Mempool<C> {
    pending: Vec<TxRequest<C>>,
    rejected: Vec<(TxRequest<C>, ChainError)>,
}

impl<C> Default for Mempool<C> {
    fn default() -> Self {
        Mempool { pending: Vec::new(), rejected: Vec::new() }
    }
}

impl<C: Clone> Mempool<C> {
    /// An empty mempool.
    pub fn new() -> Mempool<C> {
        Mempool::default()
    }

    /// Adds a transaction.
    pub fn push(&mut self, tx: TxRequest<C>) {
        self.pending.push(tx);
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The pending transactions, in arrival order.
    pub fn pending(&self) -> &[TxRequest<C>] {
        &self.pending
    }

    /// Includes as many pending transactions as fit in the current block, highest priority fee first (ties in
    /// arrival order), skipping those that do not fit and trying the next: a smaller one may still fit.
    /// Those that did not fit stay pending; those the chain refused for good (unaffordable, too many blobs,
    /// above the block gas limit) move to [`take_rejected`](Mempool::take_rejected).
    pub fn include_pending<Ct: Contract<Call = C>>(
        &mut self,
        chain: &mut Chain,
        contract: &mut Ct,
    ) -> Vec<Receipt<Ct::Event>> {
        let mut order: Vec<usize> = (0..self.pending.len()).collect();
        order.sort_by(|&a, &b| self.pending[b].priority_fee.cmp(&self.pending[a].priority_fee));
        let mut keep = vec![true; self.pending.len()];
        let mut receipts = Vec::new();
        for i in order {
            if chain.gas_remaining() < gas::TX_BASE {
                break;
            }
            let tx = &self.pending[i];
            if tx.min_gas() > chain.gas_remaining() && tx.min_gas() <= chain.config().block_gas_limit {
                continue;
            }
            match chain.transact(contract, tx.clone()) {
                Ok(receipt) => {
                    receipts.push(receipt);
                    keep[i] = false;
                }
                Err(ChainError::BlockFull) => {}
                Err(e) => {
                    self.rejected.push((tx.clone(), e));
                    keep[i] = false;
                }
            }
        }
        let mut keep = keep.into_iter();
        self.pending.retain(|_| keep.next().unwrap_or(true));
        receipts
    }

    /// Takes the transactions the chain refused for good, with why.
    pub fn take_rejected(&mut self) -> Vec<(TxRequest<C>, ChainError)> {
        std::mem::take(&mut self.rejected)
    }
}
