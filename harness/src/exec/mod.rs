//! Providers in any language: [`ExecFactory`] runs a provider as a child
//! process that speaks the stdio provider protocol (JSON lines, lock-step;
//! `docs/provider-protocol.md`, `docs/provider-protocol.schema.json`).
//!
//! The harness keeps the whole simulation: the array, the link and its
//! faults, the clients, virtual time and the ledger. The process is handed
//! the run's provider seed, answers calls on objects it names, and reaches
//! the array and time only through requests that the harness carries out on
//! the run's [`ArrayLink`](vds_sim::array::link::ArrayLink) and timers. So a
//! run stays a pure function of (seed, scenario, provider command).
//!
//! A process serves one run at a time: the world's creation of the provider
//! takes an idle process of the factory (or starts one) and says `hello`,
//! which resets it; when the run ends ([`SimProvider::end`]) the process
//! goes back for the next run, or is killed if it broke the protocol.
//!
//! A protocol error (the process exits, writes a line that is not a
//! message, answers twice, or takes longer than the turn limit of wall
//! time for one turn) ends the run with
//! [`RunError::Provider`](vds_sim::world::RunError::Provider), naming the
//! seed and the transcript line; the transcript goes to the artifacts.
//!
//! - `child.rs`: the process and its line reader; `session.rs`: turns;
//! - `message.rs`: what the process may write; `decode.rs`: out-parameters;
//! - `objects.rs`: the proxy behind every pointer handed out.

mod child;
mod decode;
mod error;
mod message;
mod objects;
mod session;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::json;
use vds_sim::interfaces::IVdsHwProvider;
use vds_sim::provider::declaration::Declaration;
use vds_sim::provider::{
    ProviderContext, ProviderEnd, ProviderFactory, ProviderFault, ProviderFaultKind, SimProvider,
};

pub use error::ExecError;
pub use message::PROTOCOL_VERSION;

use session::Session;

/// The prefix of a provider name that runs a command: `exec:COMMAND`.
pub const EXEC_PREFIX: &str = "exec:";

/// The default turn limit: as long as the world's watchdog waits by default.
pub const DEFAULT_TURN_LIMIT: Duration = Duration::from_secs(10);

/// Each fault kind with its protocol name.
pub(crate) const FAULT_NAMES: [(ProviderFaultKind, &str); 3] = [
    (ProviderFaultKind::CorruptCache, "cache_corruption"),
    (ProviderFaultKind::Restart, "restart"),
    (ProviderFaultKind::FailNextAllocation, "allocation_failure"),
];

/// Makes providers that run `COMMAND` (through `sh -c "exec COMMAND"`).
/// A process serves one run at a time and, while it keeps the protocol,
/// run after run (each begins with a `hello` that resets it); a sweep on N
/// jobs keeps at most N processes. They are killed when the factory is
/// dropped (and end by themselves when the harness exits: their stdin closes).
pub struct ExecFactory {
    command: String,
    turn_limit: Duration,
    handshake: OnceLock<Handshake>,
    pool: session::Pool,
}

/// What a process said of itself in its first `hello_ok`.
struct Handshake {
    cannot_take: &'static [ProviderFaultKind],
    declaration: Declaration,
    /// Why the first handshake failed, with how the process ended and the
    /// last lines of its standard error.
    failure: Option<String>,
}

/// How many of a failed process's last standard-error lines a start-up
/// error quotes.
const STDERR_QUOTED: usize = 5;

impl std::fmt::Debug for ExecFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecFactory")
            .field("command", &self.command)
            .field("turn_limit", &self.turn_limit)
            .finish_non_exhaustive()
    }
}

