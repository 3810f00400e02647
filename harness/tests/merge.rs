//! `vds-harness merge`: the reports of the shards of a sweep, merged, say
//! exactly what the unsharded sweep says (matrix, failing runs kept,
//! distinct failures, JSON report, exit status), for N = 1, 3 and 7 shards
//! on both engines, for a conformant provider and a failing mutant; and
//! reports that are not the shards of one sweep are refused in one line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("merge")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn harness(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the vds-harness binary runs")
}

fn read(path: &Path) -> Value {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    common::schema::validate(&schema, &schema, &doc, "report").unwrap();
    doc
}

/// The matrix in a command's standard output: from its title to its last line.
fn matrix(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout);
    let from = text.find("conformance of provider").expect("a matrix");
    let to = text[from..]
        .find("untested: partial")
        .expect("the last line")
        + from;
    let end = text[to..].find('\n').map_or(text.len(), |n| to + n);
    text[from..end].to_string()
}

fn sweep(dir: &Path, provider: &str, shard: Option<String>, report: &str) -> Output {
    let mut args = vec![
        "sweep",
        "--seeds",
        "21",
        "--keep-failures",
        "2",
        "--provider",
        provider,
        "--report",
        report,
        "--artifacts",
        "artifacts",
    ];
    let shard = shard.unwrap_or_default();
    if !shard.is_empty() {
        args.extend(["--shard", &shard]);
    }
    harness(dir, &args)
}

#[test]
fn merged_shards_say_what_the_unsharded_sweep_says() {
    for provider in ["reference", "mutant:duplicate-tags"] {
        let dir = scratch(&provider.replace(':', "-"));
        let whole = sweep(&dir, provider, None, "whole.json");
        let want = read(&dir.join("whole.json"));
        assert_eq!(want["engines"], serde_json::json!(["madsim", "turmoil"]));
        if provider != "reference" {
            assert!(
                want["failing_runs_not_kept"].as_u64().unwrap() > 0,
                "the cap on kept runs is exercised"
            );
        }
        for n in [1, 3, 7] {
            let mut files = Vec::new();
            // Given in reverse: the order of the files does not matter.
            for k in (1..=n).rev() {
                let file = format!("s{k}-of-{n}.json");
                sweep(&dir, provider, Some(format!("{k}/{n}")), &file);
                files.push(file);
            }
            let mut args = vec!["merge", "--report", "merged.json", "--junit", "merged.xml"];
            args.extend(files.iter().map(String::as_str));
            let merged = harness(&dir, &args);
            assert_eq!(
                merged.status.code(),
                whole.status.code(),
                "{provider}, {n} shards: {}",
                String::from_utf8_lossy(&merged.stderr)
            );
            assert_eq!(matrix(&merged), matrix(&whole), "{provider}, {n} shards");
            let mut got = read(&dir.join("merged.json"));
            let from = got["plan"]
                .as_object_mut()
                .unwrap()
                .remove("merged_from")
                .unwrap();
            assert_eq!(from.as_array().unwrap().len(), n);
            assert_eq!(got, want, "{provider}, {n} shards");
            assert!(dir.join("merged.xml").exists());
        }
    }
}

#[test]
fn reports_that_are_not_one_sweeps_shards_are_refused() {
    let dir = scratch("refused");
    for k in 1..=3 {
        sweep(
            &dir,
            "reference",
            Some(format!("{k}/3")),
            &format!("s{k}.json"),
        );
    }
    sweep(
        &dir,
        "mutant:duplicate-tags",
        Some("3/3".into()),
        "other.json",
    );
    std::fs::write(
        dir.join("broken.json"),
        "{\"tool\": \"vds-harness\",\n  oops",
    )
    .unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["s1.json", "s2.json"], "shard(s) 3/3 of 3 missing"),
        (
            &["s1.json", "s2.json", "s2.json"],
            "shard 2/3 is given twice",
        ),
        (&["s1.json", "s2.json", "other.json"], "differ in provider"),
        (&["s1.json", "broken.json"], "broken.json:2:"),
        (&["s1.json", "absent.json"], "cannot read absent.json"),
    ];
    for (files, want) in cases {
        let mut args = vec!["merge"];
        args.extend(files);
        let out = harness(&dir, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{files:?}: {err}");
        assert!(err.contains(want), "{files:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{files:?}: {err}");
    }
}

#[test]
fn the_scale_out_examples_are_yaml_and_use_flags_that_exist() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/scale-out.md"))
        .unwrap();
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 3, "GitHub, GitLab and Kubernetes examples");
    for b in &blocks {
        let _: serde_yaml::Value = serde_yaml::from_str(b).unwrap_or_else(|e| panic!("{e}\n{b}"));
    }
    let help =
        |sub: &str| String::from_utf8(harness(Path::new("."), &[sub, "--help"]).stdout).unwrap();
    let (sweep, merge) = (help("sweep"), help("merge"));
    for flag in [
        "--shard",
        "--report",
        "--artifacts",
        "--seeds",
        "--provider",
    ] {
        assert!(sweep.contains(flag), "{flag}");
    }
    for flag in ["--junit", "--report"] {
        assert!(merge.contains(flag), "{flag}");
    }
}
