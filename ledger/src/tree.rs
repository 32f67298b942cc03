//! The sparse Merkle account tree: Poseidon nodes, binary or 4-ary, up to 2^32
//! leaves, memory proportional to the accounts present.
//!
//! The depth is given in bits of the account index (depth 32 holds 2^32 accounts);
//! a 4-ary tree of depth 32 has 16 levels, each node `Poseidon(c0, c1, c2, c3)`,
//! which costs fewer constraints per account than 32 binary levels. An empty leaf is
//! 0 and an empty subtree the hash of empty children, precomputed per level; only
//! nodes that differ from the empty subtree of their level are stored.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{LedgerError, Result};
use crate::field::Fr;
use crate::poseidon;
use crate::types::AccountIndex;

/// Children per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arity {
    /// Two children: `Poseidon(left, right)`.
    Binary,
    /// Four children: `Poseidon(c0, c1, c2, c3)`, half as many levels.
    Quaternary,
}

impl Arity {
    /// Number of children.
    pub const fn children(self) -> usize {
        match self {
            Arity::Binary => 2,
            Arity::Quaternary => 4,
        }
    }

    /// Index bits consumed per level.
    pub const fn bits(self) -> u32 {
        match self {
            Arity::Binary => 1,
            Arity::Quaternary => 2,
        }
    }
}

/// The shape of an account tree: how many index bits, how many children per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TreeShapeRaw", into = "TreeShapeRaw")]
pub struct TreeShape {
    depth: u32,
    arity: Arity,
}

#[derive(Serialize, Deserialize)]
struct TreeShapeRaw {
    depth: u32,
    arity: Arity,
}

impl TryFrom<TreeShapeRaw> for TreeShape {
    type Error = LedgerError;
    fn try_from(raw: TreeShapeRaw) -> Result<Self> {
        TreeShape::new(raw.depth, raw.arity)
    }
}

impl From<TreeShape> for TreeShapeRaw {
    fn from(shape: TreeShape) -> Self {
        TreeShapeRaw { depth: shape.depth, arity: shape.arity }
    }
}

impl TreeShape {
    /// The default: 2^32 accounts in a 4-ary tree.
    pub const DEFAULT: TreeShape = TreeShape { depth: 32, arity: Arity::Quaternary };

    /// A tree of `2^depth` accounts; `depth` is 1..=32 and a multiple of the bits per level.
    pub fn new(depth: u32, arity: Arity) -> Result<Self> {
        if depth == 0 || depth > AccountIndex::BITS {
            return Err(LedgerError::InvalidTreeShape(format!("depth must be 1 to 32 bits, got {depth}")));
        }
        if depth % arity.bits() != 0 {
            return Err(LedgerError::InvalidTreeShape(format!(
                "a {}-ary tree needs a depth that is a multiple of {}, got {depth}",
                arity.children(),
                arity.bits()
            )));
        }
        Ok(TreeShape { depth, arity })
    }

    /// Index bits (log2 of the capacity).
    pub const fn depth(&self) -> u32 {
        self.depth
    }

    /// Children per node.
    pub const fn arity(&self) -> Arity {
        self.arity
    }

    /// Levels of nodes above the leaves.
    pub const fn levels(&self) -> usize {
        (self.depth / self.arity.bits()) as usize
    }

    /// Number of leaves.
    pub const fn capacity(&self) -> u64 {
        1u64 << self.depth
    }

    /// Checks that `index` is a leaf of this tree.
    pub fn check_index(&self, index: AccountIndex) -> Result<()> {
        if u64::from(index.value()) >= self.capacity() {
            return Err(LedgerError::IndexOutOfRange { index, capacity: self.capacity() });
        }
        Ok(())
    }

    /// The position of the level-`level` ancestor of `index` among its siblings.
    pub fn digit(&self, index: AccountIndex, level: usize) -> usize {
        let bits = self.arity.bits();
        ((u64::from(index.value()) >> (bits * level as u32)) & (self.arity.children() as u64 - 1)) as usize
    }
}

impl Default for TreeShape {
    fn default() -> Self {
        TreeShape::DEFAULT
    }
}

/// Hashes the children of one node.
pub fn hash_node(children: &[Fr]) -> Fr {
    poseidon::hash(children).expect("a node has 2 or 4 children")
}

