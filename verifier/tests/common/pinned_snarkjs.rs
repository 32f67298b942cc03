//! The pinned snarkjs of `verifier/tests/snarkjs` (its `package.json` and lock file), installed with
//! `npm ci` on first use. Shared by the verifier's and the CLI's tests (the CLI's include this file
//! by path), so there is one install mechanism and one place that says how to skip it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Installs (once per test binary) and returns the snarkjs CLI script under `dir`, the
/// `verifier/tests/snarkjs` folder; `None` when `SKIP_SNARKJS=1`.
pub fn pinned_snarkjs_cli(dir: &Path) -> Option<PathBuf> {
    if std::env::var("SKIP_SNARKJS").is_ok_and(|v| v == "1") {
        eprintln!("SKIP_SNARKJS=1: snarkjs interoperability check skipped");
        return None;
    }
    let cli = dir.join("node_modules/snarkjs/build/cli.cjs");
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if !cli.is_file() {
            eprintln!("installing the pinned snarkjs: npm ci --prefix {}", dir.display());
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(dir)
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
