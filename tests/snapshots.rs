//! insta YAML snapshots that pin the `VDS_ASYNC_OUTPUT` payloads the
//! reference provider hands back, one snapshot per scenario and seed, stored
//! in the top-level `snapshots/` directory.
//!
//! Every scenario runs on both engines. The document built from each run
//! leaves the engine out, so when madsim and turmoil agree (ids come from the
//! seed, and no timings are pinned) one snapshot covers both and says so in
//! its `engines` field; a scenario whose engines legitimately differ is marked
//! `per_engine` and gets one snapshot per engine (`...__madsim`, `...__turmoil`).
//!
//! Review and update: `INSTA_UPDATE=always cargo test --test snapshots` writes
//! the `.snap` files directly; under `CI=true` nothing is written and a
//! missing or changed snapshot fails the test.

use serde::Serialize;
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

/// The seeds every scenario is pinned for.
const SEEDS: [u64; 2] = [1, 42];

/// The one client every scenario uses.
const CLIENT: &str = "c1";

/// The portal the portal scenarios add and remove.
const PORTAL: &str = "10.0.0.1:3260";

// ---------------------------------------------------------------------------
// The documents the snapshots hold.
// ---------------------------------------------------------------------------

/// One snapshot: a scenario, a seed, the call that starts the operation and
/// what Wait made of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct Doc {
    /// The scenario's name (also the snapshot name's first part).
    scenario: &'static str,
    /// The run's seed.
    seed: u64,
    /// The engines this document holds for.
    engines: Vec<&'static str>,
    /// The call that starts the asynchronous operation.
    call: CallDoc,
    /// What `IVdsAsync::Wait` returned, or why there is no Wait.
    wait: WaitDoc,
}

/// The call that starts the operation.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct CallDoc {
    /// `Interface::Method`.
    method: &'static str,
    /// The object it was called on (the subsystem, target or portal group).
    object: Option<String>,
    /// The call's own HRESULT.
    hr: String,
    /// Whether `*ppAsync` came back (non-NULL): exactly when the call succeeded.
    async_object: bool,
}

/// Wait's results, or the statement that there is none.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
enum WaitDoc {
    /// Wait ran.
    Ran(Box<WaitRan>),
    /// The call failed, so there was no async object to Wait on.
    NoAsyncObject(&'static str),
}

/// What Wait returned.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct WaitRan {
    /// Wait's own HRESULT.
    hr: String,
    /// `*pHrResult`: the operation's result.
    hr_result: String,
    /// `*pAsyncOut`.
    output: OutputDoc,
}

/// `VDS_ASYNC_OUTPUT` as Wait filled it in.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct OutputDoc {
    /// The `type` member's SDK name.
    #[serde(rename = "type")]
    type_name: &'static str,
    /// The `type` member's value.
    type_value: i32,
    /// The union member `type` selects: `cpg.pPortalGroupUnk`, `ct.pTargetUnk`,
    /// or none for the empty arms.
    union_member: &'static str,
    /// Whether that member's pointer is NULL (null for the empty arms, which have no pointer).
    pointer_is_null: Option<bool>,
    /// The interface the pointer is typed as, if it is not NULL.
    pointer_interface: Option<&'static str>,
    /// The object the provider says the pointer refers to, if it is not NULL.
    pointer_object: Option<String>,
    /// What the object behind the pointer says of itself, if there is one.
    points_to: Option<PointsTo>,
}

