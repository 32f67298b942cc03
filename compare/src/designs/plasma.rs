//! Plasma (More Viable Plasma) as a [`Design`]: the common workload through [`plasma::run`] with an honest
//! operator (the everyday figures), the same workload with an operator that withholds a block (the worst
//! case: every user exits, standard and in-flight exits, priority order), and the mass exit of
//! [`plasma::mass_exit`] — a thousand users exiting for real on the simulated L1, larger counts computed
//! with the measured gas per exit and the same EIP-1559 rule — whose points ride in the row's details
//! (see [`mass_exit_points`]) so that the HTML report can chart them.

use l1_contract_sim::{ChainConfig, GWEI};
use ledger::workload::{Mix, Plan};
use ledger::{Arity, ChainId, Transaction, TreeShape, TxAmount};
use plasma::mass_exit::{self, MassExitConfig, MassExitPoint};
use plasma::{Attack, Payment, Report, Scenario};
use prover::Progress;

use crate::error::{CompareError, Result};
use crate::metrics::{throughput_ceiling, DesignMetrics, Detail, OtherBound, SimRng, Workload};
use crate::runner::Design;

/// Where the mass-exit details start: `mass exit: <users> users, <days>-day period (<run|computed>)`.
pub const MASS_EXIT_PREFIX: &str = "mass exit: ";

/// Users of the mass exit run on the chain.
pub const MASS_EXIT_ON_CHAIN: [u64; 1] = [1_000];
/// Users of the computed mass exits.
pub const MASS_EXIT_COMPUTED: [u64; 4] = [10_000, 100_000, 1_000_000, 10_000_000];

/// Plasma with blocks of up to `block_size` transactions (or one per L1 slot), OMG's one-week exit
/// period and bonds. The workload's plan is generated on a 4-ary tree of `2^depth` accounts, as for the
/// rollups, so that every design runs the same transfers and withdrawals.
#[derive(Debug, Clone)]
pub struct PlasmaDesign {
    /// Most transactions per child block.
    pub block_size: usize,
    /// Depth of the tree the common plan is generated on.
    pub depth: u32,
    last: Option<(Report, Report, Vec<MassExitPoint>)>,
}

impl PlasmaDesign {
    /// Plasma of this block size.
    pub fn new(block_size: usize, depth: u32) -> Self {
        PlasmaDesign { block_size, depth, last: None }
    }

    /// The last run: (honest, withholding, mass-exit points).
    pub fn last_reports(&self) -> Option<&(Report, Report, Vec<MassExitPoint>)> {
        self.last.as_ref()
    }

    fn err(&self, why: impl ToString) -> CompareError {
        CompareError::Design { design: self.name().into(), why: why.to_string() }
    }

    /// The common plan as UTXO payments: a transfer moves its units (1 gwei each) between the same users, a
    /// withdrawal pays the user to itself and exits that output.
    pub fn scenario(&self, workload: &Workload, rng: &mut SimRng) -> Result<Scenario> {
        let tree = TreeShape::new(self.depth, Arity::Quaternary).map_err(|e| self.err(e))?;
        let units = 1_000_000_000u64;
        let mix = Mix { withdrawal_share: workload.withdrawal_share };
        let amount = TxAmount::new(units).map_err(|e| self.err(e))?;
        let plan = Plan::generate(tree, ChainId::DEFAULT, workload.accounts, amount, workload.txs, mix, rng)
            .map_err(|e| self.err(e))?;
        let payments = plan
            .txs
            .iter()
            .filter_map(|t| match t {
                Transaction::Transfer(t) => Some(Payment::Transfer {
                    from: t.from.value(),
                    to: t.to.value(),
                    amount: u128::from(t.amount.units()) * GWEI,
                }),
                Transaction::Withdrawal(w) => {
                    Some(Payment::Withdraw { from: w.from.value(), amount: u128::from(w.amount.units()) * GWEI })
                }
                Transaction::Deposit(_) => None,
            })
            .collect();
        Ok(Scenario {
            users: workload.accounts,
            deposit: u128::from(units) * GWEI,
            workload: Some(payments),
            tx_interval_seconds: workload.seconds_between_txs.max(1),
            block_size: self.block_size,
            ..Scenario::default()
        })
    }

