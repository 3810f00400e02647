//! The toy provider's factory and its designs: choices the contract leaves
//! to a provider, each made the other way in one design. The harness runs
//! every design as a control (`--provider control:NAME`): a correct provider
//! the suite must not refuse.

use std::sync::Arc;

use vds_sim::prelude::*;

/// One way of building the toy provider. Every design keeps the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Design {
    /// Its name (`control:NAME`).
    pub name: &'static str,
    /// What it is for, in one line.
    pub about: &'static str,
    /// Which calls an operation in flight holds busy: the target's
    /// (`Target`) or every call's (`Subsystem`, `Provider`).
    pub lock: LockDomain,
    /// Decides that a Reenumerate or Refresh is running only after the
    /// call's first round trip to the array, not as the call begins.
    pub late_busy: bool,
    /// Serves every call while a Reenumerate or Refresh runs, and says so.
    pub refresh_alongside: bool,
    /// Finds the portal-group limit inside the CreatePortalGroup operation
    /// (S_OK, then Wait's pHrResult VDS_S_ALREADY_EXISTS), not in the call.
    pub limit_in_operation: bool,
    /// Runs every operation to its end before the call that starts it
    /// returns, and declares it (DECLARATION-KEPT holds it to that).
    pub in_call: bool,
    /// Answers every Cancel `VDS_E_NOT_SUPPORTED`, and declares it.
    pub declines_cancel: bool,
}

impl Design {
    /// The toy as the example ships it.
    pub const TOY: Design = Design {
        name: "toy",
        about: "no cache, a busy flag per target, the limit found in the call",
        lock: LockDomain::Target,
        late_busy: false,
        refresh_alongside: false,
        limit_in_operation: false,
        in_call: false,
        declines_cancel: false,
    };

    /// Every design the harness runs as a control.
    pub const ALL: [Design; 6] = [
        Design::TOY,
        Design {
            name: "provider-lock",
            about: "one operation at a time in the whole provider, Reenumerate and Refresh refused meanwhile",
            lock: LockDomain::Provider,
            ..Design::TOY
        },
        Design {
            name: "late-busy",
            about: "a running Reenumerate or Refresh is looked for after the call's first round trip",
            late_busy: true,
            ..Design::TOY
        },
        Design {
            name: "refresh-alongside",
            about: "Reenumerate and Refresh run alongside operations and other calls",
            refresh_alongside: true,
            ..Design::TOY
        },
        Design {
            name: "limit-in-operation",
            about: "CreatePortalGroup finds the group limit inside its operation",
            limit_in_operation: true,
            ..Design::TOY
        },
        Design {
            name: "in-call",
            about: "every operation ends before the call that starts it returns, and Cancel is not supported (both declared)",
            in_call: true,
            declines_cancel: true,
            ..Design::TOY
        },
    ];

    /// What the design declares to the suite.
    pub fn declaration(&self) -> Declaration {
        let declared = Declaration::default()
            .lock_domain(self.lock)
            .refresh_alongside(self.refresh_alongside)
            .operations_end_in_call(self.in_call);
        if self.declines_cancel {
            // Cancel is one of the methods a provider may decline.
            declared
                .not_supported(Method::AsyncCancel)
                .expect("Cancel may be declined")
        } else {
            declared
        }
    }
}

/// Makes toy providers of one design: the one thing the suite needs from a
/// provider author.
#[derive(Clone, Copy, Debug)]
pub struct ToyFactory {
    design: Design,
    /// The name reports give it.
    name: &'static str,
}

impl Default for ToyFactory {
    fn default() -> Self {
        Self::new(Design::TOY, "toy")
    }
}

impl ToyFactory {
    /// A factory of `design`, named `name` in reports.
    pub const fn new(design: Design, name: &'static str) -> Self {
        Self { design, name }
    }
}

impl ProviderFactory for ToyFactory {
    fn name(&self) -> String {
        self.name.to_string()
    }

    fn create(&self, ctx: ProviderContext) -> Arc<dyn SimProvider> {
        Arc::new(super::provider::ToyProvider::new(ctx, self.design))
    }

    fn cannot_take(&self) -> &'static [ProviderFaultKind] {
        // No cache, nothing to corrupt.
        &[ProviderFaultKind::CorruptCache]
    }

    fn declaration(&self) -> Declaration {
        self.design.declaration()
    }
}
