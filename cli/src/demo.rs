//! `rollup demo`: the zk rollup end to end on the simulated L1, with defaults that
//! finish in about a minute: users deposit ETH on L1, the operator proves every batch
//! with a real Groth16 proof (seeded, INSECURE development setup), the rollup contract
//! verifies each proof on L1 before it accepts the new root, and withdrawals are paid
//! out on L1. The summary is that of `rollup simulate zk`; the comparison with the
//! optimistic rollup takes its zk worst case from an exodus run with the same keys.

use std::time::Instant;

use anyhow::Result;
use clap::Args;
use prover::{Keys, Prover, SetupKind};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;
use zk_rollup::simulation::{ZkReport, ZkScenario};

use crate::output;
use crate::progress::Spinner;
use crate::simulate::{self, ScenarioArgs, SetupSource, ZkJson};
use crate::zk;

/// Arguments of `rollup demo`: a 4-ary tree, a quarter of the L2 transactions
/// withdrawals, a seeded INSECURE development setup.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Print the report as one line of JSON.
    #[arg(long)]
    json: bool,
}

/// The demo's JSON: that of `rollup simulate zk`, plus the proof size and wall time.
#[derive(Debug, Serialize)]
struct DemoJson<'a> {
    #[serde(flatten)]
    zk: ZkJson<'a>,
    /// A compressed proof's bytes (A, B, C), as the contract receives it.
    proof_bytes: usize,
    /// Seconds the whole demo took.
    wall_seconds: f64,
    /// The zk rollup next to the optimistic rollup on the same workload.
    comparison: compare::runner::Comparison,
}

/// Runs `rollup demo`.
pub fn run(args: DemoArgs) -> Result<()> {
    let started = Instant::now();
    let scenario = args.scenario.scenario(4, 0.25)?;
    // One seeded setup for the run and its exodus run (the comparison's worst case).
    let keys = seeded_keys(&scenario)?;
    let mut report = simulate::run_normal(&scenario, Some(Prover::new(keys.clone())))?;
    report.setup_seconds = keys.meta.setup_seconds;
    let comparison = compare_with_optimistic(&scenario, &report, keys)?;
    let wall_seconds = started.elapsed().as_secs_f64();
    // The arkworks body of the binary form: A (32), B (64), C (32), compressed.
    let proof_bytes = verifier::binary::PROOF_LEN - verifier::binary::HEADER_LEN;
    if args.json {
        let zk = ZkJson::new(&report);
        output::json(&DemoJson { zk, proof_bytes, wall_seconds: zk::round(wall_seconds, 2), comparison })?;
    } else {
        output::line(format!(
            "{}\n\n{}\nproof size:         {proof_bytes} bytes compressed\nwall time:          {wall_seconds:.1} s\n\n\
             The same workload on the optimistic rollup (honest run, and a lying proposer disputed by an honest \
             challenger); the zk rollup's worst case is an exodus run of the same shape:\n\n{}",
            intro(&report),
            simulate::zk_summary(&report, &SetupSource::Seeded(scenario.seed)),
            compare::report::table(&comparison)
        ))?;
    }
    simulate::check_zk(&report)
}

/// The seeded, INSECURE development setup of the scenario's shape, announced on stderr,
/// with a spinner while it runs.
fn seeded_keys(scenario: &ZkScenario) -> Result<Keys> {
    let mut spinner = Spinner::new();
    spinner.println(&zk::insecure_setup_warning(scenario.seed));
    spinner.set_prefix("setup");
    let shape = scenario.shape().map_err(zk::prover_error("invalid scenario"))?;
    let mut rng = ChaCha20Rng::seed_from_u64(scenario.seed);
    prover::setup(shape, SetupKind::InsecureSeeded(scenario.seed), &mut rng, &mut spinner)
        .map_err(zk::prover_error("the setup failed"))
}

/// The demo's zk run next to the optimistic rollup on the same workload (which is
/// cheap: no proofs), as `rollup compare` would show them. The zk rollup's worst case
/// comes from an exodus run of the same shape with the same keys (a few more proofs).
fn compare_with_optimistic(
    scenario: &ZkScenario,
    report: &ZkReport,
    keys: Keys,
) -> Result<compare::runner::Comparison> {
    use compare::runner::Design as _;
    let chain = l1_contract_sim::ChainConfig::default();
    let workload = compare::metrics::Workload {
        accounts: scenario.accounts,
        txs: scenario.txs,
        withdrawal_share: scenario.withdrawal_share,
        seconds_between_txs: scenario.seconds_between_txs,
        seed: scenario.seed,
        network_delay_seconds: compare::metrics::DEFAULT_NETWORK_DELAY_SECONDS,
    };
    let mut spinner = Spinner::new();
    spinner.set_prefix("exodus");
    let exodus =
        zk_rollup::simulation::run_exodus(scenario, Some(Prover::new(keys)), &mut workload.rng(), &mut spinner)
            .map_err(zk::prover_error("the exodus run failed"))?;
    let zk_design = compare::designs::ZkDesign::new(scenario.batch_size, scenario.depth, scenario.mode);
    let zk_metrics = zk_design.metrics(report, &exodus, &workload, &chain)?;
    let mut optimistic = compare::designs::OptimisticDesign::new(scenario.batch_size, scenario.depth, 2);
    let optimistic_metrics = optimistic.run(&workload, &chain, &mut workload.rng(), &mut prover::Silent)?;
    Ok(compare::runner::Comparison::new(workload, chain, vec![zk_metrics, optimistic_metrics]))
}

/// What happened, in one short paragraph.
fn intro(r: &ZkReport) -> String {
    format!(
        "{} users deposited 1 ETH each on L1; the operator proved {} batch{} of their {} L2 transactions with real \
         Groth16 proofs,\nthe rollup contract verified every proof on L1 before accepting the new root, and {} \
         withdrawal{} {} paid out on L1.",
        r.scenario.accounts,
        r.batches,
        if r.batches == 1 { "" } else { "es" },
        r.txs,
        r.withdrawals,
        if r.withdrawals == 1 { "" } else { "s" },
        if r.withdrawals == 1 { "was" } else { "were" },
    )
}
