//! The bridge contract on the simulated L1: it holds the validators' stake and the users' deposits, accepts
//! checkpoints signed by more than 2/3 of the registered stake, pays withdrawals proven against a
//! checkpoint's withdrawal root (each once), rotates the validator set at checkpoints and slashes
//! equivocation shown by evidence.
//!
//! # Trust
//! The bridge checks *who signed*, never *what they signed*: a checkpoint's state and withdrawal roots are
//! taken on the word of more than 2/3 of the stake. There is no fraud proof, no validity proof and no delay:
//! a coalition above 2/3 can sign a checkpoint with a made-up withdrawal root and take every deposit the
//! bridge holds (what happened to Ronin, whose bridge took 5 of 9 validator signatures), and the slashable
//! stake does not stand behind the deposits (nothing in a checkpoint is provably wrong on L1).
//!
//! # Calls
//! - [`BridgeCall::Register`] (value: the stake): a validator joins with its BLS key and a proof of
//!   possession, checked here (the rogue-key defence); its L1 address is its ECDSA identity. The first
//!   [`BridgeParams::genesis_validators`] registrations form set 0; later ones join at the next checkpoint.
//! - [`BridgeCall::Unbond`]: a validator leaves at the next checkpoint; its stake is credited then.
//! - [`BridgeCall::Deposit`] (value): locks ETH and queues the deposit with the same queue, Poseidon chain,
//!   key check and account registry as the rollups (`l1_contract_sim::deposits`); validators mint it on the
//!   sidechain.
//! - [`BridgeCall::SubmitCheckpoint`]: the next checkpoint in order, signed by the current set (see
//!   [`verify`] for what each signature mode costs); accepting it applies pending joins and leaves (a new set
//!   id).
//! - [`BridgeCall::ProveWithdrawal`]: a leaf and its Merkle proof against an accepted checkpoint's
//!   withdrawal root; credits the recipient once per leaf, from the locked deposits only (never from stake).
//! - [`BridgeCall::Evidence`]: two precommits signed by one validator at one height and round for different
//!   blocks; slashes [`BridgeParams::slash_percent`] of its stake (part to the reporter, the rest burned) and
//!   removes it at the next checkpoint.
//! - [`BridgeCall::Claim`]: pays what is credited to the caller (pull payments, `l1_contract_sim::claims`).
//!
//! # Simplifications
//! - Stake leaves at the next checkpoint with no unbonding period: evidence must arrive before that.
//! - Validator records are read at the EIP-2929 cold price per slot; Polygon and others keep a hash of the
//!   set and pass the keys in calldata instead, a different trade (calldata against storage reads).

pub mod verify;

use std::collections::{BTreeMap, BTreeSet};

use l1_contract_sim::abi::{push_fr, push_selector, push_u64};
use l1_contract_sim::claims::Claims;
use l1_contract_sim::deposits::{DepositQueue, KeyCoordinates, QueuedDeposit};
use l1_contract_sim::ecdsa::keccak256_charged;
use l1_contract_sim::gas;
use l1_contract_sim::merkle::{verify_charged, MerkleProof};
use l1_contract_sim::{Address, Contract, Env, Revert, Wei, ETHER, GWEI};
use ledger::tree::TreeShape;
use ledger::{AccountIndex, ChainId, TxAmount};
use serde::{Deserialize, Serialize};

use crate::bls::{BlsPublicKey, BlsSignature};
use crate::checkpoint::{eip2537_g1, eip2537_g2, Checkpoint, CheckpointSignatures, WithdrawalLeaf};
use crate::consensus::{Evidence, VoteKind};
use crate::validators::more_than_two_thirds;

/// How checkpoints are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureScheme {
    /// One secp256k1 signature per signer, one `ecrecover` each (Polygon PoS).
    Ecdsa,
    /// One BLS12-381 aggregate, checked with the EIP-2537 precompiles.
    Bls,
}

impl SignatureScheme {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            SignatureScheme::Ecdsa => "ECDSA",
            SignatureScheme::Bls => "BLS",
        }
    }
}

