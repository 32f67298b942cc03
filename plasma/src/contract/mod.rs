//! The Plasma contract on L1 (More Viable Plasma, as OMG's `plasma-contracts` built it, simplified where
//! noted): the operator's block roots, deposits, standard exits, in-flight exits with piggybacks, their
//! challenges, the priority queue and `processExits`.
//!
//! # Blocks and deposits
//! [`PlasmaCall::SubmitBlock`] (operator only) stores a child block's Keccak Merkle root (depth
//! [`PlasmaParams::merkle_depth`], 16 as OMG) and the time, under the next child-block number (1,000, 2,000,
//! ...). [`PlasmaCall::Deposit`] takes the call's value and makes a deposit block of one transaction (no
//! input, one output to the sender), numbered between child blocks, whose root the contract computes itself.
//!
//! # Standard exits
//! [`PlasmaCall::StartStandardExit`], by the output's owner with [`PlasmaParams::standard_exit_bond`]:
//! the output's transaction and its Merkle proof against the stored root. The exit joins the queue
//! ([`queue`]) at `max(block time + 2·MEP, now + MEP)` (`now + MEP` for a deposit output).
//! [`PlasmaCall::ChallengeStandardExit`]: anyone shows a transaction that spends the output, signed by the
//! output's owner (`ecrecover`, EIP-2 low `s`); the exit is removed and the challenger is credited the bond.
//! Inclusion of the spending transaction is not needed: a signature is enough, as in MoreVP.
//!
//! # In-flight exits (MoreVP)
//! When the operator withholds a block, a user cannot prove its transaction's inclusion. Anyone holding the
//! signed transaction may [`PlasmaCall::StartInFlightExit`] with [`PlasmaParams::in_flight_exit_bond`]: the
//! transaction, each input's transaction and inclusion proof; the contract checks every input is signed by
//! its owner and outputs do not exceed inputs. Its priority is that of its *youngest input*, so it is
//! paid before anything the operator created in a later (withheld or invalid) block. Owners then piggyback
//! the outputs (or inputs) they want paid ([`PlasmaParams::piggyback_bond`] each) during the first half of
//! the period after the start. Challenges:
//! - *non-canonical*: a different transaction spending one of its inputs, signed by that input's owner, with
//!   its inclusion proof or none (an unincluded competitor counts as infinitely young); the exit's owner can
//!   answer with the transaction's own inclusion at an older position ([`PlasmaCall::RespondNonCanonical`]);
//! - *input spent*: a piggybacked input spent by another signed transaction — the piggyback is removed;
//! - *output spent*: a piggybacked output spent by an included transaction — the piggyback is removed.
//!
//! When it is processed, a canonical in-flight exit pays its piggybacked outputs and marks all its inputs
//! spent; a non-canonical one pays its piggybacked inputs and its bond goes to the challenger.
//!
//! # Processing
//! [`PlasmaCall::ProcessExits`] (anyone) pops the queue in priority order while the first exit is
//! processable, up to a count. Every output is identified by its output id ([`crate::tx::output_id`]), and an
//! output whose id is flagged is never paid again: no output is paid twice, whichever kind of exit names
//! it. Payments are credited ([`Claims`]) and withdrawn by their owners ([`PlasmaCall::Withdraw`]). The
//! contract keeps the users' ETH (the vault: deposits less exits paid) apart from bonds: an exit the vault
//! cannot cover is dropped unpaid (its bond returned), so an operator's forged exit can take at most what is
//! still in the vault once everyone before it in the queue was paid.
//!
//! # Bonds
//! The standard exit bond defaults to 0.0233 ETH, OMG's `startStandardExit` gas (233k) × 50 gwei × 2 as in
//! plasma-contracts' exit routers; the in-flight exit and piggyback bonds are set to the same figure here
//! (simulation defaults: OMG derives each from its own call's gas).
//!
//! # Simplified
//! One currency; no exit games per output type; no fee outputs; the piggyback period is the first half of
//! the minimum exit period after the in-flight exit starts, and every challenge stays open until the exit is
//! processed (OMG closes canonicity challenges after the first half).

