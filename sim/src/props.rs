//! Property structs, enums and constants of the VDS iSCSI hardware-provider
//! contract, with SDK names and owned Rust data.
//!
//! The C structures hold raw pointers (`LPWSTR`, `UCHAR*`) that the caller must
//! free with `CoTaskMemFree`. Here they are owned values instead:
//!
//! * `LPWSTR` that may not be NULL becomes [`String`];
//! * a pointer that may legitimately be NULL becomes [`Option`], with `None`
//!   standing for the NULL pointer;
//! * the Win32 `BOOL` (an `i32` where any non-zero value is true) becomes
//!   [`bool`].
//!
//! Field names are kept exactly as in the SDK (`pwszIscsiName`, `ulPort`, ...),
//! so the lint allowances for non-snake-case names are intentional. Numbers and
//! names are cross-checked against `windows-sys` 0.48 by the
//! `windows_sys_crosscheck` integration test.

#![allow(non_camel_case_types, non_snake_case)]

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---------------------------------------------------------------------------
// VDS_OBJECT_ID (GUID)
// ---------------------------------------------------------------------------

/// A VDS object identifier, which the SDK defines as a plain `GUID`.
///
/// The `u128` holds the GUID in its usual textual order, i.e. the same
/// convention as `GUID::from_u128` in the `windows` crates: `Data1` in the top
/// 32 bits, then `Data2`, `Data3`, and the eight `Data4` bytes last.
///
/// It prints (and serializes) as an upper-case, brace-wrapped registry string:
///
/// ```
/// use vds_sim::props::VDS_OBJECT_ID;
/// let id = VDS_OBJECT_ID::from_u128(0xaa8f5055_83e5_4bcc_aa73_19851a36a849);
/// assert_eq!(id.to_string(), "{AA8F5055-83E5-4BCC-AA73-19851A36A849}");
/// assert_eq!(id.to_string().parse::<VDS_OBJECT_ID>().unwrap(), id);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct VDS_OBJECT_ID(pub u128);

/// The string given to [`VDS_OBJECT_ID::from_str`] is not a GUID.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a GUID; expected XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX (hex digits, \
     optionally wrapped in braces)"
)]
pub struct ParseObjectIdError(pub String);

impl VDS_OBJECT_ID {
    /// The all-zero GUID (`GUID_NULL`), which VDS uses for "no object".
    pub const NIL: VDS_OBJECT_ID = VDS_OBJECT_ID(0);

    /// Builds an identifier from its 128-bit value (textual order).
    pub const fn from_u128(value: u128) -> VDS_OBJECT_ID {
        VDS_OBJECT_ID(value)
    }

    /// The 128-bit value (textual order).
    pub const fn as_u128(self) -> u128 {
        self.0
    }

    /// `true` for [`VDS_OBJECT_ID::NIL`].
    pub const fn is_nil(self) -> bool {
        self.0 == 0
    }

    /// Draws a random identifier laid out as an RFC 4122 version-4 UUID: 16
    /// bytes from `rng`, then the version nibble forced to `4` and the variant
    /// bits forced to `10`. With a seeded generator the result is reproducible.
    pub fn from_rng(rng: &mut impl rand::RngCore) -> Self {
        let mut bytes = [0u8; 16];
        rng.fill_bytes(&mut bytes);
        bytes[6] = (bytes[6] & 0x0F) | 0x40;
        bytes[8] = (bytes[8] & 0x3F) | 0x80;
        VDS_OBJECT_ID(u128::from_be_bytes(bytes))
    }
}

impl fmt::Display for VDS_OBJECT_ID {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{{{:08X}-{:04X}-{:04X}-{:04X}-{:012X}}}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            v & 0xFFFF_FFFF_FFFF
        )
    }
}

impl fmt::Debug for VDS_OBJECT_ID {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for VDS_OBJECT_ID {
    type Err = ParseObjectIdError;

    /// Accepts `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` in any letter case, with
    /// or without surrounding braces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseObjectIdError(s.to_owned());
        let inner = match s.strip_prefix('{') {
            Some(rest) => rest.strip_suffix('}').ok_or_else(err)?,
            None => s,
        };
        let bytes = inner.as_bytes();
        if bytes.len() != 36 {
            return Err(err());
        }
        let mut value: u128 = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return Err(err());
                }
                continue;
            }
            let digit = (b as char).to_digit(16).ok_or_else(err)?;
            value = (value << 4) | u128::from(digit);
        }
        Ok(VDS_OBJECT_ID(value))
    }
}

