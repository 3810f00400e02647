//! The `IVdsAsync` calls: QueryStatus, Cancel, and Wait with the probing of what it hands back.

use super::*;

impl Client {
    /// Asks a portal group handed back by Wait what it is and whose it is.
    pub(super) async fn probe(
        &self,
        step: usize,
        g: &ComPtr<dyn IVdsIscsiPortalGroup>,
    ) -> GroupProbe {
        let ask = Ask::new(step, Method::PortalGroupGetProperties).on(g.object_id());
        let (call, properties_hr, props) = self.call(ask.args("probe"), g.GetProperties()).await;
        let out = props.as_ref().map(|p| format!("tag={}", p.tag));
        self.trace_return(&call, properties_hr, &Extra::out(out.unwrap_or_default()));
        let ask = Ask::new(step, Method::PortalGroupGetTarget).on(g.object_id());
        let (call, target_hr, target) = self.call(ask.args("probe"), g.GetTarget()).await;
        let out = target.as_ref().map(|t| format!("{t:?}"));
        self.trace_return(&call, target_hr, &Extra::out(out.unwrap_or_default()));
        let target_id = target.as_ref().and_then(|t| t.object_id());
        if let Some(t) = target {
            t.release();
        }
        GroupProbe {
            id: props.as_ref().map(|p| p.id),
            tag: props.map(|p| p.tag),
            target: target_id,
            properties_hr,
            target_hr,
        }
    }

    /// `IVdsAsync::QueryStatus` on the async object named `op`.
    pub(super) async fn query_status(&self, step: usize, op: &str) {
        let (a, _) = need!(self, step, op, op, "async object");
        let ask = Ask::new(step, Method::AsyncQueryStatus).args(op);
        let (call, hr, st) = self.call(ask, a.QueryStatus()).await;
        let extra = Extra {
            hr_result: st.map(|s| s.hr_result),
            percent: st.map(|s| s.percent_completed),
            origin: self.origins.get(op).cloned(),
            ..Extra::default()
        };
        self.end(call, hr, extra);
    }

    /// `IVdsAsync::Cancel` on the async object named `op`.
    pub(super) async fn cancel(&self, step: usize, op: &str) {
        let (a, _) = need!(self, step, op, op, "async object");
        let ask = Ask::new(step, Method::AsyncCancel).args(op);
        let (call, hr, _) = self.call(ask, a.Cancel()).await;
        let extra = Extra {
            origin: self.origins.get(op).cloned(),
            ..Extra::default()
        };
        self.end(call, hr, extra);
    }

    /// `IVdsAsync::Wait` on the async object named `op`: records the
    /// output, reports a pointer left in a failed Wait's output to the
    /// ledger, probes a returned portal group or target, and keeps what it
    /// hands back as `bind` (or releases it).
    pub(super) async fn wait_step(&mut self, step: usize, op: &str, bind: Option<&str>) {
        let Some(a) = self.op(op) else {
            self.skip(step, format!("no async object named `{op}` is held"));
            return;
        };
        let ask = Ask::new(step, Method::AsyncWait).args(op);
        let (call, hr, w) = self.call(ask, a.Wait()).await;
        let origin = self.origins.get(op).cloned();
        let Some(w) = w else {
            let extra = Extra {
                origin,
                ..Extra::default()
            };
            self.end(call, hr, extra);
            return;
        };
        let record = output_record(&w.async_out);
        let failed = hr.failed() || w.hr_result.failed();
        if failed && let Some(p) = w.async_out.pointer() {
            self.ctx
                .ledger
                .pointer_in_failed_wait(p.ref_id, hr, w.hr_result);
        }
        let mut extra = Extra {
            hr_result: Some(w.hr_result),
            output: Some(record),
            origin,
            ..Extra::default()
        };
        let seq_return = self.trace_return(&call, hr, &extra);
        let probe = match &w.async_out {
            VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: Some(g),
            } if !failed => Some(self.probe(step, g).await),
            _ => None,
        };
        let target_probe = match &w.async_out {
            VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                pTargetUnk: Some(t),
            } if !failed => Some(self.probe_target(step, t).await),
            _ => None,
        };
        extra.probe = probe;
        extra.target_probe = target_probe;
        self.push_record(call, seq_return, hr, extra);
        if failed {
            // The contract says the pointers are NULL: a caller releases nothing.
            return;
        }
        match (w.async_out, bind) {
            (
                VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                    pPortalGroupUnk: Some(g),
                },
                Some(n),
            ) => self.bind(n, Binding::Group(g)),
            (
                VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                    pTargetUnk: Some(t),
                },
                Some(n),
            ) => self.bind(n, Binding::Target(t)),
            (mut other, _) => other.release_pointers(),
        }
    }

    /// What a client learns by asking a target handed back by Wait about
    /// itself (its GetProperties).
    async fn probe_target(&mut self, step: usize, t: &ComPtr<dyn IVdsIscsiTarget>) -> TargetProbe {
        let ask = Ask::new(step, Method::TargetGetProperties).on(t.object_id());
        let (call, hr, properties) = self.call(ask.args("probe"), t.GetProperties()).await;
        self.trace_return(&call, hr, &Extra::default());
        TargetProbe { hr, properties }
    }
}
