//! A provider process that breaks the stdio protocol ends its run with a
//! clear finding naming the seed and the protocol line, never a hang or a
//! panic trace; its transcript goes to the artifacts; no process is left
//! behind. Fixture: `tests/exec_fixtures/misbehave.py`.

use std::process::Command;
use std::time::{Duration, Instant};

use vds_harness::campaigns;
use vds_harness::exec::ExecFactory;
use vds_harness::suite::RunId;
use vds_sim::prelude::*;
use vds_sim::world::RunError;

fn fixture(how: &str) -> String {
    format!(
        "python3 {}/tests/exec_fixtures/misbehave.py {how}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// One run of `create-and-probe` (madsim, seed 5) against the fixture;
/// returns the provider failure's message and the transcript.
fn run(how: &str) -> (String, Vec<String>) {
    let factory = ExecFactory::new(fixture(how)).turn_limit(Duration::from_secs(1));
    let id = RunId {
        campaign: campaigns::by_name("create-and-probe").unwrap(),
        engine: EngineKind::Madsim,
        seed: 5,
    };
    let outcome = id.run(&factory);
    let judgement = vds_harness::oracle::judge(&outcome);
    assert!(!judgement.passed(), "{how}: the run passed");
    assert!(
        judgement
            .findings
            .iter()
            .any(|f| f.check.to_string() == "RUN-COMPLETES"),
        "{how}: no RUN-COMPLETES finding: {:?}",
        judgement.findings
    );
    match outcome.error {
        Some(RunError::Provider { seed, message }) => {
            assert_eq!(seed, 5);
            (message, outcome.transcript)
        }
        other => panic!("{how}: expected a provider failure, got {other:?}"),
    }
}

#[test]
fn a_process_that_exits_mid_run_is_a_finding_with_its_line() {
    let (message, transcript) = run("exit");
    // hello (1), hello_ok (2), the first call (3): the answer was expected at line 4.
    assert!(message.contains("protocol line 4"), "{message}");
    assert!(message.contains("ended its output"), "{message}");
    assert!(transcript[0].starts_with("> {\"") && transcript[0].contains("\"hello\""));
    assert!(
        transcript
            .iter()
            .any(|l| l.starts_with("# the provider process: exit status: 3")),
        "{transcript:?}"
    );
}

#[test]
fn a_process_that_never_answers_is_cut_off_at_the_turn_limit() {
    let start = Instant::now();
    let (message, _) = run("hang");
    assert!(message.contains("protocol line 4"), "{message}");
    assert!(
        message.contains("no answer within the turn limit of 1000 ms"),
        "{message}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn a_process_that_prints_garbage_is_a_finding_with_its_line() {
    let (message, transcript) = run("garbage");
    assert!(
        message.contains("protocol line 4: not a protocol message"),
        "{message}"
    );
    assert_eq!(transcript[3], "< this is not JSON");
}

#[test]
fn unknown_messages_and_second_answers_are_findings() {
    let (message, _) = run("unknown");
    assert!(
        message.contains("protocol line 4: not a protocol message"),
        "{message}"
    );
    assert!(message.contains("teleport"), "{message}");
    let (message, _) = run("twice");
    assert!(
        message.contains("not waiting for one (answered twice"),
        "{message}"
    );
}

#[test]
fn the_cli_keeps_the_transcript_and_leaves_no_process_behind() {
    let dir = std::env::temp_dir().join(format!("vds-exec-errors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // `cli` only marks these processes apart from the other tests' ones.
    let provider = format!("exec:{} cli", fixture("hang"));
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args([
            "sweep",
            "--seeds",
            "2",
            "--engine",
            "madsim",
            "--campaign",
            "create-and-probe",
        ])
        .args([
            "--stuck-after",
            "1",
            "--jobs",
            "1",
            "--provider",
            &provider,
            "--artifacts",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("provider failure (seed 0): protocol line 4: no answer"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--provider 'exec:python3"),
        "the replay command names the provider: {stdout}"
    );
    let transcript = dir.join("create-and-probe-madsim-seed1.transcript.jsonl");
    let text = std::fs::read_to_string(&transcript).unwrap();
    assert!(
        text.lines().nth(3).is_none_or(|l| l.starts_with('#')),
        "{text}"
    );
    let left = Command::new("pgrep")
        .args(["-f", "misbehave.py hang cli"])
        .output();
    if let Ok(left) = left {
        assert!(
            left.stdout.is_empty(),
            "processes left: {}",
            String::from_utf8_lossy(&left.stdout)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
