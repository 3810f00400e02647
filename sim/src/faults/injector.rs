//! Fires the faults of a plan during a run: timed ones from their own task,
//! call-triggered ones just before the call they name. Each firing is
//! traced, including the ones their probability skipped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Fault, FaultPlan, Trigger};
use crate::array::link::LinkControl;
use crate::array::{Array, ArrayRequest};
use crate::program::{ClientProgram, Step};
use crate::provider::{ProviderFault, SimProvider};
use crate::runtime;
use crate::trace::{Event, Trace};

/// The parts of a running world that faults act on. The world's run
/// context implements it; the injector needs nothing else of the world.
pub(crate) trait FaultScope: Send + Sync + 'static {
    /// The provider under test, for provider-side faults.
    fn provider(&self) -> &dyn SimProvider;
    /// The array, for faults that change it behind the provider's back.
    fn array(&self) -> &Array;
    /// The link between provider and array, for link faults.
    fn link(&self) -> Arc<dyn LinkControl>;
    /// The run's trace, where each firing is recorded.
    fn trace(&self) -> &Trace;
    /// Starts one more client (for the concurrent-calls fault).
    fn start_client(self: Arc<Self>, program: ClientProgram);
}

/// The fault plan of one run, with its seeded stream and call counter.
pub(crate) struct Injector {
    plan: FaultPlan,
    rng: Mutex<ChaCha8Rng>,
    calls: AtomicU64,
}

impl Injector {
    /// An injector for `plan`, drawing from a ChaCha8 stream seeded with `seed`.
    pub fn new(plan: FaultPlan, seed: u64) -> Self {
        Self {
            plan,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            calls: AtomicU64::new(0),
        }
    }

    /// Counts one program call and fires the faults due just before it.
    pub async fn before_call<S: FaultScope>(&self, ctx: &Arc<S>) {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        for (i, rule) in self.plan.rules.iter().enumerate() {
            if rule.at == Trigger::BeforeCall(n) {
                self.fire(ctx, i).await;
            }
        }
    }

    /// Fires the timed faults at their moments; returns when the last has fired.
    pub(crate) async fn run_timed<S: FaultScope>(&self, ctx: &Arc<S>) {
        let mut timed: Vec<(u64, usize)> = self
            .plan
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r.at {
                Trigger::AtMs(ms) => Some((ms, i)),
                Trigger::BeforeCall(_) => None,
            })
            .collect();
        timed.sort();
        for (ms, i) in timed {
            let due = Duration::from_millis(ms);
            let now = runtime::now();
            if due > now {
                runtime::sleep(due - now).await;
            }
            self.fire(ctx, i).await;
        }
    }

    async fn fire<S: FaultScope>(&self, ctx: &Arc<S>, index: usize) {
        let rule = &self.plan.rules[index];
        let (fired, salt) = {
            let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
            let p = rule.probability.clamp(0.0, 1.0);
            (p >= 1.0 || rng.random_bool(p), rng.next_u64())
        };
        let detail = if fired {
            apply(ctx, index, &rule.fault, salt).await
        } else {
            "skipped by its probability".to_string()
        };
        ctx.trace().record(Event::Fault {
            rule: index,
            kind: rule.fault.kind(),
            fired,
            detail,
        });
    }
}

/// Undoes a link or timing fault after its duration, from its own task.
fn after(ms: u64, undo: impl FnOnce() + Send + 'static) {
    runtime::spawn(async move {
        runtime::sleep(Duration::from_millis(ms)).await;
        undo();
    });
}

