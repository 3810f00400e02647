//! docs/hresults.md, the table of every HRESULT the contract's allow-lists
//! hold, is the one this test renders from `vds_sim::outcomes` and
//! `HResult::advice`: a code added to an allow-list, or advice reworded,
//! shows here first. `UPDATE_DOCS=1 cargo test --test hresult_table`
//! rewrites the file.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::outcomes;

fn table() -> String {
    let mut codes: Vec<HResult> = outcomes::ANY_METHOD.to_vec();
    for m in Method::ALL {
        codes.extend(outcomes::returns(*m).iter().copied());
    }
    codes.sort_by_key(|c| (c.failed(), c.as_u32()));
    codes.dedup();
    let mut s = String::from(
        "# HRESULTs of the contract\n\n\
         Every code some method's allow-list holds (`vds_sim::outcomes`; rule\n\
         OUTCOME-LISTED), successes first, by value: its name and value, what it\n\
         means, and which methods may return it. `vds-harness explain CODE` says\n\
         the same of one code, with what a caller should do and the profile rules\n\
         that name it. An operation's end (Wait's and QueryStatus's `pHrResult`)\n\
         may be a failure its method could return, or VDS_E_OPERATION_CANCELED.\n\
         A failure is allowed only when what the last column names happened at\n\
         some instant between the call and the answer (rule REFUSAL-WARRANTED).\n\
         This file is written by `harness/tests/hresult_table.rs`.\n\n\
         | Code | Value | Meaning | Methods | Warranted by |\n|---|---|---|---|---|\n",
    );
    for c in codes {
        let methods: Vec<&str> = Method::ALL
            .iter()
            .filter(|m| outcomes::may_return(**m, c))
            .map(|m| m.sdk_name())
            .collect();
        let methods = if methods.len() == Method::ALL.len() {
            "every method".to_string()
        } else {
            methods.join(", ")
        };
        let warrant = Method::ALL
            .iter()
            .find_map(|m| vds_harness::oracle::warrant(*m, c))
            .unwrap_or("—");
        let meaning = c.advice().unwrap_or_else(|| c.family_advice()).meaning;
        let name = c.to_string();
        let name = name.split(" (").next().unwrap_or_default().to_string();
        s.push_str(&format!(
            "| `{name}` | `0x{:08X}` | {meaning} | {methods} | {warrant} |\n",
            c.as_u32()
        ));
    }
    s
}

#[test]
fn the_hresult_table_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/hresults.md");
    let want = table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/hresults.md is out of date: run UPDATE_DOCS=1 cargo test --test hresult_table"
    );
}
