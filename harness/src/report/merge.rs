//! `vds-harness merge`: the JSON reports of the shards of one sweep (or
//! any one report) read back and put together into the report the
//! unsharded sweep would have made: the same matrix, verdict, failures and
//! exit status. Reports of different tools, versions, providers,
//! declarations or plans are refused, and so are missing or repeated shards.
//!
//! A shard keeps its first `--keep-failures` failing runs per check, in plan
//! order; the merge keeps the first of those again over all shards, which
//! are exactly the runs the unsharded sweep keeps (a run the whole sweep
//! keeps has fewer such predecessors in its shard than in the whole).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::provider::ProviderFaultKind;
use vds_sim::provider::declaration::Declaration;
use vds_sim::runtime::EngineKind;

use crate::checks::CheckId;
use crate::oracle::{Finding, State};
use crate::plan::Shard;
use crate::situation::Situation;
use crate::suite::{Coverage, FailedRun, SuiteReport, Tally};

/// Why reports cannot be merged; each names the file and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A report that is not one `run`/`sweep --report` writes.
    #[error(
        "{file}: {what}; expected a report written by `vds-harness sweep --report` (docs/report.schema.json)"
    )]
    Malformed {
        /// The report file.
        file: String,
        /// What is wrong, with the JSON path.
        what: String,
    },
    /// Two reports disagree on something shards of one sweep share.
    #[error(
        "{file} and {other} differ in {field} ({a} against {b}); expected the shards of one sweep, made by one build against one provider"
    )]
    Differ {
        /// The first report.
        file: String,
        /// The report that differs from it.
        other: String,
        /// What differs.
        field: &'static str,
        /// The first report's value.
        a: String,
        /// The other's.
        b: String,
    },
    /// The same shard twice.
    #[error("shard {shard} is given twice ({file} and {other}); expected each shard once")]
    Repeated {
        /// The shard, K/N.
        shard: String,
        /// Its first report.
        file: String,
        /// Its second.
        other: String,
    },
    /// Shards missing.
    #[error(
        "shard(s) {missing} of {n} missing; expected one report of each shard 1/{n} to {n}/{n}"
    )]
    Missing {
        /// The missing shards, K/N, comma-separated.
        missing: String,
        /// How many shards the sweep has.
        n: u64,
    },
}

/// The merged report and its plan (the shards' plan, unsharded, with the
/// shards it came from).
pub struct Merged {
    /// The report the unsharded sweep would have made.
    pub report: SuiteReport,
    /// The plan, as the JSON report writes it.
    pub plan: Value,
    /// `--keep-failures` of the shards.
    pub keep_failures: u64,
}

/// One report being read: its file name, for messages.
struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn bad(&self, what: impl Into<String>) -> MergeError {
        MergeError::Malformed {
            file: self.file.to_string(),
            what: what.into(),
        }
    }

    fn field<'v>(&self, v: &'v Value, path: &str, key: &str) -> Result<&'v Value, MergeError> {
        v.get(key)
            .ok_or_else(|| self.bad(format!("no field `{path}.{key}`")))
    }

    fn u64(&self, v: &Value, path: &str, key: &str) -> Result<u64, MergeError> {
        self.field(v, path, key)?
            .as_u64()
            .ok_or_else(|| self.bad(format!("`{path}.{key}` is not a whole number")))
    }

    fn str<'v>(&self, v: &'v Value, path: &str, key: &str) -> Result<&'v str, MergeError> {
        self.field(v, path, key)?
            .as_str()
            .ok_or_else(|| self.bad(format!("`{path}.{key}` is not a string")))
    }

    fn array<'v>(&self, v: &'v Value, path: &str, key: &str) -> Result<&'v [Value], MergeError> {
        self.field(v, path, key)?
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| self.bad(format!("`{path}.{key}` is not a list")))
    }

    fn engine(&self, name: &str, path: &str) -> Result<EngineKind, MergeError> {
        name.parse()
            .map_err(|_| self.bad(format!("`{path}` names no engine: `{name}`")))
    }

    fn per_engine(
        &self,
        v: &Value,
        path: &str,
        key: &str,
    ) -> Result<BTreeMap<EngineKind, u64>, MergeError> {
        let map = self
            .field(v, path, key)?
            .as_object()
            .ok_or_else(|| self.bad(format!("`{path}.{key}` is not an object")))?;
        let mut out = BTreeMap::new();
        for (name, n) in map {
            let n = n
                .as_u64()
                .ok_or_else(|| self.bad(format!("`{path}.{key}.{name}` is not a whole number")))?;
            out.insert(self.engine(name, &format!("{path}.{key}"))?, n);
        }
        Ok(out)
    }

    fn rule(&self, v: &Value, path: &str, key: &str) -> Result<RuleId, MergeError> {
        let s = self.str(v, path, key)?;
        s.parse()
            .map_err(|_| self.bad(format!("`{path}.{key}` names no check: `{s}`")))
    }

    fn method(&self, v: &Value, path: &str) -> Result<Method, MergeError> {
        let s = self.str(v, path, "method")?;
        Method::from_sdk_name(s)
            .ok_or_else(|| self.bad(format!("`{path}.method` names no method: `{s}`")))
    }
}

