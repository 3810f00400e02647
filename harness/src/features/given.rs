//! Given steps: the seed, engine and provider, the array's shape, set-up
//! calls a client makes before the scenario's own, and the faults (which may
//! also be written as When steps).

use std::time::Duration;

use cucumber::{given, when};
use vds_sim::faults::Fault;
use vds_sim::program::Step;
use vds_sim::runtime::EngineKind;

use super::world::{Alias, VdsWorld, factory_for};

// ------------------------------------------------------- seed, engine, provider

#[given(regex = r"^seed (\d+)$")]
fn given_seed(w: &mut VdsWorld, seed: u64) {
    w.changed();
    w.seed = seed;
}

#[given(regex = r"^the (madsim|turmoil) engine$")]
fn given_engine(w: &mut VdsWorld, engine: String) -> Result<(), String> {
    w.changed();
    w.engines = vec![engine.parse::<EngineKind>()?];
    Ok(())
}

#[given(regex = r"^both engines$")]
fn both_engines(w: &mut VdsWorld) {
    w.changed();
    w.engines = EngineKind::ALL.to_vec();
}

#[given(regex = r#"^the provider under test is "([^"]*)"$"#)]
fn provider(w: &mut VdsWorld, name: String) -> Result<(), String> {
    w.changed();
    w.factory = Ok(factory_for(&name)?);
    w.provider_name = name;
    Ok(())
}

// ---------------------------------------------------------------- the array

#[given(regex = r"^an array whose targets may have at most (\d+) portal groups?$")]
fn group_limit(w: &mut VdsWorld, limit: u16) {
    w.changed();
    w.array.group_limit = limit;
}

#[given(regex = r"^each array operation takes (\d+) ms plus up to (\d+) ms$")]
fn op_time(w: &mut VdsWorld, time_ms: u64, jitter_ms: u64) {
    w.changed();
    w.array.op_time = Duration::from_millis(time_ms);
    w.array.op_jitter = Duration::from_millis(jitter_ms);
}

#[given(regex = r"^each message between provider and array takes (\d+) to (\d+) ms$")]
fn latency(w: &mut VdsWorld, min_ms: u64, max_ms: u64) {
    w.changed();
    w.latency = Some((Duration::from_millis(min_ms), Duration::from_millis(max_ms)));
}

#[given(regex = r"^the run is declared hung after (\d+) ms$")]
fn time_limit(w: &mut VdsWorld, ms: u64) {
    w.changed();
    w.time_limit = Some(Duration::from_millis(ms));
}

#[given(regex = r#"^a target "([^"]*)"$"#)]
fn target(w: &mut VdsWorld, name: String) {
    w.target_mut(&name);
}

#[given(regex = r#"^a target "([^"]*)" with (\d+) portal groups?$"#)]
fn target_with_groups(w: &mut VdsWorld, name: String, groups: u16) {
    w.target_mut(&name).groups = groups;
}

#[given(regex = r#"^a target "([^"]*)" with (\d+) associated LUNs?$"#)]
fn target_with_luns(w: &mut VdsWorld, name: String, luns: u16) {
    w.target_mut(&name).luns = luns;
}

#[given(regex = r#"^initiator "([^"]*)" is logged in to target "([^"]*)"$"#)]
fn initiator_logged_in(w: &mut VdsWorld, initiator: String, target: String) {
    w.target_mut(&target).initiators.push(initiator);
}

#[given(regex = r#"^a portal at "([^"]*):(\d+)"$"#)]
fn portal(w: &mut VdsWorld, address: String, port: u32) {
    w.changed();
    w.array.portals.push((address, port));
}

// ------------------------------------------------- set-up calls of a client

#[given(regex = r#"^client "([^"]*)" holds a new portal group "([^"]*)" of target "([^"]*)"$"#)]
fn holds_new_group(w: &mut VdsWorld, client: String, group: String, target: String) {
    let op = format!("setup:{group}");
    let target = w.binding(&client, &target);
    w.push(
        &client,
        Step::CreatePortalGroup {
            target,
            bind: op.clone(),
        },
    );
    let n = w.push(
        &client,
        Step::Wait {
            op,
            bind: Some(group.clone()),
        },
    );
    w.alias(
        &client,
        &group,
        Alias {
            binding: group.clone(),
            from_wait: Some(n),
        },
    );
}

