//! Structure-aware input for the `world` fuzz target: a small world (the
//! array, faults, clients and their steps) built from arbitrary bytes and
//! written as scenario YAML, so the harness reads it through its own
//! loader and a finding reproduces with `vds-harness run --scenario FILE`.
//!
//! The generator keeps worlds small (at most 3 targets, 3 portals,
//! 4 faults, 3 clients of 30 steps) and their simulated time well under
//! the 30 s hang limit, and it names only objects a step may use at that
//! point (a target on the array or bound earlier, a group or async object
//! bound earlier), so nearly every input is a valid scenario. It never
//! writes a `Leak` step (a deliberate client leak fails LEDGER-BALANCED).

use std::fmt::Write as _;

use arbitrary::{Arbitrary, Result, Unstructured};

/// Most targets on the array at the start.
pub const MAX_TARGETS: usize = 3;
/// Most portals on the array at the start.
pub const MAX_PORTALS: usize = 3;
/// Most fault rules.
pub const MAX_FAULTS: usize = 4;
/// Most clients.
pub const MAX_CLIENTS: usize = 3;
/// Most steps of one client.
pub const MAX_STEPS: usize = 30;
/// Input bytes set aside for each fault rule.
const FAULT_BYTES: usize = 16;
/// Longest `Sleep`, fault `duration_ms` and `at_ms`, in ms.
pub const MAX_MS: u64 = 2_000;

/// A generated world, ready to be written as a scenario.
#[derive(Clone, Debug)]
pub struct World {
    /// The seed it runs for.
    pub seed: u64,
    /// `madsim` or `turmoil`.
    pub engine: &'static str,
    /// The scenario text.
    pub yaml: String,
}

/// Friendly names a `CreateTarget` or `SetFriendlyName` may use.
const NEW_NAMES: [&str; 2] = ["n1", "n2"];
/// Async-object names.
const OPS: [&str; 3] = ["op", "op1", "op2"];
/// Portal statuses.
const STATUSES: [&str; 5] = [
    "VDS_IPS_UNKNOWN",
    "VDS_IPS_ONLINE",
    "VDS_IPS_NOT_READY",
    "VDS_IPS_OFFLINE",
    "VDS_IPS_FAILED",
];

/// What one client holds, as the loader sees it, while its steps are made.
struct Held {
    targets: Vec<String>,
    groups: Vec<String>,
    /// Async objects bound so far, with the call that started them.
    ops: Vec<(String, &'static str)>,
    /// Names bound by a Wait on an operation of another kind.
    other: Vec<String>,
    portals: Vec<String>,
    binds: usize,
}

impl Held {
    fn pick<'a>(u: &mut Unstructured, from: &'a [String]) -> Result<Option<&'a String>> {
        if from.is_empty() {
            return Ok(None);
        }
        Ok(Some(&from[u.choose_index(from.len())?]))
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.binds += 1;
        format!("{prefix}{}", self.binds)
    }

    fn bind_op(&mut self, u: &mut Unstructured, call: &'static str) -> Result<String> {
        let name = OPS[u.choose_index(OPS.len())?].to_string();
        self.ops.retain(|(n, _)| *n != name);
        self.ops.push((name.clone(), call));
        Ok(name)
    }
}

fn ms(u: &mut Unstructured, max: u64) -> Result<u64> {
    u.int_in_range(0..=max)
}

fn probability(u: &mut Unstructured) -> Result<&'static str> {
    Ok(["1.0", "0.5", "0.25", "0.0"][u.choose_index(4)?])
}