/// What the object behind a non-NULL pointer says of itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PointsTo {
    /// `cpg.pPortalGroupUnk`: `IVdsIscsiPortalGroup::GetProperties` and `GetTarget`.
    PortalGroup {
        /// GetProperties's HRESULT.
        properties_hr: String,
        /// `VDS_ISCSI_PORTALGROUP_PROP::id`.
        id: Option<String>,
        /// `VDS_ISCSI_PORTALGROUP_PROP::tag`.
        tag: Option<u16>,
        /// GetTarget's HRESULT.
        target_hr: String,
        /// The id of the target GetTarget handed back.
        target: Option<String>,
    },
    /// `ct.pTargetUnk`: `IVdsIscsiTarget::GetProperties`.
    Target {
        /// GetProperties's HRESULT.
        properties_hr: String,
        /// `VDS_ISCSI_TARGET_PROP::id`.
        id: Option<String>,
        /// `VDS_ISCSI_TARGET_PROP::pwszIscsiName`.
        iscsi_name: Option<String>,
        /// `VDS_ISCSI_TARGET_PROP::pwszFriendlyName`.
        friendly_name: Option<String>,
        /// `VDS_ISCSI_TARGET_PROP::bChapEnabled`.
        chap_enabled: Option<bool>,
    },
}

/// The union member a `type` selects (SDK `vdscmmn.idl`), as far as the
/// iSCSI operations go; every other iSCSI type has the empty default arm.
fn union_member(t: VDS_ASYNC_OUTPUT_TYPE) -> Option<&'static str> {
    match t {
        VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP => Some("cpg.pPortalGroupUnk"),
        VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATETARGET => Some("ct.pTargetUnk"),
        _ => None,
    }
}

const EMPTY_ARM: &str = "none (empty arm)";

// ---------------------------------------------------------------------------
// The scenarios.
// ---------------------------------------------------------------------------

/// One scenario: a world, the step that starts the operation under test, the
/// Wait on it, and the codes the scenario exists to show.
struct Scenario {
    /// Its name, used in the snapshot file name.
    name: &'static str,
    /// What it shows (the snapshot's description).
    about: &'static str,
    /// The array.
    array: fn() -> ArrayConfig,
    /// The faults.
    faults: fn() -> FaultPlan,
    /// The client's program.
    steps: fn() -> Vec<Step>,
    /// The step that starts the operation under test.
    call_step: usize,
    /// The step that Waits on it (skipped when the call fails).
    wait_step: usize,
    /// The call's expected HRESULT.
    call_hr: HResult,
    /// Wait's expected `*pHrResult`, or none when the call fails.
    hr_result: Option<HResult>,
    /// The expected output type, when Wait runs.
    output_type: Option<VDS_ASYNC_OUTPUT_TYPE>,
    /// True if the engines legitimately differ: one snapshot per engine.
    per_engine: bool,
}

fn t1() -> ArrayConfig {
    ArrayConfig::new().target("t1")
}

fn t1_with_portal() -> ArrayConfig {
    ArrayConfig::new().target("t1").portal("10.0.0.1", 3260)
}

fn t1_at_limit() -> ArrayConfig {
    ArrayConfig::new()
        .group_limit(2)
        .initial_target(InitialTarget {
            name: "t1".into(),
            groups: 2,
            luns: 0,
            initiators: vec![],
        })
}

fn no_faults() -> FaultPlan {
    FaultPlan::new()
}

fn cpg_then_wait() -> Vec<Step> {
    vec![Step::cpg("t1", "op"), Step::wait("op")]
}

