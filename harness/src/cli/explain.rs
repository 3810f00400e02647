//! `explain`: decodes an HRESULT (name, value, severity, facility, code)
//! and says what a caller should do about it. The advice is this project's
//! own wording; codes without an entry get advice by family.

use std::fmt::Write;

use vds_sim::hresult::{HResult, win32};
use vds_sim::profile::RULES;

use super::{CliError, CliResult};

/// `vds-harness explain`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Decode an HRESULT: its name, value, severity, facility and code, what it \
means, what a caller should do, and which contract-profile rules mention it. Unknown values \
still print their decoded fields.\n\n\
Exit status: 0 decoded, 2 not an HRESULT.",
    after_help = "Examples:\n  vds-harness explain 0x8004240B\n  vds-harness explain 8004240b\n  \
vds-harness explain VDS_E_OBJECT_DELETED\n  vds-harness explain 'HRESULT_FROM_WIN32(ERROR_TIMEOUT)'\n  \
vds-harness explain ERROR_TIMEOUT\n  vds-harness explain -- -2147212277"
)]
pub struct ExplainArgs {
    /// The code: hex (0x8004240B, 8004240B), signed decimal (-2147212277), a name
    /// (VDS_E_OBJECT_DELETED), HRESULT_FROM_WIN32(ERROR_TIMEOUT) or ERROR_TIMEOUT.
    #[arg(value_name = "CODE", allow_hyphen_values = true)]
    pub code: String,
}

/// `vds-harness explain`.
pub fn command(a: &ExplainArgs) -> CliResult {
    let text = explain_text(&a.code).map_err(CliError::Usage)?;
    out!("{text}");
    Ok(())
}

/// Parses the forms `explain` accepts.
pub fn parse_code(input: &str) -> Option<HResult> {
    let s = input.trim();
    if let Some(hr) = HResult::parse(s) {
        return Some(hr);
    }
    let upper = s.to_ascii_uppercase();
    if let Some(hr) = HResult::parse(&upper) {
        return Some(hr);
    }
    if let Some(&(_, n)) = win32::ALL.iter().find(|(name, _)| *name == upper) {
        return Some(HResult::from_win32(n));
    }
    // A negative decimal: digits only after the one sign (no `--5`, no
    // `-+5`), and no overflow negating i64::MIN (found by fuzzing).
    if let Some(dec) = s.strip_prefix('-')
        && dec.bytes().all(|b| b.is_ascii_digit())
    {
        let v: i64 = dec.parse().ok()?;
        return i32::try_from(v.checked_neg()?).ok().map(HResult::from_i32);
    }
    None
}

/// The explanation of a code as `explain` prints it, or why it does not parse.
pub fn explain_text(input: &str) -> Result<String, String> {
    parse_code(input).map(explain).ok_or_else(|| {
        format!(
            "`{input}` is not an HRESULT; expected hex such as 0x8004240B or 8004240B, a signed \
decimal such as -2147212277, a name such as VDS_E_OBJECT_DELETED, or HRESULT_FROM_WIN32(ERROR_TIMEOUT)"
        )
    })
}

