//! The simulated chain against the EIP figures: fee markets, block limits, reverts, finality and ETH
//! conservation, driven with the test vault.

use l1_contract_sim::fees::{self, BlobSchedule, GAS_PER_BLOB, USABLE_BYTES_PER_BLOB};
use l1_contract_sim::gas;
use l1_contract_sim::test_utils::{Vault, VaultCall, VaultEvent};
use l1_contract_sim::{
    Address, Chain, ChainConfig, ChainError, Contract, FinalityRule, Mempool, COINBASE, ETHER, GWEI,
};

fn setup() -> (Chain, Vault, Address) {
    let mut chain = Chain::new(ChainConfig::default());
    let alice = Address::from_label("alice");
    chain.fund(alice, 100 * ETHER);
    (chain, Vault::new("vault"), alice)
}

fn assert_conserved(chain: &Chain) {
    let sum: u128 = chain.balances().map(|(_, b)| b).sum();
    assert_eq!(sum + chain.total_burned(), chain.total_funded());
    assert_eq!(chain.total_supply_tracked(), chain.total_funded());
}

/// A splitmix64 step: deterministic pseudo-randomness for the tests, seeded by the caller.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[test]
fn default_config_is_mainnet() {
    let c = ChainConfig::default();
    assert_eq!((c.slot_seconds, c.slots_per_epoch, c.finality_epochs), (12, 32, 2));
    assert_eq!(c.block_gas_limit, 36_000_000);
    assert_eq!(c.initial_base_fee, GWEI);
    assert_eq!(c.blobs, BlobSchedule::PRAGUE);
    assert_eq!(c.genesis_timestamp, 0);
}

#[test]
fn receipt_prices_gas_and_itemises_the_bill() {
    let (mut chain, mut vault, alice) = setup();
    let tx = Vault::tx(alice, VaultCall::Increment).with_priority_fee(2 * GWEI);
    let calldata = tx.calldata.clone();
    let r = chain.transact(&mut vault, tx).unwrap();
    assert_eq!(r.outcome, Ok(vec![VaultEvent::Incremented(1)]));
    assert_eq!(vault.counter(), 1);
    let execution = gas::SLOAD_COLD + gas::SSTORE_SET + gas::log_gas(1, 32);
    assert_eq!(r.execution_gas, execution);
    assert_eq!(r.calldata_gas, gas::calldata_gas(&calldata));
    assert_eq!(r.gas_used, 21_000 + r.calldata_gas + execution);
    assert_eq!(r.bill.iter().map(|(_, g)| g).sum::<u64>(), r.gas_used);
    assert_eq!(r.bill[0], ("tx base", 21_000));
    assert_eq!(r.fee_paid, u128::from(r.gas_used) * 3 * GWEI);
    assert_eq!(r.burned, u128::from(r.gas_used) * GWEI);
    assert_eq!(r.tip, u128::from(r.gas_used) * 2 * GWEI);
    assert_eq!(chain.balance(COINBASE), r.tip);
    assert_eq!(chain.balance(alice), 100 * ETHER - r.fee_paid);
    assert_eq!((r.block, r.slot, r.timestamp, r.from, r.to), (0, 0, 0, alice, vault.address()));
    assert_conserved(&chain);
}

#[test]
fn eip7623_floor_shows_in_the_bill_of_data_heavy_transactions() {
    let (mut chain, mut vault, alice) = setup();
    let mut tx = Vault::tx(alice, VaultCall::Increment);
    tx.calldata = vec![0x5a; 20_000];
    let r = chain.transact(&mut vault, tx).unwrap();
    assert_eq!(r.gas_used, 21_000 + 10 * 4 * 20_000);
    assert_eq!(r.calldata_gas, 16 * 20_000);
    let floor = r.bill.iter().find(|(l, _)| *l == "calldata floor (EIP-7623)").unwrap().1;
    assert_eq!(floor, r.gas_used - 21_000 - r.calldata_gas - r.execution_gas);
    assert_eq!(r.bill.iter().map(|(_, g)| g).sum::<u64>(), r.gas_used);

    // Execution-heavy: no floor line.
    let r = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Burn(1_000_000))).unwrap();
    assert!(r.bill.iter().all(|(l, _)| *l != "calldata floor (EIP-7623)"));
    assert_eq!(r.gas_used, 21_000 + r.calldata_gas + 1_000_000);
}

