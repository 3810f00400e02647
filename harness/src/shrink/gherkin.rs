//! A world written as one Gherkin scenario in the words of the project's
//! features (`features/`, step definitions in `tests/features/`), ending in
//! the step that judges the run with every check of the contract. Run
//! against the provider that failed, the scenario fails with the same
//! check; a provider author can keep it as a regression test.

use std::fmt::Write as _;

use vds_sim::array::ArrayConfig;
use vds_sim::faults::{Fault, FaultRule, Trigger};
use vds_sim::program::Step;
use vds_sim::world::WorldConfig;

use crate::checks::CheckId;

/// The feature file for a world: one scenario, every Given, When and Then
/// in the features' vocabulary. Steps the vocabulary has no words for
/// are written as comments, so the file says what it leaves out.
pub fn feature(world: &WorldConfig, title: &str, about: &str, check: CheckId) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "# {about}.");
    let _ = writeln!(
        t,
        "# Against the provider that failed it, the last step fails with {check}."
    );
    let _ = writeln!(
        t,
        "# Run: vds-harness features FILE --provider P (or VDS_PROVIDER=P cargo test --test features -- --input FILE)"
    );
    let _ = writeln!(t, "Feature: {title}\n\n  Scenario: {title}");
    let mut lines = Vec::new();
    lines.push(format!("Given seed {}", world.seed));
    lines.push(format!("And the {} engine", world.engine));
    world_settings(world, &mut lines);
    array(&world.array, &mut lines);
    for r in &world.faults.rules {
        lines.extend(fault(r));
    }
    let mut when = true;
    for c in &world.clients {
        for s in &c.steps {
            let line = sentence(&c.name, s, &c.steps);
            let word = if line.starts_with('#') {
                ""
            } else if when {
                when = false;
                "When "
            } else {
                "And "
            };
            lines.push(format!("{word}{line}"));
        }
    }
    lines.push("Then no check of the contract finds a violation".to_string());
    for l in lines {
        let _ = writeln!(t, "    {l}");
    }
    t
}

fn world_settings(w: &WorldConfig, lines: &mut Vec<String>) {
    let d = WorldConfig::new(w.seed);
    let a = ArrayConfig::default();
    if w.array.group_limit != a.group_limit {
        let n = w.array.group_limit;
        let s = if n == 1 { "" } else { "s" };
        lines.push(format!(
            "And an array whose targets may have at most {n} portal group{s}"
        ));
    }
    if (w.array.op_time, w.array.op_jitter) != (a.op_time, a.op_jitter) {
        lines.push(format!(
            "And each array operation takes {} ms plus up to {} ms",
            w.array.op_time.as_millis(),
            w.array.op_jitter.as_millis()
        ));
    }
    if (w.min_latency, w.max_latency) != (d.min_latency, d.max_latency) {
        lines.push(format!(
            "And each message between provider and array takes {} to {} ms",
            w.min_latency.as_millis(),
            w.max_latency.as_millis()
        ));
    }
    if w.time_limit != d.time_limit {
        lines.push(format!(
            "And the run is declared hung after {} ms",
            w.time_limit.as_millis()
        ));
    }
}

fn array(a: &ArrayConfig, lines: &mut Vec<String>) {
    for t in &a.targets {
        if t.groups == 0 && t.luns == 0 && t.initiators.is_empty() {
            lines.push(format!("And a target \"{}\"", t.name));
        }
        if t.groups > 0 {
            let s = if t.groups == 1 { "" } else { "s" };
            lines.push(format!(
                "And a target \"{}\" with {} portal group{s}",
                t.name, t.groups
            ));
        }
        if t.luns > 0 {
            let s = if t.luns == 1 { "" } else { "s" };
            lines.push(format!(
                "And a target \"{}\" with {} associated LUN{s}",
                t.name, t.luns
            ));
        }
        for i in &t.initiators {
            lines.push(format!(
                "And initiator \"{i}\" is logged in to target \"{}\"",
                t.name
            ));
        }
    }
    for (addr, port) in &a.portals {
        lines.push(format!("And a portal at \"{addr}:{port}\""));
    }
}

