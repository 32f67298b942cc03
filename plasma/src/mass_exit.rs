//! The mass exit: the operator withholds a block and every user must exit before the minimum exit period
//! after it ends (an exit started later is queued behind the operator's own exit of whatever the withheld
//! block stole). How many make it depends on the L1: its block gas limit and the EIP-1559 base fee, which
//! rises 12.5% per full block under the exit wave.
//!
//! # Model
//! - Users hold one output each, made by the operator in one child block (transactions of one input and four
//!   outputs, as a payout would be); then the operator commits a block it withholds. From the next slot every
//!   user sends `startStandardExit` with its bond and a *maximum fee per gas*: user `k` of `n` will pay up to
//!   `low · (high / low)^((k + ½) / n)` ([`MassExitConfig::fee_cap_low_gwei`] to
//!   [`MassExitConfig::fee_cap_high_gwei`], log-uniform), and waits while the base fee is above it. Exits
//!   are included in arrival order (random) as long as the block has room ([`Mempool`]).
//! - The rest of Ethereum keeps using the chain: other traffic takes
//!   [`MassExitConfig::background_share`] of each block at the initial base fee and, spending the same wei
//!   per block, less as the fee rises (unit-elastic demand; modelled, not measured).
//! - An exit is in time when it is included no later than the withheld block's time plus the period.
//!
//! [`run_on_chain`] does this for real on the simulated L1 with the Plasma contract (every exit a metered
//! call, every block sealed by [`Chain`]). [`computed`] replays the same rule slot by slot for larger counts
//! from the per-exit gas a real run measured, with users grouped in fee tiers of equal size: the same gas
//! limit, the same [`fees::next_base_fee`], the same background; its points are labelled computed.

use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::fees;
use l1_contract_sim::{Address, Chain, ChainConfig, Contract, Env, Mempool, Revert, TxRequest, Wei, ETHER, GWEI};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::child::Block;
use crate::contract::{PlasmaCall, PlasmaContract, PlasmaEvent, PlasmaParams};
use crate::error::{PlasmaError, Result};
use crate::tx::{Output, PlasmaTx, SignedTx, UtxoPos, MAX_OUTPUTS};

/// Parameters of a mass exit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MassExitConfig {
    /// Minimum exit period: the window after the withheld block.
    pub min_exit_period: u64,
    /// Share of each block other L1 traffic wants at the initial base fee (0 to 1).
    pub background_share: f64,
    /// Lowest maximum fee per gas a user pays, gwei.
    pub fee_cap_low_gwei: f64,
    /// Highest maximum fee per gas a user pays, gwei.
    pub fee_cap_high_gwei: f64,
    /// Fee tiers of the computed model.
    pub tiers: usize,
    /// The L1.
    pub chain: ChainConfig,
}

impl Default for MassExitConfig {
    /// One week, half of each block taken by other traffic, users paying up to 2 to 200 gwei, 64 tiers,
    /// mainnet parameters (36M gas, 12 s slots, 1 gwei initial base fee).
    fn default() -> Self {
        MassExitConfig {
            min_exit_period: PlasmaParams::DEFAULT_MIN_EXIT_PERIOD,
            background_share: 0.5,
            fee_cap_low_gwei: 2.0,
            fee_cap_high_gwei: 200.0,
            tiers: 64,
            chain: ChainConfig::default(),
        }
    }
}

impl MassExitConfig {
    fn check(&self) -> Result<()> {
        let ok = (0.0..=1.0).contains(&self.background_share)
            && self.fee_cap_low_gwei > 0.0
            && self.fee_cap_high_gwei >= self.fee_cap_low_gwei
            && self.fee_cap_high_gwei.is_finite()
            && self.tiers > 0
            && self.min_exit_period >= self.chain.slot_seconds;
        if ok {
            Ok(())
        } else {
            Err(PlasmaError::InvalidScenario("mass exit: bad background share, fee caps, tiers or period".into()))
        }
    }

