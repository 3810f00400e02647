//! The toy provider's COM objects and shared state. There is no cache:
//! every call asks the array over `ctx.link`, so whatever a call reports is
//! what the array held when it answered.

#![allow(non_snake_case)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use vds_sim::prelude::VDS_ASYNC_OUTPUT_TYPE as T;
use vds_sim::prelude::*;

use super::design::Design;
use super::op::{Outcome, Produced, ToyOp, Work};

#[derive(Default)]
struct State {
    /// Targets with a changing operation in flight, each with the claim that holds it.
    busy: BTreeMap<VDS_OBJECT_ID, u64>,
    next_claim: u64,
    /// Reenumerate or Refresh calls running.
    rescanning: u32,
    /// Fault: the next call fails with E_OUTOFMEMORY.
    fail_next_allocation: bool,
    /// Operations that may still be running, to abandon on restart.
    in_flight: Vec<Weak<ToyOp>>,
}

/// What all of the toy provider's objects share.
pub struct Shared {
    ledger: Ledger,
    link: Arc<dyn ArrayLink>,
    state: Mutex<State>,
    design: Design,
}

/// How the toy names array refusals. `subject` is the object the call is
/// about: its `NotFound` means it was deleted, anyone else's that it is
/// not found.
fn array_error(e: &ArrayError, subject: Option<VDS_OBJECT_ID>) -> HResult {
    match e {
        ArrayError::NotFound { id } if Some(*id) == subject => HResult::VDS_E_OBJECT_DELETED,
        ArrayError::NotFound { .. } => HResult::VDS_E_OBJECT_NOT_FOUND,
        // A target at its limit with no group to hand back (a CreatePortalGroup
        // operation hands back its lowest group instead).
        ArrayError::GroupLimitReached { .. } => HResult::VDS_E_OBJECT_EXISTS,
        ArrayError::NameNotUnique => HResult::VDS_E_NAME_NOT_UNIQUE,
        ArrayError::AssociatedLunsExist => HResult::VDS_E_ASSOCIATED_LUNS_EXIST,
        ArrayError::AssociatedPortalsExist => HResult::VDS_E_ASSOCIATED_PORTALS_EXIST,
        ArrayError::PortalInUse { .. } => HResult::VDS_E_OBJECT_EXISTS,
        ArrayError::InvalidParameter => HResult::from_win32(win32::ERROR_INVALID_PARAMETER),
    }
}

const BAD_DATA: HResult = HResult::VDS_E_BAD_PROVIDER_DATA;

