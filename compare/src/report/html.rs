//! One self-contained HTML page: tables, inline SVG charts drawn with plotters' SVG backend (rendered to a
//! string and embedded), simple inline CSS. No script, no font, no stylesheet and no image is fetched from
//! anywhere: the only URL in the page is the SVG namespace.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use l1_contract_sim::fees::USABLE_BYTES_PER_BLOB;
use plotters::prelude::*;
use zk_rollup::simulation::GasRow;
use zk_rollup::DataMode;

use super::{human_seconds, mode_name, thousands, write_file};
use crate::error::{CompareError, Result};
use crate::metrics::{max_l1_finality_seconds, min_l1_finality_seconds, DesignMetrics, Spread};
use crate::runner::Comparison;
use crate::study::ProofCostRow;

const WIDTH: u32 = 820;
const HEIGHT: u32 = 440;
const FONT: &str = "sans-serif";

/// Axis labels, with their units; the tests look for them in the page.
pub mod labels {
    /// Finality chart, x.
    pub const DESIGN_X: &str = "design";
    /// Finality chart, y.
    pub const TIME_Y: &str = "time from submission (s, log scale; ticks also in min, h, days)";
    /// Batch-size axes.
    pub const BATCH_X: &str = "batch size (transactions per batch, log scale)";
    /// Gas chart, y.
    pub const GAS_Y: &str = "gas per transaction (gas, log scale)";
    /// Prove-time chart, y.
    pub const PROVE_Y: &str = "prove time per batch (s, log scale)";
    /// Constraints chart, y.
    pub const CONSTRAINTS_Y: &str = "R1CS constraints per batch (count, log scale)";
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

fn chart_err<E: std::fmt::Display>(title: &str) -> impl Fn(E) -> CompareError + '_ {
    move |e| CompareError::Chart { chart: title.to_string(), why: e.to_string() }
}

/// A tick label in seconds, readable in larger units too: `120 s = 2.0 min`.
fn seconds_tick(v: f64) -> String {
    if v < 1.0 {
        format!("{v} s")
    } else if v < 60.0 {
        format!("{v:.0} s")
    } else {
        format!("{v:.0} s = {}", human_seconds(v))
    }
}

/// The time chart: inclusion, finality and withdrawal latency per design, medians as bars and maxima as
/// whiskers, on a log axis with reference lines at a minute, an hour, a day and a week.
fn finality_chart(c: &Comparison) -> Result<String> {
    let title = "Time from submission to L1 inclusion, finality and withdrawal";
    type Get = fn(&DesignMetrics) -> Spread;
    let series: [(&str, Get, RGBColor); 3] = [
        ("L1 inclusion", |d| d.inclusion_seconds, PALETTE[0]),
        ("finality", |d| d.finality_seconds, PALETTE[1]),
        ("withdrawal to L1", |d| d.withdrawal_latency_seconds, PALETTE[2]),
    ];
    let names: Vec<&str> = c.designs.iter().map(|d| d.name.as_str()).collect();
    let n = names.len().max(1);
    let top = c.designs.iter().flat_map(|d| series.iter().map(move |(_, get, _)| get(d).max)).fold(60.0f64, f64::max);
    // Head room above the tallest whisker for the legend.
    let (y_min, y_max) = (1.0f64, top * 30.0);
    let mut svg = String::new();
    {
        let err = chart_err(title);
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(&err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(150)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (y_min..y_max).log_scale())
            .map_err(&err)?;
        let name_of = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                names[i as usize].to_string()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(238, 238, 238))
            .x_labels(n)
            .x_label_formatter(&name_of)
            .y_label_formatter(&|v| seconds_tick(*v))
            .x_desc(labels::DESIGN_X)
            .y_desc(labels::TIME_Y)
            .draw()
            .map_err(&err)?;
        for (seconds, label) in [(60.0, "1 minute"), (3_600.0, "1 hour"), (86_400.0, "1 day"), (604_800.0, "1 week")] {
            if seconds < y_max {
                let grey = RGBColor(150, 150, 150);
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(-0.5, seconds), (n as f64 - 0.5, seconds)],
                        4,
                        3,
                        grey.stroke_width(1),
                    ))
                    .map_err(&err)?;
                chart
                    .draw_series(std::iter::once(Text::new(label, (-0.48, seconds * 1.12), (FONT, 11).into_font())))
                    .map_err(&err)?;
            }
        }
        for (k, (label, get, color)) in series.iter().enumerate() {
            let color = *color;
            let offset = (k as f64 - 1.0) * 0.24;
            let bars: Vec<_> = c
                .designs
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let x = i as f64 + offset;
                    Rectangle::new([(x - 0.1, y_min), (x + 0.1, get(d).median.max(y_min))], color.filled())
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(&err)?
                .label(*label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
            let whiskers: Vec<_> = c
                .designs
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let x = i as f64 + offset;
                    let s = get(d);
                    PathElement::new(vec![(x, s.median.max(y_min)), (x, s.max.max(y_min))], BLACK.stroke_width(1))
                })
                .collect();
            chart.draw_series(whiskers).map_err(&err)?;
            let caps: Vec<_> = c
                .designs
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let x = i as f64 + offset;
                    let m = get(d).max.max(y_min);
                    PathElement::new(vec![(x - 0.05, m), (x + 0.05, m)], BLACK.stroke_width(1))
                })
                .collect();
            chart.draw_series(caps).map_err(&err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()
            .map_err(&err)?;
        root.present().map_err(&err)?;
    }
    Ok(svg)
}