/// The bridge's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeParams {
    /// How checkpoints are signed.
    pub scheme: SignatureScheme,
    /// The sidechain's id, in every signed checkpoint and vote.
    pub chain_id: u64,
    /// The sidechain's account tree (deposits open accounts in it).
    pub tree: TreeShape,
    /// The ledger's chain id (deposits are ledger transactions).
    pub ledger_chain: ChainId,
    /// Wei per sidechain unit.
    pub wei_per_unit: Wei,
    /// Registrations that form the first set.
    pub genesis_validators: usize,
    /// The least stake a validator registers with.
    pub min_stake: Wei,
    /// Percent of an equivocating validator's stake slashed (Cosmos Hub: 5%).
    pub slash_percent: u8,
    /// Percent of a slashed amount credited to whoever posted the evidence; the rest is burned.
    pub reporter_share_percent: u8,
}

impl BridgeParams {
    /// The defaults: a gwei per unit, 1 ETH minimum stake, 5% slashed for equivocation (half to the
    /// reporter).
    pub fn new(scheme: SignatureScheme, tree: TreeShape, genesis_validators: usize) -> BridgeParams {
        BridgeParams {
            scheme,
            chain_id: 1,
            tree,
            ledger_chain: ChainId::DEFAULT,
            wei_per_unit: GWEI,
            genesis_validators,
            min_stake: ETHER,
            slash_percent: 5,
            reporter_share_percent: 50,
        }
    }
}

/// Where a registered validator stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidatorStatus {
    /// In the current set.
    Active,
    /// Joins at the next checkpoint.
    Joining,
    /// Leaves at the next checkpoint.
    Leaving,
    /// Gone; its stake was credited.
    Left,
}

/// A BLS key with its proof of possession, as a registration carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlsRegistration {
    /// The key (G1).
    pub key: BlsPublicKey,
    /// Its proof of possession (G2).
    pub pop: BlsSignature,
}

/// A validator as the bridge registers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredValidator {
    /// Its L1 address: the ECDSA signer.
    pub address: Address,
    /// Its BLS key, checked with its proof of possession (`None`: registered with an ECDSA bridge without
    /// one).
    pub bls_key: Option<BlsPublicKey>,
    /// Wei staked (less what was slashed).
    pub stake: Wei,
    /// Where it stands.
    pub status: ValidatorStatus,
    /// Whether it was slashed.
    pub slashed: bool,
}

/// A validator set: ids of the registered validators, in the order BLS bitmaps follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorSet {
    /// Its id: 0 for the genesis set, one more at each rotation.
    pub id: u64,
    /// Registered validator ids.
    pub members: Vec<usize>,
    /// Their stake.
    pub total_stake: Wei,
}

/// An accepted checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// When it was accepted (L1 timestamp).
    pub accepted_at: u64,
    /// In which L1 block.
    pub l1_block: u64,
    /// Stake that signed it.
    pub signed_stake: Wei,
    /// The set's total stake.
    pub total_stake: Wei,
}

/// The bridge's calls.
#[derive(Debug, Clone)]
pub enum BridgeCall {
    /// Register as a validator, staking the call's value; the sender's address is its ECDSA identity.
    Register {
        /// Its BLS key and proof of possession: required by a BLS bridge, checked by any bridge if given.
        bls: Option<BlsRegistration>,
    },
    /// Leave the set at the next checkpoint.
    Unbond,
    /// Lock the call's value and mint it on the sidechain.
    Deposit {
        /// The account, or `None` to open one.
        to: Option<AccountIndex>,
        /// The account's key.
        public_key: KeyCoordinates,
    },
    /// Submit the next checkpoint.
    SubmitCheckpoint {
        /// The checkpoint.
        checkpoint: Checkpoint,
        /// Its signatures.
        signatures: CheckpointSignatures,
    },
    /// Prove a withdrawal (anyone; the recipient is credited).
    ProveWithdrawal {
        /// The leaf.
        leaf: WithdrawalLeaf,
        /// Its proof against the checkpoint's withdrawal root.
        proof: MerkleProof,
    },
    /// Post equivocation evidence.
    Evidence(Evidence),
    /// Pay the caller what is credited to it.
    Claim,
}

impl BridgeCall {
    /// The call's name.
    pub fn name(&self) -> &'static str {
        match self {
            BridgeCall::Register { .. } => "Register",
            BridgeCall::Unbond => "Unbond",
            BridgeCall::Deposit { .. } => "Deposit",
            BridgeCall::SubmitCheckpoint { .. } => "SubmitCheckpoint",
            BridgeCall::ProveWithdrawal { .. } => "ProveWithdrawal",
            BridgeCall::Evidence(_) => "Evidence",
            BridgeCall::Claim => "Claim",
        }
    }
}

