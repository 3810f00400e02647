//! What a client keeps of each step it ran: [`StepRecord`], with the call
//! that started an operation ([`Origin`]) and what probes of handed-back
//! objects said ([`GroupProbe`], [`TargetProbe`]).

use serde::Serialize;

use crate::hresult::HResult;
use crate::method::Method;
use crate::props::VDS_OBJECT_ID;
use crate::trace::OutputRecord;

/// What one step of a client did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepRecord {
    /// The client.
    pub client: String,
    /// The step's index in the program (1-based).
    pub step: usize,
    /// `Interface::Method`.
    pub method: Method,
    /// The object called, if it has an id.
    pub object: Option<VDS_OBJECT_ID>,
    /// The call's arguments, rendered as in the trace's call event (e.g.
    /// `portal=10.0.0.1:3260 {ID}`, `secret=NULL size=8 initiator=None`).
    pub args: String,
    /// The method's own HRESULT.
    pub hr: HResult,
    /// `pHrResult` of Wait or QueryStatus.
    pub hr_result: Option<HResult>,
    /// QueryStatus's percentage.
    pub percent: Option<u32>,
    /// Wait's output.
    pub output: Option<OutputRecord>,
    /// Other out-parameters, rendered as in the trace (empty after a failure).
    pub out: String,
    /// Simulated time of the call, in µs.
    pub t_call_us: u128,
    /// Simulated time of the return, in µs.
    pub t_us: u128,
    /// Trace sequence number of the call event: orders calls exactly, even at equal times.
    pub seq_call: usize,
    /// Trace sequence number of the return event.
    pub seq_return: usize,
    /// True when the provider answered nonsense: a success code as a
    /// failure (`Err`) or a failure code with out-parameters (`Ok`).
    pub inconsistent: bool,
    /// For calls on an async object: the call that started the operation.
    pub origin: Option<Origin>,
    /// For a Wait that handed back a portal group: what the group says of itself.
    pub probe: Option<GroupProbe>,
    /// For a Wait that handed back a target: what the target says of itself.
    pub target_probe: Option<TargetProbe>,
    /// The out-parameters of a successful read, for the oracle (not traced).
    #[serde(skip)]
    pub seen: Seen,
    /// The program step that made the call, with its arguments as the
    /// client gave them (not traced; `None` for set-up calls).
    #[serde(skip)]
    pub asked: Option<crate::program::Step>,
}

/// What a successful call handed back, as the oracle reads it: the objects
/// a list or a pointer named, or the properties a GetProperties reported.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Seen {
    /// Nothing the oracle reads (a failure, or a call without out-parameters).
    #[default]
    Nothing,
    /// The VDS object ids of the interface pointers handed back, in order.
    Objects(Vec<Option<VDS_OBJECT_ID>>),
    /// A target's properties.
    Target(crate::props::VDS_ISCSI_TARGET_PROP),
    /// A portal group's properties.
    Group(crate::props::VDS_ISCSI_PORTALGROUP_PROP),
    /// A portal's properties.
    Portal(crate::props::VDS_ISCSI_PORTAL_PROP),
    /// A list of ids (QueryAssociatedLuns), in order.
    Ids(Vec<VDS_OBJECT_ID>),
    /// A list of names (GetConnectedInitiators), in order.
    Names(Vec<String>),
}

/// Out-parameters the oracle reads ([`Seen`]); everything else is [`Seen::Nothing`].
pub trait Observe {
    /// What the oracle keeps of this out-parameter.
    fn seen(&self) -> Seen {
        Seen::Nothing
    }
}

impl<I: ?Sized + crate::com::Interface> Observe for crate::com::ComPtr<I> {
    fn seen(&self) -> Seen {
        Seen::Objects(vec![self.object_id()])
    }
}

impl<I: ?Sized + crate::com::Interface> Observe for Vec<crate::com::ComPtr<I>> {
    fn seen(&self) -> Seen {
        Seen::Objects(self.iter().map(|p| p.object_id()).collect())
    }
}

impl Observe for crate::props::VDS_ISCSI_TARGET_PROP {
    fn seen(&self) -> Seen {
        Seen::Target(self.clone())
    }
}

impl Observe for crate::props::VDS_ISCSI_PORTALGROUP_PROP {
    fn seen(&self) -> Seen {
        Seen::Group(self.clone())
    }
}

impl Observe for crate::props::VDS_ISCSI_PORTAL_PROP {
    fn seen(&self) -> Seen {
        Seen::Portal(self.clone())
    }
}

impl Observe for () {}
impl Observe for Vec<VDS_OBJECT_ID> {
    fn seen(&self) -> Seen {
        Seen::Ids(self.clone())
    }
}

impl Observe for Vec<String> {
    fn seen(&self) -> Seen {
        Seen::Names(self.clone())
    }
}

/// What a client learns by asking a target handed back by Wait for its properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetProbe {
    /// GetProperties's HRESULT.
    pub hr: HResult,
    /// The properties, if it answered.
    pub properties: Option<crate::props::VDS_ISCSI_TARGET_PROP>,
}

/// The call that started an asynchronous operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// Its step number in the same client.
    pub step: usize,
    /// `Interface::Method`.
    pub method: Method,
    /// The object it was called on.
    pub(crate) object: Option<VDS_OBJECT_ID>,
    /// What the call itself returned.
    pub(crate) hr: HResult,
}

/// What a client learns by asking a portal group handed back by Wait about
/// itself (`GetProperties`, then `GetTarget` and the target's `GetProperties`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupProbe {
    /// The group's id from GetProperties (if it answered).
    pub id: Option<VDS_OBJECT_ID>,
    /// The group's tag from GetProperties (if it answered).
    pub tag: Option<u16>,
    /// The id of the target GetTarget handed back (if it answered).
    pub target: Option<VDS_OBJECT_ID>,
    /// GetProperties's HRESULT.
    pub properties_hr: HResult,
    /// GetTarget's HRESULT.
    pub target_hr: HResult,
}
