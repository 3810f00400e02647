//! The HTML pages, opened in a real browser: a failing mutant's suite page,
//! every failing run's page and every shrunk world's page are loaded in
//! headless Chromium (Debian's `chromium`, driven by playwright-core through
//! `scripts/browser-check.mjs`), which checks that each loads with no
//! console error and no network request, that each finding is visible and
//! names its rule, that every client lane is drawn and that the suite's
//! failure links lead to pages that exist. Screenshots are left in
//! `target/tmp/browser/shots`.
//!
//! Needs Chromium and playwright-core: when either is missing the test runs
//! `scripts/browser-setup.sh` first (as `.ci/run` does), which installs
//! Debian's `chromium` (as root or through sudo) and playwright-core from
//! the npm registry.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where playwright-core's `node_modules` is: `$VDS_PLAYWRIGHT_MODULES`, or
/// where `scripts/browser-setup.sh` puts it.
fn modules() -> PathBuf {
    if let Some(dir) = std::env::var_os("VDS_PLAYWRIGHT_MODULES") {
        return PathBuf::from(dir);
    }
    std::env::temp_dir().join("vds-ci-playwright/node_modules")
}

fn pages_in(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    pages.sort();
    pages
}

#[test]
fn the_pages_of_a_failing_mutant_open_in_chromium_with_every_finding_visible() {
    let chromium =
        std::env::var_os("CHROMIUM").map_or(PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let modules = modules();
    let present = || chromium.is_file() && modules.join("playwright-core").is_dir();
    if !present() {
        // What the test needs is installed as .ci/run installs it, so that
        // `cargo test` alone sets a fresh machine up.
        let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/browser-setup.sh");
        let status = Command::new("bash").arg(setup).status();
        eprintln!("scripts/browser-setup.sh: {status:?}");
    }
    assert!(
        present(),
        "this test needs Chromium at {} and playwright-core in {}, and scripts/browser-setup.sh \
         could not install them (Debian's chromium package, as root or through sudo, and \
         playwright-core from the npm registry)",
        chromium.display(),
        modules.display()
    );
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vds-harness"))
        .args([
            "run",
            "--provider",
            "mutant:duplicate-tags",
            "--html",
            "r.html",
            "--artifacts",
            "a",
            "--shrink",
        ])
        .current_dir(&root)
        .output()
        .expect("the vds-harness binary runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let artifacts = root.join("a");
    let traces = pages_in(&artifacts, ".trace.jsonl");
    assert!(
        !traces.is_empty(),
        "no failing run in {}",
        artifacts.display()
    );
    let mut pages = vec![root.join("r.html")];
    for t in traces
        .iter()
        .filter(|t| !t.to_string_lossy().ends_with(".min.trace.jsonl"))
    {
        let page = PathBuf::from(t.to_string_lossy().replace(".trace.jsonl", ".html"));
        assert!(page.is_file(), "no page beside {}", t.display());
        pages.push(page);
    }
    let shrunk = pages_in(&artifacts, ".min.html");
    assert!(
        !shrunk.is_empty(),
        "no shrunk world's page in {}",
        artifacts.display()
    );
    pages.extend(shrunk);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/browser-check.mjs");
    let check = Command::new("node")
        .arg(script)
        .arg(&modules)
        .arg(root.join("shots"))
        .args(&pages)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(check.status.success(), "{said}");
    assert_eq!(
        said.lines().filter(|l| l.starts_with("ok ")).count(),
        pages.len(),
        "{said}"
    );
    // Every failing run's page and every shrunk one shows its findings.
    assert!(!said.contains(" 0 finding(s)"), "{said}");
}
