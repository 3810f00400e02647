//! What can go wrong with a provider process: [`ExecError`], each with the
//! protocol line it happened at.

/// How a provider process broke the protocol. Every variant but
/// [`ExecError::Spawn`] names the transcript line (1-based, counting both
/// directions) where it happened or where the answer was expected.
///
/// The texts carry no wall-clock figure and no exit status, so that a
/// run's trace (whose last event quotes the verdict) stays a pure function
/// of (seed, scenario, provider command).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// The command could not be started.
    #[error("cannot start the provider command `{command}`: {reason}")]
    Spawn {
        /// The command.
        command: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The process closed its standard output (it exited or crashed).
    #[error(
        "protocol line {line}: the provider process ended its output (it exited or closed stdout)"
    )]
    Exited {
        /// Where an answer was expected.
        line: usize,
    },
    /// The process could not be written to (it exited).
    #[error("protocol line {line}: cannot write to the provider process (it exited)")]
    Write {
        /// The line that could not be sent.
        line: usize,
    },
    /// No complete line came within the turn limit.
    #[error(
        "protocol line {line}: no answer within the turn limit of {limit_ms} ms (wall time): the provider hangs"
    )]
    NoAnswer {
        /// Where an answer was expected.
        line: usize,
        /// The limit.
        limit_ms: u128,
    },
    /// A line longer than the protocol allows.
    #[error(
        "protocol line {line}: a line longer than {limit} bytes (expected one JSON message per line)"
    )]
    LineTooLong {
        /// Where it started.
        line: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A line that is not UTF-8 text.
    #[error("protocol line {line}: bytes that are not UTF-8 (expected one JSON message per line)")]
    NotUtf8 {
        /// The line.
        line: usize,
    },
    /// A line that is not a JSON message of the protocol.
    #[error("protocol line {line}: not a protocol message: {reason}")]
    Malformed {
        /// The line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A well-formed message where the protocol does not allow it.
    #[error("protocol line {line}: {reason}")]
    Violation {
        /// The line.
        line: usize,
        /// Which rule it breaks.
        reason: String,
    },
}
