//! The reductions, each keeping a candidate only if it still fails: whole
//! clients, fault rules, steps (ddmin), array objects, then smaller values.
//! Rounds repeat until one accepts nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_yaml::Value;

use vds_sim::faults::{Fault, Trigger};
use vds_sim::program::Step;
use vds_sim::world::WorldConfig;

use super::Tester;

/// Rounds of every pass until one accepts no candidate.
pub(super) fn shrink(mut w: WorldConfig, t: &mut Tester) -> WorldConfig {
    loop {
        let before = t.accepted();
        w = clients(w, t);
        w = faults(w, t);
        w = steps(w, t);
        w = array(w, t);
        w = values(w, t);
        if t.accepted() == before {
            return names(w, t);
        }
    }
}

/// Plain names, so that the same bug found from two seeds reads the same:
/// targets `t1`, `t2`, ... in array order, clients `c1`, `c2`, ..., and a
/// client's one async object `op`. Each renaming is kept only if the run
/// still fails.
fn names(mut w: WorldConfig, t: &mut Tester) -> WorldConfig {
    let targets: BTreeMap<String, String> = w
        .array
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), format!("t{}", i + 1)))
        .collect();
    if targets.iter().any(|(a, b)| a != b) {
        let mut c = w.clone();
        for t in &mut c.array.targets {
            t.name = targets[&t.name].clone();
        }
        for client in &mut c.clients {
            for s in &mut client.steps {
                *s = renamed(s, "target", &targets);
            }
        }
        for r in &mut c.faults.rules {
            r.fault = renamed(&r.fault, "target", &targets);
        }
        w = first(w, t, vec![c]);
    }
    let mut c = w.clone();
    for (i, client) in c.clients.iter_mut().enumerate() {
        client.name = format!("c{}", i + 1);
    }
    w = first(w, t, vec![c]);
    for i in 0..w.clients.len() {
        let mut c = w.clone();
        if one_op(&mut c.clients[i].steps) {
            w = first(w, t, vec![c]);
        }
    }
    w
}

/// A step or fault with the string field `key` renamed by `map`.
fn renamed<T: Serialize + DeserializeOwned + Clone>(
    x: &T,
    key: &str,
    map: &BTreeMap<String, String>,
) -> T {
    let Ok(mut v) = serde_yaml::to_value(x) else {
        return x.clone();
    };
    if let Some(Value::String(s)) = v.as_mapping_mut().and_then(|m| m.get_mut(key))
        && let Some(n) = map.get(s.as_str())
    {
        *s = n.clone();
    }
    serde_yaml::from_value(v).unwrap_or_else(|_| x.clone())
}

/// Names a client's only async object `op` (the default); false if it has
/// none, several, or already uses the name `op`.
fn one_op(steps: &mut [Step]) -> bool {
    let mut ops: Vec<String> = Vec::new();
    for bind in steps.iter().filter_map(Step::started_op) {
        if !ops.contains(bind) {
            ops.push(bind.clone());
        }
    }
    let [old] = ops.as_slice() else {
        return false;
    };
    let old = old.clone();
    let uses_op = serde_yaml::to_string(&*steps)
        .unwrap_or_default()
        .contains(": op\n");
    if old == "op" || uses_op {
        return false;
    }
    for s in steps.iter_mut() {
        if let Some(bind) = s.started_op_mut().filter(|b| **b == old) {
            *bind = "op".to_string();
            continue;
        }
        match s {
            Step::Wait { op, .. } | Step::QueryStatus { op } | Step::Cancel { op }
                if *op == old =>
            {
                *op = "op".to_string();
            }
            Step::Release { name } | Step::Leak { name } if *name == old => {
                *name = "op".to_string();
            }
            _ => {}
        }
    }
    true
}

/// Tries `set` with each value in order and keeps the first world that
/// still fails.
fn lowered<V>(
    w: WorldConfig,
    t: &mut Tester,
    values: Vec<V>,
    set: impl Fn(&mut WorldConfig, V),
) -> WorldConfig {
    let candidates = values
        .into_iter()
        .map(|v| {
            let mut c = w.clone();
            set(&mut c, v);
            c
        })
        .collect();
    first(w, t, candidates)
}

