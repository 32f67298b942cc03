//! The driver: one scenario from validator registration and deposits to paid withdrawals (or a halt, or a
//! theft), and its report.
//!
//! # Timeline
//! Validators register on L1 with their stake, BLS key and proof of possession (the first
//! `validators` form set 0). Users open sidechain accounts with one L1 deposit each; the sidechain starts at
//! the next L1 slot and mints every deposit in its first block. The common workload
//! (`ledger::workload::Plan`) then reaches the validators one transaction every `tx_interval_seconds`; each
//! block takes the transactions that arrived before its proposal and applies them with the ledger's one
//! state-transition function (`ledger::State::apply`). Every `checkpoint_every` blocks the online validators
//! of the current set sign a checkpoint and the block's proposer relays it to the bridge. Users prove and
//! claim their withdrawals once the checkpoint's L1 block is final. The sidechain stops once every
//! transaction is in a checkpoint; the L1 runs on until every withdrawal is paid.
//!
//! # Attacks
//! - [`Attack::Offline`]: validators holding up to the given share of stake (chosen at random) never vote
//!   or propose: rounds they should propose time out; above 1/3 the chain halts at once.
//! - [`Attack::Collude`]: validators holding up to the given share sign, at the first checkpoint, a forged
//!   one whose withdrawal root pays an attacker everything the bridge holds. Above 2/3 the bridge accepts
//!   it and the attacker claims the ETH (the honest checkpoint is then refused and no user is paid again);
//!   at or below, the bridge refuses it and the run goes on honestly.
//! - [`Attack::Equivocate`]: one validator precommits two different blocks at height 2; an honest watcher
//!   posts the two signed votes to the bridge, which slashes it; it leaves at the next checkpoint.
//! - `rotation`: a new validator registers and one of set 0 unbonds before the first checkpoint; the set
//!   rotates there and later checkpoints are signed by set 1.

use std::collections::BTreeMap;

use ark_std::rand::{CryptoRng, Rng, RngCore};
use l1_contract_sim::ecdsa::keccak256;
use l1_contract_sim::merkle::MerkleProof;
use l1_contract_sim::{Address, Chain, ChainConfig, Contract, Receipt, Wei, ETHER};
use ledger::field::fr_to_be_bytes;
use ledger::stats::Spread;
use ledger::workload::{Mix, Plan};
use ledger::{AccountIndex, ChainId, Deposit, State, Transaction, TreeShape, TxAmount};
use serde::{Deserialize, Serialize};

use crate::checkpoint::{withdrawal_tree, Checkpoint, CheckpointSignatures, WithdrawalLeaf};
use crate::consensus::{ConsensusParams, Engine, EvidencePool, Step, Vote, VoteKind};
use crate::contract::{Bridge, BridgeCall, BridgeEvent, BridgeParams, SignatureScheme};
use crate::error::{Result, SidechainError};
use crate::validators::{self, pick_by_stake, StakeDistribution, Validator};
use crate::world::World;

/// What goes wrong in a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Attack {
    /// Nothing.
    None,
    /// Validators holding up to this share of stake are offline from the start.
    Offline {
        /// Share of stake, 0 to 1.
        stake_fraction: f64,
    },
    /// Validators holding up to this share of stake forge a checkpoint to drain the bridge.
    Collude {
        /// Share of stake, 0 to 1.
        stake_fraction: f64,
    },
    /// One validator double-signs a precommit and is slashed on L1.
    Equivocate,
}

/// A scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Validators in the genesis set.
    pub validators: usize,
    /// How their stakes are drawn.
    pub stakes: StakeDistribution,
    /// Sidechain blocks per checkpoint (K).
    pub checkpoint_every: u64,
    /// How checkpoints are signed.
    pub scheme: SignatureScheme,
    /// What goes wrong.
    pub attack: Attack,
    /// Whether the set rotates at the first checkpoint (one joins, one leaves).
    pub rotation: bool,
    /// Consensus timing.
    pub consensus: ConsensusParams,
    /// The sidechain's account tree.
    pub tree: TreeShape,
    /// The ledger's chain id.
    pub chain_id: ChainId,
    /// Users, each opening an account with one deposit.
    pub users: u32,
    /// Units each deposits.
    pub deposit_units: u64,
    /// Transactions after the deposits.
    pub l2_txs: usize,
    /// Share of withdrawals among them.
    pub withdrawal_share: f64,
    /// Seconds between transactions reaching the validators.
    pub tx_interval_seconds: u64,
    /// Blocks after which the sidechain stops regardless.
    pub max_blocks: u64,
}

