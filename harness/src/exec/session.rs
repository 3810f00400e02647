//! One run's conversation with a provider process: lock-step turns, the
//! requests a turn may carry (array, timers, logs, replies to pending
//! calls), the transcript, and the first protocol error, after which the
//! process is killed and every further turn fails with that error.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use futures::channel::oneshot;
use serde_json::{Map, Value, json};
use vds_sim::array::ArrayRequest;
use vds_sim::array::link::{ArrayLink, LinkError};
use vds_sim::hresult::HResult;
use vds_sim::ledger::Ledger;
use vds_sim::provider::ProviderEnd;
use vds_sim::provider::declaration::Declaration;
use vds_sim::runtime;

use super::ExecError;
use super::child::{Child, Got};
use super::message::{FromProvider, PROTOCOL_VERSION};

/// A provider's answer to one call.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The method's HRESULT.
    pub(crate) hr: HResult,
    /// Its out-parameters, by SDK name.
    pub(crate) out: Option<Map<String, Value>>,
    /// The transcript line it came on.
    pub(crate) line: usize,
}

/// What opened a turn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opened {
    /// The `hello` of a new run.
    Hello,
    /// A call with this id.
    Call(u64),
    /// Anything else (release, fire, array answer, fault).
    Other,
}

/// How a turn ended.
enum Ending {
    /// `hello_ok`, with the faults the provider can suffer and its declaration.
    Hello(Vec<String>, Declaration),
    /// The call's reply.
    Answer(Answer),
    /// The call is pending; its reply will come through this channel.
    Pending(oneshot::Receiver<Answer>),
    /// `done`, with `applied` if given.
    Done(Option<bool>),
}

/// What a session keeps between turns.
struct Inner {
    child: Option<Child>,
    /// The protocol lines, `> ` harness to provider, `< ` provider to
    /// harness: the first [`TRANSCRIPT_KEEP`] bytes' worth of them.
    transcript: Vec<String>,
    /// Bytes held in `transcript`.
    kept_bytes: usize,
    /// Protocol lines so far, kept or not (line numbers count them all).
    lines: usize,
    /// Protocol lines past the transcript's limit, counted and not kept.
    left_out: usize,
    next_call: u64,
    /// Calls answered `pending`, waiting for their reply.
    pending: BTreeMap<u64, oneshot::Sender<Answer>>,
    /// Timers armed: id → generation (a re-armed id fires once, at its new time).
    timers: BTreeMap<u64, u64>,
    generation: u64,
    /// Array requests under way.
    requests: BTreeSet<u64>,
    failure: Option<ExecError>,
    /// The faults the provider said it can suffer.
    faults: Vec<String>,
    /// What the provider declared of its design.
    declaration: Declaration,
    /// The run is over: nothing more is sent.
    ended: bool,
}

/// One run's provider process and everything the harness knows of it.
pub(crate) struct Session {
    inner: Mutex<Inner>,
    /// Objects released while a turn was open, sent after it.
    releases: Mutex<VecDeque<String>>,
    link: Option<Arc<dyn ArrayLink>>,
    pub(crate) ledger: Ledger,
    turn_limit: Duration,
    /// Where a healthy process goes when its run ends, for the next run.
    pool: Pool,
}

/// The idle processes of one factory: one process serves many runs, one
/// at a time, each started by a `hello` that resets it.
pub(crate) type Pool = Arc<Mutex<Vec<Child>>>;

/// Simulated time now, in microseconds, for the `t_us` of a message.
fn t_us() -> u64 {
    u64::try_from(runtime::now_or_zero().as_micros()).unwrap_or(u64::MAX)
}