mod calls;
mod exits;
mod in_flight;
pub mod queue;

pub use calls::{PlasmaCall, PlasmaEvent};
pub use in_flight::{InFlightExit, InFlightInput};
pub use queue::{ExitKey, ExitQueue, Priority};

use std::collections::{BTreeMap, BTreeSet};

use l1_contract_sim::claims::Claims;
use l1_contract_sim::ecdsa::keccak256_charged;
use l1_contract_sim::merkle::{verify_charged, MerkleProof};
use l1_contract_sim::{gas, Address, Contract, Env, Revert, Wei, GWEI};
use serde::{Deserialize, Serialize};

use crate::tx::{Hash32, PlasmaTx, UtxoPos, CHILD_BLOCK_INTERVAL};

/// The contract's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlasmaParams {
    /// The only address allowed to submit blocks.
    pub operator: Address,
    /// Minimum exit period, MEP (OMG: one week).
    pub min_exit_period: u64,
    /// Bond of a standard exit.
    pub standard_exit_bond: Wei,
    /// Bond of an in-flight exit.
    pub in_flight_exit_bond: Wei,
    /// Bond of a piggyback.
    pub piggyback_bond: Wei,
    /// Depth of the blocks' Merkle trees (OMG: 16, 2^16 transactions per block).
    pub merkle_depth: u32,
}

impl PlasmaParams {
    /// One week (OMG MoreVP's minimum exit period).
    pub const DEFAULT_MIN_EXIT_PERIOD: u64 = 7 * 24 * 3600;
    /// OMG's standard exit bond: 233,000 gas × 50 gwei × 2 = 0.0233 ETH (plasma-contracts
    /// `PaymentExitRouter` initial bond).
    pub const DEFAULT_STANDARD_EXIT_BOND: Wei = 23_300_000 * GWEI;
    /// Merkle depth of OMG's blocks.
    pub const DEFAULT_MERKLE_DEPTH: u32 = 16;

    /// The defaults for an operator.
    pub fn new(operator: Address) -> PlasmaParams {
        PlasmaParams {
            operator,
            min_exit_period: Self::DEFAULT_MIN_EXIT_PERIOD,
            standard_exit_bond: Self::DEFAULT_STANDARD_EXIT_BOND,
            in_flight_exit_bond: Self::DEFAULT_STANDARD_EXIT_BOND,
            piggyback_bond: Self::DEFAULT_STANDARD_EXIT_BOND,
            merkle_depth: Self::DEFAULT_MERKLE_DEPTH,
        }
    }
}

/// A committed block: its root and when it was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockHeader {
    /// Merkle root of its transactions.
    pub root: Hash32,
    /// L1 timestamp of its submission.
    pub timestamp: u64,
}

/// A standard exit in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardExit {
    /// The output.
    pub utxo_pos: UtxoPos,
    /// Its id.
    pub output_id: Hash32,
    /// Its owner, who started the exit and is paid.
    pub owner: Address,
    /// Wei.
    pub amount: Wei,
    /// Bond held.
    pub bond: Wei,
    /// Its place in the queue.
    pub priority: Priority,
}

/// The Plasma contract's state.
#[derive(Debug, Clone)]
pub struct PlasmaContract {
    address: Address,
    params: PlasmaParams,
    blocks: BTreeMap<u64, BlockHeader>,
    next_child_block: u64,
    next_deposit_block: u64,
    exits: BTreeMap<UtxoPos, StandardExit>,
    /// Outputs whose exit was challenged: they cannot be exited again.
    challenged: BTreeSet<UtxoPos>,
    in_flight: BTreeMap<Hash32, InFlightExit>,
    queue: ExitQueue,
    nonce: u64,
    /// Output ids paid or known spent: never paid (again).
    flagged: BTreeSet<Hash32>,
    claims: Claims,
    vault: Wei,
    bonds_locked: Wei,
    deposited: Wei,
    exited: Wei,
}

