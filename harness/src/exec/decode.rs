//! Out-parameters from JSON: plain values by their serde form, interface
//! pointers as `{"obj": ID, "interface": NAME, "id": GUID-or-null}`, each
//! issued to the caller as a fresh [`ComPtr`] over a [`Proxy`].

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use vds_sim::com::{ComPtr, HrResult, Interface, Success};
use vds_sim::interfaces::async_output::VDS_ASYNC_OUTPUT;
use vds_sim::interfaces::{
    IVdsAsync, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget, IVdsSubSystemIscsi,
    WaitOutput,
};
use vds_sim::method::Method;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::props::VDS_OBJECT_ID;

use super::objects::Proxy;
use super::session::{Answer, Session};

/// An interface a [`Proxy`] can be handed out as.
pub(crate) trait ProxyAs: Interface {
    /// The proxy as this interface.
    fn wrap(p: Arc<Proxy>) -> Arc<Self>;
}

macro_rules! proxy_as {
    ($($i:ident),*) => {$(
        impl ProxyAs for dyn $i {
            fn wrap(p: Arc<Proxy>) -> Arc<Self> {
                p
            }
        }
    )*};
}
proxy_as!(
    IVdsAsync,
    IVdsSubSystemIscsi,
    IVdsIscsiTarget,
    IVdsIscsiPortalGroup,
    IVdsIscsiPortal
);

/// A pointer as the provider named it, checked but not yet issued.
struct ObjRef {
    obj: String,
    id: Option<VDS_OBJECT_ID>,
}

fn obj_ref(v: &Value, want: &str) -> Result<ObjRef, String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("an interface pointer must be an object, not {v}"))?;
    let obj = o
        .get("obj")
        .and_then(Value::as_str)
        .ok_or("a pointer without `obj`")?;
    let interface = o.get("interface").and_then(Value::as_str);
    if interface != Some(want) {
        return Err(format!("pointer `{obj}` is {interface:?}, expected {want}"));
    }
    if let Some(k) = o
        .keys()
        .find(|k| !["obj", "interface", "id"].contains(&k.as_str()))
    {
        return Err(format!("pointer `{obj}` has an unknown field `{k}`"));
    }
    let id = match o.get("id") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(serde_json::from_value(v.clone()).map_err(|e| format!("pointer `{obj}`: {e}"))?)
        }
    };
    Ok(ObjRef {
        obj: obj.to_string(),
        id,
    })
}

impl Session {
    fn issue<I: ?Sized + ProxyAs>(self: &Arc<Self>, r: ObjRef, method: Method) -> ComPtr<I> {
        let proxy = Arc::new(Proxy::new(self.clone(), r.obj));
        ComPtr::issue(&self.ledger, I::wrap(proxy), r.id, method)
    }

    /// One pointer.
    pub(crate) fn ptr<I: ?Sized + ProxyAs>(
        self: &Arc<Self>,
        v: &Value,
        method: Method,
    ) -> Result<ComPtr<I>, String> {
        Ok(self.issue(obj_ref(v, I::NAME)?, method))
    }

    /// A list of pointers (an enumeration), all checked before any is issued.
    pub(crate) fn ptrs<I: ?Sized + ProxyAs>(
        self: &Arc<Self>,
        v: &Value,
        method: Method,
    ) -> Result<Vec<ComPtr<I>>, String> {
        let list = v.as_array().ok_or("an enumeration must be a list")?;
        let refs = list
            .iter()
            .map(|v| obj_ref(v, I::NAME))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(refs.into_iter().map(|r| self.issue(r, method)).collect())
    }

    /// Turns an answer into the method's result: a failure without
    /// out-parameters is `Err`; anything else reads `out[key]` with `f`
    /// (a failure with out-parameters and a success without them are kept
    /// as the provider gave them, for ANSWERS-CONSISTENT to judge). An
    /// out-parameter that cannot be read is a protocol error.
    pub(crate) fn answer<T>(
        self: &Arc<Self>,
        a: Answer,
        key: &str,
        f: impl FnOnce(&Arc<Session>, &Value) -> Result<T, String>,
    ) -> HrResult<T> {
        let Some(v) = a.out.as_ref().and_then(|o| o.get(key)) else {
            return Err(a.hr);
        };
        match f(self, v) {
            Ok(out) => Ok(Success { hr: a.hr, out }),
            Err(e) => self.violation(a.line, format!("out-parameter `{key}`: {e}")),
        }
    }

    /// A method with no out-parameters.
    pub(crate) fn unit(self: &Arc<Self>, a: Answer) -> HrResult<()> {
        match (
            a.hr.succeeded(),
            a.out.as_ref().is_some_and(|o| !o.is_empty()),
        ) {
            (true, _) => Ok(Success { hr: a.hr, out: () }),
            (false, true) => Ok(Success { hr: a.hr, out: () }),
            (false, false) => Err(a.hr),
        }
    }

    /// Wait's answer: `pHrResult` and `pAsyncOut`.
    pub(crate) fn wait_output(self: &Arc<Self>, a: Answer) -> HrResult<WaitOutput> {
        let line = a.line;
        let Some(out) = a.out.as_ref() else {
            return Err(a.hr);
        };
        let read = || -> Result<WaitOutput, String> {
            let hr_result = value(out.get("pHrResult").ok_or("no `pHrResult`")?)?;
            let async_out = self.async_out(out.get("pAsyncOut").ok_or("no `pAsyncOut`")?)?;
            Ok(WaitOutput {
                hr_result,
                async_out,
            })
        };
        match read() {
            Ok(out) => Ok(Success { hr: a.hr, out }),
            Err(e) => self.violation(line, format!("Wait's out-parameters: {e}")),
        }
    }

    /// `VDS_ASYNC_OUTPUT`: `{"type": N}` plus, for types 62 and 63, the
    /// arm `ct.pTargetUnk` or `cpg.pPortalGroupUnk` (a pointer or null).
    fn async_out(self: &Arc<Self>, v: &Value) -> Result<VDS_ASYNC_OUTPUT, String> {
        let n = v
            .get("type")
            .and_then(Value::as_i64)
            .ok_or("`pAsyncOut` without a numeric `type`")?;
        let t = i32::try_from(n)
            .ok()
            .and_then(|n| VDS_ASYNC_OUTPUT_TYPE::try_from(n).ok())
            .ok_or_else(|| format!("`pAsyncOut.type` {n} is no VDS_ASYNC_OUTPUT_TYPE"))?;
        let arm = |arm: &str, field: &str| {
            v.get(arm)
                .and_then(|a| a.get(field))
                .filter(|p| !p.is_null())
        };
        let m = Method::AsyncWait;
        Ok(match t {
            VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATETARGET => {
                VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                    pTargetUnk: arm("ct", "pTargetUnk")
                        .map(|p| self.ptr(p, m))
                        .transpose()?,
                }
            }
            VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP => {
                VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                    pPortalGroupUnk: arm("cpg", "pPortalGroupUnk")
                        .map(|p| self.ptr(p, m))
                        .transpose()?,
                }
            }
            other => VDS_ASYNC_OUTPUT::null_of(other),
        })
    }
}

/// A plain value by its serde form.
pub(crate) fn value<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}