impl Default for Scenario {
    /// 100 validators, checkpoints every 256 blocks (Polygon PoS's average), ECDSA, no attack, 2 s blocks;
    /// four users, 16 transactions a quarter of them withdrawals, on a binary tree of depth 8.
    fn default() -> Self {
        Scenario {
            validators: 100,
            stakes: StakeDistribution::default(),
            checkpoint_every: 256,
            scheme: SignatureScheme::Ecdsa,
            attack: Attack::None,
            rotation: false,
            consensus: ConsensusParams::default(),
            tree: TreeShape::new(8, ledger::Arity::Binary).expect("a valid shape"),
            chain_id: ChainId::DEFAULT,
            users: 4,
            deposit_units: 1_000_000,
            l2_txs: 16,
            withdrawal_share: 0.25,
            tx_interval_seconds: 1,
            max_blocks: 100_000,
        }
    }
}

/// The theft, when a coalition forged a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TheftReport {
    /// Validators in the coalition.
    pub coalition_validators: usize,
    /// Their stake.
    pub coalition_stake: Wei,
    /// The set's total stake.
    pub total_stake: Wei,
    /// Whether the bridge accepted the forged checkpoint.
    pub forged_checkpoint_accepted: bool,
    /// Why it was refused, if it was.
    pub refusal: Option<String>,
    /// Where the ETH went.
    pub attacker: Address,
    /// Wei taken.
    pub stolen_wei: Wei,
    /// From the forged checkpoint's submission to the attacker's claim, seconds.
    pub seconds_to_drain: u64,
    /// L1 transactions the attacker needed (checkpoint, proof, claim).
    pub l1_txs: usize,
    /// Who lost what: each user's L1 address and the wei their sidechain balance and in-flight withdrawals
    /// were worth, all of it now unbacked.
    pub victims: Vec<(Address, Wei)>,
    /// The coalition's stake, which stays untouched: nothing on L1 proves the checkpoint wrong.
    pub coalition_stake_slashed: Wei,
}

/// The equivocation and its punishment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquivocationReport {
    /// The validator.
    pub validator: Address,
    /// The height it double-signed.
    pub height: u64,
    /// Gas of the evidence transaction.
    pub evidence_gas: u64,
    /// Wei slashed.
    pub slashed_wei: Wei,
    /// Wei of it credited to the reporter.
    pub reporter_reward_wei: Wei,
    /// Whether posting the same evidence again was refused.
    pub replay_refused: bool,
}

/// The rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RotationReport {
    /// Who joined.
    pub joined: Address,
    /// Who left.
    pub left: Address,
    /// The set id after the rotation.
    pub new_set_id: u64,
    /// Checkpoints accepted from the new set.
    pub checkpoints_by_new_set: usize,
    /// The stake credited back to the leaver.
    pub stake_returned: Wei,
}