impl Shared {
    /// The design this provider was built to.
    pub fn design(&self) -> &Design {
        &self.design
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What every call (except the IVdsAsync methods) passes first. A
    /// design that looks for a running Reenumerate or Refresh late does so
    /// in [`Shared::settle`] instead.
    fn enter(&self) -> Result<(), HResult> {
        let mut s = self.lock();
        if s.rescanning > 0 && !self.design.late_busy {
            return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
        }
        if std::mem::take(&mut s.fail_next_allocation) {
            return Err(HResult::E_OUTOFMEMORY);
        }
        Ok(())
    }

    /// After a call's round trip to the array: the late design refuses the
    /// call if a Reenumerate or Refresh began meanwhile.
    fn settle(&self) -> Result<(), HResult> {
        if self.design.late_busy && self.lock().rescanning > 0 {
            return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
        }
        Ok(())
    }

    /// What an operation on `target` holds busy: the target, or with a
    /// coarser lock domain the whole provider (the nil id).
    fn lock_key(&self, target: VDS_OBJECT_ID) -> VDS_OBJECT_ID {
        match self.design.lock {
            LockDomain::Target => target,
            LockDomain::Subsystem | LockDomain::Provider => VDS_OBJECT_ID::NIL,
        }
    }

    /// Marks `target`'s lock busy (rule BUSY-IN-DOMAIN); the claim releases it.
    fn claim(&self, target: VDS_OBJECT_ID) -> Result<u64, HResult> {
        let key = self.lock_key(target);
        let mut s = self.lock();
        if s.busy.contains_key(&key) {
            return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
        }
        s.next_claim += 1;
        let claim = s.next_claim;
        s.busy.insert(key, claim);
        Ok(claim)
    }

    /// Whether `claim` still holds `target`'s lock: a restart frees every
    /// lock, and a call that claimed one before it must not start its
    /// operation unlocked afterwards.
    fn holds(&self, target: VDS_OBJECT_ID, claim: u64) -> bool {
        let key = self.lock_key(target);
        self.lock().busy.get(&key) == Some(&claim)
    }

    /// Frees `target`'s lock if `claim` still holds it (a restart may have
    /// freed it already).
    pub fn release(&self, target: VDS_OBJECT_ID, claim: u64) {
        let key = self.lock_key(target);
        let mut s = self.lock();
        if s.busy.get(&key) == Some(&claim) {
            s.busy.remove(&key);
        }
    }

    pub fn track(&self, op: &Arc<ToyOp>) {
        let mut s = self.lock();
        s.in_flight
            .retain(|w| w.upgrade().is_some_and(|o| o.pending()));
        s.in_flight.push(Arc::downgrade(op));
    }

    /// One round trip; only a lost request is an error here.
    async fn ask_raw(&self, req: ArrayRequest) -> Result<Result<ArrayReply, ArrayError>, HResult> {
        self.link.call(req).await.map_err(|e| match e {
            LinkError::Timeout => HResult::from_win32(win32::ERROR_TIMEOUT),
        })
    }

    /// One round trip with refusals named (see [`array_error`]).
    async fn ask(
        &self,
        req: ArrayRequest,
        subject: Option<VDS_OBJECT_ID>,
    ) -> Result<ArrayReply, HResult> {
        self.ask_raw(req)
            .await?
            .map_err(|e| array_error(&e, subject))
    }

    async fn snapshot(&self) -> Result<ArraySnapshot, HResult> {
        let reply = self.ask(ArrayRequest::Snapshot, None).await?;
        self.settle()?;
        match reply {
            ArrayReply::Snapshot { snapshot } => Ok(snapshot),
            _ => Err(BAD_DATA),
        }
    }

    async fn subsystem(&self) -> Result<VDS_OBJECT_ID, HResult> {
        let reply = self.ask(ArrayRequest::Discover, None).await?;
        self.settle()?;
        match reply {
            ArrayReply::Subsystem { id, .. } => Ok(id),
            _ => Err(BAD_DATA),
        }
    }

    /// A target, its groups and the array's group limit.
    async fn target(
        &self,
        id: VDS_OBJECT_ID,
    ) -> Result<(TargetRecord, Vec<GroupRecord>, u16), HResult> {
        let reply = self
            .ask(ArrayRequest::GetTarget { target: id }, Some(id))
            .await?;
        self.settle()?;
        match reply {
            ArrayReply::Target {
                target,
                groups,
                group_limit,
            } => Ok((target, groups, group_limit)),
            _ => Err(BAD_DATA),
        }
    }

    async fn group(&self, id: VDS_OBJECT_ID) -> Result<GroupRecord, HResult> {
        let reply = self
            .ask(ArrayRequest::GetPortalGroup { group: id }, Some(id))
            .await?;
        self.settle()?;
        match reply {
            ArrayReply::Group { group } => Ok(group),
            _ => Err(BAD_DATA),
        }
    }

    /// An operation's work: one request whose success produces nothing.
    fn plain_work(self: &Arc<Self>, req: ArrayRequest, subject: VDS_OBJECT_ID) -> Work {
        let shared = self.clone();
        Box::pin(async move {
            match shared.ask(req, Some(subject)).await {
                Ok(_) => Outcome::ok(Produced::Nothing),
                Err(hr) => Outcome::failed(hr),
            }
        })
    }

    // Every pointer handed out is a fresh object and a fresh ledger entry.

    fn subsystem_ptr(
        self: &Arc<Self>,
        id: VDS_OBJECT_ID,
        origin: Method,
    ) -> ComPtr<dyn IVdsSubSystemIscsi> {
        let obj = Arc::new(ToySubSystem {
            shared: self.clone(),
        });
        ComPtr::issue(&self.ledger, obj, Some(id), origin)
    }

    pub fn target_ptr(
        self: &Arc<Self>,
        id: VDS_OBJECT_ID,
        origin: Method,
    ) -> ComPtr<dyn IVdsIscsiTarget> {
        let obj = Arc::new(ToyTarget {
            shared: self.clone(),
            id,
        });
        ComPtr::issue(&self.ledger, obj, Some(id), origin)
    }

    pub fn group_ptr(
        self: &Arc<Self>,
        id: VDS_OBJECT_ID,
        origin: Method,
    ) -> ComPtr<dyn IVdsIscsiPortalGroup> {
        let obj = Arc::new(ToyGroup {
            shared: self.clone(),
            id,
        });
        ComPtr::issue(&self.ledger, obj, Some(id), origin)
    }

    fn portal_ptr(
        self: &Arc<Self>,
        id: VDS_OBJECT_ID,
        origin: Method,
    ) -> ComPtr<dyn IVdsIscsiPortal> {
        let obj = Arc::new(ToyPortal {
            shared: self.clone(),
            id,
        });
        ComPtr::issue(&self.ledger, obj, Some(id), origin)
    }

    fn async_ptr(&self, op: Arc<ToyOp>, origin: Method) -> ComPtr<dyn IVdsAsync> {
        ComPtr::issue(&self.ledger, op, None, origin)
    }
}

/// The toy provider as the harness drives it.
pub struct ToyProvider {
    shared: Arc<Shared>,
}

impl ToyProvider {
    /// A provider of `design` connected to its world through `ctx`. (The
    /// toy makes no random choices, so `ctx.seed` is unused.)
    pub fn new(ctx: ProviderContext, design: Design) -> Self {
        Self {
            shared: Arc::new(Shared {
                ledger: ctx.ledger,
                link: ctx.link,
                state: Mutex::new(State::default()),
                design,
            }),
        }
    }
}

impl SimProvider for ToyProvider {
    fn root(&self) -> Arc<dyn IVdsHwProvider> {
        Arc::new(ToyHwProvider {
            shared: self.shared.clone(),
        })
    }

