//! `features`: the Gherkin features run by the binary alone, no Rust
//! toolchain needed: the project's own (compiled in) or a file or folder
//! given, such as the `.feature` that `shrink` and `run --shrink` write.

use std::path::PathBuf;

use super::args::{factory_limited, parse_positive, parse_provider};
use super::{CliError, CliResult};
use crate::features::{self, Filter, world};

/// `vds-harness features`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run Gherkin features against a provider: the project's own features (compiled \
into this binary) when no PATH is given, else the .feature file or the folder of them at PATH (a \
shrunk failure's feature, say). Every scenario runs on both engines unless it names one; \
scenarios that inject a fault the provider cannot take are left out. A failing step prints the \
run's calls, where its trace was written, and a reproduce: line that runs that scenario alone.\n\n\
Exit status: 0 every scenario passed, 1 a step failed (an undefined step counts as failed), 2 bad \
usage or bad input (an unknown provider, a missing PATH, a feature that does not parse, or a \
selection that runs no scenario).",
    after_help = "Examples:\n  vds-harness features\n  vds-harness features --provider 'exec:python3 my_provider.py'\n  \
vds-harness features artifacts/at-the-limit-madsim-seed0.feature --provider mutant:duplicate-tags\n  \
vds-harness features --name 'limit' --junit features.xml"
)]
pub struct FeaturesArgs {
    /// A .feature file or a folder of them [default: the features compiled in].
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// The provider under test, unless a scenario names one: `reference`,
    /// `mutant:NAME`, `control:NAME` or `exec:COMMAND`.
    #[arg(long, value_name = "P", default_value = "reference", value_parser = parse_provider)]
    pub provider: String,
    /// Run only the scenarios whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub name: Option<String>,
    /// Run only the scenarios whose tags match this expression (`@CPG-LIMIT and not @slow`).
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Where a failing scenario's trace is written [default: artifacts/].
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
    /// Wall seconds an `exec:` provider may take for one turn before it is
    /// reported as hung.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = parse_positive)]
    pub stuck_after: u64,
}

/// `vds-harness features`.
pub fn command(a: &FeaturesArgs) -> CliResult {
    // Unknown providers and commands that fail their handshake stop here.
    factory_limited(&a.provider, a.stuck_after)?;
    if let Some(path) = &a.path
        && !path.exists()
    {
        return Err(CliError::Usage(format!(
            "no feature file or folder at {}; expected a .feature file or a folder of them",
            path.display()
        )));
    }
    if let Some(path) = &a.path {
        parses(path)?;
    }
    if let Some(path) = &a.junit {
        super::run::check_output_file(path, "the JUnit report", "--junit")?;
    }
    let scratch = std::env::temp_dir().join(format!("vds-harness-features-{}", std::process::id()));
    let result = run_in(a, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn run_in(a: &FeaturesArgs, scratch: &std::path::Path) -> CliResult {
    let io = |e: std::io::Error| {
        CliError::Usage(format!(
            "cannot write to {}: {e}; expected a writable temporary directory",
            scratch.display()
        ))
    };
    if !features::undefined_steps_fail(&scratch.join("self-check")).map_err(io)? {
        return Err(CliError::Usage(
            "self-check failed: a scenario with an undefined step passed".into(),
        ));
    }
    let path = match &a.path {
        Some(p) => {
            let _ = world::INPUT.set(p.clone());
            p.clone()
        }
        None => {
            let dir = scratch.join("features");
            features::write_built_in(&dir).map_err(io)?;
            dir
        }
    };
    let _ = world::PROVIDER.set(a.provider.clone());
    let _ = world::TRACES.set(a.artifacts.clone().unwrap_or_else(|| "artifacts".into()));
    let _ = world::REPRODUCE.set(format!("{} features", crate::providers::program()));
    let junit: Box<dyn std::io::Write> = match &a.junit {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).map_err(
            |e| {
                CliError::Usage(format!(
                    "cannot write the JUnit report to {}: {e}",
                    p.display()
                ))
            },
        )?)),
        None => Box::new(std::io::sink()),
    };
    let mut args: Vec<std::ffi::OsString> = vec!["vds-harness features".into()];
    for (flag, value) in [("--name", &a.name), ("--tags", &a.tags)] {
        if let Some(v) = value {
            args.extend([flag.into(), v.into()]);
        }
    }
    let run = features::Run {
        features: path,
        args,
        filter: Filter::default(),
        junit,
    };
    let outcome = features::run(run).map_err(|e| CliError::Usage(super::one_line(&e)))?;
    if outcome.parsing_errors > 0 {
        return Err(CliError::Usage(format!(
            "{} feature file(s) could not be parsed (see above); expected Gherkin in the words of the project's features",
            outcome.parsing_errors
        )));
    }
    if outcome.ran_nothing() {
        return Err(CliError::Usage(
            "no scenario ran; expected PATH, --name or --tags to select at least one".into(),
        ));
    }
    if outcome.failed() {
        errln!(
            "features failed: {} failed step(s), {} hook error(s) (an undefined step counts as failed)",
            outcome.failed_steps,
            outcome.hook_errors
        );
        return Err(CliError::Violations);
    }
    Ok(())
}

/// Parses every feature file at `path` (a file or a folder, recursively),
/// refusing the first that is not Gherkin with the parser's own account
/// of where.
fn parses(path: &std::path::Path) -> CliResult {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().is_some_and(|x| x == "feature") {
                parses(&p)?;
            }
        }
        return Ok(());
    }
    let env = cucumber::gherkin::GherkinEnv::default();
    cucumber::gherkin::Feature::parse_path(path, env)
        .map(|_| ())
        .map_err(|e| {
            // The parser's position is in the error's sources.
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why = format!("{why}: {s}");
                source = s.source();
            }
            CliError::Usage(format!(
                "{}: not a Gherkin feature ({why}); expected `Feature:` and scenarios in the words of the project's features",
                path.display()
            ))
        })
}
