//! Standard exits, their challenge, and `processExits`.

use l1_contract_sim::ecdsa::{ecrecover_charged, keccak256_charged};
use l1_contract_sim::merkle::MerkleProof;
use l1_contract_sim::{gas, Env, Revert};

use super::*;
use crate::tx::{output_id, SignedTx};

impl PlasmaContract {
    pub(super) fn start_standard_exit(
        &mut self,
        env: &mut Env<'_>,
        utxo_pos: UtxoPos,
        tx: &PlasmaTx,
        proof: &MerkleProof,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        let bytes = tx.encode();
        self.check_inclusion(env, "check output inclusion", &bytes, utxo_pos, proof)?;
        let output = *tx
            .outputs()
            .get(utxo_pos.oindex() as usize)
            .ok_or_else(|| revert("the transaction has no such output"))?;
        if env.sender() != output.owner {
            return Err(revert("only the output's owner may exit it"));
        }
        env.charge("output id", gas::keccak256_gas(bytes.len() + 32));
        let id = output_id(&bytes, utxo_pos.oindex() as usize);
        env.charge("read exit and output flag", 2 * gas::SLOAD_COLD);
        if self.flagged.contains(&id) {
            return Err(revert("the output was already exited"));
        }
        if self.exits.contains_key(&utxo_pos) || self.challenged.contains(&utxo_pos) {
            return Err(revert("this output's exit already exists or was challenged"));
        }
        let now = env.block().timestamp;
        let exitable_at = self.exitable_at(now, utxo_pos.blknum()).ok_or_else(|| revert("no such block"))?;
        let priority = Priority { exitable_at, position: utxo_pos.tx_pos(), nonce: self.next_nonce() };
        env.charge("store exit (position, id, owner, amount, bond)", 4 * gas::SSTORE_SET);
        self.exits.insert(
            utxo_pos,
            StandardExit {
                utxo_pos,
                output_id: id,
                owner: output.owner,
                amount: output.amount,
                bond: env.value(),
                priority,
            },
        );
        self.bonds_locked += env.value();
        self.queue.insert(env, priority, ExitKey::Standard(utxo_pos));
        env.charge("emit ExitStarted", gas::log_gas(3, 64));
        Ok(vec![PlasmaEvent::ExitStarted { utxo_pos, owner: output.owner, amount: output.amount, exitable_at }])
    }

    pub(super) fn challenge_standard_exit(
        &mut self,
        env: &mut Env<'_>,
        utxo_pos: UtxoPos,
        spending: &SignedTx,
        input_index: usize,
    ) -> Result<Vec<PlasmaEvent>, Revert> {
        env.charge("read exit", 3 * gas::SLOAD_COLD);
        let exit = self.exits.get(&utxo_pos).cloned().ok_or_else(|| revert("no exit of that output in progress"))?;
        if spending.tx.inputs().get(input_index) != Some(&utxo_pos) {
            return Err(revert("the transaction does not spend the exiting output"));
        }
        let digest = keccak256_charged(env, "hash spending transaction", &spending.tx.encode());
        let sig = spending.sigs.get(input_index).ok_or_else(|| revert("no signature for that input"))?;
        if ecrecover_charged(env, "ecrecover", &digest, sig) != Some(exit.owner) {
            return Err(revert("the spending transaction is not signed by the output's owner"));
        }
        env.charge("delete exit", 4 * gas::SSTORE_RESET);
        self.exits.remove(&utxo_pos);
        self.challenged.insert(utxo_pos);
        self.bonds_locked -= exit.bond;
        let mut events = vec![PlasmaEvent::ExitChallenged { utxo_pos, challenger: env.sender() }];
        self.credit(env, env.sender(), exit.bond, &mut events);
        env.charge("emit ExitChallenged", gas::log_gas(2, 32));
        Ok(events)
    }

    pub(super) fn process_exits(&mut self, env: &mut Env<'_>, max: u32) -> Result<Vec<PlasmaEvent>, Revert> {
        let now = env.block().timestamp;
        let mut events = Vec::new();
        let mut done = 0u32;
        while done < max {
            env.charge("read queue head", gas::SLOAD_COLD);
            let Some(&(priority, key)) = self.queue.peek() else { break };
            if priority.exitable_at > now {
                break;
            }
            self.queue.pop(env);
            done += 1;
            match key {
                ExitKey::Standard(pos) => {
                    env.charge("read exit", 3 * gas::SLOAD_COLD);
                    // A challenged exit was deleted: its queue entry is skipped.
                    let Some(exit) = self.exits.remove(&pos) else { continue };
                    env.charge("delete exit", 4 * gas::SSTORE_RESET);
                    self.pay_output(env, exit.owner, exit.amount, exit.output_id, &mut events);
                    self.bonds_locked -= exit.bond;
                    self.credit(env, exit.owner, exit.bond, &mut events);
                }
                ExitKey::InFlight(hash) => self.process_in_flight(env, hash, &mut events),
            }
        }
        if done == 0 {
            return Err(revert("no exit is processable yet"));
        }
        env.charge("emit ProcessedExits", gas::log_gas(1, 32));
        Ok(events)
    }
}
