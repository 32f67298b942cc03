//! Helpers shared by the CLI's integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned snarkjs CLI of the verifier crate's tests (installed on first use), or
/// `None` when `SKIP_SNARKJS=1`.
pub fn snarkjs_cli() -> Option<PathBuf> {
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
