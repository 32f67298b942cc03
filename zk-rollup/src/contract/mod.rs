//! The zk-rollup contract: deposits into a priority queue, batches accepted only with a
//! Groth16 proof, withdrawals paid from verified batches, and exodus mode when the
//! operator stops serving the queue.
//!
//! # What it checks
//! `commit_batch` takes the new root, the batch's public data and a proof. The contract
//! recomputes the proof's single public input itself, as SHA-256 over the root it has
//! stored, the new root, the deposit-chain heads it has stored for the deposits the
//! public data says were processed, and the public data. A proof for another batch,
//! public data that differs from the proof's, a skipped, reordered or invented deposit,
//! a batch on a stale root and a replayed batch all change that input, so the pairing
//! check fails and the call reverts.
//!
//! # Priority deadline and exodus
//! A deposit waits in the queue until a batch processes it. If the oldest waiting
//! deposit is older than the priority deadline (zkSync Lite: 14 days), anyone may switch
//! the contract into exodus mode: batches are refused from then on, every account can
//! exit once with a Merkle proof of its balance in the last verified root, and every
//! deposit still in the queue is refunded. A user censored by the operator can always
//! force the question with a deposit of one unit, so no separate forced-exit request
//! is needed (the circuit has no operation for one).
//!
//! # Accounts and withdrawals
//! The contract assigns the index of a new account at its first deposit and records the
//! depositor as the account's L1 owner; withdrawals and exits pay that owner (as Hermez
//! pays the Ethereum address held in the account). Public data carries no L1 address, so
//! a transfer stays at 13 bytes.
//!
//! # Data availability
//! In calldata mode the public data is calldata and is hashed by the SHA-256
//! precompile. In blob mode it travels in EIP-4844 blobs; the contract is charged the
//! point-evaluation precompile that real blob rollups use to bind a blob to the proof,
//! but — a simulation shortcut, said plainly — it reads the blob bytes to recompute the
//! commitment, which a real contract cannot do, and the circuit has no KZG opening.

use std::collections::BTreeSet;

use ark_bn254::Bn254;
use ark_groth16::{Proof, VerifyingKey};
use ledger::state::commitment_preimage;
use ledger::tree::{AccountTree, MerkleProof, TreeShape};
use ledger::tx::{PublicDataSlot, PUBDATA_SLOT_BYTES};
use ledger::{Account, AccountIndex, ChainId, Fr, TxAmount};
use serde::{Deserialize, Serialize};

use l1_contract_sim::abi::{push_fr, push_selector, push_u64};
use l1_contract_sim::claims::Claims;
use l1_contract_sim::deposits::{DepositQueue, KeyCoordinates};
pub use l1_contract_sim::deposits::{QueuedDeposit, Registration};
use l1_contract_sim::gas;
use l1_contract_sim::gas::{poseidon_gas, DECODE_SLOT_GAS, KIND_SCAN_SLOT_GAS};
use l1_contract_sim::{Address, Contract, Env, Revert, Wei, GWEI};

/// Where a batch's public data travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataMode {
    /// In the transaction's calldata.
    Calldata,
    /// In EIP-4844 blobs.
    Blobs,
}

/// The contract's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZkRollupParams {
    /// The account tree the circuit proves.
    pub tree: TreeShape,
    /// Slots per batch.
    pub batch_size: usize,
    /// The chain id signatures name.
    pub chain_id: ChainId,
    /// How long a deposit may wait before anyone can trigger exodus (zkSync Lite: 14 days).
    pub priority_deadline_seconds: u64,
    /// Wei per L2 unit.
    pub wei_per_unit: Wei,
}

impl ZkRollupParams {
    /// zkSync Lite's priority deadline.
    pub const DEFAULT_PRIORITY_DEADLINE: u64 = 14 * 24 * 3600;

