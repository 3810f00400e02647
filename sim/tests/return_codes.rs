//! Every row of CreatePortalGroup's return-code table (plus E_INVALIDARG,
//! E_OUTOFMEMORY and a converted Win32 error), each produced by the fault
//! that causes it, on both engines; and the IVdsAsync rules.

use vds_sim::array::{ArrayConfig, InitialTarget};
use vds_sim::faults::{Fault, FaultPlan};
use vds_sim::hresult::{HResult, win32};
use vds_sim::method::Method;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::program::{ClientProgram, Step};
use vds_sim::provider::ReferenceFactory;
use vds_sim::run;
use vds_sim::runtime::EngineKind;
use vds_sim::world::{RunOutcome, StepRecord, WorldConfig};

fn cpg(target: &str) -> Step {
    Step::CreatePortalGroup {
        target: target.into(),
        bind: "op".into(),
    }
}
fn wait() -> Step {
    Step::Wait {
        op: "op".into(),
        bind: None,
    }
}

fn world(array: ArrayConfig, faults: FaultPlan, steps: Vec<Step>) -> WorldConfig {
    WorldConfig::new(11)
        .array(array)
        .faults(faults)
        .client(ClientProgram::new("c1", steps))
}

/// Runs on both engines and checks what every run must satisfy.
fn on_both(cfg: WorldConfig, check: impl Fn(&RunOutcome)) {
    for engine in EngineKind::ALL {
        let out = run(&cfg.clone().engine(engine), &ReferenceFactory::default());
        assert!(
            out.error.is_none(),
            "{engine}: {:?}\n{}",
            out.error,
            out.trace_text()
        );
        assert!(
            out.ledger.balanced(),
            "{engine}: {:?}",
            out.ledger.violations
        );
        check(&out);
    }
}

fn step<'a>(out: &'a RunOutcome, client: &str, n: usize) -> &'a StepRecord {
    out.steps_of(client)
        .into_iter()
        .find(|s| s.step == n)
        .unwrap_or_else(|| {
            panic!(
                "{}: no step {n} of {client}\n{}",
                out.engine,
                out.trace_text()
            )
        })
}

fn t1() -> ArrayConfig {
    ArrayConfig::new().target("t1")
}

#[test]
fn s_ok_creates_a_group_on_the_target() {
    on_both(
        world(t1(), FaultPlan::new(), vec![cpg("t1"), wait()]),
        |out| {
            assert_eq!(step(out, "c1", 1).hr, HResult::S_OK);
            let w = step(out, "c1", 2);
            assert_eq!(w.hr, HResult::S_OK);
            assert_eq!(w.hr_result, Some(HResult::S_OK));
            let output = w.output.as_ref().unwrap();
            assert_eq!(
                output.output_type,
                VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP
            );
            let group = output
                .pointer
                .as_ref()
                .expect("cpg.pPortalGroupUnk is set")
                .object
                .unwrap();
            let probe = w.probe.as_ref().unwrap();
            assert_eq!(probe.target, Some(step(out, "c1", 1).object.unwrap()));
            assert_eq!(out.array.groups[&group].tag, probe.tag.unwrap());
        },
    );
}

#[test]
fn already_exists_at_the_limit_hands_back_an_existing_group() {
    let array = ArrayConfig::new()
        .group_limit(2)
        .initial_target(InitialTarget {
            name: "t1".into(),
            groups: 2,
            luns: 0,
            initiators: vec![],
        });
    on_both(
        world(array, FaultPlan::new(), vec![cpg("t1"), wait()]),
        |out| {
            assert_eq!(step(out, "c1", 1).hr, HResult::VDS_S_ALREADY_EXISTS);
            let w = step(out, "c1", 2);
            assert!(w.hr.succeeded() && w.hr_result.unwrap().succeeded());
            let group = w
                .output
                .as_ref()
                .unwrap()
                .pointer
                .as_ref()
                .unwrap()
                .object
                .unwrap();
            assert!(out.array.groups.contains_key(&group), "an existing group");
            assert_eq!(out.array.groups.len(), 2, "nothing created");
        },
    );
}

