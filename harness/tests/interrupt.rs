//! A sweep stopped by SIGINT or SIGTERM (a person's Ctrl-C, a CI job's
//! timeout) keeps what it found: the failing runs judged so far are written
//! (each as soon as it was judged), the JUnit file says the suite stopped,
//! no temporary file is left, and the exit status is 128 + the signal.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh directory of this test's own under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("interrupt")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Files in `dir` whose names end with `suffix`.
fn files(dir: &Path, suffix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(suffix))
                .collect()
        })
        .unwrap_or_default()
}

/// Starts a long failing sweep, waits for its first failing run's files,
/// sends `signal`, and returns (exit status, stderr, JUnit, artifacts dir).
fn interrupted_sweep(name: &str, signal: i32) -> (i32, String, String, PathBuf) {
    let dir = scratch(name);
    let artifacts = dir.join("artifacts");
    let junit = dir.join("junit.xml");
    let child = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(["sweep", "--seeds", "1000000", "--provider"])
        .arg("mutant:duplicate-tags")
        .arg("--artifacts")
        .arg(&artifacts)
        .arg("--junit")
        .arg(&junit)
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the vds-harness binary runs");
    let start = Instant::now();
    while files(&artifacts, ".findings.txt").is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no failing run written within 120 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: signalling our own child, which has not been waited for.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let out = child.wait_with_output().expect("the sweep ends");
    let code = out.status.code().expect("exited on its own, not killed");
    let junit = std::fs::read_to_string(&junit).unwrap_or_default();
    (
        code,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        junit,
        artifacts,
    )
}

fn assert_kept(code: i32, want: i32, stderr: &str, junit: &str, artifacts: &Path, sig: &str) {
    assert_eq!(code, want, "{stderr}");
    assert!(
        stderr.contains(&format!("interrupted by {sig} after")),
        "{stderr}"
    );
    assert!(junit.contains(r#"name="SUITE-STOPPED""#), "{junit}");
    assert!(junit.contains(&format!("interrupted by {sig}")), "{junit}");
    assert!(!junit.contains(r#"failures="0""#), "{junit}");
    let findings = files(artifacts, ".findings.txt");
    let traces = files(artifacts, ".trace.jsonl");
    assert!(!findings.is_empty());
    assert_eq!(findings.len(), traces.len());
    let hidden: Vec<String> = std::fs::read_dir(artifacts)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(hidden.is_empty(), "temporary files left: {hidden:?}");
    for f in findings {
        let text = std::fs::read_to_string(artifacts.join(&f)).unwrap();
        assert!(text.contains("replay: "), "{f}: {text}");
    }
}

#[test]
fn sigint_keeps_the_failures_found_and_exits_130() {
    let (code, stderr, junit, artifacts) = interrupted_sweep("sigint", libc::SIGINT);
    assert_kept(code, 130, &stderr, &junit, &artifacts, "SIGINT");
}

#[test]
fn sigterm_keeps_the_failures_found_and_exits_143() {
    let (code, stderr, junit, artifacts) = interrupted_sweep("sigterm", libc::SIGTERM);
    assert_kept(code, 143, &stderr, &junit, &artifacts, "SIGTERM");
}
