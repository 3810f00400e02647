//! Providers by name, as the command line and the Gherkin steps name them:
//! `reference`, `mutant:NAME` for a deliberately broken one, or
//! `exec:COMMAND` for a provider process speaking the stdio protocol
//! ([`crate::exec`]).

use std::sync::Arc;

use vds_sim::provider::{ProviderFactory, ReferenceFactory};

/// A provider name nobody knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown provider `{name}`: expected `reference` or `mutant:NAME` (see `vds-harness mutants --list`), or `exec:COMMAND` (a provider process)"
)]
pub struct UnknownProvider {
    /// The name given.
    pub name: String,
}

/// The factory for a provider name.
///
/// ```
/// assert_eq!(vds_harness::providers::by_name("reference").unwrap().name(), "reference");
/// assert!(vds_harness::providers::by_name("nonsense").is_err());
/// assert_eq!(
///     vds_harness::providers::by_name("mutant:hang-on-wait").unwrap().name(),
///     "mutant:hang-on-wait"
/// );
/// ```
pub fn by_name(name: &str) -> Result<Arc<dyn ProviderFactory>, UnknownProvider> {
    if let Some(command) = name.strip_prefix(crate::exec::EXEC_PREFIX) {
        if !command.trim().is_empty() {
            return Ok(Arc::new(crate::exec::ExecFactory::new(command)));
        }
    }
    match name {
        "reference" => Ok(Arc::new(ReferenceFactory::default())),
        other => other
            .strip_prefix("mutant:")
            .and_then(crate::mutants::by_name)
            .map(|m| m.factory())
            .ok_or_else(|| UnknownProvider {
                name: other.to_string(),
            }),
    }
}
