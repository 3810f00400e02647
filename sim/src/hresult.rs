//! `HRESULT` values used by the VDS iSCSI hardware-provider contract.
//!
//! [`HResult`] is a thin newtype over the signed 32-bit `HRESULT` that COM
//! methods return. It carries every `VDS_E_*` / `VDS_S_*` code the simulator
//! and harness care about, plus the handful of generic COM codes that the
//! VDS method pages say any call may produce. All names are spelled exactly
//! as in the Windows SDK (`vdserr.h`, `winerror.h`), including the SDK's own
//! oddities such as `VDS_S_ISCSI_LOGIN_ALREAD_EXISTS`.
//!
//! Formatting always shows the symbolic name (when there is one) next to the
//! raw hexadecimal value, so logs and snapshots stay readable and exact:
//!
//! ```
//! use vds_sim::hresult::HResult;
//! assert_eq!(
//!     HResult::VDS_E_OBJECT_DELETED.to_string(),
//!     "VDS_E_OBJECT_DELETED (0x8004240B)"
//! );
//! assert_eq!(HResult::from_u32(0x1234_5678).to_string(), "0x12345678");
//! ```

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) mod advice;
pub use advice::Advice;

/// Facility number 4 (`FACILITY_ITF`): interface-specific codes. Every VDS code
/// uses it.
pub const FACILITY_ITF: u16 = 4;

/// Facility number 7 (`FACILITY_WIN32`): codes made from Win32 error numbers by
/// [`HResult::from_win32`].
pub const FACILITY_WIN32: u16 = 7;

/// A COM `HRESULT`: negative (severity bit set) means failure, zero or positive
/// means success.
///
/// Ordering and hashing follow the signed 32-bit value, like the C type.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HResult(i32);

impl HResult {
    /// Wraps a signed 32-bit `HRESULT` value.
    pub const fn from_i32(value: i32) -> HResult {
        HResult(value)
    }

    /// Wraps an `HRESULT` written as an unsigned 32-bit pattern such as
    /// `0x8004240B`; the bits are kept unchanged.
    pub const fn from_u32(value: u32) -> HResult {
        HResult(value as i32)
    }

    /// The raw value as the signed C `HRESULT` type.
    pub const fn as_i32(self) -> i32 {
        self.0
    }

    /// The raw value as an unsigned bit pattern (how the SDK writes codes).
    pub const fn as_u32(self) -> u32 {
        self.0 as u32
    }

    /// `true` for success and informational codes (the `SUCCEEDED` macro:
    /// value >= 0).
    pub const fn succeeded(self) -> bool {
        self.0 >= 0
    }

    /// `true` for failure codes (the `FAILED` macro: value < 0).
    pub const fn failed(self) -> bool {
        self.0 < 0
    }

    /// The 13-bit facility field (bits 16..=28), as the `HRESULT_FACILITY`
    /// macro extracts it. VDS codes give [`FACILITY_ITF`].
    pub const fn facility(self) -> u16 {
        ((self.as_u32() >> 16) & 0x1FFF) as u16
    }

    /// The low 16 bits, as the `HRESULT_CODE` macro extracts them.
    pub const fn code(self) -> u16 {
        (self.as_u32() & 0xFFFF) as u16
    }

    /// Converts a Win32 error number the way the SDK's `HRESULT_FROM_WIN32`
    /// does: a value that is zero or negative when read as `i32` passes through
    /// untouched; anything else keeps its low 16 bits and gets facility 7 and
    /// the failure bit.
    ///
    /// ```
    /// use vds_sim::hresult::{win32, HResult};
    /// assert_eq!(HResult::from_win32(win32::ERROR_TIMEOUT).as_u32(), 0x800705B4);
    /// assert_eq!(HResult::from_win32(win32::ERROR_INVALID_PARAMETER), HResult::E_INVALIDARG);
    /// assert_eq!(HResult::from_win32(0), HResult::S_OK);
    /// ```
    pub const fn from_win32(x: u32) -> HResult {
        if (x as i32) <= 0 {
            HResult(x as i32)
        } else {
            HResult(((x & 0x0000_FFFF) | ((FACILITY_WIN32 as u32) << 16) | 0x8000_0000) as i32)
        }
    }
}

