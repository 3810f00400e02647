//! Then steps: each runs the world if the description changed, then checks
//! the runs (on every chosen engine) from the calls' records, the trace, the
//! interface ledger and the array's final state.

use cucumber::then;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::program::Step;
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::world::{RunOutcome, StepRecord};

use super::world::{
    VdsWorld, describe, factory_for, parse_hrs, record, show_hrs, target_id, traced_out,
};

/// The latest call's client and step number.
fn last(w: &VdsWorld) -> Result<(String, usize), String> {
    w.last
        .clone()
        .ok_or_else(|| "no client has made a call yet".to_string())
}

fn expect_hr(what: &str, got: HResult, want: &[HResult]) -> Result<(), String> {
    if want.contains(&got) {
        Ok(())
    } else {
        Err(format!(
            "{what} returned {got}, expected {}",
            show_hrs(want)
        ))
    }
}

fn expect_hr_result(what: &str, got: Option<HResult>, want: &[HResult]) -> Result<(), String> {
    match got {
        Some(h) if want.contains(&h) => Ok(()),
        Some(h) => Err(format!(
            "{what} wrote pHrResult {h}, expected {}",
            show_hrs(want)
        )),
        None => Err(format!("{what} wrote no pHrResult")),
    }
}

fn is_wait(s: &Step) -> bool {
    matches!(s, Step::Wait { .. })
}

fn is_query_status(s: &Step) -> bool {
    matches!(s, Step::QueryStatus { .. })
}

/// The id of the object in the latest Wait's output, if any.
fn waited_object(o: &RunOutcome, client: &str, step: usize) -> Result<VDS_OBJECT_ID, String> {
    let r = record(o, client, step)?;
    r.output
        .as_ref()
        .and_then(|out| out.pointer.as_ref())
        .and_then(|p| p.object)
        .ok_or_else(|| format!("Wait handed back no object: {}", describe(r)))
}

/// The id of a portal group a client holds under a scenario name, from the
/// Wait that handed it back.
fn group_id(
    w: &VdsWorld,
    o: &RunOutcome,
    client: &str,
    name: &str,
) -> Result<VDS_OBJECT_ID, String> {
    let alias = w
        .aliases
        .get(&(client.to_string(), name.to_string()))
        .ok_or_else(|| format!("client \"{client}\" holds no portal group \"{name}\""))?;
    let step = alias.from_wait.ok_or_else(|| {
        format!("portal group \"{name}\" was not handed back by a Wait, so its id is unknown")
    })?;
    waited_object(o, client, step)
}

// ------------------------------------------------------------ return codes

/// The whole contract: every check of the oracle, on every run (a run
/// that did not finish is judged too: it breaks RUN-COMPLETES). The step a
/// shrunk feature (`vds-harness shrink`) ends with.
#[then(regex = r"^no check of the contract finds a violation$")]
async fn no_violation(w: &mut VdsWorld) -> Result<(), String> {
    w.runs().await?;
    for o in w.outcomes.as_deref().unwrap_or_default() {
        let findings = crate::oracle::judge(o).findings;
        if !findings.is_empty() {
            let list: Vec<String> = findings.iter().map(|f| format!("  {f}")).collect();
            return Err(w.failure(
                o,
                &format!("the run breaks the contract:\n{}", list.join("\n")),
            ));
        }
    }
    Ok(())
}

#[then(regex = r"^the call returns (.+)$")]
async fn call_returns(w: &mut VdsWorld, want: String) -> Result<(), String> {
    let want = parse_hrs(&want)?;
    let (client, step) = last(w)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        expect_hr(r.method.sdk_name(), r.hr, &want)
    })
    .await
}

#[then(regex = r"^Wait returns (\S+(?: \(0x[0-9A-Fa-f]{8}\))?) with pHrResult (.+)$")]
async fn wait_returns(w: &mut VdsWorld, hr: String, hr_result: String) -> Result<(), String> {
    let hr = parse_hrs(&hr)?;
    let hr_result = parse_hrs(&hr_result)?;
    let client = w.current_client()?;
    let step = w.latest_step("Wait", is_wait)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        expect_hr("Wait", r.hr, &hr)?;
        expect_hr_result("Wait", r.hr_result, &hr_result)
    })
    .await
}

