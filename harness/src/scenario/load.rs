//! From text to [`Scenario`]: YAML syntax first, then the schema, then the
//! checks that need more than one field, each error located in the file.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use vds_sim::array::{ArrayConfig, InitialTarget};
use vds_sim::faults::{FaultPlan, FaultRule, Trigger};
use vds_sim::program::ClientProgram;

use super::error::{ScenarioError, parts};
use super::expect::{Checked, Expectation};
use super::locate::{At, Seg, locate};
use super::schema::RawScenario;
use super::{Scenario, SeedRange};

/// Reads and parses a scenario file; errors name the file as given.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    parse(&text, &file)
}

/// Parses scenario text; `file` is the name errors and expectation failures use.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text) {
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
    Builder { text, file }.build(raw)
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
            message: format!("{}: {}", render(path), message.into()),
            expected: expected.into(),
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

    fn build(&self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        use Seg::{Index, Key};
        if raw.latency_ms.min > raw.latency_ms.max {
            return Err(self.invalid(
                &[Key("latency_ms"), Key("max")],
                At::Value,
                format!(
                    "latency max {} ms is below min {} ms",
                    raw.latency_ms.max, raw.latency_ms.min
                ),
                "max at least min",
            ));
        }
        if raw.seeds.start.checked_add(raw.seeds.count.0 - 1).is_none() {
            return Err(self.invalid(
                &[Key("seeds"), Key("count")],
                At::Value,
                "the seeds run past the largest u64",
                "start + count - 1 at most 18446744073709551615",
            ));
        }
        let mut array = ArrayConfig::new()
            .group_limit(raw.array.group_limit)
            .op_time(Duration::from_millis(raw.array.op_time_ms))
            .op_jitter(Duration::from_millis(raw.array.op_jitter_ms));
        let mut names = BTreeSet::new();
        for (i, t) in raw.array.targets.into_iter().enumerate() {
            let at = |k| [Key("array"), Key("targets"), Index(i), Key(k)];
            if !names.insert(t.name.clone()) {
                return Err(self.invalid(
                    &at("name"),
                    At::Value,
                    format!("a second target named `{}`", t.name),
                    "distinct target names",
                ));
            }
            if t.groups > raw.array.group_limit {
                return Err(self.invalid(
                    &at("groups"),
                    At::Value,
                    format!(
                        "target `{}` starts with {} groups, over the array's group_limit",
                        t.name, t.groups
                    ),
                    format!("at most group_limit ({})", raw.array.group_limit),
                ));
            }
            array = array.initial_target(InitialTarget {
                name: t.name,
                groups: t.groups,
                luns: t.luns,
                initiators: t.initiators,
            });
        }
        for p in raw.array.portals {
            array = array.portal(&p.0, p.1);
        }

        let mut faults = FaultPlan::new();
        for (i, r) in raw.faults.into_iter().enumerate() {
            let at = match (r.at_ms, r.before_call) {
                (Some(ms), None) => Trigger::AtMs(ms),
                (None, Some(n)) => Trigger::BeforeCall(n.0),
                (Some(_), Some(_)) => {
                    return Err(self.invalid(
                        &[Key("faults"), Index(i), Key("before_call")],
                        At::Key,
                        "a fault with both `at_ms` and `before_call`",
                        "exactly one trigger",
                    ));
                }
                (None, None) => {
                    return Err(self.invalid(
                        &[Key("faults"), Index(i)],
                        At::Value,
                        "a fault with no trigger",
                        "`at_ms: MS` or `before_call: N`",
                    ));
                }
            };
            faults = faults.rule(FaultRule {
                fault: r.fault.0,
                at,
                probability: r.probability.0,
            });
        }

        if raw.clients.is_empty() {
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
        for (i, c) in raw.clients.into_iter().enumerate() {
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
            let mut steps = Vec::new();
            for (j, s) in c.steps.into_iter().enumerate() {
                for (checked, codes) in [
                    (Checked::Expect, s.expect),
                    (Checked::ExpectResult, s.expect_result),
                ] {
                    let Some(codes) = codes else { continue };
                    let (line, column) = self.position(
                        &[
                            Key("clients"),
                            Index(i),
                            Key("steps"),
                            Index(j),
                            Key(checked.key()),
                        ],
                        At::Key,
                    );
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

        Ok(Scenario {
            file: self.file.to_string(),
            name: raw.name,
            description: raw.description,
            engines: raw.engine.engines(),
            seeds: SeedRange {
                start: raw.seeds.start,
                count: raw.seeds.count.0,
            },
            time_limit: Duration::from_millis(raw.time_limit_ms.0),
            min_latency: Duration::from_millis(raw.latency_ms.min),
            max_latency: Duration::from_millis(raw.latency_ms.max),
            array,
            faults,
            clients,
            expectations,
        })
    }
}
