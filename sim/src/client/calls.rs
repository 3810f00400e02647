//! Making calls: one [`Call`] value carries a call from its trace event to
//! its step record.

use super::*;

/// What a step asks: the method, the object it is called on, and its
/// arguments as the trace shows them.
#[derive(Clone)]
pub(super) struct Ask {
    step: usize,
    method: Method,
    object: Option<VDS_OBJECT_ID>,
    args: String,
}

impl Ask {
    /// A call of `method` by program step `step`, on no object, with no arguments.
    pub(super) fn new(step: usize, method: Method) -> Self {
        Self {
            step,
            method,
            object: None,
            args: String::new(),
        }
    }

    /// The object the call is made on.
    pub(super) fn on(mut self, object: Option<VDS_OBJECT_ID>) -> Self {
        self.object = object;
        self
    }

    /// The call's arguments, as the trace shows them.
    pub(super) fn args(mut self, args: impl Into<String>) -> Self {
        self.args = args.into();
        self
    }

    /// Whose call an async object answers for.
    fn origin(&self, hr: HResult) -> Origin {
        Origin {
            step: self.step,
            method: self.method,
            object: self.object,
            hr,
        }
    }
}

/// A call that has been made: what was asked, where its call event sits in
/// the trace, when it was made, and whether its answer was consistent.
pub(super) struct Call {
    ask: Ask,
    seq: usize,
    at_us: u128,
    /// A success code in `Err` or a failure code in `Ok`.
    inconsistent: bool,
}

/// What a call returned besides its HRESULT.
#[derive(Default)]
pub(super) struct Extra {
    pub(super) hr_result: Option<HResult>,
    pub(super) percent: Option<u32>,
    pub(super) output: Option<OutputRecord>,
    pub(super) out: String,
    pub(super) origin: Option<Origin>,
    pub(super) probe: Option<GroupProbe>,
    pub(super) target_probe: Option<TargetProbe>,
    /// What the oracle keeps of the out-parameters.
    pub(super) seen: crate::world::Seen,
}

impl Extra {
    /// Out-parameters shown as `out`, with nothing else returned.
    pub(super) fn out(out: String) -> Self {
        Self {
            out,
            ..Self::default()
        }
    }
}

/// Renders no out-parameters.
pub(super) fn nothing<T>(_: &T) -> String {
    String::new()
}

impl Client {
    /// Traces a call being made.
    fn begin(&self, ask: Ask) -> Call {
        let seq = self.ctx.trace.record(Event::Call {
            client: self.name.clone(),
            step: ask.step,
            method: ask.method,
            object: ask.object,
            args: ask.args.clone(),
        });
        Call {
            ask,
            seq,
            at_us: runtime::now().as_micros(),
            inconsistent: false,
        }
    }

    /// Makes one call: traces it and awaits it.
    pub(super) async fn call<T>(
        &self,
        ask: Ask,
        fut: impl Future<Output = HrResult<T>>,
    ) -> (Call, HResult, Option<T>) {
        let mut call = self.begin(ask);
        let r = fut.await;
        let (hr, consistent) = hr_of(&r);
        call.inconsistent = !consistent;
        (call, hr, r.ok().map(|s| s.out))
    }

    /// Traces a call's return; gives the return event's sequence number.
    pub(super) fn trace_return(&self, call: &Call, hr: HResult, extra: &Extra) -> usize {
        self.ctx.trace.record(Event::Return {
            client: self.name.clone(),
            step: call.ask.step,
            method: call.ask.method,
            hr,
            hr_result: extra.hr_result,
            percent: extra.percent,
            output: extra.output.clone(),
            out: extra.out.clone(),
        })
    }

    /// Traces a call's return and keeps its step record.
    pub(super) fn end(&self, call: Call, hr: HResult, extra: Extra) {
        let seq_return = self.trace_return(&call, hr, &extra);
        self.push_record(call, seq_return, hr, extra);
    }

    /// Keeps a call's step record, its return traced as `seq_return`.
    pub(super) fn push_record(&self, call: Call, seq_return: usize, hr: HResult, extra: Extra) {
        let record = StepRecord {
            client: self.name.clone(),
            step: call.ask.step,
            method: call.ask.method,
            object: call.ask.object,
            args: call.ask.args,
            hr,
            hr_result: extra.hr_result,
            percent: extra.percent,
            output: extra.output,
            out: extra.out,
            t_call_us: call.at_us,
            t_us: runtime::now().as_micros(),
            seq_call: call.seq,
            inconsistent: call.inconsistent,
            seq_return,
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

    /// Makes one call whose only result besides the HRESULT is its
    /// out-parameters: traces the call and its return (with `render` of the
    /// out-parameters) and keeps the step record.
    pub(super) async fn invoke<T>(
        &self,
        ask: Ask,
        fut: impl Future<Output = HrResult<T>>,
        render: impl FnOnce(&T) -> String,
    ) -> (HResult, Option<T>)
    where
        T: crate::world::Observe,
    {
        let (call, hr, v) = self.call(ask, fut).await;
        let extra = Extra {
            out: v.as_ref().map(render).unwrap_or_default(),
            seen: v.as_ref().map(|v| v.seen()).unwrap_or_default(),
            ..Extra::default()
        };
        self.end(call, hr, extra);
        (hr, v)
    }

    /// Makes a call that starts an async operation and keeps the async
    /// object it hands back as `bind`, with the call it answers for.
    pub(super) async fn start(
        &mut self,
        ask: Ask,
        fut: impl Future<Output = HrResult<ComPtr<dyn IVdsAsync>>>,
        bind: &str,
    ) {
        let (hr, op) = self.invoke(ask.clone(), fut, |p| format!("{p:?}")).await;
        if let Some(op) = op {
            self.bind(bind, Binding::Async(op));
            self.origins.insert(bind.to_string(), ask.origin(hr));
        }
    }
}
