//! Report files from synthetic figures: written, self-contained and well-formed (fast).

mod common;

use circuits::Breakdown;
use common::{scratch, WindowDesign};
use compare::report::{self, labels};
use compare::{compare, Comparison, Design, ProofCostRow, Workload};
use prover::Silent;
use zk_rollup::contract::DataMode;
use zk_rollup::simulation::GasRow;

fn comparison() -> Comparison {
    let mut designs: Vec<Box<dyn Design>> = vec![
        Box::new(WindowDesign::new("optimistic <double>", 7.0 * 86_400.0, 1_000.0)),
        Box::new(WindowDesign::new("fast, \"quoted\"", 1_800.0, 450.0)),
    ];
    compare(&mut designs, &Workload::default(), &mut Silent).unwrap()
}

fn study_row(depth: u32, batch_size: usize, estimated: bool) -> ProofCostRow {
    let constraints = 20_000 * batch_size + 40_000;
    ProofCostRow {
        depth,
        batch_size,
        constraints,
        constraints_per_tx: constraints as f64 / batch_size as f64,
        breakdown: Breakdown { signature: 5_000 * batch_size, ..Breakdown::default() },
        synthesised: batch_size <= 16,
        estimated,
        basis: estimated.then(|| "linear in constraints, from a test".to_string()),
        setup_seconds: Some(constraints as f64 * 26e-6),
        prove_seconds: Some(constraints as f64 * 17e-6),
        prove_runs_seconds: if estimated { vec![] } else { vec![constraints as f64 * 17e-6] },
        verify_ms: Some(4.0),
        pk_bytes_uncompressed: Some(constraints as u64 * 400),
        pk_bytes_compressed: Some(constraints as u64 * 192),
        vk_bytes: Some(1_000),
        matrices_bytes: Some(constraints as u64 * 100),
        gas_per_tx_calldata: Some(200_000.0 / batch_size as f64 + 400.0),
        gas_per_tx_blobs: Some(200_000.0 / batch_size as f64 + 300.0),
        blob_gas_per_tx: Some(131_072.0 / batch_size as f64),
        ceiling_tps_calldata: Some(1.0),
        ceiling_tps_blobs: Some(2.0),
        gas_note: None,
        cores: 2,
        rayon_threads: 2,
        seed: 7,
    }
}

fn study() -> Vec<ProofCostRow> {
    let mut rows = Vec::new();
    for depth in [8, 16] {
        for (batch, estimated) in [(1, false), (2, false), (64, true), (1024, true)] {
            rows.push(study_row(depth, batch, estimated));
        }
    }
    rows
}

fn gas_rows() -> Vec<GasRow> {
    let mut rows = Vec::new();
    for mode in [DataMode::Calldata, DataMode::Blobs] {
        for batch_size in [1usize, 16, 256] {
            rows.push(GasRow {
                batch_size,
                mode,
                calldata_bytes: 13 * batch_size,
                blobs: usize::from(mode == DataMode::Blobs),
                gas_used: 230_000 + 400 * batch_size as u64,
                gas_per_tx: (230_000 + 400 * batch_size) as f64 / batch_size as f64,
                blob_gas_per_tx: if mode == DataMode::Blobs { 131_072.0 / batch_size as f64 } else { 0.0 },
                bill: vec![("base".into(), 21_000)],
            });
        }
    }
    rows
}

/// The page without its SVG namespace declarations: what is left must name no URL.
fn assert_self_contained(html: &str) {
    let stripped = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for scheme in ["http://", "https://", "//cdn", "<script", "<link", "@import", "url("] {
        assert!(!stripped.contains(scheme), "the page refers to something outside it: {scheme}");
    }
}

