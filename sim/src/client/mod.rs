//! A simulated management client: runs one [`ClientProgram`] against the
//! provider, tracing every call and its result, keeping the pointers it is
//! handed under their names, and releasing them all at the end, as a
//! correct COM caller does.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use crate::com::{ComPtr, HrResult};
use crate::hresult::HResult;
use crate::interfaces::async_output::VDS_ASYNC_OUTPUT;
use crate::interfaces::{
    IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi,
};
use crate::method::{Issuer, Method};
use crate::program::{ClientProgram, Step};
use crate::props::{VDS_ISCSI_PORTAL_STATUS, VDS_ISCSI_SHARED_SECRET, VDS_OBJECT_ID};
use crate::runtime;
use crate::trace::{Event, OutputRecord, PointerRecord};
use crate::world::{self, GroupProbe, Origin, RunContext, StepRecord, TargetProbe};

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

/// Describes an output for the trace.
pub(crate) fn output_record(out: &VDS_ASYNC_OUTPUT) -> OutputRecord {
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
}

/// Runs a program to its end.
pub(crate) async fn run_program(ctx: Arc<RunContext>, program: ClientProgram) {
    let root = ComPtr::issue(
        &ctx.ledger,
        ctx.provider.root(),
        None,
        Issuer::CoCreateInstance,
    );
    let mut client = Client {
        ctx: ctx.clone(),
        name: program.name.clone(),
        root,
        env: BTreeMap::new(),
        portals: BTreeMap::new(),
        origins: BTreeMap::new(),
    };
    client.setup().await;
    for (i, step) in program.steps.iter().enumerate() {
        if step.is_call() {
            let ctx = client.ctx.clone();
            ctx.injector.before_call(&ctx).await;
        }
        let from = client
            .ctx
            .steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        client.exec(i + 1, step).await;
        client.note_asked(from, i + 1, step);
    }
    client.finish();
}

/// Runs one of the world's own clients: its program, then it waits for the
/// clients that faults started, so that the world does not end before them.
/// (Clients that faults start do not wait for one another: one of them
/// waiting on the others' and its own completion would never end.)
pub(crate) async fn run_client(ctx: Arc<RunContext>, program: ClientProgram) {
    run_program(ctx.clone(), program).await;
    world::drain_extra_clients(&ctx).await;
}

/// Runs a program as a task of its own (for clients a fault adds).
pub(crate) fn spawn_program(ctx: Arc<RunContext>, program: ClientProgram) {
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

/// The object behind the pointer a step names, and its id; or the step is
/// skipped (and the function using it returns).
macro_rules! need {
    ($self:ident, $step:ident, $getter:ident, $name:expr, $what:literal) => {
        match $self.$getter($name) {
            Some(p) => (p.object(), p.object_id()),
            None => {
                $self.skip($step, format!("no {} named `{}` is held", $what, $name));
                return;
            }
        }
    };
}

mod calls;
mod env;

use calls::{Ask, Extra, nothing};
mod setup;
mod steps;
mod wait;
