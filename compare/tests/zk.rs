//! The zk design and the proof-cost study on real proofs, on the smallest shapes (a zk run and its exodus
//! run, one small study).

mod common;

use circuits::info::measure;
use circuits::BatchShape;
use common::{scratch, WindowDesign};
use compare::metrics::min_l1_finality_seconds;
use compare::{
    proof_costs, report, throughput_ceiling_tps, Comparison, Design, Spread, StudyConfig, Workload, ZkDesign,
};
use l1_contract_sim::{Address, ChainConfig};
use ledger::tx::PUBDATA_SLOT_BYTES;
use ledger::{Arity, ChainId, TreeShape};
use prover::Silent;
use zk_rollup::contract::DataMode;
use zk_rollup::{ZkCall, ZkRollup, ZkRollupParams};

/// The calldata bytes one commit of `batch_size` slots carries, encoded by the contract's own code with
/// placeholder values (the encoding's length does not depend on them).
fn commit_calldata_bytes(depth: u32, batch_size: usize, mode: DataMode) -> usize {
    let tree = TreeShape::new(depth, Arity::Quaternary).unwrap();
    let params = ZkRollupParams::new(tree, batch_size, ChainId::DEFAULT);
    let contract = ZkRollup::new(Address::from_label("zk-rollup"), params, Default::default());
    let call = ZkCall::CommitBatch {
        new_root: Default::default(),
        public_data: vec![0; batch_size * PUBDATA_SLOT_BYTES],
        proof: Default::default(),
        mode,
    };
    contract.calldata(&call).len()
}

