//! `vds-harness features`: the Gherkin features run by the binary alone.
//! The project's own pass against the reference; a feature that fails
//! prints a `reproduce:` line that, run as printed, fails the same way;
//! bad input is one line and exit 2.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh directory of this test's own under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("features-command")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary in `cwd`: (exit status, stdout, stderr).
fn harness(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the vds-harness binary runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A feature that mutant:duplicate-tags fails at its last step (CPG-TAG-UNIQUE)
/// and the reference passes.
const DUPLICATE_TAGS: &str = "\
Feature: two groups read back

  Scenario: two groups read back
    Given seed 0
    And the madsim engine
    And a target \"t1\" with 2 portal groups
    When client \"c1\" calls QueryPortalGroups on target \"t1\" and keeps the portal groups as \"gs\"
    And client \"c1\" calls GetProperties on portal group \"gs.1\"
    Then no check of the contract finds a violation
";

#[test]
fn the_built_in_features_pass_against_the_reference() {
    let dir = scratch("built-in");
    let (code, out, err) = harness(&dir, &["features"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(" scenarios (") && out.contains(" passed)"),
        "{out}"
    );
    let summary = &out[out.rfind("[Summary]").unwrap_or(0)..];
    assert!(!summary.contains("failed"), "{summary}");
}

#[test]
fn a_failing_feature_prints_a_reproduce_line_that_fails_again_as_printed() {
    let dir = scratch("failing");
    std::fs::write(dir.join("case.feature"), DUPLICATE_TAGS).unwrap();
    let (code, _, err) = harness(&dir, &["features", "case.feature"]);
    assert_eq!(code, 0, "the reference passes it: {err}");
    let (code, out, err) = harness(
        &dir,
        &[
            "features",
            "case.feature",
            "--provider",
            "mutant:duplicate-tags",
        ],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("CPG-TAG-UNIQUE"), "{out}");
    let line = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("reproduce: "))
        .unwrap_or_else(|| panic!("no reproduce line:\n{out}"));
    let trace = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("trace: "))
        .unwrap_or_else(|| panic!("no trace line:\n{out}"));
    assert!(
        dir.join(trace).is_file() || Path::new(trace).is_file(),
        "{trace}"
    );
    // Run as printed, with this binary as `vds-harness`.
    let bin = Path::new(env!("CARGO_BIN_EXE_vds-harness"));
    let again = Command::new("sh")
        .arg("-c")
        .arg(line)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.parent().unwrap().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .current_dir(&dir)
        .output()
        .unwrap();
    let again_out = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(1), "{line}\n{again_out}");
    assert!(
        again_out.contains("1 scenario (1 failed)"),
        "{line}\n{again_out}"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = scratch("bad");
    std::fs::write(dir.join("worse.feature"), "Feature x\n  garbage\n").unwrap();
    for args in [
        vec!["features", "no-such.feature"],
        vec!["features", "--provider", "nope"],
        vec!["features", "--name", "no scenario is called this"],
        vec!["features", "worse.feature"],
    ] {
        let (code, _, err) = harness(&dir, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let (_, _, err) = harness(&dir, &["features", "worse.feature"]);
    assert!(
        err.contains("worse.feature") && err.contains("Error at "),
        "{err}"
    );
}
