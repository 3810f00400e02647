//! This project's advice per `HRESULT`: what a code means for the caller of a
//! VDS hardware provider and what the caller should do about it, in this
//! project's own words. Codes without an entry of their own get advice by
//! family (converted Win32 error, iSCSI, VDS success or failure, other).

use super::{FACILITY_ITF, FACILITY_WIN32, HResult, win32};

/// What a code means, and what a caller should do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advice {
    /// What the code means.
    pub meaning: &'static str,
    /// What a caller should do about it.
    pub action: &'static str,
}

impl HResult {
    /// This project's advice for this code, if it has its own: a named code
    /// of [`NAMED`], or a converted Win32 error of [`WIN32`].
    pub fn advice(self) -> Option<&'static Advice> {
        if let Some((_, a)) = NAMED.iter().find(|(k, _)| *k == self) {
            return Some(a);
        }
        if self.failed() && self.facility() == FACILITY_WIN32 {
            let code = u32::from(self.code());
            return WIN32.iter().find(|(k, _)| *k == code).map(|(_, a)| a);
        }
        None
    }

    /// The advice for this code's family, for a code without its own.
    pub fn family_advice(self) -> &'static Advice {
        if self.failed() && self.facility() == FACILITY_WIN32 {
            return &OTHER_WIN32;
        }
        let name = self.name().unwrap_or("");
        if name.starts_with("VDS_E_ISCSI") || name.contains("_ISCSI_") && self.failed() {
            return &ISCSI;
        }
        let itf = self.facility() == FACILITY_ITF;
        match (self.succeeded(), itf, name.is_empty()) {
            (true, true, false) => &VDS_SUCCESS,
            (false, true, false) => &VDS_FAILURE,
            (true, _, _) => &OTHER_SUCCESS,
            (false, true, true) => &UNKNOWN_ITF_FAILURE,
            (false, _, _) => &OTHER_FAILURE,
        }
    }
}

