//! The child chain as its operator keeps it and as users replay it: blocks of signed transactions, their
//! Keccak Merkle roots (fixed depth, the leaf of a transaction is [`PlasmaTx::digest`]), and the UTXO set.
//!
//! [`check`] is the one validity rule (inputs exist and are unspent, each is signed by its owner, outputs do
//! not exceed inputs): the honest operator applies it before including a transaction and users apply it to
//! every block they download, which is how they notice an invalid block.

use std::collections::BTreeMap;

use l1_contract_sim::merkle::{KeccakTree, MerkleProof};
use l1_contract_sim::Wei;
use serde::{Deserialize, Serialize};

use crate::error::{PlasmaError, Result};
use crate::tx::{Hash32, Output, PlasmaTx, SignedTx, UtxoPos, CHILD_BLOCK_INTERVAL};

/// A block: its number and transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Its number (a multiple of [`CHILD_BLOCK_INTERVAL`] for child blocks).
    pub number: u64,
    /// Its transactions, in order.
    pub txs: Vec<SignedTx>,
}

impl Block {
    /// The Merkle tree of the block's transactions at `depth`, `None` if they do not fit.
    pub fn tree(&self, depth: u32) -> Option<KeccakTree> {
        KeccakTree::new(depth, self.txs.iter().map(|t| t.tx.digest()).collect())
    }

    /// The root at `depth`.
    pub fn root(&self, depth: u32) -> Option<Hash32> {
        self.tree(depth).map(|t| t.root())
    }

    /// The inclusion proof of transaction `txindex`.
    pub fn proof(&self, depth: u32, txindex: u64) -> Option<MerkleProof> {
        self.tree(depth).and_then(|t| t.proof(txindex))
    }
}

/// Why a transaction is invalid on the child chain.
pub fn check(utxos: &BTreeMap<UtxoPos, Output>, signed: &SignedTx) -> Result<()> {
    let tx = &signed.tx;
    if tx.inputs().is_empty() {
        return Err(PlasmaError::InvalidTx("a transfer needs an input".into()));
    }
    if signed.sigs.len() != tx.inputs().len() {
        return Err(PlasmaError::InvalidTx("one signature per input".into()));
    }
    let mut sum: Wei = 0;
    for (i, pos) in tx.inputs().iter().enumerate() {
        let out =
            utxos.get(pos).ok_or_else(|| PlasmaError::InvalidTx(format!("input {} is not unspent", pos.raw())))?;
        if signed.signer(i) != Some(out.owner) {
            return Err(PlasmaError::InvalidTx(format!("input {i} is not signed by its owner")));
        }
        sum = sum.checked_add(out.amount).ok_or_else(|| PlasmaError::InvalidTx("inputs overflow".into()))?;
    }
    if tx.output_sum().is_none_or(|o| o > sum) {
        return Err(PlasmaError::InvalidTx("outputs exceed inputs".into()));
    }
    Ok(())
}

/// The child chain: blocks by number and the UTXO set they lead to.
#[derive(Debug, Clone, Default)]
pub struct ChildChain {
    blocks: BTreeMap<u64, Block>,
    utxos: BTreeMap<UtxoPos, Output>,
}

impl ChildChain {
    /// An empty chain.
    pub fn new() -> ChildChain {
        ChildChain::default()
    }

    /// Every block, by number.
    pub fn blocks(&self) -> &BTreeMap<u64, Block> {
        &self.blocks
    }

    /// A block.
    pub fn block(&self, number: u64) -> Option<&Block> {
        self.blocks.get(&number)
    }

    /// The unspent outputs.
    pub fn utxos(&self) -> &BTreeMap<UtxoPos, Output> {
        &self.utxos
    }

    /// Adds a block as it is, applying its transactions to the UTXO set *without* checking them (an
    /// operator's own view, or a user's replay once it has checked the block with [`ChildChain::validate`]).
    pub fn push_unchecked(&mut self, block: Block) -> Result<()> {
        for (txindex, t) in block.txs.iter().enumerate() {
            for i in t.tx.inputs() {
                self.utxos.remove(i);
            }
            for (o, out) in t.tx.outputs().iter().enumerate() {
                self.utxos.insert(UtxoPos::new(block.number, txindex as u64, o as u64)?, *out);
            }
        }
        self.blocks.insert(block.number, block);
        Ok(())
    }

