//! The suite's campaigns: small worlds aimed at the contract's rules, plus
//! the seeded mixed workload. Each campaign is a pure function of the seed;
//! the programs are fixed and the seed picks timing and interleaving (the
//! mixed workload also draws its programs and faults from the seed).

use std::time::Duration;
use vds_sim::array::FRIENDLY_NAME_LIMIT;

use vds_sim::array::{ArrayConfig, InitialTarget};
use vds_sim::faults::{Fault, FaultPlan};
use vds_sim::program::{ClientProgram, Step};
use vds_sim::world::WorldConfig;

/// A named world builder.
#[derive(Clone, Copy)]
pub struct Campaign {
    /// Stable name, as in `--campaign NAME`.
    pub name: &'static str,
    /// What it exercises.
    pub about: &'static str,
    /// Builds the world for a seed.
    pub build: fn(u64) -> WorldConfig,
}

impl std::fmt::Debug for Campaign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

fn one(seed: u64, array: ArrayConfig, faults: FaultPlan, steps: Vec<Step>) -> WorldConfig {
    WorldConfig::new(seed)
        .array(array)
        .faults(faults)
        .client(ClientProgram::new("c1", steps))
}
fn t1() -> ArrayConfig {
    ArrayConfig::new()
        .target("t1")
        .target("t2")
        .portal("10.0.0.1", 3260)
}

fn create_and_probe(seed: u64) -> WorldConfig {
    one(
        seed,
        t1(),
        FaultPlan::new(),
        vec![
            // With nothing under way: both succeed.
            Step::Reenumerate,
            Step::Refresh,
            Step::cpg("t1", "op"),
            Step::query_status("op"),
            Step::wait_as("op", "g1"),
            Step::query_status("op"),
            Step::wait("op"),
            Step::cpg("t1", "op2"),
            Step::wait_as("op2", "g2"),
            Step::wait("op2"),
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: None,
            },
            Step::AddPortal {
                group: "g1".into(),
                portal: "10.0.0.1:3260".into(),
                bind: "op3".into(),
            },
            Step::wait("op3"),
            Step::RemovePortal {
                group: "g1".into(),
                portal: "10.0.0.1:3260".into(),
                bind: "op4".into(),
            },
            Step::wait("op4"),
            Step::DeletePortalGroup {
                group: "g2".into(),
                bind: "op5".into(),
            },
            Step::wait("op5"),
            Step::CreateTarget {
                iscsi_name: None,
                friendly_name: "t9".into(),
                bind: "op6".into(),
            },
            Step::wait("op6"),
            // A Delete while an operation holds the target: refused as
            // busy, or made to wait for it.
            Step::cpg("t2", "op7"),
            Step::DeleteTarget {
                target: "t2".into(),
                bind: "op8".into(),
            },
            Step::wait("op7"),
            Step::wait("op8"),
        ]
        .into_iter()
        // Every read once more with no fault in the run: a failure a read
        // answers here has nothing to warrant it.
        .chain(read_only_calls())
        .collect(),
    )
}

fn at_the_limit(seed: u64) -> WorldConfig {
    let array = ArrayConfig::new()
        .group_limit(2)
        .initial_target(InitialTarget {
            name: "t1".into(),
            groups: 2,
            luns: 0,
            initiators: vec![],
        })
        // Another target's group counts towards nothing of t1's.
        .initial_target(InitialTarget {
            name: "t2".into(),
            groups: 1,
            luns: 0,
            initiators: vec![],
        });
    one(
        seed,
        array,
        // Another management client makes a group of t1 while op3 runs:
        // the limit is reached between the call and its operation's
        // request, which the array refuses (CPG-ALREADY-EXISTS).
        FaultPlan::new().before_call(
            15,
            Fault::CreatePortalGroup {
                target: "t1".into(),
            },
        ),
        vec![
            Step::cpg("t1", "op"),
            Step::wait("op"),
            Step::wait("op"),
            Step::query_status("op"),
            // The limit left the target free: change it again. Deleting one
            // group frees its tag; the other keeps its own, and the next
            // group may take the freed one.
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: Some("gs".into()),
            },
            Step::DeletePortalGroup {
                group: "gs.0".into(),
                bind: "del".into(),
            },
            Step::wait("del"),
            Step::GetPortalGroupProperties {
                group: "gs.1".into(),
            },
            Step::cpg("t1", "op2"),
            Step::wait("op2"),
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: None,
            },
            Step::DeletePortalGroup {
                group: "gs.1".into(),
                bind: "del2".into(),
            },
            Step::wait("del2"),
            Step::cpg("t1", "op3"),
            Step::wait("op3"),
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: None,
            },
            Step::Refresh,
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: None,
            },
        ],
    )
}

fn up_to_the_limit(seed: u64) -> WorldConfig {
    let array = ArrayConfig::new().group_limit(2).target("t1");
    let steps = (0..3)
        .flat_map(|i| {
            [
                Step::cpg("t1", &format!("op{i}")),
                Step::wait(&format!("op{i}")),
            ]
        })
        .collect();
    one(seed, array, FaultPlan::new(), steps)
}

