@IVdsSubSystemIscsi
Feature: IVdsSubSystemIscsi
  The provider's iSCSI subsystem: its targets and portals, and the creation
  of new targets. CreateTarget is asynchronous: Wait hands the new target
  back in ct.pTargetUnk.

  Rule: QueryTargets and QueryPortals - the subsystem's targets and portals, empty enumerations when none

    @SUB-QUERYTARGETS
    Scenario Outline: should enumerate <n> targets when the subsystem has <n>
      Given <array>
      When client "c1" calls QueryTargets
      Then the call returns S_OK
      And the call reports <n> targets
      And the interface ledger balances

      Examples:
        | n | array                                                 |
        | 0 | an array whose targets may have at most 4 portal groups |
        | 1 | a target "t1"                                         |

    @SUB-QUERYPORTALS
    Scenario: should enumerate the subsystem's portals
      Given a portal at "10.0.0.1:3260"
      And a portal at "10.0.0.2:3260"
      When client "c1" calls QueryPortals
      Then the call returns S_OK
      And the call reports 2 portals

  Rule: CreateTarget - creates a target; Wait hands it back in ct.pTargetUnk

    @CT-S_OK
    Scenario: should create the target with the names given when the iSCSI name is new
      When client "c1" calls CreateTarget with iSCSI name "iqn.2024-01.com.example:storage.db" and friendly name "db"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_CREATETARGET (62) with a non-null ct.pTargetUnk
      And the target reports friendly name "db"
      And the target reports iSCSI name "iqn.2024-01.com.example:storage.db"
      And the array has a target "db" with iSCSI name "iqn.2024-01.com.example:storage.db"
      And the interface ledger balances

    @CT-S_OK
    Scenario: should choose an iSCSI name when the caller passes a NULL iSCSI name
      When client "c1" calls CreateTarget with a NULL iSCSI name and friendly name "scratch"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_CREATETARGET (62) with a non-null ct.pTargetUnk
      And the target reports friendly name "scratch"
      And the target reports an iSCSI name starting with "iqn."
      And the array has 1 target

    @CT-S_OK
    Scenario: should create a portal group on a target it has just created
      When client "c1" calls CreateTarget with iSCSI name "iqn.2024-01.com.example:new" and friendly name "new"
      And client "c1" waits for the operation and keeps the target as "new"
      And client "c1" calls CreatePortalGroup on target "new"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_CREATEPORTALGROUP (63) with a non-null cpg.pPortalGroupUnk
      And the interface ledger balances

    @CT-NAME-NOT-UNIQUE
    Scenario: should refuse an iSCSI name that a target already has
      Given a target "t1"
      When client "c1" calls CreateTarget with iSCSI name "iqn.1991-05.com.example:t1" and friendly name "copy"
      Then the call returns VDS_E_NAME_NOT_UNIQUE (0x80042701)
      And the array has 1 target

    @CT-E_INVALIDARG @ARG-ISCSI-NAME
    Scenario Outline: should refuse a malformed iSCSI name (<why>)
      When client "c1" calls CreateTarget with iSCSI name "<name>" and friendly name "bad"
      Then the call returns E_INVALIDARG
      And the array has 0 targets

      Examples:
        | why                     | name                                 |
        | no iqn. or eui. prefix  | storage-target-1                     |
        | contains a space        | iqn.2024-01.com.example:my target    |
