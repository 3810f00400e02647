//! [`RunContext`]: what every part of a running world shares, from the
//! provider and the array to the trace, the ledger and the step records.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::array::link::LinkControl;
use crate::array::{Array, ArraySnapshot};
use crate::faults::injector::Injector;
use crate::ledger::Ledger;
use crate::program::ClientProgram;
use crate::provider::{ProviderFactory, SimProvider};
use crate::trace::Trace;

use super::{RunError, RunOutcome, StepRecord, WorldConfig};

/// What every part of a running world shares.
pub struct RunContext {
    /// The run's trace.
    pub(crate) trace: Trace,
    /// The interface ledger.
    pub(crate) ledger: Ledger,
    /// The array.
    pub(crate) array: Array,
    /// The array as it was when the run started.
    pub(crate) initial_array: ArraySnapshot,
    /// The provider under test.
    pub(crate) provider: Arc<dyn SimProvider>,
    /// The fault injector's handle on the link.
    pub(crate) link: Arc<dyn LinkControl>,
    /// The fault plan being fired.
    pub(crate) injector: Injector,
    /// Step records, in return order.
    pub(crate) steps: Mutex<Vec<StepRecord>>,
    /// The first panic of any task of the world.
    pub(crate) panics: crate::runtime::PanicSlot,
    /// Client tasks started by faults, still running.
    pub(crate) extra_clients: Mutex<Vec<futures::channel::oneshot::Receiver<()>>>,
    /// How the engine starts a client that a fault adds.
    pub(crate) start_client: ClientStarter,
    /// What the provider declared of its design.
    pub(crate) declaration: crate::provider::declaration::Declaration,
}

/// How an engine starts one more client during a run (as a task of its own).
pub(crate) type ClientStarter = fn(Arc<RunContext>, ClientProgram);

impl RunContext {
    /// Takes the records and verdicts at the end of a run.
    pub(crate) fn finish(
        &self,
        seed: u64,
        engine: crate::runtime::EngineKind,
        provider: String,
        error: Option<RunError>,
        end: Duration,
    ) -> RunOutcome {
        // A provider that broke its protocol ended the run (a panic stops
        // the world); its own account of what happened is the verdict.
        let ended = self.provider.end();
        let error = match ended.failure {
            Some(message) => Some(RunError::Provider {
                seed,
                message,
                hung: ended.hung,
            }),
            None => error,
        };
        let outcome = match &error {
            None => "finished".to_string(),
            Some(e) => e.to_string(),
        };
        self.trace
            .record_at(end.as_micros(), crate::trace::Event::End { outcome });
        RunOutcome {
            seed,
            engine,
            provider,
            trace: self.trace.take(),
            steps: std::mem::take(&mut *self.steps.lock().unwrap_or_else(|e| e.into_inner())),
            ledger: self.ledger.report(),
            initial_array: self.initial_array.clone(),
            array: self.array.snapshot(),
            array_log: self.array.log(),
            error,
            transcript: ended.transcript,
            declaration: self.declaration,
            census: crate::runtime::Census::default(),
        }
    }
}

/// Builds the parts of a world that do not depend on the engine.
pub(crate) fn build_context(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
    array: Array,
    link: Arc<dyn crate::array::link::ArrayLink>,
    control: Arc<dyn LinkControl>,
    start_client: ClientStarter,
) -> Arc<RunContext> {
    use crate::seeds::{Stream, derive};
    let ledger = Ledger::new();
    let provider = factory.create(crate::provider::ProviderContext {
        ledger: ledger.clone(),
        link,
        seed: derive(cfg.seed, Stream::Provider),
    });
    let trace = Trace::new();
    trace.record_at(
        0,
        crate::trace::Event::Start {
            seed: cfg.seed,
            engine: cfg.engine,
            provider: factory.name(),
        },
    );
    Arc::new(RunContext {
        trace,
        ledger,
        initial_array: array.snapshot(),
        array,
        provider,
        link: control,
        injector: Injector::new(cfg.faults.clone(), derive(cfg.seed, Stream::Faults)),
        steps: Mutex::new(Vec::with_capacity(64)),
        panics: crate::runtime::PanicSlot::default(),
        extra_clients: Mutex::new(Vec::new()),
        start_client,
        declaration: factory.declaration(),
    })
}

/// Waits for the clients that faults started, so none is cut off.
pub async fn drain_extra_clients(ctx: &RunContext) {
    loop {
        let pending =
            std::mem::take(&mut *ctx.extra_clients.lock().unwrap_or_else(|e| e.into_inner()));
        if pending.is_empty() {
            return;
        }
        for rx in pending {
            let _ = rx.await;
        }
    }
}

impl crate::faults::injector::FaultScope for RunContext {
    fn provider(&self) -> &dyn SimProvider {
        self.provider.as_ref()
    }
    fn array(&self) -> &Array {
        &self.array
    }
    fn link(&self) -> Arc<dyn LinkControl> {
        self.link.clone()
    }
    fn trace(&self) -> &Trace {
        &self.trace
    }
    fn start_client(self: Arc<Self>, program: ClientProgram) {
        (self.start_client)(self.clone(), program);
    }
}
