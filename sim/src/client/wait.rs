//! `IVdsAsync::Wait`, and probing what it hands back.

use super::*;

impl Client {
    /// Asks a portal group handed back by Wait what it is and whose it is.
    pub(super) async fn probe(
        &self,
        step: usize,
        g: &ComPtr<dyn IVdsIscsiPortalGroup>,
    ) -> GroupProbe {
        let (properties_hr, props) = self
            .call(
                step,
                Method::PortalGroupGetProperties,
                g.object_id(),
                "probe".into(),
                g.GetProperties(),
            )
            .await;
        let out = props
            .as_ref()
            .map(|p| format!("tag={}", p.tag))
            .unwrap_or_default();
        self.trace_return(
            step,
            Method::PortalGroupGetProperties,
            properties_hr,
            None,
            None,
            None,
            out,
        );
        let (target_hr, target) = self
            .call(
                step,
                Method::PortalGroupGetTarget,
                g.object_id(),
                "probe".into(),
                g.GetTarget(),
            )
            .await;
        let out = target
            .as_ref()
            .map(|t| format!("{t:?}"))
            .unwrap_or_default();
        self.trace_return(
            step,
            Method::PortalGroupGetTarget,
            target_hr,
            None,
            None,
            None,
            out,
        );
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

    /// `IVdsAsync::Wait` on the async object named `op`: records the
    /// output, reports a pointer left in a failed Wait's output to the
    /// ledger, probes a returned portal group or target, and keeps what it
    /// hands back as `bind` (or releases it).
    pub(super) async fn wait_step(&mut self, step: usize, op: &str, bind: Option<&str>) {
        let Some(a) = self.op(op) else {
            self.skip(step, format!("no async object named `{op}` is held"));
            return;
        };
        let (hr, w) = self
            .call(step, Method::AsyncWait, None, op.to_string(), a.Wait())
            .await;
        let origin = self.origins.get(op).cloned();
        let Some(w) = w else {
            self.end(
                step,
                Method::AsyncWait,
                None,
                hr,
                Extra {
                    origin,
                    ..Extra::default()
                },
            );
            return;
        };
        let record = output_record(&w.async_out);
        let failed = hr.failed() || w.hr_result.failed();
        if failed && let Some(p) = w.async_out.pointer() {
            self.ctx
                .ledger
                .pointer_in_failed_wait(p.ref_id, hr, w.hr_result);
        }
        let called = u128::from(self.called_at.load(std::sync::atomic::Ordering::Relaxed));
        self.trace_return(
            step,
            Method::AsyncWait,
            hr,
            Some(w.hr_result),
            None,
            Some(record.clone()),
            String::new(),
        );
        let seqs = (
            self.call_seq.load(std::sync::atomic::Ordering::Relaxed),
            self.return_seq.load(std::sync::atomic::Ordering::Relaxed),
        );
        let inconsistent = self.inconsistent.load(std::sync::atomic::Ordering::Relaxed);
        let args = self
            .call_args
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
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
        let extra = Extra {
            hr_result: Some(w.hr_result),
            output: Some(record),
            origin,
            probe,
            target_probe,
            called: Some(called),
            seqs: Some(seqs),
            inconsistent: Some(inconsistent),
            args: Some(args),
            ..Extra::default()
        };
        self.push_record(step, Method::AsyncWait, None, hr, extra);
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
        let (hr, properties) = self
            .call(
                step,
                Method::TargetGetProperties,
                t.object_id(),
                "probe".into(),
                t.GetProperties(),
            )
            .await;
        self.trace_return(
            step,
            Method::TargetGetProperties,
            hr,
            None,
            None,
            None,
            String::new(),
        );
        TargetProbe { hr, properties }
    }
}
