//! The contract's model of failure answers, judged by REFUSAL-WARRANTED.
//!
//! A failure code states a fact about the world, so every code a method
//! may answer (its allow-list, `vds_sim::outcomes`) has one warrant here:
//! a condition on what happened between the call and the answer
//! (CALL-WINDOW: at some instant of that window, not at the call's start).
//! The table is default-deny: a code is allowed only where its warrant
//! holds, and a test proves that every listed code has one. It reads the
//! run's history alone (calls, the array's log, faults, the provider's
//! declaration) and shares no code with any provider.
//!
//! An answer is a call's own HRESULT, or an operation's end as the first
//! Wait or QueryStatus reported it in `pHrResult`; for an end, the window
//! runs from the call that started the operation to that report. Codes off
//! the allow-list are OUTCOME-LISTED's, not this table's.

use vds_sim::faults::FaultKind;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::outcomes::TIMEOUT;
use vds_sim::world::StepRecord;

use super::History;
use super::portals::{held_elsewhere, holders_at, portal_of};

/// One failure answer to judge.
pub(super) struct Answer<'h> {
    /// The call that asked: for an operation's end, the call that started it.
    pub call: &'h StepRecord,
    /// The failure answered.
    pub hr: HResult,
    /// The record that revealed it: the call itself, or the Wait or
    /// QueryStatus that reported the end.
    pub at: &'h StepRecord,
    /// Whether it is an operation's end rather than a call's own answer.
    pub end: bool,
}

/// What must have happened for a failure code to be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Warrant {
    /// The call passed a NULL pointer the method needs (ARG-NULL-POINTER).
    NullPointer,
    /// An argument a provider may find malformed, or the array refused a
    /// request as malformed (an `invalid_argument` fault).
    Malformed,
    /// An allocation failure the provider suffered, not yet reported: each
    /// fails one allocation, so one call or one operation.
    AllocationFailure,
    /// A link fault: the array may not have answered in time.
    LinkFault,
    /// A provider restart before the answer.
    Restart,
    /// A Reenumerate or Refresh, or an operation in the call's declared
    /// lock domain, in flight at some instant of the call (busy.rs).
    Busy,
    /// A cache corruption the provider suffered before the answer.
    Corruption,
    /// The array had deleted the call's object (or a group's target); the
    /// array never deletes a subsystem or a portal.
    Deleted,
    /// AddPortal: the array has no such portal. RemovePortal: the group did
    /// not hold the portal at some instant, or the provider had not learned
    /// that it did.
    PortalNotInPlace,
    /// AddPortal: another group of the target held the portal at some
    /// instant (PORTAL-ONE-GROUP-PER-TARGET).
    PortalHeldElsewhere,
    /// The target has LUNs.
    LunsExist,
    /// The group held a portal at some instant.
    PortalsExist,
    /// A target on the array had the chosen iSCSI name at some instant.
    NameTaken,
    /// SetSharedSecret named an initiator.
    InitiatorNamed,
    /// Nothing: the method's page lists the code as a capability a provider
    /// may lack (VDS_E_NOT_SUPPORTED), or leaves the moment to the provider
    /// (VDS_E_CANCEL_TOO_LATE: the operation is too far along).
    ProviderChoice,
    /// An earlier Cancel of the same operation, or a restart (Cancel's own
    /// VDS_E_OPERATION_CANCELED); for an end, a successful Cancel
    /// (ASYNC-CANCEL).
    Canceled,
    /// The code is not on the method's allow-list (OUTCOME-LISTED judges it).
    Unlisted,
}