    /// Maps the runs into the comparison's metrics.
    pub fn metrics(
        &self,
        honest: &Report,
        withheld: &Report,
        mass: &[MassExitPoint],
        scenario: &Scenario,
        workload: &Workload,
        chain: &ChainConfig,
    ) -> Result<DesignMetrics> {
        for (what, r) in [("honest run", honest), ("withholding run", withheld)] {
            if !r.eth_conserved || !r.contract_solvent || !r.online_users_whole || r.output_paid_twice {
                return Err(self.err(format!(
                    "{what}: conserved {}, solvent {}, online users whole {}, paid twice {}",
                    r.eth_conserved, r.contract_solvent, r.online_users_whole, r.output_paid_twice
                )));
            }
        }
        let txs = honest.child_txs + honest.deposits;
        if txs == 0 {
            return Err(self.err("no transaction was carried"));
        }
        let (tps, basis) = throughput_ceiling(chain, honest.l1_gas_per_tx, None);
        let mep = scenario.min_exit_period as f64;
        let days = mep / 86_400.0;
        let exit_gas = honest.exit_gas.max(withheld.exit_gas);
        let detected = withheld.attack_detected.map_or(0, |d| d.0);
        let worst = withheld.simulated_seconds.saturating_sub(detected) as f64;
        let point = |n: u64, period: u64| mass.iter().find(|p| p.users == n && p.period_seconds == period);
        let week = scenario.min_exit_period;
        let mass_words = |n: u64| {
            point(n, week).map_or(String::new(), |p| {
                format!(
                    "{n} users: {:.1}% exit in time, base fee up to {:.0} gwei{}",
                    100.0 * p.share_in_time,
                    p.peak_base_fee_gwei,
                    if p.computed { " (computed)" } else { " (run)" }
                )
            })
        };
        let mut details = vec![
            Detail::new("transactions per block (at most)", self.block_size.to_string()),
            Detail::new("child blocks (honest run)", honest.blocks.to_string()),
            Detail::new("gas per standard exit (median)", format!("{:.0}", honest.exit_gas.max(withheld.exit_gas))),
            Detail::new("gas per in-flight exit (median)", format!("{:.0}", withheld.in_flight_exit_gas)),
            Detail::new("exit bond (wei)", scenario.standard_exit_bond.to_string()),
            Detail::new(
                "exits under withholding (standard / in-flight)",
                format!("{} / {}", withheld.standard_exits, withheld.in_flight_exits),
            ),
        ];
        details.extend(mass.iter().map(mass_exit_detail));
        Ok(DesignMetrics {
            name: self.name().to_string(),
            not_applicable: Vec::new(),
            other_bound: Some(OtherBound {
                name: "mass-exit capacity".into(),
                unit: "users who can exit within the exit period".into(),
                fixed_tps: None,
                l1_gas_per_unit: Some(exit_gas),
                window_seconds: Some(mep),
                basis: format!(
                    "computed: block gas limit x {days:.0}-day exit period / slot time / {exit_gas:.0} gas per \
                     standard exit (measured), every block full of exits"
                ),
            }),
            waits_for_l1_finality: true,
            txs,
            l1_gas_per_tx: honest.l1_gas_per_tx,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: honest.l1_calldata_bytes as f64 / txs as f64,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: workload.soft_confirmation(),
            inclusion_seconds: honest.inclusion_seconds.into(),
            finality_seconds: honest.finality_seconds.into(),
            withdrawal_latency_seconds: honest.withdrawal_latency_seconds.into(),
            throughput_ceiling_tps: tps,
            throughput_basis: format!(
                "{basis} (block roots only; the bound that binds is the mass exit: every user must fit an exit \
                 into the {days:.0}-day period)"
            ),
            capital_locked_wei: scenario.standard_exit_bond,
            capital_locked_seconds: mep,
            trust: format!(
                "operator for liveness and data; safety if every user (or a watcher for them) checks every block \
                 and exits within the {days:.0}-day period when a block is withheld or invalid"
            ),
            user_duties: "watch every block, keep your own transactions and their inclusion proofs, exit (with a \
                          bond) within the exit period when the operator misbehaves; offline users can lose funds"
                .into(),
            worst_case_under_attack: Some(format!(
                "the operator withholds a block: {} exits ({} in flight, {} piggybacks, {} users paid in full, \
                 {} not), the last paid {:.1} days after; mass exit with the {days:.0}-day period: {}; {}; {}",
                withheld.exits,
                withheld.in_flight_exits,
                withheld.piggybacks,
                withheld.exited_in_time,
                withheld.failed_to_exit,
                worst / 86_400.0,
                mass_words(1_000),
                mass_words(1_000_000),
                mass_words(10_000_000)
            )),
            worst_case_seconds: Some(worst),
            notes: vec![
                workload.soft_confirmation_note(),
                "soft confirmation is the operator's receipt; finality: the L1 finality of the block's root, safe \
                 only for users who watch"
                    .into(),
                format!(
                    "L1 gas per tx: the block submissions ({} calldata bytes) over child transactions and deposits; \
                     deposits, exits and challenges are listed apart",
                    honest.l1_calldata_bytes
                ),
                "L2 transactions: deposits plus child transactions (UTXO payments; a payment needing more than four \
                 inputs is preceded by a consolidation of outputs)"
                    .into(),
                "withdrawal: a payment to oneself, then a standard exit paid after the exit period (priority: max(block \
                 time + 2 periods, start + 1 period))"
                    .into(),
                "mass exit: run on the chain for 1,000 users; larger counts computed with the gas per exit measured \
                 there and the same EIP-1559 rule (labelled computed); other L1 traffic is modelled"
                    .into(),
                format!("capital locked: one exit bond per exit, for the {days:.0}-day period"),
            ],
            details,
        })
    }
}

