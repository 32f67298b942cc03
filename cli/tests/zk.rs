//! End-to-end tests of the zk commands of the `rollup` binary: setup, prove,
//! verify (ours and snarkjs'), info and demo. Setups are the slow part (seconds each
//! even with the optimised dependencies), so the tests share one pipeline (genesis,
//! workload, setup, prove) made once, and only the end-to-end test makes a second setup.
//!
//! The snarkjs check needs `node` and `npm`: the pinned snarkjs of the verifier crate is
//! installed with `npm ci --prefix verifier/tests/snarkjs` on first use. Set
//! `SKIP_SNARKJS=1` to skip it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use circuits::BatchShape;
use common::snarkjs_cli;
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

/// Runs the binary and expects an unusable-input failure: exit code 2, one `error:`
/// line on stderr, no panic, nothing on stdout. Returns the line.
fn unusable<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = rollup(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "exit code 2 expected; stdout: {} stderr: {err}", stdout(&output));
    assert!(!err.contains("panicked"), "rollup panicked: {err}");
    assert!(err.starts_with("error: "), "stderr must start with `error: `: {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line of error: {err:?}");
    assert!(stdout(&output).is_empty(), "nothing on stdout: {}", stdout(&output));
    err
}

/// What most tests here share, made once per test run: genesis (4 accounts, depth 8)
/// → workload (2 transactions) → seeded setup (depth 8, 2 slots) → prove. The tests
/// only read it (they copy what they change).
struct Pipeline {
    /// genesis/state.json.
    state: PathBuf,
    /// genesis/keys.json.
    keys_file: PathBuf,
    /// txs.json.
    txs: PathBuf,
    /// The key directory.
    keys: PathBuf,
    /// The outputs of `prove`.
    out: PathBuf,
    /// `setup`'s stdout and stderr.
    setup_output: (String, String),
    /// `prove --json`'s summary.
    prove_summary: Value,
}

impl Pipeline {
    fn arg(path: &Path) -> &str {
        path.to_str().expect("utf-8 path")
    }

    /// A file of the prove outputs, as an argument.
    fn out(&self, name: &str) -> String {
        Self::arg(&self.out.join(name)).to_string()
    }

    /// A file of the key directory, as an argument.
    fn key(&self, name: &str) -> String {
        Self::arg(&self.keys.join(name)).to_string()
    }
}

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rollup-zk-pipeline");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the pipeline directory");
        let arg = Pipeline::arg;
        let g = dir.join("genesis");
        let p = Pipeline {
            state: g.join("state.json"),
            keys_file: g.join("keys.json"),
            txs: dir.join("txs.json"),
            keys: dir.join("keys"),
            out: dir.join("out"),
            setup_output: Default::default(),
            prove_summary: Value::Null,
        };
        ok(&["genesis", "--accounts", "4", "--depth", "8", "--seed", "3", "--out", arg(&g)]);
        ok(&[
            "workload",
            "--state",
            arg(&p.state),
            "--keys",
            arg(&p.keys_file),
            "--count",
            "2",
            "--seed",
            "5",
            "--out",
            arg(&p.txs),
        ]);
        let setup_output = ok(&["setup", "--depth", "8", "--batch-size", "2", "--seed", "7", "--out", arg(&p.keys)]);
        let (text, _) = ok(&[
            "prove",
            "--keys",
            arg(&p.keys),
            "--state",
            arg(&p.state),
            "--txs",
            arg(&p.txs),
            "--out",
            arg(&p.out),
            "--json",
        ]);
        Pipeline { setup_output, prove_summary: json(&text), ..p }
    })
}

/// Every file of a directory with its bytes, sorted by name (hidden ones included).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap_or_default())
        })
        .collect();
    files.sort();
    files
}