#[test]
fn base_fee_rises_after_full_blocks_and_falls_after_empty_ones() {
    let (mut chain, mut vault, alice) = setup();
    // Without calldata a call costs 21,000 + execution: fill the block exactly.
    let burn = |gas: u64| {
        let mut tx = Vault::tx(alice, VaultCall::Burn(gas));
        tx.calldata.clear();
        tx
    };
    let r = chain.transact(&mut vault, burn(36_000_000 - 21_000)).unwrap();
    assert_eq!(r.gas_used, 36_000_000);
    assert_eq!(chain.gas_remaining(), 0);
    chain.advance_slot();
    assert_eq!(chain.blocks()[0].gas_used, 36_000_000);
    assert_eq!(chain.block().base_fee, 1_125_000_000);
    chain.advance_slot();
    assert_eq!(chain.block().base_fee, 984_375_000);
    // At the target (half the limit): unchanged.
    chain.transact(&mut vault, burn(18_000_000 - 21_000)).unwrap();
    chain.advance_slot();
    assert_eq!(chain.block().base_fee, 984_375_000);
    // A quarter full: down by 1/16.
    chain.transact(&mut vault, burn(9_000_000 - 21_000)).unwrap();
    chain.advance_slot();
    assert_eq!(chain.block().base_fee, 984_375_000 - 984_375_000 / 16);
    assert_eq!(
        chain.blocks().iter().map(|b| b.base_fee).collect::<Vec<_>>(),
        [GWEI, 1_125_000_000, 984_375_000, 984_375_000]
    );
    assert_conserved(&chain);
}

#[test]
fn block_full_when_gas_exceeds_what_is_left() {
    let (mut chain, mut vault, alice) = setup();
    for _ in 0..3 {
        chain.transact(&mut vault, Vault::tx(alice, VaultCall::Burn(10_000_000))).unwrap();
    }
    let before = (chain.balance(alice), chain.gas_used_in_block(), vault.clone());
    // The fourth does not fit: refused after execution, nothing changed.
    let err = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Burn(10_000_000))).unwrap_err();
    assert_eq!(err, ChainError::BlockFull);
    let err = chain.transact(&mut vault, Vault::tx(alice, VaultCall::PayThenRevert { to: alice, amount: 0 }));
    assert!(err.is_ok(), "a small transaction still fits");
    let before = (before.0 - err.unwrap().fee_paid, chain.gas_used_in_block(), before.2);
    let mut big = Vault::tx(alice, VaultCall::Increment);
    big.calldata = vec![1; 200_000]; // floor 8,021,000 gas: refused before execution
    assert_eq!(chain.transact(&mut vault, big).unwrap_err(), ChainError::BlockFull);
    assert_eq!((chain.balance(alice), chain.gas_used_in_block(), vault.clone()), before);
    chain.advance_slot();
    chain.transact(&mut vault, Vault::tx(alice, VaultCall::Burn(10_000_000))).unwrap();
    // Above a whole block: never fits.
    let err = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Burn(40_000_000))).unwrap_err();
    assert!(matches!(err, ChainError::GasAboveBlockLimit { limit: 36_000_000, .. }), "{err:?}");
    assert_conserved(&chain);
}

