//! Controls: correct providers of other designs than the reference, which
//! the suite must pass (`--provider control:NAME`). A check that refuses one
//! refuses behaviour the contract allows: a defect of the suite.
//!
//! Most are the toy provider of `harness/examples/toy_provider/` (no cache;
//! written against `vds_sim::prelude` only, as an outside author would),
//! compiled here from the same files, in each of its [`Design`]s: a lock per
//! target or one for the whole provider, busy decided early or late,
//! Reenumerate and Refresh refused or run alongside, the group limit found
//! in the call or in its operation. Three are the reference (with its cache)
//! decorated: [`SlowStart`] looks at everything later in each call,
//! [`AllocationFirst`] lets an allocation failure hit any call first,
//! [`QueuedRescans`] makes overlapping rescans wait instead of refusing.
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

mod reference;

use std::sync::Arc;

use vds_sim::provider::declaration::Declaration;
use vds_sim::provider::wrap::Wrapped;
use vds_sim::provider::{ProviderFactory, ReferenceFactory};

pub use design::{Design, ToyFactory};
pub use reference::{AllocationFirst, QueuedRescans, SlowStart};

/// What names a control on the command line: `control:NAME`.
pub const PREFIX: &str = "control:";

/// One control provider.
#[derive(Clone, Copy, Debug)]
pub struct Control {
    /// Its name without the prefix.
    pub name: &'static str,
    /// Its full name, as reports print it.
    pub full: &'static str,
    /// What its design is, in one line.
    pub about: &'static str,
    make: fn(&'static str) -> Arc<dyn ProviderFactory>,
}

impl Control {
    /// Its factory.
    pub fn factory(&self) -> Arc<dyn ProviderFactory> {
        (self.make)(self.full)
    }

    /// What it declares.
    pub fn declaration(&self) -> Declaration {
        self.factory().declaration()
    }
}

/// The toy in its design number `i` ([`Design::ALL`]).
macro_rules! toy {
    ($i:literal, $full:literal) => {
        Control {
            name: Design::ALL[$i].name,
            full: $full,
            about: Design::ALL[$i].about,
            make: |full| Arc::new(ToyFactory::new(Design::ALL[$i], full)),
        }
    };
}

/// Every control, in order.
pub const CONTROLS: &[Control] = &[
    toy!(0, "control:toy"),
    toy!(1, "control:provider-lock"),
    toy!(2, "control:late-busy"),
    toy!(3, "control:refresh-alongside"),
    toy!(4, "control:limit-in-operation"),
    toy!(5, "control:in-call"),
    Control {
        name: "slow-start",
        full: "control:slow-start",
        about: "the reference, looking at its cache and locks 3 ms into every call, and answering VDS_E_PROVIDER_EXITING if it restarted meanwhile",
        make: |full| {
            Arc::new(Wrapped::new(
                full,
                ReferenceFactory::default(),
                SlowStart::default(),
            ))
        },
    },
    Control {
        name: "allocation-first",
        full: "control:allocation-first",
        about: "the reference, failing the next call of any kind (IVdsAsync too) after an allocation failure, before anything else",
        make: |full| {
            Arc::new(Wrapped::new(
                full,
                ReferenceFactory::default(),
                AllocationFirst::default(),
            ))
        },
    },
    Control {
        name: "queued-rescans",
        full: "control:queued-rescans",
        about: "the reference, making a Reenumerate or Refresh wait for the one running instead of answering busy",
        make: |full| {
            Arc::new(Wrapped::new(
                full,
                ReferenceFactory::default(),
                QueuedRescans::default(),
            ))
        },
    },
];

/// Every control, in order.
pub fn all() -> impl Iterator<Item = &'static Control> {
    CONTROLS.iter()
}

/// The factory of the control called `name` (without the prefix).
pub fn by_name(name: &str) -> Option<Arc<dyn ProviderFactory>> {
    all().find(|c| c.name == name).map(Control::factory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_has_its_full_name_and_every_design_a_control() {
        for c in all() {
            assert_eq!(c.factory().name(), format!("{PREFIX}{}", c.name));
            assert!(!c.about.is_empty());
        }
        for d in Design::ALL {
            assert!(all().any(|c| c.name == d.name), "{}", d.name);
        }
    }
}
