//! The provider process: started with `sh -c "exec COMMAND"`, written to
//! and read from on the calling (world's) thread through non-blocking pipes
//! and `poll(2)`, so that a turn costs no thread hand-over and a read can
//! give up after the turn limit; killed when dropped.
//!
//! The world's thread cannot ask the usual clocks for wall time: under
//! madsim, `Instant::now` (and the `clock_gettime` symbol) follow the
//! *simulated* clock, which stands still while a turn blocks it. So the
//! wall clock here is the kernel's monotonic clock asked by a raw system
//! call, which no simulator interposes; only hang detection looks at it.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

/// How long (ms) one wait for the process lasts before the world is told
/// that the harness is still alive (its watchdog counts beats).
const TICK_MS: i32 = 20;

/// How many times a read looks for output before it sleeps (see [`Child::spin`]).
const SPINS: u32 = 200;

/// How much is read from the process at once.
const READ_CHUNK: usize = 64 * 1024;

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

/// How the process's output stopped being readable, once it has.
#[derive(Clone, Copy)]
enum Closed {
    End,
    TooLong,
    NotUtf8,
}

/// A running provider process.
pub(crate) struct Child {
    process: std::process::Child,
    /// Its standard input (non-blocking); `None` once closed.
    stdin: Option<ChildStdin>,
    /// Bytes for standard input that the pipe had no room for yet.
    unsent: Vec<u8>,
    /// Its standard output (non-blocking).
    stdout: ChildStdout,
    /// Bytes read from standard output and not yet handed out as lines.
    read: Vec<u8>,
    /// Set once the output ended or broke the line rules: nothing more is read.
    closed: Option<Closed>,
    stderr: Arc<Mutex<String>>,
    /// How it ended, once stopped (a stopped process is not signalled again:
    /// its process group id may belong to another by then).
    ended: Option<String>,
    /// The thread reading standard error (it ends when the stream closes).
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    /// The wall clock when the process started.
    started_ms: u64,
}

/// The kernel's monotonic clock in milliseconds, asked by a raw system call
/// (see the module's comment).
fn wall_clock_ms() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime(2) writes one timespec, which `ts` is.
    let r = unsafe { libc::syscall(libc::SYS_clock_gettime, libc::CLOCK_MONOTONIC, &raw mut ts) };
    if r != 0 {
        return 0;
    }
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1000).saturating_add(nanos / 1_000_000)
}

