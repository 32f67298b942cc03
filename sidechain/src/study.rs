//! What a checkpoint costs on L1 as the validator set grows, in both signature modes, from the metered
//! bridge: for each size a fresh bridge registers that many validators (real keys, proofs of possession
//! checked), then every validator signs one checkpoint and a relayer submits it, once with ECDSA signatures
//! and once with a BLS aggregate on the same registered set.

use ark_std::rand::{CryptoRng, RngCore};
use l1_contract_sim::{Address, Chain, ChainConfig, Contract, ETHER};
use ledger::TreeShape;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{withdrawal_tree, Checkpoint};
use crate::contract::{Bridge, BridgeCall, BridgeParams, SignatureScheme};
use crate::driver::sign;
use crate::error::{Result, SidechainError};
use crate::validators::{self, StakeDistribution};
use crate::world::World;

/// One row: a validator set's size and what a checkpoint signed by all of them costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasRow {
    /// Validators in the set (all sign).
    pub validators: usize,
    /// Gas of the checkpoint transaction with ECDSA signatures.
    pub ecdsa_gas: u64,
    /// Its calldata bytes.
    pub ecdsa_calldata_bytes: usize,
    /// Gas of the checkpoint transaction with a BLS aggregate.
    pub bls_gas: u64,
    /// Its calldata bytes.
    pub bls_calldata_bytes: usize,
    /// Gas of one validator's registration (key and proof-of-possession checks included).
    pub register_gas: u64,
}

/// The checkpoint gas of sets of each size in `sizes`, every validator signing, both modes.
///
/// # Errors
/// A refused transaction or a reverted registration or checkpoint.
pub fn checkpoint_gas_table<R: RngCore + CryptoRng>(sizes: &[usize], rng: &mut R) -> Result<Vec<GasRow>> {
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let roster = validators::generate(largest, &StakeDistribution::default(), rng)?;
    let tree = TreeShape::new(8, ledger::Arity::Binary)?;
    let mut rows = Vec::new();
    for &n in sizes.iter().filter(|&&n| n > 0) {
        let mut chain = Chain::new(ChainConfig::default());
        for v in &roster[..n] {
            chain.fund(v.address(), v.stake + ETHER);
        }
        let params = BridgeParams::new(SignatureScheme::Ecdsa, tree, n);
        let mut world = World::new(chain, Bridge::new(Address::from_label("sidechain-bridge"), params));
        let mut register_gas = 0;
        for v in &roster[..n] {
            let r = world.send(v.address(), v.stake, BridgeCall::Register { bls: Some(v.bls_registration()?) })?;
            if let Err(revert) = r.outcome {
                return Err(SidechainError::Reverted { call: "Register", revert });
            }
            register_gas = r.gas_used;
        }
        world.chain.advance_slot();
        let checkpoint = Checkpoint {
            number: 0,
            start_block: 1,
            end_block: 256,
            state_root: [7; 32],
            withdrawal_root: withdrawal_tree(&[])?.root(),
            withdrawals: 0,
            set_id: 0,
        };
        let members = world.bridge.set().members.clone();
        let chain_id = world.bridge.params().chain_id;
        let mut gas = Vec::new();
        for scheme in [SignatureScheme::Ecdsa, SignatureScheme::Bls] {
            let mut w = World::new(world.chain.clone(), world.bridge.clone().with_scheme(scheme));
            let signatures = sign(&roster, &members, &members, &checkpoint, scheme, chain_id, w.bridge.address())?;
            let call = BridgeCall::SubmitCheckpoint { checkpoint, signatures };
            let bytes = w.bridge.calldata(&call).len();
            let r = w.send(roster[0].address(), 0, call)?;
            if let Err(revert) = r.outcome {
                return Err(SidechainError::Reverted { call: "SubmitCheckpoint", revert });
            }
            gas.push((r.gas_used, bytes));
        }
        rows.push(GasRow {
            validators: n,
            ecdsa_gas: gas[0].0,
            ecdsa_calldata_bytes: gas[0].1,
            bls_gas: gas[1].0,
            bls_calldata_bytes: gas[1].1,
            register_gas,
        });
    }
    Ok(rows)
}

/// The rows as an aligned text table.
pub fn format_table(rows: &[GasRow]) -> String {
    let mut out = String::from(
        "validators | ECDSA checkpoint gas | ECDSA calldata bytes | BLS checkpoint gas | BLS calldata bytes | register gas\n",
    );
    for r in rows {
        out.push_str(&format!(
            "{:>10} | {:>20} | {:>20} | {:>18} | {:>18} | {:>12}\n",
            r.validators, r.ecdsa_gas, r.ecdsa_calldata_bytes, r.bls_gas, r.bls_calldata_bytes, r.register_gas
        ));
    }
    out
}
