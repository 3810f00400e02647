//! The number of runs made at once changes nothing that is reported: the
//! matrix, the failures, the JUnit file and where a fail-fast run stops are
//! the same for one job and for several.

use vds_harness::mutants::MUTANTS;
use vds_harness::report::{coverage, junit, matrix, summary};
use vds_harness::suite::{SuiteConfig, SuiteReport, run};

fn everything(r: &SuiteReport) -> String {
    format!(
        "{}{}{}{}",
        matrix(r),
        summary(r),
        junit(r),
        coverage(r, &r.engines)
    )
}

#[test]
fn reports_do_not_depend_on_jobs() {
    let m = MUTANTS
        .iter()
        .find(|m| m.name == "duplicate-tags")
        .expect("catalogued");
    let cfg = SuiteConfig::new(m.factory()).seeds(2).mixed_seeds(6);
    let one = run(&cfg.clone().jobs(1), &mut |_| {});
    let three = run(&cfg.jobs(3), &mut |_| {});
    assert!(!one.conformant());
    assert_eq!(everything(&one), everything(&three));
}

#[test]
fn fail_fast_stops_at_the_same_run_for_any_jobs() {
    let m = MUTANTS
        .iter()
        .find(|m| m.name == "limit-ignored")
        .expect("catalogued");
    let cfg = SuiteConfig::new(m.factory()).fail_fast(true);
    let one = run(&cfg.clone().jobs(1), &mut |_| {});
    let four = run(&cfg.jobs(4), &mut |_| {});
    assert_eq!(one.runs, four.runs);
    assert_eq!(everything(&one), everything(&four));
}

/// Files as (name, bytes), by name.
type Files = Vec<(String, Vec<u8>)>;

/// `vds-harness sweep`'s printed output, JUnit file and failing runs'
/// artifacts for `jobs`.
fn sweep(jobs: &str) -> (Vec<u8>, Vec<u8>, Files) {
    // One directory for both runs (one after the other): its name is printed.
    let dir = std::env::temp_dir().join(format!("vds-jobs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("junit.xml");
    let artifacts = dir.join("artifacts");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args([
            "sweep",
            "--seeds",
            "150",
            "--provider",
            "mutant:deleted-as-not-found",
        ])
        .args(["--jobs", jobs, "--junit"])
        .arg(&junit)
        .arg("--artifacts")
        .arg(&artifacts)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the mutant fails the sweep");
    let mut files: Files = std::fs::read_dir(&artifacts)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    let junit = std::fs::read(&junit).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (out.stdout, junit, files)
}

#[test]
fn sweep_output_is_the_same_for_one_job_and_two() {
    let one = sweep("1");
    let two = sweep("2");
    assert!(!one.2.is_empty(), "failing runs leave artifacts");
    assert!(
        one.0 == two.0,
        "stdout differs:\n{}\n---\n{}",
        String::from_utf8_lossy(&one.0),
        String::from_utf8_lossy(&two.0)
    );
    assert_eq!(one.1, two.1, "JUnit");
    assert_eq!(one.2, two.2, "artifacts");
}