fn scenarios() -> Vec<Scenario> {
    use VDS_ASYNC_OUTPUT_TYPE as T;
    let timeout = HResult::from_win32(win32::ERROR_TIMEOUT);
    let call_failed = |name, about, faults: fn() -> FaultPlan, hr| Scenario {
        name,
        about,
        array: t1,
        faults,
        steps: cpg_then_wait,
        call_step: 1,
        wait_step: 2,
        call_hr: hr,
        hr_result: None,
        output_type: None,
        per_engine: false,
    };
    vec![
        // ---- the success path of every asynchronous operation ----
        Scenario {
            name: "create_target__s_ok",
            about: "IVdsSubSystemIscsi::CreateTarget (provider-chosen iSCSI name), then Wait: \
                    VDS_ASYNCOUT_CREATETARGET with the new target in ct.pTargetUnk",
            array: ArrayConfig::new,
            faults: no_faults,
            steps: || {
                vec![
                    Step::CreateTarget {
                        iscsi_name: None,
                        friendly_name: "t-new".into(),
                        bind: "op".into(),
                    },
                    Step::wait("op"),
                ]
            },
            call_step: 1,
            wait_step: 2,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::S_OK),
            output_type: Some(T::VDS_ASYNCOUT_CREATETARGET),
            per_engine: false,
        },
        Scenario {
            name: "create_portal_group__s_ok",
            about: "IVdsIscsiTarget::CreatePortalGroup on t1, then Wait: \
                    VDS_ASYNCOUT_CREATEPORTALGROUP with the new group in cpg.pPortalGroupUnk",
            array: t1,
            faults: no_faults,
            steps: cpg_then_wait,
            call_step: 1,
            wait_step: 2,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::S_OK),
            output_type: Some(T::VDS_ASYNCOUT_CREATEPORTALGROUP),
            per_engine: false,
        },
        Scenario {
            name: "delete_target__s_ok",
            about: "IVdsIscsiTarget::Delete on t1, then Wait: VDS_ASYNCOUT_DELETETARGET, empty arm",
            array: t1,
            faults: no_faults,
            steps: || {
                vec![
                    Step::DeleteTarget {
                        target: "t1".into(),
                        bind: "op".into(),
                    },
                    Step::wait("op"),
                ]
            },
            call_step: 1,
            wait_step: 2,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::S_OK),
            output_type: Some(T::VDS_ASYNCOUT_DELETETARGET),
            per_engine: false,
        },
        Scenario {
            name: "add_portal__s_ok",
            about: "a new portal group g on t1, then IVdsIscsiPortalGroup::AddPortal(10.0.0.1:3260) \
                    on g, then Wait: VDS_ASYNCOUT_ADDPORTAL, empty arm",
            array: t1_with_portal,
            faults: no_faults,
            steps: || {
                vec![
                    Step::cpg("t1", "create"),
                    Step::wait_as("create", "g"),
                    Step::AddPortal {
                        group: "g".into(),
                        portal: PORTAL.into(),
                        bind: "op".into(),
                    },
                    Step::wait("op"),
                    Step::release("g"),
                ]
            },
            call_step: 3,
            wait_step: 4,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::S_OK),
            output_type: Some(T::VDS_ASYNCOUT_ADDPORTAL),
            per_engine: false,
        },
        Scenario {
            name: "remove_portal__s_ok",
            about: "a new portal group g on t1 holding 10.0.0.1:3260, then \
                    IVdsIscsiPortalGroup::RemovePortal of it, then Wait: VDS_ASYNCOUT_REMOVEPORTAL, \
                    empty arm",
            array: t1_with_portal,
            faults: no_faults,
            steps: || {
                vec![
                    Step::cpg("t1", "create"),
                    Step::wait_as("create", "g"),
                    Step::AddPortal {
                        group: "g".into(),
                        portal: PORTAL.into(),
                        bind: "add".into(),
                    },
                    Step::wait("add"),
                    Step::RemovePortal {
                        group: "g".into(),
                        portal: PORTAL.into(),
                        bind: "op".into(),
                    },
                    Step::wait("op"),
                    Step::release("g"),
                ]
            },
            call_step: 5,
            wait_step: 6,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::S_OK),
            output_type: Some(T::VDS_ASYNCOUT_REMOVEPORTAL),
            per_engine: false,
        },
        Scenario {
            name: "delete_portal_group__s_ok",
            about: "a new portal group g on t1, then IVdsIscsiPortalGroup::Delete on g, then Wait: \
                    VDS_ASYNCOUT_DELETEPORTALGROUP, empty arm",
            array: t1,
            faults: no_faults,
            steps: || {
                vec![
                    Step::cpg("t1", "create"),
                    Step::wait_as("create", "g"),
                    Step::DeletePortalGroup {
                        group: "g".into(),
                        bind: "op".into(),
                    },
                    Step::wait("op"),
                    Step::release("g"),
                ]
            },
            call_step: 3,
            wait_step: 4,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::S_OK),
            output_type: Some(T::VDS_ASYNCOUT_DELETEPORTALGROUP),
            per_engine: false,
        },
        // ---- CreatePortalGroup: VDS_S_ALREADY_EXISTS ----
        Scenario {
            name: "create_portal_group__already_exists",
            about: "t1 already has its limit of 2 groups: CreatePortalGroup returns the success \
                    code VDS_S_ALREADY_EXISTS, and Wait hands back an existing group (the lowest \
                    tag) in cpg.pPortalGroupUnk",
            array: t1_at_limit,
            faults: no_faults,
            steps: cpg_then_wait,
            call_step: 1,
            wait_step: 2,
            call_hr: HResult::VDS_S_ALREADY_EXISTS,
            hr_result: Some(HResult::VDS_S_ALREADY_EXISTS),
            output_type: Some(T::VDS_ASYNCOUT_CREATEPORTALGROUP),
            per_engine: false,
        },
        // ---- CreatePortalGroup: the call itself fails, no async object ----
        call_failed(
            "create_portal_group__provider_cache_corrupt",
            "fault cache_corruption before the call: CreatePortalGroup fails with \
             VDS_E_PROVIDER_CACHE_CORRUPT; no IVdsAsync, so no output",
            || FaultPlan::new().before_call(1, Fault::CacheCorruption),
            HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
        ),
        call_failed(
            "create_portal_group__object_deleted",
            "fault delete_target (t1 deleted on the array behind the provider's back) before \
             the call: CreatePortalGroup fails with VDS_E_OBJECT_DELETED; no IVdsAsync, so no \
             output",
            || {
                FaultPlan::new().before_call(
                    1,
                    Fault::DeleteTarget {
                        target: "t1".into(),
                    },
                )
            },
            HResult::VDS_E_OBJECT_DELETED,
        ),
        Scenario {
            name: "create_portal_group__another_call_in_progress",
            about: "a second CreatePortalGroup on t1 while the first is in flight fails with \
                    VDS_E_ANOTHER_CALL_IN_PROGRESS; no IVdsAsync for it, so no output",
            array: t1,
            faults: no_faults,
            steps: || {
                vec![
                    Step::cpg("t1", "first"),
                    Step::cpg("t1", "op"),
                    Step::wait("op"),
                    Step::wait("first"),
                ]
            },
            call_step: 2,
            wait_step: 3,
            call_hr: HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS,
            hr_result: None,
            output_type: None,
            per_engine: false,
        },
        call_failed(
            "create_portal_group__invalid_argument",
            "fault invalid_argument (the array refuses the request as malformed) before the \
             call: CreatePortalGroup fails with E_INVALIDARG; no IVdsAsync, so no output",
            || FaultPlan::new().before_call(1, Fault::InvalidArgument),
            HResult::E_INVALIDARG,
        ),
        call_failed(
            "create_portal_group__out_of_memory",
            "fault allocation_failure before the call: CreatePortalGroup fails with \
             E_OUTOFMEMORY; no IVdsAsync, so no output",
            || FaultPlan::new().before_call(1, Fault::AllocationFailure),
            HResult::E_OUTOFMEMORY,
        ),
        call_failed(
            "create_portal_group__win32_timeout",
            "fault link_partition (3 s) before the call: CreatePortalGroup fails with \
             HRESULT_FROM_WIN32(ERROR_TIMEOUT); no IVdsAsync, so no output",
            || FaultPlan::new().before_call(1, Fault::LinkPartition { duration_ms: 3_000 }),
            timeout,
        ),
        // ---- CreatePortalGroup: the operation fails, Wait shows a NULL pointer ----
        Scenario {
            name: "create_portal_group__canceled",
            about: "CreatePortalGroup, then IVdsAsync::Cancel at once (inside the provider's \
                    cancel window): Wait succeeds with pHrResult VDS_E_OPERATION_CANCELED, type \
                    VDS_ASYNCOUT_CREATEPORTALGROUP and a NULL cpg.pPortalGroupUnk",
            array: t1,
            faults: no_faults,
            steps: || {
                vec![
                    Step::cpg("t1", "op"),
                    Step::Cancel { op: "op".into() },
                    Step::wait("op"),
                ]
            },
            call_step: 1,
            wait_step: 3,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::VDS_E_OPERATION_CANCELED),
            output_type: Some(T::VDS_ASYNCOUT_CREATEPORTALGROUP),
            per_engine: false,
        },
        Scenario {
            name: "create_portal_group__provider_exiting_before_commit",
            about: "fault provider_restart just before the Wait, while the operation still waits \
                    in the provider (not yet sent to the array): pHrResult \
                    VDS_E_PROVIDER_EXITING, NULL cpg.pPortalGroupUnk",
            array: t1,
            faults: || FaultPlan::new().before_call(2, Fault::ProviderRestart),
            steps: cpg_then_wait,
            call_step: 1,
            wait_step: 2,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::VDS_E_PROVIDER_EXITING),
            output_type: Some(T::VDS_ASYNCOUT_CREATEPORTALGROUP),
            per_engine: false,
        },
        Scenario {
            name: "create_portal_group__provider_exiting_after_commit",
            about: "fault provider_restart just before the Wait, 10 ms after the call, while the \
                    request is on the array: pHrResult VDS_E_PROVIDER_EXITING, NULL \
                    cpg.pPortalGroupUnk",
            array: t1,
            faults: || FaultPlan::new().before_call(2, Fault::ProviderRestart),
            steps: || {
                vec![
                    Step::cpg("t1", "op"),
                    Step::Sleep { ms: 10 },
                    Step::wait("op"),
                ]
            },
            call_step: 1,
            wait_step: 3,
            call_hr: HResult::S_OK,
            hr_result: Some(HResult::VDS_E_PROVIDER_EXITING),
            output_type: Some(T::VDS_ASYNCOUT_CREATEPORTALGROUP),
            per_engine: false,
        },
    ]
}