#[test]
fn blobs_are_limited_per_block_and_per_blob() {
    let (mut chain, mut vault, alice) = setup();
    let blob = vec![7u8; 1_000];
    let tx = Vault::tx(alice, VaultCall::Increment).with_blobs(vec![blob.clone(); 10]);
    assert_eq!(chain.transact(&mut vault, tx).unwrap_err(), ChainError::TooManyBlobs);
    let tx = Vault::tx(alice, VaultCall::Increment).with_blobs(vec![vec![0; USABLE_BYTES_PER_BLOB + 1]]);
    assert!(matches!(chain.transact(&mut vault, tx), Err(ChainError::BlobTooLarge { index: 0, .. })));
    let r = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Increment).with_blobs(vec![blob.clone(); 5]));
    let r = r.unwrap();
    assert_eq!(r.blob_gas, 5 * GAS_PER_BLOB);
    assert_eq!(r.blob_fee, u128::from(5 * GAS_PER_BLOB)); // blob base fee 1 wei
    assert_eq!(chain.blobs_remaining(), 4);
    let tx = Vault::tx(alice, VaultCall::Increment).with_blobs(vec![blob; 5]);
    assert_eq!(chain.transact(&mut vault, tx.clone()).unwrap_err(), ChainError::BlockFull);
    chain.advance_slot();
    assert_eq!(chain.blocks()[0].blob_gas_used, 5 * GAS_PER_BLOB);
    chain.transact(&mut vault, tx).unwrap();
    assert_conserved(&chain);
}

/// Slots of `blobs_per_block` blobs each; returns the blob base fee of every block built.
fn blob_fees_under_load(blobs_per_block: usize, slots: usize) -> (Vec<u128>, Chain) {
    let (mut chain, mut vault, alice) = setup();
    let mut fees_seen = Vec::new();
    for i in 0..slots {
        fees_seen.push(chain.block().blob_base_fee);
        let blobs = (0..blobs_per_block).map(|b| vec![(i + b) as u8 + 1; 4_096]).collect();
        let r = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Increment).with_blobs(blobs)).unwrap();
        assert_eq!(r.blob_fee, u128::from(r.blob_gas) * fees_seen[i]);
        chain.advance_slot();
    }
    (fees_seen, chain)
}

#[test]
fn blob_base_fee_rises_under_sustained_load_above_target() {
    let (fees_seen, chain) = blob_fees_under_load(9, 120);
    let fraction = BlobSchedule::PRAGUE.base_fee_update_fraction;
    for (k, &fee) in fees_seen.iter().enumerate() {
        // Each full block adds (9 − 6) · 2^17 excess blob gas.
        let excess = k as u64 * 3 * GAS_PER_BLOB;
        assert_eq!(chain.blocks()[k].excess_blob_gas, excess);
        assert_eq!(fee, fees::fake_exponential(1, u128::from(excess), fraction));
        if k > 0 {
            assert!(fee >= fees_seen[k - 1]);
            // Once the fee is past its integer floor (13 wei: +8.2% rounds to at least 1), it rises every block.
            if fees_seen[k - 1] >= 13 {
                assert!(fee > fees_seen[k - 1], "block {k}: {fee} after {}", fees_seen[k - 1]);
            }
        }
    }
    assert!(fees_seen[119] > 10_000, "{}", fees_seen[119]);
    assert_conserved(&chain);
}

#[test]
fn blob_base_fee_stays_at_one_at_or_below_target() {
    for per_block in [0, 3, 6] {
        let (fees_seen, chain) = blob_fees_under_load(per_block, 50);
        assert!(fees_seen.iter().all(|&f| f == 1), "{per_block} blobs per block");
        assert_eq!(chain.excess_blob_gas(), 0);
    }
}

#[test]
fn blob_fee_falls_back_when_load_stops() {
    let (_, mut chain) = blob_fees_under_load(9, 60);
    let peak = chain.block().blob_base_fee;
    chain.advance_slot();
    let after = chain.block().blob_base_fee;
    assert!(after < peak);
    assert_eq!(after, fees::blob_base_fee(chain.blocks()[60].excess_blob_gas - 6 * GAS_PER_BLOB, BlobSchedule::PRAGUE));
}

#[test]
fn finality_after_two_epochs() {
    let (mut chain, ..) = setup();
    assert_eq!(chain.finalized_slot(), None);
    chain.advance_to_slot(95);
    assert!(!chain.is_final(5));
    assert_eq!(chain.finalized_slot(), None);
    chain.advance_slot();
    assert_eq!(chain.slot(), 96);
    assert!(chain.is_final(5));
    assert!(chain.is_final(31));
    assert!(!chain.is_final(32));
    assert_eq!(chain.finalized_slot(), Some(31));
    assert_eq!(chain.finality_time(5), 96 * 12);
    assert_eq!(chain.finality_time(31), 96 * 12);
    assert_eq!(chain.finality_time(32), 128 * 12);
    // 13.0 to 19.2 minutes after the block.
    assert_eq!(chain.finality_time(31) - 31 * 12, 780);
    assert_eq!(chain.finality_time(0), 1_152);
}