    /// The maximum fee per gas of user `k` of `n`, wei.
    pub fn fee_cap(&self, k: u64, n: u64) -> Wei {
        let q = (k as f64 + 0.5) / n.max(1) as f64;
        let gwei = self.fee_cap_low_gwei * (self.fee_cap_high_gwei / self.fee_cap_low_gwei).powf(q);
        (gwei * GWEI as f64) as Wei
    }

    /// Gas other traffic uses in a block at `base_fee`.
    pub fn background_gas(&self, base_fee: Wei) -> u64 {
        let full = self.background_share * self.chain.block_gas_limit as f64;
        let scale = (self.chain.initial_base_fee as f64 / base_fee.max(1) as f64).min(1.0);
        ((full * scale) as u64).max(l1_contract_sim::gas::TX_BASE).min(self.chain.block_gas_limit)
    }
}

/// One mass exit's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MassExitPoint {
    /// Users who had to exit.
    pub users: u64,
    /// Computed from a measured per-exit gas (`true`), or run on the chain.
    pub computed: bool,
    /// Gas per exit: measured (mean of the run's exits), or the figure the computation used.
    pub exit_gas: f64,
    /// The window, seconds.
    pub period_seconds: u64,
    /// Exits included in time.
    pub exited_in_time: u64,
    /// Users who did not get in in time.
    pub failed_to_exit: u64,
    /// `exited_in_time / users`.
    pub share_in_time: f64,
    /// Highest base fee during the window, gwei.
    pub peak_base_fee_gwei: f64,
    /// From the withheld block to the last exit included, seconds.
    pub last_exit_seconds: u64,
    /// Mean fee an exit paid, wei.
    pub mean_fee_wei: f64,
    /// Who failed: the highest maximum fee (gwei per gas) among users who did not get in (`None`: nobody
    /// failed). Those who will pay least are left behind.
    pub highest_cap_failed_gwei: Option<f64>,
}

/// Other L1 traffic: a call that uses the gas it is told to.
#[derive(Debug, Clone, Copy)]
struct Background;

impl Contract for Background {
    type Call = u64;
    type Event = ();

    fn address(&self) -> Address {
        Address::from_label("other-l1-traffic")
    }

    fn execute(&mut self, env: &mut Env<'_>, gas: u64) -> core::result::Result<Vec<()>, Revert> {
        env.charge("other L1 traffic", gas);
        Ok(Vec::new())
    }
}

fn send_ok(
    chain: &mut Chain,
    contract: &mut PlasmaContract,
    from: Address,
    value: Wei,
    call: PlasmaCall,
) -> Result<Vec<PlasmaEvent>> {
    let name = call.name();
    let tx = TxRequest::new(from, call.calldata(), call).with_value(value);
    let receipt = chain.send(contract, tx)?;
    receipt.outcome.map_err(|revert| PlasmaError::Reverted { call: name, revert })
}

