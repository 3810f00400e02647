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
        Some(RunError::Provider { seed, message, .. }) => {
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
    // The marker sets these processes apart from other tests' and other checkouts' ones.
    let marker = format!("cli-{}", std::process::id());
    let provider = format!("exec:{} {marker}", fixture("hang"));
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
    assert_no_process_left(&marker);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Fails if a process of the hanging fixture run with `marker` is still alive.
fn assert_no_process_left(marker: &str) {
    let left = Command::new("pgrep")
        .args(["-f", &format!("misbehave.py hang {marker}")])
        .output();
    if let Ok(left) = left {
        assert!(
            left.stdout.is_empty(),
            "processes left: {}",
            String::from_utf8_lossy(&left.stdout)
        );
    }
}

/// Runs the CLI with `args`; returns its exit code and both streams.
fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = std::env::temp_dir().join(format!("vds-exec-bounds-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .arg("--artifacts")
        .arg(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_command_that_cannot_greet_the_harness_exits_2_with_its_cause() {
    let script = std::env::temp_dir().join(format!("vds-bad-fault-{}.sh", std::process::id()));
    std::fs::write(
        &script,
        "read x\necho '{\"type\":\"hello_ok\",\"protocol\":1,\"name\":\"x\",\"faults\":[\"telepathy\"]}'\nsleep 100\n",
    )
    .unwrap();
    let bad_fault = format!("exec:sh {}", script.display());
    let start = Instant::now();
    for (provider, cause) in [
        ("exec:no-such-provider-command", "not found"),
        ("exec:no-such-provider-command", "exit status: 127"),
        // A process writing without newlines is stopped at the line limit.
        ("exec:cat /dev/zero", "a line longer than 1048576 bytes"),
        ("exec:printf '\\377\\n'", "not UTF-8"),
        (bad_fault.as_str(), "names the fault `telepathy`"),
    ] {
        let (code, stdout, stderr) = cli(&["run", "--provider", provider]);
        assert_eq!(code, Some(2), "{provider}: {stdout}{stderr}");
        assert!(
            stderr.contains("did not complete its handshake"),
            "{stderr}"
        );
        assert!(stderr.contains(cause), "{provider}: {stderr}");
        assert!(stdout.is_empty(), "no run was made: {stdout}");
    }
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    let _ = std::fs::remove_file(&script);
}

#[test]
fn a_provider_that_hangs_run_after_run_stops_the_suite() {
    // Through a wrapper that does not `exec`: the provider is the wrapper's
    // child, and must not outlive the run either.
    // The marker is this test process's own, so that a concurrent run of
    // the same test (another checkout) is not counted.
    let marker = format!("wrapped-{}", std::process::id());
    let provider = format!("exec:sh -c '{} {marker}; true'", fixture("hang"));
    let (code, stdout, _) = cli(&[
        "run",
        "--stuck-after",
        "1",
        "--jobs",
        "1",
        "--provider",
        &provider,
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    let stopped = format!(
        "stopped after {n} of 232 runs: the provider hung in {n} runs in a row",
        n = vds_harness::suite::HANGS_IN_A_ROW
    );
    assert!(stdout.contains(&stopped), "{stdout}");
    assert_no_process_left(&marker);
}

#[test]
fn a_flooding_provider_keeps_a_bounded_transcript() {
    let command = format!(
        "python3 {}/tests/exec_fixtures/flood.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let factory = ExecFactory::new(command);
    let id = RunId {
        campaign: campaigns::by_name("create-and-probe").unwrap(),
        engine: EngineKind::Madsim,
        seed: 0,
    };
    let outcome = id.run(&factory);
    let bytes: usize = outcome.transcript.iter().map(String::len).sum();
    assert!(bytes <= 9 << 20, "{bytes} bytes of transcript");
    assert!(
        outcome
            .transcript
            .iter()
            .any(|l| l.contains("more protocol lines left out")),
        "the transcript says what it left out"
    );
}