    fn inject(&self, fault: ProviderFault) -> bool {
        match fault {
            // No cache, nothing to corrupt: the cache checks are not exercised.
            ProviderFault::CorruptCache { .. } => false,
            ProviderFault::FailNextAllocation => {
                self.shared.lock().fail_next_allocation = true;
                true
            }
            ProviderFault::Restart => {
                // Nothing cached to lose; abandon what is in flight.
                let ops = {
                    let mut s = self.shared.lock();
                    s.busy.clear();
                    s.rescanning = 0;
                    std::mem::take(&mut s.in_flight)
                };
                for op in ops.iter().filter_map(Weak::upgrade) {
                    op.finish(Outcome::failed(HResult::VDS_E_PROVIDER_EXITING));
                }
                true
            }
        }
    }
}

// ---------------------------------------------------------------------------
// IVdsHwProvider
// ---------------------------------------------------------------------------

struct ToyHwProvider {
    shared: Arc<Shared>,
}

impl ToyHwProvider {
    /// Reenumerate and Refresh: one request each; nothing cached to rebuild.
    /// While one runs, other calls answer busy (rule REFRESH-WHILE-OPERATIONS
    /// allows it), unless the design runs them alongside everything.
    async fn rescan(&self, req: ArrayRequest) -> HrResult<()> {
        self.shared.enter()?;
        // A design with one lock for the whole provider also refuses a
        // refresh while it is held (rule REFRESH-WHILE-OPERATIONS allows it).
        let coarse = self.shared.design.lock != LockDomain::Target;
        if coarse && !self.shared.lock().busy.is_empty() {
            return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
        }
        if self.shared.design.refresh_alongside {
            self.shared.ask(req, None).await?;
            return ok(());
        }
        self.shared.lock().rescanning += 1;
        let answer = self.shared.ask(req, None).await;
        let mut s = self.shared.lock();
        s.rescanning = s.rescanning.saturating_sub(1);
        answer?;
        ok(())
    }
}

#[async_trait]
impl IVdsHwProvider for ToyHwProvider {
    async fn QuerySubSystems(&self) -> HrResult<Vec<ComPtr<dyn IVdsSubSystemIscsi>>> {
        self.shared.enter()?;
        let id = self.shared.subsystem().await?;
        ok(vec![
            self.shared
                .subsystem_ptr(id, Method::HwProviderQuerySubSystems),
        ])
    }

    async fn Reenumerate(&self) -> HrResult<()> {
        self.rescan(ArrayRequest::Discover).await
    }

