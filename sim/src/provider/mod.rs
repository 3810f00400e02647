//! Providers: what a provider is given ([`ProviderContext`]), what the
//! harness asks of it besides the COM interfaces ([`SimProvider`]), and the
//! reference provider that keeps the whole contract ([`ReferenceProvider`]).

pub mod async_op;
pub mod cache;
pub mod declaration;
pub(crate) mod mutation;
pub(crate) mod objects;
pub mod wrap;

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::array::link::{ArrayLink, LinkError};
use crate::array::{ArrayError, ArrayRequest, ArrayResult};
use crate::hresult::{HResult, win32};
use crate::interfaces::IVdsHwProvider;
use crate::ledger::Ledger;
use crate::props::VDS_OBJECT_ID;
use async_op::AsyncOp;
use cache::Cache;
pub use mutation::Mutation;

/// Everything a provider is given when the world creates it.
#[derive(Clone)]
pub struct ProviderContext {
    /// The ledger every interface pointer it hands out must be counted in.
    pub ledger: Ledger,
    /// Its only way to the array.
    pub link: Arc<dyn ArrayLink>,
    /// A seed for any randomness of its own, derived from the run's seed.
    pub seed: u64,
}

/// A fault the harness asks the provider to suffer. Providers that cannot
/// simulate a fault answer `false`, and checks that need it are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderFault {
    /// Damage the cache so that its contents no longer match the array.
    CorruptCache {
        /// Seed-derived value to vary the damage.
        salt: u64,
    },
    /// Restart: lose the cache and abandon operations in flight.
    Restart,
    /// Make the next allocation fail (`E_OUTOFMEMORY`).
    FailNextAllocation,
}

/// The kinds of [`ProviderFault`], without their parameters: what a
/// provider declares it cannot simulate ([`ProviderFactory::cannot_take`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum ProviderFaultKind {
    /// [`ProviderFault::CorruptCache`].
    CorruptCache,
    /// [`ProviderFault::Restart`].
    Restart,
    /// [`ProviderFault::FailNextAllocation`].
    FailNextAllocation,
}

impl ProviderFault {
    /// Its kind.
    pub fn kind(self) -> ProviderFaultKind {
        match self {
            ProviderFault::CorruptCache { .. } => ProviderFaultKind::CorruptCache,
            ProviderFault::Restart => ProviderFaultKind::Restart,
            ProviderFault::FailNextAllocation => ProviderFaultKind::FailNextAllocation,
        }
    }
}

/// A provider as the harness drives it: the COM root plus fault hooks.
pub trait SimProvider: Send + Sync {
    /// The provider's `IVdsHwProvider` object.
    fn root(&self) -> Arc<dyn IVdsHwProvider>;
    /// Suffers a fault; `false` if this provider cannot simulate it.
    fn inject(&self, fault: ProviderFault) -> bool {
        let _ = fault;
        false
    }
    /// The run is over: the provider stops (a provider in another process
    /// ends it) and says how it went. Called once, when the world has
    /// stopped. Default: nothing to say (an in-process provider).
    fn end(&self) -> ProviderEnd {
        ProviderEnd::default()
    }
}

/// What a provider says when its run is over ([`SimProvider::end`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderEnd {
    /// Why the provider broke down, if it did: a provider in another
    /// process that exited or broke its protocol. The run's verdict becomes
    /// `RunError::Provider` with this message.
    pub failure: Option<String>,
    /// True when that failure is a hang: the provider did not answer within
    /// its turn limit (a suite stops after a few such runs in a row).
    pub hung: bool,
    /// Its protocol transcript, for the artifacts of a failing run (empty
    /// for an in-process provider).
    pub transcript: Vec<String>,
}

/// Makes providers; the world calls it once per run.
pub trait ProviderFactory: Send + Sync {
    /// The provider's name in reports (`reference`, `mutant:NAME`, ...).
    fn name(&self) -> String;
    /// Creates a provider connected to the world through `ctx`.
    fn create(&self, ctx: ProviderContext) -> Arc<dyn SimProvider>;
    /// Provider-side faults this provider cannot simulate (its
    /// [`SimProvider::inject`] answers `false` for them). A suite run does
    /// not require the checks that need them to be exercised. Default: none.
    fn cannot_take(&self) -> &'static [ProviderFaultKind] {
        &[]
    }
    /// The provider's declared design choices (its lock domain, whether
    /// Reenumerate and Refresh run alongside operations), which the oracle
    /// judges it against. Default: the reference provider's.
    fn declaration(&self) -> declaration::Declaration {
        declaration::Declaration::default()
    }
}