    /// Checks every transaction of `block` in order against the UTXO set (deposit blocks: one transaction
    /// without inputs), without changing anything. `Err` names the first invalid transaction.
    pub fn validate(&self, block: &Block) -> Result<()> {
        if block.number % CHILD_BLOCK_INTERVAL != 0 {
            return if block.txs.len() == 1 && block.txs[0].tx.inputs().is_empty() {
                Ok(())
            } else {
                Err(PlasmaError::InvalidTx("a deposit block holds one deposit".into()))
            };
        }
        let mut scratch = self.utxos.clone();
        for (txindex, t) in block.txs.iter().enumerate() {
            check(&scratch, t).map_err(|e| PlasmaError::InvalidTx(format!("transaction {txindex}: {e}")))?;
            for i in t.tx.inputs() {
                scratch.remove(i);
            }
            for (o, out) in t.tx.outputs().iter().enumerate() {
                scratch.insert(UtxoPos::new(block.number, txindex as u64, o as u64)?, *out);
            }
        }
        Ok(())
    }

    /// The transaction that created the output at `pos`, if the chain has its block.
    pub fn tx_at(&self, pos: UtxoPos) -> Option<&SignedTx> {
        self.blocks.get(&pos.blknum()).and_then(|b| b.txs.get(pos.txindex() as usize))
    }

    /// The included transaction that spends `pos`, with its position, if any.
    pub fn spender_of(&self, pos: UtxoPos) -> Option<(UtxoPos, &SignedTx)> {
        self.blocks.values().find_map(|b| {
            b.txs.iter().enumerate().find(|(_, t)| t.tx.inputs().contains(&pos)).map(|(i, t)| {
                (UtxoPos::from_raw(b.number * crate::tx::BLOCK_OFFSET + i as u64 * crate::tx::TX_OFFSET), t)
            })
        })
    }

    /// The position of a transaction in the chain, if included.
    pub fn position_of(&self, tx: &PlasmaTx) -> Option<UtxoPos> {
        self.blocks.values().find_map(|b| {
            b.txs
                .iter()
                .position(|t| &t.tx == tx)
                .map(|i| UtxoPos::from_raw(b.number * crate::tx::BLOCK_OFFSET + i as u64 * crate::tx::TX_OFFSET))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use l1_contract_sim::ecdsa::EthKey;

    #[test]
    fn validation_catches_forged_and_double_spends() {
        let (a, b) = (EthKey::from_label("a"), EthKey::from_label("b"));
        let mut chain = ChildChain::new();
        let dep = PlasmaTx::deposit(a.address(), 10, 1).unwrap();
        chain.push_unchecked(Block { number: 1, txs: vec![SignedTx { tx: dep, sigs: vec![] }] }).unwrap();
        let input = UtxoPos::new(1, 0, 0).unwrap();
        let pay = |amount| PlasmaTx::new(vec![input], vec![Output { owner: b.address(), amount }], 0).unwrap();
        let good = Block { number: 1000, txs: vec![pay(10).sign(&[&a])] };
        assert!(chain.validate(&good).is_ok());
        assert!(chain.validate(&Block { number: 1000, txs: vec![pay(10).sign(&[&b])] }).is_err(), "forged");
        assert!(chain.validate(&Block { number: 1000, txs: vec![pay(11).sign(&[&a])] }).is_err(), "inflation");
        let twice = Block { number: 1000, txs: vec![pay(10).sign(&[&a]), pay(9).sign(&[&a])] };
        assert!(chain.validate(&twice).is_err(), "double spend");
        chain.push_unchecked(good).unwrap();
        assert_eq!(chain.utxos().len(), 1);
        assert_eq!(chain.spender_of(input).map(|(p, _)| p.blknum()), Some(1000));
    }
}
