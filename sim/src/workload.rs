//! Generated workloads: a whole world (array shape, client programs, fault
//! plan) drawn from a seed, for sweeps and determinism checks. The same
//! seed always gives the same world.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::array::{ArrayConfig, InitialTarget};
use crate::faults::{Fault, FaultPlan, FaultRule, Trigger};
use crate::program::{ClientProgram, Step};
use crate::seeds::{Stream, derive};
use crate::world::WorldConfig;

const TARGETS: [&str; 3] = ["t1", "t2", "t3"];
const PORTALS: [&str; 2] = ["10.0.0.1:3260", "10.0.0.2:3260"];

/// The standard mixed workload: three clients working on three targets
/// (one with a LUN) with up to two faults, everything drawn from `seed`.
///
/// ```
/// let a = vds_sim::workload::mixed(5);
/// assert_eq!(a, vds_sim::workload::mixed(5));
/// assert_eq!(a.clients.len(), 3);
/// ```
pub fn mixed(seed: u64) -> WorldConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(derive(seed, Stream::Workload));
    let array = ArrayConfig::new()
        .group_limit(3)
        .initial_target(InitialTarget {
            name: "t1".into(),
            groups: 1,
            luns: 0,
            initiators: vec!["iqn.1991-05.com.example:host-a".into()],
        })
        .target("t2")
        .initial_target(InitialTarget {
            name: "t3".into(),
            groups: 0,
            luns: 1,
            initiators: vec![],
        })
        .portal("10.0.0.1", 3260)
        .portal("10.0.0.2", 3260);
    let mut cfg = WorldConfig::new(seed).array(array);
    for c in 0..3 {
        cfg = cfg.client(program(&mut rng, &format!("c{}", c + 1)));
    }
    cfg.faults = faults(&mut rng);
    cfg
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn program(rng: &mut ChaCha8Rng, name: &str) -> ClientProgram {
    let mut steps = Vec::new();
    let mut groups = 0usize;
    let n = rng.random_range(6..=12);
    while steps.len() < n {
        let target = pick(rng, &TARGETS).to_string();
        let group = if groups == 0 {
            "g0".to_string()
        } else {
            format!("g{}", rng.random_range(0..groups))
        };
        let op = "op".to_string();
        match rng.random_range(0..14) {
            0..=3 => {
                steps.push(Step::CreatePortalGroup {
                    target,
                    bind: op.clone(),
                });
                if rng.random_bool(0.3) {
                    steps.push(Step::QueryStatus { op: op.clone() });
                }
                if rng.random_bool(0.15) {
                    steps.push(Step::Cancel { op: op.clone() });
                }
                steps.push(Step::Wait {
                    op,
                    bind: Some(format!("g{groups}")),
                });
                groups += 1;
            }
            4 => {
                let portal = pick(rng, &PORTALS).to_string();
                steps.push(Step::AddPortal {
                    group,
                    portal,
                    bind: op.clone(),
                });
                steps.push(Step::Wait { op, bind: None });
            }
            5 => {
                let portal = pick(rng, &PORTALS).to_string();
                steps.push(Step::RemovePortal {
                    group,
                    portal,
                    bind: op.clone(),
                });
                steps.push(Step::Wait { op, bind: None });
            }
            6 => {
                steps.push(Step::DeletePortalGroup {
                    group,
                    bind: op.clone(),
                });
                steps.push(Step::Wait { op, bind: None });
            }
            7 => steps.push(Step::GetPortalGroupProperties { group }),
            8 => steps.push(Step::QueryPortalGroups { target, bind: None }),
            9 => steps.push(Step::GetTargetProperties { target }),
            10 => steps.push(Step::Sleep {
                ms: rng.random_range(0..40),
            }),
            11 => {
                steps.push(Step::Reenumerate);
                steps.push(Step::Refresh);
            }
            12 => steps.push(Step::GetTarget { group, bind: None }),
            _ => {
                if rng.random_bool(0.2) {
                    steps.push(Step::DeleteTarget {
                        target,
                        bind: op.clone(),
                    });
                    steps.push(Step::Wait { op, bind: None });
                } else {
                    steps.push(Step::QueryAssociatedLuns { target });
                }
            }
        }
    }
    ClientProgram::new(name, steps)
}

fn faults(rng: &mut ChaCha8Rng) -> FaultPlan {
    let mut plan = FaultPlan::new();
    for _ in 0..rng.random_range(0..=2) {
        let fault = match rng.random_range(0..11) {
            0 => Fault::CacheCorruption,
            1 => Fault::DeleteTarget {
                target: pick(rng, &TARGETS).into(),
            },
            2 => Fault::ConcurrentCalls {
                clients: rng.random_range(2..=3),
                target: pick(rng, &TARGETS).into(),
            },
            3 => Fault::AllocationFailure,
            4 => Fault::InvalidArgument,
            5 => Fault::LinkPartition {
                duration_ms: rng.random_range(100..1500),
            },
            6 => Fault::LinkLatency {
                extra_ms: rng.random_range(5..50),
                duration_ms: rng.random_range(50..500),
            },
            7 => Fault::SlowOperations {
                factor: rng.random_range(2..6),
                duration_ms: rng.random_range(50..500),
            },
            8 => Fault::LinkLoss {
                probability: 0.3,
                duration_ms: rng.random_range(50..500),
            },
            9 => Fault::CreatePortalGroup {
                target: pick(rng, &TARGETS).into(),
            },
            _ => Fault::ProviderRestart,
        };
        let at = if rng.random_bool(0.5) {
            Trigger::BeforeCall(rng.random_range(1..20))
        } else {
            Trigger::AtMs(rng.random_range(0..300))
        };
        plan = plan.rule(FaultRule {
            fault,
            at,
            probability: if rng.random_bool(0.8) { 1.0 } else { 0.5 },
        });
    }
    plan
}
