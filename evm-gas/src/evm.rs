//! An in-memory EVM on revm: deploy contracts, call them, read success, return data and gas.

use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::result::ExecutionResult;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, TxKind};
use revm::{ExecuteCommitEvm, MainBuilder, MainContext, MainnetEvm};

use crate::{EvmGasError, Result};

/// The hard fork the EVM runs (Osaka: EIP-1108 precompile prices, EIP-2028 calldata, EIP-7623 floor).
pub const SPEC: SpecId = SpecId::OSAKA;

/// The revm release this crate runs, for reports ("measured on revm 43").
pub const REVM_VERSION: &str = "43";

/// Gas limit of every transaction: the EIP-7825 cap (2^24).
pub const TX_GAS_LIMIT: u64 = 1 << 24;

type Inner = MainnetEvm<Context<BlockEnv, TxEnv, CfgEnv, CacheDB<EmptyDB>>>;

/// The outcome of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    /// The call returned normally (no revert, no halt).
    pub success: bool,
    /// What it returned (or the revert data); empty after a halt.
    pub output: Vec<u8>,
    /// Gas the transaction used, intrinsic gas (21,000 and calldata) included.
    pub gas_used: u64,
    /// Gas used less the intrinsic gas of the calldata ([`l1_contract_sim::gas::intrinsic_gas`]): what the
    /// contract's code spent. The EIP-7623 floor is not subtracted (it binds only data-heavy calls).
    pub execution_gas: u64,
}

impl CallOutcome {
    /// The returned word read as a Solidity `bool`, or `None` when the call failed or returned anything but
    /// one word holding 0 or 1.
    pub fn as_bool(&self) -> Option<bool> {
        if !self.success || self.output.len() != 32 || self.output[..31].iter().any(|&b| b != 0) {
            return None;
        }
        match self.output[31] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// One account that sends every transaction to an in-memory chain (gas price and base fee zero, so it needs
/// no balance).
#[allow(missing_debug_implementations)] // revm's EVM has no Debug
pub struct Evm {
    inner: Inner,
    caller: Address,
    nonce: u64,
}

impl Default for Evm {
    fn default() -> Self {
        Self::new()
    }
}

impl Evm {
    /// A fresh chain at [`SPEC`] with an empty state.
    pub fn new() -> Evm {
        let ctx = Context::mainnet()
            .with_cfg(CfgEnv::new_with_spec(SPEC))
            .with_db(CacheDB::new(EmptyDB::new()))
            .modify_block_chained(|b: &mut BlockEnv| {
                b.basefee = 0;
                b.gas_limit = 30_000_000;
            });
        Evm { inner: ctx.build_mainnet(), caller: Address::with_last_byte(0xca), nonce: 0 }
    }

    fn transact(&mut self, kind: TxKind, data: &[u8]) -> Result<ExecutionResult> {
        let tx = TxEnv::builder()
            .caller(self.caller)
            .kind(kind)
            .data(Bytes::copy_from_slice(data))
            .gas_limit(TX_GAS_LIMIT)
            .gas_price(0)
            .nonce(self.nonce)
            .build()
            .map_err(|e| EvmGasError::Evm(format!("{e:?}")))?;
        let result = self.inner.transact_commit(tx).map_err(|e| EvmGasError::Evm(e.to_string()))?;
        self.nonce += 1;
        Ok(result)
    }

    /// Deploys a contract from its creation code (constructor and runtime), returning its address.
    pub fn deploy(&mut self, creation_code: &[u8]) -> Result<Address> {
        match self.transact(TxKind::Create, creation_code)? {
            ExecutionResult::Success { output, .. } => {
                output.address().copied().ok_or_else(|| EvmGasError::Deploy("no address created".into()))
            }
            ExecutionResult::Revert { output, .. } => {
                Err(EvmGasError::Deploy(format!("constructor reverted with 0x{}", hex::encode(output))))
            }
            ExecutionResult::Halt { reason, .. } => Err(EvmGasError::Deploy(format!("halted: {reason:?}"))),
        }
    }

    /// Calls `to` with `calldata` in a transaction of its own (committed, so cold accesses are cold again in
    /// the next call, as on a real chain).
    pub fn call(&mut self, to: Address, calldata: &[u8]) -> Result<CallOutcome> {
        let result = self.transact(TxKind::Call(to), calldata)?;
        let gas_used = result.tx_gas_used();
        let (success, output) = match result {
            ExecutionResult::Success { output, .. } => (true, output.into_data().to_vec()),
            ExecutionResult::Revert { output, .. } => (false, output.to_vec()),
            ExecutionResult::Halt { .. } => (false, Vec::new()),
        };
        let execution_gas = gas_used.saturating_sub(l1_contract_sim::gas::intrinsic_gas(calldata));
        Ok(CallOutcome { success, output, gas_used, execution_gas })
    }
}
