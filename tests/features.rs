//! Runs the Gherkin features in `features/` with cucumber.
//!
//! * Every scenario runs on both engines (unless it names one) and every
//!   assertion must hold on each; the provider under test is `reference`, or
//!   the one named by `VDS_PROVIDER` (e.g. `VDS_PROVIDER=mutant:NAME`), or the
//!   one a scenario names.
//!   Scenarios that inject a provider-side fault the provider cannot take
//!   (`ProviderFactory::cannot_take`; an `exec:` provider's handshake) are
//!   left out, as the suite leaves the checks that need it untested.
//! * An undefined or skipped step fails the run (`fail_on_skipped`).
//! * With `VDS_JUNIT_DIR` set, a JUnit report is also written to
//!   `$VDS_JUNIT_DIR/features.xml`; the console output stays as usual.
//! * Arguments: cucumber's own (`--name REGEX`, `--tags EXPR`, `-c N`,
//!   `--fail-fast`, `-v`…), after `--`. The arguments libtest takes, which
//!   `cargo test -- …` passes to every test target, are accepted too:
//!   `--nocapture`, `--quiet`, `--skip X`, `--format X`… are
//!   ignored, `--test-threads N` sets the concurrency, `--list` lists
//!   nothing, and a bare word keeps the scenarios whose name or one of whose
//!   tags contains it (as libtest filters test names; `--exact` makes it an
//!   exact match). `cargo test --workspace -- FILTER` thus runs the
//!   scenarios FILTER names here and the tests it names elsewhere.

use std::ffi::OsString;

use std::io::{self, Write};

use vds_harness::features::{self, Filter, world};

/// libtest flags without a value; meaningless here.
const LIBTEST_FLAGS: &[&str] = &[
    "--nocapture",
    "--no-capture",
    "--show-output",
    "--quiet",
    "-q",
    "--ignored",
    "--include-ignored",
    "--test",
    "--bench",
    "--force-run-in-process",
    "--report-time",
    "--ensure-time",
    "--shuffle",
];

/// libtest options with a value; meaningless here.
const LIBTEST_OPTIONS: &[&str] = &["--format", "--skip", "--logfile", "--shuffle-seed", "-Z"];

/// cucumber options with a value: the word after them is not a filter.
const CUCUMBER_OPTIONS: &[&str] = &[
    "--name",
    "-n",
    "--scenario-name",
    "--tags",
    "-t",
    "--input",
    "-i",
    "--concurrency",
    "-c",
    "--retry",
    "--retry-after",
    "--retry-tag-filter",
    "--color",
    "--junit-v",
];

/// What the command line asks for once libtest's arguments are translated.
#[derive(Debug, PartialEq, Eq)]
enum Args {
    /// `--list`: there is nothing to list; exit at once.
    List,
    /// Run cucumber with these arguments (program name first), keeping the
    /// scenarios the bare words select, on the features in the path given
    /// (`--input` naming a file or folder), else in `features/`.
    Run(Vec<OsString>, Filter, Option<std::path::PathBuf>),
}

/// Translates libtest's arguments into cucumber's.
fn translate(args: impl IntoIterator<Item = OsString>) -> Args {
    let mut out: Vec<OsString> = vec!["features".into()];
    let mut filter = Filter::default();
    let mut input = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(s) = arg.to_str().map(str::to_string) else {
            out.push(arg);
            continue;
        };
        let (name, inline_value) = match s.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n.to_string(), Some(v.to_string())),
            _ => (s.clone(), None),
        };
        if s == "--list" {
            return Args::List;
        }
        if s == "--exact" {
            filter.exact = true;
            continue;
        }
        if LIBTEST_FLAGS.contains(&s.as_str()) {
            continue;
        }
        if LIBTEST_OPTIONS.contains(&name.as_str()) || (s.starts_with("-Z") && s.len() > 2) {
            if inline_value.is_none() && !(s.starts_with("-Z") && s.len() > 2) {
                args.next();
            }
            continue;
        }
        if name == "--test-threads" {
            let value = inline_value.or_else(|| args.next().and_then(|v| v.into_string().ok()));
            if let Some(n) = value {
                out.push("--concurrency".into());
                out.push(n.into());
            }
            continue;
        }
        if name == "--input" || name == "-i" {
            // A file or folder is read from here: cucumber's own --input is
            // a glob, which finds nothing at an absolute path.
            let value = inline_value
                .clone()
                .map(OsString::from)
                .or_else(|| args.next());
            match value {
                Some(v) if std::path::Path::new(&v).exists() => input = Some(v.into()),
                Some(v) => {
                    out.push("--input".into());
                    out.push(v);
                }
                None => out.push(arg),
            }
            continue;
        }
        if CUCUMBER_OPTIONS.contains(&name.as_str()) {
            out.push(arg);
            if inline_value.is_none()
                && let Some(v) = args.next()
            {
                out.push(v);
            }
            continue;
        }
        if s.starts_with('-') {
            out.push(arg);
            continue;
        }
        filter.words.push(s);
    }
    Args::Run(out, filter, input)
}

/// Where the JUnit report goes: `$VDS_JUNIT_DIR/features.xml`, or nowhere.
fn junit_output() -> io::Result<Box<dyn Write>> {
    match std::env::var_os("VDS_JUNIT_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir)?;
            let file = std::fs::File::create(dir.join("features.xml"))?;
            Ok(Box::new(io::BufWriter::new(file)))
        }
        None => Ok(Box::new(io::sink())),
    }
}

fn main() {
    let self_check = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("features-self-check");
    match features::undefined_steps_fail(&self_check) {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("self-check failed: a scenario with an undefined step passed");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("self-check could not write its feature file: {e}");
            std::process::exit(1);
        }
    }
    let (args, filter, input) = match translate(std::env::args_os().skip(1)) {
        Args::List => return,
        Args::Run(args, filter, input) => (args, filter, input),
    };
    if let Some(i) = &input {
        let _ = world::INPUT.set(i.clone());
    }
    let _ = world::TRACES
        .set(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("features-traces"));
    let junit = junit_output().unwrap_or_else(|e| {
        eprintln!("VDS_JUNIT_DIR: cannot write features.xml: {e}");
        std::process::exit(2);
    });
    let run = features::Run {
        features: input.unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/features").into()),
        args,
        filter,
        junit,
    };
    let outcome = match features::run(run) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if outcome.ran_nothing() {
        eprintln!(
            "features: no scenario ran; expected --name, --tags or --input to select at least one"
        );
        std::process::exit(2);
    }
    if outcome.failed() {
        eprintln!(
            "features failed: {} failed steps, {} parsing errors, {} hook errors \
             (an undefined step counts as failed)",
            outcome.failed_steps, outcome.parsing_errors, outcome.hook_errors
        );
        std::process::exit(1);
    }
}