/// Everything `explain` says about a value.
pub fn explain(hr: HResult) -> String {
    let mut s = String::new();
    let name = hr.name();
    let title = match (name, hr.win32_name()) {
        (Some(n), _) => n.to_string(),
        (None, Some(w)) => format!("HRESULT_FROM_WIN32({w})"),
        (None, None) => "(no name known to this project)".to_string(),
    };
    let _ = writeln!(s, "{title}");
    let _ = writeln!(
        s,
        "  value:     0x{:08X} (signed {})",
        hr.as_u32(),
        hr.as_i32()
    );
    let _ = writeln!(
        s,
        "  severity:  {}",
        if hr.succeeded() {
            "success (bit 31 clear: SUCCEEDED is true)"
        } else {
            "failure (bit 31 set: FAILED is true)"
        }
    );
    let facility = hr.facility();
    let _ = writeln!(
        s,
        "  facility:  {facility} ({})",
        facility_name(facility).unwrap_or("unknown facility")
    );
    let _ = writeln!(s, "  code:      0x{:04X} ({})", hr.code(), hr.code());
    if facility == vds_sim::hresult::FACILITY_WIN32 && hr.failed() {
        let win = hr
            .win32_name()
            .unwrap_or("a Win32 error this project does not name");
        let _ = writeln!(s, "  win32:     {win} ({})", hr.code());
    }
    if let Some(n) = name {
        if n.starts_with("VDS_S_") && hr.failed() {
            let _ = writeln!(
                s,
                "  note:      the name says S_ (success) but the value has the failure bit set; trust the value"
            );
        }
    }
    let (meaning, action) = advice(hr);
    let _ = writeln!(s, "  meaning:   {meaning}");
    let _ = writeln!(s, "  caller:    {action}");
    let rules = rules_mentioning(hr);
    if !rules.is_empty() {
        let _ = writeln!(s, "  profile:   {}", rules.join(", "));
    }
    s
}

/// Facility names from `winerror.h`.
fn facility_name(f: u16) -> Option<&'static str> {
    Some(match f {
        0 => "FACILITY_NULL",
        1 => "FACILITY_RPC",
        2 => "FACILITY_DISPATCH",
        3 => "FACILITY_STORAGE",
        4 => "FACILITY_ITF, interface-specific; every VDS code",
        5 => "FACILITY_5 (unassigned)",
        7 => "FACILITY_WIN32, a converted Win32 error",
        8 => "FACILITY_WINDOWS",
        9 => "FACILITY_SECURITY",
        10 => "FACILITY_CONTROL",
        11 => "FACILITY_CERT",
        12 => "FACILITY_INTERNET",
        13 => "FACILITY_MEDIASERVER",
        14 => "FACILITY_MSMQ",
        15 => "FACILITY_SETUPAPI",
        16 => "FACILITY_SCARD",
        17 => "FACILITY_COMPLUS",
        _ => return None,
    })
}

/// The profile rules whose statement names this code (as a whole word).
fn rules_mentioning(hr: HResult) -> Vec<&'static str> {
    let mut names: Vec<String> = Vec::new();
    if let Some(n) = hr.name() {
        names.push(n.to_string());
    }
    if let Some(w) = hr.win32_name() {
        names.push(format!("HRESULT_FROM_WIN32({w})"));
    }
    names.push(format!("0x{:08X}", hr.as_u32()));
    RULES
        .iter()
        .filter(|r| names.iter().any(|n| mentions(r.statement, n)))
        .map(|r| r.id)
        .collect()
}

