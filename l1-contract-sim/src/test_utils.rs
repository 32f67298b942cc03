//! A tiny vault contract for tests and examples: a counter, ETH deposits and withdrawals, a call that burns
//! a chosen amount of gas, and one that pays out and then reverts.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::chain::{Contract, Env, Revert, TxRequest};
use crate::gas;
use crate::types::{Address, Wei};

/// A vault holding ETH deposits per depositor, and a counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vault {
    address: Address,
    counter: u64,
    deposits: BTreeMap<Address, Wei>,
}

/// The vault's calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultCall {
    /// Adds one to the counter.
    Increment,
    /// Deposits the call's value for the sender; reverts on zero value. The other calls (but
    /// `PayThenRevert`) are not payable: they revert when sent value, so the vault's ETH is always exactly
    /// the sum of its deposits.
    Deposit,
    /// Withdraws this much of the sender's deposit to the sender.
    Withdraw(Wei),
    /// Charges this much execution gas and does nothing else.
    Burn(u64),
    /// Increments the counter, pays `amount` of the vault's ETH to `to`, then reverts.
    PayThenRevert {
        /// Recipient of the payment that the revert undoes.
        to: Address,
        /// Amount paid.
        amount: Wei,
    },
}

/// What the vault emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultEvent {
    /// The counter's new value.
    Incremented(u64),
    /// A deposit.
    Deposited {
        /// Depositor.
        who: Address,
        /// Amount.
        amount: Wei,
    },
    /// A withdrawal.
    Withdrawn {
        /// Depositor.
        who: Address,
        /// Amount.
        amount: Wei,
    },
    /// Gas burned.
    Burned(u64),
}

impl VaultCall {
    /// ABI-style calldata: a 4-byte selector (SHA-256 of the name, standing in for Keccak) and one 32-byte
    /// big-endian word per argument.
    pub fn encode(&self) -> Vec<u8> {
        fn word(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend(std::iter::repeat_n(0u8, 32 - bytes.len()));
            out.extend_from_slice(bytes);
        }
        let (name, args): (&str, Vec<Vec<u8>>) = match self {
            VaultCall::Increment => ("increment()", vec![]),
            VaultCall::Deposit => ("deposit()", vec![]),
            VaultCall::Withdraw(amount) => ("withdraw(uint256)", vec![amount.to_be_bytes().to_vec()]),
            VaultCall::Burn(gas) => ("burn(uint256)", vec![gas.to_be_bytes().to_vec()]),
            VaultCall::PayThenRevert { to, amount } => {
                ("payThenRevert(address,uint256)", vec![to.0.to_vec(), amount.to_be_bytes().to_vec()])
            }
        };
        let mut out = Sha256::digest(name.as_bytes())[..4].to_vec();
        for arg in args {
            word(&mut out, &arg);
        }
        out
    }
}

impl Vault {
    /// An empty vault at `Address::from_label(label)`.
    pub fn new(label: &str) -> Vault {
        Vault { address: Address::from_label(label), counter: 0, deposits: BTreeMap::new() }
    }

    /// The counter.
    pub fn counter(&self) -> u64 {
        self.counter
    }

    /// `who`'s deposit.
    pub fn deposit_of(&self, who: Address) -> Wei {
        self.deposits.get(&who).copied().unwrap_or(0)
    }

    /// A transaction from `from` making `call`, with its encoded calldata, no value and no tip.
    pub fn tx(from: Address, call: VaultCall) -> TxRequest<VaultCall> {
        TxRequest::new(from, call.encode(), call)
    }

    fn store(&self, env: &mut Env<'_>, was_zero: bool) {
        env.charge("sstore", if was_zero { gas::SSTORE_SET } else { gas::SSTORE_RESET });
    }
}

impl Contract for Vault {
    type Call = VaultCall;
    type Event = VaultEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: VaultCall) -> Result<Vec<VaultEvent>, Revert> {
        if env.value() > 0 && !matches!(call, VaultCall::Deposit | VaultCall::PayThenRevert { .. }) {
            return Err(Revert::new("not payable"));
        }
        match call {
            VaultCall::Increment => {
                env.charge("sload", gas::SLOAD_COLD);
                self.store(env, self.counter == 0);
                self.counter += 1;
                env.charge("log", gas::log_gas(1, 32));
                Ok(vec![VaultEvent::Incremented(self.counter)])
            }
            VaultCall::Deposit => {
                let (who, amount) = (env.sender(), env.value());
                if amount == 0 {
                    return Err(Revert::new("zero deposit"));
                }
                env.charge("sload", gas::SLOAD_COLD);
                let old = self.deposit_of(who);
                self.store(env, old == 0);
                self.deposits.insert(who, old + amount);
                env.charge("log", gas::log_gas(2, 32));
                Ok(vec![VaultEvent::Deposited { who, amount }])
            }
            VaultCall::Withdraw(amount) => {
                let who = env.sender();
                env.charge("sload", gas::SLOAD_COLD);
                let old = self.deposit_of(who);
                if old < amount {
                    return Err(Revert::new("insufficient deposit"));
                }
                self.deposits.insert(who, old - amount);
                self.store(env, false);
                env.pay(who, amount)?;
                env.charge("log", gas::log_gas(2, 32));
                Ok(vec![VaultEvent::Withdrawn { who, amount }])
            }
            VaultCall::Burn(gas) => {
                env.charge("burn", gas);
                Ok(vec![VaultEvent::Burned(gas)])
            }
            VaultCall::PayThenRevert { to, amount } => {
                self.counter += 1;
                self.store(env, false);
                env.pay(to, amount)?;
                Err(Revert::new("deliberate revert"))
            }
        }
    }
}
