@IVdsIscsiTarget
Feature: IVdsIscsiTarget
  An iSCSI target of the provider's subsystem: its properties, its portal
  groups and LUNs, its deletion, its friendly name and its CHAP secrets.
  (CreatePortalGroup has a feature of its own.)

  Rule: GetProperties - the target's id, names and CHAP state

    @TGT-GETPROPERTIES
    Scenario: should report the target's names and CHAP state when the target exists
      Given a target "t1"
      When client "c1" calls GetProperties on target "t1"
      Then the call returns S_OK
      And the target reports friendly name "t1"
      And the target reports iSCSI name "iqn.1991-05.com.example:t1"
      And the target reports CHAP disabled

    @TGT-GETPROPERTIES @DELETED-IS-OBJECT-DELETED
    Scenario: should report the target deleted when the provider has learned it was deleted behind its back
      Given a target "t1"
      And target "t1" is deleted on the array behind the provider's back before call 1
      When client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED
      When client "c1" calls GetProperties on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED

    @TGT-GETPROPERTIES @CACHE-CORRUPT-REPORTED
    Scenario: should report a corrupt cache when the provider's cache is damaged
      Given a target "t1"
      And the provider's cache is corrupted before call 1
      When client "c1" calls GetProperties on target "t1"
      Then the call returns VDS_E_PROVIDER_CACHE_CORRUPT

  Rule: GetSubSystem - the subsystem the target belongs to

    @TGT-GETSUBSYSTEM
    Scenario: should hand back the array's iSCSI subsystem when asked for the target's subsystem
      Given a target "t1"
      When client "c1" calls GetSubSystem on target "t1"
      Then the call returns S_OK
      And the call hands back the array's subsystem
      And the interface ledger balances

    @TGT-GETSUBSYSTEM @DELETED-IS-OBJECT-DELETED
    Scenario: should answer VDS_E_OBJECT_DELETED for the subsystem of a target another client deleted
      Given a target "t1"
      When client "c2" calls Delete on target "t1"
      And client "c2" waits for the operation
      And client "c1" waits 500 ms
      And client "c1" calls GetSubSystem on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED

    @TGT-GETSUBSYSTEM
    Scenario: should find the target under the provider's iSCSI subsystem when a client enumerates it
      # Every client's set-up walks IVdsHwProvider::QuerySubSystems ->
      # IVdsSubSystemIscsi::QueryTargets -> IVdsIscsiTarget::GetProperties.
      Given a target "t1"
      And a target "t2"
      When client "c1" calls QueryTargets
      Then the call returns S_OK
      And the call reports 2 targets
      When client "c1" calls GetProperties on target "t2"
      Then the call returns S_OK
      And the target reports friendly name "t2"

  Rule: QueryPortalGroups - the target's portal groups, an empty enumeration when it has none

    @TGT-QUERYPORTALGROUPS
    Scenario Outline: should enumerate <groups> portal groups when the target has <groups>
      Given a target "t1" with <groups> portal groups
      When client "c1" calls QueryPortalGroups on target "t1"
      Then the call returns S_OK
      And the call reports <groups> portal groups
      And the interface ledger balances

      Examples:
        | groups |
        | 0      |
        | 1      |
        | 3      |

    @TGT-QUERYPORTALGROUPS
    Scenario: should enumerate a portal group when it has just been created
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" waits for the operation
      And client "c1" calls QueryPortalGroups on target "t1"
      Then the call returns S_OK
      And the call reports 1 portal group

  Rule: QueryAssociatedLuns - the LUNs associated with the target, an empty enumeration when none

    @TGT-QUERYASSOCIATEDLUNS
    Scenario Outline: should enumerate <luns> LUNs when the target has <luns> associated
      Given a target "t1" with <luns> associated LUNs
      When client "c1" calls QueryAssociatedLuns on target "t1"
      Then the call returns S_OK
      And the call reports <luns> LUNs

      Examples:
        | luns |
        | 0    |
        | 2    |

  Rule: Delete - deletes the target and all its portal groups, only when no LUNs are associated

    @TGT-DELETE
    Scenario: should delete the target with its portal groups when no LUNs are associated
      Given a target "t1" with 2 portal groups
      When client "c1" calls Delete on target "t1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_DELETETARGET (64)
      And the output's pointers are null
      And target "t1" is no longer on the array
      And target "t1" has no portal groups left on the array
      And the interface ledger balances

    @TGT-DELETE @TGT-ASSOCIATED-LUNS-EXIST
    Scenario: should refuse to delete the target when LUNs are associated with it
      Given a target "t1" with 1 associated LUN
      When client "c1" calls Delete on target "t1"
      Then the call returns VDS_E_ASSOCIATED_LUNS_EXIST (0x8004270B)
      And target "t1" is still on the array
      And the interface ledger balances

    @TGT-DELETE @BUSY-IN-DOMAIN
    Scenario: should refuse to delete the target when a CreatePortalGroup on it is in flight
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls Delete on target "t1"
      Then the call returns VDS_E_ANOTHER_CALL_IN_PROGRESS
      And target "t1" is still on the array

    @TGT-DELETE @DELETED-IS-OBJECT-DELETED
    Scenario: should report the target deleted when a client calls it after deleting it
      Given a target "t1"
      When client "c1" calls Delete on target "t1"
      And client "c1" waits for the operation
      And client "c1" calls GetProperties on target "t1"
      Then the call returns VDS_E_OBJECT_DELETED

  Rule: SetFriendlyName - renames the target, truncating names that are too long

    @TGT-SETFRIENDLYNAME
    Scenario: should rename the target when the name fits
      Given a target "t1"
      When client "c1" calls SetFriendlyName on target "t1" with "database-storage"
      Then the call returns S_OK
      And target "t1" is named "database-storage" on the array
      When client "c1" calls GetProperties on target "t1"
      Then the target reports friendly name "database-storage"

    @TGT-SETFRIENDLYNAME
    Scenario: should rename the target in full when the name is exactly 32 characters
      Given a target "t1"
      When client "c1" calls SetFriendlyName on target "t1" with "abcdefghijklmnopqrstuvwxyz012345"
      Then the call returns S_OK
      And target "t1" is named "abcdefghijklmnopqrstuvwxyz012345" on the array

    @TGT-SETFRIENDLYNAME @TGT-NAME-TRUNCATED
    Scenario: should truncate the name and say so when the name is longer than 32 characters
      Given a target "t1"
      When client "c1" calls SetFriendlyName on target "t1" with "abcdefghijklmnopqrstuvwxyz0123456789"
      Then the call returns VDS_S_NAME_TRUNCATED (0x00042700)
      And target "t1" is named "abcdefghijklmnopqrstuvwxyz012345" on the array
      When client "c1" calls GetProperties on target "t1"
      Then the target reports friendly name "abcdefghijklmnopqrstuvwxyz012345"

    @TGT-SETFRIENDLYNAME @BUSY-IN-DOMAIN
    Scenario: should refuse to rename the target when an operation on it is in flight
      Given a target "t1"
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls SetFriendlyName on target "t1" with "renamed"
      Then the call returns VDS_E_ANOTHER_CALL_IN_PROGRESS
      And target "t1" is named "t1" on the array

  Rule: SetSharedSecret - sets or clears the CHAP secret the target uses

    @TGT-SETSHAREDSECRET
    Scenario: should enable CHAP when a secret is set for all initiators
      Given a target "t1"
      When client "c1" calls SetSharedSecret on target "t1" with secret "correct horse battery"
      Then the call returns S_OK
      And target "t1" has CHAP enabled on the array
      When client "c1" calls GetProperties on target "t1"
      Then the target reports CHAP enabled

    @TGT-SETSHAREDSECRET
    Scenario: should clear the secret when it is given a NULL secret of size 0
      Given a target "t1"
      When client "c1" calls SetSharedSecret on target "t1" with secret "correct horse battery"
      And client "c1" calls SetSharedSecret on target "t1" with a NULL secret of size 0
      Then the call returns S_OK
      And target "t1" has CHAP disabled on the array

    @TGT-SETSHAREDSECRET @ARG-NULL-POINTER
    Scenario: should refuse a NULL secret when its size is not zero
      Given a target "t1"
      When client "c1" calls SetSharedSecret on target "t1" with a NULL secret of size 16
      Then the call returns E_POINTER (0x80004003)
      And target "t1" has CHAP disabled on the array

    @TGT-SETSHAREDSECRET @TGT-INITIATOR-SPECIFIC-NOT-SUPPORTED
    Scenario: should refuse a secret for one initiator when the provider supports only one secret for all
      Given a target "t1"
      When client "c1" calls SetSharedSecret on target "t1" with secret "s3cret" for initiator "iqn.1991-05.com.microsoft:host1"
      Then the call returns VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED (0x80042707)
      And target "t1" has CHAP disabled on the array

  Rule: RememberInitiatorSharedSecret - records the secret an initiator uses for mutual CHAP

    @TGT-REMEMBERINITIATORSHAREDSECRET
    Scenario: should remember the initiator's secret when the initiator is named
      Given a target "t1"
      When client "c1" calls RememberInitiatorSharedSecret on target "t1" for initiator "iqn.1991-05.com.microsoft:host1" with secret "mutual"
      Then the call returns S_OK
      And target "t1" remembers initiator "iqn.1991-05.com.microsoft:host1" on the array

    @TGT-REMEMBERINITIATORSHAREDSECRET @ARG-NULL-POINTER
    Scenario: should refuse a NULL initiator name when remembering a secret
      Given a target "t1"
      When client "c1" calls RememberInitiatorSharedSecret on target "t1" for a NULL initiator with secret "mutual"
      Then the call returns E_POINTER

  Rule: GetConnectedInitiators - the iSCSI names of the initiators logged in to the target

    @TGT-GETCONNECTEDINITIATORS
    Scenario: should list the initiators when initiators are logged in
      Given a target "t1"
      And initiator "iqn.1991-05.com.microsoft:host1" is logged in to target "t1"
      And initiator "iqn.1991-05.com.microsoft:host2" is logged in to target "t1"
      When client "c1" calls GetConnectedInitiators on target "t1"
      Then the call returns S_OK
      And the call reports connected initiators "iqn.1991-05.com.microsoft:host1" and "iqn.1991-05.com.microsoft:host2"

    @TGT-GETCONNECTEDINITIATORS
    Scenario: should list no initiators when none is logged in
      Given a target "t1"
      When client "c1" calls GetConnectedInitiators on target "t1"
      Then the call returns S_OK
      And the call reports connected initiators none