#[then(
    regex = r"^QueryStatus returns (\S+(?: \(0x[0-9A-Fa-f]{8}\))?) with pHrResult (.+) and (\d+) percent completed$"
)]
async fn query_status_returns(
    w: &mut VdsWorld,
    hr: String,
    hr_result: String,
    percent: u32,
) -> Result<(), String> {
    let hr = parse_hrs(&hr)?;
    let hr_result = parse_hrs(&hr_result)?;
    let client = w.current_client()?;
    let step = w.latest_step("QueryStatus", is_query_status)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        expect_hr("QueryStatus", r.hr, &hr)?;
        expect_hr_result("QueryStatus", r.hr_result, &hr_result)?;
        match r.percent {
            Some(p) if p == percent => Ok(()),
            other => Err(format!(
                "QueryStatus reported {other:?} percent completed, expected {percent}"
            )),
        }
    })
    .await
}

/// The QueryStatus records of the current client made before its first Wait.
fn statuses_before_wait<'a>(
    w: &VdsWorld,
    o: &'a RunOutcome,
    client: &str,
) -> Result<Vec<&'a StepRecord>, String> {
    let program = w
        .clients
        .iter()
        .find(|c| c.name == client)
        .ok_or_else(|| format!("no client \"{client}\""))?;
    let first_wait = program
        .steps
        .iter()
        .position(is_wait)
        .map_or(usize::MAX, |i| i + 1);
    let mut v: Vec<&StepRecord> = o
        .steps_of(client)
        .into_iter()
        .filter(|s| s.step > 0 && s.step < first_wait && s.method == Method::AsyncQueryStatus)
        .collect();
    v.sort_by_key(|s| s.step);
    if v.is_empty() {
        return Err(format!(
            "client \"{client}\" made no QueryStatus call before its Wait"
        ));
    }
    Ok(v)
}

#[then(
    regex = r"^every QueryStatus before the Wait returns (\S+(?: \(0x[0-9A-Fa-f]{8}\))?) with pHrResult (.+)$"
)]
async fn statuses_before_wait_return(
    w: &mut VdsWorld,
    hr: String,
    hr_result: String,
) -> Result<(), String> {
    let hr = parse_hrs(&hr)?;
    let hr_result = parse_hrs(&hr_result)?;
    let client = w.current_client()?;
    w.check(|w, o| {
        for r in statuses_before_wait(w, o, &client)? {
            let what = format!("QueryStatus (call {})", r.step);
            expect_hr(&what, r.hr, &hr)?;
            expect_hr_result(&what, r.hr_result, &hr_result)?;
        }
        Ok(())
    })
    .await
}

#[then(regex = r"^the percentages before the Wait stay between 0 and 99 and never decrease$")]
async fn percentages_rise(w: &mut VdsWorld) -> Result<(), String> {
    let client = w.current_client()?;
    w.check(|w, o| {
        let mut previous = 0;
        for r in statuses_before_wait(w, o, &client)? {
            let p = r
                .percent
                .ok_or_else(|| format!("QueryStatus (call {}) reported no percentage", r.step))?;
            if p > 99 {
                return Err(format!(
                    "QueryStatus (call {}) reported {p} percent while the operation ran",
                    r.step
                ));
            }
            if p < previous {
                return Err(format!(
                    "QueryStatus (call {}) reported {p} percent after {previous}: progress went back",
                    r.step
                ));
            }
            previous = p;
        }
        Ok(())
    })
    .await
}