/// What the bridge emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeEvent {
    /// A validator registered.
    Registered {
        /// Its id.
        validator: usize,
        /// Whether it is in the current set already (a genesis validator).
        active: bool,
    },
    /// A validator asked to leave.
    Unbonding {
        /// Its id.
        validator: usize,
    },
    /// A deposit was locked.
    DepositQueued {
        /// Its position in the queue.
        position: usize,
        /// The sidechain account.
        to: AccountIndex,
        /// Units.
        amount: TxAmount,
    },
    /// A checkpoint was accepted.
    CheckpointAccepted {
        /// Its number.
        number: u64,
        /// Stake that signed.
        signed_stake: Wei,
        /// Total stake of the set.
        total_stake: Wei,
    },
    /// The set changed.
    SetRotated {
        /// The new set's id.
        id: u64,
        /// Who joined.
        joined: Vec<usize>,
        /// Who left.
        left: Vec<usize>,
    },
    /// A withdrawal was credited.
    WithdrawalCredited {
        /// The leaf.
        leaf: WithdrawalLeaf,
    },
    /// A validator was slashed.
    Slashed {
        /// Its id.
        validator: usize,
        /// Wei slashed.
        amount: Wei,
        /// Wei of it credited to the reporter.
        reward: Wei,
    },
    /// Wei paid out.
    Claimed {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
}

/// The bridge's state.
#[derive(Debug, Clone)]
pub struct Bridge {
    address: Address,
    params: BridgeParams,
    deposits: DepositQueue,
    validators: Vec<RegisteredValidator>,
    by_address: BTreeMap<Address, usize>,
    set: ValidatorSet,
    set_key: Option<BlsPublicKey>,
    sealed: bool,
    checkpoints: Vec<AcceptedCheckpoint>,
    paid: BTreeSet<(u64, u64)>,
    evidence_seen: BTreeSet<(usize, u64)>,
    claims: Claims,
    locked: Wei,
    stake_held: Wei,
    slashed: Wei,
    burned: Wei,
}

fn revert(why: impl Into<String>) -> Revert {
    Revert(why.into())
}

impl Bridge {
    /// A bridge with no validators yet.
    pub fn new(address: Address, params: BridgeParams) -> Bridge {
        Bridge {
            address,
            params,
            deposits: DepositQueue::default(),
            validators: Vec::new(),
            by_address: BTreeMap::new(),
            set: ValidatorSet { id: 0, members: Vec::new(), total_stake: 0 },
            set_key: None,
            sealed: false,
            checkpoints: Vec::new(),
            paid: BTreeSet::new(),
            evidence_seen: BTreeSet::new(),
            claims: Claims::default(),
            locked: 0,
            stake_held: 0,
            slashed: 0,
            burned: 0,
        }
    }

    /// The same bridge (registry, deposits, checkpoints) taking checkpoints signed the other way: the gas
    /// study registers a validator set once and prices both modes on it.
    pub fn with_scheme(mut self, scheme: SignatureScheme) -> Bridge {
        self.params.scheme = scheme;
        self
    }

    /// Parameters.
    pub fn params(&self) -> &BridgeParams {
        &self.params
    }

    /// Every registered validator, by id.
    pub fn validators(&self) -> &[RegisteredValidator] {
        &self.validators
    }

    /// The id of the validator registered from `address`.
    pub fn validator_id(&self, address: Address) -> Option<usize> {
        self.by_address.get(&address).copied()
    }

    /// The current validator set.
    pub fn set(&self) -> &ValidatorSet {
        &self.set
    }

    /// Whether the genesis set is complete (checkpoints can be accepted).
    pub fn is_live(&self) -> bool {
        self.sealed
    }

    /// Accepted checkpoints, in order.
    pub fn checkpoints(&self) -> &[AcceptedCheckpoint] {
        &self.checkpoints
    }

    /// Every deposit ever queued.
    pub fn queued_deposits(&self) -> &[QueuedDeposit] {
        self.deposits.queued()
    }

    /// The L1 owner of a sidechain account (who deposited first into it).
    pub fn owner(&self, index: AccountIndex) -> Option<Address> {
        self.deposits.registration(index).map(|r| r.owner)
    }

    /// Whether a withdrawal leaf was already credited.
    pub fn is_paid(&self, checkpoint: u64, index: u64) -> bool {
        self.paid.contains(&(checkpoint, index))
    }

