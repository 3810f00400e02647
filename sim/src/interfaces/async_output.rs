//! `VDS_ASYNC_OUTPUT`: what `IVdsAsync::Wait` hands back. The C struct is a
//! type tag plus a union switched on it; here it is one enum whose variants
//! are the type values and whose fields are the union arms, so a `cpg` arm
//! can only travel with `VDS_ASYNCOUT_CREATEPORTALGROUP`.

use std::fmt;

use crate::com::{ComPtr, Interface};
use crate::interfaces::{IUnknown, IVdsIscsiPortalGroup, IVdsIscsiTarget};
use crate::ledger::RefId;
use crate::output_type::VDS_ASYNC_OUTPUT_TYPE;
use crate::props::VDS_OBJECT_ID;

/// The output of a finished asynchronous operation (`VDS_ASYNC_OUTPUT`).
///
/// Pointer arms are `Option`: `None` is the C `NULL`. Variants without
/// fields are the union's empty default arm.
#[allow(non_camel_case_types, non_snake_case)]
#[derive(Debug, Default)]
pub enum VDS_ASYNC_OUTPUT {
    /// `VDS_ASYNCOUT_UNKNOWN` (0): no output.
    #[default]
    VDS_ASYNCOUT_UNKNOWN,
    /// `VDS_ASYNCOUT_CREATEVOLUME` (1), arm `cv`.
    VDS_ASYNCOUT_CREATEVOLUME {
        /// `cv.pVolumeUnk`.
        pVolumeUnk: Option<ComPtr<dyn IUnknown>>,
    },
    /// `VDS_ASYNCOUT_EXTENDVOLUME` (2).
    VDS_ASYNCOUT_EXTENDVOLUME,
    /// `VDS_ASYNCOUT_SHRINKVOLUME` (3), arm `sv`.
    VDS_ASYNCOUT_SHRINKVOLUME {
        /// `sv.ullReclaimedBytes`.
        ullReclaimedBytes: u64,
    },
    /// `VDS_ASYNCOUT_ADDVOLUMEPLEX` (4).
    VDS_ASYNCOUT_ADDVOLUMEPLEX,
    /// `VDS_ASYNCOUT_BREAKVOLUMEPLEX` (5), arm `bvp`.
    VDS_ASYNCOUT_BREAKVOLUMEPLEX {
        /// `bvp.pVolumeUnk`.
        pVolumeUnk: Option<ComPtr<dyn IUnknown>>,
    },
    /// `VDS_ASYNCOUT_REMOVEVOLUMEPLEX` (6).
    VDS_ASYNCOUT_REMOVEVOLUMEPLEX,
    /// `VDS_ASYNCOUT_REPAIRVOLUMEPLEX` (7).
    VDS_ASYNCOUT_REPAIRVOLUMEPLEX,
    /// `VDS_ASYNCOUT_RECOVERPACK` (8).
    VDS_ASYNCOUT_RECOVERPACK,
    /// `VDS_ASYNCOUT_REPLACEDISK` (9).
    VDS_ASYNCOUT_REPLACEDISK,
    /// `VDS_ASYNCOUT_CREATEPARTITION` (10), arm `cp`.
    VDS_ASYNCOUT_CREATEPARTITION {
        /// `cp.ullOffset`.
        ullOffset: u64,
        /// `cp.volumeId`.
        volumeId: VDS_OBJECT_ID,
    },
    /// `VDS_ASYNCOUT_CLEAN` (11).
    VDS_ASYNCOUT_CLEAN,
    /// `VDS_ASYNCOUT_CREATELUN` (50), arm `cl`.
    VDS_ASYNCOUT_CREATELUN {
        /// `cl.pLunUnk`.
        pLunUnk: Option<ComPtr<dyn IUnknown>>,
    },
    /// `VDS_ASYNCOUT_ADDLUNPLEX` (52).
    VDS_ASYNCOUT_ADDLUNPLEX,
    /// `VDS_ASYNCOUT_REMOVELUNPLEX` (53).
    VDS_ASYNCOUT_REMOVELUNPLEX,
    /// `VDS_ASYNCOUT_EXTENDLUN` (54).
    VDS_ASYNCOUT_EXTENDLUN,
    /// `VDS_ASYNCOUT_SHRINKLUN` (55).
    VDS_ASYNCOUT_SHRINKLUN,
    /// `VDS_ASYNCOUT_RECOVERLUN` (56).
    VDS_ASYNCOUT_RECOVERLUN,
    /// `VDS_ASYNCOUT_LOGINTOTARGET` (60).
    VDS_ASYNCOUT_LOGINTOTARGET,
    /// `VDS_ASYNCOUT_LOGOUTFROMTARGET` (61).
    VDS_ASYNCOUT_LOGOUTFROMTARGET,
    /// `VDS_ASYNCOUT_CREATETARGET` (62), arm `ct`.
    VDS_ASYNCOUT_CREATETARGET {
        /// `ct.pTargetUnk`, typed as the interface a caller would query for.
        pTargetUnk: Option<ComPtr<dyn IVdsIscsiTarget>>,
    },
    /// `VDS_ASYNCOUT_CREATEPORTALGROUP` (63), arm `cpg`.
    VDS_ASYNCOUT_CREATEPORTALGROUP {
        /// `cpg.pPortalGroupUnk`, typed as the interface a caller would query for.
        pPortalGroupUnk: Option<ComPtr<dyn IVdsIscsiPortalGroup>>,
    },
    /// `VDS_ASYNCOUT_DELETETARGET` (64).
    VDS_ASYNCOUT_DELETETARGET,
    /// `VDS_ASYNCOUT_ADDPORTAL` (65).
    VDS_ASYNCOUT_ADDPORTAL,
    /// `VDS_ASYNCOUT_REMOVEPORTAL` (66).
    VDS_ASYNCOUT_REMOVEPORTAL,
    /// `VDS_ASYNCOUT_DELETEPORTALGROUP` (67).
    VDS_ASYNCOUT_DELETEPORTALGROUP,
    /// `VDS_ASYNCOUT_FORMAT` (101).
    VDS_ASYNCOUT_FORMAT,
    /// `VDS_ASYNCOUT_CREATE_VDISK` (200), arm `cvd`.
    VDS_ASYNCOUT_CREATE_VDISK {
        /// `cvd.pVDiskUnk`.
        pVDiskUnk: Option<ComPtr<dyn IUnknown>>,
    },
    /// `VDS_ASYNCOUT_ATTACH_VDISK` (201).
    VDS_ASYNCOUT_ATTACH_VDISK,
    /// `VDS_ASYNCOUT_COMPACT_VDISK` (202).
    VDS_ASYNCOUT_COMPACT_VDISK,
    /// `VDS_ASYNCOUT_MERGE_VDISK` (203).
    VDS_ASYNCOUT_MERGE_VDISK,
    /// `VDS_ASYNCOUT_EXPAND_VDISK` (204).
    VDS_ASYNCOUT_EXPAND_VDISK,
}

