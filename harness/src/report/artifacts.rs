//! What a failing run leaves behind: its whole trace and its findings, as
//! files named after the run, and the command that replays it.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::suite::{FailedRun, SuiteReport};

/// The files one failing run left behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// `DIR/<campaign>-<engine>-seed<S>.trace.jsonl`: the trace, one JSON document per line.
    pub trace: PathBuf,
    /// `DIR/<campaign>-<engine>-seed<S>.findings.txt`: the findings and the replay command.
    pub findings: PathBuf,
    /// `DIR/<campaign>-<engine>-seed<S>.html`: the run's page (a timeline
    /// with each finding on its call; [`super::page::run_page`]).
    pub page: PathBuf,
    /// `DIR/<campaign>-<engine>-seed<S>.transcript.jsonl`: the protocol
    /// transcript of an `exec:` provider (`> ` harness to provider, `< `
    /// provider to harness, `# ` notes after the last protocol line).
    pub transcript: Option<PathBuf>,
    /// The command that replays the run.
    pub replay: String,
}

/// The file stem for a run: `<campaign>-<engine>-seed<S>`, with anything
/// but letters, digits, `.`, `_` and `-` in the campaign replaced by `_`.
pub fn artifact_stem(run: &FailedRun) -> String {
    artifact_stem_of(&run.campaign, run.engine, run.seed)
}

/// The file stem for a run of this campaign (or scenario) name, engine and seed.
pub fn artifact_stem_of(campaign: &str, engine: vds_sim::runtime::EngineKind, seed: u64) -> String {
    let campaign: String = campaign
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{campaign}-{engine}-seed{seed}")
}

/// Writes the trace and the findings of every failing run into `dir`
/// (created if missing), in the report's order, each file atomically. Runs
/// whose files were written as they were judged
/// ([`crate::suite::SuiteConfig::artifacts`]) are not written again.
pub fn write_artifacts(dir: &Path, report: &SuiteReport) -> io::Result<Vec<Artifact>> {
    let mut out = Vec::new();
    for run in &report.failures {
        match run.written {
            true => out.push(written(dir, run)),
            false => out.push(write_run(dir, &report.provider, run)?),
        }
    }
    Ok(out)
}

/// The list of every failing run a spill met, one line each, in `dir`.
pub const FAILING_RUNS: &str = "failing-runs.txt";

/// A [`crate::suite::Spill`] that lists each failing run in
/// `dir/failing-runs.txt` (its seed, checks and replay command) as it is
/// judged, and writes the files of the runs kept ([`write_run`]).
pub fn spill_to(dir: &Path, provider: &str) -> crate::suite::Spill {
    let (dir, provider) = (dir.to_path_buf(), provider.to_string());
    let list = std::sync::Mutex::new(None::<std::fs::File>);
    std::sync::Arc::new(move |run: &FailedRun, trace: bool| {
        let mut list = list.lock().unwrap_or_else(|e| e.into_inner());
        if list.is_none() {
            let opened = std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::File::create(dir.join(FAILING_RUNS)));
            *list = opened.ok();
        }
        let Some(file) = list.as_mut() else {
            return false;
        };
        let checks: std::collections::BTreeSet<String> =
            run.findings.iter().map(|f| f.check.to_string()).collect();
        let checks: Vec<String> = checks.into_iter().collect();
        let line = format!(
            "{} {} seed {}: {} | replay: {}\n",
            run.campaign,
            run.engine,
            run.seed,
            checks.join(", "),
            run.replay
        );
        if io::Write::write_all(file, line.as_bytes()).is_err() {
            return false;
        }
        !trace || write_run(&dir, &provider, run).is_ok()
    })
}

/// The files a spilled run left in `dir`.
fn written(dir: &Path, run: &FailedRun) -> Artifact {
    let stem = artifact_stem(run);
    let transcript = dir.join(format!("{stem}.transcript.jsonl"));
    Artifact {
        trace: dir.join(format!("{stem}.trace.jsonl")),
        findings: dir.join(format!("{stem}.findings.txt")),
        page: dir.join(format!("{stem}.html")),
        transcript: transcript.is_file().then_some(transcript),
        replay: run.replay.clone(),
    }
}

/// Writes one failing run's trace, findings and transcript into `dir`
/// (created if missing), each file whole or not at all (not waiting for
/// the disk: a replay makes them again).
pub fn write_run(dir: &Path, provider: &str, run: &FailedRun) -> io::Result<Artifact> {
    std::fs::create_dir_all(dir)?;
    let stem = artifact_stem(run);
    let trace = dir.join(format!("{stem}.trace.jsonl"));
    let findings = dir.join(format!("{stem}.findings.txt"));
    let t = vds_sim::trace::render(&run.trace);
    super::output::write_replacing(&trace, t.as_bytes())?;
    super::output::write_replacing(&findings, findings_text(provider, run).as_bytes())?;
    let page = dir.join(format!("{stem}.html"));
    super::output::write_replacing(&page, run_page_of(provider, run).as_bytes())?;
    let transcript = if run.transcript.is_empty() {
        None
    } else {
        let path = dir.join(format!("{stem}.transcript.jsonl"));
        let mut t = run.transcript.join("\n");
        t.push('\n');
        super::output::write_replacing(&path, t.as_bytes())?;
        Some(path)
    };
    Ok(Artifact {
        trace,
        findings,
        page,
        transcript,
        replay: run.replay.clone(),
    })
}

/// A failing run's page.
pub fn run_page_of(provider: &str, run: &FailedRun) -> String {
    let title = format!("{} on {} seed {}", run.campaign, run.engine, run.seed);
    super::page::run_page(&super::page::RunPage {
        title: &title,
        provider,
        seed: run.seed,
        replay: &run.replay,
        trace: &run.trace,
        array_log: &run.array_log,
        steps: &run.steps,
        orders: &run.orders,
        findings: &run.findings,
    })
}

/// The findings file: which run, how to replay it, every finding.
pub fn findings_text(provider: &str, run: &FailedRun) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "provider: {provider}");
    let _ = writeln!(s, "campaign: {}", run.campaign);
    let _ = writeln!(s, "engine: {}", run.engine);
    let _ = writeln!(s, "seed: {}", run.seed);
    let _ = writeln!(s, "replay: {}", run.replay);
    let _ = writeln!(s, "findings: {}", run.findings.len());
    for f in &run.findings {
        let _ = writeln!(s, "  {f}");
    }
    s
}
