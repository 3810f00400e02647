//! The provider process: started with `sh -c "exec COMMAND"`, written to
//! line by line, read through a thread of its own so that a read can give
//! up after the turn limit, and killed when dropped.
//!
//! The world's thread cannot tell wall time: under madsim, `Instant::now`
//! and every timed wait on that thread follow the *simulated* clock, which
//! stands still while a turn blocks it. So a ticker thread of each process
//! (outside the simulation, on the real clock) counts wall milliseconds and
//! wakes the reader every [`TICK`]; only hang detection looks at it.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::ExecError;

/// At most this much of the process's standard error is kept.
const STDERR_KEEP: usize = 64 * 1024;

/// The longest protocol line a provider may write (bytes, without its end);
/// a longer one ends the run (a process writing without newlines, such as
/// `cat /dev/zero`, is stopped here instead of filling memory).
pub(crate) const MAX_LINE: usize = 1024 * 1024;

/// How long (ms) a process being stopped is given to exit on its own.
const EXIT_GRACE_MS: u32 = 50;

/// How long (ms) a stopped process's standard error is given to close.
const STDERR_DRAIN_MS: u32 = 500;

/// How often the ticker wakes a waiting reader.
const TICK: Duration = Duration::from_millis(20);

/// What the reading thread saw.
enum Read1 {
    /// One line, without its end.
    Line(String),
    /// End of output (or a read error).
    End,
    /// A line longer than [`MAX_LINE`]; nothing more is read.
    TooLong,
    /// A line that is not UTF-8; nothing more is read.
    NotUtf8,
    /// The ticker: some wall time passed.
    Tick,
}

/// What reading one line gave.
pub(crate) enum Got {
    /// A line.
    Line(String),
    /// The output ended.
    End,
    /// A line longer than [`MAX_LINE`].
    TooLong,
    /// A line that is not UTF-8.
    NotUtf8,
    /// Nothing within the limit.
    Timeout,
}

/// A running provider process.
pub(crate) struct Child {
    process: std::process::Child,
    /// Lines for the writing thread; dropping it closes the process's stdin.
    stdin: Option<Sender<String>>,
    lines: Receiver<Read1>,
    stderr: Arc<Mutex<String>>,
    /// How it ended, once stopped (a stopped process is not signalled again:
    /// its process group id may belong to another by then).
    ended: Option<String>,
    /// The thread reading standard error (it ends when the stream closes).
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    /// Wall milliseconds since the process started, kept by the ticker.
    wall_ms: Arc<AtomicU64>,
}

