//! Writers for comparisons and studies: aligned terminal tables, JSON, CSV and one self-contained HTML page
//! with inline SVG charts ([`write_html`]).
//!
//! - [`charts`]: the page's SVG charts, drawn with plotters (times per design, gas, constraints, prove time).
//! - [`knobs`]: the L1-knob study's table, JSON, CSV and page section.
//! - [`page`]: the HTML page itself: tables, embedded charts, parameters ([`render_html`], [`write_html`]).
//!
//! Nothing here measures: every figure comes from a [`Comparison`], [`ProofCostRow`]s or [`GasRow`]s.

pub mod charts;
pub mod knobs;
pub mod page;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use zk_rollup::simulation::GasRow;

use crate::error::{CompareError, Result};
use crate::metrics::Spread;
use crate::runner::Comparison;
use crate::study::ProofCostRow;

pub use charts::labels;
pub use knobs::{knobs_csv, knobs_json, knobs_table, write_knobs};
pub use page::{render_html, render_html_with, write_html};

/// Seconds as a person reads them: `0.25 s`, `45 s`, `12.8 min`, `3.5 h`, `14.0 days`.
pub fn human_seconds(seconds: f64) -> String {
    let s = seconds.abs();
    if s > 0.0 && s < 1.0 {
        format!("{seconds:.2} s")
    } else if s < 60.0 {
        format!("{seconds:.0} s")
    } else if s < 3_600.0 {
        format!("{:.1} min", seconds / 60.0)
    } else if s < 86_400.0 {
        format!("{:.1} h", seconds / 3_600.0)
    } else {
        format!("{:.1} days", seconds / 86_400.0)
    }
}

/// An integer with thousands separators: `34,587`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn spread(s: &Spread) -> String {
    format!("{} / {}", human_seconds(s.median), human_seconds(s.max))
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}")).unwrap_or_else(|| "-".into())
}

fn opt_mb(v: Option<u64>) -> String {
    v.map(|b| format!("{:.2}", b as f64 / 1e6)).unwrap_or_else(|| "-".into())
}

/// Lays out `rows` under `headers`, columns padded to their widest cell; the first column left-aligned,
/// the others right-aligned.
fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let pad = w - cell.chars().count();
            if i == 0 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    out.push('\n');
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect()));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// The comparison as an aligned terminal table: one column per design, one row per metric (times as
/// median / max), then each design's trust assumption, worst case and notes in words.
pub fn table(c: &Comparison) -> String {
    let mut headers = vec!["metric"];
    headers.extend(c.designs.iter().map(|d| d.name.as_str()));
    let metric = |name: &str, f: &dyn Fn(&crate::metrics::DesignMetrics) -> String| -> Vec<String> {
        std::iter::once(name.to_string()).chain(c.designs.iter().map(f)).collect()
    };
    let rows = vec![
        metric("L2 transactions", &|d| d.txs.to_string()),
        metric("L1 gas per tx", &|d| format!("{:.0}", d.l1_gas_per_tx)),
        metric("blob gas per tx", &|d| format!("{:.0}", d.blob_gas_per_tx)),
        metric(labels::L1_BYTES, &|d| format!("{:.1}", d.l1_bytes_per_tx)),
        metric(labels::SOFT_CONFIRMATION, &|d| {
            na(d, "soft_confirmation_seconds", || spread(&d.soft_confirmation_seconds))
        }),
        metric("L1 inclusion (median / max)", &|d| na(d, "inclusion_seconds", || spread(&d.inclusion_seconds))),
        metric("finality (median / max)", &|d| na(d, "finality_seconds", || spread(&d.finality_seconds))),
        metric("withdrawal (median / max)", &|d| {
            na(d, "withdrawal_latency_seconds", || spread(&d.withdrawal_latency_seconds))
        }),
        metric("throughput ceiling (tx/s)", &|d| format!("{:.1}", d.throughput_ceiling_tps)),
        metric("capital locked (ETH)", &|d| format!("{:.4}", d.capital_locked_wei as f64 / 1e18)),
        metric("capital locked for", &|d| human_seconds(d.capital_locked_seconds)),
        metric("worst case under attack", &|d| {
            na(d, "worst_case_seconds", || d.worst_case_seconds.map(human_seconds).unwrap_or_else(|| "-".into()))
        }),
    ];
    let mut out = format!(
        "workload: {} accounts, {} L2 transactions, {:.0}% withdrawals, one every {} s, seed {}; network delay {} s\n",
        c.workload.accounts,
        c.workload.txs,
        c.workload.withdrawal_share * 100.0,
        c.workload.seconds_between_txs,
        c.workload.seed,
        c.workload.network_delay_seconds
    );
    if let Some(note) = &c.l2_tx_note {
        let _ = writeln!(out, "note: {note}");
    }
    out.push('\n');
    out.push_str(&render(&headers, &rows));
    for d in &c.designs {
        let _ = write!(out, "\n{}\n  trust: {}\n  users must: {}\n", d.name, d.trust, d.user_duties);
        if let Some(w) = &d.worst_case_under_attack {
            let _ = writeln!(out, "  worst case: {w}");
        }
        let _ = writeln!(out, "  throughput ceiling: {}", d.throughput_basis);
        if let Some(b) = &d.other_bound {
            let _ = writeln!(out, "  own bound, {} ({}): {}", b.name, b.unit, b.basis);
        }
        for n in &d.not_applicable {
            let _ = writeln!(out, "  n/a: {}: {}", n.field, n.reason);
        }
        for n in &d.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        for detail in &d.details {
            let _ = writeln!(out, "  {}: {}", detail.name, detail.value);
        }
    }
    out
}