/// The shard a report's plan names: (k, n); the whole sweep is 1/1.
fn shard_of(r: &Reader, plan: &Value) -> Result<(u64, u64), MergeError> {
    let shard = match plan.get("shard") {
        None | Some(Value::Null) => Shard { k: 1, n: 1 },
        Some(Value::String(s)) => s
            .parse::<Shard>()
            .map_err(|e| r.bad(format!("`plan.shard`: {e}")))?,
        Some(other) => return Err(r.bad(format!("`plan.shard` is {other}, not K/N"))),
    };
    Ok((shard.k as u64, shard.n as u64))
}

/// What every shard of one sweep has in common, as text, field by field.
fn common(doc: &Value) -> Vec<(&'static str, String)> {
    let mut plan = doc.get("plan").cloned().unwrap_or(Value::Null);
    if let Some(p) = plan.as_object_mut() {
        p.remove("shard");
    }
    let text = |key: &str| doc.get(key).map_or("none".to_string(), Value::to_string);
    vec![
        ("tool", text("tool")),
        ("version", text("version")),
        ("commit", text("commit")),
        ("provider", text("provider")),
        ("declaration", text("declaration")),
        ("plan", plan.to_string()),
        ("partial", text("partial")),
    ]
}

/// Merges the reports (file name, document) of the shards of one sweep.
pub fn merge(docs: &[(String, Value)]) -> Result<Merged, MergeError> {
    let Some((first_file, first)) = docs.first() else {
        return Err(MergeError::Missing {
            missing: "all".into(),
            n: 0,
        });
    };
    let reader = Reader { file: first_file };
    if first.get("tool").and_then(Value::as_str) != Some("vds-harness") {
        return Err(reader.bad("`tool` is not \"vds-harness\""));
    }
    let want = common(first);
    let mut shards: BTreeMap<u64, &str> = BTreeMap::new();
    let (_, n) = shard_of(&reader, reader.field(first, "", "plan")?)?;
    for (file, doc) in docs {
        let r = Reader { file };
        for ((field, a), (_, b)) in want.iter().zip(common(doc)) {
            if *a != b {
                return Err(MergeError::Differ {
                    file: first_file.clone(),
                    other: file.clone(),
                    field,
                    a: a.clone(),
                    b,
                });
            }
        }
        let (k, this_n) = shard_of(&r, r.field(doc, "", "plan")?)?;
        if this_n != n {
            return Err(MergeError::Differ {
                file: first_file.clone(),
                other: file.clone(),
                field: "the number of shards",
                a: n.to_string(),
                b: this_n.to_string(),
            });
        }
        if let Some(other) = shards.insert(k, file) {
            return Err(MergeError::Repeated {
                shard: format!("{k}/{n}"),
                file: other.to_string(),
                other: file.clone(),
            });
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| !shards.contains_key(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            n,
        });
    }
    let mut sum = Sum::default();
    for (file, doc) in docs {
        sum.add(&Reader { file }, doc)?;
    }
    let keep_failures = reader
        .field(first, "", "plan")?
        .get("keep_failures")
        .and_then(Value::as_u64)
        .unwrap_or(20);
    let mut plan = first["plan"].clone();
    if let Some(p) = plan.as_object_mut() {
        p.insert("shard".into(), Value::Null);
        p.insert(
            "merged_from".into(),
            shards.keys().map(|k| format!("{k}/{n}")).collect(),
        );
    }
    let report = sum.report(&reader, first, keep_failures)?;
    Ok(Merged {
        report,
        plan,
        keep_failures,
    })
}

