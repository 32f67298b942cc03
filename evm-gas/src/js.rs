//! The node tools pinned in `evm-gas/js/package.json`: solc (standard JSON), circomlibjs' Poseidon contract,
//! snarkjs' Groth16 Solidity verifier template.
//!
//! The packages are installed on first use with `npm ci --prefix evm-gas/js` (the exact versions of the
//! committed `package-lock.json`). `SKIP_SNARKJS=1` turns every node tool off ([`JsTools::find`] returns
//! `None`), so the crate and its tests work without node.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::{EvmGasError, Result};

/// The solc release pinned in `js/package.json`.
pub const SOLC_VERSION: &str = "0.8.28";
/// The circomlibjs release pinned in `js/package.json`.
pub const CIRCOMLIBJS_VERSION: &str = "0.1.7";
/// The snarkjs release pinned in `js/package.json` (its Groth16 Solidity template).
pub const SNARKJS_VERSION: &str = "0.7.6";

/// The pinned node tools, installed.
#[derive(Debug, Clone)]
pub struct JsTools {
    dir: PathBuf,
}

/// Whether `SKIP_SNARKJS=1` asks to skip everything node-based.
pub fn skipped() -> bool {
    std::env::var("SKIP_SNARKJS").is_ok_and(|v| v == "1")
}

/// The folder holding `package.json`, `package-lock.json` and `tools.js`.
pub fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("js")
}

impl JsTools {
    /// The installed tools, installing them with `npm ci` on first use; `Ok(None)` when `SKIP_SNARKJS=1`.
    pub fn find() -> Result<Option<JsTools>> {
        if skipped() {
            return Ok(None);
        }
        let dir = js_dir();
        // One install at a time in this process (tests run in parallel).
        static INSTALL: Mutex<()> = Mutex::new(());
        let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
        let installed = ["solc", "circomlibjs", "snarkjs", "ejs"]
            .iter()
            .all(|p| dir.join("node_modules").join(p).join("package.json").is_file());
        if !installed {
            let output = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .output()
                .map_err(|e| node_error("npm ci", format!("cannot run npm ({e}); set SKIP_SNARKJS=1 to skip")))?;
            if !output.status.success() {
                return Err(node_error("npm ci", String::from_utf8_lossy(&output.stderr).into_owned()));
            }
        }
        Ok(Some(JsTools { dir }))
    }

    /// Runs `node tools.js ARGS` with `stdin`, returning its standard output.
    fn run(&self, args: &[&str], stdin: &str) -> Result<String> {
        let tool = args.first().copied().unwrap_or_default();
        let mut child = Command::new("node")
            .arg(self.dir.join("tools.js"))
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| node_error(tool, format!("cannot run node ({e}); set SKIP_SNARKJS=1 to skip")))?;
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes()).map_err(|e| node_error(tool, e.to_string()))?;
        }
        let output = child.wait_with_output().map_err(|e| node_error(tool, e.to_string()))?;
        if !output.status.success() {
            return Err(node_error(tool, String::from_utf8_lossy(&output.stderr).into_owned()));
        }
        String::from_utf8(output.stdout)
            .map_err(|_| EvmGasError::BadOutput { tool: tool.into(), message: "not UTF-8".into() })
    }

    fn bytecode(&self, args: &[&str], stdin: &str) -> Result<Vec<u8>> {
        let text = self.run(args, stdin)?;
        hex::decode(text.trim())
            .map_err(|e| EvmGasError::BadOutput { tool: args[0].into(), message: format!("not hex bytecode: {e}") })
    }

    /// Compiles Solidity `source` with the pinned solc (optimizer on, 200 runs, EVM version cancun) and
    /// returns the creation bytecode of `contract`.
    pub fn compile(&self, source: &str, contract: &str) -> Result<Vec<u8>> {
        self.bytecode(&["compile", contract], source)
    }

    /// circomlibjs' `poseidonContract.createCode(inputs)`: creation bytecode of the Poseidon hash of `inputs`
    /// field elements (1 to 6).
    pub fn poseidon_contract(&self, inputs: usize) -> Result<Vec<u8>> {
        if !(1..=6).contains(&inputs) {
            return Err(EvmGasError::OutOfRange(format!("circomlibjs' Poseidon takes 1 to 6 inputs, not {inputs}")));
        }
        self.bytecode(&["poseidon", &inputs.to_string()], "")
    }

    /// snarkjs' own Groth16 Solidity verifier for a key given as snarkjs `verification_key.json`: its
    /// template rendered with ejs exactly as `snarkjs zkey export solidityverifier` renders it. The contract
    /// is named `Groth16Verifier` and its function is
    /// `verifyProof(uint[2], uint[2][2], uint[2], uint[N])`.
    pub fn snarkjs_verifier(&self, vk_json: &str) -> Result<String> {
        self.run(&["snarkjs-verifier"], vk_json)
    }
}

fn node_error(tool: &str, message: String) -> EvmGasError {
    EvmGasError::Node { tool: tool.into(), message }
}