impl Session {
    /// Takes an idle process of `pool` (or starts `command`) and says
    /// hello with `seed`, which resets it. A process that cannot be
    /// started, or answers the hello wrongly, gives a session already
    /// failed: the run's first call ends it with that error.
    pub(crate) fn start(
        command: &str,
        seed: u64,
        ledger: Ledger,
        link: Option<Arc<dyn ArrayLink>>,
        turn_limit: Duration,
        pool: Pool,
    ) -> Arc<Self> {
        let idle = pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let (child, failure) = match idle.map_or_else(|| Child::start(command), Ok) {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(e)),
        };
        let s = Arc::new(Session {
            inner: Mutex::new(Inner {
                child,
                transcript: Vec::new(),
                kept_bytes: 0,
                lines: 0,
                left_out: 0,
                next_call: 1,
                pending: BTreeMap::new(),
                timers: BTreeMap::new(),
                generation: 0,
                requests: BTreeSet::new(),
                failure,
                faults: Vec::new(),
                declaration: Declaration::default(),
                ended: false,
            }),
            releases: Mutex::new(VecDeque::new()),
            link,
            ledger,
            turn_limit,
            pool,
        });
        let hello = json!({
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "seed": seed,
            "seed_decimal": seed.to_string(),
            "t_us": t_us(),
        });
        if let Ok(Ending::Hello(faults, declaration)) = s.turn(hello, Opened::Hello) {
            let mut g = s.lock();
            g.faults = faults;
            g.declaration = declaration;
        }
        s
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The faults the provider said it can suffer (empty if it failed).
    pub(crate) fn faults(&self) -> Vec<String> {
        self.lock().faults.clone()
    }

    /// What the provider declared of its design (the default if it failed).
    pub(crate) fn declaration(&self) -> Declaration {
        self.lock().declaration
    }

    /// The first protocol error, if any.
    pub(crate) fn failure(&self) -> Option<ExecError> {
        self.lock().failure.clone()
    }

    /// Makes one call: a `call` turn, then the reply, now or when the
    /// provider sends it. A protocol error panics with its message, which
    /// ends the world; the run's verdict is then [`Session::end`]'s.
    pub(crate) async fn call(self: &Arc<Self>, obj: &str, method: &str, args: Value) -> Answer {
        let call = {
            let mut g = self.lock();
            g.next_call += 1;
            g.next_call - 1
        };
        let msg = json!({"type": "call", "call": call, "obj": obj, "method": method, "args": args, "t_us": t_us()});
        match self.turn(msg, Opened::Call(call)) {
            Ok(Ending::Answer(a)) => a,
            Ok(Ending::Pending(rx)) => match rx.await {
                Ok(a) => a,
                Err(_) => self.stop_world(),
            },
            Ok(_) | Err(_) => self.stop_world(),
        }
    }

    /// Ends the world after a protocol error, with the error's message.
    pub(crate) fn stop_world(&self) -> ! {
        let message = match self.failure() {
            Some(e) => e.to_string(),
            None => "the provider process was stopped".to_string(),
        };
        panic!("exec provider: {message}");
    }

    /// Records a protocol error found outside a turn (in an answer's
    /// out-parameters) and ends the world.
    pub(crate) fn violation(&self, line: usize, reason: String) -> ! {
        let mut g = self.lock();
        fail(&mut g, ExecError::Violation { line, reason });
        drop(g);
        self.stop_world()
    }

    /// Asks the provider to suffer a fault; `Some(applied)`, or `None`
    /// after a protocol error.
    pub(crate) fn fault(self: &Arc<Self>, msg: Value) -> Option<bool> {
        match self.turn(msg, Opened::Other) {
            Ok(Ending::Done(applied)) => Some(applied.unwrap_or(false)),
            _ => None,
        }
    }

    /// Tells the provider that a caller released `obj`: queued, and sent
    /// just before the next turn's message, without waiting for its `done`
    /// first (the provider reads it as a turn of its own all the same).
    pub(crate) fn release(&self, obj: &str) {
        self.releases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(obj.to_string());
    }