#[test]
fn single_slot_finality_finalizes_each_block_at_the_next_slot() {
    let config = ChainConfig { finality: FinalityRule::SingleSlot, ..ChainConfig::default() };
    let mut chain = Chain::new(config);
    assert_eq!(chain.finalized_slot(), None);
    assert_eq!(chain.finality_time(5), 6 * 12);
    for _ in 0..40 {
        let slot = chain.slot();
        assert!(!chain.is_final(slot));
        assert_eq!(chain.now() >= chain.finality_time(slot), chain.is_final(slot));
        chain.advance_slot();
        assert!(chain.is_final(slot));
        assert_eq!(chain.finalized_slot(), Some(slot));
        assert_eq!(chain.now(), chain.finality_time(slot));
    }
}

#[test]
fn finality_time_predicts_is_final() {
    let mut chain = Chain::new(ChainConfig { genesis_timestamp: 1_000, ..ChainConfig::default() });
    let watched = [0u64, 5, 31, 32, 40, 63, 64, 100];
    let times: Vec<u64> = watched.iter().map(|&s| chain.finality_time(s)).collect();
    for _ in 0..300 {
        for (&slot, &t) in watched.iter().zip(&times) {
            assert_eq!(chain.is_final(slot), chain.now() >= t, "slot {slot} at {}", chain.now());
        }
        chain.advance_slot();
    }
    chain.advance_to_timestamp(50_001);
    assert!(chain.now() >= 50_001 && chain.now() < 50_001 + 12);
    assert_eq!(chain.now(), 1_000 + chain.slot() * 12);
    assert_eq!(chain.blocks().len() as u64, chain.slot());
}

#[test]
fn reverted_call_restores_contract_and_balances_and_charges_gas() {
    let (mut chain, mut vault, alice) = setup();
    let bob = Address::from_label("bob");
    chain.transact(&mut vault, Vault::tx(alice, VaultCall::Deposit).with_value(5 * ETHER)).unwrap();
    assert_eq!(chain.balance(vault.address()), 5 * ETHER);
    let before_vault = vault.clone();
    let alice_before = chain.balance(alice);

    // Pays bob 1 ether, increments the counter, then reverts; sends 2 ether along.
    let tx = Vault::tx(alice, VaultCall::PayThenRevert { to: bob, amount: ETHER }).with_value(2 * ETHER);
    let r = chain.transact(&mut vault, tx).unwrap();
    assert_eq!(r.outcome.clone().unwrap_err().0, "deliberate revert");
    assert!(!r.succeeded());
    assert_eq!(vault, before_vault);
    assert_eq!(chain.balance(bob), 0);
    assert_eq!(chain.balance(vault.address()), 5 * ETHER);
    assert_eq!(r.execution_gas, gas::SSTORE_RESET + gas::CALL_VALUE_TRANSFER);
    assert!(r.fee_paid > 0);
    assert_eq!(chain.balance(alice), alice_before - r.fee_paid);
    assert_eq!(chain.blocks().len(), 0);
    chain.advance_slot();
    assert_eq!(chain.blocks()[0].txs, 2);

    // A withdrawal above the deposit reverts; the vault paying out more than it holds reverts too.
    let r = chain.transact(&mut vault, Vault::tx(bob, VaultCall::Withdraw(1))).unwrap_err();
    assert!(matches!(r, ChainError::InsufficientFunds { have: 0, .. }));
    let r = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Withdraw(6 * ETHER))).unwrap();
    assert_eq!(r.outcome.unwrap_err().0, "insufficient deposit");
    let tx = Vault::tx(alice, VaultCall::PayThenRevert { to: bob, amount: 50 * ETHER });
    let r = chain.transact(&mut vault, tx).unwrap();
    assert!(r.outcome.unwrap_err().0.starts_with("insufficient contract balance"));
    assert_eq!(vault, before_vault);

    // A successful withdrawal moves ETH out of the vault.
    let r = chain.transact(&mut vault, Vault::tx(alice, VaultCall::Withdraw(3 * ETHER))).unwrap();
    assert!(r.succeeded());
    assert_eq!(chain.balance(vault.address()), 2 * ETHER);
    assert_eq!(vault.deposit_of(alice), 2 * ETHER);
    assert_conserved(&chain);
}

