//! `rollup info`: what a circuit shape costs, without any setup.

use anyhow::{Context as _, Result};
use circuits::info::{CircuitInfo, SYNTHESISE_UP_TO};
use circuits::Breakdown;
use clap::Args;
use ledger::tx::PUBDATA_SLOT_BYTES;
use ledger::ChainId;
use serde::Serialize;

use crate::output;
use crate::zk::{self, ShapeArgs};

/// Arguments of `rollup info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    shape: ShapeArgs,
    /// Print the result as one line of JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    depth: u32,
    arity: usize,
    batch_size: usize,
    constraints: usize,
    constraints_per_tx: f64,
    public_inputs: usize,
    witnesses: usize,
    sha256_blocks: usize,
    synthesised: bool,
    /// How the numbers were obtained, in words.
    method: String,
    breakdown: Breakdown,
}

/// How [`circuits::info::combine`] prices a large shape: from 1- and 2-slot circuits
/// (the per-slot cost) and one with a different number of SHA-256 blocks.
fn method(info: &CircuitInfo) -> String {
    if info.synthesised {
        "synthesised in full (without a witness)".to_string()
    } else {
        // The same third size `circuits::info::combine` measures.
        let large = 1 + 64 / PUBDATA_SLOT_BYTES + 1;
        format!(
            "estimated from synthesised 1-, 2- and {large}-slot circuits (batches above {SYNTHESISE_UP_TO} slots are not synthesised whole)"
        )
    }
}

/// Runs `rollup info`.
pub fn run(args: InfoArgs) -> Result<()> {
    let shape = args.shape.shape(ChainId::DEFAULT)?;
    let info = circuits::info::estimate(shape).context("cannot synthesise the circuit")?;
    let report = Report {
        depth: shape.tree.depth(),
        arity: shape.tree.arity().children(),
        batch_size: shape.batch_size,
        constraints: info.constraints,
        constraints_per_tx: zk::round(info.constraints_per_tx(), 1),
        public_inputs: info.public_inputs,
        witnesses: info.witnesses,
        sha256_blocks: info.sha256_blocks,
        synthesised: info.synthesised,
        method: method(&info),
        breakdown: info.breakdown,
    };
    if args.json {
        return output::json(&report);
    }
    let n = shape.batch_size as f64;
    let b = &info.breakdown;
    let parts = [
        ("signature", b.signature),
        ("merkle_paths", b.merkle_paths),
        ("leaves", b.leaves),
        ("range_checks", b.range_checks),
        ("public_data_hash", b.public_data_hash),
    ];
    let counted: usize = parts.iter().map(|(_, c)| c).sum();
    let other = info.constraints.saturating_sub(counted);
    let mut text = format!(
        "circuit: {}\nconstraints:        {}\nconstraints per tx: {:.1}\npublic inputs:      {}\nwitnesses:          {}\nsha256 blocks:      {}\n{}\n\nbreakdown           total      per tx   share",
        zk::describe(&shape),
        info.constraints,
        info.constraints_per_tx(),
        info.public_inputs,
        info.witnesses,
        info.sha256_blocks,
        method(&info),
    );
    let total = info.constraints.max(1) as f64;
    for (name, count) in parts.into_iter().chain((other > 0).then_some(("other", other))) {
        text.push_str(&format!(
            "\n  {name:<16} {count:>9} {:>11.1} {:>6.1}%",
            count as f64 / n,
            100.0 * count as f64 / total
        ));
    }
    output::line(text)
}
