//! Interface pointers. A [`ComPtr`] is one counted reference to a VDS object,
//! typed by the COM interface it was handed out as. It cannot be forgotten
//! without the [`Ledger`] noticing: dropping it without [`ComPtr::release`]
//! records a leak.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::hresult::HResult;
use crate::ledger::{Ledger, RefId};
use crate::method::{Issuer, Method};
use crate::props::VDS_OBJECT_ID;

/// What a successful call hands back: its success code and its out-parameters.
///
/// Success codes other than `S_OK` (such as `VDS_S_ALREADY_EXISTS`) still
/// come with out-parameters, so they travel here rather than in the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Success<T> {
    /// A success HRESULT (`S_OK` or a `VDS_S_*` code).
    pub hr: HResult,
    /// The call's out-parameters.
    pub out: T,
}

impl<T> Success<T> {
    /// Maps the out-parameters, keeping the code.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Success<U> {
        Success {
            hr: self.hr,
            out: f(self.out),
        }
    }
}

/// The result of a VDS method: a success code with out-parameters, or a failure code.
///
/// A provider that puts a success code in `Err` or a failure code in `Ok`
/// answers nonsense; the harness reports it as such.
pub type HrResult<T> = Result<Success<T>, HResult>;

/// `Ok` with `S_OK` and the given out-parameters.
///
/// ```
/// use vds_sim::com::ok;
/// use vds_sim::hresult::HResult;
/// let r = ok(5u32);
/// assert_eq!(r.unwrap().hr, HResult::S_OK);
/// ```
pub fn ok<T>(out: T) -> HrResult<T> {
    Ok(Success {
        hr: HResult::S_OK,
        out,
    })
}

/// `Ok` with a success code other than `S_OK`, such as `VDS_S_ALREADY_EXISTS`.
pub fn ok_with<T>(hr: HResult, out: T) -> HrResult<T> {
    Ok(Success { hr, out })
}

/// Names the COM interface a Rust trait stands for, for the ledger and the trace.
pub trait Interface {
    /// The SDK name of the interface, e.g. `IVdsIscsiTarget`.
    const NAME: &'static str;
}

/// One counted interface pointer, as handed to a caller.
///
/// Calls go through [`Deref`] to the interface trait; each call is shown to
/// the ledger, so a call through a released pointer is caught. Release it
/// with [`ComPtr::release`]; dropping it unreleased is a leak.
pub struct ComPtr<I: ?Sized + Interface> {
    object: Arc<I>,
    id: RefId,
    object_id: Option<VDS_OBJECT_ID>,
    ledger: Ledger,
    released: bool,
}

impl<I: ?Sized + Interface> ComPtr<I> {
    /// Hands out a new counted reference to `object` (the model of `AddRef`).
    /// `origin` names the call that hands it out.
    pub fn issue(
        ledger: &Ledger,
        object: Arc<I>,
        object_id: Option<VDS_OBJECT_ID>,
        origin: impl Into<Issuer>,
    ) -> Self {
        let id = ledger.issue(I::NAME, object_id, origin);
        Self {
            object,
            id,
            object_id,
            ledger: ledger.clone(),
            released: false,
        }
    }

    /// A second counted reference to the same object (`AddRef`); both must be released.
    pub fn add_ref(&self, origin: impl Into<Issuer>) -> Self {
        Self::issue(&self.ledger, self.object.clone(), self.object_id, origin)
    }

    /// A copy that shares this pointer's reference without `AddRef`: the
    /// classic bug of handing out a raw pointer twice. Releasing both is a
    /// double release. Exists so that broken providers and ledger tests can
    /// commit the bug on purpose.
    pub fn alias_without_add_ref(&self) -> Self {
        Self {
            object: self.object.clone(),
            id: self.id,
            object_id: self.object_id,
            ledger: self.ledger.clone(),
            released: false,
        }
    }

    /// Puts another object behind this same counted reference, keeping its
    /// ledger entry: how a decorator hands out its wrapper around the object
    /// an inner provider returned. The reference is not released or
    /// re-issued, so the ledger still sees one pointer, handed out once.
    pub fn map_object(mut self, f: impl FnOnce(Arc<I>) -> Arc<I>) -> Self {
        self.released = true; // handed over to the new pointer, not released
        Self {
            object: f(self.object.clone()),
            id: self.id,
            object_id: self.object_id,
            ledger: self.ledger.clone(),
            released: false,
        }
    }

    /// Releases this reference (`IUnknown::Release`).
    pub fn release(mut self) {
        self.released = true;
        self.ledger.release(self.id);
    }

    /// The ledger's id of this reference.
    pub(crate) fn ref_id(&self) -> RefId {
        self.id
    }

    /// The VDS object id behind the pointer, if the object has one.
    pub(crate) fn object_id(&self) -> Option<VDS_OBJECT_ID> {
        self.object_id
    }

    /// The object itself, shown to the ledger as a use of this pointer (as
    /// [`Deref`] does), for a caller that must hold it while it also changes
    /// where the pointer is kept.
    pub(crate) fn object(&self) -> Arc<I> {
        self.ledger.touch(self.id, None);
        self.object.clone()
    }

    /// Reaches the object, telling the ledger which method is being called.
    pub fn call(&self, method: Method) -> &I {
        self.ledger.touch(self.id, Some(method));
        &self.object
    }

    /// The ledger this pointer is counted in.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}

impl<I: ?Sized + Interface> Deref for ComPtr<I> {
    type Target = I;
    fn deref(&self) -> &I {
        self.ledger.touch(self.id, None);
        &self.object
    }
}

impl<I: ?Sized + Interface> Drop for ComPtr<I> {
    fn drop(&mut self) {
        if !self.released {
            self.ledger.forget(self.id);
        }
    }
}

impl<I: ?Sized + Interface> fmt::Debug for ComPtr<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({}", I::NAME, self.id)?;
        if let Some(o) = self.object_id {
            write!(f, " {o}")?;
        }
        write!(f, ")")
    }
}
