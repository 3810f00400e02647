//! Every name a step or a fault uses must be defined where it is used: a
//! target on the array (or bound earlier by the same client), a group bound
//! earlier, a portal on the array, an async object bound earlier. The
//! client skips a step whose name it does not hold, so a typo would
//! otherwise pass silently.

use std::collections::{BTreeMap, BTreeSet};

use vds_sim::faults::Fault;
use vds_sim::program::Step;

/// What a name is bound to, as far as the file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Target,
    Group,
    Portal,
    SubSystem,
    /// An async object, with the call that started it.
    Op(&'static str),
    /// Whatever a Wait on an operation of unknown kind hands back.
    Any,
}

/// What a field needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Target,
    Group,
    Portal,
    /// AddPortal's and RemovePortal's portal: also any other `ADDRESS:PORT`,
    /// which stands for a portal id the array does not have.
    PortalId,
    Op,
    Held,
}

impl Want {
    fn noun(self) -> &'static str {
        match self {
            Want::Target => "target",
            Want::Group => "portal group",
            Want::Portal | Want::PortalId => "portal",
            Want::Op => "async object",
            Want::Held => "pointer",
        }
    }

    fn takes(self, k: Kind) -> bool {
        matches!(
            (self, k),
            (Want::Held, _)
                | (_, Kind::Any)
                | (Want::Target, Kind::Target)
                | (Want::Group, Kind::Group)
                | (Want::Portal | Want::PortalId, Kind::Portal)
                | (Want::Op, Kind::Op(_))
        )
    }

    fn how(self) -> &'static str {
        match self {
            Want::Target => {
                "a target of `array.targets` or one bound earlier with `as` (GetTarget, Wait)"
            }
            Want::Group => {
                "a group bound earlier with `as` (Wait after CreatePortalGroup, or NAME.N after QueryPortalGroups)"
            }
            Want::Portal => "a portal of `array.portals`, written as there",
            Want::PortalId => {
                "a portal of `array.portals`, written as there, or another IPv4 ADDRESS:PORT for a portal id the array does not have"
            }
            Want::Op => "an async object bound earlier with `as` (default `op`)",
            Want::Held => "a name bound earlier, or an object of the array",
        }
    }
}

/// A name used where it is not defined.
#[derive(Debug)]
pub(crate) struct Undefined {
    /// The field naming it (`target`, `group`, `portal`, `op`, `name`).
    pub field: &'static str,
    /// What was wrong.
    pub message: String,
    /// What was expected.
    pub expected: String,
}

fn list(names: impl IntoIterator<Item = String>) -> String {
    let v: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match v.len() {
        0 => "none is defined here".to_string(),
        n if n > 12 => format!("one of {}, ... ({n} in all)", v[..12].join(", ")),
        _ => format!("one of {}", v.join(", ")),
    }
}

/// One client's names, step by step.
pub(crate) struct Env {
    names: BTreeMap<String, Kind>,
    /// Prefixes of `QueryPortalGroups as`: their groups are `PREFIX.N`.
    group_prefixes: BTreeSet<String>,
    portals: BTreeSet<String>,
}

impl Env {
    /// What a client holds after set-up.
    pub(crate) fn new(targets: &[String], portals: &[String]) -> Self {
        let mut names = BTreeMap::new();
        names.insert("subsystem".to_string(), Kind::SubSystem);
        for t in targets {
            names.insert(t.clone(), Kind::Target);
        }
        for p in portals {
            names.entry(p.clone()).or_insert(Kind::Portal);
        }
        Self {
            names,
            group_prefixes: BTreeSet::new(),
            portals: portals.iter().cloned().collect(),
        }
    }

    fn defined(&self, want: Want, name: &str) -> bool {
        if want == Want::Portal {
            return self.portals.contains(name);
        }
        if want == Want::PortalId {
            return self.portals.contains(name) || is_address(name);
        }
        if self.names.get(name).is_some_and(|k| want.takes(*k)) {
            return true;
        }
        matches!(want, Want::Group | Want::Held)
            && name.rsplit_once('.').is_some_and(|(p, n)| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && self.group_prefixes.contains(p)
            })
    }

    fn candidates(&self, want: Want) -> Vec<String> {
        if matches!(want, Want::Portal | Want::PortalId) {
            return self.portals.iter().cloned().collect();
        }
        let mut v: Vec<String> = self
            .names
            .iter()
            .filter(|(_, k)| want.takes(**k))
            .map(|(n, _)| n.clone())
            .collect();
        if matches!(want, Want::Group | Want::Held) {
            v.extend(self.group_prefixes.iter().map(|p| format!("{p}.N")));
        }
        v
    }

    /// Checks the names one step uses, then notes what it binds.
    pub(crate) fn step(&mut self, s: &Step) -> Result<(), Undefined> {
        for (field, want, name) in uses(s) {
            if !self.defined(want, name) {
                return Err(Undefined {
                    field,
                    message: format!("no {} named `{name}` is defined here", want.noun()),
                    expected: format!("{} ({})", want.how(), list(self.candidates(want))),
                });
            }
        }
        self.bind(s);
        Ok(())
    }

    fn bind(&mut self, s: &Step) {
        if let Some(bind) = s.started_op() {
            self.names.insert(bind.clone(), Kind::Op(step_name(s)));
            return;
        }
        match s {
            Step::QueryPortalGroups { bind: Some(p), .. } => {
                self.group_prefixes.insert(p.clone());
            }
            Step::GetTarget { bind: Some(b), .. } => {
                self.names.insert(b.clone(), Kind::Target);
            }
            Step::Wait { op, bind: Some(b) } => {
                let kind = match self.names.get(op) {
                    Some(Kind::Op("CreateTarget")) => Kind::Target,
                    Some(Kind::Op("CreatePortalGroup")) => Kind::Group,
                    _ => Kind::Any,
                };
                self.names.insert(b.clone(), kind);
            }
            _ => {}
        }
    }
}