/// The L1 transactions of one kind a run sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallGas {
    /// The call.
    pub call: String,
    /// How many were sent (reverted ones included).
    pub count: usize,
    /// Median gas.
    pub median_gas: u64,
    /// Largest gas.
    pub max_gas: u64,
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The signature mode.
    pub scheme: SignatureScheme,
    /// Validators in the genesis set.
    pub validators: usize,
    /// Sidechain blocks committed.
    pub blocks: u64,
    /// Rounds that timed out for an offline proposer.
    pub failed_rounds: u64,
    /// Checkpoints the bridge accepted (a forged one included).
    pub checkpoints: usize,
    /// Median gas of the honest checkpoint submissions.
    pub checkpoint_gas: u64,
    /// Gas of each honest checkpoint submission.
    pub checkpoint_gas_each: Vec<u64>,
    /// Calldata bytes of the honest checkpoint submissions.
    pub checkpoint_calldata_bytes: usize,
    /// Checkpoint gas over the L2 transactions (deposits included).
    pub l1_gas_per_tx: f64,
    /// L2 transactions included (deposits and workload).
    pub l2_txs: usize,
    /// Transactions the ledger refused (none in an honest run).
    pub rejected_txs: usize,
    /// From a transaction reaching the validators to the commit of its block, seconds (the workload's
    /// transactions; deposits wait for their L1 block first).
    pub soft_finality_seconds: Spread,
    /// From a workload transaction reaching the validators to the L1 block of the checkpoint covering it.
    pub checkpoint_inclusion_seconds: Spread,
    /// From a workload transaction reaching the validators to L1 finality of the checkpoint covering it.
    pub checkpoint_finality_seconds: Spread,
    /// The fewest validators (largest stakes first) that hold more than 2/3 of the genesis set's stake: the
    /// k of the k-of-n trust.
    pub supermajority_validators: usize,
    /// Between consecutive commits, seconds.
    pub block_interval_seconds: Spread,
    /// From a withdrawal reaching the validators to its ETH paid on L1, seconds.
    pub withdrawal_latency_seconds: Spread,
    /// Withdrawals made on the sidechain.
    pub withdrawals: usize,
    /// Of them, paid on L1.
    pub withdrawals_paid: usize,
    /// Whether a second proof of a paid withdrawal was refused (`None`: nothing was paid to try it on).
    pub replay_refused: Option<bool>,
    /// Whether the chain halted.
    pub halted: bool,
    /// Why, in words.
    pub halt_reason: Option<String>,
    /// Stake online.
    pub online_stake: Wei,
    /// Stake of the genesis set.
    pub total_stake: Wei,
    /// Wei stolen from the bridge.
    pub stolen_wei: Wei,
    /// The theft attempt, if any.
    pub theft: Option<TheftReport>,
    /// The equivocation, if any.
    pub equivocation: Option<EquivocationReport>,
    /// The rotation, if any.
    pub rotation: Option<RotationReport>,
    /// ETH ever funded on L1.
    pub total_funded: Wei,
    /// L1 balances plus burned fees: equal to `total_funded` when ETH is conserved.
    pub total_supply_tracked: Wei,
    /// Whether ETH was conserved on L1.
    pub eth_conserved: bool,
    /// The bridge's ETH at the end.
    pub bridge_balance: Wei,
    /// What it owes (locked deposits, stake, credited wei).
    pub bridge_liabilities: Wei,
    /// Whether its balance equals its liabilities.
    pub bridge_solvent: bool,
    /// Wei of sidechain balances and unpaid withdrawals that the bridge's locked deposits do not cover
    /// (0 unless the bridge was drained).
    pub unbacked_wei: Wei,
    /// Every L1 call the run sent, by kind: count, median and largest gas.
    pub gas_by_call: Vec<CallGas>,
    /// Simulated seconds (L1 time at the end).
    pub simulated_seconds: u64,
}

/// The L1 address of user `i`.
pub fn user_address(i: u32) -> Address {
    Address::from_label(&format!("sidechain-user-{i}"))
}

/// The address the coalition drains the bridge to.
pub fn attacker_address() -> Address {
    Address::from_label("sidechain-attacker")
}

/// The honest watcher that posts equivocation evidence.
pub fn watcher_address() -> Address {
    Address::from_label("sidechain-watcher")
}

/// A withdrawal made on the sidechain.
#[derive(Debug, Clone)]
struct PendingWithdrawal {
    arrival_ms: u64,
    block: u64,
    recipient: Address,
    amount: Wei,
    leaf: Option<(WithdrawalLeaf, MerkleProof)>,
    due: Option<u64>,
    paid_at: Option<u64>,
}

fn check_fraction(name: &str, f: f64) -> Result<()> {
    if !f.is_finite() || !(0.0..=1.0).contains(&f) {
        return Err(SidechainError::InvalidScenario(format!("{name} must be in 0..=1, got {f}")));
    }
    Ok(())
}

/// Runs a scenario: the common workload generated from `rng`, then [`run_with_plan`].
///
/// # Errors
/// As [`run_with_plan`], or a workload the ledger cannot build.
pub fn run<R: RngCore + CryptoRng>(scenario: &Scenario, rng: &mut R) -> Result<Report> {
    let plan = Plan::generate(
        scenario.tree,
        scenario.chain_id,
        scenario.users,
        TxAmount::new(scenario.deposit_units)?,
        scenario.l2_txs,
        Mix { withdrawal_share: scenario.withdrawal_share },
        rng,
    )?;
    run_with_plan(scenario, &plan, rng)
}

