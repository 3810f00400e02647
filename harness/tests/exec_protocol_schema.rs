//! The JSON Schema of the stdio provider protocol
//! (`docs/provider-protocol.schema.json`) validates both directions of
//! transcripts recorded from real runs of the Python example provider.
//!
//! No schema crate is in the dependency tree, so this file holds a small
//! validator of the subset of JSON Schema the file uses (`$ref` to local
//! `$defs`, `type`, `const`, `enum`, `properties`, `required`,
//! `additionalProperties: false`, `items`, `minimum`, `maximum`, `oneOf`); any other
//! keyword in the schema fails the test, so the subset cannot drift.

use std::collections::BTreeSet;

use serde_json::Value;
use vds_harness::campaigns;
use vds_harness::exec::ExecFactory;
use vds_harness::suite::RunId;
use vds_sim::prelude::*;

const KNOWN: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "oneOf",
];

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/provider-protocol.schema.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("unknown type `{other}` in the schema"),
    }
}

/// Validates `v` against `s`; `Err` says where and why.
fn validate(root: &Value, s: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s = s.as_object().expect("a schema is an object");
    for k in s.keys() {
        assert!(
            KNOWN.contains(&k.as_str()),
            "unsupported keyword `{k}` in the schema"
        );
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], v, at)?;
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type"),
        };
        if !ok {
            return Err(format!("{at}: {v} is not of type {t}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return Err(format!("{at}: {v} is not {c}"));
        }
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        if !e.contains(v) {
            return Err(format!(
                "{at}: {v} is not one of {}",
                Value::Array(e.clone())
            ));
        }
    }
    if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
        if v.as_f64().is_some_and(|x| x < min) {
            return Err(format!("{at}: {v} is below {min}"));
        }
    }
    if let Some(max) = s.get("maximum").and_then(Value::as_u64) {
        if v.is_number() && v.as_u64().is_none_or(|x| x > max) {
            return Err(format!("{at}: {v} is above {max} or not a whole number"));
        }
    }
    if let Some(o) = v.as_object() {
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap();
            if !o.contains_key(r) {
                return Err(format!("{at}: `{r}` is missing"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, x, &format!("{at}.{k}"))?,
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{at}: unknown property `{k}`"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            validate(root, items, x, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(Value::Array(alts)) = s.get("oneOf") {
        let fits: Vec<_> = alts.iter().map(|a| validate(root, a, v, at)).collect();
        let n = fits.iter().filter(|r| r.is_ok()).count();
        if n != 1 {
            let why: Vec<String> = fits.into_iter().filter_map(Result::err).collect();
            return Err(format!(
                "{at}: {v} fits {n} of oneOf's alternatives, not one ({})",
                why.join("; ")
            ));
        }
    }
    Ok(())
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
