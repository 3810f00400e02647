//! The `vds-harness` command line: a thin clap layer over the library.
//!
//! Every flag maps one to one onto a library value ([`SuiteConfig`] for
//! `run`, `sweep` and `mutants`; a [`RunId`] for `replay`), so what the
//! command does, a provider author's own test can do too. The binary is
//! `vds_harness::cli::main()` and nothing else.
//!
//! Exit status: 0 conformant or success, 1 violations found (or the harness
//! itself failed during a run, with the seed), 2 bad usage or bad input.
//! Every error is one line on standard error saying what was expected.
//!
//! [`SuiteConfig`]: crate::suite::SuiteConfig
//! [`RunId`]: crate::suite::RunId

/// `print!` to standard output that stops quietly once the reader has gone
/// (a closed pipe, as under `| head -1`) instead of panicking.
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::write_out(format_args!($($t)*)) };
}

/// `println!` to standard output, stopping quietly like [`out!`].
macro_rules! outln {
    () => { $crate::cli::write_out(format_args!("\n")) };
    ($($t:tt)*) => { $crate::cli::write_out(format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprintln!` that never panics: a closed standard error (a pipe whose
/// reader went away) must not change the verdict or lose files.
macro_rules! errln {
    ($($t:tt)*) => { $crate::cli::write_err(format_args!("{}\n", format_args!($($t)*))) };
}

mod args;
mod bench;
mod explain;
mod features;
mod listings;
mod merge;
mod mutants;
mod panic;
mod progress;
mod replay;
mod run;
mod shrink;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use args::{EngineChoice, Shard};
pub use explain::{explain, explain_text};

/// The command line's value parsers, for the fuzz targets in `fuzz/`.
#[doc(hidden)]
pub mod parsers {
    pub use super::args::{
        parse_bytes, parse_count, parse_engine, parse_positive, parse_seed, parse_shard, shard_from,
    };
    pub use super::explain::parse_code;
}

/// Exit status: the run was conformant, or the command succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit status: violations were found.
pub const EXIT_VIOLATIONS: u8 = 1;
/// Exit status: bad usage or bad input.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: no violation, but some check could not be judged wherever
/// the suite requires it (see [`crate::suite::Verdict::Inconclusive`]).
pub const EXIT_INCONCLUSIVE: u8 = 3;

/// The version `--version` prints: the package's and the commit built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("VDS_HARNESS_COMMIT"),
    ")"
);

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "vds-harness",
    version = VERSION,
    propagate_version = true,
    about = "Conformance harness for VDS iSCSI hardware providers (IVdsIscsiTarget::CreatePortalGroup, IVdsAsync)",
    long_about = "Conformance harness for VDS iSCSI hardware providers: runs deterministic \
simulations of IVdsIscsiTarget::CreatePortalGroup and IVdsAsync on two engines (madsim, \
turmoil), judges every run against the contract profile, and reports a verdict per check.\n\n\
Exit status: 0 conformant/success, 1 violations found, 2 bad usage or bad input, 3 inconclusive \
(no violation, but a check, cell or state the suite requires was reached by no run).",
    after_help = "Examples:\n  vds-harness run\n  vds-harness run --provider mutant:duplicate-tags --junit out.xml\n  \
vds-harness sweep --seeds 1000 --shard 1/4\n  vds-harness replay --campaign mixed --engine turmoil --seed 7\n  \
vds-harness explain 0x8004240B"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the conformance suite (or YAML scenario files) against a provider.
    Run(run::RunArgs),
    /// Run many seeds of one campaign (default `mixed`), optionally one shard of them.
    Sweep(run::SweepArgs),
    /// Merge the JSON reports of a sweep's shards into one matrix, JUnit file and report.
    Merge(merge::MergeArgs),
    /// Print the whole trace of one run; or check that it is deterministic.
    Replay(replay::ReplayArgs),
    /// Shrink a failing run to the smallest world that still fails the same check.
    Shrink(shrink::ShrinkArgs),
    /// Decode an HRESULT and say what a caller should do about it.
    Explain(explain::ExplainArgs),
    /// List every conformance check with the profile rule it enforces.
    Checks,
    /// Print the contract profile: every rule, documented or decided, with its source.
    Profile(listings::ProfileArgs),
    /// Run the suite and print rule coverage: runs per (check, method) cell and engine.
    Coverage(run::RunArgs),
    /// Run every mutant and print the kill matrix; or list the mutants.
    Mutants(mutants::MutantsArgs),
    /// List the control providers: correct providers of other designs the suite must pass.
    Controls,
    /// Measure simulation throughput on each engine.
    Bench(bench::BenchArgs),
    /// Run Gherkin features (the project's own, compiled in, or a file or folder) against a provider.
    Features(features::FeaturesArgs),
}

/// A command that could not do its job.
#[derive(Debug)]
pub enum CliError {
    /// Bad usage or bad input (exit 2). One line, saying what was expected.
    Usage(String),
    /// The command ran and found violations (exit 1); already reported.
    Violations,
    /// The command ran, found no violation, but could not judge every
    /// check wherever it applies (exit 3); already reported.
    Inconclusive,
    /// A signal stopped the command before the end of its runs (exit 128 +
    /// the signal's number); what was found is reported and written.
    Interrupted(crate::interrupt::Signal),
}

/// What a command returns.
pub type CliResult = Result<(), CliError>;

/// Set once standard output could not be written (its reader has gone).
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes to standard output; after the first failed write (a closed pipe,
/// say) every later one is dropped, so the command still finishes and
/// exits with the status its verdict gives, without a panic message.
#[doc(hidden)]
pub fn write_out(args: std::fmt::Arguments<'_>) {
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).is_err() {
        STDOUT_GONE.store(true, Ordering::Relaxed);
    }
}

/// Writes to standard error, ignoring a closed stream (see `errln!`).
pub fn write_err(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Runs the command line in `args` (the first item is the program name) and
/// returns the exit status. Prints to standard output and standard error.
pub fn run_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `help --help` (or `-h`) asks for the help of `help`, as `help help` does.
    if args.get(1).is_some_and(|a| a == "help")
        && args.len() == 3
        && (args[2] == "--help" || args[2] == "-h")
    {
        args[2] = "help".into();
    }
    let matches = match command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return clap_error(e, &args),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return clap_error(e, &args),
    };
    panic::install();
    let outcome = std::panic::catch_unwind(|| dispatch(cli));
    match outcome {
        Ok(Ok(())) => EXIT_OK,
        Ok(Err(CliError::Violations)) => EXIT_VIOLATIONS,
        Ok(Err(CliError::Inconclusive)) => EXIT_INCONCLUSIVE,
        Ok(Err(CliError::Interrupted(sig))) => sig.exit_status(),
        Ok(Err(CliError::Usage(msg))) => {
            errln!("error: {}", one_line(&msg));
            EXIT_USAGE
        }
        Err(_) => {
            errln!("error: {}", panic::describe_last());
            EXIT_VIOLATIONS
        }
    }
}

/// The subcommands that take `--provider`.
const WITH_PROVIDER: [&str; 7] = [
    "run", "sweep", "coverage", "replay", "shrink", "bench", "features",
];

/// The command line's definition; with a provider registered by
/// [`crate::main`], that provider is `--provider`'s default.
fn command() -> clap::Command {
    let mut cmd = Cli::command();
    if let Some(own) = crate::providers::own_name() {
        let own: &'static str = Box::leak(own.into_boxed_str());
        for sub in WITH_PROVIDER {
            cmd = cmd.mut_subcommand(sub, |c| c.mut_arg("provider", |a| a.default_value(own)));
        }
        let program = std::path::Path::new(crate::providers::program())
            .file_name()
            .map_or("vds-harness".to_string(), |n| {
                n.to_string_lossy().into_owned()
            });
        cmd = cmd.name(&*Box::leak(program.into_boxed_str()));
    }
    cmd
}

/// The binary's `main`: runs the process's command line.
pub fn main() -> ExitCode {
    ExitCode::from(run_args(std::env::args_os()))
}

fn dispatch(cli: Cli) -> CliResult {
    match cli.command {
        Command::Run(a) => run::run(&a),
        Command::Sweep(a) => run::sweep(&a),
        Command::Coverage(a) => run::coverage(&a),
        Command::Merge(a) => merge::command(&a),
        Command::Replay(a) => replay::replay(&a),
        Command::Shrink(a) => shrink::shrink(&a),
        Command::Explain(a) => explain::command(&a),
        Command::Checks => {
            out!("{}", listings::checks());
            Ok(())
        }
        Command::Profile(a) => {
            match a.format {
                listings::Format::Text => out!("{}", listings::profile()),
                listings::Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&listings::profile_json()).unwrap_or_default()
                ),
            }
            Ok(())
        }
        Command::Mutants(a) => mutants::command(&a),
        Command::Controls => {
            out!("{}", listings::control_list());
            Ok(())
        }
        Command::Bench(a) => bench::command(&a),
        Command::Features(a) => features::command(&a),
    }
}

/// Prints a clap error: help and version as clap prints them (exit 0),
/// anything else as one line on standard error (exit 2).
fn clap_error(e: clap::Error, args: &[std::ffi::OsString]) -> u8 {
    use clap::error::ErrorKind;
    let cmd = Cli::command();
    let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
    // The subcommand in use, for the pointer to its help.
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| names.contains(a));
    let help = match sub {
        Some(s) => format!("vds-harness {s} --help"),
        None => "vds-harness --help".to_string(),
    };
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            EXIT_OK
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let names: Vec<&str> = names.into_iter().filter(|n| *n != "help").collect();
            errln!(
                "error: a subcommand is required; expected one of {} (see `{help}`)",
                names.join(", ")
            );
            EXIT_USAGE
        }
        _ => {
            let text = e.render().to_string();
            let parts: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with("Usage:")
                        && !l.starts_with("For more information")
                })
                .collect();
            let joined = parts.join("; ").replace(":; ", ": ");
            let body = joined.strip_prefix("error: ").unwrap_or(&joined);
            // One pointer to more help: the message's own, if it has one.
            if body.contains("(see `") {
                errln!("error: {body}");
            } else {
                errln!("error: {body} (see `{help}`)");
            }
            EXIT_USAGE
        }
    }
}

/// Folds a message onto one line.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
