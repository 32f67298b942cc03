//! In-flight exits (MoreVP): start, piggybacks, canonicity challenges and responses, spent-input and
//! spent-output challenges, and processing.

use l1_contract_sim::ecdsa::{ecrecover_charged, keccak256_charged};
use l1_contract_sim::merkle::MerkleProof;
use l1_contract_sim::{gas, Env, Revert};
use serde::{Deserialize, Serialize};

use super::*;
use crate::tx::{output_id, SignedTx};

/// One input of an in-flight transaction, as the contract checked it at the start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlightInput {
    /// Its position.
    pub pos: UtxoPos,
    /// Its owner (who signed the in-flight transaction for it).
    pub owner: Address,
    /// Wei.
    pub amount: Wei,
    /// Its output id.
    pub output_id: Hash32,
}

/// An in-flight exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlightExit {
    /// The transaction.
    pub tx: PlasmaTx,
    /// Who started it.
    pub starter: Address,
    /// When.
    pub started_at: u64,
    /// Its place in the queue (from its youngest input).
    pub priority: Priority,
    /// The in-flight exit bond.
    pub bond: Wei,
    /// Who gets the bond at processing: the starter, a successful challenger, or a responder.
    pub bond_owner: Address,
    /// The inputs.
    pub inputs: Vec<InFlightInput>,
    /// Which inputs are piggybacked.
    pub piggybacked_inputs: Vec<bool>,
    /// Which outputs are piggybacked.
    pub piggybacked_outputs: Vec<bool>,
    /// Whether no competitor older than the transaction is known.
    pub canonical: bool,
    /// The oldest competitor's position shown (`u64::MAX`: one that was not included).
    pub oldest_competitor: Option<u64>,
    /// The transaction's position, once shown by a response.
    pub included_at: Option<u64>,
    /// Whether it was processed.
    pub processed: bool,
}

impl PlasmaContract {
    fn live_ife(&self, env: &mut Env<'_>, tx_hash: &Hash32) -> Result<InFlightExit, Revert> {
        env.charge("read in-flight exit", 3 * gas::SLOAD_COLD);
        match self.in_flight.get(tx_hash) {
            Some(e) if !e.processed => Ok(e.clone()),
            Some(_) => Err(revert("the in-flight exit was processed")),
            None => Err(revert("no such in-flight exit")),
        }
    }

    pub(super) fn start_in_flight_exit(
        &mut self,
        env: &mut Env<'_>,
        signed: &SignedTx,
        input_txs: &[PlasmaTx],
        input_proofs: &[MerkleProof],
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let tx = &signed.tx;
        let n = tx.inputs().len();
        if n == 0 || input_txs.len() != n || input_proofs.len() != n || signed.sigs.len() != n {
            return Err(revert("one input transaction, proof and signature per input"));
        }
        let tx_hash = keccak256_charged(env, "hash in-flight transaction", &tx.encode());
        env.charge("read in-flight exit", gas::SLOAD_COLD);
        if self.in_flight.contains_key(&tx_hash) {
            return Err(revert("this in-flight exit already exists"));
        }
        let mut inputs = Vec::with_capacity(n);
        let mut sum: Wei = 0;
        for (i, (pos, (input_tx, proof))) in tx.inputs().iter().zip(input_txs.iter().zip(input_proofs)).enumerate() {
            let bytes = input_tx.encode();
            self.check_inclusion(env, "check input inclusion", &bytes, *pos, proof)?;
            let out = *input_tx.outputs().get(pos.oindex() as usize).ok_or_else(|| revert("no such input output"))?;
            if ecrecover_charged(env, "ecrecover", &tx_hash, &signed.sigs[i]) != Some(out.owner) {
                return Err(revert(format!("input {i} is not signed by its owner")));
            }
            env.charge("input output id", gas::keccak256_gas(bytes.len() + 32));
            sum = sum.checked_add(out.amount).ok_or_else(|| revert("inputs overflow"))?;
            inputs.push(InFlightInput {
                pos: *pos,
                owner: out.owner,
                amount: out.amount,
                output_id: output_id(&bytes, pos.oindex() as usize),
            });
        }
        if tx.output_sum().is_none_or(|o| o > sum) {
            return Err(revert("outputs exceed inputs"));
        }
        let youngest = tx.inputs().iter().copied().max().ok_or_else(|| revert("no input"))?;
        let now = env.block().timestamp;
        let exitable_at = self.exitable_at(now, youngest.blknum()).ok_or_else(|| revert("no such block"))?;
        let priority = Priority { exitable_at, position: youngest.tx_pos(), nonce: self.next_nonce() };
        // OMG stores the exit's header words and each input's and output's owner and amount.
        env.charge("store in-flight exit", (4 + 2 * n as u64 + 2 * tx.outputs().len() as u64) * gas::SSTORE_SET);
        self.in_flight.insert(
            tx_hash,
            InFlightExit {
                tx: tx.clone(),
                starter: env.sender(),
                started_at: now,
                priority,
                bond: env.value(),
                bond_owner: env.sender(),
                inputs,
                piggybacked_inputs: vec![false; n],
                piggybacked_outputs: vec![false; tx.outputs().len()],
                canonical: true,
                oldest_competitor: None,
                included_at: None,
                processed: false,
            },
        );
        self.bonds_locked += env.value();
        self.queue.insert(env, priority, ExitKey::InFlight(tx_hash));
        env.charge("emit InFlightExitStarted", gas::log_gas(2, 32));
        Ok(vec![PlasmaEvent::InFlightExitStarted { tx_hash, owner: env.sender(), exitable_at }])
    }

