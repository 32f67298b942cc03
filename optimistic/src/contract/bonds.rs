//! Bonds and payouts: credits, slashing (half to the winner, half burned), confirmation past the window,
//! withdrawals.

use l1_contract_sim::gas::{self};
use l1_contract_sim::{Address, Env, Revert, Wei};

use super::*;

impl OptimisticRollup {
    pub(super) fn credit(&mut self, env: &mut Env<'_>, to: Address, amount: Wei, events: &mut Vec<OptEvent>) {
        if amount == 0 {
            return;
        }
        self.claims.credit(env, "credit", to, amount);
        events.push(OptEvent::Credited { to, amount });
    }

    /// Slashes a bond: the winner's share credited, the rest burned (paid to the zero address).
    pub(super) fn slash(
        &mut self,
        env: &mut Env<'_>,
        bond: Wei,
        winner: Address,
        events: &mut Vec<OptEvent>,
    ) -> Result<(), Revert> {
        let share = bond * Wei::from(self.params.winner_share_percent) / 100;
        let burn = bond - share;
        self.bonds_locked -= bond;
        self.slashed += bond;
        self.credit(env, winner, share, events);
        if burn > 0 {
            env.pay(Address::ZERO, burn)?;
            self.burned += burn;
        }
        Ok(())
    }

    pub(super) fn confirm(&mut self, env: &mut Env<'_>, id: u64) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read assertion and parent", 4 * gas::SLOAD_COLD);
        let a = self.assertions.get(id as usize).ok_or_else(|| revert("no such assertion"))?.clone();
        if a.status != AssertionStatus::Pending {
            return Err(revert("the assertion is not pending"));
        }
        if self.assertions[a.parent as usize].status != AssertionStatus::Confirmed {
            return Err(revert("the parent is not confirmed"));
        }
        if a.open_game.is_some() {
            return Err(revert("a game is open on the assertion"));
        }
        if env.block().timestamp < a.deadline {
            return Err(revert("the challenge window is not over"));
        }
        self.assertions[id as usize].status = AssertionStatus::Confirmed;
        env.charge("mark confirmed", gas::SSTORE_RESET);
        let mut events = vec![OptEvent::Confirmed { assertion: id }];
        self.bonds_locked -= a.bond;
        self.credit(env, a.proposer, a.bond, &mut events);
        for (from, amount) in &a.withdrawals {
            env.charge("read withdrawal and account owner", 2 * gas::SLOAD_COLD);
            // Only a false assertion withdraws from an account nobody registered: nothing to pay.
            let Some(owner) = self.owner(*from) else { continue };
            self.withdrawn_units += u128::from(amount.units());
            let wei = u128::from(amount.units()) * self.params.wei_per_unit;
            self.credit(env, owner, wei, &mut events);
        }
        env.charge("emit Confirmed", gas::log_gas(2, 0));
        Ok(events)
    }

    pub(super) fn withdraw(&mut self, env: &mut Env<'_>) -> Result<Vec<OptEvent>, Revert> {
        let amount = self.claims.withdraw(env)?;
        Ok(vec![OptEvent::Withdrawn { to: env.sender(), amount }])
    }
}