// ---------------------------------------------------------------------------
// Running a scenario and building its document.
// ---------------------------------------------------------------------------

fn id_text(id: Option<vds_sim::props::VDS_OBJECT_ID>) -> Option<String> {
    id.map(|id| id.to_string())
}

fn step_of(out: &RunOutcome, n: usize) -> Option<&StepRecord> {
    out.steps_of(CLIENT).into_iter().find(|s| s.step == n)
}

fn context(sc: &Scenario, out: &RunOutcome) -> String {
    format!(
        "scenario {} seed {} engine {}\n{}",
        sc.name,
        out.seed,
        out.engine,
        out.trace_text()
    )
}

fn run_scenario(sc: &Scenario, seed: u64, engine: EngineKind) -> RunOutcome {
    let cfg = WorldConfig::new(seed)
        .engine(engine)
        .array((sc.array)())
        .faults((sc.faults)())
        .client(ClientProgram::new(CLIENT, (sc.steps)()));
    run(&cfg, &ReferenceFactory::default())
}

/// The document of one run, with `engines` left empty; checks on the way
/// that the run is what the scenario says it is.
fn document(sc: &Scenario, out: &RunOutcome) -> Doc {
    let ctx = || context(sc, out);
    assert!(out.error.is_none(), "{:?}\n{}", out.error, ctx());
    let call = step_of(out, sc.call_step)
        .unwrap_or_else(|| panic!("no record of step {}\n{}", sc.call_step, ctx()));
    assert_eq!(call.hr, sc.call_hr, "the call's HRESULT\n{}", ctx());
    let call_doc = CallDoc {
        method: call.method.sdk_name(),
        object: id_text(call.object),
        hr: call.hr.to_string(),
        async_object: call.hr.succeeded(),
    };
    let wait = step_of(out, sc.wait_step);
    let wait_doc = match (sc.hr_result, wait) {
        (None, None) => {
            // The Wait step was skipped: the failed call bound nothing.
            let skipped = format!(
                "\"ev\":\"skip\",\"client\":\"{CLIENT}\",\"step\":{}",
                sc.wait_step
            );
            assert!(
                out.trace.iter().any(|l| l.to_string().contains(&skipped)),
                "the Wait should have been skipped\n{}",
                ctx()
            );
            WaitDoc::NoAsyncObject(
                "none: the call failed, *ppAsync is NULL, so there is no IVdsAsync to Wait on \
                 and no VDS_ASYNC_OUTPUT",
            )
        }
        (Some(expected), Some(w)) => {
            assert_eq!(w.method, Method::AsyncWait, "{}", ctx());
            // StepRecord::origin is not filled in by the sim yet; check it when it is.
            if let Some(origin) = &w.origin {
                assert_eq!(origin.step, sc.call_step, "the Wait's origin\n{}", ctx());
            }
            assert_eq!(w.hr_result, Some(expected), "pHrResult\n{}", ctx());
            WaitDoc::Ran(Box::new(wait_ran(sc, out, w)))
        }
        (expected, w) => panic!(
            "expected pHrResult {expected:?}, Wait record {:?}\n{}",
            w.map(|w| (w.hr, w.hr_result)),
            ctx()
        ),
    };
    Doc {
        scenario: sc.name,
        seed: out.seed,
        engines: Vec::new(),
        call: call_doc,
        wait: wait_doc,
    }
}