/// Writes one step (a YAML flow mapping) for a client, or `None` when the
/// chosen call needs an object the client does not hold yet.
fn step(u: &mut Unstructured, h: &mut Held) -> Result<Option<String>> {
    let kind: u8 = u.int_in_range(0..=31)?;
    let s = match kind {
        0 => "{call: Reenumerate}".to_string(),
        1 => "{call: Refresh}".to_string(),
        2 => "{call: QueryTargets}".to_string(),
        3 => "{call: QueryPortals}".to_string(),
        4 => {
            let name = NEW_NAMES[u.choose_index(NEW_NAMES.len())?];
            let iscsi = if u.arbitrary()? {
                format!(", iscsi_name: \"iqn.1991-05.com.example:{name}\"")
            } else {
                String::new()
            };
            let op = h.bind_op(u, "CreateTarget")?;
            format!("{{call: CreateTarget, friendly_name: {name}{iscsi}, as: {op}}}")
        }
        5..=9 => {
            // CreatePortalGroup, the call under test, most often.
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            let op = h.bind_op(u, "CreatePortalGroup")?;
            format!("{{call: CreatePortalGroup, target: {t}, as: {op}}}")
        }
        10 => {
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            let op = h.bind_op(u, "DeleteTarget")?;
            format!("{{call: DeleteTarget, target: {t}, as: {op}}}")
        }
        11 | 12 => {
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            let call = [
                "GetTargetProperties",
                "GetSubSystem",
                "QueryAssociatedLuns",
                "GetConnectedInitiators",
            ][u.choose_index(4)?];
            format!("{{call: {call}, target: {t}}}")
        }
        13 => {
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            if u.arbitrary()? {
                let q = h.fresh("q");
                for i in 0..2 {
                    h.groups.push(format!("{q}.{i}"));
                }
                format!("{{call: QueryPortalGroups, target: {t}, as: {q}}}")
            } else {
                format!("{{call: QueryPortalGroups, target: {t}}}")
            }
        }
        14 => {
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            let name = NEW_NAMES[u.choose_index(NEW_NAMES.len())?];
            format!("{{call: SetFriendlyName, target: {t}, name: {name}}}")
        }
        15 => {
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            let mut s = format!("{{call: SetSharedSecret, target: {t}");
            match u.int_in_range(0..=2u8)? {
                0 => s.push_str(", secret: s3cret"),
                1 => write!(s, ", null_secret_with_size: {}", u.int_in_range(0..=16u32)?)
                    .expect("write to a String"),
                _ => {}
            }
            if u.arbitrary()? {
                s.push_str(", initiator: \"iqn.1991-05.com.microsoft:host1\"");
            }
            s.push('}');
            s
        }
        16 => {
            let Some(t) = Held::pick(u, &h.targets)?.cloned() else {
                return Ok(None);
            };
            let mut s = format!("{{call: RememberInitiatorSharedSecret, target: {t}");
            if u.arbitrary()? {
                s.push_str(", initiator: \"iqn.1991-05.com.microsoft:host1\"");
            }
            if u.arbitrary()? {
                s.push_str(", secret: s3cret");
            }
            s.push('}');
            s
        }
        17 | 18 => {
            let Some(g) = Held::pick(u, &h.groups)?.cloned() else {
                return Ok(None);
            };
            match u.int_in_range(0..=2u8)? {
                0 => format!("{{call: GetPortalGroupProperties, group: {g}}}"),
                1 => format!("{{call: QueryAssociatedPortals, group: {g}}}"),
                _ if u.arbitrary()? => {
                    let t = h.fresh("gt");
                    h.targets.push(t.clone());
                    format!("{{call: GetTarget, group: {g}, as: {t}}}")
                }
                _ => format!("{{call: GetTarget, group: {g}}}"),
            }
        }
        19 | 20 => {
            let Some(g) = Held::pick(u, &h.groups)?.cloned() else {
                return Ok(None);
            };
            let Some(p) = Held::pick(u, &h.portals)?.cloned() else {
                return Ok(None);
            };
            let call = if u.arbitrary()? {
                "AddPortal"
            } else {
                "RemovePortal"
            };
            let op = h.bind_op(u, call)?;
            format!("{{call: {call}, group: {g}, portal: \"{p}\", as: {op}}}")
        }
        21 => {
            let Some(g) = Held::pick(u, &h.groups)?.cloned() else {
                return Ok(None);
            };
            let op = h.bind_op(u, "DeletePortalGroup")?;
            format!("{{call: DeletePortalGroup, group: {g}, as: {op}}}")
        }
        22 => {
            let Some(p) = Held::pick(u, &h.portals)?.cloned() else {
                return Ok(None);
            };
            match u.int_in_range(0..=3u8)? {
                0 => format!("{{call: GetPortalProperties, portal: \"{p}\"}}"),
                1 => format!("{{call: GetPortalSubSystem, portal: \"{p}\"}}"),
                2 => format!("{{call: QueryAssociatedPortalGroups, portal: \"{p}\"}}"),
                _ => {
                    let st = STATUSES[u.choose_index(STATUSES.len())?];
                    format!("{{call: SetPortalStatus, portal: \"{p}\", status: {st}}}")
                }
            }
        }
        23..=26 => {
            if h.ops.is_empty() {
                return Ok(None);
            }
            let (op, call) = h.ops[u.choose_index(h.ops.len())?].clone();
            if u.arbitrary()? {
                let name = match call {
                    "CreatePortalGroup" => {
                        let g = h.fresh("g");
                        h.groups.push(g.clone());
                        g
                    }
                    "CreateTarget" => {
                        let t = h.fresh("nt");
                        h.targets.push(t.clone());
                        t
                    }
                    _ => {
                        let x = h.fresh("x");
                        h.other.push(x.clone());
                        x
                    }
                };
                format!("{{call: Wait, op: {op}, as: {name}}}")
            } else {
                format!("{{call: Wait, op: {op}}}")
            }
        }
        27 => {
            if h.ops.is_empty() {
                return Ok(None);
            }
            let (op, _) = h.ops[u.choose_index(h.ops.len())?].clone();
            let call = if u.arbitrary()? {
                "QueryStatus"
            } else {
                "Cancel"
            };
            format!("{{call: {call}, op: {op}}}")
        }
        // No `Leak`: a client that drops a pointer without releasing it
        // breaks LEDGER-BALANCED by design (that is what the step is for).
        28 | 29 => {
            let mut names: Vec<String> = vec!["subsystem".to_string()];
            names.extend(h.targets.iter().cloned());
            names.extend(h.groups.iter().cloned());
            names.extend(h.other.iter().cloned());
            names.extend(h.ops.iter().map(|(n, _)| n.clone()));
            let name = names[u.choose_index(names.len())?].clone();
            format!("{{call: Release, name: {name}}}")
        }
        _ => format!("{{call: Sleep, ms: {}}}", ms(u, 200)?),
    };
    Ok(Some(s))
}