fn cache_corruption(seed: u64) -> WorldConfig {
    one(
        seed,
        t1(),
        FaultPlan::new()
            .before_call(2, Fault::CacheCorruption)
            .before_call(13, Fault::CacheCorruption)
            .before_call(21, Fault::CacheCorruption)
            .before_call(23, Fault::LinkPartition { duration_ms: 1_000 })
            .before_call(28, Fault::CacheCorruption)
            .before_call(30, Fault::CacheCorruption),
        vec![
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: None,
            },
            Step::cpg("t1", "op"),
            Step::Refresh,
            Step::Reenumerate,
            Step::cpg("t1", "op"),
            Step::Refresh,
            Step::cpg("t1", "op"),
            Step::wait_as("op", "g"),
            Step::GetTargetProperties {
                target: "t1".into(),
            },
            // A group the cache knew before a Refresh is still there after it.
            Step::Refresh,
            Step::GetPortalGroupProperties { group: "g".into() },
            Step::QueryAssociatedPortals { group: "g".into() },
            // Damaged again after the full recovery (the second fault fires
            // before this call): reads and CreateTarget meet it too.
            Step::QueryPortalGroups {
                target: "t1".into(),
                bind: None,
            },
            Step::GetPortalGroupProperties { group: "g".into() },
            Step::CreateTarget {
                iscsi_name: None,
                friendly_name: "t5".into(),
                bind: "op5".into(),
            },
            Step::DeleteTarget {
                target: "t2".into(),
                bind: "op6".into(),
            },
            Step::wait("op6"),
            Step::Reenumerate,
            Step::Refresh,
            Step::GetPortalGroupProperties { group: "g".into() },
            // Damaged a third time (before call 21); Reenumerate, then a
            // Refresh the link cuts off (call 23): it fails, so the cache
            // stays damaged until a Refresh succeeds.
            Step::GetPortalGroupProperties { group: "g".into() },
            Step::Reenumerate,
            Step::Refresh,
            Step::Sleep { ms: 1_500 },
            Step::GetPortalGroupProperties { group: "g".into() },
            Step::Reenumerate,
            Step::Refresh,
            Step::GetPortalGroupProperties { group: "g".into() },
            // Damaged a fourth time (before call 28: the Sleep is no call),
            // Reenumerate, and damaged again (before call 30, the Refresh):
            // the Reenumerate was before this damage, so the Refresh cannot
            // cure it. Meanwhile a NULL pointer still answers E_POINTER
            // first (ARG-NULL-POINTER).
            Step::GetPortalGroupProperties { group: "g".into() },
            Step::Reenumerate,
            Step::Refresh,
        ]
        .into_iter()
        .chain(null_pointer_calls("t1"))
        .chain([
            Step::Reenumerate,
            Step::Refresh,
            Step::GetPortalGroupProperties { group: "g".into() },
        ])
        .collect(),
    )
}

/// A target and a group deleted behind the provider's back, then used;
/// then a Refresh, after which reads must no longer show them; then a
/// group and a target the provider deletes itself, read afterwards
/// (CACHE-LEARNS-DELETIONS).
fn deleted_behind_back(seed: u64) -> WorldConfig {
    let target = |t: &str| Step::GetTargetProperties { target: t.into() };
    let group = |g: &str| Step::GetPortalGroupProperties { group: g.into() };
    let mut steps = vec![
        target("t1"),
        // Each waited for: a provider that finds the deletion only inside
        // the operation holds t1 until it ends (BUSY-IN-DOMAIN).
        Step::cpg("t1", "op"),
        Step::wait("op"),
        Step::cpg("t1", "op"),
        Step::wait("op"),
        Step::SetFriendlyName {
            target: "t1".into(),
            name: "renamed".into(),
        },
        // The provider has answered VDS_E_OBJECT_DELETED about t1 by now.
        target("t1"),
        Step::cpg("t2", "op1"),
        Step::wait_as("op1", "g2"),
        group("g2"),
        target("t3"),
    ];
    // The group is deleted behind the provider's back before the next call.
    let group_gone = steps.iter().filter(|s| s.is_call()).count() as u64 + 1;
    steps.extend([
        group("g2"),
        Step::AddPortal {
            group: "g2".into(),
            portal: "10.0.0.1:3260".into(),
            bind: "op5".into(),
        },
        Step::wait("op5"),
        group("g2"),
        // Nothing has told the provider that t3 is gone yet.
        Step::QueryPortalGroups {
            target: "t3".into(),
            bind: None,
        },
        Step::RemovePortal {
            group: "g2".into(),
            portal: "10.0.0.1:3260".into(),
            bind: "op6".into(),
        },
        Step::wait("op6"),
        Step::DeletePortalGroup {
            group: "g2".into(),
            bind: "op7".into(),
        },
        Step::wait("op7"),
        Step::Sleep { ms: 100 },
        Step::Refresh,
        target("t1"),
        group("g2"),
        // Only the Refresh has told the provider that t3 is gone.
        target("t3"),
        Step::QueryPortalGroups {
            target: "t3".into(),
            bind: None,
        },
        Step::DeleteTarget {
            target: "t3".into(),
            bind: "op8".into(),
        },
        Step::wait("op8"),
        Step::cpg("t2", "op2"),
        Step::wait_as("op2", "g3"),
        Step::DeletePortalGroup {
            group: "g3".into(),
            bind: "op3".into(),
        },
        Step::wait("op3"),
        group("g3"),
        Step::DeleteTarget {
            target: "t2".into(),
            bind: "op4".into(),
        },
        Step::wait("op4"),
        target("t2"),
    ]);
    let faults = FaultPlan::new()
        .before_call(
            2,
            Fault::DeleteTarget {
                target: "t1".into(),
            },
        )
        .before_call(
            group_gone,
            Fault::DeletePortalGroup {
                target: "t2".into(),
                tag: 1,
            },
        )
        .before_call(
            group_gone,
            Fault::DeleteTarget {
                target: "t3".into(),
            },
        );
    one(seed, t1().target("t3"), faults, steps)
}