    /// Parameters with the defaults: 14-day deadline, one gwei per unit.
    pub fn new(tree: TreeShape, batch_size: usize, chain_id: ChainId) -> Self {
        ZkRollupParams {
            tree,
            batch_size,
            chain_id,
            priority_deadline_seconds: Self::DEFAULT_PRIORITY_DEADLINE,
            wei_per_unit: GWEI,
        }
    }
}

/// A batch the contract accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBatch {
    /// Sequence number, from 1.
    pub number: u64,
    /// The root after it.
    pub new_root: Fr,
    /// Its public input.
    pub commitment: Fr,
    /// The L1 block that accepted it.
    pub l1_block: u64,
    /// When.
    pub timestamp: u64,
    /// Non-padding transactions.
    pub txs: usize,
    /// Deposits processed.
    pub deposits: usize,
    /// Withdrawals credited.
    pub withdrawals: usize,
}

/// Calls of the zk-rollup contract.
#[derive(Debug, Clone)]
pub enum ZkCall {
    /// Deposit the call's value. `to: None` opens a new account for `public_key`, owned
    /// by the sender; `to: Some(i)` tops up account `i`, which must hold that key.
    Deposit {
        /// The account, or `None` for a new one.
        to: Option<AccountIndex>,
        /// The account's key, as coordinates the contract checks before queueing anything.
        public_key: KeyCoordinates,
    },
    /// Accept a proved batch.
    CommitBatch {
        /// The root after the batch.
        new_root: Fr,
        /// The batch's public data (`batch_size` slots).
        public_data: Vec<u8>,
        /// The Groth16 proof.
        proof: Proof<Bn254>,
        /// Where the public data travels.
        mode: DataMode,
    },
    /// Pay the sender what verified batches credited to it.
    Withdraw,
    /// Switch to exodus mode (anyone, once the oldest deposit is past the deadline).
    ActivateExodus,
    /// In exodus mode: pay out an account's balance in the last verified root, once.
    Exit {
        /// The account's index.
        index: AccountIndex,
        /// The account as it is in the last verified root.
        account: Account,
        /// Its path to that root.
        proof: MerkleProof,
    },
    /// In exodus mode: refund a deposit no batch processed.
    RefundDeposit {
        /// Its position in the queue.
        position: usize,
    },
}

/// What the contract emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZkEvent {
    /// A deposit joined the queue.
    DepositQueued {
        /// Position in the queue.
        position: usize,
        /// The account credited.
        to: AccountIndex,
        /// Units.
        amount: TxAmount,
    },
    /// A batch was accepted.
    BatchVerified {
        /// Its number.
        number: u64,
        /// Transactions in it.
        txs: usize,
    },
    /// A withdrawal became payable.
    WithdrawalCredited {
        /// To whom.
        owner: Address,
        /// Wei.
        amount: Wei,
    },
    /// Wei paid out by `Withdraw`.
    Withdrawn {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
    /// Exodus mode began.
    ExodusActivated,
    /// An account left in exodus mode.
    Exited {
        /// The account.
        index: AccountIndex,
        /// Wei paid to its owner.
        amount: Wei,
    },
    /// An unprocessed deposit was refunded.
    DepositRefunded {
        /// Its position.
        position: usize,
        /// Wei.
        amount: Wei,
    },
}

/// The contract's state.
#[derive(Debug, Clone)]
pub struct ZkRollup {
    address: Address,
    params: ZkRollupParams,
    vk: VerifyingKey<Bn254>,
    root: Fr,
    deposits: DepositQueue,
    processed: usize,
    claims: Claims,
    batches: Vec<VerifiedBatch>,
    exodus: bool,
    exited: BTreeSet<AccountIndex>,
    refunded: BTreeSet<usize>,
}

fn revert(why: impl Into<String>) -> Revert {
    Revert(why.into())
}

