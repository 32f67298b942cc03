//! The optimistic-rollup contract: assertions posted with a bond and accepted unless someone proves them wrong
//! in an *interactive* dispute game (bisection over the per-transaction trace, then a one-step proof that
//! re-executes one L2 transaction on L1 with the same `ledger` rules the zk circuit proves).
//!
//! # Assertions
//! [`OptCall::Propose`] posts a batch of L2 transactions (as calldata: the 13-byte public-data slot of each,
//! plus the 64-byte signature of transfers and withdrawals, since the one-step proof re-checks signatures),
//! the claimed final [`TraceState`] and a commitment to the whole trace `s_0..s_n`, where `s_i` is the state
//! after transaction `i`: `(state root, deposit-chain head, deposits processed)`. The commitment is a binary
//! SHA-256 Merkle tree over the `n + 1` leaves ([`trace_commitment`]). The contract itself hashes the posted
//! transactions into a second SHA-256 Merkle tree ([`tx_root`]) so that a one-step proof can later show which
//! transaction is step `i`. Nothing else is checked at proposal time but what the contract knows: the batch
//! builds on the current tip (`prev_root`), its deposits are the next ones of the L1 queue and the claimed
//! deposit-chain head is the contract's own. Each assertion carries its own proposer bond and builds on the
//! previous one: assertions form a single chain.
//!
//! # Dispute game
//! Within the challenge window anyone may [`OptCall::Challenge`] a pending assertion with the challenger bond;
//! one game per assertion runs at a time. The game is over a trace range `[lo, hi]` where the parties agree on
//! `s_lo` and disagree on `s_hi`, initially `[0, n]` with `s_0` the parent's state and `s_n` the claim. Each
//! round is two L1 transactions: the proposer (defender) [`OptCall::Reveal`]s the `k - 1` states that split
//! the range into `k` parts ([`dissection_points`]; `k` = [`OptimisticParams::dissection`], 2 for binary
//! bisection), each with its Merkle proof against the assertion's trace commitment; the challenger
//! [`OptCall::Choose`]s a part, agreeing with its first point and disagreeing with its last. When
//! `hi = lo + 1`, anyone may submit the [`OptCall::OneStepProof`]: transaction `hi` (with its path to the
//! transaction root) and a pre-state witness (the touched accounts and their Merkle paths, sender first, the
//! receiver's path taken after the sender's update, as `ledger`'s `AccountUpdate`s give them). The contract
//! re-executes it against `s_lo` and decides:
//! - the transaction is invalid by the ledger rules (bad signature, unknown account, overdraft, overflow, a
//!   deposit that is not the next one in the L1 queue): the proposer loses, since a proposer must only include
//!   valid transactions;
//! - otherwise the proposer loses iff its `s_hi` differs from the computed post-state.
//!
//! A witness that does not match `s_lo` makes the call revert rather than decide, so whoever is right can
//! always prove it. Each side has a chess clock ([`OptimisticParams::clock_seconds`], OP Stack: 3.5 days):
//! the side to move spends its own time, and once it has run out anyone may call [`OptCall::Timeout`] and
//! that side loses. In the one-step stage the challenger is the side to move (it claims fraud).
//!
//! # Resolution
//! The loser's bond is slashed: [`OptimisticParams::winner_share_percent`] of it (default 50%) is credited
//! to the winner, the rest is burned by paying it to [`Address::ZERO`] (and counted in
//! [`OptimisticRollup::burned`]); half-to-winner, half-burned keeps a proposer and a challenger who collude
//! from recycling a bond at no cost. The winner's own bond is returned (credited). If the proposer loses, the
//! assertion and every assertion after it are rejected (their bonds slashed the same way, to the same
//! winner; games open on them are cancelled and their challengers refunded), and the tip reverts to the last
//! good assertion, on which the proposer can build again. If the challenger loses, the assertion stays
//! pending and can be challenged again.
//!
//! # Confirmation and withdrawals
//! [`OptCall::Confirm`] (anyone) confirms a pending assertion once its parent is confirmed, no game is open
//! on it and its deadline has passed. The deadline is proposal time plus the challenge window (OP Stack: 7
//! days) *plus the time spent in games it won*: the window counts undisputed time only, so a sacrificial
//! challenger cannot eat the honest watchers' window (it can still delay confirmation, at one bond per game).
//! Confirmation returns the proposer bond (credited) and credits the batch's withdrawals to the L1 owners of
//! the accounts (the registry of first depositors, as in the zk contract); [`OptCall::Withdraw`] pays what
//! is credited.
//!
//! # Bonds (simulation defaults)
//! 1 ETH for a proposal and 1 ETH for a challenge: round, illustrative figures, large against the gas a
//! dispute costs (a few million gas, about 0.01 ETH at 3 gwei). For comparison, the OP Stack's root-claim
//! bond is 400,000 gas × 200 gwei = 0.08 ETH, growing ×1.09493 per depth (specs bond-incentives.md).
//!
//! # Gas of the one-step proof
//! Poseidon on L1 is circomlib's Poseidon contract ([`poseidon_gas`]): one leaf hash and one hash per level
//! to check each touched account's path, and the same again for its new leaf and path. EdDSA-Poseidon
//! verification ([`EDDSA_VERIFY_GAS`]) has no precompile on the EVM: the challenge hash is one Poseidon of 5
//! inputs, and `S·B8 = R8 + (8·h)·A` is a two-point multi-scalar multiplication on Baby Jubjub, for which we
//! take the Huff-optimised Oliver contract's measured 107,543 gas for two points (AztecProtocol/Oliver,
//! README benchmarks, average of 10 runs), less the 21,000 transaction base its figure includes, plus the
//! on-curve checks and the final comparison. Plain Solidity would cost several times more, so this is a
//! lower bound.
//!
//! # Simplifications
//! - Transactions travel in calldata only (no blob mode). Withdrawals of each assertion are stored at
//!   proposal time (one slot each) rather than re-supplied at confirmation.
//! - Forced inclusion covers deposits only: a deposit older than the sequencing window must be processed by
//!   the next assertion with room for it (see `check_forced_inclusion`); the design has no other
//!   L1-submitted L2 transactions, and nothing like the zk contract's exodus mode.
//! - One game per assertion at a time; no per-move bonds (OP Stack) and no all-vs-all games (Arbitrum BoLD).

