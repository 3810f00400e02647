//! One run's page: a timeline with a lane per client (each call a bar from
//! its call to its return), a lane for the provider (restarts, cache
//! corruption, allocation failures, its Refresh and Reenumerate calls), one
//! for the link's and the array's faults, and one for the array (each
//! request applied, at its instant); every finding listed above and drawn
//! on the call it is about.
//!
//! The horizontal axis is the trace's order, not simulated time: many
//! calls share an instant, and each needs room to be seen. Instants label
//! the axis and every bar's details.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use vds_sim::array::ArrayEvent;
use vds_sim::method::Method;
use vds_sim::trace::{Event, TraceLine};
use vds_sim::world::StepRecord;

use super::{COPY_SCRIPT, copyable, escape, frame};
use crate::oracle::{Finding, SerialOrder};

/// What a run's page shows.
#[derive(Clone, Copy, Debug)]
pub struct RunPage<'a> {
    /// What the run was, in a line: campaign or scenario, engine, seed.
    pub title: &'a str,
    /// The provider judged.
    pub provider: &'a str,
    /// The run's seed.
    pub seed: u64,
    /// The command that replays it.
    pub replay: &'a str,
    /// Its whole trace.
    pub trace: &'a [TraceLine],
    /// The array's log (empty when not kept: no array lane then).
    pub array_log: &'a [ArrayEvent],
    /// The calls' records, which tie each `IVdsAsync` call to the operation
    /// it is about (empty when not kept: no operation rows then).
    pub steps: &'a [StepRecord],
    /// Per target, the serial order CPG-LINEARIZABLE found, or the
    /// operations it could not order.
    pub orders: &'a [SerialOrder],
    /// Its findings.
    pub findings: &'a [Finding],
}

/// Pixels per trace event along the time axis.
const DX: usize = 12;
/// Where the lanes start (room for their names).
const LEFT: usize = 130;
/// A lane's height.
const LANE: usize = 30;
/// A bar's height.
const BAR: usize = 20;

/// One call, from its trace lines.
struct Call<'a> {
    call: &'a TraceLine,
    ret: Option<&'a TraceLine>,
}

impl Call<'_> {
    fn method(&self) -> Option<Method> {
        match &self.call.event {
            Event::Call { method, .. } => Some(*method),
            _ => None,
        }
    }

    /// The trace seq the call ends at (its return, or the trace's end).
    fn end_seq(&self, last: usize) -> usize {
        self.ret.map_or(last, |r| r.seq)
    }

    /// A short label: method, object, answer.
    fn label(&self) -> String {
        let (method, object) = match &self.call.event {
            Event::Call { method, object, .. } => (
                method.name(),
                object.map(|o| o.to_string()).unwrap_or_default(),
            ),
            _ => ("?", String::new()),
        };
        let answer = match self.ret.map(|r| &r.event) {
            Some(Event::Return { hr, .. }) => hr.to_string(),
            _ => "(no return)".to_string(),
        };
        let object = if object.is_empty() {
            String::new()
        } else {
            format!(" on {}", &object[..9.min(object.len())])
        };
        format!("{method}{object} \u{2192} {answer}")
    }

    fn failed(&self) -> bool {
        matches!(self.ret.map(|r| &r.event), Some(Event::Return { hr, .. }) if hr.failed())
    }
}

/// Every call of the run, per client (in name order), in call order. A
/// client makes one call at a time, so each return closes its open call.
fn calls(trace: &[TraceLine]) -> BTreeMap<&str, Vec<Call<'_>>> {
    let mut lanes: BTreeMap<&str, Vec<Call<'_>>> = BTreeMap::new();
    let mut open: BTreeMap<&str, usize> = BTreeMap::new();
    for line in trace {
        match &line.event {
            Event::Call { client, .. } => {
                let lane = lanes.entry(client.as_str()).or_default();
                open.insert(client.as_str(), lane.len());
                lane.push(Call {
                    call: line,
                    ret: None,
                });
            }
            Event::Return { client, .. } => {
                if let (Some(i), Some(lane)) =
                    (open.remove(client.as_str()), lanes.get_mut(client.as_str()))
                {
                    lane[i].ret = Some(line);
                }
            }
            Event::Skip { client, .. } => {
                lanes.entry(client.as_str()).or_default();
            }
            _ => {}
        }
    }
    lanes
}

