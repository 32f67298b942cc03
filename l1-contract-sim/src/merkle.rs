//! Keccak-256 Merkle trees as L1 contracts check them: a binary tree of fixed depth over 32-byte leaves,
//! empty leaves zero, each node `keccak256(left ‖ right)`, and an inclusion proof of one sibling per level
//! whose side the leaf's index gives (the layout of OMG's Plasma `Merkle.sol` and of OpenZeppelin's
//! `MerkleProof` without sorting).
//!
//! Designs that commit many items to L1 under one root (Plasma blocks, the sidechain's withdrawal roots)
//! build the tree off chain with [`KeccakTree`] and verify on L1 with [`verify_charged`], which pays one
//! `KECCAK256` of 64 bytes per level.

use serde::{Deserialize, Serialize};

use crate::chain::Env;
use crate::ecdsa::keccak256;
use crate::gas;

/// The deepest tree supported: 2^32 leaves.
pub const MAX_DEPTH: u32 = 32;

fn hash_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(left);
    buf[32..].copy_from_slice(right);
    keccak256(&buf)
}

/// An inclusion proof: the leaf's index and one sibling per level, from the leaves up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// The leaf's position.
    pub index: u64,
    /// Sibling hashes, leaf level first.
    pub siblings: Vec<[u8; 32]>,
}

impl MerkleProof {
    /// The bytes this proof takes in calldata (32 per sibling, 32 for the index word).
    pub fn calldata_len(&self) -> usize {
        32 * (self.siblings.len() + 1)
    }

    /// The root this proof leads to from `leaf`.
    pub fn root_from(&self, leaf: &[u8; 32]) -> [u8; 32] {
        let mut node = *leaf;
        let mut index = self.index;
        for sibling in &self.siblings {
            node = if index & 1 == 0 { hash_pair(&node, sibling) } else { hash_pair(sibling, &node) };
            index >>= 1;
        }
        node
    }
}

/// A Keccak-256 Merkle tree of fixed depth, built off chain from its leaves (the rest are zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeccakTree {
    depth: u32,
    /// `levels[0]` are the leaves given; `levels[d]` the nodes at height `d` that cover them.
    levels: Vec<Vec<[u8; 32]>>,
    /// The root of an empty subtree at each height.
    empty: Vec<[u8; 32]>,
}

impl KeccakTree {
    /// A tree of `depth` levels over `leaves` (index 0 first). `None` when `depth` exceeds [`MAX_DEPTH`] or
    /// the leaves do not fit in `2^depth`.
    pub fn new(depth: u32, leaves: Vec<[u8; 32]>) -> Option<KeccakTree> {
        if depth > MAX_DEPTH || (leaves.len() as u64) > 1u64 << depth {
            return None;
        }
        let mut empty = vec![[0u8; 32]];
        for d in 0..depth as usize {
            empty.push(hash_pair(&empty[d], &empty[d]));
        }
        let mut levels = vec![leaves];
        for d in 0..depth as usize {
            let below = &levels[d];
            let above: Vec<[u8; 32]> =
                below.chunks(2).map(|pair| hash_pair(&pair[0], pair.get(1).unwrap_or(&empty[d]))).collect();
            levels.push(above);
        }
        Some(KeccakTree { depth, levels, empty })
    }

    /// The tree's depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Number of leaves given.
    pub fn len(&self) -> usize {
        self.levels[0].len()
    }

    /// Whether no leaf was given.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// The root.
    pub fn root(&self) -> [u8; 32] {
        self.levels[self.depth as usize].first().copied().unwrap_or(self.empty[self.depth as usize])
    }

    /// The proof for the leaf at `index`, or `None` past the last leaf given.
    pub fn proof(&self, index: u64) -> Option<MerkleProof> {
        if index >= self.len() as u64 {
            return None;
        }
        let mut siblings = Vec::with_capacity(self.depth as usize);
        let mut i = index as usize;
        for d in 0..self.depth as usize {
            let sibling = self.levels[d].get(i ^ 1).copied().unwrap_or(self.empty[d]);
            siblings.push(sibling);
            i >>= 1;
        }
        Some(MerkleProof { index, siblings })
    }
}

/// Whether `proof` shows `leaf` under `root` in a tree of `depth` levels, as a contract checks it: one
/// `KECCAK256` of 64 bytes per level plus the loop's arithmetic, charged to `env` under `label`. A proof of
/// the wrong length or an index beyond `2^depth` is refused without hashing.
pub fn verify_charged(
    env: &mut Env<'_>,
    label: &'static str,
    root: &[u8; 32],
    depth: u32,
    leaf: &[u8; 32],
    proof: &MerkleProof,
) -> bool {
    if proof.siblings.len() != depth as usize || depth > MAX_DEPTH || proof.index >= 1u64 << depth {
        return false;
    }
    env.charge(label, u64::from(depth) * (gas::keccak256_gas(64) + gas::MERKLE_LEVEL_OVERHEAD));
    proof.root_from(leaf) == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: u8) -> [u8; 32] {
        keccak256(&[i])
    }

    #[test]
    fn every_leaf_proves_against_the_root_and_nothing_else_does() {
        for n in [1usize, 2, 3, 5, 8] {
            let leaves: Vec<_> = (0..n as u8).map(leaf).collect();
            let tree = KeccakTree::new(4, leaves.clone()).unwrap();
            for (i, l) in leaves.iter().enumerate() {
                let proof = tree.proof(i as u64).unwrap();
                assert_eq!(proof.root_from(l), tree.root());
                assert_ne!(proof.root_from(&leaf(200)), tree.root(), "a leaf not in the tree");
                let mut moved = proof.clone();
                moved.index ^= 1;
                assert_ne!(moved.root_from(l), tree.root(), "the right leaf at the wrong index");
            }
            assert!(tree.proof(n as u64).is_none());
        }
    }

    #[test]
    fn root_matches_a_hand_built_tree_and_empty_tree_is_zero_hashes() {
        let tree = KeccakTree::new(2, vec![leaf(0), leaf(1), leaf(2)]).unwrap();
        let left = hash_pair(&leaf(0), &leaf(1));
        let right = hash_pair(&leaf(2), &[0u8; 32]);
        assert_eq!(tree.root(), hash_pair(&left, &right));
        let empty = KeccakTree::new(2, vec![]).unwrap();
        let z1 = hash_pair(&[0; 32], &[0; 32]);
        assert_eq!(empty.root(), hash_pair(&z1, &z1));
        assert!(KeccakTree::new(1, vec![leaf(0), leaf(1), leaf(2)]).is_none());
        assert!(KeccakTree::new(33, vec![]).is_none());
    }
}
