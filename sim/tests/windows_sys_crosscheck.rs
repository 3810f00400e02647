//! Cross-checks every constant of `vds_sim::{hresult, output_type, props}`
//! against `windows-sys` 0.48.0, the last `windows-sys` release that ships the
//! `Win32_Storage_VirtualDiskService` feature.
//!
//! In `windows-sys` HRESULTs are `i32` and enums are `i32` type aliases, so
//! HRESULTs are compared through `as u32`. Each mapping below is written out
//! one line per constant; a test fails if an entry of one of our tables has no
//! line here (so adding a constant without a cross-check is caught).
//!
//! Every constant we define exists in `windows-sys` 0.48.0 (including
//! `VDS_S_GPT_BOOT_MIRRORED_TO_MBR`), so nothing is skipped. The only values
//! not compared are `FACILITY_ITF` / `FACILITY_WIN32`, which `windows-sys`
//! 0.48's `Win32::Foundation` does not export; they are checked indirectly via
//! the facility of every VDS code and of `HResult::from_win32`.

use std::collections::HashSet;

use vds_sim::hresult::{self, HResult, win32};
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::props::{self, VDS_HWPROVIDER_TYPE, VDS_IPADDRESS_TYPE, VDS_ISCSI_PORTAL_STATUS};
use windows_sys::Win32::Foundation as foundation;
use windows_sys::Win32::Storage::VirtualDiskService as vds;

/// Builds `fn $fn_name(name) -> Option<$ty>` from `NAME => windows-sys path`
/// lines: the SDK name on the left, the windows-sys constant (converted with
/// `as $ty`) on the right.
macro_rules! mapping {
    ($fn_name:ident -> $ty:ty { $( $name:ident => $ws:expr, )* }) => {
        fn $fn_name(name: &str) -> Option<$ty> {
            match name {
                $( stringify!($name) => Some($ws as $ty), )*
                _ => None,
            }
        }
    };
}

// ---------------------------------------------------------------------------
// HRESULTs
// ---------------------------------------------------------------------------

