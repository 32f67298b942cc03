//! The R1CS matrices `[A, B, C]` of a synthesised circuit, built without arkworks'
//! `finalize` + `to_matrices`, in less memory.
//!
//! arkworks builds the matrices in two steps: `finalize` rewrites every symbolic linear
//! combination of the circuit into one over variables only (a second copy of every linear
//! combination, fully expanded, reachable or not), then `to_matrices` copies the expanded
//! combinations the constraints name into rows. At depth 32 the expanded copy is about
//! three times the size of the matrices, and it, the original combinations and the matrices
//! are all alive at once: that was the peak of a whole setup.
//!
//! Here every row is expanded on demand from the original combinations, and an expanded
//! combination is kept only while a later row or combination still names it (a count of the
//! uses left, taken over what the constraints reach). The rows are the same as arkworks':
//! each variable once, its coefficients summed, zero terms dropped, in column order
//! (tested against arkworks in this module and on the batch circuit in `tests/prove.rs`).

use std::collections::HashMap;

use ark_ff::{One, Zero};
use ark_relations::gr1cs::{ConstraintSystem, Variable, R1CS_PREDICATE_LABEL};
use ark_relations::utils::matrix::Matrix;
use ledger::Fr;

use crate::error::{ProverError, Result};

/// One matrix row: `(coefficient, column)` pairs in column order.
type Row = Vec<(Fr, usize)>;

/// Expands symbolic linear combinations into rows, keeping each expansion only as long as
/// it has uses left.
struct Expander<'a> {
    cs: &'a ConstraintSystem<Fr>,
    witness_offset: usize,
    /// How many more times each linear combination will be named (by a constraint or by a
    /// combination that a constraint reaches).
    uses_left: Vec<u32>,
    /// Expanded combinations that still have uses left.
    expanded: HashMap<usize, Row>,
}

fn malformed(why: String) -> ProverError {
    ProverError::Groth16(format!("cannot build the constraint matrices: {why}"))
}

/// Sorts by column, sums repeated columns and drops zero coefficients.
fn canonical(mut terms: Row) -> Row {
    terms.sort_unstable_by_key(|&(_, column)| column);
    let mut out: Row = Vec::with_capacity(terms.len());
    for (coeff, column) in terms {
        match out.last_mut() {
            Some(last) if last.1 == column => last.0 += coeff,
            _ => out.push((coeff, column)),
        }
    }
    out.retain(|(coeff, _)| !coeff.is_zero());
    out.shrink_to_fit();
    out
}

impl<'a> Expander<'a> {
    fn new(cs: &'a ConstraintSystem<Fr>, arguments: &[Vec<Variable>]) -> Result<Self> {
        let lcs = cs.lc_map.num_lcs();
        let mut uses_left = vec![0u32; lcs];
        let count = |uses_left: &mut Vec<u32>, v: Variable| -> Result<()> {
            if let Some(i) = v.get_lc_index() {
                let slot = uses_left.get_mut(i).ok_or_else(|| malformed(format!("combination {i} of {lcs} named")))?;
                *slot = slot.checked_add(1).ok_or_else(|| malformed(format!("combination {i} named 2^32 times")))?;
            }
            Ok(())
        };
        for v in arguments.iter().flatten() {
            count(&mut uses_left, *v)?;
        }
        // A combination only names earlier ones, so going down the indices sees every use of a
        // combination before the combination itself: those with no use are not reached.
        for i in (0..lcs).rev() {
            if uses_left[i] == 0 {
                continue;
            }
            let terms = cs.lc_map.get(i).ok_or_else(|| malformed(format!("combination {i} is missing")))?;
            for (_, v) in terms {
                match v.get_lc_index() {
                    Some(j) if j >= i => return Err(malformed(format!("combination {i} names a later one, {j}"))),
                    _ => count(&mut uses_left, *v)?,
                }
            }
        }
        let witness_offset = cs.num_instance_variables();
        Ok(Self { cs, witness_offset, uses_left, expanded: HashMap::new() })
    }

    fn column(&self, v: Variable) -> Result<Option<usize>> {
        if v.is_zero() {
            return Ok(None);
        }
        v.get_variable_index(self.witness_offset).map(Some).ok_or_else(|| malformed("an unknown variable kind".into()))
    }

    /// Appends `coeff · v` (expanded) to `out`, using up one use of `v` if it is a combination
    /// already expanded. Returns the combination to expand first if it is not.
    fn append(&mut self, coeff: Fr, v: Variable, out: &mut Row) -> Result<Option<usize>> {
        let Some(i) = v.get_lc_index() else {
            if let Some(column) = self.column(v)? {
                out.push((coeff, column));
            }
            return Ok(None);
        };
        if !self.expanded.contains_key(&i) {
            return Ok(Some(i));
        }
        let left = &mut self.uses_left[i];
        *left = left.checked_sub(1).ok_or_else(|| malformed(format!("combination {i} used more than counted")))?;
        let scale = |row: &Row, out: &mut Row| {
            if coeff.is_one() {
                out.extend_from_slice(row);
            } else {
                out.extend(row.iter().map(|&(c, column)| (coeff * c, column)));
            }
        };
        if *left == 0 {
            let row = self.expanded.remove(&i).expect("checked above");
            scale(&row, out);
        } else {
            scale(&self.expanded[&i], out);
        }
        Ok(None)
    }