#[test]
fn a_real_zk_run_is_final_after_l1_finality_and_reports() {
    let workload =
        Workload { accounts: 2, txs: 1, withdrawal_share: 1.0, seconds_between_txs: 1, seed: 3, ..Workload::default() };
    let week = 7.0 * 86_400.0;
    let chain = ChainConfig::default();
    // What `compare` does, design by design, so that each design's own reports stay reachable.
    let mut zk_design = ZkDesign::new(1, 4, DataMode::Calldata);
    let mut optimistic_design = compare::designs::OptimisticDesign::new(1, 4, 2);
    let mut double = WindowDesign::new("optimistic (test double)", week, 2_000.0);
    let rows = vec![
        zk_design.run(&workload, &chain, &mut workload.rng(), &mut Silent).unwrap(),
        double.run(&workload, &chain, &mut workload.rng(), &mut Silent).unwrap(),
        optimistic_design.run(&workload, &chain, &mut workload.rng(), &mut Silent).unwrap(),
    ];
    let c = Comparison::new(workload.clone(), chain, rows);
    let zk = &c.designs[0];
    assert_eq!(zk.name, "zk rollup (calldata)");
    // Two deposits and one withdrawal, one per batch.
    assert_eq!(zk.txs, 3);
    let l1 = min_l1_finality_seconds(&chain) as f64;
    assert!(zk.inclusion_seconds.median >= 1.0);
    assert!(zk.finality_seconds.median >= zk.inclusion_seconds.median + l1, "{zk:?}");
    assert!(zk.finality_seconds.max >= zk.inclusion_seconds.max + l1);
    assert!(zk.finality_seconds.max >= 768.0);
    assert!(zk.withdrawal_latency_seconds.max > 0.0, "the withdrawal was paid");
    assert_eq!(zk.capital_locked_wei, 0);
    // Every batch verifies a Groth16 proof on L1: at least the pairing check per transaction.
    assert!(zk.l1_gas_per_tx > 181_000.0, "{}", zk.l1_gas_per_tx);
    let expected = 36_000_000.0 / zk.l1_gas_per_tx / 12.0;
    assert!((zk.throughput_ceiling_tps - expected).abs() < 1e-9);
    assert!(zk.trust.contains("validity proofs") && zk.trust.contains("14 days"));
    assert!(zk.details.iter().any(|d| d.name == "constraints per batch"));

    // L1 bytes per transaction: the calldata the commits carried, over the L2 transactions.
    let report = zk_design.last_report().unwrap();
    assert_eq!(report.batches, 3);
    assert_eq!(report.l1_calldata_bytes, report.batches * commit_calldata_bytes(4, 1, DataMode::Calldata));
    assert_eq!((report.l1_blob_bytes, report.l1_blob_gas_total), (0, 0));
    assert_eq!(zk.l1_bytes_per_tx, report.l1_calldata_bytes as f64 / report.txs as f64);
    assert!(zk.l1_bytes_per_tx > PUBDATA_SLOT_BYTES as f64, "the proof and root travel too");

    // Blob mode maps the same way (its measurement runs in the CLI's compare test): calldata plus blob
    // payload per transaction, and only the payload counts against the blob bound.
    let mut in_blobs = report.clone();
    in_blobs.scenario.mode = DataMode::Blobs;
    in_blobs.l1_blob_bytes = report.batches * PUBDATA_SLOT_BYTES;
    in_blobs.l1_blob_gas_total = report.batches as u64 * 131_072;
    let exodus = zk_design.last_exodus().unwrap();
    let blobs = ZkDesign::new(1, 4, DataMode::Blobs).metrics(&in_blobs, exodus, &workload, &chain).unwrap();
    let txs = report.txs as f64;
    assert!(blobs.uses_blobs);
    assert_eq!(blobs.l1_bytes_per_tx, (report.l1_calldata_bytes + in_blobs.l1_blob_bytes) as f64 / txs);
    assert_eq!(blobs.blob_bytes_per_tx, PUBDATA_SLOT_BYTES as f64);
    assert_eq!(blobs.blob_gas_per_tx, 131_072.0);
    assert_eq!(blobs.throughput_ceiling_tps, throughput_ceiling_tps(&chain, blobs.l1_gas_per_tx, Some(13.0)));

    // The worst case is the exodus run's measured figure, not a formula.
    assert_eq!(zk.worst_case_seconds, Some(exodus.seconds_until_everyone_out_final as f64));
    assert!(exodus.seconds_to_exodus > 14 * 86_400);
    assert!(exodus.seconds_until_everyone_out_final >= exodus.seconds_to_exodus + min_l1_finality_seconds(&chain));
    assert!(zk.worst_case_under_attack.as_deref().unwrap().contains("exodus"));

    // The zk rollup is final long before the optimistic one.
    assert!(zk.finality_seconds.max < c.designs[1].finality_seconds.median);
    // Both rollups ran the same plan: the same deposits and the same withdrawal; the optimistic
    // proposer also opens an account of its own, and every report says so.
    let optimistic = &c.designs[2];
    assert_eq!(optimistic.txs, zk.txs + 1);
    // The test double counts the workload's one transaction only: 4 - 1.
    assert_eq!(c.l2_tx_difference, 3);
    let note = c.l2_tx_note.as_deref().unwrap();
    assert!(note.contains("zk rollup (calldata) 3") && note.contains("optimistic rollup 4"), "{note}");
    assert!(note.contains("optimistic (test double) 1"), "{note}");
    assert!(optimistic.notes.iter().any(|n| n.contains("proposer's own deposit")));
    assert!(optimistic.finality_seconds.median >= week, "after the challenge window");
    assert!(optimistic.capital_locked_wei > 0);
    // Optimistic inclusion is recorded: each assertion's L1 block, a window before its confirmation.
    let (honest, _) = optimistic_design.last_reports().unwrap();
    assert_eq!(optimistic.inclusion_seconds, honest.inclusion_seconds.into());
    assert_eq!(honest.inclusion_seconds.count, honest.l2_txs);
    assert!(optimistic.inclusion_seconds.max < optimistic.finality_seconds.median);
    assert!(optimistic.finality_seconds.median >= optimistic.inclusion_seconds.median + week);
    assert!(optimistic.finality_seconds.max >= optimistic.inclusion_seconds.max + week);
    assert!(optimistic.inclusion_seconds.max > 0.0, "deposits wait for the next assertion");
    // Its L1 bytes are the calldata of its proposals and confirmations: signed transactions, more than a
    // zk rollup's 13-byte slots.
    assert!(honest.l1_calldata_bytes > 0);
    assert_eq!(optimistic.l1_bytes_per_tx, honest.l1_calldata_bytes as f64 / honest.l2_txs as f64);
    assert!(optimistic.l1_bytes_per_tx > 64.0 + PUBDATA_SLOT_BYTES as f64, "{}", optimistic.l1_bytes_per_tx);
    // Soft confirmation: the same modelled network delay for every design.
    for d in &c.designs {
        assert_eq!(d.soft_confirmation_seconds, Spread::exact(workload.network_delay_seconds), "{}", d.name);
    }
    assert!(zk.notes.iter().any(|n| n.contains("modelled, not measured")));

    let dir = scratch("zk-report");
    let written = report::write_all(&dir, Some(&c), None, None).unwrap();
    let html = std::fs::read_to_string(written.last().unwrap()).unwrap();
    assert!(html.contains("<svg") && html.contains("zk rollup (calldata)"));
    assert!(html.contains("different numbers of L2 transactions"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(json["designs"][0]["name"], "zk rollup (calldata)");
    assert_eq!(json["l2_tx_difference"], 3);
    let table = report::table(&c);
    assert!(table.contains("different numbers of L2 transactions") && table.contains("0.25 s"), "{table}");
    println!("{table}");
}

#[test]
fn the_study_measures_small_shapes_and_estimates_big_ones() {
    let tree = TreeShape::new(4, Arity::Quaternary).unwrap();
    let one = measure(BatchShape::new(tree, 1, ChainId::DEFAULT).unwrap()).unwrap().constraints;
    let cfg = StudyConfig {
        batch_sizes: vec![1, 4, 64],
        depths: vec![4],
        seed: 5,
        max_prove_constraints: one,
        prove_runs: 1,
        verify_runs: 2,
    };
    let rows = proof_costs(&cfg, &mut Silent).unwrap();
    assert_eq!(rows.len(), 3);
    let (small, mid, big) = (&rows[0], &rows[1], &rows[2]);

    assert_eq!((small.depth, small.batch_size, small.constraints), (4, 1, one));
    assert!(!small.estimated && small.basis.is_none());
    assert!(small.synthesised);
    assert!(small.setup_seconds.unwrap() > 0.0 && small.prove_seconds.unwrap() > 0.0);
    assert_eq!(small.prove_runs_seconds.len(), 1);
    assert!(small.verify_ms.unwrap() > 0.0);
    assert!(small.pk_bytes_uncompressed.unwrap() > small.pk_bytes_compressed.unwrap());
    assert!(small.vk_bytes.unwrap() > 0 && small.matrices_bytes.unwrap() > 0);
    assert!(small.cores >= 1 && small.rayon_threads >= 1);
    let b = small.breakdown;
    assert!(b.signature + b.merkle_paths + b.leaves + b.range_checks + b.public_data_hash <= small.constraints);
    // Gas per transaction: calldata costs more L1 gas than blobs; both amortise the proof check.
    let (calldata, blobs) = (small.gas_per_tx_calldata.unwrap(), small.gas_per_tx_blobs.unwrap());
    assert!(calldata > 181_000.0 && blobs > 181_000.0, "{calldata} {blobs}");
    assert!(mid.gas_per_tx_calldata.unwrap() < calldata / 2.0);
    assert!(small.blob_gas_per_tx.unwrap() >= 131_072.0);

    for est in [mid, big] {
        assert!(est.constraints > cfg.max_prove_constraints);
        assert!(est.estimated);
        let basis = est.basis.as_deref().unwrap();
        assert!(basis.contains("depth 4, batch 1"), "{basis}");
        let scale = est.constraints as f64 / small.constraints as f64;
        let prove = est.prove_seconds.unwrap();
        assert!((prove - small.prove_seconds.unwrap() * scale).abs() < 1e-9 * prove.max(1.0));
        assert!(est.setup_seconds.unwrap() > small.setup_seconds.unwrap());
        assert!(est.prove_runs_seconds.is_empty());
    }
    assert!(mid.synthesised && !big.synthesised);
    // A 2^4 tree holds 16 accounts; the gas probe for 64 slots funds 64.
    assert!(big.gas_per_tx_calldata.is_none() && big.gas_note.as_deref().unwrap().contains("16"));

    let dir = scratch("study");
    let written = report::write_all(&dir, None, Some(&rows), None).unwrap();
    let html = std::fs::read_to_string(written.last().unwrap()).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    println!("{}", report::study_table(&rows));
}
