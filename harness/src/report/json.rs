//! The suite's result as one JSON document (`run`/`sweep --report FILE`;
//! schema `docs/report.schema.json`), for tools: the provider and what it
//! declared, the plan, per check its verdict and counts, every coverage
//! cell with the runs that reached it per engine, every failing run kept
//! with its findings and replay command, and how many more there were.
//! It holds no wall-clock time, so the same suite gives the same bytes.

use serde_json::{Value, json};

use crate::suite::{SuiteReport, Verdict};

/// A verdict as the document spells it.
fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Untested => "untested",
        Verdict::Inconclusive => "inconclusive",
    }
}

/// The report as a JSON document; `plan` says what was asked for (the
/// command's campaigns, seeds, engines and shard).
pub fn json_report(report: &SuiteReport, plan: Value) -> Value {
    let outcome = if report.interrupted.is_some() || report.stopped.is_some() {
        "stopped"
    } else if !report.failures.is_empty() || report.unkept > 0 {
        "violations"
    } else if report.inconclusive() {
        "inconclusive"
    } else {
        "conformant"
    };
    let checks = check_rows(report);
    let cov = &report.coverage;
    let cells: Vec<Value> = cov
        .cells
        .iter()
        .map(|((c, m), by)| json!({"check": c.to_string(), "method": m.sdk_name(), "runs_by_engine": per_engine(by)}))
        .collect();
    let situations: Vec<Value> = cov
        .situations
        .iter()
        .map(|((c, s), by)| json!({"check": c.to_string(), "situation": s.to_string(), "runs_by_engine": per_engine(by)}))
        .collect();
    let states: Vec<Value> = cov
        .states
        .iter()
        .map(|((m, s), by)| json!({"method": m.sdk_name(), "state": s.to_string(), "runs_by_engine": per_engine(by)}))
        .collect();
    let unreached: Vec<Value> = report
        .unreached_states
        .iter()
        .map(|(m, s, e)| json!({"method": m.sdk_name(), "state": s.to_string(), "engine": e.to_string()}))
        .collect();
    let failures = failure_rows(report);
    let distinct = distinct_rows(report);
    json!({
        "tool": "vds-harness",
        "version": env!("CARGO_PKG_VERSION"),
        "commit": env!("VDS_HARNESS_COMMIT"),
        "provider": report.provider,
        "declaration": {
            "lock_domain": report.declaration.lock_domain.to_string(),
            "refresh_alongside": report.declaration.refresh_alongside,
            "not_supported": report.declaration.not_supported,
            "operations_end_in_call": report.declaration.operations_end_in_call,
            "cannot_take": report
                .cannot_take
                .iter()
                .map(|k| vds_sim::faults::FaultKind::of_provider_side(*k).name())
                .collect::<Vec<_>>(),
        },
        "plan": plan,
        "engines": report.engines.iter().map(|e| e.name()).collect::<Vec<_>>(),
        "runs": report.runs,
        "outcome": outcome,
        "partial": report.partial,
        "stopped": report.stopped,
        "interrupted": report.interrupted.map(|s| s.to_string()),
        "checks": checks,
        "cells": cells,
        "situations": situations,
        "states": states,
        "unreached_states": unreached,
        "failures": failures,
        "distinct_failures": distinct,
        "failing_runs_not_kept": report.unkept,
    })
}

/// Runs per engine, by engine name.
fn per_engine(
    m: &std::collections::BTreeMap<vds_sim::runtime::EngineKind, u64>,
) -> serde_json::Map<String, Value> {
    m.iter().map(|(e, n)| (e.to_string(), json!(n))).collect()
}

/// One row per check: its verdict, runs and what was left unexercised.
fn check_rows(report: &SuiteReport) -> Vec<Value> {
    report
        .rows()
        .into_iter()
        .map(|(check, t)| {
            let unexercised: Vec<String> = t
                .unexercised_on
                .iter()
                .map(|e| format!("on {e}"))
                .chain(
                    t.unexercised_cells
                        .iter()
                        .map(|(m, e)| format!("{m} on {e}")),
                )
                .chain(
                    t.unexercised_situations
                        .iter()
                        .map(|(s, e)| format!("situation `{s}` on {e}")),
                )
                .collect();
            json!({
                "id": check.id.to_string(),
                "verdict": verdict(t.verdict()),
                "runs": t.runs,
                "failed_runs": t.failed_runs,
                "exercised": t.exercised,
                "runs_by_engine": per_engine(&t.runs_by_engine),
                "first_failing_run": t.first_failure_after,
                "unexercised": unexercised,
            })
        })
        .collect()
}

/// Every failing run kept, with its findings.
fn failure_rows(report: &SuiteReport) -> Vec<Value> {
    report
        .failures
        .iter()
        .map(|f| {
            json!({
                "campaign": f.campaign,
                "engine": f.engine.to_string(),
                "seed": f.seed,
                "run": f.run,
                "replay": f.replay,
                "findings": f.findings.iter().map(|x| json!({
                    "check": x.check.to_string(),
                    "client": x.client,
                    "step": x.step,
                    "seq": x.seq,
                    "message": x.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Each distinct failure: its checks, how many runs, the first of them.
fn distinct_rows(report: &SuiteReport) -> Vec<Value> {
    super::distinct_failures(report)
        .iter()
        .map(|d| {
            json!({
                "checks": d.checks.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "runs": d.runs.len(),
                "first": {"campaign": d.runs[0].campaign, "engine": d.runs[0].engine.to_string(), "seed": d.runs[0].seed, "replay": d.runs[0].replay},
            })
        })
        .collect()
}
