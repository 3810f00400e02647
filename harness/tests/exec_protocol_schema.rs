//! The JSON Schema of the stdio provider protocol
//! (`docs/provider-protocol.schema.json`) validates both directions of
//! transcripts recorded from real runs of the Python example provider.
//!
//! The validator (`tests/common/schema.rs`) knows the subset of JSON
//! Schema the project's schemas use; any other keyword fails the test.

use std::collections::BTreeSet;

use serde_json::Value;

mod common;
use common::schema::validate;
use vds_harness::campaigns;
use vds_harness::exec::ExecFactory;
use vds_harness::suite::RunId;
use vds_sim::prelude::*;

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/provider-protocol.schema.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn direction(root: &Value, name: &str, line: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("{line}: {e}"))?;
    validate(root, &root["$defs"][name], &v, name)
}

fn python() -> String {
    format!(
        "python3 {}/examples/python_provider/provider.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn recorded_transcripts_fit_the_schema_both_ways() {
    let root = schema();
    let factory = ExecFactory::new(python());
    let mut seen = BTreeSet::new();
    for (campaign, engine) in [
        ("create-and-probe", EngineKind::Madsim),
        ("every-operation", EngineKind::Turmoil),
        ("cancellation", EngineKind::Madsim),
        ("restart", EngineKind::Madsim),
        ("call-faults", EngineKind::Madsim),
    ] {
        let id = RunId {
            campaign: campaigns::by_name(campaign).unwrap(),
            engine,
            seed: 2,
        };
        let outcome = id.run(&factory);
        assert!(outcome.error.is_none(), "{campaign}: {:?}", outcome.error);
        assert!(outcome.transcript.len() > 4, "{campaign}: no transcript");
        for (n, line) in outcome.transcript.iter().enumerate() {
            let (name, text) = match line.split_at(2) {
                ("> ", t) => ("harness_to_provider", t),
                ("< ", t) => ("provider_to_harness", t),
                _ => continue, // notes after the protocol lines
            };
            if let Err(e) = direction(&root, name, text) {
                panic!("{campaign} line {}: {e}", n + 1);
            }
            let v: Value = serde_json::from_str(text).unwrap();
            for (number, decimal) in [("seed", "seed_decimal"), ("salt", "salt_decimal")] {
                if let Some(value) = v.get(number) {
                    assert_eq!(
                        v[decimal].as_str(),
                        Some(value.as_u64().unwrap().to_string().as_str()),
                        "{campaign} line {}: {decimal} is not {number} in decimal",
                        n + 1
                    );
                }
            }
            seen.insert(format!("{}:{}", &line[..1], v["type"].as_str().unwrap()));
        }
    }
    for t in [
        ">:hello",
        ">:call",
        ">:release",
        ">:array_reply",
        ">:fire",
        ">:fault",
        "<:hello_ok",
        "<:reply",
        "<:pending",
        "<:done",
        "<:array",
        "<:timer",
    ] {
        assert!(
            seen.contains(t),
            "no `{t}` in the recorded transcripts: {seen:?}"
        );
    }
}

#[test]
fn the_schema_refuses_what_the_protocol_does_not_allow() {
    let root = schema();
    let bad = [
        ("provider_to_harness", r#"{"type":"reply","call":1}"#),
        ("provider_to_harness", r#"{"type":"teleport"}"#),
        ("provider_to_harness", r#"{"type":"done","extra":1}"#),
        (
            "provider_to_harness",
            r#"{"type":"timer","timer":-1,"after_us":5}"#,
        ),
        (
            "harness_to_provider",
            r#"{"type":"call","call":1,"obj":"root","method":"IVdsX::Y","args":{},"t_us":0}"#,
        ),
        (
            "harness_to_provider",
            r#"{"type":"array_reply","req":1,"t_us":0}"#,
        ),
        (
            "harness_to_provider",
            r#"{"type":"hello","protocol":1,"seed":7,"seed_decimal":"-7","t_us":0}"#,
        ),
        (
            "harness_to_provider",
            r#"{"type":"hello","protocol":1,"seed":7,"t_us":0}"#,
        ),
    ];
    for (name, line) in bad {
        assert!(
            direction(&root, name, line).is_err(),
            "{line} passed as {name}"
        );
    }
    let good = r#"{"type":"reply","call":1,"hr":"0x00000000","out":{"ppAsync":{"obj":"a1","interface":"IVdsAsync","id":null}}}"#;
    direction(&root, "provider_to_harness", good).unwrap();
}
