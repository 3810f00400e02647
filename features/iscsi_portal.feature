Feature: IVdsIscsiPortal - one iSCSI portal (an address and a port) of the subsystem
  A portal belongs to the subsystem and may sit in portal groups of several
  targets. Its status can be set online or offline; the IPsec methods are
  reserved and answer VDS_E_NOT_SUPPORTED.

  Rule: GetProperties - the portal's address and status

    @PORTAL-GETPROPERTIES
    Scenario: should report the portal's address and an online status when asked for its properties
      Given a portal at "10.0.0.1:3260"
      When client "c1" calls GetProperties on portal "10.0.0.1:3260"
      Then the call returns S_OK
      And the call reports status VDS_IPS_ONLINE

  Rule: GetSubSystem - the subsystem the portal belongs to

    @PORTAL-GETSUBSYSTEM
    Scenario: should hand back the array's iSCSI subsystem when asked for the portal's subsystem
      Given a portal at "10.0.0.1:3260"
      When client "c1" calls GetSubSystem on portal "10.0.0.1:3260"
      Then the call returns S_OK
      And the call hands back the array's subsystem
      And the interface ledger balances

  Rule: QueryAssociatedPortalGroups - the groups, of any target, that hold the portal

    @PORTAL-QUERYASSOCIATEDPORTALGROUPS
    Scenario: should list no groups when the portal is in none
      Given a portal at "10.0.0.1:3260"
      When client "c1" calls QueryAssociatedPortalGroups on portal "10.0.0.1:3260"
      Then the call returns S_OK
      And the call reports 0 portal groups

    @PORTAL-QUERYASSOCIATEDPORTALGROUPS @PORTAL-ONE-GROUP-PER-TARGET
    Scenario: should list a group of each target when the portal was added to groups of two targets
      Given a target "t1"
      And a target "t2"
      And a portal at "10.0.0.1:3260"
      And client "c1" holds a new portal group "g1" of target "t1"
      And client "c1" holds a new portal group "g2" of target "t2"
      And client "c1" has added portal "10.0.0.1:3260" to portal group "g1"
      And client "c1" has added portal "10.0.0.1:3260" to portal group "g2"
      When client "c1" calls QueryAssociatedPortalGroups on portal "10.0.0.1:3260"
      Then the call returns S_OK
      And the call reports 2 portal groups
      And the interface ledger balances

  Rule: SetStatus - only online and offline may be set

    @PORTAL-SETSTATUS
    Scenario Outline: should answer <code> when the status set is <status>
      Given a portal at "10.0.0.1:3260"
      When client "c1" calls SetStatus on portal "10.0.0.1:3260" with <status>
      Then the call returns <code>
      When client "c1" calls GetProperties on portal "10.0.0.1:3260"
      Then the call reports status <after>

      Examples:
        | status            | code         | after            |
        | VDS_IPS_OFFLINE   | S_OK         | VDS_IPS_OFFLINE  |
        | VDS_IPS_ONLINE    | S_OK         | VDS_IPS_ONLINE   |
        | VDS_IPS_FAILED    | E_INVALIDARG | VDS_IPS_ONLINE   |
        | VDS_IPS_NOT_READY | E_INVALIDARG | VDS_IPS_ONLINE   |