    /// The run is over: a healthy process goes back to the pool for the
    /// next run (its `hello` resets it); one that broke the protocol is
    /// killed. Hands over the verdict and the transcript.
    pub(crate) fn end(&self) -> ProviderEnd {
        let mut g = self.lock();
        g.ended = true;
        g.pending.clear();
        let mut transcript = g.transcript.clone();
        if g.left_out > 0 {
            transcript.push(format!(
                "# {} more protocol lines left out: a transcript keeps {} MiB",
                g.left_out,
                TRANSCRIPT_KEEP >> 20
            ));
        }
        if let Some(mut child) = g.child.take() {
            let stderr = if g.failure.is_none() {
                let stderr = child.take_stderr();
                let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
                pool.push(child);
                transcript.push(format!("{PROCESS_NOTE}kept for the next run"));
                stderr
            } else {
                // Stopped first, so that its last words are in.
                let status = child.stop();
                transcript.push(format!("{PROCESS_NOTE}{status}"));
                child.take_stderr()
            };
            for l in stderr.lines() {
                transcript.push(format!("{STDERR_NOTE}{l}"));
            }
        }
        ProviderEnd {
            failure: g.failure.as_ref().map(ToString::to_string),
            hung: matches!(g.failure, Some(ExecError::NoAnswer { .. })),
            transcript,
        }
    }

    /// One turn: sends the queued releases and `msg` together, then handles
    /// the provider's lines until each release's `done` and the line that
    /// ends `msg`'s turn. A release costs no round trip of its own.
    fn turn(self: &Arc<Self>, msg: Value, opened: Opened) -> Result<Ending, ExecError> {
        let mut g = self.lock();
        let r = self.turn_locked(&mut g, &msg, opened);
        if let Err(e) = &r {
            fail(&mut g, e.clone());
        }
        r
    }

    fn turn_locked(
        self: &Arc<Self>,
        g: &mut Inner,
        msg: &Value,
        opened: Opened,
    ) -> Result<Ending, ExecError> {
        if let Some(e) = &g.failure {
            return Err(e.clone());
        }
        if g.ended {
            return Ok(Ending::Done(None));
        }
        let released: Vec<String> = self
            .releases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
            .collect();
        for obj in &released {
            self.send(g, &json!({"type": "release", "obj": obj, "t_us": t_us()}))?;
        }
        self.send(g, msg)?;
        for _ in &released {
            self.read_turn(g, Opened::Other)?;
        }
        self.read_turn(g, opened)
    }

    /// Writes one message to the process, into the transcript too.
    fn send(&self, g: &mut Inner, msg: &Value) -> Result<(), ExecError> {
        let text = msg.to_string();
        let line = record(g, format!("> {text}"));
        let child = g.child.as_mut().ok_or(ExecError::Write { line })?;
        if !child.send(&text) {
            return Err(ExecError::Write { line });
        }
        Ok(())
    }

    /// Handles the provider's lines until the one that ends a turn opened
    /// by `opened`.
    fn read_turn(self: &Arc<Self>, g: &mut Inner, opened: Opened) -> Result<Ending, ExecError> {
        // The limit is for the whole turn, however many lines it takes.
        let mut left = self.turn_limit;
        loop {
            let line = g.lines + 1;
            let child = g.child.as_mut().ok_or(ExecError::Exited { line })?;
            if left.is_zero() {
                let limit_ms = self.turn_limit.as_millis();
                return Err(ExecError::NoAnswer { line, limit_ms });
            }
            let waited = child.wall_ms();
            let got = match child.read(left) {
                Got::Line(l) => l,
                Got::End => return Err(ExecError::Exited { line }),
                Got::TooLong => {
                    let limit = super::child::MAX_LINE;
                    return Err(ExecError::LineTooLong { line, limit });
                }
                Got::NotUtf8 => return Err(ExecError::NotUtf8 { line }),
                Got::Timeout => {
                    let limit_ms = self.turn_limit.as_millis();
                    return Err(ExecError::NoAnswer { line, limit_ms });
                }
            };
            let spent = child.wall_ms().saturating_sub(waited);
            left = left.saturating_sub(Duration::from_millis(spent));
            record(g, format!("< {got}"));
            let m = FromProvider::parse(&got)
                .map_err(|reason| ExecError::Malformed { line, reason })?;
            if let Some(end) = self.handle(g, m, opened, line)? {
                return Ok(end);
            }
        }
    }