    async fn Refresh(&self) -> HrResult<()> {
        self.rescan(ArrayRequest::Snapshot).await
    }
}

// ---------------------------------------------------------------------------
// IVdsSubSystemIscsi
// ---------------------------------------------------------------------------

struct ToySubSystem {
    shared: Arc<Shared>,
}

/// Rule ARG-NULL-POINTER: a malformed iSCSI name is E_INVALIDARG. The toy
/// accepts the three RFC 3720/3980 name formats.
fn valid_iscsi_name(name: &str) -> bool {
    ["iqn.", "eui.", "naa."].iter().any(|p| name.starts_with(p))
        && name.len() <= 223
        && !name.chars().any(char::is_whitespace)
}

impl ToySubSystem {
    async fn create_target(
        &self,
        iscsi_name: Option<&str>,
        friendly_name: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.shared.enter()?;
        let name = iscsi_name.filter(|n| !n.is_empty()).map(str::to_string);
        if let Some(n) = &name {
            if !valid_iscsi_name(n) {
                return Err(HResult::E_INVALIDARG);
            }
            let snap = self.shared.snapshot().await?;
            if snap.targets.values().any(|t| &t.iscsi_name == n) {
                return Err(HResult::VDS_E_NAME_NOT_UNIQUE);
            }
        }
        let req = ArrayRequest::CreateTarget {
            iscsi_name: name,
            friendly_name: friendly_name.to_string(),
        };
        // With a lock domain coarser than a target, CreateTarget holds it too.
        let busy = match self.shared.design.lock {
            LockDomain::Target => None,
            _ => Some((VDS_OBJECT_ID::NIL, self.shared.claim(VDS_OBJECT_ID::NIL)?)),
        };
        let shared = self.shared.clone();
        let work: Work = Box::pin(async move {
            match shared.ask(req, None).await {
                Ok(ArrayReply::Target { target, .. }) => Outcome::ok(Produced::Target(target.id)),
                Ok(_) => Outcome::failed(BAD_DATA),
                Err(hr) => Outcome::failed(hr),
            }
        });
        let op = ToyOp::start(&self.shared, T::VDS_ASYNCOUT_CREATETARGET, busy, work).await;
        ok(self.shared.async_ptr(op, Method::SubSystemCreateTarget))
    }
}

#[async_trait]
impl IVdsSubSystemIscsi for ToySubSystem {
    async fn QueryTargets(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>> {
        self.shared.enter()?;
        let snap = self.shared.snapshot().await?;
        ok(snap
            .targets
            .keys()
            .map(|id| self.shared.target_ptr(*id, Method::SubSystemQueryTargets))
            .collect())
    }

    async fn QueryPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        self.shared.enter()?;
        let snap = self.shared.snapshot().await?;
        ok(snap
            .portals
            .keys()
            .map(|id| self.shared.portal_ptr(*id, Method::SubSystemQueryPortals))
            .collect())
    }

    async fn CreateTarget(
        &self,
        pwszIscsiName: Option<&str>,
        pwszFriendlyName: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.create_target(pwszIscsiName, pwszFriendlyName).await
    }
}

// ---------------------------------------------------------------------------
// IVdsIscsiTarget
// ---------------------------------------------------------------------------

struct ToyTarget {
    shared: Arc<Shared>,
    id: VDS_OBJECT_ID,
}

const CPG: Method = Method::TargetCreatePortalGroup;

impl ToyTarget {
    /// An operation the provider restarted under before it could start it
    /// (its lock went with the restart): handed back already abandoned
    /// (rule RESTART-ABANDONS-OPERATIONS).
    fn abandoned(&self, kind: T, origin: Method) -> ComPtr<dyn IVdsAsync> {
        let exiting = Outcome::failed(HResult::VDS_E_PROVIDER_EXITING);
        let op = ToyOp::finished(&self.shared, kind, exiting);
        self.shared.async_ptr(op, origin)
    }

    async fn record(&self) -> Result<TargetRecord, HResult> {
        self.shared.enter()?;
        Ok(self.shared.target(self.id).await?.0)
    }

