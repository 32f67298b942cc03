//! End-to-end zk-rollup scenarios on the simulated L1: users deposit, transact and
//! withdraw; the operator proves batches for real and the contract verifies them;
//! and the exodus scenario, where the operator stops serving users and every one of
//! them still gets out. Every figure in a report comes from running the scenario.

use ark_std::rand::{CryptoRng, RngCore};
use circuits::BatchShape;
use l1_contract_sim::{Address, Chain, ChainConfig, Wei, ETHER};
use ledger::tx::PublicDataSlot;
use ledger::workload::{random_transactions, Mix, Plan};
use ledger::{AccountIndex, Arity, ChainId, SecretKey, State, Transaction, TreeShape};
use serde::{Deserialize, Serialize};

use prover::{setup, Progress, Prover, ProverError, SetupKind};

use crate::contract::{DataMode, ZkCall, ZkEvent, ZkRollup, ZkRollupParams};
use crate::error::{Result, ZkRollupError};
use crate::operator::{send, CommittedBatch, Operator};

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZkScenario {
    /// Users, each with an L1 address and an L2 account.
    pub accounts: u32,
    /// L2 transactions (transfers and withdrawals) after the deposits.
    pub txs: usize,
    /// Slots per batch.
    pub batch_size: usize,
    /// Account-tree depth in bits.
    pub depth: u32,
    /// Account-tree arity.
    pub arity: Arity,
    /// Where public data goes.
    pub mode: DataMode,
    /// Seed for keys, workload and the (insecure, development) setup.
    pub seed: u64,
    /// Share of withdrawals among the L2 transactions.
    pub withdrawal_share: f64,
    /// Seconds between two L2 transactions arriving.
    pub seconds_between_txs: u64,
    /// Wei each user deposits.
    pub deposit_wei: Wei,
}

impl Default for ZkScenario {
    fn default() -> Self {
        ZkScenario {
            accounts: 4,
            txs: 8,
            batch_size: 4,
            depth: 8,
            arity: Arity::Quaternary,
            mode: DataMode::Calldata,
            seed: 1,
            withdrawal_share: 0.25,
            seconds_between_txs: 1,
            deposit_wei: ETHER,
        }
    }
}

impl ZkScenario {
    /// The circuit shape the scenario proves.
    pub fn shape(&self) -> Result<BatchShape> {
        let tree = TreeShape::new(self.depth, self.arity)?;
        Ok(BatchShape::new(tree, self.batch_size, ChainId::DEFAULT)?)
    }
}

pub use ledger::stats::Spread;

/// What a zk scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZkReport {
    /// The scenario.
    pub scenario: ZkScenario,
    /// Constraints of the batch circuit.
    pub constraints: usize,
    /// Setup seconds (0 when keys were given).
    pub setup_seconds: f64,
    /// Batches committed.
    pub batches: usize,
    /// L2 transactions in them (deposits, transfers, withdrawals; padding excluded).
    pub txs: usize,
    /// Deposits processed.
    pub deposits: usize,
    /// Withdrawals processed.
    pub withdrawals: usize,
    /// Seconds spent proving, all batches.
    pub prove_seconds: f64,
    /// Seconds per batch (median and max).
    pub prove_seconds_per_batch: Spread,
    /// Threads the prover used.
    pub threads: usize,
    /// L1 gas of every commit transaction.
    pub l1_gas_total: u64,
    /// `l1_gas_total` per L2 transaction.
    pub l1_gas_per_tx: f64,
    /// Calldata bytes of every commit transaction, as sent (the contract's encoding of each commit call).
    #[serde(default)]
    pub l1_calldata_bytes: usize,
    /// Blob payload bytes of every commit transaction, as sent (0 in calldata mode).
    #[serde(default)]
    pub l1_blob_bytes: usize,
    /// Blob gas of every commit transaction, from the receipts (0 in calldata mode).
    #[serde(default)]
    pub l1_blob_gas_total: u64,
    /// Mean L1 gas of a deposit transaction.
    pub deposit_gas: f64,
    /// Mean L1 gas of a withdraw transaction.
    pub withdraw_gas: f64,
    /// From acceptance by the operator to inclusion of the batch on L1.
    pub inclusion_seconds: Spread,
    /// From acceptance to L1 finality of the batch (what "final" means for a zk rollup).
    pub finality_seconds: Spread,
    /// From a withdrawal's acceptance to its ETH arriving on L1.
    pub withdrawal_latency_seconds: Spread,
    /// Wei funded at genesis, and wei accounted for at the end (balances, contract, fees).
    pub eth_funded: Wei,
    /// Sum of every L1 balance plus burned fees at the end.
    pub eth_accounted: Wei,
    /// The contract's wei equals the L2 balances plus unclaimed withdrawals, exactly.
    pub contract_backs_l2: bool,
    /// The final L2 root, as the contract holds it.
    pub final_root: String,
}

