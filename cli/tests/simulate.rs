//! End-to-end tests of `rollup simulate zk` and `rollup bench gas`. The scenarios
//! share one small seeded setup (depth 4, batches of 2) through `--keys`, so each run
//! costs only its proofs.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use zk_rollup::simulation::{ExodusReport, ZkReport};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("rollup-simulate-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn arg(&self, name: &str) -> String {
        self.0.join(name).to_str().expect("utf-8 temp path").to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rollup<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollup")).args(args).output().expect("run the rollup binary")
}

/// Runs the binary and expects success; returns stdout.
fn ok<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> String {
    let output = rollup(args);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "rollup {args:?} failed: {}\nstderr: {err}", output.status);
    String::from_utf8(output.stdout).expect("utf-8 stdout")
}

/// Runs the binary and expects a failed run: exit code 1 with one `error:` line; returns it.
fn fails(args: &[&str]) -> String {
    let output = rollup(args);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "exit code 1 expected: {err}");
    assert!(err.starts_with("error: ") && err.trim_end().lines().count() == 1, "one error line: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Runs the binary and expects an unusable command line: exit code 2, one `error:` line.
fn unusable(args: &[&str]) -> String {
    let output = rollup(args);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "exit code 2 expected: {err}");
    assert!(err.starts_with("error: ") && err.trim_end().lines().count() == 1, "one error line: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// One setup, then the normal scenario (all withdrawals, so they are paid and timed),
/// the exodus scenario, and the errors of a wrong shape or share.
#[test]
fn simulate_zk_normal_and_exodus_with_shared_keys() {
    let dir = TempDir::new("zk");
    let keys = dir.arg("keys");
    ok(&["setup", "--depth", "4", "--batch-size", "2", "--seed", "7", "--out", &keys]);
    let shape = ["--depth", "4", "--batch-size", "2", "--accounts", "2", "--txs", "2", "--keys", keys.as_str()];
    let with_shape =
        |args: &[&'static str]| -> Vec<String> { args.iter().copied().chain(shape).map(str::to_string).collect() };

    // Normal: 2 deposits in one batch, then 2 withdrawals in another.
    let text = ok(&with_shape(&["simulate", "zk", "--withdrawal-share", "1", "--json"]));
    let report = json(&text);
    for field in ["batches", "txs", "prove_seconds", "l1_gas_total", "l1_gas_per_tx"] {
        assert!(report[field].is_number(), "{field} in {text}");
    }
    for field in ["finality_seconds", "withdrawal_latency_seconds"] {
        assert!(report[field]["median"].is_number() && report[field]["max"].is_number(), "{field} in {text}");
    }
    assert_eq!(report["eth_conserved"], true);
    let r: ZkReport = serde_json::from_str(text.trim()).expect("a ZkReport");
    assert_eq!(r.eth_funded, r.eth_accounted, "ETH conserved, to the wei");
    assert!(r.contract_backs_l2);
    assert_eq!((r.batches, r.txs, r.deposits, r.withdrawals), (2, 4, 2, 2));
    assert_eq!(r.setup_seconds, 0.0, "keys were given");
    assert!(r.l1_gas_total > 0 && r.withdraw_gas > 0.0);
    assert!(r.withdrawal_latency_seconds.median > 0.0);
    assert!(r.finality_seconds.max >= r.finality_seconds.median && r.finality_seconds.median > 0.0);

    // Exodus: every user exits once, nothing is left in the contract.
    let text = ok(&with_shape(&["simulate", "zk", "--scenario", "exodus", "--json"]));
    let e: ExodusReport = serde_json::from_str(text.trim()).expect("an ExodusReport");
    assert_eq!(e.exits, 2, "every user exited: {text}");
    assert_eq!(e.wei_left_in_contract, 0);
    assert!(e.double_exit_refused && e.batch_after_exodus_refused && e.reconstructed_root_matches);
    assert_eq!(json(&text)["everyone_out"], true);

    // Keys of another shape, a share out of range: clear errors before any proving.
    let err = fails(&["simulate", "zk", "--depth", "4", "--batch-size", "1", "--keys", &keys]);
    assert!(err.contains("are for depth 4, 4-ary, 2 slots") && err.contains("1 slot"), "{err}");
    let err = unusable(&["simulate", "zk", "--withdrawal-share", "1.5"]);
    assert!(err.contains("--withdrawal-share"), "{err}");
    fails(&["simulate", "zk", "--keys", &dir.arg("missing")]);
}

#[test]
fn bench_gas_per_tx_falls_with_batch_size() {
    let text = ok(&["bench", "gas", "--depth", "8", "--accounts", "200", "--batch-sizes", "8,16", "--json"]);
    let rows = json(&text);
    let rows = rows.as_array().expect("a list of rows");
    assert_eq!(rows.len(), 4, "two sizes, both modes: {text}");
    assert!(rows.iter().all(|r| r["accounts"] == 200), "{text}");
    for mode in ["calldata", "blobs"] {
        let per_tx: Vec<f64> =
            rows.iter().filter(|r| r["mode"] == mode).map(|r| r["gas_per_tx"].as_f64().unwrap()).collect();
        assert_eq!(per_tx.len(), 2);
        assert!(per_tx[0] > per_tx[1], "{mode}: gas per tx falls from 8 to 16: {per_tx:?}");
    }
    let blobs = rows.iter().find(|r| r["mode"] == "blobs").unwrap();
    assert_eq!(blobs["blobs"], 1);
    assert!(blobs["blob_gas_per_tx"].as_f64().unwrap() > 0.0);

    // One column per population, the floor marked, the largest batch's bill.
    let text = ok(&[
        "bench",
        "gas",
        "--depth",
        "32",
        "--accounts",
        "1000,1000000000",
        "--batch-sizes",
        "8",
        "--data",
        "calldata",
    ]);
    assert!(text.contains("10^3") && text.contains("10^9") && text.contains("calldata"), "{text}");
    assert!(text.contains("bill of a batch of 8, calldata") && text.contains("Groth16 verification"), "{text}");
    let err = unusable(&["bench", "gas", "--depth", "8", "--accounts", "1000", "--batch-sizes", "8"]);
    assert!(err.contains("--accounts") && err.contains("raise --depth"), "{err}");
    let err = unusable(&["bench", "gas", "--accounts", "1"]);
    assert!(err.contains("--accounts"), "{err}");
    let err = unusable(&["bench", "gas", "--accounts", "4294967297"]);
    assert!(err.contains("--accounts"), "{err}");
}

/// The optimistic rollup: a lie caught by an honest challenger, and confirmed when
/// nobody watches (the 1-of-N honest-watcher assumption, visible).
#[test]
fn simulate_optimistic_catches_a_lie_only_when_somebody_watches() {
    let base =
        ["simulate", "optimistic", "--txs", "6", "--batch-size", "4", "--accounts", "3", "--lie-at", "5", "--json"];
    let watched = json(&ok(&base));
    for field in ["assertions", "disputes", "dispute_l1_txs", "dispute_gas", "l1_gas_per_tx", "bond_slashed"] {
        assert!(watched[field].is_number(), "{field} in {watched}");
    }
    assert_eq!(watched["winner"], "challenger");
    assert_eq!(watched["false_root_confirmed"], false);
    assert_eq!(watched["eth_conserved"], true);
    assert!(watched["finality_seconds"]["median"].as_f64().unwrap() >= (7 * 24 * 3600) as f64, "the window");

    let unwatched: Vec<&str> = base.iter().copied().chain(["--challenger", "none"]).collect();
    let unwatched = json(&ok(&unwatched));
    assert_eq!(unwatched["disputes"], 0);
    assert_eq!(unwatched["false_root_confirmed"], true);

    // A dishonest challenger disputes the honest proposer's first (pending) assertion and loses its bond.
    let dishonest = json(&ok(&[
        "simulate",
        "optimistic",
        "--txs",
        "4",
        "--batch-size",
        "4",
        "--accounts",
        "2",
        "--challenger",
        "dishonest",
        "--json",
    ]));
    assert!(dishonest["disputes"].as_u64().unwrap() >= 1, "{dishonest}");
    assert_eq!(dishonest["games"][0]["assertion"], 1, "a real assertion, not the genesis");
    assert_eq!(dishonest["winner"], "proposer", "{dishonest}");
    assert_eq!(dishonest["rejected"], 0);
    assert_eq!(dishonest["honest_won_every_dispute"], true);
    assert!(dishonest["bond_slashed"].as_u64().unwrap() > 0, "the dishonest challenger's bond");

    let err = unusable(&["simulate", "optimistic", "--dissection", "1"]);
    assert!(err.contains("dissection"), "{err}");
}

/// Payment channels: the JSON report's fields, a revoked state punished by a watchtower
/// and paid out without one, and the flag ranges.
#[test]
fn simulate_channels_reports_payments_and_punishes_revoked_states_only_when_watched() {
    let base = ["simulate", "channels", "--nodes", "6", "--payments", "8", "--json"];
    let honest = json(&ok(&base));
    for field in [
        "payments",
        "succeeded",
        "failed",
        "l1_txs",
        "l1_gas",
        "gas_per_payment",
        "capital_locked_wei_seconds",
        "penalties",
        "median_payment_latency_seconds",
    ] {
        assert!(honest[field].is_number(), "{field} in {honest}");
    }
    assert_eq!(honest["payments"], 8);
    assert_eq!(honest["eth_conserved"], true);
    assert_eq!(honest["atomic"], true);
    assert!(honest["median_payment_latency_seconds"].as_f64().unwrap() < 5.0, "off-chain: round trips only");

    let attack: Vec<&str> = base.iter().copied().chain(["--attack", "revoked"]).collect();
    let watched = json(&ok(&attack));
    assert_eq!(watched["revoked_closes"], 1, "{watched}");
    assert_eq!(watched["penalties"], 1);
    assert_eq!(watched["penalties_by_watchtower"], 1);
    let unwatched: Vec<&str> = attack.iter().copied().chain(["--watchtower", "off"]).collect();
    let unwatched = json(&ok(&unwatched));
    assert_eq!(unwatched["penalties"], 0);
    assert_eq!(unwatched["revoked_succeeded"], 1);
    assert_eq!(unwatched["uncovered_losers"].as_array().map(Vec::len), Some(1));

    let err = unusable(&["simulate", "channels", "--nodes", "2"]);
    assert!(err.contains("--nodes"), "{err}");
    let err = unusable(&["simulate", "channels", "--payments", "0"]);
    assert!(err.contains("--payments"), "{err}");
}

/// The sidechain honest, drained by a colluding supermajority, halted by offline validators, and its flags'
/// ranges.
#[test]
fn simulate_sidechain_honest_drained_and_halted() {
    let small =
        ["simulate", "sidechain", "--validators", "7", "--checkpoint-every", "4", "--txs", "6", "--accounts", "3"];
    let run = |extra: &[&str]| -> Value {
        let args: Vec<&str> = small.iter().chain(extra).copied().chain(["--json"]).collect();
        json(&ok(&args))
    };
    let r = run(&[]);
    for field in ["blocks", "checkpoints", "checkpoint_gas", "soft_finality_seconds", "withdrawal_latency_seconds"] {
        assert!(!r[field].is_null(), "{field} missing: {r}");
    }
    assert_eq!((r["halted"].as_bool(), r["stolen_wei"].as_u64()), (Some(false), Some(0)));
    assert_eq!(r["withdrawals_paid"], r["withdrawals"]);
    assert!(r["checkpoint_gas"].as_u64().unwrap() > 21_000);

    let r = run(&["--attack", "collude", "--colluding-stake", "0.9", "--signatures", "bls"]);
    assert_eq!(r["theft"]["forged_checkpoint_accepted"], true);
    assert_eq!(r["stolen_wei"].as_u64(), Some(3_000_000_000_000_000_000));
    let r = run(&["--attack", "collude", "--colluding-stake", "0.5"]);
    assert_eq!((r["theft"]["forged_checkpoint_accepted"].as_bool(), r["stolen_wei"].as_u64()), (Some(false), Some(0)));
    let r = run(&["--attack", "offline", "--offline-stake", "0.6"]);
    assert_eq!(r["halted"], true);
    let text = ok(&small.iter().copied().chain(["--attack", "equivocate"]).collect::<Vec<_>>());
    assert!(text.contains("slashed"), "{text}");
    // The gas table: BLS stays flat while ECDSA grows with the signers.
    let rows = json(&ok(&["study", "sidechain-gas", "--validators", "4,40", "--json"]));
    let gas = |i: usize, mode: &str| rows[i][mode].as_u64().unwrap();
    assert!(gas(1, "ecdsa_gas") > gas(0, "ecdsa_gas") + 30 * 7_000);
    assert!(gas(1, "bls_gas") < gas(0, "bls_gas") + 2_000);

    for (flag, value) in [
        ("--validators", "0"),
        ("--validators", "1001"),
        ("--checkpoint-every", "0"),
        ("--colluding-stake", "1.5"),
        ("--offline-stake", "NaN"),
    ] {
        let err = unusable(&["simulate", "sidechain", flag, value]);
        assert!(err.contains(flag), "{err}");
    }
    for (args, flag) in [
        (&["simulate", "sidechain", "--depth", "2", "--accounts", "17"][..], "--accounts"),
        (&["simulate", "sidechain", "--depth", "3"][..], "--depth"),
        (&["simulate", "sidechain", "--txs", "0"][..], "--txs"),
        (&["study", "sidechain-gas", "--validators", "10,1001"][..], "--validators"),
    ] {
        let err = unusable(args);
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}

/// Plasma: the JSON fields the issue names; withholding with an offline user (online users whole, the
/// offline one not); the mass exit with its chart; flags out of range refused with exit code 2.
#[test]
fn simulate_plasma_withholding_offline_users_and_the_mass_exit() {
    let honest =
        json(&ok(&["simulate", "plasma", "--users", "3", "--payments", "8", "--withdrawal-share", "0.5", "--json"]));
    for field in ["blocks", "exits", "challenges", "exit_gas", "exited_in_time", "failed_to_exit"] {
        assert!(honest[field].is_number(), "{field} in {honest}");
    }
    assert!(honest["withdrawal_latency_seconds"]["median"].as_f64().unwrap() >= (7 * 24 * 3600) as f64);
    assert_eq!(honest["eth_conserved"], true);

    let withheld = json(&ok(&[
        "simulate",
        "plasma",
        "--users",
        "4",
        "--attack",
        "withhold",
        "--offline-share",
        "0.25",
        "--cheaters",
        "1",
        "--json",
    ]));
    assert_eq!(withheld["online_users_whole"], true, "{withheld}");
    assert!(withheld["in_flight_exits"].as_u64().unwrap() > 0 || withheld["standard_exits"].as_u64().unwrap() > 0);
    assert_eq!(withheld["failed_to_exit"], 1, "the offline user: {withheld}");
    assert!(withheld["offline_loss"].as_u64().unwrap() > 0);

    let dir = TempDir::new("plasma");
    let chart = dir.arg("mass-exit.svg");
    let mass = json(&ok(&[
        "simulate",
        "plasma",
        "--mass-exit",
        "--on-chain",
        "200",
        "--computed",
        "10000000",
        "--chart",
        &chart,
        "--json",
    ]));
    let points = mass["points"].as_array().unwrap();
    assert_eq!(points[0]["computed"], false);
    assert_eq!(points[0]["exited_in_time"], 200);
    assert!(points[1]["failed_to_exit"].as_u64().unwrap() > 0, "ten million users do not all fit in a week");
    assert!(std::fs::read_to_string(&chart).unwrap().contains("<svg"));

    for bad in [["--users", "1"], ["--block-size", "0"], ["--exit-period", "10"], ["--offline-share", "2"]] {
        let args: Vec<&str> = ["simulate", "plasma"].iter().copied().chain(bad).collect();
        let err = unusable(&args);
        assert!(err.contains(bad[0]), "{err}");
    }
}
