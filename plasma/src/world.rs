//! What the actors share: the L1 chain with the Plasma contract, the blocks the operator published, the
//! signed transactions in-flight exits revealed, a log of every L1 transaction, and the public view every
//! watcher computes from the published blocks (the valid chain, and the first withheld or invalid block).

use std::collections::BTreeMap;

use l1_contract_sim::{Address, Chain, ChainError, Receipt, TxRequest, Wei};
use serde::{Deserialize, Serialize};

use crate::child::{Block, ChildChain};
use crate::contract::{PlasmaCall, PlasmaContract, PlasmaEvent};
use crate::error::Result;
use crate::tx::{Hash32, SignedTx, CHILD_BLOCK_INTERVAL};

/// One L1 transaction the simulation sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct L1Tx {
    /// The call's name.
    pub kind: String,
    /// Sender.
    pub from: Address,
    /// Gas used.
    pub gas: u64,
    /// Wei the sender paid for it (gas × price).
    pub fee: Wei,
    /// Calldata bytes.
    pub calldata_bytes: usize,
    /// Block timestamp.
    pub time: u64,
    /// Whether it succeeded.
    pub ok: bool,
}

/// An output paid by `processExits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paid {
    /// To whom.
    pub owner: Address,
    /// Wei.
    pub amount: Wei,
    /// When.
    pub time: u64,
}

/// Why watchers stopped trusting the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// A committed block's data was not published.
    Withheld,
    /// A published block holds an invalid transaction.
    Invalid,
}

/// The chain as watchers see it: published blocks, replayed in order while valid.
#[derive(Debug, Clone, Default)]
pub struct PublicView {
    /// The valid prefix of the child chain (deposit blocks and valid published child blocks).
    pub valid: ChildChain,
    /// The first child block that is withheld or invalid, with why and when it was noticed.
    pub bad: Option<(u64, Fault, u64)>,
}

impl PublicView {
    /// Catches up with the contract's blocks and the published data, in block order, stopping at the first
    /// withheld or invalid child block (nothing after it can be trusted).
    pub fn update(&mut self, world: &World) -> Result<()> {
        if self.bad.is_some() {
            return Ok(());
        }
        let now = world.chain.now();
        for &blknum in world.contract.blocks().keys() {
            if self.valid.block(blknum).is_some() {
                continue;
            }
            let Some(block) = world.published.get(&blknum) else {
                if blknum % CHILD_BLOCK_INTERVAL == 0 {
                    self.bad = Some((blknum, Fault::Withheld, now));
                    return Ok(());
                }
                continue;
            };
            let root = block.root(world.contract.params().merkle_depth);
            let committed = world.contract.blocks().get(&blknum).map(|h| h.root);
            if root != committed || self.valid.validate(block).is_err() {
                self.bad = Some((blknum, Fault::Invalid, now));
                return Ok(());
            }
            self.valid.push_unchecked(block.clone())?;
        }
        Ok(())
    }
}

/// The simulated L1 with the Plasma contract, and what is public off chain.
#[derive(Debug, Clone)]
pub struct World {
    /// The chain.
    pub chain: Chain,
    /// The contract.
    pub contract: PlasmaContract,
    /// Blocks whose data the operator published (deposit blocks are public from L1 events).
    pub published: BTreeMap<u64, Block>,
    /// Signed transactions revealed in calldata by in-flight exits and challenges.
    pub revealed: BTreeMap<Hash32, SignedTx>,
    /// Outputs paid, by output id.
    pub paid: BTreeMap<Hash32, Paid>,
    /// Outputs paid more than once (always empty: the contract flags every output it pays).
    pub paid_twice: Vec<Hash32>,
    /// Every L1 transaction sent.
    pub log: Vec<L1Tx>,
    /// Every event, with its time.
    pub events: Vec<(u64, PlasmaEvent)>,
}

impl World {
    /// A world around a chain and a contract.
    pub fn new(chain: Chain, contract: PlasmaContract) -> World {
        World {
            chain,
            contract,
            published: BTreeMap::new(),
            revealed: BTreeMap::new(),
            paid: BTreeMap::new(),
            paid_twice: Vec::new(),
            log: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Sends one call (waiting for the next block if the current one is full), logs it and records its
    /// events. A revert is a receipt, not an error.
    ///
    /// # Errors
    /// [`ChainError`] if the chain refuses the transaction for good.
    pub fn send(&mut self, from: Address, value: Wei, call: PlasmaCall) -> Result<Receipt<PlasmaEvent>> {
        let kind = call.name().to_string();
        let calldata = call.calldata();
        let calldata_bytes = calldata.len();
        match &call {
            PlasmaCall::StartInFlightExit { tx, .. } => {
                self.revealed.insert(tx.tx.digest(), tx.clone());
            }
            PlasmaCall::ChallengeNonCanonical { competitor: t, .. }
            | PlasmaCall::ChallengeInputSpent { spending: t, .. }
            | PlasmaCall::ChallengeOutputSpent { spending: t, .. }
            | PlasmaCall::ChallengeStandardExit { spending: t, .. } => {
                self.revealed.insert(t.tx.digest(), t.clone());
            }
            _ => {}
        }
        let request = TxRequest::new(from, calldata, call).with_value(value);
        let receipt = loop {
            match self.chain.transact(&mut self.contract, request.clone()) {
                Ok(receipt) => break receipt,
                Err(ChainError::BlockFull) => self.chain.advance_slot(),
                Err(e) => return Err(e.into()),
            }
        };
        self.record(&kind, from, calldata_bytes, &receipt);
        Ok(receipt)
    }

    /// Logs an included transaction and records its events.
    pub fn record(&mut self, kind: &str, from: Address, calldata_bytes: usize, receipt: &Receipt<PlasmaEvent>) {
        self.log.push(L1Tx {
            kind: kind.to_string(),
            from,
            gas: receipt.gas_used,
            fee: receipt.fee_paid,
            calldata_bytes,
            time: receipt.timestamp,
            ok: receipt.succeeded(),
        });
        if let Ok(events) = &receipt.outcome {
            for e in events {
                if let PlasmaEvent::ExitPaid { owner, amount, output_id } = e {
                    let paid = Paid { owner: *owner, amount: *amount, time: receipt.timestamp };
                    if self.paid.insert(*output_id, paid).is_some() {
                        self.paid_twice.push(*output_id);
                    }
                }
                self.events.push((receipt.timestamp, e.clone()));
            }
        }
    }
}