/// A target deleted on the array while an operation on it is in flight:
/// once before the first Wait, once after the operation was polled while
/// pending; each failed end is polled again and canceled too late.
fn deleted_during_operation(seed: u64) -> WorldConfig {
    let delete = |target: &str| Fault::DeleteTarget {
        target: target.into(),
    };
    one(
        seed,
        t1(),
        FaultPlan::new()
            .before_call(2, delete("t1"))
            .before_call(7, delete("t2")),
        vec![
            Step::cpg("t1", "op"),
            Step::wait("op"),
            Step::query_status("op"),
            // Ended (failed, as a rule): too late to cancel.
            Step::cancel("op"),
            Step::cpg("t2", "op2"),
            Step::query_status("op2"),
            Step::Sleep { ms: 1 },
            // t2 is deleted just before this call.
            Step::query_status("op2"),
            Step::wait("op2"),
            // After a failed end: 0 percent, and too late to cancel.
            Step::query_status("op2"),
            Step::cancel("op2"),
        ],
    )
}

/// A second operation started on a target while the first is in flight,
/// for every method that takes the target's lock, each first and second:
/// the first is looked at after the second returned, so that a provider
/// that let both run shows it (BUSY-IN-DOMAIN).
fn back_to_back(seed: u64) -> WorldConfig {
    // `first` and then `second` at once; then whether `first` still ran.
    fn overlap(first: Step, second: Step) -> Vec<Step> {
        vec![
            first,
            second,
            Step::query_status("op1"),
            Step::wait("op1"),
            Step::wait("op2"),
        ]
    }
    let delete_group = |g: &str, op: &str| Step::DeletePortalGroup {
        group: g.into(),
        bind: op.into(),
    };
    let mut steps = overlap(Step::cpg("t1", "op1"), Step::cpg("t1", "op2"));
    // Groups to work on, made one at a time.
    for g in ["g1", "g2"] {
        steps.extend([Step::cpg("t1", "op"), Step::wait_as("op", g)]);
    }
    steps.extend(overlap(Step::cpg("t1", "op1"), add_portal("g1", "op2")));
    // g1 holds the portal from here on, so that RemovePortal has work.
    steps.extend(overlap(add_portal("g1", "op1"), delete_group("g2", "op2")));
    steps.extend(overlap(Step::cpg("t1", "op1"), remove_portal("g1", "op2")));
    steps.extend(overlap(remove_portal("g1", "op1"), Step::cpg("t1", "op2")));
    steps.extend(overlap(delete_group("g2", "op1"), add_portal("g1", "op2")));
    steps.extend(overlap(
        Step::cpg("t2", "op1"),
        Step::DeleteTarget {
            target: "t2".into(),
            bind: "op2".into(),
        },
    ));
    // Room for every group made here, so that no CreatePortalGroup is
    // answered at the limit without taking the lock.
    one(seed, t1().group_limit(8), FaultPlan::new(), steps)
}

fn concurrent_clients(seed: u64) -> WorldConfig {
    one(
        seed,
        t1(),
        FaultPlan::new().before_call(
            1,
            Fault::ConcurrentCalls {
                clients: 3,
                target: "t1".into(),
            },
        ),
        vec![
            Step::Sleep { ms: 1 },
            Step::cpg("t1", "op"),
            Step::query_status("op"),
            Step::wait("op"),
        ],
    )
}

fn cancellation(seed: u64) -> WorldConfig {
    one(
        seed,
        t1(),
        FaultPlan::new(),
        vec![
            Step::cpg("t1", "op"),
            Step::cancel("op"),
            Step::cancel("op"),
            Step::wait("op"),
            Step::query_status("op"),
            Step::cpg("t1", "op2"),
            Step::Sleep { ms: 10 },
            Step::cancel("op2"),
            Step::wait("op2"),
            Step::cancel("op2"),
            Step::query_status("op2"),
        ],
    )
}