async fn apply<S: FaultScope>(ctx: &Arc<S>, index: usize, fault: &Fault, salt: u64) -> String {
    let unsupported = |what: &str| format!("the provider cannot simulate {what}; nothing happened");
    match fault {
        Fault::CacheCorruption => {
            if ctx.provider().inject(ProviderFault::CorruptCache { salt }) {
                "provider cache corrupted".into()
            } else {
                unsupported("cache corruption")
            }
        }
        Fault::ProviderRestart => {
            if ctx.provider().inject(ProviderFault::Restart) {
                "provider restarted; cache lost".into()
            } else {
                unsupported("a restart")
            }
        }
        Fault::AllocationFailure => {
            if ctx.provider().inject(ProviderFault::FailNextAllocation) {
                "the provider's next allocation fails".into()
            } else {
                unsupported("allocation failure")
            }
        }
        Fault::InvalidArgument => {
            ctx.array().reject_next_request();
            "the array refuses the next request as malformed".into()
        }
        Fault::DeleteTarget { target } => match ctx.array().target_named(target) {
            Some(id) => match ctx
                .array()
                .apply_direct(&ArrayRequest::DeleteTarget { target: id })
            {
                Ok(_) => format!("target {target} {id} deleted on the array"),
                Err(e) => format!("target {target} could not be deleted: {e}"),
            },
            None => format!("no target {target} on the array; nothing deleted"),
        },
        Fault::DeletePortalGroup { target, tag } => delete_group(ctx.as_ref(), target, *tag),
        Fault::CreatePortalGroup { target } => match ctx.array().target_named(target) {
            Some(id) => match ctx
                .array()
                .apply_direct(&ArrayRequest::CreatePortalGroup { target: id })
            {
                Ok(_) => format!("a group of target {target} created on the array"),
                Err(e) => format!("no group of target {target} could be created: {e}"),
            },
            None => format!("no target {target} on the array; nothing created"),
        },
        Fault::ConcurrentCalls { clients, target } => {
            concurrent_calls(ctx, index, *clients, target)
        }
        Fault::LinkLoss {
            probability,
            duration_ms,
        } => {
            let link = ctx.link();
            link.set_loss(*probability);
            after(*duration_ms, move || link.set_loss(0.0));
            format!("messages lost with probability {probability} for {duration_ms} ms")
        }
        Fault::LinkPartition { duration_ms } => {
            let link = ctx.link();
            link.partition();
            after(*duration_ms, move || link.repair());
            format!("provider and array partitioned for {duration_ms} ms")
        }
        Fault::LinkHold { duration_ms } => {
            let link = ctx.link();
            link.hold();
            after(*duration_ms, move || link.release());
            format!("messages held for {duration_ms} ms")
        }
        Fault::LinkLatency {
            extra_ms,
            duration_ms,
        } => {
            let link = ctx.link();
            link.set_extra_latency(Duration::from_millis(*extra_ms));
            after(*duration_ms, move || link.set_extra_latency(Duration::ZERO));
            format!("{extra_ms} ms extra latency for {duration_ms} ms")
        }
        Fault::SlowOperations {
            factor,
            duration_ms,
        } => {
            ctx.array().set_slow_factor(*factor);
            let array = ctx.array().clone();
            after(*duration_ms, move || array.set_slow_factor(1));
            format!("array operations {factor}x slower for {duration_ms} ms")
        }
    }
}

/// Deletes the group with `tag` of `target` on the array (its portals first).
fn delete_group<S: FaultScope>(ctx: &S, target: &str, tag: u16) -> String {
    let group = ctx.array().target_named(target).and_then(|t| {
        ctx.array()
            .snapshot()
            .groups_of(t)
            .into_iter()
            .find(|g| g.tag == tag)
    });
    match group {
        Some(g) => {
            for p in &g.portals {
                let _ = ctx.array().apply_direct(&ArrayRequest::RemovePortal {
                    group: g.id,
                    portal: *p,
                });
            }
            match ctx
                .array()
                .apply_direct(&ArrayRequest::DeletePortalGroup { group: g.id })
            {
                Ok(_) => format!("group tag {tag} of {target} deleted on the array"),
                Err(e) => format!("group tag {tag} of {target} could not be deleted: {e}"),
            }
        }
        None => format!("no group tag {tag} on {target}; nothing deleted"),
    }
}

/// Starts `clients` clients that each call CreatePortalGroup on `target` once.
fn concurrent_calls<S: FaultScope>(
    ctx: &Arc<S>,
    index: usize,
    clients: u32,
    target: &str,
) -> String {
    for i in 0..clients {
        let program = ClientProgram::new(
            &format!("concurrent-r{index}-{i}"),
            vec![
                Step::CreatePortalGroup {
                    target: target.to_string(),
                    bind: "op".into(),
                },
                Step::Wait {
                    op: "op".into(),
                    bind: None,
                },
            ],
        );
        ctx.clone().start_client(program);
    }
    format!("{clients} clients call CreatePortalGroup on {target} at once")
}
