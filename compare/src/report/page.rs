//! The HTML page: tables, the charts of [`super::charts`] embedded as inline SVG, simple inline CSS. No
//! script, no font, no stylesheet and no image is fetched from anywhere: the only URL in the page is the SVG
//! namespace.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use l1_contract_sim::fees::USABLE_BYTES_PER_BLOB;
use zk_rollup::simulation::GasRow;

use super::charts::{constraints_chart, depths, finality_chart, gas_chart, gas_points, labels, prove_chart};
use super::{human_seconds, mode_name, thousands, write_file};
use crate::error::{CompareError, Result};
use crate::metrics::{max_l1_finality_seconds, min_l1_finality_seconds, DesignMetrics, Spread};
use crate::runner::Comparison;
use crate::study::ProofCostRow;

/// Escapes text for HTML.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn html_table(out: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table><thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

pub(super) fn figure(out: &mut String, svg: &str, caption: &str) {
    let _ = writeln!(out, "<figure>{svg}<figcaption>{}</figcaption></figure>", esc(caption));
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4}\
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.3em .6em;\
text-align:right;vertical-align:top}th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}\
td.text{text-align:left}figure{margin:1.5em 0}figcaption{font-size:.85em;color:#555;max-width:820px}\
svg{max-width:100%;height:auto;border:1px solid #eee}.note{color:#555;font-size:.9em}";

/// The page's HTML (what [`write_html`] writes).
pub fn render_html(
    comparison: Option<&Comparison>,
    study: Option<&[ProofCostRow]>,
    gas_rows: Option<&[GasRow]>,
) -> Result<String> {
    render_html_with(comparison, study, gas_rows, None)
}

/// [`render_html`] with the L1-knob study's section after the comparison.
pub fn render_html_with(
    comparison: Option<&Comparison>,
    study: Option<&[ProofCostRow]>,
    gas_rows: Option<&[GasRow]>,
    knobs: Option<&crate::knobs::L1Study>,
) -> Result<String> {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<title>zk-rollup-lab: comparison and proof costs</title>\n");
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<h1>zk-rollup-lab: comparison and proof costs</h1>\n");
    out.push_str(
        "<p class=\"note\">Every figure on this page comes from code that ran: designs on the simulated L1, real \
         Groth16 setups and proofs, gas from the contracts' metered code. Estimated figures are labelled as \
         such.</p>\n",
    );

    if let Some(c) = comparison {
        out.push_str("<h2>Designs on one workload</h2>\n");
        comparison_section(&mut out, c)?;
    }
    if let Some(k) = knobs {
        out.push_str("<h2>The L1 knobs: larger blocks, more blobs, shorter slots, faster finality</h2>\n");
        super::knobs::knobs_section(&mut out, k)?;
    }
    if let Some(rows) = study.filter(|r| !r.is_empty()) {
        out.push_str("<h2>What a proof costs</h2>\n");
        study_section(&mut out, rows)?;
    }
    if let Some((calldata, blobs, blob_gas, source)) = gas_points(gas_rows, study) {
        out.push_str("<h2>L1 gas per transaction</h2>\n");
        let svg = gas_chart(&calldata, &blobs, &blob_gas, &source)?;
        figure(
            &mut out,
            &svg,
            "L1 gas per transaction of committing a full batch of transfers, proof verification included, with \
             the public data in calldata or in blobs; blob gas is priced apart, at the blob base fee.",
        );
        if let Some(rows) = gas_rows {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.batch_size.to_string(),
                        mode_name(r.mode).to_string(),
                        thousands(r.calldata_bytes as u64),
                        r.blobs.to_string(),
                        thousands(r.gas_used),
                        format!("{:.0}", r.gas_per_tx),
                        format!("{:.0}", r.blob_gas_per_tx),
                    ]
                })
                .collect();
            html_table(
                &mut out,
                &["batch size", "mode", "calldata (bytes)", "blobs", "gas used", "gas per tx", "blob gas per tx"],
                &cells,
            );
        }
    }
    out.push_str("<h2>Parameters</h2>\n");
    parameters_section(&mut out, comparison, study, gas_rows);
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