mod bonds;
mod calls;
mod game;
mod one_step;
mod trace;

pub use calls::{OptCall, OptEvent};
pub use game::{Game, GameStage, Resolution, Side};
pub use ledger::step::{AccountWitness, StepWitness};
pub use one_step::{as_executed, execute_batch, InvalidReason, StepResult};
pub use trace::{
    dissection_points, encode_tx, merkle_depth, merkle_path, merkle_root, merkle_verify, trace_commitment, trace_path,
    tx_leaf, tx_root, Hash32, TraceState,
};

use l1_contract_sim::claims::Claims;
use l1_contract_sim::deposits::{DepositQueue, KeyCoordinates, QueuedDeposit};
use l1_contract_sim::gas::{self, DECODE_SLOT_GAS};
use l1_contract_sim::{Address, Contract, Env, Revert, Wei, ETHER, GWEI};
use ledger::tree::{AccountTree, TreeShape};
use ledger::tx::{PublicDataSlot, PUBDATA_SLOT_BYTES};
use ledger::{AccountIndex, ChainId, Fr, Transaction, TxAmount};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The contract's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimisticParams {
    /// The L2 account tree.
    pub tree: TreeShape,
    /// The chain id signatures name.
    pub chain_id: ChainId,
    /// Most transactions in one assertion.
    pub max_batch: usize,
    /// Undisputed time an assertion must wait before confirmation (OP Stack: 7 days).
    pub challenge_window_seconds: u64,
    /// Each side's chess clock in a game (OP Stack: 3.5 days).
    pub clock_seconds: u64,
    /// Wei bonded with each proposal.
    pub proposer_bond: Wei,
    /// Wei bonded with each challenge.
    pub challenger_bond: Wei,
    /// Parts per dissection move: 2 is binary bisection.
    pub dissection: u32,
    /// Percent of a slashed bond credited to the winner; the rest is burned.
    pub winner_share_percent: u8,
    /// Wei per L2 unit.
    pub wei_per_unit: Wei,
    /// Forced inclusion: once a queued deposit is this old, no assertion may leave it out while it has room
    /// for it ([`OptimisticParams::DEFAULT_SEQUENCING_WINDOW`]).
    pub sequencing_window_seconds: u64,
}