/// One asynchronous operation: the call that started it and the
/// `IVdsAsync` calls made on it, in order.
struct Operation<'a> {
    start: &'a StepRecord,
    follow: Vec<&'a StepRecord>,
}

impl Operation<'_> {
    /// Its span: from the starting call's return to the last call on it.
    fn span(&self) -> (usize, usize) {
        let end = self
            .follow
            .iter()
            .map(|f| f.seq_return)
            .max()
            .unwrap_or(self.start.seq_return);
        (self.start.seq_return, end.max(self.start.seq_return))
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "operation of {} step {}: {} \u{2192} {}",
            self.start.client, self.start.step, self.start.method, self.start.hr
        );
        for f in &self.follow {
            let _ = write!(s, "\n  step {}: {} \u{2192} {}", f.step, f.method, f.hr);
            if let Some(r) = f.hr_result {
                let _ = write!(s, ", pHrResult {r}");
            }
            let _ = write!(s, " (trace seq {} to {})", f.seq_call, f.seq_return);
        }
        s
    }
}

/// The operations of the run, per client, in the order they started.
fn operations(steps: &[StepRecord]) -> BTreeMap<&str, Vec<Operation<'_>>> {
    let starts: BTreeMap<(&str, usize, Method), &StepRecord> = steps
        .iter()
        .map(|s| ((s.client.as_str(), s.step, s.method), s))
        .collect();
    let mut ops: BTreeMap<(&str, usize), Operation<'_>> = BTreeMap::new();
    for s in steps {
        let Some(o) = &s.origin else { continue };
        let Some(start) = starts.get(&(s.client.as_str(), o.step, o.method)) else {
            continue;
        };
        ops.entry((s.client.as_str(), start.seq_return))
            .or_insert_with(|| Operation {
                start,
                follow: Vec::new(),
            })
            .follow
            .push(s);
    }
    let mut by_client: BTreeMap<&str, Vec<Operation<'_>>> = BTreeMap::new();
    for ((client, _), op) in ops {
        by_client.entry(client).or_default().push(op);
    }
    by_client
}

/// How long a link fault lasts, from its trace detail (`... for N ms`).
fn lasting_us(detail: &str) -> Option<u128> {
    let (_, rest) = detail.rsplit_once(" for ")?;
    let ms = rest.strip_suffix(" ms")?.parse::<u128>().ok()?;
    Some(ms * 1000)
}

fn x(seq: usize) -> usize {
    LEFT + seq * DX
}

/// The x of an instant: the first trace event at or after it.
fn x_at(trace: &[TraceLine], t_us: u128) -> usize {
    let i = trace.partition_point(|l| l.t_us < t_us);
    x(trace.get(i).map_or(trace.len(), |l| l.seq))
}

/// The page.
pub fn run_page(p: &RunPage<'_>) -> String {
    let lanes = calls(p.trace);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1><p>provider <code>{}</code>, seed <code>{}</code>: {}</p>",
        escape(p.title),
        escape(p.provider),
        p.seed,
        if p.findings.is_empty() {
            "<span class=\"pass\">passed</span>".to_string()
        } else {
            format!(
                "<span class=\"fail\">{} finding(s)</span>",
                p.findings.len()
            )
        }
    );
    body.push_str(&copyable("Replay it:", p.replay));
    body.push_str(&findings_html(p, &lanes));
    body.push_str("<h2>Timeline</h2><p>One lane per client, each call a bar from its call to its return (hover or focus a bar for its arguments, answer and trace lines); the provider, faults and array below. The axis is the trace's order; instants in µs of simulated time.</p>");
    body.push_str("<div class=\"timeline\">");
    body.push_str(&svg(p, &lanes));
    body.push_str("</div>");
    body.push_str(&orders_html(p.orders));
    body.push_str(
        "<div id=\"details\" aria-live=\"polite\">Focus or hover a call for its details.</div>",
    );
    frame(p.title, &body, &format!("{COPY_SCRIPT}{DETAILS_SCRIPT}"))
}