fn comparison_section(out: &mut String, c: &Comparison) -> Result<()> {
    let svg = finality_chart(c)?;
    figure(
        out,
        &svg,
        "Bars: medians; whiskers: maxima over the workload's transactions. Log time axis; values below 1 s are \
         drawn at 1 s. Dashed lines mark a minute, an hour, a day and a week.",
    );
    let mut headers = vec!["metric".to_string()];
    headers.extend(c.designs.iter().map(|d| d.name.clone()));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let spread = |s: &Spread| format!("{} / {}", human_seconds(s.median), human_seconds(s.max));
    let row = |name: &str, f: &dyn Fn(&DesignMetrics) -> String| -> Vec<String> {
        std::iter::once(name.to_string()).chain(c.designs.iter().map(f)).collect()
    };
    let rows = vec![
        row("L2 transactions", &|d| d.txs.to_string()),
        row("L1 gas per tx", &|d| format!("{:.0}", d.l1_gas_per_tx)),
        row("blob gas per tx", &|d| format!("{:.0}", d.blob_gas_per_tx)),
        row(labels::L1_BYTES, &|d| format!("{:.1}", d.l1_bytes_per_tx)),
        row(labels::SOFT_CONFIRMATION, &|d| {
            d.cell("soft_confirmation_seconds", || spread(&d.soft_confirmation_seconds))
        }),
        row("L1 inclusion (median / max)", &|d| d.cell("inclusion_seconds", || spread(&d.inclusion_seconds))),
        row("finality (median / max)", &|d| d.cell("finality_seconds", || spread(&d.finality_seconds))),
        row("withdrawal to L1 (median / max)", &|d| {
            d.cell("withdrawal_latency_seconds", || spread(&d.withdrawal_latency_seconds))
        }),
        row("throughput ceiling (tx/s)", &|d| format!("{:.1}", d.throughput_ceiling_tps)),
        row("capital locked (ETH, for how long)", &|d| {
            format!("{:.4} ETH, {}", d.capital_locked_wei as f64 / 1e18, human_seconds(d.capital_locked_seconds))
        }),
        row("worst case under attack", &|d| {
            d.cell("worst_case_seconds", || d.worst_case_seconds.map(human_seconds).unwrap_or_else(|| "-".into()))
        }),
    ];
    if let Some(note) = &c.l2_tx_note {
        let _ = writeln!(out, "<p class=\"note\"><b>Note:</b> {}.</p>", esc(note));
    }
    html_table(out, &headers, &rows);
    for d in &c.designs {
        let _ = writeln!(out, "<h3>{}</h3>\n<ul>", esc(&d.name));
        let _ = writeln!(out, "<li><b>trust:</b> {}</li>", esc(&d.trust));
        let _ = writeln!(out, "<li><b>users must:</b> {}</li>", esc(&d.user_duties));
        if let Some(w) = &d.worst_case_under_attack {
            let _ = writeln!(out, "<li><b>worst case under attack:</b> {}</li>", esc(w));
        }
        let _ = writeln!(out, "<li><b>throughput ceiling:</b> {}</li>", esc(&d.throughput_basis));
        if let Some(b) = &d.other_bound {
            let _ = writeln!(out, "<li><b>own bound, {} ({}):</b> {}</li>", esc(&b.name), esc(&b.unit), esc(&b.basis));
        }
        for n in &d.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
        if !d.details.is_empty() {
            let cells: Vec<Vec<String>> = d.details.iter().map(|x| vec![x.name.clone(), x.value.clone()]).collect();
            html_table(out, &["detail", "value"], &cells);
        }
    }
    if let Some(svg) = super::charts::mass_exit_of(c)? {
        figure(out, &svg, "Plasma's mass exit: every user exits within the exit period while the operator withholds a block; solid lines: share of users in time (left axis), dashed: peak EIP-1559 base fee (right axis). Filled points ran on the simulated L1, hollow ones are computed with the gas per exit measured there.");
    }
    Ok(())
}

