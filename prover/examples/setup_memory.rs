//! Peak resident memory of each stage of a setup, at depth 32 with the number of slots given
//! (Linux only: `VmHWM`, reset between stages). Shows where a large setup spends its memory:
//!
//! ```sh
//! cargo run --release -p prover --example setup_memory -- 16            # the setup's own matrices
//! cargo run --release -p prover --example setup_memory -- 16 arkworks   # finalize + to_matrices
//! ```

use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL,
};
use ark_std::rand::SeedableRng;
use circuits::{BatchCircuit, BatchShape};
use ledger::{Arity, ChainId, Fr, TreeShape};

/// A `/proc/self/status` field in GiB.
fn status_gib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    kib / f64::from(1u32 << 20)
}

/// Prints the peak since the last stage and the current size, then resets the peak.
fn stage(name: &str) {
    println!("{name:<12} peak {:6.2} GiB, now {:6.2} GiB", status_gib("VmHWM:"), status_gib("VmRSS:"));
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let slots: usize = std::env::args().nth(1).as_deref().unwrap_or("8").parse()?;
    let arkworks = std::env::args().nth(2).as_deref() == Some("arkworks");
    let tree = TreeShape::new(32, Arity::Quaternary)?;
    let shape = BatchShape { tree, batch_size: slots, chain_id: ChainId::DEFAULT };
    stage("start");
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    BatchCircuit::for_setup(shape).generate_constraints(cs.clone())?;
    stage("synthesis");
    let matrices = if arkworks {
        cs.finalize();
        stage("finalize");
        let matrices = cs.to_matrices()?.remove(R1CS_PREDICATE_LABEL).ok_or("no R1CS predicate")?;
        stage("to_matrices");
        matrices
    } else {
        let inner = cs.borrow().ok_or("no constraint system")?;
        let matrices = prover::matrices::r1cs_matrices(&inner)?;
        drop(inner);
        stage("matrices");
        matrices
    };
    let entries: usize = matrices.iter().flatten().map(Vec::len).sum();
    let constraints = matrices.first().map_or(0, Vec::len);
    println!(
        "{constraints} constraints, {entries} matrix entries ({:.1} per constraint)",
        entries as f64 / constraints as f64
    );
    let (instance, witness) = (cs.num_instance_variables(), cs.num_witness_variables());
    drop(cs);
    stage("drop cs");
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(1);
    let pk = prover::groth16::generate(&matrices, instance, witness, &mut rng)?;
    stage("generate");
    drop(pk);
    Ok(())
}
