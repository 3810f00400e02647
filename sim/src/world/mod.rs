//! A world: one array, one provider under test, its clients and a fault
//! plan, run on one engine from one seed. [`WorldConfig`] describes it;
//! [`crate::run`] runs it and returns a [`RunOutcome`]. The engines lay it
//! out ([`crate::engine`]); this module holds what they share:
//! the configuration, the run's shared context, the step records and the outcome.

mod config;
mod context;
mod outcome;
mod records;

pub use config::WorldConfig;
pub(crate) use context::{RunContext, build_context, drain_extra_clients};
pub use outcome::{RunError, RunOutcome};
pub use records::{GroupProbe, Observe, Origin, Seen, StepRecord, TargetProbe};
