//! Checks that the build has the cfg flags both engines need; if not,
//! fails with one message saying what to run instead.

fn main() {
    println!("cargo::rerun-if-env-changed=RUSTFLAGS");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let missing: Vec<&str> = [
        ("CARGO_CFG_MADSIM", "--cfg madsim"),
        ("CARGO_CFG_TOKIO_UNSTABLE", "--cfg tokio_unstable"),
    ]
    .into_iter()
    .filter(|(var, _)| std::env::var_os(var).is_none())
    .map(|(_, flag)| flag)
    .collect();
    if missing.is_empty() {
        return;
    }
    println!(
        "cargo::error=this workspace needs `--cfg madsim --cfg tokio_unstable` (missing: `{}`). \
         They are set in .cargo/config.toml, but a RUSTFLAGS (or CARGO_ENCODED_RUSTFLAGS) \
         environment variable replaces that file's flags. \
         Fix: keep your flags and add both, e.g. \
         RUSTFLAGS=\"$RUSTFLAGS --cfg madsim --cfg tokio_unstable\" cargo build; \
         or `unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS`.",
        missing.join(" ")
    );
}
