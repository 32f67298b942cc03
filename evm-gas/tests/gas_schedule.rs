//! The simulated L1's gas schedule agrees with revm: every figure of `l1_contract_sim::gas` that has an EVM
//! counterpart (Poseidon of 2 to 5 inputs, Groth16 verification of 1, 2 and 4 public inputs) is within 5% of
//! the execution gas revm measures running the real contract. Gas counts are deterministic, so this is exact
//! arithmetic on counts, not a timing.
//!
//! Needs node and npm (solc and circomlibjs, installed on first use); `SKIP_SNARKJS=1` skips it.

use anyhow::Result;
use evm_gas::calibration::{GROTH16_INPUTS, POSEIDON_INPUTS};
use evm_gas::{run_checks, JsTools, TOLERANCE};

#[test]
fn every_figure_is_within_five_percent_of_revm() -> Result<()> {
    let Some(tools) = JsTools::find()? else {
        eprintln!("SKIP_SNARKJS=1: the gas calibration against revm is skipped");
        return Ok(());
    };
    let checks = run_checks(&tools)?;
    assert_eq!(checks.len(), POSEIDON_INPUTS.len() + GROTH16_INPUTS.len() + 1);
    for c in &checks {
        eprintln!("{:<50} simulator {:>8} revm {:>8} ratio {:.3}", c.check, c.simulator, c.revm, c.ratio);
    }
    for c in checks.iter().filter(|c| !c.reference) {
        assert!(
            c.agrees(),
            "{}: the simulator charges {} gas, revm measures {} (ratio {:.3})",
            c.check,
            c.simulator,
            c.revm,
            c.ratio
        );
        assert!((c.ratio - 1.0).abs() <= TOLERANCE);
    }
    // The reference row (snarkjs' verifier) is another contract: it must still be in the same range as ours.
    let reference = checks.iter().find(|c| c.reference).expect("one reference row");
    assert!((0.8..1.25).contains(&reference.ratio), "{reference:?}");
    Ok(())
}