fn user_address(i: u32) -> Address {
    Address::from_label(&format!("user-{i}"))
}

/// The world of a scenario: chain, contract, operator, users.
struct World {
    chain: Chain,
    contract: ZkRollup,
    operator: Operator,
    keys: Vec<SecretKey>,
    funded: Wei,
    committed: Vec<CommittedBatch>,
    deposit_gas: Vec<u64>,
    /// Withdraw calls: (latency from acceptance, gas).
    withdrawals_paid: Vec<(f64, u64)>,
}

/// The scenario's users and transactions, from its seed alone: the same plan any other
/// design gets for the same seed (see [`Plan`]), whatever the prover's randomness does.
pub fn zk_plan(s: &ZkScenario, count: usize, mix: Mix) -> Result<Plan> {
    let shape = s.shape()?;
    let units = u64::try_from(s.deposit_wei / l1_contract_sim::GWEI).unwrap_or(u64::MAX);
    let units = ledger::TxAmount::new(units)?;
    Plan::generate(shape.tree, shape.chain_id, s.accounts, units, count, mix, &mut scenario_rng(s.seed))
        .map_err(ZkRollupError::from)
}

fn build_world(s: &ZkScenario, prover: Prover, keys: Vec<SecretKey>) -> Result<World> {
    let shape = prover.shape();
    let mut chain = Chain::new(ChainConfig::default());
    let params = ZkRollupParams::new(shape.tree, shape.batch_size, shape.chain_id);
    let mut contract = ZkRollup::new(Address::from_label("zk-rollup"), params, prover.keys().pk.vk.clone());
    let operator_address = Address::from_label("operator");
    let mut funded = 0;
    for who in std::iter::once(operator_address).chain((0..s.accounts).map(user_address)) {
        chain.fund(who, 100 * ETHER);
        funded += 100 * ETHER;
    }
    let mut deposit_gas = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let call = ZkCall::Deposit { to: None, public_key: key.public_key().into() };
        let receipt = send(&mut chain, &mut contract, user_address(i as u32), s.deposit_wei, call)?;
        if let Err(revert) = receipt.outcome {
            return Err(ZkRollupError::refused("a deposit", revert.clone()));
        }
        deposit_gas.push(receipt.gas_used);
    }
    let operator = Operator::new(prover, operator_address, s.mode);
    Ok(World {
        chain,
        contract,
        operator,
        keys,
        funded,
        committed: Vec::new(),
        deposit_gas,
        withdrawals_paid: Vec::new(),
    })
}

fn make_prover<R: RngCore + CryptoRng>(
    s: &ZkScenario,
    prover: Option<Prover>,
    rng: &mut R,
    progress: &mut dyn Progress,
) -> Result<(Prover, f64)> {
    match prover {
        Some(p) if p.shape() == s.shape()? => Ok((p, 0.0)),
        Some(p) => Err(ProverError::ShapeMismatch {
            expected: p.keys().meta.shape_hash.clone(),
            got: "-".into(),
            detail: format!("the scenario needs {:?}, the keys prove {:?}", s.shape()?, p.shape()),
        }
        .into()),
        None => {
            let keys = setup(s.shape()?, SetupKind::InsecureSeeded(s.seed), rng, progress)?;
            let seconds = keys.meta.setup_seconds;
            Ok((Prover::new(keys), seconds))
        }
    }
}

/// Runs the zk scenario: deposits, L2 transactions, batches proved and verified,
/// withdrawals paid, until every batch is final. `prover`: keys to reuse (their
/// shape must match), or `None` for a seeded development setup.
pub fn run_zk<R: RngCore + CryptoRng>(
    s: &ZkScenario,
    prover: Option<Prover>,
    rng: &mut R,
    progress: &mut dyn Progress,
) -> Result<ZkReport> {
    let (prover, setup_seconds) = make_prover(s, prover, rng, progress)?;
    let constraints = prover.keys().meta.size.constraints;
    let plan = zk_plan(s, s.txs, Mix { withdrawal_share: s.withdrawal_share })?;
    let mut w = build_world(s, prover, plan.keys)?;

    // Deposits first: the operator batches the queue.
    while let Some(batch) = w.operator.commit_next(&mut w.chain, &mut w.contract, rng, progress)? {
        w.committed.push(batch);
    }

    // L2 transactions arrive one by one; a full mempool makes a batch.
    for tx in plan.txs {
        let arrival = w.chain.now() + s.seconds_between_txs;
        w.chain.advance_to_timestamp(arrival);
        w.operator.accept(tx, w.chain.now())?;
        if w.operator.mempool_len() >= s.batch_size {
            if let Some(batch) = w.operator.commit_next(&mut w.chain, &mut w.contract, rng, progress)? {
                withdraw_for(&mut w, &batch)?;
                w.committed.push(batch);
            }
        }
    }
    while let Some(batch) = w.operator.commit_next(&mut w.chain, &mut w.contract, rng, progress)? {
        withdraw_for(&mut w, &batch)?;
        w.committed.push(batch);
    }
    report(s, w, constraints, setup_seconds)
}

