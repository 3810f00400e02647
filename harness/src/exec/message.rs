//! The messages a provider process writes ([`FromProvider`]), and the
//! protocol's version. What the harness writes is built where it is sent
//! (`session.rs`, `objects.rs`); `docs/provider-protocol.schema.json`
//! describes both directions.

use serde::Deserialize;
use serde_json::{Map, Value};
use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::provider::declaration::LockDomain;

/// The protocol version this harness speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// One line from the provider process.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum FromProvider {
    /// Ends the `hello` turn: the version and what it can suffer.
    HelloOk {
        /// Must be [`PROTOCOL_VERSION`].
        protocol: u64,
        /// Its own name, for the transcript.
        #[allow(dead_code)]
        name: String,
        /// The provider-side faults it can suffer.
        #[serde(default)]
        faults: Vec<String>,
        /// Its lock domain (default `target`).
        #[serde(default)]
        lock_domain: LockDomain,
        /// Whether Reenumerate and Refresh run alongside operations (default false).
        #[serde(default)]
        refresh_alongside: bool,
        /// Methods it never carries out, by SDK name (default none).
        #[serde(default)]
        not_supported: Vec<String>,
        /// Whether its operations end inside the call that starts them (default false).
        #[serde(default)]
        operations_end_in_call: bool,
    },
    /// The answer to a call: ends the call's turn, or answers a call left pending.
    Reply {
        /// The call answered.
        call: u64,
        /// The method's HRESULT.
        hr: HResult,
        /// Out-parameters by SDK name.
        #[serde(default)]
        out: Option<Map<String, Value>>,
    },
    /// Ends a call's turn without an answer yet.
    Pending {
        /// The call (the one that opened the turn).
        call: u64,
    },
    /// Ends any turn not opened by a call.
    Done {
        /// For a `fault` turn: whether the fault was suffered.
        #[serde(default)]
        applied: Option<bool>,
    },
    /// A request to the array over the simulated link.
    Array {
        /// The provider's id for it, echoed in the answer.
        req: u64,
        /// The request.
        request: ArrayRequest,
    },
    /// Asks for a `fire` turn after this much simulated time.
    Timer {
        /// The provider's id for it.
        timer: u64,
        /// Simulated microseconds from now.
        after_us: u64,
    },
    /// Drops a timer not yet fired.
    CancelTimer {
        /// The timer.
        timer: u64,
    },
    /// A note for the harness's log.
    Log {
        /// The text.
        text: String,
    },
}

impl FromProvider {
    /// Parses one line.
    pub(crate) fn parse(line: &str) -> Result<Self, String> {
        serde_json::from_str(line).map_err(|e| e.to_string())
    }
}
