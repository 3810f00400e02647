//! The architecture's rules, kept by tests rather than by memory: neither
//! crate's top-level modules import each other in a cycle (the measure is
//! `scripts/import-graph.py`, which also draws the graph), and no function
//! grows past 160 lines (`scripts/fn-lengths.py --max`).

use std::path::Path;
use std::process::Command;

/// Runs a script of `scripts/` from the workspace root.
fn script(args: &[&str]) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("python3")
        .args(args)
        .current_dir(&root)
        .output()
        .expect("python3 runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn no_module_cycle_in_either_crate() {
    for src in ["sim/src", "harness/src"] {
        let (ok, out) = script(&["scripts/import-graph.py", src]);
        assert!(ok, "{src} has a module cycle:\n{out}");
        assert!(out.contains(", 0 cycles"), "{out}");
    }
}

#[test]
fn no_function_is_longer_than_160_lines() {
    for src in ["sim/src", "harness/src"] {
        let (ok, out) = script(&["scripts/fn-lengths.py", src, "--max", "160"]);
        assert!(ok, "{src}:\n{out}");
    }
}
