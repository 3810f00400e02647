//! The trace: every event of a run, stamped with simulated time and a
//! sequence number. It is kept as structured [`TraceLine`]s, which judges
//! read directly; each renders as one JSON line only when a trace is written
//! (a failing run, `replay`, artifacts, digests). For the same seed, engine,
//! scenario and provider it is the same bytes in every process and build.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::hresult::HResult;
use crate::method::Method;
use crate::output_type::VDS_ASYNC_OUTPUT_TYPE;
use crate::props::VDS_OBJECT_ID;
use crate::runtime;

/// A pointer as the trace shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PointerRecord {
    /// The union arm's field, e.g. `cpg.pPortalGroupUnk`.
    pub field: &'static str,
    /// The interface it is typed as.
    pub interface: &'static str,
    /// The ledger reference number.
    #[serde(rename = "ref")]
    pub(crate) ref_id: u64,
    /// The object behind it.
    pub object: Option<VDS_OBJECT_ID>,
}

/// `VDS_ASYNC_OUTPUT` as the trace shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutputRecord {
    /// The `type` member.
    #[serde(rename = "type")]
    pub output_type: VDS_ASYNC_OUTPUT_TYPE,
    /// The pointer in the union arm, if not `NULL`.
    pub pointer: Option<PointerRecord>,
}

/// One event of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "ev", rename_all = "snake_case")]
pub enum Event {
    /// The run starts.
    Start {
        /// The run's seed.
        seed: u64,
        /// The engine.
        engine: runtime::EngineKind,
        /// The provider under test.
        provider: String,
    },
    /// A client calls a method.
    Call {
        /// The client.
        client: String,
        /// Its step number (0 for set-up calls).
        step: usize,
        /// `Interface::Method`.
        method: Method,
        /// The object called, if it has an id.
        object: Option<VDS_OBJECT_ID>,
        /// Arguments, rendered.
        args: String,
    },
    /// The method returns.
    Return {
        /// The client.
        client: String,
        /// Its step number.
        step: usize,
        /// `Interface::Method`.
        method: Method,
        /// The method's own HRESULT.
        hr: HResult,
        /// `pHrResult` of Wait or QueryStatus.
        #[serde(skip_serializing_if = "Option::is_none")]
        hr_result: Option<HResult>,
        /// QueryStatus's percentage.
        #[serde(skip_serializing_if = "Option::is_none")]
        percent: Option<u32>,
        /// Wait's output.
        #[serde(skip_serializing_if = "Option::is_none")]
        output: Option<OutputRecord>,
        /// Other out-parameters, rendered.
        #[serde(skip_serializing_if = "String::is_empty")]
        out: String,
    },
    /// A step could not be made, e.g. it names an object an earlier step failed to produce.
    Skip {
        /// The client.
        client: String,
        /// Its step number.
        step: usize,
        /// Why.
        reason: String,
    },
    /// A fault fires (or its probability says no).
    Fault {
        /// The fault rule's index in the plan.
        rule: usize,
        /// The fault's kind.
        kind: crate::fault_kind::FaultKind,
        /// True if it took effect.
        fired: bool,
        /// What it did.
        detail: String,
    },
    /// The run ends.
    End {
        /// How it ended.
        outcome: String,
    },
}

/// One event of a run with its sequence number and simulated time.
/// `Display` renders it as the trace's JSON line.
///
/// ```
/// use vds_sim::trace::{Event, Trace};
/// let trace = Trace::new();
/// trace.record_at(5, Event::End { outcome: "finished".into() });
/// let line = &trace.lines()[0];
/// assert_eq!(line.to_string(), r#"{"seq":0,"t_us":5,"ev":"end","outcome":"finished"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceLine {
    /// Its place in the trace, from 0.
    pub seq: usize,
    /// Simulated microseconds since the run started.
    pub t_us: u128,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

impl std::fmt::Display for TraceLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&json)
    }
}

/// Renders lines as the trace file's text: one JSON line each, a newline after each.
pub fn render(lines: &[TraceLine]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for line in lines {
        let _ = writeln!(s, "{line}");
    }
    s
}

/// Collects a run's events. Cheap to clone: clones share one trace.
#[derive(Clone)]
pub struct Trace {
    lines: Arc<Mutex<Vec<TraceLine>>>,
}

impl Default for Trace {
    fn default() -> Self {
        // Room for a typical run's events (a mixed run has about 100), so
        // that recording seldom moves the ones already recorded.
        Self {
            lines: Arc::new(Mutex::new(Vec::with_capacity(128))),
        }
    }
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trace").finish_non_exhaustive()
    }
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an event at the current simulated time; returns its sequence number.
    pub(crate) fn record(&self, event: Event) -> usize {
        let t_us = runtime::now().as_micros();
        runtime::beat();
        self.record_at(t_us, event)
    }

    /// Records an event at a given time (for events outside a running world);
    /// returns its sequence number.
    pub fn record_at(&self, t_us: u128, event: Event) -> usize {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        let seq = lines.len();
        lines.push(TraceLine { seq, t_us, event });
        tracing::trace!(target: "vds_sim::trace", "{}", lines[seq]);
        seq
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<TraceLine> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The lines so far, leaving the trace empty (the end of a run).
    pub(crate) fn take(&self) -> Vec<TraceLine> {
        std::mem::take(&mut *self.lines.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
