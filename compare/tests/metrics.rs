//! Metrics that can be checked by hand, on test doubles (fast).

mod common;

use common::WindowDesign;
use compare::metrics::{max_l1_finality_seconds, min_l1_finality_seconds, throughput_ceiling};
use compare::{compare, compare_on, throughput_ceiling_tps, Design, Spread, Workload};
use l1_contract_sim::fees::USABLE_BYTES_PER_BLOB;
use l1_contract_sim::{ChainConfig, FinalityRule};
use prover::Silent;

#[test]
fn throughput_ceiling_is_the_gas_limit_over_gas_per_tx_per_slot() {
    let chain = ChainConfig::default();
    // 36,000,000 gas / 450 gas / 12 s = 6,666.67 tx/s.
    let tps = throughput_ceiling_tps(&chain, 450.0, None);
    assert!((tps - 36_000_000.0 / 450.0 / 12.0).abs() < 1e-9, "{tps}");
    assert!((tps - 6_666.666_666).abs() < 1e-3);

    // Blobs: 9 blobs x 126,976 usable bytes / 13 bytes / 12 s = 7,325.5 tx/s, below the gas bound at 300 gas.
    assert_eq!(USABLE_BYTES_PER_BLOB, 126_976);
    let gas_bound = 36_000_000.0 / 300.0 / 12.0;
    let blob_bound = 9.0 * 126_976.0 / 13.0 / 12.0;
    assert!(blob_bound < gas_bound);
    let tps = throughput_ceiling_tps(&chain, 300.0, Some(13.0));
    assert!((tps - blob_bound).abs() < 1e-9, "{tps} vs {blob_bound}");
    // ... and the gas bound when gas is the tighter one.
    let tps = throughput_ceiling_tps(&chain, 50_000.0, Some(13.0));
    assert!((tps - 36_000_000.0 / 50_000.0 / 12.0).abs() < 1e-9);

    // A 60M gas limit (proposed) scales the gas bound.
    let bigger = ChainConfig { block_gas_limit: 60_000_000, ..chain };
    assert!((throughput_ceiling_tps(&bigger, 450.0, None) - 60_000_000.0 / 450.0 / 12.0).abs() < 1e-9);
    // Nothing measured, no ceiling.
    assert_eq!(throughput_ceiling_tps(&chain, 0.0, None), 0.0);

    let (_, basis) = throughput_ceiling(&chain, 300.0, Some(13.0));
    assert!(basis.contains("36000000") && basis.contains("9 blobs") && basis.contains("13.0 bytes"), "{basis}");
}

#[test]
fn l1_finality_bounds_follow_the_chain() {
    let chain = ChainConfig::default();
    // A block at an epoch's last slot is final at the first slot two epochs later: 65 slots; at its
    // first slot, 96 slots.
    assert_eq!(min_l1_finality_seconds(&chain), 65 * 12);
    assert_eq!(max_l1_finality_seconds(&chain), 96 * 12);
    assert!(min_l1_finality_seconds(&chain) >= 768);
    // Single-slot finality: one slot after the block, wherever it is in its epoch; a shorter Casper lag.
    let ssf = ChainConfig { finality: FinalityRule::SingleSlot, ..chain };
    assert_eq!((min_l1_finality_seconds(&ssf), max_l1_finality_seconds(&ssf)), (12, 12));
    let one_epoch = ChainConfig { finality_epochs: 1, ..chain };
    assert_eq!((min_l1_finality_seconds(&one_epoch), max_l1_finality_seconds(&one_epoch)), (33 * 12, 64 * 12));
}

#[test]
fn spread_is_median_and_max() {
    assert_eq!(Spread::of(&[3.0, 1.0, 2.0]), Spread { median: 2.0, max: 3.0 });
    assert_eq!(Spread::of(&[4.0, 1.0, 2.0, 3.0]), Spread { median: 2.5, max: 4.0 });
    assert_eq!(Spread::of(&[]), Spread::default());
    assert_eq!(Spread::exact(7.0), Spread { median: 7.0, max: 7.0 });
}