    pub(super) fn piggyback(
        &mut self,
        env: &mut Env<'_>,
        tx_hash: Hash32,
        index: usize,
        input: bool,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let ife = self.live_ife(env, &tx_hash)?;
        if env.block().timestamp >= ife.started_at + self.params.min_exit_period / 2 {
            return Err(revert("the piggyback period is over"));
        }
        let (owner, already) = if input {
            let i = ife.inputs.get(index).ok_or_else(|| revert("no such input"))?;
            (i.owner, ife.piggybacked_inputs[index])
        } else {
            let o = ife.tx.outputs().get(index).ok_or_else(|| revert("no such output"))?;
            (o.owner, ife.piggybacked_outputs[index])
        };
        if env.sender() != owner {
            return Err(revert("only its owner may piggyback it"));
        }
        if already {
            return Err(revert("already piggybacked"));
        }
        env.charge("store piggyback", gas::SSTORE_RESET);
        let e = self.in_flight.get_mut(&tx_hash).ok_or_else(|| revert("no such in-flight exit"))?;
        if input {
            e.piggybacked_inputs[index] = true;
        } else {
            e.piggybacked_outputs[index] = true;
        }
        self.bonds_locked += env.value();
        env.charge("emit Piggybacked", gas::log_gas(2, 32));
        Ok(vec![PlasmaEvent::Piggybacked { tx_hash, input, index }])
    }

    /// Checks that `spending` spends `pos` at `index`, signed by `owner`, and is not the in-flight transaction.
    fn check_spend(
        &self,
        env: &mut Env<'_>,
        ife: &InFlightExit,
        spending: &SignedTx,
        index: usize,
        pos: UtxoPos,
        owner: Address,
    ) -> Result<Vec<u8>, Revert> {
        if spending.tx == ife.tx {
            return Err(revert("the in-flight transaction itself is no competitor"));
        }
        if spending.tx.inputs().get(index) != Some(&pos) {
            return Err(revert("the transaction does not spend that output"));
        }
        let bytes = spending.tx.encode();
        let digest = keccak256_charged(env, "hash spending transaction", &bytes);
        let sig = spending.sigs.get(index).ok_or_else(|| revert("no signature for that input"))?;
        if ecrecover_charged(env, "ecrecover", &digest, sig) != Some(owner) {
            return Err(revert("not signed by the output's owner"));
        }
        Ok(bytes)
    }

    pub(super) fn challenge_non_canonical(
        &mut self,
        env: &mut Env<'_>,
        tx_hash: Hash32,
        input_index: usize,
        competitor: &SignedTx,
        competitor_input_index: usize,
        inclusion: Option<(UtxoPos, MerkleProof)>,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let ife = self.live_ife(env, &tx_hash)?;
        let input = ife.inputs.get(input_index).ok_or_else(|| revert("no such input"))?.clone();
        let bytes = self.check_spend(env, &ife, competitor, competitor_input_index, input.pos, input.owner)?;
        let position = match inclusion {
            Some((pos, proof)) => {
                self.check_inclusion(env, "check competitor inclusion", &bytes, pos, &proof)?;
                pos.tx_pos()
            }
            None => u64::MAX,
        };
        if ife.oldest_competitor.is_some_and(|p| position >= p) || ife.included_at.is_some_and(|q| position >= q) {
            return Err(revert("the competitor is not older than what is known"));
        }
        env.charge("store competitor and bond owner", 3 * gas::SSTORE_RESET);
        let e = self.in_flight.get_mut(&tx_hash).ok_or_else(|| revert("no such in-flight exit"))?;
        e.canonical = false;
        e.oldest_competitor = Some(position);
        e.bond_owner = env.sender();
        env.charge("emit NonCanonical", gas::log_gas(2, 32));
        Ok(vec![PlasmaEvent::NonCanonical { tx_hash, competitor_position: position }])
    }

    pub(super) fn respond_non_canonical(
        &mut self,
        env: &mut Env<'_>,
        tx_hash: Hash32,
        tx_pos: UtxoPos,
        proof: &MerkleProof,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let ife = self.live_ife(env, &tx_hash)?;
        if ife.canonical {
            return Err(revert("the exit is canonical"));
        }
        self.check_inclusion(env, "check in-flight transaction inclusion", &ife.tx.encode(), tx_pos, proof)?;
        if ife.oldest_competitor.is_some_and(|p| tx_pos.tx_pos() >= p) {
            return Err(revert("the transaction is not older than its competitor"));
        }
        env.charge("store canonicity and bond owner", 3 * gas::SSTORE_RESET);
        let e = self.in_flight.get_mut(&tx_hash).ok_or_else(|| revert("no such in-flight exit"))?;
        e.canonical = true;
        e.included_at = Some(tx_pos.tx_pos());
        e.bond_owner = env.sender();
        env.charge("emit Canonical", gas::log_gas(2, 0));
        Ok(vec![PlasmaEvent::Canonical { tx_hash }])
    }