impl Serialize for VDS_OBJECT_ID {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

struct ObjectIdVisitor;

impl Visitor<'_> for ObjectIdVisitor {
    type Value = VDS_OBJECT_ID;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GUID string such as \"{AA8F5055-83E5-4BCC-AA73-19851A36A849}\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Deserialize<'de> for VDS_OBJECT_ID {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ObjectIdVisitor)
    }
}

// ---------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------

/// A raw number that is not a variant of the named SDK enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{value} is not a known {type_name} value")]
pub struct UnknownEnumValue {
    /// SDK name of the enum type, e.g. `"VDS_IPADDRESS_TYPE"`.
    pub type_name: &'static str,
    /// The rejected number.
    pub value: i32,
}

/// Declares an `i32`-backed SDK enum with `ALL`, `value`, `name`, `from_name`,
/// `TryFrom<i32>`, `Display` (`NAME (value)`) and name-based serde.
macro_rules! sdk_enum {
    (
        $(#[$meta:meta])*
        enum $ty:ident {
            $( $(#[$vdoc:meta])* $name:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[repr(i32)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub enum $ty {
            $( $(#[$vdoc])* $name = $value, )*
        }

        impl $ty {
            /// Every variant, in ascending numeric order.
            pub const ALL: &[$ty] = &[ $( $ty::$name, )* ];

            /// The raw SDK number.
            pub const fn value(self) -> i32 {
                self as i32
            }

            /// The SDK name of this value.
            pub fn name(self) -> &'static str {
                match self {
                    $( $ty::$name => stringify!($name), )*
                }
            }

            /// Looks a variant up by its exact SDK name.
            pub fn from_name(name: &str) -> Option<$ty> {
                match name {
                    $( stringify!($name) => Some($ty::$name), )*
                    _ => None,
                }
            }
        }

        impl TryFrom<i32> for $ty {
            type Error = UnknownEnumValue;

            fn try_from(value: i32) -> Result<Self, Self::Error> {
                match value {
                    $( $value => Ok($ty::$name), )*
                    other => Err(UnknownEnumValue { type_name: stringify!($ty), value: other }),
                }
            }
        }

        impl From<$ty> for i32 {
            fn from(value: $ty) -> i32 {
                value.value()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} ({})", self.name(), self.value())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($ty), " SDK name"))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::from_name(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

sdk_enum! {
    /// How a [`VDS_IPADDRESS`] is to be read: which of its fields is meaningful.
    enum VDS_IPADDRESS_TYPE {
        /// 0: `wszTextAddress` holds a DNS name or address text.
        VDS_IPT_TEXT = 0,
        /// 1: `ipv4Address` holds a binary IPv4 address.
        VDS_IPT_IPV4 = 1,
        /// 2: `ipv6Address` (plus flow info and scope) holds a binary IPv6 address.
        VDS_IPT_IPV6 = 2,
        /// 3: no address at all.
        VDS_IPT_EMPTY = 3,
    }
}

sdk_enum! {
    /// Operational state of an iSCSI portal. The numbers mirror the SDK's
    /// generic `STATUS_*` values; 3 (no media) is not part of this enum.
    enum VDS_ISCSI_PORTAL_STATUS {
        /// 0: state not known.
        VDS_IPS_UNKNOWN = 0,
        /// 1: the portal is usable.
        VDS_IPS_ONLINE = 1,
        /// 2: the portal is not ready yet.
        VDS_IPS_NOT_READY = 2,
        /// 4: the portal has been taken offline.
        VDS_IPS_OFFLINE = 4,
        /// 5: the portal has failed.
        VDS_IPS_FAILED = 5,
    }
}

sdk_enum! {
    /// The storage transport a hardware provider manages.
    enum VDS_HWPROVIDER_TYPE {
        /// 0: not known.
        VDS_HWT_UNKNOWN = 0,
        /// 1: PCI RAID controller.
        VDS_HWT_PCI_RAID = 1,
        /// 2: Fibre Channel.
        VDS_HWT_FIBRE_CHANNEL = 2,
        /// 3: iSCSI; the type this simulator's provider reports.
        VDS_HWT_ISCSI = 3,
        /// 4: Serial Attached SCSI.
        VDS_HWT_SAS = 4,
        /// 5: a mix of transports.
        VDS_HWT_HYBRID = 5,
    }
}

// ---------------------------------------------------------------------------
// Structs
// ---------------------------------------------------------------------------

/// The SDK's `VDS_ISCSI_PORTALGROUP_TAG`: an unsigned 16-bit portal group tag
/// (0..=65535), chosen by the provider.
pub type VDS_ISCSI_PORTALGROUP_TAG = u16;

/// Properties of an iSCSI portal group (`IVdsIscsiPortalGroup::GetProperties`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_ISCSI_PORTALGROUP_PROP {
    /// The portal group's object id.
    pub id: VDS_OBJECT_ID,
    /// The portal group tag the provider assigned.
    pub tag: VDS_ISCSI_PORTALGROUP_TAG,
}

/// Properties of an iSCSI target (`IVdsIscsiTarget::GetProperties`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_ISCSI_TARGET_PROP {
    /// The target's object id.
    pub id: VDS_OBJECT_ID,
    /// The target's iSCSI node name (an `LPWSTR` in C).
    pub pwszIscsiName: String,
    /// The human-readable target name (an `LPWSTR` in C).
    pub pwszFriendlyName: String,
    /// Whether CHAP authentication is on (a Win32 `BOOL` in C: non-zero = true).
    pub bChapEnabled: bool,
}

/// An IP address with port, as used for portals (`VDS_IPADDRESS`).
///
/// Only the fields selected by the `type` field carry meaning; the
/// rest are conventionally zero / empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_IPADDRESS {
    /// Which representation is in use.
    pub r#type: VDS_IPADDRESS_TYPE,
    /// IPv4 address as a number in network order: the first octet lives in bits
    /// 24..=31 (so `192.168.0.10` is `0xC0A8000A`).
    pub ipv4Address: u32,
    /// IPv6 address bytes in network order.
    pub ipv6Address: [u8; 16],
    /// IPv6 flow information.
    pub ulIpv6FlowInfo: u32,
    /// IPv6 scope identifier.
    pub ulIpv6ScopeId: u32,
    /// Textual address or host name; the C array has room for
    /// [`VDS_IPADDRESS::TEXT_ADDRESS_MAX_CHARS`] UTF-16 units plus a terminator.
    pub wszTextAddress: String,
    /// TCP port number.
    pub ulPort: u32,
}

impl VDS_IPADDRESS {
    /// Longest text address (in UTF-16 code units, without the terminating NUL)
    /// that fits the C `WCHAR wszTextAddress[256 + 1]` field.
    pub const TEXT_ADDRESS_MAX_CHARS: usize = 256;

    fn blank(r#type: VDS_IPADDRESS_TYPE, port: u32) -> Self {
        VDS_IPADDRESS {
            r#type,
            ipv4Address: 0,
            ipv6Address: [0; 16],
            ulIpv6FlowInfo: 0,
            ulIpv6ScopeId: 0,
            wszTextAddress: String::new(),
            ulPort: port,
        }
    }

    /// An IPv4 address: `ipv4([192, 168, 0, 10], 3260)` is `192.168.0.10:3260`.
    pub fn ipv4(octets: [u8; 4], port: u32) -> Self {
        VDS_IPADDRESS {
            ipv4Address: u32::from_be_bytes(octets),
            ..Self::blank(VDS_IPADDRESS_TYPE::VDS_IPT_IPV4, port)
        }
    }

    /// An IPv6 address (bytes in network order), with zero flow info and scope.
    pub fn ipv6(octets: [u8; 16], port: u32) -> Self {
        VDS_IPADDRESS {
            ipv6Address: octets,
            ..Self::blank(VDS_IPADDRESS_TYPE::VDS_IPT_IPV6, port)
        }
    }

    /// A textual address (DNS name or address text).
    pub(crate) fn text(address: impl Into<String>, port: u32) -> Self {
        VDS_IPADDRESS {
            wszTextAddress: address.into(),
            ..Self::blank(VDS_IPADDRESS_TYPE::VDS_IPT_TEXT, port)
        }
    }

    /// The "no address" value: type `VDS_IPT_EMPTY`, everything zero.
    pub fn empty() -> Self {
        Self::blank(VDS_IPADDRESS_TYPE::VDS_IPT_EMPTY, 0)
    }

    /// The four IPv4 octets, first octet first (meaningful for `VDS_IPT_IPV4`).
    pub const fn ipv4_octets(&self) -> [u8; 4] {
        self.ipv4Address.to_be_bytes()
    }
}

impl fmt::Display for VDS_IPADDRESS {
    /// `a.b.c.d:port` for IPv4, `[v6]:port` (with `%scope` when non-zero) for
    /// IPv6, `text:port` for text, and `<empty>` for an empty address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.r#type {
            VDS_IPADDRESS_TYPE::VDS_IPT_IPV4 => {
                write!(f, "{}:{}", Ipv4Addr::from(self.ipv4Address), self.ulPort)
            }
            VDS_IPADDRESS_TYPE::VDS_IPT_IPV6 => {
                write!(f, "[{}", Ipv6Addr::from(self.ipv6Address))?;
                if self.ulIpv6ScopeId != 0 {
                    write!(f, "%{}", self.ulIpv6ScopeId)?;
                }
                write!(f, "]:{}", self.ulPort)
            }
            VDS_IPADDRESS_TYPE::VDS_IPT_TEXT => {
                write!(f, "{}:{}", self.wszTextAddress, self.ulPort)
            }
            VDS_IPADDRESS_TYPE::VDS_IPT_EMPTY => f.write_str("<empty>"),
        }
    }
}

/// Properties of an iSCSI portal (`IVdsIscsiPortal::GetProperties`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_ISCSI_PORTAL_PROP {
    /// The portal's object id.
    pub id: VDS_OBJECT_ID,
    /// Where the portal listens.
    pub address: VDS_IPADDRESS,
    /// The portal's current state.
    pub status: VDS_ISCSI_PORTAL_STATUS,
}

/// A CHAP shared secret as passed to `SetSharedSecret` and
/// `RememberInitiatorSharedSecret` (`VDS_ISCSI_SHARED_SECRET`).
///
/// `pSharedSecret` is `None` to model a NULL `UCHAR*`. `None` together with
/// `ulSharedSecretSize == 0` is the legitimate "clear the secret" request;
/// `None` with a size greater than zero describes bytes that are not there, the
/// case a provider rejects with `E_POINTER`. The size is kept as its own field
/// (rather than derived from the vector) so mismatched inputs can be modelled.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_ISCSI_SHARED_SECRET {
    /// The secret bytes, or `None` for a NULL pointer.
    pub pSharedSecret: Option<Vec<u8>>,
    /// The byte count the caller claims.
    pub ulSharedSecretSize: u32,
}