/// The warrant `hr` needs when `method` answers it, as a call's own answer
/// or as the end of an operation the method started. This is the table.
pub(super) fn needed(method: Method, hr: HResult) -> Warrant {
    use HResult as H;
    use Warrant as W;
    match hr {
        H::E_POINTER => W::NullPointer,
        H::E_INVALIDARG => W::Malformed,
        H::E_OUTOFMEMORY => W::AllocationFailure,
        H::VDS_E_PROVIDER_EXITING => W::Restart,
        H::VDS_E_ANOTHER_CALL_IN_PROGRESS => W::Busy,
        H::VDS_E_PROVIDER_CACHE_CORRUPT => W::Corruption,
        H::VDS_E_OBJECT_DELETED => W::Deleted,
        // The object cannot be reached: the array did not answer.
        H::VDS_E_OBJECT_STATUS_FAILED => W::LinkFault,
        // The world initializes every provider before its first call; a
        // call reaching a provider being restarted may meet one that is not.
        H::VDS_E_INITIALIZE_NOT_CALLED => W::Restart,
        H::VDS_E_OBJECT_NOT_FOUND => W::PortalNotInPlace,
        H::VDS_E_OBJECT_EXISTS => W::PortalHeldElsewhere,
        H::VDS_E_ASSOCIATED_LUNS_EXIST => W::LunsExist,
        H::VDS_E_ASSOCIATED_PORTALS_EXIST => W::PortalsExist,
        H::VDS_E_NAME_NOT_UNIQUE => W::NameTaken,
        H::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED => W::InitiatorNamed,
        H::VDS_E_NOT_SUPPORTED | H::VDS_E_CANCEL_TOO_LATE => W::ProviderChoice,
        H::VDS_E_OPERATION_CANCELED => W::Canceled,
        hr if hr == TIMEOUT => W::LinkFault,
        _ => W::Unlisted,
    }
    .listed(method, hr)
}

impl Warrant {
    /// `self`, or [`Warrant::Unlisted`] when `method` may not return `hr`.
    fn listed(self, method: Method, hr: HResult) -> Self {
        let on_list = vds_sim::outcomes::may_return(method, hr)
            || (method != Method::AsyncCancel && hr == HResult::VDS_E_OPERATION_CANCELED);
        if on_list { self } else { Warrant::Unlisted }
    }

    /// What the warrant asks for, in words.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Warrant::NullPointer => "a NULL pointer the method needs",
            Warrant::Malformed => {
                "an argument a provider may find malformed, or an invalid_argument fault"
            }
            Warrant::AllocationFailure => "an allocation failure not yet reported",
            Warrant::LinkFault => "a link fault",
            Warrant::Restart => "a provider restart",
            Warrant::Busy => {
                "a Reenumerate, Refresh or operation in the declared lock domain in flight"
            }
            Warrant::Corruption => "a cache corruption",
            Warrant::Deleted => "the object deleted on the array",
            Warrant::PortalNotInPlace => "the portal missing where the call looks for it",
            Warrant::PortalHeldElsewhere => "the portal held by another group of the target",
            Warrant::LunsExist => "LUNs on the target",
            Warrant::PortalsExist => "a portal in the group",
            Warrant::NameTaken => "a target with the chosen iSCSI name",
            Warrant::InitiatorNamed => "an initiator named",
            Warrant::ProviderChoice => "nothing (the provider's choice)",
            Warrant::Canceled => "a Cancel of the operation",
            Warrant::Unlisted => "nothing: the code is not on the method's allow-list",
        }
    }
}

