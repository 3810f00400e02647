//! The contract profile: every rule this project holds a provider to, in one
//! place. A rule is either *documented* (the VDS documentation states it;
//! the source is named) or *decided* (the documentation is silent or
//! ambiguous, so this project chose, and says why). The reference provider
//! keeps every rule; the harness's checks name the rules they enforce.
//!
//! `vds-harness profile` prints this table.

use serde::Serialize;

/// Declares [`RuleId`]: each rule's variant and its printed id, written once.
macro_rules! rule_ids {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// The identity of a profile rule. Checks, findings, mutants and
        /// reports name rules by this type, so a misspelt id does not compile.
        /// It prints and serialises as the id, e.g. `CPG-ALREADY-EXISTS`, and
        /// orders by that text.
        ///
        /// ```
        /// use vds_sim::profile::RuleId;
        /// assert_eq!(RuleId::CpgLimit.to_string(), "CPG-LIMIT");
        /// assert_eq!("CPG-LIMIT".parse::<RuleId>(), Ok(RuleId::CpgLimit));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($(#[$doc])* #[doc = $id] $variant,)*
        }

        impl RuleId {
            /// Every rule id, in the profile's order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The printed id, e.g. `CPG-ALREADY-EXISTS`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

rule_ids! {
    CpgReturnCodes = "CPG-RETURN-CODES",
    CpgSOkNewGroup = "CPG-S_OK-NEW-GROUP",
    CpgAlreadyExists = "CPG-ALREADY-EXISTS",
    CpgLimit = "CPG-LIMIT",
    CpgLinearizable = "CPG-LINEARIZABLE",
    CpgTagUnique = "CPG-TAG-UNIQUE",
    CpgLimitExisting = "CPG-LIMIT-EXISTING",
    WaitFailureNullPointers = "WAIT-FAILURE-NULL-POINTERS",
    WaitFailureOutputType = "WAIT-FAILURE-OUTPUT-TYPE",
    OutputTypeMatchesOperation = "OUTPUT-TYPE-MATCHES-OPERATION",
    AsyncWaitRepeatable = "ASYNC-WAIT-REPEATABLE",
    LedgerBalanced = "LEDGER-BALANCED",
    AsyncPendingInHrResult = "ASYNC-PENDING-IN-HRRESULT",
    AsyncPercentRange = "ASYNC-PERCENT-RANGE",
    AsyncPercentMonotonic = "ASYNC-PERCENT-MONOTONIC",
    AsyncPercentIsEstimate = "ASYNC-PERCENT-IS-ESTIMATE",
    AsyncCancel = "ASYNC-CANCEL",
    AsyncCancelAfterDone = "ASYNC-CANCEL-AFTER-DONE",
    AsyncCancelWindow = "ASYNC-CANCEL-WINDOW",
    CacheCorruptReported = "CACHE-CORRUPT-REPORTED",
    CacheRecoverySequence = "CACHE-RECOVERY-SEQUENCE",
    CacheRecoveredAfterRefresh = "CACHE-RECOVERED-AFTER-REFRESH",
    DeletedIsObjectDeleted = "DELETED-IS-OBJECT-DELETED",
    CacheReadsMayBeStale = "CACHE-READS-MAY-BE-STALE",
    BusyInDomain = "BUSY-IN-DOMAIN",
    RefreshWhileOperations = "REFRESH-WHILE-OPERATIONS",
    DeclarationKept = "DECLARATION-KEPT",
    LinkErrorsAsWin32 = "LINK-ERRORS-AS-WIN32",
    ArgNullPointer = "ARG-NULL-POINTER",
    PortalOneGroupPerTarget = "PORTAL-ONE-GROUP-PER-TARGET",
    RestartAbandonsOperations = "RESTART-ABANDONS-OPERATIONS",
    RestartReloadsCache = "RESTART-RELOADS-CACHE",
    CacheLearnsDeletions = "CACHE-LEARNS-DELETIONS",
    AnswersConsistent = "ANSWERS-CONSISTENT",
    CallWindow = "CALL-WINDOW",
    FailurePrecedence = "FAILURE-PRECEDENCE",
    RunCompletes = "RUN-COMPLETES",
    OutcomeListed = "OUTCOME-LISTED",
    RefusalWarranted = "REFUSAL-WARRANTED",
    ReadsTrue = "READS-TRUE",
    SuccessApplied = "SUCCESS-APPLIED",
    AllocationFailureSuffered = "ALLOCATION-FAILURE-SUFFERED",
}

impl RuleId {
    /// The profile's rule for this id.
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|r| r.id == self)
            .expect("every rule id has a rule in RULES")
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, UnknownRule> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

/// A text that names no profile rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no profile rule is called `{0}` (see `vds-harness profile`)")]
pub struct UnknownRule(pub String);

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by the printed id, so maps keyed by rule list them alphabetically.
/// The judges key maps by rule for every call they look at, so the order is
/// read from a table of each rule's place among the sorted ids, built once.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        static PLACE: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
        let place = PLACE.get_or_init(|| {
            let mut sorted: Vec<RuleId> = RuleId::ALL.to_vec();
            sorted.sort_by_key(|r| r.as_str());
            let mut place = vec![0; RuleId::ALL.len()];
            for (i, r) in sorted.iter().enumerate() {
                place[*r as usize] = i;
            }
            place
        });
        place[*self as usize].cmp(&place[*other as usize])
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Whether a rule comes from the documentation or from this project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Basis {
    /// Stated by the documentation.
    Documented,
    /// Chosen by this project where the documentation is silent or ambiguous.
    Decided,
}

/// One rule of the contract profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable identifier, e.g. `CPG-ALREADY-EXISTS`.
    pub id: RuleId,
    /// Documented or decided.
    pub basis: Basis,
    /// The rule, in this project's words.
    pub statement: &'static str,
    /// Where it comes from: a documentation page, or the reason for the choice.
    pub source: &'static str,
    /// For a rule that only permits (it widens what a provider may do, so no
    /// behaviour can break it): why it needs no check. `None` for a rule
    /// that obliges, which a check of the same id enforces.
    pub permission: Option<&'static str>,
}