#[then(regex = r"^the percentage before the Wait rises above 0$")]
async fn percentage_moves(w: &mut VdsWorld) -> Result<(), String> {
    let client = w.current_client()?;
    w.check(|w, o| {
        let v = statuses_before_wait(w, o, &client)?;
        let max = v.iter().filter_map(|r| r.percent).max().unwrap_or(0);
        if max > 0 {
            Ok(())
        } else {
            Err("QueryStatus reported 0 percent throughout: progress never moved".into())
        }
    })
    .await
}

fn cpg_calls(o: &RunOutcome) -> Vec<&StepRecord> {
    o.steps
        .iter()
        .filter(|s| s.method == Method::TargetCreatePortalGroup && s.step > 0)
        .collect()
}

#[then(regex = r"^every CreatePortalGroup call returns (.+)$")]
async fn every_cpg_returns(w: &mut VdsWorld, want: String) -> Result<(), String> {
    let want = parse_hrs(&want)?;
    w.check(|_, o| {
        for r in cpg_calls(o) {
            expect_hr(
                &format!("{} #{} CreatePortalGroup", r.client, r.step),
                r.hr,
                &want,
            )?;
        }
        Ok(())
    })
    .await
}

#[then(regex = r"^at least one CreatePortalGroup call returns (.+)$")]
async fn some_cpg_returns(w: &mut VdsWorld, want: String) -> Result<(), String> {
    let want = parse_hrs(&want)?;
    w.check(|_, o| {
        if cpg_calls(o).iter().any(|r| want.contains(&r.hr)) {
            Ok(())
        } else {
            Err(format!(
                "no CreatePortalGroup call returned {}",
                show_hrs(&want)
            ))
        }
    })
    .await
}

// ---------------------------------------------------------- Wait's output

#[then(regex = r"^the output type is (\w+) \((\d+)\)(?: with a (non-null|null) (\S+))?$")]
async fn output_type(
    w: &mut VdsWorld,
    name: String,
    value: i32,
    nullness: String,
    field: String,
) -> Result<(), String> {
    let t = VDS_ASYNC_OUTPUT_TYPE::from_name(&name)
        .ok_or_else(|| format!("`{name}` is not a VDS_ASYNC_OUTPUT_TYPE"))?;
    if t as i32 != value {
        return Err(format!("{name} is {}, not {value}", t as i32));
    }
    let client = w.current_client()?;
    let step = w.latest_step("Wait", is_wait)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        let out = r
            .output
            .as_ref()
            .ok_or_else(|| format!("Wait wrote no output: {}", describe(r)))?;
        if out.output_type != t {
            return Err(format!(
                "Wait's output type is {} ({}), expected {name} ({value})",
                out.output_type.name(),
                out.output_type as i32
            ));
        }
        match (nullness.as_str(), &out.pointer) {
            ("", _) => Ok(()),
            ("non-null", Some(p)) if p.field == field => Ok(()),
            ("non-null", Some(p)) => Err(format!(
                "Wait's output holds {} instead of {field}",
                p.field
            )),
            ("non-null", None) => Err(format!("Wait's output has a NULL {field}")),
            (_, None) => Ok(()),
            (_, Some(p)) => Err(format!(
                "Wait's output holds a pointer in {} ({}), expected a NULL {field}",
                p.field, p.interface
            )),
        }
    })
    .await
}

#[then(regex = r"^the output's pointers are null$")]
async fn output_null(w: &mut VdsWorld) -> Result<(), String> {
    let client = w.current_client()?;
    let step = w.latest_step("Wait", is_wait)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        match r.output.as_ref().and_then(|out| out.pointer.as_ref()) {
            None => Ok(()),
            Some(p) => Err(format!(
                "Wait's output holds a pointer in {} although {}",
                p.field,
                describe(r)
            )),
        }
    })
    .await
}

#[then(regex = r#"^the portal group's target is "([^"]*)"$"#)]
async fn group_target(w: &mut VdsWorld, target: String) -> Result<(), String> {
    let client = w.current_client()?;
    let step = w.latest_step("Wait", is_wait)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        let probe = r
            .probe
            .as_ref()
            .ok_or_else(|| format!("no portal group to ask: {}", describe(r)))?;
        let want = target_id(o, &target)?;
        if probe.target_hr != HResult::S_OK {
            return Err(format!(
                "the portal group's GetTarget returned {}",
                probe.target_hr
            ));
        }
        match probe.target {
            Some(t) if t == want => Ok(()),
            other => Err(format!(
                "the portal group's GetTarget handed back {other:?}, not target \"{target}\" {want}"
            )),
        }
    })
    .await
}