impl Child {
    /// Starts `command` through the shell, its three streams piped.
    pub(crate) fn start(command: &str) -> Result<Self, ExecError> {
        // A process group of its own, so that stopping it stops whatever
        // it started too (a wrapper script's children).
        let mut process = Command::new("sh")
            .process_group(0)
            .arg("-c")
            .arg(format!("exec {command}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| ExecError::Spawn {
                command: command.to_string(),
                reason: e.to_string(),
            })?;
        let stdout = process.stdout.take().expect("stdout is piped");
        let (tx, lines) = std::sync::mpsc::channel();
        let wall_ms = Arc::new(AtomicU64::new(0));
        let (ticks, clock) = (tx.clone(), wall_ms.clone());
        std::thread::spawn(move || {
            let start = Instant::now();
            loop {
                std::thread::sleep(TICK);
                let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
                clock.store(ms, Ordering::Relaxed);
                if ticks.send(Read1::Tick).is_err() {
                    return;
                }
            }
        });
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                // Never more than one line's limit in memory.
                let mut bytes = Vec::new();
                let limit = MAX_LINE as u64 + 2;
                let got = match (&mut r).take(limit).read_until(b'\n', &mut bytes) {
                    Ok(0) | Err(_) => Read1::End,
                    Ok(_) if bytes.len() > MAX_LINE + 1 && !bytes.ends_with(b"\n") => {
                        Read1::TooLong
                    }
                    Ok(_) => match String::from_utf8(bytes) {
                        Ok(line) => Read1::Line(line.trim_end_matches(['\n', '\r']).to_string()),
                        Err(_) => Read1::NotUtf8,
                    },
                };
                let last = !matches!(got, Read1::Line(_));
                if tx.send(got).is_err() || last {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut stderr_reader = None;
        if let Some(mut err) = process.stderr.take() {
            let keep = stderr.clone();
            stderr_reader = Some(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = err.read(&mut buf) {
                    let mut k = keep.lock().unwrap_or_else(|e| e.into_inner());
                    if k.len() < STDERR_KEEP {
                        k.push_str(&String::from_utf8_lossy(&buf[..n]));
                    }
                }
            }));
        }
        let stdin = process.stdin.take().map(writer);
        Ok(Self {
            process,
            stdin,
            lines,
            stderr,
            stderr_reader,
            ended: None,
            wall_ms,
        })
    }

    /// Hands one line to the writing thread; `false` if the process no
    /// longer reads. The world's thread never blocks on a full pipe: a
    /// process that stops reading is caught by the turn limit instead.
    pub(crate) fn send(&mut self, line: &str) -> bool {
        self.stdin
            .as_ref()
            .is_some_and(|w| w.send(line.to_string()).is_ok())
    }

    /// Reads one line, waiting at most `limit` of wall time. While it
    /// waits it counts the world's progress, so that the world's own
    /// watchdog leaves the judgement of a slow provider to this limit.
    pub(crate) fn read(&mut self, limit: Duration) -> Got {
        let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
        let start = self.wall_ms.load(Ordering::Relaxed);
        loop {
            match self.lines.recv() {
                Ok(Read1::Line(l)) => return Got::Line(l),
                Ok(Read1::TooLong) => return Got::TooLong,
                Ok(Read1::NotUtf8) => return Got::NotUtf8,
                Ok(Read1::End) | Err(_) => return Got::End,
                Ok(Read1::Tick) => {
                    vds_sim::runtime::beat();
                    let now = self.wall_ms.load(Ordering::Relaxed);
                    if now.saturating_sub(start) >= limit_ms {
                        return Got::Timeout;
                    }
                }
            }
        }
    }

    /// Wall milliseconds since the process started (the ticker's clock).
    pub(crate) fn wall_ms(&self) -> u64 {
        self.wall_ms.load(Ordering::Relaxed)
    }

    /// What the process wrote to standard error since the last call (at
    /// most 64 KiB).
    pub(crate) fn take_stderr(&self) -> String {
        std::mem::take(&mut *self.stderr.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Closes its input, kills its process group and reaps it; says how it ended.
    pub(crate) fn stop(&mut self) -> String {
        if let Some(ended) = &self.ended {
            return ended.clone();
        }
        self.stdin = None;
        // A process that closed its output is usually on its way out: let
        // it end on its own, so that its own exit status is reported.
        // Counted in sleeps, not read from a clock: on the world's thread
        // `Instant` follows the simulated clock, which stands still here.
        let mut exited = self.process.try_wait().ok().flatten();
        for _ in 0..EXIT_GRACE_MS {
            if exited.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
            exited = self.process.try_wait().ok().flatten();
        }
        // Whatever the process started lives on in its group: kill that too.
        let group = libc::pid_t::try_from(self.process.id()).unwrap_or(0);
        if group > 0 {
            // SAFETY: kill(2) with a negative pid signals the process group
            // this harness created for the provider; it touches no memory.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let ended = match exited {
            Some(status) => status.to_string(),
            None => {
                let _ = self.process.kill();
                match self.process.wait() {
                    Ok(status) => format!("killed by the harness ({status})"),
                    Err(e) => format!("could not be reaped: {e}"),
                }
            }
        };
        self.drain_stderr();
        self.ended = Some(ended.clone());
        ended
    }

    /// Gives the standard-error reader a moment to take in what a process
    /// that is gone wrote last (its reason for failing, often), without
    /// waiting on a stream something else may still hold open.
    fn drain_stderr(&mut self) {
        let Some(reader) = self.stderr_reader.take() else {
            return;
        };
        for _ in 0..STDERR_DRAIN_MS {
            if reader.is_finished() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// The writing thread: each line, then a flush; it ends when the process
/// stops reading or the sender is dropped (which closes the pipe).
fn writer(mut stdin: ChildStdin) -> Sender<String> {
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in rx {
            let ok = stdin
                .write_all(line.as_bytes())
                .and_then(|()| stdin.write_all(b"\n"))
                .and_then(|()| stdin.flush());
            if ok.is_err() {
                return;
            }
        }
    });
    tx
}

impl Drop for Child {
    fn drop(&mut self) {
        self.stop();
    }
}