    /// Deposits held for the sidechain's users (locked, less withdrawals credited), in wei.
    pub fn locked(&self) -> Wei {
        self.locked
    }

    /// Stake held for validators.
    pub fn stake_held(&self) -> Wei {
        self.stake_held
    }

    /// Wei slashed so far (credited to reporters and burned).
    pub fn slashed(&self) -> Wei {
        self.slashed
    }

    /// Wei burned from slashing.
    pub fn burned(&self) -> Wei {
        self.burned
    }

    /// What `owner` can claim now.
    pub fn claimable(&self, owner: Address) -> Wei {
        self.claims.of(owner)
    }

    /// Everything credited and not claimed.
    pub fn total_claimable(&self) -> Wei {
        self.claims.total()
    }

    /// What the bridge owes from its own counters: locked deposits, stake, credited wei. Its ETH balance
    /// must equal this.
    pub fn liabilities(&self) -> Wei {
        self.locked + self.stake_held + self.claims.total()
    }

    fn register(&mut self, env: &mut Env<'_>, bls: Option<BlsRegistration>) -> Result<Vec<BridgeEvent>, Revert> {
        if env.value() < self.params.min_stake {
            return Err(revert(format!("a validator stakes at least {} wei", self.params.min_stake)));
        }
        env.charge("read the validator registry", gas::SLOAD_COLD);
        if self.by_address.contains_key(&env.sender()) {
            return Err(revert("this address is already a validator"));
        }
        let bls_key = match bls {
            Some(BlsRegistration { key, pop }) => {
                verify::check_registration(env, &key, &pop)?;
                Some(key)
            }
            None if self.params.scheme == SignatureScheme::Bls => {
                return Err(revert("a BLS bridge needs the validator's BLS key and proof of possession"))
            }
            None => None,
        };
        let id = self.validators.len();
        let genesis = !self.sealed;
        let slots = if bls_key.is_some() { 4 } else { 1 };
        env.charge("store key (3 slots), address, stake and status", slots * gas::SSTORE_SET);
        env.charge("update the set", gas::SSTORE_RESET);
        env.charge("emit Registered", gas::log_gas(2, 32));
        self.validators.push(RegisteredValidator {
            address: env.sender(),
            bls_key,
            stake: env.value(),
            status: if genesis { ValidatorStatus::Active } else { ValidatorStatus::Joining },
            slashed: false,
        });
        self.by_address.insert(env.sender(), id);
        self.stake_held += env.value();
        if genesis {
            self.set.members.push(id);
            self.set.total_stake += env.value();
            self.sealed = self.set.members.len() >= self.params.genesis_validators;
            self.update_set_key(env, 1);
        }
        Ok(vec![BridgeEvent::Registered { validator: id, active: genesis }])
    }

    fn unbond(&mut self, env: &mut Env<'_>) -> Result<Vec<BridgeEvent>, Revert> {
        env.charge("read the validator", 2 * gas::SLOAD_COLD);
        let id = self.by_address.get(&env.sender()).copied().ok_or_else(|| revert("not a validator"))?;
        let v = &mut self.validators[id];
        if v.status != ValidatorStatus::Active && v.status != ValidatorStatus::Joining {
            return Err(revert("already leaving"));
        }
        v.status = ValidatorStatus::Leaving;
        env.charge("mark leaving", gas::SSTORE_RESET);
        env.charge("emit Unbonding", gas::log_gas(2, 0));
        Ok(vec![BridgeEvent::Unbonding { validator: id }])
    }

    fn deposit(
        &mut self,
        env: &mut Env<'_>,
        to: Option<AccountIndex>,
        public_key: KeyCoordinates,
    ) -> Result<Vec<BridgeEvent>, Revert> {
        let (position, deposit) =
            self.deposits.deposit(env, self.params.tree, self.params.wei_per_unit, to, public_key)?;
        env.charge("add to the locked total", gas::SSTORE_RESET);
        self.locked += env.value();
        Ok(vec![BridgeEvent::DepositQueued { position, to: deposit.to, amount: deposit.amount }])
    }

