//! The cucumber World: Given and When steps accumulate a world description
//! (array shape, fault plan, client programs); the first Then step after a
//! change runs it, on every chosen engine, and the assertions read the runs'
//! step records, traces, ledgers and final arrays.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use vds_sim::method::Method;

use vds_sim::array::{ArrayConfig, InitialTarget};
use vds_sim::faults::{Fault, FaultPlan, FaultRule, Trigger};
use vds_sim::hresult::HResult;
use vds_sim::program::{ClientProgram, Step};
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::provider::ProviderFactory;
use vds_sim::runtime::EngineKind;
use vds_sim::world::{RunOutcome, StepRecord, WorldConfig};

/// The feature file or folder the run was given (`--input`), which a
/// failure's `reproduce:` line must name again; unset for `features/`.
pub static INPUT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// The provider scenarios run against unless they name one (`vds-harness
/// features --provider P`); unset: `VDS_PROVIDER`, else `reference`.
pub static PROVIDER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Where a failing scenario's trace is written; unset: the system's
/// temporary directory.
pub static TRACES: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// The command that runs features, as a failure's `reproduce:` line
/// starts (the program's path and `features`); unset: `cargo test --test
/// features --`, with the provider in `VDS_PROVIDER`.
pub static REPRODUCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `s` in single quotes for a POSIX shell.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The seed a scenario runs from unless it names one.
pub const DEFAULT_SEED: u64 = 1;

/// The iSCSI name the array gives a target present at the start.
pub fn initial_iscsi_name(friendly: &str) -> String {
    format!("iqn.1991-05.com.example:{friendly}")
}

/// One scenario's world, built step by step.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct VdsWorld {
    /// The scenario's name, for reproduction hints.
    pub scenario: String,
    /// The run's seed.
    pub seed: u64,
    /// The engines to run on; every assertion must hold on each.
    pub engines: Vec<EngineKind>,
    /// The provider's name as given.
    pub provider_name: String,
    /// Its factory, or why there is none.
    pub factory: Result<Arc<dyn ProviderFactory>, String>,
    /// The array's shape.
    pub array: ArrayConfig,
    /// The fault plan.
    pub faults: FaultPlan,
    /// The clients' programs, in order of first mention.
    pub clients: Vec<ClientProgram>,
    /// The provider-array latency range, when not the sim's default.
    pub latency: Option<(std::time::Duration, std::time::Duration)>,
    /// The hang limit, when not the sim's default.
    pub time_limit: Option<std::time::Duration>,
    /// Names a scenario gives to objects, per client, mapped to the binding
    /// the program uses.
    pub aliases: BTreeMap<(String, String), Alias>,
    /// The client and step number of the call the latest When step made.
    pub last: Option<(String, usize)>,
    /// The runs, one per engine; `None` when the description changed since.
    pub outcomes: Option<Vec<RunOutcome>>,
}

/// What a scenario's name for an object stands for in a client's program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The binding name in the program.
    pub binding: String,
    /// The Wait step (1-based) that handed the object back, when there is one.
    pub from_wait: Option<usize>,
}

impl fmt::Debug for VdsWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VdsWorld")
            .field("seed", &self.seed)
            .field("engines", &self.engines)
            .field("provider", &self.provider_name)
            .field("array", &self.array)
            .field("faults", &self.faults)
            .field("clients", &self.clients)
            .finish_non_exhaustive()
    }
}

