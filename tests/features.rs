//! Runs the Gherkin features in `features/` with cucumber.
fn main() {}