mapping!(ws_hresult -> u32 {
        VDS_E_NOT_SUPPORTED => vds::VDS_E_NOT_SUPPORTED,
        VDS_E_INITIALIZED_FAILED => vds::VDS_E_INITIALIZED_FAILED,
        VDS_E_INITIALIZE_NOT_CALLED => vds::VDS_E_INITIALIZE_NOT_CALLED,
        VDS_E_ALREADY_REGISTERED => vds::VDS_E_ALREADY_REGISTERED,
        VDS_E_ANOTHER_CALL_IN_PROGRESS => vds::VDS_E_ANOTHER_CALL_IN_PROGRESS,
        VDS_E_OBJECT_NOT_FOUND => vds::VDS_E_OBJECT_NOT_FOUND,
        VDS_E_OPERATION_PENDING => vds::VDS_E_OPERATION_PENDING,
        VDS_E_OPERATION_DENIED => vds::VDS_E_OPERATION_DENIED,
        VDS_E_OBJECT_DELETED => vds::VDS_E_OBJECT_DELETED,
        VDS_E_CANCEL_TOO_LATE => vds::VDS_E_CANCEL_TOO_LATE,
        VDS_E_OPERATION_CANCELED => vds::VDS_E_OPERATION_CANCELED,
        VDS_E_INVALID_OPERATION => vds::VDS_E_INVALID_OPERATION,
        VDS_E_UNRECOVERABLE_ERROR => vds::VDS_E_UNRECOVERABLE_ERROR,
        VDS_E_PROVIDER_INITIALIZATION_FAILED => vds::VDS_E_PROVIDER_INITIALIZATION_FAILED,
        VDS_E_OBJECT_EXISTS => vds::VDS_E_OBJECT_EXISTS,
        VDS_E_PROVIDER_CACHE_CORRUPT => vds::VDS_E_PROVIDER_CACHE_CORRUPT,
        VDS_S_PROVIDER_ERROR_LOADING_CACHE => vds::VDS_S_PROVIDER_ERROR_LOADING_CACHE,
        VDS_E_INCOMPATIBLE_FILE_SYSTEM => vds::VDS_E_INCOMPATIBLE_FILE_SYSTEM,
        VDS_E_INCOMPATIBLE_MEDIA => vds::VDS_E_INCOMPATIBLE_MEDIA,
        VDS_E_ACCESS_DENIED => vds::VDS_E_ACCESS_DENIED,
        VDS_E_OBJECT_STATUS_FAILED => vds::VDS_E_OBJECT_STATUS_FAILED,
        VDS_E_BAD_PROVIDER_DATA => vds::VDS_E_BAD_PROVIDER_DATA,
        VDS_E_PROVIDER_FAILURE => vds::VDS_E_PROVIDER_FAILURE,
        VDS_E_INTERNAL_ERROR => vds::VDS_E_INTERNAL_ERROR,
        VDS_E_PROVIDER_TYPE_NOT_SUPPORTED => vds::VDS_E_PROVIDER_TYPE_NOT_SUPPORTED,
        VDS_S_IN_PROGRESS => vds::VDS_S_IN_PROGRESS,
        VDS_E_ASYNC_OBJECT_FAILURE => vds::VDS_E_ASYNC_OBJECT_FAILURE,
        VDS_E_OBJECT_OUT_OF_SYNC => vds::VDS_E_OBJECT_OUT_OF_SYNC,
        VDS_E_TIMEOUT => vds::VDS_E_TIMEOUT,
        VDS_E_RETRY => vds::VDS_E_RETRY,
        VDS_E_PROVIDER_EXITING => vds::VDS_E_PROVIDER_EXITING,
        VDS_S_NO_NOTIFICATION => vds::VDS_S_NO_NOTIFICATION,
        VDS_E_CACHE_CORRUPT => vds::VDS_E_CACHE_CORRUPT,
        VDS_E_INVALID_OBJECT_TYPE => vds::VDS_E_INVALID_OBJECT_TYPE,
        VDS_E_INVALID_PROVIDER_ID => vds::VDS_E_INVALID_PROVIDER_ID,
        VDS_E_PROVIDER_INTERNAL_ERROR => vds::VDS_E_PROVIDER_INTERNAL_ERROR,
        VDS_E_UNRECOVERABLE_PROVIDER_ERROR => vds::VDS_E_UNRECOVERABLE_PROVIDER_ERROR,
        VDS_E_INVALID_STATE => vds::VDS_E_INVALID_STATE,
        VDS_S_NAME_TRUNCATED => vds::VDS_S_NAME_TRUNCATED,
        VDS_E_NAME_NOT_UNIQUE => vds::VDS_E_NAME_NOT_UNIQUE,
        VDS_S_STATUSES_INCOMPLETELY_SET => vds::VDS_S_STATUSES_INCOMPLETELY_SET,
        VDS_E_ADDRESSES_INCOMPLETELY_SET => vds::VDS_E_ADDRESSES_INCOMPLETELY_SET,
        VDS_E_SECURITY_INCOMPLETELY_SET => vds::VDS_E_SECURITY_INCOMPLETELY_SET,
        VDS_E_TARGET_SPECIFIC_NOT_SUPPORTED => vds::VDS_E_TARGET_SPECIFIC_NOT_SUPPORTED,
        VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED => vds::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED,
        VDS_E_ISCSI_LOGIN_FAILED => vds::VDS_E_ISCSI_LOGIN_FAILED,
        VDS_E_ISCSI_LOGOUT_FAILED => vds::VDS_E_ISCSI_LOGOUT_FAILED,
        VDS_E_ISCSI_SESSION_NOT_FOUND => vds::VDS_E_ISCSI_SESSION_NOT_FOUND,
        VDS_E_ASSOCIATED_LUNS_EXIST => vds::VDS_E_ASSOCIATED_LUNS_EXIST,
        VDS_E_ASSOCIATED_PORTALS_EXIST => vds::VDS_E_ASSOCIATED_PORTALS_EXIST,
        VDS_E_NO_DISCOVERY_DOMAIN => vds::VDS_E_NO_DISCOVERY_DOMAIN,
        VDS_E_MULTIPLE_DISCOVERY_DOMAINS => vds::VDS_E_MULTIPLE_DISCOVERY_DOMAINS,
        VDS_E_ISCSI_LOGOUT_INCOMPLETE => vds::VDS_E_ISCSI_LOGOUT_INCOMPLETE,
        VDS_E_PROVIDER_CACHE_OUTOFSYNC => vds::VDS_E_PROVIDER_CACHE_OUTOFSYNC,
        VDS_E_NO_IMPORT_TARGET => vds::VDS_E_NO_IMPORT_TARGET,
        VDS_S_ALREADY_EXISTS => vds::VDS_S_ALREADY_EXISTS,
        VDS_S_PROPERTIES_INCOMPLETE => vds::VDS_S_PROPERTIES_INCOMPLETE,
        VDS_S_ISCSI_SESSION_NOT_FOUND_PERSISTENT_LOGIN_REMOVED => vds::VDS_S_ISCSI_SESSION_NOT_FOUND_PERSISTENT_LOGIN_REMOVED,
        VDS_S_ISCSI_PERSISTENT_LOGIN_MAY_NOT_BE_REMOVED => vds::VDS_S_ISCSI_PERSISTENT_LOGIN_MAY_NOT_BE_REMOVED,
        VDS_S_ISCSI_LOGIN_ALREAD_EXISTS => vds::VDS_S_ISCSI_LOGIN_ALREAD_EXISTS,
        VDS_E_INITIATOR_ADAPTER_NOT_FOUND => vds::VDS_E_INITIATOR_ADAPTER_NOT_FOUND,
        VDS_E_TARGET_PORTAL_NOT_FOUND => vds::VDS_E_TARGET_PORTAL_NOT_FOUND,
        VDS_E_INVALID_PORT_PATH => vds::VDS_E_INVALID_PORT_PATH,
        VDS_E_INVALID_ISCSI_TARGET_NAME => vds::VDS_E_INVALID_ISCSI_TARGET_NAME,
        VDS_E_SET_TUNNEL_MODE_OUTER_ADDRESS => vds::VDS_E_SET_TUNNEL_MODE_OUTER_ADDRESS,
        VDS_E_ISCSI_GET_IKE_INFO => vds::VDS_E_ISCSI_GET_IKE_INFO,
        VDS_E_ISCSI_SET_IKE_INFO => vds::VDS_E_ISCSI_SET_IKE_INFO,
        VDS_E_SUBSYSTEM_ID_IS_NULL => vds::VDS_E_SUBSYSTEM_ID_IS_NULL,
        VDS_E_ISCSI_INITIATOR_NODE_NAME => vds::VDS_E_ISCSI_INITIATOR_NODE_NAME,
        VDS_E_ISCSI_GROUP_PRESHARE_KEY => vds::VDS_E_ISCSI_GROUP_PRESHARE_KEY,
        VDS_E_ISCSI_CHAP_SECRET => vds::VDS_E_ISCSI_CHAP_SECRET,
        VDS_E_INVALID_IP_ADDRESS => vds::VDS_E_INVALID_IP_ADDRESS,
        VDS_E_INVALID_PATH => vds::VDS_E_INVALID_PATH,
        VDS_E_INVALID_ISCSI_PATH => vds::VDS_E_INVALID_ISCSI_PATH,
        S_OK => foundation::S_OK,
        S_FALSE => foundation::S_FALSE,
        E_INVALIDARG => foundation::E_INVALIDARG,
        E_OUTOFMEMORY => foundation::E_OUTOFMEMORY,
        E_POINTER => foundation::E_POINTER,
        E_NOTIMPL => foundation::E_NOTIMPL,
        E_NOINTERFACE => foundation::E_NOINTERFACE,
        E_FAIL => foundation::E_FAIL,
        E_UNEXPECTED => foundation::E_UNEXPECTED,
        E_ACCESSDENIED => foundation::E_ACCESSDENIED,
        VDS_S_GPT_BOOT_MIRRORED_TO_MBR => vds::VDS_S_GPT_BOOT_MIRRORED_TO_MBR,
});

