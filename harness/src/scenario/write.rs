//! From a world back to scenario text: what `vds-harness shrink` hands back.
//! The text parses (under the default limits) to a scenario whose
//! [`Scenario::world`](super::Scenario::world) for its one seed and engine is
//! the world written, when [`writable`] holds for the world.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};
use vds_sim::faults::{FaultRule, Trigger};
use vds_sim::program::Step;
use vds_sim::world::WorldConfig;

use super::names;

/// The scenario file of one world: its seed and engine only, every field
/// that differs from the format's default, steps in the format's words.
///
/// ```
/// use vds_harness::scenario::{Scenario, write};
/// let world = vds_sim::workload::mixed(3);
/// let world = write::writable(&world);
/// let text = write::to_yaml(&world, "mixed-3", "the mixed world of seed 3");
/// let back = Scenario::parse(&text, "mixed-3.yaml").unwrap();
/// assert_eq!(back.world(3, world.engine), world);
/// ```
pub fn to_yaml(world: &WorldConfig, name: &str, description: &str) -> String {
    let defaults = WorldConfig::new(world.seed);
    let mut top = Mapping::new();
    put(&mut top, "name", name);
    if !description.is_empty() {
        put(&mut top, "description", description);
    }
    put(&mut top, "engine", world.engine.to_string());
    top.insert("seeds".into(), pairs([("start", world.seed), ("count", 1)]));
    if world.time_limit != defaults.time_limit {
        put(
            &mut top,
            "time_limit_ms",
            world.time_limit.as_millis() as u64,
        );
    }
    if (world.min_latency, world.max_latency) != (defaults.min_latency, defaults.max_latency) {
        top.insert(
            "latency_ms".into(),
            pairs([
                ("min", world.min_latency.as_millis() as u64),
                ("max", world.max_latency.as_millis() as u64),
            ]),
        );
    }
    top.insert("array".into(), array(world));
    if !world.faults.rules.is_empty() {
        let rules = world.faults.rules.iter().map(fault_rule).collect();
        top.insert("faults".into(), Value::Sequence(rules));
    }
    let clients = world
        .clients
        .iter()
        .map(|c| {
            let mut m = Mapping::new();
            put(&mut m, "name", c.name.as_str());
            let steps = c.steps.iter().map(step).collect();
            m.insert("steps".into(), Value::Sequence(steps));
            Value::Mapping(m)
        })
        .collect();
    top.insert("clients".into(), Value::Sequence(clients));
    serde_yaml::to_string(&Value::Mapping(top)).expect("a mapping of plain values serialises")
}

/// The world without what a scenario file may not say: steps naming an
/// object their client never bound (the client would skip them), fault
/// rules naming a target no one defines, and clients left with no step.
pub fn writable(world: &WorldConfig) -> WorldConfig {
    let dropped = unwritable(world);
    let mut out = world.clone();
    for c in &mut out.clients {
        let mut n = 0;
        c.steps.retain(|_| {
            n += 1;
            !dropped.contains(&(c.name.clone(), n))
        });
    }
    out.clients.retain(|c| !c.steps.is_empty());
    let targets: Vec<String> = world.array.targets.iter().map(|t| t.name.clone()).collect();
    let defined = names::array_targets(&targets, out.clients.iter().flat_map(|c| c.steps.iter()));
    out.faults
        .rules
        .retain(|r| names::fault(&r.fault, &defined).is_ok());
    out
}

/// The steps (client, 1-based step number) naming an object their client
/// never bound before them: a scenario file may not say them.
pub fn unwritable(world: &WorldConfig) -> BTreeSet<(String, usize)> {
    let targets: Vec<String> = world.array.targets.iter().map(|t| t.name.clone()).collect();
    let portals: Vec<String> = world
        .array
        .portals
        .iter()
        .map(|(a, p)| format!("{a}:{p}"))
        .collect();
    let mut out = BTreeSet::new();
    for c in &world.clients {
        let mut env = names::Env::new(&targets, &portals);
        for (i, s) in c.steps.iter().enumerate() {
            if env.step(s).is_err() {
                out.insert((c.name.clone(), i + 1));
            }
        }
    }
    out
}