/// Runs a mass exit of `users` users for real on the simulated L1.
///
/// # Errors
/// A bad configuration, more users than one block holds (2^16 transactions of three payouts each), or a
/// refused setup transaction.
pub fn run_on_chain(cfg: &MassExitConfig, users: u64, rng: &mut ChaCha20Rng) -> Result<MassExitPoint> {
    cfg.check()?;
    let per_tx = (MAX_OUTPUTS - 1) as u64;
    let txs = users.div_ceil(per_tx);
    let params_probe = PlasmaParams::new(Address::ZERO);
    if users == 0 || txs > 1u64 << params_probe.merkle_depth {
        return Err(PlasmaError::InvalidScenario(format!("mass exit: 1 to {} users", (1u64 << 16) * per_tx)));
    }
    let operator = EthKey::from_label("plasma-mass-exit-operator");
    let user_addr = |k: u64| Address::from_label(&format!("plasma-mass-exit-user-{k}"));
    let share: Wei = ETHER / 10;
    let mut chain = Chain::new(cfg.chain);
    chain.fund(operator.address(), Wei::from(users) * share + 10 * ETHER);
    for k in 0..users {
        chain.fund(user_addr(k), ETHER);
    }
    // Other traffic never runs out of ETH for fees.
    chain.fund(Address::from_label("other-l1-users"), 10_000_000 * ETHER);
    let params = PlasmaParams { min_exit_period: cfg.min_exit_period, ..PlasmaParams::new(operator.address()) };
    let bond = params.standard_exit_bond;
    let depth = params.merkle_depth;
    let mut contract = PlasmaContract::new(Address::from_label("plasma-mass-exit"), params);

    // One deposit, then one block paying every user from it.
    let total = Wei::from(users) * share;
    send_ok(&mut chain, &mut contract, operator.address(), total, PlasmaCall::Deposit)?;
    let payout_block = contract.next_child_block();
    let mut input = UtxoPos::new(1, 0, 0)?;
    let mut left = total;
    let mut block = Block { number: payout_block, txs: Vec::new() };
    let mut owned: Vec<(u64, UtxoPos)> = Vec::with_capacity(users as usize);
    for t in 0..txs {
        let mut outputs = Vec::new();
        for j in 0..per_tx {
            let k = t * per_tx + j;
            if k < users {
                outputs.push(Output { owner: user_addr(k), amount: share });
                owned.push((k, UtxoPos::new(payout_block, t, j)?));
                left -= share;
            }
        }
        if left > 0 {
            outputs.push(Output { owner: operator.address(), amount: left });
        }
        let n_out = outputs.len() as u64;
        block.txs.push(PlasmaTx::new(vec![input], outputs, 0)?.sign(&[&operator]));
        input = UtxoPos::new(payout_block, t, n_out.saturating_sub(1))?;
    }
    let tree = block.tree(depth).ok_or_else(|| PlasmaError::InvalidScenario("payout block too large".into()))?;
    send_ok(&mut chain, &mut contract, operator.address(), 0, PlasmaCall::SubmitBlock { root: tree.root() })?;
    chain.advance_slot();
    // The withheld block.
    send_ok(&mut chain, &mut contract, operator.address(), 0, PlasmaCall::SubmitBlock { root: [7u8; 32] })?;
    let withheld_at = chain.now();
    let deadline = withheld_at + cfg.min_exit_period;
    chain.advance_slot();

    let mut requests: Vec<(Wei, TxRequest<PlasmaCall>)> = Vec::with_capacity(owned.len());
    for &(k, pos) in &owned {
        let SignedTx { tx, .. } = &block.txs[pos.txindex() as usize];
        let proof = tree.proof(pos.txindex()).ok_or_else(|| PlasmaError::InvalidScenario("no proof".into()))?;
        let call = PlasmaCall::StartStandardExit { utxo_pos: pos, tx: tx.clone(), proof };
        requests.push((cfg.fee_cap(k, users), TxRequest::new(user_addr(k), call.calldata(), call).with_value(bond)));
    }
    requests.shuffle(rng);
    let mut done = vec![false; requests.len()];
    let mut background = Background;
    let (mut included, mut gas_sum, mut fee_sum, mut peak, mut last) = (0u64, 0u128, 0u128, 0u128, 0u64);
    while chain.now() <= deadline && included < users {
        let base = chain.base_fee();
        peak = peak.max(base);
        let bg = cfg.background_gas(base) - l1_contract_sim::gas::TX_BASE;
        chain.transact(&mut background, TxRequest::new(Address::from_label("other-l1-users"), Vec::new(), bg))?;
        let mut pool: Mempool<PlasmaCall> = Mempool::new();
        let mut who = Vec::new();
        for (i, (cap, req)) in requests.iter().enumerate() {
            if !done[i] && *cap >= base {
                pool.push(req.clone());
                who.push(i);
            }
        }
        if !pool.is_empty() {
            let index: std::collections::BTreeMap<Address, usize> =
                who.iter().map(|&i| (requests[i].1.from, i)).collect();
            for r in pool.include_pending(&mut chain, &mut contract) {
                if let (Some(&i), true) = (index.get(&r.from), r.succeeded()) {
                    done[i] = true;
                    included += 1;
                    gas_sum += u128::from(r.gas_used);
                    fee_sum += r.fee_paid;
                    last = r.timestamp - withheld_at;
                }
            }
        }
        chain.advance_slot();
    }
    Ok(MassExitPoint {
        users,
        computed: false,
        exit_gas: gas_sum as f64 / included.max(1) as f64,
        period_seconds: cfg.min_exit_period,
        exited_in_time: included,
        failed_to_exit: users - included,
        share_in_time: included as f64 / users as f64,
        peak_base_fee_gwei: peak as f64 / GWEI as f64,
        last_exit_seconds: last,
        mean_fee_wei: fee_sum as f64 / included.max(1) as f64,
        highest_cap_failed_gwei: requests
            .iter()
            .zip(&done)
            .filter(|(_, d)| !**d)
            .map(|((cap, _), _)| *cap as f64 / GWEI as f64)
            .reduce(f64::max),
    })
}

