//! The engines' floor: a world that asks of its engine only what an
//! average run of the suite asks (clients, tasks, timers, array round trips
//! over the engine's link, calls), spread over the same simulated time, with
//! no provider, no array state, no trace and no judging. `bench` runs it
//! beside the real runs and prints the harness's ratio to it: what the
//! harness costs above what the simulator itself costs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::runtime::EngineKind;

/// What an average run asks of its engine.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shape {
    /// Clients (tasks, or hosts on turmoil).
    pub clients: u64,
    /// Further tasks spawned.
    pub tasks: u64,
    /// Timers waited on.
    pub sleeps: u64,
    /// Requests that reached the array.
    pub array_trips: u64,
    /// VDS calls made.
    pub calls: u64,
    /// Simulated time of the run.
    pub simulated: Duration,
}

/// One client's share of a shape: `k` of `n` clients.
#[derive(Clone, Copy)]
struct Share {
    tasks: u64,
    sleeps: u64,
    trips: u64,
    calls: u64,
    nap: Duration,
}

impl Shape {
    fn share(&self, k: u64) -> Share {
        let n = self.clients.max(1);
        let part = |total: u64| total / n + u64::from(k < total % n);
        let sleeps = part(self.sleeps);
        Share {
            tasks: part(self.tasks),
            sleeps,
            trips: part(self.array_trips),
            calls: part(self.calls),
            nap: self.simulated / u32::try_from(sleeps.max(1)).unwrap_or(u32::MAX),
        }
    }
}

/// What a client asks of the provider's side.
enum Ask {
    Call,
    Trip,
}

/// One client's program: its share of calls, array round trips, tasks and
/// timers, a round at a time, through the engine's own means.
async fn program<C, CF, T, TF, S, SF>(share: Share, mut ask: C, mut task: T, mut sleep: S)
where
    C: FnMut(Ask) -> CF,
    CF: std::future::Future<Output = ()>,
    T: FnMut() -> TF,
    TF: std::future::Future<Output = ()>,
    S: FnMut(Duration) -> SF,
    SF: std::future::Future<Output = ()>,
{
    let rounds = share
        .calls
        .max(share.trips)
        .max(share.sleeps)
        .max(share.tasks);
    for i in 0..rounds {
        for (due, what) in [(share.calls, Ask::Call), (share.trips, Ask::Trip)] {
            if i < due {
                ask(what).await;
            }
        }
        if i < share.tasks {
            task().await;
        }
        if i < share.sleeps {
            sleep(share.nap).await;
        }
    }
}

/// Runs one floor world of `shape` on `engine` with `seed`; returns the
/// simulated time at its end.
pub fn floor_run(engine: EngineKind, seed: u64, shape: &Shape) -> Duration {
    match engine {
        EngineKind::Madsim => madsim_floor(seed, shape),
        EngineKind::Turmoil => turmoil_floor(seed, shape),
    }
}

fn madsim_floor(seed: u64, shape: &Shape) -> Duration {
    use futures::StreamExt;
    use futures::channel::{mpsc, oneshot};
    let rt = ::madsim::runtime::Runtime::with_seed_and_config(seed, ::madsim::Config::default());
    let shape = *shape;
    rt.block_on(async move {
        let start = ::madsim::time::Instant::now();
        let array = Arc::new(AtomicU64::new(0));
        let (tx, mut rx) = mpsc::unbounded::<(Ask, oneshot::Sender<u64>)>();
        let server = ::madsim::task::spawn(async move {
            while let Some((ask, reply)) = rx.next().await {
                let v = match ask {
                    Ask::Call => 0,
                    Ask::Trip => array.fetch_add(1, Ordering::Relaxed),
                };
                let _ = reply.send(v);
            }
        });
        let clients: Vec<_> = (0..shape.clients.max(1))
            .map(|k| {
                let (tx, share) = (tx.clone(), shape.share(k));
                ::madsim::task::spawn(program(
                    share,
                    move |ask| {
                        let (reply, answer) = oneshot::channel();
                        let _ = tx.unbounded_send((ask, reply));
                        async move {
                            let _ = answer.await;
                        }
                    },
                    || async {
                        let _ = ::madsim::task::spawn(async {}).await;
                    },
                    ::madsim::time::sleep,
                ))
            })
            .collect();
        drop(tx);
        for c in clients {
            let _ = c.await;
        }
        let _ = server.await;
        ::madsim::time::Instant::now().duration_since(start)
    })
}

fn turmoil_floor(seed: u64, shape: &Shape) -> Duration {
    use tokio::sync::{mpsc, oneshot};
    let shape = *shape;
    let mut sim = ::turmoil::Builder::new()
        .rng_seed(seed)
        .enable_random_order()
        .tick_duration(super::turmoil::TICK)
        .min_message_latency(Duration::from_millis(1))
        .max_message_latency(Duration::from_millis(5))
        .build();
    sim.host("array", || async {
        let listener = ::turmoil::net::TcpListener::bind(("0.0.0.0", 3260)).await?;
        loop {
            let (stream, _) = listener.accept().await?;
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut line = String::new();
                if BufReader::new(r).read_line(&mut line).await.is_ok() {
                    let _ = w.write_all(line.as_bytes()).await;
                }
            });
        }
    });
    let (tx, rx) = mpsc::unbounded_channel::<(Ask, oneshot::Sender<u64>)>();
    let rx = Arc::new(std::sync::Mutex::new(Some(rx)));
    sim.host("vds", move || {
        let rx = rx.lock().unwrap_or_else(|e| e.into_inner()).take();
        async move {
            let Some(mut rx) = rx else { return Ok(()) };
            while let Some((ask, reply)) = rx.recv().await {
                tokio::spawn(async move {
                    let v = match ask {
                        Ask::Call => 0,
                        Ask::Trip => floor_trip().await,
                    };
                    let _ = reply.send(v);
                });
            }
            Ok(())
        }
    });
    for k in 0..shape.clients.max(1) {
        let (tx, share) = (tx.clone(), shape.share(k));
        let ask = move |ask| {
            let (reply, answer) = oneshot::channel();
            let _ = tx.send((ask, reply));
            async move {
                let _ = answer.await;
            }
        };
        let task = || async {
            let _ = tokio::spawn(async {}).await;
        };
        sim.client(format!("c{k}"), async move {
            program(share, ask, task, tokio::time::sleep).await;
            Ok(())
        });
    }
    drop(tx);
    let _ = sim.run();
    sim.elapsed()
}

/// One request line to the floor's array and its echo, over turmoil TCP;
/// 0 if the array was not listening yet.
async fn floor_trip() -> u64 {
    loop {
        if let Ok(stream) = ::turmoil::net::TcpStream::connect(("array", 3260)).await {
            let (r, mut w) = stream.into_split();
            if w.write_all(b"{}\n").await.is_err() {
                return 0;
            }
            let mut line = String::new();
            let _ = BufReader::new(r).read_line(&mut line).await;
            return line.len() as u64;
        }
        tokio::time::sleep(super::turmoil::TICK).await;
    }
}
