//! Executable specifications, read top to bottom: what the environment and
//! the contract require, written without reference to how the simulator or
//! any provider does it.
//!
//! - [`array`]: the simulated array as a sequential specification of its
//!   management requests; every run's array log is held to it.

pub mod array;
