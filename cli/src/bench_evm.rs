//! `rollup bench evm`: the simulated L1's gas figures next to revm running the real contracts (circomlibjs'
//! Poseidon, our Groth16 verifier, snarkjs' verifier as a reference); see `evm_gas::calibration`.

use anyhow::{anyhow, Result};
use clap::Args;
use evm_gas::{run_checks, JsTools, TOLERANCE};

use crate::exit::unusable_msg;
use crate::output;

/// Long help of `rollup bench evm`.
pub const LONG_ABOUT: &str = "The simulated L1's gas figures next to revm running the real contracts.\n\n\
For each figure of the gas schedule with an EVM counterpart (Poseidon of 2 to 5 inputs with circomlibjs' \
contract; Groth16 verification of 1, 2 and 4 public inputs with the lab's own Solidity verifier on a valid \
proof), prints the simulator's charge, the execution gas revm measures (transaction gas less its intrinsic \
gas), and their ratio; snarkjs' own verifier is a reference row. Fails when a figure is more than 5% off.\n\n\
Needs node and npm: solc, circomlibjs and snarkjs are installed on first use with \
`npm ci --prefix evm-gas/js` at the versions its package-lock.json pins.";

/// Arguments of `rollup bench evm`.
#[derive(Debug, Args)]
pub struct BenchEvmArgs {
    /// Print the checks as one line of JSON (a list).
    #[arg(long)]
    json: bool,
}

/// Runs `rollup bench evm`.
pub fn run(args: BenchEvmArgs) -> Result<()> {
    let tools = JsTools::find()
        .map_err(|e| unusable_msg(format_args!("{e}")))?
        .ok_or_else(|| unusable_msg("SKIP_SNARKJS=1 is set: `rollup bench evm` needs the node tools"))?;
    let checks = run_checks(&tools).map_err(|e| anyhow!("{e}"))?;
    if args.json {
        output::json(&checks)?;
    } else {
        let mut text = format!(
            "Gas of the simulated L1 against revm {} (execution gas, intrinsic gas excluded)\n{:<46}  {:>9}  {:>9}  {:>6}",
            evm_gas::evm::REVM_VERSION,
            "check",
            "simulator",
            "revm",
            "ratio"
        );
        for c in &checks {
            let mark = if c.reference { "  (reference)" } else { "" };
            text.push_str(&format!("\n{:<46}  {:>9}  {:>9}  {:>6.3}{mark}", c.check, c.simulator, c.revm, c.ratio));
        }
        output::line(text)?;
    }
    let off: Vec<_> = checks.iter().filter(|c| !c.reference && !c.agrees()).map(|c| c.check.as_str()).collect();
    if !off.is_empty() {
        return Err(anyhow!("more than {:.0}% off revm: {}", TOLERANCE * 100.0, off.join(", ")));
    }
    Ok(())
}
