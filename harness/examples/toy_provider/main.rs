//! A toy VDS iSCSI hardware provider, written from scratch against the
//! contract traits, and run through the whole conformance suite exactly as
//! a provider author outside this repository would run it.
//!
//! ```text
//! cargo run  -p vds-harness --example toy_provider -- run       # matrix; exit 0 if conformant
//! cargo run  -p vds-harness --example toy_provider -- replay --campaign mixed --seed 7
//! cargo run  -p vds-harness --example toy_provider -- --help    # every vds-harness command
//! cargo test -p vds-harness --example toy_provider              # the same suite as a #[test]
//! ```
//!
//! `main` is one call, [`vds_harness::main`]: the whole `vds-harness`
//! command line with this provider as `--provider`'s default.
//!
//! Design (deliberately unlike the reference provider in `vds_sim::provider`):
//!
//! - **No cache.** Every call asks the array over `ctx.link` (`Snapshot`,
//!   `GetTarget`, `GetPortalGroup`, `Discover`), so what a call reports is
//!   what the array held when it answered. Reenumerate and Refresh send one
//!   request each and have nothing to rebuild. Consequently
//!   `inject(CorruptCache)` answers `false`, the cache-corruption fault does
//!   nothing, and the three `CACHE-*` checks are **not exercised**. The
//!   factory says so (`cannot_take`), so they show as `untested` in the
//!   matrix instead of failing the suite.
//! - **Busy flags per target.** A changing call (CreatePortalGroup, target
//!   Delete, AddPortal/RemovePortal/portal-group Delete) claims its target
//!   before it asks the array and holds it until its operation ends; a
//!   second one answers `VDS_E_ANOTHER_CALL_IN_PROGRESS`.
//! - **IVdsAsync** (`op.rs`): queued for 2 ms (the only time Cancel works),
//!   then one array request. Completion is watch-style: Wait parks its
//!   waker in the operation, the end wakes them all. Progress is simulated
//!   time over a 40 ms estimate, capped at 99 and never decreasing.
//! - **Choices the profile leaves open**, made differently from the
//!   reference on purpose, to show the suite accepts them: at the group
//!   limit Wait hands back the group with the *highest* tag with pHrResult
//!   `S_OK` (rule `CPG-LIMIT-EXISTING`); a failed Wait reports
//!   `VDS_ASYNCOUT_UNKNOWN` (rule `WAIT-FAILURE-OUTPUT-TYPE`); the cancel
//!   window is 2 ms (rule `ASYNC-CANCEL-WINDOW`).
//! - **Provider faults:** `FailNextAllocation` (the next call answers
//!   `E_OUTOFMEMORY`) and `Restart` (operations in flight end with
//!   `VDS_E_PROVIDER_EXITING`) are supported.
//!
//! The trait impls use `#[async_trait]` (vds-sim re-exports
//! `async_trait`), so a provider crate needs no dependency of its own for it.

mod design;
mod op;
mod provider;

use std::process::ExitCode;

pub use design::ToyFactory;

// `cargo test -p vds-harness --example toy_provider` runs the whole suite.
vds_harness::conformance_test!(toy_provider_conforms, ToyFactory::default());

fn main() -> ExitCode {
    vds_harness::main(ToyFactory::default())
}