impl VDS_ISCSI_SHARED_SECRET {
    /// A well-formed secret: the bytes plus their length.
    ///
    /// # Panics
    /// If `secret` is longer than `u32::MAX` bytes.
    pub fn new(secret: Vec<u8>) -> Self {
        let ulSharedSecretSize = u32::try_from(secret.len()).expect("secret longer than u32::MAX");
        VDS_ISCSI_SHARED_SECRET {
            pSharedSecret: Some(secret),
            ulSharedSecretSize,
        }
    }

    /// NULL pointer with size 0: the request to clear a secret.
    pub const fn null() -> Self {
        VDS_ISCSI_SHARED_SECRET {
            pSharedSecret: None,
            ulSharedSecretSize: 0,
        }
    }

    /// `true` when the pointer is NULL but the size is non-zero (the
    /// `E_POINTER` case).
    pub const fn is_null_with_size(&self) -> bool {
        self.pSharedSecret.is_none() && self.ulSharedSecretSize > 0
    }
}

/// An IPsec pre-shared key (`VDS_ISCSI_IPSEC_KEY`). Same NULL conventions as
/// [`VDS_ISCSI_SHARED_SECRET`]: `None` is a NULL pointer, and `None` with a
/// non-zero size is the `E_POINTER` case. The methods taking it are reserved
/// and answer `VDS_E_NOT_SUPPORTED`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_ISCSI_IPSEC_KEY {
    /// The key bytes, or `None` for a NULL pointer.
    pub pKey: Option<Vec<u8>>,
    /// The byte count the caller claims.
    pub ulKeySize: u32,
}