/// The findings, each with its rule's text, the call and the window it was judged over.
fn findings_html(p: &RunPage<'_>, lanes: &BTreeMap<&str, Vec<Call<'_>>>) -> String {
    let mut s = String::from("<h2>Findings</h2><section id=\"findings\">");
    if p.findings.is_empty() {
        s.push_str("<p>None: every check passed.</p>");
    }
    for f in p.findings {
        let statement = f
            .check
            .rule()
            .map_or("the scenario file's own expectations", |r| {
                r.rule().statement
            });
        let call = lanes
            .get(f.client.as_str())
            .and_then(|l| l.iter().find(|c| c.ret.is_some_and(|r| r.seq == f.seq)));
        let place = match call {
            Some(c) => {
                let r = c.ret.expect("found by its return");
                format!(
                    "<a href=\"#call-{}\">{} step {}: {}</a>, judged over its call, {} µs to {} µs (trace seq {} to {})",
                    r.seq,
                    escape(&f.client),
                    f.step,
                    escape(&c.label()),
                    c.call.t_us,
                    r.t_us,
                    c.call.seq,
                    r.seq
                )
            }
            None => "the run as a whole".to_string(),
        };
        let _ = write!(
            s,
            "<div class=\"finding-item\" data-rule=\"{id}\"><strong>{id}</strong>: {msg}<br><em>{statement}</em><br>{place}</div>",
            id = escape(f.check.as_str()),
            msg = escape(&f.message),
            statement = escape(statement),
        );
    }
    s.push_str("</section>");
    s
}

/// Per target, the serial order CPG-LINEARIZABLE found for the
/// CreatePortalGroup calls and deletions, or the operations no order explains.
fn orders_html(orders: &[SerialOrder]) -> String {
    let mut s = String::from("<h2>Serial order per target</h2><section id=\"orders\">");
    if orders.is_empty() {
        s.push_str(
            "<p>No target had CreatePortalGroup calls to order (or the search gave up).</p>",
        );
    }
    for o in orders {
        let _ = write!(
            s,
            "<p><code>{}</code>: {}</p><ol class=\"mono\">",
            o.target,
            if o.found {
                "<span class=\"pass\">these operations, in this order, explain what clients saw</span>"
            } else {
                "<span class=\"fail\">no serial order of these operations explains what clients saw</span>"
            }
        );
        for op in &o.operations {
            let _ = write!(s, "<li>{}</li>", escape(op));
        }
        s.push_str("</ol>");
    }
    s.push_str("</section>");
    s
}

/// The timeline.
fn svg(p: &RunPage<'_>, lanes: &BTreeMap<&str, Vec<Call<'_>>>) -> String {
    let last = p.trace.last().map_or(0, |l| l.seq);
    let width = x(last + 2);
    let ops = operations(p.steps);
    let rows = lanes.len() + ops.len() + 3;
    let height = 24 + rows * LANE;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"timeline\" data-clients=\"{}\">",
        lanes.len()
    );
    axis(&mut s, p.trace, height);
    let flagged: Vec<usize> = p.findings.iter().map(|f| f.seq).collect();
    let mut y = 20;
    for (client, calls) in lanes {
        client_lane(&mut s, p, client, calls, y, &flagged);
        y += LANE;
        if let Some(ops) = ops.get(client) {
            lane_label(&mut s, y, "  its operations", "operations");
            for op in ops {
                operation(&mut s, op, y);
            }
            y += LANE;
        }
    }
    provider_lane(&mut s, p.trace, y);
    fault_lane(&mut s, p.trace, y + LANE);
    array_lane(&mut s, p, y + 2 * LANE);
    s.push_str("</svg>");
    s
}