impl ZkRollup {
    /// A fresh rollup over an empty tree, verifying with `vk`.
    pub fn new(address: Address, params: ZkRollupParams, vk: VerifyingKey<Bn254>) -> Self {
        let root = AccountTree::new(params.tree).root();
        ZkRollup {
            address,
            params,
            vk,
            root,
            deposits: DepositQueue::default(),
            processed: 0,
            claims: Claims::default(),
            batches: Vec::new(),
            exodus: false,
            exited: BTreeSet::new(),
            refunded: BTreeSet::new(),
        }
    }

    /// Parameters.
    pub fn params(&self) -> &ZkRollupParams {
        &self.params
    }

    /// The last verified root.
    pub fn root(&self) -> Fr {
        self.root
    }

    /// Deposits not yet processed by a batch, oldest first.
    pub fn pending_deposits(&self) -> &[QueuedDeposit] {
        &self.deposits.queued()[self.processed..]
    }

    /// Every deposit ever queued, processed or not.
    pub fn queued_deposits(&self) -> &[QueuedDeposit] {
        self.deposits.queued()
    }

    /// Deposits processed so far.
    pub fn processed_deposits(&self) -> usize {
        self.processed
    }

    /// Accepted batches.
    pub fn batches(&self) -> &[VerifiedBatch] {
        &self.batches
    }

    /// What `owner` can withdraw now, in wei.
    pub fn claimable(&self, owner: Address) -> Wei {
        self.claims.of(owner)
    }

    /// Whether exodus mode is on.
    pub fn in_exodus(&self) -> bool {
        self.exodus
    }

    /// The L1 owner of an account.
    pub fn owner(&self, index: AccountIndex) -> Option<Address> {
        self.deposits.registration(index).map(|r| r.owner)
    }

    /// The calldata a call carries (a 4-byte selector and 32-byte words, as the ABI
    /// would lay them out), so that calldata gas is priced from real bytes.
    pub fn calldata(&self, call: &ZkCall) -> Vec<u8> {
        let mut out = Vec::new();
        match call {
            ZkCall::Deposit { to, public_key } => {
                push_selector(&mut out, 0x01);
                push_u64(&mut out, to.map_or(u64::MAX, |i| u64::from(i.value())));
                push_fr(&mut out, &public_key.x);
                push_fr(&mut out, &public_key.y);
            }
            ZkCall::CommitBatch { new_root, public_data, proof, mode } => {
                push_selector(&mut out, 0x02);
                push_fr(&mut out, new_root);
                out.extend_from_slice(&proof_words(proof));
                match mode {
                    DataMode::Calldata => {
                        push_u64(&mut out, 32 * 11); // offset of the bytes argument
                        push_u64(&mut out, public_data.len() as u64);
                        out.extend_from_slice(public_data);
                        out.resize(out.len() + (32 - public_data.len() % 32) % 32, 0);
                    }
                    DataMode::Blobs => {
                        // Versioned hash, KZG commitment and proof for the point evaluation.
                        out.extend_from_slice(&[0x01; 32]);
                        out.extend_from_slice(&[0xc0; 48]);
                        out.extend_from_slice(&[0xc0; 48]);
                    }
                }
            }
            ZkCall::Withdraw => push_selector(&mut out, 0x03),
            ZkCall::ActivateExodus => push_selector(&mut out, 0x04),
            ZkCall::Exit { index, account, proof } => {
                push_selector(&mut out, 0x05);
                push_u64(&mut out, u64::from(index.value()));
                push_fr(&mut out, &account.public_key.x());
                push_fr(&mut out, &account.public_key.y());
                push_fr(&mut out, &account.packed_balance_nonce());
                for level in &proof.siblings {
                    for s in level {
                        push_fr(&mut out, s);
                    }
                }
            }
            ZkCall::RefundDeposit { position } => {
                push_selector(&mut out, 0x06);
                push_u64(&mut out, *position as u64);
            }
        }
        out
    }