#[test]
fn every_known_hresult_matches_windows_sys() {
    let mut missing = Vec::new();
    for &(name, ours) in hresult::KNOWN {
        match ws_hresult(name) {
            Some(theirs) => assert_eq!(
                ours.as_u32(),
                theirs,
                "{name}: ours {ours} vs windows-sys 0x{theirs:08X}"
            ),
            None => missing.push(name),
        }
    }
    assert!(
        missing.is_empty(),
        "KNOWN entries without a windows-sys mapping: {missing:?}"
    );
    // 74 table rows + VDS_S_GPT_BOOT_MIRRORED_TO_MBR + 10 standard codes.
    assert_eq!(hresult::KNOWN.len(), 85);
}

#[test]
fn associated_constants_match_windows_sys() {
    // Spot-check that the associated constants (not only the KNOWN table) are
    // the same values, including the quirky ones called out in the facts sheet.
    assert_eq!(
        HResult::VDS_S_NO_NOTIFICATION.as_u32(),
        vds::VDS_S_NO_NOTIFICATION as u32
    );
    assert_eq!(
        HResult::VDS_S_GPT_BOOT_MIRRORED_TO_MBR.as_u32(),
        vds::VDS_S_GPT_BOOT_MIRRORED_TO_MBR as u32
    );
    assert_eq!(
        HResult::VDS_S_ISCSI_LOGIN_ALREAD_EXISTS.as_u32(),
        vds::VDS_S_ISCSI_LOGIN_ALREAD_EXISTS as u32
    );
    assert_eq!(
        HResult::VDS_E_OPERATION_PENDING.as_i32(),
        vds::VDS_E_OPERATION_PENDING
    );
    assert_eq!(HResult::E_INVALIDARG.as_i32(), foundation::E_INVALIDARG);
    for &(name, ours) in hresult::KNOWN {
        assert_eq!(HResult::from_name(name), Some(ours));
    }
}