fn fault(r: &FaultRule) -> Vec<String> {
    let what = match &r.fault {
        Fault::CacheCorruption => "the provider's cache is corrupted".to_string(),
        Fault::DeleteTarget { target } => {
            format!("target \"{target}\" is deleted on the array behind the provider's back")
        }
        Fault::DeletePortalGroup { target, tag } => format!(
            "portal group {tag} of target \"{target}\" is deleted on the array behind the provider's back"
        ),
        Fault::CreatePortalGroup { target } => format!(
            "a portal group of target \"{target}\" is created on the array behind the provider's back"
        ),
        Fault::ConcurrentCalls { clients, target } => format!(
            "{clients} other clients call CreatePortalGroup on target \"{target}\" at the same moment"
        ),
        Fault::AllocationFailure => "the provider's next allocation fails".to_string(),
        Fault::InvalidArgument => "the array refuses the next request as malformed".to_string(),
        Fault::LinkLoss {
            probability,
            duration_ms,
        } => format!(
            "messages between provider and array are lost with probability {probability} for {duration_ms} ms"
        ),
        Fault::LinkPartition { duration_ms } => {
            format!("the link between provider and array is partitioned for {duration_ms} ms")
        }
        Fault::LinkHold { duration_ms } => {
            format!("messages between provider and array are held for {duration_ms} ms")
        }
        Fault::LinkLatency {
            extra_ms,
            duration_ms,
        } => format!(
            "messages between provider and array take {extra_ms} ms longer for {duration_ms} ms"
        ),
        Fault::SlowOperations {
            factor,
            duration_ms,
        } => format!("array operations become {factor} times slower for {duration_ms} ms"),
        Fault::ProviderRestart => "the provider restarts".to_string(),
    };
    let when = match r.at {
        Trigger::AtMs(ms) => format!("at {ms} ms"),
        Trigger::BeforeCall(n) => format!("before call {n}"),
    };
    let mut v = vec![format!("And {what}, {when}")];
    if r.probability != 1.0 {
        v.push(format!(
            "And that fault fires with probability {}",
            r.probability
        ));
    }
    v
}

/// ` as operation "X"` unless X is the default `op`.
fn as_op(bind: &str) -> String {
    if bind == "op" {
        String::new()
    } else {
        format!(" as operation \"{bind}\"")
    }
}

/// What a Wait on `op` hands back, by the call that last bound `op` before it.
fn kept(op: &str, steps: &[Step], wait: &Step) -> &'static str {
    let upto = steps
        .iter()
        .position(|s| std::ptr::eq(s, wait))
        .unwrap_or(steps.len());
    let starter = steps[..upto]
        .iter()
        .rev()
        .find(|s| s.started_op().is_some_and(|b| b == op));
    match starter {
        Some(Step::CreateTarget { .. }) => "the target",
        _ => "the portal group",
    }
}

/// One step as a sentence (without its keyword), or a `#` comment when
/// the vocabulary has no words for it.
pub(crate) fn sentence(c: &str, s: &Step, steps: &[Step]) -> String {
    let c = format!("client \"{c}\"");
    match s {
        Step::Reenumerate => format!("{c} calls Reenumerate"),
        Step::Refresh => format!("{c} calls Refresh"),
        Step::QueryTargets => format!("{c} calls QueryTargets"),
        Step::QueryPortals => format!("{c} calls QueryPortals"),
        Step::CreateTarget {
            iscsi_name: Some(n),
            friendly_name,
            bind,
        } => format!(
            "{c} calls CreateTarget with iSCSI name \"{n}\" and friendly name \"{friendly_name}\"{}",
            as_op(bind)
        ),
        Step::CreateTarget {
            iscsi_name: None,
            friendly_name,
            bind,
        } => format!(
            "{c} calls CreateTarget with a NULL iSCSI name and friendly name \"{friendly_name}\"{}",
            as_op(bind)
        ),
        Step::CreatePortalGroup { target, bind } => {
            format!(
                "{c} calls CreatePortalGroup on target \"{target}\"{}",
                as_op(bind)
            )
        }
        Step::Wait { op, bind } => format!(
            "{c} waits for operation \"{op}\"{}",
            bind.as_ref()
                .map(|b| format!(" and keeps {} as \"{b}\"", kept(op, steps, s)))
                .unwrap_or_default()
        ),
        Step::QueryStatus { op } => format!("{c} queries the status of operation \"{op}\""),
        Step::Cancel { op } => format!("{c} cancels operation \"{op}\""),
        Step::Release { name } => format!("{c} releases \"{name}\""),
        Step::Leak { name } => format!("{c} leaks \"{name}\""),
        Step::Sleep { ms } => format!("{c} waits {ms} ms"),
        other => target_sentence(&c, other)
            .or_else(|| group_sentence(&c, other))
            .unwrap_or_else(|| format!("# (no words for this step: {other:?})")),
    }
}

