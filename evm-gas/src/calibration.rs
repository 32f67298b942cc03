//! The simulated L1's gas figures next to revm running the real contracts: each [`GasCheck`] is one figure of
//! [`l1_contract_sim::gas`] and the execution gas revm measured for the same work.
//!
//! - Poseidon of 2 to 5 inputs ([`l1_contract_sim::gas::poseidon_gas`]): circomlibjs' Poseidon contract,
//!   called with `poseidon(uint256[n])`; its output is checked against [`ledger::poseidon`].
//! - Groth16 verification of 1, 2 and 4 public inputs ([`l1_contract_sim::gas::groth16_verify_gas`]; 1 input
//!   is the zk rollup's batch proof): this crate's verifier contract ([`verifier::solidity`]) on a valid
//!   proof, which it must accept.
//! - snarkjs' own verifier for the same 1-input key and proof, as a reference (not a figure of the schedule).
//!
//! Gas counts are deterministic: the same code and inputs always use the same gas.

use ark_bn254::Fr;
use l1_contract_sim::gas;
use revm::primitives::{keccak256, Address};
use serde::Serialize;

use crate::evm::Evm;
use crate::js::JsTools;
use crate::trapdoor::TrapdoorKey;
use crate::{EvmGasError, Result};

/// Largest relative gap allowed between a figure of the schedule and revm's measurement.
pub const TOLERANCE: f64 = 0.05;

/// Public-input counts of the Groth16 checks.
pub const GROTH16_INPUTS: [usize; 3] = [1, 2, 4];

/// Input counts of the Poseidon checks.
pub const POSEIDON_INPUTS: [usize; 4] = [2, 3, 4, 5];

/// One figure of the schedule against revm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GasCheck {
    /// What is measured.
    pub check: String,
    /// The simulator's charge ([`l1_contract_sim::gas`]).
    pub simulator: u64,
    /// Execution gas revm used for the same work (transaction gas less its intrinsic gas).
    pub revm: u64,
    /// `simulator / revm`.
    pub ratio: f64,
    /// A reference row (another contract than the one the figure is calibrated to): not held to
    /// [`TOLERANCE`].
    pub reference: bool,
}

impl GasCheck {
    fn new(check: String, simulator: u64, revm: u64, reference: bool) -> GasCheck {
        let ratio = if revm == 0 { f64::INFINITY } else { simulator as f64 / revm as f64 };
        GasCheck { check, simulator, revm, ratio, reference }
    }

    /// Whether the simulator's figure is within [`TOLERANCE`] of revm's.
    pub fn agrees(&self) -> bool {
        (self.ratio - 1.0).abs() <= TOLERANCE
    }
}

/// The selector of circomlibjs' `poseidon(uint256[n])`.
pub fn poseidon_selector(inputs: usize) -> [u8; 4] {
    let h = keccak256(format!("poseidon(uint256[{inputs}])").as_bytes());
    [h[0], h[1], h[2], h[3]]
}

/// Calldata of `poseidon(uint256[n])`.
pub fn poseidon_calldata(inputs: &[Fr]) -> Vec<u8> {
    let mut data = poseidon_selector(inputs.len()).to_vec();
    for x in inputs {
        data.extend_from_slice(&verifier::solidity::input_word(x));
    }
    data
}

/// Deploys circomlibjs' Poseidon contract for `inputs` inputs, hashes `1, 2, …, inputs` with it, checks the
/// hash equals [`ledger::poseidon::hash`], and returns the call's execution gas.
pub fn measure_poseidon(evm: &mut Evm, tools: &JsTools, inputs: usize) -> Result<u64> {
    let address = evm.deploy(&tools.poseidon_contract(inputs)?)?;
    let values: Vec<Fr> = (1..=inputs as u64).map(Fr::from).collect();
    let outcome = evm.call(address, &poseidon_calldata(&values))?;
    let expected = ledger::poseidon::hash(&values).map_err(|e| EvmGasError::OutOfRange(e.to_string()))?;
    if !outcome.success || outcome.output != verifier::solidity::input_word(&expected) {
        return Err(EvmGasError::BadOutput {
            tool: format!("circomlibjs poseidon({inputs})"),
            message: format!("returned 0x{}, ledger::poseidon says {expected}", hex::encode(&outcome.output)),
        });
    }
    Ok(outcome.execution_gas)
}