/// Timing choices of the reference provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProviderConfig {
    /// How long an operation waits in the provider before it is sent to the
    /// array; Cancel succeeds only in this window. Default 5 ms.
    pub(crate) cancel_window: Duration,
    /// The duration QueryStatus's percentage is scaled to. Default 60 ms.
    pub(crate) progress_estimate: Duration,
    /// A deliberate breakage, for the mutant catalogue. Default none.
    pub(crate) mutation: Option<Mutation>,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            cancel_window: Duration::from_millis(5),
            progress_estimate: Duration::from_millis(60),
            mutation: None,
        }
    }
}

/// How the reference provider turns a lost request into an HRESULT.
pub(crate) fn link_error_hresult(e: LinkError) -> HResult {
    match e {
        LinkError::Timeout => HResult::from_win32(win32::ERROR_TIMEOUT),
    }
}

/// How the reference provider turns an array refusal into an HRESULT.
/// `NotFound` of the object the call was made on means it was deleted.
pub(crate) fn array_error_hresult(e: &ArrayError) -> HResult {
    match e {
        ArrayError::NotFound { .. } => HResult::VDS_E_OBJECT_DELETED,
        ArrayError::GroupLimitReached { .. } => HResult::VDS_S_ALREADY_EXISTS,
        ArrayError::NameNotUnique => HResult::VDS_E_NAME_NOT_UNIQUE,
        ArrayError::AssociatedLunsExist => HResult::VDS_E_ASSOCIATED_LUNS_EXIST,
        ArrayError::AssociatedPortalsExist => HResult::VDS_E_ASSOCIATED_PORTALS_EXIST,
        ArrayError::PortalInUse { .. } => HResult::VDS_E_OBJECT_EXISTS,
        ArrayError::InvalidParameter => HResult::from_win32(win32::ERROR_INVALID_PARAMETER),
    }
}

pub(crate) struct State {
    pub(crate) cache: Cache,
    /// Targets with an operation in flight.
    pub(crate) busy: std::collections::BTreeSet<VDS_OBJECT_ID>,
    /// A Reenumerate or Refresh is running.
    pub(crate) refreshing: bool,
    /// Reenumerate has run since the cache was found corrupt.
    pub(crate) rediscovered: bool,
    /// Fault: the next allocation fails.
    pub(crate) fail_next_allocation: bool,
    /// Operations not yet finished, to abandon on restart.
    pub(crate) ops: Vec<Weak<AsyncOp>>,
    /// How many times the provider has restarted: a call that waited on
    /// the array across a restart finds it changed, and knows that its
    /// target lock and the cache it read are gone.
    pub(crate) restarts: u64,
}

/// The state all of the reference provider's objects share.
pub(crate) struct Shared {
    pub(crate) ledger: Ledger,
    pub(crate) link: Arc<dyn ArrayLink>,
    pub(crate) config: ProviderConfig,
    pub(crate) state: Mutex<State>,
}

impl Shared {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True when this provider carries the given deliberate breakage.
    pub(crate) fn mutated(&self, m: Mutation) -> bool {
        self.config.mutation == Some(m)
    }

    /// The code for an object that is gone (rule `DELETED-IS-OBJECT-DELETED`).
    pub(crate) fn deleted_code(&self) -> HResult {
        HResult::VDS_E_OBJECT_DELETED
    }

    pub(crate) fn track(&self, op: &Arc<AsyncOp>) {
        let mut s = self.lock();
        // Operations nobody holds any more are forgotten; a finished one
        // may stay, since ending an operation twice keeps its first end.
        s.ops.retain(|w| w.upgrade().is_some());
        s.ops.push(Arc::downgrade(op));
    }

    /// How many times the provider has restarted (see [`State::restarts`]).
    pub(crate) fn restarts(&self) -> u64 {
        self.lock().restarts
    }

    pub(crate) fn unlock(&self, target: VDS_OBJECT_ID) {
        self.lock().busy.remove(&target);
    }

    /// One round trip to the array, with link errors already converted.
    pub(crate) async fn ask(&self, req: ArrayRequest) -> Result<ArrayResult, HResult> {
        self.link.call(req).await.map_err(link_error_hresult)
    }

    /// The checks every call starts with (rules `CACHE-CORRUPT-GATE`,
    /// `BUSY-DURING-REFRESH`), then loads the cache if it is empty.
    pub(crate) async fn gate(&self) -> Result<(), HResult> {
        {
            let mut s = self.lock();
            if s.refreshing {
                return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
            }
            if !s.cache.intact() && !self.mutated(Mutation::IgnoreCorruption) {
                return Err(HResult::VDS_E_PROVIDER_CACHE_CORRUPT);
            }
            if std::mem::take(&mut s.fail_next_allocation)
                && !self.mutated(Mutation::IgnoreAllocationFailure)
            {
                return Err(HResult::E_OUTOFMEMORY);
            }
            if s.cache.loaded() {
                return Ok(());
            }
        }
        self.load().await
    }

