//! The `vds-harness` binary, driven as a user would: exit statuses (0
//! conformant, 1 violations, 2 bad usage or input), one-line errors, the
//! matrix's last line, artifacts and JUnit of failing runs, replay that is
//! byte-for-byte repeatable, shards that cover one unsharded sweep.

use std::path::{Path, PathBuf};
use std::process::Command;

use vds_harness::checks::CHECKS;
use vds_harness::mutants::MUTANTS;

/// What one invocation did.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `args` in a scratch working directory.
fn harness(args: &[&str]) -> Out {
    let cwd = scratch("cwd");
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(args)
        .current_dir(&cwd)
        .output()
        .expect("the vds-harness binary runs");
    Out {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// A directory of this test binary's own under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh (emptied) scratch directory.
fn fresh(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts a usage error: exit 2 and exactly one line on stderr, no panic.
fn assert_usage_error(out: &Out) -> &str {
    assert_eq!(out.code, 2, "{out:#?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {out:#?}");
    assert!(lines[0].starts_with("error: "), "{out:#?}");
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
    lines[0]
}

/// `N passed, N failed`, possibly followed by `, ...` (inconclusive, or
/// untested in a partial run).
fn is_counts_line(line: &str) -> Option<(u64, u64)> {
    let (p, f) = line.split_once(" passed, ")?;
    let f = f.split(',').next()?.strip_suffix(" failed")?;
    Some((p.parse().ok()?, f.parse().ok()?))
}

#[test]
fn run_against_reference_is_conformant() {
    let out = harness(&["run", "--seeds", "1", "--mixed-seeds", "2"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let last = out.stdout.lines().last().unwrap();
    let (passed, failed) = is_counts_line(last).unwrap_or_else(|| panic!("last line: {last}"));
    assert!(passed > 0);
    assert_eq!(failed, 0);
    for c in CHECKS {
        assert!(out.stdout.contains(c.id.as_str()), "matrix lists {}", c.id);
    }
}

#[test]
fn a_run_that_reaches_too_little_is_inconclusive_not_a_violation() {
    // One mixed seed on one engine reaches neither the cache checks nor the
    // limit: the reference breaks nothing, but the suite cannot say so.
    let out = harness(&[
        "run",
        "--seeds",
        "0",
        "--mixed-seeds",
        "1",
        "--engine",
        "madsim",
    ]);
    assert_eq!(out.code, 3, "{out:#?}");
    let last = out.stdout.lines().last().unwrap();
    assert!(last.ends_with(" inconclusive"), "{last}");
    assert!(
        out.stdout.contains("INCONCLUSIVE CACHE-CORRUPT-REPORTED"),
        "{out:#?}"
    );
}

#[test]
fn a_mutant_fails_and_leaves_artifacts_junit_and_replayable_seeds() {
    let dir = fresh("duplicate-tags");
    let art = dir.join("art");
    let junit = dir.join("junit.xml");
    let out = harness(&[
        "run",
        "--provider",
        "mutant:duplicate-tags",
        "--seeds",
        "1",
        "--mixed-seeds",
        "2",
        "--artifacts",
        art.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("FAILED"), "{}", out.stdout);

    // Every failing run left its trace and findings, and a replay command.
    let mut traces: Vec<PathBuf> = std::fs::read_dir(&art)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".trace.jsonl"))
        .collect();
    traces.sort();
    assert!(!traces.is_empty(), "no traces in {}", art.display());
    for t in &traces {
        let stem = t.to_string_lossy().replace(".trace.jsonl", "");
        let findings = std::fs::read_to_string(format!("{stem}.findings.txt")).unwrap();
        assert!(findings.contains("CPG-TAG-UNIQUE"), "{findings}");
        assert!(
            findings.contains("replay: vds-harness replay"),
            "{findings}"
        );
        assert!(!std::fs::read_to_string(t).unwrap().is_empty());
    }

    // The printed replay command reproduces the kept trace byte for byte.
    let replay = out
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("replay: vds-harness "))
        .expect("a replay command is printed");
    let args: Vec<&str> = replay.split_whitespace().collect();
    let again = harness(&args);
    assert_eq!(again.code, 1, "{again:#?}");
    let find = |flag: &str| {
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1]
    };
    let kept = art.join(format!(
        "{}-{}-seed{}.trace.jsonl",
        find("--campaign"),
        find("--engine"),
        find("--seed")
    ));
    assert_eq!(again.stdout, std::fs::read_to_string(&kept).unwrap());

    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testcase ").count(), CHECKS.len(), "{xml}");
    assert!(
        xml.contains(r#"<testcase classname="mutant:duplicate-tags" name="CPG-TAG-UNIQUE">"#),
        "{xml}"
    );
    assert!(xml.contains("<failure message="), "{xml}");
    assert!(
        xml.contains("replay: vds-harness replay --campaign"),
        "{xml}"
    );
}

#[test]
fn unknown_provider_is_a_one_line_usage_error() {
    let line = assert_usage_error(&harness(&["run", "--provider", "nonsense"])).to_string();
    assert!(line.contains("nonsense"), "{line}");
    assert!(
        line.contains("expected `reference`, `mutant:NAME`"),
        "{line}"
    );
    assert_usage_error(&harness(&["run", "--provider", "mutant:no-such"]));
    assert_usage_error(&harness(&["run", "--campaign", "no-such"]));
    assert_usage_error(&harness(&["run", "--engine", "qemu"]));
}

#[test]
fn replay_is_repeatable_on_each_engine_and_depends_on_the_seed() {
    for engine in ["madsim", "turmoil"] {
        let a = harness(&["replay", "--seed", "7", "--engine", engine]);
        let b = harness(&["replay", "--seed", "7", "--engine", engine]);
        let c = harness(&["replay", "--seed", "8", "--engine", engine]);
        assert_eq!(a.code, 0, "{a:#?}");
        assert!(a.stdout.lines().count() > 2, "{a:#?}");
        assert_eq!(
            a.stdout, b.stdout,
            "seed 7 on {engine} differs between runs"
        );
        assert_ne!(
            a.stdout, c.stdout,
            "seeds 7 and 8 on {engine} give one trace"
        );
    }
    let d = harness(&["replay", "--seed", "7", "--check-determinism"]);
    assert_eq!(d.code, 0, "{d:#?}");
    assert!(d.stdout.starts_with("deterministic"), "{d:#?}");
}

#[test]
fn bad_seeds_are_usage_errors() {
    let line = assert_usage_error(&harness(&["replay", "--seed", "abc"])).to_string();
    assert!(line.contains("expected a whole number"), "{line}");
    let line = assert_usage_error(&harness(&["replay", "--seed", "-3"])).to_string();
    assert!(line.contains("negative"), "{line}");
    assert_usage_error(&harness(&["replay"]));
    assert_usage_error(&harness(&["replay", "--seed", "1", "--engine", "both"]));
}

#[test]
fn explain_decodes_codes() {
    let out = harness(&["explain", "0x8004240B"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("VDS_E_OBJECT_DELETED"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("failure"), "{}", out.stdout);
    let out = harness(&["explain", "HRESULT_FROM_WIN32(ERROR_TIMEOUT)"]);
    assert!(out.stdout.contains("0x800705B4"), "{}", out.stdout);
    // Which methods may return it, from the allow-lists.
    let out = harness(&["explain", "E_OUTOFMEMORY"]);
    assert!(
        out.stdout.contains("methods:   every method"),
        "{}",
        out.stdout
    );
    let out = harness(&["explain", "VDS_E_OBJECT_EXISTS"]);
    assert!(
        out.stdout
            .contains("methods:   IVdsIscsiPortalGroup::AddPortal"),
        "{}",
        out.stdout
    );
    let out = harness(&["explain", "0x1234ABCD"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("0xABCD"), "{}", out.stdout);
    assert_usage_error(&harness(&["explain", "not-a-code"]));
}

#[test]
fn mutants_list_one_per_line_named_as_providers() {
    let out = harness(&["mutants", "--list"]);
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), MUTANTS.len());
    assert!(lines.len() >= 20);
    for (line, m) in lines.iter().zip(MUTANTS) {
        let name = line.split_whitespace().next().unwrap();
        assert_eq!(name, m.name());
        assert!(vds_harness::providers::by_name(&format!("mutant:{name}")).is_ok());
    }
}

#[test]
fn shards_cover_exactly_the_unsharded_sweep() {
    let plan = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["sweep", "--seeds", "5", "--start", "3", "--dry-run"];
        args.extend_from_slice(extra);
        let out = harness(&args);
        assert_eq!(out.code, 0, "{out:#?}");
        out.stdout.lines().map(str::to_string).collect()
    };
    let all = plan(&[]);
    assert_eq!(all.len(), 10);
    for n in [2, 3] {
        let mut union = Vec::new();
        for k in 1..=n {
            let shard = plan(&["--shard", &format!("{k}/{n}")]);
            assert!(!shard.is_empty());
            union.extend(shard);
        }
        union.sort();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(union, sorted, "{n} shards");
    }

    // Real runs: the shards' run counts add up to the unsharded sweep's.
    let runs = |extra: &[&str]| -> u64 {
        let mut args = vec!["sweep", "--seeds", "3"];
        args.extend_from_slice(extra);
        let out = harness(&args);
        assert_eq!(out.code, 0, "{out:#?}");
        let last = out.stdout.lines().last().unwrap();
        assert_eq!(is_counts_line(last).map(|c| c.1), Some(0), "{last}");
        let header = out
            .stdout
            .lines()
            .find(|l| l.starts_with("conformance of provider"))
            .unwrap();
        header
            .rsplit('(')
            .next()
            .unwrap()
            .trim_end_matches(" runs)")
            .parse()
            .unwrap()
    };
    assert_eq!(
        runs(&["--shard", "1/2"]) + runs(&["--shard", "2/2"]),
        runs(&[])
    );

    for bad in ["0/2", "3/2", "2", "a/b", "1/0"] {
        assert_usage_error(&harness(&["sweep", "--seeds", "2", "--shard", bad]));
    }
}

#[test]
fn malformed_scenario_is_reported_with_file_line_and_column() {
    let dir = fresh("bad-scenario");
    let file = dir.join("bad.yaml");
    std::fs::write(
        &file,
        "name: bad\nclients:\n  - name: c1\n    steps:\n      - call: Refresh\n        colour: red\n",
    )
    .unwrap();
    let out = harness(&["run", "--scenario", file.to_str().unwrap()]);
    let line = assert_usage_error(&out);
    let prefix = format!("error: {}:6:9: ", file.display());
    assert!(line.starts_with(&prefix), "{line}");
}

#[test]
fn scenario_files_run_and_pass() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/baseline.yaml");
    let out = harness(&[
        "run",
        "--scenario",
        file.to_str().unwrap(),
        "--engine",
        "madsim",
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.lines().last().unwrap().ends_with(" 0 failed"));
}

#[test]
fn usage_help_and_version() {
    assert_usage_error(&harness(&["frobnicate"]));
    assert_usage_error(&harness(&[]));
    assert_usage_error(&harness(&["run", "--no-such-flag"]));
    for sub in [
        "run", "sweep", "merge", "replay", "explain", "checks", "profile", "mutants", "bench",
    ] {
        let out = harness(&[sub, "--help"]);
        assert_eq!(out.code, 0, "{sub} --help: {out:#?}");
        assert!(out.stdout.contains("Usage: vds-harness"), "{sub}");
    }
    let out = harness(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("vds-harness "));
    // The version and the commit it was built from (12 hex digits, or
    // `unknown` outside a git checkout).
    let commit = out.stdout.split("(commit ").nth(1).expect("a commit");
    let commit = commit.trim_end().trim_end_matches(')');
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{}",
        out.stdout
    );
}

#[test]
fn checks_and_profile_list_the_catalogues() {
    let checks = harness(&["checks"]);
    assert_eq!(checks.code, 0);
    for c in CHECKS {
        assert!(checks.stdout.contains(c.id.as_str()), "{}", c.id);
    }
    let profile = harness(&["profile"]);
    assert_eq!(profile.code, 0);
    for r in vds_sim::profile::RULES {
        assert!(profile.stdout.contains(r.id.as_str()), "{}", r.id);
        assert!(profile.stdout.contains(r.source), "{}", r.id);
    }
}

/// The one error line of a usage error (see [`assert_usage_error`]).
fn usage_line(out: Out) -> String {
    assert_usage_error(&out).to_string()
}

#[test]
fn a_selection_of_no_runs_is_an_error() {
    let line = usage_line(harness(&["run", "--seeds", "0", "--mixed-seeds", "0"]));
    assert!(
        line.starts_with("error: nothing to run: --seeds 0 and --mixed-seeds 0"),
        "{line}"
    );
    let line = usage_line(harness(&[
        "run",
        "--seeds",
        "0",
        "--campaign",
        "cancellation",
    ]));
    assert!(line.contains("cancellation"), "{line}");
    let line = usage_line(harness(&[
        "sweep", "--seeds", "7", "--engine", "madsim", "--shard", "9/10",
    ]));
    assert!(line.contains("shard 9/10 of the 7 run(s)"), "{line}");
    let line = usage_line(harness(&[
        "sweep",
        "--seeds",
        "7",
        "--engine",
        "madsim",
        "--shard",
        "9/10",
        "--dry-run",
    ]));
    assert!(line.contains("nothing to run"), "{line}");
    // A scenario that runs on madsim only, kept to turmoil.
    let dir = fresh("madsim-only");
    let file = dir.join("m.yaml");
    std::fs::write(
        &file,
        "name: m\nengine: madsim\nclients: [{name: c, steps: [{call: Refresh}]}]\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let line = usage_line(harness(&["run", "--scenario", f, "--engine", "turmoil"]));
    assert!(
        line.contains("scenario `m`") && line.contains("runs only on madsim"),
        "{line}"
    );
    let out = harness(&["run", "--scenario", f, "--engine", "madsim"]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn output_paths_are_checked_before_the_run() {
    let out = harness(&["run", "--junit", "/nonexistent/x.xml"]);
    let line = assert_usage_error(&out);
    assert!(
        line.contains("cannot write the JUnit report to /nonexistent/x.xml"),
        "{line}"
    );
    assert!(out.stdout.is_empty(), "nothing ran: {out:#?}");
    // An artifacts "directory" under a regular file cannot be made.
    let dir = fresh("unwritable");
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    let bad = file.join("sub");
    let out = harness(&["run", "--artifacts", bad.to_str().unwrap()]);
    let line = assert_usage_error(&out);
    assert!(line.contains("cannot write artifacts to"), "{line}");
    assert!(out.stdout.is_empty(), "nothing ran: {out:#?}");
    let out = harness(&["sweep", "--seeds", "1", "--junit", dir.to_str().unwrap()]);
    assert!(assert_usage_error(&out).contains("it is a directory"));
    assert!(
        std::fs::read_dir(&dir).unwrap().count() == 1,
        "no probe left behind"
    );
}

#[test]
fn an_io_error_never_hides_a_violation() {
    let dir = fresh("hidden");
    // The trace's file name is taken by a directory: writing it fails.
    std::fs::create_dir_all(dir.join("up-to-the-limit-madsim-seed0.trace.jsonl")).unwrap();
    let junit = dir.join("junit.xml");
    let out = harness(&[
        "run",
        "--provider",
        "mutant:duplicate-tags",
        "--campaign",
        "up-to-the-limit",
        "--engine",
        "madsim",
        "--seeds",
        "1",
        "--artifacts",
        dir.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "violations win over the I/O error: {out:#?}");
    assert!(
        out.stderr
            .contains("error: cannot write the artifacts of the failing runs"),
        "{out:#?}"
    );
    assert!(
        out.stdout.contains("replay: vds-harness replay"),
        "{out:#?}"
    );
    // The JUnit file was still written, whole, and no temporary file is left.
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .ends_with("</testsuites>\n")
    );
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(!name.contains(".tmp-"), "{name} left behind");
    }
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args(["sweep", "--seeds", "100000", "--dry-run"])
        .current_dir(scratch("cwd"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the pipe is closed after one line.
    assert_eq!(first, "mixed madsim 0\n");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn closed_streams_never_change_the_verdict_or_lose_files() {
    use std::process::Stdio;
    let dir = scratch("closed-streams");
    let junit = dir.join("junit.xml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args([
            "sweep",
            "--seeds",
            "20",
            "--provider",
            "mutant:duplicate-tags",
            "--junit",
        ])
        .arg(&junit)
        .arg("--artifacts")
        .arg(dir.join("artifacts"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Both readers go away before a byte is read: every write fails.
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "the violations' exit status");
    assert!(junit.is_file(), "the JUnit file is written");
    let kept = std::fs::read_dir(dir.join("artifacts")).unwrap().count();
    assert!(kept > 0, "the failing runs' artifacts are written");
}

#[test]
fn messages_say_what_was_expected_once() {
    let line = usage_line(harness(&["run", "--seeds", "-5"]));
    assert!(
        line.contains("a seed count must be a non-negative whole number"),
        "{line}"
    );
    let line = usage_line(harness(&["sweep", "--seeds", "-5"]));
    assert!(line.contains("non-negative"), "{line}");
    let line = usage_line(harness(&["sweep", "--seeds", "3", "--jobs", "257"]));
    assert!(line.contains("at most 256"), "{line}");
    let line = usage_line(harness(&["run", "--provider", "nope"]));
    assert_eq!(line.matches("(see `").count(), 1, "{line}");
    let out = harness(&["help", "--help"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("Usage: vds-harness help"), "{out:#?}");
    for sub in ["run", "sweep"] {
        let out = harness(&[sub, "--help"]);
        for c in vds_harness::campaigns::CAMPAIGNS {
            assert!(out.stdout.contains(c.name), "{sub} --help lists {}", c.name);
        }
    }
}

#[test]
fn max_scenario_bytes_raises_or_lowers_the_limit() {
    let dir = fresh("max-bytes");
    let file = dir.join("s.yaml");
    std::fs::write(
        &file,
        "name: s\nengine: madsim\nclients: [{name: c, steps: [{call: Refresh}]}]\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let line = usage_line(harness(&[
        "run",
        "--scenario",
        f,
        "--max-scenario-bytes",
        "10",
    ]));
    assert!(
        line.starts_with(&format!(
            "error: {f}:1:1: the file is over the size limit of 10 bytes"
        )),
        "{line}"
    );
    let out = harness(&["run", "--scenario", f, "--max-scenario-bytes", "100"]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn the_readme_lists_every_campaign() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    for c in vds_harness::campaigns::CAMPAIGNS {
        assert!(
            readme.contains(&format!("`{}`", c.name)),
            "README lists {}",
            c.name
        );
    }
}

#[test]
fn shrink_writes_a_scenario_a_feature_a_trace_and_an_account_that_agree() {
    let dir = fresh("shrink");
    let d = dir.to_str().unwrap();
    let args = [
        "shrink",
        "--seed",
        "7",
        "--provider",
        "mutant:deleted-as-not-found",
        "--artifacts",
        d,
    ];
    let out = harness(&args);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("check: OUTCOME-LISTED still fails"),
        "{out:#?}"
    );
    let stem = dir.join("mixed-madsim-seed7");
    let yaml = std::fs::read_to_string(stem.with_extension("min.yaml")).unwrap();
    let feature = std::fs::read_to_string(stem.with_extension("feature")).unwrap();
    let account = std::fs::read_to_string(stem.with_extension("shrink.txt")).unwrap();
    assert!(stem.with_extension("min.trace.jsonl").is_file());
    assert_eq!(account, out.stdout);
    assert!(feature.contains("Then no check of the contract finds a violation"));
    // The scenario file fails the same check; the reference passes it.
    let file = stem.with_extension("min.yaml");
    let f = file.to_str().unwrap();
    let again = harness(&[
        "run",
        "--scenario",
        f,
        "--provider",
        "mutant:deleted-as-not-found",
        "--artifacts",
        d,
    ]);
    assert_eq!(again.code, 1, "{again:#?}");
    assert!(again.stdout.contains("OUTCOME-LISTED: c1"), "{again:#?}");
    assert_eq!(harness(&["run", "--scenario", f]).code, 0);
    // The same input writes the same bytes.
    assert_eq!(harness(&args).stdout, out.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), yaml);
}

#[test]
fn shrink_refuses_a_passing_run_and_an_unknown_check() {
    let out = harness(&["shrink", "--seed", "7"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("no check fails"), "{out:#?}");
    let out = harness(&["shrink", "--seed", "7", "--check", "CPG-NOPE"]);
    assert!(assert_usage_error(&out).contains("unknown check `CPG-NOPE`"));
    let out = harness(&[
        "shrink",
        "--seed",
        "7",
        "--provider",
        "mutant:deleted-as-not-found",
        "--check",
        "CPG-LIMIT",
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("does not fail CPG-LIMIT"), "{out:#?}");
}

#[test]
fn run_shrink_writes_the_minimal_files_of_each_failed_check() {
    let dir = fresh("run-shrink");
    let d = dir.to_str().unwrap();
    let out = harness(&[
        "run",
        "--provider",
        "mutant:duplicate-tags",
        "--campaign",
        "up-to-the-limit",
        "--shrink",
        "--artifacts",
        d,
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("distinct bugs"), "{out:#?}");
    assert!(out.stdout.contains("  CPG-TAG-UNIQUE: "), "{out:#?}");
    let yaml = dir.join("up-to-the-limit-madsim-seed0.min.yaml");
    assert!(yaml.is_file(), "{out:#?}");
    assert!(dir.join("up-to-the-limit-madsim-seed0.feature").is_file());
}

#[test]
fn a_failure_heavy_sweep_keeps_a_few_traces_per_check_and_lists_every_failing_run() {
    let dir = fresh("keep-failures");
    let artifacts = dir.join("artifacts");
    let out = harness(&[
        "sweep",
        "--seeds",
        "300",
        "--provider",
        "mutant:duplicate-tags",
        "--keep-failures",
        "3",
        "--artifacts",
        artifacts.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    let names: Vec<String> = std::fs::read_dir(&artifacts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let traces = names.iter().filter(|n| n.ends_with(".trace.jsonl")).count();
    assert!((1..=3).contains(&traces), "{names:?}");
    let listed = std::fs::read_to_string(artifacts.join("failing-runs.txt")).unwrap();
    let more: usize = out
        .stdout
        .lines()
        .find_map(|l| {
            l.split_once(" more failing run(s)")
                .map(|(n, _)| n.parse().unwrap())
        })
        .expect("the count of failing runs not kept");
    assert_eq!(listed.lines().count(), traces + more, "{listed}");
    for line in listed.lines() {
        assert!(
            line.contains(" | replay: ") && line.contains("CPG-TAG-UNIQUE"),
            "{line}"
        );
    }
}

#[test]
fn shard_auto_reads_the_ci_systems_variables_and_the_shards_cover_the_sweep() {
    let dry = |shard: Option<&str>, env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vds-harness"));
        c.args(["sweep", "--seeds", "7", "--dry-run"]);
        if let Some(s) = shard {
            c.args(["--shard", s]);
        }
        for v in ["CI_NODE_INDEX", "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX"] {
            c.env_remove(v);
        }
        c.envs(env.iter().copied());
        let out = c.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (_, whole, _) = dry(None, &[]);
    let mut gitlab: Vec<String> = Vec::new();
    let mut k8s: Vec<String> = Vec::new();
    for k in 1..=3 {
        let k = k.to_string();
        let (code, out, err) = dry(
            Some("auto"),
            &[("CI_NODE_INDEX", &k), ("CI_NODE_TOTAL", "3")],
        );
        assert_eq!(code, 0, "{err}");
        gitlab.extend(out.lines().map(String::from));
        let i = (k.parse::<usize>().unwrap() - 1).to_string();
        let (code, out, err) = dry(Some("auto/3"), &[("JOB_COMPLETION_INDEX", &i)]);
        assert_eq!(code, 0, "{err}");
        k8s.extend(out.lines().map(String::from));
    }
    let mut whole: Vec<String> = whole.lines().map(String::from).collect();
    whole.sort();
    gitlab.sort();
    k8s.sort();
    assert_eq!(gitlab, whole);
    assert_eq!(k8s, whole);
    for (shard, env) in [
        ("auto", vec![]),
        ("auto", vec![("CI_NODE_INDEX", "4"), ("CI_NODE_TOTAL", "3")]),
        ("auto", vec![("CI_NODE_INDEX", "1")]),
        ("auto/3", vec![]),
    ] {
        let (code, _, err) = dry(Some(shard), &env);
        assert_eq!(code, 2, "{shard} {env:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: "), "{err}");
    }
}

#[test]
fn bench_stops_at_the_first_failing_run_and_names_it() {
    let out = harness(&[
        "bench",
        "--engine",
        "madsim",
        "--jobs",
        "1",
        "--seeds",
        "5",
        "--provider",
        "exec:false",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "no figures for a failing provider: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains(
            "bench stopped at the run `replay --campaign mixed --engine madsim --seed 0`"
        ),
        "{}",
        out.stderr
    );
}
