//! Scenario tests of the driver: honest runs, withholding, invalid transactions, offline victims, cheaters.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn go(s: &Scenario, seed: u64) -> Report {
    run(s, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap()
}

#[test]
fn smoke() {
    for attack in [Attack::None, Attack::Withhold, Attack::InvalidTx] {
        let r = go(&Scenario { attack, offline_share: 0.25, cheaters: 1, ..Scenario::default() }, 1);
        eprintln!("{}", serde_json::to_string_pretty(&r).unwrap());
    }
}
