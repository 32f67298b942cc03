//! The charts of the HTML page, drawn with plotters' SVG backend into strings: times per design on a log
//! axis, and log-log lines over batch sizes (gas per transaction, constraints, prove time). No font or image
//! is fetched; the page ([`super::page`]) embeds the strings as they are.

use plotters::prelude::*;
use zk_rollup::simulation::GasRow;
use zk_rollup::DataMode;

use super::{human_seconds, thousands};
use crate::error::{CompareError, Result};
use crate::metrics::{DesignMetrics, Spread};
use crate::runner::Comparison;
use crate::study::ProofCostRow;

const WIDTH: u32 = 820;
const HEIGHT: u32 = 440;
const FONT: &str = "sans-serif";

/// Axis labels and table labels, with their units; the tests look for them in the page.
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
    /// The soft-confirmation row of the comparison's tables: modelled, not measured.
    pub const SOFT_CONFIRMATION: &str = "soft confirmation (modelled: network delay)";
    /// The L1-bytes row of the comparison's tables.
    pub const L1_BYTES: &str = "L1 bytes per tx (calldata + blob payload, as sent)";
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
pub(super) fn finality_chart(c: &Comparison) -> Result<String> {
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
pub(super) fn gas_chart(
    calldata: &[(f64, f64)],
    blobs: &[(f64, f64)],
    blob_gas: &[(f64, f64)],
    source: &str,
) -> Result<String> {
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

/// The depths the study covers, ascending.
pub(super) fn depths(rows: &[ProofCostRow]) -> Vec<u32> {
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

/// Prove time against batch size, one line per depth; hollow points estimated.
pub(super) fn prove_chart(rows: &[ProofCostRow]) -> Result<String> {
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

/// Constraints against batch size, one line per depth; hollow points combined.
pub(super) fn constraints_chart(rows: &[ProofCostRow]) -> Result<String> {
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

/// Points of the gas chart: calldata gas, blob-mode gas and blob gas per transaction by batch size, and
/// where they come from.
pub(super) type GasPoints = (Vec<(f64, f64)>, Vec<(f64, f64)>, Vec<(f64, f64)>, String);

/// The gas chart's points: from `gas_rows` when given, else from the study's gas figures.
pub(super) fn gas_points(gas_rows: Option<&[GasRow]>, study: Option<&[ProofCostRow]>) -> Option<GasPoints> {
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

/// Axis labels of the mass-exit chart.
pub mod mass_exit_labels {
    /// x.
    pub const USERS_X: &str = "users who must exit (log scale)";
    /// Left y.
    pub const SHARE_Y: &str = "share exiting in time (%)";
    /// Right y.
    pub const FEE_Y: &str = "peak base fee (gwei, log scale)";
}

/// The Plasma mass exit: users (log axis) against the share that exits within the period (solid lines,
/// left axis) and the peak base fee the wave drives the L1 to (dashed lines, right axis), one colour per
/// exit period; filled points were run on the chain, hollow ones computed.
pub fn mass_exit_chart(points: &[crate::designs::plasma::ChartPoint]) -> Result<String> {
    let title = "Plasma mass exit: who gets out in time, and the gas price it takes";
    let mut periods: Vec<f64> = points.iter().map(|p| p.period_days).collect();
    // Shorter periods first, so that the default period (and its run on the chain) is drawn on top.
    periods.sort_by(f64::total_cmp);
    periods.dedup();
    let x_lo = points.iter().map(|p| p.users).fold(f64::MAX, f64::min).min(1e3) / 1.5;
    let x_hi = points.iter().map(|p| p.users).fold(1e4, f64::max) * 1.5;
    let fee_hi = points.iter().map(|p| p.peak_gwei).fold(10.0, f64::max) * 4.0;
    let mut svg = String::new();
    {
        let err = chart_err(title);
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(&err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .right_y_label_area_size(80)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), 0f64..115f64)
            .map_err(&err)?
            .set_secondary_coord((x_lo..x_hi).log_scale(), (0.5f64..fee_hi).log_scale());
        chart
            .configure_mesh()
            .light_line_style(RGBColor(238, 238, 238))
            .x_label_formatter(&|v| thousands(v.round() as u64))
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .x_desc(mass_exit_labels::USERS_X)
            .y_desc(mass_exit_labels::SHARE_Y)
            .draw()
            .map_err(&err)?;
        chart
            .configure_secondary_axes()
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc(mass_exit_labels::FEE_Y)
            .draw()
            .map_err(&err)?;
        for (i, period) in periods.iter().enumerate() {
            // The longest period keeps the first colour.
            let color = PALETTE[(periods.len() - 1 - i) % PALETTE.len()];
            let mut pts: Vec<&crate::designs::plasma::ChartPoint> =
                points.iter().filter(|p| p.period_days == *period).collect();
            pts.sort_by(|a, b| a.users.total_cmp(&b.users));
            pts.dedup_by(|a, b| a.users == b.users);
            chart
                .draw_series(LineSeries::new(pts.iter().map(|p| (p.users, 100.0 * p.share)), color.stroke_width(2)))
                .map_err(&err)?
                .label(format!("{period}-day period: share in time"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
            chart
                .draw_series(pts.iter().map(|p| {
                    let style = if p.computed { WHITE.filled() } else { color.filled() };
                    Circle::new((p.users, 100.0 * p.share), 4, style)
                }))
                .map_err(&err)?;
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| p.computed)
                        .map(|p| Circle::new((p.users, 100.0 * p.share), 4, color.stroke_width(2))),
                )
                .map_err(&err)?;
            chart
                .draw_secondary_series(DashedLineSeries::new(
                    pts.iter().map(|p| (p.users, p.peak_gwei.max(0.5))).collect::<Vec<_>>(),
                    6,
                    4,
                    color.stroke_width(2),
                ))
                .map_err(&err)?
                .label(format!("{period}-day period: peak base fee"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 6, y), (x + 10, y), (x + 16, y)], color.stroke_width(1))
                });
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(&err)?
            .label("filled: run on the chain; hollow: computed")
            .legend(|(x, y)| Circle::new((x + 9, y), 4, BLACK.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::Coordinate(215, 175))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()
            .map_err(&err)?;
        root.present().map_err(&err)?;
    }
    Ok(svg)
}

/// The mass-exit chart of the first design in `c` that reports mass-exit points, if any.
pub(super) fn mass_exit_of(c: &Comparison) -> Result<Option<String>> {
    let points = c.designs.iter().map(crate::designs::plasma::mass_exit_points).find(|p| !p.is_empty());
    points.map(|p| mass_exit_chart(&p)).transpose()
}

/// The colours of the L1-knob charts: one per design, seven designs.
const DESIGN_PALETTE: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(23, 190, 207),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(90, 90, 90),
];

/// What an L1-knob chart plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnobMetric {
    /// The throughput ceiling the L1's gas and data allow (tx/s); a design's own lower bound is marked.
    Throughput,
    /// Cost per transaction (gwei).
    Cost,
    /// Finality (s).
    Finality,
}

impl KnobMetric {
    /// The y axis.
    pub fn y_desc(self) -> &'static str {
        match self {
            KnobMetric::Throughput => "throughput ceiling the L1 allows (L2 tx/s, log scale)",
            KnobMetric::Cost => "cost per transaction (gwei, log scale)",
            KnobMetric::Finality => "finality, median (s, log scale)",
        }
    }

    /// The value of a point.
    pub fn of(self, p: &crate::knobs::KnobPoint) -> f64 {
        match self {
            KnobMetric::Throughput => p.l1_ceiling_tps,
            KnobMetric::Cost => p.cost_per_tx_wei / 1e9,
            KnobMetric::Finality => p.finality_seconds,
        }
    }
}

/// One L1-knob chart: `metric` against `knob`'s values, one line per design (log axes); for throughput, what
/// the L1 allows, hollow where the design's own bound (proving time) is lower still.
pub fn knob_chart(
    study: &crate::knobs::L1Study,
    knob: crate::knobs::Knob,
    metric: KnobMetric,
    title: &str,
) -> Result<String> {
    let lines: Vec<Line> = study
        .comparison
        .designs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut points: Vec<(f64, f64, bool)> = study
                .points
                .iter()
                .filter(|p| p.design == d.name && p.knob == knob)
                .map(|p| {
                    (
                        p.value,
                        metric.of(p),
                        metric == KnobMetric::Throughput && p.bottleneck == crate::knobs::Bottleneck::ProvingTime,
                    )
                })
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Line { label: d.name.clone(), color: DESIGN_PALETTE[i % DESIGN_PALETTE.len()], points }
        })
        .collect();
    let ticks = |v: &f64| match metric {
        KnobMetric::Finality => seconds_tick(*v),
        _ if *v >= 10.0 => thousands(v.round() as u64),
        _ => format!("{v:.2}"),
    };
    let spec = LineChart {
        title,
        x_desc: knob.title(),
        y_desc: metric.y_desc(),
        y_ticks: &ticks,
        hollow_means: (metric == KnobMetric::Throughput).then_some("hollow: proving time caps it lower (table)"),
        legend: if metric == KnobMetric::Throughput {
            SeriesLabelPosition::LowerRight
        } else {
            SeriesLabelPosition::UpperLeft
        },
    };
    line_chart(&spec, &lines)
}
