//! Scenarios end to end: honest, offline validators (fail-over and halt), a colluding coalition above and at
//! or below 2/3, equivocation, rotation.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::validators::more_than_two_thirds;

fn small(scheme: SignatureScheme, attack: Attack) -> Scenario {
    Scenario {
        validators: 7,
        checkpoint_every: 4,
        scheme,
        attack,
        users: 3,
        l2_txs: 8,
        withdrawal_share: 0.5,
        tree: TreeShape::new(4, ledger::Arity::Binary).unwrap(),
        ..Scenario::default()
    }
}

fn check_honest(r: &Report) {
    assert!(!r.halted);
    assert!(r.eth_conserved && r.bridge_solvent, "{r:?}");
    assert_eq!(r.unbacked_wei, 0);
    assert_eq!(r.rejected_txs, 0);
    assert_eq!(r.withdrawals_paid, r.withdrawals);
    assert!(r.withdrawals > 0);
    assert_eq!(r.replay_refused, Some(true));
    assert_eq!(r.stolen_wei, 0);
}

#[test]
fn honest_runs_pay_every_withdrawal_in_both_modes() {
    for scheme in [SignatureScheme::Ecdsa, SignatureScheme::Bls] {
        let r = run(&small(scheme, Attack::None), &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
        check_honest(&r);
        assert_eq!(r.l2_txs, 3 + 8);
        assert_eq!(r.failed_rounds, 0);
        assert!(r.soft_finality_seconds.max <= 4.0, "a tx waits at most one block for the next proposal");
        assert!(r.checkpoints >= 2 && r.checkpoint_gas > 0);
        // Paid after the checkpoint's L1 block is final: 13 to 19 minutes after it.
        assert!(r.withdrawal_latency_seconds.median >= 13.0 * 60.0, "{:?}", r.withdrawal_latency_seconds);
    }
}

#[test]
fn offline_validators_slow_the_chain_and_above_a_third_halt_it() {
    let scenario = small(SignatureScheme::Ecdsa, Attack::Offline { stake_fraction: 0.3 });
    let r = run(&scenario, &mut ChaCha20Rng::seed_from_u64(2)).unwrap();
    check_honest(&r);
    assert!(r.online_stake < r.total_stake);
    assert!(r.failed_rounds > 0, "an offline validator's turn times out");
    assert!(r.block_interval_seconds.max >= 5.0);
    let scenario = small(SignatureScheme::Ecdsa, Attack::Offline { stake_fraction: 0.6 });
    let r = run(&scenario, &mut ChaCha20Rng::seed_from_u64(2)).unwrap();
    assert!(r.halted && r.blocks == 0, "{r:?}");
    assert!(r.halt_reason.as_deref().unwrap_or_default().contains("halted at height 1"));
    assert!(r.eth_conserved && r.bridge_solvent);
    assert_eq!(r.withdrawals_paid, 0);
}

#[test]
fn a_supermajority_coalition_drains_the_bridge_and_a_smaller_one_cannot() {
    for scheme in [SignatureScheme::Ecdsa, SignatureScheme::Bls] {
        let scenario = small(scheme, Attack::Collude { stake_fraction: 0.9 });
        let r = run(&scenario, &mut ChaCha20Rng::seed_from_u64(3)).unwrap();
        let t = r.theft.as_ref().unwrap();
        assert!(more_than_two_thirds(t.coalition_stake, t.total_stake));
        assert!(t.forged_checkpoint_accepted);
        // Every deposit is gone: 3 users of 1,000,000 units at a gwei each.
        assert_eq!(r.stolen_wei, 3 * 1_000_000 * 1_000_000_000);
        assert_eq!(t.victims.iter().map(|(_, w)| w).sum::<Wei>(), r.stolen_wei);
        assert!(t.seconds_to_drain <= 36, "three L1 slots: {}", t.seconds_to_drain);
        assert_eq!(r.unbacked_wei, r.stolen_wei);
        assert!(r.eth_conserved && r.bridge_solvent, "the ETH moved, none was created");

        let scenario = small(scheme, Attack::Collude { stake_fraction: 0.66 });
        let r = run(&scenario, &mut ChaCha20Rng::seed_from_u64(3)).unwrap();
        let t = r.theft.as_ref().unwrap();
        assert!(!more_than_two_thirds(t.coalition_stake, t.total_stake));
        assert!(!t.forged_checkpoint_accepted);
        assert!(t.refusal.as_ref().unwrap().contains("not more than 2/3"));
        check_honest(&r);
    }
}

#[test]
fn an_equivocator_is_slashed_and_a_rotation_hands_over_to_the_new_set() {
    let r = run(&small(SignatureScheme::Ecdsa, Attack::Equivocate), &mut ChaCha20Rng::seed_from_u64(4)).unwrap();
    check_honest(&r);
    let e = r.equivocation.as_ref().unwrap();
    assert!(e.slashed_wei > 0 && e.reporter_reward_wei == e.slashed_wei / 2 && e.replay_refused);
    assert!(e.evidence_gas > 2 * 3_000);

    let scenario = Scenario { rotation: true, ..small(SignatureScheme::Bls, Attack::None) };
    let r = run(&scenario, &mut ChaCha20Rng::seed_from_u64(5)).unwrap();
    check_honest(&r);
    let rot = r.rotation.as_ref().unwrap();
    assert_eq!(rot.new_set_id, 1);
    assert!(rot.checkpoints_by_new_set > 0 && rot.stake_returned > 0);
}

/// 1,000 seeded small scenarios (4 to 10 validators, checkpoints every 2 to 4 blocks, 2 or 3 users, a few
/// transactions, one BLS bridge in four), each honest, with offline validators, with a coalition or with an
/// equivocator. Whatever happens, ETH is conserved on L1 and the bridge holds what it owes; no forged
/// checkpoint is accepted unless its signers hold more than 2/3 of the stake (checked here with plain
/// integers); a coalition above 2/3 is reported with everything the bridge held stolen; otherwise every
/// withdrawal is paid exactly once and the sidechain's balances are backed to the wei.
#[test]
fn property_no_checkpoint_below_the_threshold_and_every_withdrawal_paid_once() {
    // Two workers over the even and the odd seeds.
    let counts: Vec<(usize, usize, usize)> = std::thread::scope(|s| {
        let workers: Vec<_> =
            (0..2u64).map(|w| s.spawn(move || property_seeds((0..1_000u64).filter(|x| x % 2 == w)))).collect();
        workers.into_iter().map(|h| h.join().expect("a worker panicked")).collect()
    });
    let (thefts, refused, halts) = counts.iter().fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    assert!(thefts > 50 && refused > 20 && halts > 20, "coverage: {thefts} thefts, {refused} refusals, {halts} halts");
}

/// The property over some seeds; returns how many thefts, refused forgeries and halts it saw.
fn property_seeds(seeds: impl Iterator<Item = u64>) -> (usize, usize, usize) {
    use std::collections::BTreeMap;
    let tree = TreeShape::new(4, ledger::Arity::Binary).unwrap();
    let mut plans: BTreeMap<(u32, usize), Plan> = BTreeMap::new();
    let (mut thefts, mut refused, mut halts) = (0, 0, 0);
    for seed in seeds {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let users = rng.gen_range(2..=3u32);
        let txs = rng.gen_range(2..=4usize);
        let attack = match rng.gen_range(0..4) {
            0 => Attack::None,
            1 => Attack::Offline { stake_fraction: rng.gen_range(0.0..0.5) },
            2 => Attack::Collude { stake_fraction: rng.gen_range(0.5..1.0) },
            _ => Attack::Equivocate,
        };
        let scenario = Scenario {
            validators: rng.gen_range(4..=10),
            checkpoint_every: rng.gen_range(2..=4),
            scheme: if seed % 10 == 0 { SignatureScheme::Bls } else { SignatureScheme::Ecdsa },
            attack,
            users,
            l2_txs: txs,
            withdrawal_share: 0.5,
            deposit_units: 1_000,
            tree,
            ..Scenario::default()
        };
        let plan = plans.entry((users, txs)).or_insert_with(|| {
            let mut plan_rng = ChaCha20Rng::seed_from_u64(u64::from(users) * 100 + txs as u64);
            Plan::generate(
                tree,
                ChainId::DEFAULT,
                users,
                TxAmount::new(1_000).unwrap(),
                txs,
                Mix { withdrawal_share: 0.5 },
                &mut plan_rng,
            )
            .unwrap()
        });
        let r = run_with_plan(&scenario, plan, &mut rng).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let ctx = format!("seed {seed}: {scenario:?} -> {r:?}");
        assert!(r.eth_conserved && r.bridge_solvent, "{ctx}");
        assert_eq!(r.rejected_txs, 0, "{ctx}");
        // Halting: exactly when the online stake is 2/3 of the total or less.
        assert_eq!(r.halted, r.online_stake * 3 <= r.total_stake * 2, "{ctx}");
        let deposits = Wei::from(users) * 1_000 * 1_000_000_000;
        match &r.theft {
            Some(t) => {
                let supermajority = t.coalition_stake * 3 > t.total_stake * 2;
                assert_eq!(t.forged_checkpoint_accepted, supermajority, "{ctx}");
                if supermajority {
                    thefts += 1;
                    assert_eq!(r.stolen_wei, deposits, "{ctx}");
                    assert_eq!(r.unbacked_wei, r.stolen_wei, "{ctx}");
                    assert_eq!(t.victims.iter().map(|(_, w)| *w).sum::<Wei>(), r.stolen_wei, "{ctx}");
                    continue;
                }
                refused += 1;
            }
            None => assert_eq!(r.stolen_wei, 0, "{ctx}"),
        }
        if r.halted {
            halts += 1;
            assert_eq!(r.withdrawals_paid, 0, "{ctx}");
            continue;
        }
        assert_eq!(r.withdrawals_paid, r.withdrawals, "{ctx}");
        assert_eq!(r.unbacked_wei, 0, "{ctx}");
        if r.withdrawals > 0 {
            assert_eq!(r.replay_refused, Some(true), "{ctx}");
        }
    }
    (thefts, refused, halts)
}
