//! `rollup export`: the circuit, a batch's witness and the proving key in iden3's formats, read
//! by snarkjs 0.7.6 itself: `r1cs info` counts what we count, `wtns check` accepts our witness
//! against our circuit (and refuses a tampered one), `groth16 prove` with our `.zkey` and `.wtns`
//! makes a proof `rollup verify` accepts, and `zkey export verificationkey` gives our `vk.json`.
//!
//! One seeded setup (depth 8, 2 slots) and one set of exports are shared by every test. The
//! snarkjs checks need `node` and `npm`: the pinned snarkjs of the verifier crate is installed with
//! `npm ci --prefix verifier/tests/snarkjs` on first use. Set `SKIP_SNARKJS=1` to skip them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::snarkjs_cli;
use prover::iden3::{self, section, BinFile};
use serde_json::Value;

fn rollup<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollup")).args(args).output().expect("run the rollup binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary and expects success; returns stdout.
fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = rollup(args);
    assert!(output.status.success(), "rollup failed: {}\nstderr: {}", output.status, text(&output.stderr));
    text(&output.stdout)
}

/// Runs the binary and expects exit code `code` with one `error:` line; returns the line.
fn fails_with<S: AsRef<std::ffi::OsStr>>(code: i32, args: &[S]) -> String {
    let output = rollup(args);
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "exit code {code} expected; stderr: {err}");
    assert!(err.starts_with("error: ") && !err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line of error: {err:?}");
    err
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// genesis (4 accounts, depth 8) → workload (2 transactions) → seeded setup (depth 8, 2 slots)
/// → the three exports, made once; tests only read it.
struct Exports {
    dir: PathBuf,
    keys: PathBuf,
    state: PathBuf,
    txs: PathBuf,
    r1cs: PathBuf,
    wtns: PathBuf,
    zkey: PathBuf,
    /// `export r1cs --json`, `export wtns --json`, `export zkey --json`.
    summaries: [Value; 3],
    /// The key directory's meta.json.
    meta: Value,
}

impl Exports {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn exports() -> &'static Exports {
    static EXPORTS: OnceLock<Exports> = OnceLock::new();
    EXPORTS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rollup-export");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the test directory");
        let genesis = dir.join("genesis");
        let (state, keys_file) = (genesis.join("state.json"), genesis.join("keys.json"));
        let (txs, keys) = (dir.join("txs.json"), dir.join("keys"));
        ok(&["genesis", "--accounts", "4", "--depth", "8", "--seed", "3", "--out", arg(&genesis)]);
        ok(&["workload", "--state", arg(&state), "--keys", arg(&keys_file), "--count", "2", "--seed", "5"]
            .into_iter()
            .chain(["--out", arg(&txs)])
            .collect::<Vec<_>>());
        ok(&["setup", "--depth", "8", "--batch-size", "2", "--seed", "7", "--out", arg(&keys)]);
        let (r1cs, wtns, zkey) = (dir.join("circuit.r1cs"), dir.join("witness.wtns"), dir.join("circuit.zkey"));
        let r1cs_summary = json(&ok(&["export", "r1cs", "--keys", arg(&keys), "--out", arg(&r1cs), "--json"]));
        let wtns_summary = json(&ok(&[
            "export",
            "wtns",
            "--keys",
            arg(&keys),
            "--state",
            arg(&state),
            "--txs",
            arg(&txs),
            "--out",
            arg(&wtns),
            "--json",
        ]));
        let zkey_summary = json(&ok(&["export", "zkey", "--keys", arg(&keys), "--out", arg(&zkey), "--json"]));
        let meta = json(&text(&read(&keys.join("meta.json"))));
        Exports { dir, keys, state, txs, r1cs, wtns, zkey, summaries: [r1cs_summary, wtns_summary, zkey_summary], meta }
    })
}

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// The sizes meta.json declares: (constraints, wires).
fn declared(e: &Exports) -> (usize, usize) {
    let size = &e.meta["size"];
    let n = |k: &str| size[k].as_u64().unwrap() as usize;
    (n("constraints"), n("instance_variables") + n("witness_variables"))
}

