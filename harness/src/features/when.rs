//! When steps: the calls a client makes, in its program's order. Each makes
//! "the call" that the next Then step asserts on. Objects are named as the
//! scenario names them: targets present at the start by friendly name,
//! portals by `address:port`, and objects handed back by the name a step
//! keeps them as.

use cucumber::when;
use vds_sim::program::Step;

use super::world::{Alias, VdsWorld};

fn op_name(op: &str) -> String {
    if op.is_empty() {
        "op".to_string()
    } else {
        op.to_string()
    }
}

// ------------------------------------------------------------------ IVdsAsync

#[when(
    regex = r#"^client "([^"]*)" waits for (?:the operation|operation "([^"]*)")(?: and keeps (?:the portal group|the target) as "([^"]*)")?$"#
)]
fn wait(w: &mut VdsWorld, client: String, op: String, keep: String) {
    let bind = (!keep.is_empty()).then(|| keep.clone());
    let n = w.push(
        &client,
        Step::Wait {
            op: op_name(&op),
            bind,
        },
    );
    if !keep.is_empty() {
        w.alias(
            &client,
            &keep,
            Alias {
                binding: keep.clone(),
                from_wait: Some(n),
            },
        );
    }
}

#[when(regex = r#"^client "([^"]*)" queries the status of (?:the operation|operation "([^"]*)")$"#)]
fn query_status(w: &mut VdsWorld, client: String, op: String) {
    w.push(&client, Step::QueryStatus { op: op_name(&op) });
}

#[when(regex = r#"^client "([^"]*)" cancels (?:the operation|operation "([^"]*)")$"#)]
fn cancel(w: &mut VdsWorld, client: String, op: String) {
    w.push(&client, Step::Cancel { op: op_name(&op) });
}

#[when(regex = r#"^client "([^"]*)" waits (\d+) ms$"#)]
fn sleep(w: &mut VdsWorld, client: String, ms: u64) {
    w.push(&client, Step::Sleep { ms });
}

#[when(regex = r#"^client "([^"]*)" leaks "([^"]*)"$"#)]
fn leak(w: &mut VdsWorld, client: String, name: String) {
    let name = w.binding(&client, &name);
    w.push(&client, Step::Leak { name });
}

#[when(regex = r#"^client "([^"]*)" releases "([^"]*)"$"#)]
fn release(w: &mut VdsWorld, client: String, name: String) {
    let name = w.binding(&client, &name);
    w.push(&client, Step::Release { name });
}

// ------------------------------------------------------------- IVdsHwProvider

#[when(regex = r#"^client "([^"]*)" calls (Reenumerate|Refresh)$"#)]
fn hw_provider(w: &mut VdsWorld, client: String, method: String) {
    let step = if method == "Reenumerate" {
        Step::Reenumerate
    } else {
        Step::Refresh
    };
    w.push(&client, step);
}

// --------------------------------------------------------- IVdsSubSystemIscsi

#[when(regex = r#"^client "([^"]*)" calls (QueryTargets|QueryPortals)$"#)]
fn subsystem_query(w: &mut VdsWorld, client: String, method: String) {
    let step = if method == "QueryTargets" {
        Step::QueryTargets
    } else {
        Step::QueryPortals
    };
    w.push(&client, step);
}

#[when(
    regex = r#"^client "([^"]*)" calls CreateTarget with iSCSI name "([^"]*)" and friendly name "([^"]*)"(?: as operation "([^"]*)")?$"#
)]
fn create_target(
    w: &mut VdsWorld,
    client: String,
    iscsi_name: String,
    friendly_name: String,
    op: String,
) {
    w.push(
        &client,
        Step::CreateTarget {
            iscsi_name: Some(iscsi_name),
            friendly_name,
            bind: op_name(&op),
        },
    );
}

#[when(
    regex = r#"^client "([^"]*)" calls CreateTarget with a NULL iSCSI name and friendly name "([^"]*)"(?: as operation "([^"]*)")?$"#
)]
fn create_target_unnamed(w: &mut VdsWorld, client: String, friendly_name: String, op: String) {
    w.push(
        &client,
        Step::CreateTarget {
            iscsi_name: None,
            friendly_name,
            bind: op_name(&op),
        },
    );
}

// ------------------------------------------------------------ IVdsIscsiTarget

#[when(
    regex = r#"^client "([^"]*)" calls CreatePortalGroup on target "([^"]*)"(?: as operation "([^"]*)")?$"#
)]
fn create_portal_group(w: &mut VdsWorld, client: String, target: String, op: String) {
    let target = w.binding(&client, &target);
    w.push(
        &client,
        Step::CreatePortalGroup {
            target,
            bind: op_name(&op),
        },
    );
}

#[when(
    regex = r#"^client "([^"]*)" calls (GetProperties|GetSubSystem|QueryPortalGroups|QueryAssociatedLuns|Delete|GetConnectedInitiators) on target "([^"]*)"(?: as operation "([^"]*)")?$"#
)]
fn target_call(
    w: &mut VdsWorld,
    client: String,
    method: String,
    target: String,
    op: String,
) -> Result<(), String> {
    if !op.is_empty() && method != "Delete" {
        return Err(format!("{method} starts no operation to name \"{op}\""));
    }
    let target = w.binding(&client, &target);
    let step = match method.as_str() {
        "GetProperties" => Step::GetTargetProperties { target },
        "QueryPortalGroups" => Step::QueryPortalGroups { target, bind: None },
        "QueryAssociatedLuns" => Step::QueryAssociatedLuns { target },
        "GetSubSystem" => Step::GetSubSystem { target },
        "Delete" => Step::DeleteTarget {
            target,
            bind: op_name(&op),
        },
        _ => Step::GetConnectedInitiators { target },
    };
    w.push(&client, step);
    Ok(())
}