impl OptimisticParams {
    /// OP Stack's sequencing window: 3,600 L1 blocks of 12 s, 12 hours, after which a deposit must be in
    /// the L2 chain.
    pub const DEFAULT_SEQUENCING_WINDOW: u64 = 3_600 * 12;
    /// OP Stack's proof maturity delay: 7 days.
    pub const DEFAULT_WINDOW: u64 = 7 * 24 * 3600;
    /// OP Stack's chess clock per side: 3.5 days.
    pub const DEFAULT_CLOCK: u64 = 7 * 24 * 3600 / 2;

    /// The defaults: 7-day window, 3.5-day clocks, 1 ETH bonds, binary bisection, half of a slashed bond to
    /// the winner, one gwei per unit, at most 1,024 transactions per assertion.
    pub fn new(tree: TreeShape, chain_id: ChainId) -> Self {
        OptimisticParams {
            tree,
            chain_id,
            max_batch: 1024,
            challenge_window_seconds: Self::DEFAULT_WINDOW,
            clock_seconds: Self::DEFAULT_CLOCK,
            proposer_bond: ETHER,
            challenger_bond: ETHER,
            dissection: 2,
            winner_share_percent: 50,
            wei_per_unit: GWEI,
            sequencing_window_seconds: Self::DEFAULT_SEQUENCING_WINDOW,
        }
    }
}

/// Where an assertion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionStatus {
    /// Waiting for its window (or for a game) to end.
    Pending,
    /// Final: its withdrawals were credited.
    Confirmed,
    /// Removed: it, or an assertion before it, lost a dispute.
    Rejected,
}

/// An assertion the contract holds. Number 0 is the genesis, confirmed from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// Its number.
    pub id: u64,
    /// The assertion it builds on (the genesis builds on itself).
    pub parent: u64,
    /// Who posted it, and gets the bond back.
    pub proposer: Address,
    /// The state it starts from (the parent's claim).
    pub prev: TraceState,
    /// The state it claims after its last transaction.
    pub claimed: TraceState,
    /// Its transactions.
    pub steps: u64,
    /// The commitment to its trace `s_0..s_n`.
    pub trace_commitment: Hash32,
    /// The root of its transactions, computed by the contract.
    pub tx_root: Hash32,
    /// The withdrawals it makes, credited at confirmation.
    pub withdrawals: Vec<(AccountIndex, TxAmount)>,
    /// When it was proposed.
    pub proposed_at: u64,
    /// When it can be confirmed, if no game is open on it.
    pub deadline: u64,
    /// Where it stands.
    pub status: AssertionStatus,
    /// Wei bonded with it.
    pub bond: Wei,
    /// The game open on it, if any.
    pub open_game: Option<u64>,
}

/// The optimistic-rollup contract's state.
#[derive(Debug, Clone)]
pub struct OptimisticRollup {
    address: Address,
    params: OptimisticParams,
    deposits: DepositQueue,
    assertions: Vec<Assertion>,
    games: Vec<Game>,
    claims: Claims,
    deposited_units: u128,
    withdrawn_units: u128,
    bonds_locked: Wei,
    burned: Wei,
    slashed: Wei,
}

fn revert(why: impl Into<String>) -> Revert {
    Revert(why.into())
}

impl OptimisticRollup {
    /// A fresh rollup over an empty tree.
    ///
    /// # Panics
    /// If `dissection < 2` or `winner_share_percent > 100`.
    pub fn new(address: Address, params: OptimisticParams) -> Self {
        assert!(params.dissection >= 2, "dissection must split into at least 2 parts");
        assert!(params.winner_share_percent <= 100, "winner share is a percentage");
        let genesis =
            TraceState { root: AccountTree::new(params.tree).root(), deposit_chain: Fr::from(0u64), deposits: 0 };
        let genesis = Assertion {
            id: 0,
            parent: 0,
            proposer: Address::ZERO,
            prev: genesis,
            claimed: genesis,
            steps: 0,
            trace_commitment: trace_commitment(&[genesis]),
            tx_root: merkle_root(&[]),
            withdrawals: Vec::new(),
            proposed_at: 0,
            deadline: 0,
            status: AssertionStatus::Confirmed,
            bond: 0,
            open_game: None,
        };
        OptimisticRollup {
            address,
            params,
            deposits: DepositQueue::default(),
            assertions: vec![genesis],
            games: Vec::new(),
            claims: Claims::default(),
            deposited_units: 0,
            withdrawn_units: 0,
            bonds_locked: 0,
            burned: 0,
            slashed: 0,
        }
    }

