//! Scenario tests of the driver and the property test over a thousand seeded small scenarios.

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn go(s: &Scenario, seed: u64) -> Report {
    run(s, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap()
}

fn sound(r: &Report) {
    assert!(r.eth_conserved, "ETH conserved to the wei");
    assert!(r.contract_solvent, "contract ETH = vault + bonds + credits");
    assert!(!r.output_paid_twice);
    assert!(r.spent_exits_challenged);
}

#[test]
fn honest_operator_withdrawals_take_the_exit_period() {
    let s = Scenario { payments: 16, withdrawal_share: 0.4, ..Scenario::default() };
    let r = go(&s, 3);
    sound(&r);
    assert!(r.online_users_whole && r.attack_detected.is_none());
    assert!(r.withdrawal_latency_seconds.count > 0 && r.failed_to_exit == 0, "{r:?}");
    assert!(r.withdrawal_latency_seconds.median >= s.min_exit_period as f64);
    assert!(r.withdrawal_latency_seconds.max <= 2.0 * s.min_exit_period as f64 + 3600.0);
    assert_eq!(r.challenges, 0);
    assert!(r.l1_gas_per_tx > 0.0 && r.exit_gas > 100_000.0);
    assert_eq!(r.unsent_payments, 0);
}

#[test]
fn withholding_honest_users_exit_in_flight_in_priority_order() {
    // Everyone online: the withheld block's transactions leave by in-flight exits, the older outputs by
    // standard exits, all before the operator's exit of what it stole, which finds the vault empty.
    let s = Scenario { attack: Attack::Withhold, attack_block: 2, payments: 16, ..Scenario::default() };
    let r = go(&s, 5);
    sound(&r);
    assert_eq!(r.attack_detected.map(|d| d.1), Some(Fault::Withheld));
    assert!(r.in_flight_exits > 0 && r.piggybacks > 0, "{r:?}");
    assert!(r.online_users_whole, "{:?}", r.users);
    assert_eq!(r.operator_took, 0);
    let (last, honest) = r.processed.split_last().unwrap();
    assert!(!last.2, "the operator's exit comes last and is not paid: {:?}", r.processed);
    assert!(honest.iter().all(|p| p.2), "every honest exit before it is paid");
    assert_eq!(r.exited_in_time, r.users.iter().filter(|u| u.entitled > 0).count());
}

#[test]
fn an_offline_user_whose_output_is_stolen_loses_it() {
    for attack in [Attack::Withhold, Attack::InvalidTx] {
        let s = Scenario { attack, attack_block: 1, offline_share: 0.25, ..Scenario::default() };
        let r = go(&s, 7);
        sound(&r);
        let offline: Vec<_> = r.users.iter().filter(|u| !u.online).collect();
        assert_eq!(offline.len(), 1);
        assert!(offline[0].paid_out == 0 && offline[0].entitled > 0);
        assert!(r.operator_took > 0, "the operator's forged exit is paid from the offline user's funds: {r:?}");
        assert!(r.operator_took <= offline[0].entitled);
        assert!(r.online_users_whole, "online users still get everything: {:?}", r.users);
        assert_eq!(r.offline_loss, offline[0].entitled);
        assert_eq!(r.failed_to_exit, 1);
    }
}

#[test]
fn an_invalid_transaction_cannot_drain_a_watching_victim() {
    let s = Scenario { attack: Attack::InvalidTx, attack_block: 1, ..Scenario::default() };
    let r = go(&s, 11);
    sound(&r);
    assert_eq!(r.attack_detected.map(|d| d.1), Some(Fault::Invalid));
    assert!(r.forged_challenges_refused >= 1, "the operator's forged challenge of the victim's exit reverts");
    assert_eq!(r.operator_took, 0);
    assert!(r.online_users_whole);
}

#[test]
fn a_cheater_exiting_a_spent_output_loses_its_bond() {
    let s = Scenario { cheaters: 2, payments: 16, ..Scenario::default() };
    let r = go(&s, 13);
    sound(&r);
    // Each cheater that got to cheat loses its standard exit bond, its in-flight exit bond (non-canonical:
    // the included spend is older) and its input piggyback bond (the input was spent); the output piggyback
    // bond comes back.
    let per_cheat = s.standard_exit_bond + s.in_flight_exit_bond + s.piggyback_bond;
    assert!(r.challenges >= 3 && r.cheater_bonds_lost >= per_cheat, "{r:?}");
    assert_eq!(r.cheater_bonds_lost % per_cheat, 0, "{r:?}");
    assert!(r.in_flight_exits >= 1 && r.piggybacks >= 2);
    assert!(r.users.iter().filter(|u| u.cheater).all(|u| u.paid_out == u.withdrawals_made));
}

/// The "done when" property, over 1,000 seeded small scenarios (a one-day exit period keeps each fast):
/// online honest users never lose funds, every exit of a spent output is challenged and its bond taken, no
/// output is paid twice, an invalid transaction cannot drain users who exit in time, ETH is conserved.
#[test]
fn property_a_thousand_small_scenarios() {
    let mut meta = ChaCha20Rng::seed_from_u64(2024);
    let (mut attacked, mut ifes, mut cheats, mut thefts) = (0, 0, 0, 0);
    for seed in 0..1000u64 {
        let attack = [Attack::None, Attack::Withhold, Attack::InvalidTx][meta.gen_range(0..3)];
        let s = Scenario {
            users: meta.gen_range(2..=4),
            payments: meta.gen_range(0..=6),
            withdrawal_share: 0.3,
            block_size: meta.gen_range(1..=3),
            attack,
            attack_block: meta.gen_range(0..=2),
            offline_share: [0.0, 0.25, 0.5][meta.gen_range(0..3)],
            cheaters: meta.gen_range(0..=1),
            min_exit_period: 24 * 3600,
            ..Scenario::default()
        };
        let r = run(&s, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let ctx = || format!("seed {seed}, {s:?}: {r:?}");
        assert!(r.eth_conserved && r.contract_solvent, "{}", ctx());
        assert!(!r.output_paid_twice, "{}", ctx());
        assert!(r.spent_exits_challenged, "{}", ctx());
        assert!(r.online_users_whole, "{}", ctx());
        let cheated = r.users.iter().filter(|u| u.cheater).count();
        let most = s.standard_exit_bond + s.in_flight_exit_bond + 2 * s.piggyback_bond;
        assert!(r.cheater_bonds_lost <= cheated as Wei * most, "{}", ctx());
        if attack != Attack::None {
            attacked += 1;
            // The operator takes at most what offline users left behind.
            assert!(r.operator_took <= r.offline_loss, "{}", ctx());
        }
        ifes += r.in_flight_exits;
        cheats += usize::from(r.cheater_bonds_lost > 0);
        thefts += usize::from(r.operator_took > 0);
    }
    assert!(attacked > 500 && ifes > 100 && cheats > 50 && thefts > 50, "{attacked} {ifes} {cheats} {thefts}");
}

#[test]
fn more_users_than_deposit_blocks_between_two_child_blocks() {
    // 999 deposit blocks fit between two child blocks: the operator commits an empty block to make room.
    let s = Scenario { users: 1_000, payments: 20, block_size: 8, deposit: ETHER / 1_000, ..Scenario::default() };
    let r = go(&s, 17);
    sound(&r);
    assert_eq!(r.deposits, 1_000);
    assert!(r.online_users_whole);
}
