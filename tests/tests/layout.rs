//! The workspace's layout rules (ARCHITECTURE.md), checked on the manifests and sources: no design imports
//! another design, the L1 chain knows no design, and every source file of a crate is declared as a module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const DESIGNS: [&str; 5] = ["zk-rollup", "optimistic", "channels", "sidechain", "plasma"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The names in the `[dependencies]`, `[dev-dependencies]` and `[build-dependencies]` tables of a manifest.
fn dependencies(krate: &str) -> BTreeSet<String> {
    let manifest = root().join(krate).join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let mut in_deps = false;
    let mut names = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]");
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
            names.insert(name.trim_matches('"').to_string());
        }
    }
    names
}

#[test]
fn no_design_imports_another() {
    for design in DESIGNS {
        let deps = dependencies(design);
        for other in DESIGNS.iter().filter(|d| **d != design) {
            assert!(!deps.contains(*other), "{design} depends on {other}: designs must not import each other");
        }
    }
}

#[test]
fn the_l1_chain_knows_no_design() {
    let deps = dependencies("l1-contract-sim");
    for forbidden in DESIGNS.iter().chain(&["circuits", "prover", "verifier", "compare"]) {
        assert!(!deps.contains(*forbidden), "l1-contract-sim depends on {forbidden}");
    }
    assert!(deps.contains("ledger"), "the parser reads the manifest: {deps:?}");
    let prover = dependencies("prover");
    assert!(!prover.contains("l1-contract-sim"), "prover is Groth16 only: {prover:?}");
}

/// `evm-gas` (revm and the node tools) is a measuring instrument: only the binary and the tests use it, so no
/// library crate pulls the EVM into its build.
#[test]
fn only_the_binary_and_tests_use_evm_gas() {
    let libraries = ["ledger", "verifier", "l1-contract-sim", "circuits", "prover", "compare"];
    for krate in libraries.iter().chain(DESIGNS.iter()) {
        assert!(!dependencies(krate).contains("evm-gas"), "{krate} depends on evm-gas");
    }
    let deps = dependencies("evm-gas");
    for forbidden in DESIGNS.iter().chain(&["circuits", "prover", "compare", "cli"]) {
        assert!(!deps.contains(*forbidden), "evm-gas depends on {forbidden}");
    }
}

/// Every `.rs` file under a crate's `src/` is declared by a `mod` in its parent (`lib.rs`, `main.rs`,
/// `mod.rs` or the file of the same name), so a reader finds every module from the crate's root.
#[test]
fn every_source_file_is_a_declared_module() {
    let crates = ["ledger", "verifier", "l1-contract-sim", "circuits", "prover", "compare", "evm-gas", "cli"];
    for krate in crates.iter().chain(DESIGNS.iter()) {
        let src = root().join(krate).join("src");
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
                if path.extension().and_then(|e| e.to_str()) != Some("rs")
                    || ["lib", "main", "mod"].contains(&name.as_str())
                {
                    continue;
                }
                let parent_dir = path.parent().expect("a file has a folder");
                let parents = if parent_dir == src {
                    vec![src.join("lib.rs"), src.join("main.rs")]
                } else {
                    vec![parent_dir.join("mod.rs"), parent_dir.with_extension("rs")]
                };
                let declared = parents.iter().filter_map(|p| std::fs::read_to_string(p).ok()).any(|text| {
                    text.lines().map(str::trim).any(|l| {
                        l.trim_start_matches("pub ")
                            .trim_start_matches("pub(crate) ")
                            .starts_with(&format!("mod {name};"))
                    })
                });
                assert!(declared, "{} is not declared as a module", path.display());
            }
        }
    }
}