    async fn create_portal_group(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.shared.enter()?;
        // Claim the target before asking, so that two calls cannot both
        // see room for one more group.
        let claim = self.shared.claim(self.id)?;
        let (_, groups, limit) = match self.shared.target(self.id).await {
            Ok(t) => t,
            Err(hr) => {
                self.shared.release(self.id, claim);
                return Err(hr);
            }
        };
        if groups.len() >= usize::from(limit) && !self.shared.design.limit_in_operation {
            self.shared.release(self.id, claim);
            // Rule CPG-LIMIT-EXISTING lets a provider hand back any existing
            // group with any success code. The toy hands back the group with
            // the HIGHEST tag, with pHrResult S_OK (the reference: lowest tag,
            // VDS_S_ALREADY_EXISTS).
            let outcome = match groups.iter().max_by_key(|g| g.tag) {
                Some(g) => Outcome::ok(Produced::Group(g.id)),
                None => Outcome::failed(HResult::VDS_E_OBJECT_EXISTS),
            };
            let op = ToyOp::finished(&self.shared, T::VDS_ASYNCOUT_CREATEPORTALGROUP, outcome);
            return ok_with(
                HResult::VDS_S_ALREADY_EXISTS,
                self.shared.async_ptr(op, CPG),
            );
        }
        let target = self.id;
        if !self.shared.holds(target, claim) {
            return ok(self.abandoned(T::VDS_ASYNCOUT_CREATEPORTALGROUP, CPG));
        }
        let shared = self.shared.clone();
        let work: Work = Box::pin(async move {
            let answer = match shared
                .ask_raw(ArrayRequest::CreatePortalGroup { target })
                .await
            {
                Ok(answer) => answer,
                Err(hr) => return Outcome::failed(hr),
            };
            match answer {
                Ok(ArrayReply::Group { group }) => Outcome::ok(Produced::Group(group.id)),
                Ok(_) => Outcome::failed(BAD_DATA),
                // Met when the limit was reached after the call looked (the
                // limit-in-operation design never looks; or a restart freed
                // the target while an abandoned operation still ran): hand
                // back an existing group (rule CPG-ALREADY-EXISTS).
                Err(ArrayError::GroupLimitReached {
                    lowest: Some(group),
                    ..
                }) => Outcome {
                    hr: HResult::VDS_S_ALREADY_EXISTS,
                    produced: Produced::Group(group),
                },
                Err(e) => Outcome::failed(array_error(&e, Some(target))),
            }
        });
        let op = ToyOp::start(
            &self.shared,
            T::VDS_ASYNCOUT_CREATEPORTALGROUP,
            Some((target, claim)),
            work,
        )
        .await;
        ok(self.shared.async_ptr(op, CPG))
    }

    async fn delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.shared.enter()?;
        let claim = self.shared.claim(self.id)?;
        let refused = match self.shared.target(self.id).await {
            Ok((t, _, _)) if !t.luns.is_empty() => Some(HResult::VDS_E_ASSOCIATED_LUNS_EXIST),
            Ok(_) => None,
            Err(hr) => Some(hr),
        };
        if let Some(hr) = refused {
            self.shared.release(self.id, claim);
            return Err(hr);
        }
        if !self.shared.holds(self.id, claim) {
            return ok(self.abandoned(T::VDS_ASYNCOUT_DELETETARGET, Method::TargetDelete));
        }
        let work = self
            .shared
            .plain_work(ArrayRequest::DeleteTarget { target: self.id }, self.id);
        let op = ToyOp::start(
            &self.shared,
            T::VDS_ASYNCOUT_DELETETARGET,
            Some((self.id, claim)),
            work,
        )
        .await;
        ok(self.shared.async_ptr(op, Method::TargetDelete))
    }

    async fn set_friendly_name(&self, name: &str) -> HrResult<()> {
        self.shared.enter()?;
        let req = ArrayRequest::SetFriendlyName {
            target: self.id,
            name: name.to_string(),
        };
        match self.shared.ask(req, Some(self.id)).await? {
            ArrayReply::Done { truncated: true } => ok_with(HResult::VDS_S_NAME_TRUNCATED, ()),
            ArrayReply::Done { truncated: false } => ok(()),
            _ => Err(BAD_DATA),
        }
    }