impl ExecFactory {
    /// A factory for `command`, with the default turn limit (10 s of wall time).
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            turn_limit: DEFAULT_TURN_LIMIT,
            handshake: OnceLock::new(),
            pool: session::Pool::default(),
        }
    }

    /// Sets how long one turn may take in wall time before the provider
    /// is judged to hang. Default [`DEFAULT_TURN_LIMIT`]. Only hang
    /// detection uses the wall clock.
    pub fn turn_limit(mut self, limit: Duration) -> Self {
        self.turn_limit = limit;
        self
    }

    /// The command it runs.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// Starts a process and completes one handshake, before any run: a
    /// command that cannot start, exits, or answers `hello` wrongly is an
    /// error naming the protocol failure, how the process ended and the
    /// last lines of its standard error.
    pub fn preflight(&self) -> Result<(), String> {
        self.handshake().failure.clone().map_or(Ok(()), Err)
    }
}

impl ProviderFactory for ExecFactory {
    fn name(&self) -> String {
        format!("{EXEC_PREFIX}{}", self.command)
    }

    fn create(&self, ctx: ProviderContext) -> Arc<dyn SimProvider> {
        let session = Session::start(
            &self.command,
            ctx.seed,
            ctx.ledger,
            Some(ctx.link),
            self.turn_limit,
            self.pool.clone(),
        );
        Arc::new(ExecProvider { session })
    }

    fn cannot_take(&self) -> &'static [ProviderFaultKind] {
        self.handshake().cannot_take
    }

    fn declaration(&self) -> Declaration {
        self.handshake().declaration
    }
}

impl ExecFactory {
    /// Asks a process once (a `hello` with seed 0) which faults it can
    /// suffer and what it declares of its design; a process that cannot say
    /// is taken to suffer none and to declare the defaults.
    fn handshake(&self) -> &Handshake {
        self.handshake.get_or_init(|| {
            let probe = Session::start(
                &self.command,
                0,
                vds_sim::ledger::Ledger::new(),
                None,
                self.turn_limit,
                self.pool.clone(),
            );
            let can = probe.faults();
            let declaration = probe.declaration();
            let end = probe.end();
            let failure = end.failure.map(|why| {
                let ended = end
                    .transcript
                    .iter()
                    .find_map(|l| l.strip_prefix(session::PROCESS_NOTE))
                    .map(|s| format!("; the process: {s}"))
                    .unwrap_or_default();
                let stderr: Vec<&str> = end
                    .transcript
                    .iter()
                    .filter_map(|l| l.strip_prefix(session::STDERR_NOTE))
                    .collect();
                let tail = &stderr[stderr.len().saturating_sub(STDERR_QUOTED)..];
                let quoted = match tail {
                    [] => String::new(),
                    lines => format!("; its standard error ends: {}", lines.join(" | ")),
                };
                format!("{why}{ended}{quoted}")
            });
            let list: Vec<ProviderFaultKind> = FAULT_NAMES
                .iter()
                .filter(|(_, name)| !can.iter().any(|c| c == name))
                .map(|(k, _)| *k)
                .collect();
            Handshake {
                cannot_take: Box::leak(list.into_boxed_slice()),
                declaration,
                failure,
            }
        })
    }
}

/// One run's provider process, as the world sees it.
pub struct ExecProvider {
    session: Arc<Session>,
}

impl SimProvider for ExecProvider {
    fn root(&self) -> Arc<dyn IVdsHwProvider> {
        Arc::new(objects::Proxy::new(
            self.session.clone(),
            "root".to_string(),
        ))
    }

    fn inject(&self, fault: ProviderFault) -> bool {
        let msg = match fault {
            ProviderFault::CorruptCache { salt } => {
                json!({"type": "fault", "fault": "cache_corruption", "salt": salt, "salt_decimal": salt.to_string()})
            }
            ProviderFault::Restart => json!({"type": "fault", "fault": "restart"}),
            ProviderFault::FailNextAllocation => {
                json!({"type": "fault", "fault": "allocation_failure"})
            }
        };
        let mut msg = msg;
        msg["t_us"] = json!(vds_sim::runtime::now_or_zero().as_micros() as u64);
        match self.session.fault(msg) {
            Some(applied) => applied,
            None => self.session.stop_world(),
        }
    }

    fn end(&self) -> ProviderEnd {
        self.session.end()
    }
}
