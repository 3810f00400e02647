//! The bounds on a scenario file, each checked before the file can cost
//! much: its size before it is read, its nesting depth by a linear scan
//! before the YAML parser sees it (the parser is quadratic in nesting), and
//! every number and list length while it is read. `docs/scenario-format.md`
//! lists them.

/// Largest scenario file read by default, in bytes (1 MiB).
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;
/// Deepest nesting of mappings and lists (block or flow) in a file.
pub const MAX_DEPTH: usize = 32;
/// Most seeds a scenario may run for (`seeds.count`).
pub const MAX_SEEDS: u64 = 10_000;
/// Longest simulated time, in ms, for `time_limit_ms`, `at_ms`,
/// `duration_ms` and `Sleep` (one simulated hour).
pub const MAX_TIME_MS: u64 = 3_600_000;
/// Longest latency or array operation time, in ms (`latency_ms`,
/// `op_time_ms`, `op_jitter_ms`, `extra_ms`).
pub const MAX_LATENCY_MS: u64 = 60_000;
/// Most clients in `clients`.
pub const MAX_CLIENTS: usize = 64;
/// Most steps of one client, by default (`--max-steps` raises it; each step
/// keeps a record and trace events for the whole run, about 2.5 KB).
pub const MAX_STEPS: usize = 10_000;
/// Most rules in `faults`.
pub const MAX_FAULTS: usize = 256;
/// Most targets, portals, and initiators of one target, in `array`.
pub const MAX_ARRAY_ITEMS: usize = 256;
/// Largest `array.group_limit`.
pub const MAX_GROUP_LIMIT: u64 = 256;
/// Most extra clients of one `concurrent_calls` fault.
pub const MAX_CONCURRENT_CLIENTS: u64 = 64;
/// Largest `slow_operations` factor.
pub const MAX_SLOW_FACTOR: u64 = 1_000;
/// Largest `before_call`.
pub const MAX_BEFORE_CALL: u64 = 1_000_000;

/// The limits a load is made under; [`Limits::default`] is the documented one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file, in bytes. Default [`MAX_SCENARIO_BYTES`].
    pub max_bytes: u64,
    /// Most steps of one client. Default [`MAX_STEPS`].
    pub max_steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: MAX_SCENARIO_BYTES,
            max_steps: MAX_STEPS,
        }
    }
}

impl Limits {
    /// These limits with a different largest file size.
    pub fn max_bytes(mut self, n: u64) -> Self {
        self.max_bytes = n;
        self
    }

    /// These limits with a different most steps of one client.
    pub fn max_steps(mut self, n: usize) -> Self {
        self.max_steps = n;
        self
    }
}

/// Where the nesting first goes deeper than `max`: 1-based line and column
/// and the depth reached. One pass over the text; it counts conservatively
/// (a `[` or `{` inside a plain scalar or a block scalar counts as nesting),
/// so it may refuse a strange file but never lets a deep one through.
pub(crate) fn too_deep(text: &str, max: usize) -> Option<(usize, usize, usize)> {
    let mut flow = 0usize;
    // Indentations of the open block collections.
    let mut indents: Vec<usize> = Vec::new();
    let (mut line, mut col) = (1usize, 0usize);
    let mut at_line_start = true;
    let mut indent = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut escaped = false;
    let mut prev = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        if c == '\n' {
            line += 1;
            col = 0;
            at_line_start = true;
            indent = 0;
            comment = false;
            prev = c;
            continue;
        }
        if comment {
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            prev = c;
            continue;
        }
        if at_line_start && flow == 0 {
            if c == ' ' {
                indent += 1;
                prev = c;
                continue;
            }
            if c == '#' {
                comment = true;
                continue;
            }
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        at_line_start = false;
        let token_start = matches!(prev, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':');
        match c {
            '#' if matches!(prev, ' ' | '\t' | '\n') => comment = true,
            '"' | '\'' if token_start => quote = Some(c),
            '[' | '{' => flow += 1,
            ']' | '}' => flow = flow.saturating_sub(1),
            // A compact nested block entry: `- - x` or `? - x`.
            '-' | '?' if flow == 0 && token_start && chars.peek() == Some(&' ') => {
                indents.push(usize::MAX);
            }
            _ => {}
        }
        let depth = indents.len() + flow;
        if depth > max {
            return Some((line, col, depth));
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_files_are_shallow() {
        let doc = "name: x # a [ comment {\nclients:\n  - name: c\n    steps:\n      - {call: Wait, expect: [S_OK]}\n";
        assert_eq!(too_deep(doc, 7), None);
        assert_eq!(too_deep("a: \"[[[[[[\"\nb: 'x[[[['\n", 1), None);
        assert!(too_deep(doc, 6).is_some());
    }

    #[test]
    fn deep_flow_and_block_nesting_are_found() {
        let flow = format!("name: {}", "[".repeat(100));
        assert_eq!(too_deep(&flow, 32), Some((1, 38, 33)));
        let dashes = format!("a:\n{}x\n", "- ".repeat(100));
        assert_eq!(too_deep(&dashes, 32).map(|p| p.0), Some(2));
        let mut indented = String::new();
        for i in 0..40 {
            indented.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert_eq!(too_deep(&indented, 32).map(|p| p.0), Some(33));
    }
}