/// Writes one fault rule, naming only targets a fault may use.
fn fault(u: &mut Unstructured, targets: &[String], calls: usize) -> Result<String> {
    let trigger = if calls > 0 && u.arbitrary()? {
        format!("before_call: {}", u.int_in_range(1..=calls)?)
    } else {
        format!("at_ms: {}", ms(u, MAX_MS)?)
    };
    let p = probability(u)?;
    let duration = ms(u, MAX_MS)?;
    let target = Held::pick(u, targets)?.cloned();
    let kind: u8 = u.int_in_range(0..=11)?;
    let f = match (kind, target) {
        (1, Some(t)) => format!("{{kind: delete_target, target: {t}}}"),
        (2, Some(t)) => format!(
            "{{kind: delete_portal_group, target: {t}, tag: {}}}",
            u.int_in_range(0..=4u16)?
        ),
        (3, Some(t)) => format!(
            "{{kind: concurrent_calls, clients: {}, target: {t}}}",
            u.int_in_range(1..=3u8)?
        ),
        (4, _) => "{kind: allocation_failure}".to_string(),
        (5, _) => "{kind: invalid_argument}".to_string(),
        (6, _) => format!(
            "{{kind: link_loss, probability: {}, duration_ms: {duration}}}",
            probability(u)?
        ),
        (7, _) => format!("{{kind: link_partition, duration_ms: {duration}}}"),
        (8, _) => format!("{{kind: link_hold, duration_ms: {duration}}}"),
        (9, _) => format!(
            "{{kind: link_latency, extra_ms: {}, duration_ms: {duration}}}",
            ms(u, 200)?
        ),
        (10, _) => format!(
            "{{kind: slow_operations, factor: {}, duration_ms: {duration}}}",
            u.int_in_range(1..=5u8)?
        ),
        (11, _) => "{kind: provider_restart}".to_string(),
        _ => "{kind: cache_corruption}".to_string(),
    };
    Ok(format!("  - {{{trigger}, probability: {p}, fault: {f}}}\n"))
}