const fn documented(id: RuleId, statement: &'static str, source: &'static str) -> Rule {
    Rule {
        id,
        basis: Basis::Documented,
        statement,
        source,
        permission: None,
    }
}

const fn decided(id: RuleId, statement: &'static str, source: &'static str) -> Rule {
    Rule {
        id,
        basis: Basis::Decided,
        statement,
        source,
        permission: None,
    }
}

/// Marks a rule as a permission, saying why no check is needed.
const fn permits(rule: Rule, why: &'static str) -> Rule {
    Rule {
        permission: Some(why),
        ..rule
    }
}

/// Every rule, grouped by interface.
pub const RULES: &[Rule] = &[
    documented(
        RuleId::CpgReturnCodes,
        "CreatePortalGroup returns S_OK, VDS_S_ALREADY_EXISTS, VDS_E_PROVIDER_CACHE_CORRUPT, VDS_E_OBJECT_DELETED, VDS_E_ANOTHER_CALL_IN_PROGRESS, a standard code (E_INVALIDARG, E_OUTOFMEMORY) or an HRESULT_FROM_WIN32 code; and VDS_E_PROVIDER_EXITING when the provider restarts during the call (RESTART-ABANDONS-OPERATIONS); nothing else.",
        "IVdsIscsiTarget::CreatePortalGroup, return-value table and the paragraph above it",
    ),
    documented(
        RuleId::CpgSOkNewGroup,
        "After S_OK, a successful Wait whose pHrResult is S_OK yields type VDS_ASYNCOUT_CREATEPORTALGROUP (63) with a non-NULL cpg.pPortalGroupUnk naming a new group whose GetTarget is the target called.",
        "IVdsIscsiTarget::CreatePortalGroup; VDS_ASYNC_OUTPUT",
    ),
    documented(
        RuleId::CpgAlreadyExists,
        "VDS_S_ALREADY_EXISTS means no group was created; Wait then succeeds and hands back an existing group of that target. This holds whether CreatePortalGroup itself returns it or, when other creations reach the limit while the operation runs, Wait's pHrResult carries it.",
        "IVdsIscsiTarget::CreatePortalGroup, VDS_S_ALREADY_EXISTS row",
    ),
    decided(
        RuleId::CpgLimit,
        "A target never has more portal groups than the array allows. CreatePortalGroup on a target that stays at its limit creates no group: it answers VDS_S_ALREADY_EXISTS itself, or S_OK with Wait's pHrResult VDS_S_ALREADY_EXISTS (a provider may find the limit inside the operation); never S_OK followed by pHrResult S_OK.",
        "The docs say only that no more groups can be created; the limit is the array's, configurable per run.",
    ),
    decided(
        RuleId::CpgLinearizable,
        "The results clients see from CreatePortalGroup and from deleting targets and groups are those of some serial order of the operations that respects real time: each takes effect at one instant between its call and the response that reveals its result. A call or operation that failed without saying whether the array applied it (VDS_E_PROVIDER_EXITING, a link timeout, VDS_E_OBJECT_STATUS_FAILED) may have taken effect at any instant after its call, or never.",
        "The docs describe each call alone; concurrent clients need the calls to compose like a sequential object (linearizability).",
    ),
    decided(
        RuleId::CpgTagUnique,
        "The tags of the portal groups of one target are distinct, and a group reports the tag the array assigned.",
        "The VDS docs are silent; RFC 3720 makes a portal group tag identify a group within one iSCSI node (target).",
    ),
    permits(
        decided(
            RuleId::CpgLimitExisting,
            "At the limit, the reference provider hands back the existing group with the lowest tag, and Wait's pHrResult is VDS_S_ALREADY_EXISTS; a conforming provider may hand back any existing group of the target and any success code.",
            "The docs say 'an existing portal group' without saying which.",
        ),
        "It lets a provider pick any existing group and any success code; what every provider owes at the limit (no new group, an existing group of the target, success) is CPG-ALREADY-EXISTS and CPG-LIMIT.",
    ),
    documented(
        RuleId::WaitFailureNullPointers,
        "When Wait fails, or its pHrResult is a failure, every interface pointer in VDS_ASYNC_OUTPUT is NULL and nothing is to be released.",
        "IVdsIscsiTarget::CreatePortalGroup, ppAsync parameter",
    ),
    decided(
        RuleId::WaitFailureOutputType,
        "After a failed operation, Wait's output type is the operation's own type or VDS_ASYNCOUT_UNKNOWN.",
        "The docs do not say what a failed Wait writes to the type member.",
    ),
    documented(
        RuleId::OutputTypeMatchesOperation,
        "A successful Wait's output type is the operation's: CreateTarget 62, CreatePortalGroup 63, target Delete 64, AddPortal 65, RemovePortal 66, portal-group Delete 67.",
        "VDS_ASYNC_OUTPUT_TYPE",
    ),
    decided(
        RuleId::AsyncWaitRepeatable,
        "Wait may be called more than once; every call gives the same pHrResult and object, and every successful call hands out fresh references the caller must release.",
        "The docs do not say whether Wait may be repeated; COM rules make each returned pointer the caller's to release.",
    ),
    documented(
        RuleId::LedgerBalanced,
        "Every interface pointer handed to a caller carries one reference the caller releases exactly once; a provider never hands out a reference it did not add.",
        "COM reference counting; IVdsIscsiTarget::CreatePortalGroup, ppAsync parameter",
    ),
    decided(
        RuleId::AsyncPendingInHrResult,
        "While an operation runs, QueryStatus itself returns S_OK and puts VDS_E_OPERATION_PENDING in pHrResult.",
        "The docs list VDS_E_OPERATION_PENDING as a return value while [MS-VDS] puts it in pHrResult; this project follows [MS-VDS].",
    ),
    documented(
        RuleId::AsyncPercentRange,
        "QueryStatus's percentage is 0..=99 while pending, 100 after success and 0 after failure.",
        "IVdsAsync::QueryStatus; [MS-VDS] 3.4.5.2.2.3",
    ),
    documented(
        RuleId::AsyncPercentMonotonic,
        "While an operation is pending its percentage never decreases.",
        "[MS-VDS] 3.4.5.2.2.3",
    ),
    permits(
        decided(
            RuleId::AsyncPercentIsEstimate,
            "While an operation is pending, its percentage is the provider's own estimate: it may follow elapsed time, the work done, or stay where it is until the end.",
            "The docs give the percentage no rate, and a provider rarely knows how far the array has got.",
        ),
        "Any value ASYNC-PERCENT-RANGE and ASYNC-PERCENT-MONOTONIC allow is a fair estimate, including 0% or 99% for the whole of an operation's life.",
    ),
    documented(
        RuleId::AsyncCancel,
        "A successful Cancel makes the operation end with VDS_E_OPERATION_CANCELED; a second Cancel answers VDS_E_OPERATION_CANCELED; a Cancel that comes too late answers VDS_E_CANCEL_TOO_LATE and changes nothing.",
        "IVdsAsync::Cancel; [MS-VDS] 3.4.5.2.2.1",
    ),
    decided(
        RuleId::AsyncCancelAfterDone,
        "Cancel on an operation that has already finished (not by cancellation) answers VDS_E_CANCEL_TOO_LATE, or VDS_E_NOT_SUPPORTED, which the page gives as the other answer for an operation that can no longer be canceled.",
        "The docs cover 'too far along' but not 'finished'; finished is the furthest along an operation gets.",
    ),
    permits(
        decided(
            RuleId::AsyncCancelWindow,
            "The reference provider accepts Cancel for its first 5 ms in the provider, before the request goes to the array; after that it is too late.",
            "The docs leave the point of no return to the provider.",
        ),
        "It leaves the point of no return to the provider; what a Cancel must do on either side of it is ASYNC-CANCEL and ASYNC-CANCEL-AFTER-DONE.",
    ),
    documented(
        RuleId::CacheCorruptReported,
        "Once the provider's cache is corrupt, calls that depend on it answer VDS_E_PROVIDER_CACHE_CORRUPT rather than serve damaged data (or busy, or a failure with a cause of its own, FAILURE-PRECEDENCE).",
        "IVdsIscsiTarget::CreatePortalGroup, VDS_E_PROVIDER_CACHE_CORRUPT row",
    ),
    decided(
        RuleId::CacheRecoverySequence,
        "A corrupt cache is restored only by Reenumerate followed by Refresh: Refresh before Reenumerate answers VDS_E_PROVIDER_CACHE_CORRUPT, and calls keep answering it until the Refresh has succeeded. Reenumerate may itself answer VDS_E_PROVIDER_CACHE_CORRUPT (its page lists the code), but once it has run to its end after the damage (either answer), a Refresh called next does not answer VDS_E_PROVIDER_CACHE_CORRUPT unless the cache was damaged again meanwhile.",
        "The docs prescribe Reenumerate then Refresh; this project makes the order binding so that it can be tested.",
    ),
    documented(
        RuleId::CacheRecoveredAfterRefresh,
        "After Reenumerate then Refresh succeed, calls no longer answer VDS_E_PROVIDER_CACHE_CORRUPT (until the cache is damaged again).",
        "IVdsIscsiTarget::CreatePortalGroup, VDS_E_PROVIDER_CACHE_CORRUPT row",
    ),
    documented(
        RuleId::DeletedIsObjectDeleted,
        "A call that changes an object that no longer exists answers VDS_E_OBJECT_DELETED, also through pointers the caller still holds; a call that starts an asynchronous operation may instead return S_OK and end the operation with VDS_E_OBJECT_DELETED in Wait's pHrResult, or with VDS_E_OPERATION_CANCELED when a Cancel succeeded (ASYNC-CANCEL), or VDS_E_PROVIDER_EXITING after a restart. Errors about the arguments (E_POINTER, E_INVALIDARG, VDS_E_NOT_SUPPORTED, VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED, and for AddPortal and RemovePortal VDS_E_OBJECT_NOT_FOUND or VDS_E_OBJECT_EXISTS about the portal) may take precedence.",
        "IVdsIscsiTarget::CreatePortalGroup, VDS_E_OBJECT_DELETED row",
    ),
    permits(
        decided(
            RuleId::CacheReadsMayBeStale,
            "Reads served from the cache (GetProperties, Query*) may show an object deleted behind the provider's back until the provider next talks to the array about it.",
            "A provider learns of changes made behind its back only from the array; the docs do not say when.",
        ),
        "It allows reads to lag behind changes made behind the provider's back; what a stale read may not do (invent objects, break tags) is judged by CPG-TAG-UNIQUE and CPG-LINEARIZABLE.",
    ),
    decided(
        RuleId::BusyInDomain,
        "A provider declares its lock domain: per target (the default and the reference's: an operation on a target or one of its portal groups holds that target), per subsystem or per provider (every operation, CreateTarget included, holds the whole). Two operations in one domain never run at once: while one is in flight, a call starting another in its domain answers VDS_E_ANOTHER_CALL_IN_PROGRESS. Calls on objects in the domain of an operation in flight may also be refused so. What a refresh conflicts with is REFRESH-WHILE-OPERATIONS'; a refusal nothing in flight explains is REFUSAL-WARRANTED's.",
        "The docs describe VDS_E_ANOTHER_CALL_IN_PROGRESS only as another operation being under way, without fixing which calls conflict; the provider chooses and declares it (ProviderFactory::declaration, the protocol's hello_ok), and is judged by its own declaration.",
    ),
    permits(
        decided(
            RuleId::RefreshWhileOperations,
            "Reenumerate or Refresh called while operations (of any kind, CreateTarget included) or another Reenumerate or Refresh are in flight may be refused with VDS_E_ANOTHER_CALL_IN_PROGRESS (the reference provider refuses it) or carried out alongside them; a provider that declares it runs them alongside operations may refuse them only for another Reenumerate or Refresh. A call made while a Reenumerate or Refresh runs may be refused with it (the reference refuses every one) or served.",
            "The docs do not say whether a refresh waits for, refuses or ignores operations in flight, nor what callers may do while it runs.",
        ),
        "Either answer is allowed; a refusal must still have a refresh or an operation in flight to explain it (REFUSAL-WARRANTED); what a refresh must not do to operations in flight (lose their results, report their objects wrongly) is judged by the asynchronous rules, CPG-LINEARIZABLE and REFUSAL-WARRANTED.",
    ),
    decided(
        RuleId::DeclarationKept,
        "A provider may declare methods it never carries out (only methods whose page lists VDS_E_NOT_SUPPORTED: IVdsAsync::Cancel, CreateTarget, SetFriendlyName, SetSharedSecret, RememberInitiatorSharedSecret, SetStatus), and that its operations end inside the call that starts them. A method declared not supported never answers a success code; with operations ending in the call, no QueryStatus made after the starting call returned reports the operation pending, and no Cancel succeeds. What a declared design cannot reach (a successful Cancel, an operation still pending, a failure reported by Wait, an operation under way at a restart, any cell of a method it does not carry out) the suite does not require; every answer it does give is judged as any provider's.",
        "The docs let a provider answer VDS_E_NOT_SUPPORTED for these methods and let an operation be over by the time anyone looks at it; a design that does either can never reach some of the situations the suite requires of others, so it says so (ProviderFactory::declaration, the protocol's hello_ok) and is held to what it said.",
    ),
    decided(
        RuleId::LinkErrorsAsWin32,
        "When the array does not answer in time (loss, partition, hold), the call answers HRESULT_FROM_WIN32(ERROR_TIMEOUT) = 0x800705B4; a malformed request refused by the array is HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER) = E_INVALIDARG.",
        "The docs allow converted Win32 errors without naming them.",
    ),
    decided(
        RuleId::ArgNullPointer,
        "A NULL pointer where the method needs one (a NULL secret with a non-zero size, a NULL initiator name for RememberInitiatorSharedSecret) answers E_POINTER, before any check of the object's state (so also while the target is busy, deleted or its cache corrupt; an allocation failure, a restart during the call or VDS_E_NOT_SUPPORTED, the method itself unsupported, may still come first), and E_POINTER answers nothing else; a malformed iSCSI name answers E_INVALIDARG. A NULL or empty iSCSI name for CreateTarget asks the provider to choose one, and is never refused as malformed.",
        "Standard COM practice; the docs name only E_INVALIDARG in general.",
    ),
    decided(
        RuleId::PortalOneGroupPerTarget,
        "Adding a portal that is already in another group of the same target answers VDS_E_OBJECT_EXISTS.",
        "The docs state the constraint but not the code.",
    ),
    decided(
        RuleId::RestartAbandonsOperations,
        "When the provider restarts, operations in flight end with VDS_E_PROVIDER_EXITING and NULL output, at the restart: no QueryStatus after it reports them pending; the array may or may not have applied them, and the reloaded cache shows which.",
        "The docs do not cover provider restarts.",
    ),
    decided(
        RuleId::RestartReloadsCache,
        "A restarted provider remembers nothing of the array: what it reports after a restart about targets and portal groups comes from the array at or after the restart. A read called after a restart never succeeds on a target or group the array had deleted before it (nor does QueryTargets list one), and QueryPortalGroups reports a number of groups the target had at some instant between the restart and the answer. A read under way at the restart may answer from its own round trip, true at an instant of the call (CALL-WINDOW).",
        "The docs do not cover provider restarts; a provider process that starts again has only the array to learn from.",
    ),
    decided(
        RuleId::CacheLearnsDeletions,
        "Reads may lag behind a deletion made behind the provider's back (CACHE-READS-MAY-BE-STALE) only until the provider learns of it: once a Refresh called after the deletion has succeeded, once the provider's own operation deleting the target or portal group (or its target) has been seen to end with S_OK, or once the provider has answered a call about the object (or its target) with VDS_E_OBJECT_DELETED, a read of that object (GetProperties, its lists, GetSubSystem, GetTarget) no longer succeeds.",
        "The docs present Refresh as the way to bring a provider's view of the array up to date; a provider that deleted an object itself has nothing to learn.",
    ),
    documented(
        RuleId::AnswersConsistent,
        "A method's own HRESULT says whether it worked: out-parameters come only with a success code, and a failure code comes alone.",
        "HRESULT conventions (SUCCEEDED/FAILED), as every VDS method page uses them",
    ),
    permits(
        decided(
            RuleId::CallWindow,
            "A call takes effect at one instant between its call and its return, and every rule judges its answer so: an answer is allowed when the state of the world at some instant of that window allows it (a cache damaged, a Refresh or an operation running, an object deleted, a restart, a fault firing at any instant of the call counts), and reads keep the staleness CACHE-READS-MAY-BE-STALE permits. An obligation holds only where every instant of the window makes it one.",
            "The docs describe each call alone and say nothing of when, within a call, the provider looks at the world; a provider may check early or late.",
        ),
        "It widens every rule to the whole of a call: each judge reads the call's window from its call to its return; what the answers at those instants must be is the other rules'.",
    ),
    permits(
        decided(
            RuleId::FailurePrecedence,
            "When several causes of failure hold at once, the provider may answer any of them, with one exception: a NULL pointer the method needs answers E_POINTER before anything about the object's state (ARG-NULL-POINTER), though an allocation failure or a restart during the call may still come first. The causes: E_OUTOFMEMORY while an allocation failure is pending (the fault makes the provider's next allocation fail, and which calls allocate is the provider's choice: any call from the fault until one answers E_OUTOFMEMORY may), VDS_E_PROVIDER_EXITING across a restart, HRESULT_FROM_WIN32(ERROR_TIMEOUT) once a link fault has fired, VDS_E_PROVIDER_CACHE_CORRUPT on a damaged cache, VDS_E_ANOTHER_CALL_IN_PROGRESS in a busy domain, VDS_E_OBJECT_DELETED for a deleted object, VDS_E_NOT_SUPPORTED where the method's page lists it, and every other failure whose fact (REFUSAL-WARRANTED's table: a portal missing or held elsewhere, LUNs or portals present, a name taken) held at some instant of the call.",
            "The docs give each code alone and no order between them; a provider's order of checks is its own.",
        ),
        "It lets any cause that holds win; every rule about one cause lets an answer with a cause of its own stand.",
    ),
    decided(
        RuleId::RunCompletes,
        "A provider never panics, never blocks its thread (it yields to the simulator), and every call, Wait included, returns within the run's time limit.",
        "A hung or crashed provider hangs the VDS service.",
    ),
    decided(
        RuleId::OutcomeListed,
        "Every answer is on its method's allow-list (vds_sim::outcomes): the call's own HRESULT is one its method page lists, a standard code or a code another rule of this profile allows; an operation that has finished ends with S_OK (for CreatePortalGroup also VDS_S_ALREADY_EXISTS, and any success code after the call itself answered VDS_S_ALREADY_EXISTS), VDS_E_OPERATION_CANCELED or a failure its method could have returned; and a successful end hands back an object exactly for CreateTarget and CreatePortalGroup.",
        "The method pages list codes one method at a time; a list that covers every outcome refuses a wrong answer that no specific rule foresaw.",
    ),
    documented(
        RuleId::RefusalWarranted,
        "A failure code states a fact about the situation, and the situation must bear it out: VDS_E_ASSOCIATED_LUNS_EXIST only for a target with LUNs, VDS_E_ASSOCIATED_PORTALS_EXIST only for a group holding portals, VDS_E_OBJECT_NOT_FOUND from AddPortal only for a portal the array does not have, and from RemovePortal not for a portal the group held throughout the call as the provider knew; VDS_E_OBJECT_DELETED only for an object the array had deleted (it never deletes a portal); VDS_E_NAME_NOT_UNIQUE only while a target had the chosen name; E_INVALIDARG (from any method, or in pHrResult) only after the array refused a request as malformed (an invalid_argument fault) or for arguments a provider may find malformed: a chosen iSCSI name or an initiator name outside RFC 3720's grammar, an empty friendly name, a CHAP secret outside 12 to 16 bytes, a NULL pointer, a portal status other than ONLINE and OFFLINE, a portal the array does not have; E_OUTOFMEMORY only after an allocation failure, VDS_E_PROVIDER_EXITING only after a restart and VDS_E_PROVIDER_CACHE_CORRUPT only after a cache corruption; HRESULT_FROM_WIN32(ERROR_TIMEOUT) and VDS_E_OBJECT_STATUS_FAILED only after a link fault (the array could not be reached); VDS_E_INITIALIZE_NOT_CALLED only across a restart (the world initializes every provider before its first call); VDS_E_ANOTHER_CALL_IN_PROGRESS only with a Reenumerate, Refresh or operation of the declared lock domain in flight at some instant of the call; VDS_E_OBJECT_EXISTS from AddPortal only while another group of the target held the portal; VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED only when an initiator was named; VDS_E_OPERATION_CANCELED from Cancel only after an earlier Cancel of the operation (or a restart), and as an operation's end only after a successful Cancel; VDS_E_NOT_SUPPORTED (where the method's page lists it) and VDS_E_CANCEL_TOO_LATE are the provider's choice and need nothing. The table is default-deny: every failure code on a method's allow-list has its warrant, judged at some instant between the call and the answer (for an operation's end, the first Wait or QueryStatus that reported it), set-up calls included. A portal added or removed on the array is never reported as refused (a timeout, VDS_E_PROVIDER_EXITING or VDS_E_OBJECT_DELETED leave the outcome unknown or have their own rules).",
        "The return-value tables of IVdsIscsiTarget::Delete, IVdsIscsiPortalGroup::AddPortal, RemovePortal and Delete say when each code is returned.",
    ),
    decided(
        RuleId::ReadsTrue,
        "What a successful read reports is the array's as of some instant before it answered (CALL-WINDOW; deletions may be seen late, CACHE-READS-MAY-BE-STALE): every list names each object, LUN or initiator once; QueryPortalGroups lists only the target's own groups, and leaves out none the provider knew of (it was in the array at the start or a client saw its creation end) that stood throughout the call with no deletion of it under way; QueryAssociatedPortals likewise for the group's portals; GetProperties reports the object's own id, a target's iSCSI name, a friendly name it had (as the array stores it: a created target's as given, SetFriendlyName's cut to 32 characters) and a CHAP state it had (on while it had a non-empty secret), never older than the provider's own last successful SetFriendlyName or SetSharedSecret on that target returned before the read was called (a change the provider made itself, it has learned), a portal's address and a status it had (a group's tag is CPG-TAG-UNIQUE's); GetConnectedInitiators and QueryAssociatedLuns list exactly the target's own initiators and LUNs, in any order; a group's GetTarget hands back the group's own target.",
        "The property and query pages describe what each out-parameter is; the docs do not say how current a provider's answer must be, so the window of the call (and the staleness rules for deletions) bound it.",
    ),
    decided(
        RuleId::SuccessApplied,
        "An operation a client saw end with S_OK made its change on the array while it ran: Delete deleted the target or group, AddPortal and RemovePortal changed that portal of that group, CreateTarget hands back the target the array made for it, with the iSCSI name the caller chose (if it chose one) and its friendly name. A synchronous change that answered success made it before it returned, with the caller's arguments: SetFriendlyName the name (VDS_S_NAME_TRUNCATED exactly when the array kept only part of it), SetSharedSecret and RememberInitiatorSharedSecret the secret given (or cleared it, for a NULL secret of size 0), SetStatus the status. A successful Cancel means the array never applies the operation's change (unless another call asking for the same change explains it).",
        "IVdsAsync::Cancel and the operations' pages; a success that did not happen, or a cancellation that did not stop the change, misleads the caller about the array.",
    ),
    decided(
        RuleId::AllocationFailureSuffered,
        "A provider that accepts an allocation failure fails an allocation for it: once a call made after the fault has handed out a new interface pointer with success (an IVdsAsync, or the enumerator of a Query method), some call or operation has answered E_OUTOFMEMORY since the fault, unless the provider restarted in between (a restarted provider has no allocation pending). Which call that is stays the provider's choice (FAILURE-PRECEDENCE): any call, an IVdsAsync call included, from the fault on.",
        "The allocation_failure fault is this project's; a provider that says it suffered one and then allocates without failing has not simulated it, and the checks about E_OUTOFMEMORY would pass a provider that never reports the failure.",
    ),
];