impl VDS_ISCSI_IPSEC_KEY {
    /// A well-formed key: the bytes plus their length.
    ///
    /// # Panics
    /// If `key` is longer than `u32::MAX` bytes.
    pub fn new(key: Vec<u8>) -> Self {
        let ulKeySize = u32::try_from(key.len()).expect("key longer than u32::MAX");
        VDS_ISCSI_IPSEC_KEY {
            pKey: Some(key),
            ulKeySize,
        }
    }

    /// NULL pointer with size 0.
    pub const fn null() -> Self {
        VDS_ISCSI_IPSEC_KEY {
            pKey: None,
            ulKeySize: 0,
        }
    }

    /// `true` when the pointer is NULL but the size is non-zero (the
    /// `E_POINTER` case).
    pub const fn is_null_with_size(&self) -> bool {
        self.pKey.is_none() && self.ulKeySize > 0
    }
}

/// `VDS_PROVIDER_TYPE` value of a hardware provider (the value this
/// simulator's providers report in `VDS_PROVIDER_PROP::type`).
pub const VDS_PT_HARDWARE: i32 = 2;

/// Properties of a provider (`IVdsProvider::GetProperties`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_PROVIDER_PROP {
    /// The provider's GUID.
    pub id: VDS_OBJECT_ID,
    /// Provider name (an `LPWSTR` in C).
    pub pwszName: String,
    /// GUID identifying this provider version.
    pub guidVersionId: VDS_OBJECT_ID,
    /// Version text (an `LPWSTR` in C).
    pub pwszVersion: String,
    /// Raw `VDS_PROVIDER_TYPE` number; [`VDS_PT_HARDWARE`] for hardware providers.
    pub r#type: i32,
    /// Provider flag bits.
    pub ulFlags: u32,
    /// Supported stripe sizes, one bit per power of two.
    pub ulStripeSizeFlags: u32,
    /// Rebuild priority (a C `SHORT`).
    pub sRebuildPriority: i16,
}