    fn remove_piggyback(
        &mut self,
        env: &mut Env<'_>,
        tx_hash: Hash32,
        index: usize,
        input: bool,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        env.charge("clear piggyback", gas::SSTORE_RESET);
        let e = self.in_flight.get_mut(&tx_hash).ok_or_else(|| revert("no such in-flight exit"))?;
        if input {
            e.piggybacked_inputs[index] = false;
        } else {
            e.piggybacked_outputs[index] = false;
        }
        let bond = self.params.piggyback_bond;
        self.bonds_locked -= bond;
        let challenger = env.sender();
        let mut events = vec![PlasmaEvent::PiggybackChallenged { tx_hash, input, index, challenger }];
        self.credit(env, challenger, bond, &mut events);
        env.charge("emit PiggybackChallenged", gas::log_gas(2, 32));
        Ok(events)
    }

    pub(super) fn challenge_input_spent(
        &mut self,
        env: &mut Env<'_>,
        tx_hash: Hash32,
        input_index: usize,
        spending: &SignedTx,
        spending_input_index: usize,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let ife = self.live_ife(env, &tx_hash)?;
        if !ife.piggybacked_inputs.get(input_index).copied().unwrap_or(false) {
            return Err(revert("that input is not piggybacked"));
        }
        let input = ife.inputs[input_index].clone();
        self.check_spend(env, &ife, spending, spending_input_index, input.pos, input.owner)?;
        self.remove_piggyback(env, tx_hash, input_index, true)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn challenge_output_spent(
        &mut self,
        env: &mut Env<'_>,
        tx_hash: Hash32,
        output_index: usize,
        tx_pos: UtxoPos,
        proof: &MerkleProof,
        spending: &SignedTx,
        spending_input_index: usize,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let ife = self.live_ife(env, &tx_hash)?;
        if !ife.piggybacked_outputs.get(output_index).copied().unwrap_or(false) {
            return Err(revert("that output is not piggybacked"));
        }
        self.check_inclusion(env, "check in-flight transaction inclusion", &ife.tx.encode(), tx_pos, proof)?;
        let pos = UtxoPos::from_raw(tx_pos.tx_pos() + output_index as u64);
        let owner = ife.tx.outputs()[output_index].owner;
        self.check_spend(env, &ife, spending, spending_input_index, pos, owner)?;
        self.remove_piggyback(env, tx_hash, output_index, false)
    }

    pub(super) fn process_in_flight(&mut self, env: &mut Env<'_>, tx_hash: Hash32, events: &mut Vec<PlasmaEvent>) {
        env.charge("read in-flight exit", 3 * gas::SLOAD_COLD);
        let Some(ife) = self.in_flight.get(&tx_hash).cloned() else { return };
        if ife.processed {
            return;
        }
        let bond = self.params.piggyback_bond;
        env.charge("read input flags", gas::SLOAD_COLD * ife.inputs.len() as u64);
        let any_input_spent = ife.inputs.iter().any(|i| self.flagged.contains(&i.output_id));
        let bytes = ife.tx.encode();
        if ife.canonical && !any_input_spent {
            for (o, out) in ife.tx.outputs().iter().enumerate() {
                if ife.piggybacked_outputs[o] {
                    env.charge("output id", gas::keccak256_gas(bytes.len() + 32));
                    self.pay_output(env, out.owner, out.amount, output_id(&bytes, o), events);
                    self.bonds_locked -= bond;
                    self.credit(env, out.owner, bond, events);
                }
            }
            for (i, input) in ife.inputs.iter().enumerate() {
                env.charge("flag input spent", gas::SSTORE_SET);
                self.flagged.insert(input.output_id);
                if ife.piggybacked_inputs[i] {
                    self.bonds_locked -= bond;
                    self.credit(env, input.owner, bond, events);
                }
            }
        } else {
            for (i, input) in ife.inputs.iter().enumerate() {
                if ife.piggybacked_inputs[i] {
                    self.pay_output(env, input.owner, input.amount, input.output_id, events);
                    self.bonds_locked -= bond;
                    self.credit(env, input.owner, bond, events);
                }
            }
            for (o, out) in ife.tx.outputs().iter().enumerate() {
                if ife.piggybacked_outputs[o] {
                    self.bonds_locked -= bond;
                    self.credit(env, out.owner, bond, events);
                }
            }
        }
        self.bonds_locked -= ife.bond;
        self.credit(env, ife.bond_owner, ife.bond, events);
        env.charge("mark processed", gas::SSTORE_RESET);
        if let Some(e) = self.in_flight.get_mut(&tx_hash) {
            e.processed = true;
        }
    }
}