fn progress(seed: u64) -> WorldConfig {
    one(
        seed,
        t1(),
        FaultPlan::new().before_call(
            1,
            Fault::SlowOperations {
                factor: 4,
                duration_ms: 10_000,
            },
        ),
        vec![
            Step::cpg("t1", "op"),
            Step::query_status("op"),
            // Around the end of a provider's cancel window (2 to 5 ms here),
            // when an operation's request goes to the array.
            Step::Sleep { ms: 2 },
            Step::query_status("op"),
            Step::Sleep { ms: 2 },
            Step::query_status("op"),
            Step::Sleep { ms: 2 },
            Step::query_status("op"),
            Step::Sleep { ms: 20 },
            Step::query_status("op"),
            Step::Sleep { ms: 20 },
            Step::query_status("op"),
            Step::Sleep { ms: 20 },
            Step::query_status("op"),
            Step::wait("op"),
            Step::query_status("op"),
            // Canceled past the window, while the slowed request runs:
            // too late, and the group is made.
            Step::cpg("t1", "op2"),
            Step::Sleep { ms: 8 },
            Step::cancel("op2"),
            Step::query_status("op2"),
            Step::wait("op2"),
        ],
    )
}

/// A restart under an operation; then a second restart after objects the
/// provider knew of were deleted behind its back, and reads of them and of
/// living objects.
fn restart(seed: u64) -> WorldConfig {
    let target = |t: &str| Step::GetTargetProperties { target: t.into() };
    let group = |g: &str| Step::GetPortalGroupProperties { group: g.into() };
    let groups = |t: &str| Step::QueryPortalGroups {
        target: t.into(),
        bind: None,
    };
    let mut steps = vec![
        Step::cpg("t1", "op"),
        Step::wait("op"),
        Step::query_status("op"),
        Step::cpg("t1", "op2"),
        Step::wait_as("op2", "g2"),
        Step::cpg("t2", "op3"),
        Step::wait_as("op3", "gone"),
        groups("t2"),
        target("t3"),
        group("gone"),
    ];
    let second = steps.iter().filter(|s| s.is_call()).count() as u64 + 1;
    steps.extend([
        groups("t2"),
        target("t3"),
        group("gone"),
        target("t2"),
        group("g2"),
    ]);
    let faults = FaultPlan::new()
        .before_call(2, Fault::ProviderRestart)
        .before_call(
            second,
            Fault::DeletePortalGroup {
                target: "t2".into(),
                tag: 1,
            },
        )
        .before_call(
            second,
            Fault::DeleteTarget {
                target: "t3".into(),
            },
        )
        .before_call(second, Fault::ProviderRestart);
    // Two operations in flight on two targets at a restart: both abandoned,
    // over at once (polled first), then waited for.
    steps.extend([Step::cpg("t1", "r1"), Step::cpg("t2", "r2")]);
    let third = steps.iter().filter(|s| s.is_call()).count() as u64 + 1;
    steps.extend([Step::query_status("r2"), Step::wait("r1"), Step::wait("r2")]);
    let faults = faults.before_call(third, Fault::ProviderRestart);
    one(seed, t1().target("t3"), faults, steps)
}

/// The cache is damaged while the first call after a restart reloads it.
/// With 10..11 ms one-way latency a round trip takes 20..22 ms on madsim
/// and 30..34 ms on turmoil (a TCP connection per request), so set-up is
/// over by 34 ms and the reload, started then, runs past 40 ms: the damage
/// at 37 ms lands during it on both engines.
fn restart_then_corrupt(seed: u64) -> WorldConfig {
    one(
        seed,
        t1(),
        FaultPlan::new()
            .before_call(2, Fault::ProviderRestart)
            .at_ms(37, Fault::CacheCorruption),
        vec![
            Step::GetTargetProperties {
                target: "t1".into(),
            },
            Step::cpg("t2", "op"),
            Step::wait("op"),
            Step::cpg("t2", "op"),
            Step::wait("op"),
            Step::Reenumerate,
            Step::Refresh,
            Step::cpg("t2", "op2"),
            Step::wait("op2"),
        ],
    )
    .latency(Duration::from_millis(10), Duration::from_millis(11))
}

