@CreatePortalGroup
Feature: IVdsIscsiTarget::CreatePortalGroup
  CreatePortalGroup starts creating a portal group on an iSCSI target and
  hands back an IVdsAsync in ppAsync; IVdsAsync::Wait then hands back the new
  group in cpg.pPortalGroupUnk. Each rule is one row of the method's
  documented return-code table (or one of the standard or converted codes it
  may also return), produced by the fault that causes it.

  Rule: S_OK - the portal group was created

    @CPG-S_OK @CPG-S_OK-NEW-GROUP @CPG-TAG-UNIQUE @OUTPUT-TYPE-MATCHES-OPERATION
    Scenario: should create a portal group on the target when the target is below its limit
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_CREATEPORTALGROUP (63) with a non-null cpg.pPortalGroupUnk
      And the portal group's target is "t1"
      And the portal group exists on the array with the tag it reports
      And target "t1" has 1 portal group on the array
      And the interface ledger balances

    @CPG-S_OK @CPG-S_OK-NEW-GROUP
    Scenario Outline: should create a portal group when run on <engine> from seed <seed>
      Given seed <seed>
      And the <engine> engine
      And a target "t1" with 1 portal group
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the portal group's target is "t1"
      And target "t1" has 2 portal groups on the array

      Examples:
        | engine  | seed |
        | madsim  | 1    |
        | madsim  | 42   |
        | turmoil | 7    |
        | turmoil | 42   |

    @CPG-S_OK @CPG-TAG-UNIQUE
    Scenario: should give each new portal group a tag that no other group of the target has
      Given a target "t1" with 1 portal group
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      And client "c1" calls CreatePortalGroup on target "t1" as operation "second"
      And client "c1" waits for operation "second"
      Then Wait returns S_OK with pHrResult S_OK
      And the portal groups handed back report distinct tags, each the one the array gave it
      And target "t1" has 3 portal groups on the array

    @CPG-S_OK @BUSY-IN-DOMAIN
    Scenario: should create portal groups on two targets at once when each target has one operation in flight
      Given a target "t1"
      And a target "t2"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls CreatePortalGroup on target "t2" as operation "other"
      Then the call returns S_OK
      When client "c1" waits for the operation
      And client "c1" waits for operation "other"
      Then Wait returns S_OK with pHrResult S_OK
      And the portal group's target is "t2"
      And target "t1" has 1 portal group on the array
      And target "t2" has 1 portal group on the array

  Rule: VDS_S_ALREADY_EXISTS - no more portal groups can be created; Wait hands back an existing one

    @CPG-ALREADY-EXISTS @CPG-LIMIT
    Scenario: should hand back an existing portal group when the target already has as many as it may
      Given an array whose targets may have at most 2 portal groups
      And a target "t1" with 2 portal groups
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_S_ALREADY_EXISTS (0x00042714)
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK or VDS_S_ALREADY_EXISTS
      And the output type is VDS_ASYNCOUT_CREATEPORTALGROUP (63) with a non-null cpg.pPortalGroupUnk
      And the portal group handed back is one of target "t1"'s existing portal groups
      And the portal group's target is "t1"
      And target "t1" has 2 portal groups on the array
      And the interface ledger balances

    @CPG-ALREADY-EXISTS
    Scenario: should hand back the group it created before when the client's own creations reached the limit
      Given an array whose targets may have at most 1 portal group
      And a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      When client "c1" calls CreatePortalGroup on target "t1" as operation "again"
      Then the call returns VDS_S_ALREADY_EXISTS
      When client "c1" waits for operation "again"
      Then Wait returns S_OK with pHrResult S_OK or VDS_S_ALREADY_EXISTS
      And every Wait on the operation hands back the same portal group
      And target "t1" has 1 portal group on the array
      And the interface ledger balances

  Rule: VDS_E_PROVIDER_CACHE_CORRUPT - the provider's cache is damaged; Reenumerate then Refresh restores it

    @CPG-CACHE-CORRUPT @CACHE-CORRUPT-REPORTED
    Scenario: should report a corrupt cache when the provider's cache is damaged
      Given a target "t1"
      And the provider's cache is corrupted before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_PROVIDER_CACHE_CORRUPT (0x8004241F)
      And target "t1" has 0 portal groups on the array
      And the interface ledger balances

    @CPG-CACHE-CORRUPT @CACHE-RECOVERY-SEQUENCE @CACHE-RECOVERED-AFTER-REFRESH
    Scenario: should create the portal group again when the caller has called Reenumerate then Refresh
      Given a target "t1"
      And the provider's cache is corrupted before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_PROVIDER_CACHE_CORRUPT
      When client "c1" calls Reenumerate
      Then the call returns S_OK
      When client "c1" calls Refresh
      Then the call returns S_OK
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the portal group's target is "t1"
      And target "t1" has 1 portal group on the array
      And the interface ledger balances

    @CPG-CACHE-CORRUPT @CACHE-RECOVERY-SEQUENCE
    Scenario: should stay corrupt when the caller calls Refresh without Reenumerate
      Given a target "t1"
      And the provider's cache is corrupted before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls Refresh
      Then the call returns VDS_E_PROVIDER_CACHE_CORRUPT
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_PROVIDER_CACHE_CORRUPT

    @CPG-CACHE-CORRUPT @CACHE-RECOVERY-SEQUENCE
    Scenario: should stay corrupt when the caller calls Reenumerate without Refresh
      Given a target "t1"
      And the provider's cache is corrupted before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls Reenumerate
      Then the call returns S_OK
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_PROVIDER_CACHE_CORRUPT

    @CPG-CACHE-CORRUPT @CACHE-RECOVERY-SEQUENCE @CACHE-RECOVERED-AFTER-REFRESH
    Scenario: should recover when Refresh follows Reenumerate although Refresh was tried first
      Given a target "t1"
      And the provider's cache is corrupted before call 1
      When client "c1" calls Refresh
      And client "c1" calls Reenumerate
      And client "c1" calls Refresh
      Then the call returns S_OK
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns S_OK

  Rule: VDS_E_OBJECT_DELETED - the target object is no longer present

    @CPG-OBJECT-DELETED @DELETED-IS-OBJECT-DELETED
    Scenario: should report the target deleted when it was deleted on the array behind the provider's back
      Given a target "t1"
      And target "t1" is deleted on the array behind the provider's back before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED (0x8004240B)
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED
      And target "t1" is no longer on the array
      And the interface ledger balances

    @CPG-OBJECT-DELETED @DELETED-IS-OBJECT-DELETED
    Scenario: should report the target deleted when another client deleted it while this client held a pointer to it
      Given a target "t1"
      When client "c2" calls Delete on target "t1"
      And client "c2" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      When client "c1" waits 500 ms
      And client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED
      And target "t1" is no longer on the array
      And the interface ledger balances

  Rule: VDS_E_ANOTHER_CALL_IN_PROGRESS - another operation on the target must complete first

    @CPG-ANOTHER-CALL-IN-PROGRESS @BUSY-IN-DOMAIN
    Scenario: should refuse a second CreatePortalGroup on a target when the first is still in flight
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls CreatePortalGroup on target "t1" as operation "second"
      Then the call returns VDS_E_ANOTHER_CALL_IN_PROGRESS (0x80042404)
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And target "t1" has 1 portal group on the array
      And the interface ledger balances

    @CPG-ANOTHER-CALL-IN-PROGRESS @BUSY-IN-DOMAIN
    Scenario: should let one caller through and refuse the others when clients call at the same moment
      Given a target "t1"
      And 3 other clients call CreatePortalGroup on target "t1" at the same moment, before call 1
      When client "c1" waits 1 ms
      And client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      Then every CreatePortalGroup call returns S_OK or VDS_E_ANOTHER_CALL_IN_PROGRESS
      And at least one CreatePortalGroup call returns VDS_E_ANOTHER_CALL_IN_PROGRESS
      And at least one CreatePortalGroup call returns S_OK
      And target "t1" has as many portal groups on the array as CreatePortalGroup calls returned S_OK
      And the interface ledger balances

    @CPG-ANOTHER-CALL-IN-PROGRESS @BUSY-IN-DOMAIN
    Scenario: should accept CreatePortalGroup again when the earlier operation has finished
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      And client "c1" calls CreatePortalGroup on target "t1" as operation "second"
      Then the call returns S_OK
      When client "c1" waits for operation "second"
      Then Wait returns S_OK with pHrResult S_OK
      And target "t1" has 2 portal groups on the array

  Rule: standard HRESULTs and converted Win32 errors

    Scenario Outline: should return <code> when <cause>
      Given a target "t1"
      And <fault> before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns <code>
      And target "t1" has 0 portal groups on the array
      And the interface ledger balances

      @CPG-E_INVALIDARG
      Examples: the array refuses the request
        | cause                                           | fault                                           | code                      |
        | the array refuses the provider's request as malformed | the array refuses the next request as malformed | E_INVALIDARG (0x80070057) |

      @CPG-E_OUTOFMEMORY
      Examples: the provider runs out of memory
        | cause                                  | fault                               | code                       |
        | the provider cannot allocate memory    | the provider's next allocation fails | E_OUTOFMEMORY (0x8007000E) |

      @CPG-WIN32-ERROR
      Examples: the array cannot be reached
        | cause                                   | fault                                                        | code                                               |
        | provider and array cannot reach each other | the link between provider and array is partitioned for 3000 ms | HRESULT_FROM_WIN32(ERROR_TIMEOUT) (0x800705B4) |

    @CPG-E_OUTOFMEMORY
    Scenario: should create the portal group on the next call when only one allocation failed
      Given a target "t1"
      And the provider's next allocation fails before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns E_OUTOFMEMORY
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK

    @CPG-WIN32-ERROR
    Scenario: should create the portal group again when the link between provider and array is repaired
      Given a target "t1"
      And the link between provider and array is partitioned for 3000 ms before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns HRESULT_FROM_WIN32(ERROR_TIMEOUT)
      When client "c1" waits 3000 ms
      And client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And target "t1" has 1 portal group on the array
