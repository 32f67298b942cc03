//! Child-chain transactions: UTXO positions, outputs, transactions with up to four inputs and four outputs,
//! their bytes, digests and signatures, and output ids (the keys the contract flags exited outputs by).
//!
//! The layout follows OMG's More Viable Plasma: a UTXO position is
//! `blknum · 1,000,000,000 + txindex · 10,000 + oindex` (OMG `UtxoPosLib`), child blocks are numbered in steps
//! of [`CHILD_BLOCK_INTERVAL`] with deposit blocks in between, a transaction carries a 32-byte metadata word
//! (deposits put their block number there, so that two deposits of the same amount to the same owner are
//! different transactions), and an output's id is `keccak256(tx bytes ‖ oindex)` (OMG `OutputId`), shared by
//! standard and in-flight exits so that no output is paid twice.
//!
//! Simplified: one currency (ETH) and one output type; the bytes are a fixed layout of 32-byte words, not RLP;
//! signatures are over `keccak256(tx bytes)`, not EIP-712 typed data.

use l1_contract_sim::ecdsa::{ecrecover, keccak256, EthKey, EthSignature};
use l1_contract_sim::{Address, Wei};
use serde::{Deserialize, Serialize};

use crate::error::{PlasmaError, Result};

/// Most inputs of a transaction (OMG payment transactions: 4).
pub const MAX_INPUTS: usize = 4;
/// Most outputs of a transaction (OMG payment transactions: 4).
pub const MAX_OUTPUTS: usize = 4;
/// The block-number factor of a UTXO position (OMG `BLOCK_OFFSET`).
pub const BLOCK_OFFSET: u64 = 1_000_000_000;
/// The transaction-index factor of a UTXO position (OMG `TX_OFFSET`).
pub const TX_OFFSET: u64 = 10_000;
/// Child blocks are numbered 1,000, 2,000, ...; the deposit blocks between them take the numbers in between
/// (OMG `CHILD_BLOCK_INTERVAL`).
pub const CHILD_BLOCK_INTERVAL: u64 = 1_000;

/// A 32-byte hash.
pub type Hash32 = [u8; 32];

/// Where an output lives on the child chain: block number, transaction index in the block, output index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UtxoPos(u64);

impl UtxoPos {
    /// The position of output `oindex` of transaction `txindex` in block `blknum`.
    ///
    /// # Errors
    /// An output index of 4 or more, a transaction index of 100,000 or more, or a block number that overflows.
    pub fn new(blknum: u64, txindex: u64, oindex: u64) -> Result<UtxoPos> {
        if oindex >= MAX_OUTPUTS as u64 || txindex >= BLOCK_OFFSET / TX_OFFSET {
            return Err(PlasmaError::InvalidTx(format!("no output {oindex} of transaction {txindex}")));
        }
        blknum
            .checked_mul(BLOCK_OFFSET)
            .and_then(|b| b.checked_add(txindex * TX_OFFSET + oindex))
            .map(UtxoPos)
            .ok_or_else(|| PlasmaError::InvalidTx(format!("block number {blknum} overflows a position")))
    }

    /// From the packed value.
    pub fn from_raw(raw: u64) -> UtxoPos {
        UtxoPos(raw)
    }

    /// The packed value.
    pub fn raw(self) -> u64 {
        self.0
    }

    /// The block number.
    pub fn blknum(self) -> u64 {
        self.0 / BLOCK_OFFSET
    }

    /// The transaction's index in its block.
    pub fn txindex(self) -> u64 {
        (self.0 % BLOCK_OFFSET) / TX_OFFSET
    }

    /// The output's index in its transaction.
    pub fn oindex(self) -> u64 {
        self.0 % TX_OFFSET
    }

    /// The position of the transaction (output index 0): what orders exits of one block.
    pub fn tx_pos(self) -> u64 {
        self.0 - self.oindex()
    }

    /// Whether the block is a deposit block (not a multiple of [`CHILD_BLOCK_INTERVAL`]).
    pub fn is_deposit(self) -> bool {
        self.blknum() % CHILD_BLOCK_INTERVAL != 0
    }
}

/// An output: who may spend it, and how much ETH it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Output {
    /// The owner's L1 address.
    pub owner: Address,
    /// Wei.
    pub amount: Wei,
}

/// A child-chain transaction: inputs (positions of outputs it spends), outputs and a metadata word.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlasmaTx {
    inputs: Vec<UtxoPos>,
    outputs: Vec<Output>,
    metadata: u64,
}

impl PlasmaTx {
    /// A transaction; checked: 0 to [`MAX_INPUTS`] distinct inputs, 1 to [`MAX_OUTPUTS`] outputs of nonzero
    /// amounts that sum without overflow.
    ///
    /// # Errors
    /// [`PlasmaError::InvalidTx`] when a check fails.
    pub fn new(inputs: Vec<UtxoPos>, outputs: Vec<Output>, metadata: u64) -> Result<PlasmaTx> {
        if inputs.len() > MAX_INPUTS || outputs.is_empty() || outputs.len() > MAX_OUTPUTS {
            return Err(PlasmaError::InvalidTx(format!(
                "a transaction has 0 to {MAX_INPUTS} inputs and 1 to {MAX_OUTPUTS} outputs"
            )));
        }
        if inputs.iter().enumerate().any(|(i, a)| inputs[..i].contains(a)) {
            return Err(PlasmaError::InvalidTx("an input is spent twice in one transaction".into()));
        }
        if outputs.iter().any(|o| o.amount == 0) {
            return Err(PlasmaError::InvalidTx("an output of zero".into()));
        }
        let tx = PlasmaTx { inputs, outputs, metadata };
        tx.output_sum().ok_or_else(|| PlasmaError::InvalidTx("outputs overflow".into()))?;
        Ok(tx)
    }

