//! `VDS_ASYNC_OUTPUT_TYPE`: which operation an `IVdsAsync` result belongs to.
//!
//! The discriminant of the `VDS_ASYNC_OUTPUT` union is a 32-bit signed enum in
//! the SDK (`vdscmmn.idl`). This module models it as a Rust enum whose variants
//! carry the SDK names and numbers. The list is open-ended on the Windows side:
//! later SDKs may add values, so code that receives a raw number must treat an
//! unknown one as "not recognised", not as corruption. [`TryFrom<i32>`] reports
//! such a number as [`UnknownOutputType`].
//!
//! `VDS_ASYNCOUT_BREAKLUNPLEX` (51) is deliberately absent: the current SDK
//! comments it out as deprecated and neither `windows-sys` nor mingw-w64 has it.
//!
//! ```
//! use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
//! let t = VDS_ASYNC_OUTPUT_TYPE::try_from(63).unwrap();
//! assert_eq!(t, VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP);
//! assert_eq!(t.to_string(), "VDS_ASYNCOUT_CREATEPORTALGROUP (63)");
//! assert!(VDS_ASYNC_OUTPUT_TYPE::try_from(51).is_err());
//! ```

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A raw value that is not one of the [`VDS_ASYNC_OUTPUT_TYPE`] variants known
/// to this crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "{0} is not a known VDS_ASYNC_OUTPUT_TYPE value; new values may be added by \
     later Windows versions, so consumers must tolerate values they do not recognise"
)]
pub struct UnknownOutputType(pub i32);

macro_rules! output_types {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, )*) => {
        /// The kind of operation that produced a `VDS_ASYNC_OUTPUT`, i.e. which
        /// union arm is valid. Variant names and numbers are the SDK's.
        #[repr(i32)]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub enum VDS_ASYNC_OUTPUT_TYPE {
            $( $(#[$doc])* $name = $value, )*
        }

        impl VDS_ASYNC_OUTPUT_TYPE {
            /// Every variant, in ascending numeric order.
            pub const ALL: &[VDS_ASYNC_OUTPUT_TYPE] = &[
                $( VDS_ASYNC_OUTPUT_TYPE::$name, )*
            ];

            /// The SDK name, e.g. `"VDS_ASYNCOUT_CREATEPORTALGROUP"`.
            pub fn name(self) -> &'static str {
                match self {
                    $( VDS_ASYNC_OUTPUT_TYPE::$name => stringify!($name), )*
                }
            }

            /// Looks a variant up by its exact SDK name.
            pub fn from_name(name: &str) -> Option<VDS_ASYNC_OUTPUT_TYPE> {
                match name {
                    $( stringify!($name) => Some(VDS_ASYNC_OUTPUT_TYPE::$name), )*
                    _ => None,
                }
            }
        }

        impl TryFrom<i32> for VDS_ASYNC_OUTPUT_TYPE {
            type Error = UnknownOutputType;

            fn try_from(value: i32) -> Result<Self, Self::Error> {
                match value {
                    $( $value => Ok(VDS_ASYNC_OUTPUT_TYPE::$name), )*
                    other => Err(UnknownOutputType(other)),
                }
            }
        }
    };
}

output_types! {
    /// 0: no specific output (also the value when nothing was produced).
    VDS_ASYNCOUT_UNKNOWN = 0,
    /// 1: volume creation; the `cv` arm holds the new volume.
    VDS_ASYNCOUT_CREATEVOLUME = 1,
    /// 2: volume extension.
    VDS_ASYNCOUT_EXTENDVOLUME = 2,
    /// 3: volume shrink; the `sv` arm holds the bytes reclaimed.
    VDS_ASYNCOUT_SHRINKVOLUME = 3,
    /// 4: adding a plex to a volume.
    VDS_ASYNCOUT_ADDVOLUMEPLEX = 4,
    /// 5: splitting a plex off a volume; the `bvp` arm holds the new volume.
    VDS_ASYNCOUT_BREAKVOLUMEPLEX = 5,
    /// 6: removing a volume plex.
    VDS_ASYNCOUT_REMOVEVOLUMEPLEX = 6,
    /// 7: repairing a volume plex.
    VDS_ASYNCOUT_REPAIRVOLUMEPLEX = 7,
    /// 8: pack recovery.
    VDS_ASYNCOUT_RECOVERPACK = 8,
    /// 9: disk replacement.
    VDS_ASYNCOUT_REPLACEDISK = 9,
    /// 10: partition creation; the `cp` arm holds offset and volume id.
    VDS_ASYNCOUT_CREATEPARTITION = 10,
    /// 11: disk clean.
    VDS_ASYNCOUT_CLEAN = 11,
    /// 50: LUN creation; the `cl` arm holds the new LUN.
    VDS_ASYNCOUT_CREATELUN = 50,
    /// 52: adding a plex to a LUN.
    VDS_ASYNCOUT_ADDLUNPLEX = 52,
    /// 53: removing a LUN plex.
    VDS_ASYNCOUT_REMOVELUNPLEX = 53,
    /// 54: LUN extension.
    VDS_ASYNCOUT_EXTENDLUN = 54,
    /// 55: LUN shrink.
    VDS_ASYNCOUT_SHRINKLUN = 55,
    /// 56: LUN recovery.
    VDS_ASYNCOUT_RECOVERLUN = 56,
    /// 60: iSCSI login to a target.
    VDS_ASYNCOUT_LOGINTOTARGET = 60,
    /// 61: iSCSI logout from a target.
    VDS_ASYNCOUT_LOGOUTFROMTARGET = 61,
    /// 62: `IVdsSubSystemIscsi::CreateTarget`; the `ct` arm holds the target.
    VDS_ASYNCOUT_CREATETARGET = 62,
    /// 63: `IVdsIscsiTarget::CreatePortalGroup`; the `cpg` arm holds the group.
    VDS_ASYNCOUT_CREATEPORTALGROUP = 63,
    /// 64: `IVdsIscsiTarget::Delete`.
    VDS_ASYNCOUT_DELETETARGET = 64,
    /// 65: `IVdsIscsiPortalGroup::AddPortal`.
    VDS_ASYNCOUT_ADDPORTAL = 65,
    /// 66: `IVdsIscsiPortalGroup::RemovePortal`.
    VDS_ASYNCOUT_REMOVEPORTAL = 66,
    /// 67: `IVdsIscsiPortalGroup::Delete`.
    VDS_ASYNCOUT_DELETEPORTALGROUP = 67,
    /// 101: file-system format.
    VDS_ASYNCOUT_FORMAT = 101,
    /// 200: virtual disk creation; the `cvd` arm holds the new virtual disk.
    VDS_ASYNCOUT_CREATE_VDISK = 200,
    /// 201: virtual disk attach.
    VDS_ASYNCOUT_ATTACH_VDISK = 201,
    /// 202: virtual disk compaction.
    VDS_ASYNCOUT_COMPACT_VDISK = 202,
    /// 203: virtual disk merge.
    VDS_ASYNCOUT_MERGE_VDISK = 203,
    /// 204: virtual disk expansion.
    VDS_ASYNCOUT_EXPAND_VDISK = 204,
}