fn wait_ran(sc: &Scenario, out: &RunOutcome, w: &StepRecord) -> WaitRan {
    let ctx = || context(sc, out);
    let output = w
        .output
        .as_ref()
        .unwrap_or_else(|| panic!("Wait returned no output record\n{}", ctx()));
    let t = output.output_type;
    assert_eq!(Some(t), sc.output_type, "output type\n{}", ctx());
    let member = union_member(t);
    if let Some(p) = &output.pointer {
        assert_eq!(
            Some(p.field),
            member,
            "the pointer sits in the arm type selects"
        );
    }
    let failed = w.hr.failed() || w.hr_result.is_none_or(HResult::failed);
    if failed {
        assert!(
            output.pointer.is_none(),
            "a failed Wait has NULL pointers\n{}",
            ctx()
        );
    }
    let points_to = if let Some(p) = &w.probe {
        Some(PointsTo::PortalGroup {
            properties_hr: p.properties_hr.to_string(),
            id: id_text(p.id),
            tag: p.tag,
            target_hr: p.target_hr.to_string(),
            target: id_text(p.target),
        })
    } else {
        w.target_probe.as_ref().map(|p| PointsTo::Target {
            properties_hr: p.hr.to_string(),
            id: id_text(p.properties.as_ref().map(|t| t.id)),
            iscsi_name: p.properties.as_ref().map(|t| t.pwszIscsiName.clone()),
            friendly_name: p.properties.as_ref().map(|t| t.pwszFriendlyName.clone()),
            chap_enabled: p.properties.as_ref().map(|t| t.bChapEnabled),
        })
    };
    assert_eq!(
        points_to.is_some(),
        output.pointer.is_some(),
        "a non-NULL pointer is probed\n{}",
        ctx()
    );
    WaitRan {
        hr: w.hr.to_string(),
        hr_result: w
            .hr_result
            .map_or_else(|| "none".to_string(), |hr| hr.to_string()),
        output: OutputDoc {
            type_name: t.name(),
            type_value: t.value(),
            union_member: member.unwrap_or(EMPTY_ARM),
            pointer_is_null: member.map(|_| output.pointer.is_none()),
            pointer_interface: output.pointer.as_ref().map(|p| p.interface),
            pointer_object: output.pointer.as_ref().and_then(|p| id_text(p.object)),
            points_to,
        },
    }
}