#[then(regex = r"^the portal group exists on the array with the tag it reports$")]
async fn group_on_array(w: &mut VdsWorld) -> Result<(), String> {
    let client = w.current_client()?;
    let step = w.latest_step("Wait", is_wait)?;
    w.check(|_, o| {
        let r = record(o, &client, step)?;
        let id = waited_object(o, &client, step)?;
        let probe = r
            .probe
            .as_ref()
            .ok_or_else(|| "the portal group was not asked about itself".to_string())?;
        if probe.properties_hr != HResult::S_OK {
            return Err(format!(
                "the portal group's GetProperties returned {}",
                probe.properties_hr
            ));
        }
        if probe.id != Some(id) {
            return Err(format!(
                "the portal group reports id {:?} but Wait handed back {id}",
                probe.id
            ));
        }
        let g = o
            .array
            .groups
            .get(&id)
            .ok_or_else(|| format!("portal group {id} is not on the array"))?;
        match probe.tag {
            Some(tag) if tag == g.tag => Ok(()),
            other => Err(format!(
                "the portal group reports tag {other:?}, the array gave it tag {}",
                g.tag
            )),
        }
    })
    .await
}

#[then(
    regex = r#"^the portal group handed back is one of target "([^"]*)"'s existing portal groups$"#
)]
async fn existing_group(w: &mut VdsWorld, target: String) -> Result<(), String> {
    let client = w.current_client()?;
    let step = w.latest_step("Wait", is_wait)?;
    w.check(|_, o| {
        let id = waited_object(o, &client, step)?;
        let t = target_id(o, &target)?;
        match o.array.groups.get(&id) {
            Some(g) if g.target == t => Ok(()),
            Some(g) => Err(format!(
                "Wait handed back portal group {id} of target {}, not of \"{target}\"",
                g.target
            )),
            None => Err(format!(
                "Wait handed back {id}, which is no portal group on the array"
            )),
        }
    })
    .await
}

#[then(regex = r"^every Wait on the operation hands back the same portal group$")]
async fn same_group(w: &mut VdsWorld) -> Result<(), String> {
    let client = w.current_client()?;
    let (_, last_step) = last(w)?;
    let waits: Vec<usize> = (1..=last_step)
        .filter(|n| w.program_step(&client, *n).is_some_and(is_wait))
        .collect();
    if waits.len() < 2 {
        return Err(format!(
            "client \"{client}\" waited {} time(s)",
            waits.len()
        ));
    }
    w.check(|_, o| {
        let ids = waits
            .iter()
            .map(|n| waited_object(o, &client, *n))
            .collect::<Result<Vec<_>, _>>()?;
        if ids.windows(2).all(|p| p[0] == p[1]) {
            Ok(())
        } else {
            Err(format!("the Waits handed back different objects: {ids:?}"))
        }
    })
    .await
}

#[then(
    regex = r"^the portal groups handed back report distinct tags, each the one the array gave it$"
)]
async fn distinct_tags(w: &mut VdsWorld) -> Result<(), String> {
    let client = w.current_client()?;
    let (_, last_step) = last(w)?;
    let waits: Vec<usize> = (1..=last_step)
        .filter(|n| w.program_step(&client, *n).is_some_and(is_wait))
        .collect();
    w.check(|_, o| {
        let mut seen: Vec<(u16, usize)> = Vec::new();
        for n in &waits {
            let r = record(o, &client, *n)?;
            let Some(probe) = &r.probe else { continue };
            let id = waited_object(o, &client, *n)?;
            let tag = probe
                .tag
                .ok_or_else(|| format!("the group from Wait (call {n}) reported no tag"))?;
            let given = o.array.groups.get(&id).map(|g| g.tag);
            if given != Some(tag) {
                return Err(format!(
                    "the group from Wait (call {n}) reports tag {tag}, the array gave it {given:?}"
                ));
            }
            if let Some((_, m)) = seen.iter().find(|(t, _)| *t == tag) {
                return Err(format!(
                    "the groups from Waits (calls {m} and {n}) both report tag {tag}"
                ));
            }
            seen.push((tag, *n));
        }
        if seen.len() < 2 {
            return Err(format!(
                "only {} Wait(s) handed back a portal group",
                seen.len()
            ));
        }
        Ok(())
    })
    .await
}

