//! `vds-harness profile --format json` fits `docs/profile.schema.json`, and
//! lists every rule of the profile and every method's allowed answers, each
//! failure with its warrant.

use std::process::Command;

use serde_json::Value;
use vds_sim::method::Method;
use vds_sim::outcomes::returns;
use vds_sim::profile::RULES;

mod common;

fn profile() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(["profile", "--format", "json"])
        .output()
        .expect("the vds-harness binary runs");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn the_json_profile_fits_its_schema_and_lists_everything() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/profile.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = profile();
    common::schema::validate(&schema, &schema, &p, "profile").unwrap();
    let ids: Vec<&str> = p["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for r in RULES {
        assert!(ids.contains(&r.id.to_string().as_str()), "{} missing", r.id);
    }
    let methods = p["methods"].as_array().unwrap();
    assert_eq!(methods.len(), Method::ALL.len());
    for (m, entry) in Method::ALL.iter().zip(methods) {
        assert_eq!(entry["method"], m.sdk_name());
        let listed = entry["returns"].as_array().unwrap();
        assert_eq!(listed.len(), returns(*m).len(), "{m}");
        for c in listed {
            let failure = c["value"].as_str().unwrap().starts_with("0x8");
            assert_eq!(failure, c["warranted_by"].is_string(), "{m}: {c}");
        }
    }
}
