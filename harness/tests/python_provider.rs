//! The Python example provider (`examples/python_provider/provider.py`,
//! standard library only) passes the whole default suite through
//! `--provider exec:...`, and each of its `--break` behaviours is caught:
//! the sweep that should notice exits 1 with the expected check failed,
//! where the clean provider passes the same sweep.

use std::process::{Command, Output};

fn provider(extra: &str) -> String {
    format!(
        "exec:python3 {}/examples/python_provider/provider.py{extra}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn harness(args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("vds-python-provider-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .arg("--artifacts")
        .arg(&dir)
        .output()
        .unwrap()
}

/// The break, the campaign whose first madsim seed shows it, and the check that fails.
const BREAKS: [(&str, &str, &str); 5] = [
    (
        "wrong-output-type",
        "every-operation",
        "OUTPUT-TYPE-MATCHES-OPERATION",
    ),
    ("ok-at-limit", "at-the-limit", "CPG-LIMIT"),
    (
        "pointer-after-failure",
        "cancellation",
        "WAIT-FAILURE-NULL-POINTERS",
    ),
    ("no-busy", "back-to-back", "BUSY-IN-DOMAIN"),
    ("root-released", "mixed", "REFUSAL-WARRANTED"),
];

#[test]
fn the_python_provider_passes_the_default_suite() {
    let p = provider("");
    let out = harness(&["run", "--provider", &p]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(", 0 failed"), "{stdout}");
}

#[test]
fn every_break_is_caught_and_the_clean_provider_is_not() {
    for (name, campaign, check) in BREAKS {
        let sweep = [
            "sweep",
            "--seeds",
            "1",
            "--engine",
            "madsim",
            "--campaign",
            campaign,
        ];
        let clean = provider("");
        let out = harness(&[&sweep[..], &["--provider", &clean]].concat());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "clean on {campaign}: {stdout}");
        let broken = provider(&format!(" --break {name}"));
        let out = harness(&[&sweep[..], &["--provider", &broken]].concat());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "--break {name} not caught: {stdout}"
        );
        let failed = stdout
            .lines()
            .any(|l| l.starts_with(check) && l[check.len()..].trim_start().starts_with("FAIL"));
        assert!(failed, "--break {name}: {check} did not fail: {stdout}");
    }
}

#[test]
fn a_process_serving_many_runs_gives_the_runs_of_fresh_ones() {
    use vds_harness::exec::ExecFactory;
    use vds_harness::suite::RunId;
    use vds_sim::prelude::EngineKind;
    let command = provider("").trim_start_matches("exec:").to_string();
    let shared = ExecFactory::new(command.clone());
    for campaign in ["restart", "cancellation", "mixed"] {
        for (seed, engine) in [(1, EngineKind::Madsim), (2, EngineKind::Turmoil)] {
            let id = RunId {
                campaign: vds_harness::campaigns::by_name(campaign).unwrap(),
                engine,
                seed,
            };
            let reused = id.run(&shared);
            let fresh = id.run(&ExecFactory::new(command.clone()));
            assert!(reused.error.is_none(), "{campaign}: {:?}", reused.error);
            assert_eq!(reused.trace, fresh.trace, "{campaign} {engine} seed {seed}");
        }
    }
}
