//! Deliberate breakages inside the reference provider, for the mutant
//! catalogue. Only breakages that must reach inside the provider (its
//! serialisation, its cache, what it keeps of a finished operation) are
//! hooks here; those that change only what an interface answers are
//! decorators ([`Wrap`](crate::provider::wrap::Wrap)) in the harness's
//! catalogue. The reference provider itself never has a mutation.

use serde::{Deserialize, Serialize};

/// Writes [`Mutation`] once: each variant with its doc, its name (as in
/// `mutant:NAME`, and its serde spelling) and its one-line description.
macro_rules! mutations {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal, $about:literal;)*) => {
        /// One deliberate breakage of the contract inside the reference provider.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Mutation {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl Mutation {
            /// Every mutation.
            pub const ALL: &'static [Mutation] = &[$(Mutation::$variant,)*];

            /// The mutation's name, as in `mutant:NAME`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Mutation::$variant => $name,)*
                }
            }

            /// One line on what the mutation breaks.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Mutation::$variant => $about,)*
                }
            }
        }
    };
}

mutations! {
    /// A failed CreatePortalGroup's Wait leaves a pointer in `cpg`.
    PointerInFailedWait = "pointer-in-failed-wait",
        "a failed CreatePortalGroup's Wait leaves a non-NULL cpg pointer";
    /// Concurrent operations on one target are not serialised.
    NoSerialisation = "no-serialisation",
        "operations on one target are not serialised (no VDS_E_ANOTHER_CALL_IN_PROGRESS)";
    /// Reenumerate alone clears a corrupt cache (no Refresh needed).
    RecoverWithoutRefresh = "recover-without-refresh",
        "Reenumerate alone clears a corrupt cache";
    /// A corrupt cache is served as if it were sound.
    IgnoreCorruption = "ignore-corruption",
        "a corrupt cache is served without VDS_E_PROVIDER_CACHE_CORRUPT";
    /// Reenumerate then Refresh leave the cache corrupt.
    CorruptAfterRefresh = "corrupt-after-refresh",
        "Reenumerate then Refresh leave the cache corrupt";
    /// CreatePortalGroup's Wait output is typed `VDS_ASYNCOUT_CREATETARGET`.
    WrongOutputType = "wrong-output-type",
        "CreatePortalGroup's output is typed VDS_ASYNCOUT_CREATETARGET";
    /// A group's GetTarget hands back some other target.
    WrongTargetInGetTarget = "wrong-target-in-get-target",
        "a new group's GetTarget hands back another target";
    /// Below the limit, CreatePortalGroup claims VDS_S_ALREADY_EXISTS once
    /// the target has any group.
    SpuriousAlreadyExists = "spurious-already-exists",
        "below the limit, CreatePortalGroup claims VDS_S_ALREADY_EXISTS once the target has a group";
    /// A restart does not abandon the operations in flight: they go on and
    /// report their result.
    RestartKeepsOperations = "restart-keeps-operations",
        "a provider restart lets the operations in flight finish and report success";
    /// A restart keeps the cache instead of reloading it from the array.
    RestartKeepsCache = "restart-keeps-cache",
        "a provider restart keeps its cache, so reads after it show objects deleted before it";
    /// Refresh of a sound cache answers S_OK without reloading it.
    RefreshKeepsCache = "refresh-keeps-cache",
        "Refresh of a sound cache succeeds without reloading it, so reads after it show objects deleted before it";
    /// An allocation failure is accepted and never suffered.
    IgnoreAllocationFailure = "ignore-allocation-failure",
        "an allocation_failure fault is accepted and no allocation ever fails for it";
}

impl Mutation {
    /// The mutation with this name.
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.iter().copied().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mutation_is_spelled_by_its_name_everywhere() {
        for &m in Mutation::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.name()));
            assert_eq!(serde_json::from_str::<Mutation>(&json).unwrap(), m);
            assert_eq!(Mutation::from_name(m.name()), Some(m));
            assert!(!m.description().is_empty());
        }
    }
}