/// The rule with this printed id, if there is one.
///
/// ```
/// let r = vds_sim::profile::rule("CPG-ALREADY-EXISTS").unwrap();
/// assert_eq!(r.basis, vds_sim::profile::Basis::Documented);
/// ```
pub fn rule(id: &str) -> Option<&'static Rule> {
    id.parse::<RuleId>().ok().map(RuleId::rule)
}

/// Whether a chosen iSCSI name is well formed under rule ARG-NULL-POINTER
/// (which also covers malformed names): an `iqn.` or `eui.` name of at most
/// 223 bytes, without spaces. A provider refuses any other with
/// E_INVALIDARG; the oracle refuses that answer for a well-formed one.
///
/// ```
/// use vds_sim::profile::iscsi_name_well_formed;
/// assert!(iscsi_name_well_formed("iqn.1991-05.com.example:t1"));
/// assert!(!iscsi_name_well_formed("t1"));
/// assert!(!iscsi_name_well_formed("iqn.with space"));
/// ```
pub fn iscsi_name_well_formed(name: &str) -> bool {
    (name.starts_with("iqn.") || name.starts_with("eui."))
        && name.len() <= 223
        && !name.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_order_as_their_ids_do() {
        for a in RuleId::ALL {
            for b in RuleId::ALL {
                assert_eq!(a.cmp(b), a.as_str().cmp(b.as_str()), "{a} {b}");
            }
        }
    }

    #[test]
    fn ids_print_padded_like_text() {
        assert_eq!(format!("{:<12}|", RuleId::CpgLimit), "CPG-LIMIT   |");
    }

    #[test]
    fn every_id_has_exactly_one_rule_in_order() {
        let ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids, RuleId::ALL);
    }
}