    /// The deposit transaction of deposit block `blknum`: no input, one output.
    pub fn deposit(owner: Address, amount: Wei, blknum: u64) -> Result<PlasmaTx> {
        PlasmaTx::new(Vec::new(), vec![Output { owner, amount }], blknum)
    }

    /// The inputs.
    pub fn inputs(&self) -> &[UtxoPos] {
        &self.inputs
    }

    /// The outputs.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The metadata word.
    pub fn metadata(&self) -> u64 {
        self.metadata
    }

    /// The sum of the outputs (`None` on overflow, which [`PlasmaTx::new`] refuses).
    pub fn output_sum(&self) -> Option<Wei> {
        self.outputs.iter().try_fold(0u128, |acc, o| acc.checked_add(o.amount))
    }

    /// The bytes the contract reads and hashes: a 32-byte header word (input count, output count), one word
    /// per input position, 52 bytes per output (owner, amount as a 32-byte word), and the metadata word.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 32 * self.inputs.len() + 52 * self.outputs.len());
        let mut header = [0u8; 32];
        header[30] = self.inputs.len() as u8;
        header[31] = self.outputs.len() as u8;
        out.extend_from_slice(&header);
        for i in &self.inputs {
            out.extend_from_slice(&[0u8; 24]);
            out.extend_from_slice(&i.raw().to_be_bytes());
        }
        for o in &self.outputs {
            out.extend_from_slice(o.owner.as_bytes());
            out.extend_from_slice(&[0u8; 16]);
            out.extend_from_slice(&o.amount.to_be_bytes());
        }
        out.extend_from_slice(&[0u8; 24]);
        out.extend_from_slice(&self.metadata.to_be_bytes());
        out
    }

    /// What the owners of the inputs sign, and the transaction's Merkle leaf: `keccak256(bytes)`.
    pub fn digest(&self) -> Hash32 {
        keccak256(&self.encode())
    }

    /// The id of output `oindex`: `keccak256(bytes ‖ oindex)`.
    pub fn output_id(&self, oindex: usize) -> Hash32 {
        output_id(&self.encode(), oindex)
    }

    /// Signs the transaction with `keys`, one per input in order.
    pub fn sign(self, keys: &[&EthKey]) -> SignedTx {
        let digest = self.digest();
        let sigs = keys.iter().map(|k| k.sign(&digest)).collect();
        SignedTx { tx: self, sigs }
    }
}

/// The id of output `oindex` of the transaction whose bytes are `tx_bytes`.
pub fn output_id(tx_bytes: &[u8], oindex: usize) -> Hash32 {
    let mut buf = Vec::with_capacity(tx_bytes.len() + 32);
    buf.extend_from_slice(tx_bytes);
    buf.extend_from_slice(&[0u8; 24]);
    buf.extend_from_slice(&(oindex as u64).to_be_bytes());
    keccak256(&buf)
}

/// A transaction with one signature per input, by that input's owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SignedTx {
    /// The transaction.
    pub tx: PlasmaTx,
    /// One signature per input.
    pub sigs: Vec<EthSignature>,
}

impl SignedTx {
    /// The address that signed for input `i`, if the signature recovers one (low `s`).
    pub fn signer(&self, i: usize) -> Option<Address> {
        self.sigs.get(i).and_then(|s| ecrecover(&self.tx.digest(), s))
    }

    /// Bytes in calldata: the transaction and 65 bytes per signature (padded to words).
    pub fn calldata_len(&self) -> usize {
        self.tx.encode().len() + 96 * self.sigs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_pack_as_omg_does() {
        let p = UtxoPos::new(2_000, 7, 3).unwrap();
        assert_eq!(p.raw(), 2_000 * BLOCK_OFFSET + 7 * TX_OFFSET + 3);
        assert_eq!((p.blknum(), p.txindex(), p.oindex()), (2_000, 7, 3));
        assert_eq!(p.tx_pos(), UtxoPos::new(2_000, 7, 0).unwrap().raw());
        assert!(!p.is_deposit() && UtxoPos::new(1_001, 0, 0).unwrap().is_deposit());
        assert!(UtxoPos::new(1, 0, 4).is_err() && UtxoPos::new(u64::MAX, 0, 0).is_err());
    }

    #[test]
    fn transactions_are_checked_and_signed_by_input_owners() {
        let a = EthKey::from_label("a");
        let out = |amount| Output { owner: a.address(), amount };
        let p = UtxoPos::new(1, 0, 0).unwrap();
        assert!(PlasmaTx::new(vec![p, p], vec![out(1)], 0).is_err());
        assert!(PlasmaTx::new(vec![p], vec![], 0).is_err());
        assert!(PlasmaTx::new(vec![p], vec![out(0)], 0).is_err());
        assert!(PlasmaTx::new(vec![p], vec![out(u128::MAX), out(1)], 0).is_err());
        let tx = PlasmaTx::new(vec![p], vec![out(5)], 0).unwrap();
        let signed = tx.clone().sign(&[&a]);
        assert_eq!(signed.signer(0), Some(a.address()));
        assert_ne!(tx.output_id(0), tx.output_id(1));
        // Two deposits of the same amount to the same owner differ by their block number.
        assert_ne!(
            PlasmaTx::deposit(a.address(), 5, 1).unwrap().output_id(0),
            PlasmaTx::deposit(a.address(), 5, 2).unwrap().output_id(0)
        );
    }
}
