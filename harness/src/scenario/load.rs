//! From text to [`Scenario`]: the size and nesting limits first, then YAML
//! syntax, then the schema, then the checks that need more than one field
//! (names used where they are defined, list lengths), each error located in
//! the file.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use vds_sim::array::{ArrayConfig, InitialTarget};
use vds_sim::faults::{FaultPlan, FaultRule, Trigger};
use vds_sim::program::ClientProgram;

use super::error::{ScenarioError, parts};
use super::expect::{Checked, Expectation};
use super::limits::{Limits, MAX_ARRAY_ITEMS, MAX_CLIENTS, MAX_DEPTH, MAX_FAULTS, too_deep};
use super::locate::{At, Seg, locate};
use super::names;
use super::schema::{RawArray, RawClient, RawFaultRule, RawScenario};
use super::{Scenario, SeedRange};
use Seg::{Index, Key};

/// Reads and parses a scenario file; errors name the file as given. A file
/// over `limits.max_bytes` is refused before it is read.
pub fn load(path: &Path, limits: &Limits) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| ScenarioError::Io {
        file: file.clone(),
        message: e.to_string(),
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // One byte more than allowed, to tell a file at the limit from one over it.
    f.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    check_size(bytes.len(), &file, limits)?;
    let text = String::from_utf8(bytes).map_err(|e| ScenarioError::Io {
        file: file.clone(),
        message: format!("not UTF-8 text: {e}"),
    })?;
    parse(&text, &file, limits)
}

fn check_size(len: usize, file: &str, limits: &Limits) -> Result<(), ScenarioError> {
    if len as u64 > limits.max_bytes {
        return Err(ScenarioError::Limit {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: format!(
                "the file is over the size limit of {} bytes",
                limits.max_bytes
            ),
            expected: "a smaller file, or a larger limit (--max-scenario-bytes N)".to_string(),
        });
    }
    Ok(())
}

/// Parses scenario text; `file` is the name errors and expectation failures use.
pub fn parse(text: &str, file: &str, limits: &Limits) -> Result<Scenario, ScenarioError> {
    check_size(text.len(), file, limits)?;
    if let Some((line, column, depth)) = too_deep(text, MAX_DEPTH) {
        return Err(ScenarioError::Limit {
            file: file.to_string(),
            line,
            column,
            message: format!("nesting {depth} deep, over the limit of {MAX_DEPTH}"),
            expected: format!("mappings and lists nested at most {MAX_DEPTH} deep"),
        });
    }
    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text)
        // A number too wide for a YAML value is left to the schema, which
        // knows the field's range.
        && !super::error::is_too_wide(&e)
    {
        let p = parts(text, &e, true);
        return Err(ScenarioError::Syntax {
            file: file.to_string(),
            line: p.line,
            column: p.column,
            message: p.message,
            expected: p.expected,
        });
    }
    let raw: RawScenario = serde_yaml::from_str(text).map_err(|e| {
        let p = parts(text, &e, false);
        ScenarioError::Schema {
            file: file.to_string(),
            line: p.line,
            column: p.column,
            message: p.message,
            expected: p.expected,
        }
    })?;
    Builder { text, file, limits }.build(raw)
}

/// Writes line breaks as `\n` and `\r`, so that a message quoting a name
/// from the file (which YAML lets hold line breaks) stays on one line.
fn one_line(s: &str) -> String {
    s.replace('\n', "\\n").replace('\r', "\\r")
}

/// A path as serde_yaml writes it in its messages: `clients[0].name`.
fn render(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

struct Builder<'a> {
    text: &'a str,
    file: &'a str,
    limits: &'a Limits,
}