/// Faults that refuse a call at once (allocation, a malformed request, an
/// unreachable array), then the same faults arriving while operations run,
/// so that they end in Wait's pHrResult: a request refused as malformed, a
/// lost message and a hold; a slow link; a rescan cut off by the link,
/// after which calls are served again; last, the link cut just after
/// AddPortal, RemovePortal and both Deletes return, under their operations.
fn call_faults(seed: u64) -> WorldConfig {
    let create = |name: &str, op: &str| Step::CreateTarget {
        iscsi_name: None,
        friendly_name: name.into(),
        bind: op.into(),
    };
    one(
        seed,
        t1(),
        FaultPlan::new()
            .before_call(1, Fault::AllocationFailure)
            .before_call(2, Fault::InvalidArgument)
            .before_call(3, Fault::LinkPartition { duration_ms: 2_000 })
            // Before each Wait below, while its operation runs.
            .before_call(7, Fault::InvalidArgument)
            .before_call(9, Fault::InvalidArgument)
            .before_call(
                11,
                Fault::LinkLoss {
                    probability: 1.0,
                    duration_ms: 2_000,
                },
            )
            .before_call(13, Fault::LinkHold { duration_ms: 2_000 })
            .before_call(
                14,
                Fault::LinkLatency {
                    extra_ms: 5,
                    duration_ms: 100,
                },
            )
            // A rescan cut off by the link: it fails, and is over.
            .before_call(16, Fault::LinkPartition { duration_ms: 2_000 })
            // The link cut just after AddPortal, RemovePortal, a group's
            // Delete and a target's Delete return: their own requests,
            // sent by the operation, meet it.
            .before_call(23, Fault::LinkPartition { duration_ms: 1_000 })
            .before_call(27, Fault::LinkPartition { duration_ms: 1_000 })
            .before_call(31, Fault::LinkPartition { duration_ms: 1_000 })
            .before_call(33, Fault::LinkPartition { duration_ms: 1_000 }),
        vec![
            Step::cpg("t1", "op"),
            Step::cpg("t1", "op"),
            Step::cpg("t1", "op"),
            Step::Sleep { ms: 2_000 },
            Step::cpg("t1", "op"),
            Step::wait("op"),
            Step::cpg("t1", "op"),
            Step::wait("op"),
            create("t8", "op"),
            Step::wait("op"),
            Step::cpg("t2", "op"),
            Step::wait("op"),
            Step::Sleep { ms: 2_000 },
            Step::cpg("t2", "op"),
            Step::wait("op"),
            Step::Sleep { ms: 2_000 },
            Step::cpg("t2", "op"),
            Step::wait("op"),
            Step::Reenumerate,
            Step::Refresh,
            Step::Sleep { ms: 2_000 },
            // The link is back and nothing runs: served, not busy.
            Step::cpg("t2", "op"),
            Step::wait("op"),
            Step::cpg("t2", "op"),
            Step::wait_as("op", "g9"),
            add_portal("g9", "op"),
            Step::wait("op"),
            Step::Sleep { ms: 1_500 },
            add_portal("g9", "op"),
            Step::wait("op"),
            remove_portal("g9", "op"),
            Step::wait("op"),
            Step::Sleep { ms: 1_500 },
            remove_portal("g9", "op"),
            Step::wait("op"),
            Step::DeletePortalGroup {
                group: "g9".into(),
                bind: "op".into(),
            },
            Step::wait("op"),
            Step::Sleep { ms: 1_500 },
            Step::DeleteTarget {
                target: "t2".into(),
                bind: "op".into(),
            },
            Step::wait("op"),
            Step::Sleep { ms: 1_500 },
        ],
    )
}

/// The array's one portal (see [`t1`]).
const PORTAL: &str = "10.0.0.1:3260";

/// AddPortal of [`PORTAL`] to `group`, its operation named `op`.
fn add_portal(group: &str, op: &str) -> Step {
    Step::AddPortal {
        group: group.into(),
        portal: PORTAL.into(),
        bind: op.into(),
    }
}

/// RemovePortal of [`PORTAL`] from `group`, its operation named `op`.
fn remove_portal(group: &str, op: &str) -> Step {
    Step::RemovePortal {
        group: group.into(),
        portal: PORTAL.into(),
        bind: op.into(),
    }
}

/// The synchronous changes of t1 and the portal, with nothing in flight on
/// the target, each read back (friendly names up to, at and past the length
/// the array keeps; CHAP set and cleared); the NULL-pointer cases of the
/// CHAP methods.
fn synchronous_changes() -> Vec<Step> {
    let mut steps = vec![
        Step::SetFriendlyName {
            target: "t1".into(),
            name: "t1".into(),
        },
        target_properties("t1"),
        // Longer than the array keeps: VDS_S_NAME_TRUNCATED.
        Step::SetFriendlyName {
            target: "t1".into(),
            name: "a friendly name longer than the array keeps".into(),
        },
        target_properties("t1"),
        // Exactly as long as the array keeps, then one longer.
        Step::SetFriendlyName {
            target: "t1".into(),
            name: "x".repeat(FRIENDLY_NAME_LIMIT),
        },
        target_properties("t1"),
        Step::SetFriendlyName {
            target: "t1".into(),
            name: "y".repeat(FRIENDLY_NAME_LIMIT + 1),
        },
        target_properties("t1"),
        // A secret for one initiator: set, or VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED.
        Step::SetSharedSecret {
            target: "t1".into(),
            secret: Some("chap-secret-34".into()),
            null_secret_with_size: None,
            initiator: Some("iqn.1991-05.com.example:host-b".into()),
        },
        target_properties("t1"),
        // No secret at all: the default secret cleared.
        Step::SetSharedSecret {
            target: "t1".into(),
            secret: None,
            null_secret_with_size: None,
            initiator: None,
        },
        target_properties("t1"),
        Step::SetPortalStatus {
            portal: PORTAL.into(),
            status: vds_sim::props::VDS_ISCSI_PORTAL_STATUS::VDS_IPS_OFFLINE,
        },
        Step::GetPortalProperties {
            portal: PORTAL.into(),
        },
        // An offline portal is still the subsystem's.
        Step::QueryPortals,
        Step::SetSharedSecret {
            target: "t1".into(),
            secret: Some("chap-secret-12".into()),
            null_secret_with_size: None,
            initiator: None,
        },
        target_properties("t1"),
        // Cleared again: CHAP off.
        Step::SetSharedSecret {
            target: "t1".into(),
            secret: None,
            null_secret_with_size: None,
            initiator: None,
        },
        target_properties("t1"),
        Step::RememberInitiatorSharedSecret {
            target: "t1".into(),
            initiator: Some("iqn.1991-05.com.example:host-a".into()),
            secret: Some("s3cret-s3cret".into()),
        },
    ];
    steps.extend(null_pointer_calls("t1"));
    steps
}