#[then(regex = r"^the interface ledger balances$")]
async fn ledger_balances(w: &mut VdsWorld) -> Result<(), String> {
    w.check(|_, o| {
        if o.ledger.balanced() {
            Ok(())
        } else {
            let list: Vec<String> = o
                .ledger
                .violations
                .iter()
                .map(|v| format!("    {}: {v:?}", v.kind()))
                .collect();
            Err(format!(
                "the interface ledger does not balance ({} issued, {} released):\n{}",
                o.ledger.issued,
                o.ledger.released,
                list.join("\n")
            ))
        }
    })
    .await
}

// ------------------------------------------------------ out-parameters

/// What the latest call wrote besides its HRESULT, as the trace shows it.
fn out_of_last(o: &RunOutcome, client: &str, step: usize) -> Result<String, String> {
    let r = record(o, client, step)?;
    Ok(traced_out(o, client, step, r.method).unwrap_or_default())
}

#[then(regex = r"^the call reports (\d+) (portal groups?|LUNs?|portals?|targets?)$")]
async fn call_reports_count(w: &mut VdsWorld, n: usize, what: String) -> Result<(), String> {
    let (client, step) = last(w)?;
    let unit = match what.trim_end_matches('s') {
        "portal group" => "groups",
        "LUN" => "luns",
        "portal" => "portals",
        _ => "targets",
    };
    w.check(|_, o| {
        let out = out_of_last(o, &client, step)?;
        let got = out
            .strip_suffix(&format!(" {unit}"))
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| format!("the call reported `{out}`, not a number of {what}"))?;
        if got == n {
            Ok(())
        } else {
            Err(format!("the call reported {got} {unit}, expected {n}"))
        }
    })
    .await
}

#[then(regex = r"^the call hands back the array's subsystem$")]
async fn call_hands_back_subsystem(w: &mut VdsWorld) -> Result<(), String> {
    let (client, step) = last(w)?;
    w.check(|_, o| {
        let out = out_of_last(o, &client, step)?;
        let want = o.initial_array.subsystem.to_string();
        if out.starts_with("IVdsSubSystemIscsi(") && out.contains(&want) {
            Ok(())
        } else {
            Err(format!(
                "the call handed back `{out}`, expected the subsystem {want}"
            ))
        }
    })
    .await
}

#[then(regex = r"^the call reports connected initiators (.+)$")]
async fn call_reports_initiators(w: &mut VdsWorld, list: String) -> Result<(), String> {
    let want = if list == "none" {
        Vec::new()
    } else {
        super::given::quoted_list(&list)?
    };
    let (client, step) = last(w)?;
    w.check(|_, o| {
        let out = out_of_last(o, &client, step)?;
        let got: Vec<String> = out
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "the call reported initiators {got:?}, expected {want:?}"
            ))
        }
    })
    .await
}

/// The target properties the latest call reported: GetProperties on a
/// target, or the probe of a target a Wait handed back.
fn target_props(o: &RunOutcome, client: &str, step: usize) -> Result<serde_json::Value, String> {
    let r = record(o, client, step)?;
    if let Some(p) = &r.target_probe {
        let props = p.properties.as_ref().ok_or_else(|| {
            format!(
                "the target handed back answered GetProperties with {}",
                p.hr
            )
        })?;
        return serde_json::to_value(props).map_err(|e| e.to_string());
    }
    if r.method != Method::TargetGetProperties {
        return Err(format!(
            "the call was {}, which reports no target properties",
            r.method
        ));
    }
    let out = out_of_last(o, client, step)?;
    serde_json::from_str(&out)
        .map_err(|_| format!("GetProperties reported no properties ({})", r.hr))
}