    fn submit_checkpoint(
        &mut self,
        env: &mut Env<'_>,
        checkpoint: &Checkpoint,
        signatures: &CheckpointSignatures,
    ) -> Result<Vec<BridgeEvent>, Revert> {
        env.charge("read the last checkpoint and the set", 3 * gas::SLOAD_COLD);
        if !self.is_live() {
            return Err(revert("the genesis validator set is not complete"));
        }
        let expected_start = self.checkpoints.last().map_or(1, |c| c.checkpoint.end_block + 1);
        if checkpoint.number != self.checkpoints.len() as u64 {
            return Err(revert(format!("expected checkpoint {}, got {}", self.checkpoints.len(), checkpoint.number)));
        }
        if checkpoint.start_block != expected_start || checkpoint.end_block < checkpoint.start_block {
            return Err(revert(format!(
                "the checkpoint must cover blocks from {expected_start}, got {}..={}",
                checkpoint.start_block, checkpoint.end_block
            )));
        }
        if checkpoint.set_id != self.set.id {
            return Err(revert(format!("signed by set {}, the current set is {}", checkpoint.set_id, self.set.id)));
        }
        let bytes = checkpoint.signing_bytes(self.params.chain_id, self.address);
        let digest = keccak256_charged(env, "hash the checkpoint", &bytes);
        let members: Vec<&RegisteredValidator> = self.set.members.iter().map(|&id| &self.validators[id]).collect();
        let signed = match (self.params.scheme, signatures) {
            (SignatureScheme::Ecdsa, CheckpointSignatures::Ecdsa(sigs)) => {
                verify::ecdsa_signed_stake(env, &digest, sigs, &members)?
            }
            (SignatureScheme::Bls, CheckpointSignatures::Bls { signers, aggregate }) => verify::bls_signed_stake(
                env,
                &digest,
                signers,
                aggregate,
                &members,
                self.set_key.as_ref(),
                self.set.total_stake,
            )?,
            _ => return Err(revert(format!("this bridge takes {} signatures", self.params.scheme.name()))),
        };
        let total = self.set.total_stake;
        if !more_than_two_thirds(signed, total) {
            return Err(revert(format!("signers hold {signed} of {total} wei of stake: not more than 2/3")));
        }
        env.charge("store the checkpoint (4 slots)", 4 * gas::SSTORE_SET);
        env.charge("emit CheckpointAccepted", gas::log_gas(2, 96));
        let block = env.block();
        self.checkpoints.push(AcceptedCheckpoint {
            checkpoint: *checkpoint,
            accepted_at: block.timestamp,
            l1_block: block.number,
            signed_stake: signed,
            total_stake: total,
        });
        let mut events = vec![BridgeEvent::CheckpointAccepted {
            number: checkpoint.number,
            signed_stake: signed,
            total_stake: total,
        }];
        events.extend(self.rotate(env));
        Ok(events)
    }

    /// Keeps the sum of the current set's BLS keys in storage (3 slots), updated with one G1ADD per member
    /// that joined or left; `None` while a member has no BLS key.
    fn update_set_key(&mut self, env: &mut Env<'_>, changes: usize) {
        let keys: Option<Vec<BlsPublicKey>> = self.set.members.iter().map(|&i| self.validators[i].bls_key).collect();
        self.set_key = keys.map(|k| crate::bls::aggregate_keys(&k));
        if self.set_key.is_some() {
            env.charge(
                "update the set's aggregate BLS key (G1ADD, 3 slots)",
                gas::BLS12_G1ADD * changes as u64 + 3 * gas::SSTORE_RESET,
            );
        }
    }

    /// The sum of the current set's BLS keys, as stored.
    pub fn set_key(&self) -> Option<&BlsPublicKey> {
        self.set_key.as_ref()
    }

    /// Applies pending joins and leaves after a checkpoint: a new set id, leavers' stake credited.
    fn rotate(&mut self, env: &mut Env<'_>) -> Option<BridgeEvent> {
        let joined: Vec<usize> =
            (0..self.validators.len()).filter(|&i| self.validators[i].status == ValidatorStatus::Joining).collect();
        let left: Vec<usize> = self
            .set
            .members
            .iter()
            .copied()
            .filter(|&i| self.validators[i].status == ValidatorStatus::Leaving)
            .collect();
        let joined_leaving: Vec<usize> = (0..self.validators.len())
            .filter(|&i| self.validators[i].status == ValidatorStatus::Leaving && !self.set.members.contains(&i))
            .collect();
        if joined.is_empty() && left.is_empty() && joined_leaving.is_empty() {
            return None;
        }
        for &i in left.iter().chain(&joined_leaving) {
            let v = &mut self.validators[i];
            v.status = ValidatorStatus::Left;
            let stake = v.stake;
            let address = v.address;
            v.stake = 0;
            self.stake_held -= stake;
            self.claims.credit(env, "credit a leaving validator's stake", address, stake);
        }
        for &i in &joined {
            self.validators[i].status = ValidatorStatus::Active;
        }
        let members: Vec<usize> =
            self.set.members.iter().copied().filter(|i| !left.contains(i)).chain(joined.iter().copied()).collect();
        let total_stake = members.iter().map(|&i| self.validators[i].stake).sum();
        env.charge(
            "rewrite the set's membership",
            gas::SSTORE_RESET * (joined.len() + left.len()) as u64 + gas::SSTORE_RESET,
        );
        env.charge("emit SetRotated", gas::log_gas(1, 32 * (joined.len() + left.len()) + 32));
        self.set = ValidatorSet { id: self.set.id + 1, members, total_stake };
        self.update_set_key(env, joined.len() + left.len());
        Some(BridgeEvent::SetRotated { id: self.set.id, joined, left })
    }