/// The roots of empty subtrees, level 0 (an empty leaf) up to the root level.
pub fn empty_subtrees(shape: TreeShape) -> Vec<Fr> {
    let mut empty = Vec::with_capacity(shape.levels() + 1);
    empty.push(crate::account::EMPTY_LEAF);
    for level in 0..shape.levels() {
        empty.push(hash_node(&vec![empty[level]; shape.arity.children()]));
    }
    empty
}

/// A path from a leaf to the root: for each level, the other children of the node,
/// in order, without the one on the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// The leaf the path starts from.
    pub index: AccountIndex,
    /// `arity - 1` siblings per level, leaf level first.
    #[serde(with = "crate::field::serde_decimal_nested")]
    pub siblings: Vec<Vec<Fr>>,
}

impl MerkleProof {
    /// The root reached from `leaf` along this path, or an error if the path does
    /// not fit the shape.
    pub fn root_for(&self, shape: TreeShape, leaf: Fr) -> Result<Fr> {
        shape.check_index(self.index)?;
        if self.siblings.len() != shape.levels() || self.siblings.iter().any(|s| s.len() != shape.arity.children() - 1)
        {
            return Err(LedgerError::InvalidTreeShape(format!(
                "a path of {} levels does not fit a {}-ary tree of depth {}",
                self.siblings.len(),
                shape.arity.children(),
                shape.depth
            )));
        }
        let mut current = leaf;
        for (level, siblings) in self.siblings.iter().enumerate() {
            let children = place(current, siblings, shape.digit(self.index, level));
            current = hash_node(&children);
        }
        Ok(current)
    }

    /// Whether `leaf` sits at the proof's index under `root`.
    pub fn verify(&self, shape: TreeShape, root: Fr, leaf: Fr) -> bool {
        self.root_for(shape, leaf).is_ok_and(|r| r == root)
    }
}

/// The children of a node: `siblings` with `node` inserted at `position`.
pub fn place(node: Fr, siblings: &[Fr], position: usize) -> Vec<Fr> {
    let mut children = Vec::with_capacity(siblings.len() + 1);
    children.extend_from_slice(&siblings[..position]);
    children.push(node);
    children.extend_from_slice(&siblings[position..]);
    children
}

/// A sparse Merkle tree of account leaves.
#[derive(Debug, Clone)]
pub struct AccountTree {
    shape: TreeShape,
    empty: Vec<Fr>,
    /// Non-empty nodes by (level, position within the level); level 0 holds leaves.
    nodes: HashMap<(usize, u64), Fr>,
}

impl AccountTree {
    /// An empty tree.
    pub fn new(shape: TreeShape) -> Self {
        AccountTree { shape, empty: empty_subtrees(shape), nodes: HashMap::new() }
    }

    /// The tree's shape.
    pub fn shape(&self) -> TreeShape {
        self.shape
    }

    /// The root of an empty tree of this shape.
    pub fn empty_root(&self) -> Fr {
        self.empty[self.shape.levels()]
    }

    /// The current root.
    pub fn root(&self) -> Fr {
        self.node(self.shape.levels(), 0)
    }

    fn node(&self, level: usize, position: u64) -> Fr {
        self.nodes.get(&(level, position)).copied().unwrap_or(self.empty[level])
    }

    /// The leaf at `index` (0 if empty).
    pub fn leaf(&self, index: AccountIndex) -> Result<Fr> {
        self.shape.check_index(index)?;
        Ok(self.node(0, u64::from(index.value())))
    }

    /// The path from `index` to the root.
    pub fn proof(&self, index: AccountIndex) -> Result<MerkleProof> {
        self.shape.check_index(index)?;
        let children = self.shape.arity.children() as u64;
        let mut position = u64::from(index.value());
        let mut siblings = Vec::with_capacity(self.shape.levels());
        for level in 0..self.shape.levels() {
            let first = position - position % children;
            siblings.push((first..first + children).filter(|&p| p != position).map(|p| self.node(level, p)).collect());
            position /= children;
        }
        Ok(MerkleProof { index, siblings })
    }

    /// Sets the leaf at `index` and rehashes its path; returns the new root.
    pub fn set_leaf(&mut self, index: AccountIndex, leaf: Fr) -> Result<Fr> {
        self.shape.check_index(index)?;
        let children = self.shape.arity.children() as u64;
        let mut position = u64::from(index.value());
        let mut value = leaf;
        for level in 0..=self.shape.levels() {
            self.store(level, position, value);
            if level == self.shape.levels() {
                break;
            }
            let first = position - position % children;
            let kids: Vec<Fr> = (first..first + children).map(|p| self.node(level, p)).collect();
            value = hash_node(&kids);
            position /= children;
        }
        Ok(value)
    }

