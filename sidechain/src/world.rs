//! What the actors share: the L1 chain with the bridge, and a log of every L1 transaction sent.

use l1_contract_sim::{Address, Chain, Receipt, TxRequest, Wei};
use serde::{Deserialize, Serialize};

use crate::contract::{Bridge, BridgeCall, BridgeEvent};
use crate::error::Result;

/// One L1 transaction the simulation sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct L1Tx {
    /// The call's name.
    pub call: String,
    /// Who sent it.
    pub from: Address,
    /// Gas used.
    pub gas: u64,
    /// Calldata bytes.
    pub calldata_bytes: usize,
    /// Block timestamp.
    pub time: u64,
    /// Whether it succeeded.
    pub ok: bool,
}

/// The simulated L1 with the bridge.
#[derive(Debug, Clone)]
pub struct World {
    /// The chain.
    pub chain: Chain,
    /// The bridge.
    pub bridge: Bridge,
    /// Every L1 transaction sent.
    pub log: Vec<L1Tx>,
}

impl World {
    /// A world around a chain and a bridge.
    pub fn new(chain: Chain, bridge: Bridge) -> World {
        World { chain, bridge, log: Vec::new() }
    }

    /// Sends one call (waiting for room in a block) and logs it; a revert is a receipt, not an error.
    ///
    /// # Errors
    /// [`ChainError`](l1_contract_sim::ChainError) if the chain refuses the transaction for good.
    pub fn send(&mut self, from: Address, value: Wei, call: BridgeCall) -> Result<Receipt<BridgeEvent>> {
        let name = call.name().to_string();
        let calldata = self.bridge.calldata(&call);
        let calldata_bytes = calldata.len();
        let request = TxRequest::new(from, calldata, call).with_value(value);
        let receipt = self.chain.send(&mut self.bridge, request)?;
        self.log.push(L1Tx {
            call: name,
            from,
            gas: receipt.gas_used,
            calldata_bytes,
            time: receipt.timestamp,
            ok: receipt.succeeded(),
        });
        Ok(receipt)
    }
}
