//! The mutant catalogue: deliberately broken providers, each breaking one
//! rule, with the check that must catch it. Proof that the checks can fail.

use std::sync::Arc;

use vds_sim::provider::{Mutation, ProviderFactory, ReferenceFactory};

/// One deliberately broken provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mutant {
    /// The breakage.
    pub mutation: Mutation,
    /// The check expected to catch it (others may too).
    pub caught_by: &'static str,
}

impl Mutant {
    /// Its name, as in `mutant:NAME`.
    pub fn name(&self) -> &'static str {
        self.mutation.name()
    }
    /// The provider.
    pub fn factory(&self) -> Arc<dyn ProviderFactory> {
        Arc::new(ReferenceFactory::mutant(self.mutation))
    }
}

const fn mutant(mutation: Mutation, caught_by: &'static str) -> Mutant {
    Mutant {
        mutation,
        caught_by,
    }
}

/// Every mutant, in catalogue order.
pub const MUTANTS: &[Mutant] = &[
    mutant(Mutation::LimitIgnored, "CPG-LIMIT"),
    mutant(Mutation::PointerInFailedWait, "WAIT-FAILURE-NULL-POINTERS"),
    mutant(Mutation::LeakOnWait, "LEDGER-BALANCED"),
    mutant(Mutation::NoAddRefOnWait, "LEDGER-BALANCED"),
    mutant(Mutation::NoSerialisation, "BUSY-PER-TARGET"),
    mutant(Mutation::RecoverWithoutRefresh, "CACHE-RECOVERY-SEQUENCE"),
    mutant(Mutation::IgnoreCorruption, "CACHE-CORRUPT-REPORTED"),
    mutant(
        Mutation::CorruptAfterRefresh,
        "CACHE-RECOVERED-AFTER-REFRESH",
    ),
    mutant(Mutation::WrongOutputType, "OUTPUT-TYPE-MATCHES-OPERATION"),
    mutant(Mutation::DeletedAsNotFound, "DELETED-IS-OBJECT-DELETED"),
    mutant(Mutation::CancelAfterDoneSucceeds, "ASYNC-CANCEL-AFTER-DONE"),
    mutant(Mutation::PercentBackwards, "ASYNC-PERCENT-MONOTONIC"),
    mutant(Mutation::DuplicateTags, "CPG-TAG-UNIQUE"),
    mutant(Mutation::AlreadyExistsNull, "CPG-ALREADY-EXISTS"),
    mutant(Mutation::PercentNot100, "ASYNC-PERCENT-RANGE"),
    mutant(Mutation::PendingAsMethodReturn, "ASYNC-PENDING-IN-HRRESULT"),
    mutant(Mutation::CancelIgnored, "ASYNC-CANCEL"),
    mutant(Mutation::WrongTargetInGetTarget, "CPG-S_OK-NEW-GROUP"),
    mutant(Mutation::HangOnWait, "RUN-COMPLETES"),
    mutant(Mutation::PanicOnRefresh, "RUN-COMPLETES"),
    mutant(Mutation::SpuriousAlreadyExists, "CPG-LINEARIZABLE"),
    mutant(Mutation::FailureWithOutput, "ANSWERS-CONSISTENT"),
    mutant(Mutation::DeadlockInRefresh, "RUN-COMPLETES"),
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
        assert_eq!(MUTANTS.len(), Mutation::ALL.len());
        for m in Mutation::ALL {
            assert!(
                MUTANTS.iter().any(|x| x.mutation == m),
                "{m:?} not catalogued"
            );
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
