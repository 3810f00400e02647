//! Names the commit the command is built from, for `--version` and the JSON
//! report (`VDS_HARNESS_COMMIT`: the checkout's `git rev-parse HEAD`, or
//! `unknown` outside a git checkout). Like ripgrep's, it is not re-run on a
//! new commit alone: a build that compiles nothing of this package keeps the
//! commit of its last build.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo::rustc-env=VDS_HARNESS_COMMIT={commit}");
}