/// Payload of a portal-group notification (`VDS_PORTAL_GROUP_NOTIFICATION`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VDS_PORTAL_GROUP_NOTIFICATION {
    /// One of the `VDS_NF_PORTAL_GROUP_*` event codes.
    pub ulEvent: u32,
    /// The portal group the event concerns.
    pub portalGroupId: VDS_OBJECT_ID,
}

// ---------------------------------------------------------------------------
// Notification events
// ---------------------------------------------------------------------------

/// Notification event: a portal appeared.
pub(crate) const VDS_NF_PORTAL_ARRIVE: u32 = 123;
/// Notification event: a portal went away.
pub(crate) const VDS_NF_PORTAL_DEPART: u32 = 124;
/// Notification event: a portal changed.
pub(crate) const VDS_NF_PORTAL_MODIFY: u32 = 125;
/// Notification event: a target appeared.
pub(crate) const VDS_NF_TARGET_ARRIVE: u32 = 126;
/// Notification event: a target went away.
pub(crate) const VDS_NF_TARGET_DEPART: u32 = 127;
/// Notification event: a target changed.
pub const VDS_NF_TARGET_MODIFY: u32 = 128;
/// Notification event: a portal group appeared.
pub const VDS_NF_PORTAL_GROUP_ARRIVE: u32 = 129;
/// Notification event: a portal group went away.
pub(crate) const VDS_NF_PORTAL_GROUP_DEPART: u32 = 130;
/// Notification event: a portal group changed.
pub const VDS_NF_PORTAL_GROUP_MODIFY: u32 = 131;

/// All `VDS_NF_*` event codes above, as `(SDK name, value)`.
pub const NOTIFICATION_EVENTS: &[(&str, u32)] = &[
    ("VDS_NF_PORTAL_ARRIVE", VDS_NF_PORTAL_ARRIVE),
    ("VDS_NF_PORTAL_DEPART", VDS_NF_PORTAL_DEPART),
    ("VDS_NF_PORTAL_MODIFY", VDS_NF_PORTAL_MODIFY),
    ("VDS_NF_TARGET_ARRIVE", VDS_NF_TARGET_ARRIVE),
    ("VDS_NF_TARGET_DEPART", VDS_NF_TARGET_DEPART),
    ("VDS_NF_TARGET_MODIFY", VDS_NF_TARGET_MODIFY),
    ("VDS_NF_PORTAL_GROUP_ARRIVE", VDS_NF_PORTAL_GROUP_ARRIVE),
    ("VDS_NF_PORTAL_GROUP_DEPART", VDS_NF_PORTAL_GROUP_DEPART),
    ("VDS_NF_PORTAL_GROUP_MODIFY", VDS_NF_PORTAL_GROUP_MODIFY),
];

// ---------------------------------------------------------------------------
// Object and notification-target types
// ---------------------------------------------------------------------------

/// `VDS_OBJECT_TYPE` of an iSCSI portal.
pub(crate) const VDS_OT_PORTAL: i32 = 36;
/// `VDS_OBJECT_TYPE` of an iSCSI target.
pub(crate) const VDS_OT_TARGET: i32 = 37;
/// `VDS_OBJECT_TYPE` of an iSCSI portal group.
pub const VDS_OT_PORTAL_GROUP: i32 = 38;
/// `VDS_OBJECT_TYPE` of an asynchronous-operation object.
pub const VDS_OT_ASYNC: i32 = 100;

/// The `VDS_OT_*` values above, as `(SDK name, value)`.
pub const OBJECT_TYPES: &[(&str, i32)] = &[
    ("VDS_OT_PORTAL", VDS_OT_PORTAL),
    ("VDS_OT_TARGET", VDS_OT_TARGET),
    ("VDS_OT_PORTAL_GROUP", VDS_OT_PORTAL_GROUP),
    ("VDS_OT_ASYNC", VDS_OT_ASYNC),
];

