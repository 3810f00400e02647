//! ARG-NULL-POINTER: a NULL pointer where the method needs one answers
//! E_POINTER, and E_POINTER answers nothing else. Also what of a call's
//! arguments a provider may find malformed (REFUSAL-WARRANTED's
//! E_INVALIDARG), read from the client's own step with a grammar of the
//! oracle's own: it shares no code with any provider.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::program::Step;
use vds_sim::props::VDS_ISCSI_PORTAL_STATUS as Status;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

/// Whether the call passed a NULL pointer the method needs: a NULL secret
/// with a non-zero size (a NULL secret of size 0 means "no secret"), or a
/// NULL initiator name to RememberInitiatorSharedSecret.
pub(super) fn passes_null(s: &StepRecord) -> bool {
    null_in(s.method, &s.args)
}

/// [`passes_null`] on a method and its rendered arguments.
fn null_in(method: Method, args: &str) -> bool {
    match method {
        Method::TargetSetSharedSecret => args
            .strip_prefix("secret=NULL size=")
            .and_then(|rest| rest.split(' ').next())
            .is_some_and(|size| size != "0"),
        Method::TargetRememberInitiatorSharedSecret => args.starts_with("initiator=None"),
        _ => false,
    }
}

/// Whether `name` is an iSCSI name no reading of RFC 3720 (section
/// 3.2.6.3) could call malformed: `iqn.YYYY-MM.` and a reversed domain,
/// optionally `:` and more, in lower case; or `eui.` and 16 hexadecimal
/// digits, or `naa.` and 16 or 32; at most 223 bytes. A provider may refuse
/// a name outside this as E_INVALIDARG (or take it).
pub(super) fn clearly_well_formed(name: &str) -> bool {
    let hex = |s: &str, lens: &[usize]| {
        lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
    };
    if name.len() > 223 {
        return false;
    }
    if let Some(rest) = name.strip_prefix("eui.") {
        return hex(rest, &[16]);
    }
    if let Some(rest) = name.strip_prefix("naa.") {
        return hex(rest, &[16, 32]);
    }
    let Some(rest) = name.strip_prefix("iqn.") else {
        return false;
    };
    let b = rest.as_bytes();
    let date = b.len() > 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && matches!(
            &rest[5..7],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
        && b[7] == b'.';
    if !date {
        return false;
    }
    let (domain, tail) = rest[8..].split_once(':').unwrap_or((&rest[8..], ""));
    let plain = |s: &str, extra: &[u8]| {
        s.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || b"-.".contains(&c) || extra.contains(&c)
        })
    };
    !domain.is_empty()
        && plain(domain, b"")
        && domain.split('.').all(|l| !l.is_empty())
        && plain(tail, b":")
}

/// Whether `name` is malformed by every reading: no `iqn.`, `eui.` or
/// `naa.` type designator, white space, or more than 223 bytes.
pub(super) fn clearly_malformed(name: &str) -> bool {
    !["iqn.", "eui.", "naa."].iter().any(|p| name.starts_with(p))
        || name.chars().any(char::is_whitespace)
        || name.len() > 223
}

/// Why a provider may find the arguments of the step `asked` malformed, if
/// it may: a chosen iSCSI name not clearly well formed, an empty friendly
/// name, a CHAP secret outside 12 to 16 bytes (RFC 3720's and the Microsoft
/// initiator's bounds), an initiator name not clearly well formed, a NULL
/// pointer, or a portal status other than ONLINE and OFFLINE.
pub(super) fn may_be_malformed(asked: &Step) -> bool {
    let secret = |s: &Option<String>| s.as_ref().is_some_and(|s| !(12..=16).contains(&s.len()));
    let initiator = |i: &Option<String>| i.as_deref().is_some_and(|i| !clearly_well_formed(i));
    match asked {
        Step::CreateTarget {
            iscsi_name,
            friendly_name,
            ..
        } => {
            friendly_name.is_empty()
                || iscsi_name
                    .as_deref()
                    .is_some_and(|n| !n.is_empty() && !clearly_well_formed(n))
        }
        Step::SetFriendlyName { name, .. } => name.is_empty(),
        Step::SetSharedSecret {
            secret: s,
            null_secret_with_size,
            initiator: i,
            ..
        } => secret(s) || initiator(i) || null_secret_with_size.is_some(),
        Step::RememberInitiatorSharedSecret {
            secret: s,
            initiator: i,
            ..
        } => secret(s) || initiator(i) || i.is_none(),
        Step::SetPortalStatus { status, .. } => {
            !matches!(status, Status::VDS_IPS_ONLINE | Status::VDS_IPS_OFFLINE)
        }
        _ => false,
    }
}