#[test]
fn insufficient_funds_changes_nothing() {
    let (mut chain, mut vault, _) = setup();
    let carol = Address::from_label("carol");
    chain.fund(carol, 21_000 * GWEI); // exactly the minimum fee of an empty call, at 1 gwei
    let tx = Vault::tx(carol, VaultCall::Increment);
    let need_min = u128::from(tx.min_gas()) * GWEI;
    let err = chain.transact(&mut vault, tx).unwrap_err();
    assert_eq!(err, ChainError::InsufficientFunds { need: need_min, have: 21_000 * GWEI });
    // Affords the minimum but not the execution: refused after execution, contract restored.
    chain.fund(carol, need_min - 21_000 * GWEI);
    let err = chain.transact(&mut vault, Vault::tx(carol, VaultCall::Increment)).unwrap_err();
    assert!(matches!(err, ChainError::InsufficientFunds { need, have } if need > have && have == need_min));
    assert_eq!(vault.counter(), 0);
    assert_eq!(chain.balance(carol), need_min);
    assert_eq!(chain.gas_used_in_block(), 0);
    // Value counts too.
    let err = chain.transact(&mut vault, Vault::tx(carol, VaultCall::Deposit).with_value(ETHER)).unwrap_err();
    assert!(matches!(err, ChainError::InsufficientFunds { .. }));
    assert_conserved(&chain);
}

#[test]
fn mempool_includes_by_priority_fee_while_gas_fits() {
    let (mut chain, mut vault, alice) = setup();
    let bob = Address::from_label("bob");
    let mut pool = Mempool::new();
    // Five 10M-gas transactions, tips 1..=5 gwei in arrival order, and a small one at tip 0.
    for tip in 1..=5 {
        pool.push(Vault::tx(alice, VaultCall::Burn(10_000_000)).with_priority_fee(tip * GWEI));
    }
    pool.push(Vault::tx(alice, VaultCall::Increment));
    pool.push(Vault::tx(bob, VaultCall::Increment).with_priority_fee(9 * GWEI)); // bob has no ETH
    let receipts = pool.include_pending(&mut chain, &mut vault);
    let tips: Vec<u128> = receipts.iter().map(|r| r.tip / u128::from(r.gas_used) / GWEI).collect();
    assert_eq!(tips, vec![5, 4, 3, 0], "three big ones fit, then the small one");
    let rejected = pool.take_rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0.from, bob);
    assert_eq!(pool.len(), 2);
    assert_eq!(pool.pending().iter().map(|t| t.priority_fee / GWEI).collect::<Vec<_>>(), vec![1, 2]);
    chain.advance_slot();
    let receipts = pool.include_pending(&mut chain, &mut vault);
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[0].tip, u128::from(receipts[0].gas_used) * 2 * GWEI);
    assert!(pool.is_empty());
    assert_conserved(&chain);
}