/// Whether the warrant of `a` holds; `Err` says why not. `ordinal` counts
/// the E_OUTOFMEMORY answers so far, this one included.
pub(super) fn holds(h: &History, a: &Answer, ordinal: usize) -> Result<(), String> {
    let fired = |kind: FaultKind| {
        h.faults
            .iter()
            .filter(|f| f.kind == kind && f.suffered() && f.seq < a.at.seq_return)
            .count()
    };
    let none = |what: &str| Err(format!("no {what} had happened by the answer"));
    match needed(a.call.method, a.hr) {
        Warrant::NullPointer if super::arguments::passes_null(a.call) => Ok(()),
        Warrant::NullPointer => Err(format!(
            "no pointer it needs was NULL ({})",
            a.call.args
        )),
        Warrant::Malformed => malformed(h, a),
        Warrant::AllocationFailure => match fired(FaultKind::AllocationFailure) {
            0 => none("allocation_failure fault"),
            n if ordinal > n => Err(format!(
                "it is failure number {ordinal} of an allocation, but only {n} allocation_failure fault(s) had fired: each fails one allocation"
            )),
            _ => Ok(()),
        },
        Warrant::LinkFault if h.link_faulted_by(a.at) => Ok(()),
        Warrant::LinkFault => none("link fault"),
        Warrant::Restart if h.restarts().any(|f| f.seq < a.at.seq_return) => Ok(()),
        Warrant::Restart => none("provider restart"),
        Warrant::Busy => super::busy::busy_because(h, a.call).map(|_| ()).ok_or_else(|| {
            format!(
                "at no instant of the call did a Reenumerate or Refresh run or an operation in its lock domain ({}) run",
                h.out.declaration.lock_domain
            )
        }),
        Warrant::Corruption if fired(FaultKind::CacheCorruption) > 0 => Ok(()),
        Warrant::Corruption => none("cache_corruption fault"),
        Warrant::Deleted => deleted(h, a),
        Warrant::PortalNotInPlace => portal_not_in_place(h, a),
        Warrant::PortalHeldElsewhere => portal_held_elsewhere(h, a),
        Warrant::LunsExist => {
            let luns = a.call.object.is_none_or(|t| {
                h.out
                    .initial_array
                    .targets
                    .get(&t)
                    .is_some_and(|t| !t.luns.is_empty())
            });
            if luns { Ok(()) } else { Err("the target has no LUNs".into()) }
        }
        Warrant::PortalsExist => {
            let held = a.call.object.is_none_or(|g| {
                let when = h.instants(a.call.t_call_us, a.at.t_us);
                had_portals(h, g, &when)
            });
            if held { Ok(()) } else { Err("the group held no portal".into()) }
        }
        Warrant::NameTaken => name_taken(h, a),
        Warrant::InitiatorNamed => {
            let named = matches!(&a.call.asked,
                Some(vds_sim::program::Step::SetSharedSecret { initiator: Some(i), .. }) if !i.is_empty());
            if named { Ok(()) } else { Err("no initiator name was given".into()) }
        }
        Warrant::ProviderChoice => Ok(()),
        Warrant::Canceled => canceled(h, a),
        // OUTCOME-LISTED's.
        Warrant::Unlisted => Ok(()),
    }
}

/// Whether the failure `call` answered states a fact that held at some
/// instant of the call (its warrant holds), so that rules about other
/// causes let it stand (FAILURE-PRECEDENCE); for every code but the
/// provider's own causes, which [`History::excused`] leaves to the
/// narrower [`History::cause_of_its_own`]. A Cancel's codes and
/// VDS_E_CANCEL_TOO_LATE are about the operation, which the async rules
/// judge; codes off the allow-list are OUTCOME-LISTED's.
pub(super) fn of_its_own(h: &History, call: &StepRecord) -> bool {
    let hr = call.hr;
    if hr == HResult::VDS_E_CANCEL_TOO_LATE {
        return false;
    }
    match needed(call.method, hr) {
        Warrant::Unlisted | Warrant::Canceled => false,
        _ => {
            let answer = Answer {
                call,
                hr,
                at: call,
                end: false,
            };
            holds(h, &answer, 0).is_ok()
        }
    }
}

/// [`Warrant::Malformed`]: the arguments of the call (for an end, of the
/// call that started the operation) may be found malformed, or an
/// invalid_argument fault fired before the answer.
fn malformed(h: &History, a: &Answer) -> Result<(), String> {
    let fault = h
        .faults
        .iter()
        .any(|f| f.kind == FaultKind::InvalidArgument && f.seq < a.at.seq_return);
    if fault || super::refusals::arguments_may_be_malformed(h, a.call) {
        return Ok(());
    }
    Err(format!(
        "nothing in its arguments ({}) is malformed and no invalid_argument fault had fired",
        a.call.args
    ))
}

/// [`Warrant::Deleted`].
fn deleted(h: &History, a: &Answer) -> Result<(), String> {
    let on_object = matches!(
        a.call.method.interface(),
        "IVdsIscsiTarget" | "IVdsIscsiPortalGroup" | "IVdsIscsiPortal"
    );
    if !on_object {
        return Err(format!(
            "the array never deletes the object of a {} call",
            a.call.method.interface()
        ));
    }
    // A call whose object was not recorded cannot be judged so.
    let Some(object) = a.call.object else {
        return Ok(());
    };
    if h.deleted_at(object).is_some_and(|t| t <= a.at.t_us) {
        return Ok(());
    }
    Err(format!("the array had not deleted {object}"))
}

