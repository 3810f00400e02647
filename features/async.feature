@IVdsAsync
Feature: IVdsAsync
  The IVdsAsync that CreatePortalGroup (and every other asynchronous method)
  hands back: Wait blocks until the operation ends and reports the method's
  own result and the operation's result (pHrResult) separately; QueryStatus
  reports progress without waiting; Cancel stops an operation that has not
  yet passed its point of no return. Pointers in a Wait's output belong to
  the caller, and are NULL whenever Wait or pHrResult reports a failure.

  Rule: Wait - blocks until the operation ends and hands back its result

    @ASYNC-WAIT @OUTPUT-TYPE-MATCHES-OPERATION
    Scenario: should hand back the operation's result and output when the operation succeeds
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_CREATEPORTALGROUP (63) with a non-null cpg.pPortalGroupUnk
      And the portal group's target is "t1"

    @ASYNC-WAIT @WAIT-FAILURE-NULL-POINTERS
    Scenario: should succeed itself and report the operation's failure in pHrResult when the operation fails
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And target "t1" is deleted on the array behind the provider's back
      And client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult VDS_E_OBJECT_DELETED
      And the output's pointers are null
      And the interface ledger balances

    @ASYNC-WAIT-REPEATABLE
    Scenario: should hand out a fresh reference to the same portal group when Wait is called twice
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation and keeps the portal group as "first"
      And client "c1" waits for the operation and keeps the portal group as "second"
      Then Wait returns S_OK with pHrResult S_OK
      And every Wait on the operation hands back the same portal group
      And target "t1" has 1 portal group on the array
      And the interface ledger balances

  Rule: QueryStatus - reports progress without waiting

    @ASYNC-QUERYSTATUS-PENDING @ASYNC-PENDING-IN-HRRESULT @ASYNC-PERCENT-RANGE @ASYNC-PERCENT-MONOTONIC
    Scenario: should report the operation pending with a percentage below 100 that never decreases while the operation runs
      Given a target "t1"
      And array operations become 4 times slower for 10000 ms before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" queries the status of the operation
      And client "c1" waits 30 ms
      And client "c1" queries the status of the operation
      And client "c1" waits 30 ms
      And client "c1" queries the status of the operation
      And client "c1" waits for the operation
      Then every QueryStatus before the Wait returns S_OK with pHrResult VDS_E_OPERATION_PENDING (0x80042409)
      And the percentages before the Wait stay between 0 and 99 and never decrease
      And the percentage before the Wait rises above 0
      And Wait returns S_OK with pHrResult S_OK

    @ASYNC-QUERYSTATUS-DONE @ASYNC-PERCENT-RANGE
    Scenario: should report 100 percent and the operation's result when the operation has succeeded
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      And client "c1" queries the status of the operation
      Then QueryStatus returns S_OK with pHrResult S_OK and 100 percent completed

    @ASYNC-QUERYSTATUS-DONE @ASYNC-PERCENT-RANGE @CPG-ALREADY-EXISTS
    Scenario: should report 100 percent when CreatePortalGroup found the target at its limit
      Given an array whose targets may have at most 1 portal group
      And a target "t1" with 1 portal group
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" queries the status of the operation
      Then QueryStatus returns S_OK with pHrResult S_OK or VDS_S_ALREADY_EXISTS and 100 percent completed

    @ASYNC-QUERYSTATUS-FAILED @ASYNC-PERCENT-RANGE
    Scenario Outline: should report 0 percent and the failure when the operation has failed (<cause>)
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And <fault>
      And client "c1" waits for the operation
      And client "c1" queries the status of the operation
      Then Wait returns S_OK with pHrResult <failure>
      And QueryStatus returns S_OK with pHrResult <failure> and 0 percent completed

      Examples:
        | cause                    | fault                                                          | failure                           |
        | target deleted           | target "t1" is deleted on the array behind the provider's back | VDS_E_OBJECT_DELETED              |
        | array unreachable        | the link between provider and array is partitioned for 3000 ms | HRESULT_FROM_WIN32(ERROR_TIMEOUT) |
        | provider restarted       | the provider restarts                                          | VDS_E_PROVIDER_EXITING            |
        | cancelled by the caller  | client "c1" cancels the operation                              | VDS_E_OPERATION_CANCELED          |

  Rule: Cancel - stops an operation that has not passed its point of no return

    @ASYNC-CANCEL
    Scenario: should cancel the operation when it has not yet reached the array
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" cancels the operation
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult VDS_E_OPERATION_CANCELED (0x8004240D)
      And the output's pointers are null
      When client "c1" queries the status of the operation
      Then QueryStatus returns S_OK with pHrResult VDS_E_OPERATION_CANCELED and 0 percent completed
      And target "t1" has 0 portal groups on the array
      And the interface ledger balances

    @ASYNC-CANCEL-TOO-LATE
    Scenario: should refuse to cancel when the operation has already been sent to the array
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits 10 ms
      And client "c1" cancels the operation
      Then the call returns VDS_E_CANCEL_TOO_LATE (0x8004240C)
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_CREATEPORTALGROUP (63) with a non-null cpg.pPortalGroupUnk
      And target "t1" has 1 portal group on the array

    @ASYNC-CANCEL-TOO-LATE @ASYNC-CANCEL-AFTER-DONE
    Scenario: should refuse to cancel when the operation has finished
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      And client "c1" cancels the operation
      Then the call returns VDS_E_CANCEL_TOO_LATE
      When client "c1" queries the status of the operation
      Then QueryStatus returns S_OK with pHrResult S_OK and 100 percent completed

    @ASYNC-CANCEL-TWICE
    Scenario: should report the operation already canceled when Cancel is called a second time
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" cancels the operation
      Then the call returns S_OK
      When client "c1" cancels the operation
      Then the call returns VDS_E_OPERATION_CANCELED
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult VDS_E_OPERATION_CANCELED

    @ASYNC-CANCEL @BUSY-IN-DOMAIN
    Scenario: should free the target for a new operation when the operation was cancelled
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" cancels the operation
      And client "c1" calls CreatePortalGroup on target "t1" as operation "again"
      Then the call returns S_OK
      When client "c1" waits for operation "again"
      Then Wait returns S_OK with pHrResult S_OK
      And target "t1" has 1 portal group on the array

  Rule: release rules - the caller releases what a successful Wait hands back, and nothing else

    @WAIT-FAILURE-NULL-POINTERS @LEDGER-BALANCED
    Scenario Outline: should leave the output's pointers NULL when the operation fails (<cause>)
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And <fault>
      And client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult <failure>
      And the output's pointers are null
      And the interface ledger balances

      Examples:
        | cause                   | fault                                                          | failure                           |
        | target deleted          | target "t1" is deleted on the array behind the provider's back | VDS_E_OBJECT_DELETED              |
        | array unreachable       | the link between provider and array is partitioned for 3000 ms | HRESULT_FROM_WIN32(ERROR_TIMEOUT) |
        | provider restarted      | the provider restarts                                          | VDS_E_PROVIDER_EXITING            |
        | cancelled by the caller | client "c1" cancels the operation                              | VDS_E_OPERATION_CANCELED          |

    @LEDGER-BALANCED
    Scenario: should balance the interface ledger when clients mix successful, refused and failed operations
      Given an array whose targets may have at most 2 portal groups
      And a target "t1" with 1 portal group
      And a target "t2"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls CreatePortalGroup on target "t1" as operation "busy"
      And client "c1" waits for the operation and keeps the portal group as "g1"
      And client "c1" calls CreatePortalGroup on target "t1" as operation "full"
      And client "c1" waits for operation "full" and keeps the portal group as "existing"
      And client "c1" calls GetTarget on portal group "g1" and keeps the target as "owner"
      And client "c1" releases "g1"
      And client "c2" calls CreatePortalGroup on target "t2"
      And client "c2" cancels the operation
      And client "c2" waits for the operation
      Then Wait returns S_OK with pHrResult VDS_E_OPERATION_CANCELED
      And the interface ledger balances