/// Advice for the named codes this project uses.
pub(crate) const NAMED: &[(HResult, Advice)] = &[
    (
        HResult::S_OK,
        Advice {
            meaning: "the call did what was asked; for a call that starts an asynchronous operation, the operation has started",
            action: "carry on; for an operation, call IVdsAsync::Wait (or poll QueryStatus) to learn how it ended, then Release the IVdsAsync",
        },
    ),
    (
        HResult::S_FALSE,
        Advice {
            meaning: "success, but nothing was done or the answer is 'no' (in an enumeration: fewer items than asked for)",
            action: "treat as success; in an enumeration, stop asking for more",
        },
    ),
    (
        HResult::E_INVALIDARG,
        Advice {
            meaning: "an argument was malformed or out of range (also HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER), e.g. a request the array refused as malformed)",
            action: "fix the arguments; retrying the same call will fail the same way",
        },
    ),
    (
        HResult::E_OUTOFMEMORY,
        Advice {
            meaning: "the provider could not allocate what the call needed; nothing was started",
            action: "no output to release; retry later or report low memory",
        },
    ),
    (
        HResult::E_POINTER,
        Advice {
            meaning: "a pointer the method needs was NULL or unusable",
            action: "pass valid pointers; this is a caller bug, not a transient failure",
        },
    ),
    (
        HResult::E_NOTIMPL,
        Advice {
            meaning: "the method has no implementation in this provider",
            action: "do not retry; fall back to another way or report the feature as unsupported",
        },
    ),
    (
        HResult::E_NOINTERFACE,
        Advice {
            meaning: "the object does not expose the interface asked for",
            action: "QueryInterface for something else; the object does not play that role",
        },
    ),
    (
        HResult::E_FAIL,
        Advice {
            meaning: "an unspecified failure",
            action: "treat the call as failed with no output; log it with the object and retry at most once",
        },
    ),
    (
        HResult::E_UNEXPECTED,
        Advice {
            meaning: "something that should not happen did (a catastrophic or out-of-order failure)",
            action: "treat the object as unusable; Reenumerate and Refresh the provider before going on",
        },
    ),
    (
        HResult::E_ACCESSDENIED,
        Advice {
            meaning: "the caller lacks the rights for this call",
            action: "do not retry as-is; run with the right privileges",
        },
    ),
    (
        HResult::VDS_S_ALREADY_EXISTS,
        Advice {
            meaning: "CreatePortalGroup made no new group (the target is at its limit); the operation hands back an existing group of that target",
            action: "call Wait as usual: it succeeds and VDS_ASYNC_OUTPUT.cpg.pPortalGroupUnk is an existing group; Release it like a new one",
        },
    ),
    (
        HResult::VDS_E_OBJECT_DELETED,
        Advice {
            meaning: "the object behind this interface pointer no longer exists (deleted, possibly behind the provider's back)",
            action: "Release the pointer, Refresh or re-query the parent, and do not use the pointer again; for an operation that ended this way, Wait's output holds only NULL pointers",
        },
    ),
    (
        HResult::VDS_E_OBJECT_NOT_FOUND,
        Advice {
            meaning: "no object matches the identifier given",
            action: "re-query the parent to get current identifiers; the object may never have existed",
        },
    ),
    (
        HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS,
        Advice {
            meaning: "the object is busy with a conflicting call (an operation on the same target, or Reenumerate/Refresh)",
            action: "wait for the other operation to finish (Wait on its IVdsAsync) and retry; nothing was started",
        },
    ),
    (
        HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
        Advice {
            meaning: "the provider's cache of the array is damaged, so it refuses to serve from it",
            action: "call Reenumerate, then Refresh, on the provider, then retry the call; until the Refresh succeeds calls keep failing this way",
        },
    ),
    (
        HResult::VDS_E_CACHE_CORRUPT,
        Advice {
            meaning: "the VDS service's own cache (not the provider's) is damaged",
            action: "not the provider's to cure: Refresh the service, and report it; do not confuse with VDS_E_PROVIDER_CACHE_CORRUPT",
        },
    ),
    (
        HResult::VDS_E_OPERATION_PENDING,
        Advice {
            meaning: "the asynchronous operation has not finished yet; QueryStatus puts it in pHrResult while the operation runs",
            action: "poll QueryStatus again later, or call Wait to block until the operation ends",
        },
    ),
    (
        HResult::VDS_E_OPERATION_CANCELED,
        Advice {
            meaning: "the operation was cancelled; from Cancel, it had been cancelled already",
            action: "the operation's output holds only NULL pointers; start it again if still wanted",
        },
    ),
    (
        HResult::VDS_E_CANCEL_TOO_LATE,
        Advice {
            meaning: "the operation had gone too far (or had finished) to be cancelled; Cancel changed nothing",
            action: "call Wait to collect the result, and undo the change yourself if it is unwanted",
        },
    ),
    (
        HResult::VDS_E_PROVIDER_EXITING,
        Advice {
            meaning: "the provider is shutting down or restarting; operations in flight were abandoned",
            action: "Release what you hold, wait for the provider to come back, Refresh to learn what the array actually did, then retry",
        },
    ),
    (
        HResult::VDS_E_BAD_PROVIDER_DATA,
        Advice {
            meaning: "the provider handed back malformed data",
            action: "report a provider bug; Refresh and retry once",
        },
    ),
    (
        HResult::VDS_E_NOT_SUPPORTED,
        Advice {
            meaning: "the provider or object does not support this operation",
            action: "do not retry; use another way or report it as unsupported",
        },
    ),
    (
        HResult::VDS_E_OBJECT_EXISTS,
        Advice {
            meaning: "an object of that kind or name exists already (e.g. a portal already in another group of the same target)",
            action: "use the existing object, or remove it first",
        },
    ),
    (
        HResult::VDS_E_NAME_NOT_UNIQUE,
        Advice {
            meaning: "the name collides with an existing object's",
            action: "choose another name",
        },
    ),
    (
        HResult::VDS_E_ASSOCIATED_LUNS_EXIST,
        Advice {
            meaning: "LUNs are still associated with the object, so it cannot be removed",
            action: "unassociate the LUNs first, then retry",
        },
    ),
    (
        HResult::VDS_E_ASSOCIATED_PORTALS_EXIST,
        Advice {
            meaning: "portals are still in the group, so it cannot be removed",
            action: "remove the portals first, then retry",
        },
    ),
    (
        HResult::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED,
        Advice {
            meaning: "the provider cannot apply settings per initiator",
            action: "apply the setting for all initiators, or not at all",
        },
    ),
    (
        HResult::VDS_E_TARGET_SPECIFIC_NOT_SUPPORTED,
        Advice {
            meaning: "the provider cannot apply settings per target",
            action: "apply the setting at the subsystem level, or not at all",
        },
    ),
    (
        HResult::VDS_S_NAME_TRUNCATED,
        Advice {
            meaning: "success, but the name given was shortened to fit",
            action: "read the object's properties back to learn the name it got",
        },
    ),
    (
        HResult::VDS_S_NO_NOTIFICATION,
        Advice {
            meaning: "success, but no notification was sent for the change",
            action: "Refresh or re-query if you rely on notifications to see the change",
        },
    ),
    (
        HResult::VDS_S_PROPERTIES_INCOMPLETE,
        Advice {
            meaning: "success, but some property fields could not be filled",
            action: "use the fields that are set; do not rely on the rest",
        },
    ),
    (
        HResult::VDS_S_IN_PROGRESS,
        Advice {
            meaning: "success: the work is still going on",
            action: "check again later",
        },
    ),
    (
        HResult::VDS_S_PROVIDER_ERROR_LOADING_CACHE,
        Advice {
            meaning: "success, but the provider hit errors while loading its cache",
            action: "treat the view as possibly incomplete; Refresh later",
        },
    ),
    (
        HResult::VDS_E_TIMEOUT,
        Advice {
            meaning: "the operation ran out of time",
            action: "the outcome may be unknown: Refresh to see what happened before retrying",
        },
    ),
    (
        HResult::VDS_E_RETRY,
        Advice {
            meaning: "a transient failure",
            action: "retry the call after a short delay",
        },
    ),
    (
        HResult::VDS_E_ASYNC_OBJECT_FAILURE,
        Advice {
            meaning: "the IVdsAsync object itself failed",
            action: "Release it; Refresh to learn whether the operation took effect",
        },
    ),
    (
        HResult::VDS_E_INVALID_OPERATION,
        Advice {
            meaning: "the operation is not valid for this object",
            action: "do not retry; this is a caller error",
        },
    ),
    (
        HResult::VDS_E_OPERATION_DENIED,
        Advice {
            meaning: "the operation is refused in the current situation",
            action: "change the situation (state, rights) before retrying",
        },
    ),
    (
        HResult::VDS_E_INVALID_STATE,
        Advice {
            meaning: "the object's state does not allow this call",
            action: "query the object's status and retry when it allows the call",
        },
    ),
    (
        HResult::VDS_E_PROVIDER_INTERNAL_ERROR,
        Advice {
            meaning: "the provider hit an internal error",
            action: "report a provider bug; Refresh and retry once",
        },
    ),
    (
        HResult::VDS_E_UNRECOVERABLE_PROVIDER_ERROR,
        Advice {
            meaning: "the provider hit an error it cannot recover from",
            action: "stop using the provider; it needs to be restarted",
        },
    ),
];