/// Runs a scenario on a given workload (its keys and transactions; the scenario's user count and deposit
/// size are the plan's), with `rng` for the validators' keys and stakes and the attackers' choices.
///
/// # Errors
/// An inconsistent scenario, or an L1 transaction refused for good, or an honest call reverted.
pub fn run_with_plan<R: RngCore + CryptoRng>(scenario: &Scenario, plan: &Plan, rng: &mut R) -> Result<Report> {
    if scenario.validators == 0 || scenario.checkpoint_every == 0 || plan.keys.is_empty() {
        return Err(SidechainError::InvalidScenario("need a validator, a user and a checkpoint interval".into()));
    }
    if plan.keys.len() as u64 > scenario.tree.capacity() {
        return Err(SidechainError::InvalidScenario("the tree cannot hold every user".into()));
    }
    match scenario.attack {
        Attack::Offline { stake_fraction } | Attack::Collude { stake_fraction } => {
            check_fraction("the attack's stake fraction", stake_fraction)?
        }
        _ => {}
    }
    let params = BridgeParams {
        chain_id: u64::from(scenario.chain_id.value()),
        ledger_chain: scenario.chain_id,
        ..BridgeParams::new(scenario.scheme, scenario.tree, scenario.validators)
    };
    let wei = params.wei_per_unit;
    let chain_id = params.chain_id;
    let mut chain = Chain::new(ChainConfig::default());

    // Validators: keys and stakes, funded and registered on L1.
    let mut roster = validators::generate(scenario.validators, &scenario.stakes, rng)?;
    let mut newcomer = None;
    if scenario.rotation {
        let stake = scenario.stakes.draw(rng);
        newcomer = Some(Validator::random(rng, stake)?);
    }
    for v in roster.iter().chain(newcomer.iter()) {
        chain.fund(v.address(), v.stake + ETHER);
    }
    chain.fund(attacker_address(), ETHER);
    chain.fund(watcher_address(), ETHER);
    let bridge = Bridge::new(Address::from_label("sidechain-bridge"), params.clone());
    let mut world = World::new(chain, bridge);
    for v in &roster {
        let receipt = world.send(v.address(), v.stake, v.register_call(scenario.scheme)?)?;
        expect_ok("Register", &receipt)?;
    }
    let stakes: Vec<Wei> = roster.iter().map(|v| v.stake).collect();
    let total_stake: Wei = stakes.iter().sum();
    let supermajority_validators = {
        let mut sorted = stakes.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        let mut sum = 0;
        sorted
            .iter()
            .position(|s| {
                sum += s;
                validators::more_than_two_thirds(sum, total_stake)
            })
            .map_or(sorted.len(), |p| p + 1)
    };
    let offline = match scenario.attack {
        Attack::Offline { stake_fraction } => pick_by_stake(&stakes, stake_fraction, rng),
        _ => Vec::new(),
    };
    let coalition = match scenario.attack {
        Attack::Collude { stake_fraction } => pick_by_stake(&stakes, stake_fraction, rng),
        _ => Vec::new(),
    };
    let equivocator = match scenario.attack {
        Attack::Equivocate => Some(rng.gen_range(0..roster.len())),
        _ => None,
    };
    let mut online: Vec<bool> = (0..roster.len()).map(|i| !offline.contains(&i)).collect();
    let online_stake: Wei = stakes.iter().zip(&online).filter(|(_, &o)| o).map(|(s, _)| *s).sum();

    // Users: one deposit each, minted in the sidechain's first block.
    let mut stream: Vec<(Transaction, u64)> = Vec::new();
    for (i, key) in plan.keys.iter().enumerate() {
        let from = user_address(i as u32);
        let value = Wei::from(plan.deposit_units.units()) * wei;
        world.chain.fund(from, value + 10 * ETHER);
        let call = BridgeCall::Deposit { to: None, public_key: key.public_key().into() };
        let receipt = world.send(from, value, call)?;
        expect_ok("Deposit", &receipt)?;
        let deposit =
            Deposit { to: AccountIndex::new(i as u32), public_key: key.public_key(), amount: plan.deposit_units };
        stream.push((Transaction::Deposit(deposit), receipt.timestamp * 1000));
    }
    world.chain.advance_slot();
    let start_ms = world.chain.now() * 1000;
    let interval_ms = scenario.tx_interval_seconds.saturating_mul(1000);
    for (j, tx) in plan.txs.iter().enumerate() {
        stream.push((*tx, start_ms + (j as u64 + 1) * interval_ms));
    }

    let members = |world: &World| -> Vec<usize> { world.bridge.set().members.clone() };
    let set_stakes = |world: &World, ids: &[usize]| -> Vec<Wei> {
        ids.iter().map(|&i| world.bridge.validators()[i].stake).collect()
    };
    let ids = members(&world);
    let mut engine =
        Engine::new(scenario.consensus, set_stakes(&world, &ids), ids.iter().map(|&i| online[i]).collect(), start_ms);
    let mut state = State::new(scenario.tree, scenario.chain_id);
    let mut pool = EvidencePool::new();
    let mut next = 0usize;
    let mut parent = [0u8; 32];
    let mut soft = Vec::new();
    let mut covered: Vec<(u64, u64)> = Vec::new();
    let (mut cp_inclusion, mut cp_finality) = (Vec::new(), Vec::new());
    let mut intervals = Vec::new();
    let mut last_commit = start_ms;
    let mut rejected = 0usize;
    let mut included = 0usize;
    let mut withdrawals: Vec<PendingWithdrawal> = Vec::new();
    let mut checkpoint_gas = Vec::new();
    let mut checkpoint_bytes = 0usize;
    let mut last_checkpoint_end = 0u64;
    let mut halted = None;
    let mut theft: Option<TheftReport> = None;
    let mut equivocation: Option<EquivocationReport> = None;
    let mut rotation: Option<RotationReport> = None;
    let mut rotated_from_set0 = false;
    let mut replay_refused = None;
    let mut captured = false;

    loop {
        let done = next == stream.len()
            && withdrawals.iter().all(|w| w.leaf.is_some())
            && engine.height() == last_checkpoint_end
            && (!scenario.rotation || rotation.as_ref().is_some_and(|r| r.checkpoints_by_new_set > 0))
            && engine.height() > 0;
        if done || captured || engine.height() >= scenario.max_blocks {
            break;
        }
        let commit = match engine.next_block()? {
            Step::Committed(c) => c,
            Step::Halted { height, online_stake, total_stake } => {
                halted = Some(format!(
                    "halted at height {height}: {online_stake} of {total_stake} wei of stake online, not more than 2/3"
                ));
                break;
            }
        };
        intervals.push((commit.committed_at_ms - last_commit) as f64 / 1000.0);
        last_commit = commit.committed_at_ms;
        let now_s = commit.committed_at_ms.div_ceil(1000);
        world.chain.advance_to_timestamp(now_s);

        // The block: every transaction that reached the validators before the proposal.
        let mut tx_hashes = Vec::new();
        while next < stream.len() && stream[next].1 <= commit.proposed_at_ms {
            let (tx, arrival) = &stream[next];
            next += 1;
            match state.apply(tx) {
                Ok(_) => {
                    included += 1;
                    if !matches!(tx, Transaction::Deposit(_)) {
                        soft.push((commit.committed_at_ms - arrival) as f64 / 1000.0);
                        covered.push((commit.height, *arrival));
                    }
                    tx_hashes.extend_from_slice(&tx.public_data().unwrap_or_default());
                    if let Transaction::Withdrawal(w) = tx {
                        let recipient = world.bridge.owner(w.from).unwrap_or(Address::ZERO);
                        withdrawals.push(PendingWithdrawal {
                            arrival_ms: *arrival,
                            block: commit.height,
                            recipient,
                            amount: Wei::from(w.amount.units()) * wei,
                            leaf: None,
                            due: None,
                            paid_at: None,
                        });
                    }
                }
                Err(_) => rejected += 1,
            }
        }
        let mut header = Vec::with_capacity(128);
        header.extend_from_slice(&commit.height.to_be_bytes());
        header.extend_from_slice(&parent);
        header.extend_from_slice(&fr_to_be_bytes(&state.root()));
        header.extend_from_slice(&keccak256(&tx_hashes));
        let block_id = keccak256(&header);
        parent = block_id;

        // An equivocating validator precommits this block and another at height 2; the watcher sees both.
        if let Some(byz) = equivocator.filter(|_| commit.height == 2 && equivocation.is_none()) {
            let vote =
                Vote { chain_id, height: commit.height, round: commit.round, kind: VoteKind::Precommit, block_id };
            let mut fake = vote;
            fake.block_id = keccak256(b"another block");
            let key = &roster[byz].eth;
            let first = pool.observe(vote.sign(key));
            let evidence = first.or_else(|| pool.observe(fake.sign(key)));
            if let Some(evidence) = evidence {
                let receipt = world.send(watcher_address(), 0, BridgeCall::Evidence(evidence))?;
                expect_ok("Evidence", &receipt)?;
                let (slashed, reward) = receipt
                    .outcome
                    .as_ref()
                    .ok()
                    .and_then(|events| {
                        events.iter().find_map(|e| match e {
                            BridgeEvent::Slashed { amount, reward, .. } => Some((*amount, *reward)),
                            _ => None,
                        })
                    })
                    .unwrap_or((0, 0));
                let again = world.send(watcher_address(), 0, BridgeCall::Evidence(evidence))?;
                equivocation = Some(EquivocationReport {
                    validator: roster[byz].address(),
                    height: commit.height,
                    evidence_gas: receipt.gas_used,
                    slashed_wei: slashed,
                    reporter_reward_wei: reward,
                    replay_refused: !again.succeeded(),
                });
            }
        }

        // Rotation: before the first checkpoint, a newcomer registers and one genesis validator unbonds.
        if commit.height == 1 {
            if let Some(v) = &newcomer {
                let receipt = world.send(v.address(), v.stake, v.register_call(scenario.scheme)?)?;
                expect_ok("Register", &receipt)?;
                let leaver = roster[0].address();
                let receipt = world.send(leaver, 0, BridgeCall::Unbond)?;
                expect_ok("Unbond", &receipt)?;
            }
        }

        // A checkpoint every K blocks.
        if commit.height - last_checkpoint_end == scenario.checkpoint_every {
            let number = world.bridge.checkpoints().len() as u64;
            let range: Vec<usize> = (0..withdrawals.len())
                .filter(|&i| withdrawals[i].leaf.is_none() && withdrawals[i].block <= commit.height)
                .collect();
            let leaves: Vec<WithdrawalLeaf> = range
                .iter()
                .enumerate()
                .map(|(k, &i)| WithdrawalLeaf {
                    checkpoint: number,
                    index: k as u64,
                    recipient: withdrawals[i].recipient,
                    amount: withdrawals[i].amount,
                })
                .collect();
            let tree = withdrawal_tree(&leaves)?;
            let honest = Checkpoint {
                number,
                start_block: last_checkpoint_end + 1,
                end_block: commit.height,
                state_root: fr_to_be_bytes(&state.root()),
                withdrawal_root: tree.root(),
                withdrawals: leaves.len() as u64,
                set_id: world.bridge.set().id,
            };
            let ids = members(&world);
            let relayer = roster[ids[commit.proposer.min(ids.len() - 1)]].address();

            if !coalition.is_empty() && theft.is_none() {
                let report = forge(
                    &mut world,
                    &roster,
                    &ids,
                    &coalition,
                    &honest,
                    scenario.scheme,
                    total_stake,
                    &state,
                    &withdrawals,
                    wei,
                )?;
                captured = report.forged_checkpoint_accepted;
                theft = Some(report);
                if captured {
                    // The honest checkpoint of the same range comes too late.
                    let signers: Vec<usize> = ids.iter().copied().filter(|&i| online[i]).collect();
                    let signatures =
                        sign(&roster, &ids, &signers, &honest, scenario.scheme, chain_id, world.bridge.address())?;
                    let _ = world.send(relayer, 0, BridgeCall::SubmitCheckpoint { checkpoint: honest, signatures })?;
                    break;
                }
            }

            let signers: Vec<usize> = ids.iter().copied().filter(|&i| online[i]).collect();
            let signatures = sign(&roster, &ids, &signers, &honest, scenario.scheme, chain_id, world.bridge.address())?;
            let call = BridgeCall::SubmitCheckpoint { checkpoint: honest, signatures };
            checkpoint_bytes += world.bridge.calldata(&call).len();
            let receipt = world.send(relayer, 0, call)?;
            expect_ok("SubmitCheckpoint", &receipt)?;
            checkpoint_gas.push(receipt.gas_used);
            let final_at = world.chain.finality_time(receipt.slot);
            for (_, arrival) in covered.iter().filter(|(h, _)| *h <= commit.height) {
                cp_inclusion.push((receipt.timestamp * 1000).saturating_sub(*arrival) as f64 / 1000.0);
                cp_finality.push((final_at * 1000).saturating_sub(*arrival) as f64 / 1000.0);
            }
            covered.retain(|(h, _)| *h > commit.height);
            let due = world.chain.finality_time(receipt.slot);
            for (k, (leaf, &i)) in leaves.iter().zip(&range).enumerate() {
                let proof = tree
                    .proof(k as u64)
                    .ok_or_else(|| SidechainError::InvalidScenario("a leaf without a proof".into()))?;
                withdrawals[i].leaf = Some((*leaf, proof));
                withdrawals[i].due = Some(due);
            }
            last_checkpoint_end = commit.height;
            if let Some(r) = rotation.as_mut() {
                r.checkpoints_by_new_set += 1;
            }
            let rotated = receipt.outcome.as_ref().ok().and_then(|events| {
                events.iter().find_map(|e| match e {
                    BridgeEvent::SetRotated { id, joined, left } => Some((*id, joined.clone(), left.clone())),
                    _ => None,
                })
            });
            if let Some((id, joined, left)) = rotated {
                if let Some(v) = newcomer.take() {
                    roster.push(v);
                    online.push(true);
                }
                if scenario.rotation && !rotated_from_set0 {
                    rotated_from_set0 = true;
                    let left_addr = left.first().map_or(Address::ZERO, |&i| world.bridge.validators()[i].address);
                    rotation = Some(RotationReport {
                        joined: joined.first().map_or(Address::ZERO, |&i| world.bridge.validators()[i].address),
                        left: left_addr,
                        new_set_id: id,
                        checkpoints_by_new_set: 0,
                        stake_returned: world.bridge.claimable(left_addr),
                    });
                }
                let ids = members(&world);
                engine.set_validators(set_stakes(&world, &ids), ids.iter().map(|&i| online[i]).collect());
            }
        }
        pay_due(&mut world, &mut withdrawals, &mut replay_refused)?;
    }

    // The L1 runs on until every checkpointed withdrawal is final and paid.
    if !captured {
        while let Some(due) = withdrawals.iter().filter(|w| w.paid_at.is_none()).filter_map(|w| w.due).min() {
            world.chain.advance_to_timestamp(due);
            pay_due(&mut world, &mut withdrawals, &mut replay_refused)?;
        }
    }

    let paid: Vec<u64> =
        withdrawals.iter().filter_map(|w| w.paid_at.map(|t| t.saturating_sub(w.arrival_ms / 1000))).collect();
    let in_flight: Wei = withdrawals.iter().filter(|w| w.paid_at.is_none()).map(|w| w.amount).sum();
    let owed = state.total_balance() * wei + in_flight;
    let bridge = &world.bridge;
    let bridge_balance = world.chain.balance(bridge.address());
    let checkpoint_total: u64 = checkpoint_gas.iter().sum();
    let l2 = included.max(1);
    Ok(Report {
        scheme: scenario.scheme,
        validators: scenario.validators,
        blocks: engine.height(),
        failed_rounds: engine.failed_rounds(),
        checkpoints: bridge.checkpoints().len(),
        checkpoint_gas: Spread::of_u64(&checkpoint_gas).median as u64,
        checkpoint_gas_each: checkpoint_gas,
        checkpoint_calldata_bytes: checkpoint_bytes,
        l1_gas_per_tx: checkpoint_total as f64 / l2 as f64,
        l2_txs: included,
        rejected_txs: rejected,
        soft_finality_seconds: Spread::of(&soft),
        block_interval_seconds: Spread::of(&intervals),
        checkpoint_inclusion_seconds: Spread::of(&cp_inclusion),
        checkpoint_finality_seconds: Spread::of(&cp_finality),
        supermajority_validators,
        withdrawal_latency_seconds: Spread::of_u64(&paid),
        withdrawals: withdrawals.len(),
        withdrawals_paid: paid.len(),
        replay_refused,
        halted: halted.is_some(),
        halt_reason: halted,
        online_stake,
        total_stake,
        stolen_wei: theft.as_ref().map_or(0, |t| t.stolen_wei),
        theft,
        equivocation,
        rotation,
        total_funded: world.chain.total_funded(),
        total_supply_tracked: world.chain.total_supply_tracked(),
        eth_conserved: world.chain.total_supply_tracked() == world.chain.total_funded(),
        bridge_balance,
        bridge_liabilities: bridge.liabilities(),
        bridge_solvent: bridge_balance == bridge.liabilities(),
        unbacked_wei: owed.saturating_sub(bridge.locked()),
        gas_by_call: gas_by_call(&world),
        simulated_seconds: world.chain.now(),
    })
}

