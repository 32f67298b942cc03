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

#[test]
fn compare_reports_like_for_like_figures_in_json_csv_and_html() {
    let dir = std::env::temp_dir().join(format!("rollup-compare-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let report = dir.to_str().expect("utf-8 temp path");
    let args = [
        "compare",
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
    assert!(output.status.success(), "compare failed: {}", stderr(&output));
    let c: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
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
            "Plasma (MoreVP)"
        ]
    );
    let f = |d: &Value, field: &str, what: &str| d[field][what].as_f64().unwrap();

    // Soft confirmation: the given network delay, the same for every design with a sequencer; a channel
    // payment is final when its preimage is back, after round trips of that delay along the route.
    assert_eq!(c["workload"]["network_delay_seconds"], 0.5);
    for d in designs {
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
    assert_eq!(txs, [4, 4, 5, 4, 4, 4]);
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
    let csv = std::fs::read_to_string(dir.join("comparison.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("blob_bytes_per_tx"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_negative_network_delay_is_refused() {
    let output = rollup(&["compare", "--network-delay=-1", "--depth", "2", "--batch-size", "1", "--txs", "1"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "a flag out of its range is unusable input: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("network delay"), "{err}");
    assert!(output.stdout.is_empty());
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
