//! Progress on standard error: a bar redrawn in place when standard error is
//! a terminal, otherwise (optionally) one plain line per tenth of the runs.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Reports runs done out of a total.
pub struct ProgressBar {
    label: &'static str,
    total: usize,
    failed: usize,
    tty: bool,
    plain: bool,
    started: Instant,
    last_draw: Option<Instant>,
    last_tenth: usize,
}

impl ProgressBar {
    /// A bar for `total` runs; `plain` asks for plain lines when standard
    /// error is not a terminal.
    pub fn new(label: &'static str, total: usize, plain: bool) -> Self {
        Self {
            label,
            total,
            failed: 0,
            tty: std::io::stderr().is_terminal(),
            plain,
            started: Instant::now(),
            last_draw: None,
            last_tenth: 0,
        }
    }

    /// Notes that `done` runs are finished, the last one passing or not.
    pub fn update(&mut self, done: usize, passed: bool) {
        if !passed {
            self.failed += 1;
        }
        if self.total == 0 {
            return;
        }
        if self.tty {
            let now = Instant::now();
            let due = self
                .last_draw
                .is_none_or(|t| now - t >= Duration::from_millis(80));
            if due || done == self.total {
                self.last_draw = Some(now);
                self.draw(done);
            }
        } else if self.plain {
            let tenth = done * 10 / self.total;
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                eprintln!(
                    "{}: {done}/{} runs ({}%), {} failed",
                    self.label,
                    self.total,
                    tenth * 10,
                    self.failed
                );
            }
        }
    }

    fn draw(&self, done: usize) {
        const WIDTH: usize = 30;
        let filled = done * WIDTH / self.total;
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} [{}{}] {done}/{} runs, {} failed, {rate:.0} runs/s",
            self.label,
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            self.total,
            self.failed
        );
        let _ = err.flush();
    }

    /// Clears the bar (terminal only).
    pub fn finish(&self) {
        if self.tty && self.total > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