#[given(
    regex = r#"^client "([^"]*)" holds the existing portal groups of target "([^"]*)" as (.+)$"#
)]
fn holds_existing_groups(
    w: &mut VdsWorld,
    client: String,
    target: String,
    names: String,
) -> Result<(), String> {
    let names = quoted_list(&names)?;
    let prefix = format!("existing:{target}");
    let bound = w.binding(&client, &target);
    w.push(
        &client,
        Step::QueryPortalGroups {
            target: bound,
            bind: Some(prefix.clone()),
        },
    );
    for (i, name) in names.iter().enumerate() {
        w.alias(
            &client,
            name,
            Alias {
                binding: format!("{prefix}.{i}"),
                from_wait: None,
            },
        );
    }
    Ok(())
}

#[given(regex = r#"^client "([^"]*)" has added portal "([^"]*)" to portal group "([^"]*)"$"#)]
fn has_added_portal(w: &mut VdsWorld, client: String, portal: String, group: String) {
    let op = format!("setup:add:{portal}");
    let bound = w.binding(&client, &group);
    w.push(
        &client,
        Step::AddPortal {
            group: bound,
            portal,
            bind: op.clone(),
        },
    );
    w.push(&client, Step::Wait { op, bind: None });
}

/// `"a"`, `"a" and "b"`, `"a", "b" and "c"`.
pub fn quoted_list(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        rest = rest
            .trim_start_matches(',')
            .trim_start()
            .trim_start_matches("and ")
            .trim_start();
        let inner = rest
            .strip_prefix('"')
            .ok_or_else(|| format!("expected a quoted name in `{s}`"))?;
        let end = inner
            .find('"')
            .ok_or_else(|| format!("unterminated quote in `{s}`"))?;
        out.push(inner[..end].to_string());
        rest = inner[end + 1..].trim_start();
    }
    if out.is_empty() {
        return Err(format!("expected at least one quoted name in `{s}`"));
    }
    Ok(out)
}

// ------------------------------------------------------------------- faults
//
// Each fault fires just before the next call a client step adds, unless the
// step ends with `before call N` (N counts every client's calls, in the
// order they are made) or `at N ms` (simulated time).

#[given(regex = r"^the provider's cache is corrupted(?:,? (before call \d+|at \d+ ms))?$")]
#[when(regex = r"^the provider's cache is corrupted(?:,? (before call \d+|at \d+ ms))?$")]
fn cache_corrupted(w: &mut VdsWorld, when: String) -> Result<(), String> {
    w.add_fault(Fault::CacheCorruption, Some(&when))
}

#[given(
    regex = r#"^target "([^"]*)" is deleted on the array behind the provider's back(?:,? (before call \d+|at \d+ ms))?$"#
)]
#[when(
    regex = r#"^target "([^"]*)" is deleted on the array behind the provider's back(?:,? (before call \d+|at \d+ ms))?$"#
)]
fn target_deleted_behind(w: &mut VdsWorld, target: String, when: String) -> Result<(), String> {
    w.add_fault(Fault::DeleteTarget { target }, Some(&when))
}

#[given(
    regex = r#"^portal group (\d+) of target "([^"]*)" is deleted on the array behind the provider's back(?:,? (before call \d+|at \d+ ms))?$"#
)]
#[when(
    regex = r#"^portal group (\d+) of target "([^"]*)" is deleted on the array behind the provider's back(?:,? (before call \d+|at \d+ ms))?$"#
)]
fn group_deleted_behind(
    w: &mut VdsWorld,
    tag: u16,
    target: String,
    when: String,
) -> Result<(), String> {
    w.add_fault(Fault::DeletePortalGroup { target, tag }, Some(&when))
}

#[given(
    regex = r#"^a portal group of target "([^"]*)" is created on the array behind the provider's back(?:,? (before call \d+|at \d+ ms))?$"#
)]
#[when(
    regex = r#"^a portal group of target "([^"]*)" is created on the array behind the provider's back(?:,? (before call \d+|at \d+ ms))?$"#
)]
fn group_created_behind(w: &mut VdsWorld, target: String, when: String) -> Result<(), String> {
    w.add_fault(Fault::CreatePortalGroup { target }, Some(&when))
}