/// Declares each named code once: its `HResult` constant (documented as
/// `` `NAME` = `VALUE`. `` followed by the given doc) and its [`KNOWN`] entry,
/// in the order listed.
macro_rules! hresults {
    ( $( $(#[$doc:meta])* $name:ident = $value:literal; )* ) => {
        impl HResult {
            $(
                #[doc = concat!("`", stringify!($name), "` = `", stringify!($value), "`.")]
                $(#[$doc])*
                pub const $name: HResult = HResult::from_u32($value);
            )*
        }

        /// Every named code this module knows, as `(SDK name, value)` pairs.
        ///
        /// No two entries share a value, so [`HResult::name`] is unambiguous.
        /// The VDS codes come first, in the facts sheet's order, then the
        /// generic COM codes, then the misnamed `VDS_S_GPT_BOOT_MIRRORED_TO_MBR`.
        pub const KNOWN: &[(&str, HResult)] = &[ $( (stringify!($name), HResult::$name), )* ];
    };
}

hresults! {
    // ---- VDS codes (facility 4, FACILITY_ITF) ----
    /// The provider or object does not support this operation.
    VDS_E_NOT_SUPPORTED = 0x80042400;
    /// Initialization did not succeed (the SDK name really says `INITIALIZED`).
    VDS_E_INITIALIZED_FAILED = 0x80042401;
    /// A call was made before the required initialization step.
    VDS_E_INITIALIZE_NOT_CALLED = 0x80042402;
    /// The service or provider is registered already.
    VDS_E_ALREADY_REGISTERED = 0x80042403;
    /// The object is busy with a conflicting call; retry later.
    VDS_E_ANOTHER_CALL_IN_PROGRESS = 0x80042404;
    /// No object matches the given identifier.
    VDS_E_OBJECT_NOT_FOUND = 0x80042405;
    /// The asynchronous operation has not finished yet.
    VDS_E_OPERATION_PENDING = 0x80042409;
    /// The operation is refused in the current situation.
    VDS_E_OPERATION_DENIED = 0x8004240A;
    /// The object behind this interface no longer exists.
    VDS_E_OBJECT_DELETED = 0x8004240B;
    /// The operation has progressed too far to be cancelled.
    VDS_E_CANCEL_TOO_LATE = 0x8004240C;
    /// The operation was cancelled (or, from `Cancel`, had been cancelled already).
    VDS_E_OPERATION_CANCELED = 0x8004240D;
    /// The requested operation is not valid for this object.
    VDS_E_INVALID_OPERATION = 0x80042415;
    /// A fatal error occurred and cannot be recovered from.
    VDS_E_UNRECOVERABLE_ERROR = 0x80042419;
    /// A provider could not be initialized.
    VDS_E_PROVIDER_INITIALIZATION_FAILED = 0x8004241C;
    /// An object of that kind or name already exists.
    VDS_E_OBJECT_EXISTS = 0x8004241D;
    /// The provider's cache is damaged; the documented cure is `Reenumerate` then `Refresh`.
    VDS_E_PROVIDER_CACHE_CORRUPT = 0x8004241F;
    /// Success, but the provider hit errors while loading its cache.
    VDS_S_PROVIDER_ERROR_LOADING_CACHE = 0x00042421;
    /// The file system does not permit this operation.
    VDS_E_INCOMPATIBLE_FILE_SYSTEM = 0x80042425;
    /// The media does not permit this operation.
    VDS_E_INCOMPATIBLE_MEDIA = 0x80042426;
    /// VDS-level access denial (distinct from the generic `E_ACCESSDENIED`).
    VDS_E_ACCESS_DENIED = 0x80042427;
    /// The object is in a failed state.
    VDS_E_OBJECT_STATUS_FAILED = 0x80042431;
    /// A provider handed back malformed data.
    VDS_E_BAD_PROVIDER_DATA = 0x80042441;
    /// A provider reported a failure.
    VDS_E_PROVIDER_FAILURE = 0x80042442;
    /// An internal error inside the service.
    VDS_E_INTERNAL_ERROR = 0x80042448;
    /// The kind of provider is not supported.
    VDS_E_PROVIDER_TYPE_NOT_SUPPORTED = 0x8004244A;
    /// Success: the work is still going on.
    VDS_S_IN_PROGRESS = 0x0004244D;
    /// The asynchronous (`IVdsAsync`) object itself failed.
    VDS_E_ASYNC_OBJECT_FAILURE = 0x8004244E;
    /// The object state is stale relative to the provider.
    VDS_E_OBJECT_OUT_OF_SYNC = 0x80042453;
    /// The operation ran out of time.
    VDS_E_TIMEOUT = 0x8004245F;
    /// A transient failure; the call may succeed if repeated.
    VDS_E_RETRY = 0x80042463;
    /// The provider is shutting down.
    VDS_E_PROVIDER_EXITING = 0x80042514;
    /// Success, without a notification being sent. The Common Return Codes page prints `0x80042517`; the headers are authoritative.
    VDS_S_NO_NOTIFICATION = 0x00042517;
    /// The *service* cache is damaged (not the same as `VDS_E_PROVIDER_CACHE_CORRUPT`).
    VDS_E_CACHE_CORRUPT = 0x80042556;
    /// The object is of the wrong type for this call.
    VDS_E_INVALID_OBJECT_TYPE = 0x80042562;
    /// The provider identifier is not valid.
    VDS_E_INVALID_PROVIDER_ID = 0x80042567;
    /// A provider hit an internal error.
    VDS_E_PROVIDER_INTERNAL_ERROR = 0x80042572;
    /// A provider hit an error it cannot recover from.
    VDS_E_UNRECOVERABLE_PROVIDER_ERROR = 0x80042575;
    /// The object is in a state that does not allow this call.
    VDS_E_INVALID_STATE = 0x80042A05;
    /// Success, but the supplied name was shortened.
    VDS_S_NAME_TRUNCATED = 0x00042700;
    /// The name collides with an existing one.
    VDS_E_NAME_NOT_UNIQUE = 0x80042701;
    /// Success, but not every status could be applied.
    VDS_S_STATUSES_INCOMPLETELY_SET = 0x00042702;
    /// Not every address could be applied.
    VDS_E_ADDRESSES_INCOMPLETELY_SET = 0x80042703;
    /// Not every security setting could be applied.
    VDS_E_SECURITY_INCOMPLETELY_SET = 0x80042705;
    /// Per-target settings are not supported.
    VDS_E_TARGET_SPECIFIC_NOT_SUPPORTED = 0x80042706;
    /// Per-initiator settings are not supported.
    VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED = 0x80042707;
    /// An iSCSI login session could not be set up.
    VDS_E_ISCSI_LOGIN_FAILED = 0x80042708;
    /// An iSCSI logout did not succeed.
    VDS_E_ISCSI_LOGOUT_FAILED = 0x80042709;
    /// No such iSCSI session.
    VDS_E_ISCSI_SESSION_NOT_FOUND = 0x8004270A;
    /// LUNs are still associated, so the object cannot be removed.
    VDS_E_ASSOCIATED_LUNS_EXIST = 0x8004270B;
    /// Portals are still associated, so the object cannot be removed.
    VDS_E_ASSOCIATED_PORTALS_EXIST = 0x8004270C;
    /// No discovery domain is available.
    VDS_E_NO_DISCOVERY_DOMAIN = 0x8004270D;
    /// More than one discovery domain applies.
    VDS_E_MULTIPLE_DISCOVERY_DOMAINS = 0x8004270E;
    /// The iSCSI logout did not fully complete.
    VDS_E_ISCSI_LOGOUT_INCOMPLETE = 0x80042710;
    /// The provider's cache no longer matches reality.
    VDS_E_PROVIDER_CACHE_OUTOFSYNC = 0x80042712;
    /// No import target is set.
    VDS_E_NO_IMPORT_TARGET = 0x80042713;
    /// Success code from `CreatePortalGroup`: no new group was made; the async result yields an existing one.
    VDS_S_ALREADY_EXISTS = 0x00042714;
    /// Success, but some property fields could not be filled.
    VDS_S_PROPERTIES_INCOMPLETE = 0x00042715;
    /// Success: the session was absent, but the persistent login was removed.
    VDS_S_ISCSI_SESSION_NOT_FOUND_PERSISTENT_LOGIN_REMOVED = 0x00042800;
    /// Success, though the persistent login might remain.
    VDS_S_ISCSI_PERSISTENT_LOGIN_MAY_NOT_BE_REMOVED = 0x00042801;
    /// Success: that login exists already (the SDK spells it `ALREAD`).
    VDS_S_ISCSI_LOGIN_ALREAD_EXISTS = 0x00042802;
    /// No such initiator adapter.
    VDS_E_INITIATOR_ADAPTER_NOT_FOUND = 0x80042900;
    /// No such target portal.
    VDS_E_TARGET_PORTAL_NOT_FOUND = 0x80042901;
    /// The port path is not valid.
    VDS_E_INVALID_PORT_PATH = 0x80042902;
    /// The iSCSI target name is not valid.
    VDS_E_INVALID_ISCSI_TARGET_NAME = 0x80042903;
    /// The IPsec tunnel-mode outer address could not be set.
    VDS_E_SET_TUNNEL_MODE_OUTER_ADDRESS = 0x80042904;
    /// IKE information could not be read.
    VDS_E_ISCSI_GET_IKE_INFO = 0x80042905;
    /// IKE information could not be written.
    VDS_E_ISCSI_SET_IKE_INFO = 0x80042906;
    /// A subsystem identifier was missing (NULL).
    VDS_E_SUBSYSTEM_ID_IS_NULL = 0x80042907;
    /// The initiator node name could not be handled.
    VDS_E_ISCSI_INITIATOR_NODE_NAME = 0x80042908;
    /// The group pre-shared key could not be handled.
    VDS_E_ISCSI_GROUP_PRESHARE_KEY = 0x80042909;
    /// The CHAP secret could not be handled.
    VDS_E_ISCSI_CHAP_SECRET = 0x8004290A;
    /// The IP address is not valid.
    VDS_E_INVALID_IP_ADDRESS = 0x8004290B;
    /// The path is not valid.
    VDS_E_INVALID_PATH = 0x8004291B;
    /// The iSCSI path is not valid.
    VDS_E_INVALID_ISCSI_PATH = 0x8004291C;

    // ---- Standard COM / Win32 HRESULTs ----
    /// Plain success.
    S_OK = 0x00000000;
    /// Success, but with a "false" or "nothing done" meaning.
    S_FALSE = 0x00000001;
    /// An argument was not valid. Equal to `HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)`.
    E_INVALIDARG = 0x80070057;
    /// Memory could not be allocated. Equal to `HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY)`.
    E_OUTOFMEMORY = 0x8007000E;
    /// A required pointer was NULL (or otherwise invalid).
    E_POINTER = 0x80004003;
    /// The method has no implementation.
    E_NOTIMPL = 0x80004001;
    /// The object does not expose the requested interface.
    E_NOINTERFACE = 0x80004002;
    /// Generic, unspecified failure.
    E_FAIL = 0x80004005;
    /// A failure that should not happen (catastrophic / unexpected).
    E_UNEXPECTED = 0x8000FFFF;
    /// Generic access denied. Equal to `HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)`.
    E_ACCESSDENIED = 0x80070005;

    // ---- the quirk: an `S_` name with the failure bit set ----
    /// Despite the `S_` in its name this value has the failure bit set (a naming quirk shared by all sources).
    VDS_S_GPT_BOOT_MIRRORED_TO_MBR = 0x80042469;
}

impl HResult {
    /// The SDK name of this value, if it is one of [`KNOWN`].
    ///
    /// `0x80070057` yields `"E_INVALIDARG"` and `0x8007000E` yields
    /// `"E_OUTOFMEMORY"`, even when they were built with
    /// [`HResult::from_win32`].
    pub fn name(self) -> Option<&'static str> {
        KNOWN.iter().find(|(_, v)| *v == self).map(|(n, _)| *n)
    }

    /// Looks up a value by its exact (case-sensitive) SDK name.
    pub fn from_name(name: &str) -> Option<HResult> {
        KNOWN.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// Parses the forms people and files use for an `HRESULT`:
    ///
    /// * an SDK name from [`KNOWN`], e.g. `VDS_E_OBJECT_DELETED`;
    /// * up to eight hex digits, with or without a `0x`/`0X` prefix, in any
    ///   case, e.g. `0x8004240B`, `8004240b`;
    /// * the [`Display`](fmt::Display) form `NAME (0xHEX)`, accepted only when
    ///   the name and the number agree.
    ///
    /// Surrounding whitespace is ignored. Anything else gives `None`.
    pub fn parse(s: &str) -> Option<HResult> {
        let s = s.trim();
        if let Some((name, rest)) = s.split_once(' ') {
            let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
            let by_name = HResult::named(name)?;
            let by_value = parse_hex(inner.trim())?;
            return (by_name == by_value).then_some(by_name);
        }
        HResult::named(s).or_else(|| parse_hex(s))
    }

    /// A known name, or `HRESULT_FROM_WIN32(ERROR_…)` of a known Win32 error.
    fn named(name: &str) -> Option<HResult> {
        if let Some(inner) = name
            .strip_prefix("HRESULT_FROM_WIN32(")
            .and_then(|r| r.strip_suffix(')'))
        {
            return win32::ALL
                .iter()
                .find(|(n, _)| *n == inner)
                .map(|(_, code)| HResult::from_win32(*code));
        }
        HResult::from_name(name)
    }
}

/// Hex digits with an optional `0x` prefix; 1 to 8 digits.
fn parse_hex(s: &str) -> Option<HResult> {
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok().map(HResult::from_u32)
}

impl fmt::Display for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} (0x{:08X})", self.as_u32()),
            None => match self.win32_name() {
                Some(name) => write!(f, "HRESULT_FROM_WIN32({name}) (0x{:08X})", self.as_u32()),
                None => write!(f, "0x{:08X}", self.as_u32()),
            },
        }
    }
}