/// Makes a pipe end non-blocking.
fn non_blocking(fd: i32) {
    // SAFETY: fcntl(2) on a descriptor this process owns; it touches no memory.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

/// The first line of `buf` (without its end), taken out of it; `None` when
/// no whole line is there yet.
fn take_line(buf: &mut Vec<u8>) -> Option<Result<String, Closed>> {
    let end = buf.iter().position(|b| *b == b'\n')?;
    if end > MAX_LINE + 1 {
        return Some(Err(Closed::TooLong));
    }
    let mut bytes: Vec<u8> = buf.drain(..=end).collect();
    bytes.pop();
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    Some(String::from_utf8(bytes).map_err(|_| Closed::NotUtf8))
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
        non_blocking(stdout.as_raw_fd());
        let stdin = process.stdin.take().expect("stdin is piped");
        non_blocking(stdin.as_raw_fd());
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
        Ok(Self {
            process,
            stdin: Some(stdin),
            unsent: Vec::new(),
            stdout,
            read: Vec::new(),
            closed: None,
            stderr,
            stderr_reader,
            ended: None,
            started_ms: wall_clock_ms(),
        })
    }

    /// Queues one line for the process and writes what the pipe takes now;
    /// `false` if the process was already found to no longer read (a
    /// process that closes its input now is still read from, so that what
    /// it wrote before it went, which says why, is read). The world's
    /// thread never blocks on a full pipe: the rest is written while the
    /// next read waits, and a process that stops reading is caught by the
    /// turn limit.
    pub(crate) fn send(&mut self, line: &str) -> bool {
        if self.stdin.is_none() {
            return false;
        }
        self.unsent.extend_from_slice(line.as_bytes());
        self.unsent.push(b'\n');
        self.write_unsent();
        true
    }

    /// Writes as much of `unsent` as the pipe takes; once the process has
    /// closed its input, closes the pipe here too.
    fn write_unsent(&mut self) {
        let Some(stdin) = self.stdin.as_ref() else {
            return;
        };
        let fd = stdin.as_raw_fd();
        while !self.unsent.is_empty() {
            // SAFETY: write(2) reads `unsent.len()` bytes of a live buffer.
            let n = unsafe { libc::write(fd, self.unsent.as_ptr().cast(), self.unsent.len()) };
            if n > 0 {
                self.unsent.drain(..n.unsigned_abs());
                continue;
            }
            match std::io::Error::last_os_error().kind() {
                std::io::ErrorKind::WouldBlock => return,
                std::io::ErrorKind::Interrupted => {}
                _ => {
                    self.stdin = None;
                    self.unsent.clear();
                    return;
                }
            }
        }
    }

    /// Reads one line, waiting at most `limit` of wall time. While it
    /// waits it counts the world's progress, so that the world's own
    /// watchdog leaves the judgement of a slow provider to this limit.
    pub(crate) fn read(&mut self, limit: Duration) -> Got {
        let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
        let start = wall_clock_ms();
        loop {
            if let Some(closed) = self.closed {
                return match closed {
                    Closed::End => Got::End,
                    Closed::TooLong => Got::TooLong,
                    Closed::NotUtf8 => Got::NotUtf8,
                };
            }
            match take_line(&mut self.read) {
                Some(Ok(line)) => return Got::Line(line),
                Some(Err(closed)) => {
                    self.closed = Some(closed);
                    continue;
                }
                None if self.read.len() > MAX_LINE + 1 => {
                    self.closed = Some(Closed::TooLong);
                    continue;
                }
                None => {}
            }
            if self.fill() || self.spin() {
                continue;
            }
            if wall_clock_ms().saturating_sub(start) >= limit_ms {
                return Got::Timeout;
            }
            if self.wait() == 0 {
                vds_sim::runtime::beat();
            }
        }
    }

    /// Looks for output again a few times before the thread goes to sleep
    /// in `poll(2)`: a provider usually answers within microseconds, and
    /// being woken costs far more than looking; `true` if something came.
    fn spin(&mut self) -> bool {
        for _ in 0..SPINS {
            std::hint::spin_loop();
            if self.fill() {
                return true;
            }
        }
        false
    }

    /// Reads what the process has written so far; `true` if anything came
    /// or the output closed.
    fn fill(&mut self) -> bool {
        self.read.reserve(READ_CHUNK);
        let room = self.read.capacity() - self.read.len();
        // SAFETY: read(2) writes at most `room` bytes into the vector's
        // spare capacity, and the length grows by exactly what it wrote.
        let n = unsafe {
            let end = self.read.as_mut_ptr().add(self.read.len());
            libc::read(self.stdout.as_raw_fd(), end.cast(), room)
        };
        if n > 0 {
            // SAFETY: the first `n` bytes of the spare capacity were written.
            unsafe { self.read.set_len(self.read.len() + n.unsigned_abs()) };
            return true;
        }
        if n == 0 {
            self.closed = Some(Closed::End);
            return true;
        }
        match std::io::Error::last_os_error().kind() {
            std::io::ErrorKind::WouldBlock => false,
            std::io::ErrorKind::Interrupted => true,
            _ => {
                self.closed = Some(Closed::End);
                true
            }
        }
    }

    /// Waits up to one tick for output (and for room for unsent input,
    /// which it writes); the number of ready descriptors, 0 after a tick.
    fn wait(&mut self) -> i32 {
        let mut fds = [
            libc::pollfd {
                fd: self.stdout.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: self.stdin.as_ref().map_or(-1, AsRawFd::as_raw_fd),
                events: if self.unsent.is_empty() {
                    0
                } else {
                    libc::POLLOUT
                },
                revents: 0,
            },
        ];
        // SAFETY: poll(2) on two pollfd structs of a live array.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), 2, TICK_MS) };
        if fds[1].revents != 0 {
            self.write_unsent();
        }
        ready.max(0)
    }

    /// Wall milliseconds since the process started.
    pub(crate) fn wall_ms(&self) -> u64 {
        wall_clock_ms().saturating_sub(self.started_ms)
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
        self.unsent.clear();
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

impl Drop for Child {
    fn drop(&mut self) {
        self.stop();
    }
}