#[given(regex = r"^the provider's next allocation fails(?:,? (before call \d+|at \d+ ms))?$")]
#[when(regex = r"^the provider's next allocation fails(?:,? (before call \d+|at \d+ ms))?$")]
fn allocation_fails(w: &mut VdsWorld, when: String) -> Result<(), String> {
    w.add_fault(Fault::AllocationFailure, Some(&when))
}

#[given(
    regex = r"^the array refuses the next request as malformed(?:,? (before call \d+|at \d+ ms))?$"
)]
#[when(
    regex = r"^the array refuses the next request as malformed(?:,? (before call \d+|at \d+ ms))?$"
)]
fn array_refuses(w: &mut VdsWorld, when: String) -> Result<(), String> {
    w.add_fault(Fault::InvalidArgument, Some(&when))
}

#[given(
    regex = r"^the link between provider and array is partitioned for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
#[when(
    regex = r"^the link between provider and array is partitioned for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
fn link_partitioned(w: &mut VdsWorld, duration_ms: u64, when: String) -> Result<(), String> {
    w.add_fault(Fault::LinkPartition { duration_ms }, Some(&when))
}

#[given(
    regex = r"^messages between provider and array are held for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
#[when(
    regex = r"^messages between provider and array are held for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
fn link_held(w: &mut VdsWorld, duration_ms: u64, when: String) -> Result<(), String> {
    w.add_fault(Fault::LinkHold { duration_ms }, Some(&when))
}

#[given(
    regex = r"^array operations become (\d+) times slower for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
#[when(
    regex = r"^array operations become (\d+) times slower for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
fn slow_operations(
    w: &mut VdsWorld,
    factor: u32,
    duration_ms: u64,
    when: String,
) -> Result<(), String> {
    w.add_fault(
        Fault::SlowOperations {
            factor,
            duration_ms,
        },
        Some(&when),
    )
}

#[given(
    regex = r#"^(\d+) other clients call CreatePortalGroup on target "([^"]*)" at the same moment(?:,? (before call \d+|at \d+ ms))?$"#
)]
#[when(
    regex = r#"^(\d+) other clients call CreatePortalGroup on target "([^"]*)" at the same moment(?:,? (before call \d+|at \d+ ms))?$"#
)]
fn concurrent_calls(
    w: &mut VdsWorld,
    clients: u32,
    target: String,
    when: String,
) -> Result<(), String> {
    w.add_fault(Fault::ConcurrentCalls { clients, target }, Some(&when))
}

#[given(
    regex = r"^messages between provider and array are lost with probability ([0-9.]+) for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
#[when(
    regex = r"^messages between provider and array are lost with probability ([0-9.]+) for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
fn link_loss(
    w: &mut VdsWorld,
    probability: f64,
    duration_ms: u64,
    when: String,
) -> Result<(), String> {
    w.add_fault(
        Fault::LinkLoss {
            probability,
            duration_ms,
        },
        Some(&when),
    )
}

#[given(
    regex = r"^messages between provider and array take (\d+) ms longer for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
#[when(
    regex = r"^messages between provider and array take (\d+) ms longer for (\d+) ms(?:,? (before call \d+|at \d+ ms))?$"
)]
fn link_latency(
    w: &mut VdsWorld,
    extra_ms: u64,
    duration_ms: u64,
    when: String,
) -> Result<(), String> {
    w.add_fault(
        Fault::LinkLatency {
            extra_ms,
            duration_ms,
        },
        Some(&when),
    )
}

#[given(regex = r"^that fault fires with probability ([0-9.]+)$")]
#[when(regex = r"^that fault fires with probability ([0-9.]+)$")]
fn fault_probability(w: &mut VdsWorld, probability: f64) -> Result<(), String> {
    if !(0.0..=1.0).contains(&probability) {
        return Err(format!(
            "a probability is between 0 and 1, not {probability}"
        ));
    }
    w.changed();
    let rule = w
        .faults
        .rules
        .last_mut()
        .ok_or("no fault has been described yet")?;
    rule.probability = probability;
    Ok(())
}

#[given(regex = r"^the provider restarts(?:,? (before call \d+|at \d+ ms))?$")]
#[when(regex = r"^the provider restarts(?:,? (before call \d+|at \d+ ms))?$")]
fn provider_restarts(w: &mut VdsWorld, when: String) -> Result<(), String> {
    w.add_fault(Fault::ProviderRestart, Some(&when))
}
