//! The trace an assertion commits to, the SHA-256 Merkle trees over trace states and posted transactions,
//! and the points a dissection move reveals.

use ark_ff::{BigInteger, PrimeField};
use l1_contract_sim::Revert;
use ledger::field::fr_to_be_bytes;
use ledger::{Fr, State, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::*;

/// A 32-byte SHA-256 digest.
pub type Hash32 = [u8; 32];

/// The state after a step of the trace: what a bisection move reveals and a one-step proof recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceState {
    /// The account tree's root.
    #[serde(with = "ledger::field::serde_decimal")]
    pub root: Fr,
    /// Head of the chain of processed deposits.
    #[serde(with = "ledger::field::serde_decimal")]
    pub deposit_chain: Fr,
    /// Deposits processed since genesis.
    pub deposits: u64,
}

impl TraceState {
    /// The state of an L2 [`State`] that has processed `deposits` deposits.
    pub fn of(state: &State, deposits: u64) -> TraceState {
        TraceState { root: state.root(), deposit_chain: state.deposit_chain(), deposits }
    }

    /// The 96 bytes hashed into a trace leaf: root, chain head, count (32 bytes each, big-endian).
    pub fn encode(&self) -> [u8; 96] {
        let mut out = [0u8; 96];
        out[..32].copy_from_slice(&fr_to_be_bytes(&self.root));
        out[32..64].copy_from_slice(&fr_to_be_bytes(&self.deposit_chain));
        out[88..].copy_from_slice(&self.deposits.to_be_bytes());
        out
    }

    /// The trace leaf: SHA-256 of [`encode`](TraceState::encode).
    pub fn leaf(&self) -> Hash32 {
        Sha256::digest(self.encode()).into()
    }
}

fn hash_pair(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Levels of a binary Merkle tree over `leaves` leaves (padded with zero leaves to a power of two).
pub fn merkle_depth(leaves: usize) -> usize {
    leaves.max(1).next_power_of_two().trailing_zeros() as usize
}

/// The root of a binary SHA-256 Merkle tree over `leaves`, padded with zero leaves to a power of two.
pub fn merkle_root(leaves: &[Hash32]) -> Hash32 {
    let mut level: Vec<Hash32> = leaves.to_vec();
    level.resize(leaves.len().max(1).next_power_of_two(), [0u8; 32]);
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash_pair(&p[0], &p[1])).collect();
    }
    level[0]
}

/// The siblings from leaf `index` up to the root of [`merkle_root`]`(leaves)`.
pub fn merkle_path(leaves: &[Hash32], index: usize) -> Vec<Hash32> {
    let mut level: Vec<Hash32> = leaves.to_vec();
    level.resize(leaves.len().max(1).next_power_of_two(), [0u8; 32]);
    let mut path = Vec::new();
    let mut i = index;
    while level.len() > 1 {
        path.push(level[i ^ 1]);
        level = level.chunks(2).map(|p| hash_pair(&p[0], &p[1])).collect();
        i /= 2;
    }
    path
}

/// Whether `leaf` is at `index` under `root` along `path`, in a tree of `leaves` leaves.
pub fn merkle_verify(root: &Hash32, leaves: usize, index: usize, leaf: Hash32, path: &[Hash32]) -> bool {
    if index >= leaves || path.len() != merkle_depth(leaves) {
        return false;
    }
    let mut node = leaf;
    for (level, sibling) in path.iter().enumerate() {
        node = if (index >> level) & 1 == 0 { hash_pair(&node, sibling) } else { hash_pair(sibling, &node) };
    }
    &node == root
}

/// The commitment to a trace `s_0..s_n`: [`merkle_root`] of the [`TraceState::leaf`]s.
pub fn trace_commitment(trace: &[TraceState]) -> Hash32 {
    merkle_root(&trace.iter().map(TraceState::leaf).collect::<Vec<_>>())
}

/// The path of `trace[index]` to [`trace_commitment`]`(trace)`.
pub fn trace_path(trace: &[TraceState], index: usize) -> Vec<Hash32> {
    merkle_path(&trace.iter().map(TraceState::leaf).collect::<Vec<_>>(), index)
}

/// The bytes a transaction occupies in a batch: its 13-byte public-data slot, then for a transfer or a
/// withdrawal its 64-byte signature (`R8.y` with the parity of `R8.x` in the top bit, then `S`, both
/// big-endian, circomlib coordinates). A deposit's key is in the L1 queue, and no nonce is posted: the
/// signature is checked against the sender's current nonce, so a wrong nonce is a bad signature.
///
/// # Errors
/// A [`Revert`] if the amount does not fit the 38 bits of public data.
pub fn encode_tx(tx: &Transaction) -> Result<Vec<u8>, Revert> {
    let slot = tx.public_data().map_err(|e| revert(e.to_string()))?;
    let mut out = slot.to_vec();
    let signature = match tx {
        Transaction::Transfer(t) => Some(t.signature),
        Transaction::Withdrawal(w) => Some(w.signature),
        Transaction::Deposit(_) => None,
    };
    if let Some(sig) = signature {
        let (x, y) = sig.r8_circom();
        let mut y = fr_to_be_bytes(&y);
        y[0] |= (fr_to_be_bytes(&x)[31] & 1) << 7;
        out.extend_from_slice(&y);
        let s = sig.s().into_bigint().to_bytes_be();
        out.extend_from_slice(&[0u8; 32][..32 - s.len()]);
        out.extend_from_slice(&s);
    }
    Ok(out)
}

/// The leaf of a transaction in [`tx_root`]: SHA-256 of [`encode_tx`].
///
/// # Errors
/// As [`encode_tx`].
pub fn tx_leaf(tx: &Transaction) -> Result<Hash32, Revert> {
    Ok(Sha256::digest(encode_tx(tx)?).into())
}

/// The root of the transactions of a batch, as the contract computes it at proposal.
///
/// # Errors
/// As [`encode_tx`].
pub fn tx_root(txs: &[Transaction]) -> Result<Hash32, Revert> {
    Ok(merkle_root(&txs.iter().map(tx_leaf).collect::<Result<Vec<_>, _>>()?))
}

/// The points a mover reveals to split `[lo, hi]` into `min(k, hi - lo)` parts: `lo + (hi - lo)·j / k'` for
/// `j = 1..k'`, strictly increasing and strictly inside the range.
pub fn dissection_points(lo: u64, hi: u64, k: u32) -> Vec<u64> {
    let width = hi.saturating_sub(lo);
    let parts = u64::from(k).min(width);
    (1..parts).map(|j| lo + width * j / parts).collect()
}