#[test]
fn eth_is_conserved_under_a_seeded_random_workload() {
    for seed in [1u64, 2, 3] {
        let mut rng = seed;
        let mut chain = Chain::new(ChainConfig::default());
        let mut vault = Vault::new("vault");
        let users: Vec<Address> = (0..6).map(|i| Address::from_label(&format!("user{i}"))).collect();
        for (i, &u) in users.iter().enumerate() {
            chain.fund(u, (i as u128 + 1) * ETHER);
        }
        let mut pool = Mempool::new();
        let mut included = 0;
        for _ in 0..40 {
            for _ in 0..(splitmix(&mut rng) % 12) {
                let user = users[(splitmix(&mut rng) % 6) as usize];
                let x = splitmix(&mut rng);
                let call = match x % 5 {
                    0 => VaultCall::Increment,
                    1 => VaultCall::Deposit,
                    2 => VaultCall::Withdraw(u128::from(x % 3) * ETHER / 2),
                    3 => VaultCall::Burn(x % 5_000_000),
                    _ => VaultCall::PayThenRevert { to: users[0], amount: u128::from(x % 2) * ETHER },
                };
                let blobs = (0..(x >> 8) % 3).map(|b| vec![b as u8; 1_000]).collect();
                let tx = Vault::tx(user, call)
                    .with_value(u128::from((x >> 16) % 3) * ETHER / 4)
                    .with_priority_fee(u128::from((x >> 24) % 4) * GWEI)
                    .with_blobs(blobs);
                pool.push(tx);
            }
            included += pool.include_pending(&mut chain, &mut vault).len();
            assert_conserved(&chain);
            let deposits: u128 = users.iter().map(|&u| vault.deposit_of(u)).sum();
            assert_eq!(chain.balance(vault.address()), deposits, "the vault holds exactly its deposits");
            chain.advance_slot();
        }
        assert!(included > 50, "seed {seed}: {included}");
        let burned: u128 = chain.blocks().iter().map(|b| b.burned).sum();
        assert_eq!(burned, chain.total_burned());
        assert!(chain.balance(COINBASE) > 0);
    }
}

#[test]
fn env_exposes_blobs_and_versioned_hashes() {
    #[derive(Clone, Debug)]
    struct Inbox {
        hashes: Vec<[u8; 32]>,
        sizes: Vec<usize>,
    }
    impl Contract for Inbox {
        type Call = ();
        type Event = [u8; 32];
        fn address(&self) -> Address {
            Address::from_label("inbox")
        }
        fn execute(
            &mut self,
            env: &mut l1_contract_sim::Env<'_>,
            _call: (),
        ) -> Result<Vec<[u8; 32]>, l1_contract_sim::Revert> {
            for i in 0..env.blob_count() {
                let h = env.blob_hash(i).expect("in range");
                self.hashes.push(h);
            }
            assert!(env.blob_hash(env.blob_count()).is_none());
            assert_eq!(env.blob_versioned_hashes(), self.hashes);
            self.sizes = env.blob_data().iter().map(Vec::len).collect();
            assert_eq!(env.block().number, 0);
            assert_eq!(env.contract_address(), self.address());
            Ok(self.hashes.clone())
        }
    }
    let (mut chain, _, alice) = setup();
    let mut inbox = Inbox { hashes: vec![], sizes: vec![] };
    let blobs = vec![vec![1u8; 10], vec![2u8; 20]];
    let tx = l1_contract_sim::TxRequest::new(alice, vec![], ()).with_blobs(blobs.clone());
    let r = chain.transact(&mut inbox, tx).unwrap();
    let hashes = r.outcome.unwrap();
    assert_eq!(hashes[0], l1_contract_sim::chain::versioned_hash(&blobs[0]));
    assert_eq!(hashes[0][0], 0x01);
    assert_eq!(inbox.sizes, vec![10, 20]);
    assert_eq!(r.execution_gas, 3 * gas::BLOBHASH);
    assert_eq!(fees::blobs_for(30), 1);
}

#[test]
fn plain_transfer_costs_21000_gas() {
    let (mut chain, _, alice) = setup();
    let dave = Address::from_label("dave");
    let r = chain.transfer(alice, dave, 3 * ETHER, GWEI).unwrap();
    assert_eq!(r.gas_used, 21_000);
    assert_eq!(r.bill, vec![("tx base", 21_000)]);
    assert_eq!(chain.balance(dave), 3 * ETHER);
    assert_eq!(chain.balance(alice), 97 * ETHER - r.fee_paid);
    assert_eq!(r.fee_paid, 21_000 * 2 * GWEI);
    assert!(matches!(chain.transfer(dave, alice, 4 * ETHER, 0), Err(ChainError::InsufficientFunds { .. })));
    assert_conserved(&chain);
}