    /// Handles one message of the provider; `Some` when it ends the turn.
    fn handle(
        self: &Arc<Self>,
        g: &mut Inner,
        m: FromProvider,
        opened: Opened,
        line: usize,
    ) -> Result<Option<Ending>, ExecError> {
        let violation = |reason: String| Err(ExecError::Violation { line, reason });
        match m {
            FromProvider::HelloOk {
                protocol,
                faults,
                lock_domain,
                refresh_alongside,
                not_supported,
                operations_end_in_call,
                ..
            } => {
                let greeting = Greeting {
                    protocol,
                    faults,
                    declared: Declaration::default()
                        .lock_domain(lock_domain)
                        .refresh_alongside(refresh_alongside)
                        .operations_end_in_call(operations_end_in_call),
                    not_supported,
                };
                hello_ok(greeting, opened, line)
            }
            FromProvider::Reply { call, hr, out } => {
                let answer = Answer { hr, out, line };
                if opened == Opened::Call(call) {
                    return Ok(Some(Ending::Answer(answer)));
                }
                match g.pending.remove(&call) {
                    Some(tx) => {
                        let _ = tx.send(answer);
                        Ok(None)
                    }
                    None => violation(format!(
                        "a reply to call {call}, which is not waiting for one (answered twice, or never made)"
                    )),
                }
            }
            FromProvider::Pending { call } if opened == Opened::Call(call) => {
                let (tx, rx) = oneshot::channel();
                g.pending.insert(call, tx);
                Ok(Some(Ending::Pending(rx)))
            }
            FromProvider::Pending { call } => violation(format!(
                "`pending` for call {call} in a turn it did not open"
            )),
            FromProvider::Done { applied } => match opened {
                Opened::Other => Ok(Some(Ending::Done(applied))),
                Opened::Call(c) => violation(format!(
                    "`done` ends a turn opened by call {c}, which needs `reply` or `pending`"
                )),
                Opened::Hello => {
                    violation("`done` ends the hello turn, which needs `hello_ok`".to_string())
                }
            },
            FromProvider::Array { req, request } => {
                if opened == Opened::Hello || !g.requests.insert(req) {
                    return violation(format!(
                        "array request {req} while one with that id is under way, or before hello_ok"
                    ));
                }
                self.send_to_array(req, request);
                Ok(None)
            }
            FromProvider::Timer { timer, after_us } => {
                if opened == Opened::Hello {
                    return violation("a timer before hello_ok".to_string());
                }
                g.generation += 1;
                let generation = g.generation;
                g.timers.insert(timer, generation);
                self.arm(timer, generation, Duration::from_micros(after_us));
                Ok(None)
            }
            FromProvider::CancelTimer { timer } => {
                g.timers.remove(&timer);
                Ok(None)
            }
            FromProvider::Log { text } => {
                tracing::debug!(target: "vds_harness::exec", line, "{text}");
                Ok(None)
            }
        }
    }

    /// Sends a request over the run's link; its answer opens a turn.
    fn send_to_array(self: &Arc<Self>, req: u64, request: ArrayRequest) {
        let weak: Weak<Session> = Arc::downgrade(self);
        let Some(link) = self.link.clone() else {
            return;
        };
        runtime::spawn(async move {
            let result = link.call(request).await;
            let Some(s) = weak.upgrade() else { return };
            s.lock().requests.remove(&req);
            let msg = match result {
                Ok(Ok(reply)) => {
                    json!({"type": "array_reply", "req": req, "reply": reply, "t_us": t_us()})
                }
                Ok(Err(refusal)) => {
                    json!({"type": "array_reply", "req": req, "refused": refusal, "t_us": t_us()})
                }
                Err(LinkError::Timeout) => {
                    json!({"type": "array_timeout", "req": req, "t_us": t_us()})
                }
            };
            if s.turn(msg, Opened::Other).is_err() {
                s.stop_world();
            }
        });
    }

