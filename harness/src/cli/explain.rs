//! `explain`: decodes an HRESULT (name, value, severity, facility, code)
//! and says what a caller should do about it, from the advice beside the
//! contract ([`vds_sim::hresult::advice`]).

use std::fmt::Write;

use vds_sim::hresult::{HResult, win32};
use vds_sim::method::Method;
use vds_sim::outcomes;
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
    let advice = hr.advice().unwrap_or_else(|| hr.family_advice());
    let _ = writeln!(s, "  meaning:   {}", advice.meaning);
    let _ = writeln!(s, "  caller:    {}", advice.action);
    let methods: Vec<Method> = Method::ALL
        .iter()
        .copied()
        .filter(|m| outcomes::may_return(*m, hr))
        .collect();
    match methods.len() {
        0 => {}
        n if n == Method::ALL.len() => {
            let _ = writeln!(s, "  methods:   every method may return it");
        }
        _ => {
            let names: Vec<&str> = methods.iter().map(|m| m.sdk_name()).collect();
            let _ = writeln!(s, "  methods:   {}", names.join(", "));
        }
    }
    if let Some(w) = methods.iter().find_map(|m| crate::oracle::warrant(*m, hr)) {
        let _ = writeln!(s, "  warranted: by {w} (REFUSAL-WARRANTED)");
    }
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
        .map(|r| r.id.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

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
