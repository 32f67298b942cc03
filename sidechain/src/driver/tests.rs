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
