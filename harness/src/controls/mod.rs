//! Controls: correct providers of other designs than the reference, which
//! the suite must pass (`--provider control:NAME`). A check that refuses one
//! refuses behaviour the contract allows: a defect of the suite.
//!
//! They are the toy provider of `harness/examples/toy_provider/` (written
//! against `vds_sim::prelude` only, as an outside author would), compiled
//! here from the same files, in each of its [`Design`]s: a lock per target
//! or one for the whole provider, busy decided early or late, Reenumerate
//! and Refresh refused or run alongside, the group limit found in the call
//! or in its operation.
//!
//! ```
//! let f = vds_harness::controls::by_name("provider-lock").unwrap();
//! assert_eq!(f.name(), "control:provider-lock");
//! assert_eq!(f.declaration().lock_domain.name(), "provider");
//! ```

#![allow(missing_docs)]

#[path = "../../examples/toy_provider/design.rs"]
mod design;
#[path = "../../examples/toy_provider/op.rs"]
mod op;
#[path = "../../examples/toy_provider/provider.rs"]
mod provider;

use std::sync::Arc;

use vds_sim::provider::ProviderFactory;

pub use design::{Design, ToyFactory};

/// What names a control on the command line: `control:NAME`.
pub const PREFIX: &str = "control:";

/// Every control, in order.
pub fn all() -> impl Iterator<Item = Design> {
    Design::ALL.into_iter()
}

/// The factory of the control called `name` (without the prefix).
pub fn by_name(name: &str) -> Option<Arc<dyn ProviderFactory>> {
    let design = Design::by_name(name)?;
    let full: &'static str = CONTROL_NAMES
        .iter()
        .find(|n| n.strip_prefix(PREFIX) == Some(name))
        .copied()?;
    Some(Arc::new(ToyFactory::new(design, full)))
}

/// The controls' full names, as reports print them.
const CONTROL_NAMES: [&str; Design::ALL.len()] = [
    "control:toy",
    "control:provider-lock",
    "control:late-busy",
    "control:refresh-alongside",
    "control:limit-in-operation",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_design_has_its_full_name() {
        for d in all() {
            assert_eq!(
                by_name(d.name).map(|f| f.name()),
                Some(format!("{PREFIX}{}", d.name))
            );
        }
    }
}