    /// The blobs a call carries (the public data, in blob mode).
    pub fn blobs(&self, call: &ZkCall) -> Vec<Vec<u8>> {
        match call {
            ZkCall::CommitBatch { public_data, mode: DataMode::Blobs, .. } => {
                public_data.chunks(l1_contract_sim::fees::USABLE_BYTES_PER_BLOB).map(<[u8]>::to_vec).collect()
            }
            _ => Vec::new(),
        }
    }

    fn deposit(
        &mut self,
        env: &mut Env<'_>,
        to: Option<AccountIndex>,
        public_key: KeyCoordinates,
    ) -> Result<Vec<ZkEvent>, Revert> {
        if self.exodus {
            return Err(revert("exodus mode: deposits are closed"));
        }
        let (position, deposit) =
            self.deposits.deposit(env, self.params.tree, self.params.wei_per_unit, to, public_key)?;
        Ok(vec![ZkEvent::DepositQueued { position, to: deposit.to, amount: deposit.amount }])
    }

    fn commit_batch(
        &mut self,
        env: &mut Env<'_>,
        new_root: Fr,
        public_data: &[u8],
        proof: &Proof<Bn254>,
        mode: DataMode,
        check: ProofCheck,
    ) -> Result<Vec<ZkEvent>, Revert> {
        if self.exodus {
            return Err(revert("exodus mode: batches are refused"));
        }
        let expected_len = self.params.batch_size * PUBDATA_SLOT_BYTES;
        if public_data.len() != expected_len {
            return Err(revert(format!("public data is {} bytes, a batch is {expected_len}", public_data.len())));
        }
        // The batch count and the deposits processed share one slot (two 64-bit counters).
        env.charge("read root and counters", 2 * gas::SLOAD_COLD);
        let slots = PublicDataSlot::decode_all(public_data).map_err(|e| revert(e.to_string()))?;
        // Transfers and no-ops need no L1 action: one OR over the slots' first words tells whether any
        // slot is a deposit or a withdrawal (kind 2 or 3, the first bit set); only then is every slot decoded.
        env.charge("scan for deposits and withdrawals", KIND_SCAN_SLOT_GAS * slots.len() as u64);
        if public_data.chunks(PUBDATA_SLOT_BYTES).any(|slot| slot[0] & 0x80 != 0) {
            env.charge("decode public data", DECODE_SLOT_GAS * slots.len() as u64);
        }

        // Deposits must be the next ones in the queue, in order.
        let mut deposits = 0usize;
        let mut withdrawals: Vec<(AccountIndex, TxAmount)> = Vec::new();
        let mut txs = 0usize;
        for slot in &slots {
            match *slot {
                PublicDataSlot::Noop => continue,
                PublicDataSlot::Deposit { to, amount } => {
                    env.charge("read queued deposit", gas::SLOAD_COLD);
                    let position = self.processed + deposits;
                    let queued = self.deposits.queued().get(position).map(|q| &q.deposit);
                    if let Err(e) = ledger::step::match_queued(to, amount, queued, position as u64) {
                        return Err(revert(format!("the batch's deposits are not the queue's next ones: {e}")));
                    }
                    deposits += 1;
                }
                PublicDataSlot::Withdrawal { from, amount } => withdrawals.push((from, amount)),
                PublicDataSlot::Transfer { .. } => {}
            }
            txs += 1;
        }
        let chain_before = self.deposits.chain_head(self.processed).expect("processed deposits are queued");
        let chain_after = self.deposits.chain_head(self.processed + deposits).expect("checked against the queue above");

        let preimage = commitment_preimage(self.root, new_root, chain_before, chain_after, public_data);
        match mode {
            DataMode::Calldata => env.charge("SHA-256 of the commitment preimage", gas::sha256_gas(preimage.len())),
            DataMode::Blobs => {
                if env.blob_count() == 0 {
                    return Err(revert("blob mode without blobs"));
                }
                env.charge("point evaluation, per blob", gas::POINT_EVALUATION * env.blob_count() as u64);
                let header = commitment_preimage(self.root, new_root, chain_before, chain_after, &[]);
                env.charge(
                    "SHA-256 of the header and blob hashes",
                    gas::sha256_gas(header.len() + 32 * env.blob_count()),
                );
            }
        }
        let commitment = ledger::state::batch_commitment(self.root, new_root, chain_before, chain_after, public_data);
        env.charge("Groth16 verification (verifier contract)", gas::groth16_verify_gas(1));
        if check == ProofCheck::Verify {
            verifier::verify(&self.vk, &[commitment], proof).map_err(|e| revert(format!("proof rejected: {e}")))?;
        }

        env.charge("store new root and counters", 2 * gas::SSTORE_RESET);
        let mut events = Vec::new();
        for (from, amount) in &withdrawals {
            env.charge("read account owner", gas::SLOAD_COLD);
            let owner = self
                .deposits
                .registration(*from)
                .map(|r| r.owner)
                .ok_or_else(|| revert("a withdrawal from an account with no owner"))?;
            let wei = u128::from(amount.units()) * self.params.wei_per_unit;
            self.claims.credit(env, "credit withdrawal", owner, wei);
            events.push(ZkEvent::WithdrawalCredited { owner, amount: wei });
        }
        env.charge("emit BatchVerified", gas::log_gas(2, 64));
        self.root = new_root;
        self.processed += deposits;
        let number = self.batches.len() as u64 + 1;
        self.batches.push(VerifiedBatch {
            number,
            new_root,
            commitment,
            l1_block: env.block().number,
            timestamp: env.block().timestamp,
            txs,
            deposits,
            withdrawals: withdrawals.len(),
        });
        events.insert(0, ZkEvent::BatchVerified { number, txs });
        Ok(events)
    }