/// A pointer found in an output's union arm, without its interface type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArmPointer {
    /// The arm's field name, e.g. `cpg.pPortalGroupUnk`.
    pub(crate) field: &'static str,
    /// The interface the pointer is typed as.
    pub(crate) interface: &'static str,
    /// The ledger reference.
    pub(crate) ref_id: RefId,
    /// The object behind it, if it has an id.
    pub(crate) object: Option<VDS_OBJECT_ID>,
}

fn arm<I: ?Sized + Interface>(field: &'static str, p: &Option<ComPtr<I>>) -> Option<ArmPointer> {
    p.as_ref().map(|p| ArmPointer {
        field,
        interface: I::NAME,
        ref_id: p.ref_id(),
        object: p.object_id(),
    })
}

impl VDS_ASYNC_OUTPUT {
    /// The `type` member.
    ///
    /// ```
    /// use vds_sim::async_output::VDS_ASYNC_OUTPUT;
    /// use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
    /// let out = VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP { pPortalGroupUnk: None };
    /// assert_eq!(out.r#type(), VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP);
    /// assert_eq!(out.r#type().value(), 63);
    /// ```
    pub fn r#type(&self) -> VDS_ASYNC_OUTPUT_TYPE {
        use VDS_ASYNC_OUTPUT as O;
        use VDS_ASYNC_OUTPUT_TYPE as T;
        match self {
            O::VDS_ASYNCOUT_UNKNOWN => T::VDS_ASYNCOUT_UNKNOWN,
            O::VDS_ASYNCOUT_CREATEVOLUME { .. } => T::VDS_ASYNCOUT_CREATEVOLUME,
            O::VDS_ASYNCOUT_EXTENDVOLUME => T::VDS_ASYNCOUT_EXTENDVOLUME,
            O::VDS_ASYNCOUT_SHRINKVOLUME { .. } => T::VDS_ASYNCOUT_SHRINKVOLUME,
            O::VDS_ASYNCOUT_ADDVOLUMEPLEX => T::VDS_ASYNCOUT_ADDVOLUMEPLEX,
            O::VDS_ASYNCOUT_BREAKVOLUMEPLEX { .. } => T::VDS_ASYNCOUT_BREAKVOLUMEPLEX,
            O::VDS_ASYNCOUT_REMOVEVOLUMEPLEX => T::VDS_ASYNCOUT_REMOVEVOLUMEPLEX,
            O::VDS_ASYNCOUT_REPAIRVOLUMEPLEX => T::VDS_ASYNCOUT_REPAIRVOLUMEPLEX,
            O::VDS_ASYNCOUT_RECOVERPACK => T::VDS_ASYNCOUT_RECOVERPACK,
            O::VDS_ASYNCOUT_REPLACEDISK => T::VDS_ASYNCOUT_REPLACEDISK,
            O::VDS_ASYNCOUT_CREATEPARTITION { .. } => T::VDS_ASYNCOUT_CREATEPARTITION,
            O::VDS_ASYNCOUT_CLEAN => T::VDS_ASYNCOUT_CLEAN,
            O::VDS_ASYNCOUT_CREATELUN { .. } => T::VDS_ASYNCOUT_CREATELUN,
            O::VDS_ASYNCOUT_ADDLUNPLEX => T::VDS_ASYNCOUT_ADDLUNPLEX,
            O::VDS_ASYNCOUT_REMOVELUNPLEX => T::VDS_ASYNCOUT_REMOVELUNPLEX,
            O::VDS_ASYNCOUT_EXTENDLUN => T::VDS_ASYNCOUT_EXTENDLUN,
            O::VDS_ASYNCOUT_SHRINKLUN => T::VDS_ASYNCOUT_SHRINKLUN,
            O::VDS_ASYNCOUT_RECOVERLUN => T::VDS_ASYNCOUT_RECOVERLUN,
            O::VDS_ASYNCOUT_LOGINTOTARGET => T::VDS_ASYNCOUT_LOGINTOTARGET,
            O::VDS_ASYNCOUT_LOGOUTFROMTARGET => T::VDS_ASYNCOUT_LOGOUTFROMTARGET,
            O::VDS_ASYNCOUT_CREATETARGET { .. } => T::VDS_ASYNCOUT_CREATETARGET,
            O::VDS_ASYNCOUT_CREATEPORTALGROUP { .. } => T::VDS_ASYNCOUT_CREATEPORTALGROUP,
            O::VDS_ASYNCOUT_DELETETARGET => T::VDS_ASYNCOUT_DELETETARGET,
            O::VDS_ASYNCOUT_ADDPORTAL => T::VDS_ASYNCOUT_ADDPORTAL,
            O::VDS_ASYNCOUT_REMOVEPORTAL => T::VDS_ASYNCOUT_REMOVEPORTAL,
            O::VDS_ASYNCOUT_DELETEPORTALGROUP => T::VDS_ASYNCOUT_DELETEPORTALGROUP,
            O::VDS_ASYNCOUT_FORMAT => T::VDS_ASYNCOUT_FORMAT,
            O::VDS_ASYNCOUT_CREATE_VDISK { .. } => T::VDS_ASYNCOUT_CREATE_VDISK,
            O::VDS_ASYNCOUT_ATTACH_VDISK => T::VDS_ASYNCOUT_ATTACH_VDISK,
            O::VDS_ASYNCOUT_COMPACT_VDISK => T::VDS_ASYNCOUT_COMPACT_VDISK,
            O::VDS_ASYNCOUT_MERGE_VDISK => T::VDS_ASYNCOUT_MERGE_VDISK,
            O::VDS_ASYNCOUT_EXPAND_VDISK => T::VDS_ASYNCOUT_EXPAND_VDISK,
        }
    }

    /// The output of the given type with every pointer `NULL` and every
    /// number zero: what a failed operation of that type hands back.
    pub fn null_of(t: VDS_ASYNC_OUTPUT_TYPE) -> Self {
        use VDS_ASYNC_OUTPUT as O;
        use VDS_ASYNC_OUTPUT_TYPE as T;
        match t {
            T::VDS_ASYNCOUT_UNKNOWN => O::VDS_ASYNCOUT_UNKNOWN,
            T::VDS_ASYNCOUT_CREATEVOLUME => O::VDS_ASYNCOUT_CREATEVOLUME { pVolumeUnk: None },
            T::VDS_ASYNCOUT_EXTENDVOLUME => O::VDS_ASYNCOUT_EXTENDVOLUME,
            T::VDS_ASYNCOUT_SHRINKVOLUME => O::VDS_ASYNCOUT_SHRINKVOLUME {
                ullReclaimedBytes: 0,
            },
            T::VDS_ASYNCOUT_ADDVOLUMEPLEX => O::VDS_ASYNCOUT_ADDVOLUMEPLEX,
            T::VDS_ASYNCOUT_BREAKVOLUMEPLEX => O::VDS_ASYNCOUT_BREAKVOLUMEPLEX { pVolumeUnk: None },
            T::VDS_ASYNCOUT_REMOVEVOLUMEPLEX => O::VDS_ASYNCOUT_REMOVEVOLUMEPLEX,
            T::VDS_ASYNCOUT_REPAIRVOLUMEPLEX => O::VDS_ASYNCOUT_REPAIRVOLUMEPLEX,
            T::VDS_ASYNCOUT_RECOVERPACK => O::VDS_ASYNCOUT_RECOVERPACK,
            T::VDS_ASYNCOUT_REPLACEDISK => O::VDS_ASYNCOUT_REPLACEDISK,
            T::VDS_ASYNCOUT_CREATEPARTITION => O::VDS_ASYNCOUT_CREATEPARTITION {
                ullOffset: 0,
                volumeId: VDS_OBJECT_ID::NIL,
            },
            T::VDS_ASYNCOUT_CLEAN => O::VDS_ASYNCOUT_CLEAN,
            T::VDS_ASYNCOUT_CREATELUN => O::VDS_ASYNCOUT_CREATELUN { pLunUnk: None },
            T::VDS_ASYNCOUT_ADDLUNPLEX => O::VDS_ASYNCOUT_ADDLUNPLEX,
            T::VDS_ASYNCOUT_REMOVELUNPLEX => O::VDS_ASYNCOUT_REMOVELUNPLEX,
            T::VDS_ASYNCOUT_EXTENDLUN => O::VDS_ASYNCOUT_EXTENDLUN,
            T::VDS_ASYNCOUT_SHRINKLUN => O::VDS_ASYNCOUT_SHRINKLUN,
            T::VDS_ASYNCOUT_RECOVERLUN => O::VDS_ASYNCOUT_RECOVERLUN,
            T::VDS_ASYNCOUT_LOGINTOTARGET => O::VDS_ASYNCOUT_LOGINTOTARGET,
            T::VDS_ASYNCOUT_LOGOUTFROMTARGET => O::VDS_ASYNCOUT_LOGOUTFROMTARGET,
            T::VDS_ASYNCOUT_CREATETARGET => O::VDS_ASYNCOUT_CREATETARGET { pTargetUnk: None },
            T::VDS_ASYNCOUT_CREATEPORTALGROUP => O::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: None,
            },
            T::VDS_ASYNCOUT_DELETETARGET => O::VDS_ASYNCOUT_DELETETARGET,
            T::VDS_ASYNCOUT_ADDPORTAL => O::VDS_ASYNCOUT_ADDPORTAL,
            T::VDS_ASYNCOUT_REMOVEPORTAL => O::VDS_ASYNCOUT_REMOVEPORTAL,
            T::VDS_ASYNCOUT_DELETEPORTALGROUP => O::VDS_ASYNCOUT_DELETEPORTALGROUP,
            T::VDS_ASYNCOUT_FORMAT => O::VDS_ASYNCOUT_FORMAT,
            T::VDS_ASYNCOUT_CREATE_VDISK => O::VDS_ASYNCOUT_CREATE_VDISK { pVDiskUnk: None },
            T::VDS_ASYNCOUT_ATTACH_VDISK => O::VDS_ASYNCOUT_ATTACH_VDISK,
            T::VDS_ASYNCOUT_COMPACT_VDISK => O::VDS_ASYNCOUT_COMPACT_VDISK,
            T::VDS_ASYNCOUT_MERGE_VDISK => O::VDS_ASYNCOUT_MERGE_VDISK,
            T::VDS_ASYNCOUT_EXPAND_VDISK => O::VDS_ASYNCOUT_EXPAND_VDISK,
        }
    }

    /// The non-null interface pointer in the union arm, if any.
    pub(crate) fn pointer(&self) -> Option<ArmPointer> {
        use VDS_ASYNC_OUTPUT as O;
        match self {
            O::VDS_ASYNCOUT_CREATEVOLUME { pVolumeUnk } => arm("cv.pVolumeUnk", pVolumeUnk),
            O::VDS_ASYNCOUT_BREAKVOLUMEPLEX { pVolumeUnk } => arm("bvp.pVolumeUnk", pVolumeUnk),
            O::VDS_ASYNCOUT_CREATELUN { pLunUnk } => arm("cl.pLunUnk", pLunUnk),
            O::VDS_ASYNCOUT_CREATETARGET { pTargetUnk } => arm("ct.pTargetUnk", pTargetUnk),
            O::VDS_ASYNCOUT_CREATEPORTALGROUP { pPortalGroupUnk } => {
                arm("cpg.pPortalGroupUnk", pPortalGroupUnk)
            }
            O::VDS_ASYNCOUT_CREATE_VDISK { pVDiskUnk } => arm("cvd.pVDiskUnk", pVDiskUnk),
            _ => None,
        }
    }

    /// Releases the pointer in the union arm, if any (what a caller does
    /// after a successful `Wait`), leaving the output with a `NULL` arm.
    pub fn release_pointers(&mut self) {
        let t = self.r#type();
        let taken = std::mem::replace(self, Self::null_of(t));
        use VDS_ASYNC_OUTPUT as O;
        match taken {
            O::VDS_ASYNCOUT_CREATEVOLUME {
                pVolumeUnk: Some(p),
            }
            | O::VDS_ASYNCOUT_BREAKVOLUMEPLEX {
                pVolumeUnk: Some(p),
            }
            | O::VDS_ASYNCOUT_CREATELUN { pLunUnk: Some(p) }
            | O::VDS_ASYNCOUT_CREATE_VDISK { pVDiskUnk: Some(p) } => p.release(),
            O::VDS_ASYNCOUT_CREATETARGET {
                pTargetUnk: Some(p),
            } => p.release(),
            O::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: Some(p),
            } => p.release(),
            other => *self = other,
        }
    }
}

impl fmt::Display for VDS_ASYNC_OUTPUT {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.r#type().name())?;
        match self.pointer() {
            Some(p) => write!(f, " {}={}", p.field, p.ref_id),
            None => Ok(()),
        }
    }
}
