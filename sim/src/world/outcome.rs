//! How a run ended: [`RunOutcome`], and [`RunError`] when it did not finish normally.

use serde::Serialize;

use crate::array::ArraySnapshot;
use crate::ledger::LedgerReport;
use crate::runtime::EngineKind;

use super::StepRecord;

/// Why a run did not finish normally.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum RunError {
    /// The run was still going at its time limit (a hang, or a Wait that never ends).
    #[error("the run did not finish within {limit_ms} ms of simulated time (hang)")]
    Hang {
        /// The limit.
        limit_ms: u128,
    },
    /// Something panicked: the provider, or the simulator itself.
    #[error("panic: {message}")]
    Panic {
        /// The panic message.
        message: String,
    },
    /// The simulator made no progress for the watchdog's limit of wall
    /// time: a task blocked its thread (a deadlock or a busy loop).
    #[error(
        "stuck: blocked thread (the simulator made no progress for {stuck_ms} ms of wall time)"
    )]
    Stuck {
        /// The watchdog's limit.
        stuck_ms: u128,
    },
    /// The engine itself failed.
    #[error("engine failure: {message}")]
    Engine {
        /// Its message.
        message: String,
    },
    /// A provider outside the harness's process broke its protocol: it
    /// exited, wrote something that is not a message, answered twice or
    /// never answered ([`SimProvider::end`](crate::provider::SimProvider::end)).
    #[error("provider failure (seed {seed}): {message}")]
    Provider {
        /// The run's seed.
        seed: u64,
        /// What it did, with the protocol line.
        message: String,
        /// True when it hung: no answer within its turn limit.
        hung: bool,
    },
}

/// The result of one run.
#[derive(Clone, Debug, Serialize)]
pub struct RunOutcome {
    /// The seed.
    pub seed: u64,
    /// The engine.
    pub engine: EngineKind,
    /// The provider's name.
    pub provider: String,
    /// What the provider declared of its design, which it is judged against.
    pub declaration: crate::provider::declaration::Declaration,
    /// The trace, event by event (each renders as one JSON line).
    pub trace: Vec<crate::trace::TraceLine>,
    /// Every step of every client, in the order they returned.
    pub steps: Vec<StepRecord>,
    /// The ledger's verdict.
    pub ledger: LedgerReport,
    /// The array at the start.
    pub initial_array: ArraySnapshot,
    /// The array at the end.
    pub array: ArraySnapshot,
    /// Every change the array applied or refused, in order: the ground truth.
    pub array_log: Vec<crate::array::ArrayEvent>,
    /// Set when the run did not finish normally.
    pub error: Option<RunError>,
    /// The provider's protocol transcript, for a provider in another
    /// process ([`ProviderEnd::transcript`](crate::provider::ProviderEnd::transcript));
    /// empty for in-process providers.
    pub transcript: Vec<String>,
    /// What the run asked of its engine (tasks, timers, array requests);
    /// empty for a run abandoned as stuck.
    pub census: crate::runtime::Census,
}

impl RunOutcome {
    /// The trace as one string, a newline after each line.
    pub fn trace_text(&self) -> String {
        crate::trace::render(&self.trace)
    }

    /// The steps of one client, in order.
    pub fn steps_of(&self, client: &str) -> Vec<&StepRecord> {
        self.steps.iter().filter(|s| s.client == client).collect()
    }
}