impl HResult {
    /// For a converted Win32 error this project knows, the Win32 name
    /// (`ERROR_TIMEOUT` for `0x800705B4`).
    pub fn win32_name(self) -> Option<&'static str> {
        if self.failed() && self.facility() == FACILITY_WIN32 {
            win32::ALL
                .iter()
                .find(|(_, code)| HResult::from_win32(*code) == self)
                .map(|(name, _)| *name)
        } else {
            None
        }
    }
}

impl fmt::Debug for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<i32> for HResult {
    fn from(value: i32) -> Self {
        HResult(value)
    }
}

impl From<HResult> for i32 {
    fn from(value: HResult) -> Self {
        value.0
    }
}

impl Serialize for HResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

struct HResultVisitor;

impl Visitor<'_> for HResultVisitor {
    type Value = HResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "an HRESULT as a string: an SDK name such as \"VDS_E_OBJECT_DELETED\", \
             a hex value such as \"0x8004240B\", or \"VDS_E_OBJECT_DELETED (0x8004240B)\"",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<HResult, E> {
        HResult::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Deserialize<'de> for HResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(HResultVisitor)
    }
}

/// Win32 error numbers (the `ERROR_*` values of `winerror.h`) that VDS methods
/// may surface after conversion with [`HResult::from_win32`].
pub mod win32 {
    /// Declares each Win32 error once: its constant and its [`ALL`] entry.
    macro_rules! win32_errors {
        ( $( $(#[$doc:meta])* $name:ident = $value:literal; )* ) => {
            $( $(#[$doc])* pub const $name: u32 = $value; )*

            /// Every constant of this module as `(SDK name, number)` pairs.
            pub const ALL: &[(&str, u32)] = &[ $( (stringify!($name), $name), )* ];
        };
    }

    win32_errors! {
        /// 5: the caller lacks the needed access rights.
        ERROR_ACCESS_DENIED = 5;
        /// 8: not enough memory (storage) to finish the command.
        ERROR_NOT_ENOUGH_MEMORY = 8;
        /// 14: not enough memory (storage) to complete the operation; converts to
        /// `E_OUTOFMEMORY`.
        ERROR_OUTOFMEMORY = 14;
        /// 50: the request is not supported.
        ERROR_NOT_SUPPORTED = 50;
        /// 87: a parameter is wrong; converts to `E_INVALIDARG`.
        ERROR_INVALID_PARAMETER = 87;
        /// 183: the thing to be created is there already.
        ERROR_ALREADY_EXISTS = 183;
        /// 1168: the element was not found.
        ERROR_NOT_FOUND = 1168;
        /// 1223: the user or caller cancelled the operation.
        ERROR_CANCELLED = 1223;
        /// 1460: the operation returned because its timeout expired.
        ERROR_TIMEOUT = 1460;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn known_names_and_values_are_unique() {
        let names: HashSet<_> = KNOWN.iter().map(|(n, _)| *n).collect();
        let values: HashSet<_> = KNOWN.iter().map(|(_, v)| *v).collect();
        assert_eq!(names.len(), KNOWN.len());
        assert_eq!(values.len(), KNOWN.len());
        // 74 table rows + VDS_S_GPT_BOOT_MIRRORED_TO_MBR + 10 standard codes.
        assert_eq!(KNOWN.len(), 85);
    }

    #[test]
    fn known_round_trips_through_name_and_from_name() {
        for &(name, value) in KNOWN {
            assert_eq!(value.name(), Some(name));
            assert_eq!(HResult::from_name(name), Some(value));
            assert_eq!(HResult::parse(name), Some(value));
            assert_eq!(HResult::parse(&value.to_string()), Some(value));
            assert_eq!(
                HResult::parse(&format!("{:08x}", value.as_u32())),
                Some(value)
            );
        }
    }

    #[test]
    fn vds_codes_use_facility_itf_and_name_matches_severity() {
        for &(name, value) in KNOWN.iter().filter(|(n, _)| n.starts_with("VDS_")) {
            assert_eq!(value.facility(), FACILITY_ITF, "{name}");
            if name == "VDS_S_GPT_BOOT_MIRRORED_TO_MBR" {
                // Documented naming quirk: S_ name, failure bit set.
                assert!(value.failed());
            } else if name.starts_with("VDS_S_") {
                assert!(value.succeeded(), "{name}");
            } else {
                assert!(value.failed(), "{name}");
            }
        }
    }

    #[test]
    fn selected_values_match_facts() {
        assert_eq!(HResult::VDS_E_OBJECT_DELETED.as_u32(), 0x8004_240B);
        assert_eq!(HResult::VDS_E_PROVIDER_CACHE_CORRUPT.as_u32(), 0x8004_241F);
        assert_eq!(HResult::VDS_E_CACHE_CORRUPT.as_u32(), 0x8004_2556);
        assert_eq!(HResult::VDS_S_ALREADY_EXISTS.as_u32(), 0x0004_2714);
        assert_eq!(HResult::VDS_S_NO_NOTIFICATION.as_u32(), 0x0004_2517);
        assert_eq!(HResult::VDS_E_OPERATION_PENDING.as_u32(), 0x8004_2409);
        assert_eq!(HResult::VDS_E_OPERATION_CANCELED.as_u32(), 0x8004_240D);
        assert_eq!(HResult::VDS_E_CANCEL_TOO_LATE.as_u32(), 0x8004_240C);
        assert_eq!(HResult::S_OK.as_i32(), 0);
        assert_eq!(HResult::S_FALSE.as_i32(), 1);
        assert_eq!(HResult::E_UNEXPECTED.as_u32(), 0x8000_FFFF);
    }

    #[test]
    fn accessors() {
        let hr = HResult::VDS_E_OBJECT_DELETED;
        assert!(hr.failed());
        assert!(!hr.succeeded());
        assert_eq!(hr.facility(), 4);
        assert_eq!(hr.code(), 0x240B);
        assert_eq!(HResult::from_i32(hr.as_i32()), hr);
        assert_eq!(HResult::from_u32(hr.as_u32()), hr);
        assert_eq!(hr.as_i32(), -2_147_212_277);
        assert!(HResult::S_FALSE.succeeded());
        assert_eq!(HResult::E_INVALIDARG.facility(), FACILITY_WIN32);
        assert!(HResult::E_FAIL < HResult::S_OK);
    }

    #[test]
    fn from_win32_matches_the_sdk_formula() {
        use win32::*;
        let expected = [
            (ERROR_ACCESS_DENIED, 0x8007_0005),
            (ERROR_NOT_ENOUGH_MEMORY, 0x8007_0008),
            (ERROR_OUTOFMEMORY, 0x8007_000E),
            (ERROR_NOT_SUPPORTED, 0x8007_0032),
            (ERROR_INVALID_PARAMETER, 0x8007_0057),
            (ERROR_ALREADY_EXISTS, 0x8007_00B7),
            (ERROR_NOT_FOUND, 0x8007_0490),
            (ERROR_CANCELLED, 0x8007_04C7),
            (ERROR_TIMEOUT, 0x8007_05B4),
        ];
        assert_eq!(expected.len(), ALL.len());
        for (x, hr) in expected {
            assert_eq!(HResult::from_win32(x).as_u32(), hr, "ERROR {x}");
        }
        assert_eq!(
            HResult::from_win32(ERROR_ACCESS_DENIED),
            HResult::E_ACCESSDENIED
        );
        assert_eq!(
            HResult::from_win32(ERROR_OUTOFMEMORY),
            HResult::E_OUTOFMEMORY
        );
        assert_eq!(
            HResult::from_win32(ERROR_INVALID_PARAMETER),
            HResult::E_INVALIDARG
        );
        // Values that are <= 0 as i32 pass through untouched.
        assert_eq!(HResult::from_win32(0), HResult::S_OK);
        assert_eq!(
            HResult::from_win32(0x8004_240B),
            HResult::VDS_E_OBJECT_DELETED
        );
        // Only the low 16 bits of a positive value survive.
        assert_eq!(HResult::from_win32(0x0001_0005).as_u32(), 0x8007_0005);
    }

    #[test]
    fn win32_aliases_have_the_standard_names() {
        assert_eq!(HResult::from_u32(0x8007_0057).name(), Some("E_INVALIDARG"));
        assert_eq!(HResult::from_u32(0x8007_000E).name(), Some("E_OUTOFMEMORY"));
        assert_eq!(
            HResult::from_win32(win32::ERROR_INVALID_PARAMETER).to_string(),
            "E_INVALIDARG (0x80070057)"
        );
        assert_eq!(
            HResult::from_win32(win32::ERROR_TIMEOUT).to_string(),
            "HRESULT_FROM_WIN32(ERROR_TIMEOUT) (0x800705B4)"
        );
        let timeout = HResult::from_win32(win32::ERROR_TIMEOUT);
        assert_eq!(HResult::parse(&timeout.to_string()), Some(timeout));
        assert_eq!(
            HResult::parse("HRESULT_FROM_WIN32(ERROR_TIMEOUT)"),
            Some(timeout)
        );
        assert_eq!(
            HResult::from_u32(0x8007_0490).win32_name(),
            Some("ERROR_NOT_FOUND")
        );
        assert_eq!(HResult::from_u32(0x1234_5678).to_string(), "0x12345678");
    }

    #[test]
    fn display_and_debug() {
        let hr = HResult::VDS_E_OBJECT_DELETED;
        assert_eq!(hr.to_string(), "VDS_E_OBJECT_DELETED (0x8004240B)");
        assert_eq!(format!("{hr:?}"), "VDS_E_OBJECT_DELETED (0x8004240B)");
        assert_eq!(HResult::S_OK.to_string(), "S_OK (0x00000000)");
        assert_eq!(
            HResult::VDS_S_ALREADY_EXISTS.to_string(),
            "VDS_S_ALREADY_EXISTS (0x00042714)"
        );
        let unknown = HResult::from_u32(0x1234_5678);
        assert_eq!(unknown.to_string(), "0x12345678");
        assert_eq!(format!("{unknown:?}"), "0x12345678");
        assert_eq!(HResult::from_u32(0xABC).to_string(), "0x00000ABC");
    }

    #[test]
    fn parse_accepts_and_rejects() {
        let del = Some(HResult::VDS_E_OBJECT_DELETED);
        assert_eq!(HResult::parse("VDS_E_OBJECT_DELETED"), del);
        assert_eq!(HResult::parse("0x8004240B"), del);
        assert_eq!(HResult::parse("0x8004240b"), del);
        assert_eq!(HResult::parse("0X8004240B"), del);
        assert_eq!(HResult::parse("8004240B"), del);
        assert_eq!(HResult::parse("8004240b"), del);
        assert_eq!(HResult::parse("  8004240B \n"), del);
        assert_eq!(HResult::parse("VDS_E_OBJECT_DELETED (0x8004240B)"), del);
        assert_eq!(HResult::parse("0"), Some(HResult::S_OK));
        assert_eq!(
            HResult::parse("0x12345678"),
            Some(HResult::from_u32(0x1234_5678))
        );
        for bad in [
            "",
            "0x",
            "vds_e_object_deleted",
            "VDS_E_NO_SUCH_THING",
            "0x123456789",
            "0xGG",
            "-1",
            "+5",
            "0x 5",
            "VDS_E_OBJECT_DELETED (0x80042400)",
            "VDS_E_OBJECT_DELETED 0x8004240B",
        ] {
            assert_eq!(HResult::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let hr = HResult::VDS_E_PROVIDER_CACHE_CORRUPT;
        let json = serde_json::to_string(&hr).unwrap();
        assert_eq!(json, "\"VDS_E_PROVIDER_CACHE_CORRUPT (0x8004241F)\"");
        assert_eq!(serde_json::from_str::<HResult>(&json).unwrap(), hr);
        assert_eq!(
            serde_json::from_str::<HResult>("\"0x8004241f\"").unwrap(),
            hr
        );
        assert_eq!(
            serde_json::from_str::<HResult>("\"VDS_E_PROVIDER_CACHE_CORRUPT\"").unwrap(),
            hr
        );
        let unknown = HResult::from_u32(0xDEAD_BEEF);
        let json = serde_json::to_string(&unknown).unwrap();
        assert_eq!(json, "\"0xDEADBEEF\"");
        assert_eq!(serde_json::from_str::<HResult>(&json).unwrap(), unknown);
    }

    #[test]
    fn serde_errors_explain_what_was_expected() {
        let err = serde_json::from_str::<HResult>("\"NOPE\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("an HRESULT"), "{err}");
        assert!(err.contains("NOPE"), "{err}");
        let err = serde_json::from_str::<HResult>("42")
            .unwrap_err()
            .to_string();
        assert!(err.contains("an HRESULT"), "{err}");
    }
}
