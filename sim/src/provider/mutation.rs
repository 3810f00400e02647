//! Deliberate breakages inside the reference provider, for the mutant
//! catalogue. Only breakages that must reach inside the provider (its
//! serialisation, its cache, what it keeps of a finished operation) are
//! hooks here; those that change only what an interface answers are
//! decorators ([`Wrap`](crate::provider::wrap::Wrap)) in the harness's
//! catalogue. The reference provider itself never has a mutation.

use serde::{Deserialize, Serialize};

/// One deliberate breakage of the contract inside the reference provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mutation {
    /// A failed CreatePortalGroup's Wait leaves a pointer in `cpg`.
    PointerInFailedWait,
    /// Concurrent operations on one target are not serialised.
    NoSerialisation,
    /// Reenumerate alone clears a corrupt cache (no Refresh needed).
    RecoverWithoutRefresh,
    /// A corrupt cache is served as if it were sound.
    IgnoreCorruption,
    /// Reenumerate then Refresh leave the cache corrupt.
    CorruptAfterRefresh,
    /// CreatePortalGroup's Wait output is typed `VDS_ASYNCOUT_CREATETARGET`.
    WrongOutputType,
    /// A group's GetTarget hands back some other target.
    WrongTargetInGetTarget,
    /// Below the limit, CreatePortalGroup claims VDS_S_ALREADY_EXISTS once
    /// the target has any group.
    SpuriousAlreadyExists,
    /// A restart does not abandon the operations in flight: they go on and
    /// report their result.
    RestartKeepsOperations,
    /// A restart keeps the cache instead of reloading it from the array.
    RestartKeepsCache,
    /// Refresh of a sound cache answers S_OK without reloading it.
    RefreshKeepsCache,
    /// An allocation failure is accepted and never suffered.
    IgnoreAllocationFailure,
}

impl Mutation {
    /// Every mutation.
    pub const ALL: [Mutation; 12] = [
        Mutation::PointerInFailedWait,
        Mutation::NoSerialisation,
        Mutation::RecoverWithoutRefresh,
        Mutation::IgnoreCorruption,
        Mutation::CorruptAfterRefresh,
        Mutation::WrongOutputType,
        Mutation::WrongTargetInGetTarget,
        Mutation::SpuriousAlreadyExists,
        Mutation::RestartKeepsOperations,
        Mutation::RestartKeepsCache,
        Mutation::RefreshKeepsCache,
        Mutation::IgnoreAllocationFailure,
    ];

    /// The mutation's name, as in `mutant:NAME`.
    pub const fn name(self) -> &'static str {
        match self {
            Mutation::PointerInFailedWait => "pointer-in-failed-wait",
            Mutation::NoSerialisation => "no-serialisation",
            Mutation::RecoverWithoutRefresh => "recover-without-refresh",
            Mutation::IgnoreCorruption => "ignore-corruption",
            Mutation::CorruptAfterRefresh => "corrupt-after-refresh",
            Mutation::WrongOutputType => "wrong-output-type",
            Mutation::WrongTargetInGetTarget => "wrong-target-in-get-target",
            Mutation::SpuriousAlreadyExists => "spurious-already-exists",
            Mutation::RestartKeepsOperations => "restart-keeps-operations",
            Mutation::RestartKeepsCache => "restart-keeps-cache",
            Mutation::RefreshKeepsCache => "refresh-keeps-cache",
            Mutation::IgnoreAllocationFailure => "ignore-allocation-failure",
        }
    }

    /// The mutation with this name.
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.into_iter().find(|m| m.name() == name)
    }

    /// One line on what the mutation breaks.
    pub const fn description(self) -> &'static str {
        match self {
            Mutation::PointerInFailedWait => {
                "a failed CreatePortalGroup's Wait leaves a non-NULL cpg pointer"
            }
            Mutation::NoSerialisation => {
                "operations on one target are not serialised (no VDS_E_ANOTHER_CALL_IN_PROGRESS)"
            }
            Mutation::RecoverWithoutRefresh => "Reenumerate alone clears a corrupt cache",
            Mutation::IgnoreCorruption => {
                "a corrupt cache is served without VDS_E_PROVIDER_CACHE_CORRUPT"
            }
            Mutation::CorruptAfterRefresh => "Reenumerate then Refresh leave the cache corrupt",
            Mutation::WrongOutputType => {
                "CreatePortalGroup's output is typed VDS_ASYNCOUT_CREATETARGET"
            }
            Mutation::WrongTargetInGetTarget => "a new group's GetTarget hands back another target",
            Mutation::SpuriousAlreadyExists => {
                "below the limit, CreatePortalGroup claims VDS_S_ALREADY_EXISTS once the target has a group"
            }
            Mutation::RestartKeepsOperations => {
                "a provider restart lets the operations in flight finish and report success"
            }
            Mutation::RestartKeepsCache => {
                "a provider restart keeps its cache, so reads after it show objects deleted before it"
            }
            Mutation::RefreshKeepsCache => {
                "Refresh of a sound cache succeeds without reloading it, so reads after it show objects deleted before it"
            }
            Mutation::IgnoreAllocationFailure => {
                "an allocation_failure fault is accepted and no allocation ever fails for it"
            }
        }
    }
}
