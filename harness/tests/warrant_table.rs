//! REFUSAL-WARRANTED's table, proved against providers it was not written
//! from: for every method and every failure code on its allow-list that
//! needs a warrant, the reference provider answering that code to every call
//! of that method (whatever the situation) is refused by the default suite.
//! Codes a provider may answer at its own choice (VDS_E_NOT_SUPPORTED where
//! its page lists it, VDS_E_CANCEL_TOO_LATE) are left out: no situation
//! makes them wrong.

use std::sync::Arc;

use vds_harness::suite::{SuiteConfig, run};
use vds_sim::outcomes::{ANY_METHOD, returns};
use vds_sim::prelude::*;

/// The reference, answering `code` to every call of `method`.
#[derive(Clone)]
struct Answers {
    method: Method,
    code: HResult,
}

#[async_trait]
impl Wrap for Answers {
    async fn before(&self, method: Method) -> Result<(), HResult> {
        if method == self.method {
            Err(self.code)
        } else {
            Ok(())
        }
    }
}

/// Codes that need no warrant.
fn choice(hr: HResult) -> bool {
    hr == HResult::VDS_E_NOT_SUPPORTED || hr == HResult::VDS_E_CANCEL_TOO_LATE
}

#[test]
fn every_unwarranted_code_on_every_method_is_refused() {
    let mut passed = Vec::new();
    let mut tried = 0;
    for method in Method::ALL {
        let codes = ANY_METHOD.iter().chain(returns(*method));
        for code in codes.filter(|c| c.failed() && !choice(**c)) {
            // Reserved methods answer only VDS_E_NOT_SUPPORTED.
            if returns(*method) == [HResult::VDS_E_NOT_SUPPORTED] {
                continue;
            }
            tried += 1;
            let wrap = Answers {
                method: *method,
                code: *code,
            };
            let name = format!("answers-{code}-to-{method}");
            let f = Arc::new(Wrapped::new(&name, ReferenceFactory::default(), wrap));
            let report = run(&SuiteConfig::new(f).fail_fast(true), &mut |_| {});
            if report.failures.is_empty() {
                passed.push(name);
            }
        }
    }
    assert!(tried > 100, "only {tried} combinations tried");
    assert!(
        passed.is_empty(),
        "{} of {tried} providers answering a code without its warrant passed:\n{}",
        passed.len(),
        passed.join("\n")
    );
}