/// Withdrawal latencies, recorded as the owners claim right after the batch lands.
fn withdraw_for(w: &mut World, batch: &CommittedBatch) -> Result<()> {
    for accepted in &batch.txs {
        if let Transaction::Withdrawal(wd) = accepted.tx {
            let owner = w.contract.owner(wd.from).ok_or(ZkRollupError::Unowned(wd.from))?;
            if w.contract.claimable(owner) == 0 {
                continue; // claimed together with an earlier withdrawal of the same batch
            }
            let receipt = send(&mut w.chain, &mut w.contract, owner, 0, ZkCall::Withdraw)?;
            if let Err(revert) = &receipt.outcome {
                return Err(ZkRollupError::refused("a withdrawal", revert.clone()));
            }
            w.withdrawals_paid.push((receipt.timestamp.saturating_sub(accepted.accepted_at) as f64, receipt.gas_used));
        }
    }
    Ok(())
}

fn report(s: &ZkScenario, mut w: World, constraints: usize, setup_seconds: f64) -> Result<ZkReport> {
    let last_final = w.committed.iter().map(|b| b.final_at).max().unwrap_or(0);
    w.chain.advance_to_timestamp(last_final);
    let withdrawals_paid = std::mem::take(&mut w.withdrawals_paid);
    let mut inclusion = Vec::new();
    let mut finality = Vec::new();
    let (mut txs, mut deposits, mut withdrawals) = (0, 0, 0);
    let mut prove = Vec::new();
    let mut gas_total = 0;
    let (mut calldata_bytes, mut blob_bytes, mut blob_gas) = (0, 0, 0);
    for batch in &w.committed {
        prove.push(batch.proof.timings.total_seconds());
        gas_total += batch.receipt.gas_used;
        blob_gas += batch.receipt.blob_gas;
        // The call the operator sent, encoded again by the same contract code: the bytes that went to L1.
        let call = ZkCall::CommitBatch {
            new_root: batch.record.new_root,
            public_data: batch.record.public_data(),
            proof: batch.proof.proof.clone(),
            mode: s.mode,
        };
        calldata_bytes += w.contract.calldata(&call).len();
        blob_bytes += w.contract.blobs(&call).iter().map(Vec::len).sum::<usize>();
        for a in &batch.txs {
            txs += 1;
            match a.tx {
                Transaction::Deposit(_) => deposits += 1,
                Transaction::Withdrawal(_) => withdrawals += 1,
                Transaction::Transfer(_) => {}
            }
            inclusion.push(batch.receipt.timestamp.saturating_sub(a.accepted_at) as f64);
            finality.push(batch.final_at.saturating_sub(a.accepted_at) as f64);
        }
    }
    let accounted = w.chain.total_supply_tracked();
    let l2_wei: Wei = w.operator.state().total_balance() * w.contract.params().wei_per_unit;
    let unclaimed: Wei = (0..s.accounts).map(|i| w.contract.claimable(user_address(i))).sum();
    let pending: Wei = w
        .contract
        .pending_deposits()
        .iter()
        .map(|q| u128::from(q.deposit.amount.units()) * w.contract.params().wei_per_unit)
        .sum();
    let contract_backs_l2 = w.chain.balance(w.contract_address()) == l2_wei + unclaimed + pending;
    let mean = |v: &[u64]| if v.is_empty() { 0.0 } else { v.iter().sum::<u64>() as f64 / v.len() as f64 };
    let withdraw_gas: Vec<u64> = withdrawals_paid.iter().map(|(_, g)| *g).collect();
    let latencies: Vec<f64> = withdrawals_paid.iter().map(|(l, _)| *l).collect();
    Ok(ZkReport {
        scenario: s.clone(),
        constraints,
        setup_seconds,
        batches: w.committed.len(),
        txs,
        deposits,
        withdrawals,
        prove_seconds: prove.iter().sum(),
        prove_seconds_per_batch: Spread::of(&prove),
        threads: rayon::current_num_threads(),
        l1_gas_total: gas_total,
        l1_gas_per_tx: if txs == 0 { 0.0 } else { gas_total as f64 / txs as f64 },
        l1_calldata_bytes: calldata_bytes,
        l1_blob_bytes: blob_bytes,
        l1_blob_gas_total: blob_gas,
        deposit_gas: mean(&w.deposit_gas),
        withdraw_gas: mean(&withdraw_gas),
        inclusion_seconds: Spread::of(&inclusion),
        finality_seconds: Spread::of(&finality),
        withdrawal_latency_seconds: Spread::of(&latencies),
        eth_funded: w.funded,
        eth_accounted: accounted,
        contract_backs_l2,
        final_root: ledger::field::fr_to_decimal(&w.contract.root()),
    })
}

impl World {
    fn contract_address(&self) -> Address {
        use l1_contract_sim::Contract;
        self.contract.address()
    }
}