/// The CHAP methods given a NULL pointer they need (a NULL secret with a
/// size, a NULL initiator name): E_POINTER, whatever the target's state.
fn null_pointer_calls(target: &str) -> [Step; 2] {
    [
        Step::SetSharedSecret {
            target: target.into(),
            secret: None,
            null_secret_with_size: Some(8),
            initiator: None,
        },
        Step::RememberInitiatorSharedSecret {
            target: target.into(),
            initiator: None,
            secret: Some("s3cret-s3cret".into()),
        },
    ]
}

/// Two groups on one target, one portal: adding it to both, moving it, a
/// group of another target holding it too, then changing groups through
/// pointers held across the deletion of the group and of its target; each
/// synchronous change read back (friendly names up to, at and past the
/// length the array keeps; CHAP set and cleared); the NULL-pointer cases of
/// the CHAP methods; and the LUNs and logged-in initiators of a target that
/// has both.
fn portals_and_held_pointers(seed: u64) -> WorldConfig {
    let add = add_portal;
    let remove = remove_portal;
    // t2 has LUNs and initiators logged in: its lists are not empty.
    let array = ArrayConfig::new()
        .target("t1")
        .initial_target(InitialTarget {
            name: "t2".into(),
            groups: 0,
            luns: 2,
            initiators: vec![
                "iqn.1991-05.com.example:host-a".into(),
                "iqn.1991-05.com.example:host-b".into(),
            ],
        })
        .portal("10.0.0.1", 3260);
    let mut steps = vec![
        Step::cpg("t1", "op"),
        Step::wait_as("op", "g1"),
        Step::cpg("t1", "op"),
        Step::wait_as("op", "g2"),
        add("g1", "op"),
        Step::wait("op"),
        // In g1 already: VDS_E_OBJECT_EXISTS.
        add("g2", "op"),
        Step::wait("op"),
        remove("g1", "op"),
        Step::wait("op"),
        Step::QueryAssociatedPortals { group: "g1".into() },
        add("g2", "op"),
        Step::wait("op"),
        Step::QueryAssociatedPortals { group: "g2".into() },
        Step::QueryAssociatedPortalGroups {
            portal: PORTAL.into(),
        },
        // A group of another target may hold the same portal: the
        // portal's list then names both groups.
        Step::cpg("t2", "op"),
        Step::wait_as("op", "g3"),
        add("g3", "op"),
        Step::wait("op"),
        Step::QueryAssociatedPortalGroups {
            portal: PORTAL.into(),
        },
        // A portal id the array does not have: VDS_E_OBJECT_NOT_FOUND.
        Step::AddPortal {
            group: "g2".into(),
            portal: "10.9.9.9:3260".into(),
            bind: "op".into(),
        },
        Step::wait("op"),
        Step::RemovePortal {
            group: "g2".into(),
            portal: "10.9.9.9:3260".into(),
            bind: "op".into(),
        },
        Step::wait("op"),
        // g2 holds the portal: VDS_E_ASSOCIATED_PORTALS_EXIST.
        Step::DeletePortalGroup {
            group: "g2".into(),
            bind: "op".into(),
        },
        Step::wait("op"),
    ];
    steps.extend(synchronous_changes());
    steps.extend([
        Step::GetConnectedInitiators {
            target: "t2".into(),
        },
        Step::QueryAssociatedLuns {
            target: "t2".into(),
        },
        // g1 deleted, then changed through the pointer still held.
        Step::DeletePortalGroup {
            group: "g1".into(),
            bind: "op".into(),
        },
        Step::wait("op"),
        add("g1", "op"),
        Step::wait("op"),
        // The target deleted, then its group changed through a held pointer.
        Step::DeleteTarget {
            target: "t1".into(),
            bind: "op".into(),
        },
        Step::wait("op"),
        // Reads of the deleted target through the pointer still held.
        Step::GetSubSystem {
            target: "t1".into(),
        },
        target_properties("t1"),
        // Deleted, then deleted again through the pointer still held.
        Step::DeleteTarget {
            target: "t1".into(),
            bind: "op".into(),
        },
        remove("g2", "op"),
        Step::wait("op"),
        Step::DeletePortalGroup {
            group: "g2".into(),
            bind: "op".into(),
        },
        Step::wait("op"),
    ]);
    one(seed, array, FaultPlan::new(), steps)
}

/// `IVdsIscsiTarget::GetProperties` of `target`.
fn target_properties(target: &str) -> Step {
    Step::GetTargetProperties {
        target: target.into(),
    }
}

