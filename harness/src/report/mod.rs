//! Reports of a suite run: the conformance matrix as text, and the
//! summary of failures with the command that replays each.

mod artifacts;
mod coverage;
mod json;
mod junit;
mod matrix;
mod merge;
mod output;
pub mod page;

pub use artifacts::{
    Artifact, FAILING_RUNS, artifact_stem, artifact_stem_of, findings_text, spill_to,
    write_artifacts, write_run,
};
pub use coverage::{CoverageRow, coverage, coverage_rows};
pub use json::json_report;
pub use junit::{escape as xml_escape, junit};
pub use matrix::{Distinct, distinct_failures, distinct_text, matrix, summary};
pub use merge::{MergeError, Merged, merge};
pub use output::{check_writable_dir, check_writable_file, write_atomic};