/// `VDS_NOTIFICATION_TARGET_TYPE` for portal events (same number as
/// [`VDS_OT_PORTAL`]).
pub(crate) const VDS_NTT_PORTAL: i32 = 36;
/// `VDS_NOTIFICATION_TARGET_TYPE` for target events (same number as
/// [`VDS_OT_TARGET`]).
pub(crate) const VDS_NTT_TARGET: i32 = 37;
/// `VDS_NOTIFICATION_TARGET_TYPE` for portal-group events (same number as
/// [`VDS_OT_PORTAL_GROUP`]).
pub const VDS_NTT_PORTAL_GROUP: i32 = 38;

/// The `VDS_NTT_*` values above, as `(SDK name, value)`.
pub const NOTIFICATION_TARGET_TYPES: &[(&str, i32)] = &[
    ("VDS_NTT_PORTAL", VDS_NTT_PORTAL),
    ("VDS_NTT_TARGET", VDS_NTT_TARGET),
    ("VDS_NTT_PORTAL_GROUP", VDS_NTT_PORTAL_GROUP),
];

// ---------------------------------------------------------------------------
// Subsystem flags
// ---------------------------------------------------------------------------

/// Subsystem flag: targets support CHAP authentication. (The SDK enum is
/// `i32`; these are `u32` because they are OR-ed into a `ULONG ulFlags`.)
pub(crate) const VDS_SF_SUPPORTS_AUTH_CHAP: u32 = 0x1_0000;
/// Subsystem flag: targets support mutual CHAP authentication.
pub(crate) const VDS_SF_SUPPORTS_AUTH_MUTUAL_CHAP: u32 = 0x2_0000;
/// Subsystem flag: the subsystem manages targets on its own ("simple target
/// configuration"), so `CreateTarget` answers `VDS_E_NOT_SUPPORTED`.
pub const VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG: u32 = 0x4_0000;

