//! Behaviour the contract allows, shown passing. Each `scenarios/allowed_*`
//! file is run with the reference and with a control provider that behaves
//! the other way; both pass, and the control is seen to give the answer the
//! file is about (so the file really shows it). Each was once refused by
//! the suite (see the file's comment and rules CALL-WINDOW,
//! FAILURE-PRECEDENCE, REFRESH-WHILE-OPERATIONS, RESTART-ABANDONS-OPERATIONS,
//! CACHE-RECOVERY-SEQUENCE).

use std::path::{Path, PathBuf};

use vds_harness::report::{matrix, summary};
use vds_harness::scenario::Scenario;
use vds_harness::suite::run_scenarios;
use vds_sim::hresult::HResult;
use vds_sim::provider::ReferenceFactory;

fn scenario(name: &str) -> Scenario {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(format!("{name}.yaml"));
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `file` with the reference and with `control`; both must pass, and
/// some run of the control must answer `code` at `client`'s `step`.
fn shows(file: &str, control: &str, client: &str, step: usize, code: HResult) {
    let s = scenario(file);
    let factory = vds_harness::controls::by_name(control).expect("a control");
    for f in [factory.as_ref(), &ReferenceFactory::default()] {
        let (report, _) = run_scenarios(std::slice::from_ref(&s), f, None, &mut |_| {});
        assert!(
            report.conformant(),
            "{file} with {}\n{}\n{}",
            f.name(),
            matrix(&report),
            summary(&report)
        );
    }
    let seen = s.runs().any(|(engine, seed)| {
        s.run(seed, engine, factory.as_ref())
            .outcome
            .steps
            .iter()
            .any(|r| r.client == client && r.step == step && r.hr == code)
    });
    assert!(
        seen,
        "{file}: control:{control} never answered {code} at {client} step {step}"
    );
}

#[test]
fn cache_damage_found_late_in_the_call() {
    let corrupt = HResult::VDS_E_PROVIDER_CACHE_CORRUPT;
    shows("allowed_corrupt_found_late", "slow-start", "c1", 2, corrupt);
}

#[test]
fn busy_for_a_refresh_begun_during_the_call() {
    let busy = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;
    let file = "allowed_busy_refresh_begun_during_call";
    shows(file, "slow-start", "c1", 2, busy);
    shows(file, "late-busy", "c1", 2, busy);
}

#[test]
fn allocation_failure_on_a_query_status() {
    let oom = HResult::E_OUTOFMEMORY;
    shows(
        "allowed_allocation_on_query_status",
        "allocation-first",
        "c1",
        2,
        oom,
    );
}

#[test]
fn allocation_failure_before_a_corrupt_cache() {
    let oom = HResult::E_OUTOFMEMORY;
    shows(
        "allowed_allocation_before_corrupt_cache",
        "allocation-first",
        "c1",
        1,
        oom,
    );
}

#[test]
fn refresh_refused_while_create_target_runs() {
    let busy = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;
    let file = "allowed_refresh_refused_during_create_target";
    shows(file, "provider-lock", "c2", 2, busy);
}

#[test]
fn cancelled_change_of_an_object_deleted_behind_the_back() {
    let canceled = HResult::VDS_E_OPERATION_CANCELED;
    // The reference itself: the operation on the deleted target ends cancelled.
    let s = scenario("cancel_on_deleted");
    let (report, _) = run_scenarios(
        std::slice::from_ref(&s),
        &ReferenceFactory::default(),
        None,
        &mut |_| {},
    );
    assert!(report.conformant(), "{}", summary(&report));
    let seen = s.runs().all(|(engine, seed)| {
        s.run(seed, engine, &ReferenceFactory::default())
            .outcome
            .steps
            .iter()
            .any(|r| r.step == 5 && r.hr_result == Some(canceled))
    });
    assert!(seen, "the Delete's Wait reports {canceled} in every run");
}

#[test]
fn provider_exiting_from_a_create_portal_group_call() {
    let exiting = HResult::VDS_E_PROVIDER_EXITING;
    let file = "allowed_exiting_from_create_portal_group";
    shows(file, "slow-start", "c1", 2, exiting);
}

#[test]
fn two_overlapping_reenumerates_on_a_damaged_cache() {
    let file = "allowed_overlapping_reenumerates";
    shows(file, "queued-rescans", "c2", 2, HResult::S_OK);
}
