//! Making calls: tracing each call and return, and keeping step records.

use super::*;

impl Client {
    pub(super) fn begin(
        &self,
        step: usize,
        method: Method,
        object: Option<VDS_OBJECT_ID>,
        args: String,
    ) {
        args.clone_into(&mut self.call_args.lock().unwrap_or_else(|e| e.into_inner()));
        let seq = self.ctx.trace.record(Event::Call {
            client: self.name.clone(),
            step,
            method,
            object,
            args,
        });
        self.call_seq
            .store(seq, std::sync::atomic::Ordering::Relaxed);
        self.called_at.store(
            runtime::now().as_micros() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    pub(super) fn end(
        &self,
        step: usize,
        method: Method,
        object: Option<VDS_OBJECT_ID>,
        hr: HResult,
        extra: Extra,
    ) {
        self.trace_return(
            step,
            method,
            hr,
            extra.hr_result,
            extra.percent,
            extra.output.clone(),
            extra.out.clone(),
        );
        self.push_record(step, method, object, hr, extra);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn trace_return(
        &self,
        step: usize,
        method: Method,
        hr: HResult,
        hr_result: Option<HResult>,
        percent: Option<u32>,
        output: Option<OutputRecord>,
        out: String,
    ) {
        let seq = self.ctx.trace.record(Event::Return {
            client: self.name.clone(),
            step,
            method,
            hr,
            hr_result,
            percent,
            output,
            out,
        });
        self.return_seq
            .store(seq, std::sync::atomic::Ordering::Relaxed);
    }

    pub(super) fn push_record(
        &self,
        step: usize,
        method: Method,
        object: Option<VDS_OBJECT_ID>,
        hr: HResult,
        extra: Extra,
    ) {
        let record = StepRecord {
            client: self.name.clone(),
            step,
            method,
            object,
            args: extra.args.unwrap_or_else(|| {
                self.call_args
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
            }),
            hr,
            hr_result: extra.hr_result,
            percent: extra.percent,
            output: extra.output,
            out: extra.out,
            t_call_us: extra.called.unwrap_or_else(|| {
                u128::from(self.called_at.load(std::sync::atomic::Ordering::Relaxed))
            }),
            t_us: runtime::now().as_micros(),
            seq_call: extra.seqs.map_or_else(
                || self.call_seq.load(std::sync::atomic::Ordering::Relaxed),
                |s| s.0,
            ),
            inconsistent: extra
                .inconsistent
                .unwrap_or_else(|| self.inconsistent.load(std::sync::atomic::Ordering::Relaxed)),
            seq_return: extra.seqs.map_or_else(
                || self.return_seq.load(std::sync::atomic::Ordering::Relaxed),
                |s| s.1,
            ),
            origin: extra.origin,
            probe: extra.probe,
            target_probe: extra.target_probe,
            seen: extra.seen,
            asked: None,
        };
        self.ctx
            .steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record);
    }

    /// Gives the records this client's step `step` made (pushed at or
    /// after index `from`) the program step that made them, as the oracle
    /// reads a call's arguments.
    pub(super) fn note_asked(&self, from: usize, step: usize, asked: &Step) {
        let mut steps = self.ctx.steps.lock().unwrap_or_else(|e| e.into_inner());
        for r in steps.iter_mut().skip(from) {
            if r.client == self.name && r.step == step && r.asked.is_none() {
                r.asked = Some(asked.clone());
            }
        }
    }

    pub(super) fn skip(&self, step: usize, reason: String) {
        self.ctx.trace.record(Event::Skip {
            client: self.name.clone(),
            step,
            reason,
        });
    }

    /// Makes one call: traces it, awaits it, traces its return.
    pub(super) async fn call<T>(
        &self,
        step: usize,
        method: Method,
        object: Option<VDS_OBJECT_ID>,
        args: String,
        fut: impl Future<Output = HrResult<T>>,
    ) -> (HResult, Option<T>) {
        self.begin(step, method, object, args);
        let r = fut.await;
        let (hr, consistent) = hr_of(&r);
        self.inconsistent
            .store(!consistent, std::sync::atomic::Ordering::Relaxed);
        (hr, r.ok().map(|s| s.out))
    }

    /// Makes one call whose only result besides the HRESULT is its
    /// out-parameters: traces the call and its return (with `render` of the
    /// out-parameters) and keeps the step record.
    pub(super) async fn invoke<T>(
        &self,
        step: usize,
        method: Method,
        object: Option<VDS_OBJECT_ID>,
        args: String,
        fut: impl Future<Output = HrResult<T>>,
        render: impl FnOnce(&T) -> String,
    ) -> (HResult, Option<T>)
    where
        T: crate::world::Observe,
    {
        let (hr, v) = self.call(step, method, object, args, fut).await;
        let out = v.as_ref().map(render).unwrap_or_default();
        let seen = v.as_ref().map(|v| v.seen()).unwrap_or_default();
        self.end(
            step,
            method,
            object,
            hr,
            Extra {
                out,
                seen,
                ..Extra::default()
            },
        );
        (hr, v)
    }

    /// Makes a call that returns an async object and binds it.
    /// Makes a call that returns an async object; returns it with its origin.
    pub(super) async fn start_op(
        &self,
        step: usize,
        method: Method,
        object: Option<VDS_OBJECT_ID>,
        args: String,
        fut: impl Future<Output = HrResult<ComPtr<dyn IVdsAsync>>>,
    ) -> Option<(ComPtr<dyn IVdsAsync>, Origin)> {
        let (hr, op) = self
            .invoke(step, method, object, args, fut, |p| format!("{p:?}"))
            .await;
        op.map(|op| {
            (
                op,
                Origin {
                    step,
                    method,
                    object,
                    hr,
                },
            )
        })
    }

    /// Keeps a started operation's async object under `name`.
    pub(super) fn keep_op(&mut self, name: &str, started: Option<(ComPtr<dyn IVdsAsync>, Origin)>) {
        if let Some((op, origin)) = started {
            self.bind(name, Binding::Async(op));
            self.origins.insert(name.to_string(), origin);
        }
    }
}