fn mentions(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// (What it means, what a caller should do.)
type Advice = (&'static str, &'static str);

/// Advice for the codes this project uses, in this project's words.
const ADVICE: &[(&str, Advice)] = &[
    (
        "S_OK",
        (
            "the call did what was asked; for a call that starts an asynchronous operation, the operation has started",
            "carry on; for an operation, call IVdsAsync::Wait (or poll QueryStatus) to learn how it ended, then Release the IVdsAsync",
        ),
    ),
    (
        "S_FALSE",
        (
            "success, but nothing was done or the answer is 'no' (in an enumeration: fewer items than asked for)",
            "treat as success; in an enumeration, stop asking for more",
        ),
    ),
    (
        "E_INVALIDARG",
        (
            "an argument was malformed or out of range (also HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER), e.g. a request the array refused as malformed)",
            "fix the arguments; retrying the same call will fail the same way",
        ),
    ),
    (
        "E_OUTOFMEMORY",
        (
            "the provider could not allocate what the call needed; nothing was started",
            "no output to release; retry later or report low memory",
        ),
    ),
    (
        "E_POINTER",
        (
            "a pointer the method needs was NULL or unusable",
            "pass valid pointers; this is a caller bug, not a transient failure",
        ),
    ),
    (
        "E_NOTIMPL",
        (
            "the method has no implementation in this provider",
            "do not retry; fall back to another way or report the feature as unsupported",
        ),
    ),
    (
        "E_NOINTERFACE",
        (
            "the object does not expose the interface asked for",
            "QueryInterface for something else; the object does not play that role",
        ),
    ),
    (
        "E_FAIL",
        (
            "an unspecified failure",
            "treat the call as failed with no output; log it with the object and retry at most once",
        ),
    ),
    (
        "E_UNEXPECTED",
        (
            "something that should not happen did (a catastrophic or out-of-order failure)",
            "treat the object as unusable; Reenumerate and Refresh the provider before going on",
        ),
    ),
    (
        "E_ACCESSDENIED",
        (
            "the caller lacks the rights for this call",
            "do not retry as-is; run with the right privileges",
        ),
    ),
    (
        "VDS_S_ALREADY_EXISTS",
        (
            "CreatePortalGroup made no new group (the target is at its limit); the operation hands back an existing group of that target",
            "call Wait as usual: it succeeds and VDS_ASYNC_OUTPUT.cpg.pPortalGroupUnk is an existing group; Release it like a new one",
        ),
    ),
    (
        "VDS_E_OBJECT_DELETED",
        (
            "the object behind this interface pointer no longer exists (deleted, possibly behind the provider's back)",
            "Release the pointer, Refresh or re-query the parent, and do not use the pointer again; for an operation that ended this way, Wait's output holds only NULL pointers",
        ),
    ),
    (
        "VDS_E_OBJECT_NOT_FOUND",
        (
            "no object matches the identifier given",
            "re-query the parent to get current identifiers; the object may never have existed",
        ),
    ),
    (
        "VDS_E_ANOTHER_CALL_IN_PROGRESS",
        (
            "the object is busy with a conflicting call (an operation on the same target, or Reenumerate/Refresh)",
            "wait for the other operation to finish (Wait on its IVdsAsync) and retry; nothing was started",
        ),
    ),
    (
        "VDS_E_PROVIDER_CACHE_CORRUPT",
        (
            "the provider's cache of the array is damaged, so it refuses to serve from it",
            "call Reenumerate, then Refresh, on the provider, then retry the call; until the Refresh succeeds calls keep failing this way",
        ),
    ),
    (
        "VDS_E_CACHE_CORRUPT",
        (
            "the VDS service's own cache (not the provider's) is damaged",
            "not the provider's to cure: Refresh the service, and report it; do not confuse with VDS_E_PROVIDER_CACHE_CORRUPT",
        ),
    ),
    (
        "VDS_E_OPERATION_PENDING",
        (
            "the asynchronous operation has not finished yet; QueryStatus puts it in pHrResult while the operation runs",
            "poll QueryStatus again later, or call Wait to block until the operation ends",
        ),
    ),
    (
        "VDS_E_OPERATION_CANCELED",
        (
            "the operation was cancelled; from Cancel, it had been cancelled already",
            "the operation's output holds only NULL pointers; start it again if still wanted",
        ),
    ),
    (
        "VDS_E_CANCEL_TOO_LATE",
        (
            "the operation had gone too far (or had finished) to be cancelled; Cancel changed nothing",
            "call Wait to collect the result, and undo the change yourself if it is unwanted",
        ),
    ),
    (
        "VDS_E_PROVIDER_EXITING",
        (
            "the provider is shutting down or restarting; operations in flight were abandoned",
            "Release what you hold, wait for the provider to come back, Refresh to learn what the array actually did, then retry",
        ),
    ),
    (
        "VDS_E_BAD_PROVIDER_DATA",
        (
            "the provider handed back malformed data",
            "report a provider bug; Refresh and retry once",
        ),
    ),
    (
        "VDS_E_NOT_SUPPORTED",
        (
            "the provider or object does not support this operation",
            "do not retry; use another way or report it as unsupported",
        ),
    ),
    (
        "VDS_E_OBJECT_EXISTS",
        (
            "an object of that kind or name exists already (e.g. a portal already in another group of the same target)",
            "use the existing object, or remove it first",
        ),
    ),
    (
        "VDS_E_NAME_NOT_UNIQUE",
        (
            "the name collides with an existing object's",
            "choose another name",
        ),
    ),
    (
        "VDS_E_ASSOCIATED_LUNS_EXIST",
        (
            "LUNs are still associated with the object, so it cannot be removed",
            "unassociate the LUNs first, then retry",
        ),
    ),
    (
        "VDS_E_ASSOCIATED_PORTALS_EXIST",
        (
            "portals are still in the group, so it cannot be removed",
            "remove the portals first, then retry",
        ),
    ),
    (
        "VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED",
        (
            "the provider cannot apply settings per initiator",
            "apply the setting for all initiators, or not at all",
        ),
    ),
    (
        "VDS_E_TARGET_SPECIFIC_NOT_SUPPORTED",
        (
            "the provider cannot apply settings per target",
            "apply the setting at the subsystem level, or not at all",
        ),
    ),
    (
        "VDS_S_NAME_TRUNCATED",
        (
            "success, but the name given was shortened to fit",
            "read the object's properties back to learn the name it got",
        ),
    ),
    (
        "VDS_S_NO_NOTIFICATION",
        (
            "success, but no notification was sent for the change",
            "Refresh or re-query if you rely on notifications to see the change",
        ),
    ),
    (
        "VDS_S_PROPERTIES_INCOMPLETE",
        (
            "success, but some property fields could not be filled",
            "use the fields that are set; do not rely on the rest",
        ),
    ),
    (
        "VDS_S_IN_PROGRESS",
        ("success: the work is still going on", "check again later"),
    ),
    (
        "VDS_S_PROVIDER_ERROR_LOADING_CACHE",
        (
            "success, but the provider hit errors while loading its cache",
            "treat the view as possibly incomplete; Refresh later",
        ),
    ),
    (
        "VDS_E_TIMEOUT",
        (
            "the operation ran out of time",
            "the outcome may be unknown: Refresh to see what happened before retrying",
        ),
    ),
    (
        "VDS_E_RETRY",
        ("a transient failure", "retry the call after a short delay"),
    ),
    (
        "VDS_E_ASYNC_OBJECT_FAILURE",
        (
            "the IVdsAsync object itself failed",
            "Release it; Refresh to learn whether the operation took effect",
        ),
    ),
    (
        "VDS_E_INVALID_OPERATION",
        (
            "the operation is not valid for this object",
            "do not retry; this is a caller error",
        ),
    ),
    (
        "VDS_E_OPERATION_DENIED",
        (
            "the operation is refused in the current situation",
            "change the situation (state, rights) before retrying",
        ),
    ),
    (
        "VDS_E_INVALID_STATE",
        (
            "the object's state does not allow this call",
            "query the object's status and retry when it allows the call",
        ),
    ),
    (
        "VDS_E_PROVIDER_INTERNAL_ERROR",
        (
            "the provider hit an internal error",
            "report a provider bug; Refresh and retry once",
        ),
    ),
    (
        "VDS_E_UNRECOVERABLE_PROVIDER_ERROR",
        (
            "the provider hit an error it cannot recover from",
            "stop using the provider; it needs to be restarted",
        ),
    ),
];

/// Advice for a Win32 error by number.
fn win32_advice(code: u32) -> Option<Advice> {
    Some(match code {
        win32::ERROR_TIMEOUT => (
            "the array did not answer in time (lost messages, a partition or a held link); the provider gave up waiting",
            "the outcome on the array is unknown: Refresh (or re-query the target) before retrying, so as not to create a second group",
        ),
        win32::ERROR_ACCESS_DENIED => (
            "access was denied",
            "do not retry as-is; run with the right privileges",
        ),
        win32::ERROR_NOT_ENOUGH_MEMORY => ("not enough memory to finish", "retry later"),
        win32::ERROR_NOT_SUPPORTED => (
            "the request is not supported",
            "do not retry; use another way",
        ),
        win32::ERROR_ALREADY_EXISTS => (
            "the thing to be created exists already",
            "use the existing one",
        ),
        win32::ERROR_NOT_FOUND => (
            "the element was not found",
            "re-query to get current identifiers",
        ),
        win32::ERROR_CANCELLED => (
            "the operation was cancelled",
            "start it again if still wanted",
        ),
        _ => return None,
    })
}

/// The advice for a code: from the table, else by family.
fn advice(hr: HResult) -> Advice {
    if let Some((_, a)) = hr.name().and_then(|n| ADVICE.iter().find(|(k, _)| *k == n)) {
        return *a;
    }
    if hr.failed() && hr.facility() == vds_sim::hresult::FACILITY_WIN32 {
        if let Some(a) = win32_advice(u32::from(hr.code())) {
            return a;
        }
        return (
            "a Win32 error converted with HRESULT_FROM_WIN32; the low 16 bits are the Win32 error number",
            "look the number up in winerror.h; treat the call as failed with no output",
        );
    }
    let name = hr.name().unwrap_or("");
    if name.starts_with("VDS_E_ISCSI") || name.contains("_ISCSI_") && hr.failed() {
        return (
            "an iSCSI-specific failure (login, logout, session, IPsec or CHAP settings)",
            "check the iSCSI configuration named by the code, then retry",
        );
    }
    match (hr.succeeded(), hr.facility(), name.is_empty()) {
        (true, 4, false) => (
            "a VDS success code with extra information",
            "treat as success; read the name for what was not quite as asked",
        ),
        (false, 4, false) => (
            "a VDS failure code; the call did not do what was asked",
            "treat the call as failed with no output to release; see the VDS Common Return Codes page for this code",
        ),
        (true, _, _) => (
            "a success code this project has no advice for",
            "treat as success",
        ),
        (false, 4, true) => (
            "an interface-specific failure code this project does not know (not a documented VDS code)",
            "treat the call as failed with no output; a provider returning it breaks CPG-RETURN-CODES",
        ),
        (false, _, _) => (
            "a failure code this project has no advice for",
            "treat the call as failed with no output to release",
        ),
    }
}

/// Every known code that has advice of its own (for tests).
#[cfg(test)]
fn advised() -> Vec<&'static str> {
    vds_sim::hresult::KNOWN
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| ADVICE.iter().any(|(k, _)| k == n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_names_are_known() {
        for (name, _) in ADVICE {
            assert!(HResult::from_name(name).is_some(), "{name}");
        }
        assert_eq!(advised().len(), ADVICE.len());
    }

    #[test]
    fn parses_every_form() {
        let d = HResult::VDS_E_OBJECT_DELETED;
        for s in [
            "0x8004240B",
            "8004240b",
            "VDS_E_OBJECT_DELETED",
            "vds_e_object_deleted",
            "-2147212277",
        ] {
            assert_eq!(parse_code(s), Some(d), "{s}");
        }
        assert_eq!(parse_code("ERROR_TIMEOUT").unwrap().as_u32(), 0x800705B4);
        assert_eq!(
            parse_code("HRESULT_FROM_WIN32(ERROR_TIMEOUT)")
                .unwrap()
                .as_u32(),
            0x800705B4
        );
        assert_eq!(parse_code("nonsense"), None);
        // One sign, then digits; i64::MIN once overflowed on negation.
        for s in ["--5", "-+5", "-", "--9223372036854775808", "-2147483649"] {
            assert_eq!(parse_code(s), None, "{s}");
        }
        assert_eq!(parse_code("-2147483648").map(i32::from), Some(i32::MIN));
    }

    #[test]
    fn explains() {
        let t = explain(HResult::VDS_E_OBJECT_DELETED);
        assert!(t.starts_with("VDS_E_OBJECT_DELETED\n"));
        assert!(t.contains("facility:  4 (FACILITY_ITF"));
        assert!(t.contains("DELETED-IS-OBJECT-DELETED"));
        let t = explain(HResult::from_u32(0x800705B4));
        assert!(t.contains("HRESULT_FROM_WIN32(ERROR_TIMEOUT)"));
        assert!(t.contains("LINK-ERRORS-AS-WIN32"));
        let t = explain(HResult::from_u32(0x1234_5678));
        assert!(t.contains("code:      0x5678"));
    }
}
