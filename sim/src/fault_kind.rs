//! The kinds of [`Fault`](crate::faults::Fault), without their parameters:
//! what scenario files, traces, coverage situations and the oracle name. A
//! module of its own, below both `faults` and `trace`.

use crate::provider::ProviderFaultKind;

macro_rules! kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// A fault's kind, as scenario files and traces name it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FaultKind {
            $(
                #[doc = concat!("`", $name, "`.")]
                $variant,
            )*
        }

        impl FaultKind {
            /// Every kind, in the order the documentation lists them.
            pub const ALL: &'static [FaultKind] = &[$(FaultKind::$variant,)*];

            /// Its name in scenario files and traces.
            pub const fn name(self) -> &'static str {
                match self {
                    $(FaultKind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    CacheCorruption = "cache_corruption",
    DeleteTarget = "delete_target",
    DeletePortalGroup = "delete_portal_group",
    CreatePortalGroup = "create_portal_group",
    ConcurrentCalls = "concurrent_calls",
    AllocationFailure = "allocation_failure",
    InvalidArgument = "invalid_argument",
    LinkLoss = "link_loss",
    LinkPartition = "link_partition",
    LinkHold = "link_hold",
    LinkLatency = "link_latency",
    SlowOperations = "slow_operations",
    ProviderRestart = "provider_restart",
}

impl FaultKind {
    /// The kind named `name`, if any.
    ///
    /// ```
    /// use vds_sim::faults::FaultKind;
    /// assert_eq!(FaultKind::from_name("link_loss"), Some(FaultKind::LinkLoss));
    /// assert_eq!(FaultKind::from_name("link-loss"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<FaultKind> {
        FaultKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// For a fault the provider suffers itself, the [`ProviderFaultKind`] a
    /// provider that cannot take it declares (`ProviderFactory::cannot_take`).
    pub const fn provider_side(self) -> Option<ProviderFaultKind> {
        match self {
            FaultKind::CacheCorruption => Some(ProviderFaultKind::CorruptCache),
            FaultKind::AllocationFailure => Some(ProviderFaultKind::FailNextAllocation),
            FaultKind::ProviderRestart => Some(ProviderFaultKind::Restart),
            _ => None,
        }
    }

    /// The provider-side kind a provider declares as `k`.
    pub fn of_provider_side(k: ProviderFaultKind) -> FaultKind {
        match k {
            ProviderFaultKind::CorruptCache => FaultKind::CacheCorruption,
            ProviderFaultKind::FailNextAllocation => FaultKind::AllocationFailure,
            ProviderFaultKind::Restart => FaultKind::ProviderRestart,
        }
    }

    /// Whether, after it, the array may not answer the provider in time.
    pub const fn slows_the_link(self) -> bool {
        matches!(
            self,
            FaultKind::LinkLoss
                | FaultKind::LinkPartition
                | FaultKind::LinkHold
                | FaultKind::LinkLatency
                | FaultKind::SlowOperations
        )
    }
}

impl std::fmt::Display for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl serde::Serialize for FaultKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_provider_side_kinds_map_back() {
        for k in FaultKind::ALL {
            assert_eq!(FaultKind::from_name(k.name()), Some(*k));
            if let Some(p) = k.provider_side() {
                assert_eq!(FaultKind::of_provider_side(p), *k);
            }
        }
        assert_eq!(
            FaultKind::ALL
                .iter()
                .filter(|k| k.provider_side().is_some())
                .count(),
            3
        );
    }
}
