//! The simulated array held to its specification (`vds_harness::model::array`):
//! in every run of the default suite, with the reference, a control of
//! another design and a broken provider, the array answered each request as
//! the model does and ended in the model's state. And the model is not a
//! rubber stamp: logs altered the ways a broken array would write them are
//! refused.

use vds_harness::model::array::check_log;
use vds_harness::suite::SuiteConfig;
use vds_sim::array::{ArrayError, ArrayRequest};
use vds_sim::prelude::*;
use vds_sim::world::RunOutcome;

fn suite_runs(factory: &dyn ProviderFactory) -> Vec<RunOutcome> {
    let cfg = SuiteConfig::new(std::sync::Arc::new(ReferenceFactory::default()));
    cfg.plan().iter().map(|id| id.run(factory)).collect()
}

#[test]
fn the_array_answers_every_request_of_the_default_suite_as_its_model_does() {
    let providers: Vec<(String, std::sync::Arc<dyn ProviderFactory>)> = vec![
        (
            "reference".into(),
            std::sync::Arc::new(ReferenceFactory::default()),
        ),
        (
            "control:toy".into(),
            vds_harness::controls::all()
                .next()
                .expect("a control")
                .factory(),
        ),
        (
            "mutant:no-serialisation".into(),
            vds_harness::mutants::by_name("no-serialisation")
                .expect("catalogued")
                .factory(),
        ),
    ];
    for (name, factory) in providers {
        let mut requests = 0;
        for out in suite_runs(factory.as_ref()) {
            requests += out.array_log.len();
            let problems = check_log(&out);
            assert!(
                problems.is_empty(),
                "{name}, seed {} on {:?}: {problems:#?}",
                out.seed,
                out.engine
            );
        }
        assert!(requests > 500, "{name}: only {requests} requests judged");
    }
}

/// A run with groups created, a refusal and a portal, so that a log and a
/// final state have something to alter.
fn a_run() -> RunOutcome {
    let cfg = SuiteConfig::new(std::sync::Arc::new(ReferenceFactory::default()));
    cfg.plan()
        .iter()
        .map(|id| id.run(&ReferenceFactory::default()))
        .find(|out| {
            out.array_log.iter().filter(|e| e.tag.is_some()).count() >= 2
                && out.array_log.iter().any(|e| e.error.is_some())
                && !out.array.portals.is_empty()
        })
        .expect("some run of the suite creates two groups, has a refusal and a portal")
}

#[test]
fn a_log_a_broken_array_would_write_is_refused() {
    let out = a_run();
    assert!(check_log(&out).is_empty());

    let created = out.array_log.iter().position(|e| e.tag.is_some()).unwrap();
    let refused = out
        .array_log
        .iter()
        .position(|e| e.error.is_some())
        .unwrap();

    let mut wrong_tag = out.clone();
    *wrong_tag.array_log[created].tag.as_mut().unwrap() += 1;
    let mut reused_id = out.clone();
    let second = reused_id
        .array_log
        .iter()
        .rposition(|e| e.tag.is_some())
        .unwrap();
    reused_id.array_log[second].created = reused_id.array_log[created].created;
    let mut refusal_dropped = out.clone();
    refusal_dropped.array_log[refused].error = None;
    let mut refusal_changed = out.clone();
    refusal_changed.array_log[refused].error = Some(ArrayError::InvalidParameter);
    let mut state_changed = out.clone();
    let portal = *state_changed.array.portals.keys().next().unwrap();
    state_changed.array.portals.get_mut(&portal).unwrap().status =
        VDS_ISCSI_PORTAL_STATUS::VDS_IPS_FAILED;
    let mut unlogged = out.clone();
    let any_target = *unlogged.initial_array.targets.keys().next().unwrap();
    unlogged.array_log.push(vds_sim::array::ArrayEvent {
        t_us: u128::MAX,
        request: ArrayRequest::SetFriendlyName {
            target: any_target,
            name: "x".into(),
        },
        error: None,
        created: None,
        tag: None,
        direct: false,
    });

    for (what, bad) in [
        ("a wrong tag", wrong_tag),
        ("an id used twice", reused_id),
        ("a refusal turned into success", refusal_dropped),
        ("another refusal", refusal_changed),
        ("a final state no request made", state_changed),
        ("a logged change the final state lacks", unlogged),
    ] {
        assert!(!check_log(&bad).is_empty(), "{what} passed the model");
    }
}