    async fn set_shared_secret(
        &self,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
        initiator: Option<&str>,
    ) -> HrResult<()> {
        self.shared.enter()?;
        if secret.is_some_and(VDS_ISCSI_SHARED_SECRET::is_null_with_size) {
            return Err(HResult::E_POINTER);
        }
        if initiator.is_some() {
            return Err(HResult::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED);
        }
        let req = ArrayRequest::SetSharedSecret {
            target: self.id,
            initiator: None,
            secret: secret.and_then(|s| s.pSharedSecret.clone()),
        };
        self.shared.ask(req, Some(self.id)).await?;
        ok(())
    }

    async fn remember_initiator_secret(
        &self,
        initiator: Option<&str>,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        self.shared.enter()?;
        let Some(initiator) = initiator else {
            return Err(HResult::E_POINTER);
        };
        if secret.is_some_and(VDS_ISCSI_SHARED_SECRET::is_null_with_size) {
            return Err(HResult::E_POINTER);
        }
        let req = ArrayRequest::RememberInitiatorSecret {
            target: self.id,
            initiator: initiator.to_string(),
            secret: secret.and_then(|s| s.pSharedSecret.clone()),
        };
        self.shared.ask(req, Some(self.id)).await?;
        ok(())
    }
}

#[async_trait]
impl IVdsIscsiTarget for ToyTarget {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_TARGET_PROP> {
        let t = self.record().await?;
        ok(VDS_ISCSI_TARGET_PROP {
            id: t.id,
            pwszIscsiName: t.iscsi_name,
            pwszFriendlyName: t.friendly_name,
            bChapEnabled: t.chap_enabled,
        })
    }

    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        self.record().await?;
        let id = self.shared.subsystem().await?;
        ok(self.shared.subsystem_ptr(id, Method::TargetGetSubSystem))
    }

    async fn QueryPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        self.shared.enter()?;
        let (_, groups, _) = self.shared.target(self.id).await?;
        ok(groups
            .iter()
            .map(|g| self.shared.group_ptr(g.id, Method::TargetQueryPortalGroups))
            .collect())
    }

    async fn QueryAssociatedLuns(&self) -> HrResult<Vec<VDS_OBJECT_ID>> {
        ok(self.record().await?.luns)
    }

    async fn CreatePortalGroup(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.create_portal_group().await
    }

    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.delete().await
    }

    async fn SetFriendlyName(&self, pwszFriendlyName: &str) -> HrResult<()> {
        self.set_friendly_name(pwszFriendlyName).await
    }

    async fn SetSharedSecret(
        &self,
        pTargetSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
        pwszInitiatorName: Option<&str>,
    ) -> HrResult<()> {
        self.set_shared_secret(pTargetSharedSecret, pwszInitiatorName)
            .await
    }

    async fn RememberInitiatorSharedSecret(
        &self,
        pwszInitiatorName: Option<&str>,
        pInitiatorSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        self.remember_initiator_secret(pwszInitiatorName, pInitiatorSharedSecret)
            .await
    }

    async fn GetConnectedInitiators(&self) -> HrResult<Vec<String>> {
        ok(self.record().await?.connected_initiators)
    }
}

// ---------------------------------------------------------------------------
// IVdsIscsiPortalGroup
// ---------------------------------------------------------------------------

struct ToyGroup {
    shared: Arc<Shared>,
    id: VDS_OBJECT_ID,
}

impl ToyGroup {
    async fn record(&self) -> Result<GroupRecord, HResult> {
        self.shared.enter()?;
        self.shared.group(self.id).await
    }

    /// Starts a change of this group, holding its target busy.
    async fn start(
        &self,
        g: &GroupRecord,
        kind: T,
        req: ArrayRequest,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let claim = self.shared.claim(g.target)?;
        let work = self.shared.plain_work(req, self.id);
        let op = ToyOp::start(&self.shared, kind, Some((g.target, claim)), work).await;
        let origin = match kind {
            T::VDS_ASYNCOUT_ADDPORTAL => Method::PortalGroupAddPortal,
            T::VDS_ASYNCOUT_REMOVEPORTAL => Method::PortalGroupRemovePortal,
            _ => Method::PortalGroupDelete,
        };
        ok(self.shared.async_ptr(op, origin))
    }