    /// A timer task: after `after` of simulated time, a `fire` turn, unless
    /// the timer was cancelled or armed again since.
    fn arm(self: &Arc<Self>, timer: u64, generation: u64, after: Duration) {
        let weak: Weak<Session> = Arc::downgrade(self);
        runtime::spawn(async move {
            runtime::sleep(after).await;
            let Some(s) = weak.upgrade() else { return };
            {
                let mut g = s.lock();
                if g.timers.get(&timer) != Some(&generation) {
                    return;
                }
                g.timers.remove(&timer);
            }
            let msg = json!({"type": "fire", "timer": timer, "t_us": t_us()});
            if s.turn(msg, Opened::Other).is_err() {
                s.stop_world();
            }
        });
    }
}

/// How a transcript's note on how the process ended begins.
pub(crate) const PROCESS_NOTE: &str = "# the provider process: ";

/// How a transcript's line of the process's standard error begins.
pub(crate) const STDERR_NOTE: &str = "# stderr: ";

/// How much of a run's protocol lines its transcript keeps (a provider
/// that floods its output must not fill the disk with one run's artifacts).
pub(crate) const TRANSCRIPT_KEEP: usize = 8 << 20;

/// Counts one protocol line and keeps it, within [`TRANSCRIPT_KEEP`];
/// returns its line number.
fn record(g: &mut Inner, line: String) -> usize {
    g.lines += 1;
    if g.kept_bytes + line.len() <= TRANSCRIPT_KEEP {
        g.kept_bytes += line.len();
        g.transcript.push(line);
    } else {
        g.left_out += 1;
    }
    g.lines
}

/// Records the first protocol error and kills the process.
fn fail(g: &mut Inner, e: ExecError) {
    tracing::debug!(target: "vds_harness::exec", "provider failure: {e}");
    g.failure.get_or_insert(e);
    g.pending.clear();
    if let Some(child) = g.child.as_mut() {
        child.stop();
    }
}

/// What a `hello_ok` said.
struct Greeting {
    protocol: u64,
    faults: Vec<String>,
    /// Its declaration, but for the methods it does not support.
    declared: Declaration,
    /// Those methods, by SDK name.
    not_supported: Vec<String>,
}

/// Handles `hello_ok`: in the hello turn, with the protocol version and
/// known fault names, it ends the turn with the provider's declaration.
fn hello_ok(g: Greeting, opened: Opened, line: usize) -> Result<Option<Ending>, ExecError> {
    let violation = |reason: String| Err(ExecError::Violation { line, reason });
    let Greeting {
        protocol,
        faults,
        mut declared,
        not_supported,
    } = g;
    match opened {
        Opened::Hello
            if let Some(unknown) = faults
                .iter()
                .find(|f| !super::FAULT_NAMES.iter().any(|(_, n)| n == f)) =>
        {
            let known: Vec<&str> = super::FAULT_NAMES.iter().map(|(_, n)| *n).collect();
            violation(format!(
                "`hello_ok` names the fault `{unknown}`; expected some of {}",
                known.join(", ")
            ))
        }
        Opened::Hello if protocol == PROTOCOL_VERSION => {
            for name in &not_supported {
                match declared.not_supported_named(name) {
                    Ok(d) => declared = d,
                    Err(e) => return violation(format!("`hello_ok.not_supported`: {e}")),
                }
            }
            Ok(Some(Ending::Hello(faults, declared)))
        }
        Opened::Hello => violation(format!(
            "protocol version {protocol}, but this harness speaks {PROTOCOL_VERSION}"
        )),
        _ => violation("`hello_ok` outside the hello turn".to_string()),
    }
}