#[then(regex = r#"^the target reports (friendly name|iSCSI name) "([^"]*)"$"#)]
async fn target_reports_name(w: &mut VdsWorld, which: String, want: String) -> Result<(), String> {
    let (client, step) = last(w)?;
    let field = if which == "friendly name" {
        "pwszFriendlyName"
    } else {
        "pwszIscsiName"
    };
    w.check(|_, o| {
        let props = target_props(o, &client, step)?;
        let got = props[field].as_str().unwrap_or_default();
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "the target reports {which} {got:?}, expected {want:?}"
            ))
        }
    })
    .await
}

#[then(regex = r#"^the target reports an iSCSI name starting with "([^"]*)"$"#)]
async fn target_reports_name_prefix(w: &mut VdsWorld, prefix: String) -> Result<(), String> {
    let (client, step) = last(w)?;
    w.check(|_, o| {
        let props = target_props(o, &client, step)?;
        let got = props["pwszIscsiName"].as_str().unwrap_or_default();
        if got.starts_with(&prefix) && got.len() > prefix.len() {
            Ok(())
        } else {
            Err(format!(
                "the target reports iSCSI name {got:?}, expected one starting with {prefix:?}"
            ))
        }
    })
    .await
}

#[then(regex = r"^the target reports CHAP (enabled|disabled)$")]
async fn target_reports_chap(w: &mut VdsWorld, state: String) -> Result<(), String> {
    let (client, step) = last(w)?;
    let want = state == "enabled";
    w.check(|_, o| {
        let props = target_props(o, &client, step)?;
        match props["bChapEnabled"].as_bool() {
            Some(got) if got == want => Ok(()),
            other => Err(format!(
                "the target reports bChapEnabled {other:?}, expected {want}"
            )),
        }
    })
    .await
}

#[then(regex = r#"^the call reports the tag the array gave portal group "([^"]*)"$"#)]
async fn call_reports_tag(w: &mut VdsWorld, group: String) -> Result<(), String> {
    let (client, step) = last(w)?;
    w.check(|w, o| {
        let id = group_id(w, o, &client, &group)?;
        let tag = o
            .array
            .groups
            .get(&id)
            .map(|g| g.tag)
            .ok_or_else(|| format!("portal group \"{group}\" is not on the array"))?;
        let out = out_of_last(o, &client, step)?;
        if out == format!("tag={tag}") {
            Ok(())
        } else {
            Err(format!(
                "the call reported `{out}`, the array gave the group tag {tag}"
            ))
        }
    })
    .await
}

// ---------------------------------------------------------- the array

fn array_target<'a>(
    o: &'a RunOutcome,
    name: &str,
) -> Result<Option<&'a vds_sim::array::TargetRecord>, String> {
    let id = target_id(o, name)?;
    Ok(o.array.targets.get(&id))
}

#[then(regex = r#"^target "([^"]*)" has (\d+) portal groups? on the array$"#)]
async fn target_groups(w: &mut VdsWorld, target: String, n: usize) -> Result<(), String> {
    w.check(|_, o| {
        let id = target_id(o, &target)?;
        if !o.array.targets.contains_key(&id) {
            return Err(format!("target \"{target}\" is no longer on the array"));
        }
        let got = o.array.groups_of(id).len();
        if got == n {
            Ok(())
        } else {
            Err(format!(
                "target \"{target}\" has {got} portal groups on the array, expected {n}"
            ))
        }
    })
    .await
}