// ---------------------------------------------------------------------------
// Win32 errors and HRESULT_FROM_WIN32
// ---------------------------------------------------------------------------

mapping!(ws_win32 -> u32 {
    ERROR_ACCESS_DENIED => foundation::ERROR_ACCESS_DENIED,
    ERROR_NOT_ENOUGH_MEMORY => foundation::ERROR_NOT_ENOUGH_MEMORY,
    ERROR_OUTOFMEMORY => foundation::ERROR_OUTOFMEMORY,
    ERROR_NOT_SUPPORTED => foundation::ERROR_NOT_SUPPORTED,
    ERROR_INVALID_PARAMETER => foundation::ERROR_INVALID_PARAMETER,
    ERROR_ALREADY_EXISTS => foundation::ERROR_ALREADY_EXISTS,
    ERROR_NOT_FOUND => foundation::ERROR_NOT_FOUND,
    ERROR_CANCELLED => foundation::ERROR_CANCELLED,
    ERROR_TIMEOUT => foundation::ERROR_TIMEOUT,
});

/// The SDK's `HRESULT_FROM_WIN32`, written independently of `vds_sim`.
fn hresult_from_win32(x: u32) -> u32 {
    if (x as i32) <= 0 {
        x
    } else {
        (x & 0x0000_FFFF) | (7 << 16) | 0x8000_0000
    }
}

#[test]
fn win32_errors_match_windows_sys() {
    let mut missing = Vec::new();
    for &(name, ours) in win32::ALL {
        match ws_win32(name) {
            Some(theirs) => assert_eq!(ours, theirs, "{name}"),
            None => missing.push(name),
        }
    }
    assert!(
        missing.is_empty(),
        "win32::ALL entries without a mapping: {missing:?}"
    );
    assert_eq!(win32::ALL.len(), 9);
}

#[test]
fn from_win32_matches_formula_on_windows_sys_values() {
    for &(name, _) in win32::ALL {
        let ws = ws_win32(name).unwrap();
        let hr = HResult::from_win32(ws);
        assert_eq!(hr.as_u32(), hresult_from_win32(ws), "{name}");
        assert_eq!(hr.facility(), hresult::FACILITY_WIN32, "{name}");
        assert!(hr.failed(), "{name}");
    }
    // The two aliases the facts sheet calls out, against windows-sys's own
    // HRESULT constants.
    assert_eq!(
        HResult::from_win32(foundation::ERROR_INVALID_PARAMETER).as_u32(),
        foundation::E_INVALIDARG as u32
    );
    assert_eq!(
        HResult::from_win32(foundation::ERROR_OUTOFMEMORY).as_u32(),
        foundation::E_OUTOFMEMORY as u32
    );
    assert_eq!(
        HResult::from_win32(foundation::ERROR_ACCESS_DENIED).as_u32(),
        foundation::E_ACCESSDENIED as u32
    );
    assert_eq!(
        HResult::from_win32(foundation::ERROR_TIMEOUT).as_u32(),
        0x8007_05B4
    );
    // Pass-through branch.
    assert_eq!(HResult::from_win32(0).as_u32(), foundation::S_OK as u32);
    let neg = vds::VDS_E_OBJECT_DELETED as u32;
    assert_eq!(HResult::from_win32(neg).as_u32(), hresult_from_win32(neg));
}

#[test]
fn vds_codes_have_facility_itf() {
    for &(name, hr) in hresult::KNOWN.iter().filter(|(n, _)| n.starts_with("VDS_")) {
        assert_eq!(hr.facility(), hresult::FACILITY_ITF, "{name}");
    }
}

// ---------------------------------------------------------------------------
// VDS_ASYNC_OUTPUT_TYPE
// ---------------------------------------------------------------------------

