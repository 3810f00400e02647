//! A simulated management client: runs one [`ClientProgram`] against the
//! provider, tracing every call and its result, keeping the pointers it is
//! handed under their names, and releasing them all at the end, as a
//! correct COM caller does.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use crate::async_output::VDS_ASYNC_OUTPUT;
use crate::com::{ComPtr, HrResult};
use crate::hresult::HResult;
use crate::interfaces::{
    IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi,
};
use crate::program::{ClientProgram, Step};
use crate::props::{VDS_ISCSI_SHARED_SECRET, VDS_OBJECT_ID};
use crate::runtime;
use crate::trace::{Event, OutputRecord, PointerRecord};
use crate::world::{GroupProbe, Origin, RunContext, StepRecord, TargetProbe};

/// A pointer a client holds under a name.
enum Binding {
    SubSystem(ComPtr<dyn IVdsSubSystemIscsi>),
    Target(ComPtr<dyn IVdsIscsiTarget>),
    Group(ComPtr<dyn IVdsIscsiPortalGroup>),
    Async(ComPtr<dyn IVdsAsync>),
    Portal(ComPtr<dyn IVdsIscsiPortal>),
}

impl Binding {
    fn release(self) {
        match self {
            Binding::SubSystem(p) => p.release(),
            Binding::Target(p) => p.release(),
            Binding::Group(p) => p.release(),
            Binding::Async(p) => p.release(),
            Binding::Portal(p) => p.release(),
        }
    }
    fn leak(self) {
        // Dropping without Release is exactly what the ledger must notice.
        drop(self);
    }
}

/// What a step returned besides its HRESULT.
#[derive(Default)]
struct Extra {
    hr_result: Option<HResult>,
    percent: Option<u32>,
    output: Option<OutputRecord>,
    out: String,
    origin: Option<Origin>,
    probe: Option<GroupProbe>,
    target_probe: Option<TargetProbe>,
    /// The call's time, when other calls were made before the record was taken.
    called: Option<u128>,
    /// The call's and return's trace sequence numbers, in the same case.
    seqs: Option<(usize, usize)>,
    /// Whether the answer was inconsistent, in the same case.
    inconsistent: Option<bool>,
}

/// Describes an output for the trace.
pub fn output_record(out: &VDS_ASYNC_OUTPUT) -> OutputRecord {
    OutputRecord {
        output_type: out.r#type(),
        pointer: out.pointer().map(|p| PointerRecord {
            field: p.field,
            interface: p.interface,
            ref_id: p.ref_id.0,
            object: p.object,
        }),
    }
}

/// The call's HRESULT, and whether the answer was consistent: a success
/// code with out-parameters, or a failure code alone.
fn hr_of<T>(r: &HrResult<T>) -> (HResult, bool) {
    match r {
        Ok(s) => (s.hr, s.hr.succeeded()),
        Err(hr) => (*hr, hr.failed()),
    }
}

struct Client {
    ctx: Arc<RunContext>,
    name: String,
    root: ComPtr<dyn IVdsHwProvider>,
    env: BTreeMap<String, Binding>,
    portals: BTreeMap<String, VDS_OBJECT_ID>,
    /// For each async object held, the call that started it.
    origins: BTreeMap<String, Origin>,
    /// When the call in progress was made, in µs.
    called_at: std::sync::atomic::AtomicU64,
    /// Whether the last call answered a success code in `Err` or a failure code in `Ok`.
    inconsistent: std::sync::atomic::AtomicBool,
    /// Trace sequence numbers of the last call and return events.
    call_seq: std::sync::atomic::AtomicUsize,
    return_seq: std::sync::atomic::AtomicUsize,
}

