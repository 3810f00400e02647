//! What a provider declares about its design where the contract leaves the
//! choice open, and the oracle judges it against: which calls share a lock
//! (rule BUSY-IN-DOMAIN), whether Reenumerate and Refresh run alongside
//! operations (rule REFRESH-WHILE-OPERATIONS), which methods it never
//! carries out and whether its operations end inside the call that starts
//! them (rule DECLARATION-KEPT). What a design cannot reach (a successful
//! Cancel, an operation still pending) the suite then does not require.
//!
//! ```
//! use vds_sim::method::Method;
//! use vds_sim::provider::declaration::{Declaration, LockDomain};
//! let d = Declaration::default().lock_domain(LockDomain::Provider);
//! assert_eq!(
//!     d.to_string(),
//!     "lock domain: provider; Reenumerate/Refresh alongside operations: no; \
//!      not supported: none; operations end in the call: no"
//! );
//! assert_eq!("subsystem".parse::<LockDomain>(), Ok(LockDomain::Subsystem));
//! let d = d.not_supported(Method::AsyncCancel).unwrap();
//! assert!(d.not_supported.contains(Method::AsyncCancel));
//! // Only a method whose page lists VDS_E_NOT_SUPPORTED can be declared so.
//! assert!(d.not_supported(Method::AsyncWait).is_err());
//! ```

use serde::{Deserialize, Serialize};

use crate::hresult::HResult;
use crate::method::{Method, MethodSet};

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
/// provider's: a lock per target, Reenumerate and Refresh refused while
/// operations run, every method carried out, operations that run on after
/// the call that starts them returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// Which calls an operation in flight holds busy.
    pub lock_domain: LockDomain,
    /// Whether Reenumerate and Refresh run alongside operations in flight
    /// (`true`) or may be refused with `VDS_E_ANOTHER_CALL_IN_PROGRESS`
    /// while any runs (`false`).
    pub refresh_alongside: bool,
    /// Methods the provider never carries out: each answers
    /// `VDS_E_NOT_SUPPORTED` (Cancel may also answer
    /// `VDS_E_CANCEL_TOO_LATE`), never a success code. Only methods whose
    /// page lists `VDS_E_NOT_SUPPORTED`.
    pub not_supported: MethodSet,
    /// Whether every operation has ended (its array work done or failed)
    /// when the call that started it returns: no QueryStatus after that
    /// reports it pending and no Cancel of it succeeds.
    pub operations_end_in_call: bool,
}

/// A method declared not supported whose page does not list
/// `VDS_E_NOT_SUPPORTED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0} cannot be declared not supported: its page does not list VDS_E_NOT_SUPPORTED (expected some of {list})",
    list = Declaration::may_decline().to_string()
)]
pub struct CannotDecline(pub Method);

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

impl Declaration {
    /// The same declaration, with `method` never carried out; refused for
    /// a method whose page does not list `VDS_E_NOT_SUPPORTED`.
    pub fn not_supported(self, method: Method) -> Result<Self, CannotDecline> {
        if !Self::may_decline().contains(method) {
            return Err(CannotDecline(method));
        }
        Ok(Self {
            not_supported: self.not_supported.with(method),
            ..self
        })
    }

    /// [`not_supported`](Self::not_supported) for the method with this SDK
    /// name, as `hello_ok` and a JSON report carry it; the error says what
    /// is wrong with the name.
    pub fn not_supported_named(self, name: &str) -> Result<Self, String> {
        let method: Method = name.parse()?;
        self.not_supported(method).map_err(|e| e.to_string())
    }

    /// The same declaration, saying whether operations end inside the call
    /// that starts them.
    pub const fn operations_end_in_call(self, operations_end_in_call: bool) -> Self {
        Self {
            operations_end_in_call,
            ..self
        }
    }

    /// The methods a provider may declare not supported: those whose
    /// allow-list (`outcomes::returns`) has `VDS_E_NOT_SUPPORTED` and a
    /// success code beside it (a method that can only decline needs no
    /// declaration).
    pub fn may_decline() -> MethodSet {
        Method::ALL
            .iter()
            .copied()
            .filter(|m| {
                let codes = crate::outcomes::returns(*m);
                codes.contains(&HResult::VDS_E_NOT_SUPPORTED) && codes.contains(&HResult::S_OK)
            })
            .collect()
    }

    /// Whether a provider so declared can never have an operation still
    /// running after the call that started it returned, nor cancel one.
    pub fn never_pending(&self) -> bool {
        self.operations_end_in_call
    }

    /// Whether a provider so declared never answers Cancel with success.
    pub fn never_cancels(&self) -> bool {
        self.operations_end_in_call || self.not_supported.contains(Method::AsyncCancel)
    }
}

impl std::fmt::Display for Declaration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        write!(
            f,
            "lock domain: {}; Reenumerate/Refresh alongside operations: {}; not supported: {}; operations end in the call: {}",
            self.lock_domain,
            yes_no(self.refresh_alongside),
            self.not_supported,
            yes_no(self.operations_end_in_call)
        )
    }
}