mapping!(ws_output_type -> i32 {
    VDS_ASYNCOUT_UNKNOWN => vds::VDS_ASYNCOUT_UNKNOWN,
    VDS_ASYNCOUT_CREATEVOLUME => vds::VDS_ASYNCOUT_CREATEVOLUME,
    VDS_ASYNCOUT_EXTENDVOLUME => vds::VDS_ASYNCOUT_EXTENDVOLUME,
    VDS_ASYNCOUT_SHRINKVOLUME => vds::VDS_ASYNCOUT_SHRINKVOLUME,
    VDS_ASYNCOUT_ADDVOLUMEPLEX => vds::VDS_ASYNCOUT_ADDVOLUMEPLEX,
    VDS_ASYNCOUT_BREAKVOLUMEPLEX => vds::VDS_ASYNCOUT_BREAKVOLUMEPLEX,
    VDS_ASYNCOUT_REMOVEVOLUMEPLEX => vds::VDS_ASYNCOUT_REMOVEVOLUMEPLEX,
    VDS_ASYNCOUT_REPAIRVOLUMEPLEX => vds::VDS_ASYNCOUT_REPAIRVOLUMEPLEX,
    VDS_ASYNCOUT_RECOVERPACK => vds::VDS_ASYNCOUT_RECOVERPACK,
    VDS_ASYNCOUT_REPLACEDISK => vds::VDS_ASYNCOUT_REPLACEDISK,
    VDS_ASYNCOUT_CREATEPARTITION => vds::VDS_ASYNCOUT_CREATEPARTITION,
    VDS_ASYNCOUT_CLEAN => vds::VDS_ASYNCOUT_CLEAN,
    VDS_ASYNCOUT_CREATELUN => vds::VDS_ASYNCOUT_CREATELUN,
    VDS_ASYNCOUT_ADDLUNPLEX => vds::VDS_ASYNCOUT_ADDLUNPLEX,
    VDS_ASYNCOUT_REMOVELUNPLEX => vds::VDS_ASYNCOUT_REMOVELUNPLEX,
    VDS_ASYNCOUT_EXTENDLUN => vds::VDS_ASYNCOUT_EXTENDLUN,
    VDS_ASYNCOUT_SHRINKLUN => vds::VDS_ASYNCOUT_SHRINKLUN,
    VDS_ASYNCOUT_RECOVERLUN => vds::VDS_ASYNCOUT_RECOVERLUN,
    VDS_ASYNCOUT_LOGINTOTARGET => vds::VDS_ASYNCOUT_LOGINTOTARGET,
    VDS_ASYNCOUT_LOGOUTFROMTARGET => vds::VDS_ASYNCOUT_LOGOUTFROMTARGET,
    VDS_ASYNCOUT_CREATETARGET => vds::VDS_ASYNCOUT_CREATETARGET,
    VDS_ASYNCOUT_CREATEPORTALGROUP => vds::VDS_ASYNCOUT_CREATEPORTALGROUP,
    VDS_ASYNCOUT_DELETETARGET => vds::VDS_ASYNCOUT_DELETETARGET,
    VDS_ASYNCOUT_ADDPORTAL => vds::VDS_ASYNCOUT_ADDPORTAL,
    VDS_ASYNCOUT_REMOVEPORTAL => vds::VDS_ASYNCOUT_REMOVEPORTAL,
    VDS_ASYNCOUT_DELETEPORTALGROUP => vds::VDS_ASYNCOUT_DELETEPORTALGROUP,
    VDS_ASYNCOUT_FORMAT => vds::VDS_ASYNCOUT_FORMAT,
    VDS_ASYNCOUT_CREATE_VDISK => vds::VDS_ASYNCOUT_CREATE_VDISK,
    VDS_ASYNCOUT_ATTACH_VDISK => vds::VDS_ASYNCOUT_ATTACH_VDISK,
    VDS_ASYNCOUT_COMPACT_VDISK => vds::VDS_ASYNCOUT_COMPACT_VDISK,
    VDS_ASYNCOUT_MERGE_VDISK => vds::VDS_ASYNCOUT_MERGE_VDISK,
    VDS_ASYNCOUT_EXPAND_VDISK => vds::VDS_ASYNCOUT_EXPAND_VDISK,
});