    fn prove_withdrawal(
        &mut self,
        env: &mut Env<'_>,
        leaf: &WithdrawalLeaf,
        proof: &MerkleProof,
    ) -> Result<Vec<BridgeEvent>, Revert> {
        env.charge("read the checkpoint's withdrawal root", gas::SLOAD_COLD);
        let root = self
            .checkpoints
            .get(usize::try_from(leaf.checkpoint).unwrap_or(usize::MAX))
            .map(|c| c.checkpoint.withdrawal_root)
            .ok_or_else(|| revert(format!("no checkpoint {}", leaf.checkpoint)))?;
        if proof.index != leaf.index {
            return Err(revert("the proof is for another position"));
        }
        let hash = keccak256_charged(env, "hash the withdrawal leaf", &leaf.encode());
        if !verify_charged(
            env,
            "withdrawal Merkle proof",
            &root,
            crate::checkpoint::WITHDRAWAL_TREE_DEPTH,
            &hash,
            proof,
        ) {
            return Err(revert("the withdrawal is not under the checkpoint's root"));
        }
        env.charge("read the paid bit", gas::SLOAD_COLD);
        if self.paid.contains(&(leaf.checkpoint, leaf.index)) {
            return Err(revert("this withdrawal was already paid"));
        }
        if leaf.amount > self.locked {
            return Err(revert(format!(
                "the bridge holds {} wei of deposits, the withdrawal is {}",
                self.locked, leaf.amount
            )));
        }
        env.charge("set the paid bit and the locked total", gas::SSTORE_SET + gas::SSTORE_RESET);
        self.paid.insert((leaf.checkpoint, leaf.index));
        self.locked -= leaf.amount;
        self.claims.credit(env, "credit the recipient", leaf.recipient, leaf.amount);
        env.charge("emit WithdrawalCredited", gas::log_gas(2, 64));
        Ok(vec![BridgeEvent::WithdrawalCredited { leaf: *leaf }])
    }

    fn evidence(&mut self, env: &mut Env<'_>, evidence: &Evidence) -> Result<Vec<BridgeEvent>, Revert> {
        let (a, b) = (&evidence.a, &evidence.b);
        if a.vote.chain_id != self.params.chain_id || b.vote.chain_id != self.params.chain_id {
            return Err(revert("votes of another chain"));
        }
        if a.vote.height != b.vote.height || a.vote.round != b.vote.round || a.vote.kind != b.vote.kind {
            return Err(revert("the votes are not at the same height, round and phase"));
        }
        if a.vote.kind != VoteKind::Precommit || a.vote.block_id == b.vote.block_id {
            return Err(revert("evidence is two precommits for different blocks"));
        }
        let mut signers = [Address::ZERO; 2];
        for (i, v) in [a, b].into_iter().enumerate() {
            let digest = keccak256_charged(env, "hash the votes", &v.vote.encode());
            signers[i] = l1_contract_sim::ecdsa::ecrecover_charged(env, "ecrecover both votes", &digest, &v.signature)
                .ok_or_else(|| revert("a vote's signature recovers no signer"))?;
        }
        if signers[0] != signers[1] {
            return Err(revert("the votes have different signers"));
        }
        env.charge("read the validator and its stake", 2 * gas::SLOAD_COLD);
        let id = self.by_address.get(&signers[0]).copied().ok_or_else(|| revert("the signer is not a validator"))?;
        env.charge("read the evidence record", gas::SLOAD_COLD);
        if self.evidence_seen.contains(&(id, a.vote.height)) {
            return Err(revert("this equivocation was already punished"));
        }
        let v = &self.validators[id];
        if v.stake == 0 {
            return Err(revert("the validator has no stake left"));
        }
        let amount = v.stake * Wei::from(self.params.slash_percent) / 100;
        let reward = amount * Wei::from(self.params.reporter_share_percent) / 100;
        let burn = amount - reward;
        env.charge("store the evidence record, the stake and the set's total", gas::SSTORE_SET + 2 * gas::SSTORE_RESET);
        self.evidence_seen.insert((id, a.vote.height));
        let was_active = matches!(self.validators[id].status, ValidatorStatus::Active | ValidatorStatus::Leaving)
            && self.set.members.contains(&id);
        let v = &mut self.validators[id];
        v.stake -= amount;
        v.slashed = true;
        if v.status != ValidatorStatus::Left {
            v.status = ValidatorStatus::Leaving;
        }
        if was_active {
            self.set.total_stake -= amount;
        }
        self.stake_held -= amount;
        self.slashed += amount;
        self.burned += burn;
        self.claims.credit(env, "credit the reporter", env.sender(), reward);
        env.pay(Address::ZERO, burn)?;
        env.charge("emit Slashed", gas::log_gas(2, 64));
        Ok(vec![BridgeEvent::Slashed { validator: id, amount, reward }])
    }