/// Runs a program to its end.
pub async fn run_program(ctx: Arc<RunContext>, program: ClientProgram) {
    let root = ComPtr::issue(&ctx.ledger, ctx.provider.root(), None, "CoCreateInstance");
    let mut client = Client {
        ctx: ctx.clone(),
        name: program.name.clone(),
        root,
        env: BTreeMap::new(),
        portals: BTreeMap::new(),
        origins: BTreeMap::new(),
        called_at: Default::default(),
        inconsistent: Default::default(),
        call_seq: Default::default(),
        return_seq: Default::default(),
    };
    client.setup().await;
    for (i, step) in program.steps.iter().enumerate() {
        if step.is_call() {
            let ctx = client.ctx.clone();
            ctx.injector.before_call(&ctx).await;
        }
        client.exec(i + 1, step).await;
    }
    client.finish();
}

/// Runs one of the world's own clients: its program, then it waits for the
/// clients that faults started, so that the world does not end before them.
/// (Clients that faults start do not wait for one another: one of them
/// waiting on the others' and its own completion would never end.)
pub async fn run_client(ctx: Arc<RunContext>, program: ClientProgram) {
    run_program(ctx.clone(), program).await;
    crate::world::drain_extra_clients(&ctx).await;
}

/// Runs a program as a task of its own (for clients a fault adds).
pub fn spawn_program(ctx: Arc<RunContext>, program: ClientProgram) {
    let (tx, rx) = futures::channel::oneshot::channel();
    ctx.extra_clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(rx);
    runtime::spawn(async move {
        run_program(ctx, program).await;
        let _ = tx.send(());
    });
}