#[test]
fn every_output_type_matches_windows_sys() {
    let mut missing = Vec::new();
    for &t in VDS_ASYNC_OUTPUT_TYPE::ALL {
        match ws_output_type(t.name()) {
            Some(theirs) => assert_eq!(t.value(), theirs, "{t}"),
            None => missing.push(t.name()),
        }
    }
    assert!(
        missing.is_empty(),
        "variants without a windows-sys mapping: {missing:?}"
    );
    assert_eq!(VDS_ASYNC_OUTPUT_TYPE::ALL.len(), 32);
    // VDS_ASYNCOUT_BREAKLUNPLEX (51) is deprecated and absent from windows-sys
    // 0.48, and from our enum.
    assert!(VDS_ASYNC_OUTPUT_TYPE::try_from(51).is_err());
    // windows-sys types the discriminant as plain i32, like our repr.
    let raw: vds::VDS_ASYNC_OUTPUT_TYPE =
        VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP.value();
    assert_eq!(raw, 63);
}

// ---------------------------------------------------------------------------
// props enums
// ---------------------------------------------------------------------------

mapping!(ws_props_enum -> i32 {
    VDS_IPT_TEXT => vds::VDS_IPT_TEXT,
    VDS_IPT_IPV4 => vds::VDS_IPT_IPV4,
    VDS_IPT_IPV6 => vds::VDS_IPT_IPV6,
    VDS_IPT_EMPTY => vds::VDS_IPT_EMPTY,
    VDS_IPS_UNKNOWN => vds::VDS_IPS_UNKNOWN,
    VDS_IPS_ONLINE => vds::VDS_IPS_ONLINE,
    VDS_IPS_NOT_READY => vds::VDS_IPS_NOT_READY,
    VDS_IPS_OFFLINE => vds::VDS_IPS_OFFLINE,
    VDS_IPS_FAILED => vds::VDS_IPS_FAILED,
    VDS_HWT_UNKNOWN => vds::VDS_HWT_UNKNOWN,
    VDS_HWT_PCI_RAID => vds::VDS_HWT_PCI_RAID,
    VDS_HWT_FIBRE_CHANNEL => vds::VDS_HWT_FIBRE_CHANNEL,
    VDS_HWT_ISCSI => vds::VDS_HWT_ISCSI,
    VDS_HWT_SAS => vds::VDS_HWT_SAS,
    VDS_HWT_HYBRID => vds::VDS_HWT_HYBRID,
});

#[test]
fn every_props_enum_variant_matches_windows_sys() {
    let all: Vec<(&str, i32)> = VDS_IPADDRESS_TYPE::ALL
        .iter()
        .map(|v| (v.name(), v.value()))
        .chain(
            VDS_ISCSI_PORTAL_STATUS::ALL
                .iter()
                .map(|v| (v.name(), v.value())),
        )
        .chain(
            VDS_HWPROVIDER_TYPE::ALL
                .iter()
                .map(|v| (v.name(), v.value())),
        )
        .collect();
    assert_eq!(all.len(), 4 + 5 + 6);
    let mut missing = Vec::new();
    for (name, ours) in all {
        match ws_props_enum(name) {
            Some(theirs) => assert_eq!(ours, theirs, "{name}"),
            None => missing.push(name),
        }
    }
    assert!(
        missing.is_empty(),
        "variants without a windows-sys mapping: {missing:?}"
    );
    // The enum types are i32 aliases in windows-sys.
    let _: vds::VDS_IPADDRESS_TYPE = VDS_IPADDRESS_TYPE::VDS_IPT_IPV4.value();
    let _: vds::VDS_ISCSI_PORTAL_STATUS = VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE.value();
    let _: vds::VDS_HWPROVIDER_TYPE = VDS_HWPROVIDER_TYPE::VDS_HWT_ISCSI.value();
}

// ---------------------------------------------------------------------------
// props constants
// ---------------------------------------------------------------------------

mapping!(ws_props_u32 -> u32 {
    VDS_NF_PORTAL_ARRIVE => vds::VDS_NF_PORTAL_ARRIVE,
    VDS_NF_PORTAL_DEPART => vds::VDS_NF_PORTAL_DEPART,
    VDS_NF_PORTAL_MODIFY => vds::VDS_NF_PORTAL_MODIFY,
    VDS_NF_TARGET_ARRIVE => vds::VDS_NF_TARGET_ARRIVE,
    VDS_NF_TARGET_DEPART => vds::VDS_NF_TARGET_DEPART,
    VDS_NF_TARGET_MODIFY => vds::VDS_NF_TARGET_MODIFY,
    VDS_NF_PORTAL_GROUP_ARRIVE => vds::VDS_NF_PORTAL_GROUP_ARRIVE,
    VDS_NF_PORTAL_GROUP_DEPART => vds::VDS_NF_PORTAL_GROUP_DEPART,
    VDS_NF_PORTAL_GROUP_MODIFY => vds::VDS_NF_PORTAL_GROUP_MODIFY,
    // windows-sys types the VDS_SUB_SYSTEM_FLAG values as i32; ours are u32.
    VDS_SF_SUPPORTS_AUTH_CHAP => vds::VDS_SF_SUPPORTS_AUTH_CHAP,
    VDS_SF_SUPPORTS_AUTH_MUTUAL_CHAP => vds::VDS_SF_SUPPORTS_AUTH_MUTUAL_CHAP,
    VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG => vds::VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG,
});

