//! `rollup export verifier` and `rollup bench evm`, end to end: a real batch proof (genesis, workload, seeded
//! setup of depth 8 with 2 slots, prove) verified by the exported Solidity contract on revm, whose gas the
//! simulator's charge must match within 5%.
//!
//! The Solidity part needs `node` and `npm` (solc pinned in `evm-gas/js`, installed on first use);
//! `SKIP_SNARKJS=1` skips it, and the export's own checks still run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use evm_gas::{Evm, JsTools, TOLERANCE};

fn rollup<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollup")).args(args).output().expect("run the rollup binary")
}

fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = rollup(args);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "rollup failed: {}\nstderr: {err}", output.status);
    String::from_utf8(output.stdout).expect("utf-8 stdout")
}

/// Expects exit code 2 with one `error:` line; returns it.
fn unusable<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = rollup(args);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "exit code 2 expected: {err}");
    assert!(err.starts_with("error: ") && !err.contains("panicked"), "{err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

struct Batch {
    keys: PathBuf,
    out: PathBuf,
    dir: PathBuf,
}

/// genesis (4 accounts, depth 8) → workload (2 transactions) → seeded setup (depth 8, 2 slots) → prove.
fn prove_one_batch() -> Batch {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("rollup-evm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the test directory");
    let g = dir.join("genesis");
    let (txs, keys, out) = (dir.join("txs.json"), dir.join("keys"), dir.join("out"));
    ok(&["genesis", "--accounts", "4", "--depth", "8", "--seed", "3", "--out", s(&g)]);
    let (state, keys_file) = (g.join("state.json"), g.join("keys.json"));
    ok(&["workload", "--state", s(&state), "--keys", s(&keys_file), "--count", "2", "--seed", "5", "--out", s(&txs)]);
    ok(&["setup", "--depth", "8", "--batch-size", "2", "--seed", "7", "--out", s(&keys)]);
    ok(&["prove", "--keys", s(&keys), "--state", s(&state), "--txs", s(&txs), "--out", s(&out)]);
    Batch { keys, out, dir }
}

#[test]
fn exported_verifier_accepts_a_real_batch_proof_on_revm_at_the_simulators_gas() {
    let batch = prove_one_batch();
    let sol = batch.dir.join("Verifier.sol");
    let text = ok(&["export", "verifier", "--keys", s(&batch.keys), "--out", s(&sol)]);
    assert!(text.contains("1 public input"), "{text}");
    let source = std::fs::read_to_string(&sol).expect("the contract was written");
    assert!(source.contains("contract Groth16Verifier"));
    // An existing file is kept unless --force.
    let err = unusable(&["export", "verifier", "--keys", s(&batch.keys), "--out", s(&sol)]);
    assert!(err.contains("--force"), "{err}");
    ok(&["export", "verifier", "--keys", s(&batch.keys), "--out", s(&sol), "--force"]);
    assert_eq!(std::fs::read_to_string(&sol).unwrap(), source, "the same key gives the same contract");
    // A file of the key directory is never replaced, even with --force; nor is a directory written over.
    let vk_json = batch.keys.join("vk.json");
    let before = std::fs::read(&vk_json).unwrap();
    let err = unusable(&["export", "verifier", "--keys", s(&batch.keys), "--out", s(&vk_json), "--force"]);
    assert!(err.contains("key directory"), "{err}");
    assert_eq!(std::fs::read(&vk_json).unwrap(), before);
    let err = unusable(&["export", "verifier", "--keys", s(&batch.keys), "--out", s(&batch.out), "--force"]);
    assert!(err.contains("directory"), "{err}");
    // A directory without a key is refused.
    let err = unusable(&["export", "verifier", "--keys", s(&batch.out), "--out", s(&batch.dir.join("x.sol"))]);
    assert!(err.contains("no verifying key"), "{err}");

    if let Some(tools) = JsTools::find().expect("the pinned node tools install (or set SKIP_SNARKJS=1)") {
        let read = |name: &str| std::fs::read_to_string(batch.out.join(name)).expect("prove wrote it");
        let proof = verifier::snarkjs::proof_from_json(&read("proof.json")).unwrap();
        let inputs = verifier::snarkjs::public_from_json(&read("public.json")).unwrap();
        let mut evm = Evm::new();
        let address = evm.deploy(&tools.compile(&source, verifier::solidity::CONTRACT_NAME).unwrap()).unwrap();
        let accepted = evm.call(address, &verifier::solidity::calldata(&proof, &inputs)).unwrap();
        assert_eq!(accepted.as_bool(), Some(true), "{accepted:?}");
        let charge = l1_contract_sim::gas::groth16_verify_gas(1);
        let ratio = charge as f64 / accepted.execution_gas as f64;
        assert!((ratio - 1.0).abs() <= TOLERANCE, "simulator {charge}, revm {}", accepted.execution_gas);
        let mut changed = inputs.clone();
        changed[0] += verifier::Fr::from(1u64);
        let rejected = evm.call(address, &verifier::solidity::calldata(&proof, &changed)).unwrap();
        assert_eq!(rejected.as_bool(), Some(false), "{rejected:?}");

        // The outside reference: snarkjs' own verifier, from `snarkjs zkey export solidityverifier` of the
        // .zkey `rollup export zkey` writes, agrees on the same real proof.
        let zkey = batch.dir.join("circuit.zkey");
        ok(&["export", "zkey", "--keys", s(&batch.keys), "--out", s(&zkey)]);
        let theirs_sol = batch.dir.join("snarkjs_verifier.sol");
        let snarkjs = evm_gas::js::js_dir().join("node_modules/snarkjs/build/cli.cjs");
        let status = Command::new("node")
            .arg(&snarkjs)
            .args(["zkey", "export", "solidityverifier", s(&zkey), s(&theirs_sol)])
            .status()
            .expect("run snarkjs");
        assert!(status.success(), "snarkjs zkey export solidityverifier failed");
        let theirs_src = std::fs::read_to_string(&theirs_sol).unwrap();
        let theirs = evm.deploy(&tools.compile(&theirs_src, "Groth16Verifier").unwrap()).unwrap();
        let words: Vec<_> = inputs.iter().map(verifier::solidity::input_word).collect();
        let changed_words: Vec<_> = changed.iter().map(verifier::solidity::input_word).collect();
        let proof_words = verifier::solidity::proof_words(&proof);
        let call = |w: &[verifier::solidity::Word]| evm_gas::calibration::snarkjs_calldata(&proof_words, w);
        assert_eq!(evm.call(theirs, &call(&words)).unwrap().as_bool(), Some(true));
        assert_eq!(evm.call(theirs, &call(&changed_words)).unwrap().as_bool(), Some(false));
    } else {
        eprintln!("SKIP_SNARKJS=1: the exported verifier is not run on revm");
    }
    std::fs::remove_dir_all(&batch.dir).ok();
}

#[test]
fn bench_evm_prints_every_check_within_five_percent() {
    if evm_gas::js::skipped() {
        let err = unusable(&["bench", "evm"]);
        assert!(err.contains("SKIP_SNARKJS"), "{err}");
        return;
    }
    let text = ok(&["bench", "evm", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&text).expect("one line of JSON");
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 8);
    for row in rows {
        let ratio = row["ratio"].as_f64().unwrap();
        assert!(row["reference"].as_bool().unwrap() || (ratio - 1.0).abs() <= TOLERANCE, "{row}");
        assert!(row["simulator"].as_u64().unwrap() > 0 && row["revm"].as_u64().unwrap() > 0);
    }
    let table = ok(&["bench", "evm"]);
    assert!(table.contains("Poseidon, 5 inputs") && table.contains("Groth16 verify, 1 input"), "{table}");
}
