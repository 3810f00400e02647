//! Everything a provider author needs, in one import:
//! `use vds_sim::prelude::*;`.
//!
//! It holds the contract (HRESULTs, property structs, output types, the
//! interface traits and [`Method`]), interface pointers and the ledger, the
//! array's request protocol and the link (a provider's only way to the
//! array), the runtime facade (spawn, sleep, now), the provider traits, and
//! [`Wrapped`] for providers that differ from another in a few methods. It
//! also holds what a test needs to run one world ([`WorldConfig`],
//! [`run`](crate::run)). What is not here is the simulator's own business.
//!
//! ```
//! use vds_sim::prelude::*;
//! let cfg = WorldConfig::new(3)
//!     .array(ArrayConfig::new().target("t1"))
//!     .client(ClientProgram::new("c1", vec![
//!         Step::CreatePortalGroup { target: "t1".into(), bind: "op".into() },
//!         Step::Wait { op: "op".into(), bind: None },
//!     ]));
//! let outcome = vds_sim::run(&cfg, &ReferenceFactory::default());
//! let call = outcome.steps.iter().find(|s| s.method == Method::TargetCreatePortalGroup);
//! assert_eq!(call.map(|s| s.hr), Some(HResult::S_OK));
//! ```

pub use crate::array::link::{ArrayLink, DEFAULT_LINK_TIMEOUT, LinkError};
pub use crate::array::{
    ArrayConfig, ArrayError, ArrayReply, ArrayRequest, ArrayResult, ArraySnapshot, GroupRecord,
    PortalRecord, TargetRecord,
};
pub use crate::com::{ComPtr, HrResult, Interface, Success, ok, ok_with};
pub use crate::hresult::{HResult, win32};
pub use crate::interfaces::async_output::VDS_ASYNC_OUTPUT;
pub use crate::interfaces::{
    AsyncStatus, IUnknown, IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup,
    IVdsIscsiTarget, IVdsSubSystemIscsi, WaitOutput,
};
pub use crate::ledger::{Ledger, RefId};
pub use crate::method::{Issuer, Method};
pub use crate::output_type::VDS_ASYNC_OUTPUT_TYPE;
pub use crate::program::{ClientProgram, Step};
pub use crate::props::*;
pub use crate::provider::declaration::{Declaration, LockDomain};
pub use crate::provider::wrap::{Wrap, Wrapped};
pub use crate::provider::{
    ProviderContext, ProviderEnd, ProviderFactory, ProviderFault, ProviderFaultKind,
    ReferenceFactory, ReferenceProvider, SimProvider,
};
pub use crate::runtime::{self, EngineKind};
pub use crate::world::{RunOutcome, WorldConfig};
pub use async_trait::async_trait;