/// The files hold what meta.json declares, at the sizes the formats give; the summaries say so.
#[test]
fn exports_have_the_declared_layout() {
    let e = exports();
    let (constraints, wires) = declared(e);
    for summary in &e.summaries {
        assert_eq!(summary["constraints"].as_u64(), Some(constraints as u64), "{summary}");
        assert_eq!(summary["wires"].as_u64(), Some(wires as u64), "{summary}");
        assert_eq!(summary["public_inputs"], 1, "{summary}");
    }
    let [r1cs_summary, wtns_summary, zkey_summary] = &e.summaries;

    let r1cs = read(&e.r1cs);
    assert_eq!(r1cs_summary["bytes"].as_u64(), Some(r1cs.len() as u64));
    let file = BinFile::parse(&r1cs, b"r1cs").unwrap();
    let header = file.section(section::R1CS_HEADER).unwrap();
    // nWires, nPubOut, nPubIn, nPrvIn, then nLabels (u64) and mConstraints.
    assert_eq!([36, 40, 44, 48, 52, 60].map(|at| u32_at(header, at)), [wires, 0, 1, 0, wires, constraints]);
    assert_eq!(file.section(section::R1CS_WIRE_TO_LABEL).unwrap().len(), 8 * wires);

    let wtns = read(&e.wtns);
    assert_eq!(wtns.len(), 12 + (12 + 4 + 32 + 4) + (12 + 32 * wires));
    assert_eq!(wtns_summary["bytes"].as_u64(), Some(wtns.len() as u64));
    let values = BinFile::parse(&wtns, b"wtns").unwrap().section(section::WTNS_VALUES).unwrap();
    let mut one = [0u8; 32];
    one[0] = 1;
    assert_eq!(values[..32], one, "wire 0 is the constant one");
    let commitment: ledger::Fr = ledger::field::parse_fr(wtns_summary["commitment"].as_str().unwrap()).unwrap();
    let mut le = ledger::field::fr_to_be_bytes(&commitment);
    le.reverse();
    assert_eq!(values[32..64], le, "wire 1 is the commitment");

    let zkey = read(&e.zkey);
    assert_eq!(zkey_summary["bytes"].as_u64(), Some(zkey.len() as u64));
    let file = BinFile::parse(&zkey, b"zkey").unwrap();
    let h = file.section(section::ZKEY_GROTH16_HEADER).unwrap();
    let domain = u32_at(h, 80);
    assert_eq!((u32_at(h, 72), u32_at(h, 76)), (wires, 1));
    assert!(domain.is_power_of_two() && domain >= constraints + 2, "{domain}");
    assert_eq!(zkey_summary["domain_size"].as_u64(), Some(domain as u64));
    for (id, len) in [
        (section::ZKEY_IC, 2 * iden3::G1_BYTES),
        (section::ZKEY_A, wires * iden3::G1_BYTES),
        (section::ZKEY_B1, wires * iden3::G1_BYTES),
        (section::ZKEY_B2, wires * iden3::G2_BYTES),
        (section::ZKEY_C, (wires - 2) * iden3::G1_BYTES),
        (section::ZKEY_H, domain * iden3::G1_BYTES),
    ] {
        assert_eq!(file.section(id).unwrap().len(), len, "section {id}");
    }
    eprintln!(
        "depth 8, 2 slots: {constraints} constraints, {wires} wires, domain {domain}; .r1cs {} bytes, .wtns {} \
         bytes, .zkey {} bytes",
        r1cs.len(),
        wtns.len(),
        zkey.len()
    );
}