impl<'a> Arbitrary<'a> for World {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let seed: u64 = u.arbitrary()?;
        // madsim is about ten times faster: one world in eight on turmoil.
        let engine = if u.ratio(1u8, 8u8)? {
            "turmoil"
        } else {
            "madsim"
        };
        let mut y = String::new();
        let w = &mut y;
        let line = |w: &mut String, s: String| {
            w.push_str(&s);
            w.push('\n');
        };
        line(w, "name: fuzz-world".into());
        line(w, format!("engine: {engine}"));
        line(w, format!("seeds: {{start: {seed}, count: 1}}"));
        let min = ms(u, 10)?;
        let max = min + ms(u, 20)?;
        line(w, format!("latency_ms: {{min: {min}, max: {max}}}"));

        let group_limit: u16 = u.int_in_range(1..=6)?;
        line(w, "array:".into());
        line(w, format!("  group_limit: {group_limit}"));
        line(w, format!("  op_time_ms: {}", ms(u, 50)?));
        line(w, format!("  op_jitter_ms: {}", ms(u, 20)?));
        let n_targets = u.int_in_range(0..=MAX_TARGETS)?;
        let mut targets = Vec::new();
        line(w, "  targets:".into());
        if n_targets == 0 {
            w.truncate(w.len() - 1);
            line(w, " []".into());
        }
        for i in 1..=n_targets {
            let name = format!("t{i}");
            let groups = u.int_in_range(0..=group_limit)?;
            let luns = u.int_in_range(0..=2u8)?;
            let initiators = if u.arbitrary()? {
                "[\"iqn.1991-05.com.microsoft:host1\"]"
            } else {
                "[]"
            };
            line(
                w,
                format!(
                    "    - {{name: {name}, groups: {groups}, luns: {luns}, initiators: {initiators}}}"
                ),
            );
            targets.push(name);
        }
        let n_portals = u.int_in_range(0..=MAX_PORTALS)?;
        let portals: Vec<String> = (1..=n_portals)
            .map(|i| format!("10.0.0.{i}:3260"))
            .collect();
        let quoted: Vec<String> = portals.iter().map(|p| format!("\"{p}\"")).collect();
        line(w, format!("  portals: [{}]", quoted.join(", ")));

        // The faults' bytes come before the clients' (which would otherwise
        // use up a short input first); the faults are written after the
        // clients, whose steps may create targets a fault names.
        let n_faults = u.int_in_range(0..=MAX_FAULTS)?;
        let fault_bytes = u.bytes((n_faults * FAULT_BYTES).min(u.len()))?;
        let n_clients = u.int_in_range(1..=MAX_CLIENTS)?;
        let mut clients = String::new();
        let mut calls = 0usize;
        for c in 1..=n_clients {
            let mut h = Held {
                targets: targets.clone(),
                groups: Vec::new(),
                ops: Vec::new(),
                other: Vec::new(),
                portals: portals.clone(),
                binds: 0,
            };
            let n_steps = u.int_in_range(1..=MAX_STEPS)?;
            let mut steps = Vec::new();
            while steps.len() < n_steps {
                if u.is_empty() {
                    break;
                }
                if let Some(s) = step(u, &mut h)? {
                    if !s.starts_with("{call: Sleep") {
                        calls += 1;
                    }
                    steps.push(s);
                }
            }
            if steps.is_empty() {
                steps.push("{call: QueryTargets}".to_string());
                calls += 1;
            }
            writeln!(clients, "  - name: c{c}\n    steps:").expect("write to a String");
            for s in steps {
                writeln!(clients, "      - {s}").expect("write to a String");
            }
        }

        let mut fault_targets = targets.clone();
        // A fault may also name a target a step creates or renames.
        fault_targets.extend(
            NEW_NAMES
                .iter()
                .filter(|n| clients.contains(&format!("name: {n}")))
                .map(|n| n.to_string()),
        );
        let mut fu = Unstructured::new(fault_bytes);
        if n_faults == 0 {
            line(w, "faults: []".into());
        } else {
            line(w, "faults:".into());
            for _ in 0..n_faults {
                let f = fault(&mut fu, &fault_targets, calls)?;
                w.push_str(&f);
            }
        }
        line(w, "clients:".into());
        w.push_str(&clients);
        Ok(World {
            seed,
            engine,
            yaml: y,
        })
    }
}
