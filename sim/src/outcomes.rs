//! The outcome allow-list: for every method, the codes a provider may
//! answer, and for the methods that start an operation, what the operation
//! may end with. Anything else is refused (rule `OUTCOME-LISTED`) even if no
//! specific check foresaw it. The lists follow each method's documented
//! return values; where this project decided more, the profile rule that
//! allows it is named beside the code.
//!
//! ```
//! use vds_sim::hresult::HResult;
//! use vds_sim::method::Method;
//! use vds_sim::outcomes::may_return;
//! assert!(may_return(Method::TargetCreatePortalGroup, HResult::VDS_S_ALREADY_EXISTS));
//! assert!(!may_return(Method::TargetCreatePortalGroup, HResult::VDS_E_OBJECT_NOT_FOUND));
//! ```

use crate::hresult::{HResult, win32};
use crate::method::Method;

/// `HRESULT_FROM_WIN32(ERROR_TIMEOUT)`: the array did not answer (LINK-ERRORS-AS-WIN32).
pub const TIMEOUT: HResult = HResult::from_win32(win32::ERROR_TIMEOUT);

/// Codes every method may return: the standard ones the method pages name
/// (E_INVALIDARG, E_OUTOFMEMORY), E_POINTER (ARG-NULL-POINTER), the link
/// timeout (LINK-ERRORS-AS-WIN32), VDS_E_PROVIDER_EXITING, for a call
/// under way when the provider restarts (RESTART-ABANDONS-OPERATIONS), and
/// busy, which every call may answer while Reenumerate or Refresh runs
/// (BUSY-IN-DOMAIN).
pub const ANY_METHOD: &[HResult] = &[
    HResult::E_INVALIDARG,
    HResult::E_OUTOFMEMORY,
    HResult::E_POINTER,
    TIMEOUT,
    HResult::VDS_E_PROVIDER_EXITING,
    HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS,
];

const S: HResult = HResult::S_OK;
const CORRUPT: HResult = HResult::VDS_E_PROVIDER_CACHE_CORRUPT;
const DELETED: HResult = HResult::VDS_E_OBJECT_DELETED;
const BUSY: HResult = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;
const INCOMPLETE: HResult = HResult::VDS_S_PROPERTIES_INCOMPLETE;
const NOT_SUPPORTED: HResult = HResult::VDS_E_NOT_SUPPORTED;
const STATUS_FAILED: HResult = HResult::VDS_E_OBJECT_STATUS_FAILED;