    fn withdraw(&mut self, env: &mut Env<'_>) -> Result<Vec<ZkEvent>, Revert> {
        let amount = self.claims.withdraw(env)?;
        Ok(vec![ZkEvent::Withdrawn { to: env.sender(), amount }])
    }

    fn activate_exodus(&mut self, env: &mut Env<'_>) -> Result<Vec<ZkEvent>, Revert> {
        if self.exodus {
            return Err(revert("already in exodus mode"));
        }
        env.charge("read oldest pending deposit", gas::SLOAD_COLD);
        let Some(oldest) = self.deposits.queued().get(self.processed) else {
            return Err(revert("no deposit is waiting"));
        };
        if env.block().timestamp <= oldest.queued_at + self.params.priority_deadline_seconds {
            return Err(revert("the oldest deposit is not past the priority deadline"));
        }
        env.charge("set exodus flag", gas::SSTORE_RESET);
        self.exodus = true;
        Ok(vec![ZkEvent::ExodusActivated])
    }

    fn exit(
        &mut self,
        env: &mut Env<'_>,
        index: AccountIndex,
        account: &Account,
        proof: &MerkleProof,
    ) -> Result<Vec<ZkEvent>, Revert> {
        if !self.exodus {
            return Err(revert("exits need exodus mode"));
        }
        env.charge("read exited flag", gas::SLOAD_COLD);
        if self.exited.contains(&index) {
            return Err(revert("this account has exited already"));
        }
        if proof.index != index {
            return Err(revert("the proof is for another account"));
        }
        let levels = self.params.tree.levels() as u64;
        env.charge("hash the leaf (Poseidon, 3 inputs)", poseidon_gas(3));
        env.charge("hash the path (Poseidon per level)", levels * poseidon_gas(self.params.tree.arity().children()));
        if !proof.verify(self.params.tree, self.root, account.leaf_hash()) {
            return Err(revert("the account is not in the last verified root"));
        }
        let owner =
            self.deposits.registration(index).map(|r| r.owner).ok_or_else(|| revert("the account has no L1 owner"))?;
        env.charge("set exited flag", gas::SSTORE_SET);
        self.exited.insert(index);
        let amount = u128::from(account.balance.units()) * self.params.wei_per_unit;
        if amount > 0 {
            env.pay(owner, amount)?;
        }
        Ok(vec![ZkEvent::Exited { index, amount }])
    }