    /// Parameters.
    pub fn params(&self) -> &OptimisticParams {
        &self.params
    }

    /// Every deposit ever queued.
    pub fn queued_deposits(&self) -> &[QueuedDeposit] {
        self.deposits.queued()
    }

    /// Every assertion, the genesis (0) first, rejected ones included.
    pub fn assertions(&self) -> &[Assertion] {
        &self.assertions
    }

    /// An assertion.
    pub fn assertion(&self, id: u64) -> Option<&Assertion> {
        self.assertions.get(id as usize)
    }

    /// Every game.
    pub fn games(&self) -> &[Game] {
        &self.games
    }

    /// A game.
    pub fn game(&self, id: u64) -> Option<&Game> {
        self.games.get(id as usize)
    }

    /// The last assertion that is not rejected: new assertions build on it.
    pub fn tip(&self) -> &Assertion {
        self.assertions.iter().rev().find(|a| a.status != AssertionStatus::Rejected).expect("genesis")
    }

    /// The last confirmed assertion.
    pub fn last_confirmed(&self) -> &Assertion {
        self.assertions.iter().rev().find(|a| a.status == AssertionStatus::Confirmed).expect("genesis")
    }

    /// What `owner` can withdraw now.
    pub fn claimable(&self, owner: Address) -> Wei {
        self.claims.of(owner)
    }

    /// Everything credited and not yet withdrawn.
    pub fn total_claimable(&self) -> Wei {
        self.claims.total()
    }

    /// The L1 owner of an account.
    pub fn owner(&self, index: AccountIndex) -> Option<Address> {
        self.deposits.registration(index).map(|r| r.owner)
    }

    /// Wei burned from slashed bonds.
    pub fn burned(&self) -> Wei {
        self.burned
    }

    /// Wei of bonds slashed (credited to winners plus burned).
    pub fn slashed(&self) -> Wei {
        self.slashed
    }

    /// Wei of bonds held for pending assertions and open games.
    pub fn bonds_locked(&self) -> Wei {
        self.bonds_locked
    }

    /// What the contract owes, from its own counters: deposits not withdrawn through a confirmed assertion,
    /// locked bonds and credited wei. Its ETH balance must equal this (funds conserved).
    pub fn liabilities(&self) -> Wei {
        (self.deposited_units - self.withdrawn_units) * self.params.wei_per_unit
            + self.bonds_locked
            + self.total_claimable()
    }

    fn deposit(
        &mut self,
        env: &mut Env<'_>,
        to: Option<AccountIndex>,
        public_key: KeyCoordinates,
    ) -> Result<Vec<OptEvent>, Revert> {
        let (position, deposit) =
            self.deposits.deposit(env, self.params.tree, self.params.wei_per_unit, to, public_key)?;
        self.deposited_units += u128::from(deposit.amount.units());
        Ok(vec![OptEvent::DepositQueued { position, to: deposit.to, amount: deposit.amount }])
    }

    /// Forced inclusion: a deposit queued a sequencing window ago or earlier is overdue, and an assertion that
    /// starts after `from` processed deposits must process every overdue one it has room for (one per
    /// transaction of its `slots`), so a proposer cannot censor deposits; proposing is open to
    /// anyone with a bond, so users can include their own if no proposer will.
    fn check_forced_inclusion(&self, env: &mut Env<'_>, from: u64, to: u64, slots: usize) -> Result<(), Revert> {
        let now = env.block().timestamp;
        let window = self.params.sequencing_window_seconds;
        let queue = self.deposits.queued();
        let first_open = usize::try_from(from).unwrap_or(usize::MAX);
        env.charge("read the oldest unprocessed deposit's time", gas::SLOAD_COLD);
        let overdue =
            queue.iter().skip(first_open).take(slots).take_while(|q| q.queued_at.saturating_add(window) <= now).count()
                as u64;
        if to < from + overdue {
            let position = to;
            return Err(revert(format!(
                "deposit {position} is past its sequencing window ({window} s): the assertion must include it"
            )));
        }
        Ok(())
    }