fn assert_doc(sc: &Scenario, snapshot_name: &str, doc: &Doc) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(sc.about);
    settings.bind(|| insta::assert_yaml_snapshot!(snapshot_name, doc));
}

#[test]
fn async_output_snapshots() {
    let scenarios = scenarios();
    let mut names = std::collections::BTreeSet::new();
    for sc in &scenarios {
        assert!(names.insert(sc.name), "duplicate scenario {}", sc.name);
        for seed in SEEDS {
            let docs: Vec<(EngineKind, Doc)> = EngineKind::ALL
                .iter()
                .map(|&engine| {
                    let out = run_scenario(sc, seed, engine);
                    (engine, document(sc, &out))
                })
                .collect();
            if sc.per_engine {
                for (engine, mut doc) in docs {
                    doc.engines = vec![engine.name()];
                    assert_doc(sc, &format!("{}__seed{seed}__{engine}", sc.name), &doc);
                }
            } else {
                let (first_engine, first) = &docs[0];
                for (engine, doc) in &docs[1..] {
                    assert_eq!(
                        first, doc,
                        "{}, seed {seed}: {first_engine} and {engine} disagree; if that is \
                         legitimate, mark the scenario per_engine",
                        sc.name
                    );
                }
                let mut doc = first.clone();
                doc.engines = docs.iter().map(|(e, _)| e.name()).collect();
                assert_doc(sc, &format!("{}__seed{seed}", sc.name), &doc);
            }
        }
    }
}

