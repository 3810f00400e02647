//! [`Method`]: every interface method the simulation models, by its SDK
//! name. Program steps, step records, the trace, the ledger, the oracle and
//! the Gherkin steps name methods with it, so a method's identity is a type,
//! not a string: each SDK name (`IVdsIscsiTarget::CreatePortalGroup`) is
//! written once, here.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! methods {
    ($( $interface:ident { $( $variant:ident => $method:ident ),* $(,)? } )*) => {
        /// One method of one of the modelled COM interfaces.
        ///
        /// ```
        /// use vds_sim::method::Method;
        /// let m = Method::TargetCreatePortalGroup;
        /// assert_eq!(m.to_string(), "IVdsIscsiTarget::CreatePortalGroup");
        /// assert_eq!(m.interface(), "IVdsIscsiTarget");
        /// assert_eq!(m.name(), "CreatePortalGroup");
        /// assert_eq!(Method::from_sdk_name("IVdsIscsiTarget::CreatePortalGroup"), Some(m));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Method {
            $($(
                #[doc = concat!("`", stringify!($interface), "::", stringify!($method), "`.")]
                $variant,
            )*)*
        }

        impl Method {
            /// Every method, interface by interface in vtable order.
            pub const ALL: &'static [Method] = &[$($(Method::$variant,)*)*];

            /// The SDK name, `Interface::Method`, as traces and reports print it.
            pub const fn sdk_name(self) -> &'static str {
                match self {
                    $($(Method::$variant => concat!(stringify!($interface), "::", stringify!($method)),)*)*
                }
            }

            /// The COM interface the method belongs to, e.g. `IVdsIscsiTarget`.
            pub const fn interface(self) -> &'static str {
                match self {
                    $($(Method::$variant => stringify!($interface),)*)*
                }
            }

            /// The method's own name, e.g. `CreatePortalGroup`.
            pub const fn name(self) -> &'static str {
                match self {
                    $($(Method::$variant => stringify!($method),)*)*
                }
            }
        }
    };
}

methods! {
    IVdsAsync {
        AsyncCancel => Cancel,
        AsyncWait => Wait,
        AsyncQueryStatus => QueryStatus,
    }
    IVdsHwProvider {
        HwProviderQuerySubSystems => QuerySubSystems,
        HwProviderReenumerate => Reenumerate,
        HwProviderRefresh => Refresh,
    }
    IVdsSubSystemIscsi {
        SubSystemQueryTargets => QueryTargets,
        SubSystemQueryPortals => QueryPortals,
        SubSystemCreateTarget => CreateTarget,
        SubSystemSetIpsecGroupPresharedKey => SetIpsecGroupPresharedKey,
    }
    IVdsIscsiTarget {
        TargetGetProperties => GetProperties,
        TargetGetSubSystem => GetSubSystem,
        TargetQueryPortalGroups => QueryPortalGroups,
        TargetQueryAssociatedLuns => QueryAssociatedLuns,
        TargetCreatePortalGroup => CreatePortalGroup,
        TargetDelete => Delete,
        TargetSetFriendlyName => SetFriendlyName,
        TargetSetSharedSecret => SetSharedSecret,
        TargetRememberInitiatorSharedSecret => RememberInitiatorSharedSecret,
        TargetGetConnectedInitiators => GetConnectedInitiators,
    }
    IVdsIscsiPortalGroup {
        PortalGroupGetProperties => GetProperties,
        PortalGroupGetTarget => GetTarget,
        PortalGroupQueryAssociatedPortals => QueryAssociatedPortals,
        PortalGroupAddPortal => AddPortal,
        PortalGroupRemovePortal => RemovePortal,
        PortalGroupDelete => Delete,
    }
    IVdsIscsiPortal {
        PortalGetProperties => GetProperties,
        PortalGetSubSystem => GetSubSystem,
        PortalQueryAssociatedPortalGroups => QueryAssociatedPortalGroups,
        PortalSetStatus => SetStatus,
        PortalSetIpsecTunnelAddress => SetIpsecTunnelAddress,
        PortalGetIpsecSecurity => GetIpsecSecurity,
        PortalSetIpsecSecurity => SetIpsecSecurity,
    }
}