/// A client's calls, those at a `flagged` return marked, and the steps it skipped.
fn client_lane(
    s: &mut String,
    p: &RunPage<'_>,
    client: &str,
    calls: &[Call<'_>],
    y: usize,
    flagged: &[usize],
) {
    let last = p.trace.last().map_or(0, |l| l.seq);
    lane_label(s, y, &format!("client {client}"), "client");
    for c in calls {
        bar(s, c, y, last, flagged);
    }
    for l in p.trace {
        if let Event::Skip { client: who, .. } = &l.event
            && who == client
        {
            mark(s, x(l.seq), y, "skip", &l.to_string());
        }
    }
}

/// The provider's own events: its faults, its Refresh and Reenumerate calls.
fn provider_lane(s: &mut String, trace: &[TraceLine], y: usize) {
    lane_label(s, y, "provider", "provider");
    for l in trace {
        match &l.event {
            Event::Fault { kind, fired, .. } if kind.provider_side().is_some() => {
                let class = if *fired {
                    "provider"
                } else {
                    "provider not-fired"
                };
                mark(s, x(l.seq), y, class, &l.to_string());
            }
            Event::Call {
                method: Method::HwProviderReenumerate | Method::HwProviderRefresh,
                ..
            } => {
                mark(s, x(l.seq), y, "provider", &l.to_string());
            }
            _ => {}
        }
    }
}

/// The other faults: marks, and link faults shaded over their duration.
fn fault_lane(s: &mut String, trace: &[TraceLine], y: usize) {
    lane_label(s, y, "faults", "faults");
    for l in trace {
        let Event::Fault {
            kind,
            fired,
            detail,
            ..
        } = &l.event
        else {
            continue;
        };
        if kind.provider_side().is_some() {
            continue;
        }
        if *fired
            && kind.slows_the_link()
            && let Some(us) = lasting_us(detail)
        {
            let (from, to) = (x(l.seq), x_at(trace, l.t_us + us));
            let _ = write!(
                s,
                "<rect class=\"span\" x=\"{from}\" y=\"{y}\" width=\"{}\" height=\"{BAR}\"><title>{}</title></rect>",
                to.saturating_sub(from).max(2),
                escape(&l.to_string())
            );
        }
        let class = if *fired { "fault" } else { "fault not-fired" };
        mark(s, x(l.seq), y, class, &l.to_string());
    }
}

/// Each request the array applied (or refused), at its instant.
fn array_lane(s: &mut String, p: &RunPage<'_>, y: usize) {
    lane_label(s, y, "array", "array");
    for e in p.array_log {
        let class = if e.error.is_some() {
            "array refused"
        } else {
            "array"
        };
        let what = format!(
            "{} µs: {:?}{}{}",
            e.t_us,
            e.request,
            e.error
                .as_ref()
                .map_or(String::new(), |err| format!(" refused: {err:?}")),
            if e.direct { " (directly: a fault)" } else { "" }
        );
        mark(s, x_at(p.trace, e.t_us), y, class, &what);
    }
}

/// Vertical lines every 25 events, labelled with their instant.
fn axis(s: &mut String, trace: &[TraceLine], height: usize) {
    for l in trace.iter().step_by(25) {
        let _ = write!(
            s,
            "<line class=\"axis\" x1=\"{x}\" y1=\"12\" x2=\"{x}\" y2=\"{height}\"/><text class=\"axis-label\" x=\"{x}\" y=\"10\">{} µs</text>",
            l.t_us,
            x = x(l.seq)
        );
    }
}

fn lane_label(s: &mut String, y: usize, name: &str, kind: &str) {
    let _ = write!(
        s,
        "<g class=\"lane {kind}\" data-lane=\"{}\"><text class=\"lane-label\" x=\"4\" y=\"{}\">{}</text></g>",
        escape(name),
        y + BAR / 2 + 4,
        escape(name)
    );
}

fn bar(s: &mut String, c: &Call<'_>, y: usize, last: usize, flagged: &[usize]) {
    let (from, to) = (c.call.seq, c.end_seq(last));
    let width = (to - from) * DX + DX - 2;
    let finding = c.ret.is_some_and(|r| flagged.contains(&r.seq));
    let class = match (finding, c.failed()) {
        (true, _) => "call finding",
        (false, true) => "call failed",
        (false, false) => "call",
    };
    let id = c.ret.map_or(format!("open-{from}"), |r| r.seq.to_string());
    let label = c.label();
    let details = match c.ret {
        Some(r) => format!("{}\n{}", c.call, r),
        None => format!("{}\n(no return: the run ended first)", c.call),
    };
    let _ = write!(
        s,
        "<g class=\"{class}\" id=\"call-{id}\" tabindex=\"0\" data-method=\"{method}\" data-details=\"{d}\"><title>{t}</title><rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{BAR}\" rx=\"3\"/>",
        method = c.method().map_or("", Method::sdk_name),
        d = escape(&details),
        t = escape(&label),
        x = x(from),
    );
    if width >= 7 * label.len() + 6 {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            x(from) + 3,
            y + BAR - 6,
            escape(&label)
        );
    }
    s.push_str("</g>");
}