/// Our verifier for `vk` ([`verifier::solidity::verifier_contract`]), compiled with the pinned solc and
/// deployed.
pub fn deploy_verifier(evm: &mut Evm, tools: &JsTools, vk: &verifier::BnVerifyingKey) -> Result<Address> {
    let source = verifier::solidity::verifier_contract(vk)?;
    evm.deploy(&tools.compile(&source, verifier::solidity::CONTRACT_NAME)?)
}

/// The source of snarkjs' own Groth16 verifier for `vk`: the one place that produces it.
pub fn snarkjs_verifier_source(tools: &JsTools, vk: &verifier::BnVerifyingKey) -> Result<String> {
    tools.snarkjs_verifier(&verifier::snarkjs::vk_to_json(vk))
}

/// snarkjs' verifier for `vk`, compiled with the pinned solc and deployed.
pub fn deploy_snarkjs_verifier(evm: &mut Evm, tools: &JsTools, vk: &verifier::BnVerifyingKey) -> Result<Address> {
    evm.deploy(&tools.compile(&snarkjs_verifier_source(tools, vk)?, "Groth16Verifier")?)
}

/// Calldata of snarkjs' `verifyProof(uint[2] _pA, uint[2][2] _pB, uint[2] _pC, uint[N] _pubSignals)`: the same
/// words as ours (B already in the precompile's order), behind its own selector.
pub fn snarkjs_calldata(proof: &[verifier::solidity::Word; 8], inputs: &[verifier::solidity::Word]) -> Vec<u8> {
    let mut data = verifier::solidity::encode_call(proof, inputs);
    let h = keccak256(format!("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{}])", inputs.len()).as_bytes());
    data[..4].copy_from_slice(&h[..4]);
    data
}

/// Runs our verifier (or snarkjs' with `snarkjs`) on a valid trapdoor proof for `inputs` inputs and returns
/// the call's execution gas; an error if the contract does not accept the proof.
pub fn measure_groth16(evm: &mut Evm, tools: &JsTools, inputs: usize, snarkjs: bool) -> Result<u64> {
    let key = TrapdoorKey::new(inputs, 42 + inputs as u64);
    // Inputs near the top of the field, so that the call's words are mostly nonzero bytes as a commitment's are.
    let values: Vec<Fr> = (1..=inputs as u64).map(|i| -Fr::from(i)).collect();
    let proof = key.prove(&values, 7);
    let words: Vec<_> = values.iter().map(verifier::solidity::input_word).collect();
    let proof_words = verifier::solidity::proof_words(&proof);
    let (address, calldata) = if snarkjs {
        (deploy_snarkjs_verifier(evm, tools, key.vk())?, snarkjs_calldata(&proof_words, &words))
    } else {
        (deploy_verifier(evm, tools, key.vk())?, verifier::solidity::encode_call(&proof_words, &words))
    };
    let outcome = evm.call(address, &calldata)?;
    match outcome.as_bool() {
        Some(true) => Ok(outcome.execution_gas),
        other => Err(EvmGasError::BadOutput {
            tool: if snarkjs { "snarkjs verifier".into() } else { "our verifier".into() },
            message: format!("a valid proof was not accepted ({other:?}, 0x{})", hex::encode(&outcome.output)),
        }),
    }
}

/// Every check, in the order `rollup bench evm` prints them.
pub fn run_checks(tools: &JsTools) -> Result<Vec<GasCheck>> {
    let mut evm = Evm::new();
    let mut checks = Vec::new();
    for n in POSEIDON_INPUTS {
        let revm = measure_poseidon(&mut evm, tools, n)?;
        checks.push(GasCheck::new(format!("Poseidon, {n} inputs (circomlibjs)"), gas::poseidon_gas(n), revm, false));
    }
    for n in GROTH16_INPUTS {
        let revm = measure_groth16(&mut evm, tools, n, false)?;
        let what = if n == 1 { "1 input: a batch proof" } else { &format!("{n} inputs") };
        checks.push(GasCheck::new(format!("Groth16 verify, {what}"), gas::groth16_verify_gas(n), revm, false));
    }
    let revm = measure_groth16(&mut evm, tools, 1, true)?;
    checks.push(GasCheck::new(
        "Groth16 verify, 1 input, snarkjs' verifier".into(),
        gas::groth16_verify_gas(1),
        revm,
        true,
    ));
    Ok(checks)
}