    /// Expands combination `root` (and every combination under it not yet expanded) into
    /// `self.expanded`, without recursion: a long chain of combinations cannot overflow the
    /// stack.
    fn expand(&mut self, root: usize) -> Result<()> {
        struct Frame {
            lc: usize,
            terms: Vec<(Fr, Variable)>,
            next: usize,
            out: Row,
        }
        let frame = |lc: usize, cs: &ConstraintSystem<Fr>| Frame {
            lc,
            terms: cs.get_lc(Variable::symbolic_lc(lc)).0,
            next: 0,
            out: Vec::new(),
        };
        let mut stack = vec![frame(root, self.cs)];
        while let Some(top) = stack.last_mut() {
            if let Some(&(coeff, v)) = top.terms.get(top.next) {
                let mut out = std::mem::take(&mut top.out);
                let pending = self.append(coeff, v, &mut out);
                let top = stack.last_mut().expect("still there");
                top.out = out;
                match pending? {
                    None => top.next += 1,
                    Some(child) => stack.push(frame(child, self.cs)),
                }
            } else {
                let done = stack.pop().expect("still there");
                self.expanded.insert(done.lc, canonical(done.out));
            }
        }
        Ok(())
    }

    /// The row of one constraint argument.
    fn row(&mut self, v: Variable) -> Result<Row> {
        let mut out = Vec::new();
        if let Some(lc) = self.append(Fr::one(), v, &mut out)? {
            self.expand(lc)?;
            let pending = self.append(Fr::one(), v, &mut out)?;
            debug_assert!(pending.is_none());
        }
        Ok(canonical(out))
    }
}

/// The R1CS matrices `[A, B, C]` of `cs`, a circuit synthesised in setup mode and **not**
/// finalized; equal to what arkworks' `finalize` + `to_matrices` give.
pub fn r1cs_matrices(cs: &ConstraintSystem<Fr>) -> Result<Vec<Matrix<Fr>>> {
    let predicate = cs
        .predicate_constraint_systems
        .get(R1CS_PREDICATE_LABEL)
        .ok_or_else(|| malformed("the circuit has no R1CS constraints".into()))?;
    let arguments = predicate.get_constraints();
    let constraints = predicate.num_constraints();
    if arguments.len() != 3 || arguments.iter().any(|a| a.len() != constraints) {
        return Err(malformed(format!("an R1CS constraint takes 3 arguments, {} found", arguments.len())));
    }
    let mut expander = Expander::new(cs, arguments)?;
    let mut matrices: Vec<Matrix<Fr>> = (0..3).map(|_| Vec::with_capacity(constraints)).collect();
    for j in 0..constraints {
        for (m, argument) in matrices.iter_mut().zip(arguments) {
            m.push(expander.row(argument[j])?);
        }
    }
    if !expander.expanded.is_empty() {
        return Err(malformed(format!("{} expanded combinations were never used up", expander.expanded.len())));
    }
    Ok(matrices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_r1cs_std::alloc::AllocVar;
    use ark_r1cs_std::eq::EqGadget;
    use ark_r1cs_std::fields::fp::FpVar;
    use ark_r1cs_std::fields::FieldVar;
    use ark_relations::gr1cs::{ConstraintSystemRef, OptimizationGoal, SynthesisMode};

    /// A circuit with shared, nested, repeated and cancelling combinations.
    fn synthesise() -> ConstraintSystemRef<Fr> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        let x = FpVar::new_input(cs.clone(), || Ok(Fr::from(3u64))).unwrap();
        let ws: Vec<FpVar<Fr>> =
            (0..6u64).map(|i| FpVar::new_witness(cs.clone(), || Ok(Fr::from(i + 2))).unwrap()).collect();
        // A chain of sums, each link used by a constraint and by the next link.
        let mut acc = x.clone();
        for w in &ws {
            acc = &acc + w * Fr::from(5u64) + &x;
            let sq = acc.square().unwrap();
            sq.enforce_not_equal(&FpVar::zero()).unwrap();
        }
        // A combination that cancels to a constant, and one that names a variable twice.
        let twice = &ws[0] + &ws[0];
        let cancel = &twice - &ws[0] - &ws[0] + FpVar::one();
        (&cancel * &(&ws[1] + &ws[1] + &ws[2])).enforce_equal(&(&ws[3] * Fr::from(2u64))).unwrap();
        cs
    }

    #[test]
    fn equals_arkworks_matrices() {
        let cs = synthesise();
        let ours = r1cs_matrices(&cs.borrow().unwrap()).unwrap();
        cs.finalize();
        let theirs = cs.to_matrices().unwrap().remove(R1CS_PREDICATE_LABEL).unwrap();
        assert!(ours[0].len() > 10);
        assert_eq!(ours, theirs);
    }
}
