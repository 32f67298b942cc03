//! Validators: their keys (an Ethereum account key, which signs ECDSA checkpoints and votes, and a BLS key),
//! their stake drawn from a seeded distribution, and the one threshold rule of the design, "more than two
//! thirds of the stake", in integer arithmetic.

use ark_std::rand::{CryptoRng, Rng, RngCore};
use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::{Address, Wei, ETHER};
use serde::{Deserialize, Serialize};

use crate::bls::{BlsPublicKey, BlsSecretKey};
use crate::contract::{BlsRegistration, BridgeCall, SignatureScheme};
use crate::error::Result;

/// `a · k` for a small `k`, as a 256-bit number `(high, low)`.
fn mul_small(a: u128, k: u128) -> (u128, u128) {
    const MASK: u128 = (1 << 64) - 1;
    let low_part = (a & MASK) * k; // < 2^66
    let high_part = (a >> 64) * k; // < 2^66
    let (low, carry) = low_part.overflowing_add((high_part & MASK) << 64);
    ((high_part >> 64) + u128::from(carry), low)
}

/// Whether `part` is strictly more than two thirds of `total`: `3 · part > 2 · total`, exactly, with no
/// float and no overflow. A zero total has no supermajority.
pub fn more_than_two_thirds(part: Wei, total: Wei) -> bool {
    total > 0 && mul_small(part, 3) > mul_small(total, 2)
}

/// Whether `part` is strictly more than one third of `total`: `3 · part > total`.
pub fn more_than_one_third(part: Wei, total: Wei) -> bool {
    total > 0 && mul_small(part, 3) > (0, total)
}

/// How stakes are drawn: a minimum stake times a Pareto-distributed factor (shape `alpha`), capped, so a
/// few validators hold much of the stake as on real proof-of-stake chains.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StakeDistribution {
    /// The smallest stake.
    pub min_stake: Wei,
    /// Pareto shape (smaller: more concentrated).
    pub alpha: f64,
    /// The largest factor over the minimum.
    pub max_factor: f64,
}

impl Default for StakeDistribution {
    /// 32 ETH minimum (Ethereum's validator deposit), shape 1.5, at most 100 times the minimum.
    fn default() -> Self {
        StakeDistribution { min_stake: 32 * ETHER, alpha: 1.5, max_factor: 100.0 }
    }
}

impl StakeDistribution {
    /// One stake, in whole thousandths of the minimum.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Wei {
        let u: f64 = rng.gen_range(0.0..1.0);
        let alpha = if self.alpha.is_finite() && self.alpha > 0.0 { self.alpha } else { 1.5 };
        let cap = if self.max_factor.is_finite() && self.max_factor >= 1.0 { self.max_factor } else { 1.0 };
        let factor = (1.0 - u).powf(-1.0 / alpha).clamp(1.0, cap);
        let milli = (factor * 1000.0).round() as u128;
        self.min_stake / 1000 * milli
    }
}

/// A validator as its operator holds it: keys and stake.
#[derive(Debug, Clone)]
pub struct Validator {
    /// Its L1 account key: signs ECDSA checkpoints and consensus votes; its address is the validator's
    /// identity on L1.
    pub eth: EthKey,
    /// Its BLS key.
    pub bls: BlsSecretKey,
    /// Its BLS public key, computed once.
    pub bls_public: BlsPublicKey,
    /// Wei it stakes on L1.
    pub stake: Wei,
}