/// `value()`, or "n/a (see below)" when `field` does not apply to `d` (its reason is printed below the table).
fn na(d: &crate::metrics::DesignMetrics, field: &str, value: impl FnOnce() -> String) -> String {
    if d.not_applicable(field).is_some() {
        "n/a (see below)".into()
    } else {
        value()
    }
}

/// The proof-cost study as an aligned terminal table, with the estimation basis below it.
pub fn study_table(rows: &[ProofCostRow]) -> String {
    let headers = [
        "depth",
        "batch",
        "constraints",
        "per tx",
        "counted",
        "setup s",
        "prove s",
        "verify ms",
        "pk MB",
        "gas/tx calldata",
        "gas/tx blobs",
        "blob gas/tx",
        "times",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.depth.to_string(),
                r.batch_size.to_string(),
                thousands(r.constraints as u64),
                thousands(r.constraints_per_tx.round() as u64),
                if r.synthesised { "synthesised" } else { "combined" }.to_string(),
                opt(r.setup_seconds, 2),
                opt(r.prove_seconds, 2),
                opt(r.verify_ms, 2),
                opt_mb(r.pk_bytes_compressed),
                opt(r.gas_per_tx_calldata, 0),
                opt(r.gas_per_tx_blobs, 0),
                opt(r.blob_gas_per_tx, 0),
                if r.estimated { "estimated" } else { "measured" }.to_string(),
            ]
        })
        .collect();
    let mut out = render(&headers, &cells);
    if let Some(r) = rows.first() {
        let _ = writeln!(
            out,
            "\n{} cores, {} rayon threads; pk MB is the compressed proving key",
            r.cores, r.rayon_threads
        );
    }
    let mut bases: Vec<&str> = rows.iter().filter_map(|r| r.basis.as_deref()).collect();
    bases.dedup();
    for b in bases {
        let _ = writeln!(out, "estimated: {b}");
    }
    let mut notes: Vec<&str> = rows.iter().filter_map(|r| r.gas_note.as_deref()).collect();
    notes.dedup();
    for n in notes {
        let _ = writeln!(out, "no gas figures: {n}");
    }
    out
}

/// The comparison as pretty-printed JSON (`workload`, `chain`, `designs`).
pub fn comparison_json(c: &Comparison) -> Result<String> {
    Ok(serde_json::to_string_pretty(c)?)
}

