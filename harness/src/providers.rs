//! Providers by name, as the command line and the Gherkin steps name them:
//! `reference`, or `mutant:NAME` for a deliberately broken one.

use std::sync::Arc;

use vds_sim::provider::{ProviderFactory, ReferenceFactory};

/// A provider name nobody knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown provider `{name}`: expected `reference` or `mutant:NAME` (see `vds-harness mutants --list`)"
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
