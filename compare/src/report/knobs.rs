//! The L1-knob study's reports: a terminal table, JSON, CSV and the page's section (its charts and table).
//! Every number the page shows is in the JSON and the CSV.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::{knob_chart, KnobMetric};
use super::page::{esc, figure, html_table};
use super::{csv, human_seconds, num, opt_num, render, write_file};
use crate::error::{CompareError, Result};
use crate::knobs::{Knob, KnobPoint, L1Study};

fn tps(v: f64) -> String {
    if v >= 100.0 {
        super::thousands(v.round() as u64)
    } else {
        format!("{v:.2}")
    }
}

fn cells(p: &KnobPoint) -> Vec<String> {
    vec![
        p.design.clone(),
        p.label.clone(),
        tps(p.gas_bound_tps),
        p.data_bound_tps.map(tps).unwrap_or_else(|| "n/a".into()),
        p.other_bound_tps.map(tps).unwrap_or_else(|| "n/a".into()),
        tps(p.ceiling_tps),
        p.bottleneck.name().into(),
        p.exit_capacity_users.map(|u| super::thousands(u.round() as u64)).unwrap_or_else(|| "n/a".into()),
        format!("{:.1}", p.cost_per_tx_wei / 1e9),
        human_seconds(p.finality_seconds),
    ]
}

fn headers() -> [&'static str; 10] {
    [
        "design",
        "setting",
        "gas bound (tx/s)",
        "data bound (tx/s)",
        "own bound (tx/s)",
        "ceiling (tx/s)",
        "bottleneck",
        "exit capacity (users)",
        "cost per tx (gwei)",
        "finality (median)",
    ]
}

/// The study as terminal tables, one per knob, then where bottlenecks move and the basis. Every figure is
/// computed (labelled so in the heading).
pub fn knobs_table(s: &L1Study) -> String {
    let mut out = String::new();
    for knob in Knob::ALL {
        let rows: Vec<Vec<String>> = s.points.iter().filter(|p| p.knob == knob).map(cells).collect();
        let _ = writeln!(out, "{} (computed from the run on today's chain)\n", knob.title());
        out.push_str(&render(&headers(), &rows));
        out.push('\n');
    }
    out.push_str("where the bottleneck moves:\n");
    for m in &s.bottleneck_moves {
        let _ = writeln!(out, "  {}, {}: {}", m.design, m.knob.title(), m.what);
    }
    for b in &s.basis {
        let _ = writeln!(out, "computed: {b}");
    }
    out
}

/// The study as pretty-printed JSON (`comparison`, `settings`, `points`, `bottleneck_moves`, `basis`).
pub fn knobs_json(s: &L1Study) -> Result<String> {
    Ok(serde_json::to_string_pretty(s)?)
}

/// The study's points as CSV, one row per design and setting.
pub fn knobs_csv(s: &L1Study) -> String {
    let headers = [
        "design",
        "knob",
        "value",
        "setting",
        "gas_bound_tps",
        "data_bound_tps",
        "other_bound_tps",
        "other_bound_name",
        "l1_ceiling_tps",
        "ceiling_tps",
        "bottleneck",
        "exit_capacity_users",
        "cost_per_tx_wei",
        "finality_s",
        "computed",
        "not_applicable",
    ];
    csv(
        &headers,
        s.points.iter().map(|p| {
            vec![
                p.design.clone(),
                serde_json::to_value(p.knob).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                num(p.value),
                p.label.clone(),
                num(p.gas_bound_tps),
                opt_num(p.data_bound_tps),
                opt_num(p.other_bound_tps),
                p.other_bound_name.clone().unwrap_or_default(),
                num(p.l1_ceiling_tps),
                num(p.ceiling_tps),
                p.bottleneck.name().to_string(),
                opt_num(p.exit_capacity_users),
                num(p.cost_per_tx_wei),
                num(p.finality_seconds),
                p.computed.to_string(),
                p.not_applicable.join("; "),
            ]
        }),
    )
}