/// The `VDS_SF_SUPPORTS_*` flags above, as `(SDK name, value)`.
pub const SUB_SYSTEM_FLAGS: &[(&str, u32)] = &[
    ("VDS_SF_SUPPORTS_AUTH_CHAP", VDS_SF_SUPPORTS_AUTH_CHAP),
    (
        "VDS_SF_SUPPORTS_AUTH_MUTUAL_CHAP",
        VDS_SF_SUPPORTS_AUTH_MUTUAL_CHAP,
    ),
    (
        "VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG",
        VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const SAMPLE: VDS_OBJECT_ID = VDS_OBJECT_ID::from_u128(0xaa8f5055_83e5_4bcc_aa73_19851a36a849);

    #[test]
    fn guid_display_and_parse() {
        assert_eq!(SAMPLE.to_string(), "{AA8F5055-83E5-4BCC-AA73-19851A36A849}");
        assert_eq!(
            format!("{SAMPLE:?}"),
            "{AA8F5055-83E5-4BCC-AA73-19851A36A849}"
        );
        assert_eq!(
            VDS_OBJECT_ID::NIL.to_string(),
            "{00000000-0000-0000-0000-000000000000}"
        );
        assert!(VDS_OBJECT_ID::NIL.is_nil());
        assert!(!SAMPLE.is_nil());
        for ok in [
            "{AA8F5055-83E5-4BCC-AA73-19851A36A849}",
            "{aa8f5055-83e5-4bcc-aa73-19851a36a849}",
            "aa8f5055-83e5-4bcc-aa73-19851A36A849",
        ] {
            assert_eq!(ok.parse::<VDS_OBJECT_ID>(), Ok(SAMPLE), "{ok}");
        }
        for bad in [
            "",
            "{}",
            "{AA8F5055-83E5-4BCC-AA73-19851A36A849",
            "AA8F5055-83E5-4BCC-AA73-19851A36A849}",
            "AA8F505583E54BCCAA7319851A36A849",
            "AA8F5055-83E5-4BCC-AA73-19851A36A84",
            "AA8F5055-83E5-4BCC-AA73-19851A36A849A",
            "AA8F5055_83E5-4BCC-AA73-19851A36A849",
            "GA8F5055-83E5-4BCC-AA73-19851A36A849",
            "+A8F5055-83E5-4BCC-AA73-19851A36A849",
        ] {
            assert!(bad.parse::<VDS_OBJECT_ID>().is_err(), "{bad}");
        }
        let err = "nope".parse::<VDS_OBJECT_ID>().unwrap_err().to_string();
        assert!(err.contains("\"nope\""), "{err}");
    }

    #[test]
    fn guid_from_rng_is_v4_and_deterministic() {
        let mut a = ChaCha8Rng::seed_from_u64(7);
        let mut b = ChaCha8Rng::seed_from_u64(7);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let id = VDS_OBJECT_ID::from_rng(&mut a);
            assert_eq!(id, VDS_OBJECT_ID::from_rng(&mut b));
            let s = id.to_string();
            assert_eq!(&s[15..16], "4", "{s}");
            assert!("89AB".contains(&s[20..21]), "{s}");
            assert_eq!((id.as_u128() >> 76) & 0xF, 4);
            assert_eq!((id.as_u128() >> 62) & 0b11, 0b10);
            assert_eq!(s.parse::<VDS_OBJECT_ID>(), Ok(id));
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn guid_serde() {
        let json = serde_json::to_string(&SAMPLE).unwrap();
        assert_eq!(json, "\"{AA8F5055-83E5-4BCC-AA73-19851A36A849}\"");
        assert_eq!(
            serde_json::from_str::<VDS_OBJECT_ID>(&json).unwrap(),
            SAMPLE
        );
        let err = serde_json::from_str::<VDS_OBJECT_ID>("\"x\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("GUID"), "{err}");
    }

    #[test]
    fn enums_round_trip() {
        fn check<T>(all: &[T])
        where
            T: Copy + PartialEq + fmt::Debug + fmt::Display + Serialize + for<'de> Deserialize<'de>,
            T: TryFrom<i32, Error = UnknownEnumValue> + Into<i32>,
        {
            for &v in all {
                let n: i32 = v.into();
                assert_eq!(T::try_from(n), Ok(v));
                let json = serde_json::to_string(&v).unwrap();
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
                assert!(v.to_string().ends_with(&format!(" ({n})")));
            }
        }
        check(VDS_IPADDRESS_TYPE::ALL);
        check(VDS_ISCSI_PORTAL_STATUS::ALL);
        check(VDS_HWPROVIDER_TYPE::ALL);
        assert_eq!(VDS_IPADDRESS_TYPE::ALL.len(), 4);
        assert_eq!(VDS_ISCSI_PORTAL_STATUS::ALL.len(), 5);
        assert_eq!(VDS_HWPROVIDER_TYPE::ALL.len(), 6);
    }

    #[test]
    fn enum_values_and_names() {
        assert_eq!(VDS_IPADDRESS_TYPE::VDS_IPT_EMPTY.value(), 3);
        assert_eq!(VDS_ISCSI_PORTAL_STATUS::VDS_IPS_OFFLINE.value(), 4);
        assert_eq!(VDS_ISCSI_PORTAL_STATUS::VDS_IPS_FAILED.value(), 5);
        assert_eq!(VDS_HWPROVIDER_TYPE::VDS_HWT_ISCSI.value(), 3);
        assert_eq!(VDS_HWPROVIDER_TYPE::VDS_HWT_ISCSI.name(), "VDS_HWT_ISCSI");
        assert_eq!(
            VDS_ISCSI_PORTAL_STATUS::try_from(3),
            Err(UnknownEnumValue {
                type_name: "VDS_ISCSI_PORTAL_STATUS",
                value: 3
            })
        );
        assert_eq!(
            VDS_ISCSI_PORTAL_STATUS::try_from(3)
                .unwrap_err()
                .to_string(),
            "3 is not a known VDS_ISCSI_PORTAL_STATUS value"
        );
        assert_eq!(
            serde_json::to_string(&VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE).unwrap(),
            "\"VDS_IPS_ONLINE\""
        );
        assert!(serde_json::from_str::<VDS_IPADDRESS_TYPE>("\"VDS_IPT_NOPE\"").is_err());
        assert_eq!(
            VDS_IPADDRESS_TYPE::from_name("VDS_IPT_IPV6"),
            Some(VDS_IPADDRESS_TYPE::VDS_IPT_IPV6)
        );
    }

    #[test]
    fn ip_addresses() {
        let a = VDS_IPADDRESS::ipv4([192, 168, 0, 10], 3260);
        assert_eq!(a.ipv4Address, 0xC0A8_000A);
        assert_eq!(a.ipv4_octets(), [192, 168, 0, 10]);
        assert_eq!(a.r#type, VDS_IPADDRESS_TYPE::VDS_IPT_IPV4);
        assert_eq!(a.to_string(), "192.168.0.10:3260");
        let mut v6 = [0u8; 16];
        v6[0] = 0xfe;
        v6[1] = 0x80;
        v6[15] = 1;
        let mut b = VDS_IPADDRESS::ipv6(v6, 3260);
        assert_eq!(b.to_string(), "[fe80::1]:3260");
        b.ulIpv6ScopeId = 3;
        assert_eq!(b.to_string(), "[fe80::1%3]:3260");
        assert_eq!(
            VDS_IPADDRESS::text("array.example", 860).to_string(),
            "array.example:860"
        );
        assert_eq!(VDS_IPADDRESS::empty().to_string(), "<empty>");
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["type"], "VDS_IPT_IPV4");
        assert_eq!(json["ipv4Address"], 0xC0A8_000Au32);
        assert_eq!(serde_json::from_value::<VDS_IPADDRESS>(json).unwrap(), a);
    }

    #[test]
    fn secrets_model_null_pointers() {
        let s = VDS_ISCSI_SHARED_SECRET::new(b"0123456789ab".to_vec());
        assert_eq!(s.ulSharedSecretSize, 12);
        assert!(!s.is_null_with_size());
        assert!(!VDS_ISCSI_SHARED_SECRET::null().is_null_with_size());
        let bad = VDS_ISCSI_SHARED_SECRET {
            pSharedSecret: None,
            ulSharedSecretSize: 4,
        };
        assert!(bad.is_null_with_size());
        let k = VDS_ISCSI_IPSEC_KEY::new(vec![1, 2, 3]);
        assert_eq!(k.ulKeySize, 3);
        assert!(!VDS_ISCSI_IPSEC_KEY::null().is_null_with_size());
        assert!(
            VDS_ISCSI_IPSEC_KEY {
                pKey: None,
                ulKeySize: 1
            }
            .is_null_with_size()
        );
    }

    #[test]
    fn structs_serde_round_trip() {
        let target = VDS_ISCSI_TARGET_PROP {
            id: SAMPLE,
            pwszIscsiName: "iqn.1991-05.com.example:t1".into(),
            pwszFriendlyName: "t1".into(),
            bChapEnabled: true,
        };
        let json = serde_json::to_string(&target).unwrap();
        assert_eq!(
            serde_json::from_str::<VDS_ISCSI_TARGET_PROP>(&json).unwrap(),
            target
        );

        let pg = VDS_ISCSI_PORTALGROUP_PROP {
            id: SAMPLE,
            tag: u16::MAX,
        };
        let json = serde_json::to_string(&pg).unwrap();
        assert_eq!(
            serde_json::from_str::<VDS_ISCSI_PORTALGROUP_PROP>(&json).unwrap(),
            pg
        );

        let portal = VDS_ISCSI_PORTAL_PROP {
            id: SAMPLE,
            address: VDS_IPADDRESS::ipv4([10, 0, 0, 1], 3260),
            status: VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE,
        };
        let json = serde_json::to_string(&portal).unwrap();
        assert_eq!(
            serde_json::from_str::<VDS_ISCSI_PORTAL_PROP>(&json).unwrap(),
            portal
        );

        let prov = VDS_PROVIDER_PROP {
            id: SAMPLE,
            pwszName: "sim".into(),
            guidVersionId: VDS_OBJECT_ID::NIL,
            pwszVersion: "1.0".into(),
            r#type: VDS_PT_HARDWARE,
            ulFlags: 0,
            ulStripeSizeFlags: 0,
            sRebuildPriority: -1,
        };
        let json = serde_json::to_value(&prov).unwrap();
        assert_eq!(json["type"], 2);
        assert_eq!(
            serde_json::from_value::<VDS_PROVIDER_PROP>(json).unwrap(),
            prov
        );

        let n = VDS_PORTAL_GROUP_NOTIFICATION {
            ulEvent: VDS_NF_PORTAL_GROUP_ARRIVE,
            portalGroupId: SAMPLE,
        };
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(
            serde_json::from_str::<VDS_PORTAL_GROUP_NOTIFICATION>(&json).unwrap(),
            n
        );
    }

    #[test]
    fn constants_match_facts() {
        assert_eq!(
            NOTIFICATION_EVENTS
                .iter()
                .map(|(_, v)| *v)
                .collect::<Vec<_>>(),
            (123..=131).collect::<Vec<_>>()
        );
        assert_eq!(
            OBJECT_TYPES.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            [36, 37, 38, 100]
        );
        assert_eq!(
            NOTIFICATION_TARGET_TYPES
                .iter()
                .map(|(_, v)| *v)
                .collect::<Vec<_>>(),
            [36, 37, 38]
        );
        assert_eq!(VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG, 0x40000);
        assert_eq!(VDS_SF_SUPPORTS_AUTH_CHAP, 0x10000);
        assert_eq!(VDS_SF_SUPPORTS_AUTH_MUTUAL_CHAP, 0x20000);
        assert_eq!(VDS_PT_HARDWARE, 2);
    }
}