#[then(
    regex = r#"^target "([^"]*)" has as many portal groups on the array as CreatePortalGroup calls returned S_OK$"#
)]
async fn target_groups_match_calls(w: &mut VdsWorld, target: String) -> Result<(), String> {
    w.check(|_, o| {
        let id = target_id(o, &target)?;
        let ok = cpg_calls(o).iter().filter(|r| r.hr == HResult::S_OK).count();
        let got = o.array.groups_of(id).len();
        if got == ok {
            Ok(())
        } else {
            Err(format!(
                "target \"{target}\" has {got} portal groups, but {ok} CreatePortalGroup calls returned S_OK"
            ))
        }
    })
    .await
}

#[then(regex = r#"^target "([^"]*)" is (no longer|still) on the array$"#)]
async fn target_presence(w: &mut VdsWorld, target: String, which: String) -> Result<(), String> {
    let want_present = which == "still";
    w.check(|_, o| {
        let present = array_target(o, &target)?.is_some();
        match (present, want_present) {
            (true, true) | (false, false) => Ok(()),
            (true, false) => Err(format!("target \"{target}\" is still on the array")),
            (false, true) => Err(format!("target \"{target}\" is no longer on the array")),
        }
    })
    .await
}

#[then(regex = r#"^target "([^"]*)" has no portal groups left on the array$"#)]
async fn target_groups_gone(w: &mut VdsWorld, target: String) -> Result<(), String> {
    w.check(|_, o| {
        let id = target_id(o, &target)?;
        let left = o.array.groups.values().filter(|g| g.target == id).count();
        if left == 0 {
            Ok(())
        } else {
            Err(format!(
                "{left} portal groups of target \"{target}\" are left on the array"
            ))
        }
    })
    .await
}

#[then(regex = r#"^target "([^"]*)" is named "([^"]*)" on the array$"#)]
async fn target_named(w: &mut VdsWorld, target: String, name: String) -> Result<(), String> {
    w.check(|_, o| {
        let t = array_target(o, &target)?
            .ok_or_else(|| format!("target \"{target}\" is no longer on the array"))?;
        if t.friendly_name == name {
            Ok(())
        } else {
            Err(format!(
                "target \"{target}\" is named {:?} on the array, expected {name:?}",
                t.friendly_name
            ))
        }
    })
    .await
}

#[then(regex = r#"^target "([^"]*)" has CHAP (enabled|disabled) on the array$"#)]
async fn target_chap(w: &mut VdsWorld, target: String, state: String) -> Result<(), String> {
    let want = state == "enabled";
    w.check(|_, o| {
        let t = array_target(o, &target)?
            .ok_or_else(|| format!("target \"{target}\" is no longer on the array"))?;
        if t.chap_enabled == want {
            Ok(())
        } else {
            Err(format!(
                "target \"{target}\" has CHAP {} on the array",
                if t.chap_enabled {
                    "enabled"
                } else {
                    "disabled"
                }
            ))
        }
    })
    .await
}

#[then(regex = r#"^target "([^"]*)" remembers initiator "([^"]*)" on the array$"#)]
async fn target_remembers(
    w: &mut VdsWorld,
    target: String,
    initiator: String,
) -> Result<(), String> {
    w.check(|_, o| {
        let t = array_target(o, &target)?
            .ok_or_else(|| format!("target \"{target}\" is no longer on the array"))?;
        if t.remembered_initiators.contains(&initiator) {
            Ok(())
        } else {
            Err(format!(
                "target \"{target}\" remembers {:?}, not {initiator:?}",
                t.remembered_initiators
            ))
        }
    })
    .await
}

#[then(regex = r#"^the array has a target "([^"]*)" with iSCSI name "([^"]*)"$"#)]
async fn array_has_target(w: &mut VdsWorld, friendly: String, iqn: String) -> Result<(), String> {
    w.check(|_, o| {
        if o.array
            .targets
            .values()
            .any(|t| t.friendly_name == friendly && t.iscsi_name == iqn)
        {
            Ok(())
        } else {
            let all: Vec<_> = o
                .array
                .targets
                .values()
                .map(|t| format!("{} ({})", t.friendly_name, t.iscsi_name))
                .collect();
            Err(format!(
                "no target \"{friendly}\" named {iqn} on the array; it has {all:?}"
            ))
        }
    })
    .await
}