#[when(
    regex = r#"^client "([^"]*)" calls QueryPortalGroups on target "([^"]*)" and keeps the portal groups as "([^"]*)"$"#
)]
fn query_groups_kept(w: &mut VdsWorld, client: String, target: String, prefix: String) {
    let target = w.binding(&client, &target);
    w.push(
        &client,
        Step::QueryPortalGroups {
            target,
            bind: Some(prefix),
        },
    );
}

#[when(regex = r#"^client "([^"]*)" calls SetFriendlyName on target "([^"]*)" with "([^"]*)"$"#)]
fn set_friendly_name(w: &mut VdsWorld, client: String, target: String, name: String) {
    let target = w.binding(&client, &target);
    w.push(&client, Step::SetFriendlyName { target, name });
}

#[when(
    regex = r#"^client "([^"]*)" calls SetSharedSecret on target "([^"]*)" with secret "([^"]*)"(?: for initiator "([^"]*)")?$"#
)]
fn set_shared_secret(
    w: &mut VdsWorld,
    client: String,
    target: String,
    secret: String,
    initiator: String,
) {
    let target = w.binding(&client, &target);
    w.push(
        &client,
        Step::SetSharedSecret {
            target,
            secret: Some(secret),
            null_secret_with_size: None,
            initiator: (!initiator.is_empty()).then_some(initiator),
        },
    );
}

#[when(
    regex = r#"^client "([^"]*)" calls SetSharedSecret on target "([^"]*)" with a NULL secret of size (\d+)$"#
)]
fn set_shared_secret_null(w: &mut VdsWorld, client: String, target: String, size: u32) {
    let target = w.binding(&client, &target);
    w.push(
        &client,
        Step::SetSharedSecret {
            target,
            secret: None,
            null_secret_with_size: Some(size),
            initiator: None,
        },
    );
}

#[when(
    regex = r#"^client "([^"]*)" calls RememberInitiatorSharedSecret on target "([^"]*)" for (?:initiator "([^"]*)"|a NULL initiator) with secret "([^"]*)"$"#
)]
fn remember_initiator_secret(
    w: &mut VdsWorld,
    client: String,
    target: String,
    initiator: String,
    secret: String,
) {
    let target = w.binding(&client, &target);
    w.push(
        &client,
        Step::RememberInitiatorSharedSecret {
            target,
            initiator: (!initiator.is_empty()).then_some(initiator),
            secret: Some(secret),
        },
    );
}

// ------------------------------------------------------- IVdsIscsiPortalGroup

#[when(
    regex = r#"^client "([^"]*)" calls (GetProperties|QueryAssociatedPortals|Delete) on portal group "([^"]*)"(?: as operation "([^"]*)")?$"#
)]
fn group_call(
    w: &mut VdsWorld,
    client: String,
    method: String,
    group: String,
    op: String,
) -> Result<(), String> {
    if !op.is_empty() && method != "Delete" {
        return Err(format!("{method} starts no operation to name \"{op}\""));
    }
    let group = w.binding(&client, &group);
    let step = match method.as_str() {
        "GetProperties" => Step::GetPortalGroupProperties { group },
        "QueryAssociatedPortals" => Step::QueryAssociatedPortals { group },
        _ => Step::DeletePortalGroup {
            group,
            bind: op_name(&op),
        },
    };
    w.push(&client, step);
    Ok(())
}

#[when(
    regex = r#"^client "([^"]*)" calls GetTarget on portal group "([^"]*)"(?: and keeps the target as "([^"]*)")?$"#
)]
fn get_target(w: &mut VdsWorld, client: String, group: String, keep: String) {
    let group = w.binding(&client, &group);
    let bind = (!keep.is_empty()).then(|| keep.clone());
    w.push(&client, Step::GetTarget { group, bind });
    if !keep.is_empty() {
        w.alias(
            &client,
            &keep,
            Alias {
                binding: keep.clone(),
                from_wait: None,
            },
        );
    }
}

#[when(
    regex = r#"^client "([^"]*)" calls (AddPortal|RemovePortal) on portal group "([^"]*)" with portal "([^"]*)"(?: as operation "([^"]*)")?$"#
)]
fn portal_call(
    w: &mut VdsWorld,
    client: String,
    method: String,
    group: String,
    portal: String,
    op: String,
) {
    let group = w.binding(&client, &group);
    let bind = op_name(&op);
    let step = if method == "AddPortal" {
        Step::AddPortal {
            group,
            portal,
            bind,
        }
    } else {
        Step::RemovePortal {
            group,
            portal,
            bind,
        }
    };
    w.push(&client, step);
}

#[when(
    regex = r#"^client "([^"]*)" calls (GetProperties|GetSubSystem|QueryAssociatedPortalGroups) on portal "([^"]*)"$"#
)]
fn call_on_portal(w: &mut VdsWorld, client: String, method: String, portal: String) {
    let step = match method.as_str() {
        "GetProperties" => Step::GetPortalProperties { portal },
        "GetSubSystem" => Step::GetPortalSubSystem { portal },
        _ => Step::QueryAssociatedPortalGroups { portal },
    };
    w.push(&client, step);
}

#[when(regex = r#"^client "([^"]*)" calls SetStatus on portal "([^"]*)" with (VDS_IPS_[A-Z_]+)$"#)]
fn portal_set_status(
    w: &mut VdsWorld,
    client: String,
    portal: String,
    status: String,
) -> Result<(), String> {
    let status = vds_sim::props::VDS_ISCSI_PORTAL_STATUS::from_name(&status)
        .ok_or_else(|| format!("`{status}` is not a VDS_ISCSI_PORTAL_STATUS name"))?;
    w.push(&client, Step::SetPortalStatus { portal, status });
    Ok(())
}