fn gas_by_call(world: &World) -> Vec<CallGas> {
    let mut by: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for tx in &world.log {
        by.entry(tx.call.as_str()).or_default().push(tx.gas);
    }
    by.into_iter()
        .map(|(call, gas)| CallGas {
            call: call.to_string(),
            count: gas.len(),
            median_gas: Spread::of_u64(&gas).median as u64,
            max_gas: gas.iter().copied().max().unwrap_or(0),
        })
        .collect()
}

fn expect_ok(call: &'static str, receipt: &Receipt<BridgeEvent>) -> Result<()> {
    match &receipt.outcome {
        Ok(_) => Ok(()),
        Err(revert) => Err(SidechainError::Reverted { call, revert: revert.clone() }),
    }
}

/// The signatures of `signers` (registered ids) on `checkpoint`, in the bridge's scheme.
pub fn sign(
    roster: &[Validator],
    members: &[usize],
    signers: &[usize],
    checkpoint: &Checkpoint,
    scheme: SignatureScheme,
    chain_id: u64,
    bridge: Address,
) -> Result<CheckpointSignatures> {
    let digest = checkpoint.digest(chain_id, bridge);
    match scheme {
        SignatureScheme::Ecdsa => Ok(CheckpointSignatures::ecdsa(signers.iter().map(|&i| &roster[i]), &digest)),
        SignatureScheme::Bls => {
            let set: Vec<&Validator> = members.iter().map(|&i| &roster[i]).collect();
            let bitmap = members.iter().map(|i| signers.contains(i)).collect();
            CheckpointSignatures::bls(&set, bitmap, &digest)
        }
    }
}

