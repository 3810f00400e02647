//! The mutant catalogue: deliberately broken providers, each breaking one
//! rule, with the check that must catch it. Proof that the checks can fail.

mod wrappers;

use std::sync::Arc;

use vds_sim::provider::{Mutation, ProviderFactory, ReferenceFactory};

/// One deliberately broken provider.
#[derive(Clone, Copy, Debug)]
pub struct Mutant {
    /// Its name, as in `mutant:NAME`.
    pub name: &'static str,
    /// One line on what it breaks.
    pub description: &'static str,
    /// The check expected to catch it (others may too).
    pub caught_by: &'static str,
    /// How it is made.
    pub build: Build,
}

/// How a mutant is made.
#[derive(Clone, Copy, Debug)]
pub enum Build {
    /// A decorator over the reference provider (it changes what an interface answers).
    Wrapper(fn() -> Arc<dyn ProviderFactory>),
    /// A hook inside the reference provider (it must reach inside: serialisation, the cache).
    Hook(Mutation),
}

impl Mutant {
    /// Its name, as in `mutant:NAME`.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The provider.
    pub fn factory(&self) -> Arc<dyn ProviderFactory> {
        match self.build {
            Build::Wrapper(make) => make(),
            Build::Hook(m) => Arc::new(ReferenceFactory::mutant(m)),
        }
    }
}

const fn hook(mutation: Mutation, caught_by: &'static str) -> Mutant {
    Mutant {
        name: mutation.name(),
        description: mutation.description(),
        caught_by,
        build: Build::Hook(mutation),
    }
}

macro_rules! wrapper {
    ($name:literal, $wrap:expr, $caught_by:literal, $description:literal) => {
        Mutant {
            name: $name,
            description: $description,
            caught_by: $caught_by,
            build: Build::Wrapper(|| wrappers::over_reference($name, $wrap)),
        }
    };
}

/// Every mutant, in catalogue order.
pub const MUTANTS: &[Mutant] = &[
    wrapper!(
        "limit-ignored",
        wrappers::LimitIgnored,
        "CPG-LIMIT",
        "at the limit, CreatePortalGroup returns S_OK and Wait hands back an existing group as new"
    ),
    hook(Mutation::PointerInFailedWait, "WAIT-FAILURE-NULL-POINTERS"),
    wrapper!(
        "leak-on-wait",
        wrappers::LeakOnWait,
        "LEDGER-BALANCED",
        "Wait takes an extra reference that is never released"
    ),
    wrapper!(
        "no-addref-on-wait",
        wrappers::NoAddRefOnWait,
        "LEDGER-BALANCED",
        "a second Wait hands out the first Wait's reference without AddRef"
    ),
    hook(Mutation::NoSerialisation, "BUSY-PER-TARGET"),
    hook(Mutation::RecoverWithoutRefresh, "CACHE-RECOVERY-SEQUENCE"),
    hook(Mutation::IgnoreCorruption, "CACHE-CORRUPT-REPORTED"),
    hook(
        Mutation::CorruptAfterRefresh,
        "CACHE-RECOVERED-AFTER-REFRESH",
    ),
    hook(Mutation::WrongOutputType, "OUTPUT-TYPE-MATCHES-OPERATION"),
    wrapper!(
        "deleted-as-not-found",
        wrappers::DeletedAsNotFound,
        "DELETED-IS-OBJECT-DELETED",
        "a deleted target or group is reported as VDS_E_OBJECT_NOT_FOUND"
    ),
    wrapper!(
        "cancel-after-done-succeeds",
        wrappers::CancelAfterDoneSucceeds,
        "ASYNC-CANCEL-AFTER-DONE",
        "Cancel after completion returns S_OK"
    ),
    wrapper!(
        "percent-backwards",
        wrappers::PercentBackwards,
        "ASYNC-PERCENT-MONOTONIC",
        "QueryStatus's percentage decreases while pending"
    ),
    wrapper!(
        "duplicate-tags",
        wrappers::DuplicateTags,
        "CPG-TAG-UNIQUE",
        "every portal group reports tag 1"
    ),
    wrapper!(
        "already-exists-null",
        wrappers::AlreadyExistsNull,
        "CPG-ALREADY-EXISTS",
        "at the limit, Wait hands back a NULL group"
    ),
    wrapper!(
        "percent-not-100",
        wrappers::PercentNot100,
        "ASYNC-PERCENT-RANGE",
        "a finished operation reports 99 percent"
    ),
    wrapper!(
        "pending-as-method-return",
        wrappers::PendingAsMethodReturn,
        "ASYNC-PENDING-IN-HRRESULT",
        "QueryStatus returns VDS_E_OPERATION_PENDING as its own result"
    ),
    wrapper!(
        "cancel-ignored",
        wrappers::CancelIgnored,
        "ASYNC-CANCEL",
        "Cancel returns S_OK but the operation runs on"
    ),
    hook(Mutation::WrongTargetInGetTarget, "CPG-S_OK-NEW-GROUP"),
    wrapper!(
        "hang-on-wait",
        wrappers::HangOnWait,
        "RUN-COMPLETES",
        "Wait on CreatePortalGroup never returns"
    ),
    wrapper!(
        "panic-on-refresh",
        wrappers::PanicOnRefresh,
        "RUN-COMPLETES",
        "Refresh panics"
    ),
    hook(Mutation::SpuriousAlreadyExists, "CPG-LINEARIZABLE"),
    wrapper!(
        "failure-with-output",
        wrappers::FailureWithOutput,
        "ANSWERS-CONSISTENT",
        "QueryPortalGroups answers E_FAIL together with a list of groups"
    ),
    wrapper!(
        "deadlock-in-refresh",
        wrappers::DeadlockInRefresh,
        "RUN-COMPLETES",
        "Refresh deadlocks: it blocks its thread and never returns"
    ),
];

/// The mutant with this name.
pub fn by_name(name: &str) -> Option<&'static Mutant> {
    MUTANTS.iter().find(|m| m.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_covers_every_mutation_and_names_real_checks() {
        for m in Mutation::ALL {
            assert!(
                MUTANTS
                    .iter()
                    .any(|x| matches!(x.build, Build::Hook(h) if h == m)),
                "{m:?} not catalogued"
            );
        }
        for m in MUTANTS {
            assert_eq!(m.factory().name(), format!("mutant:{}", m.name));
            let twins = MUTANTS.iter().filter(|x| x.name == m.name).count();
            assert_eq!(twins, 1, "{} twice", m.name);
        }
        for m in MUTANTS {
            assert!(
                crate::checks::by_id(m.caught_by).is_some(),
                "{}",
                m.caught_by
            );
        }
    }
}
