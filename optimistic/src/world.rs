//! What the actors share: the chain, the contract, the batches as L1 calldata shows them, and a log of every
//! L1 transaction the simulation sent.

use std::collections::BTreeMap;

use crate::contract::{OptCall, OptEvent, OptimisticRollup};
use l1_contract_sim::{Address, Chain, ChainError, Receipt, TxRequest, Wei};
use ledger::Transaction;
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The kind of an L1 call, for accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    /// A user deposit.
    Deposit,
    /// An assertion.
    Propose,
    /// A challenge.
    Challenge,
    /// A bisection reveal.
    Reveal,
    /// A bisection choice.
    Choose,
    /// A one-step proof.
    OneStepProof,
    /// A timeout.
    Timeout,
    /// A confirmation.
    Confirm,
    /// A withdrawal of credited wei.
    Withdraw,
}

impl CallKind {
    /// The kind of a call.
    pub fn of(call: &OptCall) -> CallKind {
        match call {
            OptCall::Deposit { .. } => CallKind::Deposit,
            OptCall::Propose { .. } => CallKind::Propose,
            OptCall::Challenge { .. } => CallKind::Challenge,
            OptCall::Reveal { .. } => CallKind::Reveal,
            OptCall::Choose { .. } => CallKind::Choose,
            OptCall::OneStepProof { .. } => CallKind::OneStepProof,
            OptCall::Timeout { .. } => CallKind::Timeout,
            OptCall::Confirm { .. } => CallKind::Confirm,
            OptCall::Withdraw => CallKind::Withdraw,
        }
    }

    /// Whether the call belongs to a dispute game.
    pub fn is_dispute(self) -> bool {
        matches!(
            self,
            CallKind::Challenge | CallKind::Reveal | CallKind::Choose | CallKind::OneStepProof | CallKind::Timeout
        )
    }

    /// The call's name.
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Deposit => "Deposit",
            CallKind::Propose => "Propose",
            CallKind::Challenge => "Challenge",
            CallKind::Reveal => "Reveal",
            CallKind::Choose => "Choose",
            CallKind::OneStepProof => "OneStepProof",
            CallKind::Timeout => "Timeout",
            CallKind::Confirm => "Confirm",
            CallKind::Withdraw => "Withdraw",
        }
    }
}

/// One L1 transaction the simulation sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct L1Tx {
    /// What it called.
    pub kind: CallKind,
    /// Who sent it.
    pub from: Address,
    /// Gas used.
    pub gas: u64,
    /// Bytes of calldata it carried (the contract's encoding of the call).
    pub calldata_bytes: usize,
    /// Block timestamp.
    pub time: u64,
    /// Whether the call succeeded.
    pub ok: bool,
    /// The game it moved, if any.
    pub game: Option<u64>,
}

/// An L2 transaction of the workload, with when it reached the proposer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L2Tx {
    /// Position in the workload.
    pub id: usize,
    /// The transaction.
    pub tx: Transaction,
    /// When the proposer received it.
    pub arrival: u64,
}

/// The simulated L1 with the rollup contract, as every actor sees it.
#[derive(Debug, Clone)]
pub struct World {
    /// The chain.
    pub chain: Chain,
    /// The contract.
    pub contract: OptimisticRollup,
    /// Each assertion's transactions, as its calldata carries them.
    pub posted: BTreeMap<u64, Vec<Transaction>>,
    /// When each assertion was confirmed.
    pub confirmed_at: BTreeMap<u64, u64>,
    /// Every L1 transaction sent.
    pub log: Vec<L1Tx>,
}

impl World {
    /// A world around a chain and a contract.
    pub fn new(chain: Chain, contract: OptimisticRollup) -> World {
        World { chain, contract, posted: BTreeMap::new(), confirmed_at: BTreeMap::new(), log: Vec::new() }
    }

    /// Sends one call (waiting for the next block if the current one is full) and logs it. A revert is a
    /// receipt, not an error.
    ///
    /// # Errors
    /// [`ChainError`](l1_contract_sim::ChainError) if the chain refuses the transaction for good.
    pub fn send(&mut self, from: Address, value: Wei, call: OptCall) -> Result<Receipt<OptEvent>> {
        let kind = CallKind::of(&call);
        let game = match &call {
            OptCall::Reveal { game, .. }
            | OptCall::Choose { game, .. }
            | OptCall::OneStepProof { game, .. }
            | OptCall::Timeout { game } => Some(*game),
            _ => None,
        };
        let posted = match &call {
            OptCall::Propose { txs, .. } => Some(txs.clone()),
            _ => None,
        };
        let calldata = self.contract.calldata(&call);
        let calldata_bytes = calldata.len();
        let request = TxRequest::new(from, calldata, call).with_value(value);
        let receipt = loop {
            match self.chain.transact(&mut self.contract, request.clone()) {
                Ok(receipt) => break receipt,
                Err(ChainError::BlockFull) => self.chain.advance_slot(),
                Err(e) => return Err(e.into()),
            }
        };
        let mut game = game;
        if let Ok(events) = &receipt.outcome {
            for event in events {
                match event {
                    OptEvent::Proposed { assertion, .. } => {
                        self.posted.insert(*assertion, posted.clone().unwrap_or_default());
                    }
                    OptEvent::Confirmed { assertion } => {
                        self.confirmed_at.insert(*assertion, receipt.timestamp);
                    }
                    OptEvent::Challenged { game: g, .. } => game = Some(*g),
                    _ => {}
                }
            }
        }
        self.log.push(L1Tx {
            kind,
            from,
            gas: receipt.gas_used,
            calldata_bytes,
            time: receipt.timestamp,
            ok: receipt.succeeded(),
            game,
        });
        Ok(receipt)
    }
}
