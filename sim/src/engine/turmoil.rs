//! The turmoil engine: the array, the provider ("vds") and each client are
//! turmoil hosts. The provider talks to the array over turmoil TCP (one
//! connection per request, a JSON line each way), so turmoil's latency,
//! partitions and holds are the link's faults, and the seed shows through
//! the network's timing and turmoil's random host order.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use super::{Ending, Runner};
use crate::array::link::{ArrayLink, DEFAULT_LINK_TIMEOUT, LinkControl, LinkError};
use crate::array::{Array, ArrayRequest, ArrayResult};
use crate::client;
use crate::provider::ProviderFactory;
use crate::runtime::{self, Engine, EngineKind, PanicSlot, Progress, Task, Timer};
use crate::seeds::{Stream, derive};
use crate::world::{self, RunContext, RunError, WorldConfig};

/// The array's host name.
pub(crate) const ARRAY_HOST: &str = "array";
/// The provider's host name.
pub(crate) const VDS_HOST: &str = "vds";
/// The array's management port (the iSCSI well-known port, for flavour).
pub(crate) const ARRAY_PORT: u16 = 3260;

/// turmoil's step: every host runs this much simulated time per step, and
/// messages are delivered on its boundaries. Each step costs every running
/// host a poll, so the step sets turmoil's speed; 2 ms halves the cost of
/// 1 ms while the default latency (1 to 5 ms) still spreads deliveries over
/// one to three steps. The trade-off is in ARCHITECTURE.md.
pub(super) const TICK: Duration = Duration::from_millis(2);

struct TurmoilEngine {
    spawn: mpsc::UnboundedSender<Task>,
    panics: PanicSlot,
    progress: Progress,
}

impl Engine for TurmoilEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Turmoil
    }
    fn spawn(&self, task: Task) {
        // Provider tasks run on the provider's host, whoever starts them.
        let panics = self.panics.clone();
        let _ = self
            .spawn
            .send(Box::pin(async move { panics.guard(task).await }));
    }
    fn now(&self) -> Duration {
        ::turmoil::sim_elapsed().unwrap_or_default()
    }
    fn sleep(&self, d: Duration) -> Timer {
        Box::pin(tokio::time::sleep(d))
    }
    fn progress(&self) -> &Progress {
        &self.progress
    }
}

type Request = (ArrayRequest, oneshot::Sender<ArrayResult>);

struct PumpState {
    extra: Duration,
    loss: f64,
    rng: ChaCha8Rng,
}

/// The provider's side of the TCP link: requests go to the "vds" host,
/// which opens the connection to the array.
#[derive(Clone)]
struct TcpLink {
    requests: mpsc::UnboundedSender<Request>,
    state: Arc<Mutex<PumpState>>,
}

#[async_trait]
impl ArrayLink for TcpLink {
    async fn call(&self, req: ArrayRequest) -> Result<ArrayResult, LinkError> {
        let (tx, rx) = oneshot::channel();
        if self.requests.send((req, tx)).is_err() {
            return Err(LinkError::Timeout);
        }
        match runtime::timeout(DEFAULT_LINK_TIMEOUT, rx).await {
            Some(Ok(result)) => Ok(result),
            // The exchange failed early (connection refused or reset): the
            // provider still only learns of it when its timer runs out.
            Some(Err(_)) | None => Err(LinkError::Timeout),
        }
    }
}

impl LinkControl for TcpLink {
    fn partition(&self) {
        ::turmoil::partition(VDS_HOST, ARRAY_HOST);
    }
    fn repair(&self) {
        ::turmoil::repair(VDS_HOST, ARRAY_HOST);
    }
    fn hold(&self) {
        ::turmoil::hold(VDS_HOST, ARRAY_HOST);
    }
    fn release(&self) {
        ::turmoil::release(VDS_HOST, ARRAY_HOST);
    }
    fn set_extra_latency(&self, extra: Duration) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).extra = extra;
    }
    fn set_loss(&self, probability: f64) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).loss = probability;
    }
}

