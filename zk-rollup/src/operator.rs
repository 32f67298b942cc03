//! The zk-rollup operator: accepts L2 transactions, watches the L1 deposit queue,
//! forms batches (deposits first, in queue order, then transactions in arrival
//! order, padded to the batch size), proves them for real and commits them to the
//! rollup contract. Proving takes the wall-clock time it takes; that time enters the
//! simulated timeline as a delay before the commit transaction.

use std::collections::VecDeque;

use ark_std::rand::{CryptoRng, RngCore};
use l1_contract_sim::{Address, Chain, Receipt, TxRequest};
use ledger::state::BatchRecord;
use ledger::{LedgerError, State, Transaction};

use prover::{BatchProof, Progress, Prover};

use crate::contract::{DataMode, ZkCall, ZkEvent, ZkRollup};
use crate::error::{Result, ZkRollupError};

/// A transaction the operator accepted, with when (simulated seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Sequence number of acceptance.
    pub id: u64,
    /// The transaction.
    pub tx: Transaction,
    /// When the operator accepted it (the L2 soft confirmation).
    pub accepted_at: u64,
}

/// A batch the operator proved and the contract accepted.
#[derive(Debug, Clone)]
pub struct CommittedBatch {
    /// The transactions, in slot order.
    pub txs: Vec<Accepted>,
    /// The ledger's record.
    pub record: BatchRecord,
    /// The proof and its timings.
    pub proof: BatchProof,
    /// The commit transaction's receipt.
    pub receipt: Receipt<ZkEvent>,
    /// When the commit block becomes final on L1.
    pub final_at: u64,
}

/// The operator.
#[derive(Debug)]
pub struct Operator {
    prover: Prover,
    address: Address,
    mode: DataMode,
    /// The state as of the last committed batch.
    state: State,
    /// The state with every accepted transaction and observed deposit applied.
    pending: State,
    mempool: VecDeque<Accepted>,
    /// Deposits from the queue already applied to `pending` (counted from the start).
    deposits_seen: usize,
    next_id: u64,
}

impl Operator {
    /// An operator proving with `prover`, sending L1 transactions from `address`.
    pub fn new(prover: Prover, address: Address, mode: DataMode) -> Self {
        let shape = prover.shape();
        let state = State::new(shape.tree, shape.chain_id);
        Operator {
            prover,
            address,
            mode,
            pending: state.clone(),
            state,
            mempool: VecDeque::new(),
            deposits_seen: 0,
            next_id: 0,
        }
    }

    /// The committed L2 state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The state including everything accepted but not yet committed.
    pub fn pending_state(&self) -> &State {
        &self.pending
    }

    /// The prover.
    pub fn prover(&self) -> &Prover {
        &self.prover
    }

    /// Transactions waiting for a batch.
    pub fn mempool_len(&self) -> usize {
        self.mempool.len()
    }

    /// Applies deposits the contract has queued since the last look.
    pub fn observe_deposits(&mut self, contract: &ZkRollup) -> Result<(), LedgerError> {
        let all = contract.processed_deposits() + contract.pending_deposits().len();
        for queued in &contract.pending_deposits()[self.deposits_seen - contract.processed_deposits()..] {
            self.pending.apply(&Transaction::Deposit(queued.deposit))?;
        }
        self.deposits_seen = all;
        Ok(())
    }

    /// Accepts an L2 transaction if it is valid after everything accepted before it.
    pub fn accept(&mut self, tx: Transaction, now: u64) -> Result<u64, LedgerError> {
        if matches!(tx, Transaction::Deposit(_)) {
            return Err(LedgerError::InvalidFile("deposits arrive through the L1 contract, not the operator".into()));
        }
        self.pending.apply(&tx)?;
        let id = self.next_id;
        self.next_id += 1;
        self.mempool.push_back(Accepted { id, tx, accepted_at: now });
        Ok(id)
    }

    /// Whether there is anything to batch: pending deposits or transactions.
    pub fn has_work(&self, contract: &ZkRollup) -> bool {
        !self.mempool.is_empty() || !contract.pending_deposits().is_empty()
    }

    /// Forms, proves and commits one batch: the next pending deposits, then the oldest
    /// accepted transactions, up to the batch size. Returns `None` when idle.
    pub fn commit_next<R: RngCore + CryptoRng>(
        &mut self,
        chain: &mut Chain,
        contract: &mut ZkRollup,
        rng: &mut R,
        progress: &mut dyn Progress,
    ) -> Result<Option<CommittedBatch>> {
        self.observe_deposits(contract).map_err(ZkRollupError::DepositsDoNotApply)?;
        let batch_size = self.prover.shape().batch_size;
        let mut slots: Vec<Accepted> = Vec::with_capacity(batch_size);
        for queued in contract.pending_deposits().iter().take(batch_size) {
            slots.push(Accepted {
                id: u64::MAX,
                tx: Transaction::Deposit(queued.deposit),
                accepted_at: queued.queued_at,
            });
        }
        while slots.len() < batch_size {
            match self.mempool.pop_front() {
                Some(tx) => slots.push(tx),
                None => break,
            }
        }
        if slots.is_empty() {
            return Ok(None);
        }
        let txs: Vec<Transaction> = slots.iter().map(|a| a.tx).collect();
        let mut next = self.state.clone();
        let record = next.apply_batch(&txs, batch_size).map_err(ZkRollupError::BatchDoesNotApply)?;
        let proof = self.prover.prove(&record, rng, progress)?;

        // Proving took real time; the commit goes out that much later.
        let ready_at = chain.now() + proof.timings.total_seconds().ceil() as u64;
        chain.advance_to_timestamp(ready_at);
        let call = ZkCall::CommitBatch {
            new_root: record.new_root,
            public_data: record.public_data(),
            proof: proof.proof.clone(),
            mode: self.mode,
        };
        let receipt = send(chain, contract, self.address, 0, call)?;
        if let Err(revert) = &receipt.outcome {
            return Err(ZkRollupError::refused("the batch", revert.clone()));
        }
        self.state = next;
        let final_at = chain.finality_time(receipt.slot);
        Ok(Some(CommittedBatch { txs: slots, record, proof, receipt, final_at }))
    }
}

/// Sends a call to the rollup contract, waiting for the next block while the current
/// one is full.
pub fn send(
    chain: &mut Chain,
    contract: &mut ZkRollup,
    from: Address,
    value: l1_contract_sim::Wei,
    call: ZkCall,
) -> Result<Receipt<ZkEvent>> {
    let request = TxRequest {
        from,
        value,
        calldata: contract.calldata(&call),
        blobs: contract.blobs(&call),
        call,
        priority_fee: l1_contract_sim::GWEI,
    };
    Ok(chain.send(contract, request)?)
}
