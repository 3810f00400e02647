//! SIGINT and SIGTERM during a suite or a sweep (a person's Ctrl-C, a CI
//! job's timeout). The first asks the suite to stop after the runs under
//! way: what was found so far is reported and written (artifacts, JUnit),
//! and the command exits with 128 + the signal's number. A second ends the
//! process at once, as if no handler were installed.
//!
//! Only `run` and `sweep` install the handler ([`install`]); the library
//! never does, so a program embedding the suite keeps its own signals.

use std::sync::atomic::{AtomicI32, Ordering};

/// The first signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    // Only async-signal-safe work here: an atomic swap, signal and raise.
    if RECEIVED.swap(sig, Ordering::SeqCst) != 0 {
        // SAFETY: restoring the default disposition and raising the signal
        // again are async-signal-safe; the process then ends as asked.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
}

/// Installs the handler for SIGINT and SIGTERM.
pub fn install() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `on_signal` does only async-signal-safe work.
        unsafe {
            libc::signal(sig, handler);
        }
    }
}

/// The signal that asked the suite to stop, if one did.
pub fn received() -> Option<Signal> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        n => Some(Signal(n)),
    }
}

/// A signal that interrupted a suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Signal(pub i32);

impl Signal {
    /// The exit status that reports it: 128 + its number.
    pub fn exit_status(self) -> u8 {
        u8::try_from(128 + self.0).unwrap_or(255)
    }

    /// The signal a report names (`SIGINT`, `SIGTERM`, `signal N`).
    pub fn from_name(name: &str) -> Option<Signal> {
        match name {
            "SIGINT" => Some(Signal(libc::SIGINT)),
            "SIGTERM" => Some(Signal(libc::SIGTERM)),
            _ => name
                .strip_prefix("signal ")
                .and_then(|n| n.parse().ok())
                .map(Signal),
        }
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            libc::SIGINT => write!(f, "SIGINT"),
            libc::SIGTERM => write!(f, "SIGTERM"),
            n => write!(f, "signal {n}"),
        }
    }
}