/// Tries each candidate in order and keeps the first that still fails.
fn first(w: WorldConfig, t: &mut Tester, candidates: Vec<WorldConfig>) -> WorldConfig {
    for c in candidates {
        if c != w && t.fails(&c) {
            return c;
        }
    }
    w
}

/// Drops each of `n` parts in turn, last first (`remove` takes part `i`
/// out of a world), keeping every removal after which the run still fails.
fn drop_each(
    mut w: WorldConfig,
    t: &mut Tester,
    n: usize,
    remove: impl Fn(&mut WorldConfig, usize),
) -> WorldConfig {
    for i in (0..n).rev() {
        let mut c = w.clone();
        remove(&mut c, i);
        if t.fails(&c) {
            w = c;
        }
    }
    w
}

/// Drops whole clients, last first.
fn clients(w: WorldConfig, t: &mut Tester) -> WorldConfig {
    let n = w.clients.len();
    drop_each(w, t, n, |c, i| {
        c.clients.remove(i);
    })
}

/// Drops fault rules, last first.
fn faults(w: WorldConfig, t: &mut Tester) -> WorldConfig {
    let n = w.faults.rules.len();
    drop_each(w, t, n, |c, i| {
        c.faults.rules.remove(i);
    })
}

/// Delta debugging (Zeller's ddmin, complements only) over every client's
/// steps together; a client left with no step is dropped.
fn steps(w: WorldConfig, t: &mut Tester) -> WorldConfig {
    let build = |keep: &[(usize, usize)]| {
        let mut c = w.clone();
        for (ci, client) in c.clients.iter_mut().enumerate() {
            let mut k = 0;
            client.steps.retain(|_| {
                k += 1;
                keep.contains(&(ci, k - 1))
            });
        }
        c.clients.retain(|c| !c.steps.is_empty());
        c
    };
    let mut items: Vec<(usize, usize)> = w
        .clients
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| (0..c.steps.len()).map(move |si| (ci, si)))
        .collect();
    let mut n = 2;
    while items.len() >= 2 {
        let chunk = items.len().div_ceil(n);
        let mut reduced = false;
        for start in (0..items.len()).step_by(chunk) {
            let mut rest = items[..start].to_vec();
            rest.extend_from_slice(&items[(start + chunk).min(items.len())..]);
            if t.fails(&build(&rest)) {
                items = rest;
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
        }
        if !reduced {
            if n >= items.len() {
                break;
            }
            n = (n * 2).min(items.len());
        }
    }
    build(&items)
}

/// Drops targets, portals and initiators; lowers groups, LUNs and the group limit.
fn array(mut w: WorldConfig, t: &mut Tester) -> WorldConfig {
    let n = w.array.targets.len();
    w = drop_each(w, t, n, |c, i| {
        c.array.targets.remove(i);
    });
    let n = w.array.portals.len();
    w = drop_each(w, t, n, |c, i| {
        c.array.portals.remove(i);
    });
    for i in 0..w.array.targets.len() {
        let mut c = w.clone();
        c.array.targets[i].initiators.clear();
        w = first(w, t, vec![c]);
        let groups = smaller(u64::from(w.array.targets[i].groups), 0);
        w = lowered(w, t, groups, |c, g| c.array.targets[i].groups = g as u16);
        let luns = smaller(u64::from(w.array.targets[i].luns), 0);
        w = lowered(w, t, luns, |c, l| c.array.targets[i].luns = l as u16);
    }
    let floor = w
        .array
        .targets
        .iter()
        .map(|t| t.groups)
        .max()
        .unwrap_or(0)
        .max(1);
    let limits = smaller(u64::from(w.array.group_limit), u64::from(floor));
    lowered(w, t, limits, |c, l| c.array.group_limit = l as u16)
}