impl Client {
    fn begin(
        &self,
        step: usize,
        method: &'static str,
        object: Option<VDS_OBJECT_ID>,
        args: String,
    ) {
        let seq = self.ctx.trace.record(Event::Call {
            client: self.name.clone(),
            step,
            method,
            object,
            args,
        });
        self.call_seq
            .store(seq, std::sync::atomic::Ordering::Relaxed);
        self.called_at.store(
            runtime::now().as_micros() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    fn end(
        &self,
        step: usize,
        method: &'static str,
        object: Option<VDS_OBJECT_ID>,
        hr: HResult,
        extra: Extra,
    ) {
        self.trace_return(
            step,
            method,
            hr,
            extra.hr_result,
            extra.percent,
            extra.output.clone(),
            extra.out.clone(),
        );
        self.push_record(step, method, object, hr, extra);
    }

    #[allow(clippy::too_many_arguments)]
    fn trace_return(
        &self,
        step: usize,
        method: &'static str,
        hr: HResult,
        hr_result: Option<HResult>,
        percent: Option<u32>,
        output: Option<OutputRecord>,
        out: String,
    ) {
        let seq = self.ctx.trace.record(Event::Return {
            client: self.name.clone(),
            step,
            method,
            hr,
            hr_result,
            percent,
            output,
            out,
        });
        self.return_seq
            .store(seq, std::sync::atomic::Ordering::Relaxed);
    }

    fn push_record(
        &self,
        step: usize,
        method: &'static str,
        object: Option<VDS_OBJECT_ID>,
        hr: HResult,
        extra: Extra,
    ) {
        let record = StepRecord {
            client: self.name.clone(),
            step,
            method,
            object,
            hr,
            hr_result: extra.hr_result,
            percent: extra.percent,
            output: extra.output,
            out: extra.out,
            t_call_us: extra.called.unwrap_or_else(|| {
                u128::from(self.called_at.load(std::sync::atomic::Ordering::Relaxed))
            }),
            t_us: runtime::now().as_micros(),
            seq_call: extra.seqs.map_or_else(
                || self.call_seq.load(std::sync::atomic::Ordering::Relaxed),
                |s| s.0,
            ),
            inconsistent: extra
                .inconsistent
                .unwrap_or_else(|| self.inconsistent.load(std::sync::atomic::Ordering::Relaxed)),
            seq_return: extra.seqs.map_or_else(
                || self.return_seq.load(std::sync::atomic::Ordering::Relaxed),
                |s| s.1,
            ),
            origin: extra.origin,
            probe: extra.probe,
            target_probe: extra.target_probe,
        };
        self.ctx
            .steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record);
    }

    /// Asks a portal group handed back by Wait what it is and whose it is.
    async fn probe(&self, step: usize, g: &ComPtr<dyn IVdsIscsiPortalGroup>) -> GroupProbe {
        let (properties_hr, props) = self
            .call(
                step,
                "IVdsIscsiPortalGroup::GetProperties",
                g.object_id(),
                "probe".into(),
                g.GetProperties(),
            )
            .await;
        let out = props
            .as_ref()
            .map(|p| format!("tag={}", p.tag))
            .unwrap_or_default();
        self.trace_return(
            step,
            "IVdsIscsiPortalGroup::GetProperties",
            properties_hr,
            None,
            None,
            None,
            out,
        );
        let (target_hr, target) = self
            .call(
                step,
                "IVdsIscsiPortalGroup::GetTarget",
                g.object_id(),
                "probe".into(),
                g.GetTarget(),
            )
            .await;
        let out = target
            .as_ref()
            .map(|t| format!("{t:?}"))
            .unwrap_or_default();
        self.trace_return(
            step,
            "IVdsIscsiPortalGroup::GetTarget",
            target_hr,
            None,
            None,
            None,
            out,
        );
        let target_id = target.as_ref().and_then(|t| t.object_id());
        if let Some(t) = target {
            t.release();
        }
        GroupProbe {
            id: props.as_ref().map(|p| p.id),
            tag: props.map(|p| p.tag),
            target: target_id,
            properties_hr,
            target_hr,
        }
    }

    fn skip(&self, step: usize, reason: String) {
        self.ctx.trace.record(Event::Skip {
            client: self.name.clone(),
            step,
            reason,
        });
    }

    /// Makes one call: traces it, awaits it, traces its return.
    async fn call<T>(
        &self,
        step: usize,
        method: &'static str,
        object: Option<VDS_OBJECT_ID>,
        args: String,
        fut: impl Future<Output = HrResult<T>>,
    ) -> (HResult, Option<T>) {
        self.begin(step, method, object, args);
        let r = fut.await;
        let (hr, consistent) = hr_of(&r);
        self.inconsistent
            .store(!consistent, std::sync::atomic::Ordering::Relaxed);
        (hr, r.ok().map(|s| s.out))
    }

    /// Makes one call whose only result besides the HRESULT is its
    /// out-parameters: traces the call and its return (with `render` of the
    /// out-parameters) and keeps the step record.
    async fn invoke<T>(
        &self,
        step: usize,
        method: &'static str,
        object: Option<VDS_OBJECT_ID>,
        args: String,
        fut: impl Future<Output = HrResult<T>>,
        render: impl FnOnce(&T) -> String,
    ) -> (HResult, Option<T>) {
        let (hr, v) = self.call(step, method, object, args, fut).await;
        let out = v.as_ref().map(render).unwrap_or_default();
        self.end(
            step,
            method,
            object,
            hr,
            Extra {
                out,
                ..Extra::default()
            },
        );
        (hr, v)
    }

    /// Binds a new pointer, releasing whatever had the name before.
    fn bind(&mut self, name: &str, b: Binding) {
        if let Some(old) = self.env.insert(name.to_string(), b) {
            old.release();
        }
    }

    fn target(&self, name: &str) -> Option<&ComPtr<dyn IVdsIscsiTarget>> {
        match self.env.get(name) {
            Some(Binding::Target(p)) => Some(p),
            _ => None,
        }
    }

    fn group(&self, name: &str) -> Option<&ComPtr<dyn IVdsIscsiPortalGroup>> {
        match self.env.get(name) {
            Some(Binding::Group(p)) => Some(p),
            _ => None,
        }
    }

    fn portal(&self, name: &str) -> Option<&ComPtr<dyn IVdsIscsiPortal>> {
        match self.env.get(name) {
            Some(Binding::Portal(p)) => Some(p),
            _ => None,
        }
    }

    fn op(&self, name: &str) -> Option<&ComPtr<dyn IVdsAsync>> {
        match self.env.get(name) {
            Some(Binding::Async(p)) => Some(p),
            _ => None,
        }
    }

    fn subsystem_named(&self, name: &str) -> Option<&ComPtr<dyn IVdsSubSystemIscsi>> {
        match self.env.get(name) {
            Some(Binding::SubSystem(p)) => Some(p),
            _ => None,
        }
    }

    fn subsystem(&self) -> Option<&ComPtr<dyn IVdsSubSystemIscsi>> {
        self.subsystem_named("subsystem")
    }

    /// Set-up (step 0): find the subsystem, name the targets by friendly
    /// name and learn the portals' ids by address.
    async fn setup(&mut self) {
        let (hr, subsystems) = self
            .call(
                0,
                "IVdsHwProvider::QuerySubSystems",
                None,
                String::new(),
                self.root.QuerySubSystems(),
            )
            .await;
        self.end(
            0,
            "IVdsHwProvider::QuerySubSystems",
            None,
            hr,
            Extra::default(),
        );
        let mut subsystems = subsystems.unwrap_or_default().into_iter();
        if let Some(s) = subsystems.next() {
            self.bind("subsystem", Binding::SubSystem(s));
        }
        subsystems.for_each(ComPtr::release);
        let Some(sub) = self.subsystem() else {
            return;
        };
        let (hr, targets) = self
            .call(
                0,
                "IVdsSubSystemIscsi::QueryTargets",
                sub.object_id(),
                String::new(),
                sub.QueryTargets(),
            )
            .await;
        self.end(
            0,
            "IVdsSubSystemIscsi::QueryTargets",
            sub.object_id(),
            hr,
            Extra::default(),
        );
        let (hr, portals) = self
            .call(
                0,
                "IVdsSubSystemIscsi::QueryPortals",
                sub.object_id(),
                String::new(),
                sub.QueryPortals(),
            )
            .await;
        self.end(
            0,
            "IVdsSubSystemIscsi::QueryPortals",
            sub.object_id(),
            hr,
            Extra::default(),
        );
        for t in targets.unwrap_or_default() {
            let (hr, props) = self
                .call(
                    0,
                    "IVdsIscsiTarget::GetProperties",
                    t.object_id(),
                    String::new(),
                    t.GetProperties(),
                )
                .await;
            let out = props
                .as_ref()
                .map(|p| p.pwszFriendlyName.clone())
                .unwrap_or_default();
            self.end(
                0,
                "IVdsIscsiTarget::GetProperties",
                t.object_id(),
                hr,
                Extra {
                    out: out.clone(),
                    ..Extra::default()
                },
            );
            match props {
                Some(_) if !out.is_empty() && !self.env.contains_key(&out) => {
                    self.bind(&out, Binding::Target(t))
                }
                _ => t.release(),
            }
        }
        for p in portals.unwrap_or_default() {
            let (hr, props) = self
                .call(
                    0,
                    "IVdsIscsiPortal::GetProperties",
                    p.object_id(),
                    String::new(),
                    p.GetProperties(),
                )
                .await;
            let out = props
                .as_ref()
                .map(|p| p.address.to_string())
                .unwrap_or_default();
            self.end(
                0,
                "IVdsIscsiPortal::GetProperties",
                p.object_id(),
                hr,
                Extra {
                    out: out.clone(),
                    ..Extra::default()
                },
            );
            if let Some(props) = props {
                self.portals.insert(out.clone(), props.id);
                if !self.env.contains_key(&out) {
                    self.bind(&out, Binding::Portal(p));
                    continue;
                }
            }
            p.release();
        }
    }

    /// Releases everything still held, as a correct caller does at the end.
    fn finish(mut self) {
        for (_, b) in std::mem::take(&mut self.env) {
            b.release();
        }
        self.root.release();
    }

    /// Makes a call that returns an async object and binds it.
    /// Makes a call that returns an async object; returns it with its origin.
    async fn start_op(
        &self,
        step: usize,
        method: &'static str,
        object: Option<VDS_OBJECT_ID>,
        args: String,
        fut: impl Future<Output = HrResult<ComPtr<dyn IVdsAsync>>>,
    ) -> Option<(ComPtr<dyn IVdsAsync>, Origin)> {
        let (hr, op) = self
            .invoke(step, method, object, args, fut, |p| format!("{p:?}"))
            .await;
        op.map(|op| {
            (
                op,
                Origin {
                    step,
                    method,
                    object,
                    hr,
                },
            )
        })
    }

    /// Keeps a started operation's async object under `name`.
    fn keep_op(&mut self, name: &str, started: Option<(ComPtr<dyn IVdsAsync>, Origin)>) {
        if let Some((op, origin)) = started {
            self.bind(name, Binding::Async(op));
            self.origins.insert(name.to_string(), origin);
        }
    }

    async fn exec(&mut self, step: usize, s: &Step) {
        macro_rules! need {
            ($getter:ident, $name:expr, $what:literal) => {
                match self.$getter($name) {
                    Some(p) => p,
                    None => {
                        self.skip(step, format!("no {} named `{}` is held", $what, $name));
                        return;
                    }
                }
            };
        }
        match s {
            Step::Sleep { ms } => runtime::sleep(std::time::Duration::from_millis(*ms)).await,
            Step::Leak { name } => match self.env.remove(name) {
                Some(b) => b.leak(),
                None => self.skip(step, format!("nothing named `{name}` is held")),
            },
            Step::Release { name } => match self.env.remove(name) {
                Some(b) => b.release(),
                None => self.skip(step, format!("nothing named `{name}` is held")),
            },
            Step::Reenumerate => {
                let fut = self.root.Reenumerate();
                self.invoke(
                    step,
                    "IVdsHwProvider::Reenumerate",
                    None,
                    String::new(),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::Refresh => {
                let fut = self.root.Refresh();
                self.invoke(
                    step,
                    "IVdsHwProvider::Refresh",
                    None,
                    String::new(),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::QueryTargets => {
                let sub = need!(subsystem_named, "subsystem", "subsystem");
                let (id, fut) = (sub.object_id(), sub.QueryTargets());
                let (_, v) = self
                    .invoke(
                        step,
                        "IVdsSubSystemIscsi::QueryTargets",
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} targets", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::QueryPortals => {
                let sub = need!(subsystem_named, "subsystem", "subsystem");
                let (id, fut) = (sub.object_id(), sub.QueryPortals());
                let (_, v) = self
                    .invoke(
                        step,
                        "IVdsSubSystemIscsi::QueryPortals",
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} portals", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::CreateTarget {
                iscsi_name,
                friendly_name,
                bind,
            } => {
                let sub = need!(subsystem_named, "subsystem", "subsystem");
                let args = format!("iscsi_name={iscsi_name:?} friendly_name={friendly_name:?}");
                let fut = sub.CreateTarget(iscsi_name.as_deref(), friendly_name);
                let started = self
                    .start_op(
                        step,
                        "IVdsSubSystemIscsi::CreateTarget",
                        sub.object_id(),
                        args,
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            Step::CreatePortalGroup { target, bind } => {
                let t = need!(target, target, "target");
                let fut = t.CreatePortalGroup();
                let started = self
                    .start_op(
                        step,
                        "IVdsIscsiTarget::CreatePortalGroup",
                        t.object_id(),
                        String::new(),
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            Step::DeleteTarget { target, bind } => {
                let t = need!(target, target, "target");
                let fut = t.Delete();
                let started = self
                    .start_op(
                        step,
                        "IVdsIscsiTarget::Delete",
                        t.object_id(),
                        String::new(),
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            Step::GetTargetProperties { target } => {
                let t = need!(target, target, "target");
                let (id, fut) = (t.object_id(), t.GetProperties());
                let render = |p: &_| serde_json::to_string(p).unwrap_or_default();
                self.invoke(
                    step,
                    "IVdsIscsiTarget::GetProperties",
                    id,
                    String::new(),
                    fut,
                    render,
                )
                .await;
            }
            Step::GetSubSystem { target } => {
                let t = need!(target, target, "target");
                let (id, fut) = (t.object_id(), t.GetSubSystem());
                let (_, sub) = self
                    .invoke(
                        step,
                        "IVdsIscsiTarget::GetSubSystem",
                        id,
                        String::new(),
                        fut,
                        |s| format!("{s:?}"),
                    )
                    .await;
                sub.into_iter().for_each(ComPtr::release);
            }
            Step::QueryPortalGroups { target, bind } => {
                let t = need!(target, target, "target");
                let fut = t.QueryPortalGroups();
                let (_, v) = self
                    .invoke(
                        step,
                        "IVdsIscsiTarget::QueryPortalGroups",
                        t.object_id(),
                        String::new(),
                        fut,
                        |v| format!("{} groups", v.len()),
                    )
                    .await;
                for (i, g) in v.unwrap_or_default().into_iter().enumerate() {
                    match bind {
                        Some(prefix) => self.bind(&format!("{prefix}.{i}"), Binding::Group(g)),
                        None => g.release(),
                    }
                }
            }
            Step::QueryAssociatedLuns { target } => {
                let t = need!(target, target, "target");
                let (id, fut) = (t.object_id(), t.QueryAssociatedLuns());
                self.invoke(
                    step,
                    "IVdsIscsiTarget::QueryAssociatedLuns",
                    id,
                    String::new(),
                    fut,
                    |v| format!("{} luns", v.len()),
                )
                .await;
            }
            Step::SetFriendlyName { target, name } => {
                let t = need!(target, target, "target");
                let (id, fut) = (t.object_id(), t.SetFriendlyName(name));
                self.invoke(
                    step,
                    "IVdsIscsiTarget::SetFriendlyName",
                    id,
                    format!("{name:?}"),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::SetSharedSecret {
                target,
                secret,
                null_secret_with_size,
                initiator,
            } => {
                let t = need!(target, target, "target");
                let s = match (secret, null_secret_with_size) {
                    (_, Some(size)) => Some(VDS_ISCSI_SHARED_SECRET {
                        pSharedSecret: None,
                        ulSharedSecretSize: *size,
                    }),
                    (Some(s), None) => Some(VDS_ISCSI_SHARED_SECRET::new(s.as_bytes().to_vec())),
                    (None, None) => None,
                };
                let args = format!(
                    "secret={} initiator={initiator:?}",
                    if s.is_some() { "set" } else { "NULL" }
                );
                let (id, fut) = (
                    t.object_id(),
                    t.SetSharedSecret(s.as_ref(), initiator.as_deref()),
                );
                self.invoke(
                    step,
                    "IVdsIscsiTarget::SetSharedSecret",
                    id,
                    args,
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::RememberInitiatorSharedSecret {
                target,
                initiator,
                secret,
            } => {
                let t = need!(target, target, "target");
                let s = secret
                    .as_ref()
                    .map(|s| VDS_ISCSI_SHARED_SECRET::new(s.as_bytes().to_vec()));
                let args = format!("initiator={initiator:?}");
                let (id, fut) = (
                    t.object_id(),
                    t.RememberInitiatorSharedSecret(initiator.as_deref(), s.as_ref()),
                );
                self.invoke(
                    step,
                    "IVdsIscsiTarget::RememberInitiatorSharedSecret",
                    id,
                    args,
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::GetConnectedInitiators { target } => {
                let t = need!(target, target, "target");
                let (id, fut) = (t.object_id(), t.GetConnectedInitiators());
                self.invoke(
                    step,
                    "IVdsIscsiTarget::GetConnectedInitiators",
                    id,
                    String::new(),
                    fut,
                    |v| v.join(","),
                )
                .await;
            }
            Step::GetPortalGroupProperties { group } => {
                let g = need!(group, group, "portal group");
                let (id, fut) = (g.object_id(), g.GetProperties());
                self.invoke(
                    step,
                    "IVdsIscsiPortalGroup::GetProperties",
                    id,
                    String::new(),
                    fut,
                    |p| format!("tag={}", p.tag),
                )
                .await;
            }
            Step::GetTarget { group, bind } => {
                let g = need!(group, group, "portal group");
                let fut = g.GetTarget();
                let (_, t) = self
                    .invoke(
                        step,
                        "IVdsIscsiPortalGroup::GetTarget",
                        g.object_id(),
                        String::new(),
                        fut,
                        |t| format!("{t:?}"),
                    )
                    .await;
                match (t, bind) {
                    (Some(t), Some(name)) => self.bind(name, Binding::Target(t)),
                    (Some(t), None) => t.release(),
                    _ => {}
                }
            }
            Step::QueryAssociatedPortals { group } => {
                let g = need!(group, group, "portal group");
                let (id, fut) = (g.object_id(), g.QueryAssociatedPortals());
                let (_, v) = self
                    .invoke(
                        step,
                        "IVdsIscsiPortalGroup::QueryAssociatedPortals",
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} portals", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::AddPortal {
                group,
                portal,
                bind,
            }
            | Step::RemovePortal {
                group,
                portal,
                bind,
            } => {
                let g = need!(group, group, "portal group");
                // An unknown address stands for a portal id nobody has (the OBJECT_NOT_FOUND case).
                let pid = self
                    .portals
                    .get(portal)
                    .copied()
                    .unwrap_or(VDS_OBJECT_ID::from_u128(0xdead));
                let args = format!("portal={portal} {pid}");
                if matches!(s, Step::AddPortal { .. }) {
                    let fut = g.AddPortal(pid);
                    let started = self
                        .start_op(
                            step,
                            "IVdsIscsiPortalGroup::AddPortal",
                            g.object_id(),
                            args,
                            fut,
                        )
                        .await;
                    self.keep_op(bind, started);
                } else {
                    let fut = g.RemovePortal(pid);
                    let started = self
                        .start_op(
                            step,
                            "IVdsIscsiPortalGroup::RemovePortal",
                            g.object_id(),
                            args,
                            fut,
                        )
                        .await;
                    self.keep_op(bind, started);
                }
            }
            Step::DeletePortalGroup { group, bind } => {
                let g = need!(group, group, "portal group");
                let fut = g.Delete();
                let started = self
                    .start_op(
                        step,
                        "IVdsIscsiPortalGroup::Delete",
                        g.object_id(),
                        String::new(),
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            Step::GetPortalProperties { portal } => {
                let p = need!(portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.GetProperties());
                self.invoke(
                    step,
                    "IVdsIscsiPortal::GetProperties",
                    id,
                    String::new(),
                    fut,
                    |p| format!("{} {}", p.address, p.status.name()),
                )
                .await;
            }
            Step::GetPortalSubSystem { portal } => {
                let p = need!(portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.GetSubSystem());
                let (_, sub) = self
                    .invoke(
                        step,
                        "IVdsIscsiPortal::GetSubSystem",
                        id,
                        String::new(),
                        fut,
                        |s| format!("{s:?}"),
                    )
                    .await;
                sub.into_iter().for_each(ComPtr::release);
            }
            Step::QueryAssociatedPortalGroups { portal } => {
                let p = need!(portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.QueryAssociatedPortalGroups());
                let (_, v) = self
                    .invoke(
                        step,
                        "IVdsIscsiPortal::QueryAssociatedPortalGroups",
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} groups", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::SetPortalStatus { portal, status } => {
                let p = need!(portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.SetStatus(*status));
                self.invoke(
                    step,
                    "IVdsIscsiPortal::SetStatus",
                    id,
                    status.name().to_string(),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::QueryStatus { op } => {
                let a = need!(op, op, "async object");
                let (hr, st) = self
                    .call(
                        step,
                        "IVdsAsync::QueryStatus",
                        None,
                        op.clone(),
                        a.QueryStatus(),
                    )
                    .await;
                let extra = Extra {
                    hr_result: st.map(|s| s.hr_result),
                    percent: st.map(|s| s.percent_completed),
                    origin: self.origins.get(op).cloned(),
                    ..Extra::default()
                };
                self.end(step, "IVdsAsync::QueryStatus", None, hr, extra);
            }
            Step::Cancel { op } => {
                let a = need!(op, op, "async object");
                let (hr, _) = self
                    .call(step, "IVdsAsync::Cancel", None, op.clone(), a.Cancel())
                    .await;
                let origin = self.origins.get(op).cloned();
                self.end(
                    step,
                    "IVdsAsync::Cancel",
                    None,
                    hr,
                    Extra {
                        origin,
                        ..Extra::default()
                    },
                );
            }
            Step::Wait { op, bind } => {
                let a = need!(op, op, "async object");
                let (hr, w) = self
                    .call(step, "IVdsAsync::Wait", None, op.clone(), a.Wait())
                    .await;
                let origin = self.origins.get(op).cloned();
                let Some(w) = w else {
                    self.end(
                        step,
                        "IVdsAsync::Wait",
                        None,
                        hr,
                        Extra {
                            origin,
                            ..Extra::default()
                        },
                    );
                    return;
                };
                let record = output_record(&w.async_out);
                let failed = hr.failed() || w.hr_result.failed();
                if failed && let Some(p) = w.async_out.pointer() {
                    self.ctx
                        .ledger
                        .pointer_in_failed_wait(p.ref_id, hr, w.hr_result);
                }
                let called = u128::from(self.called_at.load(std::sync::atomic::Ordering::Relaxed));
                self.trace_return(
                    step,
                    "IVdsAsync::Wait",
                    hr,
                    Some(w.hr_result),
                    None,
                    Some(record.clone()),
                    String::new(),
                );
                let seqs = (
                    self.call_seq.load(std::sync::atomic::Ordering::Relaxed),
                    self.return_seq.load(std::sync::atomic::Ordering::Relaxed),
                );
                let inconsistent = self.inconsistent.load(std::sync::atomic::Ordering::Relaxed);
                let probe = match &w.async_out {
                    VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                        pPortalGroupUnk: Some(g),
                    } if !failed => Some(self.probe(step, g).await),
                    _ => None,
                };
                let target_probe = match &w.async_out {
                    VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                        pTargetUnk: Some(t),
                    } if !failed => {
                        let (hr, properties) = self
                            .call(
                                step,
                                "IVdsIscsiTarget::GetProperties",
                                t.object_id(),
                                "probe".into(),
                                t.GetProperties(),
                            )
                            .await;
                        self.trace_return(
                            step,
                            "IVdsIscsiTarget::GetProperties",
                            hr,
                            None,
                            None,
                            None,
                            String::new(),
                        );
                        Some(TargetProbe { hr, properties })
                    }
                    _ => None,
                };
                let extra = Extra {
                    hr_result: Some(w.hr_result),
                    output: Some(record),
                    origin,
                    probe,
                    target_probe,
                    called: Some(called),
                    seqs: Some(seqs),
                    inconsistent: Some(inconsistent),
                    ..Extra::default()
                };
                self.push_record(step, "IVdsAsync::Wait", None, hr, extra);
                let mut out = w.async_out;
                if failed {
                    // The contract says the pointers are NULL: a caller releases nothing.
                    return;
                }
                let name = bind.clone();
                match (out, name) {
                    (
                        VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                            pPortalGroupUnk: Some(g),
                        },
                        Some(n),
                    ) => self.bind(&n, Binding::Group(g)),
                    (
                        VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                            pTargetUnk: Some(t),
                        },
                        Some(n),
                    ) => self.bind(&n, Binding::Target(t)),
                    (o, _) => {
                        out = o;
                        out.release_pointers();
                    }
                }
            }
        }
    }
}