    fn store(&mut self, level: usize, position: u64, value: Fr) {
        if value == self.empty[level] {
            self.nodes.remove(&(level, position));
        } else {
            self.nodes.insert((level, position), value);
        }
    }

    /// Number of stored (non-empty) nodes: grows with the accounts, not the capacity.
    pub fn stored_nodes(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::rand::{Rng, SeedableRng};

    fn leaf(i: u64) -> Fr {
        Fr::from(1000 + i)
    }

    /// Reference: the root of a dense tree, computed level by level.
    fn dense_root(shape: TreeShape, leaves: &[Fr]) -> Fr {
        let mut level: Vec<Fr> = leaves.to_vec();
        for _ in 0..shape.levels() {
            level = level.chunks(shape.arity.children()).map(hash_node).collect();
        }
        level[0]
    }

    #[test]
    fn shape_rules() {
        assert!(TreeShape::new(0, Arity::Binary).is_err());
        assert!(TreeShape::new(33, Arity::Binary).is_err());
        assert!(TreeShape::new(7, Arity::Quaternary).is_err());
        let shape = TreeShape::new(8, Arity::Quaternary).unwrap();
        assert_eq!((shape.levels(), shape.capacity()), (4, 256));
        assert_eq!(TreeShape::DEFAULT.levels(), 16);
        assert_eq!(TreeShape::DEFAULT.capacity(), 1 << 32);
    }

    #[test]
    fn sparse_root_equals_dense_root_and_proofs_verify() {
        for arity in [Arity::Binary, Arity::Quaternary] {
            let shape = TreeShape::new(4, arity).unwrap();
            let mut tree = AccountTree::new(shape);
            let mut dense = vec![Fr::from(0u64); 16];
            assert_eq!(tree.root(), dense_root(shape, &dense));
            for i in [0u64, 3, 5, 15, 9] {
                tree.set_leaf(AccountIndex::new(i as u32), leaf(i)).unwrap();
                dense[i as usize] = leaf(i);
                assert_eq!(tree.root(), dense_root(shape, &dense), "{arity:?} after leaf {i}");
            }
            for i in 0..16u32 {
                let proof = tree.proof(AccountIndex::new(i)).unwrap();
                assert!(proof.verify(shape, tree.root(), dense[i as usize]));
                assert!(!proof.verify(shape, tree.root(), dense[i as usize] + Fr::from(1u64)));
            }
        }
    }

    #[test]
    fn deleting_every_leaf_returns_to_the_empty_tree() {
        let mut tree = AccountTree::new(TreeShape::DEFAULT);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let indices: Vec<u32> = (0..20).map(|_| rng.gen()).collect();
        for &i in &indices {
            tree.set_leaf(AccountIndex::new(i), Fr::from(u64::from(i) + 1)).unwrap();
        }
        // Memory grows with the accounts present: at most one node per level each.
        assert!(tree.stored_nodes() <= indices.len() * (TreeShape::DEFAULT.levels() + 1));
        for &i in &indices {
            let proof = tree.proof(AccountIndex::new(i)).unwrap();
            assert!(proof.verify(tree.shape(), tree.root(), Fr::from(u64::from(i) + 1)));
        }
        for &i in &indices {
            tree.set_leaf(AccountIndex::new(i), Fr::from(0u64)).unwrap();
        }
        assert_eq!(tree.root(), tree.empty_root());
        assert_eq!(tree.stored_nodes(), 0);
    }

    #[test]
    fn out_of_range_index_and_malformed_proof_are_errors() {
        let shape = TreeShape::new(4, Arity::Binary).unwrap();
        let mut tree = AccountTree::new(shape);
        assert!(matches!(tree.set_leaf(AccountIndex::new(16), leaf(0)), Err(LedgerError::IndexOutOfRange { .. })));
        let mut proof = tree.proof(AccountIndex::new(3)).unwrap();
        proof.siblings.pop();
        assert!(proof.root_for(shape, leaf(0)).is_err());
        assert!(!proof.verify(shape, tree.root(), Fr::from(0u64)));
    }
}