pub(crate) fn revert(why: impl Into<String>) -> Revert {
    Revert(why.into())
}

impl PlasmaContract {
    /// A contract with no block.
    pub fn new(address: Address, params: PlasmaParams) -> PlasmaContract {
        PlasmaContract {
            address,
            params,
            blocks: BTreeMap::new(),
            next_child_block: CHILD_BLOCK_INTERVAL,
            next_deposit_block: 1,
            exits: BTreeMap::new(),
            challenged: BTreeSet::new(),
            in_flight: BTreeMap::new(),
            queue: ExitQueue::default(),
            nonce: 0,
            flagged: BTreeSet::new(),
            claims: Claims::default(),
            vault: 0,
            bonds_locked: 0,
            deposited: 0,
            exited: 0,
        }
    }

    /// Parameters.
    pub fn params(&self) -> &PlasmaParams {
        &self.params
    }

    /// Committed blocks, by number.
    pub fn blocks(&self) -> &BTreeMap<u64, BlockHeader> {
        &self.blocks
    }

    /// The number the next child block will get.
    pub fn next_child_block(&self) -> u64 {
        self.next_child_block
    }

    /// Standard exits in progress, by output position.
    pub fn exits(&self) -> &BTreeMap<UtxoPos, StandardExit> {
        &self.exits
    }

    /// In-flight exits (processed ones included), by transaction digest.
    pub fn in_flight_exits(&self) -> &BTreeMap<Hash32, InFlightExit> {
        &self.in_flight
    }

    /// The queue.
    pub fn queue(&self) -> &ExitQueue {
        &self.queue
    }

    /// Whether an output id is flagged (paid or known spent).
    pub fn is_flagged(&self, output_id: &Hash32) -> bool {
        self.flagged.contains(output_id)
    }

    /// What `owner` may withdraw.
    pub fn claimable(&self, owner: Address) -> Wei {
        self.claims.of(owner)
    }

    /// Everything credited and not withdrawn.
    pub fn total_claimable(&self) -> Wei {
        self.claims.total()
    }

    /// The users' ETH the contract holds: deposits less exits paid.
    pub fn vault(&self) -> Wei {
        self.vault
    }

    /// Bonds held.
    pub fn bonds_locked(&self) -> Wei {
        self.bonds_locked
    }

    /// Everything ever deposited.
    pub fn deposited(&self) -> Wei {
        self.deposited
    }

    /// Everything ever paid to exits (bonds excluded).
    pub fn exited(&self) -> Wei {
        self.exited
    }

    /// What the contract owes from its own counters: the vault, bonds and credits. Its ETH balance equals it.
    pub fn liabilities(&self) -> Wei {
        self.vault + self.bonds_locked + self.claims.total()
    }

    /// When an exit from an output created in block `blknum` becomes processable if started now (OMG
    /// `ExitableTimestamp`): `max(block time + 2·MEP, now + MEP)`, or `now + MEP` for a deposit block.
    pub fn exitable_at(&self, now: u64, blknum: u64) -> Option<u64> {
        let mep = self.params.min_exit_period;
        let header = self.blocks.get(&blknum)?;
        Some(if blknum % CHILD_BLOCK_INTERVAL != 0 { now + mep } else { (header.timestamp + 2 * mep).max(now + mep) })
    }

    fn next_nonce(&mut self) -> u64 {
        self.nonce += 1;
        self.nonce
    }