impl VDS_ASYNC_OUTPUT_TYPE {
    /// The raw SDK number (the `i32` stored in `VDS_ASYNC_OUTPUT::type`).
    pub const fn value(self) -> i32 {
        self as i32
    }
}

impl From<VDS_ASYNC_OUTPUT_TYPE> for i32 {
    fn from(value: VDS_ASYNC_OUTPUT_TYPE) -> Self {
        value.value()
    }
}

impl fmt::Display for VDS_ASYNC_OUTPUT_TYPE {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.value())
    }
}

impl Serialize for VDS_ASYNC_OUTPUT_TYPE {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

struct OutputTypeVisitor;

impl Visitor<'_> for OutputTypeVisitor {
    type Value = VDS_ASYNC_OUTPUT_TYPE;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a VDS_ASYNC_OUTPUT_TYPE SDK name such as \"VDS_ASYNCOUT_CREATEPORTALGROUP\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        VDS_ASYNC_OUTPUT_TYPE::from_name(v)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Deserialize<'de> for VDS_ASYNC_OUTPUT_TYPE {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(OutputTypeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::VDS_ASYNC_OUTPUT_TYPE as T;
    use super::*;

    #[test]
    fn all_is_complete_sorted_and_round_trips() {
        assert_eq!(T::ALL.len(), 32);
        assert!(T::ALL.windows(2).all(|w| w[0].value() < w[1].value()));
        for &t in T::ALL {
            assert_eq!(T::try_from(t.value()), Ok(t));
            assert_eq!(T::from_name(t.name()), Some(t));
            assert!(t.name().starts_with("VDS_ASYNCOUT_"));
            assert_eq!(i32::from(t), t.value());
        }
    }

    #[test]
    fn values_match_facts() {
        assert_eq!(T::VDS_ASYNCOUT_UNKNOWN.value(), 0);
        assert_eq!(T::VDS_ASYNCOUT_CLEAN.value(), 11);
        assert_eq!(T::VDS_ASYNCOUT_CREATELUN.value(), 50);
        assert_eq!(T::VDS_ASYNCOUT_ADDLUNPLEX.value(), 52);
        assert_eq!(T::VDS_ASYNCOUT_CREATETARGET.value(), 62);
        assert_eq!(T::VDS_ASYNCOUT_CREATEPORTALGROUP.value(), 63);
        assert_eq!(T::VDS_ASYNCOUT_DELETEPORTALGROUP.value(), 67);
        assert_eq!(T::VDS_ASYNCOUT_FORMAT.value(), 101);
        assert_eq!(T::VDS_ASYNCOUT_EXPAND_VDISK.value(), 204);
    }

    #[test]
    fn unknown_values_are_reported_not_panicked_on() {
        for v in [-1, 12, 49, 51, 57, 68, 100, 102, 205, i32::MAX, i32::MIN] {
            assert_eq!(T::try_from(v), Err(UnknownOutputType(v)));
        }
        let msg = UnknownOutputType(51).to_string();
        assert!(msg.contains("51"), "{msg}");
        assert!(msg.contains("VDS_ASYNC_OUTPUT_TYPE"), "{msg}");
        assert!(msg.contains("tolerate"), "{msg}");
    }

    #[test]
    fn display() {
        assert_eq!(
            T::VDS_ASYNCOUT_CREATEPORTALGROUP.to_string(),
            "VDS_ASYNCOUT_CREATEPORTALGROUP (63)"
        );
        assert_eq!(
            T::VDS_ASYNCOUT_UNKNOWN.to_string(),
            "VDS_ASYNCOUT_UNKNOWN (0)"
        );
    }

    #[test]
    fn serde_uses_sdk_names() {
        for &t in T::ALL {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.name()));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), t);
        }
        let err = serde_json::from_str::<T>("\"VDS_ASYNCOUT_BREAKLUNPLEX\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("VDS_ASYNC_OUTPUT_TYPE"), "{err}");
        assert!(serde_json::from_str::<T>("63").is_err());
    }
}