/// A copy of a flat directory.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// genesis (4 accounts) → workload (2 txs) → setup --seed → prove, checked against the
/// ledger and snarkjs, and every way proving must refuse: keys of another shape, a
/// state of another tree, spent nonces.
#[test]
fn setup_prove_verify_end_to_end() {
    let pl = pipeline();
    let dir = TempDir::new("e2e");
    let state_arg = Pipeline::arg(&pl.state);
    let txs = Pipeline::arg(&pl.txs);
    let keys = Pipeline::arg(&pl.keys);
    let keys1 = dir.arg("keys1");

    // Setup, seeded: a loud warning on stderr, a summary and the key files.
    let (text, warning) = &pl.setup_output;
    assert!(warning.contains("WARNING") && warning.contains("INSECURE"), "stderr: {warning}");
    assert!(text.contains("constraints") && text.contains("pk.bin") && text.contains("matrices.bin"), "{text}");
    for name in ["meta.json", "pk.bin", "matrices.bin", "vk.json", "vk.bin"] {
        assert!(pl.keys.join(name).is_file(), "{name} written");
    }
    let parent = pl.keys.parent().unwrap();
    let stray: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "no temporary files left: {stray:?}");

    // Prove.
    let summary = &pl.prove_summary;
    assert_eq!(summary["transactions"], 2);
    assert_eq!(summary["slots"], 2);
    assert!(summary["threads"].as_u64().unwrap() >= 1);
    assert!(summary["groth16_seconds"].as_f64().unwrap() > 0.0);

    // The outputs agree with the ledger applying the same batch natively.
    let mut native = read_state(&pl.state);
    let batch_txs: TxFile = serde_json::from_str(&read(&pl.txs)).unwrap();
    let record = native.apply_batch(&batch_txs.transactions, 2).expect("the batch applies");
    let commitment = fr_to_decimal(&record.commitment());
    assert_eq!(summary["commitment"], commitment.as_str());
    let out_dir = &pl.out;
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
    let names: Vec<String> = snapshot(out_dir).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["batch.json", "proof.bin", "proof.json", "public.json", "state.json"], "exactly the outputs");

    // snarkjs accepts our real batch proof with our vk.json and public.json, and
    // rejects it against a changed public input.
    if let Some(cli) = snarkjs_cli() {
        let changed = parse_fr(&commitment).unwrap() + ledger::Fr::from(1u64);
        let bad_public = dir.path("bad_public.json");
        std::fs::write(&bad_public, read(&out_dir.join("public.json")).replace(&commitment, &fr_to_decimal(&changed)))
            .unwrap();
        let vk_path = pl.keys.join("vk.json");
        let (accepted, text) =
            snarkjs_verify(&cli, &vk_path, &out_dir.join("public.json"), &out_dir.join("proof.json"));
        assert!(accepted && text.contains("OK"), "snarkjs rejected our batch proof: {text}");
        let (accepted, text) = snarkjs_verify(&cli, &vk_path, &bad_public, &out_dir.join("proof.json"));
        assert!(!accepted, "snarkjs accepted a changed public input: {text}");
    }

    // Keys of another shape (batch size 1): a clear error, nothing written.
    ok(&["setup", "--depth", "8", "--batch-size", "1", "--seed", "8", "--out", &keys1]);
    let out2 = dir.arg("out2");
    let err = fails(&["prove", "--keys", &keys1, "--state", state_arg, "--txs", txs, "--out", &out2]);
    assert!(err.contains("are for depth 8, 4-ary, 1 slot"), "{err}");
    assert!(!dir.path("out2").exists(), "nothing written on failure");
    // The other key's vk does not accept this proof.
    let vk1 = dir.path("keys1").join("vk.json");
    let err = fails(&[
        "verify",
        "--vk",
        vk1.to_str().unwrap(),
        "--proof",
        &pl.out("proof.json"),
        "--public",
        &pl.out("public.json"),
    ]);
    assert!(err.starts_with("error: proof rejected"), "{err}");
    // A state of another tree.
    let g4 = dir.arg("genesis4");
    ok(&["genesis", "--accounts", "4", "--depth", "4", "--seed", "3", "--out", &g4]);
    let state4 = dir.path("genesis4").join("state.json");
    let err = fails(&["prove", "--keys", keys, "--state", state4.to_str().unwrap(), "--txs", txs, "--out", &out2]);
    assert!(err.contains("depth 4"), "{err}");
    // Proving the same transactions again from the new state: the nonces are spent.
    let err = fails(&["prove", "--keys", keys, "--state", &pl.out("state.json"), "--txs", txs, "--out", &out2]);
    assert!(err.contains("transaction 0 failed"), "{err}");
    assert!(!dir.path("out2").exists(), "nothing written on failure");
}