/// What the exodus scenario showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExodusReport {
    /// Users.
    pub accounts: u32,
    /// Batches verified before the operator went silent.
    pub batches_before_censorship: usize,
    /// Deposits the operator left in the queue.
    pub censored_deposits: usize,
    /// Seconds from the oldest censored deposit to exodus mode.
    pub seconds_to_exodus: u64,
    /// Seconds from the oldest censored deposit until the last exit or refund is final on L1: how long the
    /// censored users waited for their ETH, measured on the run's own timeline.
    #[serde(default)]
    pub seconds_until_everyone_out_final: u64,
    /// Accounts that exited with a Merkle proof of their balance.
    pub exits: usize,
    /// Deposits refunded from the queue.
    pub refunds: usize,
    /// Whether a second exit of the same account was refused.
    pub double_exit_refused: bool,
    /// Whether a batch after exodus was refused.
    pub batch_after_exodus_refused: bool,
    /// Mean L1 gas of one exit (a Poseidon Merkle proof checked on L1).
    pub exit_gas: f64,
    /// Wei the users got back through exits and refunds.
    pub wei_returned: Wei,
    /// Wei left in the contract at the end (0: everyone got out).
    pub wei_left_in_contract: Wei,
    /// The L2 state the users rebuilt from L1 data had the contract's root.
    pub reconstructed_root_matches: bool,
}

/// Rebuilds the L2 state from what L1 holds: the public data of every verified batch
/// and the keys of the queued deposits it processed.
pub fn reconstruct(shape: &BatchShape, contract: &ZkRollup, public_data: &[Vec<u8>]) -> Result<State> {
    let mut state = State::new(shape.tree, shape.chain_id);
    let queue = contract.queued_deposits();
    let mut next_deposit = 0usize;
    for data in public_data {
        for slot in PublicDataSlot::decode_all(data)? {
            let key = match slot {
                PublicDataSlot::Deposit { .. } => {
                    let queued = queue.get(next_deposit).ok_or(ZkRollupError::UnknownDeposit(next_deposit))?;
                    next_deposit += 1;
                    Some(queued.deposit.public_key)
                }
                _ => None,
            };
            state.replay(&slot, key)?;
        }
    }
    Ok(state)
}