    /// Checks that `tx` is transaction `pos.txindex()` of block `pos.blknum()`, charging the hash, the root's
    /// read and the proof.
    fn check_inclusion(
        &self,
        env: &mut Env<'_>,
        label: &'static str,
        tx_bytes: &[u8],
        pos: UtxoPos,
        proof: &MerkleProof,
    ) -> Result<(), Revert> {
        env.charge(label, gas::SLOAD_COLD);
        let header = self.blocks.get(&pos.blknum()).ok_or_else(|| revert("no such block"))?;
        let leaf = keccak256_charged(env, label, tx_bytes);
        if proof.index != pos.txindex()
            || !verify_charged(env, label, &header.root, self.params.merkle_depth, &leaf, proof)
        {
            return Err(revert("the transaction is not in the block at that position"));
        }
        Ok(())
    }

    fn credit(&mut self, env: &mut Env<'_>, to: Address, amount: Wei, events: &mut Vec<PlasmaEvent>) {
        if amount > 0 {
            self.claims.credit(env, "credit", to, amount);
            events.push(PlasmaEvent::Credited { to, amount });
        }
    }

    /// Pays `amount` of the vault to `owner` for output `output_id` unless it is flagged or the vault is short;
    /// flags it when paid. Returns whether it paid.
    fn pay_output(
        &mut self,
        env: &mut Env<'_>,
        owner: Address,
        amount: Wei,
        output_id: Hash32,
        events: &mut Vec<PlasmaEvent>,
    ) -> bool {
        env.charge("read output flag", gas::SLOAD_COLD);
        if self.flagged.contains(&output_id) {
            events.push(PlasmaEvent::ExitUnpaid { owner, amount, output_id, why: "output already exited or spent" });
            return false;
        }
        if amount > self.vault {
            events.push(PlasmaEvent::ExitUnpaid { owner, amount, output_id, why: "the vault cannot cover it" });
            return false;
        }
        env.charge("flag output", gas::SSTORE_SET);
        self.flagged.insert(output_id);
        self.vault -= amount;
        self.exited += amount;
        events.push(PlasmaEvent::ExitPaid { owner, amount, output_id });
        self.credit(env, owner, amount, events);
        true
    }

    fn deposit(&mut self, env: &mut Env<'_>) -> Result<Vec<PlasmaEvent>, Revert> {
        let amount = env.value();
        if amount == 0 {
            return Err(revert("a deposit needs value"));
        }
        env.charge("read next deposit block", gas::SLOAD_COLD);
        if self.next_deposit_block >= CHILD_BLOCK_INTERVAL {
            return Err(revert("too many deposits since the last child block"));
        }
        let blknum = self.next_child_block - CHILD_BLOCK_INTERVAL + self.next_deposit_block;
        let tx = PlasmaTx::deposit(env.sender(), amount, blknum).map_err(|e| revert(e.to_string()))?;
        let leaf = keccak256_charged(env, "hash deposit transaction", &tx.encode());
        // The root of a tree whose only leaf is the deposit: one hash per level with the zero subtree.
        let depth = self.params.merkle_depth;
        env.charge("deposit block root", u64::from(depth) * (gas::keccak256_gas(64) + gas::MERKLE_LEVEL_OVERHEAD));
        let root = l1_contract_sim::merkle::KeccakTree::new(depth, vec![leaf])
            .ok_or_else(|| revert("bad Merkle depth"))?
            .root();
        env.charge("store deposit block (root, time)", 2 * gas::SSTORE_SET);
        env.charge("bump next deposit block", gas::SSTORE_RESET);
        self.blocks.insert(blknum, BlockHeader { root, timestamp: env.block().timestamp });
        self.next_deposit_block += 1;
        self.vault += amount;
        self.deposited += amount;
        env.charge("emit DepositCreated", gas::log_gas(3, 32));
        Ok(vec![PlasmaEvent::Deposited { blknum, owner: env.sender(), amount }])
    }

