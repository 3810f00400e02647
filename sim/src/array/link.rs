//! The link between a provider and the array: the only way a provider
//! reaches the array, and a place where faults (loss, partition, hold,
//! latency) happen. Each engine supplies its own link: in process on
//! madsim ([`LocalLink`]), TCP on turmoil (the turmoil engine, `engine/turmoil.rs`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Array, ArrayRequest, ArrayResult};
use crate::runtime;

/// Why a request got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// No answer within the link's timeout (loss, partition, hold).
    #[error("the array did not answer in time")]
    Timeout,
}

/// The provider's side of the link: send a request, get the array's answer.
#[async_trait]
pub trait ArrayLink: Send + Sync {
    /// Sends one request and waits for the answer, or fails after the timeout.
    async fn call(&self, req: ArrayRequest) -> Result<ArrayResult, LinkError>;
}

/// The fault injector's handle on a link.
pub(crate) trait LinkControl: Send + Sync {
    /// Drops every message both ways until [`LinkControl::repair`].
    fn partition(&self);
    /// Ends a partition.
    fn repair(&self);
    /// Holds messages in flight until [`LinkControl::release`].
    fn hold(&self);
    /// Delivers held messages.
    fn release(&self);
    /// Adds this much latency to every message (zero removes it).
    fn set_extra_latency(&self, extra: Duration);
    /// Loses each message with this probability (0 disables).
    fn set_loss(&self, probability: f64);
}

/// How long a provider waits for the array before giving up. Default 1 s.
pub const DEFAULT_LINK_TIMEOUT: Duration = Duration::from_secs(1);

struct LocalState {
    partitioned: bool,
    held: bool,
    extra: Duration,
    loss: f64,
    rng: ChaCha8Rng,
}

/// An in-process link with seeded latency, loss, partition and hold: the
/// madsim engine's link.
#[derive(Clone)]
pub(crate) struct LocalLink {
    array: Array,
    state: Arc<Mutex<LocalState>>,
    min_latency: Duration,
    max_latency: Duration,
    timeout: Duration,
}

impl LocalLink {
    /// A link to `array` whose one-way latency is drawn from `min..=max` by a
    /// ChaCha8 stream seeded with `seed`.
    pub fn new(array: Array, seed: u64, min_latency: Duration, max_latency: Duration) -> Self {
        Self {
            array,
            state: Arc::new(Mutex::new(LocalState {
                partitioned: false,
                held: false,
                extra: Duration::ZERO,
                loss: 0.0,
                rng: ChaCha8Rng::seed_from_u64(seed),
            })),
            min_latency,
            max_latency,
            timeout: DEFAULT_LINK_TIMEOUT,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LocalState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One message's trip: its latency, or `None` when it is lost.
    fn trip(&self) -> Option<Duration> {
        let mut s = self.lock();
        let (lo, hi) = (
            self.min_latency.as_micros() as u64,
            self.max_latency.as_micros() as u64,
        );
        let latency = Duration::from_micros(if hi > lo {
            s.rng.random_range(lo..=hi)
        } else {
            lo
        });
        let loss = s.loss.min(1.0);
        let lost = loss > 0.0 && s.rng.random_bool(loss);
        (!s.partitioned && !lost).then_some(latency + s.extra)
    }

    async fn deliver(&self) {
        match self.trip() {
            Some(latency) => runtime::sleep(latency).await,
            None => std::future::pending::<()>().await,
        }
        while self.lock().held {
            runtime::sleep(Duration::from_millis(1)).await;
        }
    }
}

#[async_trait]
impl ArrayLink for LocalLink {
    async fn call(&self, req: ArrayRequest) -> Result<ArrayResult, LinkError> {
        let exchange = async {
            self.deliver().await;
            let result = self.array.execute(req).await;
            self.deliver().await;
            result
        };
        runtime::timeout(self.timeout, exchange)
            .await
            .ok_or(LinkError::Timeout)
    }
}

impl LinkControl for LocalLink {
    fn partition(&self) {
        self.lock().partitioned = true;
    }
    fn repair(&self) {
        self.lock().partitioned = false;
    }
    fn hold(&self) {
        self.lock().held = true;
    }
    fn release(&self) {
        self.lock().held = false;
    }
    fn set_extra_latency(&self, extra: Duration) {
        self.lock().extra = extra;
    }
    fn set_loss(&self, probability: f64) {
        self.lock().loss = probability;
    }
}
