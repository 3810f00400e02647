//! The contract as the project's reviewers read it: Gherkin features in
//! `features/` (run by `tests/features.rs`) and `VDS_ASYNC_OUTPUT`
//! snapshots in `snapshots/` (pinned by `tests/snapshots.rs`). The library
//! itself only re-exports the two crates they use.

pub use vds_harness as harness;
pub use vds_sim as sim;