/// A mass-exit point as a detail row: `mass exit: 1000 users, 7-day period (run)` →
/// `100.0% exit in time; base fee up to 2.0 gwei; 176183 gas per exit`.
pub fn mass_exit_detail(p: &MassExitPoint) -> Detail {
    Detail::new(
        format!(
            "{MASS_EXIT_PREFIX}{} users, {}-day period ({})",
            p.users,
            p.period_seconds as f64 / 86_400.0,
            if p.computed { "computed" } else { "run" }
        ),
        format!(
            "{:.3}% exit in time; base fee up to {:.3} gwei; {:.0} gas per exit",
            100.0 * p.share_in_time,
            p.peak_base_fee_gwei,
            p.exit_gas
        ),
    )
}

/// One point of the mass-exit chart, read back from a detail row.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    /// Users.
    pub users: f64,
    /// The period, days.
    pub period_days: f64,
    /// Share exiting in time, 0 to 1.
    pub share: f64,
    /// Peak base fee, gwei.
    pub peak_gwei: f64,
    /// Computed rather than run.
    pub computed: bool,
}

/// The mass-exit points of a comparison row (empty for a design that has none).
pub fn mass_exit_points(d: &DesignMetrics) -> Vec<ChartPoint> {
    let num = |s: &str| s.trim().trim_end_matches('%').parse::<f64>().ok();
    d.details
        .iter()
        .filter_map(|x| {
            let rest = x.name.strip_prefix(MASS_EXIT_PREFIX)?;
            let (users, rest) = rest.split_once(" users, ")?;
            let (days, kind) = rest.split_once("-day period (")?;
            let mut parts = x.value.split("; ");
            let share = num(parts.next()?.strip_suffix(" exit in time")?)? / 100.0;
            let peak = num(parts.next()?.strip_prefix("base fee up to ")?.strip_suffix(" gwei")?)?;
            Some(ChartPoint {
                users: num(users)?,
                period_days: num(days)?,
                share,
                peak_gwei: peak,
                computed: kind.starts_with("computed"),
            })
        })
        .collect()
}

impl Design for PlasmaDesign {
    fn name(&self) -> &str {
        "Plasma (MoreVP)"
    }