/// One request over one TCP connection. `listening` is set once the array
/// host listens: hosts start in random order, and with no latency a
/// request sent before then finds no listener, a timeout no fault caused
/// (found by the world fuzz target); such a request is sent again a tick
/// later instead.
async fn exchange(
    req: ArrayRequest,
    state: Arc<Mutex<PumpState>>,
    listening: Arc<AtomicBool>,
) -> Option<ArrayResult> {
    let (extra, lost) = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        let loss = s.loss.clamp(0.0, 1.0);
        (s.extra, loss > 0.0 && s.rng.random_bool(loss))
    };
    if lost {
        // The message vanishes; the provider's timer will run out.
        tokio::time::sleep(DEFAULT_LINK_TIMEOUT * 2).await;
        return None;
    }
    tokio::time::sleep(extra).await;
    let reply = loop {
        let listened = listening.load(Ordering::SeqCst);
        match round_trip(&req).await {
            Some(reply) => break reply,
            None if !listened => tokio::time::sleep(TICK).await,
            None => return None,
        }
    };
    tokio::time::sleep(extra).await;
    serde_json::from_str(&reply).ok()
}

/// Sends one request line and reads the reply line.
async fn round_trip(req: &ArrayRequest) -> Option<String> {
    let stream = ::turmoil::net::TcpStream::connect((ARRAY_HOST, ARRAY_PORT))
        .await
        .ok()?;
    let (r, mut w) = stream.into_split();
    let mut line = serde_json::to_string(req).ok()?;
    line.push('\n');
    w.write_all(line.as_bytes()).await.ok()?;
    let mut reply = String::new();
    match BufReader::new(r).read_line(&mut reply).await {
        Ok(n) if n > 0 => Some(reply),
        _ => None,
    }
}

/// The array's host: serve one request per connection.
async fn serve(array: Array, listening: Arc<AtomicBool>) -> ::turmoil::Result {
    let listener = ::turmoil::net::TcpListener::bind(("0.0.0.0", ARRAY_PORT)).await?;
    listening.store(true, Ordering::SeqCst);
    loop {
        let (stream, _) = listener.accept().await?;
        let array = array.clone();
        tokio::spawn(async move {
            let (r, mut w) = stream.into_split();
            let mut line = String::new();
            if BufReader::new(r).read_line(&mut line).await.is_err() {
                return;
            }
            let result: ArrayResult = match serde_json::from_str::<ArrayRequest>(&line) {
                Ok(req) => array.execute(req).await,
                Err(_) => Err(crate::array::ArrayError::InvalidParameter),
            };
            let mut out = serde_json::to_string(&result).expect("array results serialize");
            out.push('\n');
            let _ = w.write_all(out.as_bytes()).await;
        });
    }
}

/// Prepares one world on turmoil: the parts built here, and the
/// simulation itself as a closure for the thread that [`super::run`] watches.
pub(super) fn prepare_run(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
    progress: Progress,
) -> (Arc<RunContext>, Runner) {
    let (spawn_tx, spawn_rx) = mpsc::unbounded_channel::<Task>();
    let (req_tx, req_rx) = mpsc::unbounded_channel::<Request>();

    let array = Array::new(cfg.array.clone(), derive(cfg.seed, Stream::Array));
    let state = Arc::new(Mutex::new(PumpState {
        extra: Duration::ZERO,
        loss: 0.0,
        rng: ChaCha8Rng::seed_from_u64(derive(cfg.seed, Stream::Link)),
    }));
    let link = TcpLink {
        requests: req_tx,
        state: state.clone(),
    };
    let ctx = world::build_context(
        cfg,
        factory,
        array.clone(),
        Arc::new(link.clone()),
        Arc::new(link),
        super::start_client,
    );
    let panics = ctx.panics.clone();
    let cfg = cfg.clone();
    let outer = ctx.clone();
    let runner: Runner = Box::new(move || {
        let ctx = outer;
        runtime::enter(Arc::new(TurmoilEngine {
            spawn: spawn_tx,
            panics: panics.clone(),
            progress: progress.clone(),
        }));
        let pipes = Pipes {
            array,
            state,
            spawn_rx,
            req_rx,
        };
        simulate(&cfg, ctx, pipes, panics, progress)
    });
    (ctx, runner)
}