/// The codes `method` may return besides [`ANY_METHOD`].
pub fn returns(method: Method) -> &'static [HResult] {
    use Method as M;
    match method {
        M::AsyncCancel => &[
            S,
            NOT_SUPPORTED,
            HResult::VDS_E_OPERATION_CANCELED,
            HResult::VDS_E_CANCEL_TOO_LATE,
        ],
        M::AsyncWait | M::AsyncQueryStatus => &[S],
        M::HwProviderQuerySubSystems | M::HwProviderReenumerate | M::HwProviderRefresh => &[
            S,
            CORRUPT,
            STATUS_FAILED,
            BUSY,
            HResult::VDS_E_INITIALIZE_NOT_CALLED,
        ],
        M::SubSystemQueryTargets | M::SubSystemQueryPortals => {
            &[S, CORRUPT, DELETED, STATUS_FAILED, BUSY]
        }
        M::SubSystemCreateTarget => &[
            S,
            NOT_SUPPORTED,
            CORRUPT,
            DELETED,
            STATUS_FAILED,
            BUSY,
            HResult::VDS_E_NAME_NOT_UNIQUE,
        ],
        M::TargetGetProperties | M::PortalGroupGetProperties | M::PortalGetProperties => {
            &[S, INCOMPLETE, CORRUPT, DELETED]
        }
        M::TargetGetSubSystem | M::PortalGroupGetTarget | M::PortalGetSubSystem => {
            &[S, CORRUPT, DELETED]
        }
        M::TargetQueryPortalGroups
        | M::TargetQueryAssociatedLuns
        | M::TargetGetConnectedInitiators
        | M::PortalGroupQueryAssociatedPortals
        | M::PortalQueryAssociatedPortalGroups => &[S, CORRUPT, DELETED, BUSY],
        M::TargetCreatePortalGroup => &[S, HResult::VDS_S_ALREADY_EXISTS, CORRUPT, DELETED, BUSY],
        M::TargetDelete => &[
            S,
            CORRUPT,
            DELETED,
            BUSY,
            HResult::VDS_E_ASSOCIATED_LUNS_EXIST,
        ],
        M::TargetSetFriendlyName => &[
            S,
            HResult::VDS_S_NAME_TRUNCATED,
            CORRUPT,
            DELETED,
            BUSY,
            NOT_SUPPORTED,
        ],
        // BUSY: the profile's lock domain covers every change to a target (BUSY-IN-DOMAIN).
        M::TargetSetSharedSecret => &[
            S,
            CORRUPT,
            DELETED,
            BUSY,
            NOT_SUPPORTED,
            HResult::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED,
        ],
        M::TargetRememberInitiatorSharedSecret => &[S, CORRUPT, DELETED, BUSY, NOT_SUPPORTED],
        // VDS_E_OBJECT_EXISTS: PORTAL-ONE-GROUP-PER-TARGET.
        M::PortalGroupAddPortal => &[
            S,
            CORRUPT,
            DELETED,
            BUSY,
            HResult::VDS_E_OBJECT_NOT_FOUND,
            HResult::VDS_E_OBJECT_EXISTS,
        ],
        M::PortalGroupRemovePortal => &[S, CORRUPT, DELETED, BUSY, HResult::VDS_E_OBJECT_NOT_FOUND],
        M::PortalGroupDelete => &[
            S,
            CORRUPT,
            DELETED,
            BUSY,
            HResult::VDS_E_ASSOCIATED_PORTALS_EXIST,
        ],
        M::PortalSetStatus => &[S, CORRUPT, DELETED, BUSY, NOT_SUPPORTED],
        M::SubSystemSetIpsecGroupPresharedKey
        | M::PortalSetIpsecTunnelAddress
        | M::PortalGetIpsecSecurity
        | M::PortalSetIpsecSecurity => &[NOT_SUPPORTED],
    }
}

/// Whether `method` may return `hr`.
pub fn may_return(method: Method, hr: HResult) -> bool {
    ANY_METHOD.contains(&hr) || returns(method).contains(&hr)
}

/// Whether an operation started by `method`, whose call returned
/// `call_hr`, may end with `hr_result` (Wait's or QueryStatus's
/// `pHrResult` once it has finished).
///
/// Success is S_OK, except for CreatePortalGroup: VDS_S_ALREADY_EXISTS
/// when the limit was reached while the operation ran (CPG-ALREADY-EXISTS),
/// and any success code after the call itself returned VDS_S_ALREADY_EXISTS
/// (CPG-LIMIT-EXISTING). A failure is one the method could have returned
/// itself (but not busy: that is decided when the call is made), or one
/// that only an operation under way can meet: cancellation.
///
/// ```
/// use vds_sim::hresult::HResult;
/// use vds_sim::method::Method;
/// use vds_sim::outcomes::may_end_with;
/// let cpg = Method::TargetCreatePortalGroup;
/// assert!(may_end_with(cpg, HResult::S_OK, HResult::S_OK));
/// assert!(!may_end_with(cpg, HResult::S_OK, HResult::S_FALSE));
/// assert!(may_end_with(cpg, HResult::S_OK, HResult::VDS_S_ALREADY_EXISTS));
/// assert!(may_end_with(cpg, HResult::VDS_S_ALREADY_EXISTS, HResult::VDS_S_ALREADY_EXISTS));
/// ```
pub fn may_end_with(method: Method, call_hr: HResult, hr_result: HResult) -> bool {
    if hr_result.succeeded() {
        let cpg = method == Method::TargetCreatePortalGroup;
        return hr_result == S
            || (cpg
                && (hr_result == HResult::VDS_S_ALREADY_EXISTS
                    || call_hr == HResult::VDS_S_ALREADY_EXISTS));
    }
    hr_result == HResult::VDS_E_OPERATION_CANCELED
        || (hr_result != BUSY && may_return(method, hr_result))
}

/// Whether a successful end of an operation started by `method` hands back
/// an object (CreateTarget's target, CreatePortalGroup's group); the others
/// hand back none.
pub fn ends_with_object(method: Method) -> bool {
    matches!(
        method,
        Method::SubSystemCreateTarget | Method::TargetCreatePortalGroup
    )
}
