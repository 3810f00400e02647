//! The conformance suite for VDS iSCSI hardware providers, and the library
//! behind the `vds-harness` command.
#![warn(missing_docs)]

pub mod providers;
pub mod scenario;