mapping!(ws_props_i32 -> i32 {
    VDS_OT_PORTAL => vds::VDS_OT_PORTAL,
    VDS_OT_TARGET => vds::VDS_OT_TARGET,
    VDS_OT_PORTAL_GROUP => vds::VDS_OT_PORTAL_GROUP,
    VDS_OT_ASYNC => vds::VDS_OT_ASYNC,
    VDS_NTT_PORTAL => vds::VDS_NTT_PORTAL,
    VDS_NTT_TARGET => vds::VDS_NTT_TARGET,
    VDS_NTT_PORTAL_GROUP => vds::VDS_NTT_PORTAL_GROUP,
    VDS_PT_HARDWARE => vds::VDS_PT_HARDWARE,
});

#[test]
fn every_props_constant_matches_windows_sys() {
    let u32s: Vec<(&str, u32)> = props::NOTIFICATION_EVENTS
        .iter()
        .chain(props::SUB_SYSTEM_FLAGS)
        .copied()
        .collect();
    let i32s: Vec<(&str, i32)> = props::OBJECT_TYPES
        .iter()
        .chain(props::NOTIFICATION_TARGET_TYPES)
        .copied()
        .chain([("VDS_PT_HARDWARE", props::VDS_PT_HARDWARE)])
        .collect();
    assert_eq!(u32s.len(), 9 + 3);
    assert_eq!(i32s.len(), 4 + 3 + 1);
    let mut missing = Vec::new();
    for (name, ours) in u32s {
        match ws_props_u32(name) {
            Some(theirs) => assert_eq!(ours, theirs, "{name}"),
            None => missing.push(name),
        }
    }
    for (name, ours) in i32s {
        match ws_props_i32(name) {
            Some(theirs) => assert_eq!(ours, theirs, "{name}"),
            None => missing.push(name),
        }
    }
    assert!(
        missing.is_empty(),
        "constants without a windows-sys mapping: {missing:?}"
    );

    // The tables above must list the named constants themselves.
    assert_eq!(
        props::VDS_NF_PORTAL_GROUP_ARRIVE,
        vds::VDS_NF_PORTAL_GROUP_ARRIVE
    );
    assert_eq!(props::VDS_OT_PORTAL_GROUP, vds::VDS_OT_PORTAL_GROUP);
    assert_eq!(props::VDS_NTT_PORTAL_GROUP, vds::VDS_NTT_PORTAL_GROUP);
    assert_eq!(
        props::VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG,
        vds::VDS_SF_SUPPORTS_SIMPLE_TARGET_CONFIG as u32
    );
    let names: HashSet<&str> = props::NOTIFICATION_EVENTS
        .iter()
        .chain(props::SUB_SYSTEM_FLAGS)
        .map(|(n, _)| *n)
        .chain(
            props::OBJECT_TYPES
                .iter()
                .chain(props::NOTIFICATION_TARGET_TYPES)
                .map(|(n, _)| *n),
        )
        .collect();
    assert_eq!(
        names.len(),
        9 + 3 + 4 + 3,
        "duplicate names in props tables"
    );
}

// ---------------------------------------------------------------------------
// props structs: field names and scalar types
// ---------------------------------------------------------------------------

fn ws_guid(id: props::VDS_OBJECT_ID) -> windows_sys::core::GUID {
    windows_sys::core::GUID::from_u128(id.as_u128())
}