/// Advice for the converted Win32 errors this project knows, by number.
pub(crate) const WIN32: &[(u32, Advice)] = &[
    (
        win32::ERROR_TIMEOUT,
        Advice {
            meaning: "the array did not answer in time (lost messages, a partition or a held link); the provider gave up waiting",
            action: "the outcome on the array is unknown: Refresh (or re-query the target) before retrying, so as not to create a second group",
        },
    ),
    (
        win32::ERROR_ACCESS_DENIED,
        Advice {
            meaning: "access was denied",
            action: "do not retry as-is; run with the right privileges",
        },
    ),
    (
        win32::ERROR_NOT_ENOUGH_MEMORY,
        Advice {
            meaning: "not enough memory to finish",
            action: "retry later",
        },
    ),
    (
        win32::ERROR_NOT_SUPPORTED,
        Advice {
            meaning: "the request is not supported",
            action: "do not retry; use another way",
        },
    ),
    (
        win32::ERROR_ALREADY_EXISTS,
        Advice {
            meaning: "the thing to be created exists already",
            action: "use the existing one",
        },
    ),
    (
        win32::ERROR_NOT_FOUND,
        Advice {
            meaning: "the element was not found",
            action: "re-query to get current identifiers",
        },
    ),
    (
        win32::ERROR_CANCELLED,
        Advice {
            meaning: "the operation was cancelled",
            action: "start it again if still wanted",
        },
    ),
];

