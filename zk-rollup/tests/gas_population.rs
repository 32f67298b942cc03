//! The L1 gas of a batch commit when the batch's accounts come from populations of 10^3, 10^6 and
//! 10^9 accounts: the bytes are real (signed transfers applied by the ledger), more accounts never mean
//! fewer nonzero bytes, and the EIP-7623 floor applies exactly when its formula says.

use l1_contract_sim::gas;
use ledger::tx::{PublicDataSlot, PUBDATA_SLOT_BYTES};
use ledger::{Arity, ChainId, Transaction, TreeShape};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use zk_rollup::simulation::{population_gas_table, population_transfers, PopulationGasRow, MIN_POPULATION};
use zk_rollup::{DataMode, ZkCall, ZkRollup, ZkRollupError, ZkRollupParams};

const SEED: u64 = 5;

fn table(accounts: u64, sizes: &[usize], modes: &[DataMode]) -> Vec<PopulationGasRow> {
    population_gas_table(32, accounts, sizes, modes, &mut ChaCha20Rng::seed_from_u64(SEED)).unwrap()
}

/// The public data and the commit calldata of the first `batch_size` transfers drawn from `accounts`
/// with the table's seed, rebuilt here from the ledger's own records.
fn rebuilt(accounts: u64, largest: usize, batch_size: usize) -> (Vec<Transaction>, Vec<u8>, Vec<u8>) {
    let tree = TreeShape::new(32, Arity::Quaternary).unwrap();
    let (mut state, txs) =
        population_transfers(tree, accounts, largest, &mut ChaCha20Rng::seed_from_u64(SEED)).unwrap();
    let record = state.apply_batch(&txs, largest).unwrap();
    let public_data = record.public_data()[..batch_size * PUBDATA_SLOT_BYTES].to_vec();
    let contract = ZkRollup::new(
        l1_contract_sim::Address::from_label("zk-rollup"),
        ZkRollupParams::new(tree, batch_size, ChainId::DEFAULT),
        Default::default(),
    );
    let calldata = contract.calldata(&ZkCall::CommitBatch {
        new_root: record.txs[batch_size - 1].root_after,
        public_data: public_data.clone(),
        proof: zk_rollup::simulation::typical_proof(),
        mode: DataMode::Calldata,
    });
    (txs, public_data, calldata)
}

#[test]
fn indices_come_from_the_population_and_the_figure_from_their_bytes() {
    let accounts = 1_000_000;
    let rows = table(accounts, &[64], &[DataMode::Calldata]);
    let (txs, public_data, calldata) = rebuilt(accounts, 64, 64);
    // Every slot is the ledger's transfer, with both indices inside the population.
    let slots = PublicDataSlot::decode_all(&public_data).unwrap();
    assert_eq!(slots.len(), 64);
    for (slot, tx) in slots.iter().zip(&txs) {
        let Transaction::Transfer(t) = tx else { panic!("only transfers: {tx:?}") };
        assert_eq!(*slot, PublicDataSlot::Transfer { from: t.from, to: t.to, amount: t.amount });
        assert!(u64::from(t.from.value()) < accounts && u64::from(t.to.value()) < accounts);
    }
    // Indices spread over the population, not over the first thousand accounts.
    assert!(slots.iter().any(|s| matches!(s, PublicDataSlot::Transfer { from, .. } if from.value() >= 1 << 16)));
    let row = &rows[0];
    assert_eq!(row.accounts, accounts);
    assert_eq!(row.row.calldata_bytes, calldata.len());
    assert_eq!(row.public_data_zero_bytes, public_data.iter().filter(|&&b| b == 0).count());
    assert_eq!(row.public_data_zero_bytes + row.public_data_nonzero_bytes, 64 * PUBDATA_SLOT_BYTES);
    assert_eq!(row.floor_gas, gas::floor_gas(&calldata));
    // The bill adds up, and its calldata line is priced from these very bytes.
    assert_eq!(row.row.bill.iter().map(|(_, g)| g).sum::<u64>(), row.row.gas_used);
    assert!(row.row.bill.contains(&("calldata".to_string(), gas::calldata_gas(&calldata))), "{:?}", row.row.bill);
}

