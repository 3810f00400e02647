//! The scenario files in `scenarios/` load, run on their engines for their
//! seeds with the reference provider, finish, and meet their expectations;
//! malformed files are refused with one-line `FILE:LINE:COLUMN:` errors
//! that say what was expected.

use std::path::{Path, PathBuf};
use vds_sim::method::Method;

use vds_harness::scenario::{self, Actual, Checked, Scenario, ScenarioError};
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
        if let Some(k) = vds_sim::faults::FaultKind::from_name(&stem) {
            assert!(
                s.faults.rules.iter().any(|r| r.fault.kind() == k),
                "{stem}.yaml uses a {k} fault"
            );
        }
    }
    for k in vds_sim::faults::FaultKind::ALL {
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
    for k in vds_sim::faults::FaultKind::ALL {
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

/// Found by the `scenario_loader` fuzz target: a name quoted in an error
/// (here the portals listed as candidates) may hold a line break.
#[test]
fn a_name_with_a_line_break_is_quoted_on_one_line() {
    let text = "name: bad\narray:\n  portals: [\"a\\nb:3260\"]\nclients:\n  - name: c1\n    steps:\n      - call: GetPortalProperties\n        portal: nope\n";
    let msg = refused(text, 8, 17);
    assert!(msg.contains("`a\\nb:3260`"), "{msg}");
}

/// Found by the `world` fuzz target: at a group_limit of 0 the reference
/// answered VDS_S_ALREADY_EXISTS with no group to hand back (breaking
/// CPG-ALREADY-EXISTS); such an array is refused instead.
#[test]
fn a_group_limit_of_zero_is_refused() {
    let text = "name: bad\narray:\n  group_limit: 0\n  targets: [{name: t1}]\nclients: [{name: c, steps: [{call: CreatePortalGroup, target: t1}]}]\n";
    let msg = refused(text, 3, 16);
    assert!(msg.contains("from 1 to 256"), "{msg}");
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
    assert!(
        msg.contains("out of range; expected a whole number from 1 to 1000000"),
        "{msg}"
    );
    // Seeds, engines, latency, names.
    let tail = "clients: [{name: c, steps: [{call: Refresh}]}]\n";
    let msg = refused(&format!("name: x\nseeds: {{count: 0}}\n{tail}"), 2, 16);
    assert!(
        msg.contains("0 is out of range; expected a whole number from 1 to 10000"),
        "{msg}"
    );
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

#[test]
fn every_name_a_step_or_fault_uses_is_defined() {
    let faults =
        |f: &str| format!("{HEAD}faults:\n{f}clients: [{{name: c, steps: [{{call: Refresh}}]}}]\n");
    let msg = refused(
        &faults("  - at_ms: 0\n    fault: {kind: delete_target, target: nosuch}\n"),
        7,
        42,
    );
    assert!(
        msg.contains("faults[0].fault.target: no target named `nosuch` is on the array"),
        "{msg}"
    );
    assert!(msg.contains("one of `t1`"), "{msg}");
    let msg = refused(
        &faults("  - at_ms: 0\n    fault: {kind: concurrent_calls, clients: 2, target: t2}\n"),
        7,
        57,
    );
    assert!(msg.contains("no target named `t2`"), "{msg}");
    // A target a step creates may be the fault's.
    Scenario::parse(
        &format!(
            "{HEAD}faults:\n  - at_ms: 9\n    fault: {{kind: delete_target, target: new}}\nclients: [{{name: c, steps: [{{call: CreateTarget, friendly_name: new}}]}}]\n"
        ),
        "ok.yaml",
    )
    .unwrap();

    // Steps: target, group, portal, op and a released name.
    let msg = refused(
        &client("      - call: CreatePortalGroup\n        target: nosuch\n"),
        9,
        17,
    );
    assert!(
        msg.contains("clients[0].steps[0].target: no target named `nosuch` is defined here"),
        "{msg}"
    );
    assert!(msg.contains("`t1`"), "{msg}");
    let msg = refused(
        &client("      - call: GetPortalGroupProperties\n        group: g\n"),
        9,
        16,
    );
    assert!(msg.contains("no portal group named `g`"), "{msg}");
    let msg = refused(
        &client("      - call: GetPortalProperties\n        portal: \"1.2.3.4:1\"\n"),
        9,
        17,
    );
    assert!(msg.contains("no portal named `1.2.3.4:1`"), "{msg}");
    let msg = refused(&client("      - call: Wait\n"), 8, 9);
    assert!(msg.contains("no async object named `op`"), "{msg}");
    let msg = refused(
        &client(
            "      - call: CreatePortalGroup\n        target: t1\n        as: a\n      - call: Cancel\n        op: b\n",
        ),
        12,
        13,
    );
    assert!(msg.contains("no async object named `b`"), "{msg}");
    assert!(msg.contains("one of `a`"), "{msg}");
    let msg = refused(&client("      - call: Release\n        name: zz\n"), 9, 15);
    assert!(msg.contains("no pointer named `zz`"), "{msg}");
    // Bound later is not bound yet; bound by another client is not bound here.
    let msg = refused(
        &format!(
            "{HEAD}clients:\n  - {{name: a, steps: [{{call: CreatePortalGroup, target: t1}}, {{call: Wait, as: g}}]}}\n  - {{name: b, steps: [{{call: GetTarget, group: g}}]}}\n"
        ),
        7,
        48,
    );
    assert!(msg.contains("clients[1].steps[0].group"), "{msg}");
    // What earlier steps bind is defined: Wait's group, QueryPortalGroups' NAME.N, GetTarget's target.
    let good = client(
        "      - {call: CreatePortalGroup, target: t1}\n      - {call: Wait, as: g}\n      - {call: GetTarget, group: g, as: tt}\n      - {call: GetTargetProperties, target: tt}\n      - {call: QueryPortalGroups, target: t1, as: gs}\n      - {call: GetPortalGroupProperties, group: gs.0}\n      - {call: Release, name: gs.1}\n      - {call: Release, name: subsystem}\n",
    );
    Scenario::parse(&good, "ok.yaml").unwrap_or_else(|e| panic!("{e}"));
    // The kind matters: an async object is not a group.
    let msg = refused(
        &client(
            "      - {call: CreatePortalGroup, target: t1}\n      - {call: GetPortalGroupProperties, group: op}\n",
        ),
        9,
        49,
    );
    assert!(msg.contains("no portal group named `op`"), "{msg}");
}

/// Parses text that must be refused; returns the message. How fast is not
/// asserted here (a loaded machine would make that flaky): the messages
/// show which cheap pre-check refused it, before the YAML parser or the
/// world saw it.
fn refused_big(text: &str) -> String {
    let e = Scenario::parse(text, "big.yaml").expect_err("must be refused");
    let msg = e.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(msg.starts_with("big.yaml:"), "{msg}");
    assert!(msg.contains("; expected "), "{msg}");
    msg
}

#[test]
fn deep_nesting_is_refused_before_the_yaml_parser_sees_it() {
    let msg = refused_big(&format!("name: {}", "[".repeat(100_000)));
    assert!(msg.starts_with("big.yaml:1:38: nesting 33 deep"), "{msg}");
    let msg = refused_big(&format!("name: {}", "{a: ".repeat(100_000)));
    assert!(msg.contains("nesting 33 deep"), "{msg}");
    let msg = refused_big(&format!("name: x\nclients:\n{}x\n", "- ".repeat(100_000)));
    assert!(msg.starts_with("big.yaml:3:"), "{msg}");
    assert!(
        msg.contains("expected mappings and lists nested at most 32 deep"),
        "{msg}"
    );
    // Quoted brackets and comments are not nesting.
    let ok = format!(
        "name: \"{}\"\ndescription: '{}' # {}\nclients: [{{name: c, steps: [{{call: Refresh}}]}}]\n",
        "[".repeat(100),
        "{".repeat(100),
        "[".repeat(100)
    );
    Scenario::parse(&ok, "ok.yaml").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn file_size_is_limited() {
    let pad = "#".repeat(scenario::MAX_SCENARIO_BYTES as usize);
    let msg = refused_big(&format!("{pad}\nname: x\n"));
    assert!(
        msg.starts_with("big.yaml:1:1: the file is over the size limit of 1048576 bytes"),
        "{msg}"
    );
    assert!(msg.contains("--max-scenario-bytes"), "{msg}");
    // On disk, with a smaller limit: refused before it is read past the limit.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scenario-limits");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.yaml");
    std::fs::write(
        &path,
        "name: x\nclients: [{name: c, steps: [{call: Refresh}]}]\n",
    )
    .unwrap();
    Scenario::load(&path).unwrap();
    let e = Scenario::load_with(&path, &scenario::Limits::default().max_bytes(10)).unwrap_err();
    assert!(
        e.to_string().contains("over the size limit of 10 bytes"),
        "{e}"
    );
}

#[test]
fn every_number_has_a_range() {
    let tail = "clients: [{name: c, steps: [{call: Refresh}]}]\n";
    let top = |s: &str| format!("name: x\n{s}\n{tail}");
    let cases: &[(&str, usize, &str)] = &[
        ("time_limit_ms: 0", 16, "from 1 to 3600000"),
        ("time_limit_ms: 3600001", 16, "from 1 to 3600000"),
        ("seeds: {count: 10001}", 16, "from 1 to 10000"),
        (
            "seeds: {start: 18446744073709551616}",
            16,
            "from 0 to 18446744073709551615",
        ),
        ("seeds: {start: -1}", 16, "from 0 to 18446744073709551615"),
        ("latency_ms: {min: 0, max: 60001}", 27, "from 0 to 60000"),
        ("array: {group_limit: 257}", 22, "from 1 to 256"),
        ("array: {group_limit: 0}", 22, "from 1 to 256"),
        (
            "array: {op_time_ms: 99999999999999999999}",
            21,
            "from 0 to 60000",
        ),
        (
            "faults: [{at_ms: 3600001, fault: {kind: provider_restart}}]",
            18,
            "from 0 to 3600000",
        ),
        (
            "faults: [{before_call: 1000001, fault: {kind: provider_restart}}]",
            24,
            "from 1 to 1000000",
        ),
    ];
    for (line, column, range) in cases {
        let msg = refused(&top(line), 2, *column);
        assert!(
            msg.contains("is out of range; expected a whole number"),
            "{msg}"
        );
        assert!(msg.contains(range), "{line}: {msg}");
    }
    let faults = |f: &str| format!("{HEAD}faults:\n  - at_ms: 0\n    fault: {f}\n{tail}");
    let cases: &[(&str, usize, &str)] = &[
        (
            "{kind: concurrent_calls, clients: 65, target: t1}",
            46,
            "from 1 to 64",
        ),
        (
            "{kind: concurrent_calls, target: t1, clients: 4294967296}",
            58,
            "from 1 to 64",
        ),
        (
            "{kind: slow_operations, factor: 0, duration_ms: 5}",
            44,
            "from 1 to 1000",
        ),
        (
            "{kind: link_hold, duration_ms: 18446744073709551616}",
            43,
            "from 0 to 3600000",
        ),
        (
            "{kind: link_latency, extra_ms: 60001, duration_ms: 5}",
            43,
            "from 0 to 60000",
        ),
        (
            "{kind: delete_portal_group, target: t1, tag: 65536}",
            57,
            "from 0 to 65535",
        ),
    ];
    for (f, column, range) in cases {
        let msg = refused(&faults(f), 7, *column);
        assert!(msg.contains("is out of range"), "{msg}");
        assert!(msg.contains(range), "{f}: {msg}");
    }
    let msg = refused(&client("      - {call: Sleep, ms: 3600001}\n"), 8, 27);
    assert!(msg.contains("from 0 to 3600000"), "{msg}");
    // List lengths: clients and steps.
    let many_steps = format!(
        "name: x\nclients:\n  - name: c\n    steps:\n{}",
        "      - call: Refresh\n".repeat(scenario::MAX_STEPS + 1)
    );
    let msg = refused_big(&many_steps);
    assert!(
        msg.contains("10001 steps, over the limit of 10000")
            && msg.contains("a larger limit (--max-steps N)"),
        "{msg}"
    );
    let raised = scenario::Limits::default().max_steps(scenario::MAX_STEPS + 1);
    assert!(Scenario::parse_with(&many_steps, "big.yaml", &raised).is_ok());
    assert!(
        msg.starts_with(&format!("big.yaml:{}:", 5 + scenario::MAX_STEPS)),
        "{msg}"
    );
    let many_clients: String = (0..=scenario::MAX_CLIENTS)
        .map(|i| format!("  - {{name: c{i}, steps: [{{call: Refresh}}]}}\n"))
        .collect();
    let msg = refused(&format!("name: x\nclients:\n{many_clients}"), 67, 5);
    assert!(msg.contains("65 clients, over the limit of 64"), "{msg}");
}

#[test]
fn serde_messages_use_the_formats_words() {
    let tail = "clients: [{name: c, steps: [{call: Refresh}]}]\n";
    for (text, line, column, want) in [
        (
            format!("name: x\nseeds: 5\n{tail}"),
            2,
            8,
            "expected the seeds: a mapping such as {start: 0, count: 5}",
        ),
        (
            "- 1\n".to_string(),
            1,
            1,
            "expected a scenario: a mapping with `name`, `clients`",
        ),
        (
            format!("name: x\nlatency_ms: 3\n{tail}"),
            2,
            13,
            "expected the latency range",
        ),
        (
            format!("name: x\narray: []\n{tail}"),
            2,
            8,
            "expected the array: a mapping",
        ),
        (
            "name: x\nclients: [5]\n".to_string(),
            2,
            11,
            "expected a client: a mapping",
        ),
    ] {
        let msg = refused(&text, line, column);
        assert!(msg.contains(want), "{msg}");
        assert!(!msg.contains("struct "), "{msg}");
        assert!(!msg.contains("Raw"), "{msg}");
    }
    let msg = refused(
        &client("      - {ms: 18446744073709551616, call: Sleep}\n"),
        8,
        14,
    );
    assert!(msg.contains("is out of range"), "{msg}");
    assert!(!msg.contains("any YAML value"), "{msg}");
}

#[test]
fn run_scenarios_tallies_as_the_suite_does() {
    let files = [
        scenarios_dir().join("baseline.yaml"),
        scenarios_dir().join("cancel.yaml"),
    ];
    let scenarios: Vec<Scenario> = files.iter().map(|p| load(p)).collect();
    let mut started = Vec::new();
    let (report, per_file) = vds_harness::suite::run_scenarios(
        &scenarios,
        &ReferenceFactory::default(),
        Some(&[EngineKind::Madsim]),
        &mut |run| started.push(run.to_string()),
    );
    assert!(
        report.conformant(),
        "{}",
        vds_harness::report::summary(&report)
    );
    assert_eq!(report.runs, 10);
    assert_eq!(started.len(), 10);
    assert!(
        started[0].contains("replay: vds-harness replay --scenario"),
        "{}",
        started[0]
    );
    assert_eq!(
        per_file
            .iter()
            .map(|t| (t.name.as_str(), t.runs, t.failed))
            .collect::<Vec<_>>(),
        vec![("baseline", 5, 0), ("cancel", 5, 0)]
    );
    // Every check the runs exercised is tallied once per run, as suite::run does.
    assert!(report.tallies.values().all(|t| t.runs <= 10));
    assert!(report.tallies.values().any(|t| t.runs == 10));
}