    fn run(
        &mut self,
        workload: &Workload,
        chain: &ChainConfig,
        rng: &mut SimRng,
        progress: &mut dyn Progress,
    ) -> Result<DesignMetrics> {
        super::require_default_chain(self.name(), chain)?;
        progress.stage("Plasma: honest operator");
        let scenario = self.scenario(workload, rng)?;
        let honest = plasma::run(&scenario, rng).map_err(|e| self.err(e))?;
        progress.stage("Plasma: the operator withholds a block");
        // The same plan again, the operator withholding its second block (or the last one).
        let mut again = workload.rng();
        let withhold = Scenario { attack: Attack::Withhold, attack_block: 1, ..self.scenario(workload, &mut again)? };
        let withheld = plasma::run(&withhold, &mut again).map_err(|e| self.err(e))?;
        progress.stage("Plasma: mass exit");
        let cfg = MassExitConfig::default();
        let mut mass =
            mass_exit::curve(&cfg, &MASS_EXIT_ON_CHAIN, &MASS_EXIT_COMPUTED, rng).map_err(|e| self.err(e))?;
        let gas = mass.first().map_or(0.0, |p| p.exit_gas);
        let day = MassExitConfig { min_exit_period: 24 * 3600, ..cfg };
        for n in MASS_EXIT_ON_CHAIN.iter().chain(&MASS_EXIT_COMPUTED) {
            mass.push(mass_exit::computed(&day, *n, gas).map_err(|e| self.err(e))?);
        }
        let metrics = self.metrics(&honest, &withheld, &mass, &scenario, workload, chain)?;
        self.last = Some((honest, withheld, mass));
        Ok(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_workload_runs_honest_withheld_and_mass_exit() {
        let workload = Workload { accounts: 4, txs: 8, withdrawal_share: 0.5, ..Workload::default() };
        let mut design = PlasmaDesign::new(4, 8);
        let t = std::time::Instant::now();
        let m =
            design.run(&workload, &ChainConfig::default(), &mut workload.rng(), &mut ledger::progress::Silent).unwrap();
        assert!(t.elapsed().as_secs_f64() < 10.0, "{:?}", t.elapsed());
        assert!(m.l1_gas_per_tx > 0.0 && m.txs >= 12, "{m:?}");
        assert!(m.withdrawal_latency_seconds.median >= 7.0 * 86_400.0, "{m:?}");
        assert_eq!(m.capital_locked_wei, plasma::contract::PlasmaParams::DEFAULT_STANDARD_EXIT_BOND);
        let points = mass_exit_points(&m);
        assert_eq!(points.len(), 10, "{points:?}");
        assert!(points.iter().any(|p| !p.computed && p.share == 1.0));
        assert!(points.iter().any(|p| p.users == 1e7 && p.share < 1.0), "ten million users do not fit");
        let svg = crate::report::charts::mass_exit_chart(&points).unwrap();
        assert!(svg.contains("<svg"));
    }

    #[test]
    fn mass_exit_details_read_back() {
        let p = MassExitPoint {
            users: 1_000_000,
            computed: true,
            exit_gas: 176_182.5,
            period_seconds: 7 * 86_400,
            exited_in_time: 530_000,
            failed_to_exit: 470_000,
            share_in_time: 0.53,
            peak_base_fee_gwei: 216.4,
            last_exit_seconds: 1,
            mean_fee_wei: 1.0,
            highest_cap_failed_gwei: Some(20.0),
        };
        let d = DesignMetrics {
            name: "p".into(),
            txs: 1,
            l1_gas_per_tx: 1.0,
            blob_gas_per_tx: 0.0,
            l1_bytes_per_tx: 0.0,
            blob_bytes_per_tx: 0.0,
            uses_blobs: false,
            soft_confirmation_seconds: Default::default(),
            inclusion_seconds: Default::default(),
            finality_seconds: Default::default(),
            withdrawal_latency_seconds: Default::default(),
            throughput_ceiling_tps: 0.0,
            throughput_basis: String::new(),
            capital_locked_wei: 0,
            capital_locked_seconds: 0.0,
            trust: String::new(),
            user_duties: String::new(),
            worst_case_under_attack: None,
            worst_case_seconds: None,
            not_applicable: Vec::new(),
            other_bound: None,
            waits_for_l1_finality: false,
            notes: vec![],
            details: vec![Detail::new("other", "x"), mass_exit_detail(&p)],
        };
        let back = mass_exit_points(&d);
        assert_eq!(
            back,
            vec![ChartPoint { users: 1e6, period_days: 7.0, share: 0.53, peak_gwei: 216.4, computed: true }]
        );
    }
}