/// The provider [`PROVIDER`] or `VDS_PROVIDER` names, or `reference`.
pub fn default_provider_name() -> String {
    if let Some(p) = PROVIDER.get() {
        return p.clone();
    }
    std::env::var("VDS_PROVIDER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "reference".to_string())
}

/// The factory for a provider name, with the harness's error message.
pub fn factory_for(name: &str) -> Result<Arc<dyn ProviderFactory>, String> {
    crate::providers::by_name(name).map_err(|e| e.to_string())
}

impl VdsWorld {
    fn new() -> Self {
        let provider_name = default_provider_name();
        Self {
            scenario: String::new(),
            seed: DEFAULT_SEED,
            engines: EngineKind::ALL.to_vec(),
            factory: factory_for(&provider_name),
            provider_name,
            array: ArrayConfig::default(),
            faults: FaultPlan::default(),
            clients: Vec::new(),
            latency: None,
            time_limit: None,
            aliases: BTreeMap::new(),
            last: None,
            outcomes: None,
        }
    }

    /// Marks the description as changed: the next Then step runs again.
    pub fn changed(&mut self) {
        self.outcomes = None;
    }

    // ---------------------------------------------------------------- array

    /// The initial target with this name, created (with no groups) if new.
    pub fn target_mut(&mut self, name: &str) -> &mut InitialTarget {
        self.changed();
        let i = match self.array.targets.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                self.array.targets.push(InitialTarget {
                    name: name.to_string(),
                    groups: 0,
                    luns: 0,
                    initiators: Vec::new(),
                });
                self.array.targets.len() - 1
            }
        };
        &mut self.array.targets[i]
    }

    // --------------------------------------------------------------- faults

    /// Calls the programs hold so far, across all clients.
    pub fn calls_so_far(&self) -> u64 {
        self.clients
            .iter()
            .flat_map(|c| &c.steps)
            .filter(|s| s.is_call())
            .count() as u64
    }

    /// Adds a fault. `when` is the step's trigger phrase: `before call N`,
    /// `at N ms`, or nothing for "just before the next call added".
    pub fn add_fault(&mut self, fault: Fault, when: Option<&str>) -> Result<(), String> {
        let at = match when.map(str::trim).filter(|s| !s.is_empty()) {
            None => Trigger::BeforeCall(self.calls_so_far() + 1),
            Some(w) => parse_trigger(w)?,
        };
        self.changed();
        self.faults.rules.push(FaultRule {
            fault,
            at,
            probability: 1.0,
        });
        Ok(())
    }

    // -------------------------------------------------------------- clients

    /// Appends a step to a client's program and makes it "the call".
    pub fn push(&mut self, client: &str, step: Step) -> usize {
        self.changed();
        let program = match self.clients.iter().position(|c| c.name == client) {
            Some(i) => &mut self.clients[i],
            None => {
                self.clients.push(ClientProgram::new(client, Vec::new()));
                self.clients.last_mut().expect("just pushed")
            }
        };
        program.steps.push(step);
        let n = program.steps.len();
        self.last = Some((client.to_string(), n));
        n
    }

    /// The binding a scenario name stands for in a client's program.
    pub fn binding(&self, client: &str, name: &str) -> String {
        self.aliases
            .get(&(client.to_string(), name.to_string()))
            .map(|a| a.binding.clone())
            .unwrap_or_else(|| name.to_string())
    }

    /// Records that `name` stands for `alias` in a client's program.
    pub fn alias(&mut self, client: &str, name: &str, alias: Alias) {
        self.aliases
            .insert((client.to_string(), name.to_string()), alias);
    }

    /// The client of the latest call.
    pub fn current_client(&self) -> Result<String, String> {
        self.last
            .as_ref()
            .map(|(c, _)| c.clone())
            .ok_or_else(|| "no client has made a call yet".to_string())
    }

    /// The step of a client's program.
    pub fn program_step(&self, client: &str, n: usize) -> Option<&Step> {
        self.clients
            .iter()
            .find(|c| c.name == client)
            .and_then(|c| c.steps.get(n.checked_sub(1)?))
    }

    /// The latest step of the current client matching `pred`, up to the latest call.
    pub fn latest_step(&self, what: &str, pred: impl Fn(&Step) -> bool) -> Result<usize, String> {
        let (client, last) = self
            .last
            .clone()
            .ok_or_else(|| "no client has made a call yet".to_string())?;
        (1..=last)
            .rev()
            .find(|n| self.program_step(&client, *n).is_some_and(&pred))
            .ok_or_else(|| format!("client \"{client}\" has made no {what}"))
    }

    // ------------------------------------------------------------------ run

    /// Runs the world on each engine (once per change) and returns the
    /// runs, each of which must have run to its end.
    pub async fn outcomes(&mut self) -> Result<&[RunOutcome], String> {
        self.runs().await?;
        let outcomes = self.outcomes.as_deref().unwrap_or_default();
        for outcome in outcomes {
            if let Some(e) = &outcome.error {
                return Err(
                    self.failure(outcome, &format!("the world did not run to its end: {e}"))
                );
            }
        }
        if let [a, b, ..] = outcomes {
            self.agree(a, b)?;
        }
        Ok(outcomes)
    }

    /// Runs the world on each engine (once per change) and returns the
    /// runs, finished or not.
    pub async fn runs(&mut self) -> Result<&[RunOutcome], String> {
        if self.outcomes.is_none() {
            let factory = self.factory.clone()?;
            let mut cfg = WorldConfig::new(self.seed)
                .array(self.array.clone())
                .faults(self.faults.clone());
            for c in &self.clients {
                cfg = cfg.client(c.clone());
            }
            if let Some((min, max)) = self.latency {
                cfg = cfg.latency(min, max);
            }
            if let Some(limit) = self.time_limit {
                cfg = cfg.time_limit(limit);
            }
            let mut pending = Vec::new();
            for &engine in &self.engines {
                let cfg = cfg.clone().engine(engine);
                let factory = factory.clone();
                let (tx, rx) = futures::channel::oneshot::channel();
                std::thread::Builder::new()
                    .name(format!("world-{engine}"))
                    .spawn(move || {
                        let _ = tx.send(vds_sim::run(&cfg, &*factory));
                    })
                    .map_err(|e| format!("cannot start a thread for the {engine} run: {e}"))?;
                pending.push((engine, rx));
            }
            let mut outcomes = Vec::new();
            for (engine, rx) in pending {
                let outcome = rx
                    .await
                    .map_err(|_| format!("the {engine} run panicked outside the world"))?;
                outcomes.push(outcome);
            }
            self.outcomes = Some(outcomes);
        }
        Ok(self.outcomes.as_deref().unwrap_or_default())
    }

    /// Both engines must give the scenario's clients the same answers.
    fn agree(&self, a: &RunOutcome, b: &RunOutcome) -> Result<(), String> {
        for c in &self.clients {
            let sa = answers(a, &c.name);
            let sb = answers(b, &c.name);
            if sa != sb {
                let diff = sa
                    .iter()
                    .zip(&sb)
                    .find(|(x, y)| x != y)
                    .map(|(x, y)| format!("{}: {x}\n{}: {y}", a.engine, b.engine))
                    .unwrap_or_else(|| {
                        format!(
                            "{} made {} calls, {} made {}",
                            a.engine,
                            sa.len(),
                            b.engine,
                            sb.len()
                        )
                    });
                return Err(self.failure(
                    a,
                    &format!(
                        "the engines disagree on what client \"{}\" was answered:\n{diff}",
                        c.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks an assertion on every run; the first failure names its engine
    /// and says how to reproduce it.
    pub async fn check(
        &mut self,
        f: impl Fn(&VdsWorld, &RunOutcome) -> Result<(), String>,
    ) -> Result<(), String> {
        self.outcomes().await?;
        let outcomes = self.outcomes.as_deref().unwrap_or_default();
        for o in outcomes {
            if let Err(e) = f(self, o) {
                return Err(self.failure(o, &e));
            }
        }
        Ok(())
    }

    /// A failure message with the run's calls and a reproduction hint; the
    /// full trace is written to a file.
    pub fn failure(&self, o: &RunOutcome, what: &str) -> String {
        let mut msg = format!(
            "{what}\n  on engine {} from seed {} with provider {}\n  calls:\n",
            o.engine, o.seed, o.provider
        );
        for s in o.steps.iter().filter(|s| s.step > 0) {
            msg.push_str(&format!("    {}\n", describe(s)));
        }
        if let Some(path) = self.write_trace(o) {
            msg.push_str(&format!("  trace: {}\n", path.display()));
        }
        let path = INPUT.get().map(|i| quoted(&i.to_string_lossy()));
        let name = quoted(&format!("^{}$", regex_escape(&self.scenario)));
        let command = match REPRODUCE.get() {
            Some(program) => format!(
                "{program} {}--provider {} --name {name}",
                path.map_or_else(String::new, |p| format!("{p} ")),
                quoted(&default_provider_name())
            ),
            None => {
                let input = path.map_or_else(String::new, |p| format!("--input {p} "));
                let env = match std::env::var("VDS_PROVIDER") {
                    Ok(p) if !p.trim().is_empty() => format!("VDS_PROVIDER={} ", quoted(&p)),
                    _ => String::new(),
                };
                format!("{env}cargo test --test features -- {input}--name {name}")
            }
        };
        msg.push_str(&format!("  reproduce: {command}"));
        msg
    }

    fn write_trace(&self, o: &RunOutcome) -> Option<std::path::PathBuf> {
        let dir = TRACES
            .get()
            .cloned()
            .unwrap_or_else(|| std::env::temp_dir().join("vds-features-traces"));
        std::fs::create_dir_all(&dir).ok()?;
        let slug: String = self
            .scenario
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = dir.join(format!("{slug}.{}.seed{}.jsonl", o.engine, o.seed));
        std::fs::write(&path, o.trace_text()).ok()?;
        Some(path)
    }
}

/// What a client was answered, engine-independently: per step its method,
/// HRESULT, pHrResult, output type and whether the output held a pointer.
fn answers(o: &RunOutcome, client: &str) -> Vec<String> {
    let mut steps: Vec<&StepRecord> = o.steps_of(client);
    steps.sort_by_key(|s| s.step);
    steps
        .into_iter()
        .filter(|s| s.step > 0)
        .map(|s| {
            let out = s
                .output
                .as_ref()
                .map(|r| format!(" output {:?} {}", r.output_type, r.pointer.is_some()))
                .unwrap_or_default();
            format!(
                "step {} {} -> {}{}{}",
                s.step,
                s.method,
                s.hr,
                s.hr_result
                    .map(|h| format!(" pHrResult {h}"))
                    .unwrap_or_default(),
                out
            )
        })
        .collect()
}

/// One step record as a line.
pub fn describe(s: &StepRecord) -> String {
    let mut line = format!("{} #{} {} -> {}", s.client, s.step, s.method, s.hr);
    if let Some(h) = s.hr_result {
        line.push_str(&format!(", pHrResult {h}"));
    }
    if let Some(p) = s.percent {
        line.push_str(&format!(", {p}%"));
    }
    if let Some(out) = &s.output {
        line.push_str(&format!(
            ", output {} {}",
            out.output_type.name(),
            match &out.pointer {
                Some(p) => format!(
                    "{}={}",
                    p.field,
                    p.object.map(|o| o.to_string()).unwrap_or_default()
                ),
                None => "NULL".into(),
            }
        ));
    }
    line
}

/// Escapes text so that a regex matches it literally.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Parses `before call N` or `at N ms`.
pub fn parse_trigger(s: &str) -> Result<Trigger, String> {
    let s = s.trim().trim_start_matches(',').trim();
    if let Some(n) = s.strip_prefix("before call ") {
        return n
            .trim()
            .parse()
            .map(Trigger::BeforeCall)
            .map_err(|_| format!("not a call number: {n}"));
    }
    if let Some(ms) = s.strip_prefix("at ").and_then(|r| r.strip_suffix(" ms")) {
        return ms
            .trim()
            .parse()
            .map(Trigger::AtMs)
            .map_err(|_| format!("not a number of ms: {ms}"));
    }
    Err(format!(
        "unknown trigger `{s}`: expected `before call N` or `at N ms`"
    ))
}

/// Parses one HRESULT as the features write it: a name, a name with its
/// value in parentheses, `HRESULT_FROM_WIN32(ERROR_…)`, or hex.
pub fn parse_hr(s: &str) -> Result<HResult, String> {
    HResult::parse(s).ok_or_else(|| format!("not a known HRESULT: `{s}`"))
}

/// Parses `A or B or C`.
pub fn parse_hrs(s: &str) -> Result<Vec<HResult>, String> {
    s.split(" or ").map(parse_hr).collect()
}

/// `A`, or `A or B`, for messages.
pub fn show_hrs(v: &[HResult]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The record of a client's step in a run.
pub fn record<'a>(o: &'a RunOutcome, client: &str, step: usize) -> Result<&'a StepRecord, String> {
    o.steps
        .iter()
        .find(|s| s.client == client && s.step == step)
        .ok_or_else(|| {
            format!("client \"{client}\" never made call {step} (an earlier step gave it nothing to call)")
        })
}

/// The out-parameters a call returned, as the client rendered them.
pub fn traced_out(o: &RunOutcome, client: &str, step: usize, method: Method) -> Option<String> {
    o.steps
        .iter()
        .find(|r| r.client == client && r.step == step && r.method == method)
        .map(|r| r.out.clone())
}

/// The id of a target present at the start, by its friendly name: from the
/// clients' set-up in the trace, else from the array by its iSCSI name.
pub fn target_id(o: &RunOutcome, name: &str) -> Result<VDS_OBJECT_ID, String> {
    let seen = o.steps.iter().find(|r| {
        r.step == 0 && r.method == Method::TargetGetProperties && r.hr.succeeded() && r.out == name
    });
    if let Some(id) = seen.and_then(|r| r.object) {
        return Ok(id);
    }
    let iqn = initial_iscsi_name(name);
    o.array
        .targets
        .values()
        .find(|t| t.iscsi_name == iqn)
        .map(|t| t.id)
        .ok_or_else(|| format!("no target \"{name}\" was known at the start of the run"))
}