#[test]
fn cache_corruption_until_reenumerate_then_refresh() {
    let faults = FaultPlan::new().before_call(1, Fault::CacheCorruption);
    let steps = vec![
        cpg("t1"),
        Step::Refresh,
        Step::Reenumerate,
        cpg("t1"),
        Step::Refresh,
        cpg("t1"),
        wait(),
    ];
    on_both(world(t1(), faults, steps), |out| {
        let codes: Vec<_> = (1..=6).map(|n| step(out, "c1", n).hr).collect();
        assert_eq!(
            codes,
            vec![
                HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
                HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
                HResult::S_OK,
                HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
                HResult::S_OK,
                HResult::S_OK,
            ]
        );
        assert_eq!(step(out, "c1", 7).hr_result, Some(HResult::S_OK));
    });
}

#[test]
fn target_deleted_on_the_array_behind_the_providers_back() {
    let faults = FaultPlan::new().before_call(
        1,
        Fault::DeleteTarget {
            target: "t1".into(),
        },
    );
    on_both(world(t1(), faults, vec![cpg("t1"), cpg("t1")]), |out| {
        assert_eq!(step(out, "c1", 1).hr, HResult::VDS_E_OBJECT_DELETED);
        assert_eq!(step(out, "c1", 2).hr, HResult::VDS_E_OBJECT_DELETED);
    });
}

#[test]
fn target_deleted_by_another_client_through_a_held_pointer() {
    let cfg = WorldConfig::new(3)
        .array(t1())
        .client(ClientProgram::new(
            "c1",
            vec![
                Step::DeleteTarget {
                    target: "t1".into(),
                    bind: "op".into(),
                },
                wait(),
            ],
        ))
        .client(ClientProgram::new(
            "c2",
            vec![Step::Sleep { ms: 500 }, cpg("t1")],
        ));
    on_both(cfg, |out| {
        assert_eq!(step(out, "c1", 2).hr_result, Some(HResult::S_OK));
        assert_eq!(step(out, "c2", 2).hr, HResult::VDS_E_OBJECT_DELETED);
    });
}

#[test]
fn another_call_in_progress_on_the_same_target() {
    on_both(
        world(
            t1(),
            FaultPlan::new(),
            vec![
                cpg("t1"),
                Step::CreatePortalGroup {
                    target: "t1".into(),
                    bind: "op2".into(),
                },
                wait(),
            ],
        ),
        |out| {
            assert_eq!(step(out, "c1", 1).hr, HResult::S_OK);
            assert_eq!(
                step(out, "c1", 2).hr,
                HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS
            );
        },
    );
}

#[test]
fn concurrent_clients_are_serialised() {
    let faults = FaultPlan::new().before_call(
        1,
        Fault::ConcurrentCalls {
            clients: 3,
            target: "t1".into(),
        },
    );
    on_both(
        world(t1(), faults, vec![Step::Sleep { ms: 1 }, cpg("t1"), wait()]),
        |out| {
            let calls: Vec<_> = out
                .steps
                .iter()
                .filter(|s| s.method == Method::TargetCreatePortalGroup)
                .collect();
            assert_eq!(calls.len(), 4);
            let ok = calls.iter().filter(|s| s.hr == HResult::S_OK).count();
            let busy = calls
                .iter()
                .filter(|s| s.hr == HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS)
                .count();
            assert_eq!(ok + busy, 4, "{calls:?}");
            assert!(busy >= 1 && ok >= 1, "{calls:?}");
            assert_eq!(out.array.groups.len(), ok);
        },
    );
}

#[test]
fn invalid_argument_from_the_array() {
    let faults = FaultPlan::new().before_call(1, Fault::InvalidArgument);
    on_both(world(t1(), faults, vec![cpg("t1")]), |out| {
        assert_eq!(step(out, "c1", 1).hr, HResult::E_INVALIDARG);
    });
}

