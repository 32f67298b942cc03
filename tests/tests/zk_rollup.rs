//! The zk rollup end to end on the simulated L1: honest runs conserve ETH exactly, a
//! malicious operator is refused, and exodus mode gets every user out.

use ledger::TxAmount;
use std::sync::OnceLock;

use ark_std::rand::SeedableRng;
use circuits::BatchShape;
use l1_contract_sim::{Address, Chain, ChainConfig, Contract, ETHER};
use ledger::{AccountIndex, Arity, ChainId, Deposit, SecretKey, State, Transaction, TreeShape};
use prover::{setup, Keys, Prover, SetupKind, Silent};
use rand_chacha::ChaCha20Rng;
use zk_rollup::contract::{DataMode, ZkCall, ZkRollup, ZkRollupParams};
use zk_rollup::operator::send;
use zk_rollup::simulation::{run_exodus, run_zk, ZkScenario};

const BATCH: usize = 2;

fn shape() -> BatchShape {
    BatchShape::new(TreeShape::new(8, Arity::Quaternary).unwrap(), BATCH, ChainId::DEFAULT).unwrap()
}

/// One seeded development setup shared by every test of this file.
fn keys() -> Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        setup(shape(), SetupKind::InsecureSeeded(7), &mut ChaCha20Rng::seed_from_u64(7), &mut Silent).unwrap()
    })
    .clone()
}

fn scenario() -> ZkScenario {
    ZkScenario { accounts: 3, txs: 4, batch_size: BATCH, depth: 8, withdrawal_share: 0.5, ..ZkScenario::default() }
}

#[test]
fn deposits_transfers_withdrawals_conserve_eth_exactly() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let report = run_zk(&scenario(), Some(Prover::new(keys())), &mut rng, &mut Silent).unwrap();
    assert_eq!(report.eth_accounted, report.eth_funded, "every wei is somewhere: balances, contract, burned fees");
    assert!(report.contract_backs_l2, "the contract holds exactly the L2 balances plus unclaimed withdrawals");
    assert_eq!(report.deposits, 3);
    assert_eq!(report.txs, 3 + 4);
    assert!(report.withdrawals > 0, "the seeded workload withdraws");
    assert!(report.withdrawal_latency_seconds.max > 0.0);
    // A zk batch is final when its L1 block is: at least two epochs after inclusion.
    assert!(report.finality_seconds.median >= report.inclusion_seconds.median + 768.0);
    assert!(report.l1_gas_per_tx > 0.0);
}

/// A chain with the contract and three users who deposited, and the state the
/// deposits make.
struct Setup {
    chain: Chain,
    contract: ZkRollup,
    prover: Prover,
    keys: Vec<SecretKey>,
    state: State,
}

fn user(i: u32) -> Address {
    Address::from_label(&format!("user-{i}"))
}

fn world(deposits: u32) -> Setup {
    let prover = Prover::new(keys());
    let mut chain = Chain::new(ChainConfig::default());
    let params = ZkRollupParams::new(shape().tree, BATCH, ChainId::DEFAULT);
    let mut contract = ZkRollup::new(Address::from_label("zk-rollup"), params, prover.keys().pk.vk.clone());
    let keys: Vec<SecretKey> = (0..deposits).map(|i| SecretKey::from_bytes([i as u8 + 1; 32])).collect();
    for (i, key) in keys.iter().enumerate() {
        chain.fund(user(i as u32), 10 * ETHER);
        let r = send(
            &mut chain,
            &mut contract,
            user(i as u32),
            ETHER,
            ZkCall::Deposit { to: None, public_key: key.public_key().into() },
        )
        .unwrap();
        assert!(r.outcome.is_ok());
    }
    chain.fund(Address::from_label("operator"), 10 * ETHER);
    let state = State::new(shape().tree, ChainId::DEFAULT);
    Setup { chain, contract, prover, keys, state }
}

fn deposit_tx(s: &Setup, position: usize) -> Transaction {
    Transaction::Deposit(s.contract.queued_deposits()[position].deposit)
}

/// Proves `txs` on `state` and returns the commit call (without sending it).
fn prove(s: &Setup, state: &mut State, txs: &[Transaction]) -> ZkCall {
    let record = state.apply_batch(txs, BATCH).unwrap();
    let proof = s.prover.prove(&record, &mut ChaCha20Rng::seed_from_u64(5), &mut Silent).unwrap();
    ZkCall::CommitBatch {
        new_root: record.new_root,
        public_data: record.public_data(),
        proof: proof.proof,
        mode: DataMode::Calldata,
    }
}

fn commit(s: &mut Setup, call: ZkCall) -> Result<(), String> {
    let r = send(&mut s.chain, &mut s.contract, Address::from_label("operator"), 0, call).unwrap();
    r.outcome.map(|_| ()).map_err(|e| e.0)
}

