@IVdsIscsiPortalGroup
Feature: IVdsIscsiPortalGroup
  A portal group of an iSCSI target: its properties, its target, and the
  portals in it. A portal may be in only one portal group of a given target,
  but also in groups of other targets.

  Background:
    Given a target "t1"
    And a portal at "10.0.0.1:3260"
    And a portal at "10.0.0.2:3260"
    And client "c1" holds a new portal group "g1" of target "t1"

  Rule: GetProperties - the group's id and tag

    @PG-GETPROPERTIES @CPG-TAG-UNIQUE
    Scenario: should report the tag the array gave the group when asked for its properties
      Given a target "t1" with 2 portal groups
      When client "c1" calls GetProperties on portal group "g1"
      Then the call returns S_OK
      And the call reports the tag the array gave portal group "g1"

    @PG-GETPROPERTIES @PG-OBJECT-DELETED
    Scenario: should report the group deleted when a client calls it after deleting it
      When client "c1" calls Delete on portal group "g1"
      And client "c1" waits for the operation
      And client "c1" calls GetProperties on portal group "g1"
      Then the call returns VDS_E_OBJECT_DELETED

  Rule: GetTarget - the target the group belongs to

    @PG-GETTARGET
    Scenario: should hand back the group's target when asked for it
      When client "c1" calls GetTarget on portal group "g1" and keeps the target as "owner"
      Then the call returns S_OK
      When client "c1" calls GetProperties on target "owner"
      Then the call returns S_OK
      And the target reports friendly name "t1"
      And the interface ledger balances

  Rule: QueryAssociatedPortals - the portals in the group, an empty enumeration when none

    @PG-QUERYASSOCIATEDPORTALS
    Scenario: should enumerate no portals when the group is new
      When client "c1" calls QueryAssociatedPortals on portal group "g1"
      Then the call returns S_OK
      And the call reports 0 portals

    @PG-QUERYASSOCIATEDPORTALS
    Scenario: should enumerate the portals that were added to the group
      Given client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      And client "c1" has added portal "10.0.0.2:3260" to portal group "g1"
      When client "c1" calls QueryAssociatedPortals on portal group "g1"
      Then the call returns S_OK
      And the call reports 2 portals
      And the interface ledger balances

  Rule: AddPortal - adds an existing portal to the group

    @PG-ADDPORTAL
    Scenario: should add the portal to the group when the portal exists
      When client "c1" calls AddPortal on portal group "g1" with portal "10.0.0.1:3260"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_ADDPORTAL (65)
      And the output's pointers are null
      And portal group "g1" holds portal "10.0.0.1:3260" on the array
      And portal group "g1" holds 1 portal on the array

    @PG-ADDPORTAL @PG-OBJECT-NOT-FOUND
    Scenario: should report the portal not found when no portal has that id
      When client "c1" calls AddPortal on portal group "g1" with portal "192.0.2.99:3260"
      Then the call returns VDS_E_OBJECT_NOT_FOUND (0x80042405)
      And portal group "g1" holds 0 portals on the array

    @PG-ADDPORTAL @PORTAL-ONE-GROUP-PER-TARGET
    Scenario: should refuse a portal that is already in another portal group of the same target
      Given client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      And client "c1" holds a new portal group "g2" of target "t1"
      When client "c1" calls AddPortal on portal group "g2" with portal "10.0.0.1:3260"
      Then the call returns VDS_E_OBJECT_EXISTS
      And portal group "g2" holds 0 portals on the array

    @PG-ADDPORTAL @PORTAL-ONE-GROUP-PER-TARGET
    Scenario: should add a portal to a group of another target when it is already in a group of this one
      Given a target "t2"
      And client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      And client "c1" holds a new portal group "g2" of target "t2"
      When client "c1" calls AddPortal on portal group "g2" with portal "10.0.0.1:3260"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And portal group "g2" holds portal "10.0.0.1:3260" on the array
      And portal group "g1" holds portal "10.0.0.1:3260" on the array

    @PG-ADDPORTAL @BUSY-IN-DOMAIN
    Scenario: should refuse to add a portal when another operation on the group's target is in flight
      When client "c1" calls CreatePortalGroup on target "t1"
      And client "c1" calls AddPortal on portal group "g1" with portal "10.0.0.1:3260"
      Then the call returns VDS_E_ANOTHER_CALL_IN_PROGRESS

  Rule: RemovePortal - removes a portal from the group

    @PG-REMOVEPORTAL
    Scenario: should remove the portal from the group when the group holds it
      Given client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      When client "c1" calls RemovePortal on portal group "g1" with portal "10.0.0.1:3260"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_REMOVEPORTAL (66)
      And portal group "g1" holds 0 portals on the array

    @PG-REMOVEPORTAL @PG-OBJECT-NOT-FOUND
    Scenario: should report the portal not found when the group does not hold it
      When client "c1" calls RemovePortal on portal group "g1" with portal "10.0.0.2:3260"
      Then the call returns VDS_E_OBJECT_NOT_FOUND

  Rule: Delete - deletes the group, only once its portals are removed

    @PG-DELETE
    Scenario: should delete the group when it holds no portals
      When client "c1" calls Delete on portal group "g1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And the output type is VDS_ASYNCOUT_DELETEPORTALGROUP (67)
      And portal group "g1" is no longer on the array
      And target "t1" has 0 portal groups on the array
      And the interface ledger balances

    @PG-DELETE @PG-ASSOCIATED-PORTALS-EXIST
    Scenario: should refuse to delete the group when it still holds portals
      Given client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      When client "c1" calls Delete on portal group "g1"
      Then the call returns VDS_E_ASSOCIATED_PORTALS_EXIST (0x8004270C)
      And portal group "g1" is still on the array

    @PG-DELETE @PG-ASSOCIATED-PORTALS-EXIST
    Scenario: should delete the group when its portals have been removed first
      Given client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      When client "c1" calls RemovePortal on portal group "g1" with portal "10.0.0.1:3260"
      And client "c1" waits for the operation
      And client "c1" calls Delete on portal group "g1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And portal group "g1" is no longer on the array

    @PG-DELETE @CPG-S_OK
    Scenario: should let the target get a new portal group when a group was deleted at the limit
      Given an array whose targets may have at most 1 portal group
      When client "c1" calls Delete on portal group "g1"
      And client "c1" waits for the operation
      And client "c1" calls CreatePortalGroup on target "t1"
      Then the call returns S_OK
      When client "c1" waits for the operation
      Then Wait returns S_OK with pHrResult S_OK
      And target "t1" has 1 portal group on the array