/// A call on a target as a sentence, if it is one the vocabulary has words for.
fn target_sentence(c: &str, s: &Step) -> Option<String> {
    Some(match s {
        Step::DeleteTarget { target, bind } => {
            format!("{c} calls Delete on target \"{target}\"{}", as_op(bind))
        }
        Step::GetTargetProperties { target } => {
            format!("{c} calls GetProperties on target \"{target}\"")
        }
        Step::GetSubSystem { target } => format!("{c} calls GetSubSystem on target \"{target}\""),
        Step::QueryPortalGroups { target, bind: None } => {
            format!("{c} calls QueryPortalGroups on target \"{target}\"")
        }
        Step::QueryPortalGroups {
            target,
            bind: Some(p),
        } => format!(
            "{c} calls QueryPortalGroups on target \"{target}\" and keeps the portal groups as \"{p}\""
        ),
        Step::QueryAssociatedLuns { target } => {
            format!("{c} calls QueryAssociatedLuns on target \"{target}\"")
        }
        Step::GetConnectedInitiators { target } => {
            format!("{c} calls GetConnectedInitiators on target \"{target}\"")
        }
        Step::SetFriendlyName { target, name } => {
            format!("{c} calls SetFriendlyName on target \"{target}\" with \"{name}\"")
        }
        Step::SetSharedSecret {
            target,
            secret: Some(secret),
            null_secret_with_size: None,
            initiator,
        } => format!(
            "{c} calls SetSharedSecret on target \"{target}\" with secret \"{secret}\"{}",
            initiator
                .as_ref()
                .map(|i| format!(" for initiator \"{i}\""))
                .unwrap_or_default()
        ),
        Step::SetSharedSecret {
            target,
            secret: None,
            null_secret_with_size: Some(size),
            initiator: None,
        } => format!(
            "{c} calls SetSharedSecret on target \"{target}\" with a NULL secret of size {size}"
        ),
        Step::RememberInitiatorSharedSecret {
            target,
            initiator,
            secret: Some(secret),
        } => format!(
            "{c} calls RememberInitiatorSharedSecret on target \"{target}\" for {} with secret \"{secret}\"",
            initiator
                .as_ref()
                .map(|i| format!("initiator \"{i}\""))
                .unwrap_or_else(|| "a NULL initiator".to_string())
        ),
        _ => return None,
    })
}

/// A call on a portal group or a portal as a sentence.
fn group_sentence(c: &str, s: &Step) -> Option<String> {
    Some(match s {
        Step::GetPortalGroupProperties { group } => {
            format!("{c} calls GetProperties on portal group \"{group}\"")
        }
        Step::QueryAssociatedPortals { group } => {
            format!("{c} calls QueryAssociatedPortals on portal group \"{group}\"")
        }
        Step::DeletePortalGroup { group, bind } => {
            format!(
                "{c} calls Delete on portal group \"{group}\"{}",
                as_op(bind)
            )
        }
        Step::GetTarget { group, bind } => format!(
            "{c} calls GetTarget on portal group \"{group}\"{}",
            bind.as_ref()
                .map(|b| format!(" and keeps the target as \"{b}\""))
                .unwrap_or_default()
        ),
        Step::AddPortal {
            group,
            portal,
            bind,
        } => format!(
            "{c} calls AddPortal on portal group \"{group}\" with portal \"{portal}\"{}",
            as_op(bind)
        ),
        Step::RemovePortal {
            group,
            portal,
            bind,
        } => format!(
            "{c} calls RemovePortal on portal group \"{group}\" with portal \"{portal}\"{}",
            as_op(bind)
        ),
        Step::GetPortalProperties { portal } => {
            format!("{c} calls GetProperties on portal \"{portal}\"")
        }
        Step::GetPortalSubSystem { portal } => {
            format!("{c} calls GetSubSystem on portal \"{portal}\"")
        }
        Step::QueryAssociatedPortalGroups { portal } => {
            format!("{c} calls QueryAssociatedPortalGroups on portal \"{portal}\"")
        }
        Step::SetPortalStatus { portal, status } => {
            format!(
                "{c} calls SetStatus on portal \"{portal}\" with {}",
                status.name()
            )
        }
        _ => return None,
    })
}