impl Method {
    /// The method with this SDK name (`Interface::Method`).
    pub fn from_sdk_name(name: &str) -> Option<Method> {
        Method::ALL.iter().copied().find(|m| m.sdk_name() == name)
    }

    /// Whether the method starts an asynchronous operation (hands back an `IVdsAsync`).
    pub const fn is_async(self) -> bool {
        matches!(
            self,
            Method::SubSystemCreateTarget
                | Method::TargetCreatePortalGroup
                | Method::TargetDelete
                | Method::PortalGroupAddPortal
                | Method::PortalGroupRemovePortal
                | Method::PortalGroupDelete
        )
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.sdk_name())
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Method::from_sdk_name(s)
            .ok_or_else(|| format!("unknown method `{s}`: expected `Interface::Method`, e.g. `IVdsIscsiTarget::CreatePortalGroup`"))
    }
}

impl Serialize for Method {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.sdk_name())
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A set of methods, small enough to copy: what a provider declares it does
/// not carry out ([`Declaration::not_supported`](crate::provider::declaration::Declaration)).
/// Iterates in [`Method::ALL`] order and serializes as a list of SDK names.
///
/// ```
/// use vds_sim::method::{Method, MethodSet};
/// let s = MethodSet::EMPTY.with(Method::AsyncCancel);
/// assert!(s.contains(Method::AsyncCancel) && !s.contains(Method::AsyncWait));
/// assert_eq!(s.to_string(), "IVdsAsync::Cancel");
/// assert_eq!(MethodSet::EMPTY.to_string(), "none");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MethodSet(u64);

impl MethodSet {
    /// No method.
    pub const EMPTY: MethodSet = MethodSet(0);

    /// The same set with `m` in it.
    pub const fn with(self, m: Method) -> MethodSet {
        MethodSet(self.0 | 1 << m as u32)
    }

    /// Whether `m` is in the set.
    pub const fn contains(self, m: Method) -> bool {
        self.0 & 1 << m as u32 != 0
    }

    /// Whether the set has no method.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Its methods, in [`Method::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Method> {
        Method::ALL
            .iter()
            .copied()
            .filter(move |m| self.contains(*m))
    }
}

impl FromIterator<Method> for MethodSet {
    fn from_iter<I: IntoIterator<Item = Method>>(it: I) -> Self {
        it.into_iter().fold(MethodSet::EMPTY, MethodSet::with)
    }
}

impl std::fmt::Display for MethodSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.iter().map(Method::sdk_name).collect();
        f.write_str(&names.join(", "))
    }
}

impl Serialize for MethodSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Who handed out a counted reference: a method, or the client's own
/// `CoCreateInstance` of the provider object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Issuer {
    /// The client created the provider object.
    CoCreateInstance,
    /// A method handed the reference out (as an out-parameter).
    Call(Method),
}

impl From<Method> for Issuer {
    fn from(m: Method) -> Self {
        Issuer::Call(m)
    }
}

impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Issuer::CoCreateInstance => f.write_str("CoCreateInstance"),
            Issuer::Call(m) => f.write_str(m.sdk_name()),
        }
    }
}

impl Serialize for Issuer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for &m in Method::ALL {
            assert!(seen.insert(m.sdk_name()), "{m} twice");
            assert_eq!(Method::from_sdk_name(m.sdk_name()), Some(m));
            assert_eq!(m.sdk_name(), format!("{}::{}", m.interface(), m.name()));
        }
        assert_eq!(Method::ALL.len(), 33);
        // MethodSet keeps one bit per method.
        assert!(Method::ALL.len() <= 64);
        let all: MethodSet = Method::ALL.iter().copied().collect();
        assert_eq!(all.iter().count(), Method::ALL.len());
    }

    #[test]
    fn serializes_as_its_sdk_name() {
        let json = serde_json::to_string(&Method::AsyncWait).unwrap();
        assert_eq!(json, "\"IVdsAsync::Wait\"");
        assert_eq!(
            serde_json::from_str::<Method>(&json).unwrap(),
            Method::AsyncWait
        );
        assert!(serde_json::from_str::<Method>("\"IVdsAsync::Nope\"").is_err());
    }
}