impl Validator {
    /// A validator with fresh keys from `rng` and `stake`.
    ///
    /// # Errors
    /// Never in practice (the signature is kept for key schemes that can fail).
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R, stake: Wei) -> Result<Validator> {
        let eth = EthKey::random(rng);
        let bls = BlsSecretKey::random(rng);
        let bls_public = bls.public_key();
        Ok(Validator { eth, bls, bls_public, stake })
    }

    /// Its L1 address.
    pub fn address(&self) -> Address {
        self.eth.address()
    }

    /// Its BLS key with a fresh proof of possession, as a registration carries them.
    ///
    /// # Errors
    /// As [`BlsSecretKey::proof_of_possession`].
    pub fn bls_registration(&self) -> Result<BlsRegistration> {
        Ok(BlsRegistration { key: self.bls_public, pop: self.bls.proof_of_possession()? })
    }

    /// The registration call for a bridge of `scheme`: an ECDSA bridge needs no BLS key (the address is the
    /// signer), a BLS bridge needs the key and its proof of possession.
    ///
    /// # Errors
    /// As [`Validator::bls_registration`].
    pub fn register_call(&self, scheme: SignatureScheme) -> Result<BridgeCall> {
        let bls = match scheme {
            SignatureScheme::Ecdsa => None,
            SignatureScheme::Bls => Some(self.bls_registration()?),
        };
        Ok(BridgeCall::Register { bls })
    }
}

/// `n` validators with stakes from `distribution`.
///
/// # Errors
/// Never in practice (the signature is kept for key schemes that can fail).
pub fn generate<R: RngCore + CryptoRng>(
    n: usize,
    distribution: &StakeDistribution,
    rng: &mut R,
) -> Result<Vec<Validator>> {
    (0..n)
        .map(|_| {
            let stake = distribution.draw(rng);
            Validator::random(rng, stake)
        })
        .collect()
}

/// A subset of `stakes` chosen in a seeded random order, adding each validator only while the subset's stake
/// stays at most `fraction` of the total (compared in parts per million). Used to pick a colluding
/// coalition or the validators that go offline. Returns the chosen indices, ascending.
pub fn pick_by_stake<R: Rng + ?Sized>(stakes: &[Wei], fraction: f64, rng: &mut R) -> Vec<usize> {
    let total: Wei = stakes.iter().sum();
    let ppm = if fraction.is_finite() { (fraction.clamp(0.0, 1.0) * 1e6).round() as u128 } else { 0 };
    let mut order: Vec<usize> = (0..stakes.len()).collect();
    for i in (1..order.len()).rev() {
        let j = rng.gen_range(0..=i);
        order.swap(i, j);
    }
    let mut chosen = Vec::new();
    let mut sum: Wei = 0;
    for i in order {
        let next = sum + stakes[i];
        // next / total <= ppm / 1e6, in integers: both sides fit u128 for any real stake.
        if next.saturating_mul(1_000_000) <= total.saturating_mul(ppm) {
            sum = next;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn two_thirds_is_strict_and_exact() {
        assert!(!more_than_two_thirds(2, 3));
        assert!(more_than_two_thirds(3, 4));
        assert!(!more_than_two_thirds(0, 0));
        assert!(!more_than_two_thirds(200, 300));
        assert!(more_than_two_thirds(201, 300));
        // Near u128::MAX: no overflow, still exact.
        let t = u128::MAX;
        let two_thirds = t / 3 * 2; // t = 3k exactly? u128::MAX = 3 · 113427455640312821154458202477256070485
        assert_eq!(t % 3, 0);
        assert!(!more_than_two_thirds(two_thirds, t));
        assert!(more_than_two_thirds(two_thirds + 1, t));
        assert!(more_than_one_third(t / 3 + 1, t) && !more_than_one_third(t / 3, t));
    }

    #[test]
    fn stakes_are_seeded_and_picks_stay_under_the_fraction() {
        let d = StakeDistribution::default();
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let stakes: Vec<Wei> = (0..100).map(|_| d.draw(&mut rng)).collect();
        assert!(stakes.iter().all(|s| *s >= d.min_stake && *s <= 100 * d.min_stake));
        let total: Wei = stakes.iter().sum();
        let picked = pick_by_stake(&stakes, 0.4, &mut rng);
        let sum: Wei = picked.iter().map(|&i| stakes[i]).sum();
        assert!(sum * 10 <= total * 4 && sum * 10 > total * 3, "close to and at most 40%: {sum} of {total}");
        assert!(pick_by_stake(&stakes, 0.0, &mut rng).is_empty());
        assert_eq!(pick_by_stake(&stakes, 1.0, &mut rng).len(), 100);
    }
}
