//! Seeds that once made the suite misjudge the reference provider, or found
//! a bug in it, kept as regression cases (as proptest keeps its failing
//! inputs): each is replayed on both engines and must pass every check.

use vds_harness::campaigns::by_name;
use vds_harness::oracle::judge;
use vds_harness::suite::RunId;
use vds_sim::provider::ReferenceFactory;
use vds_sim::runtime::EngineKind;

/// (campaign, seed, what went wrong in the oracle or the reference).
const REGRESSIONS: &[(&str, u64, &str)] = &[
    (
        "mixed",
        213,
        "corruption during an in-flight Refresh, which then repaired the cache",
    ),
    (
        "mixed",
        404,
        "corruption during an in-flight Refresh, which then repaired the cache",
    ),
    (
        "mixed",
        496,
        "a Reenumerate already under way at the corruption counts once it returns",
    ),
    (
        "mixed",
        828,
        "a Reenumerate already under way at the corruption counts once it returns",
    ),
    (
        "mixed",
        1145,
        "a target Delete abandoned by a restart may still have been applied",
    ),
    (
        "mixed",
        4770,
        "a restart loses a corrupt cache, like a Refresh",
    ),
    (
        "mixed",
        5833,
        "a restart loses a corrupt cache, like a Refresh",
    ),
    (
        "mixed",
        142,
        "two concurrent-calls faults once started clients with the same names",
    ),
    (
        "mixed",
        43263,
        "reference: a corruption during the reload after a restart made present targets answer VDS_E_OBJECT_DELETED",
    ),
    (
        "mixed",
        6077,
        "reference: a copy of the array asked for before a restart filled the restarted provider's cache, so a target deleted before the restart still answered GetProperties (RESTART-RELOADS-CACHE)",
    ),
];

#[test]
fn regression_seeds_pass_on_both_engines() {
    let mut failures = Vec::new();
    for (campaign, seed, why) in REGRESSIONS {
        for engine in EngineKind::ALL {
            let id = RunId {
                campaign: by_name(campaign).expect("known campaign"),
                engine,
                seed: *seed,
            };
            let out = id.run(&ReferenceFactory::default());
            let j = judge(&out);
            if !j.passed() {
                failures.push(format!(
                    "{} ({why}): {:?}",
                    id.replay_command("reference"),
                    j.findings
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `scenarios/restart_then_corrupt.yaml` with its cache corruption moved to
/// every time from 2 to 41 ms (40 variants × 4 seeds × both engines, 320
/// runs). Each run must finish, balance its ledger, pass the oracle and
/// meet the file's expectations (which never allow
/// `VDS_E_OBJECT_DELETED`: both targets exist throughout). The one
/// exception: when the damage lands during the client's own set-up (a
/// step-0 call answers `VDS_E_PROVIDER_CACHE_CORRUPT`), the client holds no
/// names and its steps are skipped, so their expectations cannot be met.
#[test]
fn restart_then_corrupt_passes_for_every_fault_time() {
    use vds_harness::scenario::{Actual, Scenario};
    use vds_sim::hresult::HResult;

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/restart_then_corrupt.yaml");
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let fault_line = "  - at_ms: 12\n";
    assert_eq!(text.matches(fault_line).count(), 1, "{}", path.display());
    let mut failures = Vec::new();
    let mut runs = 0;
    for at_ms in 2..=41 {
        let variant = text.replace(fault_line, &format!("  - at_ms: {at_ms}\n"));
        let file = format!("restart_then_corrupt.yaml (at_ms {at_ms})");
        let s = Scenario::parse(&variant, &file).unwrap_or_else(|e| panic!("{e}"));
        for (engine, seed) in s.runs() {
            runs += 1;
            let run = s.run(seed, engine, &ReferenceFactory::default());
            let out = &run.outcome;
            let setup_cut = out
                .steps
                .iter()
                .any(|r| r.step == 0 && r.hr == HResult::VDS_E_PROVIDER_CACHE_CORRUPT);
            let mut problems: Vec<String> = run
                .failures
                .iter()
                .filter(|f| !(setup_cut && f.actual == Actual::NotRun))
                .map(|f| f.to_string())
                .collect();
            if let Some(e) = &out.error {
                problems.push(format!("run error: {e}"));
            }
            if !out.ledger.balanced() {
                problems.push(format!("ledger: {:?}", out.ledger.violations));
            }
            problems.extend(judge(out).findings.iter().map(|f| format!("{f:?}")));
            if !problems.is_empty() {
                failures.push(format!(
                    "{file} {engine} seed {seed}:\n  {}",
                    problems.join("\n  ")
                ));
            }
        }
    }
    assert_eq!(runs, 320);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
