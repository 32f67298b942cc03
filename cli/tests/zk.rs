//! End-to-end tests of the zk commands of the `rollup` binary: setup, prove,
//! verify (ours and snarkjs'), info and demo. Setups are the slow part (seconds each
//! even with the optimised dependencies), so the whole pipeline shares two of them in
//! one test.
//!
//! The snarkjs check needs `node` and `npm`: the pinned snarkjs of the verifier crate is
//! installed with `npm ci --prefix verifier/tests/snarkjs` on first use. Set
//! `SKIP_SNARKJS=1` to skip it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use circuits::BatchShape;
use ledger::field::{fr_to_decimal, parse_fr};
use ledger::{Arity, ChainId, State, StateFile, Transaction, TreeShape};
use serde_json::Value;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique =
            format!("rollup-zk-test-{name}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The path of `name` as a `&str` argument (temp paths are UTF-8 here).
    fn arg(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf-8 temp path").to_string()
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

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the binary and expects success; returns stdout and stderr.
fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (String, String) {
    let output = rollup(args);
    assert!(output.status.success(), "rollup failed: {}\nstderr: {}", output.status, stderr(&output));
    (stdout(&output), stderr(&output))
}

/// Runs the binary and expects a runtime failure: exit code 1, one `error:` line on
/// stderr, no panic. Returns the line.
fn fails<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = rollup(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "exit code 1 expected; stdout: {} stderr: {err}", stdout(&output));
    assert!(!err.contains("panicked"), "rollup panicked: {err}");
    assert!(err.starts_with("error: "), "stderr must start with `error: `: {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line of error: {err:?}");
    assert!(stdout(&output).is_empty(), "nothing on stdout: {}", stdout(&output));
    err
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn read_state(path: &Path) -> State {
    let file: StateFile = serde_json::from_str(&read(path)).expect("parse state");
    State::from_file(&file).expect("valid state")
}

/// The pinned snarkjs CLI of the verifier crate's tests (installed on first use), or
/// `None` when `SKIP_SNARKJS=1`.
fn snarkjs_cli() -> Option<PathBuf> {
    if std::env::var("SKIP_SNARKJS").is_ok_and(|v| v == "1") {
        eprintln!("SKIP_SNARKJS=1: snarkjs interoperability check skipped");
        return None;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../verifier/tests/snarkjs");
    let cli = dir.join("node_modules/snarkjs/build/cli.cjs");
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if !cli.is_file() {
            eprintln!("installing the pinned snarkjs: npm ci --prefix {}", dir.display());
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .status()
                .expect("`npm` must be on PATH to install snarkjs for this test");
            assert!(status.success(), "npm ci failed for {}", dir.display());
        }
    });
    assert!(
        cli.is_file(),
        "snarkjs is not installed at {}: run `npm ci --prefix verifier/tests/snarkjs` from the workspace root \
         (or set SKIP_SNARKJS=1 to skip this check)",
        cli.display()
    );
    Some(cli)
}

/// `snarkjs groth16 verify vk public proof`: its exit status and stdout.
fn snarkjs_verify(cli: &Path, vk: &Path, public: &Path, proof: &Path) -> (bool, String) {
    let output = Command::new("node")
        .arg(cli)
        .args(["groth16", "verify"])
        .args([vk, public, proof])
        .output()
        .expect("`node` must be on PATH for the snarkjs interoperability check");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    eprintln!("snarkjs: {text}{}", String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[derive(serde::Deserialize)]
struct TxFile {
    transactions: Vec<Transaction>,
}

/// genesis (4 accounts) → workload (2 txs) → setup --seed → prove → verify, and every
/// way verification and proving must refuse: a changed public input, a flipped byte
/// of public data, keys of another shape, a garbage proof.
#[test]
fn setup_prove_verify_end_to_end() {
    let dir = TempDir::new("e2e");
    let (g, txs, keys, keys1, out) =
        (dir.arg("genesis"), dir.arg("txs.json"), dir.arg("keys"), dir.arg("keys1"), dir.arg("out"));
    let state = dir.path("genesis").join("state.json");
    let state_arg = state.to_str().unwrap();
    let keys_file = dir.path("genesis").join("keys.json");
    ok(&["genesis", "--accounts", "4", "--depth", "8", "--seed", "3", "--out", &g]);
    ok(&[
        "workload",
        "--state",
        state_arg,
        "--keys",
        keys_file.to_str().unwrap(),
        "--count",
        "2",
        "--seed",
        "5",
        "--out",
        &txs,
    ]);

    // Setup, seeded: a loud warning on stderr, a summary and the key files.
    let (text, warning) = ok(&["setup", "--depth", "8", "--batch-size", "2", "--seed", "7", "--out", &keys]);
    assert!(warning.contains("WARNING") && warning.contains("INSECURE"), "stderr: {warning}");
    assert!(text.contains("constraints") && text.contains("pk.bin") && text.contains("matrices.bin"), "{text}");
    for name in ["meta.json", "pk.bin", "matrices.bin", "vk.json", "vk.bin"] {
        assert!(dir.path("keys").join(name).is_file(), "{name} written");
    }

    // Prove.
    let (text, _) = ok(&["prove", "--keys", &keys, "--state", state_arg, "--txs", &txs, "--out", &out, "--json"]);
    let summary = json(&text);
    assert_eq!(summary["transactions"], 2);
    assert_eq!(summary["slots"], 2);
    assert!(summary["threads"].as_u64().unwrap() >= 1);
    assert!(summary["groth16_seconds"].as_f64().unwrap() > 0.0);

    // The outputs agree with the ledger applying the same batch natively.
    let mut native = read_state(&state);
    let batch_txs: TxFile = serde_json::from_str(&read(&dir.path("txs.json"))).unwrap();
    let record = native.apply_batch(&batch_txs.transactions, 2).expect("the batch applies");
    let commitment = fr_to_decimal(&record.commitment());
    assert_eq!(summary["commitment"], commitment.as_str());
    let out_dir = dir.path("out");
    let public: Vec<String> = serde_json::from_str(&read(&out_dir.join("public.json"))).unwrap();
    assert_eq!(public, vec![commitment.clone()]);
    let batch = json(&read(&out_dir.join("batch.json")));
    assert_eq!(batch["old_root"], fr_to_decimal(&record.old_root).as_str());
    assert_eq!(batch["new_root"], fr_to_decimal(&record.new_root).as_str());
    assert_eq!(batch["deposit_chain_before"], "0");
    assert_eq!(batch["deposit_chain_after"], "0");
    assert_eq!(batch["public_data"], hex::encode(record.public_data()).as_str());
    assert_eq!(batch["batch_size"], 2);
    assert_eq!(batch["transactions"].as_array().unwrap().len(), 2);
    assert_eq!(read_state(&out_dir.join("state.json")).root(), native.root());
    let proof_bin = std::fs::read(out_dir.join("proof.bin")).unwrap();
    assert_eq!(proof_bin.len(), verifier::binary::PROOF_LEN);

    // Verify: OK with the JSON files, the binary ones, and the batch file.
    let vk = dir.path("keys").join("vk.json");
    let vk = vk.to_str().unwrap();
    let vk_bin = dir.path("keys").join("vk.bin");
    let file = |name: &str| out_dir.join(name).to_str().unwrap().to_string();
    let (text, _) = ok(&["verify", "--vk", vk, "--proof", &file("proof.json"), "--public", &file("public.json")]);
    assert_eq!(text.trim(), "OK");
    let (text, _) = ok(&[
        "verify",
        "--vk",
        vk_bin.to_str().unwrap(),
        "--proof",
        &file("proof.bin"),
        "--public",
        &file("public.json"),
    ]);
    assert_eq!(text.trim(), "OK");
    let (text, _) = ok(&["verify", "--vk", vk, "--proof", &file("proof.json"), "--batch", &file("batch.json")]);
    assert_eq!(text.trim(), "OK");

    // A changed public input: rejected, exit 1, one line.
    let changed = parse_fr(&commitment).unwrap() + ledger::Fr::from(1u64);
    let bad_public = dir.path("bad_public.json");
    std::fs::write(&bad_public, read(&out_dir.join("public.json")).replace(&commitment, &fr_to_decimal(&changed)))
        .unwrap();
    let err = fails(&["verify", "--vk", vk, "--proof", &file("proof.json"), "--public", bad_public.to_str().unwrap()]);
    assert!(err.starts_with("error: proof rejected"), "{err}");

    // snarkjs accepts our real batch proof with our vk.json and public.json, and
    // rejects it against a changed public input.
    if let Some(cli) = snarkjs_cli() {
        let vk_path = dir.path("keys").join("vk.json");
        let (accepted, text) =
            snarkjs_verify(&cli, &vk_path, &out_dir.join("public.json"), &out_dir.join("proof.json"));
        assert!(accepted && text.contains("OK"), "snarkjs rejected our batch proof: {text}");
        let (accepted, text) = snarkjs_verify(&cli, &vk_path, &bad_public, &out_dir.join("proof.json"));
        assert!(!accepted, "snarkjs accepted a changed public input: {text}");
    }

    // One public-data byte flipped in batch.json: the recomputed commitment differs.
    let mut flipped = batch.clone();
    let mut data = hex::decode(batch["public_data"].as_str().unwrap()).unwrap();
    data[5] ^= 0x01;
    flipped["public_data"] = Value::String(hex::encode(&data));
    let bad_batch = dir.path("bad_batch.json");
    std::fs::write(&bad_batch, flipped.to_string()).unwrap();
    let err = fails(&["verify", "--vk", vk, "--proof", &file("proof.json"), "--batch", bad_batch.to_str().unwrap()]);
    assert!(err.starts_with("error: proof rejected"), "{err}");

    // A garbage proof, a missing file: malformed input, still exit 1 and one line.
    let garbage = dir.path("garbage.json");
    std::fs::write(&garbage, "{\"pi_a\": [\"1\", \"2\"").unwrap();
    let err = fails(&["verify", "--vk", vk, "--proof", garbage.to_str().unwrap(), "--public", &file("public.json")]);
    assert!(err.contains("invalid proof"), "{err}");
    fails(&["verify", "--vk", vk, "--proof", &dir.arg("missing.json"), "--public", &file("public.json")]);
    // Neither --public nor --batch is a usage error (exit 2), not a rejection.
    assert_eq!(rollup(&["verify", "--vk", vk, "--proof", &file("proof.json")]).status.code(), Some(2));

    // Keys of another shape (batch size 1): a clear error, nothing written.
    ok(&["setup", "--depth", "8", "--batch-size", "1", "--seed", "8", "--out", &keys1]);
    let out2 = dir.arg("out2");
    let err = fails(&["prove", "--keys", &keys1, "--state", state_arg, "--txs", &txs, "--out", &out2]);
    assert!(err.contains("are for depth 8, 4-ary, 1 slot"), "{err}");
    assert!(!dir.path("out2").exists(), "nothing written on failure");
    // The other key's vk does not accept this proof.
    let vk1 = dir.path("keys1").join("vk.json");
    let err = fails(&[
        "verify",
        "--vk",
        vk1.to_str().unwrap(),
        "--proof",
        &file("proof.json"),
        "--public",
        &file("public.json"),
    ]);
    assert!(err.starts_with("error: proof rejected"), "{err}");
    // A state of another tree.
    let g4 = dir.arg("genesis4");
    ok(&["genesis", "--accounts", "4", "--depth", "4", "--seed", "3", "--out", &g4]);
    let state4 = dir.path("genesis4").join("state.json");
    let err = fails(&["prove", "--keys", &keys, "--state", state4.to_str().unwrap(), "--txs", &txs, "--out", &out2]);
    assert!(err.contains("depth 4"), "{err}");
    // Proving the same transactions again from the new state: the nonces are spent.
    let err = fails(&["prove", "--keys", &keys, "--state", &file("state.json"), "--txs", &txs, "--out", &out2]);
    assert!(err.contains("transaction 0 failed"), "{err}");
}

#[test]
fn info_json_matches_synthesis() {
    let (text, _) = ok(&["info", "--depth", "8", "--batch-size", "2", "--json"]);
    let info = json(&text);
    let shape = BatchShape::new(TreeShape::new(8, Arity::Quaternary).unwrap(), 2, ChainId::DEFAULT).unwrap();
    let measured = circuits::info::measure(shape).unwrap();
    assert_eq!(info["constraints"], measured.constraints);
    assert_eq!(info["public_inputs"], 1);
    assert_eq!(info["witnesses"], measured.witnesses);
    assert_eq!(info["sha256_blocks"], measured.sha256_blocks);
    assert_eq!(info["synthesised"], true);
    assert_eq!(
        (info["depth"].clone(), info["arity"].clone(), info["batch_size"].clone()),
        (8.into(), 4.into(), 2.into())
    );
    let per_tx = info["constraints_per_tx"].as_f64().unwrap();
    assert!((per_tx - measured.constraints as f64 / 2.0).abs() < 0.06, "{per_tx}");
    let b = &info["breakdown"];
    for (part, value) in [
        ("signature", measured.breakdown.signature),
        ("merkle_paths", measured.breakdown.merkle_paths),
        ("leaves", measured.breakdown.leaves),
        ("range_checks", measured.breakdown.range_checks),
        ("public_data_hash", measured.breakdown.public_data_hash),
    ] {
        assert_eq!(b[part], value, "breakdown.{part}");
    }

    // Text form, a binary tree, and a large batch that is estimated, not synthesised.
    let (text, _) = ok(&["info", "--depth", "8", "--batch-size", "2", "--arity", "2"]);
    assert!(text.contains("constraints per tx") && text.contains("merkle_paths"), "{text}");
    let (text, _) = ok(&["info", "--depth", "8", "--batch-size", "32", "--json"]);
    let info = json(&text);
    assert_eq!(info["synthesised"], false);
    assert!(info["method"].as_str().unwrap().starts_with("estimated"));
    // A tree shape the ledger refuses is a clean error.
    fails(&["info", "--depth", "7", "--batch-size", "2"]);
}

/// The demo on tiny arguments: the zk rollup on the simulated L1 with a depth-4 4-ary
/// tree, 2 users, batches of 2 (one of deposits, one of the 2 L2 transactions).
#[test]
fn demo_json_runs_the_rollup_on_l1() {
    let output = rollup(&["demo", "--depth", "4", "--batch-size", "2", "--txs", "2", "--accounts", "2", "--json"]);
    assert!(output.status.success(), "demo failed: {}", stderr(&output));
    assert!(stderr(&output).contains("INSECURE"), "the seeded setup is announced");
    let text = stdout(&output);
    let report = json(&text);
    assert_eq!(report["eth_conserved"], true);
    assert_eq!(report["contract_backs_l2"], true);
    assert_eq!(report["batches"], 2);
    assert_eq!(report["deposits"], 2);
    assert_eq!(report["txs"], 4);
    assert_eq!(report["scenario"]["depth"], 4);
    assert_eq!(report["proof_bytes"], 128);
    assert!(report["setup_seconds"].as_f64().unwrap() > 0.0);
    assert!(report["prove_seconds"].as_f64().unwrap() > 0.0);
    assert!(report["wall_seconds"].as_f64().unwrap() > 0.0);
    // The comparison inside: the zk worst case measured by an exodus run, soft confirmation modelled
    // alike for both designs, and the optimistic proposer's extra deposit stated.
    let comparison = &report["comparison"];
    assert_eq!(comparison["l2_tx_difference"], 1);
    assert!(comparison["designs"][0]["worst_case_seconds"].as_f64().unwrap() > 14.0 * 86_400.0);
    for d in comparison["designs"].as_array().unwrap() {
        assert_eq!(d["soft_confirmation_seconds"]["median"], 0.25);
    }
    // Wei amounts exceed 2^64: compared exactly through the typed report.
    let typed: zk_rollup::simulation::ZkReport = serde_json::from_str(text.trim()).expect("a ZkReport");
    assert_eq!(typed.eth_funded, typed.eth_accounted);
    assert!(typed.finality_seconds.median > 0.0);
}