    /// Fills the empty cache with a copy of the array. A copy asked for
    /// before a restart is not the restarted provider's to install (rule
    /// RESTART-RELOADS-CACHE): it may predate changes made while it
    /// travelled, so another is asked for.
    async fn load(&self) -> Result<(), HResult> {
        loop {
            let asked_at = self.restarts();
            match self.ask(ArrayRequest::Snapshot).await? {
                Ok(crate::array::ArrayReply::Snapshot { snapshot }) => {
                    let mut s = self.lock();
                    if s.restarts != asked_at {
                        continue;
                    }
                    if !s.cache.loaded() {
                        s.cache.fill(snapshot);
                    }
                    return Ok(());
                }
                Ok(_) => return Err(HResult::VDS_E_BAD_PROVIDER_DATA),
                Err(e) => return Err(array_error_hresult(&e)),
            }
        }
    }

    /// Marks `target` busy for an operation, or says it is busy already.
    pub(crate) fn lock_target(&self, target: VDS_OBJECT_ID) -> Result<(), HResult> {
        if self.lock().busy.insert(target) || self.mutated(Mutation::NoSerialisation) {
            Ok(())
        } else {
            Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS)
        }
    }
}

/// The reference provider: keeps the whole contract, every choice as the
/// [`profile`](crate::profile) states it.
#[derive(Clone)]
pub struct ReferenceProvider {
    shared: Arc<Shared>,
}

impl ReferenceProvider {
    /// A reference provider connected through `ctx`, with default timing.
    pub fn new(ctx: ProviderContext) -> Self {
        Self::with_config(ctx, ProviderConfig::default())
    }

    /// A reference provider with the given timing.
    pub(crate) fn with_config(ctx: ProviderContext, config: ProviderConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                ledger: ctx.ledger,
                link: ctx.link,
                config,
                state: Mutex::new(State {
                    cache: Cache::new(),
                    busy: Default::default(),
                    refreshing: false,
                    rediscovered: false,
                    fail_next_allocation: false,
                    ops: Vec::new(),
                    restarts: 0,
                }),
            }),
        }
    }
}

impl SimProvider for ReferenceProvider {
    fn root(&self) -> Arc<dyn IVdsHwProvider> {
        Arc::new(objects::HwProvider::new(self.shared.clone()))
    }

    fn inject(&self, fault: ProviderFault) -> bool {
        match fault {
            ProviderFault::CorruptCache { salt } => {
                let mut s = self.shared.lock();
                s.cache.corrupt(salt);
                s.rediscovered = false;
            }
            ProviderFault::FailNextAllocation => self.shared.lock().fail_next_allocation = true,
            ProviderFault::Restart => {
                let ops = {
                    let keep_cache = self.shared.mutated(Mutation::RestartKeepsCache);
                    let mut s = self.shared.lock();
                    if !keep_cache {
                        s.cache.clear();
                    }
                    s.busy.clear();
                    s.refreshing = false;
                    s.rediscovered = false;
                    s.restarts += 1;
                    std::mem::take(&mut s.ops)
                };
                let abandon = !self.shared.mutated(Mutation::RestartKeepsOperations);
                for op in ops.iter().filter_map(Weak::upgrade).filter(|_| abandon) {
                    op.finish(HResult::VDS_E_PROVIDER_EXITING, async_op::Produced::Nothing);
                }
            }
        }
        true
    }
}

/// The factory of the reference provider.
#[derive(Clone, Debug, Default)]
pub struct ReferenceFactory {
    /// Timing of the providers it makes.
    pub(crate) config: ProviderConfig,
}

impl ReferenceFactory {
    /// The factory of a deliberately broken reference provider.
    // An assignment, not a struct expression: cargo-mutants' field-deletion
    // mutants escape its --exclude-re, and this hook must not be counted.
    #[allow(clippy::field_reassign_with_default)]
    pub fn mutant(mutation: Mutation) -> Self {
        let mut config = ProviderConfig::default();
        config.mutation = Some(mutation);
        Self { config }
    }
}

impl ProviderFactory for ReferenceFactory {
    fn name(&self) -> String {
        match self.config.mutation {
            None => "reference".to_string(),
            Some(m) => format!("mutant:{}", m.name()),
        }
    }
    fn create(&self, ctx: ProviderContext) -> Arc<dyn SimProvider> {
        Arc::new(ReferenceProvider::with_config(ctx, self.config.clone()))
    }
}