/// The operator serves one round of deposits and transactions, then censors: it
/// ignores new deposits and stops committing. After the priority deadline a user
/// triggers exodus; every user rebuilds the state from L1 data and exits once; the
/// censored deposits are refunded.
pub fn run_exodus<R: RngCore + CryptoRng>(
    s: &ZkScenario,
    prover: Option<Prover>,
    rng: &mut R,
    progress: &mut dyn Progress,
) -> Result<ExodusReport> {
    let (prover, _) = make_prover(s, prover, rng, progress)?;
    let shape = prover.shape();
    let plan = zk_plan(s, s.txs.min(s.batch_size), Mix { withdrawal_share: 0.0 })?;
    let mut w = build_world(s, prover, plan.keys)?;
    while let Some(batch) = w.operator.commit_next(&mut w.chain, &mut w.contract, rng, progress)? {
        w.committed.push(batch);
    }
    for tx in plan.txs {
        w.operator.accept(tx, w.chain.now())?;
    }
    if let Some(batch) = w.operator.commit_next(&mut w.chain, &mut w.contract, rng, progress)? {
        w.committed.push(batch);
    }
    let batches_before = w.committed.len();

    // The operator goes silent; users keep depositing, and nobody processes it.
    let censored = s.accounts.min(2);
    let first_censored_at = w.chain.now();
    for i in 0..censored {
        let key = w.keys[i as usize].public_key();
        let call = ZkCall::Deposit { to: Some(AccountIndex::new(i)), public_key: key.into() };
        let value = w.contract.params().wei_per_unit * 1000;
        send(&mut w.chain, &mut w.contract, user_address(i), value, call)?;
    }
    // Too early: refused.
    let early = send(&mut w.chain, &mut w.contract, user_address(0), 0, ZkCall::ActivateExodus)?;
    if early.outcome.is_ok() {
        return Err(ZkRollupError::WronglyAllowed("exodus before the deadline"));
    }
    let deadline = first_censored_at + w.contract.params().priority_deadline_seconds + 1;
    w.chain.advance_to_timestamp(deadline);
    let activated = send(&mut w.chain, &mut w.contract, user_address(0), 0, ZkCall::ActivateExodus)?;
    if let Err(revert) = activated.outcome {
        return Err(ZkRollupError::refused("exodus after the deadline", revert.clone()));
    }
    let seconds_to_exodus = activated.timestamp - first_censored_at;

    // A batch now is refused, even a valid-looking one.
    let last = w.committed.last().cloned();
    let batch_after_exodus_refused = match last {
        Some(b) => {
            let call = ZkCall::CommitBatch {
                new_root: b.record.new_root,
                public_data: b.record.public_data(),
                proof: b.proof.proof,
                mode: s.mode,
            };
            send(&mut w.chain, &mut w.contract, Address::from_label("operator"), 0, call)?.outcome.is_err()
        }
        None => true,
    };

    // Every user rebuilds the state from L1 data and exits.
    let public_data: Vec<Vec<u8>> = w.committed.iter().map(|b| b.record.public_data()).collect();
    let state = reconstruct(&shape, &w.contract, &public_data)?;
    let reconstructed_root_matches = state.root() == w.contract.root();
    let mut wei_returned: Wei = 0;
    let mut exit_gas = Vec::new();
    let mut exits = 0;
    let mut last_out_slot = activated.slot;
    for i in 0..s.accounts {
        let index = AccountIndex::new(i);
        let Some(account) = state.account(index).copied() else { continue };
        let proof = state.proof(index)?;
        let receipt = send(&mut w.chain, &mut w.contract, user_address(i), 0, ZkCall::Exit { index, account, proof })?;
        match &receipt.outcome {
            Ok(events) => {
                wei_returned +=
                    events.iter().map(|e| if let ZkEvent::Exited { amount, .. } = e { *amount } else { 0 }).sum::<Wei>()
            }
            Err(revert) => return Err(ZkRollupError::refused(format!("the exit of account {i}"), revert.clone())),
        }
        exit_gas.push(receipt.gas_used);
        last_out_slot = last_out_slot.max(receipt.slot);
        exits += 1;
    }
    let again = {
        let index = AccountIndex::new(0);
        let account = *state.account(index).ok_or(ZkRollupError::MissingAccount(index))?;
        let proof = state.proof(index)?;
        send(&mut w.chain, &mut w.contract, user_address(0), 0, ZkCall::Exit { index, account, proof })?
    };
    let double_exit_refused = again.outcome.is_err();
    let mut refunds = 0;
    let first_pending = w.contract.processed_deposits();
    for position in first_pending..first_pending + w.contract.pending_deposits().len() {
        let depositor = w.contract.queued_deposits()[position].depositor;
        let receipt = send(&mut w.chain, &mut w.contract, depositor, 0, ZkCall::RefundDeposit { position })?;
        if let Ok(events) = &receipt.outcome {
            refunds += 1;
            last_out_slot = last_out_slot.max(receipt.slot);
            wei_returned += events
                .iter()
                .map(|e| if let ZkEvent::DepositRefunded { amount, .. } = e { *amount } else { 0 })
                .sum::<Wei>();
        }
    }
    let contract_address = w.contract_address();
    Ok(ExodusReport {
        accounts: s.accounts,
        batches_before_censorship: batches_before,
        censored_deposits: censored as usize,
        seconds_to_exodus,
        seconds_until_everyone_out_final: w.chain.finality_time(last_out_slot).saturating_sub(first_censored_at),
        exits,
        refunds,
        double_exit_refused,
        batch_after_exodus_refused,
        exit_gas: if exit_gas.is_empty() { 0.0 } else { exit_gas.iter().sum::<u64>() as f64 / exit_gas.len() as f64 },
        wei_returned,
        wei_left_in_contract: w.chain.balance(contract_address),
        reconstructed_root_matches,
    })
}

/// A seed for the simulation's rng from a scenario seed.
pub fn scenario_rng(seed: u64) -> rand_chacha::ChaCha20Rng {
    use ark_std::rand::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(seed)
}

/// The L1 cost of committing one batch of `batch_size` transfers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GasRow {
    /// Slots in the batch (all transfers).
    pub batch_size: usize,
    /// Where the public data went.
    pub mode: DataMode,
    /// Bytes of calldata of the commit transaction.
    pub calldata_bytes: usize,
    /// Blobs it carried.
    pub blobs: usize,
    /// Gas of the commit transaction (base, calldata or its EIP-7623 floor, execution).
    pub gas_used: u64,
    /// `gas_used` per transfer.
    pub gas_per_tx: f64,
    /// Blob gas per transfer (priced separately, at the blob base fee).
    pub blob_gas_per_tx: f64,
    /// Where the gas went.
    pub bill: Vec<(String, u64)>,
}

/// L1 gas per transfer for batches of each size, from real batches of signed transfers
/// applied by the ledger (so the public data has the byte mix of real indices and
/// amounts) and committed through the contract's own code. Large batches are not
/// proved: [`zk_rollup::contract::CommitGasProbe`] runs the commit with the pairing
/// check's gas charged but its outcome skipped. The accounts are the first
/// `clamp(largest batch, 2, 1024)` of the tree; [`population_gas_table`] draws them from
/// a population of any size.
pub fn gas_table<R: RngCore + CryptoRng>(
    depth: u32,
    batch_sizes: &[usize],
    mode: DataMode,
    rng: &mut R,
) -> Result<Vec<GasRow>> {
    let tree = TreeShape::new(depth, Arity::Quaternary)?;
    let largest = batch_sizes.iter().copied().max().unwrap_or(1);
    let accounts = (largest as u32).clamp(2, 1024);
    let (state, keys) = ledger::workload::genesis(tree, ChainId::DEFAULT, accounts, ledger::Amount::new(1 << 40), rng)?;
    let mut rows = Vec::with_capacity(batch_sizes.len());
    for &batch_size in batch_sizes {
        let txs = random_transactions(&state, &keys, batch_size, Mix { withdrawal_share: 0.0 }, rng)?;
        let record = state.clone().apply_batch(&txs, batch_size)?;
        rows.push(price_commit(tree, batch_size, record.new_root, record.public_data(), mode)?.row);
    }
    Ok(rows)
}

