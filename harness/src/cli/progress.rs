//! Progress on standard error: an `indicatif` bar redrawn in place when
//! standard error is a terminal, otherwise (optionally) one plain line per
//! tenth of the runs. Nothing goes to standard output, so what a command
//! prints there is the same in every environment.

use std::io::IsTerminal;

/// Reports runs done out of a total.
pub struct ProgressBar {
    label: &'static str,
    total: usize,
    failed: usize,
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    last_tenth: usize,
}

impl ProgressBar {
    /// A bar for `total` runs; `plain` asks for plain lines when standard
    /// error is not a terminal.
    pub fn new(label: &'static str, total: usize, plain: bool) -> Self {
        let bar = (std::io::stderr().is_terminal() && total > 0).then(|| {
            let style = indicatif::ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} runs, {msg}, {per_sec}",
            )
            .expect("the template is valid")
            .progress_chars("## ");
            indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            )
            .with_style(style)
            .with_prefix(label)
            .with_message("0 failed")
        });
        Self {
            label,
            total,
            failed: 0,
            bar,
            plain,
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
        if let Some(bar) = &self.bar {
            if !passed {
                bar.set_message(format!("{} failed", self.failed));
            }
            bar.set_position(done as u64);
        } else if self.plain {
            let tenth = done * 10 / self.total;
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                errln!(
                    "{}: {done}/{} runs ({}%), {} failed",
                    self.label,
                    self.total,
                    tenth * 10,
                    self.failed
                );
            }
        }
    }

    /// Clears the bar (terminal only).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