/// The read-only calls of every interface, on t1, its group g1 and the portal.
fn read_only_calls() -> Vec<Step> {
    vec![
        Step::QueryTargets,
        Step::QueryPortals,
        Step::GetSubSystem {
            target: "t1".into(),
        },
        Step::GetConnectedInitiators {
            target: "t1".into(),
        },
        Step::QueryAssociatedPortals { group: "g1".into() },
        Step::GetPortalGroupProperties { group: "g1".into() },
        Step::QueryAssociatedLuns {
            target: "t1".into(),
        },
        Step::GetTarget {
            group: "g1".into(),
            bind: None,
        },
        Step::GetPortalProperties {
            portal: PORTAL.into(),
        },
        Step::GetPortalSubSystem {
            portal: PORTAL.into(),
        },
        Step::QueryAssociatedPortalGroups {
            portal: PORTAL.into(),
        },
        Step::SetPortalStatus {
            portal: PORTAL.into(),
            status: vds_sim::props::VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE,
        },
    ]
}

/// Every asynchronous operation (CreateTarget, AddPortal, RemovePortal, a
/// group's and a target's Delete) watched as CreatePortalGroup is
/// elsewhere: polled while slow, waited twice, canceled in time and after
/// the end; a provider restart under each; and the read-only calls of
/// every interface.
fn every_operation(seed: u64) -> WorldConfig {
    // Start an operation bound to `op`, then watch it to its end.
    fn watched(start: Step, op: &str) -> Vec<Step> {
        vec![
            start,
            Step::query_status(op),
            Step::Sleep { ms: 4 },
            Step::query_status(op),
            Step::wait(op),
            Step::wait(op),
            Step::cancel(op),
            Step::query_status(op),
        ]
    }
    // Start an operation and cancel it at once: it ends canceled.
    fn canceled(start: Step, op: &str) -> Vec<Step> {
        vec![start, Step::cancel(op), Step::cancel(op), Step::wait(op)]
    }
    let add = |op: &str| add_portal("g1", op);
    let remove = |op: &str| remove_portal("g1", op);
    let create = |name: &str, op: &str| Step::CreateTarget {
        iscsi_name: None,
        friendly_name: name.into(),
        bind: op.into(),
    };
    let delete_group = |g: &str, op: &str| Step::DeletePortalGroup {
        group: g.into(),
        bind: op.into(),
    };
    let delete_target = |t: &str, op: &str| Step::DeleteTarget {
        target: t.into(),
        bind: op.into(),
    };
    let mut steps = vec![
        Step::cpg("t1", "op"),
        Step::wait_as("op", "g1"),
        Step::cpg("t1", "op"),
        Step::wait_as("op", "g2"),
        Step::cpg("t1", "op"),
        Step::wait_as("op", "g3"),
    ];
    steps.extend(canceled(create("t8", "c1"), "c1"));
    steps.extend(canceled(add("c2"), "c2"));
    steps.extend(canceled(delete_group("g3", "c3"), "c3"));
    steps.extend(watched(create("t9", "w1"), "w1"));
    steps.push(Step::wait_as("w1", "t9"));
    steps.extend(watched(add("w2"), "w2"));
    steps.extend(canceled(remove("c4"), "c4"));
    // Whether c4 was canceled or not, the portal is in g1 again, so that
    // the watched RemovePortal reaches the array (a provider may never
    // cancel: DECLARATION-KEPT).
    steps.extend([add("w3a"), Step::wait("w3a")]);
    steps.extend(watched(remove("w3"), "w3"));
    steps.extend(watched(delete_group("g2", "w4"), "w4"));
    // Targets the array has from the start: the watched Delete finds its
    // own whether the canceled one was canceled or not, and whether the
    // provider creates targets or not (DECLARATION-KEPT).
    steps.extend(canceled(delete_target("t3", "c5"), "c5"));
    steps.extend(watched(delete_target("t4", "w5"), "w5"));
    // The same name twice: the second is refused.
    steps.push(Step::CreateTarget {
        iscsi_name: Some("iqn.1991-05.com.example:t1".into()),
        friendly_name: "dup".into(),
        bind: "w6".into(),
    });
    steps.push(Step::wait("w6"));
    // A name of its own that no target has yet.
    steps.push(Step::CreateTarget {
        iscsi_name: Some("iqn.1991-05.com.example:fresh".into()),
        friendly_name: "fresh".into(),
        bind: "w8".into(),
    });
    steps.push(Step::wait("w8"));
    // An empty name leaves the choice to the provider, as NULL does.
    steps.push(Step::CreateTarget {
        iscsi_name: Some(String::new()),
        friendly_name: "unnamed".into(),
        bind: "w7".into(),
    });
    steps.push(Step::wait("w7"));
    // A name no reading of RFC 3720 allows: E_INVALIDARG, in the call or
    // its operation.
    // The longest name RFC 3720 allows (223 bytes) is taken; one byte
    // more, or no type designator, is not.
    let long = |n: usize| format!("iqn.1991-05.com.example:{}", "a".repeat(n - 24));
    for (name, op) in [
        ("not an iqn".to_string(), "w9"),
        ("not-an-iqn".to_string(), "w10"),
        (long(224), "w11"),
        (long(223), "w12"),
    ] {
        steps.push(Step::CreateTarget {
            iscsi_name: Some(name),
            friendly_name: "bad".into(),
            bind: op.into(),
        });
        steps.push(Step::wait(op));
    }
    steps.extend(read_only_calls());
    // A restart under each operation but CreatePortalGroup's (the portal
    // back in g1 first, so that RemovePortal reaches the array; a group of
    // its own to delete, as g3 is gone if c3 was not canceled).
    steps.extend([add("p0"), Step::wait("p0")]);
    steps.extend([Step::cpg("t1", "p1"), Step::wait_as("p1", "g4")]);
    let restarts = steps.iter().filter(|s| s.is_call()).count() + 2;
    let mut faults = FaultPlan::new().before_call(
        1,
        Fault::SlowOperations {
            factor: 4,
            duration_ms: 60_000,
        },
    );
    let tail = [
        (create("t7", "r1"), "r1"),
        (remove("r3"), "r3"),
        (add("r2"), "r2"),
        (delete_group("g4", "r4"), "r4"),
        (delete_target("t1", "r5"), "r5"),
    ];
    for (i, (start, op)) in tail.into_iter().enumerate() {
        // Each operation is started, the provider restarts, then it is waited for.
        faults = faults.before_call((restarts + 2 * i) as u64, Fault::ProviderRestart);
        steps.extend([start, Step::wait(op)]);
    }
    // A corrupt cache seen by a read, then restored.
    let corrupt = steps.iter().filter(|s| s.is_call()).count() + 1;
    faults = faults.before_call(corrupt as u64, Fault::CacheCorruption);
    let read = || Step::GetTargetProperties {
        target: "t2".into(),
    };
    // A change refused while the cache is corrupt.
    steps.extend([read(), add("k1"), Step::wait("k1")]);
    steps.extend([Step::Reenumerate, Step::Refresh, read()]);
    one(seed, t1().target("t3").target("t4"), faults, steps)
}