#[test]
fn the_probe_sends_a_proof_of_nonzero_bytes() {
    let contract = ZkRollup::new(
        l1_contract_sim::Address::from_label("zk-rollup"),
        ZkRollupParams::new(TreeShape::new(8, Arity::Quaternary).unwrap(), 1, ChainId::DEFAULT),
        Default::default(),
    );
    let calldata = contract.calldata(&ZkCall::CommitBatch {
        new_root: Default::default(),
        public_data: vec![0; PUBDATA_SLOT_BYTES],
        proof: zk_rollup::simulation::typical_proof(),
        mode: DataMode::Calldata,
    });
    // Selector, root, then the proof's 8 words: a real proof is nearly all nonzero bytes.
    let proof = &calldata[4 + 32..4 + 32 + 256];
    assert!(proof.iter().filter(|&&b| b != 0).count() >= 240, "{proof:?}");
}

#[test]
fn more_accounts_never_mean_fewer_nonzero_bytes_nor_less_gas() {
    let sizes = [16, 128];
    let rows: Vec<Vec<PopulationGasRow>> = [1_000, 1_000_000, 1_000_000_000]
        .into_iter()
        .map(|n| table(n, &sizes, &[DataMode::Calldata, DataMode::Blobs]))
        .collect();
    for (smaller, larger) in rows.iter().zip(&rows[1..]) {
        for (a, b) in smaller.iter().zip(larger) {
            assert_eq!((a.row.batch_size, a.row.mode), (b.row.batch_size, b.row.mode));
            assert!(b.public_data_nonzero_bytes >= a.public_data_nonzero_bytes, "{a:?} {b:?}");
            match a.row.mode {
                // Calldata pays for the bytes: more nonzero bytes, more gas.
                DataMode::Calldata => assert!(b.row.gas_used >= a.row.gas_used, "{a:?} {b:?}"),
                // Blobs do not: the same blob gas whatever the population, and the same gas but for the
                // new root's 32 bytes of calldata (at most 12 gas apart each).
                DataMode::Blobs => {
                    assert!(b.row.gas_used.abs_diff(a.row.gas_used) <= 12 * 32, "{a:?} {b:?}");
                    assert_eq!(b.row.blob_gas_per_tx, a.row.blob_gas_per_tx);
                }
            }
        }
    }
    // From 10^3 to 10^9 accounts an index gains nonzero bytes: at least one per slot on average.
    let first = &rows[0][2];
    let last = &rows[2][2];
    assert_eq!(first.row.batch_size, 128);
    assert!(last.public_data_nonzero_bytes >= first.public_data_nonzero_bytes + 128, "{first:?} {last:?}");
}

#[test]
fn the_floor_applies_exactly_when_its_formula_says() {
    // 10^9 accounts at 1,024 slots is data-heavy enough for the floor; 10^3 at 64 slots is not.
    let mut seen = [false, false];
    for (accounts, size) in [(1_000_000_000, 1024), (1_000, 64)] {
        for row in table(accounts, &[size], &[DataMode::Calldata]) {
            let (_, _, calldata) = rebuilt(accounts, size, size);
            let floor = gas::TX_BASE + gas::TOTAL_COST_FLOOR_PER_TOKEN * gas::calldata_tokens(&calldata);
            assert_eq!(row.floor_gas, floor);
            assert_eq!(row.row.gas_used, row.standard_gas.max(floor));
            assert_eq!(row.floor_applies, floor > row.standard_gas);
            let top_up = row.row.bill.iter().find(|(l, _)| l.contains("floor")).map(|(_, g)| *g);
            if row.floor_applies {
                assert_eq!(top_up, Some(floor - row.standard_gas));
            } else {
                assert_eq!(top_up, None);
            }
            seen[usize::from(row.floor_applies)] = true;
        }
    }
    assert_eq!(seen, [true, true], "one row below the floor and one on it");
}

#[test]
fn populations_outside_the_tree_are_refused() {
    let tree = TreeShape::new(8, Arity::Quaternary).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(SEED);
    for accounts in [0, MIN_POPULATION - 1, tree.capacity() + 1, u64::MAX] {
        let err = population_transfers(tree, accounts, 4, &mut rng).unwrap_err();
        assert!(matches!(err, ZkRollupError::Population { .. }), "{err}");
    }
    let (state, txs) = population_transfers(tree, tree.capacity(), 4, &mut rng).unwrap();
    assert_eq!(txs.len(), 4);
    assert!(state.accounts().count() <= 8);
}

