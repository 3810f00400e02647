//! `merge`: the JSON reports of a sweep's shards put back together: the
//! matrix, the failures grouped, one JUnit file and one JSON report, and the
//! exit status the unsharded sweep would have had.

use std::path::PathBuf;

use super::{CliError, CliResult};
use crate::report;

/// `vds-harness merge`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Merge the JSON reports (--report FILE) of the shards of one sweep into the report \
the unsharded sweep would have made: the same matrix, failing runs (the first --keep-failures per \
check, in plan order), distinct failures and verdict. Refuses reports of different builds, \
providers, declarations or plans, a shard given twice, and missing shards.\n\n\
Exit status: 0 no violation, 1 violations found, 2 bad usage or bad input (a report missing, \
malformed or not of the same sweep), 3 inconclusive, 128 + N when a shard was interrupted by \
signal N.",
    after_help = "Examples:\n  vds-harness sweep --seeds 3000 --shard 1/3 --report s1.json   # on three machines\n  \
vds-harness merge s1.json s2.json s3.json --junit junit.xml --report sweep.json"
)]
pub struct MergeArgs {
    /// The shards' JSON reports, one per shard, in any order.
    #[arg(value_name = "REPORT.json", required = true)]
    pub reports: Vec<PathBuf>,
    /// Write one JUnit XML report of the whole sweep here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the merged JSON report here (schema: docs/report.schema.json).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Reads one report.
fn read(path: &PathBuf) -> Result<(String, serde_json::Value), CliError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read {file}: {e}; expected a JSON report written by `vds-harness sweep --report`"
        ))
    })?;
    let doc = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{file}:{}:{}: {e}; expected a JSON report written by `vds-harness sweep --report`",
            e.line(),
            e.column()
        ))
    })?;
    Ok((file, doc))
}

/// `vds-harness merge`.
pub fn command(a: &MergeArgs) -> CliResult {
    if let Some(path) = &a.junit {
        super::run::check_output_file(path, "the JUnit report", "--junit")?;
    }
    if let Some(path) = &a.report {
        super::run::check_output_file(path, "the report", "--report")?;
    }
    let docs = a.reports.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let merged = report::merge(&docs).map_err(|e| CliError::Usage(e.to_string()))?;
    let r = &merged.report;
    outln!("merged {} report(s): {} runs", docs.len(), r.runs);
    out!("{}", report::matrix(r));
    if !r.failures.is_empty() {
        outln!();
        out!("{}", report::summary(r));
        out!("{}", report::distinct_text(r));
        if r.unkept > 0 {
            outln!(
                "{} more failing run(s) beyond --keep-failures {} per check: counted; each shard's artifacts list them in {}",
                r.unkept,
                merged.keep_failures,
                report::FAILING_RUNS
            );
        }
    }
    let json = a.report.as_deref().map(|path| (path, merged.plan.clone()));
    let io_errors = super::run::write_reports(r, json, a.junit.as_deref());
    super::run::verdict_of(r, io_errors)
}