/// ARG-NULL-POINTER: such a call answers E_POINTER, and a call that passed
/// no NULL pointer never does; a CreateTarget whose chosen name is
/// malformed by every reading makes no target.
pub(super) fn arg_null_pointer(h: &History, j: &mut Judgement) {
    for s in h
        .calls
        .iter()
        .filter(|s| s.method == Method::SubSystemCreateTarget)
    {
        let Some(Step::CreateTarget {
            iscsi_name: Some(name),
            ..
        }) = &s.asked
        else {
            continue;
        };
        if name.is_empty() || !clearly_malformed(name) {
            continue;
        }
        j.hit_at(RuleId::ArgNullPointer, s);
        if let Some((hr, at)) = h.answer(s)
            && hr.succeeded()
        {
            j.fail(
                RuleId::ArgNullPointer,
                at,
                format!("CreateTarget with the malformed iSCSI name {name:?} ended {hr}, not E_INVALIDARG"),
            );
        }
    }
    for s in h
        .calls
        .iter()
        .filter(|s| s.hr == HResult::E_POINTER && !passes_null(s))
    {
        j.hit_at(RuleId::ArgNullPointer, s);
        j.fail(
            RuleId::ArgNullPointer,
            s,
            format!(
                "{} answered E_POINTER, but it passed no NULL pointer the method needs ({})",
                s.method, s.args
            ),
        );
    }
    for s in h.calls.iter().filter(|s| passes_null(s)) {
        j.hit_at(RuleId::ArgNullPointer, s);
        // An allocation failure or a restart during the call may come
        // first, and so may VDS_E_NOT_SUPPORTED (the method itself is not
        // supported) where the page lists it (FAILURE-PRECEDENCE); nothing
        // about the object's state may.
        let provider_cause = [
            HResult::E_OUTOFMEMORY,
            HResult::VDS_E_PROVIDER_EXITING,
            HResult::VDS_E_NOT_SUPPORTED,
        ]
        .contains(&s.hr)
            && h.excused(s);
        if s.hr != HResult::E_POINTER && !provider_cause {
            j.fail(
                RuleId::ArgNullPointer,
                s,
                format!(
                    "{} with a NULL pointer ({}) returned {}, not E_POINTER",
                    s.method, s.args, s.hr
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_secret_of_size_zero_is_no_secret_not_a_null_pointer() {
        let m = Method::TargetSetSharedSecret;
        assert!(!null_in(m, "secret=NULL size=0 initiator=None"));
        assert!(null_in(m, "secret=NULL size=8 initiator=None"));
        assert!(!null_in(m, "secret=set initiator=None"));
    }

    #[test]
    fn iscsi_names_are_judged_by_a_grammar_of_the_oracle_s_own() {
        for good in [
            "iqn.1991-05.com.example:t1",
            "iqn.1991-05.com.example",
            "iqn.2001-04.com.example:storage:disk2.sys1.xyz",
            "eui.02004567A425678D",
            "naa.52004567BA64678D",
        ] {
            assert!(clearly_well_formed(good), "{good}");
        }
        for bad in [
            "",
            "iqn.",
            "iqn.1991-13.com.example:t1",
            "iqn.1991-05.Com.Example:t1",
            "iqn.1991-05..com:t1",
            "iqn.1991-05.com.example:t 1",
            "eui.02004567A425678",
            "not-an-iqn",
        ] {
            assert!(!clearly_well_formed(bad), "{bad}");
        }
        assert!(!clearly_well_formed(&format!(
            "iqn.1991-05.com.example:{}",
            "a".repeat(223)
        )));
    }
}
