#![allow(non_snake_case)]
//! The reference provider's COM objects: the provider root, the iSCSI
//! subsystem, targets, portal groups and portals. Each is a small handle
//! (the shared provider state plus an object id); every pointer handed out
//! is a fresh counted reference.

use std::sync::Arc;

use async_trait::async_trait;

use super::async_op::{AsyncOp, Produced, Work};
use super::{Mutation, Shared, array_error_hresult};
use crate::array::{ArrayError, ArrayReply, ArrayRequest};
use crate::com::{ComPtr, HrResult, ok, ok_with};
use crate::hresult::HResult;
use crate::interfaces::{
    IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi,
};
use crate::method::Method;
use crate::output_type::VDS_ASYNC_OUTPUT_TYPE as T;
use crate::props::{
    VDS_ISCSI_PORTAL_PROP, VDS_ISCSI_PORTAL_STATUS, VDS_ISCSI_PORTALGROUP_PROP,
    VDS_ISCSI_SHARED_SECRET, VDS_ISCSI_TARGET_PROP, VDS_OBJECT_ID,
};

fn subsystem_ptr(shared: &Arc<Shared>, origin: Method) -> ComPtr<dyn IVdsSubSystemIscsi> {
    let id = shared.lock().cache.data().subsystem;
    ComPtr::issue(
        &shared.ledger,
        Arc::new(SubSystem {
            shared: shared.clone(),
        }),
        Some(id),
        origin,
    )
}

fn target_ptr(
    shared: &Arc<Shared>,
    id: VDS_OBJECT_ID,
    origin: Method,
) -> ComPtr<dyn IVdsIscsiTarget> {
    ComPtr::issue(
        &shared.ledger,
        Arc::new(Target {
            shared: shared.clone(),
            id,
        }),
        Some(id),
        origin,
    )
}

fn group_ptr(
    shared: &Arc<Shared>,
    id: VDS_OBJECT_ID,
    origin: Method,
) -> ComPtr<dyn IVdsIscsiPortalGroup> {
    ComPtr::issue(
        &shared.ledger,
        Arc::new(PortalGroup {
            shared: shared.clone(),
            id,
        }),
        Some(id),
        origin,
    )
}

fn portal_ptr(
    shared: &Arc<Shared>,
    id: VDS_OBJECT_ID,
    origin: Method,
) -> ComPtr<dyn IVdsIscsiPortal> {
    ComPtr::issue(
        &shared.ledger,
        Arc::new(Portal {
            shared: shared.clone(),
            id,
        }),
        Some(id),
        origin,
    )
}

fn async_ptr(shared: &Arc<Shared>, op: Arc<AsyncOp>, origin: Method) -> ComPtr<dyn IVdsAsync> {
    ComPtr::issue(&shared.ledger, op as Arc<dyn IVdsAsync>, None, origin)
}

/// Runs one array request as an operation's work; `done` turns the
/// array's answer into what Wait hands back. `subject` is the object the
/// operation is about: its `NotFound` means it was deleted.
fn work(
    shared: &Arc<Shared>,
    req: ArrayRequest,
    subject: Option<VDS_OBJECT_ID>,
    done: impl FnOnce(&Arc<Shared>, ArrayReply) -> (HResult, Produced) + Send + 'static,
) -> Work {
    let shared = shared.clone();
    Box::pin(async move {
        match shared.ask(req).await {
            Err(hr) => (hr, Produced::Nothing),
            Ok(Ok(reply)) => done(&shared, reply),
            // The limit was reached while the operation ran (other
            // creations got there first): as at the call, hand back the
            // existing group with the lowest tag (rule CPG-LIMIT-EXISTING).
            Ok(Err(ArrayError::GroupLimitReached {
                lowest: Some(id), ..
            })) => (
                HResult::VDS_S_ALREADY_EXISTS,
                Produced::PortalGroup(Arc::new(PortalGroup {
                    shared: shared.clone(),
                    id,
                })),
            ),
            Ok(Err(e)) => {
                if let ArrayError::NotFound { id } = e
                    && Some(id) == subject
                {
                    shared.lock().cache.mark_deleted(id);
                }
                (array_error_hresult(&e), Produced::Nothing)
            }
        }
    })
}

mod hw_provider;
mod portal;
mod portal_group;
mod subsystem;
mod target;

pub(crate) use hw_provider::HwProvider;
pub(crate) use portal::Portal;
pub(crate) use portal_group::PortalGroup;
pub(crate) use subsystem::SubSystem;
pub(crate) use target::Target;