#[test]
fn allocation_failure() {
    let faults = FaultPlan::new().before_call(1, Fault::AllocationFailure);
    on_both(
        world(t1(), faults, vec![cpg("t1"), cpg("t1"), wait()]),
        |out| {
            assert_eq!(step(out, "c1", 1).hr, HResult::E_OUTOFMEMORY);
            assert_eq!(step(out, "c1", 2).hr, HResult::S_OK);
        },
    );
}

#[test]
fn link_partition_gives_a_converted_win32_timeout() {
    let faults = FaultPlan::new().before_call(1, Fault::LinkPartition { duration_ms: 3_000 });
    on_both(
        world(
            t1(),
            faults,
            vec![cpg("t1"), Step::Sleep { ms: 3_000 }, cpg("t1"), wait()],
        ),
        |out| {
            assert_eq!(
                step(out, "c1", 1).hr,
                HResult::from_win32(win32::ERROR_TIMEOUT)
            );
            assert_eq!(step(out, "c1", 3).hr, HResult::S_OK);
            assert_eq!(step(out, "c1", 4).hr_result, Some(HResult::S_OK));
        },
    );
}

#[test]
fn cancel_in_time_then_twice() {
    let steps = vec![
        cpg("t1"),
        Step::Cancel { op: "op".into() },
        Step::Cancel { op: "op".into() },
        wait(),
        Step::QueryStatus { op: "op".into() },
    ];
    on_both(world(t1(), FaultPlan::new(), steps), |out| {
        assert_eq!(step(out, "c1", 2).hr, HResult::S_OK);
        assert_eq!(step(out, "c1", 3).hr, HResult::VDS_E_OPERATION_CANCELED);
        let w = step(out, "c1", 4);
        assert_eq!(w.hr_result, Some(HResult::VDS_E_OPERATION_CANCELED));
        assert!(w.output.as_ref().unwrap().pointer.is_none());
        let q = step(out, "c1", 5);
        assert_eq!(
            (q.hr_result, q.percent),
            (Some(HResult::VDS_E_OPERATION_CANCELED), Some(0))
        );
        assert!(out.array.groups.is_empty());
    });
}

#[test]
fn cancel_too_late_after_commit_and_after_completion() {
    let steps = vec![
        cpg("t1"),
        Step::Sleep { ms: 10 },
        Step::Cancel { op: "op".into() },
        wait(),
        Step::Cancel { op: "op".into() },
    ];
    on_both(world(t1(), FaultPlan::new(), steps), |out| {
        assert_eq!(step(out, "c1", 3).hr, HResult::VDS_E_CANCEL_TOO_LATE);
        assert_eq!(step(out, "c1", 4).hr_result, Some(HResult::S_OK));
        assert_eq!(step(out, "c1", 5).hr, HResult::VDS_E_CANCEL_TOO_LATE);
    });
}

#[test]
fn query_status_is_pending_then_100() {
    let q = || Step::QueryStatus { op: "op".into() };
    let slow = FaultPlan::new().before_call(
        1,
        Fault::SlowOperations {
            factor: 4,
            duration_ms: 10_000,
        },
    );
    let steps = vec![
        cpg("t1"),
        q(),
        Step::Sleep { ms: 30 },
        q(),
        Step::Sleep { ms: 30 },
        q(),
        wait(),
        q(),
    ];
    on_both(world(t1(), slow, steps), |out| {
        let pending: Vec<_> = [2, 4, 6].iter().map(|n| step(out, "c1", *n)).collect();
        let mut last = 0;
        for p in &pending {
            assert_eq!(
                p.hr_result,
                Some(HResult::VDS_E_OPERATION_PENDING),
                "{}",
                out.trace_text()
            );
            let pct = p.percent.unwrap();
            assert!(pct <= 99 && pct >= last);
            last = pct;
        }
        assert!(last > 0, "progress moves");
        let done = step(out, "c1", 8);
        assert_eq!(
            (done.hr_result, done.percent),
            (Some(HResult::S_OK), Some(100))
        );
    });
}