    fn refund_deposit(&mut self, env: &mut Env<'_>, position: usize) -> Result<Vec<ZkEvent>, Revert> {
        if !self.exodus {
            return Err(revert("refunds need exodus mode"));
        }
        env.charge("read deposit and refund flag", 2 * gas::SLOAD_COLD);
        if position < self.processed || position >= self.deposits.queued().len() {
            return Err(revert("no unprocessed deposit at that position"));
        }
        if !self.refunded.insert(position) {
            return Err(revert("this deposit was refunded already"));
        }
        env.charge("set refund flag", gas::SSTORE_SET);
        let queued = &self.deposits.queued()[position];
        let amount = u128::from(queued.deposit.amount.units()) * self.params.wei_per_unit;
        env.pay(queued.depositor, amount)?;
        Ok(vec![ZkEvent::DepositRefunded { position, amount }])
    }
}

/// Whether `commit_batch` runs the pairing check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProofCheck {
    /// Always, in the contract.
    Verify,
    /// Only inside [`CommitGasProbe`].
    AssumeValid,
}

/// A copy of a rollup contract whose `CommitBatch` runs the same code and charges the
/// same gas but skips the pairing check's outcome (its gas is still charged): it prices
/// batches too large to prove here, from their real public data. Every other call
/// behaves as the contract. Never a stand-in for the contract itself.
#[derive(Debug, Clone)]
pub struct CommitGasProbe(pub ZkRollup);

impl Contract for CommitGasProbe {
    type Call = ZkCall;
    type Event = ZkEvent;

    fn address(&self) -> Address {
        self.0.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: ZkCall) -> Result<Vec<ZkEvent>, Revert> {
        match call {
            ZkCall::CommitBatch { new_root, public_data, proof, mode } => {
                self.0.commit_batch(env, new_root, &public_data, &proof, mode, ProofCheck::AssumeValid)
            }
            other => self.0.execute(env, other),
        }
    }
}

/// The proof as the EVM verifier takes it: A (64 bytes), B (128), C (64), uncompressed.
fn proof_words(proof: &Proof<Bn254>) -> Vec<u8> {
    use ark_ec::AffineRepr;
    use ark_ff::{BigInteger, PrimeField};
    let mut out = Vec::with_capacity(256);
    let mut push = |x: ark_bn254::Fq| out.extend_from_slice(&x.into_bigint().to_bytes_be());
    let (ax, ay) = proof.a.xy().unwrap_or_default();
    push(ax);
    push(ay);
    let (bx, by) = proof.b.xy().unwrap_or_default();
    // EIP-197 order: imaginary part first.
    push(bx.c1);
    push(bx.c0);
    push(by.c1);
    push(by.c0);
    let (cx, cy) = proof.c.xy().unwrap_or_default();
    push(cx);
    push(cy);
    out
}

impl Contract for ZkRollup {
    type Call = ZkCall;
    type Event = ZkEvent;

    fn address(&self) -> Address {
        self.address
    }

    fn execute(&mut self, env: &mut Env<'_>, call: ZkCall) -> Result<Vec<ZkEvent>, Revert> {
        match call {
            ZkCall::Deposit { to, public_key } => self.deposit(env, to, public_key),
            ZkCall::CommitBatch { new_root, public_data, proof, mode } => {
                self.commit_batch(env, new_root, &public_data, &proof, mode, ProofCheck::Verify)
            }
            ZkCall::Withdraw => self.withdraw(env),
            ZkCall::ActivateExodus => self.activate_exodus(env),
            ZkCall::Exit { index, account, proof } => self.exit(env, index, &account, &proof),
            ZkCall::RefundDeposit { position } => self.refund_deposit(env, position),
        }
    }
}