    fn submit_block(&mut self, env: &mut Env<'_>, root: Hash32) -> Result<Vec<PlasmaEvent>, Revert> {
        env.charge("read operator", gas::SLOAD_COLD);
        if env.sender() != self.params.operator {
            return Err(revert("only the operator submits blocks"));
        }
        env.charge("read next child block", gas::SLOAD_COLD);
        let blknum = self.next_child_block;
        env.charge("store block (root, time)", 2 * gas::SSTORE_SET);
        env.charge("bump block counters", 2 * gas::SSTORE_RESET);
        self.blocks.insert(blknum, BlockHeader { root, timestamp: env.block().timestamp });
        self.next_child_block += CHILD_BLOCK_INTERVAL;
        self.next_deposit_block = 1;
        env.charge("emit BlockSubmitted", gas::log_gas(1, 32));
        Ok(vec![PlasmaEvent::BlockSubmitted { blknum, root }])
    }

    fn withdraw(&mut self, env: &mut Env<'_>) -> Result<Vec<PlasmaEvent>, Revert> {
        let amount = self.claims.withdraw(env)?;
        Ok(vec![PlasmaEvent::Withdrawn { to: env.sender(), amount }])
    }
}

impl Contract for PlasmaContract {
    type Call = PlasmaCall;
    type Event = PlasmaEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: PlasmaCall) -> Result<Vec<PlasmaEvent>, Revert> {
        let bond = match &call {
            PlasmaCall::Deposit => None,
            PlasmaCall::StartStandardExit { .. } => Some(self.params.standard_exit_bond),
            PlasmaCall::StartInFlightExit { .. } => Some(self.params.in_flight_exit_bond),
            PlasmaCall::PiggybackInput { .. } | PlasmaCall::PiggybackOutput { .. } => Some(self.params.piggyback_bond),
            _ => Some(0),
        };
        if let Some(bond) = bond {
            if env.value() != bond {
                return Err(revert(format!("this call takes exactly {bond} wei")));
            }
        }
        match call {
            PlasmaCall::Deposit => self.deposit(env),
            PlasmaCall::SubmitBlock { root } => self.submit_block(env, root),
            PlasmaCall::StartStandardExit { utxo_pos, tx, proof } => {
                self.start_standard_exit(env, utxo_pos, &tx, &proof)
            }
            PlasmaCall::ChallengeStandardExit { utxo_pos, spending, input_index } => {
                self.challenge_standard_exit(env, utxo_pos, &spending, input_index)
            }
            PlasmaCall::StartInFlightExit { tx, input_txs, input_proofs } => {
                self.start_in_flight_exit(env, &tx, &input_txs, &input_proofs)
            }
            PlasmaCall::PiggybackInput { tx_hash, index } => self.piggyback(env, tx_hash, index, true),
            PlasmaCall::PiggybackOutput { tx_hash, index } => self.piggyback(env, tx_hash, index, false),
            PlasmaCall::ChallengeNonCanonical {
                tx_hash,
                input_index,
                competitor,
                competitor_input_index,
                inclusion,
            } => {
                self.challenge_non_canonical(env, tx_hash, input_index, &competitor, competitor_input_index, inclusion)
            }
            PlasmaCall::RespondNonCanonical { tx_hash, tx_pos, proof } => {
                self.respond_non_canonical(env, tx_hash, tx_pos, &proof)
            }
            PlasmaCall::ChallengeInputSpent { tx_hash, input_index, spending, spending_input_index } => {
                self.challenge_input_spent(env, tx_hash, input_index, &spending, spending_input_index)
            }
            PlasmaCall::ChallengeOutputSpent {
                tx_hash,
                output_index,
                tx_pos,
                proof,
                spending,
                spending_input_index,
            } => {
                self.challenge_output_spent(env, tx_hash, output_index, tx_pos, &proof, &spending, spending_input_index)
            }
            PlasmaCall::ProcessExits { max } => self.process_exits(env, max),
            PlasmaCall::Withdraw => self.withdraw(env),
        }
    }
}

#[cfg(test)]
mod tests;