/// A proof whose 256 bytes of calldata look like a real one's (points of random-looking coordinates, so
/// nearly every byte is nonzero), for the probe, which charges the pairing check without running it. The
/// all-zero default proof would price the proof's calldata at 4 gas a byte instead of about 16.
pub fn typical_proof() -> ark_groth16::Proof<ark_bn254::Bn254> {
    use ark_ec::{AffineRepr, CurveGroup};
    let scalar = ark_bn254::Fr::from(0x5eed_1234_5678_9abc_u64);
    ark_groth16::Proof {
        a: (ark_bn254::G1Affine::generator() * scalar).into_affine(),
        b: (ark_bn254::G2Affine::generator() * scalar).into_affine(),
        c: (ark_bn254::G1Affine::generator() * (scalar + scalar)).into_affine(),
    }
}

/// A priced commit: its row, and its gas with and without the EIP-7623 floor.
struct PricedCommit {
    row: GasRow,
    /// `21,000 + calldata gas + execution gas`.
    standard_gas: u64,
    /// `21,000 + 10 · calldata tokens`.
    floor_gas: u64,
    /// `21,000 + calldata gas`.
    intrinsic_gas: u64,
}

/// Commits one batch through [`CommitGasProbe`](crate::contract::CommitGasProbe) on a fresh chain and
/// reads the receipt: what the contract charges for exactly these public-data bytes.
fn price_commit(
    tree: TreeShape,
    batch_size: usize,
    new_root: ledger::Fr,
    public_data: Vec<u8>,
    mode: DataMode,
) -> Result<PricedCommit> {
    use crate::contract::CommitGasProbe;
    use l1_contract_sim::TxRequest;
    let params = ZkRollupParams::new(tree, batch_size, ChainId::DEFAULT);
    let mut probe = CommitGasProbe(ZkRollup::new(Address::from_label("zk-rollup"), params, Default::default()));
    let mut chain = Chain::new(ChainConfig::default());
    let operator = Address::from_label("operator");
    chain.fund(operator, 100 * ETHER);
    let call = ZkCall::CommitBatch { new_root, public_data, proof: typical_proof(), mode };
    let calldata = probe.0.calldata(&call);
    let blobs = probe.0.blobs(&call);
    let (calldata_bytes, blob_count) = (calldata.len(), blobs.len());
    let (intrinsic_gas, floor_gas) =
        (l1_contract_sim::gas::intrinsic_gas(&calldata), l1_contract_sim::gas::floor_gas(&calldata));
    let request = TxRequest { from: operator, value: 0, calldata, blobs, call, priority_fee: l1_contract_sim::GWEI };
    let receipt = chain.transact(&mut probe, request)?;
    if let Err(revert) = &receipt.outcome {
        return Err(ZkRollupError::refused("the probe commit", revert.clone()));
    }
    let row = GasRow {
        batch_size,
        mode,
        calldata_bytes,
        blobs: blob_count,
        gas_used: receipt.gas_used,
        gas_per_tx: receipt.gas_used as f64 / batch_size as f64,
        blob_gas_per_tx: receipt.blob_gas as f64 / batch_size as f64,
        bill: receipt.bill.iter().map(|(label, gas)| (label.to_string(), *gas)).collect(),
    };
    Ok(PricedCommit {
        row,
        standard_gas: intrinsic_gas.saturating_add(receipt.execution_gas),
        floor_gas,
        intrinsic_gas,
    })
}

/// The smallest population [`population_gas_table`] draws from: a transfer needs a sender and a receiver.
pub const MIN_POPULATION: u64 = 2;

/// One row of [`population_gas_table`]: the commit of one batch whose accounts were drawn from a
/// population of `accounts`, with the byte mix of its public data and how its gas was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationGasRow {
    /// Accounts in the population the batch's indices were drawn from.
    pub accounts: u64,
    /// The commit's gas, as [`gas_table`] reports it.
    #[serde(flatten)]
    pub row: GasRow,
    /// Zero bytes of the batch's public data (4 gas each, 10 under the EIP-7623 floor, in calldata).
    pub public_data_zero_bytes: usize,
    /// Nonzero bytes of the batch's public data (16 gas each, 40 under the floor, in calldata).
    pub public_data_nonzero_bytes: usize,
    /// `21,000 + calldata gas + execution gas` of the commit: its gas without the floor.
    pub standard_gas: u64,
    /// The EIP-7623 floor of the commit's calldata: `21,000 + 10 · tokens`.
    pub floor_gas: u64,
    /// Whether the floor set the gas (`floor_gas > standard_gas`).
    pub floor_applies: bool,
    /// In calldata: the same batch with its indices packed to the bits it needs (a projection, computed
    /// from these bytes and this receipt).
    pub packed: Option<PackedIndices>,
}

