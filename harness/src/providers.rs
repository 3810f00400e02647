//! Providers by name, as the command line and the Gherkin steps name them:
//! `reference`, `mutant:NAME` for a deliberately broken one, or
//! `exec:COMMAND` for a provider process speaking the stdio protocol
//! ([`crate::exec`]).

use std::sync::Arc;

use std::sync::OnceLock;

use vds_sim::provider::{ProviderFactory, ReferenceFactory};

/// The provider of a program built on [`crate::main`], known by its own name.
static OWN: OnceLock<Arc<dyn ProviderFactory>> = OnceLock::new();

/// The command that replays a run, as printed in reports.
static PROGRAM: OnceLock<String> = OnceLock::new();

/// Makes `factory` known to [`by_name`] under its own name and `program`
/// the command that reports print for replaying a run; [`crate::main`]
/// does this once, before parsing the command line. A second call changes
/// nothing and answers `false`.
pub fn register_own(factory: Arc<dyn ProviderFactory>, program: &str) -> bool {
    let fresh = OWN.set(factory).is_ok();
    let _ = PROGRAM.set(program.to_string());
    fresh
}

/// The name of the provider registered by [`register_own`], if any.
pub fn own_name() -> Option<String> {
    OWN.get().map(|f| f.name())
}

/// The command reports print for replaying a run: `vds-harness`, or the
/// program of a provider author that calls [`crate::main`].
pub fn program() -> &'static str {
    PROGRAM.get().map_or("vds-harness", String::as_str)
}

/// A provider name nobody knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown provider `{name}`: expected `reference`, `mutant:NAME` (see `vds-harness mutants --list`), `control:NAME` (a name `vds-harness controls` lists) or `exec:COMMAND` (a provider process)"
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
    if let Some(own) = OWN.get().filter(|f| f.name() == name) {
        return Ok(own.clone());
    }
    if let Some(command) = name.strip_prefix(crate::exec::EXEC_PREFIX) {
        if !command.trim().is_empty() {
            return Ok(Arc::new(crate::exec::ExecFactory::new(command)));
        }
    }
    if let Some(control) = name
        .strip_prefix(crate::controls::PREFIX)
        .and_then(crate::controls::by_name)
    {
        return Ok(control);
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

/// ` --provider P` unless P is the command's default provider (the
/// reference, or the provider of a program built on [`crate::main`]).
pub fn provider_flag(provider: &str) -> String {
    let default = own_name().unwrap_or_else(|| "reference".to_string());
    if provider == default {
        String::new()
    } else {
        format!(" --provider {}", shell_quote(provider))
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:+=,@".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
