//! The conformance suite for VDS iSCSI hardware providers, and the library
//! behind the `vds-harness` command.
#![warn(missing_docs)]

pub mod campaigns;
pub mod checks;
pub mod mutants;
pub mod oracle;
pub mod providers;
pub mod scenario;
pub mod suite;
