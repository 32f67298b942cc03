//! A watchtower: holds the revocation secrets its clients received, and punishes a revoked close on their
//! behalf while they are offline (BOLT 13's idea, without the encryption of the hints).
//!
//! It has its own L1 account and pays the gas of the penalties it sends; the penalty itself goes to the
//! client (the contract pays the non-closer, whoever sends). A real tower is paid a reward or a fee for
//! this; here it is not.

use std::collections::BTreeMap;

use l1_contract_sim::Address;

use crate::contract::{ChannelCall, ChannelContract, Phase};
use crate::party::Breach;
use crate::types::{revocation_hash, ChannelId};

/// A watchtower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watchtower {
    address: Address,
    secrets: BTreeMap<ChannelId, BTreeMap<[u8; 32], [u8; 32]>>,
}

impl Watchtower {
    /// A tower sending from `address`.
    pub fn new(address: Address) -> Watchtower {
        Watchtower { address, secrets: BTreeMap::new() }
    }

    /// Its L1 account.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Keeps a client's breach data: the counterparty's secret for a revoked state.
    pub fn watch(&mut self, breach: Breach) {
        self.secrets.entry(breach.channel).or_default().insert(revocation_hash(&breach.secret), breach.secret);
    }

    /// How many revocation secrets it holds.
    pub fn held(&self) -> usize {
        self.secrets.values().map(BTreeMap::len).sum()
    }

    /// The penalties to send now, at L1 block `block`: one per watched channel closed on a revoked state whose
    /// window is still open.
    pub fn check(&self, contract: &ChannelContract, block: u64) -> Vec<ChannelCall> {
        let mut calls = Vec::new();
        for (id, secrets) in &self.secrets {
            let Some(ch) = contract.channel(*id) else { continue };
            if let Phase::Closing { closer, settle_from, state } = &ch.phase {
                if block < *settle_from {
                    if let Some(secret) = secrets.get(&state.revocation_hash(*closer)) {
                        calls.push(ChannelCall::Penalize { channel: *id, revocation_secret: *secret });
                    }
                }
            }
        }
        calls
    }
}