/// The charts of the section: (knob, metric, title, how to read it).
fn charts() -> [(Knob, KnobMetric, &'static str, &'static str); 5] {
    [
        (
            Knob::BlockGasLimit,
            KnobMetric::Throughput,
            "Throughput ceiling against the block gas limit",
            "How to read this: each line is a design; higher is more L2 transactions per second the L1's gas and \
             blob space allow. A line that climbs with the gas limit is bound by L1 gas; a flat one by blob space. \
             Hollow points: the design's own bound (one prover's proving time) is lower still, see the table. \
             Both axes are logarithmic: equal steps are equal ratios.",
        ),
        (
            Knob::BlobsPerBlock,
            KnobMetric::Throughput,
            "Throughput ceiling against blobs per block",
            "How to read this: only designs whose bound is blob space can climb here, until gas binds instead \
             and the line flattens. Calldata designs stay flat: blob space is not their bottleneck; so does a \
             blob design whose gas per transaction (proof verification, commitment) binds first.",
        ),
        (
            Knob::SlotSeconds,
            KnobMetric::Throughput,
            "Throughput ceiling against slot time",
            "How to read this: a shorter slot (to the left) means more blocks per second, so every L1-bound design \
             rises by the same ratio; a design's own bound (proving time, in the table) does not move.",
        ),
        (
            Knob::BlockGasLimit,
            KnobMetric::Cost,
            "Cost per transaction against the block gas limit",
            "How to read this: cost per transaction at a fixed base fee (1 gwei, blob base fee at its 1-wei floor). \
             Lines are flat: larger blocks add capacity, not efficiency; the vertical gaps are what each design \
             saves per transaction over the L1 alone.",
        ),
        (
            Knob::Finality,
            KnobMetric::Finality,
            "Finality against the L1's finality lag",
            "How to read this: the x axis is the L1's own finality after inclusion (Casper FFG 2 epochs, 1 epoch, \
             single-slot). Designs that wait for L1 finality (zk rollups, Plasma, the sidechain's \
             checkpoints, the L1) move with it; the optimistic rollup's 7-day window and channels' off-chain \
             payments do not.",
        ),
    ]
}

/// The page's section: the charts, each with how to read it, the table and the basis.
pub fn knobs_section(out: &mut String, s: &L1Study) -> Result<()> {
    out.push_str(
        "<p class=\"note\">Each design ran once on today's chain; every point below is <b>computed</b> from that \
         run's measured gas and bytes per transaction, its measured finality and its own bound, and the swept L1 \
         parameters.</p>\n",
    );
    for (knob, metric, title, how) in charts() {
        let svg = knob_chart(s, knob, metric, title)?;
        figure(out, &svg, how);
    }
    let rows: Vec<Vec<String>> = s.points.iter().map(cells).collect();
    html_table(out, &headers(), &rows);
    out.push_str("<h3>Where the bottleneck moves</h3>\n<ul>\n");
    for m in &s.bottleneck_moves {
        let _ = writeln!(out, "<li><b>{}</b>, {}: {}</li>", esc(&m.design), esc(m.knob.title()), esc(&m.what));
    }
    out.push_str("</ul>\n<ul>\n");
    for b in &s.basis {
        let _ = writeln!(out, "<li class=\"note\">computed: {}</li>", esc(b));
    }
    out.push_str("</ul>\n");
    Ok(())
}

/// Writes the study into `dir`: `knobs.json`, `knobs.csv`, the comparison it was computed from
/// (`comparison.json`, `comparison.csv`) and `index.html` with the comparison and the knobs' section.
pub fn write_knobs(dir: &Path, s: &L1Study) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| CompareError::Io { path: dir.to_path_buf(), source })?;
    let mut written = Vec::new();
    for (name, contents) in [
        ("knobs.json", knobs_json(s)?),
        ("knobs.csv", knobs_csv(s)),
        ("comparison.json", super::comparison_json(&s.comparison)?),
        ("comparison.csv", super::comparison_csv(&s.comparison)),
    ] {
        let path = dir.join(name);
        write_file(&path, &contents)?;
        written.push(path);
    }
    let html = super::page::render_html_with(Some(&s.comparison), None, None, Some(s))?;
    let path = dir.join("index.html");
    write_file(&path, &html)?;
    written.push(path);
    Ok(written)
}
