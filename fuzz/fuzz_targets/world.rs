//! Arbitrary small worlds (array, faults, clients and their steps) run
//! against the reference provider and judged by the oracle. The harness
//! must not panic, the generated scenario must load, and the reference must
//! pass every check: a finding is either a reference bug or an oracle false
//! positive. The panic message holds the scenario YAML; save it to a file
//! and replay it with `vds-harness run --scenario FILE`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vds_fuzz::World;
use vds_harness::oracle;
use vds_harness::scenario::Scenario;
use vds_sim::provider::ReferenceFactory;

fuzz_target!(|w: World| {
    if std::env::var_os("VDS_FUZZ_PRINT").is_some() {
        eprintln!("{}", w.yaml);
    }
    let s = match Scenario::parse(&w.yaml, "fuzz-world.yaml") {
        Ok(s) => s,
        Err(e) => panic!("the generated scenario does not load: {e}\n---\n{}", w.yaml),
    };
    let (engine, seed) = s.runs().next().expect("one run");
    let run = s.run(seed, engine, &ReferenceFactory::default());
    let judgement = oracle::judge(&run.outcome);
    if !judgement.passed() {
        let findings: Vec<String> = judgement.findings.iter().map(|f| f.to_string()).collect();
        panic!(
            "the reference provider fails {:?} on {engine} seed {seed}:\n{}\n\
             replay: save the scenario below and run `vds-harness run --scenario FILE`\n---\n{}",
            judgement.failed_checks(),
            findings.join("\n"),
            w.yaml
        );
    }
    // One world in sixteen runs twice: the same world must give the same trace.
    if seed % 16 == 0 {
        let again = s.run(seed, engine, &ReferenceFactory::default());
        assert!(
            again.outcome.trace == run.outcome.trace,
            "two runs of one world differ on {engine} seed {seed}\n---\n{}",
            w.yaml
        );
    }
});