    /// The calldata of a call (selector and 32-byte words; keys and signatures in their EIP-2537 encodings).
    pub fn calldata(&self, call: &BridgeCall) -> Vec<u8> {
        let mut out = Vec::new();
        match call {
            BridgeCall::Register { bls } => {
                push_selector(&mut out, 0x31);
                if let Some(b) = bls {
                    out.extend_from_slice(&eip2537_g1(&b.key));
                    out.extend_from_slice(&eip2537_g2(&b.pop));
                }
            }
            BridgeCall::Unbond => push_selector(&mut out, 0x32),
            BridgeCall::Deposit { to, public_key } => {
                push_selector(&mut out, 0x33);
                push_u64(&mut out, to.map_or(u64::MAX, |i| u64::from(i.value())));
                push_fr(&mut out, &public_key.x);
                push_fr(&mut out, &public_key.y);
            }
            BridgeCall::SubmitCheckpoint { checkpoint, signatures } => {
                push_selector(&mut out, 0x34);
                out.extend_from_slice(&checkpoint.encode());
                out.extend_from_slice(&signatures.encode());
            }
            BridgeCall::ProveWithdrawal { leaf, proof } => {
                push_selector(&mut out, 0x35);
                out.extend_from_slice(&leaf.encode());
                proof.siblings.iter().for_each(|s| out.extend_from_slice(s));
            }
            BridgeCall::Evidence(e) => {
                push_selector(&mut out, 0x36);
                for v in [&e.a, &e.b] {
                    out.extend_from_slice(&v.vote.encode()[32..]);
                    out.extend_from_slice(&v.signature.r);
                    out.extend_from_slice(&v.signature.s);
                    push_u64(&mut out, u64::from(v.signature.v));
                }
            }
            BridgeCall::Claim => push_selector(&mut out, 0x37),
        }
        out
    }
}

impl Contract for Bridge {
    type Call = BridgeCall;
    type Event = BridgeEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: BridgeCall) -> Result<Vec<BridgeEvent>, Revert> {
        let payable = matches!(call, BridgeCall::Register { .. } | BridgeCall::Deposit { .. });
        if !payable && env.value() != 0 {
            return Err(revert("this call takes no value"));
        }
        match call {
            BridgeCall::Register { bls } => self.register(env, bls),
            BridgeCall::Unbond => self.unbond(env),
            BridgeCall::Deposit { to, public_key } => self.deposit(env, to, public_key),
            BridgeCall::SubmitCheckpoint { checkpoint, signatures } => {
                self.submit_checkpoint(env, &checkpoint, &signatures)
            }
            BridgeCall::ProveWithdrawal { leaf, proof } => self.prove_withdrawal(env, &leaf, &proof),
            BridgeCall::Evidence(e) => self.evidence(env, &e),
            BridgeCall::Claim => {
                let amount = self.claims.withdraw(env)?;
                Ok(vec![BridgeEvent::Claimed { to: env.sender(), amount }])
            }
        }
    }
}

#[cfg(test)]
mod tests;