    async fn add_portal(&self, portal: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.shared.enter()?;
        if portal.is_nil() {
            return Err(HResult::E_INVALIDARG);
        }
        let snap = self.shared.snapshot().await?;
        let g = snap
            .groups
            .get(&self.id)
            .ok_or(HResult::VDS_E_OBJECT_DELETED)?;
        if !snap.portals.contains_key(&portal) {
            return Err(HResult::VDS_E_OBJECT_NOT_FOUND);
        }
        // Rule PORTAL-ONE-GROUP-PER-TARGET.
        if snap
            .groups_of(g.target)
            .iter()
            .any(|h| h.id != self.id && h.portals.contains(&portal))
        {
            return Err(HResult::VDS_E_OBJECT_EXISTS);
        }
        let req = ArrayRequest::AddPortal {
            group: self.id,
            portal,
        };
        self.start(g, T::VDS_ASYNCOUT_ADDPORTAL, req).await
    }

    async fn remove_portal(&self, portal: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let g = self.record().await?;
        if !g.portals.contains(&portal) {
            return Err(HResult::VDS_E_OBJECT_NOT_FOUND);
        }
        let req = ArrayRequest::RemovePortal {
            group: self.id,
            portal,
        };
        self.start(&g, T::VDS_ASYNCOUT_REMOVEPORTAL, req).await
    }

    async fn delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let g = self.record().await?;
        if !g.portals.is_empty() {
            return Err(HResult::VDS_E_ASSOCIATED_PORTALS_EXIST);
        }
        let req = ArrayRequest::DeletePortalGroup { group: self.id };
        self.start(&g, T::VDS_ASYNCOUT_DELETEPORTALGROUP, req).await
    }
}

#[async_trait]
impl IVdsIscsiPortalGroup for ToyGroup {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        let g = self.record().await?;
        ok(VDS_ISCSI_PORTALGROUP_PROP {
            id: g.id,
            tag: g.tag,
        })
    }

    async fn GetTarget(&self) -> HrResult<ComPtr<dyn IVdsIscsiTarget>> {
        let g = self.record().await?;
        ok(self
            .shared
            .target_ptr(g.target, Method::PortalGroupGetTarget))
    }

    async fn QueryAssociatedPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        let g = self.record().await?;
        ok(g.portals
            .iter()
            .map(|p| {
                self.shared
                    .portal_ptr(*p, Method::PortalGroupQueryAssociatedPortals)
            })
            .collect())
    }

    async fn AddPortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.add_portal(portalId).await
    }

    async fn RemovePortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.remove_portal(portalId).await
    }

    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.delete().await
    }
}

// ---------------------------------------------------------------------------
// IVdsIscsiPortal
// ---------------------------------------------------------------------------

struct ToyPortal {
    shared: Arc<Shared>,
    id: VDS_OBJECT_ID,
}

impl ToyPortal {
    async fn snapshot(&self) -> Result<ArraySnapshot, HResult> {
        self.shared.enter()?;
        let snap = self.shared.snapshot().await?;
        if !snap.portals.contains_key(&self.id) {
            return Err(HResult::VDS_E_OBJECT_DELETED);
        }
        Ok(snap)
    }
}

#[async_trait]
impl IVdsIscsiPortal for ToyPortal {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTAL_PROP> {
        let mut snap = self.snapshot().await?;
        let p = snap.portals.remove(&self.id).ok_or(BAD_DATA)?;
        ok(VDS_ISCSI_PORTAL_PROP {
            id: p.id,
            address: p.address,
            status: p.status,
        })
    }

    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        let snap = self.snapshot().await?;
        ok(self
            .shared
            .subsystem_ptr(snap.subsystem, Method::PortalGetSubSystem))
    }

    async fn QueryAssociatedPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        let snap = self.snapshot().await?;
        ok(snap
            .groups
            .values()
            .filter(|g| g.portals.contains(&self.id))
            .map(|g| {
                self.shared
                    .group_ptr(g.id, Method::PortalQueryAssociatedPortalGroups)
            })
            .collect())
    }

    async fn SetStatus(&self, status: VDS_ISCSI_PORTAL_STATUS) -> HrResult<()> {
        self.shared.enter()?;
        if !matches!(
            status,
            VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE | VDS_ISCSI_PORTAL_STATUS::VDS_IPS_OFFLINE
        ) {
            return Err(HResult::E_INVALIDARG);
        }
        let req = ArrayRequest::SetPortalStatus {
            portal: self.id,
            status: status.value(),
        };
        self.shared.ask(req, Some(self.id)).await?;
        ok(())
    }
}