impl Builder<'_> {
    fn invalid(
        &self,
        path: &[Seg],
        at: At,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = self.position(path, at);
        ScenarioError::Invalid {
            file: self.file.to_string(),
            line,
            column,
            message: one_line(&format!("{}: {}", render(path), message.into())),
            expected: one_line(&expected.into()),
        }
    }

    /// The position of `path`, or of the nearest ancestor that exists.
    fn position(&self, path: &[Seg], at: At) -> (usize, usize) {
        (0..=path.len())
            .rev()
            .find_map(|n| {
                locate(
                    self.text,
                    &path[..n],
                    if n == path.len() { at } else { At::Value },
                )
            })
            .unwrap_or((1, 1))
    }

    /// Refuses a list longer than `max`, at its first element too many.
    fn at_most(
        &self,
        path: &[Seg],
        len: usize,
        max: usize,
        what: &str,
    ) -> Result<(), ScenarioError> {
        if len <= max {
            return Ok(());
        }
        let mut at = path.to_vec();
        at.push(Seg::Index(max));
        Err(self.invalid(
            &at,
            At::Value,
            format!("{len} {what}, over the limit of {max}"),
            format!("at most {max} {what}"),
        ))
    }

    fn build(&self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        self.check_lengths(&raw)?;
        self.check_ranges(&raw)?;
        let target_names: Vec<String> = raw.array.targets.iter().map(|t| t.name.clone()).collect();
        let portal_names: Vec<String> = raw.array.portals.iter().map(|p| p.text.clone()).collect();
        let array = self.array(raw.array)?;
        let fault_targets = names::array_targets(
            &target_names,
            raw.clients
                .iter()
                .flat_map(|c| c.steps.iter().map(|s| &s.step)),
        );
        let faults = self.faults(raw.faults, &fault_targets)?;
        let (clients, expectations) = self.clients(raw.clients, &target_names, &portal_names)?;
        Ok(Scenario {
            file: self.file.to_string(),
            name: raw.name,
            description: raw.description,
            engines: raw.engine.engines(),
            seeds: SeedRange {
                start: raw.seeds.start.0,
                count: raw.seeds.count.0,
            },
            time_limit: Duration::from_millis(raw.time_limit_ms.0),
            min_latency: Duration::from_millis(raw.latency_ms.min.0),
            max_latency: Duration::from_millis(raw.latency_ms.max.0),
            array,
            faults,
            clients,
            expectations,
        })
    }

    /// Every list within its length limit.
    fn check_lengths(&self, raw: &RawScenario) -> Result<(), ScenarioError> {
        self.at_most(
            &[Key("array"), Key("targets")],
            raw.array.targets.len(),
            MAX_ARRAY_ITEMS,
            "targets",
        )?;
        self.at_most(
            &[Key("array"), Key("portals")],
            raw.array.portals.len(),
            MAX_ARRAY_ITEMS,
            "portals",
        )?;
        self.at_most(
            &[Key("faults")],
            raw.faults.len(),
            MAX_FAULTS,
            "fault rules",
        )?;
        self.at_most(&[Key("clients")], raw.clients.len(), MAX_CLIENTS, "clients")?;
        for (i, t) in raw.array.targets.iter().enumerate() {
            self.at_most(
                &[Key("array"), Key("targets"), Index(i), Key("initiators")],
                t.initiators.len(),
                MAX_ARRAY_ITEMS,
                "initiators",
            )?;
        }
        for (i, c) in raw.clients.iter().enumerate() {
            let max = self.limits.max_steps;
            if c.steps.len() > max {
                let at = [Key("clients"), Index(i), Key("steps"), Index(max)];
                return Err(self.invalid(
                    &at,
                    At::Value,
                    format!("{} steps, over the limit of {max}", c.steps.len()),
                    format!("at most {max} steps, or a larger limit (--max-steps N)"),
                ));
            }
        }
        Ok(())
    }

    /// The latency range is not upside down and the seeds fit in a u64.
    fn check_ranges(&self, raw: &RawScenario) -> Result<(), ScenarioError> {
        if raw.latency_ms.min.0 > raw.latency_ms.max.0 {
            return Err(self.invalid(
                &[Key("latency_ms"), Key("max")],
                At::Value,
                format!(
                    "latency max {} ms is below min {} ms",
                    raw.latency_ms.max.0, raw.latency_ms.min.0
                ),
                "max at least min",
            ));
        }
        if raw
            .seeds
            .start
            .0
            .checked_add(raw.seeds.count.0 - 1)
            .is_none()
        {
            return Err(self.invalid(
                &[Key("seeds"), Key("count")],
                At::Value,
                "the seeds run past the largest u64",
                "start + count - 1 at most 18446744073709551615",
            ));
        }
        Ok(())
    }

    /// The `array:` section: distinct target names, each within the group limit.
    fn array(&self, raw: RawArray) -> Result<ArrayConfig, ScenarioError> {
        let group_limit = raw.group_limit.0 as u16;
        let mut array = ArrayConfig::new()
            .group_limit(group_limit)
            .op_time(Duration::from_millis(raw.op_time_ms.0))
            .op_jitter(Duration::from_millis(raw.op_jitter_ms.0));
        let mut names = BTreeSet::new();
        for (i, t) in raw.targets.into_iter().enumerate() {
            let at = |k| [Key("array"), Key("targets"), Index(i), Key(k)];
            if !names.insert(t.name.clone()) {
                return Err(self.invalid(
                    &at("name"),
                    At::Value,
                    format!("a second target named `{}`", t.name),
                    "distinct target names",
                ));
            }
            if t.groups.0 > raw.group_limit.0 {
                return Err(self.invalid(
                    &at("groups"),
                    At::Value,
                    format!(
                        "target `{}` starts with {} groups, over the array's group_limit",
                        t.name, t.groups.0
                    ),
                    format!("at most group_limit ({group_limit})"),
                ));
            }
            array = array.initial_target(InitialTarget {
                name: t.name,
                groups: t.groups.0 as u16,
                luns: t.luns.0 as u16,
                initiators: t.initiators,
            });
        }
        for p in raw.portals {
            array = array.portal(&p.address, p.port);
        }
        Ok(array)
    }

    /// The `faults:` section: each fault names what exists, with one trigger.
    fn faults(
        &self,
        raw: Vec<RawFaultRule>,
        fault_targets: &BTreeSet<String>,
    ) -> Result<FaultPlan, ScenarioError> {
        let mut faults = FaultPlan::new();
        for (i, r) in raw.into_iter().enumerate() {
            if let Err(u) = names::fault(&r.fault.0, fault_targets) {
                return Err(self.invalid(
                    &[Key("faults"), Index(i), Key("fault"), Key(u.field)],
                    At::Value,
                    u.message,
                    u.expected,
                ));
            }
            let at = self.trigger(i, &r)?;
            faults = faults.rule(FaultRule {
                fault: r.fault.0,
                at,
                probability: r.probability.0,
            });
        }
        Ok(faults)
    }

    /// Fault rule `i`'s trigger: exactly one of `at_ms` and `before_call`.
    fn trigger(&self, i: usize, r: &RawFaultRule) -> Result<Trigger, ScenarioError> {
        match (r.at_ms, r.before_call) {
            (Some(ms), None) => Ok(Trigger::AtMs(ms.0)),
            (None, Some(n)) => Ok(Trigger::BeforeCall(n.0)),
            (Some(_), Some(_)) => Err(self.invalid(
                &[Key("faults"), Index(i), Key("before_call")],
                At::Key,
                "a fault with both `at_ms` and `before_call`",
                "exactly one trigger",
            )),
            (None, None) => Err(self.invalid(
                &[Key("faults"), Index(i)],
                At::Value,
                "a fault with no trigger",
                "`at_ms: MS` or `before_call: N`",
            )),
        }
    }

    /// The `clients:` section: at least one, distinct names, each with steps.
    fn clients(
        &self,
        raw: Vec<RawClient>,
        target_names: &[String],
        portal_names: &[String],
    ) -> Result<(Vec<ClientProgram>, Vec<Expectation>), ScenarioError> {
        if raw.is_empty() {
            return Err(self.invalid(
                &[Key("clients")],
                At::Value,
                "no clients",
                "at least one client with steps",
            ));
        }
        let mut clients = Vec::new();
        let mut expectations = Vec::new();
        let mut client_names = BTreeSet::new();
        for (i, c) in raw.into_iter().enumerate() {
            if !client_names.insert(c.name.clone()) {
                return Err(self.invalid(
                    &[Key("clients"), Index(i), Key("name")],
                    At::Value,
                    format!("a second client named `{}`", c.name),
                    "distinct client names",
                ));
            }
            if c.steps.is_empty() {
                return Err(self.invalid(
                    &[Key("clients"), Index(i), Key("steps")],
                    At::Value,
                    format!("client `{}` has no steps", c.name),
                    "at least one step",
                ));
            }
            let mut env = names::Env::new(target_names, portal_names);
            let mut steps = Vec::new();
            for (j, s) in c.steps.into_iter().enumerate() {
                let at = |k| [Key("clients"), Index(i), Key("steps"), Index(j), Key(k)];
                if let Err(u) = env.step(&s.step) {
                    return Err(self.invalid(&at(u.field), At::Value, u.message, u.expected));
                }
                for (checked, codes) in [
                    (Checked::Expect, s.expect),
                    (Checked::ExpectResult, s.expect_result),
                ] {
                    let Some(codes) = codes else { continue };
                    let (line, column) = self.position(&at(checked.key()), At::Key);
                    expectations.push(Expectation {
                        client: c.name.clone(),
                        step: j + 1,
                        call: s.call.name,
                        checked,
                        codes,
                        line,
                        column,
                    });
                }
                steps.push(s.step);
            }
            clients.push(ClientProgram::new(&c.name, steps));
        }
        Ok((clients, expectations))
    }
}
