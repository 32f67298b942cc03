//! Pull payments: the wei a contract owes to L1 addresses (withdrawals, returned or won bonds), paid out only
//! when the owner calls to withdraw, so that no payment to an address can make another call fail. Every design
//! that pays on L1 keeps its debts here.

use std::collections::BTreeMap;

use crate::chain::{Env, Revert};
use crate::gas;
use crate::types::{Address, Wei};

/// What a contract owes, address by address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    owed: BTreeMap<Address, Wei>,
}

impl Claims {
    /// Adds `amount` to what `to` may withdraw, charging the storage write (a fresh slot costs more).
    pub fn credit(&mut self, env: &mut Env<'_>, label: &'static str, to: Address, amount: Wei) {
        let slot = self.owed.entry(to).or_insert(0);
        env.charge(label, if *slot == 0 { gas::SSTORE_SET } else { gas::SSTORE_RESET });
        *slot += amount;
    }

    /// Pays the caller everything it is owed and clears its claim.
    ///
    /// # Errors
    /// A [`Revert`] when nothing is owed, or when the contract cannot pay.
    pub fn withdraw(&mut self, env: &mut Env<'_>) -> Result<Wei, Revert> {
        env.charge("read claimable", gas::SLOAD_COLD);
        let amount = self.owed.remove(&env.sender()).unwrap_or(0);
        if amount == 0 {
            return Err(Revert("nothing to withdraw".into()));
        }
        env.charge("clear claimable", gas::SSTORE_RESET);
        env.pay(env.sender(), amount)?;
        Ok(amount)
    }

    /// What `owner` may withdraw.
    pub fn of(&self, owner: Address) -> Wei {
        self.owed.get(&owner).copied().unwrap_or(0)
    }

    /// Everything owed.
    pub fn total(&self) -> Wei {
        self.owed.values().sum()
    }
}