/// The shards' counts, added up.
#[derive(Default)]
struct Sum {
    runs: u64,
    tallies: BTreeMap<RuleId, Tally>,
    coverage: Coverage,
    /// Every failing run the shards kept, with the checks it breaks.
    failures: Vec<FailedRun>,
    /// Failing runs in all, kept or not.
    failing: u64,
    engines: BTreeSet<EngineKind>,
    stopped: Vec<String>,
    interrupted: Option<crate::interrupt::Signal>,
}

impl Sum {
    fn add(&mut self, r: &Reader, doc: &Value) -> Result<(), MergeError> {
        self.runs += r.u64(doc, "", "runs")?;
        for name in r.array(doc, "", "engines")? {
            let name = name
                .as_str()
                .ok_or_else(|| r.bad("`engines` holds a non-string"))?;
            self.engines.insert(r.engine(name, "engines")?);
        }
        for (i, c) in r.array(doc, "", "checks")?.iter().enumerate() {
            let path = format!("checks[{i}]");
            let t = self.tallies.entry(r.rule(c, &path, "id")?).or_default();
            t.runs += r.u64(c, &path, "runs")?;
            t.failed_runs += r.u64(c, &path, "failed_runs")?;
            t.exercised += r.u64(c, &path, "exercised")?;
            for (e, n) in r.per_engine(c, &path, "runs_by_engine")? {
                *t.runs_by_engine.entry(e).or_default() += n;
            }
            if let Some(at) = r.field(c, &path, "first_failing_run")?.as_u64() {
                t.first_failure_after = Some(t.first_failure_after.map_or(at, |f| f.min(at)));
            }
        }
        for (i, c) in r.array(doc, "", "cells")?.iter().enumerate() {
            let path = format!("cells[{i}]");
            let key = (r.rule(c, &path, "check")?, r.method(c, &path)?);
            add_counts(
                self.coverage.cells.entry(key).or_default(),
                r.per_engine(c, &path, "runs_by_engine")?,
            );
        }
        for (i, c) in r.array(doc, "", "situations")?.iter().enumerate() {
            let path = format!("situations[{i}]");
            let name = r.str(c, &path, "situation")?;
            let s = Situation::from_name(name)
                .ok_or_else(|| r.bad(format!("`{path}.situation` names none: `{name}`")))?;
            add_counts(
                self.coverage
                    .situations
                    .entry((r.rule(c, &path, "check")?, s))
                    .or_default(),
                r.per_engine(c, &path, "runs_by_engine")?,
            );
        }
        for (i, c) in r.array(doc, "", "states")?.iter().enumerate() {
            let path = format!("states[{i}]");
            let m = r.method(c, &path)?;
            let name = r.str(c, &path, "state")?;
            let s = State::from_name(name)
                .ok_or_else(|| r.bad(format!("`{path}.state` names no state: `{name}`")))?;
            add_counts(
                self.coverage.states.entry((m, s)).or_default(),
                r.per_engine(c, &path, "runs_by_engine")?,
            );
        }
        let failures = r.array(doc, "", "failures")?;
        self.failing += failures.len() as u64 + r.u64(doc, "", "failing_runs_not_kept")?;
        for (i, f) in failures.iter().enumerate() {
            self.failures
                .push(failed_run(r, f, &format!("failures[{i}]"))?);
        }
        if let Some(why) = doc.get("stopped").and_then(Value::as_str) {
            let shard = doc["plan"]["shard"].as_str().unwrap_or("1/1");
            self.stopped.push(format!("shard {shard}: {why}"));
        }
        if let Some(sig) = doc.get("interrupted").and_then(Value::as_str) {
            self.interrupted = crate::interrupt::Signal::from_name(sig);
        }
        Ok(())
    }