    fn propose(
        &mut self,
        env: &mut Env<'_>,
        prev_root: Fr,
        new_state: TraceState,
        txs: &[Transaction],
        commitment: Hash32,
    ) -> Result<Vec<OptEvent>, Revert> {
        if env.value() != self.params.proposer_bond {
            return Err(revert(format!("the proposer bond is {} wei", self.params.proposer_bond)));
        }
        if txs.is_empty() || txs.len() > self.params.max_batch {
            return Err(revert(format!("an assertion holds 1 to {} transactions", self.params.max_batch)));
        }
        env.charge("read tip", 2 * gas::SLOAD_COLD);
        let tip = self.tip().clone();
        if tip.claimed.root != prev_root {
            return Err(revert("prev_root is not the tip's root"));
        }
        env.charge("decode public data", DECODE_SLOT_GAS * txs.len() as u64);
        let mut leaves = Vec::with_capacity(txs.len());
        let mut withdrawals = Vec::new();
        let mut deposits = 0u64;
        let mut hashed = 0u64;
        for tx in txs {
            let bytes = encode_tx(tx)?;
            hashed += gas::sha256_gas(bytes.len());
            leaves.push(Sha256::digest(&bytes).into());
            match PublicDataSlot::decode(&bytes[..PUBDATA_SLOT_BYTES]).map_err(|e| revert(e.to_string()))? {
                PublicDataSlot::Withdrawal { from, amount } => withdrawals.push((from, amount)),
                PublicDataSlot::Deposit { .. } => deposits += 1,
                _ => {}
            }
        }
        env.charge("SHA-256 of each transaction", hashed);
        env.charge(
            "SHA-256 Merkle tree of the transactions",
            (leaves.len().next_power_of_two() as u64 - 1) * gas::sha256_gas(64),
        );
        let tx_root = merkle_root(&leaves);
        let expected_deposits = tip.claimed.deposits + deposits;
        env.charge("read deposit queue length and chain head", 2 * gas::SLOAD_COLD);
        if expected_deposits as usize > self.deposits.queued().len() {
            return Err(revert("the batch processes a deposit nobody made"));
        }
        if new_state.deposits != expected_deposits
            || Some(new_state.deposit_chain) != self.deposits.chain_head(expected_deposits as usize)
        {
            return Err(revert("the claimed deposit chain is not the queue's"));
        }
        self.check_forced_inclusion(env, tip.claimed.deposits, expected_deposits, txs.len())?;
        env.charge("store assertion (7 slots)", 7 * gas::SSTORE_SET);
        env.charge("store withdrawals", gas::SSTORE_SET * withdrawals.len() as u64);
        env.charge("emit Proposed", gas::log_gas(2, 64));
        let id = self.assertions.len() as u64;
        let now = env.block().timestamp;
        self.bonds_locked += env.value();
        self.assertions.push(Assertion {
            id,
            parent: tip.id,
            proposer: env.sender(),
            prev: tip.claimed,
            claimed: new_state,
            steps: txs.len() as u64,
            trace_commitment: commitment,
            tx_root,
            withdrawals,
            proposed_at: now,
            deadline: now + self.params.challenge_window_seconds,
            status: AssertionStatus::Pending,
            bond: env.value(),
            open_game: None,
        });
        Ok(vec![OptEvent::Proposed { assertion: id, steps: txs.len() as u64 }])
    }
}

impl Contract for OptimisticRollup {
    type Call = OptCall;
    type Event = OptEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: OptCall) -> Result<Vec<OptEvent>, Revert> {
        let payable = matches!(call, OptCall::Deposit { .. } | OptCall::Propose { .. } | OptCall::Challenge { .. });
        if !payable && env.value() != 0 {
            return Err(revert("this call takes no value"));
        }
        match call {
            OptCall::Deposit { to, public_key } => self.deposit(env, to, public_key),
            OptCall::Propose { prev_root, new_state, txs, trace_commitment } => {
                self.propose(env, prev_root, new_state, &txs, trace_commitment)
            }
            OptCall::Challenge { assertion } => self.challenge(env, assertion),
            OptCall::Reveal { game, points } => self.reveal(env, game, &points),
            OptCall::Choose { game, part } => self.choose(env, game, part),
            OptCall::OneStepProof { game, tx, tx_path, witness } => {
                self.one_step_proof(env, game, &tx, &tx_path, &witness)
            }
            OptCall::Timeout { game } => self.timeout(env, game),
            OptCall::Confirm { assertion } => self.confirm(env, assertion),
            OptCall::Withdraw => self.withdraw(env),
        }
    }
}
