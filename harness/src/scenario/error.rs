//! Why a scenario file was refused. Every error prints as one line:
//! `FILE:LINE:COLUMN: what was wrong; expected WHAT`.

/// A scenario file that could not be read, or that breaks the format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}:1:1: cannot read the file ({message}); expected a readable scenario file")]
    Io {
        /// The file.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// The text is not well-formed YAML.
    #[error("{file}:{line}:{column}: {message}; expected {expected}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
        /// What would have been right.
        expected: String,
    },
    /// Well-formed YAML that does not fit the scenario format: an unknown or
    /// missing field, a value of the wrong type, an unknown call, fault kind
    /// or HRESULT.
    #[error("{file}:{line}:{column}: {message}; expected {expected}")]
    Schema {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
        /// What would have been right.
        expected: String,
    },
    /// A file over a limit: too large, nested too deep (checked before the
    /// YAML parser sees it).
    #[error("{file}:{line}:{column}: {message}; expected {expected}")]
    Limit {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
        /// What would have been right.
        expected: String,
    },
    /// Fields that are each fine but do not fit together (a latency range
    /// whose minimum exceeds its maximum, two clients with one name, ...).
    #[error("{file}:{line}:{column}: {message}; expected {expected}")]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
        /// What would have been right.
        expected: String,
    },
}

impl ScenarioError {
    /// The file the error is in.
    pub fn file(&self) -> &str {
        match self {
            ScenarioError::Io { file, .. }
            | ScenarioError::Syntax { file, .. }
            | ScenarioError::Schema { file, .. }
            | ScenarioError::Limit { file, .. }
            | ScenarioError::Invalid { file, .. } => file,
        }
    }

    /// The 1-based line and column the error points at.
    pub fn position(&self) -> (usize, usize) {
        match self {
            ScenarioError::Io { .. } => (1, 1),
            ScenarioError::Syntax { line, column, .. }
            | ScenarioError::Schema { line, column, .. }
            | ScenarioError::Limit { line, column, .. }
            | ScenarioError::Invalid { line, column, .. } => (*line, *column),
        }
    }
}

const DEFAULT_EXPECTED: &str = "a scenario as described in docs/scenario-format.md";

/// Splits a serde_yaml error into position, what was wrong and what was expected.
pub(crate) struct Parts {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub expected: String,
}

/// Takes a serde_yaml error apart. `syntax` selects the default for
/// "expected" when the message does not say.
pub(crate) fn parts(text: &str, e: &serde_yaml::Error, syntax: bool) -> Parts {
    let (line, column) = match e.location() {
        Some(l) => (l.line(), l.column()),
        None => end_of(text),
    };
    let raw = strip_positions(&e.to_string().replace(['\n', '\r'], " "));
    let (message, expected) = if let Some(n) = too_wide(&raw) {
        (
            format!("{n} is out of range"),
            format!("a whole number from 0 to {} (2^64-1)", u64::MAX),
        )
    } else if let Some((m, x)) = raw.split_once("; expected ") {
        (m.to_string(), x.to_string())
    } else if let Some((m, x)) = raw.split_once(", expected ") {
        (m.to_string(), x.to_string())
    } else if let Some(m) = raw.strip_suffix(", there are no fields") {
        (m.to_string(), "no fields here".to_string())
    } else if raw.contains("duplicate entry with key") {
        (
            raw.clone(),
            "each key at most once in a mapping".to_string(),
        )
    } else if let Some(field) = missing_field(&raw) {
        (raw.clone(), format!("`{field}:` in this mapping"))
    } else if syntax {
        (
            format!("YAML syntax error: {raw}"),
            "well-formed YAML holding one document".to_string(),
        )
    } else {
        (raw, DEFAULT_EXPECTED.to_string())
    };
    Parts {
        line,
        column,
        message,
        expected,
    }
}

/// Whether serde_yaml refused an integer wider than 64 bits.
pub(crate) fn is_too_wide(e: &serde_yaml::Error) -> bool {
    too_wide(&e.to_string()).is_some()
}

/// The number in serde_yaml's message for an integer wider than 64 bits
/// (read as `u128` or `i128`), with the field's path if it has one.
fn too_wide(msg: &str) -> Option<String> {
    let start = msg.find("invalid type: integer `")?;
    let rest = &msg[start + "invalid type: integer `".len()..];
    let (n, tail) = rest.split_once('`')?;
    if !(tail.starts_with(" as u128") || tail.starts_with(" as i128")) {
        return None;
    }
    Some(format!("{}`{n}`", &msg[..start]))
}

fn missing_field(msg: &str) -> Option<&str> {
    let rest = &msg[msg.find("missing field `")? + "missing field `".len()..];
    rest.split('`').next()
}

/// Where a document with no position to blame ends (an empty file, say).
fn end_of(text: &str) -> (usize, usize) {
    let line = text.lines().count().max(1);
    let column = if text.ends_with('\n') || text.is_empty() {
        1
    } else {
        text.lines().last().map_or(0, |l| l.chars().count()) + 1
    };
    if text.ends_with('\n') {
        (line + 1, column)
    } else {
        (line, column)
    }
}

/// Removes serde_yaml's " at line L column C" and " at position N", which
/// the error repeats in its own `FILE:LINE:COLUMN` prefix.
fn strip_positions(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" at ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        if let Some(n) = position_len(after) {
            rest = &after[n..];
        } else {
            out.push_str(" at ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The length of `line L column C` or `position N` at the start of `s`.
fn position_len(s: &str) -> Option<usize> {
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    if let Some(t) = s.strip_prefix("line ") {
        let a = digits(t);
        let t2 = t[a..].strip_prefix(" column ")?;
        let b = digits(t2);
        (a > 0 && b > 0).then_some("line ".len() + a + " column ".len() + b)
    } else if let Some(t) = s.strip_prefix("position ") {
        let a = digits(t);
        (a > 0).then_some("position ".len() + a)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_stripped() {
        assert_eq!(
            strip_positions(
                "did not find expected key at line 3 column 5, while parsing a block mapping at line 2 column 3"
            ),
            "did not find expected key, while parsing a block mapping"
        );
        assert_eq!(strip_positions("look at me at position 7"), "look at me");
    }

    #[test]
    fn end_of_text() {
        assert_eq!(end_of(""), (1, 1));
        assert_eq!(end_of("a: 1\n"), (2, 1));
        assert_eq!(end_of("a: 1"), (1, 5));
    }
}
