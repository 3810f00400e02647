//! What a provider declares about its design where the contract leaves the
//! choice open, and the oracle judges it against: which calls share a lock
//! (rule BUSY-IN-DOMAIN), and whether Reenumerate and Refresh run alongside
//! operations (rule REFRESH-WHILE-OPERATIONS).
//!
//! ```
//! use vds_sim::provider::declaration::{Declaration, LockDomain};
//! let d = Declaration::default().lock_domain(LockDomain::Provider);
//! assert_eq!(d.to_string(), "lock domain: provider; Reenumerate/Refresh alongside operations: no");
//! assert_eq!("subsystem".parse::<LockDomain>(), Ok(LockDomain::Subsystem));
//! ```

use serde::{Deserialize, Serialize};

/// Which calls an operation in flight holds busy: the calls answered
/// `VDS_E_ANOTHER_CALL_IN_PROGRESS` while it runs may be those in its
/// domain, and two operations in one domain never run at once.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LockDomain {
    /// One lock per iSCSI target: an operation on a target, or on one of
    /// its portal groups, holds that target (the reference provider's choice).
    #[default]
    Target,
    /// One lock per subsystem: every operation holds the subsystem it runs
    /// in, CreateTarget included.
    Subsystem,
    /// One lock for the whole provider: one operation at a time.
    Provider,
}

impl LockDomain {
    /// Every domain, finest first.
    pub const ALL: [LockDomain; 3] = [
        LockDomain::Target,
        LockDomain::Subsystem,
        LockDomain::Provider,
    ];

    /// The name used on the command line, in the protocol and in reports.
    pub const fn name(self) -> &'static str {
        match self {
            LockDomain::Target => "target",
            LockDomain::Subsystem => "subsystem",
            LockDomain::Provider => "provider",
        }
    }
}

impl std::fmt::Display for LockDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// A text that names no lock domain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no lock domain is called `{0}`; expected target, subsystem or provider")]
pub struct UnknownLockDomain(pub String);

impl std::str::FromStr for LockDomain {
    type Err = UnknownLockDomain;
    fn from_str(s: &str) -> Result<Self, UnknownLockDomain> {
        LockDomain::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| UnknownLockDomain(s.to_string()))
    }
}

/// A provider's declared design choices. The default is the reference
/// provider's: a lock per target, and Reenumerate and Refresh refused while
/// operations run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// Which calls an operation in flight holds busy.
    pub lock_domain: LockDomain,
    /// Whether Reenumerate and Refresh run alongside operations in flight
    /// (`true`) or may be refused with `VDS_E_ANOTHER_CALL_IN_PROGRESS`
    /// while any runs (`false`).
    pub refresh_alongside: bool,
}

impl Declaration {
    /// The same declaration with another lock domain.
    pub const fn lock_domain(self, lock_domain: LockDomain) -> Self {
        Self {
            lock_domain,
            ..self
        }
    }

    /// The same declaration, saying whether Reenumerate and Refresh run
    /// alongside operations.
    pub const fn refresh_alongside(self, refresh_alongside: bool) -> Self {
        Self {
            refresh_alongside,
            ..self
        }
    }
}

impl std::fmt::Display for Declaration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lock domain: {}; Reenumerate/Refresh alongside operations: {}",
            self.lock_domain,
            if self.refresh_alongside { "yes" } else { "no" }
        )
    }
}