/// Building each windows-sys struct from ours with struct-literal syntax
/// makes the compiler check that every field name (and scalar type) agrees.
#[test]
fn struct_fields_line_up_with_windows_sys() {
    let id = props::VDS_OBJECT_ID::from_u128(0xfef5f89d_a3dd_4b36_bf28_e7dde045c593);
    let g = ws_guid(id);
    assert_eq!(
        (g.data1, g.data2, g.data3, g.data4),
        (
            0xfef5f89d,
            0xa3dd,
            0x4b36,
            [0xbf, 0x28, 0xe7, 0xdd, 0xe0, 0x45, 0xc5, 0x93]
        )
    );

    let pg = props::VDS_ISCSI_PORTALGROUP_PROP { id, tag: 7 };
    let ws_pg = vds::VDS_ISCSI_PORTALGROUP_PROP {
        id: ws_guid(pg.id),
        tag: pg.tag,
    };
    assert_eq!(ws_pg.tag, 7);

    let addr = props::VDS_IPADDRESS::ipv4([192, 168, 0, 10], 3260);
    let ws_addr = vds::VDS_IPADDRESS {
        r#type: addr.r#type.value(),
        ipv4Address: addr.ipv4Address,
        ipv6Address: addr.ipv6Address,
        ulIpv6FlowInfo: addr.ulIpv6FlowInfo,
        ulIpv6ScopeId: addr.ulIpv6ScopeId,
        wszTextAddress: [0; 257],
        ulPort: addr.ulPort,
    };
    assert_eq!(
        ws_addr.wszTextAddress.len(),
        props::VDS_IPADDRESS::TEXT_ADDRESS_MAX_CHARS + 1
    );
    assert_eq!(ws_addr.r#type, vds::VDS_IPT_IPV4);

    let portal = props::VDS_ISCSI_PORTAL_PROP {
        id,
        address: addr,
        status: VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE,
    };
    let ws_portal = vds::VDS_ISCSI_PORTAL_PROP {
        id: ws_guid(portal.id),
        address: ws_addr,
        status: portal.status.value(),
    };
    assert_eq!(ws_portal.status, vds::VDS_IPS_ONLINE);

    let target = props::VDS_ISCSI_TARGET_PROP {
        id,
        pwszIscsiName: String::new(),
        pwszFriendlyName: String::new(),
        bChapEnabled: true,
    };
    let ws_target = vds::VDS_ISCSI_TARGET_PROP {
        id: ws_guid(target.id),
        pwszIscsiName: std::ptr::null_mut(),
        pwszFriendlyName: std::ptr::null_mut(),
        bChapEnabled: foundation::BOOL::from(target.bChapEnabled),
    };
    assert_eq!(ws_target.bChapEnabled, 1);

    let secret = props::VDS_ISCSI_SHARED_SECRET::null();
    let ws_secret = vds::VDS_ISCSI_SHARED_SECRET {
        pSharedSecret: std::ptr::null_mut(),
        ulSharedSecretSize: secret.ulSharedSecretSize,
    };
    assert_eq!(ws_secret.ulSharedSecretSize, 0);

    let key = props::VDS_ISCSI_IPSEC_KEY::null();
    let ws_key = vds::VDS_ISCSI_IPSEC_KEY {
        pKey: std::ptr::null_mut(),
        ulKeySize: key.ulKeySize,
    };
    assert_eq!(ws_key.ulKeySize, 0);

    let prov = props::VDS_PROVIDER_PROP {
        id,
        pwszName: String::new(),
        guidVersionId: props::VDS_OBJECT_ID::NIL,
        pwszVersion: String::new(),
        r#type: props::VDS_PT_HARDWARE,
        ulFlags: 0,
        ulStripeSizeFlags: 0,
        sRebuildPriority: 0,
    };
    let ws_prov = vds::VDS_PROVIDER_PROP {
        id: ws_guid(prov.id),
        pwszName: std::ptr::null_mut(),
        guidVersionId: ws_guid(prov.guidVersionId),
        pwszVersion: std::ptr::null_mut(),
        r#type: prov.r#type,
        ulFlags: prov.ulFlags,
        ulStripeSizeFlags: prov.ulStripeSizeFlags,
        sRebuildPriority: prov.sRebuildPriority,
    };
    assert_eq!(ws_prov.r#type, vds::VDS_PT_HARDWARE);

    let note = props::VDS_PORTAL_GROUP_NOTIFICATION {
        ulEvent: props::VDS_NF_PORTAL_GROUP_ARRIVE,
        portalGroupId: id,
    };
    let ws_note = vds::VDS_PORTAL_GROUP_NOTIFICATION {
        ulEvent: note.ulEvent,
        portalGroupId: ws_guid(note.portalGroupId),
    };
    assert_eq!(ws_note.ulEvent, vds::VDS_NF_PORTAL_GROUP_ARRIVE);

    // The tag alias is the u16 that windows-sys uses for the field.
    let tag: props::VDS_ISCSI_PORTALGROUP_TAG = ws_pg.tag;
    assert_eq!(tag, 7);
}