#[then(regex = r"^the array has (\d+) targets?$")]
async fn array_target_count(w: &mut VdsWorld, n: usize) -> Result<(), String> {
    w.check(|_, o| {
        let got = o.array.targets.len();
        if got == n {
            Ok(())
        } else {
            Err(format!("the array has {got} targets, expected {n}"))
        }
    })
    .await
}

#[then(regex = r#"^portal group "([^"]*)" holds (\d+) portals? on the array$"#)]
async fn group_portal_count(w: &mut VdsWorld, group: String, n: usize) -> Result<(), String> {
    let client = w.current_client()?;
    w.check(|w, o| {
        let id = group_id(w, o, &client, &group)?;
        let g = o
            .array
            .groups
            .get(&id)
            .ok_or_else(|| format!("portal group \"{group}\" is no longer on the array"))?;
        if g.portals.len() == n {
            Ok(())
        } else {
            Err(format!(
                "portal group \"{group}\" holds {} portals on the array, expected {n}",
                g.portals.len()
            ))
        }
    })
    .await
}

#[then(regex = r#"^portal group "([^"]*)" holds portal "([^"]*)" on the array$"#)]
async fn group_holds_portal(w: &mut VdsWorld, group: String, portal: String) -> Result<(), String> {
    let client = w.current_client()?;
    w.check(|w, o| {
        let id = group_id(w, o, &client, &group)?;
        let g = o
            .array
            .groups
            .get(&id)
            .ok_or_else(|| format!("portal group \"{group}\" is no longer on the array"))?;
        let holds = g.portals.iter().any(|p| {
            o.array
                .portals
                .get(p)
                .is_some_and(|r| r.address.to_string() == portal)
        });
        if holds {
            Ok(())
        } else {
            Err(format!(
                "portal group \"{group}\" does not hold portal {portal} on the array"
            ))
        }
    })
    .await
}

#[then(regex = r#"^portal group "([^"]*)" is (no longer|still) on the array$"#)]
async fn group_presence(w: &mut VdsWorld, group: String, which: String) -> Result<(), String> {
    let client = w.current_client()?;
    let want_present = which == "still";
    w.check(|w, o| {
        let id = group_id(w, o, &client, &group)?;
        let present = o.array.groups.contains_key(&id);
        if present == want_present {
            Ok(())
        } else {
            Err(format!(
                "portal group \"{group}\" is {} on the array",
                if present { "still" } else { "no longer" }
            ))
        }
    })
    .await
}

// ------------------------------------------------------- the harness itself

#[then(regex = r#"^naming "([^"]*)" as the provider under test fails with "([^"]*)"$"#)]
fn unknown_provider(_w: &mut VdsWorld, name: String, message: String) -> Result<(), String> {
    match factory_for(&name) {
        Ok(_) => Err(format!("provider \"{name}\" was accepted")),
        Err(e) if e.contains(&message) => Ok(()),
        Err(e) => Err(format!(
            "naming \"{name}\" failed with `{e}`, which lacks `{message}`"
        )),
    }
}

#[then(regex = r#"^naming "([^"]*)" as the provider under test succeeds$"#)]
fn known_provider(_w: &mut VdsWorld, name: String) -> Result<(), String> {
    factory_for(&name).map(|_| ())
}

#[then(regex = r"^the call reports status (VDS_IPS_[A-Z_]+)$")]
async fn call_reports_status(w: &mut VdsWorld, status: String) -> Result<(), String> {
    let (client, step) = last(w)?;
    w.check(|_, o| {
        let out = out_of_last(o, &client, step)?;
        if out.split_whitespace().nth(1) == Some(status.as_str()) {
            Ok(())
        } else {
            Err(format!(
                "the portal reported `{out}`, expected status {status}"
            ))
        }
    })
    .await
}