/// The same mass exit computed slot by slot for `users` users, each exit costing `exit_gas` (measured by
/// [`run_on_chain`]): users in [`MassExitConfig::tiers`] fee tiers of equal size, the willing tiers sharing
/// each block's room in proportion to who is left (random arrival order, on average).
///
/// # Errors
/// A bad configuration or a non-positive gas per exit.
pub fn computed(cfg: &MassExitConfig, users: u64, exit_gas: f64) -> Result<MassExitPoint> {
    cfg.check()?;
    if exit_gas.is_nan() || exit_gas < 1.0 || users == 0 {
        return Err(PlasmaError::InvalidScenario("mass exit: positive exit gas and users".into()));
    }
    let tiers = (cfg.tiers as u64).min(users) as usize;
    let gas = exit_gas.round() as u64;
    // Tier t holds users t·n/T .. (t+1)·n/T; its cap is that of its middle user.
    let mut left: Vec<u64> =
        (0..tiers as u64).map(|t| (t + 1) * users / tiers as u64 - t * users / tiers as u64).collect();
    let caps: Vec<Wei> = (0..tiers as u64)
        .map(|t| cfg.fee_cap((t * users / tiers as u64 + (t + 1) * users / tiers as u64) / 2, users))
        .collect();
    let limit = cfg.chain.block_gas_limit;
    let slots = cfg.min_exit_period / cfg.chain.slot_seconds;
    let mut base = cfg.chain.initial_base_fee;
    let (mut included, mut fee_sum, mut peak, mut last) = (0u64, 0f64, 0u128, 0u64);
    // Slot 0 is the withheld block's; exits start in slot 1, and the last slot in time is the deadline's.
    // The withheld block itself: other traffic plus the operator's submission, below the target.
    base = fees::next_base_fee(base, cfg.background_gas(base), limit);
    for slot in 1..=slots {
        peak = peak.max(base);
        let bg = cfg.background_gas(base);
        let room = (limit - bg) / gas;
        let willing: u64 = left.iter().zip(&caps).filter(|(_, c)| **c >= base).map(|(n, _)| *n).sum();
        let take = room.min(willing);
        if take > 0 {
            // Proportional shares, the remainder to the highest tiers first.
            let mut given = 0u64;
            let mut shares: Vec<u64> = left
                .iter()
                .zip(&caps)
                .map(
                    |(n, c)| {
                        if *c >= base {
                            (u128::from(*n) * u128::from(take) / u128::from(willing)) as u64
                        } else {
                            0
                        }
                    },
                )
                .collect();
            given += shares.iter().sum::<u64>();
            for t in (0..tiers).rev() {
                if given == take {
                    break;
                }
                if caps[t] >= base && left[t] > shares[t] {
                    shares[t] += 1;
                    given += 1;
                }
            }
            for t in 0..tiers {
                left[t] -= shares[t];
            }
            included += given;
            fee_sum += given as f64 * gas as f64 * base as f64;
            last = slot * cfg.chain.slot_seconds;
        }
        let used = bg + take * gas;
        base = fees::next_base_fee(base, used, limit);
        if left.iter().all(|&n| n == 0) {
            break;
        }
    }
    Ok(MassExitPoint {
        users,
        computed: true,
        exit_gas,
        period_seconds: cfg.min_exit_period,
        exited_in_time: included,
        failed_to_exit: users - included,
        share_in_time: included as f64 / users as f64,
        peak_base_fee_gwei: peak as f64 / GWEI as f64,
        last_exit_seconds: last,
        mean_fee_wei: fee_sum / included.max(1) as f64,
        highest_cap_failed_gwei: left
            .iter()
            .zip(&caps)
            .filter(|(n, _)| **n > 0)
            .map(|(_, c)| *c as f64 / GWEI as f64)
            .reduce(f64::max),
    })
}