/// One line of a line chart; `hollow` points are drawn as rings (estimated or combined figures).
struct Line {
    label: String,
    color: RGBColor,
    points: Vec<(f64, f64, bool)>,
}

struct LineChart<'a> {
    title: &'a str,
    x_desc: &'a str,
    y_desc: &'a str,
    y_ticks: &'a dyn Fn(&f64) -> String,
    hollow_means: Option<&'a str>,
    legend: SeriesLabelPosition,
}

/// A log-log line chart over batch sizes (x in powers of two).
fn line_chart(spec: &LineChart<'_>, lines: &[Line]) -> Result<String> {
    let points = || lines.iter().flat_map(|l| l.points.iter()).filter(|p| p.0 > 0.0 && p.1 > 0.0);
    let (mut x_lo, mut x_hi, mut y_lo, mut y_hi) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points() {
        x_lo = x_lo.min(p.0);
        x_hi = x_hi.max(p.0);
        y_lo = y_lo.min(p.1);
        y_hi = y_hi.max(p.1);
    }
    if x_lo > x_hi {
        (x_lo, x_hi, y_lo, y_hi) = (1.0, 2.0, 1.0, 10.0);
    }
    let (x_lo, x_hi) = (x_lo / 1.4, x_hi * 1.4);
    let (y_lo, y_hi) = (y_lo / 2.0, y_hi * 2.5);
    let mut svg = String::new();
    {
        let err = chart_err(spec.title);
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(&err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(spec.title, (FONT, 18))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(110)
            .build_cartesian_2d((x_lo..x_hi).log_scale().base(2.0), (y_lo..y_hi).log_scale())
            .map_err(&err)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(238, 238, 238))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(spec.y_ticks)
            .x_desc(spec.x_desc)
            .y_desc(spec.y_desc)
            .draw()
            .map_err(&err)?;
        for line in lines {
            let color = line.color;
            let pts: Vec<(f64, f64, bool)> = line.points.iter().copied().filter(|p| p.0 > 0.0 && p.1 > 0.0).collect();
            chart
                .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), color.stroke_width(2)))
                .map_err(&err)?
                .label(line.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
            chart
                .draw_series(pts.iter().map(|p| {
                    let style = if p.2 { WHITE.filled() } else { color.filled() };
                    Circle::new((p.0, p.1), 4, style)
                }))
                .map_err(&err)?;
            chart
                .draw_series(pts.iter().filter(|p| p.2).map(|p| Circle::new((p.0, p.1), 4, color.stroke_width(2))))
                .map_err(&err)?;
        }
        if let Some(hollow) = spec.hollow_means {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(&err)?
                .label(hollow)
                .legend(|(x, y)| Circle::new((x + 9, y), 4, BLACK.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(spec.legend.clone())
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()
            .map_err(&err)?;
        root.present().map_err(&err)?;
    }
    Ok(svg)
}

/// Gas per transaction against batch size: L1 gas with calldata, L1 gas with blobs, blob gas.
fn gas_chart(calldata: &[(f64, f64)], blobs: &[(f64, f64)], blob_gas: &[(f64, f64)], source: &str) -> Result<String> {
    let title = format!("L1 gas per transaction against batch size ({source})");
    let line = |label: &str, color, pts: &[(f64, f64)]| Line {
        label: label.into(),
        color,
        points: pts.iter().map(|&(x, y)| (x, y, false)).collect(),
    };
    let lines = [
        line("L1 gas, data in calldata", PALETTE[0], calldata),
        line("L1 gas, data in blobs", PALETTE[1], blobs),
        line("blob gas (blob mode, priced at the blob base fee)", PALETTE[2], blob_gas),
    ];
    let ticks = |v: &f64| thousands(v.round() as u64);
    let spec = LineChart {
        title: &title,
        x_desc: labels::BATCH_X,
        y_desc: labels::GAS_Y,
        y_ticks: &ticks,
        hollow_means: None,
        legend: SeriesLabelPosition::UpperRight,
    };
    line_chart(&spec, &lines)
}

fn depths(rows: &[ProofCostRow]) -> Vec<u32> {
    let mut d: Vec<u32> = rows.iter().map(|r| r.depth).collect();
    d.sort_unstable();
    d.dedup();
    d
}

fn per_depth(rows: &[ProofCostRow], value: impl Fn(&ProofCostRow) -> Option<(f64, bool)>) -> Vec<Line> {
    depths(rows)
        .into_iter()
        .enumerate()
        .map(|(i, depth)| {
            let mut points: Vec<(f64, f64, bool)> = rows
                .iter()
                .filter(|r| r.depth == depth)
                .filter_map(|r| value(r).map(|(v, hollow)| (r.batch_size as f64, v, hollow)))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Line { label: format!("depth {depth} (2^{depth} accounts)"), color: PALETTE[i % PALETTE.len()], points }
        })
        .collect()
}

fn prove_chart(rows: &[ProofCostRow]) -> Result<String> {
    let lines = per_depth(rows, |r| r.prove_seconds.map(|s| (s, r.estimated)));
    let ticks = |v: &f64| seconds_tick(*v);
    let spec = LineChart {
        title: "Prove time against batch size, one line per tree depth",
        x_desc: labels::BATCH_X,
        y_desc: labels::PROVE_Y,
        y_ticks: &ticks,
        hollow_means: Some("hollow: estimated, not proved"),
        legend: SeriesLabelPosition::UpperLeft,
    };
    line_chart(&spec, &lines)
}

fn constraints_chart(rows: &[ProofCostRow]) -> Result<String> {
    let lines = per_depth(rows, |r| Some((r.constraints as f64, !r.synthesised)));
    let ticks = |v: &f64| thousands(v.round() as u64);
    let spec = LineChart {
        title: "Constraints against batch size, one line per tree depth",
        x_desc: labels::BATCH_X,
        y_desc: labels::CONSTRAINTS_Y,
        y_ticks: &ticks,
        hollow_means: Some("hollow: combined from smaller syntheses (within 0.2%)"),
        legend: SeriesLabelPosition::UpperLeft,
    };
    line_chart(&spec, &lines)
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
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

fn html_table(out: &mut String, headers: &[&str], rows: &[Vec<String>]) {
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

fn figure(out: &mut String, svg: &str, caption: &str) {
    let _ = writeln!(out, "<figure>{svg}<figcaption>{}</figcaption></figure>", esc(caption));
}

/// Points of the gas chart: calldata gas, blob-mode gas and blob gas per transaction by batch size, and
/// where they come from.
type GasPoints = (Vec<(f64, f64)>, Vec<(f64, f64)>, Vec<(f64, f64)>, String);

fn gas_points(gas_rows: Option<&[GasRow]>, study: Option<&[ProofCostRow]>) -> Option<GasPoints> {
    if let Some(rows) = gas_rows.filter(|r| !r.is_empty()) {
        let pick = |mode: DataMode, f: fn(&GasRow) -> f64| -> Vec<(f64, f64)> {
            let mut v: Vec<(f64, f64)> =
                rows.iter().filter(|r| r.mode == mode).map(|r| (r.batch_size as f64, f(r))).collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            v
        };
        return Some((
            pick(DataMode::Calldata, |r| r.gas_per_tx),
            pick(DataMode::Blobs, |r| r.gas_per_tx),
            pick(DataMode::Blobs, |r| r.blob_gas_per_tx),
            "gas table".into(),
        ));
    }
    let rows = study?;
    // The depth with the most gas figures (the deepest on a tie): gas hardly depends on depth.
    let depth = depths(rows)
        .into_iter()
        .max_by_key(|d| (rows.iter().filter(|r| r.depth == *d && r.gas_per_tx_calldata.is_some()).count(), *d))?;
    let mut sel: Vec<&ProofCostRow> =
        rows.iter().filter(|r| r.depth == depth && r.gas_per_tx_calldata.is_some()).collect();
    if sel.is_empty() {
        return None;
    }
    sel.sort_by_key(|r| r.batch_size);
    let pick = |f: fn(&ProofCostRow) -> Option<f64>| -> Vec<(f64, f64)> {
        sel.iter().filter_map(|r| f(r).map(|v| (r.batch_size as f64, v))).collect()
    };
    Some((
        pick(|r| r.gas_per_tx_calldata),
        pick(|r| r.gas_per_tx_blobs),
        pick(|r| r.blob_gas_per_tx),
        format!("proof-cost study, depth {depth}"),
    ))
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
        row("L1 bytes per tx", &|d| format!("{:.1}", d.l1_bytes_per_tx)),
        row("soft confirmation (median / max)", &|d| spread(&d.soft_confirmation_seconds)),
        row("L1 inclusion (median / max)", &|d| spread(&d.inclusion_seconds)),
        row("finality (median / max)", &|d| spread(&d.finality_seconds)),
        row("withdrawal to L1 (median / max)", &|d| spread(&d.withdrawal_latency_seconds)),
        row("throughput ceiling (tx/s)", &|d| format!("{:.1}", d.throughput_ceiling_tps)),
        row("capital locked (ETH, for how long)", &|d| {
            format!("{:.4} ETH, {}", d.capital_locked_wei as f64 / 1e18, human_seconds(d.capital_locked_seconds))
        }),
        row("worst case under attack", &|d| d.worst_case_seconds.map(human_seconds).unwrap_or_else(|| "-".into())),
    ];
    html_table(out, &headers, &rows);
    for d in &c.designs {
        let _ = writeln!(out, "<h3>{}</h3>\n<ul>", esc(&d.name));
        let _ = writeln!(out, "<li><b>trust:</b> {}</li>", esc(&d.trust));
        let _ = writeln!(out, "<li><b>users must:</b> {}</li>", esc(&d.user_duties));
        if let Some(w) = &d.worst_case_under_attack {
            let _ = writeln!(out, "<li><b>worst case under attack:</b> {}</li>", esc(w));
        }
        let _ = writeln!(out, "<li><b>throughput ceiling:</b> {}</li>", esc(&d.throughput_basis));
        for n in &d.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
        if !d.details.is_empty() {
            let cells: Vec<Vec<String>> = d.details.iter().map(|x| vec![x.name.clone(), x.value.clone()]).collect();
            html_table(out, &["detail", "value"], &cells);
        }
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
