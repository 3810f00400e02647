//! `checks`, `profile` and `mutants --list`: the catalogues as text.

use std::fmt::Write;

use vds_sim::profile::{Basis, RULES, RuleId};

use crate::checks::{CHECKS, applies_to};
use crate::mutants::MUTANTS;

fn basis(b: Basis) -> &'static str {
    match b {
        Basis::Documented => "documented",
        Basis::Decided => "decided",
    }
}

/// Every check: id, basis, title, and the source of the rule it enforces.
pub fn checks() -> String {
    let mut s = String::new();
    for c in CHECKS {
        let rule = c.rule();
        let _ = writeln!(s, "{:<30} {:<10} {}", c.id, basis(rule.basis), c.title);
        let _ = writeln!(s, "{:<30} {:<10} source: {}", "", "", rule.source);
    }
    let _ = writeln!(s, "{} checks", CHECKS.len());
    s
}

/// The contract profile: every rule with its basis, statement and source.
pub fn profile() -> String {
    let mut s = String::new();
    let documented = RULES
        .iter()
        .filter(|r| r.basis == Basis::Documented)
        .count();
    for r in RULES {
        let checked = if CHECKS.iter().any(|c| c.id == r.id) {
            ", checked"
        } else if r.permission.is_some() {
            ", permission"
        } else {
            ", NOT CHECKED"
        };
        let _ = writeln!(s, "{} [{}{checked}]", r.id, basis(r.basis));
        let _ = writeln!(s, "  {}", r.statement);
        let _ = writeln!(s, "  source: {}", r.source);
        if let Some(why) = r.permission {
            let _ = writeln!(s, "  no check: {why}");
        }
        let methods = applies_to(r.id);
        if !methods.is_empty() {
            let names: Vec<&str> = methods.iter().map(|m| m.sdk_name()).collect();
            let _ = writeln!(s, "  judged at: {}", names.join(", "));
        } else if r.permission.is_none() {
            let _ = writeln!(s, "  judged at: the run as a whole");
        }
        let situations = crate::checks::applies_in(r.id);
        if !situations.is_empty() {
            let names: Vec<String> = situations.iter().map(|x| x.to_string()).collect();
            let _ = writeln!(s, "  judged in: {}", names.join(", "));
        }
        if let Some(fault) = CHECKS.iter().find(|c| c.id == r.id).and_then(|c| c.needs) {
            let _ = writeln!(s, "  exercised only under the provider fault {fault:?}");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "`judged at` names the methods whose calls a rule is judged on (for an operation, its Wait, QueryStatus and Cancel too); `judged in` names the situations it must also be judged in (plain: nothing unusual; deleted: the object or its target deleted on the array; fault K: a fault of kind K fired while the call or its operation was under way, a cache corruption until a Refresh cures it); `vds-harness coverage` counts the runs that reached each."
    );
    declarations(&mut s);
    answers(&mut s);
    let _ = writeln!(
        s,
        "{} rules: {documented} documented, {} decided",
        RULES.len(),
        RULES.len() - documented
    );
    s
}

/// What a provider may declare of its design, and the defaults.
fn declarations(s: &mut String) {
    use vds_sim::provider::declaration::{Declaration, LockDomain};
    let _ = writeln!(
        s,
        "DECLARATIONS (ProviderFactory::declaration, or `hello_ok` for a provider in another process; judged by BUSY-IN-DOMAIN, REFRESH-WHILE-OPERATIONS and DECLARATION-KEPT)"
    );
    let _ = writeln!(
        s,
        "  lock_domain: which calls an operation in flight holds busy, and which operations never run at once"
    );
    for d in LockDomain::ALL {
        let what = match d {
            LockDomain::Target => "an operation holds its target (and the target's groups)",
            LockDomain::Subsystem => "an operation holds its subsystem, CreateTarget included",
            LockDomain::Provider => "one operation at a time in the whole provider",
        };
        let default = if d == LockDomain::default() {
            " (default)"
        } else {
            ""
        };
        let _ = writeln!(s, "    {d}{default}: {what}");
    }
    let _ = writeln!(
        s,
        "  refresh_alongside: whether Reenumerate and Refresh run while operations are in flight"
    );
    let _ = writeln!(
        s,
        "    false (default): they answer VDS_E_ANOTHER_CALL_IN_PROGRESS meanwhile, or wait"
    );
    let _ = writeln!(
        s,
        "    true: they run alongside, and calls are not refused as busy because of them"
    );
    let _ = writeln!(
        s,
        "  not_supported: methods never carried out, each answering VDS_E_NOT_SUPPORTED (Cancel also VDS_E_CANCEL_TOO_LATE), never success; their cells are not required"
    );
    let _ = writeln!(s, "    may be: {}", Declaration::may_decline());
    let _ = writeln!(
        s,
        "  operations_end_in_call: every operation has ended when the call that starts it returns (never pending after it, never canceled); the cells of a pending operation are not required"
    );
    let _ = writeln!(s, "  undeclared: {}", Declaration::default());
    let _ = writeln!(s);
}

/// Per method, the codes OUTCOME-LISTED allows, and what its operation may end with.
fn answers(s: &mut String) {
    use vds_sim::hresult::HResult;
    use vds_sim::method::Method;
    use vds_sim::outcomes::{ANY_METHOD, returns};
    let names = |codes: &mut dyn Iterator<Item = HResult>| {
        codes.map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
    };
    let _ = writeln!(
        s,
        "ALLOWED ANSWERS (OUTCOME-LISTED; when each is warranted is REFUSAL-WARRANTED's and the rules above; an answer is judged at any instant between call and return, CALL-WINDOW; several causes at once may be answered in any order, FAILURE-PRECEDENCE)"
    );
    let _ = writeln!(
        s,
        "  every method: {}",
        names(&mut ANY_METHOD.iter().copied())
    );
    for &m in Method::ALL {
        let _ = writeln!(
            s,
            "  {}: {}",
            m.sdk_name(),
            names(&mut returns(m).iter().copied())
        );
        if m.is_async() {
            let ends = operation_ends(m);
            let _ = writeln!(
                s,
                "    its operation ends (Wait's pHrResult): {}",
                names(&mut ends.into_iter())
            );
        }
    }
    let _ = writeln!(s);
}

/// What an operation `m` starts may end with (Wait's pHrResult), when the
/// call itself returned S_OK.
fn operation_ends(m: vds_sim::method::Method) -> Vec<vds_sim::hresult::HResult> {
    use vds_sim::hresult::HResult;
    use vds_sim::outcomes::may_end_with;
    let mut ends: Vec<HResult> = vec![HResult::S_OK];
    ends.extend(
        [HResult::VDS_S_ALREADY_EXISTS]
            .into_iter()
            .filter(|&c| may_end_with(m, HResult::S_OK, c)),
    );
    ends.extend(
        vds_sim::hresult::KNOWN
            .iter()
            .map(|&(_, c)| c)
            .chain([vds_sim::outcomes::TIMEOUT])
            .filter(|c| c.failed() && may_end_with(m, HResult::S_OK, *c)),
    );
    ends
}

/// What no reading of RFC 3720 could call a malformed iSCSI name (the
/// oracle's grammar; a provider may refuse anything else as E_INVALIDARG).
const ISCSI_NAME_GRAMMAR: &str = "`iqn.YYYY-MM.` and a reversed domain name, optionally `:` and more, in lower case; or `eui.` and 16 hexadecimal digits; or `naa.` and 16 or 32 hexadecimal digits; at most 223 bytes. A name outside this may be refused with E_INVALIDARG or taken. A NULL or empty name for CreateTarget asks the provider to choose one.";

/// The profile as one JSON document (`profile --format json`; schema in
/// `docs/profile.schema.json`): every rule with where and when it is
/// judged, every method's allowed answers with the warrant of each
/// failure, the declarations, the fault kinds and the iSCSI name grammar.
pub fn profile_json() -> serde_json::Value {
    use serde_json::json;
    use vds_sim::hresult::HResult;
    use vds_sim::method::Method;
    use vds_sim::outcomes::{ANY_METHOD, returns};
    use vds_sim::provider::declaration::{Declaration, LockDomain};
    let code = |m: Option<Method>, c: HResult| {
        let name = c.to_string();
        let name = name.split(" (").next().unwrap_or_default().to_string();
        let warrant = m.and_then(|m| crate::oracle::warrant(m, c)).or_else(|| {
            Method::ALL
                .iter()
                .find_map(|m| crate::oracle::warrant(*m, c))
        });
        json!({"code": name, "value": format!("0x{:08X}", c.as_u32()), "warranted_by": warrant})
    };
    let rules: Vec<_> = RULES
        .iter()
        .map(|r| {
            let check = CHECKS.iter().find(|c| c.id == r.id);
            json!({
                "id": r.id.to_string(),
                "basis": basis(r.basis),
                "kind": if check.is_some() { "check" } else if r.permission.is_some() { "permission" } else { "unchecked" },
                "statement": r.statement,
                "source": r.source,
                "no_check_because": r.permission,
                "judged_at": applies_to(r.id).iter().map(|m| m.sdk_name()).collect::<Vec<_>>(),
                "judged_in": crate::checks::applies_in(r.id).iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                "needs_fault": check.and_then(|c| c.needs).map(|f| format!("{f:?}")),
            })
        })
        .collect();
    let methods: Vec<_> = Method::ALL
        .iter()
        .map(|&m| {
            json!({
                "method": m.sdk_name(),
                "returns": returns(m).iter().map(|&c| code(Some(m), c)).collect::<Vec<_>>(),
                "operation_ends_with": m.is_async().then(|| {
                    operation_ends(m).into_iter().map(|c| code(Some(m), c)).collect::<Vec<_>>()
                }),
            })
        })
        .collect();
    json!({
        "tool": "vds-harness",
        "version": env!("CARGO_PKG_VERSION"),
        "time_rule": RuleId::CallWindow.as_str(),
        "precedence_rule": RuleId::FailurePrecedence.as_str(),
        "rules": rules,
        "any_method": ANY_METHOD.iter().map(|&c| code(None, c)).collect::<Vec<_>>(),
        "methods": methods,
        "declarations": {
            "lock_domain": {
                "values": LockDomain::ALL.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                "default": LockDomain::default().to_string(),
            },
            "refresh_alongside": {"default": Declaration::default().refresh_alongside},
            "not_supported": {
                "values": Declaration::may_decline(),
                "default": Declaration::default().not_supported,
            },
            "operations_end_in_call": {"default": Declaration::default().operations_end_in_call},
        },
        "fault_kinds": vds_sim::faults::FaultKind::ALL.iter().map(|k| json!({
            "kind": k.name(),
            "provider_side": k.provider_side().is_some(),
        })).collect::<Vec<_>>(),
        "iscsi_name_grammar": ISCSI_NAME_GRAMMAR,
    })
}

/// `vds-harness profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    /// `text` for people; `json` for tools (schema: docs/profile.schema.json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// How `profile` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people.
    Text,
    /// One JSON document.
    Json,
}

/// One control per line: its name (as in `--provider control:NAME`), what
/// its design is, and what it declares.
pub fn control_list() -> String {
    let mut s = String::new();
    for d in crate::controls::all() {
        let _ = writeln!(s, "{:<20} {} ({})", d.name, d.about, d.declaration());
    }
    s
}

/// One mutant per line: its name (as in `--provider mutant:NAME`), then what it breaks.
pub fn mutant_list() -> String {
    let mut s = String::new();
    for m in MUTANTS {
        let _ = writeln!(s, "{:<28} {}", m.name(), m.description);
    }
    s
}
