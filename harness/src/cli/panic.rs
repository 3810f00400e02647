//! The panic hook. A panicking provider is caught by the simulator and
//! reported as a finding (`RUN-COMPLETES`), so the default hook's message
//! and backtrace on standard error would only be noise: this hook prints
//! nothing and remembers the panic. A panic that escapes (a harness bug)
//! is caught in [`run_args`](super::run_args) and printed as one line naming
//! the run in progress and its seed.

use std::sync::Mutex;

/// The run in progress, if any, as "CAMPAIGN on ENGINE seed S (replay: CMD)".
static CURRENT: Mutex<Option<String>> = Mutex::new(None);
/// The last panic seen: message and location.
static LAST: Mutex<Option<String>> = Mutex::new(None);

/// Installs the quiet hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let msg = vds_sim::runtime::panic_message(info.payload());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let line = format!("{}{at}", msg.replace('\n', " "));
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(line);
    }));
}

/// Notes which run is in progress (None when none is).
pub fn set_current(run: Option<String>) {
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = run;
}

/// One line on the panic that escaped, with the run in progress.
pub fn describe_last() -> String {
    let last = LAST
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| "unknown panic".to_string());
    match CURRENT.lock().unwrap_or_else(|e| e.into_inner()).clone() {
        Some(run) => format!("the harness panicked while running {run}: {last}"),
        None => format!("the harness panicked: {last}"),
    }
}