/// `rollup verify` exits 0 and prints OK for a valid proof: JSON or binary files, the
/// public input from public.json or recomputed from batch.json.
#[test]
fn verify_exits_0_when_the_proof_verifies() {
    let pl = pipeline();
    let (vk, vk_bin) = (pl.key("vk.json"), pl.key("vk.bin"));
    for args in [
        ["--vk", &vk, "--proof", &pl.out("proof.json"), "--public", &pl.out("public.json")],
        ["--vk", &vk_bin, "--proof", &pl.out("proof.bin"), "--public", &pl.out("public.json")],
        ["--vk", &vk, "--proof", &pl.out("proof.json"), "--batch", &pl.out("batch.json")],
    ] {
        let output = rollup(&[&["verify"], &args[..]].concat());
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output).trim(), "OK");
    }
}

/// `rollup verify` exits 1 when the inputs are usable but the proof does not verify
/// for them: a changed public input, a flipped byte of public data.
#[test]
fn verify_exits_1_when_the_proof_is_rejected() {
    let pl = pipeline();
    let dir = TempDir::new("rejected");
    let vk = pl.key("vk.json");
    let commitment = &serde_json::from_str::<Vec<String>>(&read(&pl.out.join("public.json"))).unwrap()[0];
    let changed = parse_fr(commitment).unwrap() + ledger::Fr::from(1u64);
    let bad_public = dir.path("bad_public.json");
    std::fs::write(&bad_public, read(&pl.out.join("public.json")).replace(commitment, &fr_to_decimal(&changed)))
        .unwrap();
    let err =
        fails(&["verify", "--vk", &vk, "--proof", &pl.out("proof.json"), "--public", &dir.arg("bad_public.json")]);
    assert!(err.starts_with("error: proof rejected"), "{err}");

    // One public-data byte flipped in batch.json: the recomputed commitment differs.
    let mut flipped = json(&read(&pl.out.join("batch.json")));
    let mut data = hex::decode(flipped["public_data"].as_str().unwrap()).unwrap();
    data[5] ^= 0x01;
    flipped["public_data"] = Value::String(hex::encode(&data));
    std::fs::write(dir.path("bad_batch.json"), flipped.to_string()).unwrap();
    let err = fails(&["verify", "--vk", &vk, "--proof", &pl.out("proof.json"), "--batch", &dir.arg("bad_batch.json")]);
    assert!(err.starts_with("error: proof rejected"), "{err}");
}