/// What the same batch would cost in calldata with each account index packed to `index_bits` bits (the
/// bits the batch's largest index needs), records of `40 + 2 · index_bits` bits back to back after a
/// one-byte width. Computed from the batch's real public data and the commit's measured execution, not
/// run through the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackedIndices {
    /// Bits per index.
    pub index_bits: u32,
    /// Bytes of the commit's calldata with the packed data (same header, proof and ABI framing).
    pub calldata_bytes: usize,
    /// Gas of that commit if the contract unpacks the records into the 13-byte slots the circuit hashes
    /// (no circuit change): `max(21,000 + calldata gas + execution + UNPACK_SLOT_GAS · slots, floor)`.
    pub unpacked_by_contract_gas: u64,
    /// The EIP-7623 floor of the packed calldata: the least any commit of these bytes can cost, also if the
    /// circuit hashed the packed bytes themselves (a public-data format change) and nothing were unpacked.
    pub floor_gas: u64,
}

/// `public_data` (13-byte slots) with both indices of each slot cut to `index_bits` bits, records
/// back to back, after one byte holding `index_bits`.
/// Indices wider than `index_bits` lose their high bits: pass [`index_bits`] of the data.
pub fn pack_indices(public_data: &[u8], index_bits: u32) -> Vec<u8> {
    use ledger::tx::PUBDATA_SLOT_BYTES;
    let mut out = vec![index_bits as u8];
    let (mut acc, mut acc_bits) = (0u128, 0u32);
    let mut push = |value: u64, bits: u32, out: &mut Vec<u8>| {
        acc = (acc << bits) | u128::from(value & ((1u64 << bits) - 1));
        acc_bits += bits;
        while acc_bits >= 8 {
            acc_bits -= 8;
            out.push((acc >> acc_bits) as u8);
        }
        acc &= (1u128 << acc_bits) - 1;
    };
    for slot in public_data.chunks(PUBDATA_SLOT_BYTES) {
        let word = slot[..5].iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
        let a = slot[5..9].iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
        let b = slot[9..13].iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
        push(word, 40, &mut out);
        push(a, index_bits, &mut out);
        push(b, index_bits, &mut out);
    }
    if acc_bits > 0 {
        out.push((acc << (8 - acc_bits)) as u8);
    }
    out
}

/// Bits of the widest account index in `public_data` (at least 1).
pub fn index_bits(public_data: &[u8]) -> u32 {
    use ledger::tx::PUBDATA_SLOT_BYTES;
    let widest = public_data
        .chunks(PUBDATA_SLOT_BYTES)
        .flat_map(|slot| [&slot[5..9], &slot[9..13]])
        .map(|index| index.iter().fold(0u32, |w, &b| (w << 8) | u32::from(b)))
        .max()
        .unwrap_or(0);
    (32 - widest.leading_zeros()).max(1)
}

/// [`PackedIndices`] of a calldata commit of `public_data` whose receipt is `priced`.
fn packed_projection(
    tree: TreeShape,
    batch_size: usize,
    new_root: ledger::Fr,
    public_data: &[u8],
    priced: &PricedCommit,
) -> PackedIndices {
    use l1_contract_sim::gas;
    let bits = index_bits(public_data);
    let packed = pack_indices(public_data, bits);
    let params = ZkRollupParams::new(tree, batch_size, ChainId::DEFAULT);
    let contract = ZkRollup::new(Address::from_label("zk-rollup"), params, Default::default());
    let calldata = contract.calldata(&ZkCall::CommitBatch {
        new_root,
        public_data: packed,
        proof: typical_proof(),
        mode: DataMode::Calldata,
    });
    let execution = priced.standard_gas.saturating_sub(priced.intrinsic_gas);
    let unpack = gas::UNPACK_SLOT_GAS.saturating_mul(batch_size as u64);
    PackedIndices {
        index_bits: bits,
        calldata_bytes: calldata.len(),
        unpacked_by_contract_gas: gas::tx_gas_used(&calldata, execution.saturating_add(unpack)),
        floor_gas: gas::floor_gas(&calldata),
    }
}