/// Lowers what remains: fault times, durations, counts and probabilities;
/// sleeps; names kept by steps that nothing uses; jitter and latency spread.
fn values(mut w: WorldConfig, t: &mut Tester) -> WorldConfig {
    for i in 0..w.faults.rules.len() {
        w = lowered(w, t, vec![1.0], |c, p| c.faults.rules[i].probability = p);
        let at: Vec<Trigger> = match w.faults.rules[i].at {
            Trigger::AtMs(ms) => smaller(ms, 0).into_iter().map(Trigger::AtMs).collect(),
            Trigger::BeforeCall(n) => smaller(n, 1).into_iter().map(Trigger::BeforeCall).collect(),
        };
        w = lowered(w, t, at, |c, a| c.faults.rules[i].at = a);
        let faults = smaller_faults(&w.faults.rules[i].fault);
        w = lowered(w, t, faults, |c, f| c.faults.rules[i].fault = f);
    }
    for ci in 0..w.clients.len() {
        for si in 0..w.clients[ci].steps.len() {
            let steps = smaller_steps(&w.clients[ci].steps[si]);
            w = lowered(w, t, steps, |c, s| c.clients[ci].steps[si] = s);
        }
    }
    w = lowered(w, t, vec![Duration::ZERO], |c, j| c.array.op_jitter = j);
    let min = w.min_latency;
    lowered(w, t, vec![min], |c, m| c.max_latency = m)
}

/// Smaller values to try, smallest first: the floor, half, one less.
fn smaller(v: u64, floor: u64) -> Vec<u64> {
    let mut out = Vec::new();
    for x in [floor, floor + (v - floor.min(v)) / 2, v.saturating_sub(1)] {
        if x >= floor && x < v && !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// Smaller versions of a fault: shorter, fewer clients, certain loss, less slow.
fn smaller_faults(f: &Fault) -> Vec<Fault> {
    match f {
        Fault::ConcurrentCalls { clients, target } => smaller(u64::from(*clients), 1)
            .into_iter()
            .map(|n| Fault::ConcurrentCalls {
                clients: n as u32,
                target: target.clone(),
            })
            .collect(),
        Fault::LinkLoss {
            probability,
            duration_ms,
        } => {
            let mut v: Vec<Fault> = smaller(*duration_ms, 1)
                .into_iter()
                .map(|d| Fault::LinkLoss {
                    probability: *probability,
                    duration_ms: d,
                })
                .collect();
            if *probability != 1.0 {
                v.push(Fault::LinkLoss {
                    probability: 1.0,
                    duration_ms: *duration_ms,
                });
            }
            v
        }
        Fault::LinkPartition { duration_ms } => smaller(*duration_ms, 1)
            .into_iter()
            .map(|d| Fault::LinkPartition { duration_ms: d })
            .collect(),
        Fault::LinkHold { duration_ms } => smaller(*duration_ms, 1)
            .into_iter()
            .map(|d| Fault::LinkHold { duration_ms: d })
            .collect(),
        Fault::LinkLatency {
            extra_ms,
            duration_ms,
        } => smaller(*duration_ms, 1)
            .into_iter()
            .map(|d| Fault::LinkLatency {
                extra_ms: *extra_ms,
                duration_ms: d,
            })
            .chain(
                smaller(*extra_ms, 1)
                    .into_iter()
                    .map(|e| Fault::LinkLatency {
                        extra_ms: e,
                        duration_ms: *duration_ms,
                    }),
            )
            .collect(),
        Fault::SlowOperations {
            factor,
            duration_ms,
        } => smaller(*duration_ms, 1)
            .into_iter()
            .map(|d| Fault::SlowOperations {
                factor: *factor,
                duration_ms: d,
            })
            .chain(
                smaller(u64::from(*factor), 2)
                    .into_iter()
                    .map(|f| Fault::SlowOperations {
                        factor: f as u32,
                        duration_ms: *duration_ms,
                    }),
            )
            .collect(),
        _ => Vec::new(),
    }
}

/// Smaller versions of a step: shorter sleeps, nothing kept that need not be.
fn smaller_steps(s: &Step) -> Vec<Step> {
    match s {
        Step::Sleep { ms } => smaller(*ms, 0)
            .into_iter()
            .map(|ms| Step::Sleep { ms })
            .collect(),
        Step::Wait { op, bind: Some(_) } => vec![Step::Wait {
            op: op.clone(),
            bind: None,
        }],
        Step::GetTarget {
            group,
            bind: Some(_),
        } => vec![Step::GetTarget {
            group: group.clone(),
            bind: None,
        }],
        Step::QueryPortalGroups {
            target,
            bind: Some(_),
        } => vec![Step::QueryPortalGroups {
            target: target.clone(),
            bind: None,
        }],
        _ => Vec::new(),
    }
}
