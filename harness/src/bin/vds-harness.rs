//! The `vds-harness` command.

fn main() {}
