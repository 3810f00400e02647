//! `run`/`sweep --report FILE`: one JSON document that fits
//! `docs/report.schema.json`, says what the matrix says, lists the failing
//! runs kept with their replay commands, and is the same bytes every time.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("report-json")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary in `dir` and reads the report it wrote: (exit status, report).
fn report(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .args(["--report", "report.json", "--artifacts", "artifacts"])
        .current_dir(dir)
        .output()
        .expect("the vds-harness binary runs");
    let text = std::fs::read_to_string(dir.join("report.json")).expect("the report is written");
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let doc: Value = serde_json::from_str(&text).expect("one JSON document");
    common::schema::validate(&schema, &schema, &doc, "report").unwrap();
    (out.status.code().unwrap(), doc, text)
}

#[test]
fn a_failing_sweep_reports_its_failures_and_the_same_bytes_twice() {
    let dir = scratch("sweep");
    let args = [
        "sweep",
        "--seeds",
        "20",
        "--provider",
        "mutant:duplicate-tags",
    ];
    let (code, doc, first) = report(&dir, &args);
    assert_eq!(code, 1);
    assert_eq!(doc["outcome"], "violations");
    assert_eq!(doc["runs"], 40);
    let failed: Vec<&Value> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "fail")
        .collect();
    assert!(
        failed.iter().any(|c| c["id"] == "CPG-TAG-UNIQUE"),
        "{failed:?}"
    );
    let failures = doc["failures"].as_array().unwrap();
    assert!(!failures.is_empty());
    for f in failures {
        assert!(
            f["replay"]
                .as_str()
                .unwrap()
                .contains("replay --campaign mixed"),
            "{f}"
        );
    }
    let (_, _, second) = report(&dir, &args);
    assert_eq!(first, second, "the report is deterministic");
}

#[test]
fn a_conformant_run_reports_every_check_passed() {
    let dir = scratch("run");
    let (code, doc, _) = report(&dir, &["run"]);
    assert_eq!(code, 0);
    assert_eq!(doc["outcome"], "conformant");
    assert!(doc["failures"].as_array().unwrap().is_empty());
    let checks = doc["checks"].as_array().unwrap();
    assert_eq!(checks.len(), vds_harness::checks::CHECKS.len());
    // Every check passes but those the reference's design cannot reach
    // (DECLARATION-KEPT, with nothing declared), which are untested.
    let undeclared = vds_sim::provider::declaration::Declaration::default();
    assert!(
        checks.iter().all(|c| {
            let id: vds_sim::profile::RuleId = c["id"].as_str().unwrap().parse().unwrap();
            let expected = if vds_harness::checks::reachable(id, &undeclared) {
                "pass"
            } else {
                "untested"
            };
            c["verdict"] == expected
        }),
        "{checks:?}"
    );
    assert!(!doc["states"].as_array().unwrap().is_empty());
}