fn put(m: &mut Mapping, key: &str, value: impl Into<Value>) {
    m.insert(key.into(), value.into());
}

fn pairs<const N: usize>(kv: [(&str, u64); N]) -> Value {
    let mut m = Mapping::new();
    for (k, v) in kv {
        put(&mut m, k, v);
    }
    Value::Mapping(m)
}

fn array(world: &WorldConfig) -> Value {
    let a = &world.array;
    let d = vds_sim::array::ArrayConfig::default();
    let mut m = Mapping::new();
    if a.group_limit != d.group_limit {
        put(&mut m, "group_limit", u64::from(a.group_limit));
    }
    if a.op_time != d.op_time {
        put(&mut m, "op_time_ms", a.op_time.as_millis() as u64);
    }
    if a.op_jitter != d.op_jitter {
        put(&mut m, "op_jitter_ms", a.op_jitter.as_millis() as u64);
    }
    let targets: Vec<Value> = a
        .targets
        .iter()
        .map(|t| {
            let mut tm = Mapping::new();
            put(&mut tm, "name", t.name.as_str());
            if t.groups > 0 {
                put(&mut tm, "groups", u64::from(t.groups));
            }
            if t.luns > 0 {
                put(&mut tm, "luns", u64::from(t.luns));
            }
            if !t.initiators.is_empty() {
                let i = t.initiators.iter().map(|s| Value::from(s.as_str()));
                tm.insert("initiators".into(), Value::Sequence(i.collect()));
            }
            Value::Mapping(tm)
        })
        .collect();
    if !targets.is_empty() {
        m.insert("targets".into(), Value::Sequence(targets));
    }
    if !a.portals.is_empty() {
        let p = a
            .portals
            .iter()
            .map(|(h, p)| Value::from(format!("{h}:{p}")));
        m.insert("portals".into(), Value::Sequence(p.collect()));
    }
    Value::Mapping(m)
}

fn fault_rule(r: &FaultRule) -> Value {
    let mut m = Mapping::new();
    match r.at {
        Trigger::AtMs(ms) => put(&mut m, "at_ms", ms),
        Trigger::BeforeCall(n) => put(&mut m, "before_call", n),
    }
    if r.probability != 1.0 {
        put(&mut m, "probability", r.probability);
    }
    let fault = serde_yaml::to_value(&r.fault).expect("a fault serialises");
    m.insert("fault".into(), fault);
    Value::Mapping(m)
}

/// A step as the format writes it: `call:` first, no field left at its
/// default (`as: op`, `op: op`, an absent option).
fn step(s: &Step) -> Value {
    let Value::Mapping(full) = serde_yaml::to_value(s).expect("a step serialises") else {
        unreachable!("a step serialises as a mapping")
    };
    let op_default = match s {
        _ if s.started_op().is_some() => Some("as"),
        Step::Wait { .. } | Step::QueryStatus { .. } | Step::Cancel { .. } => Some("op"),
        _ => None,
    };
    let mut m = Mapping::new();
    for (k, v) in full {
        let key = k.as_str().unwrap_or_default();
        if v.is_null() || (op_default == Some(key) && v.as_str() == Some("op")) {
            continue;
        }
        m.insert(k, v);
    }
    Value::Mapping(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::CAMPAIGNS;
    use crate::scenario::Scenario;
    use vds_sim::runtime::EngineKind;

    #[test]
    fn every_campaign_world_reads_back_as_written() {
        for c in CAMPAIGNS {
            for seed in 0..4 {
                for engine in EngineKind::ALL {
                    let world = writable(&(c.build)(seed).engine(engine));
                    let text = to_yaml(&world, c.name, c.about);
                    let back = Scenario::parse(&text, "written.yaml")
                        .unwrap_or_else(|e| panic!("{} seed {seed}: {e}\n{text}", c.name));
                    assert_eq!(back.world(seed, engine), world, "{}\n{text}", c.name);
                }
            }
        }
    }

    #[test]
    fn only_unwritable_parts_are_left_out() {
        for c in CAMPAIGNS.iter().filter(|c| c.name != "mixed") {
            let world = (c.build)(0);
            assert_eq!(writable(&world), world, "{}", c.name);
        }
    }
}
