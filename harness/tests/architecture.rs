//! The architecture's rules, kept by tests rather than by memory: neither
//! crate's top-level modules import each other in a cycle (the measure is
//! `scripts/import-graph.py`, which also draws the graph), no function
//! but a named table grows past 100 lines (`scripts/fn-lengths.py --max`),
//! the runtime layer
//! names nothing of the crate above it, and no rule id or method name is
//! written as a string outside its table (`RuleId`, `Method`): code names
//! them by their types, so a renamed rule cannot leave a stale spelling.

use std::path::Path;
use std::process::Command;

/// Runs a script of `scripts/` from the workspace root.
fn script(args: &[&str]) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("python3")
        .args(args)
        .current_dir(&root)
        .output()
        .expect("python3 runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn no_module_cycle_in_either_crate() {
    for src in ["sim/src", "harness/src"] {
        let (ok, out) = script(&["scripts/import-graph.py", src]);
        assert!(ok, "{src} has a module cycle:\n{out}");
        assert!(out.contains(", 0 cycles"), "{out}");
    }
}

/// Functions that are tables (a campaign's list of steps), not logic: the
/// only ones allowed past 100 lines.
const TABLES: &[&str] = &[
    "harness/src/campaigns.rs:every_operation",
    "harness/src/campaigns.rs:portals_and_held_pointers",
    "harness/src/campaigns.rs:deleted_behind_back",
];

#[test]
fn no_function_but_a_named_table_is_longer_than_100_lines() {
    for src in ["sim/src", "harness/src"] {
        let mut args = vec!["scripts/fn-lengths.py", src, "--max", "100"];
        for t in TABLES {
            args.extend(["--table", t]);
        }
        let (ok, out) = script(&args);
        assert!(ok, "{src}:\n{out}");
    }
}

/// Every `.rs` file under `dir`, in name order.
fn sources(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The code of a source file: its lines before its `#[cfg(test)]` module,
/// without comments (doc comments and doctests included).
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
        .collect()
}

#[test]
fn the_runtime_names_nothing_of_the_crate_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim/src/runtime");
    let mut found = Vec::new();
    for file in sources(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in code_lines(&text) {
            let outside = line
                .match_indices("crate::")
                .any(|(i, _)| !line[i..].starts_with("crate::runtime"));
            if outside {
                found.push(format!("{}:{n}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the runtime reaches up:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_rule_id_or_method_name_is_written_as_a_string_outside_its_table() {
    use vds_sim::method::Method;
    use vds_sim::profile::RULES;
    let names: Vec<&str> = RULES
        .iter()
        .map(|r| r.id.as_str())
        .chain(Method::ALL.iter().map(|m| m.sdk_name()))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tables = ["sim/src/profile.rs", "sim/src/method.rs"];
    let mut found = Vec::new();
    for dir in ["sim/src", "harness/src"] {
        for file in sources(&root.join(dir)) {
            let shown = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if tables.contains(&shown.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in code_lines(&text) {
                for name in &names {
                    if line.contains(&format!("\"{name}\"")) {
                        found.push(format!("{shown}:{n}: \"{name}\""));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "name these by their types (RuleId::..., Method::...):\n{}",
        found.join("\n")
    );
}

/// The import-graph script reads `super::` paths and nested `use` trees:
/// a cycle made only through them is found.
#[test]
fn the_import_graph_reads_super_and_nested_use_trees() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-graph-fixture");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("e")).unwrap();
    for (file, text) in [
        ("a/mod.rs", "use super::b::X;\n"),
        ("b.rs", "use crate::{c::{D, e::E}, d};\n"),
        ("c.rs", "use crate::a::Y;\n"),
        ("d.rs", ""),
        ("e/mod.rs", ""),
    ] {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let (ok, out) = script(&["scripts/import-graph.py", dir.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("CYCLE: a <-> b <-> c"), "{out}");
    assert!(out.contains("b -> c, d\n"), "{out}");
}

/// The function-length script counts bodies, not a trait's declarations:
/// a signature over several lines ending with `;` is no 60-line function.
#[test]
fn the_length_script_skips_trait_declarations() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fn-lengths-fixture");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("pub trait T {\n    fn a(\n        &self,\n    ) -> u32;\n}\n\n");
    text.push_str("impl X {\n    fn c(&self) {\n");
    for _ in 0..60 {
        text.push_str("        let _y = 2;\n");
    }
    text.push_str("    }\n}\n");
    std::fs::write(dir.join("x.rs"), text).unwrap();
    let (ok, out) = script(&["scripts/fn-lengths.py", dir.to_str().unwrap(), "--min", "1"]);
    assert!(ok, "{out}");
    assert!(out.contains(" c\n"), "{out}");
    assert!(!out.contains(" a\n"), "{out}");
}

/// Items (fields aside) `vds-sim` makes public to other crates, at most.
/// Lower it when an item closes; raise it only with the reason in the commit.
const SIM_PUBLIC_ITEMS: usize = 356;

#[test]
fn the_simulators_public_surface_does_not_grow() {
    let item = regex::Regex::new(
        r"^pub\s+(async\s+|const\s+|unsafe\s+)*(fn|struct|enum|trait|type|const|static|mod|use|macro)\b",
    )
    .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim/src");
    let mut count = 0;
    for file in sources(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        count += code_lines(&text)
            .iter()
            .filter(|(_, l)| item.is_match(l.trim_start()))
            .count();
    }
    assert!(
        count <= SIM_PUBLIC_ITEMS,
        "sim/src makes {count} items public, more than {SIM_PUBLIC_ITEMS}: make the new ones \
         pub(crate) unless another crate names them"
    );
}