fn study_section(out: &mut String, rows: &[ProofCostRow]) -> Result<()> {
    figure(
        out,
        &constraints_chart(rows)?,
        "Constraints of the batch circuit: filled points synthesised whole, hollow ones combined from smaller \
         syntheses.",
    );
    if rows.iter().any(|r| r.prove_seconds.is_some()) {
        figure(
            out,
            &prove_chart(rows)?,
            "Groth16 proving time (witness plus prover) on this machine: filled points proved (median of the \
             runs), hollow ones estimated per constraint from the largest proved shape.",
        );
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let o = |v: Option<f64>, d: usize| v.map(|v| format!("{v:.d$}")).unwrap_or_else(|| "-".into());
            let mb = |v: Option<u64>| v.map(|b| format!("{:.2}", b as f64 / 1e6)).unwrap_or_else(|| "-".into());
            vec![
                r.depth.to_string(),
                r.batch_size.to_string(),
                thousands(r.constraints as u64),
                thousands(r.constraints_per_tx.round() as u64),
                if r.synthesised { "synthesised" } else { "combined" }.into(),
                o(r.setup_seconds, 2),
                o(r.prove_seconds, 2),
                o(r.verify_ms, 2),
                mb(r.pk_bytes_uncompressed),
                mb(r.pk_bytes_compressed),
                r.vk_bytes.map(|b| b.to_string()).unwrap_or_else(|| "-".into()),
                mb(r.matrices_bytes),
                o(r.gas_per_tx_calldata, 0),
                o(r.gas_per_tx_blobs, 0),
                if r.estimated { "estimated" } else { "measured" }.into(),
            ]
        })
        .collect();
    html_table(
        out,
        &[
            "depth",
            "batch",
            "constraints",
            "per tx",
            "counted",
            "setup (s)",
            "prove (s)",
            "verify (ms)",
            "pk (MB)",
            "pk compressed (MB)",
            "vk (bytes)",
            "matrices (MB)",
            "gas/tx calldata",
            "gas/tx blobs",
            "times",
        ],
        &cells,
    );
    Ok(())
}

fn parameters_section(
    out: &mut String,
    comparison: Option<&Comparison>,
    study: Option<&[ProofCostRow]>,
    gas_rows: Option<&[GasRow]>,
) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut p = |group: &str, name: &str, value: String| rows.push(vec![group.into(), name.into(), value]);
    if let Some(c) = comparison {
        let w = &c.workload;
        p("workload", "accounts", w.accounts.to_string());
        p("workload", "L2 transactions", w.txs.to_string());
        p("workload", "withdrawal share", format!("{:.2}", w.withdrawal_share));
        p("workload", "seconds between transactions", w.seconds_between_txs.to_string());
        p("workload", "seed", w.seed.to_string());
        p(
            "workload",
            "network delay, one way (s; soft confirmation is modelled from it)",
            w.network_delay_seconds.to_string(),
        );
        let ch = &c.chain;
        p("L1", "slot (s)", ch.slot_seconds.to_string());
        p("L1", "slots per epoch", ch.slots_per_epoch.to_string());
        p("L1", "finality epochs", ch.finality_epochs.to_string());
        p(
            "L1",
            "finality after inclusion (s)",
            format!("{} to {}", min_l1_finality_seconds(ch), max_l1_finality_seconds(ch)),
        );
        p("L1", "block gas limit", thousands(ch.block_gas_limit));
        p("L1", "initial base fee (wei)", thousands(ch.initial_base_fee as u64));
        p(
            "L1",
            "blobs per block (target / max)",
            format!("{} / {}", ch.blobs.target_blobs_per_block, ch.blobs.max_blobs_per_block),
        );
        p("L1", "usable bytes per blob", thousands(USABLE_BYTES_PER_BLOB as u64));
        p("designs", "compared", c.designs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", "));
    }
    if let Some(s) = study.filter(|r| !r.is_empty()) {
        p("study", "depths (bits, 4-ary tree)", depths(s).iter().map(u32::to_string).collect::<Vec<_>>().join(", "));
        let mut batches: Vec<usize> = s.iter().map(|r| r.batch_size).collect();
        batches.sort_unstable();
        batches.dedup();
        p("study", "batch sizes", batches.iter().map(usize::to_string).collect::<Vec<_>>().join(", "));
        p("study", "seed (insecure development setups)", s[0].seed.to_string());
        p("study", "cores / rayon threads", format!("{} / {}", s[0].cores, s[0].rayon_threads));
        let measured = s.iter().filter(|r| !r.estimated).count();
        p("study", "shapes measured / estimated", format!("{measured} / {}", s.len() - measured));
        let mut bases: Vec<&str> = s.iter().filter_map(|r| r.basis.as_deref()).collect();
        bases.sort_unstable();
        bases.dedup();
        for b in bases {
            p("study", "estimation basis", b.to_string());
        }
    }
    if let Some(g) = gas_rows {
        let mut sizes: Vec<usize> = g.iter().map(|r| r.batch_size).collect();
        sizes.sort_unstable();
        sizes.dedup();
        p("gas table", "batch sizes", sizes.iter().map(usize::to_string).collect::<Vec<_>>().join(", "));
    }
    p("software", "compare crate", env!("CARGO_PKG_VERSION").to_string());
    p("software", "circuit version", prover::keys::CIRCUIT_VERSION.to_string());
    html_table(out, &["group", "parameter", "value"], &rows);
}