/// The study's rows as pretty-printed JSON (an array).
pub fn study_json(rows: &[ProofCostRow]) -> Result<String> {
    Ok(serde_json::to_string_pretty(rows)?)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = headers.join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

fn num(v: f64) -> String {
    format!("{v}")
}

fn opt_num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The comparison as CSV: a header, then one row per design (times in seconds; empty cells for `None`).
pub fn comparison_csv(c: &Comparison) -> String {
    let headers = [
        "name",
        "txs",
        "l1_gas_per_tx",
        "blob_gas_per_tx",
        "l1_bytes_per_tx",
        "blob_bytes_per_tx",
        "uses_blobs",
        "soft_confirmation_median_s",
        "soft_confirmation_max_s",
        "inclusion_median_s",
        "inclusion_max_s",
        "finality_median_s",
        "finality_max_s",
        "withdrawal_latency_median_s",
        "withdrawal_latency_max_s",
        "throughput_ceiling_tps",
        "capital_locked_wei",
        "capital_locked_s",
        "worst_case_s",
        "trust",
        "worst_case_under_attack",
        "not_applicable",
    ];
    csv(
        &headers,
        c.designs.iter().map(|d| {
            // Fields that do not apply are left empty; the last column says why.
            let v = |field: &str, value: String| if d.not_applicable(field).is_some() { String::new() } else { value };
            vec![
                d.name.clone(),
                d.txs.to_string(),
                num(d.l1_gas_per_tx),
                num(d.blob_gas_per_tx),
                num(d.l1_bytes_per_tx),
                num(d.blob_bytes_per_tx),
                d.uses_blobs.to_string(),
                v("soft_confirmation_seconds", num(d.soft_confirmation_seconds.median)),
                v("soft_confirmation_seconds", num(d.soft_confirmation_seconds.max)),
                v("inclusion_seconds", num(d.inclusion_seconds.median)),
                v("inclusion_seconds", num(d.inclusion_seconds.max)),
                v("finality_seconds", num(d.finality_seconds.median)),
                v("finality_seconds", num(d.finality_seconds.max)),
                v("withdrawal_latency_seconds", num(d.withdrawal_latency_seconds.median)),
                v("withdrawal_latency_seconds", num(d.withdrawal_latency_seconds.max)),
                num(d.throughput_ceiling_tps),
                d.capital_locked_wei.to_string(),
                num(d.capital_locked_seconds),
                opt_num(d.worst_case_seconds),
                d.trust.clone(),
                d.worst_case_under_attack.clone().unwrap_or_default(),
                d.not_applicable.iter().map(|n| format!("{}: {}", n.field, n.reason)).collect::<Vec<_>>().join("; "),
            ]
        }),
    )
}

/// The study as CSV: a header, then one row per shape (empty cells for `None`).
pub fn study_csv(rows: &[ProofCostRow]) -> String {
    let headers = [
        "depth",
        "batch_size",
        "constraints",
        "constraints_per_tx",
        "signature",
        "merkle_paths",
        "leaves",
        "range_checks",
        "public_data_hash",
        "synthesised",
        "estimated",
        "setup_s",
        "prove_s",
        "verify_ms",
        "pk_bytes_uncompressed",
        "pk_bytes_compressed",
        "vk_bytes",
        "matrices_bytes",
        "gas_per_tx_calldata",
        "gas_per_tx_blobs",
        "blob_gas_per_tx",
        "ceiling_tps_calldata",
        "ceiling_tps_blobs",
        "cores",
        "rayon_threads",
        "seed",
        "basis",
    ];
    csv(
        &headers,
        rows.iter().map(|r| {
            vec![
                r.depth.to_string(),
                r.batch_size.to_string(),
                r.constraints.to_string(),
                num(r.constraints_per_tx),
                r.breakdown.signature.to_string(),
                r.breakdown.merkle_paths.to_string(),
                r.breakdown.leaves.to_string(),
                r.breakdown.range_checks.to_string(),
                r.breakdown.public_data_hash.to_string(),
                r.synthesised.to_string(),
                r.estimated.to_string(),
                opt_num(r.setup_seconds),
                opt_num(r.prove_seconds),
                opt_num(r.verify_ms),
                opt_num(r.pk_bytes_uncompressed),
                opt_num(r.pk_bytes_compressed),
                opt_num(r.vk_bytes),
                opt_num(r.matrices_bytes),
                opt_num(r.gas_per_tx_calldata),
                opt_num(r.gas_per_tx_blobs),
                opt_num(r.blob_gas_per_tx),
                opt_num(r.ceiling_tps_calldata),
                opt_num(r.ceiling_tps_blobs),
                r.cores.to_string(),
                r.rayon_threads.to_string(),
                r.seed.to_string(),
                r.basis.clone().unwrap_or_default(),
            ]
        }),
    )
}

/// A gas table as CSV: a header, then one row per batch size and mode.
pub fn gas_csv(rows: &[GasRow]) -> String {
    let headers = ["batch_size", "mode", "calldata_bytes", "blobs", "gas_used", "gas_per_tx", "blob_gas_per_tx"];
    csv(
        &headers,
        rows.iter().map(|r| {
            vec![
                r.batch_size.to_string(),
                mode_name(r.mode).to_string(),
                r.calldata_bytes.to_string(),
                r.blobs.to_string(),
                r.gas_used.to_string(),
                num(r.gas_per_tx),
                num(r.blob_gas_per_tx),
            ]
        }),
    )
}

pub(crate) fn mode_name(mode: zk_rollup::DataMode) -> &'static str {
    match mode {
        zk_rollup::DataMode::Calldata => "calldata",
        zk_rollup::DataMode::Blobs => "blobs",
    }
}

pub(crate) fn write_file(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).map_err(|source| CompareError::Io { path: path.to_path_buf(), source })
}

/// Writes every report of what is given into `dir` (created if missing): `comparison.json` and
/// `comparison.csv`, `study.json` and `study.csv`, `gas.csv`, and `index.html` ([`write_html`]). Returns the
/// paths written, `index.html` last.
pub fn write_all(
    dir: &Path,
    comparison: Option<&Comparison>,
    study: Option<&[ProofCostRow]>,
    gas_rows: Option<&[GasRow]>,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| CompareError::Io { path: dir.to_path_buf(), source })?;
    let mut written = Vec::new();
    let mut put = |name: &str, contents: String| -> Result<()> {
        let path = dir.join(name);
        write_file(&path, &contents)?;
        written.push(path);
        Ok(())
    };
    if let Some(c) = comparison {
        put("comparison.json", comparison_json(c)?)?;
        put("comparison.csv", comparison_csv(c))?;
    }
    if let Some(rows) = study {
        put("study.json", study_json(rows)?)?;
        put("study.csv", study_csv(rows))?;
    }
    if let Some(rows) = gas_rows {
        put("gas.csv", gas_csv(rows))?;
    }
    written.push(write_html(dir, comparison, study, gas_rows)?);
    Ok(written)
}