/// Commits `public_data` (2 slots) through the probe, after one queued deposit of 1,000 units to
/// account 0; returns the bill.
fn probe_bill(public_data: Vec<u8>) -> Vec<(&'static str, u64)> {
    use l1_contract_sim::{Address, Chain, ChainConfig, TxRequest, ETHER, GWEI};
    use zk_rollup::contract::CommitGasProbe;
    let tree = TreeShape::new(8, Arity::Quaternary).unwrap();
    let params = ZkRollupParams::new(tree, 2, ChainId::DEFAULT);
    let mut probe = CommitGasProbe(ZkRollup::new(Address::from_label("zk-rollup"), params, Default::default()));
    let mut chain = Chain::new(ChainConfig::default());
    let (user, operator) = (Address::from_label("user"), Address::from_label("operator"));
    chain.fund(user, ETHER);
    chain.fund(operator, ETHER);
    let key = ledger::SecretKey::from_bytes([7; 32]);
    let mut send = |from, value, call: ZkCall| {
        let request = TxRequest {
            from,
            value,
            calldata: probe.0.calldata(&call),
            blobs: probe.0.blobs(&call),
            call,
            priority_fee: GWEI,
        };
        let receipt = chain.transact(&mut probe, request).unwrap();
        assert!(receipt.outcome.is_ok(), "{:?}", receipt.outcome);
        receipt
    };
    send(user, 1_000 * GWEI, ZkCall::Deposit { to: None, public_key: key.public_key().into() });
    let commit = ZkCall::CommitBatch {
        new_root: Default::default(),
        public_data,
        proof: Default::default(),
        mode: DataMode::Calldata,
    };
    send(operator, 0, commit).bill
}

#[test]
fn only_batches_with_deposits_or_withdrawals_pay_for_decoding_every_slot() {
    use ledger::tx::{encode_slot, TxKind};
    use ledger::{AccountIndex, TxAmount};
    let (a, b) = (AccountIndex::new(0), AccountIndex::new(3));
    let transfer = encode_slot(TxKind::Transfer, a, b, TxAmount::new(5).unwrap());
    let deposit = encode_slot(TxKind::Deposit, a, AccountIndex::new(0), TxAmount::new(1_000).unwrap());
    let scan = ("scan for deposits and withdrawals", 2 * gas::KIND_SCAN_SLOT_GAS);
    let decode = ("decode public data", 2 * gas::DECODE_SLOT_GAS);

    let transfers_only = probe_bill([transfer, transfer].concat());
    assert!(transfers_only.contains(&scan), "{transfers_only:?}");
    assert!(!transfers_only.iter().any(|(label, _)| *label == decode.0), "{transfers_only:?}");

    let with_deposit = probe_bill([deposit, transfer].concat());
    assert!(with_deposit.contains(&scan) && with_deposit.contains(&decode), "{with_deposit:?}");
}

#[test]
fn packed_indices_keep_every_field_and_shrink_the_bytes() {
    use ledger::tx::{encode_slot, TxKind};
    use ledger::{AccountIndex, TxAmount};
    use zk_rollup::simulation::{index_bits, pack_indices};
    let slots: Vec<u8> = [(0u32, 999_999u32, 1u64), (524_287, 3, (1 << 38) - 1), (17, 17, 42)]
        .iter()
        .flat_map(|&(from, to, amount)| {
            encode_slot(
                TxKind::Transfer,
                AccountIndex::new(from),
                AccountIndex::new(to),
                TxAmount::new(amount).unwrap(),
            )
        })
        .collect();
    let bits = index_bits(&slots);
    assert_eq!(bits, 20, "999,999 needs 20 bits");
    let packed = pack_indices(&slots, bits);
    // One width byte, then 3 records of 40 + 2 · 20 = 80 bits.
    assert_eq!(packed.len(), 1 + 3 * 10);
    assert_eq!(packed[0], 20);
    // Unpack by hand: every field comes back.
    let mut reader = packed[1..].iter().flat_map(|byte| (0..8).rev().map(move |i| u64::from(byte >> i) & 1));
    let mut take = |n: u32| (0..n).fold(0u64, |v, _| (v << 1) | reader.next().unwrap());
    for slot in slots.chunks(PUBDATA_SLOT_BYTES) {
        let word = take(40);
        let (from, to) = (take(20) as u32, take(20) as u32);
        let rebuilt = encode_slot(
            TxKind::Transfer,
            AccountIndex::new(from),
            AccountIndex::new(to),
            TxAmount::new(word & ((1 << 38) - 1)).unwrap(),
        );
        assert_eq!(rebuilt.as_slice(), slot);
    }
    assert_eq!(
        index_bits(&encode_slot(
            TxKind::Transfer,
            AccountIndex::new(0),
            AccountIndex::new(0),
            TxAmount::new(1).unwrap()
        )),
        1
    );
}