/// Every snapshot file in `snapshots/` belongs to a scenario and seed (so a
/// renamed scenario does not leave a stale file behind), and no `.snap.new`
/// is lying around.
#[test]
fn no_stale_or_pending_snapshots() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots");
    let mut expected = std::collections::BTreeSet::new();
    for sc in scenarios() {
        for seed in SEEDS {
            if sc.per_engine {
                for engine in EngineKind::ALL {
                    expected.insert(format!("{}__seed{seed}__{engine}.snap", sc.name));
                }
            } else {
                expected.insert(format!("{}__seed{seed}.snap", sc.name));
            }
        }
    }
    expected.insert(format!("{TRACE_DIGESTS}.snap"));
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    for entry in entries {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        assert!(
            !name.contains(".snap.new"),
            "{dir}/{name}: a pending snapshot; review it and remove it"
        );
        assert!(
            expected.contains(name.as_ref()),
            "{dir}/{name}: no scenario produces this snapshot; remove it"
        );
    }
}

/// The snapshot that pins every campaign's trace, by digest.
const TRACE_DIGESTS: &str = "trace_digests";

/// FNV-1a of the trace text: stable across processes, builds and machines.
fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Pins the trace of every campaign for a few seeds on both engines, so
/// that a trace that changes between processes, build profiles or machines
/// (or by an unreviewed change) fails here. Review a deliberate change with
/// `cargo insta review`.
#[test]
fn trace_digests() {
    let factory = ReferenceFactory::default();
    let mut digests = std::collections::BTreeMap::new();
    for c in vds_harness::campaigns::CAMPAIGNS {
        for engine in EngineKind::ALL {
            for seed in 0..3u64 {
                let out = run(&(c.build)(seed).engine(engine), &factory);
                let text = out.trace_text();
                digests.insert(
                    format!("{}/{engine}/seed{seed}", c.name),
                    format!("{} lines, fnv {}", out.trace.len(), fnv(&text)),
                );
            }
        }
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(
        "trace digests of every campaign, seeds 0..3, both engines, reference provider",
    );
    settings.bind(|| insta::assert_yaml_snapshot!(TRACE_DIGESTS, digests));
}