/// An existing file is refused without --force (exit 2, untouched), replaced with it; an input
/// is never the output without --force; a directory never is.
#[test]
fn outputs_are_refused_or_replaced_whole() {
    let e = exports();
    let dir = e.file("refusals");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("c.r1cs");
    std::fs::write(&out, "old").unwrap();
    let err = fails_with(2, &["export", "r1cs", "--keys", arg(&e.keys), "--out", arg(&out)]);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(read(&out), b"old");
    ok(&["export", "r1cs", "--keys", arg(&e.keys), "--out", arg(&out), "--force"]);
    assert_eq!(read(&out), read(&e.r1cs), "the same keys give the same bytes");
    let err = fails_with(2, &["export", "zkey", "--keys", arg(&e.keys), "--out", arg(&dir)]);
    assert!(err.contains("directory"), "{err}");
    let state_before = read(&e.state);
    let args = ["export", "wtns", "--keys", arg(&e.keys), "--state", arg(&e.state), "--txs", arg(&e.txs)];
    let err = fails_with(2, &[&args[..], &["--out", arg(&e.state)]].concat());
    assert!(err.contains("--state"), "{err}");
    assert_eq!(read(&e.state), state_before);
    // Not a key directory: a clear error, nothing written.
    let missing = dir.join("none.zkey");
    fails_with(1, &["export", "zkey", "--keys", arg(&dir), "--out", arg(&missing)]);
    assert!(!missing.exists());
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|d| d.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["c.r1cs"], "no temporary files left");
}

/// `export snarkjs-commands` prints a script naming every check for the given paths.
#[test]
fn snarkjs_commands_name_every_check() {
    let e = exports();
    let script = ok(&[
        "export",
        "snarkjs-commands",
        "--dir",
        arg(&e.dir),
        "--keys",
        arg(&e.keys),
        "--state",
        arg(&e.state),
        "--txs",
        arg(&e.txs),
    ]);
    let (r1cs, wtns, zkey) = (arg(&e.r1cs), arg(&e.wtns), arg(&e.zkey));
    for line in [
        format!("snarkjs r1cs info {r1cs}"),
        format!("snarkjs wtns check {r1cs} {wtns}"),
        format!("snarkjs groth16 prove {zkey} {wtns} {} {}", arg(&e.file("proof.json")), arg(&e.file("public.json"))),
        format!("snarkjs zkey export verificationkey {zkey} {}", arg(&e.file("verification_key.json"))),
        format!("snarkjs zkey export solidityverifier {zkey} {}", arg(&e.file("verifier.sol"))),
        format!("rollup export zkey --keys {} --out {zkey}", arg(&e.keys)),
    ] {
        assert!(script.lines().any(|l| l == line), "missing {line:?} in\n{script}");
    }
    // --state without --txs is a usage error.
    fails_with(2, &["export", "snarkjs-commands", "--keys", arg(&e.keys), "--state", arg(&e.state)]);
}

/// Runs snarkjs with `args`: whether it exited 0, and its stdout and stderr together.
fn snarkjs<S: AsRef<std::ffi::OsStr>>(cli: &Path, args: &[S]) -> (bool, String) {
    let output = Command::new("node").arg(cli).args(args).output().expect("`node` must be on PATH for snarkjs");
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    eprintln!("snarkjs {}: {all}", args.iter().map(|a| a.as_ref().to_string_lossy()).collect::<Vec<_>>().join(" "));
    (output.status.success(), all)
}

/// The number after `label` on a line of snarkjs' log.
fn logged(log: &str, label: &str) -> usize {
    let line = log.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no {label:?} in {log}"));
    line.rsplit(' ').next().unwrap().trim().parse().unwrap_or_else(|e| panic!("{line}: {e}"))
}