/// `rollup verify` exits 2 when an input cannot be used: a garbage or missing file,
/// the wrong number of public inputs, a degenerate verifying key (gamma = delta =
/// infinity) with the proof that forges any statement under it, an all-infinity key
/// and proof, a vk.bin whose checksum differs from its key directory's meta.json, and
/// a usage error.
#[test]
fn verify_exits_2_when_an_input_is_unusable() {
    let pl = pipeline();
    let dir = TempDir::new("unusable");
    let (vk, public, proof) = (pl.key("vk.json"), pl.out("public.json"), pl.out("proof.json"));

    std::fs::write(dir.path("garbage.json"), "{\"pi_a\": [\"1\", \"2\"").unwrap();
    let err = unusable(&["verify", "--vk", &vk, "--proof", &dir.arg("garbage.json"), "--public", &public]);
    assert!(err.contains("invalid proof"), "{err}");
    let err = unusable(&["verify", "--vk", &vk, "--proof", &dir.arg("missing.json"), "--public", &public]);
    assert!(err.contains("cannot read proof"), "{err}");
    let err = unusable(&["verify", "--vk", &dir.arg("missing.json"), "--proof", &proof, "--public", &public]);
    assert!(err.contains("cannot read verifying key"), "{err}");
    std::fs::write(dir.path("two.json"), "[\"1\", \"2\"]").unwrap();
    let err = unusable(&["verify", "--vk", &vk, "--proof", &proof, "--public", &dir.arg("two.json")]);
    assert!(err.contains("wrong number of public inputs: expected 1, got 2"), "{err}");
    // Neither --public nor --batch: a usage error.
    unusable(&["verify", "--vk", &vk, "--proof", &proof]);

    // The degenerate key: gamma and delta at infinity. Under it the proof
    // (alpha, beta, anything) satisfies the pairing equation for every public input.
    let real = verifier::snarkjs::vk_from_json(&read(&pl.keys.join("vk.json"))).unwrap();
    let infinity = verifier::VerifyingKey::<verifier::Bn254>::default();
    let degenerate =
        verifier::VerifyingKey { gamma_g2: infinity.gamma_g2, delta_g2: infinity.delta_g2, ..real.clone() };
    let forged = verifier::Proof::<verifier::Bn254> { a: real.alpha_g1, b: real.beta_g2, c: real.alpha_g1 };
    std::fs::write(dir.path("degenerate.json"), verifier::snarkjs::vk_to_json(&degenerate)).unwrap();
    std::fs::write(dir.path("degenerate.bin"), verifier::binary::vk_to_bytes(&degenerate)).unwrap();
    std::fs::write(dir.path("forged.json"), verifier::snarkjs::proof_to_json(&forged)).unwrap();
    for vk in ["degenerate.json", "degenerate.bin"] {
        let err = unusable(&["verify", "--vk", &dir.arg(vk), "--proof", &dir.arg("forged.json"), "--public", &public]);
        assert!(err.contains("invalid verifying key") && err.contains("point at infinity"), "{err}");
        assert!(err.contains("gamma"), "the point is named: {err}");
    }
    // An all-infinity key and proof.
    let all = verifier::VerifyingKey { gamma_abc_g1: vec![infinity.alpha_g1; 2], ..infinity };
    std::fs::write(dir.path("all.json"), verifier::snarkjs::vk_to_json(&all)).unwrap();
    std::fs::write(dir.path("none.json"), verifier::snarkjs::proof_to_json(&verifier::Proof::default())).unwrap();
    let err =
        unusable(&["verify", "--vk", &dir.arg("all.json"), "--proof", &dir.arg("none.json"), "--public", &public]);
    assert!(err.contains("point at infinity"), "{err}");
    let err = unusable(&["verify", "--vk", &vk, "--proof", &dir.arg("none.json"), "--public", &public]);
    assert!(err.contains("invalid proof") && err.contains("point at infinity"), "{err}");

    // A byte of vk.bin flipped inside a key directory: the checksum in meta.json differs.
    let keys = dir.path("keys");
    copy_dir(&pl.keys, &keys);
    let vk_bin = keys.join("vk.bin");
    let mut bytes = std::fs::read(&vk_bin).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&vk_bin, bytes).unwrap();
    let err =
        unusable(&["verify", "--vk", vk_bin.to_str().unwrap(), "--proof", &pl.out("proof.bin"), "--public", &public]);
    assert!(err.contains("SHA-256 differs from the one meta.json lists"), "{err}");
}

