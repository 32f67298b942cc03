//! Interoperability with snarkjs 0.7.6 (pinned in `tests/snarkjs/package.json`):
//! `snarkjs groth16 verify` accepts our JSON, and agrees on `vk_alphabeta_12`.
//!
//! Needs `node` and `npm`: the pinned snarkjs is installed from the npm registry with
//! `npm ci --prefix verifier/tests/snarkjs` on first use. Set `SKIP_SNARKJS=1` to skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ark_bn254::Fr;
use common::fixture;
use verifier::snarkjs::{proof_to_json, public_to_json, vk_to_json, SnarkjsVerifyingKey};

#[path = "common/pinned_snarkjs.rs"]
mod pinned_snarkjs;

/// The pinned snarkjs install, or `None` when the test is to be skipped.
fn snarkjs_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snarkjs");
    pinned_snarkjs::pinned_snarkjs_cli(&dir).map(|_| dir)
}

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("verifier-snarkjs-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `snarkjs groth16 verify` on the given JSON; `true` when it exits 0.
fn snarkjs_verify(snarkjs: &Path, dir: &Path, vk: &str, public: &str, proof: &str) -> bool {
    std::fs::write(dir.join("vk.json"), vk).unwrap();
    std::fs::write(dir.join("public.json"), public).unwrap();
    std::fs::write(dir.join("proof.json"), proof).unwrap();
    let output = Command::new("node")
        .arg(snarkjs.join("node_modules/snarkjs/build/cli.cjs"))
        .args(["groth16", "verify", "vk.json", "public.json", "proof.json"])
        .current_dir(dir)
        .output()
        .expect("`node` must be on PATH for the snarkjs interoperability test");
    eprintln!("snarkjs: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    output.status.success()
}

#[test]
fn snarkjs_accepts_our_proof() {
    let Some(snarkjs) = snarkjs_dir() else { return };
    let f = fixture();
    let dir = work_dir("verify");
    let (vk, proof) = (vk_to_json(&f.vk), proof_to_json(&f.proof));

    assert!(snarkjs_verify(&snarkjs, &dir, &vk, &public_to_json(&f.inputs), &proof), "snarkjs rejected our proof");

    let mut changed = f.inputs.clone();
    changed[0] += Fr::from(1u64);
    assert!(
        !snarkjs_verify(&snarkjs, &dir, &vk, &public_to_json(&changed), &proof),
        "snarkjs accepted a changed input"
    );
    assert!(
        !snarkjs_verify(&snarkjs, &dir, &vk, &public_to_json(&f.inputs), &proof_to_json(&f.other_proof)),
        "snarkjs accepted a proof of another statement"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn snarkjs_agrees_on_alphabeta() {
    let Some(snarkjs) = snarkjs_dir() else { return };
    let f = fixture();
    let dir = work_dir("alphabeta");
    std::fs::write(dir.join("vk.json"), vk_to_json(&f.vk)).unwrap();
    // ffjavascript (snarkjs' field library) computes e(alpha, beta) as `zkey export
    // verificationkey` does and writes it with `Gt.toObject`.
    let script = r#"
        const { buildBn128, utils } = require("ffjavascript");
        const vk = utils.unstringifyBigInts(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")));
        buildBn128(true).then(async (curve) => {
            const ab = await curve.pairing(curve.G1.fromObject(vk.vk_alpha_1), curve.G2.fromObject(vk.vk_beta_2));
            console.log(JSON.stringify(utils.stringifyBigInts(curve.Gt.toObject(ab))));
            await curve.terminate();
        });
    "#;
    let output = Command::new("node")
        .args(["-e", script, dir.join("vk.json").to_str().unwrap()])
        .current_dir(snarkjs.join("node_modules/snarkjs"))
        .output()
        .expect("`node` must be on PATH");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    let theirs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let ours = serde_json::to_value(SnarkjsVerifyingKey::from_vk(&f.vk).vk_alphabeta_12).unwrap();
    assert_eq!(ours, theirs);
    std::fs::remove_dir_all(&dir).ok();
}