    /// The report the unsharded sweep would have made.
    fn report(
        mut self,
        r: &Reader,
        first: &Value,
        keep_failures: u64,
    ) -> Result<SuiteReport, MergeError> {
        let decl = r.field(first, "", "declaration")?;
        let mut declaration = Declaration {
            lock_domain: r.str(decl, "declaration", "lock_domain")?.parse().map_err(
                |e: vds_sim::provider::declaration::UnknownLockDomain| {
                    r.bad(format!("`declaration.lock_domain`: {e}"))
                },
            )?,
            refresh_alongside: r
                .field(decl, "declaration", "refresh_alongside")?
                .as_bool()
                .ok_or_else(|| r.bad("`declaration.refresh_alongside` is not true or false"))?,
            not_supported: Default::default(),
            operations_end_in_call: r
                .field(decl, "declaration", "operations_end_in_call")?
                .as_bool()
                .ok_or_else(|| {
                    r.bad("`declaration.operations_end_in_call` is not true or false")
                })?,
        };
        for m in r.array(decl, "declaration", "not_supported")? {
            declaration = declaration
                .not_supported_named(m.as_str().unwrap_or(""))
                .map_err(|e| r.bad(format!("`declaration.not_supported`: {e}")))?;
        }
        let mut cannot_take: Vec<ProviderFaultKind> = Vec::new();
        for k in r.array(decl, "declaration", "cannot_take")? {
            let name = k.as_str().unwrap_or("");
            let kind = vds_sim::faults::FaultKind::from_name(name)
                .and_then(vds_sim::faults::FaultKind::provider_side)
                .ok_or_else(|| {
                    r.bad(format!(
                        "`declaration.cannot_take` names no provider fault: `{name}`"
                    ))
                })?;
            cannot_take.push(kind);
        }
        let partial = r
            .field(first, "", "partial")?
            .as_bool()
            .ok_or_else(|| r.bad("`partial` is not true or false"))?;
        // Every check has a tally, in catalogue order, as a suite's report has.
        let mut tallies: BTreeMap<RuleId, Tally> = crate::checks::CHECKS
            .iter()
            .map(|c| (c.id, self.tallies.remove(&c.id).unwrap_or_default()))
            .collect();
        self.failures.sort_by_key(|f| f.run);
        let mut keeper =
            crate::suite::Keeper::new(usize::try_from(keep_failures).unwrap_or(usize::MAX));
        let failures: Vec<FailedRun> = self
            .failures
            .into_iter()
            .filter(|f| keeper.keeps(&f.findings))
            .collect();
        let unkept = self.failing - failures.len() as u64;
        let engines: Vec<EngineKind> = self.engines.into_iter().collect();
        let stopped = (!self.stopped.is_empty()).then(|| self.stopped.join("; "));
        let mut unreached_states = Vec::new();
        if !partial && stopped.is_none() {
            let design = crate::suite::Design {
                cannot_take: cannot_take.clone(),
                declaration,
            };
            crate::suite::require_exercise(&mut tallies, &self.coverage, &engines, &design);
            unreached_states = crate::suite::unreached(&self.coverage, &engines, &design);
        }
        Ok(SuiteReport {
            provider: r.str(first, "", "provider")?.to_string(),
            declaration,
            cannot_take,
            runs: self.runs,
            tallies,
            failures,
            coverage: self.coverage,
            engines,
            stopped,
            unreached_states,
            partial,
            interrupted: self.interrupted,
            unkept,
        })
    }
}

/// Adds per-engine counts.
fn add_counts(into: &mut BTreeMap<EngineKind, u64>, from: BTreeMap<EngineKind, u64>) {
    for (e, n) in from {
        *into.entry(e).or_default() += n;
    }
}

/// One failing run as the report writes it (its trace stays in the shard's
/// artifacts).
fn failed_run(r: &Reader, f: &Value, path: &str) -> Result<FailedRun, MergeError> {
    let mut findings = Vec::new();
    for (i, x) in r.array(f, path, "findings")?.iter().enumerate() {
        let at = format!("{path}.findings[{i}]");
        let name = r.str(x, &at, "check")?;
        findings.push(Finding {
            check: CheckId::from_name(name)
                .ok_or_else(|| r.bad(format!("`{at}.check` names no check: `{name}`")))?,
            client: r.str(x, &at, "client")?.to_string(),
            step: r.u64(x, &at, "step")? as usize,
            seq: r.u64(x, &at, "seq")? as usize,
            message: r.str(x, &at, "message")?.to_string(),
        });
    }
    Ok(FailedRun {
        campaign: r.str(f, path, "campaign")?.to_string(),
        engine: r.engine(r.str(f, path, "engine")?, &format!("{path}.engine"))?,
        seed: r.u64(f, path, "seed")?,
        run: r.u64(f, path, "run")?,
        findings,
        trace: Vec::new(),
        transcript: Vec::new(),
        array_log: Vec::new(),
        steps: Vec::new(),
        orders: Vec::new(),
        replay: r.str(f, path, "replay")?.to_string(),
        written: true,
    })
}
