//! Helpers shared by the CLI's integration tests.

use std::path::{Path, PathBuf};

#[path = "../../../verifier/tests/common/pinned_snarkjs.rs"]
mod pinned_snarkjs;

/// The pinned snarkjs CLI of the verifier crate's tests (installed on first use), or
/// `None` when `SKIP_SNARKJS=1`.
pub fn snarkjs_cli() -> Option<PathBuf> {
    pinned_snarkjs::pinned_snarkjs_cli(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../verifier/tests/snarkjs"))
}
