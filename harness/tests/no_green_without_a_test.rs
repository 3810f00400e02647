//! No green without a test: a part of the suite still requires every check
//! wherever it applies, so a provider that tests nothing (answering E_FAIL
//! to every call) never exits 0, with or without `--campaign`; a part run
//! passes only when asked for as `--partial`, and then its last line says so.

use std::process::{Command, Output};

fn harness(args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("vds-no-green-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .arg("--artifacts")
        .arg(&dir)
        .output()
        .unwrap()
}

fn last_line(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout.lines().last().unwrap_or_default().to_string()
}

fn fail_everything() -> String {
    format!(
        "exec:python3 {}/tests/exec_fixtures/fail_everything.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn a_provider_that_fails_every_call_never_passes() {
    let p = fail_everything();
    for args in [
        vec!["run", "--provider", &p],
        vec![
            "run",
            "--provider",
            &p,
            "--campaign",
            "create-and-probe",
            "--campaign",
            "at-the-limit",
        ],
    ] {
        let out = harness(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {}", last_line(&out));
    }
}

#[test]
fn a_part_of_the_suite_is_inconclusive_unless_asked_for_as_partial() {
    let part = [
        "run",
        "--campaign",
        "create-and-probe",
        "--engine",
        "madsim",
    ];
    let out = harness(&part);
    assert_eq!(out.status.code(), Some(3), "{}", last_line(&out));
    assert!(
        last_line(&out).ends_with("inconclusive"),
        "{}",
        last_line(&out)
    );

    let mut partial = part.to_vec();
    partial.push("--partial");
    let out = harness(&partial);
    assert_eq!(out.status.code(), Some(0), "{}", last_line(&out));
    assert!(last_line(&out).contains("partial"), "{}", last_line(&out));
}

#[test]
fn a_sweep_says_it_is_partial() {
    let out = harness(&["sweep", "--seeds", "2", "--engine", "madsim"]);
    assert_eq!(out.status.code(), Some(0), "{}", last_line(&out));
    assert!(last_line(&out).contains("partial"), "{}", last_line(&out));
}