/// The curve: a real run for each of `on_chain` (ascending), then the computed model for each of
/// `computed_sizes` with the per-exit gas the largest real run measured.
///
/// # Errors
/// As [`run_on_chain`] and [`computed`]; `on_chain` must not be empty.
pub fn curve(
    cfg: &MassExitConfig,
    on_chain: &[u64],
    computed_sizes: &[u64],
    rng: &mut ChaCha20Rng,
) -> Result<Vec<MassExitPoint>> {
    let mut points = Vec::new();
    for &n in on_chain {
        points.push(run_on_chain(cfg, n, rng)?);
    }
    let gas = points.last().map(|p| p.exit_gas).ok_or_else(|| PlasmaError::InvalidScenario("no real run".into()))?;
    for &n in computed_sizes {
        points.push(computed(cfg, n, gas)?);
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn a_thousand_users_exit_on_chain_and_the_model_agrees() {
        let cfg = MassExitConfig::default();
        let real = run_on_chain(&cfg, 1000, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
        assert_eq!(real.exited_in_time, 1000, "{real:?}");
        assert!(real.exit_gas > 100_000.0 && real.exit_gas < 300_000.0, "{real:?}");
        assert!(real.peak_base_fee_gwei > 1.0, "the wave raises the base fee: {real:?}");
        let model = computed(&cfg, 1000, real.exit_gas).unwrap();
        assert_eq!(model.exited_in_time, 1000);
        let ratio = model.peak_base_fee_gwei / real.peak_base_fee_gwei;
        assert!((0.7..1.4).contains(&ratio), "real {real:?} model {model:?}");
        assert!((model.last_exit_seconds as f64 - real.last_exit_seconds as f64).abs() <= 36.0, "{real:?} {model:?}");
    }

    #[test]
    fn a_short_window_leaves_users_behind_and_more_users_push_the_fee_up() {
        let cfg = MassExitConfig { min_exit_period: 3_600, ..MassExitConfig::default() };
        let small = computed(&cfg, 10_000, 160_000.0).unwrap();
        let large = computed(&cfg, 1_000_000, 160_000.0).unwrap();
        assert_eq!(small.failed_to_exit, 0);
        assert!(large.failed_to_exit > 900_000, "{large:?}");
        assert!(large.peak_base_fee_gwei > small.peak_base_fee_gwei);
        assert!(large.peak_base_fee_gwei <= cfg.fee_cap_high_gwei * 1.13, "nobody pays above its cap: {large:?}");
        assert_eq!(small.highest_cap_failed_gwei, None);
        let cutoff = large.highest_cap_failed_gwei.unwrap();
        assert!(cutoff < cfg.fee_cap_high_gwei, "those who pay most get out first: {large:?}");
    }
}
