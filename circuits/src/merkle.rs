//! Merkle paths of the account tree in R1CS, the twin of [`ledger::tree`].
//!
//! A path is the siblings of each level; the leaf's position comes from the bits of
//! its account index. One path serves the old and the new leaf of an update: the
//! siblings are shared, and so is every selection that depends only on them and the
//! index. Placing the current node among its siblings costs one constraint per level
//! in a binary tree, and six in a 4-ary tree (three of them shared between the old and
//! the new leaf), next to the Poseidon hash of the node.

use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use ledger::tree::{Arity, MerkleProof, TreeShape};
use ledger::Fr;

use crate::poseidon;

/// The siblings of a path, allocated as witnesses.
#[derive(Debug, Clone)]
pub struct PathVar {
    shape: TreeShape,
    siblings: Vec<Vec<FpVar<Fr>>>,
}

impl PathVar {
    /// Allocates the siblings of `proof` (or zeros when no witness is given, for setup).
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        shape: TreeShape,
        proof: Option<&MerkleProof>,
    ) -> Result<Self, SynthesisError> {
        let per_level = shape.arity().children() - 1;
        let siblings = (0..shape.levels())
            .map(|level| {
                (0..per_level)
                    .map(|i| {
                        FpVar::new_witness(cs.clone(), || {
                            proof
                                .and_then(|p| p.siblings.get(level).and_then(|s| s.get(i)))
                                .copied()
                                .ok_or(SynthesisError::AssignmentMissing)
                        })
                    })
                    .collect()
            })
            .collect::<Result<Vec<Vec<_>>, _>>()?;
        Ok(PathVar { shape, siblings })
    }

    /// The roots reached from each of `leaves` at the position given by `index_bits`
    /// (little-endian, `shape.depth()` bits).
    pub fn roots(&self, index_bits: &[Boolean<Fr>], leaves: &[FpVar<Fr>]) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
        assert_eq!(index_bits.len(), self.shape.depth() as usize, "one index bit per level bit");
        let mut current: Vec<FpVar<Fr>> = leaves.to_vec();
        for (level, siblings) in self.siblings.iter().enumerate() {
            match self.shape.arity() {
                Arity::Binary => {
                    let bit = &index_bits[level];
                    let sibling = &siblings[0];
                    for node in current.iter_mut() {
                        // left = bit ? sibling : node; right = node + sibling - left.
                        let left = bit.select(sibling, node)?;
                        let right = &*node + sibling - &left;
                        *node = poseidon::hash(&[left, right])?;
                    }
                }
                Arity::Quaternary => {
                    let (b0, b1) = (&index_bits[2 * level], &index_bits[2 * level + 1]);
                    let (s0, s1, s2) = (&siblings[0], &siblings[1], &siblings[2]);
                    // The pair holding the node is (0,1) when b1 = 0 and (2,3) when b1 = 1;
                    // `partner` shares it, `other` is the other pair. Shared by all leaves.
                    let partner = b1.select(s2, s0)?;
                    let other0 = b1.select(s0, s1)?;
                    let other1 = b1.select(s1, s2)?;
                    for node in current.iter_mut() {
                        let left = b0.select(&partner, node)?;
                        let right = &*node + &partner - &left;
                        let c0 = b1.select(&other0, &left)?;
                        let c2 = &other0 + &left - &c0;
                        let c1 = b1.select(&other1, &right)?;
                        let c3 = &other1 + &right - &c1;
                        *node = poseidon::hash(&[c0, c1, c2, c3])?;
                    }
                }
            }
        }
        Ok(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::range::to_bits_le_checked;
    use crate::test_utils::alloc_fr;
    use ark_r1cs_std::alloc::AllocationMode;
    use ark_r1cs_std::GR1CSVar;
    use ark_relations::gr1cs::ConstraintSystem;
    use ledger::tree::AccountTree;
    use ledger::AccountIndex;

    fn tree(shape: TreeShape) -> AccountTree {
        let mut tree = AccountTree::new(shape);
        for i in [0u32, 1, 6, 9, 14, 15] {
            tree.set_leaf(AccountIndex::new(i), Fr::from(100 + u64::from(i))).unwrap();
        }
        tree
    }

    #[test]
    fn roots_equal_native_roots_for_both_arities_and_every_position() {
        for arity in [Arity::Binary, Arity::Quaternary] {
            let shape = TreeShape::new(4, arity).unwrap();
            let tree = tree(shape);
            for i in 0..16u32 {
                let index = AccountIndex::new(i);
                let proof = tree.proof(index).unwrap();
                for mode in [AllocationMode::Witness, AllocationMode::Input, AllocationMode::Constant] {
                    let cs = ConstraintSystem::<Fr>::new_ref();
                    let path = PathVar::new_witness(cs.clone(), shape, Some(&proof)).unwrap();
                    let index_var = alloc_fr(cs.clone(), Fr::from(i), mode);
                    let bits = to_bits_le_checked(&index_var, 4).unwrap();
                    let old = alloc_fr(cs.clone(), tree.leaf(index).unwrap(), mode);
                    let new = alloc_fr(cs.clone(), Fr::from(7u64), mode);
                    let roots = path.roots(&bits, &[old, new]).unwrap();
                    assert_eq!(roots[0].value().unwrap(), tree.root(), "{arity:?} leaf {i}");
                    assert_eq!(roots[1].value().unwrap(), proof.root_for(shape, Fr::from(7u64)).unwrap());
                    assert!(cs.is_satisfied().unwrap());
                }
            }
        }
    }

    #[test]
    fn a_wrong_path_reaches_another_root() {
        let shape = TreeShape::new(4, Arity::Quaternary).unwrap();
        let tree = tree(shape);
        let mut proof = tree.proof(AccountIndex::new(9)).unwrap();
        proof.siblings[1][2] += Fr::from(1u64);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let path = PathVar::new_witness(cs.clone(), shape, Some(&proof)).unwrap();
        let bits = to_bits_le_checked(&alloc_fr(cs.clone(), Fr::from(9u64), AllocationMode::Witness), 4).unwrap();
        let leaf = alloc_fr(cs.clone(), tree.leaf(AccountIndex::new(9)).unwrap(), AllocationMode::Witness);
        let root = path.roots(&bits, &[leaf]).unwrap().remove(0);
        assert_ne!(root.value().unwrap(), tree.root());
    }

    #[test]
    fn cost_per_level() {
        for (arity, per_level_two_leaves) in [(Arity::Binary, 2 * (240 + 1)), (Arity::Quaternary, 3 + 2 * (297 + 3))] {
            let shape = TreeShape::new(8, arity).unwrap();
            let cs = ConstraintSystem::<Fr>::new_ref();
            let path = PathVar::new_witness(
                cs.clone(),
                shape,
                Some(&AccountTree::new(shape).proof(AccountIndex::new(3)).unwrap()),
            )
            .unwrap();
            let bits: Vec<Boolean<Fr>> =
                (0..8).map(|i| Boolean::new_witness(cs.clone(), || Ok(i < 2)).unwrap()).collect();
            let before = cs.num_constraints();
            let leaves = [
                alloc_fr(cs.clone(), Fr::from(0u64), AllocationMode::Witness),
                alloc_fr(cs.clone(), Fr::from(1u64), AllocationMode::Witness),
            ];
            let _ = path.roots(&bits, &leaves).unwrap();
            assert_eq!(cs.num_constraints() - before, shape.levels() * per_level_two_leaves, "{arity:?}");
        }
    }
}