/// The call's name, as in the file.
fn step_name(s: &Step) -> &'static str {
    match s {
        Step::CreateTarget { .. } => "CreateTarget",
        Step::CreatePortalGroup { .. } => "CreatePortalGroup",
        Step::DeleteTarget { .. } => "DeleteTarget",
        Step::AddPortal { .. } => "AddPortal",
        Step::RemovePortal { .. } => "RemovePortal",
        Step::DeletePortalGroup { .. } => "DeletePortalGroup",
        _ => "",
    }
}

/// The names a step uses: (field, what it must be, name).
fn uses(s: &Step) -> Vec<(&'static str, Want, &str)> {
    match s {
        Step::CreatePortalGroup { target, .. }
        | Step::DeleteTarget { target, .. }
        | Step::GetTargetProperties { target }
        | Step::GetSubSystem { target }
        | Step::QueryPortalGroups { target, .. }
        | Step::QueryAssociatedLuns { target }
        | Step::SetFriendlyName { target, .. }
        | Step::SetSharedSecret { target, .. }
        | Step::RememberInitiatorSharedSecret { target, .. }
        | Step::GetConnectedInitiators { target } => vec![("target", Want::Target, target)],
        Step::GetPortalGroupProperties { group }
        | Step::GetTarget { group, .. }
        | Step::QueryAssociatedPortals { group }
        | Step::DeletePortalGroup { group, .. } => vec![("group", Want::Group, group)],
        Step::AddPortal { group, portal, .. } | Step::RemovePortal { group, portal, .. } => vec![
            ("group", Want::Group, group),
            ("portal", Want::PortalId, portal),
        ],
        Step::GetPortalProperties { portal }
        | Step::GetPortalSubSystem { portal }
        | Step::QueryAssociatedPortalGroups { portal }
        | Step::SetPortalStatus { portal, .. } => vec![("portal", Want::Portal, portal)],
        Step::Wait { op, .. } | Step::QueryStatus { op } | Step::Cancel { op } => {
            vec![("op", Want::Op, op)]
        }
        Step::Release { name } | Step::Leak { name } => vec![("name", Want::Held, name)],
        Step::Reenumerate
        | Step::Refresh
        | Step::QueryTargets
        | Step::QueryPortals
        | Step::CreateTarget { .. }
        | Step::Sleep { .. } => Vec::new(),
    }
}

/// The target names a fault may act on: the array's, and any a step may
/// give a target (CreateTarget's `friendly_name`, SetFriendlyName's `name`).
pub(crate) fn array_targets<'a>(
    initial: &'a [String],
    steps: impl Iterator<Item = &'a Step>,
) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = initial.iter().cloned().collect();
    for s in steps {
        match s {
            Step::CreateTarget { friendly_name, .. } => {
                names.insert(friendly_name.clone());
            }
            Step::SetFriendlyName { name, .. } => {
                names.insert(name.clone());
            }
            _ => {}
        }
    }
    names
}

/// Checks the target a fault names.
pub(crate) fn fault(f: &Fault, targets: &BTreeSet<String>) -> Result<(), Undefined> {
    let target = match f {
        Fault::DeleteTarget { target }
        | Fault::DeletePortalGroup { target, .. }
        | Fault::CreatePortalGroup { target }
        | Fault::ConcurrentCalls { target, .. } => target,
        _ => return Ok(()),
    };
    if targets.contains(target) {
        return Ok(());
    }
    Err(Undefined {
        field: "target",
        message: format!("no target named `{target}` is on the array"),
        expected: format!(
            "a target of `array.targets`, or the friendly_name a step gives one ({})",
            list(targets.iter().cloned())
        ),
    })
}

/// Whether `name` is an IPv4 `ADDRESS:PORT`.
fn is_address(name: &str) -> bool {
    name.split_once(':')
        .is_some_and(|(a, p)| a.parse::<std::net::Ipv4Addr>().is_ok() && p.parse::<u16>().is_ok())
}