#[test]
fn snarkjs_counts_what_we_count() {
    let Some(cli) = snarkjs_cli() else { return };
    let e = exports();
    let (constraints, wires) = declared(e);
    let (ok, log) = snarkjs(&cli, &["r1cs", "info", arg(&e.r1cs)]);
    assert!(ok, "{log}");
    assert!(log.contains("Curve: bn-128"), "{log}");
    assert_eq!(logged(&log, "# of Wires:"), wires);
    assert_eq!(logged(&log, "# of Constraints:"), constraints);
    assert_eq!(logged(&log, "# of Public Inputs:"), 1);
    assert_eq!(logged(&log, "# of Outputs:"), 0);
    assert_eq!(logged(&log, "# of Labels:"), wires);
}

#[test]
fn snarkjs_accepts_our_witness_and_refuses_a_tampered_one() {
    let Some(cli) = snarkjs_cli() else { return };
    let e = exports();
    let (ok, log) = snarkjs(&cli, &["wtns", "check", arg(&e.r1cs), arg(&e.wtns)]);
    assert!(ok && log.contains("WITNESS IS CORRECT"), "{log}");

    // The values section starts 12 + 12 + 40 + 12 bytes in; wire w at 32·w after that.
    let values_at = 12 + (12 + 4 + 32 + 4) + 12;
    let good = read(&e.wtns);
    for (wire, what) in [(1, "the commitment"), (0, "the constant one")] {
        let mut bad = good.clone();
        bad[values_at + 32 * wire] ^= 0x02;
        let path = e.file(&format!("tampered-{wire}.wtns"));
        std::fs::write(&path, &bad).unwrap();
        let (ok, log) = snarkjs(&cli, &["wtns", "check", arg(&e.r1cs), arg(&path)]);
        assert!(!ok && log.contains("WITNESS IS NOT CORRECT"), "a witness with {what} changed passed: {log}");
    }
}

#[test]
fn snarkjs_proves_with_our_key_and_rollup_verifies() {
    let Some(cli) = snarkjs_cli() else { return };
    let e = exports();
    let dir = e.file("snarkjs-prove");
    std::fs::create_dir_all(&dir).unwrap();
    let (proof, public) = (dir.join("proof.json"), dir.join("public.json"));
    let (ok_, log) = snarkjs(&cli, &["groth16", "prove", arg(&e.zkey), arg(&e.wtns), arg(&proof), arg(&public)]);
    assert!(ok_, "{log}");
    let public_values: Vec<String> = serde_json::from_slice(&read(&public)).unwrap();
    assert_eq!(public_values, [e.summaries[1]["commitment"].as_str().unwrap()], "the one public input");

    let vk = e.keys.join("vk.json");
    let verdict = ok(&["verify", "--vk", arg(&vk), "--proof", arg(&proof), "--public", arg(&public)]);
    assert_eq!(verdict.trim(), "OK");
    let (accepted, log) = snarkjs(&cli, &["groth16", "verify", arg(&vk), arg(&public), arg(&proof)]);
    assert!(accepted && log.contains("OK"), "{log}");

    // The same proof for another commitment is rejected.
    let changed = ledger::field::parse_fr(&public_values[0]).unwrap() + ledger::Fr::from(1u64);
    let bad_public = dir.join("bad_public.json");
    std::fs::write(&bad_public, serde_json::to_string(&[ledger::field::fr_to_decimal(&changed)]).unwrap()).unwrap();
    let err = fails_with(1, &["verify", "--vk", arg(&vk), "--proof", arg(&proof), "--public", arg(&bad_public)]);
    assert!(err.starts_with("error: proof rejected"), "{err}");
}

#[test]
fn snarkjs_exports_our_verifying_key() {
    let Some(cli) = snarkjs_cli() else { return };
    let e = exports();
    let theirs = e.file("verification_key.json");
    let (ok, log) = snarkjs(&cli, &["zkey", "export", "verificationkey", arg(&e.zkey), arg(&theirs)]);
    assert!(ok, "{log}");
    let theirs: Value = serde_json::from_slice(&read(&theirs)).unwrap();
    let ours: Value = serde_json::from_slice(&read(&e.keys.join("vk.json"))).unwrap();
    assert_eq!(theirs, ours);
}
