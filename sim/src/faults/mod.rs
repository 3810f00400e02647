//! Faults: each a small named value with a trigger (a moment of simulated
//! time, or just before the n-th call) and a probability, collected in a
//! [`FaultPlan`]. The [`injector`] fires them during a run.

pub mod injector;

pub use crate::fault_kind::FaultKind;

use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The provider's cache is damaged; calls answer
    /// `VDS_E_PROVIDER_CACHE_CORRUPT` until Reenumerate then Refresh.
    CacheCorruption,
    /// A target is deleted on the array directly, behind the provider's back.
    DeleteTarget {
        /// The target's friendly name.
        target: String,
    },
    /// A portal group is deleted on the array directly, behind the provider's back.
    DeletePortalGroup {
        /// The target's friendly name.
        target: String,
        /// The group's tag.
        tag: u16,
    },
    /// A portal group is created on a target on the array directly, behind
    /// the provider's back (another management client did it): the
    /// target's limit may be reached between a call and its operation.
    CreatePortalGroup {
        /// The target's friendly name.
        target: String,
    },
    /// Extra clients all call CreatePortalGroup on one target at the same moment.
    ConcurrentCalls {
        /// How many clients.
        clients: u32,
        /// The target's friendly name.
        target: String,
    },
    /// The provider's next allocation fails (`E_OUTOFMEMORY`).
    AllocationFailure,
    /// The array refuses the next request as malformed
    /// (ERROR_INVALID_PARAMETER, which converts to `E_INVALIDARG`).
    InvalidArgument,
    /// Messages between provider and array are lost with this probability.
    LinkLoss {
        /// Probability of losing each message.
        probability: f64,
        /// For how long, in ms of simulated time.
        duration_ms: u64,
    },
    /// Provider and array cannot reach each other.
    LinkPartition {
        /// For how long, in ms.
        duration_ms: u64,
    },
    /// Messages between provider and array are held, then delivered late.
    LinkHold {
        /// For how long, in ms.
        duration_ms: u64,
    },
    /// Extra latency on every message between provider and array.
    LinkLatency {
        /// Extra one-way latency, in ms.
        extra_ms: u64,
        /// For how long, in ms.
        duration_ms: u64,
    },
    /// Array operations take `factor` times longer.
    SlowOperations {
        /// The slow-down factor.
        factor: u32,
        /// For how long, in ms.
        duration_ms: u64,
    },
    /// The provider restarts: cache lost, operations in flight abandoned.
    ProviderRestart,
}

impl Fault {
    /// The fault's kind, as written in scenario files.
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::CacheCorruption => FaultKind::CacheCorruption,
            Fault::DeleteTarget { .. } => FaultKind::DeleteTarget,
            Fault::DeletePortalGroup { .. } => FaultKind::DeletePortalGroup,
            Fault::CreatePortalGroup { .. } => FaultKind::CreatePortalGroup,
            Fault::ConcurrentCalls { .. } => FaultKind::ConcurrentCalls,
            Fault::AllocationFailure => FaultKind::AllocationFailure,
            Fault::InvalidArgument => FaultKind::InvalidArgument,
            Fault::LinkLoss { .. } => FaultKind::LinkLoss,
            Fault::LinkPartition { .. } => FaultKind::LinkPartition,
            Fault::LinkHold { .. } => FaultKind::LinkHold,
            Fault::LinkLatency { .. } => FaultKind::LinkLatency,
            Fault::SlowOperations { .. } => FaultKind::SlowOperations,
            Fault::ProviderRestart => FaultKind::ProviderRestart,
        }
    }
}

/// When a fault fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// At this many ms of simulated time.
    AtMs(u64),
    /// Just before the n-th program call (1-based, counted across all clients).
    BeforeCall(u64),
}

fn certain() -> f64 {
    1.0
}

/// One fault with its trigger and probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// What goes wrong.
    pub fault: Fault,
    /// When.
    pub at: Trigger,
    /// The chance it fires when triggered (seeded). Default 1.
    #[serde(default = "certain")]
    pub probability: f64,
}

/// The faults of a run, built with one setter per trigger.
///
/// ```
/// use vds_sim::faults::{Fault, FaultPlan};
/// let plan = FaultPlan::new()
///     .before_call(2, Fault::CacheCorruption)
///     .at_ms(50, Fault::ProviderRestart);
/// assert_eq!(plan.rules.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FaultPlan {
    /// The rules, in the order they were added.
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a fault that fires just before the n-th call.
    pub fn before_call(self, n: u64, fault: Fault) -> Self {
        self.rule(FaultRule {
            fault,
            at: Trigger::BeforeCall(n),
            probability: 1.0,
        })
    }
    /// Adds a fault that fires at `ms` of simulated time.
    pub fn at_ms(self, ms: u64, fault: Fault) -> Self {
        self.rule(FaultRule {
            fault,
            at: Trigger::AtMs(ms),
            probability: 1.0,
        })
    }
    /// Adds a rule.
    pub fn rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_without_a_probability_always_fires() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"fault": {"kind": "provider_restart"}, "at": {"before_call": 2}}"#,
        )
        .expect("a rule");
        assert_eq!(rule.probability, 1.0);
        assert_eq!(
            rule,
            FaultPlan::new()
                .before_call(2, Fault::ProviderRestart)
                .rules[0]
        );
    }
}