/// Every fixed campaign, in the order the suite runs them.
pub const CAMPAIGNS: &[Campaign] = &[
    Campaign {
        name: "create-and-probe",
        about: "the success path of every async operation, repeated Waits",
        build: create_and_probe,
    },
    Campaign {
        name: "at-the-limit",
        about: "VDS_S_ALREADY_EXISTS at the portal-group limit",
        build: at_the_limit,
    },
    Campaign {
        name: "up-to-the-limit",
        about: "creating groups until the limit is reached",
        build: up_to_the_limit,
    },
    Campaign {
        name: "cache-corruption",
        about: "a corrupt cache and its recovery by Reenumerate then Refresh",
        build: cache_corruption,
    },
    Campaign {
        name: "deleted-behind-back",
        about: "a target deleted on the array, then changed through a held pointer",
        build: deleted_behind_back,
    },
    Campaign {
        name: "deleted-during-operation",
        about: "a target deleted while CreatePortalGroup is in flight",
        build: deleted_during_operation,
    },
    Campaign {
        name: "back-to-back",
        about: "a second operation on a target while the first is in flight (CreatePortalGroup, AddPortal, RemovePortal, both Deletes)",
        build: back_to_back,
    },
    Campaign {
        name: "concurrent-clients",
        about: "several clients calling CreatePortalGroup at once",
        build: concurrent_clients,
    },
    Campaign {
        name: "cancellation",
        about: "Cancel in time, twice, too late and after completion",
        build: cancellation,
    },
    Campaign {
        name: "progress",
        about: "QueryStatus during a slow operation",
        build: progress,
    },
    Campaign {
        name: "restart",
        about: "a provider restart while an operation is in flight",
        build: restart,
    },
    Campaign {
        name: "restart-then-corrupt",
        about: "a cache corruption while the first call after a restart reloads the cache",
        build: restart_then_corrupt,
    },
    Campaign {
        name: "call-faults",
        about: "E_OUTOFMEMORY, E_INVALIDARG and a Win32 timeout from CreatePortalGroup",
        build: call_faults,
    },
    Campaign {
        name: "portals-and-held-pointers",
        about: "a portal in two groups of one target, NULL CHAP arguments, groups changed after their own or their target's deletion",
        build: portals_and_held_pointers,
    },
    Campaign {
        name: "every-operation",
        about: "every asynchronous operation polled, waited twice, canceled and restarted under; every read-only call",
        build: every_operation,
    },
    Campaign {
        name: "regression-refresh-overtaken",
        about: "a Refresh whose copy of the array predates a CreateTarget (scenarios/, found by fuzzing)",
        build: crate::regressions::refresh_overtaken,
    },
    Campaign {
        name: "regression-null-pointer-while-busy",
        about: "NULL pointers while the target is busy and while the cache is corrupt (scenarios/, found by fuzzing)",
        build: crate::regressions::null_pointer_while_busy,
    },
    Campaign {
        name: "regression-restart-during-create",
        about: "a provider restart while CreatePortalGroup waits for the array (scenarios/, found by fuzzing)",
        build: crate::regressions::restart_during_create_portal_group,
    },
    Campaign {
        name: "regression-reload-across-restart",
        about: "a copy of the array asked for before a provider restart arrives after it (scenarios/, found by RESTART-RELOADS-CACHE)",
        build: crate::regressions::reload_across_restart,
    },
    Campaign {
        name: "mixed",
        about: "three clients, random programs and up to two random faults",
        build: vds_sim::workload::mixed,
    },
];

/// The campaign with this name.
pub fn by_name(name: &str) -> Option<&'static Campaign> {
    CAMPAIGNS.iter().find(|c| c.name == name)
}
