//! Reports of a suite run: the conformance matrix as text, and the
//! summary of failures with the command that replays each.

mod matrix;

pub use matrix::{matrix, summary};