/// A converted Win32 error without advice of its own.
const OTHER_WIN32: Advice = Advice {
    meaning: "a Win32 error converted with HRESULT_FROM_WIN32; the low 16 bits are the Win32 error number",
    action: "look the number up in winerror.h; treat the call as failed with no output",
};

/// An iSCSI failure without advice of its own.
const ISCSI: Advice = Advice {
    meaning: "an iSCSI-specific failure (login, logout, session, IPsec or CHAP settings)",
    action: "check the iSCSI configuration named by the code, then retry",
};

/// A named VDS success code without advice of its own.
const VDS_SUCCESS: Advice = Advice {
    meaning: "a VDS success code with extra information",
    action: "treat as success; read the name for what was not quite as asked",
};

/// A named VDS failure code without advice of its own.
const VDS_FAILURE: Advice = Advice {
    meaning: "a VDS failure code; the call did not do what was asked",
    action: "treat the call as failed with no output to release; see the VDS Common Return Codes page for this code",
};

/// Any other success code.
const OTHER_SUCCESS: Advice = Advice {
    meaning: "a success code this project has no advice for",
    action: "treat as success",
};

/// An unnamed failure code of facility 4 (FACILITY_ITF).
const UNKNOWN_ITF_FAILURE: Advice = Advice {
    meaning: "an interface-specific failure code this project does not know (not a documented VDS code)",
    action: "treat the call as failed with no output; a provider returning it breaks CPG-RETURN-CODES",
};

/// Any other failure code.
const OTHER_FAILURE: Advice = Advice {
    meaning: "a failure code this project has no advice for",
    action: "treat the call as failed with no output to release",
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn one_entry_per_code() {
        let named: BTreeSet<_> = NAMED.iter().map(|(k, _)| *k).collect();
        assert_eq!(named.len(), NAMED.len());
        for (k, _) in NAMED {
            assert!(k.name().is_some(), "{k}");
        }
        let win32: BTreeSet<_> = WIN32.iter().map(|(k, _)| *k).collect();
        assert_eq!(win32.len(), WIN32.len());
        for (k, _) in WIN32 {
            assert!(win32::ALL.iter().any(|(_, n)| n == k), "{k}");
        }
    }

    #[test]
    fn own_advice_comes_first() {
        let timeout = HResult::from_win32(win32::ERROR_TIMEOUT);
        assert!(timeout.advice().unwrap().meaning.contains("did not answer"));
        assert!(HResult::from_u32(0x8007_0490).advice().is_some());
        assert_eq!(HResult::from_u32(0x8007_1234).advice(), None);
        assert_eq!(HResult::from_u32(0x8007_1234).family_advice(), &OTHER_WIN32);
        assert_eq!(HResult::VDS_E_ISCSI_CHAP_SECRET.family_advice(), &ISCSI);
        assert_eq!(
            HResult::from_u32(0x8004_0001).family_advice(),
            &UNKNOWN_ITF_FAILURE
        );
        assert_eq!(
            HResult::from_u32(0x1234_5678).family_advice(),
            &OTHER_SUCCESS
        );
    }
}