#[test]
fn html_is_one_self_contained_page_with_labelled_charts() {
    let (c, s, g) = (comparison(), study(), gas_rows());
    let dir = scratch("html");
    let path = report::write_html(&dir, Some(&c), Some(&s), Some(&g)).unwrap();
    assert_eq!(path, dir.join("index.html"));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // Four charts: times per design, constraints, prove time, gas per transaction.
    assert_eq!(html.matches("<svg").count(), 4, "charts");
    assert_eq!(html.matches("</svg>").count(), 4);
    assert_self_contained(&html);
    for label in
        [labels::DESIGN_X, labels::TIME_Y, labels::BATCH_X, labels::GAS_Y, labels::PROVE_Y, labels::CONSTRAINTS_Y]
    {
        assert!(html.contains(label), "axis label missing: {label}");
    }
    // Every y axis names a unit.
    for label in [labels::TIME_Y, labels::GAS_Y, labels::PROVE_Y, labels::CONSTRAINTS_Y, labels::BATCH_X] {
        assert!(label.contains('('), "{label}");
    }
    // Time ticks readable in larger units, legends, design names escaped, parameters listed.
    assert!(html.contains(" = ") && (html.contains(" days") || html.contains(" h")), "time ticks");
    assert!(html.contains("finality") && html.contains("depth 8 (2^8 accounts)"));
    assert!(html.contains("L1 gas, data in blobs"));
    assert!(html.contains("optimistic &lt;double&gt;"));
    assert!(!html.contains("optimistic <double>"));
    assert!(html.contains("block gas limit") && html.contains("36,000,000"));
    assert!(html.contains("estimation basis") && html.contains("linear in constraints, from a test"));
}

#[test]
fn parts_are_optional() {
    let dir = scratch("optional");
    let only_study = report::render_html(None, Some(&study()), None).unwrap();
    // Constraints, prove time and gas from the study's own gas figures.
    assert_eq!(only_study.matches("<svg").count(), 3);
    assert!(only_study.contains("proof-cost study, depth 16"));
    let only_comparison = report::render_html(Some(&comparison()), None, None).unwrap();
    assert_eq!(only_comparison.matches("<svg").count(), 1);
    assert_self_contained(&only_comparison);
    let empty = report::write_html(&dir, None, None, None).unwrap();
    let html = std::fs::read_to_string(empty).unwrap();
    assert_eq!(html.matches("<svg").count(), 0);
    assert!(html.contains("Parameters"));
}

/// Splits CSV text into records of fields (RFC 4180 quoting; no line breaks inside fields here).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let (mut fields, mut field, mut quoted, mut chars) =
                (Vec::new(), String::new(), false, line.chars().peekable());
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut field)),
                    (c, _) => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

#[test]
fn csv_has_a_header_and_one_row_per_entry() {
    let c = comparison();
    let records = parse_csv(&report::comparison_csv(&c));
    assert_eq!(records.len(), 1 + c.designs.len());
    assert_eq!(records[0][..3], ["name", "txs", "l1_gas_per_tx"]);
    for (record, d) in records[1..].iter().zip(&c.designs) {
        assert_eq!(record.len(), records[0].len());
        assert_eq!(record[0], d.name, "names with commas and quotes survive");
        assert_eq!(record[1], "8");
        assert_eq!(record[2].parse::<f64>().unwrap(), d.l1_gas_per_tx);
        let trust = records[0].iter().position(|h| h == "trust").unwrap();
        assert_eq!(record[trust], d.trust);
    }

    let s = study();
    let records = parse_csv(&report::study_csv(&s));
    assert_eq!(records.len(), 1 + s.len());
    assert_eq!(records[0][..3], ["depth", "batch_size", "constraints"]);
    for (record, row) in records[1..].iter().zip(&s) {
        assert_eq!(record.len(), records[0].len());
        assert_eq!(record[2], row.constraints.to_string());
    }
    let g = gas_rows();
    let records = parse_csv(&report::gas_csv(&g));
    assert_eq!(records.len(), 1 + g.len());
    assert!(records.iter().all(|r| r.len() == records[0].len()));
}

#[test]
fn json_parses_with_the_documented_fields() {
    let c = comparison();
    let v: serde_json::Value = serde_json::from_str(&report::comparison_json(&c).unwrap()).unwrap();
    let designs = v["designs"].as_array().unwrap();
    assert_eq!(designs.len(), 2);
    for (d, m) in designs.iter().zip(&c.designs) {
        assert_eq!(d["name"], m.name.as_str());
        assert_eq!(d["l1_gas_per_tx"].as_f64().unwrap(), m.l1_gas_per_tx);
        assert_eq!(d["finality_seconds"]["median"].as_f64().unwrap(), m.finality_seconds.median);
        assert!(d["withdrawal_latency_seconds"]["max"].is_number());
        assert!(d["trust"].as_str().unwrap().contains("watcher"));
    }
    assert_eq!(v["workload"]["accounts"], 4);
    assert_eq!(v["chain"]["block_gas_limit"], 36_000_000);
    let back: Comparison = serde_json::from_value(v).unwrap();
    assert_eq!(back, c);

    let s = study();
    let v: serde_json::Value = serde_json::from_str(&report::study_json(&s).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), s.len());
    assert_eq!(v[2]["estimated"], true);
}