/// Random request sequences sent to the array directly, beyond what any
/// provider sends it (providers check first, so the array rarely refuses
/// them): every answer and the final state are the model's.
#[test]
fn random_request_sequences_are_answered_as_the_model_says() {
    use rand::{Rng, SeedableRng};
    use vds_harness::model::array::ArrayModel;
    use vds_sim::array::{Array, ArrayConfig, InitialTarget};

    let mut refusals = std::collections::BTreeSet::new();
    for seed in 0..40u64 {
        let config = ArrayConfig::new()
            .group_limit(1 + (seed % 4) as u16)
            .target("t1")
            .initial_target(InitialTarget {
                name: "t2".into(),
                groups: 1,
                luns: 1,
                initiators: vec!["iqn.1991-05.com.example:host".into()],
            })
            .portal("10.0.0.1", 3260)
            .portal("10.0.0.2", 3260);
        let array = Array::new(config, seed);
        let start = array.snapshot();
        let mut model = ArrayModel::new(&start);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        // Ids a request may name: every object there ever was, and one never made.
        let mut ids: Vec<vds_sim::props::VDS_OBJECT_ID> = start
            .targets
            .keys()
            .chain(start.groups.keys())
            .chain(start.portals.keys())
            .copied()
            .collect();
        ids.push(vds_sim::props::VDS_OBJECT_ID::from_rng(&mut rng));
        for _ in 0..300 {
            let mut id = || ids[rng.random_range(0..ids.len())];
            let (a, b) = (id(), id());
            let names = [
                "",
                "iqn.1991-05.com.example:a",
                "iqn.1991-05.com.example:t1",
            ];
            let secret = [None, Some(vec![]), Some(b"0123456789ab".to_vec())];
            let req = match rng.random_range(0..10) {
                0 => ArrayRequest::CreateTarget {
                    iscsi_name: Some(names[rng.random_range(0..3)].to_string()),
                    friendly_name: "f".into(),
                },
                1 => ArrayRequest::DeleteTarget { target: a },
                2 | 3 => ArrayRequest::CreatePortalGroup { target: a },
                4 => ArrayRequest::DeletePortalGroup { group: a },
                5 => ArrayRequest::AddPortal {
                    group: a,
                    portal: b,
                },
                6 => ArrayRequest::RemovePortal {
                    group: a,
                    portal: b,
                },
                7 => ArrayRequest::SetFriendlyName {
                    target: a,
                    name: "n".repeat(rng.random_range(30..35)),
                },
                8 => ArrayRequest::RememberInitiatorSecret {
                    target: a,
                    initiator: "iqn.1991-05.com.example:host".into(),
                    secret: secret[rng.random_range(0..3)].clone(),
                },
                _ => ArrayRequest::SetPortalStatus {
                    portal: b,
                    status: rng.random_range(-1..7),
                },
            };
            let answer = array.apply_now(&req);
            let event = array.log().last().cloned().expect("a change is logged");
            assert_eq!(event.error, answer.as_ref().err().cloned());
            if let Some(e) = &event.error {
                refusals.insert(
                    format!("{e:?}")
                        .split([' ', '{'])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            ids.extend(event.created);
            if let Err(why) = model.replay(&event) {
                panic!("seed {seed}: {why}");
            }
        }
        let differences = model.differences(&array.snapshot());
        assert!(differences.is_empty(), "seed {seed}: {differences:#?}");
    }
    // Every refusal but the invalid_argument fault's was met (that one is
    // the injector's, not a state's).
    assert!(
        refusals.len() >= 6,
        "only {} kinds of refusal met",
        refusals.len()
    );
}

/// docs/array-protocol.md names every request, answer and refusal the
/// protocol's schema allows (the schema is checked against real transcripts
/// by `exec_protocol_schema.rs`).
#[test]
fn the_array_protocol_page_names_every_message() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let page = std::fs::read_to_string(root.join("docs/array-protocol.md")).unwrap();
    let schema = std::fs::read_to_string(root.join("docs/provider-protocol.schema.json")).unwrap();
    let mut named = 0;
    for key in [
        "\"op\": { \"enum\": [",
        "\"error\": { \"enum\": [",
        "\"reply\": { \"enum\": [",
    ] {
        let at = schema
            .find(key)
            .unwrap_or_else(|| panic!("the schema has no {key}"))
            + key.len();
        let list = &schema[at..at + schema[at..].find(']').unwrap()];
        for name in list.split(',').map(|n| n.trim().trim_matches('"')) {
            let shown = [
                format!("`{name}`"),
                format!("\"{name}\""),
                format!("`{name},"),
            ];
            assert!(
                shown.iter().any(|s| page.contains(s.as_str())),
                "docs/array-protocol.md does not name `{name}`"
            );
            named += 1;
        }
    }
    assert_eq!(named, 14 + 7 + 6);
}