/// What the turmoil hosts of a prepared world are connected to.
struct Pipes {
    array: Array,
    state: Arc<Mutex<PumpState>>,
    spawn_rx: mpsc::UnboundedReceiver<Task>,
    req_rx: mpsc::UnboundedReceiver<Request>,
}

/// Runs the turmoil simulation of a prepared world, on the calling thread.
fn simulate(
    cfg: &WorldConfig,
    ctx: Arc<RunContext>,
    pipes: Pipes,
    panics: PanicSlot,
    progress: Progress,
) -> (Option<RunError>, Duration) {
    let Pipes {
        array,
        state,
        spawn_rx,
        req_rx,
    } = pipes;
    let mut sim = ::turmoil::Builder::new()
        .rng_seed(derive(cfg.seed, Stream::Engine))
        .enable_random_order()
        .tick_duration(TICK)
        .min_message_latency(cfg.min_latency)
        .max_message_latency(cfg.max_latency)
        .simulation_duration(cfg.time_limit)
        .build();

    let listening = Arc::new(AtomicBool::new(false));
    let up = listening.clone();
    sim.host(ARRAY_HOST, move || serve(array.clone(), up.clone()));

    let receivers = Arc::new(Mutex::new(Some((spawn_rx, req_rx))));
    sim.host(VDS_HOST, move || {
        let receivers = receivers.lock().unwrap_or_else(|e| e.into_inner()).take();
        let (state, listening) = (state.clone(), listening.clone());
        async move {
            let Some((mut tasks, mut requests)) = receivers else {
                return Ok(());
            };
            loop {
                tokio::select! {
                    Some(task) = tasks.recv() => { tokio::spawn(task); }
                    Some((req, reply)) = requests.recv() => {
                        let (state, listening) = (state.clone(), listening.clone());
                        tokio::spawn(async move {
                            if let Some(result) = exchange(req, state, listening).await {
                                let _ = reply.send(result);
                            }
                        });
                    }
                    else => return Ok(()),
                }
            }
        }
    });

    let faults = ctx.clone();
    let guard = panics.clone();
    sim.client("faults", async move {
        let timed = async {
            faults.injector.run_timed(&faults).await;
            world::drain_extra_clients(&faults).await;
        };
        guard.until_panic(guard.guard(timed)).await;
        Ok(())
    });
    for program in cfg.clients.clone() {
        let (ctx, guard) = (ctx.clone(), panics.clone());
        sim.client(program.name.clone(), async move {
            guard
                .until_panic(guard.guard(client::run_client(ctx, program)))
                .await;
            Ok(())
        });
    }

    let result = catch_unwind(AssertUnwindSafe(|| step_to_end(&mut sim, &progress)));
    let end = sim.elapsed();
    runtime::exit();
    let ending = match result {
        Ok(Ok(())) => Ending::Finished,
        // turmoil stops with an error once its simulated duration (the
        // time limit) has passed; recognised by the clock, not the message.
        Ok(Err(_)) if end > cfg.time_limit => Ending::TimedOut,
        Ok(Err(e)) => Ending::Failed(e.to_string()),
        Err(payload) => Ending::Unwound(payload),
    };
    (ending.verdict(&panics, cfg.time_limit), end)
}

/// `Sim::run`, one step at a time, counting each step as progress.
fn step_to_end(sim: &mut ::turmoil::Sim<'_>, progress: &Progress) -> ::turmoil::Result {
    loop {
        progress.beat();
        if sim.step()? {
            return Ok(());
        }
    }
}
