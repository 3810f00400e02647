//! Seeds that once made the suite misjudge the reference provider, kept as
//! regression cases (as proptest keeps its failing inputs): each is replayed
//! on both engines and must pass every check.

use vds_harness::campaigns::by_name;
use vds_harness::oracle::judge;
use vds_harness::suite::RunId;
use vds_sim::provider::ReferenceFactory;
use vds_sim::runtime::EngineKind;

/// (campaign, seed, what went wrong in the oracle).
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
