//! End-to-end tests of the `rollup` binary: run it, check its output against the
//! ledger library.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use ledger::field::{fr_to_decimal, parse_fr};
use ledger::workload::Mix;
use ledger::{Amount, Arity, ChainId, SecretKey, Signature, State, StateFile, TreeShape};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

const HASH_1_2: &str = "7853200120776062878684798364095072458815029376092732009249414926327459813530";
const ZERO_KEY_X: &str = "16508917144752610602145963506823743115557101240265470506805505298395529637033";
const ZERO_KEY_Y: &str = "18631654747796370155722974221085383534170330422926471002342567715267253236113";

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique =
            format!("rollup-cli-test-{name}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
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
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// Runs the binary and expects success; returns stdout.
fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = rollup(args);
    assert!(output.status.success(), "rollup failed: {}\nstderr: {}", output.status, stderr(&output));
    stdout(&output)
}

/// Runs the binary and expects a clean failure: non-zero exit, one `error:` line, no panic.
fn fails<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (Output, String) {
    let output = rollup(args);
    let err = stderr(&output);
    assert!(!output.status.success(), "rollup should have failed; stdout: {}", stdout(&output));
    assert!(!err.contains("panicked"), "rollup panicked: {err}");
    assert!(err.starts_with("error: "), "stderr must start with `error: `: {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line of error: {err:?}");
    (output, err)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn read_state(path: &Path) -> State {
    let file: StateFile =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read state")).expect("parse state");
    State::from_file(&file).expect("valid state")
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

#[test]
fn hash_poseidon_matches_circomlib() {
    assert_eq!(ok(&["hash", "poseidon", "1", "2"]).trim(), HASH_1_2);
    assert_eq!(ok(&["hash", "poseidon", "0x1", "0x2"]).trim(), HASH_1_2);
    let out = json(&ok(&["hash", "poseidon", "--json", "1", "2"]));
    assert_eq!(out, serde_json::json!({ "hash": HASH_1_2 }));
}

#[test]
fn keygen_with_a_fixed_secret_matches_circomlibjs() {
    let secret = "00".repeat(32);
    let out = json(&ok(&["keygen", "--secret", &secret]));
    assert_eq!(out["secret"], secret.as_str());
    assert_eq!(out["public_key"]["x"], ZERO_KEY_X);
    assert_eq!(out["public_key"]["y"], ZERO_KEY_Y);
}

#[test]
fn keygen_without_a_secret_is_random_and_consistent() {
    let a = json(&ok(&["keygen"]));
    let b = json(&ok(&["keygen"]));
    assert_ne!(a["secret"], b["secret"]);
    let key = SecretKey::from_hex(a["secret"].as_str().unwrap()).unwrap();
    assert_eq!(a["public_key"], serde_json::to_value(key.public_key()).unwrap());
}

#[test]
fn sign_output_verifies() {
    let secret = "ab".repeat(32);
    let msg = "123456789";
    let out = ok(&["sign", "--secret", &secret, "--msg", msg]);
    let value = json(&out);
    for field in ["r8_x", "r8_y", "s"] {
        assert!(value[field].is_string(), "{field} missing: {out}");
    }
    let signature: Signature = serde_json::from_value(value).expect("a signature");
    let key = SecretKey::from_hex(&secret).unwrap();
    let msg = parse_fr(msg).unwrap();
    assert!(key.public_key().verify(msg, &signature));
    assert!(!key.public_key().verify(msg + ledger::Fr::from(1u64), &signature));
    assert_eq!(signature, key.sign(msg));
}

#[test]
fn genesis_workload_apply_round_trip() {
    let dir = TempDir::new("round-trip");
    let out_dir = dir.path("genesis");
    let summary = ok(&["genesis", "--accounts", "4", "--depth", "8", "--seed", "3", "--out", p(&out_dir)]);
    let state_path = out_dir.join("state.json");
    let keys_path = out_dir.join("keys.json");

    // The same genesis through the library.
    let shape = TreeShape::new(8, Arity::Quaternary).unwrap();
    let (mut expected, keys) = ledger::workload::genesis(
        shape,
        ChainId::new(1),
        4,
        Amount::new(1_000_000_000),
        &mut ChaCha20Rng::seed_from_u64(3),
    )
    .unwrap();
    let genesis = read_state(&state_path);
    assert_eq!(genesis.root(), expected.root());
    assert!(summary.contains(&fr_to_decimal(&expected.root())), "summary names the root: {summary}");
    let keys_file = json(&std::fs::read_to_string(&keys_path).unwrap());
    assert_eq!(keys_file["version"], 1);
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(keys_file["keys"][i]["index"], i);
        assert_eq!(keys_file["keys"][i]["secret"], key.to_hex().as_str());
    }

    let txs_path = dir.path("txs.json");
    ok(&[
        "workload",
        "--state",
        p(&state_path),
        "--keys",
        p(&keys_path),
        "--count",
        "5",
        "--seed",
        "9",
        "--out",
        p(&txs_path),
    ]);
    let txs_file = json(&std::fs::read_to_string(&txs_path).unwrap());
    assert_eq!(txs_file["version"], 1);
    assert_eq!(txs_file["chain_id"], 1);
    assert_eq!(txs_file["transactions"].as_array().unwrap().len(), 5);

    let txs =
        ledger::workload::random_transactions(&expected, &keys, 5, Mix::default(), &mut ChaCha20Rng::seed_from_u64(9))
            .unwrap();
    assert_eq!(txs_file["transactions"], serde_json::to_value(&txs).unwrap());
    let batch = expected.apply_batch(&txs, txs.len()).unwrap();

    let new_state = dir.path("new_state.json");
    let out = json(&ok(&["apply", "--state", p(&state_path), "--txs", p(&txs_path), "--out", p(&new_state), "--json"]));
    assert_eq!(out["transactions"], 5);
    assert_eq!(out["old_root"], fr_to_decimal(&genesis.root()).as_str());
    assert_eq!(out["new_root"], fr_to_decimal(&expected.root()).as_str());
    assert_eq!(out["commitment"], fr_to_decimal(&batch.commitment()).as_str());
    assert_eq!(read_state(&new_state).root(), expected.root());

    // The plain output names the same root and commitment.
    let text = ok(&["apply", "--state", p(&state_path), "--txs", p(&txs_path)]);
    assert!(text.contains(&fr_to_decimal(&expected.root())), "{text}");
    assert!(text.contains(&fr_to_decimal(&batch.commitment())), "{text}");

    // Applying the same batch again fails (nonces moved on), naming the position.
    let (output, err) = fails(&["apply", "--state", p(&new_state), "--txs", p(&txs_path)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(err.contains("transaction 0") && err.contains("nonce"), "{err}");
}

#[test]
fn tx_commands_append_with_running_nonces() {
    let dir = TempDir::new("tx-append");
    let out_dir = dir.path("g");
    ok(&["genesis", "--accounts", "3", "--depth", "4", "--arity", "2", "--out", p(&out_dir)]);
    let state = out_dir.join("state.json");
    let keys = out_dir.join("keys.json");
    let txs = dir.path("txs.json");
    ok(&[
        "tx",
        "transfer",
        "--state",
        p(&state),
        "--keys",
        p(&keys),
        "--from",
        "1",
        "--to",
        "2",
        "--amount",
        "10",
        "--append",
        p(&txs),
    ]);
    ok(&[
        "tx",
        "transfer",
        "--state",
        p(&state),
        "--keys",
        p(&keys),
        "--from",
        "1",
        "--to",
        "0",
        "--amount",
        "20",
        "--append",
        p(&txs),
    ]);
    let secret = json(&std::fs::read_to_string(&keys).unwrap())["keys"][2]["secret"].as_str().unwrap().to_string();
    ok(&[
        "tx",
        "withdraw",
        "--state",
        p(&state),
        "--secret",
        &secret,
        "--from",
        "2",
        "--amount",
        "5",
        "--append",
        p(&txs),
    ]);
    let file = json(&std::fs::read_to_string(&txs).unwrap());
    let list = file["transactions"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["type"], "transfer");
    assert_eq!(list[1]["nonce"], 1, "the second transfer of account 1 takes the next nonce");
    assert_eq!(list[2]["type"], "withdrawal");

    let new_state = dir.path("new.json");
    ok(&["apply", "--state", p(&state), "--txs", p(&txs), "--out", p(&new_state)]);
    let after = read_state(&new_state);
    let balance = |i: u32| after.account(ledger::AccountIndex::new(i)).unwrap().balance.units();
    assert_eq!(balance(0), 1_000_000_020);
    assert_eq!(balance(1), 1_000_000_000 - 30);
    assert_eq!(balance(2), 1_000_000_000 + 10 - 5);

    // A key that is not the sender's is refused before signing.
    let (_, err) =
        fails(&["tx", "withdraw", "--state", p(&state), "--secret", &secret, "--from", "1", "--amount", "5"]);
    assert!(err.contains("does not match"), "{err}");
}

#[test]
fn overdraft_is_refused_on_apply_and_nothing_is_written() {
    let dir = TempDir::new("overdraft");
    let out_dir = dir.path("g");
    ok(&["genesis", "--accounts", "2", "--depth", "8", "--balance", "100", "--out", p(&out_dir)]);
    let state = out_dir.join("state.json");
    let keys = out_dir.join("keys.json");
    let txs = dir.path("txs.json");
    ok(&[
        "tx",
        "transfer",
        "--state",
        p(&state),
        "--keys",
        p(&keys),
        "--from",
        "0",
        "--to",
        "1",
        "--amount",
        "101",
        "--out",
        p(&txs),
    ]);
    let new_state = dir.path("new.json");
    let (output, err) = fails(&["apply", "--state", p(&state), "--txs", p(&txs), "--out", p(&new_state)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(err.contains("insufficient balance"), "{err}");
    assert!(err.contains("transaction 0") && err.contains("\"type\":\"transfer\""), "{err}");
    assert!(!new_state.exists(), "a failed batch writes nothing");
}

#[test]
fn transactions_for_another_chain_are_refused() {
    let dir = TempDir::new("chain");
    let a = dir.path("a");
    let b = dir.path("b");
    ok(&["genesis", "--accounts", "2", "--depth", "8", "--out", p(&a)]);
    ok(&["genesis", "--accounts", "2", "--depth", "8", "--chain-id", "7", "--out", p(&b)]);
    let txs = dir.path("txs.json");
    ok(&[
        "workload",
        "--state",
        p(&a.join("state.json")),
        "--keys",
        p(&a.join("keys.json")),
        "--count",
        "2",
        "--out",
        p(&txs),
    ]);
    let (_, err) = fails(&["apply", "--state", p(&b.join("state.json")), "--txs", p(&txs)]);
    assert!(err.contains("chain"), "{err}");
}

#[test]
fn garbage_inputs_fail_cleanly() {
    let dir = TempDir::new("garbage");
    let garbled = dir.path("garbled.json");
    std::fs::write(&garbled, "{ not json").unwrap();
    let missing = dir.path("missing.json");
    let g = dir.path("g");
    ok(&["genesis", "--accounts", "2", "--depth", "8", "--out", p(&g)]);
    let state = g.join("state.json");
    let keys = g.join("keys.json");

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["keygen", "--secret", "zz"], "invalid --secret"),
        (vec!["keygen", "--secret", "abcd"], "32 bytes"),
        (vec!["sign", "--secret", "xyz", "--msg", "1"], "invalid --secret"),
        (vec!["hash", "poseidon", "one"], "not a field element"),
        (vec!["hash", "poseidon", "-1"], "not a field element"),
        (vec!["hash", "poseidon", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"], "1 to 12"),
        (vec!["hash", "poseidon"], "required"),
        (vec!["genesis", "--accounts", "4", "--depth", "33", "--out", p(&g)], "depth"),
        (vec!["genesis", "--accounts", "4", "--depth", "7", "--out", p(&g)], "multiple of 2"),
        (vec!["genesis", "--accounts", "4", "--arity", "3", "--out", p(&g)], "2 or 4"),
        (vec!["genesis", "--accounts", "many", "--out", p(&g)], "invalid value"),
        (vec!["apply", "--state", p(&missing), "--txs", p(&missing)], "cannot read state file"),
        (vec!["apply", "--state", p(&garbled), "--txs", p(&missing)], "cannot read state file"),
        (vec!["apply", "--state", p(&state), "--txs", p(&missing)], "cannot read transactions file"),
        (vec!["apply", "--state", p(&state), "--txs", p(&garbled)], "cannot read transactions file"),
        (
            vec!["workload", "--state", p(&state), "--keys", p(&garbled), "--count", "1", "--out", p(&missing)],
            "cannot read keys file",
        ),
        (
            vec!["workload", "--state", p(&state), "--keys", p(&missing), "--count", "1", "--out", p(&missing)],
            "cannot read keys file",
        ),
        (
            vec![
                "workload",
                "--state",
                p(&state),
                "--keys",
                p(&keys),
                "--count",
                "1",
                "--withdrawal-share",
                "2",
                "--out",
                p(&missing),
            ],
            "withdrawal-share",
        ),
        (
            vec!["tx", "transfer", "--state", p(&state), "--secret", "00", "--from", "0", "--to", "1", "--amount", "1"],
            "invalid --secret",
        ),
        (
            vec![
                "tx",
                "transfer",
                "--state",
                p(&state),
                "--keys",
                p(&keys),
                "--from",
                "5",
                "--to",
                "1",
                "--amount",
                "1",
            ],
            "does not exist",
        ),
        (vec!["bogus"], "unrecognized subcommand"),
    ];
    for (args, needle) in cases {
        let (_, err) = fails(&args);
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
}

/// Runs the binary and expects an unusable-input failure: exit code 2, one `error:`
/// line, no panic. Returns the line.
fn unusable<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> String {
    let output = rollup(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "exit code 2 expected for {args:?}; stderr: {err}");
    assert!(!err.contains("panicked"), "rollup panicked: {err}");
    assert!(err.starts_with("error: "), "stderr must start with `error: `: {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line of error: {err:?}");
    err
}

/// Every size flag of every verb, at 0, 2^32, 2^40 and 2^64 - 1 (and `--lie-at` past
/// the workload): exit 2 and an error naming the flag, before any work starts.
#[test]
fn size_flags_out_of_range_are_refused_before_any_work() {
    let dir = TempDir::new("ranges");
    let out = dir.path("out");
    let missing = dir.path("missing.json");
    let (out, missing) = (p(&out), p(&missing));
    const EXTREMES: [&str; 4] = ["0", "4294967296", "1099511627776", "18446744073709551615"];
    // (the verb with valid other arguments, the flag, the values to refuse)
    let cases: Vec<(Vec<&str>, &str, Vec<&str>)> = vec![
        (vec!["genesis", "--out", out], "--accounts", EXTREMES.to_vec()),
        (vec!["genesis", "--accounts", "2", "--out", out], "--depth", EXTREMES.to_vec()),
        (vec!["workload", "--state", missing, "--keys", missing, "--out", out], "--count", EXTREMES.to_vec()),
        (vec!["setup", "--batch-size", "1", "--out", out], "--depth", EXTREMES.to_vec()),
        (vec!["setup", "--depth", "8", "--out", out], "--batch-size", EXTREMES.to_vec()),
        (vec!["info", "--batch-size", "1"], "--depth", EXTREMES.to_vec()),
        (vec!["info", "--depth", "8"], "--batch-size", EXTREMES.to_vec()),
        (vec!["bench", "prove", "--batch-size", "1"], "--depth", EXTREMES.to_vec()),
        (vec!["bench", "prove", "--depth", "8"], "--batch-size", EXTREMES.to_vec()),
        (vec!["bench", "prove", "--depth", "8", "--batch-size", "1"], "--runs", EXTREMES.to_vec()),
        (vec!["bench", "gas"], "--depth", EXTREMES.to_vec()),
        (vec!["bench", "gas", "--depth", "8"], "--batch-sizes", [&EXTREMES[..], &["8,0", "8,4097"]].concat()),
        (vec!["simulate", "zk"], "--accounts", EXTREMES.to_vec()),
        (vec!["simulate", "zk"], "--txs", EXTREMES.to_vec()),
        (vec!["simulate", "zk"], "--batch-size", EXTREMES.to_vec()),
        (vec!["simulate", "zk"], "--depth", EXTREMES.to_vec()),
        (vec!["simulate", "optimistic"], "--txs", EXTREMES.to_vec()),
        (vec!["simulate", "optimistic"], "--batch-size", EXTREMES.to_vec()),
        (vec!["simulate", "optimistic"], "--accounts", EXTREMES.to_vec()),
        (vec!["simulate", "optimistic"], "--depth", EXTREMES.to_vec()),
        (vec!["simulate", "optimistic"], "--dissection", EXTREMES.to_vec()),
        // 4 users, the proposer's deposit and 16 transactions: 21 in all, 0 to 20.
        (vec!["simulate", "optimistic"], "--lie-at", vec!["21", "4294967296", "1099511627776", "18446744073709551615"]),
        (vec!["simulate", "channels"], "--nodes", [&EXTREMES[..], &["2", "1001"]].concat()),
        (vec!["simulate", "channels"], "--payments", [&EXTREMES[..], &["100001"]].concat()),
        (vec!["compare"], "--txs", EXTREMES.to_vec()),
        (vec!["compare"], "--accounts", EXTREMES.to_vec()),
        (vec!["compare"], "--batch-size", EXTREMES.to_vec()),
        (vec!["compare"], "--depth", EXTREMES.to_vec()),
        (vec!["study", "proof-costs"], "--batch-sizes", [&EXTREMES[..], &["1,0"]].concat()),
        (vec!["study", "proof-costs"], "--depths", [&EXTREMES[..], &["8,33"]].concat()),
        (vec!["study", "proof-costs"], "--max-prove-constraints", EXTREMES[1..].to_vec()),
        (vec!["demo"], "--accounts", EXTREMES.to_vec()),
        (vec!["demo"], "--txs", EXTREMES.to_vec()),
        (vec!["demo"], "--batch-size", EXTREMES.to_vec()),
        (vec!["demo"], "--depth", EXTREMES.to_vec()),
    ];
    for (verb, flag, values) in &cases {
        for value in values {
            let args: Vec<&str> = verb.iter().copied().chain([*flag, *value]).collect();
            let err = unusable(&args);
            assert!(err.contains(flag), "{args:?}: the error names {flag}: {err}");
        }
    }
    // Values in range that other flags make unusable: an odd depth for a 4-ary tree,
    // more accounts than the tree holds, a depth that no 4-ary study can use.
    let cross: [(&[&str], &str); 7] = [
        (&["genesis", "--accounts", "17", "--depth", "4", "--out", out], "--accounts"),
        (&["genesis", "--accounts", "2", "--depth", "7", "--out", out], "--depth"),
        (&["info", "--depth", "7", "--batch-size", "1"], "--depth"),
        (&["simulate", "zk", "--depth", "2", "--accounts", "17"], "--accounts"),
        (&["simulate", "optimistic", "--depth", "2", "--accounts", "16"], "--accounts"),
        (&["compare", "--depth", "3"], "--depth"),
        (&["study", "proof-costs", "--depths", "8,9"], "--depths"),
    ];
    for (args, flag) in cross {
        let err = unusable(args);
        assert!(err.contains(flag), "{args:?}: the error names {flag}: {err}");
    }
    assert!(!dir.path("out").exists(), "nothing written");
}

/// Outputs never overwrite an input (or a genesis' keys) unless --force is given.
#[test]
fn outputs_never_overwrite_inputs_without_force() {
    let dir = TempDir::new("inputs");
    let g = dir.path("g");
    ok(&["genesis", "--accounts", "2", "--depth", "4", "--seed", "1", "--out", p(&g)]);
    let (state, keys, txs) = (g.join("state.json"), g.join("keys.json"), g.join("txs.json"));
    ok(&["workload", "--state", p(&state), "--keys", p(&keys), "--count", "1", "--out", p(&txs)]);
    let snapshot = || [&state, &keys, &txs].map(|f| std::fs::read(f).unwrap());
    let before = snapshot();

    // genesis into a directory that holds keys (and a state).
    let err = unusable(&["genesis", "--accounts", "3", "--depth", "4", "--out", p(&g)]);
    assert!(err.contains("keys.json") && err.contains("--force"), "{err}");
    // workload --out onto the --state or --keys file.
    for (target, flag) in [(&state, "--state"), (&keys, "--keys")] {
        let err = unusable(&["workload", "--state", p(&state), "--keys", p(&keys), "--count", "1", "--out", p(target)]);
        assert!(err.contains(flag) && err.contains("--force"), "{err}");
    }
    // tx --out or --append onto the --state or --keys file.
    for dest in ["--out", "--append"] {
        for target in [&state, &keys] {
            let args = ["tx", "withdraw", "--state", p(&state), "--keys", p(&keys), "--from", "0", "--amount", "1"];
            let err = unusable(&[&args[..], &[dest, p(target)]].concat());
            assert!(err.contains(dest) && err.contains("--force"), "{err}");
        }
    }
    // prove --out into the directory of its --state, or onto its --txs file: refused
    // before anything is read (there are no keys at all here).
    let no_keys = dir.path("no-keys");
    let prove = ["prove", "--keys", p(&no_keys), "--state", p(&state), "--txs", p(&txs), "--out"];
    let err = unusable(&[&prove[..], &[p(&g)]].concat());
    assert!(err.contains("holds the --state input") && err.contains("--force"), "{err}");
    let err = unusable(&[&prove[..], &[p(&txs)]].concat());
    assert!(err.contains("is the --txs input"), "{err}");
    assert_eq!(snapshot(), before, "no input changed");
    assert_eq!(std::fs::read_dir(&g).unwrap().count(), 3, "nothing else written");

    // With --force the overwrite is asked for: it happens.
    ok(&["genesis", "--accounts", "3", "--depth", "4", "--seed", "2", "--out", p(&g), "--force"]);
    assert_eq!(read_state(&state).accounts().count(), 3);
    ok(&["workload", "--state", p(&state), "--keys", p(&keys), "--count", "1", "--out", p(&txs), "--force"]);
}

/// A state file that lists one account twice is refused, not read as "last one wins".
#[test]
fn state_file_with_an_account_twice_is_refused() {
    let dir = TempDir::new("duplicate");
    let g = dir.path("g");
    ok(&["genesis", "--accounts", "2", "--depth", "4", "--out", p(&g)]);
    let state = g.join("state.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let first = file["accounts"][0].clone();
    file["accounts"].as_array_mut().unwrap().push(first);
    std::fs::write(&state, file.to_string()).unwrap();
    let (_, err) = fails(&["apply", "--state", p(&state), "--txs", p(&dir.path("none.json"))]);
    assert!(err.contains("lists account") && err.contains("more than once"), "{err}");
}