/// Signed transfers among a population of `accounts` accounts, without an `accounts`-leaf tree: `count`
/// (sender, receiver) pairs are drawn uniformly from `0..accounts` (with replacement, as
/// [`random_transactions`] draws them), only the accounts they name are created (each with `2^40` units
/// and its own key), and each transfer moves up to a tenth of the sender's balance, signed with its
/// nonce and applied in order. The public data of a batch depends only on the indices and amounts, so
/// these are the bytes an operator serving `accounts` accounts would commit. Returns the state before
/// the transfers and the transfers.
///
/// # Errors
/// [`ZkRollupError::Population`] when `accounts` is below [`MIN_POPULATION`] or above the tree's
/// capacity; a ledger error if a transfer does not apply.
pub fn population_transfers<R: RngCore + CryptoRng>(
    tree: TreeShape,
    accounts: u64,
    count: usize,
    rng: &mut R,
) -> Result<(State, Vec<Transaction>)> {
    use ark_std::rand::Rng as _;
    use std::collections::BTreeMap;
    if !(MIN_POPULATION..=tree.capacity()).contains(&accounts) {
        return Err(ZkRollupError::Population { accounts, min: MIN_POPULATION, capacity: tree.capacity() });
    }
    let draw = |rng: &mut R| -> Result<AccountIndex> {
        let index = u32::try_from(rng.gen_range(0..accounts)).map_err(|_| ZkRollupError::Population {
            accounts,
            min: MIN_POPULATION,
            capacity: tree.capacity(),
        })?;
        Ok(AccountIndex::new(index))
    };
    let mut pairs = Vec::with_capacity(count);
    for _ in 0..count {
        let from = draw(rng)?;
        let to = draw(rng)?;
        pairs.push((from, to));
    }
    // Keys in order of first appearance, so the same seed gives the same keys.
    let mut keys: BTreeMap<AccountIndex, SecretKey> = BTreeMap::new();
    for &(from, to) in &pairs {
        for index in [from, to] {
            keys.entry(index).or_insert_with(|| SecretKey::random(rng));
        }
    }
    let balance = ledger::Amount::new(1 << 40);
    let state = State::with_accounts(
        tree,
        ChainId::DEFAULT,
        keys.iter().map(|(&index, key)| (index, ledger::Account::new(key.public_key(), balance))),
    )?;
    let mut scratch = state.clone();
    let mut txs = Vec::with_capacity(count);
    for (from, to) in pairs {
        let account = *scratch.account(from).ok_or(ZkRollupError::MissingAccount(from))?;
        // As `random_transactions`: up to a tenth of the balance, so accounts rarely run dry.
        let cap = (account.balance.units() / 10).clamp(1, ledger::tx::MAX_TX_AMOUNT);
        let amount = ledger::TxAmount::new(rng.gen_range(1..=cap))?;
        let key = keys.get(&from).ok_or(ZkRollupError::MissingAccount(from))?;
        let tx =
            Transaction::Transfer(ledger::Transfer::signed(from, to, amount, account.nonce, scratch.chain(), key)?);
        scratch.apply(&tx)?;
        txs.push(tx);
    }
    Ok((state, txs))
}

/// L1 gas per transfer of batches whose accounts are drawn from a population of `accounts`
/// ([`population_transfers`]), for each batch size and each mode in `modes`. The transfers of the
/// largest batch are made and applied once; a batch of `b` slots is its first `b` transfers (their
/// public data and the root after the `b`-th), so the sizes differ only in how many transfers share
/// the commit, and every mode prices the same bytes.
pub fn population_gas_table<R: RngCore + CryptoRng>(
    depth: u32,
    accounts: u64,
    batch_sizes: &[usize],
    modes: &[DataMode],
    rng: &mut R,
) -> Result<Vec<PopulationGasRow>> {
    use ledger::tx::PUBDATA_SLOT_BYTES;
    let tree = TreeShape::new(depth, Arity::Quaternary)?;
    let largest = batch_sizes.iter().copied().max().unwrap_or(0);
    let (mut state, txs) = population_transfers(tree, accounts, largest, rng)?;
    let record = state.apply_batch(&txs, largest)?;
    let public_data = record.public_data();
    let mut rows = Vec::with_capacity(batch_sizes.len() * modes.len());
    for &batch_size in batch_sizes {
        let Some(last) = batch_size.checked_sub(1).and_then(|i| record.txs.get(i)) else { continue };
        let data = public_data[..batch_size * PUBDATA_SLOT_BYTES].to_vec();
        let zero = data.iter().filter(|&&b| b == 0).count();
        for &mode in modes {
            let priced = price_commit(tree, batch_size, last.root_after, data.clone(), mode)?;
            let packed = (mode == DataMode::Calldata)
                .then(|| packed_projection(tree, batch_size, last.root_after, &data, &priced));
            let PricedCommit { row, standard_gas, floor_gas, .. } = priced;
            rows.push(PopulationGasRow {
                packed,
                accounts,
                public_data_zero_bytes: zero,
                public_data_nonzero_bytes: data.len() - zero,
                standard_gas,
                floor_gas,
                floor_applies: floor_gas > standard_gas,
                row,
            });
        }
    }
    Ok(rows)
}
