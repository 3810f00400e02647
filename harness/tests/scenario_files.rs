//! The scenario files in `scenarios/` load, run on their engines for their
//! seeds with the reference provider, finish, and meet their expectations;
//! malformed files are refused with one-line `FILE:LINE:COLUMN:` errors
//! that say what was expected.

use std::path::{Path, PathBuf};
use vds_sim::method::Method;

use vds_harness::scenario::{self, Actual, Checked, Scenario, ScenarioError};
use vds_sim::faults::Fault;
use vds_sim::hresult::HResult;
use vds_sim::provider::ReferenceFactory;
use vds_sim::runtime::EngineKind;
use vds_sim::world::RunOutcome;

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

fn all_files() -> Vec<PathBuf> {
    let files = scenario::files_in(&scenarios_dir()).expect("scenarios/ is readable");
    assert!(!files.is_empty(), "no scenario files found");
    files
}

fn load(path: &Path) -> Scenario {
    Scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every step record of a run, one line each, for failure messages.
fn steps_text(out: &RunOutcome) -> String {
    out.steps
        .iter()
        .filter(|s| s.step > 0)
        .map(|s| {
            format!(
                "  {} step {} {}: hr {} result {:?}\n",
                s.client, s.step, s.method, s.hr, s.hr_result
            )
        })
        .collect()
}

#[test]
fn every_scenario_file_runs_and_meets_its_expectations() {
    let mut problems = Vec::new();
    for path in all_files() {
        let s = load(&path);
        assert!(!s.engines.is_empty());
        for (engine, seed) in s.runs() {
            let run = s.run(seed, engine, &ReferenceFactory::default());
            if let Some(e) = &run.outcome.error {
                problems.push(format!(
                    "{}: {engine} seed {seed}: {e}\n{}",
                    path.display(),
                    steps_text(&run.outcome)
                ));
            }
            if !run.outcome.ledger.balanced() {
                problems.push(format!(
                    "{}: {engine} seed {seed}: ledger {:?}",
                    path.display(),
                    run.outcome.ledger.violations
                ));
            }
            if !run.failures.is_empty() {
                let lines: Vec<String> = run.failures.iter().map(|f| f.to_string()).collect();
                problems.push(format!(
                    "{}\n{}",
                    lines.join("\n"),
                    steps_text(&run.outcome)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_fault_kind_has_a_scenario_and_baseline_has_none() {
    let mut kinds = std::collections::BTreeSet::new();
    for path in all_files() {
        let s = load(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with('#'),
            "{}: starts with a comment header saying what it exercises",
            path.display()
        );
        assert!(
            s.seeds.count <= 10,
            "{}: keep seed counts small",
            path.display()
        );
        for r in &s.faults.rules {
            kinds.insert(r.fault.kind());
        }
        let stem = path.file_stem().unwrap().to_str().unwrap();
        if stem == "baseline" {
            assert!(s.faults.rules.is_empty(), "baseline has no faults");
            assert!(!s.expectations.is_empty());
        }
        if let Some(k) = Fault::KINDS.iter().find(|k| **k == stem) {
            assert!(
                s.faults.rules.iter().any(|r| r.fault.kind() == *k),
                "{stem}.yaml uses a {k} fault"
            );
        }
    }
    for k in Fault::KINDS {
        assert!(kinds.contains(k), "no scenario uses fault kind {k}");
        assert!(
            scenarios_dir().join(format!("{k}.yaml")).is_file(),
            "scenarios/{k}.yaml"
        );
    }
    assert!(scenarios_dir().join("baseline.yaml").is_file());
}

#[test]
fn a_scenario_runs_the_same_twice() {
    let s = load(&scenarios_dir().join("concurrent_calls.yaml"));
    for (engine, seed) in s.runs().take(4) {
        let a = s.run(seed, engine, &ReferenceFactory::default()).outcome;
        let b = s.run(seed, engine, &ReferenceFactory::default()).outcome;
        assert_eq!(a.trace, b.trace, "{engine} seed {seed}");
    }
}

const GOOD: &str = "\
name: good
engine: madsim
seeds: {start: 3, count: 2}
time_limit_ms: 60000
latency_ms: {min: 2, max: 4}
array:
  group_limit: 3
  op_time_ms: 10
  op_jitter_ms: 0
  targets:
    - name: t1
      groups: 1
      luns: 2
      initiators: [iqn.1991-05.com.example:host]
  portals: [\"10.0.0.1:3260\"]
faults:
  - at_ms: 5000
    probability: 0.5
    fault: {kind: link_latency, extra_ms: 3, duration_ms: 10}
clients:
  - name: c1
    steps:
      - call: CreatePortalGroup
        target: t1
        expect: [S_OK]
      - call: Wait
        expect: S_OK
        expect_result: [\"0x00000000\", VDS_S_ALREADY_EXISTS]
";

#[test]
fn a_good_file_maps_onto_the_sim() {
    let s = Scenario::parse(GOOD, "good.yaml").unwrap();
    assert_eq!(s.name, "good");
    assert_eq!(s.description, "");
    assert_eq!(s.engines, vec![EngineKind::Madsim]);
    assert_eq!(s.seeds().collect::<Vec<_>>(), vec![3, 4]);
    let w = s.world(4, EngineKind::Turmoil);
    assert_eq!((w.seed, w.engine), (4, EngineKind::Turmoil));
    assert_eq!(w.time_limit, std::time::Duration::from_secs(60));
    assert_eq!(w.min_latency, std::time::Duration::from_millis(2));
    assert_eq!(w.max_latency, std::time::Duration::from_millis(4));
    assert_eq!(w.array.group_limit, 3);
    assert_eq!(w.array.op_time, std::time::Duration::from_millis(10));
    assert_eq!(w.array.targets[0].luns, 2);
    assert_eq!(w.array.portals, vec![("10.0.0.1".to_string(), 3260)]);
    assert_eq!(w.faults.rules.len(), 1);
    assert_eq!(w.faults.rules[0].probability, 0.5);
    assert_eq!(
        w.clients[0].steps[0],
        vds_sim::program::Step::CreatePortalGroup {
            target: "t1".into(),
            bind: "op".into()
        }
    );
    let e = &s.expectations;
    assert_eq!(e.len(), 3);
    assert_eq!((e[0].step, e[0].line, e[0].column), (1, 25, 9));
    assert_eq!((e[2].step, e[2].checked), (2, Checked::ExpectResult));
    assert_eq!(
        e[2].codes,
        vec![HResult::S_OK, HResult::VDS_S_ALREADY_EXISTS]
    );

    let defaults = Scenario::parse(
        "name: d\nclients: [{name: c, steps: [{call: Refresh}]}]\n",
        "d.yaml",
    )
    .unwrap();
    assert_eq!(defaults.engines, EngineKind::ALL.to_vec());
    assert_eq!(defaults.seeds().collect::<Vec<_>>(), vec![0]);
    let w = defaults.world(0, EngineKind::Madsim);
    let base = vds_sim::world::WorldConfig::new(0).client(vds_sim::program::ClientProgram::new(
        "c",
        vec![vds_sim::program::Step::Refresh],
    ));
    assert_eq!(w, base, "defaults are the sim's defaults");
}

#[test]
fn a_broken_expectation_names_client_step_method_and_line() {
    let text = GOOD.replace("expect: [S_OK]", "expect: [VDS_E_OBJECT_DELETED, E_FAIL]");
    let s = Scenario::parse(&text, "good.yaml").unwrap();
    let out = vds_sim::run(
        &s.world(3, EngineKind::Madsim),
        &ReferenceFactory::default(),
    );
    assert!(out.error.is_none());
    let failures = s.check(&out);
    assert_eq!(failures.len(), 1, "{failures:?}");
    let f = &failures[0];
    assert_eq!((f.client.as_str(), f.step), ("c1", 1));
    assert_eq!(f.method, Method::TargetCreatePortalGroup.sdk_name());
    assert_eq!(f.actual, Actual::Code(HResult::S_OK));
    assert_eq!(
        f.to_string(),
        "good.yaml:25:9: madsim seed 3: client c1 step 1 (IVdsIscsiTarget::CreatePortalGroup) \
         expect got S_OK (0x00000000); expected one of \
         VDS_E_OBJECT_DELETED (0x8004240B), E_FAIL (0x80004005)"
    );
}

/// Parses text that must be refused; checks the one-line
/// `FILE:LINE:COLUMN: ...; expected ...` shape and returns the message.
fn refused(text: &str, line: usize, column: usize) -> String {
    let e: ScenarioError = Scenario::parse(text, "bad.yaml").expect_err("must be refused");
    let msg = e.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    let prefix = format!("bad.yaml:{line}:{column}: ");
    assert!(
        msg.starts_with(&prefix),
        "{msg}\n  should start with {prefix}"
    );
    assert!(msg.contains("; expected "), "{msg}");
    assert_eq!(e.position(), (line, column), "{msg}");
    msg
}

const HEAD: &str = "name: bad\narray:\n  targets:\n    - name: t1\n";

fn client(steps: &str) -> String {
    format!("{HEAD}clients:\n  - name: c1\n    steps:\n{steps}")
}

#[test]
fn yaml_syntax_errors_are_located() {
    let msg = refused(
        "name: bad\nclients:\n  - name: c1\n    steps: [\n  - oops: {\n",
        5,
        3,
    );
    assert!(msg.contains("YAML syntax error"), "{msg}");
    let msg = refused("name: bad\n  indented: wrong\n", 2, 11);
    assert!(msg.contains("expected"), "{msg}");
    let msg = refused("name: [unclosed\n", 2, 1);
    assert!(msg.contains("well-formed YAML"), "{msg}");
}

#[test]
fn unknown_top_level_field() {
    let msg = refused(&format!("{HEAD}colour: red\nclients: []\n"), 5, 1);
    assert!(msg.contains("unknown field `colour`"), "{msg}");
    assert!(
        msg.contains("expected one of `name`, `description`, `engine`"),
        "{msg}"
    );
}

#[test]
fn unknown_fault_kind_lists_the_kinds() {
    let text = format!(
        "{HEAD}faults:\n  - before_call: 1\n    fault: {{kind: meteor_strike}}\nclients: []\n"
    );
    let msg = refused(&text, 7, 19);
    assert!(msg.contains("unknown fault kind `meteor_strike`"), "{msg}");
    for k in Fault::KINDS {
        assert!(msg.contains(&format!("`{k}`")), "{msg} lists {k}");
    }
}

#[test]
fn unknown_call_lists_the_calls() {
    let msg = refused(
        &client("      - call: CreatePortalGroups\n        target: t1\n"),
        8,
        15,
    );
    assert!(msg.contains("unknown call `CreatePortalGroups`"), "{msg}");
    for c in ["`CreatePortalGroup`", "`Wait`", "`QueryStatus`", "`Sleep`"] {
        assert!(msg.contains(c), "{msg} lists {c}");
    }
}

#[test]
fn bad_hresult_name() {
    let msg = refused(
        &client(
            "      - call: CreatePortalGroup\n        target: t1\n        expect: [S_OK, VDS_E_NO_SUCH_THING]\n",
        ),
        10,
        24,
    );
    assert!(
        msg.contains("unknown HRESULT `VDS_E_NO_SUCH_THING`"),
        "{msg}"
    );
    assert!(msg.contains("expected an HRESULT by its SDK name"), "{msg}");
}

#[test]
fn unknown_field_inside_a_step() {
    let msg = refused(
        &client("      - call: CreatePortalGroup\n        target: t1\n        group: g\n"),
        10,
        9,
    );
    assert!(
        msg.contains("unknown field `group` for step `CreatePortalGroup`"),
        "{msg}"
    );
    assert!(
        msg.contains("expected one of `call`, `expect`, `target`, `as`"),
        "{msg}"
    );
    // Fields before `call` are checked once the call is known, at the step.
    let msg = refused(&client("      - target: t1\n        call: Refresh\n"), 8, 9);
    assert!(
        msg.contains("unknown field `target` for step `Refresh`; expected one of `call`, `expect`"),
        "{msg}"
    );
    // A call with no fields takes none (the sim's own Step would ignore it).
    let msg = refused(&client("      - call: Refresh\n        target: t1\n"), 9, 9);
    assert!(msg.contains("unknown field `target`"), "{msg}");
}

#[test]
fn other_strictness() {
    // A step without a call.
    let msg = refused(&client("      - target: t1\n"), 8, 9);
    assert!(msg.contains("no `call`"), "{msg}");
    // A missing required field.
    let msg = refused(&client("      - call: CreatePortalGroup\n"), 8, 9);
    assert!(msg.contains("missing field `target`"), "{msg}");
    // A value of the wrong type.
    let msg = refused(&client("      - call: Sleep\n        ms: soon\n"), 9, 13);
    assert!(msg.contains("whole number"), "{msg}");
    // expect_result where there is no pHrResult; expect on Sleep.
    let msg = refused(
        &client(
            "      - call: CreatePortalGroup\n        target: t1\n        expect_result: [S_OK]\n",
        ),
        10,
        9,
    );
    assert!(
        msg.contains("expected one of `call`, `expect`, `target`"),
        "{msg}"
    );
    let msg = refused(
        &client("      - call: Sleep\n        ms: 1\n        expect: [S_OK]\n"),
        10,
        9,
    );
    assert!(msg.contains("unknown field `expect`"), "{msg}");
    // An empty expectation can never hold.
    let msg = refused(
        &client("      - call: Refresh\n        expect: []\n"),
        9,
        17,
    );
    assert!(msg.contains("empty list"), "{msg}");
    // Probability outside 0..=1, for the rule and for link_loss.
    let faults =
        |f: &str| format!("{HEAD}faults:\n{f}clients: [{{name: c, steps: [{{call: Refresh}}]}}]\n");
    let msg = refused(
        &faults("  - before_call: 1\n    probability: 1.5\n    fault: {kind: provider_restart}\n"),
        7,
        18,
    );
    assert!(
        msg.contains("probability 1.5 is out of range; expected a number from 0 to 1"),
        "{msg}"
    );
    let msg = refused(
        &faults("  - at_ms: 0\n    fault: {kind: link_loss, probability: -0.1, duration_ms: 5}\n"),
        7,
        43,
    );
    assert!(msg.contains("out of range"), "{msg}");
    // An unknown field in a fault, a missing fault field, and triggers.
    let msg = refused(
        &faults("  - at_ms: 0\n    fault: {kind: link_hold, duration_ms: 5, extra_ms: 1}\n"),
        7,
        46,
    );
    assert!(
        msg.contains("unknown field `extra_ms` for fault `link_hold`"),
        "{msg}"
    );
    let msg = refused(
        &faults("  - at_ms: 0\n    fault: {kind: link_hold}\n"),
        7,
        12,
    );
    assert!(msg.contains("missing field `duration_ms`"), "{msg}");
    let msg = refused(
        &faults("  - at_ms: 0\n    before_call: 2\n    fault: {kind: provider_restart}\n"),
        7,
        5,
    );
    assert!(msg.contains("exactly one trigger"), "{msg}");
    let msg = refused(&faults("  - fault: {kind: provider_restart}\n"), 6, 5);
    assert!(msg.contains("no trigger"), "{msg}");
    let msg = refused(
        &faults("  - before_call: 0\n    fault: {kind: provider_restart}\n"),
        6,
        18,
    );
    assert!(msg.contains("1 or more"), "{msg}");
    // Seeds, engines, latency, names.
    let tail = "clients: [{name: c, steps: [{call: Refresh}]}]\n";
    let msg = refused(&format!("name: x\nseeds: {{count: 0}}\n{tail}"), 2, 16);
    assert!(msg.contains("0 is not allowed"), "{msg}");
    let msg = refused(&format!("name: x\nengine: bochs\n{tail}"), 2, 9);
    assert!(
        msg.contains("expected one of `madsim`, `turmoil`, `both`"),
        "{msg}"
    );
    let msg = refused(
        &format!("name: x\nlatency_ms: {{min: 9, max: 3}}\n{tail}"),
        2,
        27,
    );
    assert!(msg.contains("max at least min"), "{msg}");
    let msg = refused(
        &format!("name: x\narray: {{portals: [\"10.0.0.1\"]}}\n{tail}"),
        2,
        19,
    );
    assert!(msg.contains("ADDRESS:PORT"), "{msg}");
    let msg = refused(
        "name: x\nclients:\n  - {name: c, steps: [{call: Refresh}]}\n  - {name: c, steps: [{call: Refresh}]}\n",
        4,
        12,
    );
    assert!(msg.contains("a second client named `c`"), "{msg}");
    let msg = refused("name: x\nclients: []\n", 2, 10);
    assert!(msg.contains("no clients"), "{msg}");
    let msg = refused("clients: [{name: c, steps: [{call: Refresh}]}]\n", 1, 1);
    assert!(
        msg.contains("missing field `name`; expected `name:`"),
        "{msg}"
    );
    let msg = refused("", 1, 1);
    assert!(msg.contains("expected"), "{msg}");
}

#[test]
fn bad_files_on_disk_name_their_path() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-scenarios");
    let files = scenario::files_in(&dir).unwrap();
    assert!(!files.is_empty());
    for path in files {
        let e = Scenario::load(&path).expect_err("bad files are refused");
        let msg = e.to_string();
        let (line, column) = e.position();
        let prefix = format!("{}:{line}:{column}: ", path.display());
        assert!(msg.starts_with(&prefix), "{msg}");
        assert!(msg.contains("; expected "), "{msg}");
        // Each file says on its first line what its error must mention.
        let text = std::fs::read_to_string(&path).unwrap();
        let want = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# error: "))
            .expect("first line `# error: TEXT`");
        assert!(msg.contains(want), "{msg}\n  should mention {want}");
    }
    let missing = Scenario::load(&dir.join("no-such-file.yaml")).unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("no-such-file.yaml:1:1: cannot read")
    );
}

#[test]
fn the_documented_example_loads_and_holds() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/scenario-format.md");
    let text = std::fs::read_to_string(&doc).expect("docs/scenario-format.md");
    let start = text.find("```yaml\n").expect("a yaml example") + "```yaml\n".len();
    let end = start + text[start..].find("```").unwrap();
    let s = Scenario::parse(&text[start..end], "example.yaml").unwrap_or_else(|e| panic!("{e}"));
    for (engine, seed) in s.runs() {
        let run = s.run(seed, engine, &ReferenceFactory::default());
        assert!(run.outcome.error.is_none(), "{:?}", run.outcome.error);
        let lines: Vec<String> = run.failures.iter().map(|f| f.to_string()).collect();
        assert!(
            lines.is_empty(),
            "{}\n{}",
            lines.join("\n"),
            steps_text(&run.outcome)
        );
    }
}
