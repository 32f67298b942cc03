//! The L1 side of deposits, shared by the rollup contracts: the priority queue, the
//! Poseidon chain over its entries (which batches and assertions commit to), and the
//! registry of accounts that deposits open (index, L1 owner, key).

use std::collections::BTreeMap;

use ledger::tree::TreeShape;
use ledger::{AccountIndex, Deposit, Fr, PublicKey, TxAmount};

use crate::chain::{Env, Revert};
use crate::gas;
use crate::types::{Address, Wei};

/// A public key as an L1 call carries it: two field elements in circomlib coordinates, not yet checked.
/// The contract must check them ([`KeyCoordinates::check`]) before a deposit enters the queue: the circuit
/// only checks that a key is on the curve, and a small-order key (the identity among them) "verifies" a
/// signature on any message, so an account opened with one could be drained by anybody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCoordinates {
    /// x (circomlib coordinates).
    pub x: Fr,
    /// y (circomlib coordinates).
    pub y: Fr,
}

impl From<PublicKey> for KeyCoordinates {
    fn from(key: PublicKey) -> Self {
        KeyCoordinates { x: key.x(), y: key.y() }
    }
}

impl KeyCoordinates {
    /// The key, if the coordinates are a point of Baby Jubjub's prime-order subgroup other than the identity;
    /// charges the on-curve check and the subgroup check (a multiplication by the group order).
    ///
    /// # Errors
    /// A [`Revert`] naming the fault: the identity, a point off the curve, or one outside the prime-order
    /// subgroup (the small-order points and their sums with subgroup points).
    pub fn check(&self, env: &mut Env<'_>) -> Result<PublicKey, Revert> {
        env.charge("check the key is on Baby Jubjub", gas::BABYJUB_ON_CURVE_GAS);
        if self.x == Fr::from(0u64) && self.y == Fr::from(1u64) {
            return Err(Revert("the key is the identity point, which verifies any signature".into()));
        }
        if ledger::babyjubjub::from_circom(self.x, self.y).is_err() {
            return Err(Revert("the key is not a point of Baby Jubjub".into()));
        }
        env.charge("check the key is in the prime-order subgroup", gas::BABYJUB_SUBGROUP_CHECK_GAS);
        PublicKey::from_coordinates(self.x, self.y)
            .map_err(|_| Revert("the key is outside the prime-order subgroup (small order)".into()))
    }
}

/// A deposit waiting in the priority queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedDeposit {
    /// What the rollup must process.
    pub deposit: Deposit,
    /// Who paid it.
    pub depositor: Address,
    /// When it was queued.
    pub queued_at: u64,
}

/// An account the contract knows: who owns it on L1 and its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registration {
    /// The L1 address that created it with the first deposit; withdrawals pay it.
    pub owner: Address,
    /// Its EdDSA key.
    pub public_key: PublicKey,
}

/// Queue, chain and registry.
#[derive(Debug, Clone)]
pub struct DepositQueue {
    queue: Vec<QueuedDeposit>,
    /// `chain_heads[k]`: the deposit chain after `k` deposits.
    chain_heads: Vec<Fr>,
    accounts: BTreeMap<AccountIndex, Registration>,
    next_index: u32,
}

impl Default for DepositQueue {
    fn default() -> Self {
        DepositQueue { queue: Vec::new(), chain_heads: vec![Fr::from(0u64)], accounts: BTreeMap::new(), next_index: 0 }
    }
}

impl DepositQueue {
    /// Every deposit ever queued, in order.
    pub fn queued(&self) -> &[QueuedDeposit] {
        &self.queue
    }

    /// The deposit chain after the first `k` deposits (`k` up to the queue's length).
    pub fn chain_head(&self, k: usize) -> Option<Fr> {
        self.chain_heads.get(k).copied()
    }

    /// The account at `index`, if a deposit opened it.
    pub fn registration(&self, index: AccountIndex) -> Option<&Registration> {
        self.accounts.get(&index)
    }

    /// Checks and queues a deposit of the call's value: `to: None` opens the next account for
    /// `public_key`, owned by the sender; `to: Some(i)` tops up account `i`, which must hold that key.
    /// The key is checked first ([`KeyCoordinates::check`]): nothing enters the queue under a key that is
    /// the identity, off the curve or of small order.
    /// Returns the deposit's position in the queue and the deposit.
    pub fn deposit(
        &mut self,
        env: &mut Env<'_>,
        tree: TreeShape,
        wei_per_unit: Wei,
        to: Option<AccountIndex>,
        public_key: KeyCoordinates,
    ) -> Result<(usize, Deposit), Revert> {
        let public_key = public_key.check(env)?;
        let value = env.value();
        if value == 0 || value % wei_per_unit != 0 {
            return Err(Revert("a deposit is a positive whole number of units".into()));
        }
        let units = value / wei_per_unit;
        let amount = u64::try_from(units)
            .ok()
            .and_then(|units| TxAmount::new(units).ok())
            .ok_or_else(|| Revert(format!("a deposit is at most {} units", TxAmount::MAX)))?;
        env.charge("read account registry", gas::SLOAD_COLD);
        let index = match to {
            None => {
                let index = AccountIndex::new(self.next_index);
                if tree.check_index(index).is_err() {
                    return Err(Revert("the account tree is full".into()));
                }
                env.charge("register account owner and key", 2 * gas::SSTORE_SET);
                env.charge("bump next account index", gas::SSTORE_RESET);
                self.accounts.insert(index, Registration { owner: env.sender(), public_key });
                self.next_index += 1;
                index
            }
            Some(index) => match self.accounts.get(&index) {
                Some(r) if r.public_key == public_key => index,
                Some(_) => return Err(Revert("the account holds another key".into())),
                None => return Err(Revert("no such account: deposit with `to: None` to open one".into())),
            },
        };
        let deposit = Deposit { to: index, public_key, amount };
        env.charge("extend the deposit chain (Poseidon, 5 inputs)", gas::poseidon_gas(5));
        let head = deposit.chain_link(*self.chain_heads.last().expect("the genesis head is always there"));
        env.charge("store deposit and chain head", 2 * gas::SSTORE_SET);
        env.charge("emit DepositQueued", gas::log_gas(2, 64));
        self.chain_heads.push(head);
        self.queue.push(QueuedDeposit { deposit, depositor: env.sender(), queued_at: env.block().timestamp });
        Ok((self.queue.len() - 1, deposit))
    }
}
