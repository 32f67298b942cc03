//! The zk design and the proof-cost study on real proofs, on the smallest shapes (one zk scenario, one
//! small study: about half a minute in all).

mod common;

use circuits::info::measure;
use circuits::BatchShape;
use common::{scratch, WindowDesign};
use compare::metrics::min_l1_finality_seconds;
use compare::{compare, proof_costs, report, Design, StudyConfig, Workload, ZkDesign};
use l1_contract_sim::ChainConfig;
use ledger::{Arity, ChainId, TreeShape};
use prover::Silent;
use zk_rollup::contract::DataMode;

#[test]
fn a_real_zk_run_is_final_after_l1_finality_and_reports() {
    let workload = Workload { accounts: 2, txs: 1, withdrawal_share: 1.0, seconds_between_txs: 1, seed: 3 };
    let week = 7.0 * 86_400.0;
    let mut designs: Vec<Box<dyn Design>> = vec![
        Box::new(ZkDesign::new(1, 4, DataMode::Calldata)),
        Box::new(WindowDesign::new("optimistic (test double)", week, 2_000.0)),
        Box::new(compare::designs::OptimisticDesign::new(1, 4, 2)),
    ];
    let c = compare(&mut designs, &workload, &mut Silent).unwrap();
    let zk = &c.designs[0];
    assert_eq!(zk.name, "zk rollup (calldata)");
    // Two deposits and one withdrawal, one per batch.
    assert_eq!(zk.txs, 3);
    let chain = ChainConfig::default();
    let l1 = min_l1_finality_seconds(&chain) as f64;
    assert!(zk.inclusion_seconds.median >= 1.0);
    assert!(zk.finality_seconds.median >= zk.inclusion_seconds.median + l1, "{zk:?}");
    assert!(zk.finality_seconds.max >= zk.inclusion_seconds.max + l1);
    assert!(zk.finality_seconds.max >= 768.0);
    assert!(zk.withdrawal_latency_seconds.max > 0.0, "the withdrawal was paid");
    assert_eq!(zk.soft_confirmation_seconds.max, 0.0);
    assert_eq!(zk.capital_locked_wei, 0);
    // Every batch verifies a Groth16 proof on L1: at least the pairing check per transaction.
    assert!(zk.l1_gas_per_tx > 181_000.0, "{}", zk.l1_gas_per_tx);
    let expected = 36_000_000.0 / zk.l1_gas_per_tx / 12.0;
    assert!((zk.throughput_ceiling_tps - expected).abs() < 1e-9);
    assert!(zk.trust.contains("validity proofs") && zk.trust.contains("14 days"));
    assert_eq!(zk.worst_case_seconds, Some((14 * 86_400 + 12 + 1_152) as f64));
    assert!(zk.details.iter().any(|d| d.name == "constraints per batch"));
    // The zk rollup is final long before the optimistic one.
    assert!(zk.finality_seconds.max < c.designs[1].finality_seconds.median);
    // Both rollups ran the same plan: the same deposits and the same withdrawal (the optimistic
    // proposer also opens an account of its own).
    let optimistic = &c.designs[2];
    assert_eq!(optimistic.txs, zk.txs + 1);
    assert!(optimistic.finality_seconds.median >= week, "after the challenge window");
    assert!(optimistic.capital_locked_wei > 0);

    let dir = scratch("zk-report");
    let written = report::write_all(&dir, Some(&c), None, None).unwrap();
    let html = std::fs::read_to_string(written.last().unwrap()).unwrap();
    assert!(html.contains("<svg") && html.contains("zk rollup (calldata)"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(json["designs"][0]["name"], "zk rollup (calldata)");
    println!("{}", report::table(&c));
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