#[test]
fn terminal_tables_are_aligned() {
    let c = comparison();
    let t = report::table(&c);
    assert!(t.contains("finality (median / max)") && t.contains("7.0 days"), "{t}");
    assert!(t.contains("throughput ceiling (tx/s)") && t.contains("3000.0"));
    let s = report::study_table(&study());
    let lines: Vec<&str> = s.lines().take(2 + study().len()).collect();
    // Header, rule and rows end their last column at the same place.
    let width = lines[1].len();
    for line in &lines {
        assert_eq!(line.len(), width, "{line}");
    }
    assert!(s.contains("estimated") && s.contains("measured") && s.contains("20,520,000"));
    assert!(s.contains("estimated: linear in constraints, from a test"));
}

#[test]
fn write_all_writes_every_file() {
    let dir = scratch("all");
    let (c, s, g) = (comparison(), study(), gas_rows());
    let written = report::write_all(&dir, Some(&c), Some(&s), Some(&g)).unwrap();
    let names: Vec<String> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["comparison.json", "comparison.csv", "study.json", "study.csv", "gas.csv", "index.html"]);
    for p in &written {
        assert!(std::fs::metadata(p).unwrap().len() > 0, "{}", p.display());
    }
}

#[test]
fn equal_transaction_counts_need_no_note() {
    let c = comparison();
    assert_eq!((c.l2_tx_difference, c.l2_tx_note.as_deref()), (0, None));
    assert!(!report::table(&c).contains("different numbers of L2 transactions"));
    let html = report::render_html(Some(&c), None, None).unwrap();
    assert!(!html.contains("different numbers of L2 transactions"));
}

#[test]
fn a_difference_in_transaction_counts_is_in_every_output() {
    let c = comparison();
    let mut designs = c.designs.clone();
    designs[1].txs += 2;
    let c = Comparison::new(c.workload, c.chain, designs);
    assert_eq!(c.l2_tx_difference, 2);
    let note = c.l2_tx_note.clone().unwrap();
    assert!(note.contains("by up to 2") && note.contains("optimistic <double> 8") && note.contains("10"), "{note}");

    let table = report::table(&c);
    assert!(table.contains(&format!("note: {note}")), "{table}");
    let v: serde_json::Value = serde_json::from_str(&report::comparison_json(&c).unwrap()).unwrap();
    assert_eq!(v["l2_tx_difference"], 2);
    assert_eq!(v["l2_tx_note"], note.as_str());
    assert_eq!(v["designs"][1]["txs"], 10);
    let html = report::render_html(Some(&c), None, None).unwrap();
    assert!(html.contains("different numbers of L2 transactions (by up to 2: optimistic &lt;double&gt; 8"), "{html}");
    let csv = report::comparison_csv(&c);
    assert!(csv.lines().nth(2).unwrap().contains(",10,"), "{csv}");
}

#[test]
fn soft_confirmation_is_labelled_modelled_everywhere() {
    let c = comparison();
    let delay = c.workload.network_delay_seconds;
    assert_eq!(delay, 0.25);
    let table = report::table(&c);
    assert!(table.contains(labels::SOFT_CONFIRMATION) && table.contains("0.25 s / 0.25 s"), "{table}");
    assert!(table.contains("network delay 0.25 s"));
    let html = report::render_html(Some(&c), None, None).unwrap();
    assert!(html.contains(labels::SOFT_CONFIRMATION) && html.contains("0.25 s / 0.25 s"));
    assert!(html.contains("soft confirmation is modelled from it"));
    let v: serde_json::Value = serde_json::from_str(&report::comparison_json(&c).unwrap()).unwrap();
    assert_eq!(v["workload"]["network_delay_seconds"], 0.25);
    assert_eq!(v["designs"][0]["soft_confirmation_seconds"]["median"], 0.25);
    assert!(report::human_seconds(0.25) == "0.25 s" && report::human_seconds(0.0) == "0 s");
}