#[test]
fn a_malicious_operator_is_refused() {
    let mut s = world(3);
    let (d0, d1, d2) = (deposit_tx(&s, 0), deposit_tx(&s, 1), deposit_tx(&s, 2));

    // Skipping a deposit: process d1 before d0.
    let skipped = prove(&s, &mut s.state.clone(), &[d1]);
    assert!(commit(&mut s, skipped).unwrap_err().contains("not the queue's next ones"));

    // The honest first batch lands.
    let mut state = s.state.clone();
    let first = prove(&s, &mut state, &[d0, d1]);
    let genesis = s.state.clone();
    commit(&mut s, first.clone()).unwrap();
    assert_eq!(s.contract.root(), state.root());

    // Replaying it is refused (its old root is no longer the contract's).
    assert!(commit(&mut s, first.clone()).is_err());

    // A batch built on a stale root (the genesis), even with the right next deposit, is refused.
    let stale = prove(&s, &mut genesis.clone(), &[d2]);
    assert!(commit(&mut s, stale).unwrap_err().contains("proof rejected"));

    // Public data that differs from the proof's: a transfer amount changed.
    let t = Transaction::Transfer(
        ledger::Transfer::signed(
            AccountIndex::new(0),
            AccountIndex::new(1),
            TxAmount::new(5).unwrap(),
            ledger::Nonce::ZERO,
            ChainId::DEFAULT,
            &s.keys[0],
        )
        .unwrap(),
    );
    let ZkCall::CommitBatch { new_root, mut public_data, proof, mode } = prove(&s, &mut state.clone(), &[t]) else {
        unreachable!()
    };
    public_data[4] ^= 1;
    let tampered = ZkCall::CommitBatch { new_root, public_data: public_data.clone(), proof, mode };
    assert!(commit(&mut s, tampered).unwrap_err().contains("proof rejected"));

    // A proof for another batch: the first batch's proof with this batch's data.
    public_data[4] ^= 1;
    let ZkCall::CommitBatch { proof: other_proof, .. } = first else { unreachable!() };
    let mismatched = ZkCall::CommitBatch { new_root, public_data, proof: other_proof, mode };
    assert!(commit(&mut s, mismatched).unwrap_err().contains("proof rejected"));

    // Inventing a deposit nobody made on L1 (after d2, the queue is empty).
    let mut after_d2 = state.clone();
    let with_d2 = prove(&s, &mut after_d2, &[d2]);
    commit(&mut s, with_d2).unwrap();
    let invented = Transaction::Deposit(Deposit {
        to: AccountIndex::new(1),
        public_key: s.keys[1].public_key(),
        amount: TxAmount::new(1_000_000).unwrap(),
    });
    let forged = prove(&s, &mut after_d2.clone(), &[invented]);
    assert!(commit(&mut s, forged).unwrap_err().contains("not the queue's next ones"));
    assert_eq!(s.contract.root(), after_d2.root(), "nothing the operator sent changed the contract");
    assert_eq!(s.contract.batches().len(), 2);
    let _ = s.contract.address();
}

#[test]
fn exodus_gets_every_user_out_exactly_once() {
    let mut rng = ChaCha20Rng::seed_from_u64(13);
    let report = run_exodus(&scenario(), Some(Prover::new(keys())), &mut rng, &mut Silent).unwrap();
    assert_eq!(report.exits, 3, "every account exits");
    assert!(report.double_exit_refused);
    assert!(report.batch_after_exodus_refused);
    assert!(report.reconstructed_root_matches, "users rebuilt the state from L1 data alone");
    assert_eq!(report.refunds, report.censored_deposits);
    assert_eq!(report.wei_left_in_contract, 0, "everything deposited came back out");
    assert!(report.seconds_to_exodus > 14 * 24 * 3600);
}

#[test]
fn l1_gas_per_transfer_at_batch_1024_in_calldata_is_at_most_450() {
    let mut rng = ChaCha20Rng::seed_from_u64(17);
    let sizes = [8, 64, 1024];
    let calldata = zk_rollup::simulation::gas_table(32, &sizes, DataMode::Calldata, &mut rng).unwrap();
    let blobs = zk_rollup::simulation::gas_table(32, &sizes, DataMode::Blobs, &mut rng).unwrap();
    for row in calldata.iter().chain(&blobs) {
        println!(
            "batch {:>5} {:?}: {:.0} gas/tx, {:.0} blob gas/tx {:?}",
            row.batch_size, row.mode, row.gas_per_tx, row.blob_gas_per_tx, row.bill
        );
        assert_eq!(row.bill.iter().map(|(_, g)| g).sum::<u64>(), row.gas_used, "the bill adds up");
    }
    assert!(calldata[2].gas_per_tx <= 450.0, "{}", calldata[2].gas_per_tx);
    // Bigger batches amortise the proof: the cost per transfer falls.
    assert!(calldata[0].gas_per_tx > calldata[1].gas_per_tx && calldata[1].gas_per_tx > calldata[2].gas_per_tx);
    // Blobs move the public data out of calldata gas.
    assert!(blobs[2].gas_per_tx < calldata[2].gas_per_tx && blobs[2].blob_gas_per_tx > 0.0);
}