/// An operation: a thin bar from its start to the last call on it, with
/// a tick at each `IVdsAsync` call's return.
fn operation(s: &mut String, op: &Operation<'_>, y: usize) {
    let (from, to) = op.span();
    let what = op.describe();
    let _ = write!(
        s,
        "<g class=\"op\" tabindex=\"0\" data-details=\"{d}\"><title>{d}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"8\" rx=\"2\"/>",
        x(from),
        y + 6,
        (to - from) * DX + DX - 2,
        d = escape(&what),
    );
    for f in &op.follow {
        let _ = write!(
            s,
            "<line class=\"mark follow\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            y + 2,
            y + 18,
            x = x(f.seq_return) + DX / 2
        );
    }
    s.push_str("</g>");
}

fn mark(s: &mut String, x: usize, y: usize, class: &str, what: &str) {
    let _ = write!(
        s,
        "<line class=\"mark {class}\" x1=\"{x}\" y1=\"{y}\" x2=\"{x}\" y2=\"{}\"><title>{}</title></line>",
        y + BAR,
        escape(what)
    );
}

/// Shows a call's details when it is focused or hovered.
const DETAILS_SCRIPT: &str = r#"
(function () {
  var panel = document.getElementById("details");
  function show(e) {
    var g = e.target.closest ? e.target.closest("g.call, g.op") : null;
    if (g) { panel.textContent = g.getAttribute("data-details"); }
  }
  document.querySelectorAll("g.call, g.op").forEach(function (g) {
    g.addEventListener("focus", show);
    g.addEventListener("mouseover", show);
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use vds_sim::hresult::HResult;
    use vds_sim::trace::Trace;

    /// A trace of `n` calls by three clients, each with long arguments.
    fn trace_of(n: usize) -> Vec<TraceLine> {
        let trace = Trace::new();
        for i in 0..n {
            let client = format!("c{}", i % 3 + 1);
            let at = u128::try_from(i).unwrap() * 1000;
            trace.record_at(
                at,
                Event::Call {
                    client: client.clone(),
                    step: i,
                    method: Method::TargetCreatePortalGroup,
                    object: None,
                    args: "x".repeat(200),
                },
            );
            trace.record_at(
                at + 500,
                Event::Return {
                    client,
                    step: i,
                    method: Method::TargetCreatePortalGroup,
                    hr: HResult::VDS_E_OBJECT_DELETED,
                    hr_result: None,
                    percent: None,
                    output: None,
                    out: "y".repeat(200),
                },
            );
        }
        trace.lines()
    }

    #[test]
    fn a_600_call_page_stays_under_2_mb_with_a_lane_per_client() {
        let trace = trace_of(600);
        let page = run_page(&RunPage {
            title: "big",
            provider: "reference",
            seed: 1,
            replay: "vds-harness replay --seed 1",
            trace: &trace,
            array_log: &[],
            steps: &[],
            orders: &[],
            findings: &[],
        });
        assert!(page.len() < 2 * 1024 * 1024, "{} bytes", page.len());
        assert_eq!(page.matches("class=\"lane client\"").count(), 3);
        assert_eq!(page.matches("<g class=\"call failed\"").count(), 600);
    }

    #[test]
    fn a_finding_marks_its_call_and_names_its_rule() {
        let trace = trace_of(3);
        let finding = Finding {
            check: vds_sim::profile::RuleId::CpgTagUnique.into(),
            client: "c2".into(),
            step: 1,
            seq: trace[3].seq,
            message: "<two tags>".into(),
        };
        let page = run_page(&RunPage {
            title: "one",
            provider: "reference",
            seed: 1,
            replay: "r",
            trace: &trace,
            array_log: &[],
            steps: &[],
            orders: &[],
            findings: std::slice::from_ref(&finding),
        });
        assert!(page.contains("data-rule=\"CPG-TAG-UNIQUE\""));
        assert!(page.contains(&format!(
            "<g class=\"call finding\" id=\"call-{}\"",
            trace[3].seq
        )));
        assert!(page.contains("&lt;two tags&gt;"), "messages are escaped");
    }
}
