//! The HRESULT parsers on arbitrary text: `HResult::parse` (scenario
//! files) and `explain`'s `parse_code` (the command line). Neither may
//! panic, and whatever they accept must survive a round trip through its
//! printed forms.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vds_harness::cli::explain_text;
use vds_harness::cli::parsers::parse_code;
use vds_sim::hresult::HResult;

fn round_trips(hr: HResult) {
    let shown = hr.to_string();
    assert_eq!(HResult::parse(&shown), Some(hr), "Display form {shown:?}");
    let hex = format!("0x{:08X}", hr.as_u32());
    assert_eq!(HResult::parse(&hex), Some(hr), "hex form {hex:?}");
    assert_eq!(
        parse_code(&shown),
        Some(hr),
        "Display form {shown:?} via parse_code"
    );
    // A failure code also reads back as a signed decimal.
    let v = i32::from(hr);
    if v < 0 {
        assert_eq!(parse_code(&v.to_string()), Some(hr), "decimal form {v}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(hr) = HResult::parse(s) {
        round_trips(hr);
    }
    if let Some(hr) = parse_code(s) {
        round_trips(hr);
    }
    let _ = explain_text(s);
});
