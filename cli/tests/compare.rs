//! `rollup compare` end to end on the tiniest shape (a depth-2 tree, batches of 2, two users, two L2
//! transactions): the zk rollup in calldata and blob mode (each with its exodus run), the optimistic
//! rollup, payment channels, the sidechain and Plasma, compared like for like.

use std::process::{Command, Output};

use serde_json::Value;

fn rollup(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollup")).args(args).output().expect("run the rollup binary")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `rollup study l1` runs the comparison once (as `rollup compare` does) and computes the L1 knobs from it: one
/// run of the zk designs (the costly part) checks both, the comparison's rows and the knobs.
#[test]
fn compare_reports_like_for_like_figures_in_json_csv_and_html() {
    let dir = std::env::temp_dir().join(format!("rollup-compare-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let report = dir.to_str().expect("utf-8 temp path");
    let args = [
        "study",
        "l1",
        "--depth",
        "2",
        "--batch-size",
        "2",
        "--txs",
        "2",
        "--accounts",
        "2",
        "--network-delay",
        "0.5",
        "--json",
        "--report",
        report,
    ];
    let output = rollup(&args);
    assert!(output.status.success(), "study l1 failed: {}", stderr(&output));
    let s: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let c = &s["comparison"];
    let designs = c["designs"].as_array().unwrap();
    let names: Vec<&str> = designs.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "zk rollup (calldata)",
            "zk rollup (blobs)",
            "optimistic rollup",
            "payment channels",
            "sidechain (PoS bridge)",
            "Plasma (MoreVP)",
            "L1 alone"
        ]
    );
    let f = |d: &Value, field: &str, what: &str| d[field][what].as_f64().unwrap();
    every_metric_filled_or_not_applicable(designs);
    let l1 = &designs[6];
    assert_eq!(l1["l1_gas_per_tx"], 21_000.0);
    assert!(f(l1, "finality_seconds", "median") >= 780.0, "Casper FFG: at least 13 minutes after inclusion");

    // Soft confirmation: the given network delay, the same for every design with a sequencer; a channel
    // payment is final when its preimage is back, after round trips of that delay along the route.
    assert_eq!(c["workload"]["network_delay_seconds"], 0.5);
    for d in &designs[..6] {
        assert!(d["l1_bytes_per_tx"].as_f64().unwrap() > 0.0);
        if d["name"] == "payment channels" {
            assert!(f(d, "soft_confirmation_seconds", "median") >= 4.0 * 0.5, "one hop: 4 messages");
            assert_eq!(d["soft_confirmation_seconds"], d["finality_seconds"]);
            continue;
        }
        assert_eq!((f(d, "soft_confirmation_seconds", "median"), f(d, "soft_confirmation_seconds", "max")), (0.5, 0.5));
    }
    // Transaction counts: the optimistic proposer's own deposit is one more, and the output says so.
    let txs: Vec<u64> = designs.iter().map(|d| d["txs"].as_u64().unwrap()).collect();
    assert_eq!(txs, [4, 4, 5, 4, 4, 4, 4]);
    assert_eq!(c["l2_tx_difference"], 1);
    assert!(c["l2_tx_note"].as_str().unwrap().contains("optimistic rollup 5"));
    // Blob bytes only in blob mode, within its L1 bytes.
    let (calldata, blobs) = (&designs[0], &designs[1]);
    assert_eq!(calldata["blob_bytes_per_tx"], 0.0);
    let blob_bytes = blobs["blob_bytes_per_tx"].as_f64().unwrap();
    assert!(blob_bytes > 0.0 && blob_bytes < blobs["l1_bytes_per_tx"].as_f64().unwrap());
    let detail = |d: &Value, name: &str| -> f64 {
        let found = d["details"].as_array().unwrap().iter().find(|x| x["name"] == name).expect(name);
        found["value"].as_str().unwrap().parse().unwrap()
    };
    // Two batches of two 13-byte slots in blobs: 52 bytes of payload over 4 transactions.
    assert_eq!(detail(blobs, "batches"), 2.0);
    assert_eq!(detail(blobs, "commit blob payload (bytes)"), 52.0);
    assert_eq!(blob_bytes, 52.0 / 4.0);
    let calldata_bytes = detail(calldata, "commit calldata (bytes)");
    assert_eq!(calldata["l1_bytes_per_tx"].as_f64().unwrap(), calldata_bytes / 4.0);
    // The zk worst case is the exodus run's: past the 14-day priority deadline.
    for zk in [calldata, blobs] {
        assert!(zk["worst_case_seconds"].as_f64().unwrap() > 14.0 * 86_400.0);
        assert!(zk["worst_case_under_attack"].as_str().unwrap().contains("exodus"));
    }
    // Optimistic inclusion is recorded, well before finality.
    let optimistic = &designs[2];
    assert!(f(optimistic, "inclusion_seconds", "max") < f(optimistic, "finality_seconds", "median"));
    assert!(f(optimistic, "finality_seconds", "median") >= 7.0 * 86_400.0);
    // The sidechain: a checkpoint's L1 finality within half an hour, and its bridge drained in the worst case.
    let side = designs.iter().find(|d| d["name"] == "sidechain (PoS bridge)").unwrap();
    assert!(f(side, "finality_seconds", "max") < 1_800.0);
    assert!(side["worst_case_under_attack"].as_str().unwrap().contains("bridge drained"));

    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("different numbers of L2 transactions") && html.contains("0.50 s / 0.50 s"));
    assert!(html.contains("n/a: no bridge: the ETH is on L1 already"));
    let csv = std::fs::read_to_string(dir.join("comparison.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("blob_bytes_per_tx"));
    assert!(csv.lines().last().unwrap().contains("withdrawal_latency_seconds: no bridge"));
    l1_knobs_move_each_design_only_along_its_bottleneck(&s, &dir);
    page_renders_in_headless_chromium(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report page in headless Chromium (Debian's `chromium`, which `.ci/run` installs; skipped with a note
/// where it is absent): it renders to a screenshot, logs nothing to the console, and requests nothing over the
/// network. Requests are read from Chromium's net log: those the page made carry the page's `file://` site,
/// which tells them apart from the browser's own background traffic.
fn page_renders_in_headless_chromium(dir: &std::path::Path) {
    let Some(chromium) =
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| std::path::Path::new(p).exists())
    else {
        eprintln!("note: no chromium here; the report page was not checked in a browser");
        return;
    };
    let page = dir.join("index.html");
    let shot = dir.join("screenshot.png");
    let netlog = dir.join("netlog.json");
    let profile = dir.join("chromium-profile");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let log = stderr(&output);
    assert!(output.status.success(), "chromium failed: {log}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a screenshot of a drawn page ({} bytes)", png.len());
    eprintln!("report page rendered in headless chromium: screenshot {} ({} bytes)", shot.display(), png.len());
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the page logged to the console: {console:?}");
    let net: Value = serde_json::from_slice(&std::fs::read(&netlog).expect("the net log")).expect("net log JSON");
    let requests: Vec<&str> = net["events"]
        .as_array()
        .expect("net log events")
        .iter()
        .filter(|e| e["params"]["site_for_cookies"].as_str().is_some_and(|s| s.contains("site=file://")))
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|url| !url.starts_with("file://"))
        .collect();
    assert!(requests.is_empty(), "the page requested {requests:?}");
}

/// Every metric of every row is filled, or the row says why it does not apply: a zero or a missing value
/// needs a reason.
fn every_metric_filled_or_not_applicable(designs: &[Value]) {
    for d in designs {
        let reasons: Vec<&str> =
            d["not_applicable"].as_array().unwrap().iter().map(|n| n["field"].as_str().unwrap()).collect();
        for n in d["not_applicable"].as_array().unwrap() {
            assert!(!n["reason"].as_str().unwrap().is_empty(), "{d}");
        }
        for field in
            ["soft_confirmation_seconds", "inclusion_seconds", "finality_seconds", "withdrawal_latency_seconds"]
        {
            let filled = d[field]["max"].as_f64().unwrap() > 0.0;
            assert!(filled || reasons.contains(&field), "{}: {field} empty without a reason", d["name"]);
        }
        for field in ["l1_gas_per_tx", "throughput_ceiling_tps"] {
            assert!(d[field].as_f64().unwrap() > 0.0, "{}: {field}", d["name"]);
        }
        for field in ["trust", "user_duties", "throughput_basis"] {
            assert!(!d[field].as_str().unwrap().is_empty(), "{}: {field}", d["name"]);
        }
        for field in ["worst_case_under_attack", "worst_case_seconds"] {
            assert!(!d[field].is_null() || reasons.contains(&field), "{}: {field} empty without a reason", d["name"]);
        }
    }
}

/// `rollup study l1` on the tiniest shape: each design's throughput ceiling rises with the knob that moves its
/// bottleneck and stays flat under the others; finality moves with the finality rule only for designs that
/// wait for L1 finality; every point is computed; the page has a chart per metric with how to read it.
fn l1_knobs_move_each_design_only_along_its_bottleneck(s: &Value, dir: &std::path::Path) {
    let designs = s["comparison"]["designs"].as_array().unwrap();
    assert_eq!(designs.len(), 7);
    every_metric_filled_or_not_applicable(designs);
    let points = s["points"].as_array().unwrap();
    assert!(points.iter().all(|p| p["computed"] == true));
    let sweep = |design: &str, knob: &str| -> Vec<&Value> {
        points.iter().filter(|p| p["design"] == design && p["knob"] == knob).collect()
    };
    let v = |p: &Value, f: &str| p[f].as_f64().unwrap();
    for d in designs {
        let name = d["name"].as_str().unwrap();
        // The L1's bottleneck on today's chain (the slot sweep starts at today's 12 s): data when the blob bound
        // is the smaller, else gas.
        let today = sweep(name, "slot_seconds")[0];
        let l1_bottleneck = |p: &Value| match p["data_bound_tps"].as_f64() {
            Some(data) if data < v(p, "gas_bound_tps") => "data",
            _ => "gas",
        };
        let bottleneck = l1_bottleneck(today);
        for (knob, moves) in [
            ("block_gas_limit", ["gas"].as_slice()),
            ("blobs_per_block", ["data"].as_slice()),
            ("slot_seconds", ["gas", "data"].as_slice()),
            ("finality", [].as_slice()),
        ] {
            let points = sweep(name, knob);
            assert!(points.len() >= 3, "{name} {knob}");
            let (first, last) = (points[0], points[points.len() - 1]);
            // Sweeps run from a smaller setting to a larger one (slots: 12 s down to 2 s).
            let (lo, hi) = (v(first, "l1_ceiling_tps"), v(last, "l1_ceiling_tps"));
            if moves.contains(&bottleneck) {
                assert!(hi > lo * 1.5, "{name}: {knob} should raise its {bottleneck}-bound ceiling: {lo} -> {hi}");
            } else {
                assert!((hi - lo).abs() <= lo * 1e-9, "{name}: {knob} should not move its {bottleneck}-bound ceiling");
            }
            for p in &points {
                // The ceiling is the smallest bound, the design's own (one prover) included.
                let own = p["other_bound_tps"].as_f64().unwrap_or(f64::INFINITY);
                assert_eq!(v(p, "ceiling_tps"), v(p, "l1_ceiling_tps").min(own), "{name} {knob}");
            }
            for pair in points.windows(2) {
                assert!(v(pair[1], "ceiling_tps") >= v(pair[0], "ceiling_tps") * (1.0 - 1e-9), "{name} {knob}");
            }
        }
        let finality = sweep(name, "finality");
        let (today, ssf) = (v(finality[0], "finality_seconds"), v(finality[finality.len() - 1], "finality_seconds"));
        if d["waits_for_l1_finality"] == true {
            assert!(ssf < today - 600.0, "{name}: single-slot finality saves over ten minutes: {today} -> {ssf}");
        } else {
            assert_eq!(today, ssf, "{name}");
        }
    }
    // The zk rollups have their measured proving rate as their own bound; blobs widen the data bound.
    for zk in ["zk rollup (calldata)", "zk rollup (blobs)"] {
        assert!(sweep(zk, "finality").iter().all(|p| p["other_bound_tps"].as_f64().unwrap() > 0.0));
    }
    let blobs = sweep("zk rollup (blobs)", "blobs_per_block");
    assert!(v(blobs[blobs.len() - 1], "data_bound_tps") > v(blobs[0], "data_bound_tps") * 10.0);
    // Plasma's exit capacity grows with the gas limit.
    let plasma = sweep("Plasma (MoreVP)", "block_gas_limit");
    assert!(v(plasma[plasma.len() - 1], "exit_capacity_users") > v(plasma[0], "exit_capacity_users") * 5.0);

    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert_eq!(html.matches("How to read this").count(), 5);
    assert!(html.contains("Throughput ceiling against blobs per block") && html.contains("log scale"));
    let csv = std::fs::read_to_string(dir.join("knobs.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + points.len());
}

#[test]
fn a_negative_network_delay_and_an_unknown_design_are_refused() {
    let output = rollup(&["compare", "--network-delay=-1", "--depth", "2", "--batch-size", "1", "--txs", "1"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "a flag out of its range is unusable input: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("network delay"), "{err}");
    assert!(output.stdout.is_empty());
    // `--designs` selects, in the order the designs always run; `rollup compare` lists the L1 baseline.
    let output =
        rollup(&["compare", "--designs", "l1,channels", "--depth", "2", "--accounts", "2", "--txs", "2", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let c: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let names: Vec<&str> = c["designs"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["payment channels", "L1 alone"]);
    every_metric_filled_or_not_applicable(c["designs"].as_array().unwrap());
    // An unknown design name is refused, for `compare` and `study l1` alike, naming the ones there are.
    for cmd in [&["compare"][..], &["study", "l1"][..]] {
        let output = rollup(&[cmd, &["--designs", "zk,rollupz", "--depth", "2", "--txs", "1"]].concat());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains("rollupz") && err.contains("zk-blobs") && err.contains("l1"), "{err}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn study_attacks_refuses_a_mass_exit_of_nobody() {
    // The matrix itself is checked by compare's unit test (attacks::tests); here only the flag's range.
    for value in ["0", "1000000001"] {
        let output = rollup(&["study", "attacks", "--mass-exit-users", value, "--json"]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{value}: {err}");
        assert!(err.contains("--mass-exit-users") && !err.contains("panicked"), "{err}");
        assert!(output.stdout.is_empty());
    }
}