/// [`Warrant::PortalNotInPlace`].
fn portal_not_in_place(h: &History, a: &Answer) -> Result<(), String> {
    let (Some(group), Some(portal)) = (a.call.object, portal_of(a.call)) else {
        return Ok(());
    };
    let exists = h.out.initial_array.portals.contains_key(&portal);
    match a.call.method {
        Method::PortalGroupAddPortal if exists => {
            Err(format!("portal {portal} exists on the array"))
        }
        Method::PortalGroupRemovePortal => {
            let when = h.instants(a.call.t_call_us, a.at.t_us);
            let held = when
                .iter()
                .all(|t| holders_at(h, portal, *t).contains(&group));
            if held && super::refusals::known_member(h, a.call, group, portal) {
                Err(format!(
                    "group {group} held portal {portal} throughout the call, as the provider knew"
                ))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// [`Warrant::PortalHeldElsewhere`].
fn portal_held_elsewhere(h: &History, a: &Answer) -> Result<(), String> {
    let (Some(group), Some(portal)) = (a.call.object, portal_of(a.call)) else {
        return Ok(());
    };
    let when = h.instants(a.call.t_call_us, a.at.t_us);
    if when.iter().any(|t| held_elsewhere(h, group, portal, *t)) {
        return Ok(());
    }
    Err(format!("no other group of the target held portal {portal}"))
}

/// Whether `group` held any portal at one of the `moments`.
fn had_portals(h: &History, group: vds_sim::props::VDS_OBJECT_ID, moments: &[u128]) -> bool {
    let portals = h.out.initial_array.portals.keys();
    portals.into_iter().any(|p| {
        moments
            .iter()
            .any(|t| holders_at(h, *p, *t).contains(&group))
    })
}

/// [`Warrant::NameTaken`].
fn name_taken(h: &History, a: &Answer) -> Result<(), String> {
    let name = super::refusals::chosen_name(&a.call.args);
    if name.is_some_and(|n| super::refusals::name_taken_between(h, n, a.call.t_call_us, a.at.t_us))
    {
        return Ok(());
    }
    Err(format!(
        "no target on the array had its chosen iSCSI name ({})",
        name.unwrap_or("none: the provider chooses")
    ))
}

/// [`Warrant::Canceled`]: for an end, a successful Cancel of the operation
/// before the report; for Cancel's own answer, an earlier Cancel of the same
/// operation, or a restart, before the answer.
fn canceled(h: &History, a: &Answer) -> Result<(), String> {
    // The Wait, QueryStatus or Cancel that answered leads to the operation.
    let started_by = h.first_call_of(a.at);
    let Some(op) = h.ops.iter().find(|op| std::ptr::eq(op.call, started_by)) else {
        return Ok(());
    };
    let cancels = op
        .follow
        .iter()
        .filter(|s| s.method == Method::AsyncCancel && !std::ptr::eq(**s, a.at));
    let warranted = if a.end {
        cancels
            .filter(|s| s.hr == HResult::S_OK)
            .any(|s| s.seq_call < a.at.seq_return)
    } else {
        cancels.clone().any(|s| s.seq_call < a.at.seq_call)
            || h.restarts().any(|f| f.seq < a.at.seq_return)
    };
    if warranted {
        return Ok(());
    }
    Err("no Cancel of the operation had been made before".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every failure code on every method's allow-list has a warrant: the
    /// table leaves no listed code to chance.
    #[test]
    fn every_listed_failure_has_a_warrant() {
        for method in Method::ALL {
            let codes = vds_sim::outcomes::ANY_METHOD
                .iter()
                .chain(vds_sim::outcomes::returns(*method));
            for hr in codes.filter(|hr| hr.failed()) {
                assert_ne!(
                    needed(*method, *hr),
                    Warrant::Unlisted,
                    "{method} may return {hr}, and the table has no warrant for it"
                );
            }
        }
    }

    #[test]
    fn codes_off_the_list_are_left_to_outcome_listed() {
        assert_eq!(
            needed(Method::TargetGetProperties, HResult::VDS_E_OBJECT_NOT_FOUND),
            Warrant::Unlisted
        );
        assert_eq!(
            needed(
                Method::PortalGroupAddPortal,
                HResult::VDS_E_OBJECT_NOT_FOUND
            ),
            Warrant::PortalNotInPlace
        );
    }
}