/// Writes `index.html` into `dir` (created if missing): the comparison (a time chart on a log axis and the
/// metrics), the proof-cost study (constraints and prove time against batch size, one line per depth, and
/// its table), L1 gas per transaction against batch size (from `gas_rows`, or else from the study) and the
/// parameters that produced them. Every part is optional. Returns the file's path.
pub fn write_html(
    dir: &Path,
    comparison: Option<&Comparison>,
    study: Option<&[ProofCostRow]>,
    gas_rows: Option<&[GasRow]>,
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|source| CompareError::Io { path: dir.to_path_buf(), source })?;
    let html = render_html(comparison, study, gas_rows)?;
    let path = dir.join("index.html");
    write_file(&path, &html)?;
    Ok(path)
}

/// The attack matrix as a colour-coded table (held green, broken red, not applicable grey): attacks as rows,
/// designs as columns, each cell's outcomes with their figures and explanations.
pub fn attack_matrix_section(out: &mut String, m: &crate::attacks::AttackMatrix) {
    use crate::attacks::Verdict;
    out.push_str(
        "<h2>Attack matrix</h2>\n<p class=\"note\">Each cell is a run of the design's own simulation (tiny \
         seeded scenarios); figures marked computed come from a run's measured gas or timeline and the chain's \
         parameters. Funds lost count the honest side only; recovery is from the attack until the honest side has \
         its funds back.</p>\n",
    );
    out.push_str("<table class=\"attacks\"><thead><tr><th>attack</th>");
    for d in &m.designs {
        let _ = write!(out, "<th>{}</th>", esc(d));
    }
    out.push_str("</tr></thead><tbody>");
    for a in &m.attacks {
        let _ = write!(out, "<tr><td>{}</td>", esc(a.label()));
        for d in &m.designs {
            out.push_str("<td class=\"text\">");
            for o in m.cell(d, *a).map(|c| c.outcomes.as_slice()).unwrap_or_default() {
                let (class, colour) = match o.verdict {
                    Verdict::Held => ("held", "#d4edda"),
                    Verdict::Broken => ("broken", "#f8d7da"),
                    Verdict::NotApplicable { .. } => ("na", "#e9ecef"),
                };
                let _ = write!(
                    out,
                    "<div class=\"{class}\" style=\"background:{colour};padding:.3em;margin:.2em 0\">\
                     <b>{}</b><br>{}</div>",
                    esc(&crate::attacks::outcome_words(o)),
                    esc(&o.explanation)
                );
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// A self-contained page with the attack matrix alone (what `rollup study attacks --report DIR` writes).
pub fn render_attacks_html(m: &crate::attacks::AttackMatrix) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<title>zk-rollup-lab: attack matrix</title>\n");
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<h1>zk-rollup-lab: attack matrix</h1>\n");
    attack_matrix_section(&mut out, m);
    out.push_str("</body>\n</html>\n");
    out
}