#[test]
fn optimistic_style_finality_is_inclusion_plus_the_window() {
    let week = 7.0 * 86_400.0;
    let mut designs: Vec<Box<dyn Design>> = vec![
        Box::new(WindowDesign::new("seven-day window", week, 1_000.0)),
        Box::new(WindowDesign::new("one-hour window", 3_600.0, 2_000.0)),
    ];
    let workload = Workload { txs: 5, ..Workload::default() };
    let c = compare(&mut designs, &workload, &mut Silent).unwrap();
    assert_eq!(c.chain, ChainConfig::default());
    assert_eq!(c.workload, workload);
    assert_eq!(c.designs.len(), 2);
    let (a, b) = (&c.designs[0], &c.designs[1]);
    assert_eq!(a.name, "seven-day window");
    assert_eq!(a.inclusion_seconds, Spread::exact(12.0));
    assert_eq!(a.finality_seconds.median, a.inclusion_seconds.median + week);
    assert_eq!(b.finality_seconds.max, b.inclusion_seconds.max + 3_600.0);
    // 36M / 1,000 / 12 = 3,000 tx/s; 36M / 2,000 / 12 = 1,500 tx/s.
    assert!((a.throughput_ceiling_tps - 3_000.0).abs() < 1e-9);
    assert!((b.throughput_ceiling_tps - 1_500.0).abs() < 1e-9);
    assert_eq!(a.capital_locked_wei, 10u128.pow(18));
}

#[test]
fn every_design_sees_the_same_randomness() {
    let workload = Workload::default();
    let mut designs: Vec<Box<dyn Design>> =
        vec![Box::new(WindowDesign::new("a", 1.0, 1.0)), Box::new(WindowDesign::new("b", 1.0, 1.0))];
    let c = compare(&mut designs, &workload, &mut Silent).unwrap();
    let draw = |i: usize| c.designs[i].details.iter().find(|d| d.name == "first draw").unwrap().value.clone();
    assert_eq!(draw(0), draw(1), "the second design got the generator the first had used");

    let mut direct = WindowDesign::new("c", 1.0, 1.0);
    let chain = ChainConfig::default();
    direct.run(&workload, &chain, &mut workload.rng(), &mut Silent).unwrap();
    assert_eq!(direct.first_draw.unwrap().to_string(), draw(0));
    let other = Workload { seed: 2, ..Workload::default() };
    direct.run(&other, &chain, &mut other.rng(), &mut Silent).unwrap();
    assert_ne!(direct.first_draw.unwrap().to_string(), draw(0));
}

#[test]
fn a_workload_that_cannot_run_is_refused() {
    let mut designs: Vec<Box<dyn Design>> = vec![Box::new(WindowDesign::new("a", 1.0, 1.0))];
    for bad in
        [Workload { accounts: 1, ..Workload::default() }, Workload { withdrawal_share: 1.5, ..Workload::default() }]
            .into_iter()
            .chain(
                [-0.5, f64::NAN, f64::INFINITY].map(|d| Workload { network_delay_seconds: d, ..Workload::default() }),
            )
    {
        let err = compare_on(&ChainConfig::default(), &mut designs, &bad, &mut Silent).unwrap_err();
        assert!(err.to_string().contains("invalid configuration"), "{err}");
    }
}

#[test]
fn soft_confirmation_is_the_network_delay_for_every_design() {
    let workload = Workload { network_delay_seconds: 0.4, ..Workload::default() };
    assert_eq!(workload.soft_confirmation(), Spread::exact(0.4));
    assert!(
        workload.soft_confirmation_note().contains("modelled, not measured")
            && workload.soft_confirmation_note().contains("0.4 s")
    );
    let mut designs: Vec<Box<dyn Design>> =
        vec![Box::new(WindowDesign::new("a", 1.0, 1.0)), Box::new(WindowDesign::new("b", 60.0, 2.0))];
    let c = compare(&mut designs, &workload, &mut Silent).unwrap();
    assert!(c.designs.iter().all(|d| d.soft_confirmation_seconds == Spread::exact(0.4)));
    // A workload written before the delay existed reads with the default.
    let old = r#"{"accounts":4,"txs":8,"withdrawal_share":0.25,"seconds_between_txs":1,"seed":1}"#;
    let read: Workload = serde_json::from_str(old).unwrap();
    assert_eq!(read, Workload::default());
    assert_eq!(read.network_delay_seconds, compare::metrics::DEFAULT_NETWORK_DELAY_SECONDS);
}