/// The coalition forges the checkpoint `honest` with a withdrawal root paying the attacker every wei the
/// bridge holds, relays it, and if it is accepted proves and claims the withdrawal at once.
#[allow(clippy::too_many_arguments)]
fn forge(
    world: &mut World,
    roster: &[Validator],
    members: &[usize],
    coalition: &[usize],
    honest: &Checkpoint,
    scheme: SignatureScheme,
    total_stake: Wei,
    state: &State,
    withdrawals: &[PendingWithdrawal],
    wei: Wei,
) -> Result<TheftReport> {
    let bridge = world.bridge.address();
    let chain_id = world.bridge.params().chain_id;
    let amount = world.bridge.locked();
    let leaf = WithdrawalLeaf { checkpoint: honest.number, index: 0, recipient: attacker_address(), amount };
    let tree = withdrawal_tree(&[leaf])?;
    let forged = Checkpoint { withdrawal_root: tree.root(), withdrawals: 1, ..*honest };
    let coalition_stake: Wei = coalition.iter().map(|&i| roster[i].stake).sum();
    let signatures = sign(roster, members, coalition, &forged, scheme, chain_id, bridge)?;
    let started = world.chain.now();
    let txs_before = world.log.len();
    let receipt = world.send(attacker_address(), 0, BridgeCall::SubmitCheckpoint { checkpoint: forged, signatures })?;
    let accepted = receipt.succeeded();
    let refusal = receipt.outcome.as_ref().err().map(|r| r.0.clone());
    let mut stolen = 0;
    let mut victims = Vec::new();
    let mut seconds = 0;
    if accepted {
        let proof = tree.proof(0).ok_or_else(|| SidechainError::InvalidScenario("an empty forged tree".into()))?;
        world.chain.advance_slot();
        let r = world.send(attacker_address(), 0, BridgeCall::ProveWithdrawal { leaf, proof })?;
        expect_ok("ProveWithdrawal (forged)", &r)?;
        world.chain.advance_slot();
        let r = world.send(attacker_address(), 0, BridgeCall::Claim)?;
        expect_ok("Claim (forged)", &r)?;
        stolen = amount;
        seconds = r.timestamp - started;
        let mut losses: BTreeMap<Address, Wei> = BTreeMap::new();
        for (index, account) in state.accounts() {
            let owner = world.bridge.owner(index).unwrap_or(Address::ZERO);
            *losses.entry(owner).or_default() += Wei::from(account.balance.units()) * wei;
        }
        for w in withdrawals.iter().filter(|w| w.paid_at.is_none()) {
            *losses.entry(w.recipient).or_default() += w.amount;
        }
        victims = losses.into_iter().filter(|(_, v)| *v > 0).collect();
    }
    Ok(TheftReport {
        coalition_validators: coalition.len(),
        coalition_stake,
        total_stake,
        forged_checkpoint_accepted: accepted,
        refusal,
        attacker: attacker_address(),
        stolen_wei: stolen,
        seconds_to_drain: seconds,
        l1_txs: world.log.len() - txs_before,
        victims,
        coalition_stake_slashed: 0,
    })
}

/// Users prove and claim every withdrawal whose checkpoint is final on L1; the first one paid is then
/// proven again, which the bridge must refuse.
fn pay_due(world: &mut World, withdrawals: &mut [PendingWithdrawal], replay_refused: &mut Option<bool>) -> Result<()> {
    let now = world.chain.now();
    for w in withdrawals.iter_mut().filter(|w| w.paid_at.is_none() && w.due.is_some_and(|d| d <= now)) {
        let Some((leaf, proof)) = w.leaf.clone() else { continue };
        let receipt = world.send(w.recipient, 0, BridgeCall::ProveWithdrawal { leaf, proof: proof.clone() })?;
        expect_ok("ProveWithdrawal", &receipt)?;
        let receipt = world.send(w.recipient, 0, BridgeCall::Claim)?;
        expect_ok("Claim", &receipt)?;
        w.paid_at = Some(receipt.timestamp);
        if replay_refused.is_none() {
            let again = world.send(w.recipient, 0, BridgeCall::ProveWithdrawal { leaf, proof })?;
            *replay_refused = Some(!again.succeeded());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