/// A hand-edited meta.json and a flipped byte in any key file are clear errors from
/// `prove`, before anything reaches arkworks (which would otherwise panic once per
/// constraint index).
#[test]
fn key_directory_faults_are_clear_errors() {
    let pl = pipeline();
    let dir = TempDir::new("faults");
    let prove = |keys: &Path| -> String {
        let (state, txs) = (Pipeline::arg(&pl.state), Pipeline::arg(&pl.txs));
        let err = fails(&[
            "prove",
            "--keys",
            keys.to_str().unwrap(),
            "--state",
            state,
            "--txs",
            txs,
            "--out",
            &dir.arg("out"),
        ]);
        assert!(!dir.path("out").exists(), "nothing written on failure");
        err
    };
    let meta: Value = json(&read(&pl.keys.join("meta.json")));
    let constraints = meta["size"]["constraints"].as_u64().unwrap();
    for edited in [constraints + 1, constraints - 1, 1 << 40] {
        let keys = dir.path(&format!("keys-{edited}"));
        copy_dir(&pl.keys, &keys);
        let mut m = meta.clone();
        m["size"]["constraints"] = edited.into();
        std::fs::write(keys.join("meta.json"), m.to_string()).unwrap();
        let err = prove(&keys);
        assert!(err.contains("size.constraints") && err.contains(&edited.to_string()), "{err}");
    }
    for name in ["vk.bin", "vk.json", "pk.bin", "matrices.bin"] {
        let keys = dir.path(&format!("flipped-{name}"));
        copy_dir(&pl.keys, &keys);
        let mut bytes = std::fs::read(keys.join(name)).unwrap();
        bytes[10] ^= 0x01;
        std::fs::write(keys.join(name), bytes).unwrap();
        let err = prove(&keys);
        assert!(err.contains(name) && err.contains("SHA-256 differs"), "{name}: {err}");
    }
}

/// `prove` writes all of its outputs or none: an existing output directory is refused
/// without --force; a failing prove leaves it exactly as it was; with --force it is
/// replaced whole. No temporary file is left behind either way.
#[test]
fn prove_outputs_are_all_or_nothing() {
    let pl = pipeline();
    let dir = TempDir::new("outputs");
    let out = dir.path("out");
    copy_dir(&pl.out, &out);
    std::fs::write(out.join("notes.txt"), "an earlier run").unwrap();
    let before = snapshot(&out);
    let (keys, txs) = (Pipeline::arg(&pl.keys), Pipeline::arg(&pl.txs));
    let args = |state: &str| -> Vec<String> {
        ["prove", "--keys", keys, "--state", state, "--txs", txs, "--out", out.to_str().unwrap()]
            .map(str::to_string)
            .to_vec()
    };

    // Exists and not empty: refused before any work.
    let err = unusable(&args(Pipeline::arg(&pl.state)));
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    // A prove that fails (the nonces are spent in the new state): nothing changes.
    let spent = pl.out.join("state.json");
    let err = fails(&[args(Pipeline::arg(&spent)), vec!["--force".into()]].concat());
    assert!(err.contains("transaction 0 failed"), "{err}");
    assert_eq!(snapshot(&out), before, "the old outputs are untouched");
    // With --force: the directory is replaced whole (notes.txt is gone with it).
    ok(&[args(Pipeline::arg(&pl.state)), vec!["--force".into()]].concat());
    let names: Vec<String> = snapshot(&out).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["batch.json", "proof.bin", "proof.json", "public.json", "state.json"]);
    let entries: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(entries, ["out"], "no temporary directory left beside it");
}

/// A setup killed halfway leaves the old key directory exactly as it was, and an
/// existing key directory is refused without --force.
#[test]
fn setup_killed_halfway_leaves_the_old_keys() {
    let pl = pipeline();
    let dir = TempDir::new("killed");
    let keys = dir.path("keys");
    copy_dir(&pl.keys, &keys);
    let before = snapshot(&keys);
    let setup = ["setup", "--depth", "8", "--batch-size", "2", "--seed", "9", "--out", keys.to_str().unwrap()];
    let err = unusable(&setup);
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_rollup"))
        .args(setup)
        .arg("--force")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start a setup");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = child.kill();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the setup was killed before it finished");
    assert_eq!(snapshot(&keys), before, "the old keys are intact");
    prover::Keys::read(&keys).expect("and still load");
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
    // A tree shape the ledger refuses is an unusable --depth.
    let err = unusable(&["info", "--depth", "7", "--batch-size", "2"]);
    assert!(err.contains("--depth"), "{err}");
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
